//! A complete webhook receiver: verify, parse, and apply each delivery to a durable store
//! (suppression list, contact mirror, ledger of applied deliveries) before answering 200.
//!
//! Binds 127.0.0.1 only. Run it with
//!
//! ```text
//! SINCH_WEBHOOK_SECRET=my-secret SINCH_STATE_DB=webhook-state.db \
//!     cargo run -p sinch-contacts-callbacks --features axum --example webhook_receiver
//! ```
//!
//! and point a tunnel (or the project's emulator) at `http://127.0.0.1:8787/sinch/callbacks`.
//! `SINCH_STATE_DB` is a SQLite file (created if missing; opt-outs survive restarts); without
//! it the state is kept in memory. `PORT` changes the port; `SINCH_WEBHOOK_SECRET_OLD` adds a
//! second secret during rotation.

use std::sync::Arc;
use std::time::Duration;

use sinch_contacts_callbacks::axum_handler::{StoreHandler, WebhookReceiver};
use sinch_contacts_callbacks::mirror::MirrorChange;
use sinch_contacts_callbacks::optout::SuppressionOutcome;
use sinch_contacts_callbacks::store::{Applied, CallbackStore, MemoryStore};
use sinch_contacts_callbacks::{Callback, Event, Verifier};
use sinch_contacts_store::SqliteStore;

/// Says what a committed delivery did (runs after the commit).
fn report(callback: &Callback, applied: &Applied) {
    let Applied::Fresh {
        suppression,
        mirror,
    } = applied
    else {
        println!("redelivery of an applied {} ignored", callback.trigger());
        return;
    };
    match suppression {
        SuppressionOutcome::OptedOut(key) => {
            println!("opt-out: {} on {}", key.identity, key.channel)
        }
        SuppressionOutcome::OptedIn(key) => println!("opt-in: {} on {}", key.identity, key.channel),
        SuppressionOutcome::HelpRequested(key) => println!(
            "help requested by {} on {}: reply with your help text",
            key.identity, key.channel
        ),
        _ => {}
    }
    match mirror {
        MirrorChange::NotApplicable | MirrorChange::Unchanged => {}
        change => println!("mirror: {change:?}"),
    }
    if let Event::Unknown(unknown) = &callback.event {
        println!("unknown callback kept: {:?}", unknown.key);
    }
}

async fn serve<S: CallbackStore>(
    store: Arc<S>,
    verifier: Verifier,
    port: u16,
) -> Result<(), Box<dyn std::error::Error>> {
    let app = WebhookReceiver::new(verifier, StoreHandler::new(store).on_applied(report))
        .max_body_bytes(256 * 1024)
        // The sender only sees "callback handler failed"; the detail stays here.
        .on_handler_error(|error| eprintln!("callback not stored (the API will retry): {error}"))
        .router("/sinch/callbacks");
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "listening on http://{}/sinch/callbacks",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("SINCH_WEBHOOK_SECRET").unwrap_or_else(|_| {
        eprintln!("SINCH_WEBHOOK_SECRET is not set; using the demo secret \"change-me\"");
        "change-me".to_owned()
    });
    let mut verifier = Verifier::new(secret)
        .with_tolerance(Duration::from_secs(300))
        .with_replay_guard(10_000);
    if let Ok(old) = std::env::var("SINCH_WEBHOOK_SECRET_OLD") {
        verifier = verifier.with_secret(old);
    }
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8787);

    match std::env::var("SINCH_STATE_DB") {
        Ok(path) if !path.is_empty() => {
            let store = SqliteStore::open(&path).await?;
            println!("state kept in the SQLite file {path}");
            serve(Arc::new(store), verifier, port).await
        }
        _ => {
            eprintln!("SINCH_STATE_DB is not set: state kept in memory, lost on restart");
            serve(Arc::new(MemoryStore::new()), verifier, port).await
        }
    }
}

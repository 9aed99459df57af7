//! A complete webhook receiver: verify, parse, keep a suppression list and a contact mirror.
//!
//! Binds 127.0.0.1 only. Run it with
//!
//! ```text
//! SINCH_WEBHOOK_SECRET=my-secret cargo run -p sinch-contacts-callbacks --features axum \
//!     --example webhook_receiver
//! ```
//!
//! and point a tunnel (or the project's emulator) at `http://127.0.0.1:8787/sinch/callbacks`.
//! `PORT` changes the port; `SINCH_WEBHOOK_SECRET_OLD` adds a second secret during rotation.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sinch_contacts_callbacks::axum_handler::{HandlerError, WebhookReceiver};
use sinch_contacts_callbacks::mirror::{ContactMirror, MirrorChange};
use sinch_contacts_callbacks::optout::{SuppressionList, SuppressionOutcome};
use sinch_contacts_callbacks::{Callback, Event, Verifier};

/// What the receiver keeps between callbacks.
#[derive(Debug, Default)]
struct AppState {
    suppression: SuppressionList,
    mirror: ContactMirror,
}

async fn on_callback(state: Arc<Mutex<AppState>>, callback: Callback) -> Result<(), HandlerError> {
    let mut state = state.lock().map_err(|_| "state lock poisoned")?;
    match state.suppression.apply(&callback) {
        SuppressionOutcome::OptedOut(key) => {
            println!("opt-out: {} on {}", key.identity, key.channel);
        }
        SuppressionOutcome::OptedIn(key) => println!("opt-in: {} on {}", key.identity, key.channel),
        SuppressionOutcome::HelpRequested(key) => {
            println!(
                "help requested by {} on {}: reply with your help text",
                key.identity, key.channel
            );
        }
        _ => {}
    }
    match state.mirror.apply(&callback) {
        MirrorChange::NotApplicable | MirrorChange::Unchanged => {}
        change => println!("mirror: {change:?} ({} contacts)", state.mirror.len()),
    }
    if let Event::Unknown(unknown) = &callback.event {
        println!("unknown callback kept: {:?}", unknown.key);
    }
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

    let state = Arc::new(Mutex::new(AppState::default()));
    let handler_state = state.clone();
    let app = WebhookReceiver::new(verifier, move |callback: Callback| {
        on_callback(handler_state.clone(), callback)
    })
    .max_body_bytes(256 * 1024)
    // The sender only sees "callback handler failed"; the detail stays here.
    .on_handler_error(|error| eprintln!("callback not processed (the API will retry): {error}"))
    .router("/sinch/callbacks");

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "listening on http://{}/sinch/callbacks",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}

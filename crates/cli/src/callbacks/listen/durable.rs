//! `listen --state LOCATION`: the suppression list, the contact mirror and the delivery ledger
//! in a SQLite file or a PostgreSQL database (`sinch-contacts-store`), shared by every receiver
//! pointed at it. The callbacks crate's `StoreHandler` answers 200 only after a delivery's
//! effect and ledger entry are committed, 503 with `Retry-After` when the store's queue is
//! full, and 500 when the store fails (so the sender retries); a redelivered body is recognized
//! by the ledger and changes nothing. On Ctrl-C or SIGTERM the receiver stops accepting, lets
//! every delivery in progress commit, closes the store and exits 0.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use sinch_contacts_callbacks::Verifier;
use sinch_contacts_callbacks::axum_handler::{RejectReason, StoreHandler, WebhookReceiver};
use sinch_contacts_emulator::ConnectionLimits;
use sinch_contacts_store::{AnyStore, Applied, StoreOptions, is_postgres_url};

use super::forward::{Forwarder, Holding};
use super::metrics::Metrics;
use super::ops::Ops;
use super::printed::{print_callback, print_rejected};
use super::serve::serve;
use crate::callbacks::report::{mirror_change_text, suppression_change_text};
use crate::error::{CliError, CliResult};
use crate::output::{Output, eprint_line};

/// Opens (or creates) the state and serves until Ctrl-C or SIGTERM.
pub async fn run(
    location: &str,
    verifier: Verifier,
    path: &str,
    address: SocketAddr,
    limits: ConnectionLimits,
    forward: Option<Arc<Forwarder>>,
    output: Output,
) -> CliResult {
    let store = open_state(location, true).await?;
    let metrics = Arc::new(Metrics::default());
    let applied_metrics = metrics.clone();
    let handler =
        StoreHandler::new(Arc::new(store.clone())).on_applied(move |callback, applied| {
            let (mirror, suppression, already_applied) = match applied {
                Applied::Fresh {
                    suppression,
                    mirror,
                } => (
                    mirror_change_text(mirror),
                    suppression_change_text(suppression),
                    false,
                ),
                _ => (String::new(), String::new(), true),
            };
            applied_metrics.applied(!already_applied);
            // The delivery is committed already; a failure to print cannot undo it.
            // A closed standard output says nothing: it stops the receiver.
            if let Err(error) =
                print_callback(callback, mirror, suppression, already_applied, output)
                && !error.is_silent()
            {
                eprint_line(&format!("warning: cannot print a stored callback: {error}"));
            }
        });
    let rejected_metrics = metrics.clone();
    let ops = Ops::new(metrics.clone(), Some(store.clone()));
    let webhook = WebhookReceiver::new(verifier, Holding::new(handler, forward.clone()))
        .on_rejected(move |rejected| {
            rejected_metrics.rejected(rejected.reason);
            print_rejected(rejected);
        })
        .router(path);
    let router = Forwarder::wrap(webhook, forward.as_ref()).merge(ops.routes());
    let served = serve(router, path, address, limits, &ops, output).await;
    // Every request has been answered: commit what is still queued, then close.
    store.close().await;
    served?;

    let counts = metrics.counts();
    if output.json {
        output.json_line(&serde_json::json!({ "summary": counts, "state": store.describe() }))?;
    } else {
        let mut text = format!(
            "received {} callbacks ({} applied, {} already applied, {} not stored, {} refused as \
             overloaded); state kept in {}",
            counts.received(),
            counts.applied,
            counts.redelivered,
            counts.rejected(RejectReason::HandlerFailed),
            counts.rejected(RejectReason::Overloaded),
            store.describe(),
        );
        if let Some(file) = store.path() {
            text.push_str(&format!(
                " (`sinch-contacts callbacks suppressed --state {}` lists the opt-outs)",
                file.display()
            ));
        }
        output.text(&text)?;
    }
    Ok(())
}

/// Opens the state at `location` (a SQLite file, a `sqlite:` URL or a `postgres://` URL);
/// without `create`, a missing file is an error rather than a new, empty state (which would
/// say that nobody opted out).
pub async fn open_state(location: &str, create: bool) -> CliResult<AnyStore> {
    if !create && !is_postgres_url(location) && !Path::new(location).exists() {
        return Err(
            CliError::failure(format!("the state file {location} does not exist"))
                .hint("give the file or database URL `callbacks listen --state` writes"),
        );
    }
    AnyStore::open(location, StoreOptions::default())
        .await
        .map_err(|error| {
            let shown = if is_postgres_url(location) {
                "the PostgreSQL database".to_owned()
            } else {
                format!("the state file {location}")
            };
            CliError::failure(format!("cannot open {shown}: {error}"))
        })
}

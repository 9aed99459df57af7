//! `listen --state FILE`: the suppression list, the contact mirror and the delivery ledger live
//! in a SQLite file (`sinch-contacts-store`). The callbacks crate's `StoreHandler` answers 200
//! only after a delivery's effect and ledger entry are committed, and 500 when the store fails
//! (so the sender retries); a redelivered body is recognized by the ledger and changes nothing.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sinch_contacts_callbacks::Verifier;
use sinch_contacts_callbacks::axum_handler::{StoreHandler, WebhookReceiver};
use sinch_contacts_store::{Applied, SqliteStore};

use super::printed::print_callback;
use super::serve;
use crate::callbacks::report::{mirror_change_text, suppression_change_text};
use crate::error::{CliError, CliResult};
use crate::output::Output;

/// Counts of what the receiver saw, for the summary at the end.
#[derive(Debug, Default)]
struct Counts {
    stored: AtomicUsize,
    already_applied: AtomicUsize,
    not_stored: AtomicUsize,
}

/// Opens (or creates) the state file and serves until Ctrl-C or SIGTERM.
pub async fn run(
    file: &Path,
    verifier: Verifier,
    path: &str,
    port: u16,
    output: Output,
) -> CliResult {
    let store = Arc::new(open_state(file, true).await?);
    let counts = Arc::new(Counts::default());
    let hook_counts = counts.clone();
    // `stored` counts the deliveries answered 200 (applied now or before), `not_stored` the ones
    // answered 500.
    let handler = StoreHandler::new(store.clone()).on_applied(move |callback, applied| {
        hook_counts.stored.fetch_add(1, Ordering::Relaxed);
        let (mirror, suppression, already_applied) = match applied {
            Applied::Fresh {
                suppression,
                mirror,
            } => (
                mirror_change_text(mirror),
                suppression_change_text(suppression),
                false,
            ),
            _ => {
                hook_counts.already_applied.fetch_add(1, Ordering::Relaxed);
                (String::new(), String::new(), true)
            }
        };
        // The delivery is committed already; a failure to print cannot undo it.
        if let Err(error) = print_callback(callback, mirror, suppression, already_applied, output) {
            eprintln!("warning: cannot print a stored callback: {error}");
        }
    });
    let error_counts = counts.clone();
    let router = WebhookReceiver::new(verifier, handler)
        .on_handler_error(move |error| {
            error_counts.not_stored.fetch_add(1, Ordering::Relaxed);
            eprintln!("error: callback not stored, answered 500 so the sender retries: {error}");
        })
        .router(path);
    let served = serve(router, path, port, output).await;
    store.close().await;
    served?;

    if !output.json {
        output.text(&format!(
            "received {} callbacks ({} already applied, {} not stored); state kept in {} \
             (`sinch-contacts callbacks suppressed --state {}` lists the opt-outs)",
            counts.stored.load(Ordering::Relaxed) + counts.not_stored.load(Ordering::Relaxed),
            counts.already_applied.load(Ordering::Relaxed),
            counts.not_stored.load(Ordering::Relaxed),
            file.display(),
            file.display()
        ))?;
    }
    Ok(())
}

/// Opens the state file; without `create`, a missing file is an error rather than a new,
/// empty state (which would say that nobody opted out).
pub async fn open_state(file: &Path, create: bool) -> CliResult<SqliteStore> {
    if !create && !file.exists() {
        return Err(
            CliError::failure(format!("the state file {} does not exist", file.display()))
                .hint("give the file `callbacks listen --state` writes"),
        );
    }
    SqliteStore::open(file).await.map_err(|error| {
        CliError::failure(format!(
            "cannot open the state file {}: {error}",
            file.display()
        ))
    })
}

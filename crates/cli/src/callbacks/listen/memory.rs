//! `callbacks listen` without `--state`: the mirror and the suppression list in memory, printed
//! at the end.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use sinch_contacts_callbacks::axum_handler::{HandlerError, WebhookReceiver};
use sinch_contacts_callbacks::mirror::ContactMirror;
use sinch_contacts_callbacks::optout::SuppressionList;
use sinch_contacts_callbacks::{Callback, Verifier};
use sinch_contacts_emulator::ConnectionLimits;

use super::forward::{Forwarder, Holding};
use super::metrics::Metrics;
use super::ops::Ops;
use super::printed::{print_callback, print_rejected};
use super::serve::serve;
use crate::callbacks::report::{mirror_change_text, suppression_change_text};
use crate::error::{CliError, CliResult};
use crate::output::{Output, contact_table, escape_controls};

/// What the in-memory receiver keeps between callbacks.
#[derive(Debug, Default)]
struct State {
    mirror: ContactMirror,
    suppression: SuppressionList,
    received: usize,
}

/// Serves until Ctrl-C or SIGTERM, then prints the mirror and the opt-outs.
pub async fn run(
    verifier: Verifier,
    path: &str,
    address: SocketAddr,
    limits: ConnectionLimits,
    forward: Option<Arc<Forwarder>>,
    output: Output,
) -> CliResult {
    let state = Arc::new(Mutex::new(State::default()));
    let metrics = Arc::new(Metrics::default());
    let handler_state = state.clone();
    let handler_metrics = metrics.clone();
    let rejected_metrics = metrics.clone();
    let ops = Ops::new(metrics.clone(), None);
    let handler = move |callback: Callback| {
        let state = handler_state.clone();
        let metrics = handler_metrics.clone();
        async move {
            on_callback(&state, &callback, output)?;
            metrics.applied(true);
            Ok::<(), HandlerError>(())
        }
    };
    let webhook = WebhookReceiver::new(verifier, Holding::new(handler, forward.clone()))
        .on_rejected(move |rejected| {
            rejected_metrics.rejected(rejected.reason);
            print_rejected(rejected);
        })
        .router(path);
    let router = Forwarder::wrap(webhook, forward.as_ref()).merge(ops.routes());
    serve(router, path, address, limits, &ops, output).await?;

    let state = state
        .lock()
        .map_err(|_| CliError::failure("the receiver's state was poisoned by a panic"))?;
    if output.json {
        output.json_line(&serde_json::json!({
            "summary": metrics.counts(),
            "mirrored_contacts": state.mirror.len(),
        }))?;
    } else {
        output.text(&format!(
            "received {} callbacks; mirror holds {} contacts",
            state.received,
            state.mirror.len()
        ))?;
        if !state.mirror.is_empty() {
            output.text(&contact_table(state.mirror.contacts()).to_string())?;
        }
        for key in state.suppression.opted_out() {
            output.text(&format!(
                "suppressed: {}:{}",
                key.channel.as_str(),
                escape_controls(&key.identity)
            ))?;
        }
    }
    Ok(())
}

fn on_callback(
    state: &Mutex<State>,
    callback: &Callback,
    output: Output,
) -> Result<(), HandlerError> {
    let mut state = state.lock().map_err(|_| "receiver state poisoned")?;
    state.received += 1;
    let mirror = mirror_change_text(&state.mirror.apply(callback));
    let suppression = suppression_change_text(&state.suppression.apply(callback));
    // Not shown to anyone: answered 500, so the sender delivers it again.
    print_callback(callback, mirror, suppression, false, output).map_err(|error| {
        if error.is_silent() {
            "standard output is closed".into()
        } else {
            error.to_string().into()
        }
    })
}

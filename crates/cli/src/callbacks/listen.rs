//! `callbacks listen`: a webhook receiver on 127.0.0.1 that prints what arrives.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use sinch_contacts_callbacks::axum_handler::{HandlerError, WebhookReceiver};
use sinch_contacts_callbacks::mirror::ContactMirror;
use sinch_contacts_callbacks::optout::{SuppressionList, SuppressionOutcome};
use sinch_contacts_callbacks::{Callback, Verifier};

use crate::callbacks::ListenArgs;
use crate::callbacks::report::{describe_callback, mirror_change_text};
use crate::error::{CliError, CliResult};
use crate::output::{Output, contact_table};

/// What the receiver keeps between callbacks.
#[derive(Debug, Default)]
struct State {
    mirror: ContactMirror,
    suppression: SuppressionList,
    received: usize,
}

/// The JSON line printed per callback.
#[derive(Debug, Serialize)]
struct Received<'a> {
    trigger: &'a str,
    summary: &'a str,
    mirror: String,
    suppression: String,
    callback: &'a Callback,
}

pub async fn run(args: ListenArgs, output: Output) -> CliResult {
    let path = if args.path.starts_with('/') {
        args.path.clone()
    } else {
        format!("/{}", args.path)
    };
    let mut verifier = Verifier::new(&args.secret[0])
        .with_tolerance(Duration::from_secs(300))
        .with_replay_guard(100_000);
    for secret in &args.secret[1..] {
        verifier = verifier.with_secret(secret);
    }
    let state = Arc::new(Mutex::new(State::default()));
    let handler_state = state.clone();
    let router = WebhookReceiver::new(verifier, move |callback: Callback| {
        let state = handler_state.clone();
        async move { on_callback(&state, &callback, output) }
    })
    .router(&path);

    let address = SocketAddr::from(([127, 0, 0, 1], args.port));
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| {
            CliError::failure(format!("cannot listen on {address}: {error}"))
                .hint("pick another --port, or --port 0 for a free one")
        })?;
    let local = listener
        .local_addr()
        .map_err(|error| CliError::failure(format!("cannot read the bound address: {error}")))?;
    let url = format!("http://{local}{path}");
    if output.json {
        output.json_line(&serde_json::json!({ "listening": url }))?;
    } else {
        output.text(&format!("listening on {url} (Ctrl-C to stop)"))?;
    }
    axum::serve(listener, router)
        .with_graceful_shutdown(crate::signals::stop_requested())
        .await
        .map_err(|error| CliError::failure(format!("the receiver stopped: {error}")))?;

    let state = state
        .lock()
        .map_err(|_| CliError::failure("the receiver's state was poisoned by a panic"))?;
    if !output.json {
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
                key.identity
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
    let suppression = match state.suppression.apply(callback) {
        SuppressionOutcome::OptedOut(key) => {
            format!("opted out {}:{}", key.channel.as_str(), key.identity)
        }
        SuppressionOutcome::OptedIn(key) => {
            format!("opted in {}:{}", key.channel.as_str(), key.identity)
        }
        SuppressionOutcome::HelpRequested(key) => {
            format!(
                "help requested by {}:{}",
                key.channel.as_str(),
                key.identity
            )
        }
        SuppressionOutcome::Stale(key) => {
            format!(
                "stale for {}:{}, ignored",
                key.channel.as_str(),
                key.identity
            )
        }
        _ => String::new(),
    };
    let report = describe_callback(callback);
    let printed = if output.json {
        output.json_line(&Received {
            trigger: &report.trigger,
            summary: &report.summary,
            mirror,
            suppression,
            callback,
        })
    } else {
        let mut line = report.summary.clone();
        for (label, text) in [("mirror", &mirror), ("suppression", &suppression)] {
            if !text.is_empty() {
                line.push_str(&format!(" | {label}: {text}"));
            }
        }
        output.text(&line)
    };
    printed.map_err(|error| error.to_string().into())
}

//! `callbacks listen`: a webhook receiver on 127.0.0.1 that prints what arrives, keeping its
//! state in memory or, with `--state FILE`, in a SQLite file (see [`durable`]).

mod durable;
mod printed;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sinch_contacts_callbacks::axum_handler::{HandlerError, WebhookReceiver};
use sinch_contacts_callbacks::mirror::ContactMirror;
use sinch_contacts_callbacks::optout::SuppressionList;
use sinch_contacts_callbacks::{Callback, Verifier};

use crate::callbacks::ListenArgs;
use crate::callbacks::report::{mirror_change_text, suppression_change_text};
use crate::error::{CliError, CliResult};
use crate::output::{Output, contact_table};

pub use durable::open_state;
use printed::print_callback;

/// What the in-memory receiver keeps between callbacks.
#[derive(Debug, Default)]
struct State {
    mirror: ContactMirror,
    suppression: SuppressionList,
    received: usize,
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
    match &args.state {
        Some(file) => durable::run(file, verifier, &path, args.port, output).await,
        None => run_in_memory(verifier, &path, args.port, output).await,
    }
}

async fn run_in_memory(verifier: Verifier, path: &str, port: u16, output: Output) -> CliResult {
    let state = Arc::new(Mutex::new(State::default()));
    let handler_state = state.clone();
    let router = WebhookReceiver::new(verifier, move |callback: Callback| {
        let state = handler_state.clone();
        async move { on_callback(&state, &callback, output) }
    })
    .router(path);
    serve(router, path, port, output).await?;

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

/// Binds 127.0.0.1:`port`, prints the URL and serves `router` until Ctrl-C or SIGTERM.
async fn serve(router: axum::Router, path: &str, port: u16, output: Output) -> CliResult {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
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
        .map_err(|error| CliError::failure(format!("the receiver stopped: {error}")))
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
    print_callback(callback, mirror, suppression, false, output)
        .map_err(|error| error.to_string().into())
}

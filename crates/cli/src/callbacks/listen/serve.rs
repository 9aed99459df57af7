//! Binding, serving until Ctrl-C or SIGTERM, and draining: stop accepting, let the deliveries
//! in progress finish, return.

use std::net::SocketAddr;
use std::sync::Arc;

use hyper_util::service::TowerToHyperService;
use sinch_contacts_emulator::{ConnectionLimits, serve_connections};

use super::ops::Ops;
use crate::error::{CliError, CliResult};
use crate::output::Output;

/// Binds `address`, prints the webhook's URL and serves `router` until Ctrl-C or SIGTERM, with
/// the emulator crate's connection handling under `limits` (a slow or idle client is
/// disconnected, at most `max_connections` are served at once). Then `/readyz` answers 503, no
/// connection is accepted any more, idle ones are closed, and this returns once every request
/// in progress has been answered (each delivery committed or refused).
pub async fn serve(
    router: axum::Router,
    path: &str,
    address: SocketAddr,
    limits: ConnectionLimits,
    ops: &Arc<Ops>,
    output: Output,
) -> CliResult {
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
    let signals = crate::signals::install();
    if output.json {
        output.json_line(&serde_json::json!({ "listening": url }))?;
    } else {
        output.text(&format!("listening on {url} (Ctrl-C to stop)"))?;
    }
    let draining = ops.clone();
    let stop = async move {
        signals.stopped().await;
        draining.start_draining();
    };
    // No grace limit: a drain waits for every delivery accepted.
    serve_connections(
        listener,
        TowerToHyperService::new(router),
        limits,
        stop,
        None,
    )
    .await;
    Ok(())
}

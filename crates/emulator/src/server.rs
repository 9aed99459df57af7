//! The HTTP server: HTTP/1.1 on a loopback (or any) address, each connection served by hyper
//! under the emulator's [`ConnectionLimits`](crate::ConnectionLimits). An injected dropped
//! connection closes the connection without an answer.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::service::service_fn;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::connections::{RequestBody, serve_connections};
use crate::dispatch::{Handled, handle};
use crate::failure::Failure;
use crate::shared::Shared;

/// The largest request body accepted (contacts requests are small).
const MAX_BODY_BYTES: usize = 1 << 20;
/// How long shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running HTTP server; stop it with [`RunningEmulator::shutdown`] (dropping it stops it too,
/// without waiting).
pub struct RunningEmulator {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl RunningEmulator {
    /// The address the server listens on (with the port it got when asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// `http://{address}`, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops accepting connections, lets requests in flight finish (up to two seconds) and
    /// returns when the server is down.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `address` and serves until stopped, under the emulator's connection limits.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    address: SocketAddr,
) -> std::io::Result<RunningEmulator> {
    let listener = TcpListener::bind(address).await?;
    let address = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let limits = shared.config.connections;
    let service = service_fn(move |request| answer(shared.clone(), request));
    let stopped = async move {
        // A sent stop and a dropped handle both end the wait.
        let _ = stopped.await;
    };
    let task = tokio::spawn(serve_connections(
        listener,
        service,
        limits,
        stopped,
        Some(SHUTDOWN_GRACE),
    ));
    Ok(RunningEmulator {
        address,
        stop: Some(stop),
        task: Some(task),
    })
}

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped (injected fault)")
    }
}

impl std::error::Error for Dropped {}

async fn answer(
    shared: Arc<Shared>,
    request: Request<RequestBody>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            let failure = if error.downcast_ref::<LengthLimitError>().is_some() {
                Failure::too_large(MAX_BODY_BYTES)
            } else {
                Failure::invalid("body", format!("unreadable: {error}"))
            };
            return Ok(failure.into_response().map(Full::new));
        }
    };
    match handle(&shared, Request::from_parts(parts, body)).await {
        Handled::Response(response) => Ok(response.map(Full::new)),
        Handled::Dropped(_) => Err(Dropped),
    }
}

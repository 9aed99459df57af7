//! [`serve_connections`]: the accept loop, at most `max_connections` at once, and the stop.

use std::future::Future;
use std::time::Duration;

use http::{Request, Response};
use hyper::body::Body;
use hyper::service::Service;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::body::{BodyError, RequestBody};
use super::connection::serve_one;
use super::limits::ConnectionLimits;

/// How long the loop pauses after a failed accept (out of file descriptors, say), so that it
/// does not spin.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);

/// Serves HTTP/1.1 on `listener` with `service` under `limits` until `stop` resolves; then
/// stops accepting, closes idle connections, lets every request in progress be answered (for
/// at most `grace`, or as long as they take with `None`) and returns.
///
/// While `max_connections` are open, no further connection is accepted: it waits in the
/// listening socket's backlog (the kernel's queue of connections not yet accepted) and is
/// served when one closes, so a burst of clients is served late rather than refused. The
/// timeouts bound how long any client holds a connection without a request in progress. On
/// stop the backlog is dropped with the listener: those clients see the connection reset,
/// never a half answer.
///
/// ```
/// use http::{Request, Response};
/// use http_body_util::Full;
/// use hyper::service::service_fn;
/// use sinch_contacts_emulator::{ConnectionLimits, RequestBody, serve_connections};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let service = service_fn(|_request: Request<RequestBody>| async {
///     Ok::<_, std::convert::Infallible>(Response::new(Full::new(bytes::Bytes::from("ok"))))
/// });
/// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// let server = tokio::spawn(serve_connections(
///     listener,
///     service,
///     ConnectionLimits::default(),
///     async move { let _ = stopped.await; },
///     None,
/// ));
/// stop.send(()).unwrap();
/// server.await?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub async fn serve_connections<S, B>(
    listener: TcpListener,
    service: S,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
    grace: Option<Duration>,
) where
    S: Service<Request<RequestBody>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BodyError> + Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BodyError>,
{
    let max_connections = limits.max_connections.max(1);
    let (stopping, stop_watch) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            biased;
            () = &mut stop => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept(), if connections.len() < max_connections => {
                match accepted {
                    Ok((stream, _)) => {
                        connections.spawn(serve_one(
                            stream,
                            service.clone(),
                            limits,
                            stop_watch.clone(),
                        ));
                    }
                    Err(_) => tokio::time::sleep(ACCEPT_PAUSE).await,
                }
            }
        }
    }
    drop(listener);
    let _ = stopping.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    match grace {
        Some(grace) => {
            let _ = tokio::time::timeout(grace, drained).await;
        }
        None => drained.await,
    }
    // Dropping the set ends the connections still open after the grace.
}

//! One connection: hyper's HTTP/1 connection over the watched stream, and the watchdog that
//! closes it when it misses a deadline of its phase or when the server stops.

use std::sync::Arc;
use std::time::Instant;

use http::{Request, Response};
use hyper::body::Body;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::activity::{Activity, Limit};
use super::body::{BodyError, RequestBody};
use super::io::Watched;
use super::limits::ConnectionLimits;
use super::service::Tracked;

/// Serves `stream` until the client closes it, it misses a deadline, or (after `stopping`
/// turns `true`) its request in progress is answered.
pub(super) async fn serve_one<S, B>(
    stream: TcpStream,
    service: S,
    limits: ConnectionLimits,
    mut stopping: watch::Receiver<bool>,
) where
    S: Service<Request<RequestBody>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BodyError> + Send + 'static,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BodyError>,
{
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched::new(stream, activity.clone()));
    let service = Tracked::new(service, activity.clone(), limits.header_timeout);
    // hyper's own header timer also runs while a kept-alive connection waits for its next
    // request, so it would cut idle connections at the header timeout: the watchdog below
    // keeps the two limits apart.
    let connection = http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(io, service);
    tokio::pin!(connection);
    // Once closed for idleness, how long a last answer still being written may take.
    let mut cut_at: Option<Instant> = None;
    let mut stop_seen = false;
    loop {
        let now = Instant::now();
        let due = activity.deadline(&limits);
        match due {
            Some((at, Limit::Header)) if at <= now => return,
            Some((at, Limit::Idle)) if at <= now && cut_at.is_none() => {
                connection.as_mut().graceful_shutdown();
                cut_at = Some(now + limits.header_timeout);
            }
            _ => {}
        }
        if cut_at.is_some_and(|at| at <= now) {
            return;
        }
        let wake = match (due, cut_at) {
            (_, Some(cut)) => Some(cut),
            (Some((at, _)), None) => Some(at),
            (None, None) => None,
        };
        tokio::select! {
            _ = connection.as_mut() => return,
            () = activity.changed() => {}
            () = sleep_until(wake) => {}
            changed = stopping.changed(), if !stop_seen => {
                if changed.is_err() || *stopping.borrow() {
                    stop_seen = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Sleeps until `at`, or for ever.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

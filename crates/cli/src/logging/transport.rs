//! [`LoggedTransport`]: a [`Transport`] that logs every request it sends.

use std::time::Instant;

use async_trait::async_trait;
use sinch_contacts_port::{
    HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
};
use tracing::Level;

/// The target of the request lines (`RUST_LOG=sinch_contacts::http=info`).
pub const TARGET: &str = "sinch_contacts::http";

/// Sends through `inner` and, when the [`TARGET`] is enabled at INFO, logs one line per
/// request: `GET /v1/projects/P/contacts attempt=1 status=200 latency_ms=3`, or with
/// `error=connect` (or `timeout`, `io`, `other`) when no answer came. Only the method and the
/// path are read from the request: never a header (the `Authorization` holds the token or the
/// key), the query string or the body.
#[derive(Debug)]
pub struct LoggedTransport<T> {
    inner: T,
}

impl<T> LoggedTransport<T> {
    /// Logs the requests `inner` sends.
    pub fn new(inner: T) -> Self {
        Self { inner }
    }
}

#[async_trait]
impl<T: Transport> Transport for LoggedTransport<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if !tracing::enabled!(target: TARGET, Level::INFO) {
            return self.inner.send(request).await;
        }
        let line = format!("{} {}", request.method(), request.uri().path());
        let attempt = super::attempts::next(&line);
        let started = Instant::now();
        let outcome = self.inner.send(request).await;
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match &outcome {
            Ok(response) => tracing::info!(
                target: TARGET,
                attempt,
                status = response.status().as_u16(),
                latency_ms,
                "{line}"
            ),
            Err(error) => tracing::warn!(
                target: TARGET,
                attempt,
                error = %kind_name(error.kind()),
                latency_ms,
                "{line}"
            ),
        }
        outcome
    }
}

fn kind_name(kind: TransportErrorKind) -> &'static str {
    match kind {
        TransportErrorKind::Connect => "connect",
        TransportErrorKind::Timeout => "timeout",
        TransportErrorKind::Io => "io",
        _ => "other",
    }
}

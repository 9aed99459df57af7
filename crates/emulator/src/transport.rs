//! [`EmulatorTransport`]: the emulator as a [`Transport`], in-process.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use sinch_contacts_port::{HttpRequest, HttpResponse, Transport, TransportError};

use crate::dispatch::{Handled, handle};
use crate::faults::FaultKind;
use crate::shared::Shared;

/// Answers requests in-process, without a socket. It looks only at the request's path and
/// query, so the client's base URL and token URL may name any host.
///
/// An injected dropped connection is a [`TransportError::io`] (the request may have been
/// applied, as with a connection reset on a real network).
#[derive(Clone)]
pub struct EmulatorTransport {
    shared: Arc<Shared>,
}

impl EmulatorTransport {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }
}

impl fmt::Debug for EmulatorTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorTransport")
            .field("project_id", &self.shared.config.project_id)
            .finish_non_exhaustive()
    }
}

/// Why an in-process request got no answer.
#[derive(Debug)]
struct DroppedConnection(FaultKind);

impl fmt::Display for DroppedConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            FaultKind::DropAfter => f.write_str(
                "connection dropped by the emulator after the request was applied (injected fault)",
            ),
            _ => f.write_str(
                "connection dropped by the emulator before the request was applied (injected fault)",
            ),
        }
    }
}

impl std::error::Error for DroppedConnection {}

#[async_trait]
impl Transport for EmulatorTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        match handle(&self.shared, request).await {
            Handled::Response(response) => Ok(response),
            Handled::Dropped(kind) => Err(TransportError::io(DroppedConnection(kind))),
        }
    }
}

//! [`TransportError`]: why a transport returned no response.

use std::error::Error as StdError;
use std::fmt;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What kind of failure a [`TransportError`] is; drives the retry decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (DNS, refused, TLS handshake):
    /// the request was provably never sent.
    Connect,
    /// No response arrived in time; the request may have reached the server.
    Timeout,
    /// An I/O error after the request started to be written (reset, broken
    /// pipe, truncated response); the request may have reached the server.
    Io,
    /// Any other failure; treated as "may have been sent".
    Other,
}

impl TransportErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Connect => "could not connect",
            Self::Timeout => "timed out",
            Self::Io => "I/O error",
            Self::Other => "transport failure",
        }
    }
}

/// A failure to obtain any HTTP response from a [`Transport`](crate::Transport).
///
/// Opaque on purpose: build it with [`connect`](Self::connect),
/// [`timeout`](Self::timeout), [`io`](Self::io) or [`other`](Self::other), and
/// ask it [`kind`](Self::kind) and [`may_have_been_sent`](Self::may_have_been_sent).
///
/// ```
/// use sinch_contacts_port::{TransportError, TransportErrorKind};
///
/// let error = TransportError::connect("connection refused");
/// assert_eq!(error.kind(), TransportErrorKind::Connect);
/// assert!(!error.may_have_been_sent());
/// assert_eq!(error.to_string(), "could not connect");
/// assert_eq!(std::error::Error::source(&error).unwrap().to_string(), "connection refused");
/// ```
pub struct TransportError {
    kind: TransportErrorKind,
    source: BoxError,
}

impl TransportError {
    /// Builds an error of the given kind around its cause.
    pub fn new(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Self {
            kind,
            source: source.into(),
        }
    }

    /// The connection could not be established; the request was never sent.
    pub fn connect(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Connect, source)
    }

    /// No response in time; the request may have been sent.
    pub fn timeout(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Timeout, source)
    }

    /// An I/O failure after sending started; the request may have been sent.
    pub fn io(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Io, source)
    }

    /// Any other failure; the request may have been sent.
    pub fn other(source: impl Into<BoxError>) -> Self {
        Self::new(TransportErrorKind::Other, source)
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached the server. Only
    /// [`TransportErrorKind::Connect`] guarantees it did not.
    pub fn may_have_been_sent(&self) -> bool {
        self.kind != TransportErrorKind::Connect
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The cause is reachable through `source()` and is not repeated here,
        // so error reporters that walk the chain print it once.
        f.write_str(self.kind.describe())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

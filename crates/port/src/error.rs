//! [`Error`]: everything a client call can fail with.

use std::error::Error as StdError;
use std::fmt;

use bytes::Bytes;
use http::StatusCode;

pub use crate::api_error::{ApiError, ErrorDetail};
pub use crate::auth::AuthError;
pub use crate::client::PaginationError;
pub use crate::decode_error::DecodeError;
use crate::retry::is_retryable_status;
use crate::transport_error::{TransportError, TransportErrorKind};
pub use crate::validation::InvalidIdError;
pub use sinch_contacts_model::ValidationError;

/// Why a client call failed.
///
/// Each variant wraps a struct with accessors. `Display` describes the
/// failure (for [`Api`](Self::Api): HTTP status, Sinch code, status name and
/// message) and never includes the underlying cause, which is the
/// [`source()`](StdError::source): for example the I/O error behind a
/// [`TransportError`] or the parser error behind a [`DecodeError`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input broke a documented rule; nothing was sent.
    Validation(ValidationError),
    /// An id that can never name a resource (the dot segments `.` and
    /// `..`); nothing was sent.
    InvalidId(InvalidIdError),
    /// The request could not be assembled; nothing was sent.
    Build(BuildError),
    /// No response was obtained; see [`TransportError::may_have_been_sent`].
    Transport(TransportError),
    /// The API answered with a non-success status.
    Api(ApiError),
    /// A success response whose body did not match the expected shape.
    Decode(DecodeError),
    /// The OAuth2 token endpoint refused or returned an unusable answer.
    Auth(AuthError),
    /// A listing stopped because the server's page tokens would never end
    /// it; the items already yielded are valid.
    Pagination(PaginationError),
}

impl Error {
    /// The HTTP status of the response behind this error, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(error) => Some(error.status()),
            Self::Decode(error) => Some(error.status()),
            Self::Auth(error) => error.status(),
            Self::Validation(_)
            | Self::InvalidId(_)
            | Self::Build(_)
            | Self::Transport(_)
            | Self::Pagination(_) => None,
        }
    }

    /// Whether trying the same call again later could succeed: throttling,
    /// server errors (except 501) and transport failures other than
    /// [`TransportErrorKind::Other`]. Says nothing about whether repeating a
    /// non-idempotent call is *safe*; the client's own retries check that.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(error) => is_retryable_status(error.status()),
            Self::Auth(error) => error.status().is_some_and(is_retryable_status),
            Self::Transport(error) => error.kind() != TransportErrorKind::Other,
            Self::Validation(_)
            | Self::InvalidId(_)
            | Self::Build(_)
            | Self::Decode(_)
            | Self::Pagination(_) => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Validation(error) => write!(f, "{error}"),
            Self::InvalidId(error) => write!(f, "{error}"),
            Self::Build(error) => write!(f, "{error}"),
            Self::Transport(error) => write!(f, "transport error: {error}"),
            Self::Api(error) => write!(f, "{error}"),
            Self::Decode(error) => write!(f, "{error}"),
            Self::Auth(error) => write!(f, "{error}"),
            Self::Pagination(error) => write!(f, "{error}"),
        }
    }
}

impl StdError for Error {
    /// Each variant displays its inner error, so the chain continues with
    /// the inner error's own source (the cause), never the inner error again.
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Validation(error) => error.source(),
            Self::InvalidId(error) => error.source(),
            Self::Build(error) => error.source(),
            Self::Transport(error) => error.source(),
            Self::Api(error) => error.source(),
            Self::Decode(error) => error.source(),
            Self::Auth(error) => error.source(),
            Self::Pagination(error) => error.source(),
        }
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Self::Validation(error)
    }
}

impl From<InvalidIdError> for Error {
    fn from(error: InvalidIdError) -> Self {
        Self::InvalidId(error)
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Self::Transport(error)
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Self::Api(error)
    }
}

impl From<DecodeError> for Error {
    fn from(error: DecodeError) -> Self {
        Self::Decode(error)
    }
}

impl From<AuthError> for Error {
    fn from(error: AuthError) -> Self {
        Self::Auth(error)
    }
}

impl From<PaginationError> for Error {
    fn from(error: PaginationError) -> Self {
        Self::Pagination(error)
    }
}

impl From<BuildError> for Error {
    fn from(error: BuildError) -> Self {
        Self::Build(error)
    }
}

/// A request that could not be assembled (for example a URL the `http` crate
/// rejects); nothing was sent.
#[derive(Debug)]
pub struct BuildError {
    what: String,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl BuildError {
    pub(crate) fn new(
        what: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            what: what.into(),
            source: Some(source.into()),
        }
    }

    /// What could not be built.
    pub fn what(&self) -> &str {
        &self.what
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not build the request: {}", self.what)
    }
}

impl StdError for BuildError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

/// Keeps at most `limit` characters of a body for messages.
pub(crate) fn body_excerpt(body: &Bytes, limit: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut excerpt: String = text.chars().take(limit).collect();
    if text.chars().count() > limit {
        excerpt.push('…');
    }
    excerpt
}

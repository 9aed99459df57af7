//! Which failures may be retried without risking a duplicate side effect.
//!
//! | request                | 429 | 5xx (not 501) | timeout / I/O | connect | other |
//! |------------------------|-----|---------------|---------------|---------|-------|
//! | GET, DELETE (idempotent) | yes | yes         | yes           | yes     | no    |
//! | POST, PATCH            | yes | no            | no            | yes     | no    |
//!
//! A POST or PATCH is repeated only when the first attempt provably did not
//! act: a connect error happens before any byte is sent, and a 429 is a
//! refusal to process. A 5xx or a timeout may come after the server created
//! or changed the contact, so retrying could do it twice.

use http::{Method, StatusCode};

use crate::transport_error::{TransportError, TransportErrorKind};

/// What went wrong with one attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Failure<'a> {
    /// A response with a non-success status.
    Status(StatusCode),
    /// No response at all.
    Transport(&'a TransportError),
}

impl Failure<'_> {
    /// A short reason for logs and traces: the status code (`429`, `503`) or
    /// the transport error kind (`connect`, `timeout`, `io`, `other`).
    pub(crate) fn reason(&self) -> String {
        match self {
            Self::Status(status) => status.as_str().to_owned(),
            Self::Transport(error) => match error.kind() {
                TransportErrorKind::Connect => "connect",
                TransportErrorKind::Timeout => "timeout",
                TransportErrorKind::Io => "io",
                _ => "other",
            }
            .to_owned(),
        }
    }
}

/// The methods whose repetition has the effect of one request.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

/// Whether a server error status means "try again later".
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED)
}

/// Whether a failed attempt of a `method` request may be repeated.
pub(crate) fn may_retry(method: &Method, failure: Failure<'_>) -> bool {
    let idempotent = is_idempotent(method);
    match failure {
        Failure::Status(StatusCode::TOO_MANY_REQUESTS) => true,
        Failure::Status(status) => idempotent && is_retryable_status(status),
        Failure::Transport(error) => match error.kind() {
            TransportErrorKind::Connect => true,
            TransportErrorKind::Timeout | TransportErrorKind::Io => idempotent,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Failure<'static> {
        Failure::Status(StatusCode::from_u16(code).unwrap())
    }

    #[test]
    fn idempotent_requests_retry_on_transient_failures() {
        for method in [Method::GET, Method::DELETE] {
            for code in [429, 500, 502, 503, 504] {
                assert!(may_retry(&method, status(code)), "{method} {code}");
            }
            for code in [400, 401, 403, 404, 409, 501] {
                assert!(!may_retry(&method, status(code)), "{method} {code}");
            }
            assert!(may_retry(
                &method,
                Failure::Transport(&TransportError::timeout("t"))
            ));
            assert!(may_retry(
                &method,
                Failure::Transport(&TransportError::io("reset"))
            ));
            assert!(may_retry(
                &method,
                Failure::Transport(&TransportError::connect("refused"))
            ));
            assert!(!may_retry(
                &method,
                Failure::Transport(&TransportError::other("?"))
            ));
        }
    }

    #[test]
    fn non_idempotent_requests_retry_only_when_nothing_happened() {
        for method in [Method::POST, Method::PATCH] {
            assert!(may_retry(&method, status(429)));
            assert!(may_retry(
                &method,
                Failure::Transport(&TransportError::connect("refused"))
            ));
            for code in [500, 502, 503, 504] {
                assert!(!may_retry(&method, status(code)), "{method} {code}");
            }
            assert!(!may_retry(
                &method,
                Failure::Transport(&TransportError::timeout("t"))
            ));
            assert!(!may_retry(
                &method,
                Failure::Transport(&TransportError::io("reset"))
            ));
            assert!(!may_retry(
                &method,
                Failure::Transport(&TransportError::other("?"))
            ));
        }
    }
}

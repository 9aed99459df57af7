//! [`EffectLog`]: what the requests of one unit of work may have done on
//! the server, so that whoever repeats the work can tell whether repeating
//! it is safe.
//!
//! The client records into it the outcome of every API request it hands to
//! the transport (token requests excepted: fetching a token changes no
//! contact). A unit of work may be repeated when no request that could have
//! changed something did, and its last failure is one the safety rules
//! allow repeating.

use std::sync::{Mutex, PoisonError};

use http::{Method, StatusCode};

use crate::retry::{Failure, is_idempotent, may_retry};
use crate::transport::HttpResponse;
use crate::transport_error::TransportError;

/// What the requests recorded so far may have done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Effects {
    /// A request that is not idempotent (`POST`, `PATCH`) succeeded, or
    /// failed in a way that leaves open whether the server applied it.
    pub(crate) may_have_acted: bool,
    /// Whether the safety rules allow repeating the last request that
    /// failed; `None` when no request failed.
    pub(crate) last_failure_may_retry: Option<bool>,
}

/// Collects [`Effects`] across the requests of one unit of work; shared by
/// the clones of the client that run it.
#[derive(Debug, Default)]
pub(crate) struct EffectLog {
    effects: Mutex<Effects>,
}

impl EffectLog {
    /// Records one trip to the transport.
    pub(crate) fn record(&self, method: &Method, outcome: &Result<HttpResponse, TransportError>) {
        let failure = match outcome {
            Ok(response) if response.status().is_success() => None,
            Ok(response) => Some(Failure::Status(response.status())),
            Err(error) => Some(Failure::Transport(error)),
        };
        let mut effects = self.effects.lock().unwrap_or_else(PoisonError::into_inner);
        if !is_idempotent(method) && may_have_applied(failure) {
            effects.may_have_acted = true;
        }
        if let Some(failure) = failure {
            effects.last_failure_may_retry = Some(may_retry(method, failure));
        }
    }

    /// What was recorded so far.
    pub(crate) fn effects(&self) -> Effects {
        *self.effects.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether a request that ended with `failure` (`None`: it succeeded) may
/// have been applied: a success was; a 4xx (429 included) or a 501 is a
/// refusal and a connect error never left the client, so neither was;
/// anything else (another 5xx, a timeout, an I/O error) may have been.
fn may_have_applied(failure: Option<Failure<'_>>) -> bool {
    match failure {
        None => true,
        Some(Failure::Status(status)) => {
            !(status.is_client_error() || status == StatusCode::NOT_IMPLEMENTED)
        }
        Some(Failure::Transport(error)) => error.may_have_been_sent(),
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn status(code: u16) -> Result<HttpResponse, TransportError> {
        let mut response = http::Response::new(Bytes::new());
        *response.status_mut() = StatusCode::from_u16(code).unwrap();
        Ok(response)
    }

    fn after(steps: &[(Method, Result<HttpResponse, TransportError>)]) -> Effects {
        let log = EffectLog::default();
        for (method, outcome) in steps {
            log.record(method, outcome);
        }
        log.effects()
    }

    #[test]
    fn nothing_recorded_acted_on_nothing() {
        assert_eq!(
            EffectLog::default().effects(),
            Effects {
                may_have_acted: false,
                last_failure_may_retry: None
            }
        );
    }

    /// The table of `may_have_applied` for a `POST`, case by case.
    #[test]
    fn a_post_acted_unless_it_was_refused_or_never_sent() {
        let acted = |outcome| after(&[(Method::POST, outcome)]).may_have_acted;
        for code in [200, 201, 204, 500, 502, 503, 504] {
            assert!(acted(status(code)), "{code}");
        }
        for code in [400, 401, 403, 404, 408, 409, 429, 501] {
            assert!(!acted(status(code)), "{code}");
        }
        assert!(acted(Err(TransportError::timeout("t"))));
        assert!(acted(Err(TransportError::io("reset"))));
        assert!(acted(Err(TransportError::other("?"))));
        assert!(!acted(Err(TransportError::connect("refused"))));
    }

    #[test]
    fn idempotent_requests_never_count_as_acting() {
        for method in [Method::GET, Method::DELETE, Method::PUT] {
            for outcome in [status(200), status(503), Err(TransportError::timeout("t"))] {
                assert!(!after(&[(method.clone(), outcome)]).may_have_acted);
            }
        }
    }

    #[test]
    fn the_last_failure_decides_whether_it_may_be_repeated() {
        let effects = after(&[(Method::GET, status(503)), (Method::POST, status(503))]);
        assert_eq!(effects.last_failure_may_retry, Some(false));
        let effects = after(&[(Method::POST, status(503)), (Method::GET, status(503))]);
        assert_eq!(effects.last_failure_may_retry, Some(true));
        assert!(effects.may_have_acted, "acting is never forgotten");
        let effects = after(&[(Method::POST, status(429)), (Method::GET, status(200))]);
        assert_eq!(effects.last_failure_may_retry, Some(true));
        assert!(!effects.may_have_acted);
    }
}

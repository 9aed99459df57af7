//! What a failed attempt means for its job and for the run: the
//! [`Verdict`], and the [`Signal`] the limiter and the pacer learn from.

use std::time::{Duration, SystemTime};

use http::StatusCode;

use super::outcome::{JobErrorKind, StopReason};
use crate::effects::Effects;
use crate::error::Error;
use crate::retry::{RetryPolicy, is_retryable_status};
use crate::transport_error::TransportErrorKind;

/// What an answer says about the server's load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// It answered in its own time (a success, or a 4xx other than 429).
    Served,
    /// 429: beyond the quota.
    Throttled,
    /// A retryable 5xx, a timeout or an I/O error: overloaded or failing.
    Overloaded,
    /// A connect error: nothing reached it.
    Unreachable,
    /// Nothing was learnt (the request was never sent, or its failure says
    /// nothing about load).
    Silent,
}

/// What happens to the job after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Try again after at least the server's wait, if it gave one.
    Retry { retry_after: Option<Duration> },
    /// Give the job up.
    GiveUp(JobErrorKind),
    /// Stop the whole run.
    Stop(StopReason),
}

/// The verdict on an attempt that failed with `error`, its requests having
/// had `effects`; `wall_now` reads a `Retry-After` date.
///
/// A passing failure (429, 5xx but 501, timeout, I/O or connect error, a
/// token endpoint answering 429 or 5xx) is retried only when the safety
/// rules allow it for every request of the attempt: none that is not
/// idempotent may have been applied, and the last failed request may be
/// repeated. Otherwise the job is given up as [`JobErrorKind::Unsafe`].
pub(crate) fn judge(
    error: &Error,
    effects: Effects,
    policy: &RetryPolicy,
    wall_now: SystemTime,
) -> Verdict {
    let retry_after = match passing(error, wall_now) {
        Passing::No => return Verdict::GiveUp(JobErrorKind::Permanent),
        Passing::Systemic(reason) => return Verdict::Stop(reason),
        Passing::Yes { retry_after } => retry_after,
    };
    if effects.may_have_acted || effects.last_failure_may_retry == Some(false) {
        return Verdict::GiveUp(JobErrorKind::Unsafe);
    }
    match retry_after {
        Some(wait) if wait > policy.max_retry_after() => {
            Verdict::Stop(StopReason::RetryAfterTooLong { wait })
        }
        _ => Verdict::Retry { retry_after },
    }
}

enum Passing {
    No,
    Yes { retry_after: Option<Duration> },
    Systemic(StopReason),
}

fn passing(error: &Error, wall_now: SystemTime) -> Passing {
    match error {
        Error::Api(api) => match api.status() {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                Passing::Systemic(StopReason::Unauthorized)
            }
            status if is_retryable_status(status) => Passing::Yes {
                retry_after: api.retry_after().or_else(|| {
                    api.retry_at()
                        .map(|at| at.duration_since(wall_now).unwrap_or(Duration::ZERO))
                }),
            },
            _ => Passing::No,
        },
        Error::Auth(auth) => match auth.status() {
            Some(status) if is_retryable_status(status) => Passing::Yes { retry_after: None },
            _ => Passing::Systemic(StopReason::Credentials),
        },
        Error::Transport(transport) => match transport.kind() {
            TransportErrorKind::Other => Passing::No,
            _ => Passing::Yes { retry_after: None },
        },
        Error::Validation(_)
        | Error::InvalidId(_)
        | Error::Build(_)
        | Error::Decode(_)
        | Error::Pagination(_) => Passing::No,
    }
}

/// What an attempt's result says about the server's load.
pub(crate) fn signal<T>(result: &Result<T, Error>) -> Signal {
    let status = match result {
        Ok(_) => return Signal::Served,
        Err(Error::Api(api)) => api.status(),
        Err(Error::Auth(auth)) => match auth.status() {
            Some(status) => status,
            None => return Signal::Silent,
        },
        Err(Error::Decode(_)) => return Signal::Served,
        Err(Error::Transport(transport)) => {
            return match transport.kind() {
                TransportErrorKind::Connect => Signal::Unreachable,
                TransportErrorKind::Timeout | TransportErrorKind::Io => Signal::Overloaded,
                _ => Signal::Silent,
            };
        }
        Err(_) => return Signal::Silent,
    };
    if status == StatusCode::TOO_MANY_REQUESTS {
        Signal::Throttled
    } else if is_retryable_status(status) {
        Signal::Overloaded
    } else {
        Signal::Served
    }
}

/// Whether an error is a connect error (counted towards stopping the run).
pub(crate) fn is_connect_error(error: &Error) -> bool {
    matches!(error, Error::Transport(transport) if transport.kind() == TransportErrorKind::Connect)
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use bytes::Bytes;
    use sinch_contacts_model::{ValidationError, ViolationKind};

    use super::*;
    use crate::api_error::ApiError;
    use crate::auth::AuthError;
    use crate::transport_error::TransportError;

    fn api(status: u16, retry_after: Option<&str>) -> Error {
        let mut response = http::Response::builder().status(status);
        if let Some(value) = retry_after {
            response = response.header("retry-after", value);
        }
        ApiError::from_response(response.body(Bytes::new()).unwrap()).into()
    }

    fn auth(status: u16) -> Error {
        AuthError::rejected(StatusCode::from_u16(status).unwrap(), Bytes::new()).into()
    }

    fn safe() -> Effects {
        Effects::default()
    }

    /// 2015-10-21 07:27:50 GMT: ten seconds before the date used below.
    fn wall_now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_445_412_470)
    }

    fn judged(error: &Error, effects: Effects) -> Verdict {
        judge(error, effects, &RetryPolicy::default(), wall_now())
    }

    fn retry(seconds: Option<u64>) -> Verdict {
        Verdict::Retry {
            retry_after: seconds.map(Duration::from_secs),
        }
    }

    #[test]
    fn passing_failures_are_retried_after_the_servers_wait() {
        assert_eq!(judged(&api(429, Some("3")), safe()), retry(Some(3)));
        assert_eq!(judged(&api(429, None), safe()), retry(None));
        assert_eq!(
            judged(&api(503, Some("Wed, 21 Oct 2015 07:28:00 GMT")), safe()),
            retry(Some(10))
        );
        assert_eq!(
            judged(&api(503, Some("Wed, 21 Oct 2015 07:27:00 GMT")), safe()),
            retry(Some(0)),
            "a date already past asks for no wait"
        );
        for status in [500, 502, 503, 504] {
            assert_eq!(judged(&api(status, None), safe()), retry(None), "{status}");
        }
        for error in [
            TransportError::connect("refused"),
            TransportError::timeout("t"),
            TransportError::io("reset"),
        ] {
            assert_eq!(judged(&error.into(), safe()), retry(None));
        }
        assert_eq!(judged(&auth(429), safe()), retry(None));
        assert_eq!(judged(&auth(503), safe()), retry(None));
    }

    #[test]
    fn what_retrying_cannot_fix_is_permanent() {
        let permanent = Verdict::GiveUp(JobErrorKind::Permanent);
        for status in [400, 404, 408, 409, 422, 501] {
            assert_eq!(judged(&api(status, None), safe()), permanent, "{status}");
        }
        assert_eq!(
            judged(&TransportError::other("?").into(), safe()),
            permanent
        );
        let invalid = ValidationError::single("external_id", ViolationKind::Missing);
        assert_eq!(judged(&invalid.into(), safe()), permanent);
        // Kind first: a permanent failure of an attempt that acted is
        // still permanent.
        let acted = Effects {
            may_have_acted: true,
            last_failure_may_retry: Some(false),
        };
        assert_eq!(judged(&api(409, None), acted), permanent);
    }

    #[test]
    fn credentials_and_long_waits_stop_the_run() {
        for status in [401, 403] {
            assert_eq!(
                judged(&api(status, None), safe()),
                Verdict::Stop(StopReason::Unauthorized)
            );
        }
        for status in [400, 401, 200] {
            assert_eq!(
                judged(&auth(status), safe()),
                Verdict::Stop(StopReason::Credentials)
            );
        }
        // The default policy waits up to 60 s.
        assert_eq!(judged(&api(429, Some("60")), safe()), retry(Some(60)));
        assert_eq!(
            judged(&api(429, Some("61")), safe()),
            Verdict::Stop(StopReason::RetryAfterTooLong {
                wait: Duration::from_secs(61)
            })
        );
    }

    #[test]
    fn an_attempt_that_may_have_acted_is_not_repeated() {
        let unsafe_ = Verdict::GiveUp(JobErrorKind::Unsafe);
        let acted = Effects {
            may_have_acted: true,
            last_failure_may_retry: Some(true),
        };
        assert_eq!(judged(&api(429, None), acted), unsafe_);
        let last_not_repeatable = Effects {
            may_have_acted: false,
            last_failure_may_retry: Some(false),
        };
        assert_eq!(judged(&api(503, None), last_not_repeatable), unsafe_);
        let repeatable = Effects {
            may_have_acted: false,
            last_failure_may_retry: Some(true),
        };
        assert_eq!(judged(&api(503, None), repeatable), retry(None));
        // A stop comes before safety: it concerns every job.
        assert_eq!(
            judged(&api(401, None), acted),
            Verdict::Stop(StopReason::Unauthorized)
        );
    }

    #[test]
    fn answers_say_how_loaded_the_server_is() {
        let signal_of = |error: Error| signal::<()>(&Err(error));
        assert_eq!(signal::<()>(&Ok(())), Signal::Served);
        assert_eq!(signal_of(api(429, None)), Signal::Throttled);
        assert_eq!(signal_of(auth(429)), Signal::Throttled);
        for status in [500, 503] {
            assert_eq!(signal_of(api(status, None)), Signal::Overloaded);
            assert_eq!(signal_of(auth(status)), Signal::Overloaded);
        }
        for status in [400, 401, 404, 501] {
            assert_eq!(signal_of(api(status, None)), Signal::Served);
        }
        assert_eq!(signal_of(auth(401)), Signal::Served);
        assert_eq!(
            signal_of(TransportError::connect("refused").into()),
            Signal::Unreachable
        );
        assert_eq!(
            signal_of(TransportError::timeout("t").into()),
            Signal::Overloaded
        );
        assert_eq!(
            signal_of(TransportError::io("reset").into()),
            Signal::Overloaded
        );
        assert_eq!(signal_of(TransportError::other("?").into()), Signal::Silent);
        let invalid = ValidationError::single("external_id", ViolationKind::Missing);
        assert_eq!(signal_of(invalid.into()), Signal::Silent);
    }

    #[test]
    fn only_connect_errors_count_towards_unreachable() {
        assert!(is_connect_error(&TransportError::connect("refused").into()));
        assert!(!is_connect_error(&TransportError::timeout("t").into()));
        assert!(!is_connect_error(&api(503, None)));
    }
}

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

//! What a bulk run reports: a [`JobResult`] per job, and [`Stopped`] when a
//! systemic failure ended the run.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::error::Error;

/// One job's result, yielded when the job is finished, in completion order.
#[derive(Debug)]
pub struct JobResult<K, T> {
    /// The key the job was given with.
    pub key: K,
    /// The operation's output, or why the job was given up.
    pub outcome: Result<T, JobError>,
    /// How many attempts ran (0 when the run stopped before its first).
    pub attempts: u32,
}

/// Why a job was given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JobErrorKind {
    /// Repeating it would not help: a 4xx such as 400, 404 or 409, a 501, a
    /// validation error, an answer that did not decode.
    Permanent,
    /// It failed in a way that may have changed something (a 5xx or a
    /// timeout after a create or an update), and repeating it is not safe.
    Unsafe,
    /// It failed for a passing reason on every one of its attempts.
    AttemptsExhausted,
    /// The run stopped (see [`Stopped`]) before the job could finish.
    Abandoned,
}

/// A job given up: its last error and why it was not tried again.
#[derive(Debug)]
pub struct JobError {
    kind: JobErrorKind,
    error: Option<Error>,
    may_have_acted: bool,
}

impl JobError {
    pub(crate) fn new(kind: JobErrorKind, error: Option<Error>, may_have_acted: bool) -> Self {
        Self {
            kind,
            error,
            may_have_acted,
        }
    }

    /// Why the job was given up.
    pub fn kind(&self) -> JobErrorKind {
        self.kind
    }

    /// The error of the job's last attempt. `None` only for an
    /// [`Abandoned`](JobErrorKind::Abandoned) job that never ran, or whose
    /// last error is the one that stopped the run (in [`Stopped`]).
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// The error of the job's last attempt, by value (see
    /// [`error`](Self::error)).
    pub fn into_error(self) -> Option<Error> {
        self.error
    }

    /// Whether one of the job's attempts may have changed something on the
    /// server (a create or an update that may have been applied): a caller
    /// resuming later should check before doing it again.
    pub fn may_have_acted(&self) -> bool {
        self.may_have_acted
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.kind {
            JobErrorKind::Permanent => "failed",
            JobErrorKind::Unsafe => "failed and may have been applied; not repeated",
            JobErrorKind::AttemptsExhausted => "failed on every attempt",
            JobErrorKind::Abandoned => "abandoned when the run stopped",
        };
        match &self.error {
            Some(error) => write!(f, "{why}: {error}"),
            None => f.write_str(why),
        }
    }
}

impl StdError for JobError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.error
            .as_ref()
            .map(|error| error as &(dyn StdError + 'static))
    }
}

/// Why a run stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopReason {
    /// The API answered 401 (after the client renewed its token) or 403:
    /// the credentials or the project are wrong for every job.
    Unauthorized,
    /// The OAuth2 token endpoint refused the key or answered something
    /// unusable.
    Credentials,
    /// This many connect errors in a row (refused, DNS, TLS handshake), with
    /// no answer from the server in between.
    Unreachable {
        /// The connect errors in a row.
        failures: u32,
    },
    /// The server asked to wait longer than the retry policy's
    /// `max_retry_after`: a quota that will not come back during the run.
    RetryAfterTooLong {
        /// What the server asked for.
        wait: Duration,
    },
}

/// The one error of a run stopped by a systemic failure; always the last
/// item of the run's stream.
#[derive(Debug)]
pub struct Stopped {
    reason: StopReason,
    error: Error,
}

impl Stopped {
    pub(crate) fn new(reason: StopReason, error: Error) -> Self {
        Self { reason, error }
    }

    /// Why the run stopped.
    pub fn reason(&self) -> StopReason {
        self.reason
    }

    /// The error that stopped it.
    pub fn error(&self) -> &Error {
        &self.error
    }
}

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            StopReason::Unauthorized => {
                write!(
                    f,
                    "stopped: the API refused the credentials ({})",
                    self.error
                )
            }
            StopReason::Credentials => {
                write!(
                    f,
                    "stopped: the token endpoint refused the key ({})",
                    self.error
                )
            }
            StopReason::Unreachable { failures } => write!(
                f,
                "stopped: the server could not be reached ({failures} connect errors in a row: {})",
                self.error
            ),
            StopReason::RetryAfterTooLong { wait } => write!(
                f,
                "stopped: the server asked to wait {} s, longer than allowed ({})",
                wait.as_secs(),
                self.error
            ),
        }
    }
}

impl StdError for Stopped {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport_error::TransportError;

    fn refused() -> Error {
        TransportError::connect("connection refused").into()
    }

    #[test]
    fn a_job_error_says_why_and_chains_its_error() {
        let error = JobError::new(JobErrorKind::AttemptsExhausted, Some(refused()), false);
        assert_eq!(
            error.to_string(),
            "failed on every attempt: transport error: could not connect"
        );
        assert_eq!(
            StdError::source(&error).unwrap().to_string(),
            "transport error: could not connect"
        );
        assert!(matches!(error.into_error(), Some(Error::Transport(_))));
        for (kind, text) in [
            (JobErrorKind::Permanent, "failed"),
            (
                JobErrorKind::Unsafe,
                "failed and may have been applied; not repeated",
            ),
            (JobErrorKind::Abandoned, "abandoned when the run stopped"),
        ] {
            let error = JobError::new(kind, None, true);
            assert_eq!(error.to_string(), text);
            assert!(StdError::source(&error).is_none());
            assert!(error.may_have_acted());
            assert_eq!(error.kind(), kind);
        }
    }

    #[test]
    fn a_stop_is_one_sentence_and_chains_its_error() {
        let cases = [
            (
                StopReason::Unauthorized,
                "stopped: the API refused the credentials (transport error: could not connect)",
            ),
            (
                StopReason::Credentials,
                "stopped: the token endpoint refused the key (transport error: could not connect)",
            ),
            (
                StopReason::Unreachable { failures: 3 },
                "stopped: the server could not be reached (3 connect errors in a row: transport error: could not connect)",
            ),
            (
                StopReason::RetryAfterTooLong {
                    wait: Duration::from_secs(3_600),
                },
                "stopped: the server asked to wait 3600 s, longer than allowed (transport error: could not connect)",
            ),
        ];
        for (reason, text) in cases {
            let stopped = Stopped::new(reason, refused());
            assert_eq!(stopped.to_string(), text);
            assert_eq!(stopped.reason(), reason);
            assert!(matches!(stopped.error(), Error::Transport(_)));
            assert_eq!(
                StdError::source(&stopped).unwrap().to_string(),
                "transport error: could not connect"
            );
        }
    }
}

//! Why the endpoint did not answer 200: [`Rejected`], reported to a hook, and [`RetryLater`],
//! the error a handler returns to be answered 503 with `Retry-After`.

use std::time::Duration;

use axum::http::StatusCode;

/// Why a delivery was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectReason {
    /// The body is over the limit (413).
    TooLarge,
    /// The body could not be read (400).
    UnreadableBody,
    /// The signature did not verify (401).
    Unauthorized,
    /// Signed, but not a callback this crate parses (400).
    Unparsable,
    /// The handler asked the sender to retry later, e.g. a full write queue (503).
    Overloaded,
    /// The handler failed (500).
    HandlerFailed,
}

impl RejectReason {
    /// Every reason, in this order (for metrics that give each its line from the start).
    pub const ALL: [RejectReason; 6] = [
        Self::TooLarge,
        Self::UnreadableBody,
        Self::Unauthorized,
        Self::Unparsable,
        Self::Overloaded,
        Self::HandlerFailed,
    ];

    /// A short name, for logs and metric labels (`too_large`, `unauthorized`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooLarge => "too_large",
            Self::UnreadableBody => "unreadable_body",
            Self::Unauthorized => "unauthorized",
            Self::Unparsable => "unparsable",
            Self::Overloaded => "overloaded",
            Self::HandlerFailed => "handler_failed",
        }
    }
}

/// A delivery the endpoint answered with something else than 200, as given to
/// [`WebhookReceiver::on_rejected`](super::WebhookReceiver::on_rejected). It never holds the
/// body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rejected {
    /// Why.
    pub reason: RejectReason,
    /// The status answered.
    pub status: StatusCode,
    /// What went wrong, without the body: the verification error, the parse error's position,
    /// the handler's error text.
    pub detail: String,
}

/// The error a [`CallbackHandler`](super::CallbackHandler) returns to have the endpoint answer
/// **503** with `Retry-After` (the sender retries later; nothing was done), for example when
/// a queue is full.
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_callbacks::axum_handler::{HandlerError, RetryLater};
///
/// let error: HandlerError = Box::new(RetryLater::new(Duration::from_secs(2), "queue full"));
/// assert_eq!(error.to_string(), "retry later (in 2 s): queue full");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("retry later (in {} s): {reason}", retry_after_seconds(*.after))]
pub struct RetryLater {
    after: Duration,
    reason: String,
}

impl RetryLater {
    /// Asks the sender to retry after `after` (rounded up to whole seconds, at least 1).
    pub fn new(after: Duration, reason: impl Into<String>) -> Self {
        Self {
            after,
            reason: reason.into(),
        }
    }

    /// The `Retry-After` value in seconds.
    pub fn retry_after_seconds(&self) -> u64 {
        retry_after_seconds(self.after)
    }

    /// Why.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

fn retry_after_seconds(after: Duration) -> u64 {
    let whole = after.as_secs();
    let rounded = if after.subsec_nanos() > 0 {
        whole.saturating_add(1)
    } else {
        whole
    };
    rounded.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_whole_seconds_rounded_up_and_at_least_one() {
        let seconds =
            |millis| RetryLater::new(Duration::from_millis(millis), "").retry_after_seconds();
        assert_eq!(seconds(0), 1);
        assert_eq!(seconds(1), 1);
        assert_eq!(seconds(1000), 1);
        assert_eq!(seconds(1001), 2);
        assert_eq!(seconds(2500), 3);
    }

    #[test]
    fn reasons_have_stable_names() {
        let names: Vec<&str> = RejectReason::ALL
            .into_iter()
            .map(RejectReason::as_str)
            .collect();
        assert_eq!(
            names,
            [
                "too_large",
                "unreadable_body",
                "unauthorized",
                "unparsable",
                "overloaded",
                "handler_failed"
            ]
        );
    }
}

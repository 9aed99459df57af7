//! The spans of the `tracing` feature. Their fields are names, ids, counts,
//! status codes and error kinds only: never a header, credential, token or
//! body.

use tracing::field::Empty;

use crate::client::{SafeCreateOutcome, SafeCreated};
use crate::error::Error;
use crate::execute::SendLog;

/// The span of one client operation. Fields: `operation` (such as
/// `get_contact`), `project_id`, then, once it ends, `attempts` (requests
/// that reached the transport, retries and the expired-token repeat
/// included), `http.status` (of the last answer, absent when there was
/// none), `retry_reasons` (comma-separated: a status such as `429`, a
/// transport error kind such as `timeout`, or `token_expired`) and `error`
/// (the [`Error`] variant, such as `api`, when the operation failed).
pub(crate) fn operation_span(operation: &'static str, project_id: &str) -> tracing::Span {
    tracing::info_span!(
        "sinch_contacts.operation",
        operation,
        project_id,
        attempts = Empty,
        http.status = Empty,
        retry_reasons = Empty,
        error = Empty,
    )
}

/// The span of an OAuth2 token request (inside the operation that needed
/// the token), with the same fields as an operation after `project_id`.
pub(crate) fn token_span() -> tracing::Span {
    tracing::debug_span!(
        "sinch_contacts.token",
        attempts = Empty,
        http.status = Empty,
        retry_reasons = Empty,
        error = Empty,
    )
}

/// Fills the span's outcome fields from what the send recorded.
pub(crate) fn record(span: &tracing::Span, log: &SendLog, error: Option<&Error>) {
    span.record("attempts", log.attempts);
    if let Some(status) = log.status {
        span.record("http.status", status.as_u16());
    }
    if !log.retry_reasons.is_empty() {
        span.record("retry_reasons", log.retry_reasons.join(",").as_str());
    }
    if let Some(error) = error {
        span.record("error", kind(error));
    }
}

/// The variant name of an error, without any of its content.
fn kind(error: &Error) -> &'static str {
    match error {
        Error::Validation(_) => "validation",
        Error::InvalidId(_) => "invalid_id",
        Error::Build(_) => "build",
        Error::Transport(_) => "transport",
        Error::Api(_) => "api",
        Error::Decode(_) => "decode",
        Error::Auth(_) => "auth",
        Error::Pagination(_) => "pagination",
    }
}

/// The span around a whole `create_safe` call: `project_id`, then `rounds`
/// (creates sent) and `outcome` (`created`, `recovered`, `already_existed`) or `error`.
pub(crate) fn create_safe_span(project_id: &str) -> tracing::Span {
    tracing::info_span!(
        "sinch_contacts.create_safe",
        project_id,
        rounds = Empty,
        outcome = Empty,
        error = Empty,
    )
}

/// Fills the `create_safe` span's outcome fields.
pub(crate) fn record_create_safe(
    span: &tracing::Span,
    rounds: u32,
    result: &Result<SafeCreated, Error>,
) {
    span.record("rounds", rounds);
    match result {
        Ok(created) => {
            let outcome = match created.outcome {
                SafeCreateOutcome::Created => "created",
                SafeCreateOutcome::Recovered => "recovered",
                SafeCreateOutcome::AlreadyExisted => "already_existed",
            };
            span.record("outcome", outcome);
        }
        Err(error) => {
            span.record("error", kind(error));
        }
    }
}

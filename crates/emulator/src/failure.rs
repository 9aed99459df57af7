//! API failures and the google.rpc-style error envelope they are answered with:
//! `{"error": {"code", "message", "status", "details"}}`.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use serde_json::{Value, json};
use sinch_contacts_model::ValidationError;

use crate::rate_limit::RateLimit;
use crate::time::protobuf_duration;
use crate::token_bucket::Wait;

/// An answer other than success, rendered as the wrapped error envelope.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    status: StatusCode,
    api_status: &'static str,
    message: String,
    field_violations: Vec<(String, String)>,
    /// The exact wait of a `google.rpc.RetryInfo` detail.
    retry_delay: Option<Duration>,
    headers: Vec<(header::HeaderName, String)>,
}

impl Failure {
    fn new(status: StatusCode, api_status: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            api_status,
            message: message.into(),
            field_violations: Vec::new(),
            retry_delay: None,
            headers: Vec::new(),
        }
    }

    /// 400 `INVALID_ARGUMENT` about one field, with a `google.rpc.BadRequest` detail.
    pub(crate) fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        let (field, description) = (field.into(), description.into());
        let mut failure = Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_ARGUMENT",
            format!("Invalid argument: {field}: {description}"),
        );
        failure.field_violations.push((field, description));
        failure
    }

    /// 400 `INVALID_ARGUMENT` with every violation the model found.
    pub(crate) fn validation(error: &ValidationError) -> Self {
        let violations: Vec<(String, String)> = error
            .violations()
            .iter()
            .map(|violation| (violation.field().to_owned(), violation.kind().to_string()))
            .collect();
        let message = violations
            .iter()
            .map(|(field, description)| format!("{field}: {description}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut failure = Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_ARGUMENT",
            format!("Invalid argument: {message}"),
        );
        failure.field_violations = violations;
        failure
    }

    /// 413 `RESOURCE_EXHAUSTED`: the body is larger than `limit` bytes. gRPC answers a message
    /// larger than its limit with `RESOURCE_EXHAUSTED`, so the google.rpc envelope names that
    /// status; the HTTP status (and the envelope's `code`) is 413, so that no client takes it for
    /// a rate limit (429) and retries. A `google.rpc.BadRequest` detail names `body`.
    pub(crate) fn too_large(limit: usize) -> Self {
        let description = format!("larger than {limit} bytes");
        let mut failure = Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RESOURCE_EXHAUSTED",
            format!("Request payload too large: body: {description}"),
        );
        failure
            .field_violations
            .push(("body".to_owned(), description));
        failure
    }

    /// 404 `NOT_FOUND`.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    /// 401 `UNAUTHENTICATED` with a `www-authenticate` challenge.
    pub(crate) fn unauthenticated(message: impl Into<String>, challenge: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message)
            .with_header(header::WWW_AUTHENTICATE, challenge)
    }

    /// 405 for a path that exists with another method.
    pub(crate) fn method_not_allowed(allowed: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "UNIMPLEMENTED",
            format!("Method not allowed on this path; allowed: {allowed}"),
        )
        .with_header(header::ALLOW, allowed)
    }

    /// 503 `UNAVAILABLE` (an injected fault).
    pub(crate) fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "UNAVAILABLE",
            "The service is temporarily unavailable (injected fault)",
        )
    }

    /// 429 `RESOURCE_EXHAUSTED` with `Retry-After` (an injected fault).
    pub(crate) fn too_many_requests(retry_after: u8) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RESOURCE_EXHAUSTED",
            "Too many requests (injected fault)",
        )
        .with_header(header::RETRY_AFTER, &retry_after.to_string())
    }

    /// 429 `RESOURCE_EXHAUSTED` from the project's rate limit: `Retry-After` is the wait rounded
    /// up to whole seconds (at least 1), and a `google.rpc.RetryInfo` detail gives it exactly.
    pub(crate) fn rate_limited(project_id: &str, limit: &RateLimit, wait: Wait) -> Self {
        let mut failure = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RESOURCE_EXHAUSTED",
            format!(
                "Rate limit of project `{project_id}` exceeded ({limit}); the next request is allowed in {}",
                protobuf_duration(wait.0)
            ),
        )
        .with_header(header::RETRY_AFTER, &wait.retry_after_seconds().to_string());
        failure.retry_delay = Some(wait.0);
        failure
    }

    fn with_header(mut self, name: header::HeaderName, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// The HTTP status.
    #[cfg(test)]
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The envelope as JSON.
    pub(crate) fn to_json(&self) -> Value {
        let mut details: Vec<Value> = Vec::new();
        if !self.field_violations.is_empty() {
            details.push(json!({
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "field_violations": self
                    .field_violations
                    .iter()
                    .map(|(field, description)| json!({"field": field, "description": description}))
                    .collect::<Vec<_>>(),
            }));
        }
        if let Some(delay) = self.retry_delay {
            details.push(json!({
                "@type": "type.googleapis.com/google.rpc.RetryInfo",
                "retry_delay": protobuf_duration(delay),
            }));
        }
        json!({
            "error": {
                "code": self.status.as_u16(),
                "message": self.message,
                "status": self.api_status,
                "details": details,
            }
        })
    }

    /// The HTTP response.
    pub(crate) fn into_response(self) -> Response<Bytes> {
        let mut response = json_response(self.status, &self.to_json());
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().append(name, value);
            }
        }
        response
    }
}

/// A JSON response with this status.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A 200 JSON response.
pub(crate) fn ok_json(body: &impl serde::Serialize) -> Response<Bytes> {
    match serde_json::to_value(body) {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(error) => Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            format!("could not serialize the answer: {error}"),
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_refusal_carries_retry_after_and_the_exact_wait() {
        let limit = RateLimit::new(200.0).burst(20);
        let failure = Failure::rate_limited("p", &limit, Wait(Duration::from_millis(5)));
        assert_eq!(failure.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            failure.to_json(),
            json!({"error": {
                "code": 429,
                "message": "Rate limit of project `p` exceeded (200/s,burst=20); the next request is allowed in 0.005s",
                "status": "RESOURCE_EXHAUSTED",
                "details": [{
                    "@type": "type.googleapis.com/google.rpc.RetryInfo",
                    "retry_delay": "0.005s"
                }]
            }})
        );
        let response = failure.into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        let slow = Failure::rate_limited("p", &limit, Wait(Duration::from_millis(2500)));
        assert_eq!(slow.into_response().headers()[header::RETRY_AFTER], "3");
    }

    #[test]
    fn a_body_over_the_limit_is_413_resource_exhausted() {
        let failure = Failure::too_large(1024);
        assert_eq!(failure.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            failure.to_json(),
            json!({"error": {
                "code": 413,
                "message": "Request payload too large: body: larger than 1024 bytes",
                "status": "RESOURCE_EXHAUSTED",
                "details": [{
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "field_violations": [{"field": "body", "description": "larger than 1024 bytes"}]
                }]
            }})
        );
    }

    #[test]
    fn invalid_argument_carries_a_bad_request_detail() {
        let failure = Failure::invalid("page_size", "25 is outside 1..=20");
        assert_eq!(failure.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            failure.to_json(),
            json!({"error": {
                "code": 400,
                "message": "Invalid argument: page_size: 25 is outside 1..=20",
                "status": "INVALID_ARGUMENT",
                "details": [{
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "field_violations": [{"field": "page_size", "description": "25 is outside 1..=20"}]
                }]
            }})
        );
    }
}

//! [`ApiError`]: a non-success response, with the Sinch error body parsed.

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Map, Value};

use crate::error::body_excerpt;
use crate::retry::{RetryAfter, parse_retry_after};
use crate::transport::HttpResponse;

/// A non-success HTTP response from the API.
///
/// Both error shapes the API is known to send are understood: the wrapped
/// google.rpc form `{"error": {"code", "message", "status", "details"}}` and
/// the flat form `{"code", "message", "status", "details", "error"}`. A body
/// that is neither (HTML from a proxy, plain text, empty) leaves the parsed
/// fields empty; [`raw_body`](Self::raw_body) always has the bytes.
#[derive(Debug, Clone)]
pub struct ApiError {
    // Boxed so that `Result<_, Error>` stays small on the success path.
    inner: Box<Inner>,
}

#[derive(Debug, Clone)]
struct Inner {
    status: StatusCode,
    code: Option<i64>,
    message: Option<String>,
    api_status: Option<String>,
    error_text: Option<String>,
    details: Vec<ErrorDetail>,
    retry_after: Option<RetryAfter>,
    raw_body: Bytes,
}

impl ApiError {
    /// Reads an error response: status, `Retry-After` and the body. Never
    /// fails: unknown body shapes keep only the status and the raw body.
    ///
    /// ```
    /// use sinch_contacts_port::ApiError;
    ///
    /// let response = http::Response::builder()
    ///     .status(429)
    ///     .header("retry-after", "3")
    ///     .body(bytes::Bytes::from_static(br#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}"#))
    ///     .unwrap();
    /// let error = ApiError::from_response(response);
    /// assert_eq!(error.api_status(), Some("RESOURCE_EXHAUSTED"));
    /// assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(3)));
    /// ```
    pub fn from_response(response: HttpResponse) -> Self {
        let status = response.status();
        let retry_after = parse_retry_after(response.headers());
        let raw_body = response.into_body();
        let mut error = Inner {
            status,
            code: None,
            message: None,
            api_status: None,
            error_text: None,
            details: Vec::new(),
            retry_after,
            raw_body,
        };
        if let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(&error.raw_body) {
            error.fill_from(object);
        }
        Self {
            inner: Box::new(error),
        }
    }
}

impl Inner {
    /// Reads the members of either error shape one by one rather than through the model's
    /// typed `ErrorResponse`: in an error body every member that can be read is worth
    /// keeping, so a member of an unexpected type (a `code` sent as `"400"`, say) must not hide
    /// the message and status beside it, as a typed parse of the whole object would.
    fn fill_from(&mut self, mut object: Map<String, Value>) {
        let fields = match object.remove("error") {
            Some(Value::Object(inner)) => inner,
            Some(Value::String(text)) => {
                self.error_text = Some(text);
                object
            }
            _ => object,
        };
        self.code = fields.get("code").and_then(read_code);
        self.message = read_string(&fields, "message");
        self.api_status = read_string(&fields, "status");
        if let Some(Value::Array(details)) = fields.get("details") {
            self.details = details.iter().cloned().map(ErrorDetail).collect();
        }
    }
}

impl ApiError {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The Sinch error `code` from the body (often equal to the HTTP status).
    pub fn code(&self) -> Option<i64> {
        self.inner.code
    }

    /// The human-readable `message` from the body.
    pub fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }

    /// The symbolic `status` from the body, such as `NOT_FOUND`.
    pub fn api_status(&self) -> Option<&str> {
        self.inner.api_status.as_deref()
    }

    /// The top-level `error` string of the flat error shape, if present.
    pub fn error_text(&self) -> Option<&str> {
        self.inner.error_text.as_deref()
    }

    /// The `details` entries from the body.
    pub fn details(&self) -> &[ErrorDetail] {
        &self.inner.details
    }

    /// The delay the server asked for with `Retry-After: <seconds>`.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.inner.retry_after {
            Some(RetryAfter::Delay(delay)) => Some(delay),
            _ => None,
        }
    }

    /// The time the server asked to wait for with `Retry-After: <HTTP-date>`.
    pub fn retry_at(&self) -> Option<SystemTime> {
        match self.inner.retry_after {
            Some(RetryAfter::At(at)) => Some(at),
            _ => None,
        }
    }

    /// The response body exactly as received.
    pub fn raw_body(&self) -> &Bytes {
        &self.inner.raw_body
    }

    /// Whether the body was a recognised Sinch error shape.
    pub fn has_error_body(&self) -> bool {
        self.inner.code.is_some() || self.inner.message.is_some() || self.inner.api_status.is_some()
    }
}

fn read_code(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn read_string(fields: &Map<String, Value>, key: &str) -> Option<String> {
    match fields.get(key) {
        Some(Value::String(text)) => Some(text.clone()),
        _ => None,
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error: HTTP {}", self.inner.status)?;
        if !self.has_error_body() {
            if self.inner.raw_body.is_empty() {
                return f.write_str(" with an empty body");
            }
            return write!(
                f,
                " with a body that is not a Sinch error: {:?}",
                body_excerpt(&self.inner.raw_body, 120)
            );
        }
        if let Some(api_status) = &self.inner.api_status {
            write!(f, ", {api_status}")?;
        }
        if let Some(code) = self.inner.code {
            write!(f, " (code {code})")?;
        }
        if let Some(message) = &self.inner.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl StdError for ApiError {}

/// One entry of an error's `details` array (google.rpc detail messages such
/// as `BadRequest` with field violations).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorDetail(Value);

impl ErrorDetail {
    /// The detail's type URL, read from `@type`, `type` or `type_url`.
    pub fn type_url(&self) -> Option<&str> {
        ["@type", "type", "type_url"]
            .iter()
            .find_map(|key| self.0.get(key).and_then(Value::as_str))
    }

    /// A string member of the detail, such as `description`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// The detail as compact JSON text.
    pub fn to_json(&self) -> String {
        self.0.to_string()
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &'static str) -> ApiError {
        ApiError::from_response(
            http::Response::builder()
                .status(status)
                .body(Bytes::from_static(body.as_bytes()))
                .unwrap(),
        )
    }

    #[test]
    fn wrapped_shape() {
        let error = parse(
            400,
            r#"{"error":{"code":400,"message":"Invalid argument","status":"INVALID_ARGUMENT",
               "details":[{"type":"type.googleapis.com/google.rpc.BadRequest",
               "field_violations":[{"field":"message_id","description":"Field is mandatory"}]}]}}"#,
        );
        assert_eq!(error.code(), Some(400));
        assert_eq!(error.message(), Some("Invalid argument"));
        assert_eq!(error.api_status(), Some("INVALID_ARGUMENT"));
        assert_eq!(error.details().len(), 1);
        assert_eq!(
            error.details()[0].type_url(),
            Some("type.googleapis.com/google.rpc.BadRequest")
        );
        assert_eq!(
            error.to_string(),
            "API error: HTTP 400 Bad Request, INVALID_ARGUMENT (code 400): Invalid argument"
        );
    }

    #[test]
    fn wrapped_shape_without_code() {
        let error = parse(
            404,
            r#"{"error":{"message":"Contact not found","status":"NotFound"}}"#,
        );
        assert_eq!(error.code(), None);
        assert_eq!(
            error.to_string(),
            "API error: HTTP 404 Not Found, NotFound: Contact not found"
        );
    }

    #[test]
    fn flat_shape() {
        let error = parse(
            500,
            r#"{"code":500,"message":"boom","status":"INTERNAL_ERROR","details":[],"error":"internal"}"#,
        );
        assert_eq!(error.code(), Some(500));
        assert_eq!(error.error_text(), Some("internal"));
        assert!(error.details().is_empty());
        assert_eq!(
            error.to_string(),
            "API error: HTTP 500 Internal Server Error, INTERNAL_ERROR (code 500): boom"
        );
    }

    #[test]
    fn numeric_string_code_and_odd_field_types() {
        let error = parse(409, r#"{"error":{"code":"409","message":7,"status":null}}"#);
        assert_eq!(error.code(), Some(409));
        assert_eq!(error.message(), None);
        assert_eq!(error.api_status(), None);
        assert!(error.has_error_body());
        assert_eq!(error.to_string(), "API error: HTTP 409 Conflict (code 409)");
    }

    #[test]
    fn non_json_and_empty_bodies() {
        let error = parse(502, "<html>Bad gateway</html>");
        assert!(!error.has_error_body());
        assert_eq!(error.raw_body().as_ref(), b"<html>Bad gateway</html>");
        assert_eq!(
            error.to_string(),
            "API error: HTTP 502 Bad Gateway with a body that is not a Sinch error: \"<html>Bad gateway</html>\""
        );
        assert_eq!(
            parse(503, "").to_string(),
            "API error: HTTP 503 Service Unavailable with an empty body"
        );
        assert!(!parse(400, "[1,2]").has_error_body());
        assert!(!parse(400, r#"{"error":42}"#).has_error_body());
    }
}

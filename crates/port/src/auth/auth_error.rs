//! [`AuthError`]: the token endpoint refused or answered nonsense.

use std::error::Error as StdError;
use std::fmt;

use bytes::Bytes;
use http::StatusCode;

/// A failure of the OAuth2 token endpoint.
///
/// Either the endpoint answered with an error status (its OAuth error body
/// `{"error", "error_description"}` is parsed when present), or it answered
/// 2xx with a body that is not a token. In the second case neither the body
/// nor the parser's message is kept, since both may quote a token; only the
/// JSON path of the mismatch is.
#[derive(Debug)]
pub struct AuthError {
    status: Option<StatusCode>,
    error: Option<String>,
    description: Option<String>,
    raw_body: Bytes,
    decode_path: Option<String>,
}

#[derive(serde::Deserialize)]
struct OAuthErrorBody {
    error: Option<String>,
    error_description: Option<String>,
}

impl AuthError {
    pub(crate) fn rejected(status: StatusCode, raw_body: Bytes) -> Self {
        let parsed = serde_json::from_slice::<OAuthErrorBody>(&raw_body).ok();
        let (error, description) = parsed
            .map(|body| (body.error, body.error_description))
            .unwrap_or_default();
        Self {
            status: Some(status),
            error,
            description,
            raw_body,
            decode_path: None,
        }
    }

    pub(crate) fn undecodable(status: StatusCode, path: String) -> Self {
        Self {
            status: Some(status),
            error: None,
            description: None,
            raw_body: Bytes::new(),
            decode_path: Some(path),
        }
    }

    /// The HTTP status of the token endpoint's answer.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The OAuth `error` code, such as `invalid_client`.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The OAuth `error_description`.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The error response body as received (empty for an undecodable 2xx).
    pub fn raw_body(&self) -> &Bytes {
        &self.raw_body
    }

    /// The JSON path where an undecodable 2xx token response failed.
    pub fn decode_path(&self) -> Option<&str> {
        self.decode_path.as_deref()
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OAuth2 token request failed")?;
        if let Some(status) = self.status {
            write!(f, ": HTTP {status}")?;
        }
        if let Some(path) = &self.decode_path {
            return write!(f, ", response is not a token (at `{path}`)");
        }
        if let Some(error) = &self.error {
            write!(f, ": {error}")?;
        }
        if let Some(description) = &self.description {
            write!(f, ": {description}")?;
        }
        Ok(())
    }
}

impl StdError for AuthError {}

//! Building the OAuth2 client-credentials token request and reading its
//! answer; pure functions.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method};

use super::auth_error::AuthError;
use crate::error::{BuildError, Error};
use crate::request::USER_AGENT_VALUE;
use crate::transport::{HttpRequest, HttpResponse};

/// A bearer token and how long it lives.
pub(crate) struct IssuedToken {
    pub(crate) header: HeaderValue,
    pub(crate) expires_in: Duration,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("header", &"[REDACTED]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: u64,
}

/// `POST {token_url}` with `grant_type=client_credentials`, authenticated
/// with HTTP Basic (key id : secret).
pub(crate) fn build_token_request(
    basic_header: &HeaderValue,
    token_url: &str,
) -> Result<HttpRequest, Error> {
    http::Request::builder()
        .method(Method::POST)
        .uri(token_url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT, "application/json")
        .header(AUTHORIZATION, basic_header.clone())
        .header(USER_AGENT, USER_AGENT_VALUE)
        .body(Bytes::from_static(b"grant_type=client_credentials"))
        .map_err(|error| BuildError::new(format!("token URL {token_url:?}"), error).into())
}

/// Reads `{"access_token", "expires_in", ...}` from a 2xx answer; anything
/// else is an [`AuthError`].
pub(crate) fn parse_token_response(response: HttpResponse) -> Result<IssuedToken, Error> {
    let status = response.status();
    if !status.is_success() {
        return Err(AuthError::rejected(status, response.into_body()).into());
    }
    let body = response.into_body();
    let mut deserializer = serde_json::Deserializer::from_slice(&body);
    let parsed: TokenResponse = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| AuthError::undecodable(status, error.path().to_string()))?;
    let mut header = HeaderValue::try_from(format!("Bearer {}", parsed.access_token))
        .map_err(|_| AuthError::undecodable(status, "access_token".to_owned()))?;
    header.set_sensitive(true);
    Ok(IssuedToken {
        header,
        expires_in: Duration::from_secs(parsed.expires_in),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Auth;
    use http::StatusCode;

    fn response(status: u16, body: &'static str) -> HttpResponse {
        http::Response::builder()
            .status(status)
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap()
    }

    #[test]
    fn request_is_a_basic_authenticated_form_post() {
        let auth = Auth::oauth2("id", "secret");
        let request =
            build_token_request(&auth.basic_header(), "https://auth.sinch.com/oauth2/token")
                .unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "https://auth.sinch.com/oauth2/token");
        assert_eq!(request.body().as_ref(), b"grant_type=client_credentials");
        assert_eq!(
            request.headers()[AUTHORIZATION],
            "Basic aWQ6c2VjcmV0" // base64("id:secret")
        );
        assert!(request.headers()[AUTHORIZATION].is_sensitive());
    }

    #[test]
    fn token_is_read() {
        let token = parse_token_response(response(
            200,
            r#"{"access_token":"abc","expires_in":3599,"scope":"","token_type":"bearer"}"#,
        ))
        .unwrap();
        assert_eq!(token.header, "Bearer abc");
        assert_eq!(token.expires_in, Duration::from_secs(3599));
        assert!(!format!("{token:?}").contains("abc"));
    }

    #[test]
    fn rejection_keeps_oauth_error() {
        let Err(Error::Auth(error)) = parse_token_response(response(
            401,
            r#"{"error":"invalid_client","error_description":"Bad client credentials"}"#,
        )) else {
            panic!("expected an auth error");
        };
        assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(error.error(), Some("invalid_client"));
        assert_eq!(
            error.to_string(),
            "OAuth2 token request failed: HTTP 401 Unauthorized: invalid_client: Bad client credentials"
        );
    }

    #[test]
    fn undecodable_token_hides_the_body() {
        let Err(Error::Auth(error)) = parse_token_response(response(
            200,
            r#"{"access_token":"leaky-token","expires_in":"soon"}"#,
        )) else {
            panic!("expected an auth error");
        };
        assert_eq!(error.decode_path(), Some("expires_in"));
        assert!(error.raw_body().is_empty());
        assert!(!format!("{error:?} {error}").contains("leaky-token"));
    }
}

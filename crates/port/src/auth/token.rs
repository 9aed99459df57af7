//! Building the OAuth2 client-credentials token request and reading its
//! answer; pure functions.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method};
use serde::Deserialize as _;

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

/// The longest token lifetime the client believes, whatever `expires_in`
/// says: 24 hours. Sinch tokens live about one hour; a larger value is a
/// server mistake (or hostile), and trusting it could keep a revoked token in
/// use for ever or overflow the clock arithmetic.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(deserialize_with = "lifetime_seconds")]
    expires_in: Duration,
}

/// `expires_in` as sent: a non-negative JSON number (an integer, or a
/// fraction that is rounded down) or the same number in a string, capped at
/// [`MAX_TOKEN_LIFETIME`].
fn lifetime_seconds<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Duration, D::Error> {
    use serde::de::Error as _;
    let value = serde_json::Value::deserialize(deserializer)?;
    let seconds = match &value {
        serde_json::Value::Number(number) => number.as_f64(),
        serde_json::Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    };
    match seconds {
        Some(seconds) if seconds.is_finite() && seconds >= 0.0 => {
            let cap = MAX_TOKEN_LIFETIME.as_secs_f64();
            Ok(Duration::from_secs_f64(seconds.min(cap).floor()))
        }
        _ => Err(D::Error::custom(
            "expires_in must be a non-negative number of seconds",
        )),
    }
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
        expires_in: parsed.expires_in,
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

    fn lifetime_of(expires_in: &str) -> Result<Duration, Error> {
        let body = format!(r#"{{"access_token":"t","expires_in":{expires_in}}}"#);
        parse_token_response(
            http::Response::builder()
                .status(200)
                .body(Bytes::from(body))
                .unwrap(),
        )
        .map(|token| token.expires_in)
    }

    #[test]
    fn absurd_lifetimes_are_capped_at_a_day() {
        let day = Duration::from_secs(86_400);
        for huge in [
            "18446744073709551615",
            "9.3e18",
            "1e308",
            "86401",
            "\"99999999999\"",
        ] {
            assert_eq!(lifetime_of(huge).unwrap(), day, "{huge}");
        }
        assert_eq!(lifetime_of("86400").unwrap(), day);
    }

    #[test]
    fn lifetimes_may_be_fractions_or_numeric_strings() {
        assert_eq!(lifetime_of("3599.9").unwrap(), Duration::from_secs(3599));
        assert_eq!(
            lifetime_of("\" 3600 \"").unwrap(),
            Duration::from_secs(3600)
        );
        assert_eq!(lifetime_of("0").unwrap(), Duration::ZERO);
    }

    #[test]
    fn negative_or_non_numeric_lifetimes_are_refused() {
        for bad in ["-1", "-0.5", "\"soon\"", "null", "true", "[]", "{}"] {
            let Err(Error::Auth(error)) = lifetime_of(bad) else {
                panic!("{bad} accepted");
            };
            assert_eq!(error.decode_path(), Some("expires_in"), "{bad}");
        }
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

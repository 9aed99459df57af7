//! Credentials: HTTP Basic with the configured key, and bearer tokens issued by the OAuth2
//! client-credentials endpoint, which expire after the configured lifetime.

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode, header};
use serde_json::json;

use crate::config::Config;
use crate::failure::{Failure, json_response};
use crate::tokens::Tokens;

/// The challenge sent when credentials are missing or wrong.
const CHALLENGE: &str =
    "Basic realm=\"sinch-contacts-emulator\", Bearer realm=\"sinch-contacts-emulator\"";

/// Checks the `authorization` header of an API request.
///
/// # Errors
///
/// 401 `UNAUTHENTICATED` when credentials are missing or wrong; an expired bearer token gets
/// `www-authenticate: Bearer error="expired"` (what clients refresh on).
pub(crate) fn authenticate(
    headers: &HeaderMap,
    config: &Config,
    tokens: &Tokens,
) -> Result<(), Failure> {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    else {
        return Err(Failure::unauthenticated(
            "Request is missing credentials: send HTTP Basic (key id, key secret) or an OAuth2 bearer token",
            CHALLENGE,
        ));
    };
    if let Some(encoded) = strip_scheme(value, "Basic") {
        return if basic_matches(encoded, config) {
            Ok(())
        } else {
            Err(Failure::unauthenticated(
                "Invalid key id or key secret",
                CHALLENGE,
            ))
        };
    }
    if let Some(token) = strip_scheme(value, "Bearer") {
        return match tokens.expiry_of(token) {
            Some(expiry) if Instant::now() < expiry => Ok(()),
            Some(_) => Err(Failure::unauthenticated(
                "The access token expired",
                "Bearer error=\"expired\", error_description=\"The access token expired\"",
            )),
            None => Err(Failure::unauthenticated(
                "Unknown access token",
                "Bearer error=\"invalid_token\"",
            )),
        };
    }
    Err(Failure::unauthenticated(
        "Unsupported authorization scheme",
        CHALLENGE,
    ))
}

fn strip_scheme<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let (given, rest) = value.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then_some(rest.trim())
}

fn basic_matches(encoded: &str, config: &Config) -> bool {
    let Ok(decoded) = STANDARD.decode(encoded) else {
        return false;
    };
    let Ok(text) = String::from_utf8(decoded) else {
        return false;
    };
    text.split_once(':')
        .is_some_and(|(key_id, secret)| key_id == config.key_id && secret == config.key_secret)
}

/// `POST /oauth2/token`: form `grant_type=client_credentials`, authenticated with HTTP Basic.
/// Errors follow OAuth2 (RFC 6749 §5.2): `{"error": ..., "error_description": ...}`.
pub(crate) fn token_endpoint(
    request: &Request<Bytes>,
    config: &Config,
    tokens: &mut Tokens,
) -> Response<Bytes> {
    let oauth_error = |status: StatusCode, error: &str, description: &str| {
        json_response(
            status,
            &json!({"error": error, "error_description": description}),
        )
    };
    if request.method() != Method::POST {
        let mut response = oauth_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            "the token endpoint takes POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, http::HeaderValue::from_static("POST"));
        return response;
    }
    let authorized = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| strip_scheme(value, "Basic"))
        .is_some_and(|encoded| basic_matches(encoded, config));
    if !authorized {
        let mut response = oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "HTTP Basic with the key id and key secret is required",
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static("Basic realm=\"sinch-contacts-emulator\""),
        );
        return response;
    }
    let grant_type = form_urlencoded::parse(request.body())
        .find(|(name, _)| name == "grant_type")
        .map(|(_, value)| value.into_owned());
    match grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(other) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!("grant_type `{other}` is not supported; use client_credentials"),
            );
        }
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "the form field grant_type is required",
            );
        }
    }
    let token = tokens.issue(config.token_lifetime);
    json_response(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "expires_in": config.token_lifetime.as_secs(),
            "token_type": "bearer",
            "scope": "",
        }),
    )
}

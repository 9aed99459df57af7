//! The request to the app: the raw body with the headers it was signed with, and the app's
//! answer (status, a few headers, body), or why there is none.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use sinch_contacts_callbacks::SignatureHeader;
use sinch_contacts_reqwest::reqwest;

use crate::error::{CliError, CliResult};
use crate::target::is_loopback;

/// The largest answer of the app passed on to the sender.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// How long the app has to answer.
const APP_TIMEOUT: Duration = Duration::from_secs(30);

/// The headers forwarded with the body: its type and the four signature headers, so that the
/// app verifies the delivery as the API sent it.
fn forwarded_headers() -> [&'static str; 5] {
    [
        "content-type",
        SignatureHeader::Signature.name(),
        SignatureHeader::Nonce.name(),
        SignatureHeader::Timestamp.name(),
        SignatureHeader::Algorithm.name(),
    ]
}

/// What the app answered.
#[derive(Debug)]
pub(super) struct Answer {
    /// Its status.
    pub status: StatusCode,
    /// Its `content-type` and `retry-after`, passed on to the sender.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Its body.
    pub body: Bytes,
}

/// The client that talks to the app at `url`: no redirect followed (the sender gets the app's
/// own status), no proxy for an app on this machine.
pub(super) fn client(url: &str) -> CliResult<reqwest::Client> {
    let build_error = |error: &dyn std::fmt::Display| {
        CliError::failure(format!("cannot build an HTTP client: {error}"))
    };
    let mut builder = sinch_contacts_reqwest::client_builder()
        .map_err(|error| build_error(&error))?
        .connect_timeout(Duration::from_secs(5))
        .timeout(APP_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none());
    if is_loopback(url) {
        builder = builder.no_proxy();
    }
    builder.build().map_err(|error| build_error(&error))
}

/// POSTs `body` with the forwarded ones of `headers` to `url`; the app's answer, or why there
/// is none (one line, without the URL).
pub(super) async fn send(
    client: &reqwest::Client,
    url: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Answer, String> {
    let mut request = client.post(url).body(body);
    for name in forwarded_headers() {
        for value in headers.get_all(name) {
            request = request.header(name, value.as_bytes());
        }
    }
    let mut response = request.send().await.map_err(|error| describe(&error))?;
    let status = StatusCode::from_u16(response.status().as_u16())
        .map_err(|_| format!("the app answered an invalid status {}", response.status()))?;
    let mut kept = Vec::new();
    for name in [header::CONTENT_TYPE, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(name.as_str())
            && let Ok(value) = HeaderValue::from_bytes(value.as_bytes())
        {
            kept.push((name, value));
        }
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|error| describe(&error))? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(format!(
                "the app's answer is larger than {MAX_ANSWER_BYTES} bytes"
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        headers: kept,
        body: Bytes::from(body),
    })
}

/// Why a request to the app failed, with its deepest cause (`Connection refused`), without the
/// URL (printed once, at the start).
fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        format!("the app did not answer within {} s", APP_TIMEOUT.as_secs())
    } else if error.is_connect() {
        "cannot connect to the app".to_owned()
    } else {
        "the request to the app failed".to_owned()
    };
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(error);
    let mut deepest = None;
    while let Some(next) = cause {
        deepest = Some(next.to_string());
        cause = next.source();
    }
    match deepest {
        Some(reason) => format!("{what}: {reason}"),
        None => what,
    }
}

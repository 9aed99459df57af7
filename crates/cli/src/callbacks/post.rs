//! Signing a body like the API does (a fresh nonce, the current time) and POSTing it to a
//! webhook: `callbacks send` and `callbacks trigger`; the HTTP client they use.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sinch_contacts_callbacks::signature_headers;
use sinch_contacts_reqwest::reqwest::{Client, StatusCode};

use crate::callbacks::nonce::new_nonce;
use crate::error::{CliError, CliResult};
use crate::target::is_loopback;

/// What the receiver answered to a signed body.
#[derive(Debug)]
pub struct Posted {
    /// The HTTP status.
    pub status: StatusCode,
    /// The nonce the body was signed with.
    pub nonce: String,
    /// The timestamp (Unix seconds) the body was signed with.
    pub timestamp: i64,
    /// The answer's body, as text (lossy).
    pub response: String,
}

/// Signs `body` with `secret` and POSTs it to `to` as `application/json`, with the four
/// signature headers; a receiver that cannot be reached is an error, any answer is not.
pub async fn post_signed(to: &str, secret: &[u8], body: &[u8]) -> CliResult<Posted> {
    let nonce = new_nonce();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| CliError::failure("the system clock is before 1970"))?
        .as_secs() as i64;
    let mut request = client_for(to)?
        .post(to)
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (name, value) in signature_headers(secret, body, &nonce, timestamp) {
        request = request.header(name, value);
    }
    let response = request.send().await.map_err(|error| {
        CliError::failure(format!("cannot post to {to}: {error}"))
            .hint("check --to and that a receiver is listening there")
    })?;
    let status = response.status();
    let response = response.text().await.unwrap_or_default();
    Ok(Posted {
        status,
        nonce,
        timestamp,
        response,
    })
}

/// An HTTP client for requests to `url`: a 30 s timeout, and no proxy when `url` names this
/// machine.
pub fn client_for(url: &str) -> CliResult<Client> {
    let mut client = sinch_contacts_reqwest::client_builder()
        .map_err(|error| CliError::failure(format!("cannot build an HTTP client: {error}")))?
        .timeout(Duration::from_secs(30));
    if is_loopback(url) {
        client = client.no_proxy();
    }
    client
        .build()
        .map_err(|error| CliError::failure(format!("cannot build an HTTP client: {error}")))
}

//! One attempt: the callback signed afresh and posted to the webhook's target over the webhook's
//! pool of keep-alive connections.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{Method, Request, Uri, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use sinch_contacts_callbacks::signature_headers;

use super::webhook::UNSENT_SCHEME;
use crate::ids::IdGenerator;
use crate::time::unix_seconds;

/// How long an idle pooled connection is kept.
const IDLE_CONNECTION_LIFETIME: Duration = Duration::from_secs(30);
/// The most of an answer's body read (and thrown away) so its connection can be reused.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Posts callbacks to one target, signed with one secret.
#[derive(Debug)]
pub(crate) struct Poster {
    uri: Uri,
    secret: String,
    attempt_timeout: Duration,
    client: Client<HttpConnector, Full<Bytes>>,
    /// Shared by every webhook of the emulator, so no two attempts carry the same nonce.
    nonces: Arc<Mutex<IdGenerator>>,
}

impl Poster {
    /// A poster keeping up to `pool_size` idle connections; `Err` with the reason when the
    /// target is not an absolute `http://` URL.
    pub(crate) fn new(
        target: &str,
        secret: &str,
        attempt_timeout: Duration,
        pool_size: usize,
        nonces: Arc<Mutex<IdGenerator>>,
    ) -> Result<Self, String> {
        let uri = match target.parse::<Uri>() {
            Ok(uri) if uri.scheme_str() == Some("http") && uri.host().is_some() => uri,
            Ok(uri) if uri.scheme_str() == Some("https") => {
                return Err(
                    "not sent: the emulator has no TLS client for https:// targets".to_owned(),
                );
            }
            Ok(uri) if uri.scheme_str() == Some(UNSENT_SCHEME) => {
                return Err(format!(
                    "not sent: {UNSENT_SCHEME}:// targets are never sent to"
                ));
            }
            _ => return Err("the target is not an absolute http:// URL".to_owned()),
        };
        // Connections (and the pool's idle timer) are tasks of the runtime the attempts run on:
        // the delivery runtime, which lives as long as the emulator.
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(IDLE_CONNECTION_LIFETIME)
            .pool_max_idle_per_host(pool_size)
            .build_http();
        Ok(Self {
            uri,
            secret: secret.to_owned(),
            attempt_timeout,
            client,
            nonces,
        })
    }

    /// One attempt: the answer's status, or why there was none.
    pub(crate) async fn post(&self, body: &Bytes) -> Result<u16, String> {
        let nonce = self
            .nonces
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next_id();
        let timestamp = unix_seconds(SystemTime::now());
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(self.uri.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::USER_AGENT, "sinch-contacts-emulator");
        for (name, value) in signature_headers(self.secret.as_bytes(), body, &nonce, timestamp) {
            builder = builder.header(name, value);
        }
        let request = builder
            .body(Full::new(body.clone()))
            .map_err(|error| format!("could not build the request: {error}"))?;
        let exchange = async {
            let response = self.client.request(request).await?;
            let status = response.status().as_u16();
            // Read the answer to its end so the connection goes back to the pool; one too long
            // or broken only costs the connection.
            let _ = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
                .collect()
                .await;
            Ok::<_, hyper_util::client::legacy::Error>(status)
        };
        match tokio::time::timeout(self.attempt_timeout, exchange).await {
            Ok(Ok(status)) => Ok(status),
            Ok(Err(error)) => Err(describe(&error)),
            Err(_) => Err(format!(
                "no answer within {} ms",
                self.attempt_timeout.as_millis()
            )),
        }
    }
}

/// The error and its causes on one line.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

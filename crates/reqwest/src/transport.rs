//! [`ReqwestTransport`]: the port's [`Transport`] over a `reqwest::Client`.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use sinch_contacts_port::{HttpRequest, HttpResponse, Transport, TransportError};

use crate::body_limit::{BodyError, read_body};
use crate::build_error::TransportBuildError;
use crate::builder::ReqwestTransportBuilder;
use crate::classify::classify;

/// A [`Transport`] that sends each request with a `reqwest::Client`.
///
/// It only moves bytes: every status is an `Ok` response, no redirect is
/// followed, and failures are classified as the port expects (see the crate
/// documentation). Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    timeout: Duration,
    max_response_bytes: usize,
}

impl ReqwestTransport {
    /// A transport with the default client, timeouts and size cap; see
    /// [`ReqwestTransportBuilder`].
    pub fn new() -> Result<Self, TransportBuildError> {
        Self::builder().build()
    }

    /// Starts configuring a transport.
    pub fn builder() -> ReqwestTransportBuilder {
        ReqwestTransportBuilder::default()
    }

    pub(crate) fn from_parts(
        client: reqwest::Client,
        timeout: Duration,
        max_response_bytes: usize,
    ) -> Self {
        Self {
            client,
            timeout,
            max_response_bytes,
        }
    }

    /// The whole-request timeout applied to each request.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest response body accepted, in bytes.
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }

    /// The underlying client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut request = reqwest::Request::try_from(request).map_err(TransportError::other)?;
        *request.timeout_mut() = Some(self.timeout);
        let requested_url = request.url().clone();
        let mut response = self.client.execute(request).await.map_err(classify)?;
        if response.url() != &requested_url {
            return Err(TransportError::other(RedirectFollowed {
                to: response.url().to_string(),
            }));
        }
        let body = read_body(&mut response, self.max_response_bytes)
            .await
            .map_err(|error| match error {
                BodyError::TooLarge(too_large) => TransportError::other(too_large),
                BodyError::Read(error) => classify(error),
            })?;
        let mut converted = http::Response::new(body);
        *converted.status_mut() = response.status();
        *converted.version_mut() = response.version();
        *converted.headers_mut() = std::mem::take(response.headers_mut());
        Ok(converted)
    }
}

/// A client passed in followed a redirect, which the port forbids (it could
/// send the request, credentials included, somewhere else).
#[derive(Debug)]
struct RedirectFollowed {
    to: String,
}

impl fmt::Display for RedirectFollowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the reqwest client followed a redirect to {}; build it with \
             redirect::Policy::none()",
            self.to
        )
    }
}

impl StdError for RedirectFollowed {}

//! [`ReqwestTransportBuilder`]: timeouts, response size cap and the client.

use std::time::Duration;

use rustls::pki_types::CertificateDer;

use crate::build_error::TransportBuildError;
use crate::tls::rustls_config;
use crate::transport::ReqwestTransport;

/// How long establishing a connection (TCP and TLS) may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a whole exchange (connect, send, headers and body) may take by
/// default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest response body accepted by default: 4 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// Builds a [`ReqwestTransport`]; see [`ReqwestTransport::builder`].
///
/// Defaults: [`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_TIMEOUT`],
/// [`DEFAULT_MAX_RESPONSE_BYTES`], and a client made by
/// [`client_builder`](crate::client_builder) (rustls with `ring`, the
/// platform's root certificates, no redirects).
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_reqwest::ReqwestTransport;
///
/// let transport = ReqwestTransport::builder()
///     .connect_timeout(Duration::from_secs(3))
///     .timeout(Duration::from_secs(15))
///     .max_response_bytes(1024 * 1024)
///     .build()?;
/// assert_eq!(transport.timeout(), Duration::from_secs(15));
/// # Ok::<(), sinch_contacts_reqwest::TransportBuildError>(())
/// ```
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until `.build()`"]
pub struct ReqwestTransportBuilder {
    client: Option<reqwest::Client>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    max_response_bytes: Option<usize>,
    extra_roots: Vec<CertificateDer<'static>>,
}

impl ReqwestTransportBuilder {
    /// Uses this client instead of building one. Its TLS, proxy, pool and
    /// redirect settings are kept; the transport still applies its own
    /// [`timeout`](Self::timeout) and [`max_response_bytes`](Self::max_response_bytes)
    /// to each request. It should not follow redirects: a response that
    /// arrives from another URL than the one requested is refused. Start from
    /// [`client_builder`](crate::client_builder) to keep this crate's TLS set-up.
    ///
    /// [`connect_timeout`](Self::connect_timeout) cannot be applied to a
    /// client that is already built; asking for both is a build error.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// How long establishing a connection (TCP and TLS) may take; a connect
    /// timeout is reported as [`TransportErrorKind::Connect`](sinch_contacts_port::TransportErrorKind::Connect)
    /// since nothing was sent. Default: [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long a whole exchange may take, from connecting to the last byte
    /// of the body. Default: [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The largest response body accepted, in bytes; a larger one is refused
    /// with [`ResponseTooLarge`](crate::ResponseTooLarge) without being
    /// buffered. Default: [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Trusts `certificate` (DER) as a root in addition to the platform's,
    /// e.g. the CA of a TLS-inspecting proxy or of a test server. Only for
    /// the client this crate builds; with [`client`](Self::client) it is a
    /// build error.
    pub fn add_root_certificate(mut self, certificate: CertificateDer<'static>) -> Self {
        self.extra_roots.push(certificate);
        self
    }

    /// Checks the settings and builds the transport.
    pub fn build(self) -> Result<ReqwestTransport, TransportBuildError> {
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        check_nonzero("timeout", timeout)?;
        check_nonzero("connect_timeout", connect_timeout)?;
        if max_response_bytes == 0 {
            return Err(TransportBuildError::InvalidSetting {
                setting: "max_response_bytes",
                reason: "must be at least 1 byte",
            });
        }
        let client = match self.client {
            Some(_) if self.connect_timeout.is_some() => {
                return Err(TransportBuildError::InvalidSetting {
                    setting: "connect_timeout",
                    reason: "cannot be applied to a client passed with `.client(..)`; \
                             set it on the reqwest::ClientBuilder instead",
                });
            }
            Some(_) if !self.extra_roots.is_empty() => {
                return Err(TransportBuildError::InvalidSetting {
                    setting: "add_root_certificate",
                    reason: "cannot be applied to a client passed with `.client(..)`; \
                             configure TLS on that client instead",
                });
            }
            Some(client) => client,
            None => preconfigured_builder(self.extra_roots)?
                .connect_timeout(connect_timeout)
                .timeout(timeout)
                .build()
                .map_err(TransportBuildError::Client)?,
        };
        Ok(ReqwestTransport::from_parts(
            client,
            timeout,
            max_response_bytes,
        ))
    }
}

fn check_nonzero(setting: &'static str, value: Duration) -> Result<(), TransportBuildError> {
    if value.is_zero() {
        return Err(TransportBuildError::InvalidSetting {
            setting,
            reason: "must be longer than zero",
        });
    }
    Ok(())
}

/// A `reqwest::ClientBuilder` set up as this crate's default client is:
/// rustls with the `ring` provider and the platform's root certificates
/// (no OpenSSL), HTTP/1.1, and no redirects followed. No timeouts are set
/// on it; add proxies, pool settings or a connect timeout, build it and pass
/// it to [`ReqwestTransportBuilder::client`].
///
/// Its TLS configuration is already built, so reqwest's own TLS settings
/// (`tls_certs_merge`, `tls_version_min`, ...) do not apply to it. For
/// another TLS set-up, pass your own `rustls::ClientConfig` (made with
/// [`rustls`](crate::rustls) and a crypto provider) to
/// `reqwest::ClientBuilder::tls_backend_preconfigured`.
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_reqwest::{client_builder, ReqwestTransport};
///
/// let client = client_builder()?
///     .connect_timeout(Duration::from_secs(2))
///     .pool_idle_timeout(Duration::from_secs(30))
///     .build()?;
/// let transport = ReqwestTransport::builder().client(client).build()?;
/// # let _ = transport;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn client_builder() -> Result<reqwest::ClientBuilder, TransportBuildError> {
    preconfigured_builder(Vec::new())
}

fn preconfigured_builder(
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<reqwest::ClientBuilder, TransportBuildError> {
    let tls = rustls_config(extra_roots).map_err(TransportBuildError::Tls)?;
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none()))
}

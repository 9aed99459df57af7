//! A [`Transport`](sinch_contacts_port::Transport) for the Sinch contacts
//! client built on [reqwest](https://docs.rs/reqwest), and a client
//! configured from environment variables.
//!
//! - TLS by rustls with the `ring` crypto provider and the platform's root
//!   certificates: no OpenSSL, no aws-lc, no cmake, no process-wide crypto
//!   provider installed.
//! - A connect timeout (default 10 s) and a whole-request timeout (default
//!   30 s), so a silent server cannot make a call hang forever.
//! - A cap on the response body (default 4 MiB), checked against
//!   `Content-Length` first and then while reading chunk by chunk: a larger
//!   body is refused with [`ResponseTooLarge`] instead of being buffered.
//! - No redirects followed, every HTTP status returned as a response.
//! - Failures classified as the port expects, including whether the request
//!   may have reached the server (which decides whether a create may be
//!   retried):
//!
//! | failure | [`TransportErrorKind`](sinch_contacts_port::TransportErrorKind) | may have been sent |
//! |---|---|---|
//! | DNS, connection refused, TLS handshake, connect timeout | `Connect` | no |
//! | whole-request timeout (waiting for headers or body) | `Timeout` | yes |
//! | reset, connection closed, truncated response | `Io` | yes |
//! | body above the cap ([`ResponseTooLarge`]), a redirect followed by a client passed in, a malformed response | `Other` | yes |
//!
//! Auth, retries, JSON and errors of the API stay in the
//! [`ContactsClient`](sinch_contacts_port::ContactsClient); this crate only
//! moves bytes.
//!
//! # Example
//!
//! ```no_run
//! use sinch_contacts_port::{Auth, ContactsClient, Region};
//! use sinch_contacts_reqwest::ReqwestTransport;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = ContactsClient::builder(ReqwestTransport::new()?, "my-project")
//!     .region(Region::Eu)
//!     .auth(Auth::oauth2("key-id", "key-secret"))
//!     .build()?;
//! let contact = client.get("01HXYZ...").await?;
//! println!("{:?}", contact.display_name);
//!
//! // Or from SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET, SINCH_REGION
//! // (or SINCH_BASE_URL), SINCH_AUTH and SINCH_TOKEN_URL:
//! let client = sinch_contacts_reqwest::from_env()?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```
//!
//! The project's `docs/reqwest.md` explains the defaults and decisions.
#![forbid(unsafe_code)]

mod body_limit;
mod build_error;
mod builder;
mod classify;
mod env;
mod env_error;
mod tls;
mod transport;

/// The reqwest version this crate is built on, for building a client to
/// pass to [`ReqwestTransportBuilder::client`].
pub use reqwest;
/// The rustls version reqwest uses here, for
/// [`ReqwestTransportBuilder::add_root_certificate`] and custom TLS set-ups.
pub use rustls;

pub use body_limit::ResponseTooLarge;
pub use build_error::TransportBuildError;
pub use builder::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, ReqwestTransportBuilder,
    client_builder,
};
pub use env::{EnvConfig, from_env, from_env_with};
pub use env_error::EnvError;
pub use transport::ReqwestTransport;

/// The names of the environment variables read by [`from_env`] and
/// [`EnvConfig`].
pub mod vars {
    pub use crate::env::{AUTH, BASE_URL, KEY_ID, KEY_SECRET, PROJECT_ID, REGION, TOKEN_URL};
}

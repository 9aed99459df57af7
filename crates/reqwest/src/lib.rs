#![doc = include_str!("../README.md")]
//!
//! # Failures
//!
//! Each failure is classified as the port expects, with whether the request may have reached
//! the server:
//!
//! | failure | [`TransportErrorKind`](sinch_contacts_port::TransportErrorKind) | may have been sent |
//! |---|---|---|
//! | DNS, connection refused, TLS handshake, connect timeout | `Connect` | no |
//! | whole-request timeout (waiting for headers or body) | `Timeout` | yes |
//! | reset, connection closed, truncated response | `Io` | yes |
//! | body above the cap ([`ResponseTooLarge`]), a redirect followed by a client passed in, a malformed response | `Other` | yes |
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

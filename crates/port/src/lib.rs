//! Transport-agnostic client for the Sinch Conversation API **contacts**
//! domain.
//!
//! Bring any HTTP stack by implementing one trait, [`Transport`]; the
//! [`ContactsClient`] adds everything above moving bytes: URLs and
//! percent-encoding, credentials (HTTP Basic or OAuth2 client credentials
//! with a shared, single-flight token cache), retries that never repeat a
//! request that may have created something, pagination as a
//! [`Stream`](futures_core::Stream), and one [`Error`] type.
//!
//! Every operation is a pair of pure functions (see [`Operation`](operations::Operation)): `build`
//! turns typed input into an [`HttpRequest`] and `parse` turns an
//! [`HttpResponse`] into a typed result, so both are testable without I/O.
//!
//! # Retry safety
//!
//! | request | 429 | 5xx (not 501) | timeout / I/O error | connect error |
//! |---|---|---|---|---|
//! | `GET`, `DELETE` | retried | retried | retried | retried |
//! | `POST`, `PATCH` | retried | **not** retried | **not** retried | retried |
//!
//! A create or merge is repeated only when the first attempt provably did
//! nothing (no connection, or refused with 429), so a retry never creates a
//! contact twice.
//!
//! # Features
//!
//! - `tokio` (default): [`TokioSleep`] as the default sleeper for back-off.
//! - `test-util`: an in-memory `FakeTransport` and request rendering helpers.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api_error;
mod auth;
mod client;
mod config;
mod decode_error;
mod encode;
mod error;
mod execute;
pub mod operations;
mod request;
mod retry;
mod runtime;
mod transport;
mod transport_error;
mod validation;

#[cfg(feature = "test-util")]
pub mod test_util;

pub use auth::{Auth, AuthError, DEFAULT_TOKEN_URL, Secret};
pub use client::{ContactsClient, ContactsClientBuilder};
pub use config::{ConfigError, Endpoint, Region};
pub use error::{ApiError, BuildError, DecodeError, Error, ErrorDetail, ValidationError};
pub use request::USER_AGENT_VALUE;
pub use retry::RetryPolicy;
#[cfg(feature = "tokio")]
pub use runtime::TokioSleep;
pub use runtime::{Clock, FixedJitter, Jitter, RandomJitter, Sleep, SleepFuture, SystemClock};
pub use transport::{HttpRequest, HttpResponse, Transport, TransportFn, transport_fn};
pub use transport_error::{TransportError, TransportErrorKind};

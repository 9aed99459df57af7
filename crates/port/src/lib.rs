#![doc = include_str!("../README.md")]
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
//! contact twice. To get past an ambiguous failure (a timeout or a 5xx after
//! the server may have created the contact), give the contact an
//! `external_id` and use [`ContactsClient::create_safe`]: it looks the
//! contact up before creating again.
//!
//! # Bulk runs
//!
//! [`Bulk`] runs many independent operations (any `async` closure over the
//! client, or [`Bulk::create_safe`] for creates) as fast as the server's
//! quota allows: an AIMD concurrency limit and a pacing rate (none until
//! 429s show a quota, then learnt from them and from what was served, under
//! an optional `max_rate`), retries scheduled by the run with
//! jitter over `Retry-After` (a job waiting for its retry holds no place in
//! flight), only what the table above allows repeated, and one [`Stopped`]
//! error when a systemic failure (credentials, an unreachable server) ends
//! the run. See the [`bulk`] module for the algorithm and an example.
//! [`Bulk::list_contacts`] lists every contact through such a run.
//!
//! # Sync
//!
//! The [`sync`] module applies a sync plan (the model crate's
//! [`plan`](sinch_contacts_model::plan), from a source of truth and the
//! current contacts) through a [`Bulk`] runner, stage by stage in the
//! plan's [`apply_order`](sinch_contacts_model::apply_order), with one
//! outcome per change.
//!
//! # Testing without a server
//!
//! With the `test-util` feature, `test_util::FakeTransport` answers queued responses and keeps
//! the requests it was sent:
//!
//! ```
//! use futures_util::TryStreamExt;
//! use sinch_contacts_model::ListContactsQuery;
//! use sinch_contacts_port::test_util::FakeTransport;
//! use sinch_contacts_port::{Auth, ContactsClient, Region};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let transport = FakeTransport::new(); // any `Transport`: reqwest, hyper, ureq, ...
//! transport.push_json(200, r#"{"contacts":[{"id":"01A"}],"next_page_token":"p2"}"#);
//! transport.push_json(200, r#"{"contacts":[{"id":"01B"}],"next_page_token":""}"#);
//!
//! let client = ContactsClient::builder(transport.clone(), "my-project")
//!     .region(Region::Eu)
//!     .auth(Auth::basic("key-id", "key-secret"))
//!     .build()?;
//! let contacts: Vec<_> = client.list_all(ListContactsQuery::new()).try_collect().await?;
//! assert_eq!(contacts.len(), 2);
//! assert_eq!(transport.request_count(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! The project's `docs/transport.md` explains how to write a transport
//! (with `examples/custom_transport.rs`, a ureq-based one) and
//! `docs/port.md` the design of the client.
//!
//! # Tracing
//!
//! With the `tracing` feature: one `sinch_contacts.operation` span per call (at `INFO`) with
//! the fields `operation` (such as `get_contact`), `project_id`, `attempts`, `http.status` (of
//! the last answer), `retry_reasons` (`429`, `503`, `timeout`, `token_expired`, ...
//! comma-separated) and `error` (the [`Error`] variant, when it failed); a `sinch_contacts.token`
//! span (at `DEBUG`) per OAuth2 token request; a `sinch_contacts.create_safe` span (at `INFO`)
//! around a safe create; and a `retrying` event (at `DEBUG`) before each retry. No field ever
//! holds a header, credential, token or body.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api_error;
mod auth;
pub mod bulk;
mod client;
mod config;
mod decode_error;
mod effects;
mod encode;
mod error;
mod execute;
pub mod operations;
#[cfg(feature = "tokio")]
mod precise_timer;
mod request;
mod retry;
mod runtime;
pub mod sync;
#[cfg(feature = "tracing")]
mod trace;
mod transport;
mod transport_error;
mod validation;

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

pub use auth::{Auth, AuthError, DEFAULT_TOKEN_URL, MAX_TOKEN_LIFETIME, Secret};
pub use bulk::{
    Attempt, Bulk, BulkOptions, BulkRun, CreateJob, JobError, JobErrorKind, JobResult,
    ListingError, StopReason, Stopped,
};
pub use client::{
    ContactsClient, ContactsClientBuilder, DEFAULT_MAX_CONSECUTIVE_EMPTY_PAGES, PaginationError,
    SafeCreateOptions, SafeCreateOutcome, SafeCreated,
};
pub use config::{ConfigError, Endpoint, Region};
pub use error::{
    ApiError, BuildError, DecodeError, Error, ErrorDetail, InvalidIdError, ValidationError,
};
pub use request::USER_AGENT_VALUE;
pub use retry::RetryPolicy;
pub use runtime::{Clock, FixedJitter, Jitter, RandomJitter, Sleep, SleepFuture, SystemClock};
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub use runtime::{PreciseSleep, TokioSleep};
pub use transport::{HttpRequest, HttpResponse, Transport, TransportFn, transport_fn};
pub use transport_error::{TransportError, TransportErrorKind};

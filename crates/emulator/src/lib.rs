#![doc = include_str!("../README.md")]
//!
//! # What it does
//!
//! It serves the contacts operations under `/v1/projects/{project_id}/`. It authenticates like
//! the API (HTTP Basic with the key, or bearer tokens from the OAuth2 client-credentials
//! endpoint at `/oauth2/token`, which expire), signs and delivers callbacks to registered
//! webhooks on a thread of its own, with a bounded queue, a bounded number of deliveries in
//! flight per webhook and retries ([`Emulator::register_webhook`], [`Emulator::deliveries`],
//! [`Emulator::delivery_stats`]), can inject inbound messages ([`Emulator::inject_inbound`])
//! and the OPT_IN / OPT_OUT notifications of channels with native opt-out
//! ([`Emulator::inject_opt_out`]), deliver a callback body of your own to the webhooks
//! subscribed to its trigger ([`Emulator::inject_callback`]),
//! can limit the project's request rate with a token bucket ([`RateLimit`]: 429 with an honest
//! `Retry-After` beyond it) and injects faults drawn from a seed ([`FaultSpec`]): 503s, 429s
//! with `Retry-After`, latency, and connections dropped before or after the request is applied.
//!
//! # Over HTTP on loopback
//!
//! ```
//! use std::time::Duration;
//! use sinch_contacts_emulator::{Emulator, FaultSpec};
//! use sinch_contacts_port::{Auth, ContactsClient};
//!
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! let emulator = Emulator::builder()
//!     .token_lifetime(Duration::from_secs(300))
//!     .faults("429=0.2".parse::<FaultSpec>()?)
//!     .seed(7)
//!     .build();
//! let server = emulator.serve("127.0.0.1:0".parse()?).await?;
//! let base_url = server.base_url(); // http://127.0.0.1:<port>
//! // Any HTTP stack can now call `{base_url}/v1/projects/emulator-project/contacts`, with a
//! // token from `{base_url}/oauth2/token`.
//! # let _ = base_url;
//! server.shutdown().await;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! Where it departs from the real service, and why, is in the project's `docs/emulator.md`.
#![forbid(unsafe_code)]

// From the top down: the public face, the request dispatch, the handlers, the shared state and
// below it the plain parts. A module imports only modules below it.
mod builder;
mod emulator;
mod server;
mod transport;

mod dispatch;

mod admin;
mod api;
mod auth;

mod shared;

mod consent;
mod inbound;
mod injected_callback;
mod state;
mod webhooks;

mod body;
mod config;
mod connections;
mod event_clock;
mod failure;
mod faults;
mod ids;
mod page_token;
mod rate_limit;
mod rate_limit_spec;
mod rate_limiter;
mod request_counts;
mod rng;
mod router;
mod store;
mod time;
mod token_bucket;
mod tokens;

pub use builder::EmulatorBuilder;
pub use config::{
    DEFAULT_APP_ID, DEFAULT_KEY_ID, DEFAULT_KEY_SECRET, DEFAULT_MAX_IN_FLIGHT, DEFAULT_PROJECT_ID,
    DEFAULT_QUEUE_CAPACITY, DEFAULT_TOKEN_LIFETIME, DeliveryPolicy,
};
pub use connections::{
    BodyError, ConnectionLimits, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS, RequestBody, serve_connections,
};
pub use consent::{OptChange, OptInjected};
pub use emulator::Emulator;
pub use faults::{FaultCounts, FaultKind, FaultSpec, FaultSpecError};
pub use inbound::{InboundMessage, Injected};
pub use injected_callback::{CallbackError, CallbackInjected, NotQueued};
pub use rate_limit::RateLimit;
pub use rate_limit_spec::{RateLimitSpecError, RateLimitSpecErrorKind};
pub use rate_limiter::RateLimitCounts;
pub use request_counts::ApiRequestCounts;
pub use server::RunningEmulator;
pub use transport::EmulatorTransport;
pub use webhooks::{
    Delivery, DeliveryStats, UNSENT_SCHEME, WEBHOOK_TARGET_MAX_CHARS, Webhook, WebhookError,
};

//! Receive Sinch Conversation API callbacks: verify, parse, act on opt-outs, keep a contact
//! mirror.
//!
//! ```
//! use sinch_contacts_callbacks::{Event, Verifier, parse, signature_headers};
//! use std::time::{Duration, UNIX_EPOCH};
//!
//! // What the API sends: a raw body and four signature headers.
//! let body = br#"{"app_id":"app","project_id":"proj","accepted_time":"2024-06-15T14:00:00Z",
//!   "contact_create_notification":{"contact":{"id":"c1","display_name":"Ada"}}}"#;
//! let headers = signature_headers(b"secret", body, "nonce-1", 1_718_460_000);
//!
//! // Verify first (raw bytes, constant time, timestamp tolerance), then parse.
//! let verifier = Verifier::new("secret")
//!     .with_clock(|| UNIX_EPOCH + Duration::from_secs(1_718_460_010));
//! let verified = verifier.verify(&headers, body).unwrap();
//! let callback = parse(&verified).unwrap();
//! assert_eq!(callback.trigger().as_str(), "CONTACT_CREATE");
//! let Event::ContactCreate(created) = &callback.event else { unreachable!() };
//! assert_eq!(created.contact.display_name.as_deref(), Some("Ada"));
//! ```
//!
//! # Crate organization
//!
//! - [`verify`]: [`Verifier`] checks the `x-sinch-webhook-signature*` headers against the raw
//!   body ([`HeaderSource`] abstracts the header map), with several secrets, a timestamp
//!   tolerance and an optional [`ReplayGuard`]; [`sign`] and [`signature_headers`] sign test
//!   bodies.
//! - [`parse`] / [`parse_unverified`]: raw bytes to a [`Callback`] (envelope + one typed
//!   [`Event`] per trigger, [`Event::Unknown`] for the rest); [`ParseError`] keeps the bytes and
//!   the JSON path.
//! - [`parse_route`] / [`parse_route_unverified`]: for receivers that only dispatch, a
//!   [`Route`] with the envelope and the trigger typed and the notification kept as raw text
//!   until [`Route::event`] or [`Route::to_callback`] asks for it.
//! - [`events`]: the event types; contacts reuse the model crate's [`Contact`],
//!   [`ChannelIdentity`] and [`ConversationChannel`].
//! - [`optout`]: keyword classification of inbound texts and a suppression list.
//! - [`mirror`]: a contact mirror kept from contact callbacks.
//! - [`store`]: the [`store::CallbackStore`] interface for durable state (suppression list,
//!   mirror, ledger of applied deliveries) and its in-memory implementation.
//! - `axum_handler` (feature `axum`): a webhook endpoint for axum.
//!
//! Features: `http` implements [`HeaderSource`] for `http::HeaderMap`; `axum` (implies `http`)
//! adds the endpoint; `tracing` makes the endpoint log refused requests and handler failures.
//! The core API uses no HTTP types. `jiff`, `time` and `chrono` add conversions between
//! [`Timestamp`] and those crates' instants (`SystemTime` needs no feature).
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum_handler;
mod contact_types;
mod duplicates;
pub mod events;
mod excerpt;
mod fast;
pub mod mirror;
pub mod optout;
mod parse;
mod quick_scan;
mod raw_json;
mod route;
mod serde_util;
pub mod store;
mod timestamp;
pub mod verify;

pub use contact_types::{ChannelIdentity, Contact, ConversationChannel};
pub use events::*;
pub use parse::{ParseError, ParseErrorKind, parse, parse_unverified};
pub use raw_json::{RawJson, RawJsonError};
pub use route::{Route, parse_route, parse_route_unverified};
pub use timestamp::{Timestamp, TimestampError, TimestampRangeError};
pub use verify::{
    HeaderSource, NonceProblem, ReplayGuard, SignatureHeader, VerifiedPayload, Verifier,
    VerifyError, sign, signature_headers,
};

#![doc = include_str!("../README.md")]
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
//! The features are listed above (on docs.rs, the items they add are marked with the feature
//! they need). The core API uses no HTTP types.
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

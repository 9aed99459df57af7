//! Receive Sinch Conversation API callbacks: verify, parse, act on opt-outs, keep a contact
//! mirror.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum_handler;
mod contact_types;
pub mod events;
pub mod mirror;
mod open_enum;
pub mod optout;
mod parse;
mod raw_json;
mod serde_util;
mod timestamp;
pub mod verify;

pub use contact_types::{ChannelIdentity, Contact, ConversationChannel};
pub use events::*;
pub use parse::{ParseError, ParseErrorKind, parse, parse_unverified};
pub use raw_json::{RawJson, RawJsonError};
pub use timestamp::{Timestamp, TimestampError};
pub use verify::{
    HeaderSource, ReplayGuard, SignatureHeader, VerifiedPayload, Verifier, VerifyError, sign,
    signature_headers,
};

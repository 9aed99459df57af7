//! Wire types and pure domain logic for the Sinch Conversation API contacts domain.
#![forbid(unsafe_code)]

#[rustfmt::skip]
mod generated;

pub use generated::*;

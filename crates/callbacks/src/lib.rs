//! Placeholder: replaced by the crate's implementation.
#![forbid(unsafe_code)]

//! Integration tests of the port crate, run against `FakeTransport`.

mod auth;
mod bulk;
mod contacts;
mod errors;
mod extras;
mod hardening;
mod laws;
mod listing;
mod matrix;
mod pagination;
mod pure;
mod retries;
mod safe_create;
mod secrets;
mod snapshots;
mod support;
mod token_expiry;
mod transport;

//! The end-to-end suite: the client and the reqwest adapter against the emulator over HTTP on
//! 127.0.0.1, callbacks into the axum receiver, configuration from the environment, and a run
//! with injected faults.

mod auth;
mod callbacks;
mod env;
mod faults;
mod operations;
mod support;

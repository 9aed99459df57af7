//! End-to-end pieces shared by the suite's tests and benchmarks: the emulator served on
//! loopback with clients over the reqwest adapter ([`loopback`]), a webhook receiver built on the
//! callbacks crate's axum handler ([`receiver`]), and the fault run's seed ([`seed`]).
//!
//! Nothing here reaches beyond 127.0.0.1. The suite itself lives in `tests/it/`, the benchmark
//! in `benches/list_all.rs`; `docs/e2e.md` says what they cover and how to replay a fault run.
#![forbid(unsafe_code)]

pub mod loopback;
pub mod receiver;
pub mod seed;

/// The error type of the helpers: anything that went wrong setting up a run.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

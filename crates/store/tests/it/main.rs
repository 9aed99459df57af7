//! Integration tests of the store backends.

mod abandoned;
mod concurrency;
mod crash;
mod differential;
mod endpoint;
#[cfg(feature = "postgres")]
mod refused_write;
mod sqlite_file;
mod suite;
mod support;

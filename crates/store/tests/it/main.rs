//! Integration tests of the store backends.

mod abandoned;
mod concurrency;
mod crash;
mod differential;
mod endpoint;
mod live_contacts;
#[cfg(feature = "postgres")]
mod postgres_writes;
mod sqlite_file;
mod suite;
mod support;

//! Integration tests of the store backends.

mod abandoned;
mod concurrency;
mod crash;
mod differential;
mod endpoint;
mod sqlite_file;
mod suite;
mod support;

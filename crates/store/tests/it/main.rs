//! Integration tests of the store backends.

mod concurrency;
mod crash;
mod differential;
mod endpoint;
mod sqlite_file;
mod suite;
mod support;

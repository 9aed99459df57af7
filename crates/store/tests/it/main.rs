//! Integration tests of the store backends.

mod differential;
mod sqlite_file;
mod suite;
mod support;

//! Integration tests of the store backends.

mod sqlite_file;
mod suite;
mod support;

//! Integration tests of the callbacks crate (one test binary).

mod conformance;
mod mirror;
mod parse_fixtures;
mod parse_properties;
mod signatures;
mod support;
mod suppression;

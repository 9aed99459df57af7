//! Integration tests of the callbacks crate (one test binary).

#[cfg(feature = "axum")]
mod axum_endpoint;
#[cfg(feature = "axum")]
mod axum_properties;
mod conformance;
mod duplicate_members;
mod error_text;
mod hostile_input_properties;
mod mirror;
mod parse_differential;
mod parse_fixtures;
mod parse_properties;
mod signatures;
mod state_properties;
mod store_effect;
mod support;
mod suppression;

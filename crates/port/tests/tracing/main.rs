//! The `tracing` feature's spans, in a test binary of their own: whether a call site is enabled
//! is cached for the whole process, so a test here, which sets a subscriber for its own thread,
//! must not share the process with tests that run the same call sites on other threads with no
//! subscriber (in the main test binary, a cached "never" hid these spans in most runs).

#[allow(dead_code)]
#[path = "../it/support.rs"]
mod support;
mod tracing_spans;

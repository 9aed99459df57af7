//! Cursor tests.

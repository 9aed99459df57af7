//! Errors of [`Timestamp`](super::Timestamp) parsing and conversions.

use std::fmt;

use crate::excerpt::{Quoted, bound_message};

/// Why a string is not a timestamp.
///
/// Its text quotes at most 64 characters of the input (with a marker when cut) and its
/// [`Debug`](fmt::Debug) shows the input's length, so a huge value cannot flood a log;
/// [`TimestampError::input`] keeps the whole input.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {}: {reason}", Quoted(input))]
pub struct TimestampError {
    input: String,
    reason: String,
}

impl fmt::Debug for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimestampError")
            .field("input", &format_args!("{}", Quoted(&self.input)))
            .field("input_len", &self.input.len())
            .field("reason", &self.reason)
            .finish()
    }
}

impl TimestampError {
    /// The reason is bounded like every other error text of this crate: a parser's message
    /// may quote the rest of the input, which can be a whole body value.
    pub(crate) fn new(input: &str, reason: impl Into<String>) -> Self {
        Self {
            input: input.to_owned(),
            reason: bound_message(&reason.into()),
        }
    }

    /// The rejected text.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// What is wrong with it, such as `the 'month' component could not be parsed` or
    /// `unexpected "junk" at byte 20`.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// An instant outside the years 0000 to 9999 (UTC), which RFC 3339 cannot write and a
/// [`Timestamp`](super::Timestamp) therefore does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "instant {unix_seconds}.{nanos:09} s from the Unix epoch is outside \
     0000-01-01T00:00:00Z..=9999-12-31T23:59:59.999999999Z"
)]
pub struct TimestampRangeError {
    unix_seconds: i128,
    nanos: u32,
}

impl TimestampRangeError {
    pub(crate) fn new(unix_seconds: i128, nanos: u32) -> Self {
        Self {
            unix_seconds,
            nanos,
        }
    }

    /// Whole seconds of the rejected instant since the Unix epoch (negative before 1970).
    pub fn unix_seconds(&self) -> i128 {
        self.unix_seconds
    }

    /// Nanoseconds within that second.
    pub fn nanos(&self) -> u32 {
        self.nanos
    }
}

//! [`Timestamp`]: an instant in UTC with nanosecond precision, read from and written as
//! RFC 3339 by the `time` crate.
//!
//! Callbacks carry times such as `2020-11-17T16:05:51.724083Z`, but real deliveries also show
//! nine fractional digits (`2024-06-06T14:42:42.379863404Z`), and other SDKs accept a missing
//! offset. This type accepts all of these and keeps the instant; the shapes the API sends are
//! written back unchanged.

mod convert;
mod error;
mod rfc3339;

use std::fmt;
use std::time::SystemTime;

pub use error::{TimestampError, TimestampRangeError};

/// Seconds of 0000-01-01T00:00:00Z, the earliest instant RFC 3339 can write.
const MIN_SECONDS: i64 = -62_167_219_200;
/// Seconds of 9999-12-31T23:59:59Z, the last whole second RFC 3339 can write.
const MAX_SECONDS: i64 = 253_402_300_799;

/// An instant in UTC, with nanosecond precision, between 0000-01-01T00:00:00Z and
/// 9999-12-31T23:59:59.999999999Z (what RFC 3339 can write).
///
/// Parsing ([`Timestamp::parse`], serde) accepts RFC 3339 (`T` or `t`, `Z` or `z` or `±HH:MM`,
/// a fraction of any length of which nine digits count, a leap second `23:59:60` at the end of a
/// UTC month read as `23:59:59.999999999`) and, beside it, the shapes some senders use: a space
/// between date and time, no offset (read as UTC), `±HHMM` and `±HH` offsets. The offset is
/// folded into the instant.
///
/// Formatting ([`Display`](fmt::Display), serde) writes UTC with `Z` and 0, 3, 6 or 9 fractional
/// digits (the fewest that hold the nanoseconds), which parses back to the same instant. So the
/// shape the API sends (`Z`, 0, 3, 6 or 9 digits, no trailing zero group) is written back
/// exactly as received; other shapes (an offset, `t`, a missing `Z`, other digit counts) are
/// written in that shape, at the same instant. Equality, ordering and hashing are the instant's.
///
/// Conversions: `SystemTime` always; `time::OffsetDateTime` / `time::UtcDateTime` (feature
/// `time`) and `chrono::DateTime<Utc>` (feature `chrono`), infallible towards those types;
/// `jiff::Timestamp` (feature `jiff`) by [`TryFrom`], since jiff's range ends on
/// 9999-12-30T22:00:00.999999999Z; [`TryFrom`] back from each (an instant outside the years
/// 0000 to 9999 is a [`TimestampRangeError`]).
///
/// ```
/// use sinch_contacts_callbacks::Timestamp;
///
/// let t = Timestamp::parse("2024-06-06T14:42:42.379863404Z").unwrap();
/// assert_eq!(t.nanos(), 379_863_404);
/// assert_eq!(t.to_string(), "2024-06-06T14:42:42.379863404Z");
/// let shifted = Timestamp::parse("2024-06-06T16:42:42.379863404+02:00").unwrap();
/// assert_eq!(shifted, t);
/// assert_eq!(Timestamp::parse("2020-11-17T16:05:45").unwrap().to_string(), "2020-11-17T16:05:45Z");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

impl Timestamp {
    /// The Unix epoch.
    pub const UNIX_EPOCH: Self = Self::from_instant(0, 0);
    /// 0000-01-01T00:00:00Z, the earliest timestamp.
    pub const MIN: Self = Self::from_instant(MIN_SECONDS, 0);
    /// 9999-12-31T23:59:59.999999999Z, the latest timestamp.
    pub const MAX: Self = Self::from_instant(MAX_SECONDS, 999_999_999);

    const fn from_instant(seconds: i64, nanos: u32) -> Self {
        Self { seconds, nanos }
    }

    /// A timestamp from seconds since the Unix epoch and nanoseconds, saturating: `nanos` is
    /// capped at 999 999 999 and an instant outside the years 0000 to 9999 becomes
    /// [`MIN`](Self::MIN) or [`MAX`](Self::MAX). [`try_from_unix`](Self::try_from_unix)
    /// refuses instead.
    pub fn from_unix(seconds: i64, nanos: u32) -> Self {
        let nanos = nanos.min(999_999_999);
        Self::try_from_unix(seconds, nanos).unwrap_or(if seconds < 0 {
            Self::MIN
        } else {
            Self::MAX
        })
    }

    /// A timestamp from seconds since the Unix epoch and nanoseconds within the second.
    ///
    /// # Errors
    /// [`TimestampRangeError`] when `nanos` is 1 000 000 000 or more or the instant is outside
    /// the years 0000 to 9999.
    pub fn try_from_unix(seconds: i64, nanos: u32) -> Result<Self, TimestampRangeError> {
        if nanos < 1_000_000_000 && (MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            Ok(Self::from_instant(seconds, nanos))
        } else {
            Err(TimestampRangeError::new(i128::from(seconds), nanos))
        }
    }

    /// Seconds since the Unix epoch (negative before 1970).
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds within the second.
    pub fn nanos(&self) -> u32 {
        self.nanos
    }

    /// The same instant as a [`SystemTime`]. Every timestamp fits the `SystemTime` of Unix-like
    /// systems; where `SystemTime` is narrower (Windows starts in 1601) an earlier instant gives
    /// the Unix epoch, and `SystemTime::try_from` says so instead.
    pub fn to_system_time(&self) -> SystemTime {
        SystemTime::try_from(*self).unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// The instant of a [`SystemTime`], saturating at [`MIN`](Self::MIN) and
    /// [`MAX`](Self::MAX); `Timestamp::try_from(time)` refuses instead.
    pub fn from_system_time(time: SystemTime) -> Self {
        Self::try_from(time).unwrap_or_else(|error| {
            if error.unix_seconds() < 0 {
                Self::MIN
            } else {
                Self::MAX
            }
        })
    }

    /// Parses RFC 3339 text tolerantly (see the type docs).
    ///
    /// # Errors
    /// [`TimestampError`] naming the input and what is wrong with it.
    pub fn parse(input: &str) -> Result<Self, TimestampError> {
        let (seconds, nanos) =
            rfc3339::parse(input).map_err(|reason| TimestampError::new(input, reason))?;
        Self::try_from_unix(seconds, nanos).map_err(|_| {
            TimestampError::new(
                input,
                "the instant in UTC is outside the years 0000 to 9999",
            )
        })
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buffer = [0; 40];
        // Every timestamp is within the years 0000 to 9999, which `format` always writes.
        let text = rfc3339::format((self.seconds, self.nanos), &mut buffer).ok_or(fmt::Error)?;
        f.write_str(text)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;
        impl serde::de::Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp string")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Timestamp, E> {
                Timestamp::parse(value).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(TimestampVisitor)
    }
}

#[cfg(test)]
mod tests;

//! Conversions between [`Timestamp`] and the time types users already have: `SystemTime`
//! always, `jiff`, `time` and `chrono` behind features of the same names.
//!
//! Towards `SystemTime` (on Unix-like systems), `time` and `chrono` the conversion cannot fail,
//! since each covers at least the years 0000 to 9999; `jiff`'s timestamps end 26 hours earlier,
//! so that one is `TryFrom`. Back, an instant outside those years is a [`TimestampRangeError`].

use std::time::{Duration, SystemTime};

use super::{Timestamp, TimestampRangeError};

impl TryFrom<SystemTime> for Timestamp {
    type Error = TimestampRangeError;

    fn try_from(time: SystemTime) -> Result<Self, Self::Error> {
        let (seconds, nanos) = match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => (i128::from(after.as_secs()), after.subsec_nanos()),
            Err(before) => {
                // Floor towards the past: 0.25 s before the epoch is second -1, nanos 750 000 000.
                let before = before.duration();
                let seconds = -i128::from(before.as_secs());
                match before.subsec_nanos() {
                    0 => (seconds, 0),
                    nanos => (seconds - 1, 1_000_000_000 - nanos),
                }
            }
        };
        i64::try_from(seconds)
            .ok()
            .and_then(|seconds| Self::try_from_unix(seconds, nanos).ok())
            .ok_or(TimestampRangeError::new(seconds, nanos))
    }
}

impl TryFrom<Timestamp> for SystemTime {
    type Error = TimestampRangeError;

    /// Fails only where `SystemTime` cannot hold the instant (before 1601 on Windows).
    fn try_from(timestamp: Timestamp) -> Result<Self, Self::Error> {
        let out_of_range =
            || TimestampRangeError::new(i128::from(timestamp.seconds), timestamp.nanos);
        let whole = Duration::from_secs(timestamp.seconds.unsigned_abs());
        let second = if timestamp.seconds >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(whole)
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(whole)
        };
        second
            .and_then(|second| second.checked_add(Duration::from_nanos(u64::from(timestamp.nanos))))
            .ok_or_else(out_of_range)
    }
}

/// The instant of a `Timestamp` for a type whose range covers the years 0000 to 9999; the
/// fallback (the type's own bound) is never taken for a valid timestamp.
#[cfg(any(feature = "time", feature = "chrono"))]
fn covered<T>(converted: Option<T>, timestamp: &Timestamp, min: T, max: T) -> T {
    converted.unwrap_or(if timestamp.seconds < 0 { min } else { max })
}

#[cfg(feature = "jiff")]
mod with_jiff {
    use super::{Timestamp, TimestampRangeError};

    #[cfg_attr(docsrs, doc(cfg(feature = "jiff")))]
    impl TryFrom<Timestamp> for jiff::Timestamp {
        type Error = TimestampRangeError;

        /// Fails after 9999-12-30T22:00:00.999999999Z, where jiff's timestamps end (26 hours
        /// before RFC 3339's).
        fn try_from(timestamp: Timestamp) -> Result<Self, Self::Error> {
            i32::try_from(timestamp.nanos)
                .ok()
                .and_then(|nanos| Self::new(timestamp.seconds, nanos).ok())
                .ok_or(TimestampRangeError::new(
                    i128::from(timestamp.seconds),
                    timestamp.nanos,
                ))
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "jiff")))]
    impl TryFrom<jiff::Timestamp> for Timestamp {
        type Error = TimestampRangeError;

        fn try_from(timestamp: jiff::Timestamp) -> Result<Self, Self::Error> {
            // jiff gives a negative fraction before the epoch: -0.25 s is (0, -250 000 000).
            let total = timestamp.as_nanosecond();
            let seconds = total.div_euclid(1_000_000_000);
            let nanos = u32::try_from(total.rem_euclid(1_000_000_000)).unwrap_or(0);
            i64::try_from(seconds)
                .ok()
                .and_then(|seconds| Self::try_from_unix(seconds, nanos).ok())
                .ok_or(TimestampRangeError::new(seconds, nanos))
        }
    }
}

#[cfg(feature = "time")]
mod with_time {
    use super::{Timestamp, TimestampRangeError, covered};

    #[cfg_attr(docsrs, doc(cfg(feature = "time")))]
    impl From<Timestamp> for time::UtcDateTime {
        fn from(timestamp: Timestamp) -> Self {
            let converted = Self::from_unix_timestamp(timestamp.seconds)
                .and_then(|second| second.replace_nanosecond(timestamp.nanos))
                .ok();
            covered(converted, &timestamp, Self::MIN, Self::MAX)
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "time")))]
    impl From<Timestamp> for time::OffsetDateTime {
        /// The instant at offset UTC.
        fn from(timestamp: Timestamp) -> Self {
            time::UtcDateTime::from(timestamp).into()
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "time")))]
    impl TryFrom<time::UtcDateTime> for Timestamp {
        type Error = TimestampRangeError;

        fn try_from(instant: time::UtcDateTime) -> Result<Self, Self::Error> {
            let (seconds, nanos) = (instant.unix_timestamp(), instant.nanosecond());
            Self::try_from_unix(seconds, nanos)
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "time")))]
    impl TryFrom<time::OffsetDateTime> for Timestamp {
        type Error = TimestampRangeError;

        fn try_from(instant: time::OffsetDateTime) -> Result<Self, Self::Error> {
            let (seconds, nanos) = (instant.unix_timestamp(), instant.nanosecond());
            Self::try_from_unix(seconds, nanos)
        }
    }
}

#[cfg(feature = "chrono")]
mod with_chrono {
    use chrono::{DateTime, TimeZone, Utc};

    use super::{Timestamp, TimestampRangeError, covered};

    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    impl From<Timestamp> for DateTime<Utc> {
        fn from(timestamp: Timestamp) -> Self {
            let converted = DateTime::from_timestamp(timestamp.seconds, timestamp.nanos);
            covered(
                converted,
                &timestamp,
                DateTime::<Utc>::MIN_UTC,
                DateTime::<Utc>::MAX_UTC,
            )
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    impl<Tz: TimeZone> TryFrom<DateTime<Tz>> for Timestamp {
        type Error = TimestampRangeError;

        /// The instant, whatever the zone; chrono's leap second (nanoseconds past 10⁹) is
        /// read as the last nanosecond of its second.
        fn try_from(instant: DateTime<Tz>) -> Result<Self, Self::Error> {
            let nanos = instant.timestamp_subsec_nanos().min(999_999_999);
            Self::try_from_unix(instant.timestamp(), nanos)
        }
    }
}

//! [`Timestamp`]: an instant in UTC with nanosecond precision, parsed tolerantly from RFC 3339.
//!
//! Callbacks carry times such as `2020-11-17T16:05:51.724083Z`, but real deliveries also show
//! nine fractional digits (`2024-06-06T14:42:42.379863404Z`), and other SDKs accept a missing
//! offset. This type accepts all of these and keeps the instant, not the text.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::excerpt::Quoted;

/// An instant in UTC, with nanosecond precision.
///
/// Parsing ([`Timestamp::parse`], serde) accepts `YYYY-MM-DDTHH:MM:SS` followed by an optional
/// fraction of any length (digits beyond nine are truncated), and an optional offset (`Z`, `z`,
/// `+HH:MM`, `-HH:MM`, `+HHMM`, `+HH`). A missing offset means UTC. `t` or a space may separate
/// date and time. The original offset is folded into the instant; formatting always writes UTC
/// with `Z` and 0, 3, 6 or 9 fractional digits, so a formatted timestamp parses back to the
/// same instant.
///
/// ```
/// use sinch_contacts_callbacks::Timestamp;
///
/// let t = Timestamp::parse("2024-06-06T14:42:42.379863404Z").unwrap();
/// assert_eq!(t.nanos(), 379_863_404);
/// assert_eq!(Timestamp::parse("2024-06-06T16:42:42.379863404+02:00").unwrap(), t);
/// assert_eq!(t.to_string(), "2024-06-06T14:42:42.379863404Z");
/// assert_eq!(Timestamp::parse("2020-11-17T16:05:45").unwrap().to_string(), "2020-11-17T16:05:45Z");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

/// Why a string is not a timestamp.
///
/// Its text quotes at most 64 characters of the input (with a marker when cut) and its
/// [`Debug`](fmt::Debug) shows the input's length, so a huge value cannot flood a log;
/// [`TimestampError::input`] keeps the whole input.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {}: {reason}", Quoted(input))]
pub struct TimestampError {
    input: String,
    reason: &'static str,
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
    /// The rejected text.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// What is wrong with it.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl Timestamp {
    /// The Unix epoch.
    pub const UNIX_EPOCH: Self = Self {
        seconds: 0,
        nanos: 0,
    };

    /// A timestamp from seconds since the Unix epoch and nanoseconds (`nanos` is capped at
    /// 999 999 999).
    pub fn from_unix(seconds: i64, nanos: u32) -> Self {
        Self {
            seconds,
            nanos: nanos.min(999_999_999),
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

    /// The same instant as a [`SystemTime`].
    pub fn to_system_time(&self) -> SystemTime {
        if self.seconds >= 0 {
            UNIX_EPOCH + Duration::new(self.seconds.unsigned_abs(), self.nanos)
        } else {
            UNIX_EPOCH - Duration::from_secs(self.seconds.unsigned_abs())
                + Duration::from_nanos(u64::from(self.nanos))
        }
    }

    /// The instant of a [`SystemTime`].
    pub fn from_system_time(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Self::from_unix(after.as_secs() as i64, after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                let mut seconds = -(before.as_secs() as i64);
                let mut nanos = before.subsec_nanos();
                if nanos > 0 {
                    seconds -= 1;
                    nanos = 1_000_000_000 - nanos;
                }
                Self::from_unix(seconds, nanos)
            }
        }
    }

    /// Parses RFC 3339 text tolerantly (see the type docs).
    ///
    /// # Errors
    /// [`TimestampError`] naming the input and the first thing wrong with it.
    pub fn parse(input: &str) -> Result<Self, TimestampError> {
        parse(input.as_bytes()).map_err(|reason| TimestampError {
            input: input.to_owned(),
            reason,
        })
    }
}

fn digits(bytes: &[u8], at: usize, count: usize, what: &'static str) -> Result<i64, &'static str> {
    let field = bytes.get(at..at + count).ok_or(what)?;
    field.iter().try_fold(0i64, |acc, b| {
        if b.is_ascii_digit() {
            Ok(acc * 10 + i64::from(b - b'0'))
        } else {
            Err(what)
        }
    })
}

fn expect(bytes: &[u8], at: usize, wanted: &[u8], what: &'static str) -> Result<(), &'static str> {
    match bytes.get(at) {
        Some(b) if wanted.contains(b) => Ok(()),
        _ => Err(what),
    }
}

fn parse(bytes: &[u8]) -> Result<Timestamp, &'static str> {
    let year = digits(bytes, 0, 4, "expected a four-digit year")?;
    expect(bytes, 4, b"-", "expected '-' after the year")?;
    let month = digits(bytes, 5, 2, "expected a two-digit month")?;
    expect(bytes, 7, b"-", "expected '-' after the month")?;
    let day = digits(bytes, 8, 2, "expected a two-digit day")?;
    expect(bytes, 10, b"Tt ", "expected 'T' between date and time")?;
    let hour = digits(bytes, 11, 2, "expected a two-digit hour")?;
    expect(bytes, 13, b":", "expected ':' after the hour")?;
    let minute = digits(bytes, 14, 2, "expected two-digit minutes")?;
    expect(bytes, 16, b":", "expected ':' after the minutes")?;
    let second = digits(bytes, 17, 2, "expected two-digit seconds")?;
    if !(1..=12).contains(&month) {
        return Err("month out of range");
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err("day out of range");
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err("time of day out of range");
    }
    let mut at = 19;
    let mut nanos: u32 = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while let Some(b) = bytes.get(at).filter(|b| b.is_ascii_digit()) {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(b - b'0');
            }
            at += 1;
        }
        let count = at - start;
        if count == 0 {
            return Err("expected digits after '.'");
        }
        for _ in count..9 {
            nanos *= 10;
        }
    }
    let offset_seconds = match bytes.get(at) {
        None => 0,
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            let hours = digits(bytes, at + 1, 2, "expected a two-digit offset hour")?;
            at += 3;
            let minutes = match bytes.get(at) {
                Some(b':') => {
                    let minutes = digits(bytes, at + 1, 2, "expected two-digit offset minutes")?;
                    at += 3;
                    minutes
                }
                Some(_) => {
                    let minutes = digits(bytes, at, 2, "expected two-digit offset minutes")?;
                    at += 2;
                    minutes
                }
                None => 0,
            };
            if hours > 23 || minutes > 59 {
                return Err("offset out of range");
            }
            sign * (hours * 3600 + minutes * 60)
        }
        Some(_) => return Err("expected a fraction, 'Z' or an offset after the seconds"),
    };
    if at != bytes.len() {
        return Err("unexpected text after the offset");
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Ok(Timestamp { seconds, nanos })
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let second_of_day = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )?;
        match self.nanos {
            0 => {}
            n if n % 1_000_000 == 0 => write!(f, ".{:03}", n / 1_000_000)?,
            n if n % 1_000 == 0 => write!(f, ".{:06}", n / 1_000)?,
            n => write!(f, ".{n:09}")?,
        }
        f.write_str("Z")
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
mod tests {
    use super::*;

    #[test]
    fn parses_the_shapes_seen_on_the_wire() {
        let micro = Timestamp::parse("2020-11-17T16:05:51.724083Z").unwrap();
        assert_eq!(micro.unix_seconds(), 1_605_629_151);
        assert_eq!(micro.nanos(), 724_083_000);
        let nine = Timestamp::parse("2024-06-06T14:42:42.379863404Z").unwrap();
        assert_eq!(nine.nanos(), 379_863_404);
        let twelve = Timestamp::parse("2024-06-06T14:42:42.379863404999Z").unwrap();
        assert_eq!(twelve, nine);
        let no_offset = Timestamp::parse("2020-11-17T16:05:45").unwrap();
        assert_eq!(no_offset, Timestamp::parse("2020-11-17T16:05:45Z").unwrap());
        let offset = Timestamp::parse("2020-11-17T17:05:45+01:00").unwrap();
        assert_eq!(offset, no_offset);
        assert_eq!(
            Timestamp::parse("2020-11-17T15:05:45-0100").unwrap(),
            no_offset
        );
        assert_eq!(
            Timestamp::parse("2020-11-17 17:05:45+01").unwrap(),
            no_offset
        );
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for bad in [
            "",
            "2020-11-17",
            "2020-13-17T16:05:45Z",
            "2021-02-29T16:05:45Z",
            "2020-11-17T24:05:45Z",
            "2020-11-17T16:05:45.Z",
            "2020-11-17T16:05:45Zjunk",
            "2020-11-17T16:05:45+1",
            "1605629151",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad} should be rejected");
        }
        let error = Timestamp::parse("2020-13-17T16:05:45Z").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid timestamp \"2020-13-17T16:05:45Z\": month out of range"
        );
    }

    #[test]
    fn formats_back_to_the_same_instant() {
        for text in [
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "2000-02-29T12:00:00.001Z",
            "2024-06-06T14:42:42.379863404Z",
            "9999-12-31T23:59:59.999999Z",
            "0001-01-01T00:00:00Z",
        ] {
            let parsed = Timestamp::parse(text).unwrap();
            assert_eq!(
                Timestamp::parse(&parsed.to_string()).unwrap(),
                parsed,
                "{text}"
            );
        }
        assert_eq!(
            Timestamp::parse("1969-12-31T23:59:59.5Z")
                .unwrap()
                .to_string(),
            "1969-12-31T23:59:59.500Z"
        );
    }

    #[test]
    fn converts_to_and_from_system_time() {
        for t in [
            Timestamp::from_unix(1_605_629_151, 724_083_000),
            Timestamp::from_unix(-2, 250_000_000),
        ] {
            assert_eq!(Timestamp::from_system_time(t.to_system_time()), t);
        }
    }
}

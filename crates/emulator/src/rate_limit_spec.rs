//! The text form of a [`RateLimit`]: `RATE/s[,burst=N]`, e.g. `200/s,burst=20`, and
//! [`RateLimitSpecError`], which says what is wrong and where.
//!
//! ```
//! use sinch_contacts_emulator::{RateLimit, RateLimitSpecErrorKind};
//!
//! assert_eq!("0.5/s".parse::<RateLimit>()?, RateLimit::new(0.5));
//! let error = "200/s,burst=0".parse::<RateLimit>().unwrap_err();
//! assert_eq!(error.kind(), RateLimitSpecErrorKind::BadBurst);
//! assert_eq!((error.column(), error.fragment()), (13, "0"));
//! assert_eq!(
//!     error.to_string(),
//!     "invalid rate limit at column 13 (`0`): the burst must be a whole number from 1 to 4294967295"
//! );
//! # Ok::<(), sinch_contacts_emulator::RateLimitSpecError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::rate_limit::RateLimit;

impl FromStr for RateLimit {
    type Err = RateLimitSpecError;

    /// Reads `RATE/s`, optionally followed by `,burst=N`: the rate a number of requests per
    /// second (`200`, `0.5`, `1e3`) from [`RateLimit::MIN_PER_SECOND`] to
    /// [`RateLimit::MAX_PER_SECOND`], the burst a whole number from 1 to 4294967295. Spaces
    /// around the parts are allowed.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = split_commas(text);
        let (rate_at, rate_text) = parts.next().unwrap_or((0, ""));
        if rate_text.is_empty() {
            return Err(RateLimitSpecError::new(
                text,
                rate_at,
                rate_text,
                RateLimitSpecErrorKind::MissingRate,
            ));
        }
        let mut limit = RateLimit::new(parse_rate(text, rate_at, rate_text)?);
        let mut burst_seen = false;
        for (at, part) in parts {
            let Some((key, value)) = part.split_once('=') else {
                return Err(RateLimitSpecError::new(
                    text,
                    at,
                    part,
                    RateLimitSpecErrorKind::ExpectedSetting,
                ));
            };
            let key = key.trim_end();
            if key != "burst" {
                return Err(RateLimitSpecError::new(
                    text,
                    at,
                    key,
                    RateLimitSpecErrorKind::UnknownSetting,
                ));
            }
            if burst_seen {
                return Err(RateLimitSpecError::new(
                    text,
                    at,
                    part,
                    RateLimitSpecErrorKind::RepeatedBurst,
                ));
            }
            burst_seen = true;
            let value_at = at + part.len() - value.len();
            let (value_at, value) = trimmed(value_at, value);
            let burst = value
                .parse::<u32>()
                .ok()
                .filter(|burst| *burst >= 1)
                .ok_or_else(|| {
                    RateLimitSpecError::new(text, value_at, value, RateLimitSpecErrorKind::BadBurst)
                })?;
            limit = limit.burst(burst);
        }
        Ok(limit)
    }
}

/// The requests per second of `RATE/s`, which starts at byte `at` of `text`.
fn parse_rate(text: &str, at: usize, rate: &str) -> Result<f64, RateLimitSpecError> {
    let Some((number, unit)) = rate.split_once('/') else {
        return Err(RateLimitSpecError::new(
            text,
            at,
            rate,
            RateLimitSpecErrorKind::MissingUnit,
        ));
    };
    let (number_at, number) = trimmed(at, number);
    let unit_at = at + rate.len() - unit.len();
    let (unit_at, unit) = trimmed(unit_at, unit);
    if unit != "s" {
        return Err(RateLimitSpecError::new(
            text,
            unit_at,
            unit,
            RateLimitSpecErrorKind::UnknownUnit,
        ));
    }
    let per_second: f64 = number.parse().map_err(|_| {
        RateLimitSpecError::new(text, number_at, number, RateLimitSpecErrorKind::BadRate)
    })?;
    if RateLimit::accepts_rate(per_second) {
        Ok(per_second)
    } else {
        Err(RateLimitSpecError::new(
            text,
            number_at,
            number,
            RateLimitSpecErrorKind::RateOutOfRange,
        ))
    }
}

/// The comma-separated parts of `text`, each trimmed, with the byte where it starts.
fn split_commas(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split(',').map(move |part| {
        let at = start;
        start += part.len() + 1;
        trimmed(at, part)
    })
}

/// `part` (starting at byte `at`) without surrounding spaces, and the byte where that starts.
fn trimmed(at: usize, part: &str) -> (usize, &str) {
    let without_leading = part.trim_start();
    (
        at + part.len() - without_leading.len(),
        without_leading.trim_end(),
    )
}

/// What is wrong with a rate limit text (see [`RateLimitSpecError`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateLimitSpecErrorKind {
    /// The text, or the part before the first comma, is empty.
    MissingRate,
    /// The rate has no `/s` after it (`200`).
    MissingUnit,
    /// The rate is counted per something other than a second (`200/min`).
    UnknownUnit,
    /// The rate is not a number (`fast/s`).
    BadRate,
    /// The rate is outside [`RateLimit::MIN_PER_SECOND`]..=[`RateLimit::MAX_PER_SECOND`].
    RateOutOfRange,
    /// A part after the rate is not `key=value` (`200/s,20`).
    ExpectedSetting,
    /// A part after the rate names a setting other than `burst`.
    UnknownSetting,
    /// `burst=` is given twice.
    RepeatedBurst,
    /// The burst is not a whole number from 1 to 4294967295 (`burst=0`, `burst=1.5`).
    BadBurst,
}

impl RateLimitSpecErrorKind {
    fn explain(self) -> String {
        match self {
            Self::MissingRate => {
                "expected a rate such as 200/s, optionally followed by ,burst=N".to_owned()
            }
            Self::MissingUnit => "expected a rate per second such as 200/s".to_owned(),
            Self::UnknownUnit => "the rate is counted per second: write /s".to_owned(),
            Self::BadRate => "the rate is not a number".to_owned(),
            Self::RateOutOfRange => format!(
                "the rate must be from {} to {} per second",
                RateLimit::MIN_PER_SECOND,
                RateLimit::MAX_PER_SECOND
            ),
            Self::ExpectedSetting => "expected burst=N".to_owned(),
            Self::UnknownSetting => "unknown setting (the only one is burst)".to_owned(),
            Self::RepeatedBurst => "the burst is given twice".to_owned(),
            Self::BadBurst => {
                format!("the burst must be a whole number from 1 to {}", u32::MAX)
            }
        }
    }
}

/// A rate limit text that could not be read: what is wrong ([`RateLimitSpecError::kind`]),
/// where (the 1-based [`column`](RateLimitSpecError::column), in characters) and the part at
/// fault ([`fragment`](RateLimitSpecError::fragment)).
///
/// ```
/// use sinch_contacts_emulator::{RateLimit, RateLimitSpecErrorKind};
///
/// let error = "200/min".parse::<RateLimit>().unwrap_err();
/// assert_eq!(error.kind(), RateLimitSpecErrorKind::UnknownUnit);
/// assert_eq!(
///     error.to_string(),
///     "invalid rate limit at column 5 (`min`): the rate is counted per second: write /s"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitSpecError {
    kind: RateLimitSpecErrorKind,
    column: usize,
    fragment: String,
}

impl RateLimitSpecError {
    /// The error about `fragment`, which starts at byte `at` of `text`.
    fn new(text: &str, at: usize, fragment: &str, kind: RateLimitSpecErrorKind) -> Self {
        Self {
            kind,
            column: text[..at].chars().count() + 1,
            fragment: fragment.to_owned(),
        }
    }

    /// What is wrong.
    pub fn kind(&self) -> RateLimitSpecErrorKind {
        self.kind
    }

    /// Where the part at fault starts: 1 for the first character of the text.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The part at fault, as written (without surrounding spaces; empty when it is missing).
    pub fn fragment(&self) -> &str {
        &self.fragment
    }
}

impl fmt::Display for RateLimitSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid rate limit at column {}", self.column)?;
        if !self.fragment.is_empty() {
            write!(f, " (`{}`)", self.fragment)?;
        }
        write!(f, ": {}", self.kind.explain())
    }
}

impl std::error::Error for RateLimitSpecError {}

#[cfg(test)]
mod tests {
    use super::*;
    use RateLimitSpecErrorKind::*;

    fn parsed(text: &str) -> (f64, u32) {
        let limit: RateLimit = text
            .parse()
            .unwrap_or_else(|error| panic!("{text:?}: {error}"));
        (limit.per_second(), limit.burst_size())
    }

    fn refused(text: &str) -> (RateLimitSpecErrorKind, usize, String) {
        let error = text.parse::<RateLimit>().unwrap_err();
        (error.kind(), error.column(), error.fragment().to_owned())
    }

    fn message(text: &str) -> String {
        text.parse::<RateLimit>().unwrap_err().to_string()
    }

    #[test]
    fn valid_forms() {
        assert_eq!(parsed("200/s"), (200.0, 200));
        assert_eq!(parsed("200/s,burst=20"), (200.0, 20));
        assert_eq!(parsed("0.5/s"), (0.5, 1));
        assert_eq!(parsed("2.5/s,burst=1"), (2.5, 1));
        assert_eq!(parsed("1e3/s"), (1000.0, 1000));
        assert_eq!(parsed(" 0.5 / s , burst = 3 "), (0.5, 3));
        assert_eq!(parsed("0.0001/s"), (0.0001, 1));
        assert_eq!(parsed("1000000000/s,burst=4294967295"), (1e9, u32::MAX));
    }

    #[test]
    fn the_display_form_reads_back_as_the_same_limit() {
        for limit in [
            RateLimit::new(200.0).burst(20),
            RateLimit::new(0.4),
            RateLimit::new(1e9).burst(u32::MAX),
            RateLimit::new(1.0 / 3.0),
        ] {
            assert_eq!(limit.to_string().parse::<RateLimit>(), Ok(limit));
        }
    }

    #[test]
    fn a_missing_rate() {
        assert_eq!(refused(""), (MissingRate, 1, String::new()));
        assert_eq!(refused("   "), (MissingRate, 4, String::new()));
        assert_eq!(refused(",burst=2"), (MissingRate, 1, String::new()));
        assert_eq!(
            message(""),
            "invalid rate limit at column 1: expected a rate such as 200/s, optionally followed by ,burst=N"
        );
    }

    #[test]
    fn a_rate_without_its_unit_or_with_another_one() {
        assert_eq!(refused("200"), (MissingUnit, 1, "200".to_owned()));
        assert_eq!(refused("200,burst=2"), (MissingUnit, 1, "200".to_owned()));
        assert_eq!(
            message("200"),
            "invalid rate limit at column 1 (`200`): expected a rate per second such as 200/s"
        );
        assert_eq!(refused("200/min"), (UnknownUnit, 5, "min".to_owned()));
        assert_eq!(refused("200/"), (UnknownUnit, 5, String::new()));
        assert_eq!(refused("200/s/s"), (UnknownUnit, 5, "s/s".to_owned()));
        assert_eq!(
            message("200/min"),
            "invalid rate limit at column 5 (`min`): the rate is counted per second: write /s"
        );
    }

    #[test]
    fn a_rate_that_is_not_a_number() {
        assert_eq!(refused("fast/s"), (BadRate, 1, "fast".to_owned()));
        assert_eq!(refused("/s"), (BadRate, 1, String::new()));
        assert_eq!(refused("2 00/s"), (BadRate, 1, "2 00".to_owned()));
        assert_eq!(
            message("fast/s"),
            "invalid rate limit at column 1 (`fast`): the rate is not a number"
        );
    }

    #[test]
    fn a_rate_out_of_range() {
        for (text, fragment) in [
            ("0/s", "0"),
            ("-5/s", "-5"),
            ("0.0000999/s", "0.0000999"),
            ("1000000001/s", "1000000001"),
            ("NaN/s", "NaN"),
            ("inf/s", "inf"),
        ] {
            assert_eq!(
                refused(text),
                (RateOutOfRange, 1, fragment.to_owned()),
                "{text}"
            );
        }
        assert_eq!(
            message("0/s"),
            "invalid rate limit at column 1 (`0`): the rate must be from 0.0001 to 1000000000 per second"
        );
    }

    #[test]
    fn a_setting_that_is_not_key_value() {
        assert_eq!(refused("200/s,20"), (ExpectedSetting, 7, "20".to_owned()));
        assert_eq!(refused("200/s,"), (ExpectedSetting, 7, String::new()));
        assert_eq!(
            message("200/s,20"),
            "invalid rate limit at column 7 (`20`): expected burst=N"
        );
    }

    #[test]
    fn an_unknown_or_repeated_setting() {
        assert_eq!(
            refused("200/s,size=3"),
            (UnknownSetting, 7, "size".to_owned())
        );
        assert_eq!(
            refused("200/s,Burst=3"),
            (UnknownSetting, 7, "Burst".to_owned())
        );
        assert_eq!(
            message("200/s,size=3"),
            "invalid rate limit at column 7 (`size`): unknown setting (the only one is burst)"
        );
        assert_eq!(
            refused("200/s,burst=2,burst=3"),
            (RepeatedBurst, 15, "burst=3".to_owned())
        );
        assert_eq!(
            message("200/s,burst=2,burst=3"),
            "invalid rate limit at column 15 (`burst=3`): the burst is given twice"
        );
    }

    #[test]
    fn a_burst_that_is_not_a_whole_number_from_1() {
        for (text, fragment) in [
            ("200/s,burst=0", "0"),
            ("200/s,burst=1.5", "1.5"),
            ("200/s,burst=-1", "-1"),
            ("200/s,burst=x", "x"),
            ("200/s,burst=4294967296", "4294967296"),
            ("200/s,burst=", ""),
        ] {
            assert_eq!(refused(text), (BadBurst, 13, fragment.to_owned()), "{text}");
        }
        assert_eq!(
            message("200/s,burst=0"),
            "invalid rate limit at column 13 (`0`): the burst must be a whole number from 1 to 4294967295"
        );
    }

    #[test]
    fn columns_count_characters_and_skip_spaces() {
        // "200/s, burst = 0": the `0` is the 16th character.
        assert_eq!(refused("200/s, burst = 0"), (BadBurst, 16, "0".to_owned()));
        // " 200 / min": the unit starts at the 8th character.
        assert_eq!(refused(" 200 / min"), (UnknownUnit, 8, "min".to_owned()));
        // A no-break space (two bytes in UTF-8) before the rate is one character.
        assert_eq!(
            refused("\u{a0}200/s,burst=0"),
            (BadBurst, 14, "0".to_owned())
        );
        assert_eq!(refused("é/s"), (BadRate, 1, "é".to_owned()));
        assert_eq!(
            refused("200/s,bürst=2,x"),
            (UnknownSetting, 7, "bürst".to_owned())
        );
        assert_eq!(
            refused("200/s,bürst"),
            (ExpectedSetting, 7, "bürst".to_owned())
        );
        assert_eq!(
            refused("200/s,burst=1,é"),
            (ExpectedSetting, 15, "é".to_owned())
        );
        assert_eq!(refused("200/s,burst=ü,x"), (BadBurst, 13, "ü".to_owned()));
        assert_eq!(refused("ü,burst=1,x=1"), (MissingUnit, 1, "ü".to_owned()));
        assert_eq!(
            refused("1/s,burst=1,bürst=1,x=ü"),
            (UnknownSetting, 13, "bürst".to_owned())
        );
    }
}

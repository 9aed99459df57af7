//! Reading the `Retry-After` response header: delay-seconds or an
//! IMF-fixdate HTTP-date.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use http::header::RETRY_AFTER;

/// What a `Retry-After` header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryAfter {
    /// `Retry-After: 120`.
    Delay(Duration),
    /// `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`.
    At(SystemTime),
}

impl RetryAfter {
    /// The wait from `now`; a date in the past means no wait.
    pub(crate) fn delay_from(self, now: SystemTime) -> Duration {
        match self {
            Self::Delay(delay) => delay,
            Self::At(at) => at.duration_since(now).unwrap_or(Duration::ZERO),
        }
    }
}

/// Reads `Retry-After` as whole seconds or as an IMF-fixdate (the form
/// RFC 9110 requires senders to use). Anything else is ignored, and the
/// policy's back-off applies.
pub(crate) fn parse_retry_after(headers: &HeaderMap) -> Option<RetryAfter> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(RetryAfter::Delay(Duration::from_secs(seconds)));
    }
    parse_imf_fixdate(value).map(RetryAfter::At)
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_imf_fixdate(text: &str) -> Option<SystemTime> {
    let parts: Vec<&str> = text.split_ascii_whitespace().collect();
    let [weekday, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    if weekday.len() != 4 || !weekday.ends_with(',') {
        return None;
    }
    let day: u32 = two_digits(day)?;
    let month = match *month {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    if year.len() != 4 {
        return None;
    }
    let year: i64 = year.parse().ok()?;
    let mut clock = time.split(':');
    let (hour, minute, second) = (
        two_digits(clock.next()?)?,
        two_digits(clock.next()?)?,
        two_digits(clock.next()?)?,
    );
    if clock.next().is_some() || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    let seconds = u64::try_from(seconds).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

fn two_digits(text: &str) -> Option<u32> {
    if text.len() == 2 && text.bytes().all(|byte| byte.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(RETRY_AFTER, value.parse().unwrap());
        map
    }

    #[test]
    fn seconds_are_read() {
        assert_eq!(
            parse_retry_after(&headers(" 12 ")),
            Some(RetryAfter::Delay(Duration::from_secs(12)))
        );
        assert_eq!(
            parse_retry_after(&headers("0")),
            Some(RetryAfter::Delay(Duration::ZERO))
        );
    }

    #[test]
    fn imf_fixdates_are_read() {
        let at = |seconds| Some(RetryAfter::At(UNIX_EPOCH + Duration::from_secs(seconds)));
        assert_eq!(
            parse_retry_after(&headers("Sun, 06 Nov 1994 08:49:37 GMT")),
            at(784_111_777)
        );
        assert_eq!(
            parse_retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT")),
            at(1_445_412_480)
        );
        assert_eq!(
            parse_retry_after(&headers("Thu, 29 Feb 2024 23:59:59 GMT")),
            at(1_709_251_199)
        );
        assert_eq!(
            parse_retry_after(&headers("Thu, 01 Jan 1970 00:00:00 GMT")),
            at(0)
        );
    }

    #[test]
    fn a_date_becomes_a_delay_from_now() {
        let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        let date = parse_retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT")).unwrap();
        assert_eq!(date.delay_from(now), Duration::from_secs(10));
        let later = now + Duration::from_secs(60);
        assert_eq!(date.delay_from(later), Duration::ZERO);
    }

    #[test]
    fn other_forms_and_garbage_are_ignored() {
        for value in [
            "-3",
            "soon",
            "1.5",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(&headers(value)), None, "{value}");
        }
        assert_eq!(parse_retry_after(&HeaderMap::new()), None);
    }
}

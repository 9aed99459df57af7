//! Reading the `Retry-After` response header: delay-seconds or an
//! IMF-fixdate HTTP-date.

use std::time::{Duration, SystemTime};

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

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` with `httpdate`, which checks the
/// calendar (day of month, weekday) and covers years 1970 to 9999.
///
/// `httpdate` also reads the obsolete RFC 850 and asctime forms; a date is
/// taken only when it is written exactly as `httpdate` writes an IMF-fixdate,
/// so those forms keep falling back to the back-off.
fn parse_imf_fixdate(text: &str) -> Option<SystemTime> {
    let at = httpdate::parse_http_date(text).ok()?;
    (httpdate::fmt_http_date(at) == text).then_some(at)
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

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

    /// Edge dates with instants worked out by hand (days since 1970 times
    /// 86 400), not by the code under test.
    #[test]
    fn edge_dates_give_the_hand_worked_instants() {
        let at = |seconds| Some(RetryAfter::At(UNIX_EPOCH + Duration::from_secs(seconds)));
        for (text, seconds) in [
            // 2000 is a leap year (divisible by 400): 946 684 800 (2000-01-01)
            // + (31 + 28) days + 12 h.
            ("Tue, 29 Feb 2000 12:00:00 GMT", 951_825_600),
            // 2000-01-01 minus one second.
            ("Fri, 31 Dec 1999 23:59:59 GMT", 946_684_799),
            // 2 932 897 days from 1970 to 10000-01-01, minus one second.
            ("Fri, 31 Dec 9999 23:59:59 GMT", 253_402_300_799),
            // Surrounding blanks are not part of the value.
            ("  Sun, 06 Nov 1994 08:49:37 GMT\t", 784_111_777),
        ] {
            assert_eq!(parse_retry_after(&headers(text)), at(seconds), "{text}");
        }
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
            // Calendar checks: no 29 February in 2100 or 2001, the wrong
            // weekday, a leap second, a five-digit year, lower case, two
            // spaces, a trailing word.
            "Mon, 29 Feb 2100 00:00:00 GMT",
            "Thu, 29 Feb 2001 00:00:00 GMT",
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "Sat, 31 Dec 2016 23:59:60 GMT",
            "Sat, 01 Jan 10000 00:00:00 GMT",
            "sun, 06 nov 1994 08:49:37 gmt",
            "Sun,  06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT later",
            "Sun, 06 Nov 1994 08:49:37",
        ] {
            assert_eq!(parse_retry_after(&headers(value)), None, "{value}");
        }
        assert_eq!(parse_retry_after(&HeaderMap::new()), None);
    }
}

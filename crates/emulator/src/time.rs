//! RFC 3339 timestamps in UTC for callback envelopes (`2020-11-17T16:05:51.724083Z`), and
//! durations as the protobuf JSON mapping writes them (`0.005s`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::{OffsetDateTime, PrimitiveDateTime};

/// `time` as RFC 3339 in UTC with microsecond precision (six digits, truncated, as Sinch sends);
/// times before 1970 print as the epoch, times after 9999 as the last microsecond of 9999 (the
/// `time` crate's range). The calendar is the `time` crate's.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let utc = i64::try_from(since_epoch.as_secs())
        .ok()
        .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok());
    let (utc, micros) = match utc {
        Some(utc) => (utc, since_epoch.subsec_micros()),
        None => (PrimitiveDateTime::MAX.assume_utc(), 999_999),
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second(),
    )
}

/// Unix seconds of `time` (0 before the epoch).
pub(crate) fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |elapsed| {
        i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
    })
}

/// `duration` as a `google.protobuf.Duration` in JSON: seconds with 0, 3, 6 or 9 decimals
/// (as few as keep it exact) and `s` (`1s`, `0.005s`, `0.000001500s`).
pub(crate) fn protobuf_duration(duration: Duration) -> String {
    let (seconds, nanos) = (duration.as_secs(), duration.subsec_nanos());
    if nanos == 0 {
        format!("{seconds}s")
    } else if nanos % 1_000_000 == 0 {
        format!("{seconds}.{:03}s", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        format!("{seconds}.{:06}s", nanos / 1_000)
    } else {
        format!("{seconds}.{nanos:09}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations_take_as_few_groups_of_three_decimals_as_keep_them_exact() {
        assert_eq!(protobuf_duration(Duration::ZERO), "0s");
        assert_eq!(protobuf_duration(Duration::from_secs(3)), "3s");
        assert_eq!(protobuf_duration(Duration::from_millis(5)), "0.005s");
        assert_eq!(protobuf_duration(Duration::from_millis(2500)), "2.500s");
        assert_eq!(protobuf_duration(Duration::from_micros(1_500)), "0.001500s");
        assert_eq!(
            protobuf_duration(Duration::from_nanos(333_333_333)),
            "0.333333333s"
        );
        assert_eq!(
            protobuf_duration(Duration::from_nanos(1_000_000_001)),
            "1.000000001s"
        );
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        // 1605629151.724083 s is the accepted_time of the official examples,
        // 2020-11-17T16:05:51.724083Z; the nanoseconds beyond are cut, not rounded.
        let time = UNIX_EPOCH + Duration::from_nanos(1_605_629_151_724_083_999);
        assert_eq!(rfc3339(time), "2020-11-17T16:05:51.724083Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_micros(1)),
            "1970-01-01T00:00:00.000001Z"
        );
        // A leap day: 2024-02-29T00:00:00Z is 1709164800.
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_709_164_800)),
            "2024-02-29T00:00:00.000000Z"
        );
        // 2100 is not a leap year: 2100-01-01 is day 130 × 365 + 32 leap days (1972 to 2096)
        // = 47,482, plus 31 + 28 days is 2100-03-01, day 47,541, 4,107,542,400 s.
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(4_107_542_400)),
            "2100-03-01T00:00:00.000000Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(4_107_542_399)),
            "2100-02-28T23:59:59.000000Z"
        );
        // The last second of 1999 and the first of 2000 (a leap year by the 400-year rule):
        // 10,957 days from the epoch to 2000-01-01.
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(946_684_799)),
            "1999-12-31T23:59:59.000000Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00.000000Z"
        );
    }

    #[test]
    fn times_outside_the_range_are_clamped() {
        // Before 1970 (1969-12-31T23:59:59Z): the epoch, as before.
        assert_eq!(
            rfc3339(UNIX_EPOCH - Duration::from_secs(1)),
            "1970-01-01T00:00:00.000000Z"
        );
        // 10000-01-01T00:00:00Z is 253,402,300,800 s: beyond the `time` crate's years.
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(253_402_300_800)),
            "9999-12-31T23:59:59.999999Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(253_402_300_799)),
            "9999-12-31T23:59:59.000000Z"
        );
    }
}

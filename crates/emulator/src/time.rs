//! RFC 3339 timestamps in UTC for callback envelopes (`2020-11-17T16:05:51.724083Z`), and
//! durations as the protobuf JSON mapping writes them (`0.005s`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `time` as RFC 3339 in UTC with microsecond precision (six digits, truncated, as Sinch sends);
/// times before 1970 print as the epoch.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX);
    let of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        of_day / 3600,
        (of_day % 3600) / 60,
        of_day % 60,
        since_epoch.subsec_micros()
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

/// Year, month, day of the day `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
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
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
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
    }
}

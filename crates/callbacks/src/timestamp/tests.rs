use proptest::prelude::*;

use super::*;

/// Accepted texts with their instants worked out by hand (days since 1970-01-01 times 86 400,
/// plus the time of day, minus the offset), not by the code under test, and the text written
/// back (`None`: the received text itself).
const ACCEPTED: &[(&str, i64, u32, Option<&str>)] = &[
    ("1970-01-01T00:00:00Z", 0, 0, None),
    // 18 583 days to 2020-11-17, + 16:05:51.
    (
        "2020-11-17T16:05:51.724083Z",
        1_605_629_151,
        724_083_000,
        None,
    ),
    (
        "2020-11-17t16:05:51.724083z",
        1_605_629_151,
        724_083_000,
        Some("2020-11-17T16:05:51.724083Z"),
    ),
    // 19 880 days to 2024-06-06, + 14:42:42; nine fraction digits.
    (
        "2024-06-06T14:42:42.379863404Z",
        1_717_684_962,
        379_863_404,
        None,
    ),
    // Digits past the ninth do not count.
    (
        "2024-06-06T14:42:42.379863404999Z",
        1_717_684_962,
        379_863_404,
        Some("2024-06-06T14:42:42.379863404Z"),
    ),
    (
        "1969-12-31T23:59:59.5Z",
        -1,
        500_000_000,
        Some("1969-12-31T23:59:59.500Z"),
    ),
    ("2020-11-17T16:05:45.120Z", 1_605_629_145, 120_000_000, None),
    (
        "2020-11-17T16:05:45.000Z",
        1_605_629_145,
        0,
        Some("2020-11-17T16:05:45Z"),
    ),
    // Offsets fold into the instant, across midnight too.
    (
        "2020-11-17T21:35:45+05:30",
        1_605_629_145,
        0,
        Some("2020-11-17T16:05:45Z"),
    ),
    (
        "2020-11-18T01:05:45+09:00",
        1_605_629_145,
        0,
        Some("2020-11-17T16:05:45Z"),
    ),
    (
        "2020-11-17T15:05:45-01:00",
        1_605_629_145,
        0,
        Some("2020-11-17T16:05:45Z"),
    ),
    (
        "2020-11-17T16:05:45-00:00",
        1_605_629_145,
        0,
        Some("2020-11-17T16:05:45Z"),
    ),
    // 2000 is a leap year (divisible by 400): 10 957 days + 31 + 28.
    ("2000-02-29T00:00:00Z", 951_782_400, 0, None),
    // A leap second at the end of 2016 is the last nanosecond before 2017 (17 167 days).
    (
        "2016-12-31T23:59:60Z",
        1_483_228_799,
        999_999_999,
        Some("2016-12-31T23:59:59.999999999Z"),
    ),
    // The ends of RFC 3339: 0000-01-01 (year 0 is a leap year: 0001-01-01 is
    // -62 135 596 800, minus 366 days) and 9999-12-31 (2 932 897 days to 10000-01-01).
    ("0000-01-01T00:00:00Z", -62_167_219_200, 0, None),
    (
        "0000-01-01T00:00:00-00:01",
        -62_167_219_140,
        0,
        Some("0000-01-01T00:01:00Z"),
    ),
    (
        "9999-12-31T23:59:59.999999999Z",
        253_402_300_799,
        999_999_999,
        None,
    ),
    // The shapes beside RFC 3339: no offset (UTC), a space, `+HHMM`, `+HH`.
    (
        "2020-11-17T16:05:45",
        1_605_629_145,
        0,
        Some("2020-11-17T16:05:45Z"),
    ),
    (
        "2020-11-17 16:05:45.25",
        1_605_629_145,
        250_000_000,
        Some("2020-11-17T16:05:45.250Z"),
    ),
    (
        "2020-11-17T15:05:45-0100",
        1_605_629_145,
        0,
        Some("2020-11-17T16:05:45Z"),
    ),
    (
        "2020-11-17 17:05:45+01",
        1_605_629_145,
        0,
        Some("2020-11-17T16:05:45Z"),
    ),
];

const REJECTED: &[&str] = &[
    "",
    "1605629151",
    "2020-11-17",
    "2020-11-17T16:05Z",
    "2020-13-17T16:05:45Z",
    "2020-00-17T16:05:45Z",
    "2020-11-31T16:05:45Z",
    "2021-02-29T16:05:45Z",
    // 1900 is not a leap year (divisible by 100, not by 400).
    "1900-02-29T00:00:00Z",
    "2020-11-17T24:00:00Z",
    "2020-11-17T23:60:00Z",
    // A leap second only at the end of a UTC month.
    "2016-12-30T23:59:60Z",
    "2020-11-17T16:05:60",
    "2020-11-17T16:05:45.Z",
    "2020-11-17T16:05:45,5Z",
    "2020-11-17T16:05:45Zjunk",
    "2020-11-17T16:05:45+1",
    "2020-11-17T16:05:45+24:00",
    "2020-11-17T16:05:45+01:60",
    "2020-11-17T16:05:45Z[UTC]",
    "20201117T160545Z",
    "+2020-11-17T16:05:45Z",
    "-0001-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z",
    // Outside the years 0000 to 9999 once in UTC.
    "0000-01-01T00:00:00+00:01",
    "9999-12-31T23:59:59-00:01",
    // Not ASCII digits.
    "２０２０-11-17T16:05:45Z",
];

#[test]
fn accepted_texts_give_the_hand_worked_instants() {
    for &(text, seconds, nanos, written) in ACCEPTED {
        let parsed = Timestamp::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
        assert_eq!(
            (parsed.unix_seconds(), parsed.nanos()),
            (seconds, nanos),
            "{text}"
        );
        assert_eq!(parsed.to_string(), written.unwrap_or(text), "{text}");
    }
}

/// Every strict RFC 3339 text of the table means the same instant to `time` itself, read
/// directly (leap seconds aside, which `time` reads the same way).
#[test]
fn strict_texts_agree_with_the_time_crate() {
    use time::format_description::well_known::Rfc3339;
    for &(text, seconds, nanos, _) in ACCEPTED {
        if let Ok(direct) = time::OffsetDateTime::parse(text, &Rfc3339) {
            assert_eq!(
                (direct.unix_timestamp(), direct.nanosecond()),
                (seconds, nanos),
                "{text}"
            );
        }
    }
}

/// A second, independent implementation: `jiff` reads every text of the table that it accepts
/// as the same instant, except a leap second, which it reads as the start of the 59th second.
#[test]
fn accepted_texts_agree_with_jiff() {
    for &(text, seconds, nanos, _) in ACCEPTED {
        if text.contains(":60") {
            continue;
        }
        let instant = match text.parse::<jiff::Timestamp>() {
            Ok(instant) => instant,
            // No offset: jiff reads it as a civil date-time only; taken as UTC here.
            Err(_) => match text.parse::<jiff::civil::DateTime>() {
                Ok(civil) => jiff::tz::Offset::UTC.to_timestamp(civil).unwrap(),
                // jiff refuses more than nine fraction digits, which this crate truncates.
                Err(_) if text.ends_with("404999Z") => continue,
                // jiff's timestamps end at 9999-12-30T22:00:00.999999999Z.
                Err(_) if text.starts_with("9999-12-31") => continue,
                Err(error) => panic!("{text}: {error}"),
            },
        };
        let expected = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
        assert_eq!(instant.as_nanosecond(), expected, "{text}");
    }
}

#[test]
fn rejected_texts_are_errors() {
    for &text in REJECTED {
        let error = Timestamp::parse(text).expect_err(text);
        assert_eq!(error.input(), text);
        assert!(!error.reason().is_empty());
    }
}

#[test]
fn errors_name_what_is_wrong() {
    let reason = |text| Timestamp::parse(text).unwrap_err().reason().to_owned();
    assert_eq!(
        reason("2020-13-17T16:05:45Z"),
        "the 'month' component could not be parsed"
    );
    assert_eq!(reason("2021-02-29T16:05:45Z"), "day was not in range");
    assert_eq!(
        reason("2020-11-17T16:05:45Zjunk"),
        "unexpected \"junk\" at byte 20"
    );
    assert_eq!(
        reason("2020-11-17T16:05:45+24:00"),
        "offset hour was not in range"
    );
    assert_eq!(
        reason("9999-12-31T23:59:59-00:01"),
        "the instant in UTC is outside the years 0000 to 9999"
    );
    assert_eq!(
        reason("+2020-11-17T16:05:45Z"),
        "expected a four-digit year"
    );
    assert_eq!(
        Timestamp::parse("2020-13-17T16:05:45Z")
            .unwrap_err()
            .to_string(),
        "invalid timestamp \"2020-13-17T16:05:45Z\": the 'month' component could not be parsed"
    );
}

#[test]
fn equality_ordering_and_hashing_look_at_the_instant() {
    use std::collections::HashSet;
    let utc = Timestamp::parse("2020-11-17T16:05:45Z").unwrap();
    let shifted = Timestamp::parse("2020-11-17T17:05:45+01:00").unwrap();
    assert_eq!(utc, shifted);
    assert_eq!(HashSet::from([utc, shifted]).len(), 1);
    assert!(Timestamp::parse("2020-11-17T16:05:45.000000001Z").unwrap() > shifted);
}

#[test]
fn built_timestamps_write_utc_rfc3339() {
    assert_eq!(Timestamp::UNIX_EPOCH.to_string(), "1970-01-01T00:00:00Z");
    assert_eq!(Timestamp::MIN.to_string(), "0000-01-01T00:00:00Z");
    assert_eq!(Timestamp::MAX.to_string(), "9999-12-31T23:59:59.999999999Z");
    assert_eq!(
        Timestamp::from_unix(-2, 250_000_000).to_string(),
        "1969-12-31T23:59:58.250Z"
    );
    assert_eq!(
        Timestamp::from_unix(0, 1_000).to_string(),
        "1970-01-01T00:00:00.000001Z"
    );
    assert_eq!(
        Timestamp::from_unix(0, 1).to_string(),
        "1970-01-01T00:00:00.000000001Z"
    );
}

#[test]
fn from_unix_saturates_and_try_from_unix_refuses() {
    assert_eq!(Timestamp::from_unix(i64::MAX, 0), Timestamp::MAX);
    assert_eq!(Timestamp::from_unix(i64::MIN, 5), Timestamp::MIN);
    assert_eq!(Timestamp::from_unix(7, u32::MAX).nanos(), 999_999_999);
    assert!(Timestamp::try_from_unix(253_402_300_800, 0).is_err());
    assert!(Timestamp::try_from_unix(-62_167_219_201, 0).is_err());
    assert!(Timestamp::try_from_unix(0, 1_000_000_000).is_err());
    assert_eq!(
        Timestamp::try_from_unix(-62_167_219_200, 0),
        Ok(Timestamp::MIN)
    );
}

#[test]
fn system_time_converts_both_ways() {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};
    let before = UNIX_EPOCH - Duration::from_millis(1_750);
    let timestamp = Timestamp::try_from(before).unwrap();
    assert_eq!(
        (timestamp.unix_seconds(), timestamp.nanos()),
        (-2, 250_000_000)
    );
    assert_eq!(SystemTime::try_from(timestamp), Ok(before));
    assert_eq!(timestamp.to_system_time(), before);
    let far = UNIX_EPOCH + Duration::from_secs(253_402_300_800);
    assert!(Timestamp::try_from(far).is_err());
    assert_eq!(Timestamp::from_system_time(far), Timestamp::MAX);
}

#[cfg(feature = "jiff")]
#[test]
fn jiff_conversions_keep_the_instant() {
    let parsed = Timestamp::parse("2024-06-06T16:42:42.379863404+02:00").unwrap();
    let converted = jiff::Timestamp::try_from(parsed).unwrap();
    assert_eq!(converted.to_string(), "2024-06-06T14:42:42.379863404Z");
    assert_eq!(Timestamp::try_from(converted), Ok(parsed));
    let before = jiff::Timestamp::new(-2, 250_000_000).unwrap();
    assert_eq!(
        Timestamp::try_from(before),
        Ok(Timestamp::from_unix(-2, 250_000_000))
    );
    let fraction_before_epoch = jiff::Timestamp::new(0, -250_000_000).unwrap();
    assert_eq!(
        Timestamp::try_from(fraction_before_epoch),
        Ok(Timestamp::from_unix(-1, 750_000_000))
    );
    assert!(Timestamp::try_from(jiff::Timestamp::MIN).is_err());
    assert_eq!(
        jiff::Timestamp::try_from(Timestamp::MIN)
            .unwrap()
            .to_string(),
        "0000-01-01T00:00:00Z"
    );
    // jiff's range ends 26 hours before RFC 3339's.
    let last_in_jiff = Timestamp::parse("9999-12-30T22:00:00.999999999Z").unwrap();
    assert_eq!(
        jiff::Timestamp::try_from(last_in_jiff).map(|t| t.to_string()),
        Ok("9999-12-30T22:00:00.999999999Z".to_owned())
    );
    let after = Timestamp::parse("9999-12-30T22:00:01Z").unwrap();
    assert_eq!(
        jiff::Timestamp::try_from(after),
        Err(TimestampRangeError::new(253_402_207_201, 0))
    );
    assert!(jiff::Timestamp::try_from(Timestamp::MAX).is_err());
}

#[cfg(feature = "time")]
#[test]
fn time_conversions_keep_the_instant() {
    use time::format_description::well_known::Rfc3339;
    let parsed = Timestamp::parse("2024-06-06T16:42:42.379863404+02:00").unwrap();
    let converted = time::OffsetDateTime::from(parsed);
    assert_eq!(
        converted.format(&Rfc3339).unwrap(),
        "2024-06-06T14:42:42.379863404Z"
    );
    assert_eq!(Timestamp::try_from(converted), Ok(parsed));
    assert_eq!(
        Timestamp::try_from(time::UtcDateTime::from(Timestamp::MAX)),
        Ok(Timestamp::MAX)
    );
    assert!(Timestamp::try_from(time::UtcDateTime::MIN).is_err());
    assert_eq!(
        time::UtcDateTime::from(Timestamp::MIN)
            .format(&Rfc3339)
            .unwrap(),
        "0000-01-01T00:00:00Z"
    );
}

#[cfg(feature = "chrono")]
#[test]
fn chrono_conversions_keep_the_instant() {
    use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
    let parsed = Timestamp::parse("2024-06-06T16:42:42.379863404+02:00").unwrap();
    let converted = DateTime::<Utc>::from(parsed);
    assert_eq!(
        converted.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        "2024-06-06T14:42:42.379863404Z"
    );
    assert_eq!(Timestamp::try_from(converted), Ok(parsed));
    let zoned = DateTime::<FixedOffset>::parse_from_rfc3339("2020-11-17T17:05:45+01:00").unwrap();
    assert_eq!(
        Timestamp::try_from(zoned),
        Ok(Timestamp::from_unix(1_605_629_145, 0))
    );
    assert!(Timestamp::try_from(DateTime::<Utc>::MAX_UTC).is_err());
    for end in [Timestamp::MIN, Timestamp::MAX] {
        assert_eq!(Timestamp::try_from(DateTime::<Utc>::from(end)), Ok(end));
    }
    assert_eq!(
        DateTime::<Utc>::from(Timestamp::MIN).to_rfc3339_opts(SecondsFormat::Secs, true),
        "0000-01-01T00:00:00Z"
    );
}

proptest! {
    #[test]
    fn format_then_parse_gives_the_same_instant(
        seconds in MIN_SECONDS..=MAX_SECONDS,
        nanos in 0u32..1_000_000_000,
    ) {
        let timestamp = Timestamp::from_unix(seconds, nanos);
        let text = timestamp.to_string();
        let parsed = Timestamp::parse(&text).unwrap();
        prop_assert_eq!((parsed.unix_seconds(), parsed.nanos()), (seconds, nanos), "{}", text);
        prop_assert_eq!(parsed.to_string(), text);
        prop_assert_eq!(Timestamp::from_system_time(timestamp.to_system_time()), timestamp);
    }

    #[test]
    fn parse_never_panics(text in "[0-9T:tZz+. -]{0,40}|\\PC{0,50}") {
        if let Ok(parsed) = Timestamp::parse(&text) {
            let written = parsed.to_string();
            let reparsed = Timestamp::parse(&written);
            prop_assert_eq!(reparsed.clone(), Ok(parsed));
            prop_assert_eq!(reparsed.map(|t| t.to_string()), Ok(written));
        }
    }
}

/// Texts in the API's shape, with every field drawn beyond its range too (month 13, day 31
/// of a short month, hour 24, second 60, fractions of 1 to 10 digits, lower-case letters).
fn utc_shaped() -> impl Strategy<Value = String> {
    (
        0u32..10_000,
        0u32..14,
        0u32..33,
        prop::sample::select(vec!["T", "t", " "]),
        0u32..26,
        0u32..61,
        0u32..62,
        prop::option::of("[0-9]{1,10}"),
        prop::sample::select(vec!["Z", "z", "+00:00", ""]),
    )
        .prop_map(|(year, month, day, t, hour, minute, second, fraction, zone)| {
            let fraction = fraction.map(|digits| format!(".{digits}")).unwrap_or_default();
            format!("{year:04}-{month:02}-{day:02}{t}{hour:02}:{minute:02}:{second:02}{fraction}{zone}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// The positional reader of the API's shape gives what the `time` crate's RFC 3339 parser
    /// gives, and declines whatever that parser refuses.
    #[test]
    fn the_positional_reader_agrees_with_the_time_crate(text in utc_shaped()) {
        let oracle = time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
            .map(|instant| (instant.unix_timestamp(), instant.nanosecond()));
        // The shape, restated: `T` at byte 10, `Z` last, seconds below 60, 0 or 1 to 9
        // fraction digits.
        let fraction = text.split_once('.').map(|(_, rest)| rest.len() - 1);
        let api_shape = text.get(10..11) == Some("T")
            && text.ends_with('Z')
            && text.get(17..19) != Some("60")
            && fraction.is_none_or(|digits| (1..=9).contains(&digits));
        match super::rfc3339::parse_utc(&text) {
            Some(instant) => {
                prop_assert!(api_shape, "read {text}");
                prop_assert_eq!(Ok(instant), oracle.map_err(|e| e.to_string()));
            }
            None => prop_assert!(
                oracle.is_err() || !api_shape,
                "declined {text}, which the time crate reads"
            ),
        }
    }
}

#[test]
fn the_positional_reader_takes_the_api_shapes() {
    use super::rfc3339::parse_utc;
    // 2020-11-17T16:05:45Z is 1605629145 seconds after the epoch (18583 days × 86400
    // + 16 h 5 min 45 s).
    assert_eq!(parse_utc("2020-11-17T16:05:45Z"), Some((1_605_629_145, 0)));
    assert_eq!(
        parse_utc("2020-11-17T16:05:45.7Z"),
        Some((1_605_629_145, 700_000_000))
    );
    assert_eq!(
        parse_utc("2020-11-17T16:05:45.724083Z"),
        Some((1_605_629_145, 724_083_000))
    );
    assert_eq!(
        parse_utc("2020-11-17T16:05:45.000000001Z"),
        Some((1_605_629_145, 1))
    );
    // 2024 is a leap year, 2023 is not, 2100 is not.
    assert!(parse_utc("2024-02-29T00:00:00Z").is_some());
    assert_eq!(parse_utc("2023-02-29T00:00:00Z"), None);
    assert_eq!(parse_utc("2100-02-29T00:00:00Z"), None);
    for other in [
        "2020-11-17T16:05:45+00:00",
        "2020-11-17T16:05:45",
        "2020-11-17t16:05:45Z",
        "2020-11-17T16:05:60Z",
        "2020-11-17T16:05:45.Z",
        "2020-11-17T16:05:45.1234567890Z",
        "2020-11-17T24:00:00Z",
        "2020-13-17T16:05:45Z",
        "+020-11-17T16:05:45Z",
    ] {
        assert_eq!(parse_utc(other), None, "{other}");
    }
}

//! RFC 3339 text to an instant and back, through the `time` crate: this module only chooses the
//! grammar, `time` does every calendar computation.

use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::parsing::Parsed;
use time::{OffsetDateTime, PrimitiveDateTime, UtcDateTime};

/// Seconds since the Unix epoch and nanoseconds within the second, in UTC.
pub(crate) type Instant = (i64, u32);

/// The shapes other SDKs and some senders use beside strict RFC 3339: a space or `t` between
/// date and time, no offset (read as UTC), an offset without a colon (`+0100`) or without
/// minutes (`+01`). Fractions of any length (the first nine digits count).
const LENIENT: &[BorrowedFormatItem<'static>] = time::macros::format_description!(
    version = 2,
    "[year]-[month]-[day][first [T][t][ ]][hour]:[minute]:[second][optional [.[subsecond]]]\
     [optional [[first [Z][z][[offset_hour sign:mandatory][optional [[optional [:]][offset_minute]]]]]]]"
);

/// Reads `text` as strict RFC 3339 first (the shape every callback uses, and the fast path) and
/// then with the [`LENIENT`] grammar. The reason names what is wrong in terms of the lenient
/// grammar, which accepts the most.
pub(crate) fn parse(text: &str) -> Result<Instant, String> {
    if let Some(instant) = parse_utc(text) {
        return Ok(instant);
    }
    if let Ok(strict) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok((strict.unix_timestamp(), strict.nanosecond()));
    }
    parse_lenient(text)
}

/// The shape the API writes, `YYYY-MM-DDTHH:MM:SS[.F{1,9}]Z`, read without a format
/// description: the digits are taken by position and `time` checks the calendar and the
/// clock. `None` for any other text (including a leap second), which goes the general way.
pub(crate) fn parse_utc(text: &str) -> Option<Instant> {
    let bytes = text.as_bytes();
    let (head, tail) = bytes.split_at_checked(19)?;
    let [
        y1,
        y2,
        y3,
        y4,
        b'-',
        mo1,
        mo2,
        b'-',
        d1,
        d2,
        b'T',
        h1,
        h2,
        b':',
        mi1,
        mi2,
        b':',
        s1,
        s2,
    ] = *head
    else {
        return None;
    };
    let digits = |pair: [u8; 2]| -> Option<u8> {
        let [tens, ones] = pair;
        (tens.is_ascii_digit() && ones.is_ascii_digit()).then(|| (tens - b'0') * 10 + (ones - b'0'))
    };
    let year = i32::from(digits([y1, y2])?) * 100 + i32::from(digits([y3, y4])?);
    let month = time::Month::try_from(digits([mo1, mo2])?).ok()?;
    let second = digits([s1, s2])?;
    if second > 59 {
        return None;
    }
    let nanos = match tail {
        [b'Z'] => 0,
        [b'.', fraction @ .., b'Z'] if (1..=9).contains(&fraction.len()) => {
            let mut nanos = 0u32;
            for &digit in fraction {
                if !digit.is_ascii_digit() {
                    return None;
                }
                nanos = nanos * 10 + u32::from(digit - b'0');
            }
            nanos * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let date = time::Date::from_calendar_date(year, month, digits([d1, d2])?).ok()?;
    let clock =
        time::Time::from_hms_nano(digits([h1, h2])?, digits([mi1, mi2])?, second, nanos).ok()?;
    let instant = PrimitiveDateTime::new(date, clock).assume_utc();
    Some((instant.unix_timestamp(), instant.nanosecond()))
}

fn parse_lenient(text: &str) -> Result<Instant, String> {
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("expected a four-digit year".to_owned());
    }
    let mut parsed = Parsed::new();
    let rest = parsed
        .parse_items(text.as_bytes(), LENIENT)
        .map_err(|error| error.to_string())?;
    if !rest.is_empty() {
        let at = text.len() - rest.len();
        return Err(format!(
            "unexpected {:?} at byte {at}",
            String::from_utf8_lossy(rest)
        ));
    }
    if parsed
        .offset_hour()
        .is_some_and(|hour| hour.unsigned_abs() > 23)
    {
        return Err("offset hour was not in range".to_owned());
    }
    let instant = if parsed.offset_hour().is_some() {
        OffsetDateTime::try_from(parsed).map_err(|error| error.to_string())?
    } else {
        PrimitiveDateTime::try_from(parsed)
            .map_err(|error| error.to_string())?
            .assume_utc()
    };
    Ok((instant.unix_timestamp(), instant.nanosecond()))
}

/// UTC with `Z` and no fraction, or a fraction of 3, 6 or 9 digits.
const WHOLE: &[BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
const MILLIS: &[BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
);
const MICROS: &[BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);
const NANOS: &[BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]Z"
);

/// Writes the instant as RFC 3339 in UTC with `Z` and the fewest of 0, 3, 6 or 9 fractional
/// digits that hold it, into `buffer`, returning the text; `None` outside the years 0000 to
/// 9999.
pub(crate) fn format((seconds, nanos): Instant, buffer: &mut [u8; 40]) -> Option<&str> {
    let instant = UtcDateTime::from_unix_timestamp(seconds)
        .ok()?
        .replace_nanosecond(nanos)
        .ok()?;
    let items = match nanos {
        0 => WHOLE,
        n if n % 1_000_000 == 0 => MILLIS,
        n if n % 1_000 == 0 => MICROS,
        _ => NANOS,
    };
    let mut writer = &mut buffer[..];
    instant.format_into(&mut writer, items).ok()?;
    // Measured from what is left of the buffer rather than taken from `format_into`'s count,
    // which fell short of the bytes written for fractions with time's `Rfc3339` (0.3.55).
    let written = 40 - writer.len();
    std::str::from_utf8(buffer.get(..written)?).ok()
}

//! The hand-written RFC 3339 parser the crate used before it parsed with the `time` crate,
//! kept here only as the benchmark's baseline, so that the old and the new parse are timed
//! side by side in one run. Nothing outside this benchmark uses it.

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

/// Seconds since the Unix epoch and nanoseconds, or what is wrong.
pub fn parse(bytes: &[u8]) -> Result<(i64, u32), &'static str> {
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
    Ok((seconds, nanos))
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

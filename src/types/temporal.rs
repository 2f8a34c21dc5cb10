//! Dates, timestamps and intervals: parsing from text, formatting, calendar arithmetic.
//!
//! Owns Kuzu's temporal semantics: DATE is days since 1970-01-01 (i32); TIMESTAMP (and
//! TIMESTAMP_TZ) is microseconds since the epoch (i64); TIMESTAMP_NS/_MS/_SEC use their own
//! unit. Accepted text formats, error wording, rendering (`(BC)` years, trimmed micros,
//! interval parts), month arithmetic with end-of-month clamping, `date_part`/`date_trunc`
//! specifiers and interval parsing all follow Kuzu 0.11. Errors are returned as Kuzu's
//! reason text (the part after `Conversion exception: `).

use super::Interval;

pub const MICROS_PER_MSEC: i64 = 1_000;
pub const MICROS_PER_SEC: i64 = 1_000_000;
pub const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SEC;
pub const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
pub const MICROS_PER_DAY: i64 = 24 * MICROS_PER_HOUR;
pub const DAYS_PER_MONTH: i64 = 30;
pub const MICROS_PER_MONTH: i64 = DAYS_PER_MONTH * MICROS_PER_DAY;
/// Kuzu's supported year range.
pub const MIN_YEAR: i32 = -290_307;
pub const MAX_YEAR: i32 = 294_247;

// ---------------------------------------------------------------------------------------
// Civil calendar
// ---------------------------------------------------------------------------------------

pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Whether `year-month-day` is a valid date in Kuzu's range.
pub fn is_valid_date(year: i32, month: u32, day: u32) -> bool {
    (1..=12).contains(&month)
        && (MIN_YEAR..=MAX_YEAR).contains(&year)
        && day >= 1
        && day <= days_in_month(year, month)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (year 0 is 1 BC). No validation.
pub fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = year as i64 - if month <= 2 { 1 } else { 0 };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) as i32
}

/// `(year, month, day)` of a day number (days since 1970-01-01).
pub fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y as i32, m, d)
}

/// Kuzu's `Date::fromDate`: validates, then converts.
pub fn make_date(year: i64, month: i64, day: i64) -> Result<i32, String> {
    let ok = i32::try_from(year).is_ok()
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && is_valid_date(year as i32, month as u32, day as u32);
    if !ok {
        return Err(format!("Date out of range: {year}-{month}-{day}."));
    }
    Ok(days_from_civil(year as i32, month as u32, day as u32))
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn parse_one_or_two_digits(b: &[u8], pos: &mut usize) -> Option<u32> {
    if *pos < b.len() && b[*pos].is_ascii_digit() {
        let mut r = (b[*pos] - b'0') as u32;
        *pos += 1;
        if *pos < b.len() && b[*pos].is_ascii_digit() {
            r = r * 10 + (b[*pos] - b'0') as u32;
            *pos += 1;
        }
        Some(r)
    } else {
        None
    }
}

/// Kuzu's `Date::tryConvertDate`: `[spaces]YYYY<sep>M[M]<sep>D[D][spaces]` with `sep` one of
/// `-`, `/`, `\`, space. Returns the day number and the position after the trailing spaces.
fn try_parse_date_prefix(b: &[u8], allow_trailing: bool) -> Option<(i32, usize)> {
    let len = b.len();
    let mut pos = 0;
    while pos < len && is_space(b[pos]) {
        pos += 1;
    }
    if pos >= len || !b[pos].is_ascii_digit() {
        return None;
    }
    let mut year: i64 = 0;
    while pos < len && b[pos].is_ascii_digit() {
        year = year * 10 + (b[pos] - b'0') as i64;
        if year > MAX_YEAR as i64 {
            return None;
        }
        pos += 1;
    }
    if pos >= len {
        return None;
    }
    let sep = b[pos];
    pos += 1;
    if !matches!(sep, b' ' | b'-' | b'/' | b'\\') {
        return None;
    }
    let month = parse_one_or_two_digits(b, &mut pos)?;
    if pos + 1 >= len || b[pos] != sep {
        return None;
    }
    pos += 1;
    let day = parse_one_or_two_digits(b, &mut pos)?;
    while pos < len && is_space(b[pos]) {
        pos += 1;
    }
    if pos < len && !allow_trailing {
        return None;
    }
    if !is_valid_date(year as i32, month, day) {
        return None;
    }
    Some((days_from_civil(year as i32, month, day), pos))
}

/// Kuzu's `Time::tryConvertInternal`: `[spaces]h..h:m[m]:s[s][.f*]` (hours up to 9 digits).
/// Returns microseconds and the position after the time.
fn try_parse_time_prefix(b: &[u8]) -> Option<(i64, usize)> {
    let len = b.len();
    let mut pos = 0;
    while pos < len && is_space(b[pos]) {
        pos += 1;
    }
    if pos >= len || !b[pos].is_ascii_digit() {
        return None;
    }
    let mut hour: i64 = 0;
    let mut digits = 0;
    while pos < len && b[pos].is_ascii_digit() {
        if digits == 9 {
            return None;
        }
        hour = hour * 10 + (b[pos] - b'0') as i64;
        digits += 1;
        pos += 1;
    }
    if pos >= len || b[pos] != b':' {
        return None;
    }
    pos += 1;
    let min = parse_one_or_two_digits(b, &mut pos)?;
    if min >= 60 || pos >= len || b[pos] != b':' {
        return None;
    }
    pos += 1;
    let sec = parse_one_or_two_digits(b, &mut pos)?;
    if sec >= 60 {
        return None;
    }
    let mut micros: i64 = 0;
    if pos < len && b[pos] == b'.' {
        pos += 1;
        let mut mult = 100_000;
        while pos < len && b[pos].is_ascii_digit() {
            micros += (b[pos] - b'0') as i64 * mult;
            mult /= 10;
            pos += 1;
        }
    }
    let total = ((hour * 60 + min as i64) * 60 + sec as i64) * MICROS_PER_SEC + micros;
    Some((total, pos))
}

/// `+HH`, `-HH`, `+HH:MM`, `+HHMM`. Returns the offset in micros and advances `pos`.
fn try_parse_utc_offset(b: &[u8], pos: &mut usize) -> Option<i64> {
    let mut cur = *pos;
    if cur + 3 > b.len() {
        return None;
    }
    let sign = b[cur];
    if sign != b'+' && sign != b'-' {
        return None;
    }
    cur += 1;
    if !b[cur].is_ascii_digit() || !b[cur + 1].is_ascii_digit() {
        return None;
    }
    let mut hours = ((b[cur] - b'0') * 10 + (b[cur + 1] - b'0')) as i64;
    cur += 2;
    let mut minutes = 0i64;
    if cur < b.len() {
        if b[cur] == b':' {
            cur += 1;
        }
        if cur + 2 <= b.len() && b[cur].is_ascii_digit() && b[cur + 1].is_ascii_digit() {
            minutes = ((b[cur] - b'0') * 10 + (b[cur + 1] - b'0')) as i64;
            cur += 2;
        }
    }
    if sign == b'-' {
        hours = -hours;
        minutes = -minutes;
    }
    *pos = cur;
    Some(hours * MICROS_PER_HOUR + minutes * MICROS_PER_MINUTE)
}

/// Parses Kuzu's DATE text (`YYYY-MM-DD`, also `YYYY-M-D`, `/`, `\` or space as separator,
/// surrounding whitespace ignored). The error is the reason only.
pub fn parse_date(s: &str) -> Result<i32, String> {
    match try_parse_date_prefix(s.as_bytes(), false) {
        Some((d, _)) => Ok(d),
        None => Err(format!(
            "Error occurred during parsing date. Given: \"{s}\". Expected format: (YYYY-MM-DD)"
        )),
    }
}

/// Kuzu's `Timestamp::tryConvertTimestamp`: a date, optionally followed by (space or `T`)
/// `hh:mm:ss[.ffffff]`, optional `Z`, optional UTC offset `±HH[[:]MM]`, trailing spaces.
pub fn try_parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (date, mut pos) = try_parse_date_prefix(b, true)?;
    let base = date as i64 * MICROS_PER_DAY;
    if pos == b.len() {
        return Some(base);
    }
    if b[pos] == b' ' || b[pos] == b'T' {
        pos += 1;
    }
    let (time, tpos) = try_parse_time_prefix(&b[pos..])?;
    if time >= MICROS_PER_DAY {
        return None;
    }
    pos += tpos;
    let mut result = base + time;
    if pos < b.len() {
        if b[pos] == b'Z' {
            pos += 1;
        }
        if let Some(off) = try_parse_utc_offset(b, &mut pos) {
            result -= off;
        }
        while pos < b.len() && is_space(b[pos]) {
            pos += 1;
        }
        if pos < b.len() {
            return None;
        }
    }
    Some(result)
}

/// The reason Kuzu gives for a bad timestamp of type `type_name` (`TIMESTAMP`, `TIMESTAMP_NS`..).
pub fn timestamp_error(s: &str, type_name: &str) -> String {
    format!(
        "Error occurred during parsing {type_name}. Given: \"{s}\". Expected format: \
         (YYYY-MM-DD hh:mm:ss[.zzzzzz][+-TT[:tt]])"
    )
}

/// Parses Kuzu's TIMESTAMP text into microseconds since the epoch.
pub fn parse_timestamp(s: &str) -> Result<i64, String> {
    try_parse_timestamp(s).ok_or_else(|| timestamp_error(s, "TIMESTAMP"))
}

/// Kuzu's date-part specifiers (for `date_part`, `date_trunc` and interval units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    Year,
    Month,
    Day,
    Decade,
    Century,
    Millennium,
    Quarter,
    Microsecond,
    Millisecond,
    Second,
    Minute,
    Hour,
    Week,
}

/// Kuzu's `Interval::tryGetDatePartSpecifier` (case-insensitive, many aliases).
pub fn parse_date_part(spec: &str) -> Result<DatePart, String> {
    use DatePart::*;
    let l = spec.to_ascii_lowercase();
    Ok(match l.as_str() {
        "year" | "yr" | "y" | "years" | "yrs" => Year,
        "month" | "mon" | "months" | "mons" => Month,
        "day" | "days" | "d" | "dayofmonth" => Day,
        "decade" | "dec" | "decades" | "decs" => Decade,
        "century" | "cent" | "centuries" | "c" => Century,
        "millennium" | "mil" | "millenniums" | "millennia" | "mils" | "millenium"
        | "milleniums" => Millennium,
        "microseconds" | "microsecond" | "us" | "usec" | "usecs" | "usecond" | "useconds" => {
            Microsecond
        }
        "milliseconds" | "millisecond" | "ms" | "msec" | "msecs" | "msecond" | "mseconds" => {
            Millisecond
        }
        "second" | "sec" | "seconds" | "secs" | "s" => Second,
        "minute" | "min" | "minutes" | "mins" | "m" => Minute,
        "hour" | "hr" | "hours" | "hrs" | "h" => Hour,
        "week" | "weeks" | "w" | "weekofyear" => Week,
        "quarter" | "quarters" => Quarter,
        _ => return Err(format!("Unrecognized interval specifier string: {l}.")),
    })
}

const INTERVAL_OUT_OF_RANGE: &str = "Interval value is out of range";

fn add_i32(target: &mut i32, number: i64, mult: i64, fraction: i64) -> Result<(), String> {
    let add = number
        .checked_mul(mult)
        .ok_or_else(|| INTERVAL_OUT_OF_RANGE.to_string())?;
    let add = i32::try_from(add).map_err(|_| format!("Value {add} is not within INT32 range"))?;
    *target = target
        .checked_add(add)
        .ok_or_else(|| INTERVAL_OUT_OF_RANGE.to_string())?;
    if fraction != 0 {
        let add = (fraction * mult) / MICROS_PER_SEC;
        let add =
            i32::try_from(add).map_err(|_| format!("Value {add} is not within INT32 range"))?;
        *target = target
            .checked_add(add)
            .ok_or_else(|| "Interval fraction is out of range".to_string())?;
    }
    Ok(())
}

fn add_i64(target: &mut i64, number: i64, mult: i64, fraction: i64) -> Result<(), String> {
    let add = number
        .checked_mul(mult)
        .ok_or_else(|| INTERVAL_OUT_OF_RANGE.to_string())?;
    *target = target
        .checked_add(add)
        .ok_or_else(|| INTERVAL_OUT_OF_RANGE.to_string())?;
    if fraction != 0 {
        let add = (fraction as i128 * mult as i128 / MICROS_PER_SEC as i128) as i64;
        *target = target
            .checked_add(add)
            .ok_or_else(|| "Interval fraction is out of range".to_string())?;
    }
    Ok(())
}

/// Parses Kuzu's INTERVAL text: `[@] N unit [N unit ...] [hh:mm:ss[.f]]`, units as in
/// `parse_date_part` (e.g. `1 year 2 days 3 hours`, `1.5 days`, `36:00:00`). Numbers are
/// unsigned; ISO `P1Y` forms are not accepted (as in Kuzu).
pub fn parse_interval(s: &str) -> Result<Interval, String> {
    let b = s.as_bytes();
    let len = b.len();
    if len == 0 {
        return Err("Error occurred during parsing interval. Given empty string.".into());
    }
    let given = || format!("Error occurred during parsing interval. Given: \"{s}\".");
    let mut r = Interval::default();
    let mut pos = 0;
    let mut found_any = false;
    if b[0] == b'@' {
        pos = 1;
    }
    loop {
        // Expect a number (or the end).
        while pos < len && is_space(b[pos]) {
            pos += 1;
        }
        if pos >= len {
            break;
        }
        if !b[pos].is_ascii_digit() {
            return Err(given());
        }
        let start = pos;
        while pos < len && b[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos < len && b[pos] == b':' {
            // The rest is a time.
            let rest = &s[start..];
            let parsed = try_parse_time_prefix(rest.as_bytes()).and_then(|(t, p)| {
                let rb = rest.as_bytes();
                let mut p = p;
                while p < rb.len() && is_space(rb[p]) {
                    p += 1;
                }
                (p == rb.len()).then_some(t)
            });
            match parsed {
                Some(t) => {
                    r.micros = r
                        .micros
                        .checked_add(t)
                        .ok_or_else(|| INTERVAL_OUT_OF_RANGE.to_string())?;
                    found_any = true;
                    break;
                }
                None => {
                    return Err(format!(
                        "Error occurred during parsing time. Given: \"{rest}\"."
                    ))
                }
            }
        }
        let num_text = &s[start..pos];
        let leading_zero = num_text.len() > 1 && num_text.starts_with('0');
        let parsed = if leading_zero {
            None
        } else {
            num_text.parse::<i64>().ok()
        };
        let mut number: i64 = parsed
            .ok_or_else(|| format!("Cast failed. Could not convert \"{num_text}\" to INT64."))?;
        let mut fraction: i64 = 0;
        if pos < len && b[pos] == b'.' {
            pos += 1;
            let mut mult = 100_000;
            while pos < len && b[pos].is_ascii_digit() {
                fraction += (b[pos] - b'0') as i64 * mult;
                mult /= 10;
                pos += 1;
            }
        }
        while pos < len && is_space(b[pos]) {
            pos += 1;
        }
        let id_start = pos;
        while pos < len && !is_space(b[pos]) {
            pos += 1;
        }
        let spec = &s[id_start..pos];
        if spec.is_empty() {
            return Err("Error occurred during parsing interval. Field name is missing.".into());
        }
        match parse_date_part(spec)? {
            DatePart::Millennium => add_i32(&mut r.months, number, 12_000, fraction)?,
            DatePart::Century => add_i32(&mut r.months, number, 1_200, fraction)?,
            DatePart::Decade => add_i32(&mut r.months, number, 120, fraction)?,
            DatePart::Year => add_i32(&mut r.months, number, 12, fraction)?,
            DatePart::Quarter => {
                add_i32(&mut r.months, number, 3, fraction)?;
                let f = (fraction * 3) % MICROS_PER_SEC;
                add_i32(&mut r.days, 0, DAYS_PER_MONTH, f)?;
            }
            DatePart::Month => {
                add_i32(&mut r.months, number, 1, 0)?;
                add_i32(&mut r.days, 0, DAYS_PER_MONTH, fraction)?;
            }
            DatePart::Day => {
                add_i32(&mut r.days, number, 1, 0)?;
                add_i64(&mut r.micros, 0, MICROS_PER_DAY, fraction)?;
            }
            DatePart::Week => {
                add_i32(&mut r.days, number, 7, fraction)?;
                let f = (fraction * 7) % MICROS_PER_SEC;
                add_i64(&mut r.micros, 0, MICROS_PER_DAY, f)?;
            }
            DatePart::Hour => add_i64(&mut r.micros, number, MICROS_PER_HOUR, fraction)?,
            DatePart::Minute => add_i64(&mut r.micros, number, MICROS_PER_MINUTE, fraction)?,
            DatePart::Second => add_i64(&mut r.micros, number, MICROS_PER_SEC, fraction)?,
            DatePart::Millisecond => add_i64(&mut r.micros, number, MICROS_PER_MSEC, fraction)?,
            DatePart::Microsecond => {
                number = number.saturating_add((fraction * 2) / MICROS_PER_SEC);
                add_i64(&mut r.micros, number, 1, 0)?;
            }
        }
        found_any = true;
    }
    if !found_any {
        return Err(given());
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------

/// `YYYY-MM-DD`; years ≤ 0 print as `(1 - year)` followed by ` (BC)`; years of more than
/// four digits print in full.
pub fn format_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    if y <= 0 {
        format!("{:04}-{:02}-{:02} (BC)", 1 - y as i64, m, d)
    } else {
        format!("{y:04}-{m:02}-{d:02}")
    }
}

fn push_micros_trimmed(out: &mut String, micros: i64) {
    let s = format!("{micros:06}");
    out.push('.');
    out.push_str(s.trim_end_matches('0'));
}

/// `hh:mm:ss[.ffffff]` with trailing zeros of the fraction removed.
pub fn format_time(micros_of_day: i64) -> String {
    let h = micros_of_day / MICROS_PER_HOUR;
    let m = (micros_of_day % MICROS_PER_HOUR) / MICROS_PER_MINUTE;
    let s = (micros_of_day % MICROS_PER_MINUTE) / MICROS_PER_SEC;
    let f = micros_of_day % MICROS_PER_SEC;
    let mut out = format!("{h:02}:{m:02}:{s:02}");
    if f != 0 {
        push_micros_trimmed(&mut out, f);
    }
    out
}

/// Splits a timestamp in micros into (day number, micros of day), flooring.
pub fn split_timestamp(micros: i64) -> (i32, i64) {
    (
        micros.div_euclid(MICROS_PER_DAY) as i32,
        micros.rem_euclid(MICROS_PER_DAY),
    )
}

/// Kuzu's TIMESTAMP rendering: `YYYY-MM-DD hh:mm:ss[.ffffff]` (micros trimmed).
pub fn format_timestamp(micros: i64) -> String {
    let (d, t) = split_timestamp(micros);
    format!("{} {}", format_date(d), format_time(t))
}

/// TIMESTAMP_TZ: as TIMESTAMP (UTC) plus `+00`.
pub fn format_timestamp_tz(micros: i64) -> String {
    format!("{}+00", format_timestamp(micros))
}

/// TIMESTAMP_NS: truncated (toward zero) to micros, as Kuzu does.
pub fn format_timestamp_ns(nanos: i64) -> String {
    format_timestamp(nanos / 1000)
}

pub fn format_timestamp_ms(millis: i64) -> String {
    format_timestamp(millis.saturating_mul(MICROS_PER_MSEC))
}

pub fn format_timestamp_sec(secs: i64) -> String {
    format_timestamp(secs.saturating_mul(MICROS_PER_SEC))
}

/// Kuzu's INTERVAL rendering (`1 year 2 months 3 days 04:05:06.7`, `00:00:00` when zero).
pub fn format_interval(iv: &Interval) -> String {
    let mut out = String::new();
    let part = |out: &mut String, v: i64, name: &str| {
        if v == 0 {
            return;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&v.to_string());
        out.push(' ');
        out.push_str(name);
        if v != 1 {
            out.push('s');
        }
    };
    if iv.months != 0 {
        let years = iv.months / 12;
        let months = iv.months - years * 12;
        part(&mut out, years as i64, "year");
        part(&mut out, months as i64, "month");
    }
    part(&mut out, iv.days as i64, "day");
    if iv.micros != 0 {
        if !out.is_empty() {
            out.push(' ');
        }
        let mut micros = iv.micros as i128;
        if micros < 0 {
            out.push('-');
            micros = -micros;
        }
        let h = micros / MICROS_PER_HOUR as i128;
        micros -= h * MICROS_PER_HOUR as i128;
        let m = micros / MICROS_PER_MINUTE as i128;
        micros -= m * MICROS_PER_MINUTE as i128;
        let s = micros / MICROS_PER_SEC as i128;
        micros -= s * MICROS_PER_SEC as i128;
        out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
        if micros != 0 {
            push_micros_trimmed(&mut out, micros as i64);
        }
    } else if out.is_empty() {
        out.push_str("00:00:00");
    }
    out
}

// ---------------------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------------------

/// Adds months to a date, clamping the day to the target month's length (Kuzu's rule:
/// `2020-01-31 + 1 month = 2020-02-29`).
pub fn add_months(days: i32, months: i32) -> Result<i32, String> {
    if months == 0 {
        return Ok(days);
    }
    let (y, m, d) = civil_from_days(days);
    let total = y as i64 * 12 + (m as i64 - 1) + months as i64;
    let ny = total.div_euclid(12);
    let nm = (total.rem_euclid(12) + 1) as u32;
    let ny32 = i32::try_from(ny).map_err(|_| format!("Date out of range: {ny}-{nm}-{d}."))?;
    let nd = d.min(days_in_month(ny32, nm));
    make_date(ny, nm as i64, nd as i64)
}

/// DATE + INTERVAL (Kuzu: months first, then days, then whole days of the micros).
pub fn date_add_interval(days: i32, iv: &Interval) -> Result<i32, String> {
    let d = add_months(days, iv.months)?;
    let d = d as i64 + iv.days as i64 + iv.micros / MICROS_PER_DAY;
    i32::try_from(d).map_err(|_| "Date out of range".to_string())
}

pub fn negate_interval(iv: &Interval) -> Interval {
    Interval {
        months: iv.months.wrapping_neg(),
        days: iv.days.wrapping_neg(),
        micros: iv.micros.wrapping_neg(),
    }
}

pub fn date_sub_interval(days: i32, iv: &Interval) -> Result<i32, String> {
    date_add_interval(days, &negate_interval(iv))
}

/// TIMESTAMP + INTERVAL (Kuzu: the date part moves by months/days, then the sub-day micros).
pub fn timestamp_add_interval(micros: i64, iv: &Interval) -> Result<i64, String> {
    let (date, time) = split_timestamp(micros);
    let mut date = date_add_interval(date, iv)? as i64;
    let mut time = time + (iv.micros % MICROS_PER_DAY);
    if time >= MICROS_PER_DAY {
        time -= MICROS_PER_DAY;
        date += 1;
    } else if time < 0 {
        time += MICROS_PER_DAY;
        date -= 1;
    }
    date.checked_mul(MICROS_PER_DAY)
        .and_then(|v| v.checked_add(time))
        .ok_or_else(|| "Timestamp out of range".to_string())
}

pub fn timestamp_sub_interval(micros: i64, iv: &Interval) -> Result<i64, String> {
    timestamp_add_interval(micros, &negate_interval(iv))
}

/// TIMESTAMP - TIMESTAMP: an interval of days and micros (no months).
pub fn timestamp_diff(a: i64, b: i64) -> Interval {
    let diff = (a as i128 - b as i128).unsigned_abs();
    let mut days = (diff / MICROS_PER_DAY as u128) as i64;
    let mut micros = (diff % MICROS_PER_DAY as u128) as i64;
    if a < b {
        days = -days;
        micros = -micros;
    }
    Interval {
        months: 0,
        days: days as i32,
        micros,
    }
}

pub fn interval_add(a: &Interval, b: &Interval) -> Interval {
    Interval {
        months: a.months.wrapping_add(b.months),
        days: a.days.wrapping_add(b.days),
        micros: a.micros.wrapping_add(b.micros),
    }
}

pub fn interval_sub(a: &Interval, b: &Interval) -> Interval {
    interval_add(a, &negate_interval(b))
}

/// Kuzu's interval division by an integer (remainders carried into days, then micros).
pub fn interval_div(iv: &Interval, rhs: i64) -> Interval {
    if rhs == 0 {
        return *iv;
    }
    let months = iv.months as i64;
    let mrem = months % rhs;
    let days_total = iv.days as i64 + mrem * DAYS_PER_MONTH;
    let drem = days_total % rhs;
    Interval {
        months: (months / rhs) as i32,
        days: (days_total / rhs) as i32,
        micros: (iv.micros + drem * MICROS_PER_DAY) / rhs,
    }
}

/// Normalised (months, days, micros) used by Kuzu to compare intervals.
pub fn interval_normalize(iv: &Interval) -> (i64, i64, i64) {
    let mut days = iv.days as i64;
    let mut micros = iv.micros;
    let extra_months_d = days / DAYS_PER_MONTH;
    let extra_months_micros = micros / MICROS_PER_MONTH;
    days -= extra_months_d * DAYS_PER_MONTH;
    micros -= extra_months_micros * MICROS_PER_MONTH;
    let extra_days_micros = micros / MICROS_PER_DAY;
    micros -= extra_days_micros * MICROS_PER_DAY;
    (
        iv.months as i64 + extra_months_d + extra_months_micros,
        days + extra_days_micros,
        micros,
    )
}

/// Kuzu's interval ordering (on the normalised form).
pub fn interval_cmp(a: &Interval, b: &Interval) -> std::cmp::Ordering {
    interval_normalize(a).cmp(&interval_normalize(b))
}

/// Total micros of an interval with 30-day months (Kuzu's `Interval::getMicro`).
pub fn interval_total_micros(iv: &Interval) -> i64 {
    iv.micros
        .wrapping_add((iv.months as i64).wrapping_mul(MICROS_PER_MONTH))
        .wrapping_add((iv.days as i64).wrapping_mul(MICROS_PER_DAY))
}

// ---------------------------------------------------------------------------------------
// Parts, truncation, names
// ---------------------------------------------------------------------------------------

/// `date_part` of a DATE. Parts below a day and WEEK give 0 (as in Kuzu).
pub fn date_part_of_date(part: DatePart, days: i32) -> i64 {
    let (y, m, d) = civil_from_days(days);
    let y = y as i64;
    match part {
        DatePart::Year => y,
        DatePart::Month => m as i64,
        DatePart::Day => d as i64,
        DatePart::Decade => y / 10,
        DatePart::Century => {
            if y > 0 {
                (y - 1) / 100 + 1
            } else {
                y / 100 - 1
            }
        }
        DatePart::Millennium => {
            if y > 0 {
                (y - 1) / 1000 + 1
            } else {
                y / 1000 - 1
            }
        }
        DatePart::Quarter => (m as i64 - 1) / 3 + 1,
        _ => 0,
    }
}

/// `date_part` of a TIMESTAMP (micros). MICROSECOND counts the micros within the minute
/// (seconds included), MILLISECOND and SECOND likewise, as Kuzu does.
pub fn date_part_of_timestamp(part: DatePart, micros: i64) -> i64 {
    let (d, t) = split_timestamp(micros);
    match part {
        DatePart::Microsecond => t % MICROS_PER_MINUTE,
        DatePart::Millisecond => (t % MICROS_PER_MINUTE) / MICROS_PER_MSEC,
        DatePart::Second => (t % MICROS_PER_MINUTE) / MICROS_PER_SEC,
        DatePart::Minute => (t % MICROS_PER_HOUR) / MICROS_PER_MINUTE,
        DatePart::Hour => t / MICROS_PER_HOUR,
        _ => date_part_of_date(part, d),
    }
}

/// `date_part` of an INTERVAL.
pub fn date_part_of_interval(part: DatePart, iv: &Interval) -> i64 {
    let months = iv.months as i64;
    match part {
        DatePart::Year => months / 12,
        DatePart::Month => months % 12,
        DatePart::Day => iv.days as i64,
        DatePart::Decade => months / 120,
        DatePart::Century => months / 1200,
        DatePart::Millennium => months / 12000,
        DatePart::Quarter => (months % 12) / 3 + 1,
        DatePart::Microsecond => iv.micros % MICROS_PER_MINUTE,
        DatePart::Millisecond => (iv.micros % MICROS_PER_MINUTE) / MICROS_PER_MSEC,
        DatePart::Second => (iv.micros % MICROS_PER_MINUTE) / MICROS_PER_SEC,
        DatePart::Minute => (iv.micros % MICROS_PER_HOUR) / MICROS_PER_MINUTE,
        DatePart::Hour => iv.micros / MICROS_PER_HOUR,
        DatePart::Week => 0,
    }
}

/// `date_trunc` of a DATE.
pub fn date_trunc_date(part: DatePart, days: i32) -> i32 {
    let (y, m, _) = civil_from_days(days);
    match part {
        DatePart::Year => days_from_civil(y, 1, 1),
        DatePart::Month => days_from_civil(y, m, 1),
        DatePart::Decade => days_from_civil((y / 10) * 10, 1, 1),
        DatePart::Century => days_from_civil((y / 100) * 100, 1, 1),
        DatePart::Millennium => days_from_civil((y / 1000) * 1000, 1, 1),
        DatePart::Quarter => days_from_civil(y, 1 + ((m - 1) / 3) * 3, 1),
        _ => days,
    }
}

/// `date_trunc` of a TIMESTAMP (micros).
pub fn date_trunc_timestamp(part: DatePart, micros: i64) -> i64 {
    let (d, t) = split_timestamp(micros);
    let base = d as i64 * MICROS_PER_DAY;
    match part {
        DatePart::Microsecond => micros,
        DatePart::Millisecond => base + t - t % MICROS_PER_MSEC,
        DatePart::Second => base + t - t % MICROS_PER_SEC,
        DatePart::Minute => base + t - t % MICROS_PER_MINUTE,
        DatePart::Hour => base + t - t % MICROS_PER_HOUR,
        _ => date_trunc_date(part, d) as i64 * MICROS_PER_DAY,
    }
}

/// Last day of the date's month.
pub fn last_day(days: i32) -> i32 {
    let (y, m, _) = civil_from_days(days);
    days_from_civil(y, m, days_in_month(y, m))
}

/// 0 = Sunday ... 6 = Saturday.
pub fn day_of_week(days: i32) -> u32 {
    (days as i64 + 4).rem_euclid(7) as u32
}

pub fn day_name(days: i32) -> &'static str {
    [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ][day_of_week(days) as usize]
}

pub fn month_name(days: i32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(civil_from_days(days).1 - 1) as usize]
}

/// 1-based day of the year.
pub fn day_of_year(days: i32) -> u32 {
    let (y, _, _) = civil_from_days(days);
    (days - days_from_civil(y, 1, 1) + 1) as u32
}

// ---------------------------------------------------------------------------------------
// Unit conversions
// ---------------------------------------------------------------------------------------

pub fn date_to_timestamp(days: i32) -> i64 {
    days as i64 * MICROS_PER_DAY
}

/// TIMESTAMP → DATE (floor).
pub fn timestamp_to_date(micros: i64) -> i32 {
    split_timestamp(micros).0
}

/// Micros → nanos, with Kuzu's overflow error.
pub fn micros_to_nanos(micros: i64) -> Result<i64, String> {
    micros
        .checked_mul(1000)
        .ok_or_else(|| format!("Value {micros} * 1000 is not within INT64 range"))
}

/// Nanos → micros (truncating toward zero, as Kuzu's `fromEpochNanoSeconds`).
pub fn nanos_to_micros(nanos: i64) -> i64 {
    nanos / 1000
}

pub fn millis_to_micros(millis: i64) -> Result<i64, String> {
    millis
        .checked_mul(MICROS_PER_MSEC)
        .ok_or_else(|| format!("Value {millis} * 1000 is not within INT64 range"))
}

pub fn secs_to_micros(secs: i64) -> Result<i64, String> {
    secs.checked_mul(MICROS_PER_SEC)
        .ok_or_else(|| format!("Value {secs} * 1000000 is not within INT64 range"))
}

/// Micros → millis / secs (truncating toward zero, as Kuzu's `getEpochMilliSeconds`).
pub fn micros_to_millis(micros: i64) -> i64 {
    micros / MICROS_PER_MSEC
}

pub fn micros_to_secs(micros: i64) -> i64 {
    micros / MICROS_PER_SEC
}

/// `to_timestamp(seconds)`: seconds (double) since the epoch → TIMESTAMP micros, rounded
/// half to even, with Kuzu's error.
pub fn epoch_seconds_to_timestamp(secs: f64) -> Result<i64, String> {
    let v = secs * MICROS_PER_SEC as f64;
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&v) {
        Ok(v.round_ties_even() as i64)
    } else {
        Err("Could not convert epoch seconds to TIMESTAMP".to_string())
    }
}

/// `epoch_ms(ms)`: milliseconds since the epoch → TIMESTAMP micros.
pub fn epoch_ms_to_timestamp(ms: i64) -> Result<i64, String> {
    millis_to_micros(ms)
}

/// `to_epoch_ms(ts)`: TIMESTAMP micros → milliseconds (truncating toward zero).
pub fn timestamp_to_epoch_ms(micros: i64) -> i64 {
    micros / MICROS_PER_MSEC
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(months: i32, days: i32, micros: i64) -> Interval {
        Interval {
            months,
            days,
            micros,
        }
    }

    #[test]
    fn civil_roundtrip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(1900, 1, 1), -25_567);
        assert_eq!(civil_from_days(-25_567), (1900, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(days_from_civil(0, 1, 1)), (0, 1, 1));
        assert_eq!(civil_from_days(days_from_civil(-4, 2, 29)), (-4, 2, 29));
        for d in (-800_000..800_000).step_by(997) {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert!(is_leap_year(2000) && !is_leap_year(1900) && is_leap_year(2024));
        assert!(is_leap_year(0) && is_leap_year(-4) && !is_leap_year(-1));
    }

    #[test]
    fn dates_parse() {
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("2020-1-5"), Ok(days_from_civil(2020, 1, 5)));
        assert_eq!(parse_date("2020/01/05"), Ok(days_from_civil(2020, 1, 5)));
        assert_eq!(parse_date(" 2020-01-05 "), Ok(days_from_civil(2020, 1, 5)));
        assert_eq!(parse_date("2020 1 5"), Ok(days_from_civil(2020, 1, 5)));
        assert_eq!(parse_date("1900-01-01"), Ok(-25_567));
        assert_eq!(parse_date("2000-02-29"), Ok(11_016));
        assert_eq!(
            parse_date("2020-02-30"),
            Err(
                "Error occurred during parsing date. Given: \"2020-02-30\". \
                 Expected format: (YYYY-MM-DD)"
                    .into()
            )
        );
        assert!(parse_date("1900-02-29").is_err());
        assert!(parse_date("2020-01/05").is_err());
        assert!(parse_date("-2020-01-05").is_err());
        assert!(parse_date("2020-01-05 00:00:00").is_err());
        assert!(parse_date("").is_err());
        assert!(parse_date("2020-001-05").is_err());
    }

    #[test]
    fn timestamps_parse() {
        let base = days_from_civil(2020, 1, 5) as i64 * MICROS_PER_DAY;
        let t = |h: i64, m: i64, s: i64| base + ((h * 60 + m) * 60 + s) * MICROS_PER_SEC;
        assert_eq!(parse_timestamp("2020-01-05"), Ok(base));
        assert_eq!(parse_timestamp("2020-01-05 01:02:03"), Ok(t(1, 2, 3)));
        assert_eq!(parse_timestamp("2020-01-05T1:2:3"), Ok(t(1, 2, 3)));
        assert_eq!(parse_timestamp("2020-01-05 01:02:03Z"), Ok(t(1, 2, 3)));
        assert_eq!(
            parse_timestamp("2020-01-05T01:02:03.5+02:30"),
            Ok(t(1, 2, 3) + 500_000 - 150 * MICROS_PER_MINUTE)
        );
        assert_eq!(
            parse_timestamp("2020-01-05 01:02:03-0130"),
            Ok(t(1, 2, 3) + 90 * MICROS_PER_MINUTE)
        );
        assert_eq!(
            parse_timestamp("2020-01-05 01:02:03.123456789"),
            Ok(t(1, 2, 3) + 123_456)
        );
        assert_eq!(
            parse_timestamp("2020-01-05 25:00:00"),
            Err(
                "Error occurred during parsing TIMESTAMP. Given: \"2020-01-05 25:00:00\". \
                 Expected format: (YYYY-MM-DD hh:mm:ss[.zzzzzz][+-TT[:tt]])"
                    .into()
            )
        );
        assert!(parse_timestamp("2020-01-05 x").is_err());
        assert!(parse_timestamp("2020-01-05 01:02").is_err());
        assert!(parse_timestamp("2020-01-05 01:02:03 junk").is_err());
        assert_eq!(parse_timestamp("1969-12-31 23:59:59.999999"), Ok(-1));
    }

    #[test]
    fn intervals_parse() {
        assert_eq!(
            parse_interval("1 year 2 days 3 hours"),
            Ok(iv(12, 2, 3 * MICROS_PER_HOUR))
        );
        assert_eq!(
            parse_interval("1.5 days 36:00:00.25"),
            Ok(iv(0, 1, 48 * MICROS_PER_HOUR + 250_000))
        );
        assert_eq!(parse_interval("14 months"), Ok(iv(14, 0, 0)));
        assert_eq!(parse_interval("@ 2 weeks"), Ok(iv(0, 14, 0)));
        assert_eq!(parse_interval("3 DECADES 1 us"), Ok(iv(360, 0, 1)));
        assert_eq!(parse_interval("48:24:11"), Ok(iv(0, 0, 174_251_000_000)));
        assert_eq!(parse_interval("1.5 months"), Ok(iv(1, 15, 0)));
        assert_eq!(parse_interval("2 ms"), Ok(iv(0, 0, 2000)));
        assert_eq!(
            parse_interval("P1Y"),
            Err("Error occurred during parsing interval. Given: \"P1Y\".".into())
        );
        assert_eq!(
            parse_interval("-1 year"),
            Err("Error occurred during parsing interval. Given: \"-1 year\".".into())
        );
        assert_eq!(
            parse_interval("3 years 2 months 45"),
            Err("Error occurred during parsing interval. Field name is missing.".into())
        );
        assert_eq!(
            parse_interval("20 years 30 months 20 days minutes"),
            Err("Error occurred during parsing interval. Given: \"20 years 30 months 20 days minutes\".".into())
        );
        assert_eq!(
            parse_interval("2 years 30 minutes20 seconds"),
            Err("Unrecognized interval specifier string: minutes20.".into())
        );
        assert_eq!(
            parse_interval("1 foo"),
            Err("Unrecognized interval specifier string: foo.".into())
        );
        assert_eq!(
            parse_interval("1"),
            Err("Error occurred during parsing interval. Field name is missing.".into())
        );
        assert_eq!(
            parse_interval(""),
            Err("Error occurred during parsing interval. Given empty string.".into())
        );
        assert_eq!(
            parse_interval("   "),
            Err("Error occurred during parsing interval. Given: \"   \".".into())
        );
        assert_eq!(
            parse_interval("1 day 12:61:00"),
            Err("Error occurred during parsing time. Given: \"12:61:00\".".into())
        );
        assert_eq!(
            parse_interval("3000000000 days"),
            Err("Value 3000000000 is not within INT32 range".into())
        );
    }

    #[test]
    fn formatting() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(-25_567), "1900-01-01");
        assert_eq!(format_date(days_from_civil(0, 12, 31)), "0001-12-31 (BC)");
        assert_eq!(format_date(days_from_civil(-99, 1, 1)), "0100-01-01 (BC)");
        assert_eq!(format_date(days_from_civil(12345, 6, 7)), "12345-06-07");
        assert_eq!(format_date(days_from_civil(33, 6, 7)), "0033-06-07");
        let ts = parse_timestamp("1986-10-21 21:08:31.521").unwrap_or(0);
        assert_eq!(format_timestamp(ts), "1986-10-21 21:08:31.521");
        assert_eq!(format_timestamp(-1), "1969-12-31 23:59:59.999999");
        assert_eq!(format_timestamp_tz(0), "1970-01-01 00:00:00+00");
        assert_eq!(format_timestamp_ns(1_500), "1970-01-01 00:00:00.000001");
        assert_eq!(format_timestamp_ns(-1_500), "1969-12-31 23:59:59.999999");
        assert_eq!(format_timestamp_ms(1_500), "1970-01-01 00:00:01.5");
        assert_eq!(format_timestamp_sec(86_400), "1970-01-02 00:00:00");
        assert_eq!(format_interval(&iv(0, 0, 0)), "00:00:00");
        assert_eq!(
            format_interval(&iv(125, 0, 13 * MICROS_PER_HOUR + 24)),
            "10 years 5 months 13:00:00.000024"
        );
        assert_eq!(
            format_interval(&iv(240, 30, 48 * MICROS_PER_HOUR)),
            "20 years 30 days 48:00:00"
        );
        assert_eq!(
            format_interval(&iv(1, 1, 1)),
            "1 month 1 day 00:00:00.000001"
        );
        assert_eq!(format_interval(&iv(12, 0, 0)), "1 year");
        assert_eq!(
            format_interval(&iv(-14, -1, -MICROS_PER_HOUR)),
            "-1 years -2 months -1 days -01:00:00"
        );
        assert_eq!(
            format_interval(&iv(0, 0, 1234 * MICROS_PER_HOUR + 500_000)),
            "1234:00:00.5"
        );
    }

    #[test]
    fn arithmetic() {
        let d = |y, m, dd| days_from_civil(y, m, dd);
        assert_eq!(
            date_add_interval(d(2020, 1, 31), &iv(1, 0, 0)),
            Ok(d(2020, 2, 29))
        );
        assert_eq!(
            date_add_interval(d(2019, 1, 31), &iv(1, 0, 0)),
            Ok(d(2019, 2, 28))
        );
        assert_eq!(
            date_add_interval(d(2020, 3, 31), &iv(-1, 0, 0)),
            Ok(d(2020, 2, 29))
        );
        assert_eq!(
            date_add_interval(d(2020, 1, 15), &iv(-13, 0, 0)),
            Ok(d(2018, 12, 15))
        );
        assert_eq!(
            date_add_interval(d(2020, 1, 1), &iv(0, 3, 2 * MICROS_PER_DAY + 5)),
            Ok(d(2020, 1, 6))
        );
        assert_eq!(
            date_sub_interval(d(1, 1, 1), &iv(0, 1, 0)),
            Ok(d(0, 12, 31))
        );
        let ts = date_to_timestamp(d(2020, 1, 1)) + 23 * MICROS_PER_HOUR;
        assert_eq!(
            timestamp_add_interval(ts, &iv(0, 0, 2 * MICROS_PER_HOUR)),
            Ok(date_to_timestamp(d(2020, 1, 2)) + MICROS_PER_HOUR)
        );
        assert_eq!(
            timestamp_sub_interval(ts, &iv(1, 1, 24 * MICROS_PER_HOUR)),
            Ok(date_to_timestamp(d(2019, 11, 29)) + 23 * MICROS_PER_HOUR)
        );
        assert_eq!(timestamp_diff(MICROS_PER_DAY + 5, 0), iv(0, 1, 5));
        assert_eq!(timestamp_diff(0, MICROS_PER_DAY + 5), iv(0, -1, -5));
        assert_eq!(
            interval_div(&iv(3, 1, 0), 2),
            iv(1, 15, 12 * MICROS_PER_HOUR)
        );
        assert_eq!(
            interval_cmp(&iv(1, 0, 0), &iv(0, 30, 0)),
            std::cmp::Ordering::Equal
        );
        assert_eq!(
            interval_cmp(&iv(0, 0, MICROS_PER_DAY + 1), &iv(0, 1, 0)),
            std::cmp::Ordering::Greater
        );
        assert_eq!(interval_total_micros(&iv(1, 1, 1)), 31 * MICROS_PER_DAY + 1);
        assert_eq!(
            make_date(2020, 2, 30),
            Err("Date out of range: 2020-2-30.".into())
        );
        assert_eq!(make_date(2020, 2, 29), Ok(d(2020, 2, 29)));
    }

    #[test]
    fn parts_and_trunc() {
        let d = days_from_civil(2022, 11, 23);
        assert_eq!(date_part_of_date(DatePart::Year, d), 2022);
        assert_eq!(date_part_of_date(DatePart::Quarter, d), 4);
        assert_eq!(date_part_of_date(DatePart::Century, d), 21);
        assert_eq!(date_part_of_date(DatePart::Millennium, d), 3);
        assert_eq!(date_part_of_date(DatePart::Decade, d), 202);
        assert_eq!(date_part_of_date(DatePart::Week, d), 0);
        assert_eq!(
            date_part_of_date(DatePart::Century, days_from_civil(0, 5, 5)),
            -1
        );
        let ts = date_to_timestamp(d)
            + 13 * MICROS_PER_HOUR
            + 14 * MICROS_PER_MINUTE
            + 15 * MICROS_PER_SEC
            + 123_456;
        assert_eq!(date_part_of_timestamp(DatePart::Hour, ts), 13);
        assert_eq!(date_part_of_timestamp(DatePart::Minute, ts), 14);
        assert_eq!(date_part_of_timestamp(DatePart::Second, ts), 15);
        assert_eq!(date_part_of_timestamp(DatePart::Millisecond, ts), 15_123);
        assert_eq!(
            date_part_of_timestamp(DatePart::Microsecond, ts),
            15_123_456
        );
        assert_eq!(date_part_of_timestamp(DatePart::Day, ts), 23);
        let i = iv(14, 3, 25 * MICROS_PER_HOUR + 61 * MICROS_PER_SEC);
        assert_eq!(date_part_of_interval(DatePart::Year, &i), 1);
        assert_eq!(date_part_of_interval(DatePart::Month, &i), 2);
        assert_eq!(date_part_of_interval(DatePart::Hour, &i), 25);
        assert_eq!(date_part_of_interval(DatePart::Minute, &i), 1);
        assert_eq!(date_part_of_interval(DatePart::Second, &i), 1);
        assert_eq!(date_part_of_interval(DatePart::Quarter, &i), 1);
        assert_eq!(
            date_trunc_date(DatePart::Quarter, d),
            days_from_civil(2022, 10, 1)
        );
        assert_eq!(
            date_trunc_date(DatePart::Decade, d),
            days_from_civil(2020, 1, 1)
        );
        assert_eq!(
            date_trunc_date(DatePart::Month, d),
            days_from_civil(2022, 11, 1)
        );
        assert_eq!(
            date_trunc_timestamp(DatePart::Hour, ts),
            date_to_timestamp(d) + 13 * MICROS_PER_HOUR
        );
        assert_eq!(date_trunc_timestamp(DatePart::Millisecond, ts), ts - 456);
        assert_eq!(
            date_trunc_timestamp(DatePart::Year, ts),
            date_to_timestamp(days_from_civil(2022, 1, 1))
        );
        assert_eq!(
            last_day(days_from_civil(2024, 2, 10)),
            days_from_civil(2024, 2, 29)
        );
        assert_eq!(
            last_day(days_from_civil(2023, 12, 10)),
            days_from_civil(2023, 12, 31)
        );
        assert_eq!(day_name(0), "Thursday");
        assert_eq!(day_name(-1), "Wednesday");
        assert_eq!(day_name(days_from_civil(2022, 11, 23)), "Wednesday");
        assert_eq!(month_name(days_from_civil(2022, 11, 23)), "November");
        assert_eq!(day_of_year(days_from_civil(2020, 12, 31)), 366);
        assert_eq!(parse_date_part("YRS"), Ok(DatePart::Year));
        assert_eq!(
            parse_date_part("Fortnight"),
            Err("Unrecognized interval specifier string: fortnight.".into())
        );
        assert_eq!(timestamp_to_date(-1), -1);
        assert_eq!(nanos_to_micros(-1_999), -1);
        assert_eq!(micros_to_millis(-1_999), -1);
        assert_eq!(millis_to_micros(5), Ok(5_000));
        assert!(secs_to_micros(i64::MAX / 10).is_err());
        assert_eq!(epoch_seconds_to_timestamp(1.5), Ok(1_500_000));
        assert_eq!(
            epoch_seconds_to_timestamp(9_223_372_036_854_775_808.0),
            Err("Could not convert epoch seconds to TIMESTAMP".into())
        );
        assert_eq!(epoch_ms_to_timestamp(-5), Ok(-5_000));
        assert_eq!(timestamp_to_epoch_ms(-5_999), -5);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn date_format_parse_roundtrip(d in days_from_civil(1, 1, 1)..days_from_civil(294_000, 1, 1)) {
            prop_assert_eq!(parse_date(&format_date(d)), Ok(d));
        }

        #[test]
        fn timestamp_format_parse_roundtrip(t in -62_000_000_000_000_000i64..9_000_000_000_000_000_000i64) {
            prop_assert_eq!(parse_timestamp(&format_timestamp(t)), Ok(t));
        }

        #[test]
        fn interval_format_parse_roundtrip(m in 0i32..100_000, d in 0i32..100_000, us in 0i64..1_000_000_000_000_000) {
            let iv = Interval { months: m, days: d, micros: us };
            prop_assert_eq!(parse_interval(&format_interval(&iv)), Ok(iv));
        }
    }
}

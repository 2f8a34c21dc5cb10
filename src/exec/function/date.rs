//! DATE / TIMESTAMP / INTERVAL functions and date arithmetic (`+`, `-`), with Kuzu's calendar
//! rules (adding months clamps to the month's last day; micros of an interval added to a DATE
//! count whole days only).

use super::{arg_f64, arg_i64, arg_str, runtime, Registry};
use crate::error::{Error, Result};
use crate::exec::typing::TypeId;
use crate::types::{temporal, Interval, LogicalType, Value};

pub const MICROS_PER_DAY: i64 = 86_400_000_000;
const MICROS_PER_HOUR: i64 = 3_600_000_000;
const MICROS_PER_MINUTE: i64 = 60_000_000;

/// Days since 1970-01-01 of a civil date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub fn month_days(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if is_leap(y) {
                29
            } else {
                28
            }
        }
    }
}

/// DATE + INTERVAL as Kuzu computes it.
pub fn date_add_interval(date: i32, iv: &Interval) -> i32 {
    let mut days = date as i64;
    if iv.months != 0 {
        let (mut y, mut m, d) = civil_from_days(days);
        let total = m as i64 - 1 + iv.months as i64;
        y += total.div_euclid(12);
        m = (total.rem_euclid(12) + 1) as u32;
        let d = d.min(month_days(y, m));
        days = days_from_civil(y, m, d);
    }
    days += iv.days as i64;
    days += iv.micros / MICROS_PER_DAY;
    days as i32
}

/// TIMESTAMP + INTERVAL as Kuzu computes it.
pub fn timestamp_add_interval(ts: i64, iv: &Interval) -> i64 {
    let date = ts.div_euclid(MICROS_PER_DAY) as i32;
    let mut time = ts.rem_euclid(MICROS_PER_DAY);
    let mut d = date_add_interval(date, iv) as i64;
    time += iv.micros % MICROS_PER_DAY;
    if time >= MICROS_PER_DAY {
        time -= MICROS_PER_DAY;
        d += 1;
    } else if time < 0 {
        time += MICROS_PER_DAY;
        d -= 1;
    }
    d.wrapping_mul(MICROS_PER_DAY).wrapping_add(time)
}

fn neg(iv: &Interval) -> Interval {
    Interval {
        months: iv.months.wrapping_neg(),
        days: iv.days.wrapping_neg(),
        micros: iv.micros.wrapping_neg(),
    }
}

fn iv_of(v: &Value) -> Interval {
    match v {
        Value::Interval(i) => *i,
        _ => Interval::default(),
    }
}

fn date_of(v: &Value) -> i32 {
    match v {
        Value::Date(d) => *d,
        _ => 0,
    }
}

fn ts_of(v: &Value) -> i64 {
    match v {
        Value::Timestamp(t) | Value::TimestampTz(t) => *t,
        Value::TimestampMs(t) => t.saturating_mul(1000),
        Value::TimestampSec(t) => t.saturating_mul(1_000_000),
        Value::TimestampNs(t) => t.div_euclid(1000),
        Value::Date(d) => (*d as i64).saturating_mul(MICROS_PER_DAY),
        _ => 0,
    }
}

fn add_iv_iv(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let (x, y) = (iv_of(&a[0]), iv_of(&a[1]));
    Ok(Value::Interval(Interval {
        months: x.months.wrapping_add(y.months),
        days: x.days.wrapping_add(y.days),
        micros: x.micros.wrapping_add(y.micros),
    }))
}
fn sub_iv_iv(a: &[Value], _t: &LogicalType) -> Result<Value> {
    add_iv_iv(&[a[0].clone(), Value::Interval(neg(&iv_of(&a[1])))], _t)
}
fn add_date_int(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Date(
        date_of(&a[0]).wrapping_add(arg_i64(&a[1]) as i32),
    ))
}
fn add_int_date(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Date(
        date_of(&a[1]).wrapping_add(arg_i64(&a[0]) as i32),
    ))
}
fn sub_date_int(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Date(
        date_of(&a[0]).wrapping_sub(arg_i64(&a[1]) as i32),
    ))
}
fn sub_date_date(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Int64(date_of(&a[0]) as i64 - date_of(&a[1]) as i64))
}
fn add_date_iv(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Date(date_add_interval(
        date_of(&a[0]),
        &iv_of(&a[1]),
    )))
}
fn add_iv_date(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Date(date_add_interval(
        date_of(&a[1]),
        &iv_of(&a[0]),
    )))
}
fn sub_date_iv(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Date(date_add_interval(
        date_of(&a[0]),
        &neg(&iv_of(&a[1])),
    )))
}
fn add_ts_iv(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Timestamp(timestamp_add_interval(
        ts_of(&a[0]),
        &iv_of(&a[1]),
    )))
}
fn add_iv_ts(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Timestamp(timestamp_add_interval(
        ts_of(&a[1]),
        &iv_of(&a[0]),
    )))
}
fn sub_ts_iv(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Timestamp(timestamp_add_interval(
        ts_of(&a[0]),
        &neg(&iv_of(&a[1])),
    )))
}
fn sub_ts_ts(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let diff = ts_of(&a[0]).wrapping_sub(ts_of(&a[1]));
    let abs = diff.unsigned_abs() as i64;
    let (mut days, mut micros) = (abs / MICROS_PER_DAY, abs % MICROS_PER_DAY);
    if diff < 0 {
        days = -days;
        micros = -micros;
    }
    Ok(Value::Interval(Interval {
        months: 0,
        days: days as i32,
        micros,
    }))
}

/// Registers the temporal forms of `+` / `-` (called from `arith` to keep Kuzu's order).
pub(super) fn register_arith(r: &mut Registry, name: &str) {
    use TypeId as T;
    if name == "+" {
        r.row("+", &[T::Interval, T::Interval], T::Interval, add_iv_iv);
        r.row("+", &[T::Date, T::Int64], T::Date, add_date_int);
        r.row("+", &[T::Int64, T::Date], T::Date, add_int_date);
        r.row("+", &[T::Date, T::Interval], T::Date, add_date_iv);
        r.row("+", &[T::Interval, T::Date], T::Date, add_iv_date);
        r.row("+", &[T::Timestamp, T::Interval], T::Timestamp, add_ts_iv);
        r.row("+", &[T::Interval, T::Timestamp], T::Timestamp, add_iv_ts);
    } else {
        r.row("-", &[T::Date, T::Date], T::Int64, sub_date_date);
        r.row("-", &[T::Date, T::Int64], T::Date, sub_date_int);
        r.row("-", &[T::Date, T::Interval], T::Date, sub_date_iv);
        r.row("-", &[T::Timestamp, T::Timestamp], T::Interval, sub_ts_ts);
        r.row("-", &[T::Timestamp, T::Interval], T::Timestamp, sub_ts_iv);
        r.row("-", &[T::Interval, T::Interval], T::Interval, sub_iv_iv);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Year,
    Month,
    Day,
    Decade,
    Century,
    Millennium,
    Quarter,
    Week,
    Microsecond,
    Millisecond,
    Second,
    Minute,
    Hour,
}

/// Kuzu's date-part specifier names.
pub fn parse_part(s: &str) -> Result<Part> {
    let l = s.to_ascii_lowercase();
    Ok(match l.as_str() {
        "year" | "yr" | "y" | "years" | "yrs" => Part::Year,
        "month" | "mon" | "months" | "mons" => Part::Month,
        "day" | "days" | "d" | "dayofmonth" => Part::Day,
        "decade" | "dec" | "decades" | "decs" => Part::Decade,
        "century" | "cent" | "centuries" | "c" => Part::Century,
        "millennium" | "mil" | "millenniums" | "millennia" | "mils" | "millenium"
        | "milleniums" => Part::Millennium,
        "microseconds" | "microsecond" | "us" | "usec" | "usecs" | "usecond" | "useconds" => {
            Part::Microsecond
        }
        "milliseconds" | "millisecond" | "ms" | "msec" | "msecs" | "msecond" | "mseconds" => {
            Part::Millisecond
        }
        "second" | "sec" | "seconds" | "secs" | "s" => Part::Second,
        "minute" | "min" | "minutes" | "mins" | "m" => Part::Minute,
        "hour" | "hr" | "hours" | "hrs" | "h" => Part::Hour,
        "week" | "weeks" | "w" | "weekofyear" => Part::Week,
        "quarter" | "quarters" => Part::Quarter,
        _ => {
            return Err(Error::Conversion(format!(
                "Unrecognized interval specifier string: {l}."
            )))
        }
    })
}

fn date_part_of(p: Part, days: i32) -> i64 {
    let (y, m, d) = civil_from_days(days as i64);
    match p {
        Part::Year => y,
        Part::Month => m as i64,
        Part::Day => d as i64,
        Part::Decade => y / 10,
        Part::Century => {
            if y > 0 {
                (y - 1) / 100 + 1
            } else {
                y / 100 - 1
            }
        }
        Part::Millennium => {
            if y > 0 {
                (y - 1) / 1000 + 1
            } else {
                y / 1000 - 1
            }
        }
        Part::Quarter => (m as i64 - 1) / 3 + 1,
        // Kuzu's DATE part table has no WEEK entry and answers 0.
        Part::Week => 0,
        _ => 0,
    }
}

fn ts_part(p: Part, ts: i64) -> i64 {
    let time = ts.rem_euclid(MICROS_PER_DAY);
    match p {
        Part::Microsecond => time % MICROS_PER_MINUTE,
        Part::Millisecond => time % MICROS_PER_MINUTE / 1000,
        Part::Second => time % MICROS_PER_MINUTE / 1_000_000,
        Part::Minute => time % MICROS_PER_HOUR / MICROS_PER_MINUTE,
        Part::Hour => time / MICROS_PER_HOUR,
        _ => date_part_of(p, ts.div_euclid(MICROS_PER_DAY) as i32),
    }
}

fn interval_part(p: Part, iv: &Interval) -> i64 {
    match p {
        Part::Year => (iv.months / 12) as i64,
        Part::Month => (iv.months % 12) as i64,
        Part::Day => iv.days as i64,
        Part::Decade => (iv.months / 120) as i64,
        Part::Century => (iv.months / 1200) as i64,
        Part::Millennium => (iv.months / 12000) as i64,
        Part::Quarter => (iv.months % 12 / 3 + 1) as i64,
        Part::Microsecond => iv.micros % MICROS_PER_MINUTE,
        Part::Millisecond => iv.micros % MICROS_PER_MINUTE / 1000,
        Part::Second => iv.micros % MICROS_PER_MINUTE / 1_000_000,
        Part::Minute => iv.micros % MICROS_PER_HOUR / MICROS_PER_MINUTE,
        Part::Hour => iv.micros / MICROS_PER_HOUR,
        Part::Week => 0,
    }
}

fn date_part(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let p = parse_part(arg_str(&a[0]))?;
    Ok(Value::Int64(match &a[1] {
        Value::Date(d) => date_part_of(p, *d),
        Value::Interval(iv) => interval_part(p, iv),
        other => ts_part(p, ts_of(other)),
    }))
}

fn trunc_date(p: Part, days: i32) -> i32 {
    let (y, m, _) = civil_from_days(days as i64);
    let ymd = |y: i64, m: u32| days_from_civil(y, m, 1) as i32;
    match p {
        Part::Year => ymd(y, 1),
        Part::Month => ymd(y, m),
        Part::Decade => ymd(y / 10 * 10, 1),
        Part::Century => ymd(y / 100 * 100, 1),
        Part::Millennium => ymd(y / 1000 * 1000, 1),
        Part::Quarter => ymd(y, 1 + (m - 1) / 3 * 3),
        _ => days,
    }
}

fn date_trunc(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let p = parse_part(arg_str(&a[0]))?;
    match &a[1] {
        Value::Date(d) => Ok(Value::Date(trunc_date(p, *d))),
        other => {
            let ts = ts_of(other);
            let date = ts.div_euclid(MICROS_PER_DAY);
            let time = ts.rem_euclid(MICROS_PER_DAY);
            let t = match p {
                Part::Microsecond => ts,
                Part::Millisecond => date * MICROS_PER_DAY + time - time % 1000,
                Part::Second => date * MICROS_PER_DAY + time - time % 1_000_000,
                Part::Minute => date * MICROS_PER_DAY + time - time % MICROS_PER_MINUTE,
                Part::Hour => date * MICROS_PER_DAY + time - time % MICROS_PER_HOUR,
                _ => trunc_date(p, date as i32) as i64 * MICROS_PER_DAY,
            };
            Ok(Value::Timestamp(t))
        }
    }
}

fn days_of(v: &Value) -> i32 {
    match v {
        Value::Date(d) => *d,
        other => ts_of(other).div_euclid(MICROS_PER_DAY) as i32,
    }
}

fn dayname(a: &[Value], _t: &LogicalType) -> Result<Value> {
    const N: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    let d = days_of(&a[0]) as i64;
    Ok(Value::String(N[(d + 4).rem_euclid(7) as usize].into()))
}

fn monthname(a: &[Value], _t: &LogicalType) -> Result<Value> {
    const N: [&str; 12] = [
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
    let (_, m, _) = civil_from_days(days_of(&a[0]) as i64);
    Ok(Value::String(N[m as usize - 1].into()))
}

fn last_day(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let (y, m, _) = civil_from_days(days_of(&a[0]) as i64);
    Ok(Value::Date(days_from_civil(y, m, month_days(y, m)) as i32))
}

fn century(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Int64(date_part_of(Part::Century, days_of(&a[0]))))
}

fn make_date(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let (y, m, d) = (arg_i64(&a[0]), arg_i64(&a[1]), arg_i64(&a[2]));
    if !(-290_000..=294_247).contains(&y)
        || !(1..=12).contains(&m)
        || d < 1
        || d > month_days(y, m as u32) as i64
    {
        return Err(Error::Conversion(format!(
            "Date out of range: {y}-{m}-{d}."
        )));
    }
    Ok(Value::Date(days_from_civil(y, m as u32, d as u32) as i32))
}

fn epoch_ms(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Timestamp(arg_i64(&a[0]).saturating_mul(1000)))
}

fn to_epoch_ms(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Int64(ts_of(&a[0]).div_euclid(1000)))
}

fn to_timestamp(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let micros = arg_f64(&a[0]) * 1e6;
    if !micros.is_finite() || micros >= i64::MAX as f64 || micros < i64::MIN as f64 {
        return Err(Error::Conversion(
            "Could not convert epoch seconds to TIMESTAMP".into(),
        ));
    }
    Ok(Value::Timestamp(micros as i64))
}

fn date_fn(a: &[Value], _t: &LogicalType) -> Result<Value> {
    temporal::parse_date(arg_str(&a[0]))
        .map(Value::Date)
        .map_err(Error::Conversion)
}

fn timestamp_fn(a: &[Value], _t: &LogicalType) -> Result<Value> {
    temporal::parse_timestamp(arg_str(&a[0]))
        .map(Value::Timestamp)
        .map_err(Error::Conversion)
}

fn interval_fn(a: &[Value], _t: &LogicalType) -> Result<Value> {
    temporal::parse_interval(arg_str(&a[0]))
        .map(Value::Interval)
        .map_err(Error::Conversion)
}

fn now_micros() -> Result<i64> {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| runtime(e.to_string()))?;
    Ok(d.as_micros() as i64)
}

fn current_date(_a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Date(now_micros()?.div_euclid(MICROS_PER_DAY) as i32))
}

fn current_timestamp(_a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::TimestampTz(now_micros()? / 1000 * 1000))
}

macro_rules! to_interval {
    ($name:ident, $months:expr, $days:expr, $micros:expr) => {
        fn $name(a: &[Value], _t: &LogicalType) -> Result<Value> {
            let n = arg_i64(&a[0]);
            let ovf = || Error::Overflow(format!("Value {n} is not within INTERVAL range"));
            Ok(Value::Interval(Interval {
                months: i32::try_from(n.checked_mul($months).ok_or_else(ovf)?)
                    .map_err(|_| ovf())?,
                days: i32::try_from(n.checked_mul($days).ok_or_else(ovf)?).map_err(|_| ovf())?,
                micros: n.checked_mul($micros).ok_or_else(ovf)?,
            }))
        }
    };
}
to_interval!(to_years, 12, 0, 0);
to_interval!(to_months, 1, 0, 0);
to_interval!(to_days, 0, 1, 0);
to_interval!(to_hours, 0, 0, MICROS_PER_HOUR);
to_interval!(to_minutes, 0, 0, MICROS_PER_MINUTE);
to_interval!(to_seconds, 0, 0, 1_000_000);
to_interval!(to_milliseconds, 0, 0, 1000);
to_interval!(to_microseconds, 0, 0, 1);

pub(super) fn register(r: &mut Registry) {
    use TypeId as T;
    r.row("DATE", &[T::String], T::Date, date_fn);
    r.row("TIMESTAMP", &[T::String], T::Timestamp, timestamp_fn);
    r.row("INTERVAL", &[T::String], T::Interval, interval_fn);
    r.alias("TO_INTERVAL", "INTERVAL");
    for t in [T::Date, T::Timestamp, T::Interval] {
        r.row("DATE_PART", &[T::String, t], T::Int64, date_part);
    }
    r.alias("DATEPART", "DATE_PART");
    r.row("DATE_TRUNC", &[T::String, T::Date], T::Date, date_trunc);
    r.row(
        "DATE_TRUNC",
        &[T::String, T::Timestamp],
        T::Timestamp,
        date_trunc,
    );
    r.alias("DATETRUNC", "DATE_TRUNC");
    for t in [T::Date, T::Timestamp] {
        r.row("DAYNAME", &[t], T::String, dayname);
        r.row("MONTHNAME", &[t], T::String, monthname);
        r.row("LAST_DAY", &[t], T::Date, last_day);
        r.row("CENTURY", &[t], T::Int64, century);
    }
    r.row(
        "MAKE_DATE",
        &[T::Int64, T::Int64, T::Int64],
        T::Date,
        make_date,
    );
    r.row("EPOCH_MS", &[T::Int64], T::Timestamp, epoch_ms);
    r.row("TO_EPOCH_MS", &[T::Timestamp], T::Int64, to_epoch_ms);
    r.row("TO_TIMESTAMP", &[T::Double], T::Timestamp, to_timestamp);
    r.row("CURRENT_DATE", &[], T::Date, current_date).volatile();
    r.row("CURRENT_TIMESTAMP", &[], T::TimestampTz, current_timestamp)
        .volatile();
    let iv: [(&str, super::RowFn); 8] = [
        ("TO_YEARS", to_years),
        ("TO_MONTHS", to_months),
        ("TO_DAYS", to_days),
        ("TO_HOURS", to_hours),
        ("TO_MINUTES", to_minutes),
        ("TO_SECONDS", to_seconds),
        ("TO_MILLISECONDS", to_milliseconds),
        ("TO_MICROSECONDS", to_microseconds),
    ];
    for (n, f) in iv {
        r.row(n, &[T::Int64], T::Interval, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::function::call_values;

    fn d(y: i64, m: u32, dd: u32) -> Value {
        Value::Date(days_from_civil(y, m, dd) as i32)
    }

    #[test]
    fn calendar_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn date_arithmetic() {
        let jan31 = d(2020, 1, 31);
        let one_month = Value::Interval(Interval {
            months: 1,
            days: 0,
            micros: 0,
        });
        assert_eq!(
            call_values("+", &[jan31.clone(), one_month]).unwrap(),
            d(2020, 2, 29)
        );
        assert_eq!(
            call_values("-", &[d(2020, 3, 1), d(2020, 2, 1)]).unwrap(),
            Value::Int64(29)
        );
        assert_eq!(
            call_values("+", &[jan31, Value::Int64(1)]).unwrap(),
            d(2020, 2, 1)
        );
        let ts = Value::Timestamp(MICROS_PER_DAY + 3_600_000_000);
        assert_eq!(
            call_values("-", &[ts, Value::Timestamp(0)]).unwrap(),
            Value::Interval(Interval {
                months: 0,
                days: 1,
                micros: 3_600_000_000
            })
        );
    }

    #[test]
    fn parts_and_names() {
        let s = |x: &str| Value::String(x.into());
        let day = d(2022, 11, 7);
        assert_eq!(
            call_values("date_part", &[s("year"), day.clone()]).unwrap(),
            Value::Int64(2022)
        );
        assert_eq!(
            call_values("date_part", &[s("quarter"), day.clone()]).unwrap(),
            Value::Int64(4)
        );
        assert_eq!(
            call_values("dayname", std::slice::from_ref(&day)).unwrap(),
            s("Monday")
        );
        assert_eq!(
            call_values("monthname", std::slice::from_ref(&day)).unwrap(),
            s("November")
        );
        assert_eq!(
            call_values("last_day", std::slice::from_ref(&day)).unwrap(),
            d(2022, 11, 30)
        );
        assert_eq!(
            call_values("date_trunc", &[s("month"), day]).unwrap(),
            d(2022, 11, 1)
        );
        assert_eq!(
            call_values("century", &[d(2000, 1, 1)]).unwrap(),
            Value::Int64(20)
        );
        assert_eq!(
            call_values("date_part", &[s("bogus"), d(2000, 1, 1)])
                .unwrap_err()
                .to_string(),
            "Conversion exception: Unrecognized interval specifier string: bogus."
        );
        assert_eq!(
            call_values(
                "make_date",
                &[Value::Int64(2020), Value::Int64(2), Value::Int64(29)]
            )
            .unwrap(),
            d(2020, 2, 29)
        );
    }
}

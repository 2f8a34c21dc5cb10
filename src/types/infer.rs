//! Type relationships Kuzu uses when it has to pick a type: implicit-cast costs
//! (`cast_cost`, Kuzu's `BuiltInFunctionsUtils::getCastCost`), the common supertype of two
//! types (`max_logical_type`, `tryGetMaxLogicalType`), the always-succeeding combination used
//! by CSV sniffing (`combine_types`), and the type a CSV text looks like (`infer_type`,
//! Kuzu's `inferMinimalTypeFromString`, used by `LOAD FROM` without a schema).

use super::cast::{parse_i128, smart_split};
use super::temporal;
use super::LogicalType;
use regex::Regex;
use std::sync::OnceLock;

/// Cost of an implicit cast from `from` to `to` (0 = same type), `None` when Kuzu does not
/// cast implicitly. Any type except BLOB, INTERNAL_ID and graph types casts to STRING (149).
pub fn cast_cost(from: &LogicalType, to: &LogicalType) -> Option<u32> {
    use LogicalType as T;
    if std::mem::discriminant(from) == std::mem::discriminant(to) {
        return Some(0);
    }
    if matches!(from, T::Any) || matches!(to, T::Any) {
        return Some(1);
    }
    if matches!(to, T::String) {
        return match from {
            T::Blob | T::InternalId | T::Node | T::Rel | T::RecursiveRel => None,
            _ => Some(target_type_cost(to)),
        };
    }
    let ok = match from {
        T::Int64 => {
            if matches!(to, T::Serial) {
                return Some(0);
            }
            matches!(to, T::Int128 | T::Float | T::Double | T::Decimal { .. })
        }
        T::Int32 => matches!(
            to,
            T::Serial | T::Int64 | T::Int128 | T::Float | T::Double | T::Decimal { .. }
        ),
        T::Int16 => matches!(
            to,
            T::Serial | T::Int32 | T::Int64 | T::Int128 | T::Float | T::Double | T::Decimal { .. }
        ),
        T::Int8 => matches!(
            to,
            T::Serial
                | T::Int16
                | T::Int32
                | T::Int64
                | T::Int128
                | T::Float
                | T::Double
                | T::Decimal { .. }
        ),
        T::UInt64 => matches!(to, T::Int128 | T::Float | T::Double | T::Decimal { .. }),
        T::UInt32 => matches!(
            to,
            T::Serial | T::Int64 | T::Int128 | T::UInt64 | T::Float | T::Double | T::Decimal { .. }
        ),
        T::UInt16 => matches!(
            to,
            T::Int32
                | T::Serial
                | T::Int64
                | T::Int128
                | T::UInt32
                | T::UInt64
                | T::Float
                | T::Double
                | T::Decimal { .. }
        ),
        T::UInt8 => matches!(
            to,
            T::Int16
                | T::Int32
                | T::Serial
                | T::Int64
                | T::Int128
                | T::UInt16
                | T::UInt32
                | T::UInt64
                | T::Float
                | T::Double
                | T::Decimal { .. }
        ),
        T::Int128 => matches!(to, T::Float | T::Double | T::Decimal { .. }),
        T::Float => matches!(to, T::Double),
        T::Decimal { .. } => matches!(to, T::Float | T::Double),
        T::Date => matches!(to, T::Timestamp),
        T::Serial => {
            if matches!(to, T::Int64) {
                return Some(0);
            }
            false
        }
        T::TimestampSec | T::TimestampMs | T::TimestampNs | T::TimestampTz => {
            matches!(to, T::Timestamp)
        }
        T::List(_) => matches!(to, T::Array(..)),
        T::Array(..) => matches!(to, T::List(_)),
        _ => false,
    };
    ok.then(|| target_type_cost(to))
}

/// Kuzu's `getTargetTypeCost`.
pub fn target_type_cost(to: &LogicalType) -> u32 {
    use LogicalType as T;
    match to {
        T::Serial | T::Int16 => 100,
        T::Int64 => 101,
        T::Int32 => 102,
        T::Int128 => 103,
        T::Decimal { .. } => 104,
        T::Double => 105,
        T::Timestamp => 120,
        T::String => 149,
        T::Struct(_) | T::Map(..) | T::Array(..) | T::List(_) | T::Union(_) => 160,
        _ => 110,
    }
}

fn is_unsigned(t: &LogicalType) -> bool {
    matches!(
        t,
        LogicalType::UInt8 | LogicalType::UInt16 | LogicalType::UInt32 | LogicalType::UInt64
    )
}

fn integer_digits(t: &LogicalType) -> u32 {
    use LogicalType as T;
    match t {
        T::Int8 | T::UInt8 => 3,
        T::Int16 | T::UInt16 => 5,
        T::Int32 | T::UInt32 => 10,
        T::Int64 | T::Serial => 19,
        T::UInt64 => 20,
        T::Int128 => 39,
        _ => 39,
    }
}

fn fixed_size(t: &LogicalType) -> usize {
    t.fixed_width().unwrap_or(0)
}

fn time_order(t: &LogicalType) -> u32 {
    use LogicalType as T;
    match t {
        T::Date => 50,
        T::TimestampSec => 51,
        T::TimestampMs => 52,
        T::Timestamp => 53,
        T::TimestampTz => 54,
        T::TimestampNs => 55,
        _ => 0,
    }
}

fn is_nested(t: &LogicalType) -> bool {
    matches!(
        t,
        LogicalType::List(_)
            | LogicalType::Array(..)
            | LogicalType::Struct(_)
            | LogicalType::Map(..)
            | LogicalType::Union(_)
            | LogicalType::Node
            | LogicalType::Rel
            | LogicalType::RecursiveRel
    )
}

/// Kuzu's `tryGetMaxLogicalType`: the type both `a` and `b` implicitly cast to, if any.
pub fn max_logical_type(a: &LogicalType, b: &LogicalType) -> Option<LogicalType> {
    use LogicalType as T;
    let always = |t: &LogicalType| matches!(t, T::Any | T::String);
    if always(a) && always(b) {
        return Some(if matches!(a, T::String) { a } else { b }.clone());
    }
    if a == b || always(a) {
        return Some(b.clone());
    }
    if always(b) {
        return Some(a.clone());
    }
    match (a, b) {
        (
            T::Decimal {
                precision: pa,
                scale: sa,
            },
            T::Decimal {
                precision: pb,
                scale: sb,
            },
        ) => {
            let scale = (*sa).max(*sb);
            let precision = (pa - sa).max(pb - sb) as u32 + scale as u32;
            return Some(if precision > 38 {
                T::Double
            } else {
                T::Decimal {
                    precision: precision as u8,
                    scale,
                }
            });
        }
        (T::Decimal { precision, scale }, other) | (other, T::Decimal { precision, scale })
            if other.is_numeric() =>
        {
            let digits = if other.is_integer() {
                integer_digits(other)
            } else {
                39
            };
            return Some(if digits + *scale as u32 > 38 {
                T::Double
            } else {
                T::Decimal {
                    precision: ((digits + *scale as u32) as u8).max(*precision),
                    scale: *scale,
                }
            });
        }
        _ => {}
    }
    if is_nested(a) || is_nested(b) {
        return match (a, b) {
            (T::List(x), T::Array(y, _)) | (T::Array(y, _), T::List(x)) => {
                Some(T::List(Box::new(max_logical_type(x, y)?)))
            }
            (T::List(x), T::List(y)) => Some(T::List(Box::new(max_logical_type(x, y)?))),
            (T::Array(x, n), T::Array(y, m)) => {
                let c = max_logical_type(x, y)?;
                Some(if n == m {
                    T::Array(Box::new(c), *n)
                } else {
                    T::List(Box::new(c))
                })
            }
            (T::Struct(fa), T::Struct(fb)) => {
                if fa.len() != fb.len() {
                    return None;
                }
                let mut out = Vec::with_capacity(fa.len());
                for ((na, ta), (nb, tb)) in fa.iter().zip(fb) {
                    if na != nb {
                        return None;
                    }
                    out.push((na.clone(), max_logical_type(ta, tb)?));
                }
                Some(T::Struct(out))
            }
            (T::Map(ka, va), T::Map(kb, vb)) => Some(T::Map(
                Box::new(max_logical_type(ka, kb)?),
                Box::new(max_logical_type(va, vb)?),
            )),
            _ => None,
        };
    }
    let ab = cast_cost(a, b);
    let ba = cast_cost(b, a);
    if ab.is_some() || ba.is_some() {
        let (ab, ba) = (ab.unwrap_or(u32::MAX), ba.unwrap_or(u32::MAX));
        return Some(if ab < ba { b.clone() } else { a.clone() });
    }
    if a.is_integer() && b.is_integer() && is_unsigned(a) != is_unsigned(b) {
        let (signed, unsigned) = if is_unsigned(a) { (b, a) } else { (a, b) };
        let widened = match unsigned {
            T::UInt8 => T::Int16,
            T::UInt16 => T::Int32,
            T::UInt32 => T::Int64,
            T::UInt64 => T::Int128,
            _ => return Some(T::Double),
        };
        return Some(if fixed_size(signed) > fixed_size(&widened) {
            signed.clone()
        } else {
            widened
        });
    }
    let (oa, ob) = (time_order(a), time_order(b));
    if oa > 0 && ob > 0 {
        return Some(if oa > ob { a.clone() } else { b.clone() });
    }
    None
}

/// Kuzu's `LogicalTypeUtils::combineTypes`: like `max_logical_type`, but STRING wins and
/// incompatible types give STRING; structs merge by field name.
pub fn combine_types(a: &LogicalType, b: &LogicalType) -> LogicalType {
    use LogicalType as T;
    if matches!(a, T::String) || matches!(b, T::String) {
        return T::String;
    }
    match (a, b) {
        (T::Struct(fa), T::Struct(fb)) => {
            let mut out: Vec<(String, LogicalType)> = Vec::new();
            for (n, t) in fa {
                match fb.iter().find(|(m, _)| m.eq_ignore_ascii_case(n)) {
                    Some((_, u)) => out.push((n.clone(), combine_types(t, u))),
                    None => out.push((n.clone(), t.clone())),
                }
            }
            for (n, t) in fb {
                if !fa.iter().any(|(m, _)| m.eq_ignore_ascii_case(n)) {
                    out.push((n.clone(), t.clone()));
                }
            }
            T::Struct(out)
        }
        (T::List(x), T::List(y)) => T::List(Box::new(combine_types(x, y))),
        (T::Map(ka, va), T::Map(kb, vb)) => T::Map(
            Box::new(combine_types(ka, kb)),
            Box::new(combine_types(va, vb)),
        ),
        _ => max_logical_type(a, b).unwrap_or(T::String),
    }
}

fn regexes() -> &'static [Regex; 4] {
    static RE: OnceLock<[Regex; 4]> = OnceLock::new();
    RE.get_or_init(|| {
        let unit = "(?:YEARS?|YRS?|Y|MONS?|MONTHS?|DAYS?|D|DAYOFMONTH|DECADES?|DECS?|CENTURY|\
                    CENTURIES|CENT|C|MILLENN?IUMS?|MILS?|MILLENNIA|MICROSECONDS?|US|USECS?|\
                    USECONDS?|MILLISECONDS?|MS|SECONDS?|SECS?|S|MINUTES?|MINS?|M|HOURS?|HRS?|H|\
                    WEEKS?|WEEKOFYEAR|W|QUARTERS?)";
        let interval1 = format!(
            r"^(?i)(?:0|[1-9]\d*) +{unit}(?: +(?:0|[1-9]\d*) +{unit})*(?: +\d+:\d{{2}}:\d{{2}}(?:\.\d+)?)?$"
        );
        // Constant patterns: failing to compile them is a programming error.
        let build = |p: &str| Regex::new(p).expect("static regex");
        [
            build(r"^(?:\d{4}/\d{1,2}/\d{1,2}|\d{4}-\d{1,2}-\d{1,2}|\d{4} \d{1,2} \d{1,2}|\d{4}\\\d{1,2}\\\d{1,2})$"),
            build(r"^(?i)[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$"),
            build(&interval1),
            build(r"^\d+:\d{2}:\d{2}(?:\.\d+)?$"),
        ]
    })
}

fn is_int_text(s: &str) -> bool {
    let d = s.strip_prefix('-').unwrap_or(s);
    d == "0" || (!d.is_empty() && !d.starts_with('0') && d.bytes().all(|c| c.is_ascii_digit()))
}

fn is_real_text(s: &str) -> bool {
    // (\+|-)?(0|[1-9]\d*)?\.(\d*)
    let d = s.strip_prefix(['+', '-']).unwrap_or(s);
    let Some((int, frac)) = d.split_once('.') else {
        return false;
    };
    (int.is_empty()
        || int == "0"
        || (!int.starts_with('0') && int.bytes().all(|c| c.is_ascii_digit())))
        && frac.bytes().all(|c| c.is_ascii_digit())
}

fn infer_map_or_struct(s: &str) -> LogicalType {
    use LogicalType as T;
    let inner = &s[1..s.len() - 1];
    let parts = smart_split(inner, b',', 0);
    let is_map = parts.iter().all(|p| smart_split(p, b'=', 2).len() == 2);
    let is_struct = parts.iter().all(|p| smart_split(p, b':', 2).len() == 2);
    if is_map {
        let (mut k, mut v) = (T::Any, T::Any);
        for p in &parts {
            let kv = smart_split(p, b'=', 2);
            k = combine_types(&k, &infer_type(kv[0]));
            v = combine_types(&v, &infer_type(kv[1]));
        }
        T::Map(Box::new(k), Box::new(v))
    } else if is_struct {
        let mut fields = Vec::new();
        for p in &parts {
            let kv = smart_split(p, b':', 2);
            let key = kv[0].trim();
            let key = key.strip_prefix('\'').unwrap_or(key);
            let key = key.strip_suffix('\'').unwrap_or(key);
            fields.push((key.to_string(), infer_type(kv[1])));
        }
        T::Struct(fields)
    } else {
        T::String
    }
}

/// Kuzu's `inferMinimalTypeFromString` (CSV sniffing): the narrowest of ANY (empty, NULL,
/// NAN), BOOL, INT64/INT128, DECIMAL(p, s) or DOUBLE, DATE, TIMESTAMP, UUID, INTERVAL, lists
/// `[..]`, maps/structs `{..}`, else STRING.
pub fn infer_type(text: &str) -> LogicalType {
    use LogicalType as T;
    let s = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let ieq = |x: &str| s.eq_ignore_ascii_case(x);
    if ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"]
        .iter()
        .any(|x| ieq(x))
    {
        return T::Double;
    }
    if s.is_empty() || ieq("null") || ieq("nan") {
        return T::Any;
    }
    if ["t", "f", "true", "false"].iter().any(|x| ieq(x)) {
        return T::Bool;
    }
    if is_int_text(s) {
        if s.len() >= 40 {
            return T::Double;
        }
        return match parse_i128(s.as_bytes()) {
            Some(v) if i64::try_from(v).is_ok() => T::Int64,
            Some(_) => T::Int128,
            None => T::String,
        };
    }
    if is_real_text(s) {
        let d = s.strip_prefix('-').unwrap_or(s);
        if d.len() <= 38 {
            let point = d.find('.').unwrap_or(0);
            return T::Decimal {
                precision: (d.len() - 1) as u8,
                scale: (d.len() - point - 1) as u8,
            };
        }
        return T::Double;
    }
    let re = regexes();
    if re[0].is_match(s) {
        return T::Date;
    }
    if temporal::try_parse_timestamp(s).is_some() {
        return T::Timestamp;
    }
    if re[1].is_match(s) {
        return T::Uuid;
    }
    if re[2].is_match(s) || re[3].is_match(s) {
        return T::Interval;
    }
    if s.starts_with('[') && s.ends_with(']') && s.len() >= 2 {
        let mut child = T::Any;
        for p in smart_split(&s[1..s.len() - 1], b',', 0) {
            child = combine_types(&child, &infer_type(p));
        }
        return T::List(Box::new(child));
    }
    if s.starts_with('{') && s.ends_with('}') && s.len() >= 2 {
        return infer_map_or_struct(s);
    }
    T::String
}

/// Replaces ANY (nothing seen yet) by STRING, recursively: the last step of Kuzu's CSV
/// sniffing (`NULL` → STRING, `[]` → STRING[]).
pub fn any_to_string(t: &LogicalType) -> LogicalType {
    use LogicalType as T;
    match t {
        T::Any => T::String,
        T::List(c) => T::List(Box::new(any_to_string(c))),
        T::Array(c, n) => T::Array(Box::new(any_to_string(c)), *n),
        T::Map(k, v) => T::Map(Box::new(any_to_string(k)), Box::new(any_to_string(v))),
        T::Struct(f) => T::Struct(
            f.iter()
                .map(|(n, t)| (n.clone(), any_to_string(t)))
                .collect(),
        ),
        T::Union(f) => T::Union(
            f.iter()
                .map(|(n, t)| (n.clone(), any_to_string(t)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LogicalType as T;

    fn dec(precision: u8, scale: u8) -> LogicalType {
        T::Decimal { precision, scale }
    }

    #[test]
    fn costs() {
        assert_eq!(cast_cost(&T::Int64, &T::Int64), Some(0));
        assert_eq!(cast_cost(&T::Int32, &T::Int64), Some(101));
        assert_eq!(cast_cost(&T::Int64, &T::Int32), None);
        assert_eq!(cast_cost(&T::Int64, &T::Double), Some(105));
        assert_eq!(cast_cost(&T::Double, &T::Int64), None);
        assert_eq!(cast_cost(&T::Date, &T::Timestamp), Some(120));
        assert_eq!(cast_cost(&T::Int64, &T::String), Some(149));
        assert_eq!(cast_cost(&T::Blob, &T::String), None);
        assert_eq!(cast_cost(&T::Any, &T::Date), Some(1));
        assert_eq!(cast_cost(&T::Serial, &T::Int64), Some(0));
        assert_eq!(
            cast_cost(
                &T::List(Box::new(T::Int64)),
                &T::Array(Box::new(T::Int64), 3)
            ),
            Some(160)
        );
    }

    #[test]
    fn supertypes() {
        assert_eq!(max_logical_type(&T::Int64, &T::Double), Some(T::Double));
        assert_eq!(max_logical_type(&T::Int32, &T::Int64), Some(T::Int64));
        assert_eq!(max_logical_type(&T::Int8, &T::UInt64), Some(T::Int128));
        assert_eq!(max_logical_type(&T::Int64, &T::UInt8), Some(T::Int64));
        assert_eq!(max_logical_type(&T::Any, &T::Date), Some(T::Date));
        assert_eq!(max_logical_type(&T::String, &T::Any), Some(T::String));
        assert_eq!(max_logical_type(&T::Int64, &T::String), Some(T::Int64));
        assert_eq!(
            max_logical_type(&T::Date, &T::Timestamp),
            Some(T::Timestamp)
        );
        assert_eq!(
            max_logical_type(&T::TimestampNs, &T::TimestampMs),
            Some(T::TimestampNs)
        );
        assert_eq!(max_logical_type(&T::Bool, &T::Int64), None);
        assert_eq!(max_logical_type(&dec(5, 2), &dec(4, 3)), Some(dec(6, 3)));
        assert_eq!(max_logical_type(&dec(5, 2), &T::Int64), Some(dec(21, 2)));
        assert_eq!(max_logical_type(&dec(5, 2), &T::Double), Some(T::Double));
        assert_eq!(
            max_logical_type(&T::List(Box::new(T::Int64)), &T::List(Box::new(T::Double))),
            Some(T::List(Box::new(T::Double)))
        );
        assert_eq!(
            max_logical_type(
                &T::Array(Box::new(T::Int64), 2),
                &T::Array(Box::new(T::Int32), 3)
            ),
            Some(T::List(Box::new(T::Int64)))
        );
        assert_eq!(
            max_logical_type(
                &T::Struct(vec![("a".into(), T::Int64)]),
                &T::Struct(vec![("b".into(), T::Int64)])
            ),
            None
        );
        assert_eq!(combine_types(&T::Int64, &T::Bool), T::String);
        assert_eq!(combine_types(&T::Any, &T::Int64), T::Int64);
        assert_eq!(
            combine_types(
                &T::Struct(vec![("a".into(), T::Int64)]),
                &T::Struct(vec![("b".into(), T::Bool)])
            ),
            T::Struct(vec![("a".into(), T::Int64), ("b".into(), T::Bool)])
        );
    }

    #[test]
    fn sniffing() {
        assert_eq!(infer_type(""), T::Any);
        assert_eq!(infer_type("NULL"), T::Any);
        assert_eq!(infer_type("-inf"), T::Double);
        assert_eq!(infer_type("True"), T::Bool);
        assert_eq!(infer_type("f"), T::Bool);
        assert_eq!(infer_type("-12"), T::Int64);
        assert_eq!(infer_type("012"), T::String);
        assert_eq!(infer_type("99999999999999999999"), T::Int128);
        assert_eq!(infer_type("1.5"), dec(2, 1));
        assert_eq!(infer_type("-0.0000000000000000"), dec(17, 16));
        assert_eq!(infer_type(".5"), dec(1, 1));
        assert_eq!(infer_type("1e5"), T::String);
        assert_eq!(infer_type("2020-1-05"), T::Date);
        assert_eq!(infer_type("2020-01-05 10:00:00"), T::Timestamp);
        assert_eq!(infer_type("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), T::Uuid);
        assert_eq!(infer_type("3 years 2 days"), T::Interval);
        assert_eq!(infer_type("10:00:00"), T::Interval);
        assert_eq!(infer_type("[1,2,3]"), T::List(Box::new(T::Int64)));
        assert_eq!(infer_type("[0.0,0.0,0.0]"), T::List(Box::new(dec(2, 1))));
        assert_eq!(infer_type("[1,a]"), T::List(Box::new(T::String)));
        assert_eq!(infer_type("[]"), T::List(Box::new(T::Any)));
        assert_eq!(
            infer_type("{a=1, b=2}"),
            T::Map(Box::new(T::String), Box::new(T::Int64))
        );
        assert_eq!(
            infer_type("{'a': 1, b: x}"),
            T::Struct(vec![("a".into(), T::Int64), ("b".into(), T::String)])
        );
        assert_eq!(infer_type("hello"), T::String);
        assert_eq!(infer_type("[1.5, 2]"), T::List(Box::new(dec(20, 1))));
        assert_eq!(infer_type("+1.5"), dec(3, 1));
        assert_eq!(infer_type("1."), dec(1, 0));
        assert_eq!(infer_type("5 days 10:00:00"), T::Interval);
        assert_eq!(
            any_to_string(&infer_type("[]")),
            T::List(Box::new(T::String))
        );
        assert_eq!(any_to_string(&infer_type("NULL")), T::String);
    }
}

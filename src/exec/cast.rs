//! Value-level casts used by the executor (CAST, implicit casts the binder inserts,
//! conversions when values are written into typed columns).
//!
//! Owns: `cast_value`. This covers numeric, boolean, string, temporal and nested casts with
//! Kuzu's messages; text rendering goes through `Value`'s `Display` (Kuzu's rendering, owned by
//! `types::render`) and text parsing of temporal types through `types::temporal`. When
//! `types::cast::cast_value` is complete, this module should delegate the cases it lacks.

use crate::error::{Error, Result};
use crate::types::temporal;
use crate::types::{LogicalType, Value};

const MICROS_PER_DAY: i64 = 86_400_000_000;

fn unsupported(v: &Value, to: &LogicalType) -> Error {
    Error::Conversion(format!(
        "Unsupported casting function from {} to {to}.",
        super::values::type_of_value(v)
    ))
}

/// Kuzu renders a double in messages and casts to text with C's `%f`.
pub fn format_double(d: f64) -> String {
    if d.is_nan() {
        if d.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        }
    } else if d.is_infinite() {
        if d > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        }
    } else {
        format!("{d:.6}")
    }
}

/// Text of a value as `CAST(x AS STRING)` gives it.
pub fn value_to_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int8(x) => x.to_string(),
        Value::Int16(x) => x.to_string(),
        Value::Int32(x) => x.to_string(),
        Value::Int64(x) => x.to_string(),
        Value::Int128(x) => x.to_string(),
        Value::UInt8(x) => x.to_string(),
        Value::UInt16(x) => x.to_string(),
        Value::UInt32(x) => x.to_string(),
        Value::UInt64(x) => x.to_string(),
        Value::Float(x) => format_double(*x as f64),
        Value::Double(x) => format_double(*x),
        Value::String(s) => s.clone(),
        Value::List(items) | Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(value_to_text).collect();
            format!("[{}]", parts.join(","))
        }
        Value::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}={}", value_to_text(k), value_to_text(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Struct(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|(n, v)| format!("{n}: {}", value_to_text(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Union { value, .. } => value_to_text(value),
        Value::Uuid(u) => {
            let h = format!("{u:032x}");
            format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            )
        }
        other => other.to_string(),
    }
}

fn int_range(to: &LogicalType) -> Option<(i128, i128)> {
    use LogicalType as T;
    Some(match to {
        T::Int8 => (i8::MIN as i128, i8::MAX as i128),
        T::Int16 => (i16::MIN as i128, i16::MAX as i128),
        T::Int32 => (i32::MIN as i128, i32::MAX as i128),
        T::Int64 | T::Serial => (i64::MIN as i128, i64::MAX as i128),
        T::Int128 => (i128::MIN, i128::MAX),
        T::UInt8 => (0, u8::MAX as i128),
        T::UInt16 => (0, u16::MAX as i128),
        T::UInt32 => (0, u32::MAX as i128),
        T::UInt64 => (0, u64::MAX as i128),
        _ => return None,
    })
}

/// An integer value of an integer type (the caller checked the range).
pub fn int_value(x: i128, to: &LogicalType) -> Value {
    use LogicalType as T;
    match to {
        T::Int8 => Value::Int8(x as i8),
        T::Int16 => Value::Int16(x as i16),
        T::Int32 => Value::Int32(x as i32),
        T::Int128 => Value::Int128(x),
        T::UInt8 => Value::UInt8(x as u8),
        T::UInt16 => Value::UInt16(x as u16),
        T::UInt32 => Value::UInt32(x as u32),
        T::UInt64 => Value::UInt64(x as u64),
        _ => Value::Int64(x as i64),
    }
}

/// 10^n as i128 (n ≤ 38).
pub fn pow10(n: u8) -> i128 {
    10i128.pow(n.min(38) as u32)
}

/// An unscaled decimal moved from scale `from` to scale `to` (rounding half away from zero).
pub fn rescale(v: i128, from: u8, to: u8) -> i128 {
    if to >= from {
        v.saturating_mul(pow10(to - from))
    } else {
        let d = pow10(from - to);
        let q = v / d;
        let r = v % d;
        if r.abs() * 2 >= d {
            q + v.signum()
        } else {
            q
        }
    }
}

/// The value as i128 if it is an integer.
pub fn as_i128(v: &Value) -> Option<i128> {
    match *v {
        Value::Int128(x) => Some(x),
        Value::UInt64(x) => Some(x as i128),
        _ => v.as_i64().map(|x| x as i128),
    }
}

fn decimal_to_f64(value: i128, scale: u8) -> f64 {
    value as f64 / 10f64.powi(scale as i32)
}

/// Casts a value to a type, with Kuzu's errors.
pub fn cast_value(v: &Value, to: &LogicalType) -> Result<Value> {
    use LogicalType as T;
    if v.is_null() {
        return Ok(Value::Null);
    }
    if matches!(to, T::Any) {
        return Ok(v.clone());
    }
    // Text to nested types and union to union: the shared parser and caster of `types`.
    match (v, to) {
        (Value::String(_), T::List(_) | T::Array(..) | T::Struct(_) | T::Map(..) | T::Union(_))
        | (Value::Union { .. }, _) => return crate::types::cast::cast_value(v, to),
        _ => {}
    }
    // Integers and floats.
    if let Some((lo, hi)) = int_range(to) {
        if let Some(x) = as_i128(v) {
            if x < lo || x > hi {
                return Err(Error::Overflow(format!(
                    "Value {x} is not within {to} range"
                )));
            }
            return Ok(int_value(x, to));
        }
        let f = match v {
            Value::Float(f) => Some(*f as f64),
            Value::Double(d) => Some(*d),
            Value::Decimal { value, scale, .. } => Some(decimal_to_f64(*value, *scale)),
            _ => None,
        };
        if let Some(f) = f {
            let r = f.round_ties_even();
            if !r.is_finite() || r < lo as f64 || r > hi as f64 {
                return Err(Error::Overflow(format!(
                    "Value {} is not within {to} range",
                    format_double(f)
                )));
            }
            return Ok(int_value(r as i128, to));
        }
        if let Value::String(s) = v {
            let t = s.trim();
            return match t.parse::<i128>() {
                Ok(x) if x >= lo && x <= hi => Ok(int_value(x, to)),
                _ => Err(Error::Conversion(format!(
                    "Cast failed. Could not convert \"{s}\" to {to}."
                ))),
            };
        }
        return Err(unsupported(v, to));
    }
    match to {
        T::Double | T::Float => {
            let f = match v {
                Value::String(s) => s.trim().parse::<f64>().map_err(|_| {
                    Error::Conversion(format!("Cast failed. {s} is not in {to} range."))
                })?,
                Value::Decimal { value, scale, .. } => decimal_to_f64(*value, *scale),
                Value::Bool(_) => return Err(unsupported(v, to)),
                other => match other.as_f64() {
                    Some(f) => f,
                    None => match as_i128(other) {
                        Some(i) => i as f64,
                        None => return Err(unsupported(v, to)),
                    },
                },
            };
            Ok(if matches!(to, T::Float) {
                Value::Float(f as f32)
            } else {
                Value::Double(f)
            })
        }
        T::Decimal { precision, scale } => {
            // Exact paths for integers and decimals.
            if let Value::String(s) = v {
                if let Some(x) = crate::types::cast::parse_decimal(s.as_bytes(), *precision, *scale)
                {
                    return Ok(Value::Decimal {
                        value: x,
                        precision: *precision,
                        scale: *scale,
                    });
                }
            }
            let exact = match v {
                Value::Decimal {
                    value, scale: s, ..
                } => Some(rescale(*value, *s, *scale)),
                other => as_i128(other).and_then(|i| i.checked_mul(pow10(*scale))),
            };
            if let Some(x) = exact {
                if x.unsigned_abs() >= pow10(*precision).unsigned_abs() {
                    if matches!(v, Value::Decimal { .. }) {
                        return Err(Error::Overflow(format!(
                            "Decimal Cast Failed: input {} is not in range of {to}",
                            value_to_text(v)
                        )));
                    }
                    return Err(Error::Overflow(format!(
                        "To Decimal Cast Failed: {} is not in {to} range",
                        value_to_text(v)
                    )));
                }
                return Ok(Value::Decimal {
                    value: x,
                    precision: *precision,
                    scale: *scale,
                });
            }
            let f = match v {
                Value::String(s) => s.trim().parse::<f64>().map_err(|_| {
                    Error::Conversion(format!("Cast failed. Could not convert \"{s}\" to {to}."))
                })?,
                Value::Decimal {
                    value, scale: s, ..
                } => decimal_to_f64(*value, *s),
                other => other
                    .as_f64()
                    .or_else(|| as_i128(other).map(|i| i as f64))
                    .ok_or_else(|| unsupported(v, to))?,
            };
            let scaled = (f * 10f64.powi(*scale as i32)).round();
            let limit = 10f64.powi(*precision as i32);
            if scaled.abs() >= limit {
                return Err(Error::Overflow(format!(
                    "To Decimal Cast Failed: {} is not in {to} range",
                    format_double(f)
                )));
            }
            Ok(Value::Decimal {
                value: scaled as i128,
                precision: *precision,
                scale: *scale,
            })
        }
        T::String => Ok(Value::String(value_to_text(v))),
        T::Bool => match v {
            Value::Bool(b) => Ok(Value::Bool(*b)),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "t" | "1" => Ok(Value::Bool(true)),
                "false" | "f" | "0" => Ok(Value::Bool(false)),
                _ => Err(Error::Conversion(format!(
                    "Value {s} is not a valid boolean"
                ))),
            },
            _ => Err(unsupported(v, to)),
        },
        T::Date => match v {
            Value::Date(d) => Ok(Value::Date(*d)),
            Value::String(s) => temporal::parse_date(s.trim())
                .map(Value::Date)
                .map_err(Error::Conversion),
            Value::Timestamp(t) | Value::TimestampTz(t) => {
                Ok(Value::Date(t.div_euclid(MICROS_PER_DAY) as i32))
            }
            Value::TimestampMs(t) => Ok(Value::Date(t.div_euclid(86_400_000) as i32)),
            Value::TimestampSec(t) => Ok(Value::Date(t.div_euclid(86_400) as i32)),
            Value::TimestampNs(t) => Ok(Value::Date(t.div_euclid(MICROS_PER_DAY * 1000) as i32)),
            _ => Err(unsupported(v, to)),
        },
        T::Timestamp | T::TimestampTz | T::TimestampMs | T::TimestampSec | T::TimestampNs => {
            let micros = match v {
                Value::String(s) => {
                    let s = s.trim();
                    temporal::try_parse_timestamp(s).ok_or_else(|| {
                        Error::Conversion(temporal::timestamp_error(s, &to.to_string()))
                    })?
                }
                Value::Date(d) => (*d as i64).saturating_mul(MICROS_PER_DAY),
                Value::Timestamp(t) | Value::TimestampTz(t) => *t,
                Value::TimestampMs(t) => t.saturating_mul(1000),
                Value::TimestampSec(t) => t.saturating_mul(1_000_000),
                Value::TimestampNs(t) => t.div_euclid(1000),
                _ => return Err(unsupported(v, to)),
            };
            Ok(match to {
                T::TimestampTz => Value::TimestampTz(micros),
                T::TimestampMs => Value::TimestampMs(micros.div_euclid(1000)),
                T::TimestampSec => Value::TimestampSec(micros.div_euclid(1_000_000)),
                T::TimestampNs => Value::TimestampNs(micros.saturating_mul(1000)),
                _ => Value::Timestamp(micros),
            })
        }
        T::Interval => match v {
            Value::Interval(i) => Ok(Value::Interval(*i)),
            Value::String(s) => temporal::parse_interval(s.trim())
                .map(Value::Interval)
                .map_err(Error::Conversion),
            _ => Err(unsupported(v, to)),
        },
        T::Blob => match v {
            Value::Blob(b) => Ok(Value::Blob(b.clone())),
            Value::String(s) => crate::types::cast::parse_blob(s)
                .map(Value::Blob)
                .map_err(Error::Conversion),
            _ => Err(unsupported(v, to)),
        },
        T::Uuid => match v {
            Value::Uuid(u) => Ok(Value::Uuid(*u)),
            Value::String(s) => {
                let hex: String = s.trim().chars().filter(|c| *c != '-').collect();
                match u128::from_str_radix(&hex, 16) {
                    Ok(u) if hex.len() == 32 => Ok(Value::Uuid(u)),
                    _ => Err(Error::Conversion(format!("Invalid UUID: {s}"))),
                }
            }
            _ => Err(unsupported(v, to)),
        },
        T::List(child) | T::Array(child, _) => match v {
            Value::List(items) | Value::Array(items) => {
                if let T::Array(_, n) = to {
                    if items.len() != *n as usize {
                        return Err(Error::Conversion(format!(
                            "Unsupported casting LIST with incorrect list entry to ARRAY. Expected: {n}, Actual: {}.",
                            items.len()
                        )));
                    }
                }
                let out: Result<Vec<Value>> = items.iter().map(|x| cast_value(x, child)).collect();
                Ok(if matches!(to, T::Array(..)) {
                    Value::Array(out?)
                } else {
                    Value::List(out?)
                })
            }
            _ => Err(unsupported(v, to)),
        },
        T::Struct(fields) => match v {
            Value::Struct(vals) if vals.len() == fields.len() => {
                let mut out = Vec::with_capacity(vals.len());
                for ((n, t), (_, x)) in fields.iter().zip(vals) {
                    out.push((n.clone(), cast_value(x, t)?));
                }
                Ok(Value::Struct(out))
            }
            _ => Err(unsupported(v, to)),
        },
        T::Map(kt, vt) => match v {
            Value::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, x) in entries {
                    out.push((cast_value(k, kt)?, cast_value(x, vt)?));
                }
                Ok(Value::Map(out))
            }
            _ => Err(unsupported(v, to)),
        },
        // Kuzu's member choice: the same type, else the cheapest implicit cast.
        T::Union(fields) => {
            use super::typing::{cast_cost, has_implicit_cast, TypeId, UNDEFINED_CAST_COST};
            let vt = super::values::type_of_value(v);
            if let Some((n, _)) = fields.iter().find(|(_, t)| *t == vt) {
                return Ok(Value::Union {
                    tag: n.clone(),
                    value: Box::new(v.clone()),
                });
            }
            let mut best: Option<(u32, &(String, LogicalType))> = None;
            for f in fields {
                if !has_implicit_cast(&vt, &f.1) {
                    continue;
                }
                let c = cast_cost(TypeId::of(&vt), TypeId::of(&f.1));
                if c < UNDEFINED_CAST_COST && best.is_none_or(|(b, _)| c < b) {
                    best = Some((c, f));
                }
            }
            match best {
                Some((_, (n, t))) => Ok(Value::Union {
                    tag: n.clone(),
                    value: Box::new(cast_value(v, t)?),
                }),
                None => Err(Error::Conversion(format!(
                    "Cannot cast from {vt} to {to}, target type has no compatible field."
                ))),
            }
        }
        T::InternalId => match v {
            Value::InternalId(id) => Ok(Value::InternalId(*id)),
            _ => Err(unsupported(v, to)),
        },
        _ => {
            if super::values::type_of_value(v) == *to {
                Ok(v.clone())
            } else {
                Err(unsupported(v, to))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LogicalType as T;

    #[test]
    fn numeric_casts_round_and_check_range() {
        assert_eq!(
            cast_value(&Value::Double(2.5), &T::Int64).unwrap(),
            Value::Int64(2)
        );
        assert_eq!(
            cast_value(&Value::Double(3.7), &T::Int32).unwrap(),
            Value::Int32(4)
        );
        assert_eq!(
            cast_value(&Value::Int64(300), &T::Int8)
                .unwrap_err()
                .to_string(),
            "Overflow exception: Value 300 is not within INT8 range"
        );
        assert_eq!(
            cast_value(&Value::Double(1e30), &T::Int64).unwrap_err().to_string(),
            "Overflow exception: Value 1000000000000000019884624838656.000000 is not within INT64 range"
        );
        assert_eq!(
            cast_value(&Value::String(" 12 ".into()), &T::Int64).unwrap(),
            Value::Int64(12)
        );
        assert_eq!(
            cast_value(&Value::String("abc".into()), &T::Int64)
                .unwrap_err()
                .to_string(),
            "Conversion exception: Cast failed. Could not convert \"abc\" to INT64."
        );
        assert_eq!(
            cast_value(&Value::Int64(1), &T::Bool)
                .unwrap_err()
                .to_string(),
            "Conversion exception: Unsupported casting function from INT64 to BOOL."
        );
    }

    #[test]
    fn text_casts() {
        assert_eq!(
            cast_value(&Value::Double(1.5), &T::String).unwrap(),
            Value::String("1.500000".into())
        );
        assert_eq!(
            cast_value(&Value::List(vec![Value::Int64(1), Value::Null]), &T::String).unwrap(),
            Value::String("[1,]".into())
        );
        assert_eq!(
            cast_value(&Value::String("True".into()), &T::Bool).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            cast_value(&Value::Date(1), &T::Timestamp).unwrap(),
            Value::Timestamp(MICROS_PER_DAY)
        );
    }
}

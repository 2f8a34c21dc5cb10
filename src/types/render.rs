//! Kuzu's text rendering of values (`Value::to_string`), as the test files and the shell see
//! them. See `../shared/kuzu-suite/README.md`, "Rendering values as text".
//!
//! Owns: `impl Display for Value` and the scalar formatters it is built from (`format_double`,
//! `format_decimal`, `format_blob`, `format_uuid`), reusable by casts to STRING.

use super::temporal;
use super::{InternalId, LogicalType, NodeValue, RelValue, Value};
use std::fmt::{self, Write};

/// C's `%f` (what `std::to_string(double)` prints): six decimals, no exponent, `inf`,
/// `-inf`, `nan`, `-nan`.
pub fn format_double(v: f64) -> String {
    if v.is_nan() {
        if v.is_sign_negative() {
            "-nan".to_string()
        } else {
            "nan".to_string()
        }
    } else if v.is_infinite() {
        if v < 0.0 {
            "-inf".to_string()
        } else {
            "inf".to_string()
        }
    } else {
        format!("{v:.6}")
    }
}

/// FLOAT renders as its (exact) double value with `%f`.
pub fn format_float(v: f32) -> String {
    format_double(v as f64)
}

/// Kuzu's `DecimalType::insertDecimalPoint` applied to the unscaled integer's decimal text.
/// Reproduces Kuzu exactly, including its rendering of small negatives (`-5` at scale 2 →
/// `0.-5`).
pub fn format_decimal(value: i128, scale: u8) -> String {
    let digits = value.to_string();
    let scale = scale as usize;
    if scale == 0 {
        return digits;
    }
    let mut out = String::new();
    if scale > digits.len() {
        out.push_str("0.");
        for _ in 0..scale - digits.len() {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let split = digits.len() - scale;
        out.push_str(&digits[..split]);
        if out.is_empty() || out == "-" {
            out.push('0');
        }
        out.push('.');
        out.push_str(&digits[split..]);
    }
    out
}

/// Bytes 32–126 except `\`, `'`, `"` as characters, all others as `\xHH` (uppercase hex).
pub fn format_blob(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (32..=126).contains(&b) && b != b'\\' && b != b'\'' && b != b'"' {
            out.push(b as char);
        } else {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// Lowercase 8-4-4-4-12.
pub fn format_uuid(v: u128) -> String {
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub fn format_internal_id(id: &InternalId) -> String {
    format!("{}:{}", id.table, id.offset)
}

/// Kuzu's spelling of a type (same as `LogicalType`'s `Display`).
pub fn render_type(ty: &LogicalType) -> String {
    ty.to_string()
}

fn write_props(f: &mut fmt::Formatter<'_>, props: &[(String, Value)]) -> fmt::Result {
    for (name, v) in props {
        if v.is_null() {
            continue;
        }
        write!(f, ", {name}: {v}")?;
    }
    Ok(())
}

fn write_node(f: &mut fmt::Formatter<'_>, n: &NodeValue) -> fmt::Result {
    write!(
        f,
        "{{_ID: {}, _LABEL: {}",
        format_internal_id(&n.id),
        n.label
    )?;
    write_props(f, &n.properties)?;
    f.write_str("}")
}

fn write_rel(f: &mut fmt::Formatter<'_>, r: &RelValue) -> fmt::Result {
    write!(
        f,
        "({})-{{_LABEL: {}, _ID: {}",
        format_internal_id(&r.src),
        r.label,
        format_internal_id(&r.id)
    )?;
    write_props(f, &r.properties)?;
    write!(f, "}}->({})", format_internal_id(&r.dst))
}

/// Writes `items` joined by `sep` using `each`.
fn join<T>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
    sep: &str,
    mut each: impl FnMut(&mut fmt::Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        each(f, it)?;
    }
    Ok(())
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Value::Int8(v) => write!(f, "{v}"),
            Value::Int16(v) => write!(f, "{v}"),
            Value::Int32(v) => write!(f, "{v}"),
            Value::Int64(v) => write!(f, "{v}"),
            Value::Int128(v) => write!(f, "{v}"),
            Value::UInt8(v) => write!(f, "{v}"),
            Value::UInt16(v) => write!(f, "{v}"),
            Value::UInt32(v) => write!(f, "{v}"),
            Value::UInt64(v) => write!(f, "{v}"),
            Value::Float(v) => f.write_str(&format_float(*v)),
            Value::Double(v) => f.write_str(&format_double(*v)),
            Value::Decimal { value, scale, .. } => f.write_str(&format_decimal(*value, *scale)),
            Value::String(s) => f.write_str(s),
            Value::Blob(b) => f.write_str(&format_blob(b)),
            Value::Uuid(u) => f.write_str(&format_uuid(*u)),
            Value::Date(d) => f.write_str(&temporal::format_date(*d)),
            Value::Timestamp(t) => f.write_str(&temporal::format_timestamp(*t)),
            Value::TimestampNs(t) => f.write_str(&temporal::format_timestamp_ns(*t)),
            Value::TimestampMs(t) => f.write_str(&temporal::format_timestamp_ms(*t)),
            Value::TimestampSec(t) => f.write_str(&temporal::format_timestamp_sec(*t)),
            Value::TimestampTz(t) => f.write_str(&temporal::format_timestamp_tz(*t)),
            Value::Interval(iv) => f.write_str(&temporal::format_interval(iv)),
            Value::InternalId(id) => f.write_str(&format_internal_id(id)),
            Value::List(items) | Value::Array(items) => {
                f.write_str("[")?;
                join(f, items, ",", |f, v| write!(f, "{v}"))?;
                f.write_str("]")
            }
            Value::Struct(fields) => {
                f.write_str("{")?;
                join(f, fields, ", ", |f, (n, v)| write!(f, "{n}: {v}"))?;
                f.write_str("}")
            }
            Value::Map(entries) => {
                f.write_str("{")?;
                join(f, entries, ", ", |f, (k, v)| write!(f, "{k}={v}"))?;
                f.write_str("}")
            }
            Value::Union { value, .. } => write!(f, "{value}"),
            Value::Node(n) => write_node(f, n),
            Value::Rel(r) => write_rel(f, r),
            Value::Path(p) => {
                f.write_str("{_NODES: [")?;
                join(f, &p.nodes, ",", write_node)?;
                f.write_str("], _RELS: [")?;
                join(f, &p.rels, ",", write_rel)?;
                f.write_str("]}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Interval, PathValue};

    fn s(v: &str) -> Value {
        Value::String(v.to_string())
    }

    fn id(t: u64, o: u64) -> InternalId {
        InternalId {
            table: t,
            offset: o,
        }
    }

    #[test]
    fn scalars() {
        assert_eq!(Value::Null.to_string(), "");
        assert_eq!(Value::Bool(true).to_string(), "True");
        assert_eq!(Value::Bool(false).to_string(), "False");
        assert_eq!(Value::Int64(-42).to_string(), "-42");
        assert_eq!(
            Value::Int128(-(1i128 << 100)).to_string(),
            "-1267650600228229401496703205376"
        );
        assert_eq!(Value::UInt64(u64::MAX).to_string(), "18446744073709551615");
        assert_eq!(Value::Double(1.5).to_string(), "1.500000");
        assert_eq!(Value::Double(1.0 / 3.0).to_string(), "0.333333");
        assert_eq!(Value::Double(999.99).to_string(), "999.990000");
        assert_eq!(Value::Double(-0.0).to_string(), "-0.000000");
        assert_eq!(Value::Double(1e-7).to_string(), "0.000000");
        assert_eq!(Value::Double(0.0078125).to_string(), "0.007812");
        assert_eq!(Value::Double(f64::INFINITY).to_string(), "inf");
        assert_eq!(Value::Double(f64::NEG_INFINITY).to_string(), "-inf");
        assert_eq!(Value::Double(f64::NAN).to_string(), "nan");
        assert_eq!(Value::Double(-f64::NAN).to_string(), "-nan");
        assert_eq!(
            Value::Double(1e20).to_string(),
            "100000000000000000000.000000"
        );
        assert_eq!(Value::Float(1.731).to_string(), "1.731000");
        assert_eq!(Value::Float(42341.434).to_string(), "42341.433594");
        assert_eq!(s("Alice").to_string(), "Alice");
        assert_eq!(
            Value::Blob(vec![0xAA, 0xAB, b'h', b'i', 0x0B, b'\\', b'\'', b'"']).to_string(),
            "\\xAA\\xABhi\\x0B\\x5C\\x27\\x22"
        );
        assert_eq!(
            Value::Uuid(0xa0eebc999c0b4ef8bb6d6bb9bd380a11).to_string(),
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
        );
        assert_eq!(
            Value::Uuid(1).to_string(),
            "00000000-0000-0000-0000-000000000001"
        );
        assert_eq!(Value::Date(-25_567).to_string(), "1900-01-01");
        assert_eq!(
            Value::Timestamp(530_312_911_521_000).to_string(),
            "1986-10-21 21:08:31.521"
        );
        assert_eq!(
            Value::TimestampTz(1_313_839_530_123_456).to_string(),
            "2011-08-20 11:25:30.123456+00"
        );
        assert_eq!(
            Value::TimestampNs(1_313_839_530_123_456_789).to_string(),
            "2011-08-20 11:25:30.123456"
        );
        assert_eq!(
            Value::TimestampMs(1_313_839_530_123).to_string(),
            "2011-08-20 11:25:30.123"
        );
        assert_eq!(
            Value::TimestampSec(1_313_839_530).to_string(),
            "2011-08-20 11:25:30"
        );
        assert_eq!(
            Value::Interval(Interval {
                months: 0,
                days: 0,
                micros: 174_251_000_000
            })
            .to_string(),
            "48:24:11"
        );
        assert_eq!(Value::InternalId(id(0, 3)).to_string(), "0:3");
    }

    #[test]
    fn decimals() {
        let d = |value: i128, scale: u8| {
            Value::Decimal {
                value,
                precision: 18,
                scale,
            }
            .to_string()
        };
        assert_eq!(d(300, 2), "3.00");
        assert_eq!(d(5, 3), "0.005");
        assert_eq!(d(-105, 2), "-1.05");
        assert_eq!(d(12, 2), "0.12");
        assert_eq!(d(-5, 2), "0.-5");
        assert_eq!(d(0, 2), "0.00");
        assert_eq!(d(7, 0), "7");
        assert_eq!(d(12_000_000_000_000_000_000, 19), "1.2000000000000000000");
    }

    #[test]
    fn nested() {
        let list = Value::List(vec![Value::Int64(1), Value::Null, Value::Int64(3)]);
        assert_eq!(list.to_string(), "[1,,3]");
        assert_eq!(Value::List(vec![]).to_string(), "[]");
        let ll = Value::List(vec![
            Value::List(vec![Value::Int64(10), Value::Int64(8)]),
            Value::Array(vec![Value::Int64(6), Value::Int64(7), Value::Int64(8)]),
        ]);
        assert_eq!(ll.to_string(), "[[10,8],[6,7,8]]");
        let st = Value::Struct(vec![
            ("revenue".into(), Value::Int16(138)),
            (
                "location".into(),
                Value::List(vec![s("'toronto'"), s("'montr,eal'")]),
            ),
            ("x".into(), Value::Null),
        ]);
        assert_eq!(
            st.to_string(),
            "{revenue: 138, location: ['toronto','montr,eal'], x: }"
        );
        let m = Value::Map(vec![(s("a"), s("b")), (s("c"), Value::Null)]);
        assert_eq!(m.to_string(), "{a=b, c=}");
        assert_eq!(Value::Map(vec![]).to_string(), "{}");
        let u = Value::Union {
            tag: "d".into(),
            value: Box::new(Value::Date(18_545)),
        };
        assert_eq!(u.to_string(), "2020-10-10");
    }

    #[test]
    fn graph_values() {
        let a = NodeValue {
            id: id(0, 0),
            label: "A".into(),
            properties: vec![
                ("ID".into(), Value::Int64(0)),
                ("name".into(), s("A")),
                ("z".into(), Value::Null),
            ],
        };
        let b = NodeValue {
            id: id(0, 1),
            label: "A".into(),
            properties: vec![("ID".into(), Value::Int64(1)), ("name".into(), s("B"))],
        };
        assert_eq!(
            Value::Node(Box::new(a.clone())).to_string(),
            "{_ID: 0:0, _LABEL: A, ID: 0, name: A}"
        );
        let r = RelValue {
            src: id(0, 0),
            dst: id(0, 1),
            id: id(1, 0),
            label: "X".into(),
            properties: vec![],
        };
        assert_eq!(
            Value::Rel(Box::new(r.clone())).to_string(),
            "(0:0)-{_LABEL: X, _ID: 1:0}->(0:1)"
        );
        let r2 = RelValue {
            properties: vec![
                ("date".into(), Value::Date(18_808)),
                ("w".into(), Value::Null),
            ],
            ..r.clone()
        };
        assert_eq!(
            Value::Rel(Box::new(r2)).to_string(),
            "(0:0)-{_LABEL: X, _ID: 1:0, date: 2021-06-30}->(0:1)"
        );
        let p = PathValue {
            nodes: vec![a, b],
            rels: vec![r],
        };
        assert_eq!(
            Value::Path(Box::new(p)).to_string(),
            "{_NODES: [{_ID: 0:0, _LABEL: A, ID: 0, name: A},{_ID: 0:1, _LABEL: A, ID: 1, name: B}], \
             _RELS: [(0:0)-{_LABEL: X, _ID: 1:0}->(0:1)]}"
        );
        assert_eq!(
            render_type(&LogicalType::List(Box::new(LogicalType::String))),
            "STRING[]"
        );
    }
}

//! Value semantics the operators share: the type of a literal value, Kuzu's ordering and
//! equality of values, and byte encodings of rows used as hash keys.
//!
//! Owns: `type_of_value`, `compare_values` (total order of non-NULL values; NULLs are the
//! caller's business), `values_equal`, `encode_key` / `encode_value` (a canonical byte string
//! per row: equal keys ⇔ equal bytes, NULL a key of its own, used by GROUP BY, DISTINCT,
//! hash joins).

use crate::types::vector::{Column, ColumnData};
use crate::types::{LogicalType, Value};
use std::cmp::Ordering;

/// The logical type of a value as Kuzu would type the literal.
pub fn type_of_value(v: &Value) -> LogicalType {
    use LogicalType as T;
    match v {
        Value::Null => T::Any,
        Value::Bool(_) => T::Bool,
        Value::Int8(_) => T::Int8,
        Value::Int16(_) => T::Int16,
        Value::Int32(_) => T::Int32,
        Value::Int64(_) => T::Int64,
        Value::Int128(_) => T::Int128,
        Value::UInt8(_) => T::UInt8,
        Value::UInt16(_) => T::UInt16,
        Value::UInt32(_) => T::UInt32,
        Value::UInt64(_) => T::UInt64,
        Value::Float(_) => T::Float,
        Value::Double(_) => T::Double,
        Value::Decimal {
            precision, scale, ..
        } => T::Decimal {
            precision: *precision,
            scale: *scale,
        },
        Value::String(_) => T::String,
        Value::Blob(_) => T::Blob,
        Value::Uuid(_) => T::Uuid,
        Value::Date(_) => T::Date,
        Value::Timestamp(_) => T::Timestamp,
        Value::TimestampNs(_) => T::TimestampNs,
        Value::TimestampMs(_) => T::TimestampMs,
        Value::TimestampSec(_) => T::TimestampSec,
        Value::TimestampTz(_) => T::TimestampTz,
        Value::Interval(_) => T::Interval,
        Value::InternalId(_) => T::InternalId,
        Value::List(items) => T::List(Box::new(common_type(items))),
        Value::Array(items) => T::Array(Box::new(common_type(items)), items.len() as u32),
        Value::Struct(fields) => T::Struct(
            fields
                .iter()
                .map(|(n, v)| (n.clone(), type_of_value(v)))
                .collect(),
        ),
        Value::Map(entries) => {
            let keys: Vec<Value> = entries.iter().map(|(k, _)| k.clone()).collect();
            let vals: Vec<Value> = entries.iter().map(|(_, v)| v.clone()).collect();
            T::Map(Box::new(common_type(&keys)), Box::new(common_type(&vals)))
        }
        Value::Union { tag, value } => T::Union(vec![(tag.clone(), type_of_value(value))]),
        Value::Node(_) => T::Node,
        Value::Rel(_) => T::Rel,
        Value::Path(_) => T::RecursiveRel,
    }
}

fn common_type(items: &[Value]) -> LogicalType {
    let types: Vec<LogicalType> = items.iter().map(type_of_value).collect();
    super::typing::max_logical_type_of(&types).unwrap_or(LogicalType::Any)
}

fn interval_micros(i: &crate::types::Interval) -> i128 {
    (i.months as i128 * 30 + i.days as i128) * 86_400_000_000 + i.micros as i128
}

fn num_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    use super::cast::as_i128;
    if let (Some(x), Some(y)) = (as_i128(a), as_i128(b)) {
        return Some(x.cmp(&y));
    }
    let fa = match a {
        Value::Decimal { value, scale, .. } => Some(*value as f64 / 10f64.powi(*scale as i32)),
        _ => a.as_f64().or_else(|| as_i128(a).map(|x| x as f64)),
    }?;
    let fb = match b {
        Value::Decimal { value, scale, .. } => Some(*value as f64 / 10f64.powi(*scale as i32)),
        _ => b.as_f64().or_else(|| as_i128(b).map(|x| x as f64)),
    }?;
    Some(fa.total_cmp(&fb))
}

/// Kuzu's order of two values. NULL sorts after every non-NULL value (also inside lists).
/// Values of unrelated types order by a fixed type rank.
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Blob(x), Value::Blob(y)) => x.cmp(y),
        (Value::Uuid(x), Value::Uuid(y)) => x.cmp(y),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (
            Value::Timestamp(x) | Value::TimestampTz(x),
            Value::Timestamp(y) | Value::TimestampTz(y),
        )
        | (Value::TimestampNs(x), Value::TimestampNs(y))
        | (Value::TimestampMs(x), Value::TimestampMs(y))
        | (Value::TimestampSec(x), Value::TimestampSec(y)) => x.cmp(y),
        (Value::Interval(x), Value::Interval(y)) => interval_micros(x).cmp(&interval_micros(y)),
        (Value::InternalId(x), Value::InternalId(y)) => x.cmp(y),
        (Value::List(x) | Value::Array(x), Value::List(y) | Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = compare_values(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Struct(x), Value::Struct(y)) => {
            for ((_, p), (_, q)) in x.iter().zip(y) {
                let o = compare_values(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Map(x), Value::Map(y)) => {
            for ((pk, pv), (qk, qv)) in x.iter().zip(y) {
                let o = compare_values(pk, qk).then_with(|| compare_values(pv, qv));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Union { value: x, .. }, Value::Union { value: y, .. }) => compare_values(x, y),
        (Value::Node(x), Value::Node(y)) => x.id.cmp(&y.id),
        (Value::Rel(x), Value::Rel(y)) => x.id.cmp(&y.id),
        _ => num_cmp(a, b).unwrap_or_else(|| rank(a).cmp(&rank(b))),
    }
}

fn rank(v: &Value) -> u8 {
    match v {
        Value::Bool(_) => 1,
        Value::String(_) => 3,
        Value::List(_) | Value::Array(_) => 4,
        Value::Struct(_) => 5,
        Value::Map(_) => 6,
        Value::Null => 255,
        _ => 2,
    }
}

/// Equality of two non-NULL values (nested NULLs equal each other, as in Kuzu).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    compare_values(a, b) == Ordering::Equal
}

/// Appends the canonical key bytes of a value.
pub fn encode_value(v: &Value, out: &mut Vec<u8>) {
    let mut c = Column::new(type_of_value(v));
    if c.push_value(v) {
        encode_key(&c, 0, out);
    } else {
        out.push(0xfe);
        out.extend_from_slice(format!("{v:?}").as_bytes());
    }
}

/// Appends the canonical key bytes of row `i` of a column.
pub fn encode_key(c: &Column, i: usize, out: &mut Vec<u8>) {
    if c.nulls.is_null(i) {
        out.push(0);
        return;
    }
    out.push(1);
    match &c.data {
        ColumnData::Bool(d) => out.push(d[i] as u8),
        ColumnData::Int8(d) => out.extend_from_slice(&d[i].to_le_bytes()),
        ColumnData::Int16(d) => out.extend_from_slice(&d[i].to_le_bytes()),
        ColumnData::Int32(d) => out.extend_from_slice(&d[i].to_le_bytes()),
        ColumnData::Int64(d) => out.extend_from_slice(&d[i].to_le_bytes()),
        ColumnData::Int128(d) => out.extend_from_slice(&d[i].to_le_bytes()),
        ColumnData::UInt8(d) => out.push(d[i]),
        ColumnData::UInt16(d) => out.extend_from_slice(&d[i].to_le_bytes()),
        ColumnData::UInt32(d) => out.extend_from_slice(&d[i].to_le_bytes()),
        ColumnData::UInt64(d) => out.extend_from_slice(&d[i].to_le_bytes()),
        ColumnData::Float(d) => {
            let x = d[i] as f64;
            out.extend_from_slice(&canonical_f64(x).to_le_bytes())
        }
        ColumnData::Double(d) => out.extend_from_slice(&canonical_f64(d[i]).to_le_bytes()),
        ColumnData::Interval(d) => {
            out.extend_from_slice(&d[i].months.to_le_bytes());
            out.extend_from_slice(&d[i].days.to_le_bytes());
            out.extend_from_slice(&d[i].micros.to_le_bytes());
        }
        ColumnData::String(s) => {
            let b = s.get(i);
            out.extend_from_slice(&(b.len() as u32).to_le_bytes());
            out.extend_from_slice(b);
        }
        ColumnData::List { offsets, child } => {
            let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
            out.extend_from_slice(&((b - a) as u32).to_le_bytes());
            for j in a..b {
                encode_key(child, j, out);
            }
        }
        ColumnData::Struct(children) => {
            for ch in children {
                encode_key(ch, i, out);
            }
        }
    }
}

fn canonical_f64(x: f64) -> u64 {
    if x.is_nan() {
        f64::NAN.to_bits()
    } else if x == 0.0 {
        0
    } else {
        x.to_bits()
    }
}

/// The key bytes of row `i` across several columns.
pub fn encode_row(cols: &[Column], i: usize, out: &mut Vec<u8>) {
    for c in cols {
        encode_key(c, i, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering_of_values() {
        use Value::*;
        assert_eq!(compare_values(&Int64(1), &Double(1.5)), Ordering::Less);
        assert_eq!(compare_values(&Null, &Int64(1)), Ordering::Greater);
        assert_eq!(
            compare_values(&String("B".into()), &String("a".into())),
            Ordering::Less
        );
        assert_eq!(
            compare_values(&List(vec![Int64(1)]), &List(vec![Int64(1), Int64(0)])),
            Ordering::Less
        );
        assert!(values_equal(
            &List(vec![Int64(1), Null]),
            &List(vec![Int64(1), Null])
        ));
    }

    #[test]
    fn keys_distinguish_null_and_normalise_zero() {
        let mut c = Column::new(LogicalType::Double);
        c.push_value(&Value::Double(0.0));
        c.push_value(&Value::Double(-0.0));
        c.push_null();
        let (mut a, mut b, mut n) = (vec![], vec![], vec![]);
        encode_key(&c, 0, &mut a);
        encode_key(&c, 1, &mut b);
        encode_key(&c, 2, &mut n);
        assert_eq!(a, b);
        assert_ne!(a, n);
        let mut s = Column::new(LogicalType::String);
        s.push_value(&Value::String("ab".into()));
        s.push_value(&Value::String("a".into()));
        let (mut x, mut y) = (vec![], vec![]);
        encode_key(&s, 0, &mut x);
        encode_key(&s, 1, &mut y);
        assert_ne!(x, y);
    }
}

//! Aggregate functions: count(*), count, sum, avg, min, max, collect, each optionally DISTINCT.
//!
//! Owns: `bind_aggregate(name, arg_types, distinct) -> AggregateFunction` (Kuzu's result
//! types: count → INT64, sum of integers → INT128, sum of FLOAT/DOUBLE → DOUBLE, avg → DOUBLE,
//! min/max → the input type, collect → LIST; Kuzu's messages for unsupported inputs) and
//! `AggState` with `update` / `merge` / `finalize`. States merge, so partial aggregation on
//! several threads followed by a merge gives the same result as one pass; DISTINCT states keep
//! their distinct values (not just a count) for that reason. NULL inputs are ignored; over no
//! non-NULL input count is 0 and every other aggregate NULL.

use super::function::mismatch_message;
use super::values::{compare_values, encode_key};
use crate::error::{Error, Result};
use crate::types::vector::{Column, ColumnData};
use crate::types::{LogicalType, Value};
use std::cmp::Ordering;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggKind {
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Collect,
}

/// A bound aggregate.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateFunction {
    pub kind: AggKind,
    pub distinct: bool,
    /// The argument type (`None` for count(*)).
    pub input: Option<LogicalType>,
    pub ret: LogicalType,
}

const SUM_TYPES: [LogicalType; 12] = [
    LogicalType::Int128,
    LogicalType::Int64,
    LogicalType::Int32,
    LogicalType::Int16,
    LogicalType::Int8,
    LogicalType::Serial,
    LogicalType::UInt64,
    LogicalType::UInt32,
    LogicalType::UInt16,
    LogicalType::UInt8,
    LogicalType::Double,
    LogicalType::Float,
];

fn min_max_types() -> Vec<LogicalType> {
    use LogicalType as T;
    vec![
        T::Bool,
        T::Int64,
        T::Int32,
        T::Int16,
        T::Int8,
        T::UInt64,
        T::UInt32,
        T::UInt16,
        T::UInt8,
        T::Int128,
        T::Double,
        T::Float,
        T::Date,
        T::Timestamp,
        T::TimestampNs,
        T::TimestampMs,
        T::TimestampSec,
        T::TimestampTz,
        T::Interval,
        T::Blob,
        T::Uuid,
        T::String,
        T::Serial,
    ]
}

fn sum_ret(t: &LogicalType) -> LogicalType {
    if matches!(t, LogicalType::Double | LogicalType::Float) {
        LogicalType::Double
    } else {
        LogicalType::Int128
    }
}

fn sigs(types: &[LogicalType], ret: impl Fn(&LogicalType) -> LogicalType) -> Vec<String> {
    let mut v = Vec::new();
    for t in types {
        v.push(format!("DISTINCT ({t}) -> {}", ret(t)));
        v.push(format!("({t}) -> {}", ret(t)));
    }
    v
}

/// Resolves an aggregate call. `args` is empty for `count(*)`.
pub fn bind_aggregate(
    name: &str,
    args: &[LogicalType],
    distinct: bool,
) -> Result<AggregateFunction> {
    let upper = name.to_ascii_uppercase();
    let one = |kind: AggKind, ret: LogicalType| AggregateFunction {
        kind,
        distinct,
        input: args.first().cloned(),
        ret,
    };
    let wrong =
        |expected: Vec<String>| Error::Binder(mismatch_message(&upper, args, &expected, distinct));
    match upper.as_str() {
        "COUNT_STAR" => Ok(AggregateFunction {
            kind: AggKind::CountStar,
            distinct: false,
            input: None,
            ret: LogicalType::Int64,
        }),
        "COUNT" if args.is_empty() => Ok(AggregateFunction {
            kind: AggKind::CountStar,
            distinct: false,
            input: None,
            ret: LogicalType::Int64,
        }),
        "COUNT" if args.len() == 1 => Ok(one(AggKind::Count, LogicalType::Int64)),
        "SUM" | "AVG" => {
            let numeric = args.len() == 1
                && (SUM_TYPES.contains(&args[0])
                    || matches!(args[0], LogicalType::Decimal { .. } | LogicalType::Any));
            if !numeric {
                return Err(if upper == "SUM" {
                    wrong(sigs(&SUM_TYPES, sum_ret))
                } else {
                    wrong(sigs(&SUM_TYPES, |_| LogicalType::Double))
                });
            }
            if upper == "SUM" {
                Ok(one(AggKind::Sum, sum_ret(&args[0])))
            } else {
                Ok(one(AggKind::Avg, LogicalType::Double))
            }
        }
        "MIN" | "MAX" => {
            let types = min_max_types();
            if args.len() != 1
                || !(types.contains(&args[0])
                    || matches!(
                        args[0],
                        LogicalType::Decimal { .. } | LogicalType::Any | LogicalType::InternalId
                    ))
            {
                return Err(wrong(sigs(&types, |t| t.clone())));
            }
            let kind = if upper == "MIN" {
                AggKind::Min
            } else {
                AggKind::Max
            };
            Ok(one(kind, args[0].clone()))
        }
        "COLLECT" if args.len() == 1 => {
            let child = if args[0] == LogicalType::Any {
                LogicalType::Int64
            } else {
                args[0].clone()
            };
            Ok(one(AggKind::Collect, LogicalType::List(Box::new(child))))
        }
        _ => Err(Error::Catalog(format!("function {upper} does not exist."))),
    }
}

/// Whether `name` is an aggregate function (the binder uses this to split projections).
pub fn is_aggregate(name: &str) -> bool {
    matches!(
        name.to_ascii_uppercase().as_str(),
        "COUNT" | "COUNT_STAR" | "SUM" | "AVG" | "MIN" | "MAX" | "COLLECT"
    )
}

/// The running state of one aggregate for one group.
#[derive(Debug, Clone)]
pub enum AggState {
    Count(i64),
    SumInt(Option<i128>),
    SumFloat(Option<f64>),
    Avg {
        sum: f64,
        count: i64,
    },
    Extreme(Option<Value>),
    Collect(Vec<Value>),
    /// DISTINCT: the distinct non-NULL values seen, in first-seen order.
    Distinct {
        seen: HashSet<Vec<u8>>,
        values: Vec<Value>,
    },
}

impl AggregateFunction {
    pub fn init(&self) -> AggState {
        if self.distinct && self.kind != AggKind::CountStar {
            return AggState::Distinct {
                seen: HashSet::new(),
                values: Vec::new(),
            };
        }
        match self.kind {
            AggKind::CountStar | AggKind::Count => AggState::Count(0),
            AggKind::Sum => {
                if self.ret == LogicalType::Double {
                    AggState::SumFloat(None)
                } else {
                    AggState::SumInt(None)
                }
            }
            AggKind::Avg => AggState::Avg { sum: 0.0, count: 0 },
            AggKind::Min | AggKind::Max => AggState::Extreme(None),
            AggKind::Collect => AggState::Collect(Vec::new()),
        }
    }

    /// Adds row `i` of the argument column (`None` for count(*)).
    pub fn update(&self, state: &mut AggState, arg: Option<&Column>, i: usize) -> Result<()> {
        let col = match arg {
            None => {
                if let AggState::Count(c) = state {
                    *c += 1;
                }
                return Ok(());
            }
            Some(c) => c,
        };
        if col.nulls.is_null(i) {
            return Ok(());
        }
        match state {
            AggState::Count(c) => *c += 1,
            AggState::SumInt(s) => {
                let v = int_at(col, i);
                *s =
                    Some(s.unwrap_or(0).checked_add(v).ok_or_else(|| {
                        Error::Overflow("Value is not within INT128 range.".into())
                    })?);
            }
            AggState::SumFloat(s) => *s = Some(s.unwrap_or(0.0) + float_at(col, i)),
            AggState::Avg { sum, count } => {
                *sum += float_at(col, i);
                *count += 1;
            }
            AggState::Extreme(cur) => {
                let v = col.get(i);
                let replace = match cur {
                    None => true,
                    Some(c) => {
                        let o = compare_values(&v, c);
                        if self.kind == AggKind::Min {
                            o == Ordering::Less
                        } else {
                            o == Ordering::Greater
                        }
                    }
                };
                if replace {
                    *cur = Some(v);
                }
            }
            AggState::Collect(vals) => vals.push(col.get(i)),
            AggState::Distinct { seen, values } => {
                let mut key = Vec::new();
                encode_key(col, i, &mut key);
                if seen.insert(key) {
                    values.push(col.get(i));
                }
            }
        }
        Ok(())
    }

    /// Adds all rows of a column (ungrouped fast path).
    pub fn update_all(&self, state: &mut AggState, arg: Option<&Column>, n: usize) -> Result<()> {
        match (state, arg) {
            (AggState::Count(c), None) => *c += n as i64,
            (AggState::Count(c), Some(col)) => *c += (n - col.null_count()) as i64,
            (AggState::SumInt(s), Some(col)) if matches!(col.data, ColumnData::Int64(_)) => {
                if let ColumnData::Int64(v) = &col.data {
                    let mut acc = s.unwrap_or(0);
                    let mut any = s.is_some();
                    for (i, x) in v.iter().enumerate().take(n) {
                        if !col.nulls.is_null(i) {
                            acc += *x as i128;
                            any = true;
                        }
                    }
                    *s = if any { Some(acc) } else { None };
                }
            }
            (AggState::SumFloat(s), Some(col)) if matches!(col.data, ColumnData::Double(_)) => {
                if let ColumnData::Double(v) = &col.data {
                    let mut acc = s.unwrap_or(0.0);
                    let mut any = s.is_some();
                    for (i, x) in v.iter().enumerate().take(n) {
                        if !col.nulls.is_null(i) {
                            acc += *x;
                            any = true;
                        }
                    }
                    *s = if any { Some(acc) } else { None };
                }
            }
            (state, arg) => {
                for i in 0..n {
                    self.update(state, arg, i)?;
                }
            }
        }
        Ok(())
    }

    /// Folds `other` into `state` (partial aggregation).
    pub fn merge(&self, state: &mut AggState, other: AggState) -> Result<()> {
        match (state, other) {
            (AggState::Count(a), AggState::Count(b)) => *a += b,
            (AggState::SumInt(a), AggState::SumInt(b)) => {
                if let Some(b) = b {
                    *a = Some(a.unwrap_or(0).checked_add(b).ok_or_else(|| {
                        Error::Overflow("Value is not within INT128 range.".into())
                    })?);
                }
            }
            (AggState::SumFloat(a), AggState::SumFloat(b)) => {
                if let Some(b) = b {
                    *a = Some(a.unwrap_or(0.0) + b);
                }
            }
            (AggState::Avg { sum, count }, AggState::Avg { sum: s2, count: c2 }) => {
                *sum += s2;
                *count += c2;
            }
            (AggState::Extreme(a), AggState::Extreme(b)) => {
                if let Some(b) = b {
                    let replace = match a {
                        None => true,
                        Some(x) => {
                            let o = compare_values(&b, x);
                            if self.kind == AggKind::Min {
                                o == Ordering::Less
                            } else {
                                o == Ordering::Greater
                            }
                        }
                    };
                    if replace {
                        *a = Some(b);
                    }
                }
            }
            (AggState::Collect(a), AggState::Collect(b)) => a.extend(b),
            (AggState::Distinct { seen, values }, AggState::Distinct { values: v2, .. }) => {
                let ty = self.input.clone().unwrap_or(LogicalType::Any);
                // Re-derive keys in value order so the first-seen order is kept.
                for v in v2 {
                    let mut c = Column::new(ty.clone());
                    if !c.push_value(&v) {
                        continue;
                    }
                    let mut key = Vec::new();
                    encode_key(&c, 0, &mut key);
                    if seen.insert(key) {
                        values.push(v);
                    }
                }
            }
            _ => return Err(Error::Runtime("mismatched aggregate states".into())),
        }
        Ok(())
    }

    /// The result of a state.
    pub fn finalize(&self, state: &AggState) -> Result<Value> {
        Ok(match state {
            AggState::Count(c) => Value::Int64(*c),
            AggState::SumInt(s) => s.map(Value::Int128).unwrap_or(Value::Null),
            AggState::SumFloat(s) => s.map(Value::Double).unwrap_or(Value::Null),
            AggState::Avg { sum, count } => {
                if *count == 0 {
                    Value::Null
                } else {
                    Value::Double(sum / *count as f64)
                }
            }
            AggState::Extreme(v) => v.clone().unwrap_or(Value::Null),
            AggState::Collect(v) => {
                if v.is_empty() {
                    Value::Null
                } else {
                    Value::List(v.clone())
                }
            }
            AggState::Distinct { values, .. } => {
                let plain = AggregateFunction {
                    distinct: false,
                    ..self.clone()
                };
                let ty = self.input.clone().unwrap_or(LogicalType::Any);
                let col = super::chunk::column_from_values(&ty, values)?;
                let mut st = plain.init();
                plain.update_all(&mut st, Some(&col), col.len())?;
                plain.finalize(&st)?
            }
        })
    }

    /// Approximate bytes a state holds beyond its fixed size.
    pub fn state_bytes(state: &AggState) -> u64 {
        match state {
            AggState::Collect(v) => 32 * v.len() as u64,
            AggState::Distinct { values, .. } => 64 * values.len() as u64,
            AggState::Extreme(Some(Value::String(s))) => s.len() as u64,
            _ => 0,
        }
    }
}

fn int_at(c: &Column, i: usize) -> i128 {
    match &c.data {
        ColumnData::Int8(v) => v[i] as i128,
        ColumnData::Int16(v) => v[i] as i128,
        ColumnData::Int32(v) => v[i] as i128,
        ColumnData::Int64(v) => v[i] as i128,
        ColumnData::Int128(v) => v[i],
        ColumnData::UInt8(v) => v[i] as i128,
        ColumnData::UInt16(v) => v[i] as i128,
        ColumnData::UInt32(v) => v[i] as i128,
        ColumnData::UInt64(v) => v[i] as i128,
        _ => 0,
    }
}

fn float_at(c: &Column, i: usize) -> f64 {
    match &c.data {
        ColumnData::Float(v) => v[i] as f64,
        ColumnData::Double(v) => v[i],
        _ => match c.get(i) {
            Value::Decimal { value, scale, .. } => value as f64 / 10f64.powi(scale as i32),
            _ => int_at(c, i) as f64,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::chunk::column_from_values;

    fn run(name: &str, distinct: bool, ty: LogicalType, vals: &[Value]) -> Value {
        let f = bind_aggregate(name, std::slice::from_ref(&ty), distinct).unwrap();
        let col = column_from_values(&ty, vals).unwrap();
        // Two partial states merged, as parallel aggregation does.
        let mid = vals.len() / 2;
        let mut a = f.init();
        let mut b = f.init();
        for i in 0..mid {
            f.update(&mut a, Some(&col), i).unwrap();
        }
        for i in mid..vals.len() {
            f.update(&mut b, Some(&col), i).unwrap();
        }
        f.merge(&mut a, b).unwrap();
        f.finalize(&a).unwrap()
    }

    #[test]
    fn aggregates_over_ints_with_nulls_and_distinct() {
        use Value::*;
        let v = [Int64(1), Null, Int64(2), Int64(2)];
        let t = LogicalType::Int64;
        assert_eq!(run("count", false, t.clone(), &v), Int64(3));
        assert_eq!(run("count", true, t.clone(), &v), Int64(2));
        assert_eq!(run("sum", false, t.clone(), &v), Int128(5));
        assert_eq!(run("sum", true, t.clone(), &v), Int128(3));
        assert_eq!(run("avg", false, t.clone(), &v), Double(5.0 / 3.0));
        assert_eq!(run("min", false, t.clone(), &v), Int64(1));
        assert_eq!(run("max", false, t.clone(), &v), Int64(2));
        assert_eq!(
            run("collect", false, t.clone(), &v),
            List(vec![Int64(1), Int64(2), Int64(2)])
        );
        assert_eq!(
            run("collect", true, t.clone(), &v),
            List(vec![Int64(1), Int64(2)])
        );
        assert_eq!(run("sum", false, t.clone(), &[Null]), Null);
        assert_eq!(run("collect", false, t.clone(), &[Null]), Null);
        assert_eq!(run("count", false, t.clone(), &[]), Int64(0));
        assert_eq!(
            run("sum", false, t, &[Int64(i64::MAX), Int64(1)]),
            Int128(i64::MAX as i128 + 1)
        );
        assert_eq!(
            run(
                "min",
                false,
                LogicalType::String,
                &[String("b".into()), String("a".into())]
            ),
            String("a".into())
        );
        assert_eq!(
            run(
                "sum",
                false,
                LogicalType::Double,
                &[Double(1.5), Double(2.5)]
            ),
            Double(4.0)
        );
    }

    #[test]
    fn aggregate_types_and_errors() {
        assert_eq!(
            bind_aggregate("sum", &[LogicalType::Int32], false)
                .unwrap()
                .ret,
            LogicalType::Int128
        );
        assert_eq!(
            bind_aggregate("sum", &[LogicalType::Float], false)
                .unwrap()
                .ret,
            LogicalType::Double
        );
        assert_eq!(
            bind_aggregate("avg", &[LogicalType::Int32], false)
                .unwrap()
                .ret,
            LogicalType::Double
        );
        assert_eq!(
            bind_aggregate("min", &[LogicalType::Int32], false)
                .unwrap()
                .ret,
            LogicalType::Int32
        );
        let e = bind_aggregate("sum", &[LogicalType::Bool], false)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Binder exception: Function SUM did not receive correct arguments:\nActual:   (BOOL)\nExpected: DISTINCT (INT128) -> INT128\n          (INT128) -> INT128\n"), "{e}");
        assert!(e.ends_with("          (FLOAT) -> DOUBLE\n"), "{e}");
    }
}

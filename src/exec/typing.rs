//! Kuzu's implicit typing rules, for the binder and for function overload resolution.
//!
//! Owns: `TypeId` (a logical type without its parameters, as function signatures name them),
//! `cast_cost` (Kuzu's implicit-cast cost table), `max_logical_type` (the common type two
//! expressions are combined into: comparisons, CASE, list literals, UNION), and
//! `has_implicit_cast` (whether the binder may insert a cast silently).

use crate::types::LogicalType;
use std::fmt;

/// A logical type's identity without parameters (`LIST` for any list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeId {
    Any,
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    Int128,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float,
    Double,
    Decimal,
    Serial,
    String,
    Blob,
    Uuid,
    Date,
    Timestamp,
    TimestampNs,
    TimestampMs,
    TimestampSec,
    TimestampTz,
    Interval,
    InternalId,
    List,
    Array,
    Struct,
    Map,
    Union,
    Node,
    Rel,
    RecursiveRel,
}

impl TypeId {
    pub fn of(t: &LogicalType) -> TypeId {
        use LogicalType as T;
        match t {
            T::Any => TypeId::Any,
            T::Bool => TypeId::Bool,
            T::Int8 => TypeId::Int8,
            T::Int16 => TypeId::Int16,
            T::Int32 => TypeId::Int32,
            T::Int64 => TypeId::Int64,
            T::Int128 => TypeId::Int128,
            T::UInt8 => TypeId::UInt8,
            T::UInt16 => TypeId::UInt16,
            T::UInt32 => TypeId::UInt32,
            T::UInt64 => TypeId::UInt64,
            T::Float => TypeId::Float,
            T::Double => TypeId::Double,
            T::Decimal { .. } => TypeId::Decimal,
            T::Serial => TypeId::Serial,
            T::String => TypeId::String,
            T::Blob => TypeId::Blob,
            T::Uuid => TypeId::Uuid,
            T::Date => TypeId::Date,
            T::Timestamp => TypeId::Timestamp,
            T::TimestampNs => TypeId::TimestampNs,
            T::TimestampMs => TypeId::TimestampMs,
            T::TimestampSec => TypeId::TimestampSec,
            T::TimestampTz => TypeId::TimestampTz,
            T::Interval => TypeId::Interval,
            T::InternalId => TypeId::InternalId,
            T::List(_) => TypeId::List,
            T::Array(..) => TypeId::Array,
            T::Struct(_) => TypeId::Struct,
            T::Map(..) => TypeId::Map,
            T::Union(_) => TypeId::Union,
            T::Node => TypeId::Node,
            T::Rel => TypeId::Rel,
            T::RecursiveRel => TypeId::RecursiveRel,
        }
    }

    /// The full type for a parameterless id (`None` for LIST, STRUCT, ...).
    pub fn default_type(self) -> Option<LogicalType> {
        use LogicalType as T;
        Some(match self {
            TypeId::Any => T::Any,
            TypeId::Bool => T::Bool,
            TypeId::Int8 => T::Int8,
            TypeId::Int16 => T::Int16,
            TypeId::Int32 => T::Int32,
            TypeId::Int64 => T::Int64,
            TypeId::Int128 => T::Int128,
            TypeId::UInt8 => T::UInt8,
            TypeId::UInt16 => T::UInt16,
            TypeId::UInt32 => T::UInt32,
            TypeId::UInt64 => T::UInt64,
            TypeId::Float => T::Float,
            TypeId::Double => T::Double,
            TypeId::Decimal => T::Decimal {
                precision: 18,
                scale: 3,
            },
            TypeId::Serial => T::Serial,
            TypeId::String => T::String,
            TypeId::Blob => T::Blob,
            TypeId::Uuid => T::Uuid,
            TypeId::Date => T::Date,
            TypeId::Timestamp => T::Timestamp,
            TypeId::TimestampNs => T::TimestampNs,
            TypeId::TimestampMs => T::TimestampMs,
            TypeId::TimestampSec => T::TimestampSec,
            TypeId::TimestampTz => T::TimestampTz,
            TypeId::Interval => T::Interval,
            TypeId::InternalId => T::InternalId,
            TypeId::Node => T::Node,
            TypeId::Rel => T::Rel,
            TypeId::RecursiveRel => T::RecursiveRel,
            TypeId::List | TypeId::Array | TypeId::Struct | TypeId::Map | TypeId::Union => {
                return None
            }
        })
    }

    pub fn is_integral(self) -> bool {
        use TypeId::*;
        matches!(
            self,
            Int8 | Int16 | Int32 | Int64 | Int128 | UInt8 | UInt16 | UInt32 | UInt64 | Serial
        )
    }

    pub fn is_unsigned(self) -> bool {
        matches!(
            self,
            TypeId::UInt8 | TypeId::UInt16 | TypeId::UInt32 | TypeId::UInt64
        )
    }

    pub fn is_numerical(self) -> bool {
        self.is_integral() || matches!(self, TypeId::Float | TypeId::Double | TypeId::Decimal)
    }

    pub fn is_nested(self) -> bool {
        matches!(
            self,
            TypeId::List | TypeId::Array | TypeId::Struct | TypeId::Map | TypeId::Union
        )
    }
}

impl fmt::Display for TypeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            TypeId::List => "LIST",
            TypeId::Array => "ARRAY",
            TypeId::Struct => "STRUCT",
            TypeId::Map => "MAP",
            TypeId::Union => "UNION",
            TypeId::Decimal => "DECIMAL",
            other => {
                return match other.default_type() {
                    Some(t) => write!(f, "{t}"),
                    None => f.write_str("?"),
                }
            }
        };
        f.write_str(s)
    }
}

/// No implicit cast exists.
pub const UNDEFINED_CAST_COST: u32 = u32::MAX;

fn target_cost(t: TypeId) -> u32 {
    use TypeId::*;
    match t {
        Serial | Int16 => 100,
        Int64 => 101,
        Int32 => 102,
        Int128 => 103,
        Decimal => 104,
        Double => 105,
        Timestamp => 120,
        String => 149,
        Struct | Map | Array | List | Union => 160,
        _ => 110,
    }
}

/// Kuzu's cost of implicitly casting `from` to `to` (`UNDEFINED_CAST_COST` if not allowed).
pub fn cast_cost(from: TypeId, to: TypeId) -> u32 {
    use TypeId::*;
    if from == to {
        return 0;
    }
    if from == Any || to == Any {
        return 1;
    }
    if to == String {
        return match from {
            Blob | InternalId | Node | Rel | RecursiveRel => UNDEFINED_CAST_COST,
            _ => target_cost(String),
        };
    }
    let ok: &[TypeId] = match from {
        Int64 => {
            if to == Serial {
                return 0;
            }
            &[Int128, Float, Double, Decimal]
        }
        Int32 => &[Serial, Int64, Int128, Float, Double, Decimal],
        Int16 => &[Serial, Int32, Int64, Int128, Float, Double, Decimal],
        Int8 => &[Serial, Int16, Int32, Int64, Int128, Float, Double, Decimal],
        UInt64 => &[Int128, Float, Double, Decimal],
        UInt32 => &[Serial, Int64, Int128, UInt64, Float, Double, Decimal],
        UInt16 => &[
            Int32, Serial, Int64, Int128, UInt32, UInt64, Float, Double, Decimal,
        ],
        UInt8 => &[
            Int16, Int32, Serial, Int64, Int128, UInt16, UInt32, UInt64, Float, Double, Decimal,
        ],
        Int128 => &[Float, Double, Decimal],
        Float => &[Double],
        Decimal => &[Float, Double],
        Date => &[Timestamp],
        Serial => {
            return if to == Int64 { 0 } else { UNDEFINED_CAST_COST };
        }
        TimestampSec | TimestampMs | TimestampNs | TimestampTz => &[Timestamp],
        List => &[Array],
        Array => &[List],
        _ => &[],
    };
    if ok.contains(&to) {
        target_cost(to)
    } else {
        UNDEFINED_CAST_COST
    }
}

fn always_cast_order(t: TypeId) -> i32 {
    match t {
        TypeId::Any => 0,
        TypeId::String => 2,
        _ => -1,
    }
}

fn can_always_cast(t: TypeId) -> bool {
    matches!(t, TypeId::Any | TypeId::String)
}

fn time_order(t: TypeId) -> u32 {
    match t {
        TypeId::Date => 50,
        TypeId::TimestampSec => 51,
        TypeId::TimestampMs => 52,
        TypeId::Timestamp => 53,
        TypeId::TimestampTz => 54,
        TypeId::TimestampNs => 55,
        _ => 0,
    }
}

fn int_width(t: TypeId) -> u32 {
    match t {
        TypeId::Int8 | TypeId::UInt8 => 1,
        TypeId::Int16 | TypeId::UInt16 => 2,
        TypeId::Int32 | TypeId::UInt32 => 4,
        TypeId::Int128 => 16,
        _ => 8,
    }
}

fn max_type_id(l: TypeId, r: TypeId) -> Option<TypeId> {
    if can_always_cast(l) && can_always_cast(r) {
        return Some(if always_cast_order(l) > always_cast_order(r) {
            l
        } else {
            r
        });
    }
    if l == r || can_always_cast(l) {
        return Some(r);
    }
    if can_always_cast(r) {
        return Some(l);
    }
    let lr = cast_cost(l, r);
    let rl = cast_cost(r, l);
    if lr != UNDEFINED_CAST_COST || rl != UNDEFINED_CAST_COST {
        return Some(if lr < rl { r } else { l });
    }
    if l.is_integral() && r.is_integral() {
        let (signed, unsigned) = if l.is_unsigned() && !r.is_unsigned() {
            (r, l)
        } else if r.is_unsigned() && !l.is_unsigned() {
            (l, r)
        } else {
            return None;
        };
        let widened = match unsigned {
            TypeId::UInt8 => TypeId::Int16,
            TypeId::UInt16 => TypeId::Int32,
            TypeId::UInt32 => TypeId::Int64,
            TypeId::UInt64 => TypeId::Int128,
            _ => return Some(TypeId::Double),
        };
        return Some(if int_width(signed) > int_width(widened) {
            signed
        } else {
            widened
        });
    }
    let (lo, ro) = (time_order(l), time_order(r));
    if lo != 0 && ro != 0 {
        return Some(if lo > ro { l } else { r });
    }
    None
}

/// Kuzu's `tryGetMaxLogicalType`: the type two expressions combine into, if any.
pub fn max_logical_type(l: &LogicalType, r: &LogicalType) -> Option<LogicalType> {
    use LogicalType as T;
    let (li, ri) = (TypeId::of(l), TypeId::of(r));
    if can_always_cast(li) && can_always_cast(ri) {
        return Some(if always_cast_order(li) > always_cast_order(ri) {
            l.clone()
        } else {
            r.clone()
        });
    }
    if l == r || can_always_cast(li) {
        return Some(r.clone());
    }
    if can_always_cast(ri) {
        return Some(l.clone());
    }
    match (l, r) {
        (
            T::Decimal {
                precision: pl,
                scale: sl,
            },
            T::Decimal {
                precision: pr,
                scale: sr,
            },
        ) => {
            let scale = (*sl).max(*sr);
            let prec = (pl - sl).max(pr - sr) as u32 + scale as u32;
            return Some(if prec > 38 {
                T::Double
            } else {
                T::Decimal {
                    precision: prec as u8,
                    scale,
                }
            });
        }
        (T::Decimal { precision, scale }, other) | (other, T::Decimal { precision, scale })
            if TypeId::of(other).is_numerical() =>
        {
            let digits: u32 = match other {
                T::Int8 | T::UInt8 => 3,
                T::Int16 | T::UInt16 => 5,
                T::Int32 | T::UInt32 => 10,
                T::Int64 => 19,
                T::UInt64 => 20,
                T::Int128 => 39,
                _ => 39,
            };
            return Some(if digits + *scale as u32 > 38 {
                T::Double
            } else {
                T::Decimal {
                    precision: (digits + *scale as u32).max(*precision as u32) as u8,
                    scale: *scale,
                }
            });
        }
        _ => {}
    }
    if li.is_nested() || ri.is_nested() {
        return match (l, r) {
            (T::List(a), T::Array(b, _)) | (T::Array(b, _), T::List(a)) => {
                max_logical_type(a, b).map(|c| T::List(Box::new(c)))
            }
            (T::List(a), T::List(b)) => max_logical_type(a, b).map(|c| T::List(Box::new(c))),
            (T::Array(a, n), T::Array(b, m)) => {
                let c = max_logical_type(a, b)?;
                Some(if n == m {
                    T::Array(Box::new(c), *n)
                } else {
                    T::List(Box::new(c))
                })
            }
            (T::Struct(a), T::Struct(b)) => {
                if a.len() != b.len() {
                    return None;
                }
                let mut fields = Vec::new();
                for ((na, ta), (nb, tb)) in a.iter().zip(b) {
                    if na != nb {
                        return None;
                    }
                    fields.push((na.clone(), max_logical_type(ta, tb)?));
                }
                Some(T::Struct(fields))
            }
            (T::Map(ka, va), T::Map(kb, vb)) => Some(T::Map(
                Box::new(max_logical_type(ka, kb)?),
                Box::new(max_logical_type(va, vb)?),
            )),
            _ => None,
        };
    }
    let id = max_type_id(li, ri)?;
    if id == li {
        Some(l.clone())
    } else if id == ri {
        Some(r.clone())
    } else {
        id.default_type()
    }
}

/// The common type of many (`ANY` for none).
pub fn max_logical_type_of(types: &[LogicalType]) -> Option<LogicalType> {
    let mut acc = LogicalType::Any;
    for t in types {
        acc = max_logical_type(&acc, t)?;
    }
    Some(acc)
}

/// Whether `from` may be cast to `to` without the user asking (Kuzu's `hasImplicitCast`).
pub fn has_implicit_cast(from: &LogicalType, to: &LogicalType) -> bool {
    use LogicalType as T;
    let (fi, ti) = (TypeId::of(from), TypeId::of(to));
    if fi.is_nested() && ti.is_nested() {
        return match (from, to) {
            (T::Array(a, _), T::List(b))
            | (T::List(a), T::Array(b, _))
            | (T::List(a), T::List(b)) => has_implicit_cast(a, b),
            (T::Array(a, n), T::Array(b, m)) => n == m && has_implicit_cast(a, b),
            (T::Struct(a), T::Struct(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((na, ta), (nb, tb))| na == nb && has_implicit_cast(ta, tb))
            }
            (T::Map(ka, va), T::Map(kb, vb)) => {
                has_implicit_cast(ka, kb) && has_implicit_cast(va, vb)
            }
            (T::Union(_), T::Union(_)) => true,
            _ => false,
        };
    }
    if let T::Union(fields) = to {
        return fields.iter().any(|(_, t)| has_implicit_cast(from, t));
    }
    if cast_cost(fi, ti) != UNDEFINED_CAST_COST {
        return true;
    }
    fi.is_numerical() && ti.is_numerical()
}

/// Replaces `ANY` inside a type by `INT64`, as Kuzu types an empty list literal `[]`.
pub fn resolve_any(t: &LogicalType) -> LogicalType {
    use LogicalType as T;
    match t {
        T::Any => T::Int64,
        T::List(c) => T::List(Box::new(resolve_any(c))),
        T::Array(c, n) => T::Array(Box::new(resolve_any(c)), *n),
        T::Struct(f) => T::Struct(f.iter().map(|(n, t)| (n.clone(), resolve_any(t))).collect()),
        T::Map(k, v) => T::Map(Box::new(resolve_any(k)), Box::new(resolve_any(v))),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LogicalType as T;

    #[test]
    fn costs_follow_kuzu() {
        assert_eq!(cast_cost(TypeId::Int8, TypeId::Serial), 100);
        assert_eq!(cast_cost(TypeId::Int8, TypeId::Int64), 101);
        assert_eq!(cast_cost(TypeId::Int64, TypeId::Serial), 0);
        assert_eq!(cast_cost(TypeId::Int64, TypeId::Double), 105);
        assert_eq!(
            cast_cost(TypeId::String, TypeId::Int64),
            UNDEFINED_CAST_COST
        );
        assert_eq!(cast_cost(TypeId::Int64, TypeId::String), 149);
        assert_eq!(cast_cost(TypeId::Any, TypeId::Int64), 1);
        assert_eq!(
            cast_cost(TypeId::Double, TypeId::Int64),
            UNDEFINED_CAST_COST
        );
    }

    #[test]
    fn max_types() {
        assert_eq!(max_logical_type(&T::Int64, &T::Double), Some(T::Double));
        assert_eq!(max_logical_type(&T::String, &T::Int64), Some(T::Int64));
        assert_eq!(max_logical_type(&T::Any, &T::String), Some(T::String));
        assert_eq!(max_logical_type(&T::Int32, &T::Int64), Some(T::Int64));
        assert_eq!(max_logical_type(&T::UInt64, &T::Int64), Some(T::Int128));
        assert_eq!(
            max_logical_type(&T::Date, &T::Timestamp),
            Some(T::Timestamp)
        );
        assert_eq!(max_logical_type(&T::Bool, &T::Int64), None);
        assert_eq!(
            max_logical_type(&T::List(Box::new(T::Int64)), &T::List(Box::new(T::Double))),
            Some(T::List(Box::new(T::Double)))
        );
        assert_eq!(
            max_logical_type_of(&[T::Any, T::Int64, T::Double]),
            Some(T::Double)
        );
        assert!(has_implicit_cast(&T::Double, &T::Int64));
        assert!(!has_implicit_cast(&T::String, &T::Int64));
        assert_eq!(
            resolve_any(&T::List(Box::new(T::Any))),
            T::List(Box::new(T::Int64))
        );
    }
}

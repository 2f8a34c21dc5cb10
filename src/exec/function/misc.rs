//! NULL helpers (`COALESCE`, `IFNULL`, `NULLIF`, `CONSTANT_OR_NULL`), casts by name
//! (`TO_INT64`, `TO_STRING`, ...), `COUNT_IF`, `ERROR`, `GREATEST`/`LEAST`, UUID and BLOB
//! constructors, `RAND`. `TYPEOF` is folded to a literal by `bind_function`.

use super::{arg_str, runtime, Registry};
use crate::error::{Error, Result};
use crate::exec::cast::{as_i128, cast_value};
use crate::exec::typing::{has_implicit_cast, TypeId};
use crate::exec::values::{compare_values, values_equal};
use crate::types::{LogicalType, Value};
use std::cmp::Ordering;

fn bind_common(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let mut t = LogicalType::Any;
    for a in args {
        t = crate::exec::typing::max_logical_type(&t, a).ok_or_else(|| {
            Error::Binder(format!(
                "Expression has data type {a} but expected {t}. Implicit cast is not supported."
            ))
        })?;
    }
    for a in args {
        if *a != t && *a != LogicalType::Any && !has_implicit_cast(a, &t) {
            return Err(Error::Binder(format!(
                "Expression has data type {a} but expected {t}. Implicit cast is not supported."
            )));
        }
    }
    let t = if t == LogicalType::Any {
        LogicalType::String
    } else {
        t
    };
    Ok((vec![t.clone(); args.len()], t))
}

fn coalesce(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(a.iter()
        .find(|v| !v.is_null())
        .cloned()
        .unwrap_or(Value::Null))
}

fn nullif(a: &[Value], _t: &LogicalType) -> Result<Value> {
    if !a[0].is_null() && !a[1].is_null() && values_equal(&a[0], &a[1]) {
        Ok(Value::Null)
    } else {
        Ok(a[0].clone())
    }
}

fn bind_nullif(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let (t, r) = bind_common(args)?;
    let r = if args[0] == LogicalType::Any {
        r
    } else {
        args[0].clone()
    };
    Ok((vec![r.clone(), t[1].clone()], r))
}

fn constant_or_null(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(if a[1].is_null() {
        Value::Null
    } else {
        a[0].clone()
    })
}

fn bind_first(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    Ok((args.to_vec(), args[0].clone()))
}

fn cast_to_ret(a: &[Value], t: &LogicalType) -> Result<Value> {
    cast_value(&a[0], t)
}

fn count_if(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let truthy = match &a[0] {
        Value::Bool(b) => *b,
        v => as_i128(v)
            .map(|x| x != 0)
            .unwrap_or_else(|| super::arg_f64(v) != 0.0),
    };
    Ok(Value::UInt8(truthy as u8))
}

fn error(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Err(runtime(arg_str(&a[0])))
}

fn greatest(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(if compare_values(&a[0], &a[1]) == Ordering::Less {
        a[1].clone()
    } else {
        a[0].clone()
    })
}

fn least(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(if compare_values(&a[0], &a[1]) == Ordering::Greater {
        a[1].clone()
    } else {
        a[0].clone()
    })
}

fn uuid(a: &[Value], _t: &LogicalType) -> Result<Value> {
    cast_value(&a[0], &LogicalType::Uuid)
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).map_err(|e| runtime(format!("random source failed: {e}")))?;
    Ok(b)
}

fn gen_random_uuid(_a: &[Value], _t: &LogicalType) -> Result<Value> {
    let mut b = random_bytes::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    Ok(Value::Uuid(u128::from_be_bytes(b)))
}

fn rand(_a: &[Value], _t: &LogicalType) -> Result<Value> {
    let b = random_bytes::<8>()?;
    Ok(Value::Double(
        (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64,
    ))
}

/// BLOB text: `\xHH` escapes are bytes, everything else is UTF-8.
fn blob(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let s = arg_str(&a[0]).as_bytes();
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && i + 3 < s.len() && s.get(i + 1) == Some(&b'x') {
            let hex = std::str::from_utf8(&s[i + 2..i + 4]).unwrap_or("");
            match u8::from_str_radix(hex, 16) {
                Ok(b) => {
                    out.push(b);
                    i += 4;
                    continue;
                }
                Err(_) => {
                    return Err(Error::Conversion(
                        "Invalid hex escape code encountered in string -> blob conversion: unterminated escape code at end of blob".into(),
                    ))
                }
            }
        }
        out.push(s[i]);
        i += 1;
    }
    Ok(Value::Blob(out))
}

pub(super) fn register(r: &mut Registry) {
    use TypeId as T;
    r.row("COALESCE", &[T::Any], T::Any, coalesce)
        .var_arg()
        .nulls_handled()
        .with_bind(bind_common);
    r.row("IFNULL", &[T::Any, T::Any], T::Any, coalesce)
        .nulls_handled()
        .with_bind(bind_common);
    r.row("NULLIF", &[T::Any, T::Any], T::Any, nullif)
        .nulls_handled()
        .with_bind(bind_nullif);
    r.row(
        "CONSTANT_OR_NULL",
        &[T::Any, T::Any],
        T::Any,
        constant_or_null,
    )
    .nulls_handled()
    .with_bind(bind_first);
    r.row("TYPEOF", &[T::Any], T::String, |_, _| Ok(Value::Null));
    r.row("STRUCT_EXTRACT", &[T::Struct, T::String], T::Any, |_, _| {
        Ok(Value::Null)
    })
    .with_bind(|_| {
        Err(Error::Binder(
            "STRUCT_EXTRACT expects a literal field name.".into(),
        ))
    });
    r.row("COUNT_IF", &[T::Any], T::UInt8, count_if);
    r.row("ERROR", &[T::String], T::Int32, error);
    r.row("GREATEST", &[T::Date, T::Date], T::Date, greatest);
    r.row(
        "GREATEST",
        &[T::Timestamp, T::Timestamp],
        T::Timestamp,
        greatest,
    );
    r.row("LEAST", &[T::Date, T::Date], T::Date, least);
    r.row("LEAST", &[T::Timestamp, T::Timestamp], T::Timestamp, least);
    r.row("UUID", &[T::String], T::Uuid, uuid);
    r.row("GEN_RANDOM_UUID", &[], T::Uuid, gen_random_uuid)
        .volatile();
    r.row("RAND", &[], T::Double, rand).volatile();
    r.row("BLOB", &[T::String], T::Blob, blob);
    let casts: [(&str, TypeId); 20] = [
        ("TO_INT8", T::Int8),
        ("TO_INT16", T::Int16),
        ("TO_INT32", T::Int32),
        ("TO_INT64", T::Int64),
        ("TO_INT128", T::Int128),
        ("TO_UINT8", T::UInt8),
        ("TO_UINT16", T::UInt16),
        ("TO_UINT32", T::UInt32),
        ("TO_UINT64", T::UInt64),
        ("TO_FLOAT", T::Float),
        ("TO_DOUBLE", T::Double),
        ("TO_BOOL", T::Bool),
        ("TO_DATE", T::Date),
        ("TO_STRING", T::String),
        ("TO_BLOB", T::Blob),
        ("TO_UUID", T::Uuid),
        ("TO_SERIAL", T::Serial),
        ("TO_TIMESTAMP_TZ", T::TimestampTz),
        ("TO_INTERVAL_VALUE", T::Interval),
        ("TOINTEGER", T::Int64),
    ];
    for (n, t) in casts {
        r.row(n, &[T::Any], t, cast_to_ret);
    }
    r.alias("TOFLOAT", "TO_DOUBLE");
    r.alias("TOSTRING", "TO_STRING");
    r.alias("TOBOOLEAN", "TO_BOOL");
}

#[cfg(test)]
mod tests {
    use crate::exec::function::call_values;
    use crate::types::Value::*;

    #[test]
    fn null_helpers_and_casts() {
        assert_eq!(
            call_values("coalesce", &[Null, Int64(1), Double(2.5)]).unwrap(),
            Double(1.0)
        );
        assert_eq!(call_values("coalesce", &[Null, Null]).unwrap(), Null);
        assert_eq!(
            call_values("ifnull", &[Null, String("d".into())]).unwrap(),
            String("d".into())
        );
        assert_eq!(call_values("nullif", &[Int64(1), Int64(1)]).unwrap(), Null);
        assert_eq!(call_values("nullif", &[Int64(1), Null]).unwrap(), Int64(1));
        assert_eq!(call_values("count_if", &[Bool(true)]).unwrap(), UInt8(1));
        assert_eq!(call_values("count_if", &[Null]).unwrap(), Null);
        assert_eq!(
            call_values("to_int64", &[String("12".into())]).unwrap(),
            Int64(12)
        );
        assert_eq!(
            call_values("to_string", &[Double(1.5)]).unwrap(),
            String("1.500000".into())
        );
        assert_eq!(
            call_values("typeof", &[Null]).unwrap(),
            String("NULL".into())
        );
        assert_eq!(
            call_values("typeof", &[List(vec![Int64(1)])]).unwrap(),
            String("INT64[]".into())
        );
        assert_eq!(
            call_values("error", &[String("boom".into())])
                .unwrap_err()
                .to_string(),
            "Runtime exception: boom"
        );
        let e = call_values("ifnull", &[Null, Int64(1), Int64(2)])
            .unwrap_err()
            .to_string();
        assert_eq!(e, "Binder exception: Function IFNULL did not receive correct arguments:\nActual:   (ANY,INT64,INT64)\nExpected: (ANY,ANY) -> ANY\n");
        assert_eq!(
            call_values("nosuch", &[]).unwrap_err().to_string(),
            "Catalog exception: function NOSUCH does not exist."
        );
        assert_eq!(
            call_values("blob", &[String("\\xAAab".into())]).unwrap(),
            Blob(vec![0xAA, b'a', b'b'])
        );
    }
}

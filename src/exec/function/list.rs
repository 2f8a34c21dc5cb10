//! LIST / ARRAY / MAP / UNION functions (Kuzu semantics: 1-based positions, negative positions
//! count from the end, `list_extract` out of range is an error, slices are inclusive).

use super::{arg_i64, arg_list, arg_str, runtime, Registry};
use crate::error::{Error, Result};
use crate::exec::cast::{as_i128, int_value};
use crate::exec::typing::{has_implicit_cast, max_logical_type_of, TypeId};
use crate::exec::values::{compare_values, values_equal};
use crate::types::{LogicalType, Value};
use std::cmp::Ordering;

fn child_of(t: &LogicalType) -> LogicalType {
    match t {
        LogicalType::List(c) | LogicalType::Array(c, _) => (**c).clone(),
        _ => LogicalType::Any,
    }
}

fn as_list_type(t: &LogicalType) -> LogicalType {
    match t {
        LogicalType::Array(c, _) => LogicalType::List(c.clone()),
        LogicalType::Any => LogicalType::List(Box::new(LogicalType::Any)),
        other => other.clone(),
    }
}

/// Two lists of the same type (`LIST_CONCAT`).
pub fn bind_list_pair(name: &str, args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let (a, b) = (as_list_type(&args[0]), as_list_type(&args[1]));
    let ty = if args[0] == LogicalType::Any {
        b.clone()
    } else if args[1] == LogicalType::Any || a == b {
        a.clone()
    } else if child_of(&a) == LogicalType::Any {
        b.clone()
    } else if child_of(&b) == LogicalType::Any {
        a.clone()
    } else {
        return Err(Error::Binder(format!(
            "Cannot bind {name} with parameter type {} and {}.",
            args[0], args[1]
        )));
    };
    Ok((vec![ty.clone(), ty.clone()], ty))
}

fn bind_list_elem(
    name: &'static str,
    args: &[LogicalType],
) -> Result<(Vec<LogicalType>, LogicalType)> {
    let list = as_list_type(&args[0]);
    let child = child_of(&list);
    let elem = &args[1];
    if *elem == LogicalType::Any {
        return Ok((vec![list.clone(), child], list));
    }
    if child == LogicalType::Any {
        let l = LogicalType::List(Box::new(elem.clone()));
        return Ok((vec![l.clone(), elem.clone()], l));
    }
    if child != *elem {
        return Err(Error::Binder(format!(
            "Cannot bind {name} with parameter type {} and {elem}.",
            args[0]
        )));
    }
    Ok((vec![list.clone(), child], list))
}

fn bind_contains(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let list = as_list_type(&args[0]);
    let child = child_of(&list);
    let elem = &args[1];
    if *elem != LogicalType::Any
        && child != LogicalType::Any
        && *elem != child
        && !has_implicit_cast(elem, &child)
    {
        return Err(Error::Binder(format!(
            "Expression has data type {elem} but expected {child}. Implicit cast is not supported."
        )));
    }
    let target = if child == LogicalType::Any {
        elem.clone()
    } else {
        child
    };
    Ok((vec![list, target], LogicalType::Bool))
}

fn bind_position(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let (a, _) = bind_contains(args)?;
    Ok((a, LogicalType::Int64))
}

fn bind_extract(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    match &args[0] {
        LogicalType::String => Ok((
            vec![LogicalType::String, LogicalType::Int64],
            LogicalType::String,
        )),
        t => Ok((vec![t.clone(), LogicalType::Int64], child_of(t))),
    }
}

fn bind_same_list(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let l = as_list_type(&args[0]);
    let mut targets = vec![l.clone()];
    targets.extend(args[1..].iter().cloned());
    Ok((targets, l))
}

fn bind_child(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    Ok((args.to_vec(), child_of(&args[0])))
}

fn bind_numeric_child(name: &str, args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let c = child_of(&args[0]);
    if !(c.is_numeric() || c == LogicalType::Any) {
        return Err(Error::Binder(format!(
            "Unsupported inner data type for {name}: {c}"
        )));
    }
    Ok((args.to_vec(), c))
}

fn bind_list_creation(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let child = max_logical_type_of(args)
        .ok_or_else(|| Error::Binder("Cannot infer the child type of a list literal.".into()))?;
    let child = if child == LogicalType::Any {
        LogicalType::Int64
    } else {
        child
    };
    Ok((
        vec![child.clone(); args.len()],
        LogicalType::List(Box::new(child)),
    ))
}

fn bind_range(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let t = max_logical_type_of(args).unwrap_or(LogicalType::Int64);
    let t = if t == LogicalType::Any {
        LogicalType::Int64
    } else {
        t
    };
    Ok((vec![t.clone(); args.len()], LogicalType::List(Box::new(t))))
}

fn list_creation(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::List(a.to_vec()))
}

fn size(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Int64(match &a[0] {
        Value::List(x) | Value::Array(x) => x.len() as i64,
        Value::Map(m) => m.len() as i64,
        Value::String(s) => s.chars().count() as i64,
        _ => 0,
    }))
}

/// `array_extract(string, i)`: the i-th character (1-based; negative from the end), an
/// out-of-range position clamped to the first / last character, as Kuzu does.
fn array_extract_str(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let idx = arg_i64(&a[1]);
    let s = super::arg_str(&a[0]);
    let chars: Vec<&str> = super::string::graphemes(s);
    let n = chars.len() as i64;
    let pos = if idx > 0 {
        (idx - 1).min(n - 1)
    } else if idx < 0 {
        (n + idx).max(0)
    } else {
        -1
    };
    Ok(Value::String(if pos >= 0 && pos < n {
        chars[pos as usize].to_string()
    } else {
        String::new()
    }))
}

fn list_extract(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let idx = arg_i64(&a[1]);
    if let Value::String(s) = &a[0] {
        // `s[i]` past the string's byte length is empty; otherwise as `array_extract`.
        if idx > s.len() as i64 {
            return Ok(Value::String(String::new()));
        }
        return array_extract_str(a, _t);
    }
    if let Value::String(s) = &a[0] {
        let chars: Vec<&str> = super::string::graphemes(s);
        let n = chars.len() as i64;
        // Kuzu clamps an out-of-range position to the first / last character; 0 is empty.
        let pos = if idx > 0 {
            (idx - 1).min(n - 1)
        } else if idx < 0 {
            (n + idx).max(0)
        } else {
            -1
        };
        return Ok(Value::String(if pos >= 0 && pos < n {
            chars[pos as usize].to_string()
        } else {
            String::new()
        }));
    }
    let list = arg_list(&a[0]);
    if idx == 0 {
        return Err(runtime("List extract takes 1-based position."));
    }
    let n = list.len() as i64;
    let pos = if idx > 0 { idx - 1 } else { n + idx };
    if pos < 0 || pos >= n {
        return Err(runtime(format!(
            "list_extract(list, index): index={idx} is out of range."
        )));
    }
    Ok(list[pos as usize].clone())
}

fn list_concat(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let mut v = arg_list(&a[0]).to_vec();
    v.extend_from_slice(arg_list(&a[1]));
    Ok(Value::List(v))
}

fn list_append(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let mut v = arg_list(&a[0]).to_vec();
    v.push(a[1].clone());
    Ok(Value::List(v))
}

fn list_prepend(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let mut v = vec![a[1].clone()];
    v.extend_from_slice(arg_list(&a[0]));
    Ok(Value::List(v))
}

fn list_contains(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Bool(
        arg_list(&a[0])
            .iter()
            .any(|x| !x.is_null() && values_equal(x, &a[1])),
    ))
}

fn list_position(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let pos = arg_list(&a[0])
        .iter()
        .position(|x| !x.is_null() && values_equal(x, &a[1]))
        .map(|p| p as i64 + 1)
        .unwrap_or(0);
    Ok(Value::Int64(pos))
}

fn normalize_slice(begin: i64, end: i64, size: i64) -> (i64, i64) {
    let mut s = begin;
    let mut e = end;
    if s < 0 {
        s = size + s + 1;
    }
    if s <= 0 {
        s = 1;
    }
    if e < 0 {
        e = size + e + 1;
    }
    if e > size {
        e = size;
    }
    if e < s {
        s = 1;
        e = 0;
    }
    (s, e)
}

fn list_slice(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let (b, e) = (arg_i64(&a[1]), arg_i64(&a[2]));
    if let Value::String(st) = &a[0] {
        // Kuzu normalises the bounds, then takes SUBSTR(start, end - start + 1).
        let chars: Vec<&str> = super::string::graphemes(st);
        let (s, e) = normalize_slice(b, e, chars.len() as i64);
        let end = e.max(s - 1) as usize;
        return Ok(Value::String(chars[(s - 1) as usize..end].concat()));
    }
    let list = arg_list(&a[0]);
    let (s, e) = normalize_slice(b, e, list.len() as i64);
    Ok(Value::List(
        list[(s - 1) as usize..e.max(s - 1) as usize].to_vec(),
    ))
}

fn sort_values(list: &[Value], desc: bool, nulls_first: bool) -> Vec<Value> {
    let mut v = list.to_vec();
    v.sort_by(|x, y| match (x.is_null(), y.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => {
            if nulls_first {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (false, true) => {
            if nulls_first {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        _ => {
            let o = compare_values(x, y);
            if desc {
                o.reverse()
            } else {
                o
            }
        }
    });
    v
}

fn sort_order(a: &[Value], default_desc: bool) -> Result<(bool, bool)> {
    let desc = match a.get(1) {
        Some(v) => match arg_str(v).to_ascii_uppercase().as_str() {
            "ASC" => false,
            "DESC" => true,
            _ => return Err(runtime("Invalid sortOrder")),
        },
        None => default_desc,
    };
    let nulls_first = match a.get(2) {
        Some(v) => match arg_str(v).to_ascii_uppercase().as_str() {
            "NULLS FIRST" => true,
            "NULLS LAST" => false,
            _ => return Err(runtime("Invalid nullOrder")),
        },
        None => true,
    };
    Ok((desc, nulls_first))
}

fn list_sort(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let (desc, nf) = sort_order(a, false)?;
    Ok(Value::List(sort_values(arg_list(&a[0]), desc, nf)))
}

fn list_reverse_sort(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let nulls_first = match a.get(1) {
        Some(v) => arg_str(v).eq_ignore_ascii_case("NULLS FIRST"),
        None => true,
    };
    Ok(Value::List(sort_values(arg_list(&a[0]), true, nulls_first)))
}

fn list_reverse(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let mut v = arg_list(&a[0]).to_vec();
    v.reverse();
    Ok(Value::List(v))
}

fn distinct_non_null(list: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for x in list {
        if !x.is_null() && !out.iter().any(|y| values_equal(x, y)) {
            out.push(x.clone());
        }
    }
    out
}

fn list_distinct(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::List(distinct_non_null(arg_list(&a[0]))))
}

fn list_unique(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Int64(distinct_non_null(arg_list(&a[0])).len() as i64))
}

fn list_fold(a: &[Value], t: &LogicalType, product: bool) -> Result<Value> {
    let list = arg_list(&a[0]);
    if t.is_integer() {
        let mut acc: i128 = if product { 1 } else { 0 };
        for x in list {
            if let Some(v) = as_i128(x) {
                acc = if product {
                    acc.checked_mul(v)
                } else {
                    acc.checked_add(v)
                }
                .ok_or_else(|| Error::Overflow(format!("Value is not within {t} range.")))?;
            }
        }
        return crate::exec::cast::cast_value(&int_value(acc, &LogicalType::Int128), t);
    }
    let mut acc = if product { 1.0 } else { 0.0 };
    for x in list {
        if !x.is_null() {
            let v = super::arg_f64(x);
            acc = if product { acc * v } else { acc + v };
        }
    }
    crate::exec::cast::cast_value(&Value::Double(acc), t)
}

fn list_sum(a: &[Value], t: &LogicalType) -> Result<Value> {
    list_fold(a, t, false)
}

fn list_product(a: &[Value], t: &LogicalType) -> Result<Value> {
    list_fold(a, t, true)
}

fn list_any_value(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(arg_list(&a[0])
        .iter()
        .find(|x| !x.is_null())
        .cloned()
        .unwrap_or(Value::Null))
}

fn list_to_string(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let sep = arg_str(&a[0]);
    let parts: Vec<String> = arg_list(&a[1])
        .iter()
        .filter(|x| !x.is_null())
        .map(crate::exec::cast::value_to_text)
        .collect();
    Ok(Value::String(parts.join(sep)))
}

fn range(a: &[Value], t: &LogicalType) -> Result<Value> {
    let start = as_i128(&a[0]).unwrap_or(0);
    let end = as_i128(&a[1]).unwrap_or(0);
    let step = a.get(2).and_then(as_i128).unwrap_or(1);
    if step == 0 {
        return Err(runtime("Step of range cannot be 0."));
    }
    let span = if step > 0 {
        end.checked_sub(start)
    } else {
        start.checked_sub(end)
    };
    let count = match (span, step.checked_abs()) {
        (Some(sp), Some(_)) if sp < 0 => 0,
        (Some(sp), Some(st)) => sp / st + 1,
        _ => i128::MAX,
    };
    if count > 1 << 24 {
        return Err(runtime(format!("range of {count} elements is too large.")));
    }
    let child = child_of(t);
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0 && x <= end) || (step < 0 && x >= end) {
        out.push(int_value(x, &child));
        match x.checked_add(step) {
            Some(n) => x = n,
            None => break,
        }
    }
    Ok(Value::List(out))
}

/// `MAP` with key validation (Kuzu's `CALL disable_map_key_check=false`).
fn map_create_checked(a: &[Value], t: &LogicalType) -> Result<Value> {
    let k = arg_list(&a[0]);
    for (i, x) in k.iter().enumerate() {
        if x.is_null() {
            return Err(runtime("Null value key is not allowed in map."));
        }
        if k[..i].iter().any(|y| values_equal(x, y)) {
            return Err(runtime(format!(
                "Found duplicate key: {} in map.",
                crate::exec::cast::value_to_text(x)
            )));
        }
    }
    map_create(a, t)
}

fn map_create(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let (k, v) = (arg_list(&a[0]), arg_list(&a[1]));
    if k.len() != v.len() {
        return Err(runtime("Unaligned key list and value list."));
    }
    Ok(Value::Map(
        k.iter().cloned().zip(v.iter().cloned()).collect(),
    ))
}

fn bind_map(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let (k, v) = (
        child_of(&as_list_type(&args[0])),
        child_of(&as_list_type(&args[1])),
    );
    let k = if k == LogicalType::Any {
        LogicalType::Int64
    } else {
        k
    };
    let v = if v == LogicalType::Any {
        LogicalType::Int64
    } else {
        v
    };
    Ok((
        vec![
            LogicalType::List(Box::new(k.clone())),
            LogicalType::List(Box::new(v.clone())),
        ],
        LogicalType::Map(Box::new(k), Box::new(v)),
    ))
}

fn map_entries(v: &Value) -> &[(Value, Value)] {
    match v {
        Value::Map(m) => m,
        _ => &[],
    }
}

fn map_extract(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::List(
        map_entries(&a[0])
            .iter()
            .filter(|(k, _)| values_equal(k, &a[1]))
            .map(|(_, v)| v.clone())
            .collect(),
    ))
}

fn map_keys(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::List(
        map_entries(&a[0]).iter().map(|(k, _)| k.clone()).collect(),
    ))
}

fn map_values(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::List(
        map_entries(&a[0]).iter().map(|(_, v)| v.clone()).collect(),
    ))
}

fn bind_map_extract(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    match &args[0] {
        LogicalType::Map(k, v) => Ok((
            vec![args[0].clone(), (**k).clone()],
            LogicalType::List(v.clone()),
        )),
        _ => Ok((args.to_vec(), LogicalType::List(Box::new(LogicalType::Any)))),
    }
}

fn bind_map_keys(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    match &args[0] {
        LogicalType::Map(k, _) => Ok((args.to_vec(), LogicalType::List(k.clone()))),
        _ => Ok((args.to_vec(), LogicalType::List(Box::new(LogicalType::Any)))),
    }
}

fn bind_map_values(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    match &args[0] {
        LogicalType::Map(_, v) => Ok((args.to_vec(), LogicalType::List(v.clone()))),
        _ => Ok((args.to_vec(), LogicalType::List(Box::new(LogicalType::Any)))),
    }
}

fn union_tag(a: &[Value], _t: &LogicalType) -> Result<Value> {
    match &a[0] {
        Value::Union { tag, .. } => Ok(Value::String(tag.clone())),
        _ => Ok(Value::Null),
    }
}

fn float_list(v: &Value) -> Vec<f64> {
    arg_list(v).iter().map(super::arg_f64).collect()
}

fn array_pair(a: &[Value]) -> Result<(Vec<f64>, Vec<f64>)> {
    let (x, y) = (float_list(&a[0]), float_list(&a[1]));
    if x.len() != y.len() {
        return Err(runtime(format!(
            "Array lengths must be equal, got {} and {}.",
            x.len(),
            y.len()
        )));
    }
    Ok((x, y))
}

fn float_out(x: f64, t: &LogicalType) -> Value {
    if *t == LogicalType::Float {
        Value::Float(x as f32)
    } else {
        Value::Double(x)
    }
}

fn dot(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

fn array_cosine_similarity(a: &[Value], t: &LogicalType) -> Result<Value> {
    let (x, y) = array_pair(a)?;
    Ok(float_out(
        dot(&x, &y) / (dot(&x, &x).sqrt() * dot(&y, &y).sqrt()),
        t,
    ))
}

fn array_distance(a: &[Value], t: &LogicalType) -> Result<Value> {
    let (x, y) = array_pair(a)?;
    let d: f64 = x.iter().zip(&y).map(|(p, q)| (p - q) * (p - q)).sum();
    Ok(float_out(d.sqrt(), t))
}

fn array_squared_distance(a: &[Value], t: &LogicalType) -> Result<Value> {
    let (x, y) = array_pair(a)?;
    Ok(float_out(
        x.iter().zip(&y).map(|(p, q)| (p - q) * (p - q)).sum(),
        t,
    ))
}

fn array_inner_product(a: &[Value], t: &LogicalType) -> Result<Value> {
    let (x, y) = array_pair(a)?;
    Ok(float_out(dot(&x, &y), t))
}

fn array_cross_product(a: &[Value], t: &LogicalType) -> Result<Value> {
    let (x, y) = array_pair(a)?;
    if x.len() != 3 {
        return Err(runtime("ARRAY_CROSS_PRODUCT requires arrays of size 3."));
    }
    let c = [
        x[1] * y[2] - x[2] * y[1],
        x[2] * y[0] - x[0] * y[2],
        x[0] * y[1] - x[1] * y[0],
    ];
    let child = child_of(t);
    Ok(Value::Array(
        c.iter().map(|v| float_out(*v, &child)).collect(),
    ))
}

fn bind_array_math(name: &'static str, args: &[LogicalType]) -> Result<LogicalType> {
    let c0 = child_of(&args[0]);
    let c1 = child_of(&args[1]);
    let ok = |c: &LogicalType| matches!(c, LogicalType::Float | LogicalType::Double);
    if !ok(&c0) || !ok(&c1) {
        return Err(Error::Binder(format!(
            "{name} requires argument type to be FLOAT[] or DOUBLE[]."
        )));
    }
    Ok(if c0 == LogicalType::Double || c1 == LogicalType::Double {
        LogicalType::Double
    } else {
        LogicalType::Float
    })
}

fn offset(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(match &a[0] {
        Value::InternalId(id) => Value::Int64(id.offset as i64),
        // INTERNAL_ID columns hold packed ids (`table << 48 | offset`).
        Value::UInt64(p) => {
            Value::Int64(crate::types::vector::unpack_internal_id(*p).offset as i64)
        }
        other => as_i128(other)
            .map(|x| Value::Int64(x as i64))
            .unwrap_or(Value::Null),
    })
}

/// `internal_id(table, offset)`, packed as INTERNAL_ID columns hold ids.
fn internal_id(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let (Some(t), Some(o)) = (a[0].as_i64(), a[1].as_i64()) else {
        return Ok(Value::Null);
    };
    if !(0..1 << 16).contains(&t) || !(0..1 << 48).contains(&o) {
        return Err(Error::Runtime(format!("Invalid internal id {t}:{o}.")));
    }
    Ok(Value::UInt64(crate::types::vector::pack_internal_id(
        crate::types::InternalId {
            table: t as u64,
            offset: o as u64,
        },
    )))
}

fn array_value(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Array(a.to_vec()))
}

pub(super) fn register(r: &mut Registry) {
    use TypeId as T;
    r.row("LIST_CREATION", &[T::Any], T::List, list_creation)
        .var_arg()
        .nulls_handled()
        .with_bind(bind_list_creation);
    for t in [T::List, T::Array, T::Map, T::String] {
        r.row("SIZE", &[t], T::Int64, size);
    }
    r.alias("CARDINALITY", "SIZE");
    r.row("LIST_EXTRACT", &[T::List, T::Int64], T::Any, list_extract)
        .with_bind(bind_extract);
    r.row("LIST_EXTRACT", &[T::Array, T::Int64], T::Any, list_extract)
        .with_bind(bind_extract);
    r.row(
        "LIST_EXTRACT",
        &[T::String, T::Int64],
        T::String,
        list_extract,
    )
    .with_bind(bind_extract);
    r.alias("LIST_ELEMENT", "LIST_EXTRACT");
    r.row("ARRAY_EXTRACT", &[T::List, T::Int64], T::Any, list_extract)
        .with_bind(bind_extract);
    r.row("ARRAY_EXTRACT", &[T::Array, T::Int64], T::Any, list_extract)
        .with_bind(bind_extract);
    r.row(
        "ARRAY_EXTRACT",
        &[T::String, T::Int64],
        T::String,
        array_extract_str,
    )
    .with_bind(bind_extract);
    r.row("LIST_CONCAT", &[T::List, T::List], T::List, list_concat)
        .with_bind(|a| bind_list_pair("LIST_CONCAT", a));
    for al in ["LIST_CAT", "ARRAY_CONCAT", "ARRAY_CAT"] {
        r.alias(al, "LIST_CONCAT");
    }
    r.row("LIST_APPEND", &[T::List, T::Any], T::List, list_append)
        .with_bind(|a| bind_list_elem("LIST_APPEND", a));
    r.alias("ARRAY_APPEND", "LIST_APPEND");
    r.alias("ARRAY_PUSH_BACK", "LIST_APPEND");
    r.row("LIST_PREPEND", &[T::List, T::Any], T::List, list_prepend)
        .with_bind(|a| bind_list_elem("LIST_PREPEND", a));
    r.alias("ARRAY_PREPEND", "LIST_PREPEND");
    r.alias("ARRAY_PUSH_FRONT", "LIST_PREPEND");
    r.row("LIST_CONTAINS", &[T::List, T::Any], T::Bool, list_contains)
        .with_bind(bind_contains);
    for al in ["LIST_HAS", "ARRAY_CONTAINS", "ARRAY_HAS"] {
        r.alias(al, "LIST_CONTAINS");
    }
    r.row("LIST_POSITION", &[T::List, T::Any], T::Int64, list_position)
        .with_bind(bind_position);
    for al in ["LIST_INDEXOF", "ARRAY_POSITION", "ARRAY_INDEXOF"] {
        r.alias(al, "LIST_POSITION");
    }
    r.row(
        "LIST_SLICE",
        &[T::List, T::Int64, T::Int64],
        T::List,
        list_slice,
    )
    .with_bind(bind_same_list);
    r.row(
        "LIST_SLICE",
        &[T::Array, T::Int64, T::Int64],
        T::List,
        list_slice,
    )
    .with_bind(bind_same_list);
    r.row(
        "LIST_SLICE",
        &[T::String, T::Int64, T::Int64],
        T::String,
        list_slice,
    );
    r.alias("ARRAY_SLICE", "LIST_SLICE");
    r.row("LIST_SORT", &[T::List], T::List, list_sort)
        .with_bind(bind_same_list);
    r.row("LIST_SORT", &[T::List, T::String], T::List, list_sort)
        .with_bind(bind_same_list);
    r.row(
        "LIST_SORT",
        &[T::List, T::String, T::String],
        T::List,
        list_sort,
    )
    .with_bind(bind_same_list);
    r.row("LIST_REVERSE_SORT", &[T::List], T::List, list_reverse_sort)
        .with_bind(bind_same_list);
    r.row(
        "LIST_REVERSE_SORT",
        &[T::List, T::String],
        T::List,
        list_reverse_sort,
    )
    .with_bind(bind_same_list);
    r.row("LIST_REVERSE", &[T::List], T::List, list_reverse)
        .with_bind(bind_same_list);
    r.row("LIST_DISTINCT", &[T::List], T::List, list_distinct)
        .with_bind(bind_same_list);
    r.row("LIST_UNIQUE", &[T::List], T::Int64, list_unique);
    r.row("LIST_SUM", &[T::List], T::Any, list_sum)
        .with_bind(|a| bind_numeric_child("LIST_SUM", a));
    r.row("LIST_PRODUCT", &[T::List], T::Any, list_product)
        .with_bind(|a| bind_numeric_child("LIST_PRODUCT", a));
    r.row("LIST_ANY_VALUE", &[T::List], T::Any, list_any_value)
        .with_bind(bind_child);
    r.row(
        "LIST_TO_STRING",
        &[T::String, T::List],
        T::String,
        list_to_string,
    );
    r.alias("ARRAY_TO_STRING", "LIST_TO_STRING");
    for t in super::arith::INTS {
        r.row("RANGE", &[t, t], T::List, range)
            .with_bind(bind_range);
        r.row("RANGE", &[t, t, t], T::List, range)
            .with_bind(bind_range);
    }
    r.row("MAP", &[T::List, T::List], T::Map, map_create)
        .with_bind(bind_map);
    r.row(
        "MAP_CHECKED",
        &[T::List, T::List],
        T::Map,
        map_create_checked,
    )
    .with_bind(bind_map);
    r.row("MAP_EXTRACT", &[T::Map, T::Any], T::List, map_extract)
        .with_bind(bind_map_extract);
    r.alias("ELEMENT_AT", "MAP_EXTRACT");
    r.row("MAP_KEYS", &[T::Map], T::List, map_keys)
        .with_bind(bind_map_keys);
    r.row("MAP_VALUES", &[T::Map], T::List, map_values)
        .with_bind(bind_map_values);
    r.row("UNION_TAG", &[T::Union], T::String, union_tag);
    r.row("OFFSET", &[T::InternalId], T::Int64, offset);
    r.row(
        "INTERNAL_ID",
        &[T::Int64, T::Int64],
        T::InternalId,
        internal_id,
    );
    r.row("ID", &[T::InternalId], T::InternalId, |a, _| {
        Ok(a[0].clone())
    });
    r.row("ARRAY_VALUE", &[T::Any], T::Array, array_value)
        .var_arg()
        .nulls_handled()
        .with_bind(|a| {
            let (targets, ret) = bind_list_creation(a)?;
            let child = child_of(&ret);
            Ok((targets, LogicalType::Array(Box::new(child), a.len() as u32)))
        });
    r.row(
        "ARRAY_COSINE_SIMILARITY",
        &[T::Array, T::Array],
        T::Any,
        array_cosine_similarity,
    )
    .with_bind(|a| Ok((a.to_vec(), bind_array_math("ARRAY_COSINE_SIMILARITY", a)?)));
    r.row(
        "ARRAY_DISTANCE",
        &[T::Array, T::Array],
        T::Any,
        array_distance,
    )
    .with_bind(|a| Ok((a.to_vec(), bind_array_math("ARRAY_DISTANCE", a)?)));
    r.row(
        "ARRAY_SQUARED_DISTANCE",
        &[T::Array, T::Array],
        T::Any,
        array_squared_distance,
    )
    .with_bind(|a| Ok((a.to_vec(), bind_array_math("ARRAY_SQUARED_DISTANCE", a)?)));
    r.row(
        "ARRAY_INNER_PRODUCT",
        &[T::Array, T::Array],
        T::Any,
        array_inner_product,
    )
    .with_bind(|a| Ok((a.to_vec(), bind_array_math("ARRAY_INNER_PRODUCT", a)?)));
    r.row(
        "ARRAY_DOT_PRODUCT",
        &[T::Array, T::Array],
        T::Any,
        array_inner_product,
    )
    .with_bind(|a| Ok((a.to_vec(), bind_array_math("ARRAY_DOT_PRODUCT", a)?)));
    r.row(
        "ARRAY_CROSS_PRODUCT",
        &[T::Array, T::Array],
        T::Array,
        array_cross_product,
    )
    .with_bind(|a| {
        let c = bind_array_math("ARRAY_CROSS_PRODUCT", a)?;
        Ok((a.to_vec(), LogicalType::Array(Box::new(c), 3)))
    });
}

#[cfg(test)]
mod tests {
    use crate::exec::function::call_values;
    use crate::types::Value::{self, *};

    fn l(v: &[i64]) -> Value {
        List(v.iter().map(|x| Int64(*x)).collect())
    }

    #[test]
    fn extract_and_slice() {
        assert_eq!(
            call_values("list_extract", &[l(&[1, 2, 3]), Int64(-1)]).unwrap(),
            Int64(3)
        );
        assert_eq!(
            call_values("list_extract", &[l(&[1, 2, 3]), Int64(4)])
                .unwrap_err()
                .to_string(),
            "Runtime exception: list_extract(list, index): index=4 is out of range."
        );
        assert_eq!(
            call_values("list_extract", &[l(&[1]), Int64(0)])
                .unwrap_err()
                .to_string(),
            "Runtime exception: List extract takes 1-based position."
        );
        assert_eq!(
            call_values("list_extract", &[String("abc".into()), Int64(0)]).unwrap(),
            String("".into())
        );
        assert_eq!(
            call_values("list_slice", &[l(&[1, 2, 3]), Int64(1), Int64(2)]).unwrap(),
            l(&[1, 2])
        );
        assert_eq!(
            call_values("list_slice", &[l(&[1, 2, 3]), Int64(-2), Int64(-1)]).unwrap(),
            l(&[2, 3])
        );
        assert_eq!(
            call_values("list_slice", &[l(&[1, 2, 3]), Int64(3), Int64(1)]).unwrap(),
            l(&[])
        );
        assert_eq!(
            call_values("list_slice", &[String("abcd".into()), Int64(2), Int64(3)]).unwrap(),
            String("bc".into())
        );
    }

    #[test]
    fn list_functions() {
        assert_eq!(
            call_values("list_append", &[l(&[1]), Int64(2)]).unwrap(),
            l(&[1, 2])
        );
        assert_eq!(
            call_values("list_prepend", &[l(&[1]), Int64(2)]).unwrap(),
            l(&[2, 1])
        );
        assert_eq!(call_values("list_append", &[l(&[1]), Null]).unwrap(), Null);
        assert_eq!(
            call_values("list_append", &[l(&[1]), Double(2.5)])
                .unwrap_err()
                .to_string(),
            "Binder exception: Cannot bind LIST_APPEND with parameter type INT64[] and DOUBLE."
        );
        assert_eq!(
            call_values("list_contains", &[l(&[1, 2]), Int64(2)]).unwrap(),
            Bool(true)
        );
        assert_eq!(
            call_values("list_position", &[l(&[1, 2]), Int64(3)]).unwrap(),
            Int64(0)
        );
        let with_null = List(vec![Int64(3), Null, Int64(1)]);
        assert_eq!(
            call_values("list_sort", std::slice::from_ref(&with_null)).unwrap(),
            List(vec![Null, Int64(1), Int64(3)])
        );
        assert_eq!(
            call_values("list_reverse_sort", std::slice::from_ref(&with_null)).unwrap(),
            List(vec![Null, Int64(3), Int64(1)])
        );
        assert_eq!(
            call_values("list_distinct", &[List(vec![Int64(1), Null, Int64(1)])]).unwrap(),
            l(&[1])
        );
        assert_eq!(
            call_values("list_unique", std::slice::from_ref(&with_null)).unwrap(),
            Int64(2)
        );
        assert_eq!(call_values("list_sum", &[with_null]).unwrap(), Int64(4));
        assert_eq!(call_values("list_sum", &[l(&[])]).unwrap(), Int64(0));
        assert_eq!(call_values("size", &[l(&[1, 2])]).unwrap(), Int64(2));
        assert_eq!(
            call_values("size", &[String("héllo".into())]).unwrap(),
            Int64(5)
        );
    }

    #[test]
    fn range_and_maps() {
        assert_eq!(
            call_values("range", &[Int64(1), Int64(5), Int64(2)]).unwrap(),
            l(&[1, 3, 5])
        );
        assert_eq!(
            call_values("range", &[Int64(5), Int64(1), Int64(-2)]).unwrap(),
            l(&[5, 3, 1])
        );
        assert_eq!(call_values("range", &[Int64(5), Int64(1)]).unwrap(), l(&[]));
        assert_eq!(
            call_values("range", &[Int64(1), Int64(2), Int64(0)])
                .unwrap_err()
                .to_string(),
            "Runtime exception: Step of range cannot be 0."
        );
        let e = call_values("range", &[Bool(true), Int64(1), Int64(2)])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (BOOL,INT64,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n"), "{e}");
        let m = call_values(
            "map",
            &[
                l(&[1, 2]),
                List(vec![String("a".into()), String("b".into())]),
            ],
        )
        .unwrap();
        assert_eq!(
            m,
            Map(vec![
                (Int64(1), String("a".into())),
                (Int64(2), String("b".into()))
            ])
        );
        assert_eq!(
            call_values("map_extract", &[m.clone(), Int64(1)]).unwrap(),
            List(vec![String("a".into())])
        );
        assert_eq!(
            call_values("map_keys", std::slice::from_ref(&m)).unwrap(),
            l(&[1, 2])
        );
        assert_eq!(call_values("size", &[m]).unwrap(), Int64(2));
        let id = InternalId(crate::types::InternalId {
            table: 0,
            offset: 1,
        });
        let e = call_values("size", &[id]).unwrap_err().to_string();
        assert_eq!(e, "Binder exception: Function SIZE did not receive correct arguments:\nActual:   (INTERNAL_ID)\nExpected: (LIST) -> INT64\n          (ARRAY) -> INT64\n          (MAP) -> INT64\n          (STRING) -> INT64\n");
    }

    #[test]
    fn array_math() {
        let d = |v: &[f64]| List(v.iter().map(|x| Double(*x)).collect());
        match call_values("array_cosine_similarity", &[d(&[1.0, 2.0]), d(&[3.0, 4.0])]).unwrap() {
            Double(x) => assert!((x - 0.983870).abs() < 1e-6),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            call_values("array_distance", &[d(&[0.0, 0.0]), d(&[3.0, 4.0])]).unwrap(),
            Double(5.0)
        );
        assert_eq!(
            call_values("array_cosine_similarity", &[l(&[1, 2]), d(&[3.0, 4.0])])
                .unwrap_err()
                .to_string(),
            "Binder exception: ARRAY_COSINE_SIMILARITY requires argument type to be FLOAT[] or DOUBLE[]."
        );
    }

    #[test]
    fn huge_ranges_fail_instead_of_aborting() {
        let e = call_values("range", &[Int64(0), Int64(i64::MAX)])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Runtime exception: range of"), "{e}");
        assert_eq!(
            call_values("range", &[Int64(0), Int64(-1), Int64(i64::MAX)]).unwrap(),
            l(&[])
        );
    }
}

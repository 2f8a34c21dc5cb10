//! Arithmetic operators and math functions with Kuzu's typing and overflow errors.
//!
//! Operators are functions named `+ - * / % ^` and `NEGATE`, bitwise `& | << >>`
//! (also `BITWISE_AND`, `BITWISE_OR`, `BITSHIFT_LEFT`, `BITSHIFT_RIGHT`, `BITWISE_XOR`).
//! Integer results are range-checked: `Overflow exception: Value 1 + 2147483647 is not within
//! INT32 range.`; integer `/` and `%` by zero fail (`Divide by zero.`, `Modulo by zero.`);
//! DOUBLE division by zero gives inf/nan. INT64 and DOUBLE operands run typed, without Values.

use super::{arg_f64, arg_i64, runtime, Exec, Registry};
use crate::error::{Error, Result};
use crate::exec::cast::{as_i128, int_value};
use crate::exec::typing::TypeId;
use crate::types::vector::{Column, ColumnData, NullMask};
use crate::types::{LogicalType, Value};

/// Integer types in Kuzu's registration order.
pub const INTS: [TypeId; 10] = [
    TypeId::Int128,
    TypeId::Int64,
    TypeId::Int32,
    TypeId::Int16,
    TypeId::Int8,
    TypeId::Serial,
    TypeId::UInt64,
    TypeId::UInt32,
    TypeId::UInt16,
    TypeId::UInt8,
];

fn range_of(t: &LogicalType) -> (i128, i128) {
    use LogicalType as T;
    match t {
        T::Int8 => (i8::MIN as i128, i8::MAX as i128),
        T::Int16 => (i16::MIN as i128, i16::MAX as i128),
        T::Int32 => (i32::MIN as i128, i32::MAX as i128),
        T::Int128 => (i128::MIN, i128::MAX),
        T::UInt8 => (0, u8::MAX as i128),
        T::UInt16 => (0, u16::MAX as i128),
        T::UInt32 => (0, u32::MAX as i128),
        T::UInt64 => (0, u64::MAX as i128),
        _ => (i64::MIN as i128, i64::MAX as i128),
    }
}

fn type_name(t: &LogicalType) -> String {
    t.to_string()
}

fn overflow(a: i128, op: &str, b: i128, t: &LogicalType) -> Error {
    Error::Overflow(format!(
        "Value {a} {op} {b} is not within {} range.",
        type_name(t)
    ))
}

/// Integer binary operation in i128 with the result checked against `t`.
pub fn int_op(op: char, a: i128, b: i128, t: &LogicalType) -> Result<i128> {
    let sym = op.to_string();
    let r = match op {
        '+' => a.checked_add(b),
        '-' => a.checked_sub(b),
        '*' => a.checked_mul(b),
        '/' => {
            if b == 0 {
                return Err(runtime("Divide by zero."));
            }
            a.checked_div(b)
        }
        '%' => {
            if b == 0 {
                return Err(runtime("Modulo by zero."));
            }
            a.checked_rem(b)
        }
        '&' => Some(a & b),
        '|' => Some(a | b),
        'x' => Some(a ^ b),
        '<' => Some(if (0..128).contains(&b) {
            a.wrapping_shl(b as u32)
        } else {
            0
        }),
        '>' => Some(if (0..128).contains(&b) { a >> b } else { 0 }),
        _ => None,
    };
    let (lo, hi) = range_of(t);
    match r {
        Some(x) if x >= lo && x <= hi => Ok(x),
        Some(x) if matches!(op, '<' | '&' | '|' | 'x') => {
            // Bit operations wrap in the type's width, as C++ does.
            Ok(x as i64 as i128)
        }
        // Kuzu's wording for INT128, and its UINT64 product check names the smaller factor
        // first.
        _ if op == '*' && *t == LogicalType::Int128 => Err(Error::Overflow(
            "INT128 is out of range: cannot multiply.".into(),
        )),
        _ if op == '*' && *t == LogicalType::UInt64 => Err(overflow(a.min(b), &sym, a.max(b), t)),
        _ => Err(overflow(a, &sym, b, t)),
    }
}

fn float_op(op: char, a: f64, b: f64) -> f64 {
    match op {
        '+' => a + b,
        '-' => a - b,
        '*' => a * b,
        '/' => a / b,
        '%' => a % b,
        _ => a.powf(b),
    }
}

fn float_result(x: f64, t: &LogicalType) -> Value {
    if *t == LogicalType::Float {
        Value::Float(x as f32)
    } else {
        Value::Double(x)
    }
}

macro_rules! row_int_op {
    ($name:ident, $op:expr) => {
        fn $name(a: &[Value], t: &LogicalType) -> Result<Value> {
            let x = as_i128(&a[0]).unwrap_or(0);
            let y = as_i128(&a[1]).unwrap_or(0);
            Ok(int_value(int_op($op, x, y, t)?, t))
        }
    };
}
row_int_op!(int_add, '+');
row_int_op!(int_sub, '-');
row_int_op!(int_mul, '*');
row_int_op!(int_div, '/');
row_int_op!(int_mod, '%');
row_int_op!(int_and, '&');
row_int_op!(int_or, '|');
row_int_op!(int_xor, 'x');
row_int_op!(int_shl, '<');
row_int_op!(int_shr, '>');

macro_rules! row_float_op {
    ($name:ident, $op:expr) => {
        fn $name(a: &[Value], t: &LogicalType) -> Result<Value> {
            Ok(float_result(
                float_op($op, arg_f64(&a[0]), arg_f64(&a[1])),
                t,
            ))
        }
    };
}
row_float_op!(flt_add, '+');
row_float_op!(flt_sub, '-');
row_float_op!(flt_mul, '*');
row_float_op!(flt_div, '/');
row_float_op!(flt_mod, '%');
row_float_op!(flt_pow, '^');

fn dec_parts(v: &Value) -> (i128, u8) {
    match v {
        Value::Decimal { value, scale, .. } => (*value, *scale),
        other => (as_i128(other).unwrap_or(0), 0),
    }
}

fn dec_value(value: i128, t: &LogicalType) -> Value {
    match t {
        LogicalType::Decimal { precision, scale } => Value::Decimal {
            value,
            precision: *precision,
            scale: *scale,
        },
        _ => Value::Int128(value),
    }
}

fn dec_limit(t: &LogicalType) -> i128 {
    match t {
        LogicalType::Decimal { precision, .. } => crate::exec::cast::pow10(*precision),
        _ => i128::MAX,
    }
}

fn dec_checked(r: Option<i128>, t: &LogicalType, what: &str) -> Result<Value> {
    r.filter(|r| r.abs() < dec_limit(t))
        .map(|r| dec_value(r, t))
        .ok_or_else(|| Error::Overflow(format!("Decimal {what} is out of range")))
}

fn dec_add(a: &[Value], t: &LogicalType) -> Result<Value> {
    let ((x, _), (y, _)) = (dec_parts(&a[0]), dec_parts(&a[1]));
    dec_checked(x.checked_add(y), t, "Addition result")
}

fn dec_sub(a: &[Value], t: &LogicalType) -> Result<Value> {
    let ((x, _), (y, _)) = (dec_parts(&a[0]), dec_parts(&a[1]));
    dec_checked(x.checked_sub(y), t, "Subtraction result")
}

fn dec_mul(a: &[Value], t: &LogicalType) -> Result<Value> {
    let ((x, _), (y, _)) = (dec_parts(&a[0]), dec_parts(&a[1]));
    dec_checked(x.checked_mul(y), t, "Multiplication Result")
}

fn dec_mod(a: &[Value], t: &LogicalType) -> Result<Value> {
    let ((x, _), (y, _)) = (dec_parts(&a[0]), dec_parts(&a[1]));
    if y == 0 {
        return Err(runtime("Modulo by zero."));
    }
    Ok(dec_value(x % y, t))
}

fn decimal_of(t: &LogicalType) -> Option<(u32, u32)> {
    match t {
        LogicalType::Decimal { precision, scale } => Some((*precision as u32, *scale as u32)),
        _ => None,
    }
}

fn dec(p: u32, s: u32) -> LogicalType {
    LogicalType::Decimal {
        precision: p as u8,
        scale: s as u8,
    }
}

/// Kuzu's result precision/scale rules for decimal `+ - * %` (a non-decimal operand takes
/// the other operand's decimal type).
fn bind_decimal_op(op: char, args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let a = decimal_of(&args[0]).or_else(|| decimal_of(&args[1]));
    let b = decimal_of(&args[1]).or_else(|| decimal_of(&args[0]));
    let ((p1, s1), (p2, s2)) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        _ => return Ok((vec![LogicalType::Double; 2], LogicalType::Double)),
    };
    let int_digits = (p1 - s1).max(p2 - s2);
    let ret = match op {
        '+' | '-' => {
            let p = (s1.max(s2) + int_digits + 1).min(38);
            let mut s = p.min(s1.max(s2));
            if int_digits < p.min(38) - s {
                s = p.min(38) - int_digits;
            }
            dec(p, s)
        }
        '*' => {
            if p1 + p2 + 1 > 38 {
                return Err(Error::Overflow(
                    "Resulting precision of decimal multiplication greater than 38".into(),
                ));
            }
            dec(p1 + p2 + 1, s1 + s2)
        }
        _ => {
            let p = ((p1 - s1).min(p2 - s2) + s1.max(s2)).min(38);
            dec(p, p.min(s1.max(s2)))
        }
    };
    let targets = if op == '*' {
        vec![dec(p1, s1), dec(p2, s2)]
    } else {
        vec![ret.clone(), ret.clone()]
    };
    Ok((targets, ret))
}

fn bind_dec_add(a: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    bind_decimal_op('+', a)
}
fn bind_dec_sub(a: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    bind_decimal_op('-', a)
}
fn bind_dec_mul(a: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    bind_decimal_op('*', a)
}
fn bind_dec_mod(a: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    bind_decimal_op('%', a)
}

fn bind_same(a: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    Ok((a.to_vec(), a[0].clone()))
}

fn bind_dec_round(a: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    let p = decimal_of(&a[0]).map(|(p, _)| p).unwrap_or(18);
    Ok((a.to_vec(), dec(p, 0)))
}

fn dec_negate(a: &[Value], t: &LogicalType) -> Result<Value> {
    Ok(dec_value(-dec_parts(&a[0]).0, t))
}

fn dec_abs(a: &[Value], t: &LogicalType) -> Result<Value> {
    Ok(dec_value(dec_parts(&a[0]).0.abs(), t))
}

fn dec_floor(a: &[Value], t: &LogicalType) -> Result<Value> {
    let (v, s) = dec_parts(&a[0]);
    Ok(dec_value(v.div_euclid(crate::exec::cast::pow10(s)), t))
}

fn dec_ceil(a: &[Value], t: &LogicalType) -> Result<Value> {
    let (v, s) = dec_parts(&a[0]);
    let d = crate::exec::cast::pow10(s);
    Ok(dec_value(-((-v).div_euclid(d)), t))
}

fn nulls_of(a: &Column, b: &Column, n: usize) -> NullMask {
    if a.nulls.null_count() == 0 && b.nulls.null_count() == 0 {
        return NullMask::with_len(n);
    }
    let words: Vec<u64> = (0..n.div_ceil(64))
        .map(|w| {
            a.nulls.words().get(w).copied().unwrap_or(0)
                | b.nulls.words().get(w).copied().unwrap_or(0)
        })
        .collect();
    NullMask::from_words(words, n)
}

macro_rules! vec_i64_op {
    ($name:ident, $op:expr, $checked:ident) => {
        fn $name(args: &[&Column], t: &LogicalType, n: usize) -> Result<Column> {
            let (a, b) = (args[0], args[1]);
            let (x, y) = match (&a.data, &b.data) {
                (ColumnData::Int64(x), ColumnData::Int64(y)) => (x, y),
                _ => return Err(runtime("INT64 arithmetic on non-INT64 input")),
            };
            let nulls = nulls_of(a, b, n);
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                if nulls.is_null(i) {
                    out.push(0);
                    continue;
                }
                match x[i].$checked(y[i]) {
                    Some(r) => out.push(r),
                    None => return Err(overflow(x[i] as i128, $op, y[i] as i128, t)),
                }
            }
            Ok(Column {
                ty: t.clone(),
                data: ColumnData::Int64(out),
                nulls,
            })
        }
    };
}
vec_i64_op!(i64_add, "+", checked_add);
vec_i64_op!(i64_sub, "-", checked_sub);
vec_i64_op!(i64_mul, "*", checked_mul);

macro_rules! vec_f64_op {
    ($name:ident, $op:expr) => {
        fn $name(args: &[&Column], t: &LogicalType, n: usize) -> Result<Column> {
            let (a, b) = (args[0], args[1]);
            let (x, y) = match (&a.data, &b.data) {
                (ColumnData::Double(x), ColumnData::Double(y)) => (x, y),
                _ => return Err(runtime("DOUBLE arithmetic on non-DOUBLE input")),
            };
            let out: Vec<f64> = x
                .iter()
                .zip(y)
                .map(|(p, q)| float_op($op, *p, *q))
                .collect();
            Ok(Column {
                ty: t.clone(),
                data: ColumnData::Double(out),
                nulls: nulls_of(a, b, n),
            })
        }
    };
}
vec_f64_op!(f64_add, '+');
vec_f64_op!(f64_sub, '-');
vec_f64_op!(f64_mul, '*');
vec_f64_op!(f64_div, '/');

fn negate(a: &[Value], t: &LogicalType) -> Result<Value> {
    if let Some(x) = as_i128(&a[0]) {
        let (lo, hi) = range_of(t);
        let r = x
            .checked_neg()
            .filter(|r| *r >= lo && *r <= hi)
            .ok_or_else(|| {
                Error::Overflow(format!(
                    "Value {x} cannot be negated within {} range.",
                    type_name(t)
                ))
            })?;
        return Ok(int_value(r, t));
    }
    Ok(float_result(-arg_f64(&a[0]), t))
}

fn abs(a: &[Value], t: &LogicalType) -> Result<Value> {
    if let Some(x) = as_i128(&a[0]) {
        let (lo, hi) = range_of(t);
        let r = x
            .checked_abs()
            .filter(|r| *r >= lo && *r <= hi)
            .ok_or_else(|| {
                Error::Overflow(format!(
                    "Cannot take the absolute value of {x} within {} range.",
                    type_name(t)
                ))
            })?;
        return Ok(int_value(r, t));
    }
    Ok(float_result(arg_f64(&a[0]).abs(), t))
}

fn identity(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(a[0].clone())
}

fn ceil(a: &[Value], t: &LogicalType) -> Result<Value> {
    Ok(float_result(arg_f64(&a[0]).ceil(), t))
}

fn floor(a: &[Value], t: &LogicalType) -> Result<Value> {
    Ok(float_result(arg_f64(&a[0]).floor(), t))
}

fn sign(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let x = arg_f64(&a[0]);
    Ok(Value::Int64(if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }))
}

fn round(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let x = arg_f64(&a[0]);
    let d = arg_i64(&a[1]);
    let m = 10f64.powi(d as i32);
    Ok(Value::Double((x * m).round() / m))
}

fn factorial(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let n = arg_i64(&a[0]);
    let mut r: i64 = 1;
    // The wrapping product is 0 from 66! on (it has 64 factors of two).
    if n >= 66 {
        return Ok(Value::Int64(0));
    }
    for i in 2..=n.max(1) {
        r = r.wrapping_mul(i);
    }
    Ok(Value::Int64(r))
}

/// Lanczos approximation of the gamma function.
pub fn gamma_fn(x: f64) -> f64 {
    if x == x.floor() && x <= 0.0 {
        return f64::NAN;
    }
    if x < 0.5 {
        return std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma_fn(1.0 - x));
    }
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let mut s = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        s += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * s
}

/// ln|Γ(x)|, computed in log space (Lanczos) so that large arguments do not overflow.
pub fn lgamma_fn(x: f64) -> f64 {
    if x == x.floor() && x <= 0.0 {
        return f64::INFINITY;
    }
    if x < 0.5 {
        let s = (std::f64::consts::PI * x).sin().abs();
        return std::f64::consts::PI.ln() - s.ln() - lgamma_fn(1.0 - x);
    }
    if x < 20.0 {
        return gamma_fn(x).abs().ln();
    }
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let mut s = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        s += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

macro_rules! f64_fn {
    ($name:ident, $e:expr) => {
        fn $name(a: &[Value], _t: &LogicalType) -> Result<Value> {
            let f: fn(f64) -> f64 = $e;
            Ok(Value::Double(f(arg_f64(&a[0]))))
        }
    };
}
f64_fn!(sqrt, f64::sqrt);
f64_fn!(cbrt, f64::cbrt);
f64_fn!(ln, f64::ln);
f64_fn!(log10, f64::log10);
f64_fn!(log2, f64::log2);
f64_fn!(exp, f64::exp);
f64_fn!(sin, f64::sin);
f64_fn!(cos, f64::cos);
f64_fn!(tan, f64::tan);
f64_fn!(asin, f64::asin);
f64_fn!(acos, f64::acos);
f64_fn!(atan, f64::atan);
f64_fn!(cot, |x| 1.0 / x.tan());
f64_fn!(degrees, f64::to_degrees);
f64_fn!(radians, f64::to_radians);
f64_fn!(gamma, gamma_fn);
f64_fn!(lgamma, lgamma_fn);
f64_fn!(even, |x| if x >= 0.0 {
    (x / 2.0).ceil() * 2.0
} else {
    (x / 2.0).floor() * 2.0
});

fn atan2(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Double(arg_f64(&a[0]).atan2(arg_f64(&a[1]))))
}

fn pi(_a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Double(std::f64::consts::PI))
}

fn list_concat2(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let mut v = super::arg_list(&a[0]).to_vec();
    v.extend_from_slice(super::arg_list(&a[1]));
    Ok(Value::List(v))
}

fn str_concat2(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::String(format!(
        "{}{}",
        super::arg_str(&a[0]),
        super::arg_str(&a[1])
    )))
}

fn bind_list_concat(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    super::list::bind_list_pair("LIST_CONCAT", args)
}

pub(super) fn register(r: &mut Registry) {
    use TypeId as T;
    // + - * / %: integers, DOUBLE, FLOAT, DECIMAL, then the non-numeric forms.
    type Pair = (
        fn(&[Value], &LogicalType) -> Result<Value>,
        Option<super::VecFn>,
    );
    type Dec = Option<(super::RowFn, super::BindFn)>;
    let ops: [(&str, Pair, Pair, Pair, Dec); 5] = [
        (
            "+",
            (int_add, Some(i64_add)),
            (flt_add, Some(f64_add)),
            (flt_add, None),
            Some((dec_add, bind_dec_add)),
        ),
        (
            "-",
            (int_sub, Some(i64_sub)),
            (flt_sub, Some(f64_sub)),
            (flt_sub, None),
            Some((dec_sub, bind_dec_sub)),
        ),
        (
            "*",
            (int_mul, Some(i64_mul)),
            (flt_mul, Some(f64_mul)),
            (flt_mul, None),
            Some((dec_mul, bind_dec_mul)),
        ),
        // Kuzu divides decimals as DOUBLE.
        (
            "/",
            (int_div, None),
            (flt_div, Some(f64_div)),
            (flt_div, None),
            None,
        ),
        (
            "%",
            (int_mod, None),
            (flt_mod, None),
            (flt_mod, None),
            Some((dec_mod, bind_dec_mod)),
        ),
    ];
    for (name, int, dbl, flt, decimal) in ops {
        for t in INTS {
            let exec = match (t, int.1) {
                (T::Int64, Some(v)) => Exec::Vector(v),
                _ => Exec::Row(int.0),
            };
            r.add(name, &[t, t], t, exec);
        }
        r.add(
            name,
            &[T::Double, T::Double],
            T::Double,
            match dbl.1 {
                Some(v) => Exec::Vector(v),
                None => Exec::Row(dbl.0),
            },
        );
        r.add(name, &[T::Float, T::Float], T::Float, Exec::Row(flt.0));
        if let Some((f, b)) = decimal {
            r.row(name, &[T::Decimal, T::Decimal], T::Decimal, f)
                .with_bind(b);
        }
        if name == "+" {
            r.row("+", &[T::List, T::List], T::List, list_concat2)
                .with_bind(bind_list_concat);
            r.row("+", &[T::String, T::String], T::String, str_concat2);
        }
        if name == "+" || name == "-" {
            super::date::register_arith(r, name);
        }
    }
    r.row("^", &[T::Double, T::Double], T::Double, flt_pow);
    r.alias("POW", "^");
    r.alias("POWER", "^");
    r.alias("ADD", "+");
    r.alias("SUBTRACT", "-");
    r.alias("MULTIPLY", "*");
    r.alias("DIVIDE", "/");
    r.alias("MODULO", "%");
    r.alias("MOD", "%");

    for t in INTS {
        r.row("NEGATE", &[t], t, negate);
    }
    r.row("NEGATE", &[T::Double], T::Double, negate);
    r.row("NEGATE", &[T::Float], T::Float, negate);
    r.row("NEGATE", &[T::Decimal], T::Decimal, dec_negate)
        .with_bind(bind_same);

    for t in INTS {
        r.row("ABS", &[t], t, abs);
        r.row("CEIL", &[t], t, identity);
        r.row("FLOOR", &[t], t, identity);
        r.row("SIGN", &[t], T::Int64, sign);
    }
    for t in [T::Double, T::Float] {
        r.row("ABS", &[t], t, abs);
        r.row("CEIL", &[t], t, ceil);
        r.row("FLOOR", &[t], t, floor);
        r.row("SIGN", &[t], T::Int64, sign);
    }
    r.row("ABS", &[T::Decimal], T::Decimal, dec_abs)
        .with_bind(bind_same);
    r.row("FLOOR", &[T::Decimal], T::Decimal, dec_floor)
        .with_bind(bind_dec_round);
    r.row("CEIL", &[T::Decimal], T::Decimal, dec_ceil)
        .with_bind(bind_dec_round);
    r.alias("CEILING", "CEIL");
    r.row("ROUND", &[T::Double, T::Int64], T::Double, round);
    let unary: [(&str, super::RowFn); 18] = [
        ("SQRT", sqrt),
        ("CBRT", cbrt),
        ("LN", ln),
        ("LOG", log10),
        ("LOG10", log10),
        ("LOG2", log2),
        ("EXP", exp),
        ("SIN", sin),
        ("COS", cos),
        ("TAN", tan),
        ("ASIN", asin),
        ("ACOS", acos),
        ("ATAN", atan),
        ("COT", cot),
        ("DEGREES", degrees),
        ("RADIANS", radians),
        ("GAMMA", gamma),
        ("LGAMMA", lgamma),
    ];
    for (n, f) in unary {
        r.row(n, &[T::Double], T::Double, f);
    }
    r.row("EVEN", &[T::Double], T::Double, even);
    r.row("ATAN2", &[T::Double, T::Double], T::Double, atan2);
    r.row("PI", &[], T::Double, pi);
    r.row("FACTORIAL", &[T::Int64], T::Int64, factorial);

    let bit: [(&str, &str, super::RowFn); 5] = [
        ("BITWISE_AND", "&", int_and),
        ("BITWISE_OR", "|", int_or),
        ("BITWISE_XOR", "BITWISE_XOR", int_xor),
        ("BITSHIFT_LEFT", "<<", int_shl),
        ("BITSHIFT_RIGHT", ">>", int_shr),
    ];
    for (n, sym, f) in bit {
        r.row(n, &[T::Int64, T::Int64], T::Int64, f);
        if sym != n {
            r.alias(sym, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::exec::function::call_values;
    use crate::types::Value::*;

    #[test]
    fn integer_arithmetic_and_errors() {
        assert_eq!(call_values("+", &[Int64(1), Int64(2)]).unwrap(), Int64(3));
        assert_eq!(call_values("/", &[Int64(7), Int64(2)]).unwrap(), Int64(3));
        assert_eq!(call_values("/", &[Int64(-7), Int64(2)]).unwrap(), Int64(-3));
        assert_eq!(call_values("%", &[Int64(-7), Int64(3)]).unwrap(), Int64(-1));
        assert_eq!(
            call_values("+", &[Int64(i64::MAX), Int64(1)])
                .unwrap_err()
                .to_string(),
            "Overflow exception: Value 9223372036854775807 + 1 is not within INT64 range."
        );
        assert_eq!(
            call_values("+", &[Int32(1), Int32(i32::MAX)])
                .unwrap_err()
                .to_string(),
            "Overflow exception: Value 1 + 2147483647 is not within INT32 range."
        );
        assert_eq!(
            call_values("/", &[Int64(i64::MIN), Int64(-1)])
                .unwrap_err()
                .to_string(),
            "Overflow exception: Value -9223372036854775808 / -1 is not within INT64 range."
        );
        assert_eq!(
            call_values("/", &[Int64(5), Int64(0)])
                .unwrap_err()
                .to_string(),
            "Runtime exception: Divide by zero."
        );
        assert_eq!(
            call_values("%", &[Int64(5), Int64(0)])
                .unwrap_err()
                .to_string(),
            "Runtime exception: Modulo by zero."
        );
        assert_eq!(
            call_values("NEGATE", &[Int64(i64::MIN)])
                .unwrap_err()
                .to_string(),
            "Overflow exception: Value -9223372036854775808 cannot be negated within INT64 range."
        );
        assert_eq!(
            call_values("abs", &[Int64(i64::MIN)]).unwrap_err().to_string(),
            "Overflow exception: Cannot take the absolute value of -9223372036854775808 within INT64 range."
        );
        assert_eq!(call_values("*", &[Int8(-2), Int8(64)]).unwrap(), Int8(-128));
        assert_eq!(
            call_values("*", &[UInt8(10), UInt8(12)]).unwrap(),
            UInt8(120)
        );
    }

    #[test]
    fn mixed_and_float_arithmetic() {
        assert_eq!(
            call_values("+", &[Int64(1), Double(1.5)]).unwrap(),
            Double(2.5)
        );
        assert_eq!(
            call_values("/", &[Double(7.0), Int64(0)]).unwrap(),
            Double(f64::INFINITY)
        );
        assert_eq!(
            call_values("%", &[Double(5.5), Int64(2)]).unwrap(),
            Double(1.5)
        );
        assert_eq!(
            call_values("^", &[Int64(2), Int64(3)]).unwrap(),
            Double(8.0)
        );
        assert_eq!(call_values("+", &[Null, Int64(1)]).unwrap(), Null);
        assert_eq!(
            call_values("+", &[String("a".into()), String("b".into())]).unwrap(),
            String("ab".into())
        );
        let e = call_values("+", &[String("a".into()), Int64(1)])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(
            "Binder exception: Cannot match a built-in function for given function +(STRING,INT64). Supported inputs are\n(INT128,INT128) -> INT128\n(INT64,INT64) -> INT64\n"
        ), "{e}");
    }

    #[test]
    fn math_functions() {
        assert_eq!(
            call_values("round", &[Double(2.5), Int64(0)]).unwrap(),
            Double(3.0)
        );
        assert_eq!(
            call_values("round", &[Double(1234.5), Int64(-2)]).unwrap(),
            Double(1200.0)
        );
        assert_eq!(call_values("even", &[Double(-3.3)]).unwrap(), Double(-4.0));
        assert_eq!(call_values("sign", &[Double(-2.5)]).unwrap(), Int64(-1));
        assert_eq!(call_values("ceil", &[Int32(3)]).unwrap(), Int32(3));
        assert_eq!(
            call_values("factorial", &[Int64(20)]).unwrap(),
            Int64(2432902008176640000)
        );
        assert_eq!(call_values("factorial", &[Int64(-1)]).unwrap(), Int64(1));
        match call_values("gamma", &[Int64(5)]).unwrap() {
            Double(g) => assert!((g - 24.0).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
        assert_eq!(call_values("&", &[Int64(6), Int64(3)]).unwrap(), Int64(2));
        assert_eq!(call_values("<<", &[Int64(1), Int64(2)]).unwrap(), Int64(4));
        let e = call_values("round", &[Double(1.0)])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "Binder exception: Function ROUND did not receive correct arguments:\nActual:   (DOUBLE)\nExpected: (DOUBLE,INT64) -> DOUBLE\n"
        );
    }

    #[test]
    fn decimal_arithmetic_types_and_values() {
        use crate::exec::expr::BoundExpr;
        use crate::exec::function::bind_function;
        use crate::types::LogicalType;
        let d = |v: i128, p: u8, s: u8| Decimal {
            value: v,
            precision: p,
            scale: s,
        };
        let lit = BoundExpr::literal;
        // DECIMAL(5,2) + DECIMAL(4,1) is DECIMAL(6,3), as in Kuzu.
        let e = bind_function("+", vec![lit(d(150, 5, 2)), lit(d(23, 4, 1))]).unwrap();
        assert_eq!(
            e.ty,
            LogicalType::Decimal {
                precision: 6,
                scale: 3
            }
        );
        assert_eq!(
            call_values("+", &[d(150, 5, 2), d(23, 4, 1)]).unwrap(),
            d(3800, 6, 3)
        );
        assert_eq!(
            call_values("*", &[d(150, 5, 2), d(23, 4, 1)]).unwrap(),
            d(3450, 10, 3)
        );
        assert_eq!(
            call_values("-", &[d(150, 5, 2), Int64(1)]).unwrap(),
            d(500, 6, 3)
        );
        assert_eq!(
            call_values("%", &[d(750, 5, 2), d(200, 5, 2)]).unwrap(),
            d(150, 5, 2)
        );
        assert_eq!(
            call_values("/", &[d(150, 5, 2), d(200, 5, 2)]).unwrap(),
            Double(0.75)
        );
        assert_eq!(
            call_values("+", &[d(150, 5, 2), Double(1.5)]).unwrap(),
            Double(3.0)
        );
        assert_eq!(
            call_values("NEGATE", &[d(150, 5, 2)]).unwrap(),
            d(-150, 5, 2)
        );
        assert_eq!(call_values("floor", &[d(-150, 5, 2)]).unwrap(), d(-2, 5, 0));
        assert_eq!(call_values("ceil", &[d(-150, 5, 2)]).unwrap(), d(-1, 5, 0));
        // As in Kuzu: 999.99 + 999.99 does not fit DECIMAL(6, 3).
        assert_eq!(
            call_values("+", &[d(99999, 5, 2), d(99999, 5, 2)])
                .unwrap_err()
                .to_string(),
            "Overflow exception: Decimal Addition result is out of range"
        );
    }
}

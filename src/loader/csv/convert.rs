//! Typed conversion of CSV fields into column vectors.
//!
//! Owns: `ColumnSink`, the `FieldSink` that converts each field to its schema column's type as
//! it is read (Kuzu's order of checks: UTF-8, field count, NULL, conversion) and undoes a
//! record's partial values when the record is refused. Text-to-value parsing itself belongs to
//! `types::cast` / `types::temporal`; the integer, float and boolean parsers at the bottom of
//! this file are temporary stand-ins until `types::cast` has its fast paths.

use super::tokenizer::{FieldError, FieldSink};
use crate::types::vector::{Column, ColumnData};
use crate::types::{temporal, Interval, LogicalType, Value};

/// How a column's text is converted; chosen once per column.
#[derive(Debug, Clone)]
enum Kind {
    Bool,
    I8,
    I16,
    I32,
    I64,
    I128,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
    Str,
    Date,
    /// TIMESTAMP variants: microseconds scaled by `mul` / `div`.
    Timestamp {
        mul: i64,
        div: i64,
    },
    Interval,
    /// Everything else goes through the generic cast of `types::cast`.
    Other,
}

fn kind_of(ty: &LogicalType) -> Kind {
    use LogicalType as T;
    match ty {
        T::Bool => Kind::Bool,
        T::Int8 => Kind::I8,
        T::Int16 => Kind::I16,
        T::Int32 => Kind::I32,
        T::Int64 | T::Serial => Kind::I64,
        T::Int128 => Kind::I128,
        T::UInt8 => Kind::U8,
        T::UInt16 => Kind::U16,
        T::UInt32 => Kind::U32,
        T::UInt64 => Kind::U64,
        T::Float => Kind::F32,
        T::Double => Kind::F64,
        T::String => Kind::Str,
        T::Date => Kind::Date,
        T::Timestamp | T::TimestampTz => Kind::Timestamp { mul: 1, div: 1 },
        T::TimestampNs => Kind::Timestamp { mul: 1000, div: 1 },
        T::TimestampMs => Kind::Timestamp { mul: 1, div: 1000 },
        T::TimestampSec => Kind::Timestamp {
            mul: 1,
            div: 1_000_000,
        },
        T::Interval => Kind::Interval,
        _ => Kind::Other,
    }
}

/// Converts fields into one `Column` per schema column.
pub struct ColumnSink {
    pub columns: Vec<Column>,
    kinds: Vec<Kind>,
    null_strings: std::sync::Arc<Vec<String>>,
    /// Rows committed (all columns have exactly this many values between records).
    pub rows: usize,
    /// The whole input is known to be valid UTF-8 (and the dialect ASCII), so fields need no
    /// check of their own.
    pub trusted_utf8: bool,
}

impl ColumnSink {
    pub fn new(types: &[LogicalType], null_strings: std::sync::Arc<Vec<String>>) -> Self {
        ColumnSink {
            columns: types.iter().map(|t| Column::new(t.clone())).collect(),
            kinds: types.iter().map(kind_of).collect(),
            null_strings,
            rows: 0,
            trusted_utf8: false,
        }
    }

    pub fn reserve(&mut self, rows: usize) {
        for c in &mut self.columns {
            c.reserve(rows);
        }
    }

    /// Converts one field. `bytes` is valid UTF-8 (checked by the caller).
    fn push(&mut self, col: usize, bytes: &[u8]) -> Result<(), String> {
        let column = &mut self.columns[col];
        let kind = &self.kinds[col];
        let lossy = || String::from_utf8_lossy(bytes);
        if let Kind::Str = kind {
            if self.null_strings.iter().any(|n| n.as_bytes() == bytes) {
                column.push_null();
                return Ok(());
            }
            match &mut column.data {
                ColumnData::String(s) => s.push(bytes),
                _ => return Err(physical_mismatch(&column.ty)),
            }
            column.nulls.push(false);
            return Ok(());
        }
        if may_be_null(bytes) && is_null_text(&lossy()) {
            column.push_null();
            return Ok(());
        }
        macro_rules! int {
            ($variant:ident, $t:ty) => {{
                let v = parse_int::<$t>(bytes).ok_or_else(|| cast_failed(&lossy(), &column.ty))?;
                match &mut column.data {
                    ColumnData::$variant(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }};
        }
        match kind {
            Kind::I8 => int!(Int8, i8),
            Kind::I16 => int!(Int16, i16),
            Kind::I32 => int!(Int32, i32),
            Kind::I64 => int!(Int64, i64),
            Kind::I128 => {
                let v = parse_int::<i128>(bytes).ok_or_else(|| {
                    let text = lossy();
                    format!("Conversion exception: Cast failed. {text} is not within INT128 range.")
                })?;
                match &mut column.data {
                    ColumnData::Int128(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }
            Kind::U8 => int!(UInt8, u8),
            Kind::U16 => int!(UInt16, u16),
            Kind::U32 => int!(UInt32, u32),
            Kind::U64 => int!(UInt64, u64),
            _ => {
                return match std::str::from_utf8(bytes) {
                    Ok(text) => self.push_text(col, text),
                    Err(_) => self.push_text(col, &lossy()),
                }
            }
        }
        self.columns[col].nulls.push(false);
        Ok(())
    }

    /// The conversions that work on text.
    fn push_text(&mut self, col: usize, text: &str) -> Result<(), String> {
        let column = &mut self.columns[col];
        let kind = &self.kinds[col];
        match kind {
            Kind::F32 => {
                let v = parse_f64(text)
                    .map(|v| v as f32)
                    .filter(|v| v.is_finite() || !text.trim().chars().any(|c| c.is_ascii_digit()))
                    .ok_or_else(|| {
                        format!("Conversion exception: Cast failed. {text} is not in FLOAT range.")
                    })?;
                match &mut column.data {
                    ColumnData::Float(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }
            Kind::F64 => {
                let v = parse_f64(text).ok_or_else(|| {
                    format!("Conversion exception: Cast failed. {text} is not in DOUBLE range.")
                })?;
                match &mut column.data {
                    ColumnData::Double(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }
            Kind::Bool => {
                let v = parse_bool(text).ok_or_else(|| {
                    format!("Conversion exception: Value {text} is not a valid boolean")
                })?;
                match &mut column.data {
                    ColumnData::Bool(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }
            Kind::Date => {
                let v =
                    temporal::parse_date(text).map_err(|e| format!("Conversion exception: {e}"))?;
                match &mut column.data {
                    ColumnData::Int32(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }
            Kind::Timestamp { mul, div } => {
                let us = temporal::parse_timestamp(text)
                    .map_err(|e| format!("Conversion exception: {e}"))?;
                let v = us.saturating_mul(*mul).div_euclid(*div);
                match &mut column.data {
                    ColumnData::Int64(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }
            Kind::Interval => {
                let v: Interval = temporal::parse_interval(text)
                    .map_err(|e| format!("Conversion exception: {e}"))?;
                match &mut column.data {
                    ColumnData::Interval(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }
            Kind::Other => {
                let v = cast_other(text, &column.ty)?;
                if !column.push_value(&v) {
                    return Err(format!(
                        "Conversion exception: Cast failed. Could not convert \"{text}\" to {}.",
                        column.ty
                    ));
                }
                return Ok(());
            }
            _ => return Err(physical_mismatch(&column.ty)),
        }
        column.nulls.push(false);
        Ok(())
    }
}

impl FieldSink for ColumnSink {
    fn value(&mut self, col: usize, bytes: &[u8]) -> Result<(), FieldError> {
        if !self.trusted_utf8 && std::str::from_utf8(bytes).is_err() {
            return Err(FieldError {
                reason: "Invalid UTF8-encoded string.".into(),
                fatal: true,
            });
        }
        let n = self.columns.len();
        if col == n && bytes.is_empty() {
            // A single trailing delimiter is allowed.
            return Ok(());
        }
        if col >= n {
            return Err(FieldError {
                reason: format!("expected {n} values per row, but got more."),
                fatal: false,
            });
        }
        self.push(col, bytes).map_err(|reason| FieldError {
            reason,
            fatal: false,
        })
    }

    fn row(&mut self, fields: usize) -> Result<(), String> {
        let n = self.columns.len();
        if fields < n {
            return Err(format!("expected {n} values per row, but got {fields}."));
        }
        self.rows += 1;
        Ok(())
    }

    fn abandon(&mut self) {
        let rows = self.rows;
        for c in &mut self.columns {
            if c.len() > rows {
                truncate_column(c, rows);
            }
        }
    }

    fn columns(&self) -> usize {
        self.columns.len()
    }
}

/// Shortens a column to `len` rows.
pub(crate) fn truncate_column(c: &mut Column, len: usize) {
    match &mut c.data {
        ColumnData::Bool(v) => v.truncate(len),
        ColumnData::Int8(v) => v.truncate(len),
        ColumnData::Int16(v) => v.truncate(len),
        ColumnData::Int32(v) => v.truncate(len),
        ColumnData::Int64(v) => v.truncate(len),
        ColumnData::Int128(v) => v.truncate(len),
        ColumnData::UInt8(v) => v.truncate(len),
        ColumnData::UInt16(v) => v.truncate(len),
        ColumnData::UInt32(v) => v.truncate(len),
        ColumnData::UInt64(v) => v.truncate(len),
        ColumnData::Float(v) => v.truncate(len),
        ColumnData::Double(v) => v.truncate(len),
        ColumnData::Interval(v) => v.truncate(len),
        ColumnData::String(s) => {
            if s.offsets.len() > len + 1 {
                s.offsets.truncate(len + 1);
                let end = s.offsets[len] as usize;
                s.bytes.truncate(end);
            }
        }
        ColumnData::List { offsets, child } => {
            if offsets.len() > len + 1 {
                offsets.truncate(len + 1);
                let end = offsets[len] as usize;
                truncate_column(child, end);
            }
        }
        ColumnData::Struct(children) => {
            for ch in children {
                truncate_column(ch, len);
            }
        }
    }
    c.nulls.resize(len);
}

/// A cheap pre-test for `is_null_text`: empty, or starting with whitespace or `n`/`N`.
#[inline]
fn may_be_null(s: &[u8]) -> bool {
    match s.first() {
        None => true,
        Some(&b) => matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'n' | b'N'),
    }
}

/// Kuzu's NULL test for non-STRING columns: empty or `NULL` (any case), ignoring whitespace.
pub(crate) fn is_null_text(s: &str) -> bool {
    let t = s.trim_matches(is_space);
    t.is_empty() || t.eq_ignore_ascii_case("null")
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

fn cast_failed(text: &str, ty: &LogicalType) -> String {
    format!("Conversion exception: Cast failed. Could not convert \"{text}\" to {ty}.")
}

fn physical_mismatch(ty: &LogicalType) -> String {
    format!("Conversion exception: column of type {ty} has an unexpected physical layout.")
}

// ---- Temporary stand-ins: to be replaced by `crate::types::cast` when it lands. ----------

/// TEMPORARY (replace with `types::cast::cast_text`): the generic text cast for types the
/// fast paths above do not cover.
fn cast_other(text: &str, ty: &LogicalType) -> Result<Value, String> {
    match ty {
        LogicalType::Blob => Ok(Value::Blob(text.as_bytes().to_vec())),
        _ => Err(format!(
            "Conversion exception: Cast failed. Could not convert \"{text}\" to {ty}."
        )),
    }
}

/// Integer types the stand-in parser handles.
trait ParseInt: Sized {
    const SIGNED: bool;
    fn from_i128(v: i128) -> Option<Self>;
}

macro_rules! parse_int_impl {
    ($($t:ty: $s:expr),*) => {$(
        impl ParseInt for $t {
            const SIGNED: bool = $s;
            fn from_i128(v: i128) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
        }
    )*};
}
parse_int_impl!(i8: true, i16: true, i32: true, i64: true, i128: true,
    u8: false, u16: false, u32: false, u64: false);

/// TEMPORARY (replace with `types::cast::parse_i64` etc.): Kuzu's integer text: optional
/// surrounding whitespace, optional `-`, decimal digits, in range.
fn parse_int<T: ParseInt>(s: &[u8]) -> Option<T> {
    let b = s.trim_ascii();
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || (neg && !T::SIGNED && digits.iter().any(|&d| d != b'0')) {
        return None;
    }
    if digits.len() <= 18 {
        // Fast path: at most 18 digits always fit in u64 without overflow checks.
        let mut m: u64 = 0;
        for &d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            m = m * 10 + (d - b'0') as u64;
        }
        let v = if neg { -(m as i128) } else { m as i128 };
        return T::from_i128(v);
    }
    let mut v: i128 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let x = (d - b'0') as i128;
        v = v.checked_mul(10)?;
        v = if neg {
            v.checked_sub(x)?
        } else {
            v.checked_add(x)?
        };
    }
    T::from_i128(v)
}

/// TEMPORARY (replace with `types::cast::parse_f64`).
fn parse_f64(s: &str) -> Option<f64> {
    s.trim_matches(is_space).parse::<f64>().ok()
}

/// TEMPORARY (replace with `types::cast::parse_bool`): `true`/`false`/`t`/`f`/`1`/`0`, any
/// case, surrounding whitespace ignored.
fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim_matches(is_space);
    if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("t") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t.eq_ignore_ascii_case("f") || t == "0" {
        Some(false)
    } else {
        None
    }
}

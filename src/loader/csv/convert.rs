//! Typed conversion of CSV fields into column vectors.
//!
//! Owns: `ColumnSink`, the `FieldSink` that converts each field to its schema column's type as
//! it is read (Kuzu's order of checks: UTF-8, field count, NULL, conversion) and undoes a
//! record's partial values when the record is refused. Text-to-value parsing itself belongs to
//! `types::cast` / `types::temporal` (their allocation-free fast paths for scalars, the
//! generic `cast_text_with` for nested and rarer types).

use super::header::FieldMap;
use super::tokenizer::{FieldError, FieldSink};
use crate::types::cast::{self, CastOptions};
use crate::types::temporal;
use crate::types::vector::{Column, ColumnData};
use crate::types::LogicalType;
use crate::types::Value;
use std::sync::Arc;

/// How a column's text is converted; chosen once per column.
#[derive(Debug, Clone, Copy)]
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
    Timestamp,
    Interval,
    /// Everything else goes through `cast::cast_text_with`.
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
        T::Timestamp => Kind::Timestamp,
        T::Interval => Kind::Interval,
        _ => Kind::Other,
    }
}

/// Converts fields into one `Column` per schema column.
pub struct ColumnSink {
    pub columns: Vec<Column>,
    kinds: Vec<Kind>,
    cast: Arc<CastOptions>,
    /// Rows committed (all columns have exactly this many values between records).
    pub rows: usize,
    /// The whole input is known to be valid UTF-8 (and the dialect ASCII), so fields need no
    /// check of their own.
    pub trusted_utf8: bool,
    /// Fields matched to columns by the header (`None`: field i fills column i).
    pub map: Option<Arc<FieldMap>>,
}

impl ColumnSink {
    pub fn new(types: &[LogicalType], cast: Arc<CastOptions>) -> Self {
        ColumnSink {
            columns: types.iter().map(|t| Column::new(t.clone())).collect(),
            kinds: types.iter().map(kind_of).collect(),
            cast,
            rows: 0,
            trusted_utf8: false,
            map: None,
        }
    }

    pub fn reserve(&mut self, rows: usize) {
        for c in &mut self.columns {
            c.reserve(rows);
        }
    }

    /// Fields per record.
    fn fields(&self) -> usize {
        self.map
            .as_ref()
            .map_or(self.columns.len(), |m| m.targets.len())
    }

    /// A neo4j-admin array field: elements separated by `delimiter`, each converted to the
    /// list column's element type; an empty field is NULL.
    fn push_array(&mut self, col: usize, bytes: &[u8], delimiter: u8) -> Result<(), String> {
        let column = &mut self.columns[col];
        if bytes.is_empty() {
            column.push_null();
            return Ok(());
        }
        let child = match &column.ty {
            LogicalType::List(c) | LogicalType::Array(c, _) => (**c).clone(),
            other => {
                return Err(format!(
                    "Conversion exception: an array field fills column of type {other}, not a list."
                ))
            }
        };
        let text = String::from_utf8_lossy(bytes);
        let mut items = Vec::new();
        for part in text.split(char::from(delimiter)) {
            items.push(cast::cast_text_with(part, &child, &self.cast).map_err(|e| e.to_string())?);
        }
        if !column.push_value(&Value::List(items)) {
            return Err(format!(
                "Conversion exception: Cast failed. Could not convert \"{text}\" to {}.",
                column.ty
            ));
        }
        Ok(())
    }

    /// Converts one field (valid UTF-8, checked by the caller) with Kuzu's rules: NULL per
    /// `cast::field_is_null`, else the fast paths of `types::cast`, else `cast_text_with`.
    /// The error is Kuzu's message, category prefix included.
    fn push(&mut self, col: usize, bytes: &[u8]) -> Result<(), String> {
        let kind = self.kinds[col];
        let column = &mut self.columns[col];
        if let Kind::Str = kind {
            if self.cast.null_strings.iter().any(|n| n.as_bytes() == bytes) {
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
        if may_be_null(bytes) && cast::is_null_text(bytes) {
            column.push_null();
            return Ok(());
        }
        let text = || String::from_utf8_lossy(bytes);
        macro_rules! fast {
            ($variant:ident, $parse:expr, $err:expr) => {{
                match ($parse(bytes), &mut column.data) {
                    (Some(v), ColumnData::$variant(d)) => d.push(v),
                    (None, _) => return Err($err),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }};
        }
        let int_err = |ty: &LogicalType| {
            format!(
                "Conversion exception: Cast failed. Could not convert \"{}\" to {ty}.",
                text()
            )
        };
        let range_err = |ty: &LogicalType| {
            format!(
                "Conversion exception: Cast failed. {} is not in {ty} range.",
                text()
            )
        };
        match kind {
            Kind::I8 => fast!(Int8, cast::parse_i8, int_err(&column.ty)),
            Kind::I16 => fast!(Int16, cast::parse_i16, int_err(&column.ty)),
            Kind::I32 => fast!(Int32, cast::parse_i32, int_err(&column.ty)),
            Kind::I64 => fast!(Int64, cast::parse_i64, int_err(&LogicalType::Int64)),
            Kind::U8 => fast!(UInt8, cast::parse_u8, int_err(&column.ty)),
            Kind::U16 => fast!(UInt16, cast::parse_u16, int_err(&column.ty)),
            Kind::U32 => fast!(UInt32, cast::parse_u32, int_err(&column.ty)),
            Kind::U64 => fast!(UInt64, cast::parse_u64, int_err(&column.ty)),
            Kind::I128 => fast!(
                Int128,
                cast::parse_i128,
                format!(
                    "Conversion exception: Cast failed. {} is not within INT128 range.",
                    text()
                )
            ),
            Kind::F32 => fast!(Float, cast::parse_f32, range_err(&column.ty)),
            Kind::F64 => fast!(Double, cast::parse_f64, range_err(&column.ty)),
            Kind::Bool => fast!(
                Bool,
                cast::parse_bool,
                format!(
                    "Conversion exception: Value {} is not a valid boolean",
                    text()
                )
            ),
            Kind::Date => {
                let v = temporal::parse_date(&text())
                    .map_err(|e| format!("Conversion exception: {e}"))?;
                match &mut column.data {
                    ColumnData::Int32(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }
            Kind::Timestamp => {
                let v = temporal::parse_timestamp(&text())
                    .map_err(|e| format!("Conversion exception: {e}"))?;
                match &mut column.data {
                    ColumnData::Int64(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }
            Kind::Interval => {
                let v = temporal::parse_interval(&text())
                    .map_err(|e| format!("Conversion exception: {e}"))?;
                match &mut column.data {
                    ColumnData::Interval(d) => d.push(v),
                    _ => return Err(physical_mismatch(&column.ty)),
                }
            }
            Kind::Str | Kind::Other => {
                let v = cast::cast_text_with(&text(), &column.ty, &self.cast)
                    .map_err(|e| e.to_string())?;
                if !column.push_value(&v) {
                    return Err(format!(
                        "Conversion exception: Cast failed. Could not convert \"{}\" to {}.",
                        text(),
                        column.ty
                    ));
                }
                return Ok(());
            }
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
        let n = self.fields();
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
        let r = match &self.map {
            None => self.push(col, bytes),
            Some(m) => match m.targets[col] {
                None => Ok(()),
                Some(t) if m.arrays[col] => {
                    let d = m.array_delimiter;
                    self.push_array(t, bytes, d)
                }
                Some(t) => self.push(t, bytes),
            },
        };
        r.map_err(|reason| FieldError {
            reason,
            fatal: false,
        })
    }

    fn row(&mut self, fields: usize) -> Result<(), String> {
        let n = self.fields();
        if fields < n {
            return Err(format!("expected {n} values per row, but got {fields}."));
        }
        if let Some(m) = &self.map {
            for &c in &m.missing {
                self.columns[c].push_null();
            }
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
        self.fields()
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

/// A cheap pre-test for `cast::is_null_text`: empty, or starting with whitespace or `n`/`N`.
#[inline]
fn may_be_null(s: &[u8]) -> bool {
    match s.first() {
        None => true,
        Some(&b) => matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'n' | b'N'),
    }
}

fn physical_mismatch(ty: &LogicalType) -> String {
    format!("Conversion exception: column of type {ty} has an unexpected physical layout.")
}

//! Batches of rows flowing between operators, and row-level column helpers.
//!
//! Owns: `DataChunk` (equal-length `Column`s, at most `VECTOR_CAPACITY` rows from sources; a
//! chunk may have zero columns and still `len` rows, e.g. `RETURN 1` without a MATCH), and
//! the column helpers every operator needs: `gather` (rows by index), `slice`, `append`,
//! `constant_column`, `column_from_values`. Rows are copied typed (no `Value` per row).

use crate::error::{Error, Result};
use crate::types::vector::{Column, ColumnData};
use crate::types::{LogicalType, Value};

/// Rows per batch produced by sources and by operators that re-chunk.
pub const VECTOR_CAPACITY: usize = 2048;

/// A batch of rows: one column per output slot, all of length `len`.
#[derive(Debug, Clone, PartialEq)]
pub struct DataChunk {
    pub columns: Vec<Column>,
    pub len: usize,
}

impl DataChunk {
    /// A chunk of the columns; `len` is the first column's length (0 without columns).
    pub fn new(columns: Vec<Column>) -> Self {
        let len = columns.first().map(|c| c.len()).unwrap_or(0);
        DataChunk { columns, len }
    }

    /// `len` rows with no columns (the input of a projection without MATCH).
    pub fn rows_only(len: usize) -> Self {
        DataChunk {
            columns: Vec::new(),
            len,
        }
    }

    /// An empty chunk with columns of the types.
    pub fn empty(types: &[LogicalType]) -> Self {
        DataChunk {
            columns: types.iter().map(|t| Column::new(t.clone())).collect(),
            len: 0,
        }
    }

    /// Builds a chunk from rows of values (tests, literal rows). Values must fit the types.
    pub fn from_rows(types: &[LogicalType], rows: &[Vec<Value>]) -> Result<Self> {
        let mut columns: Vec<Column> = types.iter().map(|t| Column::new(t.clone())).collect();
        for row in rows {
            if row.len() != types.len() {
                return Err(Error::Runtime(format!(
                    "row has {} values, expected {}",
                    row.len(),
                    types.len()
                )));
            }
            for (c, v) in columns.iter_mut().zip(row) {
                push_value_checked(c, v)?;
            }
        }
        Ok(DataChunk {
            columns,
            len: rows.len(),
        })
    }

    pub fn num_columns(&self) -> usize {
        self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn types(&self) -> Vec<LogicalType> {
        self.columns.iter().map(|c| c.ty.clone()).collect()
    }

    /// Row `i` as values.
    pub fn row(&self, i: usize) -> Vec<Value> {
        self.columns.iter().map(|c| c.get(i)).collect()
    }

    /// All rows as values (tests and result materialisation).
    pub fn rows(&self) -> Vec<Vec<Value>> {
        (0..self.len).map(|i| self.row(i)).collect()
    }

    /// The rows at `idx`, in that order (repeats allowed).
    pub fn gather(&self, idx: &[usize]) -> DataChunk {
        DataChunk {
            columns: self.columns.iter().map(|c| gather(c, idx)).collect(),
            len: idx.len(),
        }
    }

    /// The rows whose `keep` flag is set.
    pub fn filter(&self, keep: &[bool]) -> DataChunk {
        // Branch-free: every row's index is written, the length only advances on kept rows.
        let mut idx: Vec<usize> = vec![0; keep.len()];
        let mut n = 0usize;
        for (i, &k) in keep.iter().enumerate() {
            idx[n] = i;
            n += k as usize;
        }
        idx.truncate(n);
        if idx.len() == self.len {
            return self.clone();
        }
        self.gather(&idx)
    }

    /// Rows `start..start+len`.
    pub fn slice(&self, start: usize, len: usize) -> DataChunk {
        DataChunk {
            columns: self.columns.iter().map(|c| slice(c, start, len)).collect(),
            len,
        }
    }

    /// Appends all rows of `other` (same column types).
    pub fn append(&mut self, other: &DataChunk) {
        for (d, s) in self.columns.iter_mut().zip(&other.columns) {
            append(d, s);
        }
        self.len += other.len;
    }

    /// Approximate heap bytes, for memory accounting.
    pub fn byte_size(&self) -> u64 {
        self.columns.iter().map(column_bytes).sum::<u64>() + 16
    }
}

/// Pushes a value, converting numerics to the column's type if needed.
pub fn push_value_checked(c: &mut Column, v: &Value) -> Result<()> {
    if c.push_value(v) {
        return Ok(());
    }
    let conv = super::cast::cast_value(v, &c.ty)?;
    if c.push_value(&conv) {
        Ok(())
    } else {
        Err(Error::Runtime(format!(
            "value {v:?} does not fit a column of type {}",
            c.ty
        )))
    }
}

/// A column of the values (converted to `ty` where needed).
pub fn column_from_values(ty: &LogicalType, values: &[Value]) -> Result<Column> {
    let mut c = Column::with_capacity(ty.clone(), values.len());
    for v in values {
        push_value_checked(&mut c, v)?;
    }
    Ok(c)
}

/// `n` copies of one value.
pub fn constant_column(v: &Value, ty: &LogicalType, n: usize) -> Result<Column> {
    let mut one = Column::new(ty.clone());
    push_value_checked(&mut one, v)?;
    Ok(gather(&one, &vec![0; n]))
}

/// A column of `n` NULLs.
pub fn null_column(ty: &LogicalType, n: usize) -> Column {
    let mut c = Column::with_capacity(ty.clone(), n);
    for _ in 0..n {
        c.push_null();
    }
    c
}

#[derive(Clone, Copy)]
enum Rows<'a> {
    Range(usize, usize),
    Idx(&'a [usize]),
}

impl Rows<'_> {
    fn count(&self) -> usize {
        match self {
            Rows::Range(a, b) => b - a,
            Rows::Idx(i) => i.len(),
        }
    }
    fn for_each(&self, mut f: impl FnMut(usize)) {
        match self {
            Rows::Range(a, b) => (*a..*b).for_each(&mut f),
            Rows::Idx(i) => i.iter().for_each(|&r| f(r)),
        }
    }
}

/// The rows of `src` at `idx`.
pub fn gather(src: &Column, idx: &[usize]) -> Column {
    let mut out = Column::new(src.ty.clone());
    extend(&mut out, src, Rows::Idx(idx));
    out
}

/// Rows `start..start+len` of `src`.
pub fn slice(src: &Column, start: usize, len: usize) -> Column {
    let mut out = Column::new(src.ty.clone());
    extend(&mut out, src, Rows::Range(start, start + len));
    out
}

/// Appends all rows of `src` to `dst`.
pub fn append(dst: &mut Column, src: &Column) {
    extend(dst, src, Rows::Range(0, src.len()));
}

/// Appends row `i` of `src` to `dst`.
pub fn append_row(dst: &mut Column, src: &Column, i: usize) {
    extend(dst, src, Rows::Range(i, i + 1));
}

fn extend(dst: &mut Column, src: &Column, rows: Rows<'_>) {
    macro_rules! fixed {
        ($d:expr, $s:expr) => {{
            match rows {
                Rows::Range(a, b) => $d.extend_from_slice(&$s[a..b]),
                Rows::Idx(i) => $d.extend(i.iter().map(|&r| $s[r])),
            }
        }};
    }
    match (&mut dst.data, &src.data) {
        (ColumnData::Bool(d), ColumnData::Bool(s)) => fixed!(d, s),
        (ColumnData::Int8(d), ColumnData::Int8(s)) => fixed!(d, s),
        (ColumnData::Int16(d), ColumnData::Int16(s)) => fixed!(d, s),
        (ColumnData::Int32(d), ColumnData::Int32(s)) => fixed!(d, s),
        (ColumnData::Int64(d), ColumnData::Int64(s)) => fixed!(d, s),
        (ColumnData::Int128(d), ColumnData::Int128(s)) => fixed!(d, s),
        (ColumnData::UInt8(d), ColumnData::UInt8(s)) => fixed!(d, s),
        (ColumnData::UInt16(d), ColumnData::UInt16(s)) => fixed!(d, s),
        (ColumnData::UInt32(d), ColumnData::UInt32(s)) => fixed!(d, s),
        (ColumnData::UInt64(d), ColumnData::UInt64(s)) => fixed!(d, s),
        (ColumnData::Float(d), ColumnData::Float(s)) => fixed!(d, s),
        (ColumnData::Double(d), ColumnData::Double(s)) => fixed!(d, s),
        (ColumnData::Interval(d), ColumnData::Interval(s)) => fixed!(d, s),
        (ColumnData::String(d), ColumnData::String(s)) => {
            d.offsets.reserve(rows.count());
            rows.for_each(|r| d.push(s.get(r)));
        }
        (
            ColumnData::List {
                offsets: doff,
                child: dchild,
            },
            ColumnData::List {
                offsets: soff,
                child: schild,
            },
        ) => {
            doff.reserve(rows.count());
            rows.for_each(|r| {
                let (a, b) = (soff[r] as usize, soff[r + 1] as usize);
                if b > a {
                    extend(dchild, schild, Rows::Range(a, b));
                }
                doff.push(dchild.len() as u64);
            });
        }
        (ColumnData::Struct(d), ColumnData::Struct(s)) => {
            for (dc, sc) in d.iter_mut().zip(s) {
                extend(dc, sc, rows);
            }
        }
        _ => {
            // Mismatched physical types: convert through values (never on typed plans).
            rows.for_each(|r| {
                let v = src.get(r);
                if push_value_checked(dst, &v).is_err() {
                    dst.push_null();
                }
            });
            return;
        }
    }
    if src.nulls.null_count() == 0 {
        let n = dst.nulls.len() + rows.count();
        dst.nulls.resize(n);
    } else {
        rows.for_each(|r| dst.nulls.push(src.nulls.is_null(r)));
    }
}

/// Approximate heap bytes of a column.
pub fn column_bytes(c: &Column) -> u64 {
    let n = c.len() as u64;
    let data = match &c.data {
        ColumnData::Bool(_) | ColumnData::Int8(_) | ColumnData::UInt8(_) => n,
        ColumnData::Int16(_) | ColumnData::UInt16(_) => 2 * n,
        ColumnData::Int32(_) | ColumnData::UInt32(_) | ColumnData::Float(_) => 4 * n,
        ColumnData::Int64(_) | ColumnData::UInt64(_) | ColumnData::Double(_) => 8 * n,
        ColumnData::Int128(_) | ColumnData::Interval(_) => 16 * n,
        ColumnData::String(s) => s.bytes.len() as u64 + 8 * n,
        ColumnData::List { child, .. } => 8 * n + column_bytes(child),
        ColumnData::Struct(children) => children.iter().map(column_bytes).sum(),
    };
    data + n / 8 + 64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_ty() -> LogicalType {
        LogicalType::List(Box::new(LogicalType::String))
    }

    #[test]
    fn gather_filter_slice_append_keep_values_and_nulls() {
        let types = vec![LogicalType::Int64, LogicalType::String, list_ty()];
        let rows = vec![
            vec![
                Value::Int64(1),
                Value::String("a".into()),
                Value::List(vec![Value::String("x".into())]),
            ],
            vec![Value::Null, Value::Null, Value::Null],
            vec![
                Value::Int64(3),
                Value::String("ccc".into()),
                Value::List(vec![Value::Null, Value::String("y".into())]),
            ],
        ];
        let c = DataChunk::from_rows(&types, &rows).unwrap();
        assert_eq!(c.len, 3);
        let g = c.gather(&[2, 0, 2]);
        assert_eq!(
            g.rows(),
            vec![rows[2].clone(), rows[0].clone(), rows[2].clone()]
        );
        let f = c.filter(&[false, true, true]);
        assert_eq!(f.rows(), vec![rows[1].clone(), rows[2].clone()]);
        let s = c.slice(1, 1);
        assert_eq!(s.rows(), vec![rows[1].clone()]);
        let mut a = c.slice(0, 1);
        a.append(&c.slice(1, 2));
        assert_eq!(a, c);
    }

    #[test]
    fn constant_and_struct_columns() {
        let st = LogicalType::Struct(vec![
            ("a".into(), LogicalType::Int64),
            ("b".into(), LogicalType::Double),
        ]);
        let v = Value::Struct(vec![
            ("a".into(), Value::Int64(1)),
            ("b".into(), Value::Double(2.5)),
        ]);
        let c = constant_column(&v, &st, 3).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c.get(2), v);
        let n = null_column(&LogicalType::Int64, 2);
        assert_eq!(n.get(1), Value::Null);
        // Numeric conversion on push.
        let c = column_from_values(&LogicalType::Int64, &[Value::Int32(7)]).unwrap();
        assert_eq!(c.get(0), Value::Int64(7));
    }
}

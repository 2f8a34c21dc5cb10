//! Typed column vectors: the in-memory form of a run of values of one type.
//!
//! Owns: `Column` (a logical type, typed values, a null mask) and `NullMask`. The loader
//! parses CSV chunks into `Column`s, storage writes `Column`s into column chunks and reads
//! ranges back into them, and the executor's batches are `Column`s of up to 2048 values.
//! Nested types are a child `Column` plus offsets (LIST) or one child per field (STRUCT).

use super::{Interval, LogicalType, Value};

/// The physical form of an INTERNAL_ID in a column: table id in the high 16 bits, offset in
/// the low 48 bits (as the query engine packs node and rel ids).
#[inline]
pub fn pack_internal_id(id: super::InternalId) -> u64 {
    (id.table << 48) | (id.offset & ((1 << 48) - 1))
}

#[inline]
pub fn unpack_internal_id(v: u64) -> super::InternalId {
    super::InternalId {
        table: v >> 48,
        offset: v & ((1 << 48) - 1),
    }
}

/// One bit per row, set = NULL. Rows past `len` are not NULL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NullMask {
    words: Vec<u64>,
    len: usize,
    count: usize,
}

impl NullMask {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_len(len: usize) -> Self {
        NullMask {
            words: vec![0; len.div_ceil(64)],
            len,
            count: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of NULL rows.
    pub fn null_count(&self) -> usize {
        self.count
    }

    pub fn push(&mut self, null: bool) {
        if self.len.is_multiple_of(64) {
            self.words.push(0);
        }
        if null {
            self.words[self.len / 64] |= 1 << (self.len % 64);
            self.count += 1;
        }
        self.len += 1;
    }

    #[inline]
    pub fn is_null(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] & (1 << (i % 64)) != 0
    }

    pub fn set(&mut self, i: usize, null: bool) {
        if i >= self.len {
            self.resize(i + 1);
        }
        let was = self.is_null(i);
        if null && !was {
            self.words[i / 64] |= 1 << (i % 64);
            self.count += 1;
        } else if !null && was {
            self.words[i / 64] &= !(1 << (i % 64));
            self.count -= 1;
        }
    }

    pub fn resize(&mut self, len: usize) {
        if len < self.len {
            for i in len..self.len {
                self.set(i, false);
            }
        }
        self.words.resize(len.div_ceil(64), 0);
        self.len = len;
    }

    /// Makes room for `n` more rows, or reports that the system cannot.
    pub fn try_reserve(&mut self, n: usize) -> Result<(), std::collections::TryReserveError> {
        let words = (self.len.saturating_add(n)).div_ceil(64);
        self.words
            .try_reserve(words.saturating_sub(self.words.len()))
    }

    pub fn clear(&mut self) {
        self.words.clear();
        self.len = 0;
        self.count = 0;
    }

    /// The raw words, bit i of word w = row w*64+i.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// Appends `count` bits of an LSB-first byte bitmap, starting at bit `bit_offset` of
    /// `bytes`, 64 at a time.
    pub fn append_bits(&mut self, bytes: &[u8], bit_offset: usize, count: usize) {
        let mut done = 0usize;
        while done < count {
            let take = (count - done).min(64);
            let bit = bit_offset + done;
            // Gather up to 64 bits starting at `bit` from at most 9 bytes.
            let first = bit / 8;
            let mut buf = [0u8; 16];
            let avail = bytes.len().saturating_sub(first).min(9);
            buf[..avail].copy_from_slice(&bytes[first..first + avail]);
            let mut w = (u128::from_le_bytes(buf) >> (bit % 8)) as u64;
            if take < 64 {
                w &= (1u64 << take) - 1;
            }
            self.push_word(w, take);
            done += take;
        }
    }

    /// Appends the low `n` (<= 64) bits of `w`; higher bits of `w` must be zero.
    fn push_word(&mut self, w: u64, n: usize) {
        let shift = self.len % 64;
        if shift == 0 {
            self.words.push(w);
        } else {
            if let Some(last) = self.words.last_mut() {
                *last |= w << shift;
            }
            if shift + n > 64 {
                self.words.push(w >> (64 - shift));
            }
        }
        self.count += w.count_ones() as usize;
        self.len += n;
    }

    /// Sets `vals[i] = false` for every NULL row i (only the set bits are visited).
    pub fn clear_nulls_in(&self, vals: &mut [bool]) {
        if self.count == 0 {
            return;
        }
        for (wi, &w) in self.words.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                let i = wi * 64 + w.trailing_zeros() as usize;
                if let Some(v) = vals.get_mut(i) {
                    *v = false;
                }
                w &= w - 1;
            }
        }
    }

    pub fn from_words(words: Vec<u64>, len: usize) -> Self {
        let mut words = words;
        words.resize(len.div_ceil(64), 0);
        if !len.is_multiple_of(64) {
            if let Some(last) = words.last_mut() {
                *last &= (1u64 << (len % 64)) - 1;
            }
        }
        let count = words.iter().map(|w| w.count_ones() as usize).sum();
        NullMask { words, len, count }
    }
}

/// Variable-length byte strings stored as offsets into one buffer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StringData {
    /// `offsets[i]..offsets[i+1]` are the bytes of row i; `offsets.len() == rows + 1`.
    pub offsets: Vec<u64>,
    pub bytes: Vec<u8>,
}

impl StringData {
    pub fn new() -> Self {
        StringData {
            offsets: vec![0],
            bytes: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, s: &[u8]) {
        self.bytes.extend_from_slice(s);
        self.offsets.push(self.bytes.len() as u64);
    }

    #[inline]
    pub fn get(&self, i: usize) -> &[u8] {
        &self.bytes[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The row as text. Strings are validated as UTF-8 when they enter a column, so this
    /// falls back to a lossy view only for BLOB data read as text.
    pub fn get_str(&self, i: usize) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.get(i))
    }
}

/// The typed payload of a column. NULL rows hold a default value of the type.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    Bool(Vec<bool>),
    Int8(Vec<i8>),
    Int16(Vec<i16>),
    Int32(Vec<i32>),
    Int64(Vec<i64>),
    Int128(Vec<i128>),
    UInt8(Vec<u8>),
    UInt16(Vec<u16>),
    UInt32(Vec<u32>),
    UInt64(Vec<u64>),
    Float(Vec<f32>),
    Double(Vec<f64>),
    Interval(Vec<Interval>),
    /// STRING and BLOB.
    String(StringData),
    /// LIST, ARRAY and MAP (a list of key/value structs): `offsets.len() == rows + 1`.
    List {
        offsets: Vec<u64>,
        child: Box<Column>,
    },
    /// STRUCT and UNION: one child per field, each with `rows` values.
    Struct(Vec<Column>),
}

/// A run of values of one logical type.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub ty: LogicalType,
    pub data: ColumnData,
    pub nulls: NullMask,
}

impl Column {
    /// An empty column of the type. Physical representation by type:
    /// DATE as Int32 days, TIMESTAMP* as Int64, SERIAL as Int64, DECIMAL as Int64 or Int128
    /// (unscaled), UUID as Int128, INTERNAL_ID as UInt64 offsets (table in the type's context).
    pub fn new(ty: LogicalType) -> Self {
        let data = Self::empty_data(&ty);
        Column {
            ty,
            data,
            nulls: NullMask::new(),
        }
    }

    pub fn with_capacity(ty: LogicalType, cap: usize) -> Self {
        let mut c = Self::new(ty);
        c.reserve(cap);
        c
    }

    fn empty_data(ty: &LogicalType) -> ColumnData {
        use LogicalType as T;
        match ty {
            T::Bool => ColumnData::Bool(Vec::new()),
            T::Int8 => ColumnData::Int8(Vec::new()),
            T::Int16 => ColumnData::Int16(Vec::new()),
            T::Int32 | T::Date => ColumnData::Int32(Vec::new()),
            T::Int64
            | T::Serial
            | T::Timestamp
            | T::TimestampNs
            | T::TimestampMs
            | T::TimestampSec
            | T::TimestampTz => ColumnData::Int64(Vec::new()),
            T::Decimal { precision, .. } if *precision <= 18 => ColumnData::Int64(Vec::new()),
            T::Decimal { .. } | T::Int128 | T::Uuid => ColumnData::Int128(Vec::new()),
            T::UInt8 => ColumnData::UInt8(Vec::new()),
            T::UInt16 => ColumnData::UInt16(Vec::new()),
            T::UInt32 => ColumnData::UInt32(Vec::new()),
            T::UInt64 => ColumnData::UInt64(Vec::new()),
            // INTERNAL_ID packs (table << 48) | offset (see `query::ops::pack`), so ids of
            // several tables can share a column without colliding.
            T::InternalId => ColumnData::UInt64(Vec::new()),
            T::Float => ColumnData::Float(Vec::new()),
            T::Double => ColumnData::Double(Vec::new()),
            T::Interval => ColumnData::Interval(Vec::new()),
            T::String | T::Blob | T::Any => ColumnData::String(StringData::new()),
            T::List(child) | T::Array(child, _) => ColumnData::List {
                offsets: vec![0],
                child: Box::new(Column::new((**child).clone())),
            },
            T::Map(k, v) => ColumnData::List {
                offsets: vec![0],
                child: Box::new(Column::new(T::Struct(vec![
                    ("KEY".into(), (**k).clone()),
                    ("VALUE".into(), (**v).clone()),
                ]))),
            },
            T::Struct(fields) | T::Union(fields) => {
                ColumnData::Struct(fields.iter().map(|(_, t)| Column::new(t.clone())).collect())
            }
            T::Node | T::Rel | T::RecursiveRel => ColumnData::Struct(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        self.nulls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn null_count(&self) -> usize {
        self.nulls.null_count()
    }

    pub fn reserve(&mut self, n: usize) {
        match &mut self.data {
            ColumnData::Bool(v) => v.reserve(n),
            ColumnData::Int8(v) => v.reserve(n),
            ColumnData::Int16(v) => v.reserve(n),
            ColumnData::Int32(v) => v.reserve(n),
            ColumnData::Int64(v) => v.reserve(n),
            ColumnData::Int128(v) => v.reserve(n),
            ColumnData::UInt8(v) => v.reserve(n),
            ColumnData::UInt16(v) => v.reserve(n),
            ColumnData::UInt32(v) => v.reserve(n),
            ColumnData::UInt64(v) => v.reserve(n),
            ColumnData::Float(v) => v.reserve(n),
            ColumnData::Double(v) => v.reserve(n),
            ColumnData::Interval(v) => v.reserve(n),
            ColumnData::String(s) => s.offsets.reserve(n),
            ColumnData::List { offsets, .. } => offsets.reserve(n),
            ColumnData::Struct(children) => children.iter_mut().for_each(|c| c.reserve(n)),
        }
    }

    /// Like `reserve` (and the null mask too), but reports an allocation the system cannot
    /// make instead of aborting: for reads whose size comes from a file.
    pub fn try_reserve(&mut self, n: usize) -> Result<(), std::collections::TryReserveError> {
        match &mut self.data {
            ColumnData::Bool(v) => v.try_reserve(n)?,
            ColumnData::Int8(v) => v.try_reserve(n)?,
            ColumnData::Int16(v) => v.try_reserve(n)?,
            ColumnData::Int32(v) => v.try_reserve(n)?,
            ColumnData::Int64(v) => v.try_reserve(n)?,
            ColumnData::Int128(v) => v.try_reserve(n)?,
            ColumnData::UInt8(v) => v.try_reserve(n)?,
            ColumnData::UInt16(v) => v.try_reserve(n)?,
            ColumnData::UInt32(v) => v.try_reserve(n)?,
            ColumnData::UInt64(v) => v.try_reserve(n)?,
            ColumnData::Float(v) => v.try_reserve(n)?,
            ColumnData::Double(v) => v.try_reserve(n)?,
            ColumnData::Interval(v) => v.try_reserve(n)?,
            ColumnData::String(s) => s.offsets.try_reserve(n)?,
            ColumnData::List { offsets, .. } => offsets.try_reserve(n)?,
            ColumnData::Struct(children) => {
                for c in children {
                    c.try_reserve(n)?;
                }
            }
        }
        self.nulls.try_reserve(n)
    }

    /// Appends a NULL row.
    pub fn push_null(&mut self) {
        match &mut self.data {
            ColumnData::Bool(v) => v.push(false),
            ColumnData::Int8(v) => v.push(0),
            ColumnData::Int16(v) => v.push(0),
            ColumnData::Int32(v) => v.push(0),
            ColumnData::Int64(v) => v.push(0),
            ColumnData::Int128(v) => v.push(0),
            ColumnData::UInt8(v) => v.push(0),
            ColumnData::UInt16(v) => v.push(0),
            ColumnData::UInt32(v) => v.push(0),
            ColumnData::UInt64(v) => v.push(0),
            ColumnData::Float(v) => v.push(0.0),
            ColumnData::Double(v) => v.push(0.0),
            ColumnData::Interval(v) => v.push(Interval::default()),
            ColumnData::String(s) => s.push(b""),
            ColumnData::List { offsets, .. } => {
                let last = *offsets.last().unwrap_or(&0);
                offsets.push(last);
            }
            ColumnData::Struct(children) => children.iter_mut().for_each(|c| c.push_null()),
        }
        self.nulls.push(true);
    }

    /// Appends a value, converting it to the column's physical representation. Returns
    /// `false` (and appends nothing) if the value does not fit the column's type.
    pub fn push_value(&mut self, v: &Value) -> bool {
        if v.is_null() {
            self.push_null();
            return true;
        }
        let ok = match (&mut self.data, v) {
            (ColumnData::Bool(d), Value::Bool(x)) => {
                d.push(*x);
                true
            }
            (ColumnData::Int8(d), Value::Int8(x)) => {
                d.push(*x);
                true
            }
            (ColumnData::Int16(d), Value::Int16(x)) => {
                d.push(*x);
                true
            }
            (ColumnData::Int32(d), Value::Int32(x) | Value::Date(x)) => {
                d.push(*x);
                true
            }
            (
                ColumnData::Int64(d),
                Value::Int64(x)
                | Value::Timestamp(x)
                | Value::TimestampNs(x)
                | Value::TimestampMs(x)
                | Value::TimestampSec(x)
                | Value::TimestampTz(x),
            ) => {
                d.push(*x);
                true
            }
            (ColumnData::Int64(d), Value::Decimal { value, .. }) => match i64::try_from(*value) {
                Ok(x) => {
                    d.push(x);
                    true
                }
                Err(_) => false,
            },
            (ColumnData::Int128(d), Value::Int128(x) | Value::Decimal { value: x, .. }) => {
                d.push(*x);
                true
            }
            (ColumnData::Int128(d), Value::Uuid(x)) => {
                d.push(*x as i128);
                true
            }
            (ColumnData::UInt8(d), Value::UInt8(x)) => {
                d.push(*x);
                true
            }
            (ColumnData::UInt16(d), Value::UInt16(x)) => {
                d.push(*x);
                true
            }
            (ColumnData::UInt32(d), Value::UInt32(x)) => {
                d.push(*x);
                true
            }
            (ColumnData::UInt64(d), Value::UInt64(x)) => {
                d.push(*x);
                true
            }
            (ColumnData::UInt64(d), Value::InternalId(id)) => {
                d.push(pack_internal_id(*id));
                true
            }
            (ColumnData::Float(d), Value::Float(x)) => {
                d.push(*x);
                true
            }
            (ColumnData::Double(d), Value::Double(x)) => {
                d.push(*x);
                true
            }
            (ColumnData::Interval(d), Value::Interval(x)) => {
                d.push(*x);
                true
            }
            (ColumnData::String(s), Value::String(x)) => {
                s.push(x.as_bytes());
                true
            }
            (ColumnData::String(s), Value::Blob(x)) => {
                s.push(x);
                true
            }
            (ColumnData::List { offsets, child }, Value::List(items) | Value::Array(items)) => {
                for it in items {
                    if !child.push_value(it) {
                        return false;
                    }
                }
                offsets.push(child.len() as u64);
                true
            }
            (ColumnData::List { offsets, child }, Value::Map(entries)) => {
                for (k, val) in entries {
                    let kv = Value::Struct(vec![
                        ("KEY".into(), k.clone()),
                        ("VALUE".into(), val.clone()),
                    ]);
                    if !child.push_value(&kv) {
                        return false;
                    }
                }
                offsets.push(child.len() as u64);
                true
            }
            (ColumnData::Struct(children), Value::Union { tag, value }) => {
                let LogicalType::Union(members) = &self.ty else {
                    return false;
                };
                let Some(k) = members
                    .iter()
                    .position(|(n, _)| n.eq_ignore_ascii_case(tag))
                else {
                    return false;
                };
                if k >= children.len() || !children[k].push_value(value) {
                    return false;
                }
                for (j, c) in children.iter_mut().enumerate() {
                    if j != k {
                        c.push_null();
                    }
                }
                true
            }
            (ColumnData::Struct(children), Value::Struct(fields))
                if children.len() == fields.len() =>
            {
                for (c, (_, fv)) in children.iter_mut().zip(fields) {
                    if !c.push_value(fv) {
                        return false;
                    }
                }
                true
            }
            _ => false,
        };
        if ok {
            self.nulls.push(false);
        }
        ok
    }

    /// The value of row `i` as a `Value` of the column's logical type.
    pub fn get(&self, i: usize) -> Value {
        use LogicalType as T;
        if self.nulls.is_null(i) {
            return Value::Null;
        }
        match (&self.data, &self.ty) {
            (ColumnData::Bool(d), _) => Value::Bool(d[i]),
            (ColumnData::Int8(d), _) => Value::Int8(d[i]),
            (ColumnData::Int16(d), _) => Value::Int16(d[i]),
            (ColumnData::Int32(d), T::Date) => Value::Date(d[i]),
            (ColumnData::Int32(d), _) => Value::Int32(d[i]),
            (ColumnData::Int64(d), T::Timestamp) => Value::Timestamp(d[i]),
            (ColumnData::Int64(d), T::TimestampNs) => Value::TimestampNs(d[i]),
            (ColumnData::Int64(d), T::TimestampMs) => Value::TimestampMs(d[i]),
            (ColumnData::Int64(d), T::TimestampSec) => Value::TimestampSec(d[i]),
            (ColumnData::Int64(d), T::TimestampTz) => Value::TimestampTz(d[i]),
            (ColumnData::Int64(d), T::Decimal { precision, scale }) => Value::Decimal {
                value: d[i] as i128,
                precision: *precision,
                scale: *scale,
            },
            (ColumnData::Int64(d), _) => Value::Int64(d[i]),
            (ColumnData::Int128(d), T::Uuid) => Value::Uuid(d[i] as u128),
            (ColumnData::Int128(d), T::Decimal { precision, scale }) => Value::Decimal {
                value: d[i],
                precision: *precision,
                scale: *scale,
            },
            (ColumnData::Int128(d), _) => Value::Int128(d[i]),
            (ColumnData::UInt8(d), _) => Value::UInt8(d[i]),
            (ColumnData::UInt16(d), _) => Value::UInt16(d[i]),
            (ColumnData::UInt32(d), _) => Value::UInt32(d[i]),
            (ColumnData::UInt64(d), _) => Value::UInt64(d[i]),
            (ColumnData::Float(d), _) => Value::Float(d[i]),
            (ColumnData::Double(d), _) => Value::Double(d[i]),
            (ColumnData::Interval(d), _) => Value::Interval(d[i]),
            (ColumnData::String(s), T::Blob) => Value::Blob(s.get(i).to_vec()),
            (ColumnData::String(s), _) => Value::String(s.get_str(i).into_owned()),
            (ColumnData::List { offsets, child }, T::Map(..)) => {
                let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
                Value::Map(
                    (a..b)
                        .map(|j| match child.get(j) {
                            Value::Struct(mut kv) if kv.len() == 2 => {
                                let v = kv.pop().map(|x| x.1).unwrap_or(Value::Null);
                                let k = kv.pop().map(|x| x.1).unwrap_or(Value::Null);
                                (k, v)
                            }
                            other => (other, Value::Null),
                        })
                        .collect(),
                )
            }
            (ColumnData::List { offsets, child }, T::Array(..)) => {
                let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
                Value::Array((a..b).map(|j| child.get(j)).collect())
            }
            (ColumnData::List { offsets, child }, _) => {
                let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
                Value::List((a..b).map(|j| child.get(j)).collect())
            }
            (ColumnData::Struct(children), T::Struct(fields)) => Value::Struct(
                fields
                    .iter()
                    .zip(children)
                    .map(|((n, _), c)| (n.clone(), c.get(i)))
                    .collect(),
            ),
            (ColumnData::Struct(children), T::Union(fields)) => {
                // The active member is the first non-null one.
                for ((n, _), c) in fields.iter().zip(children) {
                    if !c.nulls.is_null(i) {
                        return Value::Union {
                            tag: n.clone(),
                            value: Box::new(c.get(i)),
                        };
                    }
                }
                Value::Null
            }
            (ColumnData::Struct(_), _) => Value::Null,
        }
    }
}

impl Column {
    /// Keeps the first `len` rows (no-op when the column is not longer).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        match &mut self.data {
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
                let end = s.offsets.get(len).copied().unwrap_or(0) as usize;
                s.bytes.truncate(end);
                s.offsets.truncate(len + 1);
            }
            ColumnData::List { offsets, child } => {
                let end = offsets.get(len).copied().unwrap_or(0) as usize;
                child.truncate(end);
                offsets.truncate(len + 1);
            }
            ColumnData::Struct(children) => children.iter_mut().for_each(|c| c.truncate(len)),
        }
        self.nulls.resize(len);
    }

    /// Appends rows `start..start+len` of `other` (same type).
    pub fn extend_from(&mut self, other: &Column, start: usize, len: usize) {
        macro_rules! slice {
            ($a:expr, $b:expr) => {{
                $a.extend_from_slice(&$b[start..start + len]);
            }};
        }
        // Fixed-width values are copied as slices (a merge copies long runs).
        match (&mut self.data, &other.data) {
            (ColumnData::Bool(a), ColumnData::Bool(b)) => slice!(a, b),
            (ColumnData::Int8(a), ColumnData::Int8(b)) => slice!(a, b),
            (ColumnData::Int16(a), ColumnData::Int16(b)) => slice!(a, b),
            (ColumnData::Int32(a), ColumnData::Int32(b)) => slice!(a, b),
            (ColumnData::Int64(a), ColumnData::Int64(b)) => slice!(a, b),
            (ColumnData::Int128(a), ColumnData::Int128(b)) => slice!(a, b),
            (ColumnData::UInt8(a), ColumnData::UInt8(b)) => slice!(a, b),
            (ColumnData::UInt16(a), ColumnData::UInt16(b)) => slice!(a, b),
            (ColumnData::UInt32(a), ColumnData::UInt32(b)) => slice!(a, b),
            (ColumnData::UInt64(a), ColumnData::UInt64(b)) => slice!(a, b),
            (ColumnData::Float(a), ColumnData::Float(b)) => slice!(a, b),
            (ColumnData::Double(a), ColumnData::Double(b)) => slice!(a, b),
            (ColumnData::Interval(a), ColumnData::Interval(b)) => slice!(a, b),
            _ => return self.gather_from(other, &mut (start..start + len)),
        }
        if other.nulls.null_count() == 0 {
            let n = self.nulls.len() + len;
            self.nulls.resize(n);
        } else {
            for r in start..start + len {
                self.nulls.push(other.nulls.is_null(r));
            }
        }
    }

    /// Appends the rows of `other` at `rows`, in that order.
    pub fn gather(&mut self, other: &Column, rows: &[u32]) {
        self.gather_from(other, &mut rows.iter().map(|&r| r as usize));
    }

    fn gather_from(&mut self, other: &Column, rows: &mut dyn Iterator<Item = usize>) {
        let rows: Vec<usize> = rows.collect();
        for &r in &rows {
            self.nulls.push(other.nulls.is_null(r));
        }
        macro_rules! copy {
            ($a:expr, $b:expr) => {{
                $a.reserve(rows.len());
                for &r in &rows {
                    $a.push($b[r].clone());
                }
            }};
        }
        match (&mut self.data, &other.data) {
            (ColumnData::Bool(a), ColumnData::Bool(b)) => copy!(a, b),
            (ColumnData::Int8(a), ColumnData::Int8(b)) => copy!(a, b),
            (ColumnData::Int16(a), ColumnData::Int16(b)) => copy!(a, b),
            (ColumnData::Int32(a), ColumnData::Int32(b)) => copy!(a, b),
            (ColumnData::Int64(a), ColumnData::Int64(b)) => copy!(a, b),
            (ColumnData::Int128(a), ColumnData::Int128(b)) => copy!(a, b),
            (ColumnData::UInt8(a), ColumnData::UInt8(b)) => copy!(a, b),
            (ColumnData::UInt16(a), ColumnData::UInt16(b)) => copy!(a, b),
            (ColumnData::UInt32(a), ColumnData::UInt32(b)) => copy!(a, b),
            (ColumnData::UInt64(a), ColumnData::UInt64(b)) => copy!(a, b),
            (ColumnData::Float(a), ColumnData::Float(b)) => copy!(a, b),
            (ColumnData::Double(a), ColumnData::Double(b)) => copy!(a, b),
            (ColumnData::Interval(a), ColumnData::Interval(b)) => copy!(a, b),
            (ColumnData::String(a), ColumnData::String(b)) => {
                for &r in &rows {
                    a.push(b.get(r));
                }
            }
            (
                ColumnData::List { offsets, child },
                ColumnData::List {
                    offsets: bo,
                    child: bc,
                },
            ) => {
                for &r in &rows {
                    let (x, y) = (bo[r] as usize, bo[r + 1] as usize);
                    child.extend_from(bc, x, y - x);
                    offsets.push(child.len() as u64);
                }
            }
            (ColumnData::Struct(a), ColumnData::Struct(b)) => {
                for (ac, bc) in a.iter_mut().zip(b) {
                    ac.gather_from(bc, &mut rows.iter().copied());
                }
            }
            _ => {
                // Mismatched types are a programming error; keep lengths consistent.
                let n = rows.len();
                self.nulls.resize(self.nulls.len() - n);
                for _ in 0..n {
                    self.push_null();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_bits_matches_bit_by_bit_push() {
        // A pseudo-random bitmap; append slices at every alignment of source and target.
        let bytes: Vec<u8> = (0..64u32)
            .map(|i| (i.wrapping_mul(167) ^ 0x5a) as u8)
            .collect();
        let bit = |i: usize| bytes[i / 8] & (1 << (i % 8)) != 0;
        for pre in [0usize, 1, 63, 64, 65] {
            for off in [0usize, 3, 8, 61, 100] {
                for count in [0usize, 1, 7, 64, 65, 130, 300] {
                    let mut a = NullMask::new();
                    let mut b = NullMask::new();
                    for i in 0..pre {
                        a.push(i % 3 == 0);
                        b.push(i % 3 == 0);
                    }
                    a.append_bits(&bytes, off, count);
                    for i in off..off + count {
                        b.push(bit(i));
                    }
                    assert_eq!(a, b, "pre {pre} off {off} count {count}");
                }
            }
        }
    }

    #[test]
    fn clear_nulls_in_clears_exactly_the_null_rows() {
        let mut m = NullMask::new();
        for i in 0..150 {
            m.push(i % 7 == 0 || i == 149);
        }
        let mut vals = vec![true; 150];
        m.clear_nulls_in(&mut vals);
        for (i, v) in vals.iter().enumerate() {
            assert_eq!(*v, !(i % 7 == 0 || i == 149), "row {i}");
        }
    }

    #[test]
    fn null_mask_counts_and_resizes() {
        let mut m = NullMask::new();
        for i in 0..130 {
            m.push(i % 3 == 0);
        }
        assert_eq!(m.len(), 130);
        assert_eq!(m.null_count(), 44);
        assert!(m.is_null(129));
        assert!(!m.is_null(128));
        m.set(128, true);
        assert_eq!(m.null_count(), 45);
        m.resize(100);
        assert_eq!(m.null_count(), 34);
        let w = NullMask::from_words(m.words().to_vec(), 100);
        assert_eq!(w, m);
    }

    #[test]
    fn unions_keep_their_active_member() {
        let ty = LogicalType::Union(vec![
            ("price".into(), LogicalType::Float),
            ("note".into(), LogicalType::String),
        ]);
        let mut c = Column::new(ty);
        let v = Value::Union {
            tag: "note".into(),
            value: Box::new(Value::String("x".into())),
        };
        assert!(c.push_value(&v));
        c.push_null();
        assert_eq!(c.get(0), v);
        assert_eq!(c.get(1), Value::Null);
    }

    #[test]
    fn internal_ids_keep_their_table() {
        let mut c = Column::new(LogicalType::InternalId);
        let a = super::super::InternalId {
            table: 3,
            offset: (1 << 48) - 1,
        };
        let b = super::super::InternalId {
            table: 0,
            offset: 7,
        };
        assert!(c.push_value(&Value::InternalId(a)));
        assert!(c.push_value(&Value::InternalId(b)));
        // Rows read back packed, as the query engine carries them.
        assert_eq!(c.get(0), Value::UInt64(pack_internal_id(a)));
        assert_eq!(unpack_internal_id(pack_internal_id(a)), a);
        assert_eq!(c.get(1), Value::UInt64(7));
    }

    #[test]
    fn extend_and_gather() {
        let mut src = Column::new(LogicalType::List(Box::new(LogicalType::String)));
        for i in 0..5 {
            if i == 2 {
                src.push_null();
            } else {
                src.push_value(&Value::List(vec![Value::String(i.to_string()); i]));
            }
        }
        let mut a = Column::new(src.ty.clone());
        a.extend_from(&src, 1, 3);
        assert_eq!(a.len(), 3);
        assert_eq!(a.get(0), src.get(1));
        assert_eq!(a.get(1), Value::Null);
        assert_eq!(a.get(2), src.get(3));
        let mut g = Column::new(src.ty.clone());
        g.gather(&src, &[4, 0, 4]);
        assert_eq!(g.get(0), src.get(4));
        assert_eq!(g.get(1), Value::List(vec![]));
        assert_eq!(g.get(2), src.get(4));
    }

    #[test]
    fn column_round_trips_values() {
        let ty = LogicalType::List(Box::new(LogicalType::Int64));
        let mut c = Column::new(ty);
        let v = Value::List(vec![Value::Int64(1), Value::Null, Value::Int64(3)]);
        assert!(c.push_value(&v));
        c.push_null();
        assert!(c.push_value(&Value::List(vec![])));
        assert_eq!(c.len(), 3);
        assert_eq!(c.get(0), v);
        assert_eq!(c.get(1), Value::Null);
        assert_eq!(c.get(2), Value::List(vec![]));

        let mut s = Column::new(LogicalType::String);
        assert!(s.push_value(&Value::String("héllo".into())));
        assert!(!s.push_value(&Value::Int64(1)));
        assert_eq!(s.len(), 1);
        assert_eq!(s.get(0), Value::String("héllo".into()));
    }
}

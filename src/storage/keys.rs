//! Primary-key values as the loader and the write path see them: which types can be keys, how a key column or
//! value maps onto the persistent hash index's key kinds (`IndexKeyType`), extracting a key
//! from a column row, rendering it for error messages, and a fast hasher for key maps.
//!
//! Kuzu accepts every type whose physical type is an integer (INT8..INT128, UINT8..UINT64,
//! SERIAL, DATE, TIMESTAMP*, DECIMAL, UUID), FLOAT, DOUBLE or STRING (STRING, BLOB). The index
//! has integer, 128-bit and byte-string keys: FLOAT and DOUBLE keys are stored as the bit
//! pattern of the value as a double (FLOAT widened first), with -0.0 folded onto 0.0 and every
//! NaN onto one NaN, so keys that compare equal share one index key.

use super::index::{IndexKey, IndexKeyType};
use crate::error::{Error, Result};
use crate::types::vector::{Column, ColumnData};
use crate::types::{LogicalType, Value};
use std::borrow::Cow;
use std::hash::{BuildHasherDefault, Hasher};

/// A primary key value, borrowed from a column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyRef<'a> {
    Int(i64),
    UInt(u64),
    Int128(i128),
    Float(f64),
    Bytes(&'a [u8]),
}

impl KeyRef<'_> {
    /// Kuzu's rendering of the key in messages (floating-point keys with six decimals).
    pub fn render(&self) -> String {
        match self {
            KeyRef::Int(v) => v.to_string(),
            KeyRef::UInt(v) => v.to_string(),
            KeyRef::Int128(v) => v.to_string(),
            KeyRef::Float(v) => format!("{v:.6}"),
            KeyRef::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        }
    }
}

/// The index key kind for a primary-key type.
pub fn index_key_type(ty: &LogicalType) -> Result<IndexKeyType> {
    use LogicalType as T;
    check_pk_type(ty)?;
    Ok(match ty {
        T::UInt64 => IndexKeyType::UInt64,
        T::String | T::Blob => IndexKeyType::String,
        T::Int128 | T::Uuid => IndexKeyType::Int128,
        T::Decimal { precision, .. } if *precision > 18 => IndexKeyType::Int128,
        _ => IndexKeyType::Int64,
    })
}

/// The index key of a floating-point key: its bit pattern as a double, with -0.0 as 0.0 and
/// one NaN.
#[inline]
pub fn float_key(x: f64) -> i64 {
    if x == 0.0 {
        0
    } else if x.is_nan() {
        f64::NAN.to_bits() as i64
    } else {
        x.to_bits() as i64
    }
}

/// A key column as the index takes it: FLOAT and DOUBLE columns become INT64 columns of
/// `float_key`s (same NULLs); every other key column is used as it is.
pub fn index_column(col: &Column) -> Cow<'_, Column> {
    let keys: Vec<i64> = match &col.data {
        ColumnData::Double(v) => v.iter().map(|&x| float_key(x)).collect(),
        ColumnData::Float(v) => v.iter().map(|&x| float_key(x as f64)).collect(),
        _ => return Cow::Borrowed(col),
    };
    Cow::Owned(Column {
        ty: LogicalType::Int64,
        data: ColumnData::Int64(keys),
        nulls: col.nulls.clone(),
    })
}

/// An owned index key of a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OwnedKey {
    Int64(i64),
    UInt64(u64),
    Int128(i128),
    Bytes(Vec<u8>),
}

impl OwnedKey {
    /// The borrowed form the index looks up.
    pub fn as_index_key(&self) -> IndexKey<'_> {
        match self {
            OwnedKey::Int64(k) => IndexKey::Int64(*k),
            OwnedKey::UInt64(k) => IndexKey::UInt64(*k),
            OwnedKey::Int128(k) => IndexKey::Int128(*k),
            OwnedKey::Bytes(b) => IndexKey::String(b),
        }
    }
}

/// The key of `v` in an index of kind `kind`, as the COPY pipeline stored the key column of
/// the same value; `None` when `v` cannot be such a key (the caller scans instead).
pub fn value_key(kind: IndexKeyType, v: &Value) -> Option<OwnedKey> {
    use IndexKeyType as K;
    Some(match (kind, v) {
        (K::Int64, Value::Int64(x))
        | (K::Int64, Value::Timestamp(x))
        | (K::Int64, Value::TimestampNs(x))
        | (K::Int64, Value::TimestampMs(x))
        | (K::Int64, Value::TimestampSec(x))
        | (K::Int64, Value::TimestampTz(x)) => OwnedKey::Int64(*x),
        (K::Int64, Value::Int32(x)) | (K::Int64, Value::Date(x)) => OwnedKey::Int64(*x as i64),
        (K::Int64, Value::Int16(x)) => OwnedKey::Int64(*x as i64),
        (K::Int64, Value::Int8(x)) => OwnedKey::Int64(*x as i64),
        (K::Int64, Value::UInt32(x)) => OwnedKey::Int64(*x as i64),
        (K::Int64, Value::UInt16(x)) => OwnedKey::Int64(*x as i64),
        (K::Int64, Value::UInt8(x)) => OwnedKey::Int64(*x as i64),
        (K::Int64, Value::Double(x)) => OwnedKey::Int64(float_key(*x)),
        (K::Int64, Value::Float(x)) => OwnedKey::Int64(float_key(*x as f64)),
        (
            K::Int64,
            Value::Decimal {
                value, precision, ..
            },
        ) if *precision <= 18 => OwnedKey::Int64(i64::try_from(*value).ok()?),
        (K::UInt64, Value::UInt64(x)) => OwnedKey::UInt64(*x),
        (K::Int128, Value::Int128(x)) => OwnedKey::Int128(*x),
        (K::Int128, Value::Uuid(x)) => OwnedKey::Int128(*x as i128),
        (
            K::Int128,
            Value::Decimal {
                value, precision, ..
            },
        ) if *precision > 18 => OwnedKey::Int128(*value),
        (K::String, Value::String(s)) => OwnedKey::Bytes(s.as_bytes().to_vec()),
        (K::String, Value::Blob(b)) => OwnedKey::Bytes(b.clone()),
        _ => return None,
    })
}

/// The key of row `i` (which must not be NULL).
#[inline]
pub fn key_at(col: &Column, i: usize) -> KeyRef<'_> {
    match &col.data {
        ColumnData::Int64(v) => KeyRef::Int(v[i]),
        ColumnData::Int32(v) => KeyRef::Int(v[i] as i64),
        ColumnData::Int16(v) => KeyRef::Int(v[i] as i64),
        ColumnData::Int8(v) => KeyRef::Int(v[i] as i64),
        ColumnData::UInt64(v) => KeyRef::UInt(v[i]),
        ColumnData::UInt32(v) => KeyRef::Int(v[i] as i64),
        ColumnData::UInt16(v) => KeyRef::Int(v[i] as i64),
        ColumnData::UInt8(v) => KeyRef::Int(v[i] as i64),
        // Kuzu keeps a UUID as a 128-bit integer with the top bit flipped, and shows that.
        ColumnData::Int128(v) if col.ty == LogicalType::Uuid => KeyRef::Int128(v[i] ^ i128::MIN),
        ColumnData::Int128(v) => KeyRef::Int128(v[i]),
        ColumnData::Double(v) => KeyRef::Float(v[i]),
        ColumnData::Float(v) => KeyRef::Float(v[i] as f64),
        ColumnData::String(s) => KeyRef::Bytes(s.get(i)),
        _ => KeyRef::Int(0),
    }
}

/// FxHash-style hasher: fast for integer and short byte keys. Not DoS-resistant, which does
/// not matter for keys the user loads into their own database.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.add(w);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_i64(&mut self, i: i64) {
        self.add(i as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // Final avalanche so that low bits are usable by hashbrown's bucket choice.
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.hash = (self.hash.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

pub type FxBuild = BuildHasherDefault<FxHasher>;
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, FxBuild>;

/// Whether a type can be a primary key, in Kuzu's words if not.
pub fn check_pk_type(ty: &LogicalType) -> Result<()> {
    use LogicalType as T;
    match ty {
        T::Int8
        | T::Int16
        | T::Int32
        | T::Int64
        | T::Int128
        | T::UInt8
        | T::UInt16
        | T::UInt32
        | T::UInt64
        | T::Float
        | T::Double
        | T::Decimal { .. }
        | T::Serial
        | T::String
        | T::Blob
        | T::Uuid
        | T::Date
        | T::Timestamp
        | T::TimestampNs
        | T::TimestampMs
        | T::TimestampSec
        | T::TimestampTz => Ok(()),
        other => Err(Error::Binder(format!(
            "Invalid primary key column type {other}. Primary keys must be either STRING or a numeric type."
        ))),
    }
}

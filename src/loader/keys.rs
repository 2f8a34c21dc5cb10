//! Primary-key values as the loader sees them: extracting a key from a column row, rendering
//! it for error messages, and a fast hasher for key maps.

use crate::error::{Error, Result};
use crate::types::vector::{Column, ColumnData};
use crate::types::LogicalType;
use std::hash::{BuildHasherDefault, Hasher};

/// A primary key value, borrowed from a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyRef<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl KeyRef<'_> {
    /// Kuzu's rendering of the key in messages.
    pub fn render(&self) -> String {
        match self {
            KeyRef::Int(v) => v.to_string(),
            KeyRef::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        }
    }
}

/// Whether a type can be a primary key, in Kuzu's words if not.
pub fn check_pk_type(ty: &LogicalType) -> Result<()> {
    use LogicalType as T;
    match ty {
        T::Int8
        | T::Int16
        | T::Int32
        | T::Int64
        | T::UInt8
        | T::UInt16
        | T::UInt32
        | T::UInt64
        | T::Serial
        | T::String
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

/// The index key kind for a primary-key type.
pub fn index_key_type(ty: &LogicalType) -> Result<crate::storage::index::IndexKeyType> {
    use crate::storage::index::IndexKeyType as K;
    use LogicalType as T;
    check_pk_type(ty)?;
    Ok(match ty {
        T::UInt64 => K::UInt64,
        T::String => K::String,
        _ => K::Int64,
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
        ColumnData::UInt64(v) => KeyRef::Int(v[i] as i64),
        ColumnData::UInt32(v) => KeyRef::Int(v[i] as i64),
        ColumnData::UInt16(v) => KeyRef::Int(v[i] as i64),
        ColumnData::UInt8(v) => KeyRef::Int(v[i] as i64),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;

    #[test]
    fn keys_from_columns() {
        let mut c = Column::new(LogicalType::Int32);
        c.push_value(&Value::Int32(-5));
        assert_eq!(key_at(&c, 0), KeyRef::Int(-5));
        let mut s = Column::new(LogicalType::String);
        s.push_value(&Value::String("ab".into()));
        assert_eq!(key_at(&s, 0).render(), "ab");
        assert!(check_pk_type(&LogicalType::Double).is_err());
        let mut m: FxHashMap<i64, u64> = FxHashMap::default();
        for i in 0..1000 {
            m.insert(i * 7, i as u64);
        }
        assert_eq!(m.get(&700), Some(&100));
    }
}

//! The loader's view of a node table's primary keys while a COPY runs: detects duplicates and
//! resolves rel endpoints.
//!
//! This in-memory map is the loader's working set; the persistent hash index in
//! `storage::index` is what the database keeps.

use super::keys::{key_at, FxHashMap, KeyRef};
use crate::types::vector::Column;

/// Key → node offset for one node table.
#[derive(Debug, Default)]
pub enum KeyMap {
    #[default]
    Empty,
    Int(FxHashMap<i64, u64>),
    Bytes(FxHashMap<Box<[u8]>, u64>),
}

impl KeyMap {
    pub fn len(&self) -> usize {
        match self {
            KeyMap::Empty => 0,
            KeyMap::Int(m) => m.len(),
            KeyMap::Bytes(m) => m.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Inserts keys of rows `0..n` of `col` (none NULL) with offsets `first..`; on a duplicate
    /// returns the row index and stops (earlier rows stay inserted).
    pub fn insert_column(&mut self, col: &Column, first: u64) -> Result<(), usize> {
        let n = col.len();
        for i in 0..n {
            let k = key_at(col, i);
            let fresh = match (&mut *self, k) {
                (KeyMap::Empty, KeyRef::Int(v)) => {
                    let mut m = FxHashMap::default();
                    m.insert(v, first + i as u64);
                    *self = KeyMap::Int(m);
                    true
                }
                (KeyMap::Empty, KeyRef::Bytes(b)) => {
                    let mut m = FxHashMap::default();
                    m.insert(b.into(), first + i as u64);
                    *self = KeyMap::Bytes(m);
                    true
                }
                (KeyMap::Int(m), KeyRef::Int(v)) => {
                    m.try_reserve(n - i).ok();
                    match m.entry(v) {
                        std::collections::hash_map::Entry::Occupied(_) => false,
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(first + i as u64);
                            true
                        }
                    }
                }
                (KeyMap::Bytes(m), KeyRef::Bytes(b)) => {
                    if m.contains_key(b) {
                        false
                    } else {
                        m.insert(b.into(), first + i as u64);
                        true
                    }
                }
                _ => false,
            };
            if !fresh {
                return Err(i);
            }
        }
        Ok(())
    }

    #[inline]
    pub fn lookup(&self, k: KeyRef) -> Option<u64> {
        match (self, k) {
            (KeyMap::Int(m), KeyRef::Int(v)) => m.get(&v).copied(),
            (KeyMap::Bytes(m), KeyRef::Bytes(b)) => m.get(b).copied(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{LogicalType, Value};

    #[test]
    fn duplicates_and_lookups() {
        let mut c = Column::new(LogicalType::String);
        for s in ["a", "b", "c", "b"] {
            c.push_value(&Value::String(s.into()));
        }
        let mut m = KeyMap::default();
        assert_eq!(m.insert_column(&c, 10), Err(3));
        assert_eq!(m.lookup(KeyRef::Bytes(b"c")), Some(12));
        assert_eq!(m.lookup(KeyRef::Bytes(b"z")), None);
        let mut i = Column::new(LogicalType::Int64);
        i.push_value(&Value::Int64(5));
        let mut n = KeyMap::default();
        assert_eq!(n.insert_column(&i, 0), Ok(()));
        assert_eq!(n.insert_column(&i, 1), Err(0));
        assert_eq!(n.lookup(KeyRef::Int(5)), Some(0));
    }
}

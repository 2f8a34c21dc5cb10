//! Primary-key values: see `storage::keys` (shared with the transactional write path).

pub use crate::storage::keys::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::index::IndexKeyType;
    use crate::types::vector::{Column, ColumnData};
    use crate::types::LogicalType;
    use crate::types::Value;
    use std::borrow::Cow;

    #[test]
    fn keys_from_columns() {
        let mut c = Column::new(LogicalType::Int32);
        c.push_value(&Value::Int32(-5));
        assert_eq!(key_at(&c, 0), KeyRef::Int(-5));
        let mut s = Column::new(LogicalType::String);
        s.push_value(&Value::String("ab".into()));
        assert_eq!(key_at(&s, 0).render(), "ab");
        assert!(check_pk_type(&LogicalType::Double).is_ok());
        assert_eq!(
            check_pk_type(&LogicalType::Interval).unwrap_err().to_string(),
            "Binder exception: Invalid primary key column type INTERVAL. Primary keys must be either STRING or a numeric type."
        );
        let mut m: FxHashMap<i64, u64> = FxHashMap::default();
        for i in 0..1000 {
            m.insert(i * 7, i as u64);
        }
        assert_eq!(m.get(&700), Some(&100));
    }

    #[test]
    fn keys_render_as_kuzu_and_map_onto_index_kinds() {
        let col = |ty: LogicalType, v: Value| {
            let mut c = Column::new(ty);
            assert!(c.push_value(&v));
            c
        };
        let d = col(LogicalType::Double, Value::Double(2.5));
        assert_eq!(key_at(&d, 0).render(), "2.500000");
        let f = col(LogicalType::Float, Value::Float(-3.0));
        assert_eq!(key_at(&f, 0).render(), "-3.000000");
        let u = col(
            LogicalType::Uuid,
            Value::Uuid(0xa0ee_bc99_9c0b_4ef8_bb6d_6bb9_bd38_0a11),
        );
        assert_eq!(
            key_at(&u, 0).render(),
            "43774887780656280754024793008116337169"
        );
        let big = col(LogicalType::UInt64, Value::UInt64(u64::MAX));
        assert_eq!(key_at(&big, 0).render(), "18446744073709551615");
        // FLOAT and DOUBLE keys become INT64 keys of the double's bits, -0.0 as 0.0.
        let z = col(LogicalType::Double, Value::Double(-0.0));
        let k = index_column(&z);
        assert_eq!(k.data, ColumnData::Int64(vec![0]));
        assert_eq!(
            index_column(&f).data,
            ColumnData::Int64(vec![(-3.0f64).to_bits() as i64])
        );
        assert_eq!(float_key(f64::NAN), float_key(-f64::NAN));
        assert!(matches!(index_column(&u), Cow::Borrowed(_)));
        use IndexKeyType as K;
        for (ty, kind) in [
            (LogicalType::Double, K::Int64),
            (LogicalType::Float, K::Int64),
            (LogicalType::Blob, K::String),
            (LogicalType::Int128, K::Int128),
            (LogicalType::Uuid, K::Int128),
            (
                LogicalType::Decimal {
                    precision: 18,
                    scale: 0,
                },
                K::Int64,
            ),
            (
                LogicalType::Decimal {
                    precision: 19,
                    scale: 0,
                },
                K::Int128,
            ),
            (LogicalType::UInt64, K::UInt64),
            (LogicalType::Serial, K::Int64),
        ] {
            assert_eq!(index_key_type(&ty).unwrap(), kind, "{ty}");
        }
    }
}

//! Tests of the query path that need crate internals: primary-key lookups through a real
//! hash index (built here the way the loader stores it).

use crate::db::Database;
use crate::storage::index::{HashIndex, IndexKeyType};
use crate::storage::page::Encoder;
use crate::types::vector::Column;
use crate::types::{LogicalType, Value};

fn rows(db: &Database, q: &str) -> Vec<String> {
    db.connect()
        .query(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

#[test]
fn pk_lookup_through_the_hash_index() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("db.ruzu")).unwrap();
    let csv = dir.path().join("p.csv");
    let mut text = String::from("id,name\n");
    for i in 0..5000 {
        text.push_str(&format!("{},n{}\n", i * 7, i));
    }
    std::fs::write(&csv, text).unwrap();
    let c = db.connect();
    c.query("CREATE NODE TABLE P(id INT64, name STRING, PRIMARY KEY(id))")
        .unwrap();
    c.query(&format!("COPY P FROM '{}' (header=true)", csv.display()))
        .unwrap();
    // Build the index over the id column and commit it as the table's pk index.
    let snap = db.snapshot();
    let id = snap.catalog.table("P").unwrap().id;
    let mut keys = Column::new(LogicalType::Int64);
    snap.meta
        .node(id)
        .unwrap()
        .scan(db.pager().pool(), 0, 0, 5000, &mut keys)
        .unwrap();
    let mut idx = HashIndex::new(IndexKeyType::Int64);
    let pool = db.pager().pool();
    db.pager()
        .with_allocator(|a| idx.insert_column(pool, a, &keys, 0))
        .unwrap()
        .unwrap();
    let mut e = Encoder::new();
    idx.encode(&mut e);
    let mut next = (*snap).clone();
    if let Some(crate::storage::table::TableData::Node(n)) = next.meta.tables.get_mut(&id) {
        n.pk_index = e.buf;
    }
    {
        let _w = db.inner.write_lock.lock();
        db.commit(next).unwrap();
    }
    assert_eq!(
        rows(&db, "MATCH (p:P {id: 700}) RETURN p.name, id(p)"),
        ["n100|0:100"]
    );
    assert_eq!(
        rows(&db, "MATCH (p:P) WHERE p.id = 701 RETURN p.name"),
        Vec::<String>::new()
    );
    let mut params = crate::db::Params::new();
    params.insert("k".into(), Value::Int64(34993));
    let st = c
        .prepare("MATCH (p:P) WHERE p.id = $k RETURN p.name")
        .unwrap();
    let got: Vec<Vec<Value>> = c
        .execute(&st, &params)
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(got, vec![vec![Value::String("n4999".into())]]);
    let plan = rows(&db, "EXPLAIN MATCH (p:P {id: 7}) RETURN p.name");
    assert!(plan[0].contains("INDEX_SCAN_NODE"), "{plan:?}");
}

//! What a checkpoint of a few rel changes writes: only the CSR parts of the nodes whose rels
//! changed (and the metadata), not the rel table. Measured in pages written
//! (`Pager::pages_written`) against what loading the table wrote.

use ruzu::{Config, Database, Value};

#[test]
fn a_checkpoint_rewrites_only_the_changed_parts() {
    // Parts of ~1024 rels, so that this table of 40,000 rels has ~40 per direction (the
    // size is per process: this file's only test sets it).
    ruzu::storage::csr::set_part_size(1024, 1024);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.ruzu");
    let db = Database::open_with(
        &path,
        Config {
            buffer_pool_size: 64 << 20,
            threads: 2,
            read_only: false,
        },
    )
    .unwrap();
    let c = db.connect();
    let n = dir.path().join("n.csv");
    std::fs::write(&n, (0..4000).map(|i| format!("{i}\n")).collect::<String>()).unwrap();
    let e = dir.path().join("e.csv");
    let mut x = 88172645463325252u64;
    let mut text = String::new();
    for i in 0..40_000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        text.push_str(&format!(
            "{},{},{},{}\n",
            x % 4000,
            (x >> 20) % 4000,
            2000 + i % 20,
            (i % 100) as f64 / 100.0
        ));
    }
    std::fs::write(&e, text).unwrap();
    c.query("CREATE NODE TABLE N(id INT64 PRIMARY KEY)")
        .unwrap();
    c.query("CREATE REL TABLE E(FROM N TO N, since INT64, w DOUBLE)")
        .unwrap();
    c.query(&format!("COPY N FROM '{}'", n.display())).unwrap();
    let before = db.pager().pages_written();
    c.query(&format!("COPY E FROM '{}'", e.display())).unwrap();
    let copy = db.pager().pages_written() - before;
    let count = |c: &ruzu::Connection| -> Value {
        c.query("MATCH (a:N)-[e:E]->(b:N) RETURN count(*), sum(e.since)")
            .unwrap()
            .next()
            .unwrap()
            .unwrap()[0]
            .clone()
    };
    assert_eq!(count(&c), Value::Int64(40_000));
    // One rel, then a checkpoint.
    c.query(
        "MATCH (a:N {id: 17}), (b:N {id: 3001}) CREATE (a)-[:E {since: 1000000, w: 0.25}]->(b)",
    )
    .unwrap();
    let before = db.pager().pages_written();
    c.query("CHECKPOINT").unwrap();
    let one = db.pager().pages_written() - before;
    assert_eq!(count(&c), Value::Int64(40_001));
    // Ten rels of ten nodes, a delete and an update, then a checkpoint.
    for i in 0..10 {
        c.query(&format!(
            "MATCH (a:N {{id: {}}}), (b:N {{id: {}}}) CREATE (a)-[:E {{since: 3000, w: 0.5}}]->(b)",
            i * 397,
            3999 - i * 211
        ))
        .unwrap();
    }
    c.query("MATCH (a:N {id: 100})-[e:E]->() WITH e LIMIT 1 DELETE e")
        .unwrap();
    c.query("MATCH (a:N {id: 2000})-[e:E]->() SET e.w = 9.5")
        .unwrap();
    let before = db.pager().pages_written();
    c.query("CHECKPOINT").unwrap();
    let some = db.pager().pages_written() - before;
    eprintln!(
        "pages written: COPY of the rels {copy}, checkpoint of 1 rel {one}, of ~13 changes {some}"
    );
    // One rel: a part per direction (a few pages each) and the metadata, not the table;
    // ~13 changes spread over the nodes: their ~20 parts of the ~80.
    assert!(one * 10 < copy, "1 rel: {one} pages of {copy}");
    assert!(some * 2 < copy, "13 changes: {some} pages of {copy}");
    drop(c);
    drop(db);
    let rep = ruzu::inspect::check(&path).unwrap();
    assert_eq!(rep.pages, 1 + rep.referenced + rep.free, "{rep:?}");
}

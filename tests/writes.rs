//! Cypher write clauses beyond what Kuzu 0.11.3 parses: `REMOVE n.p` (sets NULL) and
//! `SET n += {...}` (sets the listed properties, like `SET n = {...}` in Kuzu's dialect).

use ruzu::{Database, Value};

fn rows(c: &ruzu::Connection, q: &str) -> Vec<Vec<Value>> {
    c.query(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .map(|r| r.unwrap_or_else(|e| panic!("{q}: {e}")))
        .collect()
}

#[test]
fn remove_and_set_map() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("db.ruzu")).unwrap();
    let c = db.connect();
    c.query("CREATE NODE TABLE N(id INT64 PRIMARY KEY, s STRING, v INT64)")
        .unwrap();
    c.query("CREATE REL TABLE E(FROM N TO N, w INT64)").unwrap();
    c.query("CREATE (:N {id: 1, s: 'a', v: 2})-[:E {w: 3}]->(:N {id: 2, s: 'b', v: 4})")
        .unwrap();
    let s = |x: &str| Value::String(x.into());
    assert_eq!(
        rows(&c, "MATCH (n:N {id: 1}) REMOVE n.s RETURN n.id, n.s, n.v"),
        vec![vec![Value::Int64(1), Value::Null, Value::Int64(2)]]
    );
    assert_eq!(
        rows(
            &c,
            "MATCH (n:N) SET n += {v: 5, s: 'z'} RETURN n.id, n.s, n.v ORDER BY n.id"
        ),
        vec![
            vec![Value::Int64(1), s("z"), Value::Int64(5)],
            vec![Value::Int64(2), s("z"), Value::Int64(5)]
        ]
    );
    c.query("MATCH ()-[e:E]->() REMOVE e.w").unwrap();
    c.query("MATCH (n:N {id: 2}) REMOVE n.s, n.v").unwrap();
    assert_eq!(
        rows(&c, "MATCH (a:N)-[e:E]->(b:N) RETURN a.s, e.w, b.s, b.v"),
        vec![vec![s("z"), Value::Null, Value::Null, Value::Null]]
    );
    // Removing the primary key is refused as setting it is.
    assert!(c.query("MATCH (n:N) REMOVE n.id").is_err());
}

/// `storage_info` describes what the transaction sees, before and after a checkpoint.
#[test]
fn storage_info_min_max() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("db.ruzu")).unwrap();
    let c = db.connect();
    c.query("CREATE NODE TABLE N(id INT64 PRIMARY KEY)")
        .unwrap();
    c.query("CREATE REL TABLE R(FROM N TO N, value DOUBLE)")
        .unwrap();
    c.query("UNWIND range(1, 3) AS i CREATE (:N {id: i})")
        .unwrap();
    c.query("MATCH (a:N), (b:N) WHERE b.id = a.id CREATE (a)-[:R {value: a.id * 1.5}]->(b)")
        .unwrap();
    let q = "CALL storage_info('R') WHERE column_name = 'fwd_value' RETURN min, max, num_values, residency";
    let s = |x: &str| Value::String(x.into());
    assert_eq!(
        rows(&c, q),
        vec![vec![
            s("1.500000"),
            s("4.500000"),
            Value::Int64(3),
            s("IN_MEMORY")
        ]]
    );
    c.query("MATCH ()-[r:R]->() WHERE r.value > 4 SET r.value = 9.25")
        .unwrap();
    c.query("CHECKPOINT").unwrap();
    assert_eq!(
        rows(&c, q),
        vec![vec![
            s("1.500000"),
            s("9.250000"),
            Value::Int64(3),
            s("ON_DISK")
        ]]
    );
    let n = "CALL storage_info('N') RETURN column_name, min, max, num_values";
    assert_eq!(
        rows(&c, n),
        vec![vec![s("id"), s("1"), s("3"), Value::Int64(3)]]
    );
    assert!(c.query("CALL storage_info('nope') RETURN *").is_err());
}

//! End-to-end read queries on `fixtures/social`: every clause and operator with exact rows
//! (rendered as Kuzu renders values, `|`-separated), error messages, and the factorized
//! count shortcuts checked against plain enumeration on a generated graph.

mod common;

use ruzu::{Connection, Database};

fn setup() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("db.ruzu");
    common::load_fixtures(&p, 2);
    let db = Database::open(&p).unwrap();
    (dir, db)
}

fn rows(conn: &Connection, q: &str) -> Vec<String> {
    let r = conn.query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    r.map(|row| {
        row.unwrap()
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("|")
    })
    .collect()
}

fn err(conn: &Connection, q: &str) -> String {
    match conn.query(q) {
        Ok(_) => panic!("{q}: expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn smoke() {
    let (_d, db) = setup();
    let c = db.connect();
    for q in [
        "MATCH (p:Person) RETURN count(*)",
        "MATCH (p:Person) RETURN p.id, p.name ORDER BY p.id",
        "MATCH (a:Person)-[k:knows]->(b:Person) RETURN a.id, b.id, k.since ORDER BY a.id, b.id",
        "MATCH (a:Person {id: 1})-[:knows]->(b) RETURN count(*)",
        "MATCH (a:Person)-[:knows]->(b:Person)-[:knows]->(c:Person) RETURN count(*)",
        "MATCH (a:Person)-[:knows]->(b) RETURN a.id, count(*) AS d ORDER BY d DESC, a.id LIMIT 3",
        "MATCH (p:Person)-[:livesIn]->(c:City) RETURN c.name, count(*) AS n ORDER BY n DESC, c.name",
        "MATCH (p:Person) WHERE p.age > 30 RETURN p.name ORDER BY p.name",
        "MATCH (p:Person) RETURN p ORDER BY p.id LIMIT 2",
        "MATCH (a:Person)-[k:knows]->(b:Person) RETURN k LIMIT 1",
        "RETURN 1+1",
        "EXPLAIN MATCH (a:Person)-[:knows]->(b:Person)-[:knows]->(c:Person) RETURN count(*)",
    ] {
        println!("{q}\n{:?}", rows(&c, q));
    }
}

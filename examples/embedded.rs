//! Embedding ruzu: create a database, define tables, bulk-copy CSV files, query with
//! parameters.
//!
//! `cargo run --example embedded`

use ruzu::{Config, Database, Params, Value};

fn main() -> ruzu::Result<()> {
    let dir = std::env::temp_dir().join(format!("ruzu-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| ruzu::Error::io("create dir", e))?;
    let path = dir.join("example.ruzu");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/social");

    let db = Database::open_with(
        &path,
        Config {
            buffer_pool_size: 64 << 20,
            ..Config::default()
        },
    )?;
    let conn = db.connect();
    // DDL and COPY, one statement each (query_script runs several in order).
    let schema = std::fs::read_to_string(fixtures.join("schema.cypher"))
        .map_err(|e| ruzu::Error::io("read schema", e))?;
    for result in conn.query_script(&schema) {
        result?;
    }
    for table in ["Person", "City", "knows", "livesIn"] {
        let csv = fixtures.join(format!("{table}.csv"));
        let mut r = conn.query(&format!(
            "COPY {table} FROM \"{}\" (HEADER=true)",
            csv.display()
        ))?;
        if let Some(row) = r.next() {
            println!("{}", row?[0]);
        }
    }

    // A query: column names, types, then rows of values.
    let result = conn.query(
        "MATCH (a:Person)-[k:knows]->(b:Person) WHERE k.since >= 2010 \
         RETURN a.name, b.name, k.since ORDER BY k.since",
    )?;
    println!("{:?} {:?}", result.column_names(), result.column_types());
    for row in result {
        let row = row?;
        let text: Vec<String> = row.iter().map(|v| v.to_string()).collect();
        println!("{}", text.join(" | "));
    }

    // A prepared statement run with parameters.
    let stmt = conn.prepare("MATCH (p:Person {id: $id}) RETURN p.name, p.age")?;
    for id in [1i64, 5] {
        let mut params = Params::new();
        params.insert("id".into(), Value::Int64(id));
        for row in conn.execute(&stmt, &params)? {
            println!("person {id}: {:?}", row?);
        }
    }
    drop(conn);
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

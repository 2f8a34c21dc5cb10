//! Helpers shared by the integration tests: loading the fixtures, reading tables back through
//! the storage API.
#![allow(dead_code)]

use ruzu::loader::csv::CsvOptions;
use ruzu::loader::load::{run_load, LoadReport, LoadRequest, TableFiles};
use ruzu::loader::pipeline::CopySource;
use ruzu::storage::table::NODE_GROUP_SIZE;
use ruzu::types::vector::Column;
use ruzu::{Database, Value};
use std::path::{Path, PathBuf};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/social")
}

pub fn files(table: &str, paths: &[PathBuf]) -> TableFiles {
    TableFiles {
        table: table.into(),
        files: paths
            .iter()
            .map(|p| CopySource {
                path: p.clone(),
                display: p.display().to_string(),
            })
            .collect(),
    }
}

pub fn ruzu_load_csv() -> CsvOptions {
    CsvOptions {
        header: Some(true),
        delimiter: Some(b','),
        quote: Some(b'"'),
        escape: Some(b'"'),
        auto_detect: false,
        ..CsvOptions::default()
    }
}

/// Loads `fixtures/social` into `out`.
pub fn load_fixtures(out: &Path, threads: usize) -> LoadReport {
    let dir = fixtures();
    let schema = std::fs::read_to_string(dir.join("schema.cypher")).unwrap();
    let catalog = ruzu::loader::schema::catalog_from_schema(&schema, "schema.cypher").unwrap();
    run_load(&LoadRequest {
        catalog,
        nodes: vec![
            files("Person", &[dir.join("Person.csv")]),
            files("City", &[dir.join("City.csv")]),
        ],
        rels: vec![
            files("knows", &[dir.join("knows.csv")]),
            files("livesIn", &[dir.join("livesIn.csv")]),
        ],
        output: out.to_path_buf(),
        force: false,
        threads,
        memory_limit: 16 << 20,
        db_id: Some([7; 16]),
        csv: ruzu_load_csv(),
        ..Default::default()
    })
    .unwrap()
}

/// Every row of a node table, properties in catalog order, read through the buffer pool.
pub fn node_rows(db: &Database, table: &str) -> Vec<Vec<Value>> {
    let snap = db.snapshot();
    let entry = snap.catalog.table(table).unwrap();
    let data = snap.meta.node(entry.id).unwrap();
    let mut cols = Vec::new();
    for (i, p) in entry.properties.iter().enumerate() {
        let mut c = Column::new(p.ty.clone());
        let mut start = 0;
        while start < data.num_rows {
            let n = (data.num_rows - start).min(NODE_GROUP_SIZE) as usize;
            data.scan(db.pager().pool(), i, start, n, &mut c).unwrap();
            start += n as u64;
        }
        cols.push(c);
    }
    (0..data.num_rows as usize)
        .map(|r| cols.iter().map(|c| c.get(r)).collect())
        .collect()
}

/// Every rel of a (single-pair) rel table from one direction as
/// (bound offset, other offset, rel id, properties...), in CSR order.
pub fn rel_rows(db: &Database, table: &str, forward: bool) -> Vec<(u64, u64, u64, Vec<Value>)> {
    let snap = db.snapshot();
    let entry = snap.catalog.table(table).unwrap();
    let data = snap.meta.rel(entry.id).unwrap();
    let pool = db.pager().pool();
    let mut out = Vec::new();
    for pair in &data.pairs {
        let groups = if forward { &pair.fwd } else { &pair.bwd };
        for (g, grp) in groups.iter().enumerate() {
            let offs = grp.offsets(pool, 0, grp.num_nodes as usize).unwrap();
            let mut nb = Vec::new();
            grp.neighbors(pool, 0, grp.num_edges(), &mut nb).unwrap();
            let mut ids = Vec::new();
            grp.rel_ids(pool, 0, grp.num_edges(), &mut ids).unwrap();
            let mut props = Vec::new();
            for (i, p) in entry.properties.iter().enumerate() {
                let mut c = Column::new(p.ty.clone());
                ruzu::storage::column::scan(
                    pool,
                    &grp.properties[i],
                    0,
                    grp.num_edges() as usize,
                    &mut c,
                )
                .unwrap();
                props.push(c);
            }
            for n in 0..grp.num_nodes as usize {
                for r in offs[n]..offs[n + 1] {
                    let r = r as usize;
                    out.push((
                        g as u64 * NODE_GROUP_SIZE + n as u64,
                        nb[r],
                        ids[r],
                        props.iter().map(|c| c.get(r)).collect(),
                    ));
                }
            }
        }
    }
    out
}

/// The rows of `q`, each as its values' text joined by `|` (as Kuzu's test files show them).
pub fn rows(conn: &ruzu::Connection, q: &str) -> Vec<String> {
    let r = conn.query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    r.map(|row| {
        row.unwrap_or_else(|e| panic!("{q}: {e}"))
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("|")
    })
    .collect()
}

/// The error of `q`, whether it fails at once or while its rows are read.
pub fn err(conn: &ruzu::Connection, q: &str) -> String {
    match conn.query(q) {
        Ok(r) => match r.collect::<Result<Vec<_>, _>>() {
            Ok(_) => panic!("{q}: expected an error"),
            Err(e) => e.to_string(),
        },
        Err(e) => e.to_string(),
    }
}

//! Bounded memory: a load whose rels do not fit its memory limit spills sorted runs to a
//! temporary file beside the output and writes the same bytes as a load that kept them in
//! memory; the temporary file is gone after success and after failure.

mod common;

use common::*;
use ruzu::loader::load::{run_load, LoadRequest};
use std::path::{Path, PathBuf};

const SCHEMA: &str = "CREATE NODE TABLE N(id INT64, name STRING, PRIMARY KEY(id));
     CREATE REL TABLE R(FROM N TO N, w INT64, s STRING, d DOUBLE);
     CREATE REL TABLE M(FROM N TO N, MANY_ONE);";

/// Nodes, rels with NULLs and strings, and a MANY_ONE rel table (`bad_many_one`: with a
/// second neighbour for one node on the last line).
fn write_inputs(dir: &Path, nodes: u64, rels: u64, bad_many_one: bool) -> [PathBuf; 3] {
    let n = dir.join("N.csv");
    let mut t = String::from("id,name\n");
    for i in 0..nodes {
        t.push_str(&format!("{},n{}\n", i * 37 % 100_003, i));
    }
    std::fs::write(&n, t).unwrap();
    let key = |i: u64| (i % nodes) * 37 % 100_003;
    let r = dir.join("R.csv");
    let mut t = String::from("a,b,w,s,d\n");
    for i in 0..rels {
        let w = if i % 7 == 0 {
            String::new()
        } else {
            i.to_string()
        };
        let s = if i % 5 == 0 {
            String::new()
        } else {
            format!("s{}", i * 13 % 97)
        };
        t.push_str(&format!(
            "{},{},{w},{s},{}\n",
            key(i * 7919 % nodes),
            key(i),
            i as f64 / 4.0
        ));
    }
    std::fs::write(&r, t).unwrap();
    let m = dir.join("M.csv");
    let mut t = String::from("a,b\n");
    for i in 0..nodes {
        t.push_str(&format!("{},{}\n", key(i), key(i * 3)));
    }
    if bad_many_one {
        t.push_str(&format!("{},{}\n", key(nodes / 2), key(1)));
    }
    std::fs::write(&m, t).unwrap();
    [n, r, m]
}

fn load(dir: &Path, out: &Path, inputs: &[PathBuf; 3], limit: u64) -> ruzu::Result<()> {
    let catalog = ruzu::loader::schema::catalog_from_schema(SCHEMA, "inline").unwrap();
    run_load(&LoadRequest {
        catalog,
        nodes: vec![files("N", &[inputs[0].clone()])],
        rels: vec![
            files("R", &[inputs[1].clone()]),
            files("M", &[inputs[2].clone()]),
        ],
        output: out.to_path_buf(),
        force: true,
        threads: 2,
        memory_limit: limit,
        db_id: Some([9; 16]),
        csv: ruzu_load_csv(),
        ..Default::default()
    })
    .map(|_| ())?;
    // Nothing but the inputs and the output in the directory.
    assert_eq!(leftovers(dir), Vec::<String>::new());
    Ok(())
}

/// Files in `dir` other than CSV inputs and finished databases.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".csv") && !n.ends_with(".ruzu"))
        .collect();
    v.sort();
    v
}

#[test]
fn spilled_load_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write_inputs(dir.path(), 3000, 40_000, false);
    let big = dir.path().join("big.ruzu");
    let tiny = dir.path().join("tiny.ruzu");
    load(dir.path(), &big, &inputs, 1 << 30).unwrap();
    // 256 KiB: the rels (about 2 MB in memory) go to the spill file in many runs.
    load(dir.path(), &tiny, &inputs, 256 << 10).unwrap();
    assert_eq!(std::fs::read(&big).unwrap(), std::fs::read(&tiny).unwrap());
    let report = ruzu::inspect::check(&tiny).unwrap();
    assert_eq!(report.tables, 3);
}

#[test]
fn spill_file_is_removed_after_a_failed_load() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write_inputs(dir.path(), 2000, 20_000, true);
    let out = dir.path().join("out.ruzu");
    let unlimited = load(dir.path(), &out, &inputs, 1 << 30).unwrap_err();
    // The multiplicity error, found while building CSR groups from spilled runs, names the
    // same line as the in-memory build's.
    let spilled = load(dir.path(), &out, &inputs, 256 << 10).unwrap_err();
    assert_eq!(spilled.to_string(), unlimited.to_string());
    assert!(
        spilled
            .to_string()
            .contains("violates the rel multiplicity constraint"),
        "{spilled}"
    );
    assert!(!out.exists());
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
    // A missing endpoint on the last line of a rel file: the copy fails after spilling.
    let mut text = std::fs::read_to_string(&inputs[1]).unwrap();
    text.push_str("999999999,0,1,x,0.5\n");
    std::fs::write(&inputs[1], text).unwrap();
    let e = load(dir.path(), &out, &inputs, 256 << 10).unwrap_err();
    assert!(
        e.to_string()
            .contains("Unable to find primary key value 999999999"),
        "{e}"
    );
    assert!(!out.exists());
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

//! `ruzu-load` as a CI step sees it: the usage line, exit codes, `file:line:column: reason`
//! errors, and no output file after a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ruzu_load(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ruzu-load"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A directory holding the fixtures' files, where a test may replace one.
fn workdir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for f in [
        "schema.cypher",
        "Person.csv",
        "City.csv",
        "knows.csv",
        "livesIn.csv",
    ] {
        std::fs::copy(common::fixtures().join(f), d.path().join(f)).unwrap();
    }
    d
}

const USAGE: &[&str] = &[
    "--schema",
    "schema.cypher",
    "--nodes",
    "Person.csv",
    "City.csv",
    "--rels",
    "knows.csv",
    "livesIn.csv",
    "out.ruzu",
];

#[test]
fn the_usage_line_loads_and_info_reports() {
    let d = workdir();
    let o = ruzu_load(d.path(), USAGE);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(
        summary.contains("loaded out.ruzu: 4 tables, 28 rows"),
        "{summary}"
    );
    let info = Command::new(env!("CARGO_BIN_EXE_ruzu"))
        .args(["info", "out.ruzu"])
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(info.status.success());
    let text = String::from_utf8_lossy(&info.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ruzu format 6");
    assert!(
        lines.iter().any(|l| l.starts_with("Person node 8 rows ")),
        "{text}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("knows rel 10 rows ")),
        "{text}"
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("livesIn rel 6 rows ") && l.contains("MANY_ONE")));
    let check = Command::new(env!("CARGO_BIN_EXE_ruzu"))
        .args(["check", "out.ruzu"])
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // An existing output is refused (usage, exit 2) unless --force.
    let o = ruzu_load(d.path(), USAGE);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    let mut forced = USAGE.to_vec();
    forced.insert(0, "--force");
    assert!(ruzu_load(d.path(), &forced).status.success());
    // -o works too, and TABLE=FILE,FILE specs.
    let o = ruzu_load(
        d.path(),
        &[
            "--schema",
            "schema.cypher",
            "--nodes",
            "Person=Person.csv",
            "City=City.csv",
            "--rels",
            "knows=knows.csv,knows.csv",
            "-o",
            "two.ruzu",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("20 rows"));
}

#[test]
fn usage_errors_exit_2() {
    let d = workdir();
    let o = ruzu_load(
        d.path(),
        &[
            "--schema",
            "schema.cypher",
            "--nodes",
            "Nobody=Person.csv",
            "out.ruzu",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("unknown table 'Nobody'") && e.contains("Person, City, knows, livesIn"),
        "{e}"
    );
    assert!(!d.path().join("out.ruzu").exists());
    let o = ruzu_load(d.path(), &["--nodes", "Person.csv", "out.ruzu"]);
    assert_eq!(o.status.code(), Some(2));
    let o = ruzu_load(
        d.path(),
        &["--schema", "schema.cypher", "--nodes", "Person.csv"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// Replaces `file` in a fresh copy of the fixtures, loads, and returns (exit code, stderr).
fn load_with(file: &str, content: &[u8]) -> (Option<i32>, String, PathBuf, tempfile::TempDir) {
    let d = workdir();
    std::fs::write(d.path().join(file), content).unwrap();
    let o = ruzu_load(d.path(), USAGE);
    let out = d.path().join("out.ruzu");
    (o.status.code(), stderr(&o), out, d)
}

#[test]
fn bad_data_gives_its_position_exit_1_and_no_file() {
    let person = std::fs::read_to_string(common::fixtures().join("Person.csv")).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "Person.csv",
            format!("{person}3,Dup,1,1.0,1.0,true,1,1,1,2000-01-01,\n").into_bytes(),
            // The record starts on line 11: the header, 8 records, one of them spanning 2 lines.
            "Person.csv:11:1 (id): Found duplicated primary key value 3, which violates the uniqueness constraint of the primary key column.",
        ),
        (
            "knows.csv",
            b"from,to,since,weight\n1,2,2000,1.0\n1,99,2001,1.0\n".to_vec(),
            "knows.csv:3:2 (to): Unable to find primary key value 99.",
        ),
        (
            "livesIn.csv",
            b"from,to,since\n1,Springfield,\n2,Springfield,\n1,Nowhere,\n".to_vec(),
            "livesIn.csv:4:1: Node(nodeOffset: 0) has more than one neighbour in table livesIn in the fwd direction, which violates the rel multiplicity constraint.",
        ),
        (
            "City.csv",
            "name,population\nA,1\nB\n".as_bytes().to_vec(),
            "City.csv:3",
        ),
        (
            "City.csv",
            "name,population\nA,1\nB,lots\n".as_bytes().to_vec(),
            "City.csv:3:2 (population): Conversion exception: Cast failed. Could not convert \"lots\" to INT32.",
        ),
        (
            "City.csv",
            b"name,population\nA,1\nB\xff\xfe,2\n".to_vec(),
            "City.csv:3:1 (name): Invalid UTF8-encoded string.",
        ),
    ];
    for (file, content, expect) in cases {
        let (code, err, out, _d) = load_with(file, &content);
        assert_eq!(code, Some(1), "{file}: {err}");
        assert!(
            err.starts_with(expect),
            "{file}: expected `{expect}`, got `{err}`"
        );
        assert!(!out.exists(), "{file}: output left behind");
        assert!(
            !out.with_extension("ruzu.tmp").exists(),
            "{file}: temp file left behind"
        );
    }
}

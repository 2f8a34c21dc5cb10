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
        assert_eq!(
            leftovers(out.parent().unwrap()),
            Vec::<String>::new(),
            "{file}"
        );
    }
}

/// Files named like a temporary of `out.ruzu` (`out.ruzu.tmp.*`, a WAL, a reader table).
fn leftovers(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp."))
        .collect();
    v.sort();
    v
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn query(db: &Path, q: &str) -> Vec<String> {
    let db = ruzu::Database::open(db).unwrap();
    let conn = db.connect();
    conn.query(q)
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

/// The fixtures with one bad row of every kind: a conversion error and a duplicate key in
/// Person.csv, a short row in City.csv, a rel to a missing node and one to the node whose
/// row was skipped in knows.csv.
fn bad_workdir() -> tempfile::TempDir {
    let d = workdir();
    let person = std::fs::read_to_string(d.path().join("Person.csv")).unwrap();
    std::fs::write(
        d.path().join("Person.csv"),
        format!(
            "{person}9,Hal,old,1.0,1.0,true,1,1,1,2000-01-01,\n3,Dup,1,1.0,1.0,true,1,1,1,2000-01-01,\n10,Ida,1,1.0,1.0,true,1,1,1,2000-01-01,\n"
        ),
    )
    .unwrap();
    let city = std::fs::read_to_string(d.path().join("City.csv")).unwrap();
    std::fs::write(d.path().join("City.csv"), format!("{city}Shortville\n")).unwrap();
    let knows = std::fs::read_to_string(d.path().join("knows.csv")).unwrap();
    std::fs::write(
        d.path().join("knows.csv"),
        format!("{knows}1,99,2000,1.0\n9,1,2000,1.0\n10,1,2000,1.0\n"),
    )
    .unwrap();
    d
}

const BAD_ROWS_CSV: &str = "file,line,column,reason,record
Person.csv,11,3,\"Conversion exception: Cast failed. Could not convert \"\"old\"\" to INT16.\",\"9,Hal,old,1.0,1.0,true,1,1,1,2000-01-01,\"
Person.csv,12,1,\"Found duplicated primary key value 3, which violates the uniqueness constraint of the primary key column.\",\"3,Dup,1,1.0,1.0,true,1,1,1,2000-01-01,\"
City.csv,6,,\"expected 2 values per row, but got 1.\",Shortville
knows.csv,12,2,Unable to find primary key value 99.,\"1,99,2000,1.0\"
knows.csv,13,1,Unable to find primary key value 9.,\"9,1,2000,1.0\"
";

#[test]
fn max_errors_skips_bad_rows_of_every_kind_and_writes_them() {
    let d = bad_workdir();
    let mut args = vec!["--max-errors", "5", "--bad-rows", "bad.csv"];
    args.extend_from_slice(USAGE);
    let o = ruzu_load(d.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("skipped 5 bad rows (written to bad.csv)"),
        "{}",
        stderr(&o)
    );
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.contains("5 bad rows skipped"), "{summary}");
    let bad = std::fs::read_to_string(d.path().join("bad.csv")).unwrap();
    for (got, want) in bad.lines().zip(BAD_ROWS_CSV.lines()) {
        assert_eq!(got, want);
    }
    assert_eq!(bad.lines().count(), BAD_ROWS_CSV.lines().count(), "{bad}");
    let out = d.path().join("out.ruzu");
    assert_eq!(
        query(&out, "MATCH (p:Person) RETURN count(*)"),
        ["9"],
        "Ida is loaded, Hal and the duplicate are not"
    );
    assert_eq!(
        query(&out, "MATCH ()-[k:knows]->() RETURN count(*)"),
        ["11"]
    );
    assert_eq!(query(&out, "MATCH (c:City) RETURN count(*)"), ["4"]);

    // One bad row more than allowed: exit 1, no database, the rows skipped so far written.
    std::fs::remove_file(&out).unwrap();
    let mut args = vec!["--max-errors", "4", "--bad-rows", "bad4.csv"];
    args.extend_from_slice(USAGE);
    let o = ruzu_load(d.path(), &args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(
            "knows.csv:13:1 (from): Unable to find primary key value 9. [bad row 5: more than --max-errors 4]\n  record: 9,1,2000,1.0\n"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    assert_eq!(leftovers(d.path()), Vec::<String>::new());
    let bad4 = std::fs::read_to_string(d.path().join("bad4.csv")).unwrap();
    assert_eq!(bad4.lines().count(), 5, "{bad4}");

    // Without --max-errors the first bad row stops the load, with its record.
    let o = ruzu_load(d.path(), USAGE);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "Person.csv:11:3 (age): Conversion exception: Cast failed. Could not convert \"old\" to INT16.\n  record: 9,Hal,old,1.0,1.0,true,1,1,1,2000-01-01,\n"
    );
    assert!(!out.exists());
}

#[test]
fn check_validates_and_writes_nothing() {
    let d = workdir();
    let before = listing(d.path());
    let mut args = vec!["--check"];
    args.extend_from_slice(USAGE);
    let o = ruzu_load(d.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("checked: 4 tables, 28 rows"));
    assert_eq!(listing(d.path()), before);
    // No output name needed.
    let o = ruzu_load(
        d.path(),
        &[
            "--check",
            "--schema",
            "schema.cypher",
            "--nodes",
            "Person.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(listing(d.path()), before);

    let d = bad_workdir();
    let before = listing(d.path());
    let o = ruzu_load(d.path(), &args);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("Person.csv:11:3 (age)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(listing(d.path()), before);
    let mut args = vec!["--check", "--max-errors", "5", "--json"];
    args.extend_from_slice(USAGE);
    let o = ruzu_load(d.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["mode"], "check");
    assert_eq!(v["skipped_rows"], 5);
    assert_eq!(listing(d.path()), before);
}

#[test]
fn summary_json_parses_and_counts_match() {
    let d = bad_workdir();
    let mut args = vec!["--json", "--max-errors", "5"];
    args.extend_from_slice(USAGE);
    let o = ruzu_load(d.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let tables = v["tables"].as_array().unwrap();
    let rows = |name: &str| {
        tables
            .iter()
            .find(|t| t["table"] == name)
            .map(|t| {
                (
                    t["rows"].as_u64().unwrap(),
                    t["skipped_rows"].as_u64().unwrap(),
                )
            })
            .unwrap()
    };
    assert_eq!(rows("Person"), (9, 2));
    assert_eq!(rows("City"), (4, 1));
    assert_eq!(rows("knows"), (11, 2));
    assert_eq!(rows("livesIn"), (6, 0));
    assert_eq!(v["rows"], 30);
    assert_eq!(v["skipped_rows"], 5);
    let size = std::fs::metadata(d.path().join("out.ruzu")).unwrap().len();
    assert_eq!(v["file_size"].as_u64(), Some(size));
    let read: u64 = ["Person.csv", "City.csv", "knows.csv", "livesIn.csv"]
        .iter()
        .map(|f| std::fs::metadata(d.path().join(f)).unwrap().len())
        .sum();
    assert_eq!(v["bytes_read"].as_u64(), Some(read));
    assert!(v["peak_memory"].as_u64().unwrap() > 0);
    for phase in ["parse", "convert", "index", "sort", "write"] {
        assert!(v["phases"].get(phase).is_some(), "phase {phase}: {v}");
    }
}

#[test]
fn force_refuses_a_database_another_process_has_open() {
    let d = workdir();
    assert!(ruzu_load(d.path(), USAGE).status.success());
    let out = d.path().join("out.ruzu");
    let bytes = std::fs::read(&out).unwrap();
    let db = ruzu::Database::open(&out).unwrap();
    let mut forced = vec!["--force"];
    forced.extend_from_slice(USAGE);
    let o = ruzu_load(d.path(), &forced);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("out.ruzu is open in another process"),
        "{}",
        stderr(&o)
    );
    // Appending is refused the same way.
    let o = ruzu_load(
        d.path(),
        &[
            "--schema",
            "schema.cypher",
            "--nodes",
            "City.csv",
            "--append",
            "out.ruzu",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is open in another process"),
        "{}",
        stderr(&o)
    );
    drop(db);
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    assert!(leftovers(d.path()).iter().all(|n| !n.contains(".tmp.")));
    let o = ruzu_load(d.path(), &forced);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn append_adds_tables_and_rows_all_or_nothing() {
    let d = workdir();
    let o = ruzu_load(
        d.path(),
        &[
            "--schema",
            "schema.cypher",
            "--nodes",
            "Person.csv",
            "out.ruzu",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = d.path().join("out.ruzu");
    std::fs::write(
        d.path().join("more.csv"),
        "id,name,age,height,score,verified,visits,tiny,big,birthday,joined\n20,Zed,1,1.0,1.0,true,1,1,1,2000-01-01,\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("bad_knows.csv"),
        "from,to,since,weight\n20,1,1,1.0\n1,77,1,1.0\n",
    )
    .unwrap();
    let before = std::fs::read(&out).unwrap();
    // The last file fails: nothing of the append stays.
    let o = ruzu_load(
        d.path(),
        &[
            "--schema",
            "schema.cypher",
            "--nodes",
            "Person=more.csv",
            "City.csv",
            "--rels",
            "knows=knows.csv,bad_knows.csv",
            "--append",
            "out.ruzu",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("bad_knows.csv:3:2 (to): Unable to find primary key value 77."),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        before,
        "a failed append changed the file"
    );
    assert_eq!(leftovers(d.path()), Vec::<String>::new());

    let o = ruzu_load(
        d.path(),
        &[
            "--schema",
            "schema.cypher",
            "--nodes",
            "Person=more.csv",
            "City.csv",
            "--rels",
            "knows.csv",
            "livesIn.csv",
            "--append",
            "out.ruzu",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("appended to out.ruzu"));
    assert_eq!(query(&out, "MATCH (p:Person) RETURN count(*)"), ["9"]);
    assert_eq!(
        query(&out, "MATCH (p:Person {id: 20}) RETURN p.name"),
        ["Zed"]
    );
    assert_eq!(query(&out, "MATCH ()-[:knows]->() RETURN count(*)"), ["10"]);
    assert_eq!(
        query(
            &out,
            "MATCH (p:Person {id: 1})-[:livesIn]->(c:City) RETURN c.name"
        ),
        ["Springfield"]
    );
    assert_eq!(leftovers(d.path()), Vec::<String>::new());
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

    // A table the database has must match the schema.
    std::fs::write(
        d.path().join("other.cypher"),
        "CREATE NODE TABLE Person(id INT64, name STRING, PRIMARY KEY(id));",
    )
    .unwrap();
    let before = std::fs::read(&out).unwrap();
    let o = ruzu_load(
        d.path(),
        &[
            "--schema",
            "other.cypher",
            "--nodes",
            "Person=more.csv",
            "--append",
            "out.ruzu",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("table Person differs"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&out).unwrap(), before);
}

fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

#[test]
fn dialects_bom_crlf_blank_lines_gzip_globs() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(
        p.join("schema.cypher"),
        "CREATE NODE TABLE P(id INT64, name STRING, PRIMARY KEY(id));
         CREATE REL TABLE R(FROM P TO P, w INT64);",
    )
    .unwrap();
    // A BOM, CRLF line ends, a blank line, ';' detected.
    std::fs::write(
        p.join("p1.csv"),
        "\u{feff}id;name\r\n1;a\r\n\r\n2;\"b;c\"\r\n",
    )
    .unwrap();
    // Two junk lines skipped, '|' detected, single quotes with backslash escapes.
    std::fs::write(p.join("p2.csv"), "junk\nmore junk\nid|name\n3|'x\\'y'\n").unwrap();
    std::fs::write(p.join("p3.csv.gz"), gzip("id\tname\n4\tgz\n")).unwrap();
    std::fs::write(p.join("r.csv"), "from,to,w\n1,2,10\n3,4,20\n").unwrap();
    let run = |args: &[&str]| ruzu_load(p, args);
    let o = run(&[
        "--schema",
        "schema.cypher",
        "--nodes",
        "P=p1.csv",
        "--rels",
        "R=r*.csv",
        "--force",
        "out.ruzu",
    ]);
    // r.csv refers to 3 and 4, not loaded yet.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = run(&[
        "--schema",
        "schema.cypher",
        "--nodes",
        "P=p1.csv,p3.csv.gz",
        "out.ruzu",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[
        "--schema",
        "schema.cypher",
        "--skip",
        "2",
        "--quote",
        "'",
        "--escape",
        "\\",
        "--nodes",
        "P=p2.csv",
        "--append",
        "out.ruzu",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&[
        "--schema",
        "schema.cypher",
        "--rels",
        "R=r?.csv",
        "r.csv",
        "--append",
        "out.ruzu",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a pattern that matches nothing: {}",
        stderr(&o)
    );
    let o = run(&[
        "--schema",
        "schema.cypher",
        "--rels",
        "R=[r].csv",
        "--append",
        "out.ruzu",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = p.join("out.ruzu");
    assert_eq!(
        query(&out, "MATCH (n:P) RETURN n.id, n.name ORDER BY n.id"),
        ["1|a", "2|b;c", "3|x'y", "4|gz"]
    );
    assert_eq!(
        query(
            &out,
            "MATCH (a:P)-[r:R]->(b:P) RETURN a.id, b.id, r.w ORDER BY r.w"
        ),
        ["1|2|10", "3|4|20"]
    );
    // A pattern without TABLE=: each match is a table named by its stem.
    std::fs::create_dir(p.join("nodes")).unwrap();
    std::fs::write(p.join("nodes/P.csv.gz"), gzip("id,name\n7,q\n")).unwrap();
    let o = run(&[
        "--schema",
        "schema.cypher",
        "--nodes",
        "nodes/*.gz",
        "g.ruzu",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(query(&p.join("g.ruzu"), "MATCH (n:P) RETURN n.name"), ["q"]);
}

/// `fixtures/neo4j`: neo4j-admin headers (`:ID(Group)`, `:START_ID`, `:END_ID`, `:LABEL`,
/// `:TYPE`, `:IGNORE`, `name:type`, `tags:string[]`) and a plain header in another order,
/// matched to the schema by name.
#[test]
fn neo4j_admin_headers_load_given_a_schema() {
    let d = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/neo4j");
    for f in [
        "schema.cypher",
        "persons.csv",
        "movies.csv",
        "acted_in.csv",
        "knows.csv",
    ] {
        std::fs::copy(src.join(f), d.path().join(f)).unwrap();
    }
    let args = [
        "--schema",
        "schema.cypher",
        "--nodes",
        "Person=persons.csv",
        "Movie=movies.csv",
        "--rels",
        "ACTED_IN=acted_in.csv",
        "KNOWS=knows.csv",
        "out.ruzu",
    ];
    let o = ruzu_load(d.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = d.path().join("out.ruzu");
    assert_eq!(
        query(
            &out,
            "MATCH (p:Person) RETURN p.id, p.name, p.born, p.tags ORDER BY p.id"
        ),
        [
            "carrie|Carrie-Anne Moss|1967|[scifi]",
            "keanu|Keanu Reeves|1964|[action,scifi]",
            "lana|Lana Wachowski|1965|",
        ]
    );
    assert_eq!(
        query(
            &out,
            "MATCH (m:Movie) RETURN m.id, m.title, m.released ORDER BY m.id"
        ),
        [
            "matrix|The Matrix|1999",
            "reloaded|The Matrix Reloaded|2003"
        ]
    );
    assert_eq!(
        query(
            &out,
            "MATCH (p:Person)-[r:ACTED_IN]->(m:Movie) RETURN p.name, m.title, r.roles ORDER BY p.name, m.title"
        ),
        [
            "Carrie-Anne Moss|The Matrix|[Trinity,Marianne]",
            "Keanu Reeves|The Matrix|[Neo]",
            "Keanu Reeves|The Matrix Reloaded|[Neo]",
        ]
    );
    assert_eq!(
        query(
            &out,
            "MATCH (a:Person)-[k:KNOWS]->(b:Person) RETURN a.id, b.id, k.since ORDER BY k.since"
        ),
        ["keanu|carrie|1999", "keanu|lana|2001"]
    );

    // Another array delimiter.
    std::fs::write(
        d.path().join("persons.csv"),
        ":ID(Person),tags:string[]\nzed,a|b|c\n",
    )
    .unwrap();
    let o = ruzu_load(
        d.path(),
        &[
            "--schema",
            "schema.cypher",
            "--array-delimiter",
            "|",
            "--delimiter",
            ",",
            "--nodes",
            "Person=persons.csv",
            "z.ruzu",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        query(
            &d.path().join("z.ruzu"),
            "MATCH (p:Person) RETURN p.id, p.name, p.tags"
        ),
        ["zed||[a,b,c]"]
    );

    // A header field that names nothing, and a file without the key: clear errors.
    for (text, want) in [
        (
            ":ID(Person),nickname:string\nx,y\n",
            "persons.csv:1: header field 'nickname:string' names no column of the table (its columns: id, name, born, tags).",
        ),
        (
            "name:string,born:int\nx,1\n",
            "persons.csv:1: the header has no field for column id.",
        ),
    ] {
        std::fs::write(d.path().join("persons.csv"), text).unwrap();
        let o = ruzu_load(
            d.path(),
            &["--schema", "schema.cypher", "--nodes", "Person=persons.csv", "e.ruzu"],
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).starts_with(want), "{}", stderr(&o));
        assert!(!d.path().join("e.ruzu").exists());
    }
}

/// stderr is not a terminal here: no progress, nothing but errors; --quiet prints nothing.
#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    let d = workdir();
    let o = ruzu_load(d.path(), USAGE);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
    let mut args = vec!["--quiet", "--force"];
    args.extend_from_slice(USAGE);
    let o = ruzu_load(d.path(), &args);
    assert!(o.status.success());
    assert!(o.stdout.is_empty() && o.stderr.is_empty());
}

/// A load killed with `kill -9` leaves its temporary database (and maybe a spill file)
/// behind; the next load of that output removes those of processes that are gone, and
/// keeps anything else.
#[test]
#[cfg(target_os = "linux")]
fn the_next_load_removes_a_killed_loads_temporary_files() {
    let d = workdir();
    // The pid of a process that has exited.
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let live = std::os::unix::process::parent_id();
    let stale = [
        format!("out.ruzu.tmp.{dead}.00000000deadbeef"),
        format!(".out.ruzu.spill-{dead}-3"),
    ];
    let kept = [
        format!("out.ruzu.tmp.{live}.00000000cafef00d"),
        format!(".out.ruzu.spill-{live}-0"),
        format!("out.ruzu.tmp.{dead}.notes"),
        format!("other.ruzu.tmp.{dead}.00000000deadbeef"),
    ];
    for f in stale.iter().chain(&kept) {
        std::fs::write(d.path().join(f), b"x").unwrap();
    }
    // The WAL name a temporary database's WAL takes.
    let wal = ruzu::transaction::wal_path(&d.path().join(&stale[0]));
    std::fs::write(&wal, b"x").unwrap();
    let o = ruzu_load(d.path(), USAGE);
    assert!(o.status.success(), "{}", stderr(&o));
    let now = listing(d.path());
    for f in &stale {
        assert!(!now.contains(f), "{f} is still there: {now:?}");
    }
    assert!(!wal.exists());
    for f in &kept {
        assert!(now.contains(f), "{f} was removed: {now:?}");
    }
}

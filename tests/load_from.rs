//! LOAD FROM (sniffed and declared columns, options, WHERE, aggregates, lists of files,
//! parameters, Kuzu's errors, IGNORE_ERRORS warnings) and COPY T FROM (subquery).

mod common;

use common::{err, rows};
use ruzu::{Database, Value};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn load_from_sniffs_header_types_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "p.csv",
        "id,name,score\n1,Alice,1.5\n2,Bob,2.25\n3,Carol,\n",
    );
    let db = Database::open(dir.path().join("db")).unwrap();
    let c = db.connect();
    assert_eq!(
        rows(&c, &format!("LOAD FROM \"{f}\" RETURN *")),
        vec!["1|Alice|1.50", "2|Bob|2.25", "3|Carol|"]
    );
    assert_eq!(
        rows(
            &c,
            &format!("LOAD FROM \"{f}\" WHERE id > 1 RETURN name, id * 10")
        ),
        vec!["Bob|20", "Carol|30"]
    );
    assert_eq!(
        rows(&c, &format!("LOAD FROM \"{f}\" RETURN count(*), sum(id)")),
        vec!["3|6"]
    );
    assert_eq!(
        rows(
            &c,
            &format!(
                "LOAD FROM \"{f}\" WITH name WHERE name <> 'Bob' RETURN name ORDER BY name DESC"
            )
        ),
        vec!["Carol", "Alice"]
    );
}

#[test]
fn load_from_options_headers_lists_and_params() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.csv", "1|x\n2|y\n");
    let b = write(dir.path(), "b.csv", "3|z\n");
    let db = Database::open(dir.path().join("db")).unwrap();
    let c = db.connect();
    assert_eq!(
        rows(&c, &format!("LOAD FROM \"{a}\" RETURN column0, column1")),
        vec!["1|x", "2|y"]
    );
    assert_eq!(
        rows(
            &c,
            &format!("LOAD WITH HEADERS (k INT32, v STRING) FROM [\"{a}\", \"{b}\"] (delim='|') RETURN k + 1, v")
        ),
        vec!["2|x", "3|y", "4|z"]
    );
    assert_eq!(
        rows(&c, &format!("LOAD FROM \"{a}\" (skip=1) RETURN *")),
        vec!["2|y"]
    );
    let mut params = ruzu::db::Params::new();
    params.insert("f".into(), Value::String(b.clone()));
    let r = c
        .query_script_with("LOAD FROM $f RETURN column1", &params)
        .remove(0)
        .unwrap()
        .map(|r| r.unwrap()[0].to_string())
        .collect::<Vec<_>>();
    assert_eq!(r, vec!["z"]);
    let pattern = dir.path().join("*.csv").display().to_string();
    assert_eq!(
        rows(&c, &format!("LOAD FROM \"{pattern}\" RETURN count(*)")),
        vec!["3"]
    );
}

#[test]
fn load_from_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "e.csv", "a,b\n1,2\n3\n");
    let db = Database::open(dir.path().join("db")).unwrap();
    let c = db.connect();
    assert_eq!(
        err(&c, &format!("LOAD FROM \"{f}\" (AUTO_DETECT=false) RETURN *")),
        format!("Copy exception: Error in file {f} on line 3: expected 2 values per row, but got 1. Line/record containing the error: '3'")
    );
    assert_eq!(
        err(&c, &format!("LOAD FROM \"{f}\" (skip=2.5) RETURN *")),
        "Binder exception: The type of csv parsing option SKIP must be a INT64."
    );
    assert_eq!(
        err(&c, &format!("LOAD FROM \"{f}\" (foo=1) RETURN *")),
        "Binder exception: Unrecognized csv parsing option: FOO."
    );
    assert_eq!(
        err(
            &c,
            &format!("UNWIND [1] AS a LOAD FROM \"{f}\" (header=true) RETURN *")
        ),
        "Binder exception: Variable a already exists."
    );
    let missing = dir.path().join("nope.csv").display().to_string();
    assert_eq!(
        err(&c, &format!("LOAD FROM \"{missing}\" RETURN *")),
        format!("Binder exception: No file found that matches the pattern: {missing}.")
    );
    assert_eq!(
        rows(
            &c,
            &format!(
                "LOAD FROM \"{f}\" (IGNORE_ERRORS=true, AUTO_DETECT=false, HEADER=true) RETURN *"
            )
        ),
        vec!["1|2"]
    );
}

#[test]
fn load_from_warnings_are_kept_on_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "w.csv", "a,b\n1,2\n3\n4,5\n");
    let db = Database::open(dir.path().join("db")).unwrap();
    let snap = db.snapshot();
    let stmt = ruzu::cypher::parse(&format!(
        "LOAD FROM \"{f}\" (IGNORE_ERRORS=true, HEADER=true) RETURN count(*)"
    ))
    .unwrap();
    let ruzu::cypher::ast::StatementKind::Query(q) = &stmt[0].kind else {
        panic!("not a query")
    };
    let params = ruzu::db::Params::new();
    let (plan, _) = ruzu::planner::query::Planner::new(&snap, &params)
        .plan_query(q)
        .unwrap();
    let ctx = ruzu::exec::ExecContext::default();
    let env = ruzu::query::build::BuildEnv {
        store: db.store(),
        snap: &snap,
        ctx: &ctx,
    };
    let mut op = ruzu::query::build::build(&plan, &env).unwrap();
    let chunk = op.next(&ctx).unwrap().unwrap();
    assert_eq!(chunk.row(0)[0], Value::Int64(2));
    let w = ruzu::query::load_from::plan_warnings(&plan);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].file, f);
    assert_eq!(w[0].line, 3);
    assert_eq!(w[0].reason, "expected 2 values per row, but got 1.");
    assert_eq!(w[0].record.as_deref(), Some("3"));
}

#[test]
fn copy_from_subquery() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "p.csv", "id,name\n1,Alice\n2,Bob\n");
    let db = Database::open(dir.path().join("db")).unwrap();
    let c = db.connect();
    for q in [
        "CREATE NODE TABLE P(id INT64, name STRING, PRIMARY KEY(id))",
        "CREATE NODE TABLE N(id INT32, PRIMARY KEY(id))",
        "CREATE REL TABLE R(FROM P TO P, w STRING)",
    ] {
        rows(&c, q);
    }
    assert_eq!(
        rows(
            &c,
            &format!("COPY P FROM (LOAD FROM \"{f}\" RETURN id, name)")
        ),
        vec!["2 tuples have been copied to the P table."]
    );
    assert_eq!(
        rows(&c, "COPY N FROM (UNWIND range(1, 5000) AS i RETURN i)"),
        vec!["5000 tuples have been copied to the N table."]
    );
    assert_eq!(
        rows(&c, "MATCH (n:N) RETURN count(*), sum(n.id)"),
        vec!["5000|12502500"]
    );
    assert_eq!(
        rows(
            &c,
            "COPY R FROM (MATCH (a:P) RETURN a.id, 3 - a.id, a.name + '!')"
        ),
        vec!["2 tuples have been copied to the R table."]
    );
    assert_eq!(
        rows(
            &c,
            "MATCH (a:P)-[r:R]->(b:P) RETURN a.name, b.name, r.w ORDER BY a.name"
        ),
        vec!["Alice|Bob|Alice!", "Bob|Alice|Bob!"]
    );
    rows(
        &c,
        "CREATE NODE TABLE S(v STRING, id SERIAL, PRIMARY KEY(id))",
    );
    rows(&c, "CREATE REL TABLE SS(FROM S TO S)");
    assert_eq!(
        rows(&c, "COPY S FROM (UNWIND ['a', 'b', 'c'] AS x RETURN x)"),
        vec!["3 tuples have been copied to the S table."]
    );
    assert_eq!(
        rows(&c, "COPY SS FROM (UNWIND [0, 1] AS x RETURN x, x + 1)"),
        vec!["2 tuples have been copied to the SS table."]
    );
    assert_eq!(
        rows(
            &c,
            "MATCH (a:S)-[:SS]->(b:S) RETURN a.id, a.v, b.v ORDER BY a.id"
        ),
        vec!["0|a|b", "1|b|c"]
    );
    assert_eq!(
        err(&c, "COPY N FROM (MATCH (n:N) RETURN n)"),
        "Conversion exception: Unsupported casting function from NODE to INT32."
    );
    assert_eq!(
        err(&c, "COPY N FROM (RETURN 1, 2)"),
        "Binder exception: Query returns 2 columns but 1 columns were expected."
    );
    assert_eq!(
        err(&c, "COPY N FROM (RETURN 1)"),
        "Copy exception: Found duplicated primary key value 1, which violates the uniqueness constraint of the primary key column."
    );
}

#[test]
fn create_table_as_query() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "p.csv",
        "id,name,student\n1,Alice,true\n2,Bob,false\n3,Carol,true\n",
    );
    let dup = write(dir.path(), "d.csv", "id\n1\n1\n");
    let db = Database::open(dir.path().join("db")).unwrap();
    let c = db.connect();
    assert_eq!(
        rows(
            &c,
            &format!("CREATE NODE TABLE P AS LOAD FROM \"{f}\" WHERE student RETURN id, name")
        ),
        vec!["Table P has been created."]
    );
    assert_eq!(
        rows(&c, "MATCH (p:P) RETURN p.id, p.name ORDER BY p.id"),
        vec!["1|Alice", "3|Carol"]
    );
    assert_eq!(
        rows(
            &c,
            &format!("CREATE NODE TABLE IF NOT EXISTS P AS LOAD FROM \"{f}\" RETURN id")
        ),
        vec!["Table P already exists."]
    );
    assert_eq!(
        rows(
            &c,
            "CREATE REL TABLE K (FROM P TO P) AS MATCH (a:P), (b:P) WHERE a.id < b.id RETURN a.id, b.id, a.name + b.name AS label"
        ),
        vec!["Table K has been created."]
    );
    assert_eq!(
        rows(&c, "MATCH (a:P)-[k:K]->(b:P) RETURN a.id, b.id, k.label"),
        vec!["1|3|AliceCarol"]
    );
    assert_eq!(
        err(
            &c,
            &format!("CREATE NODE TABLE D AS LOAD FROM \"{dup}\" RETURN *")
        ),
        "Copy exception: Found duplicated primary key value 1, which violates the uniqueness constraint of the primary key column."
    );
    // The failed copy left no table behind.
    assert_eq!(
        err(&c, "MATCH (d:D) RETURN d.id"),
        "Binder exception: Table D does not exist."
    );
    assert_eq!(
        err(&c, "CREATE NODE TABLE N AS MATCH (a:P) RETURN a"),
        "Binder exception: Invalid primary key column type NODE. Primary keys must be either STRING or a numeric type."
    );
    assert_eq!(
        err(
            &c,
            "CREATE REL TABLE M (FROM P TO P, FROM P TO P) AS MATCH (a:P) RETURN a.id, a.id AS b"
        ),
        "Binder exception: Multiple FROM/TO pairs are not supported for CREATE REL TABLE AS."
    );
}

#[test]
fn copy_from_glob_pattern_and_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("in");
    std::fs::create_dir(&sub).unwrap();
    write(&sub, "a1.csv", "1\n2\n");
    write(&sub, "a2.csv", "3\n");
    write(&sub, "b.csv", "4\n");
    let db = Database::open(dir.path().join("db")).unwrap();
    let c = db.connect();
    rows(&c, "CREATE NODE TABLE N(id INT64, PRIMARY KEY(id))");
    let pat = sub.join("a*.csv").display().to_string();
    assert_eq!(
        rows(&c, &format!("COPY N FROM \"{pat}\"")),
        vec!["3 tuples have been copied to the N table."]
    );
    let mut params = ruzu::db::Params::new();
    params.insert(
        "f".into(),
        Value::String(sub.join("b.csv").display().to_string()),
    );
    let r: Vec<String> = c
        .query_script_with("COPY N FROM $f", &params)
        .remove(0)
        .unwrap()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(r, vec!["1 tuples have been copied to the N table."]);
    assert_eq!(rows(&c, "MATCH (n:N) RETURN sum(n.id)"), vec!["10"]);
    let none = sub.join("z*.csv").display().to_string();
    assert_eq!(
        err(&c, &format!("COPY N FROM \"{none}\"")),
        format!("Binder exception: No file found that matches the pattern: {none}.")
    );
}

#[test]
fn copy_ignore_errors_skips_bad_keys() {
    let dir = tempfile::tempdir().unwrap();
    let nodes = write(dir.path(), "n.csv", "1\n2\n2\n\n3\n");
    let rels = write(dir.path(), "r.csv", "1,2\n,3\n1,9\n3,1\n");
    let db = Database::open(dir.path().join("db")).unwrap();
    let c = db.connect();
    rows(&c, "CREATE NODE TABLE N(id INT64, PRIMARY KEY(id))");
    rows(&c, "CREATE REL TABLE R(FROM N TO N)");
    assert_eq!(
        err(&c, &format!("COPY N FROM \"{nodes}\"")),
        "Copy exception: Found NULL, which violates the non-null constraint of the primary key column."
    );
    assert_eq!(
        rows(&c, &format!("COPY N FROM \"{nodes}\" (IGNORE_ERRORS=true)")),
        vec![
            "3 tuples have been copied to the N table.".to_string(),
            "2 warnings encountered during copy. Use 'CALL show_warnings() RETURN *' to view the actual warnings. Query ID: 3".to_string()
        ]
    );
    assert_eq!(
        rows(
            &c,
            "COPY N FROM (UNWIND [3, 4] AS x RETURN x) (IGNORE_ERRORS=true)"
        ),
        vec![
            "1 tuples have been copied to the N table.".to_string(),
            "1 warnings encountered during copy. Use 'CALL show_warnings() RETURN *' to view the actual warnings. Query ID: 4".to_string()
        ]
    );
    assert_eq!(
        err(&c, &format!("COPY R FROM \"{rels}\"")),
        "Copy exception: Found NULL, which violates the non-null constraint of the primary key column."
    );
    assert_eq!(
        rows(&c, &format!("COPY R FROM \"{rels}\" (IGNORE_ERRORS=true)")),
        vec![
            "2 tuples have been copied to the R table.".to_string(),
            "2 warnings encountered during copy. Use 'CALL show_warnings() RETURN *' to view the actual warnings. Query ID: 6".to_string()
        ]
    );
    assert_eq!(
        rows(
            &c,
            "MATCH (a:N)-[:R]->(b:N) RETURN a.id, b.id ORDER BY a.id"
        ),
        vec!["1|2", "3|1"]
    );
}

/// LOAD FROM with IGNORE_ERRORS: the skipped rows become the connection's warnings once the
/// result has been read, as `CALL show_warnings()` lists them.
#[test]
fn load_from_warnings_reach_show_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "w.csv", "a,b\n1,2\n3\n4,5\nx,6\n");
    let db = Database::open(dir.path().join("db")).unwrap();
    let c = db.connect();
    assert_eq!(
        rows(
            &c,
            &format!("LOAD WITH HEADERS (a INT64, b INT64) FROM \"{f}\" (header=true, ignore_errors=true) RETURN a, b")
        ),
        vec!["1|2", "4|5"]
    );
    let w = rows(
        &c,
        "CALL show_warnings() RETURN message, file_path, line_number, skipped_line_or_record",
    );
    assert_eq!(
        w,
        vec![
            format!("expected 2 values per row, but got 1.|{f}|3|3"),
            format!(
                "Conversion exception: Cast failed. Could not convert \"x\" to INT64.|{f}|5|x..."
            ),
        ]
    );
    rows(&c, "CALL clear_warnings()");
    assert!(rows(&c, "CALL show_warnings() RETURN *").is_empty());
}

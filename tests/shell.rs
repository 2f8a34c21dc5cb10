//! `ruzu DB` as a script runner sees it: `-c` and stdin scripts, stopping at the first
//! failure, csv/json output bytes, usage errors (exit 2) and unopenable databases (exit 1);
//! and as a client driven through a pipe, one statement and its result at a time.

#[path = "common/client.rs"]
mod client;

use client::{Client, Failure};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn ruzu(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ruzu"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn db_path(dir: &Path) -> String {
    dir.join("db.ruzu").to_string_lossy().into_owned()
}

#[test]
fn command_runs_statements_until_the_first_failure() {
    let d = tempfile::tempdir().unwrap();
    let csv = d.path().join("person.csv");
    std::fs::write(&csv, "id,name\n1,Alice\n2,\"Bob, Jr.\"\n3,\n").unwrap();
    let db = db_path(d.path());
    let script = format!(
        "CREATE NODE TABLE Person(id INT64, name STRING, PRIMARY KEY(id)); \
         COPY Person FROM '{}' (HEADER=true); \
         CREATE NODE TABLE Person(id INT64 PRIMARY KEY); \
         CREATE NODE TABLE After(id INT64 PRIMARY KEY);",
        csv.display()
    );
    let o = ruzu(&[&db, "-c", &script], "");
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert_eq!(
        out(&o),
        "result\nTable Person has been created.\n\
         result\n3 tuples have been copied to the Person table.\n"
    );
    assert_eq!(
        err(&o),
        "Error: Binder exception: Person already exists in catalog.\n"
    );
    // The statement after the failure did not run: After can be created now, Person cannot.
    let o = ruzu(
        &[&db, "-c", "CREATE NODE TABLE After(id INT64 PRIMARY KEY)"],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "result\nTable After has been created.\n");
}

#[test]
fn stdin_script_with_multiline_statements_and_comments() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    let script = "// the schema\n\
                  CREATE NODE TABLE City(\n  name STRING, /* the key; */\n  PRIMARY KEY(name)\n);\n\
                  CREATE REL TABLE LivesIn(\n  FROM City TO City // odd; but fine\n);\n\
                  /* trailing comment */\n";
    let o = ruzu(&[&db], script);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        "result\nTable City has been created.\nresult\nTable LivesIn has been created.\n"
    );
    assert_eq!(err(&o), "");
    // A failing statement in a script: exit 1, later statements not run.
    let o = ruzu(
        &[&db],
        "CREATE NODE TABLE City(name STRING PRIMARY KEY);\nCREATE NODE TABLE X(id INT64 PRIMARY KEY);\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(out(&o), "");
    assert_eq!(
        err(&o),
        "Error: Binder exception: City already exists in catalog.\n"
    );
    let o = ruzu(
        &[&db, "-c", "CREATE NODE TABLE X(id INT64 PRIMARY KEY);"],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn output_formats() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    let o = ruzu(
        &[
            &db,
            "--format",
            "json",
            "-c",
            "CREATE NODE TABLE A(id INT64 PRIMARY KEY); CREATE NODE TABLE B(id INT64 PRIMARY KEY)",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        "{\"result\":\"Table A has been created.\"}\n{\"result\":\"Table B has been created.\"}\n"
    );
    let o = ruzu(
        &[
            &db,
            "--format",
            "table",
            "-c",
            "CREATE NODE TABLE C(id INT64 PRIMARY KEY);",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        "┌───────────────────────────┐\n\
         │ result                    │\n\
         │ STRING                    │\n\
         ├───────────────────────────┤\n\
         │ Table C has been created. │\n\
         └───────────────────────────┘\n\
         (1 tuple)\n"
    );
    // Not a terminal: csv by default.
    let o = ruzu(
        &[&db, "-c", "CREATE NODE TABLE D(id INT64 PRIMARY KEY);"],
        "",
    );
    assert_eq!(out(&o), "result\nTable D has been created.\n");
}

#[test]
fn engine_options_are_accepted() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    let params = d.path().join("p.json");
    std::fs::write(
        &params,
        r#"{"name": "x", "big": 170141183460469231731687303715884105727}"#,
    )
    .unwrap();
    let o = ruzu(
        &[
            &db,
            "--buffer-pool",
            "16MB",
            "--threads",
            "2",
            "--params",
            params.to_str().unwrap(),
            "-c",
            "CREATE NODE TABLE A(id INT64 PRIMARY KEY);",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "result\nTable A has been created.\n");
    // Read-only: the database opens, writes are refused.
    let o = ruzu(
        &[
            &db,
            "--read-only",
            "-c",
            "CREATE NODE TABLE B(id INT64 PRIMARY KEY);",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o),
        "Error: Runtime exception: Cannot execute write operations in a read-only database!\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    for args in [
        vec![db.as_str(), "--format", "xml"],
        vec![db.as_str(), "--threads", "0"],
        vec![db.as_str(), "--buffer-pool", "lots"],
        vec![db.as_str(), "--bogus"],
        vec![db.as_str(), "-c"],
        vec![db.as_str(), "extra", "positional"],
    ] {
        let o = ruzu(&args, "");
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(!err(&o).is_empty());
        assert_eq!(out(&o), "");
    }
    // A params file that is not a JSON object, or missing.
    let p = d.path().join("p.json");
    std::fs::write(&p, "[1, 2]").unwrap();
    let o = ruzu(
        &[&db, "--params", p.to_str().unwrap(), "-c", "RETURN 1"],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        err(&o),
        format!(
            "ruzu: --params {}: the parameters file must hold a JSON object\n",
            p.display()
        )
    );
    let missing = d.path().join("missing.json");
    let o = ruzu(&[&db, "--params", missing.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(2));
    // Nothing was created by the failed invocations.
    assert!(!d.path().join("db.ruzu").exists());
    // --help is not an error.
    let o = ruzu(&[&db, "--help"], "");
    assert_eq!(o.status.code(), Some(0));
    assert!(out(&o).contains("--format <FORMAT>"), "{}", out(&o));
}

#[test]
fn missing_database_read_only_exits_1() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    let o = ruzu(&[&db, "--read-only", "-c", "RETURN 1;"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).starts_with("Error: IO exception: cannot open "),
        "{}",
        err(&o)
    );
    assert_eq!(out(&o), "");
    assert!(!d.path().join("db.ruzu").exists());
    // Not a database: exit 1 with the reason, the file untouched.
    let junk = d.path().join("junk");
    std::fs::write(&junk, "hello\n").unwrap();
    let o = ruzu(&[junk.to_str().unwrap(), "-c", "RETURN 1;"], "");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o),
        format!("Error: {} is not a ruzu database file\n", junk.display())
    );
    assert_eq!(std::fs::read(&junk).unwrap(), b"hello\n");
}

#[test]
fn empty_script_is_fine() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    let o = ruzu(&[&db], "  // nothing to do\n;\n");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "");
    assert_eq!(err(&o), "");
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    let mut script = String::new();
    for i in 0..20 {
        script.push_str(&format!("CREATE NODE TABLE T{i}(id INT64 PRIMARY KEY);"));
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_ruzu"))
        .args([db.as_str(), "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the shell writes (`ruzu ... | head -0`).
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(err(&o), "");
}

#[test]
fn a_script_that_is_not_utf8_fails() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_ruzu"))
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(b"RETURN '\xff';").unwrap();
    drop(input);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(err(&o), "Error: the script on stdin is not valid UTF-8\n");
}

/// Ctrl-C (SIGINT) interrupts the running statement: it fails with `Interrupted.`, the script
/// stops there with exit 1, and the process is not killed by the signal.
#[cfg(unix)]
#[test]
fn sigint_interrupts_the_running_statement() {
    use std::io::{BufRead, BufReader};
    let d = tempfile::tempdir().unwrap();
    let csv = d.path().join("p.csv");
    let rows: String = (0..3000).map(|i| format!("{i}\n")).collect();
    std::fs::write(&csv, rows).unwrap();
    let db = db_path(d.path());
    // The last statement enumerates 3000^3 rows: it runs until interrupted.
    let script = format!(
        "CREATE NODE TABLE P(id INT64 PRIMARY KEY); COPY P FROM '{}'; \
         MATCH (a:P), (b:P), (c:P) RETURN sum(a.id + b.id + c.id);",
        csv.display()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_ruzu"))
        .args([&db, "-c", &script, "--format", "csv"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until COPY has reported (so the handler is installed and the long query is next).
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("tuples have been copied") {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
    }
    assert!(seen.contains("3000 tuples have been copied"), "{seen}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert_eq!(err(&o), "Error: Interrupted.\n");
}

/// Through a pipe the shell answers each statement as soon as its `;` has arrived: the test
/// writes one statement, reads its result, then writes the next (a shell that read to the end
/// of its input first would never answer). Statements may span lines and writes, and a last
/// statement without `;` runs at the end of the input.
#[test]
fn a_pipe_drives_the_shell_one_statement_at_a_time() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    let mut c = Client::spawn(&[&db]);
    let ok = |l: &str| Ok::<String, Failure>(l.to_string());
    c.send("CREATE NODE TABLE T(id INT64, v STRING, PRIMARY KEY(id));\n");
    assert_eq!(c.line(), ok(r#"{"result":"Table T has been created."}"#));
    // No newline after the `;`.
    c.send("CREATE (n:T {id: 1, v: 'a'})\nRETURN n.id AS id;");
    assert_eq!(c.line(), ok(r#"{"id":1}"#));
    // A write in an explicit transaction, committed: printed results are acknowledgements.
    c.send("BEGIN TRANSACTION; CREATE (:T {id: 2, v: 'b'}); COMMIT; RETURN 'committed' AS x;\n");
    assert_eq!(c.line(), ok(r#"{"x":"committed"}"#));
    c.send("MATCH (n:T) RETURN count(*) AS c; // a comment; with semicolons\n");
    assert_eq!(c.line(), ok(r#"{"c":2}"#));
    // A statement cut inside a string literal, inside `//` and inside a character.
    c.send("RETURN 'x;");
    std::thread::sleep(std::time::Duration::from_millis(50));
    c.send("y' AS s /");
    std::thread::sleep(std::time::Duration::from_millis(50));
    c.send("/ comment;\n, 'caf\u{e9}' AS t;");
    assert_eq!(c.line(), ok(r#"{"s":"x;y","t":"café"}"#));
    c.send("MATCH (n:T) WHERE n.id = 2 RETURN n.v AS v; RETURN 3 AS three;");
    assert_eq!(c.line(), ok(r#"{"v":"b"}"#));
    assert_eq!(c.line(), ok(r#"{"three":3}"#));
    // The last statement lacks its `;`: it runs when the input ends.
    c.send("RETURN 7 AS last");
    let (code, printed, errors) = c.close();
    assert_eq!(code, Some(0), "{errors:?}");
    assert_eq!(printed, vec![r#"{"last":7}"#.to_string()]);
    assert!(errors.is_empty(), "{errors:?}");
}

/// A failing statement in piped input is reported at once and ends the shell with exit 1, as
/// in a script: what the client writes after it does not run.
#[test]
fn a_failure_ends_the_piped_shell() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    let mut c = Client::spawn(&[&db]);
    c.send("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id));\n");
    assert!(c.line().is_ok());
    c.send("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id));\n");
    assert_eq!(
        c.line(),
        Err(Failure::Error(
            "Error: Binder exception: T already exists in catalog.".into()
        ))
    );
    c.send("CREATE NODE TABLE U(id INT64, PRIMARY KEY(id));\n");
    let (code, printed, _) = c.close();
    assert_eq!(code, Some(1));
    assert!(printed.is_empty(), "{printed:?}");
    let o = ruzu(&[&db, "-c", "CALL show_tables() RETURN name"], "");
    assert_eq!(out(&o), "name\nT\n");
}

/// While one shell has the database open for writing, a second read-write process is refused
/// with an error naming the file and its lock; read-only processes open beside it.
#[test]
fn a_second_writer_is_refused_naming_the_file_and_the_lock() {
    let d = tempfile::tempdir().unwrap();
    let db = db_path(d.path());
    let mut first = Client::spawn(&[&db]);
    // Its answer proves the database is open (and locked).
    assert_eq!(
        first.ok("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id))"),
        vec![r#"{"result":"Table T has been created."}"#.to_string()]
    );
    first.ok("CREATE (:T {id: 1})");
    first.ok("CHECKPOINT");
    first.ok("CREATE (:T {id: 2})");
    let o = ruzu(&[&db, "-c", "MATCH (n:T) RETURN count(*)"], "");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(out(&o), "");
    let e = err(&o);
    assert!(e.starts_with("Error: "), "{e}");
    assert!(e.contains(&db) && e.contains("lock"), "{e}");
    assert!(
        e.contains("--read-only"),
        "the refusal should point to --read-only: {e}"
    );
    // A second writer through a pipe is refused the same way.
    let mut second = Client::spawn(&[&db]);
    let line = second.error_line().unwrap_or_default();
    assert!(line.contains(&db) && line.contains("lock"), "{line}");
    assert_eq!(second.close().0, Some(1));
    // A reader reads the last checkpoint (one row; the second is not checkpointed yet).
    let o = ruzu(
        &[&db, "--read-only", "-c", "MATCH (n:T) RETURN count(*) AS c"],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "c\n1\n");
    // The first writer is still fine; once it has exited the file opens for writing again.
    assert_eq!(
        first.ok("MATCH (n:T) RETURN count(*) AS c"),
        vec![r#"{"c":2}"#.to_string()]
    );
    assert_eq!(first.close().0, Some(0));
    let o = ruzu(&[&db, "-c", "MATCH (n:T) RETURN count(*) AS c"], "");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), "c\n2\n");
}

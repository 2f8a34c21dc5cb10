//! Unit tests of the shell: sessions on a real database in a temporary directory, with
//! output captured in memory.

use super::*;

struct Out {
    out: Vec<u8>,
    err: Vec<u8>,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn db() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("db.ruzu")).unwrap();
    (dir, db)
}

/// Runs `f` on a session over `db` with `format`; returns what it printed.
fn with_session<T>(db: &Database, format: Format, f: impl FnOnce(&mut Session) -> T) -> (T, Out) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let r = {
        let mut s = Session::new(db.connect(), Params::new(), format, &mut out, &mut err);
        f(&mut s)
    };
    (r, Out { out, err })
}

struct Lines(Vec<Line>, Vec<String>);

impl LineSource for Lines {
    fn read_line(&mut self, prompt: &str) -> io::Result<Line> {
        self.1.push(prompt.to_string());
        Ok(if self.0.is_empty() {
            Line::Eof
        } else {
            self.0.remove(0)
        })
    }
}

fn lines(ls: &[&str]) -> Lines {
    Lines(
        ls.iter().map(|l| Line::Text(l.to_string())).collect(),
        Vec::new(),
    )
}

#[test]
fn script_runs_in_order_and_stops_at_the_first_failure() {
    let (_d, db) = db();
    let script = "CREATE NODE TABLE A(id INT64 PRIMARY KEY);\n\
                  CREATE NODE TABLE A(id INT64 PRIMARY KEY);\n\
                  CREATE NODE TABLE B(id INT64 PRIMARY KEY);";
    let (r, o) = with_session(&db, Format::Csv, |s| s.run_script(script));
    assert!(matches!(r, Ok(false)));
    assert_eq!(text(&o.out), "result\nTable A has been created.\n");
    assert_eq!(
        text(&o.err),
        "Error: Binder exception: A already exists in catalog.\n"
    );
    let names: Vec<String> = db
        .snapshot()
        .catalog
        .tables
        .iter()
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(names, vec!["A".to_string()]);
}

#[test]
fn last_statement_may_lack_its_semicolon() {
    let (_d, db) = db();
    let (r, o) = with_session(&db, Format::Json, |s| {
        s.run_script("// make a table\nCREATE NODE TABLE /* x; */ A(id INT64, PRIMARY KEY(id))")
    });
    assert!(matches!(r, Ok(true)));
    assert_eq!(text(&o.out), "{\"result\":\"Table A has been created.\"}\n");
    assert_eq!(text(&o.err), "");
}

#[test]
fn table_format_and_timer() {
    let (_d, db) = db();
    let (r, o) = with_session(&db, Format::Table, |s| {
        s.command(":timer").unwrap();
        s.run_statement("CREATE NODE TABLE A(id INT64 PRIMARY KEY)")
    });
    assert!(matches!(r, Ok(true)));
    assert_eq!(
        text(&o.out),
        "Timer is on.\n\
         ┌───────────────────────────┐\n\
         │ result                    │\n\
         │ STRING                    │\n\
         ├───────────────────────────┤\n\
         │ Table A has been created. │\n\
         └───────────────────────────┘\n\
         (1 tuple)\n"
    );
    let e = text(&o.err);
    assert!(e.starts_with("Time: ") && e.ends_with("ms\n"), "{e}");
}

fn setup_schema(db: &Database, dir: &std::path::Path) {
    let csv = dir.join("p.csv");
    std::fs::write(&csv, "id,name\n1,Alice\n2,Bob\n").unwrap();
    let script = format!(
        "CREATE NODE TABLE Person(id INT64, name STRING, PRIMARY KEY(id));\n\
         CREATE NODE TABLE City(name STRING PRIMARY KEY);\n\
         CREATE REL TABLE Knows(FROM Person TO Person, since DATE, MANY_ONE);\n\
         COPY Person FROM '{}' (HEADER=true);",
        csv.display()
    );
    let (r, o) = with_session(db, Format::Csv, |s| s.run_script(&script));
    assert!(matches!(r, Ok(true)), "{}", text(&o.err));
    assert_eq!(
        text(&o.out),
        "result\nTable Person has been created.\n\
         result\nTable City has been created.\n\
         result\nTable Knows has been created.\n\
         result\n2 tuples have been copied to the Person table.\n"
    );
}

#[test]
fn tables_and_schema_commands() {
    let (d, db) = db();
    setup_schema(&db, d.path());
    let (r, o) = with_session(&db, Format::Csv, |s| {
        s.command(":tables")?;
        s.command(":schema person")?;
        s.command(":schema Knows")?;
        s.command(":schema Nope")?;
        s.command(":bogus")
    });
    assert!(matches!(r, Ok(true)));
    assert_eq!(
        text(&o.out),
        "name,kind,rows\nPerson,NODE,2\nCity,NODE,0\nKnows,REL,0\n\
         property,type,constraint\nid,INT64,PRIMARY KEY\nname,STRING,\n\
         property,type,constraint\nsince,DATE,\n\
         from,to,multiplicity\nPerson,Person,MANY_ONE\n"
    );
    assert_eq!(
        text(&o.err),
        "Error: Binder exception: Table Nope does not exist.\n\
         Error: unknown shell command ':bogus' (type :help)\n"
    );
}

#[test]
fn interactive_multiline_commands_and_quit() {
    let (_d, db) = db();
    let mut src = lines(&[
        "",
        ":help",
        "CREATE NODE TABLE A(",
        "  id INT64 PRIMARY KEY); CREATE NODE",
        "TABLE A(id INT64 PRIMARY KEY);",
        "// nothing",
        "/* a comment; over",
        "two lines; */ CREATE NODE TABLE B(id INT64 PRIMARY KEY);",
        ":quit",
        "CREATE NODE TABLE C(id INT64 PRIMARY KEY);",
    ]);
    let (r, o) = with_session(&db, Format::Csv, |s| s.interactive(&mut src));
    assert!(r.is_ok());
    assert_eq!(
        text(&o.out),
        format!("{HELP}result\nTable A has been created.\nresult\nTable B has been created.\n")
    );
    assert_eq!(
        text(&o.err),
        "Error: Binder exception: A already exists in catalog.\n"
    );
    assert_eq!(
        src.1,
        vec![
            PROMPT,
            PROMPT,
            PROMPT,
            CONTINUATION_PROMPT,
            CONTINUATION_PROMPT,
            PROMPT,
            PROMPT,
            CONTINUATION_PROMPT,
            PROMPT
        ]
    );
    assert_eq!(db.snapshot().catalog.tables.len(), 2);
}

#[test]
fn interactive_ctrl_c_drops_the_pending_statement() {
    let (_d, db) = db();
    let mut src = Lines(
        vec![
            Line::Text("CREATE NODE TABLE X(".into()),
            Line::Interrupted,
            Line::Text("CREATE NODE TABLE A(id INT64 PRIMARY KEY);".into()),
        ],
        Vec::new(),
    );
    let (r, o) = with_session(&db, Format::Json, |s| s.interactive(&mut src));
    assert!(r.is_ok());
    assert_eq!(text(&o.out), "{\"result\":\"Table A has been created.\"}\n");
    assert_eq!(text(&o.err), "");
}

#[test]
fn params_reach_the_statement() {
    // Binding is checked by the engine; here only that an unused parameter is harmless and
    // parameters are kept on the session.
    let (_d, db) = db();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let params = params::parse_params(r#"{"x": 1}"#).unwrap();
    let mut s = Session::new(db.connect(), params, Format::Csv, &mut out, &mut err);
    assert_eq!(s.params["x"], Value::Int64(1));
    assert!(matches!(
        s.run_statement("CREATE NODE TABLE A(id INT64 PRIMARY KEY)"),
        Ok(true)
    ));
}

struct Closed;

impl Write for Closed {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::from(io::ErrorKind::BrokenPipe))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_closed_pipe_stops_quietly() {
    let (_d, db) = db();
    let mut out = Closed;
    let mut err = Vec::new();
    let mut s = Session::new(db.connect(), Params::new(), Format::Csv, &mut out, &mut err);
    let r = s.run_script(
        "CREATE NODE TABLE A(id INT64 PRIMARY KEY); CREATE NODE TABLE B(id INT64 PRIMARY KEY);",
    );
    assert!(matches!(r, Err(Stop::Pipe)));
    assert!(err.is_empty());
}

#[test]
fn args_parse() {
    let p = |a: &[&str]| Args::try_parse_from(std::iter::once("ruzu").chain(a.iter().copied()));
    let a = p(&[
        "db",
        "-c",
        "RETURN 1",
        "--format",
        "json",
        "--buffer-pool",
        "16MB",
        "--threads",
        "3",
        "--read-only",
    ])
    .unwrap();
    assert_eq!(a.db, PathBuf::from("db"));
    assert_eq!(a.command.as_deref(), Some("RETURN 1"));
    assert_eq!(a.format, Some(Format::Json));
    assert_eq!(a.buffer_pool, Some(16 << 20));
    assert_eq!(a.threads, Some(3));
    assert!(a.read_only);
    assert!(p(&["db", "--threads", "0"]).is_err());
    assert!(p(&["db", "--format", "xml"]).is_err());
    assert!(p(&["db", "--buffer-pool", "12XB"]).is_err());
    assert!(p(&[]).is_err());
}

#[test]
fn max_rows_limits_tables() {
    let (d, db) = db();
    setup_schema(&db, d.path());
    let (r, o) = with_session(&db, Format::Table, |s| {
        s.command(":max_rows 1")?;
        s.command(":tables")?;
        s.command(":max_rows 0")?;
        s.command(":max_rows x")
    });
    assert!(matches!(r, Ok(true)));
    assert_eq!(
        text(&o.out),
        "Tables show 1 rows.\n\
         ┌────────┬────────┬────────┐\n\
         │ name   │ kind   │ rows   │\n\
         │ STRING │ STRING │ UINT64 │\n\
         ├────────┼────────┼────────┤\n\
         │ Person │ NODE   │      2 │\n\
         │ ·      │ ·      │      · │\n\
         └────────┴────────┴────────┘\n\
         (3 tuples, 1 shown)\n\
         Tables show all rows.\n"
    );
    assert_eq!(
        text(&o.err),
        "Error: :max_rows takes a number (0: all rows)\n"
    );
}

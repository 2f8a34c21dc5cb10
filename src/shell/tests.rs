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

/// Output that only counts once flushed.
#[derive(Clone, Default)]
struct Flushed(std::rc::Rc<std::cell::RefCell<(Vec<u8>, Vec<u8>)>>);

impl Write for Flushed {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().0.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        let mut s = self.0.borrow_mut();
        let buffered = std::mem::take(&mut s.0);
        s.1.extend_from_slice(&buffered);
        Ok(())
    }
}

/// Input given out in fixed pieces; records what had been flushed when each was asked for.
struct Pieces {
    pieces: Vec<Vec<u8>>,
    next: usize,
    taken: usize,
    out: Flushed,
    seen: Vec<String>,
}

impl io::Read for Pieces {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        unreachable!("the shell reads through BufRead")
    }
}

impl BufRead for Pieces {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.taken == 0 {
            self.seen.push(text(&self.out.0.borrow().1));
        }
        Ok(self
            .pieces
            .get(self.next)
            .map(|p| &p[self.taken..])
            .unwrap_or(&[]))
    }
    fn consume(&mut self, n: usize) {
        self.taken += n;
        if self
            .pieces
            .get(self.next)
            .is_some_and(|p| self.taken == p.len())
        {
            self.next += 1;
            self.taken = 0;
        }
    }
}

fn run_pieces(db: &Database, pieces: &[&[u8]]) -> (Result<bool, Stop>, Vec<String>, String) {
    let out = Flushed::default();
    let mut w = out.clone();
    let mut err = Vec::new();
    let mut input = Pieces {
        pieces: pieces.iter().map(|p| p.to_vec()).collect(),
        next: 0,
        taken: 0,
        out: out.clone(),
        seen: Vec::new(),
    };
    let r = {
        let mut s = Session::new(db.connect(), Params::new(), Format::Csv, &mut w, &mut err);
        s.run_input(&mut input)
    };
    (r, input.seen, text(&err))
}

/// Input from a pipe: each statement runs once its `;` has arrived, and its result is
/// flushed before the next piece is read, wherever the pieces are cut.
#[test]
fn input_runs_each_statement_as_its_semicolon_arrives() {
    let (_d, db) = db();
    let (r, seen, err) = run_pieces(
        &db,
        &[
            b"RETURN 1 AS a;",
            b"RETURN 'x;",
            b"y' AS b; RETURN 4/",
            b"2 AS c; RETURN '\xc3",
            b"\xa9' AS d;\nRETURN\n5 AS e",
        ],
    );
    assert!(matches!(r, Ok(true)), "{err}");
    assert_eq!(
        seen,
        vec![
            "".to_string(),
            "a\n1\n".into(),
            "a\n1\n".into(),
            "a\n1\nb\nx;y\n".into(),
            "a\n1\nb\nx;y\nc\n2\n".into(),
            "a\n1\nb\nx;y\nc\n2\nd\né\n".into(),
        ]
    );
    assert_eq!(err, "");
}

/// A failing statement stops the input there (nothing after it runs); bytes that are not
/// UTF-8 are a failure too, after the statements before them ran.
#[test]
fn input_stops_at_the_first_failure() {
    let (_d, db) = db();
    let (r, seen, err) = run_pieces(
        &db,
        &[
            b"CREATE NODE TABLE A(id INT64 PRIMARY KEY); RETURN nope;",
            b"CREATE NODE TABLE B(id INT64 PRIMARY KEY);",
        ],
    );
    assert!(matches!(r, Ok(false)));
    assert_eq!(seen, vec!["".to_string()]);
    assert!(err.starts_with("Error: "), "{err}");
    assert!(db.snapshot().catalog.table("A").is_some());
    assert!(db.snapshot().catalog.table("B").is_none());
    let (r, _, err) = run_pieces(&db, &[b"RETURN 1;", b"RETURN '\xff';", b"RETURN 2;"]);
    assert!(matches!(r, Ok(false)));
    assert_eq!(err, "Error: the script on stdin is not valid UTF-8\n");
    // A character cut off by the end of the input.
    let (r, _, err) = run_pieces(&db, &[b"RETURN '\xc3"]);
    assert!(matches!(r, Ok(false)));
    assert_eq!(err, "Error: the script on stdin is not valid UTF-8\n");
}

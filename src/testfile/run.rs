//! Running parsed cases on an `Engine`.
//!
//! Owns: one fresh database per case in a temp directory, dataset loading (`schema.cypher`
//! and `copy.cypher` line by line with data paths made absolute), named connections,
//! `-RELOADDB`, concurrent blocks (one thread per connection), statement checking, the
//! per-case timeout (the case runs on a worker thread; on timeout its connections are
//! interrupted and the thread abandoned), surviving engine panics, statement counting, and
//! running cases on several threads with a deterministic order of outcomes.

use super::check::check_result;
use super::engine::{DbOptions, Engine};
use super::parse::{
    display_path, parse_test_file, ParseContext, Statement, Step, TestCase, TestFile,
};
use super::{DEFAULT_BUFFER_POOL_SIZE, DEFAULT_CHECKPOINT_WAIT_TIMEOUT_MICROS};
use parking_lot::Mutex;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Weak};
use std::time::Duration;

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// KUZU_ROOT_DIRECTORY: holds `dataset/`, `test/answers`, `test/statements`.
    pub root: PathBuf,
    /// Per-case time limit.
    pub timeout: Duration,
    /// Cases run in parallel.
    pub jobs: usize,
    /// Print one line per finished case to stderr.
    pub progress: bool,
}

impl RunOptions {
    pub fn new(root: impl Into<PathBuf>) -> RunOptions {
        RunOptions {
            root: root.into(),
            timeout: Duration::from_secs(60),
            jobs: 1,
            progress: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    Passed,
    Failed,
    Skipped,
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseOutcome {
    /// The file's display path (under `test/test_files`, or as given).
    pub file: String,
    pub case: String,
    pub status: CaseStatus,
    pub statements_passed: usize,
    pub statements_failed: usize,
    /// Why it failed (indented lines), empty when it passed.
    pub report: String,
}

impl CaseOutcome {
    /// `area/file.test::CaseName`.
    pub fn id(&self) -> String {
        format!("{}::{}", self.file, self.case)
    }
}

/// Outcomes of all cases, sorted by file and case, and the display paths of the files run.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub outcomes: Vec<CaseOutcome>,
    pub files: BTreeSet<String>,
}

impl RunSummary {
    pub fn count(&self, status: CaseStatus) -> usize {
        self.outcomes.iter().filter(|o| o.status == status).count()
    }

    pub fn statements(&self) -> (usize, usize) {
        self.outcomes.iter().fold((0, 0), |(p, f), o| {
            (p + o.statements_passed, f + o.statements_failed)
        })
    }
}

/// Expands PATHs (files or folders, searched recursively for `*.test`) into a sorted list.
pub fn collect_test_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{}: no such file or directory", p.display()),
            ));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "test") {
            out.push(path);
        }
    }
    Ok(())
}

struct Task {
    file: Arc<TestFile>,
    display: String,
    case: usize,
}

/// Reads and parses `files`: display path and parsed file (or the error text) for each.
pub fn parse_files(
    files: &[PathBuf],
    root: &Path,
    ctx: &ParseContext,
) -> Vec<(String, Result<TestFile, String>)> {
    files
        .iter()
        .map(|path| {
            let display = display_path(root, path);
            let parsed = std::fs::read(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
                .and_then(|bytes| {
                    let text = String::from_utf8_lossy(&bytes);
                    parse_test_file(&display, &text, ctx).map_err(|e| e.to_string())
                });
            (display, parsed)
        })
        .collect()
}

/// The parse context for `root` and `engine`.
pub fn parse_context<E: Engine>(engine: &E, root: &Path) -> ParseContext {
    ParseContext {
        root: absolute(root),
        version: engine.version(),
    }
}

/// Parses and runs `files`; outcomes are sorted by file and case name.
pub fn run_files<E: Engine>(engine: Arc<E>, files: &[PathBuf], opts: &RunOptions) -> RunSummary {
    let ctx = parse_context(&*engine, &opts.root);
    let mut summary = RunSummary::default();
    let mut tasks = VecDeque::new();
    for (display, parsed) in parse_files(files, &opts.root, &ctx) {
        summary.files.insert(display.clone());
        let file = match parsed {
            Ok(f) => Arc::new(f),
            Err(e) => {
                summary.outcomes.push(CaseOutcome {
                    file: display.clone(),
                    case: "(file)".to_string(),
                    status: CaseStatus::Failed,
                    statements_passed: 0,
                    statements_failed: 0,
                    report: format!("  cannot parse the file: {e}\n"),
                });
                continue;
            }
        };
        for (i, case) in file.cases.iter().enumerate() {
            if file.disabled || case.is_disabled() {
                summary.outcomes.push(CaseOutcome {
                    file: display.clone(),
                    case: case.name.clone(),
                    status: CaseStatus::Skipped,
                    statements_passed: 0,
                    statements_failed: 0,
                    report: String::new(),
                });
            } else {
                tasks.push_back(Task {
                    file: file.clone(),
                    display: display.clone(),
                    case: i,
                });
            }
        }
    }
    let queue = Mutex::new(tasks);
    let results = Mutex::new(Vec::new());
    let jobs = opts.jobs.max(1);
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let Some(task) = queue.lock().pop_front() else {
                    break;
                };
                let outcome = run_case(engine.clone(), &task, opts, &ctx.root);
                if opts.progress {
                    let tag = match outcome.status {
                        CaseStatus::Passed => "ok",
                        _ => "FAIL",
                    };
                    eprintln!("{tag} {}", outcome.id());
                }
                results.lock().push(outcome);
            });
        }
    });
    summary.outcomes.extend(results.into_inner());
    summary
        .outcomes
        .sort_by(|a, b| (&a.file, &a.case).cmp(&(&b.file, &b.case)));
    summary
}

fn absolute(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// Shared between a case's worker thread and the watchdog.
#[derive(Default)]
struct Progress {
    passed: usize,
    failed: bool,
    report: String,
}

impl Progress {
    fn fail(&mut self, text: &str) {
        self.failed = true;
        self.report.push_str(text);
        if !text.ends_with('\n') {
            self.report.push('\n');
        }
    }
}

struct Shared<E: Engine> {
    progress: Mutex<Progress>,
    conns: Mutex<Vec<Weak<E::Conn>>>,
}

fn run_case<E: Engine>(engine: Arc<E>, task: &Task, opts: &RunOptions, root: &Path) -> CaseOutcome {
    let case = &task.file.cases[task.case];
    let total = case.statement_count();
    let shared: Arc<Shared<E>> = Arc::new(Shared {
        progress: Mutex::new(Progress::default()),
        conns: Mutex::new(Vec::new()),
    });
    let (tx, rx) = mpsc::channel();
    let worker = {
        let engine = engine.clone();
        let shared = shared.clone();
        let file = task.file.clone();
        let index = task.case;
        let root = root.to_path_buf();
        std::thread::Builder::new()
            .name(format!("case {}", case.name))
            .spawn(move || {
                let case = &file.cases[index];
                let r = catch_unwind(AssertUnwindSafe(|| {
                    execute_case(&*engine, &file, case, &root, &shared)
                }));
                if let Err(p) = r {
                    shared.progress.lock().fail(&format!(
                        "  the runner panicked: {}",
                        panic_message(p.as_ref())
                    ));
                }
                let _ = tx.send(());
            })
    };
    let mut timed_out = false;
    match worker {
        Err(e) => shared
            .progress
            .lock()
            .fail(&format!("  cannot start the case thread: {e}")),
        Ok(handle) => match rx.recv_timeout(opts.timeout) {
            Ok(()) => {
                let _ = handle.join();
            }
            Err(_) => {
                timed_out = true;
                for c in shared.conns.lock().iter() {
                    if let Some(c) = c.upgrade() {
                        engine.interrupt(&c);
                    }
                }
                // Give the interrupted statement a moment; otherwise abandon the thread.
                if rx.recv_timeout(Duration::from_secs(2)).is_ok() {
                    let _ = handle.join();
                }
            }
        },
    }
    let mut p = shared.progress.lock();
    if timed_out {
        let secs = opts.timeout.as_secs_f64();
        p.fail(&format!("  timed out after {secs} s (interrupted)"));
    }
    let passed = p.passed.min(total);
    let failed = total - passed;
    let status = if p.failed || failed > 0 {
        CaseStatus::Failed
    } else {
        CaseStatus::Passed
    };
    CaseOutcome {
        file: task.display.clone(),
        case: case.name.clone(),
        status,
        statements_passed: passed,
        statements_failed: failed,
        report: if status == CaseStatus::Failed {
            p.report.clone()
        } else {
            String::new()
        },
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Runs `f`, turning a panic into an error message.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(format!("engine panicked: {}", panic_message(p.as_ref()))),
    }
}

static TEMP_COUNTER: AtomicUsize = AtomicUsize::new(0);

fn make_temp_dir() -> Result<PathBuf, String> {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir =
        std::env::temp_dir().join(format!("ruzu-testfile-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

struct Open<E: Engine> {
    conns: BTreeMap<String, Arc<E::Conn>>,
    // Declared after the connections so they are dropped first.
    db: E::Db,
}

fn open_db<E: Engine>(
    engine: &E,
    path: &Path,
    opts: &DbOptions,
    names: &BTreeSet<String>,
    shared: &Shared<E>,
) -> Result<Open<E>, String> {
    let db = guarded(|| engine.open(path, opts))
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let mut conns = BTreeMap::new();
    for name in names {
        let c =
            guarded(|| engine.connect(&db)).map_err(|e| format!("cannot connect ({name}): {e}"))?;
        let c = Arc::new(c);
        shared.conns.lock().push(Arc::downgrade(&c));
        conns.insert(name.clone(), c);
    }
    Ok(Open { conns, db })
}

fn execute_case<E: Engine>(
    engine: &E,
    file: &TestFile,
    case: &TestCase,
    root: &Path,
    shared: &Shared<E>,
) {
    let dir = match make_temp_dir() {
        Ok(d) => d,
        Err(e) => return shared.progress.lock().fail(&format!("  {e}")),
    };
    let db_path = dir.join("db");
    let db_dir = dir.to_string_lossy().to_string();
    let opts = DbOptions {
        buffer_pool_size: file.buffer_pool_size.unwrap_or(DEFAULT_BUFFER_POOL_SIZE),
        threads: 2,
        checkpoint_wait_timeout_micros: Some(
            file.checkpoint_wait_timeout
                .unwrap_or(DEFAULT_CHECKPOINT_WAIT_TIMEOUT_MICROS),
        ),
    };
    let run = || -> Result<(), String> {
        let mut open = Some(open_db(engine, &db_path, &opts, &case.connections, shared)?);
        if let Some(ds) = &file.dataset {
            let first = open
                .as_ref()
                .and_then(|o| o.conns.values().next().cloned())
                .ok_or("no connection")?;
            load_dataset(engine, &first, root, &ds.kind, &ds.name)?;
        }
        let mut queues: Option<BTreeMap<String, Vec<&Statement>>> = None;
        for step in &case.steps {
            match step {
                Step::Log(_) => {}
                Step::ReloadDb => {
                    // Connections first, then the database.
                    if let Some(o) = open.take() {
                        drop(o.conns);
                        drop(o.db);
                    }
                    open = Some(
                        open_db(engine, &db_path, &opts, &case.connections, shared)
                            .map_err(|e| format!("-RELOADDB: {e}"))?,
                    );
                }
                Step::BeginConcurrent => queues = Some(BTreeMap::new()),
                Step::EndConcurrent => {
                    if let (Some(q), Some(o)) = (queues.take(), open.as_ref()) {
                        run_concurrent(engine, &o.conns, q, &db_dir, shared);
                    }
                }
                Step::Query(st) => {
                    if let Some(q) = queues.as_mut() {
                        q.entry(st.conn.clone()).or_default().push(st);
                    } else if let Some(o) = open.as_ref() {
                        let r = run_statement(engine, o.conns.get(&st.conn), st, &db_dir);
                        record(shared, r);
                    }
                }
                Step::Unsupported { directive, line } => {
                    shared.progress.lock().fail(&format!(
                        "  line {line}: {directive} is not supported by this runner"
                    ));
                }
            }
        }
        if let Some(q) = queues {
            let n: usize = q.values().map(|v| v.len()).sum();
            if n > 0 {
                shared.progress.lock().fail(&format!(
                    "  {n} statements after -BEGIN_CONCURRENT_EXECUTION never ran (no -END_CONCURRENT_EXECUTION)"
                ));
            }
        }
        drop(open);
        Ok(())
    };
    if let Err(e) = run() {
        shared.progress.lock().fail(&indent(&e, "  "));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `text` shortened to about `max` bytes, the middle replaced by `...`.
pub fn elide(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut head = max / 2;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - max / 2;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{} ... {}", &text[..head], &text[tail..])
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}\n"))
        .collect::<String>()
}

/// Runs the dataset's `schema.cypher` and `copy.cypher` line by line.
fn load_dataset<E: Engine>(
    engine: &E,
    conn: &E::Conn,
    root: &Path,
    kind: &str,
    name: &str,
) -> Result<(), String> {
    if kind != "CSV" {
        return Err(format!("dataset type {kind} is not supported ({name})"));
    }
    let dir = root.join("dataset").join(name);
    for script in ["schema.cypher", "copy.cypher"] {
        let path = dir.join(script);
        if !path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            let query = rewrite_data_paths(line, root);
            let shown = elide(&query, 400);
            let results = guarded(|| Ok(engine.run(conn, &query))).unwrap_or_else(|e| vec![Err(e)]);
            if results.is_empty() {
                return Err(format!("dataset {name}: no result for: {shown}"));
            }
            for r in results {
                if let Err(e) = r {
                    return Err(format!(
                        "dataset {name} failed to load ({script}): {shown}\nError: {e}"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Makes relative paths in double-quoted strings of a dataset line absolute under `root`
/// (strings whose lower-cased text contains `.csv`, `.parquet`, `.npy`, `.ttl`, `.nq`,
/// `.json` or `.kuzu_extension`).
pub fn rewrite_data_paths(line: &str, root: &Path) -> String {
    const EXTS: [&str; 7] = [
        ".csv",
        ".parquet",
        ".npy",
        ".ttl",
        ".nq",
        ".json",
        ".kuzu_extension",
    ];
    let mut found = Vec::new();
    let mut index = 0;
    while let Some(s) = line[index..].find('"').map(|i| i + index) {
        let Some(e) = line[s + 1..].find('"').map(|i| i + s + 1) else {
            break;
        };
        let inner = &line[s + 1..e];
        let lower = inner.to_lowercase();
        if EXTS.iter().any(|x| lower.contains(x)) {
            found.push(inner.to_string());
        }
        index = e + 1;
    }
    let mut out = line.to_string();
    for p in found {
        if Path::new(&p).is_relative() {
            let full = format!("{}/{p}", root.to_string_lossy());
            if let Some(at) = out.find(&p) {
                out.replace_range(at..at + p.len(), &full);
            }
        }
    }
    out
}

struct StatementResult {
    passed: bool,
    panicked: bool,
    report: String,
}

fn record<E: Engine>(shared: &Shared<E>, r: StatementResult) {
    let mut p = shared.progress.lock();
    if r.passed {
        p.passed += 1;
    } else {
        p.fail(&r.report);
    }
    if r.panicked {
        p.failed = true;
    }
}

fn run_concurrent<E: Engine>(
    engine: &E,
    conns: &BTreeMap<String, Arc<E::Conn>>,
    queues: BTreeMap<String, Vec<&Statement>>,
    db_dir: &str,
    shared: &Shared<E>,
) {
    let results: Vec<Vec<StatementResult>> = std::thread::scope(|s| {
        let handles: Vec<_> = queues
            .into_iter()
            .map(|(name, stmts)| {
                let conn = conns.get(&name);
                s.spawn(move || {
                    stmts
                        .into_iter()
                        .map(|st| run_statement(engine, conn, st, db_dir))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![StatementResult {
                        passed: false,
                        panicked: true,
                        report: "  a concurrent connection thread panicked\n".to_string(),
                    }]
                })
            })
            .collect()
    });
    for r in results.into_iter().flatten() {
        record(shared, r);
    }
}

fn run_statement<E: Engine>(
    engine: &E,
    conn: Option<&Arc<E::Conn>>,
    st: &Statement,
    db_dir: &str,
) -> StatementResult {
    let head = {
        let conn_tag = if st.conn == super::parse::DEFAULT_CONN {
            String::new()
        } else {
            format!(" [{}]", st.conn)
        };
        let mut h = format!("  line {}{conn_tag}: {}\n", st.line, elide(&st.query, 400));
        if let Some(l) = &st.log {
            h.push_str(&format!("    (-LOG {l})\n"));
        }
        h
    };
    let Some(conn) = conn else {
        return StatementResult {
            passed: false,
            panicked: false,
            report: format!("{head}    no connection named {}\n", st.conn),
        };
    };
    let query = st.query.replace("${DATABASE_PATH}", db_dir);
    let (results, panicked) = match guarded(|| Ok(engine.run(conn, &query))) {
        Ok(r) => (r, false),
        Err(e) => (vec![Err(e)], true),
    };
    if panicked {
        let msg = results
            .first()
            .and_then(|r| r.as_ref().err().cloned())
            .unwrap_or_default();
        return StatementResult {
            passed: false,
            panicked: true,
            report: format!("{head}    {msg}\n"),
        };
    }
    if results.is_empty() {
        return StatementResult {
            passed: false,
            panicked: false,
            report: format!("{head}    the engine returned no result\n"),
        };
    }
    let n = st.expected.len();
    if n == 0 {
        return StatementResult {
            passed: false,
            panicked: false,
            report: format!("{head}    no expected result\n"),
        };
    }
    for (i, r) in results.iter().enumerate() {
        let exp = &st.expected[i.min(n - 1)];
        if let Err(m) = check_result(r, exp, st) {
            let mut report = head;
            if results.len() > 1 {
                report.push_str(&format!("    result {} of {}:\n", i + 1, results.len()));
            }
            report.push_str(&m.render("    ", 40));
            return StatementResult {
                passed: false,
                panicked: false,
                report,
            };
        }
    }
    StatementResult {
        passed: true,
        panicked: false,
        report: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_paths_become_absolute() {
        let root = Path::new("/k");
        assert_eq!(
            rewrite_data_paths(r#"COPY person FROM "dataset/tinysnb/vPerson.csv";"#, root),
            r#"COPY person FROM "/k/dataset/tinysnb/vPerson.csv";"#
        );
        assert_eq!(
            rewrite_data_paths(
                r#"COPY a FROM ["dataset/x/a.CSV", "dataset/x/b.csv"] (header="true");"#,
                root
            ),
            r#"COPY a FROM ["/k/dataset/x/a.CSV", "/k/dataset/x/b.csv"] (header="true");"#
        );
        assert_eq!(
            rewrite_data_paths(r#"COPY a FROM "/abs/a.csv";"#, root),
            r#"COPY a FROM "/abs/a.csv";"#
        );
        assert_eq!(
            rewrite_data_paths("CREATE NODE TABLE a(x INT64, PRIMARY KEY(x));", root),
            "CREATE NODE TABLE a(x INT64, PRIMARY KEY(x));"
        );
    }
}

//! The `ruzu-testfile` command line.
//!
//! Owns: argument parsing, finding the suite root (`--root`, `$KUZU_SUITE`,
//! `../shared/kuzu-suite`), the report on stdout (failing cases, list findings, the
//! `statements:` line and the closing `N passed, N failed, N skipped` line), the list options
//! and the exit code (0 fine, 1 the list check failed, 2 usage errors).

use super::engine::{Engine, RuzuEngine};
use super::lists::{
    evaluate_lists, parse_case_list, parse_deviations, updated_passing, write_passing, CaseLists,
};
use super::parse::{Expected, Step, TestFile};
use super::pykuzu::PyKuzuEngine;
use super::run::{
    collect_test_files, parse_context, parse_files, run_files, CaseStatus, RunOptions,
};
use clap::Parser;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "ruzu-testfile",
    about = "Runs Kuzu .test files against ruzu and checks the results"
)]
pub struct Args {
    /// KUZU_ROOT_DIRECTORY (holds dataset/, test/answers, test/statements). Default:
    /// $KUZU_SUITE, then ../shared/kuzu-suite.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Per-case timeout in seconds.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// Cases run in parallel.
    #[arg(short = 'j', long = "jobs", default_value_t = 1)]
    pub jobs: usize,
    /// Check against this passing list (`area/file.test::Case` per line).
    #[arg(long)]
    pub passing: Option<PathBuf>,
    /// Write the cases that pass to this file.
    #[arg(long = "update-passing")]
    pub update_passing: Option<PathBuf>,
    /// Known deviations (`case # reason`); default: kuzu-suite.deviations next to the
    /// passing list.
    #[arg(long)]
    pub deviations: Option<PathBuf>,
    /// Unstable cases (run, reported, never fail the check); default: kuzu-suite.unstable
    /// next to the passing list.
    #[arg(long)]
    pub unstable: Option<PathBuf>,
    /// Also fail when a case passes that is not in the passing list.
    #[arg(long)]
    pub strict: bool,
    /// Print one line per finished case to stderr.
    #[arg(long)]
    pub progress: bool,
    /// Before the totals, print passed/failed/skipped cases and passed/failed statements per
    /// area (the first folder under `test/test_files`).
    #[arg(long = "by-area")]
    pub by_area: bool,
    /// Do not run: print every case with its statements as parsed.
    #[arg(long)]
    pub dump: bool,
    /// `ruzu`, or `kuzu-python` (Kuzu itself through its Python package, as a reference).
    #[arg(long, default_value = "ruzu")]
    pub engine: String,
    /// The Python interpreter for `--engine kuzu-python`.
    #[arg(long, default_value = "python3")]
    pub python: PathBuf,
    /// .test files or folders (searched recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// Finds the suite root: the option, `$KUZU_SUITE`, then `../shared/kuzu-suite`.
pub fn resolve_root(opt: Option<&Path>) -> Result<PathBuf, String> {
    let candidate = match opt {
        Some(p) => p.to_path_buf(),
        None => match std::env::var_os("KUZU_SUITE") {
            Some(v) if !v.is_empty() => PathBuf::from(v),
            _ => PathBuf::from("../shared/kuzu-suite"),
        },
    };
    if candidate.is_dir() {
        Ok(candidate.canonicalize().unwrap_or(candidate))
    } else {
        Err(format!(
            "the suite root {} does not exist (use --root or KUZU_SUITE)",
            candidate.display()
        ))
    }
}

fn sibling(of: Option<&PathBuf>, name: &str) -> Option<PathBuf> {
    let p = of?.parent()?.join(name);
    p.exists().then_some(p)
}

fn read_list(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Cases and statements per area (the first component of a case's file path), one line per
/// area in name order: `area: cases P passed, F failed, S skipped; statements P passed, F failed`.
/// Deviations count as failed cases, as in the closing line.
pub fn area_table(summary: &super::run::RunSummary, lists: &CaseLists) -> String {
    use std::collections::BTreeMap;
    #[derive(Default)]
    struct Area {
        passed: usize,
        failed: usize,
        skipped: usize,
        st_passed: usize,
        st_failed: usize,
    }
    let mut areas: BTreeMap<&str, Area> = BTreeMap::new();
    for o in &summary.outcomes {
        let name = o.file.split('/').next().unwrap_or(o.file.as_str());
        let a = areas.entry(name).or_default();
        let deviation = lists.deviations.contains_key(&o.id());
        match o.status {
            CaseStatus::Passed if !deviation => a.passed += 1,
            CaseStatus::Skipped => a.skipped += 1,
            _ => a.failed += 1,
        }
        a.st_passed += o.statements_passed;
        a.st_failed += o.statements_failed;
    }
    let width = areas.keys().map(|k| k.len()).max().unwrap_or(0);
    let mut text = String::new();
    for (name, a) in &areas {
        text.push_str(&format!(
            "{name:<width$}  cases {} passed, {} failed, {} skipped; statements {} passed, {} failed\n",
            a.passed, a.failed, a.skipped, a.st_passed, a.st_failed
        ));
    }
    text
}

/// The `ruzu-testfile` command: picks the engine (`--engine`), runs, returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>, out: &mut dyn Write) -> i32 {
    let args = match Args::try_parse_from(args) {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match args.engine.as_str() {
        "ruzu" => run_args(Arc::new(RuzuEngine), &args, out),
        "kuzu-python" => PyKuzuEngine::new(&args.python)
            .and_then(|engine| run_args(Arc::new(engine), &args, out)),
        other => Err(format!(
            "unknown engine {other} (expected ruzu or kuzu-python)"
        )),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ruzu-testfile: {e}");
            2
        }
    }
}

/// Runs the command with `args` (program name first) on `engine` (`--engine` is ignored),
/// writing the report to `out` and errors to stderr; returns the exit code.
pub fn main_with<E: Engine>(
    engine: Arc<E>,
    args: impl IntoIterator<Item = OsString>,
    out: &mut dyn Write,
) -> i32 {
    let args = match Args::try_parse_from(args) {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run_args(engine, &args, out) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ruzu-testfile: {e}");
            2
        }
    }
}

fn run_args<E: Engine>(engine: Arc<E>, args: &Args, out: &mut dyn Write) -> Result<i32, String> {
    let root = resolve_root(args.root.as_deref())?;
    let paths: Vec<PathBuf> = args
        .paths
        .iter()
        .map(|p| {
            let in_suite = root.join("test").join("test_files").join(p);
            if !p.exists() && in_suite.exists() {
                in_suite
            } else {
                p.clone()
            }
        })
        .collect();
    let files = collect_test_files(&paths).map_err(|e| e.to_string())?;
    if args.dump {
        let ctx = parse_context(&*engine, &root);
        let text = dump(&parse_files(&files, &root, &ctx));
        out.write_all(text.as_bytes())
            .map_err(|e| format!("cannot write: {e}"))?;
        return Ok(0);
    }
    let list_file = args.passing.as_ref().or(args.update_passing.as_ref());
    let mut lists = CaseLists::default();
    if let Some(p) = &args.passing {
        lists.passing = Some(parse_case_list(&read_list(p)?));
    }
    if let Some(p) = args
        .deviations
        .clone()
        .or_else(|| sibling(list_file, "kuzu-suite.deviations"))
    {
        lists.deviations = parse_deviations(&read_list(&p)?);
    }
    if let Some(p) = args
        .unstable
        .clone()
        .or_else(|| sibling(list_file, "kuzu-suite.unstable"))
    {
        lists.unstable = parse_case_list(&read_list(&p)?);
    }

    let opts = RunOptions {
        root: root.clone(),
        timeout: Duration::from_secs(args.timeout.max(1)),
        jobs: args.jobs.max(1),
        progress: args.progress,
    };
    let summary = run_files(engine, &files, &opts);
    let report = evaluate_lists(&summary, &lists);

    let mut text = String::new();
    for o in &summary.outcomes {
        if o.status != CaseStatus::Failed {
            continue;
        }
        let total = o.statements_passed + o.statements_failed;
        let mut head = format!("FAIL {}", o.id());
        if let Some(reason) = lists.deviations.get(&o.id()) {
            head.push_str(&format!(" (deviation: {reason})"));
        }
        text.push_str(&format!(
            "{head} ({} of {total} statements failed)\n{}\n",
            o.statements_failed, o.report
        ));
    }
    text.push_str(&report.render(args.strict));
    if args.by_area {
        text.push_str(&area_table(&summary, &lists));
    }
    let (sp, sf) = summary.statements();
    text.push_str(&format!("statements: {sp} passed, {sf} failed\n"));
    // Deviations count as failed cases.
    let deviation_passes = summary
        .outcomes
        .iter()
        .filter(|o| o.status == CaseStatus::Passed && lists.deviations.contains_key(&o.id()))
        .count();
    text.push_str(&format!(
        "{} passed, {} failed, {} skipped\n",
        summary.count(CaseStatus::Passed) - deviation_passes,
        summary.count(CaseStatus::Failed) + deviation_passes,
        summary.count(CaseStatus::Skipped)
    ));
    out.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write the report: {e}"))?;
    let _ = out.flush();

    if let Some(p) = &args.update_passing {
        let old = if p.exists() {
            parse_case_list(&read_list(p)?)
        } else {
            Default::default()
        };
        let new = updated_passing(&summary, &report, &lists, &old);
        write_passing(p, &new).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    Ok(if report.is_failure(args.strict) { 1 } else { 0 })
}

/// The `--dump` listing: each case with its steps and expectations.
pub fn dump(files: &[(String, Result<TestFile, String>)]) -> String {
    let mut s = String::new();
    for (display, parsed) in files {
        let file = match parsed {
            Ok(f) => f,
            Err(e) => {
                s.push_str(&format!("{display}: PARSE ERROR {e}\n"));
                continue;
            }
        };
        for case in &file.cases {
            let skipped = if file.disabled || case.is_disabled() {
                " [skipped]"
            } else {
                ""
            };
            let conns: Vec<&str> = case.connections.iter().map(|c| c.as_str()).collect();
            s.push_str(&format!(
                "{display}::{}{skipped} ({} statements; {})\n",
                case.name,
                case.statement_count(),
                conns.join(", ")
            ));
            for step in &case.steps {
                match step {
                    Step::Query(q) => {
                        let flags = [
                            (q.check_order, " ORDER"),
                            (q.check_column_names, " COLUMNS"),
                            (q.check_precision, " PRECISION"),
                        ]
                        .iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, f)| *f)
                        .collect::<String>();
                        s.push_str(&format!(
                            "  {}: [{}]{flags} {}\n",
                            q.line,
                            q.conn,
                            super::run::elide(&q.query, 200)
                        ));
                        for e in &q.expected {
                            let what = match e {
                                Expected::Ok => "ok".to_string(),
                                Expected::Error(m) => format!("error {}", m.replace('\n', "\\n")),
                                Expected::ErrorRegex(m) => format!("error(regex) {m}"),
                                Expected::Hash { tuples, md5 } => format!("hash {tuples} {md5}"),
                                Expected::Rows { count, .. } => format!("{count} rows"),
                                Expected::File { count, path } => {
                                    format!("{count} rows from {}", path.display())
                                }
                            };
                            s.push_str(&format!("    ---- {}\n", super::run::elide(&what, 200)));
                        }
                    }
                    Step::Log(l) => s.push_str(&format!("  -LOG {l}\n")),
                    Step::ReloadDb => s.push_str("  -RELOADDB\n"),
                    Step::BeginConcurrent => s.push_str("  -BEGIN_CONCURRENT_EXECUTION\n"),
                    Step::EndConcurrent => s.push_str("  -END_CONCURRENT_EXECUTION\n"),
                    Step::Unsupported { directive, line } => {
                        s.push_str(&format!("  {line}: unsupported {directive}\n"))
                    }
                }
            }
        }
    }
    s
}

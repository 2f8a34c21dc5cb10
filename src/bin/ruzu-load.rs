//! `ruzu-load`: bulk-loads CSV files into a new ruzu database file.
//!
//! `ruzu-load --schema schema.cypher --nodes Person.csv City.csv --rels knows.csv out.ruzu`
//! `--append DB` adds to an existing database; `--check` validates and writes nothing.
//! Exit codes: 0 loaded (bad rows within `--max-errors` included), 1 bad data or I/O error,
//! 2 bad usage.

use clap::Parser;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use ruzu::cli::{parse_size, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use ruzu::loader::csv::CsvOptions;
use ruzu::loader::load::{
    run_load, LoadMode, LoadProgress, LoadRequest, ProgressEvent, TableFiles,
};
use ruzu::loader::pipeline::CopySource;
use ruzu::Error;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Bulk-load CSV files into a new ruzu database file.
///
/// Each value of --nodes and --rels is FILE (the table is the file's stem) or
/// TABLE=FILE[,FILE...]. The last argument is the output file unless -o is given.
/// CSV files have a header row; an empty field is NULL; a rel file's first two
/// columns are the primary keys of the source and destination nodes.
#[derive(Parser, Debug)]
#[command(name = "ruzu-load", version, about, long_about = None)]
struct Args {
    /// Kuzu DDL: CREATE NODE TABLE / CREATE REL TABLE statements.
    #[arg(long, value_name = "FILE")]
    schema: PathBuf,
    /// Node table files: FILE, PATTERN (a table per match) or TABLE=FILE[,FILE...].
    #[arg(long, value_name = "SPEC", num_args = 1..)]
    nodes: Vec<String>,
    /// Rel table files: FILE, PATTERN (a table per match) or TABLE=FILE[,FILE...].
    #[arg(long, value_name = "SPEC", num_args = 1..)]
    rels: Vec<String>,
    /// The database file to create.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Memory limit of the whole load, e.g. 256MB (default: RAM/48, 256MB-1GB).
    #[arg(long, value_name = "SIZE")]
    memory_limit: Option<String>,
    /// Fix the 128-bit database id (32 hex digits) for byte-identical outputs.
    #[arg(long, value_name = "HEX")]
    db_id: Option<String>,
    /// Field delimiter (one character, or \t); detected among , | ; TAB when not given.
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,
    /// Quote character.
    #[arg(long, value_name = "CHAR", default_value = "\"")]
    quote: String,
    /// Escape character inside quotes (default: the quote, i.e. "" escapes ").
    #[arg(long, value_name = "CHAR")]
    escape: Option<String>,
    /// Records to skip at the start of each file, before the header.
    #[arg(long, value_name = "N", default_value_t = 0)]
    skip: u64,
    /// Skip up to N bad rows (reported on stderr and in the summary); one more fails the load.
    #[arg(long, value_name = "N")]
    max_errors: Option<u64>,
    /// Write the skipped rows to FILE as CSV: file,line,column,reason,record.
    #[arg(long, value_name = "FILE")]
    bad_rows: Option<PathBuf>,
    /// Validate everything, write nothing (exit 0 or 1).
    #[arg(long)]
    check: bool,
    /// Separator of the elements of array fields (neo4j-admin headers such as tags:string[]).
    #[arg(long, value_name = "CHAR", default_value = ";")]
    array_delimiter: String,
    /// Append to the existing database DB (new tables of the schema are added), all or
    /// nothing.
    #[arg(long, value_name = "DB")]
    append: Option<PathBuf>,
    /// The CSV files have no header row.
    #[arg(long)]
    no_header: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
    /// Print nothing on success.
    #[arg(short, long)]
    quiet: bool,
    /// The output file (alternative to -o).
    #[arg(value_name = "OUT")]
    out: Option<PathBuf>,
}

/// Options that take exactly one value (so the token after them is not the output).
const SINGLE_VALUED: &[&str] = &[
    "--schema",
    "-o",
    "--output",
    "--threads",
    "--memory-limit",
    "--db-id",
    "--delimiter",
    "--quote",
    "--escape",
    "--skip",
    "--max-errors",
    "--bad-rows",
    "--append",
    "--array-delimiter",
];

/// `--rels a.csv b.csv out.ruzu`: the trailing output would be taken as a rel file, so the
/// last argument is set apart as the output before clap sees the lists.
fn split_output(mut argv: Vec<String>) -> (Vec<String>, Option<String>) {
    let has_o = argv
        .iter()
        .any(|a| a == "-o" || a == "--output" || a.starts_with("--output="));
    if has_o || argv.len() < 2 {
        return (argv, None);
    }
    let last = argv[argv.len() - 1].clone();
    let prev = argv[argv.len() - 2].as_str();
    if last.starts_with('-') || SINGLE_VALUED.contains(&prev) {
        return (argv, None);
    }
    // --append names the database; --check needs no output, so its last argument is an
    // output only if it looks like one.
    if argv
        .iter()
        .any(|a| a == "--append" || a.starts_with("--append="))
        || (argv.iter().any(|a| a == "--check") && !last.ends_with(".ruzu"))
    {
        return (argv, None);
    }
    argv.pop();
    (argv, Some(last))
}

/// A table name from a file name: its stem, without `.csv` under a `.gz`.
fn stem(path: &str) -> Option<String> {
    let name = std::path::Path::new(path).file_name()?.to_str()?;
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".GZ"))
        .unwrap_or(name);
    let stem = match name.rsplit_once('.') {
        Some((s, _)) if !s.is_empty() => s,
        _ => name,
    };
    Some(stem.to_string())
}

/// The files a name stands for: itself, or the sorted matches of a `*`/`?`/`[...]` pattern
/// in its last component.
fn expand(name: &str) -> Result<Vec<CopySource>, Error> {
    let files = ruzu::planner::load_from::expand_files(name).map_err(|_| {
        Error::io(
            format!("cannot read {name}"),
            std::io::Error::from(std::io::ErrorKind::NotFound),
        )
    })?;
    Ok(files
        .into_iter()
        .map(|(path, display)| CopySource { path, display })
        .collect())
}

/// `FILE`, `PATTERN` (each match a table named by its stem) or `TABLE=FILE[,FILE...]` (files
/// may be patterns).
fn table_files(spec: &str) -> Result<Vec<TableFiles>, Error> {
    let bad = || {
        Error::Usage(format!(
            "bad table spec '{spec}' (expected FILE or TABLE=FILE[,FILE...])"
        ))
    };
    match spec.split_once('=') {
        Some((t, f)) => {
            if t.is_empty() || f.split(',').any(str::is_empty) {
                return Err(bad());
            }
            let mut files = Vec::new();
            for name in f.split(',') {
                files.extend(expand(name)?);
            }
            Ok(vec![TableFiles {
                table: t.to_string(),
                files,
            }])
        }
        None => {
            if spec.is_empty() {
                return Err(bad());
            }
            let mut out = Vec::new();
            for src in expand(spec)? {
                let table = stem(&src.display).ok_or_else(|| {
                    Error::Usage(format!("cannot derive a table name from '{}'", src.display))
                })?;
                out.push(TableFiles {
                    table,
                    files: vec![src],
                });
            }
            Ok(out)
        }
    }
}

fn one_char(flag: &str, s: &str) -> Result<u8, Error> {
    match s.as_bytes() {
        [b] => Ok(*b),
        b"\\t" => Ok(b'\t'),
        _ => Err(Error::Usage(format!(
            "{flag} must be one character, got '{s}'"
        ))),
    }
}

fn parse_db_id(s: &str) -> Result<[u8; 16], Error> {
    let bad = || Error::Usage(format!("--db-id must be 32 hex digits, got '{s}'"));
    if s.len() != 32 {
        return Err(bad());
    }
    let mut id = [0u8; 16];
    for (i, b) in id.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(id)
}

fn run(args: Args, trailing_out: Option<String>) -> Result<bool, Error> {
    let given = match (args.output, args.out, trailing_out.map(PathBuf::from)) {
        (Some(o), None, None) | (None, Some(o), None) | (None, None, Some(o)) => Some(o),
        (None, None, None) => None,
        _ => return Err(Error::Usage("more than one output file given".into())),
    };
    let (mode, output) = match (&args.append, args.check, given) {
        (Some(_), true, _) => {
            return Err(Error::Usage(
                "--append and --check exclude each other".into(),
            ))
        }
        (Some(db), false, None) => (LoadMode::Append, db.clone()),
        (Some(_), false, Some(_)) => {
            return Err(Error::Usage(
                "--append names the database; give no other output file".into(),
            ))
        }
        (None, true, o) => (LoadMode::Check, o.unwrap_or_default()),
        (None, false, Some(o)) => (LoadMode::Create, o),
        (None, false, None) => {
            return Err(Error::Usage(
                "no output file given (last argument or -o FILE)".into(),
            ))
        }
    };
    if args.force && mode != LoadMode::Create {
        return Err(Error::Usage(
            "--force only applies when creating a database".into(),
        ));
    }
    let schema_text = std::fs::read_to_string(&args.schema)
        .map_err(|e| Error::io(format!("cannot read {}", args.schema.display()), e))?;
    let schema_display = args.schema.display().to_string();
    let catalog = ruzu::loader::schema::catalog_from_schema(&schema_text, &schema_display)?;
    let delimiter = args
        .delimiter
        .as_deref()
        .map(|d| one_char("--delimiter", d))
        .transpose()?;
    let quote = one_char("--quote", &args.quote)?;
    let escape = match &args.escape {
        Some(e) => one_char("--escape", e)?,
        None => quote,
    };
    let memory_limit = match &args.memory_limit {
        Some(s) => parse_size(s).map_err(Error::Usage)?,
        None => ruzu::loader::spill::default_memory_limit(),
    };
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    if threads == 0 {
        return Err(Error::Usage("--threads must be at least 1".into()));
    }
    let csv = CsvOptions {
        header: Some(!args.no_header),
        delimiter,
        quote: Some(quote),
        escape: Some(escape),
        skip: args.skip,
        // Header fields are matched to the schema's columns by name (neo4j-admin headers
        // included); a plain header with other names is read by position.
        match_header: !args.no_header,
        array_delimiter: one_char("--array-delimiter", &args.array_delimiter)?,
        // Only what is not given is detected (the delimiter).
        auto_detect: delimiter.is_none(),
        ..CsvOptions::default()
    };
    let mut nodes = Vec::new();
    for s in &args.nodes {
        nodes.extend(table_files(s)?);
    }
    let mut rels = Vec::new();
    for s in &args.rels {
        rels.extend(table_files(s)?);
    }
    let req = LoadRequest {
        catalog,
        schema_text,
        schema_display,
        nodes,
        rels,
        output,
        force: args.force,
        mode,
        threads,
        memory_limit,
        db_id: args.db_id.as_deref().map(parse_db_id).transpose()?,
        csv,
        max_errors: args.max_errors,
        bad_rows: args.bad_rows.clone(),
        progress: None,
    };
    // Bars only for a person watching: stderr a terminal and not --quiet.
    let bars = (!args.quiet && std::io::stderr().is_terminal()).then(Bars::new);
    let req = LoadRequest {
        progress: bars.as_ref().map(Bars::hook),
        ..req
    };
    if req.nodes.is_empty() && req.rels.is_empty() {
        return Err(Error::Usage(
            "nothing to load: give --nodes and/or --rels".into(),
        ));
    }
    let result = run_load(&req);
    if let Some(b) = &bars {
        b.clear();
    }
    let report = result?;
    if !report.bad_rows.is_empty() {
        eprintln!(
            "ruzu-load: skipped {} bad row{}{}",
            report.bad_rows.len(),
            if report.bad_rows.len() == 1 { "" } else { "s" },
            match &args.bad_rows {
                Some(p) => format!(" (written to {})", p.display()),
                None => String::new(),
            }
        );
        if !args.quiet && args.bad_rows.is_none() {
            for r in report.bad_rows.iter().take(10) {
                eprintln!("  {}", r.location_form());
            }
        }
    }
    if args.quiet && !args.json {
        return Ok(true);
    }
    let mut out = std::io::stdout().lock();
    let text = if args.json {
        report.to_json() + "\n"
    } else {
        let mut s = String::new();
        for t in &report.tables {
            s.push_str(&format!(
                "{:<20} {:<4} {:>12} rows {:>8.2} s\n",
                t.name,
                if t.is_node { "node" } else { "rel" },
                t.rows,
                t.seconds
            ));
        }
        let skipped = if report.bad_rows.is_empty() {
            String::new()
        } else {
            format!(", {} bad rows skipped", report.bad_rows.len())
        };
        match report.mode {
            LoadMode::Check => s.push_str(&format!(
                "checked: {} tables, {} rows{skipped}, nothing written, in {:.2} s\n",
                report.tables.len(),
                report.rows(),
                report.seconds
            )),
            LoadMode::Create | LoadMode::Append => s.push_str(&format!(
                "{} {}: {} tables, {} rows{skipped}, {} bytes in {:.2} s\n",
                if report.mode == LoadMode::Append {
                    "appended to"
                } else {
                    "loaded"
                },
                report.output.display(),
                report.tables.len(),
                report.rows(),
                report.file_size,
                report.seconds
            )),
        }
        s
    };
    if let Err(e) = out.write_all(text.as_bytes()) {
        if !ruzu::cli::is_broken_pipe(&e) {
            return Err(Error::io("cannot write the summary", e));
        }
    }
    Ok(true)
}

/// Progress bars on stderr: one per table (bytes read, rows and rows/s, ETA), then one for
/// finishing the file.
struct Bars {
    multi: MultiProgress,
    state: Arc<Mutex<BarState>>,
}

struct BarState {
    bar: Option<ProgressBar>,
    rows: u64,
    start: std::time::Instant,
}

impl Bars {
    fn new() -> Bars {
        Bars {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            state: Arc::new(Mutex::new(BarState {
                bar: None,
                rows: 0,
                start: std::time::Instant::now(),
            })),
        }
    }

    fn hook(&self) -> LoadProgress {
        let multi = self.multi.clone();
        let state = self.state.clone();
        LoadProgress(Arc::new(move |e| {
            let Ok(mut st) = state.lock() else {
                return;
            };
            match e {
                ProgressEvent::TableStart {
                    name,
                    is_node,
                    bytes,
                } => {
                    let bar = match bytes {
                        Some(n) => multi.add(ProgressBar::new(n)).with_style(
                            ProgressStyle::with_template(
                                "{prefix:>20} [{bar:30}] {bytes:>10}/{total_bytes:<10} {msg} ETA {eta}",
                            )
                            .unwrap_or_else(|_| ProgressStyle::default_bar())
                            .progress_chars("=> "),
                        ),
                        None => multi.add(ProgressBar::new_spinner()).with_style(
                            ProgressStyle::with_template(
                                "{prefix:>20} {spinner} {bytes:>10} {msg}",
                            )
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                        ),
                    };
                    bar.set_prefix(format!("{name} ({})", if is_node { "node" } else { "rel" }));
                    bar.enable_steady_tick(std::time::Duration::from_millis(200));
                    st.bar = Some(bar);
                    st.rows = 0;
                    st.start = std::time::Instant::now();
                }
                ProgressEvent::Read { bytes, rows } => {
                    st.rows += rows;
                    let secs = st.start.elapsed().as_secs_f64().max(1e-3);
                    let msg = format!("{} rows, {:.0} rows/s", st.rows, st.rows as f64 / secs);
                    if let Some(b) = &st.bar {
                        b.inc(bytes);
                        if b.length().is_some_and(|l| b.position() >= l) {
                            b.set_message(format!("{msg}; indexing, sorting, writing"));
                        } else {
                            b.set_message(msg);
                        }
                    }
                }
                ProgressEvent::TableDone { rows, seconds, .. } => {
                    if let Some(b) = st.bar.take() {
                        b.finish_with_message(format!("{rows} rows in {seconds:.2} s"));
                    }
                }
                ProgressEvent::Finishing => {
                    let b = multi.add(ProgressBar::new_spinner());
                    b.set_message("writing the checkpoint");
                    b.enable_steady_tick(std::time::Duration::from_millis(200));
                    st.bar = Some(b);
                }
            }
        }))
    }

    fn clear(&self) {
        if let Ok(mut st) = self.state.lock() {
            if let Some(b) = st.bar.take() {
                b.finish_and_clear();
            }
        }
        let _ = self.multi.clear();
    }
}

/// glibc gives each thread that allocates its own malloc arena and keeps what is freed in
/// them: the loader's pipeline and rayon threads held ~35 MiB of RSS beyond the memory
/// budget that way at scale 1 with `--memory-limit 256MB` (294 against 263 MiB with 2
/// arenas, same time). Two arenas keep two threads from contending on one.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets a tuning parameter of the allocator; it is called before
    // any other thread of the process exists, and an unsupported value is simply refused.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn main() {
    limit_malloc_arenas();
    let (argv, trailing) = split_output(std::env::args().collect());
    let args = match Args::try_parse_from(argv) {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match run(args, trailing) {
        Ok(_) => EXIT_OK,
        Err(Error::Input(e)) => {
            eprintln!("{}", e.location_form());
            if let Some(r) = &e.record {
                eprintln!("  record: {r}");
            }
            EXIT_FAILURE
        }
        Err(Error::Usage(m)) => {
            eprintln!("ruzu-load: {m}");
            EXIT_USAGE
        }
        Err(e) => {
            eprintln!("ruzu-load: {e}");
            EXIT_FAILURE
        }
    };
    std::process::exit(code);
}

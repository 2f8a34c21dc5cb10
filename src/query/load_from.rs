//! `LOAD FROM` (Kuzu's scan of a CSV file as a reading clause): binding and the scan operator.
//!
//! Owns: Kuzu's CSV option binding for LOAD FROM (`csv_options`, Kuzu's messages), the
//! resolution of the source (file, list of files, glob pattern, `$param`), sniffing each
//! file's columns (`loader::csv::sniff_columns`) into a `LoadFromSpec`, the `LoadFromScan`
//! operator that streams the file through the parallel CSV reader (`loader::csv::read_csv`)
//! on a reader thread in bounded batches, and the warnings of rows skipped with
//! `IGNORE_ERRORS` (`LoadWarnings`, collected per plan by `plan_warnings`).

use crate::cypher::ast::{self, Expr, ExprKind, Literal, OptionEntry, ScanSource};
use crate::db::Params;
use crate::error::{Error, InputError, Result};
use crate::exec::{DataChunk, ExecContext, Operator, VECTOR_CAPACITY};
use crate::loader::csv::{read_csv, sniff_columns, CsvBatch, CsvOptions, CsvSchema, LineNumbers};
use crate::planner::Plan;
use crate::types::{LogicalType, Value};
use parking_lot::Mutex;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows skipped with `IGNORE_ERRORS`, filled as the scan reads its files.
pub type LoadWarnings = Arc<Mutex<Vec<InputError>>>;

/// One file of a LOAD FROM, with the options it is read with (dialect and header fixed).
#[derive(Debug, Clone)]
pub struct LoadFile {
    pub path: PathBuf,
    /// The name as the user wrote it (messages, warnings).
    pub display: String,
    pub csv: CsvOptions,
}

/// A bound LOAD FROM: its files and result columns.
#[derive(Debug, Clone)]
pub struct LoadFromSpec {
    pub files: Vec<LoadFile>,
    pub columns: Vec<(String, LogicalType)>,
    pub warnings: LoadWarnings,
}

fn option_name(o: &OptionEntry) -> String {
    o.name.to_ascii_uppercase()
}

fn literal(e: &Expr) -> Option<&Literal> {
    match &e.kind {
        ExprKind::Literal(l) => Some(l),
        _ => None,
    }
}

fn bool_option(o: &OptionEntry, name: &str) -> Result<bool> {
    let bad = || {
        Error::Binder(format!(
            "The type of csv parsing option {name} must be a boolean."
        ))
    };
    let Some(e) = &o.value else { return Ok(true) };
    let text = match literal(e).ok_or_else(bad)? {
        Literal::Boolean(b) => return Ok(*b),
        Literal::Integer(i) => i.to_string(),
        Literal::String(s) => s.to_ascii_uppercase(),
        _ => return Err(bad()),
    };
    match text.as_str() {
        "TRUE" | "1" => Ok(true),
        "FALSE" | "0" => Ok(false),
        _ => Err(bad()),
    }
}

fn char_option(o: &OptionEntry, name: &str) -> Result<u8> {
    let s = match o.value.as_ref().and_then(literal) {
        Some(Literal::String(s)) => s.clone(),
        _ => {
            return Err(Error::Binder(format!(
                "The type of csv parsing option {name} must be a string."
            )))
        }
    };
    if s == "\\t" {
        return Ok(b'\t');
    }
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 2 || (b.len() == 2 && b[0] != b'\\') {
        return Err(Error::Binder(
            "Copy csv option value must be a single character with an optional escape character."
                .into(),
        ));
    }
    Ok(b[b.len() - 1])
}

fn int_option(o: &OptionEntry, name: &str) -> Result<u64> {
    match o.value.as_ref().and_then(literal) {
        Some(Literal::Integer(i)) if *i >= 0 => u64::try_from(*i).map_err(|_| {
            Error::Binder(format!(
                "The type of csv parsing option {name} must be a INT64."
            ))
        }),
        Some(Literal::Integer(_)) => Err(Error::Runtime(if name == "SKIP" {
            "Skip number must be a non-negative integer".into()
        } else {
            "Sample size must be a non-negative integer".into()
        })),
        _ => Err(Error::Binder(format!(
            "The type of csv parsing option {name} must be a INT64."
        ))),
    }
}

fn list_option(o: &OptionEntry, name: &str) -> Result<Vec<String>> {
    let bad = || {
        Error::Binder(format!(
            "The type of csv parsing option {name} must be a STRING[]."
        ))
    };
    match o.value.as_ref().map(|e| &e.kind) {
        Some(ExprKind::List(items)) => items
            .iter()
            .map(|i| match literal(i) {
                Some(Literal::String(s)) => Ok(s.clone()),
                _ => Err(bad()),
            })
            .collect(),
        _ => Err(bad()),
    }
}

/// Kuzu's CSV options of `LOAD FROM`/`COPY FROM` (`CSVReaderConfig::construct`), with its
/// messages. Line numbers are Kuzu's record numbers; a parallel read refuses quoted line
/// breaks as Kuzu's parallel reader does; `SKIP` makes the read serial.
pub fn csv_options(opts: &[OptionEntry]) -> Result<CsvOptions> {
    let mut csv = CsvOptions {
        line_numbers: LineNumbers::Record,
        ..CsvOptions::default()
    };
    for o in opts {
        let name = option_name(o);
        match name.as_str() {
            "HEADER" => csv.header = Some(bool_option(o, &name)?),
            "PARALLEL" => csv.parallel = bool_option(o, &name)?,
            "LIST_UNBRACED" => csv.list_unbraced = bool_option(o, &name)?,
            "IGNORE_ERRORS" => csv.ignore_errors = bool_option(o, &name)?,
            "AUTODETECT" | "AUTO_DETECT" => csv.auto_detect = bool_option(o, &name)?,
            "ESCAPE" => csv.escape = Some(char_option(o, &name)?),
            "DELIM" | "DELIMITER" => csv.delimiter = Some(char_option(o, &name)?),
            "QUOTE" => csv.quote = Some(char_option(o, &name)?),
            "SKIP" => csv.skip = int_option(o, &name)?,
            "SAMPLE_SIZE" => csv.sample_size = int_option(o, &name)? as usize,
            "NULL_STRINGS" => csv.null_strings = list_option(o, &name)?,
            _ => {
                return Err(Error::Binder(format!(
                    "Unrecognized csv parsing option: {name}."
                )))
            }
        }
    }
    if csv.skip > 0 {
        csv.parallel = false;
    }
    csv.refuse_quoted_newlines = csv.parallel;
    Ok(csv)
}

/// Whether a file name pattern has glob wildcards.
fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Glob matching of one path component (`*`, `?`, `[abc]`).
fn glob_match(pat: &[u8], s: &[u8]) -> bool {
    match pat.first() {
        None => s.is_empty(),
        Some(b'*') => (0..=s.len()).any(|i| glob_match(&pat[1..], &s[i..])),
        Some(b'?') => !s.is_empty() && glob_match(&pat[1..], &s[1..]),
        Some(b'[') => match pat.iter().position(|&c| c == b']') {
            Some(end) if !s.is_empty() => {
                pat[1..end].contains(&s[0]) && glob_match(&pat[end + 1..], &s[1..])
            }
            _ => false,
        },
        Some(&c) => s.first() == Some(&c) && glob_match(&pat[1..], &s[1..]),
    }
}

/// The files a name stands for: itself, or the sorted matches of a pattern in its last
/// component. Kuzu's error when nothing matches.
pub fn expand_files(name: &str) -> Result<Vec<(PathBuf, String)>> {
    let none = || Error::Binder(format!("No file found that matches the pattern: {name}."));
    let path = Path::new(name);
    if !is_pattern(name) {
        return if path.is_file() {
            Ok(vec![(path.to_path_buf(), name.to_string())])
        } else {
            Err(none())
        };
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let pat = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .ok_or_else(none)?;
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .map_err(|_| none())?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .filter(|e| glob_match(pat.as_bytes(), e.file_name().to_string_lossy().as_bytes()))
        .map(|e| {
            let p = e.path();
            let shown = p.to_string_lossy().into_owned();
            (p, shown)
        })
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(none());
    }
    Ok(out)
}

/// The file names of a LOAD FROM / COPY FROM source.
pub fn source_names(src: &ScanSource, params: &Params) -> Result<Vec<String>> {
    match src {
        ScanSource::Files { paths, .. } => Ok(paths.clone()),
        ScanSource::Parameter(p) => match params.get(p) {
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::List(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(Error::Binder(
                        "LOAD FROM parameter must be a STRING or a STRING[].".into(),
                    )),
                })
                .collect(),
            Some(_) => Err(Error::Binder(
                "LOAD FROM parameter must be a STRING or a STRING[].".into(),
            )),
            None => Err(Error::Binder(format!("Parameter {p} not found."))),
        },
        ScanSource::Query(_) => Err(Error::Binder(
            "LOAD FROM cannot read from a subquery.".into(),
        )),
        ScanSource::Variable(v) | ScanSource::VariableProperty { variable: v, .. } => {
            Err(Error::Binder(format!("Variable {v} is not in scope.")))
        }
        ScanSource::Function(f) => Err(Error::NotImplemented(format!(
            "LOAD FROM a table function ({})",
            f.name
        ))),
    }
}

fn check_file_type(name: &str) -> Result<()> {
    let lower = name.to_ascii_lowercase();
    for ext in [
        ".parquet", ".npy", ".json", ".jsonl", ".ttl", ".nt", ".nq", ".gz", ".zst",
    ] {
        if lower.ends_with(ext) {
            return Err(Error::NotImplemented(format!(
                "LOAD FROM a {} file",
                &ext[1..]
            )));
        }
    }
    Ok(())
}

/// Binds a LOAD FROM clause: resolves its files, binds its options and sniffs the columns
/// (those of `WITH HEADERS (...)` when given; every file must have as many).
pub fn bind_load_from(l: &ast::LoadFrom, params: &Params) -> Result<LoadFromSpec> {
    let opts = csv_options(&l.options)?;
    let given: Option<Vec<(String, LogicalType)>> = match &l.headers {
        Some(h) => Some(
            h.iter()
                .map(|c| {
                    Ok((
                        c.name.clone(),
                        crate::binder::ddl::logical_type(&c.data_type)?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        None => None,
    };
    let mut files = Vec::new();
    for name in source_names(&l.source, params)? {
        check_file_type(&name)?;
        files.extend(expand_files(&name)?);
    }
    let mut columns: Option<Vec<(String, LogicalType)>> = None;
    let mut out = Vec::new();
    for (path, display) in files {
        let sniffed = sniff_columns(&path, &display, &opts, given.as_deref())?;
        match &columns {
            None => columns = Some(sniffed.columns.clone()),
            Some(c) if !sniffed.columns.is_empty() && sniffed.columns.len() != c.len() => {
                return Err(Error::Binder(format!(
                    "Number of columns mismatch. Expected {} but got {}.",
                    c.len(),
                    sniffed.columns.len()
                )))
            }
            Some(_) => {}
        }
        let d = sniffed.dialect;
        let csv = CsvOptions {
            delimiter: Some(d.delimiter),
            quote: Some(d.quote),
            escape: Some(d.escape),
            header: Some(d.header),
            auto_detect: false,
            ..opts.clone()
        };
        out.push(LoadFile { path, display, csv });
    }
    Ok(LoadFromSpec {
        files: out,
        columns: columns.unwrap_or_default(),
        warnings: LoadWarnings::default(),
    })
}

/// The warnings of every LOAD FROM in a plan (rows skipped with `IGNORE_ERRORS`), in plan
/// order; complete once the plan has run to its end. For the connection's warning store
/// (`CALL show_warnings()`).
pub fn plan_warnings(plan: &Plan) -> Vec<InputError> {
    let mut out = Vec::new();
    plan.visit(&mut |p| {
        if let Plan::LoadFrom { spec } = p {
            out.extend(spec.warnings.lock().iter().cloned());
        }
    });
    out
}

type Batch = Result<DataChunk>;

/// Streams the rows of a LOAD FROM's files: a reader thread runs the parallel CSV reader and
/// hands batches over a bounded channel (at most two batches wait), split here into
/// batches of at most `VECTOR_CAPACITY` rows.
pub struct LoadFromScan {
    spec: Arc<LoadFromSpec>,
    threads: usize,
    rx: Option<crossbeam_channel::Receiver<Batch>>,
    current: Option<DataChunk>,
    pos: usize,
    done: bool,
}

impl LoadFromScan {
    pub fn new(spec: Arc<LoadFromSpec>, threads: usize) -> Self {
        LoadFromScan {
            spec,
            threads: threads.max(1),
            rx: None,
            current: None,
            pos: 0,
            done: false,
        }
    }

    fn start(&mut self) {
        let (tx, rx) = crossbeam_channel::bounded::<Batch>(2);
        let spec = self.spec.clone();
        let threads = self.threads;
        std::thread::spawn(move || {
            let schema = CsvSchema {
                columns: spec.columns.clone(),
            };
            for f in &spec.files {
                let r = read_csv(
                    &f.path,
                    &f.display,
                    &f.csv,
                    &schema,
                    threads,
                    |b: CsvBatch| {
                        let len = b.len();
                        tx.send(Ok(DataChunk {
                            columns: b.columns,
                            len,
                        }))
                        // The scan was dropped (e.g. LIMIT reached): stop reading.
                        .map_err(|_| Error::Interrupted)
                    },
                );
                match r {
                    Ok(summary) => spec.warnings.lock().extend(summary.warnings),
                    Err(e) => {
                        // Nobody listens any more when the scan was dropped.
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
        });
        self.rx = Some(rx);
    }
}

impl Operator for LoadFromScan {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        loop {
            ctx.check()?;
            let len = self.current.as_ref().map_or(0, |c| c.len);
            if self.pos < len {
                let n = (len - self.pos).min(VECTOR_CAPACITY);
                let out = match self.current.take() {
                    Some(c) if self.pos == 0 && n == len => c,
                    Some(c) => {
                        let s = c.slice(self.pos, n);
                        self.current = Some(c);
                        s
                    }
                    None => DataChunk::rows_only(0),
                };
                self.pos += n;
                return Ok(Some(out));
            }
            self.current = None;
            if self.done {
                return Ok(None);
            }
            if self.rx.is_none() {
                self.start();
            }
            let Some(rx) = &self.rx else {
                return Ok(None);
            };
            match rx.recv() {
                Ok(Ok(c)) => {
                    self.current = Some(c);
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => {
                    // The reader finished.
                    self.done = true;
                    return Ok(None);
                }
            }
        }
    }

    fn types(&self) -> Vec<LogicalType> {
        self.spec.columns.iter().map(|c| c.1.clone()).collect()
    }

    fn name(&self) -> &'static str {
        "LOAD_FROM"
    }
}

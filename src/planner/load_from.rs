//! `LOAD FROM` binding: Kuzu's CSV option binding (`csv_options`, Kuzu's messages), the
//! resolution of the source (file, list of files, glob pattern, `$param`), and sniffing each
//! file's columns (`loader::csv::sniff_columns`) into a `LoadFromSpec`. The scan operator is
//! `query::load_from::LoadFromScan`.

use crate::cypher::ast::{self, Expr, ExprKind, Literal, OptionEntry, ScanSource};
use crate::error::{Error, InputError, Result};
use crate::loader::csv::{sniff_columns, CsvOptions, LineNumbers};
use crate::types::{LogicalType, Params, Value};
use parking_lot::Mutex;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows skipped with `IGNORE_ERRORS`, filled as the scan reads its files.
/// Bytes of CSV text parsed per chunk: small enough that the batches in flight stay a few
/// MiB, large enough to keep the reader threads busy.
pub const LOAD_CHUNK_BYTES: usize = 1 << 20;

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
    // Quoted line breaks are read in parallel, as COPY reads them (Kuzu refuses them unless
    // PARALLEL=FALSE: a recorded deviation).
    csv.refuse_quoted_newlines = false;
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
    // A gzip-compressed CSV (`x.csv.gz`) is read like the CSV it holds.
    let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
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
            chunk_size: LOAD_CHUNK_BYTES,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::FixedBudget;
    use crate::exec::{DataChunk, ExecContext, Operator, VECTOR_CAPACITY};
    use crate::planner::Plan;
    use crate::query::load_from::{plan_warning_lists, plan_warnings, LoadFromScan};

    fn load_clause(text: &str) -> ast::LoadFrom {
        let stmts = crate::cypher::parse(text).unwrap();
        let ast::StatementKind::Query(q) = &stmts[0].kind else {
            panic!("not a query")
        };
        match &q.first.reading_clauses[0] {
            ast::ReadingClause::LoadFrom(l) => l.clone(),
            other => panic!("not LOAD FROM: {other:?}"),
        }
    }

    fn options(text: &str) -> Result<CsvOptions> {
        csv_options(&load_clause(&format!("LOAD FROM 'f.csv' {text} RETURN *")).options)
    }

    #[test]
    fn binds_kuzu_options() {
        let o = options(
            "(header=true, delim='|', quote=\"'\", escape='\\\\', skip=2, sample_size=5, \
             ignore_errors=1, auto_detect=false, null_strings=['NULL', 'x'], list_unbraced='true')",
        )
        .unwrap();
        assert_eq!(o.header, Some(true));
        assert_eq!(o.delimiter, Some(b'|'));
        assert_eq!(o.quote, Some(b'\''));
        assert_eq!(o.escape, Some(b'\\'));
        assert_eq!(o.skip, 2);
        assert_eq!(o.sample_size, 5);
        assert!(o.ignore_errors);
        assert!(!o.auto_detect);
        assert_eq!(o.null_strings, vec!["NULL".to_string(), "x".to_string()]);
        assert!(o.list_unbraced);
        // SKIP makes the read serial; a serial read accepts quoted line breaks.
        assert!(!o.parallel);
        assert!(!o.refuse_quoted_newlines);
        assert_eq!(o.line_numbers, LineNumbers::Record);
        let p = options("(DELIM='\\t')").unwrap();
        assert_eq!(p.delimiter, Some(b'\t'));
        assert!(p.parallel && !p.refuse_quoted_newlines);
    }

    #[test]
    fn option_errors_use_kuzu_messages() {
        let msg = |t: &str| options(t).unwrap_err().to_string();
        assert_eq!(
            msg("(skip=2.5)"),
            "Binder exception: The type of csv parsing option SKIP must be a INT64."
        );
        assert_eq!(
            msg("(header='yes')"),
            "Binder exception: The type of csv parsing option HEADER must be a boolean."
        );
        assert_eq!(
            msg("(delim=1)"),
            "Binder exception: The type of csv parsing option DELIM must be a string."
        );
        assert_eq!(
            msg("(delim='ab')"),
            "Binder exception: Copy csv option value must be a single character with an optional escape character."
        );
        assert_eq!(
            msg("(null_strings='x')"),
            "Binder exception: The type of csv parsing option NULL_STRINGS must be a STRING[]."
        );
        assert_eq!(
            msg("(bogus=1)"),
            "Binder exception: Unrecognized csv parsing option: BOGUS."
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match(b"*.csv", b"a.csv"));
        assert!(glob_match(b"v?.csv", b"v1.csv"));
        assert!(!glob_match(b"v?.csv", b"v12.csv"));
        assert!(glob_match(b"[ab]*", b"b.txt"));
        assert!(!glob_match(b"[ab]*", b"c.txt"));
        let dir = tempfile::tempdir().unwrap();
        for n in ["b.csv", "a.csv", "c.txt"] {
            std::fs::write(dir.path().join(n), "1\n").unwrap();
        }
        let pat = dir.path().join("*.csv").display().to_string();
        let found: Vec<String> = expand_files(&pat)
            .unwrap()
            .into_iter()
            .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(found, vec!["a.csv".to_string(), "b.csv".to_string()]);
        let none = dir.path().join("*.parquet").display().to_string();
        assert_eq!(
            expand_files(&none).unwrap_err().to_string(),
            format!("Binder exception: No file found that matches the pattern: {none}.")
        );
    }

    fn scan_all(spec: LoadFromSpec, ctx: &ExecContext) -> Result<Vec<DataChunk>> {
        let mut op = LoadFromScan::new(Arc::new(spec), 2);
        let mut out = Vec::new();
        while let Some(c) = op.next(ctx)? {
            out.push(c);
        }
        Ok(out)
    }

    #[test]
    fn scan_streams_batches_of_at_most_vector_capacity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.csv");
        let text: String = (0..5000).map(|i| format!("{i},v{i}\n")).collect();
        std::fs::write(&path, text).unwrap();
        let l = load_clause(&format!("LOAD FROM '{}' RETURN *", path.display()));
        let spec = bind_load_from(&l, &Params::new()).unwrap();
        assert_eq!(
            spec.columns,
            vec![
                ("column0".to_string(), LogicalType::Int64),
                ("column1".to_string(), LogicalType::String)
            ]
        );
        let chunks = scan_all(spec, &ExecContext::default()).unwrap();
        assert!(chunks.iter().all(|c| c.len <= VECTOR_CAPACITY));
        let rows: Vec<Vec<Value>> = chunks.iter().flat_map(|c| c.rows()).collect();
        assert_eq!(rows.len(), 5000);
        assert_eq!(
            rows[4321],
            vec![Value::Int64(4321), Value::String("v4321".into())]
        );
    }

    #[test]
    fn scan_charges_the_budget_and_keeps_warnings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.csv");
        std::fs::write(&path, "a,b\n1,2\n3\nx,4,5\n6,7\n").unwrap();
        let l = load_clause(&format!(
            "LOAD FROM '{}' (header=true, ignore_errors=true) RETURN *",
            path.display()
        ));
        let spec = bind_load_from(&l, &Params::new()).unwrap();
        let small = ExecContext::new(Arc::new(FixedBudget::new(1 << 20)));
        assert!(matches!(
            scan_all(spec.clone(), &small),
            Err(Error::OutOfMemory { .. })
        ));
        let chunks = scan_all(spec.clone(), &ExecContext::default()).unwrap();
        let rows: Vec<Vec<Value>> = chunks.iter().flat_map(|c| c.rows()).collect();
        assert_eq!(
            rows,
            vec![
                vec![Value::Int64(1), Value::Int64(2)],
                vec![Value::Int64(6), Value::Int64(7)]
            ]
        );
        let plan = Plan::LoadFrom {
            spec: Arc::new(spec),
        };
        // The scan above ran on a clone sharing the same warning list.
        assert_eq!(plan_warning_lists(&plan)[0].lock().len(), 2);
        let w = plan_warnings(&plan);
        let shown: Vec<(u64, String, Option<String>)> = w
            .iter()
            .map(|e| (e.line, e.reason.clone(), e.record.clone()))
            .collect();
        assert_eq!(
            shown,
            vec![
                (
                    3,
                    "expected 2 values per row, but got 1.".to_string(),
                    Some("3".to_string())
                ),
                (
                    4,
                    "Conversion exception: Cast failed. Could not convert \"x\" to INT64."
                        .to_string(),
                    Some("x...".to_string())
                ),
            ]
        );
    }
}

//! `ruzu-load`: bulk-loads CSV files into a new ruzu database file.
//!
//! `ruzu-load --schema schema.cypher --nodes Person.csv City.csv --rels knows.csv out.ruzu`
//! Exit codes: 0 loaded, 1 bad data or I/O error, 2 bad usage.

use clap::Parser;
use ruzu::cli::{parse_size, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use ruzu::loader::csv::CsvOptions;
use ruzu::loader::load::{run_load, LoadRequest, TableFiles};
use ruzu::loader::pipeline::CopySource;
use ruzu::Error;
use std::io::Write;
use std::path::PathBuf;

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
    /// Node table files: FILE or TABLE=FILE[,FILE...].
    #[arg(long, value_name = "SPEC", num_args = 1..)]
    nodes: Vec<String>,
    /// Rel table files: FILE or TABLE=FILE[,FILE...].
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
    /// Memory limit of the whole load, e.g. 256MB (default: RAM/32, 256MB-1GB).
    #[arg(long, value_name = "SIZE")]
    memory_limit: Option<String>,
    /// Fix the 128-bit database id (32 hex digits) for byte-identical outputs.
    #[arg(long, value_name = "HEX")]
    db_id: Option<String>,
    /// Field delimiter (one character).
    #[arg(long, value_name = "CHAR", default_value = ",")]
    delimiter: String,
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
    argv.pop();
    (argv, Some(last))
}

fn table_files(spec: &str) -> Result<TableFiles, Error> {
    let (table, files) = match spec.split_once('=') {
        Some((t, f)) => (t.to_string(), f.split(',').map(str::to_string).collect()),
        None => {
            let stem = std::path::Path::new(spec)
                .file_stem()
                .and_then(|s| s.to_str())
                .ok_or_else(|| Error::Usage(format!("cannot derive a table name from '{spec}'")))?;
            (stem.to_string(), vec![spec.to_string()])
        }
    };
    if table.is_empty() || files.iter().any(|f: &String| f.is_empty()) {
        return Err(Error::Usage(format!(
            "bad table spec '{spec}' (expected FILE or TABLE=FILE[,FILE...])"
        )));
    }
    Ok(TableFiles {
        table,
        files: files
            .into_iter()
            .map(|f| CopySource {
                path: PathBuf::from(&f),
                display: f,
            })
            .collect(),
    })
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

fn run(args: Args, trailing_out: Option<String>) -> Result<(), Error> {
    let output = match (args.output, args.out, trailing_out.map(PathBuf::from)) {
        (Some(o), None, None) | (None, Some(o), None) | (None, None, Some(o)) => o,
        (None, None, None) => {
            return Err(Error::Usage(
                "no output file given (last argument or -o FILE)".into(),
            ))
        }
        _ => return Err(Error::Usage("more than one output file given".into())),
    };
    let schema_text = std::fs::read_to_string(&args.schema)
        .map_err(|e| Error::io(format!("cannot read {}", args.schema.display()), e))?;
    let catalog = ruzu::loader::schema::catalog_from_schema(
        &schema_text,
        &args.schema.display().to_string(),
    )?;
    let delimiter = match args.delimiter.as_bytes() {
        [b] => *b,
        b"\\t" => b'\t',
        _ => {
            return Err(Error::Usage(format!(
                "--delimiter must be one character, got '{}'",
                args.delimiter
            )))
        }
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
        delimiter: Some(delimiter),
        quote: Some(b'"'),
        escape: Some(b'"'),
        auto_detect: false,
        ..CsvOptions::default()
    };
    let req = LoadRequest {
        catalog,
        nodes: args
            .nodes
            .iter()
            .map(|s| table_files(s))
            .collect::<Result<_, _>>()?,
        rels: args
            .rels
            .iter()
            .map(|s| table_files(s))
            .collect::<Result<_, _>>()?,
        output,
        force: args.force,
        threads,
        memory_limit,
        db_id: args.db_id.as_deref().map(parse_db_id).transpose()?,
        csv,
    };
    if req.nodes.is_empty() && req.rels.is_empty() {
        return Err(Error::Usage(
            "nothing to load: give --nodes and/or --rels".into(),
        ));
    }
    let report = run_load(&req)?;
    if args.quiet {
        return Ok(());
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
        s.push_str(&format!(
            "loaded {}: {} tables, {} rows, {} bytes in {:.2} s\n",
            report.output.display(),
            report.tables.len(),
            report.tables.iter().map(|t| t.rows).sum::<u64>(),
            report.file_size,
            report.seconds
        ));
        s
    };
    if let Err(e) = out.write_all(text.as_bytes()) {
        if !ruzu::cli::is_broken_pipe(&e) {
            return Err(Error::io("cannot write the summary", e));
        }
    }
    Ok(())
}

fn main() {
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
        Ok(()) => EXIT_OK,
        Err(Error::Input(e)) => {
            eprintln!("{}", e.location_form());
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

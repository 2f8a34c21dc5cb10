//! The `ruzu DB` query shell.
//!
//! Owns: the command line of `ruzu DB [options]` (clap), the three ways statements arrive
//! (`-c "Q1; Q2"`, a script on stdin, an interactive terminal with rustyline line editing
//! and history in `$HOME/.ruzu_history`), the shell commands (`:help`, `:tables`,
//! `:schema T`, `:timer`, `:max_rows N`, `:quit`/`:exit`), and printing results in the
//! chosen `--format` (tables in the interactive shell show 20 rows unless `:max_rows` says
//! otherwise; `-c` and scripts print every row).
//! Scripts stop at the first failing statement (exit 1); a closed stdout pipe ends the
//! shell quietly with exit 0. A script on stdin is read as it arrives: each statement runs
//! when its `;` has been read and its result is flushed before reading on, so a program can
//! drive `ruzu DB` through a pipe one statement at a time (the shell as a client).
//!
//! Submodules: `split` (statement boundaries), `render` (table, CSV, JSON Lines), `params`
//! (`--params FILE.json`).

pub mod params;
pub mod render;
pub mod split;

use crate::catalog::{Catalog, TableKind};
use crate::cli::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::db::{default_buffer_pool_size, Config, Connection, Database, Params};
use crate::error::Error;
use crate::transaction::Snapshot;
use crate::types::{LogicalType, Value};
use clap::Parser;
use render::Format;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::Arc;
use std::time::Instant;

/// `ruzu DB [options]`.
#[derive(Parser, Debug)]
#[command(
    name = "ruzu",
    about = "Run Cypher statements on a ruzu database: interactively on a terminal, from -c, \
             or from a script on stdin (statements end with ';').",
    disable_version_flag = true
)]
struct Args {
    /// The database file (created when missing, unless --read-only).
    db: PathBuf,
    /// Run these ';'-separated statements and exit.
    #[arg(short = 'c', long = "command", value_name = "STATEMENTS")]
    command: Option<String>,
    /// Output format (default: table on a terminal, csv otherwise).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Memory budget of the buffer pool, e.g. 16MB or 2GB.
    #[arg(long = "buffer-pool", value_name = "SIZE", value_parser = crate::cli::parse_size)]
    buffer_pool: Option<u64>,
    /// Open the database read-only (it must exist).
    #[arg(long)]
    read_only: bool,
    /// Worker threads for query execution.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    threads: Option<u32>,
    /// A JSON object binding each $NAME parameter of the statements.
    #[arg(long, value_name = "FILE.json")]
    params: Option<PathBuf>,
}

/// Why the shell stopped writing.
#[derive(Debug)]
pub enum Stop {
    /// The reader of stdout went away (`| head`): not an error.
    Pipe,
    /// Any other output error.
    Io(io::Error),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        if crate::cli::is_broken_pipe(&e) {
            Stop::Pipe
        } else {
            Stop::Io(e)
        }
    }
}

/// One line from the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Text(String),
    /// Ctrl-C while editing: drop the statement being typed.
    Interrupted,
    /// Ctrl-D: leave the shell.
    Eof,
}

/// Where the interactive shell reads lines from (rustyline on a terminal, a list in tests).
pub trait LineSource {
    fn read_line(&mut self, prompt: &str) -> io::Result<Line>;
    fn add_history(&mut self, _entry: &str) {}
}

/// Prompts of the interactive shell.
pub const PROMPT: &str = "ruzu> ";
pub const CONTINUATION_PROMPT: &str = "  ..> ";

/// Rows a table shows in the interactive shell unless `:max_rows` says otherwise.
pub const DEFAULT_MAX_ROWS: usize = 20;

/// The help text of `:help`.
pub const HELP: &str = "\
Statements end with ';' and may span lines. Shell commands:
  :help        this text
  :tables      list the tables (name, kind, rows)
  :schema T    the columns and types of table T, its primary key or FROM/TO pairs
  :timer       toggle printing the elapsed time of each statement
  :max_rows N  show at most N rows of a table result (0: all; default 20)
  :quit, :exit leave the shell (or Ctrl-D)
Ctrl-C drops the statement being typed, or interrupts the running one.
";

/// A connection plus the output settings: runs statements and prints their results.
pub struct Session<'a> {
    conn: Connection,
    params: Params,
    format: Format,
    timer: bool,
    /// Table format only: show at most this many rows of a result.
    max_rows: Option<usize>,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
}

impl<'a> Session<'a> {
    pub fn new(
        conn: Connection,
        params: Params,
        format: Format,
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
    ) -> Self {
        Session {
            conn,
            params,
            format,
            timer: false,
            max_rows: None,
            out,
            err,
        }
    }

    /// Limits the rows a table shows (`None`: all); the interactive shell shows 20.
    pub fn set_max_rows(&mut self, max_rows: Option<usize>) {
        self.max_rows = max_rows;
    }

    fn report(&mut self, e: &Error) {
        // A failure to write to stderr cannot be reported anywhere.
        let _ = writeln!(self.err, "Error: {e}");
        let _ = self.err.flush();
    }

    /// Prints one result in the session's format, streaming rows for CSV and JSON. Returns
    /// false when a row could not be produced.
    fn print_result(
        &mut self,
        names: &[String],
        types: &[LogicalType],
        rows: &mut dyn Iterator<Item = crate::Result<Vec<Value>>>,
    ) -> Result<bool, Stop> {
        if names.is_empty() {
            // Still drain, so a failing row is reported.
            for r in rows {
                if let Err(e) = r {
                    self.report(&e);
                    return Ok(false);
                }
            }
            return Ok(true);
        }
        match self.format {
            Format::Table => {
                let mut all = Vec::new();
                for r in rows {
                    match r {
                        Ok(r) => all.push(r),
                        Err(e) => {
                            self.report(&e);
                            return Ok(false);
                        }
                    }
                }
                self.out.write_all(
                    render::table_limited(names, types, &all, self.max_rows).as_bytes(),
                )?;
            }
            Format::Csv | Format::Json => {
                if self.format == Format::Csv {
                    self.out.write_all(render::csv_header(names).as_bytes())?;
                }
                for r in rows {
                    match r {
                        Ok(r) => {
                            let line = if self.format == Format::Csv {
                                render::csv_row(&r)
                            } else {
                                render::json_row(names, &r)
                            };
                            self.out.write_all(line.as_bytes())?;
                        }
                        Err(e) => {
                            self.out.flush()?;
                            self.report(&e);
                            return Ok(false);
                        }
                    }
                }
            }
        }
        self.out.flush()?;
        Ok(true)
    }

    /// Runs one statement (text without its `;`) and prints its result or its error.
    /// Returns whether it succeeded.
    pub fn run_statement(&mut self, text: &str) -> Result<bool, Stop> {
        let start = Instant::now();
        let results = self.conn.query_script_with(text, &self.params);
        let elapsed = start.elapsed();
        for r in results {
            match r {
                Ok(mut qr) => {
                    let names = qr.column_names().to_vec();
                    let types = qr.column_types().to_vec();
                    if !self.print_result(&names, &types, &mut qr)? {
                        return Ok(false);
                    }
                }
                Err(e) => {
                    self.out.flush()?;
                    self.report(&e);
                    return Ok(false);
                }
            }
        }
        if self.timer {
            let _ = writeln!(self.err, "Time: {:.2}ms", elapsed.as_secs_f64() * 1000.0);
        }
        // Whatever the statement printed is out before the next one is read.
        self.out.flush()?;
        Ok(true)
    }

    /// Runs every statement of `text` in order (a last statement may lack its `;`),
    /// stopping at the first failure. Returns whether all succeeded.
    pub fn run_script(&mut self, text: &str) -> Result<bool, Stop> {
        let s = split::split(text);
        for stmt in &s.statements {
            if !self.run_statement(stmt)? {
                return Ok(false);
            }
        }
        if s.rest_has_content {
            return self.run_statement(s.rest.trim());
        }
        Ok(true)
    }

    /// Runs the statements of a script that arrives on `input` (a pipe, a file), each as
    /// soon as its `;` has been read, with its result flushed before more is read: a program
    /// writing one statement at a time takes each printed result as its acknowledgement
    /// (for a write, that it committed), as with `sqlite3`. A last statement may lack its
    /// `;`. Stops at the first failure (input that is not UTF-8 is one); returns whether all
    /// succeeded.
    pub fn run_input(&mut self, input: &mut dyn BufRead) -> Result<bool, Stop> {
        let mut splitter = split::Splitter::new();
        // Read bytes not yet given to the splitter: the start of a character split by a read.
        let mut pending: Vec<u8> = Vec::new();
        loop {
            let chunk = match input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Stop::Io(e)),
            };
            if chunk.is_empty() {
                break;
            }
            let n = chunk.len();
            pending.extend_from_slice(chunk);
            input.consume(n);
            let used = match std::str::from_utf8(&pending) {
                Ok(_) => pending.len(),
                // The read ended inside a character: the rest of it comes with the next read.
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                Err(_) => return Ok(self.not_utf8()),
            };
            let Ok(text) = std::str::from_utf8(&pending[..used]) else {
                return Ok(self.not_utf8());
            };
            let statements = splitter.push(text);
            pending.drain(..used);
            for stmt in &statements {
                if !self.run_statement(stmt)? {
                    return Ok(false);
                }
            }
        }
        if !pending.is_empty() {
            return Ok(self.not_utf8());
        }
        let end = splitter.finish();
        for stmt in &end.statements {
            if !self.run_statement(stmt)? {
                return Ok(false);
            }
        }
        if end.rest_has_content {
            return self.run_statement(end.rest.trim());
        }
        Ok(true)
    }

    /// Reports input that is not UTF-8; returns false (the script failed).
    fn not_utf8(&mut self) -> bool {
        let _ = writeln!(self.err, "Error: the script on stdin is not valid UTF-8");
        let _ = self.err.flush();
        false
    }

    /// Prints a result made by the shell itself (`:tables`, `:schema`).
    fn print_rows(
        &mut self,
        names: &[&str],
        types: &[LogicalType],
        rows: Vec<Vec<Value>>,
    ) -> Result<(), Stop> {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut it = rows.into_iter().map(Ok);
        self.print_result(&names, types, &mut it)?;
        Ok(())
    }

    /// Handles a `:command` line. Returns false for `:quit`/`:exit`.
    pub fn command(&mut self, line: &str) -> Result<bool, Stop> {
        let mut words = line.split_whitespace();
        let cmd = words.next().unwrap_or("");
        let arg = words.next();
        match (cmd, arg) {
            (":quit" | ":exit", None) => return Ok(false),
            (":help", None) => {
                self.out.write_all(HELP.as_bytes())?;
                self.out.flush()?;
            }
            (":timer", None) => {
                self.timer = !self.timer;
                let state = if self.timer { "on" } else { "off" };
                self.out
                    .write_all(format!("Timer is {state}.\n").as_bytes())?;
                self.out.flush()?;
            }
            (":max_rows", Some(n)) if words.next().is_none() => match n.parse::<usize>() {
                Ok(n) => {
                    self.max_rows = (n > 0).then_some(n);
                    let shown = match n {
                        0 => "all".to_string(),
                        n => n.to_string(),
                    };
                    self.out
                        .write_all(format!("Tables show {shown} rows.\n").as_bytes())?;
                    self.out.flush()?;
                }
                Err(_) => {
                    let _ = writeln!(self.err, "Error: :max_rows takes a number (0: all rows)");
                }
            },
            (":tables", None) => {
                let snap = self.conn.database().snapshot();
                let (names, types, rows) = tables_listing(&snap);
                self.print_rows(&names, &types, rows)?;
            }
            (":schema", Some(t)) if words.next().is_none() => {
                let snap = self.conn.database().snapshot();
                match schema_listing(&snap.catalog, t) {
                    Ok(parts) => {
                        for (names, types, rows) in parts {
                            self.print_rows(&names, &types, rows)?;
                        }
                    }
                    Err(e) => self.report(&e),
                }
            }
            _ => {
                let _ = writeln!(
                    self.err,
                    "Error: unknown shell command '{}' (type :help)",
                    line.trim()
                );
            }
        }
        Ok(true)
    }

    /// The interactive loop: reads lines until `:quit` or end of input, runs each statement
    /// when its `;` arrives, and keeps going after failures.
    pub fn interactive(&mut self, src: &mut dyn LineSource) -> Result<(), Stop> {
        let mut buffer = String::new();
        loop {
            let prompt = if buffer.is_empty() {
                PROMPT
            } else {
                CONTINUATION_PROMPT
            };
            let line = match src.read_line(prompt) {
                Ok(Line::Text(l)) => l,
                Ok(Line::Interrupted) => {
                    buffer.clear();
                    continue;
                }
                Ok(Line::Eof) => break,
                Err(e) => return Err(Stop::Io(e)),
            };
            if buffer.is_empty() && line.trim_start().starts_with(':') {
                src.add_history(line.trim());
                buffer.clear();
                if !self.command(line.trim())? {
                    break;
                }
                continue;
            }
            buffer.push_str(&line);
            buffer.push('\n');
            let s = split::split(&buffer);
            if s.statements.is_empty() {
                if !s.rest_incomplete() {
                    buffer.clear();
                }
                continue;
            }
            let entered = buffer.trim_end().replace('\n', " ");
            src.add_history(&entered);
            for stmt in &s.statements {
                self.run_statement(stmt)?;
            }
            buffer = if s.rest_incomplete() {
                s.rest
            } else {
                String::new()
            };
        }
        Ok(())
    }
}

type Listing = (Vec<&'static str>, Vec<LogicalType>, Vec<Vec<Value>>);

/// `:tables`: name, kind (NODE or REL) and rows of every table, in creation order.
pub fn tables_listing(snap: &Snapshot) -> Listing {
    let rows = snap
        .catalog
        .tables
        .iter()
        .map(|t| {
            let (kind, n) = if t.is_node() {
                ("NODE", snap.meta.node(t.id).map(|d| d.num_rows))
            } else {
                ("REL", snap.meta.rel(t.id).map(|d| d.num_rels))
            };
            vec![
                Value::String(t.name.clone()),
                Value::String(kind.into()),
                Value::UInt64(n.unwrap_or(0)),
            ]
        })
        .collect();
    (
        vec!["name", "kind", "rows"],
        vec![
            LogicalType::String,
            LogicalType::String,
            LogicalType::UInt64,
        ],
        rows,
    )
}

/// `:schema T`: the properties (name, type, `PRIMARY KEY` on the key) and, for a rel table,
/// a second listing of its FROM/TO pairs with the multiplicity.
pub fn schema_listing(catalog: &Catalog, table: &str) -> Result<Vec<Listing>, Error> {
    let t = catalog
        .table(table)
        .ok_or_else(|| Error::Binder(format!("Table {table} does not exist.")))?;
    let pk = t.primary_key().map(|p| p.name.clone());
    let props = t
        .properties
        .iter()
        .map(|p| {
            vec![
                Value::String(p.name.clone()),
                Value::String(p.ty.to_string()),
                if pk.as_deref() == Some(p.name.as_str()) {
                    Value::String("PRIMARY KEY".into())
                } else {
                    Value::Null
                },
            ]
        })
        .collect();
    let s = LogicalType::String;
    let mut out = vec![(
        vec!["property", "type", "constraint"],
        vec![s.clone(), s.clone(), s.clone()],
        props,
    )];
    if let TableKind::Rel { pairs, .. } = &t.kind {
        let name = |id: u64| {
            catalog
                .table_by_id(id)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| format!("#{id}"))
        };
        let mult = t.multiplicity_name().unwrap_or_default();
        let rows = pairs
            .iter()
            .map(|&(f, to)| {
                vec![
                    Value::String(name(f)),
                    Value::String(name(to)),
                    Value::String(mult.clone()),
                ]
            })
            .collect();
        out.push((
            vec!["from", "to", "multiplicity"],
            vec![s.clone(), s.clone(), s],
            rows,
        ));
    }
    Ok(out)
}

/// rustyline on the terminal, with history in `$HOME/.ruzu_history`.
struct Terminal {
    editor: rustyline::DefaultEditor,
    history: Option<PathBuf>,
}

impl LineSource for Terminal {
    fn read_line(&mut self, prompt: &str) -> io::Result<Line> {
        use rustyline::error::ReadlineError;
        match self.editor.readline(prompt) {
            Ok(l) => Ok(Line::Text(l)),
            Err(ReadlineError::Interrupted) => Ok(Line::Interrupted),
            Err(ReadlineError::Eof) => Ok(Line::Eof),
            Err(ReadlineError::Io(e)) => Err(e),
            Err(e) => Err(io::Error::other(e.to_string())),
        }
    }

    fn add_history(&mut self, entry: &str) {
        // History is a convenience: failing to record it is not an error.
        let _ = self.editor.add_history_entry(entry);
    }
}

impl Terminal {
    fn new() -> io::Result<Terminal> {
        let mut editor =
            rustyline::DefaultEditor::new().map_err(|e| io::Error::other(e.to_string()))?;
        let history = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".ruzu_history"));
        if let Some(h) = &history {
            let _ = editor.load_history(h);
        }
        Ok(Terminal { editor, history })
    }

    fn save(&mut self) {
        if let Some(h) = &self.history {
            // Not writable: no history, silently.
            let _ = self.editor.save_history(h);
        }
    }
}

/// Ctrl-C (SIGINT) interrupts the statement running on the shell's connection: it fails with
/// `Interrupted.` and the shell goes on (a script stops there, as at any failure). A second
/// Ctrl-C before the first is honoured ends the process with status 130. While a line is being
/// edited the terminal is in raw mode and the line editor sees Ctrl-C itself.
fn install_interrupt_handler(flag: Arc<AtomicBool>) {
    let handler = move || {
        if flag.swap(true, AtomicOrdering::SeqCst) {
            std::process::exit(130);
        }
    };
    if let Err(e) = ctrlc::set_handler(handler) {
        // Without the handler Ctrl-C keeps its default effect (ending the process).
        eprintln!("ruzu: cannot install the Ctrl-C handler: {e}");
    }
}

fn usage_error(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    let code = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => EXIT_OK,
        _ => EXIT_USAGE,
    };
    let _ = e.print();
    code
}

/// Whether opening failed because another process holds the database file's lock.
fn is_lock_conflict(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == io::ErrorKind::WouldBlock)
}

/// Runs the shell with the command-line arguments after the program name; returns the exit
/// code: 0 ok, 1 a statement failed or the database could not be opened, 2 bad usage
/// (including an unreadable or invalid `--params` file).
pub fn main(args: &[String]) -> i32 {
    let argv = std::iter::once("ruzu".to_string()).chain(args.iter().cloned());
    let args = match Args::try_parse_from(argv) {
        Ok(a) => a,
        Err(e) => return usage_error(e),
    };
    let params = match &args.params {
        None => Params::new(),
        Some(p) => {
            let parsed = std::fs::read_to_string(p)
                .map_err(|e| e.to_string())
                .and_then(|t| params::parse_params(&t));
            match parsed {
                Ok(params) => params,
                Err(e) => {
                    eprintln!("ruzu: --params {}: {e}", p.display());
                    return EXIT_USAGE;
                }
            }
        }
    };
    let format = args.format.unwrap_or(if io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Csv
    });
    let defaults = Config::default();
    let config = Config {
        buffer_pool_size: args.buffer_pool.unwrap_or_else(default_buffer_pool_size),
        threads: args.threads.map(|n| n as usize).unwrap_or(defaults.threads),
        read_only: args.read_only,
    };
    let db = match Database::open_with(&args.db, config) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("Error: {e}");
            if !args.read_only && is_lock_conflict(&e) {
                eprintln!(
                    "ruzu: another process has {} open for writing; `ruzu --read-only {}` \
                     reads its last checkpoint beside it",
                    args.db.display(),
                    args.db.display()
                );
            }
            return EXIT_FAILURE;
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    let conn = db.connect();
    install_interrupt_handler(conn.interrupt_handle());
    let mut session = Session::new(conn, params, format, &mut out, &mut err);
    let outcome = if let Some(cmd) = &args.command {
        session.run_script(cmd)
    } else if io::stdin().is_terminal() {
        match Terminal::new() {
            Ok(mut term) => {
                session.set_max_rows(Some(DEFAULT_MAX_ROWS));
                let _ = writeln!(
                    session.out,
                    "ruzu shell on {}: statements end with ';', :help for help.",
                    args.db.display()
                );
                let _ = session.out.flush();
                let r = session.interactive(&mut term).map(|()| true);
                term.save();
                r
            }
            Err(e) => Err(Stop::Io(e)),
        }
    } else {
        session.run_input(&mut io::stdin().lock())
    };
    let flushed = session.out.flush().map_err(Stop::from);
    match (outcome, flushed) {
        (Err(Stop::Pipe), _) | (_, Err(Stop::Pipe)) => EXIT_OK,
        (Err(Stop::Io(e)), _) | (_, Err(Stop::Io(e))) => {
            eprintln!("ruzu: {e}");
            EXIT_FAILURE
        }
        (Ok(true), Ok(())) => EXIT_OK,
        (Ok(false), Ok(())) => EXIT_FAILURE,
    }
}

#[cfg(test)]
mod tests;

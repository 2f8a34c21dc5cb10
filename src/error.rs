//! The one error type of ruzu.
//!
//! Owns: `Error`, `Result`, and `InputError` (the position of bad input: file, line, column,
//! reason). Every layer returns `Result<T>`; nothing below the binaries prints or exits.
//! Messages that Kuzu's tests observe (`Binder exception: ...`) are produced by `Display`.

use std::fmt;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in an input file a problem is, and what it is.
///
/// `line` is 1-based and is the physical line on which the record starts; `column` is the
/// 1-based field number, `column_name` the header (or property) name of that field when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file as the user named it (on the command line or in `COPY ... FROM`).
    pub file: String,
    pub line: u64,
    pub column: Option<usize>,
    pub column_name: Option<String>,
    pub reason: String,
    /// The raw text of the offending record, as Kuzu quotes it in its COPY errors.
    pub record: Option<String>,
    /// Kuzu words this error without the file and line (`Copy exception: Found duplicated
    /// primary key value 10, ...`); ruzu-load still prints the location.
    pub kuzu_unlocated: bool,
}

impl InputError {
    pub fn new(file: impl Into<String>, line: u64, reason: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            line,
            column: None,
            column_name: None,
            reason: reason.into(),
            record: None,
            kuzu_unlocated: false,
        }
    }

    pub fn with_column(mut self, column: usize, name: Option<String>) -> Self {
        self.column = Some(column);
        self.column_name = name;
        self
    }

    pub fn unlocated_in_kuzu(mut self) -> Self {
        self.kuzu_unlocated = true;
        self
    }

    pub fn with_record(mut self, record: impl Into<String>) -> Self {
        self.record = Some(record.into());
        self
    }

    /// The `ruzu-load` form: `file:line:column: reason`, the column as `N (name)`.
    pub fn location_form(&self) -> String {
        match (&self.column, &self.column_name) {
            (Some(c), Some(n)) => {
                format!("{}:{}:{} ({}): {}", self.file, self.line, c, n, self.reason)
            }
            (Some(c), None) => format!("{}:{}:{}: {}", self.file, self.line, c, self.reason),
            _ => format!("{}:{}: {}", self.file, self.line, self.reason),
        }
    }

    /// Kuzu's form, used for `COPY` statements:
    /// `Copy exception: Error in file F on line N: reason Line/record containing the error:
    /// 'record'` (the last part only when the record is known).
    pub fn kuzu_form(&self) -> String {
        if self.kuzu_unlocated {
            return format!("Copy exception: {}", self.reason);
        }
        let mut s = format!(
            "Copy exception: Error in file {} on line {}: {}",
            self.file, self.line, self.reason
        );
        if let Some(r) = &self.record {
            s.push_str(&format!(" Line/record containing the error: '{r}'"));
        }
        s
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.location_form())
    }
}

#[derive(Debug)]
pub enum Error {
    /// An operating-system I/O error, with the path or operation it concerned.
    Io {
        context: String,
        source: std::io::Error,
    },
    /// A page or structure of the database file failed verification.
    Corrupted {
        page: Option<u64>,
        what: String,
    },
    /// The file is not a ruzu database at all.
    NotADatabase {
        path: PathBuf,
    },
    /// The file was written by another format version.
    Version {
        found: u32,
        supported: u32,
    },
    /// Bad input data (CSV, schema files): file, line, column, reason.
    Input(Box<InputError>),
    /// The memory budget cannot satisfy a request.
    OutOfMemory {
        requested: u64,
        budget: u64,
    },
    /// Errors with Kuzu's category prefixes. The string is the message after the prefix.
    Parser(String),
    Binder(String),
    Catalog(String),
    Runtime(String),
    Copy(String),
    Conversion(String),
    Overflow(String),
    /// Kuzu's connection-level errors (an empty query).
    Connection(String),
    Transaction(String),
    /// The query was interrupted (`Connection::interrupt` or a timeout).
    Interrupted,
    /// A command-line usage error (exit code 2 in the binaries).
    Usage(String),
    /// A feature the binder or executor does not support yet.
    NotImplemented(String),
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn corrupted(page: Option<u64>, what: impl Into<String>) -> Self {
        Error::Corrupted {
            page,
            what: what.into(),
        }
    }

    pub fn input(e: InputError) -> Self {
        Error::Input(Box::new(e))
    }

    pub fn is_corruption(&self) -> bool {
        matches!(
            self,
            Error::Corrupted { .. } | Error::NotADatabase { .. } | Error::Version { .. }
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { context, source } => write!(f, "IO exception: {context}: {source}"),
            Error::Corrupted {
                page: Some(p),
                what,
            } => write!(f, "Corrupted database: page {p}: {what}"),
            Error::Corrupted { page: None, what } => write!(f, "Corrupted database: {what}"),
            Error::NotADatabase { path } => {
                write!(f, "{} is not a ruzu database file", path.display())
            }
            Error::Version { found, supported } => write!(
                f,
                "database file written by ruzu format {found}, this build reads format {supported}"
            ),
            Error::Input(e) => f.write_str(&e.kuzu_form()),
            Error::OutOfMemory { requested, budget } => write!(
                f,
                "Buffer manager exception: Unable to allocate memory! The buffer pool is full and \
                 no memory could be freed! (requested {requested} bytes, budget {budget} bytes)"
            ),
            Error::Parser(m) => write!(f, "Parser exception: {m}"),
            Error::Binder(m) => write!(f, "Binder exception: {m}"),
            Error::Catalog(m) => write!(f, "Catalog exception: {m}"),
            Error::Runtime(m) => write!(f, "Runtime exception: {m}"),
            Error::Copy(m) => write!(f, "Copy exception: {m}"),
            Error::Conversion(m) => write!(f, "Conversion exception: {m}"),
            Error::Overflow(m) => write!(f, "Overflow exception: {m}"),
            Error::Transaction(m) => write!(f, "Transaction exception: {m}"),
            Error::Connection(m) => write!(f, "Connection exception: {m}"),
            Error::Interrupted => f.write_str("Interrupted."),
            Error::Usage(m) => f.write_str(m),
            Error::NotImplemented(m) => write!(f, "Not implemented: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::input(e)
    }
}

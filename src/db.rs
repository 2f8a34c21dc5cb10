//! The embedded API: `Database`, `Connection`, `QueryResult`.
//!
//! Owns: opening and closing a database file, connections, statement execution entry points.
//! Everything a binary or an embedding program needs goes through here.

use crate::error::{Error, Result};
use crate::types::{LogicalType, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Settings of an open database.
#[derive(Debug, Clone)]
pub struct Config {
    /// Byte budget of the memory manager (buffer pool frames and operator memory).
    pub buffer_pool_size: u64,
    /// Worker threads for query execution (and `COPY`).
    pub threads: usize,
    /// Open without the write lock; writes are refused.
    pub read_only: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            buffer_pool_size: 256 << 20,
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            read_only: false,
        }
    }
}

/// An open database file.
pub struct Database {
    path: PathBuf,
    config: Config,
}

impl Database {
    /// Opens (or creates) the database at `path` with default settings.
    pub fn open(path: impl AsRef<Path>) -> Result<Database> {
        Self::open_with(path, Config::default())
    }

    /// Opens (or creates) the database at `path`.
    pub fn open_with(path: impl AsRef<Path>, config: Config) -> Result<Database> {
        Ok(Database {
            path: path.as_ref().to_path_buf(),
            config,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A new connection. Connections are `Send`: each may run on its own thread.
    pub fn connect(&self) -> Connection {
        Connection { _db: () }
    }
}

/// A session on a database: runs statements, holds an open transaction if any.
pub struct Connection {
    _db: (),
}

impl Connection {
    /// Runs one statement (a text holding several `;`-separated statements is an error here;
    /// see `query_script`).
    pub fn query(&self, text: &str) -> Result<QueryResult> {
        Err(Error::NotImplemented(format!("query: {text}")))
    }

    /// Runs every `;`-separated statement of `text` in order and returns one result per
    /// statement, stopping after the first failure (which is the last element).
    pub fn query_script(&self, text: &str) -> Vec<Result<QueryResult>> {
        vec![self.query(text)]
    }

    /// Interrupts the statement running on this connection, if any.
    pub fn interrupt(&self) {}

    /// Fails statements that run longer than `timeout` (`None`: no limit).
    pub fn set_timeout(&self, _timeout: Option<Duration>) {}
}

/// The result of one statement: column names and types, and rows.
pub struct QueryResult {
    names: Vec<String>,
    types: Vec<LogicalType>,
    rows: std::vec::IntoIter<Vec<Value>>,
}

impl QueryResult {
    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    pub fn column_types(&self) -> &[LogicalType] {
        &self.types
    }
}

impl Iterator for QueryResult {
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next().map(Ok)
    }
}

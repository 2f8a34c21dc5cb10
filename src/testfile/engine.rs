//! The engine the runner executes statements through.
//!
//! Owns: the `Engine` trait (open a database, connect, run a `;`-separated script, interrupt)
//! and its result type `QueryOutput` (column names, which columns are FLOAT/DOUBLE, rows of
//! rendered cells), plus `RuzuEngine`, the implementation on ruzu's embedded API. Keeping the
//! runner behind this trait lets its tests use the scripted `mock::MockEngine`.

use crate::db::{Config, Connection, Database, QueryResult};
use crate::types::{LogicalType, Value};
use std::path::Path;

/// Settings of a database opened for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbOptions {
    pub buffer_pool_size: u64,
    pub threads: usize,
    /// `-CHECKPOINT_WAIT_TIMEOUT` (microseconds), when the file sets it.
    pub checkpoint_wait_timeout_micros: Option<u64>,
}

/// Whether a column is compared numerically under `-CHECK_PRECISION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Float,
    Double,
    Other,
}

/// One rendered value; `number` holds FLOAT/DOUBLE values (NULL: `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub number: Option<f64>,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            number: None,
        }
    }
}

/// The result of one query, rendered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryOutput {
    pub columns: Vec<String>,
    pub kinds: Vec<ColumnKind>,
    pub rows: Vec<Vec<Cell>>,
}

impl QueryOutput {
    /// A text-only result: `rows` are `|`-separated rows (convenient in tests).
    pub fn from_rows(columns: &[&str], rows: &[&str]) -> QueryOutput {
        QueryOutput {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            kinds: vec![ColumnKind::Other; columns.len()],
            rows: rows
                .iter()
                .map(|r| r.split('|').map(Cell::text).collect())
                .collect(),
        }
    }

    /// Each row as Kuzu's runner renders it: the values joined by `|`.
    pub fn row_strings(&self) -> Vec<String> {
        self.rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| c.text.as_str())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    }

    /// The header row: column names joined by `|`.
    pub fn header(&self) -> String {
        self.columns.join("|")
    }
}

/// What the runner needs from a database engine. Errors are message texts as Kuzu prints them
/// (`Binder exception: ...`).
pub trait Engine: Send + Sync + 'static {
    type Db: Send + 'static;
    /// Connections are shared with the timeout watchdog (to interrupt) and with the threads of
    /// a concurrent block, hence `Sync`.
    type Conn: Send + Sync + 'static;

    fn open(&self, path: &Path, options: &DbOptions) -> Result<Self::Db, String>;
    fn connect(&self, db: &Self::Db) -> Result<Self::Conn, String>;
    /// Runs every `;`-separated query of `script`: one result per query, stopping after the
    /// first failure.
    fn run(&self, conn: &Self::Conn, script: &str) -> Vec<Result<QueryOutput, String>>;
    /// Interrupts whatever `conn` is running (called from another thread).
    fn interrupt(&self, conn: &Self::Conn);
    /// `${KUZU_VERSION}`.
    fn version(&self) -> String;
}

/// The engine on ruzu's embedded API (`crate::db`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RuzuEngine;

impl Engine for RuzuEngine {
    type Db = Database;
    type Conn = Connection;

    fn open(&self, path: &Path, options: &DbOptions) -> Result<Database, String> {
        // ruzu's Config has no checkpoint wait timeout; the setting is ignored.
        let config = Config {
            buffer_pool_size: options.buffer_pool_size,
            threads: options.threads,
            read_only: false,
        };
        Database::open_with(path, config).map_err(|e| e.to_string())
    }

    fn connect(&self, db: &Database) -> Result<Connection, String> {
        Ok(db.connect())
    }

    fn run(&self, conn: &Connection, script: &str) -> Vec<Result<QueryOutput, String>> {
        conn.query_script(script)
            .into_iter()
            .map(|r| match r {
                Ok(qr) => render_result(qr),
                Err(e) => Err(e.to_string()),
            })
            .collect()
    }

    fn interrupt(&self, conn: &Connection) {
        conn.interrupt();
    }

    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }
}

fn render_result(mut qr: QueryResult) -> Result<QueryOutput, String> {
    let columns = qr.column_names().to_vec();
    let kinds = qr
        .column_types()
        .iter()
        .map(|t| match t {
            LogicalType::Float => ColumnKind::Float,
            LogicalType::Double => ColumnKind::Double,
            _ => ColumnKind::Other,
        })
        .collect();
    let mut rows = Vec::new();
    for row in qr.by_ref() {
        let row = row.map_err(|e| e.to_string())?;
        rows.push(row.iter().map(render_cell).collect());
    }
    Ok(QueryOutput {
        columns,
        kinds,
        rows,
    })
}

/// Renders one value with `Value`'s Display (Kuzu's rendering).
pub fn render_cell(v: &Value) -> Cell {
    let number = match v {
        Value::Float(f) => Some(*f as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    };
    Cell {
        text: v.to_string(),
        number,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_strings_join_with_bar() {
        let out = QueryOutput::from_rows(&["a", "b"], &["1|x", "|y"]);
        assert_eq!(out.row_strings(), vec!["1|x".to_string(), "|y".to_string()]);
        assert_eq!(out.header(), "a|b");
    }

    #[test]
    fn float_cells_keep_their_number() {
        assert_eq!(render_cell(&Value::Double(0.5)).number, Some(0.5));
        assert_eq!(render_cell(&Value::Float(1.5)).number, Some(1.5));
        assert_eq!(render_cell(&Value::Int64(3)).number, None);
    }
}

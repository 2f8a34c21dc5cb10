//! The result of a statement: column names and types, and rows produced on demand.

use crate::error::Result;
use crate::types::{LogicalType, Value};

/// Rows produced on demand by a running query.
pub type RowStream = Box<dyn Iterator<Item = Result<Vec<Value>>> + Send>;

enum Rows {
    Ready(std::vec::IntoIter<Vec<Value>>),
    /// Pulled from the query's operators batch by batch as the caller iterates.
    Stream(RowStream),
}

/// The result of one statement: column names and types, and rows. Query rows are produced
/// as the result is iterated (a batch of up to 2048 at a time), not materialised up front; an
/// error while producing them (corruption, interrupt, timeout) is returned by the iterator.
pub struct QueryResult {
    names: Vec<String>,
    types: Vec<LogicalType>,
    rows: Rows,
    /// The memory charge of materialized rows, given back with them.
    _held: Option<crate::exec::memory::Reservation>,
}

impl QueryResult {
    pub fn new(names: Vec<String>, types: Vec<LogicalType>, rows: Vec<Vec<Value>>) -> Self {
        QueryResult {
            _held: None,
            names,
            types,
            rows: Rows::Ready(rows.into_iter()),
        }
    }

    /// A result whose rows come from `rows` as they are asked for.
    pub fn streaming(names: Vec<String>, types: Vec<LogicalType>, rows: RowStream) -> Self {
        QueryResult {
            names,
            types,
            rows: Rows::Stream(rows),
            _held: None,
        }
    }

    /// Runs a streaming result to its end, so that its errors surface now.
    pub fn materialize(self) -> Result<QueryResult> {
        self.materialize_in(std::sync::Arc::new(crate::exec::memory::UnlimitedBudget))
    }

    /// `materialize`, the rows it holds charged to `budget` (a statement whose rows outgrow it fails with the
    /// out-of-memory error instead of growing without bound: a fuzz finding, a MERGE that
    /// multiplied its rows); the charge is given back when the rows are.
    pub fn materialize_in(
        self,
        budget: std::sync::Arc<dyn crate::exec::MemoryBudget>,
    ) -> Result<QueryResult> {
        match self.rows {
            Rows::Ready(_) => Ok(self),
            Rows::Stream(it) => {
                // Charged in steps of 64 KiB, not per row: a reservation takes the pool's
                // accounting each time.
                const STEP: u64 = 64 << 10;
                let mut charge = crate::exec::memory::Reservation::new(budget);
                let mut pending = 0u64;
                let mut rows = Vec::new();
                for row in it {
                    let row = row?;
                    pending += row
                        .iter()
                        .map(crate::transaction::versions::value_bytes)
                        .sum::<u64>()
                        + 24;
                    if pending >= STEP {
                        charge.grow(std::mem::take(&mut pending))?;
                    }
                    rows.push(row);
                }
                charge.grow(pending)?;
                let mut r = QueryResult::new(self.names, self.types, rows);
                r._held = Some(charge);
                Ok(r)
            }
        }
    }

    /// A result with no columns (DDL, transaction control).
    pub fn empty() -> Self {
        Self::new(Vec::new(), Vec::new(), Vec::new())
    }

    /// A one-column, one-row STRING result (Kuzu's status messages).
    pub fn message(text: impl Into<String>) -> Self {
        Self::new(
            vec!["result".into()],
            vec![LogicalType::String],
            vec![vec![Value::String(text.into())]],
        )
    }

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
        match &mut self.rows {
            Rows::Ready(it) => it.next().map(Ok),
            Rows::Stream(it) => it.next(),
        }
    }
}

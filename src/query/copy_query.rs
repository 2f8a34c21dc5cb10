//! The rows of `COPY T FROM (query)`: runs the query over the committed snapshot and hands
//! its result columns, cast to the copy's column types, to the COPY pipeline as batches.
//!
//! Owns: `query_batches` (Kuzu's check that the query returns as many columns as the copy
//! expects, the casts, the batch iterator the pipeline consumes).

use super::load_from::LoadWarnings;
use crate::context::ClientContext;
use crate::cypher::ast::Query;
use crate::error::{Error, InputError, Result};
use crate::exec::expr::cast_column;
use crate::exec::{ExecContext, Operator};
use crate::loader::csv::CsvBatch;
use crate::planner::query::{OutKind, Planner};
use crate::query::build::{build, BuildEnv};
use crate::transaction::Snapshot;
use crate::types::vector::{Column, ColumnData, NullMask};
use crate::types::LogicalType;
use crate::types::Params;
use std::sync::Arc;

/// The batches of a running COPY subquery.
pub struct QueryBatches {
    op: Box<dyn Operator>,
    ctx: ExecContext,
    /// Per copied column: the result column and its target type, or `None` for a SERIAL
    /// column (numbered from `serial_base`).
    cols: Vec<Option<(usize, LogicalType)>>,
    serial_base: u64,
    rows: u64,
    done: bool,
    /// The warning lists of the LOAD FROMs in the query.
    warnings: Vec<LoadWarnings>,
    // Keeps the snapshot the operators read alive.
    _snap: Arc<Snapshot>,
}

impl QueryBatches {
    /// Rows the query's LOAD FROMs skipped with IGNORE_ERRORS so far (all of them once the
    /// batches are drained).
    pub fn load_warnings(&self) -> Vec<InputError> {
        self.warnings
            .iter()
            .flat_map(|w| w.lock().clone())
            .collect()
    }

    fn next_batch(&mut self) -> Result<Option<CsvBatch>> {
        let Some(chunk) = self.op.next(&self.ctx)? else {
            return Ok(None);
        };
        let columns = self
            .cols
            .iter()
            .map(|c| match c {
                Some((c, ty)) => cast_column(&chunk.columns[*c], ty),
                None => {
                    let start = self.serial_base + self.rows;
                    let n = chunk.len;
                    Ok(Column {
                        ty: LogicalType::Serial,
                        data: ColumnData::Int64(
                            (start..start + n as u64).map(|v| v as i64).collect(),
                        ),
                        nulls: NullMask::with_len(n),
                    })
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let n = chunk.len as u64;
        let first = self.rows;
        self.rows += n;
        Ok(Some(CsvBatch {
            columns,
            lines: (first + 1..=first + n).collect(),
            spans: vec![(0, 0); n as usize],
            first_row: first,
        }))
    }
}

impl Iterator for QueryBatches {
    type Item = Result<CsvBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_batch() {
            Ok(Some(b)) => Some(Ok(b)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Plans `q` over the committed snapshot and returns its rows as batches of `types` (the
/// copy's columns in order). SERIAL columns take no query column: they are numbered from
/// `serial_base` (the table's row count). Kuzu's binder error when the column counts differ.
pub fn query_batches(
    conn: &ClientContext,
    snap: &Arc<Snapshot>,
    q: &Query,
    params: &Params,
    types: &[LogicalType],
    serial_base: u64,
) -> Result<QueryBatches> {
    let snap = snap.clone();
    let (plan, out) = Planner::new(&snap, params).plan_query(q)?;
    let expected: Vec<&LogicalType> = types
        .iter()
        .filter(|t| **t != LogicalType::Serial)
        .collect();
    if out.len() != expected.len() {
        return Err(Error::Binder(format!(
            "Query returns {} columns but {} columns were expected.",
            out.len(),
            expected.len()
        )));
    }
    let mut outs = out.iter();
    let cols = types
        .iter()
        .map(|ty| {
            if *ty == LogicalType::Serial {
                return Ok(None);
            }
            let o = outs
                .next()
                .ok_or_else(|| Error::Runtime("COPY subquery column missing".into()))?;
            match &o.kind {
                OutKind::Value(c) => Ok(Some((*c, ty.clone()))),
                _ => Err(Error::Conversion(format!(
                    "Unsupported casting function from {} to {ty}.",
                    o.ty
                ))),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let mut ctx = ExecContext::new(Arc::new(super::budget::PoolBudget {
        store: conn.store().clone(),
    }))
    .with_params(params.clone());
    ctx.interrupt = conn.interrupted.clone();
    ctx.threads = conn.config().threads.max(1);
    let warnings = super::load_from::plan_warning_lists(&plan);
    let op = {
        let env = BuildEnv {
            store: conn.store(),
            snap: &snap,
            ctx: &ctx,
        };
        build(&plan, &env)?
    };
    Ok(QueryBatches {
        op,
        ctx,
        cols,
        serial_base,
        rows: 0,
        done: false,
        warnings,
        _snap: snap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cypher::ast::StatementKind;
    use crate::Database;
    use crate::Value;

    fn query(text: &str) -> Query {
        let stmts = crate::cypher::parse(text).unwrap();
        match &stmts[0].kind {
            StatementKind::Query(q) => q.clone(),
            other => panic!("not a query: {other:?}"),
        }
    }

    #[test]
    fn batches_cast_number_serials_and_keep_load_warnings() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("v.csv");
        std::fs::write(&f, "a\n1\nx\n3\n").unwrap();
        let db = Database::open(dir.path().join("db")).unwrap();
        let conn = db.connect();
        let q = query(&format!(
            "LOAD WITH HEADERS (a INT64) FROM '{}' (header=true, ignore_errors=true) RETURN a + 1",
            f.display()
        ));
        let types = [LogicalType::Serial, LogicalType::Int16];
        let mut b = query_batches(
            conn.context(),
            &db.snapshot(),
            &q,
            &Params::new(),
            &types,
            10,
        )
        .unwrap();
        let batch = b.next().unwrap().unwrap();
        assert!(b.next().is_none());
        assert_eq!(batch.lines, vec![1, 2]);
        assert_eq!(batch.columns[0].ty, LogicalType::Serial);
        assert_eq!(batch.columns[0].get(1), Value::Int64(11));
        assert_eq!(batch.columns[1].ty, LogicalType::Int16);
        assert_eq!(batch.columns[1].get(0), Value::Int16(2));
        assert_eq!(batch.columns[1].get(1), Value::Int16(4));
        let w = b.load_warnings();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, 3);
        assert_eq!(
            w[0].reason,
            "Conversion exception: Cast failed. Could not convert \"x\" to INT64."
        );
        let two = query("RETURN 1, 2");
        assert_eq!(
            query_batches(
                conn.context(),
                &db.snapshot(),
                &two,
                &Params::new(),
                &types,
                0
            )
            .err()
            .map(|e| e.to_string()),
            Some("Binder exception: Query returns 2 columns but 1 columns were expected.".into())
        );
    }
}

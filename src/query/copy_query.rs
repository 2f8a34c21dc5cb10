//! The rows of `COPY T FROM (query)`: runs the query over the committed snapshot and hands
//! its result columns, cast to the copy's column types, to the COPY pipeline as batches.
//!
//! Owns: `query_batches` (Kuzu's check that the query returns as many columns as the copy
//! expects, the casts, the batch iterator the pipeline consumes).

use crate::cypher::ast::Query;
use crate::db::{Connection, Params, Snapshot};
use crate::error::{Error, Result};
use crate::exec::expr::cast_column;
use crate::exec::{ExecContext, Operator};
use crate::loader::csv::CsvBatch;
use crate::planner::query::{OutKind, Planner};
use crate::planner::{build, BuildEnv};
use crate::types::vector::{Column, ColumnData, NullMask};
use crate::types::LogicalType;
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
    // Keeps the snapshot the operators read alive.
    _snap: Arc<Snapshot>,
}

impl QueryBatches {
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
    conn: &Connection,
    q: &Query,
    params: &Params,
    types: &[LogicalType],
    serial_base: u64,
) -> Result<QueryBatches> {
    let snap = conn.db.snapshot();
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
        db: conn.db.clone(),
    }))
    .with_params(params.clone());
    ctx.interrupt = conn.interrupted.clone();
    ctx.threads = conn.db.config().threads.max(1);
    let op = {
        let env = BuildEnv {
            db: &conn.db,
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
        _snap: snap,
    })
}

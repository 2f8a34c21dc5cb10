//! Physical operators: a pull-based, batch-at-a-time interface.
//!
//! `Operator::next` returns the next non-empty `DataChunk` or `None` when exhausted; every
//! operator calls `ctx.check()` per batch, so an interrupt or a passed deadline surfaces as
//! `Error::Interrupted` within one batch. Operators that buffer (aggregation, sort, join build,
//! distinct, cross product) account their bytes in a `Reservation` against `ctx.budget` and
//! fail with `Error::OutOfMemory` when it is exhausted.
//!
//! Parallelism (morsel-driven): `SharedSource` lets several pipeline instances pull batches
//! (morsels) from one source; `HashAggregate::run_parallel` runs one partial aggregation per
//! pipeline on its own thread and merges the partial tables.

mod aggregate;
mod basic;
mod join;
mod sort;

pub use aggregate::{AggregateSpec, HashAggregate};
pub use basic::{
    ChunkSource, CrossProduct, Distinct, Filter, Projection, SharedSource, SkipLimit, Union, Unwind,
};
pub use join::{HashJoin, JoinType};
pub use sort::{OrderBy, SortKey, TopK};

use super::chunk::DataChunk;
use super::context::ExecContext;
use crate::error::Result;
use crate::types::LogicalType;

/// A physical operator producing batches.
pub trait Operator: Send {
    /// The next non-empty batch, or `None` when done.
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>>;
    /// Output column types.
    fn types(&self) -> Vec<LogicalType>;
    /// Operator name for EXPLAIN/PROFILE.
    fn name(&self) -> &'static str;
}

/// Pulls every batch of an operator (tests, materialisation at the top of a plan).
pub fn collect_all(op: &mut dyn Operator, ctx: &ExecContext) -> Result<Vec<DataChunk>> {
    let mut out = Vec::new();
    while let Some(c) = op.next(ctx)? {
        out.push(c);
    }
    Ok(out)
}

/// All rows of an operator as values.
pub fn collect_rows(
    op: &mut dyn Operator,
    ctx: &ExecContext,
) -> Result<Vec<Vec<crate::types::Value>>> {
    Ok(collect_all(op, ctx)?
        .iter()
        .flat_map(|c| c.rows())
        .collect())
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;
    use crate::types::Value;

    pub fn ints(rows: &[&[Option<i64>]]) -> Vec<Vec<Value>> {
        rows.iter()
            .map(|r| {
                r.iter()
                    .map(|v| v.map(Value::Int64).unwrap_or(Value::Null))
                    .collect()
            })
            .collect()
    }

    pub fn source(types: Vec<LogicalType>, rows: Vec<Vec<Value>>, batch: usize) -> ChunkSource {
        ChunkSource::from_rows(types, &rows, batch).unwrap()
    }
}

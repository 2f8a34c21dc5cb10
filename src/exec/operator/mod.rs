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

/// Runs several pipeline instances (usually sharing a `SharedSource`) on their own threads
/// and returns all their batches, pipeline by pipeline. The first error wins.
pub fn run_parallel(
    pipelines: Vec<Box<dyn Operator>>,
    ctx: &ExecContext,
) -> Result<Vec<DataChunk>> {
    let results: Vec<Result<Vec<DataChunk>>> = std::thread::scope(|s| {
        let handles: Vec<_> = pipelines
            .into_iter()
            .map(|mut p| s.spawn(move || collect_all(p.as_mut(), ctx)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(crate::error::Error::Runtime(
                        "pipeline thread panicked".into(),
                    ))
                })
            })
            .collect()
    });
    let mut out = Vec::new();
    for r in results {
        out.extend(r?);
    }
    Ok(out)
}

/// Whether Kuzu can ORDER BY / compare-sort a type (it refuses nested types:
/// `Binder exception: Cannot order by x. Order by INT64[] is not supported.`).
pub fn orderable(ty: &LogicalType) -> bool {
    !matches!(
        ty,
        LogicalType::List(_)
            | LogicalType::Array(..)
            | LogicalType::Struct(_)
            | LogicalType::Map(..)
            | LogicalType::Union(_)
            | LogicalType::Node
            | LogicalType::Rel
            | LogicalType::RecursiveRel
    )
}

#[cfg(test)]
mod tests {
    use super::test_util::*;
    use super::*;
    use crate::exec::aggregate::bind_aggregate;
    use crate::exec::expr::{bind_comparison, BoundExpr, CmpOp};
    use crate::types::Value::*;

    /// source → filter (2 threads over one shared source) → aggregate → order → limit.
    #[test]
    fn parallel_pipeline_end_to_end() {
        let rows: Vec<Vec<crate::types::Value>> =
            (0..10_000).map(|i| vec![Int64(i % 7), Int64(i)]).collect();
        let src = SharedSource::new(Box::new(source(
            vec![LogicalType::Int64, LogicalType::Int64],
            rows,
            VECTOR_CAPACITY_FOR_TEST,
        )));
        let pred = || {
            bind_comparison(
                CmpOp::Ge,
                BoundExpr::column(1, LogicalType::Int64),
                BoundExpr::literal(Int64(100)),
            )
            .unwrap()
        };
        let pipelines: Vec<Box<dyn Operator>> = (0..2)
            .map(|_| Box::new(Filter::new(Box::new(src.clone()), pred())) as Box<dyn Operator>)
            .collect();
        let ctx = ExecContext {
            threads: 2,
            ..ExecContext::default()
        };
        let aggs = vec![
            AggregateSpec {
                func: bind_aggregate("count", &[], false).unwrap(),
                arg: None,
            },
            AggregateSpec {
                func: bind_aggregate("sum", &[LogicalType::Int64], false).unwrap(),
                arg: Some(BoundExpr::column(1, LogicalType::Int64)),
            },
        ];
        let grouped = HashAggregate::run_parallel(
            pipelines,
            vec![BoundExpr::column(0, LogicalType::Int64)],
            aggs,
            &ctx,
        )
        .unwrap();
        let sorted = OrderBy::new(
            Box::new(grouped),
            vec![SortKey {
                expr: BoundExpr::column(0, LogicalType::Int64),
                descending: true,
            }],
        );
        let mut top = SkipLimit::new(Box::new(sorted), 0, Some(2));
        let got = collect_rows(&mut top, &ctx).unwrap();
        let expect = |k: i64| {
            let vals: Vec<i64> = (100..10_000).filter(|i| i % 7 == k).collect();
            vec![
                Int64(k),
                Int64(vals.len() as i64),
                Int128(vals.iter().map(|&v| v as i128).sum()),
            ]
        };
        assert_eq!(got, vec![expect(6), expect(5)]);

        // The same filter pipelines collected in parallel see every row exactly once.
        let src = SharedSource::new(Box::new(source(
            vec![LogicalType::Int64],
            (0..5000).map(|i| vec![Int64(i)]).collect(),
            VECTOR_CAPACITY_FOR_TEST,
        )));
        let pipes: Vec<Box<dyn Operator>> = vec![Box::new(src.clone()), Box::new(src)];
        let chunks = run_parallel(pipes, &ctx).unwrap();
        assert_eq!(chunks.iter().map(|c| c.len).sum::<usize>(), 5000);
        assert!(!orderable(&LogicalType::List(Box::new(LogicalType::Int64))));
        assert!(orderable(&LogicalType::String));
    }

    const VECTOR_CAPACITY_FOR_TEST: usize = 300;
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

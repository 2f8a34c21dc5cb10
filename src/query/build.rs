//! Building the operators of a plan: each `Plan` node becomes an exec operator (storage
//! operators from `query::ops`, `query::recursive`, `query::load_from`), aggregations and
//! top-k over scan pipelines run morsel-parallel on the connection's threads.

use crate::error::Result;
use crate::exec::memory::Reservation;
use crate::exec::operator::{
    ChunkSource, CrossProduct, Distinct, Filter, HashAggregate, HashJoin, OrderBy, Projection,
    SkipLimit, SortKey, TopK, Union, Unwind,
};
use crate::exec::{ExecContext, Operator};
use crate::planner::Plan;
use crate::query::load_from::LoadFromScan;
use crate::query::ops::{Degree, Extend, Morsels, NodeScan, PkProbe, ReadProps};
use crate::query::recursive::RecursiveExtend;
use crate::transaction::{Snapshot, Store};
use std::sync::Arc;

/// What building operators needs.
pub struct BuildEnv<'a> {
    pub store: &'a Arc<Store>,
    pub snap: &'a Arc<Snapshot>,
    pub ctx: &'a ExecContext,
    /// The write transaction of a statement with updating clauses.
    pub txn: Option<crate::context::TxnHandle>,
}

impl BuildEnv<'_> {
    fn txn(&self) -> Result<crate::context::TxnHandle> {
        self.txn.clone().ok_or_else(|| {
            crate::error::Error::Runtime(
                "Can not execute a write query inside a read-only transaction.".into(),
            )
        })
    }
}

/// Builds the operators of a plan (aggregations over scan pipelines run in parallel here).
pub fn build(plan: &Plan, env: &BuildEnv) -> Result<Box<dyn Operator>> {
    build_with(plan, env, &Morsels::default())
}

fn build_with(plan: &Plan, env: &BuildEnv, morsels: &Morsels) -> Result<Box<dyn Operator>> {
    let db = env.store.clone();
    let snap = env.snap.clone();
    Ok(match plan {
        Plan::SingleRow => Box::new(ChunkSource::single_row()),
        Plan::Scan { spec, .. } => Box::new(NodeScan::new(db, snap, spec.clone(), morsels.clone())),
        Plan::Extend { child, spec, .. } => Box::new(
            Extend::new(db, snap, build_with(child, env, morsels)?, spec.clone())
                .reading_while_writing(env.txn.is_some()),
        ),
        Plan::RecursiveExtend { child, spec, .. } => Box::new(RecursiveExtend::new(
            db,
            snap,
            build_with(child, env, morsels)?,
            spec.clone(),
        )),
        Plan::ReadProps { child, spec } => Box::new(ReadProps::new(
            db,
            snap,
            build_with(child, env, morsels)?,
            spec.clone(),
        )),
        Plan::PkProbe {
            child, table, key, ..
        } => Box::new(PkProbe::new(
            db,
            snap,
            build_with(child, env, morsels)?,
            *table,
            key.clone(),
        )),
        Plan::Degree { child, spec } => Box::new(Degree::new(
            db,
            snap,
            build_with(child, env, morsels)?,
            spec.clone(),
        )),
        Plan::Filter { child, pred } => {
            Box::new(Filter::new(build_with(child, env, morsels)?, pred.clone()))
        }
        Plan::Project { child, exprs } => Box::new(Projection::new(
            build_with(child, env, morsels)?,
            exprs.clone(),
        )),
        Plan::Join {
            probe,
            build: b,
            probe_keys,
            build_keys,
            kind,
        } => Box::new(HashJoin::new(
            build(probe, env)?,
            build(b, env)?,
            probe_keys.clone(),
            build_keys.clone(),
            *kind,
        )),
        Plan::Cross { left, right } => {
            Box::new(CrossProduct::new(build(left, env)?, build(right, env)?))
        }
        Plan::Aggregate { child, keys, aggs } => {
            let threads = env.ctx.threads.max(1);
            if threads > 1 && child.parallel_pipeline() {
                let shared = Morsels::default();
                let pipelines = (0..threads)
                    .map(|_| build_with(child, env, &shared))
                    .collect::<Result<Vec<_>>>()?;
                Box::new(HashAggregate::run_parallel(
                    pipelines,
                    keys.clone(),
                    aggs.clone(),
                    env.ctx,
                )?)
            } else {
                Box::new(HashAggregate::new(
                    build(child, env)?,
                    keys.clone(),
                    aggs.clone(),
                ))
            }
        }
        Plan::OrderBy {
            child,
            keys,
            skip,
            limit,
        } => match limit {
            Some(l) => Box::new(TopK::new(
                build_parallel_topk(child, env, keys, skip.saturating_add(*l))?,
                keys.clone(),
                *skip,
                *l,
            )),
            None => {
                let sorted = Box::new(OrderBy::new(build(child, env)?, keys.clone()));
                if *skip > 0 {
                    Box::new(SkipLimit::new(sorted, *skip, None))
                } else {
                    sorted
                }
            }
        },
        Plan::SkipLimit { child, skip, limit } => {
            Box::new(SkipLimit::new(build(child, env)?, *skip, *limit))
        }
        Plan::Distinct { child } => Box::new(Distinct::new(build(child, env)?)),
        Plan::Unwind { child, list } => Box::new(Unwind::new(build(child, env)?, list.clone())?),
        Plan::Union { children } => Box::new(Union::new(
            children
                .iter()
                .map(|c| build(c, env))
                .collect::<Result<Vec<_>>>()?,
        )),
        Plan::TableFunction { types, rows, .. } => Box::new(ChunkSource::from_rows(
            types.clone(),
            rows,
            crate::exec::chunk::VECTOR_CAPACITY,
        )?),
        Plan::LoadFrom { spec } => Box::new(LoadFromScan::new(spec.clone(), env.ctx.threads)),
        Plan::Create { child, items } => Box::new(crate::query::write::CreateOp::new(
            build(child, env)?,
            items.clone(),
            env.txn()?,
        )),
        Plan::Set { child, items } => Box::new(crate::query::write::SetOp::new(
            build(child, env)?,
            items.clone(),
            env.txn()?,
        )),
        Plan::Delete { child, items } => Box::new(crate::query::write::DeleteOp::new(
            build(child, env)?,
            items.clone(),
            env.txn()?,
        )),
        Plan::Merge { child, spec } => Box::new(crate::query::write::MergeOp::new(
            build(child, env)?,
            (**spec).clone(),
            env.txn()?,
        )),
        Plan::Discard { child } => {
            Box::new(crate::query::write::DiscardOp::new(build(child, env)?))
        }
        Plan::Buffer { cache, .. } => {
            let (types, rows) = cache.lock().clone().ok_or_else(|| {
                crate::error::Error::Runtime("internal: a buffered plan part was not run".into())
            })?;
            Box::new(ChunkSource::new(types, (*rows).clone()))
        }
    })
}

/// Runs every `Plan::Buffer` of `plan` (innermost first) to the end, so the rest of the plan
/// replays their rows. The rows held are charged to the query's memory budget (a writing
/// statement whose MERGE multiplied its rows past it fails with the out-of-memory error,
/// instead of growing without bound: a fuzz finding); the reservations returned hold that
/// charge for as long as the caller keeps them (the query's run).
pub fn prime_buffers(plan: &Plan, env: &BuildEnv) -> Result<Vec<Reservation>> {
    let mut buffers: Vec<(Box<Plan>, crate::planner::BufferCache)> = Vec::new();
    plan.visit(&mut |p| {
        if let Plan::Buffer { child, cache } = p {
            buffers.push((child.clone(), cache.clone()));
        }
    });
    // `visit` goes parents first: run the innermost first.
    let mut held = Vec::new();
    for (child, cache) in buffers.into_iter().rev() {
        if cache.lock().is_some() {
            continue;
        }
        let mut op = build(&child, env)?;
        let mut chunks = Vec::new();
        let mut charge = Reservation::new(env.ctx.budget.clone());
        while let Some(c) = op.next(env.ctx)? {
            charge.grow(c.columns.iter().map(crate::exec::chunk::column_bytes).sum())?;
            chunks.push(c);
        }
        *cache.lock() = Some((op.types(), Arc::new(chunks)));
        held.push(charge);
    }
    Ok(held)
}

/// The input of a top-k: for a scan pipeline, one partial top-k of `keep` rows per thread
/// over shared morsels (their union holds the global top-k); else the plan as usual.
fn build_parallel_topk(
    plan: &Plan,
    env: &BuildEnv,
    keys: &[SortKey],
    keep: u64,
) -> Result<Box<dyn Operator>> {
    let threads = env.ctx.threads.max(1);
    if threads < 2 || !plan.parallel_pipeline() {
        return build(plan, env);
    }
    let shared = Morsels::default();
    let pipelines = (0..threads)
        .map(|_| {
            Ok(Box::new(TopK::new(
                build_with(plan, env, &shared)?,
                keys.to_vec(),
                0,
                keep,
            )) as Box<dyn Operator>)
        })
        .collect::<Result<Vec<_>>>()?;
    let types = pipelines[0].types();
    let chunks = crate::exec::operator::run_parallel(pipelines, env.ctx)?;
    Ok(Box::new(ChunkSource::new(types, chunks)))
}

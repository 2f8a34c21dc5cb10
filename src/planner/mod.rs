//! The planner of read queries: the logical plan (`Plan`), its construction from a parsed
//! query (`query::plan_query`: join order, filter pushdown, primary-key lookups, factorized
//! counts) and its translation into exec operators (`build`), morsel-parallel under
//! aggregations. `explain` prints a plan.
//!
//! Recursive joins (variable-length and shortest paths) are `Plan::RecursiveExtend` nodes
//! (operator in `query::recursive`).

pub mod query;

use crate::db::{Database, Snapshot};
use crate::error::Result;
use crate::exec::expr::BoundExpr;
use crate::exec::operator::{
    AggregateSpec, ChunkSource, CrossProduct, Distinct, Filter, HashAggregate, HashJoin, JoinType,
    OrderBy, Projection, SkipLimit, SortKey, TopK, Union, Unwind,
};
use crate::exec::{ExecContext, Operator};
use crate::query::load_from::{LoadFromScan, LoadFromSpec};
use crate::query::ops::{
    Degree, DegreeSpec, Extend, ExtendSpec, Morsels, NodeScan, ReadProps, ReadPropsSpec, ScanSpec,
};
use crate::query::recursive::{RecursiveExtend, RecursiveSpec};
use crate::types::{LogicalType, Value};
use std::sync::Arc;

/// A logical plan. Each node's output columns are its child's columns plus what it adds,
/// except Project/Aggregate/Union which define their own.
#[derive(Debug, Clone)]
pub enum Plan {
    SingleRow,
    Scan {
        spec: ScanSpec,
        desc: String,
    },
    Extend {
        child: Box<Plan>,
        spec: ExtendSpec,
        desc: String,
    },
    /// A variable-length or shortest-path extend: appends the destination node id.
    RecursiveExtend {
        child: Box<Plan>,
        spec: RecursiveSpec,
        desc: String,
    },
    ReadProps {
        child: Box<Plan>,
        spec: ReadPropsSpec,
    },
    Degree {
        child: Box<Plan>,
        spec: DegreeSpec,
    },
    Filter {
        child: Box<Plan>,
        pred: BoundExpr,
    },
    Project {
        child: Box<Plan>,
        exprs: Vec<BoundExpr>,
    },
    Join {
        probe: Box<Plan>,
        build: Box<Plan>,
        probe_keys: Vec<BoundExpr>,
        build_keys: Vec<BoundExpr>,
        kind: JoinType,
    },
    Cross {
        left: Box<Plan>,
        right: Box<Plan>,
    },
    Aggregate {
        child: Box<Plan>,
        keys: Vec<BoundExpr>,
        aggs: Vec<AggregateSpec>,
    },
    OrderBy {
        child: Box<Plan>,
        keys: Vec<SortKey>,
        skip: u64,
        limit: Option<u64>,
    },
    SkipLimit {
        child: Box<Plan>,
        skip: u64,
        limit: Option<u64>,
    },
    Distinct {
        child: Box<Plan>,
    },
    Unwind {
        child: Box<Plan>,
        list: BoundExpr,
    },
    Union {
        children: Vec<Plan>,
    },
    /// The rows of a table function (`CALL f(...)`), computed when the query was planned.
    TableFunction {
        name: String,
        types: Vec<LogicalType>,
        rows: Arc<Vec<Vec<Value>>>,
    },
    /// `LOAD FROM`: the rows of CSV files, one column per sniffed or declared column.
    LoadFrom {
        spec: Arc<LoadFromSpec>,
    },
}

/// What building operators needs.
pub struct BuildEnv<'a> {
    pub db: &'a Database,
    pub snap: &'a Arc<Snapshot>,
    pub ctx: &'a ExecContext,
}

impl Plan {
    /// Calls `f` on this node and every node below it, parents first.
    pub fn visit(&self, f: &mut dyn FnMut(&Plan)) {
        f(self);
        match self {
            Plan::SingleRow
            | Plan::Scan { .. }
            | Plan::LoadFrom { .. }
            | Plan::TableFunction { .. } => {}
            Plan::Extend { child, .. }
            | Plan::RecursiveExtend { child, .. }
            | Plan::ReadProps { child, .. }
            | Plan::Degree { child, .. }
            | Plan::Filter { child, .. }
            | Plan::Project { child, .. }
            | Plan::Aggregate { child, .. }
            | Plan::OrderBy { child, .. }
            | Plan::SkipLimit { child, .. }
            | Plan::Distinct { child }
            | Plan::Unwind { child, .. } => child.visit(f),
            Plan::Join { probe, build, .. } => {
                probe.visit(f);
                build.visit(f);
            }
            Plan::Cross { left, right } => {
                left.visit(f);
                right.visit(f);
            }
            Plan::Union { children } => children.iter().for_each(|c| c.visit(f)),
        }
    }

    /// Whether the plan is a pipeline over one node scan that can run as several morsel-driven
    /// instances.
    fn parallel_pipeline(&self) -> bool {
        match self {
            Plan::Scan { spec, .. } => spec.pk_key.is_none(),
            Plan::Extend { child, .. }
            | Plan::RecursiveExtend { child, .. }
            | Plan::ReadProps { child, .. }
            | Plan::Degree { child, .. }
            | Plan::Filter { child, .. }
            | Plan::Project { child, .. } => child.parallel_pipeline(),
            _ => false,
        }
    }
}

/// Builds the operators of a plan (aggregations over scan pipelines run in parallel here).
pub fn build(plan: &Plan, env: &BuildEnv) -> Result<Box<dyn Operator>> {
    build_with(plan, env, &Morsels::default())
}

fn build_with(plan: &Plan, env: &BuildEnv, morsels: &Morsels) -> Result<Box<dyn Operator>> {
    let db = env.db.clone();
    let snap = env.snap.clone();
    Ok(match plan {
        Plan::SingleRow => Box::new(ChunkSource::single_row()),
        Plan::Scan { spec, .. } => Box::new(NodeScan::new(db, snap, spec.clone(), morsels.clone())),
        Plan::Extend { child, spec, .. } => Box::new(Extend::new(
            db,
            snap,
            build_with(child, env, morsels)?,
            spec.clone(),
        )),
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
    })
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

/// The plan as indented text, one operator per line (EXPLAIN).
pub fn explain(plan: &Plan) -> String {
    let mut out = String::new();
    fn go(p: &Plan, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        let (line, children): (String, Vec<&Plan>) = match p {
            Plan::SingleRow => ("SINGLE_ROW".into(), vec![]),
            Plan::Scan { spec, desc } => (
                format!(
                    "{}SCAN_NODE {desc}{}{}",
                    if spec.pk_key.is_some() { "INDEX_" } else { "" },
                    if spec.filter.is_some() {
                        " [filter pushed down]"
                    } else {
                        ""
                    },
                    if spec.zone.is_empty() {
                        ""
                    } else {
                        " [zone maps]"
                    }
                ),
                vec![],
            ),
            Plan::Extend { child, desc, .. } => (format!("EXTEND {desc}"), vec![child]),
            Plan::RecursiveExtend { child, desc, .. } => {
                (format!("RECURSIVE_EXTEND {desc}"), vec![child])
            }
            Plan::ReadProps { child, spec } => (
                format!("READ_PROPERTIES {} columns", spec.prop_types.len()),
                vec![child],
            ),
            Plan::Degree { child, spec } => (
                format!("DEGREE (factorized count, {} factors)", spec.factors.len()),
                vec![child],
            ),
            Plan::Filter { child, .. } => ("FILTER".into(), vec![child]),
            Plan::Project { child, exprs } => {
                (format!("PROJECTION {} columns", exprs.len()), vec![child])
            }
            Plan::Join {
                probe, build, kind, ..
            } => (format!("HASH_JOIN {kind:?}"), vec![probe, build]),
            Plan::Cross { left, right } => ("CROSS_PRODUCT".into(), vec![left, right]),
            Plan::Aggregate { child, keys, aggs } => (
                format!(
                    "HASH_AGGREGATE {} keys, {} aggregates",
                    keys.len(),
                    aggs.len()
                ),
                vec![child],
            ),
            Plan::OrderBy { child, limit, .. } => (
                if limit.is_some() { "TOP_K" } else { "ORDER_BY" }.into(),
                vec![child],
            ),
            Plan::SkipLimit { child, .. } => ("SKIP_LIMIT".into(), vec![child]),
            Plan::Distinct { child } => ("DISTINCT".into(), vec![child]),
            Plan::Unwind { child, .. } => ("UNWIND".into(), vec![child]),
            Plan::Union { children } => ("UNION".into(), children.iter().collect()),
            Plan::TableFunction { name, .. } => (format!("TABLE_FUNCTION {name}"), vec![]),
            Plan::LoadFrom { spec } => (
                format!(
                    "LOAD_FROM {} files, {} columns",
                    spec.files.len(),
                    spec.columns.len()
                ),
                vec![],
            ),
        };
        out.push_str(&pad);
        out.push_str(&line);
        out.push('\n');
        for c in children {
            go(c, depth + 1, out);
        }
    }
    go(plan, 0, &mut out);
    out.trim_end().to_string()
}

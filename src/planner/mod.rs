//! The planner: the logical plan (`Plan`), its construction from a parsed query
//! (`query::plan_query`: join order, filter pushdown, primary-key lookups, factorized counts)
//! and `explain`. The plan's storage nodes are described by `spec`; the operators that run a
//! plan are built in `crate::query::build`. Table functions are evaluated while planning
//! (`call`), LOAD FROM sources bound and sniffed (`load_from`).
//!
//! Recursive joins (variable-length and shortest paths) are `Plan::RecursiveExtend` nodes.

pub mod call;
pub mod load_from;
pub mod query;
pub mod spec;

use crate::exec::expr::BoundExpr;
use crate::exec::operator::{AggregateSpec, JoinType, SortKey};
use crate::types::{LogicalType, Value};
use load_from::LoadFromSpec;
use spec::{DegreeSpec, ExtendSpec, ReadPropsSpec, RecursiveSpec, ScanSpec};
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
    /// Per input row, looks `key` up in `table`'s primary-key index and appends the node's
    /// id; rows whose key is not found are dropped (an index nested-loop join).
    PkProbe {
        child: Box<Plan>,
        table: u64,
        key: BoundExpr,
        desc: String,
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
    /// CREATE: inserts per input row, appending the created elements' columns.
    Create {
        child: Box<Plan>,
        items: Vec<spec::CreateItem>,
    },
    /// SET: property updates per input row.
    Set {
        child: Box<Plan>,
        items: Vec<spec::SetSpec>,
    },
    /// DELETE / DETACH DELETE per input row.
    Delete {
        child: Box<Plan>,
        items: Vec<spec::DeleteSpec>,
    },
    /// MERGE: per input row, the matches of a pattern or the pattern created.
    Merge {
        child: Box<Plan>,
        spec: Box<spec::MergeSpec>,
    },
    /// Runs its input to the end and produces no rows (a write query without RETURN).
    Discard {
        child: Box<Plan>,
    },
    /// Its input, run to the end once before the rest of the plan starts (`query::run`
    /// primes it) and replayed by every operator built from it (clones share the cache):
    /// the writes of a query part happen before later parts read.
    Buffer {
        child: Box<Plan>,
        cache: BufferCache,
    },
}

/// The rows a `Plan::Buffer` produced, shared by the plan's clones.
pub type BufferCache =
    Arc<parking_lot::Mutex<Option<(Vec<LogicalType>, Arc<Vec<crate::exec::DataChunk>>)>>>;

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
            | Plan::PkProbe { child, .. }
            | Plan::Degree { child, .. }
            | Plan::Filter { child, .. }
            | Plan::Project { child, .. }
            | Plan::Aggregate { child, .. }
            | Plan::OrderBy { child, .. }
            | Plan::SkipLimit { child, .. }
            | Plan::Distinct { child }
            | Plan::Unwind { child, .. }
            | Plan::Create { child, .. }
            | Plan::Set { child, .. }
            | Plan::Delete { child, .. }
            | Plan::Merge { child, .. }
            | Plan::Discard { child }
            | Plan::Buffer { child, .. } => child.visit(f),
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
    pub fn parallel_pipeline(&self) -> bool {
        match self {
            Plan::Scan { spec, .. } => spec.pk_key.is_none(),
            Plan::Extend { child, .. }
            | Plan::RecursiveExtend { child, .. }
            | Plan::ReadProps { child, .. }
            | Plan::PkProbe { child, .. }
            | Plan::Degree { child, .. }
            | Plan::Filter { child, .. }
            | Plan::Project { child, .. } => child.parallel_pipeline(),
            _ => false,
        }
    }
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
            Plan::PkProbe { child, desc, .. } => (format!("INDEX_LOOKUP {desc}"), vec![child]),
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
            Plan::Create { child, items } => {
                (format!("CREATE {} elements", items.len()), vec![child])
            }
            Plan::Set { child, items } => (format!("SET {} properties", items.len()), vec![child]),
            Plan::Delete { child, items } => {
                (format!("DELETE {} elements", items.len()), vec![child])
            }
            Plan::Merge { child, spec } => (
                format!("MERGE {} nodes, {} rels", spec.nodes.len(), spec.rels.len()),
                vec![child],
            ),
            Plan::Discard { child } => ("DISCARD".into(), vec![child]),
            Plan::Buffer { child, .. } => ("BUFFER".into(), vec![child]),
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

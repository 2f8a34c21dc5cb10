//! Read queries: plans a parsed query (`planner`), builds its operators over the committed
//! snapshot, runs them with the connection's interrupt flag, timeout and the buffer pool's
//! memory budget, and turns the result columns into values (nodes and rels included).
//! Values holding packed ids or element structs (lists of nodes from `collect(n)`, ...) are
//! converted by their type at output (`present`, `display_type`, `element_kind`).
//!
//! Public entry: `run(ctx, stmt, params)`, called by `session` for every statement that is
//! not DDL or COPY.

pub mod budget;
pub mod build;
pub mod call;
pub mod copy_query;
pub mod ddl;
pub mod load_from;
pub mod ops;
pub mod recursive;
pub mod result;
#[cfg(test)]
mod tests;
pub mod write;

use crate::context::ClientContext;
use crate::cypher::ast::{Statement, StatementKind, StatementOption};
use crate::error::{Error, Result};
use crate::exec::chunk::DataChunk;
use crate::exec::ExecContext;
use crate::planner::explain;
use crate::planner::query::{OutCol, OutKind, Planner};
use crate::query::build::{build, BuildEnv};
use crate::query::result::QueryResult;
use crate::transaction::Snapshot;
use crate::types::element::{display_type, element_kind, is_path_type, ElementKind};
use crate::types::Params;
use crate::types::{InternalId, LogicalType, NodeValue, PathValue, RelValue, Value};
use std::sync::Arc;
use std::time::Instant;

/// What a statement runs against: the snapshot it reads and, for a statement of a write
/// transaction, the transaction its writes go to.
#[derive(Clone)]
pub struct View {
    pub snap: Arc<Snapshot>,
    pub txn: Option<crate::context::TxnHandle>,
}

impl View {
    pub fn read(snap: Arc<Snapshot>) -> View {
        View { snap, txn: None }
    }

    pub fn write(snap: Arc<Snapshot>, txn: crate::context::TxnHandle) -> View {
        View {
            snap,
            txn: Some(txn),
        }
    }
}

/// Whether running `q` writes (updating clauses, or `nextval` of a sequence).
pub fn writes(q: &crate::cypher::ast::Query) -> bool {
    let parts = std::iter::once(&q.first).chain(q.unions.iter().map(|u| &u.query));
    let clauses = parts.into_iter().any(|sq| {
        !sq.updating_clauses.is_empty() || sq.parts.iter().any(|p| !p.updating_clauses.is_empty())
    });
    // `nextval` changes its sequence. (A DEFAULT using it is found by its updating clause.)
    clauses || query_exprs(q).iter().any(|e| calls_nextval(e))
}

fn calls_nextval(e: &crate::cypher::ast::Expr) -> bool {
    let mut found = false;
    crate::binder::expr::walk(e, &mut |x| {
        if let crate::cypher::ast::ExprKind::FunctionCall(f) = &x.kind {
            found |= f.name.eq_ignore_ascii_case("nextval");
        }
    });
    found
}

/// Every expression a reading query holds (clauses, patterns, projections).
fn query_exprs(q: &crate::cypher::ast::Query) -> Vec<&crate::cypher::ast::Expr> {
    use crate::cypher::ast::{PatternPart, Projection, ReadingClause};
    fn pattern<'a>(p: &'a [PatternPart], out: &mut Vec<&'a crate::cypher::ast::Expr>) {
        for part in p {
            out.extend(part.element.start.properties.iter().map(|(_, e)| e));
            for ch in &part.element.chain {
                out.extend(ch.rel.properties.iter().map(|(_, e)| e));
                out.extend(ch.node.properties.iter().map(|(_, e)| e));
            }
        }
    }
    fn projection<'a>(p: &'a Projection, out: &mut Vec<&'a crate::cypher::ast::Expr>) {
        out.extend(p.items.iter().map(|i| &i.expr));
        out.extend(p.order_by.iter().map(|o| &o.expr));
        out.extend(p.skip.iter());
        out.extend(p.limit.iter());
    }
    let mut out = Vec::new();
    for sq in std::iter::once(&q.first).chain(q.unions.iter().map(|u| &u.query)) {
        let readings = sq
            .parts
            .iter()
            .flat_map(|p| p.reading_clauses.iter())
            .chain(sq.reading_clauses.iter());
        for rc in readings {
            match rc {
                ReadingClause::Match(m) => {
                    pattern(&m.pattern, &mut out);
                    out.extend(m.where_clause.iter());
                }
                ReadingClause::Unwind { expr, .. } => out.push(expr),
                ReadingClause::Call {
                    function,
                    where_clause,
                    ..
                } => {
                    out.extend(function.args.iter().map(|a| &a.value));
                    out.extend(where_clause.iter());
                }
                ReadingClause::LoadFrom(l) => out.extend(l.where_clause.iter()),
            }
        }
        for p in &sq.parts {
            projection(&p.with.projection, &mut out);
            out.extend(p.with.where_clause.iter());
        }
        if let Some(r) = &sq.return_clause {
            projection(r, &mut out);
        }
    }
    out
}

pub fn run(
    conn: &ClientContext,
    s: &Statement,
    params: &Params,
    view: &View,
) -> Result<QueryResult> {
    let StatementKind::Query(q) = &s.kind else {
        return Err(Error::NotImplemented(format!("statement: {}", s.text)));
    };
    let snap = view.snap.clone();
    let (plan, out) = Planner::new(&snap, params)
        .with_connection(conn)
        .plan_query(q)?;
    if matches!(
        s.option,
        Some(StatementOption::Explain) | Some(StatementOption::ExplainLogical)
    ) {
        return Ok(QueryResult::new(
            vec!["explain result".into()],
            vec![LogicalType::String],
            vec![vec![Value::String(explain(&plan))]],
        ));
    }
    let mut ctx = ExecContext::new(Arc::new(budget::PoolBudget {
        store: conn.store().clone(),
    }))
    .with_params(params.clone());
    let sequences: Arc<dyn crate::exec::context::SequenceSource> = match &view.txn {
        Some(t) => Arc::new(write::TxnSequences {
            txn: t.clone(),
            snap: snap.clone(),
        }),
        None => Arc::new(write::SnapshotSequences { snap: snap.clone() }),
    };
    ctx = ctx.with_sequences(Some(sequences));
    ctx.interrupt = conn.interrupted.clone();
    ctx.deadline = conn.timeout.lock().map(|d| Instant::now() + d);
    ctx.threads = conn.threads();
    let env = BuildEnv {
        store: conn.store(),
        snap: &snap,
        ctx: &ctx,
        txn: view.txn.clone(),
    };
    // LOAD FROM with IGNORE_ERRORS: the rows its scans skip become the connection's
    // warnings once the result has been read to the end.
    let lists = crate::query::load_from::plan_warning_lists(&plan);
    let warnings = (!lists.is_empty()).then(|| StreamWarnings {
        store: conn.warnings.clone(),
        query_id: conn.query_id(),
        limit: conn.warning_limit(),
        lists,
    });
    let buffered = crate::query::build::prime_buffers(&plan, &env)?;
    let mut op = build(&plan, &env)?;
    // The first batch is produced now, so that most errors surface from `query` itself; the
    // rest is produced as the caller iterates.
    let first = op.next(&ctx)?;
    let names = out.iter().map(|o| o.name.clone()).collect();
    let types = out
        .iter()
        .map(|o| match o.kind {
            OutKind::Value(_) => display_type(&o.ty),
            _ => o.ty.clone(),
        })
        .collect();
    let present = out
        .iter()
        .map(|o| matches!(o.kind, OutKind::Value(_)) && needs_present(&o.ty))
        .collect();
    let stream = RowStream {
        op,
        ctx,
        snap,
        out,
        present,
        chunk: first,
        row: 0,
        done: false,
        warnings,
        _buffered: buffered,
    };
    Ok(QueryResult::streaming(names, types, Box::new(stream)))
}

/// Rows of a running plan, one batch at a time.
struct RowStream {
    op: Box<dyn crate::exec::Operator>,
    ctx: ExecContext,
    snap: Arc<crate::transaction::Snapshot>,
    out: Vec<OutCol>,
    /// Per output column: whether its values hold ids or element structs to present.
    present: Vec<bool>,
    chunk: Option<crate::exec::DataChunk>,
    row: usize,
    done: bool,
    warnings: Option<StreamWarnings>,
    /// The memory charge of the rows `prime_buffers` holds for this run.
    _buffered: Vec<crate::exec::memory::Reservation>,
}

/// Where a finished stream's LOAD FROM warnings go.
struct StreamWarnings {
    store: Arc<parking_lot::Mutex<crate::warnings::WarningStore>>,
    query_id: u64,
    limit: u64,
    lists: Vec<crate::query::load_from::LoadWarnings>,
}

impl StreamWarnings {
    fn flush(self) {
        let mut all = Vec::new();
        for l in &self.lists {
            all.extend(
                std::mem::take(&mut *l.lock())
                    .iter()
                    .map(crate::warnings::Warning::from_input_error),
            );
        }
        if !all.is_empty() {
            self.store.lock().add(self.query_id, all, self.limit);
        }
    }
}

impl Iterator for RowStream {
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            match &self.chunk {
                Some(c) if self.row < c.len => {
                    let r = out_row(&self.snap, c, self.row, &self.out, &self.present);
                    self.row += 1;
                    return Some(Ok(r));
                }
                Some(_) => {
                    self.row = 0;
                    self.chunk = match self.ctx.check().and_then(|()| self.op.next(&self.ctx)) {
                        Ok(c) => c,
                        Err(e) => {
                            self.done = true;
                            return Some(Err(e));
                        }
                    };
                }
                None => {
                    self.done = true;
                    if let Some(w) = self.warnings.take() {
                        w.flush();
                    }
                    return None;
                }
            }
        }
    }
}

fn unpack_id(v: &Value) -> Option<InternalId> {
    match v {
        Value::UInt64(p) => {
            let (table, offset) = ops::unpack(*p);
            Some(InternalId { table, offset })
        }
        Value::InternalId(id) => Some(*id),
        _ => None,
    }
}

fn label(snap: &Snapshot, table: u64) -> String {
    snap.catalog
        .table_by_id(table)
        .map(|t| t.name.clone())
        .unwrap_or_default()
}

/// The properties of an element, in table order, without NULLs.
fn element_props(
    snap: &Snapshot,
    table: u64,
    chunk: &DataChunk,
    i: usize,
    props: &[(String, usize)],
) -> Vec<(String, Value)> {
    let Some(t) = snap.catalog.table_by_id(table) else {
        return Vec::new();
    };
    t.properties
        .iter()
        .filter_map(|p| {
            let (_, c) = props
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&p.name))?;
            let v = chunk.columns[*c].get(i);
            (!v.is_null()).then(|| (p.name.clone(), v))
        })
        .collect()
}

/// Whether values of the type hold packed ids or element structs (nested at any depth).
fn needs_present(ty: &LogicalType) -> bool {
    match ty {
        LogicalType::InternalId => true,
        LogicalType::List(c) | LogicalType::Array(c, _) => needs_present(c),
        LogicalType::Struct(f) => {
            element_kind(f).is_some() || f.iter().any(|(_, t)| needs_present(t))
        }
        _ => false,
    }
}

/// A value of an exec type as the caller sees it: packed ids become `InternalId`, element
/// structs become `Node` / `Rel` (NULL properties left out, as for returned nodes).
pub fn present(v: Value, ty: &LogicalType) -> Value {
    match (v, ty) {
        (Value::Null, _) => Value::Null,
        (v, LogicalType::InternalId) => unpack_id(&v).map_or(Value::Null, Value::InternalId),
        (Value::List(items), LogicalType::List(c) | LogicalType::Array(c, _)) => {
            Value::List(items.into_iter().map(|x| present(x, c)).collect())
        }
        (Value::Array(items), LogicalType::List(c) | LogicalType::Array(c, _)) => {
            Value::Array(items.into_iter().map(|x| present(x, c)).collect())
        }
        (Value::Struct(kv), LogicalType::Struct(f)) if is_path_type(ty) => {
            let mut parts = kv.into_iter().zip(f).map(|((_, v), (_, t))| present(v, t));
            let (nodes, rels) = (parts.next(), parts.next());
            let nodes = match nodes {
                Some(Value::List(items)) => items
                    .into_iter()
                    .filter_map(|x| match x {
                        Value::Node(n) => Some(*n),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let rels = match rels {
                Some(Value::List(items)) => items
                    .into_iter()
                    .filter_map(|x| match x {
                        Value::Rel(r) => Some(*r),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Value::Path(Box::new(PathValue { nodes, rels }))
        }
        (Value::Struct(kv), LogicalType::Struct(f)) => {
            let mut vals: Vec<(String, Value)> = kv
                .into_iter()
                .zip(f)
                .map(|((n, v), (_, t))| (n, present(v, t)))
                .collect();
            let kind = element_kind(f);
            let skip = match kind {
                Some(ElementKind::Node) => 2,
                Some(ElementKind::Rel) => 4,
                None => return Value::Struct(vals),
            };
            if vals.len() < skip {
                return Value::Struct(vals);
            }
            let id_of = |v: &Value| match v {
                Value::InternalId(id) => Some(*id),
                _ => None,
            };
            let ids: Vec<Option<InternalId>> =
                vals.iter().take(skip).map(|(_, v)| id_of(v)).collect();
            let label = match vals.get(skip - 1) {
                Some((_, Value::String(s))) => s.clone(),
                _ => String::new(),
            };
            let properties: Vec<(String, Value)> = vals
                .split_off(skip)
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .collect();
            match (kind, ids.as_slice()) {
                (Some(ElementKind::Node), [Some(id), _]) => Value::Node(Box::new(NodeValue {
                    id: *id,
                    label,
                    properties,
                })),
                (Some(ElementKind::Rel), [Some(src), Some(dst), Some(id), _]) => {
                    Value::Rel(Box::new(RelValue {
                        src: *src,
                        dst: *dst,
                        id: *id,
                        label,
                        properties,
                    }))
                }
                _ => Value::Null,
            }
        }
        (v, _) => v,
    }
}

fn out_row(
    snap: &Snapshot,
    chunk: &DataChunk,
    i: usize,
    out: &[OutCol],
    present_col: &[bool],
) -> Vec<Value> {
    out.iter()
        .zip(present_col)
        .map(|(o, &p)| match &o.kind {
            OutKind::Value(c) if p => present(chunk.columns[*c].get(i), &o.ty),
            OutKind::Value(c) => chunk.columns[*c].get(i),
            OutKind::Id(c) => match unpack_id(&chunk.columns[*c].get(i)) {
                Some(id) => Value::InternalId(id),
                None => Value::Null,
            },
            OutKind::Node { col, props } => match unpack_id(&chunk.columns[*col].get(i)) {
                Some(id) => Value::Node(Box::new(NodeValue {
                    id,
                    label: label(snap, id.table),
                    properties: element_props(snap, id.table, chunk, i, props),
                })),
                None => Value::Null,
            },
            OutKind::Rel {
                col,
                src,
                dst,
                props,
            } => {
                let id = unpack_id(&chunk.columns[*col].get(i));
                let s = unpack_id(&chunk.columns[*src].get(i));
                let d = unpack_id(&chunk.columns[*dst].get(i));
                match (id, s, d) {
                    (Some(id), Some(src), Some(dst)) => Value::Rel(Box::new(RelValue {
                        src,
                        dst,
                        id,
                        label: label(snap, id.table),
                        properties: element_props(snap, id.table, chunk, i, props),
                    })),
                    _ => Value::Null,
                }
            }
        })
        .collect()
}

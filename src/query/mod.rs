//! Read queries: plans a parsed query (`planner`), builds its operators over the committed
//! snapshot, runs them with the connection's interrupt flag, timeout and the buffer pool's
//! memory budget, and turns the result columns into values (nodes and rels included).
//!
//! Public entry: `run(conn, stmt, params)`, called by `session` for every statement that is
//! not DDL or COPY.

pub mod budget;
pub mod call;
pub mod copy_query;
pub mod load_from;
pub mod ops;
#[cfg(test)]
mod tests;

use crate::cypher::ast::{Statement, StatementKind, StatementOption};
use crate::db::{Connection, Params, QueryResult, Snapshot};
use crate::error::{Error, Result};
use crate::exec::chunk::DataChunk;
use crate::exec::ExecContext;
use crate::planner::query::{OutCol, OutKind, Planner};
use crate::planner::{build, explain, BuildEnv};
use crate::types::{InternalId, LogicalType, NodeValue, RelValue, Value};
use std::sync::Arc;
use std::time::Instant;

pub fn run(conn: &Connection, s: &Statement, params: &Params) -> Result<QueryResult> {
    let StatementKind::Query(q) = &s.kind else {
        return Err(Error::NotImplemented(format!("statement: {}", s.text)));
    };
    let snap = conn.db.snapshot();
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
        db: conn.db.clone(),
    }))
    .with_params(params.clone());
    ctx.interrupt = conn.interrupted.clone();
    ctx.deadline = conn.timeout.lock().map(|d| Instant::now() + d);
    ctx.threads = conn.threads();
    let env = BuildEnv {
        db: &conn.db,
        snap: &snap,
        ctx: &ctx,
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
    let mut op = build(&plan, &env)?;
    // The first batch is produced now, so that most errors surface from `query` itself; the
    // rest is produced as the caller iterates.
    let first = op.next(&ctx)?;
    let names = out.iter().map(|o| o.name.clone()).collect();
    let types = out.iter().map(|o| o.ty.clone()).collect();
    let stream = RowStream {
        op,
        ctx,
        snap,
        out,
        chunk: first,
        row: 0,
        done: false,
        warnings,
    };
    Ok(QueryResult::streaming(names, types, Box::new(stream)))
}

/// Rows of a running plan, one batch at a time.
struct RowStream {
    op: Box<dyn crate::exec::Operator>,
    ctx: ExecContext,
    snap: Arc<crate::db::Snapshot>,
    out: Vec<OutCol>,
    chunk: Option<crate::exec::DataChunk>,
    row: usize,
    done: bool,
    warnings: Option<StreamWarnings>,
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
                    let r = out_row(&self.snap, c, self.row, &self.out);
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

fn out_row(snap: &Snapshot, chunk: &DataChunk, i: usize, out: &[OutCol]) -> Vec<Value> {
    out.iter()
        .map(|o| match &o.kind {
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

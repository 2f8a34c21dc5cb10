//! The operators of updating clauses: CREATE, SET, DELETE, MERGE, and the sink of a write
//! query without RETURN. Each pulls a batch from its input, applies its writes row by row
//! through the statement's write transaction (so a later row sees an earlier row's writes,
//! as MERGE needs), and passes the batch on with the columns it adds.

use crate::context::TxnHandle;
use crate::error::{Error, Result};
use crate::exec::chunk::DataChunk;
use crate::exec::context::ExecContext;
use crate::exec::expr::eval;
use crate::exec::Operator;
use crate::planner::spec::{
    CreateItem, DeleteSpec, ElementRef, MergeNode, MergeRel, MergeSpec, SetSpec,
};
use crate::query::ops::{pack, unpack};
use crate::storage::table::{Dir, NODE_GROUP_SIZE};
use crate::transaction::read::AdjQuery;
use crate::transaction::{RelRef, Snapshot, WriteTxn};
use crate::types::vector::{Column, ColumnData};
use crate::types::{LogicalType, Value};

fn id_of(c: &Column, i: usize) -> Option<u64> {
    if c.nulls.is_null(i) {
        return None;
    }
    match &c.data {
        ColumnData::UInt64(v) => v.get(i).copied(),
        _ => match c.get(i) {
            Value::UInt64(v) => Some(v),
            Value::InternalId(id) => Some(pack(id.table, id.offset)),
            _ => None,
        },
    }
}

fn ids(v: Vec<Option<u64>>) -> Column {
    let mut c = Column::with_capacity(LogicalType::InternalId, v.len());
    for x in v {
        match x {
            Some(x) => {
                c.push_value(&Value::UInt64(x));
            }
            None => c.push_null(),
        }
    }
    c
}

fn values_column(ty: &LogicalType, vals: &[Value]) -> Result<Column> {
    let mut c = Column::with_capacity(ty.clone(), vals.len());
    for v in vals {
        if !c.push_value(v) {
            return Err(Error::Conversion(format!(
                "Cannot store {v} in a column of type {ty}."
            )));
        }
    }
    Ok(c)
}

/// The pair of a rel table connecting `src`'s and `dst`'s tables.
fn pair_of(pairs: &[(u64, u64)], src: u64, dst: u64) -> Result<usize> {
    pairs
        .iter()
        .position(|&(f, t)| f == unpack(src).0 && t == unpack(dst).0)
        .ok_or_else(|| {
            Error::Runtime("the rel's endpoints are not in a FROM/TO pair of its table".into())
        })
}

/// Values of one row for an insert: the evaluated columns, SERIAL left NULL (numbered by the
/// transaction).
fn row_values(cols: &[Column], i: usize) -> Vec<Value> {
    cols.iter().map(|c| c.get(i)).collect()
}

/// Inserts a node; returns its packed id and the values it holds (SERIAL numbered).
fn insert_node(txn: &mut WriteTxn, table: u64, vals: Vec<Value>) -> Result<(u64, Vec<Value>)> {
    let entry = txn
        .catalog()
        .table_by_id(table)
        .cloned()
        .ok_or_else(|| Error::Catalog(format!("table {table} does not exist")))?;
    let off = txn.insert_node(table, vals.clone())?;
    let vals = vals
        .into_iter()
        .zip(&entry.properties)
        .map(|(v, p)| {
            if p.ty == LogicalType::Serial && v.is_null() {
                Value::Int64(off as i64)
            } else {
                v
            }
        })
        .collect();
    Ok((pack(table, off), vals))
}

pub struct CreateOp {
    child: Box<dyn Operator>,
    items: Vec<CreateItem>,
    txn: TxnHandle,
}

impl CreateOp {
    pub fn new(child: Box<dyn Operator>, items: Vec<CreateItem>, txn: TxnHandle) -> Self {
        CreateOp { child, items, txn }
    }
}

impl Operator for CreateOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        let Some(mut chunk) = self.child.next(ctx)? else {
            return Ok(None);
        };
        ctx.check()?;
        let n = chunk.len;
        // Values are evaluated over the input rows; created elements append their columns in
        // item order, so a rel can name a node created before it.
        let values: Vec<Vec<Column>> = self
            .items
            .iter()
            .map(|it| {
                let vals = match it {
                    CreateItem::Node(c) => &c.values,
                    CreateItem::Rel(c) => &c.values,
                };
                vals.iter().map(|e| eval(e, &chunk, &ctx.eval)).collect()
            })
            .collect::<Result<_>>()?;
        let mut txn = self.txn.lock();
        for (it, vals) in self.items.iter().zip(&values) {
            match it {
                CreateItem::Node(c) => {
                    let mut out_ids = Vec::with_capacity(n);
                    let mut out_vals: Vec<Vec<Value>> = vec![Vec::with_capacity(n); vals.len()];
                    for i in 0..n {
                        let (id, row) = insert_node(&mut txn, c.table, row_values(vals, i))?;
                        out_ids.push(Some(id));
                        for (k, v) in row.into_iter().enumerate() {
                            out_vals[k].push(v);
                        }
                    }
                    push_at(&mut chunk, c.id_col, ids(out_ids))?;
                    for ((col, v), e) in c.prop_cols.iter().zip(&out_vals).zip(vals) {
                        push_at(&mut chunk, *col, values_column(&e.ty, v)?)?;
                    }
                }
                CreateItem::Rel(c) => {
                    let (mut rid, mut srcs, mut dsts) = (Vec::new(), Vec::new(), Vec::new());
                    for i in 0..n {
                        let (Some(s), Some(d)) = (
                            id_of(&chunk.columns[c.src_col], i),
                            id_of(&chunk.columns[c.dst_col], i),
                        ) else {
                            // A NULL endpoint (OPTIONAL MATCH found none): nothing to create.
                            rid.push(None);
                            srcs.push(None);
                            dsts.push(None);
                            continue;
                        };
                        let pair = pair_of(&c.pairs, s, d)?;
                        let id = txn.insert_rel(
                            c.table,
                            pair,
                            unpack(s).1,
                            unpack(d).1,
                            row_values(vals, i),
                        )?;
                        rid.push(Some(pack(c.table, id)));
                        srcs.push(Some(s));
                        dsts.push(Some(d));
                    }
                    // Rows that created nothing hold NULLs.
                    let skipped: Vec<(usize, Value)> = rid
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.is_none())
                        .map(|(i, _)| (i, Value::Null))
                        .collect();
                    push_at(&mut chunk, c.id_col, ids(rid))?;
                    push_at(&mut chunk, c.id_col + 1, ids(srcs))?;
                    push_at(&mut chunk, c.id_col + 2, ids(dsts))?;
                    for (col, v) in c.prop_cols.iter().zip(vals) {
                        let v = crate::transaction::read::overlay(v.clone(), &skipped)?;
                        push_at(&mut chunk, *col, v)?;
                    }
                }
            }
        }
        Ok(Some(chunk))
    }

    fn types(&self) -> Vec<LogicalType> {
        let mut t = self.child.types();
        for it in &self.items {
            match it {
                CreateItem::Node(c) => {
                    t.push(LogicalType::InternalId);
                    t.extend(c.values.iter().map(|e| e.ty.clone()));
                }
                CreateItem::Rel(c) => {
                    t.extend(std::iter::repeat_n(LogicalType::InternalId, 3));
                    t.extend(c.values.iter().map(|e| e.ty.clone()));
                }
            }
        }
        t
    }

    fn name(&self) -> &'static str {
        "CREATE"
    }
}

/// Appends `col` as column `at` of the chunk (columns are added in plan order).
fn push_at(chunk: &mut DataChunk, at: usize, col: Column) -> Result<()> {
    if at != chunk.columns.len() {
        return Err(Error::Runtime(format!(
            "internal: created column {at} out of order ({} columns)",
            chunk.columns.len()
        )));
    }
    chunk.columns.push(col);
    Ok(())
}

/// Applies SET items to the rows of a chunk (and to the columns holding the set properties).
fn apply_sets(
    txn: &mut WriteTxn,
    items: &[SetSpec],
    values: Vec<Column>,
    chunk: &mut DataChunk,
) -> Result<()> {
    for (s, vals) in items.iter().zip(values) {
        let mut subs: Vec<(usize, Value)> = Vec::new();
        for i in 0..chunk.len {
            if let Some((c, want)) = s.only_if {
                if chunk.columns[c].get(i) != Value::Bool(want) {
                    continue;
                }
            }
            let col = match s.target {
                ElementRef::Node { col } | ElementRef::Rel { col, .. } => col,
            };
            let Some(id) = id_of(&chunk.columns[col], i) else {
                continue;
            };
            let (table, off) = unpack(id);
            let Some(Some(prop)) = s.props.iter().find(|p| p.0 == table).map(|p| p.1) else {
                continue;
            };
            let ty = txn
                .catalog()
                .table_by_id(table)
                .and_then(|e| e.properties.get(prop))
                .map(|p| p.ty.clone())
                .ok_or_else(|| Error::Runtime("no such property".into()))?;
            let mut v = vals.get(i);
            if !v.is_null() && ty != vals.ty && ty != LogicalType::Serial {
                v = crate::exec::cast::cast_value(&v, &ty)?;
            }
            match s.target {
                ElementRef::Node { .. } => txn.update_node(table, off, prop, v.clone())?,
                ElementRef::Rel { src, dst, .. } => {
                    let (Some(sv), Some(dv)) =
                        (id_of(&chunk.columns[src], i), id_of(&chunk.columns[dst], i))
                    else {
                        continue;
                    };
                    let pairs = match txn.catalog().table_by_id(table).map(|e| &e.kind) {
                        Some(crate::catalog::TableKind::Rel { pairs, .. }) => pairs.clone(),
                        _ => Vec::new(),
                    };
                    let pair = pair_of(&pairs, sv, dv)?;
                    txn.update_rel(
                        RelRef {
                            table,
                            pair,
                            src: unpack(sv).1,
                            dst: unpack(dv).1,
                            id: off,
                        },
                        prop,
                        v.clone(),
                    )?;
                }
            }
            subs.push((i, v));
        }
        if let Some(m) = s.materialized {
            let col = std::mem::replace(&mut chunk.columns[m], Column::new(LogicalType::Any));
            let mut fixed = Vec::with_capacity(subs.len());
            for (i, v) in subs {
                let v = if v.is_null() || col.ty == vals.ty {
                    v
                } else {
                    crate::exec::cast::cast_value(&v, &col.ty).unwrap_or(Value::Null)
                };
                fixed.push((i, v));
            }
            chunk.columns[m] = crate::transaction::read::overlay(col, &fixed)?;
        }
    }
    Ok(())
}

pub struct SetOp {
    child: Box<dyn Operator>,
    items: Vec<SetSpec>,
    txn: TxnHandle,
}

impl SetOp {
    pub fn new(child: Box<dyn Operator>, items: Vec<SetSpec>, txn: TxnHandle) -> Self {
        SetOp { child, items, txn }
    }
}

impl Operator for SetOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        let Some(mut chunk) = self.child.next(ctx)? else {
            return Ok(None);
        };
        ctx.check()?;
        // Values first (a `nextval` in them takes the transaction itself), then the writes.
        let values = self
            .items
            .iter()
            .map(|s| eval(&s.value, &chunk, &ctx.eval))
            .collect::<Result<Vec<_>>>()?;
        let mut txn = self.txn.lock();
        apply_sets(&mut txn, &self.items, values, &mut chunk)?;
        Ok(Some(chunk))
    }

    fn types(&self) -> Vec<LogicalType> {
        self.child.types()
    }

    fn name(&self) -> &'static str {
        "SET"
    }
}

pub struct DeleteOp {
    child: Box<dyn Operator>,
    items: Vec<DeleteSpec>,
    txn: TxnHandle,
}

impl DeleteOp {
    pub fn new(child: Box<dyn Operator>, items: Vec<DeleteSpec>, txn: TxnHandle) -> Self {
        DeleteOp { child, items, txn }
    }
}

impl Operator for DeleteOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        let Some(chunk) = self.child.next(ctx)? else {
            return Ok(None);
        };
        ctx.check()?;
        let mut txn = self.txn.lock();
        // Rels first, so that a node and its rels deleted by one clause go in that order.
        let mut items: Vec<&DeleteSpec> = self.items.iter().collect();
        items.sort_by_key(|d| matches!(d.target, ElementRef::Node { .. }));
        for d in items {
            for i in 0..chunk.len {
                match d.target {
                    ElementRef::Node { col } => {
                        if let Some(id) = id_of(&chunk.columns[col], i) {
                            let (t, o) = unpack(id);
                            txn.delete_node(t, o, d.detach)?;
                        }
                    }
                    ElementRef::Rel { col, src, dst } => {
                        let (Some(id), Some(s), Some(t)) = (
                            id_of(&chunk.columns[col], i),
                            id_of(&chunk.columns[src], i),
                            id_of(&chunk.columns[dst], i),
                        ) else {
                            continue;
                        };
                        let (table, rid) = unpack(id);
                        let pairs = match txn.catalog().table_by_id(table).map(|e| &e.kind) {
                            Some(crate::catalog::TableKind::Rel { pairs, .. }) => pairs.clone(),
                            _ => Vec::new(),
                        };
                        let pair = pair_of(&pairs, s, t)?;
                        txn.delete_rel(RelRef {
                            table,
                            pair,
                            src: unpack(s).1,
                            dst: unpack(t).1,
                            id: rid,
                        })?;
                    }
                }
            }
        }
        Ok(Some(chunk))
    }

    fn types(&self) -> Vec<LogicalType> {
        self.child.types()
    }

    fn name(&self) -> &'static str {
        "DELETE"
    }
}

/// Drains its input; produces nothing.
pub struct DiscardOp {
    child: Box<dyn Operator>,
}

impl DiscardOp {
    pub fn new(child: Box<dyn Operator>) -> Self {
        DiscardOp { child }
    }
}

impl Operator for DiscardOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        while self.child.next(ctx)?.is_some() {
            ctx.check()?;
        }
        Ok(None)
    }

    fn types(&self) -> Vec<LogicalType> {
        Vec::new()
    }

    fn name(&self) -> &'static str {
        "DISCARD"
    }
}

/// Offsets of the live rows of `table` whose properties equal `props` (index, value).
fn find_nodes(
    snap: &Snapshot,
    pool: &crate::storage::buffer::BufferPool,
    table: u64,
    props: &[(usize, Value)],
) -> Result<Vec<u64>> {
    if props.iter().any(|(_, v)| v.is_null()) {
        return Ok(Vec::new());
    }
    let entry = snap
        .catalog
        .table_by_id(table)
        .ok_or_else(|| Error::Catalog(format!("table {table} does not exist")))?;
    if let crate::catalog::TableKind::Node { primary_key } = entry.kind {
        // As Kuzu: a pattern that gives the primary key matches the row with that key,
        // whatever its other properties hold.
        if let Some((_, key)) = props.iter().find(|(p, _)| *p == primary_key) {
            if let Some(found) = snap.pk_lookup(pool, table, key)? {
                return Ok(found.into_iter().collect());
            }
        }
    }
    let end = snap.node_end(table);
    let mut out = Vec::new();
    let mut at = 0;
    while at < end {
        let n = (end - at)
            .min(2048)
            .min(NODE_GROUP_SIZE - at % NODE_GROUP_SIZE) as usize;
        let dead = snap.node_dead(pool, table, at, n)?;
        let mut cols = Vec::new();
        for (p, _) in props {
            let ty = entry.properties[*p].ty.clone();
            let mut c = Column::with_capacity(ty, n);
            snap.scan_node(pool, table, *p, at, n, &mut c)?;
            cols.push(c);
        }
        for k in 0..n {
            if dead.binary_search(&k).is_ok() {
                continue;
            }
            if props.iter().zip(&cols).all(|((_, v), c)| c.get(k) == *v) {
                out.push(at + k as u64);
            }
        }
        at += n as u64;
    }
    Ok(out)
}

pub struct MergeOp {
    child: Box<dyn Operator>,
    spec: MergeSpec,
    txn: TxnHandle,
}

impl MergeOp {
    pub fn new(child: Box<dyn Operator>, spec: MergeSpec, txn: TxnHandle) -> Self {
        MergeOp { child, spec, txn }
    }
}

/// A rel a MERGE binds: packed id, source, destination, property values.
type MergedRel = (u64, u64, u64, Vec<Value>);

/// One way the MERGE pattern binds for a row: per pattern node its packed id, per rel its
/// `MergedRel`.
type Binding = (Vec<u64>, Vec<MergedRel>);

impl MergeOp {
    /// Tries every combination of candidate nodes (the product of the candidates of each
    /// pattern node), checking the statement's deadline and interrupt as it goes: the product
    /// of a few unconstrained nodes is large (found by fuzzing: an unbound three-node MERGE on
    /// 2,500 people ran for minutes past its timeout).
    #[allow(clippy::too_many_arguments)]
    fn matches(
        &self,
        ctx: &ExecContext,
        snap: &Snapshot,
        pool: &crate::storage::buffer::BufferPool,
        chunk: &DataChunk,
        i: usize,
        node_props: &[Vec<Column>],
        rel_props: &[Vec<Column>],
    ) -> Result<Vec<Binding>> {
        // Candidates per node.
        let mut cands: Vec<Vec<u64>> = Vec::new();
        for (k, n) in self.spec.nodes.iter().enumerate() {
            cands.push(match n.bound {
                Some(c) => match id_of(&chunk.columns[c], i) {
                    Some(id) => vec![id],
                    None => return Ok(Vec::new()),
                },
                None => {
                    let props: Vec<(usize, Value)> = n
                        .props
                        .iter()
                        .zip(&node_props[k])
                        .map(|((p, _), c)| (*p, c.get(i)))
                        .collect();
                    find_nodes(snap, pool, n.table, &props)?
                        .into_iter()
                        .map(|o| pack(n.table, o))
                        .collect()
                }
            });
        }
        let mut out = Vec::new();
        let mut pick = vec![0usize; cands.len()];
        if cands.iter().any(|c| c.is_empty()) {
            return Ok(out);
        }
        let mut tried = 0u64;
        loop {
            tried += 1;
            if tried.is_multiple_of(1024) {
                ctx.check()?;
            }
            let nodes: Vec<u64> = pick.iter().zip(&cands).map(|(&p, c)| c[p]).collect();
            // Rels between the picked nodes.
            let mut rel_opts: Vec<Vec<MergedRel>> = Vec::new();
            for (k, r) in self.spec.rels.iter().enumerate() {
                rel_opts.push(self.rels_between(snap, pool, r, &nodes, &rel_props[k], i)?);
            }
            if rel_opts.iter().all(|o| !o.is_empty()) {
                let mut rp = vec![0usize; rel_opts.len()];
                loop {
                    let rels = rp
                        .iter()
                        .zip(&rel_opts)
                        .map(|(&p, o)| o[p].clone())
                        .collect();
                    out.push((nodes.clone(), rels));
                    if !advance(
                        &mut rp,
                        &rel_opts.iter().map(|o| o.len()).collect::<Vec<_>>(),
                    ) {
                        break;
                    }
                }
            }
            if !advance(
                &mut pick,
                &cands.iter().map(|c| c.len()).collect::<Vec<_>>(),
            ) {
                break;
            }
        }
        Ok(out)
    }

    fn rels_between(
        &self,
        snap: &Snapshot,
        pool: &crate::storage::buffer::BufferPool,
        r: &MergeRel,
        nodes: &[u64],
        props: &[Column],
        i: usize,
    ) -> Result<Vec<MergedRel>> {
        let (s, d) = (nodes[r.src], nodes[r.dst]);
        let Ok(pair) = pair_of(&r.pairs, s, d) else {
            return Ok(Vec::new());
        };
        let entry = snap
            .catalog
            .table_by_id(r.table)
            .ok_or_else(|| Error::Catalog("missing rel table".into()))?;
        let q = AdjQuery {
            rel_table: r.table,
            pair,
            dir: Dir::Fwd,
            props: (0..entry.properties.len()).map(Some).collect(),
            prop_types: entry.properties.iter().map(|p| p.ty.clone()).collect(),
            want_ids: true,
            counts_only: false,
        };
        let adj = snap.rels_of(pool, &q, unpack(s).1)?;
        let want: Vec<(usize, Value)> = r
            .props
            .iter()
            .zip(props)
            .map(|((p, _), c)| (*p, c.get(i)))
            .collect();
        let mut out = Vec::new();
        for (k, (&nbr, &id)) in adj.nbrs.iter().zip(&adj.ids).enumerate() {
            if nbr != unpack(d).1 {
                continue;
            }
            let vals: Vec<Value> = adj.props.iter().map(|c| c.get(k)).collect();
            if want.iter().all(|(p, v)| !v.is_null() && vals[*p] == *v) {
                out.push((pack(r.table, id), s, d, vals));
            }
        }
        Ok(out)
    }

    fn create(
        &self,
        txn: &mut WriteTxn,
        chunk: &DataChunk,
        i: usize,
        node_create: &[Vec<Column>],
        rel_create: &[Vec<Column>],
    ) -> Result<Binding> {
        let mut nodes = Vec::new();
        for (k, n) in self.spec.nodes.iter().enumerate() {
            nodes.push(match n.bound {
                Some(c) => id_of(&chunk.columns[c], i)
                    .ok_or_else(|| Error::Runtime("MERGE with a NULL bound node".into()))?,
                None => insert_node(txn, n.table, row_values(&node_create[k], i))?.0,
            });
        }
        let mut rels = Vec::new();
        for (k, r) in self.spec.rels.iter().enumerate() {
            let (s, d) = (nodes[r.src], nodes[r.dst]);
            let pair = pair_of(&r.pairs, s, d)?;
            let vals = row_values(&rel_create[k], i);
            let id = txn.insert_rel(r.table, pair, unpack(s).1, unpack(d).1, vals.clone())?;
            rels.push((pack(r.table, id), s, d, vals));
        }
        Ok((nodes, rels))
    }
}

/// Advances a mixed-radix counter; false when it wrapped.
fn advance(pick: &mut [usize], sizes: &[usize]) -> bool {
    for k in (0..pick.len()).rev() {
        pick[k] += 1;
        if pick[k] < sizes[k] {
            return true;
        }
        pick[k] = 0;
    }
    false
}

impl Operator for MergeOp {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        loop {
            let Some(chunk) = self.child.next(ctx)? else {
                return Ok(None);
            };
            ctx.check()?;
            let evals = |v: &[&[_]]| -> Result<Vec<Vec<Column>>> {
                v.iter()
                    .map(|es: &&[crate::exec::expr::BoundExpr]| {
                        es.iter().map(|e| eval(e, &chunk, &ctx.eval)).collect()
                    })
                    .collect()
            };
            let node_prop_exprs: Vec<Vec<crate::exec::expr::BoundExpr>> = self
                .spec
                .nodes
                .iter()
                .map(|n| n.props.iter().map(|p| p.1.clone()).collect())
                .collect();
            let rel_prop_exprs: Vec<Vec<crate::exec::expr::BoundExpr>> = self
                .spec
                .rels
                .iter()
                .map(|r| r.props.iter().map(|p| p.1.clone()).collect())
                .collect();
            let node_props = evals(
                &node_prop_exprs
                    .iter()
                    .map(|v| v.as_slice())
                    .collect::<Vec<_>>(),
            )?;
            let rel_props = evals(
                &rel_prop_exprs
                    .iter()
                    .map(|v| v.as_slice())
                    .collect::<Vec<_>>(),
            )?;
            let node_create = evals(
                &self
                    .spec
                    .nodes
                    .iter()
                    .map(|n: &MergeNode| n.create.as_slice())
                    .collect::<Vec<_>>(),
            )?;
            let rel_create = evals(
                &self
                    .spec
                    .rels
                    .iter()
                    .map(|r| r.create.as_slice())
                    .collect::<Vec<_>>(),
            )?;
            let mut txn = self.txn.lock();
            let snap = txn.snapshot();
            let store = txn.store().clone();
            let pool = store.pager().pool();
            let mut rows: Vec<usize> = Vec::new();
            let mut out: Vec<(Binding, bool)> = Vec::new();
            for i in 0..chunk.len {
                let found = self.matches(ctx, &snap, pool, &chunk, i, &node_props, &rel_props)?;
                if found.is_empty() {
                    let b = self.create(&mut txn, &chunk, i, &node_create, &rel_create)?;
                    rows.push(i);
                    out.push((b, true));
                } else {
                    for b in found {
                        rows.push(i);
                        out.push((b, false));
                    }
                }
            }
            drop(txn);
            if rows.is_empty() {
                continue;
            }
            let mut res = chunk.gather(&rows);
            // Appended columns, in the order the planner added them.
            let mut cols: Vec<(usize, Column)> = Vec::new();
            for (k, n) in self.spec.nodes.iter().enumerate() {
                if let Some(c) = n.id_col {
                    cols.push((c, ids(out.iter().map(|(b, _)| Some(b.0[k])).collect())));
                }
            }
            for (k, r) in self.spec.rels.iter().enumerate() {
                cols.push((
                    r.id_col,
                    ids(out.iter().map(|(b, _)| Some(b.1[k].0)).collect()),
                ));
                cols.push((
                    r.src_col,
                    ids(out.iter().map(|(b, _)| Some(b.1[k].1)).collect()),
                ));
                cols.push((
                    r.dst_col,
                    ids(out.iter().map(|(b, _)| Some(b.1[k].2)).collect()),
                ));
                for (p, &c) in r.prop_cols.iter().enumerate() {
                    let ty = &self.spec.out_types
                        [c - (self.spec.created + 1 - self.spec.out_types.len())];
                    let vals: Vec<Value> = out.iter().map(|(b, _)| b.1[k].3[p].clone()).collect();
                    cols.push((c, values_column(ty, &vals)?));
                }
            }
            let mut created = Column::with_capacity(LogicalType::Bool, out.len());
            for (_, c) in &out {
                created.push_value(&Value::Bool(*c));
            }
            cols.push((self.spec.created, created));
            cols.sort_by_key(|c| c.0);
            for (at, c) in cols {
                push_at(&mut res, at, c)?;
            }
            return Ok(Some(res));
        }
    }

    fn types(&self) -> Vec<LogicalType> {
        let mut t = self.child.types();
        t.extend(self.spec.out_types.iter().cloned());
        t
    }

    fn name(&self) -> &'static str {
        "MERGE"
    }
}

/// `nextval` / `currval` of a write statement: its transaction's sequences (and the SERIAL
/// columns' implicit sequences, whose value is the last offset the table gave out).
pub struct TxnSequences {
    pub txn: TxnHandle,
    pub snap: std::sync::Arc<Snapshot>,
}

/// `currval` of a reading statement: the sequences of its snapshot.
pub struct SnapshotSequences {
    pub snap: std::sync::Arc<Snapshot>,
}

fn serial_current(snap: &Snapshot, name: &str) -> Option<Result<i64>> {
    let (table, _) = crate::binder::expr::serial_column(&snap.catalog, name)?;
    let end = snap.node_end(table);
    Some(if end == 0 {
        Err(crate::transaction::write::not_yet_defined(name))
    } else {
        Ok(end as i64 - 1)
    })
}

impl crate::exec::context::SequenceSource for TxnSequences {
    fn next_values(&self, name: &str, n: usize) -> Result<Vec<i64>> {
        if crate::binder::expr::serial_column(&self.snap.catalog, name).is_some() {
            return Err(Error::NotImplemented(format!(
                "nextval of {name}, the sequence of a SERIAL column (its values are the rows' offsets)"
            )));
        }
        self.txn.lock().next_values(name, n)
    }

    fn current_value(&self, name: &str) -> Result<i64> {
        if let Some(v) = serial_current(&self.snap, name) {
            return v;
        }
        self.txn.lock().current_value(name)
    }
}

impl crate::exec::context::SequenceSource for SnapshotSequences {
    fn next_values(&self, _name: &str, _n: usize) -> Result<Vec<i64>> {
        Err(Error::Runtime(
            "Can not execute a write query inside a read-only transaction.".into(),
        ))
    }

    fn current_value(&self, name: &str) -> Result<i64> {
        if let Some(v) = serial_current(&self.snap, name) {
            return v;
        }
        let seq = self
            .snap
            .catalog
            .sequence(name)
            .ok_or_else(|| Error::Catalog(format!("{name} does not exist in catalog.")))?;
        seq.current
            .ok_or_else(|| crate::transaction::write::not_yet_defined(name))
    }
}

//! Streaming operators and sources: `ChunkSource`, `SharedSource`, `Filter`, `Projection`,
//! `SkipLimit`, `Distinct`, `CrossProduct`, `Unwind`, `Union`.

use super::Operator;
use crate::error::{Error, Result};
use crate::exec::chunk::{append_row, DataChunk, VECTOR_CAPACITY};
use crate::exec::context::ExecContext;
use crate::exec::expr::{eval, eval_predicate, BoundExpr};
use crate::exec::memory::Reservation;
use crate::exec::values::encode_row;
use crate::types::vector::{Column, ColumnData};
use crate::types::{LogicalType, Value};
use parking_lot::Mutex;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// Yields prepared batches (literal rows, tests, results of a subplan).
pub struct ChunkSource {
    types: Vec<LogicalType>,
    chunks: VecDeque<DataChunk>,
}

impl ChunkSource {
    pub fn new(types: Vec<LogicalType>, chunks: Vec<DataChunk>) -> Self {
        ChunkSource {
            types,
            chunks: chunks.into_iter().filter(|c| c.len > 0).collect(),
        }
    }

    /// Rows split into batches of `batch` rows.
    pub fn from_rows(types: Vec<LogicalType>, rows: &[Vec<Value>], batch: usize) -> Result<Self> {
        let batch = batch.max(1);
        let chunks = rows
            .chunks(batch)
            .map(|r| DataChunk::from_rows(&types, r))
            .collect::<Result<Vec<_>>>()?;
        Ok(ChunkSource::new(types, chunks))
    }

    /// One row without columns: the input of `RETURN 1` / `UNWIND [..]` with no MATCH.
    pub fn single_row() -> Self {
        ChunkSource {
            types: Vec::new(),
            chunks: VecDeque::from(vec![DataChunk::rows_only(1)]),
        }
    }
}

impl Operator for ChunkSource {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        ctx.check()?;
        Ok(self.chunks.pop_front())
    }
    fn types(&self) -> Vec<LogicalType> {
        self.types.clone()
    }
    fn name(&self) -> &'static str {
        "CHUNK_SOURCE"
    }
}

/// One source shared by several pipeline instances: each `next` hands out the next batch
/// (a morsel) to whichever thread asks first.
#[derive(Clone)]
pub struct SharedSource {
    inner: Arc<Mutex<Box<dyn Operator>>>,
    types: Vec<LogicalType>,
}

impl SharedSource {
    pub fn new(op: Box<dyn Operator>) -> Self {
        let types = op.types();
        SharedSource {
            inner: Arc::new(Mutex::new(op)),
            types,
        }
    }
}

impl Operator for SharedSource {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        ctx.check()?;
        self.inner.lock().next(ctx)
    }
    fn types(&self) -> Vec<LogicalType> {
        self.types.clone()
    }
    fn name(&self) -> &'static str {
        "SHARED_SOURCE"
    }
}

/// Keeps rows for which the predicate is true (NULL counts as false).
pub struct Filter {
    child: Box<dyn Operator>,
    predicate: BoundExpr,
}

impl Filter {
    pub fn new(child: Box<dyn Operator>, predicate: BoundExpr) -> Self {
        Filter { child, predicate }
    }
}

impl Operator for Filter {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        loop {
            ctx.check()?;
            let Some(chunk) = self.child.next(ctx)? else {
                return Ok(None);
            };
            let keep = eval_predicate(&self.predicate, &chunk, &ctx.eval)?;
            let out = chunk.filter(&keep);
            if out.len > 0 {
                return Ok(Some(out));
            }
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        self.child.types()
    }
    fn name(&self) -> &'static str {
        "FILTER"
    }
}

/// Evaluates expressions into a new batch (one column per expression).
pub struct Projection {
    child: Box<dyn Operator>,
    exprs: Vec<BoundExpr>,
}

impl Projection {
    pub fn new(child: Box<dyn Operator>, exprs: Vec<BoundExpr>) -> Self {
        Projection { child, exprs }
    }
}

impl Operator for Projection {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        ctx.check()?;
        let Some(chunk) = self.child.next(ctx)? else {
            return Ok(None);
        };
        let mut cols = Vec::with_capacity(self.exprs.len());
        for e in &self.exprs {
            cols.push(eval(e, &chunk, &ctx.eval)?);
        }
        Ok(Some(DataChunk {
            columns: cols,
            len: chunk.len,
        }))
    }
    fn types(&self) -> Vec<LogicalType> {
        self.exprs.iter().map(|e| e.ty.clone()).collect()
    }
    fn name(&self) -> &'static str {
        "PROJECTION"
    }
}

/// SKIP n LIMIT m. Stops pulling its child once the limit is reached.
pub struct SkipLimit {
    child: Box<dyn Operator>,
    skip: u64,
    limit: Option<u64>,
    emitted: u64,
}

impl SkipLimit {
    pub fn new(child: Box<dyn Operator>, skip: u64, limit: Option<u64>) -> Self {
        SkipLimit {
            child,
            skip,
            limit,
            emitted: 0,
        }
    }
}

impl Operator for SkipLimit {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        loop {
            ctx.check()?;
            if let Some(l) = self.limit {
                if self.emitted >= l {
                    return Ok(None);
                }
            }
            let Some(chunk) = self.child.next(ctx)? else {
                return Ok(None);
            };
            let mut start = 0usize;
            if self.skip > 0 {
                let s = self.skip.min(chunk.len as u64);
                self.skip -= s;
                start = s as usize;
            }
            let mut len = chunk.len - start;
            if let Some(l) = self.limit {
                len = len.min((l - self.emitted) as usize);
            }
            if len == 0 {
                continue;
            }
            self.emitted += len as u64;
            return Ok(Some(if start == 0 && len == chunk.len {
                chunk
            } else {
                chunk.slice(start, len)
            }));
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        self.child.types()
    }
    fn name(&self) -> &'static str {
        "SKIP_LIMIT"
    }
}

/// Removes duplicate rows (all columns; NULLs equal each other).
pub struct Distinct {
    child: Box<dyn Operator>,
    seen: HashSet<Vec<u8>>,
    reservation: Option<Reservation>,
}

impl Distinct {
    pub fn new(child: Box<dyn Operator>) -> Self {
        Distinct {
            child,
            seen: HashSet::new(),
            reservation: None,
        }
    }
}

impl Operator for Distinct {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        let res = self
            .reservation
            .get_or_insert_with(|| Reservation::new(ctx.budget.clone()));
        loop {
            ctx.check()?;
            let Some(chunk) = self.child.next(ctx)? else {
                return Ok(None);
            };
            let mut keep = Vec::new();
            let mut bytes = 0u64;
            for i in 0..chunk.len {
                let mut key = Vec::new();
                encode_row(&chunk.columns, i, &mut key);
                let kb = key.len() as u64 + 32;
                if self.seen.insert(key) {
                    keep.push(i);
                    bytes += kb;
                }
            }
            res.grow(bytes)?;
            if !keep.is_empty() {
                return Ok(Some(chunk.gather(&keep)));
            }
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        self.child.types()
    }
    fn name(&self) -> &'static str {
        "DISTINCT"
    }
}

/// Every left row with every right row (left columns, then right columns).
pub struct CrossProduct {
    left: Box<dyn Operator>,
    right: Option<Box<dyn Operator>>,
    right_types: Vec<LogicalType>,
    right_rows: Option<DataChunk>,
    current: Option<DataChunk>,
    /// Next (left row, right row) to emit in `current`.
    pos: (usize, usize),
    reservation: Option<Reservation>,
}

impl CrossProduct {
    pub fn new(left: Box<dyn Operator>, right: Box<dyn Operator>) -> Self {
        let right_types = right.types();
        CrossProduct {
            left,
            right: Some(right),
            right_types,
            right_rows: None,
            current: None,
            pos: (0, 0),
            reservation: None,
        }
    }
}

/// Concatenates all batches of an operator into one, accounting the bytes.
pub(crate) fn materialize(
    op: &mut dyn Operator,
    ctx: &ExecContext,
    res: &mut Reservation,
) -> Result<DataChunk> {
    let mut all = DataChunk::empty(&op.types());
    while let Some(c) = op.next(ctx)? {
        res.grow(c.byte_size())?;
        if all.columns.is_empty() {
            all.len += c.len;
        } else {
            all.append(&c);
        }
    }
    Ok(all)
}

impl Operator for CrossProduct {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        ctx.check()?;
        if let Some(mut r) = self.right.take() {
            let res = self
                .reservation
                .get_or_insert_with(|| Reservation::new(ctx.budget.clone()));
            self.right_rows = Some(materialize(r.as_mut(), ctx, res)?);
        }
        let right = match &self.right_rows {
            Some(r) if r.len > 0 => r,
            _ => return Ok(None),
        };
        loop {
            ctx.check()?;
            if self.current.is_none() {
                match self.left.next(ctx)? {
                    Some(c) => {
                        self.current = Some(c);
                        self.pos = (0, 0);
                    }
                    None => return Ok(None),
                }
            }
            let Some(left) = &self.current else {
                continue;
            };
            let mut li = Vec::new();
            let mut ri = Vec::new();
            let (mut l, mut r) = self.pos;
            while l < left.len && li.len() < VECTOR_CAPACITY {
                li.push(l);
                ri.push(r);
                r += 1;
                if r == right.len {
                    r = 0;
                    l += 1;
                }
            }
            self.pos = (l, r);
            let mut out = left.gather(&li);
            out.columns.extend(
                right
                    .columns
                    .iter()
                    .map(|c| crate::exec::chunk::gather(c, &ri)),
            );
            if l >= left.len {
                self.current = None;
            }
            if out.len > 0 {
                return Ok(Some(out));
            }
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        let mut t = self.left.types();
        t.extend(self.right_types.iter().cloned());
        t
    }
    fn name(&self) -> &'static str {
        "CROSS_PRODUCT"
    }
}

/// UNWIND: one output row per list element (input columns, then the element). A NULL or
/// empty list produces no rows.
pub struct Unwind {
    child: Box<dyn Operator>,
    list: BoundExpr,
    elem_ty: LogicalType,
    pending: VecDeque<DataChunk>,
}

impl Unwind {
    pub fn new(child: Box<dyn Operator>, list: BoundExpr) -> Result<Self> {
        let elem_ty = match &list.ty {
            LogicalType::List(c) | LogicalType::Array(c, _) => (**c).clone(),
            LogicalType::Any => LogicalType::Any,
            other => {
                return Err(Error::Binder(format!(
                    "{other} is not a LIST and cannot be unwound."
                )))
            }
        };
        Ok(Unwind {
            child,
            list,
            elem_ty,
            pending: VecDeque::new(),
        })
    }
}

impl Operator for Unwind {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        loop {
            ctx.check()?;
            if let Some(c) = self.pending.pop_front() {
                return Ok(Some(c));
            }
            let Some(chunk) = self.child.next(ctx)? else {
                return Ok(None);
            };
            let lists = eval(&self.list, &chunk, &ctx.eval)?;
            let (offsets, child) = match &lists.data {
                ColumnData::List { offsets, child } => (offsets, child),
                _ => continue,
            };
            let mut rows = Vec::new();
            let mut elems = Vec::new();
            for i in 0..chunk.len {
                if lists.nulls.is_null(i) {
                    continue;
                }
                for j in offsets[i] as usize..offsets[i + 1] as usize {
                    rows.push(i);
                    elems.push(j);
                }
            }
            for (r, e) in rows
                .chunks(VECTOR_CAPACITY)
                .zip(elems.chunks(VECTOR_CAPACITY))
            {
                let mut out = chunk.gather(r);
                let mut col = crate::exec::chunk::gather(child, e);
                col.ty = self.elem_ty.clone();
                out.columns.push(col);
                self.pending.push_back(out);
            }
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        let mut t = self.child.types();
        t.push(self.elem_ty.clone());
        t
    }
    fn name(&self) -> &'static str {
        "UNWIND"
    }
}

/// UNION ALL of children with the same column types (UNION = `Distinct` over this).
pub struct Union {
    children: VecDeque<Box<dyn Operator>>,
    types: Vec<LogicalType>,
}

impl Union {
    pub fn new(children: Vec<Box<dyn Operator>>) -> Self {
        let types = children.first().map(|c| c.types()).unwrap_or_default();
        Union {
            children: children.into(),
            types,
        }
    }
}

impl Operator for Union {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        loop {
            ctx.check()?;
            let Some(c) = self.children.front_mut() else {
                return Ok(None);
            };
            match c.next(ctx)? {
                Some(chunk) => {
                    // Conform column types to the first child's (e.g. INT64 vs SERIAL).
                    let mut chunk = chunk;
                    for (col, t) in chunk.columns.iter_mut().zip(&self.types) {
                        if &col.ty != t {
                            *col = crate::exec::expr::cast_column(col, t)?;
                        }
                    }
                    return Ok(Some(chunk));
                }
                None => {
                    self.children.pop_front();
                }
            }
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        self.types.clone()
    }
    fn name(&self) -> &'static str {
        "UNION_ALL"
    }
}

/// Appends row `i` of `src` to `dst` column-wise.
pub(crate) fn append_chunk_row(dst: &mut [Column], src: &DataChunk, i: usize) {
    for (d, s) in dst.iter_mut().zip(&src.columns) {
        append_row(d, s, i);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::super::{collect_rows, Operator};
    use super::*;
    use crate::exec::expr::{bind_comparison, CmpOp};
    use crate::exec::function::bind_function;
    use crate::types::Value::*;

    fn ctx() -> ExecContext {
        ExecContext::default()
    }

    #[test]
    fn filter_projection_limit() {
        let rows = ints(&[&[Some(1)], &[Some(5)], &[None], &[Some(7)], &[Some(2)]]);
        let src = source(vec![LogicalType::Int64], rows, 2);
        let pred = bind_comparison(
            CmpOp::Gt,
            BoundExpr::column(0, LogicalType::Int64),
            BoundExpr::literal(Int64(1)),
        )
        .unwrap();
        let f = Filter::new(Box::new(src), pred);
        let plus = bind_function(
            "+",
            vec![
                BoundExpr::column(0, LogicalType::Int64),
                BoundExpr::literal(Int64(10)),
            ],
        )
        .unwrap();
        let p = Projection::new(Box::new(f), vec![plus]);
        let mut l = SkipLimit::new(Box::new(p), 1, Some(2));
        assert_eq!(
            collect_rows(&mut l, &ctx()).unwrap(),
            vec![vec![Int64(17)], vec![Int64(12)]]
        );
    }

    #[test]
    fn distinct_union_and_cross_product() {
        let a = source(
            vec![LogicalType::Int64],
            ints(&[&[Some(1)], &[None], &[Some(1)]]),
            2,
        );
        let b = source(vec![LogicalType::Int64], ints(&[&[None], &[Some(2)]]), 2);
        let mut d = Distinct::new(Box::new(super::Union::new(vec![Box::new(a), Box::new(b)])));
        assert_eq!(
            collect_rows(&mut d, &ctx()).unwrap(),
            vec![vec![Int64(1)], vec![Null], vec![Int64(2)]]
        );
        let l = source(vec![LogicalType::Int64], ints(&[&[Some(1)], &[Some(2)]]), 1);
        let r = source(
            vec![LogicalType::String],
            vec![vec![String("x".into())], vec![String("y".into())]],
            1,
        );
        let mut cp = CrossProduct::new(Box::new(l), Box::new(r));
        assert_eq!(cp.types(), vec![LogicalType::Int64, LogicalType::String]);
        assert_eq!(
            collect_rows(&mut cp, &ctx()).unwrap(),
            vec![
                vec![Int64(1), String("x".into())],
                vec![Int64(1), String("y".into())],
                vec![Int64(2), String("x".into())],
                vec![Int64(2), String("y".into())],
            ]
        );
    }

    #[test]
    fn unwind_skips_null_and_empty_lists() {
        let lt = LogicalType::List(Box::new(LogicalType::Int64));
        let rows = vec![
            vec![Int64(1), List(vec![Int64(10), Null])],
            vec![Int64(2), Null],
            vec![Int64(3), List(vec![])],
            vec![Int64(4), List(vec![Int64(40)])],
        ];
        let src = source(vec![LogicalType::Int64, lt.clone()], rows, 4);
        let mut u = Unwind::new(Box::new(src), BoundExpr::column(1, lt.clone())).unwrap();
        let out: Vec<Vec<Value>> = collect_rows(&mut u, &ctx())
            .unwrap()
            .into_iter()
            .map(|r| vec![r[0].clone(), r[2].clone()])
            .collect();
        assert_eq!(
            out,
            vec![
                vec![Int64(1), Int64(10)],
                vec![Int64(1), Null],
                vec![Int64(4), Int64(40)]
            ]
        );
        // UNWIND without input rows: a single row source.
        let lit = BoundExpr::literal(List(vec![Int64(1), Int64(2)]));
        let mut u = Unwind::new(Box::new(ChunkSource::single_row()), lit).unwrap();
        assert_eq!(
            collect_rows(&mut u, &ctx()).unwrap(),
            vec![vec![Int64(1)], vec![Int64(2)]]
        );
    }

    #[test]
    fn interrupt_stops_a_pipeline() {
        let src = source(vec![LogicalType::Int64], ints(&[&[Some(1)], &[Some(2)]]), 1);
        let mut p = Projection::new(
            Box::new(src),
            vec![BoundExpr::column(0, LogicalType::Int64)],
        );
        let c = ctx();
        assert!(p.next(&c).unwrap().is_some());
        c.interrupt
            .store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(matches!(p.next(&c), Err(Error::Interrupted)));
        let mut c2 = ctx();
        c2.deadline = Some(std::time::Instant::now());
        assert!(matches!(p.next(&c2), Err(Error::Interrupted)));
    }
}

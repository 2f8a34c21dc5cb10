//! ORDER BY (full sort) and TopK (ORDER BY with LIMIT, keeping only the best rows).
//!
//! Kuzu's NULL order: NULL is larger than every value, so NULLs come last ascending and first
//! descending. Sorting is stable: ties keep input order.

use super::basic::materialize;
use super::Operator;
use crate::error::Result;
use crate::exec::chunk::{DataChunk, VECTOR_CAPACITY};
use crate::exec::context::ExecContext;
use crate::exec::expr::{eval, BoundExpr};
use crate::exec::memory::Reservation;
use crate::exec::values::compare_values;
use crate::types::vector::{Column, ColumnData};
use crate::types::{LogicalType, Value};
use std::cmp::Ordering;

/// One ORDER BY key.
#[derive(Debug, Clone)]
pub struct SortKey {
    pub expr: BoundExpr,
    pub descending: bool,
}

fn key_rows(keys: &[SortKey], chunk: &DataChunk, ctx: &ExecContext) -> Result<Vec<Vec<Value>>> {
    let cols = keys
        .iter()
        .map(|k| eval(&k.expr, chunk, &ctx.eval))
        .collect::<Result<Vec<_>>>()?;
    Ok((0..chunk.len)
        .map(|i| cols.iter().map(|c| c.get(i)).collect())
        .collect())
}

fn cmp_rows(keys: &[SortKey], a: &[Value], b: &[Value]) -> Ordering {
    for (k, (x, y)) in keys.iter().zip(a.iter().zip(b)) {
        let o = compare_values(x, y);
        let o = if k.descending { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Row `i` of `col` compared with `v`, as `compare_values` orders them (NULL largest), without
/// building a `Value` for the common integer and string keys.
fn cmp_at(col: &Column, i: usize, v: &Value) -> Ordering {
    let null = col.nulls.is_null(i);
    match (null, v.is_null()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    match (&col.data, v) {
        (ColumnData::Int64(a), Value::Int64(b)) => a[i].cmp(b),
        (ColumnData::Int32(a), Value::Int32(b)) => a[i].cmp(b),
        (ColumnData::Int16(a), Value::Int16(b)) => a[i].cmp(b),
        (ColumnData::String(a), Value::String(b)) if col.ty == LogicalType::String => {
            a.get(i).cmp(b.as_bytes())
        }
        _ => compare_values(&col.get(i), v),
    }
}

/// Whether row `i` of the key columns sorts strictly before `bound` (ties keep input order,
/// so a later row equal to the bound never displaces it).
fn before(keys: &[SortKey], cols: &[Column], i: usize, bound: &[Value]) -> bool {
    for ((k, c), b) in keys.iter().zip(cols).zip(bound) {
        let o = cmp_at(c, i, b);
        let o = if k.descending { o.reverse() } else { o };
        match o {
            Ordering::Less => return true,
            Ordering::Greater => return false,
            Ordering::Equal => {}
        }
    }
    false
}

fn sorted_order(keys: &[SortKey], rows: &[Vec<Value>]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_by(|&a, &b| cmp_rows(keys, &rows[a], &rows[b]));
    idx
}

fn key_bytes(rows: &[Vec<Value>]) -> u64 {
    rows.iter().map(|r| 24 + 48 * r.len() as u64).sum()
}

/// Sorts all input rows.
pub struct OrderBy {
    child: Box<dyn Operator>,
    keys: Vec<SortKey>,
    sorted: Option<(DataChunk, Vec<usize>)>,
    pos: usize,
    reservation: Option<Reservation>,
}

impl OrderBy {
    pub fn new(child: Box<dyn Operator>, keys: Vec<SortKey>) -> Self {
        OrderBy {
            child,
            keys,
            sorted: None,
            pos: 0,
            reservation: None,
        }
    }
}

impl Operator for OrderBy {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        ctx.check()?;
        if self.sorted.is_none() {
            let mut res = Reservation::new(ctx.budget.clone());
            let all = materialize(self.child.as_mut(), ctx, &mut res)?;
            let rows = key_rows(&self.keys, &all, ctx)?;
            res.grow(key_bytes(&rows))?;
            ctx.check()?;
            let order = sorted_order(&self.keys, &rows);
            self.sorted = Some((all, order));
            self.reservation = Some(res);
        }
        let Some((all, order)) = &self.sorted else {
            return Ok(None);
        };
        if self.pos >= order.len() {
            return Ok(None);
        }
        let end = (self.pos + VECTOR_CAPACITY).min(order.len());
        let out = all.gather(&order[self.pos..end]);
        self.pos = end;
        Ok(Some(out))
    }
    fn types(&self) -> Vec<LogicalType> {
        self.child.types()
    }
    fn name(&self) -> &'static str {
        "ORDER_BY"
    }
    fn children(&self) -> Vec<&dyn Operator> {
        vec![self.child.as_ref()]
    }
}

/// ORDER BY ... SKIP s LIMIT l: keeps at most `s + l` candidate rows while reading.
pub struct TopK {
    child: Box<dyn Operator>,
    keys: Vec<SortKey>,
    skip: usize,
    limit: usize,
    result: Option<(DataChunk, usize)>,
    reservation: Option<Reservation>,
}

impl TopK {
    pub fn new(child: Box<dyn Operator>, keys: Vec<SortKey>, skip: u64, limit: u64) -> Self {
        TopK {
            child,
            keys,
            skip: skip as usize,
            limit: limit as usize,
            result: None,
            reservation: None,
        }
    }

    fn build(&mut self, ctx: &ExecContext) -> Result<DataChunk> {
        let keep = self.skip.saturating_add(self.limit);
        let mut res = Reservation::new(ctx.budget.clone());
        let mut buf = DataChunk::empty(&self.child.types());
        let mut rows: Vec<Vec<Value>> = Vec::new();
        // Once `keep` rows are known, the key of the last of them: a later row enters only if
        // it sorts strictly before it, which one comparison per row decides.
        let mut bound: Option<Vec<Value>> = None;
        if keep == 0 {
            return Ok(DataChunk::empty(&self.child.types()));
        }
        while let Some(c) = self.child.next(ctx)? {
            ctx.check()?;
            let cols = self
                .keys
                .iter()
                .map(|k| eval(&k.expr, &c, &ctx.eval))
                .collect::<Result<Vec<_>>>()?;
            let cand: Vec<usize> = match &bound {
                None => (0..c.len).collect(),
                Some(b) => (0..c.len)
                    .filter(|&i| before(&self.keys, &cols, i, b))
                    .collect(),
            };
            if cand.is_empty() {
                continue;
            }
            rows.extend(
                cand.iter()
                    .map(|&i| cols.iter().map(|col| col.get(i)).collect::<Vec<_>>()),
            );
            let c = if cand.len() == c.len {
                c
            } else {
                c.gather(&cand)
            };
            if buf.columns.is_empty() {
                buf.len += c.len;
            } else {
                buf.append(&c);
            }
            if rows.len() > keep.max(VECTOR_CAPACITY).saturating_mul(2) {
                let order = sorted_order(&self.keys, &rows);
                let top = &order[..keep.min(order.len())];
                buf = buf.gather(top);
                rows = top.iter().map(|&i| std::mem::take(&mut rows[i])).collect();
                if rows.len() == keep {
                    bound = rows.last().cloned();
                }
            }
            res.resize(buf.byte_size() + key_bytes(&rows))?;
        }
        let order = sorted_order(&self.keys, &rows);
        let start = self.skip.min(order.len());
        let end = keep.min(order.len());
        self.reservation = Some(res);
        Ok(buf.gather(&order[start..end]))
    }
}

impl Operator for TopK {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        ctx.check()?;
        if self.result.is_none() {
            let r = self.build(ctx)?;
            self.result = Some((r, 0));
        }
        let Some((all, pos)) = &mut self.result else {
            return Ok(None);
        };
        if *pos >= all.len {
            return Ok(None);
        }
        let n = VECTOR_CAPACITY.min(all.len - *pos);
        let out = all.slice(*pos, n);
        *pos += n;
        Ok(Some(out))
    }
    fn types(&self) -> Vec<LogicalType> {
        self.child.types()
    }
    fn name(&self) -> &'static str {
        "TOP_K"
    }
    fn children(&self) -> Vec<&dyn Operator> {
        vec![self.child.as_ref()]
    }
}

#[cfg(test)]
mod tests {
    use super::super::collect_rows;
    use super::super::test_util::*;
    use super::*;
    use crate::error::Error;
    use crate::exec::memory::FixedBudget;
    use crate::types::Value::*;
    use std::sync::Arc;

    fn keys(desc: &[bool]) -> Vec<SortKey> {
        desc.iter()
            .enumerate()
            .map(|(i, d)| SortKey {
                expr: BoundExpr::column(i, LogicalType::Int64),
                descending: *d,
            })
            .collect()
    }

    #[test]
    fn nulls_last_ascending_first_descending() {
        let rows = ints(&[&[Some(2)], &[None], &[Some(1)], &[Some(3)]]);
        let ctx = ExecContext::default();
        let mut asc = OrderBy::new(
            Box::new(source(vec![LogicalType::Int64], rows.clone(), 2)),
            keys(&[false]),
        );
        assert_eq!(
            collect_rows(&mut asc, &ctx).unwrap(),
            ints(&[&[Some(1)], &[Some(2)], &[Some(3)], &[None]])
        );
        let mut desc = OrderBy::new(
            Box::new(source(vec![LogicalType::Int64], rows, 2)),
            keys(&[true]),
        );
        assert_eq!(
            collect_rows(&mut desc, &ctx).unwrap(),
            ints(&[&[None], &[Some(3)], &[Some(2)], &[Some(1)]])
        );
    }

    /// Enough rows for the bound on the kept rows to filter later batches: the result equals a
    /// stable full sort's window, ties (many) and NULLs included.
    #[test]
    fn top_k_over_many_batches_matches_a_stable_sort() {
        let n = 20_000i64;
        let rows: Vec<Vec<Value>> = (0..n)
            .map(|i| {
                let k = if i % 1001 == 0 {
                    Null
                } else {
                    Int64(i * 37 % 97)
                };
                vec![k, Int64(i)]
            })
            .collect();
        let types = vec![LogicalType::Int64, LogicalType::Int64];
        let ctx = ExecContext::default();
        for (desc, skip, limit) in [(true, 2u64, 5u64), (false, 0, 30), (true, 0, 1)] {
            let mut expected = rows.clone();
            expected.sort_by(|a, b| {
                let o = compare_values(&a[0], &b[0]);
                if desc {
                    o.reverse()
                } else {
                    o
                }
            });
            let expected: Vec<Vec<Value>> = expected
                .into_iter()
                .skip(skip as usize)
                .take(limit as usize)
                .collect();
            let k = vec![SortKey {
                expr: BoundExpr::column(0, LogicalType::Int64),
                descending: desc,
            }];
            let mut t = TopK::new(
                Box::new(source(types.clone(), rows.clone(), 1000)),
                k,
                skip,
                limit,
            );
            assert_eq!(
                collect_rows(&mut t, &ctx).unwrap(),
                expected,
                "{desc} {skip} {limit}"
            );
        }
    }

    #[test]
    fn multi_key_and_top_k() {
        let rows = ints(&[
            &[Some(1), Some(5)],
            &[Some(2), Some(1)],
            &[Some(1), Some(7)],
            &[Some(2), Some(9)],
            &[Some(0), Some(0)],
        ]);
        let types = vec![LogicalType::Int64, LogicalType::Int64];
        let ctx = ExecContext::default();
        let mut o = OrderBy::new(
            Box::new(source(types.clone(), rows.clone(), 2)),
            keys(&[false, true]),
        );
        assert_eq!(
            collect_rows(&mut o, &ctx).unwrap(),
            ints(&[
                &[Some(0), Some(0)],
                &[Some(1), Some(7)],
                &[Some(1), Some(5)],
                &[Some(2), Some(9)],
                &[Some(2), Some(1)],
            ])
        );
        let mut t = TopK::new(Box::new(source(types, rows, 2)), keys(&[false, true]), 1, 2);
        assert_eq!(
            collect_rows(&mut t, &ctx).unwrap(),
            ints(&[&[Some(1), Some(7)], &[Some(1), Some(5)]])
        );
    }

    #[test]
    fn sort_fails_cleanly_over_budget() {
        let rows: Vec<Vec<Value>> = (0..5000).map(|i| vec![Int64(i)]).collect();
        let ctx = ExecContext::new(Arc::new(FixedBudget::new(10_000)));
        let mut o = OrderBy::new(
            Box::new(source(vec![LogicalType::Int64], rows, 2048)),
            keys(&[false]),
        );
        assert!(matches!(o.next(&ctx), Err(Error::OutOfMemory { .. })));
    }
}

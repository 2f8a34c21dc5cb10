//! Hash join: the build side (right child) is materialised into a hash table on its key
//! columns; the probe side (left child) streams through it.
//!
//! Join types: `Inner`; `Left` (OPTIONAL MATCH: unmatched probe rows get NULL build columns);
//! `Semi` / `Anti` (EXISTS / NOT EXISTS: probe columns only); `Mark` (probe columns plus a BOOL
//! column telling whether a match exists, for EXISTS inside larger predicates). Keys containing
//! a NULL never match. Output = probe columns, then build columns (Inner/Left).

use super::basic::materialize;
use super::Operator;
use crate::error::Result;
use crate::exec::chunk::{append_row, DataChunk, VECTOR_CAPACITY};
use crate::exec::context::ExecContext;
use crate::exec::expr::{eval, BoundExpr};
use crate::exec::memory::Reservation;
use crate::exec::typing::max_logical_type;
use crate::exec::values::encode_row;
use crate::types::vector::{Column, ColumnData, NullMask};
use crate::types::LogicalType;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinType {
    Inner,
    Left,
    Semi,
    Anti,
    Mark,
}

pub struct HashJoin {
    probe: Box<dyn Operator>,
    build: Option<Box<dyn Operator>>,
    probe_keys: Vec<BoundExpr>,
    build_keys: Vec<BoundExpr>,
    join_type: JoinType,
    build_types: Vec<LogicalType>,
    table: HashMap<Vec<u8>, Vec<u32>>,
    build_rows: DataChunk,
    state: Option<ProbeState>,
    reservation: Option<Reservation>,
}

impl HashJoin {
    pub fn new(
        probe: Box<dyn Operator>,
        build: Box<dyn Operator>,
        probe_keys: Vec<BoundExpr>,
        build_keys: Vec<BoundExpr>,
        join_type: JoinType,
    ) -> Self {
        let build_types = build.types();
        // Keys are compared by their encoded bytes, so both sides must have the same type.
        let (probe_keys, build_keys): (Vec<BoundExpr>, Vec<BoundExpr>) = probe_keys
            .into_iter()
            .zip(build_keys)
            .map(|(p, b)| {
                if p.ty == b.ty {
                    return (p, b);
                }
                match max_logical_type(&p.ty, &b.ty) {
                    Some(t) => match (p.clone().cast_to(&t), b.clone().cast_to(&t)) {
                        (Ok(p2), Ok(b2)) => (p2, b2),
                        _ => (p, b),
                    },
                    None => (p, b),
                }
            })
            .unzip();
        HashJoin {
            probe,
            build: Some(build),
            probe_keys,
            build_keys,
            join_type,
            build_rows: DataChunk::empty(&build_types),
            build_types,
            table: HashMap::new(),
            state: None,
            reservation: None,
        }
    }

    fn key_columns(
        keys: &[BoundExpr],
        chunk: &DataChunk,
        ctx: &ExecContext,
    ) -> Result<Vec<Column>> {
        keys.iter().map(|k| eval(k, chunk, &ctx.eval)).collect()
    }

    fn build_table(&mut self, ctx: &ExecContext) -> Result<()> {
        let Some(mut build) = self.build.take() else {
            return Ok(());
        };
        let mut res = Reservation::new(ctx.budget.clone());
        let rows = materialize(build.as_mut(), ctx, &mut res)?;
        let keys = Self::key_columns(&self.build_keys, &rows, ctx)?;
        let mut bytes = 0u64;
        for i in 0..rows.len {
            if keys.iter().any(|k| k.nulls.is_null(i)) {
                continue;
            }
            let mut key = Vec::new();
            encode_row(&keys, i, &mut key);
            bytes += key.len() as u64 + 48;
            self.table.entry(key).or_default().push(i as u32);
            if bytes > 1 << 16 {
                res.grow(bytes)?;
                bytes = 0;
            }
        }
        res.grow(bytes)?;
        self.build_rows = rows;
        self.reservation = Some(res);
        Ok(())
    }

    /// The next output batch of the probe chunk in hand: at most `VECTOR_CAPACITY` rows,
    /// a probe row with more matches than that continuing in the next batch, so the output
    /// never grows with the number of matches. `None` once the chunk is done.
    fn probe_some(&mut self) -> Option<DataChunk> {
        let HashJoin {
            state,
            table,
            join_type,
            build_rows,
            ..
        } = self;
        let st = state.as_mut()?;
        let mut probe_idx: Vec<usize> = Vec::new();
        let mut build_idx: Vec<Option<usize>> = Vec::new();
        let mut marks: Vec<bool> = Vec::new();
        let mut key = Vec::new();
        while st.row < st.chunk.len && probe_idx.len() < VECTOR_CAPACITY {
            let i = st.row;
            let matches: &[u32] = if st.keys.iter().any(|k| k.nulls.is_null(i)) {
                &[]
            } else {
                key.clear();
                encode_row(&st.keys, i, &mut key);
                table.get(&key).map(|v| v.as_slice()).unwrap_or(&[])
            };
            match join_type {
                JoinType::Inner | JoinType::Left => {
                    if matches.is_empty() {
                        if *join_type == JoinType::Left {
                            probe_idx.push(i);
                            build_idx.push(None);
                        }
                        st.row += 1;
                        continue;
                    }
                    let room = VECTOR_CAPACITY - probe_idx.len();
                    let take = (matches.len() - st.pos).min(room);
                    for &m in &matches[st.pos..st.pos + take] {
                        probe_idx.push(i);
                        build_idx.push(Some(m as usize));
                    }
                    st.pos += take;
                    if st.pos == matches.len() {
                        st.pos = 0;
                        st.row += 1;
                    }
                }
                JoinType::Semi => {
                    if !matches.is_empty() {
                        probe_idx.push(i);
                    }
                    st.row += 1;
                }
                JoinType::Anti => {
                    if matches.is_empty() {
                        probe_idx.push(i);
                    }
                    st.row += 1;
                }
                JoinType::Mark => {
                    probe_idx.push(i);
                    marks.push(!matches.is_empty());
                    st.row += 1;
                }
            }
        }
        let out = (!probe_idx.is_empty()).then(|| {
            let mut out = st.chunk.gather(&probe_idx);
            match join_type {
                JoinType::Inner | JoinType::Left => {
                    for c in &build_rows.columns {
                        out.columns.push(gather_opt(c, &build_idx));
                    }
                }
                JoinType::Mark => out.columns.push(Column {
                    ty: LogicalType::Bool,
                    data: ColumnData::Bool(marks),
                    nulls: NullMask::with_len(probe_idx.len()),
                }),
                _ => {}
            }
            out
        });
        if st.row >= st.chunk.len {
            *state = None;
        }
        out
    }
}

/// The probe chunk being joined: its key columns and how far its output has got.
struct ProbeState {
    chunk: DataChunk,
    keys: Vec<Column>,
    /// Next probe row.
    row: usize,
    /// Matches of `row` already emitted.
    pos: usize,
}

/// Rows of `c` at the indices, NULL where the index is `None`.
pub(crate) fn gather_opt(c: &Column, idx: &[Option<usize>]) -> Column {
    let mut out = Column::with_capacity(c.ty.clone(), idx.len());
    for i in idx {
        match i {
            Some(i) => append_row(&mut out, c, *i),
            None => out.push_null(),
        }
    }
    out
}

impl Operator for HashJoin {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        self.build_table(ctx)?;
        loop {
            ctx.check()?;
            if let Some(c) = self.probe_some() {
                return Ok(Some(c));
            }
            let Some(chunk) = self.probe.next(ctx)? else {
                return Ok(None);
            };
            let keys = Self::key_columns(&self.probe_keys, &chunk, ctx)?;
            self.state = Some(ProbeState {
                chunk,
                keys,
                row: 0,
                pos: 0,
            });
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        let mut t = self.probe.types();
        match self.join_type {
            JoinType::Inner | JoinType::Left => t.extend(self.build_types.iter().cloned()),
            JoinType::Mark => t.push(LogicalType::Bool),
            _ => {}
        }
        t
    }
    fn name(&self) -> &'static str {
        "HASH_JOIN"
    }
    fn children(&self) -> Vec<&dyn Operator> {
        let mut v: Vec<&dyn Operator> = vec![self.probe.as_ref()];
        if let Some(b) = &self.build {
            v.push(b.as_ref());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::super::collect_rows;
    use super::super::test_util::*;
    use super::*;
    use crate::types::Value::{self, *};

    fn run(jt: JoinType) -> Vec<Vec<Value>> {
        let t = vec![LogicalType::Int64, LogicalType::String];
        let probe = source(
            t.clone(),
            vec![
                vec![Int64(1), String("p1".into())],
                vec![Int64(2), String("p2".into())],
                vec![Null, String("pn".into())],
                vec![Int64(3), String("p3".into())],
            ],
            3,
        );
        let build = source(
            t,
            vec![
                vec![Int64(1), String("b1".into())],
                vec![Int64(3), String("b3a".into())],
                vec![Null, String("bn".into())],
                vec![Int64(3), String("b3b".into())],
            ],
            2,
        );
        let mut j = HashJoin::new(
            Box::new(probe),
            Box::new(build),
            vec![BoundExpr::column(0, LogicalType::Int64)],
            vec![BoundExpr::column(0, LogicalType::Int64)],
            jt,
        );
        collect_rows(&mut j, &ExecContext::default()).unwrap()
    }

    fn s(x: &str) -> Value {
        String(x.into())
    }

    #[test]
    fn inner_and_left_joins() {
        assert_eq!(
            run(JoinType::Inner),
            vec![
                vec![Int64(1), s("p1"), Int64(1), s("b1")],
                vec![Int64(3), s("p3"), Int64(3), s("b3a")],
                vec![Int64(3), s("p3"), Int64(3), s("b3b")],
            ]
        );
        assert_eq!(
            run(JoinType::Left),
            vec![
                vec![Int64(1), s("p1"), Int64(1), s("b1")],
                vec![Int64(2), s("p2"), Null, Null],
                vec![Null, s("pn"), Null, Null],
                vec![Int64(3), s("p3"), Int64(3), s("b3a")],
                vec![Int64(3), s("p3"), Int64(3), s("b3b")],
            ]
        );
    }

    #[test]
    fn semi_anti_mark_joins() {
        assert_eq!(
            run(JoinType::Semi),
            vec![vec![Int64(1), s("p1")], vec![Int64(3), s("p3")]]
        );
        assert_eq!(
            run(JoinType::Anti),
            vec![vec![Int64(2), s("p2")], vec![Null, s("pn")]]
        );
        assert_eq!(
            run(JoinType::Mark)
                .into_iter()
                .map(|r| r[2].clone())
                .collect::<Vec<_>>(),
            vec![Bool(true), Bool(false), Bool(false), Bool(true)]
        );
    }

    #[test]
    fn build_side_over_budget_fails_cleanly() {
        use crate::error::Error;
        use crate::exec::memory::FixedBudget;
        use std::sync::Arc;
        let rows: Vec<Vec<Value>> = (0..20_000).map(|i| vec![Int64(i)]).collect();
        let build = source(vec![LogicalType::Int64], rows, 2048);
        let probe = source(vec![LogicalType::Int64], vec![vec![Int64(1)]], 1);
        let mut j = HashJoin::new(
            Box::new(probe),
            Box::new(build),
            vec![BoundExpr::column(0, LogicalType::Int64)],
            vec![BoundExpr::column(0, LogicalType::Int64)],
            JoinType::Inner,
        );
        let ctx = ExecContext::new(Arc::new(FixedBudget::new(100_000)));
        assert!(matches!(j.next(&ctx), Err(Error::OutOfMemory { .. })));
    }

    #[test]
    fn keys_of_different_integer_types_match() {
        let probe = source(vec![LogicalType::Int32], vec![vec![Int32(7)]], 1);
        let build = source(vec![LogicalType::Int64], vec![vec![Int64(7)]], 1);
        let mut j = HashJoin::new(
            Box::new(probe),
            Box::new(build),
            vec![BoundExpr::column(0, LogicalType::Int32)],
            vec![BoundExpr::column(0, LogicalType::Int64)],
            JoinType::Inner,
        );
        assert_eq!(
            collect_rows(&mut j, &ExecContext::default()).unwrap(),
            vec![vec![Int32(7), Int64(7)]]
        );
    }

    #[test]
    fn many_matches_come_out_in_bounded_batches() {
        // Every probe row matches all 3,000 build rows (one key): 9,000 rows, never more
        // than one vector at a time, in probe order then build order.
        let t = vec![LogicalType::Int64, LogicalType::Int64];
        for jt in [JoinType::Inner, JoinType::Left] {
            let probe = source(
                t.clone(),
                (0..3).map(|i| vec![Int64(7), Int64(i)]).collect(),
                2048,
            );
            let build = source(
                t.clone(),
                (0..3000).map(|i| vec![Int64(7), Int64(i)]).collect(),
                2048,
            );
            let mut j = HashJoin::new(
                Box::new(probe),
                Box::new(build),
                vec![BoundExpr::column(0, LogicalType::Int64)],
                vec![BoundExpr::column(0, LogicalType::Int64)],
                jt,
            );
            let ctx = ExecContext::default();
            let mut rows = Vec::new();
            while let Some(c) = j.next(&ctx).unwrap() {
                assert!(c.len > 0 && c.len <= VECTOR_CAPACITY, "{}", c.len);
                for r in 0..c.len {
                    rows.push((c.columns[1].get(r), c.columns[3].get(r)));
                }
            }
            assert_eq!(rows.len(), 9000);
            let want: Vec<_> = (0..3)
                .flat_map(|p| (0..3000).map(move |b| (Int64(p), Int64(b))))
                .collect();
            assert_eq!(rows, want);
        }
    }
}

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
use crate::exec::values::encode_row;
use crate::types::vector::{Column, ColumnData, NullMask};
use crate::types::LogicalType;
use std::collections::{HashMap, VecDeque};

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
    pending: VecDeque<DataChunk>,
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
        HashJoin {
            probe,
            build: Some(build),
            probe_keys,
            build_keys,
            join_type,
            build_rows: DataChunk::empty(&build_types),
            build_types,
            table: HashMap::new(),
            pending: VecDeque::new(),
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

    fn probe_chunk(&mut self, chunk: &DataChunk, ctx: &ExecContext) -> Result<()> {
        let keys = Self::key_columns(&self.probe_keys, chunk, ctx)?;
        let mut probe_idx: Vec<usize> = Vec::new();
        let mut build_idx: Vec<Option<usize>> = Vec::new();
        let mut marks: Vec<bool> = Vec::new();
        let mut key = Vec::new();
        for i in 0..chunk.len {
            let matches: &[u32] = if keys.iter().any(|k| k.nulls.is_null(i)) {
                &[]
            } else {
                key.clear();
                encode_row(&keys, i, &mut key);
                self.table.get(&key).map(|v| v.as_slice()).unwrap_or(&[])
            };
            match self.join_type {
                JoinType::Inner => {
                    for &m in matches {
                        probe_idx.push(i);
                        build_idx.push(Some(m as usize));
                    }
                }
                JoinType::Left => {
                    if matches.is_empty() {
                        probe_idx.push(i);
                        build_idx.push(None);
                    }
                    for &m in matches {
                        probe_idx.push(i);
                        build_idx.push(Some(m as usize));
                    }
                }
                JoinType::Semi => {
                    if !matches.is_empty() {
                        probe_idx.push(i);
                    }
                }
                JoinType::Anti => {
                    if matches.is_empty() {
                        probe_idx.push(i);
                    }
                }
                JoinType::Mark => {
                    probe_idx.push(i);
                    marks.push(!matches.is_empty());
                }
            }
        }
        for start in (0..probe_idx.len()).step_by(VECTOR_CAPACITY) {
            let end = (start + VECTOR_CAPACITY).min(probe_idx.len());
            let mut out = chunk.gather(&probe_idx[start..end]);
            match self.join_type {
                JoinType::Inner | JoinType::Left => {
                    for c in &self.build_rows.columns {
                        out.columns.push(gather_opt(c, &build_idx[start..end]));
                    }
                }
                JoinType::Mark => out.columns.push(Column {
                    ty: LogicalType::Bool,
                    data: ColumnData::Bool(marks[start..end].to_vec()),
                    nulls: NullMask::with_len(end - start),
                }),
                _ => {}
            }
            self.pending.push_back(out);
        }
        Ok(())
    }
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
            if let Some(c) = self.pending.pop_front() {
                return Ok(Some(c));
            }
            let Some(chunk) = self.probe.next(ctx)? else {
                return Ok(None);
            };
            self.probe_chunk(&chunk, ctx)?;
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
}

//! Storage operators of read queries: node scans (morsel-driven over node groups, zone-map
//! skipping, pushed-down filters, primary-key point lookups), CSR extends (forward and
//! backward), property reads by node id, and degree columns for factorized counting.
//!
//! Node and rel ids travel through plans as packed `u64`s (`pack(table, offset)`) in
//! INTERNAL_ID-typed columns, so ids of several tables can share one column; `unpack` turns
//! them back into `InternalId`s at the output.

use crate::error::{Error, Result};
use crate::exec::chunk::{null_column, DataChunk, VECTOR_CAPACITY};
use crate::exec::context::ExecContext;
use crate::exec::expr::{eval, eval_constant, eval_predicate, BoundExpr, CmpOp};
use crate::exec::Operator;
use crate::planner::spec::{DegreeSpec, Dir, ExtendSpec, ReadPropsSpec, RelStep, ScanSpec};
use crate::storage::column::Stats;
use crate::storage::table::{NodeTableData, NODE_GROUP_SIZE};
use crate::transaction::read::{AdjOut, AdjQuery};
use crate::transaction::{Snapshot, Store};
use crate::types::vector::{Column, ColumnData};
use crate::types::{LogicalType, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const TABLE_SHIFT: u32 = 48;
const OFFSET_MASK: u64 = (1 << TABLE_SHIFT) - 1;

/// Packs a table id and an offset into one `u64` id.
pub fn pack(table: u64, offset: u64) -> u64 {
    (table << TABLE_SHIFT) | offset
}

/// The (table, offset) of a packed id.
pub fn unpack(v: u64) -> (u64, u64) {
    (v >> TABLE_SHIFT, v & OFFSET_MASK)
}

fn id_values(c: &Column) -> Vec<Option<u64>> {
    match &c.data {
        ColumnData::UInt64(d) => d
            .iter()
            .enumerate()
            .map(|(i, v)| (!c.nulls.is_null(i)).then_some(*v))
            .collect(),
        _ => (0..c.len())
            .map(|i| match c.get(i) {
                Value::UInt64(v) => Some(v),
                Value::InternalId(id) => Some(pack(id.table, id.offset)),
                _ => None,
            })
            .collect(),
    }
}

fn id_column(ids: Vec<u64>) -> Column {
    let n = ids.len();
    let mut c = Column::new(LogicalType::InternalId);
    c.data = ColumnData::UInt64(ids);
    c.nulls.resize(n);
    c
}

/// Morsels shared by the instances of one parallel scan.
#[derive(Clone, Default)]
pub struct Morsels {
    next: Arc<AtomicUsize>,
}

pub struct NodeScan {
    db: Arc<Store>,
    snap: Arc<Snapshot>,
    spec: ScanSpec,
    morsels: Morsels,
    /// (table position, start offset, end offset) ranges to read; filled on the first call.
    ranges: Option<Vec<(usize, u64, u64)>>,
    current: Option<(usize, u64, u64)>,
    zone_values: Vec<Value>,
}

impl NodeScan {
    pub fn new(db: Arc<Store>, snap: Arc<Snapshot>, spec: ScanSpec, morsels: Morsels) -> Self {
        NodeScan {
            db,
            snap,
            spec,
            morsels,
            ranges: None,
            current: None,
            zone_values: Vec::new(),
        }
    }

    fn node_data(&self, table: u64) -> Result<&NodeTableData> {
        self.snap
            .meta
            .node(table)
            .ok_or_else(|| Error::corrupted(None, "missing node table data"))
    }

    fn init(&mut self, ctx: &ExecContext) -> Result<()> {
        self.zone_values = self
            .spec
            .zone
            .iter()
            .map(|z| eval_constant(&z.value, &ctx.eval))
            .collect::<Result<_>>()?;
        let mut ranges = Vec::new();
        if let (Some(key), [t]) = (&self.spec.pk_key, self.spec.tables.as_slice()) {
            let v = eval_constant(key, &ctx.eval)?;
            if let Some(found) = self.pk_lookup(t.table, &v)? {
                if let Some(off) = found {
                    ranges.push((0, off, off + 1));
                }
                self.ranges = Some(ranges);
                return Ok(());
            }
        }
        for (ti, t) in self.spec.tables.iter().enumerate() {
            let data = self.node_data(t.table)?;
            for (g, group) in data.groups.iter().enumerate() {
                let start = g as u64 * NODE_GROUP_SIZE;
                if group.num_rows > 0 {
                    ranges.push((ti, start, start + group.num_rows));
                }
            }
            // Rows inserted since the checkpoint, cut at node-group boundaries.
            let mut at = data.num_rows;
            let end = self.snap.node_end(t.table);
            while at < end {
                let stop = ((at / NODE_GROUP_SIZE + 1) * NODE_GROUP_SIZE).min(end);
                ranges.push((ti, at, stop));
                at = stop;
            }
        }
        self.ranges = Some(ranges);
        Ok(())
    }

    /// `Some(result)` when the index answers, `None` to fall back to scanning.
    fn pk_lookup(&self, table: u64, v: &Value) -> Result<Option<Option<u64>>> {
        self.snap.pk_lookup(self.db.pager().pool(), table, v)
    }

    /// Whether the zone maps of the group holding `start` allow a match.
    fn group_may_match(&self, ti: usize, start: u64) -> Result<bool> {
        let t = &self.spec.tables[ti];
        let data = self.node_data(t.table)?;
        if start >= data.num_rows {
            return Ok(true); // inserted since the checkpoint: no zone map
        }
        let Some(group) = data.groups.get((start / NODE_GROUP_SIZE) as usize) else {
            return Ok(true);
        };
        let versions = self.snap.epoch.node(t.table);
        for (z, v) in self.spec.zone.iter().zip(&self.zone_values) {
            let Some(Some(p)) = t.props.get(z.prop) else {
                return Ok(false);
            };
            if let Some(ver) = &versions {
                // Updated values are not in the zone map.
                let g0 = start - start % NODE_GROUP_SIZE;
                let pid = self
                    .snap
                    .catalog
                    .table_by_id(t.table)
                    .and_then(|e| e.properties.get(*p))
                    .map(|x| x.id);
                if let Some(pid) = pid {
                    if !ver
                        .read()
                        .updates_in(pid, g0, NODE_GROUP_SIZE, self.snap.stamp)
                        .is_empty()
                    {
                        continue;
                    }
                }
            }
            let Some(chunk) = group.columns.get(*p) else {
                continue;
            };
            if chunk.num_values > 0 && chunk.null_count == chunk.num_values {
                return Ok(false);
            }
            if v.is_null() {
                return Ok(false);
            }
            let ok = match (chunk.stats(), zone_int(v), zone_float(v)) {
                (Stats::Int { min, max }, Some(x), _) => range_may_match(z.op, min, max, x),
                (Stats::Float { min, max }, _, Some(x)) if !x.is_nan() => {
                    match (min.partial_cmp(&x), max.partial_cmp(&x)) {
                        (Some(a), Some(b)) => range_may_match_ord(z.op, a, b),
                        _ => true,
                    }
                }
                _ => true,
            };
            if !ok {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn read(&self, ti: usize, start: u64, n: usize) -> Result<DataChunk> {
        let t = &self.spec.tables[ti];
        let data = self.node_data(t.table)?;
        let pool = self.db.pager().pool();
        let mut cols = Vec::with_capacity(1 + t.props.len());
        cols.push(id_column(
            (start..start + n as u64)
                .map(|o| pack(t.table, o))
                .collect(),
        ));
        for (p, ty) in t.props.iter().zip(&self.spec.prop_types) {
            match p {
                Some(p) => {
                    let mut c = Column::with_capacity(ty.clone(), n);
                    self.snap.scan_node(pool, t.table, *p, start, n, &mut c)?;
                    cols.push(c);
                }
                None => cols.push(null_column(ty, n)),
            }
        }
        let _ = data;
        let chunk = DataChunk::new(cols);
        // Deleted rows, and rows not committed for this snapshot, are not scanned.
        let dead = self.snap.node_dead(pool, t.table, start, n)?;
        if dead.is_empty() {
            return Ok(chunk);
        }
        let mut keep = vec![true; n];
        dead.iter().for_each(|&i| keep[i] = false);
        Ok(chunk.filter(&keep))
    }
}

fn zone_int(v: &Value) -> Option<i128> {
    Some(match v {
        Value::Int8(x) => *x as i128,
        Value::Int16(x) => *x as i128,
        Value::Int32(x) => *x as i128,
        Value::Int64(x) => *x as i128,
        Value::Int128(x) => *x,
        Value::UInt8(x) => *x as i128,
        Value::UInt16(x) => *x as i128,
        Value::UInt32(x) => *x as i128,
        Value::UInt64(x) => *x as i128,
        Value::Date(x) => *x as i128,
        Value::Timestamp(x) => *x as i128,
        _ => return None,
    })
}

fn zone_float(v: &Value) -> Option<f64> {
    match v {
        Value::Double(x) => Some(*x),
        Value::Float(x) => Some(*x as f64),
        _ => None,
    }
}

fn range_may_match(op: CmpOp, min: i128, max: i128, x: i128) -> bool {
    range_may_match_ord(op, min.cmp(&x), max.cmp(&x))
}

/// `lo` = min compared with x, `hi` = max compared with x.
fn range_may_match_ord(op: CmpOp, lo: std::cmp::Ordering, hi: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        CmpOp::Eq => lo != Greater && hi != Less,
        CmpOp::Ne => !(lo == Equal && hi == Equal),
        CmpOp::Lt => lo == Less,
        CmpOp::Le => lo != Greater,
        CmpOp::Gt => hi == Greater,
        CmpOp::Ge => hi != Less,
    }
}

impl Operator for NodeScan {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        if self.ranges.is_none() {
            self.init(ctx)?;
        }
        loop {
            ctx.check()?;
            let (ti, start, end) = match self.current {
                Some(c) if c.1 < c.2 => c,
                _ => {
                    let i = self.morsels.next.fetch_add(1, Ordering::Relaxed);
                    let Some(&r) = self.ranges.as_ref().and_then(|r| r.get(i)) else {
                        return Ok(None);
                    };
                    if !self.group_may_match(r.0, r.1)? {
                        continue;
                    }
                    self.current = Some(r);
                    r
                }
            };
            let n = (end - start).min(VECTOR_CAPACITY as u64) as usize;
            self.current = Some((ti, start + n as u64, end));
            let chunk = self.read(ti, start, n)?;
            let chunk = match &self.spec.filter {
                Some(f) => {
                    let keep = eval_predicate(f, &chunk, &ctx.eval)?;
                    chunk.filter(&keep)
                }
                None => chunk,
            };
            if chunk.len > 0 {
                return Ok(Some(chunk));
            }
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        let mut t = vec![LogicalType::InternalId];
        t.extend(self.spec.prop_types.iter().cloned());
        t
    }
    fn name(&self) -> &'static str {
        "SCAN_NODE"
    }
}

pub struct Extend {
    db: Arc<Store>,
    snap: Arc<Snapshot>,
    child: Box<dyn Operator>,
    spec: ExtendSpec,
}

impl Extend {
    pub fn new(
        db: Arc<Store>,
        snap: Arc<Snapshot>,
        child: Box<dyn Operator>,
        spec: ExtendSpec,
    ) -> Self {
        Extend {
            db,
            snap,
            child,
            spec,
        }
    }
}

impl Extend {
    /// All extensions of one input chunk. Consecutive bound nodes of one node group (what a
    /// scan produces) share one read of offsets, neighbours, rel ids and properties.
    fn extend_chunk(&self, chunk: &DataChunk) -> Result<Option<DataChunk>> {
        let pool = self.db.pager().pool();
        let ids = id_values(&chunk.columns[self.spec.from_col]);
        let mut rows: Vec<usize> = Vec::new();
        let mut rel_ids = Vec::new();
        let mut nbrs = Vec::new();
        let mut ends: (Vec<u64>, Vec<u64>) = (Vec::new(), Vec::new());
        let mut props: Vec<Column> = self
            .spec
            .prop_types
            .iter()
            .map(|t| Column::new(t.clone()))
            .collect();
        let need_rel_ids = self.spec.emit_ends;
        for s in &self.spec.steps {
            let q = adj_query(s, &self.spec.prop_types, need_rel_ids, false);
            let mut adj = AdjOut::new(&q);
            let nbr_rows = self.snap.node_end(s.nbr_table);
            for (i, j) in runs(&ids) {
                let Some(first) = ids[i] else { continue };
                let (table, off) = unpack(first);
                if table != s.bound_table {
                    continue;
                }
                let (c0, mut e) = (adj.counts.len(), adj.nbrs.len());
                self.snap.adjacency(pool, &q, off, j - i, &mut adj)?;
                if adj.nbrs[e..].iter().any(|&x| x >= nbr_rows) {
                    return Err(Error::corrupted(None, "CSR neighbour past the node table"));
                }
                for (k, &cnt) in adj.counts[c0..].iter().enumerate() {
                    let cnt = cnt as usize;
                    rows.extend(std::iter::repeat_n(i + k, cnt));
                    if self.spec.emit_ends {
                        let bound = pack(table, off + k as u64);
                        for x in e..e + cnt {
                            let other = pack(s.nbr_table, adj.nbrs[x]);
                            let (a, b) = match s.dir {
                                Dir::Fwd => (bound, other),
                                Dir::Bwd => (other, bound),
                            };
                            ends.0.push(a);
                            ends.1.push(b);
                        }
                    }
                    e += cnt;
                }
            }
            nbrs.extend(adj.nbrs.iter().map(|&x| pack(s.nbr_table, x)));
            if need_rel_ids {
                rel_ids.extend(adj.ids.iter().map(|&r| pack(s.rel_table, r)));
            } else {
                rel_ids.extend(std::iter::repeat_n(0, adj.nbrs.len()));
            }
            if self.spec.steps.len() == 1 {
                props = std::mem::take(&mut adj.props);
            } else {
                for (dst, src) in props.iter_mut().zip(&adj.props) {
                    dst.extend_from(src, 0, src.len());
                }
            }
        }
        if rows.is_empty() {
            return Ok(None);
        }
        let mut out = chunk.gather(&rows);
        out.columns.push(id_column(rel_ids));
        out.columns.push(id_column(nbrs));
        if self.spec.emit_ends {
            out.columns.push(id_column(ends.0));
            out.columns.push(id_column(ends.1));
        }
        out.columns.extend(props);
        out.len = rows.len();
        Ok(Some(out))
    }
}

/// The adjacency read of one step.
pub fn adj_query(
    s: &RelStep,
    prop_types: &[LogicalType],
    want_ids: bool,
    counts_only: bool,
) -> AdjQuery {
    AdjQuery {
        rel_table: s.rel_table,
        pair: s.pair,
        dir: s.dir,
        props: s.props.clone(),
        prop_types: prop_types.to_vec(),
        want_ids,
        counts_only,
    }
}

impl Operator for Extend {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        loop {
            ctx.check()?;
            let Some(c) = self.child.next(ctx)? else {
                return Ok(None);
            };
            if let Some(out) = self.extend_chunk(&c)? {
                return Ok(Some(out));
            }
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        let mut t = self.child.types();
        t.push(LogicalType::InternalId);
        t.push(LogicalType::InternalId);
        if self.spec.emit_ends {
            t.push(LogicalType::InternalId);
            t.push(LogicalType::InternalId);
        }
        t.extend(self.spec.prop_types.iter().cloned());
        t
    }
    fn name(&self) -> &'static str {
        "EXTEND"
    }
}

/// Runs of consecutive offsets of one table: (table, first offset, rows of the run).
fn runs(ids: &[Option<u64>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i + 1;
        if let Some(a) = ids[i] {
            while j < ids.len()
                && ids[j] == Some(a + (j - i) as u64)
                && (a % NODE_GROUP_SIZE) + ((j - i) as u64) < NODE_GROUP_SIZE
            {
                j += 1;
            }
        }
        out.push((i, j));
        i = j;
    }
    out
}

pub struct ReadProps {
    db: Arc<Store>,
    snap: Arc<Snapshot>,
    child: Box<dyn Operator>,
    spec: ReadPropsSpec,
}

impl ReadProps {
    pub fn new(
        db: Arc<Store>,
        snap: Arc<Snapshot>,
        child: Box<dyn Operator>,
        spec: ReadPropsSpec,
    ) -> Self {
        ReadProps {
            db,
            snap,
            child,
            spec,
        }
    }
}

impl Operator for ReadProps {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        let Some(mut chunk) = self.child.next(ctx)? else {
            return Ok(None);
        };
        let pool = self.db.pager().pool();
        let ids = id_values(&chunk.columns[self.spec.id_col]);
        let mut cols: Vec<Column> = self
            .spec
            .prop_types
            .iter()
            .map(|t| Column::with_capacity(t.clone(), chunk.len))
            .collect();
        for (i, j) in runs(&ids) {
            let Some(first) = ids[i] else {
                cols.iter_mut().for_each(|c| c.push_null());
                continue;
            };
            let (table, off) = unpack(first);
            let n = j - i;
            let props = self.spec.tables.iter().find(|t| t.0 == table);
            let known = self.snap.meta.node(table).is_some();
            for (k, c) in cols.iter_mut().enumerate() {
                match (props.and_then(|p| p.1.get(k).copied().flatten()), known) {
                    (Some(p), true) => self.snap.scan_node(pool, table, p, off, n, c)?,
                    _ => (0..n).for_each(|_| c.push_null()),
                }
            }
        }
        chunk.columns.extend(cols);
        Ok(Some(chunk))
    }
    fn types(&self) -> Vec<LogicalType> {
        let mut t = self.child.types();
        t.extend(self.spec.prop_types.iter().cloned());
        t
    }
    fn name(&self) -> &'static str {
        "READ_PROPERTIES"
    }
}

/// An index nested-loop join: per input row, the node of `table` whose primary key is
/// `key` (evaluated on the row); appends its id, drops rows without one.
pub struct PkProbe {
    db: Arc<Store>,
    snap: Arc<Snapshot>,
    child: Box<dyn Operator>,
    table: u64,
    key: BoundExpr,
}

impl PkProbe {
    pub fn new(
        db: Arc<Store>,
        snap: Arc<Snapshot>,
        child: Box<dyn Operator>,
        table: u64,
        key: BoundExpr,
    ) -> Self {
        PkProbe {
            db,
            snap,
            child,
            table,
            key,
        }
    }
}

impl Operator for PkProbe {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        loop {
            ctx.check()?;
            let Some(chunk) = self.child.next(ctx)? else {
                return Ok(None);
            };
            let keys = eval(&self.key, &chunk, &ctx.eval)?;
            let pool = self.db.pager().pool();
            let mut keep = vec![false; chunk.len];
            let mut ids = Vec::with_capacity(chunk.len);
            for (i, k) in keep.iter_mut().enumerate() {
                let v = keys.get(i);
                if v.is_null() {
                    continue;
                }
                match self.snap.pk_lookup(pool, self.table, &v)? {
                    Some(Some(off)) => {
                        *k = true;
                        ids.push(pack(self.table, off));
                    }
                    Some(None) => {}
                    None => {
                        return Err(Error::Runtime(format!(
                            "the primary-key index cannot look up {v}"
                        )))
                    }
                }
            }
            if ids.is_empty() {
                continue;
            }
            let mut out = chunk.filter(&keep);
            out.columns.push(id_column(ids));
            return Ok(Some(out));
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        let mut t = self.child.types();
        t.push(LogicalType::InternalId);
        t
    }
    fn name(&self) -> &'static str {
        "INDEX_LOOKUP"
    }
}

pub struct Degree {
    db: Arc<Store>,
    snap: Arc<Snapshot>,
    child: Box<dyn Operator>,
    spec: DegreeSpec,
}

impl Degree {
    pub fn new(
        db: Arc<Store>,
        snap: Arc<Snapshot>,
        child: Box<dyn Operator>,
        spec: DegreeSpec,
    ) -> Self {
        Degree {
            db,
            snap,
            child,
            spec,
        }
    }
}

impl Operator for Degree {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        let Some(mut chunk) = self.child.next(ctx)? else {
            return Ok(None);
        };
        let pool = self.db.pager().pool();
        let ids = id_values(&chunk.columns[self.spec.id_col]);
        let mut weight = vec![1i64; ids.len()];
        for factor in &self.spec.factors {
            let mut deg = vec![0i64; ids.len()];
            for s in factor {
                let q = adj_query(s, &[], false, true);
                let mut adj = AdjOut::new(&q);
                for (i, j) in runs(&ids) {
                    let Some(first) = ids[i] else { continue };
                    let (table, off) = unpack(first);
                    if table != s.bound_table {
                        continue;
                    }
                    adj.clear();
                    self.snap.adjacency(pool, &q, off, j - i, &mut adj)?;
                    for (k, c) in adj.counts.iter().enumerate() {
                        deg[i + k] += *c as i64;
                    }
                }
            }
            for (w, d) in weight.iter_mut().zip(deg) {
                *w = w.saturating_mul(d);
            }
        }
        let mut c = Column::new(LogicalType::Int64);
        c.data = ColumnData::Int64(weight);
        c.nulls.resize(ids.len());
        chunk.columns.push(c);
        Ok(Some(chunk))
    }
    fn types(&self) -> Vec<LogicalType> {
        let mut t = self.child.types();
        t.push(LogicalType::Int64);
        t
    }
    fn name(&self) -> &'static str {
        "DEGREE"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_roundtrip_and_runs() {
        assert_eq!(unpack(pack(3, 12345)), (3, 12345));
        assert_eq!(pack(1, 0), 1 << 48);
        let ids = [Some(5), Some(6), Some(7), None, Some(2), Some(9)];
        assert_eq!(runs(&ids), vec![(0, 3), (3, 4), (4, 5), (5, 6)]);
        // Runs stop at node-group boundaries.
        let g = NODE_GROUP_SIZE;
        assert_eq!(runs(&[Some(g - 1), Some(g)]), vec![(0, 1), (1, 2)]);
    }

    #[test]
    fn zone_maps_decide_exactly() {
        // Group values in [10, 20].
        assert!(range_may_match(CmpOp::Eq, 10, 20, 15));
        assert!(!range_may_match(CmpOp::Eq, 10, 20, 21));
        assert!(!range_may_match(CmpOp::Gt, 10, 20, 20));
        assert!(range_may_match(CmpOp::Ge, 10, 20, 20));
        assert!(!range_may_match(CmpOp::Lt, 10, 20, 10));
        assert!(range_may_match(CmpOp::Le, 10, 20, 10));
        assert!(!range_may_match(CmpOp::Ne, 7, 7, 7));
        assert!(range_may_match(CmpOp::Ne, 7, 8, 7));
        assert_eq!(zone_int(&Value::Date(-3)), Some(-3));
        assert_eq!(zone_float(&Value::Int64(1)), None);
    }
}

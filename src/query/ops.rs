//! Storage operators of read queries: node scans (morsel-driven over node groups, zone-map
//! skipping, pushed-down filters, primary-key point lookups), CSR extends (forward and
//! backward), property reads by node id, and degree columns for factorized counting.
//!
//! Node and rel ids travel through plans as packed `u64`s (`pack(table, offset)`) in
//! INTERNAL_ID-typed columns, so ids of several tables can share one column; `unpack` turns
//! them back into `InternalId`s at the output.

use crate::error::{Error, Result};
use crate::exec::chunk::column_bytes;
use crate::exec::chunk::{null_column, DataChunk, VECTOR_CAPACITY};
use crate::exec::context::ExecContext;
use crate::exec::expr::{eval, eval_constant, eval_predicate, BoundExpr, CmpOp};
use crate::exec::memory::Reservation;
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

/// Rels per output batch of `Extend`: consecutive bound nodes are read together up to this
/// many rels, and a node with more (a hub) is read in windows of this many, so no batch an
/// extend produces grows with a node's degree.
pub const EXTEND_BATCH: usize = VECTOR_CAPACITY;

pub struct Extend {
    db: Arc<Store>,
    snap: Arc<Snapshot>,
    child: Box<dyn Operator>,
    spec: ExtendSpec,
    /// The input chunk being extended.
    cur: Option<Pending>,
    /// Memory of a hub read whole (versions touch its rels), or of a whole input chunk's
    /// extension (`writing`), charged to the query's budget.
    mem: Option<Reservation>,
    /// The statement writes as its rows stream: each input chunk is extended whole before
    /// any of its rows goes on (what the chunk's rows change must not change what it
    /// reads), then handed out in batches.
    writing: bool,
}

/// Where `Extend` stands in one input chunk.
struct Pending {
    chunk: DataChunk,
    ids: Vec<Option<u64>>,
    /// Runs of consecutive offsets in one node group (`runs`).
    runs: Vec<(usize, usize)>,
    step: usize,
    /// Per input row, its rels in `step` (0 for rows of other tables).
    degrees: Vec<u64>,
    run: usize,
    /// Next input row (within `runs[run]`).
    row: usize,
    /// Rels of `row` already emitted (a hub read in windows).
    skip: u64,
    /// `row`'s rels read whole, when versions touch them.
    whole: Option<AdjOut>,
    /// With `writing`: the chunk's whole extension and how much of it is handed out.
    all: Option<(Batch, usize)>,
}

/// One output batch being assembled.
struct Batch {
    rows: Vec<usize>,
    rel_ids: Vec<u64>,
    nbrs: Vec<u64>,
    ends: (Vec<u64>, Vec<u64>),
    props: Vec<Column>,
}

impl Batch {
    fn new(prop_types: &[LogicalType]) -> Batch {
        Batch {
            rows: Vec::new(),
            rel_ids: Vec::new(),
            nbrs: Vec::new(),
            ends: (Vec::new(), Vec::new()),
            props: prop_types.iter().map(|t| Column::new(t.clone())).collect(),
        }
    }

    /// Appends `adj`, the rels of the bound nodes `first_off..` of `table` (input rows
    /// `first_row..`, one count per node).
    fn push(
        &mut self,
        spec: &ExtendSpec,
        s: &RelStep,
        adj: &mut AdjOut,
        first_row: usize,
        first_off: u64,
    ) {
        let mut e = self.nbrs.len();
        for (k, &cnt) in adj.counts.iter().enumerate() {
            let cnt = cnt as usize;
            self.rows.extend(std::iter::repeat_n(first_row + k, cnt));
            if spec.emit_ends {
                let bound = pack(s.bound_table, first_off + k as u64);
                for &x in &adj.nbrs[e - self.nbrs.len()..][..cnt] {
                    let other = pack(s.nbr_table, x);
                    let (a, b) = match s.dir {
                        Dir::Fwd => (bound, other),
                        Dir::Bwd => (other, bound),
                    };
                    self.ends.0.push(a);
                    self.ends.1.push(b);
                }
            }
            e += cnt;
        }
        self.nbrs
            .extend(adj.nbrs.iter().map(|&x| pack(s.nbr_table, x)));
        if spec.emit_ends {
            self.rel_ids
                .extend(adj.ids.iter().map(|&r| pack(s.rel_table, r)));
        } else {
            self.rel_ids.extend(std::iter::repeat_n(0, adj.nbrs.len()));
        }
        if self.rows.len() == adj.nbrs.len() {
            // The first (often the only) read of the batch: its columns are taken whole.
            for (dst, src) in self.props.iter_mut().zip(adj.props.iter_mut()) {
                *dst = std::mem::replace(src, Column::new(src.ty.clone()));
            }
        } else {
            for (dst, src) in self.props.iter_mut().zip(&adj.props) {
                dst.extend_from(src, 0, src.len());
            }
        }
    }

    /// Appends rels `at..at+n` of `self` to `out`.
    fn slice_into(&self, at: usize, n: usize, out: &mut Batch) {
        out.rows.extend_from_slice(&self.rows[at..at + n]);
        out.rel_ids.extend_from_slice(&self.rel_ids[at..at + n]);
        out.nbrs.extend_from_slice(&self.nbrs[at..at + n]);
        if !self.ends.0.is_empty() {
            out.ends.0.extend_from_slice(&self.ends.0[at..at + n]);
            out.ends.1.extend_from_slice(&self.ends.1[at..at + n]);
        }
        for (dst, src) in out.props.iter_mut().zip(&self.props) {
            dst.extend_from(src, at, n);
        }
    }

    fn finish(self, chunk: &DataChunk, emit_ends: bool) -> DataChunk {
        let mut out = chunk.gather(&self.rows);
        out.columns.push(id_column(self.rel_ids));
        out.columns.push(id_column(self.nbrs));
        if emit_ends {
            out.columns.push(id_column(self.ends.0));
            out.columns.push(id_column(self.ends.1));
        }
        out.columns.extend(self.props);
        out.len = self.rows.len();
        out
    }
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
            cur: None,
            mem: None,
            writing: false,
        }
    }

    pub fn reading_while_writing(mut self, writing: bool) -> Self {
        self.writing = writing;
        self
    }

    /// Every extension of `p`'s chunk, all steps (`writing`).
    fn extend_whole(&mut self, p: &Pending, ctx: &ExecContext) -> Result<Batch> {
        let pool = self.db.pager().pool();
        let mut batch = Batch::new(&self.spec.prop_types);
        for s in &self.spec.steps {
            let q = adj_query(s, &self.spec.prop_types, self.spec.emit_ends, false);
            let nbr_rows = self.snap.node_end(s.nbr_table);
            for &(i, j) in &p.runs {
                ctx.check()?;
                let Some((table, off)) = p.ids[i].map(unpack) else {
                    continue;
                };
                if table != s.bound_table {
                    continue;
                }
                let mut adj = AdjOut::new(&q);
                self.snap.adjacency(pool, &q, off, j - i, &mut adj)?;
                let rels = adj.counts.iter().sum();
                check_adj(&adj, j - i, rels, nbr_rows)?;
                batch.push(&self.spec, s, &mut adj, i, off);
            }
        }
        let bytes =
            24 * batch.rows.len() as u64 + batch.props.iter().map(column_bytes).sum::<u64>();
        self.mem
            .get_or_insert_with(|| Reservation::new(ctx.budget.clone()))
            .resize(bytes)?;
        Ok(batch)
    }

    /// The rels per input row of `p`'s step (from the CSR offsets and the versions; no
    /// neighbours are read).
    fn degrees(&self, p: &mut Pending) -> Result<()> {
        let pool = self.db.pager().pool();
        let s = &self.spec.steps[p.step];
        let q = adj_query(s, &[], false, true);
        let mut adj = AdjOut::new(&q);
        p.degrees.clear();
        p.degrees.resize(p.ids.len(), 0);
        for &(i, j) in &p.runs {
            let Some(first) = p.ids[i] else { continue };
            let (table, off) = unpack(first);
            if table != s.bound_table {
                continue;
            }
            adj.clear();
            self.snap.adjacency(pool, &q, off, j - i, &mut adj)?;
            p.degrees[i..j].copy_from_slice(&adj.counts[..j - i]);
        }
        p.run = 0;
        p.row = p.runs.first().map_or(0, |r| r.0);
        p.skip = 0;
        p.whole = None;
        Ok(())
    }

    /// Adds up to `EXTEND_BATCH` rels of `p` to `batch`; `false` when `p` is done.
    fn fill(&mut self, p: &mut Pending, batch: &mut Batch, ctx: &ExecContext) -> Result<bool> {
        if let Some((all, at)) = p.all.as_mut() {
            let n = (all.rows.len() - *at).min(EXTEND_BATCH);
            all.slice_into(*at, n, batch);
            *at += n;
            return Ok(*at < all.rows.len());
        }
        let pool = self.db.pager().pool();
        let nbr_ends: Vec<u64> = self
            .spec
            .steps
            .iter()
            .map(|s| self.snap.node_end(s.nbr_table))
            .collect();
        loop {
            ctx.check()?;
            if p.step == self.spec.steps.len() {
                return Ok(false);
            }
            if p.run == p.runs.len() {
                p.step += 1;
                if p.step < self.spec.steps.len() {
                    self.degrees(p)?;
                }
                continue;
            }
            let room = EXTEND_BATCH.saturating_sub(batch.rows.len());
            if room == 0 {
                return Ok(true);
            }
            let s = &self.spec.steps[p.step];
            let (i, j) = p.runs[p.run];
            let bound = p.ids[i].map(unpack).filter(|&(t, _)| t == s.bound_table);
            let Some((_, off0)) = bound else {
                p.run += 1;
                p.row = p.runs.get(p.run).map_or(0, |r| r.0);
                continue;
            };
            let want_ids = self.spec.emit_ends;
            let q = adj_query(s, &self.spec.prop_types, want_ids, false);
            let deg = p.degrees[p.row];
            if p.skip == 0 && deg as usize <= room {
                // Whole nodes: as many of the run as fit.
                let (mut r, mut sum) = (p.row, 0u64);
                while r < j && (sum + p.degrees[r]) as usize <= room {
                    sum += p.degrees[r];
                    r += 1;
                }
                let off = off0 + (p.row - i) as u64;
                if sum > 0 {
                    let mut adj = AdjOut::new(&q);
                    self.snap.adjacency(pool, &q, off, r - p.row, &mut adj)?;
                    check_adj(&adj, r - p.row, sum, nbr_ends[p.step])?;
                    batch.push(&self.spec, s, &mut adj, p.row, off);
                }
                p.row = r;
            } else if p.skip == 0 && deg as usize <= EXTEND_BATCH && !batch.rows.is_empty() {
                // The node fits a batch of its own: the next one.
                return Ok(true);
            } else {
                // A hub: a window of its rels.
                let node = off0 + (p.row - i) as u64;
                let take = (deg - p.skip).min(room as u64);
                let mut adj = AdjOut::new(&q);
                let windowed = p.whole.is_none()
                    && self
                        .snap
                        .adjacency_window(pool, &q, node, p.skip, take, &mut adj)?;
                if !windowed {
                    if p.whole.is_none() {
                        let mut whole = AdjOut::new(&q);
                        self.snap.adjacency(pool, &q, node, 1, &mut whole)?;
                        check_adj(&whole, 1, deg, nbr_ends[p.step])?;
                        let bytes = 16 * whole.nbrs.len() as u64
                            + whole.props.iter().map(column_bytes).sum::<u64>();
                        self.mem
                            .get_or_insert_with(|| Reservation::new(ctx.budget.clone()))
                            .resize(bytes)?;
                        p.whole = Some(whole);
                    }
                    let w = p
                        .whole
                        .as_ref()
                        .ok_or_else(|| Error::Runtime("extend".into()))?;
                    let (a, n) = (p.skip as usize, take as usize);
                    adj.counts.push(take);
                    adj.nbrs.extend_from_slice(&w.nbrs[a..a + n]);
                    if want_ids {
                        adj.ids.extend_from_slice(&w.ids[a..a + n]);
                    }
                    for (dst, src) in adj.props.iter_mut().zip(&w.props) {
                        dst.extend_from(src, a, n);
                    }
                }
                check_adj(&adj, 1, take, nbr_ends[p.step])?;
                batch.push(&self.spec, s, &mut adj, p.row, node);
                p.skip += take;
                if p.skip == deg {
                    p.skip = 0;
                    p.row += 1;
                    if p.whole.take().is_some() {
                        if let Some(m) = self.mem.as_mut() {
                            m.resize(0)?;
                        }
                    }
                }
            }
            if p.row >= j {
                p.run += 1;
                p.row = p.runs.get(p.run).map_or(0, |r| r.0);
            }
        }
    }
}

/// Checks an adjacency read against the degrees it was planned from and the neighbour
/// table's size.
fn check_adj(adj: &AdjOut, nodes: usize, rels: u64, nbr_rows: u64) -> Result<()> {
    if adj.counts.len() != nodes
        || adj.counts.iter().sum::<u64>() != rels
        || adj.nbrs.len() as u64 != rels
    {
        return Err(Error::corrupted(None, "CSR offsets and neighbours differ"));
    }
    if adj.nbrs.iter().any(|&x| x >= nbr_rows) {
        return Err(Error::corrupted(None, "CSR neighbour past the node table"));
    }
    Ok(())
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
            let mut p = match self.cur.take() {
                Some(p) => p,
                None => {
                    let Some(chunk) = self.child.next(ctx)? else {
                        return Ok(None);
                    };
                    if self.spec.steps.is_empty() {
                        continue;
                    }
                    let ids = id_values(&chunk.columns[self.spec.from_col]);
                    let runs = runs(&ids);
                    let mut p = Pending {
                        chunk,
                        ids,
                        runs,
                        step: 0,
                        degrees: Vec::new(),
                        run: 0,
                        row: 0,
                        skip: 0,
                        whole: None,
                        all: None,
                    };
                    if self.writing {
                        let all = self.extend_whole(&p, ctx)?;
                        p.all = Some((all, 0));
                    } else {
                        self.degrees(&mut p)?;
                    }
                    p
                }
            };
            let mut batch = Batch::new(&self.spec.prop_types);
            let more = self.fill(&mut p, &mut batch, ctx)?;
            let out = (!batch.rows.is_empty()).then(|| batch.finish(&p.chunk, self.spec.emit_ends));
            if more {
                self.cur = Some(p);
            } else if let Some(m) = self.mem.as_mut() {
                m.resize(0)?;
            }
            if let Some(out) = out {
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

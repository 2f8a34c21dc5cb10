//! Reads of a snapshot: the checkpointed pages merged with the row versions its stamp sees.
//!
//! Owns: which node offsets a snapshot sees (`node_end`, `node_dead`, `node_count`), property
//! values with updates applied (`scan_node`, `node_value`), primary-key lookups through the
//! persistent index and the keys inserted since (`pk_lookup`), and adjacency (`adjacency`:
//! the CSR rows of a run of bound nodes without deleted rels, with updated properties, then
//! the rels inserted since). Every read of a table without versions goes straight to its pages
//! (the same work as before transactions existed).

use super::versions::{NodeVersions, RelVersions, Stamp};
use super::Snapshot;
use crate::catalog::TableEntry;
use crate::error::{Error, Result};
use crate::storage::buffer::BufferPool;
use crate::storage::column;
use crate::storage::index::HashIndex;
use crate::storage::keys::{index_key_type, value_key};
use crate::storage::table::{CsrGroup, Dir, NodeTableData, NODE_GROUP_SIZE};
use crate::types::vector::Column;
use crate::types::{LogicalType, Value};

/// Rebuilds `col` (rows `0..n` of it) with the values `subs` (position, value) substituted.
pub fn overlay(col: Column, subs: &[(usize, Value)]) -> Result<Column> {
    if subs.is_empty() {
        return Ok(col);
    }
    let mut out = Column::with_capacity(col.ty.clone(), col.len());
    let mut at = 0;
    for (i, v) in subs {
        if *i > at {
            out.extend_from(&col, at, i - at);
        }
        if !out.push_value(v) {
            return Err(Error::Conversion(format!(
                "Cannot store {v} in a column of type {}.",
                col.ty
            )));
        }
        at = i + 1;
    }
    if at < col.len() {
        out.extend_from(&col, at, col.len() - at);
    }
    Ok(out)
}

/// What an adjacency read asks for.
#[derive(Debug, Clone)]
pub struct AdjQuery {
    pub rel_table: u64,
    pub pair: usize,
    pub dir: Dir,
    /// Per wanted rel property: its index in the rel table (`None`: NULLs).
    pub props: Vec<Option<usize>>,
    pub prop_types: Vec<LogicalType>,
    /// Rel ids wanted in the output.
    pub want_ids: bool,
    /// Only the per-node counts are wanted (no neighbours, ids or properties).
    pub counts_only: bool,
}

/// Adjacency of a run of bound nodes, appended to by `Snapshot::adjacency`.
#[derive(Debug, Default)]
pub struct AdjOut {
    /// Per bound node of the run, its number of rels.
    pub counts: Vec<u64>,
    /// Neighbour offsets (in the other table), rels of the run's nodes in order.
    pub nbrs: Vec<u64>,
    /// Rel ids (when asked for).
    pub ids: Vec<u64>,
    /// One column per asked property.
    pub props: Vec<Column>,
}

impl AdjOut {
    pub fn new(q: &AdjQuery) -> AdjOut {
        AdjOut {
            props: q
                .prop_types
                .iter()
                .map(|t| Column::new(t.clone()))
                .collect(),
            ..Default::default()
        }
    }

    pub fn clear(&mut self) {
        self.counts.clear();
        self.nbrs.clear();
        self.ids.clear();
        for c in &mut self.props {
            *c = Column::new(c.ty.clone());
        }
    }
}

impl Snapshot {
    pub fn node_data(&self, table: u64) -> Result<&NodeTableData> {
        self.meta
            .node(table)
            .ok_or_else(|| Error::corrupted(None, "missing node table data"))
    }

    fn entry(&self, table: u64) -> Result<&TableEntry> {
        self.catalog
            .table_by_id(table)
            .ok_or_else(|| Error::Catalog(format!("table {table} does not exist")))
    }

    /// Offsets `0..end` may hold rows this snapshot sees.
    pub fn node_end(&self, table: u64) -> u64 {
        let base = self.meta.node(table).map_or(0, |d| d.num_rows);
        match self.epoch.node(table) {
            Some(v) => {
                // One guard: a second `read()` while this one lives would deadlock against a
                // waiting writer (parking_lot's lock is fair).
                let v = v.read();
                base + v.end(self.stamp).saturating_sub(v.base_rows)
            }
            None => base,
        }
    }

    /// Rows this snapshot sees in the table.
    pub fn node_count(&self, table: u64) -> u64 {
        let Some(d) = self.meta.node(table) else {
            return 0;
        };
        let base = d.num_rows - d.deleted_rows().min(d.num_rows);
        match self.epoch.node(table) {
            Some(v) => {
                let v = v.read();
                let appended = v.end(self.stamp).saturating_sub(v.base_rows);
                (base + appended).saturating_sub(v.deleted_count(self.stamp))
            }
            None => base,
        }
    }

    /// Positions in `start..start+n` (relative to `start`, ascending) of offsets this snapshot
    /// does not see: deleted, or not inserted for it. The range must lie in one node group.
    pub fn node_dead(
        &self,
        pool: &BufferPool,
        table: u64,
        start: u64,
        n: usize,
    ) -> Result<Vec<usize>> {
        let data = self.node_data(table)?;
        let mut dead = Vec::new();
        let base_end = data.num_rows;
        if start < base_end {
            let g = (start / NODE_GROUP_SIZE) as usize;
            if let Some(group) = data.groups.get(g) {
                if group.deleted.is_some() {
                    let local = start % NODE_GROUP_SIZE;
                    let m = (n as u64).min(base_end - start) as usize;
                    dead = group.deleted_in(pool, local, m)?;
                }
            }
        }
        if let Some(v) = self.epoch.node(table) {
            let v = v.read();
            let end = v.end(self.stamp);
            dead.extend(v.deleted_in(start, n as u64, self.stamp));
            if start + (n as u64) > end {
                let first = end.saturating_sub(start) as usize;
                dead.extend(first..n);
            }
            dead.sort_unstable();
            dead.dedup();
        } else if start + (n as u64) > base_end {
            let first = base_end.saturating_sub(start) as usize;
            dead.extend(first..n);
            dead.sort_unstable();
            dead.dedup();
        }
        Ok(dead)
    }

    /// Whether offset `o` holds a row this snapshot sees.
    pub fn node_live(&self, pool: &BufferPool, table: u64, o: u64) -> Result<bool> {
        Ok(self.node_dead(pool, table, o, 1)?.is_empty())
    }

    /// Appends property `prop` (index in the table) of rows `start..start+n`, as this snapshot
    /// sees them (updates applied), to `out`. Rows it does not see read as whatever they hold.
    pub fn scan_node(
        &self,
        pool: &BufferPool,
        table: u64,
        prop: usize,
        start: u64,
        n: usize,
        out: &mut Column,
    ) -> Result<()> {
        let data = self.node_data(table)?;
        let Some(v) = self.epoch.node(table) else {
            return data.scan(pool, prop, start, n, out);
        };
        let v = v.read();
        let pid = self
            .entry(table)?
            .properties
            .get(prop)
            .map(|p| p.id)
            .ok_or_else(|| Error::corrupted(None, "missing property"))?;
        let ups = v.updates_in(pid, start, n as u64, self.stamp);
        if ups.is_empty() {
            return read_rows(data, &v, pool, prop, pid, start, n, out);
        }
        let mut tmp = Column::with_capacity(out.ty.clone(), n);
        read_rows(data, &v, pool, prop, pid, start, n, &mut tmp)?;
        let subs: Vec<(usize, Value)> = ups.into_iter().map(|(i, x)| (i, x.clone())).collect();
        let merged = overlay(tmp, &subs)?;
        out.extend_from(&merged, 0, merged.len());
        Ok(())
    }

    /// The value of property `prop` of the row at `o`.
    pub fn node_value(&self, pool: &BufferPool, table: u64, prop: usize, o: u64) -> Result<Value> {
        let ty = self
            .entry(table)?
            .properties
            .get(prop)
            .map(|p| p.ty.clone())
            .ok_or_else(|| Error::corrupted(None, "missing property"))?;
        let mut c = Column::new(ty);
        self.scan_node(pool, table, prop, o, 1, &mut c)?;
        Ok(c.get(0))
    }

    /// The offset of the row whose primary key is `key`, through the persistent index and
    /// the keys inserted since: `Some(None)` when there is none, `None` when the index cannot
    /// answer for this value (the caller scans).
    pub fn pk_lookup(
        &self,
        pool: &BufferPool,
        table: u64,
        key: &Value,
    ) -> Result<Option<Option<u64>>> {
        let data = self.node_data(table)?;
        if key.is_null() {
            return Ok(None);
        }
        let entry = self.entry(table)?;
        let Some(pk) = entry.primary_key() else {
            return Ok(None);
        };
        let kt = index_key_type(&pk.ty)?;
        let Some(k) = value_key(kt, key) else {
            return Ok(None);
        };
        let versions = self.epoch.node(table);
        if let Some(v) = &versions {
            let v = v.read();
            for &o in v.key_offsets(&k).iter().rev() {
                if v.live(o, self.stamp) {
                    return Ok(Some(Some(o)));
                }
            }
        }
        if data.pk_index.is_empty() {
            if data.num_rows > 0 {
                return Err(Error::corrupted(
                    None,
                    format!(
                        "node table {} has rows but no primary-key index",
                        entry.name
                    ),
                ));
            }
            return Ok(Some(None));
        }
        let idx = HashIndex::decode_held(&data.pk_index)?;
        let Some(off) = idx.lookup(pool, k.as_index_key())? else {
            return Ok(Some(None));
        };
        if off >= data.num_rows {
            return Err(Error::corrupted(
                None,
                "primary-key index points past the table",
            ));
        }
        if let Some(v) = &versions {
            if v.read()
                .deleted
                .get(&off)
                .is_some_and(|&t| self.stamp.sees(t))
            {
                return Ok(Some(None));
            }
        }
        Ok(Some(Some(off)))
    }

    /// The CSR groups of `q`'s pair (catalog order) and direction.
    fn csr_groups(&self, q: &AdjQuery) -> Result<&[CsrGroup]> {
        let rel = self
            .meta
            .rel(q.rel_table)
            .ok_or_else(|| Error::corrupted(None, "missing rel table data"))?;
        let ends = match self.catalog.table_by_id(q.rel_table).map(|e| &e.kind) {
            Some(crate::catalog::TableKind::Rel { pairs, .. }) => pairs.get(q.pair).copied(),
            _ => None,
        };
        let Some(pair) =
            ends.and_then(|(f, t)| rel.pairs.iter().find(|p| p.from == f && p.to == t))
        else {
            return Ok(&[]);
        };
        Ok(match q.dir {
            Dir::Fwd => &pair.fwd,
            Dir::Bwd => &pair.bwd,
        })
    }

    /// Appends the rels of bound nodes `start..start+n` (one node group) in `q`'s pair and
    /// direction to `out`: per node its checkpointed rels not deleted (CSR order), then the
    /// rels inserted since (id order); properties with updates applied.
    ///
    /// A run no version this snapshot sees touches reads the CSR group as stored. Otherwise
    /// the versions are merged: counts are the CSR lengths, minus the visible deletes of the
    /// nodes whose rels have them, plus the visible inserted rels; with `counts_only` that is
    /// all. Rels are then copied in runs of the stored arrays between deleted rels and
    /// insertion points, so the work beyond the stored read is per version, not per rel.
    pub fn adjacency(
        &self,
        pool: &BufferPool,
        q: &AdjQuery,
        start: u64,
        n: usize,
        out: &mut AdjOut,
    ) -> Result<()> {
        let versions = self.epoch.rel(q.rel_table);
        // A short guard: the stored read below must not hold the lock when nothing merges.
        let merged = versions.as_ref().is_some_and(|v| {
            v.read()
                .affects(q.pair as u32, q.dir, start, n as u64, self.stamp)
        });
        let groups = self.csr_groups(q)?;
        let g = (start / NODE_GROUP_SIZE) as usize;
        let local = start % NODE_GROUP_SIZE;
        let group = groups.get(g).filter(|gr| local < gr.num_nodes);
        // Checkpointed rels: offsets of the nodes the group covers.
        let (o, m) = match group {
            Some(gr) => {
                let m = (n as u64).min(gr.num_nodes - local) as usize;
                let o = gr.offsets(pool, local, m)?;
                if o.len() != m + 1 {
                    return Err(Error::corrupted(None, "short CSR offsets"));
                }
                (o, m)
            }
            None => (vec![0], 0),
        };
        let (lo, hi) = (o[0], o[m]);
        out.counts.reserve(n);
        out.counts
            .extend((0..n).map(|k| if k < m { o[k + 1] - o[k] } else { 0 }));
        if !merged {
            if q.counts_only || lo == hi {
                return Ok(());
            }
            let gr = group.ok_or_else(|| Error::corrupted(None, "missing CSR group"))?;
            read_base(pool, gr, q, lo, hi, out)?;
            return Ok(());
        }
        let v = versions.ok_or_else(|| Error::corrupted(None, "missing rel versions"))?;
        let v = v.read();
        let run = Run {
            group,
            o: &o,
            m,
            start,
            n,
        };
        merge_run(self, pool, q, &v, &run, out)
    }

    /// Rels `skip..skip+take` of `node`'s checkpointed rels (CSR order) appended to `out`
    /// (with `take` pushed to `counts`), when no version this snapshot sees touches the
    /// node's rels; `Ok(false)` (and nothing appended) when one does: the caller then reads
    /// the node whole with `adjacency`. Lets a reader cut a hub's rels into bounded batches.
    pub fn adjacency_window(
        &self,
        pool: &BufferPool,
        q: &AdjQuery,
        node: u64,
        skip: u64,
        take: u64,
        out: &mut AdjOut,
    ) -> Result<bool> {
        if let Some(v) = self.epoch.rel(q.rel_table) {
            if v.read().affects(q.pair as u32, q.dir, node, 1, self.stamp) {
                return Ok(false);
            }
        }
        let groups = self.csr_groups(q)?;
        let local = node % NODE_GROUP_SIZE;
        let gr = groups
            .get((node / NODE_GROUP_SIZE) as usize)
            .filter(|gr| local < gr.num_nodes)
            .ok_or_else(|| Error::corrupted(None, "missing CSR group"))?;
        let o = gr.offsets(pool, local, 1)?;
        if o.len() != 2 || o[0] + skip + take > o[1] {
            return Err(Error::corrupted(None, "short CSR offsets"));
        }
        out.counts.push(take);
        read_base(pool, gr, q, o[0] + skip, o[0] + skip + take, out)?;
        Ok(true)
    }

    /// Rels of `node` in `q`'s pair and direction (one-node `adjacency`).
    pub fn rels_of(&self, pool: &BufferPool, q: &AdjQuery, node: u64) -> Result<AdjOut> {
        let mut out = AdjOut::new(q);
        self.adjacency(pool, q, node, 1, &mut out)?;
        Ok(out)
    }

    /// Number of rels of `node` in (rel table, pair, direction) this snapshot sees.
    pub fn degree(
        &self,
        pool: &BufferPool,
        rel_table: u64,
        pair: usize,
        dir: Dir,
        node: u64,
    ) -> Result<u64> {
        let q = AdjQuery {
            rel_table,
            pair,
            dir,
            props: Vec::new(),
            prop_types: Vec::new(),
            want_ids: false,
            counts_only: true,
        };
        let out = self.rels_of(pool, &q, node)?;
        Ok(out.counts.first().copied().unwrap_or(0))
    }

    /// Rels of the table this snapshot sees (`count(*)` over a rel pattern's table).
    pub fn rel_count(&self, rel_table: u64) -> u64 {
        let base = self.meta.rel(rel_table).map_or(0, |r| r.num_rels);
        match self.epoch.rel(rel_table) {
            Some(v) => {
                let v = v.read();
                let appended = v.end(self.stamp) - v.base_rels;
                let deleted = v.deleted.values().filter(|d| self.stamp.sees(d.ts)).count() as u64;
                (base + appended).saturating_sub(deleted)
            }
            None => base,
        }
    }
}

/// The stored side of a run of bound nodes: its CSR group (if it covers the run's first
/// node), the offsets of the `m` nodes it covers (`m + 1` values), and the run.
struct Run<'a> {
    group: Option<&'a CsrGroup>,
    o: &'a [u64],
    m: usize,
    start: u64,
    n: usize,
}

/// A piece of a merged run's output: stored rels `from..to` (positions from the run's first
/// stored rel), or appended rels `locals[from..to]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Base(usize, usize),
    App(usize, usize),
}

/// The output of a run as pieces: the stored rels `0..len` without the positions `dead`
/// (ascending), with the appended rels `inserts` = (stored position they follow, range of
/// `locals`) spliced in (ascending positions; several at one position keep their order).
fn pieces(len: usize, dead: &[usize], inserts: &[(usize, usize, usize)]) -> Vec<Piece> {
    let mut out = Vec::with_capacity(2 * (dead.len() + inserts.len()) + 1);
    let mut cur = 0usize;
    let mut d = dead.iter().copied().peekable();
    let mut base_to = |out: &mut Vec<Piece>, cur: &mut usize, end: usize| {
        while let Some(&x) = d.peek() {
            if x >= end {
                break;
            }
            if x > *cur {
                out.push(Piece::Base(*cur, x));
            }
            *cur = x + 1;
            d.next();
        }
        if end > *cur {
            out.push(Piece::Base(*cur, end));
            *cur = end;
        }
    };
    for &(pos, a, b) in inserts {
        base_to(&mut out, &mut cur, pos);
        out.push(Piece::App(a, b));
    }
    base_to(&mut out, &mut cur, len);
    out
}

/// `Snapshot::adjacency` of a run that versions the stamp sees touch (counts already pushed,
/// from the stored offsets).
fn merge_run(
    snap: &Snapshot,
    pool: &BufferPool,
    q: &AdjQuery,
    v: &RelVersions,
    run: &Run,
    out: &mut AdjOut,
) -> Result<()> {
    let s = snap.stamp;
    let (pair, dir) = (q.pair as u32, q.dir);
    let Run {
        group,
        o,
        m,
        start,
        n,
    } = *run;
    let (lo, hi) = (o[0], o[m]);
    let len = (hi - lo) as usize;
    let c0 = out.counts.len() - n;
    let range = start..start + n as u64;
    // Stored rels deleted for the stamp: only nodes with visible deletes or updates have
    // them; their rel ids are read (and kept for the updates below).
    let mut dead: Vec<usize> = Vec::new();
    let mut touched: Vec<(usize, usize)> = Vec::new(); // stored positions; ids in `tids`
    let mut tids: Vec<u64> = Vec::new();
    // (Counts need no rel ids when nothing is deleted: updates do not change them.)
    let need_ids = !q.counts_only || !v.deleted.is_empty();
    for node in v.touched_in(pair, dir, range.clone(), s) {
        let k = (node - start) as usize;
        if !need_ids || k >= m || o[k] == o[k + 1] {
            continue;
        }
        let gr = group.ok_or_else(|| Error::corrupted(None, "missing CSR group"))?;
        let (a, b) = (o[k], o[k + 1]);
        let at = tids.len();
        gr.rel_ids(pool, a, b, &mut tids)?;
        if tids.len() - at != (b - a) as usize {
            return Err(Error::corrupted(None, "CSR rel ids and offsets differ"));
        }
        let p0 = (a - lo) as usize;
        let before = dead.len();
        if !v.deleted.is_empty() {
            dead.extend(
                tids[at..]
                    .iter()
                    .enumerate()
                    .filter(|(_, &id)| v.is_deleted(id, s))
                    .map(|(i, _)| p0 + i),
            );
        }
        out.counts[c0 + k] -= (dead.len() - before) as u64;
        touched.push((p0, p0 + (b - a) as usize));
    }
    // Appended rels the stamp sees, per node: (stored position they follow, locals range).
    let vis = v.visible_len(s);
    if q.counts_only {
        for (node, ls) in v.appended_in(pair, dir, range) {
            out.counts[c0 + (node - start) as usize] +=
                v.visible_appended(ls, vis, s).count() as u64;
        }
        return Ok(());
    }
    let mut locals: Vec<u64> = Vec::new();
    let mut inserts: Vec<(usize, usize, usize)> = Vec::new();
    for (node, ls) in v.appended_in(pair, dir, range) {
        let k = (node - start) as usize;
        let at = locals.len();
        locals.extend(v.visible_appended(ls, vis, s));
        if locals.len() > at {
            out.counts[c0 + k] += (locals.len() - at) as u64;
            let pos = if k < m { (o[k + 1] - lo) as usize } else { len };
            inserts.push((pos, at, locals.len()));
        }
    }
    let total = len - dead.len() + locals.len();
    if total == 0 {
        return Ok(());
    }
    let pieces = pieces(len, &dead, &inserts);
    let gr = group.filter(|_| len > 0);
    // Neighbours.
    let mut base = Vec::new();
    if let Some(gr) = gr {
        base.reserve(len);
        gr.neighbors(pool, lo, hi, &mut base)?;
        if base.len() != len {
            return Err(Error::corrupted(None, "CSR neighbours and offsets differ"));
        }
    }
    out.nbrs.reserve(total);
    for p in &pieces {
        match *p {
            Piece::Base(a, b) => out.nbrs.extend_from_slice(&base[a..b]),
            Piece::App(a, b) => out.nbrs.extend(locals[a..b].iter().map(|&l| {
                let (_, src, dst) = v.appended_ends(l);
                if dir == Dir::Fwd {
                    dst
                } else {
                    src
                }
            })),
        }
    }
    // Rel ids.
    if q.want_ids {
        base.clear();
        if let Some(gr) = gr {
            gr.rel_ids(pool, lo, hi, &mut base)?;
            if base.len() != len {
                return Err(Error::corrupted(None, "CSR rel ids and offsets differ"));
            }
        }
        out.ids.reserve(total);
        for p in &pieces {
            match *p {
                Piece::Base(a, b) => out.ids.extend_from_slice(&base[a..b]),
                Piece::App(a, b) => out
                    .ids
                    .extend(locals[a..b].iter().map(|&l| v.base_rels + l)),
            }
        }
    }
    drop(base);
    if q.props.is_empty() {
        return Ok(());
    }
    let rel_entry = snap.entry(q.rel_table)?;
    for (ci, p) in q.props.iter().enumerate() {
        let ty = q.prop_types[ci].clone();
        let Some(p) = *p else {
            let dst = &mut out.props[ci];
            (0..total).for_each(|_| dst.push_null());
            continue;
        };
        let pid = rel_entry
            .properties
            .get(p)
            .map(|x| x.id)
            .ok_or_else(|| Error::corrupted(None, "missing rel property"))?;
        let mut all = Column::with_capacity(ty.clone(), len);
        if let Some(gr) = gr {
            match gr.properties.get(p) {
                Some(chunk) => column::scan(pool, chunk, lo, len, &mut all)?,
                None => (0..len).for_each(|_| all.push_null()),
            }
        }
        let updates = v.has_updates(pid);
        // With no update to apply, the pieces go straight to the output.
        let mut col = Column::new(ty);
        let dst = if updates {
            &mut col
        } else {
            &mut out.props[ci]
        };
        dst.reserve(total);
        for pc in &pieces {
            match *pc {
                Piece::Base(a, b) => dst.extend_from(&all, a, b - a),
                Piece::App(a, b) => v.gather_appended(pid, &locals[a..b], dst),
            }
        }
        if !updates {
            continue;
        }
        // Updated values: stored rels of touched nodes, and appended rels.
        let mut subs = Vec::new();
        let mut at = 0usize; // output position
        let mut t = 0usize; // touched range
        let mut tid0 = 0usize; // index in `tids` of touched[t]'s first rel
        for pc in &pieces {
            match *pc {
                Piece::Base(a, b) => {
                    while t < touched.len() && touched[t].1 <= a {
                        tid0 += touched[t].1 - touched[t].0;
                        t += 1;
                    }
                    let (mut tt, mut ti) = (t, tid0);
                    while tt < touched.len() && touched[tt].0 < b {
                        let (ta, tb) = touched[tt];
                        for pos in ta.max(a)..tb.min(b) {
                            if let Some(x) = v.updated(pid, tids[ti + pos - ta], s) {
                                subs.push((at + pos - a, x.clone()));
                            }
                        }
                        if tb > b {
                            break;
                        }
                        ti += tb - ta;
                        tt += 1;
                    }
                    at += b - a;
                }
                Piece::App(a, b) => {
                    for (i, &l) in locals[a..b].iter().enumerate() {
                        if let Some(x) = v.updated(pid, v.base_rels + l, s) {
                            subs.push((at + i, x.clone()));
                        }
                    }
                    at += b - a;
                }
            }
        }
        let col = overlay(col, &subs)?;
        out.props[ci].extend_from(&col, 0, col.len());
    }
    Ok(())
}

/// Rows `start..start+n` of a node table's property as stored (checkpointed or appended),
/// before updates.
#[allow(clippy::too_many_arguments)]
fn read_rows(
    data: &NodeTableData,
    v: &NodeVersions,
    pool: &BufferPool,
    prop: usize,
    pid: u32,
    start: u64,
    n: usize,
    out: &mut Column,
) -> Result<()> {
    let base = v.base_rows.min(data.num_rows);
    let end = start + n as u64;
    if start < base {
        let m = (end.min(base) - start) as usize;
        data.scan(pool, prop, start, m, out)?;
    }
    if end > base {
        let from = start.max(base);
        let appended = v.appended_len();
        let local = from - base;
        let want = end - from;
        let have = appended.saturating_sub(local).min(want);
        v.scan_appended(pid, local, have as usize, out);
        (have..want).for_each(|_| out.push_null());
    }
    Ok(())
}

/// Checkpointed rels `lo..hi` of a group into `out` (no versions touch them).
fn read_base(
    pool: &BufferPool,
    gr: &CsrGroup,
    q: &AdjQuery,
    lo: u64,
    hi: u64,
    out: &mut AdjOut,
) -> Result<()> {
    let before = out.nbrs.len();
    out.nbrs.reserve((hi - lo) as usize);
    gr.neighbors(pool, lo, hi, &mut out.nbrs)?;
    if (out.nbrs.len() - before) as u64 != hi - lo {
        return Err(Error::corrupted(None, "CSR neighbours and offsets differ"));
    }
    if q.want_ids {
        gr.rel_ids(pool, lo, hi, &mut out.ids)?;
    }
    for (c, p) in out.props.iter_mut().zip(&q.props) {
        match p.and_then(|p| gr.properties.get(p)) {
            Some(chunk) => column::scan(pool, chunk, lo, (hi - lo) as usize, c)?,
            None => (lo..hi).for_each(|_| c.push_null()),
        }
    }
    Ok(())
}

/// The stamp of a snapshot (for writers checking what they see).
pub fn stamp_of(s: &Snapshot) -> Stamp {
    s.stamp
}

/// Versions of a rel table a snapshot sees (for checks by the writer).
pub fn rel_versions_of(
    s: &Snapshot,
    table: u64,
) -> Option<std::sync::Arc<parking_lot::RwLock<RelVersions>>> {
    s.epoch.rel(table)
}

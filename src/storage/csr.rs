//! CSR groups in parts: a group's arrays (offsets, neighbours, rel ids, properties) are cut
//! at the same runs of bound nodes, each run's share a part of its own (`ChunkBody::Parts`),
//! so that a checkpoint rewrites only the parts whose nodes gained or lost rels and keeps the
//! others' pages.
//!
//! Owns: the cut (`partition`: parts of about `part_rels()` rels and at most `part_nodes()`
//! nodes), encoding a run of nodes' rels into parts (`encode_run`), and reading back how a
//! stored group is cut (`layout`). The offsets part of a run holds the group-wide offsets of
//! its nodes (the last part also the group's final offset), so a part after a change keeps
//! its pages and only moves its frame-of-reference base (`ChunkMeta::add_to_ints`).
//!
//! A group of one part is stored as plain chunks (no parts), as before parts existed.

use super::column::{encode_chunk, ChunkMeta, RunSink};
use super::pager::Pager;
use super::table::CsrGroup;
use crate::error::Result;
use crate::types::vector::{Column, ColumnData};
use crate::types::LogicalType;
use std::sync::atomic::{AtomicU64, Ordering};

/// Rels a part aims at: 32768 rels are ~70 KB of neighbours at 17 bits and about the
/// same per property, so one changed node costs a checkpoint a few hundred KB per direction.
pub const PART_RELS: u64 = 1 << 15;
/// Nodes a part holds at most (bounds a part's offsets and the run a merge reads).
pub const PART_NODES: u64 = 1 << 15;

static RELS: AtomicU64 = AtomicU64::new(PART_RELS);
static NODES: AtomicU64 = AtomicU64::new(PART_NODES);

/// The rels a part aims at (`PART_RELS` unless a test set another).
pub fn part_rels() -> u64 {
    RELS.load(Ordering::Relaxed)
}

/// The nodes a part holds at most.
pub fn part_nodes() -> u64 {
    NODES.load(Ordering::Relaxed)
}

/// Sets the part size of every database of the process (for tests, which need parts on
/// small graphs; any size stores and reads the same rels). At least 1 each.
#[doc(hidden)]
pub fn set_part_size(rels: u64, nodes: u64) {
    RELS.store(rels.max(1), Ordering::Relaxed);
    NODES.store(nodes.max(1), Ordering::Relaxed);
}

/// Where to cut a run of nodes whose CSR offsets are `offs` (`n + 1` values): the node
/// boundaries `0 = b0 < b1 < ... < bk = n` (`[0, 0]` for no node). A part ends once it holds
/// its share of the rels (the run's rels over the fewest parts of at most `part_rels()`), or
/// `part_nodes()` nodes; a node's rels are never cut.
pub fn partition(offs: &[u64]) -> Vec<usize> {
    partition_with(offs, part_rels(), part_nodes())
}

fn partition_with(offs: &[u64], rels: u64, nodes: u64) -> Vec<usize> {
    let n = offs.len().saturating_sub(1);
    if n == 0 {
        return vec![0, 0];
    }
    let total = offs[n] - offs[0];
    let k = total.div_ceil(rels.max(1)).max(1);
    let per = total.div_ceil(k);
    let max_nodes = nodes.max(1) as usize;
    let mut out = vec![0];
    let mut a = 0usize;
    for i in 1..n {
        if (per > 0 && offs[i] - offs[a] >= per) || i - a >= max_nodes {
            out.push(i);
            a = i;
        }
    }
    out.push(n);
    out
}

/// The parts of a run of nodes, encoded into a sink: per part its node count, and per array
/// the part chunks in order.
#[derive(Debug, Default)]
pub struct RunParts {
    pub nodes: Vec<u64>,
    pub offsets: Vec<ChunkMeta>,
    pub neighbors: Vec<ChunkMeta>,
    pub rel_ids: Vec<ChunkMeta>,
    /// Per property, its part chunks.
    pub properties: Vec<Vec<ChunkMeta>>,
}

impl RunParts {
    /// Moves every chunk onto the pages `sink` was placed at.
    fn shift(&mut self, base: u64) {
        for c in self
            .offsets
            .iter_mut()
            .chain(&mut self.neighbors)
            .chain(&mut self.rel_ids)
            .chain(self.properties.iter_mut().flatten())
        {
            c.shift(base);
        }
    }

    /// Appends `other`'s parts after these.
    pub fn append(&mut self, other: RunParts) {
        self.nodes.extend(other.nodes);
        self.offsets.extend(other.offsets);
        self.neighbors.extend(other.neighbors);
        self.rel_ids.extend(other.rel_ids);
        if self.properties.is_empty() {
            self.properties = other.properties;
        } else {
            for (a, b) in self.properties.iter_mut().zip(other.properties) {
                a.extend(b);
            }
        }
    }

    /// The CSR group of `num_nodes` nodes made of these parts.
    pub fn into_group(self, num_nodes: u64) -> CsrGroup {
        CsrGroup {
            num_nodes,
            offsets: ChunkMeta::from_parts(self.offsets),
            neighbors: ChunkMeta::from_parts(self.neighbors),
            rel_ids: ChunkMeta::from_parts(self.rel_ids),
            properties: self
                .properties
                .into_iter()
                .map(ChunkMeta::from_parts)
                .collect(),
        }
    }
}

pub fn u64_column(v: Vec<u64>) -> Column {
    let n = v.len();
    let mut c = Column::new(LogicalType::UInt64);
    c.data = ColumnData::UInt64(v);
    c.nulls.resize(n);
    c
}

/// Encodes the rels of a run of nodes into parts cut by `partition`: `offs` are the run's
/// offsets as the group stores them (`n + 1` values; the rels of node i are rows
/// `offs[i] - offs[0] .. offs[i+1] - offs[0]` of `nbrs`, `ids` and `props`). `last`: the run
/// ends the group, so its last offsets part holds the final offset too.
pub fn encode_run(
    offs: &[u64],
    last: bool,
    nbrs: &[u64],
    ids: &[u64],
    props: &[Column],
    sink: &mut RunSink,
) -> RunParts {
    encode_cut(offs, &partition(offs), last, nbrs, ids, props, sink)
}

/// `encode_run` as one part, whatever its size (the caller cut it).
pub fn encode_part(
    offs: &[u64],
    last: bool,
    nbrs: &[u64],
    ids: &[u64],
    props: &[Column],
    sink: &mut RunSink,
) -> RunParts {
    let n = offs.len().saturating_sub(1);
    encode_cut(offs, &[0, n], last, nbrs, ids, props, sink)
}

/// `encode_run` cut at the node boundaries `bounds`.
fn encode_cut(
    offs: &[u64],
    bounds: &[usize],
    last: bool,
    nbrs: &[u64],
    ids: &[u64],
    props: &[Column],
    sink: &mut RunSink,
) -> RunParts {
    let base = offs[0];
    let mut out = RunParts {
        properties: vec![Vec::with_capacity(bounds.len() - 1); props.len()],
        ..Default::default()
    };
    let whole = bounds.len() == 2;
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        let end = if last && b == offs.len() - 1 {
            b + 1
        } else {
            b
        };
        let (ra, rb) = ((offs[a] - base) as usize, (offs[b] - base) as usize);
        out.nodes.push((b - a) as u64);
        out.offsets
            .push(encode_chunk(&u64_column(offs[a..end].to_vec()), sink));
        out.neighbors
            .push(encode_chunk(&u64_column(nbrs[ra..rb].to_vec()), sink));
        out.rel_ids
            .push(encode_chunk(&u64_column(ids[ra..rb].to_vec()), sink));
        for (c, parts) in props.iter().zip(&mut out.properties) {
            if whole {
                parts.push(encode_chunk(c, sink));
            } else {
                let mut part = Column::with_capacity(c.ty.clone(), rb - ra);
                part.extend_from(c, ra, rb - ra);
                parts.push(encode_chunk(&part, sink));
            }
        }
    }
    out
}

/// Writes `sink` to freshly allocated pages and moves `parts` onto them.
pub fn place_run(pager: &Pager, sink: RunSink, parts: &mut RunParts) -> Result<()> {
    let n = sink.page_count();
    if n == 0 {
        return Ok(());
    }
    let base = pager.allocate(n);
    parts.shift(base);
    for (kind, run, bytes) in &sink.runs {
        pager.write_run(base + run.first, *kind, bytes)?;
    }
    Ok(())
}

/// How a stored group is cut: the node boundaries of its parts (`0 = b0 < ... < bk =
/// num_nodes`) when every array is cut alike (its offsets `offs`, all `num_nodes + 1` of
/// them, say how many rels each part must hold), else `None` (a chunk not in those parts, as
/// `ALTER TABLE ... ADD` of a group written before parts; a merge then rewrites the group
/// whole).
pub fn layout(g: &CsrGroup, offs: &[u64]) -> Option<Vec<usize>> {
    let n = g.num_nodes as usize;
    if offs.len() != n + 1 {
        return None;
    }
    let oparts = g.offsets.parts();
    let mut bounds = Vec::with_capacity(oparts.len() + 1);
    bounds.push(0usize);
    let mut at = 0usize;
    for (j, p) in oparts.iter().enumerate() {
        let nodes = if j + 1 == oparts.len() {
            (p.num_values as usize).checked_sub(1)?
        } else {
            p.num_values as usize
        };
        if nodes == 0 && oparts.len() > 1 {
            return None;
        }
        at = at.checked_add(nodes)?;
        bounds.push(at);
    }
    if at != n {
        return None;
    }
    let cut_alike = |c: &ChunkMeta| {
        let parts = c.parts();
        parts.len() + 1 == bounds.len()
            && parts
                .iter()
                .zip(bounds.windows(2))
                .all(|(p, w)| p.num_values == offs[w[1]] - offs[w[0]])
    };
    (cut_alike(&g.neighbors) && cut_alike(&g.rel_ids) && g.properties.iter().all(cut_alike))
        .then_some(bounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_cuts_by_rels_and_nodes() {
        let p = |o: &[u64]| partition_with(o, PART_RELS, PART_NODES);
        // Defaults: one part for a small run.
        assert_eq!(p(&[0, 3, 3, 10]), vec![0, 3]);
        assert_eq!(p(&[5]), vec![0, 0]);
        // 100000 rels over 40000 nodes: ceil(100000 / 32768) = 4 parts of >= 25000 rels, and
        // none over 32768 nodes.
        let offs: Vec<u64> = (0..=40_000u64).map(|i| i * 100_000 / 40_000).collect();
        let b = p(&offs);
        assert_eq!(b.first(), Some(&0));
        assert_eq!(b.last(), Some(&40_000));
        assert_eq!(b.len(), 5, "{b:?}");
        for w in b.windows(2) {
            assert!(w[1] - w[0] <= PART_NODES as usize);
            assert!(offs[w[1]] - offs[w[0]] <= PART_RELS);
        }
        // A hub is never cut.
        let b = p(&[0, 1, 200_000, 200_001]);
        assert!(b.windows(2).all(|w| w[1] > w[0]), "{b:?}");
        // No rels: cut by nodes only.
        let offs = vec![7u64; 100_001];
        let b = p(&offs);
        assert_eq!(b.len() - 1, 100_000usize.div_ceil(PART_NODES as usize));
    }

    /// A group encoded in parts reads back its cut; a property chunk not cut alike (or
    /// offsets that disagree) makes it `None`.
    #[test]
    fn layout_reads_the_cut_back() {
        use crate::types::Value;
        let offs: Vec<u64> = vec![0, 2, 2, 5, 9, 9, 12];
        let nbrs: Vec<u64> = (0..12).collect();
        let ids: Vec<u64> = (100..112).collect();
        let mut w = Column::new(LogicalType::Int64);
        for i in 0..12 {
            w.push_value(&Value::Int64(i));
        }
        let mut sink = RunSink::new();
        let parts = encode_cut(
            &offs,
            &[0, 2, 3, 6],
            true,
            &nbrs,
            &ids,
            &[w.clone()],
            &mut sink,
        );
        assert_eq!(parts.nodes, vec![2, 1, 3]);
        let g = parts.into_group(6);
        assert_eq!(g.offsets.num_values, 7);
        assert_eq!(g.neighbors.num_values, 12);
        assert_eq!(layout(&g, &offs), Some(vec![0, 2, 3, 6]));
        // Offsets that say otherwise.
        assert_eq!(layout(&g, &[0, 2, 3, 5, 9, 9, 12]), None);
        // A property chunk in one piece.
        let mut other = g.clone();
        other.properties[0] = encode_chunk(&w, &mut sink);
        assert_eq!(layout(&other, &offs), None);
        // One part: plain chunks, the whole group.
        let one = encode_cut(&offs, &[0, 6], true, &nbrs, &ids, &[w], &mut sink).into_group(6);
        assert!(!matches!(
            one.neighbors.body,
            crate::storage::column::ChunkBody::Parts { .. }
        ));
        assert_eq!(layout(&one, &offs), Some(vec![0, 6]));
    }
}

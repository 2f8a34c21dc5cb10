//! Checkpoint of rel tables: merging rel versions into CSR groups, part by part.
//!
//! Owns: `merge_rel`. For each FROM/TO pair and direction, the CSR groups whose bound nodes'
//! rels changed (for the checkpoint's stamp) are rebuilt, and in them only the parts
//! (`storage::csr`) holding those nodes: a changed part is read through the snapshot
//! (exactly what a reader of it sees: stored rels not deleted, then the inserted ones,
//! updates applied), cut again if it outgrew a part, and written to fresh pages, one part in
//! memory at a time; its old pages are freed (reusable once the checkpoint is durable and no
//! reader of an older state is left). The other parts keep their pages; the offsets of the
//! parts after a change only move their frame-of-reference base by the change in rel count.
//! A group not cut alike in every array (none is written; a damaged or foreign layout) is
//! rebuilt whole, in parts.
//!
//! Rel ids only grow, so each node's rels stay in id order: its stored ones, then the
//! inserted ones.

use super::read::{AdjOut, AdjQuery};
use super::Snapshot;
use crate::catalog::{TableEntry, TableKind};
use crate::error::{Error, Result};
use crate::storage::column::{encode_chunk, ChunkMeta, RunSink};
use crate::storage::csr::{self, RunParts};
use crate::storage::pager::Pager;
use crate::storage::table::{
    place, CsrGroup, Dir, RelPairData, RelTableData, StorageMeta, NODE_GROUP_SIZE,
};
use crate::types::vector::Column;
use crate::types::LogicalType;
use std::collections::BTreeMap;

/// Pages a checkpoint wrote and freed for rel tables (for tests and measurements).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RelMergeStats {
    /// CSR parts rewritten and kept.
    pub parts_written: u64,
    pub parts_kept: u64,
    /// Pages written to (new parts) and freed (replaced parts).
    pub pages_written: u64,
    pub pages_freed: u64,
}

fn free_chunk(pager: &Pager, c: &ChunkMeta, freed: &mut u64) {
    let mut runs = Vec::new();
    c.runs(&mut runs);
    for (_, r) in runs {
        pager.free(r.first, r.count);
        *freed += r.count;
    }
}

fn free_group(pager: &Pager, g: &CsrGroup, freed: &mut u64) {
    for c in [&g.offsets, &g.neighbors, &g.rel_ids]
        .into_iter()
        .chain(&g.properties)
    {
        free_chunk(pager, c, freed);
    }
}

/// Frees part `j` of every array of `g` (cut alike).
fn free_part(pager: &Pager, g: &CsrGroup, j: usize, freed: &mut u64) {
    for c in [&g.offsets, &g.neighbors, &g.rel_ids]
        .into_iter()
        .chain(&g.properties)
    {
        if let Some(p) = c.parts().get(j) {
            free_chunk(pager, p, freed);
        }
    }
}

/// The rel table `data` with the versions of `snap` merged in (`merged_nodes`: the node
/// tables as this checkpoint leaves them, for the bound node counts).
pub fn merge_rel(
    pager: &Pager,
    snap: &Snapshot,
    entry: &TableEntry,
    data: &RelTableData,
    merged_nodes: &StorageMeta,
    stats: &mut RelMergeStats,
) -> Result<RelTableData> {
    let Some(v) = snap.epoch.rel(entry.id) else {
        return Ok(data.clone());
    };
    let TableKind::Rel { pairs, .. } = &entry.kind else {
        return Err(Error::Runtime("not a rel table".into()));
    };
    // Per pair and direction: changed bound nodes by node group (local offsets).
    let (appended, changed) = {
        let v = v.read();
        if v.base_rels != data.num_rels {
            return Err(Error::corrupted(
                None,
                format!(
                    "versions of {} start at rel {}, its data has {}",
                    entry.name, v.base_rels, data.num_rels
                ),
            ));
        }
        let mut changed = Vec::new();
        for pi in 0..pairs.len() {
            for dir in [Dir::Fwd, Dir::Bwd] {
                let mut groups: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
                for n in v.changed_nodes(pi as u32, dir, snap.stamp) {
                    groups
                        .entry(n / NODE_GROUP_SIZE)
                        .or_default()
                        .push(n % NODE_GROUP_SIZE);
                }
                changed.push((pi, dir, groups));
            }
        }
        (v.end(snap.stamp) - v.base_rels, changed)
    };
    // The pairs in catalog order (a COPY adds them in the order they are first loaded).
    let mut out = data.clone();
    out.pairs = pairs
        .iter()
        .map(|&(from, to)| {
            data.pairs
                .iter()
                .find(|p| p.from == from && p.to == to)
                .cloned()
                .unwrap_or(RelPairData {
                    from,
                    to,
                    fwd: Vec::new(),
                    bwd: Vec::new(),
                })
        })
        .collect();
    let prop_types: Vec<LogicalType> = entry.properties.iter().map(|p| p.ty.clone()).collect();
    for (pi, dir, groups) in changed {
        let (from, to) = pairs[pi];
        let bound = if dir == Dir::Fwd { from } else { to };
        let bound_rows = merged_nodes.node(bound).map_or(0, |n| n.num_rows);
        let q = AdjQuery {
            rel_table: entry.id,
            pair: pi,
            dir,
            props: (0..entry.properties.len()).map(Some).collect(),
            prop_types: prop_types.clone(),
            want_ids: true,
            counts_only: false,
        };
        for (g, nodes) in groups {
            let g0 = g * NODE_GROUP_SIZE;
            if g0 >= bound_rows {
                continue;
            }
            let old = data
                .pairs
                .iter()
                .find(|p| (p.from, p.to) == (from, to))
                .and_then(|p| {
                    match dir {
                        Dir::Fwd => &p.fwd,
                        Dir::Bwd => &p.bwd,
                    }
                    .get(g as usize)
                });
            let num_nodes = (bound_rows - g0)
                .min(NODE_GROUP_SIZE)
                .max(old.map_or(0, |o| o.num_nodes));
            let group = merge_group(pager, snap, &q, g0, num_nodes, old, &nodes, stats)?;
            let target = match dir {
                Dir::Fwd => &mut out.pairs[pi].fwd,
                Dir::Bwd => &mut out.pairs[pi].bwd,
            };
            // Groups before this one that never had rels get empty CSR groups (no pages).
            while (target.len() as u64) < g {
                let gg = target.len() as u64;
                let nodes = bound_rows
                    .saturating_sub(gg * NODE_GROUP_SIZE)
                    .min(NODE_GROUP_SIZE);
                target.push(empty_group(pager, nodes, &prop_types, stats)?);
            }
            if (g as usize) < target.len() {
                target[g as usize] = group;
            } else {
                target.push(group);
            }
        }
    }
    out.num_rels = data.num_rels + appended;
    Ok(out)
}

fn empty_group(
    pager: &Pager,
    nodes: u64,
    prop_types: &[LogicalType],
    stats: &mut RelMergeStats,
) -> Result<CsrGroup> {
    let offs = vec![0u64; nodes as usize + 1];
    let props: Vec<Column> = prop_types.iter().map(|t| Column::new(t.clone())).collect();
    let mut sink = RunSink::new();
    let mut parts = csr::encode_run(&offs, true, &[], &[], &props, &mut sink);
    stats.pages_written += sink.page_count();
    csr::place_run(pager, sink, &mut parts)?;
    Ok(parts.into_group(nodes))
}

/// Rewrites local nodes `a..b` of the group at `g0` from the snapshot, as parts whose offsets
/// start at `first` (`last`: the run ends the group): their merged counts first, which give
/// the cut (`csr::partition`), then each part's rels read, encoded and written on its own, so
/// that memory holds one part's rels at a time. Returns the parts and the run's rel count.
#[allow(clippy::too_many_arguments)]
fn rewrite_run(
    pager: &Pager,
    snap: &Snapshot,
    q: &AdjQuery,
    g0: u64,
    a: u64,
    b: u64,
    first: u64,
    last: bool,
    stats: &mut RelMergeStats,
) -> Result<(RunParts, u64)> {
    let pool = pager.pool();
    let n = (b - a) as usize;
    let cq = AdjQuery {
        props: Vec::new(),
        prop_types: Vec::new(),
        want_ids: false,
        counts_only: true,
        ..q.clone()
    };
    let mut counts = AdjOut::new(&cq);
    snap.adjacency(pool, &cq, g0 + a, n, &mut counts)?;
    let mut offs = Vec::with_capacity(n + 1);
    let mut acc = first;
    offs.push(acc);
    for k in 0..n {
        acc += counts.counts.get(k).copied().unwrap_or(0);
        offs.push(acc);
    }
    drop(counts);
    let mut out = RunParts::default();
    for w in csr::partition(&offs).windows(2) {
        let (x, y) = (w[0], w[1]);
        let mut adj = AdjOut::new(q);
        snap.adjacency(pool, q, g0 + a + x as u64, y - x, &mut adj)?;
        let rels = (offs[y] - offs[x]) as usize;
        if adj
            .counts
            .iter()
            .zip(offs[x..=y].windows(2))
            .any(|(c, o)| *c != o[1] - o[0])
            || adj.nbrs.len() != rels
            || adj.ids.len() != rels
            || adj.props.iter().any(|c| c.len() != rels)
        {
            return Err(Error::corrupted(
                None,
                "merged CSR arrays disagree in length",
            ));
        }
        let mut sink = RunSink::new();
        let mut part = csr::encode_part(
            &offs[x..=y],
            last && y == n,
            &adj.nbrs,
            &adj.ids,
            &adj.props,
            &mut sink,
        );
        stats.pages_written += sink.page_count();
        stats.parts_written += 1;
        csr::place_run(pager, sink, &mut part)?;
        out.append(part);
    }
    Ok((out, acc - first))
}

/// The CSR group at `g0` of `num_nodes` nodes, from `old` and the versions: the parts that
/// hold a node of `changed` (local offsets, ascending) or nodes `old` lacks are rewritten,
/// the others kept.
#[allow(clippy::too_many_arguments)]
fn merge_group(
    pager: &Pager,
    snap: &Snapshot,
    q: &AdjQuery,
    g0: u64,
    num_nodes: u64,
    old: Option<&CsrGroup>,
    changed: &[u64],
    stats: &mut RelMergeStats,
) -> Result<CsrGroup> {
    let pool = pager.pool();
    let (old, offs, bounds) = match old {
        Some(o) => {
            let offs = o.offsets(pool, 0, o.num_nodes as usize)?;
            let bounds = csr::layout(o, &offs);
            (o, offs, bounds)
        }
        None => {
            let (parts, _) = rewrite_run(pager, snap, q, g0, 0, num_nodes, 0, true, stats)?;
            return Ok(parts.into_group(num_nodes));
        }
    };
    let Some(bounds) = bounds else {
        // Not cut alike: rebuilt whole.
        let (parts, _) = rewrite_run(pager, snap, q, g0, 0, num_nodes, 0, true, stats)?;
        free_group(pager, old, &mut stats.pages_freed);
        return Ok(parts.into_group(num_nodes));
    };
    let k = bounds.len() - 1;
    // Dirty parts: a changed node in them, or (the last) nodes the group gains.
    let mut dirty = vec![false; k];
    let mut c = changed.iter().peekable();
    for j in 0..k {
        let end = bounds[j + 1] as u64;
        while let Some(&&x) = c.peek() {
            if x >= end && j + 1 < k {
                break;
            }
            dirty[j] = true;
            c.next();
        }
    }
    if num_nodes > old.num_nodes {
        dirty[k - 1] = true;
    }
    let mut out = RunParts::default();
    // Change in rel count so far (the offsets of later parts move by it).
    let mut delta: i128 = 0;
    let mut j = 0;
    while j < k {
        let (a, b) = (bounds[j], bounds[j + 1]);
        if !dirty[j] {
            let moved = |c: &ChunkMeta| c.parts()[j].clone();
            let offsets = match old.offsets.parts()[j].add_to_ints(delta) {
                Some(c) => c,
                None => {
                    // Not frame-of-reference (no such file is written): encoded again.
                    let end = if j + 1 == k { b + 1 } else { b };
                    let vals = offs[a..end]
                        .iter()
                        .map(|&x| u64::try_from(x as i128 + delta))
                        .collect::<std::result::Result<Vec<u64>, _>>()
                        .map_err(|_| Error::corrupted(None, "CSR offsets out of range"))?;
                    let mut sink = RunSink::new();
                    let mut c = encode_chunk(&csr::u64_column(vals), &mut sink);
                    stats.pages_written += sink.page_count();
                    place(pager, sink, &mut c)?;
                    free_chunk(pager, &old.offsets.parts()[j], &mut stats.pages_freed);
                    c
                }
            };
            out.append(RunParts {
                nodes: vec![(b - a) as u64],
                offsets: vec![offsets],
                neighbors: vec![moved(&old.neighbors)],
                rel_ids: vec![moved(&old.rel_ids)],
                properties: old.properties.iter().map(|c| vec![moved(c)]).collect(),
            });
            stats.parts_kept += 1;
            j += 1;
            continue;
        }
        // A dirty part: rewritten (cut again if it outgrew a part). The last one also takes
        // the nodes the group gains.
        let last = j + 1 == k;
        let end = if last { num_nodes } else { b as u64 };
        let first = u64::try_from(offs[a] as i128 + delta)
            .map_err(|_| Error::corrupted(None, "CSR offsets out of range"))?;
        let (parts, total) = rewrite_run(pager, snap, q, g0, a as u64, end, first, last, stats)?;
        delta += total as i128 - (offs[b] - offs[a]) as i128;
        free_part(pager, old, j, &mut stats.pages_freed);
        out.append(parts);
        j += 1;
    }
    Ok(out.into_group(num_nodes))
}

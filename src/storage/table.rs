//! Node groups and CSR groups: where each table's data lives.
//!
//! Owns: `StorageMeta` (per table: node groups of `NODE_GROUP_SIZE` rows with one column
//! chunk per property; per rel table and FROM/TO pair: forward and backward CSR groups, one per
//! node group of the bound node table), its encoding (the metadata blob), and the reads the
//! executor needs: scanning a property range, reading a node's neighbours. Schema changes on
//! stored data: adding a property column filled with one value (`add_column`), dropping one
//! (`drop_column`), and the page runs a dropped table leaves behind (`TableData::runs`).

use super::buffer::BufferPool;
use super::column::{self, encode_chunk, encode_constant, ChunkMeta, RunSink};
use super::index::HashIndex;
use super::page::{Decoder, Encoder, PageKind};
use super::pager::Pager;
use crate::error::{Error, Result};
use crate::types::vector::Column;
use crate::types::{LogicalType, Value};
use std::collections::BTreeMap;

/// Rows per node group (2^17, as Kuzu).
pub const NODE_GROUP_SIZE: u64 = 1 << 17;

#[derive(Debug, Clone, PartialEq)]
pub struct NodeGroup {
    pub num_rows: u64,
    /// One chunk per property, in catalog order.
    pub columns: Vec<ChunkMeta>,
    /// Rows deleted by transactions (their offsets are never reused): a BOOL chunk, true =
    /// deleted, and how many are. `None` when no row of the group is deleted.
    pub deleted: Option<(ChunkMeta, u64)>,
}

/// Forward (by source) or backward (by destination) CSR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dir {
    Fwd,
    Bwd,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeTableData {
    pub num_rows: u64,
    pub groups: Vec<NodeGroup>,
    /// The primary-key index metadata (encoded by `storage::index`), if built.
    pub pk_index: Vec<u8>,
}

/// Adjacency of one node group in one direction. Rows are in CSR order: the edges of bound
/// node `i` of the group are rows `offsets[i]..offsets[i+1]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CsrGroup {
    pub num_nodes: u64,
    /// `num_nodes + 1` offsets.
    pub offsets: ChunkMeta,
    /// Offsets of the nodes at the other end.
    pub neighbors: ChunkMeta,
    /// Rel ids (file order over the whole table).
    pub rel_ids: ChunkMeta,
    /// Rel properties in catalog order.
    pub properties: Vec<ChunkMeta>,
}

impl CsrGroup {
    pub fn num_edges(&self) -> u64 {
        self.neighbors.num_values
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RelPairData {
    pub from: u64,
    pub to: u64,
    /// Forward CSR groups, indexed by the source node group.
    pub fwd: Vec<CsrGroup>,
    /// Backward CSR groups, indexed by the destination node group.
    pub bwd: Vec<CsrGroup>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RelTableData {
    pub num_rels: u64,
    pub pairs: Vec<RelPairData>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableData {
    Node(NodeTableData),
    Rel(RelTableData),
}

/// All table data of a database, keyed by table id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StorageMeta {
    pub tables: BTreeMap<u64, TableData>,
}

const META_VERSION: u32 = 1;

impl StorageMeta {
    pub fn node(&self, id: u64) -> Option<&NodeTableData> {
        match self.tables.get(&id) {
            Some(TableData::Node(n)) => Some(n),
            _ => None,
        }
    }

    pub fn rel(&self, id: u64) -> Option<&RelTableData> {
        match self.tables.get(&id) {
            Some(TableData::Rel(r)) => Some(r),
            _ => None,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        e.u32(META_VERSION);
        e.u32(self.tables.len() as u32);
        for (id, t) in &self.tables {
            e.u64(*id);
            match t {
                TableData::Node(n) => {
                    e.u8(1);
                    e.u64(n.num_rows);
                    e.bytes(&n.pk_index);
                    e.u32(n.groups.len() as u32);
                    for g in &n.groups {
                        e.u64(g.num_rows);
                        e.u32(g.columns.len() as u32);
                        g.columns.iter().for_each(|c| c.encode(&mut e));
                        match &g.deleted {
                            None => e.u64(0),
                            Some((chunk, count)) => {
                                e.u64(*count);
                                chunk.encode(&mut e);
                            }
                        }
                    }
                }
                TableData::Rel(r) => {
                    e.u8(2);
                    e.u64(r.num_rels);
                    e.u32(r.pairs.len() as u32);
                    for p in &r.pairs {
                        e.u64(p.from);
                        e.u64(p.to);
                        for dir in [&p.fwd, &p.bwd] {
                            e.u32(dir.len() as u32);
                            for g in dir {
                                e.u64(g.num_nodes);
                                g.offsets.encode(&mut e);
                                g.neighbors.encode(&mut e);
                                g.rel_ids.encode(&mut e);
                                e.u32(g.properties.len() as u32);
                                g.properties.iter().for_each(|c| c.encode(&mut e));
                            }
                        }
                    }
                }
            }
        }
        e.buf
    }

    /// Decodes the metadata blob of a file of `file_pages` pages. Every page run must lie in
    /// the file, and every count is checked (in checked arithmetic) against what the pages
    /// can hold, so no size read from the file can overflow or ask for memory the file's
    /// pages cannot back: a node group has at most `NODE_GROUP_SIZE` rows and, with more
    /// than one row, enough pages for a column of distinct keys; a CSR group has at most
    /// `NODE_GROUP_SIZE` bound nodes and no more rels than its rel-id pages hold.
    pub fn decode(bytes: &[u8], file_pages: u64) -> Result<StorageMeta> {
        let mut d = Decoder::new(bytes, "storage metadata");
        if d.u32()? != META_VERSION {
            return Err(d.bad("unknown metadata encoding"));
        }
        let n = d.u32()? as usize;
        let mut tables = BTreeMap::new();
        for _ in 0..n {
            let id = d.u64()?;
            let t = match d.u8()? {
                1 => {
                    let num_rows = d.u64()?;
                    let pk_index = d.bytes()?.to_vec();
                    if !pk_index.is_empty() {
                        // Its page numbers and counts, checked against the file.
                        HashIndex::decode(
                            &mut Decoder::new(&pk_index, "primary-key index"),
                            file_pages,
                        )?;
                    }
                    let ng = d.u32()? as usize;
                    let mut groups = Vec::with_capacity(ng.min(1 << 16));
                    let mut total = 0u64;
                    for _ in 0..ng {
                        let rows = d.u64()?;
                        if rows > NODE_GROUP_SIZE {
                            return Err(d.bad("node group larger than the group size"));
                        }
                        let nc = d.u32()? as usize;
                        let mut columns = Vec::with_capacity(nc.min(4096));
                        for _ in 0..nc {
                            let c = ChunkMeta::decode(&mut d, file_pages)?;
                            if c.num_values != rows {
                                return Err(d.bad("column chunk length differs from its group"));
                            }
                            columns.push(c);
                        }
                        let deleted = match d.u64()? {
                            0 => None,
                            count => {
                                let c = ChunkMeta::decode(&mut d, file_pages)?;
                                if c.num_values != rows || count > rows {
                                    return Err(d.bad("deleted-rows chunk differs from its group"));
                                }
                                Some((c, count))
                            }
                        };
                        // The live rows' primary keys are distinct: with two live rows (or
                        // one live and one deleted, whose deleted-rows chunk then holds both
                        // values) the pages take at least one per MAX_VALUES_PER_PAGE rows,
                        // so a table cannot claim more rows than its pages can hold.
                        let live = rows - deleted.as_ref().map_or(0, |d| d.1);
                        let pages: u64 = columns
                            .iter()
                            .chain(deleted.iter().map(|d| &d.0))
                            .map(|c| c.page_count())
                            .sum();
                        if rows > 1
                            && live > 0
                            && pages < rows.div_ceil(column::MAX_VALUES_PER_PAGE)
                        {
                            return Err(d.bad("node group has more rows than its pages hold"));
                        }
                        total += rows;
                        groups.push(NodeGroup {
                            num_rows: rows,
                            columns,
                            deleted,
                        });
                    }
                    if total != num_rows {
                        return Err(d.bad("node groups do not add up to the row count"));
                    }
                    TableData::Node(NodeTableData {
                        num_rows,
                        groups,
                        pk_index,
                    })
                }
                2 => {
                    let num_rels = d.u64()?;
                    let np = d.u32()? as usize;
                    let mut pairs = Vec::with_capacity(np.min(1024));
                    for _ in 0..np {
                        let from = d.u64()?;
                        let to = d.u64()?;
                        let mut dirs = Vec::with_capacity(2);
                        for _ in 0..2 {
                            let ng = d.u32()? as usize;
                            let mut groups = Vec::with_capacity(ng.min(1 << 16));
                            for _ in 0..ng {
                                let num_nodes = d.u64()?;
                                if num_nodes > NODE_GROUP_SIZE {
                                    return Err(d.bad("CSR group larger than the group size"));
                                }
                                let offsets = ChunkMeta::decode(&mut d, file_pages)?;
                                let neighbors = ChunkMeta::decode(&mut d, file_pages)?;
                                let rel_ids = ChunkMeta::decode(&mut d, file_pages)?;
                                let nprop = d.u32()? as usize;
                                let mut properties = Vec::with_capacity(nprop.min(4096));
                                for _ in 0..nprop {
                                    properties.push(ChunkMeta::decode(&mut d, file_pages)?);
                                }
                                let edges = neighbors.num_values;
                                if offsets.num_values != num_nodes + 1
                                    || rel_ids.num_values != edges
                                    || properties.iter().any(|p| p.num_values != edges)
                                {
                                    return Err(d.bad("CSR group arrays disagree in length"));
                                }
                                // Offsets, neighbours and rel ids are read as integers (in
                                // parts or not); rel ids are distinct, so a part of more
                                // than one needs pages: the rel count is bounded by the
                                // rel-id pages (and the parts' metadata bytes).
                                let fixed = |c: &ChunkMeta| {
                                    c.parts()
                                        .iter()
                                        .all(|p| matches!(p.body, column::ChunkBody::Fixed { .. }))
                                };
                                if !fixed(&offsets) || !fixed(&neighbors) || !fixed(&rel_ids) {
                                    return Err(d.bad("CSR arrays are not integer chunks"));
                                }
                                if rel_ids.parts().iter().any(|p| {
                                    p.num_values > 1
                                        && p.page_count()
                                            < p.num_values.div_ceil(column::MAX_VALUES_PER_PAGE)
                                }) {
                                    return Err(
                                        d.bad("CSR group has more rels than its pages hold")
                                    );
                                }
                                groups.push(CsrGroup {
                                    num_nodes,
                                    offsets,
                                    neighbors,
                                    rel_ids,
                                    properties,
                                });
                            }
                            dirs.push(groups);
                        }
                        let bwd = dirs.pop().unwrap_or_default();
                        let fwd = dirs.pop().unwrap_or_default();
                        pairs.push(RelPairData { from, to, fwd, bwd });
                    }
                    TableData::Rel(RelTableData { num_rels, pairs })
                }
                _ => return Err(d.bad("unknown table data kind")),
            };
            tables.insert(id, t);
        }
        if d.remaining() != 0 {
            return Err(d.bad("trailing bytes"));
        }
        Ok(StorageMeta { tables })
    }

    /// Every page run referenced, with its kind (for `ruzu check` and for freeing).
    pub fn runs(&self) -> Vec<(PageKind, column::PageRun)> {
        let mut out = Vec::new();
        for t in self.tables.values() {
            match t {
                TableData::Node(n) => {
                    for g in &n.groups {
                        g.columns.iter().for_each(|c| c.runs(&mut out));
                        if let Some((c, _)) = &g.deleted {
                            c.runs(&mut out);
                        }
                    }
                }
                TableData::Rel(r) => {
                    for p in &r.pairs {
                        for g in p.fwd.iter().chain(&p.bwd) {
                            g.offsets.runs(&mut out);
                            g.neighbors.runs(&mut out);
                            g.rel_ids.runs(&mut out);
                            g.properties.iter().for_each(|c| c.runs(&mut out));
                        }
                    }
                }
            }
        }
        out
    }
}

impl NodeTableData {
    /// Appends rows `start..start+count` of property `prop` to `out` (the range may span
    /// node groups).
    pub fn scan(
        &self,
        pool: &BufferPool,
        prop: usize,
        start: u64,
        count: usize,
        out: &mut Column,
    ) -> Result<()> {
        let mut row = start;
        let end = start + count as u64;
        if end > self.num_rows {
            return Err(Error::Runtime(format!(
                "node offset {} out of range (table has {} rows)",
                end - 1,
                self.num_rows
            )));
        }
        while row < end {
            let g = (row / NODE_GROUP_SIZE) as usize;
            let in_group = row % NODE_GROUP_SIZE;
            let group = self
                .groups
                .get(g)
                .ok_or_else(|| Error::corrupted(None, "missing node group"))?;
            let chunk = group
                .columns
                .get(prop)
                .ok_or_else(|| Error::corrupted(None, "missing column chunk"))?;
            let take = (group.num_rows - in_group).min(end - row) as usize;
            column::scan(pool, chunk, in_group, take, out)?;
            row += take as u64;
        }
        Ok(())
    }
}

impl NodeGroup {
    /// Positions (in `start..start+n`, relative to `start`) of the group's deleted rows.
    pub fn deleted_in(&self, pool: &BufferPool, start: u64, n: usize) -> Result<Vec<usize>> {
        let Some((chunk, _)) = &self.deleted else {
            return Ok(Vec::new());
        };
        let mut c = Column::with_capacity(LogicalType::Bool, n);
        column::scan(pool, chunk, start, n, &mut c)?;
        Ok(match &c.data {
            crate::types::vector::ColumnData::Bool(v) => v
                .iter()
                .enumerate()
                .filter(|(i, &d)| d && !c.nulls.is_null(*i))
                .map(|(i, _)| i)
                .collect(),
            _ => return Err(Error::corrupted(None, "deleted-rows chunk is not BOOL")),
        })
    }
}

/// Writes the deleted-rows chunk of a group of `rows` rows whose rows `deleted` (positions)
/// are deleted; `None` when none is.
pub fn write_deleted(
    pager: &Pager,
    rows: u64,
    deleted: &[usize],
) -> Result<Option<(ChunkMeta, u64)>> {
    if deleted.is_empty() {
        return Ok(None);
    }
    let mut flags = vec![false; rows as usize];
    let mut count = 0u64;
    for &i in deleted {
        if let Some(f) = flags.get_mut(i) {
            if !*f {
                *f = true;
                count += 1;
            }
        }
    }
    let mut col = Column::with_capacity(LogicalType::Bool, rows as usize);
    for f in flags {
        col.push_value(&Value::Bool(f));
    }
    let mut sink = RunSink::new();
    let mut meta = encode_chunk(&col, &mut sink);
    place(pager, sink, &mut meta)?;
    Ok(Some((meta, count)))
}

impl NodeTableData {
    /// Rows deleted in the checkpointed groups.
    pub fn deleted_rows(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| g.deleted.as_ref().map_or(0, |d| d.1))
            .sum()
    }
}

impl CsrGroup {
    /// The CSR offsets of bound nodes `start..start+count` of this group (`count + 1` values).
    pub fn offsets(&self, pool: &BufferPool, start: u64, count: usize) -> Result<Vec<u64>> {
        let mut v = Vec::with_capacity(count + 1);
        column::scan_u64(pool, &self.offsets, start, count + 1, &mut v)?;
        if v.windows(2).any(|w| w[0] > w[1]) || v.last().is_some_and(|&l| l > self.num_edges()) {
            return Err(Error::corrupted(
                None,
                "CSR offsets are not monotone or out of range",
            ));
        }
        Ok(v)
    }

    /// Neighbour offsets of CSR rows `from..to`.
    pub fn neighbors(
        &self,
        pool: &BufferPool,
        from: u64,
        to: u64,
        out: &mut Vec<u64>,
    ) -> Result<()> {
        column::scan_u64(pool, &self.neighbors, from, (to - from) as usize, out)
    }

    pub fn rel_ids(&self, pool: &BufferPool, from: u64, to: u64, out: &mut Vec<u64>) -> Result<()> {
        column::scan_u64(pool, &self.rel_ids, from, (to - from) as usize, out)
    }
}

impl TableData {
    /// Every page run of the table's column chunks and CSR arrays (not its PK index).
    pub fn runs(&self) -> Vec<(PageKind, column::PageRun)> {
        let mut m = StorageMeta::default();
        m.tables.insert(0, self.clone());
        m.runs()
    }

    /// Every chunk list holding one chunk per property (node groups, CSR groups).
    fn property_chunks(&mut self) -> Vec<&mut Vec<ChunkMeta>> {
        match self {
            TableData::Node(n) => n.groups.iter_mut().map(|g| &mut g.columns).collect(),
            TableData::Rel(r) => r
                .pairs
                .iter_mut()
                .flat_map(|p| p.fwd.iter_mut().chain(p.bwd.iter_mut()))
                .map(|g| &mut g.properties)
                .collect(),
        }
    }

    /// Appends a property column of type `ty` holding `value` (NULL for none) in every row:
    /// per group a constant chunk (the value's one-row chunk: no pages for integers, a few
    /// for strings and lists) or an all-NULL chunk (no pages), never per-row data. The new pages are
    /// allocated through `pager`; a failed statement hands them back with the allocator.
    pub fn add_column(&mut self, pager: &Pager, ty: &LogicalType, value: &Value) -> Result<()> {
        // Per group, the row counts of its parts (a CSR group in parts gets the new chunk in
        // the same parts, so that a checkpoint can still rewrite one part alone).
        let groups: Vec<Vec<u64>> = match self {
            TableData::Node(n) => n.groups.iter().map(|g| vec![g.num_rows]).collect(),
            TableData::Rel(r) => r
                .pairs
                .iter()
                .flat_map(|p| p.fwd.iter().chain(&p.bwd))
                .map(|g| g.neighbors.parts().iter().map(|p| p.num_values).collect())
                .collect(),
        };
        let mut one = Column::new(ty.clone());
        if !one.push_value(value) {
            return Err(Error::Conversion(format!(
                "Cannot store {value} in a column of type {ty}."
            )));
        }
        let mut metas = Vec::with_capacity(groups.len());
        for parts in groups {
            let mut sink = RunSink::new();
            let parts = parts
                .into_iter()
                .map(|rows| {
                    if value.is_null() || rows == 0 {
                        // All NULL: no pages at all.
                        let mut col = Column::with_capacity(ty.clone(), rows as usize);
                        (0..rows).for_each(|_| col.push_null());
                        encode_chunk(&col, &mut sink)
                    } else {
                        encode_constant(&one, rows, &mut sink)
                    }
                })
                .collect();
            let mut meta = ChunkMeta::from_parts(parts);
            place(pager, sink, &mut meta)?;
            metas.push(meta);
        }
        for (chunks, meta) in self.property_chunks().into_iter().zip(metas) {
            chunks.push(meta);
        }
        Ok(())
    }

    /// Appends a property column of a node table holding `values[i]` in row `i`.
    pub fn add_column_values(
        &mut self,
        pager: &Pager,
        ty: &LogicalType,
        values: &[Value],
    ) -> Result<()> {
        let TableData::Node(n) = self else {
            return Err(Error::Runtime(
                "Cannot set a non-constant default value when adding columns on REL tables.".into(),
            ));
        };
        if values.len() as u64 != n.num_rows {
            return Err(Error::Runtime(format!(
                "{} default values for {} rows",
                values.len(),
                n.num_rows
            )));
        }
        let mut start = 0usize;
        let mut metas = Vec::with_capacity(n.groups.len());
        for g in &n.groups {
            let end = start + g.num_rows as usize;
            let mut col = Column::with_capacity(ty.clone(), g.num_rows as usize);
            for v in &values[start..end] {
                if !col.push_value(v) {
                    return Err(Error::Conversion(format!(
                        "Cannot store {v} in a column of type {ty}."
                    )));
                }
            }
            let mut sink = RunSink::new();
            let mut meta = encode_chunk(&col, &mut sink);
            place(pager, sink, &mut meta)?;
            metas.push(meta);
            start = end;
        }
        for (g, meta) in n.groups.iter_mut().zip(metas) {
            g.columns.push(meta);
        }
        Ok(())
    }

    /// Removes property column `index` from every group and frees its pages (reusable after
    /// the next checkpoint).
    pub fn drop_column(&mut self, pager: &Pager, index: usize) -> Result<()> {
        for chunks in self.property_chunks() {
            if index >= chunks.len() {
                return Err(Error::corrupted(None, "missing column chunk"));
            }
            let meta = chunks.remove(index);
            let mut runs = Vec::new();
            meta.runs(&mut runs);
            for (_, r) in runs {
                pager.free(r.first, r.count);
            }
        }
        Ok(())
    }
}

/// Writes the pages of `sink` to freshly allocated pages and moves `meta` onto them.
pub fn place(pager: &Pager, sink: RunSink, meta: &mut ChunkMeta) -> Result<()> {
    let n = sink.page_count();
    if n == 0 {
        return Ok(());
    }
    let base = pager.allocate(n);
    meta.shift(base);
    for (kind, run, bytes) in &sink.runs {
        pager.write_run(base + run.first, *kind, bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::column::{ChunkBody, Encoding, PageRun, Stats};

    /// A fixed-width integer chunk of `n` values of bit width `width` at `first`.
    fn ints(n: u64, width: u8, first: u64) -> ChunkMeta {
        let count = if width == 0 {
            0
        } else {
            n.div_ceil(column::MAX_VALUES_PER_PAGE / width as u64)
        };
        ChunkMeta {
            num_values: n,
            null_count: 0,
            nulls: PageRun::default(),
            body: ChunkBody::Fixed {
                enc: Encoding::ForBitpack { base: 0, width },
                data: PageRun { first, count },
                stats: Stats::None,
            },
        }
    }

    fn node(rows: u64, columns: Vec<ChunkMeta>) -> StorageMeta {
        let mut m = StorageMeta::default();
        m.tables.insert(
            1,
            TableData::Node(NodeTableData {
                num_rows: rows,
                groups: vec![NodeGroup {
                    num_rows: rows,
                    columns,
                    deleted: None,
                }],
                pk_index: Vec::new(),
            }),
        );
        m
    }

    fn rel(num_nodes: u64, edges: u64, id_width: u8, first: u64) -> StorageMeta {
        let mut m = StorageMeta::default();
        let g = CsrGroup {
            num_nodes,
            offsets: ints(num_nodes.wrapping_add(1), 0, 0),
            neighbors: ints(edges, 0, 0),
            rel_ids: ints(edges, id_width, first),
            properties: Vec::new(),
        };
        m.tables.insert(
            2,
            TableData::Rel(RelTableData {
                num_rels: edges,
                pairs: vec![RelPairData {
                    from: 1,
                    to: 1,
                    fwd: vec![g.clone()],
                    bwd: vec![g],
                }],
            }),
        );
        m
    }

    /// Counts that the pages of the file cannot back, and page runs outside it, are refused
    /// when the metadata is decoded, before anything is sized by them.
    #[test]
    fn sizes_the_file_cannot_back_are_refused() {
        let ok = |m: &StorageMeta, pages: u64| StorageMeta::decode(&m.encode(), pages);
        // Sound: 100 distinct keys in one page, 50 rels with 1-bit rel ids.
        ok(&node(100, vec![ints(100, 7, 1)]), 2).unwrap();
        ok(&rel(100, 50, 1, 1), 2).unwrap();
        let refused = [
            // The page run ends past the file.
            (node(100, vec![ints(100, 7, 1)]), 1),
            (node(100, vec![ints(100, 7, u64::MAX)]), 10),
            // More rows than a group, or rows no page holds (all constant).
            (
                node(NODE_GROUP_SIZE + 1, vec![ints(NODE_GROUP_SIZE + 1, 0, 0)]),
                10,
            ),
            (node(5000, vec![ints(5000, 0, 0)]), 10),
            // A CSR group of more nodes than a group (and an offsets count that overflows).
            (rel(u64::MAX, 0, 0, 0), 10),
            (rel(1 << 40, 0, 0, 0), 10),
            // More rels than their (distinct) rel ids' pages hold.
            (rel(10, 1 << 40, 0, 0), 10),
            (rel(10, 1 << 40, 1, 1), 10),
        ];
        for (m, pages) in refused {
            let e = ok(&m, pages).unwrap_err();
            assert!(matches!(e, Error::Corrupted { .. }), "{e}");
        }
        // A primary-key index (its metadata as docs/FORMAT.md lays it out): its page-table
        // roots must be pages of the file, and its keys fit the file's pages.
        let index = |root: u64, keys: u64| {
            let mut e = Encoder::new();
            e.u8(2); // index format
            e.u8(1); // INT64
            e.u64(keys);
            e.u8(4); // level: 16 buckets
            e.u64(0);
            e.u64(root); // primary-slot root
            e.u64(2); // primary-slot pages
            for _ in 0..2 {
                e.u64(0);
                e.u64(0);
                if e.buf.len() == 51 {
                    e.u8(0); // overflow slots used
                    e.u64(0); // free-slot list
                }
            }
            e.u16(0);
            assert_eq!(e.buf.len(), 78);
            let mut m = node(100, vec![ints(100, 7, 1)]);
            if let Some(TableData::Node(n)) = m.tables.get_mut(&1) {
                n.pk_index = e.buf;
            }
            m
        };
        assert!(ok(&index(2, 100), 10).is_ok());
        for (root, keys) in [
            (10, 100),
            (1 << 40, 100),
            (u64::MAX, 100),
            (2, 177),
            (2, 1 << 40),
        ] {
            let e = ok(&index(root, keys), 10).unwrap_err();
            assert!(matches!(e, Error::Corrupted { .. }), "{root} {keys}: {e}");
        }
    }
}

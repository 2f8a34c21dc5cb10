//! Looking inside a database file: `ruzu info` and `ruzu check`.
//!
//! Owns: the table summary (`info`) and the full verification (`check`): every page's
//! checksum (both header slots included), page ownership (each page referenced once, with the
//! kind it is read as, never also free), and the structures (node group sizes, CSR offsets
//! monotone and in range, neighbours inside their node table, rel ids unique, multiplicity,
//! the primary key unique). Read-only: opens the file under its shared lock (refused while a
//! process writes it), and reads in windows, so memory does not grow with a table's size
//! beyond 2 bits per rel (the rel ids each CSR direction holds).

use crate::catalog::{Catalog, Multiplicity, TableKind};
use crate::error::{Error, Result};
use crate::storage::buffer::MemoryManager;
use crate::storage::column::{self, PageRun};
use crate::storage::file::{OsBackend, StorageBackend};
use crate::storage::header::{Header, FORMAT_VERSION};
use crate::storage::page::{self, PageKind, PageState, PAGE_SIZE};
use crate::storage::pager::Pager;
use crate::storage::table::{StorageMeta, TableData, NODE_GROUP_SIZE};
use crate::types::vector::Column;
use std::path::Path;
use std::sync::Arc;

/// Opens `path` for reading under its shared lock (held while the result lives): a
/// process writing the file holds it exclusively, so `info` and `check` never read pages a
/// writer is changing, and a writer cannot start while they run.
fn open(path: &Path, lock: bool) -> Result<(Pager, Catalog, StorageMeta)> {
    let backend = OsBackend::open(path, false)?;
    if lock {
        crate::transaction::take_lock(backend.file(), path, true)?;
    }
    let backend: Arc<dyn StorageBackend> = Arc::new(backend);
    let (pager, cat, meta) = Pager::open(backend, MemoryManager::new(64 << 20), path)?;
    let pages = pager.page_count();
    Ok((
        pager,
        Catalog::decode(&cat)?,
        StorageMeta::decode(&meta, pages)?,
    ))
}

/// Rels (and CSR nodes) `check` reads at a time.
const CHECK_WINDOW: u64 = 1 << 16;

/// The rel ids one CSR direction of a pair holds: one bit per id of the table, so `check`
/// needs 2 bits per rel (both directions, compared exactly), not hash set entries. The bits
/// live in chunks made when an id in them is first seen, so memory follows the ids the file
/// really holds, not the rel count its metadata claims (which a damaged file can make huge).
struct IdBitmap {
    chunks: std::collections::BTreeMap<u64, Box<[u64]>>,
    len: u64,
}

/// Ids per chunk of an `IdBitmap` (8 KiB of bits).
const ID_CHUNK: u64 = 1 << 16;

impl IdBitmap {
    fn new(len: u64) -> IdBitmap {
        IdBitmap {
            chunks: std::collections::BTreeMap::new(),
            len,
        }
    }

    /// Adds `id`; false when it is out of range or already present.
    fn insert(&mut self, id: u64) -> bool {
        if id >= self.len {
            return false;
        }
        let chunk = self
            .chunks
            .entry(id / ID_CHUNK)
            .or_insert_with(|| vec![0u64; (ID_CHUNK / 64) as usize].into_boxed_slice());
        let within = id % ID_CHUNK;
        let (w, b) = ((within / 64) as usize, within % 64);
        if chunk[w] >> b & 1 == 1 {
            return false;
        }
        chunk[w] |= 1 << b;
        true
    }

    /// The same ids as `other`.
    fn same(&self, other: &IdBitmap) -> bool {
        self.chunks == other.chunks
    }
}

fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn table_runs(t: &TableData) -> Vec<(PageKind, PageRun)> {
    let mut m = StorageMeta::default();
    m.tables.insert(0, t.clone());
    m.runs()
}

/// The text `ruzu info` prints.
pub fn info(path: &Path) -> Result<String> {
    let (pager, catalog, meta) = open(path, true)?;
    let mut out = String::new();
    out.push_str(&format!("ruzu format {FORMAT_VERSION}\n"));
    let h = pager.header();
    out.push_str(&format!(
        "file {} pages ({}), checkpoint generation {}, database id {}\n",
        pager.page_count(),
        human(pager.page_count() * PAGE_SIZE as u64),
        h.current_slot().generation,
        h.db_id
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ));
    for t in &catalog.tables {
        let data = meta.tables.get(&t.id);
        let pages: u64 = data
            .map(|d| table_runs(d).iter().map(|r| r.1.count).sum())
            .unwrap_or(0);
        let size = human(pages * PAGE_SIZE as u64);
        let cols = t
            .properties
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let pk = matches!(t.kind, TableKind::Node { primary_key } if primary_key == i);
                format!(
                    "{} {}{}{}",
                    p.name,
                    p.ty,
                    if pk { " PRIMARY KEY" } else { "" },
                    p.default
                        .as_ref()
                        .map(|d| format!(" DEFAULT {d}"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let cols = if t.comment.is_empty() {
            cols
        } else {
            format!("{cols}; comment '{}'", t.comment)
        };
        match &t.kind {
            TableKind::Node { .. } => {
                let rows = meta.node(t.id).map(|n| n.num_rows).unwrap_or(0);
                out.push_str(&format!(
                    "{} node {} rows {} ({})\n",
                    t.name, rows, size, cols
                ));
            }
            TableKind::Rel { pairs, .. } => {
                let rows = meta.rel(t.id).map(|r| r.num_rels).unwrap_or(0);
                let ends = pairs
                    .iter()
                    .map(|(f, to)| {
                        let n = |id: u64| {
                            catalog
                                .table_by_id(id)
                                .map(|e| e.name.clone())
                                .unwrap_or_else(|| format!("#{id}"))
                        };
                        format!("{}->{}", n(*f), n(*to))
                    })
                    .collect::<Vec<_>>()
                    .join(",");
                out.push_str(&format!(
                    "{} rel {} rows {} {} {} ({})\n",
                    t.name,
                    rows,
                    size,
                    ends,
                    t.multiplicity_name().unwrap_or_default(),
                    cols
                ));
            }
        }
    }
    Ok(out)
}

/// What `ruzu check` found on a healthy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Pages of the checkpoint (the file may hold more past its end, see `tail_bytes`).
    pub pages: u64,
    pub referenced: u64,
    pub free: u64,
    pub tables: usize,
    /// Bytes past the checkpoint's last page: left by a write that was interrupted (a crash
    /// during a COPY) or failed. Free space, not damage; the next writable open trims them.
    pub tail_bytes: u64,
}

impl CheckReport {
    /// Remarks about a healthy file (printed by `ruzu check` after its verdict).
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.tail_bytes > 0 {
            out.push(format!(
                "note: {} bytes ({} pages) past the checkpoint's end, left by an interrupted \
                 write, are free space; the next writable open trims them",
                self.tail_bytes,
                self.tail_bytes.div_ceil(PAGE_SIZE as u64)
            ));
        }
        out
    }
}

/// Verifies the whole file; the first problem is returned as the error. Every page of the
/// checkpoint must be referenced exactly once, or free; a page that is neither has leaked and
/// is reported by number.
pub fn check(path: &Path) -> Result<CheckReport> {
    check_file(path, true)
}

/// `check` without the shared lock, for tests that check a file their own process has open
/// for writing while no write runs (the lock would refuse them).
#[doc(hidden)]
pub fn check_unlocked(path: &Path) -> Result<CheckReport> {
    check_file(path, false)
}

fn check_file(path: &Path, lock: bool) -> Result<CheckReport> {
    let backend = OsBackend::open(path, false)?;
    let len = backend.len()?;
    let mut page0 = vec![0u8; PAGE_SIZE];
    if len < PAGE_SIZE as u64 {
        return Err(Error::NotADatabase {
            path: path.to_path_buf(),
        });
    }
    backend.read_at(0, &mut page0)?;
    // Both slots must be intact, even where opening would fall back to the other.
    Header::decode(&page0, path, true)?;
    let (pager, catalog, meta) = open(path, lock)?;
    let pages = pager.page_count();
    // `open` has checked that the file holds every page of the checkpoint.
    let tail_bytes = len - pages * PAGE_SIZE as u64;
    // 1. Every page: a valid checksum or all zeros.
    let mut kinds = vec![None; pages as usize];
    let mut buf = vec![0u8; PAGE_SIZE * 64];
    let mut p = 1u64;
    while p < pages {
        let n = (pages - p).min(64);
        let b = &mut buf[..n as usize * PAGE_SIZE];
        backend.read_at(p * PAGE_SIZE as u64, b)?;
        for i in 0..n {
            let pg = &b[i as usize * PAGE_SIZE..(i as usize + 1) * PAGE_SIZE];
            if let PageState::Sealed(k) = page::verify(p + i, pg)? {
                kinds[(p + i) as usize] = Some(k);
            }
        }
        p += n;
    }
    // 2. Ownership: each referenced page once, of the right kind, not free.
    let slot = pager.header().current_slot();
    let mut runs: Vec<(PageKind, PageRun)> = meta.runs();
    for (k, r) in [
        (PageKind::Catalog, slot.catalog),
        (PageKind::Metadata, slot.metadata),
        (PageKind::FreeList, slot.free_list),
    ] {
        runs.push((
            k,
            PageRun {
                first: r.first_page,
                count: r.page_count,
            },
        ));
    }
    // Primary-key index pages.
    let mut indexes = std::collections::HashMap::new();
    for t in catalog.node_tables() {
        if let Some(n) = meta.node(t.id) {
            let idx = crate::loader::pipeline::index_of(t, n)?;
            for p in idx.pages(pager.pool())? {
                runs.push((PageKind::Index, PageRun { first: p, count: 1 }));
            }
            indexes.insert(t.id, idx);
        }
    }
    let mut owned = vec![false; pages as usize];
    let mut referenced = 0u64;
    for (k, r) in &runs {
        for q in r.first..r.first + r.count {
            if q == 0 || q >= pages {
                return Err(Error::corrupted(
                    Some(q),
                    format!("{} page reference beyond the file", k.name()),
                ));
            }
            if owned[q as usize] {
                return Err(Error::corrupted(Some(q), "page referenced twice"));
            }
            owned[q as usize] = true;
            referenced += 1;
            if kinds[q as usize] != Some(*k) {
                return Err(Error::corrupted(
                    Some(q),
                    format!(
                        "expected a {} page, found {}",
                        k.name(),
                        kinds[q as usize]
                            .map(|k| k.name())
                            .unwrap_or("an empty page")
                    ),
                ));
            }
        }
    }
    let alloc = pager.allocator();
    for &(s, c) in alloc.free_ranges() {
        for q in s..s + c {
            if owned.get(q as usize).copied().unwrap_or(false) {
                return Err(Error::corrupted(Some(q), "page is both free and in use"));
            }
            owned[q as usize] = true;
        }
    }
    // Every page is accounted for: referenced or free (SQLite's integrity_check does the
    // same). A page that is neither can never be reused: it has leaked.
    let leaked: Vec<u64> = (1..pages).filter(|&q| !owned[q as usize]).collect();
    if let Some(&first) = leaked.first() {
        return Err(Error::corrupted(
            Some(first),
            format!(
                "page leaked: neither referenced nor free ({} leaked page{} in all, from {})",
                leaked.len(),
                if leaked.len() == 1 { "" } else { "s" },
                leaked
                    .iter()
                    .take(8)
                    .map(|q| q.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if leaked.len() > 8 { ", ..." } else { "" }
            ),
        ));
    }
    // 3. Structures.
    let pool = pager.pool();
    for t in &catalog.tables {
        match (&t.kind, meta.tables.get(&t.id)) {
            (TableKind::Node { primary_key }, Some(TableData::Node(n))) => {
                for (g, grp) in n.groups.iter().enumerate() {
                    if g + 1 < n.groups.len() && grp.num_rows != NODE_GROUP_SIZE {
                        return Err(Error::corrupted(
                            None,
                            format!("{}: node group {g} is not full", t.name),
                        ));
                    }
                    if grp.columns.len() != t.properties.len() {
                        return Err(Error::corrupted(
                            None,
                            format!("{}: node group {g} has the wrong number of columns", t.name),
                        ));
                    }
                }
                // Every value of every column decodes; the primary key is non-null and the index
                // maps each key to its row (so keys are unique) and holds nothing else.
                let index = indexes
                    .get(&t.id)
                    .ok_or_else(|| Error::corrupted(None, format!("{}: no index", t.name)))?;
                // Rows deleted by transactions keep their offsets but not their keys: the
                // index holds the live rows' keys, each mapping to its row.
                let mut deleted_rows = Vec::with_capacity(n.groups.len());
                for (g, grp) in n.groups.iter().enumerate() {
                    let d = grp.deleted_in(pool, 0, grp.num_rows as usize)?;
                    if d.len() as u64 != grp.deleted.as_ref().map_or(0, |d| d.1) {
                        return Err(Error::corrupted(
                            None,
                            format!("{}: node group {g} miscounts its deleted rows", t.name),
                        ));
                    }
                    deleted_rows.push(d);
                }
                let live = n.num_rows - deleted_rows.iter().map(|d| d.len() as u64).sum::<u64>();
                if index.len() != live {
                    return Err(Error::corrupted(
                        None,
                        format!(
                            "{}: primary-key index holds {} keys for {} rows",
                            t.name,
                            index.len(),
                            live
                        ),
                    ));
                }
                for (ci, prop) in t.properties.iter().enumerate() {
                    let mut start = 0;
                    while start < n.num_rows {
                        let cnt = (n.num_rows - start).min(NODE_GROUP_SIZE) as usize;
                        let mut col = Column::with_capacity(prop.ty.clone(), cnt);
                        n.scan(pool, ci, start, cnt, &mut col)?;
                        if ci == *primary_key {
                            let deleted = deleted_rows
                                .get((start / NODE_GROUP_SIZE) as usize)
                                .map(Vec::as_slice)
                                .unwrap_or(&[]);
                            let found = index
                                .lookup_column(pool, &crate::loader::keys::index_column(&col))?;
                            for (i, f) in found.iter().enumerate() {
                                if deleted.binary_search(&i).is_ok() {
                                    continue;
                                }
                                if col.nulls.is_null(i) {
                                    return Err(Error::corrupted(
                                        None,
                                        format!("{}: NULL primary key", t.name),
                                    ));
                                }
                                if *f != Some(start + i as u64) {
                                    return Err(Error::corrupted(
                                        None,
                                        format!(
                                            "{}: primary-key index disagrees with the key of offset {}",
                                            t.name,
                                            start + i as u64
                                        ),
                                    ));
                                }
                            }
                        }
                        start += cnt as u64;
                    }
                }
            }
            (
                TableKind::Rel {
                    src_mult, dst_mult, ..
                },
                Some(TableData::Rel(r)),
            ) => {
                let mut ids_fwd: Option<IdBitmap> = None;
                for pair in &r.pairs {
                    let rows = |id: u64| meta.node(id).map(|n| n.num_rows).unwrap_or(0);
                    for (dir, groups, bound_rows, other_rows, single) in [
                        (
                            "fwd",
                            &pair.fwd,
                            rows(pair.from),
                            rows(pair.to),
                            *dst_mult == Multiplicity::One,
                        ),
                        (
                            "bwd",
                            &pair.bwd,
                            rows(pair.to),
                            rows(pair.from),
                            *src_mult == Multiplicity::One,
                        ),
                    ] {
                        // One bit per rel id: each id at most once per direction.
                        let mut seen = IdBitmap::new(r.num_rels);
                        for (g, grp) in groups.iter().enumerate() {
                            let where_ = || format!("{} {dir} CSR group {g}", t.name);
                            if g as u64 * NODE_GROUP_SIZE + grp.num_nodes > bound_rows
                                || grp.num_nodes > NODE_GROUP_SIZE
                            {
                                return Err(Error::corrupted(
                                    None,
                                    format!("{}: more nodes than its node table", where_()),
                                ));
                            }
                            // Offsets, then rels, in windows: memory does not grow with a
                            // group's size.
                            let mut last = 0u64;
                            let mut node = 0u64;
                            while node < grp.num_nodes {
                                let n = (grp.num_nodes - node).min(CHECK_WINDOW);
                                let offs = grp.offsets(pool, node, n as usize)?;
                                if (node == 0 && offs.first() != Some(&0))
                                    || offs.first() != Some(&last)
                                {
                                    return Err(Error::corrupted(
                                        None,
                                        format!("{}: offsets do not span its rels", where_()),
                                    ));
                                }
                                if single && offs.windows(2).any(|w| w[1] - w[0] > 1) {
                                    return Err(Error::corrupted(
                                        None,
                                        format!("{}: multiplicity violated", where_()),
                                    ));
                                }
                                last = offs.last().copied().unwrap_or(last);
                                node += n;
                            }
                            if last != grp.num_edges() {
                                return Err(Error::corrupted(
                                    None,
                                    format!("{}: offsets do not span its rels", where_()),
                                ));
                            }
                            let props: Vec<_> = grp
                                .properties
                                .iter()
                                .enumerate()
                                .map(|(pi, pm)| {
                                    let ty = t
                                        .properties
                                        .get(pi)
                                        .map(|p| p.ty.clone())
                                        .ok_or_else(|| {
                                            Error::corrupted(
                                                None,
                                                format!("{}: too many property chunks", where_()),
                                            )
                                        })?;
                                    if pm.num_values != grp.num_edges() {
                                        return Err(Error::corrupted(
                                            None,
                                            format!(
                                                "{}: a property chunk holds {} values for {} rels",
                                                where_(),
                                                pm.num_values,
                                                grp.num_edges()
                                            ),
                                        ));
                                    }
                                    Ok((pm, ty))
                                })
                                .collect::<Result<_>>()?;
                            let (mut nb, mut ids) = (Vec::new(), Vec::new());
                            let mut at = 0u64;
                            while at < grp.num_edges() {
                                let to = (at + CHECK_WINDOW).min(grp.num_edges());
                                nb.clear();
                                grp.neighbors(pool, at, to, &mut nb)?;
                                if nb.iter().any(|&x| x >= other_rows) {
                                    return Err(Error::corrupted(
                                        None,
                                        format!("{}: neighbour outside its node table", where_()),
                                    ));
                                }
                                ids.clear();
                                grp.rel_ids(pool, at, to, &mut ids)?;
                                for &id in &ids {
                                    if !seen.insert(id) {
                                        return Err(Error::corrupted(
                                            None,
                                            format!(
                                                "{}: rel id {id} out of range or repeated",
                                                where_()
                                            ),
                                        ));
                                    }
                                }
                                for (pm, ty) in &props {
                                    let mut c = Column::new(ty.clone());
                                    column::scan(pool, pm, at, (to - at) as usize, &mut c)?;
                                }
                                at = to;
                            }
                        }
                        if dir == "fwd" {
                            ids_fwd = Some(seen);
                        } else if !ids_fwd.as_ref().is_some_and(|f| f.same(&seen)) {
                            return Err(Error::corrupted(
                                None,
                                format!(
                                    "{}: forward and backward CSRs hold different rels",
                                    t.name
                                ),
                            ));
                        }
                    }
                    ids_fwd = None;
                }
            }
            _ => {
                return Err(Error::corrupted(
                    None,
                    format!("table {} has no data of its kind", t.name),
                ))
            }
        }
    }
    Ok(CheckReport {
        pages,
        referenced,
        free: alloc.free_page_count(),
        tables: catalog.tables.len(),
        tail_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rel count read from a damaged file may be anything: the bitmap must not allocate
    /// for it up front (a fuzz finding: 2^63 rels claimed, an abort on allocation).
    #[test]
    fn id_bitmap_allocates_for_the_ids_it_sees_not_the_count_claimed() {
        let mut a = IdBitmap::new(u64::MAX);
        assert!(a.chunks.is_empty());
        assert!(a.insert(3));
        assert!(a.insert(u64::MAX - 1));
        assert!(!a.insert(3), "a repeated id is refused");
        assert_eq!(a.chunks.len(), 2);
        let mut b = IdBitmap::new(u64::MAX);
        assert!(b.insert(u64::MAX - 1));
        assert!(!a.same(&b));
        assert!(b.insert(3));
        assert!(a.same(&b));
        assert!(!b.insert(u64::MAX), "ids at or past the count are refused");
    }
}

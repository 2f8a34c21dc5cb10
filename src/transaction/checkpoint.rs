//! Checkpoints: merging row versions into copy-on-write pages.
//!
//! Owns: `merge`, which turns a snapshot (checkpointed table data + the versions its stamp
//! sees) into new table data whose pages hold the same rows: the node groups and CSR groups
//! that versions touch are read through the snapshot (so exactly what a reader of it sees),
//! encoded again and written to fresh pages; the pages they replace are freed (reusable once
//! the checkpoint is durable and no reader of an older state is left). Untouched groups keep
//! their pages. The primary-key index loses the keys of deleted rows and gains those of
//! inserted ones through a write session: only the index pages those keys touch are
//! copied, and the committed pages they replace are freed with the checkpoint. Rel tables are
//! merged by `merge_rel` (only the CSR parts whose nodes' rels changed are rewritten).
//!
//! Rows are never moved: a deleted row keeps its offset (as in Kuzu) and is flagged in its
//! group's deleted-rows chunk; inserted rows extend the last group and add new ones.

use super::Snapshot;
use crate::catalog::{TableEntry, TableKind};
use crate::error::{Error, Result};
use crate::storage::column::{encode_chunk, ChunkMeta, RunSink};
use crate::storage::index::HashIndex;
use crate::storage::keys::{index_column, index_key_type, value_key};
use crate::storage::page::{Decoder, Encoder};
use crate::storage::pager::Pager;
use crate::storage::table::{
    place, write_deleted, NodeGroup, NodeTableData, StorageMeta, TableData, NODE_GROUP_SIZE,
};
use crate::types::vector::Column;
use std::collections::BTreeSet;

/// The table data of `snap` with every version its stamp sees merged into pages.
pub fn merge(
    pager: &Pager,
    catalog: &crate::catalog::Catalog,
    meta: &StorageMeta,
    epoch: &std::sync::Arc<super::versions::Epoch>,
    stamp: super::versions::Stamp,
) -> Result<StorageMeta> {
    if epoch.is_empty() {
        return Ok(meta.clone());
    }
    let snap = Snapshot {
        catalog: std::sync::Arc::new(catalog.clone()),
        meta: std::sync::Arc::new(meta.clone()),
        epoch: epoch.clone(),
        stamp,
        _reader: None,
    };
    let mut out = meta.clone();
    for (table, _) in epoch.node_tables() {
        let (Some(entry), Some(data)) = (catalog.table_by_id(table), meta.node(table)) else {
            continue; // dropped since
        };
        let merged = merge_node(pager, &snap, entry, data)?;
        out.tables.insert(table, TableData::Node(merged));
    }
    for (table, _) in epoch.rel_tables() {
        let (Some(entry), Some(data)) = (catalog.table_by_id(table), meta.rel(table)) else {
            continue;
        };
        let merged =
            super::merge_rel::merge_rel(pager, &snap, entry, data, &out, &mut Default::default())?;
        out.tables.insert(table, TableData::Rel(merged));
    }
    Ok(out)
}

/// Encodes `col` into fresh pages.
fn write_chunk(pager: &Pager, col: &Column) -> Result<ChunkMeta> {
    let mut sink = RunSink::new();
    let mut meta = encode_chunk(col, &mut sink);
    place(pager, sink, &mut meta)?;
    Ok(meta)
}

fn free_chunk(pager: &Pager, c: &ChunkMeta) {
    let mut runs = Vec::new();
    c.runs(&mut runs);
    for (_, r) in runs {
        pager.free(r.first, r.count);
    }
}

fn merge_node(
    pager: &Pager,
    snap: &Snapshot,
    entry: &TableEntry,
    data: &NodeTableData,
) -> Result<NodeTableData> {
    let pool = pager.pool();
    let Some(v) = snap.epoch.node(entry.id) else {
        return Ok(data.clone());
    };
    let (groups, appended, deleted_base, inserted) = {
        let v = v.read();
        if v.base_rows != data.num_rows {
            return Err(Error::corrupted(
                None,
                format!(
                    "versions of {} start at row {}, its data has {}",
                    entry.name, v.base_rows, data.num_rows
                ),
            ));
        }
        let appended = v.end(snap.stamp) - v.base_rows;
        let mut groups: BTreeSet<u64> = BTreeSet::new();
        groups.extend(v.deleted.keys().map(|o| o / NODE_GROUP_SIZE));
        for p in v.updated_props() {
            groups.extend(v.update_chains(p).map(|(o, _)| o / NODE_GROUP_SIZE));
        }
        let total = data.num_rows + appended;
        if appended > 0 {
            groups.extend(data.num_rows / NODE_GROUP_SIZE..=(total - 1) / NODE_GROUP_SIZE);
        }
        // Keys: checkpointed rows deleted now leave the index; inserted live rows enter it.
        let deleted_base: Vec<u64> = v
            .deleted
            .iter()
            .filter(|(&o, &t)| o < data.num_rows && snap.stamp.sees(t))
            .map(|(&o, _)| o)
            .collect();
        let inserted: Vec<u64> = (data.num_rows..total)
            .filter(|&o| v.live(o, snap.stamp))
            .collect();
        (groups, appended, deleted_base, inserted)
    };
    let total = data.num_rows + appended;
    let mut out = data.clone();
    for g in groups {
        let g0 = g * NODE_GROUP_SIZE;
        if g0 >= total {
            continue;
        }
        let rows = (total - g0).min(NODE_GROUP_SIZE);
        let old = data.groups.get(g as usize);
        let old_rows = old.map_or(0, |x| x.num_rows);
        let grows = rows > old_rows;
        let mut columns = Vec::with_capacity(entry.properties.len());
        for (p, prop) in entry.properties.iter().enumerate() {
            let updated = !v
                .read()
                .updates_in(prop.id, g0, rows, snap.stamp)
                .is_empty();
            let old_chunk = old.and_then(|o| o.columns.get(p));
            match old_chunk {
                Some(c) if !grows && !updated => columns.push(c.clone()),
                _ => {
                    let mut col = Column::with_capacity(prop.ty.clone(), rows as usize);
                    snap.scan_node(pool, entry.id, p, g0, rows as usize, &mut col)?;
                    columns.push(write_chunk(pager, &col)?);
                    if let Some(c) = old_chunk {
                        free_chunk(pager, c);
                    }
                }
            }
        }
        let dead = snap.node_dead(pool, entry.id, g0, rows as usize)?;
        let old_deleted = old.and_then(|o| o.deleted.clone());
        let deleted = match (&old_deleted, dead.is_empty()) {
            (None, true) => None,
            (Some(d), _) if !grows && d.1 == dead.len() as u64 => Some(d.clone()),
            _ => {
                if let Some((c, _)) = &old_deleted {
                    free_chunk(pager, c);
                }
                write_deleted(pager, rows, &dead)?
            }
        };
        let group = NodeGroup {
            num_rows: rows,
            columns,
            deleted,
        };
        let gi = g as usize;
        if gi < out.groups.len() {
            out.groups[gi] = group;
        } else if gi == out.groups.len() {
            out.groups.push(group);
        } else {
            return Err(Error::corrupted(None, "node groups are not contiguous"));
        }
    }
    out.num_rows = total;
    // The primary-key index, copied on write at page granularity: a write session copies
    // the pages these keys touch (and the page-table pages above them); the committed
    // pages it replaced are freed (held for older snapshots) like the replaced groups above.
    // On an error the caller rolls the allocator back, which drops the session's pages.
    // A table that gains rows gets an index even when every new row is already deleted
    // (readers take rows without an index as damage).
    let needs_index = data.pk_index.is_empty() && out.num_rows > 0;
    if !deleted_base.is_empty() || !inserted.is_empty() || needs_index {
        let TableKind::Node { primary_key } = entry.kind else {
            return Err(Error::Runtime("not a node table".into()));
        };
        let pk = &entry.properties[primary_key];
        let kt = index_key_type(&pk.ty)?;
        let committed = if data.pk_index.is_empty() {
            HashIndex::new(kt)
        } else {
            HashIndex::decode(
                &mut Decoder::new(&data.pk_index, "primary-key index"),
                pager.page_count(),
            )?
        };
        let mut idx = committed.begin();
        for &o in &deleted_base {
            let mut c = Column::new(pk.ty.clone());
            data.scan(pool, primary_key, o, 1, &mut c)?;
            let key = index_column(&c);
            if let Some(k) = value_key(kt, &key.get(0)) {
                pager.with_allocator(|a| idx.delete(pool, a, k.as_index_key()))?;
            }
        }
        // Inserted live rows, as runs of consecutive offsets: one bulk insert per run.
        let mut i = 0;
        while i < inserted.len() {
            let first = inserted[i];
            let mut n = 1;
            while i + n < inserted.len() && inserted[i + n] == first + n as u64 {
                n += 1;
            }
            let mut col = Column::with_capacity(pk.ty.clone(), n);
            snap.scan_node(pool, entry.id, primary_key, first, n, &mut col)?;
            if col.nulls.null_count() > 0 {
                return Err(Error::corrupted(
                    None,
                    format!(
                        "a node of {} has a NULL primary key at checkpoint",
                        entry.name
                    ),
                ));
            }
            let keys = index_column(&col);
            let dup = pager.with_allocator(|a| idx.insert_column(pool, a, &keys, first))?;
            if let Err(d) = dup {
                return Err(Error::corrupted(
                    None,
                    format!(
                        "duplicate primary key {} of {} at checkpoint",
                        col.get(d.row),
                        entry.name
                    ),
                ));
            }
            i += n;
        }
        let (idx, replaced) = idx.finish(pool)?;
        for p in replaced {
            pager.free(p, 1);
        }
        let mut e = Encoder::new();
        idx.encode(&mut e);
        out.pk_index = e.buf;
    }
    Ok(out)
}

#[cfg(test)]
mod page_accounting {
    use crate::transaction::CommitOptions;
    use crate::types::Value;

    /// A checkpoint that merges row versions rewrites the groups they touch: the pages of
    /// the groups it replaces are freed, so every page stays accounted for.
    #[test]
    fn merging_checkpoints_free_the_groups_they_replace() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("db.ruzu");
        let db = crate::Database::open(&p).unwrap();
        let c = db.connect();
        let n = dir.path().join("n.csv");
        std::fs::write(
            &n,
            (0..300).map(|i| format!("{i},n{i}\n")).collect::<String>(),
        )
        .unwrap();
        let e = dir.path().join("e.csv");
        std::fs::write(
            &e,
            (0..200)
                .map(|i| format!("{i},{}\n", (i * 7) % 300))
                .collect::<String>(),
        )
        .unwrap();
        for q in [
            "CREATE NODE TABLE N(id INT64 PRIMARY KEY, s STRING)".to_string(),
            "CREATE REL TABLE E(FROM N TO N)".to_string(),
            format!("COPY N FROM '{}'", n.display()),
            format!("COPY E FROM '{}'", e.display()),
        ] {
            c.query(&q).unwrap();
        }
        let store = db.store().clone();
        let snap = db.store().snapshot();
        let (nid, eid) = (
            snap.catalog.table("N").unwrap().id,
            snap.catalog.table("E").unwrap().id,
        );
        drop(snap);
        for round in 0..3i64 {
            let mut t = store.begin_write(false, None).unwrap();
            let off = t
                .insert_node(
                    nid,
                    vec![Value::Int64(1000 + round), Value::String("x".into())],
                )
                .unwrap();
            t.update_node(nid, 5, 1, Value::String(format!("u{round}")))
                .unwrap();
            t.delete_node(nid, 10 + round as u64, true).unwrap();
            t.insert_rel(eid, 0, 1, off, vec![]).unwrap();
            t.commit(CommitOptions::default()).unwrap();
            store.checkpoint(None).unwrap();
        }
        drop((c, store));
        drop(db);
        let r = crate::inspect::check(&p).unwrap();
        assert_eq!(r.pages, 1 + r.referenced + r.free, "{r:?}");
    }
}

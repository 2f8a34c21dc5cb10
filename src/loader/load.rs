//! `ruzu-load`'s driver: a schema and CSV files in, one complete database file out.
//!
//! Owns: `LoadRequest`/`LoadReport` and `run_load`: builds the database in `OUT.tmp`, syncs
//! it and renames it into place, so a failed load never leaves a file under the output name.

use super::csv::CsvOptions;
use super::pipeline::{copy_nodes, copy_rels, index_of, CopySettings, CopySource, IndexWrite};
use crate::catalog::{Catalog, TableKind};
use crate::error::{Error, Result};
use crate::storage::buffer::MemoryManager;
use crate::storage::file::{OsBackend, StorageBackend};
use crate::storage::index::HashIndex;
use crate::storage::pager::{CheckpointData, Pager};
use crate::storage::table::{NodeTableData, RelTableData, TableData};
use crate::transaction::State;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The files of one table.
#[derive(Debug, Clone)]
pub struct TableFiles {
    pub table: String,
    pub files: Vec<CopySource>,
}

#[derive(Debug, Clone)]
pub struct LoadRequest {
    pub catalog: Catalog,
    pub nodes: Vec<TableFiles>,
    pub rels: Vec<TableFiles>,
    pub output: PathBuf,
    pub force: bool,
    pub threads: usize,
    /// Budget of the loader's buffer pool (index pages, reads of reopened groups).
    pub memory_limit: u64,
    /// Fixes the database id (reproducible builds); random otherwise.
    pub db_id: Option<[u8; 16]>,
    pub csv: CsvOptions,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableReport {
    pub name: String,
    pub is_node: bool,
    pub rows: u64,
    pub bytes_read: u64,
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoadReport {
    pub output: PathBuf,
    pub tables: Vec<TableReport>,
    pub file_size: u64,
    pub seconds: f64,
}

impl LoadReport {
    /// One JSON object (the machine-readable summary).
    pub fn to_json(&self) -> String {
        let tables: Vec<serde_json::Value> = self
            .tables
            .iter()
            .map(|t| {
                serde_json::json!({
                    "table": t.name,
                    "kind": if t.is_node { "node" } else { "rel" },
                    "rows": t.rows,
                    "bytes_read": t.bytes_read,
                    "seconds": t.seconds,
                })
            })
            .collect();
        serde_json::json!({
            "output": self.output.display().to_string(),
            "file_size": self.file_size,
            "seconds": self.seconds,
            "tables": tables,
        })
        .to_string()
    }
}

fn tmp_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(".tmp");
    PathBuf::from(s)
}

/// Checks table names and kinds before any work is done.
fn check_tables(req: &LoadRequest) -> Result<()> {
    let known = || {
        req.catalog
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (list, want_node) in [(&req.nodes, true), (&req.rels, false)] {
        for tf in list {
            match req.catalog.table(&tf.table) {
                None => {
                    return Err(Error::Usage(format!(
                        "unknown table '{}' (the schema defines: {})",
                        tf.table,
                        known()
                    )))
                }
                Some(t) if t.is_node() != want_node => {
                    return Err(Error::Usage(format!(
                        "table '{}' is a {} table; pass it with {}",
                        t.name,
                        if t.is_node() { "node" } else { "rel" },
                        if t.is_node() { "--nodes" } else { "--rels" }
                    )))
                }
                Some(t) => {
                    if let TableKind::Rel { pairs, .. } = &t.kind {
                        if pairs.len() != 1 {
                            return Err(Error::Usage(format!(
                                "rel table '{}' has {} FROM/TO pairs; ruzu-load loads rel tables with one pair",
                                t.name,
                                pairs.len()
                            )));
                        }
                    }
                }
            }
            for f in &tf.files {
                if !f.path.is_file() {
                    return Err(Error::io(
                        format!("cannot read {}", f.display),
                        std::io::Error::from(std::io::ErrorKind::NotFound),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Builds the database. On failure the temporary file is removed and nothing appears under
/// the output name.
pub fn run_load(req: &LoadRequest) -> Result<LoadReport> {
    check_tables(req)?;
    if req.output.exists() && !req.force {
        return Err(Error::Usage(format!(
            "{} already exists (use --force to replace it)",
            req.output.display()
        )));
    }
    let tmp = tmp_path(&req.output);
    if tmp.exists() {
        std::fs::remove_file(&tmp)
            .map_err(|e| Error::io(format!("cannot remove stale {}", tmp.display()), e))?;
    }
    let result = build(req, &tmp);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn build(req: &LoadRequest, tmp: &Path) -> Result<LoadReport> {
    let start = Instant::now();
    let backend: Arc<dyn StorageBackend> = Arc::new(OsBackend::create_new(tmp)?);
    let db_id = match req.db_id {
        Some(id) => id,
        None => crate::transaction::new_db_id()?,
    };
    let mut snap = State {
        catalog: req.catalog.clone(),
        meta: Default::default(),
    };
    for t in &snap.catalog.tables {
        let data = if t.is_node() {
            TableData::Node(NodeTableData::default())
        } else {
            TableData::Rel(RelTableData::default())
        };
        snap.meta.tables.insert(t.id, data);
    }
    let pager = Pager::create(
        backend.clone(),
        MemoryManager::new(req.memory_limit),
        tmp,
        db_id,
        &snap.catalog.encode(),
        &snap.meta.encode(),
    )?;
    let settings = CopySettings {
        threads: req.threads,
        csv: req.csv.clone(),
    };
    // One write session per node table, over all its files.
    let mut sessions: BTreeMap<u64, IndexWrite> = BTreeMap::new();
    let mut reports = Vec::new();
    for tf in &req.nodes {
        let t0 = Instant::now();
        let entry = snap
            .catalog
            .table(&tf.table)
            .ok_or_else(|| Error::Usage(format!("unknown table '{}'", tf.table)))?
            .clone();
        let data = snap.meta.node(entry.id).cloned().unwrap_or_default();
        let index = match sessions.entry(entry.id) {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(IndexWrite::begin(&pager, index_of(&entry, &data)?))
            }
        };
        let (new, stats) = copy_nodes(&pager, &entry, &data, index, &tf.files, &settings)?;
        snap.meta.tables.insert(entry.id, TableData::Node(new));
        reports.push(TableReport {
            name: entry.name.clone(),
            is_node: true,
            rows: stats.rows,
            bytes_read: stats.bytes,
            seconds: t0.elapsed().as_secs_f64(),
        });
    }
    // The node tables' finished indexes, stored with the tables and resolving rel endpoints.
    let mut keys: BTreeMap<u64, HashIndex> = BTreeMap::new();
    for (id, session) in sessions {
        let Some(TableData::Node(data)) = snap.meta.tables.get_mut(&id) else {
            return Err(Error::Runtime("node table data missing".into()));
        };
        keys.insert(id, session.commit(data)?);
    }
    // Node tables without files still resolve (to nothing).
    for t in snap.catalog.node_tables() {
        if let std::collections::btree_map::Entry::Vacant(v) = keys.entry(t.id) {
            let data = snap.meta.node(t.id).cloned().unwrap_or_default();
            v.insert(index_of(t, &data)?);
        }
    }
    for tf in &req.rels {
        let t0 = Instant::now();
        let entry = snap
            .catalog
            .table(&tf.table)
            .ok_or_else(|| Error::Usage(format!("unknown table '{}'", tf.table)))?
            .clone();
        let TableKind::Rel { pairs, .. } = &entry.kind else {
            return Err(Error::Usage(format!("{} is not a rel table", entry.name)));
        };
        let (from, to) = pairs[0];
        let rows = |id: u64| snap.meta.node(id).map(|n| n.num_rows).unwrap_or(0);
        let data = snap.meta.rel(entry.id).cloned().unwrap_or_default();
        let (new, stats) = copy_rels(
            &pager,
            &snap.catalog,
            &entry,
            &data,
            0,
            (rows(from), rows(to)),
            (
                keys.get(&from)
                    .ok_or_else(|| Error::Runtime("FROM index missing".into()))?,
                keys.get(&to)
                    .ok_or_else(|| Error::Runtime("TO index missing".into()))?,
            ),
            &tf.files,
            &settings,
        )?;
        snap.meta.tables.insert(entry.id, TableData::Rel(new));
        reports.push(TableReport {
            name: entry.name.clone(),
            is_node: false,
            rows: stats.rows,
            bytes_read: stats.bytes,
            seconds: t0.elapsed().as_secs_f64(),
        });
    }
    pager.checkpoint(CheckpointData {
        catalog: &snap.catalog.encode(),
        metadata: &snap.meta.encode(),
    })?;
    let file_size = backend.len()?;
    drop(pager);
    drop(backend);
    std::fs::rename(tmp, &req.output).map_err(|e| {
        Error::io(
            format!(
                "cannot rename {} to {}",
                tmp.display(),
                req.output.display()
            ),
            e,
        )
    })?;
    // The rename is durable only once the directory is synced; until then a crash may
    // bring back the old name. A failure here fails the load (the file under the output
    // name is complete, but it may not survive a crash).
    crate::storage::file::sync_parent_dir(&req.output)?;
    Ok(LoadReport {
        output: req.output.clone(),
        tables: reports,
        file_size,
        seconds: start.elapsed().as_secs_f64(),
    })
}

//! `ruzu-load`'s driver: a schema and CSV files in, one complete database file out.
//!
//! Owns: `LoadRequest`/`LoadReport` and `run_load` in its three modes:
//! - `Create` builds the database in a temporary file of the load's own
//!   (`OUT.tmp.<pid>.<random>`), syncs it and renames it into place, so a failed load never
//!   leaves a file under the output name. With `force`, an existing output is replaced only
//!   while the load holds the lock a `Database` takes on it (an exclusive OS lock on the file),
//!   and only if no read-only process reads it.
//! - `Check` does the same work into an unlinked temporary file: everything is validated,
//!   nothing is written.
//! - `Append` holds the existing database's lock, copies it to a temporary file, adds the
//!   schema's new tables and appends the rows there in one write transaction through the COPY
//!   pipeline, then renames the copy over the original. A failed append leaves the original's
//!   bytes as they were.
//!
//! Bad rows: by default the first one stops the load. With `max_errors`, up to that many are
//! skipped (the pipeline's IGNORE_ERRORS path) and reported with file, line, column, reason
//! and record; one more fails the load.

use super::csv::{open_input, CsvOptions};
use super::pipeline::{copy_nodes, copy_rels, index_of, CopySettings, CopySource, IndexWrite};
use crate::catalog::{Catalog, TableKind};
use crate::error::{Error, InputError, Result};
use crate::storage::buffer::MemoryManager;
use crate::storage::file::{OsBackend, StorageBackend};
use crate::storage::index::HashIndex;
use crate::storage::pager::{CheckpointData, Pager};
use crate::storage::table::{NodeTableData, RelTableData, TableData};
use crate::transaction::State;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The files of one table.
#[derive(Debug, Clone)]
pub struct TableFiles {
    pub table: String,
    pub files: Vec<CopySource>,
}

/// What a load does with its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadMode {
    /// A new database file (replacing an unopened one with `force`).
    #[default]
    Create,
    /// Validate everything, write nothing.
    Check,
    /// Add tables and rows to an existing database, all or nothing.
    Append,
}

#[derive(Debug, Clone, Default)]
pub struct LoadRequest {
    pub catalog: Catalog,
    /// The schema file's text and name (`Append` applies its statements to the existing
    /// catalog).
    pub schema_text: String,
    pub schema_display: String,
    pub nodes: Vec<TableFiles>,
    pub rels: Vec<TableFiles>,
    pub output: PathBuf,
    pub force: bool,
    pub mode: LoadMode,
    pub threads: usize,
    /// Budget of the loader's buffer pool (index pages, reads of reopened groups).
    pub memory_limit: u64,
    /// Fixes the database id (reproducible builds); random otherwise.
    pub db_id: Option<[u8; 16]>,
    pub csv: CsvOptions,
    /// `None`: the first bad row fails the load. `Some(n)`: up to `n` bad rows are skipped.
    pub max_errors: Option<u64>,
    /// Where to write the skipped rows as CSV (also when the load fails).
    pub bad_rows: Option<PathBuf>,
    /// Told what the load is doing (progress bars).
    pub progress: Option<LoadProgress>,
}

/// What a load is doing, for progress displays.
#[derive(Debug, Clone, PartialEq)]
pub enum ProgressEvent {
    /// A table's files are about to be read; `bytes` is their size (`None` when some are
    /// compressed: the bytes read then exceed the files' size).
    TableStart {
        name: String,
        is_node: bool,
        bytes: Option<u64>,
    },
    /// Bytes read and rows delivered since the last event.
    Read { bytes: u64, rows: u64 },
    /// The table is loaded (`rows` new rows).
    TableDone {
        name: String,
        rows: u64,
        seconds: f64,
    },
    /// All tables are loaded; the file is being finished (checkpoint, sync, rename).
    Finishing,
}

/// A callback for `ProgressEvent`s, called on the loading thread.
#[derive(Clone)]
pub struct LoadProgress(pub Arc<dyn Fn(ProgressEvent) + Send + Sync>);

impl std::fmt::Debug for LoadProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoadProgress")
    }
}

impl LoadProgress {
    fn tell(p: &Option<LoadProgress>, e: ProgressEvent) {
        if let Some(p) = p {
            (p.0)(e);
        }
    }
}

/// Announces a table to the progress display and routes the reader's progress to it.
fn start_table(
    req: &LoadRequest,
    name: &str,
    is_node: bool,
    files: &[CopySource],
    csv: &mut CsvOptions,
) {
    let Some(p) = &req.progress else {
        return;
    };
    let bytes = if files.iter().any(|f| super::csv::is_gzip(&f.path)) {
        None
    } else {
        Some(
            files
                .iter()
                .map(|f| std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0))
                .sum(),
        )
    };
    (p.0)(ProgressEvent::TableStart {
        name: name.to_string(),
        is_node,
        bytes,
    });
    let p = p.clone();
    csv.progress = Some(super::csv::ReadProgress(Arc::new(move |bytes, rows| {
        (p.0)(ProgressEvent::Read { bytes, rows })
    })));
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableReport {
    pub name: String,
    pub is_node: bool,
    pub rows: u64,
    pub bytes_read: u64,
    /// Bad rows of this table's files that were skipped.
    pub skipped: u64,
    pub seconds: f64,
    /// Seconds per pipeline phase: parse, convert, index, sort, write.
    pub phases: [f64; 5],
    /// Bytes of rels spilled to the temporary file.
    pub spilled_bytes: u64,
}

/// The phase seconds of a copy, in `TableReport::phases` order.
fn phase_seconds(p: &super::pipeline::PhaseTimes) -> [f64; 5] {
    [p.parse, p.convert, p.index, p.sort, p.write].map(|d| d.as_secs_f64())
}

#[derive(Debug, Clone, PartialEq)]
pub struct LoadReport {
    pub output: PathBuf,
    pub mode: LoadMode,
    pub tables: Vec<TableReport>,
    /// The skipped rows, in the order they were found (all of them: at most `max_errors`).
    pub bad_rows: Vec<InputError>,
    /// 0 for `Check`.
    pub file_size: u64,
    pub seconds: f64,
    /// The process's peak resident memory (VmHWM), when the OS tells it.
    pub peak_memory: Option<u64>,
}

impl LoadReport {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    pub fn skipped(&self) -> u64 {
        self.bad_rows.len() as u64
    }

    pub fn bytes_read(&self) -> u64 {
        self.tables.iter().map(|t| t.bytes_read).sum()
    }

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
                    "skipped_rows": t.skipped,
                    "seconds": t.seconds,
                    "phases": phases_json(&t.phases),
                    "spilled_bytes": t.spilled_bytes,
                })
            })
            .collect();
        serde_json::json!({
            "output": self.output.display().to_string(),
            "mode": match self.mode {
                LoadMode::Create => "create",
                LoadMode::Check => "check",
                LoadMode::Append => "append",
            },
            "rows": self.rows(),
            "skipped_rows": self.skipped(),
            "bytes_read": self.bytes_read(),
            "file_size": self.file_size,
            "peak_memory": self.peak_memory,
            "seconds": self.seconds,
            // Per-phase seconds summed over the tables.
            "phases": phases_json(&self.tables.iter().fold([0.0; 5], |mut acc, t| {
                acc.iter_mut().zip(t.phases).for_each(|(a, x)| *a += x);
                acc
            })),
            "spilled_bytes": self.tables.iter().map(|t| t.spilled_bytes).sum::<u64>(),
            "tables": tables,
        })
        .to_string()
    }
}

fn phases_json(p: &[f64; 5]) -> serde_json::Value {
    serde_json::json!({
        "parse": p[0],
        "convert": p[1],
        "index": p[2],
        "sort": p[3],
        "write": p[4],
    })
}

/// The process's peak resident set size (`VmHWM` of `/proc/self/status`), in bytes.
pub fn peak_memory() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A temporary name of this load's own beside `out`: two loads to one output never share it.
fn tmp_path(out: &Path) -> Result<PathBuf> {
    let mut r = [0u8; 8];
    getrandom::getrandom(&mut r).map_err(|e| {
        Error::io(
            "cannot get random bytes",
            std::io::Error::other(e.to_string()),
        )
    })?;
    let mut s = out.as_os_str().to_owned();
    s.push(format!(
        ".tmp.{}.{:016x}",
        std::process::id(),
        u64::from_le_bytes(r)
    ));
    Ok(PathBuf::from(s))
}

/// Removes a temporary database (and the WAL and reader table a `Store` made beside it) when
/// dropped, unless `keep` was called.
struct TmpFile {
    path: PathBuf,
    armed: bool,
}

impl TmpFile {
    fn new(path: PathBuf) -> Self {
        TmpFile { path, armed: true }
    }

    fn keep(mut self) {
        self.armed = false;
    }
}

/// Removes what loads of `out` killed before they could clean up left beside it: temporary
/// databases `OUT.tmp.<pid>.<hex>` (with their WAL and reader table) and spill files
/// `.OUT.spill-<pid>-<n>` whose process no longer runs. A live load's files are kept: on
/// Linux its pid is in /proc; elsewhere nothing is removed. Returns what was removed.
pub fn remove_stale_temps(out: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let proc_fs = Path::new("/proc/self");
    let (Some(name), true) = (out.file_name(), proc_fs.exists()) else {
        return removed;
    };
    let name = name.to_string_lossy();
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return removed;
    };
    let tmp_prefix = format!("{name}.tmp.");
    let spill_prefix = format!(".{name}.spill-");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let pid = if let Some(rest) = file.strip_prefix(&tmp_prefix) {
            match rest.split_once('.') {
                Some((pid, hex))
                    if hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()) =>
                {
                    pid.parse::<u32>().ok()
                }
                _ => None,
            }
        } else if let Some(rest) = file.strip_prefix(&spill_prefix) {
            match rest.split_once('-') {
                Some((pid, n)) if n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() => {
                    pid.parse::<u32>().ok()
                }
                _ => None,
            }
        } else {
            None
        };
        let Some(pid) = pid else { continue };
        if pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists() {
            continue;
        }
        let path = dir.join(&file);
        if std::fs::remove_file(&path).is_ok() {
            remove_beside(&path);
            removed.push(path);
        }
    }
    removed
}

fn remove_beside(path: &Path) {
    let _ = std::fs::remove_file(crate::transaction::wal_path(path));
    let _ = std::fs::remove_dir_all(crate::transaction::readers::readers_dir(path));
}

impl Drop for TmpFile {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
            remove_beside(&self.path);
        }
    }
}

/// The lock a `Database` takes on its file, held by the load while it replaces or appends
/// to the file, so that no process has it open for writing meanwhile.
struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    fn take(path: &Path) -> Result<OutputLock> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
        // The same lock `Store::open` takes, with the same refusal.
        crate::transaction::take_lock(&file, path, false).map_err(|e| match e {
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::WouldBlock => {
                Error::io(
                    format!(
                        "{} is open in another process (it holds the database's lock); close it first",
                        path.display()
                    ),
                    source,
                )
            }
            e => e,
        })?;
        // Read-only processes take no lock on the file; they register as readers.
        if crate::transaction::readers::oldest_generation(path)? != u64::MAX {
            return Err(Error::io(
                format!(
                    "{} is open read-only in another process; close it first",
                    path.display()
                ),
                std::io::Error::from(std::io::ErrorKind::WouldBlock),
            ));
        }
        Ok(OutputLock { _file: file })
    }
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

/// Runs the load. On failure nothing appears under the output name (`Create`), or the
/// output is left as it was (`Append`); temporary files are removed.
pub fn run_load(req: &LoadRequest) -> Result<LoadReport> {
    check_tables(req)?;
    let start = Instant::now();
    let mut bad = BadRows::new(req);
    let result = match req.mode {
        LoadMode::Check => check(req, &mut bad),
        LoadMode::Create => create(req, &mut bad),
        LoadMode::Append => append(req, &mut bad),
    };
    if let Some(path) = &req.bad_rows {
        // Written also when the load failed (past --max-errors, the rows skipped before);
        // then the load's error is the one to report.
        let written = write_bad_rows(&bad.rows, path);
        if result.is_ok() {
            written?;
        }
    }
    let (tables, file_size) = result?;
    Ok(LoadReport {
        output: req.output.clone(),
        mode: req.mode,
        tables,
        bad_rows: bad.rows,
        file_size,
        seconds: start.elapsed().as_secs_f64(),
        peak_memory: peak_memory(),
    })
}

fn create(req: &LoadRequest, bad: &mut BadRows) -> Result<(Vec<TableReport>, u64)> {
    let lock = if req.output.exists() {
        if !req.force {
            return Err(Error::Usage(format!(
                "{} already exists (use --force to replace it)",
                req.output.display()
            )));
        }
        Some(OutputLock::take(&req.output)?)
    } else {
        None
    };
    remove_stale_temps(&req.output);
    let tmp = TmpFile::new(tmp_path(&req.output)?);
    let backend: Arc<dyn StorageBackend> = Arc::new(OsBackend::create_new(&tmp.path)?);
    let (tables, file_size) = build(req, &tmp.path, backend, bad)?;
    if lock.is_some() {
        // The old file's WAL and reader table belong to the file being replaced.
        remove_beside(&req.output);
        rename(&tmp.path, &req.output)?;
    } else {
        // No replacing what another load put there meanwhile: a link fails if the name
        // exists. (A file system without links gets a rename after a last look.)
        match std::fs::hard_link(&tmp.path, &req.output) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::Usage(format!(
                    "{} appeared while loading (another load?); use --force to replace it",
                    req.output.display()
                )))
            }
            Err(_) if !req.output.exists() => rename(&tmp.path, &req.output)?,
            Err(e) => {
                return Err(Error::io(
                    format!(
                        "cannot link {} to {}",
                        tmp.path.display(),
                        req.output.display()
                    ),
                    e,
                ))
            }
        }
    }
    // The rename is durable only once the directory is synced; until then a crash may
    // bring back the old name. A failure here fails the load (the file under the output
    // name is complete, but it may not survive a crash).
    crate::storage::file::sync_parent_dir(&req.output)?;
    drop(lock);
    Ok((tables, file_size))
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| {
        Error::io(
            format!("cannot rename {} to {}", from.display(), to.display()),
            e,
        )
    })
}

fn check(req: &LoadRequest, bad: &mut BadRows) -> Result<(Vec<TableReport>, u64)> {
    // An unlinked file: pages go somewhere, nothing stays behind, whatever happens.
    let dir = match req.output.parent() {
        Some(d) if !d.as_os_str().is_empty() && d.is_dir() => d.to_path_buf(),
        Some(d) if d.as_os_str().is_empty() => PathBuf::from("."),
        _ => std::env::temp_dir(),
    };
    let name = req
        .output
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "check.ruzu".into());
    let tmp = TmpFile::new(tmp_path(&dir.join(name))?);
    let backend: Arc<dyn StorageBackend> = Arc::new(OsBackend::create_new(&tmp.path)?);
    drop(tmp);
    let (tables, _) = build(req, Path::new("(check)"), backend, bad)?;
    Ok((tables, 0))
}

fn build(
    req: &LoadRequest,
    path: &Path,
    backend: Arc<dyn StorageBackend>,
    bad: &mut BadRows,
) -> Result<(Vec<TableReport>, u64)> {
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
        path,
        db_id,
        &snap.catalog.encode(),
        &snap.meta.encode(),
    )?;
    let reports = load_tables(&pager, &mut snap, req, bad)?;
    pager.checkpoint(CheckpointData {
        catalog: &snap.catalog.encode(),
        metadata: &snap.meta.encode(),
    })?;
    let file_size = backend.len()?;
    Ok((reports, file_size))
}

fn append(req: &LoadRequest, bad: &mut BadRows) -> Result<(Vec<TableReport>, u64)> {
    if !req.output.is_file() {
        return Err(Error::io(
            format!("cannot append to {}", req.output.display()),
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    let lock = OutputLock::take(&req.output)?;
    remove_stale_temps(&req.output);
    let tmp = TmpFile::new(tmp_path(&req.output)?);
    std::fs::copy(&req.output, &tmp.path).map_err(|e| {
        Error::io(
            format!(
                "cannot copy {} to {}",
                req.output.display(),
                tmp.path.display()
            ),
            e,
        )
    })?;
    // Committed transactions not yet checkpointed into the file are replayed in the copy.
    let wal = crate::transaction::wal_path(&req.output);
    if wal.is_file() {
        let to = crate::transaction::wal_path(&tmp.path);
        std::fs::copy(&wal, &to).map_err(|e| {
            Error::io(
                format!("cannot copy {} to {}", wal.display(), to.display()),
                e,
            )
        })?;
    }
    let store = Arc::new(crate::transaction::Store::open(
        &tmp.path,
        MemoryManager::new(req.memory_limit),
        false,
    )?);
    let reports = store.write(|st| {
        add_schema_tables(st, req)?;
        load_tables(store.pager(), st, req, bad)
    })?;
    store.close()?;
    drop(store);
    let file_size = std::fs::metadata(&tmp.path)
        .map_err(|e| Error::io(format!("cannot read {}", tmp.path.display()), e))?
        .len();
    remove_beside(&tmp.path);
    // The copy's checkpoint is of a later generation than the old WAL, which is therefore
    // ignored if a crash leaves it beside the new file; remove it anyway.
    rename(&tmp.path, &req.output)?;
    tmp.keep();
    let _ = std::fs::remove_file(&wal);
    crate::storage::file::sync_parent_dir(&req.output)?;
    drop(lock);
    Ok((reports, file_size))
}

/// `Append`: the schema's tables that the database lacks are created; those it has must
/// match the schema (same properties, types and key, same FROM/TO tables).
fn add_schema_tables(st: &mut State, req: &LoadRequest) -> Result<()> {
    let mut cat = st.catalog.clone();
    let missing: BTreeSet<String> = req
        .catalog
        .tables
        .iter()
        .filter(|t| st.catalog.table(&t.name).is_none())
        .map(|t| t.name.to_lowercase())
        .collect();
    super::schema::apply_schema(&mut cat, &req.schema_text, &req.schema_display, &missing)?;
    for want in &req.catalog.tables {
        let have = cat.table(&want.name).ok_or_else(|| {
            Error::Runtime(format!("table {} missing after the schema", want.name))
        })?;
        let describe = |c: &Catalog, t: &crate::catalog::TableEntry| -> String {
            let props: Vec<String> = t
                .properties
                .iter()
                .map(|p| format!("{} {}", p.name, p.ty))
                .collect();
            let kind = match &t.kind {
                TableKind::Node { primary_key } => {
                    format!("NODE, PRIMARY KEY {}", t.properties[*primary_key].name)
                }
                TableKind::Rel { pairs, .. } => {
                    let name = |id: u64| {
                        c.table_by_id(id)
                            .map(|t| t.name.clone())
                            .unwrap_or_default()
                    };
                    let pairs: Vec<String> = pairs
                        .iter()
                        .map(|&(f, t)| format!("FROM {} TO {}", name(f), name(t)))
                        .collect();
                    format!("REL {}", pairs.join(", "))
                }
            };
            format!("{kind}: {}", props.join(", "))
        };
        let (a, b) = (describe(&cat, have), describe(&req.catalog, want));
        if a != b {
            return Err(Error::Usage(format!(
                "table {} differs between {} and the schema: the database has ({a}), the schema says ({b})",
                want.name,
                req.output.display()
            )));
        }
    }
    for t in &cat.tables {
        if let std::collections::btree_map::Entry::Vacant(v) = st.meta.tables.entry(t.id) {
            v.insert(if t.is_node() {
                TableData::Node(NodeTableData::default())
            } else {
                TableData::Rel(RelTableData::default())
            });
        }
    }
    st.catalog = cat;
    Ok(())
}

/// Loads the request's files into the tables of `snap` (its catalog names them), through
/// the COPY pipeline: node tables first, then rel tables against the node tables' keys.
fn load_tables(
    pager: &Pager,
    snap: &mut State,
    req: &LoadRequest,
    bad: &mut BadRows,
) -> Result<Vec<TableReport>> {
    let mut csv = req.csv.clone();
    if let Some(n) = req.max_errors {
        csv.ignore_errors = true;
        // Every skipped row is reported; one past the limit fails the load.
        csv.warning_limit = usize::try_from(n.saturating_add(1)).unwrap_or(usize::MAX);
    }
    let settings = CopySettings {
        threads: req.threads,
        csv,
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
                v.insert(IndexWrite::begin(pager, index_of(&entry, &data)?))
            }
        };
        // Header fields named for the key (`:ID`) fill it; every file must.
        let mut settings = settings.clone();
        if let TableKind::Node { primary_key } = entry.kind {
            let key = entry.properties[primary_key].name.clone();
            settings.csv.key_column = Some(key.clone());
            settings.csv.required_columns = vec![key];
        }
        start_table(req, &entry.name, true, &tf.files, &mut settings.csv);
        let r = copy_nodes(pager, &entry, &data, index, &tf.files, &settings);
        let (new, stats) = bad.fail(r, &tf.files)?;
        snap.meta.tables.insert(entry.id, TableData::Node(new));
        bad.absorb(stats.skipped, stats.warnings, &tf.files, req)?;
        LoadProgress::tell(
            &req.progress,
            ProgressEvent::TableDone {
                name: entry.name.clone(),
                rows: stats.rows,
                seconds: t0.elapsed().as_secs_f64(),
            },
        );
        reports.push(TableReport {
            name: entry.name.clone(),
            is_node: true,
            rows: stats.rows,
            bytes_read: stats.bytes,
            skipped: stats.skipped,
            seconds: t0.elapsed().as_secs_f64(),
            phases: phase_seconds(&stats.phases),
            spilled_bytes: stats.spilled_bytes,
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
    // Node tables without files resolve with their stored keys (none in a new database).
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
        let mut settings = settings.clone();
        settings.csv.key_column = None;
        settings.csv.required_columns = vec!["from".into(), "to".into()];
        start_table(req, &entry.name, false, &tf.files, &mut settings.csv);
        let r = copy_rels(
            pager,
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
        );
        let (new, stats) = bad.fail(r, &tf.files)?;
        snap.meta.tables.insert(entry.id, TableData::Rel(new));
        bad.absorb(stats.skipped, stats.warnings, &tf.files, req)?;
        LoadProgress::tell(
            &req.progress,
            ProgressEvent::TableDone {
                name: entry.name.clone(),
                rows: stats.rows,
                seconds: t0.elapsed().as_secs_f64(),
            },
        );
        reports.push(TableReport {
            name: entry.name.clone(),
            is_node: false,
            rows: stats.rows,
            bytes_read: stats.bytes,
            skipped: stats.skipped,
            seconds: t0.elapsed().as_secs_f64(),
            phases: phase_seconds(&stats.phases),
            spilled_bytes: stats.spilled_bytes,
        });
    }
    LoadProgress::tell(&req.progress, ProgressEvent::Finishing);
    Ok(reports)
}

/// The bad rows skipped so far.
struct BadRows {
    rows: Vec<InputError>,
    quote: u8,
}

impl BadRows {
    fn new(req: &LoadRequest) -> Self {
        BadRows {
            rows: Vec::new(),
            quote: req.csv.quote.unwrap_or(b'"'),
        }
    }

    /// A failed copy's input error gets its record (read back from the file if the pipeline
    /// did not quote it).
    fn fail<T>(&self, r: Result<T>, files: &[CopySource]) -> Result<T> {
        match r {
            Err(Error::Input(mut e)) => {
                fill_records(std::slice::from_mut(&mut *e), files, self.quote);
                Err(Error::Input(e))
            }
            r => r,
        }
    }

    /// Takes a table's skipped rows; more than `max_errors` in all fails the load with the
    /// first row past the limit.
    fn absorb(
        &mut self,
        skipped: u64,
        mut warnings: Vec<InputError>,
        files: &[CopySource],
        req: &LoadRequest,
    ) -> Result<()> {
        if skipped == 0 {
            return Ok(());
        }
        let limit = req.max_errors.unwrap_or(0);
        // In file order (the pipeline reports rows skipped for their keys after the others).
        let file_no = |name: &str| files.iter().position(|f| f.display == name);
        warnings.sort_by_key(|w| (file_no(&w.file), w.line));
        fill_records(&mut warnings, files, self.quote);
        if self.rows.len() as u64 + skipped > limit {
            let room = (limit as usize)
                .saturating_sub(self.rows.len())
                .min(warnings.len());
            let first = warnings.drain(room..).next();
            self.rows.extend(warnings);
            let mut e = first.unwrap_or_else(|| {
                InputError::new(
                    files.first().map(|f| f.display.as_str()).unwrap_or(""),
                    0,
                    "bad row",
                )
            });
            e.reason = format!(
                "{} [bad row {}: more than --max-errors {limit}]",
                e.reason,
                limit + 1
            );
            return Err(Error::Input(Box::new(e)));
        }
        self.rows.extend(warnings);
        Ok(())
    }
}

/// Writes skipped rows as CSV with a header: `file,line,column,reason,record` (column: the
/// 1-based column number, empty when the row as a whole is bad).
pub fn write_bad_rows(rows: &[InputError], path: &Path) -> Result<()> {
    let err = |e: std::io::Error| Error::io(format!("cannot write {}", path.display()), e);
    let file = std::fs::File::create(path).map_err(err)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    let csv_err = |e: csv::Error| err(std::io::Error::other(e.to_string()));
    w.write_record(["file", "line", "column", "reason", "record"])
        .map_err(csv_err)?;
    for r in rows {
        w.write_record([
            r.file.as_str(),
            &r.line.to_string(),
            &r.column.map(|c| c.to_string()).unwrap_or_default(),
            r.reason.as_str(),
            r.record.as_deref().unwrap_or(""),
        ])
        .map_err(csv_err)?;
    }
    let mut inner = w
        .into_inner()
        .map_err(|e| err(std::io::Error::other(e.to_string())))?;
    inner.flush().map_err(err)?;
    Ok(())
}

/// Reads back the records of errors that lack one (key errors are found after parsing), by
/// their physical line: the line, and the lines after it while a quote is open.
fn fill_records(errors: &mut [InputError], files: &[CopySource], quote: u8) {
    // A record cut short at the bad field (`...`) is read back whole.
    let cut = |e: &InputError| e.record.as_ref().is_none_or(|r| r.ends_with("..."));
    let mut wanted: HashMap<&str, BTreeSet<u64>> = HashMap::new();
    for e in errors.iter().filter(|e| cut(e)) {
        wanted.entry(e.file.as_str()).or_default().insert(e.line);
    }
    let mut found: HashMap<(String, u64), String> = HashMap::new();
    for (name, lines) in wanted {
        let Some(src) = files.iter().find(|f| f.display == name) else {
            continue;
        };
        if let Ok(texts) = read_lines(&src.path, &src.display, &lines, quote) {
            for (l, t) in texts {
                found.insert((name.to_string(), l), t);
            }
        }
    }
    for e in errors.iter_mut().filter(|e| cut(e)) {
        if let Some(t) = found.remove(&(e.file.clone(), e.line)) {
            let prefix = e.record.as_deref().map(|r| &r[..r.len() - 3]).unwrap_or("");
            if t.starts_with(prefix) {
                e.record = Some(t);
            }
        }
    }
}

/// Longest record text read back for a message.
const MAX_RECORD_TEXT: usize = 64 << 10;

fn read_lines(
    path: &Path,
    display: &str,
    lines: &BTreeSet<u64>,
    quote: u8,
) -> Result<Vec<(u64, String)>> {
    let mut r = std::io::BufReader::new(open_input(path, display)?);
    let mut out = Vec::new();
    let mut line = 0u64;
    let mut buf = Vec::new();
    let Some(&last) = lines.iter().next_back() else {
        return Ok(out);
    };
    while line < last {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io(format!("reading {display}"), e))?;
        if n == 0 {
            break;
        }
        line += 1;
        if !lines.contains(&line) {
            continue;
        }
        let start = line;
        let mut rec = std::mem::take(&mut buf);
        // A quoted field may hold line breaks: read on while the quotes are unbalanced.
        while rec.iter().filter(|&&b| b == quote).count() % 2 == 1 && rec.len() < MAX_RECORD_TEXT {
            let mut more = Vec::new();
            let n = r
                .read_until(b'\n', &mut more)
                .map_err(|e| Error::io(format!("reading {display}"), e))?;
            if n == 0 {
                break;
            }
            line += 1;
            rec.extend_from_slice(&more);
        }
        let text =
            super::csv::render_record(rec.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&rec), true);
        out.push((start, text));
    }
    Ok(out)
}

//! The embedded API: `Database`, `Connection`, `QueryResult`.
//!
//! Owns: opening and creating database files (with the process lock that keeps a second
//! writer out), the database's current catalog and table data, connections, and the entry
//! points that run statements. Everything a binary or an embedding program needs goes
//! through here.

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::settings::{self, SettingScope, SettingValues};
use crate::storage::buffer::MemoryManager;
use crate::storage::file::{OsBackend, StorageBackend};
use crate::storage::pager::{CheckpointData, NewFile, Pager};
use crate::storage::table::StorageMeta;
use crate::types::{LogicalType, Value};
use crate::warnings::{StoredWarning, Warning, WarningStore};
use parking_lot::{Mutex, RwLock};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Settings of an open database.
#[derive(Debug, Clone)]
pub struct Config {
    /// Byte budget of the memory manager (buffer pool frames and operator memory).
    pub buffer_pool_size: u64,
    /// Worker threads for query execution (and `COPY`).
    pub threads: usize,
    /// Open without the write lock; writes are refused.
    pub read_only: bool,
}

/// The default budget: 256 MiB, or a quarter of physical memory on small machines.
pub fn default_buffer_pool_size() -> u64 {
    let phys = physical_memory().unwrap_or(u64::MAX);
    (256u64 << 20).min(phys / 4).max(16 << 20)
}

fn physical_memory() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = s.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

impl Default for Config {
    fn default() -> Self {
        Config {
            buffer_pool_size: default_buffer_pool_size(),
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            read_only: false,
        }
    }
}

/// The committed state of a database: what statements read.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub catalog: Catalog,
    pub meta: StorageMeta,
}

/// A replaced snapshot and the page ranges it referenced that its successor does not.
pub(crate) type Retired = (std::sync::Weak<Snapshot>, Vec<(u64, u64)>);

pub(crate) struct DbInner {
    pub(crate) path: PathBuf,
    pub(crate) config: Config,
    pub(crate) pager: Pager,
    /// The current committed state; readers clone the `Arc`.
    pub(crate) current: RwLock<Arc<Snapshot>>,
    /// Serialises writers (COPY, DDL).
    pub(crate) write_lock: Mutex<()>,
    /// Page ranges each replaced snapshot referenced and its successor does not: reusable
    /// once no reader holds that snapshot (or an older one).
    pub(crate) retired: Mutex<Vec<Retired>>,
    /// Per-database statement counter (Kuzu's query ids).
    pub(crate) query_counter: AtomicU64,
    /// Options the database keeps (`CALL auto_checkpoint=false`, ...).
    pub(crate) settings: Mutex<SettingValues>,
    /// Keeps the OS lock on the file for as long as the database is open.
    _lock_file: std::fs::File,
}

/// An open database file.
#[derive(Clone)]
pub struct Database {
    pub(crate) inner: Arc<DbInner>,
}

impl Database {
    /// Opens (or creates) the database at `path` with default settings.
    pub fn open(path: impl AsRef<Path>) -> Result<Database> {
        Self::open_with(path, Config::default())
    }

    /// Opens the database at `path`, creating an empty one if there is no file (unless
    /// read-only). A second process that opens the same file for writing gets an error naming
    /// the lock.
    pub fn open_with(path: impl AsRef<Path>, config: Config) -> Result<Database> {
        let path = path.as_ref().to_path_buf();
        let mem = MemoryManager::new(config.buffer_pool_size);
        let exists = path.exists();
        if !exists && config.read_only {
            return Err(Error::io(
                format!("cannot open {} read-only", path.display()),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        let (pager, snapshot, lock_file) = if exists {
            let backend = OsBackend::open(&path, !config.read_only)?;
            let lock_file = backend
                .file()
                .try_clone()
                .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
            take_lock(&lock_file, &path, config.read_only)?;
            let backend: Arc<dyn StorageBackend> = Arc::new(backend);
            let (pager, cat, meta) = if config.read_only {
                Pager::open(backend, mem, &path)?
            } else {
                Pager::open_for_write(backend, mem, &path, || {
                    let empty = Snapshot::default();
                    Ok(NewFile {
                        db_id: new_db_id()?,
                        catalog: empty.catalog.encode(),
                        metadata: empty.meta.encode(),
                    })
                })?
            };
            let snapshot = Snapshot {
                catalog: Catalog::decode(&cat)?,
                meta: StorageMeta::decode(&meta, pager.page_count())?,
            };
            (pager, snapshot, lock_file)
        } else {
            let backend = OsBackend::create_new(&path)?;
            let lock_file = backend
                .file()
                .try_clone()
                .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
            take_lock(&lock_file, &path, false)?;
            let snapshot = Snapshot::default();
            let pager = Pager::create(
                Arc::new(backend),
                mem,
                &path,
                new_db_id()?,
                &snapshot.catalog.encode(),
                &snapshot.meta.encode(),
            )?;
            (pager, snapshot, lock_file)
        };
        pager.defer_frees();
        Ok(Database {
            inner: Arc::new(DbInner {
                path,
                config,
                pager,
                current: RwLock::new(Arc::new(snapshot)),
                write_lock: Mutex::new(()),
                retired: Mutex::new(Vec::new()),
                query_counter: AtomicU64::new(0),
                settings: Mutex::new(SettingValues::default()),
                _lock_file: lock_file,
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The committed state as of now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.current.read().clone()
    }

    pub fn pager(&self) -> &Pager {
        &self.inner.pager
    }

    /// Makes `next` the committed state: writes catalog and metadata and switches the header
    /// (copy-on-write checkpoint). The caller holds the write lock.
    pub(crate) fn commit(&self, next: Snapshot) -> Result<()> {
        if self.inner.config.read_only {
            return Err(Error::Runtime(
                "Cannot execute write operations in a read-only database!".into(),
            ));
        }
        // Pages retired by earlier commits can be reused once no reader holds the snapshot
        // that referenced them nor any older one (a page unchanged from an older snapshot is
        // referenced by it too): release the oldest entries up to the first live snapshot.
        {
            let mut retired = self.inner.retired.lock();
            let dead = retired
                .iter()
                .take_while(|(snap, _)| snap.strong_count() == 0)
                .count();
            for (_, ranges) in retired.drain(..dead) {
                self.inner.pager.release(&ranges);
            }
        }
        self.inner.pager.checkpoint(CheckpointData {
            catalog: &next.catalog.encode(),
            metadata: &next.meta.encode(),
        })?;
        let old = std::mem::replace(&mut *self.inner.current.write(), Arc::new(next));
        let ranges = self.inner.pager.take_retired();
        if !ranges.is_empty() {
            self.inner
                .retired
                .lock()
                .push((Arc::downgrade(&old), ranges));
        }
        Ok(())
    }

    /// A new connection. Connections are `Send`: each may run on its own thread.
    pub fn connect(&self) -> Connection {
        Connection {
            db: self.clone(),
            interrupted: Arc::new(AtomicBool::new(false)),
            timeout: Mutex::new(None),
            settings: Mutex::new(SettingValues::default()),
            warnings: Arc::new(Mutex::new(WarningStore::default())),
            query_id: AtomicU64::new(0),
        }
    }
}

fn take_lock(file: &std::fs::File, path: &Path, shared: bool) -> Result<()> {
    let r = if shared {
        file.try_lock_shared()
    } else {
        file.try_lock()
    };
    r.map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => Error::io(
            format!(
                "Could not set lock on file : {}: another process holds its {} lock",
                path.display(),
                if shared { "write" } else { "read or write" }
            ),
            std::io::Error::from(std::io::ErrorKind::WouldBlock),
        ),
        std::fs::TryLockError::Error(e) => Error::io(
            format!("Could not set lock on file : {}", path.display()),
            e,
        ),
    })
}

/// A random 128-bit database id from the OS.
pub fn new_db_id() -> Result<[u8; 16]> {
    let mut id = [0u8; 16];
    getrandom::getrandom(&mut id).map_err(|e| {
        Error::io(
            "cannot get random bytes",
            std::io::Error::other(e.to_string()),
        )
    })?;
    Ok(id)
}

/// A session on a database: runs statements.
pub struct Connection {
    pub(crate) db: Database,
    pub(crate) interrupted: Arc<AtomicBool>,
    pub(crate) timeout: Mutex<Option<Duration>>,
    /// Options this connection has set (`CALL threads=4`); the rest have their defaults.
    pub(crate) settings: Mutex<SettingValues>,
    /// Warnings of `IGNORE_ERRORS` statements, until `CALL clear_warnings()`.
    /// Shared with streaming results, which add their LOAD FROM warnings once drained.
    pub(crate) warnings: Arc<Mutex<WarningStore>>,
    /// Kuzu's query id of the statement running (or last run) on this connection.
    pub(crate) query_id: AtomicU64,
}

impl Connection {
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Runs one statement.
    pub fn query(&self, text: &str) -> Result<QueryResult> {
        let mut results = self.query_script(text);
        match results.len() {
            0 => Ok(QueryResult::empty()),
            1 => results.remove(0),
            _ => results.pop().unwrap_or_else(|| Ok(QueryResult::empty())),
        }
    }

    /// Runs every `;`-separated statement of `text` in order and returns one result per
    /// statement, stopping after the first failure (which is the last element).
    pub fn query_script(&self, text: &str) -> Vec<Result<QueryResult>> {
        self.query_script_with(text, &Params::new())
    }

    /// As `query_script`, binding `$name` parameters from `params`.
    pub fn query_script_with(&self, text: &str, params: &Params) -> Vec<Result<QueryResult>> {
        self.interrupted.store(false, Ordering::SeqCst);
        crate::session::run_script(self, text, params)
    }

    /// Parses and checks one statement for repeated execution with parameters.
    pub fn prepare(&self, text: &str) -> Result<PreparedStatement> {
        crate::session::prepare(self, text)
    }

    /// Runs a prepared statement with `$name` parameters bound from `params`.
    pub fn execute(&self, stmt: &PreparedStatement, params: &Params) -> Result<QueryResult> {
        self.interrupted.store(false, Ordering::SeqCst);
        crate::session::execute(self, stmt, params)
    }

    /// Interrupts the statement running on this connection, if any.
    pub fn interrupt(&self) {
        self.interrupted.store(true, Ordering::SeqCst);
    }

    /// A handle that interrupts this connection from another thread.
    pub fn interrupt_handle(&self) -> Arc<AtomicBool> {
        self.interrupted.clone()
    }

    /// Fails statements that run longer than `timeout` (`None`: no limit).
    pub fn set_timeout(&self, timeout: Option<Duration>) {
        *self.timeout.lock() = timeout;
    }

    /// The value of option `name` (`current_setting`), e.g. `UInt64(4)` for `threads`.
    pub fn setting(&self, name: &str) -> Result<Value> {
        let d = settings::find(name).ok_or_else(|| settings::unknown_option(name))?;
        Ok(match d.name {
            "threads" => Value::UInt64(self.threads() as u64),
            "timeout" => Value::UInt64(
                self.timeout
                    .lock()
                    .map(|t| t.as_millis() as u64)
                    .unwrap_or(0),
            ),
            "spill_to_disk" => match self.db.inner.settings.lock().get(d.name) {
                Some(v) => v.clone(),
                None => Value::Bool(!self.db.config().read_only),
            },
            _ => {
                let held = match d.scope {
                    SettingScope::Connection => self.settings.lock().get(d.name).cloned(),
                    SettingScope::Database => self.db.inner.settings.lock().get(d.name).cloned(),
                };
                held.unwrap_or_else(|| settings::default_value(d))
            }
        })
    }

    /// Sets option `name` (`CALL name=value`), checking the value as Kuzu does; `ty` is the
    /// type of the expression the value came from (for the error messages).
    pub fn set_setting(&self, name: &str, value: Value, ty: &LogicalType) -> Result<()> {
        let d = settings::find(name)
            .ok_or_else(|| Error::Binder(format!("Invalid option name: {name}.")))?;
        let Some(v) = settings::coerce(d, value, ty)? else {
            return Ok(());
        };
        match d.name {
            "spill_to_disk" if v == Value::Bool(true) && self.db.config().read_only => {
                return Err(Error::Runtime(
                    "Cannot set spill_to_disk to true for a read only database!".into(),
                ));
            }
            "timeout" => {
                let ms = v.as_i64().unwrap_or(0).max(0) as u64;
                self.set_timeout((ms > 0).then(|| Duration::from_millis(ms)));
            }
            _ => match d.scope {
                SettingScope::Connection => self.settings.lock().set(d, v),
                SettingScope::Database => self.db.inner.settings.lock().set(d, v),
            },
        }
        Ok(())
    }

    /// Worker threads of this connection's queries: `CALL threads=N`, else the database's.
    pub fn threads(&self) -> usize {
        match self.settings.lock().get("threads") {
            Some(Value::UInt64(n)) => (*n as usize).max(1),
            _ => self.db.config().threads.max(1),
        }
    }

    /// How many warnings the connection keeps (`CALL warning_limit=N`).
    pub fn warning_limit(&self) -> u64 {
        match self.settings.lock().get("warning_limit") {
            Some(Value::UInt64(n)) => *n,
            _ => settings::DEFAULT_WARNING_LIMIT,
        }
    }

    /// Kuzu's query id of the statement running (or last run) on this connection.
    pub fn query_id(&self) -> u64 {
        self.query_id.load(Ordering::SeqCst)
    }

    /// Stores warnings of query `query_id` (up to `warning_limit` over all queries).
    pub fn add_warnings(&self, query_id: u64, warnings: Vec<Warning>) {
        let limit = self.warning_limit();
        self.warnings.lock().add(query_id, warnings, limit);
    }

    /// The stored warnings, oldest first (`CALL show_warnings()`).
    pub fn warnings(&self) -> Vec<StoredWarning> {
        self.warnings.lock().list().to_vec()
    }

    /// Forgets the stored warnings (`CALL clear_warnings()`).
    pub fn clear_warnings(&self) {
        self.warnings.lock().clear();
    }
}

/// Parameter values by name (without the `$`).
pub type Params = std::collections::HashMap<String, Value>;

/// A statement parsed once, run many times with different parameters.
#[derive(Debug, Clone)]
pub struct PreparedStatement {
    pub(crate) text: String,
    pub(crate) statement: crate::cypher::ast::Statement,
}

impl PreparedStatement {
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Rows produced on demand by a running query.
pub type RowStream = Box<dyn Iterator<Item = Result<Vec<Value>>> + Send>;

enum Rows {
    Ready(std::vec::IntoIter<Vec<Value>>),
    /// Pulled from the query's operators batch by batch as the caller iterates.
    Stream(RowStream),
}

/// The result of one statement: column names and types, and rows. Query rows are produced
/// as the result is iterated (a batch of up to 2048 at a time), not materialised up front; an
/// error while producing them (corruption, interrupt, timeout) is returned by the iterator.
pub struct QueryResult {
    names: Vec<String>,
    types: Vec<LogicalType>,
    rows: Rows,
}

impl QueryResult {
    pub fn new(names: Vec<String>, types: Vec<LogicalType>, rows: Vec<Vec<Value>>) -> Self {
        QueryResult {
            names,
            types,
            rows: Rows::Ready(rows.into_iter()),
        }
    }

    /// A result whose rows come from `rows` as they are asked for.
    pub fn streaming(names: Vec<String>, types: Vec<LogicalType>, rows: RowStream) -> Self {
        QueryResult {
            names,
            types,
            rows: Rows::Stream(rows),
        }
    }

    /// Runs a streaming result to its end, so that its errors surface now.
    pub fn materialize(self) -> Result<QueryResult> {
        match self.rows {
            Rows::Ready(_) => Ok(self),
            Rows::Stream(it) => {
                let rows = it.collect::<Result<Vec<_>>>()?;
                Ok(QueryResult::new(self.names, self.types, rows))
            }
        }
    }

    /// A result with no columns (DDL, transaction control).
    pub fn empty() -> Self {
        Self::new(Vec::new(), Vec::new(), Vec::new())
    }

    /// A one-column, one-row STRING result (Kuzu's status messages).
    pub fn message(text: impl Into<String>) -> Self {
        Self::new(
            vec!["result".into()],
            vec![LogicalType::String],
            vec![vec![Value::String(text.into())]],
        )
    }

    pub fn column_names(&self) -> &[String] {
        &self.names
    }

    pub fn column_types(&self) -> &[LogicalType] {
        &self.types
    }
}

impl Iterator for QueryResult {
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.rows {
            Rows::Ready(it) => it.next().map(Ok),
            Rows::Stream(it) => it.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_reopen_and_lock() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("db.ruzu");
        let db = Database::open(&p).unwrap();
        assert!(db.snapshot().catalog.tables.is_empty());
        // A second writer in this process is refused by the OS lock.
        let e = Database::open(&p).err().unwrap();
        assert!(e.to_string().contains("lock"), "{e}");
        drop(db);
        let db = Database::open(&p).unwrap();
        assert!(db.snapshot().catalog.tables.is_empty());
        drop(db);
        let ro = Config {
            read_only: true,
            ..Config::default()
        };
        assert!(Database::open_with(dir.path().join("missing"), ro).is_err());
    }

    /// COPY into a populated table replaces its primary-key index pages. A reader holding the
    /// older snapshot must still find its pages intact after later commits; they are reused
    /// only once that snapshot is gone, and the file stays consistent throughout.
    #[test]
    fn pages_an_old_snapshot_reads_are_not_reused_while_it_lives() {
        use crate::storage::index::IndexKey;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("db.ruzu");
        let mut csvs = Vec::new();
        for k in 0..4 {
            let f = dir.path().join(format!("p{k}.csv"));
            let rows: String = (k * 3000..(k + 1) * 3000)
                .map(|i| format!("{i},v{i}\n"))
                .collect();
            std::fs::write(&f, rows).unwrap();
            csvs.push(f);
        }
        let copy = |c: &Connection, k: usize| {
            c.query(&format!("COPY P FROM '{}'", csvs[k].display()))
                .unwrap();
        };
        let db = Database::open(&p).unwrap();
        let c = db.connect();
        c.query("CREATE NODE TABLE P(id INT64 PRIMARY KEY, v STRING)")
            .unwrap();
        copy(&c, 0);
        let old = db.snapshot();
        let pool = db.pager().pool();
        let entry = old.catalog.table("P").unwrap().clone();
        let idx =
            crate::loader::pipeline::index_of(&entry, old.meta.node(entry.id).unwrap()).unwrap();
        let old_pages = idx.pages(pool).unwrap();
        assert!(!old_pages.is_empty());
        let held = |db: &Database, p: u64| {
            db.pager()
                .allocator()
                .held_ranges()
                .iter()
                .any(|&(s, n)| s <= p && p < s + n)
        };
        // Two more commits allocate pages while the old snapshot lives.
        copy(&c, 1);
        copy(&c, 2);
        for &pg in &old_pages {
            assert!(held(&db, pg), "page {pg} of the old index is not held");
        }
        for key in [0i64, 1234, 2999] {
            assert_eq!(
                idx.lookup(pool, IndexKey::Int64(key)).unwrap(),
                Some(key as u64)
            );
        }
        assert_eq!(idx.lookup(pool, IndexKey::Int64(3000)).unwrap(), None);
        // Once the snapshot is gone, the next commit releases them.
        drop(old);
        copy(&c, 3);
        for &pg in &old_pages {
            assert!(!held(&db, pg), "page {pg} is still held");
        }
        let n: Vec<Vec<Value>> = c
            .query("MATCH (p:P) WHERE p.id = 11999 RETURN count(*), min(p.v)")
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(
            n,
            vec![vec![Value::Int64(1), Value::String("v11999".into())]]
        );
        drop(c);
        drop(db);
        let report = crate::inspect::check(&p).unwrap();
        assert_eq!(report.tables, 1);
    }
}

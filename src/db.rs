//! The embedded API: `Database`, `Connection`, `QueryResult`.
//!
//! Owns: opening and creating database files (through `transaction::Store`, which holds the
//! process lock that keeps a second writer out), connections, and the entry points that run
//! statements. Everything a binary or an embedding program needs goes through here; nothing
//! below this layer imports it (the layers that run statements take a `ClientContext`).

use crate::context::{ClientContext, DbContext};
use crate::error::Result;
use crate::settings::SettingValues;
use crate::storage::buffer::MemoryManager;
use crate::storage::file::StorageBackend;
use crate::storage::pager::Pager;
use crate::transaction::{Snapshot, Store};
use crate::types::{LogicalType, Value};
use crate::warnings::{StoredWarning, Warning};
use parking_lot::Mutex;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub use crate::context::{default_buffer_pool_size, Config};
pub use crate::query::result::{QueryResult, RowStream};
pub use crate::types::Params;

/// An open database file.
#[derive(Clone)]
pub struct Database {
    pub(crate) inner: Arc<DbContext>,
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
        let path = path.as_ref();
        let mem = MemoryManager::new(config.buffer_pool_size);
        let store = Store::open(path, mem, config.read_only)?;
        Ok(Database {
            inner: Arc::new(DbContext {
                config,
                store: Arc::new(store),
                query_counter: AtomicU64::new(0),
                settings: Mutex::new(SettingValues::default()),
            }),
        })
    }

    /// Opens a database on storage of the caller's choosing: `data` holds the database file
    /// (empty: a new database is created in it) and `wal` its write-ahead log (`None` opens
    /// read-only). No lock file is taken: the caller keeps other writers away. Crash tests
    /// use it with in-memory files (`storage::file::MemBackend`); `path` only names the
    /// database in messages.
    pub fn open_backends(
        data: Arc<dyn StorageBackend>,
        wal: Option<Arc<dyn StorageBackend>>,
        path: impl AsRef<Path>,
        mut config: Config,
    ) -> Result<Database> {
        config.read_only = wal.is_none();
        let mem = MemoryManager::new(config.buffer_pool_size);
        let store = Store::open_backends(data, wal, path.as_ref(), mem, config.read_only)?;
        Ok(Database {
            inner: Arc::new(DbContext {
                config,
                store: Arc::new(store),
                query_counter: AtomicU64::new(0),
                settings: Mutex::new(SettingValues::default()),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        self.inner.store.path()
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The committed state as of now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.store.snapshot()
    }

    pub fn pager(&self) -> &Pager {
        self.inner.store.pager()
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.inner.store
    }

    /// A new connection. Connections are `Send`: each may run on its own thread.
    pub fn connect(&self) -> Connection {
        Connection {
            db: self.clone(),
            ctx: ClientContext::new(self.inner.clone()),
        }
    }
}

/// A session on a database: runs statements.
pub struct Connection {
    pub(crate) db: Database,
    pub(crate) ctx: ClientContext,
}

impl Connection {
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// The state the statement layers see.
    pub fn context(&self) -> &ClientContext {
        &self.ctx
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
        self.ctx.interrupted.store(false, Ordering::SeqCst);
        crate::session::run_script(&self.ctx, text, params)
    }

    /// Parses and checks one statement for repeated execution with parameters.
    pub fn prepare(&self, text: &str) -> Result<PreparedStatement> {
        crate::session::prepare(&self.ctx, text)
    }

    /// Runs a prepared statement with `$name` parameters bound from `params`.
    pub fn execute(&self, stmt: &PreparedStatement, params: &Params) -> Result<QueryResult> {
        self.ctx.interrupted.store(false, Ordering::SeqCst);
        crate::session::execute(&self.ctx, stmt, params)
    }

    /// Interrupts the statement running on this connection, if any.
    pub fn interrupt(&self) {
        self.ctx.interrupted.store(true, Ordering::SeqCst);
    }

    /// A handle that interrupts this connection from another thread.
    pub fn interrupt_handle(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.ctx.interrupted.clone()
    }

    /// Fails statements that run longer than `timeout` (`None`: no limit).
    pub fn set_timeout(&self, timeout: Option<Duration>) {
        self.ctx.set_timeout(timeout)
    }

    /// The value of option `name` (`current_setting`), e.g. `UInt64(4)` for `threads`.
    pub fn setting(&self, name: &str) -> Result<Value> {
        self.ctx.setting(name)
    }

    /// Sets option `name` (`CALL name=value`), checking the value as Kuzu does.
    pub fn set_setting(&self, name: &str, value: Value, ty: &LogicalType) -> Result<()> {
        self.ctx.set_setting(name, value, ty)
    }

    /// Worker threads of this connection's queries: `CALL threads=N`, else the database's.
    pub fn threads(&self) -> usize {
        self.ctx.threads()
    }

    /// How many warnings the connection keeps (`CALL warning_limit=N`).
    pub fn warning_limit(&self) -> u64 {
        self.ctx.warning_limit()
    }

    /// Kuzu's query id of the statement running (or last run) on this connection.
    pub fn query_id(&self) -> u64 {
        self.ctx.query_id()
    }

    /// Stores warnings of query `query_id` (up to `warning_limit` over all queries).
    pub fn add_warnings(&self, query_id: u64, warnings: Vec<Warning>) {
        self.ctx.add_warnings(query_id, warnings)
    }

    /// The stored warnings, oldest first (`CALL show_warnings()`).
    pub fn warnings(&self) -> Vec<StoredWarning> {
        self.ctx.warnings()
    }

    /// Forgets the stored warnings (`CALL clear_warnings()`).
    pub fn clear_warnings(&self) {
        self.ctx.clear_warnings()
    }
}

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

//! What a statement needs of its database and its connection, as plain inputs for the
//! layers that run statements (`planner`, `query`), so that nothing below the embedded API
//! (`db`) imports it.
//!
//! Owns: `Config` (settings of an open database), `DbContext` (the state all connections of a
//! database share: the transactional store, database-scope options, the query counter) and
//! `ClientContext` (one connection's state: options, warnings, interrupt flag, timeout, query
//! id). Uses `transaction`, `settings`, `warnings`.

use crate::error::{Error, Result};
use crate::settings::{self, SettingScope, SettingValues};
use crate::transaction::{CommitOptions, Snapshot, Store, WriteTxn};
use crate::types::{LogicalType, Value};
use crate::warnings::{StoredWarning, Warning, WarningStore};
use parking_lot::Mutex;
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

/// The state every connection of one open database shares.
pub struct DbContext {
    pub config: Config,
    pub store: Arc<Store>,
    /// Per-database statement counter (Kuzu's query ids).
    pub query_counter: AtomicU64,
    /// Options the database keeps (`CALL auto_checkpoint=false`, ...).
    pub settings: Mutex<SettingValues>,
}

/// The write transaction of a connection, shared with the operators of the statement running
/// in it.
pub type TxnHandle = Arc<Mutex<WriteTxn>>;

/// A transaction begun with BEGIN TRANSACTION and not yet ended.
pub enum Active {
    /// `BEGIN TRANSACTION READ ONLY`: every statement reads this snapshot.
    Read(Arc<Snapshot>),
    Write(TxnHandle),
}

/// One connection's state.
pub struct ClientContext {
    pub db: Arc<DbContext>,
    pub interrupted: Arc<AtomicBool>,
    pub timeout: Mutex<Option<Duration>>,
    /// Options this connection has set (`CALL threads=4`); the rest have their defaults.
    pub settings: Mutex<SettingValues>,
    /// Warnings of `IGNORE_ERRORS` statements, until `CALL clear_warnings()`.
    /// Shared with streaming results, which add their LOAD FROM warnings once drained.
    pub warnings: Arc<Mutex<WarningStore>>,
    /// Kuzu's query id of the statement running (or last run) on this connection.
    pub query_id: AtomicU64,
    /// The transaction BEGIN TRANSACTION started, until COMMIT or ROLLBACK.
    pub active: Mutex<Option<Active>>,
}

impl ClientContext {
    pub fn new(db: Arc<DbContext>) -> Self {
        ClientContext {
            db,
            interrupted: Arc::new(AtomicBool::new(false)),
            timeout: Mutex::new(None),
            settings: Mutex::new(SettingValues::default()),
            warnings: Arc::new(Mutex::new(WarningStore::default())),
            query_id: AtomicU64::new(0),
            active: Mutex::new(None),
        }
    }

    /// The database's commit options (`auto_checkpoint`, `checkpoint_threshold`).
    pub fn commit_options(&self) -> CommitOptions {
        let mut o = CommitOptions::default();
        if let Ok(Value::Bool(b)) = self.setting("auto_checkpoint") {
            o.auto_checkpoint = b;
        }
        if let Ok(v) = self.setting("checkpoint_threshold") {
            if let Some(n) = v.as_i64() {
                o.checkpoint_threshold = n.max(0) as u64;
            }
        }
        o
    }

    /// When a statement that starts now must give up (its timeout).
    pub fn deadline(&self) -> Option<std::time::Instant> {
        self.timeout.lock().map(|d| std::time::Instant::now() + d)
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.db.store
    }

    pub fn config(&self) -> &Config {
        &self.db.config
    }

    /// The committed state as of now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.db.store.snapshot()
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
            "spill_to_disk" => match self.db.settings.lock().get(d.name) {
                Some(v) => v.clone(),
                None => Value::Bool(!self.db.config.read_only),
            },
            _ => {
                let held = match d.scope {
                    SettingScope::Connection => self.settings.lock().get(d.name).cloned(),
                    SettingScope::Database => self.db.settings.lock().get(d.name).cloned(),
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
            "spill_to_disk" if v == Value::Bool(true) && self.db.config.read_only => {
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
                SettingScope::Database => self.db.settings.lock().set(d, v),
            },
        }
        Ok(())
    }

    /// Fails statements that run longer than `timeout` (`None`: no limit).
    pub fn set_timeout(&self, timeout: Option<Duration>) {
        *self.timeout.lock() = timeout;
    }

    /// Worker threads of this connection's queries: `CALL threads=N`, else the database's.
    pub fn threads(&self) -> usize {
        match self.settings.lock().get("threads") {
            Some(Value::UInt64(n)) => (*n as usize).max(1),
            _ => self.db.config.threads.max(1),
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

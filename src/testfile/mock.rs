//! A scripted `Engine` for testing the runner without a database.
//!
//! Owns: `MockEngine`, whose answers come from a table (script text → results) or a closure,
//! and which logs every open, connect and query (`open #1`, `conn_default#1@1: RETURN 1`) so
//! tests can see dataset loading, reloads and connection routing. Special scripts: `PANIC`
//! panics, `HANG` waits until interrupted (then fails with `Interrupted.`), `HANG_HARD`
//! ignores interrupts for 20 seconds.

use super::engine::{DbOptions, Engine, QueryOutput};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The answer function: script text and the connection it runs on → one result per query.
pub type Handler = dyn Fn(&str, &MockConn) -> Vec<Result<QueryOutput, String>> + Send + Sync;

pub struct MockEngine {
    handler: Arc<Handler>,
    log: Arc<Mutex<Vec<String>>>,
    opens: AtomicUsize,
    conns: AtomicUsize,
    /// Options of every open, in order.
    pub options: Arc<Mutex<Vec<DbOptions>>>,
    version: String,
}

pub struct MockDb {
    pub generation: usize,
    pub path: PathBuf,
}

pub struct MockConn {
    pub id: usize,
    pub generation: usize,
    interrupted: AtomicBool,
}

impl MockConn {
    pub fn is_interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }
}

impl MockEngine {
    pub fn new(handler: Arc<Handler>) -> MockEngine {
        MockEngine {
            handler,
            log: Arc::new(Mutex::new(Vec::new())),
            opens: AtomicUsize::new(0),
            conns: AtomicUsize::new(0),
            options: Arc::new(Mutex::new(Vec::new())),
            version: "0.0.0-mock".to_string(),
        }
    }

    /// Answers from a table; scripts not in it succeed with no rows.
    pub fn scripted(table: Vec<(&str, Vec<Result<QueryOutput, String>>)>) -> MockEngine {
        let map: HashMap<String, Vec<Result<QueryOutput, String>>> =
            table.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        MockEngine::new(Arc::new(move |q: &str, _c: &MockConn| {
            map.get(q)
                .cloned()
                .unwrap_or_else(|| vec![Ok(QueryOutput::default())])
        }))
    }

    /// Everything that happened, in order.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().clone()
    }

    pub fn with_version(mut self, v: &str) -> MockEngine {
        self.version = v.to_string();
        self
    }
}

/// A successful result with `|`-separated rows.
pub fn rows(columns: &[&str], rows: &[&str]) -> Result<QueryOutput, String> {
    Ok(QueryOutput::from_rows(columns, rows))
}

/// A failed result.
pub fn error(msg: &str) -> Result<QueryOutput, String> {
    Err(msg.to_string())
}

impl Engine for MockEngine {
    type Db = MockDb;
    type Conn = MockConn;

    fn open(&self, path: &Path, options: &DbOptions) -> Result<MockDb, String> {
        let generation = self.opens.fetch_add(1, Ordering::SeqCst) + 1;
        self.log.lock().push(format!("open #{generation}"));
        self.options.lock().push(options.clone());
        Ok(MockDb {
            generation,
            path: path.to_path_buf(),
        })
    }

    fn connect(&self, db: &MockDb) -> Result<MockConn, String> {
        let id = self.conns.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(MockConn {
            id,
            generation: db.generation,
            interrupted: AtomicBool::new(false),
        })
    }

    fn run(&self, conn: &MockConn, script: &str) -> Vec<Result<QueryOutput, String>> {
        self.log
            .lock()
            .push(format!("#{}@{}: {script}", conn.id, conn.generation));
        match script {
            "PANIC" => panic!("mock engine panic"),
            "HANG" => {
                let start = Instant::now();
                while !conn.is_interrupted() && start.elapsed() < Duration::from_secs(20) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                return vec![Err("Interrupted.".to_string())];
            }
            "HANG_HARD" => {
                std::thread::sleep(Duration::from_secs(20));
                return vec![Ok(QueryOutput::default())];
            }
            _ => {}
        }
        (self.handler)(script, conn)
    }

    fn interrupt(&self, conn: &MockConn) {
        conn.interrupted.store(true, Ordering::SeqCst);
    }

    fn version(&self) -> String {
        self.version.clone()
    }
}

//! A reference `Engine` on the Kuzu Python package (`--engine kuzu-python`).
//!
//! Owns: one Python process per open database running `kuzu_server.py` (JSON lines over
//! stdin/stdout), which executes queries on real Kuzu and renders values as Kuzu does as far
//! as the binding allows. It lets the runner itself be checked against Kuzu's own answers;
//! requests are serialised per database (concurrent blocks run one query at a time) and
//! `interrupt` is not supported (a hanging case is abandoned by the timeout).

use super::engine::{Cell, ColumnKind, DbOptions, Engine, QueryOutput};
use parking_lot::Mutex;
use serde_json::{json, Value as Json};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;

const SERVER: &str = include_str!("kuzu_server.py");

/// Runs queries on Kuzu through `python` (which must have the `kuzu` package).
pub struct PyKuzuEngine {
    python: PathBuf,
    version: String,
}

impl PyKuzuEngine {
    /// Checks that `python` can import kuzu and reads its version.
    pub fn new(python: impl Into<PathBuf>) -> Result<PyKuzuEngine, String> {
        let python = python.into();
        let out = Command::new(&python)
            .args(["-c", "import kuzu; print(kuzu.__version__)"])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} cannot import kuzu: {}",
                python.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        Ok(PyKuzuEngine { python, version })
    }
}

struct Proc {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Proc {
    fn call(&mut self, req: &Json) -> Result<Json, String> {
        let line = format!("{req}\n");
        self.stdin
            .write_all(line.as_bytes())
            .and_then(|_| self.stdin.flush())
            .map_err(|e| format!("kuzu server: write failed: {e}"))?;
        let mut reply = String::new();
        let n = self
            .stdout
            .read_line(&mut reply)
            .map_err(|e| format!("kuzu server: read failed: {e}"))?;
        if n == 0 {
            return Err("kuzu server exited (crash?)".to_string());
        }
        let v: Json =
            serde_json::from_str(&reply).map_err(|e| format!("kuzu server: bad reply: {e}"))?;
        if let Some(f) = v.get("fail").and_then(|f| f.as_str()) {
            return Err(f.to_string());
        }
        Ok(v)
    }
}

pub struct PyDb {
    proc: Arc<Mutex<Proc>>,
}

impl Drop for PyDb {
    fn drop(&mut self) {
        let mut p = self.proc.lock();
        let _ = p.call(&json!({"op": "close"}));
        let _ = p.child.wait();
    }
}

pub struct PyConn {
    proc: Arc<Mutex<Proc>>,
    id: u64,
}

impl Engine for PyKuzuEngine {
    type Db = PyDb;
    type Conn = PyConn;

    fn open(&self, path: &Path, options: &DbOptions) -> Result<PyDb, String> {
        let mut child = Command::new(&self.python)
            .args(["-u", "-c", SERVER])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.python.display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err("kuzu server: no pipes".to_string());
        };
        let mut proc = Proc {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        };
        let opened = proc.call(&json!({
            "op": "open",
            "path": path.to_string_lossy(),
            "buffer_pool_size": options.buffer_pool_size,
            "threads": options.threads,
        }));
        if let Err(e) = opened {
            let _ = proc.child.kill();
            let _ = proc.child.wait();
            return Err(e);
        }
        Ok(PyDb {
            proc: Arc::new(Mutex::new(proc)),
        })
    }

    fn connect(&self, db: &PyDb) -> Result<PyConn, String> {
        let v = db.proc.lock().call(&json!({"op": "connect"}))?;
        let id = v
            .get("id")
            .and_then(|i| i.as_u64())
            .ok_or("kuzu server: no connection id")?;
        Ok(PyConn {
            proc: db.proc.clone(),
            id,
        })
    }

    fn run(&self, conn: &PyConn, script: &str) -> Vec<Result<QueryOutput, String>> {
        let reply = conn
            .proc
            .lock()
            .call(&json!({"op": "run", "conn": conn.id, "query": script}));
        let v = match reply {
            Ok(v) => v,
            Err(e) => return vec![Err(e)],
        };
        let Some(results) = v.get("results").and_then(|r| r.as_array()) else {
            return vec![Err("kuzu server: no results".to_string())];
        };
        results.iter().map(parse_result).collect()
    }

    fn interrupt(&self, _conn: &PyConn) {}

    fn version(&self) -> String {
        self.version.clone()
    }
}

fn parse_result(r: &Json) -> Result<QueryOutput, String> {
    if let Some(e) = r.get("error") {
        return Err(e.as_str().unwrap_or("").to_string());
    }
    let strings = |key: &str| -> Vec<String> {
        r.get(key)
            .and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .map(|s| s.as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let columns = strings("columns");
    let kinds = strings("kinds")
        .iter()
        .map(|k| match k.as_str() {
            "Float" => ColumnKind::Float,
            "Double" => ColumnKind::Double,
            _ => ColumnKind::Other,
        })
        .collect();
    let rows = r
        .get("rows")
        .and_then(|a| a.as_array())
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    row.as_array()
                        .map(|cells| {
                            cells
                                .iter()
                                .map(|c| Cell {
                                    text: c
                                        .get(0)
                                        .and_then(|t| t.as_str())
                                        .unwrap_or("")
                                        .to_string(),
                                    number: c.get(1).and_then(|n| n.as_f64()),
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(QueryOutput {
        columns,
        kinds,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_become_outputs() {
        let r = json!({"columns": ["a", "b"], "kinds": ["Double", "Other"],
                       "rows": [[["1.500000", 1.5], ["x", null]]]});
        let out = parse_result(&r).unwrap_or_default();
        assert_eq!(out.columns, vec!["a", "b"]);
        assert_eq!(out.kinds, vec![ColumnKind::Double, ColumnKind::Other]);
        assert_eq!(out.row_strings(), vec!["1.500000|x"]);
        assert_eq!(out.rows[0][0].number, Some(1.5));
        assert_eq!(
            parse_result(&json!({"error": "Binder exception: x"})),
            Err("Binder exception: x".to_string())
        );
    }
}

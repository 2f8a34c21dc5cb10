//! A `ruzu DB` child process driven through pipes one statement at a time, as a program uses
//! the shell as a client: write a statement, read its printed result, write the next.
//!
//! Output is JSON Lines (one line a row). After each statement the client sends a marker
//! statement, `RETURN '<n>' AS __end`; its row is the end of the statement's result and,
//! since the shell runs statements in order and stops at the first failure, the
//! acknowledgement that the statement (for an auto-commit write, its commit) is done.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// How long a statement may take before the test gives up on the shell.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// A line the child printed, or the end of one of its outputs.
#[derive(Debug)]
enum Event {
    Out(String),
    Err(String),
    Closed,
}

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    events: Receiver<Event>,
    /// Markers sent so far.
    markers: u64,
    /// Outputs not yet closed.
    open: usize,
}

/// Why a statement has no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The shell reported an error (its stderr line).
    Error(String),
    /// The shell's output ended (it exited, or was killed) before the result.
    Gone,
}

fn pump(r: impl Read + Send + 'static, tx: Sender<Event>, out: bool) {
    std::thread::spawn(move || {
        let mut r = BufReader::new(r);
        loop {
            let mut line = String::new();
            match r.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = line.trim_end_matches('\n').to_string();
                    let e = if out {
                        Event::Out(line)
                    } else {
                        Event::Err(line)
                    };
                    if tx.send(e).is_err() {
                        return;
                    }
                }
            }
        }
        let _ = tx.send(Event::Closed);
    });
}

impl Client {
    /// Starts `ruzu ARGS... --format json` with piped stdin, stdout and stderr.
    pub fn spawn(args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ruzu"))
            .args(args)
            .args(["--format", "json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start ruzu");
        let (tx, events) = channel();
        pump(child.stdout.take().expect("stdout"), tx.clone(), true);
        pump(child.stderr.take().expect("stderr"), tx, false);
        Client {
            stdin: child.stdin.take(),
            child,
            events,
            markers: 0,
            open: 2,
        }
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Writes raw text to the shell's stdin (false if the shell is gone).
    pub fn send(&mut self, text: &str) -> bool {
        match &mut self.stdin {
            Some(s) => s
                .write_all(text.as_bytes())
                .and_then(|()| s.flush())
                .is_ok(),
            None => false,
        }
    }

    /// Sends `stmt` and its marker without waiting for the result; returns the marker.
    pub fn start(&mut self, stmt: &str) -> u64 {
        self.markers += 1;
        let m = self.markers;
        self.send(&format!("{stmt};\nRETURN '{m}' AS __end;\n"));
        m
    }

    /// The next line, or `None` at a timeout or once both outputs are closed.
    fn next(&mut self, timeout: Duration) -> Option<Event> {
        while self.open > 0 {
            match self.events.recv_timeout(timeout) {
                Ok(Event::Closed) => self.open -= 1,
                Ok(e) => return Some(e),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("ruzu printed nothing for {timeout:?}: is it buffering its input?")
                }
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        None
    }

    /// Waits for the result of the statement sent with marker `m`: its rows (JSON lines).
    pub fn finish(&mut self, m: u64) -> Result<Vec<String>, Failure> {
        let end = format!("{{\"__end\":\"{m}\"}}");
        let mut rows = Vec::new();
        loop {
            match self.next(TIMEOUT) {
                Some(Event::Out(l)) if l == end => return Ok(rows),
                Some(Event::Out(l)) => rows.push(l),
                Some(Event::Err(l)) => return Err(Failure::Error(l)),
                Some(Event::Closed) | None => return Err(Failure::Gone),
            }
        }
    }

    /// Runs one statement and returns its rows.
    pub fn query(&mut self, stmt: &str) -> Result<Vec<String>, Failure> {
        let m = self.start(stmt);
        self.finish(m)
    }

    /// Runs one statement that must succeed.
    pub fn ok(&mut self, stmt: &str) -> Vec<String> {
        self.query(stmt).unwrap_or_else(|e| panic!("{stmt}: {e:?}"))
    }

    /// The first line of the shell's error output (for a shell that fails to start).
    pub fn error_line(&mut self) -> Option<String> {
        loop {
            match self.next(TIMEOUT)? {
                Event::Err(l) => return Some(l),
                _ => continue,
            }
        }
    }

    /// SIGKILL.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The next line the shell prints on stdout; a line on stderr is a failure.
    pub fn line(&mut self) -> Result<String, Failure> {
        match self.next(TIMEOUT) {
            Some(Event::Out(l)) => Ok(l),
            Some(Event::Err(l)) => Err(Failure::Error(l)),
            Some(Event::Closed) | None => Err(Failure::Gone),
        }
    }

    /// Closes stdin (the end of the script) and waits for the shell to exit: its exit code
    /// and the lines it printed meanwhile (stdout, stderr).
    pub fn close(mut self) -> (Option<i32>, Vec<String>, Vec<String>) {
        self.stdin = None;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        while let Some(e) = self.next(TIMEOUT) {
            match e {
                Event::Out(l) => out.push(l),
                Event::Err(l) => err.push(l),
                Event::Closed => {}
            }
        }
        (self.child.wait().ok().and_then(|s| s.code()), out, err)
    }
}

impl Drop for Client {
    /// Ends the script; a shell that has not exited within 10 s (a test failed while it was
    /// busy) is killed.
    fn drop(&mut self) {
        self.stdin = None;
        for _ in 0..1000 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A row as JSON: `{"c":12,"s":5}`.
pub fn json(row: &str) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_str(row) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => panic!("not a JSON row: {row}"),
    }
}

/// The integer in column `col` of a JSON row.
pub fn int(row: &str, col: &str) -> i64 {
    json(row)
        .get(col)
        .and_then(|v| v.as_i64())
        .unwrap_or_else(|| panic!("no integer {col} in {row}"))
}

//! `LOAD FROM` (Kuzu's scan of a CSV file as a reading clause): the scan operator. Binding
//! (options, sources, sniffing) is `planner::load_from`.
//!
//! Owns: the `LoadFromScan` operator that streams the file through the parallel CSV reader (`loader::csv::read_csv`)
//! on a reader thread in bounded batches, and the warnings of rows skipped with
//! `IGNORE_ERRORS` (`LoadWarnings`, collected per plan by `plan_warnings`).

use crate::error::{Error, InputError, Result};
use crate::exec::memory::Reservation;
use crate::exec::{DataChunk, ExecContext, Operator, VECTOR_CAPACITY};
use crate::loader::csv::{read_csv, CsvBatch, CsvSchema};
pub use crate::planner::load_from::{LoadFromSpec, LoadWarnings, LOAD_CHUNK_BYTES};
use crate::planner::Plan;
use crate::types::LogicalType;
use std::sync::Arc;

/// The warnings of every LOAD FROM in a plan (rows skipped with `IGNORE_ERRORS`), in plan
/// order; complete once the plan has run to its end. For the connection's warning store
/// (`CALL show_warnings()`).
pub fn plan_warnings(plan: &Plan) -> Vec<InputError> {
    let mut out = Vec::new();
    plan.visit(&mut |p| {
        if let Plan::LoadFrom { spec } = p {
            out.extend(spec.warnings.lock().iter().cloned());
        }
    });
    out
}

/// The warning lists of every LOAD FROM in a plan, shared with the operators built from it:
/// keep them while the result streams, read them once it is drained (the plan itself may be
/// dropped after `query::build::build`).
pub fn plan_warning_lists(plan: &Plan) -> Vec<LoadWarnings> {
    let mut out = Vec::new();
    plan.visit(&mut |p| {
        if let Plan::LoadFrom { spec } = p {
            out.push(spec.warnings.clone());
        }
    });
    out
}

/// A batch, `Ok(None)` once every file was read, or the error that stopped the read.
type Batch = Result<Option<DataChunk>>;

/// Streams the rows of a LOAD FROM's files: a reader thread runs the parallel CSV reader and
/// hands batches over a bounded channel (at most two batches wait), split here into
/// batches of at most `VECTOR_CAPACITY` rows.
pub struct LoadFromScan {
    spec: Arc<LoadFromSpec>,
    threads: usize,
    rx: Option<crossbeam_channel::Receiver<Batch>>,
    current: Option<DataChunk>,
    pos: usize,
    done: bool,
    /// Memory of the batches in flight, charged to the query's budget while the scan runs.
    _memory: Option<Reservation>,
}

impl LoadFromScan {
    pub fn new(spec: Arc<LoadFromSpec>, threads: usize) -> Self {
        LoadFromScan {
            spec,
            threads: threads.max(1),
            rx: None,
            current: None,
            pos: 0,
            done: false,
            _memory: None,
        }
    }

    /// Bytes the scan may hold at once: a chunk per reader thread, the batches waiting in
    /// the channel, the one being assembled and the one being consumed, each charged twice
    /// (text and typed columns).
    fn working_memory(&self) -> u64 {
        let chunk = self
            .spec
            .files
            .iter()
            .map(|f| f.csv.chunk_size as u64)
            .max()
            .unwrap_or(0);
        (self.threads as u64 + 4) * chunk * 2
    }

    fn start(&mut self, ctx: &ExecContext) -> Result<()> {
        let mut memory = Reservation::new(ctx.budget.clone());
        memory.grow(self.working_memory())?;
        self._memory = Some(memory);
        let (tx, rx) = crossbeam_channel::bounded::<Batch>(2);
        let spec = self.spec.clone();
        let threads = self.threads;
        let reader = std::thread::Builder::new().name("ruzu-load-from".into());
        let spawned = reader.spawn(move || {
            let schema = CsvSchema {
                columns: spec.columns.clone(),
            };
            for f in &spec.files {
                let r = read_csv(
                    &f.path,
                    &f.display,
                    &f.csv,
                    &schema,
                    threads,
                    |b: CsvBatch| {
                        let len = b.len();
                        tx.send(Ok(Some(DataChunk {
                            columns: b.columns,
                            len,
                        })))
                        // The scan was dropped (e.g. LIMIT reached): stop reading.
                        .map_err(|_| Error::Interrupted)
                    },
                );
                match r {
                    Ok(summary) => spec.warnings.lock().extend(summary.warnings),
                    Err(e) => {
                        // Nobody listens any more when the scan was dropped.
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
            let _ = tx.send(Ok(None));
        });
        spawned.map_err(|e| Error::io("starting the LOAD FROM reader thread", e))?;
        self.rx = Some(rx);
        Ok(())
    }
}

impl Operator for LoadFromScan {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        loop {
            ctx.check()?;
            let len = self.current.as_ref().map_or(0, |c| c.len);
            if self.pos < len {
                let n = (len - self.pos).min(VECTOR_CAPACITY);
                let out = match self.current.take() {
                    Some(c) if self.pos == 0 && n == len => c,
                    Some(c) => {
                        let s = c.slice(self.pos, n);
                        self.current = Some(c);
                        s
                    }
                    None => DataChunk::rows_only(0),
                };
                self.pos += n;
                return Ok(Some(out));
            }
            self.current = None;
            if self.done {
                return Ok(None);
            }
            if self.rx.is_none() {
                self.start(ctx)?;
            }
            let Some(rx) = &self.rx else {
                return Ok(None);
            };
            match rx.recv() {
                Ok(Ok(Some(c))) => {
                    self.current = Some(c);
                    self.pos = 0;
                }
                Ok(Ok(None)) => {
                    // Every file was read (and its warnings recorded).
                    self.done = true;
                    return Ok(None);
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => {
                    self.done = true;
                    return Err(Error::Runtime(
                        "the LOAD FROM reader thread stopped unexpectedly".into(),
                    ));
                }
            }
        }
    }

    fn types(&self) -> Vec<LogicalType> {
        self.spec.columns.iter().map(|c| c.1.clone()).collect()
    }

    fn name(&self) -> &'static str {
        "LOAD_FROM"
    }
}

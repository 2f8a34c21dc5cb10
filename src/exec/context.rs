//! Per-query execution state shared by all operators of a plan.
//!
//! Owns: `ExecContext` (interrupt flag, deadline, memory budget, parameters) and
//! `EvalContext` (what expression evaluation needs: parameter values). Operators call
//! `ExecContext::check()` once per batch, which turns an interrupt or a passed deadline into
//! `Error::Interrupted`.

use super::memory::{MemoryBudget, UnlimitedBudget};
use crate::error::{Error, Result};
use crate::types::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Where `nextval` and `currval` take their values (the statement's transaction).
pub trait SequenceSource: Send + Sync {
    /// The next `n` values of sequence `name`, in order.
    fn next_values(&self, name: &str, n: usize) -> Result<Vec<i64>>;
    /// The value `nextval` last returned, in Kuzu's words when there is none.
    fn current_value(&self, name: &str) -> Result<i64>;
}

/// What expression evaluation reads besides its input batch.
#[derive(Clone, Default)]
pub struct EvalContext {
    /// Values of `$name` parameters (names without the `$`).
    pub params: HashMap<String, Value>,
    /// Sequences (`nextval`, `currval`); `None` where a statement cannot use them.
    pub sequences: Option<Arc<dyn SequenceSource>>,
}

impl std::fmt::Debug for EvalContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvalContext")
            .field("params", &self.params)
            .field("sequences", &self.sequences.is_some())
            .finish()
    }
}

/// Shared state of one running query. Cheap to clone (all shared parts are `Arc`s), so each
/// worker thread can hold its own copy.
#[derive(Clone)]
pub struct ExecContext {
    pub eval: Arc<EvalContext>,
    /// Set by `Connection::interrupt`; checked per batch.
    pub interrupt: Arc<AtomicBool>,
    /// Query timeout.
    pub deadline: Option<Instant>,
    pub budget: Arc<dyn MemoryBudget>,
    /// Worker threads an operator may use for parallel work (1 = serial).
    pub threads: usize,
}

impl Default for ExecContext {
    fn default() -> Self {
        ExecContext::new(Arc::new(UnlimitedBudget))
    }
}

impl ExecContext {
    pub fn new(budget: Arc<dyn MemoryBudget>) -> Self {
        ExecContext {
            eval: Arc::new(EvalContext::default()),
            interrupt: Arc::new(AtomicBool::new(false)),
            deadline: None,
            budget,
            threads: 1,
        }
    }

    pub fn with_params(mut self, params: HashMap<String, Value>) -> Self {
        self.eval = Arc::new(EvalContext {
            params,
            sequences: self.eval.sequences.clone(),
        });
        self
    }

    pub fn with_sequences(mut self, sequences: Option<Arc<dyn SequenceSource>>) -> Self {
        self.eval = Arc::new(EvalContext {
            params: self.eval.params.clone(),
            sequences,
        });
        self
    }

    /// `Err(Error::Interrupted)` once the query was interrupted or its deadline passed.
    #[inline]
    pub fn check(&self) -> Result<()> {
        if self.interrupt.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        if let Some(d) = self.deadline {
            if Instant::now() >= d {
                return Err(Error::Interrupted);
            }
        }
        Ok(())
    }
}

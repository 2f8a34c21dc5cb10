//! The runner of Kuzu's `.test` files (`ruzu-testfile`).
//!
//! Owns: parsing `.test` files (`parse`), the engine abstraction the runner executes
//! statements through (`engine`, with the ruzu implementation and a scripted mock for tests),
//! checking results against expectations (`check`), running cases with datasets, connections,
//! reloads, concurrency and timeouts (`run`), the passing / deviations / unstable lists
//! (`lists`), the command line (`cli`), and a reference engine on the Kuzu Python package
//! (`pykuzu`) to check the runner against Kuzu itself. The format is defined in
//! `kuzu-suite/README.md`; Kuzu's own runner is authoritative where that is unclear.

pub mod check;
pub mod cli;
pub mod engine;
pub mod lists;
pub mod mock;
pub mod parse;
pub mod pykuzu;
pub mod rng;
pub mod run;

pub use check::{check_result, Mismatch};
pub use engine::{Cell, ColumnKind, DbOptions, Engine, QueryOutput, RuzuEngine};
pub use lists::{evaluate_lists, CaseLists, ListReport};
pub use parse::{parse_test_file, Expected, ParseContext, Statement, Step, TestCase, TestFile};
pub use run::{run_files, CaseOutcome, CaseStatus, RunOptions, RunSummary};

/// Buffer pool size Kuzu's test runner uses unless a file sets `-BUFFER_POOL_SIZE`
/// (64 MiB plus the 9 MiB hash-index allowance).
pub const DEFAULT_BUFFER_POOL_SIZE: u64 = 76_546_048;

/// Kuzu's `DEFAULT_CHECKPOINT_WAIT_TIMEOUT_IN_MICROS`.
pub const DEFAULT_CHECKPOINT_WAIT_TIMEOUT_MICROS: u64 = 5_000_000;

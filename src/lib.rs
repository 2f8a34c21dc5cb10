//! ruzu: an embedded graph database for bulk-loaded data, following KuzuDB's design and
//! Cypher dialect.
//!
//! Layers, bottom up (see `docs/ARCHITECTURE.md`): `types`, `storage` (file, buffer, column,
//! node, rel, index), `catalog`, `loader`, `cypher`, `exec`, and the embedded API. Data flows
//! up, control flows down; `storage` never imports `cypher`, `exec` or `loader`.

pub mod binder;
pub mod catalog;
pub mod cli;
pub mod context;
pub mod cypher;
pub mod db;
pub mod error;
pub mod exec;
pub mod inspect;
pub mod loader;
pub mod planner;
pub mod query;
pub mod session;
pub mod settings;
pub mod shell;
pub mod storage;
#[cfg(test)]
pub(crate) mod test_util;
pub mod testfile;
pub mod transaction;
pub mod types;
pub mod warnings;

pub use db::{Config, Connection, Database, Params, PreparedStatement, QueryResult};
pub use error::{Error, InputError, Result};
pub use types::{LogicalType, Value};

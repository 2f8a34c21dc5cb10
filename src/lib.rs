//! ruzu: an embedded graph database for bulk-loaded data, following KuzuDB's design and
//! Cypher dialect.
//!
//! Layers, bottom up (see `docs/ARCHITECTURE.md`): `types`, `storage` (file, buffer, column,
//! node, rel, index), `catalog`, `loader`, `cypher`, and the embedded API. Data flows up,
//! control flows down; `storage` never imports `cypher` or `loader`.

pub mod error;
pub mod types;

pub use error::{Error, InputError, Result};
pub use types::{LogicalType, Value};

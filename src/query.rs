//! Read queries and the statements not handled by `session`: binding, planning and
//! executing them.

use crate::cypher::ast::Statement;
use crate::db::{Connection, Params, QueryResult};
use crate::error::{Error, Result};

pub fn run(_conn: &Connection, s: &Statement, _params: &Params) -> Result<QueryResult> {
    Err(Error::NotImplemented(format!("statement: {}", s.text)))
}

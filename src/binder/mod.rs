//! The binder: resolves names in parsed statements against the catalog, checks types, and
//! produces bound statements for the planner. Error messages are Kuzu's.

pub mod ddl;
pub mod expr;

//! Helpers shared by the crate's unit tests: run a statement and render its rows as Kuzu's
//! test files do (`a|b`), or get its error message.

use crate::db::Connection;

/// The rows of `q`, each as its values' text joined by `|`. Panics (naming the query) when it
/// fails.
pub fn rows(c: &Connection, q: &str) -> Vec<String> {
    c.query(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .map(|r| {
            r.unwrap_or_else(|e| panic!("{q}: {e}"))
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// The error of `q`, whether the statement fails at once or while its rows are read. Panics
/// when it succeeds.
pub fn err(c: &Connection, q: &str) -> String {
    match c.query(q) {
        Ok(r) => match r.collect::<crate::Result<Vec<_>>>() {
            Ok(_) => panic!("{q}: expected an error"),
            Err(e) => e.to_string(),
        },
        Err(e) => e.to_string(),
    }
}

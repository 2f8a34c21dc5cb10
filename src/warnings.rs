//! The per-connection store of warnings (Kuzu's `WarningContext`): what `COPY`/`LOAD FROM`
//! with `IGNORE_ERRORS` skipped, as `CALL show_warnings()` lists it.
//!
//! Owns: `Warning`, `WarningStore` (at most `warning_limit` warnings are kept over all queries
//! until `CALL clear_warnings()`; every warning is still counted for the statement's
//! message), and the conversion from the loader's `InputError`.

use crate::error::InputError;

/// One skipped record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub message: String,
    pub file_path: String,
    pub line_number: u64,
    pub skipped_line_or_record: String,
}

impl Warning {
    /// The warning Kuzu reports for a record the CSV reader skipped.
    pub fn from_input_error(e: &InputError) -> Warning {
        Warning {
            message: e.reason.clone(),
            file_path: e.file.clone(),
            line_number: e.line,
            skipped_line_or_record: e.record.clone().unwrap_or_default(),
        }
    }
}

/// A stored warning with the id of the query that raised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredWarning {
    pub query_id: u64,
    pub warning: Warning,
}

#[derive(Debug, Clone, Default)]
pub struct WarningStore {
    stored: Vec<StoredWarning>,
}

impl WarningStore {
    /// Keeps `warnings` of query `query_id` while fewer than `limit` are stored; returns how
    /// many were kept.
    pub fn add(&mut self, query_id: u64, warnings: Vec<Warning>, limit: u64) -> usize {
        let room = (limit as usize).saturating_sub(self.stored.len());
        let kept = warnings.len().min(room);
        self.stored.extend(
            warnings
                .into_iter()
                .take(kept)
                .map(|warning| StoredWarning { query_id, warning }),
        );
        kept
    }

    pub fn list(&self) -> &[StoredWarning] {
        &self.stored
    }

    pub fn clear(&mut self) {
        self.stored.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(i: u64) -> Warning {
        Warning {
            message: format!("m{i}"),
            file_path: "f.csv".into(),
            line_number: i,
            skipped_line_or_record: format!("r{i}"),
        }
    }

    #[test]
    fn limit_spans_queries_until_cleared() {
        let mut s = WarningStore::default();
        assert_eq!(s.add(6, vec![w(1)], 2), 1);
        assert_eq!(s.add(7, vec![w(2), w(3)], 2), 1);
        assert_eq!(
            s.list(),
            &[
                StoredWarning {
                    query_id: 6,
                    warning: w(1)
                },
                StoredWarning {
                    query_id: 7,
                    warning: w(2)
                }
            ]
        );
        s.clear();
        assert!(s.list().is_empty());
        assert_eq!(s.add(8, vec![w(4), w(5), w(6)], 2), 2);
        assert_eq!(s.list()[1].warning.line_number, 5);
    }

    #[test]
    fn from_input_error_takes_reason_file_line_record() {
        let e = InputError::new("a.csv", 4, "expected 3 values per row, but got 2.")
            .with_record("8,39");
        assert_eq!(
            Warning::from_input_error(&e),
            Warning {
                message: "expected 3 values per row, but got 2.".into(),
                file_path: "a.csv".into(),
                line_number: 4,
                skipped_line_or_record: "8,39".into(),
            }
        );
    }
}

//! The bulk load pipeline: CSV files to column chunks, CSR groups and index pages.
pub mod csv;

//! The bulk load pipeline: CSV files to column chunks, CSR groups and index pages.

pub mod csv;
pub mod keys;
pub mod load;
pub mod pipeline;
pub mod schema;
pub mod spill;

//! Unit tests of the CSV reader.

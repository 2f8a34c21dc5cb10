//! Vectorized query execution.

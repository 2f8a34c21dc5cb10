//! The persistent primary-key hash index.

//! The runner of Kuzu's `.test` files.

//! The storage layer: the page file, the buffer pool and memory budget, column chunks, node
//! groups, CSR adjacency and the primary-key index. Knows nothing of Cypher or the loader.

pub mod alloc;
pub mod buffer;
pub mod column;
pub mod csr;
pub mod file;
pub mod header;
pub mod index;
pub mod keys;
pub mod page;
pub mod pager;
pub mod table;

//! The memory budget of queries: an adapter that lets exec operators reserve working memory
//! from the database's buffer pool (one budget for pages and operator state).

use crate::error::Result;
use crate::exec::MemoryBudget;
use crate::transaction::Store;
use std::sync::Arc;

/// `exec::MemoryBudget` over the buffer pool of a database: reservations evict unpinned pages
/// and fail with `Error::OutOfMemory` once nothing more can be freed.
pub struct PoolBudget {
    pub store: Arc<Store>,
}

impl MemoryBudget for PoolBudget {
    fn reserve(&self, bytes: u64) -> Result<()> {
        self.store.pager().pool().reserve(bytes)
    }
    fn release(&self, bytes: u64) {
        self.store.pager().pool().release(bytes)
    }
}

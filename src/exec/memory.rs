//! Working-memory accounting for operators that accumulate (hash tables, sorts, collects).
//!
//! Owns: the `MemoryBudget` trait (the buffer pool implements it for real queries),
//! `UnlimitedBudget` and `FixedBudget` (tests, tools), and `Reservation`, an RAII handle an
//! operator grows as it buffers rows and that gives its bytes back when dropped. A request the
//! budget cannot satisfy fails with `Error::OutOfMemory`; nothing aborts.

use crate::error::{Error, Result};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A shared pool of bytes operators reserve from before they buffer data.
pub trait MemoryBudget: Send + Sync {
    /// Takes `bytes` from the budget or fails with `Error::OutOfMemory`.
    fn reserve(&self, bytes: u64) -> Result<()>;
    /// Gives back bytes taken by `reserve`.
    fn release(&self, bytes: u64);
}

/// A budget that never refuses.
#[derive(Debug, Default)]
pub struct UnlimitedBudget;

impl MemoryBudget for UnlimitedBudget {
    fn reserve(&self, _bytes: u64) -> Result<()> {
        Ok(())
    }
    fn release(&self, _bytes: u64) {}
}

/// A budget of a fixed number of bytes.
#[derive(Debug)]
pub struct FixedBudget {
    limit: u64,
    used: AtomicU64,
}

impl FixedBudget {
    pub fn new(limit: u64) -> Self {
        FixedBudget {
            limit,
            used: AtomicU64::new(0),
        }
    }

    /// Bytes currently reserved.
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }
}

impl MemoryBudget for FixedBudget {
    fn reserve(&self, bytes: u64) -> Result<()> {
        let mut cur = self.used.load(Ordering::Relaxed);
        loop {
            let next = cur.saturating_add(bytes);
            if next > self.limit {
                return Err(Error::OutOfMemory {
                    requested: bytes,
                    budget: self.limit,
                });
            }
            match self
                .used
                .compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return Ok(()),
                Err(actual) => cur = actual,
            }
        }
    }

    fn release(&self, bytes: u64) {
        let _ = self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |u| {
                Some(u.saturating_sub(bytes))
            });
    }
}

/// Bytes an operator holds from a budget; released on drop.
pub struct Reservation {
    budget: Arc<dyn MemoryBudget>,
    bytes: u64,
}

impl Reservation {
    pub fn new(budget: Arc<dyn MemoryBudget>) -> Self {
        Reservation { budget, bytes: 0 }
    }

    /// Reserves `bytes` more.
    pub fn grow(&mut self, bytes: u64) -> Result<()> {
        if bytes == 0 {
            return Ok(());
        }
        self.budget.reserve(bytes)?;
        self.bytes += bytes;
        Ok(())
    }

    /// Grows or shrinks the reservation to exactly `bytes`.
    pub fn resize(&mut self, bytes: u64) -> Result<()> {
        if bytes > self.bytes {
            self.grow(bytes - self.bytes)
        } else {
            self.budget.release(self.bytes - bytes);
            self.bytes = bytes;
            Ok(())
        }
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.bytes > 0 {
            self.budget.release(self.bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_budget_refuses_past_limit_and_reservation_releases() {
        let b = Arc::new(FixedBudget::new(100));
        {
            let mut r = Reservation::new(b.clone());
            r.grow(60).unwrap();
            assert_eq!(b.used(), 60);
            let e = r.grow(50).unwrap_err();
            assert!(matches!(
                e,
                Error::OutOfMemory {
                    requested: 50,
                    budget: 100
                }
            ));
            r.resize(10).unwrap();
            assert_eq!(b.used(), 10);
        }
        assert_eq!(b.used(), 0);
        assert!(UnlimitedBudget.reserve(u64::MAX).is_ok());
    }
}

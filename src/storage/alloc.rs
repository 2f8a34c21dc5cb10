//! Page allocation: the end of the file and a list of free page ranges.
//!
//! Owns: `PageAllocator`. Pages freed by a change become reusable only after the header that
//! no longer references them is durable (copy-on-write checkpoints never overwrite live pages):
//! `free` puts ranges on a pending list, `commit_frees` (called after the header sync) moves
//! them to the free list. The free list is persisted as a blob referenced by the header.

use super::page::{Decoder, Encoder};
use crate::error::Result;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageAllocator {
    /// Pages `0..end` exist in the file; new pages are appended at `end`.
    end: u64,
    /// Reusable ranges (start, count), sorted by start, coalesced.
    free: Vec<(u64, u64)>,
    /// Ranges freed since the last checkpoint: not reusable yet.
    pending: Vec<(u64, u64)>,
}

impl PageAllocator {
    /// An allocator for a file whose pages `0..end` are in use.
    pub fn new(end: u64) -> Self {
        PageAllocator {
            end,
            free: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// Number of pages in the file.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// Allocates `n` contiguous pages and returns the first. Reuses a free range (first fit)
    /// before growing the file.
    pub fn allocate(&mut self, n: u64) -> u64 {
        if n == 0 {
            return self.end;
        }
        if let Some(i) = self.free.iter().position(|&(_, c)| c >= n) {
            let (s, c) = self.free[i];
            if c == n {
                self.free.remove(i);
            } else {
                self.free[i] = (s + n, c - n);
            }
            return s;
        }
        let s = self.end;
        self.end += n;
        s
    }

    /// Marks `n` pages from `start` as no longer referenced by the next checkpoint.
    pub fn free(&mut self, start: u64, n: u64) {
        if n > 0 {
            self.pending.push((start, n));
        }
    }

    /// After the checkpoint that stopped referencing them is durable, pending pages become
    /// reusable.
    pub fn commit_frees(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        self.free.extend(pending);
        self.free.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(self.free.len());
        for (s, c) in self.free.drain(..) {
            match merged.last_mut() {
                Some((ls, lc)) if *ls + *lc == s => *lc += c,
                _ => merged.push((s, c)),
            }
        }
        // The file never shrinks here: the previous checkpoint may still reference its tail
        // until the new header is durable.
        self.free = merged;
    }

    /// Appends `n` pages at the end of the file (never from the free list); returns the first.
    pub fn extend(&mut self, n: u64) -> u64 {
        let s = self.end;
        self.end += n;
        s
    }

    /// Bytes `encode` produces.
    pub fn encoded_len(&self) -> usize {
        12 + 16 * self.free.len()
    }

    /// Reusable ranges.
    pub fn free_ranges(&self) -> &[(u64, u64)] {
        &self.free
    }

    /// Ranges freed but not yet reusable.
    pub fn pending_ranges(&self) -> &[(u64, u64)] {
        &self.pending
    }

    pub fn free_page_count(&self) -> u64 {
        self.free.iter().map(|r| r.1).sum()
    }

    pub fn encode(&self, e: &mut Encoder) {
        e.u64(self.end);
        e.u32(self.free.len() as u32);
        for &(s, c) in &self.free {
            e.u64(s);
            e.u64(c);
        }
    }

    pub fn decode(d: &mut Decoder) -> Result<Self> {
        let end = d.u64()?;
        let n = d.u32()? as usize;
        let mut free = Vec::with_capacity(n.min(1 << 20));
        let mut last_end = 0u64;
        for _ in 0..n {
            let s = d.u64()?;
            let c = d.u64()?;
            if s < last_end || c == 0 || s.checked_add(c).is_none_or(|e| e > end) {
                return Err(d.bad("free list ranges are out of order or out of bounds"));
            }
            last_end = s + c;
            free.push((s, c));
        }
        Ok(PageAllocator {
            end,
            free,
            pending: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_reuse_and_coalescing() {
        let mut a = PageAllocator::new(1);
        assert_eq!(a.allocate(4), 1);
        assert_eq!(a.allocate(2), 5);
        assert_eq!(a.allocate(3), 7);
        a.free(1, 4);
        // Not reusable before the checkpoint commits.
        assert_eq!(a.allocate(1), 10);
        a.commit_frees();
        assert_eq!(a.free_ranges(), &[(1, 4)]);
        assert_eq!(a.allocate(3), 1);
        assert_eq!(a.free_ranges(), &[(4, 1)]);
        a.free(5, 2);
        a.free(10, 1);
        a.commit_frees();
        // 4..7 merged; the file keeps its length.
        assert_eq!(a.free_ranges(), &[(4, 3), (10, 1)]);
        assert_eq!(a.end(), 11);
        assert_eq!(a.extend(2), 11);
        assert_eq!(a.end(), 13);

        let mut e = Encoder::new();
        a.encode(&mut e);
        let b = PageAllocator::decode(&mut Decoder::new(&e.buf, "free list")).unwrap();
        assert_eq!(a, b);
        let mut bad = e.buf.clone();
        bad[0] = 2; // end = 2 < the free ranges
        assert!(PageAllocator::decode(&mut Decoder::new(&bad, "free list")).is_err());
    }
}

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
    /// Ranges no durable checkpoint references any more, but which an older snapshot that a
    /// reader still holds may read: free on disk (they are persisted with the free list, a
    /// fresh process has no such readers) but not handed out until `release`d.
    held: Vec<(u64, u64)>,
}

/// Sorts and merges adjacent ranges.
fn coalesce(mut ranges: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    ranges.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
    for (s, c) in ranges {
        match merged.last_mut() {
            Some((ls, lc)) if *ls + *lc == s => *lc += c,
            _ => merged.push((s, c)),
        }
    }
    merged
}

/// The parts of sorted, coalesced `a` not covered by sorted, coalesced `b`.
fn subtract(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for &(s, c) in a {
        let (mut at, end) = (s, s + c);
        for &(bs, bc) in b {
            let be = bs + bc;
            if be <= at || bs >= end {
                continue;
            }
            if bs > at {
                out.push((at, bs - at));
            }
            at = at.max(be);
        }
        if at < end {
            out.push((at, end - at));
        }
    }
    out
}

impl PageAllocator {
    /// `saved` (the allocator as a statement found it) with the releases made since kept:
    /// undoes the statement's allocations and frees, but ranges that were held in `saved` and
    /// have since been released (no reader can reach them) stay reusable. No checkpoint may
    /// have committed in between (it would have held new ranges).
    pub fn rolled_back_to(&self, saved: &PageAllocator) -> PageAllocator {
        let released = subtract(&saved.held, &self.held);
        let mut out = saved.clone();
        if !released.is_empty() {
            out.release(&released);
        }
        out
    }

    /// An allocator for a file whose pages `0..end` are in use.
    pub fn new(end: u64) -> Self {
        PageAllocator {
            end,
            free: Vec::new(),
            pending: Vec::new(),
            held: Vec::new(),
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
        // The file never shrinks here: the previous checkpoint may still reference its tail
        // until the new header is durable.
        self.free = coalesce(std::mem::take(&mut self.free));
    }

    /// Like `commit_frees`, for a file that readers may still see through older snapshots:
    /// the pending ranges become held (free on disk, not reused) and are returned, so the
    /// caller can `release` them once no snapshot that references them is alive.
    pub fn hold_pending(&mut self) -> Vec<(u64, u64)> {
        let pending = std::mem::take(&mut self.pending);
        self.held.extend(pending.iter().copied());
        self.held = coalesce(std::mem::take(&mut self.held));
        pending
    }

    /// Makes held ranges reusable (no reader can reach them any more).
    pub fn release(&mut self, ranges: &[(u64, u64)]) {
        for &(s, c) in ranges {
            // Remove [s, s+c) from the held ranges, splitting where needed.
            let mut rest = Vec::with_capacity(self.held.len() + 1);
            for &(hs, hc) in &self.held {
                let (he, e) = (hs + hc, s + c);
                if he <= s || e <= hs {
                    rest.push((hs, hc));
                    continue;
                }
                if hs < s {
                    rest.push((hs, s - hs));
                }
                if e < he {
                    rest.push((e, he - e));
                }
            }
            self.held = rest;
            self.free.push((s, c));
        }
        self.free = coalesce(std::mem::take(&mut self.free));
    }

    /// Makes every reusable range held (returned), for a process that opens a file other
    /// processes may be reading at older checkpoints: nothing free is reused until they
    /// have moved on.
    pub fn hold_free(&mut self) -> Vec<(u64, u64)> {
        let free = std::mem::take(&mut self.free);
        self.held.extend(free.iter().copied());
        self.held = coalesce(std::mem::take(&mut self.held));
        free
    }

    /// Held ranges (free on disk, not yet reusable here).
    pub fn held_ranges(&self) -> &[(u64, u64)] {
        &self.held
    }

    /// The free ranges as persisted: reusable and held together.
    fn on_disk_free(&self) -> Vec<(u64, u64)> {
        if self.held.is_empty() {
            return self.free.clone();
        }
        coalesce(self.free.iter().chain(&self.held).copied().collect())
    }

    /// Appends `n` pages at the end of the file (never from the free list); returns the first.
    pub fn extend(&mut self, n: u64) -> u64 {
        let s = self.end;
        self.end += n;
        s
    }

    /// Bytes `encode` produces.
    pub fn encoded_len(&self) -> usize {
        12 + 16 * self.on_disk_free().len()
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

    /// Persists the end and the free ranges (held ones included: a process that opens the
    /// file has no readers of older snapshots).
    pub fn encode(&self, e: &mut Encoder) {
        let free = self.on_disk_free();
        e.u64(self.end);
        e.u32(free.len() as u32);
        for &(s, c) in &free {
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
            if s < last_end.max(1) || c == 0 || s.checked_add(c).is_none_or(|e| e > end) {
                return Err(d.bad("free list ranges are out of order or out of bounds"));
            }
            last_end = s + c;
            free.push((s, c));
        }
        if d.remaining() != 0 {
            return Err(d.bad("trailing bytes"));
        }
        Ok(PageAllocator {
            end,
            free,
            pending: Vec::new(),
            held: Vec::new(),
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
        bad[0] = 2;
        assert!(PageAllocator::decode(&mut Decoder::new(&bad, "free list")).is_err());
    }

    #[test]
    fn hostile_free_lists_are_refused() {
        let list = |end: u64, n: u32, ranges: &[(u64, u64)]| {
            let mut e = Encoder::new();
            e.u64(end);
            e.u32(n);
            for &(s, c) in ranges {
                e.u64(s);
                e.u64(c);
            }
            e.buf
        };
        for bad in [
            list(10, 1, &[(0, 2)]),                     // page 0 is never free
            list(10, 1, &[(5, 0)]),                     // empty range
            list(10, 1, &[(8, 3)]),                     // past the end
            list(10, 1, &[(u64::MAX, 2)]),              // overflowing
            list(10, 2, &[(2, 3), (4, 1)]),             // overlapping
            list(10, u32::MAX, &[(2, 3)]),              // more ranges than bytes
            [list(10, 1, &[(2, 3)]), vec![0]].concat(), // trailing bytes
        ] {
            let e = PageAllocator::decode(&mut Decoder::new(&bad, "free list")).unwrap_err();
            assert!(matches!(e, crate::error::Error::Corrupted { .. }), "{e}");
        }
    }

    #[test]
    fn held_pages_are_persisted_free_but_not_reused_until_released() {
        let mut a = PageAllocator::new(1);
        assert_eq!(a.allocate(10), 1);
        a.free(2, 3);
        a.free(8, 2);
        assert_eq!(a.hold_pending(), vec![(2, 3), (8, 2)]);
        assert_eq!(a.held_ranges(), &[(2, 3), (8, 2)]);
        // Not handed out...
        assert_eq!(a.allocate(2), 11);
        // ...but free in the persisted list.
        let mut e = Encoder::new();
        a.encode(&mut e);
        let b = PageAllocator::decode(&mut Decoder::new(&e.buf, "free list")).unwrap();
        assert_eq!(b.free_ranges(), &[(2, 3), (8, 2)]);
        assert_eq!(a.encoded_len(), e.buf.len());
        // Released part by part.
        a.release(&[(3, 1)]);
        assert_eq!(a.held_ranges(), &[(2, 1), (4, 1), (8, 2)]);
        assert_eq!(a.free_ranges(), &[(3, 1)]);
        a.release(&[(2, 1), (4, 1), (8, 2)]);
        assert!(a.held_ranges().is_empty());
        assert_eq!(a.free_ranges(), &[(2, 3), (8, 2)]);
        assert_eq!(a.allocate(3), 2);
    }

    #[test]
    fn rollback_keeps_releases_made_since() {
        let mut a = PageAllocator::new(1);
        a.allocate(20);
        a.free(2, 3);
        a.free(10, 4);
        a.hold_pending();
        let saved = a.clone();
        // A statement allocates and frees; then its commit releases part of the held pages
        // before failing.
        assert_eq!(a.allocate(2), 21);
        a.free(15, 1);
        a.release(&[(11, 2)]);
        let back = a.rolled_back_to(&saved);
        assert_eq!(back.end(), 21);
        assert!(back.pending_ranges().is_empty());
        assert_eq!(back.held_ranges(), &[(2, 3), (10, 1), (13, 1)]);
        assert_eq!(back.free_ranges(), &[(11, 2)]);
        assert_eq!(
            subtract(&[(0, 10)], &[(2, 2), (5, 1), (9, 4)]),
            vec![(0, 2), (4, 1), (6, 3)]
        );
    }

    #[test]
    fn decode_rejects_an_end_before_the_free_ranges() {
        let mut a = PageAllocator::new(12);
        a.free(4, 3);
        a.commit_frees();
        let mut e = Encoder::new();
        a.encode(&mut e);
        let mut bad = e.buf.clone();
        bad[0] = 2; // end = 2 < the free ranges
        assert!(PageAllocator::decode(&mut Decoder::new(&bad, "free list")).is_err());
    }
}

//! The buffer pool and the one memory budget.
//!
//! Owns: `MemoryManager` (a byte budget that page frames, query operators and the loader all
//! draw from), `BufferPool` (page frames over a `StorageBackend`, CLOCK eviction, dirty
//! write-back) and the RAII pins `PageRef` (shared) and `PageMut` (exclusive). Every page that
//! enters the pool is verified (checksum and kind) before anyone sees it; a frame is allocated
//! only when needed, so an idle database holds almost no memory.
//!
//! Locking: one mutex over the page table (page → frame, frame owners, the clock hand); a
//! reader-writer lock per frame over its bytes. A frame's pin count is raised only under the
//! table lock, and eviction picks only frames whose pin count is zero under that same lock, so
//! a pinned page is never evicted. I/O happens under the frame lock, not the table lock,
//! except in `reserve` (working memory), whose rare evictions write back under both.
//!
//! Eviction of a dirty page: the victim leaves the page table under the table lock, but its
//! bytes reach the file only afterwards (outside the table lock). Until they do, the page is
//! listed in `Table::writing`; `pin`, `create` and `invalidate` of that page wait on the
//! `written` condition variable, so nobody reads the older bytes still in the file and no
//! later write of the page is overtaken by the in-flight one.

use super::file::StorageBackend;
use super::page::{self, PageKind, PageState, PAGE_PAYLOAD, PAGE_SIZE};
use crate::error::{Error, Result};
use parking_lot::{Condvar, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::collections::{HashMap, HashSet};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

/// The smallest budget that still lets a few pages be pinned at once.
pub const MIN_BUDGET: u64 = 64 * PAGE_SIZE as u64;

/// A byte budget shared by the buffer pool and working memory.
#[derive(Debug)]
pub struct MemoryManager {
    budget: u64,
    used: AtomicU64,
    /// The most `used` has been (the loader reports it).
    peak: AtomicU64,
    /// The part of `used` the bulk pipeline holds as working memory (see
    /// `loader::spill::MemCharge`), which must leave the pool room to pin pages.
    working: AtomicU64,
}

impl MemoryManager {
    pub fn new(budget: u64) -> Arc<Self> {
        Arc::new(MemoryManager {
            budget: budget.max(MIN_BUDGET),
            used: AtomicU64::new(0),
            peak: AtomicU64::new(0),
            working: AtomicU64::new(0),
        })
    }

    pub fn budget(&self) -> u64 {
        self.budget
    }

    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// Counts `bytes` more working memory if the working total stays within `limit`.
    pub fn take_working(&self, bytes: u64, limit: u64) -> bool {
        let mut cur = self.working.load(Ordering::Relaxed);
        loop {
            if cur + bytes > limit {
                return false;
            }
            match self.working.compare_exchange_weak(
                cur,
                cur + bytes,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => cur = now,
            }
        }
    }

    /// Returns working memory counted by `take_working`.
    pub fn give_working(&self, bytes: u64) {
        self.working.fetch_sub(bytes, Ordering::AcqRel);
    }

    /// The most bytes taken from the budget at once so far.
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }

    /// Takes `bytes` from the budget if they are free.
    pub fn try_reserve(&self, bytes: u64) -> bool {
        let mut cur = self.used.load(Ordering::Relaxed);
        loop {
            if cur + bytes > self.budget {
                return false;
            }
            match self.used.compare_exchange_weak(
                cur,
                cur + bytes,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    self.peak.fetch_max(cur + bytes, Ordering::Relaxed);
                    return true;
                }
                Err(now) => cur = now,
            }
        }
    }

    pub fn release(&self, bytes: u64) {
        self.used.fetch_sub(bytes, Ordering::AcqRel);
    }
}

const NO_PAGE: u64 = u64::MAX;

struct FrameState {
    page: u64,
    buf: Option<Box<[u8]>>,
    kind: Option<PageKind>,
    dirty: bool,
    valid: bool,
}

struct Frame {
    state: RwLock<FrameState>,
    pins: AtomicU32,
    referenced: AtomicBool,
    /// Set by `invalidate` on a frame that was pinned at the time: it has left the page table
    /// and its bytes must never be written back. Cleared when the frame is reused.
    discard: AtomicBool,
}

struct Table {
    map: HashMap<u64, usize>,
    /// The page each frame belongs to (NO_PAGE when free).
    owner: Vec<u64>,
    /// Whether the frame holds a buffer (counted against the budget).
    has_buf: Vec<bool>,
    /// Frames without a buffer and without a page, ready to be given one.
    free_slots: Vec<usize>,
    hand: usize,
    /// Evicted dirty pages whose write-back is in flight: no longer mapped, not yet in the
    /// file. Pinning one waits for `BufferPool::written`.
    writing: HashSet<u64>,
}

/// Counters for tests and `PROFILE`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
    pub writebacks: u64,
}

/// Page frames over one file.
pub struct BufferPool {
    file: Arc<dyn StorageBackend>,
    mem: Arc<MemoryManager>,
    frames: Vec<Frame>,
    table: Mutex<Table>,
    /// Signalled (under the table lock) when a page leaves `Table::writing`.
    written: Condvar,
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
    writebacks: AtomicU64,
    /// Set after a failed write-back of an evicted page (whose only copy was lost): the
    /// pool's view of the file can no longer be trusted.
    poisoned: AtomicBool,
}

impl BufferPool {
    /// A pool over `file` whose frames draw from `mem`. At most `mem.budget() / PAGE_SIZE`
    /// frames exist.
    pub fn new(file: Arc<dyn StorageBackend>, mem: Arc<MemoryManager>) -> Self {
        let n = (mem.budget() / PAGE_SIZE as u64).max(1) as usize;
        let frames = (0..n)
            .map(|_| Frame {
                state: RwLock::new(FrameState {
                    page: NO_PAGE,
                    buf: None,
                    kind: None,
                    dirty: false,
                    valid: false,
                }),
                pins: AtomicU32::new(0),
                referenced: AtomicBool::new(false),
                discard: AtomicBool::new(false),
            })
            .collect();
        BufferPool {
            file,
            mem,
            frames,
            table: Mutex::new(Table {
                map: HashMap::new(),
                owner: vec![NO_PAGE; n],
                has_buf: vec![false; n],
                free_slots: (0..n).rev().collect(),
                hand: 0,
                writing: HashSet::new(),
            }),
            written: Condvar::new(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
            writebacks: AtomicU64::new(0),
            poisoned: AtomicBool::new(false),
        }
    }

    pub fn memory(&self) -> &Arc<MemoryManager> {
        &self.mem
    }

    pub fn file(&self) -> &Arc<dyn StorageBackend> {
        &self.file
    }

    pub fn stats(&self) -> PoolStats {
        PoolStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            writebacks: self.writebacks.load(Ordering::Relaxed),
        }
    }

    fn check_poison(&self) -> Result<()> {
        if self.poisoned.load(Ordering::Acquire) {
            return Err(Error::corrupted(
                None,
                "an earlier write-back failed; reopen the database",
            ));
        }
        Ok(())
    }

    /// Pins page `page_no`, which must be a sealed page of `kind`, for reading.
    pub fn pin(&self, page_no: u64, kind: PageKind) -> Result<PageRef<'_>> {
        self.check_poison()?;
        loop {
            let mut t = self.lock_settled(page_no)?;
            if let Some(&fi) = t.map.get(&page_no) {
                let f = &self.frames[fi];
                f.pins.fetch_add(1, Ordering::AcqRel);
                f.referenced.store(true, Ordering::Relaxed);
                drop(t);
                let g = f.state.read();
                if g.page == page_no && g.valid {
                    if g.kind != Some(kind) {
                        let found = g.kind.map(|k| k.name()).unwrap_or("unknown");
                        drop(g);
                        f.pins.fetch_sub(1, Ordering::AcqRel);
                        return Err(Error::corrupted(
                            Some(page_no),
                            format!("expected a {} page, found a {} page", kind.name(), found),
                        ));
                    }
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    return Ok(PageRef {
                        pool: self,
                        frame: fi,
                        guard: g,
                    });
                }
                // The load by another thread failed; try ourselves.
                drop(g);
                f.pins.fetch_sub(1, Ordering::AcqRel);
                continue;
            }
            let (fi, mut w, evicted) = self.claim(&mut t, page_no)?;
            drop(t);
            self.misses.fetch_add(1, Ordering::Relaxed);
            match self
                .evict_write_back(&mut w, evicted)
                .and_then(|()| self.load(&mut w, page_no, kind))
            {
                Ok(()) => {
                    let g = RwLockWriteGuard::downgrade(w);
                    return Ok(PageRef {
                        pool: self,
                        frame: fi,
                        guard: g,
                    });
                }
                Err(e) => {
                    w.valid = false;
                    w.page = NO_PAGE;
                    drop(w);
                    self.forget(fi, page_no);
                    return Err(e);
                }
            }
        }
    }

    /// Pins page `page_no` for writing. The page must be a sealed page of `kind`.
    pub fn pin_mut(&self, page_no: u64, kind: PageKind) -> Result<PageMut<'_>> {
        // Make sure it is resident and verified, then upgrade by re-locking for write.
        let r = self.pin(page_no, kind)?;
        let fi = r.frame;
        // Keep our pin while we swap the read lock for a write lock.
        self.frames[fi].pins.fetch_add(1, Ordering::AcqRel);
        drop(r);
        let mut w = self.frames[fi].state.write();
        debug_assert_eq!(w.page, page_no);
        w.dirty = true;
        Ok(PageMut {
            pool: self,
            frame: fi,
            guard: w,
        })
    }

    /// Creates page `page_no` in the pool, zero-filled, without reading the file. It is written
    /// back (sealed as `kind`) when evicted or flushed.
    pub fn create(&self, page_no: u64, kind: PageKind) -> Result<PageMut<'_>> {
        self.check_poison()?;
        loop {
            let mut t = self.lock_settled(page_no)?;
            if let Some(&fi) = t.map.get(&page_no) {
                let f = &self.frames[fi];
                f.pins.fetch_add(1, Ordering::AcqRel);
                f.referenced.store(true, Ordering::Relaxed);
                drop(t);
                let mut w = f.state.write();
                // A frame whose load failed has left the table: start over.
                if w.page != page_no || !w.valid || w.buf.is_none() {
                    drop(w);
                    f.pins.fetch_sub(1, Ordering::AcqRel);
                    continue;
                }
                if let Some(b) = w.buf.as_mut() {
                    b.fill(0);
                }
                w.kind = Some(kind);
                w.dirty = true;
                return Ok(PageMut {
                    pool: self,
                    frame: fi,
                    guard: w,
                });
            }
            let (fi, mut w, evicted) = self.claim(&mut t, page_no)?;
            drop(t);
            if let Err(e) = self.evict_write_back(&mut w, evicted) {
                w.valid = false;
                w.page = NO_PAGE;
                drop(w);
                self.forget(fi, page_no);
                return Err(e);
            }
            let buf = w
                .buf
                .get_or_insert_with(|| vec![0u8; PAGE_SIZE].into_boxed_slice());
            buf.fill(0);
            w.page = page_no;
            w.kind = Some(kind);
            w.dirty = true;
            w.valid = true;
            return Ok(PageMut {
                pool: self,
                frame: fi,
                guard: w,
            });
        }
    }

    /// Locks the page table once `page_no` has no write-back in flight (its bytes are in the
    /// file, or it is mapped to a frame again).
    fn lock_settled(&self, page_no: u64) -> Result<parking_lot::MutexGuard<'_, Table>> {
        let mut t = self.table.lock();
        self.wait_written(&mut t, page_no);
        // The write-back we waited for may have failed.
        self.check_poison()?;
        Ok(t)
    }

    fn wait_written(&self, t: &mut parking_lot::MutexGuard<'_, Table>, page_no: u64) {
        while t.writing.contains(&page_no) {
            self.written.wait(t);
        }
    }

    /// Writes back the page `claim` evicted from this frame (if it was dirty), then lets
    /// threads waiting for that page proceed, whether the write succeeded or not (a failure
    /// poisons the pool, which they then report).
    fn evict_write_back(&self, w: &mut FrameState, evicted: Option<u64>) -> Result<()> {
        let Some(old) = evicted else {
            return Ok(());
        };
        let r = self.write_back(w);
        if r.is_err() {
            // The frame is reused for another page: the only copy of the evicted page's
            // bytes is gone, so the pool's view of the file can no longer be trusted.
            self.poisoned.store(true, Ordering::Release);
        }
        w.valid = false;
        let mut t = self.table.lock();
        t.writing.remove(&old);
        self.written.notify_all();
        r
    }

    /// Picks a frame for `page_no`: a never-used slot while the budget allows, else an unpinned
    /// frame by CLOCK. Maps it, pins it once and returns it write-locked, with the page it
    /// evicted if that page is dirty: the caller must pass it to `evict_write_back` before
    /// reusing the frame (until then the page is in `Table::writing`).
    fn claim<'a>(
        &'a self,
        t: &mut Table,
        page_no: u64,
    ) -> Result<(usize, RwLockWriteGuard<'a, FrameState>, Option<u64>)> {
        let n = self.frames.len();
        let mut chosen = None;
        // A slot without a buffer, if the budget has room for one more page.
        if !t.free_slots.is_empty() && self.mem.try_reserve(PAGE_SIZE as u64) {
            if let Some(fi) = t.free_slots.pop() {
                t.has_buf[fi] = true;
                chosen = Some(fi);
            }
        }
        if chosen.is_none() {
            for _ in 0..(2 * n + 1) {
                let fi = t.hand;
                t.hand = (t.hand + 1) % n;
                if !t.has_buf[fi] {
                    continue;
                }
                let f = &self.frames[fi];
                if f.pins.load(Ordering::Acquire) != 0 {
                    continue;
                }
                if f.referenced.swap(false, Ordering::Relaxed) {
                    continue;
                }
                chosen = Some(fi);
                break;
            }
        }
        let fi = chosen.ok_or(Error::OutOfMemory {
            requested: PAGE_SIZE as u64,
            budget: self.mem.budget(),
        })?;
        let f = &self.frames[fi];
        f.pins.store(1, Ordering::Release);
        f.referenced.store(true, Ordering::Relaxed);
        // Its pin count was zero under the table lock, so only `flush` or a reader finishing
        // its unpin can hold this frame's lock, briefly.
        let mut w = f.state.write();
        let old = t.owner[fi];
        if old != NO_PAGE {
            t.map.remove(&old);
            self.evictions.fetch_add(1, Ordering::Relaxed);
        }
        if f.discard.swap(false, Ordering::AcqRel) {
            w.dirty = false;
            w.valid = false;
        }
        // The frame's bytes are the only up-to-date copy of a dirty page: keep others from
        // reading the file's older copy until the caller has written it back.
        let evicted = if w.dirty && w.valid && w.page != NO_PAGE && w.buf.is_some() {
            t.writing.insert(w.page);
            Some(w.page)
        } else {
            None
        };
        t.owner[fi] = page_no;
        t.map.insert(page_no, fi);
        Ok((fi, w, evicted))
    }

    /// Undoes `claim` after a failed load.
    fn forget(&self, fi: usize, page_no: u64) {
        let mut t = self.table.lock();
        if t.map.get(&page_no) == Some(&fi) {
            t.map.remove(&page_no);
            t.owner[fi] = NO_PAGE;
        }
        self.frames[fi].pins.fetch_sub(1, Ordering::AcqRel);
    }

    fn write_back(&self, w: &mut FrameState) -> Result<()> {
        if !(w.dirty && w.valid) {
            return Ok(());
        }
        let (Some(buf), Some(kind)) = (w.buf.as_mut(), w.kind) else {
            return Ok(());
        };
        page::seal(w.page, kind, buf);
        // On failure the frame stays dirty and valid: its bytes are not lost, and `flush`
        // can be retried (or the frame discarded by a rollback). Only an eviction, which
        // reuses the frame regardless, loses them and poisons the pool.
        self.file.write_at(w.page * PAGE_SIZE as u64, buf)?;
        self.writebacks.fetch_add(1, Ordering::Relaxed);
        w.dirty = false;
        Ok(())
    }

    fn load(&self, w: &mut FrameState, page_no: u64, kind: PageKind) -> Result<()> {
        w.valid = false;
        let buf = w
            .buf
            .get_or_insert_with(|| vec![0u8; PAGE_SIZE].into_boxed_slice());
        let at = page_no
            .checked_mul(PAGE_SIZE as u64)
            .ok_or_else(|| Error::corrupted(Some(page_no), "page number beyond any file"))?;
        self.file.read_at(at, buf).map_err(|e| match e {
            // A page reference past the end of the file is damage, not an I/O problem.
            Error::Io { ref source, .. } if source.kind() == std::io::ErrorKind::UnexpectedEof => {
                Error::corrupted(Some(page_no), "page beyond the end of the file")
            }
            e => e,
        })?;
        match page::verify(page_no, buf)? {
            PageState::Sealed(k) if k == kind => {}
            PageState::Sealed(k) => {
                return Err(Error::corrupted(
                    Some(page_no),
                    format!("expected a {} page, found a {} page", kind.name(), k.name()),
                ))
            }
            PageState::Empty => {
                return Err(Error::corrupted(
                    Some(page_no),
                    format!("expected a {} page, found an empty page", kind.name()),
                ))
            }
        }
        w.page = page_no;
        w.kind = Some(kind);
        w.dirty = false;
        w.valid = true;
        Ok(())
    }

    /// Writes every dirty frame back (the caller syncs the file). The calling thread must not
    /// hold pins: a pinned dirty frame is waited for.
    pub fn flush(&self) -> Result<()> {
        self.check_poison()?;
        for f in &self.frames {
            if !f.state.read().dirty {
                continue;
            }
            let mut w = f.state.write();
            if f.discard.load(Ordering::Acquire) {
                continue;
            }
            self.write_back(&mut w)?;
        }
        Ok(())
    }

    /// Drops page `page_no` from the pool without writing it back (its page was freed or is
    /// about to be rewritten outside the pool). Waits for a write-back of the page already in
    /// flight, so it cannot land after the caller's own write. A frame still pinned leaves
    /// the page table at once (later pins read the file) and is never written back; its
    /// holders keep reading the bytes they had.
    pub fn invalidate(&self, page_no: u64) {
        let mut t = self.table.lock();
        self.wait_written(&mut t, page_no);
        let Some(&fi) = t.map.get(&page_no) else {
            return;
        };
        let f = &self.frames[fi];
        t.map.remove(&page_no);
        t.owner[fi] = NO_PAGE;
        if f.pins.load(Ordering::Acquire) == 0 {
            let mut w = f.state.write();
            w.valid = false;
            w.dirty = false;
            w.page = NO_PAGE;
        } else {
            f.discard.store(true, Ordering::Release);
        }
    }

    /// Drops every page from the pool, as `invalidate` does one (a read-only process that
    /// moved to a newer checkpoint: page numbers the writer may reuse must be read again).
    pub fn invalidate_all(&self) {
        let pages: Vec<u64> = self.table.lock().map.keys().copied().collect();
        for p in pages {
            self.invalidate(p);
        }
    }

    /// Takes `bytes` of working memory from the budget, evicting unpinned pages to make room.
    pub fn reserve(&self, bytes: u64) -> Result<()> {
        loop {
            if self.mem.try_reserve(bytes) {
                return Ok(());
            }
            if !self.release_one_frame()? {
                return Err(Error::OutOfMemory {
                    requested: bytes,
                    budget: self.mem.budget(),
                });
            }
        }
    }

    /// Returns working memory taken by `reserve`.
    pub fn release(&self, bytes: u64) {
        self.mem.release(bytes);
    }

    /// Evicts one unpinned frame and frees its buffer. False if none can be freed.
    fn release_one_frame(&self) -> Result<bool> {
        let mut t = self.table.lock();
        let n = self.frames.len();
        for _ in 0..(2 * n + 1) {
            let fi = t.hand;
            t.hand = (t.hand + 1) % n;
            if !t.has_buf[fi] || self.frames[fi].pins.load(Ordering::Acquire) != 0 {
                continue;
            }
            let f = &self.frames[fi];
            let mut w = f.state.write();
            if !f.discard.swap(false, Ordering::AcqRel) {
                self.write_back(&mut w)?;
            }
            let old = t.owner[fi];
            if old != NO_PAGE {
                t.map.remove(&old);
                self.evictions.fetch_add(1, Ordering::Relaxed);
            }
            t.owner[fi] = NO_PAGE;
            t.has_buf[fi] = false;
            t.free_slots.push(fi);
            w.buf = None;
            w.valid = false;
            w.page = NO_PAGE;
            self.mem.release(PAGE_SIZE as u64);
            return Ok(true);
        }
        Ok(false)
    }

    /// Number of frames currently holding a buffer.
    pub fn resident_frames(&self) -> usize {
        self.table.lock().has_buf.iter().filter(|b| **b).count()
    }
}

impl Drop for BufferPool {
    fn drop(&mut self) {
        let held = self.table.get_mut().has_buf.iter().filter(|b| **b).count() as u64;
        self.mem.release(held * PAGE_SIZE as u64);
    }
}

/// A pinned page, readable. Unpins on drop.
pub struct PageRef<'a> {
    pool: &'a BufferPool,
    frame: usize,
    guard: RwLockReadGuard<'a, FrameState>,
}

impl PageRef<'_> {
    /// The page's payload (the bytes its owner wrote).
    pub fn payload(&self) -> &[u8] {
        match self.guard.buf.as_deref() {
            Some(b) => &b[..PAGE_PAYLOAD],
            None => &[],
        }
    }

    pub fn page_no(&self) -> u64 {
        self.guard.page
    }
}

impl Deref for PageRef<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.payload()
    }
}

impl Drop for PageRef<'_> {
    fn drop(&mut self) {
        self.pool.frames[self.frame]
            .pins
            .fetch_sub(1, Ordering::AcqRel);
    }
}

/// A pinned page, writable and marked dirty. Unpins on drop.
pub struct PageMut<'a> {
    pool: &'a BufferPool,
    frame: usize,
    guard: RwLockWriteGuard<'a, FrameState>,
}

impl PageMut<'_> {
    pub fn page_no(&self) -> u64 {
        self.guard.page
    }
}

impl Deref for PageMut<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self.guard.buf.as_deref() {
            Some(b) => &b[..PAGE_PAYLOAD],
            None => &[],
        }
    }
}

impl DerefMut for PageMut<'_> {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self.guard.buf.as_deref_mut() {
            Some(b) => &mut b[..PAGE_PAYLOAD],
            None => &mut [],
        }
    }
}

impl Drop for PageMut<'_> {
    fn drop(&mut self) {
        self.pool.frames[self.frame]
            .pins
            .fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::file::MemBackend;
    use std::sync::mpsc;

    fn file_with_pages(n: u64) -> MemBackend {
        let m = MemBackend::new();
        for p in 0..n {
            let mut buf = vec![0u8; PAGE_SIZE];
            buf[..8].copy_from_slice(&p.to_le_bytes());
            page::seal(p, PageKind::Column, &mut buf);
            m.write_at(p * PAGE_SIZE as u64, &buf).unwrap();
        }
        m
    }

    fn page_id(r: &[u8]) -> u64 {
        u64::from_le_bytes(r[..8].try_into().unwrap())
    }

    #[test]
    fn reads_through_a_small_pool() {
        let m = file_with_pages(200);
        let mem = MemoryManager::new(MIN_BUDGET);
        let pool = BufferPool::new(Arc::new(m), mem.clone());
        for round in 0..3 {
            for p in 0..200 {
                let r = pool.pin(p, PageKind::Column).unwrap();
                assert_eq!(page_id(&r), p, "round {round}");
            }
        }
        assert!(pool.resident_frames() <= 64);
        assert!(pool.stats().evictions > 0);
        assert_eq!(mem.used(), pool.resident_frames() as u64 * PAGE_SIZE as u64);
    }

    #[test]
    fn pinned_pages_are_not_evicted_and_exhaustion_is_an_error() {
        let m = file_with_pages(100);
        let pool = BufferPool::new(Arc::new(m), MemoryManager::new(MIN_BUDGET));
        let held: Vec<_> = (0..64)
            .map(|p| pool.pin(p, PageKind::Column).unwrap())
            .collect();
        let e = pool.pin(70, PageKind::Column).err().unwrap();
        assert!(matches!(e, Error::OutOfMemory { .. }));
        for (p, r) in held.iter().enumerate() {
            assert_eq!(page_id(r), p as u64);
        }
        drop(held);
        assert_eq!(page_id(&pool.pin(70, PageKind::Column).unwrap()), 70);
    }

    #[test]
    fn corrupt_page_is_an_error_every_time() {
        let m = file_with_pages(4);
        let mut b = [0u8; 1];
        m.read_at(2 * PAGE_SIZE as u64 + 100, &mut b).unwrap();
        m.write_at(2 * PAGE_SIZE as u64 + 100, &[b[0] ^ 1]).unwrap();
        let pool = BufferPool::new(Arc::new(m), MemoryManager::new(MIN_BUDGET));
        for _ in 0..2 {
            match pool.pin(2, PageKind::Column) {
                Err(Error::Corrupted { page: Some(2), .. }) => {}
                other => panic!("expected corruption, got {:?}", other.map(|_| ())),
            }
        }
        assert!(pool.pin(1, PageKind::Column).is_ok());
        assert!(pool.pin(1, PageKind::Index).is_err());
    }

    #[test]
    fn dirty_pages_are_written_back_sealed() {
        let m = MemBackend::new();
        let pool = BufferPool::new(Arc::new(m.clone()), MemoryManager::new(MIN_BUDGET));
        for p in 0..300u64 {
            let mut w = pool.create(p, PageKind::Index).unwrap();
            w[..8].copy_from_slice(&(p * 7).to_le_bytes());
        }
        for p in (0..300u64).rev() {
            let r = pool.pin(p, PageKind::Index).unwrap();
            assert_eq!(page_id(&r), p * 7);
        }
        {
            let mut w = pool.pin_mut(5, PageKind::Index).unwrap();
            w[..8].copy_from_slice(&99u64.to_le_bytes());
        }
        pool.flush().unwrap();
        let bytes = m.contents();
        for p in 0..300u64 {
            let pg = &bytes[p as usize * PAGE_SIZE..(p as usize + 1) * PAGE_SIZE];
            assert_eq!(
                page::verify(p, pg).unwrap(),
                PageState::Sealed(PageKind::Index)
            );
            assert_eq!(page_id(pg), if p == 5 { 99 } else { p * 7 });
        }
    }

    #[test]
    fn working_memory_evicts_pages() {
        let m = file_with_pages(64);
        let mem = MemoryManager::new(MIN_BUDGET);
        let pool = BufferPool::new(Arc::new(m), mem.clone());
        for p in 0..64 {
            pool.pin(p, PageKind::Column).unwrap();
        }
        assert_eq!(mem.used(), MIN_BUDGET);
        pool.reserve(10 * PAGE_SIZE as u64).unwrap();
        assert_eq!(pool.resident_frames(), 54);
        let held = pool.pin(0, PageKind::Column).unwrap();
        assert!(pool.reserve(MIN_BUDGET).is_err());
        drop(held);
        pool.release(10 * PAGE_SIZE as u64);
    }

    #[test]
    fn concurrent_readers_see_their_pages() {
        let m = file_with_pages(500);
        let pool = Arc::new(BufferPool::new(Arc::new(m), MemoryManager::new(MIN_BUDGET)));
        let hs: Vec<_> = (0..4)
            .map(|t| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    for i in 0..5000u64 {
                        let p = (i * 31 + t * 7) % 500;
                        let r = pool.pin(p, PageKind::Column).unwrap();
                        assert_eq!(page_id(&r), p);
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
    }

    /// A backend whose first write after `arm` waits until the test lets it finish, so a
    /// write-back can be held "in flight" while other threads use the pool.
    struct GatedBackend {
        inner: MemBackend,
        armed: AtomicBool,
        entered: parking_lot::Mutex<Option<std::sync::mpsc::Sender<u64>>>,
        go: parking_lot::Mutex<Option<std::sync::mpsc::Receiver<()>>>,
    }

    impl StorageBackend for GatedBackend {
        fn len(&self) -> Result<u64> {
            self.inner.len()
        }
        fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
            self.inner.read_at(offset, buf)
        }
        fn write_at(&self, offset: u64, buf: &[u8]) -> Result<()> {
            if self.armed.swap(false, Ordering::AcqRel) {
                if let Some(tx) = self.entered.lock().take() {
                    let _ = tx.send(offset / PAGE_SIZE as u64);
                }
                let rx = self.go.lock().take();
                if let Some(rx) = rx {
                    let _ = rx.recv();
                }
            }
            self.inner.write_at(offset, buf)
        }
        fn set_len(&self, len: u64) -> Result<()> {
            self.inner.set_len(len)
        }
        fn sync(&self) -> Result<()> {
            self.inner.sync()
        }
    }

    /// The write-back of an evicted dirty page is held in flight while another thread pins
    /// that page: it must see the written value, never the older bytes still in the file.
    /// (Before the fix the evicted page left the page table before its bytes reached the
    /// file, so a concurrent pin read the stale file page: a wrong answer, not an error.)
    #[test]
    fn pin_during_write_back_of_the_same_page_sees_the_new_bytes() {
        let (gated, entered_rx, go_tx) = gated(65);
        let pool = Arc::new(BufferPool::new(
            gated.clone(),
            MemoryManager::new(MIN_BUDGET),
        ));
        // Page 0 is dirty with a new value, then 63 more pages fill the 64 frames.
        pool.pin_mut(0, PageKind::Column).unwrap()[..8].copy_from_slice(&1000u64.to_le_bytes());
        for p in 1..64 {
            assert_eq!(page_id(&pool.pin(p, PageKind::Column).unwrap()), p);
        }
        gated.armed.store(true, Ordering::Release);
        // Pinning page 64 evicts page 0 (CLOCK's first victim) and blocks in its write-back.
        let evictor = {
            let pool = pool.clone();
            std::thread::spawn(move || page_id(&pool.pin(64, PageKind::Column).unwrap()))
        };
        assert_eq!(entered_rx.recv().unwrap(), 0);
        let (seen_tx, seen_rx) = mpsc::channel();
        let reader = {
            let pool = pool.clone();
            std::thread::spawn(move || {
                let v = pool.pin(0, PageKind::Column).map(|r| page_id(&r));
                let _ = seen_tx.send(v.is_ok());
                v
            })
        };
        // A correct pool makes the reader wait for the write-back; a racy one answers at once
        // from the file. Either way, let the write-back finish after a moment.
        let early = seen_rx.recv_timeout(std::time::Duration::from_millis(300));
        go_tx.send(()).unwrap();
        assert_eq!(evictor.join().unwrap(), 64);
        assert_eq!(
            reader.join().unwrap().unwrap(),
            1000,
            "early answer: {early:?}"
        );
    }

    fn gated(pages: u64) -> (Arc<GatedBackend>, mpsc::Receiver<u64>, mpsc::Sender<()>) {
        let (entered_tx, entered_rx) = mpsc::channel();
        let (go_tx, go_rx) = mpsc::channel();
        let g = Arc::new(GatedBackend {
            inner: file_with_pages(pages),
            armed: AtomicBool::new(false),
            entered: parking_lot::Mutex::new(Some(entered_tx)),
            go: parking_lot::Mutex::new(Some(go_rx)),
        });
        (g, entered_rx, go_tx)
    }

    /// `invalidate` of a page whose write-back is in flight waits for it: the caller's own
    /// write of the page (outside the pool) must not be overwritten by the older bytes.
    #[test]
    fn invalidate_waits_for_a_write_back_in_flight() {
        let (gated, entered, go) = gated(65);
        let pool = Arc::new(BufferPool::new(
            gated.clone(),
            MemoryManager::new(MIN_BUDGET),
        ));
        pool.pin_mut(0, PageKind::Column).unwrap()[..8].copy_from_slice(&1000u64.to_le_bytes());
        for p in 1..64 {
            pool.pin(p, PageKind::Column).unwrap();
        }
        gated.armed.store(true, Ordering::Release);
        let evictor = {
            let pool = pool.clone();
            std::thread::spawn(move || page_id(&pool.pin(64, PageKind::Column).unwrap()))
        };
        assert_eq!(entered.recv().unwrap(), 0);
        let (done_tx, done_rx) = mpsc::channel();
        let rewriter = {
            let (pool, gated) = (pool.clone(), gated.clone());
            std::thread::spawn(move || {
                pool.invalidate(0);
                let mut buf = vec![0u8; PAGE_SIZE];
                buf[..8].copy_from_slice(&555u64.to_le_bytes());
                page::seal(0, PageKind::Column, &mut buf);
                gated.inner.write_at(0, &buf).unwrap();
                let _ = done_tx.send(());
            })
        };
        let _ = done_rx.recv_timeout(std::time::Duration::from_millis(300));
        go.send(()).unwrap();
        assert_eq!(evictor.join().unwrap(), 64);
        rewriter.join().unwrap();
        assert_eq!(page_id(&gated.inner.contents()[..PAGE_SIZE]), 555);
        assert_eq!(page_id(&pool.pin(0, PageKind::Column).unwrap()), 555);
    }

    /// A page invalidated while pinned leaves the table at once (later pins read the file)
    /// and its frame is never written back, by a flush or by eviction; the holder keeps its
    /// bytes.
    #[test]
    fn invalidate_of_a_pinned_page_discards_it() {
        let m = file_with_pages(200);
        let pool = BufferPool::new(Arc::new(m.clone()), MemoryManager::new(MIN_BUDGET));
        pool.pin_mut(1, PageKind::Column).unwrap()[..8].copy_from_slice(&77u64.to_le_bytes());
        let held = pool.pin(1, PageKind::Column).unwrap();
        pool.invalidate(1);
        assert_eq!(page_id(&pool.pin(1, PageKind::Column).unwrap()), 1);
        assert_eq!(page_id(&held), 77);
        drop(held);
        pool.flush().unwrap();
        assert_eq!(page_id(&m.contents()[PAGE_SIZE..]), 1);
        for p in 2..200 {
            pool.pin(p, PageKind::Column).unwrap();
        }
        pool.flush().unwrap();
        assert_eq!(page_id(&m.contents()[PAGE_SIZE..]), 1);
        assert_eq!(page_id(&pool.pin(1, PageKind::Column).unwrap()), 1);
    }

    /// A backend that yields the CPU inside every write, as a loaded machine would: it widens
    /// the window between an eviction and the moment its bytes reach the file.
    struct YieldingBackend(MemBackend);

    impl StorageBackend for YieldingBackend {
        fn len(&self) -> Result<u64> {
            self.0.len()
        }
        fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
            self.0.read_at(offset, buf)
        }
        fn write_at(&self, offset: u64, buf: &[u8]) -> Result<()> {
            std::thread::yield_now();
            self.0.write_at(offset, buf)
        }
        fn set_len(&self, len: u64) -> Result<()> {
            self.0.set_len(len)
        }
        fn sync(&self) -> Result<()> {
            self.0.sync()
        }
    }

    /// Four threads write and read back their own pages of a 64-frame pool over 256 pages, so
    /// every pin may evict another thread's dirty page and every read may race a write-back of
    /// its own page. Each read must return what its thread last wrote.
    #[test]
    fn concurrent_writers_read_back_their_own_pages() {
        let pool = Arc::new(BufferPool::new(
            Arc::new(YieldingBackend(file_with_pages(256))),
            MemoryManager::new(MIN_BUDGET),
        ));
        let hs: Vec<_> = (0..4u64)
            .map(|t| {
                let pool = pool.clone();
                std::thread::spawn(move || -> std::result::Result<(), String> {
                    let mut model: Vec<u64> = (0..64).map(|i| i * 4 + t).collect();
                    let mut x = t + 1;
                    for i in 0..20_000u64 {
                        x = x
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        let slot = ((x >> 33) % 64) as usize;
                        let p = slot as u64 * 4 + t;
                        if (x >> 20) % 3 == 0 {
                            let v = 1_000_000 + i;
                            let mut w = pool
                                .pin_mut(p, PageKind::Column)
                                .map_err(|e| e.to_string())?;
                            w[..8].copy_from_slice(&v.to_le_bytes());
                            model[slot] = v;
                        } else {
                            let r = pool.pin(p, PageKind::Column).map_err(|e| e.to_string())?;
                            if page_id(&r) != model[slot] {
                                return Err(format!(
                                    "thread {t} step {i}: page {p} read {} instead of {}",
                                    page_id(&r),
                                    model[slot]
                                ));
                            }
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for h in hs {
            assert_eq!(h.join().unwrap(), Ok(()));
        }
        assert!(pool.stats().evictions > 1000);
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Op {
            /// Pin page p and keep the guard (up to a limit).
            Pin(u64),
            /// Drop the i-th held guard.
            Unpin(usize),
            /// Overwrite page p's first word (pinned for writing, then released).
            Write(u64, u64),
            /// Take and return working memory, forcing evictions.
            Squeeze(u64),
            /// Write everything back.
            Flush,
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                4 => (0..300u64).prop_map(Op::Pin),
                3 => (0..64usize).prop_map(Op::Unpin),
                3 => (0..300u64, any::<u64>()).prop_map(|(p, v)| Op::Write(p, v)),
                1 => (1..40u64).prop_map(Op::Squeeze),
                1 => Just(Op::Flush),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]
            /// Random pin/unpin/write/evict sequences on a pool of 64 frames over 300 pages:
            /// every page always reads back as last written, in the pool and after a flush.
            #[test]
            fn pool_keeps_contents(ops in proptest::collection::vec(op(), 1..400)) {
                let m = file_with_pages(300);
                let pool = BufferPool::new(Arc::new(m.clone()), MemoryManager::new(MIN_BUDGET));
                let mut model: Vec<u64> = (0..300).collect();
                let mut held: Vec<PageRef<'_>> = Vec::new();
                for o in ops {
                    match o {
                        Op::Pin(p) => {
                            if held.len() < 40 {
                                let r = pool.pin(p, PageKind::Column).unwrap();
                                prop_assert_eq!(page_id(&r), model[p as usize]);
                                held.push(r);
                            }
                        }
                        Op::Unpin(i) => {
                            if !held.is_empty() {
                                let i = i % held.len();
                                let r = held.swap_remove(i);
                                let p = r.page_no();
                                prop_assert_eq!(page_id(&r), model[p as usize]);
                            }
                        }
                        Op::Write(p, v) => {
                            if held.iter().any(|r| r.page_no() == p) {
                                continue; // a held shared pin blocks the writer
                            }
                            let mut w = pool.pin_mut(p, PageKind::Column).unwrap();
                            w[..8].copy_from_slice(&v.to_le_bytes());
                            model[p as usize] = v;
                        }
                        Op::Squeeze(n) => {
                            let bytes = n * PAGE_SIZE as u64;
                            if pool.reserve(bytes).is_ok() {
                                pool.release(bytes);
                            }
                        }
                        Op::Flush => {
                            // Flushing takes each frame's write lock: release this thread's
                            // own pins first (the checkpoint holds none either).
                            held.clear();
                            pool.flush().unwrap()
                        }
                    }
                    prop_assert!(pool.resident_frames() <= 64);
                }
                for r in &held {
                    prop_assert_eq!(page_id(r), model[r.page_no() as usize]);
                }
                drop(held);
                pool.flush().unwrap();
                let bytes = m.contents();
                for p in 0..300usize {
                    let pg = &bytes[p * PAGE_SIZE..(p + 1) * PAGE_SIZE];
                    prop_assert_eq!(page::verify(p as u64, pg).unwrap(), PageState::Sealed(PageKind::Column));
                    prop_assert_eq!(page_id(pg), model[p]);
                }
            }
        }
    }
}

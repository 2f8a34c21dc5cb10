//! The page file: one database file of 4 KiB pages, its header, its allocator, its pool.
//!
//! Owns: `Pager`, which creates and opens database files, writes runs of sealed pages
//! straight to the file (the loader's path, bypassing the pool), reads blobs through the pool,
//! and performs the copy-on-write checkpoint: new blobs → sync → header slot → sync → frees.
//!
//! A checkpoint computes the next allocator and header on copies and installs them only once
//! its header slot is durable: a checkpoint that fails leaves the pager exactly as it was
//! (its pages are unreferenced, the caller rolls back its statement's allocations with
//! `rollback_allocations`). A failed sync fences the file: every later write, resize or sync
//! through this pager fails until the database is reopened, because the kernel may have
//! dropped the pages whose write-back failed and a later successful sync would not mean they
//! reached the disk (PostgreSQL and redb do the same).

use super::alloc::PageAllocator;
use super::buffer::{BufferPool, MemoryManager};
use super::file::StorageBackend;
use super::header::{BlobRef, CreationState, Header, Slot, SLOT_OFFSETS};
use super::page::{self, Decoder, Encoder, PageKind, PAGE_PAYLOAD, PAGE_SIZE};
use crate::error::{Error, Result};
use parking_lot::Mutex;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

struct PagerState {
    header: Header,
    alloc: PageAllocator,
    /// Whether freed pages wait for `release` after their checkpoint (a database whose readers
    /// hold older snapshots) instead of becoming reusable at once (a loader writing alone).
    defer_frees: bool,
    /// Ranges the last checkpoint stopped referencing, while `defer_frees`.
    retired: Vec<(u64, u64)>,
}

/// The backend as the pager and its pool use it: once a sync has failed, every later write,
/// resize and sync fails with an error that says so. Reads go on (the pages of the last
/// durable checkpoint were never overwritten).
struct Fenced {
    inner: Arc<dyn StorageBackend>,
    failed: AtomicBool,
    path: PathBuf,
}

impl Fenced {
    fn check(&self) -> Result<()> {
        if self.failed.load(Ordering::Acquire) {
            return Err(Error::io(
                format!(
                    "cannot write {}: an earlier sync of the file failed, so what reached the \
                     disk is unknown; writes are refused until the database is reopened",
                    self.path.display()
                ),
                std::io::Error::other("writes refused after a failed sync"),
            ));
        }
        Ok(())
    }
}

impl StorageBackend for Fenced {
    fn len(&self) -> Result<u64> {
        self.inner.len()
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        self.inner.read_at(offset, buf)
    }

    fn write_at(&self, offset: u64, buf: &[u8]) -> Result<()> {
        self.check()?;
        self.inner.write_at(offset, buf)
    }

    fn set_len(&self, len: u64) -> Result<()> {
        self.check()?;
        self.inner.set_len(len)
    }

    fn sync(&self) -> Result<()> {
        self.check()?;
        let r = self.inner.sync();
        if r.is_err() {
            self.failed.store(true, Ordering::Release);
        }
        r
    }
}

/// An open database file.
pub struct Pager {
    backend: Arc<dyn StorageBackend>,
    fence: Arc<Fenced>,
    pool: BufferPool,
    state: Mutex<PagerState>,
    /// Held for the whole of a checkpoint: one at a time.
    checkpointing: Mutex<()>,
    path: PathBuf,
    /// Pages written by `write_run` (column chunks, blobs, the free list) since opening.
    runs_written: std::sync::atomic::AtomicU64,
}

/// What a checkpoint stores besides the pages it references.
pub struct CheckpointData<'a> {
    pub catalog: &'a [u8],
    pub metadata: &'a [u8],
}

/// What a new database file starts with (`Pager::open_for_write` recreating a file whose
/// creation was interrupted).
pub struct NewFile {
    pub db_id: [u8; 16],
    pub catalog: Vec<u8>,
    pub metadata: Vec<u8>,
}

const UNFINISHED: &str = "the database file was never completely created (its creation was \
                          interrupted before the first checkpoint); opening it for writing \
                          creates it anew";

/// The first `min(len, PAGE_SIZE)` bytes of the file.
fn read_start(backend: &dyn StorageBackend) -> Result<Vec<u8>> {
    let len = backend.len()?;
    let mut start = vec![0u8; len.min(PAGE_SIZE as u64) as usize];
    backend.read_at(0, &mut start)?;
    Ok(start)
}

/// Whether the file is what an interrupted `Pager::create` leaves behind: no checkpoint was
/// ever written, so it holds no data (see `Header::creation_state`). A file whose page 0 is
/// blank counts only if every later page is a ruzu page (sealed at its own position, or
/// empty), so a foreign file is never taken for one.
fn unfinished_creation(backend: &dyn StorageBackend, start: &[u8]) -> Result<bool> {
    match Header::creation_state(start) {
        CreationState::Unfinished => Ok(true),
        CreationState::NotUnfinished => Ok(false),
        CreationState::Blank => {
            let pages = backend.len()? / PAGE_SIZE as u64;
            let mut buf = vec![0u8; PAGE_SIZE];
            for p in 1..pages {
                backend.read_at(p * PAGE_SIZE as u64, &mut buf)?;
                if page::verify(p, &buf).is_err() {
                    return Ok(false);
                }
            }
            Ok(true)
        }
    }
}

/// The byte offset of page `page`, or a corruption error if no file can be that long.
fn page_offset(page: u64) -> Result<u64> {
    page.checked_mul(PAGE_SIZE as u64)
        .ok_or_else(|| Error::corrupted(None, format!("page {page} is beyond any file")))
}

impl Pager {
    /// A pager over `backend` (wrapped in the sync fence) with `state`.
    fn assemble(
        backend: Arc<dyn StorageBackend>,
        mem: Arc<MemoryManager>,
        path: &Path,
        state: PagerState,
    ) -> Pager {
        let fence = Arc::new(Fenced {
            inner: backend,
            failed: AtomicBool::new(false),
            path: path.to_path_buf(),
        });
        let backend: Arc<dyn StorageBackend> = fence.clone();
        Pager {
            pool: BufferPool::new(backend.clone(), mem),
            backend,
            fence,
            state: Mutex::new(state),
            checkpointing: Mutex::new(()),
            runs_written: std::sync::atomic::AtomicU64::new(0),
            path: path.to_path_buf(),
        }
    }

    /// Starts a new database in an empty backend: writes the header prefix and an initial
    /// checkpoint holding `catalog` and `metadata`.
    pub fn create(
        backend: Arc<dyn StorageBackend>,
        mem: Arc<MemoryManager>,
        path: &Path,
        db_id: [u8; 16],
        catalog: &[u8],
        metadata: &[u8],
    ) -> Result<Pager> {
        if backend.len()? != 0 {
            return Err(Error::io(
                format!("cannot create {}", path.display()),
                std::io::Error::from(std::io::ErrorKind::AlreadyExists),
            ));
        }
        let pager = Pager::assemble(
            backend,
            mem,
            path,
            PagerState {
                header: Header {
                    db_id,
                    slots: [None, None],
                    current: 1,
                },
                alloc: PageAllocator::new(1),
                defer_frees: false,
                retired: Vec::new(),
            },
        );
        pager.backend.write_at(0, &Header::encode_page0(&db_id))?;
        pager.checkpoint(CheckpointData { catalog, metadata })?;
        Ok(pager)
    }

    /// Opens an existing database file and returns it with its catalog and metadata blobs.
    pub fn open(
        backend: Arc<dyn StorageBackend>,
        mem: Arc<MemoryManager>,
        path: &Path,
    ) -> Result<(Pager, Vec<u8>, Vec<u8>)> {
        let len = backend.len()?;
        let page0 = read_start(&*backend)?;
        let decoded = if page0.len() == PAGE_SIZE {
            Header::decode(&page0, path, false)
        } else if page0.starts_with(&super::header::MAGIC) {
            Err(Error::corrupted(Some(0), "file is shorter than its header"))
        } else {
            Err(Error::NotADatabase {
                path: path.to_path_buf(),
            })
        };
        let header = match decoded {
            Ok(h) => h,
            Err(e) => {
                if unfinished_creation(&*backend, &page0)? {
                    return Err(Error::corrupted(Some(0), UNFINISHED));
                }
                return Err(e);
            }
        };
        let slot = header.current_slot();
        let need = page_offset(slot.page_count)?;
        if len < need {
            return Err(Error::corrupted(
                None,
                format!(
                    "file has {} bytes but its checkpoint needs {} pages",
                    len, slot.page_count
                ),
            ));
        }
        let pager = Pager::assemble(
            backend,
            mem,
            path,
            PagerState {
                header,
                alloc: PageAllocator::new(slot.page_count),
                defer_frees: false,
                retired: Vec::new(),
            },
        );
        let free = pager.read_blob(slot.free_list, PageKind::FreeList)?;
        let alloc = if slot.free_list.page_count == 0 {
            PageAllocator::new(slot.page_count)
        } else {
            PageAllocator::decode(&mut Decoder::new(&free, "free list"))?
        };
        if alloc.end() != slot.page_count {
            return Err(Error::corrupted(
                None,
                "free list disagrees with the header on the file length",
            ));
        }
        pager.state.lock().alloc = alloc;
        let catalog = pager.read_blob(slot.catalog, PageKind::Catalog)?;
        let metadata = pager.read_blob(slot.metadata, PageKind::Metadata)?;
        Ok((pager, catalog, metadata))
    }

    /// Opens an existing database file for writing (the caller holds the file's exclusive
    /// lock) and returns it with its catalog and metadata blobs. Bytes past the checkpoint's
    /// last page, left by a write that was interrupted or failed (a COPY killed mid-write),
    /// are free space nobody references: they are cut off.
    ///
    /// A file whose creation was interrupted before its first checkpoint (empty, shorter than
    /// a header, or a header with no slot ever written) holds no data: it is created anew
    /// from `fresh`. A file with a checkpoint, of another format, or foreign is never
    /// replaced.
    pub fn open_for_write(
        backend: Arc<dyn StorageBackend>,
        mem: Arc<MemoryManager>,
        path: &Path,
        fresh: impl FnOnce() -> Result<NewFile>,
    ) -> Result<(Pager, Vec<u8>, Vec<u8>)> {
        let start = read_start(&*backend)?;
        let has_header = start.len() == PAGE_SIZE && Header::decode(&start, path, false).is_ok();
        if !has_header && unfinished_creation(&*backend, &start)? {
            let f = fresh()?;
            backend.set_len(0)?;
            let pager = Pager::create(backend, mem, path, f.db_id, &f.catalog, &f.metadata)?;
            return Ok((pager, f.catalog, f.metadata));
        }
        let (pager, catalog, metadata) = Pager::open(backend, mem, path)?;
        let end = page_offset(pager.header().current_slot().page_count)?;
        if pager.backend.len()? > end {
            pager.backend.set_len(end)?;
            pager.backend.sync()?;
        }
        Ok((pager, catalog, metadata))
    }

    pub fn pool(&self) -> &BufferPool {
        &self.pool
    }

    /// For a read-only process: if the file holds a newer checkpoint than the one this pager
    /// read, switches to it and returns its catalog and metadata blobs (pages are read
    /// through the pool; the caller decides when cached frames of the older checkpoint go).
    pub fn refresh(&self) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        let page0 = read_start(&*self.backend)?;
        let header = Header::decode(&page0, &self.path, false)?;
        let slot = header.current_slot();
        if slot.generation <= self.state.lock().header.current_slot().generation {
            return Ok(None);
        }
        let need = page_offset(slot.page_count)?;
        if self.backend.len()? < need {
            return Err(Error::corrupted(
                None,
                "file is shorter than its newest checkpoint",
            ));
        }
        // Frames this process cached are still right: the writer reuses a page only after
        // every reader has registered a checkpoint that no longer references it, and the
        // store drops its frames when it registers a newer one (`transaction::readers`).
        let catalog = self.read_blob(slot.catalog, PageKind::Catalog)?;
        let metadata = self.read_blob(slot.metadata, PageKind::Metadata)?;
        let mut st = self.state.lock();
        st.header = header;
        st.alloc = PageAllocator::new(slot.page_count);
        Ok(Some((catalog, metadata)))
    }

    pub fn backend(&self) -> &Arc<dyn StorageBackend> {
        &self.backend
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn header(&self) -> Header {
        self.state.lock().header.clone()
    }

    pub fn db_id(&self) -> [u8; 16] {
        self.state.lock().header.db_id
    }

    /// Whether a sync has failed: the pager then refuses every write until reopened.
    pub fn is_fenced(&self) -> bool {
        self.fence.failed.load(Ordering::Acquire)
    }

    /// Number of pages in the file as of now (including pages not yet checkpointed).
    /// Pages written to the file since it was opened: runs of new pages (column chunks,
    /// checkpoint blobs, free lists) and pool write-backs (index pages). The difference
    /// around a statement is what it wrote.
    pub fn pages_written(&self) -> u64 {
        self.runs_written.load(std::sync::atomic::Ordering::Relaxed) + self.pool.stats().writebacks
    }

    pub fn page_count(&self) -> u64 {
        self.state.lock().alloc.end()
    }

    pub fn allocator(&self) -> PageAllocator {
        self.state.lock().alloc.clone()
    }

    /// Runs `f` with the allocator locked (for structures that allocate as they grow).
    pub fn with_allocator<T>(&self, f: impl FnOnce(&mut PageAllocator) -> T) -> T {
        f(&mut self.state.lock().alloc)
    }

    pub fn allocate(&self, n: u64) -> u64 {
        self.state.lock().alloc.allocate(n)
    }

    /// Restores the allocator to `saved` (taken when the statement started) after the
    /// statement or its commit failed: every page allocated since is unreferenced again,
    /// and pages freed since are referenced again. Ranges released since stay released.
    /// Frames the pool holds for pages allocated since are dropped unwritten.
    pub fn rollback_allocations(&self, saved: PageAllocator) {
        let mut st = self.state.lock();
        let end = st.alloc.end();
        for p in saved.end()..end {
            self.pool.invalidate(p);
        }
        for &(s, c) in saved.free_ranges() {
            for p in s..s + c {
                self.pool.invalidate(p);
            }
        }
        st.alloc = st.alloc.rolled_back_to(&saved);
    }

    /// From now on, pages a checkpoint stops referencing are held until `release` (readers
    /// of older snapshots may still read them) rather than reused at once.
    pub fn defer_frees(&self) {
        self.state.lock().defer_frees = true;
    }

    /// The ranges the last checkpoint stopped referencing (with `defer_frees`).
    pub fn take_retired(&self) -> Vec<(u64, u64)> {
        std::mem::take(&mut self.state.lock().retired)
    }

    /// Makes held ranges reusable once no reader can reach them. Frames of those pages that
    /// such readers loaded are dropped, so a reused page is never served stale.
    pub fn release(&self, ranges: &[(u64, u64)]) {
        for &(s, c) in ranges {
            for p in s..s + c {
                self.pool.invalidate(p);
            }
        }
        self.state.lock().alloc.release(ranges);
    }

    /// Frees pages that the next checkpoint no longer references.
    pub fn free(&self, start: u64, n: u64) {
        for p in start..start + n {
            self.pool.invalidate(p);
        }
        self.state.lock().alloc.free(start, n);
    }

    /// Seals and writes `payload` as consecutive pages from `first_page`, bypassing the pool.
    /// `payload` is split every `PAGE_PAYLOAD` bytes; the last page is zero-padded.
    pub fn write_run(&self, first_page: u64, kind: PageKind, payload: &[u8]) -> Result<()> {
        const BATCH: usize = 64;
        self.fence.check()?;
        let pages = payload.len().div_ceil(PAGE_PAYLOAD);
        self.runs_written
            .fetch_add(pages as u64, std::sync::atomic::Ordering::Relaxed);
        let mut buf = vec![0u8; BATCH.min(pages) * PAGE_SIZE];
        let mut i = 0;
        while i < pages {
            let n = (pages - i).min(BATCH);
            for j in 0..n {
                let p = &mut buf[j * PAGE_SIZE..(j + 1) * PAGE_SIZE];
                p.fill(0);
                let src = &payload
                    [(i + j) * PAGE_PAYLOAD..((i + j + 1) * PAGE_PAYLOAD).min(payload.len())];
                p[..src.len()].copy_from_slice(src);
                page::seal(first_page + (i + j) as u64, kind, p);
            }
            self.backend
                .write_at(page_offset(first_page + i as u64)?, &buf[..n * PAGE_SIZE])?;
            i += n;
        }
        Ok(())
    }

    /// Allocates pages for `payload` and writes it; returns its reference.
    pub fn write_blob(&self, kind: PageKind, payload: &[u8]) -> Result<BlobRef> {
        let n = payload.len().div_ceil(PAGE_PAYLOAD) as u64;
        let first = self.allocate(n);
        self.write_run(first, kind, payload)?;
        Ok(BlobRef {
            first_page: first,
            page_count: n,
            byte_len: payload.len() as u64,
        })
    }

    pub fn read_blob(&self, r: BlobRef, kind: PageKind) -> Result<Vec<u8>> {
        read_blob_via(&self.pool, r, kind)
    }

    /// Makes everything written so far durable and current: dirty pool pages, new catalog and
    /// metadata blobs, then the header slot. Pages freed before this call become reusable
    /// after it. Live pages are never overwritten, so a crash at any point leaves either the
    /// previous checkpoint or this one.
    ///
    /// The allocator and header of the new checkpoint are computed on copies and installed
    /// only once its header slot is durable: on failure the pager's state (allocator, header,
    /// retired ranges, pool frames) is as it was before the call. The failed checkpoint's own
    /// pages were allocated from the copy and are free again; the caller rolls back the pages
    /// of the statement it tried to commit. After a failed sync the pager is fenced (every
    /// later write fails until the database is reopened).
    pub fn checkpoint(&self, data: CheckpointData<'_>) -> Result<()> {
        let _one = self.checkpointing.lock();
        self.fence.check()?;
        let (header, start, defer) = {
            let st = self.state.lock();
            (st.header.clone(), st.alloc.clone(), st.defer_frees)
        };
        let mut alloc = start.clone();
        let old = header.current_slot();
        let target = 1 - header.current;

        self.pool.flush()?;
        let catalog = self.place_blob(&mut alloc, PageKind::Catalog, data.catalog)?;
        let metadata = self.place_blob(&mut alloc, PageKind::Metadata, data.metadata)?;
        // The old blobs are no longer referenced once this checkpoint is current.
        for r in [old.catalog, old.metadata, old.free_list] {
            alloc.free(r.first_page, r.page_count);
        }
        // The free list as it will be after this checkpoint. Its own pages come from space
        // that was already reusable (never from pages this checkpoint frees: the previous
        // checkpoint may still reference those until this one is durable). Taking them from
        // a free range never adds a range, so the list still fits; if it then needs fewer
        // pages than were taken, it goes to the end of the file instead, where appending
        // does not change the ranges.
        let merge = |a: &mut PageAllocator| {
            if defer {
                a.hold_pending()
            } else {
                a.commit_frees();
                Vec::new()
            }
        };
        let pages_for = |a: &PageAllocator| a.encoded_len().div_ceil(PAGE_PAYLOAD) as u64;
        let mut merged = alloc.clone();
        merge(&mut merged);
        let fl_pages = pages_for(&merged);
        let mut placed = alloc.clone();
        let fl_first = placed.allocate(fl_pages);
        let retired = merge(&mut placed);
        let (fl_first, fl_pages) = if pages_for(&placed) == fl_pages {
            alloc = placed;
            (fl_first, fl_pages)
        } else {
            let retired_again = merge(&mut alloc);
            debug_assert_eq!(retired, retired_again);
            let n = pages_for(&alloc);
            (alloc.extend(n), n)
        };
        let mut enc = Encoder::new();
        alloc.encode(&mut enc);
        let free_list = BlobRef {
            first_page: fl_first,
            page_count: fl_pages,
            byte_len: enc.buf.len() as u64,
        };
        self.write_run(free_list.first_page, PageKind::FreeList, &enc.buf)?;
        let page_count = alloc.end();
        let slot = Slot {
            generation: old.generation + 1,
            page_count,
            catalog,
            metadata,
            free_list,
        };
        // Pages the allocator had not handed out up to the free list must read as empty, and
        // pages past it (left by a failed or interrupted write) must go.
        self.backend.set_len(page_offset(page_count)?)?;
        self.backend.sync()?;
        self.backend
            .write_at(SLOT_OFFSETS[target] as u64, &slot.encode())?;
        self.backend.sync()?;

        // The checkpoint is durable: install it.
        {
            let mut st = self.state.lock();
            debug_assert!(
                st.alloc == start,
                "pages were allocated or freed during a checkpoint"
            );
            st.header.slots[target] = Some(slot);
            st.header.current = target;
            st.alloc = alloc;
            st.retired.extend(retired);
        }
        for r in [old.catalog, old.metadata, old.free_list] {
            for p in r.first_page..r.first_page + r.page_count {
                self.pool.invalidate(p);
            }
        }
        // Mirror it into the other slot, so that damage to either slot later falls back to
        // this same state rather than to an older one (which would answer queries with stale
        // data). A crash or error during the mirror write leaves `target`, which is durable:
        // the commit has succeeded either way. (A failed sync fences the pager.)
        let mirrored = self
            .backend
            .write_at(SLOT_OFFSETS[1 - target] as u64, &slot.encode())
            .and_then(|()| self.backend.sync());
        self.state.lock().header.slots[1 - target] = mirrored.is_ok().then_some(slot);
        Ok(())
    }

    /// Writes a checkpoint blob to pages allocated from `alloc` (the checkpoint's copy).
    fn place_blob(
        &self,
        alloc: &mut PageAllocator,
        kind: PageKind,
        payload: &[u8],
    ) -> Result<BlobRef> {
        let n = payload.len().div_ceil(PAGE_PAYLOAD) as u64;
        let first = alloc.allocate(n);
        self.write_run(first, kind, payload)?;
        Ok(BlobRef {
            first_page: first,
            page_count: n,
            byte_len: payload.len() as u64,
        })
    }
}

fn read_blob_via(pool: &BufferPool, r: BlobRef, kind: PageKind) -> Result<Vec<u8>> {
    // The slot was checked (page count = ceil(byte length / payload), inside the file's
    // length): the blob's pages back its length. Never reserve more than they hold.
    let backed = r.page_count.saturating_mul(PAGE_PAYLOAD as u64);
    let mut out = Vec::with_capacity(r.byte_len.min(backed).min(usize::MAX as u64) as usize);
    for i in 0..r.page_count {
        let p = pool.pin(r.first_page + i, kind)?;
        let want = (r.byte_len as usize - out.len()).min(PAGE_PAYLOAD);
        out.extend_from_slice(&p[..want]);
    }
    if out.len() as u64 != r.byte_len {
        return Err(Error::corrupted(
            Some(r.first_page),
            format!("{} blob is shorter than its header says", kind.name()),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::buffer::MIN_BUDGET;
    use crate::storage::file::{MemBackend, SyncFault};

    #[test]
    fn create_checkpoint_reopen() {
        let m = MemBackend::new();
        let be: Arc<dyn StorageBackend> = Arc::new(m.clone());
        let p = Pager::create(
            be.clone(),
            MemoryManager::new(MIN_BUDGET),
            Path::new("t"),
            [1; 16],
            b"cat0",
            b"meta0",
        )
        .unwrap();
        let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let r = p.write_blob(PageKind::Column, &data).unwrap();
        p.checkpoint(CheckpointData {
            catalog: &[9u8; 5000],
            metadata: b"meta1",
        })
        .unwrap();
        drop(p);
        let (p, cat, meta) =
            Pager::open(be.clone(), MemoryManager::new(MIN_BUDGET), Path::new("t")).unwrap();
        assert_eq!(cat, vec![9u8; 5000]);
        assert_eq!(meta, b"meta1");
        assert_eq!(p.read_blob(r, PageKind::Column).unwrap(), data);
        // The first checkpoint's blobs were freed and are reusable now.
        assert!(p.allocator().free_page_count() >= 2);
        assert_eq!(p.header().current_slot().generation, 2);
    }

    #[test]
    fn crash_during_checkpoint_keeps_the_previous_one() {
        // Cut the second checkpoint's writes at every point; the file always opens to one of
        // the two checkpoints.
        for cut in 0..12 {
            let m = MemBackend::new();
            let be: Arc<dyn StorageBackend> = Arc::new(m.clone());
            let p = Pager::create(
                be.clone(),
                MemoryManager::new(MIN_BUDGET),
                Path::new("t"),
                [1; 16],
                b"old",
                b"old-meta",
            )
            .unwrap();
            m.crash_after_writes(cut);
            let res = p.checkpoint(CheckpointData {
                catalog: b"new",
                metadata: b"new-meta",
            });
            let crashed = MemBackend::from_bytes(m.durable());
            let (_, cat, meta) = Pager::open(
                Arc::new(crashed),
                MemoryManager::new(MIN_BUDGET),
                Path::new("t"),
            )
            .unwrap();
            if res.is_ok() {
                assert_eq!(
                    (cat.as_slice(), meta.as_slice()),
                    (&b"new"[..], &b"new-meta"[..])
                );
            } else {
                assert!(
                    (cat.as_slice(), meta.as_slice()) == (&b"old"[..], &b"old-meta"[..])
                        || (cat.as_slice(), meta.as_slice()) == (&b"new"[..], &b"new-meta"[..]),
                    "cut {cut}"
                );
            }
        }
    }

    /// A pager with two data blobs committed and one more written, ready to checkpoint.
    fn pager_with_pending_change() -> (MemBackend, Pager) {
        let m = MemBackend::new();
        let p = Pager::create(
            Arc::new(m.clone()),
            MemoryManager::new(MIN_BUDGET),
            Path::new("t"),
            [1; 16],
            b"cat0",
            b"meta0",
        )
        .unwrap();
        let a = p.write_blob(PageKind::Column, &[1u8; 9000]).unwrap();
        p.checkpoint(CheckpointData {
            catalog: b"cat1",
            metadata: b"meta1",
        })
        .unwrap();
        p.write_blob(PageKind::Column, &[2u8; 5000]).unwrap();
        p.free(a.first_page, a.page_count);
        (m, p)
    }

    /// Fails each write and each sync of a checkpoint in turn. A checkpoint that reports an
    /// error leaves the allocator and the header exactly as they were; one that reports
    /// success is durable; a failed sync fences the pager; the durable bytes always open to
    /// the previous or the new checkpoint.
    #[test]
    fn a_failed_checkpoint_leaves_the_pager_as_it_was() {
        let (m, p) = pager_with_pending_change();
        let (w0, s0) = (m.write_ops(), m.sync_ops());
        p.checkpoint(CheckpointData {
            catalog: b"cat2",
            metadata: b"meta2",
        })
        .unwrap();
        let (writes, syncs) = (m.write_ops() - w0, m.sync_ops() - s0);
        assert!(writes >= 5 && syncs == 3, "{writes} writes, {syncs} syncs");
        let faults =
            (0..writes)
                .map(|i| (Some(i), None))
                .chain((0..syncs).flat_map(|i| {
                    [SyncFault::Lost, SyncFault::Persisted].map(|f| (None, Some((i, f))))
                }));
        for (w, s) in faults {
            let (m, p) = pager_with_pending_change();
            let (alloc, header) = (p.allocator(), p.header());
            if let Some(i) = w {
                m.fail_nth_write(i);
            }
            if let Some((i, f)) = s {
                m.fail_nth_sync(i, f);
            }
            let r = p.checkpoint(CheckpointData {
                catalog: b"cat2",
                metadata: b"meta2",
            });
            let what = format!("write {w:?}, sync {s:?}: {r:?}");
            let open = |bytes: Vec<u8>| {
                let (q, cat, _) = Pager::open(
                    Arc::new(MemBackend::from_bytes(bytes)),
                    MemoryManager::new(MIN_BUDGET),
                    Path::new("t"),
                )
                .unwrap_or_else(|e| panic!("{what}: {e}"));
                (q.allocator(), cat)
            };
            let (_, durable) = open(m.durable());
            match &r {
                Ok(()) => assert_eq!(durable, b"cat2", "{what}"),
                Err(_) => {
                    assert_eq!(p.allocator(), alloc, "{what}");
                    assert_eq!(p.header(), header, "{what}");
                    assert!(durable == b"cat1" || durable == b"cat2", "{what}");
                }
            }
            assert_eq!(p.is_fenced(), s.is_some(), "{what}");
            let again = p.checkpoint(CheckpointData {
                catalog: b"cat3",
                metadata: b"meta3",
            });
            if p.is_fenced() {
                let e = again.unwrap_err().to_string();
                assert!(
                    e.contains("writes are refused until the database is reopened"),
                    "{e}"
                );
                assert!(p.write_blob(PageKind::Column, b"x").is_err());
                continue;
            }
            again.unwrap_or_else(|e| panic!("{what}: retry: {e}"));
            let (free, cat) = open(m.durable());
            assert_eq!(cat, b"cat3", "{what}");
            // Nothing freed twice, nothing both free and live: the live pages are the
            // blobs of the header and the second data blob.
            let (q, _, _) = Pager::open(
                Arc::new(MemBackend::from_bytes(m.durable())),
                MemoryManager::new(MIN_BUDGET),
                Path::new("t"),
            )
            .unwrap();
            let slot = q.header().current_slot();
            let live: Vec<(u64, u64)> = [slot.catalog, slot.metadata, slot.free_list]
                .iter()
                .map(|b| (b.first_page, b.page_count))
                .collect();
            for &(s, c) in free.free_ranges() {
                for &(ls, lc) in &live {
                    assert!(
                        s + c <= ls || ls + lc <= s,
                        "{what}: free {s}+{c} overlaps {ls}+{lc}"
                    );
                }
            }
        }
    }
}

//! The page file: one database file of 4 KiB pages, its header, its allocator, its pool.
//!
//! Owns: `Pager`, which creates and opens database files, writes runs of sealed pages
//! straight to the file (the loader's path, bypassing the pool), reads blobs through the pool,
//! and performs the copy-on-write checkpoint: new blobs → sync → header slot → sync → frees.

use super::alloc::PageAllocator;
use super::buffer::{BufferPool, MemoryManager};
use super::file::StorageBackend;
use super::header::{BlobRef, Header, Slot, SLOT_OFFSETS};
use super::page::{self, Decoder, Encoder, PageKind, PAGE_PAYLOAD, PAGE_SIZE};
use crate::error::{Error, Result};
use parking_lot::Mutex;
use std::path::{Path, PathBuf};
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

/// An open database file.
pub struct Pager {
    backend: Arc<dyn StorageBackend>,
    pool: BufferPool,
    state: Mutex<PagerState>,
    path: PathBuf,
}

/// What a checkpoint stores besides the pages it references.
pub struct CheckpointData<'a> {
    pub catalog: &'a [u8],
    pub metadata: &'a [u8],
}

impl Pager {
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
        let mut page0 = vec![0u8; PAGE_SIZE];
        page0[..64].copy_from_slice(&Header::encode_prefix(&db_id));
        backend.write_at(0, &page0)?;
        let pool = BufferPool::new(backend.clone(), mem);
        let pager = Pager {
            backend,
            pool,
            state: Mutex::new(PagerState {
                header: Header {
                    db_id,
                    slots: [None, None],
                    current: 1,
                },
                alloc: PageAllocator::new(1),
                defer_frees: false,
                retired: Vec::new(),
            }),
            path: path.to_path_buf(),
        };
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
        if len < PAGE_SIZE as u64 {
            let mut b = vec![0u8; len as usize];
            backend.read_at(0, &mut b)?;
            if b.len() >= 8 && b[..8] == super::header::MAGIC {
                return Err(Error::corrupted(Some(0), "file is shorter than its header"));
            }
            return Err(Error::NotADatabase {
                path: path.to_path_buf(),
            });
        }
        let mut page0 = vec![0u8; PAGE_SIZE];
        backend.read_at(0, &mut page0)?;
        let header = Header::decode(&page0, path, false)?;
        let slot = header.current_slot();
        if len < slot.page_count * PAGE_SIZE as u64 {
            return Err(Error::corrupted(
                None,
                format!(
                    "file has {} bytes but its checkpoint needs {} pages",
                    len, slot.page_count
                ),
            ));
        }
        let pool = BufferPool::new(backend.clone(), mem);
        let free = read_blob_via(&pool, slot.free_list, PageKind::FreeList)?;
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
        let catalog = read_blob_via(&pool, slot.catalog, PageKind::Catalog)?;
        let metadata = read_blob_via(&pool, slot.metadata, PageKind::Metadata)?;
        Ok((
            Pager {
                backend,
                pool,
                state: Mutex::new(PagerState {
                    header,
                    alloc,
                    defer_frees: false,
                    retired: Vec::new(),
                }),
                path: path.to_path_buf(),
            },
            catalog,
            metadata,
        ))
    }

    pub fn pool(&self) -> &BufferPool {
        &self.pool
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

    /// Number of pages in the file as of now (including pages not yet checkpointed).
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

    /// Restores the allocator to `saved` after a failed write: every page allocated since is
    /// unreferenced again. Frames the pool holds for those pages are dropped unwritten.
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
        st.alloc = saved;
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
        let pages = payload.len().div_ceil(PAGE_PAYLOAD);
        let mut buf = vec![0u8; BATCH * PAGE_SIZE];
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
            self.backend.write_at(
                (first_page + i as u64) * PAGE_SIZE as u64,
                &buf[..n * PAGE_SIZE],
            )?;
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
    pub fn checkpoint(&self, data: CheckpointData<'_>) -> Result<()> {
        self.pool.flush()?;
        let catalog = self.write_blob(PageKind::Catalog, data.catalog)?;
        let metadata = self.write_blob(PageKind::Metadata, data.metadata)?;
        let mut st = self.state.lock();
        let old = st.header.current_slot();
        // The old blobs are no longer referenced once this checkpoint is current.
        for r in [old.catalog, old.metadata, old.free_list] {
            if r.page_count > 0 {
                for p in r.first_page..r.first_page + r.page_count {
                    self.pool.invalidate(p);
                }
                st.alloc.free(r.first_page, r.page_count);
            }
        }
        // The free list as it will be after this checkpoint, stored in new pages at the end
        // of the file (which do not change the list they encode).
        let mut after_with_list = st.alloc.clone();
        let retired = if st.defer_frees {
            after_with_list.hold_pending()
        } else {
            after_with_list.commit_frees();
            Vec::new()
        };
        let fl_pages = after_with_list.encoded_len().div_ceil(PAGE_PAYLOAD) as u64;
        let fl_first = after_with_list.extend(fl_pages);
        let mut enc = Encoder::new();
        after_with_list.encode(&mut enc);
        let free_list = BlobRef {
            first_page: fl_first,
            page_count: fl_pages,
            byte_len: enc.buf.len() as u64,
        };
        drop(st);
        self.write_run(free_list.first_page, PageKind::FreeList, &enc.buf)?;
        let page_count = after_with_list.end();
        let slot = Slot {
            generation: old.generation + 1,
            page_count,
            catalog,
            metadata,
            free_list,
        };
        // Pages between the data and the free list that the allocator had not handed out
        // (none in practice) must read as empty.
        self.backend.set_len(page_count * PAGE_SIZE as u64)?;
        self.backend.sync()?;
        let mut st = self.state.lock();
        let target = 1 - st.header.current;
        self.backend
            .write_at(SLOT_OFFSETS[target] as u64, &slot.encode())?;
        self.backend.sync()?;
        // The checkpoint is durable. Mirror it into the other slot, so that damage to either
        // slot later falls back to this same state rather than to an older one (which would
        // answer queries with stale data). A crash during the mirror write leaves `target`.
        st.header.slots[target] = Some(slot);
        st.header.current = target;
        st.alloc = after_with_list;
        st.retired.extend(retired);
        self.backend
            .write_at(SLOT_OFFSETS[1 - target] as u64, &slot.encode())?;
        self.backend.sync()?;
        st.header.slots[1 - target] = Some(slot);
        Ok(())
    }
}

fn read_blob_via(pool: &BufferPool, r: BlobRef, kind: PageKind) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(r.byte_len as usize);
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
    use crate::storage::file::MemBackend;

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
}

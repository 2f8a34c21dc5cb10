//! Transactions: the committed state of a database, snapshots for readers, and commits.
//!
//! Owns: `Store` (one open database file: its pager, the committed state readers snapshot,
//! the lock that serialises writers, and the page ranges replaced snapshots still hold) and
//! `Snapshot` (what a statement reads: the catalog and the storage metadata of one committed
//! state). Uses only `storage` and `catalog`; the query layers above take a `Snapshot` as a
//! plain input and never reach past it.

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::storage::buffer::MemoryManager;
use crate::storage::file::{OsBackend, StorageBackend};
use crate::storage::pager::{CheckpointData, Pager};
use crate::storage::table::StorageMeta;
use parking_lot::{Mutex, MutexGuard, RwLock};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The committed state of a database: what statements read.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub catalog: Catalog,
    pub meta: StorageMeta,
}

/// A replaced snapshot and the page ranges it referenced that its successor does not.
type Retired = (std::sync::Weak<Snapshot>, Vec<(u64, u64)>);

/// One open database file and its committed state.
pub struct Store {
    path: PathBuf,
    read_only: bool,
    pager: Pager,
    /// The current committed state; readers clone the `Arc`.
    current: RwLock<Arc<Snapshot>>,
    /// Serialises writers (COPY, DDL).
    write_lock: Mutex<()>,
    /// Page ranges each replaced snapshot referenced and its successor does not: reusable
    /// once no reader holds that snapshot (or an older one).
    retired: Mutex<Vec<Retired>>,
    /// Keeps the OS lock on the file for as long as the store is open.
    _lock_file: std::fs::File,
}

impl Store {
    /// Opens the database file at `path`, creating an empty one if there is none (unless
    /// `read_only`). A second process that opens the same file for writing gets an error
    /// naming the lock.
    pub fn open(path: &Path, mem: Arc<MemoryManager>, read_only: bool) -> Result<Store> {
        let exists = path.exists();
        if !exists && read_only {
            return Err(Error::io(
                format!("cannot open {} read-only", path.display()),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        let (pager, snapshot, lock_file) = if exists {
            let backend = OsBackend::open(path, !read_only)?;
            let lock_file = backend
                .file()
                .try_clone()
                .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
            take_lock(&lock_file, path, read_only)?;
            let backend: Arc<dyn StorageBackend> = Arc::new(backend);
            let (pager, cat, meta) = Pager::open(backend, mem, path)?;
            let snapshot = Snapshot {
                catalog: Catalog::decode(&cat)?,
                meta: StorageMeta::decode(&meta)?,
            };
            (pager, snapshot, lock_file)
        } else {
            let backend = OsBackend::create_new(path)?;
            let lock_file = backend
                .file()
                .try_clone()
                .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
            take_lock(&lock_file, path, false)?;
            let snapshot = Snapshot::default();
            let pager = Pager::create(
                Arc::new(backend),
                mem,
                path,
                new_db_id()?,
                &snapshot.catalog.encode(),
                &snapshot.meta.encode(),
            )?;
            (pager, snapshot, lock_file)
        };
        pager.defer_frees();
        Ok(Store {
            path: path.to_path_buf(),
            read_only,
            pager,
            current: RwLock::new(Arc::new(snapshot)),
            write_lock: Mutex::new(()),
            retired: Mutex::new(Vec::new()),
            _lock_file: lock_file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn read_only(&self) -> bool {
        self.read_only
    }

    pub fn pager(&self) -> &Pager {
        &self.pager
    }

    /// The committed state as of now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().clone()
    }

    fn refuse_read_only(&self) -> Result<()> {
        if self.read_only {
            return Err(Error::Runtime(
                "Cannot execute write operations in a read-only database!".into(),
            ));
        }
        Ok(())
    }

    /// Makes `next` the committed state: writes catalog and metadata and switches the header
    /// (copy-on-write checkpoint). The caller holds the write lock.
    fn commit(&self, next: Snapshot) -> Result<()> {
        self.refuse_read_only()?;
        // Pages retired by earlier commits can be reused once no reader holds the snapshot
        // that referenced them nor any older one (a page unchanged from an older snapshot is
        // referenced by it too): release the oldest entries up to the first live snapshot.
        {
            let mut retired = self.retired.lock();
            let dead = retired
                .iter()
                .take_while(|(snap, _)| snap.strong_count() == 0)
                .count();
            for (_, ranges) in retired.drain(..dead) {
                self.pager.release(&ranges);
            }
        }
        self.pager.checkpoint(CheckpointData {
            catalog: &next.catalog.encode(),
            metadata: &next.meta.encode(),
        })?;
        let old = std::mem::replace(&mut *self.current.write(), Arc::new(next));
        let ranges = self.pager.take_retired();
        if !ranges.is_empty() {
            self.retired.lock().push((Arc::downgrade(&old), ranges));
        }
        Ok(())
    }

    /// Takes the writer lock (one writer at a time).
    pub fn lock_writer(&self) -> MutexGuard<'_, ()> {
        self.write_lock.lock()
    }

    /// Runs a writing change on a private copy of the committed state and commits it
    /// (copy-on-write checkpoint). A failure leaves the database as it was.
    pub fn write<T>(&self, f: impl FnOnce(&mut Snapshot) -> Result<T>) -> Result<T> {
        self.refuse_read_only()?;
        let _w = self.write_lock.lock();
        let mut next = (*self.snapshot()).clone();
        let saved_alloc = self.pager.allocator();
        match f(&mut next) {
            Ok(res) => {
                self.commit(next)?;
                Ok(res)
            }
            Err(e) => {
                // Pages written by the failed change are unreferenced: hand them back, and
                // drop any frames the pool holds for them so nothing stale is written back.
                self.pager.rollback_allocations(saved_alloc);
                Err(e)
            }
        }
    }
}

fn take_lock(file: &std::fs::File, path: &Path, shared: bool) -> Result<()> {
    let r = if shared {
        file.try_lock_shared()
    } else {
        file.try_lock()
    };
    r.map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => Error::io(
            format!(
                "Could not set lock on file : {}: another process holds its {} lock",
                path.display(),
                if shared { "write" } else { "read or write" }
            ),
            std::io::Error::from(std::io::ErrorKind::WouldBlock),
        ),
        std::fs::TryLockError::Error(e) => Error::io(
            format!("Could not set lock on file : {}", path.display()),
            e,
        ),
    })
}

/// A random 128-bit database id from the OS.
pub fn new_db_id() -> Result<[u8; 16]> {
    let mut id = [0u8; 16];
    getrandom::getrandom(&mut id).map_err(|e| {
        Error::io(
            "cannot get random bytes",
            std::io::Error::other(e.to_string()),
        )
    })?;
    Ok(id)
}

//! Transactions: the committed state of a database, snapshots for readers, the one writer,
//! the write-ahead log, checkpoints and recovery.
//!
//! Owns: `Store` (one open database: its pager, its WAL, the committed state readers
//! snapshot, the writer slot, the registry of readers and the page ranges held for them),
//! `Snapshot` (what a statement reads: catalog, checkpointed table data, the row versions
//! since that checkpoint and the stamp that selects among them), `WriteTxn` (the one write
//! transaction: its writes, undo log and WAL records), commits, rollbacks, checkpoints
//! (`checkpoint`: versions merged into copy-on-write pages) and recovery (`wal`: replay of
//! committed transactions, torn tail cut). Uses only `storage` and `catalog`; the query layers
//! above take a `Snapshot` or a `WriteTxn` as plain inputs.
//!
//! Isolation: snapshot isolation. A reader's snapshot is the committed state when it began;
//! the writer sees that plus its own writes; a commit becomes visible to readers that begin
//! after its WAL record is durable, never partly. The next writer begins on the appended
//! state (`latest`), which may hold commits still waiting for their sync (group commit).
//!
//! Durability: a commit appends the transaction's logical records and a commit record to the
//! WAL and returns once a sync covers them (group commit: the writer slot is released after
//! the append, so that one sync covers every commit appended meanwhile; see `Group`). A checkpoint writes the merged pages, the metadata and
//! the header slot (copy-on-write, never overwriting a page the previous checkpoint
//! references), then starts a new WAL generation. Statements that write pages directly (COPY,
//! ALTER TABLE on stored columns) commit by checkpoint.
//!
//! Pages: a page the committed state stops referencing is held until no reader of an older
//! state is left (`readers`, by state version), then reused.

pub mod checkpoint;
pub mod merge_rel;
pub mod read;
pub mod readers;
pub mod versions;
pub mod wal;
pub mod write;

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::storage::alloc::PageAllocator;
use crate::storage::buffer::MemoryManager;
use crate::storage::file::{OsBackend, StorageBackend};
use crate::storage::pager::{CheckpointData, NewFile, Pager};
use crate::storage::table::StorageMeta;
use parking_lot::{Condvar, Mutex, RwLock};
use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use versions::{Epoch, Stamp, TxnIds};
use wal::Wal;
pub use write::{RelRef, WriteTxn};

/// The catalog and the table data of a database (what a checkpoint writes).
#[derive(Debug, Clone, Default)]
pub struct State {
    pub catalog: Catalog,
    pub meta: StorageMeta,
}

/// One committed state: what a transaction that begins now reads.
#[derive(Clone)]
struct Committed {
    catalog: Arc<Catalog>,
    meta: Arc<StorageMeta>,
    epoch: Arc<Epoch>,
    /// Timestamp of the last committed write transaction.
    ts: u64,
    /// Bumped by every commit and checkpoint: readers register the version they read.
    version: u64,
}

/// What a statement reads. Cheap to clone; holds its committed state alive (and the pages it
/// references unreused) while it lives.
#[derive(Clone)]
pub struct Snapshot {
    pub catalog: Arc<Catalog>,
    /// The checkpointed table data (with the DDL committed since).
    pub meta: Arc<StorageMeta>,
    /// Row versions since that checkpoint.
    pub epoch: Arc<Epoch>,
    pub stamp: Stamp,
    _reader: Option<Arc<ReaderGuard>>,
}

impl Snapshot {
    /// A snapshot of a state that no store tracks (tests, a loader building a file).
    pub fn detached(state: State, mem: Arc<MemoryManager>) -> Snapshot {
        Snapshot {
            catalog: Arc::new(state.catalog),
            meta: Arc::new(state.meta),
            epoch: Arc::new(Epoch::new(mem)),
            stamp: Stamp::reader(0),
            _reader: None,
        }
    }
}

/// Keeps a state version registered as read while alive.
struct ReaderGuard {
    readers: Arc<Mutex<BTreeMap<u64, usize>>>,
    version: u64,
}

impl Drop for ReaderGuard {
    fn drop(&mut self) {
        let mut r = self.readers.lock();
        if let Some(c) = r.get_mut(&self.version) {
            *c -= 1;
            if *c == 0 {
                r.remove(&self.version);
            }
        }
    }
}

/// Page ranges the state of a version, checkpoint generation, stopped referencing.
type Retired = (u64, u64, Vec<(u64, u64)>);

/// Who holds the writer slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Writer {
    mark: u64,
    /// Began with BEGIN TRANSACTION (others wait for an auto-commit writer only).
    manual: bool,
}

/// Options of a commit (Kuzu's `auto_checkpoint` and `checkpoint_threshold`).
#[derive(Debug, Clone, Copy)]
pub struct CommitOptions {
    pub auto_checkpoint: bool,
    /// Checkpoint once the WAL holds this many bytes.
    pub checkpoint_threshold: u64,
}

impl Default for CommitOptions {
    fn default() -> Self {
        CommitOptions {
            auto_checkpoint: true,
            checkpoint_threshold: 16 << 20,
        }
    }
}

/// Group commit: commits appended to the WAL and the syncs that make them durable.
///
/// A committing writer appends its records (under the WAL lock, so the order of appends is
/// the commit order), stamps its versions, records its new state here as pending, releases
/// the writer slot and waits until `durable` reaches its number. Whoever finds no sync
/// running becomes the leader: it syncs the WAL for every commit appended so far (without
/// holding any lock), then publishes the newest state that sync covers to readers and wakes
/// the others; a follower whose commit the sync did not cover leads the next one.
#[derive(Default)]
struct Group {
    /// Commits appended so far (numbered over the store's life, from 1).
    appended: u64,
    /// Commits a finished sync covers.
    durable: u64,
    /// A leader is syncing the WAL.
    syncing: bool,
    /// A sync failed: no commit not yet durable is ever acknowledged (the store is poisoned).
    failed: bool,
    /// The states of appended commits not yet durable, oldest first, by commit number.
    pending: VecDeque<(u64, Committed)>,
    /// WAL syncs commits made (for the benchmark's syncs per commit).
    syncs: u64,
}

/// Kuzu's message when a second write transaction is refused.
pub const ONE_WRITER: &str = "Cannot start a new write transaction in the system. Only one write transaction at a time is allowed in the system.";

/// One open database and its committed state.
pub struct Store {
    path: PathBuf,
    read_only: bool,
    pager: Pager,
    mem: Arc<MemoryManager>,
    /// The durable committed state: what a snapshot begins on.
    committed: RwLock<Committed>,
    /// The newest appended state (durable or not): what the next writer begins on. Equal to
    /// `committed` when no commit waits for its sync.
    latest: RwLock<Committed>,
    group: Mutex<Group>,
    /// Signalled when a sync ends.
    synced: Condvar,
    /// Release the writer slot before the sync (group commit); off, a commit holds the slot
    /// until its record is durable (one commit per sync; for comparison in the benchmark).
    group_commit: AtomicBool,
    writer: Mutex<Option<Writer>>,
    writer_done: Condvar,
    /// State versions read by live snapshots: version → count.
    readers: Arc<Mutex<BTreeMap<u64, usize>>>,
    /// Page ranges the state of each version stopped referencing: reusable once no reader of
    /// an older version is left.
    retired: Mutex<Vec<Retired>>,
    wal: Mutex<Wal>,
    txn_ids: TxnIds,
    /// Set after a failed sync: the file's state is unknown; writes are refused until reopen.
    poisoned: AtomicBool,
    /// What recovery found (a torn WAL tail cut, a stale WAL ignored), for the tools to show.
    notes: Vec<String>,
    /// The checkpoint generation each live state version reads.
    generations: Mutex<BTreeMap<u64, u64>>,
    /// A read-only process's entry in the reader table.
    reader_slot: Option<Mutex<readers::ReaderSlot>>,
    /// Keeps the OS lock on the file for as long as the store is open.
    _lock_file: Option<std::fs::File>,
}

/// The WAL file of a database file.
pub fn wal_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".wal");
    PathBuf::from(p)
}

impl Store {
    /// Opens the database file at `path` (and its WAL), creating an empty one if there is
    /// none (unless `read_only`). A second process that opens the same file for writing gets
    /// an error naming the lock. Committed transactions in the WAL are replayed.
    pub fn open(path: &Path, mem: Arc<MemoryManager>, read_only: bool) -> Result<Store> {
        let exists = path.exists();
        if !exists && read_only {
            return Err(Error::io(
                format!("cannot open {} read-only", path.display()),
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
        if exists && read_only {
            // A read-only process takes no lock on the file: it registers in the reader
            // table before it reads the header, so the writer keeps every page it may read.
            let slot = readers::ReaderSlot::register(path)?;
            let backend = OsBackend::open(path, false)?;
            let mut s = Store::open_backends(Arc::new(backend), None, path, mem, true)?;
            s.reader_slot = Some(Mutex::new(slot));
            s.advance_reader()?;
            Ok(s)
        } else if exists {
            let backend = OsBackend::open(path, true)?;
            let lock_file = backend
                .file()
                .try_clone()
                .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
            take_lock(&lock_file, path, false)?;
            let wal = wal::open_wal_file(&wal_path(path))?;
            let mut s =
                Store::open_backends(Arc::new(backend), Some(Arc::new(wal)), path, mem, false)?;
            s._lock_file = Some(lock_file);
            Ok(s)
        } else {
            let backend = OsBackend::create_new(path)?;
            let lock_file = backend
                .file()
                .try_clone()
                .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
            take_lock(&lock_file, path, false)?;
            let backend: Arc<dyn StorageBackend> = Arc::new(backend);
            Pager::create(
                backend.clone(),
                mem.clone(),
                path,
                new_db_id()?,
                &Catalog::default().encode(),
                &StorageMeta::default().encode(),
            )?;
            let wal = wal::create_wal_file(&wal_path(path))?;
            let mut s = Store::open_backends(backend, Some(Arc::new(wal)), path, mem, false)?;
            s._lock_file = Some(lock_file);
            Ok(s)
        }
    }

    /// Opens a database from its backends (`wal` is `None` when read-only: the WAL is not
    /// read). Used directly by crash tests with in-memory backends.
    pub fn open_backends(
        data: Arc<dyn StorageBackend>,
        wal: Option<Arc<dyn StorageBackend>>,
        path: &Path,
        mem: Arc<MemoryManager>,
        read_only: bool,
    ) -> Result<Store> {
        let (pager, cat, meta) = if read_only {
            Pager::open(data, mem.clone(), path)?
        } else {
            // A file whose creation was interrupted is created anew; pages past the
            // checkpoint (an interrupted write) are cut off.
            Pager::open_for_write(data, mem.clone(), path, || {
                Ok(NewFile {
                    db_id: new_db_id()?,
                    catalog: Catalog::default().encode(),
                    metadata: StorageMeta::default().encode(),
                })
            })?
        };
        pager.defer_frees();
        let generation = pager.header().current_slot().generation;
        let db_id = pager.db_id();
        let committed = Committed {
            catalog: Arc::new(Catalog::decode(&cat)?),
            meta: Arc::new(StorageMeta::decode(&meta, pager.page_count())?),
            epoch: Arc::new(Epoch::new(mem.clone())),
            ts: 0,
            version: 0,
        };
        let (wal, replay, notes) = match wal {
            Some(b) => Wal::open(b, &wal_path(path), db_id, generation)?,
            None => (Wal::none(db_id, generation), Vec::new(), Vec::new()),
        };
        // Pages free in the file may still be read by read-only processes at older
        // checkpoints: they are held until the reader table says none is left.
        let mut retired = Vec::new();
        if !read_only {
            let held = pager.with_allocator(|a| a.hold_free());
            if !held.is_empty() {
                retired.push((0, generation, held));
            }
        }
        let store = Store {
            path: path.to_path_buf(),
            read_only,
            pager,
            mem,
            latest: RwLock::new(committed.clone()),
            committed: RwLock::new(committed),
            group: Mutex::new(Group::default()),
            synced: Condvar::new(),
            group_commit: AtomicBool::new(true),
            writer: Mutex::new(None),
            writer_done: Condvar::new(),
            readers: Arc::new(Mutex::new(BTreeMap::new())),
            retired: Mutex::new(retired),
            wal: Mutex::new(wal),
            txn_ids: TxnIds::default(),
            poisoned: AtomicBool::new(false),
            notes,
            generations: Mutex::new(BTreeMap::from([(0, generation)])),
            reader_slot: None,
            _lock_file: None,
        };
        // With no reader of an older checkpoint, the free pages are free at once.
        store.release_retired();
        for txn in replay {
            write::replay(&store, txn)?;
        }
        Ok(store)
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

    pub fn memory(&self) -> &Arc<MemoryManager> {
        &self.mem
    }

    /// What opening found that a user may want to know (recovery notes).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Bytes of the WAL (header included).
    pub fn wal_bytes(&self) -> u64 {
        self.wal.lock().len()
    }

    /// The committed state as of now, as a reader sees it. A read-only process moves to the
    /// file's newest checkpoint first (if another process wrote one).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        if self.reader_slot.is_some() {
            // A failure to look leaves the process on the checkpoint it has (still whole).
            let _ = self.refresh_read_only();
        }
        let c = self.committed.read().clone();
        Arc::new(self.register(&c, Stamp::reader(c.ts), c.catalog.clone(), c.meta.clone()))
    }

    fn register(
        &self,
        c: &Committed,
        stamp: Stamp,
        catalog: Arc<Catalog>,
        meta: Arc<StorageMeta>,
    ) -> Snapshot {
        *self.readers.lock().entry(c.version).or_insert(0) += 1;
        Snapshot {
            catalog,
            meta,
            epoch: c.epoch.clone(),
            stamp,
            _reader: Some(Arc::new(ReaderGuard {
                readers: self.readers.clone(),
                version: c.version,
            })),
        }
    }

    fn refuse_writes(&self) -> Result<()> {
        if self.read_only {
            return Err(Error::Runtime(
                "Cannot execute write operations in a read-only database!".into(),
            ));
        }
        if self.poisoned.load(Ordering::Acquire) {
            return Err(Error::Runtime(format!(
                "{}: an earlier write or sync failed, so the file's state is unknown; reopen the database to recover it",
                self.path.display()
            )));
        }
        Ok(())
    }

    /// Takes the writer slot. An auto-commit writer waits for another auto-commit writer to
    /// finish; a manual transaction holding the slot is refused at once with Kuzu's message
    /// (as is a manual BEGIN while any writer is active). `deadline` bounds the wait.
    fn acquire_writer(&self, manual: bool, deadline: Option<Instant>) -> Result<u64> {
        let mut w = self.writer.lock();
        loop {
            match *w {
                None => break,
                Some(cur) if cur.manual || manual => {
                    return Err(Error::Runtime(ONE_WRITER.into()));
                }
                Some(_) => {
                    let timeout = deadline
                        .map(|d| d.saturating_duration_since(Instant::now()))
                        .unwrap_or(Duration::from_secs(3600));
                    if timeout.is_zero()
                        || self.writer_done.wait_for(&mut w, timeout).timed_out() && w.is_some()
                    {
                        return Err(Error::Runtime(ONE_WRITER.into()));
                    }
                }
            }
        }
        let mark = self.txn_ids.next_mark();
        *w = Some(Writer { mark, manual });
        Ok(mark)
    }

    fn release_writer(&self, mark: u64) {
        let mut w = self.writer.lock();
        if w.is_some_and(|x| x.mark == mark) {
            *w = None;
        }
        self.writer_done.notify_all();
    }

    /// Whether a write transaction is running.
    pub fn has_writer(&self) -> bool {
        self.writer.lock().is_some()
    }

    /// Begins the write transaction (see `acquire_writer` for who waits and who is refused).
    pub fn begin_write(
        self: &Arc<Self>,
        manual: bool,
        deadline: Option<Instant>,
    ) -> Result<WriteTxn> {
        self.refuse_writes()?;
        let mark = self.acquire_writer(manual, deadline)?;
        // The writer builds on every appended commit, durable or not: its own record follows
        // theirs in the WAL, and it is acknowledged only after a sync that covers them too.
        let c = self.latest.read().clone();
        let wal_start = self.wal.lock().len();
        Ok(WriteTxn::new(self.clone(), mark, manual, c, wal_start))
    }

    /// The snapshot a writer reads: its own catalog and table data, its epoch, its stamp.
    fn writer_snapshot(
        &self,
        catalog: Arc<Catalog>,
        meta: Arc<StorageMeta>,
        epoch: Arc<Epoch>,
        stamp: Stamp,
    ) -> Snapshot {
        let c = self.committed.read().clone();
        let mut s = self.register(&c, stamp, catalog, meta);
        s.epoch = epoch;
        s
    }

    /// The oldest state version a live snapshot reads (`u64::MAX` when none).
    fn oldest_reader(&self) -> u64 {
        self.readers
            .lock()
            .keys()
            .next()
            .copied()
            .unwrap_or(u64::MAX)
    }

    /// Makes held page ranges reusable once no reader of an older state is left, in this
    /// process or in a read-only process (the reader table).
    fn release_retired(&self) {
        let oldest = self.oldest_reader();
        let mut retired = self.retired.lock();
        if retired.is_empty() {
            return;
        }
        // An unreadable reader table keeps everything held (never a wrong reuse).
        let oldest_gen = readers::oldest_generation(&self.path).unwrap_or(0);
        let ready = retired
            .iter()
            .take_while(|(v, g, _)| *v <= oldest && *g <= oldest_gen)
            .count();
        for (_, _, ranges) in retired.drain(..ready) {
            self.pager.release(&ranges);
        }
    }

    /// Publishes a new committed state that is durable already (a checkpoint, a replayed
    /// transaction, a newer checkpoint of another process) to readers and writers. The caller
    /// holds the writer slot and no commit waits for a sync (`sync_appended`).
    fn publish(&self, next: Committed) {
        *self.latest.write() = next.clone();
        self.publish_durable(next);
    }

    /// Makes `next` the state new snapshots read.
    fn publish_durable(&self, next: Committed) {
        let generation = self.pager.header().current_slot().generation;
        {
            let oldest = self.oldest_reader().min(next.version);
            let mut g = self.generations.lock();
            g.insert(next.version, generation);
            g.retain(|v, _| *v >= oldest);
        }
        *self.committed.write() = next;
    }

    /// A read-only process: moves to the file's newest checkpoint, and raises its entry in
    /// the reader table once no snapshot of an older checkpoint is left.
    fn refresh_read_only(&self) -> Result<()> {
        if let Some((cat, meta)) = self.pager.refresh()? {
            let c = self.committed();
            let next = Committed {
                catalog: Arc::new(Catalog::decode(&cat)?),
                meta: Arc::new(StorageMeta::decode(&meta, self.pager.page_count())?),
                epoch: Arc::new(Epoch::new(self.mem.clone())),
                ts: c.ts,
                version: c.version + 1,
            };
            self.publish(next);
        }
        self.advance_reader()
    }

    /// Raises this read-only process's reader-table entry to the oldest generation a live
    /// snapshot reads (or the current one). Frames cached before are dropped first: once the
    /// entry is raised, the writer may reuse the pages they hold.
    fn advance_reader(&self) -> Result<()> {
        let Some(slot) = &self.reader_slot else {
            return Ok(());
        };
        let current = self.committed().version;
        let oldest = self.oldest_reader().min(current);
        let generation = match self.generations.lock().get(&oldest) {
            Some(g) => *g,
            None => return Ok(()),
        };
        let mut slot = slot.lock();
        if generation > slot.generation() {
            self.pager.pool().invalidate_all();
            slot.set(generation)?;
        }
        Ok(())
    }

    fn committed(&self) -> Committed {
        self.committed.read().clone()
    }

    /// The newest appended state (what the writer slot's next holder begins on).
    fn latest(&self) -> Committed {
        self.latest.read().clone()
    }

    /// Records a commit whose WAL record is appended (not yet synced): the next writer
    /// begins on `next`; readers see it once a sync covers it. Returns its commit number, for
    /// `wait_durable`. The caller holds the writer slot.
    fn appended(&self, next: Committed) -> u64 {
        *self.latest.write() = next.clone();
        let mut g = self.group.lock();
        g.appended += 1;
        let n = g.appended;
        g.pending.push_back((n, next));
        n
    }

    /// Returns once commit `n` is durable (leading a sync if none runs), with its state
    /// published to readers; or the error of the sync that failed to cover it, which poisons
    /// the store.
    fn wait_durable(&self, n: u64) -> Result<()> {
        let mut g = self.group.lock();
        loop {
            if g.durable >= n {
                return Ok(());
            }
            if g.failed {
                return Err(Error::Runtime(format!(
                    "{}: syncing the WAL failed, so this commit may not be durable; reopen the database to recover it",
                    self.path.display()
                )));
            }
            if g.syncing {
                self.synced.wait(&mut g);
                continue;
            }
            // Lead: one sync for every commit appended so far (their writes completed before
            // they were counted, so a sync that starts now covers them).
            let target = g.appended;
            g.syncing = true;
            drop(g);
            let r = if self.poisoned.load(Ordering::Acquire) {
                Err(Error::Runtime(format!(
                    "{}: an earlier write or sync failed; reopen the database to recover it",
                    self.path.display()
                )))
            } else {
                let file = self.wal.lock().file();
                match file {
                    Some(f) => f.sync(),
                    None => Ok(()),
                }
            };
            g = self.group.lock();
            g.syncing = false;
            g.syncs += 1;
            match r {
                Ok(()) => {
                    g.durable = g.durable.max(target);
                    let mut last = None;
                    while g.pending.front().is_some_and(|(k, _)| *k <= target) {
                        last = g.pending.pop_front().map(|(_, c)| c);
                    }
                    if let Some(c) = last {
                        self.publish_durable(c);
                    }
                    self.synced.notify_all();
                }
                Err(e) => {
                    // The WAL's state on disk is unknown: nothing not yet durable may be
                    // acknowledged, and every later write is refused until reopen.
                    self.poisoned.store(true, Ordering::Release);
                    g.failed = true;
                    g.pending.clear();
                    self.synced.notify_all();
                    return Err(e);
                }
            }
        }
    }

    /// Makes every appended commit durable (waits for the sync running, or leads one). A
    /// checkpoint calls it first: it merges only durable commits and may then reset the WAL.
    fn sync_appended(&self) -> Result<()> {
        let n = self.group.lock().appended;
        self.wait_durable(n)
    }

    /// WAL syncs commits made so far, and commits appended (the benchmark's syncs per commit).
    pub fn commit_syncs(&self) -> (u64, u64) {
        let g = self.group.lock();
        (g.syncs, g.appended)
    }

    /// Group commit on (the default) or off: off, a commit keeps the writer slot until its
    /// sync returns, so commits never share a sync (the behaviour before group commit).
    pub fn set_group_commit(&self, on: bool) {
        self.group_commit.store(on, Ordering::Release);
    }

    fn group_commit(&self) -> bool {
        self.group_commit.load(Ordering::Acquire)
    }

    /// Writes `state`'s catalog and table data and switches the header (copy-on-write);
    /// records the page ranges it stopped referencing as held for readers of older states.
    /// On failure, the allocator goes back to `saved` (pages written since are unreferenced);
    /// a failed sync poisons the store.
    fn write_checkpoint(
        &self,
        catalog: &Catalog,
        meta: &StorageMeta,
        version: u64,
        saved: PageAllocator,
    ) -> Result<()> {
        self.release_retired();
        let r = self.pager.checkpoint(CheckpointData {
            catalog: &catalog.encode(),
            metadata: &meta.encode(),
        });
        if let Err(e) = r {
            self.pager.rollback_allocations(saved);
            self.poisoned.store(true, Ordering::Release);
            return Err(e);
        }
        let ranges = self.pager.take_retired();
        if !ranges.is_empty() {
            let generation = self.pager.header().current_slot().generation;
            self.retired.lock().push((version, generation, ranges));
        }
        // The WAL's records are in the checkpoint now: start its next generation.
        let generation = self.pager.header().current_slot().generation;
        if let Err(e) = self.wal.lock().reset(generation) {
            self.poisoned.store(true, Ordering::Release);
            return Err(e);
        }
        Ok(())
    }

    /// Merges every committed version into the tables' pages and writes a checkpoint. The
    /// caller holds the writer slot (no write transaction runs).
    fn checkpoint_locked(&self, force: bool) -> Result<()> {
        // Only durable commits are merged, and the WAL is reset only when no sync runs.
        self.sync_appended()?;
        let c = self.latest();
        if !force && c.epoch.is_empty() && self.wal.lock().is_empty() {
            return Ok(());
        }
        let saved = self.pager.allocator();
        let meta = match checkpoint::merge(
            &self.pager,
            &c.catalog,
            &c.meta,
            &c.epoch,
            Stamp::reader(c.ts),
        ) {
            Ok(m) => m,
            Err(e) => {
                self.pager.rollback_allocations(saved);
                return Err(e);
            }
        };
        let version = c.version + 1;
        self.write_checkpoint(&c.catalog, &meta, version, saved)?;
        self.publish(Committed {
            catalog: c.catalog.clone(),
            meta: Arc::new(meta),
            epoch: Arc::new(Epoch::new(self.mem.clone())),
            ts: c.ts,
            version,
        });
        Ok(())
    }

    /// `CHECKPOINT`: merges the committed versions into pages and truncates the WAL. Waits
    /// for an auto-commit writer; refused while a manual write transaction is open.
    pub fn checkpoint(&self, deadline: Option<Instant>) -> Result<()> {
        self.refuse_writes()?;
        let mark = self.acquire_writer(false, deadline)?;
        let r = self.checkpoint_locked(false);
        self.release_writer(mark);
        r
    }

    /// Checkpoints if the WAL holds anything (a clean close).
    pub fn close(&self) -> Result<()> {
        if self.read_only || self.poisoned.load(Ordering::Acquire) {
            return Ok(());
        }
        if self.writer.lock().is_some() {
            return Ok(());
        }
        let mark = self.acquire_writer(false, Some(Instant::now()))?;
        let r = if self.wal.lock().is_empty() && self.latest().epoch.is_empty() {
            Ok(())
        } else {
            self.checkpoint_locked(true)
        };
        self.release_writer(mark);
        r
    }

    /// Runs a change that writes pages directly (COPY, ALTER on stored columns, DROP) as one
    /// auto-commit transaction committed by checkpoint. A failure leaves the database as it
    /// was.
    pub fn write<T>(self: &Arc<Self>, f: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        let mut txn = self.begin_write(false, None)?;
        let r = txn.with_state(f);
        match r {
            Ok(v) => {
                txn.commit(CommitOptions::default())?;
                Ok(v)
            }
            Err(e) => {
                txn.rollback();
                Err(e)
            }
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // A clean close merges the WAL into the file (Kuzu's force_checkpoint_on_close); a
        // failure here loses nothing: the WAL is replayed at the next open.
        let _ = self.close();
    }
}

/// Takes `file`'s OS lock (shared: beside other shared holders; else exclusive), or fails
/// with Kuzu's wording when another process holds a conflicting one.
pub(crate) fn take_lock(file: &std::fs::File, path: &Path, shared: bool) -> Result<()> {
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

//! The file abstraction under the page file.
//!
//! Owns: `StorageBackend` (positional reads and writes, length, sync), its OS implementation
//! (`OsBackend`, a `std::fs::File`) and an in-memory one (`MemBackend`) whose writes and syncs
//! can be cut at any point to simulate a crash. Knows nothing of pages or checksums.

use crate::error::{Error, Result};
use parking_lot::Mutex;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Positional I/O on one file. Implementations are shared between threads.
#[allow(clippy::len_without_is_empty)]
pub trait StorageBackend: Send + Sync {
    /// Current length in bytes.
    fn len(&self) -> Result<u64>;
    /// Fills `buf` from `offset`. Reading past the end is an error.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()>;
    /// Writes `buf` at `offset`, extending the file if needed.
    fn write_at(&self, offset: u64, buf: &[u8]) -> Result<()>;
    /// Sets the length (truncating or zero-extending).
    fn set_len(&self, len: u64) -> Result<()>;
    /// Makes every completed write durable.
    fn sync(&self) -> Result<()>;
}

/// Makes the directory entry of `path` durable (after creating or renaming it): fsync of the
/// directory holding it. An error is returned, not ignored: a name that may not survive a
/// crash is a failed write. File systems that cannot sync a directory at all (EINVAL) have
/// nothing to make durable there and are not an error.
pub fn sync_parent_dir(path: &Path) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let err = |e| Error::io(format!("cannot sync directory {}", dir.display()), e);
    let d = File::open(dir).map_err(err)?;
    match d.sync_all() {
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Ok(()),
        r => r.map_err(err),
    }
}

/// A file of the operating system.
pub struct OsBackend {
    file: File,
    path: PathBuf,
}

impl OsBackend {
    /// Opens an existing file, for reading only or for reading and writing.
    pub fn open(path: &Path, writable: bool) -> Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(writable)
            .open(path)
            .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
        Ok(OsBackend {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Creates a new file; fails if it exists. The directory is synced, so the new name is
    /// durable before anything is written into the file: after a crash the file is either
    /// absent or present (possibly short, which opening for writing recreates).
    pub fn create_new(path: &Path) -> Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
        sync_parent_dir(path)?;
        Ok(OsBackend {
            file,
            path: path.to_path_buf(),
        })
    }

    pub fn file(&self) -> &File {
        &self.file
    }

    fn err(&self, what: &str, e: std::io::Error) -> Error {
        Error::io(format!("{what} {}", self.path.display()), e)
    }
}

#[cfg(unix)]
impl StorageBackend for OsBackend {
    fn len(&self) -> Result<u64> {
        Ok(self
            .file
            .metadata()
            .map_err(|e| self.err("cannot stat", e))?
            .len())
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.read_exact_at(buf, offset).map_err(|e| {
            self.err(
                &format!("cannot read {} bytes at {offset} of", buf.len()),
                e,
            )
        })
    }

    fn write_at(&self, offset: u64, buf: &[u8]) -> Result<()> {
        use std::os::unix::fs::FileExt;
        self.file.write_all_at(buf, offset).map_err(|e| {
            self.err(
                &format!("cannot write {} bytes at {offset} of", buf.len()),
                e,
            )
        })
    }

    fn set_len(&self, len: u64) -> Result<()> {
        self.file
            .set_len(len)
            .map_err(|e| self.err("cannot resize", e))
    }

    fn sync(&self) -> Result<()> {
        self.file
            .sync_data()
            .map_err(|e| self.err("cannot sync", e))
    }
}

/// What a `MemBackend` does once its crash point is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashMode {
    /// Every write and sync from the crash point on fails.
    FailFromNow,
}

/// What an injected sync failure leaves durable (`MemBackend::fail_nth_sync`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncFault {
    /// Nothing written since the last good sync reached the disk.
    Lost,
    /// Everything written reached the disk, but the sync still reported an error (the kernel
    /// may report a write-back error of pages it has since dropped or written).
    Persisted,
}

/// An in-memory file. `durable()` is what survives a crash: the bytes as of the last `sync`.
///
/// Faults, for crash and error-path tests:
/// * `crash_after_writes(n)` makes the n+1-th write and everything after it fail, as a crash
///   would, so tests can cut a write sequence at any point;
/// * `fail_nth_write(n)` fails one write-like operation (`write_at` or `set_len`), the n-th
///   from now (0 = the next), and only that one: a failed `write_at` leaves the first half
///   of its bytes written (a torn write);
/// * `fail_nth_sync(n, fault)` fails one `sync`, the n-th from now.
///
/// `write_ops()` and `sync_ops()` count the operations attempted so far, so a test can
/// measure a sequence and then fail each of its steps in turn.
#[derive(Clone, Default)]
pub struct MemBackend {
    inner: Arc<MemInner>,
}

#[derive(Default)]
struct MemInner {
    data: Mutex<Vec<u8>>,
    synced: Mutex<Vec<u8>>,
    crash: Arc<CrashClock>,
    faults: Mutex<Faults>,
}

/// Counts successful writes and holds the crash point; files made with
/// `MemBackend::sharing_crash_point` share one, so a crash cuts a database file and its
/// WAL at the same moment.
#[derive(Default)]
struct CrashClock {
    writes: AtomicU64,
    crash_at: Mutex<Option<u64>>,
}

#[derive(Default)]
struct Faults {
    /// Write-like operations attempted (`write_at`, `set_len`).
    write_ops: u64,
    /// Syncs attempted.
    sync_ops: u64,
    /// The value of `write_ops` at which one write fails.
    fail_write: Option<u64>,
    /// The value of `sync_ops` at which one sync fails, and how.
    fail_sync: Option<(u64, SyncFault)>,
}

fn injected(what: &str) -> Error {
    Error::io(
        format!("simulated {what} failure"),
        std::io::Error::other("injected fault"),
    )
}

impl MemBackend {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        let m = Self::new();
        *m.inner.synced.lock() = bytes.clone();
        *m.inner.data.lock() = bytes;
        m
    }

    /// The current contents (including unsynced writes).
    pub fn contents(&self) -> Vec<u8> {
        self.inner.data.lock().clone()
    }

    /// The contents as of the last sync: what a power loss leaves.
    pub fn durable(&self) -> Vec<u8> {
        self.inner.synced.lock().clone()
    }

    /// A new, empty file whose writes count against this one's crash point: a crash set on
    /// either stops both (a database file and its WAL on one disk).
    pub fn sharing_crash_point(&self) -> MemBackend {
        MemBackend {
            inner: Arc::new(MemInner {
                crash: self.inner.crash.clone(),
                ..MemInner::default()
            }),
        }
    }

    /// Writes, resizes and syncs fail after `n` more successful writes or resizes (counted
    /// over every file sharing the crash point).
    pub fn crash_after_writes(&self, n: u64) {
        let done = self.inner.crash.writes.load(Ordering::SeqCst);
        *self.inner.crash.crash_at.lock() = Some(done + n);
    }

    /// Successful writes and resizes so far (over every file sharing the crash point).
    pub fn writes(&self) -> u64 {
        self.inner.crash.writes.load(Ordering::SeqCst)
    }

    /// Write-like operations (`write_at`, `set_len`) attempted so far.
    pub fn write_ops(&self) -> u64 {
        self.inner.faults.lock().write_ops
    }

    /// Syncs attempted so far.
    pub fn sync_ops(&self) -> u64 {
        self.inner.faults.lock().sync_ops
    }

    /// The `n`-th write-like operation from now (0 = the next one) fails; later ones succeed.
    pub fn fail_nth_write(&self, n: u64) {
        let mut f = self.inner.faults.lock();
        f.fail_write = Some(f.write_ops + n);
    }

    /// The `n`-th sync from now (0 = the next one) fails as `fault` says; later ones succeed.
    pub fn fail_nth_sync(&self, n: u64, fault: SyncFault) {
        let mut f = self.inner.faults.lock();
        f.fail_sync = Some((f.sync_ops + n, fault));
    }

    /// Forgets injected faults (not the crash point).
    pub fn clear_faults(&self) {
        let mut f = self.inner.faults.lock();
        f.fail_write = None;
        f.fail_sync = None;
    }

    fn check_crash(&self) -> Result<()> {
        if let Some(at) = *self.inner.crash.crash_at.lock() {
            if self.inner.crash.writes.load(Ordering::SeqCst) >= at {
                return Err(Error::io(
                    "simulated crash",
                    std::io::Error::other("crash point reached"),
                ));
            }
        }
        Ok(())
    }

    /// Counts a write-like operation; true if it is the one to fail.
    fn write_fault(&self) -> bool {
        let mut f = self.inner.faults.lock();
        let op = f.write_ops;
        f.write_ops += 1;
        f.fail_write == Some(op)
    }
}

impl StorageBackend for MemBackend {
    fn len(&self) -> Result<u64> {
        Ok(self.inner.data.lock().len() as u64)
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        let data = self.inner.data.lock();
        let end = offset.checked_add(buf.len() as u64);
        let Some(end) = end.filter(|&e| e <= data.len() as u64) else {
            return Err(Error::io(
                format!("cannot read {} bytes at {offset}", buf.len()),
                std::io::Error::from(std::io::ErrorKind::UnexpectedEof),
            ));
        };
        buf.copy_from_slice(&data[offset as usize..end as usize]);
        Ok(())
    }

    fn write_at(&self, offset: u64, buf: &[u8]) -> Result<()> {
        self.check_crash()?;
        let fail = self.write_fault();
        // A failed write may still have stored a part of its bytes.
        let stored = if fail { &buf[..buf.len() / 2] } else { buf };
        let mut data = self.inner.data.lock();
        let start = offset as usize;
        let end = start + stored.len();
        if end > data.len() {
            data.resize(end, 0);
        }
        data[start..end].copy_from_slice(stored);
        if fail {
            return Err(injected("write"));
        }
        self.inner.crash.writes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn set_len(&self, len: u64) -> Result<()> {
        self.check_crash()?;
        if self.write_fault() {
            return Err(injected("resize"));
        }
        self.inner.data.lock().resize(len as usize, 0);
        self.inner.crash.writes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn sync(&self) -> Result<()> {
        self.check_crash()?;
        let fault = {
            let mut f = self.inner.faults.lock();
            let op = f.sync_ops;
            f.sync_ops += 1;
            match f.fail_sync {
                Some((at, fault)) if at == op => Some(fault),
                _ => None,
            }
        };
        if fault != Some(SyncFault::Lost) {
            let data = self.inner.data.lock().clone();
            *self.inner.synced.lock() = data;
        }
        if fault.is_some() {
            return Err(injected("sync"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_backend_durability_and_crash() {
        let m = MemBackend::new();
        m.write_at(0, b"hello").unwrap();
        assert_eq!(m.contents(), b"hello");
        assert!(m.durable().is_empty());
        m.sync().unwrap();
        m.crash_after_writes(1);
        m.write_at(5, b" world").unwrap();
        assert!(m.write_at(0, b"x").is_err());
        assert!(m.sync().is_err());
        assert_eq!(m.durable(), b"hello");
        assert_eq!(m.contents(), b"hello world");
    }

    #[test]
    fn os_backend_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let f = OsBackend::create_new(&p).unwrap();
        f.write_at(4096, &[7u8; 10]).unwrap();
        assert_eq!(f.len().unwrap(), 4106);
        let mut b = [0u8; 10];
        f.read_at(4096, &mut b).unwrap();
        assert_eq!(b, [7u8; 10]);
        assert!(f.read_at(4100, &mut [0u8; 10]).is_err());
        assert!(OsBackend::create_new(&p).is_err());
        f.sync().unwrap();
    }

    #[test]
    fn directory_sync_errors_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        sync_parent_dir(&dir.path().join("f")).unwrap();
        let e = sync_parent_dir(&dir.path().join("missing/f")).unwrap_err();
        assert!(e.to_string().contains("cannot sync directory"), "{e}");
        // Creating a file syncs its directory (and fails where that is impossible).
        assert!(OsBackend::create_new(&dir.path().join("missing/f")).is_err());
        OsBackend::create_new(&dir.path().join("g")).unwrap();
    }
}

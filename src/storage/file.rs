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

    /// Creates a new file; fails if it exists.
    pub fn create_new(path: &Path) -> Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
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

/// An in-memory file. `durable()` is what survives a crash: the bytes as of the last `sync`.
/// `crash_after_writes(n)` makes the n+1-th write and everything after it fail, as a crash
/// would, so tests can cut a write sequence at any point.
#[derive(Clone, Default)]
pub struct MemBackend {
    inner: Arc<MemInner>,
}

#[derive(Default)]
struct MemInner {
    data: Mutex<Vec<u8>>,
    synced: Mutex<Vec<u8>>,
    writes: AtomicU64,
    crash_at: Mutex<Option<u64>>,
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

    /// Writes and syncs fail after `n` more successful writes.
    pub fn crash_after_writes(&self, n: u64) {
        let done = self.inner.writes.load(Ordering::SeqCst);
        *self.inner.crash_at.lock() = Some(done + n);
    }

    pub fn writes(&self) -> u64 {
        self.inner.writes.load(Ordering::SeqCst)
    }

    fn check_crash(&self) -> Result<()> {
        if let Some(at) = *self.inner.crash_at.lock() {
            if self.inner.writes.load(Ordering::SeqCst) >= at {
                return Err(Error::io(
                    "simulated crash",
                    std::io::Error::other("crash point reached"),
                ));
            }
        }
        Ok(())
    }
}

impl StorageBackend for MemBackend {
    fn len(&self) -> Result<u64> {
        Ok(self.inner.data.lock().len() as u64)
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<()> {
        let data = self.inner.data.lock();
        let start = offset as usize;
        let end = start + buf.len();
        if end > data.len() {
            return Err(Error::io(
                format!("cannot read {} bytes at {offset}", buf.len()),
                std::io::Error::from(std::io::ErrorKind::UnexpectedEof),
            ));
        }
        buf.copy_from_slice(&data[start..end]);
        Ok(())
    }

    fn write_at(&self, offset: u64, buf: &[u8]) -> Result<()> {
        self.check_crash()?;
        let mut data = self.inner.data.lock();
        let start = offset as usize;
        let end = start + buf.len();
        if end > data.len() {
            data.resize(end, 0);
        }
        data[start..end].copy_from_slice(buf);
        self.inner.writes.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn set_len(&self, len: u64) -> Result<()> {
        self.check_crash()?;
        self.inner.data.lock().resize(len as usize, 0);
        Ok(())
    }

    fn sync(&self) -> Result<()> {
        self.check_crash()?;
        let data = self.inner.data.lock().clone();
        *self.inner.synced.lock() = data;
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
}

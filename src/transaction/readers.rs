//! The reader table: which checkpoint each read-only process reads, so that the writer (in
//! another process) never reuses a page one of them may still read.
//!
//! Owns: the directory `DB.ruzu.readers/` beside the database. A read-only process creates
//! one file there (`ReaderSlot`) and holds an exclusive OS lock on it for as long as it is
//! open; the file holds the oldest checkpoint generation the process still reads (twice, so
//! a torn write is detected and read as "unknown": hold everything). The writer
//! (`oldest_generation`) reads every slot whose lock is held; a slot whose lock it can take
//! belongs to a process that died (the OS dropped its lock): it is removed. std's file locks
//! are whole-file locks, hence one file per reader rather than LMDB's slots in one file.
//!
//! Protocol: a reader registers generation 0 ("everything") before it reads the header, and
//! raises it only when no transaction of an older checkpoint is left in the process; the
//! writer releases the pages a checkpoint of generation G stopped referencing only when every
//! registered reader reads G or later.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The reader directory of a database file.
pub fn readers_dir(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".readers");
    PathBuf::from(p)
}

const SUFFIX: &str = "reader";

/// A read-only process's entry in the reader table (removed when dropped).
pub struct ReaderSlot {
    file: File,
    path: PathBuf,
    generation: u64,
}

fn encode(generation: u64) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&generation.to_le_bytes());
    b[8..].copy_from_slice(&(!generation).to_le_bytes());
    b
}

impl ReaderSlot {
    /// Registers this process as a reader of `db`, at generation 0 (hold everything).
    pub fn register(db: &Path) -> Result<ReaderSlot> {
        let dir = readers_dir(db);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        let mut id = [0u8; 8];
        getrandom::getrandom(&mut id).map_err(|e| {
            Error::io(
                "cannot get random bytes",
                std::io::Error::other(e.to_string()),
            )
        })?;
        let name = format!("{}-{:016x}", std::process::id(), u64::from_le_bytes(id));
        // Locked under a name the writer ignores, then renamed into place: the writer never
        // sees an unlocked slot of a live reader.
        let tmp = dir.join(format!("{name}.tmp"));
        let path = dir.join(format!("{name}.{SUFFIX}"));
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| Error::io(format!("cannot create {}", tmp.display()), e))?;
        file.try_lock().map_err(|e| {
            Error::io(
                format!("cannot lock {}", tmp.display()),
                std::io::Error::other(e.to_string()),
            )
        })?;
        file.write_all(&encode(0))
            .map_err(|e| Error::io(format!("cannot write {}", tmp.display()), e))?;
        std::fs::rename(&tmp, &path)
            .map_err(|e| Error::io(format!("cannot rename {}", tmp.display()), e))?;
        Ok(ReaderSlot {
            file,
            path,
            generation: 0,
        })
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Records that this process reads checkpoint `generation` or later.
    pub fn set(&mut self, generation: u64) -> Result<()> {
        if generation == self.generation {
            return Ok(());
        }
        let b = encode(generation);
        self.file
            .seek(SeekFrom::Start(0))
            .and_then(|_| self.file.write_all(&b))
            .map_err(|e| Error::io(format!("cannot write {}", self.path.display()), e))?;
        self.generation = generation;
        Ok(())
    }
}

impl Drop for ReaderSlot {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The oldest generation a live read-only process reads (`u64::MAX` when none reads);
/// slots of dead processes are removed on the way.
pub fn oldest_generation(db: &Path) -> Result<u64> {
    let dir = readers_dir(db);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(u64::MAX),
        Err(e) => return Err(Error::io(format!("cannot read {}", dir.display()), e)),
    };
    let mut oldest = u64::MAX;
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().and_then(|x| x.to_str()) != Some(SUFFIX) {
            continue;
        }
        let Ok(mut f) = OpenOptions::new().read(true).write(true).open(&path) else {
            continue; // removed meanwhile
        };
        match f.try_lock_shared() {
            Ok(()) => {
                // Nobody holds it: its process is gone.
                let _ = std::fs::remove_file(&path);
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut b = [0u8; 16];
                let g = match f.read_exact(&mut b) {
                    Ok(()) => {
                        let g = u64::from_le_bytes(b[..8].try_into().unwrap_or([0; 8]));
                        let n = u64::from_le_bytes(b[8..].try_into().unwrap_or([0; 8]));
                        // A torn or unreadable entry: assume the oldest.
                        if g == !n {
                            g
                        } else {
                            0
                        }
                    }
                    Err(_) => 0,
                };
                oldest = oldest.min(g);
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::io(format!("cannot lock {}", path.display()), e))
            }
        }
    }
    Ok(oldest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_register_update_and_vanish() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db.ruzu");
        assert_eq!(oldest_generation(&db).unwrap(), u64::MAX);
        let mut a = ReaderSlot::register(&db).unwrap();
        assert_eq!(oldest_generation(&db).unwrap(), 0);
        a.set(7).unwrap();
        let mut b = ReaderSlot::register(&db).unwrap();
        b.set(9).unwrap();
        assert_eq!(oldest_generation(&db).unwrap(), 7);
        drop(a);
        assert_eq!(oldest_generation(&db).unwrap(), 9);
        // A slot left by a dead process (no lock held) is removed.
        let stale = readers_dir(&db).join("999-dead.reader");
        std::fs::write(&stale, encode(1)).unwrap();
        assert_eq!(oldest_generation(&db).unwrap(), 9);
        assert!(!stale.exists());
        drop(b);
        assert_eq!(oldest_generation(&db).unwrap(), u64::MAX);
    }
}

//! Working memory of the bulk pipeline: charging it to the budget, and spilling what does
//! not fit to a temporary file.
//!
//! Owns: `MemCharge` (working memory taken from the `MemoryManager` the buffer pool shares,
//! evicting unpinned pages to make room, given back on drop), `SpillFile` (a temporary file
//! beside the database, removed when dropped, so on success and on failure alike),
//! the segment codec the rel copy spills its partitions with, and the process-wide helpers
//! `default_memory_limit` and `peak_rss_bytes`.

use crate::error::{Error, Result};
use crate::storage::buffer::{BufferPool, MIN_BUDGET};
use crate::transaction::wal::{decode_value, encode_value};
use crate::types::vector::{Column, ColumnData};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Working memory charged to the budget; given back when dropped.
///
/// Charging never fails: what the budget cannot hold even after evicting every unpinned page
/// is counted as `over` (the pipeline keeps its own structures within its plan, so only a
/// single node or CSR group larger than a tiny budget ends up there, and that group must be
/// whole in memory to be encoded).
pub struct MemCharge<'a> {
    pool: &'a BufferPool,
    bytes: u64,
    over: u64,
}

impl<'a> MemCharge<'a> {
    pub fn new(pool: &'a BufferPool) -> Self {
        MemCharge {
            pool,
            bytes: 0,
            over: 0,
        }
    }

    /// Takes `bytes` more, evicting unpinned pages if needed.
    pub fn grow(&mut self, bytes: u64) {
        if bytes == 0 {
            return;
        }
        // The pool keeps an eighth of the budget to pin the pages it needs.
        let mem = self.pool.memory();
        let limit = mem.budget() - (mem.budget() / 8).max(MIN_BUDGET.min(mem.budget() / 2));
        if mem.take_working(bytes, limit) {
            if self.pool.reserve(bytes).is_ok() {
                self.bytes += bytes;
                return;
            }
            mem.give_working(bytes);
        }
        self.over += bytes;
    }

    /// Charges exactly `bytes` (growing or shrinking).
    pub fn set(&mut self, bytes: u64) {
        let now = self.bytes + self.over;
        if bytes > now {
            self.grow(bytes - now)
        } else {
            self.shrink(now - bytes);
        }
    }

    pub fn shrink(&mut self, bytes: u64) {
        let from_over = bytes.min(self.over);
        self.over -= from_over;
        let b = (bytes - from_over).min(self.bytes);
        self.pool.release(b);
        self.pool.memory().give_working(b);
        self.bytes -= b;
    }

    /// Bytes charged to the budget.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Bytes held beyond what the budget could give.
    pub fn over(&self) -> u64 {
        self.over
    }
}

impl Drop for MemCharge<'_> {
    fn drop(&mut self) {
        self.pool.release(self.bytes);
        self.pool.memory().give_working(self.bytes);
    }
}

/// Bytes a column's values take in memory (what the pipeline charges for it).
pub fn column_bytes(c: &Column) -> u64 {
    let n = c.len() as u64;
    let data = match &c.data {
        ColumnData::Bool(_) | ColumnData::Int8(_) | ColumnData::UInt8(_) => n,
        ColumnData::Int16(_) | ColumnData::UInt16(_) => 2 * n,
        ColumnData::Int32(_) | ColumnData::UInt32(_) | ColumnData::Float(_) => 4 * n,
        ColumnData::Int64(_) | ColumnData::UInt64(_) | ColumnData::Double(_) => 8 * n,
        ColumnData::Int128(_) | ColumnData::Interval(_) => 16 * n,
        ColumnData::String(s) => 8 * n + s.bytes.len() as u64,
        ColumnData::List { child, .. } => 8 * n + column_bytes(child),
        ColumnData::Struct(ch) => ch.iter().map(column_bytes).sum(),
    };
    data + n.div_ceil(8)
}

static SPILL_SEQ: AtomicU64 = AtomicU64::new(0);

/// A temporary file beside the database (in the system's temporary directory for a database
/// without a directory), removed when dropped.
///
/// On Linux it is written and read with `O_DIRECT` where the file system allows it: on the
/// machines ruzu is measured on, writes through the page cache ran at 236 MB/s and direct
/// writes at 1.5 GB/s, and a spilled load is mostly those writes (7.2 GB at scale 10). Direct
/// I/O needs block-aligned buffers, offsets and lengths, so appends gather in an aligned
/// buffer written a whole buffer at a time; `finish` writes the tail (padded to a block), and
/// reads cover the aligned blocks around what they ask for. Where `O_DIRECT` is refused
/// (tmpfs), the same code runs on a plain file.
pub struct SpillFile {
    file: File,
    path: PathBuf,
    /// Bytes appended (the logical length; offsets are the same in the file).
    len: u64,
    /// Bytes of `len` in the file that are not also in `buf` (a multiple of `BLOCK`).
    written: u64,
    /// Bytes of `len` that can be read from the file.
    synced: u64,
    buf: Blocks,
    /// Bytes of `buf` in use.
    filled: usize,
}

/// Alignment and granularity of direct I/O.
const BLOCK: usize = 4096;
/// Bytes gathered before a write.
const WRITE_BUFFER: usize = 4 << 20;

#[derive(Clone, Copy)]
#[repr(C, align(4096))]
struct Block([u8; BLOCK]);

/// A block-aligned byte buffer.
pub struct Blocks(Vec<Block>);

impl Blocks {
    fn new(bytes: usize) -> Blocks {
        Blocks(vec![Block([0; BLOCK]); bytes.div_ceil(BLOCK)])
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `Block` is `repr(C)` around `[u8; 4096]` with alignment 4096, so it has no
        // padding and a `Vec<Block>` is `len * 4096` initialised, contiguous bytes.
        unsafe { std::slice::from_raw_parts(self.0.as_ptr().cast::<u8>(), self.0.len() * BLOCK) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`; the borrow is unique through `&mut self`.
        unsafe {
            std::slice::from_raw_parts_mut(self.0.as_mut_ptr().cast::<u8>(), self.0.len() * BLOCK)
        }
    }
}

/// Bytes read back from a spill file: a view into aligned blocks.
pub struct SpillBytes {
    blocks: Blocks,
    start: usize,
    len: usize,
}

impl std::ops::Deref for SpillBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.blocks.bytes()[self.start..self.start + self.len]
    }
}

#[cfg(target_os = "linux")]
fn open_spill(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let direct = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_DIRECT)
        .open(path);
    match direct {
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
            let _ = std::fs::remove_file(path);
            open_plain(path)
        }
        r => r,
    }
}

#[cfg(not(target_os = "linux"))]
fn open_spill(path: &Path) -> std::io::Result<File> {
    open_plain(path)
}

fn open_plain(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(path)
}

impl SpillFile {
    /// The name a spill file of `db` takes: `.NAME.spill-PID-N` in the database's directory
    /// (the system's temporary directory when `db` is no file, as for in-memory test pagers).
    pub fn create(db: &Path) -> Result<SpillFile> {
        let dir = match db.parent() {
            _ if !db.is_file() => std::env::temp_dir(),
            Some(d) if d.as_os_str().is_empty() => PathBuf::from("."),
            Some(d) => d.to_path_buf(),
            None => std::env::temp_dir(),
        };
        let name = db
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ruzu".into());
        let seq = SPILL_SEQ.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{name}.spill-{}-{seq}", std::process::id()));
        let file = open_spill(&path)
            .map_err(|e| Error::io(format!("cannot create spill file {}", path.display()), e))?;
        Ok(SpillFile {
            file,
            path,
            len: 0,
            written: 0,
            synced: 0,
            buf: Blocks::new(WRITE_BUFFER),
            filled: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn write_err(&self, e: std::io::Error) -> Error {
        Error::io(
            format!("cannot write spill file {}", self.path.display()),
            e,
        )
    }

    /// Writes the first `upto` bytes of the buffer (rounded up to whole blocks).
    fn write_buffer(&mut self, upto: usize) -> Result<()> {
        use std::os::unix::fs::FileExt;
        let n = upto.div_ceil(BLOCK) * BLOCK;
        let at = self.written;
        let r = self.file.write_all_at(&self.buf.bytes()[..n], at);
        r.map_err(|e| self.write_err(e))
    }

    /// Appends `bytes`; returns their offset.
    pub fn append(&mut self, mut bytes: &[u8]) -> Result<u64> {
        let at = self.len;
        while !bytes.is_empty() {
            let room = WRITE_BUFFER - self.filled;
            let take = room.min(bytes.len());
            self.buf.bytes_mut()[self.filled..self.filled + take].copy_from_slice(&bytes[..take]);
            self.filled += take;
            bytes = &bytes[take..];
            if self.filled == WRITE_BUFFER {
                self.write_buffer(WRITE_BUFFER)?;
                self.written += WRITE_BUFFER as u64;
                self.synced = self.written;
                self.filled = 0;
            }
        }
        self.len = self.written + self.filled as u64;
        Ok(at)
    }

    /// Writes what is still buffered, so that everything appended can be read. (Further
    /// appends may follow: the partial last block is rewritten with them.)
    pub fn finish(&mut self) -> Result<()> {
        if self.filled == 0 {
            return Ok(());
        }
        self.write_buffer(self.filled)?;
        self.synced = self.len;
        // Keep the partial block buffered (at the start of the buffer), so appends continue
        // it; the whole blocks before it are in the file.
        let whole = self.filled / BLOCK * BLOCK;
        if whole > 0 {
            let (head, tail) = self.buf.bytes_mut().split_at_mut(whole);
            let rest = self.filled - whole;
            head[..rest].copy_from_slice(&tail[..rest]);
            self.written += whole as u64;
            self.filled = rest;
        }
        Ok(())
    }

    /// Reads `len` bytes at `offset` (safe to call from several threads at once); what it
    /// reads must have been written by `finish` (or by a full buffer).
    pub fn read_at(&self, offset: u64, len: usize) -> Result<SpillBytes> {
        use std::os::unix::fs::FileExt;
        let end = offset
            .checked_add(len as u64)
            .filter(|&e| e <= self.synced)
            .ok_or_else(|| Error::Runtime("spill file read past what was written".into()))?;
        let first = offset / BLOCK as u64 * BLOCK as u64;
        let last = end.div_ceil(BLOCK as u64) * BLOCK as u64;
        let mut blocks = Blocks::new((last - first) as usize);
        self.file
            .read_exact_at(blocks.bytes_mut(), first)
            .map_err(|e| Error::io(format!("cannot read spill file {}", self.path.display()), e))?;
        Ok(SpillBytes {
            blocks,
            start: (offset - first) as usize,
            len,
        })
    }
}

impl Drop for SpillFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

// ---------------------------------------------------------------------------------------------
// Segment codec: rows of columns, written and read back exactly (NULL rows keep the value
// bytes they held, so a spilled copy writes the same pages as one that stayed in memory).

pub fn put_u32s(out: &mut Vec<u8>, v: impl Iterator<Item = u32>) {
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

pub fn put_u64s(out: &mut Vec<u8>, v: impl Iterator<Item = u64>) {
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

/// A cursor over a segment read back.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| Error::Runtime("spill file segment is shorter than written".into()))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub fn u32s(&mut self, n: usize, out: &mut Vec<u32>) -> Result<()> {
        let b = self.take(n * 4)?;
        out.extend(
            b.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
        Ok(())
    }

    pub fn u64s(&mut self, n: usize, out: &mut Vec<u64>) -> Result<()> {
        let b = self.take(n * 8)?;
        out.extend(b.chunks_exact(8).map(|c| {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            u64::from_le_bytes(a)
        }));
        Ok(())
    }
}

macro_rules! fixed {
    ($v:expr, $rows:expr, $out:expr) => {
        for &r in $rows {
            $out.extend_from_slice(&$v[r as usize].to_le_bytes());
        }
    };
}

/// Appends rows `rows` of `c`: a NULL byte per row, then the values.
pub fn put_column(c: &Column, rows: &[u32], out: &mut Vec<u8>) -> Result<()> {
    out.extend(rows.iter().map(|&r| u8::from(c.nulls.is_null(r as usize))));
    match &c.data {
        ColumnData::Bool(v) => out.extend(rows.iter().map(|&r| u8::from(v[r as usize]))),
        ColumnData::Int8(v) => fixed!(v, rows, out),
        ColumnData::Int16(v) => fixed!(v, rows, out),
        ColumnData::Int32(v) => fixed!(v, rows, out),
        ColumnData::Int64(v) => fixed!(v, rows, out),
        ColumnData::Int128(v) => fixed!(v, rows, out),
        ColumnData::UInt8(v) => fixed!(v, rows, out),
        ColumnData::UInt16(v) => fixed!(v, rows, out),
        ColumnData::UInt32(v) => fixed!(v, rows, out),
        ColumnData::UInt64(v) => fixed!(v, rows, out),
        ColumnData::Float(v) => fixed!(v, rows, out),
        ColumnData::Double(v) => fixed!(v, rows, out),
        ColumnData::String(s) => {
            for &r in rows {
                let b = s.get(r as usize);
                out.extend_from_slice(&(b.len() as u64).to_le_bytes());
                out.extend_from_slice(b);
            }
        }
        // Intervals and nested values, self-described value by value.
        _ => {
            let mut e = crate::storage::page::Encoder::new();
            for &r in rows {
                encode_value(&mut e, &c.get(r as usize))?;
            }
            out.extend_from_slice(&(e.buf.len() as u64).to_le_bytes());
            out.extend_from_slice(&e.buf);
        }
    }
    Ok(())
}

macro_rules! read_fixed {
    ($v:expr, $t:ty, $n:expr, $rd:expr) => {{
        const W: usize = std::mem::size_of::<$t>();
        let b = $rd.take($n * W)?;
        $v.extend(b.chunks_exact(W).map(|c| {
            let mut a = [0u8; W];
            a.copy_from_slice(c);
            <$t>::from_le_bytes(a)
        }));
    }};
}

/// Reads `n` rows written by `put_column` and appends them to `c`.
pub fn get_column(rd: &mut Reader, n: usize, c: &mut Column) -> Result<()> {
    let nulls = rd.take(n)?;
    match &mut c.data {
        ColumnData::Bool(v) => v.extend(rd.take(n)?.iter().map(|&b| b != 0)),
        ColumnData::Int8(v) => read_fixed!(v, i8, n, rd),
        ColumnData::Int16(v) => read_fixed!(v, i16, n, rd),
        ColumnData::Int32(v) => read_fixed!(v, i32, n, rd),
        ColumnData::Int64(v) => read_fixed!(v, i64, n, rd),
        ColumnData::Int128(v) => read_fixed!(v, i128, n, rd),
        ColumnData::UInt8(v) => read_fixed!(v, u8, n, rd),
        ColumnData::UInt16(v) => read_fixed!(v, u16, n, rd),
        ColumnData::UInt32(v) => read_fixed!(v, u32, n, rd),
        ColumnData::UInt64(v) => read_fixed!(v, u64, n, rd),
        ColumnData::Float(v) => read_fixed!(v, f32, n, rd),
        ColumnData::Double(v) => read_fixed!(v, f64, n, rd),
        ColumnData::String(s) => {
            for _ in 0..n {
                let mut len = Vec::with_capacity(1);
                rd.u64s(1, &mut len)?;
                let b = rd.take(len[0] as usize)?;
                s.push(b);
            }
        }
        _ => {
            let mut len = Vec::with_capacity(1);
            rd.u64s(1, &mut len)?;
            let body = rd.take(len[0] as usize)?;
            let mut d = crate::storage::page::Decoder::new(body, "spill file");
            for _ in 0..n {
                let v = decode_value(&mut d, 0)?;
                if !c.push_value(&v) {
                    return Err(Error::Runtime("spill file value of another type".into()));
                }
            }
            return Ok(());
        }
    }
    for &b in nulls {
        c.nulls.push(b != 0);
    }
    Ok(())
}

/// The default `--memory-limit`: a forty-eighth of physical memory, at least 256 MiB and at
/// most 1 GiB (512 MiB on a 24 GiB machine). The loader spills rel runs that do not fit, and
/// spilling costs less than the memory it saves: at scale 1, 768 MiB against 512 MiB took
/// 0.9x the time for 1.4x the peak RSS (docs/PERFORMANCE.md), so more buys little.
pub fn default_memory_limit() -> u64 {
    let ram = physical_memory().unwrap_or(8 << 30);
    (ram / 48).clamp(256 << 20, 1 << 30)
}

fn physical_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The process's peak resident set size so far (Linux `VmHWM`), if known.
pub fn peak_rss_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{LogicalType, Value};

    #[test]
    fn columns_round_trip_through_segments() {
        let mut cols = vec![
            Column::new(LogicalType::Int64),
            Column::new(LogicalType::Double),
            Column::new(LogicalType::String),
            Column::new(LogicalType::List(Box::new(LogicalType::Int32))),
            Column::new(LogicalType::Bool),
        ];
        for i in 0..5i64 {
            let null = i == 2;
            let v = |x: Value| if null { Value::Null } else { x };
            assert!(cols[0].push_value(&v(Value::Int64(i * 7))));
            assert!(cols[1].push_value(&v(Value::Double(i as f64 / 3.0))));
            assert!(cols[2].push_value(&v(Value::String(format!("s{i}")))));
            assert!(cols[3].push_value(&v(Value::List(vec![Value::Int32(i as i32)]))));
            assert!(cols[4].push_value(&v(Value::Bool(i % 2 == 0))));
        }
        let rows = [4u32, 0, 2, 3];
        let mut buf = Vec::new();
        for c in &cols {
            put_column(c, &rows, &mut buf).unwrap();
        }
        let mut rd = Reader::new(&buf);
        for c in &cols {
            let mut back = Column::new(c.ty.clone());
            get_column(&mut rd, rows.len(), &mut back).unwrap();
            let mut want = Column::new(c.ty.clone());
            want.gather(c, &rows);
            assert_eq!(back, want, "{}", c.ty);
        }
        assert!(rd.take(1).is_err());
    }

    /// Appends across buffer and block boundaries, `finish` in the middle of a block and
    /// appends after it, reads of every alignment: the bytes come back as written.
    #[test]
    fn spill_file_reads_back_what_was_appended() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.ruzu");
        std::fs::write(&db, b"").unwrap();
        let mut f = SpillFile::create(&db).unwrap();
        let mut all: Vec<u8> = Vec::new();
        let mut next = 0u32;
        let mut piece = |len: usize| -> Vec<u8> {
            (0..len)
                .map(|_| {
                    next = next.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (next >> 16) as u8
                })
                .collect()
        };
        for (i, len) in [1usize, 4095, 4097, 100, WRITE_BUFFER + 5, 3, 8192, 77]
            .into_iter()
            .enumerate()
        {
            let p = piece(len);
            assert_eq!(f.append(&p).unwrap(), all.len() as u64);
            all.extend_from_slice(&p);
            if i % 3 == 2 {
                f.finish().unwrap();
                let back = f.read_at(0, all.len()).unwrap();
                assert!(*back == all[..], "after piece {i}");
            }
        }
        f.finish().unwrap();
        assert_eq!(f.len(), all.len() as u64);
        for (at, len) in [
            (0usize, 1usize),
            (4095, 2),
            (4096, 4096),
            (5000, 9000),
            (all.len() - 7, 7),
        ] {
            assert!(
                *f.read_at(at as u64, len).unwrap() == all[at..at + len],
                "{at}+{len}"
            );
        }
    }

    #[test]
    fn spill_file_is_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.ruzu");
        std::fs::write(&db, b"").unwrap();
        let mut f = SpillFile::create(&db).unwrap();
        let p = f.path().to_path_buf();
        assert_eq!(p.parent(), Some(dir.path()));
        assert_eq!(f.append(b"abc").unwrap(), 0);
        assert_eq!(f.append(b"de").unwrap(), 3);
        assert!(f.read_at(2, 2).is_err(), "not finished yet");
        f.finish().unwrap();
        assert_eq!(&*f.read_at(2, 2).unwrap(), b"cd");
        assert!(f.read_at(2, 4).is_err(), "past the end");
        assert!(p.exists());
        drop(f);
        assert!(!p.exists());
    }
}

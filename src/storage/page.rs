//! The page: 4 KiB, a payload and an 8-byte trailer carrying the page kind and a CRC32C.
//!
//! Owns: page geometry, sealing a page (kind + checksum) before it is written, verifying it
//! after it is read, and the little-endian field helpers every on-disk structure uses.
//! Layout (see docs/FORMAT.md): bytes 0..4088 payload, 4088 kind (u8, never 0 on a written
//! page), 4089..4092 zero, 4092..4096 CRC32C of (page number as u64 LE ‖ bytes 0..4092).
//! Mixing in the page number catches a page written to the wrong place.

use crate::error::{Error, Result};

pub const PAGE_SIZE: usize = 4096;
/// Bytes of a page available to its owner.
pub const PAGE_PAYLOAD: usize = PAGE_SIZE - 8;
const KIND_AT: usize = PAGE_PAYLOAD;
const CRC_AT: usize = PAGE_SIZE - 4;

/// What a page holds. The kind is recorded in the trailer so `ruzu check` can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PageKind {
    /// A run of catalog bytes.
    Catalog = 1,
    /// A run of storage-metadata bytes.
    Metadata = 2,
    /// Column chunk values.
    Column = 3,
    /// Column chunk null bitmap.
    Nulls = 4,
    /// Bytes of variable-length values.
    Bytes = 5,
    /// Primary-key hash index.
    Index = 6,
    /// A run of free-list bytes.
    FreeList = 7,
}

impl PageKind {
    pub fn from_u8(b: u8) -> Option<PageKind> {
        Some(match b {
            1 => PageKind::Catalog,
            2 => PageKind::Metadata,
            3 => PageKind::Column,
            4 => PageKind::Nulls,
            5 => PageKind::Bytes,
            6 => PageKind::Index,
            7 => PageKind::FreeList,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            PageKind::Catalog => "catalog",
            PageKind::Metadata => "metadata",
            PageKind::Column => "column",
            PageKind::Nulls => "nulls",
            PageKind::Bytes => "bytes",
            PageKind::Index => "index",
            PageKind::FreeList => "free list",
        }
    }
}

fn checksum(page_no: u64, page: &[u8]) -> u32 {
    let c = crc32c::crc32c(&page_no.to_le_bytes());
    crc32c::crc32c_append(c, &page[..CRC_AT])
}

/// Stamps `kind` and the checksum into the trailer of `page`, which is to be written as page
/// number `page_no`.
pub fn seal(page_no: u64, kind: PageKind, page: &mut [u8]) {
    debug_assert_eq!(page.len(), PAGE_SIZE);
    page[KIND_AT] = kind as u8;
    page[KIND_AT + 1..CRC_AT].fill(0);
    let crc = checksum(page_no, page);
    page[CRC_AT..].copy_from_slice(&crc.to_le_bytes());
}

/// The state of a page read from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageState {
    /// All zeros: never written (or freed and cleared).
    Empty,
    /// A sealed page with a valid checksum.
    Sealed(PageKind),
}

/// Verifies a page read from position `page_no`.
pub fn verify(page_no: u64, page: &[u8]) -> Result<PageState> {
    if page.len() != PAGE_SIZE {
        return Err(Error::corrupted(Some(page_no), "short page"));
    }
    let stored = u32::from_le_bytes([
        page[CRC_AT],
        page[CRC_AT + 1],
        page[CRC_AT + 2],
        page[CRC_AT + 3],
    ]);
    if stored == 0 && page[KIND_AT] == 0 && page.iter().all(|&b| b == 0) {
        return Ok(PageState::Empty);
    }
    if checksum(page_no, page) != stored {
        return Err(Error::corrupted(Some(page_no), "page checksum mismatch"));
    }
    if page[KIND_AT + 1..CRC_AT].iter().any(|&b| b != 0) {
        return Err(Error::corrupted(Some(page_no), "page trailer is not clean"));
    }
    match PageKind::from_u8(page[KIND_AT]) {
        Some(k) => Ok(PageState::Sealed(k)),
        None => Err(Error::corrupted(
            Some(page_no),
            format!("unknown page kind {}", page[KIND_AT]),
        )),
    }
}

/// Verifies that a page which the metadata says holds data of `kind` does.
pub fn verify_kind(page_no: u64, page: &[u8], kind: PageKind) -> Result<()> {
    match verify(page_no, page)? {
        PageState::Sealed(k) if k == kind => Ok(()),
        PageState::Sealed(k) => Err(Error::corrupted(
            Some(page_no),
            format!("expected a {} page, found a {} page", kind.name(), k.name()),
        )),
        PageState::Empty => Err(Error::corrupted(
            Some(page_no),
            format!("expected a {} page, found an empty page", kind.name()),
        )),
    }
}

/// Little-endian field writer over a growing byte buffer (catalog, metadata, headers).
#[derive(Default)]
pub struct Encoder {
    pub buf: Vec<u8>,
}

impl Encoder {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i128(&mut self, v: i128) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn bool(&mut self, v: bool) {
        self.buf.push(v as u8);
    }
    /// Length (u32) then bytes.
    pub fn bytes(&mut self, v: &[u8]) {
        self.u32(v.len() as u32);
        self.buf.extend_from_slice(v);
    }
    pub fn str(&mut self, v: &str) {
        self.bytes(v.as_bytes());
    }
}

/// Little-endian field reader; every read is bounds-checked and reports corruption.
pub struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Decoder<'a> {
    pub fn new(buf: &'a [u8], what: &'static str) -> Self {
        Decoder { buf, pos: 0, what }
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.remaining() < n {
            return Err(Error::corrupted(
                None,
                format!("{} ends early at byte {}", self.what, self.pos),
            ));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn arr<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    pub fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.arr()?))
    }
    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.arr()?))
    }
    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.arr()?))
    }
    pub fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_le_bytes(self.arr()?))
    }
    pub fn i128(&mut self) -> Result<i128> {
        Ok(i128::from_le_bytes(self.arr()?))
    }
    pub fn bool(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(self.bad(&format!("invalid boolean byte {b}"))),
        }
    }
    pub fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    pub fn str(&mut self) -> Result<String> {
        let b = self.bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| self.bad("invalid UTF-8 in a name"))
    }

    /// A corruption error naming this structure.
    pub fn bad(&self, msg: &str) -> Error {
        Error::corrupted(None, format!("{}: {msg}", self.what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_verify() {
        let mut p = vec![0u8; PAGE_SIZE];
        assert_eq!(verify(3, &p).unwrap(), PageState::Empty);
        p[10] = 42;
        assert!(verify(3, &p).is_err());
        seal(3, PageKind::Column, &mut p);
        assert_eq!(verify(3, &p).unwrap(), PageState::Sealed(PageKind::Column));
        verify_kind(3, &p, PageKind::Column).unwrap();
        assert!(verify_kind(3, &p, PageKind::Nulls).is_err());
        // The same bytes at another position are refused.
        assert!(verify(4, &p).is_err());
        // Every single flipped byte is detected.
        for i in 0..PAGE_SIZE {
            let mut q = p.clone();
            q[i] ^= 0x40;
            assert!(verify(3, &q).is_err(), "flip at {i} undetected");
        }
        // A sealed all-zero payload is not mistaken for an empty page.
        let mut z = vec![0u8; PAGE_SIZE];
        seal(0, PageKind::Bytes, &mut z);
        assert_eq!(verify(0, &z).unwrap(), PageState::Sealed(PageKind::Bytes));
    }

    #[test]
    fn encoder_decoder_round_trip() {
        let mut e = Encoder::new();
        e.u8(1);
        e.u32(0xdead_beef);
        e.u64(u64::MAX - 1);
        e.str("héllo");
        e.bool(true);
        let mut d = Decoder::new(&e.buf, "test");
        assert_eq!(d.u8().unwrap(), 1);
        assert_eq!(d.u32().unwrap(), 0xdead_beef);
        assert_eq!(d.u64().unwrap(), u64::MAX - 1);
        assert_eq!(d.str().unwrap(), "héllo");
        assert!(d.bool().unwrap());
        assert!(d.u8().is_err());
    }
}

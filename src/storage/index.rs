//! The persistent primary-key hash index: primary key → node offset (u64).
//!
//! Owns: `HashIndex` (a linear hash table whose every page lives in the buffer pool), its key
//! kinds (`IndexKeyType`, `IndexKey`), the key hashes, bulk insert/lookup of whole columns for
//! the loader, and the on-disk layout of index pages (below; the lead copies it into
//! docs/FORMAT.md).
//!
//! # Design
//!
//! One linear hash table per index (Litwin's linear hashing: `level` L and `next_split` s give
//! `2^L + s` buckets; bucket of hash h is `h mod 2^L`, or `h mod 2^(L+1)` when that is `< s`).
//! Kuzu splits its index into 256 sub-indexes so that threads can insert in parallel; ruzu has a
//! single writer, and 256 sub-indexes would cost every small table 256 pages. Batch operations
//! get the locality that sub-indexes give Kuzu by ordering the batch by bucket (counting sort by
//! primary page), so every primary page is pinned once per batch.
//!
//! A bucket is a 256-byte primary slot plus a chain of 256-byte overflow slots. The table
//! splits one bucket whenever `len > buckets × capacity × 3/4`. The bulk path (`insert_column`)
//! first grows the table to its final size, then inserts page by page.
//!
//! Memory: the only in-memory state is `HashIndex` itself: counters and the list of extents
//! (contiguous page runs) of the primary-slot array, which grows geometrically (a single-key
//! insert adds at most 256 pages), so the list stays short. Everything else is read through
//! the pool; a 64-page pool works for any size. Batch calls use 16 bytes of working memory per
//! key of the batch (hashes and the page order), not charged to the budget: the caller sizes
//! its batches. Primary pages are created lazily within an operation, but every allocated page
//! has been written (to the pool) when a public method returns.
//!
//! Writes change index pages in place through the pool. For copy-on-write checkpoints, change a
//! `copy_to_new_pages` copy and free the old `pages()` once the new metadata is durable.
//!
//! Errors: every count, pointer and page type read from a page is checked; a bad one is
//! `Error::Corrupted { page: Some(p), .. }`. Chain walks are bounded by the number of overflow
//! slots, string walks by the string's length.
//!
//! Keys: INT64 (every signed or small unsigned integer, DATE, TIMESTAMP, SERIAL: the caller
//! converts to i64), UINT64, INT128 (INT128, UUID, DECIMAL > 18 digits: fixed 16 bytes) and
//! STRING (STRING and BLOB, any length). FLOAT/DOUBLE keys can use `Int64` over the bit pattern
//! after the caller canonicalises -0.0 and NaN. Strings store their 64-bit hash (a fingerprint
//! that almost every probe stops at), their length, and up to 20 bytes inline; longer strings
//! keep a 12-byte prefix inline and the whole string in string pages. A probe compares the full
//! bytes before answering.
//!
//! Not reclaimed: string bytes of deleted keys, and overflow slots (they go to a free list and
//! are reused). The table never shrinks.
//!
//! # On-disk layout
//!
//! All index pages are sealed as `PageKind::Index`. Integers are little-endian. Payload byte 0 is
//! the index page type, byte 1 the key type of the index (1 INT64, 2 UINT64, 3 INT128,
//! 4 STRING), bytes 2..8 are zero.
//!
//! Primary-slot page (type 1), the buckets `15·k .. 15·k+15` for page ordinal k:
//! ```text
//!   0  u8   page type = 1          1  u8   key type       2..8  zero
//!   8  u64  page ordinal k within the primary-slot array
//!  16  15 slots of 256 bytes; slot i (bucket 15·k+i) at 16 + 256·i; bytes 3856..4088 zero
//! ```
//! Overflow-slot page (type 2): same header but bytes 8..16 are the page number of the next
//! overflow-slot page (0 = last); 15 slots at 16 + 256·i. All overflow-slot pages of the index
//! form one chain, allocated slot by slot from the tail page.
//!
//! Slot (256 bytes):
//! ```text
//!   0  u8   number of entries n (≤ capacity); entries are packed at the front
//!   1..8    zero
//!   8  u64  next overflow slot of the bucket: (page number << 4) | slot index, 0 = none
//!           (a free slot links the free-slot list the same way)
//!  16  entries: capacity × entry size bytes, unused entries zero
//! ```
//! Entries (capacity = 240 / entry size):
//! ```text
//!   INT64 / UINT64 (16 bytes, 15 per slot): 0 key (i64 / u64), 8 offset u64
//!   INT128         (24 bytes, 10 per slot): 0 key i128, 16 offset u64
//!   STRING         (40 bytes,  6 per slot): 0 offset u64, 8 hash u64, 16 length u32,
//!        20..40 if length ≤ 20: the bytes, zero-padded;
//!               else 20..32 the first 12 bytes, 32 u64 string address
//! ```
//! String page (type 3): bytes 8..16 the next string page (0 = last); data at 16..4088. A string
//! address is `(page number << 12) | byte position` (16 ≤ position < 4088); the whole string is
//! stored from there, continuing at byte 16 of the next page of the chain when a page ends.
//!
//! Metadata (`encode`/`decode`, kept in the storage-metadata blob):
//! ```text
//!   u8  format = 1      u8 key type     u64 number of keys
//!   u8  level L         u64 next_split s (< 2^L)
//!   u32 number of extents E, then E × (u64 first page, u64 page count): the primary-slot array,
//!       ordinal k lives in the extent containing it (ordinals count through the extents in order)
//!   u64 first overflow-slot page, u64 last overflow-slot page, u64 overflow-slot page count,
//!   u8  slots used in the last overflow-slot page (≤ 15), u64 head of the free-slot list (0 none)
//!   u64 first string page, u64 last string page, u64 string page count,
//!   u16 bytes used in the last string page (16..=4088 when there is one)
//! ```
//! Hashes (part of the format, since buckets depend on them): integers `fmix64` (MurmurHash3's
//! finalizer) of the 64-bit pattern; INT128 `fmix64(mum(lo ^ K1, hi ^ K2))`; strings fold 8-byte
//! little-endian words with `h = mum(h ^ w, K1)` from `h = SEED ^ len·K1`, a zero-padded tail word
//! with `mum(h ^ w ^ K2, K1)`, then `fmix64`; `mum(a, b)` is the xor of the two halves of the
//! 128-bit product. See `hash_u64`, `hash_u128`, `hash_bytes`.

use super::alloc::PageAllocator;
use super::buffer::{BufferPool, PageMut, PageRef};
use super::page::{Decoder, Encoder, PageKind, PAGE_PAYLOAD, PAGE_SIZE};
use crate::error::{Error, Result};
use crate::types::vector::{Column, ColumnData};
use rayon::prelude::*;

const FORMAT: u8 = 1;
const SLOT_BYTES: usize = 256;
const SLOT_HEADER: usize = 16;
const SLOTS_PER_PAGE: usize = 15;
const PAGE_HEADER: usize = 16;
const TYPE_PRIMARY: u8 = 1;
const TYPE_OVERFLOW: u8 = 2;
const TYPE_STRING: u8 = 3;
const INLINE_MAX: usize = 20;
const PREFIX: usize = 12;
const MAX_ENTRY: usize = 40;
const MAX_LEVEL: u8 = 56;
/// Most primary pages one single-key insert adds at once.
const MAX_GROWTH: u64 = 256;

const K1: u64 = 0x9E37_79B9_7F4A_7C15;
const K2: u64 = 0xD6E8_FEB8_6659_FD93;
const SEED: u64 = 0x243F_6A88_85A3_08D3;

/// The kind of key an index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKeyType {
    /// Every signed integer type, small unsigned types, DATE, TIMESTAMP*, SERIAL as i64.
    Int64 = 1,
    UInt64 = 2,
    /// Fixed 16-byte keys: INT128, UUID, wide DECIMAL.
    Int128 = 3,
    /// STRING and BLOB.
    String = 4,
}

impl IndexKeyType {
    fn from_u8(b: u8) -> Option<Self> {
        Some(match b {
            1 => IndexKeyType::Int64,
            2 => IndexKeyType::UInt64,
            3 => IndexKeyType::Int128,
            4 => IndexKeyType::String,
            _ => return None,
        })
    }

    fn entry_bytes(self) -> usize {
        match self {
            IndexKeyType::Int64 | IndexKeyType::UInt64 => 16,
            IndexKeyType::Int128 => 24,
            IndexKeyType::String => 40,
        }
    }

    /// Entries per slot.
    fn capacity(self) -> usize {
        (SLOT_BYTES - SLOT_HEADER) / self.entry_bytes()
    }

    /// Byte position of the offset within an entry.
    fn offset_at(self) -> usize {
        match self {
            IndexKeyType::Int64 | IndexKeyType::UInt64 => 8,
            IndexKeyType::Int128 => 16,
            IndexKeyType::String => 0,
        }
    }
}

/// A key to look up, insert or delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKey<'a> {
    Int64(i64),
    UInt64(u64),
    Int128(i128),
    String(&'a [u8]),
}

impl IndexKey<'_> {
    fn key_type(&self) -> IndexKeyType {
        match self {
            IndexKey::Int64(_) => IndexKeyType::Int64,
            IndexKey::UInt64(_) => IndexKeyType::UInt64,
            IndexKey::Int128(_) => IndexKeyType::Int128,
            IndexKey::String(_) => IndexKeyType::String,
        }
    }
}

/// A key of a bulk insert that is already present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate {
    /// Row (index into the inserted column) of the first key that is a duplicate.
    pub row: usize,
    /// The offset that key already maps to (an earlier row of the batch or an existing key).
    pub existing_offset: u64,
}

/// A chain of pages allocated one at a time (overflow slots, string bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Chain {
    head: u64,
    tail: u64,
    pages: u64,
    /// Overflow slots: slots used in the tail page. Strings: bytes used in the tail page.
    tail_used: u64,
}

/// The persistent hash index. Holds only small metadata; entries live in pool pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashIndex {
    key_type: IndexKeyType,
    len: u64,
    level: u8,
    next_split: u64,
    /// Primary-slot pages: (first page, count), in ordinal order.
    extents: Vec<(u64, u64)>,
    /// First ordinal of each extent (derived from `extents`).
    starts: Vec<u64>,
    /// Ordinals `0..initialized` have been created in the pool or file. Equals the page count
    /// between public operations; pages past it are allocated but not yet written.
    initialized: u64,
    ovf: Chain,
    free_slot: u64,
    strings: Chain,
}

// ---------------------------------------------------------------------------------------------
// Hashes

#[inline]
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

#[inline]
fn mum(a: u64, b: u64) -> u64 {
    let r = (a as u128).wrapping_mul(b as u128);
    (r as u64) ^ ((r >> 64) as u64)
}

/// Hash of an integer key (its 64-bit pattern).
#[inline]
pub fn hash_u64(k: u64) -> u64 {
    fmix64(k)
}

/// Hash of a 16-byte key.
#[inline]
pub fn hash_u128(k: u128) -> u64 {
    fmix64(mum((k as u64) ^ K1, ((k >> 64) as u64) ^ K2))
}

/// Hash of a byte string.
#[inline]
pub fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = SEED ^ (b.len() as u64).wrapping_mul(K1);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = mum(h ^ w, K1);
    }
    let r = chunks.remainder();
    if !r.is_empty() {
        let mut t = [0u8; 8];
        t[..r.len()].copy_from_slice(r);
        h = mum(h ^ u64::from_le_bytes(t) ^ K2, K1);
    }
    fmix64(h)
}

fn hash_key(key: IndexKey) -> u64 {
    match key {
        IndexKey::Int64(k) => hash_u64(k as u64),
        IndexKey::UInt64(k) => hash_u64(k),
        IndexKey::Int128(k) => hash_u128(k as u128),
        IndexKey::String(s) => hash_bytes(s),
    }
}

// ---------------------------------------------------------------------------------------------
// Byte helpers (all positions are constants within a page payload or an entry)

#[inline]
fn rd_u64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

#[inline]
fn rd_u32(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

#[inline]
fn wr_u64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

fn corrupt(page: u64, what: impl Into<String>) -> Error {
    Error::corrupted(Some(page), format!("primary-key index: {}", what.into()))
}

#[inline]
fn slot_range(i: usize) -> std::ops::Range<usize> {
    let s = PAGE_HEADER + i * SLOT_BYTES;
    s..s + SLOT_BYTES
}

/// Splits an overflow-slot address; `from` is the page that holds the pointer.
fn split_slot_addr(addr: u64, from: u64) -> Result<(u64, usize)> {
    let page = addr >> 4;
    let idx = (addr & 15) as usize;
    if page == 0 || idx >= SLOTS_PER_PAGE {
        return Err(corrupt(
            from,
            format!("bad overflow slot address {addr:#x}"),
        ));
    }
    Ok((page, idx))
}

/// A failed read of a page past the end of the file means a bad page pointer: corruption.
fn past_end(pool: &BufferPool, page: u64, e: Error) -> Error {
    if let Error::Io { .. } = e {
        let end = page
            .checked_mul(PAGE_SIZE as u64)
            .and_then(|b| b.checked_add(PAGE_SIZE as u64));
        match (pool.file().len(), end) {
            (Ok(len), Some(end)) if end <= len => e,
            _ => corrupt(page, "page pointer is past the end of the file"),
        }
    } else {
        e
    }
}

/// Page numbers this large are bad pointers (the pool would overflow computing their position).
fn check_page_no(page: u64) -> Result<()> {
    if page >= 1 << 48 {
        return Err(corrupt(page, "page pointer out of range"));
    }
    Ok(())
}

fn pin(pool: &BufferPool, page: u64) -> Result<PageRef<'_>> {
    check_page_no(page)?;
    pool.pin(page, PageKind::Index)
        .map_err(|e| past_end(pool, page, e))
}

fn pin_mut(pool: &BufferPool, page: u64) -> Result<PageMut<'_>> {
    check_page_no(page)?;
    pool.pin_mut(page, PageKind::Index)
        .map_err(|e| past_end(pool, page, e))
}

/// Rows of a key column, typed.
enum KeyRows<'a> {
    I8(&'a [i8]),
    I16(&'a [i16]),
    I32(&'a [i32]),
    I64(&'a [i64]),
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
    U64(&'a [u64]),
    I128(&'a [i128]),
    Str(&'a crate::types::vector::StringData),
}

impl<'a> KeyRows<'a> {
    fn new(col: &'a Column, want: IndexKeyType) -> Result<(Self, usize)> {
        let (rows, have, n) = match &col.data {
            ColumnData::Int8(v) => (KeyRows::I8(v), IndexKeyType::Int64, v.len()),
            ColumnData::Int16(v) => (KeyRows::I16(v), IndexKeyType::Int64, v.len()),
            ColumnData::Int32(v) => (KeyRows::I32(v), IndexKeyType::Int64, v.len()),
            ColumnData::Int64(v) => (KeyRows::I64(v), IndexKeyType::Int64, v.len()),
            ColumnData::UInt8(v) => (KeyRows::U8(v), IndexKeyType::Int64, v.len()),
            ColumnData::UInt16(v) => (KeyRows::U16(v), IndexKeyType::Int64, v.len()),
            ColumnData::UInt32(v) => (KeyRows::U32(v), IndexKeyType::Int64, v.len()),
            ColumnData::UInt64(v) => (KeyRows::U64(v), IndexKeyType::UInt64, v.len()),
            ColumnData::Int128(v) => (KeyRows::I128(v), IndexKeyType::Int128, v.len()),
            ColumnData::String(s) => (KeyRows::Str(s), IndexKeyType::String, s.len()),
            _ => {
                return Err(Error::Runtime(format!(
                    "a {} column cannot be a primary-key index column",
                    col.ty
                )))
            }
        };
        if have != want {
            return Err(Error::Runtime(format!(
                "a {} column does not match a {:?} primary-key index",
                col.ty, want
            )));
        }
        if n < col.len() {
            return Err(Error::Runtime(
                "key column has fewer values than rows".into(),
            ));
        }
        Ok((rows, col.len()))
    }

    #[inline]
    fn get(&self, i: usize) -> IndexKey<'a> {
        match self {
            KeyRows::I8(v) => IndexKey::Int64(v[i] as i64),
            KeyRows::I16(v) => IndexKey::Int64(v[i] as i64),
            KeyRows::I32(v) => IndexKey::Int64(v[i] as i64),
            KeyRows::I64(v) => IndexKey::Int64(v[i]),
            KeyRows::U8(v) => IndexKey::Int64(v[i] as i64),
            KeyRows::U16(v) => IndexKey::Int64(v[i] as i64),
            KeyRows::U32(v) => IndexKey::Int64(v[i] as i64),
            KeyRows::U64(v) => IndexKey::UInt64(v[i]),
            KeyRows::I128(v) => IndexKey::Int128(v[i]),
            KeyRows::Str(s) => IndexKey::String(s.get(i)),
        }
    }

    /// Hashes of all rows (NULL rows hash their default value; callers skip them).
    fn hashes(&self, n: usize) -> Vec<u64> {
        match self {
            KeyRows::I64(v) => v[..n].iter().map(|&k| hash_u64(k as u64)).collect(),
            KeyRows::U64(v) => v[..n].iter().map(|&k| hash_u64(k)).collect(),
            KeyRows::Str(s) => (0..n).map(|i| hash_bytes(s.get(i))).collect(),
            _ => (0..n).map(|i| hash_key(self.get(i))).collect(),
        }
    }
}

impl HashIndex {
    /// An empty index. It owns no pages until the first insert.
    pub fn new(key_type: IndexKeyType) -> Self {
        HashIndex {
            key_type,
            len: 0,
            level: 0,
            next_split: 0,
            extents: Vec::new(),
            starts: Vec::new(),
            initialized: 0,
            ovf: Chain::default(),
            free_slot: 0,
            strings: Chain::default(),
        }
    }

    pub fn key_type(&self) -> IndexKeyType {
        self.key_type
    }

    /// Number of keys.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    // -----------------------------------------------------------------------------------------
    // Geometry

    fn num_buckets(&self) -> u64 {
        (1u64 << self.level) + self.next_split
    }

    #[inline]
    fn bucket(&self, h: u64) -> u64 {
        let low = h & ((1u64 << self.level) - 1);
        if low < self.next_split {
            h & ((1u64 << (self.level + 1)) - 1)
        } else {
            low
        }
    }

    fn primary_pages(&self) -> u64 {
        match (self.starts.last(), self.extents.last()) {
            (Some(s), Some(e)) => s + e.1,
            _ => 0,
        }
    }

    fn push_extent(&mut self, first: u64, count: u64) {
        match self.extents.last_mut() {
            Some((s, c)) if *s + *c == first => *c += count,
            _ => {
                self.starts.push(self.primary_pages());
                self.extents.push((first, count));
            }
        }
    }

    /// Buckets needed so that `len` keys stay under the load factor.
    fn buckets_for(&self, len: u64) -> u64 {
        let per = (self.key_type.capacity() as u64 * 3 / 4).max(1);
        len.div_ceil(per).max(1)
    }

    fn page_of(&self, ordinal: u64) -> Result<u64> {
        let i = self.starts.partition_point(|&s| s <= ordinal);
        if i > 0 {
            let (first, count) = self.extents[i - 1];
            let k = ordinal - self.starts[i - 1];
            if k < count {
                return Ok(first + k);
            }
        }
        Err(Error::corrupted(
            None,
            format!("primary-key index: bucket page {ordinal} is past the primary-slot array"),
        ))
    }

    fn check_page(&self, p: &[u8], page_no: u64, ty: u8) -> Result<()> {
        if p.len() != PAGE_PAYLOAD || p[0] != ty || p[1] != self.key_type as u8 {
            let found = p.first().copied().unwrap_or(0);
            return Err(corrupt(
                page_no,
                format!("expected index page type {ty}, found {found}"),
            ));
        }
        Ok(())
    }

    fn init_page(&self, p: &mut [u8], ty: u8, word: u64) {
        p[0] = ty;
        p[1] = self.key_type as u8;
        wr_u64(p, 8, word);
    }

    /// Pins primary page `ordinal` for reading; `None` if not yet created (its buckets are
    /// empty).
    fn pin_primary<'p>(
        &self,
        pool: &'p BufferPool,
        ordinal: u64,
    ) -> Result<Option<(u64, PageRef<'p>)>> {
        if ordinal >= self.initialized {
            return Ok(None);
        }
        let pno = self.page_of(ordinal)?;
        let pg = pin(pool, pno)?;
        self.check_page(&pg, pno, TYPE_PRIMARY)?;
        if rd_u64(&pg, 8) != ordinal {
            return Err(corrupt(pno, "primary page has the wrong ordinal"));
        }
        Ok(Some((pno, pg)))
    }

    /// Pins primary page `ordinal` for writing, creating it (and every earlier uncreated one).
    fn pin_primary_mut<'p>(&mut self, pool: &'p BufferPool, ordinal: u64) -> Result<PageMut<'p>> {
        if ordinal < self.initialized {
            let pno = self.page_of(ordinal)?;
            let pg = pin_mut(pool, pno)?;
            self.check_page(&pg, pno, TYPE_PRIMARY)?;
            if rd_u64(&pg, 8) != ordinal {
                return Err(corrupt(pno, "primary page has the wrong ordinal"));
            }
            return Ok(pg);
        }
        while self.initialized < ordinal {
            let o = self.initialized;
            let pno = self.page_of(o)?;
            let mut pg = pool.create(pno, PageKind::Index)?;
            self.init_page(&mut pg, TYPE_PRIMARY, o);
            self.initialized += 1;
        }
        let pno = self.page_of(ordinal)?;
        let mut pg = pool.create(pno, PageKind::Index)?;
        self.init_page(&mut pg, TYPE_PRIMARY, ordinal);
        self.initialized = ordinal + 1;
        Ok(pg)
    }

    /// Creates every allocated but uncreated primary page.
    fn finish_init(&mut self, pool: &BufferPool) -> Result<()> {
        let total = self.primary_pages();
        if self.initialized < total {
            drop(self.pin_primary_mut(pool, total - 1)?);
        }
        Ok(())
    }

    /// Makes the primary-slot array at least `pages` long (pages are created lazily).
    fn ensure_pages(&mut self, alloc: &mut PageAllocator, pages: u64, exact: bool) {
        let have = self.primary_pages();
        if pages <= have {
            return;
        }
        // Geometric growth keeps the extent list short; the cap bounds the pages one insert
        // creates (every allocated page is written before the operation returns).
        let grow = if exact {
            pages - have
        } else {
            (pages - have).max((have / 4).min(MAX_GROWTH))
        };
        let first = alloc.allocate(grow);
        self.push_extent(first, grow);
    }

    /// Grows the table so that `target_len` keys fit under the load factor.
    fn grow_to(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        target_len: u64,
        exact: bool,
    ) -> Result<()> {
        let want = self.buckets_for(target_len);
        let have = self.num_buckets();
        if want <= have && self.primary_pages() > 0 {
            return Ok(());
        }
        let want = want.max(have);
        self.ensure_pages(alloc, want.div_ceil(SLOTS_PER_PAGE as u64), exact);
        if self.len == 0 {
            // Every bucket is empty: set the geometry directly.
            let level = (63 - want.leading_zeros()) as u8;
            if level > MAX_LEVEL {
                return Err(Error::Runtime("primary-key index too large".into()));
            }
            self.level = level;
            self.next_split = want - (1u64 << level);
            return Ok(());
        }
        while self.num_buckets() < want {
            self.split_one(pool, alloc)?;
        }
        Ok(())
    }

    fn split_one(&mut self, pool: &BufferPool, alloc: &mut PageAllocator) -> Result<()> {
        if self.level >= MAX_LEVEL {
            return Err(Error::Runtime("primary-key index too large".into()));
        }
        let s = self.next_split;
        let high = 1u64 << self.level;
        let new_b = s + high;
        let entries = self.take_bucket(pool, s)?;
        self.next_split += 1;
        if self.next_split == high {
            self.level += 1;
            self.next_split = 0;
        }
        let e = self.key_type.entry_bytes();
        let mut stay = Vec::with_capacity(entries.len());
        let mut moved = Vec::with_capacity(entries.len());
        for ent in entries.chunks_exact(e) {
            if self.entry_hash(ent) & high != 0 {
                moved.extend_from_slice(ent);
            } else {
                stay.extend_from_slice(ent);
            }
        }
        self.write_bucket(pool, Some(alloc), s, &stay)?;
        self.write_bucket(pool, Some(alloc), new_b, &moved)?;
        Ok(())
    }

    fn entry_hash(&self, ent: &[u8]) -> u64 {
        match self.key_type {
            IndexKeyType::Int64 | IndexKeyType::UInt64 => hash_u64(rd_u64(ent, 0)),
            IndexKeyType::Int128 => {
                let lo = rd_u64(ent, 0) as u128;
                let hi = rd_u64(ent, 8) as u128;
                hash_u128(lo | (hi << 64))
            }
            IndexKeyType::String => rd_u64(ent, 8),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Overflow slots

    fn max_chain(&self) -> u64 {
        self.ovf.pages * SLOTS_PER_PAGE as u64 + 1
    }

    /// A fresh empty overflow slot (from the free list, else the tail page, else a new page).
    fn alloc_slot(&mut self, pool: &BufferPool, alloc: Option<&mut PageAllocator>) -> Result<u64> {
        if self.free_slot != 0 {
            let addr = self.free_slot;
            let (pno, i) = split_slot_addr(addr, 0)?;
            let mut pg = pin_mut(pool, pno)?;
            self.check_page(&pg, pno, TYPE_OVERFLOW)?;
            let slot = &mut pg[slot_range(i)];
            let next = rd_u64(slot, 8);
            slot.fill(0);
            self.free_slot = next;
            return Ok(addr);
        }
        if self.ovf.pages == 0 || self.ovf.tail_used >= SLOTS_PER_PAGE as u64 {
            let alloc = alloc
                .ok_or_else(|| Error::Runtime("primary-key index: no free overflow slot".into()))?;
            let p = alloc.allocate(1);
            {
                let mut pg = pool.create(p, PageKind::Index)?;
                self.init_page(&mut pg, TYPE_OVERFLOW, 0);
            }
            if self.ovf.pages > 0 {
                let t = self.ovf.tail;
                let mut pg = pin_mut(pool, t)?;
                self.check_page(&pg, t, TYPE_OVERFLOW)?;
                wr_u64(&mut pg, 8, p);
            } else {
                self.ovf.head = p;
            }
            self.ovf.tail = p;
            self.ovf.pages += 1;
            self.ovf.tail_used = 0;
        }
        let addr = (self.ovf.tail << 4) | self.ovf.tail_used;
        self.ovf.tail_used += 1;
        Ok(addr)
    }

    /// Removes every entry of bucket `b` (returned as packed entry bytes) and frees its chain.
    fn take_bucket(&mut self, pool: &BufferPool, b: u64) -> Result<Vec<u8>> {
        let e = self.key_type.entry_bytes();
        let cap = self.key_type.capacity();
        let ordinal = b / SLOTS_PER_PAGE as u64;
        let si = (b % SLOTS_PER_PAGE as u64) as usize;
        let mut out = Vec::new();
        let mut next;
        {
            let mut pg = self.pin_primary_mut(pool, ordinal)?;
            let pno = pg.page_no();
            let slot = &mut pg[slot_range(si)];
            let n = slot[0] as usize;
            if n > cap {
                return Err(corrupt(pno, format!("slot holds {n} entries")));
            }
            out.extend_from_slice(&slot[SLOT_HEADER..SLOT_HEADER + n * e]);
            next = rd_u64(slot, 8);
            slot.fill(0);
        }
        let mut from = 0;
        let mut steps = 0;
        while next != 0 {
            steps += 1;
            if steps > self.max_chain() {
                return Err(corrupt(from, "overflow chain loops"));
            }
            let (pno, i) = split_slot_addr(next, from)?;
            let mut pg = pin_mut(pool, pno)?;
            self.check_page(&pg, pno, TYPE_OVERFLOW)?;
            let slot = &mut pg[slot_range(i)];
            let n = slot[0] as usize;
            if n > cap {
                return Err(corrupt(pno, format!("slot holds {n} entries")));
            }
            out.extend_from_slice(&slot[SLOT_HEADER..SLOT_HEADER + n * e]);
            let nx = rd_u64(slot, 8);
            slot.fill(0);
            wr_u64(slot, 8, self.free_slot);
            self.free_slot = next;
            from = pno;
            next = nx;
        }
        Ok(out)
    }

    /// Writes `entries` into the empty bucket `b`.
    fn write_bucket(
        &mut self,
        pool: &BufferPool,
        mut alloc: Option<&mut PageAllocator>,
        b: u64,
        entries: &[u8],
    ) -> Result<()> {
        let e = self.key_type.entry_bytes();
        let cap = self.key_type.capacity();
        let n = entries.len() / e;
        let extra = n.saturating_sub(cap).div_ceil(cap);
        let mut addrs = Vec::with_capacity(extra);
        for _ in 0..extra {
            addrs.push(self.alloc_slot(pool, alloc.as_deref_mut())?);
        }
        let ordinal = b / SLOTS_PER_PAGE as u64;
        let si = (b % SLOTS_PER_PAGE as u64) as usize;
        let mut chunks = entries.chunks(cap * e);
        {
            let mut pg = self.pin_primary_mut(pool, ordinal)?;
            let slot = &mut pg[slot_range(si)];
            let c = chunks.next().unwrap_or(&[]);
            slot.fill(0);
            slot[0] = (c.len() / e) as u8;
            wr_u64(slot, 8, addrs.first().copied().unwrap_or(0));
            slot[SLOT_HEADER..SLOT_HEADER + c.len()].copy_from_slice(c);
        }
        for (k, &addr) in addrs.iter().enumerate() {
            let c = chunks.next().unwrap_or(&[]);
            let (pno, i) = split_slot_addr(addr, 0)?;
            let mut pg = pin_mut(pool, pno)?;
            self.check_page(&pg, pno, TYPE_OVERFLOW)?;
            let slot = &mut pg[slot_range(i)];
            slot.fill(0);
            slot[0] = (c.len() / e) as u8;
            wr_u64(slot, 8, addrs.get(k + 1).copied().unwrap_or(0));
            slot[SLOT_HEADER..SLOT_HEADER + c.len()].copy_from_slice(c);
        }
        Ok(())
    }

    /// Appends `entry` to the bucket whose primary slot is slot `si` of the pinned primary
    /// page `pg`.
    fn append(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        pg: &mut [u8],
        pno: u64,
        si: usize,
        entry: &[u8],
    ) -> Result<()> {
        let e = self.key_type.entry_bytes();
        let cap = self.key_type.capacity();
        let slot = &mut pg[slot_range(si)];
        let n = slot[0] as usize;
        if n < cap {
            slot[SLOT_HEADER + n * e..SLOT_HEADER + (n + 1) * e].copy_from_slice(entry);
            slot[0] += 1;
            return Ok(());
        }
        if n > cap {
            return Err(corrupt(pno, format!("slot holds {n} entries")));
        }
        let mut next = rd_u64(slot, 8);
        if next == 0 {
            let addr = self.new_slot_with(pool, alloc, entry)?;
            wr_u64(&mut pg[slot_range(si)], 8, addr);
            return Ok(());
        }
        let mut from = pno;
        let mut steps = 0;
        loop {
            steps += 1;
            if steps > self.max_chain() {
                return Err(corrupt(from, "overflow chain loops"));
            }
            let (opno, i) = split_slot_addr(next, from)?;
            let nx = {
                let mut opg = pin_mut(pool, opno)?;
                self.check_page(&opg, opno, TYPE_OVERFLOW)?;
                let slot = &mut opg[slot_range(i)];
                let n = slot[0] as usize;
                if n < cap {
                    slot[SLOT_HEADER + n * e..SLOT_HEADER + (n + 1) * e].copy_from_slice(entry);
                    slot[0] += 1;
                    return Ok(());
                }
                if n > cap {
                    return Err(corrupt(opno, format!("slot holds {n} entries")));
                }
                rd_u64(slot, 8)
            };
            if nx == 0 {
                let addr = self.new_slot_with(pool, alloc, entry)?;
                let mut opg = pin_mut(pool, opno)?;
                wr_u64(&mut opg[slot_range(i)], 8, addr);
                return Ok(());
            }
            from = opno;
            next = nx;
        }
    }

    fn new_slot_with(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        entry: &[u8],
    ) -> Result<u64> {
        let addr = self.alloc_slot(pool, Some(alloc))?;
        let (pno, i) = split_slot_addr(addr, 0)?;
        let mut pg = pin_mut(pool, pno)?;
        self.check_page(&pg, pno, TYPE_OVERFLOW)?;
        let slot = &mut pg[slot_range(i)];
        slot.fill(0);
        slot[0] = 1;
        slot[SLOT_HEADER..SLOT_HEADER + entry.len()].copy_from_slice(entry);
        Ok(addr)
    }

    // -----------------------------------------------------------------------------------------
    // String bytes

    fn new_string_page(&mut self, pool: &BufferPool, alloc: &mut PageAllocator) -> Result<()> {
        let p = alloc.allocate(1);
        {
            let mut pg = pool.create(p, PageKind::Index)?;
            self.init_page(&mut pg, TYPE_STRING, 0);
        }
        if self.strings.pages > 0 {
            let t = self.strings.tail;
            let mut pg = pin_mut(pool, t)?;
            self.check_page(&pg, t, TYPE_STRING)?;
            wr_u64(&mut pg, 8, p);
        } else {
            self.strings.head = p;
        }
        self.strings.tail = p;
        self.strings.pages += 1;
        self.strings.tail_used = PAGE_HEADER as u64;
        Ok(())
    }

    fn write_string(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        s: &[u8],
    ) -> Result<u64> {
        if self.strings.pages == 0 || self.strings.tail_used >= PAGE_PAYLOAD as u64 {
            self.new_string_page(pool, alloc)?;
        }
        let addr = (self.strings.tail << 12) | self.strings.tail_used;
        let mut rem = s;
        loop {
            let t = self.strings.tail;
            let used = self.strings.tail_used as usize;
            let n = (PAGE_PAYLOAD - used).min(rem.len());
            {
                let mut pg = pin_mut(pool, t)?;
                self.check_page(&pg, t, TYPE_STRING)?;
                pg[used..used + n].copy_from_slice(&rem[..n]);
            }
            self.strings.tail_used += n as u64;
            rem = &rem[n..];
            if rem.is_empty() {
                return Ok(addr);
            }
            self.new_string_page(pool, alloc)?;
        }
    }

    /// Walks the `len` bytes of the string at `addr`, handing each piece to `f` until it says
    /// stop (false). `from` is the page holding the address.
    fn walk_string(
        &self,
        pool: &BufferPool,
        addr: u64,
        len: usize,
        from: u64,
        mut f: impl FnMut(&[u8]) -> bool,
    ) -> Result<()> {
        let mut page = addr >> 12;
        let mut off = (addr & 0xfff) as usize;
        if page == 0 || !(PAGE_HEADER..PAGE_PAYLOAD).contains(&off) {
            return Err(corrupt(from, format!("bad string address {addr:#x}")));
        }
        let mut rem = len;
        while rem > 0 {
            let pg = pin(pool, page)?;
            self.check_page(&pg, page, TYPE_STRING)?;
            let n = (PAGE_PAYLOAD - off).min(rem);
            if !f(&pg[off..off + n]) {
                return Ok(());
            }
            rem -= n;
            if rem > 0 {
                let next = rd_u64(&pg, 8);
                if next == 0 {
                    return Err(corrupt(page, "string runs past the last string page"));
                }
                page = next;
                off = PAGE_HEADER;
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Entries

    fn check_key(&self, key: &IndexKey) -> Result<()> {
        if key.key_type() != self.key_type {
            return Err(Error::Runtime(format!(
                "a {:?} key used with a {:?} primary-key index",
                key.key_type(),
                self.key_type
            )));
        }
        Ok(())
    }

    /// Builds the entry bytes for `key` (writing a long string's bytes to string pages).
    fn make_entry(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        key: IndexKey,
        h: u64,
        offset: u64,
        buf: &mut [u8; MAX_ENTRY],
    ) -> Result<usize> {
        buf.fill(0);
        match key {
            IndexKey::Int64(k) => {
                buf[..8].copy_from_slice(&k.to_le_bytes());
                wr_u64(buf, 8, offset);
            }
            IndexKey::UInt64(k) => {
                buf[..8].copy_from_slice(&k.to_le_bytes());
                wr_u64(buf, 8, offset);
            }
            IndexKey::Int128(k) => {
                buf[..16].copy_from_slice(&k.to_le_bytes());
                wr_u64(buf, 16, offset);
            }
            IndexKey::String(s) => {
                let len = u32::try_from(s.len()).map_err(|_| {
                    Error::Runtime("primary key strings are limited to 4 GiB".into())
                })?;
                wr_u64(buf, 0, offset);
                wr_u64(buf, 8, h);
                buf[16..20].copy_from_slice(&len.to_le_bytes());
                if s.len() <= INLINE_MAX {
                    buf[20..20 + s.len()].copy_from_slice(s);
                } else {
                    buf[20..20 + PREFIX].copy_from_slice(&s[..PREFIX]);
                    let addr = self.write_string(pool, alloc, s)?;
                    wr_u64(buf, 32, addr);
                }
            }
        }
        Ok(self.key_type.entry_bytes())
    }

    #[inline]
    fn entry_matches(
        &self,
        pool: &BufferPool,
        ent: &[u8],
        key: IndexKey,
        h: u64,
        pno: u64,
    ) -> Result<bool> {
        Ok(match key {
            IndexKey::Int64(k) => rd_u64(ent, 0) == k as u64,
            IndexKey::UInt64(k) => rd_u64(ent, 0) == k,
            IndexKey::Int128(k) => {
                rd_u64(ent, 0) == k as u64 && rd_u64(ent, 8) == ((k as u128) >> 64) as u64
            }
            IndexKey::String(s) => {
                if rd_u64(ent, 8) != h || rd_u32(ent, 16) as usize != s.len() {
                    return Ok(false);
                }
                if s.len() <= INLINE_MAX {
                    ent[20..20 + s.len()] == *s
                } else if ent[20..20 + PREFIX] != s[..PREFIX] {
                    false
                } else {
                    let mut pos = 0;
                    let mut eq = true;
                    self.walk_string(pool, rd_u64(ent, 32), s.len(), pno, |piece| {
                        eq = piece == &s[pos..pos + piece.len()];
                        pos += piece.len();
                        eq
                    })?;
                    eq
                }
            }
        })
    }

    /// Scans one slot for `key`: (its offset if present, next slot address).
    #[inline]
    fn scan_slot(
        &self,
        pool: &BufferPool,
        slot: &[u8],
        pno: u64,
        key: IndexKey,
        h: u64,
    ) -> Result<(Option<u64>, u64)> {
        let e = self.key_type.entry_bytes();
        let n = slot[0] as usize;
        if n > self.key_type.capacity() {
            return Err(corrupt(pno, format!("slot holds {n} entries")));
        }
        let oat = self.key_type.offset_at();
        for ent in slot[SLOT_HEADER..SLOT_HEADER + n * e].chunks_exact(e) {
            if self.entry_matches(pool, ent, key, h, pno)? {
                return Ok((Some(rd_u64(ent, oat)), 0));
            }
        }
        Ok((None, rd_u64(slot, 8)))
    }

    /// Looks `key` up in the bucket whose primary slot is slot `si` of primary page `pg`.
    fn find(
        &self,
        pool: &BufferPool,
        pg: &[u8],
        pno: u64,
        si: usize,
        key: IndexKey,
        h: u64,
    ) -> Result<Option<u64>> {
        let (found, mut next) = self.scan_slot(pool, &pg[slot_range(si)], pno, key, h)?;
        if found.is_some() {
            return Ok(found);
        }
        let mut from = pno;
        let mut steps = 0;
        while next != 0 {
            steps += 1;
            if steps > self.max_chain() {
                return Err(corrupt(from, "overflow chain loops"));
            }
            let (opno, i) = split_slot_addr(next, from)?;
            let opg = pin(pool, opno)?;
            self.check_page(&opg, opno, TYPE_OVERFLOW)?;
            let (found, nx) = self.scan_slot(pool, &opg[slot_range(i)], opno, key, h)?;
            if found.is_some() {
                return Ok(found);
            }
            from = opno;
            next = nx;
        }
        Ok(None)
    }

    // -----------------------------------------------------------------------------------------
    // Single-key operations

    /// The offset of `key`, if present.
    pub fn lookup(&self, pool: &BufferPool, key: IndexKey) -> Result<Option<u64>> {
        self.check_key(&key)?;
        if self.len == 0 {
            return Ok(None);
        }
        let h = hash_key(key);
        let b = self.bucket(h);
        let ordinal = b / SLOTS_PER_PAGE as u64;
        match self.pin_primary(pool, ordinal)? {
            None => Ok(None),
            Some((pno, pg)) => {
                self.find(pool, &pg, pno, (b % SLOTS_PER_PAGE as u64) as usize, key, h)
            }
        }
    }

    /// Inserts; if the key exists returns `Ok(Some(existing_offset))` and inserts nothing.
    pub fn insert(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        key: IndexKey,
        offset: u64,
    ) -> Result<Option<u64>> {
        if let Some(o) = self.lookup(pool, key)? {
            return Ok(Some(o));
        }
        self.grow_to(pool, alloc, self.len + 1, false)?;
        let h = hash_key(key);
        let mut buf = [0u8; MAX_ENTRY];
        let e = self.make_entry(pool, alloc, key, h, offset, &mut buf)?;
        let b = self.bucket(h);
        let ordinal = b / SLOTS_PER_PAGE as u64;
        let mut pg = self.pin_primary_mut(pool, ordinal)?;
        let pno = pg.page_no();
        self.append(
            pool,
            alloc,
            &mut pg,
            pno,
            (b % SLOTS_PER_PAGE as u64) as usize,
            &buf[..e],
        )?;
        drop(pg);
        self.len += 1;
        self.finish_init(pool)?;
        Ok(None)
    }

    /// Removes `key`; false if it was not present.
    pub fn delete(&mut self, pool: &BufferPool, key: IndexKey) -> Result<bool> {
        if self.lookup(pool, key)?.is_none() {
            return Ok(false);
        }
        let h = hash_key(key);
        let b = self.bucket(h);
        let e = self.key_type.entry_bytes();
        let ordinal = b / SLOTS_PER_PAGE as u64;
        let pno = self.page_of(ordinal)?;
        let entries = self.take_bucket(pool, b)?;
        let mut keep = Vec::with_capacity(entries.len());
        let mut removed = false;
        for ent in entries.chunks_exact(e) {
            if !removed && self.entry_matches(pool, ent, key, h, pno)? {
                removed = true;
            } else {
                keep.extend_from_slice(ent);
            }
        }
        // The freed chain slots are enough for the remaining entries: no allocation needed.
        self.write_bucket(pool, None, b, &keep)?;
        if removed {
            self.len -= 1;
        }
        Ok(removed)
    }

    // -----------------------------------------------------------------------------------------
    // Batch operations

    /// Rows (skipping NULLs) ordered by primary page, from their hashes.
    fn order_by_page(&self, hashes: &[u64], col: &Column) -> Vec<u32> {
        let pages = self.primary_pages().max(1) as usize;
        let spp = SLOTS_PER_PAGE as u64;
        let has_nulls = col.nulls.null_count() > 0;
        let rows = (0..hashes.len()).filter(|&i| !has_nulls || !col.nulls.is_null(i));
        if hashes.len() < pages / 2 {
            let mut v: Vec<(u64, u32)> = rows.map(|i| (self.bucket(hashes[i]), i as u32)).collect();
            v.sort_unstable();
            return v.into_iter().map(|x| x.1).collect();
        }
        let mut counts = vec![0u32; pages + 1];
        let ords: Vec<u32> = hashes
            .iter()
            .map(|&h| (self.bucket(h) / spp) as u32)
            .collect();
        let mut n = 0usize;
        for i in rows.clone() {
            counts[ords[i] as usize + 1] += 1;
            n += 1;
        }
        for k in 1..counts.len() {
            counts[k] += counts[k - 1];
        }
        let mut out = vec![0u32; n];
        for i in rows {
            let c = &mut counts[ords[i] as usize];
            out[*c as usize] = i as u32;
            *c += 1;
        }
        out
    }

    /// Offsets of many keys (`None` for absent keys and NULL rows). Keys are processed in
    /// primary-page order, in parallel.
    pub fn lookup_column(&self, pool: &BufferPool, keys: &Column) -> Result<Vec<Option<u64>>> {
        let (rows, n) = KeyRows::new(keys, self.key_type)?;
        let mut out = vec![None; n];
        if n == 0 || self.len == 0 {
            return Ok(out);
        }
        if n > u32::MAX as usize {
            return Err(Error::Runtime("key batch too large".into()));
        }
        let hashes = rows.hashes(n);
        let order = self.order_by_page(&hashes, keys);
        let spp = SLOTS_PER_PAGE as u64;
        let chunk = 16384;
        let run = |part: &[u32]| -> Result<Vec<Option<u64>>> {
            let mut res = Vec::with_capacity(part.len());
            let mut cur: Option<(u64, Option<(u64, PageRef<'_>)>)> = None;
            for &r in part {
                let r = r as usize;
                let h = hashes[r];
                let b = self.bucket(h);
                let ordinal = b / spp;
                if cur.as_ref().map(|c| c.0) != Some(ordinal) {
                    drop(cur.take());
                    cur = Some((ordinal, self.pin_primary(pool, ordinal)?));
                }
                let found = match cur.as_ref().and_then(|c| c.1.as_ref()) {
                    None => None,
                    Some((pno, pg)) => {
                        self.find(pool, pg, *pno, (b % spp) as usize, rows.get(r), h)?
                    }
                };
                res.push(found);
            }
            Ok(res)
        };
        // Each worker pins up to 3 pages at once; stay sequential when the pool is small.
        let frames = pool.memory().budget() / PAGE_SIZE as u64;
        let parallel = order.len() > chunk && frames >= 16 * rayon::current_num_threads() as u64;
        let results: Vec<Vec<Option<u64>>> = if parallel {
            order.par_chunks(chunk).map(run).collect::<Result<_>>()?
        } else {
            order.chunks(chunk).map(run).collect::<Result<_>>()?
        };
        for (part, res) in order.chunks(chunk).zip(results) {
            for (&r, v) in part.iter().zip(res) {
                out[r as usize] = v;
            }
        }
        Ok(out)
    }

    /// Bulk insert of a whole column: `keys[i]` gets offset `first_offset + i`. If a key is a
    /// duplicate (of an earlier row or of an existing key), nothing is inserted and the first
    /// such row is reported. NULL keys are an error (the caller rejects them earlier).
    pub fn insert_column(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        keys: &Column,
        first_offset: u64,
    ) -> Result<Result<(), Duplicate>> {
        let (rows, n) = KeyRows::new(keys, self.key_type)?;
        if n == 0 {
            return Ok(Ok(()));
        }
        if keys.nulls.null_count() > 0 {
            return Err(Error::Runtime(
                "Found NULL, which violates the non-null constraint of the primary key column."
                    .into(),
            ));
        }
        if n > u32::MAX as usize {
            return Err(Error::Runtime("key batch too large".into()));
        }
        let hashes = rows.hashes(n);
        // Grow first (exactly, when the index is new), so buckets stay fixed below.
        self.grow_to(pool, alloc, self.len + n as u64, self.len == 0)?;
        let mut order = self.order_by_page(&hashes, keys);
        let spp = SLOTS_PER_PAGE as u64;
        // Within each page: by bucket, then hash, then row, so equal keys are adjacent and in
        // row order.
        let mut start = 0;
        while start < order.len() {
            let ord = self.bucket(hashes[order[start] as usize]) / spp;
            let mut end = start + 1;
            while end < order.len() && self.bucket(hashes[order[end] as usize]) / spp == ord {
                end += 1;
            }
            order[start..end].sort_unstable_by_key(|&r| {
                let h = hashes[r as usize];
                (self.bucket(h), h, r)
            });
            start = end;
        }
        // Phase 1: find the first duplicate without changing anything.
        let mut dup: Option<Duplicate> = None;
        let mut note = |row: usize, existing_offset: u64| {
            if dup.is_none_or(|d| row < d.row) {
                dup = Some(Duplicate {
                    row,
                    existing_offset,
                });
            }
        };
        let mut cur: Option<(u64, Option<(u64, PageRef<'_>)>)> = None;
        let mut run_start = 0;
        for k in 0..order.len() {
            let r = order[k] as usize;
            let h = hashes[r];
            if k == 0 || hashes[order[k - 1] as usize] != h {
                run_start = k;
            }
            let key = rows.get(r);
            let mut found = false;
            for &earlier in &order[run_start..k] {
                if rows.get(earlier as usize) == key {
                    note(r, first_offset + earlier as u64);
                    found = true;
                    break;
                }
            }
            if found || self.len == 0 {
                continue;
            }
            let b = self.bucket(h);
            let ordinal = b / spp;
            if cur.as_ref().map(|c| c.0) != Some(ordinal) {
                drop(cur.take());
                cur = Some((ordinal, self.pin_primary(pool, ordinal)?));
            }
            if let Some((pno, pg)) = cur.as_ref().and_then(|c| c.1.as_ref()) {
                if let Some(o) = self.find(pool, pg, *pno, (b % spp) as usize, key, h)? {
                    note(r, o);
                }
            }
        }
        drop(cur);
        if let Some(d) = dup {
            self.finish_init(pool)?;
            return Ok(Err(d));
        }
        // Phase 2: insert, one pin per primary page.
        let mut buf = [0u8; MAX_ENTRY];
        let mut k = 0;
        while k < order.len() {
            let ordinal = self.bucket(hashes[order[k] as usize]) / spp;
            let mut pg = self.pin_primary_mut(pool, ordinal)?;
            let pno = pg.page_no();
            while k < order.len() {
                let r = order[k] as usize;
                let h = hashes[r];
                let b = self.bucket(h);
                if b / spp != ordinal {
                    break;
                }
                let e = self.make_entry(
                    pool,
                    alloc,
                    rows.get(r),
                    h,
                    first_offset + r as u64,
                    &mut buf,
                )?;
                self.append(pool, alloc, &mut pg, pno, (b % spp) as usize, &buf[..e])?;
                self.len += 1;
                k += 1;
            }
        }
        self.finish_init(pool)?;
        Ok(Ok(()))
    }

    // -----------------------------------------------------------------------------------------
    // Whole-index walks (`ruzu check`)

    /// Every page the index owns.
    pub fn pages(&self, pool: &BufferPool) -> Result<Vec<u64>> {
        let mut out = Vec::new();
        for &(first, count) in &self.extents {
            out.extend(first..first + count);
        }
        for (chain, ty) in [(&self.ovf, TYPE_OVERFLOW), (&self.strings, TYPE_STRING)] {
            let mut p = chain.head;
            for i in 0..chain.pages {
                if p == 0 {
                    return Err(Error::corrupted(
                        None,
                        "primary-key index: page chain ends early",
                    ));
                }
                out.push(p);
                let pg = pin(pool, p)?;
                self.check_page(&pg, p, ty)?;
                let next = rd_u64(&pg, 8);
                if i + 1 == chain.pages && (p != chain.tail || next != 0) {
                    return Err(corrupt(p, "page chain does not end at its recorded tail"));
                }
                p = next;
            }
        }
        Ok(out)
    }

    /// Calls `f` for every entry (in bucket order), checking that each entry is in its bucket
    /// and that the number of entries is `len()`.
    pub fn for_each(
        &self,
        pool: &BufferPool,
        mut f: impl FnMut(IndexKey, u64) -> Result<()>,
    ) -> Result<()> {
        if self.primary_pages() == 0 {
            return if self.len == 0 {
                Ok(())
            } else {
                Err(Error::corrupted(
                    None,
                    "primary-key index has keys but no pages",
                ))
            };
        }
        let e = self.key_type.entry_bytes();
        let cap = self.key_type.capacity();
        let oat = self.key_type.offset_at();
        let nb = self.num_buckets();
        let spp = SLOTS_PER_PAGE as u64;
        let mut count = 0u64;
        let mut sbuf = Vec::new();
        let mut pg_cur: Option<(u64, PageRef<'_>)> = None;
        for b in 0..nb {
            let ordinal = b / spp;
            if b % spp == 0 || pg_cur.is_none() {
                drop(pg_cur.take());
                pg_cur = self.pin_primary(pool, ordinal)?;
            }
            let Some((ppno, ppg)) = pg_cur.as_ref() else {
                continue;
            };
            let mut slot_bytes = ppg[slot_range((b % spp) as usize)].to_vec();
            let mut pno = *ppno;
            let mut steps = 0;
            loop {
                let n = slot_bytes[0] as usize;
                if n > cap {
                    return Err(corrupt(pno, format!("slot holds {n} entries")));
                }
                for ent in slot_bytes[SLOT_HEADER..SLOT_HEADER + n * e].chunks_exact(e) {
                    if self.bucket(self.entry_hash(ent)) != b {
                        return Err(corrupt(pno, format!("entry in the wrong bucket {b}")));
                    }
                    let off = rd_u64(ent, oat);
                    let key = match self.key_type {
                        IndexKeyType::Int64 => IndexKey::Int64(rd_u64(ent, 0) as i64),
                        IndexKeyType::UInt64 => IndexKey::UInt64(rd_u64(ent, 0)),
                        IndexKeyType::Int128 => IndexKey::Int128(
                            (rd_u64(ent, 0) as u128 | ((rd_u64(ent, 8) as u128) << 64)) as i128,
                        ),
                        IndexKeyType::String => {
                            let len = rd_u32(ent, 16) as usize;
                            sbuf.clear();
                            if len <= INLINE_MAX {
                                sbuf.extend_from_slice(&ent[20..20 + len]);
                            } else {
                                self.walk_string(pool, rd_u64(ent, 32), len, pno, |piece| {
                                    sbuf.extend_from_slice(piece);
                                    true
                                })?;
                                if sbuf[..PREFIX] != ent[20..20 + PREFIX]
                                    || hash_bytes(&sbuf) != rd_u64(ent, 8)
                                {
                                    return Err(corrupt(pno, "string key does not match its hash"));
                                }
                            }
                            IndexKey::String(&sbuf)
                        }
                    };
                    count += 1;
                    f(key, off)?;
                }
                let next = rd_u64(&slot_bytes, 8);
                if next == 0 {
                    break;
                }
                steps += 1;
                if steps > self.max_chain() {
                    return Err(corrupt(pno, "overflow chain loops"));
                }
                let (opno, i) = split_slot_addr(next, pno)?;
                let opg = pin(pool, opno)?;
                self.check_page(&opg, opno, TYPE_OVERFLOW)?;
                slot_bytes = opg[slot_range(i)].to_vec();
                pno = opno;
            }
        }
        if count != self.len {
            return Err(Error::corrupted(
                None,
                format!(
                    "primary-key index holds {count} entries, its metadata says {}",
                    self.len
                ),
            ));
        }
        Ok(())
    }

    /// A copy of the index in freshly allocated pages, for copy-on-write checkpoints: change
    /// the copy, and free the old `pages()` once metadata without them is durable.
    pub fn copy_to_new_pages(
        &self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
    ) -> Result<HashIndex> {
        let mut new = HashIndex::new(self.key_type);
        if self.primary_pages() == 0 {
            return Ok(new);
        }
        // Same geometry, so entries go bucket for bucket and pages fill in order.
        new.level = self.level;
        new.next_split = self.next_split;
        new.ensure_pages(
            alloc,
            self.num_buckets().div_ceil(SLOTS_PER_PAGE as u64),
            true,
        );
        let spp = SLOTS_PER_PAGE as u64;
        let mut buf = [0u8; MAX_ENTRY];
        self.for_each(pool, |key, off| {
            let h = hash_key(key);
            let e = new.make_entry(pool, alloc, key, h, off, &mut buf)?;
            let b = new.bucket(h);
            let mut pg = new.pin_primary_mut(pool, b / spp)?;
            let pno = pg.page_no();
            new.append(pool, alloc, &mut pg, pno, (b % spp) as usize, &buf[..e])?;
            new.len += 1;
            Ok(())
        })?;
        new.finish_init(pool)?;
        Ok(new)
    }

    // -----------------------------------------------------------------------------------------
    // Metadata

    pub fn encode(&self, e: &mut Encoder) {
        e.u8(FORMAT);
        e.u8(self.key_type as u8);
        e.u64(self.len);
        e.u8(self.level);
        e.u64(self.next_split);
        e.u32(self.extents.len() as u32);
        for &(s, c) in &self.extents {
            e.u64(s);
            e.u64(c);
        }
        e.u64(self.ovf.head);
        e.u64(self.ovf.tail);
        e.u64(self.ovf.pages);
        e.u8(self.ovf.tail_used as u8);
        e.u64(self.free_slot);
        e.u64(self.strings.head);
        e.u64(self.strings.tail);
        e.u64(self.strings.pages);
        e.u16(self.strings.tail_used as u16);
    }

    pub fn decode(d: &mut Decoder) -> Result<Self> {
        let format = d.u8()?;
        if format != FORMAT {
            return Err(d.bad(&format!("unknown primary-key index format {format}")));
        }
        let kt = d.u8()?;
        let key_type = IndexKeyType::from_u8(kt)
            .ok_or_else(|| d.bad(&format!("unknown index key type {kt}")))?;
        let len = d.u64()?;
        let level = d.u8()?;
        let next_split = d.u64()?;
        if level > MAX_LEVEL || next_split >= (1u64 << level) {
            return Err(d.bad("primary-key index geometry out of range"));
        }
        let n = d.u32()? as usize;
        let mut extents = Vec::with_capacity(n.min(1024));
        let mut starts = Vec::with_capacity(n.min(1024));
        let mut total = 0u64;
        for _ in 0..n {
            let s = d.u64()?;
            let c = d.u64()?;
            if s == 0 || c == 0 || s.checked_add(c).is_none_or(|e| e > 1 << 48) {
                return Err(d.bad("bad primary-key index extent"));
            }
            total = total
                .checked_add(c)
                .ok_or_else(|| d.bad("bad primary-key index extent"))?;
            starts.push(total - c);
            extents.push((s, c));
        }
        let buckets = (1u64 << level) + next_split;
        if (total > 0 || len > 0) && total < buckets.div_ceil(SLOTS_PER_PAGE as u64) {
            return Err(d.bad("primary-key index has fewer pages than buckets"));
        }
        let ovf = decode_chain(d, true)?;
        let free_slot = d.u64()?;
        let strings = decode_chain(d, false)?;
        if free_slot != 0 && ovf.pages == 0 {
            return Err(d.bad("primary-key index free slot without overflow pages"));
        }
        Ok(HashIndex {
            key_type,
            len,
            level,
            next_split,
            extents,
            starts,
            initialized: total,
            ovf,
            free_slot,
            strings,
        })
    }
}

fn decode_chain(d: &mut Decoder, slots: bool) -> Result<Chain> {
    let head = d.u64()?;
    let tail = d.u64()?;
    let pages = d.u64()?;
    let tail_used = if slots {
        d.u8()? as u64
    } else {
        d.u16()? as u64
    };
    let ok = if pages == 0 {
        head == 0 && tail == 0 && tail_used == 0
    } else if slots {
        head != 0 && tail != 0 && tail_used <= SLOTS_PER_PAGE as u64
    } else {
        head != 0 && tail != 0 && (PAGE_HEADER as u64..=PAGE_PAYLOAD as u64).contains(&tail_used)
    };
    if !ok || head >= 1 << 48 || tail >= 1 << 48 {
        return Err(d.bad("bad primary-key index page chain"));
    }
    Ok(Chain {
        head,
        tail,
        pages,
        tail_used,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::buffer::{MemoryManager, MIN_BUDGET};
    use crate::storage::file::{MemBackend, StorageBackend};
    use crate::types::vector::{NullMask, StringData};
    use crate::types::LogicalType;
    use proptest::prelude::*;
    use std::collections::HashMap;
    use std::sync::Arc;

    fn pool_over(m: &MemBackend, budget: u64) -> BufferPool {
        BufferPool::new(Arc::new(m.clone()), MemoryManager::new(budget))
    }

    fn int_col(v: Vec<i64>) -> Column {
        let n = v.len();
        Column {
            ty: LogicalType::Int64,
            data: ColumnData::Int64(v),
            nulls: NullMask::with_len(n),
        }
    }

    fn str_col(v: &[Vec<u8>]) -> Column {
        let mut s = StringData::new();
        for x in v {
            s.push(x);
        }
        Column {
            ty: LogicalType::String,
            data: ColumnData::String(s),
            nulls: NullMask::with_len(v.len()),
        }
    }

    fn reopen(
        idx: &HashIndex,
        pool: BufferPool,
        m: &MemBackend,
        budget: u64,
    ) -> (HashIndex, BufferPool) {
        let mut e = Encoder::new();
        idx.encode(&mut e);
        pool.flush().unwrap();
        drop(pool);
        let back = HashIndex::decode(&mut Decoder::new(&e.buf, "index")).unwrap();
        assert_eq!(&back, idx);
        (back, pool_over(m, budget))
    }

    #[test]
    fn hashes_are_stable() {
        // Part of the on-disk format: buckets depend on these values.
        assert_eq!(hash_u64(0), 0);
        assert_eq!(hash_u64(1), 0xb456_bcfc_34c2_cb2c);
        assert_eq!(hash_bytes(b""), fmix64(SEED));
        assert_ne!(hash_bytes(b"a"), hash_bytes(b"a\0"));
        assert_ne!(hash_bytes(b"abcdefgh"), hash_bytes(b"abcdefgh\0"));
        assert_ne!(hash_u128(1), hash_u128(1 << 64));
        assert_eq!(hash_key(IndexKey::Int64(-1)), hash_u64(u64::MAX));
    }

    #[test]
    fn single_inserts_lookups_deletes_int64() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        assert_eq!(idx.lookup(&pool, IndexKey::Int64(5)).unwrap(), None);
        assert!(idx.pages(&pool).unwrap().is_empty());
        for k in 0..5000i64 {
            assert_eq!(
                idx.insert(&pool, &mut alloc, IndexKey::Int64(k * 7 - 9000), k as u64)
                    .unwrap(),
                None
            );
        }
        assert_eq!(idx.len(), 5000);
        assert_eq!(
            idx.insert(&pool, &mut alloc, IndexKey::Int64(7 * 3 - 9000), 99)
                .unwrap(),
            Some(3)
        );
        assert_eq!(idx.len(), 5000);
        for k in 0..5000i64 {
            assert_eq!(
                idx.lookup(&pool, IndexKey::Int64(k * 7 - 9000)).unwrap(),
                Some(k as u64)
            );
            assert_eq!(
                idx.lookup(&pool, IndexKey::Int64(k * 7 - 8999)).unwrap(),
                None
            );
        }
        assert!(idx.delete(&pool, IndexKey::Int64(-9000)).unwrap());
        assert!(!idx.delete(&pool, IndexKey::Int64(-9000)).unwrap());
        assert_eq!(idx.lookup(&pool, IndexKey::Int64(-9000)).unwrap(), None);
        assert_eq!(idx.lookup(&pool, IndexKey::Int64(-8993)).unwrap(), Some(1));
        assert_eq!(idx.len(), 4999);
        // Load factor: 4999 keys in 15-entry slots at 3/4 → at least 445 buckets.
        assert!(idx.num_buckets() >= 445);
        let pages = idx.pages(&pool).unwrap();
        let mut sorted = pages.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), pages.len());
        assert!(sorted.iter().all(|&p| p >= 1 && p < alloc.end()));
        assert_eq!(sorted.len() as u64, alloc.end() - 1);
        let mut n = 0;
        idx.for_each(&pool, |k, o| {
            let IndexKey::Int64(k) = k else {
                panic!("key type")
            };
            assert_eq!((k + 9000) / 7, o as i64);
            n += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(n, 4999);
        // Wrong key kind.
        assert!(idx.lookup(&pool, IndexKey::String(b"x")).is_err());
    }

    #[test]
    fn string_keys_short_long_and_spanning() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::String);
        let mut keys: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"a".to_vec(),
            b"exactly-twenty-bytes".to_vec(),
            b"twenty-one bytes long".to_vec(),
            vec![b'x'; 5000],
            vec![b'y'; 9000],
        ];
        for i in 0..3000 {
            keys.push(format!("Person_{i}_with_a_longish_name").into_bytes());
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(
                idx.insert(&pool, &mut alloc, IndexKey::String(k), i as u64)
                    .unwrap(),
                None
            );
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(
                idx.lookup(&pool, IndexKey::String(k)).unwrap(),
                Some(i as u64)
            );
        }
        // Same prefix and length, different tail; same hash bucket irrelevant.
        let mut near = vec![b'x'; 5000];
        near[4999] = b'z';
        assert_eq!(idx.lookup(&pool, IndexKey::String(&near)).unwrap(), None);
        assert_eq!(
            idx.lookup(&pool, IndexKey::String(b"exactly-twenty-byteS"))
                .unwrap(),
            None
        );
        assert_eq!(
            idx.insert(&pool, &mut alloc, IndexKey::String(&keys[4]), 1)
                .unwrap(),
            Some(4)
        );
        let (idx2, pool2) = reopen(&idx, pool, &m, MIN_BUDGET);
        let got = idx2.lookup_column(&pool2, &str_col(&keys)).unwrap();
        assert_eq!(got, (0..keys.len() as u64).map(Some).collect::<Vec<_>>());
        let mut seen = HashMap::new();
        idx2.for_each(&pool2, |k, o| {
            let IndexKey::String(s) = k else {
                panic!("key type")
            };
            seen.insert(s.to_vec(), o);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), keys.len());
        assert_eq!(seen[&keys[5]], 5);
    }

    #[test]
    fn int128_and_uint64_keys() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut a = HashIndex::new(IndexKeyType::Int128);
        let mut b = HashIndex::new(IndexKeyType::UInt64);
        for i in 0..2000u64 {
            let k = ((i as i128) << 70) - 5;
            assert_eq!(
                a.insert(&pool, &mut alloc, IndexKey::Int128(k), i).unwrap(),
                None
            );
            assert_eq!(
                b.insert(&pool, &mut alloc, IndexKey::UInt64(u64::MAX - i), i)
                    .unwrap(),
                None
            );
        }
        for i in 0..2000u64 {
            assert_eq!(
                a.lookup(&pool, IndexKey::Int128(((i as i128) << 70) - 5))
                    .unwrap(),
                Some(i)
            );
            assert_eq!(
                b.lookup(&pool, IndexKey::UInt64(u64::MAX - i)).unwrap(),
                Some(i)
            );
        }
        assert_eq!(a.lookup(&pool, IndexKey::Int128(-4)).unwrap(), None);
        let col = Column {
            ty: LogicalType::UInt64,
            data: ColumnData::UInt64(vec![u64::MAX, 3, u64::MAX - 1999]),
            nulls: NullMask::with_len(3),
        };
        assert_eq!(
            b.lookup_column(&pool, &col).unwrap(),
            vec![Some(0), None, Some(1999)]
        );
        // A UINT64 column does not fit an INT64 index.
        assert!(HashIndex::new(IndexKeyType::Int64)
            .lookup_column(&pool, &col)
            .is_err());
    }

    #[test]
    fn bulk_insert_detects_duplicates_and_inserts_nothing() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        // Within the batch: row 4 repeats row 1, row 5 repeats row 0; the first row reported.
        let r = idx
            .insert_column(&pool, &mut alloc, &int_col(vec![5, 7, 8, 9, 7, 5]), 100)
            .unwrap();
        assert_eq!(
            r,
            Err(Duplicate {
                row: 4,
                existing_offset: 101
            })
        );
        assert_eq!(idx.len(), 0);
        assert_eq!(idx.lookup(&pool, IndexKey::Int64(5)).unwrap(), None);
        idx.insert_column(&pool, &mut alloc, &int_col((0..10_000).collect()), 0)
            .unwrap()
            .unwrap();
        assert_eq!(idx.len(), 10_000);
        // Against existing keys.
        let r = idx
            .insert_column(
                &pool,
                &mut alloc,
                &int_col(vec![20_000, 20_001, 9_999, 3]),
                10_000,
            )
            .unwrap();
        assert_eq!(
            r,
            Err(Duplicate {
                row: 2,
                existing_offset: 9_999
            })
        );
        assert_eq!(idx.len(), 10_000);
        assert_eq!(idx.lookup(&pool, IndexKey::Int64(20_000)).unwrap(), None);
        idx.insert_column(
            &pool,
            &mut alloc,
            &int_col((10_000..12_000).collect()),
            10_000,
        )
        .unwrap()
        .unwrap();
        let probe = int_col(vec![0, 11_999, 12_000, -1, 6_000]);
        assert_eq!(
            idx.lookup_column(&pool, &probe).unwrap(),
            vec![Some(0), Some(11_999), None, None, Some(6_000)]
        );
        // NULL rows look up as None; NULL keys cannot be inserted.
        let mut with_null = int_col(vec![1, 0, 2]);
        with_null.nulls.set(1, true);
        assert_eq!(
            idx.lookup_column(&pool, &with_null).unwrap(),
            vec![Some(1), None, Some(2)]
        );
        assert!(idx.insert_column(&pool, &mut alloc, &with_null, 0).is_err());
        // Strings: duplicate within the batch.
        let mut s = HashIndex::new(IndexKeyType::String);
        let keys: Vec<Vec<u8>> = [
            "a",
            "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            "c",
            "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        ]
        .iter()
        .map(|x| x.as_bytes().to_vec())
        .collect();
        let r = s
            .insert_column(&pool, &mut alloc, &str_col(&keys), 0)
            .unwrap();
        assert_eq!(
            r,
            Err(Duplicate {
                row: 3,
                existing_offset: 1
            })
        );
        s.insert_column(&pool, &mut alloc, &str_col(&keys[..3]), 0)
            .unwrap()
            .unwrap();
        let r = s
            .insert_column(&pool, &mut alloc, &str_col(&keys[2..]), 3)
            .unwrap();
        assert_eq!(
            r,
            Err(Duplicate {
                row: 0,
                existing_offset: 2
            })
        );
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn reopen_after_flush() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        idx.insert_column(
            &pool,
            &mut alloc,
            &int_col((0..20_000).map(|k| k * 3).collect()),
            7,
        )
        .unwrap()
        .unwrap();
        for k in 0..100 {
            idx.delete(&pool, IndexKey::Int64(k * 3)).unwrap();
        }
        let (mut idx, pool) = reopen(&idx, pool, &m, MIN_BUDGET);
        for k in 0..20_000i64 {
            let want = if k < 100 { None } else { Some(k as u64 + 7) };
            assert_eq!(idx.lookup(&pool, IndexKey::Int64(k * 3)).unwrap(), want);
        }
        assert_eq!(
            idx.insert(&pool, &mut alloc, IndexKey::Int64(0), 1)
                .unwrap(),
            None
        );
        assert_eq!(idx.lookup(&pool, IndexKey::Int64(0)).unwrap(), Some(1));
        // Truncated and nonsensical metadata are refused.
        let mut e = Encoder::new();
        idx.encode(&mut e);
        assert!(HashIndex::decode(&mut Decoder::new(&e.buf[..e.buf.len() - 1], "index")).is_err());
        let mut bad = e.buf.clone();
        bad[10] = 60; // level
        assert!(HashIndex::decode(&mut Decoder::new(&bad, "index")).is_err());
    }

    #[test]
    fn flipped_byte_is_a_corruption_error() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        idx.insert_column(&pool, &mut alloc, &int_col((0..3000).collect()), 0)
            .unwrap()
            .unwrap();
        let (idx, pool) = reopen(&idx, pool, &m, MIN_BUDGET);
        drop(pool);
        // Corrupt the primary page holding key 1234's bucket.
        let b = idx.bucket(hash_u64(1234));
        let p = idx.page_of(b / SLOTS_PER_PAGE as u64).unwrap();
        let at = p * PAGE_SIZE as u64 + 300;
        let mut byte = [0u8];
        m.read_at(at, &mut byte).unwrap();
        m.write_at(at, &[byte[0] ^ 0x10]).unwrap();
        let pool = pool_over(&m, MIN_BUDGET);
        match idx.lookup(&pool, IndexKey::Int64(1234)) {
            Err(Error::Corrupted { page: Some(q), .. }) => assert_eq!(q, p),
            other => panic!("expected corruption, got {other:?}"),
        }
        assert!(matches!(
            idx.lookup_column(&pool, &int_col((0..3000).collect())),
            Err(Error::Corrupted { page: Some(_), .. })
        ));
        assert!(idx.for_each(&pool, |_, _| Ok(())).is_err());
        // Keys in other pages still answer.
        let other = (0..3000)
            .find(|&k| idx.page_of(idx.bucket(hash_u64(k)) / 15).unwrap() != p)
            .unwrap();
        assert_eq!(
            idx.lookup(&pool, IndexKey::Int64(other as i64)).unwrap(),
            Some(other)
        );
    }

    #[test]
    fn bad_pointers_are_errors_not_panics() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        idx.insert(&pool, &mut alloc, IndexKey::Int64(1), 1)
            .unwrap();
        let b = idx.bucket(hash_u64(1));
        let p = idx.page_of(0).unwrap();
        let si = b as usize;
        // An entry count above the capacity.
        pool.pin_mut(p, PageKind::Index).unwrap()[slot_range(si)][0] = 200;
        assert!(matches!(
            idx.lookup(&pool, IndexKey::Int64(1)),
            Err(Error::Corrupted { page: Some(q), .. }) if q == p
        ));
        // A chain pointing at itself: bounded, reported.
        {
            let mut pg = pool.pin_mut(p, PageKind::Index).unwrap();
            pg[slot_range(si)][0] = 0;
            wr_u64(&mut pg[slot_range(si)], 8, (p << 4) | 3);
        }
        assert!(matches!(
            idx.lookup(&pool, IndexKey::Int64(1)),
            Err(Error::Corrupted { page: Some(_), .. })
        ));
        {
            let mut pg = pool.pin_mut(p, PageKind::Index).unwrap();
            wr_u64(&mut pg[slot_range(si)], 8, (p << 4) | 15);
        }
        assert!(matches!(
            idx.lookup(&pool, IndexKey::Int64(1)),
            Err(Error::Corrupted { page: Some(q), .. }) if q == p
        ));
    }

    #[test]
    fn many_keys_through_a_tiny_pool() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        idx.insert_column(&pool, &mut alloc, &int_col((0..60_000).collect()), 0)
            .unwrap()
            .unwrap();
        for k in 60_000..70_000i64 {
            assert_eq!(
                idx.insert(&pool, &mut alloc, IndexKey::Int64(k), k as u64)
                    .unwrap(),
                None
            );
        }
        for k in (0..70_000i64).step_by(3) {
            assert!(idx.delete(&pool, IndexKey::Int64(k)).unwrap());
        }
        // Chains exist at this size, and the pool was far too small to hold the index.
        assert!(idx.ovf.pages > 0);
        assert!(idx.primary_pages() > 64);
        assert!(idx.extents.len() > 1);
        assert_eq!(idx.starts.len(), idx.extents.len());
        assert!(pool.stats().evictions > 1000);
        let got = idx
            .lookup_column(&pool, &int_col((0..70_001).collect()))
            .unwrap();
        for (k, g) in got.iter().enumerate() {
            let want = if k % 3 == 0 || k == 70_000 {
                None
            } else {
                Some(k as u64)
            };
            assert_eq!(*g, want, "key {k}");
        }
        assert_eq!(idx.len(), 70_000 - 23_334);
    }

    /// Positional I/O over a `MemBackend` that yields the CPU inside every write, as a
    /// loaded machine would.
    struct SlowWrites(MemBackend);

    impl StorageBackend for SlowWrites {
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

    /// `many_keys_through_a_tiny_pool`'s flaky failure, made likely: the parallel lookup that
    /// follows the inserts and deletes evicts dirty pages while other workers need them. The
    /// pool used to serve the file's older copy of a page whose write-back was in flight, so
    /// deleted keys were found again (or present ones missed).
    #[test]
    fn parallel_lookups_while_dirty_pages_are_evicted() {
        let pool = BufferPool::new(
            Arc::new(SlowWrites(MemBackend::new())),
            MemoryManager::new(MIN_BUDGET),
        );
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        idx.insert_column(&pool, &mut alloc, &int_col((0..60_000).collect()), 0)
            .unwrap()
            .unwrap();
        // Single inserts fill overflow pages, which workers on different primary pages share.
        for k in 60_000..70_000i64 {
            let inserted = idx.insert(&pool, &mut alloc, IndexKey::Int64(k), k as u64);
            assert_eq!(inserted.unwrap(), None);
        }
        for k in (0..70_000i64).step_by(3) {
            assert!(idx.delete(&pool, IndexKey::Int64(k)).unwrap());
        }
        assert!(idx.ovf.pages > 0);
        // Four workers, so the lookup is parallel whatever the machine (64 frames >= 16 * 4).
        let workers = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let mut end = 70_000i64;
        for round in 0..6 {
            let got = workers
                .install(|| idx.lookup_column(&pool, &int_col((0..end).collect())))
                .unwrap();
            let wrong: Vec<usize> = (0..end as usize)
                .filter(|&k| got[k] != (k % 3 != 0 || k >= 70_000).then_some(k as u64))
                .collect();
            assert_eq!(
                wrong.len(),
                0,
                "round {round}, first: {:?}",
                &wrong[..wrong.len().min(5)]
            );
            // Dirty more overflow pages for the next round.
            for k in end..end + 1_000 {
                let inserted = idx.insert(&pool, &mut alloc, IndexKey::Int64(k), k as u64);
                assert_eq!(inserted.unwrap(), None);
            }
            end += 1_000;
        }
    }

    #[test]
    fn copy_to_new_pages_is_independent() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::String);
        let keys: Vec<Vec<u8>> = (0..2000)
            .map(|i| format!("name-{i}-{}", "z".repeat(i % 40)).into_bytes())
            .collect();
        idx.insert_column(&pool, &mut alloc, &str_col(&keys), 10)
            .unwrap()
            .unwrap();
        let mut copy = idx.copy_to_new_pages(&pool, &mut alloc).unwrap();
        assert_eq!(copy.len(), 2000);
        let old: std::collections::HashSet<u64> = idx.pages(&pool).unwrap().into_iter().collect();
        assert!(copy.pages(&pool).unwrap().iter().all(|p| !old.contains(p)));
        assert!(copy.delete(&pool, IndexKey::String(&keys[7])).unwrap());
        assert_eq!(
            copy.insert(&pool, &mut alloc, IndexKey::String(b"new"), 5)
                .unwrap(),
            None
        );
        assert_eq!(
            idx.lookup(&pool, IndexKey::String(&keys[7])).unwrap(),
            Some(17)
        );
        assert_eq!(idx.lookup(&pool, IndexKey::String(b"new")).unwrap(), None);
        assert_eq!(
            copy.lookup(&pool, IndexKey::String(&keys[7])).unwrap(),
            None
        );
        assert_eq!(
            copy.lookup(&pool, IndexKey::String(&keys[1999])).unwrap(),
            Some(2009)
        );
        assert_eq!(
            copy.lookup(&pool, IndexKey::String(b"new")).unwrap(),
            Some(5)
        );
        let empty = HashIndex::new(IndexKeyType::Int64);
        assert_eq!(empty.copy_to_new_pages(&pool, &mut alloc).unwrap(), empty);
    }

    #[test]
    fn pointer_past_the_end_of_the_file_is_corruption() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        idx.insert(&pool, &mut alloc, IndexKey::Int64(1), 1)
            .unwrap();
        let si = idx.bucket(hash_u64(1)) as usize;
        let p = idx.page_of(0).unwrap();
        {
            let mut pg = pool.pin_mut(p, PageKind::Index).unwrap();
            pg[slot_range(si)][0] = 0;
            wr_u64(&mut pg[slot_range(si)], 8, 5000 << 4);
        }
        pool.flush().unwrap();
        assert!(matches!(
            idx.lookup(&pool, IndexKey::Int64(1)),
            Err(Error::Corrupted {
                page: Some(5000),
                ..
            })
        ));
    }

    #[test]
    fn raw_layout_matches_the_documentation() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        idx.insert(&pool, &mut alloc, IndexKey::Int64(-5), 9)
            .unwrap();
        assert_eq!(
            (idx.level, idx.next_split, idx.extents.clone()),
            (0, 0, vec![(1, 1)])
        );
        {
            let pg = pool.pin(1, PageKind::Index).unwrap();
            assert_eq!(&pg[..16], &[1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            // Bucket 0 = slot 0: count 1, no chain, entry (key, offset).
            assert_eq!(pg[16], 1);
            assert_eq!(rd_u64(&pg, 24), 0);
            assert_eq!(rd_u64(&pg, 32), (-5i64) as u64);
            assert_eq!(rd_u64(&pg, 40), 9);
            assert!(pg[48..].iter().all(|&b| b == 0));
        }
        let mut e = Encoder::new();
        idx.encode(&mut e);
        let mut want = vec![1u8, 1];
        want.extend_from_slice(&1u64.to_le_bytes()); // len
        want.push(0); // level
        want.extend_from_slice(&0u64.to_le_bytes()); // next split
        want.extend_from_slice(&1u32.to_le_bytes());
        want.extend_from_slice(&1u64.to_le_bytes());
        want.extend_from_slice(&1u64.to_le_bytes());
        want.extend_from_slice(&[0; 24]); // no overflow pages
        want.push(0);
        want.extend_from_slice(&[0; 8]); // free list
        want.extend_from_slice(&[0; 24]); // no string pages
        want.extend_from_slice(&[0; 2]);
        assert_eq!(e.buf, want);

        // A long string: entry fields, prefix, and the string page.
        let mut s = HashIndex::new(IndexKeyType::String);
        let long = b"abcdefghijklmnopqrstuvwxyz";
        s.insert(&pool, &mut alloc, IndexKey::String(long), 77)
            .unwrap();
        s.insert(&pool, &mut alloc, IndexKey::String(b"short"), 78)
            .unwrap();
        let sp = s.strings.head;
        let pp = s.extents[0].0;
        let pg = pool.pin(pp, PageKind::Index).unwrap();
        assert_eq!(&pg[..2], &[1, 4]);
        let mut found = 0;
        for b in 0..s.num_buckets() as usize {
            let slot = &pg[slot_range(b)];
            for i in 0..slot[0] as usize {
                let ent = &slot[16 + 40 * i..16 + 40 * (i + 1)];
                match rd_u64(ent, 0) {
                    77 => {
                        assert_eq!(rd_u64(ent, 8), hash_bytes(long));
                        assert_eq!(rd_u32(ent, 16), 26);
                        assert_eq!(&ent[20..32], &long[..12]);
                        assert_eq!(rd_u64(ent, 32), (sp << 12) | 16);
                        found += 1;
                    }
                    78 => {
                        assert_eq!(rd_u32(ent, 16), 5);
                        assert_eq!(&ent[20..25], b"short");
                        assert!(ent[25..].iter().all(|&b| b == 0));
                        found += 1;
                    }
                    o => panic!("unexpected offset {o}"),
                }
            }
        }
        assert_eq!(found, 2);
        let spg = pool.pin(sp, PageKind::Index).unwrap();
        assert_eq!(&spg[..2], &[3, 4]);
        assert_eq!(rd_u64(&spg, 8), 0);
        assert_eq!(&spg[16..42], long);
        assert_eq!(s.strings.tail_used, 42);
    }

    #[test]
    fn small_integer_columns_use_the_int64_index() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        let col = Column {
            ty: LogicalType::Int32,
            data: ColumnData::Int32(vec![-3, 4, 1 << 30]),
            nulls: NullMask::with_len(3),
        };
        idx.insert_column(&pool, &mut alloc, &col, 50)
            .unwrap()
            .unwrap();
        assert_eq!(
            idx.lookup(&pool, IndexKey::Int64(1 << 30)).unwrap(),
            Some(52)
        );
        let col16 = Column {
            ty: LogicalType::UInt16,
            data: ColumnData::UInt16(vec![4, 5]),
            nulls: NullMask::with_len(2),
        };
        assert_eq!(
            idx.lookup_column(&pool, &col16).unwrap(),
            vec![Some(51), None]
        );
        let r = idx.insert_column(&pool, &mut alloc, &col16, 60).unwrap();
        assert_eq!(
            r,
            Err(Duplicate {
                row: 0,
                existing_offset: 51
            })
        );
        let dbl = Column {
            ty: LogicalType::Double,
            data: ColumnData::Double(vec![1.0]),
            nulls: NullMask::with_len(1),
        };
        assert!(matches!(
            idx.lookup_column(&pool, &dbl),
            Err(Error::Runtime(_))
        ));
        assert!(matches!(
            idx.lookup_column(&pool, &str_col(&[b"x".to_vec()])),
            Err(Error::Runtime(_))
        ));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u16, u64),
        Delete(u16),
        Lookup(u16),
        Bulk(Vec<u16>),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u16..600, 0u64..1_000_000).prop_map(|(k, o)| Op::Insert(k, o)),
            2 => (0u16..600).prop_map(Op::Delete),
            2 => (0u16..600).prop_map(Op::Lookup),
            1 => proptest::collection::vec(0u16..600, 0..300).prop_map(Op::Bulk),
        ]
    }

    /// Runs `ops` against a `HashMap` model; `key` maps the small key space to index keys.
    fn run_model(ops: &[Op], kt: IndexKeyType, key: &dyn Fn(u16) -> Vec<u8>) {
        let m = MemBackend::new();
        let mut pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(kt);
        let mut model: HashMap<u16, u64> = HashMap::new();
        fn mk(kt: IndexKeyType, k: u16, buf: &[u8]) -> IndexKey<'_> {
            match kt {
                IndexKeyType::Int64 => IndexKey::Int64(k as i64 * 1_000_003 - 300_000_000),
                _ => IndexKey::String(buf),
            }
        }
        let col = |ks: &[u16]| -> Column {
            match kt {
                IndexKeyType::Int64 => int_col(
                    ks.iter()
                        .map(|&k| k as i64 * 1_000_003 - 300_000_000)
                        .collect(),
                ),
                _ => str_col(&ks.iter().map(|&k| key(k)).collect::<Vec<_>>()),
            }
        };
        let mut next_off = 0u64;
        for (i, o) in ops.iter().enumerate() {
            match o {
                Op::Insert(k, off) => {
                    let b = key(*k);
                    let got = idx.insert(&pool, &mut alloc, mk(kt, *k, &b), *off).unwrap();
                    assert_eq!(got, model.get(k).copied());
                    model.entry(*k).or_insert(*off);
                }
                Op::Delete(k) => {
                    let b = key(*k);
                    assert_eq!(
                        idx.delete(&pool, mk(kt, *k, &b)).unwrap(),
                        model.remove(k).is_some()
                    );
                }
                Op::Lookup(k) => {
                    let b = key(*k);
                    assert_eq!(
                        idx.lookup(&pool, mk(kt, *k, &b)).unwrap(),
                        model.get(k).copied()
                    );
                }
                Op::Bulk(ks) => {
                    let first = 2_000_000 + next_off;
                    next_off += ks.len() as u64;
                    let got = idx
                        .insert_column(&pool, &mut alloc, &col(ks), first)
                        .unwrap();
                    let mut seen: HashMap<u16, usize> = HashMap::new();
                    let mut want = Ok(());
                    for (r, k) in ks.iter().enumerate() {
                        if let Some(&o) = model.get(k) {
                            want = Err(Duplicate {
                                row: r,
                                existing_offset: o,
                            });
                            break;
                        }
                        if let Some(&e) = seen.get(k) {
                            want = Err(Duplicate {
                                row: r,
                                existing_offset: first + e as u64,
                            });
                            break;
                        }
                        seen.insert(*k, r);
                    }
                    assert_eq!(got, want);
                    if want.is_ok() {
                        for (r, k) in ks.iter().enumerate() {
                            model.insert(*k, first + r as u64);
                        }
                    }
                }
            }
            assert_eq!(idx.len(), model.len() as u64);
            if i % 17 == 16 {
                let (i2, p2) = reopen(&idx, pool, &m, MIN_BUDGET);
                idx = i2;
                pool = p2;
            }
        }
        let all: Vec<u16> = (0..600).collect();
        let got = idx.lookup_column(&pool, &col(&all)).unwrap();
        for k in 0..600u16 {
            assert_eq!(got[k as usize], model.get(&k).copied(), "key {k}");
        }
        let mut n = 0;
        idx.for_each(&pool, |_, _| {
            n += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(n, model.len());
        let pages = idx.pages(&pool).unwrap();
        assert!(pages.iter().all(|&p| p >= 1 && p < alloc.end()));
    }

    fn string_key(k: u16) -> Vec<u8> {
        // Short inline keys, keys just past the inline limit, and multi-page keys.
        match k % 4 {
            0 => format!("k{k}").into_bytes(),
            1 => format!("{k:0>21}").into_bytes(),
            2 => format!("key-{k}-").repeat(8).into_bytes(),
            _ => format!("{k}").repeat(1500).into_bytes(),
        }
    }

    /// Scribbles over index pages through the pool (so checksums stay valid: a bug or a crafted
    /// file, not bit rot) and runs every operation: errors are fine, panics and hangs are not.
    fn scribble_run(kt: IndexKeyType, writes: &[(u16, u16, u8)]) {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(kt);
        let keys: Vec<u16> = (0..400).collect();
        let col = |ks: &[u16]| match kt {
            IndexKeyType::Int64 => int_col(ks.iter().map(|&k| k as i64).collect()),
            _ => str_col(&ks.iter().map(|&k| string_key(k)).collect::<Vec<_>>()),
        };
        idx.insert_column(&pool, &mut alloc, &col(&keys), 0)
            .unwrap()
            .unwrap();
        for k in 400..430u16 {
            let b = string_key(k);
            let key = match kt {
                IndexKeyType::Int64 => IndexKey::Int64(k as i64),
                _ => IndexKey::String(&b),
            };
            idx.insert(&pool, &mut alloc, key, k as u64).unwrap();
        }
        let pages = idx.pages(&pool).unwrap();
        for &(pi, at, v) in writes {
            let p = pages[pi as usize % pages.len()];
            let at = at as usize % PAGE_PAYLOAD;
            pool.pin_mut(p, PageKind::Index).unwrap()[at] = v;
        }
        let _ = idx.lookup_column(&pool, &col(&keys));
        let _ = idx.for_each(&pool, |_, _| Ok(()));
        let _ = idx.pages(&pool);
        let more: Vec<u16> = (430..700).collect();
        let _ = idx.insert_column(&pool, &mut alloc, &col(&more), 430);
        for k in (0..700u16).step_by(7) {
            let b = string_key(k);
            let key = match kt {
                IndexKeyType::Int64 => IndexKey::Int64(k as i64),
                _ => IndexKey::String(&b),
            };
            let _ = idx.delete(&pool, key);
            let _ = idx.insert(&pool, &mut alloc, key, 1);
            let _ = idx.lookup(&pool, key);
        }
        let _ = idx.copy_to_new_pages(&pool, &mut alloc);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn int64_matches_model(ops in proptest::collection::vec(op(), 1..120)) {
            run_model(&ops, IndexKeyType::Int64, &|_| Vec::new());
        }

        #[test]
        fn scribbled_pages_never_panic(
            writes in proptest::collection::vec((any::<u16>(), any::<u16>(), any::<u8>()), 1..40),
            strings in any::<bool>(),
        ) {
            let kt = if strings { IndexKeyType::String } else { IndexKeyType::Int64 };
            scribble_run(kt, &writes);
        }

        #[test]
        fn random_metadata_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = HashIndex::decode(&mut Decoder::new(&bytes, "index"));
        }

        #[test]
        fn string_matches_model(ops in proptest::collection::vec(op(), 1..120)) {
            run_model(&ops, IndexKeyType::String, &string_key);
        }
    }

    /// Process CPU time (user + system) in seconds, from /proc (Linux), for the benchmark.
    fn cpu_secs() -> f64 {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let after = stat.rsplit(')').next().unwrap_or("");
        let f: Vec<u64> = after
            .split_whitespace()
            .map(|x| x.parse().unwrap_or(0))
            .collect();
        // Fields 14 and 15 of the whole line (utime, stime) are 11 and 12 after the name.
        (f.get(11).unwrap_or(&0) + f.get(12).unwrap_or(&0)) as f64 / 100.0
    }

    fn bench(pool_bytes: u64) {
        let n = 1_000_000i64;
        let m = MemBackend::new();
        let pool = pool_over(&m, pool_bytes);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        let keys: Vec<i64> = (0..n).map(|k| k * 17 + 3).collect();
        let timed = |what: &str, f: &mut dyn FnMut()| {
            let (t, c) = (std::time::Instant::now(), cpu_secs());
            f();
            eprintln!(
                "pool {} MiB, 1M {what}: wall {:?}, cpu {:.2}s",
                pool_bytes >> 20,
                t.elapsed(),
                cpu_secs() - c
            );
        };
        timed("INT64 build", &mut || {
            idx.insert_column(&pool, &mut alloc, &int_col(keys.clone()), 0)
                .unwrap()
                .unwrap();
        });
        timed("INT64 lookup", &mut || {
            let got = idx.lookup_column(&pool, &int_col(keys.clone())).unwrap();
            assert!(got.iter().enumerate().all(|(i, o)| *o == Some(i as u64)));
        });
        let skeys: Vec<Vec<u8>> = (0..n)
            .map(|k| format!("person-{k:012}").into_bytes())
            .collect();
        let scol = str_col(&skeys);
        let mut sidx = HashIndex::new(IndexKeyType::String);
        timed("STRING(19 B) build", &mut || {
            sidx.insert_column(&pool, &mut alloc, &scol, 0)
                .unwrap()
                .unwrap();
        });
        timed("STRING(19 B) lookup", &mut || {
            let got = sidx.lookup_column(&pool, &scol).unwrap();
            assert!(got.iter().enumerate().all(|(i, o)| *o == Some(i as u64)));
        });
        let lkeys: Vec<Vec<u8>> = (0..n)
            .map(|k| format!("a-long-person-name-{k:012}").into_bytes())
            .collect();
        let lcol = str_col(&lkeys);
        let mut lidx = HashIndex::new(IndexKeyType::String);
        timed("STRING(31 B, spilled) build", &mut || {
            lidx.insert_column(&pool, &mut alloc, &lcol, 0)
                .unwrap()
                .unwrap();
        });
        timed("STRING(31 B, spilled) lookup", &mut || {
            let got = lidx.lookup_column(&pool, &lcol).unwrap();
            assert!(got.iter().enumerate().all(|(i, o)| *o == Some(i as u64)));
        });
    }

    // ---- The benchmark of the copy-on-write change (same source before and after; only the
    // ---- three adapters below differ).

    fn bench_build(
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        kt: IndexKeyType,
        cols: &[Column],
    ) -> HashIndex {
        let mut idx = HashIndex::new(kt);
        let mut first = 0u64;
        for c in cols {
            idx.insert_column(pool, alloc, c, first).unwrap().unwrap();
            first += c.len() as u64;
        }
        idx
    }

    /// A COPY of `col` into the table whose committed index is `idx`: the index it would commit
    /// and the pages it replaces.
    fn bench_copy(
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        idx: &HashIndex,
        col: &Column,
    ) -> (HashIndex, usize) {
        let mut new = idx.copy_to_new_pages(pool, alloc).unwrap();
        new.insert_column(pool, alloc, col, idx.len())
            .unwrap()
            .unwrap();
        let old = idx.pages(pool).unwrap().len();
        (new, old)
    }

    fn bench_lookup(pool: &BufferPool, idx: &HashIndex, key: IndexKey) -> Option<u64> {
        idx.lookup(pool, key).unwrap()
    }

    /// 2M INT64 keys and 1M STRING keys (19 bytes, inline; 31 bytes, spilled to string pages)
    /// through a 16 MiB pool: built in batches of 125k as the loader does, looked up in
    /// batches (rel endpoints) and one by one (point queries), then a COPY of 10k keys into
    /// the populated index. One line per measurement: wall and CPU seconds.
    /// `cargo test --release --lib index_bench_16mib -- --ignored --nocapture --test-threads 1`
    #[test]
    #[ignore]
    fn index_bench_16mib() {
        let m = MemBackend::new();
        let pool = pool_over(&m, 16 << 20);
        let mut alloc = PageAllocator::new(1);
        let timed = |what: &str, f: &mut dyn FnMut()| {
            let (t, c) = (std::time::Instant::now(), cpu_secs());
            f();
            eprintln!(
                "BENCH {what:<40} wall {:>8.3}s cpu {:>7.2}s",
                t.elapsed().as_secs_f64(),
                cpu_secs() - c
            );
        };
        let batches = |n: usize, col: &dyn Fn(std::ops::Range<usize>) -> Column| -> Vec<Column> {
            (0..n)
                .step_by(125_000)
                .map(|s| col(s..(s + 125_000).min(n)))
                .collect()
        };
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        // INT64.
        let n = 2_000_000usize;
        let ikey = |k: usize| (k as i64).wrapping_mul(0x5851_F42D_4C95_7F2D) >> 3;
        let icols = batches(n, &|r| int_col(r.map(ikey).collect()));
        let mut idx = HashIndex::new(IndexKeyType::Int64);
        timed("INT64 2M build", &mut || {
            idx = bench_build(&pool, &mut alloc, IndexKeyType::Int64, &icols);
        });
        timed("INT64 2M lookup_column", &mut || {
            let mut first = 0u64;
            for c in &icols {
                let got = idx.lookup_column(&pool, c).unwrap();
                assert!(got.iter().zip(first..).all(|(o, i)| *o == Some(i)));
                first += c.len() as u64;
            }
        });
        let probes: Vec<usize> = (0..400_000).map(|_| next() as usize % (2 * n)).collect();
        timed("INT64 400k point lookups (half absent)", &mut || {
            for &k in &probes {
                let got = bench_lookup(&pool, &idx, IndexKey::Int64(ikey(k)));
                assert_eq!(got, (k < n).then_some(k as u64));
            }
        });
        for extra in [100, 10_000] {
            let col = int_col((n..n + extra).map(ikey).collect());
            timed(&format!("INT64 COPY {extra} into 2M"), &mut || {
                let (new, replaced) = bench_copy(&pool, &mut alloc, &idx, &col);
                assert_eq!(new.len(), (n + extra) as u64);
                eprintln!("BENCH   pages replaced: {replaced}");
            });
        }
        // STRING, inline and spilled.
        for (what, fmt) in [
            ("STRING(19 B)", "person-" as &str),
            ("STRING(31 B)", "a-long-person-name-"),
        ] {
            let n = 1_000_000usize;
            let skey = |k: usize| format!("{fmt}{k:012}").into_bytes();
            let scols = batches(n, &|r| str_col(&r.map(skey).collect::<Vec<_>>()));
            let mut idx = HashIndex::new(IndexKeyType::String);
            timed(&format!("{what} 1M build"), &mut || {
                idx = bench_build(&pool, &mut alloc, IndexKeyType::String, &scols);
            });
            timed(&format!("{what} 1M lookup_column"), &mut || {
                let mut first = 0u64;
                for c in &scols {
                    let got = idx.lookup_column(&pool, c).unwrap();
                    assert!(got.iter().zip(first..).all(|(o, i)| *o == Some(i)));
                    first += c.len() as u64;
                }
            });
            let probes: Vec<(usize, Vec<u8>)> = (0..200_000)
                .map(|_| {
                    let k = next() as usize % (2 * n);
                    (k, skey(k))
                })
                .collect();
            timed(&format!("{what} 200k point lookups"), &mut || {
                for (k, b) in &probes {
                    let got = bench_lookup(&pool, &idx, IndexKey::String(b));
                    assert_eq!(got, (*k < n).then_some(*k as u64));
                }
            });
            for extra in [100, 10_000] {
                let col = str_col(&(n..n + extra).map(skey).collect::<Vec<_>>());
                timed(&format!("{what} COPY {extra} into 1M"), &mut || {
                    let (new, replaced) = bench_copy(&pool, &mut alloc, &idx, &col);
                    assert_eq!(new.len(), (n + extra) as u64);
                    eprintln!("BENCH   pages replaced: {replaced}");
                });
            }
        }
    }

    /// `cargo test --release --lib storage::index -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn bulk_one_million_keys() {
        bench(1 << 20);
        bench(256 << 20);
    }
}

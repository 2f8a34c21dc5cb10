//! The persistent primary-key hash index: primary key → node offset (u64).
//!
//! Owns: `HashIndex` (a linear hash table whose every page lives in the buffer pool),
//! `WriteSession` (the only way to change one: copy on write at page granularity), its key
//! kinds (`IndexKeyType`, `IndexKey`), the key hashes, bulk insert/lookup of whole columns for
//! the loader, and the on-disk layout of index pages (below; docs/FORMAT.md repeats it).
//! Must not: free pages (the caller frees what `WriteSession::finish` reports, with its
//! commit), or keep per-key or per-page state in memory.
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
//! ## Copy on write: three logical page arrays behind page tables
//!
//! Checkpoints are copy-on-write: a change must go to fresh pages while readers of the
//! committed index keep reading its pages, and it should cost the pages it touches, not the
//! size of the index. Pages therefore point at each other only by *logical* numbers: the index
//! has three page arrays (primary-slot pages by ordinal, overflow-slot pages and string pages in
//! allocation order), and each array maps logical page → physical page through its own page
//! table, a radix tree of 4 KiB pages of 509 u64 entries (the root's page number and the
//! array's length are in the metadata; height 1 up to 509 pages = 2 MiB, 2 up to 1 GiB, 3 up
//! to 500 GiB). Overflow-slot addresses, string addresses and the continuation of a string
//! on the next string page are logical, so moving a page to a fresh place changes one
//! page-table entry and nothing else; the chains of page pointers that format 1 kept for the
//! overflow and string pages are gone (the page tables list every page).
//!
//! A `WriteSession` (`HashIndex::begin`) changes the index: on its first write to a page it
//! copies the page to a freshly allocated one and the page-table path above it likewise (a
//! page is copied at most once per session); pages it does not touch stay shared with the
//! committed index. Touching k data pages thus writes k pages plus the page-table pages above
//! them: at most k leaves and, for a million-page index, one root. A page the session wrote is
//! marked by bit 63 of the page-table entry that points at it (and the root by a flag in
//! memory), so the session knows without any per-page memory which pages are its own.
//! `finish` walks only the session's page-table pages: it compares each with the committed
//! page at the same position to list the committed pages replaced (for the caller to free
//! with the commit: they stay readable until then) and clears the marks, so no committed page
//! ever carries one (a reader treats a marked entry outside a session as corruption).
//! `abandon` walks the same pages to list the pages the session allocated.
//!
//! Why a page table, not in-place pointer rewriting (copy the page and fix whatever points at
//! it): an overflow slot or a string is pointed at from slots all over the index, so fixing
//! the pointers would need reverse pointers or a scan. Why a tree, not one flat array in the
//! metadata: the metadata is rewritten at every checkpoint and lives in memory, so a flat table
//! (8 bytes per index page) would make every checkpoint O(index size) again. Primary pages
//! need the table too (a copied page leaves its contiguous extent). A primary page that was
//! never written has entry 0 and reads as empty buckets, so growing the primary array is only
//! a length change; the bulk path creates pages in ordinal order as it fills them.
//!
//! Costs: a lookup resolves its primary page through the table. `Reader` keeps the last leaf
//! of each array pinned, so batch lookups (which visit primary pages in order) pay one pin per
//! leaf of 509 pages; a single lookup pays the tree's height in extra pins (1 or 2). A session
//! remembers the last 8 pages it wrote in each array (`hot`, direct-mapped; a page the session
//! wrote never moves again), so appending to the string tail or the last overflow page, and
//! the two buckets of a split, do not walk the tree. Measured (`index_bench_16mib`, 16 MiB
//! pool, against format 1 in the same run): bulk builds and batch lookups within the noise of
//! this machine, point lookups up to 1.2×, a COPY of 100 keys into 2M 0.001 s instead of
//! 0.35 s (161 pages replaced instead of 14617 copied).
//!
//! Memory: `HashIndex` is small metadata (counters, three roots, and in a session 24 hot
//! pages); a session adds the committed metadata. Everything else is read through the pool; a 64-page pool
//! works for any size. Batch calls use 16 bytes of working memory per key of the batch
//! (hashes and the page order), and `insert_column` one page's entries at a time, not charged
//! to the budget: the caller sizes its batches. `finish` returns the replaced pages (8 bytes
//! each, the list the caller frees).
//!
//! Concurrency: readers of the committed index run in parallel with a session (it never
//! writes their pages). Within a session, writes pin one page at a time, so a corrupt pointer
//! (say, to the page being written) cannot make the thread wait on its own pin.
//!
//! Errors: every count, pointer, page type and page number read from a page is checked (data
//! pages and page-table pages name their array, position and height, so a misdirected pointer
//! is caught); a bad one is `Error::Corrupted { page: Some(p), .. }`. Chain walks are bounded by
//! the number of overflow slots, string walks by the string's length and the string array.
//! The metadata's numbers are checked against the file's length when it is read (`decode`,
//! called by `StorageMeta::decode`), and whole-index walks (`pages`, `for_each`) visit only the
//! pages the page tables list, so their cost is bounded by the file, not by the bucket count.
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
//! # On-disk layout (format 2)
//!
//! All index pages are sealed as `PageKind::Index`. Integers are little-endian. Payload byte 0 is
//! the index page type, byte 1 the key type of the index (1 INT64, 2 UINT64, 3 INT128,
//! 4 STRING).
//!
//! Page-table page (type 4), node j at height h of one array's table:
//! ```text
//!   0  u8   page type = 4          1  u8   key type
//!   2  u8   array: 1 primary-slot, 2 overflow-slot, 3 string pages
//!   3  u8   height h (1 = leaf)    4..8  zero
//!   8  u64  node number j: the node covers logical pages j·509^h .. (j+1)·509^h
//!  16  509 entries u64, entry i at 16 + 8·i: the page number of logical page 509·j + i
//!      (leaf) or of node 509·j + i at height h − 1; 0 = none (a primary-slot page never
//!      written: its buckets are empty; overflow-slot and string pages below the array's
//!      length always exist). Entries past the array's length are 0. Bit 63 is never set in
//!      a committed index (a write session marks the pages it wrote with it until it ends).
//! ```
//! The root is node 0 at height H, the smallest h ≥ 1 with length ≤ 509^h.
//!
//! Primary-slot page (type 1), the buckets `15·k .. 15·k+15` for page ordinal k:
//! ```text
//!   0  u8   page type = 1          1  u8   key type       2..8  zero
//!   8  u64  page ordinal k (its logical number in the primary-slot array)
//!  16  15 slots of 256 bytes; slot i (bucket 15·k+i) at 16 + 256·i; bytes 3856..4088 zero
//! ```
//! Overflow-slot page (type 2): same header, bytes 8..16 its logical number k in the
//! overflow-slot array; 15 slots at 16 + 256·i. Slots are allocated in order from the last
//! page (then from the free-slot list).
//!
//! Slot (256 bytes):
//! ```text
//!   0  u8   number of entries n (≤ capacity); entries are packed at the front
//!   1..8    zero
//!   8  u64  next overflow slot of the bucket: ((k + 1) << 4) | slot index for slot i of
//!           overflow-slot page k, 0 = none (a free slot links the free-slot list the same way)
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
//! String page (type 3): bytes 8..16 its logical number k in the string array; data at
//! 16..4088. A string address is `(k << 12) | byte position` (16 ≤ position < 4088); the whole
//! string is stored from there, continuing at byte 16 of string page k + 1 when a page ends.
//!
//! Metadata (`encode`/`decode`, kept in the storage-metadata blob), 78 bytes:
//! ```text
//!   u8  format = 2      u8 key type     u64 number of keys
//!   u8  level L         u64 next_split s (< 2^L)
//!   u64 primary-slot page table root (0 = none), u64 primary-slot pages P (≥ ⌈(2^L+s)/15⌉
//!       once the index has keys or pages)
//!   u64 overflow-slot page table root, u64 overflow-slot pages O,
//!   u8  slots used in the last overflow-slot page (1..=15; 0 when O = 0),
//!   u64 head of the free-slot list (a slot address, 0 = none)
//!   u64 string page table root, u64 string pages S,
//!   u16 bytes used in the last string page (16..=4088; 0 when S = 0)
//! ```
//! A root is 0 exactly when its array is empty, except that the primary-slot root may be 0 with
//! P > 0 (no primary page written yet).
//!
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

const FORMAT: u8 = 2;
const SLOT_BYTES: usize = 256;
const SLOT_HEADER: usize = 16;
const SLOTS_PER_PAGE: usize = 15;
const PAGE_HEADER: usize = 16;
const TYPE_PRIMARY: u8 = 1;
const TYPE_OVERFLOW: u8 = 2;
const TYPE_STRING: u8 = 3;
const TYPE_TABLE: u8 = 4;
const INLINE_MAX: usize = 20;
const PREFIX: usize = 12;
const MAX_ENTRY: usize = 40;
const MAX_LEVEL: u8 = 56;
/// Entries of a page-table page: (4088 − 16) / 8 = 509.
const FANOUT: u64 = ((PAGE_PAYLOAD - PAGE_HEADER) / 8) as u64;
/// Page-table entry flag: the page it points to was written by the open write session.
const FRESH: u64 = 1 << 63;
/// Page numbers, and the page counts of the arrays, stay below this.
const MAX_PAGES: u64 = 1 << 48;
/// Pages per array a write session remembers (`HashIndex::hot`).
const HOT: usize = 8;

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

/// The three page arrays of an index, each a logical page space behind its own page table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arr {
    /// Primary-slot pages: page k holds the primary slots of buckets 15·k .. 15·k + 15.
    Primary = 0,
    /// Overflow-slot pages, appended one at a time.
    Overflow = 1,
    /// String pages, appended one at a time; a string continues on the next page.
    Strings = 2,
}

impl Arr {
    const ALL: [Arr; 3] = [Arr::Primary, Arr::Overflow, Arr::Strings];

    /// The page type of the array's data pages; page-table pages name their array by it.
    fn page_type(self) -> u8 {
        match self {
            Arr::Primary => TYPE_PRIMARY,
            Arr::Overflow => TYPE_OVERFLOW,
            Arr::Strings => TYPE_STRING,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Arr::Primary => "primary-slot",
            Arr::Overflow => "overflow-slot",
            Arr::Strings => "string",
        }
    }
}

/// A logical page array: pages `0..pages`, found through a page table rooted at `root`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct PageArray {
    /// The root page-table page; 0 while no page of the array exists.
    root: u64,
    /// Number of logical pages.
    pages: u64,
    /// The root was written by the open write session (never set in a committed index).
    root_fresh: bool,
}

/// Height of the page table of an array of `pages` pages: 1 (the root is a leaf) up to 509
/// pages, 2 up to 509², ...; 6 covers every page count below 2^48.
fn height(pages: u64) -> u32 {
    let mut h = 1;
    let mut cap = FANOUT;
    while cap < pages {
        h += 1;
        cap = cap.saturating_mul(FANOUT);
    }
    h
}

/// Logical pages under one page-table page at height `h` (a leaf covers 509).
#[inline]
fn span(h: u32) -> u64 {
    FANOUT.saturating_pow(h)
}

/// The persistent hash index as committed (or as a write session changes it). Holds only
/// small metadata; entries and page tables live in pool pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashIndex {
    key_type: IndexKeyType,
    len: u64,
    level: u8,
    next_split: u64,
    /// Primary-slot, overflow-slot and string pages, indexed by `Arr`.
    arrays: [PageArray; 3],
    /// Slots used in the last overflow-slot page (1..=15 when there is one).
    ovf_used: u64,
    /// Head of the free overflow-slot list (a slot address; 0 = empty).
    free_slot: u64,
    /// Bytes used in the last string page (16..=4088 when there is one).
    str_used: u64,
    /// Write sessions only: per array, pages written lately (logical, physical; physical 0 =
    /// none), direct-mapped by logical number. They are fresh, so their places cannot change
    /// before the session ends: reads and writes of them skip the page table.
    hot: [[(u64, u64); HOT]; 3],
    /// Write sessions only: per array, the page-table leaf the session last wrote through
    /// (node number, page; page 0 = none), so that the next write under it skips the levels
    /// above. It is fresh too: it never moves before the session ends.
    hot_leaf: [(u64, u64); 3],
}

/// A write session over an index: every change goes to pages allocated by the session (a
/// page of the committed index is copied on its first change, at most once), so the
/// committed index it began from stays readable, byte for byte, until the caller frees the
/// pages `finish` reports replaced. Start one with `HashIndex::begin`; end it with `finish`
/// (the new index and the replaced pages) or `abandon` (the pages it allocated).
///
/// After an operation fails with an error the session may be inconsistent: abandon it (and
/// restore the allocator, as `session::write` does: an operation that failed halfway may
/// have allocated pages it had not linked yet).
#[derive(Debug)]
pub struct WriteSession {
    base: HashIndex,
    cur: HashIndex,
}

/// A committed index's old page in a page-table walk that compares it with a session's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Old {
    /// The committed index has this page (page-table page or data page) at the position.
    Page(u64),
    /// It has nothing there.
    Absent,
    /// The position is on the leftmost path above the committed root (the session's table
    /// grew taller): the committed root is further down.
    Above,
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

/// What `HashIndex::lookup_offsets` gives for a key that is absent (no node has offset
/// `u64::MAX`: offsets stay below 2^62).
pub const NOT_FOUND: u64 = u64::MAX;

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

fn corrupt_meta(what: impl Into<String>) -> Error {
    Error::corrupted(None, format!("primary-key index: {}", what.into()))
}

#[inline]
fn slot_range(i: usize) -> std::ops::Range<usize> {
    let s = PAGE_HEADER + i * SLOT_BYTES;
    s..s + SLOT_BYTES
}

/// Byte position of entry `j` in a page-table page.
#[inline]
fn entry_at(j: u64) -> usize {
    PAGE_HEADER + 8 * (j % FANOUT) as usize
}

/// Decodes page-table entry `e` read from page-table page `pt`: the page it points to and
/// whether the open write session wrote it. Only a page the session wrote (`pt_fresh`) may
/// hold such entries; anywhere else the flag is corruption.
#[inline]
fn table_entry(e: u64, pt: u64, pt_fresh: bool) -> Result<Option<(u64, bool)>> {
    if e == 0 {
        return Ok(None);
    }
    let fresh = e & FRESH != 0;
    let p = e & !FRESH;
    if (fresh && !pt_fresh) || p == 0 || p >= MAX_PAGES {
        return Err(corrupt(pt, format!("bad page-table entry {e:#x}")));
    }
    Ok(Some((p, fresh)))
}

/// A page for the session to write. `busy` is a page the caller is reading: a corrupt free
/// list that hands it out is reported rather than deadlocked on.
fn fresh_page(alloc: &mut PageAllocator, busy: u64) -> Result<u64> {
    let p = alloc.allocate(1);
    if p == 0 || p == busy || p >= MAX_PAGES {
        return Err(Error::corrupted(
            Some(p),
            "primary-key index: the allocator handed out a page in use",
        ));
    }
    Ok(p)
}

/// Copies index page `old`, once `check` accepts it, to a fresh page; returns the copy.
fn copy_page(
    pool: &BufferPool,
    alloc: &mut PageAllocator,
    old: u64,
    check: impl FnOnce(&[u8]) -> Result<()>,
) -> Result<u64> {
    let src = pin(pool, old)?;
    check(&src)?;
    let p = fresh_page(alloc, old)?;
    let mut dst = pool.create(p, PageKind::Index)?;
    if dst.len() != src.len() {
        return Err(corrupt(old, "page has no bytes"));
    }
    dst.copy_from_slice(&src);
    Ok(p)
}

/// Points entry `at` of the session's page-table page `pt` at the session's page `page`.
fn set_entry(pool: &BufferPool, pt: u64, at: usize, page: u64) -> Result<()> {
    let mut pg = pin_mut(pool, pt)?;
    wr_u64(&mut pg, at, page | FRESH);
    Ok(())
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
/// Integer keys gathered in the order a bulk lookup visits them (`Rows`: read each from
/// its row).
enum SortedKeys {
    I64(Vec<i64>),
    U64(Vec<u64>),
    Rows,
}

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

/// Reads index pages. Keeps the page-table leaf it used last for each array pinned: batch
/// operations visit pages in order, so most pages are found without walking down from the
/// root. It holds read pins: never keep one alive while the same thread writes index pages.
struct Reader<'p> {
    pool: &'p BufferPool,
    leaves: [Option<Leaf<'p>>; 3],
}

/// A page-table leaf: its node number, whether the open session wrote it, its page (None:
/// the leaf does not exist, so neither do the 509 pages under it).
struct Leaf<'p> {
    node: u64,
    fresh: bool,
    page: Option<PageRef<'p>>,
}

impl<'p> Reader<'p> {
    fn new(pool: &'p BufferPool) -> Self {
        Reader {
            pool,
            leaves: [None, None, None],
        }
    }

    /// Logical page `i` of array `a` of `idx`: its page number and a pin; None if it was
    /// never written (only primary-slot pages may be missing: all their buckets are empty).
    fn page(&mut self, idx: &HashIndex, a: Arr, i: u64) -> Result<Option<(u64, PageRef<'p>)>> {
        if i >= idx.arr(a).pages {
            return Err(corrupt_meta(format!(
                "{} page {i} is past the end of its array",
                a.name()
            )));
        }
        let pool = self.pool;
        if let Some(p) = idx.hot_page(a, i) {
            let pg = pin(pool, p)?;
            idx.check_data(&pg, p, a, i)?;
            return Ok(Some((p, pg)));
        }
        let node = i / FANOUT;
        let cached = &mut self.leaves[a as usize];
        if cached.as_ref().is_none_or(|l| l.node != node) {
            *cached = None;
            *cached = Some(match idx.find_leaf(pool, a, i)? {
                None => Leaf {
                    node,
                    fresh: false,
                    page: None,
                },
                Some((p, fresh)) => {
                    let pg = pin(pool, p)?;
                    idx.check_table(&pg, p, a, 1, node)?;
                    Leaf {
                        node,
                        fresh,
                        page: Some(pg),
                    }
                }
            });
        }
        let Some(Leaf {
            fresh,
            page: Some(leaf),
            ..
        }) = cached.as_ref()
        else {
            return Ok(None);
        };
        let e = rd_u64(leaf, entry_at(i));
        let Some((p, _)) = table_entry(e, leaf.page_no(), *fresh)? else {
            return Ok(None);
        };
        let pg = pin(pool, p)?;
        idx.check_data(&pg, p, a, i)?;
        Ok(Some((p, pg)))
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
            arrays: [PageArray::default(); 3],
            ovf_used: 0,
            free_slot: 0,
            str_used: 0,
            hot: [[(0, 0); HOT]; 3],
            hot_leaf: [(0, 0); 3],
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

    /// Starts a write session over this (committed) index. No I/O: pages are copied as the
    /// session first changes them.
    pub fn begin(&self) -> WriteSession {
        WriteSession {
            base: self.clone(),
            cur: self.clone(),
        }
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
        self.arr(Arr::Primary).pages
    }

    /// Buckets needed so that `len` keys stay under the load factor.
    fn buckets_for(&self, len: u64) -> u64 {
        let per = (self.key_type.capacity() as u64 * 3 / 4).max(1);
        len.div_ceil(per).max(1)
    }

    // -----------------------------------------------------------------------------------------
    // Page tables

    #[inline]
    fn arr(&self, a: Arr) -> &PageArray {
        &self.arrays[a as usize]
    }

    /// The page the open session wrote for logical page `i` of array `a`, if it remembers it.
    #[inline]
    fn hot_page(&self, a: Arr, i: u64) -> Option<u64> {
        let (l, p) = self.hot[a as usize][i as usize % HOT];
        (p != 0 && l == i).then_some(p)
    }

    fn check_data(&self, p: &[u8], page_no: u64, a: Arr, i: u64) -> Result<()> {
        if p.len() != PAGE_PAYLOAD
            || p[0] != a.page_type()
            || p[1] != self.key_type as u8
            || rd_u64(p, 8) != i
        {
            return Err(corrupt(page_no, format!("expected {} page {i}", a.name())));
        }
        Ok(())
    }

    fn check_table(&self, p: &[u8], page_no: u64, a: Arr, h: u32, node: u64) -> Result<()> {
        if p.len() != PAGE_PAYLOAD
            || p[0] != TYPE_TABLE
            || p[1] != self.key_type as u8
            || p[2] != a.page_type()
            || u32::from(p[3]) != h
            || rd_u64(p, 8) != node
        {
            return Err(corrupt(
                page_no,
                format!(
                    "expected page-table page {node} at height {h} of the {} pages",
                    a.name()
                ),
            ));
        }
        Ok(())
    }

    fn init_page(&self, p: &mut [u8], ty: u8, word: u64) {
        p[0] = ty;
        p[1] = self.key_type as u8;
        wr_u64(p, 8, word);
    }

    fn init_table(&self, p: &mut [u8], a: Arr, h: u32, node: u64) {
        p[0] = TYPE_TABLE;
        p[1] = self.key_type as u8;
        p[2] = a.page_type();
        p[3] = h as u8;
        wr_u64(p, 8, node);
    }

    /// The page-table leaf over logical page `i` of array `a` and whether the open session
    /// wrote it; None if it does not exist.
    fn find_leaf(&self, pool: &BufferPool, a: Arr, i: u64) -> Result<Option<(u64, bool)>> {
        let arr = self.arr(a);
        if arr.root == 0 {
            return Ok(None);
        }
        let (mut p, mut fresh) = (arr.root, arr.root_fresh);
        for h in (2..=height(arr.pages)).rev() {
            let e = {
                let pg = pin(pool, p)?;
                self.check_table(&pg, p, a, h, i / span(h))?;
                rd_u64(&pg, entry_at(i / span(h - 1)))
            };
            match table_entry(e, p, fresh)? {
                None => return Ok(None),
                Some((c, f)) => (p, fresh) = (c, f),
            }
        }
        Ok(Some((p, fresh)))
    }

    /// The session's root page-table page of array `a`: copied (or created) on first use.
    fn root_mut(&mut self, pool: &BufferPool, alloc: &mut PageAllocator, a: Arr) -> Result<u64> {
        let arr = *self.arr(a);
        if arr.root_fresh {
            return Ok(arr.root);
        }
        let h = height(arr.pages);
        let p = if arr.root == 0 {
            let p = fresh_page(alloc, 0)?;
            let mut pg = pool.create(p, PageKind::Index)?;
            self.init_table(&mut pg, a, h, 0);
            p
        } else {
            copy_page(pool, alloc, arr.root, |pg| {
                self.check_table(pg, arr.root, a, h, 0)
            })?
        };
        let arr = &mut self.arrays[a as usize];
        arr.root = p;
        arr.root_fresh = true;
        Ok(p)
    }

    /// Logical page `i` of array `a`, pinned for writing. On the session's first write to it
    /// the page and the page-table pages above it are copied to fresh pages (a page that was
    /// never written is created, zeroed, with its header). Every pin is released before the
    /// next is taken, so a corrupt pointer cannot make the thread wait on itself.
    fn page_mut<'p>(
        &mut self,
        pool: &'p BufferPool,
        alloc: &mut PageAllocator,
        a: Arr,
        i: u64,
    ) -> Result<PageMut<'p>> {
        if let Some(p) = self.hot_page(a, i) {
            let pg = pin_mut(pool, p)?;
            self.check_data(&pg, p, a, i)?;
            return Ok(pg);
        }
        let pages = self.arr(a).pages;
        if i >= pages {
            return Err(corrupt_meta(format!(
                "{} page {i} is past the end of its array",
                a.name()
            )));
        }
        let leaf = i / FANOUT;
        let (mut p, top) = match self.hot_leaf[a as usize] {
            (node, lp) if lp != 0 && node == leaf => (lp, 1),
            _ => (self.root_mut(pool, alloc, a)?, height(pages)),
        };
        for h in (1..=top).rev() {
            if h == 1 {
                self.hot_leaf[a as usize] = (leaf, p);
            }
            let at = entry_at(i / span(h - 1));
            let e = {
                let pg = pin(pool, p)?;
                self.check_table(&pg, p, a, h, i / span(h))?;
                rd_u64(&pg, at)
            };
            let child = match table_entry(e, p, true)? {
                Some((c, true)) => c,
                Some((c, false)) => {
                    let copy = if h == 1 {
                        copy_page(pool, alloc, c, |pg| self.check_data(pg, c, a, i))?
                    } else {
                        let node = i / span(h - 1);
                        copy_page(pool, alloc, c, |pg| self.check_table(pg, c, a, h - 1, node))?
                    };
                    set_entry(pool, p, at, copy)?;
                    copy
                }
                None => {
                    let c = fresh_page(alloc, p)?;
                    {
                        let mut pg = pool.create(c, PageKind::Index)?;
                        if h == 1 {
                            self.init_page(&mut pg, a.page_type(), i);
                        } else {
                            self.init_table(&mut pg, a, h - 1, i / span(h - 1));
                        }
                    }
                    set_entry(pool, p, at, c)?;
                    c
                }
            };
            p = child;
        }
        let pg = pin_mut(pool, p)?;
        self.check_data(&pg, p, a, i)?;
        self.hot[a as usize][i as usize % HOT] = (i, p);
        Ok(pg)
    }

    /// Makes array `a` `pages` long. New pages are missing until first written; a taller page
    /// table gets new root pages above the old root.
    fn grow_array(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        a: Arr,
        pages: u64,
    ) -> Result<()> {
        let arr = *self.arr(a);
        if pages <= arr.pages {
            return Ok(());
        }
        if pages >= MAX_PAGES {
            return Err(Error::Runtime("primary-key index too large".into()));
        }
        let (mut root, mut fresh) = (arr.root, arr.root_fresh);
        if root != 0 {
            for h in height(arr.pages) + 1..=height(pages) {
                let p = fresh_page(alloc, 0)?;
                let mut pg = pool.create(p, PageKind::Index)?;
                self.init_table(&mut pg, a, h, 0);
                wr_u64(&mut pg, PAGE_HEADER, root | if fresh { FRESH } else { 0 });
                (root, fresh) = (p, true);
            }
        }
        self.arrays[a as usize] = PageArray {
            root,
            pages,
            root_fresh: fresh,
        };
        Ok(())
    }

    /// The entries of page-table page `p` (height `h`, node `node` of array `a`), copied out.
    fn table_entries(
        &self,
        pool: &BufferPool,
        a: Arr,
        p: u64,
        h: u32,
        node: u64,
    ) -> Result<Vec<u64>> {
        let pg = pin(pool, p)?;
        self.check_table(&pg, p, a, h, node)?;
        Ok((0..FANOUT).map(|j| rd_u64(&pg, entry_at(j))).collect())
    }

    // -----------------------------------------------------------------------------------------
    // Growth

    /// Grows the table so that `target_len` keys fit under the load factor.
    fn grow_to(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        target_len: u64,
    ) -> Result<()> {
        let have = self.num_buckets();
        let want = self.buckets_for(target_len).max(have);
        self.grow_array(
            pool,
            alloc,
            Arr::Primary,
            want.div_ceil(SLOTS_PER_PAGE as u64),
        )?;
        if want == have {
            return Ok(());
        }
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
        let (entries, _) = self.take_bucket(pool, alloc, s)?;
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
        self.write_bucket(pool, alloc, s, &stay)?;
        self.write_bucket(pool, alloc, new_b, &moved)?;
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
        self.arr(Arr::Overflow).pages * SLOTS_PER_PAGE as u64 + 1
    }

    /// Splits overflow-slot address `addr` (`((k + 1) << 4) | slot` for overflow page k) into
    /// page and slot, checking it names an allocated slot. `from`: the page holding it.
    fn slot_addr(&self, addr: u64, from: Option<u64>) -> Result<(u64, usize)> {
        let k = (addr >> 4).wrapping_sub(1);
        let i = (addr & 15) as usize;
        let pages = self.arr(Arr::Overflow).pages;
        if addr >> 4 == 0
            || i >= SLOTS_PER_PAGE
            || k >= pages
            || (k + 1 == pages && i as u64 >= self.ovf_used)
        {
            return Err(Error::corrupted(
                from,
                format!("primary-key index: bad overflow slot address {addr:#x}"),
            ));
        }
        Ok((k, i))
    }

    /// Pins, for reading, the overflow slot at `addr` (read from page `from`).
    fn read_slot<'p>(
        &self,
        rd: &mut Reader<'p>,
        addr: u64,
        from: u64,
    ) -> Result<(u64, PageRef<'p>, usize)> {
        let (k, i) = self.slot_addr(addr, Some(from))?;
        match rd.page(self, Arr::Overflow, k)? {
            Some((p, pg)) => Ok((p, pg, i)),
            None => Err(corrupt(from, format!("overflow-slot page {k} is missing"))),
        }
    }

    /// Pins, for writing, the slot at `addr`, or with `addr` 0 the primary slot of bucket `b`:
    /// the page and the slot's index in it.
    fn slot_mut<'p>(
        &mut self,
        pool: &'p BufferPool,
        alloc: &mut PageAllocator,
        b: u64,
        addr: u64,
    ) -> Result<(PageMut<'p>, usize)> {
        if addr == 0 {
            let spp = SLOTS_PER_PAGE as u64;
            let pg = self.page_mut(pool, alloc, Arr::Primary, b / spp)?;
            Ok((pg, (b % spp) as usize))
        } else {
            let (k, i) = self.slot_addr(addr, None)?;
            Ok((self.page_mut(pool, alloc, Arr::Overflow, k)?, i))
        }
    }

    /// A fresh empty overflow slot (from the free list, else the last page, else a new page).
    fn alloc_slot(&mut self, pool: &BufferPool, alloc: &mut PageAllocator) -> Result<u64> {
        if self.free_slot != 0 {
            let addr = self.free_slot;
            let (k, i) = self.slot_addr(addr, None)?;
            let mut pg = self.page_mut(pool, alloc, Arr::Overflow, k)?;
            let slot = &mut pg[slot_range(i)];
            let next = rd_u64(slot, 8);
            slot.fill(0);
            self.free_slot = next;
            return Ok(addr);
        }
        let pages = self.arr(Arr::Overflow).pages;
        if pages == 0 || self.ovf_used >= SLOTS_PER_PAGE as u64 {
            self.grow_array(pool, alloc, Arr::Overflow, pages + 1)?;
            drop(self.page_mut(pool, alloc, Arr::Overflow, pages)?);
            self.ovf_used = 0;
        }
        let addr = (self.arr(Arr::Overflow).pages << 4) | self.ovf_used;
        self.ovf_used += 1;
        Ok(addr)
    }

    /// Removes every entry of bucket `b`, returned as packed entry bytes with the page that
    /// held its primary slot (0 when empty), and puts its overflow slots on the free list. An
    /// empty bucket is left alone (no page is copied).
    fn take_bucket(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        b: u64,
    ) -> Result<(Vec<u8>, u64)> {
        let e = self.key_type.entry_bytes();
        let cap = self.key_type.capacity();
        let ordinal = b / SLOTS_PER_PAGE as u64;
        let si = (b % SLOTS_PER_PAGE as u64) as usize;
        // An empty bucket costs no copy; a page the session wrote already costs none anyway.
        if self.hot_page(Arr::Primary, ordinal).is_none() {
            let mut rd = Reader::new(pool);
            match rd.page(self, Arr::Primary, ordinal)? {
                None => return Ok((Vec::new(), 0)),
                Some((_, pg)) => {
                    let slot = &pg[slot_range(si)];
                    if slot[0] == 0 && rd_u64(slot, 8) == 0 {
                        return Ok((Vec::new(), 0));
                    }
                }
            }
        }
        let mut out = Vec::new();
        let (mut next, primary) = {
            let mut pg = self.page_mut(pool, alloc, Arr::Primary, ordinal)?;
            let pno = pg.page_no();
            let slot = &mut pg[slot_range(si)];
            let n = slot[0] as usize;
            if n > cap {
                return Err(corrupt(pno, format!("slot holds {n} entries")));
            }
            out.extend_from_slice(&slot[SLOT_HEADER..SLOT_HEADER + n * e]);
            let next = rd_u64(slot, 8);
            slot.fill(0);
            (next, pno)
        };
        let mut from = primary;
        let mut steps = 0;
        while next != 0 {
            steps += 1;
            if steps > self.max_chain() {
                return Err(corrupt(from, "overflow chain loops"));
            }
            let (k, i) = self.slot_addr(next, Some(from))?;
            let mut pg = self.page_mut(pool, alloc, Arr::Overflow, k)?;
            let pno = pg.page_no();
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
        Ok((out, primary))
    }

    /// Writes `entries` into the empty bucket `b` (nothing to do when there are none).
    fn write_bucket(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        b: u64,
        entries: &[u8],
    ) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let e = self.key_type.entry_bytes();
        let cap = self.key_type.capacity();
        let n = entries.len() / e;
        let extra = n.saturating_sub(cap).div_ceil(cap);
        let mut addrs = Vec::with_capacity(extra + 1);
        addrs.push(0);
        for _ in 0..extra {
            addrs.push(self.alloc_slot(pool, alloc)?);
        }
        for (k, c) in entries.chunks(cap * e).enumerate() {
            let next = addrs.get(k + 1).copied().unwrap_or(0);
            let (mut pg, i) = self.slot_mut(pool, alloc, b, addrs[k])?;
            let slot = &mut pg[slot_range(i)];
            slot.fill(0);
            slot[0] = (c.len() / e) as u8;
            wr_u64(slot, 8, next);
            slot[SLOT_HEADER..SLOT_HEADER + c.len()].copy_from_slice(c);
        }
        Ok(())
    }

    /// Appends `entries` (packed, at least one) to bucket `b`: into the last slot of its chain
    /// while it has room (chains are packed: every slot but the last is full), then into new
    /// overflow slots linked after it. `full`: the caller read the bucket's primary slot and
    /// found it full, with this next pointer, read from this page (it is not read again).
    /// Pins one page at a time.
    fn append(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        b: u64,
        entries: &[u8],
        full: Option<(u64, u64)>,
    ) -> Result<()> {
        let e = self.key_type.entry_bytes();
        let cap = self.key_type.capacity();
        // The last slot of the chain (0: the primary slot) and its number of entries.
        let (last, n) = {
            let mut rd = Reader::new(pool);
            let (mut next, mut from, mut n) = match full {
                Some((next, from)) => (next, from, cap),
                None => match rd.page(self, Arr::Primary, b / SLOTS_PER_PAGE as u64)? {
                    None => (0, 0, 0),
                    Some((pno, pg)) => {
                        let slot = &pg[slot_range((b % SLOTS_PER_PAGE as u64) as usize)];
                        (rd_u64(slot, 8), pno, slot[0] as usize)
                    }
                },
            };
            if n > cap {
                return Err(corrupt(from, format!("slot holds {n} entries")));
            }
            let mut last = 0;
            let mut steps = 0;
            while next != 0 {
                steps += 1;
                if steps > self.max_chain() {
                    return Err(corrupt(from, "overflow chain loops"));
                }
                let (opno, opg, i) = self.read_slot(&mut rd, next, from)?;
                let slot = &opg[slot_range(i)];
                n = slot[0] as usize;
                if n > cap {
                    return Err(corrupt(opno, format!("slot holds {n} entries")));
                }
                last = next;
                next = rd_u64(slot, 8);
                from = opno;
            }
            (last, n)
        };
        let mut rest = entries;
        if n < cap {
            let take = ((cap - n) * e).min(rest.len());
            let (mut pg, i) = self.slot_mut(pool, alloc, b, last)?;
            let pno = pg.page_no();
            let slot = &mut pg[slot_range(i)];
            if slot[0] as usize != n || rd_u64(slot, 8) != 0 {
                return Err(corrupt(pno, "overflow chain changed while appending"));
            }
            slot[SLOT_HEADER + n * e..SLOT_HEADER + n * e + take].copy_from_slice(&rest[..take]);
            slot[0] += (take / e) as u8;
            rest = &rest[take..];
        }
        if rest.is_empty() {
            return Ok(());
        }
        let mut addrs = Vec::with_capacity(rest.len().div_ceil(cap * e));
        for _ in 0..rest.len().div_ceil(cap * e) {
            addrs.push(self.alloc_slot(pool, alloc)?);
        }
        for (k, c) in rest.chunks(cap * e).enumerate() {
            let next = addrs.get(k + 1).copied().unwrap_or(0);
            let (mut pg, i) = self.slot_mut(pool, alloc, b, addrs[k])?;
            let slot = &mut pg[slot_range(i)];
            slot.fill(0);
            slot[0] = (c.len() / e) as u8;
            wr_u64(slot, 8, next);
            slot[SLOT_HEADER..SLOT_HEADER + c.len()].copy_from_slice(c);
        }
        let (mut pg, i) = self.slot_mut(pool, alloc, b, last)?;
        wr_u64(&mut pg[slot_range(i)], 8, addrs[0]);
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // String bytes

    fn new_string_page(&mut self, pool: &BufferPool, alloc: &mut PageAllocator) -> Result<()> {
        let k = self.arr(Arr::Strings).pages;
        self.grow_array(pool, alloc, Arr::Strings, k + 1)?;
        drop(self.page_mut(pool, alloc, Arr::Strings, k)?);
        self.str_used = PAGE_HEADER as u64;
        Ok(())
    }

    fn write_string(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        s: &[u8],
    ) -> Result<u64> {
        if self.arr(Arr::Strings).pages == 0 || self.str_used >= PAGE_PAYLOAD as u64 {
            self.new_string_page(pool, alloc)?;
        }
        let addr = ((self.arr(Arr::Strings).pages - 1) << 12) | self.str_used;
        let mut rem = s;
        loop {
            let k = self.arr(Arr::Strings).pages - 1;
            let used = self.str_used as usize;
            let n = (PAGE_PAYLOAD - used).min(rem.len());
            {
                let mut pg = self.page_mut(pool, alloc, Arr::Strings, k)?;
                pg[used..used + n].copy_from_slice(&rem[..n]);
            }
            self.str_used += n as u64;
            rem = &rem[n..];
            if rem.is_empty() {
                return Ok(addr);
            }
            self.new_string_page(pool, alloc)?;
        }
    }

    /// Walks the `len` bytes of the string at `addr` (`(k << 12) | position` for string page
    /// k), handing each piece to `f` until it says stop (false). `from` is the page holding
    /// the address.
    fn walk_string(
        &self,
        rd: &mut Reader<'_>,
        addr: u64,
        len: usize,
        from: u64,
        mut f: impl FnMut(&[u8]) -> bool,
    ) -> Result<()> {
        let pages = self.arr(Arr::Strings).pages;
        let mut k = addr >> 12;
        let mut off = (addr & 0xfff) as usize;
        if k >= pages || !(PAGE_HEADER..PAGE_PAYLOAD).contains(&off) {
            return Err(corrupt(from, format!("bad string address {addr:#x}")));
        }
        let mut rem = len;
        while rem > 0 {
            let Some((p, pg)) = rd.page(self, Arr::Strings, k)? else {
                return Err(corrupt(from, format!("string page {k} is missing")));
            };
            let end = if k + 1 == pages {
                self.str_used as usize
            } else {
                PAGE_PAYLOAD
            };
            let n = (PAGE_PAYLOAD - off).min(rem);
            if off + n > end {
                return Err(corrupt(p, "string runs past the written bytes"));
            }
            if !f(&pg[off..off + n]) {
                return Ok(());
            }
            rem -= n;
            if rem > 0 {
                k += 1;
                if k >= pages {
                    return Err(corrupt(p, "string runs past the last string page"));
                }
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
        rd: &mut Reader<'_>,
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
                    self.walk_string(rd, rd_u64(ent, 32), s.len(), pno, |piece| {
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
        rd: &mut Reader<'_>,
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
        let ents = &slot[SLOT_HEADER..SLOT_HEADER + n * e];
        // Integer keys: a plain comparison of each entry's first 8 bytes.
        if let IndexKey::Int64(_) | IndexKey::UInt64(_) = key {
            let k = match key {
                IndexKey::Int64(k) => k as u64,
                IndexKey::UInt64(k) => k,
                _ => 0,
            };
            return Ok(match ents.chunks_exact(e).find(|ent| rd_u64(ent, 0) == k) {
                Some(ent) => (Some(rd_u64(ent, oat)), 0),
                None => (None, rd_u64(slot, 8)),
            });
        }
        for ent in ents.chunks_exact(e) {
            if self.entry_matches(rd, ent, key, h, pno)? {
                return Ok((Some(rd_u64(ent, oat)), 0));
            }
        }
        Ok((None, rd_u64(slot, 8)))
    }

    /// Looks `key` up in the bucket whose primary slot is slot `si` of primary page `pg`.
    fn find(
        &self,
        rd: &mut Reader<'_>,
        pg: &[u8],
        pno: u64,
        si: usize,
        key: IndexKey,
        h: u64,
    ) -> Result<Option<u64>> {
        let (found, mut next) = self.scan_slot(rd, &pg[slot_range(si)], pno, key, h)?;
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
            let (opno, opg, i) = self.read_slot(rd, next, from)?;
            let (found, nx) = self.scan_slot(rd, &opg[slot_range(i)], opno, key, h)?;
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
        let mut rd = Reader::new(pool);
        match rd.page(self, Arr::Primary, b / SLOTS_PER_PAGE as u64)? {
            None => Ok(None),
            Some((pno, pg)) => self.find(
                &mut rd,
                &pg,
                pno,
                (b % SLOTS_PER_PAGE as u64) as usize,
                key,
                h,
            ),
        }
    }

    /// Inserts; if the key exists returns `Ok(Some(existing_offset))` and inserts nothing.
    fn insert(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        key: IndexKey,
        offset: u64,
    ) -> Result<Option<u64>> {
        if let Some(o) = self.lookup(pool, key)? {
            return Ok(Some(o));
        }
        self.grow_to(pool, alloc, self.len + 1)?;
        let h = hash_key(key);
        let mut buf = [0u8; MAX_ENTRY];
        let e = self.make_entry(pool, alloc, key, h, offset, &mut buf)?;
        self.append(pool, alloc, self.bucket(h), &buf[..e], None)?;
        self.len += 1;
        Ok(None)
    }

    /// Removes `key`; false if it was not present.
    fn delete(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        key: IndexKey,
    ) -> Result<bool> {
        if self.lookup(pool, key)?.is_none() {
            return Ok(false);
        }
        let h = hash_key(key);
        let b = self.bucket(h);
        let e = self.key_type.entry_bytes();
        let (entries, pno) = self.take_bucket(pool, alloc, b)?;
        let mut keep = Vec::with_capacity(entries.len());
        let mut removed = false;
        {
            let mut rd = Reader::new(pool);
            for ent in entries.chunks_exact(e) {
                if !removed && self.entry_matches(&mut rd, ent, key, h, pno)? {
                    removed = true;
                } else {
                    keep.extend_from_slice(ent);
                }
            }
        }
        // The freed chain slots are enough for the remaining entries.
        self.write_bucket(pool, alloc, b, &keep)?;
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
        Ok(self
            .lookup_offsets(pool, keys)?
            .into_iter()
            .map(|o| (o != NOT_FOUND).then_some(o))
            .collect())
    }

    /// As `lookup_column`, 8 bytes a key: `NOT_FOUND` for absent keys and NULL rows.
    pub fn lookup_offsets(&self, pool: &BufferPool, keys: &Column) -> Result<Vec<u64>> {
        let (rows, n) = KeyRows::new(keys, self.key_type)?;
        let mut out = vec![NOT_FOUND; n];
        if n == 0 || self.len == 0 {
            return Ok(out);
        }
        if n > u32::MAX as usize {
            return Err(Error::Runtime("key batch too large".into()));
        }
        let hashes = rows.hashes(n);
        let order = self.order_by_page(&hashes, keys);
        // Hashes and integer keys in page order: the loop below then reads them in sequence
        // instead of missing the cache on every row of a large batch (a gather like this one
        // overlaps its misses; the lookup loop could not).
        let hashes: Vec<u64> = order.iter().map(|&r| hashes[r as usize]).collect();
        let sorted = match rows {
            KeyRows::I64(v) => SortedKeys::I64(order.iter().map(|&r| v[r as usize]).collect()),
            KeyRows::U64(v) => SortedKeys::U64(order.iter().map(|&r| v[r as usize]).collect()),
            _ => SortedKeys::Rows,
        };
        let spp = SLOTS_PER_PAGE as u64;
        let chunk = 16384;
        let run = |(c, part): (usize, &[u32])| -> Result<Vec<u64>> {
            let mut rd = Reader::new(pool);
            let mut res = Vec::with_capacity(part.len());
            let mut cur: Option<(u64, Option<(u64, PageRef<'_>)>)> = None;
            for (j, &r) in part.iter().enumerate() {
                let k = c * chunk + j;
                let h = hashes[k];
                let key = match &sorted {
                    SortedKeys::I64(v) => IndexKey::Int64(v[k]),
                    SortedKeys::U64(v) => IndexKey::UInt64(v[k]),
                    SortedKeys::Rows => rows.get(r as usize),
                };
                let b = self.bucket(h);
                let ordinal = b / spp;
                if cur.as_ref().map(|c| c.0) != Some(ordinal) {
                    drop(cur.take());
                    cur = Some((ordinal, rd.page(self, Arr::Primary, ordinal)?));
                }
                let found = match cur.as_ref().and_then(|c| c.1.as_ref()) {
                    None => None,
                    Some((pno, pg)) => self.find(&mut rd, pg, *pno, (b % spp) as usize, key, h)?,
                };
                res.push(found.unwrap_or(NOT_FOUND));
            }
            Ok(res)
        };
        // Each worker pins up to 6 pages at once (3 page-table leaves, a primary-slot,
        // an overflow-slot and a string page); stay sequential when the pool is small.
        let frames = pool.memory().budget() / PAGE_SIZE as u64;
        let parallel = order.len() > chunk && frames >= 16 * rayon::current_num_threads() as u64;
        let results: Vec<Vec<u64>> = if parallel {
            order
                .par_chunks(chunk)
                .enumerate()
                .map(run)
                .collect::<Result<_>>()?
        } else {
            order
                .chunks(chunk)
                .enumerate()
                .map(run)
                .collect::<Result<_>>()?
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
    fn insert_column(
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
        // Grow first, so buckets stay fixed below.
        self.grow_to(pool, alloc, self.len + n as u64)?;
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
        {
            let mut rd = Reader::new(pool);
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
                    cur = Some((ordinal, rd.page(self, Arr::Primary, ordinal)?));
                }
                if let Some((pno, pg)) = cur.as_ref().and_then(|c| c.1.as_ref()) {
                    if let Some(o) = self.find(&mut rd, pg, *pno, (b % spp) as usize, key, h)? {
                        note(r, o);
                    }
                }
            }
        }
        if let Some(d) = dup {
            return Ok(Err(d));
        }
        // Phase 2, page by page: build the page's entries (long strings go to string pages),
        // place them in their primary slots under one pin of the page, then append those whose
        // primary slot is full to overflow slots, bucket by bucket. Entries of a bucket are
        // adjacent (the order is by bucket), so the spilled ones of a bucket form one run
        // (first entry, end, the bucket's chain pointer and page, its slot in the page).
        let e = self.key_type.entry_bytes();
        let cap = self.key_type.capacity();
        let mut buf = [0u8; MAX_ENTRY];
        let mut ents: Vec<u8> = Vec::new();
        let mut spill: Vec<(usize, usize, u64, u64, usize)> = Vec::new();
        let mut k = 0;
        while k < order.len() {
            let ordinal = self.bucket(hashes[order[k] as usize]) / spp;
            let mut end = k;
            ents.clear();
            while end < order.len() {
                let r = order[end] as usize;
                let h = hashes[r];
                if self.bucket(h) / spp != ordinal {
                    break;
                }
                let len = self.make_entry(
                    pool,
                    alloc,
                    rows.get(r),
                    h,
                    first_offset + r as u64,
                    &mut buf,
                )?;
                ents.extend_from_slice(&buf[..len]);
                end += 1;
            }
            spill.clear();
            {
                let mut pg = self.page_mut(pool, alloc, Arr::Primary, ordinal)?;
                let pno = pg.page_no();
                for (j, ent) in ents.chunks_exact(e).enumerate() {
                    let si = (self.bucket(hashes[order[k + j] as usize]) % spp) as usize;
                    let slot = &mut pg[slot_range(si)];
                    let n = slot[0] as usize;
                    if n > cap {
                        return Err(corrupt(pno, format!("slot holds {n} entries")));
                    }
                    if n < cap {
                        slot[SLOT_HEADER + n * e..SLOT_HEADER + (n + 1) * e].copy_from_slice(ent);
                        slot[0] += 1;
                        self.len += 1;
                    } else {
                        match spill.last_mut() {
                            Some(run) if run.1 == j && run.4 == si => run.1 += 1,
                            _ => spill.push((j, j + 1, rd_u64(slot, 8), pno, si)),
                        }
                    }
                }
            }
            for &(start, end, next, from, _) in &spill {
                let b = self.bucket(hashes[order[k + start] as usize]);
                self.append(
                    pool,
                    alloc,
                    b,
                    &ents[start * e..end * e],
                    Some((next, from)),
                )?;
                self.len += (end - start) as u64;
            }
            k = end;
        }
        Ok(Ok(()))
    }

    // -----------------------------------------------------------------------------------------
    // Whole-index walks (`ruzu check`)

    /// Every page the index owns: page-table pages and the pages they point to.
    pub fn pages(&self, pool: &BufferPool) -> Result<Vec<u64>> {
        let mut out = Vec::new();
        for a in Arr::ALL {
            let arr = self.arr(a);
            if arr.root != 0 {
                self.walk_table(
                    pool,
                    a,
                    arr.root,
                    arr.root_fresh,
                    height(arr.pages),
                    0,
                    &mut out,
                )?;
            }
        }
        Ok(out)
    }

    /// Lists page-table page `p` (height `h`, node `node` of array `a`) and every page under
    /// it, checking that no entry points past the array and that no overflow-slot or string
    /// page is missing.
    #[allow(clippy::too_many_arguments)]
    fn walk_table(
        &self,
        pool: &BufferPool,
        a: Arr,
        p: u64,
        fresh: bool,
        h: u32,
        node: u64,
        out: &mut Vec<u64>,
    ) -> Result<()> {
        out.push(p);
        let pages = self.arr(a).pages;
        let entries = self.table_entries(pool, a, p, h, node)?;
        for (j, &e) in (0u64..).zip(&entries) {
            let child = node * FANOUT + j;
            let first = child * span(h - 1);
            match table_entry(e, p, fresh)? {
                None if a != Arr::Primary && first < pages => {
                    return Err(corrupt(p, format!("{} page {first} is missing", a.name())));
                }
                None => {}
                Some(_) if first >= pages => {
                    return Err(corrupt(p, "page-table entry past the end of its array"));
                }
                Some((c, _)) if h == 1 => out.push(c),
                Some((c, cf)) => self.walk_table(pool, a, c, cf, h - 1, child, out)?,
            }
        }
        Ok(())
    }

    /// Calls `f` with the logical number of every page of array `a` that exists, in order,
    /// walking only the page-table pages there are (no pin is held while `f` runs).
    fn walk_present(
        &self,
        pool: &BufferPool,
        a: Arr,
        f: &mut dyn FnMut(u64) -> Result<()>,
    ) -> Result<()> {
        let arr = self.arr(a);
        if arr.root == 0 {
            return Ok(());
        }
        self.walk_present_under(pool, a, arr.root, arr.root_fresh, height(arr.pages), 0, f)
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_present_under(
        &self,
        pool: &BufferPool,
        a: Arr,
        p: u64,
        fresh: bool,
        h: u32,
        node: u64,
        f: &mut dyn FnMut(u64) -> Result<()>,
    ) -> Result<()> {
        let pages = self.arr(a).pages;
        let entries = self.table_entries(pool, a, p, h, node)?;
        for (j, &e) in (0u64..).zip(&entries) {
            let child = node * FANOUT + j;
            if child * span(h - 1) >= pages {
                break;
            }
            match table_entry(e, p, fresh)? {
                None => {}
                Some(_) if h == 1 => f(child)?,
                Some((c, cf)) => self.walk_present_under(pool, a, c, cf, h - 1, child, f)?,
            }
        }
        Ok(())
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
        let mut rd = Reader::new(pool);
        // Only the primary-slot pages that exist: a page never written has empty buckets, and
        // the page-table walk costs the pages the table has, not the bucket count (which
        // metadata may make as large as 2^57).
        let mut visit = |ordinal: u64| -> Result<()> {
            let Some((ppno, ppg)) = rd.page(self, Arr::Primary, ordinal)? else {
                return Ok(());
            };
            let first = ordinal * spp;
            let slots: Vec<Vec<u8>> = (0..spp)
                .take_while(|i| first + i < nb)
                .map(|i| ppg[slot_range(i as usize)].to_vec())
                .collect();
            drop(ppg);
            for (b, slot) in (first..).zip(slots) {
                let mut slot_bytes = slot;
                let mut pno = ppno;
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
                                    self.walk_string(
                                        &mut rd,
                                        rd_u64(ent, 32),
                                        len,
                                        pno,
                                        |piece| {
                                            sbuf.extend_from_slice(piece);
                                            true
                                        },
                                    )?;
                                    if sbuf[..PREFIX] != ent[20..20 + PREFIX]
                                        || hash_bytes(&sbuf) != rd_u64(ent, 8)
                                    {
                                        return Err(corrupt(
                                            pno,
                                            "string key does not match its hash",
                                        ));
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
                    let (opno, opg, i) = self.read_slot(&mut rd, next, pno)?;
                    slot_bytes = opg[slot_range(i)].to_vec();
                    pno = opno;
                }
            }
            Ok(())
        };
        self.walk_present(pool, Arr::Primary, &mut visit)?;
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

    // -----------------------------------------------------------------------------------------
    // Ending a write session

    /// Adds to `out` the pages of `base` (the committed index the session began from) that
    /// the session replaced in array `a`: every committed page at a position where the
    /// session's page table points at a page it wrote. Reads only.
    fn replaced_pages(
        &self,
        pool: &BufferPool,
        base: &HashIndex,
        a: Arr,
        out: &mut Vec<u64>,
    ) -> Result<()> {
        let (new, old) = (self.arr(a), base.arr(a));
        if !new.root_fresh {
            if new.root != old.root {
                return Err(corrupt_meta(
                    "a write session moved a root it did not write",
                ));
            }
            return Ok(());
        }
        let (hn, ho) = (height(new.pages), height(old.pages));
        let start = if old.root == 0 {
            Old::Absent
        } else if hn == ho {
            Old::Page(old.root)
        } else {
            Old::Above
        };
        self.replaced_under(pool, base, a, new.root, hn, 0, start, out)
    }

    /// `replaced_pages` under the session's page-table page `p` (height `h`, node `node`), whose
    /// committed counterpart is `old`.
    #[allow(clippy::too_many_arguments)]
    fn replaced_under(
        &self,
        pool: &BufferPool,
        base: &HashIndex,
        a: Arr,
        p: u64,
        h: u32,
        node: u64,
        old: Old,
        out: &mut Vec<u64>,
    ) -> Result<()> {
        let old_root = base.arr(a).root;
        let old_height = height(base.arr(a).pages);
        let new_entries = self.table_entries(pool, a, p, h, node)?;
        let old_entries = match old {
            Old::Page(q) => {
                out.push(q);
                Some((q, base.table_entries(pool, a, q, h, node)?))
            }
            _ => None,
        };
        for (j, &e) in (0u64..).zip(&new_entries) {
            let child_old = match (&old_entries, old) {
                (Some((q, oe)), _) => match table_entry(oe[j as usize], *q, false)? {
                    Some((c, _)) => Old::Page(c),
                    None => Old::Absent,
                },
                (None, Old::Above) if j == 0 && h - 1 == old_height => {
                    if old_root == 0 {
                        Old::Absent
                    } else {
                        Old::Page(old_root)
                    }
                }
                (None, Old::Above) if j == 0 => Old::Above,
                _ => Old::Absent,
            };
            match (table_entry(e, p, true)?, child_old) {
                (None, Old::Page(_)) => {
                    return Err(corrupt(p, "a write session dropped a committed page"));
                }
                (None, _) => {}
                (Some((c, false)), Old::Page(q)) if c == q => {}
                (Some((_, false)), _) => {
                    return Err(corrupt(p, "page-table entry is not the committed one"));
                }
                (Some((_, true)), Old::Page(q)) if h == 1 => out.push(q),
                (Some((_, true)), _) if h == 1 => {}
                (Some((c, true)), child_old) => {
                    self.replaced_under(pool, base, a, c, h - 1, node * FANOUT + j, child_old, out)?
                }
            }
        }
        Ok(())
    }

    /// Calls `f` for every page of array `a` the open session wrote (page-table pages first,
    /// then the pages under them); with `clear`, also clears their `FRESH` flags.
    fn session_pages(
        &mut self,
        pool: &BufferPool,
        a: Arr,
        clear: bool,
        f: &mut dyn FnMut(u64),
    ) -> Result<()> {
        let arr = *self.arr(a);
        if !arr.root_fresh {
            return Ok(());
        }
        self.session_pages_under(pool, a, arr.root, height(arr.pages), 0, clear, f)?;
        if clear {
            self.arrays[a as usize].root_fresh = false;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn session_pages_under(
        &self,
        pool: &BufferPool,
        a: Arr,
        p: u64,
        h: u32,
        node: u64,
        clear: bool,
        f: &mut dyn FnMut(u64),
    ) -> Result<()> {
        f(p);
        let entries = if clear {
            let mut pg = pin_mut(pool, p)?;
            self.check_table(&pg, p, a, h, node)?;
            let entries: Vec<u64> = (0..FANOUT).map(|j| rd_u64(&pg, entry_at(j))).collect();
            for (j, &e) in (0u64..).zip(&entries) {
                if e & FRESH != 0 {
                    wr_u64(&mut pg, entry_at(j), e & !FRESH);
                }
            }
            entries
        } else {
            self.table_entries(pool, a, p, h, node)?
        };
        for (j, &e) in (0u64..).zip(&entries) {
            match table_entry(e, p, true)? {
                Some((c, true)) if h == 1 => f(c),
                Some((c, true)) => {
                    self.session_pages_under(pool, a, c, h - 1, node * FANOUT + j, clear, f)?
                }
                _ => {}
            }
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Metadata

    pub fn encode(&self, e: &mut Encoder) {
        let [p, o, s] = &self.arrays;
        e.u8(FORMAT);
        e.u8(self.key_type as u8);
        e.u64(self.len);
        e.u8(self.level);
        e.u64(self.next_split);
        e.u64(p.root);
        e.u64(p.pages);
        e.u64(o.root);
        e.u64(o.pages);
        e.u8(self.ovf_used as u8);
        e.u64(self.free_slot);
        e.u64(s.root);
        e.u64(s.pages);
        e.u16(self.str_used as u16);
    }

    /// Decodes metadata held in memory: encoded by this process, or read from the file by
    /// `StorageMeta::decode`, which checked it against the file's length with `decode`. The
    /// checks that need no file length still apply.
    pub fn decode_held(bytes: &[u8]) -> Result<Self> {
        Self::decode(&mut Decoder::new(bytes, "primary-key index"), u64::MAX)
    }

    /// Decodes metadata written by `encode`, read from a file of `file_pages` pages (pass
    /// the allocator's end for metadata this process wrote). Every number is checked, in
    /// checked arithmetic, before anything is sized or walked by it, so hostile metadata is
    /// an error, never a panic, a huge allocation or an endless walk:
    ///
    /// * the geometry: `L ≤ 56`, `s < 2^L`, and at least `⌈(2^L + s) / 15⌉` primary-slot
    ///   pages once the index has keys or pages;
    /// * every page-table root is 0 (an empty array) or a page of the file (1..file_pages);
    /// * the overflow-slot and string arrays (whose pages all exist) together have fewer
    ///   pages than the file; the primary-slot array may be longer than the file (a page
    ///   never written does not exist), but below 2^48 pages;
    /// * the key count is at most what the file's pages can hold (15 slots × capacity per
    ///   page), and at most what the table's slots can hold;
    /// * the table has at least the buckets its keys need under the load factor (inserts
    ///   keep it so), so an insert splits at most as many buckets as it adds keys.
    pub fn decode(d: &mut Decoder, file_pages: u64) -> Result<Self> {
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
        let in_file = |root: u64| root == 0 || root < file_pages.min(MAX_PAGES);
        let array = |d: &mut Decoder, missing_ok: bool| -> Result<PageArray> {
            let root = d.u64()?;
            let pages = d.u64()?;
            if !in_file(root)
                || pages >= MAX_PAGES
                || (pages == 0 && root != 0)
                || (pages > 0 && root == 0 && !missing_ok)
            {
                return Err(d.bad("bad primary-key index page table"));
            }
            Ok(PageArray {
                root,
                pages,
                root_fresh: false,
            })
        };
        let primary = array(d, true)?;
        let overflow = array(d, false)?;
        let ovf_used = u64::from(d.u8()?);
        let free_slot = d.u64()?;
        let strings = array(d, false)?;
        let str_used = u64::from(d.u16()?);
        let buckets = (1u64 << level) + next_split;
        if (primary.pages > 0 || len > 0) && primary.pages < buckets.div_ceil(SLOTS_PER_PAGE as u64)
        {
            return Err(d.bad("primary-key index has fewer pages than buckets"));
        }
        let ovf_ok = if overflow.pages == 0 {
            ovf_used == 0 && free_slot == 0
        } else {
            (1..=SLOTS_PER_PAGE as u64).contains(&ovf_used)
        };
        let str_ok = if strings.pages == 0 {
            str_used == 0
        } else {
            (PAGE_HEADER as u64..=PAGE_PAYLOAD as u64).contains(&str_used)
        };
        if !ovf_ok || !str_ok {
            return Err(d.bad("bad primary-key index page table"));
        }
        if overflow
            .pages
            .checked_add(strings.pages)
            .is_none_or(|n| n > file_pages.saturating_sub(1))
        {
            return Err(d.bad("primary-key index has more pages than the file"));
        }
        // Keys: each takes an entry of a slot of a page of the file, and of the table.
        let per_page = (SLOTS_PER_PAGE * key_type.capacity()) as u64;
        let fit = |pages: u64| pages.saturating_mul(per_page);
        let table_pages = primary.pages.saturating_add(overflow.pages);
        if len > fit(file_pages) || len > fit(table_pages) {
            return Err(d.bad("primary-key index holds more keys than its pages can"));
        }
        let idx = HashIndex {
            key_type,
            len,
            level,
            next_split,
            arrays: [primary, overflow, strings],
            ovf_used,
            free_slot,
            str_used,
            hot: [[(0, 0); HOT]; 3],
            hot_leaf: [(0, 0); 3],
        };
        if len > 0 && buckets < idx.buckets_for(len) {
            return Err(d.bad("primary-key index has fewer buckets than its keys need"));
        }
        Ok(idx)
    }
}

impl WriteSession {
    pub fn key_type(&self) -> IndexKeyType {
        self.cur.key_type
    }

    /// Number of keys, the session's changes included.
    pub fn len(&self) -> u64 {
        self.cur.len
    }

    pub fn is_empty(&self) -> bool {
        self.cur.len == 0
    }

    /// The committed index the session began from; the session never changes its pages.
    pub fn committed(&self) -> &HashIndex {
        &self.base
    }

    /// `HashIndex::lookup`, seeing the session's changes.
    pub fn lookup(&self, pool: &BufferPool, key: IndexKey) -> Result<Option<u64>> {
        self.cur.lookup(pool, key)
    }

    /// `HashIndex::lookup_column`, seeing the session's changes.
    pub fn lookup_column(&self, pool: &BufferPool, keys: &Column) -> Result<Vec<Option<u64>>> {
        self.cur.lookup_column(pool, keys)
    }

    pub fn lookup_offsets(&self, pool: &BufferPool, keys: &Column) -> Result<Vec<u64>> {
        self.cur.lookup_offsets(pool, keys)
    }

    /// Inserts; if the key exists returns `Ok(Some(existing_offset))` and inserts nothing.
    pub fn insert(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        key: IndexKey,
        offset: u64,
    ) -> Result<Option<u64>> {
        self.cur.check_key(&key)?;
        self.cur.insert(pool, alloc, key, offset)
    }

    /// Removes `key`; false if it was not present.
    pub fn delete(
        &mut self,
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        key: IndexKey,
    ) -> Result<bool> {
        self.cur.check_key(&key)?;
        self.cur.delete(pool, alloc, key)
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
        self.cur.insert_column(pool, alloc, keys, first_offset)
    }

    /// Ends the session: the new index (encode it into the metadata the commit writes) and the
    /// pages of the committed index it replaced, sorted. Those stay readable, and the
    /// committed index stays valid, until the caller frees them with the commit. Pages the
    /// session wrote and did not replace anything with are new pages of the index.
    ///
    /// On an error the session's pages are unreferenced garbage: roll the allocator back.
    pub fn finish(mut self, pool: &BufferPool) -> Result<(HashIndex, Vec<u64>)> {
        let mut replaced = Vec::new();
        for a in Arr::ALL {
            self.cur
                .replaced_pages(pool, &self.base, a, &mut replaced)?;
        }
        for a in Arr::ALL {
            self.cur.session_pages(pool, a, true, &mut |_| {})?;
        }
        self.cur.hot = [[(0, 0); HOT]; 3];
        self.cur.hot_leaf = [(0, 0); 3];
        replaced.sort_unstable();
        if replaced.windows(2).any(|w| w[0] == w[1]) {
            return Err(corrupt_meta("a committed page is referenced twice"));
        }
        Ok((self.cur, replaced))
    }

    /// Ends the session without a trace in the committed index: the pages it allocated (and
    /// linked), for the caller to give back to the allocator.
    pub fn abandon(mut self, pool: &BufferPool) -> Result<Vec<u64>> {
        let mut pages = Vec::new();
        for a in Arr::ALL {
            self.cur
                .session_pages(pool, a, false, &mut |p| pages.push(p))?;
        }
        pages.sort_unstable();
        Ok(pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::buffer::{MemoryManager, MIN_BUDGET};
    use crate::storage::file::{MemBackend, StorageBackend};
    use crate::types::vector::{NullMask, StringData};
    use crate::types::LogicalType;
    use proptest::prelude::*;
    use std::collections::{BTreeSet, HashMap};
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

    /// Finishes `s` and frees the pages it replaced, as a commit does.
    fn commit(s: WriteSession, pool: &BufferPool, alloc: &mut PageAllocator) -> HashIndex {
        let (idx, replaced) = s.finish(pool).unwrap();
        for &p in &replaced {
            pool.invalidate(p);
            alloc.free(p, 1);
        }
        alloc.commit_frees();
        idx
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
        let back = HashIndex::decode(&mut Decoder::new(&e.buf, "index"), file_pages(m)).unwrap();
        assert_eq!(&back, idx);
        (back, pool_over(m, budget))
    }

    /// Pages of the file behind `m` (flushed).
    fn file_pages(m: &MemBackend) -> u64 {
        m.len().unwrap() / PAGE_SIZE as u64
    }

    /// The page holding logical page `i` of array `a`.
    fn page_of(idx: &HashIndex, pool: &BufferPool, a: Arr, i: u64) -> u64 {
        Reader::new(pool).page(idx, a, i).unwrap().unwrap().0
    }

    /// Primary-slot page and slot of `key`'s bucket.
    fn bucket_of(idx: &HashIndex, pool: &BufferPool, key: IndexKey) -> (u64, usize) {
        let b = idx.bucket(hash_key(key));
        let p = page_of(idx, pool, Arr::Primary, b / SLOTS_PER_PAGE as u64);
        (p, (b % SLOTS_PER_PAGE as u64) as usize)
    }

    /// Pages the allocator handed out since `before` (no page was freed in between).
    fn allocated_since(before: &PageAllocator, now: &PageAllocator) -> BTreeSet<u64> {
        let mut out: BTreeSet<u64> = before
            .free_ranges()
            .iter()
            .flat_map(|&(s, c)| s..s + c)
            .chain(before.end()..now.end())
            .collect();
        for &(s, c) in now.free_ranges() {
            for p in s..s + c {
                out.remove(&p);
            }
        }
        out
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
    fn page_table_geometry() {
        assert_eq!(FANOUT, 509);
        assert_eq!(height(0), 1);
        assert_eq!(height(509), 1);
        assert_eq!(height(510), 2);
        assert_eq!(height(509 * 509), 2);
        assert_eq!(height(509 * 509 + 1), 3);
        assert_eq!(height(MAX_PAGES - 1), 6);
        assert!(span(6) > MAX_PAGES);
    }

    #[test]
    fn single_inserts_lookups_deletes_int64() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let empty = HashIndex::new(IndexKeyType::Int64);
        assert_eq!(empty.lookup(&pool, IndexKey::Int64(5)).unwrap(), None);
        assert!(empty.pages(&pool).unwrap().is_empty());
        let mut s = empty.begin();
        for k in 0..5000i64 {
            assert_eq!(
                s.insert(&pool, &mut alloc, IndexKey::Int64(k * 7 - 9000), k as u64)
                    .unwrap(),
                None
            );
        }
        assert_eq!(s.len(), 5000);
        assert_eq!(
            s.insert(&pool, &mut alloc, IndexKey::Int64(7 * 3 - 9000), 99)
                .unwrap(),
            Some(3)
        );
        assert_eq!(s.len(), 5000);
        assert!(s.delete(&pool, &mut alloc, IndexKey::Int64(-9000)).unwrap());
        assert!(!s.delete(&pool, &mut alloc, IndexKey::Int64(-9000)).unwrap());
        let idx = commit(s, &pool, &mut alloc);
        for k in 1..5000i64 {
            assert_eq!(
                idx.lookup(&pool, IndexKey::Int64(k * 7 - 9000)).unwrap(),
                Some(k as u64)
            );
            assert_eq!(
                idx.lookup(&pool, IndexKey::Int64(k * 7 - 8999)).unwrap(),
                None
            );
        }
        assert_eq!(idx.lookup(&pool, IndexKey::Int64(-9000)).unwrap(), None);
        assert_eq!(idx.len(), 4999);
        // Load factor: 4999 keys in 15-entry slots at 3/4 → at least 445 buckets.
        assert!(idx.num_buckets() >= 445);
        // One session from nothing: every page it allocated is a page of the index, once.
        let pages = idx.pages(&pool).unwrap();
        let sorted: BTreeSet<u64> = pages.iter().copied().collect();
        assert_eq!(sorted.len(), pages.len());
        assert_eq!(sorted, (1..alloc.end()).collect());
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
        let mut s = idx.begin();
        assert!(s
            .insert(&pool, &mut alloc, IndexKey::String(b"x"), 1)
            .is_err());
        assert!(s.delete(&pool, &mut alloc, IndexKey::UInt64(1)).is_err());
        assert_eq!(s.abandon(&pool).unwrap(), Vec::<u64>::new());
    }

    #[test]
    fn string_keys_short_long_and_spanning() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut s = HashIndex::new(IndexKeyType::String).begin();
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
                s.insert(&pool, &mut alloc, IndexKey::String(k), i as u64)
                    .unwrap(),
                None
            );
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(
                s.lookup(&pool, IndexKey::String(k)).unwrap(),
                Some(i as u64)
            );
        }
        let idx = commit(s, &pool, &mut alloc);
        // Same prefix and length, different tail; same hash bucket irrelevant.
        let mut near = vec![b'x'; 5000];
        near[4999] = b'z';
        assert_eq!(idx.lookup(&pool, IndexKey::String(&near)).unwrap(), None);
        assert_eq!(
            idx.lookup(&pool, IndexKey::String(b"exactly-twenty-byteS"))
                .unwrap(),
            None
        );
        let mut s = idx.begin();
        assert_eq!(
            s.insert(&pool, &mut alloc, IndexKey::String(&keys[4]), 1)
                .unwrap(),
            Some(4)
        );
        // Nothing changed: nothing copied.
        assert_eq!(s.abandon(&pool).unwrap(), Vec::<u64>::new());
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
        let mut a = HashIndex::new(IndexKeyType::Int128).begin();
        let mut b = HashIndex::new(IndexKeyType::UInt64).begin();
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
        let a = commit(a, &pool, &mut alloc);
        let b = commit(b, &pool, &mut alloc);
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
        let mut idx = HashIndex::new(IndexKeyType::Int64).begin();
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
        let mut idx = commit(idx, &pool, &mut alloc).begin();
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
        assert_eq!(
            idx.committed().lookup_column(&pool, &probe).unwrap(),
            vec![Some(0), None, None, None, Some(6_000)]
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
        let mut s = HashIndex::new(IndexKeyType::String).begin();
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
        let mut s = HashIndex::new(IndexKeyType::Int64).begin();
        s.insert_column(
            &pool,
            &mut alloc,
            &int_col((0..20_000).map(|k| k * 3).collect()),
            7,
        )
        .unwrap()
        .unwrap();
        let mut s = commit(s, &pool, &mut alloc).begin();
        for k in 0..100 {
            s.delete(&pool, &mut alloc, IndexKey::Int64(k * 3)).unwrap();
        }
        let idx = commit(s, &pool, &mut alloc);
        let (idx, pool) = reopen(&idx, pool, &m, MIN_BUDGET);
        for k in 0..20_000i64 {
            let want = if k < 100 { None } else { Some(k as u64 + 7) };
            assert_eq!(idx.lookup(&pool, IndexKey::Int64(k * 3)).unwrap(), want);
        }
        let mut s = idx.begin();
        assert_eq!(
            s.insert(&pool, &mut alloc, IndexKey::Int64(0), 1).unwrap(),
            None
        );
        let idx = commit(s, &pool, &mut alloc);
        assert_eq!(idx.lookup(&pool, IndexKey::Int64(0)).unwrap(), Some(1));
        // Truncated and nonsensical metadata are refused.
        pool.flush().unwrap();
        let fp = file_pages(&m);
        let decode = |b: &[u8], fp: u64| HashIndex::decode(&mut Decoder::new(b, "index"), fp);
        let mut e = Encoder::new();
        idx.encode(&mut e);
        assert_eq!(e.buf.len(), 78);
        assert_eq!(decode(&e.buf, fp).unwrap(), idx);
        assert!(decode(&e.buf[..e.buf.len() - 1], fp).is_err());
        let set = |at: usize, v: u64| {
            let mut bad = e.buf.clone();
            bad[at..at + 8].copy_from_slice(&v.to_le_bytes());
            bad
        };
        let mut bad = e.buf.clone();
        bad[10] = 60; // level
        assert!(decode(&bad, fp).is_err());
        // Fewer primary pages than buckets.
        assert!(decode(&set(27, 1), fp).is_err());
        let mut bad = e.buf.clone();
        bad[0] = 1; // format 1
        assert!(decode(&bad, fp).is_err());
        // Bounds against the file: a root past its end or at page 0 is refused, and so is the
        // whole index in a file too short to hold its pages.
        assert!(decode(&set(19, fp), fp).is_err());
        assert!(decode(&set(35, fp + 5), fp).is_err());
        assert!(decode(&e.buf, idx.arr(Arr::Primary).root).is_err());
        // More keys than the pages hold; more keys than the buckets take under the load
        // factor (an insert would split without end).
        assert!(decode(&set(2, u64::MAX), fp).is_err());
        assert!(decode(&set(2, fp * 225 + 1), u64::MAX).is_err());
        let most = idx.num_buckets() * 11; // 15 entries a slot, 3/4 full
        assert!(decode(&set(2, most), u64::MAX).is_ok());
        assert!(decode(&set(2, most + 1), u64::MAX).is_err());
        // Overflow-slot and string pages that the file cannot hold.
        assert!(idx.arr(Arr::Overflow).pages > 0);
        assert!(decode(&set(43, fp), u64::MAX).is_ok());
        assert!(decode(&set(43, fp), fp).is_err());
    }

    #[test]
    fn flipped_byte_is_a_corruption_error() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut s = HashIndex::new(IndexKeyType::Int64).begin();
        s.insert_column(&pool, &mut alloc, &int_col((0..3000).collect()), 0)
            .unwrap()
            .unwrap();
        let idx = commit(s, &pool, &mut alloc);
        let (idx, pool) = reopen(&idx, pool, &m, MIN_BUDGET);
        // Corrupt the primary page holding key 1234's bucket (on disk: the checksum fails).
        let (p, _) = bucket_of(&idx, &pool, IndexKey::Int64(1234));
        let root = idx.arr(Arr::Primary).root;
        drop(pool);
        let flip = |page: u64, at: u64| {
            let at = page * PAGE_SIZE as u64 + at;
            let mut byte = [0u8];
            m.read_at(at, &mut byte).unwrap();
            m.write_at(at, &[byte[0] ^ 0x10]).unwrap();
        };
        flip(p, 300);
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
            .find(|&k| {
                let b = idx.bucket(hash_u64(k));
                let e = {
                    let pg = pool.pin(root, PageKind::Index).unwrap();
                    rd_u64(&pg, entry_at(b / 15))
                };
                e != p
            })
            .unwrap();
        assert_eq!(
            idx.lookup(&pool, IndexKey::Int64(other as i64)).unwrap(),
            Some(other)
        );
        // A session cannot copy the bad page either; it reports it.
        let mut s = idx.begin();
        assert!(matches!(
            s.insert(&pool, &mut alloc, IndexKey::Int64(1234 + 3000 * 7), 1)
                .and_then(|_| s.delete(&pool, &mut alloc, IndexKey::Int64(1234))),
            Err(Error::Corrupted { page: Some(_), .. })
        ));
        let _ = s.abandon(&pool);
        // A flipped page-table byte: every lookup goes through it.
        drop(pool);
        flip(root, 100);
        let pool = pool_over(&m, MIN_BUDGET);
        assert!(matches!(
            idx.lookup(&pool, IndexKey::Int64(other as i64)),
            Err(Error::Corrupted { page: Some(q), .. }) if q == root
        ));
        assert!(idx.pages(&pool).is_err());
    }

    #[test]
    fn bad_pointers_are_errors_not_panics() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        // Enough keys for overflow chains.
        let mut s = HashIndex::new(IndexKeyType::Int64).begin();
        s.insert_column(&pool, &mut alloc, &int_col((0..20_000).collect()), 0)
            .unwrap()
            .unwrap();
        for k in 20_000..24_000i64 {
            s.insert(&pool, &mut alloc, IndexKey::Int64(k), k as u64)
                .unwrap();
        }
        let idx = commit(s, &pool, &mut alloc);
        assert!(idx.arr(Arr::Overflow).pages > 0);
        // A key whose bucket has a chain, and one whose bucket has none.
        let chained = (0..24_000i64)
            .find(|&k| {
                let (p, si) = bucket_of(&idx, &pool, IndexKey::Int64(k));
                let pg = pool.pin(p, PageKind::Index).unwrap();
                rd_u64(&pg[slot_range(si)], 8) != 0
            })
            .unwrap();
        let key = IndexKey::Int64(chained);
        let (p, si) = bucket_of(&idx, &pool, key);
        let (first, ok_addr) = {
            let pg = pool.pin(p, PageKind::Index).unwrap();
            let addr = rd_u64(&pg[slot_range(si)], 8);
            (pg[slot_range(si)].to_vec(), addr)
        };
        let restore =
            || pool.pin_mut(p, PageKind::Index).unwrap()[slot_range(si)].copy_from_slice(&first);
        let set_next = |addr: u64| {
            let mut pg = pool.pin_mut(p, PageKind::Index).unwrap();
            pg[slot_range(si)][0] = 0;
            wr_u64(&mut pg[slot_range(si)], 8, addr);
        };
        let expect_corrupt = |what: &str| {
            let r = idx.lookup(&pool, key);
            assert!(
                matches!(r, Err(Error::Corrupted { page: Some(_), .. })),
                "{what}: {r:?}"
            );
            let mut s = idx.begin();
            let mut a = alloc.clone();
            let r = s.delete(&pool, &mut a, key);
            assert!(matches!(r, Err(Error::Corrupted { .. })), "{what}: {r:?}");
            let r = s.insert(&pool, &mut a, IndexKey::Int64(-chained), 1);
            let _ = r;
        };
        // An entry count above the capacity.
        pool.pin_mut(p, PageKind::Index).unwrap()[slot_range(si)][0] = 200;
        expect_corrupt("count");
        // Slot addresses: page 0 (none), slot 15, past the overflow pages, past the used slots
        // of the last page.
        let pages = idx.arr(Arr::Overflow).pages;
        let used = idx.ovf_used;
        for addr in [
            3,
            (1 << 4) | 15,
            ((pages + 1) << 4),
            (pages << 4) | used,
            u64::MAX,
        ] {
            if addr == (pages << 4) | used && used == 15 {
                continue;
            }
            set_next(addr);
            expect_corrupt(&format!("address {addr:#x}"));
        }
        // A chain that loops back to its first overflow slot: bounded, reported.
        restore();
        {
            let (k, i) = idx.slot_addr(ok_addr, None).unwrap();
            let op = page_of(&idx, &pool, Arr::Overflow, k);
            let mut pg = pool.pin_mut(op, PageKind::Index).unwrap();
            pg[slot_range(i)][0] = 0;
            wr_u64(&mut pg[slot_range(i)], 8, ok_addr);
        }
        set_next(ok_addr);
        expect_corrupt("loop");
    }

    #[test]
    fn bad_page_table_entries_are_errors_not_panics() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut s = HashIndex::new(IndexKeyType::String).begin();
        let keys: Vec<Vec<u8>> = (0..3000)
            .map(|i| format!("a string key long enough to spill, number {i}").into_bytes())
            .collect();
        s.insert_column(&pool, &mut alloc, &str_col(&keys), 0)
            .unwrap()
            .unwrap();
        let idx = commit(s, &pool, &mut alloc);
        let key = IndexKey::String(&keys[17]);
        let b = idx.bucket(hash_key(key));
        let root = idx.arr(Arr::Primary).root;
        let sroot = idx.arr(Arr::Strings).root;
        let at = entry_at(b / 15);
        let good = rd_u64(&pool.pin(root, PageKind::Index).unwrap(), at);
        let end = idx.arr(Arr::Primary).pages;
        let other = rd_u64(
            &pool.pin(root, PageKind::Index).unwrap(),
            entry_at((b / 15 + 1) % end),
        );
        let string0 = rd_u64(&pool.pin(sroot, PageKind::Index).unwrap(), entry_at(0));
        let set = |page: u64, at: usize, v: u64| {
            wr_u64(&mut pool.pin_mut(page, PageKind::Index).unwrap(), at, v);
        };
        for (what, v) in [
            ("marked as written by a session", good | FRESH),
            ("another primary page", other),
            ("the page table itself", root),
            ("a string page", string0),
            ("page 0", FRESH),
            ("an index page number too large", 1 << 50),
        ] {
            set(root, at, v);
            let r = idx.lookup(&pool, key);
            assert!(
                matches!(r, Err(Error::Corrupted { page: Some(_), .. })),
                "{what}: {r:?}"
            );
            let mut s = idx.begin();
            let mut a = alloc.clone();
            let r = s.delete(&pool, &mut a, key);
            assert!(matches!(r, Err(Error::Corrupted { .. })), "{what}: {r:?}");
        }
        set(root, at, good);
        assert_eq!(idx.lookup(&pool, key).unwrap(), Some(17));
        // An entry past the array's end is reported by the ownership walk.
        assert!(end < FANOUT);
        set(root, entry_at(end), good);
        assert!(idx.pages(&pool).is_err());
        set(root, entry_at(end), 0);
        // A missing string page.
        set(sroot, entry_at(0), 0);
        assert!(idx.pages(&pool).is_err());
        assert!(idx.for_each(&pool, |_, _| Ok(())).is_err());
        assert!(idx.lookup_column(&pool, &str_col(&keys)).is_err());
        set(sroot, entry_at(0), string0);
        assert_eq!(
            idx.lookup_column(&pool, &str_col(&keys)).unwrap(),
            (0..3000).map(Some).collect::<Vec<_>>()
        );
        idx.for_each(&pool, |_, _| Ok(())).unwrap();
    }

    #[test]
    fn pointer_past_the_end_of_the_file_is_corruption() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut s = HashIndex::new(IndexKeyType::Int64).begin();
        s.insert(&pool, &mut alloc, IndexKey::Int64(1), 1).unwrap();
        let idx = commit(s, &pool, &mut alloc);
        let root = idx.arr(Arr::Primary).root;
        wr_u64(
            &mut pool.pin_mut(root, PageKind::Index).unwrap(),
            entry_at(0),
            5000,
        );
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
    fn many_keys_through_a_tiny_pool() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut s = HashIndex::new(IndexKeyType::Int64).begin();
        s.insert_column(&pool, &mut alloc, &int_col((0..60_000).collect()), 0)
            .unwrap()
            .unwrap();
        let mut s = commit(s, &pool, &mut alloc).begin();
        for k in 60_000..70_000i64 {
            assert_eq!(
                s.insert(&pool, &mut alloc, IndexKey::Int64(k), k as u64)
                    .unwrap(),
                None
            );
        }
        let mut s = commit(s, &pool, &mut alloc).begin();
        for k in (0..70_000i64).step_by(3) {
            assert!(s.delete(&pool, &mut alloc, IndexKey::Int64(k)).unwrap());
        }
        let idx = commit(s, &pool, &mut alloc);
        // Chains exist at this size, and the pool was far too small to hold the index.
        assert!(idx.arr(Arr::Overflow).pages > 0);
        assert!(idx.primary_pages() > 64);
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
        // Every page is owned once, and the freed pages are exactly the rest of the file.
        let owned: BTreeSet<u64> = idx.pages(&pool).unwrap().into_iter().collect();
        let free: BTreeSet<u64> = alloc
            .free_ranges()
            .iter()
            .flat_map(|&(s, c)| s..s + c)
            .collect();
        assert!(owned.is_disjoint(&free));
        assert_eq!(owned.len() + free.len(), alloc.end() as usize - 1);
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
        let mut s = HashIndex::new(IndexKeyType::Int64).begin();
        s.insert_column(&pool, &mut alloc, &int_col((0..60_000).collect()), 0)
            .unwrap()
            .unwrap();
        let mut s = commit(s, &pool, &mut alloc).begin();
        // Single inserts fill overflow pages, which workers on different primary pages share.
        for k in 60_000..70_000i64 {
            let inserted = s.insert(&pool, &mut alloc, IndexKey::Int64(k), k as u64);
            assert_eq!(inserted.unwrap(), None);
        }
        for k in (0..70_000i64).step_by(3) {
            assert!(s.delete(&pool, &mut alloc, IndexKey::Int64(k)).unwrap());
        }
        // Four workers, so the lookup is parallel whatever the machine (64 frames >= 16 * 4).
        let workers = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let mut end = 70_000i64;
        for round in 0..6 {
            let got = workers
                .install(|| s.lookup_column(&pool, &int_col((0..end).collect())))
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
                let inserted = s.insert(&pool, &mut alloc, IndexKey::Int64(k), k as u64);
                assert_eq!(inserted.unwrap(), None);
            }
            end += 1_000;
        }
        let idx = commit(s, &pool, &mut alloc);
        assert!(idx.arr(Arr::Overflow).pages > 0);
    }

    #[test]
    fn a_session_leaves_the_committed_index_untouched() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let keys: Vec<Vec<u8>> = (0..2000)
            .map(|i| format!("name-{i}-{}", "z".repeat(i % 40)).into_bytes())
            .collect();
        let mut s = HashIndex::new(IndexKeyType::String).begin();
        s.insert_column(&pool, &mut alloc, &str_col(&keys), 10)
            .unwrap()
            .unwrap();
        let idx = commit(s, &pool, &mut alloc);
        let old: BTreeSet<u64> = idx.pages(&pool).unwrap().into_iter().collect();
        let bytes: Vec<Vec<u8>> = old
            .iter()
            .map(|&p| pool.pin(p, PageKind::Index).unwrap().to_vec())
            .collect();
        let mut s = idx.begin();
        assert!(s
            .delete(&pool, &mut alloc, IndexKey::String(&keys[7]))
            .unwrap());
        assert_eq!(
            s.insert(&pool, &mut alloc, IndexKey::String(b"new"), 5)
                .unwrap(),
            None
        );
        let long = b"a new key long enough for the string pages".to_vec();
        assert_eq!(
            s.insert(&pool, &mut alloc, IndexKey::String(&long), 6)
                .unwrap(),
            None
        );
        // The committed index answers as before while the session runs; the session sees its
        // changes.
        for (idx_view, seven, new) in [(s.committed(), Some(17), None), (&s.cur, None, Some(5))] {
            assert_eq!(
                idx_view.lookup(&pool, IndexKey::String(&keys[7])).unwrap(),
                seven
            );
            assert_eq!(
                idx_view.lookup(&pool, IndexKey::String(b"new")).unwrap(),
                new
            );
            assert_eq!(
                idx_view
                    .lookup(&pool, IndexKey::String(&keys[1999]))
                    .unwrap(),
                Some(2009)
            );
        }
        assert_eq!(s.lookup(&pool, IndexKey::String(&long)).unwrap(), Some(6));
        let (new, replaced) = s.finish(&pool).unwrap();
        // Its pages are byte for byte as they were, whether replaced or shared.
        for (&p, b) in old.iter().zip(&bytes) {
            assert_eq!(
                &pool.pin(p, PageKind::Index).unwrap()[..],
                &b[..],
                "page {p}"
            );
        }
        assert_eq!(
            idx.lookup(&pool, IndexKey::String(&keys[7])).unwrap(),
            Some(17)
        );
        assert_eq!(idx.lookup(&pool, IndexKey::String(&long)).unwrap(), None);
        let new_pages: BTreeSet<u64> = new.pages(&pool).unwrap().into_iter().collect();
        let replaced: BTreeSet<u64> = replaced.into_iter().collect();
        assert_eq!(replaced, old.difference(&new_pages).copied().collect());
        assert!(!replaced.is_empty() && replaced.len() < old.len() / 2);
        assert_eq!(new.lookup(&pool, IndexKey::String(&keys[7])).unwrap(), None);
        assert_eq!(new.lookup(&pool, IndexKey::String(&long)).unwrap(), Some(6));
        assert_eq!(
            new.lookup(&pool, IndexKey::String(&keys[1999])).unwrap(),
            Some(2009)
        );
        // An abandoned session leaves nothing behind but the pages it hands back.
        let before = alloc.clone();
        let mut s = new.begin();
        s.insert(&pool, &mut alloc, IndexKey::String(b"gone"), 1)
            .unwrap();
        let given = s.abandon(&pool).unwrap();
        assert!(!given.is_empty());
        assert_eq!(
            given.into_iter().collect::<BTreeSet<u64>>(),
            allocated_since(&before, &alloc)
        );
        assert_eq!(new.lookup(&pool, IndexKey::String(b"gone")).unwrap(), None);
        let empty = HashIndex::new(IndexKeyType::Int64);
        assert_eq!(empty.begin().finish(&pool).unwrap(), (empty, vec![]));
    }

    /// The point of the page tables: a session that touches one key of a large index writes a
    /// handful of pages, not the index.
    #[test]
    fn touching_one_key_rewrites_a_few_pages() {
        let m = MemBackend::new();
        let pool = pool_over(&m, 4 << 20);
        let mut alloc = PageAllocator::new(1);
        for strings in [false, true] {
            let n = 300_000usize;
            let key = |k: usize| format!("a key of a large index, number {k}").into_bytes();
            let col = |r: std::ops::Range<usize>| {
                if strings {
                    str_col(&r.map(key).collect::<Vec<_>>())
                } else {
                    int_col(r.map(|k| k as i64).collect())
                }
            };
            let kt = if strings {
                IndexKeyType::String
            } else {
                IndexKeyType::Int64
            };
            let mut s = HashIndex::new(kt).begin();
            s.insert_column(&pool, &mut alloc, &col(0..n), 0)
                .unwrap()
                .unwrap();
            let idx = commit(s, &pool, &mut alloc);
            let total = idx.pages(&pool).unwrap().len();
            assert!(idx.primary_pages() > FANOUT, "two page-table levels");
            let mut idx = idx;
            for (what, k) in [("insert", n + 1), ("delete", 12_345), ("bulk", n + 2)] {
                let before = alloc.clone();
                let kb = key(k);
                let ik = if strings {
                    IndexKey::String(&kb)
                } else {
                    IndexKey::Int64(k as i64)
                };
                let mut s = idx.begin();
                match what {
                    "insert" => assert_eq!(s.insert(&pool, &mut alloc, ik, 1).unwrap(), None),
                    "delete" => assert!(s.delete(&pool, &mut alloc, ik).unwrap()),
                    _ => s
                        .insert_column(&pool, &mut alloc, &col(k..k + 1), 7)
                        .unwrap()
                        .unwrap(),
                }
                let written = allocated_since(&before, &alloc).len();
                let (new, replaced) = s.finish(&pool).unwrap();
                eprintln!(
                    "{kt:?} {what}: {written} pages written, {} replaced, of {total}",
                    replaced.len()
                );
                // The key's primary page (and, with a split, the split buckets' pages), their
                // page-table leaves and root, an overflow slot or a string page.
                assert!(written <= 16, "{what}: {written} pages written");
                assert!(replaced.len() <= written);
                assert_eq!(
                    new.lookup(&pool, ik).unwrap(),
                    (what != "delete").then_some(if what == "bulk" { 7 } else { 1 })
                );
                for &p in &replaced {
                    pool.invalidate(p);
                    alloc.free(p, 1);
                }
                alloc.commit_frees();
                idx = new;
            }
            let got = idx.lookup_column(&pool, &col(0..n)).unwrap();
            assert!(got
                .iter()
                .enumerate()
                .all(|(k, o)| *o == (k != 12_345).then_some(k as u64)));
        }
    }

    /// A session that makes an array's page table taller than the committed one (a new root
    /// above the committed root): the committed root and everything under it that the session
    /// did not touch stay shared, and `finish` reports exactly the pages it replaced.
    #[test]
    fn a_session_can_grow_the_page_tables_taller() {
        let m = MemBackend::new();
        let mut pool = pool_over(&m, 1 << 20);
        let mut alloc = PageAllocator::new(1);
        for strings in [false, true] {
            // Primary-slot pages cross 509 for INT64 keys; string pages for 1000-byte keys.
            let (n, more) = if strings {
                (1500, 1000)
            } else {
                (80_000, 10_000)
            };
            let key = |k: usize| format!("{k:>1000}").into_bytes();
            let col = |r: std::ops::Range<usize>| {
                if strings {
                    str_col(&r.map(key).collect::<Vec<_>>())
                } else {
                    int_col(r.map(|k| k as i64).collect())
                }
            };
            let (kt, a) = if strings {
                (IndexKeyType::String, Arr::Strings)
            } else {
                (IndexKeyType::Int64, Arr::Primary)
            };
            let mut s = HashIndex::new(kt).begin();
            s.insert_column(&pool, &mut alloc, &col(0..n), 0)
                .unwrap()
                .unwrap();
            let idx = commit(s, &pool, &mut alloc);
            assert_eq!(height(idx.arr(a).pages), 1);
            let old = page_bytes(&idx, &pool);
            let old_set: BTreeSet<u64> = old.iter().map(|x| x.0).collect();
            let before = alloc.clone();
            let mut s = idx.begin();
            s.insert_column(&pool, &mut alloc, &col(n..n + more), n as u64)
                .unwrap()
                .unwrap();
            let (new, replaced) = s.finish(&pool).unwrap();
            assert_eq!(height(new.arr(a).pages), 2);
            // The committed index: same bytes, same answers.
            assert_eq!(page_bytes(&idx, &pool), old);
            let got = idx.lookup_column(&pool, &col(0..n + more)).unwrap();
            assert!(got
                .iter()
                .enumerate()
                .all(|(k, o)| *o == (k < n).then_some(k as u64)));
            // Replaced: exactly the committed pages the new index dropped; the new index: the
            // rest of them and the pages the session allocated.
            let new_set: BTreeSet<u64> = new.pages(&pool).unwrap().into_iter().collect();
            let replaced: BTreeSet<u64> = replaced.into_iter().collect();
            assert_eq!(replaced, old_set.difference(&new_set).copied().collect());
            let shared: BTreeSet<u64> = old_set.difference(&replaced).copied().collect();
            assert_eq!(
                new_set,
                shared
                    .union(&allocated_since(&before, &alloc))
                    .copied()
                    .collect()
            );
            // The committed root is now under the new one.
            let root = new.arr(a).root;
            let first = rd_u64(&pool.pin(root, PageKind::Index).unwrap(), entry_at(0));
            assert!(first == idx.arr(a).root || replaced.contains(&idx.arr(a).root));
            for &p in &replaced {
                pool.invalidate(p);
                alloc.free(p, 1);
            }
            alloc.commit_frees();
            let (back, p2) = reopen(&new, pool, &m, 1 << 20);
            pool = p2;
            let got = back.lookup_column(&pool, &col(0..n + more)).unwrap();
            assert!(got.iter().enumerate().all(|(k, o)| *o == Some(k as u64)));
            back.for_each(&pool, |_, _| Ok(())).unwrap();
        }
    }

    #[test]
    fn raw_layout_matches_the_documentation() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut s = HashIndex::new(IndexKeyType::Int64).begin();
        s.insert(&pool, &mut alloc, IndexKey::Int64(-5), 9).unwrap();
        let idx = commit(s, &pool, &mut alloc);
        assert_eq!((idx.level, idx.next_split), (0, 0));
        // Page 1: the primary-slot page table (a leaf), page 2: primary-slot page 0.
        {
            let pg = pool.pin(1, PageKind::Index).unwrap();
            assert_eq!(&pg[..16], &[4, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            assert_eq!(rd_u64(&pg, 16), 2);
            assert!(pg[24..].iter().all(|&b| b == 0));
            let pg = pool.pin(2, PageKind::Index).unwrap();
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
        let mut want = vec![2u8, 1];
        want.extend_from_slice(&1u64.to_le_bytes()); // len
        want.push(0); // level
        want.extend_from_slice(&0u64.to_le_bytes()); // next split
        want.extend_from_slice(&1u64.to_le_bytes()); // primary-slot root
        want.extend_from_slice(&1u64.to_le_bytes()); // one primary-slot page
        want.extend_from_slice(&[0; 16]); // no overflow-slot pages
        want.push(0);
        want.extend_from_slice(&[0; 8]); // free list
        want.extend_from_slice(&[0; 16]); // no string pages
        want.extend_from_slice(&[0; 2]);
        assert_eq!(e.buf, want);

        // A long string: entry fields, prefix, and the string page; a chain of two slots.
        let mut s = HashIndex::new(IndexKeyType::String).begin();
        let long = b"abcdefghijklmnopqrstuvwxyz";
        s.insert(&pool, &mut alloc, IndexKey::String(long), 77)
            .unwrap();
        s.insert(&pool, &mut alloc, IndexKey::String(b"short"), 78)
            .unwrap();
        let s = commit(s, &pool, &mut alloc);
        let sp = page_of(&s, &pool, Arr::Strings, 0);
        let pp = page_of(&s, &pool, Arr::Primary, 0);
        {
            let root = pool.pin(s.arr(Arr::Strings).root, PageKind::Index).unwrap();
            assert_eq!(&root[..4], &[4, 4, 3, 1]);
            assert_eq!(rd_u64(&root, 16), sp);
        }
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
                        // String page 0, byte 16.
                        assert_eq!(rd_u64(ent, 32), 16);
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
        assert_eq!(s.str_used, 42);
        drop((pg, spg));

        // Overflow slots: seven keys in one bucket (6 per slot) take slot 0 of overflow page 0,
        // linked as (0 + 1) << 4 | 0.
        let mut s = HashIndex::new(IndexKeyType::String).begin();
        s.cur.grow_to(&pool, &mut alloc, 1).unwrap();
        assert_eq!(s.cur.num_buckets(), 1);
        let keys: Vec<Vec<u8>> = (0..7).map(|i| format!("k{i}").into_bytes()).collect();
        for (i, k) in keys.iter().enumerate() {
            // Below the load factor's growth: insert straight into the one bucket.
            let mut buf = [0u8; MAX_ENTRY];
            let h = hash_bytes(k);
            let n = s
                .cur
                .make_entry(
                    &pool,
                    &mut alloc,
                    IndexKey::String(k),
                    h,
                    i as u64,
                    &mut buf,
                )
                .unwrap();
            s.cur.append(&pool, &mut alloc, 0, &buf[..n], None).unwrap();
            s.cur.len += 1;
        }
        let s = commit(s, &pool, &mut alloc);
        assert_eq!(s.arr(Arr::Overflow).pages, 1);
        assert_eq!(s.ovf_used, 1);
        let pp = page_of(&s, &pool, Arr::Primary, 0);
        let op = page_of(&s, &pool, Arr::Overflow, 0);
        let pg = pool.pin(pp, PageKind::Index).unwrap();
        assert_eq!(pg[16], 6);
        assert_eq!(rd_u64(&pg, 24), 1 << 4);
        let opg = pool.pin(op, PageKind::Index).unwrap();
        assert_eq!(&opg[..2], &[2, 4]);
        assert_eq!(rd_u64(&opg, 8), 0);
        assert_eq!(opg[16], 1);
        assert_eq!(rd_u64(&opg, 24), 0);
        drop((pg, opg));
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(
                s.lookup(&pool, IndexKey::String(k)).unwrap(),
                Some(i as u64)
            );
        }
    }

    #[test]
    fn small_integer_columns_use_the_int64_index() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut idx = HashIndex::new(IndexKeyType::Int64).begin();
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
        /// Ends the session with `finish` and starts the next one.
        Finish,
        /// Ends the session with `abandon` and starts the next one.
        Abandon,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            8 => (0u16..600, 0u64..1_000_000).prop_map(|(k, o)| Op::Insert(k, o)),
            4 => (0u16..600).prop_map(Op::Delete),
            4 => (0u16..600).prop_map(Op::Lookup),
            2 => proptest::collection::vec(0u16..600, 0..300).prop_map(Op::Bulk),
            2 => Just(Op::Finish),
            1 => Just(Op::Abandon),
        ]
    }

    /// The committed index's pages and their bytes, to check that a session leaves them be.
    fn page_bytes(idx: &HashIndex, pool: &BufferPool) -> Vec<(u64, Vec<u8>)> {
        idx.pages(pool)
            .unwrap()
            .into_iter()
            .map(|p| (p, pool.pin(p, PageKind::Index).unwrap().to_vec()))
            .collect()
    }

    /// Runs `ops` as write sessions (some finished, some abandoned) against a `HashMap`
    /// model; `key` maps the small key space to index keys. After each session checks that
    /// the committed index it began from answered and read exactly as before throughout, that
    /// `finish` reported exactly the committed pages the new index no longer has (and the new
    /// index owns exactly those plus the pages the session allocated), or that `abandon` gave
    /// back exactly the pages the session allocated, and that the new index reads the same
    /// from the written pages (flushed, a new pool, the metadata decoded).
    fn run_model(ops: &[Op], kt: IndexKeyType, key: &dyn Fn(u16) -> Vec<u8>) {
        let m = MemBackend::new();
        let mut pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut committed = HashIndex::new(kt);
        let mut committed_model: HashMap<u16, u64> = HashMap::new();
        let mut session = committed.begin();
        let mut model = committed_model.clone();
        let mut before = (page_bytes(&committed, &pool), alloc.clone());
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
        let all: Vec<u16> = (0..600).collect();
        let answers = |idx: &HashIndex, pool: &BufferPool, model: &HashMap<u16, u64>| {
            let got = idx.lookup_column(pool, &col(&all)).unwrap();
            for k in 0..600u16 {
                assert_eq!(got[k as usize], model.get(&k).copied(), "key {k}");
            }
            let mut n = 0;
            idx.for_each(pool, |_, _| {
                n += 1;
                Ok(())
            })
            .unwrap();
            assert_eq!(n, model.len());
        };
        let mut next_off = 0u64;
        let mut ops = ops.to_vec();
        ops.push(Op::Finish);
        for o in &ops {
            match o {
                Op::Insert(k, off) => {
                    let b = key(*k);
                    let got = session
                        .insert(&pool, &mut alloc, mk(kt, *k, &b), *off)
                        .unwrap();
                    assert_eq!(got, model.get(k).copied());
                    model.entry(*k).or_insert(*off);
                }
                Op::Delete(k) => {
                    let b = key(*k);
                    assert_eq!(
                        session.delete(&pool, &mut alloc, mk(kt, *k, &b)).unwrap(),
                        model.remove(k).is_some()
                    );
                }
                Op::Lookup(k) => {
                    let b = key(*k);
                    assert_eq!(
                        session.lookup(&pool, mk(kt, *k, &b)).unwrap(),
                        model.get(k).copied()
                    );
                    // A reader of the committed index meanwhile.
                    assert_eq!(
                        committed.lookup(&pool, mk(kt, *k, &b)).unwrap(),
                        committed_model.get(k).copied()
                    );
                }
                Op::Bulk(ks) => {
                    let first = 2_000_000 + next_off;
                    next_off += ks.len() as u64;
                    let got = session
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
                Op::Finish | Op::Abandon => {
                    let s = std::mem::replace(&mut session, committed.begin());
                    let (old_pages, old_alloc) = &before;
                    let allocated = allocated_since(old_alloc, &alloc);
                    let old: BTreeSet<u64> = old_pages.iter().map(|x| x.0).collect();
                    assert!(allocated.is_disjoint(&old));
                    let finished = if matches!(o, Op::Finish) {
                        let (new, replaced) = s.finish(&pool).unwrap();
                        Some((new, replaced))
                    } else {
                        let given: BTreeSet<u64> = s.abandon(&pool).unwrap().into_iter().collect();
                        assert_eq!(given, allocated);
                        None
                    };
                    // (a) The committed index: same answers, same bytes, page for page.
                    answers(&committed, &pool, &committed_model);
                    assert_eq!(&page_bytes(&committed, &pool), old_pages);
                    match finished {
                        Some((new, replaced)) => {
                            // (b) Replaced = the committed pages the new index dropped; the new
                            // index = the rest of them (shared) + what the session allocated.
                            let new_pages: BTreeSet<u64> =
                                new.pages(&pool).unwrap().into_iter().collect();
                            let replaced: BTreeSet<u64> = replaced.into_iter().collect();
                            assert_eq!(replaced, old.difference(&new_pages).copied().collect());
                            let shared: BTreeSet<u64> =
                                old.difference(&replaced).copied().collect();
                            assert_eq!(new_pages, shared.union(&allocated).copied().collect(),);
                            assert_eq!(new.len(), model.len() as u64);
                            answers(&new, &pool, &model);
                            for &p in &replaced {
                                pool.invalidate(p);
                                alloc.free(p, 1);
                            }
                            alloc.commit_frees();
                            // (c) From the written pages.
                            let (back, p2) = reopen(&new, pool, &m, MIN_BUDGET);
                            pool = p2;
                            answers(&back, &pool, &model);
                            committed = back;
                            committed_model = model.clone();
                        }
                        None => {
                            // Give the pages back as a failed statement does.
                            for &p in &allocated {
                                pool.invalidate(p);
                            }
                            alloc = old_alloc.clone();
                            model = committed_model.clone();
                        }
                    }
                    session = committed.begin();
                    before = (page_bytes(&committed, &pool), alloc.clone());
                }
            }
            assert_eq!(session.len(), model.len() as u64);
        }
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
    /// file, not bit rot) and runs every operation, in a session that is then finished or
    /// abandoned: errors are fine, panics and hangs are not.
    fn scribble_run(kt: IndexKeyType, writes: &[(u16, u16, u8)], finish: bool) {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let keys: Vec<u16> = (0..400).collect();
        let col = |ks: &[u16]| match kt {
            IndexKeyType::Int64 => int_col(ks.iter().map(|&k| k as i64).collect()),
            _ => str_col(&ks.iter().map(|&k| string_key(k)).collect::<Vec<_>>()),
        };
        let mut s = HashIndex::new(kt).begin();
        s.insert_column(&pool, &mut alloc, &col(&keys), 0)
            .unwrap()
            .unwrap();
        let mut s = commit(s, &pool, &mut alloc).begin();
        for k in 400..430u16 {
            let b = string_key(k);
            let key = match kt {
                IndexKeyType::Int64 => IndexKey::Int64(k as i64),
                _ => IndexKey::String(&b),
            };
            s.insert(&pool, &mut alloc, key, k as u64).unwrap();
        }
        let idx = commit(s, &pool, &mut alloc);
        let pages = idx.pages(&pool).unwrap();
        for &(pi, at, v) in writes {
            let p = pages[pi as usize % pages.len()];
            let at = at as usize % PAGE_PAYLOAD;
            pool.pin_mut(p, PageKind::Index).unwrap()[at] = v;
        }
        let _ = idx.lookup_column(&pool, &col(&keys));
        let _ = idx.for_each(&pool, |_, _| Ok(()));
        let _ = idx.pages(&pool);
        let mut s = idx.begin();
        let more: Vec<u16> = (430..700).collect();
        let _ = s.insert_column(&pool, &mut alloc, &col(&more), 430);
        for k in (0..700u16).step_by(7) {
            let b = string_key(k);
            let key = match kt {
                IndexKeyType::Int64 => IndexKey::Int64(k as i64),
                _ => IndexKey::String(&b),
            };
            let _ = s.delete(&pool, &mut alloc, key);
            let _ = s.insert(&pool, &mut alloc, key, 1);
            let _ = s.lookup(&pool, key);
        }
        let _ = s.lookup_column(&pool, &col(&keys));
        if finish {
            if let Ok((new, _)) = s.finish(&pool) {
                let _ = new.lookup_column(&pool, &col(&keys));
                let _ = new.for_each(&pool, |_, _| Ok(()));
            }
        } else {
            let _ = s.abandon(&pool);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn int64_sessions_match_model(ops in proptest::collection::vec(op(), 1..120)) {
            run_model(&ops, IndexKeyType::Int64, &|_| Vec::new());
        }

        #[test]
        fn scribbled_pages_never_panic(
            writes in proptest::collection::vec((any::<u16>(), any::<u16>(), any::<u8>()), 1..40),
            strings in any::<bool>(),
            finish in any::<bool>(),
        ) {
            let kt = if strings { IndexKeyType::String } else { IndexKeyType::Int64 };
            scribble_run(kt, &writes, finish);
        }

        #[test]
        fn random_metadata_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            for fp in [0, 1, 7, 1 << 20, u64::MAX] {
                let _ = HashIndex::decode(&mut Decoder::new(&bytes, "index"), fp);
            }
        }

        #[test]
        fn string_sessions_match_model(ops in proptest::collection::vec(op(), 1..120)) {
            run_model(&ops, IndexKeyType::String, &string_key);
        }
    }

    /// Metadata that decodes is used without panics: lookups, walks and a session over it fail
    /// cleanly when its roots and counts point nowhere sensible.
    #[test]
    fn decoded_garbage_metadata_fails_cleanly() {
        let m = MemBackend::new();
        let pool = pool_over(&m, MIN_BUDGET);
        let mut alloc = PageAllocator::new(1);
        let mut s = HashIndex::new(IndexKeyType::Int64).begin();
        s.insert_column(&pool, &mut alloc, &int_col((0..5000).collect()), 0)
            .unwrap()
            .unwrap();
        let idx = commit(s, &pool, &mut alloc);
        pool.flush().unwrap();
        let mut e = Encoder::new();
        idx.encode(&mut e);
        // Swap the roots around, point them at data pages, past the file, at page 0.
        let root_at = [19, 35];
        for (i, v) in [(0usize, 3u64), (0, 900_000), (1, 1), (0, 0)] {
            let mut bad = e.buf.clone();
            bad[root_at[i]..root_at[i] + 8].copy_from_slice(&v.to_le_bytes());
            let Ok(d) = HashIndex::decode(&mut Decoder::new(&bad, "index"), u64::MAX) else {
                continue;
            };
            let _ = d.lookup(&pool, IndexKey::Int64(7));
            let _ = d.lookup_column(&pool, &int_col((0..5000).collect()));
            let _ = d.pages(&pool);
            let _ = d.for_each(&pool, |_, _| Ok(()));
            let mut s = d.begin();
            let mut a = alloc.clone();
            let _ = s.insert(&pool, &mut a, IndexKey::Int64(-1), 1);
            let _ = s.insert_column(&pool, &mut a, &int_col((5000..6000).collect()), 5000);
            let _ = s.finish(&pool);
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

    // ---- The benchmark of the copy-on-write change (same source before and after; only the
    // ---- three adapters below differ).

    fn bench_build(
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        kt: IndexKeyType,
        cols: &[Column],
    ) -> HashIndex {
        let mut s = HashIndex::new(kt).begin();
        let mut first = 0u64;
        for c in cols {
            s.insert_column(pool, alloc, c, first).unwrap().unwrap();
            first += c.len() as u64;
        }
        s.finish(pool).unwrap().0
    }

    /// A COPY of `col` into the table whose committed index is `idx`: the index it would commit
    /// and the pages it replaces.
    fn bench_copy(
        pool: &BufferPool,
        alloc: &mut PageAllocator,
        idx: &HashIndex,
        col: &Column,
    ) -> (HashIndex, usize) {
        let mut s = idx.begin();
        s.insert_column(pool, alloc, col, idx.len())
            .unwrap()
            .unwrap();
        let (new, replaced) = s.finish(pool).unwrap();
        (new, replaced.len())
    }

    fn bench_lookup(pool: &BufferPool, idx: &HashIndex, key: IndexKey) -> Option<u64> {
        idx.lookup(pool, key).unwrap()
    }

    /// 2M INT64 keys and 1M STRING keys (19 bytes, inline; 31 bytes, spilled to string pages)
    /// through a 16 MiB pool: built in batches of 125k as the loader does, looked up in
    /// batches (rel endpoints) and one by one (point queries), then a COPY of 100 and 10k keys
    /// into the populated index. Each measurement runs `INDEX_BENCH_REPS` times (default 5; a
    /// build starts from an empty file each time): one line with the minimum and median CPU
    /// seconds (all threads), the median wall seconds, and the pool misses and write-backs of
    /// the first run.
    /// `cargo test --release --lib index_bench_16mib -- --ignored --nocapture --test-threads 1`
    /// (`INDEX_BENCH_ONLY=build`: only the measurements whose name contains "build").
    #[test]
    #[ignore]
    fn index_bench_16mib() {
        use crate::storage::buffer::PoolStats;
        let reps: usize = std::env::var("INDEX_BENCH_REPS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5);
        // `INDEX_BENCH_ONLY=text`: only the measurements whose name contains it (builds the
        // others need still run, once).
        let only = std::env::var("INDEX_BENCH_ONLY").unwrap_or_default();
        let measure = |what: &str, f: &mut dyn FnMut() -> String| {
            if !what.contains(&only) {
                if what.contains("build") {
                    f();
                }
                return;
            }
            let (mut cpu, mut wall, mut note) = (Vec::new(), Vec::new(), String::new());
            for r in 0..reps {
                let (t, c) = (std::time::Instant::now(), cpu_secs());
                let n = f();
                cpu.push(cpu_secs() - c);
                wall.push(t.elapsed().as_secs_f64());
                if r == 0 {
                    note = n;
                }
            }
            cpu.sort_by(f64::total_cmp);
            wall.sort_by(f64::total_cmp);
            eprintln!(
                "BENCH {what:<40} cpu min {:>6.3}s med {:>6.3}s  wall med {:>6.3}s  {note}",
                cpu[0],
                cpu[reps / 2],
                wall[reps / 2]
            );
        };
        let delta = |pool: &BufferPool, before: PoolStats| {
            let s = pool.stats();
            format!(
                "pins {} misses {} writebacks {}",
                s.hits + s.misses - before.hits - before.misses,
                s.misses - before.misses,
                s.writebacks - before.writebacks
            )
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
        // Builds `cols` into a new index in a new 16 MiB pool over an empty file.
        let build = |kt: IndexKeyType, cols: &[Column]| {
            let m = MemBackend::new();
            let pool = pool_over(&m, 16 << 20);
            let mut alloc = PageAllocator::new(1);
            let idx = bench_build(&pool, &mut alloc, kt, cols);
            let note = delta(&pool, PoolStats::default());
            ((pool, alloc, idx), note)
        };
        // INT64.
        let n = 2_000_000usize;
        let ikey = |k: usize| (k as i64).wrapping_mul(0x5851_F42D_4C95_7F2D) >> 3;
        let icols = batches(n, &|r| int_col(r.map(ikey).collect()));
        let mut built = None;
        measure("INT64 2M build", &mut || {
            let (b, note) = build(IndexKeyType::Int64, &icols);
            built = Some(b);
            note
        });
        let Some((pool, mut alloc, idx)) = built.take() else {
            return;
        };
        measure("INT64 2M lookup_column", &mut || {
            let s = pool.stats();
            let mut first = 0u64;
            for c in &icols {
                let got = idx.lookup_column(&pool, c).unwrap();
                assert!(got.iter().zip(first..).all(|(o, i)| *o == Some(i)));
                first += c.len() as u64;
            }
            delta(&pool, s)
        });
        let probes: Vec<usize> = (0..400_000).map(|_| next() as usize % (2 * n)).collect();
        measure("INT64 400k point lookups (half absent)", &mut || {
            let s = pool.stats();
            for &k in &probes {
                let got = bench_lookup(&pool, &idx, IndexKey::Int64(ikey(k)));
                assert_eq!(got, (k < n).then_some(k as u64));
            }
            delta(&pool, s)
        });
        for extra in [100, 10_000] {
            let col = int_col((n..n + extra).map(ikey).collect());
            measure(&format!("INT64 COPY {extra} into 2M"), &mut || {
                let (new, replaced) = bench_copy(&pool, &mut alloc, &idx, &col);
                assert_eq!(new.len(), (n + extra) as u64);
                format!("pages freed {replaced}")
            });
        }
        drop((pool, idx));
        // STRING, inline and spilled.
        for (what, fmt) in [
            ("STRING(19 B)", "person-" as &str),
            ("STRING(31 B)", "a-long-person-name-"),
        ] {
            let n = 1_000_000usize;
            let skey = |k: usize| format!("{fmt}{k:012}").into_bytes();
            let scols = batches(n, &|r| str_col(&r.map(skey).collect::<Vec<_>>()));
            let mut built = None;
            measure(&format!("{what} 1M build"), &mut || {
                let (b, note) = build(IndexKeyType::String, &scols);
                built = Some(b);
                note
            });
            let Some((pool, mut alloc, idx)) = built.take() else {
                return;
            };
            measure(&format!("{what} 1M lookup_column"), &mut || {
                let s = pool.stats();
                let mut first = 0u64;
                for c in &scols {
                    let got = idx.lookup_column(&pool, c).unwrap();
                    assert!(got.iter().zip(first..).all(|(o, i)| *o == Some(i)));
                    first += c.len() as u64;
                }
                delta(&pool, s)
            });
            let probes: Vec<(usize, Vec<u8>)> = (0..200_000)
                .map(|_| {
                    let k = next() as usize % (2 * n);
                    (k, skey(k))
                })
                .collect();
            measure(&format!("{what} 200k point lookups"), &mut || {
                let s = pool.stats();
                for (k, b) in &probes {
                    let got = bench_lookup(&pool, &idx, IndexKey::String(b));
                    assert_eq!(got, (*k < n).then_some(*k as u64));
                }
                delta(&pool, s)
            });
            for extra in [100, 10_000] {
                let col = str_col(&(n..n + extra).map(skey).collect::<Vec<_>>());
                measure(&format!("{what} COPY {extra} into 1M"), &mut || {
                    let (new, replaced) = bench_copy(&pool, &mut alloc, &idx, &col);
                    assert_eq!(new.len(), (n + extra) as u64);
                    format!("pages freed {replaced}")
                });
            }
        }
    }
}

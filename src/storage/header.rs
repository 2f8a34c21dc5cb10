//! The header page (page 0): fixed prefix (twice) and two alternating checkpoint slots.
//!
//! Owns: the header's byte layout (docs/FORMAT.md, "Header page"), its verification and
//! slot choice. Prefix (bytes 0..64, and a copy at 1536..1600 in its own disk sector): magic,
//! format version, page size, database id, CRC32C; opening uses the second copy when the
//! first is damaged. Slots at 512 and 1024 (each 512 bytes, in their own disk sectors):
//! generation, file length in pages, and references to the catalog, metadata and free-list
//! blobs, CRC32C. A checkpoint writes the slot that is not current with generation + 1 and
//! syncs, then mirrors it into the other slot and syncs; opening takes the valid slot with the
//! higher generation, so a torn slot write falls back to the previous checkpoint, and damage
//! to a slot of a completed checkpoint falls back to its mirror (never to older data). One
//! damaged byte anywhere in page 0 therefore never makes the data unreadable; `ruzu check`
//! (strict decoding) reports it.

use super::page::{PAGE_PAYLOAD, PAGE_SIZE};
use crate::error::{Error, Result};

pub const MAGIC: [u8; 8] = [0x89, b'R', b'U', b'Z', b'U', b'\r', b'\n', 0x1a];
/// The on-disk format this build reads and writes.
pub const FORMAT_VERSION: u32 = 6;
pub const PREFIX_SIZE: usize = 64;
const PREFIX_CRC_AT: usize = 60;
/// Where the two copies of the prefix start (the second in its own 512-byte sector).
pub const PREFIX_OFFSETS: [usize; 2] = [0, 1536];
pub const SLOT_OFFSETS: [usize; 2] = [512, 1024];
pub const SLOT_SIZE: usize = 512;
const SLOT_CRC_AT: usize = SLOT_SIZE - 4;

/// What a 64-byte prefix area holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PrefixState {
    /// No magic: not written, or not a ruzu file, or the magic itself is damaged.
    NoMagic,
    /// The magic, but the checksum fails.
    Damaged,
    /// A prefix with a valid checksum (its fields not yet checked).
    Valid,
}

fn prefix_state(b: &[u8]) -> PrefixState {
    if b.len() < PREFIX_SIZE || b[..8] != MAGIC {
        return PrefixState::NoMagic;
    }
    let crc = u32::from_le_bytes([b[60], b[61], b[62], b[63]]);
    if crc32c::crc32c(&b[..PREFIX_CRC_AT]) != crc {
        return PrefixState::Damaged;
    }
    PrefixState::Valid
}

/// What `Header::creation_state` found in the first bytes of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreationState {
    /// A header that holds (or held) a checkpoint, or bytes that are not ruzu's.
    NotUnfinished,
    /// Page 0 as `Pager::create` writes it before its first checkpoint, or a part of it: the
    /// creation was interrupted, no data was ever committed.
    Unfinished,
    /// Page 0 is all zeros (or the file is empty): unfinished if every later page is a ruzu
    /// page (sealed with the right page number, or empty).
    Blank,
}

/// A run of pages holding `byte_len` bytes of one blob (payload bytes of consecutive pages).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlobRef {
    pub first_page: u64,
    pub page_count: u64,
    pub byte_len: u64,
}

/// The contents of one header slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slot {
    pub generation: u64,
    pub page_count: u64,
    pub catalog: BlobRef,
    pub metadata: BlobRef,
    pub free_list: BlobRef,
}

impl Slot {
    pub fn encode(&self) -> [u8; SLOT_SIZE] {
        let mut b = [0u8; SLOT_SIZE];
        let mut at = 0;
        let mut put = |v: u64| {
            b[at..at + 8].copy_from_slice(&v.to_le_bytes());
            at += 8;
        };
        put(self.generation);
        put(self.page_count);
        for r in [self.catalog, self.metadata, self.free_list] {
            put(r.first_page);
            put(r.page_count);
            put(r.byte_len);
        }
        let crc = crc32c::crc32c(&b[..SLOT_CRC_AT]);
        b[SLOT_CRC_AT..].copy_from_slice(&crc.to_le_bytes());
        b
    }

    /// `Ok(None)` for a never-written (all-zero) slot.
    pub fn decode(b: &[u8], slot_index: usize) -> Result<Option<Slot>> {
        if b.iter().all(|&x| x == 0) {
            return Ok(None);
        }
        let crc = u32::from_le_bytes([
            b[SLOT_CRC_AT],
            b[SLOT_CRC_AT + 1],
            b[SLOT_CRC_AT + 2],
            b[SLOT_CRC_AT + 3],
        ]);
        if crc32c::crc32c(&b[..SLOT_CRC_AT]) != crc {
            return Err(Error::corrupted(
                Some(0),
                format!("header slot {slot_index} checksum mismatch"),
            ));
        }
        let g = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap_or([0; 8]));
        let r = |i: usize| BlobRef {
            first_page: g(i),
            page_count: g(i + 1),
            byte_len: g(i + 2),
        };
        let s = Slot {
            generation: g(0),
            page_count: g(1),
            catalog: r(2),
            metadata: r(5),
            free_list: r(8),
        };
        if s.generation == 0 {
            return Err(Error::corrupted(
                Some(0),
                format!("header slot {slot_index} has generation 0"),
            ));
        }
        // Page 0 and at least the three blobs; no file of more pages than a u64 of bytes holds.
        if s.page_count < 2 || s.page_count > u64::MAX / PAGE_SIZE as u64 {
            return Err(Error::corrupted(
                Some(0),
                format!(
                    "header slot {slot_index}: page count {} is out of range",
                    s.page_count
                ),
            ));
        }
        for (name, blob) in [
            ("catalog", s.catalog),
            ("metadata", s.metadata),
            ("free list", s.free_list),
        ] {
            let end = blob.first_page.checked_add(blob.page_count);
            // page_count = ceil(byte_len / PAGE_PAYLOAD), exactly.
            let fits = blob.byte_len.div_ceil(PAGE_PAYLOAD as u64) == blob.page_count;
            if blob.page_count > 0 && (blob.first_page == 0 || end.is_none_or(|e| e > s.page_count))
                || !fits
            {
                return Err(Error::corrupted(
                    Some(0),
                    format!("header slot {slot_index}: {name} blob is out of the file's bounds"),
                ));
            }
        }
        Ok(Some(s))
    }
}

/// The verified header page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub db_id: [u8; 16],
    /// Both slots as decoded (`Err` if damaged).
    pub slots: [Option<Slot>; 2],
    /// Which slot is current.
    pub current: usize,
}

impl Header {
    pub fn current_slot(&self) -> Slot {
        self.slots[self.current].unwrap_or_default()
    }

    /// The prefix bytes (64) for a database id.
    pub fn encode_prefix(db_id: &[u8; 16]) -> [u8; PREFIX_SIZE] {
        let mut b = [0u8; PREFIX_SIZE];
        b[..8].copy_from_slice(&MAGIC);
        b[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
        b[12..16].copy_from_slice(&(PAGE_SIZE as u32).to_le_bytes());
        b[16..32].copy_from_slice(db_id);
        let crc = crc32c::crc32c(&b[..PREFIX_CRC_AT]);
        b[PREFIX_CRC_AT..].copy_from_slice(&crc.to_le_bytes());
        b
    }

    /// Page 0 of a new file: the prefix and its copy, no checkpoint in either slot yet.
    pub fn encode_page0(db_id: &[u8; 16]) -> Vec<u8> {
        let mut page0 = vec![0u8; PAGE_SIZE];
        let prefix = Self::encode_prefix(db_id);
        for at in PREFIX_OFFSETS {
            page0[at..at + PREFIX_SIZE].copy_from_slice(&prefix);
        }
        page0
    }

    /// Checks the fields of a prefix whose checksum is valid: version, page size, reserved
    /// bytes. Returns the database id.
    fn check_prefix_fields(b: &[u8]) -> Result<[u8; 16]> {
        let version = u32::from_le_bytes([b[8], b[9], b[10], b[11]]);
        if version != FORMAT_VERSION {
            return Err(Error::Version {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let ps = u32::from_le_bytes([b[12], b[13], b[14], b[15]]);
        if ps as usize != PAGE_SIZE {
            return Err(Error::corrupted(
                Some(0),
                format!("page size {ps} is not {PAGE_SIZE}"),
            ));
        }
        if b[32..60].iter().any(|&x| x != 0) {
            return Err(Error::corrupted(
                Some(0),
                "header reserved bytes are not zero",
            ));
        }
        let mut id = [0u8; 16];
        id.copy_from_slice(&b[16..32]);
        Ok(id)
    }

    /// Checks the prefix: magic, checksum, version, page size. Returns the database id. The
    /// first copy decides when its checksum is valid; when it is damaged, the second copy is
    /// used (with `strict`, a damaged or differing copy is an error).
    fn check_prefixes(page: &[u8], path: &std::path::Path, strict: bool) -> Result<[u8; 16]> {
        let copy = |i: usize| {
            let at = PREFIX_OFFSETS[i];
            page.get(at..at + PREFIX_SIZE).unwrap_or(&[])
        };
        let (a, b) = (copy(0), copy(1));
        match (prefix_state(a), prefix_state(b)) {
            (PrefixState::Valid, sb) => {
                let id = Self::check_prefix_fields(a)?;
                if strict && (sb != PrefixState::Valid || a != b) {
                    return Err(Error::corrupted(
                        Some(0),
                        "second copy of the header prefix is damaged",
                    ));
                }
                Ok(id)
            }
            (sa, PrefixState::Valid) => {
                let id = Self::check_prefix_fields(b)?;
                if strict {
                    return Err(Error::corrupted(
                        Some(0),
                        if sa == PrefixState::NoMagic {
                            "header magic is damaged (the second copy of the prefix is intact)"
                        } else {
                            "header prefix checksum mismatch (the second copy is intact)"
                        },
                    ));
                }
                Ok(id)
            }
            (PrefixState::NoMagic, _) => Err(Error::NotADatabase {
                path: path.to_path_buf(),
            }),
            (PrefixState::Damaged, _) => {
                Err(Error::corrupted(Some(0), "header prefix checksum mismatch"))
            }
        }
    }

    /// Reads the whole header page. With `strict`, any damage is an error, even where
    /// opening would not need the damaged bytes (a slot whose mirror is good, a prefix copy
    /// whose twin is good, bytes that must be zero): used by `ruzu check`. Otherwise opening
    /// falls back to the good copy and ignores the bytes it does not read.
    pub fn decode(page: &[u8], path: &std::path::Path, strict: bool) -> Result<Header> {
        if page.len() != PAGE_SIZE {
            return Err(Error::NotADatabase {
                path: path.to_path_buf(),
            });
        }
        let db_id = Self::check_prefixes(page, path, strict)?;
        if strict {
            let zero_ranges = [
                (PREFIX_SIZE, SLOT_OFFSETS[0]),
                (PREFIX_OFFSETS[1] + PREFIX_SIZE, PAGE_SIZE),
            ];
            for (a, b) in zero_ranges {
                if page[a..b].iter().any(|&x| x != 0) {
                    return Err(Error::corrupted(
                        Some(0),
                        format!("header bytes {a}..{b} are not zero"),
                    ));
                }
            }
        }
        let mut slots = [None, None];
        let mut first_err = None;
        for (i, &off) in SLOT_OFFSETS.iter().enumerate() {
            match Slot::decode(&page[off..off + SLOT_SIZE], i) {
                Ok(s) => slots[i] = s,
                Err(e) => {
                    if strict {
                        return Err(e);
                    }
                    first_err.get_or_insert(e);
                }
            }
        }
        let current = match (slots[0], slots[1]) {
            (Some(a), Some(b)) => {
                if b.generation > a.generation {
                    1
                } else {
                    0
                }
            }
            (Some(_), None) => 0,
            (None, Some(_)) => 1,
            (None, None) => {
                return Err(first_err.unwrap_or_else(|| {
                    Error::corrupted(Some(0), "neither header slot holds a checkpoint")
                }))
            }
        };
        Ok(Header {
            db_id,
            slots,
            current,
        })
    }

    /// Whether `start`, the first `min(file length, PAGE_SIZE)` bytes of a file, is what an
    /// interrupted `Pager::create` can leave behind: page 0 (or the part of it that reached
    /// the disk) holding nothing but this format's prefix copies, or nothing at all, and no
    /// slot ever written. A slot is written in one 512-byte sector, so a slot that is not all
    /// zeros was written: such a file is never treated as unfinished, nor is a file of another
    /// format version or a foreign one.
    pub fn creation_state(start: &[u8]) -> CreationState {
        use CreationState::*;
        let n = start.len().min(PAGE_SIZE);
        let zero = |a: usize, b: usize| start[a.min(n)..b.min(n)].iter().all(|&x| x == 0);
        if !zero(PREFIX_SIZE, SLOT_OFFSETS[0])
            || !zero(SLOT_OFFSETS[0], SLOT_OFFSETS[1] + SLOT_SIZE)
            || !zero(PREFIX_OFFSETS[1] + PREFIX_SIZE, PAGE_SIZE)
        {
            return NotUnfinished;
        }
        let mut any = false;
        for at in PREFIX_OFFSETS {
            if at >= n {
                continue;
            }
            let b = &start[at..(at + PREFIX_SIZE).min(n)];
            if b.iter().all(|&x| x == 0) {
                continue;
            }
            any = true;
            let ours = if b.len() < PREFIX_SIZE {
                // A torn first write: what there is must be the start of a prefix.
                let m = b.len().min(8);
                b[..m] == MAGIC[..m] && (b.len() < 12 || b[8..12] == FORMAT_VERSION.to_le_bytes())
            } else {
                prefix_state(b) == PrefixState::Valid && Self::check_prefix_fields(b).is_ok()
            };
            if !ours {
                return NotUnfinished;
            }
        }
        if any {
            Unfinished
        } else {
            Blank
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn page_with(slots: &[(usize, Slot)]) -> Vec<u8> {
        let mut p = Header::encode_page0(&[7u8; 16]);
        for &(i, s) in slots {
            p[SLOT_OFFSETS[i]..SLOT_OFFSETS[i] + SLOT_SIZE].copy_from_slice(&s.encode());
        }
        p
    }

    fn slot(generation: u64) -> Slot {
        Slot {
            generation,
            page_count: 10,
            catalog: BlobRef {
                first_page: 1,
                page_count: 1,
                byte_len: 100,
            },
            ..Default::default()
        }
    }

    #[test]
    fn newest_valid_slot_wins_and_torn_slot_falls_back() {
        let p = page_with(&[(0, slot(3)), (1, slot(4))]);
        let h = Header::decode(&p, Path::new("x"), true).unwrap();
        assert_eq!(h.current, 1);
        assert_eq!(h.current_slot(), slot(4));
        assert_eq!(h.db_id, [7u8; 16]);
        let mut torn = p.clone();
        torn[SLOT_OFFSETS[1] + 3] ^= 1;
        let h = Header::decode(&torn, Path::new("x"), false).unwrap();
        assert_eq!(h.current, 0);
        assert!(Header::decode(&torn, Path::new("x"), true).is_err());
    }

    #[test]
    fn every_header_byte_is_checked() {
        let p = page_with(&[(0, slot(1))]);
        for i in 0..PAGE_SIZE {
            let mut q = p.clone();
            q[i] ^= 0x10;
            assert!(
                Header::decode(&q, Path::new("x"), true).is_err(),
                "flip at byte {i} undetected"
            );
        }
    }

    #[test]
    fn foreign_and_other_version_files() {
        let e = Header::decode(&[0u8; PAGE_SIZE], Path::new("f"), false).unwrap_err();
        assert!(matches!(e, Error::NotADatabase { .. }));
        let mut p = page_with(&[(0, slot(1))]);
        p[8..12].copy_from_slice(&7u32.to_le_bytes());
        let crc = crc32c::crc32c(&p[..60]);
        p[60..64].copy_from_slice(&crc.to_le_bytes());
        let e = Header::decode(&p, Path::new("f"), false).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "database file written by ruzu format 7, this build reads format {FORMAT_VERSION}"
            )
        );
    }

    /// The data stays readable whatever single byte of page 0 is damaged: a damaged prefix
    /// falls back to its copy, a damaged slot to its mirror, damaged padding is ignored.
    /// (`ruzu check` reports each of them: `every_header_byte_is_checked`.)
    #[test]
    fn one_damaged_byte_anywhere_in_page0_keeps_the_data_readable() {
        let s = slot(5);
        let p = page_with(&[(0, s), (1, s)]);
        for i in 0..PAGE_SIZE {
            for bit in [0x01u8, 0x80] {
                let mut q = p.clone();
                q[i] ^= bit;
                let h = Header::decode(&q, Path::new("x"), false)
                    .unwrap_or_else(|e| panic!("flip at byte {i}: {e}"));
                assert_eq!(
                    (h.db_id, h.current_slot()),
                    ([7u8; 16], s),
                    "flip at byte {i}"
                );
            }
        }
        // Both prefix copies damaged: no longer readable, and said so.
        let mut q = p.clone();
        q[20] ^= 1;
        q[PREFIX_OFFSETS[1] + 20] ^= 1;
        let e = Header::decode(&q, Path::new("x"), false).unwrap_err();
        assert!(
            e.to_string().contains("header prefix checksum mismatch"),
            "{e}"
        );
    }

    #[test]
    fn what_an_interrupted_creation_leaves() {
        use CreationState::*;
        let page0 = Header::encode_page0(&[9u8; 16]);
        assert_eq!(Header::creation_state(&[]), Blank);
        assert_eq!(Header::creation_state(&[0u8; 700]), Blank);
        assert_eq!(Header::creation_state(&[0u8; PAGE_SIZE]), Blank);
        for n in [1, 5, 8, 11, 12, 40, 64, 100, 1536, 1550, 1600, PAGE_SIZE] {
            assert_eq!(Header::creation_state(&page0[..n]), Unfinished, "{n} bytes");
        }
        // Only the second prefix copy reached the disk.
        let mut b = page0.clone();
        b[..64].fill(0);
        assert_eq!(Header::creation_state(&b), Unfinished);
        // A slot was written: a checkpoint exists (or existed).
        let with_slot = page_with(&[(1, slot(1))]);
        assert_eq!(Header::creation_state(&with_slot), NotUnfinished);
        let mut damaged = with_slot.clone();
        damaged[SLOT_OFFSETS[1] + 9] ^= 1;
        assert_eq!(Header::creation_state(&damaged), NotUnfinished);
        // Other formats and foreign files.
        let mut other = page0.clone();
        other[8..12].copy_from_slice(&2u32.to_le_bytes());
        let crc = crc32c::crc32c(&other[..60]);
        other[60..64].copy_from_slice(&crc.to_le_bytes());
        assert_eq!(Header::creation_state(&other), NotUnfinished);
        assert_eq!(Header::creation_state(&other[..12]), NotUnfinished);
        assert_eq!(Header::creation_state(b"hello, world"), NotUnfinished);
        assert_eq!(Header::creation_state(&MAGIC[..5]), Unfinished);
        let mut junk = page0.clone();
        junk[3000] = 1;
        assert_eq!(Header::creation_state(&junk), NotUnfinished);
    }

    #[test]
    fn hostile_slot_sizes_are_refused() {
        let page_count = |n: u64| Slot {
            page_count: n,
            ..slot(1)
        };
        for bad in [
            page_count(0),
            page_count(1),
            page_count(u64::MAX),
            page_count(1 << 52),
            Slot {
                catalog: BlobRef {
                    first_page: 1,
                    page_count: 1,
                    byte_len: 1 << 60,
                },
                ..slot(1)
            },
            Slot {
                catalog: BlobRef {
                    first_page: 1,
                    page_count: 1 << 62,
                    byte_len: 4000,
                },
                ..slot(1)
            },
            Slot {
                metadata: BlobRef {
                    first_page: u64::MAX,
                    page_count: 2,
                    byte_len: 5000,
                },
                ..slot(1)
            },
        ] {
            let e = Slot::decode(&bad.encode(), 0).unwrap_err();
            assert!(matches!(e, Error::Corrupted { .. }), "{bad:?}: {e}");
        }
    }
}

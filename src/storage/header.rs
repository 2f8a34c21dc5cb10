//! The header page (page 0): fixed prefix and two alternating checkpoint slots.
//!
//! Owns: the header's byte layout (docs/FORMAT.md, "Header page"), its verification and
//! slot choice. Prefix (bytes 0..64): magic, format version, page size, database id, CRC32C.
//! Slots at 512 and 1024 (each 512 bytes, in their own disk sectors): generation, file length
//! in pages, and references to the catalog, metadata and free-list blobs, CRC32C. A checkpoint
//! writes the slot that is not current with generation + 1 and syncs, then mirrors it into the
//! other slot and syncs; opening takes the valid slot with the higher generation, so a torn
//! slot write falls back to the previous checkpoint, and damage to a slot of a completed
//! checkpoint falls back to its mirror (never to older data).

use super::page::PAGE_SIZE;
use crate::error::{Error, Result};

pub const MAGIC: [u8; 8] = [0x89, b'R', b'U', b'Z', b'U', b'\r', b'\n', 0x1a];
/// The on-disk format this build reads and writes.
pub const FORMAT_VERSION: u32 = 3;
const PREFIX_CRC_AT: usize = 60;
pub const SLOT_OFFSETS: [usize; 2] = [512, 1024];
pub const SLOT_SIZE: usize = 512;
const SLOT_CRC_AT: usize = SLOT_SIZE - 4;

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
        for (name, blob) in [
            ("catalog", s.catalog),
            ("metadata", s.metadata),
            ("free list", s.free_list),
        ] {
            let end = blob.first_page.checked_add(blob.page_count);
            let fits = blob.byte_len <= blob.page_count * super::page::PAGE_PAYLOAD as u64;
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

    /// The prefix bytes (0..64) for a database id.
    pub fn encode_prefix(db_id: &[u8; 16]) -> [u8; 64] {
        let mut b = [0u8; 64];
        b[..8].copy_from_slice(&MAGIC);
        b[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
        b[12..16].copy_from_slice(&(PAGE_SIZE as u32).to_le_bytes());
        b[16..32].copy_from_slice(db_id);
        let crc = crc32c::crc32c(&b[..PREFIX_CRC_AT]);
        b[PREFIX_CRC_AT..].copy_from_slice(&crc.to_le_bytes());
        b
    }

    /// Checks the prefix: magic, checksum, version, page size. Returns the database id.
    pub fn check_prefix(page: &[u8], path: &std::path::Path) -> Result<[u8; 16]> {
        if page.len() < 64 || page[..8] != MAGIC {
            return Err(Error::NotADatabase {
                path: path.to_path_buf(),
            });
        }
        let crc = u32::from_le_bytes([page[60], page[61], page[62], page[63]]);
        if crc32c::crc32c(&page[..PREFIX_CRC_AT]) != crc {
            return Err(Error::corrupted(Some(0), "header prefix checksum mismatch"));
        }
        let version = u32::from_le_bytes([page[8], page[9], page[10], page[11]]);
        if version != FORMAT_VERSION {
            return Err(Error::Version {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let ps = u32::from_le_bytes([page[12], page[13], page[14], page[15]]);
        if ps as usize != PAGE_SIZE {
            return Err(Error::corrupted(
                Some(0),
                format!("page size {ps} is not {PAGE_SIZE}"),
            ));
        }
        if page[32..60].iter().any(|&b| b != 0) {
            return Err(Error::corrupted(
                Some(0),
                "header reserved bytes are not zero",
            ));
        }
        let mut id = [0u8; 16];
        id.copy_from_slice(&page[16..32]);
        Ok(id)
    }

    /// Reads the whole header page. With `strict`, a damaged slot is an error even when the
    /// other slot is good (used by `ruzu check`); otherwise opening falls back to the good one.
    pub fn decode(page: &[u8], path: &std::path::Path, strict: bool) -> Result<Header> {
        if page.len() != PAGE_SIZE {
            return Err(Error::NotADatabase {
                path: path.to_path_buf(),
            });
        }
        let db_id = Self::check_prefix(page, path)?;
        let zero_ranges = [
            (64, SLOT_OFFSETS[0]),
            (SLOT_OFFSETS[1] + SLOT_SIZE, PAGE_SIZE),
        ];
        for (a, b) in zero_ranges {
            if page[a..b].iter().any(|&x| x != 0) {
                return Err(Error::corrupted(
                    Some(0),
                    format!("header bytes {a}..{b} are not zero"),
                ));
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn page_with(slots: &[(usize, Slot)]) -> Vec<u8> {
        let mut p = vec![0u8; PAGE_SIZE];
        p[..64].copy_from_slice(&Header::encode_prefix(&[7u8; 16]));
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
}

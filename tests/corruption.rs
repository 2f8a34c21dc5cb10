//! Damaged and foreign files: `ruzu check` finds every flipped byte, reads of a damaged page
//! fail with a corruption error (never data), a file of another format version is refused by
//! name, and the on-disk format's fixed bytes are pinned (docs/FORMAT.md is the contract).

mod common;

use common::*;
use ruzu::storage::page::{PageKind, PAGE_SIZE};
use ruzu::{Config, Database, Error};
use std::path::Path;

fn flip(path: &Path, at: u64) {
    let mut b = std::fs::read(path).unwrap();
    b[at as usize] ^= 0x20;
    std::fs::write(path, b).unwrap();
}

fn loaded() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fx.ruzu");
    load_fixtures(&out, 2);
    (dir, out)
}

/// The first page of each kind, read from the page trailers.
fn first_page_of(path: &Path, kind: PageKind) -> u64 {
    let b = std::fs::read(path).unwrap();
    (1..b.len() / PAGE_SIZE)
        .find(|&p| b[p * PAGE_SIZE + PAGE_SIZE - 8] == kind as u8)
        .unwrap() as u64
}

fn reads_everything(path: &Path) -> Result<(), Error> {
    let db = Database::open_with(
        path,
        Config {
            read_only: true,
            ..Config::default()
        },
    )?;
    let snap = db.snapshot();
    for t in &snap.catalog.tables {
        if t.is_node() {
            let data = snap.meta.node(t.id).unwrap();
            for i in 0..t.properties.len() {
                let mut c = ruzu::types::vector::Column::new(t.properties[i].ty.clone());
                data.scan(db.pager().pool(), i, 0, data.num_rows as usize, &mut c)?;
            }
        }
    }
    Ok(())
}

#[test]
fn flipped_header_byte_is_found() {
    for at in [3u64, 9, 20, 61, 515, 530, 1100, 2000, 4095] {
        let (_d, out) = loaded();
        flip(&out, at);
        assert!(ruzu::inspect::check(&out).is_err(), "header byte {at}");
    }
}

#[test]
fn a_damaged_header_slot_falls_back_to_the_same_data() {
    let (_d, out) = loaded();
    let before = {
        let db = Database::open(&out).unwrap();
        node_rows(&db, "Person")
    };
    for at in [520u64, 1030] {
        let (_d2, copy) = loaded();
        std::fs::copy(&out, &copy).unwrap();
        flip(&copy, at);
        assert!(ruzu::inspect::check(&copy).is_err());
        let db = Database::open(&copy).unwrap();
        assert_eq!(node_rows(&db, "Person"), before, "slot byte {at}");
    }
}

#[test]
fn flipped_catalog_byte_is_found_and_refused() {
    let (_d, out) = loaded();
    // The current checkpoint's catalog (the one the load's first checkpoint wrote is free).
    let b = std::fs::read(&out).unwrap();
    let gen = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let p = gen(512 + 16);
    assert_eq!(b[p as usize * PAGE_SIZE + 4088], PageKind::Catalog as u8);
    flip(&out, p * PAGE_SIZE as u64 + 10);
    let e = ruzu::inspect::check(&out).unwrap_err();
    assert!(
        matches!(e, Error::Corrupted { page: Some(q), .. } if q == p),
        "{e}"
    );
    let e = Database::open(&out).err().unwrap();
    assert!(
        matches!(e, Error::Corrupted { page: Some(q), .. } if q == p),
        "{e}"
    );
}

#[test]
fn flipped_data_byte_is_found_and_reading_it_fails() {
    let (_d, out) = loaded();
    assert!(reads_everything(&out).is_ok());
    let p = first_page_of(&out, PageKind::Bytes);
    flip(&out, p * PAGE_SIZE as u64 + 3);
    let e = ruzu::inspect::check(&out).unwrap_err();
    assert!(
        matches!(e, Error::Corrupted { page: Some(q), .. } if q == p),
        "{e}"
    );
    let e = reads_everything(&out).unwrap_err();
    assert!(
        matches!(e, Error::Corrupted { page: Some(q), .. } if q == p),
        "{e}"
    );
}

/// Every byte of a small database, flipped one at a time, is found by `ruzu check`.
/// Exhaustive in release (CI); a sample in debug.
#[test]
fn every_flipped_byte_is_found() {
    let (_d, out) = loaded();
    let clean = std::fs::read(&out).unwrap();
    let step = if cfg!(debug_assertions) { 997 } else { 1 };
    let mut at = 0;
    while at < clean.len() {
        let mut b = clean.clone();
        b[at] ^= 0x01;
        std::fs::write(&out, &b).unwrap();
        assert!(
            ruzu::inspect::check(&out).is_err(),
            "flip at byte {at} not found"
        );
        at += step;
    }
}

#[test]
fn other_version_and_foreign_files_are_refused_by_name() {
    let (_d, out) = loaded();
    let base = std::fs::read(&out).unwrap();
    // Files of earlier formats, opened for writing too: refused, never recreated. 5: CSR
    // groups and property chunks whole, never in parts; 4: the
    // primary-key index of page extents and page chains (copied whole by every change);
    // 3: one copy of the header prefix, and nothing at 1536..1600; 2: before deleted-rows
    // chunks in node groups.
    for (version, second_prefix) in [(5u32, true), (4, true), (3, false)] {
        let mut b = base.clone();
        b[8..12].copy_from_slice(&version.to_le_bytes());
        let crc = crc32c::crc32c(&b[..60]);
        b[60..64].copy_from_slice(&crc.to_le_bytes());
        if second_prefix {
            b.copy_within(0..64, 1536);
        } else {
            b[1536..1600].fill(0);
        }
        std::fs::write(&out, &b).unwrap();
        let e = Database::open(&out).err().unwrap();
        assert_eq!(
            e.to_string(),
            format!("database file written by ruzu format {version}, this build reads format 6")
        );
        assert!(ruzu::inspect::check(&out).is_err());
        assert_eq!(std::fs::read(&out).unwrap(), b);
    }

    let foreign = out.with_file_name("notes.txt");
    std::fs::write(&foreign, "hello, this is not a database\n".repeat(200)).unwrap();
    let e = Database::open(&foreign).err().unwrap();
    assert!(e.to_string().contains("is not a ruzu database file"), "{e}");
}

#[test]
fn format_bytes_are_pinned() {
    let (_d, out) = loaded();
    let b = std::fs::read(&out).unwrap();
    assert_eq!(b.len() % PAGE_SIZE, 0);
    // Prefix: magic, version 6, page size 4096, database id, zeros, CRC32C of 0..60.
    assert_eq!(&b[..8], &[0x89, b'R', b'U', b'Z', b'U', b'\r', b'\n', 0x1a]);
    assert_eq!(u32::from_le_bytes(b[8..12].try_into().unwrap()), 6);
    assert_eq!(u32::from_le_bytes(b[12..16].try_into().unwrap()), 4096);
    assert_eq!(&b[16..32], &[7u8; 16]);
    assert!(b[32..60].iter().all(|&x| x == 0));
    assert_eq!(
        u32::from_le_bytes(b[60..64].try_into().unwrap()),
        crc32c::crc32c(&b[..60])
    );
    assert!(b[64..512].iter().all(|&x| x == 0));
    // Slots at 512 and 1024: the load's final checkpoint (generation 2) in both, mirrored.
    let gen = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    assert_eq!([gen(512), gen(1024)], [2, 2]);
    assert_eq!(b[512..1024], b[1024..1536]);
    let cur = 512;
    let page_count = u64::from_le_bytes(b[cur + 8..cur + 16].try_into().unwrap());
    assert_eq!(page_count * PAGE_SIZE as u64, b.len() as u64);
    assert_eq!(
        u32::from_le_bytes(b[cur + 508..cur + 512].try_into().unwrap()),
        crc32c::crc32c(&b[cur..cur + 508])
    );
    // The prefix again at 1536 (its own disk sector), then zeros.
    assert_eq!(b[1536..1600], b[..64]);
    assert!(b[1600..4096].iter().all(|&x| x == 0));
    // Every other page: sealed (kind at 4088, zeros, CRC32C of page number + bytes at 4092)
    // or all zeros.
    for p in 1..b.len() / PAGE_SIZE {
        let pg = &b[p * PAGE_SIZE..(p + 1) * PAGE_SIZE];
        if pg.iter().all(|&x| x == 0) {
            continue;
        }
        assert!((1..=7).contains(&pg[4088]), "page {p} kind");
        assert_eq!(&pg[4089..4092], &[0, 0, 0]);
        let crc = crc32c::crc32c_append(crc32c::crc32c(&(p as u64).to_le_bytes()), &pg[..4092]);
        assert_eq!(
            u32::from_le_bytes(pg[4092..].try_into().unwrap()),
            crc,
            "page {p}"
        );
    }
}

/// `ruzu check` accounts for every page: a page that is neither referenced nor free has
/// leaked, and is named.
#[test]
fn a_leaked_page_is_found_and_named() {
    use ruzu::storage::buffer::MemoryManager;
    use ruzu::storage::file::OsBackend;
    use ruzu::storage::pager::{CheckpointData, Pager};
    let (_d, out) = loaded();
    let leaked = {
        let backend = std::sync::Arc::new(OsBackend::open(&out, true).unwrap());
        let (p, cat, meta) = Pager::open(backend, MemoryManager::new(1 << 20), &out).unwrap();
        // A page written and then committed without anything referencing it.
        let r = p.write_blob(PageKind::Column, &[5u8; 100]).unwrap();
        p.checkpoint(CheckpointData {
            catalog: &cat,
            metadata: &meta,
        })
        .unwrap();
        r.first_page
    };
    let e = ruzu::inspect::check(&out).unwrap_err();
    assert!(
        matches!(e, Error::Corrupted { page: Some(q), .. } if q == leaked),
        "{e}"
    );
    assert!(e.to_string().contains("leaked"), "{e}");
}

/// A COPY killed mid-write leaves pages past the checkpoint's end (here: the first pages a
/// completed COPY would have written, the last one torn). That is free space, not damage:
/// `ruzu check` says so and succeeds, a read-only open leaves the file alone, and the next
/// writable open trims it.
#[test]
fn pages_past_the_checkpoint_are_free_space_not_damage() {
    let (d, out) = loaded();
    let clean = std::fs::read(&out).unwrap();
    let grown = d.path().join("grown.ruzu");
    std::fs::copy(&out, &grown).unwrap();
    {
        let db = Database::open(&grown).unwrap();
        let people = d.path().join("more.csv");
        let rows: String = (100..3000)
            .map(|i| format!("{i},p{i},,,,,,,,,\n"))
            .collect();
        std::fs::write(&people, rows).unwrap();
        db.connect()
            .query(&format!("COPY Person FROM '{}'", people.display()))
            .unwrap();
    }
    let grown = std::fs::read(&grown).unwrap();
    assert!(grown.len() > clean.len() + 3 * PAGE_SIZE);
    let mut crashed = clean.clone();
    crashed.extend_from_slice(&grown[clean.len()..clean.len() + 2 * PAGE_SIZE + 1000]);
    std::fs::write(&out, &crashed).unwrap();

    let r = ruzu::inspect::check(&out).unwrap();
    assert_eq!(r.tail_bytes, 2 * PAGE_SIZE as u64 + 1000);
    assert_eq!(r.pages, (clean.len() / PAGE_SIZE) as u64);
    let notes = r.notes().join("\n");
    assert!(notes.contains("past the checkpoint's end"), "{notes}");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ruzu"))
        .args(["check", out.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("ok: ") && text.contains("note: "),
        "{text}"
    );

    assert!(reads_everything(&out).is_ok());
    assert_eq!(
        std::fs::read(&out).unwrap(),
        crashed,
        "a read-only open changed the file"
    );
    drop(Database::open(&out).unwrap());
    assert_eq!(std::fs::read(&out).unwrap(), clean);
    assert_eq!(ruzu::inspect::check(&out).unwrap().tail_bytes, 0);
}

/// A crash while a database file is being created (before its first checkpoint) leaves a
/// file with no data in it: empty, shorter than a header, or a header with no slot written
/// yet, with or without some blob pages. Opening it read-only says so; opening it for
/// writing creates the database anew. Files that hold a checkpoint, or are foreign, are never
/// replaced.
#[test]
fn a_crash_during_creation_leaves_a_file_that_is_recreated() {
    use ruzu::storage::buffer::MemoryManager;
    use ruzu::storage::file::{MemBackend, StorageBackend};
    use ruzu::storage::pager::Pager;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.ruzu");
    let mut states: Vec<Vec<u8>> = vec![Vec::new()];
    // Every crash point of a creation, with what a crash may leave unsynced too.
    for cut in 0..8 {
        let m = MemBackend::new();
        m.crash_after_writes(cut);
        let be: std::sync::Arc<dyn StorageBackend> = std::sync::Arc::new(m.clone());
        let done = Pager::create(
            be,
            MemoryManager::new(1 << 20),
            &path,
            [4; 16],
            &ruzu::catalog::Catalog::new().encode(),
            &ruzu::storage::table::StorageMeta::default().encode(),
        );
        if done.is_ok() {
            break;
        }
        let c = m.contents();
        for n in [m.durable().len(), 11, 100, PAGE_SIZE, c.len()] {
            let b = c[..n.min(c.len())].to_vec();
            // Up to (not including) the first slot write.
            if b.len() <= 512 || b[512..1536.min(b.len())].iter().all(|&x| x == 0) {
                states.push(b);
            }
        }
    }
    assert!(states.len() > 10);
    let ro = Config {
        read_only: true,
        ..Config::default()
    };
    for bytes in states {
        std::fs::write(&path, &bytes).unwrap();
        // The previous round's database left its WAL; a creation that crashed before its
        // first checkpoint has none yet.
        let _ = std::fs::remove_file(dir.path().join("new.ruzu.wal"));
        let what = format!("{} bytes", bytes.len());
        let e = Database::open_with(&path, ro.clone()).err().unwrap();
        assert!(
            e.to_string().contains("never completely created"),
            "{what}: {e}"
        );
        let db = Database::open(&path).unwrap_or_else(|e| panic!("{what}: {e}"));
        let c = db.connect();
        c.query("CREATE NODE TABLE T(id INT64 PRIMARY KEY)")
            .unwrap();
        drop(c);
        drop(db);
        ruzu::inspect::check(&path).unwrap_or_else(|e| panic!("{what}: {e}"));
    }

    // Never replaced: a foreign file, short or long; a file with a checkpoint whose slots
    // are both damaged.
    for foreign in [b"hello, world".to_vec(), b"not a database\n".repeat(1000)] {
        std::fs::write(&path, &foreign).unwrap();
        let e = Database::open(&path).err().unwrap();
        assert!(matches!(e, Error::NotADatabase { .. }), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), foreign);
    }
    let (_d, out) = loaded();
    let mut b = std::fs::read(&out).unwrap();
    b[512 + 30] ^= 1;
    b[1024 + 30] ^= 1;
    std::fs::write(&out, &b).unwrap();
    let e = Database::open(&out).err().unwrap();
    assert!(e.to_string().contains("slot"), "{e}");
    assert_eq!(std::fs::read(&out).unwrap(), b);
}

/// One damaged byte of the header's prefix (magic, version, database id, checksum) leaves
/// the data readable through the second copy; `ruzu check` still reports it.
#[test]
fn a_damaged_header_prefix_falls_back_to_its_copy() {
    let (_d, out) = loaded();
    let before = {
        let db = Database::open(&out).unwrap();
        node_rows(&db, "Person")
    };
    for at in [0u64, 5, 9, 13, 20, 40, 62] {
        let (_d2, copy) = loaded();
        flip(&copy, at);
        assert!(ruzu::inspect::check(&copy).is_err(), "byte {at}");
        assert!(reads_everything(&copy).is_ok(), "byte {at}");
        let db = Database::open(&copy).unwrap();
        assert_eq!(node_rows(&db, "Person"), before, "byte {at}");
    }
}

#[test]
fn check_and_info_wait_for_no_writer() {
    let (_d, out) = loaded();
    let db = Database::open(&out).unwrap();
    for e in [
        ruzu::inspect::check(&out).err().unwrap(),
        ruzu::inspect::info(&out).err().unwrap(),
    ] {
        assert!(
            e.to_string()
                .contains("another process holds its write lock"),
            "{e}"
        );
    }
    drop(db);
    ruzu::inspect::check(&out).unwrap();
    assert!(ruzu::inspect::info(&out)
        .unwrap()
        .starts_with("ruzu format 6"));
}

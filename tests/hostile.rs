//! Files with valid checksums but hostile contents: sizes, counts and page numbers chosen to
//! overflow arithmetic or ask for absurd allocations. Opening, checking and querying such a
//! file gives an error (a `Corrupted` one where the file is at fault), never a panic or an
//! abort (an abort would kill this test process).

use ruzu::storage::buffer::{MemoryManager, MIN_BUDGET};
use ruzu::storage::file::MemBackend;
use ruzu::storage::page::PAGE_SIZE;
use ruzu::storage::pager::{CheckpointData, Pager};
use ruzu::{Config, Database, Error};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A small database with strings, lists, structs, a rel table with properties and a
/// constant column (ALTER ... DEFAULT).
fn build(dir: &Path) -> PathBuf {
    let path = dir.join("base.ruzu");
    let db = Database::open(&path).unwrap();
    let c = db.connect();
    let nodes = dir.join("n.csv");
    let rows: String = (0..300)
        .map(|i| format!("{i},name{i},\"[{i},{},7]\",{}\n", i * 2, i % 3))
        .collect();
    std::fs::write(&nodes, rows).unwrap();
    let rels = dir.join("e.csv");
    let rows: String = (0..500)
        .map(|i| format!("{},{},{i}.25\n", i % 300, (i * 7) % 300))
        .collect();
    std::fs::write(&rels, rows).unwrap();
    for q in [
        "CREATE NODE TABLE N(id INT64 PRIMARY KEY, s STRING, l INT64[], k INT64)".to_string(),
        "CREATE REL TABLE E(FROM N TO N, w DOUBLE)".to_string(),
        format!("COPY N FROM '{}'", nodes.display()),
        format!("COPY E FROM '{}'", rels.display()),
        "ALTER TABLE N ADD c STRING DEFAULT 'constant'".to_string(),
    ] {
        c.query(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
    }
    drop(c);
    drop(db);
    ruzu::inspect::check(&path).unwrap();
    path
}

/// The bytes of `base` with its current checkpoint's catalog and metadata replaced (written
/// by the pager: every page sealed, the header consistent).
fn with_blobs(base: &[u8], catalog: Option<&[u8]>, metadata: Option<&[u8]>) -> Vec<u8> {
    let m = MemBackend::from_bytes(base.to_vec());
    let (p, cat, meta) = Pager::open(
        Arc::new(m.clone()),
        MemoryManager::new(MIN_BUDGET),
        Path::new("mem"),
    )
    .unwrap();
    p.checkpoint(CheckpointData {
        catalog: catalog.unwrap_or(&cat),
        metadata: metadata.unwrap_or(&meta),
    })
    .unwrap();
    drop(p);
    m.contents()
}

fn blobs(base: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (_, cat, meta) = Pager::open(
        Arc::new(MemBackend::from_bytes(base.to_vec())),
        MemoryManager::new(MIN_BUDGET),
        Path::new("mem"),
    )
    .unwrap();
    (cat, meta)
}

/// Opens, checks and queries the file; returns the first error (or none). Panics surface as
/// a test failure naming `what`.
fn exercise(path: &Path, bytes: &[u8], what: &str) -> Option<Error> {
    if std::env::var_os("RUZU_HOSTILE_VERBOSE").is_some() {
        eprintln!("{what}");
    }
    std::fs::write(path, bytes).unwrap();
    let run = || -> Option<Error> {
        let checked = ruzu::inspect::check(path).err();
        let _ = ruzu::inspect::info(path);
        let db = match Database::open_with(
            path,
            Config {
                read_only: true,
                buffer_pool_size: 16 << 20,
                ..Config::default()
            },
        ) {
            Ok(db) => db,
            Err(e) => return Some(e),
        };
        let c = db.connect();
        for q in [
            "MATCH (n:N) RETURN n.id, n.s, n.l, n.k, n.c",
            "MATCH (a:N)-[e:E]->(b:N) RETURN a.id, b.s, e.w",
            "MATCH (a:N)<-[e:E]-(b:N) RETURN count(*), sum(e.w)",
            "MATCH (n:N) WHERE n.id = 42 RETURN n.l",
        ] {
            if let Ok(r) = c.query(q) {
                for row in r {
                    if row.is_err() {
                        break;
                    }
                }
            }
        }
        checked
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(e) => e,
        Err(_) => panic!("{what}: panicked"),
    }
}

const HOSTILE: [u64; 8] = [
    u64::MAX,
    1 << 62,
    1 << 52,
    1 << 40,
    (1 << 32) - 1,
    (1 << 17) + 1,
    1,
    0,
];

/// Overwrites 8 (or 4) bytes at every offset of a blob with hostile numbers (a sample in
/// debug builds, every offset in release) and runs everything over the result.
fn clobber_every_offset(which: &str, blob: &[u8], rebuild: impl Fn(&[u8]) -> Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.ruzu");
    let step = if cfg!(debug_assertions) { 7 } else { 1 };
    let mut errors = 0;
    for at in (0..blob.len()).step_by(step) {
        for v in HOSTILE {
            for width in [8usize, 4] {
                if at + width > blob.len() {
                    continue;
                }
                let mut b = blob.to_vec();
                b[at..at + width].copy_from_slice(&v.to_le_bytes()[..width]);
                if b == blob {
                    continue;
                }
                let what = format!("{which} byte {at} = {v:#x} ({width} bytes)");
                if exercise(&path, &rebuild(&b), &what).is_some() {
                    errors += 1;
                }
            }
        }
    }
    assert!(errors > 0);
}

#[test]
fn hostile_metadata_is_an_error_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read(build(dir.path())).unwrap();
    let (_, meta) = blobs(&base);
    clobber_every_offset("metadata", &meta, |m| with_blobs(&base, None, Some(m)));
}

#[test]
fn hostile_catalog_is_an_error_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read(build(dir.path())).unwrap();
    let (cat, _) = blobs(&base);
    clobber_every_offset("catalog", &cat, |c| with_blobs(&base, Some(c), None));
}

/// The numbers of a header slot, made hostile with a valid checksum: the file is refused as
/// corrupted, before anything is allocated from them. (A page count of 2^52 pages once
/// wrapped the byte length to 0 and a catalog of 2^60 bytes aborted the process.)
#[test]
fn hostile_header_slots_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read(build(dir.path())).unwrap();
    let path = dir.path().join("hostile.ruzu");
    let field = |b: &[u8], slot: usize, i: usize| {
        let at = 512 * (slot + 1) + 8 * i;
        u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
    };
    let set = |b: &mut Vec<u8>, i: usize, v: u64| {
        for slot in 0..2 {
            let at = 512 * (slot + 1);
            b[at + 8 * i..at + 8 * i + 8].copy_from_slice(&v.to_le_bytes());
            let crc = crc32c::crc32c(&b[at..at + 508]);
            b[at + 508..at + 512].copy_from_slice(&crc.to_le_bytes());
        }
    };
    // The reported abort: page count 2^52 (bytes wrap to 0), a catalog of 2^60 bytes.
    let mut b = base.clone();
    set(&mut b, 1, 1 << 52);
    set(&mut b, 3, 1 << 50);
    set(&mut b, 4, 1 << 60);
    let e = exercise(&path, &b, "page count 2^52, catalog 2^60 bytes").unwrap();
    assert!(matches!(e, Error::Corrupted { .. }), "{e}");
    // Every field of the slots (generation aside), every hostile value.
    for i in 1..11 {
        for v in HOSTILE {
            let mut b = base.clone();
            if field(&b, 0, i) == v {
                continue;
            }
            set(&mut b, i, v);
            let what = format!("slot field {i} = {v:#x}");
            let e = exercise(&path, &b, &what);
            // Every change of a slot field is refused (by the slot's own checks, or by what
            // the changed reference then finds).
            let e = e.unwrap_or_else(|| panic!("{what}: accepted"));
            assert!(
                matches!(e, Error::Corrupted { .. } | Error::NotADatabase { .. }),
                "{what}: {e}"
            );
        }
    }
    // The file must be as long as its checkpoint says.
    let short = &base[..base.len() - PAGE_SIZE];
    let e = exercise(&path, short, "a page short").unwrap();
    assert!(matches!(e, Error::Corrupted { .. }), "{e}");
}

/// A free list whose numbers are hostile (valid checksums): refused as corrupted.
#[test]
fn hostile_free_list_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read(build(dir.path())).unwrap();
    let path = dir.path().join("hostile.ruzu");
    let slot = |i: usize| u64::from_le_bytes(base[512 + 8 * i..520 + 8 * i].try_into().unwrap());
    let (first, len) = (slot(8), slot(10));
    assert!(first > 0 && len >= 12);
    let page = first as usize * PAGE_SIZE;
    for at in (0..len as usize).step_by(4) {
        for v in HOSTILE {
            let mut b = base.clone();
            let n = 8.min(len as usize - at);
            b[page + at..page + at + n].copy_from_slice(&v.to_le_bytes()[..n]);
            if b == base {
                continue;
            }
            // Re-seal the page: a valid checksum over hostile numbers.
            let mut p = b[page..page + PAGE_SIZE].to_vec();
            ruzu::storage::page::seal(first, ruzu::storage::page::PageKind::FreeList, &mut p);
            b[page..page + PAGE_SIZE].copy_from_slice(&p);
            let what = format!("free list byte {at} = {v:#x}");
            let e = exercise(&path, &b, &what);
            if let Some(e) = e {
                assert!(matches!(e, Error::Corrupted { .. }), "{what}: {e}");
            }
        }
    }
}

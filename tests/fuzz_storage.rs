//! Fuzzing the file decoders with valid checksums: random bytes stop at the page CRC, so each
//! case takes a real database file, mutates one of its structures (the catalog blob, the
//! storage-metadata blob with its node groups, CSR groups and hash-index descriptors, any data
//! or index page, the header slot) and seals it again, then decodes, checks (`ruzu check`),
//! opens and queries the result, and sometimes opens it for writing and commits. Every
//! outcome is allowed except a panic, an abort, a hang or an allocation past the budget (see
//! `tests/fuzz/mod.rs` for the environment variables: `RUZU_FUZZ_SECS=120 cargo test
//! --release --test fuzz_storage` runs each target for two minutes).

mod fuzz;

use fuzz::{mutate, Rng};
use ruzu::storage::buffer::{MemoryManager, MIN_BUDGET};
use ruzu::storage::file::MemBackend;
use ruzu::storage::page::{seal, PageKind, PAGE_SIZE};
use ruzu::storage::pager::{CheckpointData, Pager};
use ruzu::{Config, Database};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[global_allocator]
static ALLOC: fuzz::Counting = fuzz::Counting;

/// A small database with every kind of structure: INT64 and STRING primary keys (two hash
/// indexes), strings, lists, a struct, a constant column (ALTER ... DEFAULT), rels with
/// properties in both directions, a MANY_ONE rel, deleted rows.
fn build(dir: &Path) -> PathBuf {
    let path = dir.join("base.ruzu");
    let db = Database::open_with(
        &path,
        Config {
            threads: 1,
            ..Config::default()
        },
    )
    .unwrap();
    let c = db.connect();
    let nodes = dir.join("n.csv");
    let rows: String = (0..300)
        .map(|i| format!("{i},name{i},\"[{i},{},7]\",{}\n", i * 2, i % 3))
        .collect();
    std::fs::write(&nodes, rows).unwrap();
    let cities = dir.join("c.csv");
    let rows: String = (0..40).map(|i| format!("city{i},{}\n", i * 1000)).collect();
    std::fs::write(&cities, rows).unwrap();
    let rels = dir.join("e.csv");
    let rows: String = (0..500)
        .map(|i| format!("{},{},{i}.25\n", i % 300, (i * 7) % 300))
        .collect();
    std::fs::write(&rels, rows).unwrap();
    let lives = dir.join("l.csv");
    let rows: String = (0..300).map(|i| format!("{i},city{}\n", i % 40)).collect();
    std::fs::write(&lives, rows).unwrap();
    for q in [
        "CREATE NODE TABLE N(id INT64 PRIMARY KEY, s STRING, l INT64[], k INT64)".to_string(),
        "CREATE NODE TABLE C(name STRING PRIMARY KEY, pop INT64)".to_string(),
        "CREATE REL TABLE E(FROM N TO N, w DOUBLE)".to_string(),
        "CREATE REL TABLE L(FROM N TO C, MANY_ONE)".to_string(),
        format!("COPY N FROM '{}'", nodes.display()),
        format!("COPY C FROM '{}'", cities.display()),
        format!("COPY E FROM '{}'", rels.display()),
        format!("COPY L FROM '{}'", lives.display()),
        "ALTER TABLE N ADD c STRING DEFAULT 'constant'".to_string(),
        "ALTER TABLE C ADD st STRUCT(a INT64, b STRING) DEFAULT {a: 1, b: 'x'}".to_string(),
        "MATCH (n:N) WHERE n.id % 50 = 3 DETACH DELETE n".to_string(),
        "CREATE (:N {id: 1000, s: 'late', l: [1], k: 9})".to_string(),
        "CHECKPOINT".to_string(),
    ] {
        c.query(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
    }
    drop(c);
    drop(db);
    ruzu::inspect::check(&path).unwrap();
    path
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

/// The bytes of `base` with its catalog and metadata replaced, written by the pager (every
/// page sealed, the header consistent).
fn with_blobs(base: &[u8], catalog: &[u8], metadata: &[u8]) -> Vec<u8> {
    let m = MemBackend::from_bytes(base.to_vec());
    let (p, _, _) = Pager::open(
        Arc::new(m.clone()),
        MemoryManager::new(MIN_BUDGET),
        Path::new("mem"),
    )
    .unwrap();
    p.checkpoint(CheckpointData { catalog, metadata }).unwrap();
    drop(p);
    m.contents()
}

const QUERIES: &[&str] = &[
    "MATCH (n:N) RETURN n.id, n.s, n.l, n.k, n.c",
    "MATCH (a:N)-[e:E]->(b:N) RETURN a.id, b.s, e.w",
    "MATCH (a:N)<-[e:E]-(b:N) RETURN count(*), sum(e.w)",
    "MATCH (n:N) WHERE n.id = 42 RETURN n.l",
    "MATCH (c:C) WHERE c.name = 'city7' RETURN c.pop, c.st",
    "MATCH (n:N)-[:L]->(c:C) RETURN c.name, count(*)",
    "MATCH (a:N)-[:E*1..3]->(b:N) WHERE a.id = 1 RETURN count(*)",
    "MATCH (n:N) RETURN min(n.s), max(n.k), count(n.c)",
    "CALL show_tables() RETURN *",
    "CALL table_info('N') RETURN *",
];

fn drain(c: &ruzu::Connection, q: &str) {
    if let Ok(r) = c.query(q) {
        for row in r {
            if row.is_err() {
                break;
            }
        }
    }
}

/// Everything a user can do with a file: check, info, open read-only and query; sometimes
/// open it for writing, write and checkpoint.
fn exercise(path: &Path, bytes: &[u8], rng: &mut Rng) {
    std::fs::write(path, bytes).unwrap();
    let _ = std::fs::remove_file(path.with_extension("ruzu.wal"));
    let _ = ruzu::inspect::check(path);
    let _ = ruzu::inspect::info(path);
    let write = rng.one_in(4);
    let db = Database::open_with(
        path,
        Config {
            read_only: !write,
            buffer_pool_size: 16 << 20,
            threads: 1,
        },
    );
    let Ok(db) = db else { return };
    let c = db.connect();
    drain(&c, "CALL timeout=5000");
    for q in QUERIES {
        drain(&c, q);
    }
    if write {
        for q in [
            "CREATE (:N {id: 5000, s: 'new', l: [1, 2], k: 1})",
            "MATCH (a:N), (b:N) WHERE a.id = 1 AND b.id = 5000 CREATE (a)-[:E {w: 1.5}]->(b)",
            "MATCH (n:N) WHERE n.id = 7 SET n.s = 'changed', n.k = 3",
            "MATCH (n:N) WHERE n.id = 8 DETACH DELETE n",
            "MERGE (c:C {name: 'city7'}) ON MATCH SET c.pop = 1",
            "CHECKPOINT",
            "MATCH (n:N) RETURN count(*)",
        ] {
            drain(&c, q);
        }
        drop(c);
        drop(db);
        let _ = ruzu::inspect::check(path);
    }
}

fn base() -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read(build(dir.path())).unwrap();
    (dir, base)
}

/// The decoders alone, on mutated catalog and metadata blobs: many cases per second.
#[test]
fn fuzz_decoders() {
    let (_dir, base) = base();
    let (cat, meta) = blobs(&base);
    let file_pages = (base.len() / PAGE_SIZE) as u64;
    fuzz::run("decoders", 2.0, |rng| {
        let which = rng.below(2);
        let mut b = if which == 0 {
            cat.clone()
        } else {
            meta.clone()
        };
        let mut what = String::from(if which == 0 { "catalog" } else { "metadata" });
        for _ in 0..1 + rng.below(4) {
            what += &format!("; {}", {
                let r = rng.one_in(8);
                mutate(rng, &mut b, r)
            });
        }
        fuzz::set_input(&what);
        if which == 0 {
            let _ = ruzu::catalog::Catalog::decode(&b);
        } else if let Ok(m) = ruzu::storage::table::StorageMeta::decode(&b, file_pages) {
            // Re-encoding what was accepted must not panic either.
            let again = m.encode();
            let _ = ruzu::storage::table::StorageMeta::decode(&again, file_pages);
        }
    });
}

/// Whole files: a mutated catalog, metadata, data/index page or header slot, sealed.
#[test]
fn fuzz_files() {
    let (dir, base) = base();
    let (cat, meta) = blobs(&base);
    let path = dir.path().join("fuzzed.ruzu");
    let pages = base.len() / PAGE_SIZE;
    // The pages that hold something, by kind (read from their trailers).
    let used: Vec<usize> = (1..pages)
        .filter(|&p| PageKind::from_u8(base[p * PAGE_SIZE + PAGE_SIZE - 8]).is_some())
        .collect();
    fuzz::run("files", 4.0, |rng| {
        let mut what = String::new();
        let bytes = match rng.below(8) {
            0 | 1 => {
                let mut c = cat.clone();
                what += "catalog";
                for _ in 0..1 + rng.below(3) {
                    what += &format!("; {}", {
                        let r = rng.one_in(8);
                        mutate(rng, &mut c, r)
                    });
                }
                fuzz::set_input(&what);
                with_blobs(&base, &c, &meta)
            }
            2..=4 => {
                let mut m = meta.clone();
                what += "metadata";
                for _ in 0..1 + rng.below(3) {
                    what += &format!("; {}", {
                        let r = rng.one_in(8);
                        mutate(rng, &mut m, r)
                    });
                }
                fuzz::set_input(&what);
                with_blobs(&base, &cat, &m)
            }
            5 | 6 => {
                let p = *rng.pick(&used);
                let mut b = base.clone();
                let Some(kind) = PageKind::from_u8(b[p * PAGE_SIZE + PAGE_SIZE - 8]) else {
                    return;
                };
                let mut page = b[p * PAGE_SIZE..(p + 1) * PAGE_SIZE - 8].to_vec();
                what += &format!("page {p} ({kind:?})");
                for _ in 0..1 + rng.below(3) {
                    what += &format!("; {}", mutate(rng, &mut page, false));
                }
                fuzz::set_input(&what);
                b[p * PAGE_SIZE..(p + 1) * PAGE_SIZE - 8].copy_from_slice(&page);
                seal(p as u64, kind, &mut b[p * PAGE_SIZE..(p + 1) * PAGE_SIZE]);
                b
            }
            _ => {
                // A header slot field (both slots, resealed).
                let mut b = base.clone();
                let mut slot = b[512..1024].to_vec();
                let mut body = slot[..508].to_vec();
                what += "header slot";
                for _ in 0..1 + rng.below(2) {
                    what += &format!("; {}", mutate(rng, &mut body, false));
                }
                fuzz::set_input(&what);
                slot[..508].copy_from_slice(&body);
                let crc = crc32c::crc32c(&slot[..508]);
                slot[508..512].copy_from_slice(&crc.to_le_bytes());
                for s in 0..2 {
                    b[512 * (s + 1)..512 * (s + 2)].copy_from_slice(&slot);
                }
                b
            }
        };
        exercise(&path, &bytes, rng);
    });
}

/// The records of a WAL: (offset of the record header, payload length).
fn wal_records(wal: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = ruzu::transaction::wal::HEADER_LEN as usize;
    while pos + 8 <= wal.len() {
        let len = u32::from_le_bytes([wal[pos], wal[pos + 1], wal[pos + 2], wal[pos + 3]]) as usize;
        if len == 0 || pos + 8 + len > wal.len() {
            break;
        }
        out.push((pos, len));
        pos += 8 + len;
    }
    out
}

/// WAL replay: a database with committed, uncheckpointed transactions of every record kind
/// (DDL, inserts, updates, deletes of nodes and rels), one record's payload mutated and its
/// CRC recomputed, then `Record::decode`, opening (replay), queries, a checkpoint and
/// `ruzu check`.
#[test]
fn fuzz_wal() {
    let (dir, base) = base();
    let db_path = dir.path().join("wal-base.ruzu");
    std::fs::write(&db_path, &base).unwrap();
    let (file, wal) = {
        let db = Database::open_with(
            &db_path,
            Config {
                threads: 1,
                ..Config::default()
            },
        )
        .unwrap();
        let c = db.connect();
        for q in [
            "CALL auto_checkpoint=false",
            "CALL checkpoint_threshold=1000000000",
            "CREATE (:N {id: 7000, s: 'w', l: [1, 2, 3], k: 5})",
            "CREATE (:C {name: 'walcity', pop: 3})",
            "MATCH (a:N), (b:N) WHERE a.id = 7000 AND b.id = 1 CREATE (a)-[:E {w: 2.5}]->(b)",
            "MATCH (n:N) WHERE n.id = 2 SET n.s = 'updated', n.l = [9]",
            "MATCH (a:N)-[e:E]->(b:N) WHERE a.id = 4 SET e.w = 0.125",
            "MATCH (a:N)-[e:E]->(b:N) WHERE a.id = 5 DELETE e",
            "MATCH (n:N) WHERE n.id = 6 DETACH DELETE n",
            "ALTER TABLE C ADD extra INT64 DEFAULT 4",
            "CREATE NODE TABLE W(k STRING PRIMARY KEY, v DOUBLE)",
            "CREATE (:W {k: 'a', v: 1.0})",
        ] {
            c.query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        }
        // Copied while open: the WAL holds the commits, the file the last checkpoint.
        let file = std::fs::read(&db_path).unwrap();
        let wal = std::fs::read(ruzu::transaction::wal::path_of(&db_path)).unwrap();
        drop(c);
        drop(db);
        (file, wal)
    };
    let records = wal_records(&wal);
    assert!(records.len() >= 4, "{} WAL records", records.len());
    let path = dir.path().join("walfuzz.ruzu");
    let wal_path = ruzu::transaction::wal::path_of(&path);
    fuzz::run("wal", 3.0, |rng| {
        let (at, len) = *rng.pick(&records);
        let mut payload = wal[at + 8..at + 8 + len].to_vec();
        let mut what = format!("WAL record at {at} ({len} bytes, kind {})", payload[0]);
        for _ in 0..1 + rng.below(3) {
            what += &format!("; {}", {
                let r = rng.one_in(6);
                mutate(rng, &mut payload, r)
            });
        }
        fuzz::set_input(&what);
        let _ = ruzu::transaction::wal::Record::decode(&payload);
        let mut w = wal[..at].to_vec();
        w.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        let crc = crc32c::crc32c_append(
            crc32c::crc32c(&(payload.len() as u32).to_le_bytes()),
            &payload,
        );
        w.extend_from_slice(&crc.to_le_bytes());
        w.extend_from_slice(&payload);
        w.extend_from_slice(&wal[at + 8 + len..]);
        std::fs::write(&path, &file).unwrap();
        std::fs::write(&wal_path, &w).unwrap();
        let db = Database::open_with(
            &path,
            Config {
                threads: 1,
                buffer_pool_size: 16 << 20,
                read_only: rng.one_in(3),
            },
        );
        if let Ok(db) = db {
            let c = db.connect();
            c.set_timeout(Some(std::time::Duration::from_secs(5)));
            for q in QUERIES.iter().copied().chain([
                "MATCH (w:W) RETURN w.*",
                "MATCH (c:C) RETURN c.*",
                "CHECKPOINT",
            ]) {
                drain(&c, q);
            }
            drop(c);
            drop(db);
            let _ = ruzu::inspect::check(&path);
        }
    });
}

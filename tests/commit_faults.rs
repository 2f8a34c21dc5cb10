//! The commit path under injected faults: every write and every sync of a statement (a COPY of
//! nodes and rels and its checkpoint) fails in turn, on the in-memory backend. The statement
//! then fails and is rolled back as `session::write` does (or, for a failed mirror write,
//! succeeds), the next statements commit (unless a sync failed, which fences the file), and
//! the durable bytes always open to the previous or the new checkpoint and pass
//! `ruzu::inspect::check`.

use ruzu::catalog::Catalog;
use ruzu::loader::csv::CsvOptions;
use ruzu::loader::pipeline::{
    copy_nodes, copy_rels, index_of, CopySettings, CopySource, IndexWrite,
};
use ruzu::storage::buffer::{MemoryManager, MIN_BUDGET};
use ruzu::storage::file::{MemBackend, SyncFault};
use ruzu::storage::pager::{CheckpointData, Pager};
use ruzu::storage::table::{NodeTableData, RelTableData, StorageMeta, TableData};
use ruzu::{Config, Database, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SCHEMA: &str = "CREATE NODE TABLE P(id INT64, v STRING, PRIMARY KEY (id));
                      CREATE REL TABLE R(FROM P TO P, w INT64);";
/// Nodes (and rels) each statement appends.
const ROWS: u64 = 40;

/// The committed state: what a statement starts from.
#[derive(Clone)]
struct Snapshot {
    catalog: Catalog,
    meta: StorageMeta,
}

struct Db {
    mem: MemBackend,
    pager: Pager,
    snap: Snapshot,
}

fn settings() -> CopySettings {
    CopySettings {
        threads: 1,
        csv: CsvOptions {
            header: Some(false),
            auto_detect: false,
            ..CsvOptions::default()
        },
    }
}

/// The CSV files of statement `k`: nodes `k*ROWS..(k+1)*ROWS`, and a rel from each of them
/// to node 0.
fn inputs(dir: &Path, k: u64) -> (Vec<CopySource>, Vec<CopySource>) {
    let src = |name: String, text: String| {
        let path = dir.join(&name);
        if !path.exists() {
            std::fs::write(&path, text).unwrap();
        }
        vec![CopySource {
            path,
            display: name,
        }]
    };
    let ids = k * ROWS..(k + 1) * ROWS;
    let nodes = ids.clone().map(|i| format!("{i},v{i}\n")).collect();
    let rels = ids.map(|i| format!("{i},0,{i}\n")).collect();
    (
        src(format!("p{k}.csv"), nodes),
        src(format!("r{k}.csv"), rels),
    )
}

fn create() -> Db {
    let catalog = ruzu::loader::schema::catalog_from_schema(SCHEMA, "schema").unwrap();
    let mut meta = StorageMeta::default();
    for t in &catalog.tables {
        let data = if t.is_node() {
            TableData::Node(NodeTableData::default())
        } else {
            TableData::Rel(RelTableData::default())
        };
        meta.tables.insert(t.id, data);
    }
    let snap = Snapshot { catalog, meta };
    let mem = MemBackend::new();
    let pager = Pager::create(
        Arc::new(mem.clone()),
        MemoryManager::new(MIN_BUDGET),
        Path::new("mem"),
        [3; 16],
        &snap.catalog.encode(),
        &snap.meta.encode(),
    )
    .unwrap();
    pager.defer_frees();
    Db { mem, pager, snap }
}

fn reopen(bytes: Vec<u8>) -> Db {
    let mem = MemBackend::from_bytes(bytes);
    let (pager, cat, meta) = Pager::open(
        Arc::new(mem.clone()),
        MemoryManager::new(MIN_BUDGET),
        Path::new("mem"),
    )
    .unwrap();
    pager.defer_frees();
    let snap = Snapshot {
        catalog: Catalog::decode(&cat).unwrap(),
        meta: StorageMeta::decode(&meta, pager.page_count()).unwrap(),
    };
    Db { mem, pager, snap }
}

/// Statement `k` as `session::write` runs a COPY: on a private copy of the snapshot, the
/// primary-key index changed through a write session (copy on write), then the checkpoint; any failure rolls the allocator
/// back to where the statement started.
fn statement(db: &mut Db, dir: &Path, k: u64) -> ruzu::Result<()> {
    let pager = &db.pager;
    let saved = pager.allocator();
    let mut next = db.snap.clone();
    let r = (|| {
        let (nodes, rels) = inputs(dir, k);
        let p = next.catalog.table("P").unwrap().clone();
        let data = next.meta.node(p.id).cloned().unwrap_or_default();
        let mut keys = IndexWrite::begin(pager, index_of(&p, &data)?);
        let (mut new, _) = copy_nodes(pager, &p, &data, &mut keys, &nodes, &settings())?;
        let keys = keys.commit(&mut new)?;
        let rows = new.num_rows;
        next.meta.tables.insert(p.id, TableData::Node(new));
        let r = next.catalog.table("R").unwrap().clone();
        let rdata = next.meta.rel(r.id).cloned().unwrap_or_default();
        let (new, _) = copy_rels(
            pager,
            &next.catalog,
            &r,
            &rdata,
            0,
            (rows, rows),
            (&keys, &keys),
            &rels,
            &settings(),
        )?;
        next.meta.tables.insert(r.id, TableData::Rel(new));
        pager.checkpoint(CheckpointData {
            catalog: &next.catalog.encode(),
            metadata: &next.meta.encode(),
        })
    })();
    match r {
        Ok(()) => {
            db.snap = next;
            // No reader holds an older snapshot here: what the commit retired is reusable.
            let retired = pager.take_retired();
            pager.release(&retired);
            Ok(())
        }
        Err(e) => {
            pager.rollback_allocations(saved);
            Err(e)
        }
    }
}

/// Writes `bytes` to a file, runs `ruzu check` on it and returns the number of P rows and R
/// rels a query sees.
fn verify(dir: &Path, bytes: &[u8], what: &str) -> (i64, i64) {
    let path: PathBuf = dir.join("check.ruzu");
    std::fs::write(&path, bytes).unwrap();
    if let Err(e) = ruzu::inspect::check(&path) {
        panic!("{what}: ruzu check: {e}");
    }
    let db = Database::open_with(
        &path,
        Config {
            read_only: true,
            ..Config::default()
        },
    )
    .unwrap_or_else(|e| panic!("{what}: open: {e}"));
    let c = db.connect();
    let count = |q: &str| -> i64 {
        let rows: Vec<Vec<Value>> = c
            .query(q)
            .and_then(|r| r.collect())
            .unwrap_or_else(|e| panic!("{what}: {q}: {e}"));
        match rows[0][0] {
            Value::Int64(n) => n,
            ref v => panic!("{what}: {v:?}"),
        }
    };
    (
        count("MATCH (p:P) RETURN count(*)"),
        count("MATCH ()-[r:R]->() RETURN count(*)"),
    )
}

fn state(k: u64) -> (i64, i64) {
    ((k * ROWS) as i64, (k * ROWS) as i64)
}

#[test]
fn every_failed_write_or_sync_of_a_commit_leaves_a_consistent_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Measure statement 2.
    let mut db = create();
    statement(&mut db, d, 0).unwrap();
    statement(&mut db, d, 1).unwrap();
    let (w0, s0) = (db.mem.write_ops(), db.mem.sync_ops());
    statement(&mut db, d, 2).unwrap();
    let (writes, syncs) = (db.mem.write_ops() - w0, db.mem.sync_ops() - s0);
    assert!(writes > 6 && syncs == 3, "{writes} writes, {syncs} syncs");

    let faults = (0..writes).map(|i| (Some(i), None)).chain(
        (0..syncs)
            .flat_map(|i| [SyncFault::Lost, SyncFault::Persisted].map(|f| (None, Some((i, f))))),
    );
    for (w, s) in faults {
        let mut db = create();
        statement(&mut db, d, 0).unwrap();
        statement(&mut db, d, 1).unwrap();
        let (alloc, header) = (db.pager.allocator(), db.pager.header());
        if let Some(i) = w {
            db.mem.fail_nth_write(i);
        }
        if let Some((i, f)) = s {
            db.mem.fail_nth_sync(i, f);
        }
        let r = statement(&mut db, d, 2);
        let what = format!("fail write {w:?} / sync {s:?}: {r:?}");
        let durable = verify(d, &db.mem.durable(), &what);
        match r {
            // A commit that reports success is durable.
            Ok(()) => assert_eq!(durable, state(3), "{what}"),
            Err(_) => {
                assert_eq!(db.pager.allocator(), alloc, "{what}");
                assert_eq!(db.pager.header(), header, "{what}");
                assert!(durable == state(2) || durable == state(3), "{what}");
            }
        }
        if s.is_some() {
            // A failed sync fences the file until it is reopened.
            assert!(db.pager.is_fenced(), "{what}");
            let e = statement(&mut db, d, 3).unwrap_err().to_string();
            assert!(e.contains("reopened"), "{what}: {e}");
            let mut db = reopen(db.mem.durable());
            let k = if verify(d, &db.mem.durable(), &what) == state(3) {
                3
            } else {
                2
            };
            statement(&mut db, d, k).unwrap_or_else(|e| panic!("{what}: after reopen: {e}"));
            assert_eq!(verify(d, &db.mem.durable(), &what), state(k + 1));
            continue;
        }
        assert!(!db.pager.is_fenced(), "{what}");
        // The next statements commit: the failed one again (unless it committed), then one
        // more. Freeing pages the failed commit had freed must not free them twice.
        let mut k = if r.is_ok() { 3 } else { 2 };
        for _ in 0..2 {
            statement(&mut db, d, k).unwrap_or_else(|e| panic!("{what}: statement {k}: {e}"));
            k += 1;
        }
        assert_eq!(verify(d, &db.mem.durable(), &what), state(k), "{what}");
        assert_eq!(verify(d, &db.mem.contents(), &what), state(k), "{what}");
        // And a process that opens the file goes on committing.
        let mut db = reopen(db.mem.durable());
        statement(&mut db, d, k).unwrap_or_else(|e| panic!("{what}: after reopen: {e}"));
        assert_eq!(verify(d, &db.mem.durable(), &what), state(k + 1), "{what}");
    }
}

/// The child process of `a_commit_that_fails_for_lack_of_space_leaves_a_consistent_file`
/// (does nothing when run as an ordinary test): a COPY under a file-size limit, which may
/// fail at any write of the statement or of its commit, then two DDL statements, whose small
/// commits fit into the file's free pages.
#[test]
fn fsize_child() {
    let Ok(path) = std::env::var("RUZU_FSIZE_CHILD_DB") else {
        return;
    };
    let big = std::env::var("RUZU_FSIZE_CHILD_CSV").unwrap();
    let db = Database::open(&path).unwrap();
    let c = db.connect();
    let show = |r: ruzu::Result<ruzu::QueryResult>| match r {
        Ok(_) => "ok".to_string(),
        Err(e) => format!("error: {e}"),
    };
    println!("COPY: {}", show(c.query(&format!("COPY N FROM '{big}'"))));
    println!(
        "CREATE: {}",
        show(c.query("CREATE NODE TABLE M(id INT64 PRIMARY KEY)"))
    );
    println!("DROP: {}", show(c.query("DROP TABLE M")));
}

/// A COPY whose writes hit the file-size limit (`prlimit --fsize`, EFBIG) at every point of
/// the statement and its commit in turn. A failed commit must roll back completely: the
/// statements after it in the same process commit without freeing its pages twice, and the
/// file then passes `ruzu check` and holds the rows of the COPY or none of them.
#[test]
fn a_commit_that_fails_for_lack_of_space_leaves_a_consistent_file() {
    let has_prlimit = std::process::Command::new("prlimit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_prlimit {
        eprintln!("prlimit not found: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let seed = d.join("seed.ruzu");
    let small = d.join("small.csv");
    let big = d.join("big.csv");
    std::fs::write(
        &small,
        (0..50).map(|i| format!("{i},s{i}\n")).collect::<String>(),
    )
    .unwrap();
    std::fs::write(
        &big,
        (50..6000)
            .map(|i| format!("{i},a longer string value {i}\n"))
            .collect::<String>(),
    )
    .unwrap();
    {
        let db = Database::open(&seed).unwrap();
        let c = db.connect();
        c.query("CREATE NODE TABLE N(id INT64 PRIMARY KEY, s STRING)")
            .unwrap();
        c.query(&format!("COPY N FROM '{}'", small.display()))
            .unwrap();
    }
    // A database is its file and its WAL (when there is one).
    let copy_db = |from: &Path, to: &Path| {
        std::fs::copy(from, to).unwrap();
        let wal = |p: &Path| PathBuf::from(format!("{}.wal", p.display()));
        let _ = std::fs::remove_file(wal(to));
        if wal(from).exists() {
            std::fs::copy(wal(from), wal(to)).unwrap();
        }
    };
    let seed_len = std::fs::metadata(&seed).unwrap().len();
    // How long the file grows with the COPY, without a limit.
    let grown = {
        let p = d.join("grown.ruzu");
        copy_db(&seed, &p);
        let db = Database::open(&p).unwrap();
        db.connect()
            .query(&format!("COPY N FROM '{}'", big.display()))
            .unwrap();
        drop(db);
        std::fs::metadata(&p).unwrap().len()
    };
    // Coarse steps through the statement's data writes, then page by page through the
    // last pages, where the commit writes (blobs, free list, resize).
    let coarse = ((grown - seed_len) / 4096 / 12).max(1) * 4096;
    let fine_from = grown.saturating_sub(16 * 4096).max(seed_len);
    let limits: Vec<u64> = (seed_len..fine_from)
        .step_by(coarse as usize)
        .chain((fine_from..=grown).step_by(4096))
        .collect();
    let mut failures = 0;
    for limit in limits {
        let p = d.join("work.ruzu");
        copy_db(&seed, &p);
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "trap '' XFSZ; exec prlimit --fsize={limit} \"$0\" fsize_child --exact --nocapture --test-threads=1"
            ))
            .arg(std::env::current_exe().unwrap())
            .env("RUZU_FSIZE_CHILD_DB", &p)
            .env("RUZU_FSIZE_CHILD_CSV", &big)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        let what = format!("limit {limit}: {out}{}", String::from_utf8_lossy(&o.stderr));
        assert!(o.status.success(), "{what}");
        if std::env::var("RUZU_FSIZE_VERBOSE").is_ok() {
            eprintln!("{what}");
        }
        if out.contains("COPY: error") {
            failures += 1;
        }
        if let Err(e) = ruzu::inspect::check(&p) {
            panic!("{what}\nruzu check: {e}");
        }
        let db = Database::open(&p).unwrap_or_else(|e| panic!("{what}\nopen: {e}"));
        let c = db.connect();
        let n = |c: &ruzu::Connection| -> Value {
            c.query("MATCH (n:N) RETURN count(*)")
                .unwrap()
                .next()
                .unwrap()
                .unwrap()[0]
                .clone()
        };
        let copied = out.contains("COPY: ok");
        assert_eq!(
            n(&c),
            Value::Int64(if copied { 6000 } else { 50 }),
            "{what}"
        );
        // Without the limit, the database goes on.
        if !copied {
            c.query(&format!("COPY N FROM '{}'", big.display()))
                .unwrap_or_else(|e| panic!("{what}\nCOPY again: {e}"));
            assert_eq!(n(&c), Value::Int64(6000), "{what}");
        }
        drop(c);
        drop(db);
        if let Err(e) = ruzu::inspect::check(&p) {
            panic!("{what}\nruzu check after: {e}");
        }
    }
    assert!(failures > 10, "only {failures} limits made the COPY fail");
}

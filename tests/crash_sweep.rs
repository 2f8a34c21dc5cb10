//! Crash sweep: a workload of DDL, inserts, updates, deletes, transactions, checkpoints and
//! COPY runs on in-memory files (the database and its WAL share one crash point), once to
//! completion, then once for every N with the disk cut after the N-th write. After each cut
//! the bytes that survive (synced ones for a power loss; every write for a killed process)
//! are written to a real file and reopened: the database must hold exactly the steps
//! acknowledged before the crash (or also the one in flight, if its commit reached the disk
//! before the error came back), pass `ruzu::inspect::check`, and take further writes.

use ruzu::storage::file::{MemBackend, StorageBackend, SyncFault};
use ruzu::{Config, Database};
use std::path::Path;
use std::sync::Arc;

/// One acknowledged unit of work (one commit): its statements run in order on one
/// connection.
fn workload(dir: &Path) -> Vec<Vec<String>> {
    let p_csv = dir.join("p.csv");
    let k_csv = dir.join("k.csv");
    let mut p = String::new();
    for i in 200..260 {
        p.push_str(&format!("{i},c{i},{}\n", i % 50));
    }
    std::fs::write(&p_csv, p).unwrap();
    let mut k = String::new();
    for i in 200..250 {
        k.push_str(&format!("{i},{},{}.25\n", i + 1, i % 7));
    }
    std::fs::write(&k_csv, k).unwrap();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut steps = vec![
        // Small, so that commits also checkpoint on their own.
        s(&["CALL checkpoint_threshold=800"]),
        s(&["CREATE NODE TABLE P(id INT64 PRIMARY KEY, name STRING, age INT64)"]),
        s(&["CREATE REL TABLE K(FROM P TO P, w DOUBLE)"]),
        s(&["CREATE (:P {id: 1, name: 'a', age: 30})"]),
        s(&["CREATE (:P {id: 2, name: 'b', age: 31})"]),
        s(&[
            "BEGIN TRANSACTION",
            "UNWIND range(3, 8) AS i CREATE (:P {id: i, name: 'n' + CAST(i AS STRING), age: i})",
            "CREATE (:P {id: 9})",
            "COMMIT",
        ]),
        s(&["MATCH (a:P {id: 1}), (b:P {id: 2}) CREATE (a)-[:K {w: 1.5}]->(b)"]),
        s(&["MATCH (a:P), (b:P {id: 3}) WHERE a.id > 3 CREATE (a)-[:K {w: 2.0}]->(b)"]),
        s(&["MATCH (n:P) WHERE n.id % 2 = 0 SET n.age = n.age + 100, n.name = n.name + 'x'"]),
        s(&["CHECKPOINT"]),
        s(&["MATCH (n:P {id: 5}) DETACH DELETE n"]),
        s(&[
            "BEGIN TRANSACTION",
            "CREATE (:P {id: 100})",
            "MATCH (n:P {id: 1}) SET n.age = -1",
            "ROLLBACK",
        ]),
        s(&["CREATE (:P {id: 1})"]),
    ];
    steps.push(vec![format!("COPY P FROM '{}'", p_csv.display())]);
    steps.push(vec![format!("COPY K FROM '{}'", k_csv.display())]);
    steps.extend([
        s(&["UNWIND range(300, 340) AS i CREATE (:P {id: i, name: 'u' + CAST(i AS STRING)})"]),
        s(&["ALTER TABLE P ADD email STRING DEFAULT 'none'"]),
        s(&["MATCH (n:P) WHERE n.id >= 300 AND n.id < 320 DELETE n"]),
        s(&["MATCH ()-[r:K]->() WHERE r.w > 1.8 SET r.w = r.w * 2"]),
        s(&["MATCH (n:P {id: 7}) SET n.email = 'seven@x'"]),
        s(&["CHECKPOINT"]),
        s(&[
            "BEGIN TRANSACTION",
            "CREATE NODE TABLE Q(k STRING PRIMARY KEY)",
            "CREATE (:Q {k: 'x'})",
            "COMMIT",
        ]),
        s(&["MERGE (n:P {id: 2}) ON MATCH SET n.age = 0"]),
        s(&["MERGE (n:P {id: 999}) ON CREATE SET n.age = 9"]),
        s(&["MATCH (a:P {id: 999}), (b:P {id: 200}) CREATE (a)-[:K {w: 9.0}]->(b)"]),
        s(&["MATCH (:P)-[r:K]->(:P {id: 3}) DELETE r"]),
        s(&["DROP TABLE Q"]),
        s(&["CREATE (:P {id: 1000, name: 'last'})"]),
    ]);
    steps
}

/// What the database holds, as text (properties only: internal ids may differ between a
/// replayed WAL and a checkpoint of the same state).
fn dump(db: &Database) -> String {
    let conn = db.connect();
    let queries = [
        "CALL show_tables() RETURN name, type ORDER BY name",
        "MATCH (n:P) RETURN n.id, n.name, n.age ORDER BY n.id",
        "MATCH (n:P) RETURN n.id, n.email ORDER BY n.id",
        "MATCH (a:P)-[r:K]->(b:P) RETURN a.id, b.id, r.w ORDER BY a.id, b.id, r.w",
        "MATCH (n:Q) RETURN n.k ORDER BY n.k",
    ];
    let mut out = String::new();
    for q in queries {
        out.push_str(&run(&conn, q));
        out.push('\n');
    }
    out
}

fn run(conn: &ruzu::Connection, q: &str) -> String {
    match conn.query(q).and_then(|r| r.collect::<Result<Vec<_>, _>>()) {
        Ok(rows) => format!("{rows:?}"),
        Err(e) => format!("error: {e}"),
    }
}

/// Runs the steps; returns each acknowledged step's outcome. Stops at the first step whose
/// outcome differs from `expect` (the crash).
fn drive(db: &Database, steps: &[Vec<String>], expect: Option<&[String]>) -> Vec<String> {
    let conn = db.connect();
    let mut outcomes = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let out: Vec<String> = step.iter().map(|q| run(&conn, q)).collect();
        let out = out.join(" | ");
        if let Some(e) = expect {
            if e[i] != out {
                return outcomes;
            }
        }
        outcomes.push(out);
    }
    outcomes
}

fn config() -> Config {
    Config {
        buffer_pool_size: 16 << 20,
        threads: 1,
        read_only: false,
    }
}

fn open_mem(data: &MemBackend, wal: &MemBackend) -> ruzu::Result<Database> {
    let d: Arc<dyn StorageBackend> = Arc::new(data.clone());
    let w: Arc<dyn StorageBackend> = Arc::new(wal.clone());
    Database::open_backends(d, Some(w), "sweep.ruzu", config())
}

/// Writes the surviving bytes to `dir/db.ruzu` (and its WAL), checks and reopens it, and
/// returns the reopened state; then writes once more and checks again.
fn reopen(dir: &Path, data: Vec<u8>, wal: Vec<u8>, created: bool, what: &str) -> String {
    let path = dir.join("db.ruzu");
    let wal_path = dir.join("db.ruzu.wal");
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&wal_path);
    let _ = std::fs::remove_file(dir.join("db.ruzu.lock"));
    let state = if data.is_empty() {
        // Nothing of the file reached the disk: opening creates the database anew.
        String::new()
    } else {
        std::fs::write(&path, &data).unwrap();
        std::fs::write(&wal_path, &wal).unwrap();
        // A file whose creation was cut short holds no checkpoint yet; opening creates it.
        if created {
            if let Err(e) = ruzu::inspect::check(&path) {
                panic!("{what}: the file fails ruzu check before reopening: {e}");
            }
        }
        let db = Database::open_with(&path, config())
            .unwrap_or_else(|e| panic!("{what}: reopening failed: {e}"));
        let state = dump(&db);
        let conn = db.connect();
        let more = run(&conn, "CREATE NODE TABLE Z(id INT64 PRIMARY KEY)");
        assert!(
            !more.starts_with("error"),
            "{what}: write after reopen: {more}"
        );
        let more = run(&conn, "CREATE (:Z {id: 1})");
        assert!(
            !more.starts_with("error"),
            "{what}: write after reopen: {more}"
        );
        drop(conn);
        drop(db);
        if let Err(e) = ruzu::inspect::check(&path) {
            panic!("{what}: the file fails ruzu check after reopen and write: {e}");
        }
        state
    };
    state
}

#[test]
fn every_crash_point_recovers_the_acknowledged_steps() {
    let dir = tempfile::tempdir().unwrap();
    let steps = workload(dir.path());

    // The reference run: outcomes, and the state after each prefix of steps.
    let data = MemBackend::new();
    let wal = data.sharing_crash_point();
    let db = open_mem(&data, &wal).unwrap();
    let empty = dump(&db);
    let mut states = vec![empty];
    let mut outcomes = Vec::new();
    let conn_steps: Vec<Vec<String>> = steps.clone();
    for step in &conn_steps {
        let o = drive(&db, std::slice::from_ref(step), None);
        outcomes.extend(o);
        states.push(dump(&db));
    }
    for (i, o) in outcomes.iter().enumerate() {
        let ok = !o.contains("error:");
        // Step 12 is a deliberate primary-key violation; every other step succeeds.
        assert_eq!(ok, i != 12, "step {i} of the reference run: {o}");
    }
    drop(db);
    let total = data.writes();
    eprintln!("the workload made {total} writes");
    assert!(total > 50, "the workload wrote only {total} times");
    // A clean close left a state equal to the last one.
    assert_eq!(
        reopen(
            dir.path(),
            data.durable(),
            wal.durable(),
            true,
            "clean close"
        ),
        states[steps.len()]
    );

    let mut checked = 0;
    for n in 0..=total {
        let data = MemBackend::new();
        let wal = data.sharing_crash_point();
        data.crash_after_writes(n);
        let (created, acked) = match open_mem(&data, &wal) {
            Ok(db) => {
                let acked = drive(&db, &steps, Some(&outcomes)).len();
                drop(db);
                (true, acked)
            }
            Err(_) => (false, 0),
        };
        for (kind, d, w) in [
            ("power loss", data.durable(), wal.durable()),
            ("process kill", data.contents(), wal.contents()),
        ] {
            let what =
                format!("crash after write {n} of {total} ({kind}, {acked} steps acknowledged)");
            let got = reopen(dir.path(), d, w, created, &what);
            let got = if got.is_empty() {
                states[0].clone()
            } else {
                got
            };
            let ok = got == states[acked] || (acked < steps.len() && got == states[acked + 1]);
            assert!(
                ok,
                "{what}: the reopened database holds neither the acknowledged steps nor \
                 those and the one in flight.\nfirst difference: {}",
                first_difference(&got, &states[acked])
            );
            checked += 1;
        }
    }
    assert!(checked >= 2 * total as usize);
}

/// The first line where `got` and `want` differ, shortened, for a readable failure.
fn first_difference(got: &str, want: &str) -> String {
    let short = |l: &str| l.chars().take(400).collect::<String>();
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        if g != w {
            let at = g
                .char_indices()
                .zip(w.chars())
                .find(|((_, a), b)| a != b)
                .map(|((i, _), _)| i)
                .unwrap_or(0)
                .saturating_sub(100);
            let tail = |l: &str| short(l.get(at..).unwrap_or(l));
            return format!("dump line {i}\n got: ...{}\nwant: ...{}", tail(g), tail(w));
        }
    }
    format!(
        "line counts differ:\n got: {}\nwant: {}",
        short(got),
        short(want)
    )
}

// ------------------------------------------------------------------------- group commit

/// Writer threads of the group-commit tests, and the commits each makes.
const THREADS: i64 = 4;
const PER_THREAD: i64 = 6;

/// Each commit of thread `t` adds two rows, `id` and `id + 10000`, both with `twin = id`:
/// one auto-commit statement, so both or neither must survive.
fn pair_insert(id: i64) -> String {
    format!(
        "CREATE (:G {{id: {id}, twin: {id}}}), (:G {{id: {}, twin: {id}}})",
        id + 10000
    )
}

/// Opens the database on `data`/`wal`, creates table G, then runs `THREADS` threads that
/// each commit `PER_THREAD` pair inserts at once until one fails. Returns whether the
/// database was created, and the commits attempted and acknowledged (by their `id`).
fn group_run(data: &MemBackend, wal: &MemBackend) -> (bool, Vec<i64>, Vec<i64>) {
    let Ok(db) = open_mem(data, wal) else {
        return (false, Vec::new(), Vec::new());
    };
    if db
        .connect()
        .query("CREATE NODE TABLE G(id INT64 PRIMARY KEY, twin INT64)")
        .is_err()
    {
        return (true, Vec::new(), Vec::new());
    }
    let barrier = Arc::new(std::sync::Barrier::new(THREADS as usize));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let db = db.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let conn = db.connect();
                let (mut attempted, mut acked) = (Vec::new(), Vec::new());
                barrier.wait();
                for k in 0..PER_THREAD {
                    let id = t * 100 + k;
                    attempted.push(id);
                    if conn.query(&pair_insert(id)).is_err() {
                        break;
                    }
                    acked.push(id);
                }
                (attempted, acked)
            })
        })
        .collect();
    let (mut attempted, mut acked) = (Vec::new(), Vec::new());
    for th in threads {
        let (a, k) = th.join().unwrap();
        attempted.extend(a);
        acked.extend(k);
    }
    drop(db);
    (true, attempted, acked)
}

/// Reopens the surviving bytes and checks: every acknowledged commit is there, nothing
/// that was not attempted is, no commit is there by half, and the file passes `ruzu check`.
fn check_group(
    dir: &Path,
    data: Vec<u8>,
    wal: Vec<u8>,
    attempted: &[i64],
    acked: &[i64],
    what: &str,
) {
    let path = dir.join("g.ruzu");
    let wal_path = dir.join("g.ruzu.wal");
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&wal_path);
    if data.is_empty() {
        assert!(acked.is_empty(), "{what}: nothing reached the disk");
        return;
    }
    std::fs::write(&path, &data).unwrap();
    std::fs::write(&wal_path, &wal).unwrap();
    let rows: Vec<(i64, i64)> = {
        let db = Database::open_with(&path, config())
            .unwrap_or_else(|e| panic!("{what}: reopening failed: {e}"));
        let conn = db.connect();
        match conn
            .query("MATCH (n:G) RETURN n.id, n.twin")
            .and_then(|r| r.collect::<Result<Vec<_>, _>>())
        {
            Ok(rows) => rows
                .into_iter()
                .map(|r| match (&r[0], &r[1]) {
                    (ruzu::Value::Int64(a), ruzu::Value::Int64(b)) => (*a, *b),
                    other => panic!("{what}: row {other:?}"),
                })
                .collect(),
            // The table itself was not acknowledged.
            Err(_) => Vec::new(),
        }
    };
    let present: std::collections::BTreeSet<(i64, i64)> = rows.iter().copied().collect();
    assert_eq!(present.len(), rows.len(), "{what}: a row twice: {rows:?}");
    for &id in acked {
        assert!(
            present.contains(&(id, id)) && present.contains(&(id + 10000, id)),
            "{what}: acknowledged commit {id} is lost; rows {rows:?}"
        );
    }
    for &(id, twin) in &present {
        assert!(
            attempted.contains(&twin),
            "{what}: row {id} of a commit never attempted"
        );
        assert!(
            present.contains(&(twin, twin)) && present.contains(&(twin + 10000, twin)),
            "{what}: commit {twin} survived by half: {rows:?}"
        );
    }
    if let Err(e) = ruzu::inspect::check(&path) {
        panic!("{what}: the file fails ruzu check: {e}");
    }
}

/// Threads committing at once (group commit: commits share syncs, the writer slot is
/// released before the sync) with the disk cut after every write: after each cut, every
/// acknowledged commit is durable, whole, and nothing else is there but commits in flight.
#[test]
fn concurrent_commits_survive_every_crash_point() {
    let dir = tempfile::tempdir().unwrap();
    let data = MemBackend::new();
    let wal = data.sharing_crash_point();
    let (_, attempted, acked) = group_run(&data, &wal);
    assert_eq!(
        acked.len() as i64,
        THREADS * PER_THREAD,
        "the reference run failed a commit"
    );
    check_group(
        dir.path(),
        data.durable(),
        wal.durable(),
        &attempted,
        &acked,
        "clean close",
    );
    let total = data.writes();
    eprintln!("the group-commit workload made {total} writes");
    for n in 0..=total {
        let data = MemBackend::new();
        let wal = data.sharing_crash_point();
        data.crash_after_writes(n);
        let (_, attempted, acked) = group_run(&data, &wal);
        for (kind, d, w) in [
            ("power loss", data.durable(), wal.durable()),
            ("process kill", data.contents(), wal.contents()),
        ] {
            let what = format!(
                "crash after write {n} of {total} ({kind}, {} commits acknowledged)",
                acked.len()
            );
            check_group(dir.path(), d, w, &attempted, &acked, &what);
        }
    }
}

/// A WAL whose syncs can be held at a gate (to line commits up behind one sync) and made to
/// fail.
#[derive(Clone)]
struct GatedWal {
    inner: MemBackend,
    gate: Arc<(std::sync::Mutex<Gate>, std::sync::Condvar)>,
}

#[derive(Default)]
struct Gate {
    /// The next sync waits at the gate.
    armed: bool,
    /// A sync is waiting at the gate.
    waiting: bool,
    open: bool,
}

impl GatedWal {
    fn new(inner: MemBackend) -> GatedWal {
        GatedWal {
            inner,
            gate: Arc::default(),
        }
    }

    fn arm(&self) {
        let mut g = self.gate.0.lock().unwrap();
        *g = Gate {
            armed: true,
            ..Gate::default()
        };
    }

    fn wait_until_held(&self) {
        let (m, cv) = &*self.gate;
        let mut g = m.lock().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !g.waiting {
            assert!(
                std::time::Instant::now() < deadline,
                "no commit reached the WAL sync"
            );
            g = cv
                .wait_timeout(g, std::time::Duration::from_millis(100))
                .unwrap()
                .0;
        }
    }

    fn open(&self) {
        let (m, cv) = &*self.gate;
        m.lock().unwrap().open = true;
        cv.notify_all();
    }
}

impl StorageBackend for GatedWal {
    fn len(&self) -> ruzu::Result<u64> {
        self.inner.len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> ruzu::Result<()> {
        self.inner.read_at(offset, buf)
    }
    fn write_at(&self, offset: u64, buf: &[u8]) -> ruzu::Result<()> {
        self.inner.write_at(offset, buf)
    }
    fn set_len(&self, len: u64) -> ruzu::Result<()> {
        self.inner.set_len(len)
    }
    fn sync(&self) -> ruzu::Result<()> {
        let (m, cv) = &*self.gate;
        let mut g = m.lock().unwrap();
        if g.armed {
            g.armed = false;
            g.waiting = true;
            cv.notify_all();
            while !g.open {
                g = cv.wait(g).unwrap();
            }
        }
        drop(g);
        self.inner.sync()
    }
}

fn count_g(db: &Database) -> String {
    run(&db.connect(), "MATCH (n:G) RETURN count(*)")
}

/// Holds the sync of one commit at the gate while four more commits append behind it, then
/// lets it go (failing it if `fault`). Returns the database, the WAL, the commits' results
/// and the number of syncs the five made.
fn held_sync(fault: Option<SyncFault>) -> (MemBackend, MemBackend, Vec<ruzu::Result<()>>, u64) {
    let data = MemBackend::new();
    let mem_wal = data.sharing_crash_point();
    let wal = GatedWal::new(mem_wal.clone());
    let d: Arc<dyn StorageBackend> = Arc::new(data.clone());
    let w: Arc<dyn StorageBackend> = Arc::new(wal.clone());
    let db = Database::open_backends(d, Some(w), "gated.ruzu", config()).unwrap();
    db.connect()
        .query("CREATE NODE TABLE G(id INT64 PRIMARY KEY, twin INT64)")
        .unwrap();
    let (syncs0, appended0) = db.store().commit_syncs();
    wal.arm();
    if let Some(f) = fault {
        mem_wal.fail_nth_sync(0, f);
    }
    let commit = |id: i64| {
        let db = db.clone();
        std::thread::spawn(move || db.connect().query(&pair_insert(id)).map(|_| ()))
    };
    // The first commit leads a sync, held at the gate.
    let mut threads = vec![commit(0)];
    wal.wait_until_held();
    // Four more append behind it (the writer slot is free while the sync runs) and wait.
    threads.extend((1..5).map(commit));
    // (A stall here means a commit holds the writer slot through its sync: no grouping.)
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while db.store().commit_syncs().1 < appended0 + 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "commits did not append while a sync ran"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    // None is visible to a new snapshot before its sync.
    assert_eq!(count_g(&db), "[[Int64(0)]]");
    wal.open();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let syncs = db.store().commit_syncs().0 - syncs0;
    let after = count_g(&db);
    if results.iter().all(|r| r.is_ok()) {
        assert_eq!(after, "[[Int64(10)]]");
    } else {
        // The store is poisoned: what readers see stays the durable state.
        assert_eq!(after, "[[Int64(0)]]");
        let more = run(&db.connect(), &pair_insert(99));
        assert!(
            more.starts_with("error"),
            "a write after a failed sync: {more}"
        );
    }
    drop(db);
    (data, mem_wal, results, syncs)
}

/// Commits that appended while a sync ran share the next one: five commits, two syncs.
#[test]
fn commits_waiting_for_one_sync_share_the_next() {
    let (data, wal, results, syncs) = held_sync(None);
    for r in &results {
        assert!(r.is_ok(), "{r:?}");
    }
    assert_eq!(
        syncs, 2,
        "the four commits behind the held sync should share one sync"
    );
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<i64> = (0..5).collect();
    check_group(
        dir.path(),
        data.durable(),
        wal.durable(),
        &ids,
        &ids,
        "after group syncs",
    );
}

/// A failed sync fails every commit waiting for it (the leader's and the ones appended
/// behind it), none is acknowledged, and none of their rows is there after reopen.
#[test]
fn a_failed_sync_fails_every_waiter() {
    let (data, wal, results, _) = held_sync(Some(SyncFault::Lost));
    for (i, r) in results.iter().enumerate() {
        assert!(
            r.is_err(),
            "commit {i} was acknowledged after its sync failed"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<i64> = (0..5).collect();
    check_group(
        dir.path(),
        data.durable(),
        wal.durable(),
        &ids,
        &[],
        "after a failed sync",
    );
    // And none is there at all: the table is, empty.
    let db = Database::open_with(dir.path().join("g.ruzu"), config()).unwrap();
    assert_eq!(count_g(&db), "[[Int64(0)]]");
}

//! Crash sweep: a workload of DDL, inserts, updates, deletes, transactions, checkpoints and
//! COPY runs on in-memory files (the database and its WAL share one crash point), once to
//! completion, then once for every N with the disk cut after the N-th write. After each cut
//! the bytes that survive (synced ones for a power loss; every write for a killed process)
//! are written to a real file and reopened: the database must hold exactly the steps
//! acknowledged before the crash (or also the one in flight, if its commit reached the disk
//! before the error came back), pass `ruzu::inspect::check`, and take further writes.

use ruzu::storage::file::{MemBackend, StorageBackend};
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

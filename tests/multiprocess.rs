//! Read-only processes beside a writer process, all `ruzu` shells driven through pipes. The
//! writer commits batches and checkpoints (automatic checkpoints off), recording the state
//! (row count and id sum) of every checkpoint; the readers query in a loop, now and then
//! restarting. Every answer a reader gives must be the state of some checkpoint (never a
//! commit that was not checkpointed, never a mix), a reader never goes back to an older
//! checkpoint, and inside `BEGIN TRANSACTION READ ONLY` a reader keeps answering from its
//! snapshot while the writer checkpoints over it.

#[path = "common/client.rs"]
mod client;

use client::{int, Client};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

const STATE: &str = "MATCH (n:T) RETURN count(*) AS c, sum(n.id) AS s";

/// (count, id sum) from a row of `STATE`.
fn state(row: &str) -> (i64, i64) {
    (int(row, "c"), int(row, "s"))
}

fn one(c: &mut Client, q: &str) -> String {
    let rows = c.ok(q);
    assert_eq!(rows.len(), 1, "{q}: {rows:?}");
    rows.into_iter().next().unwrap_or_default()
}

fn db_path(dir: &std::path::Path) -> String {
    dir.join("db.ruzu").to_string_lossy().into_owned()
}

/// What one reader saw: each answer with the process that gave it, and the pairs of
/// answers given inside one read-only transaction.
#[derive(Default)]
struct Seen {
    answers: Vec<(u32, (i64, i64))>,
    in_txn: Vec<((i64, i64), (i64, i64))>,
    processes: u32,
}

fn reader(db: String, seed: u64, stop: Arc<AtomicBool>) -> Seen {
    let mut rng = Rng(seed | 1);
    let mut seen = Seen::default();
    while !stop.load(Ordering::Acquire) {
        seen.processes += 1;
        let mut c = Client::spawn(&[&db, "--read-only"]);
        // A process answers a few queries, then a new one opens (during checkpoints too).
        for _ in 0..5 + rng.below(30) {
            if stop.load(Ordering::Acquire) {
                break;
            }
            if rng.below(5) == 0 {
                c.ok("BEGIN TRANSACTION READ ONLY");
                let a = state(&one(&mut c, STATE));
                std::thread::sleep(Duration::from_millis(rng.below(20)));
                let b = state(&one(&mut c, STATE));
                c.ok("COMMIT");
                seen.in_txn.push((a, b));
                seen.answers.push((seen.processes, a));
            } else {
                let a = state(&one(&mut c, STATE));
                seen.answers.push((seen.processes, a));
            }
        }
        let (code, _, err) = c.close();
        assert_eq!(code, Some(0), "reader: {err:?}");
    }
    seen
}

/// Readers see only checkpoints: the writer's commits between checkpoints stay invisible to
/// them, and each reader moves forward through the checkpoints.
#[test]
fn readers_see_only_checkpointed_states() {
    readers_beside_a_writer(60);
}

/// CI runs this in release (`cargo test --release -- --ignored`).
#[test]
#[ignore]
fn readers_see_only_checkpointed_states_long() {
    readers_beside_a_writer(600);
}

fn readers_beside_a_writer(rounds: u64) {
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(dir.path());
    let mut w = Client::spawn(&[&db]);
    w.ok("CALL auto_checkpoint=false");
    w.ok("CREATE NODE TABLE T(id INT64, v STRING, PRIMARY KEY(id))");
    w.ok("UNWIND range(1, 100) AS i CREATE (:T {id: i, v: 'seed'})");
    w.ok("CHECKPOINT");
    // The state of every checkpoint, in order.
    let mut checkpoints = vec![state(&one(&mut w, STATE))];
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..3u64)
        .map(|i| {
            let (db, stop) = (db.clone(), stop.clone());
            std::thread::spawn(move || reader(db, 0xD1CE + i * 7919, stop))
        })
        .collect();
    let mut rng = Rng(0xC0FFEE);
    let mut next_id = 1000;
    // States the writer committed but did not checkpoint.
    let mut uncheckpointed = Vec::new();
    let start = Instant::now();
    for round in 0..rounds {
        // One to four commits per checkpoint: bulk inserts, explicit batches, deletes.
        for _ in 0..1 + rng.below(4) {
            match rng.below(4) {
                0 => {
                    w.ok("BEGIN TRANSACTION");
                    for _ in 0..1 + rng.below(5) {
                        next_id += 1;
                        w.ok(&format!("CREATE (:T {{id: {next_id}, v: 'b{round}'}})"));
                    }
                    w.ok("COMMIT");
                }
                1 => {
                    let k = rng.below(5);
                    w.ok(&format!(
                        "MATCH (n:T) WHERE n.id % 5 = {k} AND n.id > {} DELETE n",
                        next_id - 200
                    ));
                }
                _ => {
                    let n = 1 + rng.below(400) as i64;
                    w.ok(&format!(
                        "UNWIND range({}, {}) AS i CREATE (:T {{id: i, v: 'u{round}'}})",
                        next_id + 1,
                        next_id + n
                    ));
                    next_id += n;
                }
            }
            uncheckpointed.push(state(&one(&mut w, STATE)));
        }
        // The last commit becomes a checkpoint; the others never are.
        let cp = uncheckpointed.pop().unwrap_or_default();
        w.ok("CHECKPOINT");
        checkpoints.push(cp);
        std::thread::sleep(Duration::from_millis(rng.below(30)));
    }
    let writer_time = start.elapsed();
    stop.store(true, Ordering::Release);
    let seen: Vec<Seen> = readers
        .into_iter()
        .map(|r| r.join().expect("a reader failed"))
        .collect();
    let (code, _, err) = w.close();
    assert_eq!(code, Some(0), "writer: {err:?}");

    let index = |s: &(i64, i64)| checkpoints.iter().rposition(|c| c == s);
    let mut distinct = std::collections::BTreeSet::new();
    let mut answers = 0;
    for (r, seen) in seen.iter().enumerate() {
        let mut last = 0;
        for (process, a) in &seen.answers {
            let Some(i) = index(a) else {
                let committed = uncheckpointed.contains(a);
                panic!(
                    "reader {r} (process {process}) answered {a:?}, the state of no checkpoint \
                     (a commit that was not checkpointed: {committed}); checkpoints: \
                     {checkpoints:?}"
                );
            };
            assert!(
                i >= last,
                "reader {r} went back from checkpoint {last} to {i} (process {process})"
            );
            last = i;
            distinct.insert(i);
            answers += 1;
        }
        for (a, b) in &seen.in_txn {
            assert_eq!(a, b, "reader {r}: one read-only transaction saw two states");
        }
    }
    eprintln!(
        "multiprocess: {rounds} checkpoints in {:.1}s; {} reader processes gave {answers} \
         answers from {} distinct checkpoints",
        writer_time.as_secs_f64(),
        seen.iter().map(|s| s.processes).sum::<u32>(),
        distinct.len()
    );
    assert!(
        distinct.len() >= 2,
        "the readers never saw a new checkpoint"
    );
    ruzu::inspect::check(std::path::Path::new(&db)).unwrap();
}

/// A read-only process in an explicit read-only transaction keeps answering from the
/// checkpoint it started on while the writer rewrites the table and checkpoints several
/// times (freed pages are reused for other readers' sake only once it is done); a new
/// transaction reads the newest checkpoint, and commits not checkpointed stay invisible.
#[test]
fn a_read_only_transaction_keeps_its_snapshot_across_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(dir.path());
    let mut w = Client::spawn(&[&db]);
    w.ok("CALL auto_checkpoint=false");
    w.ok("CREATE NODE TABLE T(id INT64, v STRING, PRIMARY KEY(id))");
    w.ok("UNWIND range(0, 2999) AS i CREATE (:T {id: i, v: 'v' + CAST(i AS STRING)})");
    w.ok("CHECKPOINT");
    let q = "MATCH (n:T) RETURN count(*) AS c, sum(n.id) AS s, min(n.v) AS m, max(n.v) AS x";
    let mut r = Client::spawn(&[&db, "--read-only"]);
    let before = one(&mut r, q);
    assert_eq!(int(&before, "c"), 3000);
    r.ok("BEGIN TRANSACTION READ ONLY");
    assert_eq!(one(&mut r, q), before);
    for round in 0..4 {
        w.ok(&format!(
            "MATCH (n:T) WHERE n.id % 4 = {round} SET n.v = 'r{round}'"
        ));
        w.ok(&format!(
            "UNWIND range({0}, {0} + 499) AS i CREATE (:T {{id: i, v: 'n'}})",
            10_000 + round * 1000
        ));
        w.ok(&format!("MATCH (n:T) WHERE n.id % 50 = {round} DELETE n"));
        w.ok("CHECKPOINT");
        let now = one(&mut w, q);
        assert_eq!(one(&mut r, q), before, "round {round}");
        // A process that starts now reads the newest checkpoint.
        let mut fresh = Client::spawn(&[&db, "--read-only"]);
        assert_eq!(one(&mut fresh, q), now, "round {round}");
        assert_eq!(fresh.close().0, Some(0));
    }
    r.ok("COMMIT");
    let newest = one(&mut w, q);
    assert_eq!(one(&mut r, q), newest);
    // A commit the writer has not checkpointed is not seen.
    w.ok("CREATE (:T {id: -1, v: 'late'})");
    assert_eq!(one(&mut r, q), newest);
    assert_eq!(int(&one(&mut w, q), "c"), int(&newest, "c") + 1);
    // Writes are refused in the read-only process.
    assert!(r.query("CREATE (:T {id: -2, v: 'no'})").is_err());
    assert_eq!(r.close().0, Some(1));
    assert_eq!(w.close().0, Some(0));
    ruzu::inspect::check(std::path::Path::new(&db)).unwrap();
}

/// A reader killed with SIGKILL inside a read-only transaction leaves its reader-table entry
/// behind; the writer finds it stale (its lock died with the process) and drops it.
#[test]
fn a_killed_reader_does_not_hold_pages_forever() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(dir.path());
    let mut w = Client::spawn(&[&db]);
    w.ok("CREATE NODE TABLE T(id INT64, v STRING, PRIMARY KEY(id))");
    w.ok("UNWIND range(0, 999) AS i CREATE (:T {id: i, v: 'v'})");
    w.ok("CHECKPOINT");
    let mut r = Client::spawn(&[&db, "--read-only"]);
    r.ok("BEGIN TRANSACTION READ ONLY");
    assert_eq!(int(&one(&mut r, STATE), "c"), 1000);
    let slots = || {
        std::fs::read_dir(format!("{db}.readers"))
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "reader"))
                    .count()
            })
            .unwrap_or(0)
    };
    assert_eq!(slots(), 1);
    r.kill();
    assert_eq!(slots(), 1, "the killed reader's entry is left behind");
    // Rewrite the table again and again: once the dead reader no longer holds the pages
    // its checkpoint used, the file stops growing.
    let size = || std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let mut sizes = Vec::new();
    for round in 0..8 {
        w.ok(&format!("MATCH (n:T) SET n.v = 'w{round}'"));
        w.ok("CHECKPOINT");
        sizes.push(size());
    }
    assert_eq!(
        slots(),
        0,
        "the writer did not drop the dead reader's entry"
    );
    assert!(
        sizes[7] <= sizes[3],
        "the file keeps growing as if the dead reader held its pages: {sizes:?}"
    );
    assert_eq!(w.close().0, Some(0));
    ruzu::inspect::check(std::path::Path::new(&db)).unwrap();
}

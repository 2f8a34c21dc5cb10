//! Many connections on one `Database` from many threads: writers commit (auto-commit and in
//! transactions, with checkpoints), readers run read-only transactions at the same time.
//! Readers never see an uncommitted or half-committed transaction, their answers never
//! change inside a transaction, they never move backwards between transactions, and nothing
//! deadlocks (every thread finishes before a watchdog fires).

use ruzu::{Config, Connection, Database, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

fn ints(c: &Connection, q: &str) -> Vec<i64> {
    let row = c
        .query(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .next()
        .unwrap_or_else(|| panic!("{q}: no row"))
        .unwrap_or_else(|e| panic!("{q}: {e}"));
    row.into_iter()
        .map(|v| match v {
            Value::Int64(i) => i,
            Value::Int128(i) => i as i64,
            Value::Null => 0,
            other => panic!("{q}: not an integer: {other:?}"),
        })
        .collect()
}

/// Runs `f` on a thread and fails the test if it does not finish in `secs` (a deadlock).
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(Ok(v)) => v,
        Ok(Err(p)) => std::panic::resume_unwind(p),
        Err(_) => panic!("{what} did not finish in {secs} s: a deadlock or a stall"),
    }
}

/// Each writer transaction adds one node and one rel from it to node 0, and adds 1 to node
/// 0's counter: so in every committed state, nodes = rels + 1 = counter + 1.
const Q: &str = "MATCH (n:N) WITH count(*) AS c, sum(n.w) AS s \
                 OPTIONAL MATCH ()-[r:E]->() RETURN c, s, count(r)";

fn check_invariant(v: &[i64], who: &str) {
    let (nodes, sum, rels) = (v[0], v[1], v[2]);
    assert_eq!(
        nodes,
        rels + 1,
        "{who}: a half-committed transaction: {v:?}"
    );
    // Every node but node 0 carries w = 1, node 0 carries the counter.
    assert_eq!(sum, 2 * rels, "{who}: a half-committed transaction: {v:?}");
}

#[test]
fn readers_and_writers_in_threads() {
    within(120, "the threads", || {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open_with(
            dir.path().join("db.ruzu"),
            Config {
                buffer_pool_size: 32 << 20,
                threads: 1,
                read_only: false,
            },
        )
        .unwrap();
        let c = db.connect();
        c.query("CREATE NODE TABLE N(id INT64 PRIMARY KEY, w INT64)")
            .unwrap();
        c.query("CREATE REL TABLE E(FROM N TO N)").unwrap();
        c.query("CREATE (:N {id: 0, w: 0})").unwrap();
        // Checkpoints happen on their own too.
        c.query("CALL checkpoint_threshold=20000").unwrap();

        let stop = Arc::new(AtomicBool::new(false));
        let per_writer = 150;
        let writers: Vec<_> = (0..2)
            .map(|wi| {
                let db = db.clone();
                std::thread::spawn(move || {
                    let c = db.connect();
                    let mut done = 0;
                    let mut k = 0;
                    while done < per_writer {
                        let id = 1 + wi * 1_000_000 + k;
                        k += 1;
                        let stmts = [
                            format!("CREATE (:N {{id: {id}, w: 1}})"),
                            format!(
                                "MATCH (a:N {{id: {id}}}), (z:N {{id: 0}}) \
                                 CREATE (a)-[:E]->(z) SET z.w = z.w + 1"
                            ),
                        ];
                        // Alternate manual transactions (refused while another manual
                        // transaction runs: retry) and single auto-commit statements.
                        let manual = k % 2 == 0;
                        if manual {
                            if c.query("BEGIN TRANSACTION").is_err() {
                                std::thread::yield_now();
                                continue;
                            }
                            for s in &stmts {
                                c.query(s).unwrap_or_else(|e| panic!("{s}: {e}"));
                            }
                            if k % 7 == 0 {
                                c.query("ROLLBACK").unwrap();
                                continue;
                            }
                            c.query("COMMIT").unwrap();
                        } else {
                            // One statement, so one auto-commit transaction.
                            let s = format!(
                                "CREATE (a:N {{id: {id}, w: 1}}) WITH a \
                                 MATCH (z:N {{id: 0}}) CREATE (a)-[:E]->(z) SET z.w = z.w + 1"
                            );
                            match c.query(&s) {
                                Ok(_) => {}
                                // Refused while a manual transaction holds the writer.
                                Err(e) if e.to_string().contains("write transaction") => {
                                    std::thread::yield_now();
                                    continue;
                                }
                                Err(e) => panic!("{s}: {e}"),
                            }
                        }
                        done += 1;
                        if done % 50 == 0 {
                            let _ = c.query("CHECKPOINT");
                        }
                    }
                })
            })
            .collect();

        let readers: Vec<_> = (0..3)
            .map(|ri| {
                let db = db.clone();
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let c = db.connect();
                    let who = format!("reader {ri}");
                    let mut last = 0;
                    let mut txns = 0;
                    while !stop.load(Ordering::Acquire) || txns < 3 {
                        c.query("BEGIN TRANSACTION READ ONLY").unwrap();
                        let first = ints(&c, Q);
                        check_invariant(&first, &who);
                        assert!(first[0] >= last, "{who} moved backwards: {first:?}");
                        last = first[0];
                        for _ in 0..3 {
                            std::thread::yield_now();
                            let again = ints(&c, Q);
                            assert_eq!(again, first, "{who}: the snapshot changed mid-transaction");
                        }
                        if txns % 2 == 0 {
                            c.query("COMMIT").unwrap();
                        } else {
                            // A write inside a read-only transaction is refused, and ends
                            // the transaction (as in Kuzu).
                            let e = c.query("CREATE (:N {id: -1, w: 0})").err().unwrap();
                            assert!(e.to_string().contains("read-only"), "{e}");
                            assert!(c.query("COMMIT").is_err());
                        }
                        // Auto-commit reads too.
                        check_invariant(&ints(&c, Q), &who);
                        txns += 1;
                    }
                    txns
                })
            })
            .collect();

        for w in writers {
            w.join().unwrap();
        }
        stop.store(true, Ordering::Release);
        for r in readers {
            assert!(r.join().unwrap() >= 3);
        }
        let end = ints(&c, Q);
        check_invariant(&end, "the end");
        assert_eq!(end[0], 1 + 2 * per_writer);
        drop(c);
        let path = db.path().to_path_buf();
        drop(db);
        // Reopened, it holds the same, and the file is sound.
        ruzu::inspect::check(&path).unwrap();
        let db = Database::open(&path).unwrap();
        assert_eq!(ints(&db.connect(), Q), end);
    });
}

/// A read-only transaction that stays open across many commits and checkpoints keeps its
/// answer; a read during an open write transaction does not see its rows and does not wait.
#[test]
fn long_reader_and_uncommitted_rows() {
    within(120, "the test", || {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path().join("db.ruzu")).unwrap();
        let w = db.connect();
        w.query("CREATE NODE TABLE N(id INT64 PRIMARY KEY, w INT64)")
            .unwrap();
        w.query("UNWIND range(1, 1000) AS i CREATE (:N {id: i, w: i})")
            .unwrap();
        let r = db.connect();
        r.query("BEGIN TRANSACTION READ ONLY").unwrap();
        let q = "MATCH (n:N) RETURN count(*), sum(n.w)";
        let before = ints(&r, q);
        assert_eq!(before, vec![1000, 500500]);
        for round in 0..5 {
            w.query(&format!("MATCH (n:N) WHERE n.id % 5 = {round} SET n.w = 0"))
                .unwrap();
            w.query(&format!("MATCH (n:N {{id: {}}}) DELETE n", round + 1))
                .unwrap();
            w.query("CHECKPOINT").unwrap();
            assert_eq!(ints(&r, q), before);
        }
        r.query("COMMIT").unwrap();
        let after = ints(&r, q);
        assert_eq!(after[0], 995);

        // An open write transaction: other connections see none of it, and are not blocked.
        w.query("BEGIN TRANSACTION").unwrap();
        w.query("UNWIND range(5000, 5999) AS i CREATE (:N {id: i, w: 1})")
            .unwrap();
        assert_eq!(ints(&w, q)[0], 1995);
        let other = db.clone();
        let seen = std::thread::spawn(move || ints(&other.connect(), q))
            .join()
            .unwrap();
        assert_eq!(seen, after);
        // A second writer is refused while the manual transaction holds the writer.
        assert!(r.query("CREATE (:N {id: 9999, w: 1})").is_err());
        w.query("ROLLBACK").unwrap();
        assert_eq!(ints(&r, q), after);
    });
}

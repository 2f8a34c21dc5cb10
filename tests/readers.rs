//! Read-only databases beside a writer on the same file (as separate processes would open
//! them: each `Database` is its own store with its own file handles and locks). A reader reads
//! the last checkpoint, keeps reading it for its open transaction while the writer commits and
//! checkpoints (its pages are not reused), and moves to the newest checkpoint when it starts
//! a new transaction.

use ruzu::{Config, Database, Value};

fn one(c: &ruzu::Connection, q: &str) -> Vec<Value> {
    c.query(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .next()
        .unwrap_or_else(|| panic!("{q}: no row"))
        .unwrap()
}

#[test]
fn readers_keep_their_checkpoint_and_move_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("db.ruzu");
    let w = Database::open(&p).unwrap();
    let wc = w.connect();
    wc.query("CREATE NODE TABLE T(id INT64, v STRING, PRIMARY KEY(id))")
        .unwrap();
    wc.query("UNWIND range(0, 2999) AS i CREATE (:T {id: i, v: 'v' + CAST(i AS STRING)})")
        .unwrap();
    wc.query("CHECKPOINT").unwrap();
    // A second writer is refused, naming the lock.
    let e = Database::open(&p).err().unwrap().to_string();
    assert!(e.contains("lock"), "{e}");

    let r = Database::open_with(
        &p,
        Config {
            read_only: true,
            ..Config::default()
        },
    )
    .unwrap();
    let rc = r.connect();
    let q = "MATCH (t:T) RETURN count(*), sum(t.id), min(t.v)";
    let before = one(&rc, q);
    assert_eq!(before[0], Value::Int64(3000));
    rc.query("BEGIN TRANSACTION READ ONLY").unwrap();
    assert_eq!(one(&rc, q), before);

    // The writer rewrites the table several times, checkpointing each time: every page the
    // reader's checkpoint used is freed, and free pages are handed out again.
    for round in 0..4 {
        wc.query(&format!(
            "MATCH (t:T) WHERE t.id % 4 = {round} SET t.v = 'r{round}'"
        ))
        .unwrap();
        wc.query(&format!(
            "UNWIND range({0}, {0} + 499) AS i CREATE (:T {{id: i, v: 'n'}})",
            10_000 + round * 1000
        ))
        .unwrap();
        wc.query("CHECKPOINT").unwrap();
        // The reader's open transaction still reads its checkpoint, page for page.
        assert_eq!(one(&rc, q), before, "round {round}");
    }
    rc.query("COMMIT").unwrap();
    // A new transaction reads the newest checkpoint.
    let after = one(&rc, q);
    assert_eq!(after[0], Value::Int64(5000));
    assert_eq!(after, one(&wc, q));
    // Writes the writer has not checkpointed are not seen by the reader.
    wc.query("CREATE (:T {id: -1, v: 'x'})").unwrap();
    assert_eq!(one(&rc, q)[0], Value::Int64(5000));
    assert_eq!(one(&wc, q)[0], Value::Int64(5001));
    drop(rc);
    drop(r);
    drop(wc);
    drop(w);
    ruzu::inspect::check(&p).unwrap();
}

#[test]
fn a_reader_blocks_reuse_only_while_it_lives() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("db.ruzu");
    let w = Database::open(&p).unwrap();
    let wc = w.connect();
    wc.query("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id))")
        .unwrap();
    wc.query("UNWIND range(1, 20000) AS i CREATE (:T {id: i})")
        .unwrap();
    wc.query("CHECKPOINT").unwrap();
    let ro = Config {
        read_only: true,
        ..Config::default()
    };
    let r = Database::open_with(&p, ro.clone()).unwrap();
    let rc = r.connect();
    rc.query("BEGIN TRANSACTION READ ONLY").unwrap();
    let grow = |wc: &ruzu::Connection| {
        for k in 0..3 {
            wc.query(&format!("MATCH (t:T) WHERE t.id % 3 = {k} SET t.id = t.id"))
                .ok();
            wc.query(&format!(
                "UNWIND range(1, 2000) AS i CREATE (:T {{id: 100000 * {} + i}})",
                k + 1
            ))
            .ok();
            wc.query("CHECKPOINT").unwrap();
        }
    };
    let pages0 = w.pager().page_count();
    grow(&wc);
    let with_reader = w.pager().page_count() - pages0;
    drop(rc);
    drop(r);
    // Without the reader, the same work reuses the pages the first round freed.
    wc.query("MATCH (t:T) WHERE t.id > 100000 DELETE t")
        .unwrap();
    wc.query("CHECKPOINT").unwrap();
    let pages1 = w.pager().page_count();
    grow(&wc);
    let without = w.pager().page_count() - pages1;
    assert!(
        without < with_reader,
        "a finished reader still holds pages: grew {without} pages without it, {with_reader} with it"
    );
}

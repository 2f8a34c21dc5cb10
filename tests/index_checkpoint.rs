//! The primary-key index through transactional writes and checkpoints. A checkpoint changes
//! the index through a write session, so it writes the index pages its keys touch (and the
//! page-table pages above them), not the whole index; the keys of deleted nodes leave the
//! index and can be created again; and `ruzu check` accounts for every page afterwards.

use ruzu::{Connection, Database};
use std::collections::BTreeSet;

fn one(c: &Connection, q: &str) -> String {
    let mut r = c.query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    let row = r.next().unwrap().unwrap();
    row[0].to_string()
}

fn run(c: &Connection, q: &str) {
    c.query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
}

/// The pages of table `t`'s committed primary-key index.
fn index_pages(db: &Database, t: &str) -> BTreeSet<u64> {
    let snap = db.snapshot();
    let e = snap.catalog.table(t).unwrap();
    let idx = ruzu::loader::pipeline::index_of(e, snap.meta.node(e.id).unwrap()).unwrap();
    idx.pages(db.pager().pool()).unwrap().into_iter().collect()
}

/// What a checkpoint did to the index: (pages it wrote, committed pages it replaced).
fn changed(before: &BTreeSet<u64>, after: &BTreeSet<u64>) -> (usize, usize) {
    (
        after.difference(before).count(),
        before.difference(after).count(),
    )
}

#[test]
fn a_checkpoint_writes_only_the_index_pages_its_keys_touch() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("db.ruzu");
    let csv = dir.path().join("t.csv");
    let rows: String = (0..100_000).map(|i| format!("{i},v{i}\n")).collect();
    std::fs::write(&csv, rows).unwrap();
    {
        let db = Database::open(&p).unwrap();
        let c = db.connect();
        run(&c, "CREATE NODE TABLE T(id INT64 PRIMARY KEY, v STRING)");
        run(&c, &format!("COPY T FROM '{}'", csv.display()));
        let base = index_pages(&db, "T");
        // 100k INT64 keys: about 600 primary-slot pages and their overflow slots. Copying
        // the index at every checkpoint (what the checkpoint did before) wrote all of them.
        assert!(base.len() > 600, "{} index pages", base.len());

        // One auto-commit CREATE: the index stays as committed until the checkpoint.
        run(&c, "CREATE (:T {id: 100000, v: 'new'})");
        assert_eq!(index_pages(&db, "T"), base);
        run(&c, "CHECKPOINT");
        let after = index_pages(&db, "T");
        let (written, replaced) = changed(&base, &after);
        // One key: its primary-slot page, perhaps an overflow-slot page and the two pages
        // of a bucket split, and the page-table leaf and root above each of those.
        assert!(
            written <= 12 && replaced <= written,
            "a one-key checkpoint wrote {written} index pages and replaced {replaced} of {}",
            base.len()
        );
        assert!(written >= 2, "the key's page and a page table: {written}");
        assert_eq!(after.len() - base.len(), written - replaced);
        assert_eq!(one(&c, "MATCH (t:T) WHERE t.id = 100000 RETURN t.v"), "new");
        assert_eq!(one(&c, "MATCH (t:T) WHERE t.id = 4242 RETURN t.v"), "v4242");

        // DELETE, checkpoint: the key leaves the index (again a few pages), and a node with
        // the same key can be created afterwards.
        run(&c, "MATCH (t:T) WHERE t.id = 5 DELETE t");
        run(&c, "CHECKPOINT");
        let deleted = index_pages(&db, "T");
        let (written, replaced) = changed(&after, &deleted);
        assert!(
            written <= 12,
            "a one-key delete wrote {written} index pages"
        );
        assert_eq!(written, replaced, "a delete adds no index page");
        assert_eq!(one(&c, "MATCH (t:T) WHERE t.id = 5 RETURN count(*)"), "0");
        run(&c, "CREATE (:T {id: 5, v: 'again'})");
        run(&c, "CHECKPOINT");
        assert_eq!(one(&c, "MATCH (t:T) WHERE t.id = 5 RETURN t.v"), "again");

        // Deleted and created again before one checkpoint: the checkpoint removes the old
        // key before it inserts the new one.
        run(&c, "MATCH (t:T) WHERE t.id = 6 DELETE t");
        run(&c, "CREATE (:T {id: 6, v: 'six'})");
        run(&c, "CHECKPOINT");
        assert_eq!(one(&c, "MATCH (t:T) WHERE t.id = 6 RETURN t.v"), "six");

        // The index still refuses a duplicate, of a checkpointed key and of a recreated one.
        for id in [7, 5] {
            let e = c
                .query(&format!("CREATE (:T {{id: {id}, v: 'dup'}})"))
                .err()
                .unwrap_or_else(|| panic!("duplicate key {id} accepted"));
            assert!(e.to_string().contains("duplicated primary key"), "{e}");
        }
        assert_eq!(one(&c, "MATCH (t:T) RETURN count(*)"), "100001");
    }
    // Every page referenced once or free: the replaced index pages were freed, not leaked.
    let r = ruzu::inspect::check(&p).unwrap();
    assert_eq!(r.pages, 1 + r.referenced + r.free, "{r:?}");
    let db = Database::open(&p).unwrap();
    let c = db.connect();
    assert_eq!(one(&c, "MATCH (t:T) WHERE t.id = 5 RETURN t.v"), "again");
    assert_eq!(one(&c, "MATCH (t:T) WHERE t.id = 6 RETURN t.v"), "six");
    assert_eq!(one(&c, "MATCH (t:T) WHERE t.id = 100000 RETURN t.v"), "new");
    assert_eq!(one(&c, "MATCH (t:T) RETURN count(*)"), "100001");
}

/// Many inserted nodes in one checkpoint go into the index as bulk inserts (runs of
/// consecutive offsets, broken where a node created in the same epoch was deleted again),
/// string keys included.
#[test]
fn a_checkpoint_inserts_runs_of_new_keys() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("db.ruzu");
    {
        let db = Database::open(&p).unwrap();
        let c = db.connect();
        run(&c, "CREATE NODE TABLE S(k STRING PRIMARY KEY, n INT64)");
        run(&c, "UNWIND range(0, 2999) AS i CREATE (:S {k: concat('key-', CAST(i AS STRING), '-with-a-long-tail'), n: i})");
        run(&c, "MATCH (s:S) WHERE s.n % 7 = 3 DELETE s");
        run(&c, "CHECKPOINT");
        assert_eq!(
            one(
                &c,
                "MATCH (s:S) WHERE s.k = 'key-2998-with-a-long-tail' RETURN s.n"
            ),
            "2998"
        );
        assert_eq!(
            one(
                &c,
                "MATCH (s:S) WHERE s.k = 'key-3-with-a-long-tail' RETURN count(*)"
            ),
            "0"
        );
        run(&c, "CREATE (:S {k: 'key-3-with-a-long-tail', n: -3})");
        assert_eq!(one(&c, "MATCH (s:S) RETURN count(*)"), "2572");
    }
    let r = ruzu::inspect::check(&p).unwrap();
    assert_eq!(r.pages, 1 + r.referenced + r.free, "{r:?}");
    let db = Database::open(&p).unwrap();
    let c = db.connect();
    assert_eq!(
        one(
            &c,
            "MATCH (s:S) WHERE s.k = 'key-3-with-a-long-tail' RETURN s.n"
        ),
        "-3"
    );
    assert_eq!(
        one(
            &c,
            "MATCH (s:S) WHERE s.k = 'key-1000-with-a-long-tail' RETURN s.n"
        ),
        "1000"
    );
}

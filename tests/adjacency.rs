//! Adjacency with rel versions, against a model: per-node counts (the `Degree` path, no rel
//! materialised) and the rels themselves (the `Extend` path, with a property), in both
//! directions, over runs of nodes and node by node, in every state a reader can meet:
//! commits not checkpointed, another connection's open write transaction (its writer sees
//! it, readers do not), a read transaction started before a commit, after a rollback, after
//! checkpoints that rewrite some CSR parts and keep others, after reopening. Writes delete
//! loaded rels and new ones, insert rels (also from and to new nodes), update rel properties
//! and delete nodes.
//!
//! The CSR parts are made tiny (`set_part_size`) so that a group of this small graph has
//! many of them (the size is per process: every test of this file uses the same).

use ruzu::{Config, Connection, Database, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn small_parts() {
    ruzu::storage::csr::set_part_size(8, 6);
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int64(i) => *i,
        Value::Int128(i) => *i as i64,
        other => panic!("not an integer: {other:?}"),
    }
}

fn rows(c: &Connection, q: &str) -> Vec<Vec<i64>> {
    c.query(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .map(|r| {
            r.unwrap_or_else(|e| panic!("{q}: {e}"))
                .iter()
                .map(int)
                .collect()
        })
        .collect()
}

/// Nodes by id, rels as (src id, dst id, w) with w unique.
#[derive(Debug, Clone, Default, PartialEq)]
struct Graph {
    nodes: BTreeSet<i64>,
    rels: BTreeSet<(i64, i64, i64)>,
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn open(path: &Path) -> Database {
    Database::open_with(
        path,
        Config {
            buffer_pool_size: 32 << 20,
            threads: 2,
            read_only: false,
        },
    )
    .unwrap()
}

/// Every answer `c` gives about the rels is the model's.
fn check(c: &Connection, g: &Graph, when: &str) {
    let mut fwd: BTreeMap<i64, i64> = BTreeMap::new();
    let mut bwd: BTreeMap<i64, i64> = BTreeMap::new();
    for &(s, d, _) in &g.rels {
        *fwd.entry(s).or_default() += 1;
        *bwd.entry(d).or_default() += 1;
    }
    let counts = |q: &str| -> BTreeMap<i64, i64> {
        rows(c, q)
            .into_iter()
            .filter(|r| r[1] != 0)
            .map(|r| (r[0], r[1]))
            .collect()
    };
    // Runs of nodes, counts only.
    assert_eq!(
        counts("MATCH (a:N)-[:E]->(b) RETURN a.id, count(*)"),
        fwd,
        "{when}: out-degrees"
    );
    assert_eq!(
        counts("MATCH (a:N)<-[:E]-(b) RETURN a.id, count(*)"),
        bwd,
        "{when}: in-degrees"
    );
    // Runs of nodes, rels materialised with a property.
    let mut got: Vec<(i64, i64, i64)> = rows(c, "MATCH (a:N)-[e:E]->(b:N) RETURN a.id, b.id, e.w")
        .into_iter()
        .map(|r| (r[0], r[1], r[2]))
        .collect();
    got.sort();
    let want: Vec<_> = g.rels.iter().copied().collect();
    assert_eq!(got, want, "{when}: rels forward");
    let mut got: Vec<(i64, i64, i64)> = rows(c, "MATCH (b:N)<-[e:E]-(a:N) RETURN a.id, b.id, e.w")
        .into_iter()
        .map(|r| (r[0], r[1], r[2]))
        .collect();
    got.sort();
    assert_eq!(got, want, "{when}: rels backward");
    assert_eq!(
        rows(c, "MATCH ()-[e:E]->() RETURN count(*)"),
        vec![vec![g.rels.len() as i64]],
        "{when}: rel count"
    );
    // Node by node, both directions, counts and rels.
    for &n in &g.nodes {
        let mut out: Vec<(i64, i64)> = rows(
            c,
            &format!("MATCH (x:N {{id: {n}}})-[e:E]->(y) RETURN y.id, e.w"),
        )
        .into_iter()
        .map(|r| (r[0], r[1]))
        .collect();
        out.sort();
        let want: Vec<(i64, i64)> = g
            .rels
            .iter()
            .filter(|r| r.0 == n)
            .map(|r| (r.1, r.2))
            .collect();
        assert_eq!(out, want, "{when}: rels of {n}");
        let mut inc: Vec<(i64, i64)> = rows(
            c,
            &format!("MATCH (x:N {{id: {n}}})<-[e:E]-(y) RETURN y.id, e.w"),
        )
        .into_iter()
        .map(|r| (r[0], r[1]))
        .collect();
        inc.sort();
        let mut want: Vec<(i64, i64)> = g
            .rels
            .iter()
            .filter(|r| r.1 == n)
            .map(|r| (r.0, r.2))
            .collect();
        want.sort();
        assert_eq!(inc, want, "{when}: rels into {n}");
        assert_eq!(
            rows(
                c,
                &format!("MATCH (x:N {{id: {n}}})-[:E]->() RETURN count(*)")
            ),
            vec![vec![fwd.get(&n).copied().unwrap_or(0)]],
            "{when}: out-degree of {n}"
        );
    }
}

/// One random write on `c`, applied to `g` too. `next` numbers new rels and nodes.
fn write(c: &Connection, g: &mut Graph, rng: &mut Rng, next: &mut i64) {
    let rels: Vec<(i64, i64, i64)> = g.rels.iter().copied().collect();
    let nodes: Vec<i64> = g.nodes.iter().copied().collect();
    let pick = rng.below(100);
    if pick < 35 || rels.is_empty() {
        let (a, b) = (nodes[rng.below(nodes.len())], nodes[rng.below(nodes.len())]);
        *next += 1;
        let w = *next;
        c.query(&format!(
            "MATCH (a:N {{id: {a}}}), (b:N {{id: {b}}}) CREATE (a)-[:E {{w: {w}}}]->(b)"
        ))
        .unwrap();
        g.rels.insert((a, b, w));
    } else if pick < 70 {
        // Loaded rels have w < 1,000,000; others were inserted.
        let want_base = pick < 55;
        let cands: Vec<_> = rels
            .iter()
            .filter(|r| (r.2 < 1_000_000) == want_base)
            .collect();
        let r = **cands
            .get(rng.below(cands.len().max(1)))
            .unwrap_or(&&rels[0]);
        c.query(&format!("MATCH ()-[e:E]->() WHERE e.w = {} DELETE e", r.2))
            .unwrap();
        g.rels.remove(&r);
    } else if pick < 90 {
        let r = rels[rng.below(rels.len())];
        *next += 1;
        let w = *next;
        c.query(&format!(
            "MATCH ()-[e:E]->() WHERE e.w = {} SET e.w = {w}",
            r.2
        ))
        .unwrap();
        g.rels.remove(&r);
        g.rels.insert((r.0, r.1, w));
    } else if pick < 96 {
        *next += 1;
        let id = *next;
        c.query(&format!("CREATE (:N {{id: {id}}})")).unwrap();
        g.nodes.insert(id);
    } else {
        let n = nodes[rng.below(nodes.len())];
        c.query(&format!("MATCH (n:N {{id: {n}}}) DETACH DELETE n"))
            .unwrap();
        g.nodes.remove(&n);
        g.rels.retain(|r| r.0 != n && r.1 != n);
    }
}

fn load(dir: &Path, db: &Database, rng: &mut Rng, nodes: i64, rels: usize) -> Graph {
    let c = db.connect();
    let mut g = Graph::default();
    let n = dir.join("n.csv");
    std::fs::write(&n, (0..nodes).map(|i| format!("{i}\n")).collect::<String>()).unwrap();
    g.nodes.extend(0..nodes);
    let mut text = String::new();
    for w in 0..rels as i64 {
        // Skewed: low ids get more rels (hubs spanning parts).
        let a = (rng.below(nodes as usize) * rng.below(nodes as usize)) as i64 / nodes;
        let b = rng.below(nodes as usize) as i64;
        text.push_str(&format!("{a},{b},{w}\n"));
        g.rels.insert((a, b, w));
    }
    let e = dir.join("e.csv");
    std::fs::write(&e, text).unwrap();
    for q in [
        "CREATE NODE TABLE N(id INT64 PRIMARY KEY)".to_string(),
        "CREATE REL TABLE E(FROM N TO N, w INT64)".to_string(),
        format!("COPY N FROM '{}'", n.display()),
        format!("COPY E FROM '{}'", e.display()),
    ] {
        c.query(&q).unwrap();
    }
    g
}

#[test]
fn adjacency_with_versions_matches_the_model() {
    small_parts();
    for seed in [0x9e37_79b9_7f4a_7c15, 7, 2024] {
        versions_against_the_model(seed);
    }
}

fn versions_against_the_model(seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.ruzu");
    let mut rng = Rng(seed);
    let mut db = open(&path);
    let mut g = load(dir.path(), &db, &mut rng, 70, 500);
    let mut next = 1_000_000i64;
    let (mut w, mut r) = (db.connect(), db.connect());
    check(&r, &g, "loaded");
    for round in 0..6 {
        // Auto-commit writes: committed, not checkpointed.
        for _ in 0..12 {
            write(&w, &mut g, &mut rng, &mut next);
        }
        check(&r, &g, &format!("round {round}: commits"));
        check(&w, &g, &format!("round {round}: commits, writer"));
        // A write transaction on `w`: `r` sees none of it, `w` all of it.
        w.query("BEGIN TRANSACTION").unwrap();
        let mut t = g.clone();
        for _ in 0..12 {
            write(&w, &mut t, &mut rng, &mut next);
        }
        check(
            &r,
            &g,
            &format!("round {round}: open write transaction, reader"),
        );
        check(
            &w,
            &t,
            &format!("round {round}: open write transaction, writer"),
        );
        // A read transaction begun before the commit keeps the state it began with.
        r.query("BEGIN TRANSACTION READ ONLY").unwrap();
        if round % 3 == 2 {
            w.query("ROLLBACK").unwrap();
        } else {
            w.query("COMMIT").unwrap();
        }
        check(
            &r,
            &g,
            &format!("round {round}: read transaction of before"),
        );
        r.query("COMMIT").unwrap();
        if round % 3 != 2 {
            g = t;
        }
        check(&r, &g, &format!("round {round}: after the transaction"));
        // Checkpoint: some parts rewritten, the others kept.
        if round % 2 == 1 {
            w.query("CHECKPOINT").unwrap();
            check(&r, &g, &format!("round {round}: checkpointed"));
            let rep = ruzu::inspect::check_unlocked(&path).unwrap();
            assert_eq!(rep.pages, 1 + rep.referenced + rep.free, "{rep:?}");
        }
        if round % 3 == 1 {
            drop(w);
            drop(r);
            drop(db);
            db = open(&path);
            (w, r) = (db.connect(), db.connect());
            check(&r, &g, &format!("round {round}: reopened"));
        }
    }
    drop(w);
    drop(r);
    drop(db);
    let rep = ruzu::inspect::check_unlocked(&path).unwrap();
    assert_eq!(rep.pages, 1 + rep.referenced + rep.free, "{rep:?}");
    let db = open(&path);
    check(&db.connect(), &g, "final reopen");
}

/// Deleting every rel of a run of nodes, and all rels, leaves empty parts that read as such;
/// a property added to the rel table afterwards is cut like the rest.
#[test]
fn emptied_parts_and_added_properties() {
    small_parts();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.ruzu");
    let mut rng = Rng(12345);
    let db = open(&path);
    let mut g = load(dir.path(), &db, &mut rng, 40, 200);
    let c = db.connect();
    c.query("MATCH (a:N)-[e:E]->() WHERE a.id < 10 DELETE e")
        .unwrap();
    g.rels.retain(|r| r.0 >= 10);
    check(&c, &g, "low nodes emptied");
    c.query("CHECKPOINT").unwrap();
    check(&c, &g, "low nodes emptied, checkpointed");
    c.query("ALTER TABLE E ADD x INT64 DEFAULT 7").unwrap();
    check(&c, &g, "property added");
    assert_eq!(
        rows(&c, "MATCH ()-[e:E]->() RETURN sum(e.x)"),
        vec![vec![7 * g.rels.len() as i64]]
    );
    c.query("MATCH (a:N {id: 20}), (b:N {id: 21}) CREATE (a)-[:E {w: 5000000, x: 1}]->(b)")
        .unwrap();
    g.rels.insert((20, 21, 5_000_000));
    c.query("CHECKPOINT").unwrap();
    check(&c, &g, "property added, checkpointed");
    assert_eq!(
        rows(&c, "MATCH ()-[e:E]->() RETURN sum(e.x)"),
        vec![vec![7 * (g.rels.len() as i64 - 1) + 1]]
    );
    c.query("MATCH ()-[e:E]->() DELETE e").unwrap();
    g.rels.clear();
    check(&c, &g, "all deleted");
    c.query("CHECKPOINT").unwrap();
    check(&c, &g, "all deleted, checkpointed");
    drop(c);
    drop(db);
    let rep = ruzu::inspect::check_unlocked(&path).unwrap();
    assert_eq!(rep.pages, 1 + rep.referenced + rep.free, "{rep:?}");
    let db = open(&path);
    check(&db.connect(), &g, "all deleted, reopened");
}

//! Random sequences of writes, transactions, rollbacks, checkpoints and reopens, run against
//! ruzu and against a plain in-memory model of the graph: after every step, and after a
//! final reopen, the answers are the model's.

use proptest::prelude::*;
use ruzu::{Config, Connection, Database, Value};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone)]
enum Op {
    Insert(i64, i64),
    Update(i64, i64),
    Delete(i64),
    AddRel(i64, i64),
    DelRel(i64, i64),
    Begin,
    Commit,
    Rollback,
    Checkpoint,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    let id = 0i64..24;
    prop_oneof![
        6 => (id.clone(), -5i64..5).prop_map(|(a, v)| Op::Insert(a, v)),
        3 => (id.clone(), -5i64..5).prop_map(|(a, v)| Op::Update(a, v)),
        2 => id.clone().prop_map(Op::Delete),
        5 => (id.clone(), id.clone()).prop_map(|(a, b)| Op::AddRel(a, b)),
        2 => (id.clone(), id).prop_map(|(a, b)| Op::DelRel(a, b)),
        2 => Just(Op::Begin),
        1 => Just(Op::Commit),
        1 => Just(Op::Rollback),
        1 => Just(Op::Checkpoint),
        1 => Just(Op::Reopen),
    ]
}

/// Nodes as (id, v) and rels as (src, dst), sorted.
type Dump = (Vec<(i64, i64)>, Vec<(i64, i64)>);

/// The graph: node id -> v, and rels as (src, dst) with multiplicity.
#[derive(Debug, Clone, Default, PartialEq)]
struct Graph {
    nodes: BTreeMap<i64, i64>,
    rels: Vec<(i64, i64)>,
}

impl Graph {
    fn dump(&self) -> Dump {
        let nodes = self.nodes.iter().map(|(&k, &v)| (k, v)).collect();
        let mut rels = self.rels.clone();
        rels.sort();
        (nodes, rels)
    }
}

struct Model {
    committed: Graph,
    /// The open manual transaction's view.
    txn: Option<Graph>,
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int64(i) => *i,
        other => panic!("not an integer: {other:?}"),
    }
}

fn pairs(c: &Connection, q: &str) -> Vec<(i64, i64)> {
    c.query(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{q}: {e}"));
            (int(&r[0]), int(&r[1]))
        })
        .collect()
}

fn observe(c: &Connection) -> Dump {
    (
        pairs(c, "MATCH (n:N) RETURN n.id, n.v ORDER BY n.id"),
        pairs(
            c,
            "MATCH (a:N)-[:E]->(b:N) RETURN a.id, b.id ORDER BY a.id, b.id",
        ),
    )
}

fn open(path: &Path) -> Database {
    Database::open_with(
        path,
        Config {
            buffer_pool_size: 16 << 20,
            threads: 1,
            read_only: false,
        },
    )
    .unwrap()
}

fn run_ops(ops: &[Op]) -> Result<(), TestCaseError> {
    // Half the cases with tiny CSR parts, so that the group of this small graph has many and
    // checkpoints rewrite some and keep others (the size is per process; cases run one at a
    // time).
    use ruzu::storage::csr::{set_part_size, PART_NODES, PART_RELS};
    if ops.len() % 2 == 1 {
        set_part_size(2, 3);
    } else {
        set_part_size(PART_RELS, PART_NODES);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.ruzu");
    let mut db = open(&path);
    let mut c = db.connect();
    c.query("CREATE NODE TABLE N(id INT64 PRIMARY KEY, v INT64)")
        .unwrap();
    c.query("CREATE REL TABLE E(FROM N TO N)").unwrap();
    let mut m = Model {
        committed: Graph::default(),
        txn: None,
    };
    for (i, op) in ops.iter().enumerate() {
        let view = m.txn.clone().unwrap_or_else(|| m.committed.clone());
        // The statement, and the view after it if it succeeds (None: it must fail).
        let (stmt, after): (String, Option<Graph>) = match op {
            Op::Insert(a, v) => {
                let mut g = view.clone();
                let ok = g.nodes.insert(*a, *v).is_none();
                (format!("CREATE (:N {{id: {a}, v: {v}}})"), ok.then_some(g))
            }
            Op::Update(a, v) => {
                let mut g = view.clone();
                if let Some(x) = g.nodes.get_mut(a) {
                    *x = *v;
                }
                (format!("MATCH (n:N {{id: {a}}}) SET n.v = {v}"), Some(g))
            }
            Op::Delete(a) => {
                let mut g = view.clone();
                g.nodes.remove(a);
                g.rels.retain(|&(s, d)| s != *a && d != *a);
                (format!("MATCH (n:N {{id: {a}}}) DETACH DELETE n"), Some(g))
            }
            Op::AddRel(a, b) => {
                let mut g = view.clone();
                if g.nodes.contains_key(a) && g.nodes.contains_key(b) {
                    g.rels.push((*a, *b));
                }
                (
                    format!("MATCH (a:N {{id: {a}}}), (b:N {{id: {b}}}) CREATE (a)-[:E]->(b)"),
                    Some(g),
                )
            }
            Op::DelRel(a, b) => {
                let mut g = view.clone();
                g.rels.retain(|&(s, d)| (s, d) != (*a, *b));
                (
                    format!("MATCH (a:N {{id: {a}}})-[r:E]->(b:N {{id: {b}}}) DELETE r"),
                    Some(g),
                )
            }
            Op::Begin => {
                let r = c.query("BEGIN TRANSACTION");
                prop_assert_eq!(r.is_ok(), m.txn.is_none(), "step {}: BEGIN", i);
                if m.txn.is_none() {
                    m.txn = Some(m.committed.clone());
                }
                continue;
            }
            Op::Commit | Op::Rollback => {
                let word = if matches!(op, Op::Commit) {
                    "COMMIT"
                } else {
                    "ROLLBACK"
                };
                let r = c.query(word);
                prop_assert_eq!(r.is_ok(), m.txn.is_some(), "step {}: {}", i, word);
                if let Some(g) = m.txn.take() {
                    if matches!(op, Op::Commit) {
                        m.committed = g;
                    }
                }
                prop_assert_eq!(
                    observe(&c),
                    m.committed.dump(),
                    "after step {}: {:?}",
                    i,
                    op
                );
                continue;
            }
            Op::Checkpoint => {
                // Refused inside a transaction (as Kuzu does), which it then ends.
                let r = c.query("CHECKPOINT");
                if m.txn.is_none() {
                    prop_assert!(r.is_ok(), "step {}: CHECKPOINT: {:?}", i, r.err());
                }
                let now = observe(&c);
                if r.is_err() {
                    // The open transaction survives or was rolled back: either way the
                    // view must be one of the two.
                    let t = m.txn.clone().map(|g| g.dump());
                    if Some(&now) != t.as_ref() {
                        m.txn = None;
                        let _ = c.query("ROLLBACK");
                    }
                }
                let want = m.txn.clone().unwrap_or_else(|| m.committed.clone()).dump();
                prop_assert_eq!(now, want, "after step {}: CHECKPOINT", i);
                continue;
            }
            Op::Reopen => {
                drop(c);
                drop(db);
                m.txn = None;
                db = open(&path);
                c = db.connect();
                prop_assert_eq!(
                    observe(&c),
                    m.committed.dump(),
                    "after reopen at step {}",
                    i
                );
                continue;
            }
        };
        let r = c.query(&stmt);
        match after {
            Some(g) => {
                prop_assert!(r.is_ok(), "step {}: {}: {:?}", i, stmt, r.err());
                match &mut m.txn {
                    Some(t) => *t = g,
                    None => m.committed = g,
                }
            }
            None => {
                prop_assert!(r.is_err(), "step {}: {} should fail", i, stmt);
                // A failed statement in a transaction rolls the transaction back (Kuzu).
                m.txn = None;
            }
        }
        let want = m.txn.clone().unwrap_or_else(|| m.committed.clone()).dump();
        prop_assert_eq!(observe(&c), want, "after step {}: {}", i, stmt);
    }
    // Whatever is open is lost on close; the committed state survives reopen.
    drop(c);
    drop(db);
    ruzu::inspect::check(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let db = open(&path);
    prop_assert_eq!(
        observe(&db.connect()),
        m.committed.dump(),
        "after the final reopen"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn writes_match_the_model(ops in prop::collection::vec(op(), 1..70)) {
        run_ops(&ops)?;
    }
}

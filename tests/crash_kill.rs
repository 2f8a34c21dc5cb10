//! Crashes by `kill -9`: a `ruzu DB` child process is driven through a pipe with auto-commit
//! writes (node creates, `MATCH ... SET`, rel creates, `DETACH DELETE`, `COPY`), explicit `BEGIN .. COMMIT` (and
//! `ROLLBACK`) batches and `CHECKPOINT`s (and automatic checkpoints, with a small
//! `checkpoint_threshold`), taking each printed result as the acknowledgement of a commit.
//! At a random moment, with a write in flight, the child is killed with SIGKILL. Then:
//!
//! - the file as the crash left it passes `ruzu::inspect::check` (its checkpoint is intact);
//! - reopened (the WAL replayed), the database holds exactly the acknowledged commits, plus
//!   possibly the one in flight as a whole: every acknowledged commit is present, no part of
//!   an unacknowledged transaction is (a batch is all or nothing), no id beyond the in-flight
//!   one exists;
//! - after a clean close the file passes `check` again.
//!
//! Rounds continue on the same file. Even rounds verify in process (`ruzu::Database`, then a
//! clean close that checkpoints); odd rounds verify through the next child, which goes on
//! writing on top of the replayed WAL, so crashes also land on a WAL holding the commits of
//! earlier processes. The RNG is seeded (`RUZU_CRASH_SEED` overrides the seed); a failure
//! names the seed and round, and `RUZU_CRASH_LOG=FILE` appends every statement sent to FILE.

#[path = "common/client.rs"]
mod client;

use client::{int, json, Client, Failure};
use ruzu::{Database, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

/// xorshift64*: small, seeded, good enough to pick statements and delays.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// One change a statement makes.
#[derive(Clone, Debug)]
enum Effect {
    Node(i64, String),
    Set(i64, String),
    Rel(i64, i64, i64),
    /// DETACH DELETE: the node and its rels.
    Delete(i64),
}

/// The contents of the database: node id → v, and rels (from, to, k).
#[derive(Clone, Default, PartialEq, Eq, Debug)]
struct State {
    nodes: BTreeMap<i64, String>,
    rels: BTreeSet<(i64, i64, i64)>,
}

impl State {
    /// Applies effects in order; as in the database, a SET or a rel create whose nodes an
    /// earlier statement of the transaction deleted matches nothing.
    fn apply(&mut self, effects: &[Effect]) {
        for e in effects {
            match e {
                Effect::Node(id, v) => {
                    self.nodes.insert(*id, v.clone());
                }
                Effect::Set(id, v) => {
                    if let Some(old) = self.nodes.get_mut(id) {
                        *old = v.clone();
                    }
                }
                Effect::Rel(a, b, k) => {
                    if self.nodes.contains_key(a) && self.nodes.contains_key(b) {
                        self.rels.insert((*a, *b, *k));
                    }
                }
                Effect::Delete(id) => {
                    self.nodes.remove(id);
                    self.rels.retain(|&(a, b, _)| a != *id && b != *id);
                }
            }
        }
    }

    /// What differs from `want`, briefly.
    fn diff(&self, want: &State) -> String {
        let missing: Vec<_> = want
            .nodes
            .keys()
            .filter(|k| !self.nodes.contains_key(k))
            .take(10)
            .collect();
        let extra: Vec<_> = self
            .nodes
            .keys()
            .filter(|k| !want.nodes.contains_key(k))
            .take(10)
            .collect();
        let changed: Vec<_> = want
            .nodes
            .iter()
            .filter(|(k, v)| self.nodes.get(k).is_some_and(|g| g != *v))
            .map(|(k, v)| format!("{k}: want {v:.12}, got {:.12}", self.nodes[k]))
            .take(5)
            .collect();
        let missing_rels: Vec<_> = want.rels.difference(&self.rels).take(10).collect();
        let extra_rels: Vec<_> = self.rels.difference(&want.rels).take(10).collect();
        format!(
            "{} nodes (want {}), {} rels (want {}); missing nodes {missing:?}, unexpected nodes \
             {extra:?}, changed {changed:?}, missing rels {missing_rels:?}, unexpected rels \
             {extra_rels:?}",
            self.nodes.len(),
            want.nodes.len(),
            self.rels.len(),
            want.rels.len()
        )
    }
}

const SCHEMA: [&str; 2] = [
    "CREATE NODE TABLE T(id INT64, v STRING, PRIMARY KEY(id))",
    "CREATE REL TABLE R(FROM T TO T, k INT64)",
];
const NODES: &str = "MATCH (n:T) RETURN n.id AS id, n.v AS v";
const RELS: &str = "MATCH (a:T)-[r:R]->(b:T) RETURN a.id AS a, b.id AS b, r.k AS k";

/// The state as read in process.
fn read_state(db: &Database) -> State {
    let c = db.connect();
    let mut s = State::default();
    for row in c.query(NODES).unwrap_or_else(|e| panic!("{NODES}: {e}")) {
        match row.unwrap_or_else(|e| panic!("{NODES}: {e}")).as_slice() {
            [Value::Int64(id), Value::String(v)] => {
                assert!(s.nodes.insert(*id, v.clone()).is_none(), "id {id} twice");
            }
            r => panic!("unexpected row {r:?}"),
        }
    }
    for row in c.query(RELS).unwrap_or_else(|e| panic!("{RELS}: {e}")) {
        match row.unwrap_or_else(|e| panic!("{RELS}: {e}")).as_slice() {
            [Value::Int64(a), Value::Int64(b), Value::Int64(k)] => {
                assert!(s.rels.insert((*a, *b, *k)), "rel {k} twice");
            }
            r => panic!("unexpected row {r:?}"),
        }
    }
    s
}

/// The state as read through a shell.
fn read_state_via(c: &mut Client) -> State {
    let mut s = State::default();
    for row in c.ok(NODES) {
        let v = json(&row)["v"].as_str().map(str::to_string);
        let v = v.unwrap_or_else(|| panic!("no v in {row}"));
        assert!(s.nodes.insert(int(&row, "id"), v).is_none(), "{row} twice");
    }
    for row in c.ok(RELS) {
        let r = (int(&row, "a"), int(&row, "b"), int(&row, "k"));
        assert!(s.rels.insert(r), "{row} twice");
    }
    s
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Create,
    Set,
    Rel,
    Delete,
    Copy,
    Begin,
    InBatch,
    Commit,
    Rollback,
    Checkpoint,
}

/// The workload's knowledge: the acknowledged state and the ids handed out.
struct Workload {
    rng: Rng,
    /// Everything acknowledged as committed.
    state: State,
    /// Ids are never reused, even those of writes that were lost with their process.
    next_id: i64,
    next_rel: i64,
    next_set: u64,
    /// Statement latencies by kind (sum, count), to aim kills into statements.
    latency: BTreeMap<Kind, (Duration, u32)>,
}

#[derive(Default, Debug)]
struct Stats {
    acks: u64,
    /// Kills by the kind of statement in flight (`None`: the shell was idle).
    kills: BTreeMap<String, u32>,
    /// Kills whose in-flight commit survived.
    inflight_committed: u32,
    checkpoints: u64,
}

impl Workload {
    fn value(&mut self, tag: &str) -> String {
        let pad = self.rng.below(400) as usize;
        format!("{tag}-{}", "x".repeat(pad))
    }

    fn pick_node(&mut self) -> Option<i64> {
        let n = self.state.nodes.len() as u64;
        if n == 0 {
            return None;
        }
        // Mostly recent nodes, sometimes any.
        let i = if self.rng.chance(70) {
            n - 1 - self.rng.below(n.min(50))
        } else {
            self.rng.below(n)
        };
        self.state.nodes.keys().nth(i as usize).copied()
    }

    /// A write: a node create, a set, a rel create or a delete (on acknowledged nodes), or
    /// (outside a transaction, `dir` given) a COPY of new nodes from a CSV file in `dir`.
    fn write(&mut self, dir: Option<&Path>) -> (String, Vec<Effect>, Kind) {
        let roll = self.rng.below(100);
        if let (true, Some(dir)) = (roll >= 98, dir) {
            let rows = 1 + self.rng.below(100) as i64;
            let mut csv = String::from("id,v\n");
            let mut effects = Vec::new();
            for _ in 0..rows {
                self.next_id += 1;
                let v = self.value(&format!("c{}", self.next_id));
                csv.push_str(&format!("{},{v}\n", self.next_id));
                effects.push(Effect::Node(self.next_id, v));
            }
            let file = dir.join(format!("copy-{}.csv", self.next_id));
            std::fs::write(&file, csv).unwrap();
            return (
                format!("COPY T FROM '{}' (HEADER=true)", file.display()),
                effects,
                Kind::Copy,
            );
        }
        if roll >= 90 {
            if let Some(id) = self.pick_node() {
                return (
                    format!("MATCH (n:T) WHERE n.id = {id} DETACH DELETE n"),
                    vec![Effect::Delete(id)],
                    Kind::Delete,
                );
            }
        }
        if roll < 20 {
            if let Some(id) = self.pick_node() {
                self.next_set += 1;
                let v = self.value(&format!("s{}", self.next_set));
                return (
                    format!("MATCH (n:T) WHERE n.id = {id} SET n.v = '{v}'"),
                    vec![Effect::Set(id, v)],
                    Kind::Set,
                );
            }
        } else if roll < 35 {
            if let (Some(a), Some(b)) = (self.pick_node(), self.pick_node()) {
                self.next_rel += 1;
                let k = self.next_rel;
                return (
                    format!(
                        "MATCH (a:T), (b:T) WHERE a.id = {a} AND b.id = {b} \
                         CREATE (a)-[:R {{k: {k}}}]->(b)"
                    ),
                    vec![Effect::Rel(a, b, k)],
                    Kind::Rel,
                );
            }
        }
        self.next_id += 1;
        let id = self.next_id;
        let v = self.value(&format!("v{id}"));
        (
            format!("CREATE (:T {{id: {id}, v: '{v}'}})"),
            vec![Effect::Node(id, v)],
            Kind::Create,
        )
    }

    fn note_latency(&mut self, kind: Kind, d: Duration) {
        let e = self.latency.entry(kind).or_default();
        e.0 += d;
        e.1 += 1;
    }

    /// A delay that lands somewhere inside a statement of `kind`, or past its end.
    fn kill_delay(&mut self, kind: Kind) -> Duration {
        let mean = match self.latency.get(&kind) {
            Some(&(sum, n)) if n > 0 => sum / n,
            _ => Duration::from_millis(2),
        };
        // Log-uniform from 5 µs to twice the mean: the statement's own work (and its commit)
        // is a small, unknown part of the round trip.
        let (lo, hi) = (5f64.ln(), (2.0 * mean.as_micros().max(10) as f64).ln());
        let u = self.rng.below(1 << 20) as f64 / (1 << 20) as f64;
        Duration::from_micros((lo + u * (hi - lo)).exp() as u64)
    }
}

/// The transaction the shell has open (BEGIN sent and acknowledged): its effects so far.
struct Batch {
    effects: Vec<Effect>,
    /// Statements still to send before COMMIT/ROLLBACK.
    left: u32,
    rollback: bool,
}

/// Drives `c` until the kill, which comes after `kill_after` acknowledgements; returns the
/// effects that may or may not have committed (those of the statement in flight).
fn drive(
    c: &mut Client,
    w: &mut Workload,
    dir: &Path,
    kill_after: u64,
    stats: &mut Stats,
    ctx: &str,
) -> Vec<Effect> {
    let mut batch: Option<Batch> = None;
    let mut acks = 0;
    loop {
        // The next statement, the effects its acknowledgement commits, and its kind.
        let (stmt, kind) = match &mut batch {
            Some(b) if b.left == 0 => {
                let kind = if b.rollback {
                    Kind::Rollback
                } else {
                    Kind::Commit
                };
                let stmt = if b.rollback { "ROLLBACK" } else { "COMMIT" };
                (stmt.to_string(), kind)
            }
            Some(_) => (String::new(), Kind::InBatch),
            // Kills land in checkpoints more often than checkpoints come.
            None if w.rng.chance(if acks == kill_after { 20 } else { 4 }) => {
                ("CHECKPOINT".to_string(), Kind::Checkpoint)
            }
            None if w.rng.chance(6) => ("BEGIN TRANSACTION".to_string(), Kind::Begin),
            None => (String::new(), Kind::Create),
        };
        let (stmt, effects, kind) = match kind {
            Kind::InBatch => {
                let (s, e, _) = w.write(None);
                (s, e, Kind::InBatch)
            }
            Kind::Create => w.write(Some(dir)),
            Kind::Commit => {
                let e = batch
                    .as_ref()
                    .map(|b| b.effects.clone())
                    .unwrap_or_default();
                (stmt, e, kind)
            }
            _ => (stmt, Vec::new(), kind),
        };
        if acks == kill_after {
            // Kill with this statement in flight (or, now and then, with the shell idle).
            let name = if w.rng.chance(10) {
                "idle".to_string()
            } else {
                let delay = w.kill_delay(kind);
                c.start(&stmt);
                std::thread::sleep(delay);
                format!("{kind:?}")
            };
            c.kill();
            *stats.kills.entry(name.clone()).or_default() += 1;
            if name == "idle" {
                return Vec::new();
            }
            // Only a commit can be in flight: an auto-commit write, or COMMIT with the batch.
            return match kind {
                Kind::Create | Kind::Set | Kind::Rel | Kind::Delete | Kind::Copy | Kind::Commit => {
                    effects
                }
                _ => Vec::new(),
            };
        }
        if let Ok(log) = std::env::var("RUZU_CRASH_LOG") {
            use std::io::Write as _;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(log)
                .unwrap();
            let short: String = stmt.chars().take(120).collect();
            writeln!(f, "{ctx} ack#{acks} {kind:?}: {short}").unwrap();
        }
        let t = Instant::now();
        let m = c.start(&stmt);
        match c.finish(m) {
            Ok(_) => {}
            Err(Failure::Error(e)) => panic!("{ctx}: {stmt:.80}: {e}"),
            Err(Failure::Gone) => panic!("{ctx}: the shell died at {stmt:.80}"),
        }
        w.note_latency(kind, t.elapsed());
        acks += 1;
        stats.acks += 1;
        match kind {
            Kind::Begin => {
                batch = Some(Batch {
                    effects: Vec::new(),
                    left: 1 + w.rng.below(8) as u32,
                    rollback: w.rng.chance(15),
                })
            }
            Kind::InBatch => {
                if let Some(b) = &mut batch {
                    b.effects.extend(effects);
                    b.left -= 1;
                }
            }
            Kind::Commit => {
                w.state.apply(&effects);
                batch = None;
            }
            Kind::Rollback => batch = None,
            Kind::Checkpoint => stats.checkpoints += 1,
            Kind::Create | Kind::Set | Kind::Rel | Kind::Delete | Kind::Copy => {
                w.state.apply(&effects)
            }
        }
    }
}

/// The state after a crash must be the acknowledged one, or that plus the in-flight commit.
fn resolve(w: &mut Workload, got: State, inflight: &[Effect], stats: &mut Stats, ctx: &str) {
    if got == w.state {
        return;
    }
    let mut with = w.state.clone();
    with.apply(inflight);
    if !inflight.is_empty() && got == with {
        stats.inflight_committed += 1;
        w.state = with;
        return;
    }
    panic!(
        "{ctx}: after the crash the database holds neither the acknowledged commits nor \
         those plus the one in flight ({} effects: {:.200}):\n  vs acknowledged: {}\n  vs \
         with in flight: {}",
        inflight.len(),
        format!("{inflight:?}"),
        got.diff(&w.state),
        got.diff(&with)
    );
}

fn crash_rounds(rounds: u32, max_acks: u64) {
    let seed = std::env::var("RUZU_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_0001_u64 + rounds as u64);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.ruzu");
    let path = db.to_string_lossy().into_owned();
    let mut w = Workload {
        rng: Rng::new(seed),
        state: State::default(),
        next_id: 0,
        next_rel: 0,
        next_set: 0,
        latency: BTreeMap::new(),
    };
    let mut setup = Client::spawn(&[&path]);
    for s in SCHEMA {
        setup.ok(s);
    }
    let mut next = Some(setup);
    let mut stats = Stats::default();
    let start = Instant::now();
    for round in 0..rounds {
        let ctx = format!("seed {seed} round {round}");
        let mut c = match next.take() {
            Some(c) => c,
            None => Client::spawn(&[&path]),
        };
        match w.rng.below(3) {
            0 => c.ok("CALL checkpoint_threshold=16384"),
            1 => c.ok("CALL checkpoint_threshold=262144"),
            _ => Vec::new(),
        };
        let kill_after = 1 + w.rng.below(max_acks);
        let inflight = drive(&mut c, &mut w, dir.path(), kill_after, &mut stats, &ctx);
        drop(c);
        // The file as the crash left it: its last checkpoint is intact.
        if let Err(e) = ruzu::inspect::check(&db) {
            panic!("{ctx}: the crashed file fails check: {e}");
        }
        if round % 2 == 0 || round + 1 == rounds {
            let d = Database::open(&db).unwrap_or_else(|e| panic!("{ctx}: reopen: {e}"));
            let got = read_state(&d);
            resolve(&mut w, got, &inflight, &mut stats, &ctx);
            drop(d);
            if let Err(e) = ruzu::inspect::check(&db) {
                panic!("{ctx}: the file fails check after recovery and a clean close: {e}");
            }
        } else {
            // The next round's shell replays the WAL, reads the state, and goes on writing
            // on top of it.
            let mut c = Client::spawn(&[&path]);
            let got = read_state_via(&mut c);
            resolve(&mut w, got, &inflight, &mut stats, &ctx);
            next = Some(c);
        }
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ruzu"))
        .args(["check", &path])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "ruzu check: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    eprintln!(
        "crash_kill: {rounds} rounds (seed {seed}) in {:.1}s: {} acknowledged statements, {} \
         checkpoints, {} nodes, {} rels; kills with in flight: {:?}; in-flight commits that \
         survived: {}",
        start.elapsed().as_secs_f64(),
        stats.acks,
        stats.checkpoints,
        w.state.nodes.len(),
        w.state.rels.len(),
        stats.kills,
        stats.inflight_committed
    );
}

#[test]
fn kill_9_loses_no_acknowledged_commit() {
    crash_rounds(5, 300);
}

/// CI runs this in release (`cargo test --release -- --ignored`).
#[test]
#[ignore]
fn kill_9_loses_no_acknowledged_commit_100_rounds() {
    crash_rounds(100, 400);
}

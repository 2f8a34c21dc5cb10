//! The recursive extend: variable-length (walk, trail, acyclic) and shortest-path (one or
//! all shortest) relationships from a bound node over the CSR. For each input row it expands
//! the frontier level by level (BFS; depth-first for trail/acyclic) and appends the destination
//! node id, repeating a row as many times as there are matching paths to that destination.
//! Adjacency lists read from storage are cached per operator instance (memory reserved from
//! the query budget); instances are independent, so morsel-parallel pipelines each own one.
//!
//! Path values: when the rel variable's value is used (`RETURN e`, `nodes(e)`, a named path),
//! the spec carries a `PathSpec` and the operator enumerates every path depth-first instead
//! of counting, appending after the destination a path struct `{_NODES, _RELS}` (intermediate
//! nodes with their properties, rels with theirs, read from the CSR groups while expanding).
//! Without it the counting expansion stays enumeration-free.

use crate::error::{Error, Result};
use crate::exec::chunk::{DataChunk, VECTOR_CAPACITY};
use crate::exec::context::ExecContext;
use crate::exec::memory::Reservation;
use crate::exec::Operator;
use crate::planner::spec::{Dir, PathSemantic, RecursiveSpec};
use crate::query::ops::{pack, unpack};
use crate::transaction::{Snapshot, Store};
use crate::types::vector::{Column, ColumnData};
use crate::types::{LogicalType, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// One enumerated path: its nodes (source first, destination last) and rels with whether
/// each was followed forward.
#[derive(Debug, Clone, PartialEq)]
struct Trace {
    nodes: Vec<u64>,
    rels: Vec<(u64, bool)>,
}

/// The (neighbour id, rel id, followed forward) pairs of one node.
type Adjacency = Arc<Vec<(u64, u64, bool)>>;

/// See `RecursiveExtend::pending`.
type Pending = (usize, Vec<(u64, u64)>, usize, u64);

/// The recursive extend operator (see the module header).
pub struct RecursiveExtend {
    db: Arc<Store>,
    snap: Arc<Snapshot>,
    child: Box<dyn Operator>,
    spec: RecursiveSpec,
    /// Adjacency per packed node id: (neighbour id, rel id, followed forward).
    adj: HashMap<u64, Adjacency>,
    /// The input chunk being expanded and the next row of it.
    input: Option<(DataChunk, usize)>,
    /// Memory of the adjacency cache, taken from the query's budget.
    mem: Option<Reservation>,
    /// With a path: the properties of the rels read so far, by packed rel id.
    rel_props: HashMap<u64, Vec<Value>>,
    /// Without a path: the destinations (with their numbers of paths) of the source in
    /// input row `.0` not emitted yet, the next of them, and how many copies of it were
    /// emitted. Path counts grow exponentially with the length, so one source's rows are
    /// emitted over as many chunks as they need, never held at once.
    pending: Option<Pending>,
}

impl RecursiveExtend {
    pub fn new(
        db: Arc<Store>,
        snap: Arc<Snapshot>,
        child: Box<dyn Operator>,
        spec: RecursiveSpec,
    ) -> Self {
        RecursiveExtend {
            db,
            snap,
            child,
            spec,
            adj: HashMap::new(),
            input: None,
            mem: None,
            rel_props: HashMap::new(),
            pending: None,
        }
    }

    /// The (neighbour, rel) pairs of one node over all steps.
    fn neighbours(&mut self, id: u64) -> Result<Adjacency> {
        if let Some(a) = self.adj.get(&id) {
            return Ok(a.clone());
        }
        let pool = self.db.pager().pool();
        let (table, off) = unpack(id);
        let mut out = Vec::new();
        for s in &self.spec.steps {
            if s.bound_table != table {
                continue;
            }
            let types: Vec<LogicalType> = match &self.spec.path {
                Some(ps) => ps.rel_props.iter().map(|p| p.1.clone()).collect(),
                None => Vec::new(),
            };
            let mut q = crate::query::ops::adj_query(s, &types, true, false);
            if self.spec.path.is_none() {
                q.props.clear();
            }
            let adj = self.snap.rels_of(pool, &q, off)?;
            let (nb, rid) = (adj.nbrs, adj.ids);
            if nb.len() != rid.len() {
                return Err(Error::corrupted(None, "CSR rel ids and neighbours differ"));
            }
            if self.spec.path.is_some() {
                for (i, r) in rid.iter().enumerate() {
                    let vals = adj.props.iter().map(|c| c.get(i)).collect();
                    self.rel_props.insert(pack(s.rel_table, *r), vals);
                }
            }
            for (n, r) in nb.iter().zip(&rid) {
                out.push((
                    pack(s.nbr_table, *n),
                    pack(s.rel_table, *r),
                    s.dir == Dir::Fwd,
                ));
            }
        }
        let bytes = (out.len() * 24 + 64) as u64;
        if let Some(mem) = &mut self.mem {
            if mem.grow(bytes).is_err() {
                // Drop the cache and retry before giving up.
                self.adj.clear();
                mem.resize(0)?;
                mem.grow(bytes)?;
            }
        }
        let a = Arc::new(out);
        self.adj.insert(id, a.clone());
        Ok(a)
    }

    fn keep(&self, id: u64) -> bool {
        self.spec.dst_tables.contains(&unpack(id).0)
    }

    /// (destination, number of paths) from `src`.
    fn expand(&mut self, src: u64, ctx: &ExecContext) -> Result<Vec<(u64, u64)>> {
        let (lower, upper) = (self.spec.lower, self.spec.upper);
        let mut out: Vec<(u64, u64)> = Vec::new();
        match self.spec.semantic {
            PathSemantic::Walk => {
                let mut frontier: HashMap<u64, u64> = HashMap::from([(src, 1)]);
                if lower == 0 && self.keep(src) {
                    out.push((src, 1));
                }
                for level in 1..=upper {
                    ctx.check()?;
                    let mut next: HashMap<u64, u64> = HashMap::new();
                    for (&n, &c) in &frontier {
                        for &(m, _, _) in self.neighbours(n)?.iter() {
                            let e = next.entry(m).or_insert(0);
                            *e = e.saturating_add(c);
                        }
                    }
                    if next.is_empty() {
                        break;
                    }
                    if level >= lower {
                        out.extend(
                            next.iter()
                                .filter(|(n, _)| self.keep(**n))
                                .map(|(n, c)| (*n, *c)),
                        );
                    }
                    frontier = next;
                }
            }
            PathSemantic::Shortest | PathSemantic::AllShortest => {
                let mut seen: HashMap<u64, u64> = HashMap::from([(src, 1)]);
                let mut frontier: Vec<(u64, u64)> = vec![(src, 1)];
                if lower == 0 && self.keep(src) {
                    out.push((src, 1));
                }
                for level in 1..=upper {
                    ctx.check()?;
                    let mut next: HashMap<u64, u64> = HashMap::new();
                    for &(n, c) in &frontier {
                        for &(m, _, _) in self.neighbours(n)?.iter() {
                            if seen.contains_key(&m) {
                                continue;
                            }
                            let e = next.entry(m).or_insert(0);
                            *e = e.saturating_add(c);
                        }
                    }
                    if next.is_empty() {
                        break;
                    }
                    for (&n, &c) in &next {
                        seen.insert(n, c);
                        if level >= lower && self.keep(n) {
                            let c = if self.spec.semantic == PathSemantic::Shortest {
                                1
                            } else {
                                c
                            };
                            out.push((n, c));
                        }
                    }
                    frontier = next.into_iter().collect();
                }
            }
            PathSemantic::Trail | PathSemantic::Acyclic => {
                // Depth-first over (node, neighbour index) with the path's nodes and rels.
                let trail = self.spec.semantic == PathSemantic::Trail;
                let mut counts: HashMap<u64, u64> = HashMap::new();
                if lower == 0 && self.keep(src) {
                    *counts.entry(src).or_insert(0) += 1;
                }
                let mut nodes = vec![src];
                let mut rels: Vec<u64> = Vec::new();
                let mut stack = vec![(self.neighbours(src)?, 0usize)];
                let mut steps = 0u64;
                while let Some((adj, i)) = stack.last_mut() {
                    steps += 1;
                    if steps.is_multiple_of(4096) {
                        ctx.check()?;
                    }
                    if *i >= adj.len() || nodes.len() as u64 > upper {
                        stack.pop();
                        nodes.pop();
                        rels.pop();
                        continue;
                    }
                    let (m, r, _) = adj[*i];
                    *i += 1;
                    let ok = if trail {
                        !rels.contains(&r)
                    } else {
                        !nodes.contains(&m)
                    };
                    if !ok {
                        continue;
                    }
                    nodes.push(m);
                    rels.push(r);
                    let len = rels.len() as u64;
                    if len >= lower && self.keep(m) {
                        *counts.entry(m).or_insert(0) += 1;
                    }
                    let next = if len < upper {
                        self.neighbours(m)?
                    } else {
                        Arc::new(Vec::new())
                    };
                    stack.push((next, 0));
                }
                out.extend(counts);
            }
        }
        Ok(out)
    }
}

impl RecursiveExtend {
    /// Every path from `src` the spec matches (one per output row), enumerated depth-first.
    /// Shortest semantics follow only edges one level further in the BFS distance order.
    /// The traces are charged to `held` (the query's budget): a source with more paths than
    /// the budget holds fails with the out-of-memory error.
    fn paths(&mut self, src: u64, ctx: &ExecContext, held: &mut Reservation) -> Result<Vec<Trace>> {
        let (lower, upper) = (self.spec.lower, self.spec.upper);
        let sem = self.spec.semantic;
        let shortest = matches!(sem, PathSemantic::Shortest | PathSemantic::AllShortest);
        let mut dist: HashMap<u64, u64> = HashMap::new();
        if shortest {
            dist.insert(src, 0);
            let mut frontier = vec![src];
            for level in 1..=upper {
                ctx.check()?;
                let mut next = Vec::new();
                for n in frontier {
                    for &(m, _, _) in self.neighbours(n)?.iter() {
                        if let std::collections::hash_map::Entry::Vacant(e) = dist.entry(m) {
                            e.insert(level);
                            next.push(m);
                        }
                    }
                }
                if next.is_empty() {
                    break;
                }
                frontier = next;
            }
        }
        let mut out = Vec::new();
        let mut found: std::collections::HashSet<u64> = std::collections::HashSet::new();
        let mut nodes = vec![src];
        let mut rels: Vec<(u64, bool)> = Vec::new();
        if lower == 0 && self.keep(src) {
            out.push(Trace {
                nodes: nodes.clone(),
                rels: Vec::new(),
            });
            found.insert(src);
        }
        let mut stack = vec![(self.neighbours(src)?, 0usize)];
        let mut steps = 0u64;
        while let Some((adj, i)) = stack.last_mut() {
            steps += 1;
            if steps.is_multiple_of(4096) {
                ctx.check()?;
            }
            if *i >= adj.len() {
                stack.pop();
                nodes.pop();
                rels.pop();
                continue;
            }
            let (m, r, fwd) = adj[*i];
            *i += 1;
            let len = rels.len() as u64 + 1;
            let ok = match sem {
                PathSemantic::Walk => true,
                PathSemantic::Trail => !rels.iter().any(|x| x.0 == r),
                PathSemantic::Acyclic => !nodes.contains(&m),
                PathSemantic::Shortest | PathSemantic::AllShortest => dist.get(&m) == Some(&len),
            };
            if !ok {
                continue;
            }
            nodes.push(m);
            rels.push((r, fwd));
            if len >= lower && self.keep(m) && (sem != PathSemantic::Shortest || found.insert(m)) {
                held.grow(trace_bytes(nodes.len()))?;
                out.push(Trace {
                    nodes: nodes.clone(),
                    rels: rels.clone(),
                });
            }
            let next = if len < upper {
                self.neighbours(m)?
            } else {
                Arc::new(Vec::new())
            };
            stack.push((next, 0));
        }
        Ok(out)
    }

    /// The path value of a trace (intermediate nodes with their properties, rels).
    fn path_value(&self, t: &Trace) -> Result<Value> {
        let Some(ps) = &self.spec.path else {
            return Ok(Value::Null);
        };
        let pool = self.db.pager().pool();
        let mut nodes = Vec::new();
        let inner = if t.nodes.len() >= 2 {
            &t.nodes[1..t.nodes.len() - 1]
        } else {
            &[][..]
        };
        for &n in inner {
            let (table, off) = unpack(n);
            let entry = ps.node_tables.iter().find(|x| x.0 == table);
            let mut f = vec![
                ("_ID".to_string(), Value::UInt64(n)),
                (
                    "_LABEL".to_string(),
                    Value::String(entry.map(|e| e.1.clone()).unwrap_or_default()),
                ),
            ];
            let known = self.snap.meta.node(table).is_some();
            for (k, (name, ty)) in ps.node_props.iter().enumerate() {
                let idx = entry.and_then(|e| e.2.get(k).copied().flatten());
                let v = match (idx, known) {
                    (Some(p), true) => {
                        let mut c = Column::new(ty.clone());
                        self.snap.scan_node(pool, table, p, off, 1, &mut c)?;
                        c.get(0)
                    }
                    _ => Value::Null,
                };
                f.push((name.clone(), v));
            }
            nodes.push(Value::Struct(f));
        }
        let mut rels = Vec::new();
        for (k, &(r, fwd)) in t.rels.iter().enumerate() {
            let (a, b) = (t.nodes[k], t.nodes[k + 1]);
            let (s, d) = if fwd { (a, b) } else { (b, a) };
            let label = ps
                .rel_tables
                .iter()
                .find(|x| x.0 == unpack(r).0)
                .map(|x| x.1.clone())
                .unwrap_or_default();
            let mut f = vec![
                ("_SRC".to_string(), Value::UInt64(s)),
                ("_DST".to_string(), Value::UInt64(d)),
                ("_ID".to_string(), Value::UInt64(r)),
                ("_LABEL".to_string(), Value::String(label)),
            ];
            let vals = self.rel_props.get(&r);
            for (k, (name, _)) in ps.rel_props.iter().enumerate() {
                let v = vals.and_then(|v| v.get(k)).cloned().unwrap_or(Value::Null);
                f.push((name.clone(), v));
            }
            rels.push(Value::Struct(f));
        }
        if ps.reverse {
            nodes.reverse();
            rels.reverse();
        }
        Ok(Value::Struct(vec![
            ("_NODES".to_string(), Value::List(nodes)),
            ("_RELS".to_string(), Value::List(rels)),
        ]))
    }
}

/// What one enumerated path of `nodes` nodes holds until it is emitted (the trace, its row
/// and destination, and its path value of internal ids, labels and properties), roughly.
fn trace_bytes(nodes: usize) -> u64 {
    (nodes as u64) * 160 + 96
}

fn id_at(c: &Column, i: usize) -> Option<u64> {
    if c.nulls.is_null(i) {
        return None;
    }
    match &c.data {
        ColumnData::UInt64(d) => d.get(i).copied(),
        _ => match c.get(i) {
            Value::UInt64(v) => Some(v),
            Value::InternalId(id) => Some(pack(id.table, id.offset)),
            _ => None,
        },
    }
}

impl Operator for RecursiveExtend {
    fn next(&mut self, ctx: &ExecContext) -> Result<Option<DataChunk>> {
        let mut rows: Vec<usize> = Vec::new();
        let mut dsts: Vec<u64> = Vec::new();
        let mut paths: Vec<Value> = Vec::new();
        if self.mem.is_none() {
            self.mem = Some(Reservation::new(ctx.budget.clone()));
        }
        loop {
            ctx.check()?;
            if self.input.is_none() {
                match self.child.next(ctx)? {
                    Some(c) => self.input = Some((c, 0)),
                    None => return Ok(None),
                }
            }
            let Some((chunk, at)) = self.input.take() else {
                continue;
            };
            let mut at = at;
            // Memory of the paths of this chunk until it is returned.
            let mut held = Reservation::new(ctx.budget.clone());
            while rows.len() < VECTOR_CAPACITY {
                if let Some((row, dests, i, done)) = &mut self.pending {
                    while *i < dests.len() && rows.len() < VECTOR_CAPACITY {
                        let (d, c) = dests[*i];
                        let room = (VECTOR_CAPACITY - rows.len()) as u64;
                        let take = c.saturating_sub(*done).min(room);
                        for _ in 0..take {
                            rows.push(*row);
                            dsts.push(d);
                        }
                        *done += take;
                        if *done >= c {
                            *i += 1;
                            *done = 0;
                        }
                    }
                    if *i >= dests.len() {
                        self.pending = None;
                    }
                    continue;
                }
                if at >= chunk.len {
                    break;
                }
                let src = chunk
                    .columns
                    .get(self.spec.from_col)
                    .and_then(|c| id_at(c, at));
                if let (Some(src), true) = (src, self.spec.path.is_some()) {
                    for t in self.paths(src, ctx, &mut held)? {
                        rows.push(at);
                        dsts.push(t.nodes.last().copied().unwrap_or(src));
                        paths.push(self.path_value(&t)?);
                    }
                } else if let Some(src) = src {
                    let dests = self.expand(src, ctx)?;
                    self.pending = Some((at, dests, 0, 0));
                }
                at += 1;
            }
            let out = if rows.is_empty() {
                None
            } else {
                let mut out = chunk.gather(&rows);
                let n = dsts.len();
                let mut c = Column::new(LogicalType::InternalId);
                c.data = ColumnData::UInt64(std::mem::take(&mut dsts));
                c.nulls.resize(n);
                out.columns.push(c);
                if let Some(ps) = &self.spec.path {
                    let mut pc = Column::with_capacity(ps.path_type(), n);
                    for v in paths.drain(..) {
                        if !pc.push_value(&v) {
                            return Err(Error::Runtime("path value of the wrong shape".into()));
                        }
                    }
                    out.columns.push(pc);
                }
                out.len = n;
                Some(out)
            };
            if at < chunk.len || self.pending.is_some() {
                self.input = Some((chunk, at));
            }
            if out.is_some() {
                return Ok(out);
            }
        }
    }
    fn types(&self) -> Vec<LogicalType> {
        let mut t = self.child.types();
        t.push(LogicalType::InternalId);
        if let Some(ps) = &self.spec.path {
            t.push(ps.path_type());
        }
        t
    }
    fn name(&self) -> &'static str {
        "RECURSIVE_EXTEND"
    }
    fn children(&self) -> Vec<&dyn Operator> {
        vec![self.child.as_ref()]
    }
}

#[cfg(test)]
mod tests {
    use crate::db::{Connection, Database};
    use crate::test_util::{err, rows};

    /// N(id) 0..4 with E: 0->1, 1->2, 2->0, 2->3, 0->4, 4->2.
    fn graph(dir: &std::path::Path) -> (Database, Connection) {
        let db = Database::open(dir.join("db.ruzu")).unwrap();
        let c = db.connect();
        let n = dir.join("n.csv");
        let e = dir.join("e.csv");
        std::fs::write(&n, "0\n1\n2\n3\n4\n").unwrap();
        std::fs::write(&e, "0,1\n1,2\n2,0\n2,3\n0,4\n4,2\n").unwrap();
        c.query("CREATE NODE TABLE N(id INT64, PRIMARY KEY(id))")
            .unwrap();
        c.query("CREATE REL TABLE E(FROM N TO N)").unwrap();
        c.query(&format!("COPY N FROM '{}'", n.display())).unwrap();
        c.query(&format!("COPY E FROM '{}'", e.display())).unwrap();
        (db, c)
    }

    fn ids(c: &Connection, pattern: &str) -> Vec<String> {
        rows(
            c,
            &format!("MATCH (a:N)-[{pattern}]->(b:N) WHERE a.id = 0 RETURN b.id ORDER BY b.id"),
        )
    }

    #[test]
    fn walks_within_bounds() {
        let dir = tempfile::tempdir().unwrap();
        let (_db, c) = graph(dir.path());
        assert_eq!(ids(&c, ":E*1..3"), ["0", "0", "1", "2", "2", "3", "3", "4"]);
        assert_eq!(ids(&c, ":E*0..1"), ["0", "1", "4"]);
        assert_eq!(ids(&c, ":E*2"), ["2", "2"]);
        assert_eq!(ids(&c, "*..1"), ["1", "4"]);
        assert_eq!(
            rows(&c, "MATCH (a:N)-[:E*2..2]->(b:N) RETURN COUNT(*)"),
            ["8"]
        );
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[:E*1..3]->(b:N) WHERE a.id = 0 AND b.id = 3 RETURN COUNT(*)"
            ),
            ["2"]
        );
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)<-[:E*1..1]-(b:N) WHERE a.id = 2 RETURN b.id ORDER BY b.id"
            ),
            ["1", "4"]
        );
    }

    #[test]
    fn shortest_trail_and_acyclic() {
        let dir = tempfile::tempdir().unwrap();
        let (_db, c) = graph(dir.path());
        assert_eq!(ids(&c, ":E* SHORTEST 1..5"), ["1", "2", "3", "4"]);
        assert_eq!(
            ids(&c, ":E* ALL SHORTEST 1..5"),
            ["1", "2", "2", "3", "3", "4"]
        );
        let count = |p: &str| {
            rows(
                &c,
                &format!("MATCH (a:N)-[{p}]->(b:N) WHERE a.id = 0 RETURN COUNT(*)"),
            )
        };
        assert_eq!(count(":E* TRAIL 1..10"), ["14"]);
        assert_eq!(count(":E* ACYCLIC 1..10"), ["6"]);
    }

    /// Found by fuzzing (tests/fuzz_cypher.rs): the rows of one source were all built at
    /// once (a walk count of 3^k pushed 3^k rows) and every path of a source with a path
    /// variable was collected unbudgeted, so a cyclic graph took gigabytes under a 16 MiB
    /// budget. Rows now stream out in chunks and held paths are charged to the budget.
    #[test]
    fn many_paths_stream_or_fail_within_the_budget() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open_with(
            dir.path().join("db.ruzu"),
            crate::Config {
                buffer_pool_size: 16 << 20,
                ..crate::Config::default()
            },
        )
        .unwrap();
        let c = db.connect();
        for q in [
            "CREATE NODE TABLE N(id INT64, PRIMARY KEY(id))",
            "CREATE REL TABLE E(FROM N TO N)",
            "UNWIND range(0, 1) AS i CREATE (:N {id: i})",
            // Three rels each way between two nodes: 3^k walks of length k from either.
            "MATCH (a:N), (b:N) WHERE a.id <> b.id UNWIND range(1, 3) AS k CREATE (a)-[:E]->(b)",
        ] {
            c.query(q).unwrap();
        }
        // sum(3^k, k = 1..10) = 88,572 rows from one source, exactly.
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[:E*1..10]->(b:N) WHERE a.id = 0 RETURN count(*)"
            ),
            ["88572"]
        );
        // 3^30 walks: streamed until the timeout, never held.
        c.set_timeout(Some(std::time::Duration::from_millis(300)));
        assert_eq!(
            err(&c, "MATCH (a:N)-[:E*30..30]->(b:N) RETURN count(*)"),
            "Interrupted."
        );
        // A path variable holds every path of a source: out of memory, not out of RAM.
        c.set_timeout(Some(std::time::Duration::from_secs(60)));
        for i in 2..8 {
            c.query(&format!("CREATE (:N {{id: {i}}})")).unwrap();
        }
        c.query(
            "MATCH (a:N), (b:N) WHERE a.id <> b.id AND (a.id > 1 OR b.id > 1) CREATE (a)-[:E]->(b)",
        )
        .unwrap();
        // Returning the rel variable makes the operator build every path of the source.
        let e = err(
            &c,
            "MATCH (a:N)-[e:E*ACYCLIC 1..8]->(b:N) WHERE a.id = 0 RETURN e",
        );
        assert!(e.contains("Unable to allocate memory"), "{e}");
    }

    #[test]
    fn bound_errors() {
        let dir = tempfile::tempdir().unwrap();
        let (_db, c) = graph(dir.path());
        assert_eq!(
            err(&c, "MATCH (a:N)-[e:E*3..2]->(b:N) RETURN COUNT(*)"),
            "Binder exception: Lower bound of rel e is greater than upperBound."
        );
        assert_eq!(
            err(&c, "MATCH (a:N)-[e:E*1..31]->(b:N) RETURN COUNT(*)"),
            "Binder exception: Upper bound of rel e exceeds maximum: 30."
        );
        assert_eq!(
            err(
                &c,
                "MATCH (a:N)-[e:E* SHORTEST 2..3]->(b:N) RETURN COUNT(*)"
            ),
            "Binder exception: Lower bound of shortest/all_shortest path must be 1."
        );
    }

    #[test]
    fn rel_variable_as_path_value() {
        let dir = tempfile::tempdir().unwrap();
        let (_db, c) = graph(dir.path());
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[e:E*1..2]->(b:N) WHERE a.id = 0 AND b.id = 2 RETURN e"
            ),
            [
                "{_NODES: [{_ID: 0:1, _LABEL: N, id: 1}], _RELS: [(0:0)-{_LABEL: E, _ID: 1:0}->(0:1),(0:1)-{_LABEL: E, _ID: 1:1}->(0:2)]}",
                "{_NODES: [{_ID: 0:4, _LABEL: N, id: 4}], _RELS: [(0:0)-{_LABEL: E, _ID: 1:4}->(0:4),(0:4)-{_LABEL: E, _ID: 1:5}->(0:2)]}",
            ]
        );
        // Backwards: the rels keep their own direction.
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)<-[e:E*1..1]-(b:N) WHERE a.id = 0 RETURN b.id, e"
            ),
            ["2|{_NODES: [], _RELS: [(0:2)-{_LABEL: E, _ID: 1:2}->(0:0)]}"]
        );
        // One shortest path per destination.
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[e:E* SHORTEST 1..5]->(b:N) WHERE a.id = 0 AND b.id = 3 RETURN e"
            ),
            ["{_NODES: [{_ID: 0:1, _LABEL: N, id: 1},{_ID: 0:2, _LABEL: N, id: 2}], _RELS: [(0:0)-{_LABEL: E, _ID: 1:0}->(0:1),(0:1)-{_LABEL: E, _ID: 1:1}->(0:2),(0:2)-{_LABEL: E, _ID: 1:3}->(0:3)]}"]
        );
        // Path enumeration agrees with the counting expansion.
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[e:E* TRAIL 1..10]->(b:N) WHERE a.id = 0 AND e IS NOT NULL RETURN COUNT(*)"
            ),
            ["14"]
        );
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[e:E* ALL SHORTEST 1..5]->(b:N) WHERE a.id = 0 AND e IS NOT NULL RETURN COUNT(*)"
            ),
            ["6"]
        );
    }

    #[test]
    fn path_functions_on_rel_variable() {
        let dir = tempfile::tempdir().unwrap();
        let (_db, c) = graph(dir.path());
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[e:E*1..2]->(b:N) WHERE a.id = 0 AND b.id = 2 RETURN length(e), properties(nodes(e), 'id'), properties(rels(e), '_id'), is_trail(e), is_acyclic(e), size(rels(e))"
            ),
            ["2|[1]|[1:0,1:1]|True|True|2", "2|[4]|[1:4,1:5]|True|True|2"]
        );
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[e:E*1..3]->(b:N) WHERE a.id = 0 AND length(e) = 3 RETURN b.id, properties(nodes(e), 'id')"
            ),
            ["0|[1,2]", "3|[1,2]", "0|[4,2]", "3|[4,2]"]
        );
    }

    #[test]
    fn named_paths() {
        let dir = tempfile::tempdir().unwrap();
        let (_db, c) = graph(dir.path());
        assert_eq!(
            rows(
                &c,
                "MATCH p = (a:N)-[:E*1..2]->(b:N) WHERE a.id = 0 AND b.id = 2 RETURN length(p), properties(nodes(p), 'id'), p"
            ),
            [
                "2|[0,1,2]|{_NODES: [{_ID: 0:0, _LABEL: N, id: 0},{_ID: 0:1, _LABEL: N, id: 1},{_ID: 0:2, _LABEL: N, id: 2}], _RELS: [(0:0)-{_LABEL: E, _ID: 1:0}->(0:1),(0:1)-{_LABEL: E, _ID: 1:1}->(0:2)]}",
                "2|[0,4,2]|{_NODES: [{_ID: 0:0, _LABEL: N, id: 0},{_ID: 0:4, _LABEL: N, id: 4},{_ID: 0:2, _LABEL: N, id: 2}], _RELS: [(0:0)-{_LABEL: E, _ID: 1:4}->(0:4),(0:4)-{_LABEL: E, _ID: 1:5}->(0:2)]}",
            ]
        );
        assert_eq!(
            rows(
                &c,
                "MATCH p = (a:N)-[r:E]->(b:N)-[:E]->(c:N) WHERE a.id = 1 RETURN c.id, properties(rels(p), '_id'), is_acyclic(p), is_trail(p) ORDER BY c.id"
            ),
            ["0|[1:1,1:2]|True|True", "3|[1:1,1:3]|True|True"]
        );
        assert_eq!(
            rows(
                &c,
                "MATCH p = (a:N)-[:E]->(b:N)<-[:E]-(c:N) WHERE a.id = 0 AND b.id = 1 RETURN properties(nodes(p), 'id'), is_acyclic(p), is_trail(p), length(p)"
            ),
            ["[0,1,0]|False|False|2"]
        );
        assert_eq!(
            rows(
                &c,
                "MATCH p = (a:N)-[:E*3..3]->(b:N) WHERE a.id = 0 AND is_acyclic(p) RETURN COUNT(*)"
            ),
            ["2"]
        );
    }

    #[test]
    fn path_rel_properties_direction_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let (_db, c) = graph(dir.path());
        let w = dir.path().join("w.csv");
        std::fs::write(&w, "0,1,10\n1,2,12\n").unwrap();
        c.query("CREATE REL TABLE W(FROM N TO N, w INT64)").unwrap();
        c.query(&format!("COPY W FROM '{}'", w.display())).unwrap();
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[e:W*2..2]->(b:N) RETURN a.id, b.id, properties(rels(e), 'w'), e"
            ),
            ["0|2|[10,12]|{_NODES: [{_ID: 0:1, _LABEL: N, id: 1}], _RELS: [(0:0)-{_LABEL: W, _ID: 3:0, w: 10}->(0:1),(0:1)-{_LABEL: W, _ID: 3:1, w: 12}->(0:2)]}"]
        );
        // Expanded from the right end (b is bound first): elements still in pattern order.
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[e:E*1..2]->(b:N) WHERE b.id = 0 RETURN a.id, properties(nodes(e), 'id'), properties(rels(e), '_id') ORDER BY a.id"
            ),
            ["1|[2]|[1:1,1:2]", "2|[]|[1:2]", "4|[2]|[1:5,1:2]"]
        );
        assert_eq!(
            err(&c, "MATCH p = (a:N)-[e:E*1..2]->(b:N) RETURN size(p)"),
            "Binder exception: Function SIZE did not receive correct arguments:\nActual:   (RECURSIVE_REL)\nExpected: (LIST) -> INT64\n          (ARRAY) -> INT64\n          (MAP) -> INT64\n          (STRING) -> INT64\n"
        );
        assert_eq!(
            err(&c, "MATCH (a:N)-[e:E*1..2]->(b:N) RETURN e.id"),
            "Binder exception: e has data type RECURSIVE_REL but (NODE,REL,STRUCT,ANY) was expected."
        );
        assert_eq!(
            err(&c, "MATCH (a:N)-[e:E*1..2]->(b:N) WHERE id(e) = 0 RETURN COUNT(*)"),
            "Binder exception: Function ID did not receive correct arguments:\nActual:   (RECURSIVE_REL)\nExpected: (NODE)\n          (REL)\n          (STRUCT)\n"
        );
        assert_eq!(
            err(
                &c,
                "MATCH p = (a:N)-[:E*1..2]->(b:N) UNWIND p AS x RETURN x"
            ),
            "Binder exception: p has data type RECURSIVE_REL but LIST was expected."
        );
        // Elements of a named path are not counted away by the factorized count.
        assert_eq!(
            rows(
                &c,
                "MATCH p = (a:N)-[:E]->(b:N)-[:E]-(c:N) WHERE a.id = 0 AND is_trail(p) RETURN COUNT(*)"
            ),
            ["2"]
        );
    }

    #[test]
    fn settings_bound_and_semantic() {
        let dir = tempfile::tempdir().unwrap();
        let (_db, c) = graph(dir.path());
        c.query("CALL var_length_extend_max_depth = 2").unwrap();
        assert_eq!(ids(&c, ":E*"), ["1", "2", "2", "4"]);
        assert_eq!(
            err(&c, "MATCH (a:N)-[:E*1..3]->(b:N) RETURN COUNT(*)"),
            "Binder exception: Upper bound of rel  exceeds maximum: 2."
        );
        c.query("CALL var_length_extend_max_depth = 10").unwrap();
        c.query("CALL recursive_pattern_semantic = 'ACYCLIC'")
            .unwrap();
        assert_eq!(
            rows(
                &c,
                "MATCH (a:N)-[:E*]->(b:N) WHERE a.id = 0 RETURN COUNT(*)"
            ),
            ["6"]
        );
    }
}

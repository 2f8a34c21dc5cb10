//! The recursive extend: variable-length (walk, trail, acyclic) and shortest-path (one or
//! all shortest) relationships from a bound node over the CSR. For each input row it expands
//! the frontier level by level (BFS; depth-first for trail/acyclic) and appends the destination
//! node id, repeating a row as many times as there are matching paths to that destination.
//! Adjacency lists read from storage are cached per operator instance (memory reserved from
//! the query budget); instances are independent, so morsel-parallel pipelines each own one.

use crate::db::{Database, Snapshot};
use crate::error::{Error, Result};
use crate::exec::chunk::{DataChunk, VECTOR_CAPACITY};
use crate::exec::context::ExecContext;
use crate::exec::memory::Reservation;
use crate::exec::Operator;
use crate::query::ops::{pack, unpack, Dir, RelStep};
use crate::storage::table::NODE_GROUP_SIZE;
use crate::types::vector::{Column, ColumnData};
use crate::types::{LogicalType, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Which paths a recursive extend counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSemantic {
    /// Every walk (nodes and rels may repeat).
    Walk,
    /// No rel repeats.
    Trail,
    /// No node repeats.
    Acyclic,
    /// One shortest path per destination.
    Shortest,
    /// Every shortest path per destination.
    AllShortest,
}

/// From the node id in `from_col`, follow `steps` between `lower` and `upper` times; appends the
/// destination id (only destinations whose table is in `dst_tables`).
#[derive(Debug, Clone)]
pub struct RecursiveSpec {
    pub from_col: usize,
    pub steps: Vec<RelStep>,
    pub lower: u64,
    pub upper: u64,
    pub semantic: PathSemantic,
    pub dst_tables: Vec<u64>,
}

/// The recursive extend operator (see the module header).
pub struct RecursiveExtend {
    db: Database,
    snap: Arc<Snapshot>,
    child: Box<dyn Operator>,
    spec: RecursiveSpec,
    /// Adjacency per packed node id: (neighbour id, rel id).
    adj: HashMap<u64, Arc<Vec<(u64, u64)>>>,
    /// The input chunk being expanded and the next row of it.
    input: Option<(DataChunk, usize)>,
    /// Memory of the adjacency cache, taken from the query's budget.
    mem: Option<Reservation>,
}

impl RecursiveExtend {
    pub fn new(
        db: Database,
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
        }
    }

    /// The (neighbour, rel) pairs of one node over all steps.
    fn neighbours(&mut self, id: u64) -> Result<Arc<Vec<(u64, u64)>>> {
        if let Some(a) = self.adj.get(&id) {
            return Ok(a.clone());
        }
        let pool = self.db.pager().pool();
        let (table, off) = unpack(id);
        let mut out = Vec::new();
        let mut nb = Vec::new();
        let mut rid = Vec::new();
        for s in &self.spec.steps {
            if s.bound_table != table {
                continue;
            }
            let Some(rel) = self.snap.meta.rel(s.rel_table) else {
                return Err(Error::corrupted(None, "missing rel table data"));
            };
            let Some(pair) = rel.pairs.get(s.pair) else {
                continue;
            };
            let groups = match s.dir {
                Dir::Fwd => &pair.fwd,
                Dir::Bwd => &pair.bwd,
            };
            let g = (off / NODE_GROUP_SIZE) as usize;
            let local = off % NODE_GROUP_SIZE;
            let Some(group) = groups.get(g) else { continue };
            if local >= group.num_nodes {
                continue;
            }
            let o = group.offsets(pool, local, 1)?;
            let [lo, hi] = o[..] else {
                return Err(Error::corrupted(None, "short CSR offsets"));
            };
            if lo == hi {
                continue;
            }
            nb.clear();
            rid.clear();
            group.neighbors(pool, lo, hi, &mut nb)?;
            group.rel_ids(pool, lo, hi, &mut rid)?;
            if nb.len() != rid.len() {
                return Err(Error::corrupted(None, "CSR rel ids and neighbours differ"));
            }
            for (n, r) in nb.iter().zip(&rid) {
                out.push((pack(s.nbr_table, *n), pack(s.rel_table, *r)));
            }
        }
        let bytes = (out.len() * 16 + 64) as u64;
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
                        for &(m, _) in self.neighbours(n)?.iter() {
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
                        for &(m, _) in self.neighbours(n)?.iter() {
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
                    let (m, r) = adj[*i];
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
            while at < chunk.len && rows.len() < VECTOR_CAPACITY {
                let src = chunk
                    .columns
                    .get(self.spec.from_col)
                    .and_then(|c| id_at(c, at));
                if let Some(src) = src {
                    for (d, c) in self.expand(src, ctx)? {
                        for _ in 0..c {
                            rows.push(at);
                            dsts.push(d);
                        }
                    }
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
                out.len = n;
                Some(out)
            };
            if at < chunk.len {
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
        assert_eq!(
            err(&c, "MATCH (a:N)-[e:E*1..2]->(b:N) RETURN e"),
            "Not implemented: using the variable-length relationship e as a value"
        );
        assert_eq!(
            err(&c, "MATCH (a:N)-[e:E*1..2]->(b:N) WHERE e.x = 1 RETURN b"),
            "Not implemented: using the variable-length relationship e as a value"
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

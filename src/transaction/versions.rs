//! Row versions since the last checkpoint: what writes change before a checkpoint merges them
//! into the tables' pages (multi-version concurrency control, as Kuzu's local and update
//! storage, DuckDB's and HyPer's version chains).
//!
//! Owns: `Stamp` (what a reader or writer sees), `Epoch` (the versions of every table since
//! one checkpoint), `NodeVersions` and `RelVersions` (per table), their reads for a stamp and
//! their writes by the one writer, each undone by `rollback` or stamped by `commit`.
//!
//! Timestamps: committed versions carry the commit timestamp of their transaction (1, 2, ...).
//! Versions of the transaction that is writing carry its mark `TXN_BIT | id`, which no
//! timestamp reaches: a stamp `{ts, txn}` sees a version of timestamp `v` when `v <= ts` or
//! `v == txn`. A commit replaces its mark by its timestamp in every version it wrote (the undo
//! log lists them) and only then publishes the timestamp, so readers see all of it or none.
//!
//! - Inserted nodes are appended after the checkpointed rows (offsets are never reused, as in
//!   Kuzu): one column per property id; a reader sees the appended rows committed at or before
//!   its timestamp (`commits`), the writer all of them. Their primary keys are in `keys`.
//! - Deleted rows (checkpointed or appended) map offset → timestamp.
//! - Updated properties map (property id, offset) → chain of (timestamp, value), oldest first.
//! - Inserted rels are appended likewise (ids continue the table's rel ids), with their
//!   endpoints and, per FROM/TO pair and direction, a map bound node → appended rels.
//! - Deleted rels and updated rel properties are keyed by rel id; the bound nodes they affect
//!   are counted per pair and direction so that extends of untouched nodes stay on the fast
//!   path.
//!
//! Memory: every structure here is charged to the database's budget (`MemoryManager`) as it
//! grows, and released when the epoch is dropped (after the checkpoint that merged it, once no
//! reader holds it). A write that does not fit fails with the out-of-memory error.

use crate::error::{Error, Result};
use crate::storage::buffer::BufferPool;
use crate::storage::keys::{FxHashMap, OwnedKey};
use crate::storage::table::Dir;
use crate::types::vector::Column;
use crate::types::{LogicalType, Value};
use parking_lot::{Mutex, RwLock};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The bit that marks a version of the running write transaction.
pub const TXN_BIT: u64 = 1 << 63;

/// What a statement sees: committed versions up to `ts`, and the versions of `txn` (its own
/// writes; 0 for a reader).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub ts: u64,
    pub txn: u64,
}

impl Stamp {
    pub fn reader(ts: u64) -> Stamp {
        Stamp { ts, txn: 0 }
    }

    #[inline]
    pub fn sees(&self, v: u64) -> bool {
        v <= self.ts || (self.txn != 0 && v == self.txn)
    }

    /// Whether this is the stamp of the writing transaction (it sees uncommitted rows).
    pub fn is_writer(&self) -> bool {
        self.txn != 0
    }
}

/// A version chain of one value: (timestamp or mark, value), oldest first.
type Chain = Vec<(u64, Value)>;

fn chain_get(chain: &Chain, s: Stamp) -> Option<&Value> {
    chain.iter().rev().find(|(t, _)| s.sees(*t)).map(|(_, v)| v)
}

/// The newest committed value of a chain (for a checkpoint).
pub fn chain_latest(chain: &[(u64, Value)]) -> Option<&Value> {
    chain
        .iter()
        .rev()
        .find(|(t, _)| *t & TXN_BIT == 0)
        .map(|(_, v)| v)
}

/// Rough bytes a value takes in a chain, a map or a materialized result (for the memory
/// budget).
pub(crate) fn value_bytes(v: &Value) -> u64 {
    let props = |p: &[(String, Value)]| {
        p.iter()
            .map(|(n, v)| 24 + n.len() as u64 + value_bytes(v))
            .sum::<u64>()
    };
    match v {
        Value::Node(n) => 64 + n.label.len() as u64 + props(&n.properties),
        Value::Rel(r) => 96 + r.label.len() as u64 + props(&r.properties),
        Value::Path(p) => {
            32 + p
                .nodes
                .iter()
                .map(|n| 64 + n.label.len() as u64 + props(&n.properties))
                .sum::<u64>()
                + p.rels
                    .iter()
                    .map(|r| 96 + r.label.len() as u64 + props(&r.properties))
                    .sum::<u64>()
        }
        Value::Map(m) => {
            32 + m
                .iter()
                .map(|(k, v)| value_bytes(k) + value_bytes(v))
                .sum::<u64>()
        }
        Value::String(s) => 32 + s.len() as u64,
        Value::Blob(b) => 32 + b.len() as u64,
        Value::List(l) | Value::Array(l) => 32 + l.iter().map(value_bytes).sum::<u64>(),
        Value::Struct(f) => {
            32 + f
                .iter()
                .map(|(n, v)| n.len() as u64 + value_bytes(v))
                .sum::<u64>()
        }
        _ => 32,
    }
}

/// Bytes of a map entry besides its value (B-tree node share, key, timestamp).
const ENTRY_BYTES: u64 = 48;

/// The budget an epoch charges, in steps so that the shared counter is not touched per row.
struct Charge {
    mem: Arc<crate::storage::buffer::MemoryManager>,
    reserved: AtomicU64,
    used: AtomicU64,
}

const CHARGE_STEP: u64 = 256 << 10;

impl Charge {
    fn add(&self, pool: &BufferPool, bytes: u64) -> Result<()> {
        let used = self.used.fetch_add(bytes, Ordering::AcqRel) + bytes;
        let reserved = self.reserved.load(Ordering::Acquire);
        if used > reserved {
            let want = (used - reserved).div_ceil(CHARGE_STEP) * CHARGE_STEP;
            if let Err(e) = pool.reserve(want) {
                self.used.fetch_sub(bytes, Ordering::AcqRel);
                return Err(match e {
                    Error::OutOfMemory { budget, .. } => Error::Runtime(format!(
                        "Buffer manager exception: Unable to allocate memory! The buffer pool is full and no memory could be freed! (the uncommitted and unmerged writes need more than the {budget}-byte budget; commit in smaller transactions or raise the buffer pool size)"
                    )),
                    e => e,
                });
            }
            self.reserved.fetch_add(want, Ordering::AcqRel);
        }
        Ok(())
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.mem.release(self.reserved.load(Ordering::Acquire));
    }
}

/// The versions of every table since one checkpoint.
pub struct Epoch {
    nodes: RwLock<HashMap<u64, Arc<RwLock<NodeVersions>>>>,
    rels: RwLock<HashMap<u64, Arc<RwLock<RelVersions>>>>,
    charge: Charge,
    /// Whether any table holds a version (fast path for reads and checkpoints).
    changed: std::sync::atomic::AtomicBool,
}

impl Epoch {
    pub fn new(mem: Arc<crate::storage::buffer::MemoryManager>) -> Epoch {
        Epoch {
            nodes: RwLock::new(HashMap::new()),
            rels: RwLock::new(HashMap::new()),
            charge: Charge {
                mem,
                reserved: AtomicU64::new(0),
                used: AtomicU64::new(0),
            },
            changed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether nothing was written in this epoch (committed or not).
    pub fn is_empty(&self) -> bool {
        !self.changed.load(Ordering::Acquire)
    }

    pub fn node(&self, table: u64) -> Option<Arc<RwLock<NodeVersions>>> {
        if self.is_empty() {
            return None;
        }
        self.nodes.read().get(&table).cloned()
    }

    pub fn rel(&self, table: u64) -> Option<Arc<RwLock<RelVersions>>> {
        if self.is_empty() {
            return None;
        }
        self.rels.read().get(&table).cloned()
    }

    /// The versions of node table `table`, created (with `base_rows` checkpointed rows) on
    /// first write.
    pub fn node_mut(&self, table: u64, base_rows: u64) -> Arc<RwLock<NodeVersions>> {
        self.changed.store(true, Ordering::Release);
        self.nodes
            .write()
            .entry(table)
            .or_insert_with(|| Arc::new(RwLock::new(NodeVersions::new(base_rows))))
            .clone()
    }

    pub fn rel_mut(&self, table: u64, base_rels: u64) -> Arc<RwLock<RelVersions>> {
        self.changed.store(true, Ordering::Release);
        self.rels
            .write()
            .entry(table)
            .or_insert_with(|| Arc::new(RwLock::new(RelVersions::new(base_rels))))
            .clone()
    }

    /// Every node table with versions.
    pub fn node_tables(&self) -> Vec<(u64, Arc<RwLock<NodeVersions>>)> {
        let mut v: Vec<_> = self
            .nodes
            .read()
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        v.sort_by_key(|x| x.0);
        v
    }

    pub fn rel_tables(&self) -> Vec<(u64, Arc<RwLock<RelVersions>>)> {
        let mut v: Vec<_> = self
            .rels
            .read()
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        v.sort_by_key(|x| x.0);
        v
    }

    /// Charges `bytes` of new versions to the budget.
    pub fn charge(&self, pool: &BufferPool, bytes: u64) -> Result<()> {
        self.charge.add(pool, bytes)
    }

    /// Bytes of versions charged so far.
    pub fn bytes(&self) -> u64 {
        self.charge.used.load(Ordering::Acquire)
    }

    /// Stamps every version the undo log names with `ts` (the transaction committed).
    pub fn commit(&self, undo: &[Undo], mark: u64, ts: u64) {
        for u in undo {
            match *u {
                Undo::NodeAppend { table } => {
                    if let Some(t) = self.nodes.read().get(&table) {
                        t.write().commit_appends(ts);
                    }
                }
                Undo::NodeDelete { table, offset } => {
                    if let Some(t) = self.nodes.read().get(&table) {
                        if let Some(v) = t.write().deleted.get_mut(&offset) {
                            if *v == mark {
                                *v = ts;
                            }
                        }
                    }
                }
                Undo::NodeUpdate {
                    table,
                    prop,
                    offset,
                } => {
                    if let Some(t) = self.nodes.read().get(&table) {
                        let mut t = t.write();
                        if let Some(c) = t.updates.get_mut(&prop).and_then(|m| m.get_mut(&offset)) {
                            if let Some(last) = c.last_mut() {
                                if last.0 == mark {
                                    last.0 = ts;
                                }
                            }
                        }
                    }
                }
                Undo::RelAppend { table } => {
                    if let Some(t) = self.rels.read().get(&table) {
                        t.write().commit_appends(ts);
                    }
                }
                Undo::RelDelete { table, rel_id } => {
                    if let Some(t) = self.rels.read().get(&table) {
                        let mut t = t.write();
                        let base = t.base_rels;
                        let mut touched = None;
                        if let Some(d) = t.deleted.get_mut(&rel_id) {
                            if d.ts == mark {
                                d.ts = ts;
                                if rel_id < base {
                                    touched = Some((d.pair, d.src, d.dst));
                                }
                            }
                        }
                        if let Some((pair, src, dst)) = touched {
                            t.touch_commit(pair, src, dst, ts);
                        }
                    }
                }
                Undo::RelUpdate {
                    table,
                    prop,
                    rel_id,
                } => {
                    if let Some(t) = self.rels.read().get(&table) {
                        let mut t = t.write();
                        // The first version of a chain is the one that touched the rel's
                        // nodes (`RelVersions::update`).
                        let mut first = false;
                        if let Some(c) = t.updates.get_mut(&prop).and_then(|m| m.get_mut(&rel_id)) {
                            let len = c.len();
                            if let Some(last) = c.last_mut() {
                                if last.0 == mark {
                                    last.0 = ts;
                                    first = len == 1;
                                }
                            }
                        }
                        if first && rel_id < t.base_rels {
                            if let Some(&(pair, src, dst)) = t.update_ends.get(&rel_id) {
                                t.touch_commit(pair, src, dst, ts);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Undoes every version the undo log names (newest first): the transaction rolled back.
    pub fn rollback(&self, undo: &[Undo], mark: u64) {
        for u in undo.iter().rev() {
            match *u {
                Undo::NodeAppend { table } => {
                    if let Some(t) = self.nodes.read().get(&table) {
                        t.write().rollback_appends();
                    }
                }
                Undo::NodeDelete { table, offset } => {
                    if let Some(t) = self.nodes.read().get(&table) {
                        let mut t = t.write();
                        if t.deleted.get(&offset) == Some(&mark) {
                            t.deleted.remove(&offset);
                        }
                    }
                }
                Undo::NodeUpdate {
                    table,
                    prop,
                    offset,
                } => {
                    if let Some(t) = self.nodes.read().get(&table) {
                        let mut t = t.write();
                        if let Some(m) = t.updates.get_mut(&prop) {
                            if let Some(c) = m.get_mut(&offset) {
                                if c.last().is_some_and(|l| l.0 == mark) {
                                    c.pop();
                                }
                                if c.is_empty() {
                                    m.remove(&offset);
                                }
                            }
                        }
                    }
                }
                Undo::RelAppend { table } => {
                    if let Some(t) = self.rels.read().get(&table) {
                        t.write().rollback_appends();
                    }
                }
                Undo::RelDelete { table, rel_id } => {
                    if let Some(t) = self.rels.read().get(&table) {
                        let mut t = t.write();
                        if let Some(d) = t.deleted.get(&rel_id).cloned() {
                            if d.ts == mark {
                                t.deleted.remove(&rel_id);
                                // Only a checkpointed rel's delete touched its nodes.
                                if rel_id < t.base_rels {
                                    t.touch(d.pair, d.src, d.dst, -1);
                                }
                            }
                        }
                    }
                }
                Undo::RelUpdate {
                    table,
                    prop,
                    rel_id,
                } => {
                    if let Some(t) = self.rels.read().get(&table) {
                        let mut t = t.write();
                        let mut emptied = false;
                        if let Some(m) = t.updates.get_mut(&prop) {
                            if let Some(c) = m.get_mut(&rel_id) {
                                if c.last().is_some_and(|l| l.0 == mark) {
                                    c.pop();
                                }
                                if c.is_empty() {
                                    m.remove(&rel_id);
                                    emptied = true;
                                }
                            }
                        }
                        if emptied {
                            if let Some(&(pair, src, dst)) = t.update_ends.get(&rel_id) {
                                if rel_id < t.base_rels {
                                    t.touch(pair, src, dst, -1);
                                }
                                if !t.updates.values().any(|m| m.contains_key(&rel_id)) {
                                    t.update_ends.remove(&rel_id);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One version a transaction wrote, to stamp at commit or undo at rollback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undo {
    NodeAppend { table: u64 },
    NodeDelete { table: u64, offset: u64 },
    NodeUpdate { table: u64, prop: u32, offset: u64 },
    RelAppend { table: u64 },
    RelDelete { table: u64, rel_id: u64 },
    RelUpdate { table: u64, prop: u32, rel_id: u64 },
}

/// An appended-rows store: columns by property id, and the committed lengths by timestamp.
#[derive(Debug, Default)]
struct Appended {
    cols: Vec<(u32, Column)>,
    len: u64,
    /// (timestamp, rows appended up to and including that commit), ascending.
    commits: Vec<(u64, u64)>,
}

impl Appended {
    fn committed_len(&self) -> u64 {
        self.commits.last().map_or(0, |c| c.1)
    }

    /// Rows a stamp sees.
    fn visible_len(&self, s: Stamp) -> u64 {
        if s.is_writer() {
            return self.len;
        }
        let i = self.commits.partition_point(|c| c.0 <= s.ts);
        if i == 0 {
            0
        } else {
            self.commits[i - 1].1
        }
    }

    fn column(&self, prop: u32) -> Option<&Column> {
        self.cols.iter().find(|c| c.0 == prop).map(|c| &c.1)
    }

    /// Appends one row: `values` by property id with their types. A property no earlier row
    /// had starts with NULLs; a property this row lacks gets NULL.
    fn push(&mut self, values: &[(u32, LogicalType, Value)]) -> Result<u64> {
        let mut bytes = 0;
        for (id, ty, v) in values {
            let at = match self.cols.iter().position(|c| c.0 == *id) {
                Some(i) => i,
                None => {
                    let mut c = Column::new(ty.clone());
                    (0..self.len).for_each(|_| c.push_null());
                    self.cols.push((*id, c));
                    self.cols.len() - 1
                }
            };
            let col = &mut self.cols[at].1;
            if !col.push_value(v) {
                // Roll the partial row back before failing.
                let len = self.len as usize;
                self.cols.iter_mut().for_each(|c| c.1.truncate(len));
                return Err(Error::Conversion(format!(
                    "Cannot store {v} in a column of type {ty}."
                )));
            }
            bytes += value_bytes(v);
        }
        self.len += 1;
        for (_, c) in &mut self.cols {
            if c.len() < self.len as usize {
                c.push_null();
            }
        }
        Ok(bytes)
    }

    fn commit(&mut self, ts: u64) {
        if self.len > self.committed_len() {
            self.commits.push((ts, self.len));
        }
    }

    fn rollback(&mut self) {
        let keep = self.committed_len();
        self.len = keep;
        self.cols
            .iter_mut()
            .for_each(|c| c.1.truncate(keep as usize));
    }
}

/// Versions of one node table.
#[derive(Debug)]
pub struct NodeVersions {
    /// Checkpointed rows: appended rows have offsets `base_rows..`.
    pub base_rows: u64,
    rows: Appended,
    /// Deleted offsets → timestamp (or mark).
    pub deleted: BTreeMap<u64, u64>,
    /// Property id → offset → chain.
    pub updates: HashMap<u32, BTreeMap<u64, Chain>>,
    /// Primary key of appended rows → their offsets (ascending).
    keys: FxHashMap<OwnedKey, Vec<u64>>,
}

impl NodeVersions {
    fn new(base_rows: u64) -> Self {
        NodeVersions {
            base_rows,
            rows: Appended::default(),
            deleted: BTreeMap::new(),
            updates: HashMap::new(),
            keys: FxHashMap::default(),
        }
    }

    /// Offsets `0..end` a stamp may see rows at (checkpointed and appended).
    pub fn end(&self, s: Stamp) -> u64 {
        self.base_rows + self.rows.visible_len(s)
    }

    /// Every appended row, committed or not (the writer's view).
    pub fn appended_len(&self) -> u64 {
        self.rows.len
    }

    /// Appended rows committed so far.
    pub fn committed_len(&self) -> u64 {
        self.rows.committed_len()
    }

    /// Whether offset `o` holds a row the stamp sees (inserted, not deleted).
    pub fn live(&self, o: u64, s: Stamp) -> bool {
        if o >= self.end(s) {
            return false;
        }
        !self.deleted.get(&o).is_some_and(|&t| s.sees(t))
    }

    /// Rows `start..start+n` deleted for the stamp, as positions in the range (ascending);
    /// empty when none is.
    pub fn deleted_in(&self, start: u64, n: u64, s: Stamp) -> Vec<usize> {
        self.deleted
            .range(start..start + n)
            .filter(|(_, &t)| s.sees(t))
            .map(|(&o, _)| (o - start) as usize)
            .collect()
    }

    /// Rows deleted for the stamp (a count over the whole table).
    pub fn deleted_count(&self, s: Stamp) -> u64 {
        self.deleted.values().filter(|&&t| s.sees(t)).count() as u64
    }

    /// The value of property `prop` at offset `o` as updated for the stamp, if it was.
    pub fn updated(&self, prop: u32, o: u64, s: Stamp) -> Option<&Value> {
        self.updates
            .get(&prop)?
            .get(&o)
            .and_then(|c| chain_get(c, s))
    }

    /// Updates of `prop` in rows `start..start+n` visible to the stamp: (position, value).
    pub fn updates_in(&self, prop: u32, start: u64, n: u64, s: Stamp) -> Vec<(usize, &Value)> {
        let Some(m) = self.updates.get(&prop) else {
            return Vec::new();
        };
        m.range(start..start + n)
            .filter_map(|(&o, c)| chain_get(c, s).map(|v| ((o - start) as usize, v)))
            .collect()
    }

    /// Appends rows `local..local+n` of property `prop` (as inserted, before updates) to `out`.
    pub fn scan_appended(&self, prop: u32, local: u64, n: usize, out: &mut Column) {
        match self.rows.column(prop) {
            Some(c) => out.extend_from(c, local as usize, n),
            None => (0..n).for_each(|_| out.push_null()),
        }
    }

    /// The value of `prop` of appended row `local` as inserted.
    pub fn appended_value(&self, prop: u32, local: u64) -> Value {
        self.rows
            .column(prop)
            .map_or(Value::Null, |c| c.get(local as usize))
    }

    /// Offsets of appended rows whose primary key is `key` (a stamp filters them with `live`).
    pub fn key_offsets(&self, key: &OwnedKey) -> &[u64] {
        self.keys.get(key).map_or(&[], |v| v.as_slice())
    }

    /// Appends a row (the writer's); returns its offset and the bytes it takes.
    pub fn insert(
        &mut self,
        values: &[(u32, LogicalType, Value)],
        key: Option<OwnedKey>,
    ) -> Result<(u64, u64)> {
        let bytes = self.rows.push(values)?;
        let offset = self.base_rows + self.rows.len - 1;
        let mut extra = 0;
        if let Some(k) = key {
            extra = ENTRY_BYTES
                + match &k {
                    OwnedKey::Bytes(b) => b.len() as u64,
                    _ => 16,
                };
            self.keys.entry(k).or_default().push(offset);
        }
        Ok((offset, bytes + extra + 8))
    }

    fn commit_appends(&mut self, ts: u64) {
        self.rows.commit(ts);
    }

    fn rollback_appends(&mut self) {
        let keep = self.base_rows + self.rows.committed_len();
        self.rows.rollback();
        self.keys.retain(|_, offs| {
            offs.retain(|&o| o < keep);
            !offs.is_empty()
        });
    }

    /// Marks offset `o` deleted by the writer (`mark`). Returns the bytes it takes.
    pub fn delete(&mut self, o: u64, mark: u64) -> u64 {
        self.deleted.insert(o, mark);
        ENTRY_BYTES
    }

    /// Sets `prop` of `o` for the writer. Returns whether an undo entry is needed (false when
    /// the writer had already updated it: its version is replaced) and the bytes taken.
    pub fn update(&mut self, prop: u32, o: u64, v: Value, mark: u64) -> (bool, u64) {
        let bytes = value_bytes(&v) + ENTRY_BYTES;
        let chain = self.updates.entry(prop).or_default().entry(o).or_default();
        if let Some(last) = chain.last_mut() {
            if last.0 == mark {
                last.1 = v;
                return (false, bytes);
            }
        }
        chain.push((mark, v));
        (true, bytes)
    }

    /// Whether this table has any version at all.
    pub fn is_empty(&self) -> bool {
        self.rows.len == 0 && self.deleted.is_empty() && self.updates.values().all(|m| m.is_empty())
    }

    /// Property ids with updates.
    pub fn updated_props(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .updates
            .iter()
            .filter(|(_, m)| !m.is_empty())
            .map(|(p, _)| *p)
            .collect();
        v.sort_unstable();
        v
    }

    /// Every (offset, chain) of an updated property.
    pub fn update_chains(&self, prop: u32) -> impl Iterator<Item = (&u64, &Chain)> {
        self.updates.get(&prop).into_iter().flat_map(|m| m.iter())
    }
}

/// A deleted rel: when, and where it sits (its FROM/TO pair and endpoints).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeletedRel {
    pub ts: u64,
    pub pair: u32,
    pub src: u64,
    pub dst: u64,
}

/// Versions of one rel table.
#[derive(Debug)]
pub struct RelVersions {
    /// Rel ids below this are checkpointed (in the CSR groups); appended rels continue.
    pub base_rels: u64,
    rels: Appended,
    /// Per appended rel: its pair, source and destination offsets.
    ends: Vec<(u32, u64, u64)>,
    /// Per (pair, direction): bound node → local indexes of its appended rels (ascending).
    adj: HashMap<(u32, Dir), BTreeMap<u64, Vec<u64>>>,
    /// Deleted rels by rel id.
    pub deleted: BTreeMap<u64, DeletedRel>,
    /// Property id → rel id → chain.
    pub updates: HashMap<u32, BTreeMap<u64, Chain>>,
    /// Pair and endpoints of every rel with updates.
    pub update_ends: HashMap<u64, (u32, u64, u64)>,
    /// Per (pair, direction): bound node → how its checkpointed rels are deleted or updated
    /// (committed or not), so extends of other nodes, and readers that see none of those
    /// versions, skip the per-rel checks.
    touched: HashMap<(u32, Dir), BTreeMap<u64, Touch>>,
}

/// How the checkpointed rels of one bound node are touched (deleted or updated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch {
    /// Versions of the writing transaction (not committed yet).
    pub open: u32,
    /// The earliest commit timestamp of a committed version (`u64::MAX`: none).
    pub first_ts: u64,
}

impl Touch {
    /// Whether a stamp sees any of the versions (a reader: a commit at or before its
    /// timestamp; the writer: also its own).
    #[inline]
    pub fn visible(&self, s: Stamp) -> bool {
        self.first_ts <= s.ts || (s.is_writer() && self.open > 0)
    }
}

impl RelVersions {
    fn new(base_rels: u64) -> Self {
        RelVersions {
            base_rels,
            rels: Appended::default(),
            ends: Vec::new(),
            adj: HashMap::new(),
            deleted: BTreeMap::new(),
            updates: HashMap::new(),
            update_ends: HashMap::new(),
            touched: HashMap::new(),
        }
    }

    /// Rel ids `0..end` a stamp may see.
    pub fn end(&self, s: Stamp) -> u64 {
        self.base_rels + self.rels.visible_len(s)
    }

    pub fn appended_len(&self) -> u64 {
        self.rels.len
    }

    pub fn committed_len(&self) -> u64 {
        self.rels.committed_len()
    }

    /// The writer touched (`by` = 1) or untouched (rollback, `by` = -1) the checkpointed
    /// rels of `src` and `dst`.
    fn touch(&mut self, pair: u32, src: u64, dst: u64, by: i32) {
        for (dir, node) in [(Dir::Fwd, src), (Dir::Bwd, dst)] {
            let m = self.touched.entry((pair, dir)).or_default();
            let t = m.entry(node).or_insert(Touch {
                open: 0,
                first_ts: u64::MAX,
            });
            t.open = (t.open as i64 + by as i64).max(0) as u32;
            if t.open == 0 && t.first_ts == u64::MAX {
                m.remove(&node);
            }
        }
    }

    /// One version of the writer touching `src` and `dst` committed at `ts`.
    fn touch_commit(&mut self, pair: u32, src: u64, dst: u64, ts: u64) {
        for (dir, node) in [(Dir::Fwd, src), (Dir::Bwd, dst)] {
            if let Some(t) = self
                .touched
                .get_mut(&(pair, dir))
                .and_then(|m| m.get_mut(&node))
            {
                t.open = t.open.saturating_sub(1);
                t.first_ts = t.first_ts.min(ts);
            }
        }
    }

    /// Whether any bound node in `start..start+n` of (pair, dir) has appended, deleted or
    /// updated rels the stamp sees (the extend must merge versions). Versions of another
    /// transaction, and commits after the stamp, do not count.
    pub fn affects(&self, pair: u32, dir: Dir, start: u64, n: u64, s: Stamp) -> bool {
        let r = start..start + n;
        let vis = self.rels.visible_len(s);
        (vis > 0
            && self.adj.get(&(pair, dir)).is_some_and(|m| {
                m.range(r.clone())
                    .any(|(_, l)| l.first().is_some_and(|&l| l < vis))
            }))
            || self
                .touched
                .get(&(pair, dir))
                .is_some_and(|m| m.range(r).any(|(_, t)| t.visible(s)))
    }

    /// Bound nodes in `range` of (pair, dir) whose checkpointed rels have deletes or updates
    /// the stamp sees, ascending.
    pub fn touched_in(
        &self,
        pair: u32,
        dir: Dir,
        range: std::ops::Range<u64>,
        s: Stamp,
    ) -> impl Iterator<Item = u64> + '_ {
        self.touched
            .get(&(pair, dir))
            .into_iter()
            .flat_map(move |m| m.range(range.clone()))
            .filter(move |(_, t)| t.visible(s))
            .map(|(&n, _)| n)
    }

    /// Bound nodes in `range` of (pair, dir) with appended rels (committed or not), ascending,
    /// with the local indexes of those rels (ascending; filter them with `visible_appended`).
    pub fn appended_in(
        &self,
        pair: u32,
        dir: Dir,
        range: std::ops::Range<u64>,
    ) -> impl Iterator<Item = (u64, &[u64])> + '_ {
        self.adj
            .get(&(pair, dir))
            .into_iter()
            .flat_map(move |m| m.range(range.clone()))
            .map(|(&n, l)| (n, l.as_slice()))
    }

    /// Appended rels the stamp sees (`0..` this, local indexes; deleted ones included).
    pub fn visible_len(&self, s: Stamp) -> u64 {
        self.rels.visible_len(s)
    }

    /// Of the appended rels `locals` (ascending), those the stamp sees and has not deleted
    /// (`vis`: `visible_len(s)`).
    pub fn visible_appended<'a>(
        &'a self,
        locals: &'a [u64],
        vis: u64,
        s: Stamp,
    ) -> impl Iterator<Item = u64> + 'a {
        let no_deletes = self.deleted.is_empty();
        locals
            .iter()
            .copied()
            .take_while(move |&l| l < vis)
            .filter(move |&l| no_deletes || !self.is_deleted(self.base_rels + l, s))
    }

    /// Whether rel `id` is deleted for the stamp.
    pub fn is_deleted(&self, id: u64, s: Stamp) -> bool {
        self.deleted.get(&id).is_some_and(|d| s.sees(d.ts))
    }

    /// The value of property `prop` of rel `id` as updated for the stamp, if it was.
    pub fn updated(&self, prop: u32, id: u64, s: Stamp) -> Option<&Value> {
        self.updates
            .get(&prop)?
            .get(&id)
            .and_then(|c| chain_get(c, s))
    }

    /// Whether `prop` has updates at all.
    pub fn has_updates(&self, prop: u32) -> bool {
        self.updates.get(&prop).is_some_and(|m| !m.is_empty())
    }

    /// Pair, source and destination of appended rel `local`.
    pub fn appended_ends(&self, local: u64) -> (u32, u64, u64) {
        self.ends.get(local as usize).copied().unwrap_or((0, 0, 0))
    }

    /// The value of `prop` of appended rel `local` as inserted.
    pub fn appended_value(&self, prop: u32, local: u64) -> Value {
        self.rels
            .column(prop)
            .map_or(Value::Null, |c| c.get(local as usize))
    }

    /// Appends rows of `prop` of the appended rels `locals` to `out`.
    pub fn gather_appended(&self, prop: u32, locals: &[u64], out: &mut Column) {
        match self.rels.column(prop) {
            Some(c) if c.ty == out.ty => {
                let rows: Vec<u32> = locals.iter().map(|&l| l as u32).collect();
                out.gather(c, &rows);
            }
            Some(c) => {
                for &l in locals {
                    if !out.push_value(&c.get(l as usize)) {
                        out.push_null();
                    }
                }
            }
            None => locals.iter().for_each(|_| out.push_null()),
        }
    }

    /// Appends a rel (the writer's); returns its id and the bytes it takes.
    pub fn insert(
        &mut self,
        pair: u32,
        src: u64,
        dst: u64,
        values: &[(u32, LogicalType, Value)],
    ) -> Result<(u64, u64)> {
        let bytes = self.rels.push(values)?;
        let local = self.rels.len - 1;
        self.ends.push((pair, src, dst));
        for (dir, node) in [(Dir::Fwd, src), (Dir::Bwd, dst)] {
            self.adj
                .entry((pair, dir))
                .or_default()
                .entry(node)
                .or_default()
                .push(local);
        }
        Ok((self.base_rels + local, bytes + 2 * ENTRY_BYTES + 24))
    }

    fn commit_appends(&mut self, ts: u64) {
        self.rels.commit(ts);
    }

    fn rollback_appends(&mut self) {
        let keep = self.rels.committed_len();
        self.rels.rollback();
        for (pair, src, dst) in self.ends.drain(keep as usize..) {
            for (dir, node) in [(Dir::Fwd, src), (Dir::Bwd, dst)] {
                if let Some(m) = self.adj.get_mut(&(pair, dir)) {
                    if let Some(v) = m.get_mut(&node) {
                        v.retain(|&l| l < keep);
                        if v.is_empty() {
                            m.remove(&node);
                        }
                    }
                }
            }
        }
    }

    /// Marks rel `id` deleted by the writer.
    pub fn delete(&mut self, id: u64, pair: u32, src: u64, dst: u64, mark: u64) -> u64 {
        self.deleted.insert(
            id,
            DeletedRel {
                ts: mark,
                pair,
                src,
                dst,
            },
        );
        if id < self.base_rels {
            self.touch(pair, src, dst, 1);
        }
        ENTRY_BYTES * 2
    }

    /// Sets `prop` of rel `id` for the writer (see `NodeVersions::update`).
    pub fn update(
        &mut self,
        prop: u32,
        id: u64,
        ends: (u32, u64, u64),
        v: Value,
        mark: u64,
    ) -> (bool, u64) {
        let bytes = value_bytes(&v) + ENTRY_BYTES;
        let chain = self.updates.entry(prop).or_default().entry(id).or_default();
        if let Some(last) = chain.last_mut() {
            if last.0 == mark {
                last.1 = v;
                return (false, bytes);
            }
        }
        chain.push((mark, v));
        let fresh = chain.len() == 1;
        if fresh {
            self.update_ends.insert(id, ends);
            if id < self.base_rels {
                self.touch(ends.0, ends.1, ends.2, 1);
            }
        }
        (true, bytes)
    }

    pub fn is_empty(&self) -> bool {
        self.rels.len == 0 && self.deleted.is_empty() && self.updates.values().all(|m| m.is_empty())
    }

    /// Bound nodes of (pair, dir) whose rels changed for the stamp (appended, deleted or
    /// updated rels it sees), ascending: the CSR parts a checkpoint rewrites.
    pub fn changed_nodes(&self, pair: u32, dir: Dir, s: Stamp) -> Vec<u64> {
        let vis = self.rels.visible_len(s);
        let mut v: Vec<u64> = self
            .adj
            .get(&(pair, dir))
            .map(|m| {
                m.iter()
                    .filter(|(_, l)| l.first().is_some_and(|&l| l < vis))
                    .map(|(&n, _)| n)
                    .collect()
            })
            .unwrap_or_default();
        v.extend(self.touched_in(pair, dir, 0..u64::MAX, s));
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Counter of transaction ids (the marks of writers).
pub struct TxnIds(Mutex<u64>);

impl Default for TxnIds {
    fn default() -> Self {
        TxnIds(Mutex::new(0))
    }
}

impl TxnIds {
    pub fn next_mark(&self) -> u64 {
        let mut g = self.0.lock();
        *g += 1;
        TXN_BIT | *g
    }
}

//! The write transaction: inserts, updates and deletes of rows and rels, catalog changes,
//! direct page writes (COPY, ALTER), commit and rollback; and the replay of committed WAL
//! transactions at open, through the same code.
//!
//! Owns: `WriteTxn`. Every change is checked (primary keys unique and not NULL, rel
//! multiplicity, a node with rels is not deleted), applied to the epoch's versions under the
//! transaction's mark, listed in the undo log, and logged as a WAL record (buffered, written
//! to the WAL file in 1 MiB pieces while the transaction runs, synced at commit). A statement
//! that writes pages directly first merges the versions the transaction sees into a private
//! copy of the table data (`materialize`) and then commits by checkpoint.

use super::checkpoint;
use super::versions::{Epoch, Stamp, Undo, TXN_BIT};
use super::wal::Record;
use super::{CommitOptions, Committed, Snapshot, State, Store};
use crate::catalog::{Catalog, Multiplicity, TableKind};
use crate::error::{Error, Result};
use crate::storage::alloc::PageAllocator;
use crate::storage::keys::{index_key_type, value_key, KeyRef};
use crate::storage::table::{Dir, NodeTableData, RelTableData, StorageMeta, TableData};
use crate::types::{LogicalType, Value};
use std::collections::HashSet;
use std::sync::Arc;

/// WAL bytes a transaction buffers before writing them out (unsynced).
const WAL_FLUSH: usize = 1 << 20;

/// Kuzu's message for a primary key that already exists.
pub fn duplicate_key_message(key: &str) -> String {
    format!(
        "Found duplicated primary key value {key}, which violates the uniqueness constraint of the primary key column."
    )
}

/// A rel as the write path names it: its table, FROM/TO pair, endpoints and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelRef {
    pub table: u64,
    pub pair: usize,
    pub src: u64,
    pub dst: u64,
    pub id: u64,
}

/// The one write transaction of a store.
pub struct WriteTxn {
    store: Arc<Store>,
    mark: u64,
    manual: bool,
    /// Timestamp of the committed state it began on.
    ts: u64,
    version: u64,
    catalog: Arc<Catalog>,
    meta: Arc<StorageMeta>,
    epoch: Arc<Epoch>,
    /// Whether `epoch` is the committed one (shared with readers) or private.
    shared: bool,
    undo: Vec<Undo>,
    appended: HashSet<(bool, u64)>,
    wal_start: u64,
    records: Vec<u8>,
    /// Pages were written directly: the commit writes a checkpoint.
    by_checkpoint: bool,
    /// Pages were allocated or freed: a rollback restores the allocator.
    touched_pages: bool,
    saved_alloc: PageAllocator,
    /// Values `nextval` returned in this transaction, by sequence (lower-case name); they
    /// enter the catalog when it commits.
    sequences: std::collections::BTreeMap<String, i64>,
    done: bool,
}

impl WriteTxn {
    pub(super) fn new(
        store: Arc<Store>,
        mark: u64,
        manual: bool,
        c: Committed,
        wal_start: u64,
    ) -> WriteTxn {
        let saved_alloc = store.pager.allocator();
        WriteTxn {
            store,
            mark,
            manual,
            ts: c.ts,
            version: c.version,
            catalog: c.catalog,
            meta: c.meta,
            epoch: c.epoch,
            shared: true,
            undo: Vec::new(),
            appended: HashSet::new(),
            wal_start,
            records: Vec::new(),
            by_checkpoint: false,
            touched_pages: false,
            saved_alloc,
            sequences: std::collections::BTreeMap::new(),
            done: false,
        }
    }

    pub fn is_manual(&self) -> bool {
        self.manual
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn stamp(&self) -> Stamp {
        Stamp {
            ts: self.ts,
            txn: self.mark,
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn meta(&self) -> &StorageMeta {
        &self.meta
    }

    /// What this transaction's statements read: its catalog and table data, its own writes.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::new(self.store.writer_snapshot(
            self.catalog.clone(),
            self.meta.clone(),
            self.epoch.clone(),
            self.stamp(),
        ))
    }

    /// Whether this transaction changed anything yet.
    pub fn is_empty(&self) -> bool {
        self.undo.is_empty()
            && self.records.is_empty()
            && !self.by_checkpoint
            && !self.touched_pages
    }

    fn log(&mut self, r: Record) -> Result<()> {
        r.encode_into(&mut self.records)?;
        if self.records.len() >= WAL_FLUSH && !self.by_checkpoint {
            let bytes = std::mem::take(&mut self.records);
            self.store.wal.lock().append(&bytes)?;
        }
        Ok(())
    }

    fn pool(&self) -> &crate::storage::buffer::BufferPool {
        self.store.pager.pool()
    }

    fn entry(&self, table: u64) -> Result<&crate::catalog::TableEntry> {
        self.catalog
            .table_by_id(table)
            .ok_or_else(|| Error::Catalog(format!("table {table} does not exist")))
    }

    // ------------------------------------------------------------------------------ nodes

    /// Inserts a row into node table `table`; `values` in property order (SERIAL values
    /// already numbered, types already those of the properties). Returns its offset.
    pub fn insert_node(&mut self, table: u64, values: Vec<Value>) -> Result<u64> {
        let entry = self.entry(table)?.clone();
        let TableKind::Node { primary_key } = entry.kind else {
            return Err(Error::Runtime(format!(
                "{} is not a node table",
                entry.name
            )));
        };
        if values.len() != entry.properties.len() {
            return Err(Error::Runtime(format!(
                "{} values for the {} properties of {}",
                values.len(),
                entry.properties.len(),
                entry.name
            )));
        }
        // SERIAL properties without a value take the row's offset (offsets are never reused,
        // so these numbers are unique and increasing).
        let mut values = values;
        if entry.properties.iter().any(|p| p.ty == LogicalType::Serial) {
            let base = self.meta.node(table).map_or(0, |d| d.num_rows);
            let appended = self
                .epoch
                .node(table)
                .map_or(0, |v| v.read().appended_len());
            for (p, v) in entry.properties.iter().zip(values.iter_mut()) {
                if p.ty == LogicalType::Serial && v.is_null() {
                    *v = Value::Int64((base + appended) as i64);
                }
            }
        }
        let key_value = &values[primary_key];
        if key_value.is_null() {
            return Err(Error::Runtime(
                "Found NULL, which violates the non-null constraint of the primary key column."
                    .into(),
            ));
        }
        let kt = index_key_type(&entry.properties[primary_key].ty)?;
        let key = value_key(kt, key_value).ok_or_else(|| {
            Error::Runtime(format!(
                "{key_value} cannot be a primary key of {}",
                entry.name
            ))
        })?;
        let snap = self.snapshot();
        if let Some(Some(_)) = snap.pk_lookup(self.pool(), table, key_value)? {
            return Err(Error::Runtime(duplicate_key_message(&render_key(
                &entry.properties[primary_key].ty,
                key_value,
            ))));
        }
        drop(snap);
        let typed: Vec<(u32, LogicalType, Value)> = entry
            .properties
            .iter()
            .zip(values)
            .map(|(p, v)| (p.id, p.ty.clone(), v))
            .collect();
        let offset = self.apply_node_insert(table, &typed, Some(key))?;
        self.log(Record::NodeInsert {
            table,
            offset,
            values: typed.into_iter().map(|(id, _, v)| (id, v)).collect(),
        })?;
        Ok(offset)
    }

    fn apply_node_insert(
        &mut self,
        table: u64,
        typed: &[(u32, LogicalType, Value)],
        key: Option<crate::storage::keys::OwnedKey>,
    ) -> Result<u64> {
        let base = self.meta.node(table).map_or(0, |d| d.num_rows);
        let v = self.epoch.node_mut(table, base);
        let (offset, bytes) = v.write().insert(typed, key)?;
        if self.appended.insert((true, table)) {
            self.undo.push(Undo::NodeAppend { table });
        }
        self.epoch.charge(self.store.pager.pool(), bytes)?;
        Ok(offset)
    }

    /// Sets property `prop` (index) of the row at `offset` (which this transaction sees).
    pub fn update_node(
        &mut self,
        table: u64,
        offset: u64,
        prop: usize,
        value: Value,
    ) -> Result<()> {
        let entry = self.entry(table)?;
        let p = entry
            .properties
            .get(prop)
            .ok_or_else(|| Error::Runtime("no such property".into()))?;
        let pid = p.id;
        self.apply_node_update(table, offset, pid, value.clone())?;
        self.log(Record::NodeUpdate {
            table,
            offset,
            prop: pid,
            value,
        })
    }

    fn apply_node_update(&mut self, table: u64, offset: u64, pid: u32, value: Value) -> Result<()> {
        let base = self.meta.node(table).map_or(0, |d| d.num_rows);
        let v = self.epoch.node_mut(table, base);
        let (fresh, bytes) = v.write().update(pid, offset, value, self.mark);
        if fresh {
            self.undo.push(Undo::NodeUpdate {
                table,
                prop: pid,
                offset,
            });
        }
        self.epoch.charge(self.store.pager.pool(), bytes)
    }

    /// Deletes the row at `offset`. With `detach`, its rels go first; without, a row with
    /// rels is Kuzu's runtime error.
    pub fn delete_node(&mut self, table: u64, offset: u64, detach: bool) -> Result<()> {
        let snap = self.snapshot();
        if !snap.node_live(self.pool(), table, offset)? {
            return Ok(());
        }
        // Rels in every table and direction this node is bound in.
        type RelTables = Vec<(u64, String, Vec<(u64, u64)>)>;
        let rel_tables: RelTables = self
            .catalog
            .rel_tables()
            .filter_map(|t| match &t.kind {
                TableKind::Rel { pairs, .. } => Some((t.id, t.name.clone(), pairs.clone())),
                _ => None,
            })
            .collect();
        for dir in [Dir::Fwd, Dir::Bwd] {
            for (rid, name, pairs) in &rel_tables {
                for (pi, &(from, to)) in pairs.iter().enumerate() {
                    let bound = if dir == Dir::Fwd { from } else { to };
                    if bound != table {
                        continue;
                    }
                    let q = super::read::AdjQuery {
                        rel_table: *rid,
                        pair: pi,
                        dir,
                        props: Vec::new(),
                        prop_types: Vec::new(),
                        want_ids: true,
                        counts_only: false,
                    };
                    let adj = snap.rels_of(self.pool(), &q, offset)?;
                    if adj.nbrs.is_empty() {
                        continue;
                    }
                    if !detach {
                        return Err(Error::Runtime(format!(
                            "Node(nodeOffset: {offset}) has connected edges in table {name} in the {} direction, which cannot be deleted. Please delete the edges first or try DETACH DELETE.",
                            if dir == Dir::Fwd { "fwd" } else { "bwd" }
                        )));
                    }
                    for (nbr, id) in adj.nbrs.iter().zip(&adj.ids) {
                        let (src, dst) = if dir == Dir::Fwd {
                            (offset, *nbr)
                        } else {
                            (*nbr, offset)
                        };
                        // A self-loop shows up in both directions: delete it once.
                        let gone = self
                            .epoch
                            .rel(*rid)
                            .is_some_and(|v| v.read().is_deleted(*id, self.stamp()));
                        if !gone {
                            self.delete_rel(RelRef {
                                table: *rid,
                                pair: pi,
                                src,
                                dst,
                                id: *id,
                            })?;
                        }
                    }
                }
            }
        }
        drop(snap);
        self.apply_node_delete(table, offset)?;
        self.log(Record::NodeDelete { table, offset })
    }

    fn apply_node_delete(&mut self, table: u64, offset: u64) -> Result<()> {
        let base = self.meta.node(table).map_or(0, |d| d.num_rows);
        let v = self.epoch.node_mut(table, base);
        let bytes = v.write().delete(offset, self.mark);
        self.undo.push(Undo::NodeDelete { table, offset });
        self.epoch.charge(self.store.pager.pool(), bytes)
    }

    // ------------------------------------------------------------------------------- rels

    /// Inserts a rel from `src` to `dst` (offsets in the pair's tables) with `values` in
    /// property order. Checks the table's multiplicity. Returns its rel id.
    pub fn insert_rel(
        &mut self,
        table: u64,
        pair: usize,
        src: u64,
        dst: u64,
        values: Vec<Value>,
    ) -> Result<u64> {
        let entry = self.entry(table)?.clone();
        let TableKind::Rel {
            src_mult, dst_mult, ..
        } = &entry.kind
        else {
            return Err(Error::Runtime(format!("{} is not a rel table", entry.name)));
        };
        let snap = self.snapshot();
        for (dir, node, one) in [
            // MANY_ONE: a source has one destination (checked forward), ...
            (Dir::Fwd, src, *dst_mult == Multiplicity::One),
            (Dir::Bwd, dst, *src_mult == Multiplicity::One),
        ] {
            if one && snap.degree(self.pool(), table, pair, dir, node)? > 0 {
                return Err(Error::Runtime(format!(
                    "Node(nodeOffset: {node}) has more than one neighbour in table {} in the {} direction, which violates the rel multiplicity constraint.",
                    entry.name,
                    if dir == Dir::Fwd { "fwd" } else { "bwd" }
                )));
            }
        }
        drop(snap);
        let typed: Vec<(u32, LogicalType, Value)> = entry
            .properties
            .iter()
            .zip(values)
            .map(|(p, v)| (p.id, p.ty.clone(), v))
            .collect();
        let id = self.apply_rel_insert(table, pair as u32, src, dst, &typed)?;
        self.log(Record::RelInsert {
            table,
            pair: pair as u32,
            src,
            dst,
            rel_id: id,
            values: typed.into_iter().map(|(id, _, v)| (id, v)).collect(),
        })?;
        Ok(id)
    }

    fn apply_rel_insert(
        &mut self,
        table: u64,
        pair: u32,
        src: u64,
        dst: u64,
        typed: &[(u32, LogicalType, Value)],
    ) -> Result<u64> {
        let base = self.meta.rel(table).map_or(0, |d| d.num_rels);
        let v = self.epoch.rel_mut(table, base);
        let (id, bytes) = v.write().insert(pair, src, dst, typed)?;
        if self.appended.insert((false, table)) {
            self.undo.push(Undo::RelAppend { table });
        }
        self.epoch.charge(self.store.pager.pool(), bytes)?;
        Ok(id)
    }

    /// Sets property `prop` (index) of rel `r`.
    pub fn update_rel(&mut self, r: RelRef, prop: usize, value: Value) -> Result<()> {
        let RelRef {
            table,
            pair,
            src,
            dst,
            id,
        } = r;
        let entry = self.entry(table)?;
        let pid = entry
            .properties
            .get(prop)
            .map(|p| p.id)
            .ok_or_else(|| Error::Runtime("no such property".into()))?;
        self.apply_rel_update(table, pair as u32, src, dst, id, pid, value.clone())?;
        self.log(Record::RelUpdate {
            table,
            rel_id: id,
            pair: pair as u32,
            src,
            dst,
            prop: pid,
            value,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_rel_update(
        &mut self,
        table: u64,
        pair: u32,
        src: u64,
        dst: u64,
        id: u64,
        pid: u32,
        value: Value,
    ) -> Result<()> {
        let base = self.meta.rel(table).map_or(0, |d| d.num_rels);
        let v = self.epoch.rel_mut(table, base);
        let (fresh, bytes) = v
            .write()
            .update(pid, id, (pair, src, dst), value, self.mark);
        if fresh {
            self.undo.push(Undo::RelUpdate {
                table,
                prop: pid,
                rel_id: id,
            });
        }
        self.epoch.charge(self.store.pager.pool(), bytes)
    }

    /// Deletes rel `r`.
    pub fn delete_rel(&mut self, r: RelRef) -> Result<()> {
        let RelRef {
            table,
            pair,
            src,
            dst,
            id,
        } = r;
        if self
            .epoch
            .rel(table)
            .is_some_and(|v| v.read().is_deleted(id, self.stamp()))
        {
            return Ok(());
        }
        self.apply_rel_delete(table, pair as u32, src, dst, id)?;
        self.log(Record::RelDelete {
            table,
            rel_id: id,
            pair: pair as u32,
            src,
            dst,
        })
    }

    fn apply_rel_delete(
        &mut self,
        table: u64,
        pair: u32,
        src: u64,
        dst: u64,
        id: u64,
    ) -> Result<()> {
        let base = self.meta.rel(table).map_or(0, |d| d.num_rels);
        let v = self.epoch.rel_mut(table, base);
        let bytes = v.write().delete(id, pair, src, dst, self.mark);
        self.undo.push(Undo::RelDelete { table, rel_id: id });
        self.epoch.charge(self.store.pager.pool(), bytes)
    }

    // ---------------------------------------------------------------------------- catalog

    /// Replaces the catalog (a DDL statement's result): tables it adds get empty table data,
    /// tables it no longer has are dropped and their pages freed (reusable after the next
    /// checkpoint, or given back by a rollback). Logged as the whole catalog.
    pub fn set_catalog(&mut self, catalog: Catalog) -> Result<()> {
        let bytes = catalog.encode();
        self.apply_catalog(catalog)?;
        self.log(Record::Catalog(bytes))
    }

    fn apply_catalog(&mut self, catalog: Catalog) -> Result<()> {
        let mut meta = (*self.meta).clone();
        let mut changed = false;
        for t in &catalog.tables {
            if let std::collections::btree_map::Entry::Vacant(e) = meta.tables.entry(t.id) {
                e.insert(if t.is_node() {
                    TableData::Node(NodeTableData::default())
                } else {
                    TableData::Rel(RelTableData::default())
                });
                changed = true;
            }
        }
        let gone: Vec<u64> = meta
            .tables
            .keys()
            .copied()
            .filter(|id| catalog.table_by_id(*id).is_none())
            .collect();
        for id in gone {
            if let Some(data) = meta.tables.remove(&id) {
                free_table(&self.store, &data)?;
                self.touched_pages = true;
                changed = true;
            }
        }
        if changed {
            self.meta = Arc::new(meta);
        }
        self.catalog = Arc::new(catalog);
        Ok(())
    }

    // -------------------------------------------------------------------------- sequences

    /// The next `n` values of sequence `name` (`nextval`), in order.
    pub fn next_values(&mut self, name: &str, n: usize) -> Result<Vec<i64>> {
        let seq = self
            .catalog
            .sequence(name)
            .cloned()
            .ok_or_else(|| Error::Catalog(format!("{name} does not exist in catalog.")))?;
        let key = seq.name.to_lowercase();
        let mut cur = self.sequences.get(&key).copied().or(seq.current);
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let v = seq.next_value(cur)?;
            cur = Some(v);
            out.push(v);
        }
        if let Some(v) = cur {
            self.sequences.insert(key, v);
        }
        Ok(out)
    }

    /// The value `nextval` last returned for sequence `name`, as this transaction sees it.
    pub fn current_value(&self, name: &str) -> Result<i64> {
        let seq = self
            .catalog
            .sequence(name)
            .ok_or_else(|| Error::Catalog(format!("{name} does not exist in catalog.")))?;
        self.sequences
            .get(&seq.name.to_lowercase())
            .copied()
            .or(seq.current)
            .ok_or_else(|| not_yet_defined(name))
    }

    /// The catalog with the sequence values this transaction drew.
    fn catalog_with_sequences(&self) -> Catalog {
        let mut cat = (*self.catalog).clone();
        for (name, v) in &self.sequences {
            if let Some(s) = cat.sequence_mut(name) {
                s.current = Some(*v);
            }
        }
        cat
    }

    // ---------------------------------------------------------------- direct page writes

    /// Merges the versions this transaction sees into a private copy of the table data, so
    /// that a statement can write pages directly; the transaction then commits by
    /// checkpoint.
    pub fn materialize(&mut self) -> Result<()> {
        if self.by_checkpoint && self.epoch.is_empty() {
            return Ok(());
        }
        let stamp = self.stamp();
        if !self.epoch.is_empty() {
            let meta = checkpoint::merge(
                &self.store.pager,
                &self.catalog,
                &self.meta,
                &self.epoch,
                stamp,
            )?;
            self.meta = Arc::new(meta);
        }
        if self.shared {
            // The transaction's versions are in its private table data now.
            self.epoch.rollback(&self.undo, self.mark);
        }
        self.undo.clear();
        self.appended.clear();
        self.epoch = Arc::new(Epoch::new(self.store.mem.clone()));
        self.shared = false;
        self.by_checkpoint = true;
        self.touched_pages = true;
        // Its WAL records are superseded by the checkpoint the commit writes.
        self.records.clear();
        Ok(())
    }

    /// Runs `f` on the transaction's catalog and table data (after `materialize`): COPY,
    /// ALTER TABLE on stored columns, CREATE TABLE AS. Pages it writes are given back if the
    /// transaction rolls back.
    pub fn with_state<T>(&mut self, f: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        self.materialize()?;
        let mut st = State {
            catalog: (*self.catalog).clone(),
            meta: (*self.meta).clone(),
        };
        let r = f(&mut st)?;
        self.catalog = Arc::new(st.catalog);
        self.meta = Arc::new(st.meta);
        Ok(r)
    }

    // ----------------------------------------------------------------- commit, rollback

    /// Commits: the WAL records and a commit record are appended and synced (or, after
    /// direct page writes, a checkpoint is written), then the versions are stamped and the
    /// new state published. On failure the transaction is rolled back.
    pub fn commit(&mut self, opts: CommitOptions) -> Result<()> {
        if self.done {
            return Err(Error::Runtime("the transaction has ended".into()));
        }
        let r = self.commit_inner(opts);
        if r.is_err() && !self.done {
            self.rollback_inner();
        }
        r
    }

    fn commit_inner(&mut self, opts: CommitOptions) -> Result<()> {
        let store = self.store.clone();
        let ts = self.ts + 1;
        let version = self.version + 1;
        if !self.sequences.is_empty() {
            let cat = self.catalog_with_sequences();
            self.sequences.clear();
            if self.by_checkpoint {
                self.catalog = Arc::new(cat);
            } else {
                self.set_catalog(cat)?;
            }
        }
        if self.by_checkpoint {
            // The checkpoint holds the commits appended before this transaction began: they
            // are made durable first, so the WAL it resets holds none still waiting.
            store.sync_appended()?;
            self.epoch.commit(&self.undo, self.mark, ts);
            let meta = checkpoint::merge(
                &store.pager,
                &self.catalog,
                &self.meta,
                &self.epoch,
                Stamp::reader(ts),
            )?;
            store.write_checkpoint(&self.catalog, &meta, version, self.saved_alloc.clone())?;
            store.publish(Committed {
                catalog: self.catalog.clone(),
                meta: Arc::new(meta),
                epoch: Arc::new(Epoch::new(store.mem.clone())),
                ts,
                version,
            });
            self.done = true;
            store.release_writer(self.mark);
            return Ok(());
        }
        if self.undo.is_empty() && self.records.is_empty() && !self.touched_pages {
            // Nothing written: nothing to log.
            self.done = true;
            store.release_writer(self.mark);
            return Ok(());
        }
        // A sync that failed since this transaction began leaves the WAL's state unknown:
        // nothing more is appended.
        store.refuse_writes()?;
        Record::Commit { ts }.encode_into(&mut self.records)?;
        let wal_len = {
            let mut wal = store.wal.lock();
            let bytes = std::mem::take(&mut self.records);
            wal.append(&bytes)?;
            wal.len()
        };
        // Appended: the versions take the commit's timestamp, which readers' snapshots do
        // not reach until the state is published as durable (`Store::wait_durable`); the next
        // writer builds on it at once.
        self.epoch.commit(&self.undo, self.mark, ts);
        let n = store.appended(Committed {
            catalog: self.catalog.clone(),
            meta: self.meta.clone(),
            epoch: self.epoch.clone(),
            ts,
            version,
        });
        // From here the transaction cannot roll back: a later writer may build on it, and
        // its record is in the WAL. If the sync fails, the store is poisoned instead.
        self.done = true;
        let wal_full = wal_len >= opts.checkpoint_threshold;
        // Versions live in memory until a checkpoint merges them into pages, which the pool
        // can evict: past a quarter of the budget they are merged now, so that a stream of
        // writes larger than memory keeps committing.
        let versions_big = self.epoch.bytes() > store.mem.budget() / 4;
        if opts.auto_checkpoint && (wal_full || versions_big) {
            // Keeps the slot: the checkpoint makes every appended commit durable first.
            let r = store.wait_durable(n);
            if r.is_ok() {
                // The commit is durable; a failed checkpoint leaves it in the WAL (and a
                // failed sync poisons the store, so later writes report it).
                let _ = store.checkpoint_locked(false);
            }
            store.release_writer(self.mark);
            return r;
        }
        if store.group_commit() {
            // The next writer may start while this commit waits for its sync.
            store.release_writer(self.mark);
            store.wait_durable(n)
        } else {
            let r = store.wait_durable(n);
            store.release_writer(self.mark);
            r
        }
    }

    /// Rolls back: every version is undone, pages written are given back, the WAL is cut back.
    pub fn rollback(&mut self) {
        self.rollback_inner();
    }

    /// Whether the transaction has committed or rolled back.
    pub fn is_done(&self) -> bool {
        self.done
    }

    fn rollback_inner(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        if self.shared {
            self.epoch.rollback(&self.undo, self.mark);
        }
        if self.touched_pages {
            self.store
                .pager
                .rollback_allocations(self.saved_alloc.clone());
        }
        let _ = self.store.wal.lock().truncate(self.wal_start);
        self.store.release_writer(self.mark);
    }
}

impl Drop for WriteTxn {
    fn drop(&mut self) {
        self.rollback_inner();
    }
}

/// Frees every page of a dropped table (its chunks, CSR arrays and primary-key index).
fn free_table(store: &Store, data: &TableData) -> Result<()> {
    if let TableData::Node(n) = data {
        if !n.pk_index.is_empty() {
            let idx = crate::storage::index::HashIndex::decode(
                &mut crate::storage::page::Decoder::new(&n.pk_index, "pk index"),
                store.pager.page_count(),
            )?;
            for p in idx.pages(store.pager.pool())? {
                store.pager.free(p, 1);
            }
        }
    }
    for (_, r) in data.runs() {
        store.pager.free(r.first, r.count);
    }
    Ok(())
}

/// Kuzu's rendering of a key value in the duplicate-key message.
fn render_key(ty: &LogicalType, v: &Value) -> String {
    match (ty, v) {
        (LogicalType::Double | LogicalType::Float, Value::Double(x)) => KeyRef::Float(*x).render(),
        (LogicalType::Double | LogicalType::Float, Value::Float(x)) => {
            KeyRef::Float(*x as f64).render()
        }
        _ => v.to_string(),
    }
}

/// Applies one committed WAL transaction to the store's committed state (recovery).
pub(super) fn replay(store: &Store, txn: (Vec<Record>, u64)) -> Result<()> {
    let (records, ts) = txn;
    let c = store.latest();
    let mark = TXN_BIT;
    let mut r = Replayer {
        store,
        catalog: c.catalog.clone(),
        meta: c.meta.clone(),
        epoch: c.epoch.clone(),
        undo: Vec::new(),
        appended: HashSet::new(),
        mark,
    };
    for rec in records {
        r.apply(rec)?;
    }
    r.epoch.commit(&r.undo, mark, ts);
    store.publish(Committed {
        catalog: r.catalog,
        meta: r.meta,
        epoch: r.epoch,
        ts: ts.max(c.ts),
        version: c.version + 1,
    });
    Ok(())
}

/// Applies WAL records (the same changes as `WriteTxn`, without checks or logging).
struct Replayer<'a> {
    store: &'a Store,
    catalog: Arc<Catalog>,
    meta: Arc<StorageMeta>,
    epoch: Arc<Epoch>,
    undo: Vec<Undo>,
    appended: HashSet<(bool, u64)>,
    mark: u64,
}

impl Replayer<'_> {
    fn typed(
        &self,
        table: u64,
        values: Vec<(u32, Value)>,
    ) -> Result<Vec<(u32, LogicalType, Value)>> {
        let entry = self.catalog.table_by_id(table).ok_or_else(|| {
            Error::corrupted(
                None,
                format!("WAL names table {table}, which the catalog lacks"),
            )
        })?;
        values
            .into_iter()
            .map(|(id, v)| {
                let p = entry
                    .properties
                    .iter()
                    .find(|p| p.id == id)
                    .ok_or_else(|| {
                        Error::corrupted(
                            None,
                            format!(
                                "WAL names property {id} of table {}, which it lacks",
                                entry.name
                            ),
                        )
                    })?;
                Ok((id, p.ty.clone(), v))
            })
            .collect()
    }

    fn apply(&mut self, rec: Record) -> Result<()> {
        let pool = self.store.pager.pool();
        match rec {
            Record::Commit { .. } => {}
            Record::Catalog(bytes) => {
                let catalog = Catalog::decode(&bytes)?;
                let mut meta = (*self.meta).clone();
                for t in &catalog.tables {
                    meta.tables.entry(t.id).or_insert_with(|| {
                        if t.is_node() {
                            TableData::Node(NodeTableData::default())
                        } else {
                            TableData::Rel(RelTableData::default())
                        }
                    });
                }
                let gone: Vec<u64> = meta
                    .tables
                    .keys()
                    .copied()
                    .filter(|id| catalog.table_by_id(*id).is_none())
                    .collect();
                for id in gone {
                    if let Some(data) = meta.tables.remove(&id) {
                        free_table(self.store, &data)?;
                    }
                }
                self.meta = Arc::new(meta);
                self.catalog = Arc::new(catalog);
            }
            Record::NodeInsert {
                table,
                offset,
                values,
            } => {
                let typed = self.typed(table, values)?;
                let entry = self.catalog.table_by_id(table).cloned();
                let key = entry.and_then(|e| {
                    let pk = e.primary_key()?;
                    let kt = index_key_type(&pk.ty).ok()?;
                    let v = typed.iter().find(|t| t.0 == pk.id)?;
                    value_key(kt, &v.2)
                });
                let base = self.meta.node(table).map_or(0, |d| d.num_rows);
                let v = self.epoch.node_mut(table, base);
                let (got, bytes) = v.write().insert(&typed, key)?;
                if got != offset {
                    return Err(Error::corrupted(
                        None,
                        format!("WAL replay: a row of table {table} lands at offset {got}, the log says {offset}"),
                    ));
                }
                if self.appended.insert((true, table)) {
                    self.undo.push(Undo::NodeAppend { table });
                }
                self.epoch.charge(pool, bytes)?;
            }
            Record::NodeDelete { table, offset } => {
                let base = self.meta.node(table).map_or(0, |d| d.num_rows);
                let v = self.epoch.node_mut(table, base);
                let bytes = v.write().delete(offset, self.mark);
                self.undo.push(Undo::NodeDelete { table, offset });
                self.epoch.charge(pool, bytes)?;
            }
            Record::NodeUpdate {
                table,
                offset,
                prop,
                value,
            } => {
                let base = self.meta.node(table).map_or(0, |d| d.num_rows);
                let v = self.epoch.node_mut(table, base);
                let (fresh, bytes) = v.write().update(prop, offset, value, self.mark);
                if fresh {
                    self.undo.push(Undo::NodeUpdate {
                        table,
                        prop,
                        offset,
                    });
                }
                self.epoch.charge(pool, bytes)?;
            }
            Record::RelInsert {
                table,
                pair,
                src,
                dst,
                rel_id,
                values,
            } => {
                let typed = self.typed(table, values)?;
                let base = self.meta.rel(table).map_or(0, |d| d.num_rels);
                let v = self.epoch.rel_mut(table, base);
                let (got, bytes) = v.write().insert(pair, src, dst, &typed)?;
                if got != rel_id {
                    return Err(Error::corrupted(
                        None,
                        format!("WAL replay: a rel of table {table} gets id {got}, the log says {rel_id}"),
                    ));
                }
                if self.appended.insert((false, table)) {
                    self.undo.push(Undo::RelAppend { table });
                }
                self.epoch.charge(pool, bytes)?;
            }
            Record::RelDelete {
                table,
                rel_id,
                pair,
                src,
                dst,
            } => {
                let base = self.meta.rel(table).map_or(0, |d| d.num_rels);
                let v = self.epoch.rel_mut(table, base);
                let bytes = v.write().delete(rel_id, pair, src, dst, self.mark);
                self.undo.push(Undo::RelDelete { table, rel_id });
                self.epoch.charge(pool, bytes)?;
            }
            Record::RelUpdate {
                table,
                rel_id,
                pair,
                src,
                dst,
                prop,
                value,
            } => {
                let base = self.meta.rel(table).map_or(0, |d| d.num_rels);
                let v = self.epoch.rel_mut(table, base);
                let (fresh, bytes) =
                    v.write()
                        .update(prop, rel_id, (pair, src, dst), value, self.mark);
                if fresh {
                    self.undo.push(Undo::RelUpdate {
                        table,
                        prop,
                        rel_id,
                    });
                }
                self.epoch.charge(pool, bytes)?;
            }
        }
        Ok(())
    }
}

/// Kuzu's error for `currval` before any `nextval`.
pub fn not_yet_defined(name: &str) -> Error {
    Error::Catalog(format!(
        "currval: sequence \"{name}\" is not yet defined. To define the sequence, call nextval first."
    ))
}

//! The bulk pipeline shared by `ruzu-load` and `COPY`: CSV batches → node groups → pages,
//! rel endpoints → counting-sorted CSR groups → pages.
//!
//! Owns: `copy_nodes`, `copy_rels` (append to a table of an open page file, returning the new
//! table data without touching the current checkpoint: the caller commits it), and the CSR
//! build. Pages are written straight to the file (no WAL); a failed copy leaves only
//! unreferenced pages behind, which the caller returns to the allocator.
//!
//! Keys reach the hash index through `keys::index_column` (FLOAT/DOUBLE keys as canonical
//! double bits). SERIAL columns are numbered here, with each row's offset in the table, for
//! COPY from files (which have no field for them) and from a query alike.

use super::csv::{is_gzip, read_csv, record_text, CsvBatch, CsvOptions, CsvSchema};
use super::keys::{check_pk_type, index_column, index_key_type, key_at};
use super::spill::{
    column_bytes, get_column, put_column, put_u32s, put_u64s, MemCharge, Reader, SpillFile,
};
use crate::catalog::{Catalog, Multiplicity, TableEntry, TableKind};
use crate::error::{Error, InputError, Result};
use crate::storage::column::{encode_chunk, ChunkMeta, RunSink};
use crate::storage::csr;
use crate::storage::index::{HashIndex, WriteSession, NOT_FOUND};
use crate::storage::page::Encoder;
use crate::storage::pager::Pager;
use crate::storage::table::{
    CsrGroup, NodeGroup, NodeTableData, RelPairData, RelTableData, NODE_GROUP_SIZE,
};
use crate::types::vector::{Column, ColumnData};
use crate::types::LogicalType;
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// One input file of a copy.
#[derive(Debug, Clone)]
pub struct CopySource {
    pub path: PathBuf,
    /// The name used in messages (as the user wrote it).
    pub display: String,
}

#[derive(Debug, Clone)]
pub struct CopySettings {
    pub threads: usize,
    pub csv: CsvOptions,
}

/// Where the rows of a copy come from.
pub enum CopyInput<'a> {
    /// CSV files, read with `CopySettings::csv`.
    Files(&'a [CopySource]),
    /// Batches already typed as the copy's columns (`COPY T FROM (query)`); `display` names
    /// their source in messages.
    Batches {
        display: String,
        batches: &'a mut dyn Iterator<Item = Result<CsvBatch>>,
    },
}

impl CopyInput<'_> {
    /// The files of the inputs, by input index (`None` for batches).
    fn paths(&self) -> Vec<Option<PathBuf>> {
        match self {
            CopyInput::Files(sources) => sources.iter().map(|s| Some(s.path.clone())).collect(),
            CopyInput::Batches { .. } => vec![None],
        }
    }

    /// Working memory the CSV reader needs for this input: the plan's share, or less for
    /// small plain files (a query's batches need none here).
    fn csv_bytes(&self, plan: &MemPlan) -> u64 {
        match self {
            CopyInput::Batches { .. } => 0,
            CopyInput::Files(sources) => {
                let mut total = 0u64;
                for s in sources.iter() {
                    match std::fs::metadata(&s.path) {
                        Ok(m) if !is_gzip(&s.path) => total += m.len(),
                        _ => return plan.csv,
                    }
                }
                plan.csv.min(3 * total)
            }
        }
    }

    /// The names of the inputs, by input index (as `for_each_batch` numbers them).
    fn displays(&self) -> Vec<String> {
        match self {
            CopyInput::Files(sources) => sources.iter().map(|s| s.display.clone()).collect(),
            CopyInput::Batches { display, .. } => vec![display.clone()],
        }
    }
}

/// Calls `f(input index, input name, batch)` for every batch of the input, in order, and
/// adds the files' byte counts and skipped rows to `stats`.
fn for_each_batch(
    input: &mut CopyInput,
    settings: &CopySettings,
    schema: &CsvSchema,
    threads: usize,
    stats: &mut CopyStats,
    mut f: impl FnMut(usize, &str, CsvBatch) -> Result<()>,
) -> Result<()> {
    match input {
        CopyInput::Files(sources) => {
            for (fi, src) in sources.iter().enumerate() {
                // Time spent waiting for the reader (not in `f`) is parsing.
                let mut parse = Duration::ZERO;
                let mut last = Instant::now();
                let summary = read_csv(
                    &src.path,
                    &src.display,
                    &settings.csv,
                    schema,
                    threads,
                    |batch: CsvBatch| {
                        parse += last.elapsed();
                        let r = f(fi, &src.display, batch);
                        last = Instant::now();
                        r
                    },
                )?;
                stats.phases.parse += parse + last.elapsed();
                stats.bytes += summary.bytes;
                stats.skipped += summary.skipped_rows;
                stats.warnings.extend(summary.warnings);
            }
        }
        CopyInput::Batches { display, batches } => {
            for b in batches {
                f(0, display, b?)?;
            }
        }
    }
    Ok(())
}

/// What a copy did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyStats {
    pub rows: u64,
    pub bytes: u64,
    pub skipped: u64,
    pub warnings: Vec<InputError>,
    /// Time per phase of the pipeline.
    pub phases: PhaseTimes,
    /// The most memory the budget had handed out (buffer pool pages and the pipeline's
    /// working memory) when the copy ended: the peak of the whole process's budget so far.
    pub peak_memory: u64,
    /// Bytes written to the spill file (0: everything fit in memory).
    pub spilled_bytes: u64,
}

/// Writes the pages of `sink` to freshly allocated pages and moves `metas` onto them.
fn place(pager: &Pager, sink: RunSink, metas: &mut [&mut ChunkMeta]) -> Result<()> {
    let n = sink.page_count();
    if n == 0 {
        return Ok(());
    }
    let base = pager.allocate(n);
    for m in metas.iter_mut() {
        m.shift(base);
    }
    for (kind, run, bytes) in &sink.runs {
        pager.write_run(base + run.first, *kind, bytes)?;
    }
    Ok(())
}

fn encode_group(columns: &[Column]) -> (Vec<ChunkMeta>, RunSink) {
    let mut sink = RunSink::new();
    let metas = columns.iter().map(|c| encode_chunk(c, &mut sink)).collect();
    (metas, sink)
}

/// Encodes full groups in parallel and writes them in order.
fn write_groups(pager: &Pager, groups: Vec<Vec<Column>>, out: &mut Vec<NodeGroup>) -> Result<()> {
    let encoded: Vec<(u64, Vec<ChunkMeta>, RunSink)> = groups
        .into_par_iter()
        .map(|cols| {
            let rows = cols.first().map(|c| c.len() as u64).unwrap_or(0);
            let (m, s) = encode_group(&cols);
            (rows, m, s)
        })
        .collect();
    for (rows, mut metas, sink) in encoded {
        let mut refs: Vec<&mut ChunkMeta> = metas.iter_mut().collect();
        place(pager, sink, &mut refs)?;
        out.push(NodeGroup {
            num_rows: rows,
            columns: metas,
            deleted: None,
        });
    }
    Ok(())
}

fn pk_of(entry: &TableEntry) -> Result<usize> {
    match entry.kind {
        TableKind::Node { primary_key } => Ok(primary_key),
        TableKind::Rel { .. } => Err(Error::Copy(format!("{} is not a node table.", entry.name))),
    }
}

/// The primary-key index of a node table as committed (empty if the table has no rows).
pub fn index_of(entry: &TableEntry, data: &NodeTableData) -> Result<HashIndex> {
    let pk = pk_of(entry)?;
    let kt = index_key_type(&entry.properties[pk].ty)?;
    if data.pk_index.is_empty() {
        if data.num_rows > 0 {
            return Err(Error::corrupted(
                None,
                format!(
                    "node table {} has rows but no primary-key index",
                    entry.name
                ),
            ));
        }
        return Ok(HashIndex::new(kt));
    }
    HashIndex::decode_held(&data.pk_index)
}

/// The encoded metadata of an index, as stored in `NodeTableData::pk_index`.
pub fn encode_index(index: &HashIndex) -> Vec<u8> {
    let mut e = Encoder::new();
    index.encode(&mut e);
    e.buf
}

/// A copy's write session over a node table's primary-key index (see `copy_nodes`, which
/// takes it as the `WriteSession` it derefs to): `commit` stores the new index in the table's
/// data and frees the committed pages it replaced, with the commit; dropped without `commit`
/// (a failed copy), it abandons the session: the committed index was never touched, and the
/// session's pages go back to the allocator.
pub struct IndexWrite<'a> {
    pager: &'a Pager,
    session: WriteSession,
}

impl<'a> IndexWrite<'a> {
    pub fn begin(pager: &'a Pager, committed: HashIndex) -> Self {
        IndexWrite {
            pager,
            session: committed.begin(),
        }
    }

    /// The session, leaving an empty one (nothing to abandon) in its place.
    fn take(&mut self) -> WriteSession {
        let empty = HashIndex::new(self.session.key_type()).begin();
        std::mem::replace(&mut self.session, empty)
    }

    /// Ends the session: `data.pk_index` becomes the new index, and the committed pages the
    /// session replaced are freed with the commit (readers of older snapshots keep reading
    /// them until then). Returns the new index.
    pub fn commit(mut self, data: &mut NodeTableData) -> Result<HashIndex> {
        let (index, replaced) = self.take().finish(self.pager.pool())?;
        data.pk_index = encode_index(&index);
        for p in replaced {
            self.pager.free(p, 1);
        }
        Ok(index)
    }
}

impl std::ops::Deref for IndexWrite<'_> {
    type Target = WriteSession;
    fn deref(&self) -> &WriteSession {
        &self.session
    }
}

impl std::ops::DerefMut for IndexWrite<'_> {
    fn deref_mut(&mut self) -> &mut WriteSession {
        &mut self.session
    }
}

impl Drop for IndexWrite<'_> {
    /// Best effort: the caller also rolls the allocator back after a failed statement
    /// (`session::write`), which covers pages an interrupted operation allocated but had not
    /// linked yet. Nothing is read while the thread panics.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        if let Ok(pages) = self.take().abandon(self.pager.pool()) {
            for p in pages {
                self.pager.free(p, 1);
            }
        }
    }
}

/// Appends the rows of `sources` to node table `entry`. `data` is the table's current data;
/// the result is its new data, except its `pk_index`, which is left empty: the new keys go
/// into `keys`, a write session over the table's primary-key index (its committed pages stay
/// untouched), and the caller stores the index that `WriteSession::finish` gives (and frees
/// the pages it replaced) when it commits, or abandons the session.
pub fn copy_nodes(
    pager: &Pager,
    entry: &TableEntry,
    data: &NodeTableData,
    keys: &mut WriteSession,
    sources: &[CopySource],
    settings: &CopySettings,
) -> Result<(NodeTableData, CopyStats)> {
    copy_nodes_from(
        pager,
        entry,
        data,
        keys,
        CopyInput::Files(sources),
        settings,
    )
}

/// `copy_nodes` from any input (files or batches of the table's column types).
pub fn copy_nodes_from(
    pager: &Pager,
    entry: &TableEntry,
    data: &NodeTableData,
    keys: &mut WriteSession,
    mut input: CopyInput,
    settings: &CopySettings,
) -> Result<(NodeTableData, CopyStats)> {
    let pk = pk_of(entry)?;
    check_pk_type(&entry.properties[pk].ty)?;
    let types: Vec<LogicalType> = entry.properties.iter().map(|p| p.ty.clone()).collect();
    // SERIAL columns take no field of a file (a query's batches carry them).
    let serial: Vec<usize> = (0..types.len())
        .filter(|&i| types[i] == LogicalType::Serial)
        .collect();
    let from_files = matches!(input, CopyInput::Files(_));
    let schema = CsvSchema {
        columns: entry
            .properties
            .iter()
            .filter(|p| !from_files || p.ty != LogicalType::Serial)
            .map(|p| (p.name.clone(), p.ty.clone()))
            .collect(),
    };
    let mut out = NodeTableData {
        num_rows: data.num_rows,
        groups: data.groups.clone(),
        pk_index: Vec::new(),
    };
    // Reopen a partial last group: its rows are rewritten with the new ones (copy on write).
    let mut builder: Vec<Column> = types.iter().map(|t| Column::new(t.clone())).collect();
    let mut replaced = None;
    // Rows of the reopened group deleted by transactions stay deleted: (group, positions).
    let mut reopened_deleted: Option<(usize, Vec<usize>)> = None;
    if let Some(last) = out.groups.last() {
        if last.num_rows < NODE_GROUP_SIZE {
            let start = out.num_rows - last.num_rows;
            let n = last.num_rows as usize;
            for (i, col) in builder.iter_mut().enumerate() {
                data.scan(pager.pool(), i, start, n, col)?;
            }
            let deleted = last.deleted_in(pager.pool(), 0, n)?;
            if !deleted.is_empty() {
                reopened_deleted = Some((out.groups.len() - 1, deleted));
            }
            replaced = out.groups.pop();
        }
    }
    let mut next_offset = out.num_rows;
    let mut pending: Vec<Vec<Column>> = Vec::new();
    let mut stats = CopyStats::default();
    let threads = settings.threads.max(1);
    let mut key_warnings: Vec<InputError> = Vec::new();
    let pool = pager.pool();
    let plan = MemPlan::new(pool.memory().budget(), threads, settings.csv.chunk_size);
    let mut settings = settings.clone();
    settings.csv.chunk_size = plan.chunk;
    let settings = &settings;
    let mut csv_charge = MemCharge::new(pool);
    csv_charge.grow(input.csv_bytes(&plan));
    // The rows of the groups being filled and written.
    let mut group_charge = MemCharge::new(pool);
    let mut phases = PhaseTimes::default();
    let mut deferred = DeferredKeys::new(entry.properties[pk].ty.clone());
    let mut key_charge = MemCharge::new(pool);
    for_each_batch(
        &mut input,
        settings,
        &schema,
        threads,
        &mut stats,
        |_, display, mut batch: CsvBatch| {
            let t0 = Instant::now();
            let pk_name = || Some(entry.properties[pk].name.clone());
            number_serials(&mut batch, &serial, next_offset, from_files);
            let batch = if settings.csv.ignore_errors {
                let kept = insert_keys_skipping(
                    pager,
                    keys,
                    &batch.columns[pk],
                    next_offset,
                    |i, reason| {
                        key_warnings.push(
                            InputError::new(display, batch.lines[i], reason)
                                .with_column(pk + 1, pk_name())
                                .unlocated_in_kuzu(),
                        )
                    },
                )?;
                let mut batch = keep_rows(batch, &kept);
                number_serials(&mut batch, &serial, next_offset, false);
                batch
            } else {
                let n = batch.len();
                let keycol = &batch.columns[pk];
                if let Some(i) = (0..n).find(|&i| keycol.nulls.is_null(i)) {
                    return Err(InputError::new(display, batch.lines[i], NULL_KEY)
                        .with_column(pk + 1, pk_name())
                        .unlocated_in_kuzu()
                        .into());
                }
                // Keys wait in `deferred` until there are about as many as the index holds:
                // each bulk insert passes over every page of the index, so inserting per
                // CSV batch would cost (rows / batch) passes (quadratic at scale 10).
                deferred.push(keycol, &batch.lines, display, next_offset);
                key_charge.set(deferred.bytes());
                if deferred.due(keys.len(), plan.run / 8) {
                    // The insert's own vectors take about twice the keys again.
                    key_charge.set(3 * deferred.bytes());
                    deferred.flush(pager, keys, pk + 1, pk_name())?;
                    key_charge.set(0);
                }
                batch
            };
            let t1 = Instant::now();
            phases.index += t1 - t0;
            let n = batch.len();
            next_offset += n as u64;
            let mut done = 0;
            while done < n {
                let room = NODE_GROUP_SIZE as usize - builder[0].len();
                let take = room.min(n - done);
                for (b, c) in builder.iter_mut().zip(&batch.columns) {
                    b.extend_from(c, done, take);
                }
                done += take;
                if builder[0].len() == NODE_GROUP_SIZE as usize {
                    let full = std::mem::replace(
                        &mut builder,
                        types.iter().map(|t| Column::new(t.clone())).collect(),
                    );
                    pending.push(full);
                }
            }
            drop(batch);
            let held: u64 = pending
                .iter()
                .chain(std::iter::once(&builder))
                .flatten()
                .map(column_bytes)
                .sum();
            // Encoding a group takes about as much again as its rows.
            group_charge.set(2 * held);
            let t2 = Instant::now();
            phases.convert += t2 - t1;
            if pending.len() >= threads {
                write_groups(pager, std::mem::take(&mut pending), &mut out.groups)?;
                phases.write += t2.elapsed();
            }
            Ok(())
        },
    )?;
    drop(csv_charge);
    let t = Instant::now();
    key_charge.set(3 * deferred.bytes());
    deferred.flush(pager, keys, pk + 1, Some(entry.properties[pk].name.clone()))?;
    phases.index += t.elapsed();
    drop(key_charge);
    add_warnings(&mut stats, key_warnings, settings.csv.warning_limit);
    if !builder[0].is_empty() {
        pending.push(builder);
    }
    let t = Instant::now();
    write_groups(pager, pending, &mut out.groups)?;
    phases.write += t.elapsed();
    drop(group_charge);
    if let Some((g, deleted)) = reopened_deleted {
        if let Some(group) = out.groups.get_mut(g) {
            group.deleted = crate::storage::table::write_deleted(pager, group.num_rows, &deleted)?;
        }
    }
    stats.rows = next_offset - data.num_rows;
    out.num_rows = next_offset;
    // The reopened group's old pages are no longer referenced by the result: free them
    // (reusable once the commit of the result is durable; a failed statement's rollback
    // takes the frees back).
    if let Some(g) = replaced {
        free_chunks(
            pager,
            g.columns.iter().chain(g.deleted.iter().map(|(c, _)| c)),
        );
    }
    stats.phases.add(&phases);
    stats.peak_memory = pool.memory().peak();
    trace_phases(&entry.name, &stats);
    Ok((out, stats))
}

/// Primary keys of a node copy waiting for one bulk insert (`copy_nodes_from`), with where
/// each came from, so a duplicate is reported at its file and line as before.
struct DeferredKeys {
    keys: Column,
    lines: Vec<u64>,
    /// (first row, input name) of each batch.
    inputs: Vec<(usize, String)>,
    first_offset: u64,
}

/// Fewest keys a deferred insert waits for (a bulk insert passes over the whole index).
const MIN_DEFERRED_KEYS: usize = 1 << 18;

impl DeferredKeys {
    fn new(ty: LogicalType) -> Self {
        DeferredKeys {
            keys: Column::new(ty),
            lines: Vec::new(),
            inputs: Vec::new(),
            first_offset: 0,
        }
    }

    fn push(&mut self, keys: &Column, lines: &[u64], input: &str, first_offset: u64) {
        if self.keys.is_empty() {
            self.first_offset = first_offset;
        }
        if self.inputs.last().is_none_or(|(_, name)| name != input) {
            self.inputs.push((self.keys.len(), input.to_string()));
        }
        self.keys.extend_from(keys, 0, keys.len());
        self.lines.extend_from_slice(lines);
    }

    fn bytes(&self) -> u64 {
        column_bytes(&self.keys) + 8 * self.lines.len() as u64
    }

    /// Time to insert: about as many keys as the index holds, or `max_bytes` of them.
    fn due(&self, indexed: u64, max_bytes: u64) -> bool {
        let n = self.keys.len();
        (n >= MIN_DEFERRED_KEYS && n as u64 >= indexed) || self.bytes() >= max_bytes
    }

    fn flush(
        &mut self,
        pager: &Pager,
        index: &mut WriteSession,
        column: usize,
        name: Option<String>,
    ) -> Result<()> {
        if self.keys.is_empty() {
            return Ok(());
        }
        let ikeys = index_column(&self.keys);
        let inserted = pager
            .with_allocator(|a| index.insert_column(pager.pool(), a, &ikeys, self.first_offset))?;
        drop(ikeys);
        if let Err(dup) = inserted {
            let i = dup.row;
            let at = self.inputs.partition_point(|(first, _)| *first <= i);
            let input = self.inputs[at.saturating_sub(1)].1.as_str();
            let line = self.lines.get(i).copied().unwrap_or(0);
            return Err(InputError::new(input, line, duplicate_key(&self.keys, i))
                .with_column(column, name)
                .unlocated_in_kuzu()
                .into());
        }
        self.keys = Column::new(self.keys.ty.clone());
        self.lines = Vec::new();
        self.inputs.clear();
        Ok(())
    }
}

/// Endpoint keys of a rel copy waiting for one bulk lookup (`copy_rels_from`; the rels'
/// properties are already in the run, their endpoints follow when resolved), with where
/// each came from, so a missing endpoint is reported at its file and line as before.
struct DeferredEnds {
    from: Column,
    to: Column,
    /// (name, type) of the two key columns, for messages.
    names: [String; 2],
    lines: Vec<u64>,
    /// First row of each batch, and its input's name.
    batches: Vec<(usize, String)>,
}

impl DeferredEnds {
    fn new(schema: &CsvSchema) -> Self {
        DeferredEnds {
            from: Column::new(schema.columns[0].1.clone()),
            to: Column::new(schema.columns[1].1.clone()),
            names: [schema.columns[0].0.clone(), schema.columns[1].0.clone()],
            lines: Vec::new(),
            batches: Vec::new(),
        }
    }

    fn push(&mut self, from: &Column, to: &Column, lines: &[u64], input: &str) {
        self.batches.push((self.from.len(), input.to_string()));
        self.from.extend_from(from, 0, from.len());
        self.to.extend_from(to, 0, to.len());
        self.lines.extend_from_slice(lines);
    }

    fn bytes(&self) -> u64 {
        column_bytes(&self.from) + column_bytes(&self.to) + 8 * self.lines.len() as u64
    }

    /// Time to look up: about as many keys as the larger index holds, or `max_bytes`.
    fn due(&self, indexed: u64, max_bytes: u64) -> bool {
        let n = self.from.len();
        (n >= MIN_DEFERRED_KEYS && n as u64 >= indexed) || self.bytes() >= max_bytes
    }

    /// Looks the keys up and appends their offsets to `acc`'s endpoints; a key that is
    /// missing (or NULL) fails the copy at the first batch that has one, FROM before TO
    /// within a batch, as when each batch was looked up on its own.
    fn resolve(
        &mut self,
        pool: &crate::storage::buffer::BufferPool,
        keys: (&HashIndex, &HashIndex),
        acc: &mut RelBatch,
    ) -> Result<()> {
        if self.from.is_empty() {
            return Ok(());
        }
        let found = [
            keys.0.lookup_offsets(pool, &index_column(&self.from))?,
            keys.1.lookup_offsets(pool, &index_column(&self.to))?,
        ];
        let missing = [0, 1].into_iter().filter_map(|side| {
            let i = found[side].iter().position(|&o| o == NOT_FOUND)?;
            let batch = self.batches.partition_point(|(first, _)| *first <= i) - 1;
            Some((batch, side, i))
        });
        if let Some((batch, side, i)) = missing.min() {
            let col = if side == 0 { &self.from } else { &self.to };
            let reason = if col.nulls.is_null(i) {
                NULL_KEY.to_string()
            } else {
                format!(
                    "Unable to find primary key value {}.",
                    key_at(col, i).render()
                )
            };
            let line = self.lines.get(i).copied().unwrap_or(0);
            return Err(InputError::new(&self.batches[batch].1, line, reason)
                .with_column(side + 1, Some(self.names[side].clone()))
                .unlocated_in_kuzu()
                .into());
        }
        let [src, dst] = found;
        acc.src.extend_from_slice(&src);
        acc.dst.extend_from_slice(&dst);
        self.from = Column::new(self.from.ty.clone());
        self.to = Column::new(self.to.ty.clone());
        self.lines = Vec::new();
        self.batches.clear();
        Ok(())
    }
}

/// With `RUZU_LOAD_PHASES` set, one line per copy on stderr: its phase times, the budget's
/// peak and the bytes spilled (what `bench/load.sh --phases` reports).
fn trace_phases(table: &str, s: &CopyStats) {
    if std::env::var_os("RUZU_LOAD_PHASES").is_none() {
        return;
    }
    let p = &s.phases;
    eprintln!(
        "phases {table}: rows {} parse {:.2} convert {:.2} index {:.2} sort {:.2} write {:.2} s; budget peak {} MiB; spilled {} MiB; peak RSS {} MiB",
        s.rows,
        p.parse.as_secs_f64(),
        p.convert.as_secs_f64(),
        p.index.as_secs_f64(),
        p.sort.as_secs_f64(),
        p.write.as_secs_f64(),
        s.peak_memory >> 20,
        s.spilled_bytes >> 20,
        super::spill::peak_rss_bytes().unwrap_or(0) >> 20
    );
}

/// Frees every page of `chunks` (pending until the next checkpoint commits).
fn free_chunks<'a>(pager: &Pager, chunks: impl IntoIterator<Item = &'a ChunkMeta>) {
    let mut runs = Vec::new();
    for c in chunks {
        c.runs(&mut runs);
    }
    for (_, r) in runs {
        pager.free(r.first, r.count);
    }
}

/// Numbers the SERIAL columns `serial` of a node batch with the rows' offsets in the table
/// (Kuzu's SERIAL values), from `start`, replacing them (`insert`: adding them, for a file's
/// batch, which has no field for them). Both COPY from files and from a query number here.
fn number_serials(batch: &mut CsvBatch, serial: &[usize], start: u64, insert: bool) {
    let n = batch.len();
    for &c in serial {
        let col = Column {
            ty: LogicalType::Serial,
            data: ColumnData::Int64((start..start + n as u64).map(|v| v as i64).collect()),
            nulls: crate::types::vector::NullMask::with_len(n),
        };
        if insert {
            batch.columns.insert(c.min(batch.columns.len()), col);
        } else if let Some(slot) = batch.columns.get_mut(c) {
            *slot = col;
        }
    }
}

const NULL_KEY: &str =
    "Found NULL, which violates the non-null constraint of the primary key column.";

fn duplicate_key(keycol: &Column, i: usize) -> String {
    format!(
        "Found duplicated primary key value {}, which violates the uniqueness constraint of the primary key column.",
        key_at(keycol, i).render()
    )
}

/// Adds rows skipped for their keys to a copy's stats (all counted, the first `limit` kept).
fn add_warnings(stats: &mut CopyStats, warnings: Vec<InputError>, limit: usize) {
    stats.skipped += warnings.len() as u64;
    let room = limit.saturating_sub(stats.warnings.len());
    stats.warnings.extend(warnings.into_iter().take(room));
}

/// The rows `kept` of a batch (all of it when nothing was dropped).
fn keep_rows(batch: CsvBatch, kept: &[u32]) -> CsvBatch {
    if kept.len() == batch.len() {
        return batch;
    }
    let columns = batch
        .columns
        .iter()
        .map(|c| {
            let mut d = Column::new(c.ty.clone());
            d.gather(c, kept);
            d
        })
        .collect();
    CsvBatch {
        columns,
        lines: kept.iter().map(|&i| batch.lines[i as usize]).collect(),
        spans: kept.iter().map(|&i| batch.spans[i as usize]).collect(),
        first_row: batch.first_row,
    }
}

/// IGNORE_ERRORS for node keys: inserts the keys of `keycol` with consecutive offsets from
/// `first_offset`, skipping NULL keys and keys seen before (in the table or earlier in the
/// column; the first occurrence stays), reporting each skipped row with Kuzu's reason.
/// Returns the rows kept, in order.
fn insert_keys_skipping(
    pager: &Pager,
    keys: &mut WriteSession,
    keycol: &Column,
    first_offset: u64,
    mut skipped: impl FnMut(usize, String),
) -> Result<Vec<u32>> {
    let n = keycol.len();
    let mut kept: Vec<u32> = Vec::with_capacity(n);
    let mut start = 0usize;
    while start < n {
        // The run of non-NULL keys from `start`.
        let end = (start..n).find(|&i| keycol.nulls.is_null(i)).unwrap_or(n);
        let mut s = start;
        while s < end {
            let part = if s == 0 && end == n {
                None
            } else {
                let mut p = Column::new(keycol.ty.clone());
                p.extend_from(keycol, s, end - s);
                Some(p)
            };
            let col = index_column(part.as_ref().unwrap_or(keycol));
            let col = col.as_ref();
            let base = first_offset + kept.len() as u64;
            match pager.with_allocator(|a| keys.insert_column(pager.pool(), a, col, base))? {
                Ok(()) => {
                    kept.extend(s as u32..end as u32);
                    s = end;
                }
                Err(dup) => {
                    let i = s + dup.row;
                    if dup.row > 0 {
                        // The rows before the first duplicate are all new.
                        let mut p = Column::new(keycol.ty.clone());
                        p.extend_from(keycol, s, dup.row);
                        let p = index_column(&p);
                        if let Err(d) = pager
                            .with_allocator(|a| keys.insert_column(pager.pool(), a, &p, base))?
                        {
                            return Err(Error::Runtime(format!(
                                "primary-key index refused row {} after accepting it",
                                s + d.row
                            )));
                        }
                        kept.extend(s as u32..i as u32);
                    }
                    skipped(i, duplicate_key(keycol, i));
                    s = i + 1;
                }
            }
        }
        if end < n {
            skipped(end, NULL_KEY.to_string());
        }
        start = end + 1;
    }
    Ok(kept)
}

/// Rels in file order while a copy accumulates them (one run: spilled when it outgrows its
/// share of the memory budget).
struct RelBatch {
    src: Vec<u64>,
    dst: Vec<u64>,
    /// Rel ids of the pair's existing rels (the first `old_ids.len()` rows); the new rows'
    /// ids run on from `first_id`.
    old_ids: Vec<u64>,
    first_id: u64,
    props: Vec<Column>,
    /// Where each row came from: input index (`NO_FILE` for existing rels) and line, for
    /// multiplicity errors (kept only when `origins`: the table has a "one" side).
    files: Vec<u32>,
    lines: Vec<u64>,
    origins: bool,
}

const NO_FILE: u32 = u32::MAX;

/// Makes room for `more` elements, growing by a quarter rather than doubling (the run's
/// vectors are the copy's largest allocations; a large `realloc` moves no bytes).
fn room<T>(v: &mut Vec<T>, more: usize) {
    if v.len() + more > v.capacity() {
        v.reserve_exact(more.max(v.capacity() / 4));
    }
}

/// `room` for a column's values.
fn column_room(c: &mut Column, more: usize) {
    match &mut c.data {
        ColumnData::Bool(v) => room(v, more),
        ColumnData::Int8(v) => room(v, more),
        ColumnData::Int16(v) => room(v, more),
        ColumnData::Int32(v) => room(v, more),
        ColumnData::Int64(v) => room(v, more),
        ColumnData::Int128(v) => room(v, more),
        ColumnData::UInt8(v) => room(v, more),
        ColumnData::UInt16(v) => room(v, more),
        ColumnData::UInt32(v) => room(v, more),
        ColumnData::UInt64(v) => room(v, more),
        ColumnData::Float(v) => room(v, more),
        ColumnData::Double(v) => room(v, more),
        ColumnData::String(v) => room(&mut v.offsets, more),
        _ => {}
    }
}

impl RelBatch {
    fn new(types: &[LogicalType], first_id: u64, origins: bool) -> Self {
        RelBatch {
            src: Vec::new(),
            dst: Vec::new(),
            old_ids: Vec::new(),
            first_id,
            props: types.iter().map(|t| Column::new(t.clone())).collect(),
            files: Vec::new(),
            lines: Vec::new(),
            origins,
        }
    }

    /// Makes room for `more` rows.
    fn room(&mut self, more: usize) {
        room(&mut self.src, more);
        room(&mut self.dst, more);
        if self.origins {
            room(&mut self.files, more);
            room(&mut self.lines, more);
        }
        for c in &mut self.props {
            column_room(c, more);
        }
    }

    fn len(&self) -> usize {
        self.src.len()
    }

    #[inline]
    fn rel_id(&self, i: usize) -> u64 {
        match self.old_ids.get(i) {
            Some(&id) => id,
            None => self.first_id + (i - self.old_ids.len()) as u64,
        }
    }

    /// Bytes held (by capacity for the fixed-width vectors).
    fn bytes(&self) -> u64 {
        (8 * (self.src.capacity() + self.dst.capacity() + self.old_ids.capacity())
            + 4 * self.files.capacity()
            + 8 * self.lines.capacity()) as u64
            + self.props.iter().map(column_bytes).sum::<u64>()
    }

    /// Empties the batch (freeing its memory); the next rows' ids follow this batch's.
    fn reset(&mut self) {
        let next = self.first_id + (self.len() - self.old_ids.len()) as u64;
        let types: Vec<LogicalType> = self.props.iter().map(|c| c.ty.clone()).collect();
        *self = RelBatch::new(&types, next, self.origins);
    }
}

/// How a copy shares the memory budget (`MemoryManager::budget`, which the buffer pool
/// shares): CSV blocks in flight, the rel run being accumulated, and the CSR groups being
/// built; the buffer pool (the key index's pages) gets the rest.
#[derive(Debug, Clone, Copy)]
struct MemPlan {
    chunk: usize,
    csv: u64,
    run: u64,
    merge: u64,
}

impl MemPlan {
    fn new(budget: u64, threads: usize, chunk: usize) -> MemPlan {
        let slots = threads as u64 + 2;
        // Blocks in flight: one per reader thread, one being cut, one being consumed; a
        // block's parsed batch is charged at twice its text.
        let chunk = (chunk as u64).min(budget / (16 * slots)).max(64 << 10);
        let csv = slots * chunk * 3;
        let rest = budget.saturating_sub(csv);
        MemPlan {
            chunk: chunk as usize,
            csv,
            run: (rest * 2 / 5).max(64 << 10),
            merge: (rest / 2).max(64 << 10),
        }
    }
}

/// Where a copy's phases spent their time (wall time on the copy's thread; CSV parsing and
/// conversion run on reader threads and count as `parse` while the copy waits for them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhaseTimes {
    /// Waiting for the CSV reader: tokenizing and converting fields to column values.
    pub parse: Duration,
    /// The pipeline's own conversions: key columns to index keys, rows into node groups or
    /// the rel run.
    pub convert: Duration,
    /// Primary-key index inserts (nodes) and endpoint lookups (rels).
    pub index: Duration,
    /// Partitioning and sorting rel runs (spilling included) and CSR groups.
    pub sort: Duration,
    /// Encoding column chunks and writing pages.
    pub write: Duration,
}

impl PhaseTimes {
    pub fn add(&mut self, o: &PhaseTimes) {
        self.parse += o.parse;
        self.convert += o.convert;
        self.index += o.index;
        self.sort += o.sort;
        self.write += o.write;
    }
}

/// One group's slice of a spilled run, for one direction.
#[derive(Debug, Clone, Copy, Default)]
struct Segment {
    offset: u64,
    len: u64,
    rows: u64,
}

/// A run written to the spill file: per direction (fwd, bwd), a segment per node group.
struct SpilledRun {
    dirs: [Vec<Segment>; 2],
}

/// The rels of one node group of one direction, gathered from the runs in input order
/// (or, with `sorted`, already in CSR order: by bound node, then input order).
struct GroupRels {
    sorted: bool,
    /// The bound node, relative to the group's first node.
    local: Vec<u32>,
    other: Vec<u64>,
    ids: Vec<u64>,
    props: Vec<Column>,
    /// Input index and line of each rel (only when multiplicity is checked).
    files: Vec<u32>,
    lines: Vec<u64>,
}

impl GroupRels {
    fn new(types: &[LogicalType]) -> Self {
        GroupRels {
            sorted: false,
            local: Vec::new(),
            other: Vec::new(),
            ids: Vec::new(),
            props: types.iter().map(|t| Column::new(t.clone())).collect(),
            files: Vec::new(),
            lines: Vec::new(),
        }
    }
}

/// Rows of `bound` bucketed by node group, stably: `(perm, starts)` with group `g`'s rows
/// at `perm[starts[g]..starts[g + 1]]`.
fn bucket_by_group(bound: &[u64], num_bound: u64) -> Result<(Vec<u32>, Vec<usize>)> {
    if bound.len() > u32::MAX as usize {
        return Err(Error::Copy("more than 4 billion rels in one run".into()));
    }
    let groups = (num_bound as usize).div_ceil(NODE_GROUP_SIZE as usize);
    let mut starts = vec![0usize; groups + 1];
    for &b in bound {
        if b >= num_bound {
            return Err(Error::corrupted(None, "rel endpoint beyond its node table"));
        }
        starts[(b / NODE_GROUP_SIZE) as usize + 1] += 1;
    }
    for g in 0..groups {
        starts[g + 1] += starts[g];
    }
    let mut pos = starts.clone();
    let mut perm = vec![0u32; bound.len()];
    for (e, &b) in bound.iter().enumerate() {
        let p = &mut pos[(b / NODE_GROUP_SIZE) as usize];
        perm[*p] = e as u32;
        *p += 1;
    }
    Ok((perm, starts))
}

/// The two directions of a run: (bound, other, number of bound nodes).
fn directions(acc: &RelBatch, node_rows: (u64, u64)) -> [(&[u64], &[u64], u64); 2] {
    [
        (&acc.src, &acc.dst, node_rows.0),
        (&acc.dst, &acc.src, node_rows.1),
    ]
}

/// Encodes rows `rows` of `acc` (one group of one direction) as a segment.
fn encode_segment(
    acc: &RelBatch,
    rows: &[u32],
    bound: &[u64],
    other: &[u64],
    base: u64,
    out: &mut Vec<u8>,
) -> Result<()> {
    put_u32s(out, rows.iter().map(|&r| (bound[r as usize] - base) as u32));
    put_u64s(out, rows.iter().map(|&r| other[r as usize]));
    put_u64s(out, rows.iter().map(|&r| acc.rel_id(r as usize)));
    if acc.origins {
        put_u32s(out, rows.iter().map(|&r| acc.files[r as usize]));
        put_u64s(out, rows.iter().map(|&r| acc.lines[r as usize]));
    }
    for c in &acc.props {
        put_column(c, rows, out)?;
    }
    Ok(())
}

/// Appends a segment read back to `into`.
/// (`has_origin`: the segment holds the rels' origins; `with_origin`: read them.)
fn decode_segment(
    buf: &[u8],
    rows: usize,
    has_origin: bool,
    with_origin: bool,
    into: &mut GroupRels,
) -> Result<()> {
    let mut rd = Reader::new(buf);
    rd.u32s(rows, &mut into.local)?;
    rd.u64s(rows, &mut into.other)?;
    rd.u64s(rows, &mut into.ids)?;
    if has_origin && with_origin {
        rd.u32s(rows, &mut into.files)?;
        rd.u64s(rows, &mut into.lines)?;
    } else if has_origin {
        rd.take(rows * 12)?;
    }
    for c in &mut into.props {
        get_column(&mut rd, rows, c)?;
    }
    Ok(())
}

/// Writes `acc` to the spill file as one run (both directions, bucketed by node group and
/// kept in input order within each group).
fn spill_run(
    acc: &RelBatch,
    node_rows: (u64, u64),
    file: &mut SpillFile,
    charge: &mut MemCharge,
    threads: usize,
) -> Result<SpilledRun> {
    let mut dirs: [Vec<Segment>; 2] = [Vec::new(), Vec::new()];
    for (d, (bound, other, n)) in directions(acc, node_rows).into_iter().enumerate() {
        charge.grow(4 * bound.len() as u64);
        let (perm, starts) = bucket_by_group(bound, n)?;
        let groups = starts.len() - 1;
        // A few groups' segments are encoded in parallel, then appended in group order.
        let mut g0 = 0;
        while g0 < groups {
            let k = threads.max(1).min(groups - g0);
            let bufs: Vec<Vec<u8>> = (g0..g0 + k)
                .into_par_iter()
                .map(|g| {
                    let rows = &perm[starts[g]..starts[g + 1]];
                    let mut buf = Vec::new();
                    if !rows.is_empty() {
                        encode_segment(
                            acc,
                            rows,
                            bound,
                            other,
                            g as u64 * NODE_GROUP_SIZE,
                            &mut buf,
                        )?;
                    }
                    Ok(buf)
                })
                .collect::<Result<_>>()?;
            let held: u64 = bufs.iter().map(|b| b.capacity() as u64).sum();
            charge.grow(held);
            for (g, buf) in (g0..g0 + k).zip(&bufs) {
                let rows = (starts[g + 1] - starts[g]) as u64;
                if rows == 0 {
                    dirs[d].push(Segment::default());
                    continue;
                }
                let offset = file.append(buf)?;
                dirs[d].push(Segment {
                    offset,
                    len: buf.len() as u64,
                    rows,
                });
            }
            drop(bufs);
            charge.shrink(held);
            g0 += k;
        }
        drop(perm);
        charge.shrink(4 * bound.len() as u64);
    }
    Ok(SpilledRun { dirs })
}

/// The run still in memory: its rows bucketed by node group for one direction.
struct MemRun<'a> {
    acc: &'a RelBatch,
    bound: &'a [u64],
    other: &'a [u64],
    perm: Vec<u32>,
    starts: Vec<usize>,
}

/// The runs of the spill file, for one direction.
struct SpilledRuns<'a> {
    file: &'a SpillFile,
    runs: &'a [SpilledRun],
    dir: usize,
    has_origin: bool,
}

/// Where the rels of a direction are: runs in the spill file (if any were spilled), then the
/// last run, still in memory (input order is spilled runs first).
struct RunSource<'a> {
    spilled: Option<SpilledRuns<'a>>,
    memory: Option<MemRun<'a>>,
}

impl RunSource<'_> {
    fn group_rows(&self, g: usize) -> u64 {
        let spilled = self.spilled.as_ref().map_or(0, |s| {
            s.runs.iter().map(|r| r.dirs[s.dir][g].rows).sum::<u64>()
        });
        let memory = self
            .memory
            .as_ref()
            .map_or(0, |m| (m.starts[g + 1] - m.starts[g]) as u64);
        spilled + memory
    }

    /// The rels of group `g`, in input order (sorted, when all are in memory).
    fn gather(&self, g: usize, types: &[LogicalType], with_origin: bool) -> Result<GroupRels> {
        let mut out = GroupRels::new(types);
        if let Some(s) = &self.spilled {
            for run in s.runs.iter() {
                let seg = run.dirs[s.dir][g];
                if seg.rows == 0 {
                    continue;
                }
                let buf = s.file.read_at(seg.offset, seg.len as usize)?;
                decode_segment(&buf, seg.rows as usize, s.has_origin, with_origin, &mut out)?;
            }
        }
        let Some(MemRun {
            acc,
            bound,
            other,
            perm,
            starts,
        }) = &self.memory
        else {
            return Ok(out);
        };
        let group = &perm[starts[g]..starts[g + 1]];
        let base = g as u64 * NODE_GROUP_SIZE;
        let sorted_rows;
        let rows = if self.spilled.is_some() {
            // After the spilled rows, in input order; `build_group` sorts them all.
            group
        } else {
            // Sort the group's row numbers by bound node (stably, by counting), then gather
            // each column once, in CSR order.
            let mut at = vec![0u32; NODE_GROUP_SIZE as usize + 1];
            for &r in group {
                let l = bound[r as usize] - base;
                if l >= NODE_GROUP_SIZE {
                    return Err(Error::corrupted(None, "rel endpoint beyond its node table"));
                }
                at[l as usize + 1] += 1;
            }
            for i in 0..NODE_GROUP_SIZE as usize {
                at[i + 1] += at[i];
            }
            let mut sorted = vec![0u32; group.len()];
            for &r in group {
                let p = &mut at[(bound[r as usize] - base) as usize];
                sorted[*p as usize] = r;
                *p += 1;
            }
            out.sorted = true;
            sorted_rows = sorted;
            &sorted_rows[..]
        };
        out.local
            .extend(rows.iter().map(|&r| (bound[r as usize] - base) as u32));
        out.other.extend(rows.iter().map(|&r| other[r as usize]));
        out.ids.extend(rows.iter().map(|&r| acc.rel_id(r as usize)));
        if with_origin && acc.origins {
            out.files
                .extend(rows.iter().map(|&r| acc.files[r as usize]));
            out.lines
                .extend(rows.iter().map(|&r| acc.lines[r as usize]));
        }
        for (o, c) in out.props.iter_mut().zip(&acc.props) {
            if out.sorted {
                o.gather(c, rows);
            } else {
                let mut part = Column::with_capacity(c.ty.clone(), rows.len());
                part.gather(c, rows);
                o.extend_from(&part, 0, rows.len());
            }
        }
        Ok(out)
    }
}

/// Appends the rels of `sources` to rel table `entry`, pair `pair` (index into its FROM/TO
/// pairs). The endpoint tables' key maps resolve the first two fields of each record.
#[allow(clippy::too_many_arguments)]
pub fn copy_rels(
    pager: &Pager,
    catalog: &Catalog,
    entry: &TableEntry,
    data: &RelTableData,
    pair: usize,
    node_rows: (u64, u64),
    keys: (&HashIndex, &HashIndex),
    sources: &[CopySource],
    settings: &CopySettings,
) -> Result<(RelTableData, CopyStats)> {
    copy_rels_from(
        pager,
        catalog,
        entry,
        data,
        pair,
        node_rows,
        keys,
        CopyInput::Files(sources),
        settings,
    )
}

/// `copy_rels` from any input (files, or batches of FROM key, TO key and property columns).
///
/// Memory: the rels accumulate in a run charged to the budget; a run that outgrows its
/// share (`MemPlan::run`) is written to a spill file beside the database, bucketed by node
/// group for each direction, and the CSR groups are then built a few at a time from the
/// runs' segments (in input order, so the pages are those an all-in-memory copy writes).
#[allow(clippy::too_many_arguments)]
pub fn copy_rels_from(
    pager: &Pager,
    catalog: &Catalog,
    entry: &TableEntry,
    data: &RelTableData,
    pair: usize,
    node_rows: (u64, u64),
    keys: (&HashIndex, &HashIndex),
    mut input: CopyInput,
    settings: &CopySettings,
) -> Result<(RelTableData, CopyStats)> {
    let TableKind::Rel {
        pairs,
        src_mult,
        dst_mult,
    } = &entry.kind
    else {
        return Err(Error::Copy(format!("{} is not a rel table.", entry.name)));
    };
    let (from_id, to_id) = pairs[pair];
    let from = catalog
        .table_by_id(from_id)
        .ok_or_else(|| Error::Catalog(format!("table id {from_id} does not exist")))?;
    let to = catalog
        .table_by_id(to_id)
        .ok_or_else(|| Error::Catalog(format!("table id {to_id} does not exist")))?;
    let fpk = from
        .primary_key()
        .ok_or_else(|| Error::Copy("FROM table has no primary key".into()))?;
    let tpk = to
        .primary_key()
        .ok_or_else(|| Error::Copy("TO table has no primary key".into()))?;
    let mut columns = vec![
        ("from".to_string(), fpk.ty.clone()),
        ("to".to_string(), tpk.ty.clone()),
    ];
    columns.extend(
        entry
            .properties
            .iter()
            .map(|p| (p.name.clone(), p.ty.clone())),
    );
    let schema = CsvSchema { columns };
    let threads = settings.threads.max(1);
    let types: Vec<LogicalType> = entry.properties.iter().map(|p| p.ty.clone()).collect();
    let pool = pager.pool();
    let plan = MemPlan::new(pool.memory().budget(), threads, settings.csv.chunk_size);
    let mut settings = settings.clone();
    settings.csv.chunk_size = plan.chunk;
    let settings = &settings;

    // Existing rels of this pair, in rel id order, then the new ones.
    let origins = *src_mult == Multiplicity::One || *dst_mult == Multiplicity::One;
    let mut acc = RelBatch::new(&types, data.num_rels, origins);
    let old_pair = data
        .pairs
        .iter()
        .find(|p| p.from == from_id && p.to == to_id);
    if let Some(old) = old_pair {
        read_existing(pager, old, &mut acc)?;
    }
    let mut acc_charge = MemCharge::new(pool);
    acc_charge.set(acc.bytes());
    let mut spill: Option<SpillFile> = None;
    let mut runs: Vec<SpilledRun> = Vec::new();
    let mut next_rel_id = data.num_rels;
    let mut stats = CopyStats::default();
    let mut phases = PhaseTimes::default();
    let displays = input.displays();
    let paths = input.paths();
    let mut key_warnings: Vec<InputError> = Vec::new();
    let mut csv_charge = MemCharge::new(pool);
    csv_charge.grow(input.csv_bytes(&plan));
    let mut deferred = DeferredEnds::new(&schema);
    for_each_batch(
        &mut input,
        settings,
        &schema,
        threads,
        &mut stats,
        |fi, display, batch: CsvBatch| {
            let t2 = Instant::now();
            acc.room(batch.len());
            let problem = |side: usize, i: usize| {
                let col = &batch.columns[side];
                let reason = if col.nulls.is_null(i) {
                    NULL_KEY.to_string()
                } else {
                    format!(
                        "Unable to find primary key value {}.",
                        key_at(col, i).render()
                    )
                };
                InputError::new(display, batch.lines[i], reason)
                    .with_column(side + 1, Some(schema.columns[side].0.clone()))
                    .unlocated_in_kuzu()
            };
            let batch = if settings.csv.ignore_errors {
                // Rows with a missing endpoint are dropped before their properties are
                // kept: look this batch up now.
                let t = Instant::now();
                let ikeys = [
                    index_column(&batch.columns[0]),
                    index_column(&batch.columns[1]),
                ];
                // (`lookup_offsets` orders the keys by page and works in parallel itself.)
                let found = [
                    keys.0.lookup_column(pool, &ikeys[0])?,
                    keys.1.lookup_column(pool, &ikeys[1])?,
                ];
                drop(ikeys);
                phases.index += t.elapsed();
                let mut kept: Vec<u32> = Vec::with_capacity(batch.len());
                for (i, (&from, &to)) in found[0].iter().zip(&found[1]).enumerate() {
                    match (from, to) {
                        (Some(a), Some(b)) => {
                            kept.push(i as u32);
                            acc.src.push(a);
                            acc.dst.push(b);
                        }
                        (a, _) => {
                            let mut w = problem(usize::from(a.is_some()), i);
                            // Kuzu shows the skipped record of a rel file.
                            // (Not of a compressed file, whose records Kuzu never shows.)
                            if let Some(Some(path)) = paths
                                .get(fi)
                                .filter(|p| !p.as_ref().is_some_and(|p| is_gzip(p)))
                            {
                                if let Ok(text) = record_text(path, batch.spans[i]) {
                                    w = w.with_record(text);
                                }
                            }
                            key_warnings.push(w);
                        }
                    }
                }
                keep_rows(batch, &kept)
            } else {
                // Endpoints wait in `deferred` until there are about as many as the larger
                // index holds: each bulk lookup passes over every page of the index.
                deferred.push(&batch.columns[0], &batch.columns[1], &batch.lines, display);
                batch
            };
            let n = batch.len();
            for (p, c) in acc.props.iter_mut().zip(&batch.columns[2..]) {
                p.extend_from(c, 0, n);
            }
            if acc.origins {
                acc.files.extend(std::iter::repeat_n(fi as u32, n));
                acc.lines.extend_from_slice(&batch.lines);
            }
            next_rel_id += n as u64;
            drop(batch);
            let t3 = Instant::now();
            phases.convert += t3 - t2;
            if deferred.due(keys.0.len().max(keys.1.len()), plan.run / 4)
                || acc.bytes() + deferred.bytes() >= plan.run
            {
                // The lookup's own vectors (hashes, page order, keys in that order,
                // results) take about twice the deferred keys again while it runs.
                acc_charge.set(acc.bytes() + 3 * deferred.bytes());
                deferred.resolve(pool, keys, &mut acc)?;
                phases.index += t3.elapsed();
            }
            let t3 = Instant::now();
            if acc.bytes() >= plan.run {
                let file = match &mut spill {
                    Some(f) => f,
                    None => spill.insert(SpillFile::create(pager.path())?),
                };
                runs.push(spill_run(&acc, node_rows, file, &mut acc_charge, threads)?);
                acc.reset();
                phases.sort += t3.elapsed();
            }
            acc_charge.set(acc.bytes() + deferred.bytes());
            Ok(())
        },
    )?;
    drop(csv_charge);
    let t = Instant::now();
    acc_charge.set(acc.bytes() + 3 * deferred.bytes());
    deferred.resolve(pool, keys, &mut acc)?;
    phases.index += t.elapsed();
    acc_charge.set(acc.bytes());
    add_warnings(&mut stats, key_warnings, settings.csv.warning_limit);
    stats.rows = next_rel_id - data.num_rels;
    // The last run stays in memory (it is charged, and under its share of the budget):
    // groups are built from the spilled runs' segments followed by its rows.
    if let Some(file) = &mut spill {
        file.finish()?;
    }
    let mut out_dirs: [Vec<CsrGroup>; 2] = [Vec::new(), Vec::new()];
    let singles = [
        (*dst_mult == Multiplicity::One).then_some("fwd"),
        (*src_mult == Multiplicity::One).then_some("bwd"),
    ];
    for (d, (bound, other, n)) in directions(&acc, node_rows).into_iter().enumerate() {
        let mut sort_charge = MemCharge::new(pool);
        let t = Instant::now();
        sort_charge.grow(4 * bound.len() as u64);
        let (perm, starts) = bucket_by_group(bound, n)?;
        phases.sort += t.elapsed();
        let source = RunSource {
            spilled: spill.as_ref().map(|file| SpilledRuns {
                file,
                runs: &runs,
                dir: d,
                has_origin: origins,
            }),
            memory: Some(MemRun {
                acc: &acc,
                bound,
                other,
                perm,
                starts,
            }),
        };
        out_dirs[d] = build_direction(
            pager,
            n,
            &source,
            &types,
            singles[d],
            &entry.name,
            &displays,
            threads,
            plan.merge,
            &mut phases,
        )?;
    }
    drop(acc_charge);
    drop(runs);
    stats.spilled_bytes = spill.as_ref().map_or(0, |f| f.len());
    drop(spill);
    let [fwd, bwd] = out_dirs;
    // The pair's old CSR groups (both directions) are rebuilt above: free their pages
    // (reusable once the commit of the result is durable).
    if let Some(old) = old_pair {
        for g in old.fwd.iter().chain(&old.bwd) {
            free_chunks(
                pager,
                [&g.offsets, &g.neighbors, &g.rel_ids]
                    .into_iter()
                    .chain(&g.properties),
            );
        }
    }
    let mut out = data.clone();
    out.num_rels = next_rel_id;
    let new_pair = RelPairData {
        from: from_id,
        to: to_id,
        fwd,
        bwd,
    };
    match out
        .pairs
        .iter_mut()
        .find(|p| p.from == from_id && p.to == to_id)
    {
        Some(p) => *p = new_pair,
        None => out.pairs.push(new_pair),
    }
    stats.phases.add(&phases);
    stats.peak_memory = pool.memory().peak();
    trace_phases(&entry.name, &stats);
    Ok((out, stats))
}

/// Reads every rel of `pair` from its forward CSR and appends them to `acc` in rel id order.
fn read_existing(pager: &Pager, pair: &RelPairData, acc: &mut RelBatch) -> Result<()> {
    let pool = pager.pool();
    let mut rows: Vec<(u64, u64, u64, usize, u64)> = Vec::new(); // (rel id, src, dst, group, row)
    let mut groups_props: Vec<Vec<Column>> = Vec::new();
    for (g, grp) in pair.fwd.iter().enumerate() {
        let offs = grp.offsets(pool, 0, grp.num_nodes as usize)?;
        let mut nbr = Vec::new();
        grp.neighbors(pool, 0, grp.num_edges(), &mut nbr)?;
        let mut ids = Vec::new();
        grp.rel_ids(pool, 0, grp.num_edges(), &mut ids)?;
        for i in 0..grp.num_nodes as usize {
            for r in offs[i]..offs[i + 1] {
                let src = g as u64 * NODE_GROUP_SIZE + i as u64;
                rows.push((ids[r as usize], src, nbr[r as usize], g, r));
            }
        }
        let mut props = Vec::new();
        for (p, meta) in grp.properties.iter().enumerate() {
            let mut c = Column::new(acc.props[p].ty.clone());
            crate::storage::column::scan(pool, meta, 0, grp.num_edges() as usize, &mut c)?;
            props.push(c);
        }
        groups_props.push(props);
    }
    rows.sort_unstable_by_key(|r| r.0);
    for &(id, s, d, g, r) in &rows {
        acc.old_ids.push(id);
        acc.src.push(s);
        acc.dst.push(d);
        if acc.origins {
            acc.files.push(NO_FILE);
            acc.lines.push(0);
        }
        for (p, c) in acc.props.iter_mut().enumerate() {
            c.extend_from(&groups_props[g][p], r as usize, 1);
        }
    }
    Ok(())
}

/// Builds the CSR groups of one direction from `source`, a few groups at a time (as many
/// as the threads, while their rels fit in `merge_budget`): each group's rels counting-sorted
/// on the bound node (stable, so each node's rels stay in input order), "one" multiplicity
/// checked, encoded in parallel and written in order.
#[allow(clippy::too_many_arguments)]
fn build_direction(
    pager: &Pager,
    num_bound: u64,
    source: &RunSource,
    types: &[LogicalType],
    single: Option<&str>,
    table: &str,
    displays: &[String],
    threads: usize,
    merge_budget: u64,
    phases: &mut PhaseTimes,
) -> Result<Vec<CsrGroup>> {
    let n = num_bound as usize;
    let groups = n.div_ceil(NODE_GROUP_SIZE as usize);
    // Bytes per rel while its group is built: gathered, sorted and encoded.
    let row_bytes = 2 * (24 + types.len() as u64 * 12) + 16;
    let mut out = Vec::with_capacity(groups);
    let mut charge = MemCharge::new(pager.pool());
    let mut g0 = 0;
    while g0 < groups {
        // As many groups as fit (at least one).
        let mut k = 0;
        let mut want = 0u64;
        while g0 + k < groups && k < threads {
            let w = source.group_rows(g0 + k) * row_bytes;
            if k > 0 && want + w > merge_budget {
                break;
            }
            want += w;
            k += 1;
        }
        charge.set(want);
        let t = Instant::now();
        let built: Vec<Result<(u64, csr::RunParts, RunSink, Duration)>> = (g0..g0 + k)
            .into_par_iter()
            .map(|g| build_group(g, n, source, types, single, table, displays))
            .collect();
        let wall = t.elapsed();
        let mut sort_cpu = Duration::ZERO;
        let mut total_cpu = Duration::ZERO;
        let t = Instant::now();
        for (g, r) in (g0..g0 + k).zip(built) {
            let (nodes, mut parts, sink, sort) = r?;
            sort_cpu += sort;
            total_cpu += sort;
            csr::place_run(pager, sink, &mut parts)?;
            out.push(parts.into_group(nodes));
            let _ = g;
        }
        // The parallel part's wall time, split between sorting and encoding.
        let _ = total_cpu;
        let share = if k > 0 {
            sort_cpu.as_secs_f64() / (k as f64 * wall.as_secs_f64().max(1e-9))
        } else {
            0.0
        }
        .min(1.0);
        phases.sort += wall.mul_f64(share);
        phases.write += wall.mul_f64(1.0 - share) + t.elapsed();
        g0 += k;
    }
    Ok(out)
}

/// One CSR group: its rels gathered, sorted by bound node, checked and encoded. Returns the
/// group's node count, its parts, their pages and the time the gather and sort took.
fn build_group(
    g: usize,
    n: usize,
    source: &RunSource,
    types: &[LogicalType],
    single: Option<&str>,
    table: &str,
    displays: &[String],
) -> Result<(u64, csr::RunParts, RunSink, Duration)> {
    let t = Instant::now();
    let a = g * NODE_GROUP_SIZE as usize;
    let b = ((g + 1) * NODE_GROUP_SIZE as usize).min(n);
    let rels = source.gather(g, types, single.is_some())?;
    let nn = b - a;
    let mut starts = vec![0u64; nn + 1];
    for &l in &rels.local {
        if l as usize >= nn {
            return Err(Error::corrupted(None, "rel endpoint beyond its node table"));
        }
        starts[l as usize + 1] += 1;
    }
    if let Some(dir) = single {
        if let Some(node) = (0..nn).find(|&i| starts[i + 1] > 1) {
            // The second rel of that node, in input order, is the violating one.
            let second = rels
                .local
                .iter()
                .enumerate()
                .filter(|(_, &l)| l as usize == node)
                .nth(1)
                .map(|(e, _)| e)
                .unwrap_or(0);
            let node = a + node;
            let reason = format!(
                "Node(nodeOffset: {node}) has more than one neighbour in table {table} in the {dir} direction, which violates the rel multiplicity constraint."
            );
            let origin = match (rels.files.get(second), rels.lines.get(second)) {
                (Some(&f), Some(&line)) if f != NO_FILE => {
                    displays.get(f as usize).map(|d| (d.clone(), line))
                }
                _ => None,
            };
            return Err(match origin {
                Some((file, line)) => InputError::new(file, line, reason)
                    .with_column(if dir == "fwd" { 1 } else { 2 }, None)
                    .unlocated_in_kuzu()
                    .into(),
                None => Error::Copy(reason),
            });
        }
    }
    for i in 0..nn {
        starts[i + 1] += starts[i];
    }
    let (nbrs, ids, cols) = if rels.sorted {
        (rels.other, rels.ids, rels.props)
    } else {
        let mut pos = starts.clone();
        let mut perm = vec![0u32; rels.local.len()];
        for (e, &l) in rels.local.iter().enumerate() {
            let p = &mut pos[l as usize];
            perm[*p as usize] = e as u32;
            *p += 1;
        }
        drop(pos);
        let nbrs: Vec<u64> = perm.iter().map(|&e| rels.other[e as usize]).collect();
        let ids: Vec<u64> = perm.iter().map(|&e| rels.ids[e as usize]).collect();
        let cols: Vec<Column> = rels
            .props
            .iter()
            .map(|c| {
                let mut g = Column::with_capacity(c.ty.clone(), perm.len());
                g.gather(c, &perm);
                g
            })
            .collect();
        (nbrs, ids, cols)
    };
    drop((rels.local, rels.files, rels.lines));
    let sort = t.elapsed();
    let mut sink = RunSink::new();
    // In parts, so that a checkpoint rewrites only the parts whose nodes change.
    let parts = csr::encode_run(&starts, true, &nbrs, &ids, &cols, &mut sink);
    Ok((nn as u64, parts, sink, sort))
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::buffer::{MemoryManager, MIN_BUDGET};
    use crate::storage::file::{MemBackend, StorageBackend};
    use crate::types::Value;
    use std::path::Path;
    use std::sync::Arc;

    fn pager() -> Pager {
        let be: Arc<dyn StorageBackend> = Arc::new(MemBackend::new());
        Pager::create(
            be,
            MemoryManager::new(MIN_BUDGET * 4),
            Path::new("t"),
            [1; 16],
            b"",
            b"",
        )
        .unwrap()
    }

    fn keys(values: &[Option<i64>]) -> Column {
        let mut c = Column::new(LogicalType::Int64);
        for v in values {
            assert!(c.push_value(&v.map_or(Value::Null, Value::Int64)));
        }
        c
    }

    #[test]
    fn ignore_errors_skips_null_and_duplicate_keys() {
        let p = pager();
        let mut index = HashIndex::new(index_key_type(&LogicalType::Int64).unwrap()).begin();
        let first = keys(&[Some(1), Some(2)]);
        let mut skipped = Vec::new();
        let kept =
            insert_keys_skipping(&p, &mut index, &first, 0, |i, r| skipped.push((i, r))).unwrap();
        assert_eq!(kept, vec![0, 1]);
        assert!(skipped.is_empty());
        // 2 exists already, 5 repeats within the batch, one NULL.
        let second = keys(&[Some(3), Some(2), None, Some(5), Some(5), Some(6)]);
        let kept =
            insert_keys_skipping(&p, &mut index, &second, 2, |i, r| skipped.push((i, r))).unwrap();
        assert_eq!(kept, vec![0, 3, 5]);
        assert_eq!(
            skipped,
            vec![
                (1, duplicate_key(&second, 1)),
                (2, NULL_KEY.to_string()),
                (4, duplicate_key(&second, 4)),
            ]
        );
        assert_eq!(
            skipped[0].1,
            "Found duplicated primary key value 2, which violates the uniqueness constraint of the primary key column."
        );
        // Offsets stay consecutive over the kept rows.
        let found = index
            .lookup_column(p.pool(), &keys(&[Some(3), Some(5), Some(6), Some(1)]))
            .unwrap();
        assert_eq!(found, vec![Some(2), Some(3), Some(4), Some(0)]);
    }

    #[test]
    fn keep_rows_filters_every_column() {
        let batch = CsvBatch {
            columns: vec![
                keys(&[Some(1), Some(2), Some(3)]),
                keys(&[Some(4), None, Some(6)]),
            ],
            lines: vec![2, 3, 4],
            spans: vec![(0, 1), (2, 3), (4, 5)],
            first_row: 7,
        };
        let kept = keep_rows(batch, &[0, 2]);
        assert_eq!(kept.lines, vec![2, 4]);
        assert_eq!(kept.spans, vec![(0, 1), (4, 5)]);
        assert_eq!(kept.columns[0].get(1), Value::Int64(3));
        assert_eq!(kept.columns[1].get(1), Value::Int64(6));
        assert_eq!(kept.first_row, 7);
    }

    // -----------------------------------------------------------------------------------------
    // Key types end to end: COPY, duplicates, index lookups, rel endpoints, reopen + check.

    fn rows(db: &crate::Database, q: &str) -> Vec<String> {
        db.connect()
            .query(q)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .map(|r| {
                r.unwrap()
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    }

    fn err(db: &crate::Database, q: &str) -> String {
        match db.connect().query(q) {
            Ok(_) => panic!("{q}: no error"),
            Err(e) => e.to_string(),
        }
    }

    /// One key type: node rows `keys` (key,name lines), a duplicate file, rels by key, and an
    /// equality lookup of `probe` expected to find `probe_name`.
    struct KeyCase {
        ty: &'static str,
        nodes: &'static str,
        dup: &'static str,
        /// The duplicate key as Kuzu renders it in the message.
        dup_key: &'static str,
        rels: &'static str,
        rel_rows: &'static [&'static str],
        probe: &'static str,
        probe_name: &'static str,
        missing: &'static str,
    }

    fn run_key_case(c: &KeyCase) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.ruzu");
        let f = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p.display().to_string()
        };
        let (nodes, dup, rels) = (f("n.csv", c.nodes), f("d.csv", c.dup), f("r.csv", c.rels));
        let lookup = format!("MATCH (n:T) WHERE n.k = {} RETURN n.name", c.probe);
        let missing = format!("MATCH (n:T {{k: {}}}) RETURN n.name", c.missing);
        let rel_q = "MATCH (a:T)-[:R]->(b:T) RETURN a.name, b.name ORDER BY a.name, b.name";
        {
            let db = crate::Database::open(&path).unwrap();
            rows(
                &db,
                &format!(
                    "CREATE NODE TABLE T(k {}, name STRING, PRIMARY KEY(k))",
                    c.ty
                ),
            );
            rows(&db, "CREATE REL TABLE R(FROM T TO T)");
            assert_eq!(
                rows(&db, &format!("COPY T FROM '{nodes}'")),
                ["3 tuples have been copied to the T table."],
                "{}",
                c.ty
            );
            assert_eq!(
                err(&db, &format!("COPY T FROM '{dup}'")),
                format!(
                    "Copy exception: Found duplicated primary key value {}, {DUP}",
                    c.dup_key
                ),
                "{}",
                c.ty
            );
            rows(&db, &format!("COPY R FROM '{rels}'"));
            assert_eq!(rows(&db, rel_q), c.rel_rows, "{}", c.ty);
            assert_eq!(rows(&db, &lookup), [c.probe_name], "{}", c.ty);
            assert!(rows(&db, &missing).is_empty(), "{}", c.ty);
        }
        crate::inspect::check(&path).unwrap();
        let db = crate::Database::open(&path).unwrap();
        assert_eq!(rows(&db, &lookup), [c.probe_name], "{} reopened", c.ty);
        assert_eq!(rows(&db, rel_q), c.rel_rows, "{} reopened", c.ty);
    }

    const DUP: &str = "which violates the uniqueness constraint of the primary key column.";

    #[test]
    fn double_keys_fold_negative_zero() {
        run_key_case(&KeyCase {
            ty: "DOUBLE",
            nodes: "1.5,a\n-0.0,b\n2,c\n",
            dup: "7,x\n0.0,y\n",
            dup_key: "0.000000",
            rels: "1.5,2.0\n0,1.5\n",
            rel_rows: &["a|c", "b|a"],
            probe: "2",
            probe_name: "c",
            missing: "2.5",
        });
    }

    #[test]
    fn float_keys() {
        run_key_case(&KeyCase {
            ty: "FLOAT",
            nodes: "0.1,a\n2.5,b\n-3,c\n",
            dup: "-3.0,x\n",
            dup_key: "-3.000000",
            rels: "0.1,2.5\n-3,0.1\n",
            rel_rows: &["a|b", "c|a"],
            probe: "2.5",
            probe_name: "b",
            missing: "0.2",
        });
    }

    #[test]
    fn blob_keys() {
        run_key_case(&KeyCase {
            ty: "BLOB",
            nodes: "ab,a\n\\xAA\\x00,b\nzz,c\n",
            dup: "q,x\nab,y\n",
            dup_key: "ab",
            rels: "ab,\\xAA\\x00\nzz,ab\n",
            rel_rows: &["a|b", "c|a"],
            probe: "BLOB('\\\\xAA\\\\x00')",
            probe_name: "b",
            missing: "BLOB('abc')",
        });
    }

    #[test]
    fn int128_keys() {
        run_key_case(&KeyCase {
            ty: "INT128",
            nodes: "170141183460469231731687303715884105727,a\n-5,b\n0,c\n",
            dup: "170141183460469231731687303715884105727,x\n",
            dup_key: "170141183460469231731687303715884105727",
            rels: "-5,0\n0,170141183460469231731687303715884105727\n",
            rel_rows: &["b|c", "c|a"],
            probe: "CAST('170141183460469231731687303715884105727' AS INT128)",
            probe_name: "a",
            missing: "CAST(1 AS INT128)",
        });
    }

    #[test]
    fn uuid_keys() {
        run_key_case(&KeyCase {
            ty: "UUID",
            nodes: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,a\n\
                    00000000-0000-0000-0000-000000000001,b\n\
                    ffffffff-ffff-ffff-ffff-ffffffffffff,c\n",
            dup: "00000000-0000-0000-0000-000000000001,x\n",
            dup_key: "-170141183460469231731687303715884105727",
            rels: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,ffffffff-ffff-ffff-ffff-ffffffffffff\n",
            rel_rows: &["a|c"],
            probe: "UUID('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')",
            probe_name: "a",
            missing: "UUID('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12')",
        });
    }

    #[test]
    fn date_and_uint64_keys() {
        run_key_case(&KeyCase {
            ty: "DATE",
            nodes: "2020-01-01,a\n1900-12-31,b\n2038-01-19,c\n",
            dup: "2020-01-01,x\n",
            dup_key: "18262",
            rels: "2020-01-01,1900-12-31\n",
            rel_rows: &["a|b"],
            probe: "DATE('1900-12-31')",
            probe_name: "b",
            missing: "DATE('1900-12-30')",
        });
        run_key_case(&KeyCase {
            ty: "UINT64",
            nodes: "18446744073709551615,a\n0,b\n7,c\n",
            dup: "18446744073709551615,x\n",
            dup_key: "18446744073709551615",
            rels: "0,18446744073709551615\n",
            rel_rows: &["b|a"],
            probe: "CAST('18446744073709551615' AS UINT64)",
            probe_name: "a",
            missing: "CAST(8 AS UINT64)",
        });
    }

    #[test]
    fn key_types_kuzu_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::Database::open(dir.path().join("db.ruzu")).unwrap();
        for ty in ["BOOL", "INTERVAL", "INT64[]", "INT64[2]", "STRUCT(a INT64)"] {
            assert_eq!(
                err(&db, &format!("CREATE NODE TABLE T(k {ty}, PRIMARY KEY(k))")),
                format!(
                    "Binder exception: Invalid primary key column type {ty}. Primary keys must be either STRING or a numeric type."
                )
            );
        }
        for ty in [
            "DECIMAL(5, 2)",
            "DECIMAL(30, 2)",
            "TIMESTAMP",
            "INT8",
            "SERIAL",
        ] {
            rows(&db, &format!("CREATE NODE TABLE T(k {ty}, PRIMARY KEY(k))"));
            rows(&db, "DROP TABLE T");
        }
    }

    /// The key a lookup computes from a value (`keys::value_key`) is the one the COPY
    /// pipeline stored for the same value (`keys::index_column`), for every key type.
    #[test]
    fn index_keys_of_values_match_columns() {
        use crate::loader::keys::{index_column, value_key};
        let p = pager();
        let cases: Vec<(LogicalType, Vec<Value>)> = vec![
            (
                LogicalType::Double,
                vec![
                    Value::Double(-0.0),
                    Value::Double(f64::NAN),
                    Value::Double(1e300),
                ],
            ),
            (
                LogicalType::Float,
                vec![Value::Float(0.1), Value::Float(-2.0)],
            ),
            (
                LogicalType::Blob,
                vec![Value::Blob(vec![0, 255]), Value::Blob(vec![])],
            ),
            (LogicalType::String, vec![Value::String("x".into())]),
            (
                LogicalType::Int128,
                vec![Value::Int128(i128::MIN), Value::Int128(3)],
            ),
            (
                LogicalType::Uuid,
                vec![Value::Uuid(u128::MAX), Value::Uuid(1)],
            ),
            (
                LogicalType::Decimal {
                    precision: 30,
                    scale: 2,
                },
                vec![Value::Decimal {
                    value: -1234,
                    precision: 30,
                    scale: 2,
                }],
            ),
            (
                LogicalType::Decimal {
                    precision: 5,
                    scale: 2,
                },
                vec![Value::Decimal {
                    value: 999,
                    precision: 5,
                    scale: 2,
                }],
            ),
            (LogicalType::Date, vec![Value::Date(-3), Value::Date(18262)]),
            (LogicalType::TimestampNs, vec![Value::TimestampNs(5)]),
            (LogicalType::UInt64, vec![Value::UInt64(u64::MAX)]),
            (LogicalType::UInt32, vec![Value::UInt32(u32::MAX)]),
            (LogicalType::Int8, vec![Value::Int8(-1)]),
        ];
        for (ty, values) in cases {
            let mut col = Column::new(ty.clone());
            for v in &values {
                assert!(col.push_value(v), "{ty}");
            }
            let kind = index_key_type(&ty).unwrap();
            let mut idx = HashIndex::new(kind).begin();
            let keys = index_column(&col);
            p.with_allocator(|a| idx.insert_column(p.pool(), a, &keys, 10))
                .unwrap()
                .unwrap();
            for (i, v) in values.iter().enumerate() {
                let k = value_key(kind, v).unwrap();
                assert_eq!(
                    idx.lookup(p.pool(), k.as_index_key()).unwrap(),
                    Some(10 + i as u64),
                    "{ty} {v:?}"
                );
            }
        }
        // -0.0 and 0.0 are one key, as are all NaNs.
        let kind = index_key_type(&LogicalType::Double).unwrap();
        assert_eq!(
            value_key(kind, &Value::Double(0.0)),
            value_key(kind, &Value::Double(-0.0))
        );
        assert_eq!(
            value_key(kind, &Value::Double(f64::NAN)),
            value_key(kind, &Value::Double(-f64::NAN))
        );
        // A value of another type than the key's is no key (the scan answers instead).
        assert_eq!(value_key(kind, &Value::String("1".into())), None);
    }

    /// SERIAL keys: files have no field for them; values are the rows' offsets in the table,
    /// continuing across COPYs (from files and from a query) and over skipped rows.
    #[test]
    fn serial_keys_number_rows_by_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.ruzu");
        let f = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p.display().to_string()
        };
        let a = f("a.csv", "name,age\nx,1\ny,2\n");
        let b = f("b.csv", "z,3\nbad,notanumber\nw,4\n");
        let r = f("r.csv", "0,3\n4,1\n");
        {
            let db = crate::Database::open(&path).unwrap();
            rows(
                &db,
                "CREATE NODE TABLE T(k SERIAL, name STRING, age INT64, PRIMARY KEY(k))",
            );
            rows(&db, "CREATE REL TABLE R(FROM T TO T)");
            rows(&db, &format!("COPY T FROM '{a}' (HEADER=true)"));
            assert_eq!(
                rows(&db, &format!("COPY T FROM '{b}' (IGNORE_ERRORS=true)"))[0],
                "2 tuples have been copied to the T table."
            );
            rows(&db, "COPY T FROM (RETURN 'q', 5)");
            rows(&db, &format!("COPY R FROM '{r}'"));
            assert_eq!(
                rows(&db, "MATCH (n:T) RETURN n.k, n.name, n.age"),
                ["0|x|1", "1|y|2", "2|z|3", "3|w|4", "4|q|5"]
            );
            assert_eq!(
                rows(&db, "MATCH (a:T)-[:R]->(b:T) RETURN a.name, b.name"),
                ["x|w", "q|y"]
            );
            assert_eq!(rows(&db, "MATCH (n:T {k: 3}) RETURN n.name"), ["w"]);
            // A file with a field for the SERIAL column has one field too many. (Kuzu's binder
            // refuses it first: "Number of columns mismatch. Expected 2 but got 3.", a check
            // ruzu does not make for any table yet.)
            let c = f("c.csv", "0,x,1\n");
            assert_eq!(
                err(&db, &format!("COPY T FROM '{c}'")),
                format!(
                    "Copy exception: Error in file {c} on line 1: expected 2 values per row, \
                     but got 3. Line/record containing the error: '0,x,1'"
                )
            );
        }
        crate::inspect::check(&path).unwrap();
        let db = crate::Database::open(&path).unwrap();
        assert_eq!(rows(&db, "MATCH (n:T) WHERE n.k = 4 RETURN n.name"), ["q"]);
    }

    fn gzip(members: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut out = Vec::new();
        for m in members {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(m.as_bytes()).unwrap();
            out.extend(e.finish().unwrap());
        }
        out
    }

    /// Gzip-compressed CSV in COPY and LOAD FROM: read like the CSV it holds, serially, with
    /// Kuzu's messages without the record text.
    #[test]
    fn gzip_csv_in_copy_and_load_from() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::Database::open(dir.path().join("db.ruzu")).unwrap();
        let gz = dir.path().join("p.csv.gz");
        // Two gzip members are one stream.
        std::fs::write(&gz, gzip(&["id,name\n1,a\n", "2,\"b\nc\"\n3,d\n"])).unwrap();
        let gz = gz.display().to_string();
        rows(
            &db,
            "CREATE NODE TABLE P(id INT64, name STRING, PRIMARY KEY(id))",
        );
        assert_eq!(
            rows(&db, &format!("COPY P FROM '{gz}' (HEADER=true)")),
            ["3 tuples have been copied to the P table."]
        );
        assert_eq!(
            rows(&db, "MATCH (p:P) RETURN p.id, p.name"),
            ["1|a", "2|b\nc", "3|d"]
        );
        assert_eq!(
            rows(
                &db,
                &format!("LOAD FROM '{gz}' (HEADER=true) RETURN id, name")
            ),
            ["1|a", "2|b\nc", "3|d"]
        );
        let bad = dir.path().join("bad.csv.gz");
        std::fs::write(&bad, gzip(&["id,name\n4,x\nfive,y\n"])).unwrap();
        let bad = bad.display().to_string();
        assert_eq!(
            err(&db, &format!("COPY P FROM '{bad}' (HEADER=true)")),
            format!(
                "Copy exception: Error in file {bad} on line 3: Conversion exception: \
                 Cast failed. Could not convert \"five\" to INT64."
            )
        );
        // Warnings belong to the connection.
        let conn = db.connect();
        let q = |text: &str| -> Vec<String> {
            conn.query(text)
                .unwrap()
                .map(|r| {
                    r.unwrap()
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect()
        };
        assert_eq!(
            q(&format!(
                "COPY P FROM '{bad}' (HEADER=true, IGNORE_ERRORS=true)"
            ))[0],
            "1 tuples have been copied to the P table."
        );
        assert_eq!(
            q("CALL show_warnings() RETURN message, line_number, skipped_line_or_record"),
            ["Conversion exception: Cast failed. Could not convert \"five\" to INT64.|3|"]
        );
    }
}

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
use crate::catalog::{Catalog, Multiplicity, TableEntry, TableKind};
use crate::error::{Error, InputError, Result};
use crate::storage::column::{encode_chunk, ChunkMeta, RunSink};
use crate::storage::csr;
use crate::storage::index::{HashIndex, WriteSession};
use crate::storage::page::Encoder;
use crate::storage::pager::Pager;
use crate::storage::table::{
    CsrGroup, NodeGroup, NodeTableData, RelPairData, RelTableData, NODE_GROUP_SIZE,
};
use crate::types::vector::{Column, ColumnData};
use crate::types::LogicalType;
use rayon::prelude::*;
use std::path::PathBuf;

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
                let summary = read_csv(
                    &src.path,
                    &src.display,
                    &settings.csv,
                    schema,
                    threads,
                    |batch: CsvBatch| f(fi, &src.display, batch),
                )?;
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
    for_each_batch(
        &mut input,
        settings,
        &schema,
        threads,
        &mut stats,
        |_, display, mut batch: CsvBatch| {
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
                let ikeys = index_column(keycol);
                let inserted = pager
                    .with_allocator(|a| keys.insert_column(pager.pool(), a, &ikeys, next_offset))?;
                if let Err(dup) = inserted {
                    let i = dup.row;
                    return Err(
                        InputError::new(display, batch.lines[i], duplicate_key(keycol, i))
                            .with_column(pk + 1, pk_name())
                            .unlocated_in_kuzu()
                            .into(),
                    );
                }
                batch
            };
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
            if pending.len() >= threads {
                write_groups(pager, std::mem::take(&mut pending), &mut out.groups)?;
            }
            Ok(())
        },
    )?;
    add_warnings(&mut stats, key_warnings, settings.csv.warning_limit);
    if !builder[0].is_empty() {
        pending.push(builder);
    }
    write_groups(pager, pending, &mut out.groups)?;
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
    Ok((out, stats))
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

/// Rels in file order while a copy accumulates them.
#[derive(Default)]
struct RelBatch {
    src: Vec<u64>,
    dst: Vec<u64>,
    rel_ids: Vec<u64>,
    props: Vec<Column>,
    /// Where each new rel came from (file index, line), for multiplicity errors.
    origin: Vec<(u32, u64)>,
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

    // Existing rels of this pair, in rel id order, then the new ones.
    let mut acc = RelBatch {
        props: entry
            .properties
            .iter()
            .map(|p| Column::new(p.ty.clone()))
            .collect(),
        ..Default::default()
    };
    let old_pair = data
        .pairs
        .iter()
        .find(|p| p.from == from_id && p.to == to_id);
    if let Some(old) = old_pair {
        read_existing(pager, old, &mut acc)?;
    }
    let existing = acc.src.len();
    let mut next_rel_id = data.num_rels;
    let mut stats = CopyStats::default();
    let displays = input.displays();
    let paths = input.paths();
    let mut key_warnings: Vec<InputError> = Vec::new();
    for_each_batch(
        &mut input,
        settings,
        &schema,
        threads,
        &mut stats,
        |fi, display, batch: CsvBatch| {
            let mut found: Vec<Vec<Option<u64>>> = Vec::with_capacity(2);
            for (col, map) in [(&batch.columns[0], keys.0), (&batch.columns[1], keys.1)] {
                found.push(map.lookup_column(pager.pool(), &index_column(col))?);
            }
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
                for (side, f) in found.iter().enumerate() {
                    if let Some(i) = f.iter().position(|o| o.is_none()) {
                        return Err(problem(side, i).into());
                    }
                }
                acc.src.extend(found[0].iter().flatten());
                acc.dst.extend(found[1].iter().flatten());
                batch
            };
            let n = batch.len();
            for (p, c) in acc.props.iter_mut().zip(&batch.columns[2..]) {
                p.extend_from(c, 0, n);
            }
            acc.rel_ids.extend(next_rel_id..next_rel_id + n as u64);
            acc.origin
                .extend(batch.lines.iter().map(|&l| (fi as u32, l)));
            next_rel_id += n as u64;
            Ok(())
        },
    )?;
    add_warnings(&mut stats, key_warnings, settings.csv.warning_limit);
    stats.rows = next_rel_id - data.num_rels;

    let origin_of = |e: usize| -> Option<(String, u64)> {
        e.checked_sub(existing).and_then(|k| {
            acc.origin
                .get(k)
                .map(|&(f, l)| (displays[f as usize].clone(), l))
        })
    };
    let fwd = build_direction(
        pager,
        node_rows.0,
        &acc.src,
        &acc.dst,
        &acc.rel_ids,
        &acc.props,
        (*dst_mult == Multiplicity::One).then_some("fwd"),
        &entry.name,
        &origin_of,
    )?;
    let bwd = build_direction(
        pager,
        node_rows.1,
        &acc.dst,
        &acc.src,
        &acc.rel_ids,
        &acc.props,
        (*src_mult == Multiplicity::One).then_some("bwd"),
        &entry.name,
        &origin_of,
    )?;
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
        acc.rel_ids.push(id);
        acc.src.push(s);
        acc.dst.push(d);
        for (p, c) in acc.props.iter_mut().enumerate() {
            c.extend_from(&groups_props[g][p], r as usize, 1);
        }
    }
    Ok(())
}

/// Builds the CSR groups of one direction by counting sort on `bound` (stable, so each node's
/// rels stay in input order), checks "one" multiplicity, encodes groups in parallel and
/// writes them in order.
#[allow(clippy::too_many_arguments)]
fn build_direction(
    pager: &Pager,
    num_bound: u64,
    bound: &[u64],
    other: &[u64],
    rel_ids: &[u64],
    props: &[Column],
    single: Option<&str>,
    table: &str,
    origin_of: &dyn Fn(usize) -> Option<(String, u64)>,
) -> Result<Vec<CsrGroup>> {
    let n = num_bound as usize;
    // Count.
    let mut starts = vec![0u64; n + 1];
    for &b in bound {
        if b as usize >= n {
            return Err(Error::corrupted(None, "rel endpoint beyond its node table"));
        }
        starts[b as usize + 1] += 1;
    }
    if let Some(dir) = single {
        if let Some(node) = (0..n).find(|&i| starts[i + 1] > 1) {
            // The second rel of that node, in input order, is the violating one.
            let second = bound
                .iter()
                .enumerate()
                .filter(|(_, &b)| b as usize == node)
                .nth(1)
                .map(|(e, _)| e)
                .unwrap_or(0);
            let reason = format!(
                "Node(nodeOffset: {node}) has more than one neighbour in table {table} in the {dir} direction, which violates the rel multiplicity constraint."
            );
            return Err(match origin_of(second) {
                Some((file, line)) => InputError::new(file, line, reason)
                    .with_column(if dir == "fwd" { 1 } else { 2 }, None)
                    .unlocated_in_kuzu()
                    .into(),
                None => Error::Copy(reason),
            });
        }
    }
    // Prefix sum.
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    // Scatter.
    let mut pos = starts.clone();
    let mut perm = vec![0u32; bound.len()];
    if bound.len() > u32::MAX as usize {
        return Err(Error::Copy("more than 4 billion rels in one copy".into()));
    }
    for (e, &b) in bound.iter().enumerate() {
        let p = &mut pos[b as usize];
        perm[*p as usize] = e as u32;
        *p += 1;
    }
    drop(pos);
    let groups = n.div_ceil(NODE_GROUP_SIZE as usize);
    let encoded: Vec<(u64, csr::RunParts, RunSink)> = (0..groups)
        .into_par_iter()
        .map(|g| {
            let a = g * NODE_GROUP_SIZE as usize;
            let b = ((g + 1) * NODE_GROUP_SIZE as usize).min(n);
            let (ra, rb) = (starts[a] as usize, starts[b] as usize);
            let rows = &perm[ra..rb];
            let mut sink = RunSink::new();
            let offs: Vec<u64> = starts[a..=b].iter().map(|&s| s - starts[a]).collect();
            let nbrs: Vec<u64> = rows.iter().map(|&e| other[e as usize]).collect();
            let ids: Vec<u64> = rows.iter().map(|&e| rel_ids[e as usize]).collect();
            let cols: Vec<Column> = props
                .iter()
                .map(|c| {
                    let mut g = Column::with_capacity(c.ty.clone(), rows.len());
                    g.gather(c, rows);
                    g
                })
                .collect();
            // In parts, so that a checkpoint rewrites only the parts whose nodes change.
            let parts = csr::encode_run(&offs, true, &nbrs, &ids, &cols, &mut sink);
            ((b - a) as u64, parts, sink)
        })
        .collect();
    let mut out = Vec::with_capacity(groups);
    for (nodes, mut parts, sink) in encoded {
        csr::place_run(pager, sink, &mut parts)?;
        out.push(parts.into_group(nodes));
    }
    Ok(out)
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

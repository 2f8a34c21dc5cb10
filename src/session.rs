//! Statement execution for a connection: parse, then run each statement (DDL, COPY,
//! transaction control, queries) against the database.
//!
//! Owns: the dispatch from parsed statements to the binder/planner/executor and to the
//! write paths, Kuzu's result messages for DDL and COPY, and COPY's options.

use crate::binder::ddl::{create_node_table, create_rel_table, Created};
use crate::catalog::TableKind;
use crate::context::{Active, ClientContext, TxnHandle};
use crate::cypher::ast::{
    AlterAction, CopyFrom, ExprKind, Literal, OptionEntry, ScanSource, Statement, StatementKind,
    TransactionKind,
};
use crate::db::{PreparedStatement, QueryResult};
use crate::error::{Error, Result};
use crate::loader::csv::CsvOptions;
use crate::loader::pipeline::{
    copy_nodes, copy_nodes_from, copy_rels_from, index_of, CopyInput, CopySettings, CopySource,
    CopyStats, IndexWrite,
};
use crate::query::copy_query::query_batches;
use crate::query::View;
use crate::storage::table::{NodeTableData, RelTableData, TableData};
use crate::transaction::{Snapshot, State};
use crate::types::LogicalType;
use crate::types::Params;
use parking_lot::Mutex;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Runs the `;`-separated statements of `text` in order, stopping after the first failure.
pub fn run_script(conn: &ClientContext, text: &str, params: &Params) -> Vec<Result<QueryResult>> {
    let stmts = match crate::cypher::parse(text) {
        Ok(s) => s,
        Err(e) => return vec![Err(e)],
    };
    if stmts.is_empty() {
        return vec![Err(Error::Connection("Query is empty.".into()))];
    }
    let mut out = Vec::with_capacity(stmts.len());
    let last = stmts.len().saturating_sub(1);
    for (i, s) in stmts.iter().enumerate() {
        // Every statement but the last runs to completion before the next starts, so a
        // failure stops the script where Kuzu would; the last one streams its rows.
        let r =
            run_numbered(conn, s, params).and_then(
                |r| {
                    if i < last {
                        r.materialize()
                    } else {
                        Ok(r)
                    }
                },
            );
        let failed = r.is_err();
        out.push(r);
        if failed {
            break;
        }
    }
    out
}

pub fn prepare(_conn: &ClientContext, text: &str) -> Result<PreparedStatement> {
    let mut stmts = crate::cypher::parse(text)?;
    if stmts.len() != 1 {
        return Err(Error::Runtime(
            "A prepared statement must hold exactly one statement.".into(),
        ));
    }
    let statement = stmts.remove(0);
    Ok(PreparedStatement {
        text: text.to_string(),
        statement,
    })
}

pub fn execute(
    conn: &ClientContext,
    stmt: &PreparedStatement,
    params: &Params,
) -> Result<QueryResult> {
    run_numbered(conn, &stmt.statement, params)
}

/// Runs a statement under the database's next query id (Kuzu numbers every executed
/// statement of every connection, from 0). A statement that fails to bind gets no id, as in
/// Kuzu, where binding happens before an id is taken.
fn run_numbered(conn: &ClientContext, s: &Statement, params: &Params) -> Result<QueryResult> {
    let counter = &conn.db.query_counter;
    let id = counter.fetch_add(1, Ordering::SeqCst);
    conn.query_id.store(id, Ordering::SeqCst);
    let r = run_statement(conn, s, params);
    if matches!(
        r,
        Err(Error::Parser(_) | Error::Binder(_) | Error::Catalog(_))
    ) {
        // Give the id back unless another statement has taken a later one meanwhile.
        let _ = counter.compare_exchange(id + 1, id, Ordering::SeqCst, Ordering::SeqCst);
    }
    r
}

fn run_statement(conn: &ClientContext, s: &Statement, params: &Params) -> Result<QueryResult> {
    if let StatementKind::Transaction(t) = &s.kind {
        return transaction_statement(conn, *t);
    }
    let r = dispatch(conn, s, params);
    if r.is_err() {
        // Kuzu rolls back the whole transaction a statement fails in; the connection goes
        // back to auto-commit.
        if let Some(Active::Write(h)) = conn.active.lock().take() {
            h.lock().rollback();
        }
    }
    r
}

/// BEGIN TRANSACTION [READ ONLY], COMMIT, ROLLBACK, CHECKPOINT.
fn transaction_statement(conn: &ClientContext, t: TransactionKind) -> Result<QueryResult> {
    let mut active = conn.active.lock();
    match t {
        TransactionKind::Begin { read_only } => {
            if active.is_some() {
                return Err(Error::Runtime(
                    "Connection already has an active transaction. Cannot start a transaction within another one. For concurrent multiple transactions, please open other connections.".into(),
                ));
            }
            *active = Some(if read_only {
                Active::Read(conn.store().snapshot())
            } else {
                let txn = conn.store().begin_write(true, conn.deadline())?;
                Active::Write(Arc::new(Mutex::new(txn)))
            });
            Ok(QueryResult::empty())
        }
        TransactionKind::Commit => match active.take() {
            None => Err(Error::Runtime("No active transaction for COMMIT.".into())),
            Some(Active::Read(_)) => Ok(QueryResult::empty()),
            Some(Active::Write(h)) => {
                h.lock().commit(conn.commit_options())?;
                Ok(QueryResult::empty())
            }
        },
        TransactionKind::Rollback => match active.take() {
            None => Err(Error::Runtime("No active transaction for ROLLBACK.".into())),
            Some(Active::Read(_)) => Ok(QueryResult::empty()),
            Some(Active::Write(h)) => {
                h.lock().rollback();
                Ok(QueryResult::empty())
            }
        },
        TransactionKind::Checkpoint => {
            if active.is_some() {
                return Err(Error::Runtime(
                    "Found active transaction for CHECKPOINT.".into(),
                ));
            }
            drop(active);
            conn.store().checkpoint(conn.deadline())?;
            Ok(QueryResult::empty())
        }
    }
}

/// What a reading statement reads: the connection's transaction, or the committed state.
fn read_view(conn: &ClientContext) -> View {
    match &*conn.active.lock() {
        Some(Active::Read(s)) => View::read(s.clone()),
        Some(Active::Write(h)) => View::write(h.lock().snapshot(), h.clone()),
        None => View::read(conn.store().snapshot()),
    }
}

/// Runs `f` in the connection's write transaction (its open one, or a new auto-commit one
/// that is committed when `f` succeeds). A failure rolls the transaction back.
fn with_write<T>(conn: &ClientContext, f: impl FnOnce(&TxnHandle) -> Result<T>) -> Result<T> {
    let open = match &*conn.active.lock() {
        Some(Active::Read(_)) => {
            return Err(Error::Runtime(
                "Can not execute a write query inside a read-only transaction.".into(),
            ))
        }
        Some(Active::Write(h)) => Some(h.clone()),
        None => None,
    };
    if let Some(h) = open {
        return f(&h);
    }
    let txn = conn.store().begin_write(false, conn.deadline())?;
    let h = Arc::new(Mutex::new(txn));
    match f(&h) {
        Ok(v) => {
            h.lock().commit(conn.commit_options())?;
            Ok(v)
        }
        Err(e) => {
            h.lock().rollback();
            Err(e)
        }
    }
}

/// A DDL change of the catalog alone, in the connection's write transaction.
fn catalog_change(
    conn: &ClientContext,
    f: impl FnOnce(&mut crate::catalog::Catalog) -> Result<String>,
) -> Result<QueryResult> {
    with_write(conn, |h| {
        let mut txn = h.lock();
        let mut cat = txn.catalog().clone();
        let msg = f(&mut cat)?;
        txn.set_catalog(cat)?;
        Ok(QueryResult::message(msg))
    })
}

/// A change that writes pages directly (COPY, ALTER on stored columns), in the connection's
/// write transaction: the transaction commits by checkpoint.
fn page_change<T>(
    conn: &ClientContext,
    f: impl FnOnce(&Arc<Snapshot>, &mut State) -> Result<T>,
) -> Result<T> {
    with_write(conn, |h| {
        let mut txn = h.lock();
        txn.materialize()?;
        let view = txn.snapshot();
        txn.with_state(|st| f(&view, st))
    })
}

fn dispatch(conn: &ClientContext, s: &Statement, params: &Params) -> Result<QueryResult> {
    match &s.kind {
        StatementKind::CreateNodeTable(t) if t.as_query.is_some() => {
            create_table_as(conn, &s.kind, params)
        }
        StatementKind::CreateRelTable(t) if t.as_query.is_some() => {
            create_table_as(conn, &s.kind, params)
        }
        StatementKind::CreateNodeTable(t) => {
            crate::query::ddl::check_defaults(conn, &t.properties, s)?;
            catalog_change(conn, |cat| {
                let c = create_node_table(cat, t)?;
                if let Created::Table(id) = c {
                    crate::binder::ddl::set_defaults(cat, id, &t.properties, s);
                }
                Ok(c.message(&t.name))
            })
        }
        StatementKind::CreateRelTable(t) => {
            crate::query::ddl::check_defaults(conn, &t.properties, s)?;
            catalog_change(conn, |cat| {
                let c = create_rel_table(cat, t)?;
                if let Created::Table(id) = c {
                    crate::binder::ddl::set_defaults(cat, id, &t.properties, s);
                }
                Ok(c.message(&t.name))
            })
        }
        StatementKind::CopyFrom(c) => copy_from(conn, c, params),
        StatementKind::CallOption { name, value } => {
            crate::query::call::set_option(conn, &conn.snapshot(), params, name, value)
        }
        StatementKind::CallFunction(f) => {
            crate::query::call::run_standalone(conn, &conn.snapshot(), params, f)
        }
        StatementKind::Drop {
            what: crate::cypher::ast::DropKind::Table,
            name,
            if_exists,
        } => catalog_change(conn, |cat| {
            crate::query::ddl::drop_table(cat, name, *if_exists)
        }),
        StatementKind::CreateSequence(q) => {
            catalog_change(conn, |cat| crate::binder::ddl::create_sequence(cat, q))
        }
        StatementKind::CreateMacro(m) => {
            catalog_change(conn, |cat| crate::binder::ddl::create_macro(cat, m, s))
        }
        StatementKind::Drop {
            what: crate::cypher::ast::DropKind::Sequence,
            name,
            if_exists,
        } => catalog_change(conn, |cat| {
            crate::binder::ddl::drop_sequence(cat, name, *if_exists)
        }),
        StatementKind::Drop {
            what: crate::cypher::ast::DropKind::Macro,
            name,
            if_exists,
        } => catalog_change(conn, |cat| {
            crate::binder::ddl::drop_macro(cat, name, *if_exists)
        }),
        StatementKind::CommentOnTable { table, comment } => catalog_change(conn, |cat| {
            crate::query::ddl::comment_on_table(cat, table, comment)
        }),
        StatementKind::AlterTable { table, action } => match action {
            AlterAction::RenameTable { .. } | AlterAction::RenameProperty { .. } => {
                catalog_change(conn, |cat| {
                    crate::query::ddl::alter_catalog(cat, table, action)
                })
            }
            _ => with_write(conn, |h| {
                // The DEFAULT is evaluated in the transaction (a `nextval` in it draws there).
                let view = View::write(h.lock().snapshot(), h.clone());
                let default = crate::query::ddl::alter_default(conn, s, table, action, &view)?;
                let mut txn = h.lock();
                txn.materialize()?;
                txn.with_state(|st| {
                    crate::query::ddl::alter_table(st, conn.store().pager(), table, action, default)
                        .map(QueryResult::message)
                })
            }),
        },
        StatementKind::Query(q) if crate::query::writes(q) => with_write(conn, |h| {
            let view = View::write(h.lock().snapshot(), h.clone());
            crate::query::run(conn, s, params, &view)?.materialize_in(query_budget(conn))
        }),
        _ => {
            let view = read_view(conn);
            let r = crate::query::run(conn, s, params, &view)?;
            // Inside a write transaction later statements change what a lazy result reads.
            if view.txn.is_some() {
                r.materialize_in(query_budget(conn))
            } else {
                Ok(r)
            }
        }
    }
}

fn literal_text(o: &OptionEntry) -> Option<String> {
    match &o.value.as_ref()?.kind {
        ExprKind::Literal(Literal::String(s)) => Some(s.clone()),
        ExprKind::Literal(Literal::Integer(i)) => Some(i.to_string()),
        ExprKind::Literal(Literal::Boolean(b)) => Some(b.to_string()),
        ExprKind::Literal(Literal::Double(d)) => Some(d.to_string()),
        _ => None,
    }
}

fn option_bool(o: &OptionEntry) -> Result<bool> {
    match &o.value {
        None => Ok(true),
        Some(e) => match &e.kind {
            ExprKind::Literal(Literal::Boolean(b)) => Ok(*b),
            // Kuzu reads 1 and 0 as booleans too.
            ExprKind::Literal(Literal::Integer(1)) => Ok(true),
            ExprKind::Literal(Literal::Integer(0)) => Ok(false),
            ExprKind::Literal(Literal::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
            ExprKind::Literal(Literal::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
            _ => Err(Error::Binder(format!(
                "The type of csv parsing option {} must be a boolean.",
                o.name.to_uppercase()
            ))),
        },
    }
}

fn option_char(o: &OptionEntry) -> Result<u8> {
    let t = literal_text(o).unwrap_or_default();
    let t = match t.as_str() {
        "\\t" => "\t".to_string(),
        _ => t,
    };
    match t.as_bytes() {
        [b] => Ok(*b),
        _ => Err(Error::Binder(
            "Copy csv option value must be a single character with an optional escape character."
                .into(),
        )),
    }
}

struct CopyPlan {
    csv: CsvOptions,
    from: Option<String>,
    to: Option<String>,
}

fn copy_options(opts: &[OptionEntry]) -> Result<CopyPlan> {
    // Unlike Kuzu, quoted line breaks are read in parallel too (tests/kuzu-suite.deviations).
    let mut csv = CsvOptions {
        refuse_quoted_newlines: false,
        line_numbers: crate::loader::csv::LineNumbers::Record,
        ..CsvOptions::default()
    };
    let mut from = None;
    let mut to = None;
    for o in opts {
        match o.name.to_ascii_uppercase().as_str() {
            "HEADER" => csv.header = Some(option_bool(o)?),
            "DELIM" | "DELIMITER" => csv.delimiter = Some(option_char(o)?),
            "QUOTE" => csv.quote = Some(option_char(o)?),
            "ESCAPE" => csv.escape = Some(option_char(o)?),
            "SKIP" => {
                csv.skip = literal_text(o)
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(|| Error::Binder("SKIP must be a non-negative integer.".into()))?
            }
            "PARALLEL" => {
                csv.parallel = option_bool(o)?;
            }
            "IGNORE_ERRORS" => csv.ignore_errors = option_bool(o)?,
            "AUTO_DETECT" | "AUTODETECT" => csv.auto_detect = option_bool(o)?,
            "SAMPLE_SIZE" => {
                csv.sample_size = literal_text(o)
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(csv.sample_size)
            }
            "FROM" => from = literal_text(o),
            "TO" => to = literal_text(o),
            "NULL_STRINGS" => {}
            other => {
                return Err(Error::Binder(format!(
                    "Unrecognized csv parsing option: {other}."
                )))
            }
        }
    }
    Ok(CopyPlan { csv, from, to })
}

fn copy_from(conn: &ClientContext, c: &CopyFrom, params: &Params) -> Result<QueryResult> {
    let query = match &c.source {
        ScanSource::Query(q) => Some(q.as_ref()),
        _ => None,
    };
    let files = match &c.source {
        ScanSource::Files { paths, .. } => paths.clone(),
        ScanSource::Query(_) => Vec::new(),
        other => crate::planner::load_from::source_names(other, params)?,
    };
    if c.columns.is_some() {
        return Err(Error::NotImplemented("COPY with a column list".into()));
    }
    let mut plan = copy_options(&c.options)?;
    plan.csv.warning_limit = conn.warning_limit().min(usize::MAX as u64) as usize;
    let ignore_errors = plan.csv.ignore_errors;
    let settings = CopySettings {
        threads: if plan.csv.parallel { conn.threads() } else { 1 },
        csv: plan.csv.clone(),
    };
    // Files that exist, glob patterns expanded (Kuzu's error when nothing matches).
    let mut sources: Vec<CopySource> = Vec::new();
    for f in &files {
        for (path, display) in crate::planner::load_from::expand_files(f)? {
            sources.push(CopySource { path, display });
        }
    }
    let table_name = c.table.clone();
    // Warnings are kept only once the copy has committed.
    let mut skipped = Vec::new();
    let result = page_change(conn, |view, snap| {
        let (name, stats) = copy_rows(
            conn,
            view,
            snap,
            &table_name,
            query,
            &sources,
            &plan,
            &settings,
            params,
        )?;
        let copied = format!(
            "{} tuples have been copied to the {name} table.",
            stats.rows
        );
        let count = stats.skipped.max(stats.warnings.len() as u64);
        if !ignore_errors || count == 0 {
            return Ok(QueryResult::message(copied));
        }
        // Kuzu's IGNORE_ERRORS result when records were skipped: a second row counting them;
        // the connection keeps their warnings for `CALL show_warnings()`.
        let query_id = conn.query_id();
        let warnings = stats
            .warnings
            .iter()
            .map(crate::warnings::Warning::from_input_error)
            .collect();
        skipped = warnings;
        Ok(QueryResult::new(
            vec!["result".into()],
            vec![crate::types::LogicalType::String],
            vec![
                vec![crate::types::Value::String(copied)],
                vec![crate::types::Value::String(format!(
                    "{count} warnings encountered during copy. Use 'CALL show_warnings() RETURN *' to view the actual warnings. Query ID: {query_id}"
                ))],
            ],
        ))
    })?;
    if !skipped.is_empty() {
        conn.add_warnings(conn.query_id(), skipped);
    }
    Ok(result)
}

/// Appends the rows of `query` (when given) or of `sources` to table `table_name` of the
/// private snapshot `snap`. Returns the table's name as the catalog spells it and what the
/// copy did (rows copied, rows skipped with IGNORE_ERRORS and their warnings).
#[allow(clippy::too_many_arguments)]
fn copy_rows(
    conn: &ClientContext,
    view: &Arc<Snapshot>,
    snap: &mut State,
    table_name: &str,
    query: Option<&crate::cypher::ast::Query>,
    sources: &[CopySource],
    plan: &CopyPlan,
    settings: &CopySettings,
    params: &Params,
) -> Result<(String, CopyStats)> {
    let db = conn.store();
    let entry = snap
        .catalog
        .table(table_name)
        .ok_or_else(|| Error::Binder(format!("Table {table_name} does not exist.")))?
        .clone();
    let pager = db.pager();
    let stats = match &entry.kind {
        TableKind::Node { .. } => {
            let data = snap.meta.node(entry.id).cloned().unwrap_or_default();
            // A write session: only the index pages the new keys touch are copied; a failed
            // copy abandons it (on drop) and the committed index stays untouched.
            let mut keys = IndexWrite::begin(pager, index_of(&entry, &data)?);
            let (mut new, stats) = match query {
                Some(q) => {
                    let types: Vec<LogicalType> =
                        entry.properties.iter().map(|p| p.ty.clone()).collect();
                    let mut rows = query_batches(conn, view, q, params, &types, data.num_rows)?;
                    let input = CopyInput::Batches {
                        display: table_name.to_string(),
                        batches: &mut rows,
                    };
                    let (new, mut stats) =
                        copy_nodes_from(pager, &entry, &data, &mut keys, input, settings)?;
                    let skipped = rows.load_warnings();
                    stats.skipped += skipped.len() as u64;
                    stats.warnings.extend(skipped);
                    (new, stats)
                }
                None => copy_nodes(pager, &entry, &data, &mut keys, sources, settings)?,
            };
            keys.commit(&mut new)?;
            snap.meta.tables.insert(entry.id, TableData::Node(new));
            stats
        }
        TableKind::Rel { pairs, .. } => {
            let pair = pick_pair(snap, &entry.name, pairs, plan)?;
            let (from, to) = pairs[pair];
            let node = |id: u64| snap.meta.node(id).cloned().unwrap_or_default();
            let (fdata, tdata) = (node(from), node(to));
            let fentry = snap
                .catalog
                .table_by_id(from)
                .cloned()
                .ok_or_else(|| Error::Catalog("missing FROM table".into()))?;
            let tentry = snap
                .catalog
                .table_by_id(to)
                .cloned()
                .ok_or_else(|| Error::Catalog("missing TO table".into()))?;
            let fkeys = index_of(&fentry, &fdata)?;
            let tkeys = if from == to {
                None
            } else {
                Some(index_of(&tentry, &tdata)?)
            };
            let data = snap.meta.rel(entry.id).cloned().unwrap_or_default();
            let mut rows = match query {
                Some(q) => {
                    let key = |e: &crate::catalog::TableEntry| {
                        // A SERIAL key is given as INT64 by the query.
                        e.primary_key()
                            .map(|p| match p.ty {
                                LogicalType::Serial => LogicalType::Int64,
                                ref t => t.clone(),
                            })
                            .ok_or_else(|| Error::Copy(format!("{} has no primary key", e.name)))
                    };
                    let mut types = vec![key(&fentry)?, key(&tentry)?];
                    types.extend(entry.properties.iter().map(|p| p.ty.clone()));
                    Some(query_batches(conn, view, q, params, &types, data.num_rels)?)
                }
                None => None,
            };
            let input = match rows.as_mut() {
                Some(r) => CopyInput::Batches {
                    display: table_name.to_string(),
                    batches: r,
                },
                None => CopyInput::Files(sources),
            };
            let (new, mut stats) = copy_rels_from(
                pager,
                &snap.catalog,
                &entry,
                &data,
                pair,
                (fdata.num_rows, tdata.num_rows),
                (&fkeys, tkeys.as_ref().unwrap_or(&fkeys)),
                input,
                settings,
            )?;
            if let Some(r) = &rows {
                let skipped = r.load_warnings();
                stats.skipped += skipped.len() as u64;
                stats.warnings.extend(skipped);
            }
            snap.meta.tables.insert(entry.id, TableData::Rel(new));
            stats
        }
    };
    Ok((entry.name.clone(), stats))
}

/// `CREATE NODE TABLE T AS query` (the query's columns become the properties, the first
/// one the primary key) and `CREATE REL TABLE T (FROM a TO b) AS query` (the first two
/// columns are the endpoint keys, the rest the properties), then the query's rows are
/// copied in; the table exists only if the copy succeeds.
fn create_table_as(
    conn: &ClientContext,
    kind: &StatementKind,
    params: &Params,
) -> Result<QueryResult> {
    let (name, if_not_exists, query) = match kind {
        StatementKind::CreateNodeTable(t) => (&t.name, t.if_not_exists, &t.as_query),
        StatementKind::CreateRelTable(t) => (&t.name, t.if_not_exists, &t.as_query),
        _ => return Err(Error::Runtime("not a CREATE TABLE statement".into())),
    };
    let Some(query) = query.as_deref() else {
        return Err(Error::Runtime("CREATE TABLE without AS query".into()));
    };
    if if_not_exists && read_view(conn).snap.catalog.table(name).is_some() {
        return Ok(QueryResult::message(Created::Existed.message(name)));
    }
    let columns = {
        let snap = read_view(conn).snap;
        let (_, out) = crate::planner::query::Planner::new(&snap, params).plan_query(query)?;
        out.into_iter()
            .map(|o| crate::catalog::Property::new(o.name, o.ty))
            .collect::<Vec<_>>()
    };
    let plan = copy_options(&[])?;
    let settings = CopySettings {
        threads: conn.config().threads.max(1),
        csv: plan.csv.clone(),
    };
    page_change(conn, |view, snap| {
        match kind {
            StatementKind::CreateNodeTable(_) => {
                let pk = columns
                    .first()
                    .ok_or_else(|| Error::Binder("Can not find primary key.".into()))?;
                crate::loader::keys::check_pk_type(&pk.ty)?;
                let id = snap
                    .catalog
                    .add_node_table(name, columns.clone(), &pk.name)?;
                snap.meta
                    .tables
                    .insert(id, TableData::Node(NodeTableData::default()));
            }
            StatementKind::CreateRelTable(t) => {
                if t.connections.len() != 1 {
                    return Err(Error::Binder(
                        "Multiple FROM/TO pairs are not supported for CREATE REL TABLE AS.".into(),
                    ));
                }
                if columns.len() < 2 {
                    return Err(Error::Binder(format!(
                        "Query returns {} columns but at least 2 columns were expected.",
                        columns.len()
                    )));
                }
                let (src, dst) = crate::binder::ddl::multiplicity(t.multiplicity.as_deref())?;
                let pairs: Vec<(String, String)> = t
                    .connections
                    .iter()
                    .map(|c| (c.from.clone(), c.to.clone()))
                    .collect();
                let id =
                    snap.catalog
                        .add_rel_table(name, &pairs, columns[2..].to_vec(), src, dst)?;
                snap.meta
                    .tables
                    .insert(id, TableData::Rel(RelTableData::default()));
            }
            _ => {}
        }
        copy_rows(
            conn,
            view,
            snap,
            name,
            Some(query),
            &[],
            &plan,
            &settings,
            params,
        )?;
        Ok(QueryResult::message(Created::Table(0).message(name)))
    })
}

fn pick_pair(snap: &State, name: &str, pairs: &[(u64, u64)], plan: &CopyPlan) -> Result<usize> {
    if pairs.len() == 1 && plan.from.is_none() && plan.to.is_none() {
        return Ok(0);
    }
    let (Some(f), Some(t)) = (&plan.from, &plan.to) else {
        return Err(Error::Binder(format!(
            "The table {name} has multiple FROM and TO pairs defined in the schema. A specific pair of FROM and TO options is expected when copying data into the {name} table."
        )));
    };
    let id = |n: &str| snap.catalog.table(n).map(|e| e.id);
    pairs
        .iter()
        .position(|&(a, b)| Some(a) == id(f) && Some(b) == id(t))
        .ok_or_else(|| {
            Error::Binder(format!(
                "REL table {name} does not contain {f}-{t} from-to connections."
            ))
        })
}

/// The memory budget a statement's materialized rows are charged to: the database's buffer
/// pool, as the query's operators are.
fn query_budget(conn: &ClientContext) -> std::sync::Arc<dyn crate::exec::MemoryBudget> {
    std::sync::Arc::new(crate::query::budget::PoolBudget {
        store: conn.store().clone(),
    })
}

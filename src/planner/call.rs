//! Table functions (`CALL f(args) [WHERE ...] [YIELD ...] RETURN ...`) and the standalone
//! `CALL` statements (`CALL name=value`, `CALL clear_warnings()`).
//!
//! Owns: the registry of table functions (`TABLE_FUNCTIONS`: name, parameter types, whether
//! it may run without RETURN, and a function from the catalog snapshot, the connection and
//! the constant arguments to the output columns and rows), each function's output in Kuzu's
//! column names and types, the YIELD rules, and Kuzu's ids of catalog tables. The planner
//! (`planner::query`, `ReadingClause::Call`) evaluates the call once and feeds its rows to a
//! `Plan::TableFunction` source. To add a function, add an entry to `TABLE_FUNCTIONS`.

use crate::binder::expr::{expr_name, variables, ExprBinder};
use crate::catalog::{Catalog, TableEntry, TableKind};
use crate::context::ClientContext;
use crate::cypher::ast::{Expr, ExprKind, FunctionArg, YieldItem};
use crate::error::{Error, Result};
use crate::exec::context::EvalContext;
use crate::exec::expr::eval_constant;
use crate::settings;
use crate::storage::table::NODE_GROUP_SIZE;
use crate::transaction::Snapshot;
use crate::types::{LogicalType, Value};

/// What a table function sees.
pub struct CallInput<'a> {
    pub snap: &'a Snapshot,
    /// The calling connection (absent when a plan is built without one, e.g. in tests).
    pub client: Option<&'a ClientContext>,
    /// The arguments, already converted to the parameter types.
    pub args: Vec<Value>,
}

/// What a table function returns: its columns (Kuzu's names and types) and all its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct CallOutput {
    pub columns: Vec<(String, LogicalType)>,
    pub rows: Vec<Vec<Value>>,
}

pub struct TableFunction {
    /// Lower-case name (calls match case-insensitively).
    pub name: &'static str,
    /// Parameter types; arguments are cast to them.
    pub params: &'static [LogicalType],
    /// May be called without RETURN (`CALL clear_warnings()`); Kuzu refuses RETURN then.
    pub standalone: bool,
    pub run: fn(&CallInput) -> Result<CallOutput>,
}

/// Every table function ruzu has.
pub static TABLE_FUNCTIONS: &[TableFunction] = &[
    TableFunction {
        name: "show_tables",
        params: &[],
        standalone: false,
        run: show_tables,
    },
    TableFunction {
        name: "table_info",
        params: &[LogicalType::String],
        standalone: false,
        run: table_info,
    },
    TableFunction {
        name: "show_connection",
        params: &[LogicalType::String],
        standalone: false,
        run: show_connection,
    },
    TableFunction {
        name: "current_setting",
        params: &[LogicalType::String],
        standalone: false,
        run: current_setting,
    },
    TableFunction {
        name: "db_version",
        params: &[],
        standalone: false,
        run: db_version,
    },
    TableFunction {
        name: "show_warnings",
        params: &[],
        standalone: false,
        run: show_warnings,
    },
    TableFunction {
        name: "clear_warnings",
        params: &[],
        standalone: true,
        run: clear_warnings,
    },
    TableFunction {
        name: "_cache_array_column_locally",
        params: &[LogicalType::String, LogicalType::String],
        standalone: true,
        run: cache_array_column_locally,
    },
    TableFunction {
        name: "show_functions",
        params: &[],
        standalone: false,
        run: show_functions,
    },
    TableFunction {
        name: "show_official_extensions",
        params: &[],
        standalone: false,
        run: show_official_extensions,
    },
    TableFunction {
        name: "show_loaded_extensions",
        params: &[],
        standalone: false,
        run: show_loaded_extensions,
    },
    TableFunction {
        name: "storage_info",
        params: &[LogicalType::String],
        standalone: false,
        run: storage_info,
    },
    TableFunction {
        name: "stats_info",
        params: &[LogicalType::String],
        standalone: false,
        run: stats_info,
    },
    TableFunction {
        name: "file_info",
        params: &[],
        standalone: false,
        run: file_info,
    },
    TableFunction {
        name: "fsm_info",
        params: &[],
        standalone: false,
        run: fsm_info,
    },
    TableFunction {
        name: "show_sequences",
        params: &[],
        standalone: false,
        run: show_sequences,
    },
    TableFunction {
        name: "show_macros",
        params: &[],
        standalone: false,
        run: show_macros,
    },
    TableFunction {
        name: "bm_info",
        params: &[],
        standalone: false,
        run: bm_info,
    },
];

/// The table function named `name` (case-insensitively).
pub fn lookup(name: &str) -> Option<&'static TableFunction> {
    TABLE_FUNCTIONS
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(name))
}

/// Resolves `name` for a CALL with RETURN (`standalone` false) or without: Kuzu's errors for
/// unknown functions, scalar functions and the wrong form.
pub fn resolve(name: &str, standalone: bool) -> Result<&'static TableFunction> {
    let Some(f) = lookup(name) else {
        if crate::exec::function::registry().contains(name) {
            return Err(Error::Binder(format!(
                "{name} is not a table or algorithm function."
            )));
        }
        return Err(Error::Catalog(format!("function {name} does not exist.")));
    };
    if f.standalone && !standalone {
        return Err(Error::Binder(format!(
            "{name} is not a table or algorithm function."
        )));
    }
    if !f.standalone && standalone {
        return Err(Error::Binder(
            "Only standalone table functions can be called without return statement.".into(),
        ));
    }
    Ok(f)
}

/// Binds and evaluates a constant expression (a CALL argument or option value): it may not
/// refer to variables of the query (Kuzu: "a.x has type PROPERTY but LITERAL,... expected").
pub fn constant(binder: &ExprBinder, e: &Expr, expected: &str) -> Result<(Value, LogicalType)> {
    if !variables(e).is_empty() {
        let kind = match &e.kind {
            ExprKind::Property { .. } => "PROPERTY",
            ExprKind::Variable(_) => "VARIABLE",
            _ => "FUNCTION",
        };
        return Err(Error::Binder(format!(
            "{} has type {kind} but {expected} was expected.",
            expr_name(e)
        )));
    }
    let b = binder.bind(e)?;
    let v = eval_constant(&b, &EvalContext::default())?;
    Ok((v, b.ty))
}

/// The constant arguments of a call.
pub fn bind_args(binder: &ExprBinder, args: &[FunctionArg]) -> Result<Vec<(Value, LogicalType)>> {
    args.iter()
        .map(|a| constant(binder, &a.value, "LITERAL,PARAMETER,PATTERN"))
        .collect()
}

/// Checks the argument count and casts the arguments to the parameter types.
pub fn convert_args(f: &TableFunction, args: Vec<(Value, LogicalType)>) -> Result<Vec<Value>> {
    if args.len() != f.params.len() {
        let list = |v: Vec<String>| format!("({})", v.join(","));
        return Err(Error::Binder(format!(
            "Function {} did not receive correct arguments:\nActual:   {}\nExpected: {}",
            f.name,
            list(args.iter().map(|(_, t)| t.to_string()).collect()),
            list(f.params.iter().map(|t| t.to_string()).collect()),
        )));
    }
    args.into_iter()
        .zip(f.params)
        .map(|((v, _), p)| {
            Ok(match p {
                LogicalType::String if !v.is_null() => match v {
                    Value::String(s) => Value::String(s),
                    other => Value::String(settings::render(&other)),
                },
                _ => v,
            })
        })
        .collect()
}

/// The variable names a call binds: its column names, or the YIELD items (which must name
/// every output column, in order, each optionally renamed). Errors in Kuzu's words.
pub fn yield_names(columns: &[(String, LogicalType)], items: &[YieldItem]) -> Result<Vec<String>> {
    if items.is_empty() {
        return Ok(columns.iter().map(|(n, _)| n.clone()).collect());
    }
    if items.len() > columns.len() {
        return Err(Error::Binder(
            "The number of variables in the yield clause exceeds the number of output variables of the table function.".into(),
        ));
    }
    if items.len() < columns.len() {
        return Err(Error::Binder(
            "Output variables must all appear in the yield clause.".into(),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for (item, (col, _)) in items.iter().zip(columns) {
        if !item.name.eq_ignore_ascii_case(col) {
            return Err(Error::Binder(format!(
                "Unknown table function output variable name: {}.",
                item.name
            )));
        }
        let name = item.alias.clone().unwrap_or_else(|| item.name.clone());
        if out.contains(&name) {
            return Err(Error::Binder(format!("Variable {name} already exists.")));
        }
        out.push(name);
    }
    Ok(out)
}

fn string_arg(input: &CallInput, i: usize) -> String {
    match input.args.get(i) {
        Some(Value::String(s)) => s.clone(),
        Some(v) if !v.is_null() => settings::render(v),
        _ => String::new(),
    }
}

fn cols(list: &[(&str, LogicalType)]) -> Vec<(String, LogicalType)> {
    list.iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect()
}

fn need_conn<'a>(input: &CallInput<'a>) -> Result<&'a ClientContext> {
    input
        .client
        .ok_or_else(|| Error::Runtime("this function needs a connection".into()))
}

/// Kuzu's catalog id of table `t` as `show_tables` shows it (the catalog numbers rel tables
/// as Kuzu does: one id per FROM/TO pair, then the table's own).
pub fn kuzu_table_id(_cat: &Catalog, t: &TableEntry) -> u64 {
    t.group_id()
}

fn show_tables(input: &CallInput) -> Result<CallOutput> {
    let cat = &input.snap.catalog;
    let rows = cat
        .tables
        .iter()
        .map(|t| {
            vec![
                Value::UInt64(kuzu_table_id(cat, t)),
                Value::String(t.name.clone()),
                Value::String(if t.is_node() { "NODE" } else { "REL" }.into()),
                Value::String("local(kuzu)".into()),
                Value::String(t.comment.clone()),
            ]
        })
        .collect();
    Ok(CallOutput {
        columns: cols(&[
            ("id", LogicalType::UInt64),
            ("name", LogicalType::String),
            ("type", LogicalType::String),
            ("database name", LogicalType::String),
            ("comment", LogicalType::String),
        ]),
        rows,
    })
}

fn show_sequences(input: &CallInput) -> Result<CallOutput> {
    let rows = input
        .snap
        .catalog
        .sequences
        .iter()
        .map(|q| {
            vec![
                Value::String(q.name.clone()),
                Value::String("local(kuzu)".into()),
                Value::Int64(q.start),
                Value::Int64(q.increment),
                Value::Int64(q.min),
                Value::Int64(q.max),
                Value::Bool(q.cycle),
            ]
        })
        .collect();
    Ok(CallOutput {
        columns: cols(&[
            ("name", LogicalType::String),
            ("database name", LogicalType::String),
            ("start value", LogicalType::Int64),
            ("increment", LogicalType::Int64),
            ("min value", LogicalType::Int64),
            ("max value", LogicalType::Int64),
            ("cycle", LogicalType::Bool),
        ]),
        rows,
    })
}

fn show_macros(input: &CallInput) -> Result<CallOutput> {
    let rows = input
        .snap
        .catalog
        .macros
        .iter()
        .map(|m| {
            let mut args: Vec<String> = m.params.clone();
            args.extend(m.defaults.iter().map(|(n, d)| format!("{n}:={d}")));
            vec![
                Value::String(m.name.clone()),
                Value::String(format!(
                    "CREATE MACRO `{}` ({}) AS {};",
                    m.name,
                    args.join(","),
                    m.body
                )),
            ]
        })
        .collect();
    Ok(CallOutput {
        columns: cols(&[
            ("name", LogicalType::String),
            ("definition", LogicalType::String),
        ]),
        rows,
    })
}

fn table_info(input: &CallInput) -> Result<CallOutput> {
    let name = string_arg(input, 0);
    let t = input
        .snap
        .catalog
        .table(&name)
        .ok_or_else(|| Error::Catalog(format!("{name} does not exist in catalog.")))?;
    let node = t.is_node();
    let pk = match t.kind {
        TableKind::Node { primary_key } => Some(primary_key),
        TableKind::Rel { .. } => None,
    };
    let rows = t
        .properties
        .iter()
        .enumerate()
        .map(|(i, p)| {
            // A rel table's property 0 is Kuzu's internal _ID.
            let id = if node { i } else { i + 1 };
            vec![
                Value::Int32(id as i32),
                Value::String(p.name.clone()),
                Value::String(p.ty.to_string()),
                // Kuzu keeps no default expression for a SERIAL column.
                Value::String(if p.ty == LogicalType::Serial {
                    String::new()
                } else {
                    p.default_text().to_string()
                }),
                if node {
                    Value::Bool(pk == Some(i))
                } else {
                    Value::String(t.storage_direction.name().into())
                },
            ]
        })
        .collect();
    let last = if node {
        ("primary key", LogicalType::Bool)
    } else {
        ("storage_direction", LogicalType::String)
    };
    Ok(CallOutput {
        columns: cols(&[
            ("property id", LogicalType::Int32),
            ("name", LogicalType::String),
            ("type", LogicalType::String),
            ("default expression", LogicalType::String),
            last,
        ]),
        rows,
    })
}

fn show_connection(input: &CallInput) -> Result<CallOutput> {
    let name = string_arg(input, 0);
    let cat = &input.snap.catalog;
    let pairs = match cat.table(&name).map(|t| &t.kind) {
        Some(TableKind::Rel { pairs, .. }) => pairs,
        _ => {
            return Err(Error::Binder(
                "Show connection can only be called on a rel table!".into(),
            ))
        }
    };
    let node = |id: u64| -> (String, String) {
        match cat.table_by_id(id) {
            Some(t) => (
                t.name.clone(),
                t.primary_key().map(|p| p.name.clone()).unwrap_or_default(),
            ),
            None => (String::new(), String::new()),
        }
    };
    let rows = pairs
        .iter()
        .map(|&(f, t)| {
            let (fname, fpk) = node(f);
            let (tname, tpk) = node(t);
            vec![
                Value::String(fname),
                Value::String(tname),
                Value::String(fpk),
                Value::String(tpk),
            ]
        })
        .collect();
    Ok(CallOutput {
        columns: cols(&[
            ("source table name", LogicalType::String),
            ("destination table name", LogicalType::String),
            ("source table primary key", LogicalType::String),
            ("destination table primary key", LogicalType::String),
        ]),
        rows,
    })
}

fn current_setting(input: &CallInput) -> Result<CallOutput> {
    let name = string_arg(input, 0);
    let v = need_conn(input)?.setting(&name)?;
    Ok(CallOutput {
        columns: vec![(name, LogicalType::String)],
        rows: vec![vec![Value::String(settings::render(&v))]],
    })
}

fn db_version(_: &CallInput) -> Result<CallOutput> {
    Ok(CallOutput {
        columns: cols(&[("version", LogicalType::String)]),
        rows: vec![vec![Value::String(env!("CARGO_PKG_VERSION").into())]],
    })
}

fn show_warnings(input: &CallInput) -> Result<CallOutput> {
    let rows = need_conn(input)?
        .warnings()
        .into_iter()
        .map(|w| {
            vec![
                Value::UInt64(w.query_id),
                Value::String(w.warning.message),
                Value::String(w.warning.file_path),
                Value::UInt64(w.warning.line_number),
                Value::String(w.warning.skipped_line_or_record),
            ]
        })
        .collect();
    Ok(CallOutput {
        columns: cols(&[
            ("query_id", LogicalType::UInt64),
            ("message", LogicalType::String),
            ("file_path", LogicalType::String),
            ("line_number", LogicalType::UInt64),
            ("skipped_line_or_record", LogicalType::String),
        ]),
        rows,
    })
}

fn clear_warnings(input: &CallInput) -> Result<CallOutput> {
    need_conn(input)?.clear_warnings();
    Ok(CallOutput {
        columns: Vec::new(),
        rows: Vec::new(),
    })
}

/// Kuzu caches an ARRAY column in memory for vector search; ruzu only checks the column.
fn cache_array_column_locally(input: &CallInput) -> Result<CallOutput> {
    let table = string_arg(input, 0);
    let column = string_arg(input, 1);
    let t = input
        .snap
        .catalog
        .table(&table)
        .ok_or_else(|| Error::Binder(format!("Table {table} does not exist.")))?;
    let p = t
        .properties
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(&column))
        .ok_or_else(|| {
            Error::Binder(format!(
                "Column {column} does not exist in table {}.",
                t.name
            ))
        })?;
    if !matches!(p.ty, LogicalType::Array(..)) {
        return Err(Error::Binder(format!(
            "Column {column} is not of the expected type ARRAY."
        )));
    }
    Ok(CallOutput {
        columns: Vec::new(),
        rows: Vec::new(),
    })
}

fn show_functions(_: &CallInput) -> Result<CallOutput> {
    let reg = crate::exec::function::registry();
    let mut rows = Vec::new();
    for name in reg.names() {
        for o in reg.get(&name).unwrap_or(&[]) {
            rows.push(vec![
                Value::String(name.clone()),
                Value::String("SCALAR FUNCTION".into()),
                Value::String(o.signature()),
            ]);
        }
    }
    Ok(CallOutput {
        columns: cols(&[
            ("name", LogicalType::String),
            ("type", LogicalType::String),
            ("signature", LogicalType::String),
        ]),
        rows,
    })
}

const OFFICIAL_EXTENSIONS: &[(&str, &str)] = &[
    ("ALGO", "Adds support for graph algorithms"),
    ("AZURE", "Adds support for reading from azure blob storage"),
    ("DELTA", "Adds support for reading from delta tables"),
    ("DUCKDB", "Adds support for reading from duckdb tables"),
    ("FTS", "Adds support for full-text search indexes"),
    (
        "HTTPFS",
        "Adds support for reading and writing files over a HTTP(S)/S3 filesystem",
    ),
    ("ICEBERG", "Adds support for reading from iceberg tables"),
    ("JSON", "Adds support for JSON operations"),
    ("LLM", "Adds support for LLM operations"),
    (
        "NEO4J",
        "Adds support for migrating nodes and rels from neo4j to kuzu",
    ),
    ("POSTGRES", "Adds support for reading from POSTGRES tables"),
    ("SQLITE", "Adds support for reading from SQLITE tables"),
    (
        "UNITY_CATALOG",
        "Adds support for scanning delta tables registered in unity catalog",
    ),
];

fn show_official_extensions(_: &CallInput) -> Result<CallOutput> {
    Ok(CallOutput {
        columns: cols(&[
            ("name", LogicalType::String),
            ("description", LogicalType::String),
        ]),
        rows: OFFICIAL_EXTENSIONS
            .iter()
            .map(|(n, d)| vec![Value::String(n.to_string()), Value::String(d.to_string())])
            .collect(),
    })
}

fn show_loaded_extensions(_: &CallInput) -> Result<CallOutput> {
    Ok(CallOutput {
        columns: cols(&[
            ("extension name", LogicalType::String),
            ("extension source", LogicalType::String),
            ("extension path", LogicalType::String),
        ]),
        rows: Vec::new(),
    })
}

/// A node table's cardinality and each property's number of distinct values (NULL counts as
/// one value; nested types report 0, as in Kuzu, which keeps no distinct count for them).
fn stats_info(input: &CallInput) -> Result<CallOutput> {
    let name = string_arg(input, 0);
    let t = input
        .snap
        .catalog
        .table(&name)
        .ok_or_else(|| Error::Binder(format!("Table {name} does not exist!")))?;
    if !t.is_node() {
        return Err(Error::Binder(format!(
            "Stats from a non-node table {} is not supported yet!",
            t.name
        )));
    }
    let pool = need_conn(input)?.store().pager().pool();
    let end = input.snap.node_end(t.id);
    let mut row = vec![Value::Int64(input.snap.node_count(t.id) as i64)];
    let mut columns = vec![("cardinality".to_string(), LogicalType::Int64)];
    for (i, p) in t.properties.iter().enumerate() {
        columns.push((format!("{}_distinct_count", p.name), LogicalType::Int64));
        let nested = matches!(
            p.ty,
            LogicalType::List(_)
                | LogicalType::Array(..)
                | LogicalType::Struct(_)
                | LogicalType::Map(..)
                | LogicalType::Union(_)
        );
        if nested {
            row.push(Value::Int64(0));
            continue;
        }
        let mut seen = std::collections::HashSet::new();
        let batch = crate::exec::chunk::VECTOR_CAPACITY as u64;
        let mut start = 0;
        while start < end {
            // Batches stay inside one node group.
            let room = NODE_GROUP_SIZE - start % NODE_GROUP_SIZE;
            let n = batch.min(end - start).min(room) as usize;
            let mut col = crate::types::vector::Column::new(p.ty.clone());
            input.snap.scan_node(pool, t.id, i, start, n, &mut col)?;
            let dead = input.snap.node_dead(pool, t.id, start, n)?;
            for k in 0..n {
                if dead.binary_search(&k).is_err() {
                    seen.insert(format!("{:?}", col.get(k)));
                }
            }
            start += n as u64;
        }
        row.push(Value::Int64(seen.len() as i64));
    }
    Ok(CallOutput {
        columns,
        rows: vec![row],
    })
}

/// The database file's size in pages.
fn file_info(input: &CallInput) -> Result<CallOutput> {
    let pages = need_conn(input)?.store().pager().page_count();
    Ok(CallOutput {
        columns: cols(&[("num_pages", LogicalType::UInt64)]),
        rows: vec![vec![Value::UInt64(pages)]],
    })
}

/// The free page ranges of the database file (reusable ones).
fn fsm_info(input: &CallInput) -> Result<CallOutput> {
    let alloc = need_conn(input)?.store().pager().allocator();
    Ok(CallOutput {
        columns: cols(&[
            ("start_page_idx", LogicalType::UInt64),
            ("num_pages", LogicalType::UInt64),
        ]),
        rows: alloc
            .free_ranges()
            .iter()
            .map(|&(s, n)| vec![Value::UInt64(s), Value::UInt64(n)])
            .collect(),
    })
}

fn bm_info(input: &CallInput) -> Result<CallOutput> {
    let limit = match input.client {
        Some(c) => c.config().buffer_pool_size,
        None => 0,
    };
    Ok(CallOutput {
        columns: cols(&[
            ("mem_limit", LogicalType::UInt64),
            ("mem_usage", LogicalType::UInt64),
        ]),
        rows: vec![vec![Value::UInt64(limit), Value::UInt64(0)]],
    })
}

/// Kuzu's `storage_info('T')`: one row per column chunk of each node group (node tables) or
/// CSR group and direction (rel tables). `num_values`, `min` and `max` describe what the
/// calling transaction sees (checkpointed chunks merged with newer versions), so they hold
/// before a checkpoint as after; pages are those of the checkpointed chunk
/// (`start_page_idx` 4294967295 and `IN_MEMORY` for a group with none yet).
fn storage_info(input: &CallInput) -> Result<CallOutput> {
    use crate::storage::column::{ChunkBody, ChunkMeta};
    use crate::transaction::read::{AdjOut, AdjQuery};
    use crate::types::vector::Column;
    let name = string_arg(input, 0);
    let t = input
        .snap
        .catalog
        .table(&name)
        .ok_or_else(|| Error::Binder(format!("Table {name} does not exist!")))?;
    let pool = need_conn(input)?.store().pager().pool();
    fn pages(m: Option<&ChunkMeta>) -> (i64, i64) {
        let run = m.and_then(|m| match &m.body {
            ChunkBody::Fixed { data, .. } | ChunkBody::Bytes { data, .. } => Some(*data),
            _ => None,
        });
        match run {
            Some(r) if r.count > 0 => (r.first as i64, r.count as i64),
            _ => (u32::MAX as i64, 0),
        }
    }
    /// Min and max of the non-null values of `col` (rows not in `dead`) into `acc`.
    fn fold(acc: &mut (Option<Value>, Option<Value>), col: &Column, dead: &[usize]) {
        let mut d = dead.iter().peekable();
        for i in 0..col.len() {
            if d.peek() == Some(&&i) {
                d.next();
                continue;
            }
            let v = col.get(i);
            if v.is_null() {
                continue;
            }
            let lt = |a: &Value, b: &Value| {
                crate::exec::values::compare_values(a, b) == std::cmp::Ordering::Less
            };
            if acc.0.as_ref().is_none_or(|m| lt(&v, m)) {
                acc.0 = Some(v.clone());
            }
            if acc.1.as_ref().is_none_or(|m| lt(m, &v)) {
                acc.1 = Some(v);
            }
        }
    }
    let text = |v: Option<Value>| match v {
        Some(v) => Value::String(v.to_string()),
        None => Value::Null,
    };
    let mut rows = Vec::new();
    #[allow(clippy::too_many_arguments)]
    fn row(
        kind: &str,
        group: u64,
        on_disk: bool,
        column: String,
        ty: &LogicalType,
        (start, n_pages): (i64, i64),
        values: u64,
        min: Value,
        max: Value,
    ) -> Vec<Value> {
        vec![
            Value::String(kind.into()),
            Value::Int64(group as i64),
            Value::Int64(0),
            Value::String(if on_disk { "ON_DISK" } else { "IN_MEMORY" }.into()),
            Value::String(column),
            Value::String(ty.to_string()),
            Value::Int64(start),
            Value::Int64(n_pages),
            Value::Int64(values as i64),
            min,
            max,
            Value::String(String::new()),
        ]
    }
    let batch = crate::exec::chunk::VECTOR_CAPACITY as u64;
    if t.is_node() {
        let data = input.snap.meta.node(t.id);
        let end = input.snap.node_end(t.id);
        let groups = end.div_ceil(NODE_GROUP_SIZE);
        for g in 0..groups {
            let lo = g * NODE_GROUP_SIZE;
            let hi = end.min(lo + NODE_GROUP_SIZE);
            let disk = data.and_then(|d| d.groups.get(g as usize));
            for (i, p) in t.properties.iter().enumerate() {
                let mut acc = (None, None);
                let mut start = lo;
                while start < hi {
                    let n = batch.min(hi - start) as usize;
                    let mut col = Column::new(p.ty.clone());
                    input.snap.scan_node(pool, t.id, i, start, n, &mut col)?;
                    let dead = input.snap.node_dead(pool, t.id, start, n)?;
                    fold(&mut acc, &col, &dead);
                    start += n as u64;
                }
                let meta = disk.and_then(|d| d.columns.get(i));
                rows.push(row(
                    "NODE",
                    g,
                    disk.is_some(),
                    p.name.clone(),
                    &p.ty,
                    pages(meta),
                    hi - lo,
                    text(acc.0),
                    text(acc.1),
                ));
            }
        }
    } else if let TableKind::Rel { pairs, .. } = &t.kind {
        let data = input.snap.meta.rel(t.id);
        let dirs: &[crate::storage::table::Dir] = match t.storage_direction {
            crate::catalog::StorageDirection::Both => &[
                crate::storage::table::Dir::Fwd,
                crate::storage::table::Dir::Bwd,
            ],
            crate::catalog::StorageDirection::Fwd => &[crate::storage::table::Dir::Fwd],
            crate::catalog::StorageDirection::Bwd => &[crate::storage::table::Dir::Bwd],
        };
        for (pi, &(from, to)) in pairs.iter().enumerate() {
            for &dir in dirs {
                let (bound, prefix) = match dir {
                    crate::storage::table::Dir::Fwd => (from, "fwd"),
                    crate::storage::table::Dir::Bwd => (to, "bwd"),
                };
                let q = AdjQuery {
                    rel_table: t.id,
                    pair: pi,
                    dir,
                    props: (0..t.properties.len()).map(Some).collect(),
                    prop_types: t.properties.iter().map(|p| p.ty.clone()).collect(),
                    want_ids: true,
                    counts_only: false,
                };
                let end = input.snap.node_end(bound);
                for g in 0..end.div_ceil(NODE_GROUP_SIZE) {
                    let lo = g * NODE_GROUP_SIZE;
                    let hi = end.min(lo + NODE_GROUP_SIZE);
                    let disk = data.and_then(|d| d.pairs.get(pi)).and_then(|p| match dir {
                        crate::storage::table::Dir::Fwd => p.fwd.get(g as usize),
                        crate::storage::table::Dir::Bwd => p.bwd.get(g as usize),
                    });
                    let mut nbr = (None, None);
                    let mut ids = (None, None);
                    let mut accs: Vec<(Option<Value>, Option<Value>)> =
                        vec![(None, None); t.properties.len()];
                    let mut count = 0u64;
                    let mut start = lo;
                    while start < hi {
                        let n = batch.min(hi - start) as usize;
                        let mut out = AdjOut::new(&q);
                        input.snap.adjacency(pool, &q, start, n, &mut out)?;
                        count += out.nbrs.len() as u64;
                        let as_col = |v: &[u64]| {
                            let mut c = Column::new(LogicalType::UInt64);
                            for x in v {
                                c.push_value(&Value::UInt64(*x));
                            }
                            c
                        };
                        fold(&mut nbr, &as_col(&out.nbrs), &[]);
                        fold(&mut ids, &as_col(&out.ids), &[]);
                        for (a, c) in accs.iter_mut().zip(&out.props) {
                            fold(a, c, &[]);
                        }
                        start += n as u64;
                    }
                    let on_disk = disk.is_some();
                    let id_ty = LogicalType::InternalId;
                    rows.push(row(
                        "REL",
                        g,
                        on_disk,
                        format!("{prefix}_NBR_ID"),
                        &id_ty,
                        pages(disk.map(|d| &d.neighbors)),
                        count,
                        text(nbr.0),
                        text(nbr.1),
                    ));
                    rows.push(row(
                        "REL",
                        g,
                        on_disk,
                        format!("{prefix}__ID"),
                        &id_ty,
                        pages(disk.map(|d| &d.rel_ids)),
                        count,
                        text(ids.0),
                        text(ids.1),
                    ));
                    for ((p, a), k) in t.properties.iter().zip(accs).zip(0..) {
                        rows.push(row(
                            "REL",
                            g,
                            on_disk,
                            format!("{prefix}_{}", p.name),
                            &p.ty,
                            pages(disk.and_then(|d| d.properties.get(k))),
                            count,
                            text(a.0),
                            text(a.1),
                        ));
                    }
                }
            }
        }
    }
    Ok(CallOutput {
        columns: cols(&[
            ("table_type", LogicalType::String),
            ("node_group_id", LogicalType::Int64),
            ("node_chunk_id", LogicalType::Int64),
            ("residency", LogicalType::String),
            ("column_name", LogicalType::String),
            ("data_type", LogicalType::String),
            ("start_page_idx", LogicalType::Int64),
            ("num_pages", LogicalType::Int64),
            ("num_values", LogicalType::Int64),
            ("min", LogicalType::String),
            ("max", LogicalType::String),
            ("compression", LogicalType::String),
        ]),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use crate::db::{Connection, Database};
    use crate::test_util::{err, rows};

    fn names(c: &Connection, q: &str) -> Vec<String> {
        c.query(q).unwrap().column_names().to_vec()
    }

    fn setup() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(dir.path().join("db.ruzu")).unwrap();
        let c = db.connect();
        for q in [
            "CREATE NODE TABLE P(id INT64, name STRING, PRIMARY KEY(id))",
            "CREATE NODE TABLE Q(k STRING, s SERIAL, PRIMARY KEY(k))",
            "CREATE REL TABLE K(FROM P TO P, FROM P TO Q, since INT64, notes STRING[])",
            "CREATE REL TABLE L(FROM Q TO Q)",
        ] {
            c.query(q).unwrap();
        }
        (dir, db)
    }

    #[test]
    fn settings_round_trip_per_connection() {
        let (_d, db) = setup();
        let c = db.connect();
        assert_eq!(
            rows(&c, "CALL current_setting('warning_limit') RETURN *"),
            ["8192"]
        );
        c.query("CALL THREADS=3").unwrap();
        c.query("CALL timeout=(1+2+3)*10000").unwrap();
        c.query("CALL progress_bar=CASE WHEN 1<2 THEN True ELSE False END")
            .unwrap();
        assert_eq!(rows(&c, "CALL current_setting('threads') RETURN *"), ["3"]);
        assert_eq!(c.threads(), 3);
        assert_eq!(
            rows(&c, "CALL current_setting('timeout') RETURN *"),
            ["60000"]
        );
        assert_eq!(
            *c.context().timeout.lock(),
            Some(std::time::Duration::from_millis(60000))
        );
        assert_eq!(
            rows(&c, "CALL current_setting('progress_bar') RETURN *"),
            ["True"]
        );
        assert_eq!(
            names(&c, "CALL current_setting('THREADS') RETURN *"),
            ["THREADS"]
        );
        // Connection options stay with their connection; database options are shared.
        c.query("CALL auto_checkpoint=false").unwrap();
        let c2 = db.connect();
        assert_eq!(
            rows(&c2, "CALL current_setting('progress_bar') RETURN *"),
            ["False"]
        );
        assert_eq!(
            rows(&c2, "CALL current_setting('auto_checkpoint') RETURN *"),
            ["False"]
        );
        assert_eq!(
            err(&c, "CALL nothing=1"),
            "Binder exception: Invalid option name: nothing."
        );
        assert_eq!(
            err(&c, "CALL current_setting('nothing') RETURN *"),
            "Runtime exception: Invalid option name: nothing."
        );
        assert_eq!(
            err(&c, "CALL threads=$x"),
            "Binder exception: $x has type PARAMETER but LITERAL was expected."
        );
        assert_eq!(
            err(&c, "CALL threads=1.5"),
            "Binder exception: Expression 1.500000 has data type DOUBLE but expected UINT64. Implicit cast is not supported."
        );
    }

    #[test]
    fn catalog_functions() {
        let (_d, db) = setup();
        let c = db.connect();
        assert_eq!(
            names(&c, "CALL show_tables() RETURN *"),
            ["id", "name", "type", "database name", "comment"]
        );
        assert_eq!(
            rows(&c, "CALL show_tables() RETURN *"),
            [
                "0|P|NODE|local(kuzu)|",
                "1|Q|NODE|local(kuzu)|",
                "4|K|REL|local(kuzu)|",
                "6|L|REL|local(kuzu)|"
            ]
        );
        assert_eq!(
            rows(&c, "CALL table_info('p') RETURN *"),
            ["0|id|INT64|NULL|True", "1|name|STRING|NULL|False"]
        );
        assert_eq!(
            rows(&c, "CALL table_info('Q') RETURN *"),
            ["0|k|STRING|NULL|True", "1|s|SERIAL||False"]
        );
        assert_eq!(
            rows(&c, "CALL table_info('K') RETURN *"),
            ["1|since|INT64|NULL|both", "2|notes|STRING[]|NULL|both"]
        );
        assert_eq!(
            rows(&c, "CALL table_info('P') WHERE name <> 'id' RETURN name"),
            ["name"]
        );
        assert_eq!(
            rows(&c, "CALL show_connection('K') RETURN *"),
            ["P|P|id|id", "P|Q|id|k"]
        );
        assert_eq!(
            err(&c, "CALL show_connection('P') RETURN *"),
            "Binder exception: Show connection can only be called on a rel table!"
        );
        assert_eq!(
            err(&c, "CALL table_info('nope') RETURN *"),
            "Catalog exception: nope does not exist in catalog."
        );
        assert_eq!(
            err(&c, "CALL table_info('P', 'K') RETURN *"),
            "Binder exception: Function table_info did not receive correct arguments:\nActual:   (STRING,STRING)\nExpected: (STRING)"
        );
        assert_eq!(
            rows(&c, "CALL db_version() RETURN version"),
            [env!("CARGO_PKG_VERSION")]
        );
        assert_eq!(
            err(&c, "CALL lower('AAA') RETURN *"),
            "Binder exception: lower is not a table or algorithm function."
        );
        assert_eq!(
            err(&c, "CALL show_tables()"),
            "Binder exception: Only standalone table functions can be called without return statement."
        );
        assert_eq!(
            err(&c, "CALL nofunc() RETURN *"),
            "Catalog exception: function nofunc does not exist."
        );
    }

    #[test]
    fn stats_and_file_info() {
        let (dir, db) = setup();
        let csv = dir.path().join("p.csv");
        std::fs::write(&csv, "1,a\n2,a\n3,\n4,b\n").unwrap();
        let c = db.connect();
        c.query(&format!("COPY P FROM '{}'", csv.display()))
            .unwrap();
        assert_eq!(
            names(&c, "CALL stats_info('P') RETURN *"),
            ["cardinality", "id_distinct_count", "name_distinct_count"]
        );
        assert_eq!(rows(&c, "CALL stats_info('P') RETURN *"), ["4|4|3"]);
        assert_eq!(
            err(&c, "CALL stats_info('nope') RETURN *"),
            "Binder exception: Table nope does not exist!"
        );
        assert_eq!(
            err(&c, "CALL stats_info('K') RETURN *"),
            "Binder exception: Stats from a non-node table K is not supported yet!"
        );
        assert_eq!(rows(&c, "CALL file_info() RETURN num_pages > 0"), ["True"]);
    }

    #[test]
    fn yield_rules() {
        let (_d, db) = setup();
        let c = db.connect();
        assert_eq!(
            rows(&c, "CALL show_connection('L') YIELD `source table name` AS s, `destination table name`, `source table primary key`, `destination table primary key` RETURN s, `destination table name`"),
            ["Q|Q"]
        );
        assert_eq!(
            err(
                &c,
                "CALL table_info('P') YIELD `property id` AS id RETURN *"
            ),
            "Binder exception: Output variables must all appear in the yield clause."
        );
        assert_eq!(
            err(
                &c,
                "CALL current_setting('timeout') YIELD `timeot` AS t RETURN *"
            ),
            "Binder exception: Unknown table function output variable name: timeot."
        );
        assert_eq!(
            err(&c, "CALL current_setting('timeout') YIELD timeout, timeout RETURN *"),
            "Binder exception: The number of variables in the yield clause exceeds the number of output variables of the table function."
        );
        assert_eq!(
            err(
                &c,
                "CALL show_connection('L') CALL show_connection('L') RETURN *"
            ),
            "Binder exception: Variable source table name already exists."
        );
        assert_eq!(
            rows(&c, "CALL current_setting('timeout') YIELD timeout AS t1 CALL current_setting('timeout') RETURN *"),
            ["0|0"]
        );
    }

    #[test]
    fn warnings_and_copy_ignore_errors() {
        let (dir, db) = setup();
        let csv = dir.path().join("p.csv");
        std::fs::write(&csv, "1,a\n2,b,extra\nx,c\n4,d\n").unwrap();
        let c = db.connect();
        c.query("CALL warning_limit=1").unwrap();
        let id = c.query_id() + 1;
        assert_eq!(
            rows(
                &c,
                &format!("COPY P FROM '{}' (ignore_errors=true)", csv.display())
            ),
            [
                "2 tuples have been copied to the P table.".to_string(),
                format!("2 warnings encountered during copy. Use 'CALL show_warnings() RETURN *' to view the actual warnings. Query ID: {id}")
            ]
        );
        assert_eq!(
            names(&c, "CALL show_warnings() RETURN *"),
            [
                "query_id",
                "message",
                "file_path",
                "line_number",
                "skipped_line_or_record"
            ]
        );
        let w = rows(&c, "CALL show_warnings() RETURN query_id, line_number");
        assert_eq!(w, [format!("{id}|2")]);
        // Without skipped records, COPY answers with the one usual row.
        let good = dir.path().join("q.csv");
        std::fs::write(&good, "9,z\n").unwrap();
        assert_eq!(
            rows(
                &c,
                &format!("COPY P FROM '{}' (ignore_errors=true)", good.display())
            ),
            ["1 tuples have been copied to the P table."]
        );
        // Other connections keep their own warnings.
        assert!(rows(&db.connect(), "CALL show_warnings() RETURN *").is_empty());
        assert_eq!(c.query("CALL clear_warnings()").unwrap().count(), 0);
        assert!(rows(&c, "CALL show_warnings() RETURN *").is_empty());
        assert_eq!(
            err(&c, "CALL clear_warnings() RETURN *"),
            "Binder exception: clear_warnings is not a table or algorithm function."
        );
        c.add_warnings(
            40,
            vec![crate::warnings::Warning {
                message: "m".into(),
                file_path: "f".into(),
                line_number: 3,
                skipped_line_or_record: "r".into(),
            }],
        );
        assert_eq!(rows(&c, "CALL show_warnings() RETURN *"), ["40|m|f|3|r"]);
    }

    #[test]
    fn unterminated_quote_warning_depends_on_parallel() {
        let (dir, db) = setup();
        let csv = dir.path().join("p.csv");
        std::fs::write(&csv, "1,a\n2,\"b\n").unwrap();
        let c = db.connect();
        for (t, opt, msg) in [
            ("T0", "", "Quoted newlines are not supported in parallel CSV reader. Please specify PARALLEL=FALSE in the options."),
            ("T1", ", parallel=false", "unterminated quotes."),
        ] {
            c.query(&format!(
                "CREATE NODE TABLE {t}(id INT64, name STRING, PRIMARY KEY(id))"
            ))
            .unwrap();
            c.query(&format!(
                "COPY {t} FROM '{}' (ignore_errors=true{opt})",
                csv.display()
            ))
            .unwrap();
            assert_eq!(rows(&c, "CALL show_warnings() RETURN message"), [msg]);
            c.query("CALL clear_warnings()").unwrap();
        }
    }

    #[test]
    fn query_ids_count_every_statement() {
        let (_d, db) = setup();
        // setup ran 4 statements: ids 0..=3.
        let c = db.connect();
        c.query("RETURN 1").unwrap();
        assert_eq!(c.query_id(), 4);
        let _ = c.query_script("RETURN 1; RETURN 2");
        assert_eq!(c.query_id(), 6);
        // A statement that fails to bind takes no id.
        assert!(c.query("RETURN nope").is_err());
        c.query("RETURN 1").unwrap();
        assert_eq!(c.query_id(), 7);
    }

    #[test]
    fn call_after_match_is_a_cross_product() {
        let (dir, db) = setup();
        let csv = dir.path().join("p.csv");
        std::fs::write(&csv, "1,a\n2,b\n").unwrap();
        let c = db.connect();
        c.query(&format!("COPY P FROM '{}'", csv.display()))
            .unwrap();
        let mut r = rows(
            &c,
            "MATCH (p:P) CALL show_connection('K') RETURN p.id, `destination table name`",
        );
        r.sort();
        assert_eq!(r, ["1|P", "1|Q", "2|P", "2|Q"]);
        assert_eq!(
            err(&c, "MATCH (a:P) CALL show_connection(a.name) RETURN *"),
            "Binder exception: a.name has type PROPERTY but LITERAL,PARAMETER,PATTERN was expected."
        );
    }
}

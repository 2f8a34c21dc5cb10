//! Binding DDL statements: type names to logical types, `CREATE NODE TABLE` and
//! `CREATE REL TABLE` applied to a catalog (used by `ruzu-load`'s schema files and by the
//! statements on an open database), and the schema changes on an open database: `DROP TABLE`,
//! `ALTER TABLE` (add/drop/rename property, rename table) and `COMMENT ON TABLE`, applied to
//! a snapshot's catalog and table data (pages allocated and freed through the pager), with
//! Kuzu's result messages and errors. DEFAULT expressions are evaluated as `RETURN expr`.

use crate::catalog::{Catalog, Multiplicity, Property, TableKind};
use crate::cypher::ast::{
    AlterAction, CreateNodeTable, CreateRelTable, Expr, ExprKind, Literal, PropertyDefinition,
    Statement, StatementKind, TypeName,
};
use crate::db::{Connection, Params, Snapshot};
use crate::error::{Error, Result};
use crate::loader::keys::check_pk_type;
use crate::storage::pager::Pager;
use crate::storage::table::TableData;
use crate::types::cast::parse_type;
use crate::types::{LogicalType, Value};

/// The logical type a type name denotes.
pub fn logical_type(t: &TypeName) -> Result<LogicalType> {
    parse_type(&t.to_string())
}

fn properties(defs: &[PropertyDefinition]) -> Result<Vec<Property>> {
    defs.iter()
        .map(|d| Ok(Property::new(d.name.clone(), logical_type(&d.data_type)?)))
        .collect()
}

/// What a CREATE TABLE did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    Table(u64),
    /// `IF NOT EXISTS` and the table was there.
    Existed,
}

impl Created {
    /// Kuzu's result message.
    pub fn message(&self, name: &str) -> String {
        match self {
            Created::Table(_) => format!("Table {name} has been created."),
            Created::Existed => format!("Table {name} already exists."),
        }
    }
}

pub fn create_node_table(catalog: &mut Catalog, s: &CreateNodeTable) -> Result<Created> {
    if catalog.table(&s.name).is_some() && s.if_not_exists {
        return Ok(Created::Existed);
    }
    if s.as_query.is_some() {
        return Err(Error::NotImplemented(
            "CREATE NODE TABLE ... AS query".into(),
        ));
    }
    let props = properties(&s.properties)?;
    let pk = s
        .primary_key
        .as_deref()
        .ok_or_else(|| Error::Binder("Can not find primary key.".into()))?;
    if let Some(p) = props.iter().find(|p| p.name.eq_ignore_ascii_case(pk)) {
        check_pk_type(&p.ty)?;
    }
    Ok(Created::Table(catalog.add_node_table(&s.name, props, pk)?))
}

/// Kuzu's multiplicity text (`MANY_ONE`, ...) as (source side, destination side).
pub fn multiplicity(text: Option<&str>) -> Result<(Multiplicity, Multiplicity)> {
    let m = |s: &str| match s {
        "ONE" => Some(Multiplicity::One),
        "MANY" => Some(Multiplicity::Many),
        _ => None,
    };
    match text {
        None => Ok((Multiplicity::Many, Multiplicity::Many)),
        Some(t) => {
            let up = t.to_ascii_uppercase();
            up.split_once('_')
                .and_then(|(a, b)| Some((m(a)?, m(b)?)))
                .ok_or_else(|| {
                    Error::Binder(format!("Cannot bind {t} as relationship multiplicity."))
                })
        }
    }
}

pub fn create_rel_table(catalog: &mut Catalog, s: &CreateRelTable) -> Result<Created> {
    if catalog.table(&s.name).is_some() && s.if_not_exists {
        return Ok(Created::Existed);
    }
    if s.as_query.is_some() {
        return Err(Error::NotImplemented(
            "CREATE REL TABLE ... AS query".into(),
        ));
    }
    for o in &s.options {
        if o.name.eq_ignore_ascii_case("storage_direction") {
            let v = match o.value.as_ref().map(|e| &e.kind) {
                Some(ExprKind::Literal(Literal::String(v))) => v.clone(),
                _ => String::new(),
            };
            if !["both", "fwd", "bwd"].contains(&v.to_ascii_lowercase().as_str()) {
                return Err(Error::Runtime(format!(
                    "Cannot parse {v} as ExtendDirection."
                )));
            }
        }
    }
    let props = properties(&s.properties)?;
    let (src, dst) = multiplicity(s.multiplicity.as_deref())?;
    let pairs: Vec<(String, String)> = s
        .connections
        .iter()
        .map(|c| (c.from.clone(), c.to.clone()))
        .collect();
    Ok(Created::Table(
        catalog.add_rel_table(&s.name, &pairs, props, src, dst)?,
    ))
}

/// Records the DEFAULT expressions of `defs` (as written in `stmt`) on the properties of
/// table `table_id` (after CREATE TABLE).
pub fn set_defaults(
    catalog: &mut Catalog,
    table_id: u64,
    defs: &[PropertyDefinition],
    stmt: &Statement,
) {
    if let Some(t) = catalog.tables.iter_mut().find(|t| t.id == table_id) {
        for d in defs {
            if let (Some(e), Some(i)) = (&d.default, t.property_index(&d.name)) {
                t.properties[i].default = Some(stmt.source(e.span).trim().to_string());
            }
        }
    }
}

/// Checks that the DEFAULT expressions of a CREATE TABLE have the column's type or cast to it
/// implicitly (Kuzu binds them at CREATE). Only binder errors count: a default that cannot be
/// evaluated now (e.g. a sequence's `nextval`) is left to the statements that use it.
pub fn check_defaults(
    conn: &Connection,
    defs: &[PropertyDefinition],
    stmt: &Statement,
) -> Result<()> {
    for d in defs {
        if let Some(e) = &d.default {
            let ty = logical_type(&d.data_type)?;
            if let Err(err @ Error::Binder(_)) =
                eval_default(conn, e, stmt.source(e.span).trim(), &ty)
            {
                return Err(err);
            }
        }
    }
    Ok(())
}

/// Evaluates a DEFAULT expression (constant: it sees no variables) and casts it to `ty` as
/// Kuzu binds defaults: implicitly, or a Binder exception naming the expression.
pub fn eval_default(conn: &Connection, expr: &Expr, text: &str, ty: &LogicalType) -> Result<Value> {
    let mut stmts = crate::cypher::parse(&format!("RETURN {text}"))?;
    if stmts.len() != 1 || !matches!(stmts[0].kind, StatementKind::Query(_)) {
        return Err(Error::Binder(format!("Invalid default expression {text}.")));
    }
    let stmt = stmts.remove(0);
    let mut r = crate::query::run(conn, &stmt, &Params::new())?;
    let from = r
        .column_types()
        .first()
        .cloned()
        .unwrap_or(LogicalType::Any);
    let v = match r.next() {
        Some(row) => row?.into_iter().next().unwrap_or(Value::Null),
        None => Value::Null,
    };
    if v.is_null() {
        return Ok(Value::Null);
    }
    if from == *ty {
        return Ok(v);
    }
    if from != LogicalType::Any && !crate::exec::typing::has_implicit_cast(&from, ty) {
        return Err(Error::Binder(format!(
            "Expression {} has data type {from} but expected {ty}. Implicit cast is not supported.",
            crate::binder::expr::expr_name(expr)
        )));
    }
    crate::exec::cast::cast_value(&v, ty)
}

/// `DROP TABLE [IF EXISTS] name`: removes the table from the catalog and frees its pages
/// (column chunks, CSR arrays, primary-key index). Returns Kuzu's message.
pub fn drop_table(
    snap: &mut Snapshot,
    pager: &Pager,
    name: &str,
    if_exists: bool,
) -> Result<String> {
    if snap.catalog.table(name).is_none() && if_exists {
        return Ok(format!("Table {name} does not exist."));
    }
    let entry = snap.catalog.drop_table(name)?;
    if let Some(data) = snap.meta.tables.remove(&entry.id) {
        if let TableData::Node(n) = &data {
            if !n.pk_index.is_empty() {
                let idx = crate::loader::pipeline::index_of(&entry, n)?;
                for p in idx.pages(pager.pool())? {
                    pager.free(p, 1);
                }
            }
        }
        for (_, r) in data.runs() {
            pager.free(r.first, r.count);
        }
    }
    Ok(format!("Table {name} has been dropped."))
}

/// `COMMENT ON TABLE t IS '...'`.
pub fn comment_on_table(snap: &mut Snapshot, table: &str, comment: &str) -> Result<String> {
    let name = snap.catalog.set_comment(table, comment)?;
    Ok(format!("Comment added to table {name}."))
}

/// `ALTER TABLE t ...`. For ADD, `default` is the evaluated DEFAULT value (NULL without one)
/// and `default_text` the expression as written. Returns Kuzu's message.
pub fn alter_table(
    snap: &mut Snapshot,
    pager: &Pager,
    table: &str,
    action: &AlterAction,
    default: (Option<String>, Value),
) -> Result<String> {
    let entry = snap
        .catalog
        .table(table)
        .ok_or_else(|| Error::Binder(format!("Table {table} does not exist.")))?
        .clone();
    let tname = &entry.name;
    match action {
        AlterAction::AddProperty {
            name,
            data_type,
            if_not_exists,
            ..
        } => {
            if entry.property_index(name).is_some() && *if_not_exists {
                return Ok(format!("{tname} table already has property {name}."));
            }
            let ty = logical_type(data_type)?;
            let mut p = Property::new(name.clone(), ty.clone());
            p.default = default.0;
            snap.catalog.add_property(entry.id, p)?;
            if let Some(data) = snap.meta.tables.get_mut(&entry.id) {
                data.add_column(pager, &ty, &default.1)?;
            }
            Ok(format!("Property {name} added to table {tname}."))
        }
        AlterAction::DropProperty { name, if_exists } => {
            let Some(i) = entry.property_index(name) else {
                let msg = format!("{tname} table does not have property {name}.");
                return if *if_exists {
                    Ok(msg)
                } else {
                    Err(Error::Runtime(msg))
                };
            };
            if let TableKind::Node { primary_key } = entry.kind {
                if primary_key == i {
                    return Err(Error::Binder(format!(
                        "Cannot drop property {name} in table {tname} because it is used as primary key."
                    )));
                }
            }
            snap.catalog.drop_property(entry.id, i)?;
            if let Some(data) = snap.meta.tables.get_mut(&entry.id) {
                data.drop_column(pager, i)?;
            }
            Ok(format!(
                "Property {name} has been dropped from table {tname}."
            ))
        }
        AlterAction::RenameProperty { old_name, new_name } => {
            snap.catalog.rename_property(entry.id, old_name, new_name)?;
            Ok(format!("Property {old_name} renamed to {new_name}."))
        }
        AlterAction::RenameTable { new_name } => {
            let old = snap.catalog.rename_table(table, new_name)?;
            Ok(format!("Table {old} renamed to {new_name}."))
        }
        AlterAction::AddConnection { .. } | AlterAction::DropConnection { .. } => Err(
            Error::NotImplemented("ALTER TABLE ADD/DROP FROM ... TO ...".into()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cypher::ast::StatementKind;

    fn apply(c: &mut Catalog, text: &str) -> Result<Created> {
        let stmts = crate::cypher::parse(text)?;
        match &stmts[0].kind {
            StatementKind::CreateNodeTable(s) => create_node_table(c, s),
            StatementKind::CreateRelTable(s) => create_rel_table(c, s),
            other => panic!("not DDL: {other:?}"),
        }
    }

    #[test]
    fn tables_from_ddl() {
        let mut c = Catalog::new();
        assert_eq!(
            apply(
                &mut c,
                "CREATE NODE TABLE Person(id INT64, name STRING, tags STRING[], PRIMARY KEY (id))"
            )
            .unwrap(),
            Created::Table(0)
        );
        apply(
            &mut c,
            "create rel table knows(FROM Person TO Person, since DATE, MANY_ONE)",
        )
        .unwrap();
        let k = c.table("knows").unwrap();
        assert_eq!(k.multiplicity_name().unwrap(), "MANY_ONE");
        assert_eq!(k.properties[0].ty, LogicalType::Date);
        assert_eq!(
            c.table("person").unwrap().properties[2].ty,
            LogicalType::List(Box::new(LogicalType::String))
        );
        assert_eq!(
            apply(
                &mut c,
                "CREATE NODE TABLE IF NOT EXISTS Person(x INT64 PRIMARY KEY)"
            )
            .unwrap(),
            Created::Existed
        );
        assert_eq!(
            apply(&mut c, "CREATE NODE TABLE Person(x INT64 PRIMARY KEY)")
                .unwrap_err()
                .to_string(),
            "Binder exception: Person already exists in catalog."
        );
        assert!(apply(&mut c, "CREATE NODE TABLE T(x DOUBLE PRIMARY KEY)").is_err());
        assert!(apply(&mut c, "CREATE REL TABLE r(FROM Nope TO Person)").is_err());
    }
}

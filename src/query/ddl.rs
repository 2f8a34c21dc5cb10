//! DDL statements as they run: evaluating DEFAULT expressions (a query per expression),
//! dropping tables (their pages freed), COMMENT ON, and ALTER TABLE on stored data. The
//! catalog side of CREATE/ALTER (names, types, Kuzu's binder messages) is `binder::ddl`.

use crate::binder::ddl::{is_volatile, logical_type, DefaultFill};
use crate::catalog::{Catalog, Property, TableKind};
use crate::context::ClientContext;
use crate::cypher::ast::{AlterAction, Expr, PropertyDefinition, Statement, StatementKind};
use crate::error::{Error, Result};
use crate::storage::pager::Pager;
use crate::transaction::State;
use crate::types::{LogicalType, Params, Value};

/// Checks that the DEFAULT expressions of a CREATE TABLE have the column's type or cast to it
/// implicitly (Kuzu binds them at CREATE). Only binder errors count: a default that cannot be
/// evaluated now (e.g. a sequence's `nextval`) is left to the statements that use it.
pub fn check_defaults(
    conn: &ClientContext,
    defs: &[PropertyDefinition],
    stmt: &Statement,
) -> Result<()> {
    for d in defs {
        // Evaluating `nextval` would advance its sequence.
        if let Some(e) = d.default.as_ref().filter(|e| !is_volatile(e)) {
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

/// Evaluates a DEFAULT expression (it sees no variables) `rows` times, in row order, and
/// casts the values to `ty` as Kuzu binds defaults: implicitly, or a Binder exception naming
/// the expression.
pub fn eval_default_rows(
    conn: &ClientContext,
    expr: Option<&Expr>,
    text: &str,
    ty: &LogicalType,
    rows: Option<u64>,
) -> Result<Vec<Value>> {
    let view = crate::query::View::read(conn.snapshot());
    eval_default_rows_in(conn, expr, text, ty, rows, &view)
}

/// `eval_default_rows` in a given statement view (a write transaction's, for `nextval`).
pub fn eval_default_rows_in(
    conn: &ClientContext,
    expr: Option<&Expr>,
    text: &str,
    ty: &LogicalType,
    rows: Option<u64>,
    view: &crate::query::View,
) -> Result<Vec<Value>> {
    let q = match rows {
        None => format!("RETURN {text}"),
        Some(n) => format!("UNWIND range(1, {n}) AS __ruzu_default_row RETURN {text}"),
    };
    let mut stmts = crate::cypher::parse(&q)?;
    if stmts.len() != 1 || !matches!(stmts[0].kind, StatementKind::Query(_)) {
        return Err(Error::Binder(format!("Invalid default expression {text}.")));
    }
    let stmt = stmts.remove(0);
    let r = crate::query::run(conn, &stmt, &Params::new(), view)?;
    let from = r
        .column_types()
        .first()
        .cloned()
        .unwrap_or(LogicalType::Any);
    if from != *ty && from != LogicalType::Any && !crate::exec::typing::has_implicit_cast(&from, ty)
    {
        return Err(Error::Binder(format!(
            "Expression {} has data type {from} but expected {ty}. Implicit cast is not supported.",
            expr.map(crate::binder::expr::expr_name)
                .unwrap_or_else(|| text.to_string())
        )));
    }
    let mut out = Vec::new();
    for row in r {
        let v = row?.into_iter().next().unwrap_or(Value::Null);
        out.push(if v.is_null() || from == *ty {
            v
        } else {
            crate::exec::cast::cast_value(&v, ty)?
        });
    }
    Ok(out)
}

/// Evaluates a constant DEFAULT expression once (see `eval_default_rows`).
pub fn eval_default(
    conn: &ClientContext,
    expr: &Expr,
    text: &str,
    ty: &LogicalType,
) -> Result<Value> {
    Ok(eval_default_rows(conn, Some(expr), text, ty, None)?
        .into_iter()
        .next()
        .unwrap_or(Value::Null))
}

/// The value a new row gets for property `p` when a statement gives it none: its stored
/// DEFAULT evaluated now (NULL without one). For the write paths (CREATE, COPY subsets).
pub fn property_default(conn: &ClientContext, p: &Property) -> Result<Value> {
    match &p.default {
        None => Ok(Value::Null),
        Some(text) => Ok(eval_default_rows(conn, None, text, &p.ty, None)?
            .into_iter()
            .next()
            .unwrap_or(Value::Null)),
    }
}

/// `DROP TABLE [IF EXISTS] name`: removes the table from the catalog (the transaction frees
/// its pages when it sees the table gone). Returns Kuzu's message.
pub fn drop_table(catalog: &mut Catalog, name: &str, if_exists: bool) -> Result<String> {
    if catalog.table(name).is_none() && if_exists {
        return Ok(format!("Table {name} does not exist."));
    }
    catalog.drop_table(name)?;
    Ok(format!("Table {name} has been dropped."))
}

/// `COMMENT ON TABLE t IS '...'`.
pub fn comment_on_table(catalog: &mut Catalog, table: &str, comment: &str) -> Result<String> {
    let name = catalog.set_comment(table, comment)?;
    Ok(format!("Comment added to table {name}."))
}

/// `ALTER TABLE t RENAME ...`: changes of the catalog alone.
pub fn alter_catalog(catalog: &mut Catalog, table: &str, action: &AlterAction) -> Result<String> {
    let entry = catalog
        .table(table)
        .ok_or_else(|| Error::Binder(format!("Table {table} does not exist.")))?
        .clone();
    match action {
        AlterAction::RenameProperty { old_name, new_name } => {
            catalog.rename_property(entry.id, old_name, new_name)?;
            Ok(format!("Property {old_name} renamed to {new_name}."))
        }
        AlterAction::RenameTable { new_name } => {
            let old = catalog.rename_table(table, new_name)?;
            Ok(format!("Table {old} renamed to {new_name}."))
        }
        _ => Err(Error::Runtime("not a rename".into())),
    }
}

/// What an `ALTER TABLE t ADD ... DEFAULT e` gives existing rows, evaluated before the write
/// (the DEFAULT as written, and the values); no DEFAULT (or another action): NULL.
pub fn alter_default(
    conn: &ClientContext,
    stmt: &Statement,
    table: &str,
    action: &AlterAction,
    view: &crate::query::View,
) -> Result<(Option<String>, DefaultFill)> {
    let AlterAction::AddProperty {
        data_type,
        default: Some(e),
        ..
    } = action
    else {
        return Ok((None, DefaultFill::Constant(Value::Null)));
    };
    let snap = view.snap.clone();
    let entry = snap
        .catalog
        .table(table)
        .ok_or_else(|| Error::Binder(format!("Table {table} does not exist.")))?;
    let ty = logical_type(data_type)?;
    if ty == LogicalType::Serial {
        return Err(Error::Binder(
            "No DEFAULT value should be set for SERIAL columns".into(),
        ));
    }
    let text = stmt.source(e.span).trim().to_string();
    let fill = if is_volatile(e) {
        if !entry.is_node() {
            return Err(Error::Runtime(
                "Cannot set a non-constant default value when adding columns on REL tables.".into(),
            ));
        }
        let rows = snap.node_end(entry.id);
        DefaultFill::PerRow(eval_default_rows_in(
            conn,
            Some(e),
            &text,
            &ty,
            Some(rows),
            view,
        )?)
    } else {
        DefaultFill::Constant(eval_default(conn, e, &text, &ty)?)
    };
    Ok((Some(text), fill))
}

/// `ALTER TABLE t ...`. For ADD, `default` is the evaluated DEFAULT value (NULL without one)
/// and `default_text` the expression as written. Returns Kuzu's message.
pub fn alter_table(
    snap: &mut State,
    pager: &Pager,
    table: &str,
    action: &AlterAction,
    default: (Option<String>, DefaultFill),
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
            if ty == LogicalType::Serial {
                // Existing rows would need values from the column's sequence.
                return Err(Error::NotImplemented(
                    "ALTER TABLE ADD of a SERIAL column".into(),
                ));
            }
            let mut p = Property::new(name.clone(), ty.clone());
            p.default = default.0;
            snap.catalog.add_property(entry.id, p)?;
            if let Some(data) = snap.meta.tables.get_mut(&entry.id) {
                match &default.1 {
                    DefaultFill::Constant(v) => data.add_column(pager, &ty, v)?,
                    DefaultFill::PerRow(values) => data.add_column_values(pager, &ty, values)?,
                }
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
        AlterAction::RenameProperty { .. } | AlterAction::RenameTable { .. } => {
            alter_catalog(&mut snap.catalog, table, action)
        }
        AlterAction::AddConnection { .. } | AlterAction::DropConnection { .. } => Err(
            Error::NotImplemented("ALTER TABLE ADD/DROP FROM ... TO ...".into()),
        ),
    }
}

#[cfg(test)]
mod schema_change_tests {
    use crate::db::Database;
    use crate::types::Value;

    fn rows(db: &Database, q: &str) -> Vec<String> {
        crate::test_util::rows(&db.connect(), q)
    }

    fn msg(db: &Database, q: &str) -> String {
        rows(db, q).join("\n")
    }

    fn err(db: &Database, q: &str) -> String {
        crate::test_util::err(&db.connect(), q)
    }

    /// A database with Person(3 rows) and knows(2 rels).
    fn setup(dir: &std::path::Path) -> Database {
        let db = Database::open(dir.join("db.ruzu")).unwrap();
        std::fs::write(dir.join("p.csv"), "id,name,age\n1,a,10\n2,b,20\n3,c,30\n").unwrap();
        std::fs::write(dir.join("k.csv"), "from,to,since\n1,2,2000\n2,3,2001\n").unwrap();
        let c = db.connect();
        for q in [
            "CREATE NODE TABLE Person(id INT64, name STRING, age INT64, PRIMARY KEY(id))"
                .to_string(),
            "CREATE REL TABLE knows(FROM Person TO Person, since INT64)".to_string(),
            format!(
                "COPY Person FROM '{}' (header=true)",
                dir.join("p.csv").display()
            ),
            format!(
                "COPY knows FROM '{}' (header=true)",
                dir.join("k.csv").display()
            ),
        ] {
            c.query(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
        }
        db
    }

    #[test]
    fn add_drop_rename_comment_survive_reopen_and_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.ruzu");
        let db = setup(dir.path());
        assert_eq!(
            msg(
                &db,
                "ALTER TABLE person ADD score INT64 DEFAULT 2 * abs(-2)"
            ),
            "Property score added to table Person."
        );
        assert_eq!(
            msg(
                &db,
                "ALTER TABLE Person ADD tags STRING[] DEFAULT ['x','long string']"
            ),
            "Property tags added to table Person."
        );
        msg(&db, "ALTER TABLE Person ADD nothing STRING");
        msg(&db, "ALTER TABLE Person ADD f FLOAT DEFAULT 5.4");
        msg(&db, "ALTER TABLE Person ADD s STRUCT(a INT64, b STRING[])");
        // Constant and all-NULL columns cost no pages.
        {
            let snap = db.snapshot();
            let t = snap.catalog.table("Person").unwrap();
            let n = snap.meta.node(t.id).unwrap();
            for name in ["score", "nothing", "s"] {
                let i = t.property_index(name).unwrap();
                let mut runs = Vec::new();
                n.groups[0].columns[i].runs(&mut runs);
                assert!(runs.is_empty(), "{name}: {runs:?}");
            }
            // A list of strings: its one value's pages only.
            let mut runs = Vec::new();
            n.groups[0].columns[t.property_index("tags").unwrap()].runs(&mut runs);
            assert!(runs.iter().map(|r| r.1.count).sum::<u64>() <= 3, "{runs:?}");
        }
        assert_eq!(
            rows(&db, "MATCH (p:Person) RETURN p.s, p.s.b IS NULL"),
            ["|True", "|True", "|True"]
        );
        msg(&db, "ALTER TABLE Person DROP s");
        assert_eq!(
            msg(&db, "ALTER TABLE knows ADD w INT64 DEFAULT 7"),
            "Property w added to table knows."
        );
        assert_eq!(
            rows(
                &db,
                "MATCH (p:Person) RETURN p.id, p.score, p.tags, p.nothing, p.f"
            ),
            [
                "1|4|[x,long string]||5.400000",
                "2|4|[x,long string]||5.400000",
                "3|4|[x,long string]||5.400000"
            ]
        );
        assert_eq!(
            rows(&db, "MATCH ()-[k:knows]->() RETURN k.since, k.w"),
            ["2000|7", "2001|7"]
        );
        assert_eq!(
            msg(&db, "ALTER TABLE Person DROP name"),
            "Property name has been dropped from table Person."
        );
        assert_eq!(
            msg(&db, "ALTER TABLE knows DROP since"),
            "Property since has been dropped from table knows."
        );
        assert_eq!(
            msg(&db, "ALTER TABLE Person RENAME age TO years"),
            "Property age renamed to years."
        );
        assert_eq!(
            msg(&db, "ALTER TABLE Person RENAME TO People"),
            "Table Person renamed to People."
        );
        assert_eq!(
            msg(&db, "COMMENT ON TABLE people IS 'who'"),
            "Comment added to table People."
        );
        drop(db);
        crate::inspect::check(&path).unwrap();
        let info = crate::inspect::info(&path).unwrap();
        assert!(
            info.contains(
                "(id INT64 PRIMARY KEY, years INT64, score INT64 DEFAULT 2 * abs(-2), \
                 tags STRING[] DEFAULT ['x','long string'], nothing STRING, f FLOAT DEFAULT 5.4; \
                 comment 'who')"
            ),
            "{info}"
        );
        let db = Database::open(&path).unwrap();
        assert_eq!(
            rows(
                &db,
                "MATCH (p:People) RETURN p.id, p.years, p.score, p.tags"
            ),
            [
                "1|10|4|[x,long string]",
                "2|20|4|[x,long string]",
                "3|30|4|[x,long string]"
            ]
        );
        assert_eq!(
            rows(
                &db,
                "MATCH (a:People)-[k:knows]->(b:People) RETURN a.id, b.id, k.w"
            ),
            ["1|2|7", "2|3|7"]
        );
        assert_eq!(
            err(&db, "MATCH (p:People) RETURN p.name"),
            "Binder exception: Cannot find property name for p."
        );
        let snap = db.snapshot();
        let t = snap.catalog.table("People").unwrap();
        assert_eq!(t.comment, "who");
        let c = db.connect();
        let dflt = |name: &str| {
            super::property_default(c.context(), &t.properties[t.property_index(name).unwrap()])
                .unwrap()
        };
        assert_eq!(dflt("score"), Value::Int64(4));
        assert_eq!(dflt("nothing"), Value::Null);
        assert_eq!(dflt("f"), Value::Float(5.4));
        let ids: Vec<(u32, &str, &str)> = t
            .properties
            .iter()
            .map(|p| (p.id, p.name.as_str(), p.default_text()))
            .collect();
        assert_eq!(
            ids,
            [
                (0, "id", "NULL"),
                (2, "years", "NULL"),
                (3, "score", "2 * abs(-2)"),
                (4, "tags", "['x','long string']"),
                (5, "nothing", "NULL"),
                (6, "f", "5.4")
            ]
        );
        let k = snap.catalog.table("knows").unwrap();
        assert_eq!((k.id, k.group_id()), (1, 2));
        assert_eq!(k.properties[0].id, 2);
    }

    #[test]
    fn schema_change_errors_in_kuzus_words() {
        let dir = tempfile::tempdir().unwrap();
        let db = setup(dir.path());
        let cases = [
            (
                "DROP TABLE Person",
                "Binder exception: Cannot delete node table Person because it is referenced by relationship table knows.",
            ),
            ("DROP TABLE nope", "Binder exception: Table nope does not exist."),
            ("ALTER TABLE nope ADD x INT64", "Binder exception: Table nope does not exist."),
            ("ALTER TABLE nope ADD x INT64 DEFAULT 1", "Binder exception: Table nope does not exist."),
            ("COMMENT ON TABLE nope IS 'x'", "Binder exception: Table nope does not exist."),
            (
                "ALTER TABLE Person DROP ID",
                "Binder exception: Cannot drop property ID in table Person because it is used as primary key.",
            ),
            ("ALTER TABLE Person DROP zz", "Runtime exception: Person table does not have property zz."),
            ("ALTER TABLE Person ADD NAME STRING", "Runtime exception: Person table already has property NAME."),
            ("ALTER TABLE Person RENAME zz TO y", "Runtime exception: Person table does not have property zz."),
            ("ALTER TABLE Person RENAME name TO AGE", "Runtime exception: Person table already has property AGE."),
            ("ALTER TABLE Person RENAME TO KNOWS", "Binder exception: Table KNOWS already exists."),
            (
                "ALTER TABLE Person ADD x INT64 DEFAULT 'wrong type'",
                "Binder exception: Expression wrong type has data type STRING but expected INT64. Implicit cast is not supported.",
            ),
            (
                "CREATE NODE TABLE d(val INT64 default upper('abc'), PRIMARY KEY(val))",
                "Binder exception: Expression UPPER(abc) has data type STRING but expected INT64. Implicit cast is not supported.",
            ),
            (
                "ALTER TABLE Person ADD x SERIAL DEFAULT 1",
                "Binder exception: No DEFAULT value should be set for SERIAL columns",
            ),
            (
                "CREATE REL TABLE r(FROM Person TO Person, FROM Person TO Person)",
                "Binder exception: Found duplicate FROM-TO Person-Person pairs.",
            ),
            (
                "CREATE REL TABLE r(FROM Person TO Person) WITH (storage_direction = 'invalid')",
                "Runtime exception: Cannot parse invalid as ExtendDirection.",
            ),
        ];
        for (q, e) in cases {
            assert_eq!(err(&db, q), e, "{q}");
        }
        assert_eq!(
            msg(&db, "DROP TABLE IF EXISTS nope"),
            "Table nope does not exist."
        );
        assert_eq!(
            msg(&db, "ALTER TABLE Person DROP IF EXISTS zz"),
            "Person table does not have property zz."
        );
        assert_eq!(
            msg(&db, "ALTER TABLE Person ADD IF NOT EXISTS name INT64"),
            "Person table already has property name."
        );
        // Nothing changed.
        assert_eq!(
            rows(&db, "MATCH (p:Person) RETURN p.id, p.name, p.age"),
            ["1|a|10", "2|b|20", "3|c|30"]
        );
    }

    #[test]
    fn copy_after_add_and_drop_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.ruzu");
        let db = setup(dir.path());
        msg(&db, "ALTER TABLE Person ADD s STRING DEFAULT 'dflt'");
        msg(&db, "ALTER TABLE Person DROP name");
        std::fs::write(dir.path().join("p2.csv"), "id,age,s\n4,40,x\n").unwrap();
        let q = format!(
            "COPY Person FROM '{}' (header=true)",
            dir.path().join("p2.csv").display()
        );
        assert_eq!(
            msg(&db, &q),
            "1 tuples have been copied to the Person table."
        );
        assert_eq!(
            rows(&db, "MATCH (p:Person) RETURN p.id, p.age, p.s"),
            ["1|10|dflt", "2|20|dflt", "3|30|dflt", "4|40|x"]
        );
        drop(db);
        crate::inspect::check(&path).unwrap();
    }

    #[test]
    fn non_constant_defaults_give_each_row_its_value() {
        let dir = tempfile::tempdir().unwrap();
        let db = setup(dir.path());
        assert_eq!(
            err(&db, "ALTER TABLE knows ADD u UUID DEFAULT gen_random_uuid()"),
            "Runtime exception: Cannot set a non-constant default value when adding columns on REL tables."
        );
        msg(
            &db,
            "ALTER TABLE Person ADD u UUID DEFAULT gen_random_uuid()",
        );
        assert_eq!(
            rows(
                &db,
                "MATCH (p:Person) RETURN count(DISTINCT p.u), count(p.u)"
            ),
            ["3|3"]
        );
        assert_eq!(
            err(&db, "ALTER TABLE Person ADD v INT64 DEFAULT gen_random_uuid()"),
            "Binder exception: Expression GEN_RANDOM_UUID() has data type UUID but expected INT64. Implicit cast is not supported."
        );
    }

    #[test]
    fn dropped_tables_free_their_pages_for_reuse() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.ruzu");
        let db = setup(dir.path());
        let pages = db.pager().page_count();
        assert_eq!(
            msg(&db, "DROP TABLE knows"),
            "Table knows has been dropped."
        );
        assert_eq!(
            msg(&db, "DROP TABLE person"),
            "Table person has been dropped."
        );
        assert!(db.snapshot().catalog.tables.is_empty());
        assert!(db.snapshot().meta.tables.is_empty());
        // The drops are in the WAL; their pages are free from the next checkpoint on.
        db.connect().query("CHECKPOINT").unwrap();
        // Everything but the checkpoint's own blobs is free once the drops are checkpointed
        // (reusable, or held until no reader has an older snapshot).
        let alloc = db.pager().allocator();
        let held: u64 = alloc.held_ranges().iter().map(|r| r.1).sum();
        assert!(
            alloc.free_page_count() + held + 4 >= pages,
            "{:?}",
            alloc.free_ranges()
        );
        assert_eq!(
            err(&db, "MATCH (p:Person) RETURN count(*)"),
            "Binder exception: Table Person does not exist."
        );
        drop(db);
        crate::inspect::check(&path).unwrap();
        // The same data again fits in the freed pages: the file grows only by the free-list
        // page that each of the 6 checkpoints since appends at its end.
        let db = setup(dir.path());
        assert!(
            db.pager().page_count() <= pages + 6,
            "{} > {pages}",
            db.pager().page_count()
        );
        assert_eq!(rows(&db, "MATCH (p:Person) RETURN count(*)"), ["3"]);
        assert_eq!(db.snapshot().catalog.table("Person").unwrap().id, 3);
        drop(db);
        crate::inspect::check(&path).unwrap();
    }
}

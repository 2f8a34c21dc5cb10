//! Binding DDL statements: type names to logical types, `CREATE NODE TABLE` and
//! `CREATE REL TABLE` applied to a catalog (used by `ruzu-load`'s schema files and by the
//! statements on an open database), and the schema changes on an open database: `DROP TABLE`,
//! `ALTER TABLE` (add/drop/rename property, rename table) and `COMMENT ON TABLE`, applied to
//! a snapshot's catalog and table data (pages allocated and freed through the pager), with
//! Kuzu's result messages and errors. DEFAULT expressions are evaluated as `RETURN expr`.

use crate::catalog::check_pk_type;
use crate::catalog::{Catalog, Multiplicity, Property, StorageDirection};
use crate::cypher::ast::{
    CreateNodeTable, CreateRelTable, Expr, ExprKind, Literal, PropertyDefinition, Statement,
    TypeName,
};
use crate::error::{Error, Result};
use crate::types::cast::parse_type;
use crate::types::{LogicalType, Value};

/// The logical type a type name denotes.
pub fn logical_type(t: &TypeName) -> Result<LogicalType> {
    parse_type(&t.to_string())
}

/// Column names Kuzu reserves for internal columns (`CREATE TABLE` refuses them).
const RESERVED_COLUMN_NAMES: [&str; 12] = [
    "_ID",
    "_LABEL",
    "_SRC",
    "_DST",
    "_DIRECTION",
    "_LENGTH",
    "_NODES",
    "_RELS",
    "_PLACE_HOLDER",
    "_ROW_OFFSET",
    "_SRC_OFFSET",
    "_DST_OFFSET",
];

fn properties(defs: &[PropertyDefinition]) -> Result<Vec<Property>> {
    defs.iter()
        .map(|d| {
            if RESERVED_COLUMN_NAMES
                .iter()
                .any(|r| r.eq_ignore_ascii_case(&d.name))
            {
                return Err(Error::Binder(format!(
                    "{} is a reserved property name.",
                    d.name
                )));
            }
            Ok(Property::new(d.name.clone(), logical_type(&d.data_type)?))
        })
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
    let mut direction = StorageDirection::Both;
    for o in &s.options {
        if o.name.eq_ignore_ascii_case("storage_direction") {
            let v = match o.value.as_ref().map(|e| &e.kind) {
                Some(ExprKind::Literal(Literal::String(v))) => v.clone(),
                _ => String::new(),
            };
            direction = StorageDirection::parse(&v)?;
        }
    }
    let props = properties(&s.properties)?;
    let (src, dst) = multiplicity(s.multiplicity.as_deref())?;
    let pairs: Vec<(String, String)> = s
        .connections
        .iter()
        .map(|c| (c.from.clone(), c.to.clone()))
        .collect();
    let id = catalog.add_rel_table(&s.name, &pairs, props, src, dst)?;
    if let Some(t) = catalog.tables.iter_mut().find(|t| t.id == id) {
        t.storage_direction = direction;
    }
    Ok(Created::Table(id))
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

/// Whether a DEFAULT expression gives each row its own value (Kuzu's non-constant defaults:
/// `nextval`, `gen_random_uuid`).
pub fn is_volatile(expr: &Expr) -> bool {
    let mut found = false;
    crate::binder::expr::walk(expr, &mut |e| {
        if let ExprKind::FunctionCall(c) = &e.kind {
            if ["nextval", "gen_random_uuid"]
                .iter()
                .any(|n| c.name.eq_ignore_ascii_case(n))
            {
                found = true;
            }
        }
    });
    found
}

/// The values an `ALTER TABLE ... ADD` gives the existing rows.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultFill {
    /// Every row the same value (NULL without a DEFAULT).
    Constant(Value),
    /// One value per row of a node table, in row order (a non-constant DEFAULT).
    PerRow(Vec<Value>),
}

/// `CREATE SEQUENCE`: the options checked and defaulted as Kuzu's binder does. Returns Kuzu's
/// message.
pub fn create_sequence(
    catalog: &mut Catalog,
    s: &crate::cypher::ast::CreateSequence,
) -> Result<String> {
    use crate::cypher::ast::SequenceOption as O;
    if catalog.sequence(&s.name).is_some() {
        if s.if_not_exists {
            return Ok(format!("Sequence {} already exists.", s.name));
        }
        return Err(Error::Binder(format!(
            "{} already exists in catalog.",
            s.name
        )));
    }
    let int = |t: &str| -> Result<i64> {
        t.trim().parse::<i64>().map_err(|_| {
            Error::Binder("Out of bounds: SEQUENCE accepts integers within INT64.".into())
        })
    };
    let (mut start, mut increment, mut min, mut max, mut cycle) = (None, 1i64, None, None, false);
    for o in &s.options {
        match o {
            O::IncrementBy(t) => increment = int(t)?,
            O::MinValue(v) => min = v.as_deref().map(int).transpose()?,
            O::MaxValue(v) => max = v.as_deref().map(int).transpose()?,
            O::StartWith(t) => start = Some(int(t)?),
            O::Cycle(c) => cycle = *c,
        }
    }
    if increment == 0 {
        return Err(Error::Binder("INCREMENT must be non-zero.".into()));
    }
    let min = min.unwrap_or(if increment > 0 { 1 } else { i64::MIN });
    let max = max.unwrap_or(if increment > 0 { i64::MAX } else { -1 });
    let start = start.unwrap_or(if increment > 0 { min } else { max });
    if max < min {
        return Err(Error::Binder(
            "SEQUENCE MAXVALUE should be greater than or equal to MINVALUE.".into(),
        ));
    }
    if start < min || start > max {
        return Err(Error::Binder(
            "SEQUENCE START value should be between MINVALUE and MAXVALUE.".into(),
        ));
    }
    catalog.sequences.push(crate::catalog::Sequence {
        name: s.name.clone(),
        start,
        increment,
        min,
        max,
        cycle,
        current: None,
    });
    Ok(format!("Sequence {} has been created.", s.name))
}

/// `DROP SEQUENCE [IF EXISTS] name`.
pub fn drop_sequence(catalog: &mut Catalog, name: &str, if_exists: bool) -> Result<String> {
    let Some(i) = catalog
        .sequences
        .iter()
        .position(|s| s.name.eq_ignore_ascii_case(name))
    else {
        let msg = format!("Sequence {name} does not exist.");
        return if if_exists {
            Ok(msg)
        } else {
            Err(Error::Binder(msg))
        };
    };
    catalog.sequences.remove(i);
    Ok(format!("Sequence {name} has been dropped."))
}

/// `CREATE MACRO name(args) AS body`, kept as text (the body as written in `stmt`).
pub fn create_macro(
    catalog: &mut Catalog,
    m: &crate::cypher::ast::CreateMacro,
    stmt: &Statement,
) -> Result<String> {
    let upper = m.name.to_uppercase();
    if catalog.macro_named(&m.name).is_some() {
        return Err(Error::Binder(format!("Macro {upper} already exists.")));
    }
    catalog.macros.push(crate::catalog::Macro {
        name: upper.clone(),
        params: m.positional_args.clone(),
        defaults: m
            .default_args
            .iter()
            .map(|(n, e)| (n.clone(), stmt.source(e.span).trim().to_string()))
            .collect(),
        body: stmt.source(m.body.span).trim().to_string(),
    });
    Ok(format!("Macro: {upper} has been created."))
}

/// `DROP MACRO [IF EXISTS] name`.
pub fn drop_macro(catalog: &mut Catalog, name: &str, if_exists: bool) -> Result<String> {
    let Some(i) = catalog
        .macros
        .iter()
        .position(|m| m.name.eq_ignore_ascii_case(name))
    else {
        let msg = format!("Macro {name} does not exist.");
        return if if_exists {
            Ok(msg)
        } else {
            Err(Error::Binder(msg))
        };
    };
    catalog.macros.remove(i);
    Ok(format!("Macro {name} has been dropped."))
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
        assert_eq!(k.storage_direction, StorageDirection::Both);
        assert_eq!(k.properties[0].ty, LogicalType::Date);
        apply(
            &mut c,
            "CREATE REL TABLE w(FROM Person TO Person) WITH (storage_direction = 'fwd')",
        )
        .unwrap();
        assert_eq!(c.table("w").unwrap().storage_direction.name(), "fwd");
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
        // DOUBLE keys are accepted since Kuzu accepts them; BOOL is not a key type.
        assert_eq!(
            apply(&mut c, "CREATE NODE TABLE T(x BOOL PRIMARY KEY)")
                .unwrap_err()
                .to_string(),
            "Binder exception: Invalid primary key column type BOOL. Primary keys must be either STRING or a numeric type."
        );
        assert_eq!(
            apply(
                &mut c,
                "CREATE NODE TABLE T(id INT64, _label STRING, PRIMARY KEY(id))"
            )
            .unwrap_err()
            .to_string(),
            "Binder exception: _label is a reserved property name."
        );
        assert!(apply(&mut c, "CREATE REL TABLE r(FROM Nope TO Person)").is_err());
    }
}

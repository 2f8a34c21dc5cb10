//! Binding DDL statements: type names to logical types, `CREATE NODE TABLE` and
//! `CREATE REL TABLE` applied to a catalog (used by `ruzu-load`'s schema files and by the
//! statements on an open database).

use crate::catalog::{Catalog, Multiplicity, Property};
use crate::cypher::ast::{CreateNodeTable, CreateRelTable, PropertyDefinition, TypeName};
use crate::error::{Error, Result};
use crate::loader::keys::check_pk_type;
use crate::types::cast::parse_type;
use crate::types::LogicalType;

/// The logical type a type name denotes.
pub fn logical_type(t: &TypeName) -> Result<LogicalType> {
    parse_type(&t.to_string())
}

fn properties(defs: &[PropertyDefinition]) -> Result<Vec<Property>> {
    defs.iter()
        .map(|d| {
            Ok(Property {
                name: d.name.clone(),
                ty: logical_type(&d.data_type)?,
            })
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

//! `ruzu-load`'s schema file: Kuzu DDL statements turned into a catalog.

use crate::binder::ddl::{create_node_table, create_rel_table};
use crate::catalog::Catalog;
use crate::cypher::ast::StatementKind;
use crate::error::{Error, InputError, Result};

/// Builds the catalog of a schema file: `CREATE NODE TABLE` and `CREATE REL TABLE`
/// statements, in order. Anything else is an error naming the file and the statement.
pub fn catalog_from_schema(text: &str, display: &str) -> Result<Catalog> {
    let stmts = crate::cypher::parse(text)
        .map_err(|e| Error::input(InputError::new(display, 1, e.to_string())))?;
    let mut c = Catalog::new();
    for s in &stmts {
        let line = text[..s.span.start.min(text.len())].matches('\n').count() + 1;
        let r = match &s.kind {
            StatementKind::CreateNodeTable(t) => create_node_table(&mut c, t).map(|_| ()),
            StatementKind::CreateRelTable(t) => create_rel_table(&mut c, t).map(|_| ()),
            _ => Err(Error::Binder(format!(
                "only CREATE NODE TABLE and CREATE REL TABLE belong in a schema file, found: {}",
                s.text.trim()
            ))),
        };
        r.map_err(|e| Error::input(InputError::new(display, line as u64, e.to_string())))?;
    }
    if c.tables.is_empty() {
        return Err(Error::input(InputError::new(
            display,
            1,
            "the schema defines no tables",
        )));
    }
    Ok(c)
}

/// Applies the schema file's `CREATE NODE TABLE` and `CREATE REL TABLE` statements for the
/// tables named in `only` (lower case) to an existing catalog (`ruzu-load --append`).
pub fn apply_schema(
    c: &mut Catalog,
    text: &str,
    display: &str,
    only: &std::collections::BTreeSet<String>,
) -> Result<()> {
    let stmts = crate::cypher::parse(text)
        .map_err(|e| Error::input(InputError::new(display, 1, e.to_string())))?;
    for s in &stmts {
        let line = text[..s.span.start.min(text.len())].matches('\n').count() + 1;
        let r = match &s.kind {
            StatementKind::CreateNodeTable(t) if only.contains(&t.name.to_lowercase()) => {
                create_node_table(c, t).map(|_| ())
            }
            StatementKind::CreateRelTable(t) if only.contains(&t.name.to_lowercase()) => {
                create_rel_table(c, t).map(|_| ())
            }
            _ => Ok(()),
        };
        r.map_err(|e| Error::input(InputError::new(display, line as u64, e.to_string())))?;
    }
    Ok(())
}

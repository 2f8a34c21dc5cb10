//! Matching a file's header to the schema's columns by name (`CsvOptions::match_header`),
//! with neo4j-admin's header syntax.
//!
//! Owns: `map_header`, which turns a header into a `FieldMap` (per field of the file: the
//! schema column it fills, or none; which fields are arrays; which columns no field fills).
//! A header field is `name`, `name:type` or one of neo4j-admin's special fields: `:ID(Group)`
//! or `name:ID(Group)` (the key column), `:START_ID(Group)` / `:END_ID(Group)` (a rel's
//! first and second columns), `:LABEL`, `:TYPE` and `:IGNORE` (not loaded). A type ending in
//! `[]` makes the field an array split on the array delimiter. The schema decides the
//! column types; the header's types are not checked. Names match case-insensitively.
//!
//! A plain header (no `:`) whose names are not all the schema's is read by position, as
//! before header matching existed.

use super::CsvSchema;

/// How the fields of a file fill the schema's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldMap {
    /// Per field of the file: the schema column it fills (`None`: not loaded).
    pub targets: Vec<Option<usize>>,
    /// Per field: split into a list on the array delimiter.
    pub arrays: Vec<bool>,
    /// Schema columns no field fills: NULL in every row.
    pub missing: Vec<usize>,
    /// Per field: its name, for messages.
    pub names: Vec<String>,
    pub array_delimiter: u8,
}

enum Field {
    Column(String, bool),
    Key(String),
    Start,
    End,
    Skip,
}

fn parse_field(f: &str) -> Field {
    let f = f.trim();
    let Some((name, ty)) = f.rsplit_once(':') else {
        return Field::Column(f.to_string(), false);
    };
    let ty = ty.trim();
    let base = ty
        .split('(')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    match base.as_str() {
        "ID" => Field::Key(name.to_string()),
        "START_ID" => Field::Start,
        "END_ID" => Field::End,
        "LABEL" | "TYPE" | "IGNORE" => Field::Skip,
        _ => Field::Column(name.to_string(), ty.ends_with("[]")),
    }
}

/// The map of `header` onto `schema`; `None` when the file is read by position (the
/// header's names are the schema's in order, or a plain header with other names).
/// `required` names the columns a file must fill (a node table's key, a rel's endpoints).
/// The error is the reason, for the header's line.
pub(crate) fn map_header(
    header: &[String],
    schema: &CsvSchema,
    key: Option<&str>,
    required: &[String],
    array_delimiter: u8,
) -> Result<Option<FieldMap>, String> {
    let neo4j = header.iter().any(|f| f.contains(':'));
    let find = |name: &str| {
        schema
            .columns
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
    };
    let mut targets = Vec::with_capacity(header.len());
    let mut arrays = Vec::with_capacity(header.len());
    let mut names = Vec::with_capacity(header.len());
    for f in header {
        let (target, array, name) = match parse_field(f) {
            Field::Column(name, array) => (find(&name), array, name),
            Field::Key(name) => {
                let t = if name.trim().is_empty() {
                    key.and_then(find)
                } else {
                    find(&name).or_else(|| key.and_then(find))
                };
                (t, false, if name.is_empty() { f.clone() } else { name })
            }
            Field::Start => (Some(0), false, f.clone()),
            Field::End => (Some(1), false, f.clone()),
            Field::Skip => {
                targets.push(None);
                arrays.push(false);
                names.push(f.clone());
                continue;
            }
        };
        match target {
            Some(t) => targets.push(Some(t)),
            None if !neo4j => return Ok(None),
            None => {
                let known: Vec<&str> = schema.columns.iter().map(|c| c.0.as_str()).collect();
                return Err(format!(
                    "header field '{f}' names no column of the table (its columns: {}).",
                    known.join(", ")
                ));
            }
        }
        arrays.push(array);
        names.push(name);
    }
    let n = schema.columns.len();
    let identity = targets.len() == n
        && targets.iter().enumerate().all(|(i, t)| *t == Some(i))
        && !arrays.iter().any(|&a| a);
    if identity {
        return Ok(None);
    }
    let mut filled = vec![false; n];
    for (i, t) in targets.iter().enumerate() {
        if let Some(t) = *t {
            if filled[t] {
                return Err(format!(
                    "header field '{}' fills column {} a second time.",
                    header[i], schema.columns[t].0
                ));
            }
            filled[t] = true;
        }
    }
    for r in required {
        if let Some(c) = find(r) {
            if !filled[c] {
                return Err(format!("the header has no field for column {r}."));
            }
        }
    }
    Ok(Some(FieldMap {
        missing: (0..n).filter(|&c| !filled[c]).collect(),
        targets,
        arrays,
        names,
        array_delimiter,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LogicalType;

    fn schema(cols: &[&str]) -> CsvSchema {
        CsvSchema {
            columns: cols
                .iter()
                .map(|c| (c.to_string(), LogicalType::String))
                .collect(),
        }
    }

    fn h(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    #[test]
    fn plain_headers() {
        let s = schema(&["id", "name", "age"]);
        assert_eq!(
            map_header(&h("id,name,age"), &s, Some("id"), &[], b';'),
            Ok(None)
        );
        // Other names: by position, as before.
        assert_eq!(map_header(&h("a,b,c"), &s, Some("id"), &[], b';'), Ok(None));
        let m = map_header(&h("AGE,id,name"), &s, Some("id"), &[], b';')
            .unwrap()
            .unwrap();
        assert_eq!(m.targets, vec![Some(2), Some(0), Some(1)]);
        let m = map_header(&h("name,id"), &s, Some("id"), &h("id"), b';')
            .unwrap()
            .unwrap();
        assert_eq!(m.missing, vec![2]);
        assert!(map_header(&h("name,age"), &s, Some("id"), &h("id"), b';').is_err());
        assert!(map_header(&h("id,id"), &s, Some("id"), &[], b';').is_err());
    }

    #[test]
    fn neo4j_headers() {
        let s = schema(&["id", "name", "tags"]);
        let m = map_header(
            &h(":ID(Person),name:string,:LABEL,tags:string[],x:IGNORE"),
            &s,
            Some("id"),
            &h("id"),
            b'|',
        )
        .unwrap()
        .unwrap();
        assert_eq!(m.targets, vec![Some(0), Some(1), None, Some(2), None]);
        assert_eq!(m.arrays, vec![false, false, false, true, false]);
        assert!(m.missing.is_empty());
        let r = schema(&["from", "to", "since"]);
        let m = map_header(
            &h("since:int,:END_ID(P),:START_ID(P),:TYPE"),
            &r,
            None,
            &h("from,to"),
            b';',
        )
        .unwrap()
        .unwrap();
        assert_eq!(m.targets, vec![Some(2), Some(1), Some(0), None]);
        let e = map_header(&h(":ID,nickname:string"), &s, Some("id"), &[], b';').unwrap_err();
        assert!(e.contains("'nickname:string'"), "{e}");
    }
}

//! Path functions over path structs (`{_NODES: LIST<node>, _RELS: LIST<rel>}`, see
//! `query::recursive::path_type`): `nodes`, `rels`, `length`, `is_trail`, `is_acyclic`, and
//! `properties(list of nodes/rels, 'key')`. `bind_path_function` is tried by `bind_function`
//! before the registry; it answers only when the arguments are paths / element lists.

use super::{Exec, ScalarFunction};
use crate::error::{Error, Result};
use crate::exec::expr::{bind_struct_field, BoundExpr, ExprKind};
use crate::types::element::is_path_type;
use crate::types::{LogicalType, Value};
use std::sync::Arc;

fn row_fn(name: &str, f: super::RowFn, args: Vec<BoundExpr>, ty: LogicalType) -> BoundExpr {
    BoundExpr {
        kind: ExprKind::Function {
            func: Arc::new(ScalarFunction {
                name: name.to_string(),
                exec: Exec::Row(f),
                null_in_null_out: true,
                deterministic: true,
            }),
            args,
        },
        ty,
    }
}

/// Binds a path function, or `None` when `name`/`args` are not one.
pub fn bind_path_function(name: &str, args: &[BoundExpr]) -> Result<Option<BoundExpr>> {
    match (name, args) {
        ("NODES" | "RELS" | "LENGTH" | "IS_TRAIL" | "IS_ACYCLIC", [p]) if is_path_type(&p.ty) => {
            let p = p.clone();
            Ok(Some(match name {
                "NODES" => bind_struct_field(p, "_NODES")?,
                "RELS" => bind_struct_field(p, "_RELS")?,
                "LENGTH" => super::bind_function("SIZE", vec![bind_struct_field(p, "_RELS")?])?,
                "IS_TRAIL" => row_fn(
                    "IS_TRAIL",
                    is_trail,
                    vec![bind_struct_field(p, "_RELS")?],
                    LogicalType::Bool,
                ),
                _ => row_fn(
                    "IS_ACYCLIC",
                    is_acyclic,
                    vec![bind_struct_field(p, "_NODES")?],
                    LogicalType::Bool,
                ),
            }))
        }
        ("PROPERTIES", [list, key]) => {
            let LogicalType::List(child) = &list.ty else {
                return Ok(None);
            };
            let LogicalType::Struct(fields) = child.as_ref() else {
                return Ok(None);
            };
            let ExprKind::Literal(Value::String(k)) = &key.kind else {
                return Err(Error::Binder(
                    "Expected literal input as the second argument for PROPERTIES().".into(),
                ));
            };
            let Some((_, ty)) = fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)) else {
                return Err(Error::Binder(format!("Invalid property name: {k}.")));
            };
            Ok(Some(row_fn(
                "PROPERTIES",
                properties,
                vec![list.clone(), key.clone()],
                LogicalType::List(Box::new(ty.clone())),
            )))
        }
        _ => Ok(None),
    }
}

/// `PATH_BUILD(elements...)`: a named path's value from its node and rel structs and the
/// path structs of its variable-length rels, in path order; `ty` is the path type (element
/// structs are reshaped to its fields by name, absent properties NULL).
pub fn bind_path_build(args: Vec<BoundExpr>, ty: LogicalType) -> BoundExpr {
    row_fn("PATH_BUILD", path_build, args, ty)
}

fn reshape(v: &Value, ty: &LogicalType) -> Value {
    match ty {
        LogicalType::Struct(f) => {
            Value::Struct(f.iter().map(|(n, _)| (n.clone(), field(v, n))).collect())
        }
        _ => v.clone(),
    }
}

fn path_build(args: &[Value], ty: &LogicalType) -> Result<Value> {
    let (nt, rt) = match ty {
        LogicalType::Struct(f) if f.len() == 2 => match (&f[0].1, &f[1].1) {
            (LogicalType::List(n), LogicalType::List(r)) => (n.as_ref(), r.as_ref()),
            _ => return Ok(Value::Null),
        },
        _ => return Ok(Value::Null),
    };
    let mut nodes = Vec::new();
    let mut rels = Vec::new();
    for a in args {
        let Value::Struct(kv) = a else { continue };
        match kv.first().map(|(n, _)| n.as_str()) {
            Some("_NODES") => {
                if let Value::List(ns) = field(a, "_NODES") {
                    nodes.extend(ns.iter().map(|x| reshape(x, nt)));
                }
                if let Value::List(rs) = field(a, "_RELS") {
                    rels.extend(rs.iter().map(|x| reshape(x, rt)));
                }
            }
            Some("_SRC") => rels.push(reshape(a, rt)),
            _ => nodes.push(reshape(a, nt)),
        }
    }
    Ok(Value::Struct(vec![
        ("_NODES".to_string(), Value::List(nodes)),
        ("_RELS".to_string(), Value::List(rels)),
    ]))
}

/// The `_ID` of every element of a list of element structs.
fn ids(v: &Value) -> Vec<Value> {
    let Value::List(items) = v else {
        return Vec::new();
    };
    items.iter().map(|x| field(x, "_ID")).collect()
}

fn field(v: &Value, key: &str) -> Value {
    match v {
        Value::Struct(kv) => kv
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(key))
            .map_or(Value::Null, |(_, v)| v.clone()),
        _ => Value::Null,
    }
}

fn all_distinct(v: &[Value]) -> bool {
    v.iter()
        .enumerate()
        .all(|(i, x)| !v[..i].iter().any(|y| y == x))
}

fn is_trail(args: &[Value], _: &LogicalType) -> Result<Value> {
    Ok(Value::Bool(all_distinct(&ids(&args[0]))))
}

fn is_acyclic(args: &[Value], _: &LogicalType) -> Result<Value> {
    Ok(Value::Bool(all_distinct(&ids(&args[0]))))
}

fn properties(args: &[Value], _: &LogicalType) -> Result<Value> {
    let key = super::arg_str(&args[1]);
    match &args[0] {
        Value::List(items) => Ok(Value::List(items.iter().map(|x| field(x, key)).collect())),
        _ => Ok(Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: u64, name: &str) -> Value {
        Value::Struct(vec![
            ("_ID".into(), Value::UInt64(id)),
            ("_LABEL".into(), Value::String("N".into())),
            ("name".into(), Value::String(name.into())),
        ])
    }

    #[test]
    fn element_list_functions() {
        let l = Value::List(vec![node(1, "a"), node(2, "b"), node(1, "a")]);
        let t = LogicalType::Bool;
        assert_eq!(
            properties(&[l.clone(), Value::String("NAME".into())], &t).unwrap(),
            Value::List(vec![
                Value::String("a".into()),
                Value::String("b".into()),
                Value::String("a".into())
            ])
        );
        assert_eq!(is_acyclic(&[l], &t).unwrap(), Value::Bool(false));
        let l = Value::List(vec![node(1, "a"), node(2, "b")]);
        assert_eq!(is_trail(&[l], &t).unwrap(), Value::Bool(true));
    }
}

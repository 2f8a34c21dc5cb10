//! Nodes, rels and paths as values inside the engine: a node or rel that travels as a whole
//! value is a STRUCT of `_ID`, `_LABEL` (rels also `_SRC`, `_DST`) and its properties; a path
//! is a STRUCT of `_NODES` and `_RELS` lists. Owns recognising those shapes and the types
//! they are shown as (NODE, REL, RECURSIVE_REL).

use super::LogicalType;

/// What an element struct (see `binder::expr::ExprBinder::bind_element`) stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    Node,
    Rel,
}

/// Whether a STRUCT type is the shape of a node (`_ID`, `_LABEL`, ...) or a rel (`_SRC`,
/// `_DST`, `_ID`, `_LABEL`, ...) as the binder materialises them.
pub fn element_kind(fields: &[(String, LogicalType)]) -> Option<ElementKind> {
    let names: Vec<&str> = fields.iter().take(4).map(|(n, _)| n.as_str()).collect();
    match names.as_slice() {
        ["_ID", "_LABEL", ..] => Some(ElementKind::Node),
        ["_SRC", "_DST", "_ID", "_LABEL", ..] => Some(ElementKind::Rel),
        _ => None,
    }
}

/// STRUCT {_NODES: LIST<node>, _RELS: LIST<rel>}.
pub fn path_type(node: LogicalType, rel: LogicalType) -> LogicalType {
    LogicalType::Struct(vec![
        ("_NODES".to_string(), LogicalType::List(Box::new(node))),
        ("_RELS".to_string(), LogicalType::List(Box::new(rel))),
    ])
}

/// Whether a type is a path struct (see `path_type`).
pub fn is_path_type(ty: &LogicalType) -> bool {
    matches!(ty, LogicalType::Struct(f) if f.len() == 2 && f[0].0 == "_NODES" && f[1].0 == "_RELS")
}

/// The type shown to the caller: element structs become NODE / REL.
pub fn display_type(ty: &LogicalType) -> LogicalType {
    match ty {
        LogicalType::List(c) => LogicalType::List(Box::new(display_type(c))),
        LogicalType::Array(c, n) => LogicalType::Array(Box::new(display_type(c)), *n),
        LogicalType::Struct(_) if is_path_type(ty) => LogicalType::RecursiveRel,
        LogicalType::Struct(f) => match element_kind(f) {
            Some(ElementKind::Node) => LogicalType::Node,
            Some(ElementKind::Rel) => LogicalType::Rel,
            None => LogicalType::Struct(
                f.iter()
                    .map(|(n, t)| (n.clone(), display_type(t)))
                    .collect(),
            ),
        },
        t => t.clone(),
    }
}

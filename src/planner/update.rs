//! Planning of updating clauses (CREATE, SET, DELETE, MERGE) in Kuzu's dialect, with Kuzu's
//! binder messages. Each clause becomes one plan node whose operator writes through the
//! statement's write transaction (`query::write`) row by row; the variables it creates join
//! the scope as ordinary node and rel variables, so later clauses read them (and their
//! properties) like matched ones.

use super::{is_hidden, Planner};
use crate::binder::expr::{Scope, Var};
use crate::catalog::{TableEntry, TableKind};
use crate::cypher::ast::{
    self, Direction, Expr, ExprKind, MergeAction, PatternPart, SetItem, UpdatingClause,
};
use crate::error::{Error, Result};
use crate::exec::expr::BoundExpr;
use crate::planner::spec::{
    CreateItem, CreateNode, CreateRel, DeleteSpec, ElementRef, MergeNode, MergeRel, MergeSpec,
    SetSpec,
};
use crate::planner::Plan;
use crate::types::{LogicalType, Value};
use std::collections::HashMap;

/// `e` as a value of `ty`, cast implicitly as Kuzu's binder does (or its message).
fn implicit(e: BoundExpr, ty: &LogicalType, text: &str) -> Result<BoundExpr> {
    if e.ty == *ty || e.ty == LogicalType::Any || crate::exec::typing::has_implicit_cast(&e.ty, ty)
    {
        return e.cast_to(ty);
    }
    Err(Error::Binder(format!(
        "Expression {text} has data type {} but expected {ty}. Implicit cast is not supported.",
        e.ty
    )))
}

/// How a pattern element reads in Kuzu's messages (`a`, or the anonymous `_0_a`).
fn shown(name: &str) -> String {
    if is_hidden(name) {
        String::new()
    } else {
        name.to_string()
    }
}

impl Planner<'_> {
    /// Plans one updating clause over `plan`.
    pub(super) fn plan_updating(
        &mut self,
        plan: Option<Plan>,
        scope: &mut Scope,
        uc: &UpdatingClause,
    ) -> Result<Plan> {
        let plan = plan.unwrap_or(Plan::SingleRow);
        match uc {
            UpdatingClause::Create(pattern) => self.plan_create(plan, scope, pattern),
            UpdatingClause::Set(items) => self.plan_set(plan, scope, items),
            UpdatingClause::Delete { detach, exprs } => {
                self.plan_delete(plan, scope, *detach, exprs)
            }
            UpdatingClause::Merge { pattern, actions } => {
                self.plan_merge(plan, scope, pattern, actions)
            }
        }
    }

    /// The value expression of every property of `entry` for a new element: the given
    /// `props` (by name, case-insensitively), else the DEFAULT, else NULL; each cast to the
    /// property's type.
    fn insert_values(
        &mut self,
        entry: &TableEntry,
        props: &[(String, Expr)],
        owner: &str,
        scope: &Scope,
    ) -> Result<Vec<BoundExpr>> {
        for (k, _) in props {
            if entry.property_index(k).is_none() {
                return Err(Error::Binder(format!(
                    "Cannot find property {k} for {}.",
                    shown(owner)
                )));
            }
        }
        let mut out = Vec::with_capacity(entry.properties.len());
        for p in &entry.properties {
            let given = props.iter().find(|(k, _)| k.eq_ignore_ascii_case(&p.name));
            let ty = match p.ty {
                LogicalType::Serial => LogicalType::Int64,
                ref t => t.clone(),
            };
            let e = match given {
                Some((_, e)) => implicit(
                    self.binder(scope).bind(e)?,
                    &ty,
                    &crate::binder::expr::expr_name(e),
                )?,
                None => match &p.default {
                    Some(text) => implicit(self.bind_default(text)?, &ty, text)?,
                    None => BoundExpr::literal(Value::Null).cast_to(&ty)?,
                },
            };
            out.push(e);
        }
        Ok(out)
    }

    /// A DEFAULT expression as written in the catalog, bound without variables.
    fn bind_default(&self, text: &str) -> Result<BoundExpr> {
        let stmts = crate::cypher::parse(&format!("RETURN {text}"))?;
        let Some(ast::StatementKind::Query(q)) = stmts.first().map(|s| &s.kind) else {
            return Err(Error::Binder(format!("Invalid default expression {text}.")));
        };
        let Some(item) = q.first.return_clause.as_ref().and_then(|r| r.items.first()) else {
            return Err(Error::Binder(format!("Invalid default expression {text}.")));
        };
        let empty = Scope::default();
        self.binder(&empty).bind(&item.expr)
    }

    /// Adds columns for a created element's properties and binds it in the scope.
    fn prop_cols(scope: &mut Scope, entry: &TableEntry) -> (Vec<usize>, Vec<(String, usize)>) {
        let mut cols = Vec::new();
        let mut props = Vec::new();
        for p in &entry.properties {
            let ty = match p.ty {
                LogicalType::Serial => LogicalType::Int64,
                ref t => t.clone(),
            };
            let c = scope.add_col(ty);
            cols.push(c);
            props.push((p.name.clone(), c));
        }
        (cols, props)
    }

    fn single_node_table(&self, n: &ast::NodePattern, name: &str) -> Result<u64> {
        let tables = self.node_tables(&n.labels)?;
        match tables.as_slice() {
            [t] if n.labels.len() <= 1 => Ok(*t),
            [] | [_] if n.labels.is_empty() => Err(Error::Binder(format!(
                "Create node {} with empty node labels is not supported.",
                shown(name)
            ))),
            _ => Err(Error::Binder(format!(
                "Create node {} with multiple node labels is not supported.",
                shown(name)
            ))),
        }
    }

    /// The rel table a created rel goes to: its one type, or among several the one that
    /// connects the endpoints' tables.
    fn rel_table_for(
        &self,
        r: &ast::RelPattern,
        name: &str,
        src_tables: &[u64],
        dst_tables: &[u64],
    ) -> Result<(u64, Vec<(u64, u64)>)> {
        if r.recursive.is_some() {
            return Err(Error::Binder(format!(
                "Cannot create recursive rel {}.",
                shown(name)
            )));
        }
        let tables = self.rel_tables(&r.types)?;
        let pairs_of = |t: u64| -> Vec<(u64, u64)> {
            match self.catalog().table_by_id(t).map(|e| &e.kind) {
                Some(TableKind::Rel { pairs, .. }) => pairs.clone(),
                _ => Vec::new(),
            }
        };
        if tables.len() == 1 {
            return Ok((tables[0], pairs_of(tables[0])));
        }
        if src_tables.len() != 1 || dst_tables.len() != 1 {
            return Err(Error::Binder(format!(
                "Create rel {} bound by multiple node labels is not supported.",
                shown(name)
            )));
        }
        let cands: Vec<u64> = tables
            .iter()
            .copied()
            .filter(|t| pairs_of(*t).contains(&(src_tables[0], dst_tables[0])))
            .collect();
        match cands.as_slice() {
            [t] => Ok((*t, pairs_of(*t))),
            [] => Err(Error::Binder(format!(
                "Cannot find a valid label in {} that connects {} and {}.",
                shown(name),
                self.catalog()
                    .table_by_id(src_tables[0])
                    .map_or(String::new(), |e| e.name.clone()),
                self.catalog()
                    .table_by_id(dst_tables[0])
                    .map_or(String::new(), |e| e.name.clone()),
            ))),
            _ => Err(Error::Binder(format!(
                "Create rel {} with multiple rel labels is not supported.",
                shown(name)
            ))),
        }
    }

    fn node_name(&mut self, n: &ast::NodePattern) -> String {
        match &n.variable {
            Some(v) => v.clone(),
            None => {
                self.anon += 1;
                format!("_anon_n{}", self.anon)
            }
        }
    }

    fn rel_name(&mut self, r: &ast::RelPattern) -> String {
        match &r.variable {
            Some(v) => v.clone(),
            None => {
                self.anon += 1;
                format!("_anon_r{}", self.anon)
            }
        }
    }

    fn plan_create(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        pattern: &[PatternPart],
    ) -> Result<Plan> {
        // Property expressions may read properties of bound nodes.
        let mut exprs: Vec<&Expr> = Vec::new();
        for part in pattern {
            exprs.extend(part.element.start.properties.iter().map(|(_, e)| e));
            for ch in &part.element.chain {
                exprs.extend(ch.rel.properties.iter().map(|(_, e)| e));
                exprs.extend(ch.node.properties.iter().map(|(_, e)| e));
            }
        }
        let mut plan = self.ensure_props(plan, scope, &exprs)?;
        let input = scope.clone();
        let mut items = Vec::new();
        // Node variable -> (id column, tables).
        let mut made: HashMap<String, (usize, Vec<u64>)> = HashMap::new();
        for part in pattern {
            if part.path_variable.is_some() {
                return Err(Error::NotImplemented("CREATE of a named path".into()));
            }
            let node = |this: &mut Self,
                        scope: &mut Scope,
                        items: &mut Vec<CreateItem>,
                        made: &mut HashMap<String, (usize, Vec<u64>)>,
                        n: &ast::NodePattern|
             -> Result<(usize, Vec<u64>)> {
                let name = this.node_name(n);
                if n.variable.is_some() {
                    if let Some(x) = made.get(&name) {
                        return Ok(x.clone());
                    }
                    match input.var(&name) {
                        Some(Var::Node { col, tables, .. }) => {
                            if !n.properties.is_empty() || !n.labels.is_empty() {
                                // Kuzu binds the pattern node to the variable in scope.
                            }
                            return Ok((*col, tables.clone()));
                        }
                        Some(Var::Rel { .. }) => {
                            return Err(Error::Binder(format!(
                                "{name} has data type REL but NODE was expected."
                            )))
                        }
                        Some(Var::Value { col }) => {
                            return Err(Error::Binder(format!(
                                "{name} has data type {} but NODE was expected.",
                                crate::types::element::display_type(
                                    &input.types.get(*col).cloned().unwrap_or(LogicalType::Any)
                                )
                            )))
                        }
                        None => {}
                    }
                }
                let table = this.single_node_table(n, &name)?;
                let entry = this
                    .catalog()
                    .table_by_id(table)
                    .cloned()
                    .ok_or_else(|| Error::Catalog("missing table".into()))?;
                let values = this.insert_values(&entry, &n.properties, &name, &input)?;
                if let TableKind::Node { primary_key } = entry.kind {
                    let pk = &entry.properties[primary_key];
                    let given = n
                        .properties
                        .iter()
                        .any(|(k, _)| k.eq_ignore_ascii_case(&pk.name));
                    if !given && pk.default.is_none() && pk.ty != LogicalType::Serial {
                        return Err(Error::Binder(format!(
                            "Create node {} expects primary key {} as input.",
                            shown(&name),
                            pk.name
                        )));
                    }
                }
                let id_col = scope.add_col(LogicalType::InternalId);
                let (prop_cols, props) = Self::prop_cols(scope, &entry);
                items.push(CreateItem::Node(CreateNode {
                    table,
                    values,
                    id_col,
                    prop_cols,
                }));
                scope.set_var(
                    &name,
                    Var::Node {
                        col: id_col,
                        tables: vec![table],
                        props,
                    },
                );
                made.insert(name, (id_col, vec![table]));
                Ok((id_col, vec![table]))
            };
            let mut left = node(self, scope, &mut items, &mut made, &part.element.start)?;
            for ch in &part.element.chain {
                let right = node(self, scope, &mut items, &mut made, &ch.node)?;
                let r = &ch.rel;
                let name = self.rel_name(r);
                if r.direction == Direction::Both {
                    return Err(Error::Binder(
                        "Create undirected relationship is not supported. Try create 2 directed relationships instead.".into(),
                    ));
                }
                if r.variable.is_some() && input.var(&name).is_some() {
                    return Err(Error::Binder(format!("Variable {name} already exists.")));
                }
                let (src, dst) = match r.direction {
                    Direction::Left => (right.clone(), left.clone()),
                    _ => (left.clone(), right.clone()),
                };
                let (table, pairs) = self.rel_table_for(r, &name, &src.1, &dst.1)?;
                let entry = self
                    .catalog()
                    .table_by_id(table)
                    .cloned()
                    .ok_or_else(|| Error::Catalog("missing table".into()))?;
                let values = self.insert_values(&entry, &r.properties, &name, &input)?;
                let id_col = scope.add_col(LogicalType::InternalId);
                let src_col = scope.add_col(LogicalType::InternalId);
                let dst_col = scope.add_col(LogicalType::InternalId);
                let (prop_cols, props) = Self::prop_cols(scope, &entry);
                items.push(CreateItem::Rel(CreateRel {
                    table,
                    pairs,
                    src_col: src.0,
                    dst_col: dst.0,
                    values,
                    id_col,
                    prop_cols,
                }));
                // The rel's endpoints as its own columns (they are copies of the nodes').
                let _ = (src_col, dst_col);
                scope.set_var(
                    &name,
                    Var::Rel {
                        col: id_col,
                        src: src_col,
                        dst: dst_col,
                        tables: vec![table],
                        props,
                    },
                );
                left = right;
            }
        }
        if items.is_empty() {
            return Err(Error::Binder(
                "Cannot resolve any node or relationship to create.".into(),
            ));
        }
        plan = Plan::Create {
            child: Box::new(plan),
            items,
        };
        Ok(plan)
    }

    /// The element a variable in SET/DELETE names.
    fn element_of(
        &self,
        scope: &Scope,
        e: &Expr,
        what: &str,
    ) -> Result<(String, ElementRef, Vec<u64>)> {
        let name = match &e.kind {
            ExprKind::Variable(v) => v.clone(),
            _ => {
                let b = self.binder(scope).bind(e)?;
                return Err(Error::Binder(format!(
                    "Cannot {what} expression {} with type {}. Expect node or rel pattern.",
                    crate::binder::expr::expr_name(e),
                    if matches!(e.kind, ExprKind::Property { .. }) {
                        "PROPERTY".to_string()
                    } else if matches!(e.kind, ExprKind::Literal(_)) {
                        "LITERAL".to_string()
                    } else {
                        let _ = b;
                        "FUNCTION".to_string()
                    }
                )));
            }
        };
        match scope.var(&name) {
            Some(Var::Node { col, tables, .. }) => {
                Ok((name.clone(), ElementRef::Node { col: *col }, tables.clone()))
            }
            Some(Var::Rel {
                col,
                src,
                dst,
                tables,
                ..
            }) => Ok((
                name.clone(),
                ElementRef::Rel {
                    col: *col,
                    src: *src,
                    dst: *dst,
                },
                tables.clone(),
            )),
            Some(Var::Value { .. }) => Err(Error::Binder(format!(
                "Cannot {what} expression {name} with type VARIABLE. Expect node or rel pattern."
            ))),
            None => Err(crate::binder::expr::not_in_scope(&name)),
        }
    }

    /// Binds `SET target.key = value` items.
    fn bind_set_items(&mut self, scope: &Scope, items: &[SetItem]) -> Result<Vec<SetSpec>> {
        let mut flat: Vec<(Expr, String, Expr)> = Vec::new();
        for it in items {
            match it {
                SetItem::Property { target, value } => {
                    let ExprKind::Property { base, key } = &target.kind else {
                        return Err(Error::Binder("SET expects a property".into()));
                    };
                    flat.push(((**base).clone(), key.clone(), value.clone()));
                }
                SetItem::AllProperties { target, properties } => {
                    for (k, v) in properties {
                        flat.push((target.clone(), k.clone(), v.clone()));
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (base, key, value) in flat {
            let (name, target, tables) = self.element_of(scope, &base, "set")?;
            let entries: Vec<TableEntry> = tables
                .iter()
                .filter_map(|t| self.catalog().table_by_id(*t).cloned())
                .collect();
            let props: Vec<(u64, Option<usize>)> = entries
                .iter()
                .map(|t| (t.id, t.property_index(&key)))
                .collect();
            let Some(ty) = entries
                .iter()
                .find_map(|t| t.property_index(&key).map(|i| t.properties[i].ty.clone()))
            else {
                return Err(Error::Binder(format!(
                    "Cannot find property {key} for {name}."
                )));
            };
            if matches!(target, ElementRef::Node { .. }) {
                for t in &entries {
                    if let (TableKind::Node { primary_key }, Some(i)) =
                        (&t.kind, t.property_index(&key))
                    {
                        if *primary_key == i {
                            return Err(Error::Binder(format!(
                                "Cannot set property {} in table {} because it is used as primary key. Try delete and then insert.",
                                t.properties[i].name, t.name
                            )));
                        }
                    }
                }
            }
            let ty = match ty {
                LogicalType::Serial => LogicalType::Int64,
                t => t,
            };
            let text = crate::binder::expr::expr_name(&value);
            let value = implicit(self.binder(scope).bind(&value)?, &ty, &text)?;
            let materialized = scope
                .var(&name)
                .and_then(|v| v.props().iter().find(|(n, _)| n.eq_ignore_ascii_case(&key)))
                .map(|(_, c)| *c);
            out.push(SetSpec {
                target,
                props,
                value,
                materialized,
                only_if: None,
            });
        }
        Ok(out)
    }

    fn set_exprs(items: &[SetItem]) -> Vec<&Expr> {
        let mut v = Vec::new();
        for it in items {
            match it {
                SetItem::Property { value, .. } => v.push(value),
                SetItem::AllProperties { properties, .. } => {
                    v.extend(properties.iter().map(|(_, e)| e))
                }
            }
        }
        v
    }

    fn plan_set(&mut self, plan: Plan, scope: &mut Scope, items: &[SetItem]) -> Result<Plan> {
        let plan = self.ensure_props(plan, scope, &Self::set_exprs(items))?;
        let specs = self.bind_set_items(scope, items)?;
        Ok(Plan::Set {
            child: Box::new(plan),
            items: specs,
        })
    }

    /// Reads now the properties of node variable `name` that later clauses use.
    fn materialize_needed(&mut self, plan: Plan, scope: &mut Scope, name: &str) -> Result<Plan> {
        let Some(Var::Node { tables, .. }) = scope.var(name).cloned() else {
            return Ok(plan);
        };
        let entries: Vec<TableEntry> = tables
            .iter()
            .filter_map(|t| self.catalog().table_by_id(*t).cloned())
            .collect();
        let refs: Vec<&TableEntry> = entries.iter().collect();
        let want = self.props_needed(name, &refs);
        if want.is_empty() {
            return Ok(plan);
        }
        let keys: Vec<Expr> = want
            .iter()
            .map(|(k, _)| Expr {
                kind: ExprKind::Property {
                    base: Box::new(Expr {
                        kind: ExprKind::Variable(name.to_string()),
                        span: ast::Span::default(),
                    }),
                    key: k.clone(),
                },
                span: ast::Span::default(),
            })
            .collect();
        let refs: Vec<&Expr> = keys.iter().collect();
        self.ensure_props(plan, scope, &refs)
    }

    fn plan_delete(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        detach: bool,
        exprs: &[Expr],
    ) -> Result<Plan> {
        let mut items = Vec::new();
        let mut plan = plan;
        for e in exprs {
            let (name, target, tables) = self.element_of(scope, e, "delete")?;
            if let ElementRef::Rel { .. } = target {
                if detach {
                    return Err(Error::Binder(
                        "Detach delete on rel tables is not supported.".into(),
                    ));
                }
                if self.undirected.contains(&name) {
                    return Err(Error::Binder(
                        "Delete undirected rel is not supported.".into(),
                    ));
                }
            } else {
                // Properties read after the delete are read now, while the node is visible.
                let _ = &tables;
                plan = self.materialize_needed(plan, scope, &name)?;
            }
            items.push(DeleteSpec { target, detach });
        }
        Ok(Plan::Delete {
            child: Box::new(plan),
            items,
        })
    }

    fn plan_merge(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        pattern: &[PatternPart],
        actions: &[MergeAction],
    ) -> Result<Plan> {
        let mut exprs: Vec<&Expr> = Vec::new();
        for part in pattern {
            exprs.extend(part.element.start.properties.iter().map(|(_, e)| e));
            for ch in &part.element.chain {
                exprs.extend(ch.rel.properties.iter().map(|(_, e)| e));
                exprs.extend(ch.node.properties.iter().map(|(_, e)| e));
            }
        }
        let plan = self.ensure_props(plan, scope, &exprs)?;
        let input = scope.clone();
        let mut nodes: Vec<MergeNode> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut rels: Vec<MergeRel> = Vec::new();
        let first_out = scope.types.len();
        let prop_pairs = |this: &Self,
                          entry: &TableEntry,
                          props: &[(String, Expr)],
                          owner: &str|
         -> Result<Vec<(usize, BoundExpr)>> {
            props
                .iter()
                .map(|(k, e)| {
                    let i = entry.property_index(k).ok_or_else(|| {
                        Error::Binder(format!("Cannot find property {k} for {}.", shown(owner)))
                    })?;
                    let ty = match entry.properties[i].ty {
                        LogicalType::Serial => LogicalType::Int64,
                        ref t => t.clone(),
                    };
                    Ok((i, this.binder(&input).bind(e)?.cast_to(&ty)?))
                })
                .collect()
        };
        for part in pattern {
            let idx = |this: &mut Self,
                       scope: &mut Scope,
                       nodes: &mut Vec<MergeNode>,
                       names: &mut Vec<String>,
                       n: &ast::NodePattern|
             -> Result<usize> {
                let name = this.node_name(n);
                if n.variable.is_some() {
                    if let Some(i) = names.iter().position(|x| x == &name) {
                        return Ok(i);
                    }
                }
                if let (true, Some(Var::Node { col, tables, .. })) =
                    (n.variable.is_some(), input.var(&name))
                {
                    nodes.push(MergeNode {
                        bound: Some(*col),
                        table: tables.first().copied().unwrap_or(0),
                        props: Vec::new(),
                        create: Vec::new(),
                        id_col: None,
                    });
                    names.push(name);
                    return Ok(nodes.len() - 1);
                }
                let table = this.single_node_table(n, &name)?;
                let entry = this
                    .catalog()
                    .table_by_id(table)
                    .cloned()
                    .ok_or_else(|| Error::Catalog("missing table".into()))?;
                let props = prop_pairs(this, &entry, &n.properties, &name)?;
                let create = this.insert_values(&entry, &n.properties, &name, &input)?;
                let id_col = scope.add_col(LogicalType::InternalId);
                scope.set_var(
                    &name,
                    Var::Node {
                        col: id_col,
                        tables: vec![table],
                        props: Vec::new(),
                    },
                );
                nodes.push(MergeNode {
                    bound: None,
                    table,
                    props,
                    create,
                    id_col: Some(id_col),
                });
                names.push(name);
                Ok(nodes.len() - 1)
            };
            let mut left = idx(self, scope, &mut nodes, &mut names, &part.element.start)?;
            for ch in &part.element.chain {
                let right = idx(self, scope, &mut nodes, &mut names, &ch.node)?;
                let r = &ch.rel;
                let name = self.rel_name(r);
                if r.direction == Direction::Both {
                    return Err(Error::Binder(
                        "Create undirected relationship is not supported. Try create 2 directed relationships instead.".into(),
                    ));
                }
                let (src, dst) = match r.direction {
                    Direction::Left => (right, left),
                    _ => (left, right),
                };
                let (table, pairs) =
                    self.rel_table_for(r, &name, &[nodes[src].table], &[nodes[dst].table])?;
                let entry = self
                    .catalog()
                    .table_by_id(table)
                    .cloned()
                    .ok_or_else(|| Error::Catalog("missing table".into()))?;
                let props = prop_pairs(self, &entry, &r.properties, &name)?;
                let create = self.insert_values(&entry, &r.properties, &name, &input)?;
                let id_col = scope.add_col(LogicalType::InternalId);
                let src_col = scope.add_col(LogicalType::InternalId);
                let dst_col = scope.add_col(LogicalType::InternalId);
                let mut prop_cols = Vec::new();
                let mut named = Vec::new();
                for p in &entry.properties {
                    let ty = match p.ty {
                        LogicalType::Serial => LogicalType::Int64,
                        ref t => t.clone(),
                    };
                    let c = scope.add_col(ty);
                    prop_cols.push(c);
                    named.push((p.name.clone(), c));
                }
                scope.set_var(
                    &name,
                    Var::Rel {
                        col: id_col,
                        src: src_col,
                        dst: dst_col,
                        tables: vec![table],
                        props: named,
                    },
                );
                rels.push(MergeRel {
                    table,
                    pairs,
                    src,
                    dst,
                    props,
                    create,
                    id_col,
                    src_col,
                    dst_col,
                    prop_cols,
                });
                left = right;
            }
        }
        // Whether each output row's pattern was created (ON CREATE) or matched (ON MATCH).
        let merged_nodes: Vec<String> = names
            .iter()
            .zip(&nodes)
            .filter(|(_, n)| n.bound.is_none())
            .map(|(name, _)| name.clone())
            .collect();
        let created = scope.add_col(LogicalType::Bool);
        let out_types = scope.types[first_out..].to_vec();
        let mut plan = Plan::Merge {
            child: Box::new(plan),
            spec: Box::new(MergeSpec {
                nodes,
                rels,
                created,
                out_types,
            }),
        };
        // The merged nodes' properties later clauses read are read now, per row, before the
        // ON ... SET items change them (each row then shows its own row's update).
        for name in merged_nodes {
            plan = self.materialize_needed(plan, scope, &name)?;
        }
        // ON ... SET see the merged elements and read their properties as they are now.
        let exprs: Vec<&Expr> = actions
            .iter()
            .flat_map(|a| Self::set_exprs(&a.items))
            .collect();
        plan = self.ensure_props(plan, scope, &exprs)?;
        let mut sets = Vec::new();
        for a in actions {
            for mut s in self.bind_set_items(scope, &a.items)? {
                s.only_if = Some((created, a.on_create));
                sets.push(s);
            }
        }
        if !sets.is_empty() {
            plan = Plan::Set {
                child: Box::new(plan),
                items: sets,
            };
        }
        Ok(plan)
    }
}

//! Planning of read queries clause by clause: MATCH patterns (start from the most selective
//! node: a primary-key-bound one, else the smallest table; extend along rels over the CSR;
//! cycles close with a filter; disconnected parts join by cross product), WHERE conjuncts
//! pushed to the earliest point (into the scan when they touch only the scanned node),
//! OPTIONAL MATCH as a left hash join, UNWIND, WITH/RETURN projections with implicit
//! grouping, DISTINCT, ORDER BY/SKIP/LIMIT, UNION.
//!
//! Factorized counting: when a query's only aggregate is `count(*)` and a pattern node is a
//! leaf that nothing else refers to, its rel is not enumerated; the other end gets a degree
//! factor from the CSR offsets and `count(*)` becomes the sum of the factor products.
//!
//! Expressions that need plan support: `EXISTS { MATCH .. }` / `COUNT { MATCH .. }` / pattern
//! predicates (`plan_subqueries`: the subquery is planned from the distinct values of the
//! outer variables it uses, then joined back as a mark join or a left join with a count;
//! the binder finds the result column by the subquery's name), `n.*` (`expand_star`),
//! `START_NODE(r)` / `END_NODE(r)` (hidden node variables over the rel's end columns), and
//! UNWIND of collected nodes/rels (`unwind_elements`: the alias is a node/rel variable again).
//! Nodes and rels used as whole values (`collect(n)`, `[n]`, CASE branches, ...) are element
//! structs built by `binder::expr::ExprBinder::bind_element`; `query` shows them as nodes.

use super::Plan;

#[path = "update.rs"]
mod update;
use crate::binder::expr::{
    children_mut, expr_name, expr_name_in, has_aggregate, is_agg_call, subquery_parts, variables,
    walk, walk_children, ExprBinder, Scope, Var,
};
use crate::catalog::{Catalog, TableEntry, TableKind};
use crate::context::ClientContext;
use crate::cypher::ast::{
    self, BinaryOp, Direction, Expr, ExprKind, Projection, Query, ReadingClause, SingleQuery,
};
use crate::error::{Error, Result};
use crate::exec::aggregate::bind_aggregate;
use crate::exec::expr::{bind_comparison, BoundExpr, CmpOp};
use crate::exec::function::bind_function;
use crate::exec::operator::{AggregateSpec, JoinType, SortKey};
use crate::planner::spec::{
    DegreeSpec, Dir, ExtendSpec, PathSemantic, PathSpec, ReadPropsSpec, RecursiveSpec, RelStep,
    ScanSpec, ScanTable, ZonePred,
};
use crate::transaction::Snapshot;
use crate::types::Params;
use crate::types::{LogicalType, Value};
use std::collections::{HashMap, HashSet};

/// How a result column is turned into values.
#[derive(Debug, Clone)]
pub enum OutKind {
    Value(usize),
    /// A packed id shown as INTERNAL_ID.
    Id(usize),
    Node {
        col: usize,
        props: Vec<(String, usize)>,
    },
    Rel {
        col: usize,
        src: usize,
        dst: usize,
        props: Vec<(String, usize)>,
    },
}

#[derive(Debug, Clone)]
pub struct OutCol {
    pub name: String,
    pub ty: LogicalType,
    pub kind: OutKind,
}

#[derive(Default, Clone)]
struct Needed {
    all: bool,
    names: Vec<String>,
}

pub struct Planner<'a> {
    pub snap: &'a Snapshot,
    pub params: &'a Params,
    needed: HashMap<String, Needed>,
    anon: usize,
    /// Column of the factorized-count weight, when the current query counts factorized.
    weight: Option<usize>,
    needed_all_star: bool,
    /// With a weight: the only node of the plan (a single scan), when the pattern reduced to
    /// it; grouping by its identity then needs no hash table.
    weight_node: Option<(String, u64)>,
    /// The connection the query runs on (table functions read its settings and warnings).
    conn: Option<&'a ClientContext>,
    /// Rel variables bound by undirected patterns (Kuzu refuses to delete them).
    undirected: HashSet<String>,
}

fn mk(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: ast::Span::default(),
    }
}

fn split_and(e: &Expr, out: &mut Vec<Expr>) {
    if let ExprKind::Binary {
        op: BinaryOp::And,
        left,
        right,
    } = &e.kind
    {
        split_and(left, out);
        split_and(right, out);
    } else {
        out.push(e.clone());
    }
}

fn is_hidden(name: &str) -> bool {
    name.starts_with("_anon")
}

struct PNode {
    name: String,
    tables: Vec<u64>,
}

struct PRel {
    name: String,
    tables: Vec<u64>,
    dir: Direction,
    left: usize,
    right: usize,
    /// A variable-length or shortest-path rel: (lower, upper, semantic).
    rec: Option<(u64, u64, PathSemantic)>,
}

impl<'a> Planner<'a> {
    pub fn new(snap: &'a Snapshot, params: &'a Params) -> Self {
        Planner {
            snap,
            params,
            needed: HashMap::new(),
            anon: 0,
            weight: None,
            needed_all_star: false,
            weight_node: None,
            conn: None,
            undirected: HashSet::new(),
        }
    }

    /// Plans for `conn` (CALL table functions see its settings and warnings).
    pub fn with_connection(mut self, conn: &'a ClientContext) -> Self {
        self.conn = Some(conn);
        self
    }

    fn catalog(&self) -> &'a Catalog {
        &self.snap.catalog
    }

    fn binder<'s>(&'s self, scope: &'s Scope) -> ExprBinder<'s> {
        ExprBinder {
            catalog: &self.snap.catalog,
            params: self.params,
            scope,
        }
    }

    /// Plans a whole query; returns the plan and its result columns.
    pub fn plan_query(&mut self, q: &Query) -> Result<(Plan, Vec<OutCol>)> {
        let (first, out) = self.plan_single(&q.first)?;
        if q.unions.is_empty() {
            return Ok((first, out));
        }
        // Each branch is projected to plain value columns.
        let flatten = |plan: Plan, out: &[OutCol]| -> (Plan, Vec<BoundExpr>) {
            let exprs: Vec<BoundExpr> = out
                .iter()
                .map(|o| match &o.kind {
                    OutKind::Value(c) | OutKind::Id(c) => BoundExpr::column(*c, o.ty.clone()),
                    OutKind::Node { col, .. } | OutKind::Rel { col, .. } => {
                        BoundExpr::column(*col, LogicalType::InternalId)
                    }
                })
                .collect();
            (plan, exprs)
        };
        let (p, e) = flatten(first, &out);
        let mut children = vec![Plan::Project {
            child: Box::new(p),
            exprs: e,
        }];
        let mut all = true;
        for u in &q.unions {
            all &= u.all;
            let (p, o) = self.plan_single(&u.query)?;
            if o.len() != out.len() {
                return Err(Error::Binder(
                    "The number of columns to union/union all must be the same.".into(),
                ));
            }
            let (p, e) = flatten(p, &o);
            let e = e
                .into_iter()
                .zip(&out)
                .map(|(x, o)| x.cast_to(&o.ty))
                .collect::<Result<Vec<_>>>()?;
            children.push(Plan::Project {
                child: Box::new(p),
                exprs: e,
            });
        }
        let mut plan = Plan::Union { children };
        if !all {
            plan = Plan::Distinct {
                child: Box::new(plan),
            };
        }
        let out = out
            .into_iter()
            .enumerate()
            .map(|(i, o)| OutCol {
                kind: if matches!(o.kind, OutKind::Value(_)) {
                    OutKind::Value(i)
                } else {
                    OutKind::Id(i)
                },
                ty: if matches!(o.kind, OutKind::Value(_)) {
                    o.ty
                } else {
                    LogicalType::InternalId
                },
                name: o.name,
            })
            .collect();
        Ok((plan, out))
    }

    fn collect_needed(&mut self, sq: &SingleQuery) {
        let mut roots: Vec<&Expr> = Vec::new();
        let mut proj_roots: Vec<&Expr> = Vec::new();
        let mut readings: Vec<&ReadingClause> = Vec::new();
        let mut projs: Vec<&Projection> = Vec::new();
        for p in &sq.parts {
            readings.extend(p.reading_clauses.iter());
            projs.push(&p.with.projection);
            if let Some(w) = &p.with.where_clause {
                roots.push(w);
            }
        }
        readings.extend(sq.reading_clauses.iter());
        if let Some(r) = &sq.return_clause {
            projs.push(r);
        }
        for rc in readings {
            match rc {
                ReadingClause::Match(m) => {
                    if let Some(w) = &m.where_clause {
                        roots.push(w);
                    }
                }
                ReadingClause::Unwind { expr, .. } => roots.push(expr),
                ReadingClause::LoadFrom(l) => roots.extend(l.where_clause.iter()),
                _ => {}
            }
        }
        for p in projs {
            for i in &p.items {
                proj_roots.push(&i.expr);
            }
            for o in &p.order_by {
                roots.push(&o.expr);
            }
        }
        let mut needed = std::mem::take(&mut self.needed);
        for r in roots.iter().chain(proj_roots.iter()) {
            walk(r, &mut |x| {
                if let ExprKind::Property { base, key } = &x.kind {
                    if let ExprKind::Variable(v) = &base.kind {
                        let n = needed.entry(v.clone()).or_default();
                        if !n.names.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                            n.names.push(key.clone());
                        }
                    }
                }
            });
        }
        // A node or rel returned whole, or used as a value, needs all its properties.
        for r in &proj_roots {
            let mut bare = Vec::new();
            collect_bare_vars(r, &mut bare);
            for v in bare {
                needed.entry(v).or_default().all = true;
            }
        }
        let star = sq.parts.iter().any(|p| p.with.projection.star)
            || sq.return_clause.as_ref().is_some_and(|r| r.star);
        if star {
            self.needed_all_star = true;
        }
        self.needed = needed;
    }

    fn props_needed(&self, var: &str, tables: &[&TableEntry]) -> Vec<(String, LogicalType)> {
        let n = self.needed.get(var).cloned().unwrap_or_default();
        let mut out: Vec<(String, LogicalType)> = Vec::new();
        for t in tables {
            for p in &t.properties {
                let want = n.all
                    || self.needed_all_star
                    || n.names.iter().any(|k| k.eq_ignore_ascii_case(&p.name));
                if want && !out.iter().any(|(x, _)| x.eq_ignore_ascii_case(&p.name)) {
                    out.push((p.name.clone(), p.ty.clone()));
                }
            }
        }
        out
    }
}

/// Variables used bare (not as the base of a property access) in an expression.
fn collect_bare_vars(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Variable(v) => out.push(v.clone()),
        ExprKind::Property { base, .. } if matches!(base.kind, ExprKind::Variable(_)) => {}
        ExprKind::FunctionCall(f)
            if matches!(
                f.name.to_ascii_lowercase().as_str(),
                "id" | "label" | "labels"
            ) => {}
        _ => walk_children(e, &mut |c| collect_bare_vars(c, out)),
    }
}

fn shift_var(v: &Var, d: usize) -> Var {
    let sp = |p: &[(String, usize)]| p.iter().map(|(n, c)| (n.clone(), c + d)).collect();
    match v {
        Var::Node { col, tables, props } => Var::Node {
            col: col + d,
            tables: tables.clone(),
            props: sp(props),
        },
        Var::Rel {
            col,
            src,
            dst,
            tables,
            props,
        } => Var::Rel {
            col: col + d,
            src: src + d,
            dst: dst + d,
            tables: tables.clone(),
            props: sp(props),
        },
        Var::Value { col } => Var::Value { col: col + d },
    }
}

/// All columns of a variable (id first).
fn var_cols(v: &Var) -> Vec<usize> {
    match v {
        Var::Node { col, props, .. } => {
            let mut c = vec![*col];
            c.extend(props.iter().map(|p| p.1));
            c
        }
        Var::Rel {
            col,
            src,
            dst,
            props,
            ..
        } => {
            let mut c = vec![*col, *src, *dst];
            c.extend(props.iter().map(|p| p.1));
            c
        }
        Var::Value { col } => vec![*col],
    }
}

/// The same variable over new column positions (`map` from old to new).
fn remap_var(v: &Var, map: &HashMap<usize, usize>) -> Var {
    let m = |c: &usize| map.get(c).copied().unwrap_or(*c);
    let mp = |p: &[(String, usize)]| p.iter().map(|(n, c)| (n.clone(), m(c))).collect();
    match v {
        Var::Node { col, tables, props } => Var::Node {
            col: m(col),
            tables: tables.clone(),
            props: mp(props),
        },
        Var::Rel {
            col,
            src,
            dst,
            tables,
            props,
        } => Var::Rel {
            col: m(col),
            src: m(src),
            dst: m(dst),
            tables: tables.clone(),
            props: mp(props),
        },
        Var::Value { col } => Var::Value { col: m(col) },
    }
}

fn prop_eq(var: &str, key: &str, value: &Expr) -> Expr {
    mk(ExprKind::Binary {
        op: BinaryOp::Eq,
        left: Box::new(mk(ExprKind::Property {
            base: Box::new(mk(ExprKind::Variable(var.to_string()))),
            key: key.to_string(),
        })),
        right: Box::new(value.clone()),
    })
}

fn cmp_op(op: BinaryOp) -> Option<CmpOp> {
    Some(match op {
        BinaryOp::Eq => CmpOp::Eq,
        BinaryOp::Ne => CmpOp::Ne,
        BinaryOp::Lt => CmpOp::Lt,
        BinaryOp::Le => CmpOp::Le,
        BinaryOp::Gt => CmpOp::Gt,
        BinaryOp::Ge => CmpOp::Ge,
        _ => return None,
    })
}

/// `var.key op constant` (either side): (key, op with the property on the left, constant).
fn prop_vs_const<'e>(e: &'e Expr, var: &str) -> Option<(&'e str, CmpOp, &'e Expr)> {
    let ExprKind::Binary { op, left, right } = &e.kind else {
        return None;
    };
    let op = cmp_op(*op)?;
    let is_const = |x: &Expr| matches!(x.kind, ExprKind::Literal(_) | ExprKind::Parameter(_));
    let prop = |x: &'e Expr| -> Option<&'e str> {
        match &x.kind {
            ExprKind::Property { base, key } => match &base.kind {
                ExprKind::Variable(v) if v == var => Some(key.as_str()),
                _ => None,
            },
            _ => None,
        }
    };
    if let (Some(k), true) = (prop(left), is_const(right)) {
        return Some((k, op, right));
    }
    if let (Some(k), true) = (prop(right), is_const(left)) {
        return Some((k, op.flip(), left));
    }
    None
}

/// `other` in `var.key = other` or `other = var.key`.
fn prop_eq_other<'e>(e: &'e Expr, var: &str, key: &str) -> Option<&'e Expr> {
    let ExprKind::Binary { op, left, right } = &e.kind else {
        return None;
    };
    if cmp_op(*op)? != CmpOp::Eq {
        return None;
    }
    let is_key = |x: &Expr| match &x.kind {
        ExprKind::Property { base, key: k } => {
            matches!(&base.kind, ExprKind::Variable(v) if v == var) && k.eq_ignore_ascii_case(key)
        }
        _ => false,
    };
    if is_key(left) {
        Some(right)
    } else if is_key(right) {
        Some(left)
    } else {
        None
    }
}

struct Shortcut {
    referenced: HashSet<String>,
}

impl Planner<'_> {
    fn plan_single(&mut self, sq: &SingleQuery) -> Result<(Plan, Vec<OutCol>)> {
        self.needed.clear();
        self.needed_all_star = false;
        self.weight = None;
        self.weight_node = None;
        self.collect_needed(sq);
        let writes = !sq.updating_clauses.is_empty()
            || sq.parts.iter().any(|p| !p.updating_clauses.is_empty());
        let shortcut = if writes { None } else { count_shortcut(sq) };
        let mut plan: Option<Plan> = None;
        let mut scope = Scope::default();
        for p in &sq.parts {
            for rc in &p.reading_clauses {
                plan = Some(self.plan_reading(plan, &mut scope, rc, None)?);
            }
            for uc in &p.updating_clauses {
                plan = Some(self.plan_updating(plan, &mut scope, uc)?);
            }
            let (pl, sc, _) = self.plan_projection(
                plan.unwrap_or(Plan::SingleRow),
                scope,
                &p.with.projection,
                false,
            )?;
            plan = Some(pl);
            scope = sc;
            if let Some(w) = &p.with.where_clause {
                plan = Some(self.filter(plan.unwrap_or(Plan::SingleRow), &mut scope, w)?);
            }
            if !p.updating_clauses.is_empty() {
                // The writes of this part are done before later clauses read (they see them),
                // and run once however often the plan below is reused.
                plan = plan.map(|child| Plan::Buffer {
                    child: Box::new(child),
                    cache: Default::default(),
                });
            }
        }
        for rc in &sq.reading_clauses {
            plan = Some(self.plan_reading(plan, &mut scope, rc, shortcut.as_ref())?);
        }
        for uc in &sq.updating_clauses {
            plan = Some(self.plan_updating(plan, &mut scope, uc)?);
        }
        let Some(ret) = sq.return_clause.as_ref() else {
            if writes {
                // A write without RETURN: run it, return nothing.
                return Ok((
                    Plan::Discard {
                        child: Box::new(plan.unwrap_or(Plan::SingleRow)),
                    },
                    Vec::new(),
                ));
            }
            return Err(Error::NotImplemented("query without RETURN".into()));
        };
        let (plan, _, out) =
            self.plan_projection(plan.unwrap_or(Plan::SingleRow), scope, ret, true)?;
        Ok((plan, out))
    }

    fn filter(&mut self, plan: Plan, scope: &mut Scope, e: &Expr) -> Result<Plan> {
        let plan = self.plan_subqueries(plan, scope, &[e])?;
        // START_NODE(r) / END_NODE(r) as in projections.
        let mut rewritten = e.clone();
        let mut extra: Vec<Expr> = Vec::new();
        self.rewrite_end_nodes(scope, &mut rewritten, &mut extra)?;
        let mut roots: Vec<&Expr> = vec![&rewritten];
        roots.extend(extra.iter());
        let plan = self.ensure_props(plan, scope, &roots)?;
        let pred = bool_predicate(self.binder(scope).bind(&rewritten)?, e)?;
        Ok(Plan::Filter {
            child: Box::new(plan),
            pred,
        })
    }

    /// `EXISTS { MATCH .. }`, `COUNT { MATCH .. }` and patterns used as predicates inside
    /// `exprs` become columns of the plan, registered in `scope.exprs` under the subquery's
    /// name so that binding the expression finds them. The subquery's pattern is planned from
    /// the distinct values of the outer variables it uses (as OPTIONAL MATCH is); EXISTS is a
    /// mark join on them, COUNT a left join with a count per key (0 when none).
    fn plan_subqueries(
        &mut self,
        mut plan: Plan,
        scope: &mut Scope,
        exprs: &[&Expr],
    ) -> Result<Plan> {
        let mut subs: Vec<&Expr> = Vec::new();
        for e in exprs {
            collect_subqueries(e, &mut subs);
        }
        for s in subs {
            let name = expr_name(s);
            if scope.exprs.contains_key(&name) {
                continue;
            }
            let (kind, m) = match &s.kind {
                ExprKind::Subquery {
                    kind,
                    pattern,
                    where_clause,
                    hint,
                } => (
                    *kind,
                    ast::MatchClause {
                        optional: false,
                        pattern: pattern.clone(),
                        where_clause: where_clause.as_deref().cloned(),
                        hint: hint.clone(),
                    },
                ),
                ExprKind::PathPattern(el) => (
                    ast::SubqueryKind::Exists,
                    ast::MatchClause {
                        optional: false,
                        pattern: vec![ast::PatternPart {
                            path_variable: None,
                            element: (**el).clone(),
                        }],
                        where_clause: None,
                        hint: None,
                    },
                ),
                _ => continue,
            };
            // Outer names the subquery uses: nodes (by id) and values.
            let (names, _) = subquery_parts(s);
            let mut outer: Vec<String> = Vec::new();
            for v in names.iter().map(|n| n.to_string()).chain(variables(s)) {
                if !outer.contains(&v)
                    && matches!(scope.var(&v), Some(Var::Node { .. } | Var::Value { .. }))
                {
                    outer.push(v);
                }
            }
            if let Some(v) = names
                .iter()
                .find(|n| matches!(scope.var(n), Some(Var::Rel { .. })))
            {
                return Err(Error::NotImplemented(format!(
                    "subquery over the bound relationship {v}"
                )));
            }
            let mut sub = Scope::default();
            let mut seed_exprs = Vec::new();
            let mut pk = Vec::new();
            let mut bk = Vec::new();
            for n in &outer {
                let (ty, var) = match scope.var(n) {
                    Some(Var::Node { col, tables, .. }) => (
                        LogicalType::InternalId,
                        Var::Node {
                            col: *col,
                            tables: tables.clone(),
                            props: Vec::new(),
                        },
                    ),
                    Some(Var::Value { col }) => {
                        (scope.types[*col].clone(), Var::Value { col: *col })
                    }
                    _ => continue,
                };
                let c = sub.add_col(ty.clone());
                seed_exprs.push(BoundExpr::column(var.col(), ty.clone()));
                pk.push(BoundExpr::column(var.col(), ty.clone()));
                bk.push(BoundExpr::column(c, ty));
                sub.set_var(
                    n,
                    match var {
                        Var::Node { tables, .. } => Var::Node {
                            col: c,
                            tables,
                            props: Vec::new(),
                        },
                        _ => Var::Value { col: c },
                    },
                );
            }
            let seed = (!seed_exprs.is_empty()).then(|| Plan::Distinct {
                child: Box::new(Plan::Project {
                    child: Box::new(plan.clone()),
                    exprs: seed_exprs,
                }),
            });
            let (saved_weight, saved_node) = (self.weight.take(), self.weight_node.take());
            let right = self.plan_match(seed, &mut sub, &m, None, Some(scope));
            self.weight = saved_weight;
            self.weight_node = saved_node;
            let right = right?;
            match kind {
                ast::SubqueryKind::Exists => {
                    plan = Plan::Join {
                        probe: Box::new(plan),
                        build: Box::new(right),
                        probe_keys: pk,
                        build_keys: bk,
                        kind: JoinType::Mark,
                    };
                    let col = scope.add_col(LogicalType::Bool);
                    scope.exprs.insert(name, col);
                }
                ast::SubqueryKind::Count => {
                    let k = bk.len();
                    let key_types: Vec<LogicalType> = bk.iter().map(|b| b.ty.clone()).collect();
                    let counted = Plan::Aggregate {
                        child: Box::new(right),
                        keys: bk,
                        aggs: vec![AggregateSpec {
                            func: bind_aggregate("COUNT_STAR", &[], false)?,
                            arg: None,
                        }],
                    };
                    let agg_keys = key_types
                        .iter()
                        .enumerate()
                        .map(|(i, t)| BoundExpr::column(i, t.clone()))
                        .collect();
                    plan = if k == 0 {
                        Plan::Cross {
                            left: Box::new(plan),
                            right: Box::new(counted),
                        }
                    } else {
                        Plan::Join {
                            probe: Box::new(plan),
                            build: Box::new(counted),
                            probe_keys: pk,
                            build_keys: agg_keys,
                            kind: JoinType::Left,
                        }
                    };
                    for t in key_types {
                        scope.add_col(t);
                    }
                    let cnt = scope.add_col(LogicalType::Int64);
                    let mut cols: Vec<BoundExpr> = scope
                        .types
                        .iter()
                        .enumerate()
                        .map(|(i, t)| BoundExpr::column(i, t.clone()))
                        .collect();
                    cols.push(bind_function(
                        "COALESCE",
                        vec![
                            BoundExpr::column(cnt, LogicalType::Int64),
                            BoundExpr::literal(Value::Int64(0)),
                        ],
                    )?);
                    let col = scope.add_col(LogicalType::Int64);
                    plan = Plan::Project {
                        child: Box::new(plan),
                        exprs: cols,
                    };
                    scope.exprs.insert(name, col);
                }
            }
        }
        Ok(plan)
    }

    /// Adds property reads for node properties the expressions use but the plan lacks.
    fn ensure_props(&mut self, mut plan: Plan, scope: &mut Scope, exprs: &[&Expr]) -> Result<Plan> {
        let mut want: Vec<(String, String)> = Vec::new();
        for e in exprs {
            walk(e, &mut |x| {
                if let ExprKind::Property { base, key } = &x.kind {
                    if let ExprKind::Variable(v) = &base.kind {
                        if let Some(Var::Node { props, .. }) = scope.var(v) {
                            if !props.iter().any(|(n, _)| n.eq_ignore_ascii_case(key))
                                && !want.contains(&(v.clone(), key.clone()))
                            {
                                want.push((v.clone(), key.clone()));
                            }
                        }
                    }
                }
            });
        }
        let mut vars: Vec<String> = want.iter().map(|w| w.0.clone()).collect();
        vars.dedup();
        for v in vars {
            let Some(Var::Node { col, tables, props }) = scope.var(&v).cloned() else {
                continue;
            };
            let entries: Vec<&TableEntry> = tables
                .iter()
                .filter_map(|t| self.catalog().table_by_id(*t))
                .collect();
            let mut new_props: Vec<(String, LogicalType)> = Vec::new();
            for (_, key) in want.iter().filter(|w| w.0 == v) {
                for t in &entries {
                    if let Some(p) = t
                        .properties
                        .iter()
                        .find(|p| p.name.eq_ignore_ascii_case(key))
                    {
                        if !new_props.iter().any(|(n, _)| n.eq_ignore_ascii_case(key)) {
                            new_props.push((p.name.clone(), p.ty.clone()));
                        }
                    }
                }
            }
            if new_props.is_empty() {
                continue;
            }
            let spec = ReadPropsSpec::new(col, &entries, &new_props);
            let mut props = props.clone();
            for (n, ty) in new_props {
                props.push((n, scope.add_col(ty)));
            }
            scope.set_var(&v, Var::Node { col, tables, props });
            plan = Plan::ReadProps {
                child: Box::new(plan),
                spec,
            };
        }
        Ok(plan)
    }

    fn plan_reading(
        &mut self,
        plan: Option<Plan>,
        scope: &mut Scope,
        rc: &ReadingClause,
        shortcut: Option<&Shortcut>,
    ) -> Result<Plan> {
        match rc {
            ReadingClause::Match(m) if m.optional => {
                let left = plan.unwrap_or(Plan::SingleRow);
                // Pattern nodes bound outside: the optional part starts from their distinct
                // ids (not from a scan of their tables).
                let mut bound_names: Vec<String> = Vec::new();
                for part in &m.pattern {
                    let el = &part.element;
                    for n in std::iter::once(&el.start).chain(el.chain.iter().map(|c| &c.node)) {
                        if let Some(v) = &n.variable {
                            if matches!(scope.var(v), Some(Var::Node { .. }))
                                && !bound_names.contains(v)
                            {
                                bound_names.push(v.clone());
                            }
                        }
                    }
                }
                // Outer values the WHERE refers to travel along (and join) too.
                let mut pattern_names: Vec<String> = Vec::new();
                for part in &m.pattern {
                    let el = &part.element;
                    pattern_names.extend(el.start.variable.iter().cloned());
                    for ch in &el.chain {
                        pattern_names.extend(ch.rel.variable.iter().cloned());
                        pattern_names.extend(ch.node.variable.iter().cloned());
                    }
                }
                // ... and so do those of the pattern's property maps.
                let mut outer_exprs: Vec<&Expr> = m.where_clause.iter().collect();
                for part in &m.pattern {
                    let el = &part.element;
                    let nodes = std::iter::once(&el.start).chain(el.chain.iter().map(|c| &c.node));
                    for n in nodes {
                        outer_exprs.extend(n.properties.iter().map(|(_, x)| x));
                    }
                    for c in &el.chain {
                        outer_exprs.extend(c.rel.properties.iter().map(|(_, x)| x));
                    }
                }
                for w in outer_exprs {
                    for v in variables(w) {
                        if !pattern_names.contains(&v)
                            && !bound_names.contains(&v)
                            && matches!(scope.var(&v), Some(Var::Node { .. } | Var::Value { .. }))
                        {
                            bound_names.push(v);
                        }
                    }
                }
                let mut sub = Scope::default();
                let seed = if bound_names.is_empty() {
                    None
                } else {
                    let mut exprs = Vec::new();
                    for n in &bound_names {
                        match scope.var(n) {
                            Some(Var::Node { col, tables, .. }) => {
                                let c = sub.add_col(LogicalType::InternalId);
                                exprs.push(BoundExpr::column(*col, LogicalType::InternalId));
                                sub.set_var(
                                    n,
                                    Var::Node {
                                        col: c,
                                        tables: tables.clone(),
                                        props: Vec::new(),
                                    },
                                );
                            }
                            Some(Var::Value { col }) => {
                                let ty = scope.types[*col].clone();
                                let c = sub.add_col(ty.clone());
                                exprs.push(BoundExpr::column(*col, ty));
                                sub.set_var(n, Var::Value { col: c });
                            }
                            _ => {}
                        }
                    }
                    Some(Plan::Distinct {
                        child: Box::new(Plan::Project {
                            child: Box::new(left.clone()),
                            exprs,
                        }),
                    })
                };
                let right = self.plan_match(seed, &mut sub, m, None, Some(scope))?;
                let shared: Vec<String> = sub
                    .vars
                    .iter()
                    .filter(|(n, _)| {
                        bound_names.contains(n) || matches!(scope.var(n), Some(Var::Node { .. }))
                    })
                    .map(|(n, _)| n.clone())
                    .collect();
                let mut pk = Vec::new();
                let mut bk = Vec::new();
                for n in &shared {
                    if let (Some(a), Some(b)) = (scope.var(n), sub.var(n)) {
                        let ty = match a {
                            Var::Value { col } => scope.types[*col].clone(),
                            _ => LogicalType::InternalId,
                        };
                        pk.push(BoundExpr::column(a.col(), ty.clone()));
                        bk.push(BoundExpr::column(b.col(), ty));
                    }
                }
                let d = scope.types.len();
                scope.types.extend(sub.types.iter().cloned());
                for (n, v) in &sub.vars {
                    if !shared.contains(n) {
                        scope.set_var(n, shift_var(v, d));
                    }
                }
                Ok(Plan::Join {
                    probe: Box::new(left),
                    build: Box::new(right),
                    probe_keys: pk,
                    build_keys: bk,
                    kind: JoinType::Left,
                })
            }
            ReadingClause::Match(m) => self.plan_match(plan, scope, m, shortcut, None),
            ReadingClause::Unwind { expr, alias } => {
                let plan = self.ensure_props(plan.unwrap_or(Plan::SingleRow), scope, &[expr])?;
                let list = self.binder(scope).bind(expr)?;
                let elem = match &list.ty {
                    LogicalType::List(c) | LogicalType::Array(c, _) => (**c).clone(),
                    LogicalType::Any => LogicalType::Any,
                    t => {
                        return Err(Error::Binder(format!(
                            "{} has data type {} but LIST was expected.",
                            expr_name(expr),
                            crate::types::element::display_type(t)
                        )))
                    }
                };
                let col = scope.add_col(elem.clone());
                scope.set_var(alias, Var::Value { col });
                let plan = Plan::Unwind {
                    child: Box::new(plan),
                    list,
                };
                self.unwind_elements(plan, scope, alias, col, &elem)
            }
            ReadingClause::Call {
                function,
                where_clause,
                yield_items,
            } => {
                use crate::planner::call;
                let f = call::resolve(&function.name, false)?;
                let args = call::bind_args(&self.binder(scope), &function.args)?;
                let args = call::convert_args(f, args)?;
                let out = (f.run)(&call::CallInput {
                    snap: self.snap,
                    client: self.conn,
                    args,
                })?;
                let names = call::yield_names(&out.columns, yield_items)?;
                for n in &names {
                    if scope.var(n).is_some() {
                        return Err(Error::Binder(format!("Variable {n} already exists.")));
                    }
                }
                let types: Vec<LogicalType> = out.columns.iter().map(|c| c.1.clone()).collect();
                let source = Plan::TableFunction {
                    name: f.name.to_string(),
                    types: types.clone(),
                    rows: std::sync::Arc::new(out.rows),
                };
                let mut plan = match plan {
                    None => source,
                    Some(left) => Plan::Cross {
                        left: Box::new(left),
                        right: Box::new(source),
                    },
                };
                for (n, ty) in names.iter().zip(types) {
                    let col = scope.add_col(ty);
                    scope.set_var(n, Var::Value { col });
                }
                if let Some(w) = where_clause {
                    plan = self.filter(plan, scope, w)?;
                }
                Ok(plan)
            }
            ReadingClause::LoadFrom(l) => {
                let spec = crate::planner::load_from::bind_load_from(l, self.params)?;
                for (name, ty) in &spec.columns {
                    if scope.var(name).is_some() {
                        return Err(Error::Binder(format!("Variable {name} already exists.")));
                    }
                    let col = scope.add_col(ty.clone());
                    scope.set_var(name, Var::Value { col });
                }
                let load = Plan::LoadFrom {
                    spec: std::sync::Arc::new(spec),
                };
                let mut plan = match plan {
                    Some(p) => Plan::Cross {
                        left: Box::new(p),
                        right: Box::new(load),
                    },
                    None => load,
                };
                if let Some(w) = &l.where_clause {
                    plan = self.ensure_props(plan, scope, &[w])?;
                    let pred = self.binder(scope).bind(w)?;
                    plan = Plan::Filter {
                        child: Box::new(plan),
                        pred,
                    };
                }
                Ok(plan)
            }
        }
    }

    /// UNWIND of a list of nodes or rels (element structs, e.g. from `collect(n)`): the
    /// alias becomes a node / rel variable again, its id and properties projected out of the
    /// struct; its tables are those whose properties the struct holds.
    fn unwind_elements(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        alias: &str,
        col: usize,
        elem: &LogicalType,
    ) -> Result<Plan> {
        let LogicalType::Struct(fields) = elem else {
            return Ok(plan);
        };
        let Some(kind) = crate::types::element::element_kind(fields) else {
            return Ok(plan);
        };
        let is_rel = kind == crate::types::element::ElementKind::Rel;
        let skip = if is_rel { 4 } else { 2 };
        let mut exprs: Vec<BoundExpr> = scope
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| BoundExpr::column(i, t.clone()))
            .collect();
        let base = BoundExpr::column(col, elem.clone());
        let mut field_col = |scope: &mut Scope, name: &str| -> Result<usize> {
            let e = crate::exec::expr::bind_struct_field(base.clone(), name)?;
            let c = scope.add_col(e.ty.clone());
            exprs.push(e);
            Ok(c)
        };
        let id = field_col(scope, "_ID")?;
        let ends = if is_rel {
            Some((field_col(scope, "_SRC")?, field_col(scope, "_DST")?))
        } else {
            None
        };
        let mut props = Vec::new();
        for (n, _) in &fields[skip..] {
            props.push((n.clone(), field_col(scope, n)?));
        }
        let has = |p: &str| props.iter().any(|(n, _)| n.eq_ignore_ascii_case(p));
        let tables: Vec<u64> = self
            .catalog()
            .tables
            .iter()
            .filter(|t| t.is_node() != is_rel && t.properties.iter().all(|p| has(&p.name)))
            .map(|t| t.id)
            .collect();
        // `alias.*` of an unwound element shows its struct fields (`_ID`, `_LABEL`, ...).
        scope.set_var(&format!("_anon_elem_{alias}"), Var::Value { col });
        scope.set_var(
            alias,
            match ends {
                Some((src, dst)) => Var::Rel {
                    col: id,
                    src,
                    dst,
                    tables,
                    props,
                },
                None => Var::Node {
                    col: id,
                    tables,
                    props,
                },
            },
        );
        Ok(Plan::Project {
            child: Box::new(plan),
            exprs,
        })
    }

    fn node_tables(&self, labels: &[String]) -> Result<Vec<u64>> {
        if labels.is_empty() {
            return Ok(self.catalog().node_tables().map(|t| t.id).collect());
        }
        let mut out = Vec::new();
        for l in labels {
            let t = self
                .catalog()
                .table(l)
                .ok_or_else(|| Error::Binder(format!("Table {l} does not exist.")))?;
            if !t.is_node() {
                return Err(Error::Binder(format!(
                    "Cannot bind {} as a node pattern label.",
                    t.name
                )));
            }
            if !out.contains(&t.id) {
                out.push(t.id);
            }
        }
        Ok(out)
    }

    fn rel_tables(&self, types: &[String]) -> Result<Vec<u64>> {
        if types.is_empty() {
            return Ok(self.catalog().rel_tables().map(|t| t.id).collect());
        }
        let mut out = Vec::new();
        for l in types {
            let t = self
                .catalog()
                .table(l)
                .ok_or_else(|| Error::Binder(format!("Table {l} does not exist.")))?;
            if t.is_node() {
                return Err(Error::Binder(format!(
                    "Cannot bind {} as a relationship pattern label.",
                    t.name
                )));
            }
            if !out.contains(&t.id) {
                out.push(t.id);
            }
        }
        Ok(out)
    }

    /// The CSR steps from a bound node (`from_left`: the rel's left pattern node) to the other.
    fn steps(
        &self,
        r: &PRel,
        from_left: bool,
        bound: &[u64],
        other: &[u64],
        props: &[String],
    ) -> Vec<RelStep> {
        let mut out = Vec::new();
        let dirs: Vec<Dir> = match (r.dir, from_left) {
            (Direction::Right, true) | (Direction::Left, false) => vec![Dir::Fwd],
            (Direction::Left, true) | (Direction::Right, false) => vec![Dir::Bwd],
            (Direction::Both, _) => vec![Dir::Fwd, Dir::Bwd],
        };
        for &rt in &r.tables {
            let Some(entry) = self.catalog().table_by_id(rt) else {
                continue;
            };
            let TableKind::Rel { pairs, .. } = &entry.kind else {
                continue;
            };
            for (pi, &(from, to)) in pairs.iter().enumerate() {
                for &d in &dirs {
                    let (b, n) = match d {
                        Dir::Fwd => (from, to),
                        Dir::Bwd => (to, from),
                    };
                    if bound.contains(&b) && other.contains(&n) {
                        out.push(RelStep {
                            rel_table: rt,
                            pair: pi,
                            dir: d,
                            bound_table: b,
                            nbr_table: n,
                            props: props.iter().map(|p| entry.property_index(p)).collect(),
                        });
                    }
                }
            }
        }
        out
    }

    fn row_count(&self, tables: &[u64]) -> u64 {
        tables.iter().map(|t| self.snap.node_count(*t)).sum()
    }

    fn is_pk_eq(&self, e: &Expr, var: &str, tables: &[u64]) -> bool {
        let [t] = tables else { return false };
        let Some(pk) = self.catalog().table_by_id(*t).and_then(|t| t.primary_key()) else {
            return false;
        };
        matches!(prop_vs_const(e, var), Some((k, CmpOp::Eq, _)) if k.eq_ignore_ascii_case(&pk.name))
    }

    /// Kuzu's bounds and path semantic of a recursive rel pattern (with its binder errors).
    fn recursive_bounds(
        &self,
        r: &ast::RelPattern,
        info: &ast::RecursiveInfo,
    ) -> Result<(u64, u64, PathSemantic)> {
        if info.comprehension.is_some() || !r.properties.is_empty() {
            return Err(Error::NotImplemented(
                "filters on variable-length relationships".into(),
            ));
        }
        let setting = |name: &str| self.conn.and_then(|c| c.setting(name).ok());
        let semantic = match &info.kind {
            ast::RecursiveKind::Variable => match setting("recursive_pattern_semantic") {
                Some(Value::String(s)) if s.eq_ignore_ascii_case("TRAIL") => PathSemantic::Trail,
                Some(Value::String(s)) if s.eq_ignore_ascii_case("ACYCLIC") => {
                    PathSemantic::Acyclic
                }
                _ => PathSemantic::Walk,
            },
            ast::RecursiveKind::Trail => PathSemantic::Trail,
            ast::RecursiveKind::Acyclic => PathSemantic::Acyclic,
            ast::RecursiveKind::Shortest => PathSemantic::Shortest,
            ast::RecursiveKind::AllShortest => PathSemantic::AllShortest,
            ast::RecursiveKind::WeightedShortest { .. }
            | ast::RecursiveKind::AllWeightedShortest { .. } => {
                return Err(Error::NotImplemented("weighted shortest paths".into()))
            }
        };
        let max = setting("var_length_extend_max_depth")
            .and_then(|v| v.as_i64())
            .map_or(30, |v| v.max(0) as u64);
        let name = r.variable.clone().unwrap_or_default();
        let lower = info.lower.unwrap_or(1);
        let upper = info.upper.unwrap_or(max);
        if lower > upper {
            return Err(Error::Binder(format!(
                "Lower bound of rel {name} is greater than upperBound."
            )));
        }
        if upper > max {
            return Err(Error::Binder(format!(
                "Upper bound of rel {name} exceeds maximum: {max}."
            )));
        }
        if matches!(semantic, PathSemantic::Shortest | PathSemantic::AllShortest) && lower != 1 {
            return Err(Error::Binder(
                "Lower bound of shortest/all_shortest path must be 1.".into(),
            ));
        }
        Ok((lower, upper, semantic))
    }

    /// Appends the value of the named path `name` (its nodes and rels in order, as a path
    /// struct built by `PATH_BUILD`) and binds the name to it.
    fn bind_path(
        &mut self,
        plan: Plan,
        scope: &mut Scope,
        name: &str,
        seq: &[(bool, usize)],
        nodes: &[PNode],
        rels: &[PRel],
    ) -> Result<Plan> {
        let mut args = Vec::new();
        for &(is_rel, i) in seq {
            let var = if is_rel {
                &rels[i].name
            } else {
                &nodes[i].name
            };
            let b = self.binder(scope);
            let e = match (scope.var(var), b.bind_element(var)?) {
                (_, Some(e)) => e,
                (Some(Var::Value { col }), None) => {
                    BoundExpr::column(*col, scope.types[*col].clone())
                }
                _ => return Err(Error::Binder(format!("Variable {var} is not in scope."))),
            };
            args.push(e);
        }
        let mut node_props: Vec<(String, LogicalType)> = Vec::new();
        let mut rel_props: Vec<(String, LogicalType)> = Vec::new();
        for t in &self.catalog().tables {
            let props = if t.is_node() {
                &mut node_props
            } else if matches!(t.kind, TableKind::Rel { .. }) {
                &mut rel_props
            } else {
                continue;
            };
            for p in &t.properties {
                if !props.iter().any(|(n, _)| n.eq_ignore_ascii_case(&p.name)) {
                    props.push((p.name.clone(), p.ty.clone()));
                }
            }
        }
        let mut nf = vec![
            ("_ID".to_string(), LogicalType::InternalId),
            ("_LABEL".to_string(), LogicalType::String),
        ];
        nf.extend(node_props);
        let mut rf = vec![
            ("_SRC".to_string(), LogicalType::InternalId),
            ("_DST".to_string(), LogicalType::InternalId),
            ("_ID".to_string(), LogicalType::InternalId),
            ("_LABEL".to_string(), LogicalType::String),
        ];
        rf.extend(rel_props);
        let ty = crate::types::element::path_type(LogicalType::Struct(nf), LogicalType::Struct(rf));
        let path = crate::exec::function::path::bind_path_build(args, ty.clone());
        let mut exprs: Vec<BoundExpr> = scope
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| BoundExpr::column(i, t.clone()))
            .collect();
        exprs.push(path);
        let col = scope.add_col(ty);
        scope.set_var(name, Var::Value { col });
        Ok(Plan::Project {
            child: Box::new(plan),
            exprs,
        })
    }

    /// The labels and node properties a path value over `rel_tables` holds (all node tables:
    /// a path may pass through any of them).
    fn path_spec(&self, rel_tables: &[u64]) -> PathSpec {
        let mut ps = PathSpec::default();
        let tables: Vec<&TableEntry> = self.catalog().node_tables().collect();
        for t in &tables {
            for p in &t.properties {
                if !ps
                    .node_props
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(&p.name))
                {
                    ps.node_props.push((p.name.clone(), p.ty.clone()));
                }
            }
        }
        for t in &tables {
            let idx = ps
                .node_props
                .iter()
                .map(|(n, _)| t.property_index(n))
                .collect();
            ps.node_tables.push((t.id, t.name.clone(), idx));
        }
        for r in rel_tables {
            if let Some(t) = self.catalog().table_by_id(*r) {
                ps.rel_tables.push((t.id, t.name.clone()));
                for p in &t.properties {
                    if !ps
                        .rel_props
                        .iter()
                        .any(|(n, _)| n.eq_ignore_ascii_case(&p.name))
                    {
                        ps.rel_props.push((p.name.clone(), p.ty.clone()));
                    }
                }
            }
        }
        ps
    }

    /// Binds the far node of an extend (one hop or recursive) to the id column `nbr_col` (or,
    /// when it is already bound, keeps only rows where both agree) and reads its needed
    /// properties.
    fn bind_neighbour(
        &mut self,
        mut p: Plan,
        scope: &mut Scope,
        to: &PNode,
        nbr_col: usize,
    ) -> Result<Plan> {
        if let Some(Var::Node { col, .. }) = scope.var(&to.name) {
            return Ok(Plan::Filter {
                child: Box::new(p),
                pred: bind_comparison(
                    CmpOp::Eq,
                    BoundExpr::column(nbr_col, LogicalType::InternalId),
                    BoundExpr::column(*col, LogicalType::InternalId),
                )?,
            });
        }
        let entries: Vec<&TableEntry> = to
            .tables
            .iter()
            .filter_map(|t| self.catalog().table_by_id(*t))
            .collect();
        let want = self.props_needed(&to.name, &entries);
        let mut props = Vec::new();
        if !want.is_empty() {
            let spec = ReadPropsSpec::new(nbr_col, &entries, &want);
            props = want
                .iter()
                .map(|(n, t)| (n.clone(), scope.add_col(t.clone())))
                .collect();
            p = Plan::ReadProps {
                child: Box::new(p),
                spec,
            };
        }
        scope.set_var(
            &to.name,
            Var::Node {
                col: nbr_col,
                tables: to.tables.clone(),
                props,
            },
        );
        Ok(p)
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_match(
        &mut self,
        plan: Option<Plan>,
        scope: &mut Scope,
        m: &ast::MatchClause,
        shortcut: Option<&Shortcut>,
        outer: Option<&Scope>,
    ) -> Result<Plan> {
        // ---- the pattern graph
        let mut nodes: Vec<PNode> = Vec::new();
        let mut rels: Vec<PRel> = Vec::new();
        let mut conj: Vec<Expr> = Vec::new();
        let node_idx = |this: &mut Self,
                        nodes: &mut Vec<PNode>,
                        conj: &mut Vec<Expr>,
                        n: &ast::NodePattern|
         -> Result<usize> {
            let name = match &n.variable {
                Some(v) => v.clone(),
                None => {
                    this.anon += 1;
                    format!("_anon_n{}", this.anon)
                }
            };
            let known = scope
                .var(&name)
                .or_else(|| outer.and_then(|o| o.var(&name)));
            let tables = match (known, n.labels.is_empty()) {
                (Some(Var::Node { tables, .. }), true) => tables.clone(),
                (Some(Var::Node { tables, .. }), false) => {
                    let l = this.node_tables(&n.labels)?;
                    tables.iter().copied().filter(|t| l.contains(t)).collect()
                }
                (Some(Var::Rel { .. }), _) => {
                    return Err(Error::Binder(format!(
                        "{name} has data type REL but NODE was expected."
                    )))
                }
                (Some(Var::Value { col }), _) => {
                    return Err(Error::Binder(format!(
                        "{name} has data type {} but NODE was expected.",
                        crate::types::element::display_type(
                            &scope.types.get(*col).cloned().unwrap_or(LogicalType::Any)
                        )
                    )))
                }
                (None, _) => this.node_tables(&n.labels)?,
            };
            for (k, v) in &n.properties {
                conj.push(prop_eq(&name, k, v));
            }
            if let Some(i) = nodes.iter().position(|x| x.name == name) {
                if !n.labels.is_empty() {
                    let t = tables.clone();
                    nodes[i].tables.retain(|x| t.contains(x));
                }
                return Ok(i);
            }
            nodes.push(PNode { name, tables });
            Ok(nodes.len() - 1)
        };
        // Named paths: (name, sequence of (is rel, index)).
        let mut named: Vec<(String, Vec<(bool, usize)>)> = Vec::new();
        for part in &m.pattern {
            let mut left = node_idx(self, &mut nodes, &mut conj, &part.element.start)?;
            let mut seq = vec![(false, left)];
            for ch in &part.element.chain {
                let right = node_idx(self, &mut nodes, &mut conj, &ch.node)?;
                seq.push((true, rels.len()));
                seq.push((false, right));
                let r = &ch.rel;
                let rec = match &r.recursive {
                    Some(info) => Some(self.recursive_bounds(r, info)?),
                    None => None,
                };
                let name = match &r.variable {
                    Some(v) => {
                        // A name bound to something else than a rel: Kuzu's type message.
                        let other = match scope.var(v) {
                            Some(Var::Node { .. }) => Some("NODE".to_string()),
                            Some(Var::Value { col }) => Some(
                                crate::types::element::display_type(
                                    &scope.types.get(*col).cloned().unwrap_or(LogicalType::Any),
                                )
                                .to_string(),
                            ),
                            _ if nodes.iter().any(|x| &x.name == v) => Some("NODE".to_string()),
                            _ => None,
                        };
                        if let Some(t) = other {
                            return Err(Error::Binder(format!(
                                "{v} has data type {t} but REL was expected."
                            )));
                        }
                        if scope.var(v).is_some() || rels.iter().any(|x| &x.name == v) {
                            return Err(Error::Binder(format!(
                                "Bind relationship {v} to relationship with same name is not supported."
                            )));
                        }
                        v.clone()
                    }
                    None => {
                        self.anon += 1;
                        format!("_anon_r{}", self.anon)
                    }
                };
                for (k, v) in &r.properties {
                    conj.push(prop_eq(&name, k, v));
                }
                if r.direction == Direction::Both && r.variable.is_some() {
                    self.undirected.insert(name.clone());
                }
                rels.push(PRel {
                    name,
                    tables: self.rel_tables(&r.types)?,
                    dir: r.direction,
                    left,
                    right,
                    rec,
                });
                left = right;
            }
            if let Some(p) = &part.path_variable {
                if scope.var(p).is_some() || named.iter().any(|(n, _)| n == p) {
                    return Err(Error::Binder(format!("Variable {p} already exists.")));
                }
                named.push((p.clone(), seq));
            }
        }
        // Elements of a named path are values: all their properties are read.
        let mut in_path = vec![false; rels.len()];
        for (_, seq) in &named {
            for &(is_rel, i) in seq {
                let name = if is_rel {
                    in_path[i] = true;
                    &rels[i].name
                } else {
                    &nodes[i].name
                };
                self.needed.entry(name.clone()).or_default().all = true;
            }
        }
        if let Some(w) = &m.where_clause {
            split_and(w, &mut conj);
        }
        let conj_vars: Vec<Vec<String>> = conj.iter().map(variables).collect();
        // Variable-length rels whose value is used emit their path (else only destinations).
        let path_used: Vec<bool> = rels
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.rec.is_some()
                    && (in_path[i] || !is_hidden(&r.name))
                    && (in_path[i]
                        || self.needed.contains_key(&r.name)
                        || self.needed_all_star
                        || conj_vars.iter().any(|v| v.contains(&r.name)))
            })
            .collect();
        // Kuzu binds the whole WHERE first: an unknown name is reported before anything else.
        for (c, vars) in conj.iter().zip(&conj_vars) {
            if has_subquery(c) {
                continue;
            }
            for v in vars {
                let known = nodes.iter().any(|x| &x.name == v)
                    || rels.iter().any(|x| &x.name == v)
                    || named.iter().any(|(n, _)| n == v)
                    || scope.var(v).is_some()
                    || outer.is_some_and(|o| o.var(v).is_some());
                if !known {
                    return Err(crate::binder::expr::not_in_scope(v));
                }
            }
        }
        for c in &conj {
            let needed = &mut self.needed;
            walk(c, &mut |x| {
                if let ExprKind::Property { base, key } = &x.kind {
                    if let ExprKind::Variable(v) = &base.kind {
                        let n = needed.entry(v.clone()).or_default();
                        if !n.names.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                            n.names.push(key.clone());
                        }
                    }
                }
            });
        }

        // ---- factorized count: leaf nodes nothing refers to
        let mut removed = vec![false; nodes.len()];
        let mut rel_removed = vec![false; rels.len()];
        let mut factors: HashMap<usize, Vec<Vec<RelStep>>> = HashMap::new();
        if let Some(sc) = shortcut {
            let referenced = |name: &str| {
                sc.referenced.contains(name)
                    || conj_vars.iter().any(|v| v.iter().any(|x| x == name))
            };
            for ri in 0..rels.len() {
                let r = &rels[ri];
                if referenced(&r.name) || r.left == r.right || r.rec.is_some() || in_path[ri] {
                    continue;
                }
                for (leaf, keep, keep_is_left) in
                    [(r.right, r.left, true), (r.left, r.right, false)]
                {
                    let deg = rels
                        .iter()
                        .enumerate()
                        .filter(|(i, x)| !rel_removed[*i] && (x.left == leaf || x.right == leaf))
                        .count();
                    if deg != 1
                        || removed[keep]
                        || factors.contains_key(&leaf)
                        || referenced(&nodes[leaf].name)
                        || named.iter().any(|(_, q)| q.contains(&(false, leaf)))
                        || scope.var(&nodes[leaf].name).is_some()
                    {
                        continue;
                    }
                    // Keep at least one node.
                    let steps = self.steps(
                        &rels[ri],
                        keep_is_left,
                        &nodes[keep].tables,
                        &nodes[leaf].tables,
                        &[],
                    );
                    removed[leaf] = true;
                    rel_removed[ri] = true;
                    factors.entry(keep).or_default().push(steps);
                    break;
                }
            }
        }

        // ---- placement
        let single_scan = plan.is_none() && rel_removed.iter().all(|r| *r);
        let mut plan = plan;
        let mut done_conj = vec![false; conj.len()];
        let mut placed = rel_removed.clone();
        loop {
            let bound = |scope: &Scope, i: usize| {
                matches!(scope.var(&nodes[i].name), Some(Var::Node { .. }))
            };
            // Extend along a rel with a bound end.
            let next = (0..rels.len()).find(|&i| {
                !placed[i] && (bound(scope, rels[i].left) || bound(scope, rels[i].right))
            });
            if let Some(ri) = next {
                placed[ri] = true;
                let from_left = bound(scope, rels[ri].left);
                let (from, to) = if from_left {
                    (rels[ri].left, rels[ri].right)
                } else {
                    (rels[ri].right, rels[ri].left)
                };
                let from_var = scope.var(&nodes[from].name).cloned();
                let Some(Var::Node {
                    col: from_col,
                    tables: from_tables,
                    ..
                }) = from_var
                else {
                    continue;
                };
                if let Some((lower, upper, semantic)) = rels[ri].rec {
                    let cur = plan.take().unwrap_or(Plan::SingleRow);
                    let nbr_col = scope.add_col(LogicalType::InternalId);
                    let desc = format!(
                        "({})-[{}*{lower}..{upper}]-({})",
                        nodes[from].name, rels[ri].name, nodes[to].name
                    );
                    let path = if path_used[ri] {
                        let mut ps = self.path_spec(&rels[ri].tables);
                        ps.reverse = !from_left;
                        Some(ps)
                    } else {
                        None
                    };
                    let path_col = path.as_ref().map(|ps| scope.add_col(ps.path_type()));
                    let pnames: Vec<String> = path
                        .as_ref()
                        .map(|ps| ps.rel_props.iter().map(|p| p.0.clone()).collect())
                        .unwrap_or_default();
                    let all: Vec<u64> = self.catalog().node_tables().map(|t| t.id).collect();
                    let steps = self.steps(&rels[ri], from_left, &all, &all, &pnames);
                    let p = Plan::RecursiveExtend {
                        child: Box::new(cur),
                        spec: RecursiveSpec {
                            from_col,
                            steps,
                            lower,
                            upper,
                            semantic,
                            dst_tables: nodes[to].tables.clone(),
                            path,
                        },
                        desc,
                    };
                    if let Some(col) = path_col {
                        scope.set_var(&rels[ri].name.clone(), Var::Value { col });
                    }
                    let p = self.bind_neighbour(p, scope, &nodes[to], nbr_col)?;
                    plan = Some(self.apply_ready(p, scope, &conj, &conj_vars, &mut done_conj)?);
                    continue;
                }
                let rel_entries: Vec<&TableEntry> = rels[ri]
                    .tables
                    .iter()
                    .filter_map(|t| self.catalog().table_by_id(*t))
                    .collect();
                let rprops = self.props_needed(&rels[ri].name, &rel_entries);
                let pnames: Vec<String> = rprops.iter().map(|p| p.0.clone()).collect();
                let steps = self.steps(
                    &rels[ri],
                    from_left,
                    &from_tables,
                    &nodes[to].tables,
                    &pnames,
                );
                let emit_ends = !is_hidden(&rels[ri].name) || in_path[ri];
                let cur = plan.take().unwrap_or(Plan::SingleRow);
                let rel_col = scope.add_col(LogicalType::InternalId);
                let nbr_col = scope.add_col(LogicalType::InternalId);
                let (src, dst) = if emit_ends {
                    (
                        scope.add_col(LogicalType::InternalId),
                        scope.add_col(LogicalType::InternalId),
                    )
                } else {
                    (rel_col, rel_col)
                };
                let props: Vec<(String, usize)> = rprops
                    .iter()
                    .map(|(n, t)| (n.clone(), scope.add_col(t.clone())))
                    .collect();
                let desc = format!(
                    "({})-[{}]-({})",
                    nodes[from].name, rels[ri].name, nodes[to].name
                );
                let p = Plan::Extend {
                    child: Box::new(cur),
                    spec: ExtendSpec {
                        from_col,
                        steps,
                        prop_types: rprops.iter().map(|p| p.1.clone()).collect(),
                        emit_ends,
                    },
                    desc,
                };
                scope.set_var(
                    &rels[ri].name.clone(),
                    Var::Rel {
                        col: rel_col,
                        src,
                        dst,
                        tables: rels[ri].tables.clone(),
                        props,
                    },
                );
                // A bound neighbour closes a cycle (filter); else bind it and read its props.
                let p = self.bind_neighbour(p, scope, &nodes[to], nbr_col)?;
                plan = Some(self.apply_ready(p, scope, &conj, &conj_vars, &mut done_conj)?);
                continue;
            }
            // A node whose primary key equals an expression of the rows so far is looked up
            // per row (an index nested-loop join), not scanned and crossed.
            if let Some(cur) = plan.take() {
                match self.plan_probe(cur, scope, &nodes, &removed, &conj, &conj_vars)? {
                    Ok((p, ci)) => {
                        done_conj[ci] = true;
                        plan =
                            Some(self.apply_ready(p, scope, &conj, &conj_vars, &mut done_conj)?);
                        continue;
                    }
                    Err(cur) => plan = Some(cur),
                }
            }
            // Start a new component at the most selective unbound node.
            let start = (0..nodes.len())
                .filter(|&i| !removed[i] && !bound(scope, i))
                .min_by_key(|&i| {
                    let pk = conj
                        .iter()
                        .any(|c| self.is_pk_eq(c, &nodes[i].name, &nodes[i].tables));
                    (!pk, self.row_count(&nodes[i].tables))
                });
            let Some(x) = start else { break };
            let (scan, local) = self.plan_scan(&nodes[x], &conj, &conj_vars, &mut done_conj)?;
            plan = Some(match plan.take() {
                None if scope.types.is_empty() => {
                    *scope = merge_scope(std::mem::take(scope), local);
                    scan
                }
                None => {
                    *scope = merge_scope(std::mem::take(scope), local);
                    Plan::Cross {
                        left: Box::new(Plan::SingleRow),
                        right: Box::new(scan),
                    }
                }
                Some(p) => {
                    *scope = merge_scope(std::mem::take(scope), local);
                    Plan::Cross {
                        left: Box::new(p),
                        right: Box::new(scan),
                    }
                }
            });
            let p = plan.take().unwrap_or(Plan::SingleRow);
            plan = Some(self.apply_ready(p, scope, &conj, &conj_vars, &mut done_conj)?);
        }
        let mut plan = plan.unwrap_or(Plan::SingleRow);
        for (name, seq) in &named {
            plan = self.bind_path(plan, scope, name, seq, &nodes, &rels)?;
        }
        // Whatever is left (constants, references to unknown variables: errors).
        for (i, c) in conj.iter().enumerate() {
            if !done_conj[i] {
                plan = self.filter(plan, scope, c)?;
            }
        }
        // Factor columns of the factorized count.
        let mut weights = Vec::new();
        for (node, fs) in factors {
            let Some(Var::Node { col, .. }) = scope.var(&nodes[node].name).cloned() else {
                continue;
            };
            plan = Plan::Degree {
                child: Box::new(plan),
                spec: DegreeSpec {
                    id_col: col,
                    factors: fs,
                },
            };
            weights.push(scope.add_col(LogicalType::Int64));
        }
        if !weights.is_empty() {
            let mut w = BoundExpr::column(weights[0], LogicalType::Int64);
            for c in &weights[1..] {
                w = bind_function("*", vec![w, BoundExpr::column(*c, LogicalType::Int64)])?;
            }
            let mut exprs: Vec<BoundExpr> = scope
                .types
                .iter()
                .enumerate()
                .map(|(i, t)| BoundExpr::column(i, t.clone()))
                .collect();
            exprs.push(w);
            let wc = scope.add_col(LogicalType::Int64);
            plan = Plan::Filter {
                child: Box::new(Plan::Project {
                    child: Box::new(plan),
                    exprs,
                }),
                pred: bind_comparison(
                    CmpOp::Gt,
                    BoundExpr::column(wc, LogicalType::Int64),
                    BoundExpr::literal(Value::Int64(0)),
                )?,
            };
            self.weight = Some(wc);
            let kept: Vec<usize> = (0..nodes.len()).filter(|i| !removed[*i]).collect();
            if let ([k], true) = (kept.as_slice(), single_scan) {
                if let [t] = nodes[*k].tables.as_slice() {
                    self.weight_node = Some((nodes[*k].name.clone(), *t));
                }
            }
        }
        Ok(plan)
    }

    fn apply_ready(
        &mut self,
        mut plan: Plan,
        scope: &mut Scope,
        conj: &[Expr],
        vars: &[Vec<String>],
        done: &mut [bool],
    ) -> Result<Plan> {
        for i in 0..conj.len() {
            if done[i] || vars[i].is_empty() || !vars[i].iter().all(|v| scope.var(v).is_some()) {
                continue;
            }
            done[i] = true;
            plan = self.filter(plan, scope, &conj[i])?;
        }
        Ok(plan)
    }

    /// For an unbound single-table node `x` with a conjunct `x.pk = e` where `e` reads only
    /// variables the plan has bound: the plan extended by a primary-key probe per row and
    /// the node's properties (and the conjunct's index); else the plan back.
    #[allow(clippy::too_many_arguments)]
    fn plan_probe(
        &mut self,
        cur: Plan,
        scope: &mut Scope,
        nodes: &[PNode],
        removed: &[bool],
        conj: &[Expr],
        conj_vars: &[Vec<String>],
    ) -> Result<std::result::Result<(Plan, usize), Plan>> {
        for (i, node) in nodes.iter().enumerate() {
            if removed[i] || scope.var(&node.name).is_some() {
                continue;
            }
            let [t] = node.tables.as_slice() else {
                continue;
            };
            let Some(entry) = self.catalog().table_by_id(*t) else {
                continue;
            };
            let Some(pk) = entry.primary_key() else {
                continue;
            };
            if crate::storage::keys::index_key_type(&pk.ty).is_err() {
                continue;
            }
            let (pk_name, pk_ty, table) = (pk.name.clone(), pk.ty.clone(), entry.id);
            for (ci, c) in conj.iter().enumerate() {
                if !conj_vars[ci].contains(&node.name) || has_aggregate(c) || has_subquery(c) {
                    continue;
                }
                let Some(other) = prop_eq_other(c, &node.name, &pk_name) else {
                    continue;
                };
                let vars = variables(other);
                if vars.contains(&node.name) || !vars.iter().all(|v| scope.var(v).is_some()) {
                    continue;
                }
                // (A variable of an enclosing query may be in scope without its properties.)
                let Ok(bound) = self.binder(scope).bind(other) else {
                    continue;
                };
                // Only lossless casts: `id = 2.5` must not find id 2.
                let lossless = bound.ty == pk_ty
                    || (bound.ty.is_integer()
                        && pk_ty == LogicalType::Int64
                        && !matches!(bound.ty, LogicalType::UInt64 | LogicalType::Int128))
                    || bound.ty == LogicalType::Any;
                if !lossless {
                    continue;
                }
                let Ok(key) = bound.cast_to(&pk_ty) else {
                    continue;
                };
                let id_col = scope.add_col(LogicalType::InternalId);
                let p = Plan::PkProbe {
                    child: Box::new(cur),
                    table,
                    key,
                    desc: format!("({}:{})", node.name, entry.name),
                };
                let p = self.bind_neighbour(p, scope, node, id_col)?;
                return Ok(Ok((p, ci)));
            }
        }
        Ok(Err(cur))
    }

    /// A scan of one pattern node with the conjuncts that touch only it pushed down; returns
    /// the plan and the scan's own scope (columns from 0).
    fn plan_scan(
        &mut self,
        node: &PNode,
        conj: &[Expr],
        vars: &[Vec<String>],
        done: &mut [bool],
    ) -> Result<(Plan, Scope)> {
        let entries: Vec<&TableEntry> = node
            .tables
            .iter()
            .filter_map(|t| self.catalog().table_by_id(*t))
            .filter(|t| matches!(t.kind, TableKind::Node { .. }))
            .collect();
        let props = self.props_needed(&node.name, &entries);
        let mut local = Scope::default();
        let col = local.add_col(LogicalType::InternalId);
        let pcols: Vec<(String, usize)> = props
            .iter()
            .map(|(n, t)| (n.clone(), local.add_col(t.clone())))
            .collect();
        local.set_var(
            &node.name,
            Var::Node {
                col,
                tables: node.tables.clone(),
                props: pcols,
            },
        );
        let mut filter: Option<BoundExpr> = None;
        let mut zone = Vec::new();
        let mut pk_key = None;
        for i in 0..conj.len() {
            if done[i]
                || vars[i].len() != 1
                || vars[i][0] != node.name
                || has_aggregate(&conj[i])
                || has_subquery(&conj[i])
            {
                continue;
            }
            let b = bool_predicate(self.binder(&local).bind(&conj[i])?, &conj[i])?;
            done[i] = true;
            if let Some((k, op, c)) = prop_vs_const(&conj[i], &node.name) {
                if let Some(pi) = props.iter().position(|(n, _)| n.eq_ignore_ascii_case(k)) {
                    let value = self.binder(&local).bind(c)?;
                    if pk_key.is_none()
                        && op == CmpOp::Eq
                        && self.is_pk_eq(&conj[i], &node.name, &node.tables)
                    {
                        if let Ok(v) = value.clone().cast_to(&props[pi].1) {
                            pk_key = Some(v);
                        }
                    }
                    zone.push(ZonePred {
                        prop: pi,
                        op,
                        value,
                    });
                }
            }
            filter = Some(match filter {
                None => b,
                Some(f) => crate::exec::expr::bind_bool(crate::exec::expr::BoolOp::And, f, b)?,
            });
        }
        let spec = ScanSpec {
            tables: entries
                .iter()
                .map(|t| ScanTable {
                    table: t.id,
                    props: props.iter().map(|(n, _)| t.property_index(n)).collect(),
                })
                .collect(),
            prop_types: props.iter().map(|p| p.1.clone()).collect(),
            filter,
            zone,
            pk_key,
        };
        let desc = format!(
            "({}:{})",
            node.name,
            entries
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join("|")
        );
        Ok((Plan::Scan { spec, desc }, local))
    }
}

/// A WHERE predicate must be BOOL (an untyped NULL is cast).
fn bool_predicate(b: BoundExpr, e: &Expr) -> Result<BoundExpr> {
    match b.ty {
        LogicalType::Bool => Ok(b),
        LogicalType::Any => b.cast_to(&LogicalType::Bool),
        ref t => Err(Error::Binder(format!(
            "Expression {} has data type {t} but expected BOOL. Implicit cast is not supported.",
            expr_name(e)
        ))),
    }
}

/// `left`'s columns followed by `right`'s.
fn merge_scope(mut left: Scope, right: Scope) -> Scope {
    let d = left.types.len();
    left.types.extend(right.types);
    for (n, v) in right.vars {
        left.set_var(&n, shift_var(&v, d));
    }
    left
}

/// Whether the query may count factorized: one MATCH then RETURN whose aggregates are all
/// `count(*)`.
fn count_shortcut(sq: &SingleQuery) -> Option<Shortcut> {
    if !sq.parts.is_empty() || sq.reading_clauses.len() != 1 {
        return None;
    }
    let ReadingClause::Match(m) = &sq.reading_clauses[0] else {
        return None;
    };
    if m.optional {
        return None;
    }
    let ret = sq.return_clause.as_ref()?;
    if ret.star {
        return None;
    }
    let mut any_count = false;
    let mut ok = true;
    let mut referenced = HashSet::new();
    let mut check = |e: &Expr| {
        walk(e, &mut |x| {
            if is_agg_call(x) {
                if matches!(x.kind, ExprKind::CountStar) {
                    any_count = true;
                } else {
                    ok = false;
                }
            }
        });
        referenced.extend(variables(e));
    };
    for i in &ret.items {
        check(&i.expr);
    }
    for o in &ret.order_by {
        check(&o.expr);
    }
    if !ok || !any_count {
        return None;
    }
    Some(Shortcut { referenced })
}

impl Planner<'_> {
    fn const_count(&self, scope: &Scope, e: &Expr) -> Result<u64> {
        if !matches!(e.kind, ExprKind::Literal(_) | ExprKind::Parameter(_)) {
            return Err(Error::Binder(
                "The number of rows to skip/limit must be a parameter/literal expression.".into(),
            ));
        }
        let b = self.binder(scope).bind(e)?;
        let v = crate::exec::expr::eval_constant(&b, &Default::default())?;
        let n = match v {
            Value::Int64(x) => i128::from(x),
            Value::Int32(x) => i128::from(x),
            Value::Int16(x) => i128::from(x),
            Value::Int8(x) => i128::from(x),
            Value::UInt64(x) => i128::from(x),
            Value::UInt32(x) => i128::from(x),
            Value::Int128(x) => x,
            _ => -1,
        };
        u64::try_from(n).map_err(|_| {
            Error::Runtime(
                "The number of rows to skip/limit must be a non-negative integer.".into(),
            )
        })
    }

    /// WITH / RETURN: returns the plan, the scope after the clause and (RETURN) the output
    /// columns.
    fn plan_projection(
        &mut self,
        plan: Plan,
        scope: Scope,
        proj: &Projection,
        is_return: bool,
    ) -> Result<(Plan, Scope, Vec<OutCol>)> {
        let mut scope = scope;
        // (name, expr)
        let mut items: Vec<(String, Expr)> = Vec::new();
        if proj.star {
            let vars: Vec<String> = scope
                .vars
                .iter()
                .filter(|(n, _)| !is_hidden(n))
                .map(|(n, _)| n.clone())
                .collect();
            if vars.is_empty() {
                return Err(Error::Binder(
                    "RETURN or WITH * is not allowed when there are no variables in scope.".into(),
                ));
            }
            for v in vars {
                items.push((v.clone(), mk(ExprKind::Variable(v))));
            }
        }
        for it in &proj.items {
            if let ExprKind::PropertyStar(base) = &it.expr.kind {
                if !is_return && it.alias.is_none() {
                    return Err(Error::Binder(
                        "Expression in WITH must be aliased (use AS).".to_string(),
                    ));
                }
                items.extend(self.expand_star(&scope, base)?);
                continue;
            }
            let name = match (&it.alias, &it.expr.kind) {
                (Some(a), _) => a.clone(),
                (None, ExprKind::Variable(v)) => v.clone(),
                (None, _) if !is_return => {
                    return Err(Error::Binder(
                        "Expression in WITH must be aliased (use AS).".to_string(),
                    ))
                }
                (None, _) => expr_name_in(&it.expr, &|v| {
                    matches!(scope.var(v), Some(Var::Node { .. } | Var::Rel { .. }))
                }),
            };
            items.push((name, it.expr.clone()));
        }
        for (i, (n, _)) in items.iter().enumerate() {
            if items[..i].iter().any(|(m, _)| m == n) {
                return Err(Error::Binder(format!(
                    "Multiple result column with the same name {n} are not supported."
                )));
            }
        }
        // START_NODE(r) / END_NODE(r): hidden node variables over the rel's end columns.
        let mut extra: Vec<Expr> = Vec::new();
        for (_, e) in items.iter_mut() {
            self.rewrite_end_nodes(&mut scope, e, &mut extra)?;
        }
        let mut roots: Vec<&Expr> = items.iter().map(|i| &i.1).collect();
        roots.extend(proj.order_by.iter().map(|o| &o.expr));
        roots.extend(extra.iter());
        let plan = self.plan_subqueries(plan, &mut scope, &roots)?;
        let mut plan = self.ensure_props(plan, &mut scope, &roots)?;
        let agg = items.iter().any(|i| has_aggregate(&i.1));

        if agg {
            let (p, s) = self.plan_aggregate(plan, &scope, &items, proj)?;
            plan = p;
            scope = s;
        }

        // Items over the scope: variables carry over, expressions become new columns.
        let base = scope.types.len();
        let mut exprs: Vec<BoundExpr> = scope
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| BoundExpr::column(i, t.clone()))
            .collect();
        let mut after = scope.clone();
        let mut item_vars: Vec<(String, Var)> = Vec::new();
        let mut item_exprs: HashMap<String, usize> = HashMap::new();
        for (name, e) in &items {
            if let ExprKind::Variable(v) = &e.kind {
                if let Some(var) = scope.var(v) {
                    item_vars.push((name.clone(), var.clone()));
                    continue;
                }
            }
            let b = self.binder(&scope).bind(e)?;
            let col = after.add_col(b.ty.clone());
            exprs.push(b);
            item_vars.push((name.clone(), Var::Value { col }));
            item_exprs.insert(expr_name(e), col);
        }
        if exprs.len() > base {
            plan = Plan::Project {
                child: Box::new(plan),
                exprs,
            };
        }
        for (k, c) in &item_exprs {
            after.exprs.insert(k.clone(), *c);
        }
        for (n, v) in &item_vars {
            after.set_var(n, v.clone());
        }
        if proj.distinct {
            // Keep only the items' columns, then drop duplicate rows.
            let mut cols = Vec::new();
            for (_, v) in &item_vars {
                for c in var_cols(v) {
                    if !cols.contains(&c) {
                        cols.push(c);
                    }
                }
            }
            let map: HashMap<usize, usize> =
                cols.iter().enumerate().map(|(i, c)| (*c, i)).collect();
            let mut s = Scope {
                types: cols.iter().map(|c| after.types[*c].clone()).collect(),
                ..Scope::default()
            };
            item_vars = item_vars
                .iter()
                .map(|(n, v)| (n.clone(), remap_var(v, &map)))
                .collect();
            for (n, v) in &item_vars {
                s.set_var(n, v.clone());
            }
            for (k, c) in &item_exprs {
                if let Some(m) = map.get(c) {
                    s.exprs.insert(k.clone(), *m);
                }
            }
            item_exprs = s.exprs.clone();
            plan = Plan::Distinct {
                child: Box::new(Plan::Project {
                    child: Box::new(plan),
                    exprs: cols
                        .iter()
                        .map(|c| BoundExpr::column(*c, after.types[*c].clone()))
                        .collect(),
                }),
            };
            after = s;
        }
        // ORDER BY / SKIP / LIMIT.
        let skip = proj
            .skip
            .as_ref()
            .map(|e| self.const_count(&after, e))
            .transpose()?;
        let limit = proj
            .limit
            .as_ref()
            .map(|e| self.const_count(&after, e))
            .transpose()?;
        if !proj.order_by.is_empty() {
            let mut order_roots: Vec<&Expr> = proj.order_by.iter().map(|o| &o.expr).collect();
            order_roots.dedup_by(|a, b| std::ptr::eq(*a, *b));
            plan = self.ensure_props(plan, &mut after, &order_roots)?;
            let mut keys = Vec::new();
            for o in &proj.order_by {
                let b = self.binder(&after).bind(&o.expr)?;
                if !crate::exec::operator::orderable(&b.ty) {
                    return Err(Error::Binder(format!(
                        "Cannot order by {}. Order by {} is not supported.",
                        expr_name(&o.expr),
                        b.ty
                    )));
                }
                keys.push(SortKey {
                    expr: b,
                    descending: !o.ascending,
                });
            }
            plan = Plan::OrderBy {
                child: Box::new(plan),
                keys,
                skip: skip.unwrap_or(0),
                limit,
            };
        } else if skip.is_some() || limit.is_some() {
            plan = Plan::SkipLimit {
                child: Box::new(plan),
                skip: skip.unwrap_or(0),
                limit,
            };
        }
        // The scope after the clause: only the items.
        let mut next = Scope {
            types: after.types.clone(),
            ..Scope::default()
        };
        for (n, v) in &item_vars {
            next.set_var(n, v.clone());
        }
        next.exprs = item_exprs;
        let mut out = Vec::new();
        if is_return {
            for (n, v) in &item_vars {
                out.push(match v {
                    Var::Node { col, props, .. } => OutCol {
                        name: n.clone(),
                        ty: LogicalType::Node,
                        kind: OutKind::Node {
                            col: *col,
                            props: props.clone(),
                        },
                    },
                    Var::Rel {
                        col,
                        src,
                        dst,
                        props,
                        ..
                    } => OutCol {
                        name: n.clone(),
                        ty: LogicalType::Rel,
                        kind: OutKind::Rel {
                            col: *col,
                            src: *src,
                            dst: *dst,
                            props: props.clone(),
                        },
                    },
                    Var::Value { col } => {
                        let ty = after.types[*col].clone();
                        OutCol {
                            name: n.clone(),
                            kind: if ty == LogicalType::InternalId {
                                OutKind::Id(*col)
                            } else {
                                OutKind::Value(*col)
                            },
                            ty,
                        }
                    }
                });
            }
        }
        Ok((plan, next, out))
    }

    /// Replaces `START_NODE(r)` / `END_NODE(r)` of a rel variable by a hidden node variable
    /// over the rel's source / destination column; `extra` receives property reads the node
    /// needs when it is used whole.
    fn rewrite_end_nodes(
        &self,
        scope: &mut Scope,
        e: &mut Expr,
        extra: &mut Vec<Expr>,
    ) -> Result<()> {
        if let ExprKind::FunctionCall(f) = &e.kind {
            let lname = f.name.to_ascii_lowercase();
            if let ("start_node" | "end_node", [a]) = (lname.as_str(), f.args.as_slice()) {
                if let ExprKind::Variable(v) = &a.value.kind {
                    if let Some(Var::Rel {
                        src, dst, tables, ..
                    }) = scope.var(v).cloned()
                    {
                        let start = lname == "start_node";
                        let name = format!("_anon_{lname}_{v}");
                        if scope.var(&name).is_none() {
                            let mut nt: Vec<u64> = Vec::new();
                            for t in tables.iter().filter_map(|t| self.catalog().table_by_id(*t)) {
                                if let TableKind::Rel { pairs, .. } = &t.kind {
                                    for (a, b) in pairs {
                                        for x in [a, b] {
                                            if !nt.contains(x) {
                                                nt.push(*x);
                                            }
                                        }
                                    }
                                }
                            }
                            for t in nt.iter().filter_map(|t| self.catalog().table_by_id(*t)) {
                                for p in &t.properties {
                                    extra.push(mk(ExprKind::Property {
                                        base: Box::new(mk(ExprKind::Variable(name.clone()))),
                                        key: p.name.clone(),
                                    }));
                                }
                            }
                            scope.set_var(
                                &name,
                                Var::Node {
                                    col: if start { src } else { dst },
                                    tables: nt,
                                    props: Vec::new(),
                                },
                            );
                        }
                        *e = mk(ExprKind::Variable(name));
                        return Ok(());
                    }
                }
            }
        }
        let mut kids: Vec<&mut Expr> = Vec::new();
        children_mut(e, &mut kids);
        for k in kids {
            self.rewrite_end_nodes(scope, k, extra)?;
        }
        Ok(())
    }

    /// `n.*` / `r.*`: one item per property, in table order (the union over the variable's
    /// tables), named `n.prop`; `s.*` of a struct: one item per field.
    fn expand_star(&self, scope: &Scope, base: &Expr) -> Result<Vec<(String, Expr)>> {
        let prop = |key: &str| {
            mk(ExprKind::Property {
                base: Box::new(base.clone()),
                key: key.to_string(),
            })
        };
        if let ExprKind::Variable(v) = &base.kind {
            if let (Some(Var::Node { .. } | Var::Rel { .. }), Some(Var::Value { col })) =
                (scope.var(v), scope.var(&format!("_anon_elem_{v}")))
            {
                if let LogicalType::Struct(fields) = &scope.types[*col] {
                    return Ok(fields
                        .iter()
                        .map(|(n, _)| (format!("{v}.{n}"), prop(n)))
                        .collect());
                }
            }
            if let Some(Var::Node { tables, .. } | Var::Rel { tables, .. }) = scope.var(v) {
                let mut names: Vec<String> = Vec::new();
                for t in tables.iter().filter_map(|t| self.catalog().table_by_id(*t)) {
                    for p in &t.properties {
                        if !names.iter().any(|n| n.eq_ignore_ascii_case(&p.name)) {
                            names.push(p.name.clone());
                        }
                    }
                }
                return Ok(names
                    .iter()
                    .map(|n| (format!("{v}.{n}"), prop(n)))
                    .collect());
            }
        }
        let b = self.binder(scope).bind(base)?;
        match &b.ty {
            LogicalType::Struct(fields) => Ok(fields
                .iter()
                .map(|(f, _)| (format!("STRUCT_EXTRACT({},{f})", expr_name(base)), prop(f)))
                .collect()),
            t => Err(Error::Binder(format!(
                "{} has data type {t} but (NODE,REL,STRUCT,ANY) was expected.",
                expr_name(base)
            ))),
        }
    }

    /// Implicit grouping: the items without aggregates are keys. Returns the aggregate plan
    /// and a scope whose `exprs` name the key and aggregate columns.
    fn plan_aggregate(
        &mut self,
        plan: Plan,
        scope: &Scope,
        items: &[(String, Expr)],
        proj: &Projection,
    ) -> Result<(Plan, Scope)> {
        let mut keys: Vec<BoundExpr> = Vec::new();
        let mut out = Scope::default();
        let mut key_vars: Vec<(String, Var)> = Vec::new();
        for (name, e) in items {
            if has_aggregate(e) {
                continue;
            }
            if let ExprKind::Variable(v) = &e.kind {
                if let Some(var) = scope.var(v) {
                    let mut map = HashMap::new();
                    for c in var_cols(var) {
                        map.insert(c, keys.len());
                        keys.push(BoundExpr::column(c, scope.types[c].clone()));
                        out.types.push(scope.types[c].clone());
                    }
                    let nv = remap_var(var, &map);
                    key_vars.push((v.clone(), nv.clone()));
                    if name != v {
                        key_vars.push((name.clone(), nv));
                    }
                    continue;
                }
            }
            let b = self.binder(scope).bind(e)?;
            out.exprs.insert(expr_name(e), keys.len());
            out.types.push(b.ty.clone());
            keys.push(b);
        }
        // Aggregate calls (outermost), deduplicated by name.
        let mut calls: Vec<Expr> = Vec::new();
        let mut roots: Vec<&Expr> = items.iter().map(|i| &i.1).collect();
        roots.extend(proj.order_by.iter().map(|o| &o.expr));
        for r in roots {
            collect_aggs(r, &mut calls);
        }
        let mut aggs = Vec::new();
        let mut weighted: Vec<usize> = Vec::new();
        for c in &calls {
            let col = out.types.len() + aggs.len();
            out.exprs.insert(expr_name(c), col);
            let spec = match &c.kind {
                ExprKind::CountStar => match self.weight {
                    Some(w) => {
                        weighted.push(col);
                        AggregateSpec {
                            func: bind_aggregate("SUM", &[LogicalType::Int64], false)?,
                            arg: Some(BoundExpr::column(w, LogicalType::Int64)),
                        }
                    }
                    None => AggregateSpec {
                        func: bind_aggregate("COUNT_STAR", &[], false)?,
                        arg: None,
                    },
                },
                ExprKind::FunctionCall(f) => {
                    let args = f
                        .args
                        .iter()
                        .map(|a| {
                            if has_aggregate(&a.value) {
                                return Err(Error::Binder(format!(
                                    "Expression {} contains nested aggregation.",
                                    expr_name(c)
                                )));
                            }
                            // collect(n) gathers whole nodes/rels (element structs); other
                            // aggregates see a node or rel as its id.
                            if f.name.eq_ignore_ascii_case("collect") {
                                self.binder(scope).bind_value(&a.value)
                            } else {
                                self.binder(scope).bind(&a.value)
                            }
                        })
                        .collect::<Result<Vec<_>>>()?;
                    let types: Vec<LogicalType> = args.iter().map(|a| a.ty.clone()).collect();
                    AggregateSpec {
                        func: bind_aggregate(&f.name, &types, f.distinct)?,
                        arg: args.into_iter().next(),
                    }
                }
                _ => continue,
            };
            aggs.push(spec);
        }
        for a in &aggs {
            out.types.push(a.func.ret.clone());
        }
        for (n, v) in key_vars {
            out.set_var(&n, v);
        }
        // Grouping by the identity of the only (weighted) node: one row per node already.
        let identity = self.weight_node.as_ref().is_some_and(|(x, t)| {
            let pk = self
                .catalog()
                .table_by_id(*t)
                .and_then(|t| t.primary_key())
                .map(|p| p.name.clone())
                .unwrap_or_default();
            weighted.len() == aggs.len()
                && items.iter().any(|(_, e)| match &e.kind {
                    ExprKind::Variable(v) => v == x,
                    ExprKind::Property { base, key } => {
                        matches!(&base.kind, ExprKind::Variable(v) if v == x)
                            && key.eq_ignore_ascii_case(&pk)
                    }
                    _ => false,
                })
        });
        let mut plan = match (identity, self.weight) {
            (true, Some(w)) => {
                for &c in &weighted {
                    out.types[c] = LogicalType::Int64;
                }
                let mut exprs = keys;
                exprs.extend(
                    weighted
                        .iter()
                        .map(|_| BoundExpr::column(w, LogicalType::Int64)),
                );
                Plan::Project {
                    child: Box::new(plan),
                    exprs,
                }
            }
            _ => Plan::Aggregate {
                child: Box::new(plan),
                keys,
                aggs,
            },
        };
        if !weighted.is_empty() && !identity {
            // sum(weight) → INT64, 0 when there were no rows. (Grouped by node identity, the
            // weight column is the count already: INT64 and never NULL.)
            let mut exprs: Vec<BoundExpr> = out
                .types
                .iter()
                .enumerate()
                .map(|(i, t)| BoundExpr::column(i, t.clone()))
                .collect();
            for &c in &weighted {
                let ty = out.types[c].clone();
                let sum = BoundExpr::column(c, ty);
                let e = bind_function("COALESCE", vec![sum, BoundExpr::literal(Value::Int128(0))])?
                    .cast_to(&LogicalType::Int64)?;
                exprs[c] = e;
                out.types[c] = LogicalType::Int64;
            }
            plan = Plan::Project {
                child: Box::new(plan),
                exprs,
            };
        }
        Ok((plan, out))
    }
}

fn has_subquery(e: &Expr) -> bool {
    let mut v = Vec::new();
    collect_subqueries(e, &mut v);
    !v.is_empty()
}

/// The outermost subqueries and pattern predicates of an expression.
fn collect_subqueries<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Subquery { .. } | ExprKind::PathPattern(_) => out.push(e),
        _ => crate::binder::expr::walk_children(e, &mut |c| collect_subqueries(c, out)),
    }
}

fn collect_aggs(e: &Expr, out: &mut Vec<Expr>) {
    if is_agg_call(e) {
        if !out.iter().any(|x| expr_name(x) == expr_name(e)) {
            out.push(e.clone());
        }
        return;
    }
    walk_children(e, &mut |c| collect_aggs(c, out));
}

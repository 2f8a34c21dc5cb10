//! Binding of Cypher expressions in read queries: resolves variables, properties, parameters
//! and functions against a `Scope` (the columns a plan produces) into exec `BoundExpr`s, with
//! Kuzu's binder messages, and computes Kuzu's column names for unaliased expressions.
//!
//! Also: list quantifiers and lambdas (`ALL(x IN l WHERE ..)`, `list_transform(l, x -> ..)`:
//! the body is bound over the scope plus one column per lambda variable), the binder-level
//! functions (`id`, `label`, `keys`, `struct_pack`, `union_value`, `typeof` of elements,
//! `n._id` / `r._src` / `r._dst`), and node/rel variables as whole values: an element STRUCT
//! (`_ID`, `_LABEL`, properties; rels start with `_SRC`, `_DST`) that `query` shows as a node
//! or rel (`bind_element`, `bind_value`).

use crate::catalog::Catalog;
use crate::cypher::ast::{BinaryOp, CastTarget, Expr, ExprKind, Literal, QuantifierKind};
use crate::error::{Error, Result};
use crate::exec::aggregate::is_aggregate;
use crate::exec::expr::{
    bind_bool, bind_case, bind_comparison, bind_is_null, bind_lambda, bind_list, bind_not,
    bind_struct, bind_struct_field, BoolOp, BoundExpr, CmpOp, LambdaOp,
};
use crate::exec::function::bind_function;
use crate::types::Params;
use crate::types::{LogicalType, Value};
use std::collections::HashMap;

/// What a name in scope stands for.
#[derive(Debug, Clone)]
pub enum Var {
    /// A node: packed id in `col`, materialised properties by name.
    Node {
        col: usize,
        tables: Vec<u64>,
        props: Vec<(String, usize)>,
    },
    /// A rel: packed rel id, source and destination node ids, materialised properties.
    Rel {
        col: usize,
        src: usize,
        dst: usize,
        tables: Vec<u64>,
        props: Vec<(String, usize)>,
    },
    /// Any other value.
    Value { col: usize },
}

impl Var {
    pub fn col(&self) -> usize {
        match self {
            Var::Node { col, .. } | Var::Rel { col, .. } | Var::Value { col } => *col,
        }
    }
    pub fn props(&self) -> &[(String, usize)] {
        match self {
            Var::Node { props, .. } | Var::Rel { props, .. } => props,
            Var::Value { .. } => &[],
        }
    }
}

/// The columns of a plan and the names that refer to them.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub types: Vec<LogicalType>,
    /// Variables in binding order (later entries shadow earlier ones).
    pub vars: Vec<(String, Var)>,
    /// Already computed expressions (aggregates, projected items) by Kuzu name.
    pub exprs: HashMap<String, usize>,
}

impl Scope {
    pub fn var(&self, name: &str) -> Option<&Var> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
    pub fn add_col(&mut self, ty: LogicalType) -> usize {
        self.types.push(ty);
        self.types.len() - 1
    }
    pub fn set_var(&mut self, name: &str, v: Var) {
        self.vars.retain(|(n, _)| n != name);
        self.vars.push((name.to_string(), v));
    }
}

/// Binds expressions against a scope.
pub struct ExprBinder<'a> {
    pub catalog: &'a Catalog,
    pub params: &'a Params,
    pub scope: &'a Scope,
}

fn int_literal(i: i128) -> Value {
    match i64::try_from(i) {
        Ok(v) => Value::Int64(v),
        Err(_) => Value::Int128(i),
    }
}

impl ExprBinder<'_> {
    pub fn bind(&self, e: &Expr) -> Result<BoundExpr> {
        if let Some(&c) = self.scope.exprs.get(&expr_name(e)) {
            return Ok(BoundExpr::column(c, self.scope.types[c].clone()));
        }
        Ok(match &e.kind {
            ExprKind::Literal(l) => BoundExpr::literal(match l {
                Literal::Integer(i) => int_literal(*i),
                Literal::Double(d) => Value::Double(*d),
                Literal::String(s) => Value::String(s.clone()),
                Literal::Boolean(b) => Value::Bool(*b),
                Literal::Null => Value::Null,
            }),
            // Kuzu binds a parameter without a value as NULL.
            ExprKind::Parameter(p) => {
                BoundExpr::literal(self.params.get(p).cloned().unwrap_or(Value::Null))
            }
            ExprKind::Variable(v) => match self.scope.var(v) {
                Some(Var::Node { col, .. }) | Some(Var::Rel { col, .. }) => {
                    BoundExpr::column(*col, LogicalType::InternalId)
                }
                Some(Var::Value { col }) => BoundExpr::column(*col, self.scope.types[*col].clone()),
                None => return Err(not_in_scope(v)),
            },
            ExprKind::Property { base, key } => self.bind_property(base, key, false)?,
            ExprKind::Binary { op, left, right } => {
                let l = self.bind(left)?;
                let r = self.bind(right)?;
                bind_binary(*op, l, r)?
            }
            ExprKind::Not(x) => bind_not(self.bind(x)?)?,
            ExprKind::Negate(x) => bind_function("NEGATE", vec![self.bind(x)?])?,
            ExprKind::Factorial(x) => bind_function("FACTORIAL", vec![self.bind(x)?])?,
            ExprKind::IsNull { expr, negated } => bind_is_null(self.bind(expr)?, *negated),
            ExprKind::Index { base, index } => {
                bind_function("LIST_EXTRACT", vec![self.bind(base)?, self.bind(index)?])?
            }
            ExprKind::Slice { base, start, end } => {
                let s = match start {
                    Some(s) => self.bind(s)?,
                    None => BoundExpr::literal(Value::Int64(0)),
                };
                let t = match end {
                    Some(t) => self.bind(t)?,
                    None => BoundExpr::literal(Value::Int64(-1)),
                };
                bind_function("LIST_SLICE", vec![self.bind(base)?, s, t])?
            }
            ExprKind::FunctionCall(f) => {
                let lname = f.name.to_ascii_lowercase();
                if is_aggregate(&lname) {
                    return Err(aggregate_not_allowed());
                }
                match (lname.as_str(), f.args.as_slice()) {
                    ("id", [a]) => return self.bind_id(&a.value),
                    ("label", [a]) | ("labels", [a]) => return self.bind_label(&a.value),
                    ("keys", [a]) => return self.bind_keys(&a.value),
                    ("regexp_replace", [_, _, _, opt]) => match &opt.value.kind {
                        ExprKind::Literal(Literal::String(o)) if o == "g" => {}
                        ExprKind::Literal(Literal::String(_)) => {
                            return Err(Error::Binder(
                                "regex_replace can only support global replace option: g.".into(),
                            ))
                        }
                        ExprKind::Literal(_) => {
                            return Err(Error::Binder(format!(
                                "{} has data type {} but STRING was expected.",
                                expr_name(&opt.value),
                                self.bind(&opt.value)?.ty
                            )))
                        }
                        k => {
                            return Err(Error::Binder(format!(
                                "{} has type {} but LITERAL was expected.",
                                expr_name(&opt.value),
                                expr_kind_name(k)
                            )))
                        }
                    },
                    ("union_value", [a]) => {
                        let Some(tag) = &a.name else {
                            return Err(Error::Binder(format!(
                                "Cannot infer field name for {}.",
                                expr_name(&a.value)
                            )));
                        };
                        let b = self.bind(&a.value)?;
                        let ty = match &b.ty {
                            LogicalType::Any => LogicalType::String,
                            t => crate::exec::typing::resolve_any(t),
                        };
                        let b = b.cast_to(&ty)?;
                        return b.cast_to(&LogicalType::Union(vec![(tag.clone(), ty)]));
                    }
                    ("typeof", [a]) => {
                        if let ExprKind::Variable(v) = &a.value.kind {
                            let t = match self.scope.var(v) {
                                Some(Var::Node { .. }) => "NODE",
                                Some(Var::Rel { .. }) => "REL",
                                _ => "",
                            };
                            if !t.is_empty() {
                                return Ok(BoundExpr::literal(Value::String(t.into())));
                            }
                        }
                    }
                    ("struct_pack", args) => {
                        let mut fields: Vec<(String, BoundExpr)> = Vec::new();
                        for a in args {
                            let b = self.bind_value(&a.value)?;
                            let Some(n) = &a.name else {
                                return Err(Error::Binder(format!(
                                    "Cannot infer field name for {}.",
                                    expr_name(&a.value)
                                )));
                            };
                            if fields.iter().any(|(f, _)| f == n) {
                                return Err(Error::Binder(format!(
                                    "Found duplicate field {n} in STRUCT."
                                )));
                            }
                            fields.push((n.clone(), b));
                        }
                        return Ok(bind_struct(fields));
                    }
                    ("nextval" | "currval", [a]) => {
                        let ExprKind::Literal(Literal::String(name)) = &a.value.kind else {
                            return Err(Error::Binder(format!(
                                "{} has type {} but LITERAL was expected.",
                                expr_name(&a.value),
                                expr_kind_name(&a.value.kind)
                            )));
                        };
                        if !sequence_exists(self.catalog, name) {
                            return Err(Error::Catalog(format!(
                                "{name} does not exist in catalog."
                            )));
                        }
                        return Ok(BoundExpr {
                            kind: crate::exec::expr::ExprKind::Sequence {
                                name: name.clone(),
                                next: lname == "nextval",
                            },
                            ty: LogicalType::Int64,
                        });
                    }
                    ("struct_extract", [a, k]) => {
                        if let (ExprKind::Variable(_), ExprKind::Literal(Literal::String(key))) =
                            (&a.value.kind, &k.value.kind)
                        {
                            return self.bind_property(&a.value, key, true);
                        }
                    }
                    _ => {}
                }
                // A macro shadows a built-in function of its name (as in Kuzu).
                if let Some(m) = self.catalog.macro_named(&f.name) {
                    return self.bind(&expand_macro(m, f)?);
                }
                if let Some(op) = lambda_op(&lname) {
                    return match f.args.as_slice() {
                        [l, a] => match &a.value.kind {
                            ExprKind::Lambda { params, body } => {
                                self.bind_lambda_call(op, &l.value, params, body)
                            }
                            other => Err(Error::Binder(format!(
                                "The second argument of {} should be a lambda expression but got {}.",
                                f.name.to_uppercase(),
                                expr_kind_name(other)
                            ))),
                        },
                        _ => Err(Error::Binder(format!(
                            "Function {} did not receive correct arguments.",
                            f.name.to_uppercase()
                        ))),
                    };
                }
                if f.args
                    .iter()
                    .any(|a| matches!(a.value.kind, ExprKind::Lambda { .. }))
                {
                    return Err(Error::Binder(format!(
                        "{} does not support lambda input.",
                        f.name.to_uppercase()
                    )));
                }
                // Functions that pass whole values through take nodes and rels as elements.
                let whole = matches!(
                    lname.as_str(),
                    "coalesce"
                        | "ifnull"
                        | "list_append"
                        | "array_append"
                        | "array_push_back"
                        | "list_prepend"
                        | "array_prepend"
                        | "array_push_front"
                        | "list_concat"
                        | "list_cat"
                        | "array_concat"
                        | "array_cat"
                );
                let args = f
                    .args
                    .iter()
                    .map(|a| {
                        if whole {
                            self.bind_value(&a.value)
                        } else {
                            self.bind(&a.value)
                        }
                    })
                    .collect::<Result<Vec<_>>>()
                    // Kuzu looks the function up first: an unknown function is the error.
                    .map_err(|e| check_function_exists(&lname).err().unwrap_or(e))?;
                if matches!(lname.as_str(), "coalesce" | "ifnull") {
                    check_common_type(&f.args.iter().map(|a| &a.value).collect::<Vec<_>>(), &args)?;
                }
                // Node and rel variables travel as ids; Kuzu's messages name them NODE / REL.
                let shown: Vec<String> = f
                    .args
                    .iter()
                    .zip(&args)
                    .map(|(a, b)| match &a.value.kind {
                        ExprKind::Variable(v) => match self.scope.var(v) {
                            Some(Var::Node { .. }) => "NODE".to_string(),
                            Some(Var::Rel { .. }) => "REL".to_string(),
                            _ if crate::types::element::is_path_type(&b.ty) => {
                                "RECURSIVE_REL".to_string()
                            }
                            _ => b.ty.to_string(),
                        },
                        _ if crate::types::element::is_path_type(&b.ty) => {
                            "RECURSIVE_REL".to_string()
                        }
                        _ => b.ty.to_string(),
                    })
                    .collect();
                match bind_function(&f.name, args) {
                    Err(Error::Catalog(m)) => {
                        return Err(check_function_exists(&lname)
                            .err()
                            .unwrap_or(Error::Catalog(m)))
                    }
                    Err(Error::Binder(m)) if m.contains("did not receive correct arguments") => {
                        let actual = format!("Actual:   ({})", shown.join(","));
                        let m = m
                            .lines()
                            .map(|l| {
                                if l.starts_with("Actual:") {
                                    actual.as_str()
                                } else {
                                    l
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("\n");
                        return Err(Error::Binder(format!("{m}\n")));
                    }
                    r => r?,
                }
            }
            ExprKind::CountStar => return Err(aggregate_not_allowed()),
            ExprKind::Cast { expr, target } => {
                let x = self.bind(expr)?;
                let ty = match target {
                    CastTarget::Type(t) => crate::binder::ddl::logical_type(t)?,
                    CastTarget::Expr(t) => match &t.kind {
                        ExprKind::Literal(Literal::String(s)) => {
                            let tn = crate::cypher::ast::TypeName::Named(s.clone());
                            crate::binder::ddl::logical_type(&tn)?
                        }
                        _ => {
                            return Err(Error::Binder(
                                "The second argument of CAST must be a string literal.".into(),
                            ))
                        }
                    },
                };
                x.cast_to(&ty)?
            }
            ExprKind::Case {
                operand,
                alternatives,
                else_expr,
            } => {
                let op = operand.as_ref().map(|o| self.bind(o)).transpose()?;
                let whens = alternatives
                    .iter()
                    .map(|(w, t)| Ok((self.bind(w)?, self.bind_value(t)?)))
                    .collect::<Result<Vec<_>>>()?;
                let otherwise = else_expr.as_ref().map(|x| self.bind_value(x)).transpose()?;
                bind_case(op, whens, otherwise)?
            }
            ExprKind::List(items) => {
                let bound = items
                    .iter()
                    .map(|i| self.bind_value(i))
                    .collect::<Result<Vec<_>>>()?;
                check_common_type(&items.iter().collect::<Vec<_>>(), &bound)?;
                bind_list(bound)?
            }
            ExprKind::Struct(fields) => bind_struct(
                fields
                    .iter()
                    .map(|(n, x)| Ok((n.clone(), self.bind_value(x)?)))
                    .collect::<Result<Vec<_>>>()?,
            ),
            ExprKind::Quantifier {
                kind,
                variable,
                list,
                predicate,
            } => {
                let op = match kind {
                    QuantifierKind::All => LambdaOp::All,
                    QuantifierKind::Any => LambdaOp::Any,
                    QuantifierKind::None => LambdaOp::None,
                    QuantifierKind::Single => LambdaOp::Single,
                };
                self.bind_lambda_call(op, list, std::slice::from_ref(variable), predicate)?
            }
            _ => {
                return Err(Error::NotImplemented(format!(
                    "expression {}",
                    expr_name(e)
                )))
            }
        })
    }

    /// A list function over a lambda (`list_transform(l, x -> ..)`, `all(x IN l WHERE ..)`):
    /// the body is bound against the scope plus one column per lambda variable, typed as the
    /// list's elements (see `exec::expr::ExprKind::Lambda`).
    fn bind_lambda_call(
        &self,
        op: LambdaOp,
        list_expr: &Expr,
        params: &[String],
        body: &Expr,
    ) -> Result<BoundExpr> {
        let list = self.bind(list_expr)?;
        let child = match &list.ty {
            LogicalType::List(c) | LogicalType::Array(c, _) => (**c).clone(),
            t => {
                return Err(Error::Binder(format!(
                    "{} has data type {t} but LIST was expected.",
                    expr_name(list_expr)
                )))
            }
        };
        let want = if op == LambdaOp::Reduce { 2 } else { 1 };
        if params.len() != want {
            return Err(Error::Binder(format!(
                "{} lambda expression must have {want} parameter(s) but got {}.",
                lambda_fn_name(op),
                params.len()
            )));
        }
        let mut sub = self.scope.clone();
        for p in params {
            let c = sub.add_col(child.clone());
            sub.exprs.remove(p);
            sub.set_var(p, Var::Value { col: c });
        }
        let inner = ExprBinder {
            catalog: self.catalog,
            params: self.params,
            scope: &sub,
        };
        let body = inner.bind(body)?;
        if op == LambdaOp::Filter && !matches!(body.ty, LogicalType::Bool | LogicalType::Any) {
            return Err(Error::Binder(
                "LIST_FILTER requires the result type of lambda expression be BOOL.".into(),
            ));
        }
        bind_lambda(op, list, body)
    }

    /// As `bind`, but a node or rel variable becomes its element struct (`bind_element`).
    pub fn bind_value(&self, e: &Expr) -> Result<BoundExpr> {
        if let ExprKind::Variable(v) = &e.kind {
            if let Some(b) = self.bind_element(v)? {
                return Ok(b);
            }
        }
        self.bind(e)
    }

    /// `base.key`. The system fields of a node or rel (`_id`, `_label`, `_src`, `_dst`) are
    /// reachable through `struct_extract` (`system`) and on elements unwound from a list
    /// (which Kuzu treats as structs); as properties of a matched variable `_id` is reserved
    /// and the others do not exist, as in Kuzu.
    fn bind_property(&self, base: &Expr, key: &str, system: bool) -> Result<BoundExpr> {
        if let ExprKind::Variable(v) = &base.kind {
            match self.scope.var(v) {
                Some(var @ (Var::Node { .. } | Var::Rel { .. })) => {
                    let lkey = key.to_ascii_lowercase();
                    let system = system || self.scope.var(&format!("_anon_elem_{v}")).is_some();
                    if !system && lkey == "_id" {
                        return Err(Error::Binder(format!(
                            "{key} is reserved for system usage. External access is not allowed."
                        )));
                    }
                    let sys_key = if system { lkey.as_str() } else { "" };
                    match (sys_key, var) {
                        ("_id", _) => {
                            return Ok(BoundExpr::column(var.col(), LogicalType::InternalId))
                        }
                        ("_label", _) => return self.bind_label(base),
                        ("_src", Var::Rel { src, .. }) => {
                            return Ok(BoundExpr::column(*src, LogicalType::InternalId))
                        }
                        ("_dst", Var::Rel { dst, .. }) => {
                            return Ok(BoundExpr::column(*dst, LogicalType::InternalId))
                        }
                        _ => {}
                    }
                    if let Some((_, c)) = var
                        .props()
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(key))
                    {
                        return Ok(BoundExpr::column(*c, self.scope.types[*c].clone()));
                    }
                    return Err(Error::Binder(format!(
                        "Cannot find property {key} for {v}."
                    )));
                }
                Some(Var::Value { .. }) => {}
                None => return Err(not_in_scope(v)),
            }
        }
        let b = self.bind(base)?;
        match &b.ty {
            LogicalType::Struct(_) if !crate::types::element::is_path_type(&b.ty) => {
                bind_struct_field(b, key)
            }
            t => Err(Error::Binder(format!(
                "{} has data type {} but (NODE,REL,STRUCT,ANY) was expected.",
                expr_name(base),
                crate::types::element::display_type(t)
            ))),
        }
    }

    /// A node or rel variable as a value (an element of `collect(n)` or `[n]`): a STRUCT of
    /// `_ID`, `_LABEL` and the properties the scope holds, in table order (rels start with
    /// `_SRC`, `_DST`); NULL when the element is (OPTIONAL MATCH). `query` shows such structs
    /// as nodes and rels (see `element_kind`). `None` for other variables.
    pub fn bind_element(&self, name: &str) -> Result<Option<BoundExpr>> {
        let var = match self.scope.var(name) {
            Some(v @ (Var::Node { .. } | Var::Rel { .. })) => v,
            _ => return Ok(None),
        };
        let (col, tables, props) = match var {
            Var::Node { col, tables, props }
            | Var::Rel {
                col, tables, props, ..
            } => (*col, tables, props),
            Var::Value { .. } => return Ok(None),
        };
        let id = |c: usize| BoundExpr::column(c, LogicalType::InternalId);
        let mut fields = Vec::new();
        if let Var::Rel { src, dst, .. } = var {
            fields.push(("_SRC".to_string(), id(*src)));
            fields.push(("_DST".to_string(), id(*dst)));
        }
        fields.push(("_ID".to_string(), id(col)));
        let var_expr = Expr {
            kind: ExprKind::Variable(name.to_string()),
            span: Default::default(),
        };
        fields.push(("_LABEL".to_string(), self.bind_label(&var_expr)?));
        let mut seen: Vec<&str> = Vec::new();
        for t in tables.iter().filter_map(|t| self.catalog.table_by_id(*t)) {
            for p in &t.properties {
                if seen.iter().any(|s| s.eq_ignore_ascii_case(&p.name)) {
                    continue;
                }
                if let Some((_, c)) = props.iter().find(|(n, _)| n.eq_ignore_ascii_case(&p.name)) {
                    seen.push(&p.name);
                    fields.push((
                        p.name.clone(),
                        BoundExpr::column(*c, self.scope.types[*c].clone()),
                    ));
                }
            }
        }
        let value = bind_struct(fields);
        Ok(Some(bind_case(
            None,
            vec![(bind_is_null(id(col), true), value)],
            None,
        )?))
    }

    /// `keys(n)`: the property names of the variable's tables (their union, in table order).
    fn bind_keys(&self, e: &Expr) -> Result<BoundExpr> {
        let list_ty = LogicalType::List(Box::new(LogicalType::String));
        if let ExprKind::Variable(v) = &e.kind {
            match self.scope.var(v) {
                Some(Var::Node { tables, .. } | Var::Rel { tables, .. }) => {
                    let mut names: Vec<String> = Vec::new();
                    for t in tables.iter().filter_map(|t| self.catalog.table_by_id(*t)) {
                        for p in &t.properties {
                            if !names.iter().any(|n| n.eq_ignore_ascii_case(&p.name)) {
                                names.push(p.name.clone());
                            }
                        }
                    }
                    let value = Value::List(names.into_iter().map(Value::String).collect());
                    return Ok(BoundExpr::typed_literal(value, list_ty));
                }
                None => return Err(not_in_scope(v)),
                _ => {}
            }
        }
        let b = self.bind(e)?;
        match &b.ty {
            LogicalType::Any => Ok(BoundExpr::typed_literal(Value::Null, list_ty)),
            t => Err(Error::Binder(format!(
                "Function KEYS did not receive correct arguments:\nActual:   ({t})\nExpected: (NODE) -> STRING[]\n          (REL) -> STRING[]\n"
            ))),
        }
    }

    fn bind_id(&self, e: &Expr) -> Result<BoundExpr> {
        if let ExprKind::Variable(v) = &e.kind {
            match self.scope.var(v) {
                Some(Var::Node { col, .. }) | Some(Var::Rel { col, .. }) => {
                    return Ok(BoundExpr::column(*col, LogicalType::InternalId))
                }
                None => return Err(not_in_scope(v)),
                _ => {}
            }
        }
        let b = self.bind(e)?;
        if crate::types::element::is_path_type(&b.ty) {
            return Err(Error::Binder(
                "Function ID did not receive correct arguments:\nActual:   (RECURSIVE_REL)\nExpected: (NODE)\n          (REL)\n          (STRUCT)\n"
                    .into(),
            ));
        }
        if let LogicalType::Struct(f) = &b.ty {
            if f.iter()
                .any(|(n, t)| n == "_ID" && *t == LogicalType::InternalId)
            {
                return bind_struct_field(b, "_ID");
            }
        }
        bind_function("ID", vec![b])
    }

    fn bind_label(&self, e: &Expr) -> Result<BoundExpr> {
        let (col, tables) = match &e.kind {
            ExprKind::Variable(v) => match self.scope.var(v) {
                Some(Var::Node { col, tables, .. }) | Some(Var::Rel { col, tables, .. }) => {
                    (*col, tables.clone())
                }
                None => return Err(not_in_scope(v)),
                _ => return bind_function("LABEL", vec![self.bind(e)?]),
            },
            _ => return bind_function("LABEL", vec![self.bind(e)?]),
        };
        let name = |t: u64| {
            self.catalog
                .table_by_id(t)
                .map(|t| t.name.clone())
                .unwrap_or_default()
        };
        if let [t] = tables.as_slice() {
            // Still NULL for a NULL node (OPTIONAL MATCH).
            let id = BoundExpr::column(col, LogicalType::InternalId);
            return bind_case(
                None,
                vec![(
                    bind_is_null(id, true),
                    BoundExpr::literal(Value::String(name(*t))),
                )],
                None,
            );
        }
        // table = id / 2^48
        let table_of = bind_function(
            "/",
            vec![
                BoundExpr::column(col, LogicalType::InternalId).cast_to(&LogicalType::UInt64)?,
                BoundExpr::literal(Value::UInt64(1 << 48)),
            ],
        )?;
        let whens = tables
            .iter()
            .map(|t| {
                Ok((
                    bind_comparison(
                        CmpOp::Eq,
                        table_of.clone(),
                        BoundExpr::literal(Value::UInt64(*t)),
                    )?,
                    BoundExpr::literal(Value::String(name(*t))),
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        bind_case(None, whens, None)
    }
}

/// COALESCE / IFNULL arguments and list elements must share a type; Kuzu names the first
/// one that does not.
fn check_common_type(exprs: &[&Expr], args: &[BoundExpr]) -> Result<()> {
    use crate::exec::typing::{has_implicit_cast, max_logical_type};
    let mut t = LogicalType::Any;
    for (a, e) in args.iter().zip(exprs) {
        match max_logical_type(&t, &a.ty) {
            Some(m) => t = m,
            None => return Err(implicit_cast_error(e, &a.ty, &t)),
        }
    }
    for (a, e) in args.iter().zip(exprs) {
        if a.ty != t && a.ty != LogicalType::Any && !has_implicit_cast(&a.ty, &t) {
            return Err(implicit_cast_error(e, &a.ty, &t));
        }
    }
    Ok(())
}

fn implicit_cast_error(e: &Expr, from: &LogicalType, to: &LogicalType) -> Error {
    Error::Binder(format!(
        "Expression {} has data type {from} but expected {to}. Implicit cast is not supported.",
        expr_name(e)
    ))
}

/// Whether a scalar function of this name exists (Kuzu looks a function up before binding
/// its arguments: `dummy(n)` reports the function, not `n`); table functions called as
/// scalars get Kuzu's message. Used only once binding has failed.
fn check_function_exists(lname: &str) -> Result<()> {
    const BINDER_FORMS: &[&str] = &[
        "id",
        "label",
        "labels",
        "keys",
        "typeof",
        "struct_pack",
        "struct_extract",
        "union_value",
        "start_node",
        "end_node",
    ];
    const TABLE_FUNCTIONS: &[&str] = &[
        "db_version",
        "show_tables",
        "table_info",
        "current_setting",
        "show_functions",
        "storage_info",
        "show_connection",
        "stats_info",
        "show_sequences",
        "show_indexes",
        "show_warnings",
        "clear_warnings",
        "show_macros",
        "show_loaded_extensions",
        "show_official_extensions",
        "show_projected_graphs",
        "fsm_info",
        "bm_info",
        "file_info",
    ];
    let upper = lname.to_ascii_uppercase();
    if BINDER_FORMS.contains(&lname)
        || lambda_op(lname).is_some()
        || crate::exec::function::registry().get(&upper).is_some()
    {
        return Ok(());
    }
    if TABLE_FUNCTIONS.contains(&lname) {
        return Err(Error::Binder(format!(
            "{upper} is a TABLE_FUNCTION_ENTRY. Scalar function, aggregate function or macro was expected."
        )));
    }
    Err(Error::Catalog(format!("function {upper} does not exist.")))
}

/// The list functions that take a lambda as their second argument.
fn lambda_op(lname: &str) -> Option<LambdaOp> {
    Some(match lname {
        "list_transform" => LambdaOp::Transform,
        "list_filter" => LambdaOp::Filter,
        "list_reduce" => LambdaOp::Reduce,
        "all" => LambdaOp::All,
        "any" => LambdaOp::Any,
        "none" => LambdaOp::None,
        "single" => LambdaOp::Single,
        _ => return None,
    })
}

fn lambda_fn_name(op: LambdaOp) -> &'static str {
    match op {
        LambdaOp::Transform => "LIST_TRANSFORM",
        LambdaOp::Filter => "LIST_FILTER",
        LambdaOp::Reduce => "LIST_REDUCE",
        LambdaOp::All => "ALL",
        LambdaOp::Any => "ANY",
        LambdaOp::None => "NONE",
        LambdaOp::Single => "SINGLE",
    }
}

/// Kuzu's name of an expression's kind in binder messages.
fn expr_kind_name(k: &ExprKind) -> &'static str {
    match k {
        ExprKind::Literal(_) => "LITERAL",
        ExprKind::Parameter(_) => "PARAMETER",
        ExprKind::Variable(_) => "VARIABLE",
        ExprKind::Property { .. } | ExprKind::PropertyStar(_) => "PROPERTY",
        ExprKind::Case { .. } => "CASE_ELSE",
        ExprKind::Subquery { .. } => "SUBQUERY",
        _ => "FUNCTION",
    }
}

/// An aggregate where none can be evaluated (WHERE, ORDER BY of a projection without
/// aggregates, ...). Kuzu raises this without an exception-kind prefix.
pub fn aggregate_not_allowed() -> Error {
    Error::Usage("Cannot evaluate expression with type AGGREGATE_FUNCTION.".into())
}

pub fn not_in_scope(v: &str) -> Error {
    Error::Binder(format!("Variable {v} is not in scope."))
}

pub fn bind_binary(op: BinaryOp, l: BoundExpr, r: BoundExpr) -> Result<BoundExpr> {
    let cmp = |o| bind_comparison(o, l.clone(), r.clone());
    let f = |name: &str| bind_function(name, vec![l.clone(), r.clone()]);
    match op {
        BinaryOp::Or => bind_bool(BoolOp::Or, l, r),
        BinaryOp::Xor => bind_bool(BoolOp::Xor, l, r),
        BinaryOp::And => bind_bool(BoolOp::And, l, r),
        BinaryOp::Eq => cmp(CmpOp::Eq),
        BinaryOp::Ne => cmp(CmpOp::Ne),
        BinaryOp::Lt => cmp(CmpOp::Lt),
        BinaryOp::Le => cmp(CmpOp::Le),
        BinaryOp::Gt => cmp(CmpOp::Gt),
        BinaryOp::Ge => cmp(CmpOp::Ge),
        BinaryOp::BitOr => f("|"),
        BinaryOp::BitAnd => f("&"),
        BinaryOp::ShiftLeft => f("<<"),
        BinaryOp::ShiftRight => f(">>"),
        BinaryOp::Add => f("+"),
        BinaryOp::Sub => f("-"),
        BinaryOp::Mul => f("*"),
        BinaryOp::Div => f("/"),
        BinaryOp::Mod => f("%"),
        BinaryOp::Pow => f("^"),
        BinaryOp::In => bind_function("LIST_CONTAINS", vec![r, l]),
        BinaryOp::RegexMatch => f("REGEXP_FULL_MATCH"),
        BinaryOp::StartsWith => f("STARTS_WITH"),
        BinaryOp::EndsWith => f("ENDS_WITH"),
        BinaryOp::Contains => f("CONTAINS"),
    }
}

fn op_name(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Or => "OR",
        BinaryOp::Xor => "XOR",
        BinaryOp::And => "AND",
        BinaryOp::Eq => "=",
        BinaryOp::Ne => "<>",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::BitOr => "|",
        BinaryOp::BitAnd => "&",
        BinaryOp::ShiftLeft => "<<",
        BinaryOp::ShiftRight => ">>",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        BinaryOp::Pow => "^",
        BinaryOp::In => "LIST_CONTAINS",
        BinaryOp::RegexMatch => "REGEXP_FULL_MATCH",
        BinaryOp::StartsWith => "STARTS_WITH",
        BinaryOp::EndsWith => "ENDS_WITH",
        BinaryOp::Contains => "CONTAINS",
    }
}

/// Kuzu's name of an expression (its result column name when not aliased):
/// `p.id`, `COUNT_STAR()`, `+(p.id,1)`, `SUM(p.id)`, `p._ID`.
pub fn expr_name(e: &Expr) -> String {
    expr_name_in(e, &|_| false)
}

/// As `expr_name`, naming a node or rel variable `v` used inside an expression `v._ID`
/// (Kuzu's name for `count(n)` is `COUNT(n._ID)`); `is_element` tells which names those are.
pub fn expr_name_in(e: &Expr, is_element: &dyn Fn(&str) -> bool) -> String {
    match &e.kind {
        ExprKind::Variable(v) => v.clone(),
        _ => nested_name(e, is_element),
    }
}

fn nested_name(e: &Expr, is_element: &dyn Fn(&str) -> bool) -> String {
    let expr_name = |x: &Expr| match &x.kind {
        ExprKind::Variable(v) if is_element(v) => format!("{v}._ID"),
        _ => nested_name(x, is_element),
    };
    let list = |xs: &mut dyn Iterator<Item = String>| xs.collect::<Vec<_>>().join(",");
    match &e.kind {
        ExprKind::Literal(l) => match l {
            Literal::Integer(i) => i.to_string(),
            Literal::Double(d) => format!("{d:.6}"),
            Literal::String(s) => s.clone(),
            Literal::Boolean(b) => if *b { "True" } else { "False" }.into(),
            Literal::Null => "".into(),
        },
        ExprKind::Parameter(p) => format!("${p}"),
        ExprKind::Variable(v) => v.clone(),
        ExprKind::Property { base, key } => format!("{}.{key}", expr_name_in(base, is_element)),
        ExprKind::Binary { op, left, right } => {
            let (l, r) = if *op == BinaryOp::In {
                (expr_name(right), expr_name(left))
            } else {
                (expr_name(left), expr_name(right))
            };
            format!("{}({l},{r})", op_name(*op))
        }
        ExprKind::Not(x) => format!("NOT({})", expr_name(x)),
        ExprKind::Negate(x) => format!("-({})", expr_name(x)),
        ExprKind::IsNull { expr, negated } => format!(
            "{}({})",
            if *negated { "IS_NOT_NULL" } else { "IS_NULL" },
            expr_name(expr)
        ),
        ExprKind::FunctionCall(f) => {
            let n = f.name.to_uppercase();
            if n == "ID" {
                if let [a] = f.args.as_slice() {
                    return format!("{}._ID", expr_name_in(&a.value, is_element));
                }
            }
            // COLLECT gathers whole elements: Kuzu names its argument plainly (`COLLECT(p)`).
            let arg_name = |x: &Expr| {
                if n == "COLLECT" {
                    nested_name(x, is_element)
                } else {
                    expr_name(x)
                }
            };
            format!(
                "{n}({}{})",
                if f.distinct { "DISTINCT " } else { "" },
                list(&mut f.args.iter().map(|a| arg_name(&a.value)))
            )
        }
        ExprKind::CountStar => "COUNT_STAR()".into(),
        ExprKind::List(items) => format!(
            "LIST_CREATION({})",
            list(&mut items.iter().map(|x| nested_name(x, is_element)))
        ),
        ExprKind::Struct(fields) => format!(
            "STRUCT_PACK({})",
            list(&mut fields.iter().map(|(_, x)| expr_name(x)))
        ),
        ExprKind::Quantifier {
            kind,
            variable,
            list: l,
            predicate,
        } => {
            let k = match kind {
                QuantifierKind::All => "ALL",
                QuantifierKind::Any => "ANY",
                QuantifierKind::None => "NONE",
                QuantifierKind::Single => "SINGLE",
            };
            format!("{k}({},{variable}->{})", expr_name(l), expr_name(predicate))
        }
        ExprKind::Lambda { params, body } => {
            let p = if params.len() == 1 {
                params[0].clone()
            } else {
                format!("({})", params.join(", "))
            };
            format!("{p}->{}", expr_name(body))
        }
        ExprKind::Index { base, index } => {
            format!("LIST_EXTRACT({},{})", expr_name(base), expr_name(index))
        }
        ExprKind::Slice { base, start, end } => format!(
            "LIST_SLICE({},{},{})",
            expr_name(base),
            start.as_ref().map_or("0".into(), |x| expr_name(x)),
            end.as_ref().map_or("-1".into(), |x| expr_name(x))
        ),
        ExprKind::Cast { expr, target } => match target {
            CastTarget::Type(t) => match crate::binder::ddl::logical_type(t) {
                Ok(lt) => format!("CAST({}, {lt})", expr_name(expr)),
                Err(_) => format!("CAST({}, {t})", expr_name(expr)),
            },
            CastTarget::Expr(t) => format!("CAST({}, {})", expr_name(expr), expr_name(t)),
        },
        // The planner registers subquery columns by this name: it must tell subqueries apart.
        ExprKind::Subquery {
            kind,
            pattern,
            where_clause,
            ..
        } => {
            let parts: Vec<String> = pattern.iter().map(|p| pattern_text(&p.element)).collect();
            format!(
                "{} {{ MATCH {}{} }}",
                match kind {
                    crate::cypher::ast::SubqueryKind::Exists => "EXISTS",
                    crate::cypher::ast::SubqueryKind::Count => "COUNT",
                },
                parts.join(", "),
                where_clause
                    .as_ref()
                    .map(|w| format!(" WHERE {}", expr_name(w)))
                    .unwrap_or_default()
            )
        }
        ExprKind::PathPattern(el) => pattern_text(el),
        ExprKind::Factorial(x) => format!("FACTORIAL({})", expr_name(x)),
        ExprKind::Case {
            operand,
            alternatives,
            else_expr,
        } => {
            let mut out = String::from("CASE");
            if let Some(o) = operand {
                out.push_str(&format!(" {}", expr_name(o)));
            }
            for (w, t) in alternatives {
                out.push_str(&format!(" WHEN {} THEN {}", expr_name(w), expr_name(t)));
            }
            if let Some(x) = else_expr {
                out.push_str(&format!(" ELSE {}", expr_name(x)));
            }
            out.push_str(" END");
            out
        }
        _ => format!("{:?}", e.kind).chars().take(64).collect(),
    }
}

/// A pattern as Cypher text (`(a:L {k: v})-[:T]->(b)`), for subquery names.
fn pattern_text(el: &crate::cypher::ast::PatternElement) -> String {
    use crate::cypher::ast::Direction;
    let props = |ps: &[(String, Expr)]| {
        if ps.is_empty() {
            String::new()
        } else {
            let kv: Vec<String> = ps
                .iter()
                .map(|(k, v)| format!("{k}: {}", expr_name(v)))
                .collect();
            format!(" {{{}}}", kv.join(", "))
        }
    };
    let node = |n: &crate::cypher::ast::NodePattern| {
        let labels: String = n.labels.iter().map(|l| format!(":{l}")).collect();
        format!(
            "({}{labels}{})",
            n.variable.as_deref().unwrap_or(""),
            props(&n.properties)
        )
    };
    let mut out = node(&el.start);
    for c in &el.chain {
        let r = &c.rel;
        let types = if r.types.is_empty() {
            String::new()
        } else {
            format!(":{}", r.types.join("|"))
        };
        let star = match &r.recursive {
            Some(ri) => format!(
                "*{}..{}",
                ri.lower.map(|x| x.to_string()).unwrap_or_default(),
                ri.upper.map(|x| x.to_string()).unwrap_or_default()
            ),
            None => String::new(),
        };
        let body = format!(
            "[{}{types}{star}{}]",
            r.variable.as_deref().unwrap_or(""),
            props(&r.properties)
        );
        out.push_str(&match r.direction {
            Direction::Right => format!("-{body}->"),
            Direction::Left => format!("<-{body}-"),
            Direction::Both => format!("-{body}-"),
        });
        out.push_str(&node(&c.node));
    }
    out
}

/// Whether an expression contains an aggregate call.
pub fn has_aggregate(e: &Expr) -> bool {
    let mut found = false;
    walk(e, &mut |x| {
        if is_agg_call(x) {
            found = true;
        }
    });
    found
}

pub fn is_agg_call(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::CountStar => true,
        ExprKind::FunctionCall(f) => is_aggregate(&f.name.to_ascii_lowercase()),
        _ => false,
    }
}

/// Pre-order walk over an expression tree (not into subqueries).
pub fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Property { base, .. } | ExprKind::PropertyStar(base) => walk(base, f),
        ExprKind::Binary { left, right, .. } => {
            walk(left, f);
            walk(right, f);
        }
        ExprKind::Not(x)
        | ExprKind::Negate(x)
        | ExprKind::Factorial(x)
        | ExprKind::IsNull { expr: x, .. }
        | ExprKind::Cast { expr: x, .. } => walk(x, f),
        ExprKind::Index { base, index } => {
            walk(base, f);
            walk(index, f);
        }
        ExprKind::Slice { base, start, end } => {
            walk(base, f);
            start.iter().for_each(|s| walk(s, f));
            end.iter().for_each(|s| walk(s, f));
        }
        ExprKind::FunctionCall(c) => c.args.iter().for_each(|a| walk(&a.value, f)),
        ExprKind::Case {
            operand,
            alternatives,
            else_expr,
        } => {
            operand.iter().for_each(|o| walk(o, f));
            for (a, b) in alternatives {
                walk(a, f);
                walk(b, f);
            }
            else_expr.iter().for_each(|o| walk(o, f));
        }
        ExprKind::List(items) => items.iter().for_each(|i| walk(i, f)),
        ExprKind::Struct(fs) => fs.iter().for_each(|(_, x)| walk(x, f)),
        ExprKind::Quantifier {
            list, predicate, ..
        } => {
            walk(list, f);
            walk(predicate, f);
        }
        ExprKind::Lambda { body, .. } => walk(body, f),
        _ => {}
    }
}

/// Variable names an expression refers to (lambda and quantifier variables excluded).
pub fn variables(e: &Expr) -> Vec<String> {
    fn go(e: &Expr, bound: &mut Vec<String>, out: &mut Vec<String>) {
        match &e.kind {
            ExprKind::Variable(v) => {
                if !bound.contains(v) && !out.contains(v) {
                    out.push(v.clone());
                }
            }
            ExprKind::Quantifier {
                variable,
                list,
                predicate,
                ..
            } => {
                go(list, bound, out);
                bound.push(variable.clone());
                go(predicate, bound, out);
                bound.pop();
            }
            ExprKind::Lambda { params, body } => {
                let n = bound.len();
                bound.extend(params.iter().cloned());
                go(body, bound, out);
                bound.truncate(n);
            }
            // A subquery counts the names its pattern and WHERE use (the planner places it
            // after the whole pattern, with the outer ones bound).
            ExprKind::Subquery { .. } | ExprKind::PathPattern(_) => {
                let (names, exprs) = subquery_parts(e);
                for n in names {
                    if !bound.iter().any(|b| b == n) && !out.iter().any(|o| o == n) {
                        out.push(n.to_string());
                    }
                }
                for x in exprs {
                    go(x, bound, out);
                }
            }
            _ => {
                let mut kids = Vec::new();
                walk_children(e, &mut |c| kids.push(c));
                for c in kids {
                    go(c, bound, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    go(e, &mut Vec::new(), &mut out);
    out
}

/// The variable names of a subquery's (or pattern predicate's) pattern, and the expressions
/// it holds (property maps, WHERE).
pub fn subquery_parts(e: &Expr) -> (Vec<&str>, Vec<&Expr>) {
    let mut names: Vec<&str> = Vec::new();
    let mut exprs: Vec<&Expr> = Vec::new();
    let (parts, where_clause): (Vec<&crate::cypher::ast::PatternElement>, Option<&Expr>) =
        match &e.kind {
            ExprKind::Subquery {
                pattern,
                where_clause,
                ..
            } => (
                pattern.iter().map(|p| &p.element).collect(),
                where_clause.as_deref(),
            ),
            ExprKind::PathPattern(el) => (vec![&**el], None),
            _ => (Vec::new(), None),
        };
    for el in parts {
        let nodes = std::iter::once(&el.start).chain(el.chain.iter().map(|c| &c.node));
        for n in nodes {
            names.extend(n.variable.as_deref());
            exprs.extend(n.properties.iter().map(|(_, x)| x));
        }
        for c in &el.chain {
            names.extend(c.rel.variable.as_deref());
            exprs.extend(c.rel.properties.iter().map(|(_, x)| x));
        }
    }
    exprs.extend(where_clause);
    (names, exprs)
}

/// The direct sub-expressions of an expression (not into subqueries).
pub fn walk_children<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
    match &e.kind {
        ExprKind::Property { base, .. } | ExprKind::PropertyStar(base) => f(base),
        ExprKind::Binary { left, right, .. } => {
            f(left);
            f(right);
        }
        ExprKind::Not(x)
        | ExprKind::Negate(x)
        | ExprKind::Factorial(x)
        | ExprKind::IsNull { expr: x, .. }
        | ExprKind::Cast { expr: x, .. } => f(x),
        ExprKind::Index { base, index } => {
            f(base);
            f(index);
        }
        ExprKind::Slice { base, start, end } => {
            f(base);
            if let Some(s) = start {
                f(s);
            }
            if let Some(s) = end {
                f(s);
            }
        }
        ExprKind::FunctionCall(c) => c.args.iter().for_each(|a| f(&a.value)),
        ExprKind::Case {
            operand,
            alternatives,
            else_expr,
        } => {
            if let Some(o) = operand {
                f(o);
            }
            for (a, b) in alternatives {
                f(a);
                f(b);
            }
            if let Some(o) = else_expr {
                f(o);
            }
        }
        ExprKind::List(items) => items.iter().for_each(&mut *f),
        ExprKind::Struct(fs) => fs.iter().for_each(|(_, x)| f(x)),
        ExprKind::Quantifier {
            list, predicate, ..
        } => {
            f(list);
            f(predicate);
        }
        ExprKind::Lambda { body, .. } => f(body),
        _ => {}
    }
}

/// Whether `name` is a sequence: one CREATE SEQUENCE made, or the sequence behind a SERIAL
/// column (`<table>_<column>_serial`, as Kuzu names it).
pub fn sequence_exists(catalog: &crate::catalog::Catalog, name: &str) -> bool {
    catalog.sequence(name).is_some() || serial_column(catalog, name).is_some()
}

/// The (node table, property index) of a SERIAL column whose sequence is `name`.
pub fn serial_column(catalog: &crate::catalog::Catalog, name: &str) -> Option<(u64, usize)> {
    catalog.node_tables().find_map(|t| {
        t.properties.iter().enumerate().find_map(|(i, p)| {
            (p.ty == LogicalType::Serial
                && format!("{}_{}_serial", t.name, p.name).eq_ignore_ascii_case(name))
            .then_some((t.id, i))
        })
    })
}

/// Parses an expression kept as text in the catalog (a macro body or default).
fn parse_expression(text: &str) -> Result<Expr> {
    let stmts = crate::cypher::parse(&format!("RETURN {text}"))?;
    let item = stmts.first().and_then(|s| match &s.kind {
        crate::cypher::ast::StatementKind::Query(q) => q
            .first
            .return_clause
            .as_ref()
            .and_then(|r| r.items.first())
            .map(|i| i.expr.clone()),
        _ => None,
    });
    item.ok_or_else(|| Error::Binder(format!("Invalid expression {text}.")))
}

/// A macro call with the macro's body, its parameters replaced by the call's arguments (and
/// defaults), as Kuzu's `bindMacroExpression`.
pub fn expand_macro(
    m: &crate::catalog::Macro,
    call: &crate::cypher::ast::FunctionCall,
) -> Result<Expr> {
    let n = call.args.len();
    if n > m.params.len() + m.defaults.len() || n < m.params.len() {
        return Err(Error::Binder(format!(
            "Invalid number of arguments for macro {}.",
            m.name.to_uppercase()
        )));
    }
    let mut vals: Vec<(String, Expr)> = Vec::new();
    for (i, p) in m.params.iter().enumerate() {
        vals.push((p.clone(), call.args[i].value.clone()));
    }
    for (k, (name, default)) in m.defaults.iter().enumerate() {
        let v = match call.args.get(m.params.len() + k) {
            Some(a) => a.value.clone(),
            None => parse_expression(default)?,
        };
        vals.push((name.clone(), v));
    }
    let mut body = parse_expression(&m.body)?;
    replace_variables(&mut body, &vals);
    Ok(body)
}

fn replace_variables(e: &mut Expr, vals: &[(String, Expr)]) {
    if let ExprKind::Variable(v) = &e.kind {
        if let Some((_, x)) = vals.iter().find(|(n, _)| n == v) {
            *e = x.clone();
            return;
        }
    }
    let mut kids = Vec::new();
    children_mut(e, &mut kids);
    for k in kids {
        replace_variables(k, vals);
    }
}

/// The direct sub-expressions of `e`, mutably.
pub fn children_mut<'e>(e: &'e mut Expr, out: &mut Vec<&'e mut Expr>) {
    match &mut e.kind {
        ExprKind::Property { base, .. } | ExprKind::PropertyStar(base) => out.push(base),
        ExprKind::Binary { left, right, .. } => {
            out.push(left);
            out.push(right);
        }
        ExprKind::Not(x)
        | ExprKind::Negate(x)
        | ExprKind::Factorial(x)
        | ExprKind::IsNull { expr: x, .. }
        | ExprKind::Cast { expr: x, .. } => out.push(x),
        ExprKind::Index { base, index } => {
            out.push(base);
            out.push(index);
        }
        ExprKind::FunctionCall(c) => out.extend(c.args.iter_mut().map(|a| &mut a.value)),
        ExprKind::Case {
            operand,
            alternatives,
            else_expr,
        } => {
            if let Some(o) = operand {
                out.push(o);
            }
            for (a, b) in alternatives {
                out.push(a);
                out.push(b);
            }
            if let Some(o) = else_expr {
                out.push(o);
            }
        }
        ExprKind::List(items) => out.extend(items.iter_mut()),
        ExprKind::Struct(fs) => out.extend(fs.iter_mut().map(|(_, x)| x)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_expr(text: &str) -> Expr {
        let q = format!("RETURN {text}");
        let s = crate::cypher::parse(&q).unwrap().remove(0);
        match s.kind {
            crate::cypher::ast::StatementKind::Query(q) => {
                q.first.return_clause.unwrap().items[0].expr.clone()
            }
            _ => unreachable!(),
        }
    }

    #[test]
    fn kuzu_column_names() {
        assert_eq!(expr_name(&parse_expr("count(*)")), "COUNT_STAR()");
        assert_eq!(expr_name(&parse_expr("p.id + 1")), "+(p.id,1)");
        assert_eq!(expr_name(&parse_expr("sum(p.id)")), "SUM(p.id)");
        assert_eq!(expr_name(&parse_expr("id(p)")), "p._ID");
        let el = |v: &str| v == "p";
        assert_eq!(expr_name_in(&parse_expr("count(p)"), &el), "COUNT(p._ID)");
        assert_eq!(expr_name_in(&parse_expr("collect(p)"), &el), "COLLECT(p)");
        assert_eq!(
            expr_name_in(&parse_expr("size(collect(p))"), &el),
            "SIZE(COLLECT(p))"
        );
        assert_eq!(expr_name_in(&parse_expr("[p]"), &el), "LIST_CREATION(p)");
        assert_eq!(
            expr_name(&parse_expr(
                "EXISTS { MATCH (a)-[:K]->(b:P {id: 1}) WHERE b.x > 2 }"
            )),
            "EXISTS { MATCH (a)-[:K]->(b:P {id: 1}) WHERE >(b.x,2) }"
        );
        assert_eq!(
            expr_name(&parse_expr("CASE x WHEN 1 THEN 'a' ELSE 'b' END")),
            "CASE x WHEN 1 THEN a ELSE b END"
        );
        assert_eq!(expr_name(&parse_expr("$x")), "$x");
        assert!(has_aggregate(&parse_expr("1 + count(x)")));
        assert!(!has_aggregate(&parse_expr("1 + x.y")));
        assert_eq!(variables(&parse_expr("a.x + b.y + a.z")), vec!["a", "b"]);
    }

    #[test]
    fn binds_against_scope_with_kuzu_errors() {
        let catalog = Catalog::new();
        let params = Params::new();
        let mut scope = Scope::default();
        let c = scope.add_col(LogicalType::Int64);
        scope.set_var("x", Var::Value { col: c });
        let b = ExprBinder {
            catalog: &catalog,
            params: &params,
            scope: &scope,
        };
        assert_eq!(b.bind(&parse_expr("x + 1")).unwrap().ty, LogicalType::Int64);
        assert_eq!(
            b.bind(&parse_expr("y")).unwrap_err().to_string(),
            "Binder exception: Variable y is not in scope."
        );
        assert_eq!(b.bind(&parse_expr("$p")).unwrap().ty, LogicalType::Any);
    }
}

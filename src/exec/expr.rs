//! Bound expressions and their vectorized evaluation.
//!
//! Owns: `BoundExpr` (an expression whose names are resolved and whose result type is known;
//! the binder builds these, using the `bind_*` constructors here and
//! `function::bind_function` for calls, which insert Kuzu's implicit casts), and the evaluator:
//!
//! * `eval(&BoundExpr, &DataChunk, &EvalContext) -> Result<Column>`: one output row per input
//!   row, of type `expr.ty`;
//! * `eval_predicate(..) -> Result<Vec<bool>>`: WHERE semantics (NULL counts as false).
//!
//! Typed fast paths cover column-vs-constant and column-vs-column comparisons on
//! integers/doubles/strings, boolean connectives and Int64/Double arithmetic (in
//! `function::arith`); everything else runs per row over `Value`s. CASE evaluates each branch
//! only on the rows that reach it, so a branch cannot fail on rows that do not take it.

use super::cast::cast_value;
use super::chunk::{append_row, constant_column, gather, null_column, DataChunk};
use super::context::EvalContext;
use super::function::{self, ScalarFunction};
use super::typing::max_logical_type;
use super::values::{compare_values, type_of_value};
use crate::error::{Error, Result};
use crate::types::vector::{Column, ColumnData, NullMask};
use crate::types::{LogicalType, Value};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    #[inline]
    pub fn test(self, o: Ordering) -> bool {
        match self {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::Ne => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Ge => o != Ordering::Less,
        }
    }

    /// The operator with its operands swapped (`a < b` ⇔ `b > a`).
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            o => o,
        }
    }
}

/// Boolean connectives with Kuzu's three-valued logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolOp {
    And,
    Or,
    Xor,
}

/// An expression node. See the module header for how to build these.
#[derive(Debug, Clone)]
pub enum ExprKind {
    Literal(Value),
    /// Column `i` of the input chunk.
    Column(usize),
    /// `$name`, looked up in `EvalContext::params` and cast to the expression type.
    Parameter(String),
    /// `nextval('name')` (`next`) or `currval('name')`: one value per row from
    /// `EvalContext::sequences`.
    Sequence {
        name: String,
        next: bool,
    },
    Function {
        func: Arc<ScalarFunction>,
        args: Vec<BoundExpr>,
    },
    Compare {
        op: CmpOp,
        left: Box<BoundExpr>,
        right: Box<BoundExpr>,
    },
    Bool {
        op: BoolOp,
        left: Box<BoundExpr>,
        right: Box<BoundExpr>,
    },
    Not(Box<BoundExpr>),
    IsNull {
        expr: Box<BoundExpr>,
        negated: bool,
    },
    /// Generic CASE (the simple form is rewritten to comparisons by `bind_case`).
    Case {
        whens: Vec<(BoundExpr, BoundExpr)>,
        otherwise: Option<Box<BoundExpr>>,
    },
    /// Cast of the child to this expression's type.
    Cast(Box<BoundExpr>),
    /// `[a, b, c]`.
    ListCreate(Vec<BoundExpr>),
    /// `{a: x, b: y}`.
    StructPack(Vec<(String, BoundExpr)>),
    /// `s.field` by field position.
    StructField {
        expr: Box<BoundExpr>,
        index: usize,
    },
    /// A list function with a lambda (`list_transform(l, x -> ...)`, `all(x IN l WHERE ..)`).
    /// The body is bound against the input columns followed by the lambda variables: for a
    /// chunk of `k` columns, `x` is column `k` (for `list_reduce`, `x` is the accumulator at
    /// column `k` and `y` the element at column `k + 1`).
    Lambda {
        op: LambdaOp,
        list: Box<BoundExpr>,
        body: Box<BoundExpr>,
    },
}

/// The list functions that take a lambda.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LambdaOp {
    Transform,
    Filter,
    Reduce,
    All,
    Any,
    None,
    Single,
}

/// A bound expression with its result type.
#[derive(Debug, Clone)]
pub struct BoundExpr {
    pub kind: ExprKind,
    pub ty: LogicalType,
}

impl BoundExpr {
    /// A literal typed as Kuzu types it (nested ANY children become INT64, as for `[]`).
    pub fn literal(v: Value) -> BoundExpr {
        let ty = super::typing::resolve_any(&type_of_value(&v));
        let ty = if v.is_null() { LogicalType::Any } else { ty };
        BoundExpr {
            kind: ExprKind::Literal(v),
            ty,
        }
    }

    pub fn typed_literal(v: Value, ty: LogicalType) -> BoundExpr {
        BoundExpr {
            kind: ExprKind::Literal(v),
            ty,
        }
    }

    pub fn column(index: usize, ty: LogicalType) -> BoundExpr {
        BoundExpr {
            kind: ExprKind::Column(index),
            ty,
        }
    }

    pub fn parameter(name: impl Into<String>, ty: LogicalType) -> BoundExpr {
        BoundExpr {
            kind: ExprKind::Parameter(name.into()),
            ty,
        }
    }

    /// A cast to `ty` (no-op if already of that type; literals are cast at bind time).
    pub fn cast_to(self, ty: &LogicalType) -> Result<BoundExpr> {
        if &self.ty == ty {
            return Ok(self);
        }
        // Union to union: every source member must exist in the target (Kuzu checks the types).
        if let (LogicalType::Union(from), LogicalType::Union(to)) = (&self.ty, ty) {
            if let Some((n, _)) = from.iter().find(|(n, _)| !to.iter().any(|(m, _)| m == n)) {
                return Err(Error::Conversion(format!(
                    "Cannot cast from {} to {ty}, target type is missing field '{n}'.",
                    self.ty
                )));
            }
        }
        if let ExprKind::Literal(v) = &self.kind {
            return Ok(BoundExpr::typed_literal(cast_value(v, ty)?, ty.clone()));
        }
        Ok(BoundExpr {
            kind: ExprKind::Cast(Box::new(self)),
            ty: ty.clone(),
        })
    }

    /// Whether the expression is a constant (no column or parameter reference).
    pub fn is_constant(&self) -> bool {
        match &self.kind {
            ExprKind::Literal(_) => true,
            ExprKind::Column(_) | ExprKind::Parameter(_) | ExprKind::Sequence { .. } => false,
            ExprKind::Function { func, args } => {
                func.deterministic && args.iter().all(|a| a.is_constant())
            }
            ExprKind::Compare { left, right, .. } | ExprKind::Bool { left, right, .. } => {
                left.is_constant() && right.is_constant()
            }
            ExprKind::Not(e) | ExprKind::Cast(e) => e.is_constant(),
            ExprKind::IsNull { expr, .. } | ExprKind::StructField { expr, .. } => {
                expr.is_constant()
            }
            ExprKind::Case { whens, otherwise } => {
                whens
                    .iter()
                    .all(|(a, b)| a.is_constant() && b.is_constant())
                    && otherwise.as_ref().is_none_or(|e| e.is_constant())
            }
            ExprKind::ListCreate(items) => items.iter().all(|e| e.is_constant()),
            ExprKind::StructPack(f) => f.iter().all(|(_, e)| e.is_constant()),
            // The body may read input columns; treat lambdas as non-constant.
            ExprKind::Lambda { .. } => false,
        }
    }
}

impl BoundExpr {
    /// Calls `f` on every direct child expression.
    fn children(&self) -> Vec<&BoundExpr> {
        match &self.kind {
            ExprKind::Literal(_)
            | ExprKind::Column(_)
            | ExprKind::Parameter(_)
            | ExprKind::Sequence { .. } => vec![],
            ExprKind::Function { args, .. } | ExprKind::ListCreate(args) => args.iter().collect(),
            ExprKind::Compare { left, right, .. } | ExprKind::Bool { left, right, .. } => {
                vec![left, right]
            }
            ExprKind::Not(e) | ExprKind::Cast(e) => vec![e],
            ExprKind::IsNull { expr, .. } | ExprKind::StructField { expr, .. } => vec![expr],
            ExprKind::Case { whens, otherwise } => {
                let mut v: Vec<&BoundExpr> = whens.iter().flat_map(|(a, b)| [a, b]).collect();
                if let Some(o) = otherwise {
                    v.push(o);
                }
                v
            }
            ExprKind::StructPack(f) => f.iter().map(|(_, e)| e).collect(),
            ExprKind::Lambda { list, .. } => vec![list],
        }
    }

    /// Input columns the expression reads (sorted, without duplicates). Lambda bodies count
    /// only their references to input columns (below `width`, the input column count).
    pub fn referenced_columns(&self, width: usize) -> Vec<usize> {
        fn walk(e: &BoundExpr, width: usize, out: &mut Vec<usize>) {
            if let ExprKind::Column(i) = e.kind {
                if i < width {
                    out.push(i);
                }
            }
            if let ExprKind::Lambda { body, .. } = &e.kind {
                walk(body, width, out);
            }
            for c in e.children() {
                walk(c, width, out);
            }
        }
        let mut out = Vec::new();
        walk(self, width, &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The expression over a new input layout: column `i < width` becomes `f(i)`; inside
    /// lambda bodies the lambda variables (`>= width`) move to `new_width + (i - width)`.
    pub fn map_columns(
        &self,
        f: &dyn Fn(usize) -> usize,
        width: usize,
        new_width: usize,
    ) -> BoundExpr {
        let m = |e: &BoundExpr| e.map_columns(f, width, new_width);
        let kind = match &self.kind {
            ExprKind::Column(i) => ExprKind::Column(if *i < width {
                f(*i)
            } else {
                new_width + (i - width)
            }),
            ExprKind::Literal(_) | ExprKind::Parameter(_) | ExprKind::Sequence { .. } => {
                self.kind.clone()
            }
            ExprKind::Function { func, args } => ExprKind::Function {
                func: func.clone(),
                args: args.iter().map(m).collect(),
            },
            ExprKind::Compare { op, left, right } => ExprKind::Compare {
                op: *op,
                left: Box::new(m(left)),
                right: Box::new(m(right)),
            },
            ExprKind::Bool { op, left, right } => ExprKind::Bool {
                op: *op,
                left: Box::new(m(left)),
                right: Box::new(m(right)),
            },
            ExprKind::Not(e) => ExprKind::Not(Box::new(m(e))),
            ExprKind::Cast(e) => ExprKind::Cast(Box::new(m(e))),
            ExprKind::IsNull { expr, negated } => ExprKind::IsNull {
                expr: Box::new(m(expr)),
                negated: *negated,
            },
            ExprKind::StructField { expr, index } => ExprKind::StructField {
                expr: Box::new(m(expr)),
                index: *index,
            },
            ExprKind::Case { whens, otherwise } => ExprKind::Case {
                whens: whens.iter().map(|(a, b)| (m(a), m(b))).collect(),
                otherwise: otherwise.as_ref().map(|o| Box::new(m(o))),
            },
            ExprKind::ListCreate(items) => ExprKind::ListCreate(items.iter().map(m).collect()),
            ExprKind::StructPack(f2) => {
                ExprKind::StructPack(f2.iter().map(|(n, e)| (n.clone(), m(e))).collect())
            }
            ExprKind::Lambda { op, list, body } => ExprKind::Lambda {
                op: *op,
                list: Box::new(m(list)),
                body: Box::new(m(body)),
            },
        };
        BoundExpr {
            kind,
            ty: self.ty.clone(),
        }
    }

    /// Replaces constant subtrees by their value (errors surface here, at bind time, as in
    /// Kuzu's constant folding). Volatile functions are not folded.
    pub fn fold(self, ctx: &EvalContext) -> Result<BoundExpr> {
        if matches!(self.kind, ExprKind::Literal(_)) || !self.is_constant() {
            return Ok(self);
        }
        let v = eval_constant(&self, ctx)?;
        Ok(BoundExpr::typed_literal(v, self.ty))
    }
}

/// `left op right` with Kuzu's typing: both sides are cast to their common type;
/// `Binder exception: Type Mismatch: Cannot compare types X and Y` if there is none.
pub fn bind_comparison(op: CmpOp, left: BoundExpr, right: BoundExpr) -> Result<BoundExpr> {
    let common = max_logical_type(&left.ty, &right.ty).ok_or_else(|| {
        Error::Binder(format!(
            "Type Mismatch: Cannot compare types {} and {}",
            left.ty, right.ty
        ))
    })?;
    let common = if common == LogicalType::Any {
        LogicalType::Int8
    } else {
        common
    };
    Ok(BoundExpr {
        kind: ExprKind::Compare {
            op,
            left: Box::new(left.cast_to(&common)?),
            right: Box::new(right.cast_to(&common)?),
        },
        ty: LogicalType::Bool,
    })
}

fn to_bool(e: BoundExpr) -> Result<BoundExpr> {
    match &e.ty {
        LogicalType::Bool => Ok(e),
        LogicalType::Any => e.cast_to(&LogicalType::Bool),
        other => Err(Error::Binder(format!(
            "Expression {} has data type {} but expected BOOL. Implicit cast is not supported.",
            describe(&e),
            super::typing::resolve_any(other)
        ))),
    }
}

fn describe_all(items: &[BoundExpr]) -> String {
    items.iter().map(describe).collect::<Vec<_>>().join(",")
}

/// The expression as Kuzu names it in binder messages (literals by their text, calls by
/// name). The binder knows better names for variables and properties.
pub(crate) fn describe(e: &BoundExpr) -> String {
    match &e.kind {
        ExprKind::Literal(v) => super::cast::value_to_text(v),
        ExprKind::ListCreate(items) => format!("LIST_CREATION({})", describe_all(items)),
        ExprKind::StructPack(fields) => {
            let items: Vec<BoundExpr> = fields.iter().map(|(_, e)| e.clone()).collect();
            format!("STRUCT_PACK({})", describe_all(&items))
        }
        ExprKind::Function { func, args } => format!("{}({})", func.name, describe_all(args)),
        ExprKind::Cast(inner) => describe(inner),
        _ => "expression".into(),
    }
}

/// AND / OR / XOR of two BOOL (or NULL) expressions.
pub fn bind_bool(op: BoolOp, left: BoundExpr, right: BoundExpr) -> Result<BoundExpr> {
    Ok(BoundExpr {
        kind: ExprKind::Bool {
            op,
            left: Box::new(to_bool(left)?),
            right: Box::new(to_bool(right)?),
        },
        ty: LogicalType::Bool,
    })
}

pub fn bind_not(e: BoundExpr) -> Result<BoundExpr> {
    Ok(BoundExpr {
        kind: ExprKind::Not(Box::new(to_bool(e)?)),
        ty: LogicalType::Bool,
    })
}

pub fn bind_is_null(e: BoundExpr, negated: bool) -> BoundExpr {
    BoundExpr {
        kind: ExprKind::IsNull {
            expr: Box::new(e),
            negated,
        },
        ty: LogicalType::Bool,
    }
}

/// CASE. With an operand, `WHEN v` means `operand = v` (`WHEN NULL` is `NULL IS NULL`, always
/// true, as in Kuzu). The result type is that of the last THEN whose type is not ANY, else
/// the ELSE's (Kuzu's rule); the other branches are cast to it. A result type with ANY inside
/// (`[]`) adopts a concrete branch type it casts to (`CASE WHEN c THEN [] ELSE l END`).
pub fn bind_case(
    operand: Option<BoundExpr>,
    whens: Vec<(BoundExpr, BoundExpr)>,
    otherwise: Option<BoundExpr>,
) -> Result<BoundExpr> {
    let mut ty = LogicalType::Any;
    for (_, t) in &whens {
        if t.ty != LogicalType::Any {
            ty = t.ty.clone();
        }
    }
    if ty == LogicalType::Any {
        if let Some(e) = &otherwise {
            ty = e.ty.clone();
        }
    }
    if ty != LogicalType::Any && super::typing::resolve_any(&ty) != ty {
        let branches = whens
            .iter()
            .map(|(_, t)| &t.ty)
            .chain(otherwise.iter().map(|e| &e.ty));
        for t in branches {
            if t != &LogicalType::Any && &super::typing::resolve_any(t) == t {
                if let Some(m) = max_logical_type(&ty, t) {
                    if &m == t {
                        ty = m;
                        break;
                    }
                }
            }
        }
    }
    let mut out = Vec::with_capacity(whens.len());
    for (w, t) in whens {
        let cond = match &operand {
            Some(_) if matches!(w.kind, ExprKind::Literal(Value::Null)) => {
                BoundExpr::literal(Value::Bool(true))
            }
            Some(op) => bind_comparison(CmpOp::Eq, op.clone(), w)?,
            None => to_bool(w)?,
        };
        out.push((cond, cast_branch(t, &ty)?));
    }
    let otherwise = match otherwise {
        Some(e) => Some(Box::new(cast_branch(e, &ty)?)),
        None => None,
    };
    Ok(BoundExpr {
        kind: ExprKind::Case {
            whens: out,
            otherwise,
        },
        ty,
    })
}

/// A CASE branch cast to the result type. A literal that does not convert fails only if its
/// branch is taken (Kuzu evaluates branches lazily), so its cast is left to run time.
fn cast_branch(e: BoundExpr, ty: &LogicalType) -> Result<BoundExpr> {
    if let ExprKind::Literal(_) = &e.kind {
        if e.ty != *ty {
            if let Ok(c) = e.clone().cast_to(ty) {
                return Ok(c);
            }
            return Ok(BoundExpr {
                kind: ExprKind::Cast(Box::new(e)),
                ty: ty.clone(),
            });
        }
    }
    e.cast_to(ty)
}

/// `[a, b, ...]`: elements are cast to their common type; an empty list is `ANY[]`.
pub fn bind_list(items: Vec<BoundExpr>) -> Result<BoundExpr> {
    let mut child = LogicalType::Any;
    for it in &items {
        child = max_logical_type(&child, &it.ty).ok_or_else(|| {
            Error::Binder(format!(
                "Expression {} has data type {} but expected {child}. Implicit cast is not supported.",
                describe(it),
                it.ty
            ))
        })?;
    }
    // `[]` and `[NULL]` stay `ANY[]` so functions can adopt the other argument's type
    // (`list_append([], 'a')` is STRING[]); function results resolve ANY to INT64.
    let mut cast = Vec::with_capacity(items.len());
    for it in items {
        if it.ty != child
            && it.ty != LogicalType::Any
            && !super::typing::has_implicit_cast(&it.ty, &child)
        {
            return Err(Error::Binder(format!(
                "Expression {} has data type {} but expected {child}. Implicit cast is not supported.",
                describe(&it),
                it.ty
            )));
        }
        cast.push(it.cast_to(&child)?);
    }
    Ok(BoundExpr {
        kind: ExprKind::ListCreate(cast),
        ty: LogicalType::List(Box::new(child)),
    })
}

/// `{name: expr, ...}`.
pub fn bind_struct(fields: Vec<(String, BoundExpr)>) -> BoundExpr {
    // Kuzu types a NULL field of a struct literal as STRING.
    let fields: Vec<(String, BoundExpr)> = fields
        .into_iter()
        .map(|(n, e)| {
            if e.ty == LogicalType::Any {
                let e = match e.kind {
                    ExprKind::Literal(Value::Null) => {
                        BoundExpr::typed_literal(Value::Null, LogicalType::String)
                    }
                    kind => BoundExpr {
                        kind,
                        ty: LogicalType::String,
                    },
                };
                (n, e)
            } else {
                (n, e)
            }
        })
        .collect();
    let ty = LogicalType::Struct(
        fields
            .iter()
            .map(|(n, e)| (n.clone(), e.ty.clone()))
            .collect(),
    );
    BoundExpr {
        kind: ExprKind::StructPack(fields),
        ty,
    }
}

/// `expr.name` on a STRUCT (case-insensitive field match, as Kuzu).
pub fn bind_struct_field(expr: BoundExpr, name: &str) -> Result<BoundExpr> {
    let fields = match &expr.ty {
        LogicalType::Struct(f) => f.clone(),
        other => {
            return Err(Error::Binder(format!(
                "Cannot extract field {name} from a {other} expression."
            )))
        }
    };
    let index = fields
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(name))
        .ok_or_else(|| Error::Binder(format!("Invalid struct field name: {name}.")))?;
    Ok(BoundExpr {
        ty: fields[index].1.clone(),
        kind: ExprKind::StructField {
            expr: Box::new(expr),
            index,
        },
    })
}

/// Evaluates an expression over a chunk.
pub fn eval(e: &BoundExpr, chunk: &DataChunk, ctx: &EvalContext) -> Result<Column> {
    Ok(eval_ref(e, chunk, ctx)?.into_owned())
}

/// Evaluates, borrowing input columns instead of copying them.
pub fn eval_ref<'a>(
    e: &BoundExpr,
    chunk: &'a DataChunk,
    ctx: &EvalContext,
) -> Result<Cow<'a, Column>> {
    let n = chunk.len;
    Ok(Cow::Owned(match &e.kind {
        ExprKind::Column(i) => {
            return chunk
                .columns
                .get(*i)
                .map(Cow::Borrowed)
                .ok_or_else(|| Error::Runtime(format!("no input column {i}")))
        }
        ExprKind::Literal(v) => constant_column(v, &e.ty, n)?,
        ExprKind::Parameter(name) => {
            let v = ctx
                .params
                .get(name)
                .ok_or_else(|| Error::Runtime(format!("Parameter {name} not found.")))?;
            constant_column(&cast_value(v, &e.ty)?, &e.ty, n)?
        }
        ExprKind::Sequence { name, next } => {
            let src = ctx.sequences.as_ref().ok_or_else(|| {
                Error::Runtime(
                    "Can not execute a write query inside a read-only transaction.".into(),
                )
            })?;
            let mut c = Column::with_capacity(LogicalType::Int64, n);
            if *next {
                for v in src.next_values(name, n)? {
                    c.push_value(&Value::Int64(v));
                }
            } else {
                let v = src.current_value(name)?;
                (0..n).for_each(|_| {
                    c.push_value(&Value::Int64(v));
                });
            }
            c
        }
        ExprKind::Function { func, args } => {
            let mut cols = Vec::with_capacity(args.len());
            for a in args {
                cols.push(eval_ref(a, chunk, ctx)?);
            }
            let refs: Vec<&Column> = cols.iter().map(|c| c.as_ref()).collect();
            func.call(&refs, &e.ty, n)?
        }
        ExprKind::Compare { op, left, right } => {
            bool_column(eval_compare(*op, left, right, chunk, ctx)?)
        }
        ExprKind::Bool { op, left, right } => {
            let l = eval_ref(left, chunk, ctx)?;
            let r = eval_ref(right, chunk, ctx)?;
            three_valued(*op, &l, &r)
        }
        ExprKind::Not(x) => {
            let c = eval_ref(x, chunk, ctx)?;
            let mut vals = Vec::with_capacity(n);
            let mut nulls = NullMask::with_len(n);
            for i in 0..n {
                match bool_at(&c, i) {
                    Some(b) => vals.push(!b),
                    None => {
                        vals.push(false);
                        nulls.set(i, true);
                    }
                }
            }
            Column {
                ty: LogicalType::Bool,
                data: ColumnData::Bool(vals),
                nulls,
            }
        }
        ExprKind::IsNull { expr, negated } => {
            let c = eval_ref(expr, chunk, ctx)?;
            let vals = (0..n).map(|i| c.nulls.is_null(i) != *negated).collect();
            Column {
                ty: LogicalType::Bool,
                data: ColumnData::Bool(vals),
                nulls: NullMask::with_len(n),
            }
        }
        ExprKind::Case { whens, otherwise } => {
            eval_case(e, whens, otherwise.as_deref(), chunk, ctx)?
        }
        ExprKind::Cast(x) => {
            let c = eval_ref(x, chunk, ctx)?;
            cast_column(&c, &e.ty)?
        }
        ExprKind::ListCreate(items) => {
            let cols: Vec<Cow<'_, Column>> = items
                .iter()
                .map(|x| eval_ref(x, chunk, ctx))
                .collect::<Result<_>>()?;
            let child_ty = match &e.ty {
                LogicalType::List(c) | LogicalType::Array(c, _) => (**c).clone(),
                _ => LogicalType::Any,
            };
            let mut child = Column::with_capacity(child_ty, n * cols.len());
            let mut offsets = Vec::with_capacity(n + 1);
            offsets.push(0u64);
            for i in 0..n {
                for c in &cols {
                    append_row(&mut child, c, i);
                }
                offsets.push(child.len() as u64);
            }
            Column {
                ty: e.ty.clone(),
                data: ColumnData::List {
                    offsets,
                    child: Box::new(child),
                },
                nulls: NullMask::with_len(n),
            }
        }
        ExprKind::StructPack(fields) => {
            let mut children = Vec::with_capacity(fields.len());
            for (_, x) in fields {
                children.push(eval(x, chunk, ctx)?);
            }
            Column {
                ty: e.ty.clone(),
                data: ColumnData::Struct(children),
                nulls: NullMask::with_len(n),
            }
        }
        ExprKind::StructField { expr, index } => {
            let c = eval_ref(expr, chunk, ctx)?;
            match &c.data {
                ColumnData::Struct(children) if *index < children.len() => {
                    let mut out = children[*index].clone();
                    for i in 0..n {
                        if c.nulls.is_null(i) {
                            out.nulls.set(i, true);
                        }
                    }
                    out
                }
                _ => null_column(&e.ty, n),
            }
        }
        ExprKind::Lambda { op, list, body } => eval_lambda(*op, &e.ty, list, body, chunk, ctx)?,
    }))
}

/// Evaluates a predicate: `true` only where the result is non-NULL true.
pub fn eval_predicate(e: &BoundExpr, chunk: &DataChunk, ctx: &EvalContext) -> Result<Vec<bool>> {
    match &e.kind {
        ExprKind::Compare { op, left, right } => {
            let (vals, nulls) = eval_compare(*op, left, right, chunk, ctx)?;
            let mut vals = vals;
            if let Some(m) = nulls {
                m.clear_nulls_in(&mut vals);
            }
            Ok(vals)
        }
        ExprKind::Bool {
            op: BoolOp::And,
            left,
            right,
        } => {
            let mut l = eval_predicate(left, chunk, ctx)?;
            if l.iter().any(|&b| b) {
                let r = eval_predicate(right, chunk, ctx)?;
                for (a, b) in l.iter_mut().zip(r) {
                    *a = *a && b;
                }
            }
            Ok(l)
        }
        _ => {
            let c = eval_ref(e, chunk, ctx)?;
            Ok((0..chunk.len)
                .map(|i| bool_at(&c, i) == Some(true))
                .collect())
        }
    }
}

#[inline]
fn bool_at(c: &Column, i: usize) -> Option<bool> {
    if c.nulls.is_null(i) {
        return None;
    }
    match &c.data {
        ColumnData::Bool(v) => Some(v[i]),
        _ => None,
    }
}

fn bool_column((vals, nulls): (Vec<bool>, Option<NullMask>)) -> Column {
    let n = vals.len();
    Column {
        ty: LogicalType::Bool,
        data: ColumnData::Bool(vals),
        nulls: nulls.unwrap_or_else(|| NullMask::with_len(n)),
    }
}

fn three_valued(op: BoolOp, l: &Column, r: &Column) -> Column {
    let n = l.len();
    let mut vals = Vec::with_capacity(n);
    let mut nulls = NullMask::with_len(n);
    for i in 0..n {
        let out = match op {
            BoolOp::And => match (bool_at(l, i), bool_at(r, i)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            BoolOp::Or => match (bool_at(l, i), bool_at(r, i)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            BoolOp::Xor => match (bool_at(l, i), bool_at(r, i)) {
                (Some(a), Some(b)) => Some(a != b),
                _ => None,
            },
        };
        match out {
            Some(b) => vals.push(b),
            None => {
                vals.push(false);
                nulls.set(i, true);
            }
        }
    }
    Column {
        ty: LogicalType::Bool,
        data: ColumnData::Bool(vals),
        nulls,
    }
}

fn union_nulls(a: &NullMask, b: &NullMask, n: usize) -> Option<NullMask> {
    if a.null_count() == 0 && b.null_count() == 0 {
        return None;
    }
    let words: Vec<u64> = (0..n.div_ceil(64))
        .map(|w| a.words().get(w).copied().unwrap_or(0) | b.words().get(w).copied().unwrap_or(0))
        .collect();
    Some(NullMask::from_words(words, n))
}

/// Compares; returns the results and (if any) the NULL rows.
fn eval_compare(
    op: CmpOp,
    left: &BoundExpr,
    right: &BoundExpr,
    chunk: &DataChunk,
    ctx: &EvalContext,
) -> Result<(Vec<bool>, Option<NullMask>)> {
    let n = chunk.len;
    // Column against constant.
    if let ExprKind::Literal(v) = &right.kind {
        let l = eval_ref(left, chunk, ctx)?;
        return Ok(compare_with_const(op, &l, v, n));
    }
    if let ExprKind::Literal(v) = &left.kind {
        let r = eval_ref(right, chunk, ctx)?;
        return Ok(compare_with_const(op.flip(), &r, v, n));
    }
    let l = eval_ref(left, chunk, ctx)?;
    let r = eval_ref(right, chunk, ctx)?;
    let nulls = union_nulls(&l.nulls, &r.nulls, n);
    macro_rules! typed {
        ($a:expr, $b:expr) => {
            ($a.iter()
                .zip($b.iter())
                .map(|(x, y)| op.test(x.partial_cmp(y).unwrap_or(Ordering::Equal)))
                .collect::<Vec<bool>>())
        };
    }
    let vals = match (&l.data, &r.data) {
        (ColumnData::Int64(a), ColumnData::Int64(b)) => typed!(a, b),
        (ColumnData::Int32(a), ColumnData::Int32(b)) => typed!(a, b),
        (ColumnData::Double(a), ColumnData::Double(b)) => {
            a.iter().zip(b).map(|(x, y)| cmp_f64(op, *x, *y)).collect()
        }
        (ColumnData::Bool(a), ColumnData::Bool(b)) => typed!(a, b),
        (ColumnData::UInt64(a), ColumnData::UInt64(b)) if l.ty == r.ty => typed!(a, b),
        (ColumnData::String(a), ColumnData::String(b)) => {
            (0..n).map(|i| op.test(a.get(i).cmp(b.get(i)))).collect()
        }
        _ => (0..n)
            .map(|i| {
                if l.nulls.is_null(i) || r.nulls.is_null(i) {
                    false
                } else {
                    op.test(compare_values(&l.get(i), &r.get(i)))
                }
            })
            .collect(),
    };
    Ok((vals, nulls))
}

/// Kuzu's comparison of doubles: IEEE `==`, `>`, `>=`, with `<>`, `<` and `<=` their
/// negations of `==`, `>=` and `>` (so NaN < NaN is true, NaN = NaN false).
#[inline]
fn cmp_f64(op: CmpOp, x: f64, y: f64) -> bool {
    match op {
        CmpOp::Eq => x == y,
        CmpOp::Ne => x != y,
        CmpOp::Gt => x > y,
        CmpOp::Ge => x >= y,
        CmpOp::Lt => x.partial_cmp(&y).is_none_or(|o| o == Ordering::Less),
        CmpOp::Le => x.partial_cmp(&y) != Some(Ordering::Greater),
    }
}

fn compare_with_const(op: CmpOp, c: &Column, v: &Value, n: usize) -> (Vec<bool>, Option<NullMask>) {
    if v.is_null() {
        let mut m = NullMask::with_len(n);
        for i in 0..n {
            m.set(i, true);
        }
        return (vec![false; n], Some(m));
    }
    let nulls = if c.nulls.null_count() > 0 {
        Some(c.nulls.clone())
    } else {
        None
    };
    // The operator is matched once per batch, not per row, so each loop is a tight compare.
    macro_rules! per_op {
        ($a:expr, $f:expr) => {
            match op {
                CmpOp::Eq => $a.iter().map(|x| $f(CmpOp::Eq, x)).collect(),
                CmpOp::Ne => $a.iter().map(|x| $f(CmpOp::Ne, x)).collect(),
                CmpOp::Lt => $a.iter().map(|x| $f(CmpOp::Lt, x)).collect(),
                CmpOp::Le => $a.iter().map(|x| $f(CmpOp::Le, x)).collect(),
                CmpOp::Gt => $a.iter().map(|x| $f(CmpOp::Gt, x)).collect(),
                CmpOp::Ge => $a.iter().map(|x| $f(CmpOp::Ge, x)).collect(),
            }
        };
    }
    let vals: Vec<bool> = match (&c.data, v) {
        (ColumnData::Int64(a), Value::Int64(k)) => {
            per_op!(a, |o: CmpOp, x: &i64| o.test(x.cmp(k)))
        }
        (ColumnData::Int32(a), Value::Int32(k)) => {
            per_op!(a, |o: CmpOp, x: &i32| o.test(x.cmp(k)))
        }
        (ColumnData::Int16(a), Value::Int16(k)) => {
            per_op!(a, |o: CmpOp, x: &i16| o.test(x.cmp(k)))
        }
        (ColumnData::Double(a), Value::Double(k)) => {
            per_op!(a, |o: CmpOp, x: &f64| cmp_f64(o, *x, *k))
        }
        (ColumnData::String(s), Value::String(k)) => {
            let k = k.as_bytes();
            (0..n).map(|i| op.test(s.get(i).cmp(k))).collect()
        }
        (ColumnData::Bool(a), Value::Bool(k)) => a.iter().map(|x| op.test(x.cmp(k))).collect(),
        _ => (0..n)
            .map(|i| !c.nulls.is_null(i) && op.test(compare_values(&c.get(i), v)))
            .collect(),
    };
    (vals, nulls)
}

fn eval_case(
    e: &BoundExpr,
    whens: &[(BoundExpr, BoundExpr)],
    otherwise: Option<&BoundExpr>,
    chunk: &DataChunk,
    ctx: &EvalContext,
) -> Result<Column> {
    let n = chunk.len;
    // For each row: (branch, position within the branch's result).
    let mut source: Vec<(usize, usize)> = vec![(usize::MAX, 0); n];
    let mut results: Vec<Column> = Vec::new();
    let mut remaining: Vec<usize> = (0..n).collect();
    for (cond, then) in whens {
        if remaining.is_empty() {
            break;
        }
        let sub = chunk.gather(&remaining);
        let hit = eval_predicate(cond, &sub, ctx)?;
        let mut taken = Vec::new();
        let mut rest = Vec::new();
        for (j, &row) in remaining.iter().enumerate() {
            if hit[j] {
                taken.push(j);
            } else {
                rest.push(row);
            }
        }
        if !taken.is_empty() {
            let rows = sub.gather(&taken);
            let col = eval(then, &rows, ctx)?;
            let b = results.len();
            for (k, &j) in taken.iter().enumerate() {
                source[remaining[j]] = (b, k);
            }
            results.push(col);
        }
        remaining = rest;
    }
    if let (Some(other), false) = (otherwise, remaining.is_empty()) {
        let rows = chunk.gather(&remaining);
        let col = eval(other, &rows, ctx)?;
        let b = results.len();
        for (k, &row) in remaining.iter().enumerate() {
            source[row] = (b, k);
        }
        results.push(col);
    }
    let mut out = Column::with_capacity(e.ty.clone(), n);
    for &(b, k) in &source {
        if b == usize::MAX {
            out.push_null();
        } else {
            append_row(&mut out, &results[b], k);
        }
    }
    Ok(out)
}

/// Casts every row of a column.
pub fn cast_column(c: &Column, ty: &LogicalType) -> Result<Column> {
    if &c.ty == ty {
        return Ok(c.clone());
    }
    let n = c.len();
    // Integer widening to INT64 / DOUBLE without Values.
    match (&c.data, ty) {
        (ColumnData::Int32(a), LogicalType::Int64) if c.ty == LogicalType::Int32 => {
            return Ok(Column {
                ty: ty.clone(),
                data: ColumnData::Int64(a.iter().map(|&x| x as i64).collect()),
                nulls: c.nulls.clone(),
            })
        }
        (ColumnData::Int64(a), LogicalType::Double) if c.ty.is_integer() => {
            return Ok(Column {
                ty: ty.clone(),
                data: ColumnData::Double(a.iter().map(|&x| x as f64).collect()),
                nulls: c.nulls.clone(),
            })
        }
        (ColumnData::Int64(_), LogicalType::Int64 | LogicalType::Serial)
            if matches!(c.ty, LogicalType::Int64 | LogicalType::Serial) =>
        {
            let mut out = c.clone();
            out.ty = ty.clone();
            return Ok(out);
        }
        _ => {}
    }
    if c.ty == LogicalType::Any {
        return Ok(null_column(ty, n));
    }
    let mut out = Column::with_capacity(ty.clone(), n);
    for i in 0..n {
        let v = cast_value(&c.get(i), ty)?;
        super::chunk::push_value_checked(&mut out, &v)?;
    }
    Ok(out)
}

/// Evaluates a constant expression to one value (binder-time folding, LIMIT expressions).
pub fn eval_constant(e: &BoundExpr, ctx: &EvalContext) -> Result<Value> {
    let c = eval(e, &DataChunk::rows_only(1), ctx)?;
    Ok(c.get(0))
}

/// Gathers rows of a column (re-exported convenience for operators).
pub fn gather_column(c: &Column, idx: &[usize]) -> Column {
    gather(c, idx)
}

/// Builds a function call expression (see `function::bind_function`).
pub fn bind_call(name: &str, args: Vec<BoundExpr>) -> Result<BoundExpr> {
    function::bind_function(name, args)
}

/// Binds a lambda list function. `body` must already be bound against the input columns
/// plus the lambda variable(s) (see `ExprKind::Lambda`).
pub fn bind_lambda(op: LambdaOp, list: BoundExpr, body: BoundExpr) -> Result<BoundExpr> {
    let list = match &list.ty {
        LogicalType::Array(c, _) => {
            let t = LogicalType::List(c.clone());
            list.cast_to(&t)?
        }
        LogicalType::Any => list.cast_to(&LogicalType::List(Box::new(LogicalType::Int64)))?,
        _ => list,
    };
    let child = match &list.ty {
        LogicalType::List(c) => (**c).clone(),
        other => {
            return Err(Error::Binder(format!(
                "{other} is not a LIST and cannot be used with a lambda function."
            )))
        }
    };
    let (ty, body) = match op {
        LambdaOp::Transform => (LogicalType::List(Box::new(body.ty.clone())), body),
        LambdaOp::Filter => (list.ty.clone(), to_bool(body)?),
        LambdaOp::Reduce => {
            let body = body.cast_to(&child)?;
            (child, body)
        }
        _ => (LogicalType::Bool, to_bool(body)?),
    };
    Ok(BoundExpr {
        kind: ExprKind::Lambda {
            op,
            list: Box::new(list),
            body: Box::new(body),
        },
        ty,
    })
}

fn eval_lambda(
    op: LambdaOp,
    ty: &LogicalType,
    list: &BoundExpr,
    body: &BoundExpr,
    chunk: &DataChunk,
    ctx: &EvalContext,
) -> Result<Column> {
    let n = chunk.len;
    let lists = eval(list, chunk, ctx)?;
    let (offsets, child) = match &lists.data {
        ColumnData::List { offsets, child } => (offsets.clone(), (**child).clone()),
        _ => return Ok(null_column(ty, n)),
    };
    let len_of = |i: usize| (offsets[i + 1] - offsets[i]) as usize;
    if op == LambdaOp::Reduce {
        let mut out = Column::with_capacity(ty.clone(), n);
        for i in 0..n {
            if !lists.nulls.is_null(i) && len_of(i) == 0 {
                return Err(Error::Runtime(
                    "Cannot execute list_reduce on an empty list.".into(),
                ));
            }
        }
        // Accumulators, one per row with a non-empty list, advanced one position at a time.
        let rows: Vec<usize> = (0..n).filter(|&i| !lists.nulls.is_null(i)).collect();
        let first: Vec<usize> = rows.iter().map(|&i| offsets[i] as usize).collect();
        let mut acc = gather(&child, &first);
        let max_len = rows.iter().map(|&i| len_of(i)).max().unwrap_or(0);
        for p in 1..max_len {
            let active: Vec<usize> = (0..rows.len()).filter(|&k| len_of(rows[k]) > p).collect();
            let outer: Vec<usize> = active.iter().map(|&k| rows[k]).collect();
            let elems: Vec<usize> = outer.iter().map(|&i| offsets[i] as usize + p).collect();
            let mut sub = chunk.gather(&outer);
            sub.columns.push(gather(&acc, &active));
            sub.columns.push(gather(&child, &elems));
            let res = eval(body, &sub, ctx)?;
            // Write the new accumulators back.
            let mut pos = vec![usize::MAX; rows.len()];
            for (j, &k) in active.iter().enumerate() {
                pos[k] = j;
            }
            let mut next = Column::with_capacity(acc.ty.clone(), rows.len());
            for (k, &pk) in pos.iter().enumerate() {
                if pk == usize::MAX {
                    append_row(&mut next, &acc, k);
                } else {
                    append_row(&mut next, &res, pk);
                }
            }
            acc = next;
        }
        let mut k = 0;
        for i in 0..n {
            if lists.nulls.is_null(i) {
                out.push_null();
            } else {
                append_row(&mut out, &acc, k);
                k += 1;
            }
        }
        return Ok(out);
    }
    // One row per element: the outer row's columns plus the element.
    let mut parent = Vec::with_capacity(child.len());
    let mut elems = Vec::with_capacity(child.len());
    for i in 0..n {
        if lists.nulls.is_null(i) {
            continue;
        }
        for j in offsets[i] as usize..offsets[i + 1] as usize {
            parent.push(i);
            elems.push(j);
        }
    }
    let mut sub = chunk.gather(&parent);
    sub.columns.push(gather(&child, &elems));
    match op {
        LambdaOp::Transform => {
            let res = eval(body, &sub, ctx)?;
            let mut new_off = Vec::with_capacity(n + 1);
            new_off.push(0u64);
            let mut total = 0u64;
            for i in 0..n {
                if !lists.nulls.is_null(i) {
                    total += len_of(i) as u64;
                }
                new_off.push(total);
            }
            Ok(Column {
                ty: ty.clone(),
                data: ColumnData::List {
                    offsets: new_off,
                    child: Box::new(res),
                },
                nulls: lists.nulls.clone(),
            })
        }
        LambdaOp::Filter => {
            let keep = eval_predicate(body, &sub, ctx)?;
            let kept: Vec<usize> = (0..keep.len()).filter(|&j| keep[j]).collect();
            let mut new_off = vec![0u64; n + 1];
            for (j, &k) in keep.iter().enumerate() {
                if k {
                    new_off[parent[j] + 1] += 1;
                }
            }
            for i in 0..n {
                new_off[i + 1] += new_off[i];
            }
            let kept_elems: Vec<usize> = kept.iter().map(|&j| elems[j]).collect();
            Ok(Column {
                ty: ty.clone(),
                data: ColumnData::List {
                    offsets: new_off,
                    child: Box::new(gather(&child, &kept_elems)),
                },
                nulls: lists.nulls.clone(),
            })
        }
        _ => {
            let keep = eval_predicate(body, &sub, ctx)?;
            let mut count = vec![0usize; n];
            for (j, &k) in keep.iter().enumerate() {
                if k {
                    count[parent[j]] += 1;
                }
            }
            let mut vals = Vec::with_capacity(n);
            for (i, &c) in count.iter().enumerate() {
                vals.push(match op {
                    LambdaOp::All => c == len_of(i),
                    LambdaOp::Any => c > 0,
                    LambdaOp::None => c == 0,
                    _ => c == 1,
                });
            }
            Ok(Column {
                ty: LogicalType::Bool,
                data: ColumnData::Bool(vals),
                nulls: lists.nulls.clone(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value::*;

    fn ctx() -> EvalContext {
        EvalContext::default()
    }

    fn bools() -> DataChunk {
        // Every combination of TRUE / FALSE / NULL for two operands.
        let vals = [Bool(true), Bool(false), Null];
        let mut rows = Vec::new();
        for a in &vals {
            for b in &vals {
                rows.push(vec![a.clone(), b.clone()]);
            }
        }
        DataChunk::from_rows(&[LogicalType::Bool, LogicalType::Bool], &rows).unwrap()
    }

    fn col(i: usize, t: LogicalType) -> BoundExpr {
        BoundExpr::column(i, t)
    }

    fn values(c: &Column) -> Vec<Value> {
        (0..c.len()).map(|i| c.get(i)).collect()
    }

    #[test]
    fn three_valued_logic_truth_tables() {
        let chunk = bools();
        let run = |op| {
            let e = bind_bool(op, col(0, LogicalType::Bool), col(1, LogicalType::Bool)).unwrap();
            values(&eval(&e, &chunk, &ctx()).unwrap())
        };
        // Rows: (T,T) (T,F) (T,N) (F,T) (F,F) (F,N) (N,T) (N,F) (N,N)
        assert_eq!(
            run(BoolOp::And),
            vec![
                Bool(true),
                Bool(false),
                Null,
                Bool(false),
                Bool(false),
                Bool(false),
                Null,
                Bool(false),
                Null
            ]
        );
        assert_eq!(
            run(BoolOp::Or),
            vec![
                Bool(true),
                Bool(true),
                Bool(true),
                Bool(true),
                Bool(false),
                Null,
                Bool(true),
                Null,
                Null
            ]
        );
        assert_eq!(
            run(BoolOp::Xor),
            vec![
                Bool(false),
                Bool(true),
                Null,
                Bool(true),
                Bool(false),
                Null,
                Null,
                Null,
                Null
            ]
        );
        let not = bind_not(col(0, LogicalType::Bool)).unwrap();
        let out = values(&eval(&not, &chunk, &ctx()).unwrap());
        assert_eq!(&out[0..1], &[Bool(false)]);
        assert_eq!(&out[3..4], &[Bool(true)]);
        assert_eq!(&out[6..7], &[Null]);
        // WHERE keeps only TRUE.
        let and = bind_bool(
            BoolOp::And,
            col(0, LogicalType::Bool),
            col(1, LogicalType::Bool),
        )
        .unwrap();
        assert_eq!(
            eval_predicate(&and, &chunk, &ctx()).unwrap(),
            vec![true, false, false, false, false, false, false, false, false]
        );
        let isnull = bind_is_null(col(0, LogicalType::Bool), false);
        assert_eq!(
            values(&eval(&isnull, &chunk, &ctx()).unwrap())[5..8].to_vec(),
            vec![Bool(false), Bool(true), Bool(true)]
        );
    }

    fn ints_strings() -> DataChunk {
        DataChunk::from_rows(
            &[LogicalType::Int64, LogicalType::String, LogicalType::Double],
            &[
                vec![Int64(1), String("abc".into()), Double(1.0)],
                vec![Int64(5), String("B".into()), Double(0.5)],
                vec![Null, Null, Null],
            ],
        )
        .unwrap()
    }

    #[test]
    fn comparisons_typed_and_mixed() {
        let chunk = ints_strings();
        let cmp = |op, l, r| {
            let e = bind_comparison(op, l, r).unwrap();
            values(&eval(&e, &chunk, &ctx()).unwrap())
        };
        assert_eq!(
            cmp(
                CmpOp::Gt,
                col(0, LogicalType::Int64),
                BoundExpr::literal(Int64(2))
            ),
            vec![Bool(false), Bool(true), Null]
        );
        assert_eq!(
            cmp(
                CmpOp::Le,
                BoundExpr::literal(Int64(2)),
                col(0, LogicalType::Int64)
            ),
            vec![Bool(false), Bool(true), Null]
        );
        // INT64 against DOUBLE column: both sides become DOUBLE.
        assert_eq!(
            cmp(
                CmpOp::Eq,
                col(0, LogicalType::Int64),
                col(2, LogicalType::Double)
            ),
            vec![Bool(true), Bool(false), Null]
        );
        // Strings compare byte-wise ('B' < 'a').
        assert_eq!(
            cmp(
                CmpOp::Lt,
                col(1, LogicalType::String),
                BoundExpr::literal(String("a".into()))
            ),
            vec![Bool(false), Bool(true), Null]
        );
        // '1' = 1: the string is cast to INT64.
        assert_eq!(
            cmp(
                CmpOp::Eq,
                BoundExpr::literal(String("1".into())),
                col(0, LogicalType::Int64)
            ),
            vec![Bool(true), Bool(false), Null]
        );
        assert_eq!(
            cmp(
                CmpOp::Ne,
                col(0, LogicalType::Int64),
                BoundExpr::literal(Null)
            ),
            vec![Null, Null, Null]
        );
        let err = bind_comparison(
            CmpOp::Eq,
            BoundExpr::literal(Bool(true)),
            BoundExpr::literal(Int64(1)),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "Binder exception: Type Mismatch: Cannot compare types BOOL and INT64"
        );
        let lists = bind_comparison(
            CmpOp::Eq,
            BoundExpr::literal(List(vec![Int64(1), Null])),
            BoundExpr::literal(List(vec![Int64(1), Null])),
        )
        .unwrap();
        assert_eq!(eval_constant(&lists, &ctx()).unwrap(), Bool(true));
    }

    #[test]
    fn case_only_evaluates_taken_branches() {
        let chunk = ints_strings();
        // CASE WHEN x > 1 THEN 10 / (x - 5) ... would divide by zero on row 1 if evaluated.
        let x = || col(0, LogicalType::Int64);
        let cond = bind_comparison(CmpOp::Lt, x(), BoundExpr::literal(Int64(2))).unwrap();
        let minus = bind_call("-", vec![x(), BoundExpr::literal(Int64(5))]).unwrap();
        let div = bind_call("/", vec![BoundExpr::literal(Int64(10)), minus]).unwrap();
        let e = bind_case(None, vec![(cond, div)], Some(BoundExpr::literal(Int64(0)))).unwrap();
        assert_eq!(
            values(&eval(&e, &chunk, &ctx()).unwrap()),
            vec![Int64(-2), Int64(0), Int64(0)]
        );
        // Simple CASE with no ELSE: NULL when nothing matches.
        let e = bind_case(
            Some(x()),
            vec![(
                BoundExpr::literal(Int64(5)),
                BoundExpr::literal(String("five".into())),
            )],
            None,
        )
        .unwrap();
        assert_eq!(e.ty, LogicalType::String);
        assert_eq!(
            values(&eval(&e, &chunk, &ctx()).unwrap()),
            vec![Null, String("five".into()), Null]
        );
    }

    #[test]
    fn lists_structs_in_and_casts() {
        let chunk = ints_strings();
        let x = || col(0, LogicalType::Int64);
        let l = bind_list(vec![x(), BoundExpr::literal(Double(2.5))]).unwrap();
        assert_eq!(l.ty, LogicalType::List(Box::new(LogicalType::Double)));
        assert_eq!(
            values(&eval(&l, &chunk, &ctx()).unwrap()),
            vec![
                List(vec![Double(1.0), Double(2.5)]),
                List(vec![Double(5.0), Double(2.5)]),
                List(vec![Null, Double(2.5)])
            ]
        );
        let err = bind_list(vec![x(), BoundExpr::literal(Bool(true))])
            .unwrap_err()
            .to_string();
        assert!(err.contains("Implicit cast is not supported."), "{err}");
        let st = bind_struct(vec![
            ("a".into(), x()),
            ("b".into(), col(1, LogicalType::String)),
        ]);
        let field = bind_struct_field(st.clone(), "B").unwrap();
        assert_eq!(
            values(&eval(&field, &chunk, &ctx()).unwrap()),
            vec![String("abc".into()), String("B".into()), Null]
        );
        assert_eq!(
            bind_struct_field(st, "c").unwrap_err().to_string(),
            "Binder exception: Invalid struct field name: c."
        );
        // x IN [1, NULL]: list_contains semantics (FALSE, not NULL, when absent).
        let inl = bind_call(
            "list_contains",
            vec![BoundExpr::literal(List(vec![Int64(1), Null])), x()],
        )
        .unwrap();
        assert_eq!(
            values(&eval(&inl, &chunk, &ctx()).unwrap()),
            vec![Bool(true), Bool(false), Null]
        );
        let c = x().cast_to(&LogicalType::String).unwrap();
        assert_eq!(
            values(&eval(&c, &chunk, &ctx()).unwrap()),
            vec![String("1".into()), String("5".into()), Null]
        );
        let p = BoundExpr::parameter("p", LogicalType::Int64);
        let mut params = std::collections::HashMap::new();
        params.insert("p".to_string(), Int32(7));
        let pctx = EvalContext {
            params,
            sequences: None,
        };
        assert_eq!(eval_constant(&p, &pctx).unwrap(), Int64(7));
    }

    #[test]
    fn arithmetic_vectorized_with_nulls() {
        let chunk = ints_strings();
        let x = || col(0, LogicalType::Int64);
        let e = bind_call("*", vec![x(), x()]).unwrap();
        assert_eq!(e.ty, LogicalType::Int64);
        assert_eq!(
            values(&eval(&e, &chunk, &ctx()).unwrap()),
            vec![Int64(1), Int64(25), Null]
        );
        let e = bind_call("/", vec![col(2, LogicalType::Double), x()]).unwrap();
        assert_eq!(
            values(&eval(&e, &chunk, &ctx()).unwrap()),
            vec![Double(1.0), Double(0.1), Null]
        );
        let big = bind_call("+", vec![x(), BoundExpr::literal(Int64(i64::MAX))]).unwrap();
        assert_eq!(
            eval(&big, &chunk, &ctx()).unwrap_err().to_string(),
            "Overflow exception: Value 1 + 9223372036854775807 is not within INT64 range."
        );
    }

    #[test]
    fn lambda_functions() {
        let lt = LogicalType::List(Box::new(LogicalType::Int64));
        let chunk = DataChunk::from_rows(
            &[LogicalType::Int64, lt.clone()],
            &[
                vec![Int64(1), List(vec![Int64(1), Int64(2), Int64(3)])],
                vec![Int64(10), Null],
                vec![Int64(100), List(vec![Int64(5), Null])],
            ],
        )
        .unwrap();
        let l = || col(1, lt.clone());
        let x = || col(2, LogicalType::Int64);
        // x -> x + a (outer column 0)
        let body = bind_call("+", vec![x(), col(0, LogicalType::Int64)]).unwrap();
        let t = bind_lambda(LambdaOp::Transform, l(), body).unwrap();
        assert_eq!(
            values(&eval(&t, &chunk, &ctx()).unwrap()),
            vec![
                List(vec![Int64(2), Int64(3), Int64(4)]),
                Null,
                List(vec![Int64(105), Null])
            ]
        );
        let pred = bind_comparison(CmpOp::Gt, x(), BoundExpr::literal(Int64(1))).unwrap();
        let f = bind_lambda(LambdaOp::Filter, l(), pred.clone()).unwrap();
        assert_eq!(
            values(&eval(&f, &chunk, &ctx()).unwrap()),
            vec![List(vec![Int64(2), Int64(3)]), Null, List(vec![Int64(5)])]
        );
        let q = |op| {
            values(&eval(&bind_lambda(op, l(), pred.clone()).unwrap(), &chunk, &ctx()).unwrap())
        };
        assert_eq!(q(LambdaOp::All), vec![Bool(false), Null, Bool(false)]);
        assert_eq!(q(LambdaOp::Any), vec![Bool(true), Null, Bool(true)]);
        assert_eq!(q(LambdaOp::None), vec![Bool(false), Null, Bool(false)]);
        assert_eq!(q(LambdaOp::Single), vec![Bool(false), Null, Bool(true)]);
        // (acc, y) -> acc - y
        let body = bind_call(
            "-",
            vec![col(2, LogicalType::Int64), col(3, LogicalType::Int64)],
        )
        .unwrap();
        let r = bind_lambda(LambdaOp::Reduce, l(), body.clone()).unwrap();
        assert_eq!(
            values(&eval(&r, &chunk, &ctx()).unwrap()),
            vec![Int64(-4), Null, Null]
        );
        let empty = DataChunk::from_rows(
            &[LogicalType::Int64, lt.clone()],
            &[vec![Int64(1), List(vec![])]],
        )
        .unwrap();
        assert_eq!(
            eval(&r, &empty, &ctx()).unwrap_err().to_string(),
            "Runtime exception: Cannot execute list_reduce on an empty list."
        );
    }

    #[test]
    fn column_remapping_and_folding() {
        let lt = LogicalType::List(Box::new(LogicalType::Int64));
        // list_transform(col1, x -> x + col0): x is column 2 with two input columns.
        let body = bind_call(
            "+",
            vec![col(2, LogicalType::Int64), col(0, LogicalType::Int64)],
        )
        .unwrap();
        let e = bind_lambda(LambdaOp::Transform, col(1, lt.clone()), body).unwrap();
        assert_eq!(e.referenced_columns(2), vec![0, 1]);
        // New layout: three columns, old 0 → 2, old 1 → 0; x moves to column 3.
        let moved = e.map_columns(&|i| if i == 0 { 2 } else { 0 }, 2, 3);
        let chunk = DataChunk::from_rows(
            &[lt.clone(), LogicalType::String, LogicalType::Int64],
            &[vec![
                List(vec![Int64(1), Int64(2)]),
                String("pad".into()),
                Int64(10),
            ]],
        )
        .unwrap();
        assert_eq!(
            values(&eval(&moved, &chunk, &ctx()).unwrap()),
            vec![List(vec![Int64(11), Int64(12)])]
        );
        let c = bind_call(
            "+",
            vec![BoundExpr::literal(Int64(1)), BoundExpr::literal(Int64(2))],
        )
        .unwrap();
        let f = c.fold(&ctx()).unwrap();
        assert!(matches!(f.kind, ExprKind::Literal(Int64(3))));
        let overflow = bind_call(
            "+",
            vec![
                BoundExpr::literal(Int64(i64::MAX)),
                BoundExpr::literal(Int64(1)),
            ],
        )
        .unwrap();
        assert!(matches!(overflow.fold(&ctx()), Err(Error::Overflow(_))));
        let rand = bind_call("rand", vec![]).unwrap();
        assert!(matches!(
            rand.fold(&ctx()).unwrap().kind,
            ExprKind::Function { .. }
        ));
    }
}

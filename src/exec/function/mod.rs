//! Scalar functions: the registry, overload resolution and execution.
//!
//! Owns: `Registry` (functions by upper-case name, aliases included, each a list of
//! `Overload`s in Kuzu's registration order so error messages list them as Kuzu does),
//! `bind_function` (Kuzu's overload resolution: cheapest implicit-cast cost, ties broken as
//! Kuzu's `getBestMatch`; arguments get the casts the chosen overload needs), and
//! `ScalarFunction` (a resolved overload, called by the evaluator on whole columns).
//!
//! Families: `arith` (operators `+ - * / % ^`, `NEGATE`, bitwise, math), `string`, `list`
//! (lists, maps, structs, unions), `date` (DATE/TIMESTAMP/INTERVAL), `misc` (NULL helpers,
//! `typeof`, casts by name, hashes, ...). Node/rel functions (`id`, `label`, `nodes`, ...) are
//! the binder's: it rewrites them to column references.

pub mod arith;
pub mod date;
pub mod list;
pub mod misc;
pub mod path;
pub mod string;

#[cfg(test)]
mod kuzu_compat;

use super::expr::{BoundExpr, ExprKind};
use super::typing::{cast_cost, TypeId, UNDEFINED_CAST_COST};
use crate::error::{Error, Result};
use crate::types::vector::Column;
use crate::types::{LogicalType, Value};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// Per-row implementation: argument values (never NULL when `null_in_null_out`) and the
/// bound result type.
pub type RowFn = fn(&[Value], &LogicalType) -> Result<Value>;
/// Whole-column implementation: argument columns, result type, row count.
pub type VecFn = fn(&[&Column], &LogicalType, usize) -> Result<Column>;
/// Computes argument target types and the result type from the argument types.
pub type BindFn = fn(&[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)>;

#[derive(Clone, Copy)]
pub enum Exec {
    Row(RowFn),
    Vector(VecFn),
}

/// One signature of a function.
#[derive(Clone)]
pub struct Overload {
    pub params: Vec<TypeId>,
    /// All arguments match `params[0]` (CONCAT, COALESCE, ...).
    pub var_arg: bool,
    pub ret: TypeId,
    pub bind: Option<BindFn>,
    pub exec: Exec,
    /// Any NULL argument gives NULL without calling the implementation.
    pub null_in_null_out: bool,
    pub deterministic: bool,
    /// Kuzu prints some signatures without `-> RET`.
    pub show_ret: bool,
}

impl Overload {
    pub fn signature(&self) -> String {
        let params: Vec<String> = self.params.iter().map(|p| p.to_string()).collect();
        let mut s = format!("({})", params.join(","));
        if self.show_ret {
            s.push_str(&format!(" -> {}", self.ret));
        }
        s
    }
}

/// A resolved function, ready to run.
pub struct ScalarFunction {
    pub name: String,
    pub exec: Exec,
    pub null_in_null_out: bool,
    pub deterministic: bool,
}

impl fmt::Debug for ScalarFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name)
    }
}

impl ScalarFunction {
    /// Runs the function on argument columns of `n` rows.
    pub fn call(&self, args: &[&Column], ret: &LogicalType, n: usize) -> Result<Column> {
        match self.exec {
            Exec::Vector(f) => f(args, ret, n),
            Exec::Row(f) => {
                let mut out = Column::with_capacity(ret.clone(), n);
                let mut vals = Vec::with_capacity(args.len());
                for i in 0..n {
                    vals.clear();
                    let mut any_null = false;
                    for a in args {
                        let v = a.get(i);
                        any_null |= v.is_null();
                        vals.push(v);
                    }
                    if any_null && self.null_in_null_out {
                        out.push_null();
                        continue;
                    }
                    let v = f(&vals, ret)?;
                    super::chunk::push_value_checked(&mut out, &v)?;
                }
                Ok(out)
            }
        }
    }
}

/// All scalar functions by upper-case name.
#[derive(Default)]
pub struct Registry {
    functions: HashMap<String, Vec<Overload>>,
}

impl Registry {
    /// Adds an overload with a fixed result type.
    pub fn add(&mut self, name: &str, params: &[TypeId], ret: TypeId, exec: Exec) -> &mut Overload {
        let list = self.functions.entry(name.to_ascii_uppercase()).or_default();
        list.push(Overload {
            params: params.to_vec(),
            var_arg: false,
            ret,
            bind: None,
            exec,
            null_in_null_out: true,
            deterministic: true,
            show_ret: true,
        });
        let last = list.len() - 1;
        &mut list[last]
    }

    pub fn row(&mut self, name: &str, params: &[TypeId], ret: TypeId, f: RowFn) -> &mut Overload {
        self.add(name, params, ret, Exec::Row(f))
    }

    /// Makes `alias` another name for every overload of `name`.
    pub fn alias(&mut self, alias: &str, name: &str) {
        if let Some(list) = self.functions.get(&name.to_ascii_uppercase()).cloned() {
            self.functions.insert(alias.to_ascii_uppercase(), list);
        }
    }

    pub fn get(&self, name: &str) -> Option<&[Overload]> {
        self.functions
            .get(&name.to_ascii_uppercase())
            .map(|v| v.as_slice())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.functions.contains_key(&name.to_ascii_uppercase())
    }

    /// Every registered name (sorted), for `show_functions`-like listings.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.functions.keys().cloned().collect();
        v.sort();
        v
    }
}

impl Overload {
    pub fn with_bind(&mut self, b: BindFn) -> &mut Self {
        self.bind = Some(b);
        self
    }
    pub fn var_arg(&mut self) -> &mut Self {
        self.var_arg = true;
        self
    }
    pub fn nulls_handled(&mut self) -> &mut Self {
        self.null_in_null_out = false;
        self
    }
    pub fn volatile(&mut self) -> &mut Self {
        self.deterministic = false;
        self
    }
    pub fn hide_ret(&mut self) -> &mut Self {
        self.show_ret = false;
        self
    }
}

/// The process-wide registry of built-in scalar functions.
pub fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| {
        let mut r = Registry::default();
        arith::register(&mut r);
        string::register(&mut r);
        list::register(&mut r);
        date::register(&mut r);
        misc::register(&mut r);
        r
    })
}

fn overload_cost(o: &Overload, args: &[LogicalType]) -> u32 {
    if o.var_arg {
        let mut cost = 0u32;
        for a in args {
            let c = cast_cost(TypeId::of(a), o.params[0]);
            if c == UNDEFINED_CAST_COST {
                return UNDEFINED_CAST_COST;
            }
            cost = cost.saturating_add(c);
        }
        return cost;
    }
    if o.params.len() != args.len() {
        return UNDEFINED_CAST_COST;
    }
    let mut cost = 0u32;
    for (a, p) in args.iter().zip(&o.params) {
        let c = cast_cost(TypeId::of(a), *p);
        if c == UNDEFINED_CAST_COST {
            return UNDEFINED_CAST_COST;
        }
        cost = cost.saturating_add(c);
    }
    cost
}

fn types_list(types: &[LogicalType]) -> String {
    if types.is_empty() {
        return "()".into();
    }
    let v: Vec<String> = types.iter().map(|t| t.to_string()).collect();
    format!("({})", v.join(","))
}

/// Kuzu's "did not receive correct arguments" message.
pub fn mismatch_message(
    name: &str,
    args: &[LogicalType],
    sigs: &[String],
    distinct: bool,
) -> String {
    let mut s = format!("Function {name} did not receive correct arguments:\n");
    s.push_str(&format!(
        "Actual:   {}{}\n",
        if distinct { "DISTINCT " } else { "" },
        types_list(args)
    ));
    if sigs.is_empty() {
        s.push_str("Expected: ()\n");
    } else {
        for (i, sig) in sigs.iter().enumerate() {
            if i == 0 {
                s.push_str(&format!("Expected: {sig}\n"));
            } else {
                s.push_str(&format!("          {sig}\n"));
            }
        }
    }
    s
}

/// Picks the overload of `name` for the argument types.
pub fn resolve<'a>(name: &str, set: &'a [Overload], args: &[LogicalType]) -> Result<&'a Overload> {
    let mut best: Vec<&Overload> = Vec::new();
    let mut min = UNDEFINED_CAST_COST;
    for o in set {
        let c = overload_cost(o, args);
        if c == UNDEFINED_CAST_COST {
            continue;
        }
        if c < min {
            best.clear();
            best.push(o);
            min = c;
        } else if c == min {
            best.push(o);
        }
    }
    if best.is_empty() {
        let sigs: Vec<String> = set
            .iter()
            .filter(|o| !o.params.is_empty())
            .map(|o| o.signature())
            .collect();
        return Err(Error::Binder(mismatch_message(name, args, &sigs, false)));
    }
    let chosen = if best.len() > 1 {
        // Kuzu's getBestMatch: fewest non-STRING and distinct parameter types.
        let mut pick = best[0];
        let mut pick_cost = u32::MAX;
        for o in &best {
            let mut cost = 0u32;
            let mut seen: Vec<TypeId> = Vec::new();
            for p in &o.params {
                if *p != TypeId::String {
                    cost += 1;
                }
                if !seen.contains(p) {
                    cost += 1;
                    seen.push(*p);
                }
            }
            if cost < pick_cost {
                pick_cost = cost;
                pick = o;
            }
        }
        pick
    } else {
        best[0]
    };
    if name == "+"
        && args.len() == 2
        && chosen.params == [TypeId::String, TypeId::String]
        && (args[0] != LogicalType::String || args[1] != LogicalType::String)
    {
        let mut sup = String::new();
        for o in set {
            sup.push_str(&o.signature());
            sup.push('\n');
        }
        return Err(Error::Binder(format!(
            "Cannot match a built-in function for given function +{}. Supported inputs are\n{sup}",
            types_list(args)
        )));
    }
    Ok(chosen)
}

/// Default argument targets: the parameter's type when the id differs, else the argument's.
fn default_targets(o: &Overload, args: &[LogicalType]) -> Vec<LogicalType> {
    args.iter()
        .enumerate()
        .map(|(i, a)| {
            let p = if o.var_arg { o.params[0] } else { o.params[i] };
            if p == TypeId::Any || TypeId::of(a) == p {
                a.clone()
            } else {
                p.default_type().unwrap_or_else(|| a.clone())
            }
        })
        .collect()
}

/// Resolves `name(args)` into a bound call, casting arguments as the overload requires.
pub fn bind_function(name: &str, args: Vec<BoundExpr>) -> Result<BoundExpr> {
    let upper = name.to_ascii_uppercase();
    if let Some(e) = path::bind_path_function(&upper, &args)? {
        return Ok(e);
    }
    let set = registry()
        .get(&upper)
        .ok_or_else(|| Error::Catalog(format!("function {upper} does not exist.")))?;
    let types: Vec<LogicalType> = args.iter().map(|a| a.ty.clone()).collect();
    if upper == "STRUCT_EXTRACT" && args.len() == 2 {
        if let ExprKind::Literal(Value::String(field)) = &args[1].kind {
            let field = field.clone();
            let mut args = args;
            let st = args.swap_remove(0);
            return super::expr::bind_struct_field(st, &field);
        }
    }
    if upper == "TYPEOF" && args.len() == 1 {
        let name = match &args[0].ty {
            LogicalType::Any => "NULL".to_string(),
            t => super::typing::resolve_any(t).to_string(),
        };
        return Ok(BoundExpr::literal(Value::String(name)));
    }
    // A path is RECURSIVE_REL to Kuzu: no overload of SIZE takes it.
    if upper == "SIZE" && types.iter().any(crate::types::element::is_path_type) {
        let sigs: Vec<String> = set.iter().map(|o| o.signature()).collect();
        return Err(Error::Binder(mismatch_message(
            &upper,
            &[LogicalType::RecursiveRel],
            &sigs,
            false,
        )));
    }
    // A path is RECURSIVE_REL in Kuzu's overload errors.
    let o = match resolve(&upper, set, &types) {
        Err(Error::Binder(mut msg)) => {
            for t in types
                .iter()
                .filter(|t| crate::types::element::is_path_type(t))
            {
                msg = msg.replace(&t.to_string(), "RECURSIVE_REL");
            }
            return Err(Error::Binder(msg));
        }
        r => r?,
    };
    let (targets, ret) = match o.bind {
        Some(b) => b(&types)?,
        None => {
            let t = default_targets(o, &types);
            let ret = o.ret.default_type().ok_or_else(|| {
                Error::Runtime(format!("function {upper} needs a bind rule for its result"))
            })?;
            (t, ret)
        }
    };
    // A result type still containing ANY (e.g. the child of `[]`) becomes INT64, as in Kuzu.
    let ret = super::typing::resolve_any(&ret);
    let mut cast_args = Vec::with_capacity(args.len());
    for (a, t) in args.into_iter().zip(targets) {
        cast_args.push(if t == LogicalType::Any {
            a
        } else {
            a.cast_to(&t)?
        });
    }
    Ok(BoundExpr {
        kind: ExprKind::Function {
            func: Arc::new(ScalarFunction {
                name: upper,
                exec: o.exec,
                null_in_null_out: o.null_in_null_out,
                deterministic: o.deterministic,
            }),
            args: cast_args,
        },
        ty: ret,
    })
}

/// Calls a function on constant values (tests, constant folding).
pub fn call_values(name: &str, args: &[Value]) -> Result<Value> {
    let exprs: Vec<BoundExpr> = args.iter().cloned().map(BoundExpr::literal).collect();
    let e = bind_function(name, exprs)?;
    super::expr::eval_constant(&e, &super::context::EvalContext::default())
}

/// Shorthand for errors raised while running a function.
pub(crate) fn runtime(msg: impl Into<String>) -> Error {
    Error::Runtime(msg.into())
}

pub(crate) fn arg_str(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

pub(crate) fn arg_i64(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

pub(crate) fn arg_f64(v: &Value) -> f64 {
    match v {
        Value::Decimal { value, scale, .. } => *value as f64 / 10f64.powi(*scale as i32),
        _ => v
            .as_f64()
            .or_else(|| super::cast::as_i128(v).map(|x| x as f64))
            .unwrap_or(0.0),
    }
}

pub(crate) fn arg_list(v: &Value) -> &[Value] {
    match v {
        Value::List(x) | Value::Array(x) => x,
        _ => &[],
    }
}

#[cfg(test)]
mod fuzz {
    //! Property tests: functions never panic, whatever the input (they return a value or an
    //! error).
    use super::call_values;
    use crate::types::Value;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::Int64),
            any::<i32>().prop_map(Value::Int32),
            any::<i8>().prop_map(Value::Int8),
            any::<f64>().prop_map(Value::Double),
            any::<bool>().prop_map(Value::Bool),
            ".{0,12}".prop_map(Value::String),
            any::<i32>().prop_map(Value::Date),
            any::<i64>().prop_map(Value::Timestamp),
            proptest::collection::vec(any::<i64>().prop_map(Value::Int64), 0..5)
                .prop_map(Value::List),
        ]
    }

    fn value_of(t: super::TypeId, seed: &[i64], text: &str) -> Value {
        use super::TypeId as T;
        let n = seed[0];
        match t {
            T::Int64 | T::Serial => Value::Int64(n),
            T::Int32 => Value::Int32(n as i32),
            T::Int16 => Value::Int16(n as i16),
            T::Int8 => Value::Int8(n as i8),
            T::UInt8 => Value::UInt8(n as u8),
            T::UInt16 => Value::UInt16(n as u16),
            T::UInt32 => Value::UInt32(n as u32),
            T::UInt64 => Value::UInt64(n as u64),
            T::Int128 => Value::Int128(n as i128 * seed[1] as i128),
            T::Double => Value::Double(n as f64 / (seed[1] as f64 + 0.5)),
            T::Float => Value::Float(n as f32),
            T::Bool => Value::Bool(n % 2 == 0),
            T::Date => Value::Date(n as i32),
            T::Timestamp => Value::Timestamp(n),
            T::Interval => Value::Interval(crate::types::Interval {
                months: n as i32,
                days: seed[1] as i32,
                micros: seed[2],
            }),
            T::Decimal => Value::Decimal {
                value: (n % 100_000) as i128,
                precision: 5,
                scale: 2,
            },
            T::List | T::Array => Value::List(seed.iter().map(|x| Value::Int64(*x)).collect()),
            T::Map => Value::Map(vec![(Value::Int64(n), Value::String(text.into()))]),
            _ => Value::String(text.into()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn typed_calls_do_not_panic(
            pick in any::<prop::sample::Index>(),
            overload in any::<prop::sample::Index>(),
            seed in proptest::collection::vec(
                prop_oneof![any::<i64>(), -20i64..20, Just(i64::MIN), Just(i64::MAX)],
                3..4,
            ),
            text in ".{0,10}",
            nulls in any::<u8>(),
        ) {
            let names = super::registry().names();
            let name = pick.get(&names);
            let set = super::registry().get(name).unwrap_or(&[]);
            if set.is_empty() || matches!(name.as_str(), "ERROR" | "REPEAT" | "LPAD" | "RPAD") {
                return Ok(());
            }
            let o = overload.get(set);
            let k = if o.var_arg { 1 + (seed[0].unsigned_abs() % 3) as usize } else { o.params.len() };
            let args: Vec<Value> = (0..k)
                .map(|i| {
                    if nulls & (1 << i) != 0 && nulls > 200 {
                        Value::Null
                    } else {
                        let t = if o.var_arg { o.params[0] } else { o.params[i] };
                        let mut s = seed.clone();
                        s.rotate_left(i % 3);
                        value_of(t, &s, &text)
                    }
                })
                .collect();
            let _ = call_values(name, &args);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn functions_do_not_panic(
            name in prop::sample::select(vec![
                "+", "-", "*", "/", "%", "^", "&", "|", "<<", ">>", "NEGATE", "ABS", "FLOOR",
                "CEIL", "ROUND", "SQRT", "LN", "FACTORIAL", "GAMMA", "SIGN", "EVEN",
                "SUBSTRING", "LEFT", "RIGHT", "LPAD", "RPAD", "REPEAT", "REVERSE", "SPLIT_PART",
                "LIST_EXTRACT", "LIST_SLICE", "RANGE", "LIST_SUM", "LIST_SORT", "SIZE",
                "DATE_PART", "DATE_TRUNC", "DAYNAME", "LAST_DAY", "MAKE_DATE", "TO_INT8",
                "TO_INT64", "TO_DOUBLE", "TO_STRING", "TO_BOOL", "EPOCH_MS", "CONCAT",
                "LEVENSHTEIN", "REGEXP_MATCHES", "COALESCE", "LIST_CONTAINS", "LIST_APPEND",
            ]),
            args in proptest::collection::vec(value(), 0..4),
        ) {
            // Ok or Err are both fine; a panic fails the test.
            let _ = call_values(name, &args);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn comparisons_and_casts_do_not_panic(
            a in value(),
            b in value(),
            target in prop::sample::select(vec![
                crate::types::LogicalType::Int8,
                crate::types::LogicalType::Int64,
                crate::types::LogicalType::UInt32,
                crate::types::LogicalType::Int128,
                crate::types::LogicalType::Double,
                crate::types::LogicalType::Float,
                crate::types::LogicalType::String,
                crate::types::LogicalType::Bool,
                crate::types::LogicalType::Date,
                crate::types::LogicalType::Timestamp,
                crate::types::LogicalType::Decimal { precision: 9, scale: 3 },
                crate::types::LogicalType::List(Box::new(crate::types::LogicalType::Double)),
            ]),
        ) {
            use crate::exec::expr::{bind_comparison, eval_constant, BoundExpr, CmpOp};
            let ctx = crate::exec::context::EvalContext::default();
            for op in [CmpOp::Eq, CmpOp::Lt, CmpOp::Ge] {
                if let Ok(e) = bind_comparison(op, BoundExpr::literal(a.clone()), BoundExpr::literal(b.clone())) {
                    let _ = eval_constant(&e, &ctx);
                }
            }
            let _ = crate::exec::cast::cast_value(&a, &target);
        }
    }
}

//! The standalone `CALL` statements: `CALL name=value` (options) and `CALL f(args)` without
//! RETURN (`clear_warnings`, ...). Table functions themselves are `planner::call`.

use crate::binder::expr::{expr_name, ExprBinder, Scope};
use crate::context::ClientContext;
use crate::cypher::ast::{Expr, ExprKind, FunctionCall};
use crate::error::{Error, Result};
use crate::planner::call::{bind_args, constant, convert_args, resolve, CallInput};
use crate::query::result::QueryResult;
use crate::settings;
use crate::transaction::Snapshot;
use crate::types::Params;

/// `CALL name=value`: sets a connection or database option.
pub fn set_option(
    ctx: &ClientContext,
    snap: &Snapshot,
    params: &Params,
    name: &str,
    value: &Expr,
) -> Result<QueryResult> {
    if settings::find(name).is_none() {
        return Err(Error::Binder(format!("Invalid option name: {name}.")));
    }
    let scope = Scope::default();
    let binder = ExprBinder {
        catalog: &snap.catalog,
        params,
        scope: &scope,
    };
    if matches!(value.kind, ExprKind::Parameter(_)) {
        return Err(Error::Binder(format!(
            "{} has type PARAMETER but LITERAL was expected.",
            expr_name(value)
        )));
    }
    let (v, ty) = constant(&binder, value, "LITERAL")?;
    ctx.set_setting(name, v, &ty)?;
    Ok(QueryResult::empty())
}

/// `CALL f(args)` without RETURN (only standalone functions such as `clear_warnings`).
pub fn run_standalone(
    ctx: &ClientContext,
    snap: &Snapshot,
    params: &Params,
    call: &FunctionCall,
) -> Result<QueryResult> {
    let f = resolve(&call.name, true)?;
    let scope = Scope::default();
    let binder = ExprBinder {
        catalog: &snap.catalog,
        params,
        scope: &scope,
    };
    let args = convert_args(f, bind_args(&binder, &call.args)?)?;
    let out = (f.run)(&CallInput {
        snap,
        client: Some(ctx),
        args,
    })?;
    let (names, types) = out.columns.into_iter().unzip();
    Ok(QueryResult::new(names, types, out.rows))
}

//! Vectorized query execution: the engine-independent middle between the binder/planner and
//! storage.
//!
//! Module map and the API the binder/planner wires together:
//!
//! * `chunk` — `DataChunk { columns, len }` batches (≤ `VECTOR_CAPACITY` rows from sources),
//!   `gather` / `filter` / `slice` / `append`, `DataChunk::from_rows` for literal rows.
//! * `expr` — `BoundExpr { kind, ty }`. Build with `BoundExpr::{literal, column, parameter}`,
//!   `expr::{bind_comparison, bind_bool, bind_not, bind_is_null, bind_case, bind_list,
//!   bind_struct, bind_struct_field}`, `BoundExpr::cast_to(&ty)` (explicit CAST) and
//!   `function::bind_function(name, args)` for every function and operator
//!   (`+ - * / % ^ NEGATE`, `STARTS_WITH`, `ENDS_WITH`, `CONTAINS`, `=~` → `REGEXP_FULL_MATCH`,
//!   `x IN list` → `LIST_CONTAINS(list, x)`, `l[i]` → `LIST_EXTRACT`, `l[a:b]` →
//!   `LIST_SLICE(l, a or 0, b or -1)`, string `+` → `+`). Evaluate with
//!   `expr::eval(&e, &chunk, &ctx.eval)` or `expr::eval_predicate` (WHERE).
//! * `function` — the scalar registry (`function::registry()`), Kuzu's overload resolution and
//!   error messages.
//! * `typing` — Kuzu's implicit cast costs and common-type rules (`max_logical_type`,
//!   `has_implicit_cast`), for the binder's own coercions (UNION, SET, CASE).
//! * `cast` — `cast_value(&Value, &LogicalType)` with Kuzu's errors.
//! * `values` — ordering, equality and hash-key encoding of values/rows.
//! * `aggregate` — `AggregateFunction` (count(*), count, sum, avg, min, max, collect, with
//!   DISTINCT) via `aggregate::bind_aggregate(name, arg_types, distinct)`.
//! * `operator` — pull-based `Operator`s: `ChunkSource`, `Filter`, `Projection`,
//!   `HashAggregate` (+ parallel partial/merge), `OrderBy`, `TopK`, `SkipLimit`, `Distinct`,
//!   `HashJoin` (inner/left/semi/anti/mark), `CrossProduct`, `Unwind`, `Union`.
//! * `memory` — `MemoryBudget` (the buffer pool implements it), `FixedBudget`,
//!   `UnlimitedBudget`, `Reservation`.
//! * `context` — `ExecContext` (interrupt flag, deadline, budget, parameters) checked per batch.

pub mod aggregate;
pub mod cast;
pub mod chunk;
pub mod context;
pub mod expr;
pub mod function;
pub mod memory;
pub mod operator;
pub mod typing;
pub mod values;

pub use chunk::{DataChunk, VECTOR_CAPACITY};
pub use context::{EvalContext, ExecContext};
pub use expr::{BoundExpr, ExprKind};
pub use memory::{FixedBudget, MemoryBudget, UnlimitedBudget};
pub use operator::Operator;

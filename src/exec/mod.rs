//! Vectorized query execution: the engine-independent middle between the binder/planner and
//! storage. Storage supplies source operators (scan, CSR extend, PK lookup) implementing
//! `operator::Operator`; everything above them lives here.
//!
//! # Module map
//!
//! * `chunk` — `DataChunk { columns, len }` batches (≤ `VECTOR_CAPACITY` = 2048 rows from
//!   sources; a chunk may have no columns and still `len` rows), `gather` / `filter` /
//!   `slice` / `append`, `DataChunk::from_rows` for literal rows.
//! * `expr` — `BoundExpr { kind, ty }` and the evaluator (`eval`, `eval_predicate`,
//!   `eval_constant`).
//! * `function` — the scalar registry (`function::registry()`), Kuzu's overload resolution
//!   (`bind_function`) and its error messages.
//! * `aggregate` — `bind_aggregate(name, arg_types, distinct)`; `is_aggregate(name)`.
//! * `operator` — pull-based operators; `run_parallel`, `HashAggregate::run_parallel`,
//!   `Profiled` (PROFILE), `orderable` (ORDER BY type check).
//! * `typing` — Kuzu's implicit cast costs and common types (`max_logical_type`,
//!   `has_implicit_cast`, `resolve_any`) for the binder's own coercions (UNION, SET, CASE).
//! * `cast` — `cast_value(&Value, &LogicalType)` with Kuzu's errors; `value_to_text`.
//! * `values` — `compare_values` (Kuzu order, NULL largest), `values_equal`, key encoding.
//! * `memory` — `MemoryBudget` (the buffer pool implements it), `FixedBudget`,
//!   `UnlimitedBudget`, `Reservation`.
//! * `context` — `ExecContext` (interrupt flag, deadline, budget, parameters, threads);
//!   `EvalContext` (parameters).
//!
//! # Binding expressions (what the binder calls)
//!
//! Column references are positions in the operator's input chunk:
//! `BoundExpr::column(i, ty)`. Literals: `BoundExpr::literal(value)` (typed as Kuzu types
//! literals; `NULL` is `ANY`). Parameters: `BoundExpr::parameter(name, ty)` with `ty` the type
//! of the supplied value (`values::type_of_value`). Then:
//!
//! | Cypher | call |
//! |---|---|
//! | `a = b`, `<>`, `<`, ... | `expr::bind_comparison(CmpOp::Eq, a, b)` |
//! | `AND` / `OR` / `XOR` / `NOT` | `expr::bind_bool(BoolOp::And, a, b)`, `expr::bind_not(a)` |
//! | `IS [NOT] NULL` | `expr::bind_is_null(a, negated)` |
//! | `CASE` (both forms) | `expr::bind_case(operand, whens, else)` |
//! | `CAST(x AS T)` | `x.cast_to(&T)` (explicit casts skip the implicit-cast check) |
//! | `[a, b]` | `expr::bind_list(items)` |
//! | `{k: v}` | `expr::bind_struct(fields)`; `s.k` → `expr::bind_struct_field(s, "k")` |
//! | `f(args)` | `function::bind_function("f", args)` |
//! | `a + b` ... `a ^ b`, `-a` | `bind_function("+", ..)` (`- * / % ^`), `bind_function("NEGATE", ..)` |
//! | `a & b`, `a \| b`, `a << b`, `a >> b`, `n!` | `bind_function("&" / "\|" / "<<" / ">>" / "FACTORIAL", ..)` |
//! | `s STARTS WITH t` / `ENDS WITH` / `CONTAINS` | `bind_function("STARTS_WITH" / "ENDS_WITH" / "CONTAINS", ..)` |
//! | `s =~ re` | `bind_function("REGEXP_FULL_MATCH", [s, re])` |
//! | `x IN l` | `bind_function("LIST_CONTAINS", [l, x])` |
//! | `l[i]`, `l[a:b]` | `bind_function("LIST_EXTRACT", [l, i])`, `bind_function("LIST_SLICE", [l, a or 0, b or -1])` |
//! | `list_transform(l, x -> e)`, `list_filter`, `list_reduce`, `all/any/none/single(x IN l WHERE p)` | `expr::bind_lambda(LambdaOp::.., l, body)`; the body is bound against the input columns plus the lambda variable at index `input_columns` (reduce: accumulator at `input_columns`, element at `input_columns + 1`) |
//! | `typeof(x)`, `struct_extract(s, 'k')` | folded by `bind_function` |
//! | `count(*)`, `sum(DISTINCT x)`, ... | `aggregate::bind_aggregate(name, arg_types, distinct)` into `operator::AggregateSpec` |
//!
//! Node/rel functions (`id`, `label`, `nodes`, `rels`, `properties`, `start_node`, ...) are
//! the binder's: it maps them to columns of the pattern it produced.
//!
//! # Building plans (what the planner calls)
//!
//! `RETURN 1` without MATCH: `ChunkSource::single_row()` → `Projection`. `WHERE` → `Filter`.
//! `WITH`/`RETURN` with aggregates → `HashAggregate(keys, aggs)` (output: keys then aggregates)
//! then `Projection`. `ORDER BY .. SKIP .. LIMIT` → `TopK` (or `OrderBy` + `SkipLimit`);
//! `DISTINCT` → `Distinct`. `UNWIND` → `Unwind` (appends the element column). `UNION ALL` →
//! `Union`; `UNION` → `Distinct(Union)`. Joins on internal ids → `HashJoin`: `Inner`;
//! `Left` for OPTIONAL MATCH; `Semi` / `Anti` for `EXISTS` / `NOT EXISTS`; `Mark` (adds a BOOL
//! column) for EXISTS inside larger predicates. No shared key → `CrossProduct`.
//! Parallel: wrap the scan in `SharedSource`, build one pipeline per thread over clones of it,
//! and finish with `HashAggregate::run_parallel` or `operator::run_parallel`.
//! Every operator checks `ExecContext::check()` per batch (interrupt / timeout →
//! `Error::Interrupted`) and accounts buffered bytes against `ExecContext::budget`
//! (`Error::OutOfMemory`).

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

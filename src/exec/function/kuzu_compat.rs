//! Scalar functions checked against Kuzu 0.11.3: each case is an expression with the text
//! Kuzu gives for `CAST(expr AS STRING)` and for `typeof(expr)` (generated once from the
//! Python package; values must match exactly).

// Generated cases: literal constants as Kuzu was given them, uniform `Ok(..?)` builders.
#![allow(clippy::approx_constant, clippy::needless_question_mark)]

use crate::error::Result;
use crate::exec::aggregate::bind_aggregate;
use crate::exec::context::EvalContext;
use crate::exec::context::ExecContext;
use crate::exec::expr::{
    bind_bool, bind_case, bind_comparison, bind_is_null, bind_list, bind_not, bind_struct,
    eval_constant, BoolOp, BoundExpr, CmpOp,
};
use crate::exec::function::bind_function;
use crate::exec::function::date::civil_from_days;
use crate::exec::operator::{
    collect_rows, AggregateSpec, ChunkSource, HashAggregate, Operator, Projection, Unwind,
};
use crate::types::{LogicalType, Value};

fn lit(v: Value) -> BoundExpr {
    BoundExpr::literal(v)
}

fn call(name: &str, args: Vec<BoundExpr>) -> BoundExpr {
    match bind_function(name, args) {
        Ok(e) => e,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn try_call(name: &str, args: Vec<BoundExpr>) -> Result<BoundExpr> {
    bind_function(name, args)
}

fn text(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => return None,
        Value::Date(d) => {
            let (y, m, d) = civil_from_days(*d as i64);
            format!("{y:04}-{m:02}-{d:02}")
        }
        Value::Timestamp(t) => {
            let day = t.div_euclid(86_400_000_000);
            let us = t.rem_euclid(86_400_000_000);
            let (y, m, d) = civil_from_days(day);
            let s = us / 1_000_000;
            let mut out = format!(
                "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            if us % 1_000_000 != 0 {
                let frac = format!("{:06}", us % 1_000_000);
                out.push('.');
                out.push_str(frac.trim_end_matches('0'));
            }
            out
        }
        other => crate::exec::cast::value_to_text(other),
    })
}

#[test]
fn scalar_functions_match_kuzu() {
    let cases: Vec<(&str, BoundExpr, Option<&str>, &str)> = vec![
        (
            "abs(-5)",
            call("abs", vec![lit(Value::Int64(-5))]),
            Some("5"),
            "INT64",
        ),
        (
            "abs(-2.5)",
            call("abs", vec![lit(Value::Double(-2.5))]),
            Some("2.500000"),
            "DOUBLE",
        ),
        (
            "ceil(1.2)",
            call("ceil", vec![lit(Value::Double(1.2))]),
            Some("2.000000"),
            "DOUBLE",
        ),
        (
            "floor(-1.2)",
            call("floor", vec![lit(Value::Double(-1.2))]),
            Some("-2.000000"),
            "DOUBLE",
        ),
        (
            "round(3.14159, 2)",
            call(
                "round",
                vec![lit(Value::Double(3.14159)), lit(Value::Int64(2))],
            ),
            Some("3.140000"),
            "DOUBLE",
        ),
        (
            "round(-2.5, 0)",
            call(
                "round",
                vec![lit(Value::Double(-2.5)), lit(Value::Int64(0))],
            ),
            Some("-3.000000"),
            "DOUBLE",
        ),
        (
            "sqrt(16.0)",
            call("sqrt", vec![lit(Value::Double(16.0))]),
            Some("4.000000"),
            "DOUBLE",
        ),
        (
            "cbrt(27.0)",
            call("cbrt", vec![lit(Value::Double(27.0))]),
            Some("3.000000"),
            "DOUBLE",
        ),
        (
            "ln(2.0)",
            call("ln", vec![lit(Value::Double(2.0))]),
            Some("0.693147"),
            "DOUBLE",
        ),
        (
            "log(100.0)",
            call("log", vec![lit(Value::Double(100.0))]),
            Some("2.000000"),
            "DOUBLE",
        ),
        (
            "log2(8.0)",
            call("log2", vec![lit(Value::Double(8.0))]),
            Some("3.000000"),
            "DOUBLE",
        ),
        (
            "sin(1.0)",
            call("sin", vec![lit(Value::Double(1.0))]),
            Some("0.841471"),
            "DOUBLE",
        ),
        (
            "cos(1.0)",
            call("cos", vec![lit(Value::Double(1.0))]),
            Some("0.540302"),
            "DOUBLE",
        ),
        (
            "tan(1.0)",
            call("tan", vec![lit(Value::Double(1.0))]),
            Some("1.557408"),
            "DOUBLE",
        ),
        (
            "asin(0.5)",
            call("asin", vec![lit(Value::Double(0.5))]),
            Some("0.523599"),
            "DOUBLE",
        ),
        (
            "acos(0.5)",
            call("acos", vec![lit(Value::Double(0.5))]),
            Some("1.047198"),
            "DOUBLE",
        ),
        (
            "atan(1.0)",
            call("atan", vec![lit(Value::Double(1.0))]),
            Some("0.785398"),
            "DOUBLE",
        ),
        (
            "atan2(1.0, 2.0)",
            call(
                "atan2",
                vec![lit(Value::Double(1.0)), lit(Value::Double(2.0))],
            ),
            Some("0.463648"),
            "DOUBLE",
        ),
        (
            "cot(1.0)",
            call("cot", vec![lit(Value::Double(1.0))]),
            Some("0.642093"),
            "DOUBLE",
        ),
        (
            "degrees(1.0)",
            call("degrees", vec![lit(Value::Double(1.0))]),
            Some("57.295780"),
            "DOUBLE",
        ),
        (
            "radians(90.0)",
            call("radians", vec![lit(Value::Double(90.0))]),
            Some("1.570796"),
            "DOUBLE",
        ),
        (
            "gamma(5.5)",
            call("gamma", vec![lit(Value::Double(5.5))]),
            Some("52.342778"),
            "DOUBLE",
        ),
        (
            "lgamma(5.5)",
            call("lgamma", vec![lit(Value::Double(5.5))]),
            Some("3.957814"),
            "DOUBLE",
        ),
        (
            "even(2.5)",
            call("even", vec![lit(Value::Double(2.5))]),
            Some("4.000000"),
            "DOUBLE",
        ),
        (
            "sign(-7)",
            call("sign", vec![lit(Value::Int64(-7))]),
            Some("-1"),
            "INT64",
        ),
        (
            "factorial(10)",
            call("factorial", vec![lit(Value::Int64(10))]),
            Some("3628800"),
            "INT64",
        ),
        ("pi()", call("pi", vec![]), Some("3.141593"), "DOUBLE"),
        (
            "7 / 2",
            call("/", vec![lit(Value::Int64(7)), lit(Value::Int64(2))]),
            Some("3"),
            "INT64",
        ),
        (
            "-7 / 2",
            call("/", vec![lit(Value::Int64(-7)), lit(Value::Int64(2))]),
            Some("-3"),
            "INT64",
        ),
        (
            "-7 % 3",
            call("%", vec![lit(Value::Int64(-7)), lit(Value::Int64(3))]),
            Some("-1"),
            "INT64",
        ),
        (
            "7.5 % 2",
            call("%", vec![lit(Value::Double(7.5)), lit(Value::Int64(2))]),
            Some("1.500000"),
            "DOUBLE",
        ),
        (
            "2 ^ 10",
            call("^", vec![lit(Value::Int64(2)), lit(Value::Int64(10))]),
            Some("1024.000000"),
            "DOUBLE",
        ),
        (
            "1 + 2.5",
            call("+", vec![lit(Value::Int64(1)), lit(Value::Double(2.5))]),
            Some("3.500000"),
            "DOUBLE",
        ),
        (
            "5 - 7",
            call("-", vec![lit(Value::Int64(5)), lit(Value::Int64(7))]),
            Some("-2"),
            "INT64",
        ),
        (
            "6 * 7",
            call("*", vec![lit(Value::Int64(6)), lit(Value::Int64(7))]),
            Some("42"),
            "INT64",
        ),
        (
            "6 & 3",
            call("&", vec![lit(Value::Int64(6)), lit(Value::Int64(3))]),
            Some("2"),
            "INT64",
        ),
        (
            "6 | 3",
            call("|", vec![lit(Value::Int64(6)), lit(Value::Int64(3))]),
            Some("7"),
            "INT64",
        ),
        (
            "1 << 4",
            call("<<", vec![lit(Value::Int64(1)), lit(Value::Int64(4))]),
            Some("16"),
            "INT64",
        ),
        (
            "256 >> 4",
            call(">>", vec![lit(Value::Int64(256)), lit(Value::Int64(4))]),
            Some("16"),
            "INT64",
        ),
        (
            "lower('HeLLo')",
            call("lower", vec![lit(Value::String("HeLLo".into()))]),
            Some("hello"),
            "STRING",
        ),
        (
            "upper('HeLLo')",
            call("upper", vec![lit(Value::String("HeLLo".into()))]),
            Some("HELLO"),
            "STRING",
        ),
        (
            "initcap('hELLO wORLD')",
            call("initcap", vec![lit(Value::String("hELLO wORLD".into()))]),
            Some("Hello world"),
            "STRING",
        ),
        (
            "concat('a', 'b', 'c')",
            call(
                "concat",
                vec![
                    lit(Value::String("a".into())),
                    lit(Value::String("b".into())),
                    lit(Value::String("c".into())),
                ],
            ),
            Some("abc"),
            "STRING",
        ),
        (
            "concat_ws('-', 'a', 'b', 'c')",
            call(
                "concat_ws",
                vec![
                    lit(Value::String("-".into())),
                    lit(Value::String("a".into())),
                    lit(Value::String("b".into())),
                    lit(Value::String("c".into())),
                ],
            ),
            Some("a-b-c"),
            "STRING",
        ),
        (
            "substring('hello world', 3, 4)",
            call(
                "substring",
                vec![
                    lit(Value::String("hello world".into())),
                    lit(Value::Int64(3)),
                    lit(Value::Int64(4)),
                ],
            ),
            Some("llo "),
            "STRING",
        ),
        (
            "substring('hello', 4, 10)",
            call(
                "substring",
                vec![
                    lit(Value::String("hello".into())),
                    lit(Value::Int64(4)),
                    lit(Value::Int64(10)),
                ],
            ),
            Some("lo"),
            "STRING",
        ),
        (
            "left('hello', 3)",
            call(
                "left",
                vec![lit(Value::String("hello".into())), lit(Value::Int64(3))],
            ),
            Some("hel"),
            "STRING",
        ),
        (
            "left('hello', 0)",
            call(
                "left",
                vec![lit(Value::String("hello".into())), lit(Value::Int64(0))],
            ),
            Some(""),
            "STRING",
        ),
        (
            "right('hello', 3)",
            call(
                "right",
                vec![lit(Value::String("hello".into())), lit(Value::Int64(3))],
            ),
            Some("llo"),
            "STRING",
        ),
        (
            "right('hello', 10)",
            call(
                "right",
                vec![lit(Value::String("hello".into())), lit(Value::Int64(10))],
            ),
            Some("hello"),
            "STRING",
        ),
        (
            "trim('  x y  ')",
            call("trim", vec![lit(Value::String("  x y  ".into()))]),
            Some("x y"),
            "STRING",
        ),
        (
            "ltrim('  x ')",
            call("ltrim", vec![lit(Value::String("  x ".into()))]),
            Some("x "),
            "STRING",
        ),
        (
            "rtrim(' x  ')",
            call("rtrim", vec![lit(Value::String(" x  ".into()))]),
            Some(" x"),
            "STRING",
        ),
        (
            "lpad('abc', 6, '*')",
            call(
                "lpad",
                vec![
                    lit(Value::String("abc".into())),
                    lit(Value::Int64(6)),
                    lit(Value::String("*".into())),
                ],
            ),
            Some("***abc"),
            "STRING",
        ),
        (
            "rpad('abc', 6, '*-')",
            call(
                "rpad",
                vec![
                    lit(Value::String("abc".into())),
                    lit(Value::Int64(6)),
                    lit(Value::String("*-".into())),
                ],
            ),
            Some("abc*-*"),
            "STRING",
        ),
        (
            "rpad('abc', 2, '*')",
            call(
                "rpad",
                vec![
                    lit(Value::String("abc".into())),
                    lit(Value::Int64(2)),
                    lit(Value::String("*".into())),
                ],
            ),
            Some("ab"),
            "STRING",
        ),
        (
            "repeat('xy', 2)",
            call(
                "repeat",
                vec![lit(Value::String("xy".into())), lit(Value::Int64(2))],
            ),
            Some("xyxy"),
            "STRING",
        ),
        (
            "reverse('hello')",
            call("reverse", vec![lit(Value::String("hello".into()))]),
            Some("olleh"),
            "STRING",
        ),
        (
            "size('hello')",
            call("size", vec![lit(Value::String("hello".into()))]),
            Some("5"),
            "INT64",
        ),
        (
            "contains('hello', 'ell')",
            call(
                "contains",
                vec![
                    lit(Value::String("hello".into())),
                    lit(Value::String("ell".into())),
                ],
            ),
            Some("True"),
            "BOOL",
        ),
        (
            "starts_with('hello', 'he')",
            call(
                "starts_with",
                vec![
                    lit(Value::String("hello".into())),
                    lit(Value::String("he".into())),
                ],
            ),
            Some("True"),
            "BOOL",
        ),
        (
            "ends_with('hello', 'lo')",
            call(
                "ends_with",
                vec![
                    lit(Value::String("hello".into())),
                    lit(Value::String("lo".into())),
                ],
            ),
            Some("True"),
            "BOOL",
        ),
        (
            "regexp_matches('hello', 'l+')",
            call(
                "regexp_matches",
                vec![
                    lit(Value::String("hello".into())),
                    lit(Value::String("l+".into())),
                ],
            ),
            Some("True"),
            "BOOL",
        ),
        (
            "regexp_replace('hello', 'l', 'L')",
            call(
                "regexp_replace",
                vec![
                    lit(Value::String("hello".into())),
                    lit(Value::String("l".into())),
                    lit(Value::String("L".into())),
                ],
            ),
            Some("heLlo"),
            "STRING",
        ),
        (
            "regexp_replace('hello', 'l', 'L', 'g')",
            call(
                "regexp_replace",
                vec![
                    lit(Value::String("hello".into())),
                    lit(Value::String("l".into())),
                    lit(Value::String("L".into())),
                    lit(Value::String("g".into())),
                ],
            ),
            Some("heLLo"),
            "STRING",
        ),
        (
            "regexp_replace('abc', '(b)', '[\\\\1]')",
            call(
                "regexp_replace",
                vec![
                    lit(Value::String("abc".into())),
                    lit(Value::String("(b)".into())),
                    lit(Value::String("[\\1]".into())),
                ],
            ),
            Some("a[b]c"),
            "STRING",
        ),
        (
            "regexp_extract('key=value', '(\\\\w+)=(\\\\w+)', 2)",
            call(
                "regexp_extract",
                vec![
                    lit(Value::String("key=value".into())),
                    lit(Value::String("(\\w+)=(\\w+)".into())),
                    lit(Value::Int64(2)),
                ],
            ),
            Some("value"),
            "STRING",
        ),
        (
            "regexp_extract('abc', 'z')",
            call(
                "regexp_extract",
                vec![
                    lit(Value::String("abc".into())),
                    lit(Value::String("z".into())),
                ],
            ),
            Some(""),
            "STRING",
        ),
        (
            "string_split('a b c', ' ')",
            call(
                "string_split",
                vec![
                    lit(Value::String("a b c".into())),
                    lit(Value::String(" ".into())),
                ],
            ),
            Some("[a,b,c]"),
            "STRING[]",
        ),
        (
            "split_part('a-b-c', '-', -1)",
            call(
                "split_part",
                vec![
                    lit(Value::String("a-b-c".into())),
                    lit(Value::String("-".into())),
                    lit(Value::Int64(-1)),
                ],
            ),
            Some(""),
            "STRING",
        ),
        (
            "levenshtein('flaw', 'lawn')",
            call(
                "levenshtein",
                vec![
                    lit(Value::String("flaw".into())),
                    lit(Value::String("lawn".into())),
                ],
            ),
            Some("2"),
            "INT64",
        ),
        (
            "md5('hello')",
            call("md5", vec![lit(Value::String("hello".into()))]),
            Some("5d41402abc4b2a76b9719d911017c592"),
            "STRING",
        ),
        (
            "sha256('')",
            call("sha256", vec![lit(Value::String("".into()))]),
            Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            "STRING",
        ),
        (
            "list_extract([1,2,3], 2)",
            call(
                "list_extract",
                vec![
                    bind_list(vec![
                        lit(Value::Int64(1)),
                        lit(Value::Int64(2)),
                        lit(Value::Int64(3)),
                    ])
                    .unwrap(),
                    lit(Value::Int64(2)),
                ],
            ),
            Some("2"),
            "INT64",
        ),
        (
            "list_extract('hello', 2)",
            call(
                "list_extract",
                vec![lit(Value::String("hello".into())), lit(Value::Int64(2))],
            ),
            Some("e"),
            "STRING",
        ),
        (
            "list_concat([1,2], [3])",
            call(
                "list_concat",
                vec![
                    bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))]).unwrap(),
                    bind_list(vec![lit(Value::Int64(3))]).unwrap(),
                ],
            ),
            Some("[1,2,3]"),
            "INT64[]",
        ),
        (
            "list_append([1,2], 3)",
            call(
                "list_append",
                vec![
                    bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))]).unwrap(),
                    lit(Value::Int64(3)),
                ],
            ),
            Some("[1,2,3]"),
            "INT64[]",
        ),
        (
            "list_prepend([1,2], 0)",
            call(
                "list_prepend",
                vec![
                    bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))]).unwrap(),
                    lit(Value::Int64(0)),
                ],
            ),
            Some("[0,1,2]"),
            "INT64[]",
        ),
        (
            "list_contains([1,2,3], 2)",
            call(
                "list_contains",
                vec![
                    bind_list(vec![
                        lit(Value::Int64(1)),
                        lit(Value::Int64(2)),
                        lit(Value::Int64(3)),
                    ])
                    .unwrap(),
                    lit(Value::Int64(2)),
                ],
            ),
            Some("True"),
            "BOOL",
        ),
        (
            "list_position([5,6,7], 7)",
            call(
                "list_position",
                vec![
                    bind_list(vec![
                        lit(Value::Int64(5)),
                        lit(Value::Int64(6)),
                        lit(Value::Int64(7)),
                    ])
                    .unwrap(),
                    lit(Value::Int64(7)),
                ],
            ),
            Some("3"),
            "INT64",
        ),
        (
            "list_slice([1,2,3,4,5], 2, 4)",
            call(
                "list_slice",
                vec![
                    bind_list(vec![
                        lit(Value::Int64(1)),
                        lit(Value::Int64(2)),
                        lit(Value::Int64(3)),
                        lit(Value::Int64(4)),
                        lit(Value::Int64(5)),
                    ])
                    .unwrap(),
                    lit(Value::Int64(2)),
                    lit(Value::Int64(4)),
                ],
            ),
            Some("[2,3,4]"),
            "INT64[]",
        ),
        (
            "list_slice([1,2,3,4,5], -3, -1)",
            call(
                "list_slice",
                vec![
                    bind_list(vec![
                        lit(Value::Int64(1)),
                        lit(Value::Int64(2)),
                        lit(Value::Int64(3)),
                        lit(Value::Int64(4)),
                        lit(Value::Int64(5)),
                    ])
                    .unwrap(),
                    lit(Value::Int64(-3)),
                    lit(Value::Int64(-1)),
                ],
            ),
            Some("[3,4,5]"),
            "INT64[]",
        ),
        (
            "list_sort([3,1,2])",
            call(
                "list_sort",
                vec![bind_list(vec![
                    lit(Value::Int64(3)),
                    lit(Value::Int64(1)),
                    lit(Value::Int64(2)),
                ])
                .unwrap()],
            ),
            Some("[1,2,3]"),
            "INT64[]",
        ),
        (
            "list_sort([3,1,2], 'DESC')",
            call(
                "list_sort",
                vec![
                    bind_list(vec![
                        lit(Value::Int64(3)),
                        lit(Value::Int64(1)),
                        lit(Value::Int64(2)),
                    ])
                    .unwrap(),
                    lit(Value::String("DESC".into())),
                ],
            ),
            Some("[3,2,1]"),
            "INT64[]",
        ),
        (
            "list_reverse_sort([3,1,2])",
            call(
                "list_reverse_sort",
                vec![bind_list(vec![
                    lit(Value::Int64(3)),
                    lit(Value::Int64(1)),
                    lit(Value::Int64(2)),
                ])
                .unwrap()],
            ),
            Some("[3,2,1]"),
            "INT64[]",
        ),
        (
            "list_reverse([1,2,3])",
            call(
                "list_reverse",
                vec![bind_list(vec![
                    lit(Value::Int64(1)),
                    lit(Value::Int64(2)),
                    lit(Value::Int64(3)),
                ])
                .unwrap()],
            ),
            Some("[3,2,1]"),
            "INT64[]",
        ),
        (
            "list_distinct([1,2,2,3,1])",
            call(
                "list_distinct",
                vec![bind_list(vec![
                    lit(Value::Int64(1)),
                    lit(Value::Int64(2)),
                    lit(Value::Int64(2)),
                    lit(Value::Int64(3)),
                    lit(Value::Int64(1)),
                ])
                .unwrap()],
            ),
            Some("[1,2,3]"),
            "INT64[]",
        ),
        (
            "list_unique([1,2,2,3,1])",
            call(
                "list_unique",
                vec![bind_list(vec![
                    lit(Value::Int64(1)),
                    lit(Value::Int64(2)),
                    lit(Value::Int64(2)),
                    lit(Value::Int64(3)),
                    lit(Value::Int64(1)),
                ])
                .unwrap()],
            ),
            Some("3"),
            "INT64",
        ),
        (
            "list_sum([1,2,3])",
            call(
                "list_sum",
                vec![bind_list(vec![
                    lit(Value::Int64(1)),
                    lit(Value::Int64(2)),
                    lit(Value::Int64(3)),
                ])
                .unwrap()],
            ),
            Some("6"),
            "INT64",
        ),
        (
            "list_sum([1.5,2.5])",
            call(
                "list_sum",
                vec![bind_list(vec![lit(Value::Double(1.5)), lit(Value::Double(2.5))]).unwrap()],
            ),
            Some("4.000000"),
            "DOUBLE",
        ),
        (
            "list_product([2,3,4])",
            call(
                "list_product",
                vec![bind_list(vec![
                    lit(Value::Int64(2)),
                    lit(Value::Int64(3)),
                    lit(Value::Int64(4)),
                ])
                .unwrap()],
            ),
            Some("24"),
            "INT64",
        ),
        (
            "list_any_value([null, 3])",
            call(
                "list_any_value",
                vec![bind_list(vec![lit(Value::Null), lit(Value::Int64(3))]).unwrap()],
            ),
            Some("3"),
            "INT64",
        ),
        (
            "list_to_string('-', [1,2,3])",
            call(
                "list_to_string",
                vec![
                    lit(Value::String("-".into())),
                    bind_list(vec![
                        lit(Value::Int64(1)),
                        lit(Value::Int64(2)),
                        lit(Value::Int64(3)),
                    ])
                    .unwrap(),
                ],
            ),
            Some("1-2-3"),
            "STRING",
        ),
        (
            "range(0, 10, 3)",
            call(
                "range",
                vec![
                    lit(Value::Int64(0)),
                    lit(Value::Int64(10)),
                    lit(Value::Int64(3)),
                ],
            ),
            Some("[0,3,6,9]"),
            "INT64[]",
        ),
        (
            "range(10, 0, -4)",
            call(
                "range",
                vec![
                    lit(Value::Int64(10)),
                    lit(Value::Int64(0)),
                    lit(Value::Int64(-4)),
                ],
            ),
            Some("[10,6,2]"),
            "INT64[]",
        ),
        (
            "size([1,2,3])",
            call(
                "size",
                vec![bind_list(vec![
                    lit(Value::Int64(1)),
                    lit(Value::Int64(2)),
                    lit(Value::Int64(3)),
                ])
                .unwrap()],
            ),
            Some("3"),
            "INT64",
        ),
        (
            "coalesce(null, 'x')",
            call(
                "coalesce",
                vec![lit(Value::Null), lit(Value::String("x".into()))],
            ),
            Some("x"),
            "STRING",
        ),
        (
            "ifnull(null, 5)",
            call("ifnull", vec![lit(Value::Null), lit(Value::Int64(5))]),
            Some("5"),
            "INT64",
        ),
        (
            "nullif(3, 3)",
            call("nullif", vec![lit(Value::Int64(3)), lit(Value::Int64(3))]),
            None,
            "INT64",
        ),
        (
            "nullif(3, 4)",
            call("nullif", vec![lit(Value::Int64(3)), lit(Value::Int64(4))]),
            Some("3"),
            "INT64",
        ),
        (
            "count_if(true)",
            call("count_if", vec![lit(Value::Bool(true))]),
            Some("1"),
            "UINT8",
        ),
        (
            "to_int32(12.6)",
            call("to_int32", vec![lit(Value::Double(12.6))]),
            Some("13"),
            "INT32",
        ),
        (
            "to_int8('12')",
            call("to_int8", vec![lit(Value::String("12".into()))]),
            Some("12"),
            "INT8",
        ),
        (
            "to_double(3)",
            call("to_double", vec![lit(Value::Int64(3))]),
            Some("3.000000"),
            "DOUBLE",
        ),
        (
            "to_float(0.5)",
            call("to_float", vec![lit(Value::Double(0.5))]),
            Some("0.500000"),
            "FLOAT",
        ),
        (
            "to_string(42)",
            call("to_string", vec![lit(Value::Int64(42))]),
            Some("42"),
            "STRING",
        ),
        (
            "to_string(3.25)",
            call("to_string", vec![lit(Value::Double(3.25))]),
            Some("3.250000"),
            "STRING",
        ),
        (
            "to_string([1,2])",
            call(
                "to_string",
                vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))]).unwrap()],
            ),
            Some("[1,2]"),
            "STRING",
        ),
        (
            "to_bool('FALSE')",
            call("to_bool", vec![lit(Value::String("FALSE".into()))]),
            Some("False"),
            "BOOL",
        ),
        (
            "map_keys(map([1,2],['a','b']))",
            call(
                "map_keys",
                vec![call(
                    "map",
                    vec![
                        bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))]).unwrap(),
                        bind_list(vec![
                            lit(Value::String("a".into())),
                            lit(Value::String("b".into())),
                        ])
                        .unwrap(),
                    ],
                )],
            ),
            Some("[1,2]"),
            "INT64[]",
        ),
        (
            "map_values(map([1,2],['a','b']))",
            call(
                "map_values",
                vec![call(
                    "map",
                    vec![
                        bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))]).unwrap(),
                        bind_list(vec![
                            lit(Value::String("a".into())),
                            lit(Value::String("b".into())),
                        ])
                        .unwrap(),
                    ],
                )],
            ),
            Some("[a,b]"),
            "STRING[]",
        ),
        (
            "map_extract(map([1,2],['a','b']), 2)",
            call(
                "map_extract",
                vec![
                    call(
                        "map",
                        vec![
                            bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))]).unwrap(),
                            bind_list(vec![
                                lit(Value::String("a".into())),
                                lit(Value::String("b".into())),
                            ])
                            .unwrap(),
                        ],
                    ),
                    lit(Value::Int64(2)),
                ],
            ),
            Some("[b]"),
            "STRING[]",
        ),
        (
            "size(map([1,2],['a','b']))",
            call(
                "size",
                vec![call(
                    "map",
                    vec![
                        bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))]).unwrap(),
                        bind_list(vec![
                            lit(Value::String("a".into())),
                            lit(Value::String("b".into())),
                        ])
                        .unwrap(),
                    ],
                )],
            ),
            Some("2"),
            "INT64",
        ),
        (
            "array_inner_product([1.0,2.0], [3.0,4.0])",
            call(
                "array_inner_product",
                vec![
                    bind_list(vec![lit(Value::Double(1.0)), lit(Value::Double(2.0))]).unwrap(),
                    bind_list(vec![lit(Value::Double(3.0)), lit(Value::Double(4.0))]).unwrap(),
                ],
            ),
            Some("11.000000"),
            "DOUBLE",
        ),
        (
            "array_distance([1.0,2.0], [4.0,6.0])",
            call(
                "array_distance",
                vec![
                    bind_list(vec![lit(Value::Double(1.0)), lit(Value::Double(2.0))]).unwrap(),
                    bind_list(vec![lit(Value::Double(4.0)), lit(Value::Double(6.0))]).unwrap(),
                ],
            ),
            Some("5.000000"),
            "DOUBLE",
        ),
        (
            "date_part('year', date('2021-07-15'))",
            call(
                "date_part",
                vec![lit(Value::String("year".into())), lit(Value::Date(18823))],
            ),
            Some("2021"),
            "INT64",
        ),
        (
            "date_part('month', date('2021-07-15'))",
            call(
                "date_part",
                vec![lit(Value::String("month".into())), lit(Value::Date(18823))],
            ),
            Some("7"),
            "INT64",
        ),
        (
            "date_part('quarter', date('2021-07-15'))",
            call(
                "date_part",
                vec![
                    lit(Value::String("quarter".into())),
                    lit(Value::Date(18823)),
                ],
            ),
            Some("3"),
            "INT64",
        ),
        (
            "date_part('week', date('2021-07-15'))",
            call(
                "date_part",
                vec![lit(Value::String("week".into())), lit(Value::Date(18823))],
            ),
            Some("0"),
            "INT64",
        ),
        (
            "date_part('decade', date('2021-07-15'))",
            call(
                "date_part",
                vec![lit(Value::String("decade".into())), lit(Value::Date(18823))],
            ),
            Some("202"),
            "INT64",
        ),
        (
            "date_part('century', date('2021-07-15'))",
            call(
                "date_part",
                vec![
                    lit(Value::String("century".into())),
                    lit(Value::Date(18823)),
                ],
            ),
            Some("21"),
            "INT64",
        ),
        (
            "date_part('millennium', date('2021-07-15'))",
            call(
                "date_part",
                vec![
                    lit(Value::String("millennium".into())),
                    lit(Value::Date(18823)),
                ],
            ),
            Some("3"),
            "INT64",
        ),
        (
            "date_part('hour', timestamp('2021-07-15 13:45:30.123456'))",
            call(
                "date_part",
                vec![
                    lit(Value::String("hour".into())),
                    lit(Value::Timestamp(1626356730123456)),
                ],
            ),
            Some("13"),
            "INT64",
        ),
        (
            "date_part('minute', timestamp('2021-07-15 13:45:30.123456'))",
            call(
                "date_part",
                vec![
                    lit(Value::String("minute".into())),
                    lit(Value::Timestamp(1626356730123456)),
                ],
            ),
            Some("45"),
            "INT64",
        ),
        (
            "date_part('second', timestamp('2021-07-15 13:45:30.123456'))",
            call(
                "date_part",
                vec![
                    lit(Value::String("second".into())),
                    lit(Value::Timestamp(1626356730123456)),
                ],
            ),
            Some("30"),
            "INT64",
        ),
        (
            "date_part('millisecond', timestamp('2021-07-15 13:45:30.123456'))",
            call(
                "date_part",
                vec![
                    lit(Value::String("millisecond".into())),
                    lit(Value::Timestamp(1626356730123456)),
                ],
            ),
            Some("30123"),
            "INT64",
        ),
        (
            "date_part('microsecond', timestamp('2021-07-15 13:45:30.123456'))",
            call(
                "date_part",
                vec![
                    lit(Value::String("microsecond".into())),
                    lit(Value::Timestamp(1626356730123456)),
                ],
            ),
            Some("30123456"),
            "INT64",
        ),
        (
            "date_trunc('month', date('2021-07-15'))",
            call(
                "date_trunc",
                vec![lit(Value::String("month".into())), lit(Value::Date(18823))],
            ),
            Some("2021-07-01"),
            "DATE",
        ),
        (
            "date_trunc('quarter', date('2021-08-15'))",
            call(
                "date_trunc",
                vec![
                    lit(Value::String("quarter".into())),
                    lit(Value::Date(18854)),
                ],
            ),
            Some("2021-07-01"),
            "DATE",
        ),
        (
            "date_trunc('year', date('2021-08-15'))",
            call(
                "date_trunc",
                vec![lit(Value::String("year".into())), lit(Value::Date(18854))],
            ),
            Some("2021-01-01"),
            "DATE",
        ),
        (
            "date_trunc('hour', timestamp('2021-07-15 13:45:30'))",
            call(
                "date_trunc",
                vec![
                    lit(Value::String("hour".into())),
                    lit(Value::Timestamp(1626356730000000)),
                ],
            ),
            Some("2021-07-15 13:00:00"),
            "TIMESTAMP",
        ),
        (
            "date_trunc('day', timestamp('2021-07-15 13:45:30'))",
            call(
                "date_trunc",
                vec![
                    lit(Value::String("day".into())),
                    lit(Value::Timestamp(1626356730000000)),
                ],
            ),
            Some("2021-07-15 00:00:00"),
            "TIMESTAMP",
        ),
        (
            "dayname(date('2021-07-15'))",
            call("dayname", vec![lit(Value::Date(18823))]),
            Some("Thursday"),
            "STRING",
        ),
        (
            "monthname(date('2021-07-15'))",
            call("monthname", vec![lit(Value::Date(18823))]),
            Some("July"),
            "STRING",
        ),
        (
            "last_day(date('2020-02-10'))",
            call("last_day", vec![lit(Value::Date(18302))]),
            Some("2020-02-29"),
            "DATE",
        ),
        (
            "century(date('2000-12-31'))",
            call("century", vec![lit(Value::Date(11322))]),
            Some("20"),
            "INT64",
        ),
        (
            "make_date(2021, 2, 28)",
            call(
                "make_date",
                vec![
                    lit(Value::Int64(2021)),
                    lit(Value::Int64(2)),
                    lit(Value::Int64(28)),
                ],
            ),
            Some("2021-02-28"),
            "DATE",
        ),
        (
            "epoch_ms(1000000)",
            call("epoch_ms", vec![lit(Value::Int64(1000000))]),
            Some("1970-01-01 00:16:40"),
            "TIMESTAMP",
        ),
        (
            "to_epoch_ms(timestamp('2021-01-01 00:00:01'))",
            call("to_epoch_ms", vec![lit(Value::Timestamp(1609459201000000))]),
            Some("1609459201000"),
            "INT64",
        ),
        (
            "date('2021-01-31') + 1",
            call("+", vec![lit(Value::Date(18658)), lit(Value::Int64(1))]),
            Some("2021-02-01"),
            "DATE",
        ),
        (
            "date('2021-03-01') - date('2021-02-01')",
            call("-", vec![lit(Value::Date(18687)), lit(Value::Date(18659))]),
            Some("28"),
            "INT64",
        ),
        (
            "date('2021-01-31') - 1",
            call("-", vec![lit(Value::Date(18658)), lit(Value::Int64(1))]),
            Some("2021-01-30"),
            "DATE",
        ),
        (
            "greatest(date('2021-01-01'), date('2022-01-01'))",
            call(
                "greatest",
                vec![lit(Value::Date(18628)), lit(Value::Date(18993))],
            ),
            Some("2022-01-01"),
            "DATE",
        ),
        (
            "least(date('2021-01-01'), date('2022-01-01'))",
            call(
                "least",
                vec![lit(Value::Date(18628)), lit(Value::Date(18993))],
            ),
            Some("2021-01-01"),
            "DATE",
        ),
    ];
    let mut failures = Vec::new();
    for (src, e, want, want_ty) in cases {
        let got = eval_constant(&e, &EvalContext::default()).map(|v| text(&v));
        let ty = e.ty.to_string();
        match got {
            Ok(g) if g.as_deref() == want && ty == want_ty => {}
            other => failures.push(format!(
                "{src}: got {other:?} {ty}, want {want:?} {want_ty}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

type Build = Box<dyn Fn() -> Result<BoundExpr>>;
type Expect = std::result::Result<(Option<&'static str>, &'static str), &'static str>;

/// Edge cases and error messages, checked against Kuzu 0.11.3.
#[test]
fn edge_cases_and_errors_match_kuzu() {
    let cases: Vec<(&str, Build, Expect)> = vec![
        ("9223372036854775807 + 1", Box::new(|| Ok(try_call("+", vec![lit(Value::Int64(9223372036854775807)), lit(Value::Int64(1))])?)), Err("Overflow exception: Value 9223372036854775807 + 1 is not within INT64 range.")),
        ("-9223372036854775807 - 10", Box::new(|| Ok(try_call("-", vec![lit(Value::Int64(-9223372036854775807)), lit(Value::Int64(10))])?)), Err("Overflow exception: Value -9223372036854775807 - 10 is not within INT64 range.")),
        ("to_int32(2147483647) * to_int32(2)", Box::new(|| Ok(try_call("*", vec![try_call("to_int32", vec![lit(Value::Int64(2147483647))])?, try_call("to_int32", vec![lit(Value::Int64(2))])?])?)), Err("Overflow exception: Value 2147483647 * 2 is not within INT32 range.")),
        ("to_int16(100) * to_int16(1000)", Box::new(|| Ok(try_call("*", vec![try_call("to_int16", vec![lit(Value::Int64(100))])?, try_call("to_int16", vec![lit(Value::Int64(1000))])?])?)), Err("Overflow exception: Value 100 * 1000 is not within INT16 range.")),
        ("to_uint8(1) - to_uint8(2)", Box::new(|| Ok(try_call("-", vec![try_call("to_uint8", vec![lit(Value::Int64(1))])?, try_call("to_uint8", vec![lit(Value::Int64(2))])?])?)), Err("Overflow exception: Value 1 - 2 is not within UINT8 range.")),
        ("to_int8(1) + 1", Box::new(|| Ok(try_call("+", vec![try_call("to_int8", vec![lit(Value::Int64(1))])?, lit(Value::Int64(1))])?)), Ok((Some("2"), "SERIAL"))),
        ("to_int32(1) + 1", Box::new(|| Ok(try_call("+", vec![try_call("to_int32", vec![lit(Value::Int64(1))])?, lit(Value::Int64(1))])?)), Ok((Some("2"), "SERIAL"))),
        ("to_uint32(1) + to_int32(1)", Box::new(|| Ok(try_call("+", vec![try_call("to_uint32", vec![lit(Value::Int64(1))])?, try_call("to_int32", vec![lit(Value::Int64(1))])?])?)), Ok((Some("2"), "SERIAL"))),
        ("5 / 0", Box::new(|| Ok(try_call("/", vec![lit(Value::Int64(5)), lit(Value::Int64(0))])?)), Err("Runtime exception: Divide by zero.")),
        ("5 % 0", Box::new(|| Ok(try_call("%", vec![lit(Value::Int64(5)), lit(Value::Int64(0))])?)), Err("Runtime exception: Modulo by zero.")),
        ("5.0 / 0", Box::new(|| Ok(try_call("/", vec![lit(Value::Double(5.0)), lit(Value::Int64(0))])?)), Ok((Some("inf"), "DOUBLE"))),
        ("0.0 / 0.0", Box::new(|| Ok(try_call("/", vec![lit(Value::Double(0.0)), lit(Value::Double(0.0))])?)), Ok((Some("-nan"), "DOUBLE"))),
        ("abs(-9223372036854775807 - 1)", Box::new(|| Ok(try_call("abs", vec![try_call("-", vec![lit(Value::Int64(-9223372036854775807)), lit(Value::Int64(1))])?])?)), Err("Overflow exception: Cannot take the absolute value of -9223372036854775808 within INT64 range.")),
        ("list_extract([1,2,3], 0)", Box::new(|| Ok(try_call("list_extract", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, lit(Value::Int64(0))])?)), Err("Runtime exception: List extract takes 1-based position.")),
        ("list_extract([1,2,3], 5)", Box::new(|| Ok(try_call("list_extract", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, lit(Value::Int64(5))])?)), Err("Runtime exception: list_extract(list, index): index=5 is out of range.")),
        ("list_extract([1,2,3], -3)", Box::new(|| Ok(try_call("list_extract", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, lit(Value::Int64(-3))])?)), Ok((Some("1"), "INT64"))),
        ("range(1, 3, 0)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(1)), lit(Value::Int64(3)), lit(Value::Int64(0))])?)), Err("Runtime exception: Step of range cannot be 0.")),
        ("lower(null)", Box::new(|| Ok(try_call("lower", vec![lit(Value::Null)])?)), Ok((None, "STRING"))),
        ("concat('a', null, 'b')", Box::new(|| Ok(try_call("concat", vec![lit(Value::String("a".into())), lit(Value::Null), lit(Value::String("b".into()))])?)), Ok((Some("ab"), "STRING"))),
        ("size(null)", Box::new(|| Ok(try_call("size", vec![lit(Value::Null)])?)), Ok((None, "INT64"))),
        ("list_sum([])", Box::new(|| Ok(try_call("list_sum", vec![bind_list(vec![])?])?)), Ok((Some("0"), "INT64"))),
        ("list_concat([1], [2.5])", Box::new(|| Ok(try_call("list_concat", vec![bind_list(vec![lit(Value::Int64(1))])?, bind_list(vec![lit(Value::Double(2.5))])?])?)), Err("Binder exception: Cannot bind LIST_CONCAT with parameter type INT64[] and DOUBLE[].")),
        ("list_append([1], 'a')", Box::new(|| Ok(try_call("list_append", vec![bind_list(vec![lit(Value::Int64(1))])?, lit(Value::String("a".into()))])?)), Err("Binder exception: Cannot bind LIST_APPEND with parameter type INT64[] and STRING.")),
        ("coalesce(null, null)", Box::new(|| Ok(try_call("coalesce", vec![lit(Value::Null), lit(Value::Null)])?)), Ok((None, "STRING"))),
        ("coalesce(1, 2.5)", Box::new(|| Ok(try_call("coalesce", vec![lit(Value::Int64(1)), lit(Value::Double(2.5))])?)), Ok((Some("1.000000"), "DOUBLE"))),
        ("ifnull(null, 'd')", Box::new(|| Ok(try_call("ifnull", vec![lit(Value::Null), lit(Value::String("d".into()))])?)), Ok((Some("d"), "STRING"))),
        ("to_int64('abc')", Box::new(|| Ok(try_call("to_int64", vec![lit(Value::String("abc".into()))])?)), Err("Conversion exception: Cast failed. Could not convert \"abc\" to INT64.")),
        ("to_int8(300)", Box::new(|| Ok(try_call("to_int8", vec![lit(Value::Int64(300))])?)), Err("Overflow exception: Value 300 is not within INT8 range")),
        ("to_int8('300')", Box::new(|| Ok(try_call("to_int8", vec![lit(Value::String("300".into()))])?)), Err("Conversion exception: Cast failed. Could not convert \"300\" to INT8.")),
        ("to_double('x')", Box::new(|| Ok(try_call("to_double", vec![lit(Value::String("x".into()))])?)), Err("Conversion exception: Cast failed. x is not in DOUBLE range.")),
        ("to_bool('maybe')", Box::new(|| Ok(try_call("to_bool", vec![lit(Value::String("maybe".into()))])?)), Err("Conversion exception: Value maybe is not a valid boolean")),
        ("to_uint8(-1)", Box::new(|| Ok(try_call("to_uint8", vec![lit(Value::Int64(-1))])?)), Err("Overflow exception: Value -1 is not within UINT8 range")),
        ("to_string(true)", Box::new(|| Ok(try_call("to_string", vec![lit(Value::Bool(true))])?)), Ok((Some("True"), "STRING"))),
        ("to_string(1.0)", Box::new(|| Ok(try_call("to_string", vec![lit(Value::Double(1.0))])?)), Ok((Some("1.000000"), "STRING"))),
        ("to_int64(2.5)", Box::new(|| Ok(try_call("to_int64", vec![lit(Value::Double(2.5))])?)), Ok((Some("2"), "INT64"))),
        ("to_int64(3.5)", Box::new(|| Ok(try_call("to_int64", vec![lit(Value::Double(3.5))])?)), Ok((Some("4"), "INT64"))),
        ("to_int64(-2.5)", Box::new(|| Ok(try_call("to_int64", vec![lit(Value::Double(-2.5))])?)), Ok((Some("-2"), "INT64"))),
        ("date_part('foo', date('2021-01-01'))", Box::new(|| Ok(try_call("date_part", vec![lit(Value::String("foo".into())), lit(Value::Date(18628))])?)), Err("Conversion exception: Unrecognized interval specifier string: foo.")),
        ("substring('h\u{00e9}llo', 2, 2)", Box::new(|| Ok(try_call("substring", vec![lit(Value::String("h\u{00e9}llo".into())), lit(Value::Int64(2)), lit(Value::Int64(2))])?)), Ok((Some("\u{00e9}l"), "STRING"))),
        ("reverse('h\u{00e9}llo')", Box::new(|| Ok(try_call("reverse", vec![lit(Value::String("h\u{00e9}llo".into()))])?)), Ok((Some("oll\u{00e9}h"), "STRING"))),
        ("upper('\u{00e9}a')", Box::new(|| Ok(try_call("upper", vec![lit(Value::String("\u{00e9}a".into()))])?)), Ok((Some("\u{00c9}A"), "STRING"))),
        ("left('h\u{00e9}llo', -1)", Box::new(|| Ok(try_call("left", vec![lit(Value::String("h\u{00e9}llo".into())), lit(Value::Int64(-1))])?)), Ok((Some("h\u{00e9}ll"), "STRING"))),
        ("right('h\u{00e9}llo', -1)", Box::new(|| Ok(try_call("right", vec![lit(Value::String("h\u{00e9}llo".into())), lit(Value::Int64(-1))])?)), Ok((Some("\u{00e9}llo"), "STRING"))),
        ("lpad('\u{00e9}', 3, 'x')", Box::new(|| Ok(try_call("lpad", vec![lit(Value::String("\u{00e9}".into())), lit(Value::Int64(3)), lit(Value::String("x".into()))])?)), Ok((Some("xx\u{00e9}"), "STRING"))),
        ("repeat('\u{00e9}', 2)", Box::new(|| Ok(try_call("repeat", vec![lit(Value::String("\u{00e9}".into())), lit(Value::Int64(2))])?)), Ok((Some("\u{00e9}\u{00e9}"), "STRING"))),
        ("list_sort(['b', 'a', null, 'c'])", Box::new(|| Ok(try_call("list_sort", vec![bind_list(vec![lit(Value::String("b".into())), lit(Value::String("a".into())), lit(Value::Null), lit(Value::String("c".into()))])?])?)), Ok((Some("[,a,b,c]"), "STRING[]"))),
        ("list_reverse_sort(['b', 'a', null, 'c'])", Box::new(|| Ok(try_call("list_reverse_sort", vec![bind_list(vec![lit(Value::String("b".into())), lit(Value::String("a".into())), lit(Value::Null), lit(Value::String("c".into()))])?])?)), Ok((Some("[,c,b,a]"), "STRING[]"))),
        ("list_distinct(['b', 'a', 'b'])", Box::new(|| Ok(try_call("list_distinct", vec![bind_list(vec![lit(Value::String("b".into())), lit(Value::String("a".into())), lit(Value::String("b".into()))])?])?)), Ok((Some("[b,a]"), "STRING[]"))),
        ("list_position([1,2,3], 4)", Box::new(|| Ok(try_call("list_position", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, lit(Value::Int64(4))])?)), Ok((Some("0"), "INT64"))),
        ("list_contains([1,2,3], null)", Box::new(|| Ok(try_call("list_contains", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, lit(Value::Null)])?)), Ok((None, "BOOL"))),
        ("list_slice([1,2,3], 0, 2)", Box::new(|| Ok(try_call("list_slice", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, lit(Value::Int64(0)), lit(Value::Int64(2))])?)), Ok((Some("[1,2]"), "INT64[]"))),
        ("list_slice([1,2,3], 2, 1)", Box::new(|| Ok(try_call("list_slice", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, lit(Value::Int64(2)), lit(Value::Int64(1))])?)), Ok((Some("[]"), "INT64[]"))),
        ("list_slice('hello', 2, 3)", Box::new(|| Ok(try_call("list_slice", vec![lit(Value::String("hello".into())), lit(Value::Int64(2)), lit(Value::Int64(3))])?)), Ok((Some("el"), "STRING"))),
        ("list_slice('hello', -3, -1)", Box::new(|| Ok(try_call("list_slice", vec![lit(Value::String("hello".into())), lit(Value::Int64(-3)), lit(Value::Int64(-1))])?)), Ok((Some("llo"), "STRING"))),
        ("range(to_int32(1), to_int32(3))", Box::new(|| Ok(try_call("range", vec![try_call("to_int32", vec![lit(Value::Int64(1))])?, try_call("to_int32", vec![lit(Value::Int64(3))])?])?)), Ok((Some("[1,2,3]"), "INT32[]"))),
        ("range(1, 3)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(1)), lit(Value::Int64(3))])?)), Ok((Some("[1,2,3]"), "INT64[]"))),
        ("string_split('a::b::c', '::')", Box::new(|| Ok(try_call("string_split", vec![lit(Value::String("a::b::c".into())), lit(Value::String("::".into()))])?)), Ok((Some("[a,b,c]"), "STRING[]"))),
        ("string_split('', ',')", Box::new(|| Ok(try_call("string_split", vec![lit(Value::String("".into())), lit(Value::String(",".into()))])?)), Ok((Some("[]"), "STRING[]"))),
        ("regexp_extract_all('abc123def456', '([a-z]+)(\\\\d+)', 2)", Box::new(|| Ok(try_call("regexp_extract_all", vec![lit(Value::String("abc123def456".into())), lit(Value::String("([a-z]+)(\\d+)".into())), lit(Value::Int64(2))])?)), Ok((Some("[123,456]"), "STRING[]"))),
        ("regexp_split_to_array('a1b22c', '\\\\d+')", Box::new(|| Ok(try_call("regexp_split_to_array", vec![lit(Value::String("a1b22c".into())), lit(Value::String("\\d+".into()))])?)), Ok((Some("[a,b,c]"), "STRING[]"))),
        ("initcap('')", Box::new(|| Ok(try_call("initcap", vec![lit(Value::String("".into()))])?)), Ok((Some(""), "STRING"))),
        ("levenshtein('', 'abc')", Box::new(|| Ok(try_call("levenshtein", vec![lit(Value::String("".into())), lit(Value::String("abc".into()))])?)), Ok((Some("3"), "INT64"))),
        ("sign(0.0)", Box::new(|| Ok(try_call("sign", vec![lit(Value::Double(0.0))])?)), Ok((Some("0"), "INT64"))),
        ("sign(to_int8(-3))", Box::new(|| Ok(try_call("sign", vec![try_call("to_int8", vec![lit(Value::Int64(-3))])?])?)), Ok((Some("-1"), "INT64"))),
        ("ceil(to_int32(5))", Box::new(|| Ok(try_call("ceil", vec![try_call("to_int32", vec![lit(Value::Int64(5))])?])?)), Ok((Some("5"), "INT32"))),
        ("floor(-0.5)", Box::new(|| Ok(try_call("floor", vec![lit(Value::Double(-0.5))])?)), Ok((Some("-1.000000"), "DOUBLE"))),
        ("round(0.5, 0)", Box::new(|| Ok(try_call("round", vec![lit(Value::Double(0.5)), lit(Value::Int64(0))])?)), Ok((Some("1.000000"), "DOUBLE"))),
        ("round(1.005, 2)", Box::new(|| Ok(try_call("round", vec![lit(Value::Double(1.005)), lit(Value::Int64(2))])?)), Ok((Some("1.000000"), "DOUBLE"))),
        ("even(-0.5)", Box::new(|| Ok(try_call("even", vec![lit(Value::Double(-0.5))])?)), Ok((Some("-2.000000"), "DOUBLE"))),
        ("factorial(0)", Box::new(|| Ok(try_call("factorial", vec![lit(Value::Int64(0))])?)), Ok((Some("1"), "INT64"))),
        ("gamma(0.5)", Box::new(|| Ok(try_call("gamma", vec![lit(Value::Double(0.5))])?)), Ok((Some("1.772454"), "DOUBLE"))),
        ("7 % -3", Box::new(|| Ok(try_call("%", vec![lit(Value::Int64(7)), lit(Value::Int64(-3))])?)), Ok((Some("1"), "INT64"))),
        ("-7.5 % 2", Box::new(|| Ok(try_call("%", vec![lit(Value::Double(-7.5)), lit(Value::Int64(2))])?)), Ok((Some("-1.500000"), "DOUBLE"))),
        ("2 ^ -2", Box::new(|| Ok(try_call("^", vec![lit(Value::Int64(2)), lit(Value::Int64(-2))])?)), Ok((Some("0.250000"), "DOUBLE"))),
        ("to_float(1.5) + to_float(2.25)", Box::new(|| Ok(try_call("+", vec![try_call("to_float", vec![lit(Value::Double(1.5))])?, try_call("to_float", vec![lit(Value::Double(2.25))])?])?)), Ok((Some("3.750000"), "FLOAT"))),
        ("to_float(1.5) * 2", Box::new(|| Ok(try_call("*", vec![try_call("to_float", vec![lit(Value::Double(1.5))])?, lit(Value::Int64(2))])?)), Ok((Some("3.000000"), "FLOAT"))),
        ("1 - 2.5", Box::new(|| Ok(try_call("-", vec![lit(Value::Int64(1)), lit(Value::Double(2.5))])?)), Ok((Some("-1.500000"), "DOUBLE"))),
        ("to_int128(5) / to_int128(2)", Box::new(|| Ok(try_call("/", vec![try_call("to_int128", vec![lit(Value::Int64(5))])?, try_call("to_int128", vec![lit(Value::Int64(2))])?])?)), Ok((Some("2"), "INT128"))),
        ("to_uint64(5) % to_uint64(3)", Box::new(|| Ok(try_call("%", vec![try_call("to_uint64", vec![lit(Value::Int64(5))])?, try_call("to_uint64", vec![lit(Value::Int64(3))])?])?)), Ok((Some("2"), "UINT64"))),
        ("12 & -4", Box::new(|| Ok(try_call("&", vec![lit(Value::Int64(12)), lit(Value::Int64(-4))])?)), Ok((Some("12"), "INT64"))),
        ("-1 >> 1", Box::new(|| Ok(try_call(">>", vec![lit(Value::Int64(-1)), lit(Value::Int64(1))])?)), Ok((Some("-1"), "INT64"))),
        ("1 << 62", Box::new(|| Ok(try_call("<<", vec![lit(Value::Int64(1)), lit(Value::Int64(62))])?)), Ok((Some("4611686018427387904"), "INT64"))),
        ("concat_ws(',', 'a')", Box::new(|| Ok(try_call("concat_ws", vec![lit(Value::String(",".into())), lit(Value::String("a".into()))])?)), Ok((Some("a"), "STRING"))),
        ("list_product([])", Box::new(|| Ok(try_call("list_product", vec![bind_list(vec![])?])?)), Ok((Some("1"), "INT64"))),
        ("list_unique([])", Box::new(|| Ok(try_call("list_unique", vec![bind_list(vec![])?])?)), Ok((Some("0"), "INT64"))),
        ("list_to_string(',', ['a', null, 'b'])", Box::new(|| Ok(try_call("list_to_string", vec![lit(Value::String(",".into())), bind_list(vec![lit(Value::String("a".into())), lit(Value::Null), lit(Value::String("b".into()))])?])?)), Ok((Some("a,b"), "STRING"))),
        ("map_extract(map(['a','b'],[1,2]), 'c')", Box::new(|| Ok(try_call("map_extract", vec![try_call("map", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into()))])?, bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))])?])?, lit(Value::String("c".into()))])?)), Ok((Some("[]"), "INT64[]"))),
        ("nullif(1, null)", Box::new(|| Ok(try_call("nullif", vec![lit(Value::Int64(1)), lit(Value::Null)])?)), Ok((Some("1"), "INT64"))),
        ("make_date(2021, 2, 30)", Box::new(|| Ok(try_call("make_date", vec![lit(Value::Int64(2021)), lit(Value::Int64(2)), lit(Value::Int64(30))])?)), Err("Conversion exception: Date out of range: 2021-2-30.")),
        ("last_day(date('2021-12-05'))", Box::new(|| Ok(try_call("last_day", vec![lit(Value::Date(18966))])?)), Ok((Some("2021-12-31"), "DATE"))),
        ("dayname(date('1969-12-31'))", Box::new(|| Ok(try_call("dayname", vec![lit(Value::Date(-1))])?)), Ok((Some("Wednesday"), "STRING"))),
        ("monthname(date('1600-02-29'))", Box::new(|| Ok(try_call("monthname", vec![lit(Value::Date(-135081))])?)), Ok((Some("February"), "STRING"))),
        ("century(date('0001-01-01'))", Box::new(|| Ok(try_call("century", vec![lit(Value::Date(-719162))])?)), Ok((Some("1"), "INT64"))),
        ("date_part('millennium', date('2000-01-01'))", Box::new(|| Ok(try_call("date_part", vec![lit(Value::String("millennium".into())), lit(Value::Date(10957))])?)), Ok((Some("2"), "INT64"))),
        ("date_part('decade', date('1999-12-31'))", Box::new(|| Ok(try_call("date_part", vec![lit(Value::String("decade".into())), lit(Value::Date(10956))])?)), Ok((Some("199"), "INT64"))),
        ("date_trunc('decade', date('1999-12-31'))", Box::new(|| Ok(try_call("date_trunc", vec![lit(Value::String("decade".into())), lit(Value::Date(10956))])?)), Ok((Some("1990-01-01"), "DATE"))),
        ("date_trunc('century', date('2001-06-01'))", Box::new(|| Ok(try_call("date_trunc", vec![lit(Value::String("century".into())), lit(Value::Date(11474))])?)), Ok((Some("2000-01-01"), "DATE"))),
        ("date_trunc('minute', timestamp('2021-07-15 13:45:30.5'))", Box::new(|| Ok(try_call("date_trunc", vec![lit(Value::String("minute".into())), lit(Value::Timestamp(1626356730500000))])?)), Ok((Some("2021-07-15 13:45:00"), "TIMESTAMP"))),
        ("date_trunc('second', timestamp('2021-07-15 13:45:30.5'))", Box::new(|| Ok(try_call("date_trunc", vec![lit(Value::String("second".into())), lit(Value::Timestamp(1626356730500000))])?)), Ok((Some("2021-07-15 13:45:30"), "TIMESTAMP"))),
        ("date_trunc('millisecond', timestamp('2021-07-15 13:45:30.123456'))", Box::new(|| Ok(try_call("date_trunc", vec![lit(Value::String("millisecond".into())), lit(Value::Timestamp(1626356730123456))])?)), Ok((Some("2021-07-15 13:45:30.123"), "TIMESTAMP"))),
        ("date('2020-02-29') - date('2019-02-28')", Box::new(|| Ok(try_call("-", vec![lit(Value::Date(18321)), lit(Value::Date(17955))])?)), Ok((Some("366"), "INT64"))),
        ("to_epoch_ms(timestamp('1969-12-31 23:59:59'))", Box::new(|| Ok(try_call("to_epoch_ms", vec![lit(Value::Timestamp(-1000000))])?)), Ok((Some("-1000"), "INT64"))),

    ];
    let mut failures = Vec::new();
    for (src, build, want) in cases {
        let got = build().and_then(|e| {
            let ty = e.ty.to_string();
            eval_constant(&e, &EvalContext::default()).map(|v| (text(&v), ty))
        });
        let ok = match (&got, &want) {
            (Ok((v, t)), Ok((wv, wt))) => v.as_deref() == *wv && t == wt,
            (Err(e), Err(we)) => e.to_string() == *we,
            _ => false,
        };
        if !ok {
            failures.push(format!("{src}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

type SuiteExpect = std::result::Result<Option<&'static str>, &'static str>;

/// `RETURN <expression>` statements of Kuzu's own function tests (test/test_files/function)
/// whose expressions use only literals and functions: expected text or error, as in the
/// suite files (error texts are right-trimmed as the runner compares them).
#[test]
fn suite_return_statements() {
    let cases: Vec<(&str, Build, SuiteExpect)> = vec![
        ("function/arithmetic.test: to_int128(100) % to_int128(3)", Box::new(|| Ok(try_call("%", vec![try_call("to_int128", vec![lit(Value::Int64(100))])?, try_call("to_int128", vec![lit(Value::Int64(3))])?])?)), Ok(Some("1"))),
        ("function/arithmetic.test: to_int128(-100) % to_int128(3)", Box::new(|| Ok(try_call("%", vec![try_call("to_int128", vec![lit(Value::Int64(-100))])?, try_call("to_int128", vec![lit(Value::Int64(3))])?])?)), Ok(Some("-1"))),
        ("function/arithmetic.test: to_int128(100) % to_int128(-3)", Box::new(|| Ok(try_call("%", vec![try_call("to_int128", vec![lit(Value::Int64(100))])?, try_call("to_int128", vec![lit(Value::Int64(-3))])?])?)), Ok(Some("1"))),
        ("function/arithmetic.test: to_int128(6) / to_int128(3)", Box::new(|| Ok(try_call("/", vec![try_call("to_int128", vec![lit(Value::Int64(6))])?, try_call("to_int128", vec![lit(Value::Int64(3))])?])?)), Ok(Some("2"))),
        ("function/arithmetic.test: to_int128(-6) / to_int128(3)", Box::new(|| Ok(try_call("/", vec![try_call("to_int128", vec![lit(Value::Int64(-6))])?, try_call("to_int128", vec![lit(Value::Int64(3))])?])?)), Ok(Some("-2"))),
        ("function/arithmetic.test: to_int128(6) / to_int128(-3)", Box::new(|| Ok(try_call("/", vec![try_call("to_int128", vec![lit(Value::Int64(6))])?, try_call("to_int128", vec![lit(Value::Int64(-3))])?])?)), Ok(Some("-2"))),
        ("function/arithmetic.test: to_int128(170141183460469231731687303715884105727)", Box::new(|| Ok(try_call("to_int128", vec![lit(Value::Int128(170141183460469231731687303715884105727))])?)), Ok(Some("170141183460469231731687303715884105727"))),
        ("function/cast.test: TO_INT64(TO_UINT64(9223372036854775807))", Box::new(|| Ok(try_call("TO_INT64", vec![try_call("TO_UINT64", vec![lit(Value::Int64(9223372036854775807))])?])?)), Ok(Some("9223372036854775807"))),
        ("function/cast.test: array_cosine_similarity([1, 2], [3.0, 4.0])", Box::new(|| Ok(try_call("array_cosine_similarity", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::Double(3.0)), lit(Value::Double(4.0))])?])?)), Err("Binder exception: ARRAY_COSINE_SIMILARITY requires argument type to be FLOAT[] or DOUBLE[].")),
        ("function/cast.test: array_cosine_similarity([1.0, 2.0], [3.0, 4.0])", Box::new(|| Ok(try_call("array_cosine_similarity", vec![bind_list(vec![lit(Value::Double(1.0)), lit(Value::Double(2.0))])?, bind_list(vec![lit(Value::Double(3.0)), lit(Value::Double(4.0))])?])?)), Ok(Some("0.983870"))),
        ("function/hash/md5.test: md5('hello')", Box::new(|| Ok(try_call("md5", vec![lit(Value::String("hello".into()))])?)), Ok(Some("5d41402abc4b2a76b9719d911017c592"))),
        ("function/hash/md5.test: md5(123)", Box::new(|| Ok(try_call("md5", vec![lit(Value::Int64(123))])?)), Ok(Some("202cb962ac59075b964b07152d234b70"))),
        ("function/hash/sha256.test: sha256('hello')", Box::new(|| Ok(try_call("sha256", vec![lit(Value::String("hello".into()))])?)), Ok(Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"))),
        ("function/hash/sha256.test: sha256('')", Box::new(|| Ok(try_call("sha256", vec![lit(Value::String("".into()))])?)), Ok(Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))),
        ("function/hash/sha256.test: sha256('1')", Box::new(|| Ok(try_call("sha256", vec![lit(Value::String("1".into()))])?)), Ok(Some("6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b"))),
        ("function/hash/sha256.test: sha256()", Box::new(|| Ok(try_call("sha256", vec![])?)), Err("Binder exception: Function SHA256 did not receive correct arguments:\nActual:   ()\nExpected: (STRING) -> STRING")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -7, 2)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-7)), lit(Value::Int64(2))])?)), Ok(Some("[a,b]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -1, 2)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-1)), lit(Value::Int64(2))])?)), Ok(Some("[]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -1, 4)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-1)), lit(Value::Int64(4))])?)), Ok(Some("[d]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -5, 4)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-5)), lit(Value::Int64(4))])?)), Ok(Some("[a,b,c,d]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -6, 2)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-6)), lit(Value::Int64(2))])?)), Ok(Some("[a,b]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -5, 2)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-5)), lit(Value::Int64(2))])?)), Ok(Some("[a,b]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 5, 6)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(5)), lit(Value::Int64(6))])?)), Ok(Some("[]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 5, 5)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(5)), lit(Value::Int64(5))])?)), Ok(Some("[]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 5, 2)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(5)), lit(Value::Int64(2))])?)), Ok(Some("[]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 4, 2)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(4)), lit(Value::Int64(2))])?)), Ok(Some("[]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -8, 0)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-8)), lit(Value::Int64(0))])?)), Ok(Some("[]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 1, 4)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(1)), lit(Value::Int64(4))])?)), Ok(Some("[a,b,c,d]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 1, 5)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(1)), lit(Value::Int64(5))])?)), Ok(Some("[a,b,c,d]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 1, -5)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(1)), lit(Value::Int64(-5))])?)), Ok(Some("[]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -8, 4)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-8)), lit(Value::Int64(4))])?)), Ok(Some("[a,b,c,d]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -8, -1)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-8)), lit(Value::Int64(-1))])?)), Ok(Some("[a,b,c,d]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -8, 1)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-8)), lit(Value::Int64(1))])?)), Ok(Some("[a]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 0, -5)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(0)), lit(Value::Int64(-5))])?)), Ok(Some("[]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 0, -3)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(0)), lit(Value::Int64(-3))])?)), Ok(Some("[a,b]"))),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 0, 10)", Box::new(|| Ok(try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(0)), lit(Value::Int64(10))])?)), Ok(Some("[a,b,c,d]"))),
        ("function/list_slice_extra.test: list_slice([1,3,4],null,1)", Box::new(|| Ok(try_call("list_slice", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(3)), lit(Value::Int64(4))])?, lit(Value::Null), lit(Value::Int64(1))])?)), Ok(None)),
        ("function/list_slice_extra.test: list_slice([1,3,4],null,null)", Box::new(|| Ok(try_call("list_slice", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(3)), lit(Value::Int64(4))])?, lit(Value::Null), lit(Value::Null)])?)), Ok(None)),
        ("function/list_slice_extra.test: list_slice('abc',null,1)", Box::new(|| Ok(try_call("list_slice", vec![lit(Value::String("abc".into())), lit(Value::Null), lit(Value::Int64(1))])?)), Ok(None)),
        ("function/list_slice_extra.test: list_slice('def',null,null)", Box::new(|| Ok(try_call("list_slice", vec![lit(Value::String("def".into())), lit(Value::Null), lit(Value::Null)])?)), Ok(None)),
        ("function/list_slice_extra.test: list_slice(null,0,1)", Box::new(|| Ok(try_call("list_slice", vec![lit(Value::Null), lit(Value::Int64(0)), lit(Value::Int64(1))])?)), Ok(None)),
        ("function/list_slice_extra.test: list_slice(null,null,1)", Box::new(|| Ok(try_call("list_slice", vec![lit(Value::Null), lit(Value::Null), lit(Value::Int64(1))])?)), Ok(None)),
        ("function/list_slice_extra.test: list_slice(null,null,null)", Box::new(|| Ok(try_call("list_slice", vec![lit(Value::Null), lit(Value::Null), lit(Value::Null)])?)), Ok(None)),
        ("function/list_slice_extra.test: list_slice([],1,1)", Box::new(|| Ok(try_call("list_slice", vec![bind_list(vec![])?, lit(Value::Int64(1)), lit(Value::Int64(1))])?)), Ok(Some("[]"))),
        ("function/map.test: map_extract(map(['a', 'c', 'e'], [4, 3, 1]), 'c')", Box::new(|| Ok(try_call("map_extract", vec![try_call("map", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("c".into())), lit(Value::String("e".into()))])?, bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(3)), lit(Value::Int64(1))])?])?, lit(Value::String("c".into()))])?)), Ok(Some("[3]"))),
        ("function/map.test: map_extract(map([[1,3], [2,4]], [to_int32(3), to_int32(5)]), [2,4])", Box::new(|| Ok(try_call("map_extract", vec![try_call("map", vec![bind_list(vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(3))])?, bind_list(vec![lit(Value::Int64(2)), lit(Value::Int64(4))])?])?, bind_list(vec![try_call("to_int32", vec![lit(Value::Int64(3))])?, try_call("to_int32", vec![lit(Value::Int64(5))])?])?])?, bind_list(vec![lit(Value::Int64(2)), lit(Value::Int64(4))])?])?)), Ok(Some("[5]"))),
        ("function/map.test: map_extract(map([4, 1, 3, 5], [to_int16(1), to_int16(4), to_int16(99), to_int16(11)]), 5)", Box::new(|| Ok(try_call("map_extract", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(1)), lit(Value::Int64(3)), lit(Value::Int64(5))])?, bind_list(vec![try_call("to_int16", vec![lit(Value::Int64(1))])?, try_call("to_int16", vec![lit(Value::Int64(4))])?, try_call("to_int16", vec![lit(Value::Int64(99))])?, try_call("to_int16", vec![lit(Value::Int64(11))])?])?])?, lit(Value::Int64(5))])?)), Ok(Some("[11]"))),
        ("function/map.test: map_extract(map([1, 88], [to_float(3.2), to_float(3.1)]), 1)", Box::new(|| Ok(try_call("map_extract", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(88))])?, bind_list(vec![try_call("to_float", vec![lit(Value::Double(3.2))])?, try_call("to_float", vec![lit(Value::Double(3.1))])?])?])?, lit(Value::Int64(1))])?)), Ok(Some("[3.200000]"))),
        ("function/map.test: element_at(map([1, 88], [[4,5], [2,3,1]]), 1)", Box::new(|| Ok(try_call("element_at", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(88))])?, bind_list(vec![bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(5))])?, bind_list(vec![lit(Value::Int64(2)), lit(Value::Int64(3)), lit(Value::Int64(1))])?])?])?, lit(Value::Int64(1))])?)), Ok(Some("[[4,5]]"))),
        ("function/map.test: cardinality(map([4, 2, 100, 20], ['a', 'b', 'd', 'e']))", Box::new(|| Ok(try_call("cardinality", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(2)), lit(Value::Int64(100)), lit(Value::Int64(20))])?, bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("d".into())), lit(Value::String("e".into()))])?])?])?)), Ok(Some("4"))),
        ("function/map.test: map_values(map([], []))", Box::new(|| Ok(try_call("map_values", vec![try_call("map", vec![bind_list(vec![])?, bind_list(vec![])?])?])?)), Ok(Some("[]"))),
        ("function/map.test: map([1,1,2], ['Alice','Bob','Carol'])", Box::new(|| Ok(try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(1)), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::String("Alice".into())), lit(Value::String("Bob".into())), lit(Value::String("Carol".into()))])?])?)), Ok(Some("{1=Alice, 1=Bob, 2=Carol}"))),
        ("function/map.test:  map_extract(map([1,1,2], ['Alice','Bob','Carol']), 1)", Box::new(|| Ok(try_call("map_extract", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(1)), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::String("Alice".into())), lit(Value::String("Bob".into())), lit(Value::String("Carol".into()))])?])?, lit(Value::Int64(1))])?)), Ok(Some("[Alice,Bob]"))),
        ("function/map.test: map([null, 3], ['Alice', 'Bob'])", Box::new(|| Ok(try_call("map", vec![bind_list(vec![lit(Value::Null), lit(Value::Int64(3))])?, bind_list(vec![lit(Value::String("Alice".into())), lit(Value::String("Bob".into()))])?])?)), Ok(Some("{=Alice, 3=Bob}"))),
        ("function/range.test: range(4, 3)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(4)), lit(Value::Int64(3))])?)), Ok(Some("[]"))),
        ("function/range.test: range(0, 0)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(0))])?)), Ok(Some("[0]"))),
        ("function/range.test: range(1, 5)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(1)), lit(Value::Int64(5))])?)), Ok(Some("[1,2,3,4,5]"))),
        ("function/range.test: range(To_INT32(-3), TO_INT32(0))", Box::new(|| Ok(try_call("range", vec![try_call("To_INT32", vec![lit(Value::Int64(-3))])?, try_call("TO_INT32", vec![lit(Value::Int64(0))])?])?)), Ok(Some("[-3,-2,-1,0]"))),
        ("function/range.test: range(To_INT16(-3), TO_INT16(0))", Box::new(|| Ok(try_call("range", vec![try_call("To_INT16", vec![lit(Value::Int64(-3))])?, try_call("TO_INT16", vec![lit(Value::Int64(0))])?])?)), Ok(Some("[-3,-2,-1,0]"))),
        ("function/range.test: range(To_INT8(-3), TO_INT16(0))", Box::new(|| Ok(try_call("range", vec![try_call("To_INT8", vec![lit(Value::Int64(-3))])?, try_call("TO_INT16", vec![lit(Value::Int64(0))])?])?)), Ok(Some("[-3,-2,-1,0]"))),
        ("function/range.test: range(To_INT8(-3), TO_INT8(0))", Box::new(|| Ok(try_call("range", vec![try_call("To_INT8", vec![lit(Value::Int64(-3))])?, try_call("TO_INT8", vec![lit(Value::Int64(0))])?])?)), Ok(Some("[-3,-2,-1,0]"))),
        ("function/range.test: range(4, 4, 2)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(4)), lit(Value::Int64(4)), lit(Value::Int64(2))])?)), Ok(Some("[4]"))),
        ("function/range.test: range(4, 4, -2)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(4)), lit(Value::Int64(4)), lit(Value::Int64(-2))])?)), Ok(Some("[4]"))),
        ("function/range.test: range(5, 1, -1)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(5)), lit(Value::Int64(1)), lit(Value::Int64(-1))])?)), Ok(Some("[5,4,3,2,1]"))),
        ("function/range.test: range(5, 1, -2)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(5)), lit(Value::Int64(1)), lit(Value::Int64(-2))])?)), Ok(Some("[5,3,1]"))),
        ("function/range.test: range(5, 1, -3)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(5)), lit(Value::Int64(1)), lit(Value::Int64(-3))])?)), Ok(Some("[5,2]"))),
        ("function/range.test: range(6, 2, 2)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(6)), lit(Value::Int64(2)), lit(Value::Int64(2))])?)), Ok(Some("[]"))),
        ("function/range.test: range(3, 6, -5)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(3)), lit(Value::Int64(6)), lit(Value::Int64(-5))])?)), Ok(Some("[]"))),
        ("function/range.test: range(3, 6, -1)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(3)), lit(Value::Int64(6)), lit(Value::Int64(-1))])?)), Ok(Some("[]"))),
        ("function/range.test: range(TO_INT32(3), 8, 2)", Box::new(|| Ok(try_call("range", vec![try_call("TO_INT32", vec![lit(Value::Int64(3))])?, lit(Value::Int64(8)), lit(Value::Int64(2))])?)), Ok(Some("[3,5,7]"))),
        ("function/range.test: range(TO_INT8(0), TO_INT16(-9), TO_INT8(-2))", Box::new(|| Ok(try_call("range", vec![try_call("TO_INT8", vec![lit(Value::Int64(0))])?, try_call("TO_INT16", vec![lit(Value::Int64(-9))])?, try_call("TO_INT8", vec![lit(Value::Int64(-2))])?])?)), Ok(Some("[0,-2,-4,-6,-8]"))),
        ("function/range.test: range(TO_INT16(5), TO_INT16(6), TO_INT16(1))", Box::new(|| Ok(try_call("range", vec![try_call("TO_INT16", vec![lit(Value::Int64(5))])?, try_call("TO_INT16", vec![lit(Value::Int64(6))])?, try_call("TO_INT16", vec![lit(Value::Int64(1))])?])?)), Ok(Some("[5,6]"))),
        ("function/range.test: range(TO_INT32(5), 25, TO_INT32(10))", Box::new(|| Ok(try_call("range", vec![try_call("TO_INT32", vec![lit(Value::Int64(5))])?, lit(Value::Int64(25)), try_call("TO_INT32", vec![lit(Value::Int64(10))])?])?)), Ok(Some("[5,15,25]"))),
        ("function/range.test: range(TO_INT32(5), TO_INT32(26), TO_INT32(10))", Box::new(|| Ok(try_call("range", vec![try_call("TO_INT32", vec![lit(Value::Int64(5))])?, try_call("TO_INT32", vec![lit(Value::Int64(26))])?, try_call("TO_INT32", vec![lit(Value::Int64(10))])?])?)), Ok(Some("[5,15,25]"))),
        ("function/range.test: range(TO_INT8(-128), TO_INT8(127), TO_INT8(127))", Box::new(|| Ok(try_call("range", vec![try_call("TO_INT8", vec![lit(Value::Int64(-128))])?, try_call("TO_INT8", vec![lit(Value::Int64(127))])?, try_call("TO_INT8", vec![lit(Value::Int64(127))])?])?)), Ok(Some("[-128,-1,126]"))),
        ("function/range.test: range(3, 4, 0)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(3)), lit(Value::Int64(4)), lit(Value::Int64(0))])?)), Err("Runtime exception: Step of range cannot be 0.")),
        ("function/range.test: range(0, -1, 9223372036854775807)", Box::new(|| Ok(try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(-1)), lit(Value::Int64(9223372036854775807))])?)), Ok(Some("[]"))),
        ("function/string/concat_ws.test: CONCAT_WS(',', '1', '3', '5', '7')", Box::new(|| Ok(try_call("CONCAT_WS", vec![lit(Value::String(",".into())), lit(Value::String("1".into())), lit(Value::String("3".into())), lit(Value::String("5".into())), lit(Value::String("7".into()))])?)), Ok(Some("1,3,5,7"))),
        ("function/string/concat_ws.test: CONCAT_WS('--', 'alice', 'bob', 'carol', 'dan')", Box::new(|| Ok(try_call("CONCAT_WS", vec![lit(Value::String("--".into())), lit(Value::String("alice".into())), lit(Value::String("bob".into())), lit(Value::String("carol".into())), lit(Value::String("dan".into()))])?)), Ok(Some("alice--bob--carol--dan"))),
        ("function/string/concat_ws.test: CONCAT_WS('-follows-', 'toronto', 'waterloo', 'kitchener', 'ca')", Box::new(|| Ok(try_call("CONCAT_WS", vec![lit(Value::String("-follows-".into())), lit(Value::String("toronto".into())), lit(Value::String("waterloo".into())), lit(Value::String("kitchener".into())), lit(Value::String("ca".into()))])?)), Ok(Some("toronto-follows-waterloo-follows-kitchener-follows-ca"))),
        ("function/string/concat_ws.test: CONCAT_WS(',', '1', '3', '5', '7')", Box::new(|| Ok(try_call("CONCAT_WS", vec![lit(Value::String(",".into())), lit(Value::String("1".into())), lit(Value::String("3".into())), lit(Value::String("5".into())), lit(Value::String("7".into()))])?)), Ok(Some("1,3,5,7"))),
        ("function/string/concat_ws.test: CONCAT_WS(5, 'test1', 'test2')", Box::new(|| Ok(try_call("CONCAT_WS", vec![lit(Value::Int64(5)), lit(Value::String("test1".into())), lit(Value::String("test2".into()))])?)), Err("Binder exception: concat_ws expects all string parameters. Got: INT64.")),
        ("function/string/concat_ws.test: CONCAT_WS('ac', 'test1', 55)", Box::new(|| Ok(try_call("CONCAT_WS", vec![lit(Value::String("ac".into())), lit(Value::String("test1".into())), lit(Value::Int64(55))])?)), Err("Binder exception: concat_ws expects all string parameters. Got: INT64.")),
        ("function/string/concat_ws.test: CONCAT_WS()", Box::new(|| Ok(try_call("CONCAT_WS", vec![])?)), Err("Binder exception: concat_ws expects at least two parameters. Got: 0.")),
        ("function/string/concat_ws.test: CONCAT_WS(5)", Box::new(|| Ok(try_call("CONCAT_WS", vec![lit(Value::Int64(5))])?)), Err("Binder exception: concat_ws expects at least two parameters. Got: 1.")),
        ("function/string_function/list_append.test: LIST_APPEND([], '5')", Box::new(|| Ok(try_call("LIST_APPEND", vec![bind_list(vec![])?, lit(Value::String("5".into()))])?)), Ok(Some("[5]"))),
        ("function/string_function/list_append.test: LIST_APPEND([], 7)", Box::new(|| Ok(try_call("LIST_APPEND", vec![bind_list(vec![])?, lit(Value::Int64(7))])?)), Ok(Some("[7]"))),
        ("function/string_function/list_append.test: LIST_APPEND([], null)", Box::new(|| Ok(try_call("LIST_APPEND", vec![bind_list(vec![])?, lit(Value::Null)])?)), Ok(None)),
        ("function/string_function/list_append.test: LIST_APPEND(null, null)", Box::new(|| Ok(try_call("LIST_APPEND", vec![lit(Value::Null), lit(Value::Null)])?)), Ok(None)),
        ("function/string_function/list_prepend.test: LIST_PREPEND([], '5')", Box::new(|| Ok(try_call("LIST_PREPEND", vec![bind_list(vec![])?, lit(Value::String("5".into()))])?)), Ok(Some("[5]"))),
        ("function/string_function/list_prepend.test: LIST_PREPEND([], 7)", Box::new(|| Ok(try_call("LIST_PREPEND", vec![bind_list(vec![])?, lit(Value::Int64(7))])?)), Ok(Some("[7]"))),
        ("function/string_function/list_prepend.test: LIST_PREPEND([], null)", Box::new(|| Ok(try_call("LIST_PREPEND", vec![bind_list(vec![])?, lit(Value::Null)])?)), Ok(None)),
        ("function/string_function/list_prepend.test: LIST_PREPEND(null, null)", Box::new(|| Ok(try_call("LIST_PREPEND", vec![lit(Value::Null), lit(Value::Null)])?)), Ok(None)),
        ("function/string_utf8.test: reverse('成績評価の甘い授業が高く評価')", Box::new(|| Ok(try_call("reverse", vec![lit(Value::String("成績評価の甘い授業が高く評価".into()))])?)), Ok(Some("価評く高が業授い甘の価評績成"))),
        ("function/string_utf8.test: ltrim('    😃🧘🏻‍♂️🌍🌦️🍞🚗')", Box::new(|| Ok(try_call("ltrim", vec![lit(Value::String("    😃🧘🏻‍♂️🌍🌦️🍞🚗".into()))])?)), Ok(Some("😃🧘🏻‍♂️🌍🌦️🍞🚗"))),
        ("function/string_utf8.test: prefix('😃🧘🏻‍♂️🌍🌦️🍞🚗','😃🧘🏻‍')", Box::new(|| Ok(try_call("prefix", vec![lit(Value::String("😃🧘🏻‍♂️🌍🌦️🍞🚗".into())), lit(Value::String("😃🧘🏻‍".into()))])?)), Ok(Some("True"))),
        ("function/string_utf8.test: repeat('😃🧘🏻‍♂️🌍🌦️🍞🚗',3)", Box::new(|| Ok(try_call("repeat", vec![lit(Value::String("😃🧘🏻‍♂️🌍🌦️🍞🚗".into())), lit(Value::Int64(3))])?)), Ok(Some("😃🧘🏻‍♂️🌍🌦️🍞🚗😃🧘🏻‍♂️🌍🌦️🍞🚗😃🧘🏻‍♂️🌍🌦️🍞🚗"))),
        ("function/string_utf8.test: right('😃🧘🏻‍♂️🌍🌦️🍞🚗', 3)", Box::new(|| Ok(try_call("right", vec![lit(Value::String("😃🧘🏻‍♂️🌍🌦️🍞🚗".into())), lit(Value::Int64(3))])?)), Ok(Some("🌦️🍞🚗"))),
        ("function/string_utf8.test: rpad('😃🌍♂', 5,'<')", Box::new(|| Ok(try_call("rpad", vec![lit(Value::String("😃🌍♂".into())), lit(Value::Int64(5)), lit(Value::String("<".into()))])?)), Ok(Some("😃🌍♂<<"))),
        ("function/string_utf8.test: rpad('😃🌍♂🍞🚗', 7,'<')", Box::new(|| Ok(try_call("rpad", vec![lit(Value::String("😃🌍♂🍞🚗".into())), lit(Value::Int64(7)), lit(Value::String("<".into()))])?)), Ok(Some("😃🌍♂🍞🚗<<"))),
        ("function/string_utf8.test: rpad('😃🌍♂🌦🍞🚗', 7,'<')", Box::new(|| Ok(try_call("rpad", vec![lit(Value::String("😃🌍♂🌦🍞🚗".into())), lit(Value::Int64(7)), lit(Value::String("<".into()))])?)), Ok(Some("😃🌍♂🌦🍞🚗<"))),
        ("function/string_utf8.test: starts_with('😃🧘🏻‍♂️🌍🌦️🍞🚗', '😃🧘🏻‍')", Box::new(|| Ok(try_call("starts_with", vec![lit(Value::String("😃🧘🏻‍♂️🌍🌦️🍞🚗".into())), lit(Value::String("😃🧘🏻‍".into()))])?)), Ok(Some("True"))),
        ("function/string_utf8.test: starts_with('成績評価の甘い授業が高く評価', '成績')", Box::new(|| Ok(try_call("starts_with", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::String("成績".into()))])?)), Ok(Some("True"))),
        ("function/string_utf8.test: substring('😃🌍🌦️🍞🚗', 1,3)", Box::new(|| Ok(try_call("substring", vec![lit(Value::String("😃🌍🌦️🍞🚗".into())), lit(Value::Int64(1)), lit(Value::Int64(3))])?)), Ok(Some("😃🌍🌦️"))),
        ("function/string_utf8.test: substring('成績評価の甘い授業が高く評価', 1,3)", Box::new(|| Ok(try_call("substring", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::Int64(1)), lit(Value::Int64(3))])?)), Ok(Some("成績評"))),
        ("function/string_utf8.test: substring('😃🧘♂🌍', 1,3)", Box::new(|| Ok(try_call("substring", vec![lit(Value::String("😃🧘♂🌍".into())), lit(Value::Int64(1)), lit(Value::Int64(3))])?)), Ok(Some("😃🧘♂"))),
        ("function/string_utf8.test: substr('成績評価の甘い授業が高く評価', 1,3)", Box::new(|| Ok(try_call("substr", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::Int64(1)), lit(Value::Int64(3))])?)), Ok(Some("成績評"))),
        ("function/string_utf8.test: suffix('成績評価の甘い授業が高く評価', '高く評価')", Box::new(|| Ok(try_call("suffix", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::String("高く評価".into()))])?)), Ok(Some("True"))),
        ("function/string_utf8.test: trim('        成績評価の甘い授業が高く評価')", Box::new(|| Ok(try_call("trim", vec![lit(Value::String("        成績評価の甘い授業が高く評価".into()))])?)), Ok(Some("成績評価の甘い授業が高く評価"))),
        ("function/string_utf8.test: trim('        成 績      評価の甘い授業が高く評価')", Box::new(|| Ok(try_call("trim", vec![lit(Value::String("        成 績      評価の甘い授業が高く評価".into()))])?)), Ok(Some("成 績      評価の甘い授業が高く評価"))),
        ("function/utility/coalesce.test: coalesce()", Box::new(|| Ok(try_call("coalesce", vec![])?)), Err("Binder exception: COALESCE requires at least one argument")),
        ("function/utility/coalesce.test: coalesce([1, 2, 3], [1.5, 2.5])", Box::new(|| Ok(try_call("coalesce", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, bind_list(vec![lit(Value::Double(1.5)), lit(Value::Double(2.5))])?])?)), Ok(Some("[1.000000,2.000000,3.000000]"))),
        ("function/utility/count_if.test: count_if(true)", Box::new(|| Ok(try_call("count_if", vec![lit(Value::Bool(true))])?)), Ok(Some("1"))),
        ("function/utility/typeof.test: typeof(true)", Box::new(|| Ok(try_call("typeof", vec![lit(Value::Bool(true))])?)), Ok(Some("BOOL"))),
        ("function/utility/typeof.test: typeof([[1, 2, 3], [4, 5]])", Box::new(|| Ok(try_call("typeof", vec![bind_list(vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(5))])?])?])?)), Ok(Some("INT64[][]"))),
        ("function/utility/typeof.test: typeof(map([1, 2], ['a', 'b']))", Box::new(|| Ok(try_call("typeof", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into()))])?])?])?)), Ok(Some("MAP(INT64, STRING)"))),

    ];
    let mut failures = Vec::new();
    for (src, build, want) in cases {
        let got =
            build().and_then(|e| eval_constant(&e, &EvalContext::default()).map(|v| text(&v)));
        let ok = match (&got, &want) {
            (Ok(v), Ok(w)) => v.as_deref() == *w,
            (Err(e), Err(we)) => e.to_string().trim_end() == *we,
            _ => false,
        };
        if !ok {
            failures.push(format!("{src}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

type Row = Box<dyn Fn() -> Result<Vec<BoundExpr>>>;

/// Every literal-only `RETURN` statement of the suite (all areas) that a small expression
/// parser can turn into bound expressions: operators, three-valued logic, comparisons, CASE,
/// IN, list/struct literals and functions. Expected: the single result row (columns joined by
/// `|`) or the error text.
#[test]
fn suite_literal_return_rows() {
    let cases: Vec<(&str, Row, std::result::Result<&str, &str>)> = vec![
        ("cast/implicit_cast.test: to_int128(to_uint64(12))", Box::new(|| Ok(vec![try_call("to_int128", vec![try_call("to_uint64", vec![lit(Value::Int64(12))])?])?])), Ok("12")),
        ("cast/implicit_cast.test: to_int128(to_uint64(12))", Box::new(|| Ok(vec![try_call("to_int128", vec![try_call("to_uint64", vec![lit(Value::Int64(12))])?])?])), Ok("12")),
        ("cast/implicit_cast.test: to_int128(to_uint32(12))", Box::new(|| Ok(vec![try_call("to_int128", vec![try_call("to_uint32", vec![lit(Value::Int64(12))])?])?])), Ok("12")),
        ("cast/implicit_cast.test: to_int128(to_uint16(12))", Box::new(|| Ok(vec![try_call("to_int128", vec![try_call("to_uint16", vec![lit(Value::Int64(12))])?])?])), Ok("12")),
        ("cast/implicit_cast.test: to_int128(to_uint8(12))", Box::new(|| Ok(vec![try_call("to_int128", vec![try_call("to_uint8", vec![lit(Value::Int64(12))])?])?])), Ok("12")),
        ("cast/implicit_cast.test: left(to_bool(\"true\"), 4)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_bool", vec![lit(Value::String("true".into()))])?, lit(Value::Int64(4))])?])), Ok("True")),
        ("cast/implicit_cast.test: left(to_double(1.34), 8)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_double", vec![lit(Value::Double(1.34))])?, lit(Value::Int64(8))])?])), Ok("1.340000")),
        ("cast/implicit_cast.test: left(to_float(1.34), 8)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_float", vec![lit(Value::Double(1.34))])?, lit(Value::Int64(8))])?])), Ok("1.340000")),
        ("cast/implicit_cast.test: left(to_int128(134), 3)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_int128", vec![lit(Value::Int64(134))])?, lit(Value::Int64(3))])?])), Ok("134")),
        ("cast/implicit_cast.test: left(to_int64(134), 3)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_int64", vec![lit(Value::Int64(134))])?, lit(Value::Int64(3))])?])), Ok("134")),
        ("cast/implicit_cast.test: left(to_int32(134), 3)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_int32", vec![lit(Value::Int64(134))])?, lit(Value::Int64(3))])?])), Ok("134")),
        ("cast/implicit_cast.test: left(to_int16(134), 3)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_int16", vec![lit(Value::Int64(134))])?, lit(Value::Int64(3))])?])), Ok("134")),
        ("cast/implicit_cast.test: left(to_int8(13), 2)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_int8", vec![lit(Value::Int64(13))])?, lit(Value::Int64(2))])?])), Ok("13")),
        ("cast/implicit_cast.test: left(to_uint64(134), 3)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_uint64", vec![lit(Value::Int64(134))])?, lit(Value::Int64(3))])?])), Ok("134")),
        ("cast/implicit_cast.test: left(to_uint32(134), 3)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_uint32", vec![lit(Value::Int64(134))])?, lit(Value::Int64(3))])?])), Ok("134")),
        ("cast/implicit_cast.test: left(to_uint16(134), 3)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_uint16", vec![lit(Value::Int64(134))])?, lit(Value::Int64(3))])?])), Ok("134")),
        ("cast/implicit_cast.test: left(to_uint8(134), 3)", Box::new(|| Ok(vec![try_call("left", vec![try_call("to_uint8", vec![lit(Value::Int64(134))])?, lit(Value::Int64(3))])?])), Ok("134")),
        ("cast/implicit_cast.test: left(uuid('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'), 36)", Box::new(|| Ok(vec![try_call("left", vec![try_call("uuid", vec![lit(Value::String("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11".into()))])?, lit(Value::Int64(36))])?])), Ok("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
        ("exceptions/exception.test: 1 / 0", Box::new(|| Ok(vec![try_call("/", vec![lit(Value::Int64(1)), lit(Value::Int64(0))])?])), Err("Runtime exception: Divide by zero.")),
        ("exceptions/exception.test: 1 % 0", Box::new(|| Ok(vec![try_call("%", vec![lit(Value::Int64(1)), lit(Value::Int64(0))])?])), Err("Runtime exception: Modulo by zero.")),
        ("exceptions/exception.test: to_int16(10000000000)", Box::new(|| Ok(vec![try_call("to_int16", vec![lit(Value::Int64(10000000000))])?])), Err("Overflow exception: Value 10000000000 is not within INT16 range")),
        ("exceptions/exception.test: MAP([4],[3,2])", Box::new(|| Ok(vec![try_call("MAP", vec![bind_list(vec![lit(Value::Int64(4))])?, bind_list(vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?])), Err("Runtime exception: Unaligned key list and value list.")),
        ("exceptions/transaction.test: make_date(2011,1,32)", Box::new(|| Ok(vec![try_call("make_date", vec![lit(Value::Int64(2011)), lit(Value::Int64(1)), lit(Value::Int64(32))])?])), Err("Conversion exception: Date out of range: 2011-1-32.")),
        ("function/arithmetic.test: to_int128(100) % to_int128(3)", Box::new(|| Ok(vec![try_call("%", vec![try_call("to_int128", vec![lit(Value::Int64(100))])?, try_call("to_int128", vec![lit(Value::Int64(3))])?])?])), Ok("1")),
        ("function/arithmetic.test: to_int128(-100) % to_int128(3)", Box::new(|| Ok(vec![try_call("%", vec![try_call("to_int128", vec![lit(Value::Int64(-100))])?, try_call("to_int128", vec![lit(Value::Int64(3))])?])?])), Ok("-1")),
        ("function/arithmetic.test: to_int128(100) % to_int128(-3)", Box::new(|| Ok(vec![try_call("%", vec![try_call("to_int128", vec![lit(Value::Int64(100))])?, try_call("to_int128", vec![lit(Value::Int64(-3))])?])?])), Ok("1")),
        ("function/arithmetic.test: to_int128(6) / to_int128(3)", Box::new(|| Ok(vec![try_call("/", vec![try_call("to_int128", vec![lit(Value::Int64(6))])?, try_call("to_int128", vec![lit(Value::Int64(3))])?])?])), Ok("2")),
        ("function/arithmetic.test: to_int128(-6) / to_int128(3)", Box::new(|| Ok(vec![try_call("/", vec![try_call("to_int128", vec![lit(Value::Int64(-6))])?, try_call("to_int128", vec![lit(Value::Int64(3))])?])?])), Ok("-2")),
        ("function/arithmetic.test: to_int128(6) / to_int128(-3)", Box::new(|| Ok(vec![try_call("/", vec![try_call("to_int128", vec![lit(Value::Int64(6))])?, try_call("to_int128", vec![lit(Value::Int64(-3))])?])?])), Ok("-2")),
        ("function/arithmetic.test: to_int128(170141183460469231731687303715884105727)", Box::new(|| Ok(vec![try_call("to_int128", vec![lit(Value::Int128(170141183460469231731687303715884105727))])?])), Ok("170141183460469231731687303715884105727")),
        ("function/boolean.test: NOT NOT TRUE, NOT NOT NOT FALSE", Box::new(|| Ok(vec![bind_not(bind_not(lit(Value::Bool(true)))?)?, bind_not(bind_not(bind_not(lit(Value::Bool(false)))?)?)?])), Ok("True|True")),
        ("function/case.test: CASE NULL  WHEN NULL THEN \"Null value\" ELSE \"Not null value\" END", Box::new(|| Ok(vec![bind_case(Some(lit(Value::Null)), vec![(lit(Value::Null), lit(Value::String("Null value".into())))], Some(lit(Value::String("Not null value".into()))))?])), Ok("Null value")),
        ("function/case.test: CASE WHEN 4 % 2 = 0 THEN 100 ELSE 50 END", Box::new(|| Ok(vec![bind_case(None, vec![(bind_comparison(CmpOp::Eq, try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, lit(Value::Int64(0)))?, lit(Value::Int64(100)))], Some(lit(Value::Int64(50))))?])), Ok("100")),
        ("function/cast.test: TO_INT64(TO_UINT64(9223372036854775807))", Box::new(|| Ok(vec![try_call("TO_INT64", vec![try_call("TO_UINT64", vec![lit(Value::Int64(9223372036854775807))])?])?])), Ok("9223372036854775807")),
        ("function/cast.test: TO_INT32(TO_UINT64(\"43242\"))", Box::new(|| Ok(vec![try_call("TO_INT32", vec![try_call("TO_UINT64", vec![lit(Value::String("43242".into()))])?])?])), Ok("43242")),
        ("function/cast.test: TO_INT32(TO_UINT32(\"43242\"))", Box::new(|| Ok(vec![try_call("TO_INT32", vec![try_call("TO_UINT32", vec![lit(Value::String("43242".into()))])?])?])), Ok("43242")),
        ("function/cast.test: to_uint8(to_double(1)), to_uint16(to_double(2)), to_uint32(to_double(3)), to_uint64(to_double(4)), to_int128(to_double(5))", Box::new(|| Ok(vec![try_call("to_uint8", vec![try_call("to_double", vec![lit(Value::Int64(1))])?])?, try_call("to_uint16", vec![try_call("to_double", vec![lit(Value::Int64(2))])?])?, try_call("to_uint32", vec![try_call("to_double", vec![lit(Value::Int64(3))])?])?, try_call("to_uint64", vec![try_call("to_double", vec![lit(Value::Int64(4))])?])?, try_call("to_int128", vec![try_call("to_double", vec![lit(Value::Int64(5))])?])?])), Ok("1|2|3|4|5")),
        ("function/cast.test: to_uint8(to_float(1)), to_uint16(to_float(2)), to_uint32(to_float(3)), to_uint64(to_float(4)), to_int128(to_float(5))", Box::new(|| Ok(vec![try_call("to_uint8", vec![try_call("to_float", vec![lit(Value::Int64(1))])?])?, try_call("to_uint16", vec![try_call("to_float", vec![lit(Value::Int64(2))])?])?, try_call("to_uint32", vec![try_call("to_float", vec![lit(Value::Int64(3))])?])?, try_call("to_uint64", vec![try_call("to_float", vec![lit(Value::Int64(4))])?])?, try_call("to_int128", vec![try_call("to_float", vec![lit(Value::Int64(5))])?])?])), Ok("1|2|3|4|5")),
        ("function/cast.test: TO_INT64(\"12\")", Box::new(|| Ok(vec![try_call("TO_INT64", vec![lit(Value::String("12".into()))])?])), Ok("12")),
        ("function/cast.test: TO_INT64(\"9223372036854775807\")", Box::new(|| Ok(vec![try_call("TO_INT64", vec![lit(Value::String("9223372036854775807".into()))])?])), Ok("9223372036854775807")),
        ("function/cast.test: TO_SERIAL(\"9223372036854775807\")", Box::new(|| Ok(vec![try_call("TO_SERIAL", vec![lit(Value::String("9223372036854775807".into()))])?])), Ok("9223372036854775807")),
        ("function/cast.test: TO_INT64(\"-9223372036854775808\")", Box::new(|| Ok(vec![try_call("TO_INT64", vec![lit(Value::String("-9223372036854775808".into()))])?])), Ok("-9223372036854775808")),
        ("function/cast.test: TO_INT32(\"2147483647\")", Box::new(|| Ok(vec![try_call("TO_INT32", vec![lit(Value::String("2147483647".into()))])?])), Ok("2147483647")),
        ("function/cast.test: TO_INT32(\"-2147483648\")", Box::new(|| Ok(vec![try_call("TO_INT32", vec![lit(Value::String("-2147483648".into()))])?])), Ok("-2147483648")),
        ("function/cast.test: TO_INT16(\"32767\")", Box::new(|| Ok(vec![try_call("TO_INT16", vec![lit(Value::String("32767".into()))])?])), Ok("32767")),
        ("function/cast.test: TO_INT16(\"-32768\")", Box::new(|| Ok(vec![try_call("TO_INT16", vec![lit(Value::String("-32768".into()))])?])), Ok("-32768")),
        ("function/cast.test: TO_INT8(\"0\")", Box::new(|| Ok(vec![try_call("TO_INT8", vec![lit(Value::String("0".into()))])?])), Ok("0")),
        ("function/cast.test: TO_INT8(\"-128\")", Box::new(|| Ok(vec![try_call("TO_INT8", vec![lit(Value::String("-128".into()))])?])), Ok("-128")),
        ("function/cast.test: TO_UINT64(\"0\")", Box::new(|| Ok(vec![try_call("TO_UINT64", vec![lit(Value::String("0".into()))])?])), Ok("0")),
        ("function/cast.test: TO_UINT64(\"4320492\")", Box::new(|| Ok(vec![try_call("TO_UINT64", vec![lit(Value::String("4320492".into()))])?])), Ok("4320492")),
        ("function/cast.test: TO_UINT32(\"4294967295\")", Box::new(|| Ok(vec![try_call("TO_UINT32", vec![lit(Value::String("4294967295".into()))])?])), Ok("4294967295")),
        ("function/cast.test: TO_UINT16(\"65535\")", Box::new(|| Ok(vec![try_call("TO_UINT16", vec![lit(Value::String("65535".into()))])?])), Ok("65535")),
        ("function/cast.test: TO_UINT8(\"255\")", Box::new(|| Ok(vec![try_call("TO_UINT8", vec![lit(Value::String("255".into()))])?])), Ok("255")),
        ("function/cast.test: TO_INT128(\"1844674407370955161811111111\")", Box::new(|| Ok(vec![try_call("TO_INT128", vec![lit(Value::String("1844674407370955161811111111".into()))])?])), Ok("1844674407370955161811111111")),
        ("function/cast.test: TO_FLOAT(\"   3.294\")", Box::new(|| Ok(vec![try_call("TO_FLOAT", vec![lit(Value::String("   3.294".into()))])?])), Ok("3.294000")),
        ("function/cast.test: TO_FLOAT(\"3.294\")", Box::new(|| Ok(vec![try_call("TO_FLOAT", vec![lit(Value::String("3.294".into()))])?])), Ok("3.294000")),
        ("function/cast.test: TO_FLOAT(\"0.99\")", Box::new(|| Ok(vec![try_call("TO_FLOAT", vec![lit(Value::String("0.99".into()))])?])), Ok("0.990000")),
        ("function/cast.test: TO_FLOAT(\"42341.43299123\")", Box::new(|| Ok(vec![try_call("TO_FLOAT", vec![lit(Value::String("42341.43299123".into()))])?])), Ok("42341.433594")),
        ("function/cast.test: TO_DOUBLE(\"3.294   \")", Box::new(|| Ok(vec![try_call("TO_DOUBLE", vec![lit(Value::String("3.294   ".into()))])?])), Ok("3.294000")),
        ("function/cast.test: TO_DOUBLE(\"      3.294   \")", Box::new(|| Ok(vec![try_call("TO_DOUBLE", vec![lit(Value::String("      3.294   ".into()))])?])), Ok("3.294000")),
        ("function/cast.test: TO_BOOL(\"TRUE\")", Box::new(|| Ok(vec![try_call("TO_BOOL", vec![lit(Value::String("TRUE".into()))])?])), Ok("True")),
        ("function/cast.test: TO_BOOL(\"1\")", Box::new(|| Ok(vec![try_call("TO_BOOL", vec![lit(Value::String("1".into()))])?])), Ok("True")),
        ("function/cast.test: TO_BOOL(\"tRUE\")", Box::new(|| Ok(vec![try_call("TO_BOOL", vec![lit(Value::String("tRUE".into()))])?])), Ok("True")),
        ("function/cast.test: TO_BOOL(\"  t   \")", Box::new(|| Ok(vec![try_call("TO_BOOL", vec![lit(Value::String("  t   ".into()))])?])), Ok("True")),
        ("function/cast.test: TO_BOOL(\"T  \")", Box::new(|| Ok(vec![try_call("TO_BOOL", vec![lit(Value::String("T  ".into()))])?])), Ok("True")),
        ("function/cast.test: TO_BOOL(\"false\")", Box::new(|| Ok(vec![try_call("TO_BOOL", vec![lit(Value::String("false".into()))])?])), Ok("False")),
        ("function/cast.test: TO_BOOL(\"   F\")", Box::new(|| Ok(vec![try_call("TO_BOOL", vec![lit(Value::String("   F".into()))])?])), Ok("False")),
        ("function/cast.test: TO_BOOL(\"0\")", Box::new(|| Ok(vec![try_call("TO_BOOL", vec![lit(Value::String("0".into()))])?])), Ok("False")),
        ("function/cast.test: TO_BOOL(\"0\")", Box::new(|| Ok(vec![try_call("TO_BOOL", vec![lit(Value::String("0".into()))])?])), Ok("False")),
        ("function/cast.test: to_int8(to_int128(1)), to_int16(to_int128(2)), to_int32(to_int128(3)), to_int64(to_int128(4)), to_uint8(to_int128(5)), to_uint16(to_int128(6)), to_uint32(to_int128(7)), to_uint64(to_int128(8))", Box::new(|| Ok(vec![try_call("to_int8", vec![try_call("to_int128", vec![lit(Value::Int64(1))])?])?, try_call("to_int16", vec![try_call("to_int128", vec![lit(Value::Int64(2))])?])?, try_call("to_int32", vec![try_call("to_int128", vec![lit(Value::Int64(3))])?])?, try_call("to_int64", vec![try_call("to_int128", vec![lit(Value::Int64(4))])?])?, try_call("to_uint8", vec![try_call("to_int128", vec![lit(Value::Int64(5))])?])?, try_call("to_uint16", vec![try_call("to_int128", vec![lit(Value::Int64(6))])?])?, try_call("to_uint32", vec![try_call("to_int128", vec![lit(Value::Int64(7))])?])?, try_call("to_uint64", vec![try_call("to_int128", vec![lit(Value::Int64(8))])?])?])), Ok("1|2|3|4|5|6|7|8")),
        ("function/cast.test: TO_FLOAT(170141183460469231731687303715884105727), TO_INT64(-4324324)", Box::new(|| Ok(vec![try_call("TO_FLOAT", vec![lit(Value::Int128(170141183460469231731687303715884105727))])?, try_call("TO_INT64", vec![lit(Value::Int64(-4324324))])?])), Ok("170141183460469231731687303715884105728.000000|-4324324")),
        ("function/cast.test: [], [[]], [{'b': NULL}]", Box::new(|| Ok(vec![bind_list(vec![])?, bind_list(vec![bind_list(vec![])?])?, bind_list(vec![bind_struct(vec![("b".to_string(), lit(Value::Null))])])?])), Ok("[]|[[]]|[{b: }]")),
        ("function/cast.test: {'a': NULL}, {'c': []}, {'d': {'x': NULL}}", Box::new(|| Ok(vec![bind_struct(vec![("a".to_string(), lit(Value::Null))]), bind_struct(vec![("c".to_string(), bind_list(vec![])?)]), bind_struct(vec![("d".to_string(), bind_struct(vec![("x".to_string(), lit(Value::Null))]))])])), Ok("{a: }|{c: []}|{d: {x: }}")),
        ("function/cast.test: map([1,2], [NULL, NULL]), map([1,2], ['a', NULL])", Box::new(|| Ok(vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::Null), lit(Value::Null)])?])?, try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::String("a".into())), lit(Value::Null)])?])?])), Ok("{1=, 2=}|{1=a, 2=}")),
        ("function/cast.test: map([NULL, NULL], [1, 2])", Box::new(|| Ok(vec![try_call("map_checked", vec![bind_list(vec![lit(Value::Null), lit(Value::Null)])?, bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))])?])?])), Err("Runtime exception: Null value key is not allowed in map.")),
        ("function/cast.test: array_cosine_similarity([1, 2], [3.0, 4.0])", Box::new(|| Ok(vec![try_call("array_cosine_similarity", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::Double(3.0)), lit(Value::Double(4.0))])?])?])), Err("Binder exception: ARRAY_COSINE_SIMILARITY requires argument type to be FLOAT[] or DOUBLE[].")),
        ("function/cast.test: array_cosine_similarity([1.0, 2.0], [3.0, 4.0])", Box::new(|| Ok(vec![try_call("array_cosine_similarity", vec![bind_list(vec![lit(Value::Double(1.0)), lit(Value::Double(2.0))])?, bind_list(vec![lit(Value::Double(3.0)), lit(Value::Double(4.0))])?])?])), Ok("0.983870")),
        ("function/cast.test: [\"Alice\", 1] AS l", Box::new(|| Ok(vec![bind_list(vec![lit(Value::String("Alice".into())), lit(Value::Int64(1))])?])), Err("Binder exception: Expression Alice has data type STRING but expected INT64. Implicit cast is not supported.")),
        ("function/comparison.test: [3,4] > [3,NULL]", Box::new(|| Ok(vec![bind_comparison(CmpOp::Gt, bind_list(vec![lit(Value::Int64(3)), lit(Value::Int64(4))])?, bind_list(vec![lit(Value::Int64(3)), lit(Value::Null)])?)?])), Ok("False")),
        ("function/comparison.test: [3, NULL, 2] > [3,NULL]", Box::new(|| Ok(vec![bind_comparison(CmpOp::Gt, bind_list(vec![lit(Value::Int64(3)), lit(Value::Null), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::Int64(3)), lit(Value::Null)])?)?])), Ok("True")),
        ("function/comparison.test: [NULL, 2] <> [NULL]", Box::new(|| Ok(vec![bind_comparison(CmpOp::Ne, bind_list(vec![lit(Value::Null), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::Null)])?)?])), Ok("True")),
        ("function/comparison.test: {a: 2, b: null} > {a: 2, b: 3}", Box::new(|| Ok(vec![bind_comparison(CmpOp::Gt, bind_struct(vec![("a".to_string(), lit(Value::Int64(2))), ("b".to_string(), lit(Value::Null))]), bind_struct(vec![("a".to_string(), lit(Value::Int64(2))), ("b".to_string(), lit(Value::Int64(3)))]))?])), Ok("True")),
        ("function/comparison.test: {a: 2, b: null} > {a: 2, b: null}", Box::new(|| Ok(vec![bind_comparison(CmpOp::Gt, bind_struct(vec![("a".to_string(), lit(Value::Int64(2))), ("b".to_string(), lit(Value::Null))]), bind_struct(vec![("a".to_string(), lit(Value::Int64(2))), ("b".to_string(), lit(Value::Null))]))?])), Ok("False")),
        ("function/comparison.test: {a: 2, b: null} <> {a: 2, b: null}", Box::new(|| Ok(vec![bind_comparison(CmpOp::Ne, bind_struct(vec![("a".to_string(), lit(Value::Int64(2))), ("b".to_string(), lit(Value::Null))]), bind_struct(vec![("a".to_string(), lit(Value::Int64(2))), ("b".to_string(), lit(Value::Null))]))?])), Ok("False")),
        ("function/hash/md5.test: md5(NULL)", Box::new(|| Ok(vec![try_call("md5", vec![lit(Value::Null)])?])), Ok("")),
        ("function/hash/md5.test: md5('hello')", Box::new(|| Ok(vec![try_call("md5", vec![lit(Value::String("hello".into()))])?])), Ok("5d41402abc4b2a76b9719d911017c592")),
        ("function/hash/md5.test: md5(123)", Box::new(|| Ok(vec![try_call("md5", vec![lit(Value::Int64(123))])?])), Ok("202cb962ac59075b964b07152d234b70")),
        ("function/hash/sha256.test: sha256(NULL)", Box::new(|| Ok(vec![try_call("sha256", vec![lit(Value::Null)])?])), Ok("")),
        ("function/hash/sha256.test: sha256('hello')", Box::new(|| Ok(vec![try_call("sha256", vec![lit(Value::String("hello".into()))])?])), Ok("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")),
        ("function/hash/sha256.test: sha256('')", Box::new(|| Ok(vec![try_call("sha256", vec![lit(Value::String("".into()))])?])), Ok("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")),
        ("function/hash/sha256.test: sha256('1')", Box::new(|| Ok(vec![try_call("sha256", vec![lit(Value::String("1".into()))])?])), Ok("6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b")),
        ("function/hash/sha256.test: sha256()", Box::new(|| Ok(vec![try_call("sha256", vec![])?])), Err("Binder exception: Function SHA256 did not receive correct arguments:\nActual:   ()\nExpected: (STRING) -> STRING")),
        ("function/list_of_string_utf8.test: list_extract([\"成績評価\",\"の甘\",\"業が\"], 2)", Box::new(|| Ok(vec![try_call("list_extract", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into()))])?, lit(Value::Int64(2))])?])), Ok("の甘")),
        ("function/list_of_string_utf8.test: list_element([\"成績評価\",\"の甘\",\"業が\"], 1)", Box::new(|| Ok(vec![try_call("list_element", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into()))])?, lit(Value::Int64(1))])?])), Ok("成績評価")),
        ("function/list_of_string_utf8.test: list_concat([\"成績評価\",\"の甘\",\"業が\"], [\"这是中文\",\"的语句\"])", Box::new(|| Ok(vec![try_call("list_concat", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into()))])?, bind_list(vec![lit(Value::String("这是中文".into())), lit(Value::String("的语句".into()))])?])?])), Ok("[成績評価,の甘,業が,这是中文,的语句]")),
        ("function/list_of_string_utf8.test: list_cat([\"成績評価\",\"の甘\",\"業が\"], [\"这是中文\",\"的语句\"])", Box::new(|| Ok(vec![try_call("list_cat", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into()))])?, bind_list(vec![lit(Value::String("这是中文".into())), lit(Value::String("的语句".into()))])?])?])), Ok("[成績評価,の甘,業が,这是中文,的语句]")),
        ("function/list_of_string_utf8.test: array_cat([\"成績評価\",\"の甘\",\"業が\"], [\"这是中文\",\"的语句\"])", Box::new(|| Ok(vec![try_call("array_cat", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into()))])?, bind_list(vec![lit(Value::String("这是中文".into())), lit(Value::String("的语句".into()))])?])?])), Ok("[成績評価,の甘,業が,这是中文,的语句]")),
        ("function/list_of_string_utf8.test: array_concat([\"成績評価\",\"の甘\",\"業が\"], [\"这是中文\",\"的语句\"])", Box::new(|| Ok(vec![try_call("array_concat", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into()))])?, bind_list(vec![lit(Value::String("这是中文".into())), lit(Value::String("的语句".into()))])?])?])), Ok("[成績評価,の甘,業が,这是中文,的语句]")),
        ("function/list_of_string_utf8.test: list_append([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"的语句\")", Box::new(|| Ok(vec![try_call("list_append", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("的语句".into()))])?])), Ok("[成績評価,の甘,業が,这是中文,的语句]")),
        ("function/list_of_string_utf8.test: array_append([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"的语句\")", Box::new(|| Ok(vec![try_call("array_append", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("的语句".into()))])?])), Ok("[成績評価,の甘,業が,这是中文,的语句]")),
        ("function/list_of_string_utf8.test: array_push_back([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"的语句\")", Box::new(|| Ok(vec![try_call("array_push_back", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("的语句".into()))])?])), Ok("[成績評価,の甘,業が,这是中文,的语句]")),
        ("function/list_of_string_utf8.test: list_prepend([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"的语句\")", Box::new(|| Ok(vec![try_call("list_prepend", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("的语句".into()))])?])), Ok("[的语句,成績評価,の甘,業が,这是中文]")),
        ("function/list_of_string_utf8.test: array_prepend([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"的语句\")", Box::new(|| Ok(vec![try_call("array_prepend", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("的语句".into()))])?])), Ok("[的语句,成績評価,の甘,業が,这是中文]")),
        ("function/list_of_string_utf8.test: array_push_front([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"的语句\")", Box::new(|| Ok(vec![try_call("array_push_front", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("的语句".into()))])?])), Ok("[的语句,成績評価,の甘,業が,这是中文]")),
        ("function/list_of_string_utf8.test: list_position([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"这是中文\")", Box::new(|| Ok(vec![try_call("list_position", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("这是中文".into()))])?])), Ok("4")),
        ("function/list_of_string_utf8.test: list_indexof([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"这是中文\")", Box::new(|| Ok(vec![try_call("list_indexof", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("这是中文".into()))])?])), Ok("4")),
        ("function/list_of_string_utf8.test: array_position([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"这是中文\")", Box::new(|| Ok(vec![try_call("array_position", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("这是中文".into()))])?])), Ok("4")),
        ("function/list_of_string_utf8.test: array_indexof([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"这是中文\")", Box::new(|| Ok(vec![try_call("array_indexof", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("这是中文".into()))])?])), Ok("4")),
        ("function/list_of_string_utf8.test: list_contains([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"这是中文\")", Box::new(|| Ok(vec![try_call("list_contains", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("这是中文".into()))])?])), Ok("True")),
        ("function/list_of_string_utf8.test: array_has([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], \"这是中文吗\")", Box::new(|| Ok(vec![try_call("array_has", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::String("这是中文吗".into()))])?])), Ok("False")),
        ("function/list_of_string_utf8.test: list_slice([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], 1, 1)", Box::new(|| Ok(vec![try_call("list_slice", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::Int64(1)), lit(Value::Int64(1))])?])), Ok("[成績評価]")),
        ("function/list_of_string_utf8.test: array_slice([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"], 1, 3)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?, lit(Value::Int64(1)), lit(Value::Int64(3))])?])), Ok("[成績評価,の甘,業が]")),
        ("function/list_of_string_utf8.test: list_reverse([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"])", Box::new(|| Ok(vec![try_call("list_reverse", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?])?])), Ok("[这是中文,業が,の甘,成績評価]")),
        ("function/list_of_string_utf8.test: list_sort([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"])", Box::new(|| Ok(vec![try_call("list_sort", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?])?])), Ok("[の甘,成績評価,業が,这是中文]")),
        ("function/list_of_string_utf8.test: list_reverse_sort([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"])", Box::new(|| Ok(vec![try_call("list_reverse_sort", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?])?])), Ok("[这是中文,業が,成績評価,の甘]")),
        ("function/list_of_string_utf8.test: list_sum([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"])", Box::new(|| Ok(vec![try_call("list_sum", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?])?])), Err("Binder exception: Unsupported inner data type for LIST_SUM: STRING")),
        ("function/list_of_string_utf8.test: list_sum([\"toronto\",\"waterloo\"])", Box::new(|| Ok(vec![try_call("list_sum", vec![bind_list(vec![lit(Value::String("toronto".into())), lit(Value::String("waterloo".into()))])?])?])), Err("Binder exception: Unsupported inner data type for LIST_SUM: STRING")),
        ("function/list_of_string_utf8.test: list_product([\"成績評価\",\"の甘\",\"業が\", \"这是中文\"])", Box::new(|| Ok(vec![try_call("list_product", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("の甘".into())), lit(Value::String("業が".into())), lit(Value::String("这是中文".into()))])?])?])), Err("Binder exception: Unsupported inner data type for LIST_PRODUCT: STRING")),
        ("function/list_of_string_utf8.test: list_unique([\"成績評価\",\"成績評価\",\"成績評価\", \"这是中文\"])", Box::new(|| Ok(vec![try_call("list_unique", vec![bind_list(vec![lit(Value::String("成績評価".into())), lit(Value::String("成績評価".into())), lit(Value::String("成績評価".into())), lit(Value::String("这是中文".into()))])?])?])), Ok("2")),
        ("function/list_of_string_utf8.test: list_any_value([null, \"成績評価\",\"成績評価\",\"成績評価\", \"这是中文\"])", Box::new(|| Ok(vec![try_call("list_any_value", vec![bind_list(vec![lit(Value::Null), lit(Value::String("成績評価".into())), lit(Value::String("成績評価".into())), lit(Value::String("成績評価".into())), lit(Value::String("这是中文".into()))])?])?])), Ok("成績評価")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -7, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-7)), lit(Value::Int64(2))])?])), Ok("[a,b]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -1, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-1)), lit(Value::Int64(2))])?])), Ok("[]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -1, 4)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-1)), lit(Value::Int64(4))])?])), Ok("[d]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -5, 4)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-5)), lit(Value::Int64(4))])?])), Ok("[a,b,c,d]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -6, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-6)), lit(Value::Int64(2))])?])), Ok("[a,b]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -5, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-5)), lit(Value::Int64(2))])?])), Ok("[a,b]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 5, 6)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(5)), lit(Value::Int64(6))])?])), Ok("[]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 5, 5)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(5)), lit(Value::Int64(5))])?])), Ok("[]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 5, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(5)), lit(Value::Int64(2))])?])), Ok("[]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 4, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(4)), lit(Value::Int64(2))])?])), Ok("[]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -8, 0)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-8)), lit(Value::Int64(0))])?])), Ok("[]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 1, 4)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(1)), lit(Value::Int64(4))])?])), Ok("[a,b,c,d]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 1, 5)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(1)), lit(Value::Int64(5))])?])), Ok("[a,b,c,d]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 1, -5)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(1)), lit(Value::Int64(-5))])?])), Ok("[]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -8, 4)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-8)), lit(Value::Int64(4))])?])), Ok("[a,b,c,d]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -8, -1)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-8)), lit(Value::Int64(-1))])?])), Ok("[a,b,c,d]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], -8, 1)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(-8)), lit(Value::Int64(1))])?])), Ok("[a]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 0, -5)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(0)), lit(Value::Int64(-5))])?])), Ok("[]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 0, -3)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(0)), lit(Value::Int64(-3))])?])), Ok("[a,b]")),
        ("function/list_slice_extra.test: array_slice(['a', 'b', 'c', 'd'], 0, 10)", Box::new(|| Ok(vec![try_call("array_slice", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?, lit(Value::Int64(0)), lit(Value::Int64(10))])?])), Ok("[a,b,c,d]")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", -7, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(-7)), lit(Value::Int64(2))])?])), Ok("ab")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", -1, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(-1)), lit(Value::Int64(2))])?])), Ok("")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", -1, 4)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(-1)), lit(Value::Int64(4))])?])), Ok("d")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", -5, 4)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(-5)), lit(Value::Int64(4))])?])), Ok("abcd")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", -6, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(-6)), lit(Value::Int64(2))])?])), Ok("ab")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", -5, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(-5)), lit(Value::Int64(2))])?])), Ok("ab")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", 5, 6)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(5)), lit(Value::Int64(6))])?])), Ok("")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", 5, 5)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(5)), lit(Value::Int64(5))])?])), Ok("")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", 5, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(5)), lit(Value::Int64(2))])?])), Ok("")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", 4, 2)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(4)), lit(Value::Int64(2))])?])), Ok("")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", -8, 0)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(-8)), lit(Value::Int64(0))])?])), Ok("")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", 1, 4)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(1)), lit(Value::Int64(4))])?])), Ok("abcd")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", 1, 5)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(1)), lit(Value::Int64(5))])?])), Ok("abcd")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", 1, -5)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(1)), lit(Value::Int64(-5))])?])), Ok("")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", -8, 4)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(-8)), lit(Value::Int64(4))])?])), Ok("abcd")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", -8, -1)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(-8)), lit(Value::Int64(-1))])?])), Ok("abcd")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", -8, 1)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(-8)), lit(Value::Int64(1))])?])), Ok("a")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", 0, -5)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(0)), lit(Value::Int64(-5))])?])), Ok("")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", 0, -3)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(0)), lit(Value::Int64(-3))])?])), Ok("ab")),
        ("function/list_slice_extra.test: array_slice(\"abcd\", 0, 10)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("abcd".into())), lit(Value::Int64(0)), lit(Value::Int64(10))])?])), Ok("abcd")),
        ("function/list_slice_extra.test: \"abc\"[-1:2]", Box::new(|| Ok(vec![try_call("LIST_SLICE", vec![lit(Value::String("abc".into())), lit(Value::Int64(-1)), lit(Value::Int64(2))])?])), Ok("")),
        ("function/list_slice_extra.test: list_slice([1,3,4],null,1)", Box::new(|| Ok(vec![try_call("list_slice", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(3)), lit(Value::Int64(4))])?, lit(Value::Null), lit(Value::Int64(1))])?])), Ok("")),
        ("function/list_slice_extra.test: list_slice([1,3,4],null,null)", Box::new(|| Ok(vec![try_call("list_slice", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(3)), lit(Value::Int64(4))])?, lit(Value::Null), lit(Value::Null)])?])), Ok("")),
        ("function/list_slice_extra.test: list_slice('abc',null,1)", Box::new(|| Ok(vec![try_call("list_slice", vec![lit(Value::String("abc".into())), lit(Value::Null), lit(Value::Int64(1))])?])), Ok("")),
        ("function/list_slice_extra.test: list_slice('def',null,null)", Box::new(|| Ok(vec![try_call("list_slice", vec![lit(Value::String("def".into())), lit(Value::Null), lit(Value::Null)])?])), Ok("")),
        ("function/list_slice_extra.test: list_slice(null,0,1)", Box::new(|| Ok(vec![try_call("list_slice", vec![lit(Value::Null), lit(Value::Int64(0)), lit(Value::Int64(1))])?])), Ok("")),
        ("function/list_slice_extra.test: list_slice(null,null,1)", Box::new(|| Ok(vec![try_call("list_slice", vec![lit(Value::Null), lit(Value::Null), lit(Value::Int64(1))])?])), Ok("")),
        ("function/list_slice_extra.test: list_slice(null,null,null)", Box::new(|| Ok(vec![try_call("list_slice", vec![lit(Value::Null), lit(Value::Null), lit(Value::Null)])?])), Ok("")),
        ("function/list_slice_extra.test: list_slice([],1,1)", Box::new(|| Ok(vec![try_call("list_slice", vec![bind_list(vec![])?, lit(Value::Int64(1)), lit(Value::Int64(1))])?])), Ok("[]")),
        ("function/map.test: map_extract(map([4,5,7], [true, false, true]), 5)", Box::new(|| Ok(vec![try_call("map_extract", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(5)), lit(Value::Int64(7))])?, bind_list(vec![lit(Value::Bool(true)), lit(Value::Bool(false)), lit(Value::Bool(true))])?])?, lit(Value::Int64(5))])?])), Ok("[False]")),
        ("function/map.test: map_extract(map(['a', 'c', 'e'], [4, 3, 1]), 'c')", Box::new(|| Ok(vec![try_call("map_extract", vec![try_call("map", vec![bind_list(vec![lit(Value::String("a".into())), lit(Value::String("c".into())), lit(Value::String("e".into()))])?, bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(3)), lit(Value::Int64(1))])?])?, lit(Value::String("c".into()))])?])), Ok("[3]")),
        ("function/map.test: map_extract(map([[1,3], [2,4]], [to_int32(3), to_int32(5)]), [2,4])", Box::new(|| Ok(vec![try_call("map_extract", vec![try_call("map", vec![bind_list(vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(3))])?, bind_list(vec![lit(Value::Int64(2)), lit(Value::Int64(4))])?])?, bind_list(vec![try_call("to_int32", vec![lit(Value::Int64(3))])?, try_call("to_int32", vec![lit(Value::Int64(5))])?])?])?, bind_list(vec![lit(Value::Int64(2)), lit(Value::Int64(4))])?])?])), Ok("[5]")),
        ("function/map.test: map_extract(map([4, 1, 3, 5], [to_int16(1), to_int16(4), to_int16(99), to_int16(11)]), 5)", Box::new(|| Ok(vec![try_call("map_extract", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(1)), lit(Value::Int64(3)), lit(Value::Int64(5))])?, bind_list(vec![try_call("to_int16", vec![lit(Value::Int64(1))])?, try_call("to_int16", vec![lit(Value::Int64(4))])?, try_call("to_int16", vec![lit(Value::Int64(99))])?, try_call("to_int16", vec![lit(Value::Int64(11))])?])?])?, lit(Value::Int64(5))])?])), Ok("[11]")),
        ("function/map.test: map_extract(map([{a: 3, b: [1, 2, 5]}, {a: 6, b: [1,3]}], [4.3, 5.2]), {a: 3, b: [1,2,5]})", Box::new(|| Ok(vec![try_call("map_extract", vec![try_call("map", vec![bind_list(vec![bind_struct(vec![("a".to_string(), lit(Value::Int64(3))), ("b".to_string(), bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(5))])?)]), bind_struct(vec![("a".to_string(), lit(Value::Int64(6))), ("b".to_string(), bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(3))])?)])])?, bind_list(vec![lit(Value::Double(4.3)), lit(Value::Double(5.2))])?])?, bind_struct(vec![("a".to_string(), lit(Value::Int64(3))), ("b".to_string(), bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(5))])?)])])?])), Ok("[4.300000]")),
        ("function/map.test: map_extract(map([1, 88], [to_float(3.2), to_float(3.1)]), 1)", Box::new(|| Ok(vec![try_call("map_extract", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(88))])?, bind_list(vec![try_call("to_float", vec![lit(Value::Double(3.2))])?, try_call("to_float", vec![lit(Value::Double(3.1))])?])?])?, lit(Value::Int64(1))])?])), Ok("[3.200000]")),
        ("function/map.test: element_at(map([1, 88], [[4,5], [2,3,1]]), 1)", Box::new(|| Ok(vec![try_call("element_at", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(88))])?, bind_list(vec![bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(5))])?, bind_list(vec![lit(Value::Int64(2)), lit(Value::Int64(3)), lit(Value::Int64(1))])?])?])?, lit(Value::Int64(1))])?])), Ok("[[4,5]]")),
        ("function/map.test: map_extract(map([{a: 5, b: {length: 30, age: 20, size: [20, 10]}}, {a: 7, b: {length: 22, age: 145, size: [20,15, 10]}}], [30 ,50]), {a: 7, b: {length: 22, age: 145, size: [20,15, 10]}})", Box::new(|| Ok(vec![try_call("map_extract", vec![try_call("map", vec![bind_list(vec![bind_struct(vec![("a".to_string(), lit(Value::Int64(5))), ("b".to_string(), bind_struct(vec![("length".to_string(), lit(Value::Int64(30))), ("age".to_string(), lit(Value::Int64(20))), ("size".to_string(), bind_list(vec![lit(Value::Int64(20)), lit(Value::Int64(10))])?)]))]), bind_struct(vec![("a".to_string(), lit(Value::Int64(7))), ("b".to_string(), bind_struct(vec![("length".to_string(), lit(Value::Int64(22))), ("age".to_string(), lit(Value::Int64(145))), ("size".to_string(), bind_list(vec![lit(Value::Int64(20)), lit(Value::Int64(15)), lit(Value::Int64(10))])?)]))])])?, bind_list(vec![lit(Value::Int64(30)), lit(Value::Int64(50))])?])?, bind_struct(vec![("a".to_string(), lit(Value::Int64(7))), ("b".to_string(), bind_struct(vec![("length".to_string(), lit(Value::Int64(22))), ("age".to_string(), lit(Value::Int64(145))), ("size".to_string(), bind_list(vec![lit(Value::Int64(20)), lit(Value::Int64(15)), lit(Value::Int64(10))])?)]))])])?])), Ok("[50]")),
        ("function/map.test: cardinality(map([4, 2, 100, 20], ['a', 'b', 'd', 'e']))", Box::new(|| Ok(vec![try_call("cardinality", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(2)), lit(Value::Int64(100)), lit(Value::Int64(20))])?, bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("d".into())), lit(Value::String("e".into()))])?])?])?])), Ok("4")),
        ("function/map.test: map_keys(map([[5], [28, 75, 32], [], [33, 11, 66, 33]], ['a', 'b', 'd', 'e']))", Box::new(|| Ok(vec![try_call("map_keys", vec![try_call("map", vec![bind_list(vec![bind_list(vec![lit(Value::Int64(5))])?, bind_list(vec![lit(Value::Int64(28)), lit(Value::Int64(75)), lit(Value::Int64(32))])?, bind_list(vec![])?, bind_list(vec![lit(Value::Int64(33)), lit(Value::Int64(11)), lit(Value::Int64(66)), lit(Value::Int64(33))])?])?, bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("d".into())), lit(Value::String("e".into()))])?])?])?])), Ok("[[5],[28,75,32],[],[33,11,66,33]]")),
        ("function/map.test: map_keys(map([[5], [28, 75, 32], [1], [33, 11, 66, 33]], ['a', 'b', 'd', 'e']))", Box::new(|| Ok(vec![try_call("map_keys", vec![try_call("map", vec![bind_list(vec![bind_list(vec![lit(Value::Int64(5))])?, bind_list(vec![lit(Value::Int64(28)), lit(Value::Int64(75)), lit(Value::Int64(32))])?, bind_list(vec![lit(Value::Int64(1))])?, bind_list(vec![lit(Value::Int64(33)), lit(Value::Int64(11)), lit(Value::Int64(66)), lit(Value::Int64(33))])?])?, bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("d".into())), lit(Value::String("e".into()))])?])?])?])), Ok("[[5],[28,75,32],[1],[33,11,66,33]]")),
        ("function/map.test: map_keys(map([], []))", Box::new(|| Ok(vec![try_call("map_keys", vec![try_call("map", vec![bind_list(vec![])?, bind_list(vec![])?])?])?])), Ok("[]")),
        ("function/map.test: map_values(map([23, 57, 1444], [{a: 5, c: [3, 4, 13]}, {a: 7, c: [1, 2, 3]}, {a: 9, c: [1, 2, 3, 4]}]))", Box::new(|| Ok(vec![try_call("map_values", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(23)), lit(Value::Int64(57)), lit(Value::Int64(1444))])?, bind_list(vec![bind_struct(vec![("a".to_string(), lit(Value::Int64(5))), ("c".to_string(), bind_list(vec![lit(Value::Int64(3)), lit(Value::Int64(4)), lit(Value::Int64(13))])?)]), bind_struct(vec![("a".to_string(), lit(Value::Int64(7))), ("c".to_string(), bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?)]), bind_struct(vec![("a".to_string(), lit(Value::Int64(9))), ("c".to_string(), bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3)), lit(Value::Int64(4))])?)])])?])?])?])), Ok("[{a: 5, c: [3,4,13]},{a: 7, c: [1,2,3]},{a: 9, c: [1,2,3,4]}]")),
        ("function/map.test: map_values(map([], []))", Box::new(|| Ok(vec![try_call("map_values", vec![try_call("map", vec![bind_list(vec![])?, bind_list(vec![])?])?])?])), Ok("[]")),
        ("function/map.test: map([1,1,2], ['Alice','Bob','Carol'])", Box::new(|| Ok(vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(1)), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::String("Alice".into())), lit(Value::String("Bob".into())), lit(Value::String("Carol".into()))])?])?])), Ok("{1=Alice, 1=Bob, 2=Carol}")),
        ("function/map.test:  map_extract(map([1,1,2], ['Alice','Bob','Carol']), 1)", Box::new(|| Ok(vec![try_call("map_extract", vec![try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(1)), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::String("Alice".into())), lit(Value::String("Bob".into())), lit(Value::String("Carol".into()))])?])?, lit(Value::Int64(1))])?])), Ok("[Alice,Bob]")),
        ("function/map.test: map([null, 3], ['Alice', 'Bob'])", Box::new(|| Ok(vec![try_call("map", vec![bind_list(vec![lit(Value::Null), lit(Value::Int64(3))])?, bind_list(vec![lit(Value::String("Alice".into())), lit(Value::String("Bob".into()))])?])?])), Ok("{=Alice, 3=Bob}")),
        ("function/null.test: NULL IS NULL", Box::new(|| Ok(vec![bind_is_null(lit(Value::Null), false)])), Ok("True")),
        ("function/null.test: NULL IS NOT NULL", Box::new(|| Ok(vec![bind_is_null(lit(Value::Null), true)])), Ok("False")),
        ("function/null.test: (-1 IS NOT NULL)", Box::new(|| Ok(vec![bind_is_null(lit(Value::Int64(-1)), true)])), Ok("True")),
        ("function/range.test: range(4, 3)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(4)), lit(Value::Int64(3))])?])), Ok("[]")),
        ("function/range.test: range(0, 0)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(0))])?])), Ok("[0]")),
        ("function/range.test: range(1, 5)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(1)), lit(Value::Int64(5))])?])), Ok("[1,2,3,4,5]")),
        ("function/range.test: range(To_INT32(-3), TO_INT32(0))", Box::new(|| Ok(vec![try_call("range", vec![try_call("To_INT32", vec![lit(Value::Int64(-3))])?, try_call("TO_INT32", vec![lit(Value::Int64(0))])?])?])), Ok("[-3,-2,-1,0]")),
        ("function/range.test: range(To_INT16(-3), TO_INT16(0))", Box::new(|| Ok(vec![try_call("range", vec![try_call("To_INT16", vec![lit(Value::Int64(-3))])?, try_call("TO_INT16", vec![lit(Value::Int64(0))])?])?])), Ok("[-3,-2,-1,0]")),
        ("function/range.test: range(To_INT8(-3), TO_INT16(0))", Box::new(|| Ok(vec![try_call("range", vec![try_call("To_INT8", vec![lit(Value::Int64(-3))])?, try_call("TO_INT16", vec![lit(Value::Int64(0))])?])?])), Ok("[-3,-2,-1,0]")),
        ("function/range.test: range(To_INT8(-3), TO_INT8(0))", Box::new(|| Ok(vec![try_call("range", vec![try_call("To_INT8", vec![lit(Value::Int64(-3))])?, try_call("TO_INT8", vec![lit(Value::Int64(0))])?])?])), Ok("[-3,-2,-1,0]")),
        ("function/range.test: range(4, 4, 2)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(4)), lit(Value::Int64(4)), lit(Value::Int64(2))])?])), Ok("[4]")),
        ("function/range.test: range(4, 4, -2)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(4)), lit(Value::Int64(4)), lit(Value::Int64(-2))])?])), Ok("[4]")),
        ("function/range.test: range(5, 1, -1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(5)), lit(Value::Int64(1)), lit(Value::Int64(-1))])?])), Ok("[5,4,3,2,1]")),
        ("function/range.test: range(5, 1, -2)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(5)), lit(Value::Int64(1)), lit(Value::Int64(-2))])?])), Ok("[5,3,1]")),
        ("function/range.test: range(5, 1, -3)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(5)), lit(Value::Int64(1)), lit(Value::Int64(-3))])?])), Ok("[5,2]")),
        ("function/range.test: range(6, 2, 2)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(6)), lit(Value::Int64(2)), lit(Value::Int64(2))])?])), Ok("[]")),
        ("function/range.test: range(3, 6, -5)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(3)), lit(Value::Int64(6)), lit(Value::Int64(-5))])?])), Ok("[]")),
        ("function/range.test: range(3, 6, -1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(3)), lit(Value::Int64(6)), lit(Value::Int64(-1))])?])), Ok("[]")),
        ("function/range.test: range(TO_INT32(3), 8, 2)", Box::new(|| Ok(vec![try_call("range", vec![try_call("TO_INT32", vec![lit(Value::Int64(3))])?, lit(Value::Int64(8)), lit(Value::Int64(2))])?])), Ok("[3,5,7]")),
        ("function/range.test: range(TO_INT8(0), TO_INT16(-9), TO_INT8(-2))", Box::new(|| Ok(vec![try_call("range", vec![try_call("TO_INT8", vec![lit(Value::Int64(0))])?, try_call("TO_INT16", vec![lit(Value::Int64(-9))])?, try_call("TO_INT8", vec![lit(Value::Int64(-2))])?])?])), Ok("[0,-2,-4,-6,-8]")),
        ("function/range.test: range(TO_INT16(5), TO_INT16(6), TO_INT16(1))", Box::new(|| Ok(vec![try_call("range", vec![try_call("TO_INT16", vec![lit(Value::Int64(5))])?, try_call("TO_INT16", vec![lit(Value::Int64(6))])?, try_call("TO_INT16", vec![lit(Value::Int64(1))])?])?])), Ok("[5,6]")),
        ("function/range.test: range(TO_INT32(5), 25, TO_INT32(10))", Box::new(|| Ok(vec![try_call("range", vec![try_call("TO_INT32", vec![lit(Value::Int64(5))])?, lit(Value::Int64(25)), try_call("TO_INT32", vec![lit(Value::Int64(10))])?])?])), Ok("[5,15,25]")),
        ("function/range.test: range(TO_INT32(5), TO_INT32(26), TO_INT32(10))", Box::new(|| Ok(vec![try_call("range", vec![try_call("TO_INT32", vec![lit(Value::Int64(5))])?, try_call("TO_INT32", vec![lit(Value::Int64(26))])?, try_call("TO_INT32", vec![lit(Value::Int64(10))])?])?])), Ok("[5,15,25]")),
        ("function/range.test: range(TO_INT8(-128), TO_INT8(127), TO_INT8(127))", Box::new(|| Ok(vec![try_call("range", vec![try_call("TO_INT8", vec![lit(Value::Int64(-128))])?, try_call("TO_INT8", vec![lit(Value::Int64(127))])?, try_call("TO_INT8", vec![lit(Value::Int64(127))])?])?])), Ok("[-128,-1,126]")),
        ("function/range.test: range(3, 4, 0)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(3)), lit(Value::Int64(4)), lit(Value::Int64(0))])?])), Err("Runtime exception: Step of range cannot be 0.")),
        ("function/range.test: range(0, -1, 9223372036854775807)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(-1)), lit(Value::Int64(9223372036854775807))])?])), Ok("[]")),
        ("function/string.test: rtrim(\"   \")", Box::new(|| Ok(vec![try_call("rtrim", vec![lit(Value::String("   ".into()))])?])), Ok("")),
        ("function/string/concat_ws.test: CONCAT_WS(',', '1', '3', '5', '7')", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::String(",".into())), lit(Value::String("1".into())), lit(Value::String("3".into())), lit(Value::String("5".into())), lit(Value::String("7".into()))])?])), Ok("1,3,5,7")),
        ("function/string/concat_ws.test: CONCAT_WS('--', 'alice', 'bob', 'carol', 'dan')", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::String("--".into())), lit(Value::String("alice".into())), lit(Value::String("bob".into())), lit(Value::String("carol".into())), lit(Value::String("dan".into()))])?])), Ok("alice--bob--carol--dan")),
        ("function/string/concat_ws.test: CONCAT_WS('-follows-', 'toronto', 'waterloo', 'kitchener', 'ca')", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::String("-follows-".into())), lit(Value::String("toronto".into())), lit(Value::String("waterloo".into())), lit(Value::String("kitchener".into())), lit(Value::String("ca".into()))])?])), Ok("toronto-follows-waterloo-follows-kitchener-follows-ca")),
        ("function/string/concat_ws.test: CONCAT_WS(',', '1', '3', '5', '7')", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::String(",".into())), lit(Value::String("1".into())), lit(Value::String("3".into())), lit(Value::String("5".into())), lit(Value::String("7".into()))])?])), Ok("1,3,5,7")),
        ("function/string/concat_ws.test: CONCAT_WS(NULL, 'test1', 'test2')", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::Null), lit(Value::String("test1".into())), lit(Value::String("test2".into()))])?])), Ok("")),
        ("function/string/concat_ws.test: CONCAT_WS('--', Null, 'test2', 'test3')", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::String("--".into())), lit(Value::Null), lit(Value::String("test2".into())), lit(Value::String("test3".into()))])?])), Ok("test2--test3")),
        ("function/string/concat_ws.test: CONCAT_WS('--', Null, 'test2', NULL)", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::String("--".into())), lit(Value::Null), lit(Value::String("test2".into())), lit(Value::Null)])?])), Ok("test2")),
        ("function/string/concat_ws.test: CONCAT_WS('--', Null, null, NULL)", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::String("--".into())), lit(Value::Null), lit(Value::Null), lit(Value::Null)])?])), Ok("")),
        ("function/string/concat_ws.test: CONCAT_WS('--', Null)", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::String("--".into())), lit(Value::Null)])?])), Ok("")),
        ("function/string/concat_ws.test: CONCAT_WS(null, Null)", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::Null), lit(Value::Null)])?])), Ok("")),
        ("function/string/concat_ws.test: CONCAT_WS(5, 'test1', 'test2')", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::Int64(5)), lit(Value::String("test1".into())), lit(Value::String("test2".into()))])?])), Err("Binder exception: concat_ws expects all string parameters. Got: INT64.")),
        ("function/string/concat_ws.test: CONCAT_WS('ac', 'test1', 55)", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::String("ac".into())), lit(Value::String("test1".into())), lit(Value::Int64(55))])?])), Err("Binder exception: concat_ws expects all string parameters. Got: INT64.")),
        ("function/string/concat_ws.test: CONCAT_WS()", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![])?])), Err("Binder exception: concat_ws expects at least two parameters. Got: 0.")),
        ("function/string/concat_ws.test: CONCAT_WS(5)", Box::new(|| Ok(vec![try_call("CONCAT_WS", vec![lit(Value::Int64(5))])?])), Err("Binder exception: concat_ws expects at least two parameters. Got: 1.")),
        ("function/string_function/list_append.test: LIST_APPEND([], '5')", Box::new(|| Ok(vec![try_call("LIST_APPEND", vec![bind_list(vec![])?, lit(Value::String("5".into()))])?])), Ok("[5]")),
        ("function/string_function/list_append.test: LIST_APPEND([], 7)", Box::new(|| Ok(vec![try_call("LIST_APPEND", vec![bind_list(vec![])?, lit(Value::Int64(7))])?])), Ok("[7]")),
        ("function/string_function/list_append.test: LIST_APPEND([], null)", Box::new(|| Ok(vec![try_call("LIST_APPEND", vec![bind_list(vec![])?, lit(Value::Null)])?])), Ok("")),
        ("function/string_function/list_append.test: LIST_APPEND(null, null)", Box::new(|| Ok(vec![try_call("LIST_APPEND", vec![lit(Value::Null), lit(Value::Null)])?])), Ok("")),
        ("function/string_function/list_prepend.test: LIST_PREPEND([], '5')", Box::new(|| Ok(vec![try_call("LIST_PREPEND", vec![bind_list(vec![])?, lit(Value::String("5".into()))])?])), Ok("[5]")),
        ("function/string_function/list_prepend.test: LIST_PREPEND([], 7)", Box::new(|| Ok(vec![try_call("LIST_PREPEND", vec![bind_list(vec![])?, lit(Value::Int64(7))])?])), Ok("[7]")),
        ("function/string_function/list_prepend.test: LIST_PREPEND([], null)", Box::new(|| Ok(vec![try_call("LIST_PREPEND", vec![bind_list(vec![])?, lit(Value::Null)])?])), Ok("")),
        ("function/string_function/list_prepend.test: LIST_PREPEND(null, null)", Box::new(|| Ok(vec![try_call("LIST_PREPEND", vec![lit(Value::Null), lit(Value::Null)])?])), Ok("")),
        ("function/string_utf8.test: lpad(string('成績評価'), 10, \"<\")", Box::new(|| Ok(vec![try_call("lpad", vec![try_call("string", vec![lit(Value::String("成績評価".into()))])?, lit(Value::Int64(10)), lit(Value::String("<".into()))])?])), Ok("<<<<<<成績評価")),
        ("function/string_utf8.test: reverse('成績評価の甘い授業が高く評価')", Box::new(|| Ok(vec![try_call("reverse", vec![lit(Value::String("成績評価の甘い授業が高く評価".into()))])?])), Ok("価評く高が業授い甘の価評績成")),
        ("function/string_utf8.test: ltrim('    😃🧘🏻‍♂️🌍🌦️🍞🚗')", Box::new(|| Ok(vec![try_call("ltrim", vec![lit(Value::String("    😃🧘🏻‍♂️🌍🌦️🍞🚗".into()))])?])), Ok("😃🧘🏻‍♂️🌍🌦️🍞🚗")),
        ("function/string_utf8.test: prefix('😃🧘🏻‍♂️🌍🌦️🍞🚗','😃🧘🏻‍')", Box::new(|| Ok(vec![try_call("prefix", vec![lit(Value::String("😃🧘🏻‍♂️🌍🌦️🍞🚗".into())), lit(Value::String("😃🧘🏻‍".into()))])?])), Ok("True")),
        ("function/string_utf8.test: repeat('😃🧘🏻‍♂️🌍🌦️🍞🚗',3)", Box::new(|| Ok(vec![try_call("repeat", vec![lit(Value::String("😃🧘🏻‍♂️🌍🌦️🍞🚗".into())), lit(Value::Int64(3))])?])), Ok("😃🧘🏻‍♂️🌍🌦️🍞🚗😃🧘🏻‍♂️🌍🌦️🍞🚗😃🧘🏻‍♂️🌍🌦️🍞🚗")),
        ("function/string_utf8.test: right('😃🧘🏻‍♂️🌍🌦️🍞🚗', 3)", Box::new(|| Ok(vec![try_call("right", vec![lit(Value::String("😃🧘🏻‍♂️🌍🌦️🍞🚗".into())), lit(Value::Int64(3))])?])), Ok("🌦️🍞🚗")),
        ("function/string_utf8.test: rpad('😃🌍♂', 5,'<')", Box::new(|| Ok(vec![try_call("rpad", vec![lit(Value::String("😃🌍♂".into())), lit(Value::Int64(5)), lit(Value::String("<".into()))])?])), Ok("😃🌍♂<<")),
        ("function/string_utf8.test: rpad('😃🌍♂🍞🚗', 7,'<')", Box::new(|| Ok(vec![try_call("rpad", vec![lit(Value::String("😃🌍♂🍞🚗".into())), lit(Value::Int64(7)), lit(Value::String("<".into()))])?])), Ok("😃🌍♂🍞🚗<<")),
        ("function/string_utf8.test: rpad('😃🌍♂🌦🍞🚗', 7,'<')", Box::new(|| Ok(vec![try_call("rpad", vec![lit(Value::String("😃🌍♂🌦🍞🚗".into())), lit(Value::Int64(7)), lit(Value::String("<".into()))])?])), Ok("😃🌍♂🌦🍞🚗<")),
        ("function/string_utf8.test: starts_with('😃🧘🏻‍♂️🌍🌦️🍞🚗', '😃🧘🏻‍')", Box::new(|| Ok(vec![try_call("starts_with", vec![lit(Value::String("😃🧘🏻‍♂️🌍🌦️🍞🚗".into())), lit(Value::String("😃🧘🏻‍".into()))])?])), Ok("True")),
        ("function/string_utf8.test: starts_with('成績評価の甘い授業が高く評価', '成績')", Box::new(|| Ok(vec![try_call("starts_with", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::String("成績".into()))])?])), Ok("True")),
        ("function/string_utf8.test: substring('😃🌍🌦️🍞🚗', 1,3)", Box::new(|| Ok(vec![try_call("substring", vec![lit(Value::String("😃🌍🌦️🍞🚗".into())), lit(Value::Int64(1)), lit(Value::Int64(3))])?])), Ok("😃🌍🌦️")),
        ("function/string_utf8.test: substring('成績評価の甘い授業が高く評価', 1,3)", Box::new(|| Ok(vec![try_call("substring", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::Int64(1)), lit(Value::Int64(3))])?])), Ok("成績評")),
        ("function/string_utf8.test: substring('😃🧘♂🌍', 1,3)", Box::new(|| Ok(vec![try_call("substring", vec![lit(Value::String("😃🧘♂🌍".into())), lit(Value::Int64(1)), lit(Value::Int64(3))])?])), Ok("😃🧘♂")),
        ("function/string_utf8.test: substr('成績評価の甘い授業が高く評価', 1,3)", Box::new(|| Ok(vec![try_call("substr", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::Int64(1)), lit(Value::Int64(3))])?])), Ok("成績評")),
        ("function/string_utf8.test: suffix('成績評価の甘い授業が高く評価', '高く評価')", Box::new(|| Ok(vec![try_call("suffix", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::String("高く評価".into()))])?])), Ok("True")),
        ("function/string_utf8.test: trim('        成績評価の甘い授業が高く評価')", Box::new(|| Ok(vec![try_call("trim", vec![lit(Value::String("        成績評価の甘い授業が高く評価".into()))])?])), Ok("成績評価の甘い授業が高く評価")),
        ("function/string_utf8.test: trim('        成 績      評価の甘い授業が高く評価')", Box::new(|| Ok(vec![try_call("trim", vec![lit(Value::String("        成 績      評価の甘い授業が高く評価".into()))])?])), Ok("成 績      評価の甘い授業が高く評価")),
        ("function/string_utf8.test: list_element(\"成績評価の甘い授業が高く評価\", 3)", Box::new(|| Ok(vec![try_call("list_element", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::Int64(3))])?])), Ok("評")),
        ("function/string_utf8.test: list_extract(\"成績評価の甘い授業が高く評価\", 4)", Box::new(|| Ok(vec![try_call("list_extract", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::Int64(4))])?])), Ok("価")),
        ("function/string_utf8.test: array_slice(\"成績評価の甘い授業が高く評価\", 1, 3)", Box::new(|| Ok(vec![try_call("array_slice", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::Int64(1)), lit(Value::Int64(3))])?])), Ok("成績評")),
        ("function/string_utf8.test: array_extract(\"成績評価の甘い授業が高く評価\", 4)", Box::new(|| Ok(vec![try_call("array_extract", vec![lit(Value::String("成績評価の甘い授業が高く評価".into())), lit(Value::Int64(4))])?])), Ok("価")),
        ("function/struct.test: {a:1, b:2}", Box::new(|| Ok(vec![bind_struct(vec![("a".to_string(), lit(Value::Int64(1))), ("b".to_string(), lit(Value::Int64(2)))])])), Ok("{a: 1, b: 2}")),
        ("function/struct.test: {a:1, b:{c: 'C', d: 'D'}}", Box::new(|| Ok(vec![bind_struct(vec![("a".to_string(), lit(Value::Int64(1))), ("b".to_string(), bind_struct(vec![("c".to_string(), lit(Value::String("C".into()))), ("d".to_string(), lit(Value::String("D".into())))]))])])), Ok("{a: 1, b: {c: C, d: D}}")),
        ("function/struct.test: {\"foo\": \"bar\"}", Box::new(|| Ok(vec![bind_struct(vec![("foo".to_string(), lit(Value::String("bar".into())))])])), Ok("{foo: bar}")),
        ("function/utility/coalesce.test: coalesce()", Box::new(|| Ok(vec![try_call("coalesce", vec![])?])), Err("Binder exception: COALESCE requires at least one argument")),
        ("function/utility/coalesce.test: coalesce(NULL)", Box::new(|| Ok(vec![try_call("coalesce", vec![lit(Value::Null)])?])), Ok("")),
        ("function/utility/coalesce.test: coalesce(NULL, NULL, 1, 2, NULL)", Box::new(|| Ok(vec![try_call("coalesce", vec![lit(Value::Null), lit(Value::Null), lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Null)])?])), Ok("1")),
        ("function/utility/coalesce.test: coalesce(3.14, NULL, 1.23)", Box::new(|| Ok(vec![try_call("coalesce", vec![lit(Value::Double(3.14)), lit(Value::Null), lit(Value::Double(1.23))])?])), Ok("3.140000")),
        ("function/utility/coalesce.test: coalesce(NULL, false, true)", Box::new(|| Ok(vec![try_call("coalesce", vec![lit(Value::Null), lit(Value::Bool(false)), lit(Value::Bool(true))])?])), Ok("False")),
        ("function/utility/coalesce.test: coalesce(NULL, NULL, 'default_string')", Box::new(|| Ok(vec![try_call("coalesce", vec![lit(Value::Null), lit(Value::Null), lit(Value::String("default_string".into()))])?])), Ok("default_string")),
        ("function/utility/coalesce.test: coalesce(NULL, [1, 2, 3], NULL, [4, 5, 6, 7, 8], NULL)", Box::new(|| Ok(vec![try_call("coalesce", vec![lit(Value::Null), bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, lit(Value::Null), bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(5)), lit(Value::Int64(6)), lit(Value::Int64(7)), lit(Value::Int64(8))])?, lit(Value::Null)])?])), Ok("[1,2,3]")),
        ("function/utility/coalesce.test: coalesce(NULL, {name: 'Alice', age: 20}, NULL, NULL, {name: 'Bob', age: 25})", Box::new(|| Ok(vec![try_call("coalesce", vec![lit(Value::Null), bind_struct(vec![("name".to_string(), lit(Value::String("Alice".into()))), ("age".to_string(), lit(Value::Int64(20)))]), lit(Value::Null), lit(Value::Null), bind_struct(vec![("name".to_string(), lit(Value::String("Bob".into()))), ("age".to_string(), lit(Value::Int64(25)))])])?])), Ok("{name: Alice, age: 20}")),
        ("function/utility/coalesce.test: coalesce(NULL, map([1, 2], ['a', 'b']), NULL, map([1, 2, 3], ['a', 'b', 'c']))", Box::new(|| Ok(vec![try_call("coalesce", vec![lit(Value::Null), try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2))])?, bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into()))])?])?, lit(Value::Null), try_call("map", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("c".into()))])?])?])?])), Ok("{1=a, 2=b}")),
        ("function/utility/coalesce.test: coalesce(1, NULL, 1.5)", Box::new(|| Ok(vec![try_call("coalesce", vec![lit(Value::Int64(1)), lit(Value::Null), lit(Value::Double(1.5))])?])), Ok("1.000000")),
        ("function/utility/coalesce.test: coalesce([1, 2, 3], [1.5, 2.5])", Box::new(|| Ok(vec![try_call("coalesce", vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, bind_list(vec![lit(Value::Double(1.5)), lit(Value::Double(2.5))])?])?])), Ok("[1.000000,2.000000,3.000000]")),
        ("function/utility/coalesce.test: ifnull(NULL, 1, 2)", Box::new(|| Ok(vec![try_call("ifnull", vec![lit(Value::Null), lit(Value::Int64(1)), lit(Value::Int64(2))])?])), Err("Binder exception: Function IFNULL did not receive correct arguments:\nActual:   (ANY,INT64,INT64)\nExpected: (ANY,ANY) -> ANY")),
        ("function/utility/coalesce.test: ifnull(NULL, 'default_string')", Box::new(|| Ok(vec![try_call("ifnull", vec![lit(Value::Null), lit(Value::String("default_string".into()))])?])), Ok("default_string")),
        ("function/utility/coalesce.test: coalesce(NULL, 'a', NULL)", Box::new(|| Ok(vec![try_call("coalesce", vec![lit(Value::Null), lit(Value::String("a".into())), lit(Value::Null)])?])), Ok("a")),
        ("function/utility/coalesce.test: ifnull(NULL, 'a')", Box::new(|| Ok(vec![try_call("ifnull", vec![lit(Value::Null), lit(Value::String("a".into()))])?])), Ok("a")),
        ("function/utility/count_if.test: count_if(true)", Box::new(|| Ok(vec![try_call("count_if", vec![lit(Value::Bool(true))])?])), Ok("1")),
        ("function/utility/count_if.test: count_if(false)", Box::new(|| Ok(vec![try_call("count_if", vec![lit(Value::Bool(false))])?])), Ok("0")),
        ("function/uuid.test: UUID(\"11111111111111111\")", Box::new(|| Ok(vec![try_call("UUID", vec![lit(Value::String("11111111111111111".into()))])?])), Err("Conversion exception: Invalid UUID: 11111111111111111")),
        ("function/uuid.test: UUID(\"0\")", Box::new(|| Ok(vec![try_call("UUID", vec![lit(Value::String("0".into()))])?])), Err("Conversion exception: Invalid UUID: 0")),
        ("tck/expressions/boolean/Boolean2.test: 123 OR true", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Int64(123)), lit(Value::Bool(true)))?])), Err("Binder exception: Expression 123 has data type INT64 but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: 123.4 OR true", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Double(123.4)), lit(Value::Bool(true)))?])), Err("Binder exception: Expression 123.400000 has data type DOUBLE but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: 123.4 OR null", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Double(123.4)), lit(Value::Null))?])), Err("Binder exception: Expression 123.400000 has data type DOUBLE but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: 'foo' OR true", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::String("foo".into())), lit(Value::Bool(true)))?])), Err("Binder exception: Expression foo has data type STRING but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: [] OR false", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, bind_list(vec![])?, lit(Value::Bool(false)))?])), Err("Binder exception: Expression LIST_CREATION() has data type INT64[] but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: [true] OR false", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, bind_list(vec![lit(Value::Bool(true))])?, lit(Value::Bool(false)))?])), Err("Binder exception: Expression LIST_CREATION(True) has data type BOOL[] but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: [null] OR null", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, bind_list(vec![lit(Value::Null)])?, lit(Value::Null))?])), Err("Binder exception: Expression LIST_CREATION() has data type INT64[] but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: {x: []} OR true", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, bind_struct(vec![("x".to_string(), bind_list(vec![])?)]), lit(Value::Bool(true)))?])), Err("Binder exception: Expression STRUCT_PACK(LIST_CREATION()) has data type STRUCT(x INT64[]) but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: false OR 123", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Bool(false)), lit(Value::Int64(123)))?])), Err("Binder exception: Expression 123 has data type INT64 but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: true OR 123.4", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Bool(true)), lit(Value::Double(123.4)))?])), Err("Binder exception: Expression 123.400000 has data type DOUBLE but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: false OR 'foo'", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Bool(false)), lit(Value::String("foo".into())))?])), Err("Binder exception: Expression foo has data type STRING but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: null OR 'foo'", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Null), lit(Value::String("foo".into())))?])), Err("Binder exception: Expression foo has data type STRING but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: true OR []", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Bool(true)), bind_list(vec![])?)?])), Err("Binder exception: Expression LIST_CREATION() has data type INT64[] but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: true OR [false]", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Bool(true)), bind_list(vec![lit(Value::Bool(false))])?)?])), Err("Binder exception: Expression LIST_CREATION(False) has data type BOOL[] but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: null OR [null]", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Null), bind_list(vec![lit(Value::Null)])?)?])), Err("Binder exception: Expression LIST_CREATION() has data type INT64[] but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: false OR {x: []}", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Bool(false)), bind_struct(vec![("x".to_string(), bind_list(vec![])?)]))?])), Err("Binder exception: Expression STRUCT_PACK(LIST_CREATION()) has data type STRUCT(x INT64[]) but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: 123 OR 'foo'", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Int64(123)), lit(Value::String("foo".into())))?])), Err("Binder exception: Expression 123 has data type INT64 but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: 123.4 OR 123.4", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::Double(123.4)), lit(Value::Double(123.4)))?])), Err("Binder exception: Expression 123.400000 has data type DOUBLE but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: 'foo' OR {x: []}", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, lit(Value::String("foo".into())), bind_struct(vec![("x".to_string(), bind_list(vec![])?)]))?])), Err("Binder exception: Expression foo has data type STRING but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: [true] OR [true]", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, bind_list(vec![lit(Value::Bool(true))])?, bind_list(vec![lit(Value::Bool(true))])?)?])), Err("Binder exception: Expression LIST_CREATION(True) has data type BOOL[] but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/boolean/Boolean2.test: {x: []} OR [123]", Box::new(|| Ok(vec![bind_bool(BoolOp::Or, bind_struct(vec![("x".to_string(), bind_list(vec![])?)]), bind_list(vec![lit(Value::Int64(123))])?)?])), Err("Binder exception: Expression STRUCT_PACK(LIST_CREATION()) has data type STRUCT(x INT64[]) but expected BOOL. Implicit cast is not supported.")),
        ("tck/expressions/comparison/Comparison1.test: {k: 1} = {k: 1, l: null} AS result", Box::new(|| Ok(vec![bind_comparison(CmpOp::Eq, bind_struct(vec![("k".to_string(), lit(Value::Int64(1)))]), bind_struct(vec![("k".to_string(), lit(Value::Int64(1))), ("l".to_string(), lit(Value::Null))]))?])), Err("Binder exception: Type Mismatch: Cannot compare types STRUCT(k INT64) and STRUCT(k INT64, l STRING)")),
        ("tck/expressions/comparison/Comparison1.test: {k: null, l: 1} = {l: 1} AS result", Box::new(|| Ok(vec![bind_comparison(CmpOp::Eq, bind_struct(vec![("k".to_string(), lit(Value::Null)), ("l".to_string(), lit(Value::Int64(1)))]), bind_struct(vec![("l".to_string(), lit(Value::Int64(1)))]))?])), Err("Binder exception: Type Mismatch: Cannot compare types STRUCT(k STRING, l INT64) and STRUCT(l INT64)")),
        ("tck/expressions/comparison/Comparison1.test: {k: null} = {k: null, l: null} AS result", Box::new(|| Ok(vec![bind_comparison(CmpOp::Eq, bind_struct(vec![("k".to_string(), lit(Value::Null))]), bind_struct(vec![("k".to_string(), lit(Value::Null)), ("l".to_string(), lit(Value::Null))]))?])), Err("Binder exception: Type Mismatch: Cannot compare types STRUCT(k STRING) and STRUCT(k STRING, l STRING)")),
        ("tck/expressions/list/List11.test: range(-1236, -1234) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(-1236)), lit(Value::Int64(-1234))])?])), Ok("[-1236,-1235,-1234]")),
        ("tck/expressions/list/List11.test: range(-1234, -1234) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(-1234)), lit(Value::Int64(-1234))])?])), Ok("[-1234]")),
        ("tck/expressions/list/List11.test: range(-10, -3) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(-10)), lit(Value::Int64(-3))])?])), Ok("[-10,-9,-8,-7,-6,-5,-4,-3]")),
        ("tck/expressions/list/List11.test: range(0, -2000, -1298) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(-2000)), lit(Value::Int64(-1298))])?])), Ok("[0,-1298]")),
        ("tck/expressions/list/List11.test: range(10, -10, -3) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(10)), lit(Value::Int64(-10)), lit(Value::Int64(-3))])?])), Ok("[10,7,4,1,-2,-5,-8]")),
        ("tck/expressions/list/List11.test: range(0, -10, -3) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(-10)), lit(Value::Int64(-3))])?])), Ok("[0,-3,-6,-9]")),
        ("tck/expressions/list/List11.test: range(0, -20, -2) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(-20)), lit(Value::Int64(-2))])?])), Ok("[0,-2,-4,-6,-8,-10,-12,-14,-16,-18,-20]")),
        ("tck/expressions/list/List11.test: range(0, -10, -1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(-10)), lit(Value::Int64(-1))])?])), Ok("[0,-1,-2,-3,-4,-5,-6,-7,-8,-9,-10]")),
        ("tck/expressions/list/List11.test: range(0, -1, -1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(-1)), lit(Value::Int64(-1))])?])), Ok("[0,-1]")),
        ("tck/expressions/list/List11.test: range(-1236, -1234, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(-1236)), lit(Value::Int64(-1234)), lit(Value::Int64(1))])?])), Ok("[-1236,-1235,-1234]")),
        ("tck/expressions/list/List11.test: range(-10, 0, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(-10)), lit(Value::Int64(0)), lit(Value::Int64(1))])?])), Ok("[-10,-9,-8,-7,-6,-5,-4,-3,-2,-1,0]")),
        ("tck/expressions/list/List11.test: range(-1, 0, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(-1)), lit(Value::Int64(0)), lit(Value::Int64(1))])?])), Ok("[-1,0]")),
        ("tck/expressions/list/List11.test: range(0, 1, -123) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(1)), lit(Value::Int64(-123))])?])), Ok("[]")),
        ("tck/expressions/list/List11.test: range(0, 1, -1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(1)), lit(Value::Int64(-1))])?])), Ok("[]")),
        ("tck/expressions/list/List11.test: range(0, -123, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(-123)), lit(Value::Int64(1))])?])), Ok("[]")),
        ("tck/expressions/list/List11.test: range(0, -1, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(-1)), lit(Value::Int64(1))])?])), Ok("[]")),
        ("tck/expressions/list/List11.test: range(0, 0, -1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(0)), lit(Value::Int64(-1))])?])), Ok("[0]")),
        ("tck/expressions/list/List11.test: range(0, 0, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(0)), lit(Value::Int64(1))])?])), Ok("[0]")),
        ("tck/expressions/list/List11.test: range(0, 1, 2) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(1)), lit(Value::Int64(2))])?])), Ok("[0]")),
        ("tck/expressions/list/List11.test: range(0, 1, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(1)), lit(Value::Int64(1))])?])), Ok("[0,1]")),
        ("tck/expressions/list/List11.test: range(0, 10, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(10)), lit(Value::Int64(1))])?])), Ok("[0,1,2,3,4,5,6,7,8,9,10]")),
        ("tck/expressions/list/List11.test: range(6, 10, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(6)), lit(Value::Int64(10)), lit(Value::Int64(1))])?])), Ok("[6,7,8,9,10]")),
        ("tck/expressions/list/List11.test: range(1234, 1234, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(1234)), lit(Value::Int64(1234)), lit(Value::Int64(1))])?])), Ok("[1234]")),
        ("tck/expressions/list/List11.test: range(1234, 1236, 1) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(1234)), lit(Value::Int64(1236)), lit(Value::Int64(1))])?])), Ok("[1234,1235,1236]")),
        ("tck/expressions/list/List11.test: range(-10, 0, 3) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(-10)), lit(Value::Int64(0)), lit(Value::Int64(3))])?])), Ok("[-10,-7,-4,-1]")),
        ("tck/expressions/list/List11.test: range(-10, 10, 3) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(-10)), lit(Value::Int64(10)), lit(Value::Int64(3))])?])), Ok("[-10,-7,-4,-1,2,5,8]")),
        ("tck/expressions/list/List11.test: range(-2000, 0, 1298) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(-2000)), lit(Value::Int64(0)), lit(Value::Int64(1298))])?])), Ok("[-2000,-702]")),
        ("tck/expressions/list/List11.test: range(-3412, 1381, 1298) AS list", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(-3412)), lit(Value::Int64(1381)), lit(Value::Int64(1298))])?])), Ok("[-3412,-2114,-816,482]")),
        ("tck/expressions/list/List11.test: range(0, true, 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Bool(true)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,BOOL,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, 1, true)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(1)), lit(Value::Bool(true))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,INT64,BOOL)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(-1.1, 1, 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Double(-1.1)), lit(Value::Int64(1)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (DOUBLE,INT64,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(-0.0, 1, 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Double(-0.0)), lit(Value::Int64(1)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (DOUBLE,INT64,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0.0, 1, 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Double(0.0)), lit(Value::Int64(1)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (DOUBLE,INT64,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(1.1, 1, 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Double(1.1)), lit(Value::Int64(1)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (DOUBLE,INT64,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, -1.1, 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Double(-1.1)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,DOUBLE,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, -0.0, 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Double(-0.0)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,DOUBLE,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, 0.0, 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Double(0.0)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,DOUBLE,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, 1.1, 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Double(1.1)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,DOUBLE,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, 1, -1.1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(1)), lit(Value::Double(-1.1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,INT64,DOUBLE)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, 1, 1.1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(1)), lit(Value::Double(1.1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,INT64,DOUBLE)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range('xyz', 1, 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::String("xyz".into())), lit(Value::Int64(1)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (STRING,INT64,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, 'xyz', 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::String("xyz".into())), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,STRING,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, 1, 'xyz')", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(1)), lit(Value::String("xyz".into()))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,INT64,STRING)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range([0], 1, 1)", Box::new(|| Ok(vec![try_call("range", vec![bind_list(vec![lit(Value::Int64(0))])?, lit(Value::Int64(1)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64[],INT64,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, [1], 1)", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), bind_list(vec![lit(Value::Int64(1))])?, lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,INT64[],INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, 1, [1])", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(1)), bind_list(vec![lit(Value::Int64(1))])?])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,INT64,INT64[])\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range({start: 0}, 1, 1)", Box::new(|| Ok(vec![try_call("range", vec![bind_struct(vec![("start".to_string(), lit(Value::Int64(0)))]), lit(Value::Int64(1)), lit(Value::Int64(1))])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (STRUCT(start INT64),INT64,INT64)\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/list/List11.test: range(0, 1, {step: 1})", Box::new(|| Ok(vec![try_call("range", vec![lit(Value::Int64(0)), lit(Value::Int64(1)), bind_struct(vec![("step".to_string(), lit(Value::Int64(1)))])])?])), Err("Binder exception: Function RANGE did not receive correct arguments:\nActual:   (INT64,INT64,STRUCT(step INT64))\nExpected: (INT128,INT128) -> LIST\n          (INT128,INT128,INT128) -> LIST\n          (INT64,INT64) -> LIST\n          (INT64,INT64,INT64) -> LIST\n          (INT32,INT32) -> LIST\n          (INT32,INT32,INT32) -> LIST\n          (INT16,INT16) -> LIST\n          (INT16,INT16,INT16) -> LIST\n          (INT8,INT8) -> LIST\n          (INT8,INT8,INT8) -> LIST\n          (SERIAL,SERIAL) -> LIST\n          (SERIAL,SERIAL,SERIAL) -> LIST\n          (UINT64,UINT64) -> LIST\n          (UINT64,UINT64,UINT64) -> LIST\n          (UINT32,UINT32) -> LIST\n          (UINT32,UINT32,UINT32) -> LIST\n          (UINT16,UINT16) -> LIST\n          (UINT16,UINT16,UINT16) -> LIST\n          (UINT8,UINT8) -> LIST\n          (UINT8,UINT8,UINT8) -> LIST")),
        ("tck/expressions/precedence/Precedence2.test: 4 * 2 + 3 / 2 AS a,                  4 * 2 + (3 / 2) AS b,                   4 * (2 + 3) / 2 AS c", Box::new(|| Ok(vec![try_call("+", vec![try_call("*", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("+", vec![try_call("*", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("/", vec![try_call("*", vec![lit(Value::Int64(4)), try_call("+", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("9|9|10")),
        ("tck/expressions/precedence/Precedence2.test: 4 * 2 + 3 % 2 AS a,                  4 * 2 + (3 % 2) AS b,                   4 * (2 + 3) % 2 AS c", Box::new(|| Ok(vec![try_call("+", vec![try_call("*", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("+", vec![try_call("*", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("%", vec![try_call("*", vec![lit(Value::Int64(4)), try_call("+", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("9|9|0")),
        ("tck/expressions/precedence/Precedence2.test: 4 * 2 - 3 * 2 AS a,                  4 * 2 - (3 * 2) AS b,                   4 * (2 - 3) * 2 AS c", Box::new(|| Ok(vec![try_call("-", vec![try_call("*", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("*", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("-", vec![try_call("*", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("*", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("*", vec![try_call("*", vec![lit(Value::Int64(4)), try_call("-", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("2|2|-8")),
        ("tck/expressions/precedence/Precedence2.test: 4 * 2 - 3 / 2 AS a,                  4 * 2 - (3 / 2) AS b,                   4 * (2 - 3) / 2 AS c", Box::new(|| Ok(vec![try_call("-", vec![try_call("*", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("-", vec![try_call("*", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("/", vec![try_call("*", vec![lit(Value::Int64(4)), try_call("-", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("7|7|-2")),
        ("tck/expressions/precedence/Precedence2.test: 4 * 2 - 3 % 2 AS a,                  4 * 2 - (3 % 2) AS b,                   4 * (2 - 3) % 2 AS c", Box::new(|| Ok(vec![try_call("-", vec![try_call("*", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("-", vec![try_call("*", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("%", vec![try_call("*", vec![lit(Value::Int64(4)), try_call("-", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("7|7|0")),
        ("tck/expressions/precedence/Precedence2.test: 4 / 2 + 3 * 2 AS a,                  4 / 2 + (3 * 2) AS b,                   4 / (2 + 3) * 2 AS c", Box::new(|| Ok(vec![try_call("+", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("*", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("+", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("*", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("*", vec![try_call("/", vec![lit(Value::Int64(4)), try_call("+", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("8|8|0")),
        ("tck/expressions/precedence/Precedence2.test: 4 / 2 + 3 / 2 AS a,                  4 / 2 + (3 / 2) AS b,                   4 / (2 + 3) / 2 AS c", Box::new(|| Ok(vec![try_call("+", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("+", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("/", vec![try_call("/", vec![lit(Value::Int64(4)), try_call("+", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("3|3|0")),
        ("tck/expressions/precedence/Precedence2.test: 4 / 2 + 3 % 2 AS a,                  4 / 2 + (3 % 2) AS b,                   4 / (2 + 3) % 2 AS c", Box::new(|| Ok(vec![try_call("+", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("+", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("%", vec![try_call("/", vec![lit(Value::Int64(4)), try_call("+", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("3|3|0")),
        ("tck/expressions/precedence/Precedence2.test: 4 / 2 - 3 * 2 AS a,                  4 / 2 - (3 * 2) AS b,                   4 / (2 - 3) * 2 AS c", Box::new(|| Ok(vec![try_call("-", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("*", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("-", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("*", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("*", vec![try_call("/", vec![lit(Value::Int64(4)), try_call("-", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("-4|-4|-8")),
        ("tck/expressions/precedence/Precedence2.test: 4 / 2 - 3 / 2 AS a,                  4 / 2 - (3 / 2) AS b,                   4 / (2 - 3) / 2 AS c", Box::new(|| Ok(vec![try_call("-", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("-", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("/", vec![try_call("/", vec![lit(Value::Int64(4)), try_call("-", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("1|1|-2")),
        ("tck/expressions/precedence/Precedence2.test: 4 / 2 - 3 % 2 AS a,                  4 / 2 - (3 % 2) AS b,                   4 / (2 - 3) % 2 AS c", Box::new(|| Ok(vec![try_call("-", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("-", vec![try_call("/", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("%", vec![try_call("/", vec![lit(Value::Int64(4)), try_call("-", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("1|1|0")),
        ("tck/expressions/precedence/Precedence2.test: 4 % 2 + 3 * 2 AS a,                  4 % 2 + (3 * 2) AS b,                   4 % (2 + 3) * 2 AS c", Box::new(|| Ok(vec![try_call("+", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("*", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("+", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("*", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("*", vec![try_call("%", vec![lit(Value::Int64(4)), try_call("+", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("6|6|8")),
        ("tck/expressions/precedence/Precedence2.test: 4 % 2 + 3 / 2 AS a,                  4 % 2 + (3 / 2) AS b,                   4 % (2 + 3) / 2 AS c", Box::new(|| Ok(vec![try_call("+", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("+", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("/", vec![try_call("%", vec![lit(Value::Int64(4)), try_call("+", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("1|1|2")),
        ("tck/expressions/precedence/Precedence2.test: 4 % 2 + 3 % 2 AS a,                  4 % 2 + (3 % 2) AS b,                   4 % (2 + 3) % 2 AS c", Box::new(|| Ok(vec![try_call("+", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("+", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("%", vec![try_call("%", vec![lit(Value::Int64(4)), try_call("+", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("1|1|0")),
        ("tck/expressions/precedence/Precedence2.test: 4 % 2 - 3 * 2 AS a,                  4 % 2 - (3 * 2) AS b,                   4 % (2 - 3) * 2 AS c", Box::new(|| Ok(vec![try_call("-", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("*", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("-", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("*", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("*", vec![try_call("%", vec![lit(Value::Int64(4)), try_call("-", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("-6|-6|0")),
        ("tck/expressions/precedence/Precedence2.test: 4 % 2 - 3 / 2 AS a,                  4 % 2 - (3 / 2) AS b,                   4 % (2 - 3) / 2 AS c", Box::new(|| Ok(vec![try_call("-", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("-", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("/", vec![try_call("%", vec![lit(Value::Int64(4)), try_call("-", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("-1|-1|0")),
        ("tck/expressions/precedence/Precedence2.test: 4 % 2 - 3 % 2 AS a,                  4 % 2 - (3 % 2) AS b,                   4 % (2 - 3) % 2 AS c", Box::new(|| Ok(vec![try_call("-", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("-", vec![try_call("%", vec![lit(Value::Int64(4)), lit(Value::Int64(2))])?, try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, try_call("%", vec![try_call("%", vec![lit(Value::Int64(4)), try_call("-", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, lit(Value::Int64(2))])?])), Ok("-1|-1|0")),
        ("tck/expressions/precedence/Precedence2.test: 4 ^ 3 / 2 ^ 3 AS a,                  (4 ^ 3) / (2 ^ 3) AS b,                   4 ^ (3 / 2) ^ 3 AS c", Box::new(|| Ok(vec![try_call("/", vec![try_call("^", vec![lit(Value::Int64(4)), lit(Value::Int64(3))])?, try_call("^", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, try_call("/", vec![try_call("^", vec![lit(Value::Int64(4)), lit(Value::Int64(3))])?, try_call("^", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, try_call("^", vec![try_call("^", vec![lit(Value::Int64(4)), try_call("/", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, lit(Value::Int64(3))])?])), Ok("8.000000|8.000000|64.000000")),
        ("tck/expressions/precedence/Precedence2.test: 4 ^ 3 % 2 ^ 3 AS a,                  (4 ^ 3) % (2 ^ 3) AS b,                   4 ^ (3 % 2) ^ 3 AS c", Box::new(|| Ok(vec![try_call("%", vec![try_call("^", vec![lit(Value::Int64(4)), lit(Value::Int64(3))])?, try_call("^", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, try_call("%", vec![try_call("^", vec![lit(Value::Int64(4)), lit(Value::Int64(3))])?, try_call("^", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, try_call("^", vec![try_call("^", vec![lit(Value::Int64(4)), try_call("%", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, lit(Value::Int64(3))])?])), Ok("0.000000|0.000000|64.000000")),
        ("tck/expressions/precedence/Precedence2.test: 4 ^ 3 - 2 ^ 3 AS a,                  (4 ^ 3) - (2 ^ 3) AS b,                   4 ^ (3 - 2) ^ 3 AS c", Box::new(|| Ok(vec![try_call("-", vec![try_call("^", vec![lit(Value::Int64(4)), lit(Value::Int64(3))])?, try_call("^", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, try_call("-", vec![try_call("^", vec![lit(Value::Int64(4)), lit(Value::Int64(3))])?, try_call("^", vec![lit(Value::Int64(2)), lit(Value::Int64(3))])?])?, try_call("^", vec![try_call("^", vec![lit(Value::Int64(4)), try_call("-", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?, lit(Value::Int64(3))])?])), Ok("56.000000|56.000000|64.000000")),
        ("tck/expressions/precedence/Precedence2.test: -3 + 2 AS a,                  (-3) + 2 AS b,                   -(3 + 2) AS c", Box::new(|| Ok(vec![try_call("+", vec![lit(Value::Int64(-3)), lit(Value::Int64(2))])?, try_call("+", vec![lit(Value::Int64(-3)), lit(Value::Int64(2))])?, try_call("NEGATE", vec![try_call("+", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?])), Ok("-1|-1|-5")),
        ("tck/expressions/precedence/Precedence2.test: -3 - 2 AS a,                  (-3) - 2 AS b,                   -(3 - 2) AS c", Box::new(|| Ok(vec![try_call("-", vec![lit(Value::Int64(-3)), lit(Value::Int64(2))])?, try_call("-", vec![lit(Value::Int64(-3)), lit(Value::Int64(2))])?, try_call("NEGATE", vec![try_call("-", vec![lit(Value::Int64(3)), lit(Value::Int64(2))])?])?])), Ok("-5|-5|-1")),
        ("tck/expressions/precedence/Precedence4.test: False AND False IS NOT NULL AS a,                  False AND (False IS NOT NULL) AS b,                   (False AND False) IS NOT NULL AS c", Box::new(|| Ok(vec![bind_bool(BoolOp::And, lit(Value::Bool(false)), bind_is_null(lit(Value::Bool(false)), true))?, bind_bool(BoolOp::And, lit(Value::Bool(false)), bind_is_null(lit(Value::Bool(false)), true))?, bind_is_null(bind_bool(BoolOp::And, lit(Value::Bool(false)), lit(Value::Bool(false)))?, true)])), Ok("False|False|True")),
        ("tck/return/return2.test: 1 + (2 - (3 * (4 / (5 ^ (6 % null))))) AS a", Box::new(|| Ok(vec![try_call("+", vec![lit(Value::Int64(1)), try_call("-", vec![lit(Value::Int64(2)), try_call("*", vec![lit(Value::Int64(3)), try_call("/", vec![lit(Value::Int64(4)), try_call("^", vec![lit(Value::Int64(5)), try_call("%", vec![lit(Value::Int64(6)), lit(Value::Null)])?])?])?])?])?])?])), Ok("")),
        ("tck/return/return2.test: {a: 1, b: 'foo'}", Box::new(|| Ok(vec![bind_struct(vec![("a".to_string(), lit(Value::Int64(1))), ("b".to_string(), lit(Value::String("foo".into())))])])), Ok("{a: 1, b: foo}")),
    ];
    let mut failures = Vec::new();
    for (src, build, want) in cases {
        let got = build().and_then(|exprs| {
            let mut cols = Vec::new();
            for e in &exprs {
                let v = eval_constant(e, &EvalContext::default())?;
                cols.push(text(&v).unwrap_or_default());
            }
            Ok(cols.join("|"))
        });
        let ok = match (&got, &want) {
            (Ok(v), Ok(w)) => v == w,
            (Err(e), Err(we)) => e.to_string().trim_end() == *we,
            _ => false,
        };
        if !ok {
            failures.push(format!("{src}: got {got:?}, want {want:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `UNWIND <list> AS x RETURN <items>` planned as Unwind → HashAggregate or Projection.
struct Query {
    list: BoundExpr,
    keys: Vec<BoundExpr>,
    aggs: Vec<AggregateSpec>,
    /// Output position of each RETURN item in the operator's columns.
    order: Vec<usize>,
    grouped: bool,
}

fn elem_type(list: &BoundExpr) -> LogicalType {
    match &list.ty {
        LogicalType::List(c) | LogicalType::Array(c, _) => crate::exec::typing::resolve_any(c),
        _ => LogicalType::Int64,
    }
}

fn run_query(q: Query) -> Result<Vec<String>> {
    let ctx = ExecContext::default();
    let unwind = Unwind::new(Box::new(ChunkSource::single_row()), q.list)?;
    let mut op: Box<dyn Operator> = if q.grouped {
        Box::new(HashAggregate::new(Box::new(unwind), q.keys, q.aggs))
    } else {
        Box::new(Projection::new(Box::new(unwind), q.keys))
    };
    let mut rows = Vec::new();
    for r in collect_rows(op.as_mut(), &ctx)? {
        let cols: Vec<String> = q
            .order
            .iter()
            .map(|&i| text(&r[i]).unwrap_or_default())
            .collect();
        rows.push(cols.join("|"));
    }
    rows.sort();
    Ok(rows)
}

type Plan = Box<dyn Fn() -> Result<Query>>;
type RowsExpect = std::result::Result<Vec<&'static str>, &'static str>;

/// UNWIND + RETURN statements of the suite (aggregates, DISTINCT aggregates, grouping).
#[test]
fn suite_unwind_return_statements() {
    let cases: Vec<(&str, Plan, RowsExpect)> = vec![
        ("function/string_utf8.test: UNWIND [-99999, 0, 1, 4, 5, 10000000] AS startpoints RETURN substr(\"abcd\", startpoints, 1)", Box::new(|| {
            let list = bind_list(vec![lit(Value::Int64(-99999)), lit(Value::Int64(0)), lit(Value::Int64(1)), lit(Value::Int64(4)), lit(Value::Int64(5)), lit(Value::Int64(10000000))])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![try_call("substr", vec![lit(Value::String("abcd".into())), x(), lit(Value::Int64(1))])?], aggs: vec![], order: vec![0], grouped: false })
        }), Ok(vec!["", "", "a", "d", "", ""])),
        ("tck/expressions/aggregation/Aggregation2.test: UNWIND [1,2,0,null,-1] AS x RETURN max(x)", Box::new(|| {
            let list = bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(0)), lit(Value::Null), lit(Value::Int64(-1))])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![], aggs: vec![agg("max", false, Some(x()))?], order: vec![0], grouped: true })
        }), Ok(vec!["2"])),
        ("tck/expressions/aggregation/Aggregation2.test: UNWIND [1,2,0,null,-1] AS x RETURN min(x)", Box::new(|| {
            let list = bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(0)), lit(Value::Null), lit(Value::Int64(-1))])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![], aggs: vec![agg("min", false, Some(x()))?], order: vec![0], grouped: true })
        }), Ok(vec!["-1"])),
        ("tck/expressions/aggregation/Aggregation2.test: UNWIND [1.0,2.0,0.5,null] AS x RETURN max(x)", Box::new(|| {
            let list = bind_list(vec![lit(Value::Double(1.0)), lit(Value::Double(2.0)), lit(Value::Double(0.5)), lit(Value::Null)])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![], aggs: vec![agg("max", false, Some(x()))?], order: vec![0], grouped: true })
        }), Ok(vec!["2.000000"])),
        ("tck/expressions/aggregation/Aggregation2.test: UNWIND [1.0,2.0,0.5,null] AS x RETURN min(x)", Box::new(|| {
            let list = bind_list(vec![lit(Value::Double(1.0)), lit(Value::Double(2.0)), lit(Value::Double(0.5)), lit(Value::Null)])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![], aggs: vec![agg("min", false, Some(x()))?], order: vec![0], grouped: true })
        }), Ok(vec!["0.500000"])),
        ("tck/expressions/aggregation/Aggregation2.test: UNWIND ['a','b','B',null,'abc','abc1'] AS i RETURN max(i)", Box::new(|| {
            let list = bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("B".into())), lit(Value::Null), lit(Value::String("abc".into())), lit(Value::String("abc1".into()))])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![], aggs: vec![agg("max", false, Some(x()))?], order: vec![0], grouped: true })
        }), Ok(vec!["b"])),
        ("tck/expressions/aggregation/Aggregation2.test: UNWIND ['a','b','B',null,'abc','abc1'] AS i RETURN min(i)", Box::new(|| {
            let list = bind_list(vec![lit(Value::String("a".into())), lit(Value::String("b".into())), lit(Value::String("B".into())), lit(Value::Null), lit(Value::String("abc".into())), lit(Value::String("abc1".into()))])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![], aggs: vec![agg("min", false, Some(x()))?], order: vec![0], grouped: true })
        }), Ok(vec!["B"])),
        ("tck/expressions/aggregation/Aggregation8.test: UNWIND [null, null] AS x RETURN collect(DISTINCT x) AS c", Box::new(|| {
            let list = bind_list(vec![lit(Value::Null), lit(Value::Null)])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![], aggs: vec![agg("collect", true, Some(x()))?], order: vec![0], grouped: true })
        }), Ok(vec![""])),
        ("tck/expressions/aggregation/Aggregation8.test: UNWIND [null, 1, null] AS x RETURN collect(DISTINCT x) AS c", Box::new(|| {
            let list = bind_list(vec![lit(Value::Null), lit(Value::Int64(1)), lit(Value::Null)])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![], aggs: vec![agg("collect", true, Some(x()))?], order: vec![0], grouped: true })
        }), Ok(vec!["[1]"])),
        ("tck/expressions/typeConversion/TypeConversion1.test: UNWIND ['true', 'false'] AS s RETURN to_Bool(s) AS b", Box::new(|| {
            let list = bind_list(vec![lit(Value::String("true".into())), lit(Value::String("false".into()))])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![try_call("to_Bool", vec![x()])?], aggs: vec![], order: vec![0], grouped: false })
        }), Ok(vec!["True", "False"])),
        ("unwind/unwind.test: UNWIND 1 AS a RETURN a", Box::new(|| {
            let list = lit(Value::Int64(1));
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![x()], aggs: vec![], order: vec![0], grouped: false })
        }), Err("Binder exception: 1 has data type INT64 but LIST was expected.")),
        ("unwind/unwind.test: UNWIND [1, 2, 3, 4] AS x RETURN x", Box::new(|| {
            let list = bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3)), lit(Value::Int64(4))])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![x()], aggs: vec![], order: vec![0], grouped: false })
        }), Ok(vec!["1", "2", "3", "4"])),
        ("unwind/unwind.test: UNWIND [[1, 2, 3], [2, 3, 4], [3, 4, 1], [4, 1, 2]] AS x RETURN x", Box::new(|| {
            let list = bind_list(vec![bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3))])?, bind_list(vec![lit(Value::Int64(2)), lit(Value::Int64(3)), lit(Value::Int64(4))])?, bind_list(vec![lit(Value::Int64(3)), lit(Value::Int64(4)), lit(Value::Int64(1))])?, bind_list(vec![lit(Value::Int64(4)), lit(Value::Int64(1)), lit(Value::Int64(2))])?])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![x()], aggs: vec![], order: vec![0], grouped: false })
        }), Ok(vec!["[1,2,3]", "[2,3,4]", "[3,4,1]", "[4,1,2]"])),
        ("unwind/unwind.test: UNWIND [\"adhjsdhhhhhhhhhhhhsjsjjdhsjdhdjshdjdadhjsdhhqwrtetrehhhhsjsjjdhsjdhdjshdjd\", \"basdfghjkjkjhkjhkjhkj\", \"c\", \"d\"] AS x RETURN x", Box::new(|| {
            let list = bind_list(vec![lit(Value::String("adhjsdhhhhhhhhhhhhsjsjjdhsjdhdjshdjdadhjsdhhqwrtetrehhhhsjsjjdhsjdhdjshdjd".into())), lit(Value::String("basdfghjkjkjhkjhkjhkj".into())), lit(Value::String("c".into())), lit(Value::String("d".into()))])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![x()], aggs: vec![], order: vec![0], grouped: false })
        }), Ok(vec!["adhjsdhhhhhhhhhhhhsjsjjdhsjdhdjshdjdadhjsdhhqwrtetrehhhhsjsjjdhsjdhdjshdjd", "basdfghjkjkjhkjhkjhkj", "c", "d"])),
        ("unwind/unwind.test: UNWIND [1, 2, 3, 4] AS x RETURN x + 2", Box::new(|| {
            let list = bind_list(vec![lit(Value::Int64(1)), lit(Value::Int64(2)), lit(Value::Int64(3)), lit(Value::Int64(4))])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![try_call("+", vec![x(), lit(Value::Int64(2))])?], aggs: vec![], order: vec![0], grouped: false })
        }), Ok(vec!["3", "4", "5", "6"])),
        ("unwind/unwind.test: UNWIND NULL AS t RETURN t", Box::new(|| {
            let list = lit(Value::Null);
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![x()], aggs: vec![], order: vec![0], grouped: false })
        }), Ok(vec![])),
        ("unwind/unwind.test: UNWIND [] AS t RETURN t", Box::new(|| {
            let list = bind_list(vec![])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![x()], aggs: vec![], order: vec![0], grouped: false })
        }), Ok(vec![])),
        ("unwind/unwind.test: UNWIND [NULL] AS t RETURN t", Box::new(|| {
            let list = bind_list(vec![lit(Value::Null)])?;
            let elem = elem_type(&list);
            let x = || BoundExpr::column(0, elem.clone());
            let agg = |name: &str, distinct: bool, arg: Option<BoundExpr>| -> Result<AggregateSpec> {
                let types: Vec<LogicalType> = arg.iter().map(|a| a.ty.clone()).collect();
                Ok(AggregateSpec { func: bind_aggregate(name, &types, distinct)?, arg })
            };
            let _ = &agg;
            let _ = &x;
            Ok(Query { list, keys: vec![x()], aggs: vec![], order: vec![0], grouped: false })
        }), Ok(vec![""])),
    ];
    let mut failures = Vec::new();
    for (src, plan, want) in cases {
        let got = plan().and_then(run_query);
        let ok = match (&got, &want) {
            (Ok(v), Ok(w)) => {
                let mut w: Vec<String> = w.iter().map(|s| s.to_string()).collect();
                w.sort();
                *v == w
            }
            (Err(e), Err(we)) => e.to_string().trim_end() == *we,
            _ => false,
        };
        if !ok {
            failures.push(format!("{src}: got {got:?}, want {want:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

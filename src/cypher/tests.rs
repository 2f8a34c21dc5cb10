//! Unit tests of the Cypher parser: every construct, precedence, and Kuzu's error texts.
//! Expressions are compared through a compact s-expression rendering (`sx`), exact.

use super::ast::*;
use super::{parse, split_statements};
use crate::error::Error;

fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Literal::Integer(i)) => i.to_string(),
        ExprKind::Literal(Literal::Double(d)) => format!("{d:?}"),
        ExprKind::Literal(Literal::String(s)) => format!("'{s}'"),
        ExprKind::Literal(Literal::Boolean(b)) => b.to_string(),
        ExprKind::Literal(Literal::Null) => "null".into(),
        ExprKind::Parameter(p) => format!("${p}"),
        ExprKind::Variable(v) => v.clone(),
        ExprKind::Property { base, key } => format!("{}.{key}", sx(base)),
        ExprKind::PropertyStar(b) => format!("{}.*", sx(b)),
        ExprKind::Binary { op, left, right } => {
            format!("({op:?} {} {})", sx(left), sx(right))
        }
        ExprKind::Not(x) => format!("(not {})", sx(x)),
        ExprKind::Negate(x) => format!("(neg {})", sx(x)),
        ExprKind::Factorial(x) => format!("(fact {})", sx(x)),
        ExprKind::IsNull { expr, negated } => {
            format!(
                "({} {})",
                if *negated { "notnull" } else { "isnull" },
                sx(expr)
            )
        }
        ExprKind::Index { base, index } => format!("(idx {} {})", sx(base), sx(index)),
        ExprKind::Slice { base, start, end } => format!(
            "(slice {} {} {})",
            sx(base),
            start.as_ref().map(|s| sx(s)).unwrap_or("_".into()),
            end.as_ref().map(|s| sx(s)).unwrap_or("_".into())
        ),
        ExprKind::FunctionCall(f) => fcall(f),
        ExprKind::CountStar => "count(*)".into(),
        ExprKind::Cast { expr, target } => match target {
            CastTarget::Type(t) => format!("(cast {} {t})", sx(expr)),
            CastTarget::Expr(t) => format!("(cast {} {})", sx(expr), sx(t)),
        },
        ExprKind::Case {
            operand,
            alternatives,
            else_expr,
        } => {
            let mut s = "(case".to_string();
            if let Some(o) = operand {
                s += &format!(" {}", sx(o));
            }
            for (w, t) in alternatives {
                s += &format!(" (when {} {})", sx(w), sx(t));
            }
            if let Some(e) = else_expr {
                s += &format!(" (else {})", sx(e));
            }
            s + ")"
        }
        ExprKind::List(items) => {
            format!("[{}]", items.iter().map(sx).collect::<Vec<_>>().join(" "))
        }
        ExprKind::Struct(fs) => format!(
            "{{{}}}",
            fs.iter()
                .map(|(k, v)| format!("{k}:{}", sx(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        ExprKind::Quantifier {
            kind,
            variable,
            list,
            predicate,
        } => format!("({kind:?} {variable} {} {})", sx(list), sx(predicate)),
        ExprKind::Lambda { params, body } => format!("(lambda {} {})", params.join(","), sx(body)),
        ExprKind::PathPattern(p) => format!("(path {})", pe(p)),
        ExprKind::Subquery {
            kind,
            pattern,
            where_clause,
            hint,
        } => format!(
            "({kind:?} {}{}{})",
            pat(pattern),
            where_clause
                .as_ref()
                .map(|w| format!(" where {}", sx(w)))
                .unwrap_or_default(),
            hint.as_ref()
                .map(|h| format!(" hint {h:?}"))
                .unwrap_or_default()
        ),
    }
}

fn fcall(f: &FunctionCall) -> String {
    let args: Vec<String> = f
        .args
        .iter()
        .map(|a| match &a.name {
            Some(n) => format!("{n}:={}", sx(&a.value)),
            None => sx(&a.value),
        })
        .collect();
    format!(
        "{}({}{})",
        f.name,
        if f.distinct { "distinct " } else { "" },
        args.join(", ")
    )
}

fn props(ps: &[(String, Expr)]) -> String {
    if ps.is_empty() {
        return String::new();
    }
    format!(
        " {{{}}}",
        ps.iter()
            .map(|(k, v)| format!("{k}:{}", sx(v)))
            .collect::<Vec<_>>()
            .join(" ")
    )
}

fn node(n: &NodePattern) -> String {
    format!(
        "({}{}{})",
        n.variable.clone().unwrap_or_default(),
        n.labels.iter().map(|l| format!(":{l}")).collect::<String>(),
        props(&n.properties)
    )
}

fn rel(r: &RelPattern) -> String {
    let mut inner = r.variable.clone().unwrap_or_default();
    if !r.types.is_empty() {
        inner += &format!(":{}", r.types.join("|"));
    }
    if let Some(rec) = &r.recursive {
        inner += &format!("*{:?} {:?}..{:?}", rec.kind, rec.lower, rec.upper);
        if let Some(c) = &rec.comprehension {
            inner += &format!(
                " ({},{}{}{}{})",
                c.rel_variable,
                c.node_variable,
                c.where_clause
                    .as_ref()
                    .map(|w| format!(" | {}", sx(w)))
                    .unwrap_or_default(),
                c.rel_projection
                    .as_ref()
                    .map(|p| format!(
                        " | {:?}",
                        p.iter().map(|i| i.raw.clone()).collect::<Vec<_>>()
                    ))
                    .unwrap_or_default(),
                c.node_projection
                    .as_ref()
                    .map(|p| format!(
                        ", {:?}",
                        p.iter().map(|i| i.raw.clone()).collect::<Vec<_>>()
                    ))
                    .unwrap_or_default(),
            );
        }
    }
    inner += &props(&r.properties);
    match r.direction {
        Direction::Right => format!("-[{inner}]->"),
        Direction::Left => format!("<-[{inner}]-"),
        Direction::Both => format!("-[{inner}]-"),
    }
}

fn pe(p: &PatternElement) -> String {
    let mut s = node(&p.start);
    for c in &p.chain {
        s += &rel(&c.rel);
        s += &node(&c.node);
    }
    s
}

fn pat(ps: &[PatternPart]) -> String {
    ps.iter()
        .map(|p| match &p.path_variable {
            Some(v) => format!("{v}={}", pe(&p.element)),
            None => pe(&p.element),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn one(q: &str) -> Statement {
    let mut v = parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    assert_eq!(v.len(), 1, "{q}");
    v.remove(0)
}

fn query(q: &str) -> Query {
    match one(q).kind {
        StatementKind::Query(q) => q,
        k => panic!("not a query: {k:?}"),
    }
}

/// The expression of `RETURN <e>`.
fn ex(e: &str) -> String {
    let q = query(&format!("RETURN {e}"));
    let r = q.first.return_clause.expect("return");
    sx(&r.items[0].expr)
}

fn err(q: &str) -> String {
    match parse(q) {
        Err(Error::Parser(m)) => m,
        Err(e) => panic!("{q}: unexpected error kind {e}"),
        Ok(s) => panic!("{q}: parsed: {s:?}"),
    }
}

fn first_match(q: &Query) -> &MatchClause {
    let rc = q
        .first
        .parts
        .first()
        .map(|p| &p.reading_clauses)
        .unwrap_or(&q.first.reading_clauses);
    match &rc[0] {
        ReadingClause::Match(m) => m,
        r => panic!("not a match: {r:?}"),
    }
}

// ------------------------------------------------------------------ statements & splitting

#[test]
fn statements_are_split_with_spans_and_empty_ones_skipped() {
    let text = " RETURN 1; ; // c\n;RETURN 'a;b' /* ; */ ;";
    let v = parse(text).unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].text, "RETURN 1");
    assert_eq!(v[0].span, Span::new(1, 9));
    assert_eq!(v[1].text, "RETURN 'a;b'");
    assert_eq!(&text[v[1].span.start..v[1].span.end], "RETURN 'a;b'");
    assert!(parse("").unwrap().is_empty());
    assert!(parse("  // only a comment\n /* x */ ;;")
        .unwrap()
        .is_empty());
    assert_eq!(
        split_statements("RETURN 1; RETURN \";\"; /* ; */ MATCH (a) RETURN a;;"),
        vec!["RETURN 1", "RETURN \";\"", "/* ; */ MATCH (a) RETURN a"]
    );
}

#[test]
fn explain_and_profile_prefixes() {
    let s = one("EXPLAIN MATCH (a) RETURN a");
    assert_eq!(s.option, Some(StatementOption::Explain));
    assert_eq!(s.text, "EXPLAIN MATCH (a) RETURN a");
    assert_eq!(
        one("explain logical RETURN 1").option,
        Some(StatementOption::ExplainLogical)
    );
    assert_eq!(
        one("PROFILE RETURN 1").option,
        Some(StatementOption::Profile)
    );
    assert_eq!(one("RETURN 1").option, None);
}

// ------------------------------------------------------------------ reading queries

#[test]
fn match_node_and_rel_patterns() {
    let q = query(
        "match (a:Label1:Label2 {k: 1, `weird name`: 'x'})-[r:T|U {p: 1}]->(b:A|B), \
         (c)<-[]-(d)-[]-(e), p = (x)-->(y) WHERE a.k > 1 RETURN a",
    );
    let m = first_match(&q);
    assert!(!m.optional);
    assert_eq!(
        pat(&m.pattern),
        "(a:Label1:Label2 {k:1 weird name:'x'})-[r:T|U {p:1}]->(b:A:B), \
         (c)<-[]-(d)-[]-(e), p=(x)-[]->(y)"
    );
    assert_eq!(sx(m.where_clause.as_ref().unwrap()), "(Gt a.k 1)");
    let q = query("OPTIONAL MATCH (a)-[:R]->(:B) RETURN *");
    assert!(first_match(&q).optional);
    assert!(q.first.return_clause.as_ref().unwrap().star);
}

#[test]
fn recursive_relationships() {
    let cases = [
        ("-[:knows*1..3]->", "-[:knows*Variable Some(1)..Some(3)]->"),
        ("-[*..2]->", "-[*Variable None..Some(2)]->"),
        ("-[e*2]-", "-[e*Variable Some(2)..Some(2)]-"),
        ("-[*]->", "-[*Variable None..None]->"),
        ("-[* SHORTEST 1..3]->", "-[*Shortest Some(1)..Some(3)]->"),
        ("-[* ALL SHORTEST]->", "-[*AllShortest None..None]->"),
        (
            "-[e* WSHORTEST(cost1) ]->",
            "-[e*WeightedShortest { weight: \"cost1\" } None..None]->",
        ),
        (
            "-[e* ALL WSHORTEST(w) 2..]->",
            "-[e*AllWeightedShortest { weight: \"w\" } Some(2)..None]->",
        ),
        ("-[*TRAIL 2..3]->", "-[*Trail Some(2)..Some(3)]->"),
        ("-[*ACYCLIC]->", "-[*Acyclic None..None]->"),
        (
            "-[r:knows*1..2 (r, n | WHERE r.x > 1 AND n.age < 3)]->",
            "-[r:knows*Variable Some(1)..Some(2) (r,n | (And (Gt r.x 1) (Lt n.age 3)))]->",
        ),
        (
            "-[r*1..2 (r, n | WHERE r.x > 1 | {r.x}, {n.name, n.age})]->",
            "-[r*Variable Some(1)..Some(2) (r,n | (Gt r.x 1) | [\"r.x\"], [\"n.name\", \"n.age\"])]->",
        ),
    ];
    for (text, want) in cases {
        let q = query(&format!("MATCH (a){text}(b) RETURN a"));
        let m = first_match(&q);
        assert_eq!(rel(&m.pattern[0].element.chain[0].rel), want, "{text}");
    }
}

#[test]
fn with_return_projection_bodies() {
    let q = query(
        "MATCH (a) WITH DISTINCT a.x AS x, a ORDER BY x DESC, a.y SKIP 1 LIMIT 2 WHERE x > 0 \
         RETURN DISTINCT x, count(*) AS c ORDER BY c ASC SKIP 3 LIMIT $lim",
    );
    assert_eq!(q.first.parts.len(), 1);
    let w = &q.first.parts[0].with;
    assert!(w.projection.distinct);
    assert_eq!(w.projection.items.len(), 2);
    assert_eq!(w.projection.items[0].alias.as_deref(), Some("x"));
    assert_eq!(w.projection.items[0].raw, "a.x");
    assert_eq!(w.projection.items[1].alias, None);
    assert_eq!(w.projection.order_by.len(), 2);
    assert!(!w.projection.order_by[0].ascending);
    assert!(w.projection.order_by[1].ascending);
    assert_eq!(sx(w.projection.skip.as_ref().unwrap()), "1");
    assert_eq!(sx(w.projection.limit.as_ref().unwrap()), "2");
    assert_eq!(sx(w.where_clause.as_ref().unwrap()), "(Gt x 0)");
    let r = q.first.return_clause.as_ref().unwrap();
    assert!(r.distinct);
    assert_eq!(r.items[1].raw, "count(*)");
    assert_eq!(sx(&r.items[1].expr), "count(*)");
    assert_eq!(sx(r.limit.as_ref().unwrap()), "$lim");
    let r = query("RETURN *, 1 AS one").first.return_clause.unwrap();
    assert!(r.star);
    assert_eq!(r.items.len(), 1);
}

#[test]
fn unwind_union_call_load() {
    let q = query("UNWIND [1, 2] AS x RETURN x UNION ALL RETURN 3 UNION RETURN 4");
    assert!(matches!(
        &q.first.reading_clauses[0],
        ReadingClause::Unwind { expr, alias } if sx(expr) == "[1 2]" && alias == "x"
    ));
    assert_eq!(q.unions.len(), 2);
    assert!(q.unions[0].all);
    assert!(!q.unions[1].all);

    let q = query("CALL show_tables() RETURN *");
    assert!(matches!(
        &q.first.reading_clauses[0],
        ReadingClause::Call { function, where_clause: None, yield_items }
            if function.name == "show_tables" && function.args.is_empty() && yield_items.is_empty()
    ));
    let q = query("CALL table_info('person') WHERE name <> 'x' YIELD name AS n, type RETURN n");
    match &q.first.reading_clauses[0] {
        ReadingClause::Call {
            function,
            where_clause,
            yield_items,
        } => {
            assert_eq!(fcall(function), "table_info('person')");
            assert_eq!(sx(where_clause.as_ref().unwrap()), "(Ne name 'x')");
            assert_eq!(
                yield_items,
                &vec![
                    YieldItem {
                        name: "name".into(),
                        alias: Some("n".into())
                    },
                    YieldItem {
                        name: "type".into(),
                        alias: None
                    }
                ]
            );
        }
        r => panic!("{r:?}"),
    }

    let q = query(
        "LOAD WITH HEADERS (list INT64[][], a struct(num INT64, str STRING), array INT16[3]) \
         FROM \"f.csv\"(null_strings=['null',\"NULL\"], header=true) WHERE a.num > 1 RETURN *",
    );
    match &q.first.reading_clauses[0] {
        ReadingClause::LoadFrom(l) => {
            let h = l.headers.as_ref().unwrap();
            let ts: Vec<String> = h
                .iter()
                .map(|c| format!("{} {}", c.name, c.data_type))
                .collect();
            assert_eq!(
                ts,
                vec![
                    "list INT64[][]",
                    "a STRUCT(num INT64, str STRING)",
                    "array INT16[3]"
                ]
            );
            assert_eq!(
                l.source,
                ScanSource::Files {
                    paths: vec!["f.csv".into()],
                    glob: false
                }
            );
            assert_eq!(l.options.len(), 2);
            assert_eq!(l.options[0].name, "null_strings");
            assert_eq!(sx(l.options[0].value.as_ref().unwrap()), "['null' 'NULL']");
            assert_eq!(sx(l.options[1].value.as_ref().unwrap()), "true");
            assert_eq!(sx(l.where_clause.as_ref().unwrap()), "(Gt a.num 1)");
        }
        r => panic!("{r:?}"),
    }
    let q = query("LOAD FROM 'a.csv' RETURN *");
    assert!(
        matches!(&q.first.reading_clauses[0], ReadingClause::LoadFrom(l) if l.headers.is_none())
    );
}

#[test]
fn subqueries_and_hints() {
    assert_eq!(
        ex("EXISTS { MATCH (a)-[:knows]->(b) WHERE b.age > 1 }"),
        "(Exists (a)-[:knows]->(b) where (Gt b.age 1))"
    );
    assert_eq!(ex("COUNT { MATCH (a)-->(b) }"), "(Count (a)-[]->(b))");
    let q = query("MATCH (a:person)-[k:knows]->(b:person) HINT a JOIN (k JOIN b) RETURN COUNT(*)");
    assert_eq!(
        first_match(&q).hint,
        Some(JoinHint::Join(
            Box::new(JoinHint::Variable("a".into())),
            Box::new(JoinHint::Join(
                Box::new(JoinHint::Variable("k".into())),
                Box::new(JoinHint::Variable("b".into()))
            ))
        ))
    );
    let q = query(
        "MATCH (a)-[r1]->(b) HINT ((a JOIN r1 JOIN b) MULTI_JOIN r2 MULTI_JOIN r3) JOIN c RETURN *",
    );
    let h = format!("{:?}", first_match(&q).hint.as_ref().unwrap());
    assert_eq!(
        h,
        "Join(MultiJoin(Join(Join(Variable(\"a\"), Variable(\"r1\")), Variable(\"b\")), \
         [\"r2\", \"r3\"]), Variable(\"c\"))"
    );
}

// ------------------------------------------------------------------ expressions

#[test]
fn precedence() {
    assert_eq!(ex("1 + 2 * 3"), "(Add 1 (Mul 2 3))");
    assert_eq!(ex("1 - 2 - 3"), "(Sub (Sub 1 2) 3)");
    assert_eq!(ex("2 ^ 3 ^ 2"), "(Pow (Pow 2 3) 2)");
    assert_eq!(ex("-2 ^ 2"), "(Pow -2 2)");
    assert_eq!(ex("- - 3"), "3");
    assert_eq!(ex("-a.b"), "(neg a.b)");
    assert_eq!(ex("-a!"), "(neg (fact a))");
    assert_eq!(
        ex("a OR b XOR c AND NOT d"),
        "(Or a (Xor b (And c (not d))))"
    );
    assert_eq!(ex("NOT NOT a = b"), "(not (not (Eq a b)))");
    assert_eq!(ex("a + 1 < b * 2"), "(Lt (Add a 1) (Mul b 2))");
    assert_eq!(
        ex("1 | 2 & 3 << 1 + 1"),
        "(BitOr 1 (BitAnd 2 (ShiftLeft 3 (Add 1 1))))"
    );
    assert_eq!(ex("a >> 2 >= 1"), "(Ge (ShiftRight a 2) 1)");
    assert_eq!(ex("a % 2 / 3"), "(Div (Mod a 2) 3)");
    assert_eq!(
        ex("a IS NULL OR b IS NOT NULL"),
        "(Or (isnull a) (notnull b))"
    );
    assert_eq!(ex("x IN [1, 2] AND y <> 3"), "(And (In x [1 2]) (Ne y 3))");
    assert_eq!(ex("a.name STARTS WITH 'A'"), "(StartsWith a.name 'A')");
    assert_eq!(
        ex("a.name ENDS WITH 'A' + 'b'"),
        "(Add (EndsWith a.name 'A') 'b')"
    );
    assert_eq!(ex("a.name CONTAINS 'x'"), "(Contains a.name 'x')");
    assert_eq!(ex("a.name =~ 'x.*'"), "(RegexMatch a.name 'x.*')");
    assert_eq!(ex("a.b.c"), "a.b.c");
    assert_eq!(ex("a.*"), "a.*");
    assert_eq!(ex("x[1]"), "(idx x 1)");
    assert_eq!(ex("x[1][2]"), "(idx (idx x 1) 2)");
    assert_eq!(ex("x[1:3]"), "(slice x 1 3)");
    assert_eq!(ex("x[1..3]"), "(slice x 1 3)");
    assert_eq!(ex("x[:2]"), "(slice x _ 2)");
    assert_eq!(ex("x[2..]"), "(slice x 2 _)");
    assert_eq!(ex("(1 + 2) * 3"), "(Mul (Add 1 2) 3)");
}

#[test]
fn literals() {
    assert_eq!(ex("42"), "42");
    assert_eq!(ex("-42"), "-42");
    assert_eq!(ex("9223372036854775808"), "9223372036854775808");
    assert_eq!(
        ex("-170141183460469231731687303715884105728"),
        "-170141183460469231731687303715884105728"
    );
    match parse("RETURN 170141183460469231731687303715884105728") {
        Err(Error::Conversion(m)) => assert_eq!(
            m,
            "Cast failed. 170141183460469231731687303715884105728 is not within INT128 range."
        ),
        r => panic!("{r:?}"),
    }
    assert_eq!(ex("1.5"), "1.5");
    assert_eq!(ex("1e3"), "1000.0");
    assert_eq!(ex("1.5E-2"), "0.015");
    assert_eq!(ex(".5"), "0.5");
    assert_eq!(ex("-.5"), "-0.5");
    assert_eq!(ex("'it\\'s'"), "'it's'");
    assert_eq!(ex("\"a\\nb\""), "'a\nb'");
    assert_eq!(ex("TRUE"), "true");
    assert_eq!(ex("false"), "false");
    assert_eq!(ex("NULL"), "null");
    assert_eq!(ex("[1, 'a', [2]]"), "[1 'a' [2]]");
    assert_eq!(ex("[]"), "[]");
    assert_eq!(ex("[1,,3]"), "[1 null 3]");
    assert_eq!(ex("{a: 1, 'b c': 'x'}"), "{a:1 b c:'x'}");
    assert_eq!(ex("$name"), "$name");
    assert_eq!(ex("$1"), "$1");
}

#[test]
fn functions_case_cast_quantifiers_lambdas() {
    assert_eq!(ex("f(DISTINCT x)"), "f(distinct x)");
    assert_eq!(ex("count(*)"), "count(*)");
    assert_eq!(ex("COUNT(a)"), "COUNT(a)");
    assert_eq!(ex("f()"), "f()");
    assert_eq!(ex("f(a, b := 2)"), "f(a, b:=2)");
    assert_eq!(ex("CAST(x AS INT64[])"), "(cast x INT64[])");
    assert_eq!(ex("cast(x, 'INT32')"), "(cast x 'INT32')");
    assert_eq!(
        ex("CASE WHEN a > 1 THEN 'x' WHEN a < 0 THEN 'y' ELSE 'z' END"),
        "(case (when (Gt a 1) 'x') (when (Lt a 0) 'y') (else 'z'))"
    );
    assert_eq!(ex("CASE a WHEN 1 THEN 2 END"), "(case a (when 1 2))");
    assert_eq!(ex("all(x IN l WHERE x > 1)"), "(All x l (Gt x 1))");
    assert_eq!(ex("ANY(x IN [1] WHERE x = 1)"), "(Any x [1] (Eq x 1))");
    assert_eq!(ex("NONE(x IN l WHERE true)"), "(None x l true)");
    assert_eq!(ex("SINGLE(x IN l WHERE true)"), "(Single x l true)");
    assert_eq!(
        ex("list_transform([1, 2], x -> x + 1)"),
        "list_transform([1 2], (lambda x (Add x 1)))"
    );
    assert_eq!(
        ex("list_reduce(l, (a, b) -> a * b)"),
        "list_reduce(l, (lambda a,b (Mul a b)))"
    );
    assert_eq!(ex("(a)-[:knows]->(b)"), "(path (a)-[:knows]->(b))");
    assert_eq!(ex("contains(a, 'x')"), "contains(a, 'x')");
}

#[test]
fn keywords_are_case_insensitive_and_names_may_be_quoted() {
    let q = query("mAtCh (`my node`:`La bel`) ReTuRn `my node`.`a``b` AS `x y`");
    assert_eq!(pat(&first_match(&q).pattern), "(my node:La bel)");
    let r = q.first.return_clause.unwrap();
    assert_eq!(sx(&r.items[0].expr), "my node.a`b");
    assert_eq!(r.items[0].alias.as_deref(), Some("x y"));
    // non-reserved keywords as names
    assert_eq!(
        ex("count + skip + limit + from"),
        "(Add (Add (Add count skip) limit) from)"
    );
}

#[test]
fn expression_spans_are_statement_relative() {
    let v = parse("RETURN 0; RETURN a.b +  f(x)").unwrap();
    let r = match &v[1].kind {
        StatementKind::Query(q) => q.first.return_clause.clone().unwrap(),
        k => panic!("{k:?}"),
    };
    let e = &r.items[0].expr;
    assert_eq!(v[1].source(e.span), "a.b +  f(x)");
    if let ExprKind::Binary { right, .. } = &e.kind {
        assert_eq!(v[1].source(right.span), "f(x)");
    } else {
        panic!("{e:?}");
    }
    assert_eq!(r.items[0].raw, "a.b +  f(x)");
}

// ------------------------------------------------------------------ writes

#[test]
fn updating_clauses() {
    let q = query("CREATE (a:person {id: 1})-[:knows {since: 2}]->(b:person {id: 2})");
    assert_eq!(
        q.first.updating_clauses,
        vec![UpdatingClause::Create(
            match &query(
                "MATCH (a:person {id: 1})-[:knows {since: 2}]->(b:person {id: 2}) RETURN a"
            )
            .first
            .reading_clauses[0]
            {
                ReadingClause::Match(m) => {
                    let mut p = m.pattern.clone();
                    // spans differ by the keyword length difference ("CREATE" vs "MATCH").
                    shift_pattern(&mut p, 1);
                    p
                }
                r => panic!("{r:?}"),
            }
        )]
    );
    let q =
        query("MERGE (n:T {id: 1}) ON MATCH SET n.x = 1 ON CREATE SET n.y = 2, n.z = 3 RETURN n");
    match &q.first.updating_clauses[0] {
        UpdatingClause::Merge { pattern, actions } => {
            assert_eq!(pat(pattern), "(n:T {id:1})");
            assert_eq!(actions.len(), 2);
            assert!(!actions[0].on_create);
            assert!(actions[1].on_create);
            assert_eq!(actions[1].items.len(), 2);
        }
        u => panic!("{u:?}"),
    }
    let q = query("MATCH (n) SET n.a = 1, n.b = n.a + 1 SET n = {c: 2}");
    match &q.first.updating_clauses[..] {
        [UpdatingClause::Set(a), UpdatingClause::Set(b)] => {
            match &a[1] {
                SetItem::Property { target, value } => {
                    assert_eq!(sx(target), "n.b");
                    assert_eq!(sx(value), "(Add n.a 1)");
                }
                s => panic!("{s:?}"),
            }
            match &b[0] {
                SetItem::AllProperties { target, properties } => {
                    assert_eq!(sx(target), "n");
                    assert_eq!(properties.len(), 1);
                    assert_eq!(properties[0].0, "c");
                }
                s => panic!("{s:?}"),
            }
        }
        u => panic!("{u:?}"),
    }
    let q = query("MATCH (a), (b) DETACH DELETE a, b");
    assert!(matches!(
        &q.first.updating_clauses[0],
        UpdatingClause::Delete { detach: true, exprs } if exprs.len() == 2
    ));
    let q = query("MATCH (a) DELETE a");
    assert!(matches!(
        &q.first.updating_clauses[0],
        UpdatingClause::Delete { detach: false, .. }
    ));
    assert!(
        query("MATCH (a) WITH a CREATE (b) WITH b RETURN b")
            .first
            .parts
            .len()
            == 2
    );
}

fn shift_pattern(p: &mut [PatternPart], by: usize) {
    fn shift_expr(e: &mut Expr, by: usize) {
        e.span.start += by;
        e.span.end += by;
    }
    for part in p {
        let el = &mut part.element;
        el.start.span.start += by;
        el.start.span.end += by;
        for (_, e) in el.start.properties.iter_mut() {
            shift_expr(e, by);
        }
        for c in el.chain.iter_mut() {
            c.rel.span.start += by;
            c.rel.span.end += by;
            for (_, e) in c.rel.properties.iter_mut() {
                shift_expr(e, by);
            }
            c.node.span.start += by;
            c.node.span.end += by;
            for (_, e) in c.node.properties.iter_mut() {
                shift_expr(e, by);
            }
        }
    }
}

// ------------------------------------------------------------------ DDL

fn kind(q: &str) -> StatementKind {
    one(q).kind
}

#[test]
fn create_node_table() {
    let StatementKind::CreateNodeTable(t) = kind(
        "CREATE NODE TABLE IF NOT EXISTS person(id INT64, name STRING DEFAULT 'x', \
         l INT64[], a STRING[3], s STRUCT(a INT64, b STRING[]), m MAP(STRING, INT64), \
         u UNION(a INT64, b STRING), d DECIMAL(10, 2), PRIMARY KEY(id))",
    ) else {
        panic!()
    };
    assert_eq!(t.name, "person");
    assert!(t.if_not_exists);
    assert_eq!(t.primary_key.as_deref(), Some("id"));
    let types: Vec<String> = t
        .properties
        .iter()
        .map(|p| p.data_type.to_string())
        .collect();
    assert_eq!(
        types,
        vec![
            "INT64",
            "STRING",
            "INT64[]",
            "STRING[3]",
            "STRUCT(a INT64, b STRING[])",
            "MAP(STRING, INT64)",
            "UNION(a INT64, b STRING)",
            "DECIMAL(10, 2)"
        ]
    );
    assert_eq!(sx(t.properties[1].default.as_ref().unwrap()), "'x'");
    assert_eq!(
        t.properties[4].data_type,
        TypeName::Struct(vec![
            ("a".into(), TypeName::Named("INT64".into())),
            (
                "b".into(),
                TypeName::List {
                    element: Box::new(TypeName::Named("STRING".into())),
                    size: None
                }
            )
        ])
    );
    let StatementKind::CreateNodeTable(t) =
        kind("create node table T(id SERIAL PRIMARY KEY, x DOUBLE)")
    else {
        panic!()
    };
    assert_eq!(t.primary_key.as_deref(), Some("id"));
    assert!(!t.if_not_exists);
    assert_eq!(
        parse("CREATE NODE TABLE personAlt3(id INT64, prop STRING DEFAULT 'Alice');")
            .unwrap_err()
            .to_string(),
        "Parser exception: Can not find primary key."
    );
    assert_eq!(
        parse("CREATE NODE TABLE personALt4(id INT64 PRIMARY KEY, prop STRING DEFAULT 'Alice' PRIMARY KEY);")
            .unwrap_err()
            .to_string(),
        "Parser exception: Found multiple primary keys."
    );
    let StatementKind::CreateNodeTable(t) =
        kind("CREATE NODE TABLE P(ID INT64 PRIMARY KEY, x INT64, PRIMARY KEY(ID))")
    else {
        panic!()
    };
    assert_eq!(t.primary_key.as_deref(), Some("ID"));
    assert_eq!(
        parse("CREATE NODE TABLE P2(ID INT64 PRIMARY KEY, x INT64, PRIMARY KEY(x))")
            .unwrap_err()
            .to_string(),
        "Parser exception: Found multiple primary keys."
    );
    let StatementKind::CreateNodeTable(t) =
        kind("CREATE NODE TABLE T AS LOAD FROM 'a.csv' RETURN *")
    else {
        panic!()
    };
    assert!(t.as_query.is_some() && t.primary_key.is_none());
}

#[test]
fn create_rel_tables() {
    let StatementKind::CreateRelTable(t) = kind(
        "CREATE REL TABLE knows(FROM person TO person, FROM person TO org, date DATE, w DOUBLE DEFAULT 1.0, MANY_ONE)",
    ) else {
        panic!()
    };
    assert_eq!(
        t.connections,
        vec![
            FromTo {
                from: "person".into(),
                to: "person".into()
            },
            FromTo {
                from: "person".into(),
                to: "org".into()
            }
        ]
    );
    assert_eq!(t.properties.len(), 2);
    assert_eq!(t.multiplicity.as_deref(), Some("MANY_ONE"));
    assert!(!t.group);
    let StatementKind::CreateRelTable(t) =
        kind("CREATE REL TABLE GROUP IF NOT EXISTS g(FROM a TO b, FROM c TO d) WITH (storage_direction='fwd')")
    else {
        panic!()
    };
    assert!(t.group && t.if_not_exists);
    assert!(t.properties.is_empty() && t.multiplicity.is_none());
    assert_eq!(t.options[0].name, "storage_direction");
    let StatementKind::CreateRelTable(t) =
        kind("CREATE REL TABLE r(FROM a TO b) AS MATCH (x)-[e]->(y) RETURN x.id, y.id")
    else {
        panic!()
    };
    assert!(t.as_query.is_some() && t.properties.is_empty());
    let StatementKind::CreateRelTable(t) = kind("CREATE REL TABLE r(FROM a TO b, ONE_ONE)") else {
        panic!()
    };
    assert_eq!(t.multiplicity.as_deref(), Some("ONE_ONE"));
}

#[test]
fn drop_alter_sequence_macro_type() {
    assert_eq!(
        kind("DROP TABLE IF EXISTS person"),
        StatementKind::Drop {
            what: DropKind::Table,
            name: "person".into(),
            if_exists: true
        }
    );
    assert_eq!(
        kind("drop sequence s"),
        StatementKind::Drop {
            what: DropKind::Sequence,
            name: "s".into(),
            if_exists: false
        }
    );
    let StatementKind::AlterTable { table, action } =
        kind("ALTER TABLE person ADD IF NOT EXISTS age INT64 DEFAULT 1 + 1")
    else {
        panic!()
    };
    assert_eq!(table, "person");
    match action {
        AlterAction::AddProperty {
            name,
            data_type,
            default,
            if_not_exists,
        } => {
            assert_eq!(name, "age");
            assert_eq!(data_type, TypeName::Named("INT64".into()));
            assert_eq!(sx(&default.unwrap()), "(Add 1 1)");
            assert!(if_not_exists);
        }
        a => panic!("{a:?}"),
    }
    assert!(matches!(
        kind("ALTER TABLE p DROP IF EXISTS age"),
        StatementKind::AlterTable {
            action: AlterAction::DropProperty {
                if_exists: true,
                ..
            },
            ..
        }
    ));
    assert_eq!(
        kind("ALTER TABLE p RENAME TO q"),
        StatementKind::AlterTable {
            table: "p".into(),
            action: AlterAction::RenameTable {
                new_name: "q".into()
            }
        }
    );
    assert_eq!(
        kind("ALTER TABLE p RENAME a TO b"),
        StatementKind::AlterTable {
            table: "p".into(),
            action: AlterAction::RenameProperty {
                old_name: "a".into(),
                new_name: "b".into()
            }
        }
    );
    assert_eq!(
        kind("ALTER TABLE r ADD FROM a TO b"),
        StatementKind::AlterTable {
            table: "r".into(),
            action: AlterAction::AddConnection {
                connection: FromTo {
                    from: "a".into(),
                    to: "b".into()
                },
                if_not_exists: false
            }
        }
    );
    assert_eq!(
        kind("COMMENT ON TABLE p IS 'people'"),
        StatementKind::CommentOnTable {
            table: "p".into(),
            comment: "people".into()
        }
    );
    let StatementKind::CreateSequence(s) = kind(
        "CREATE SEQUENCE IF NOT EXISTS s INCREMENT BY -2 MINVALUE 1 NO MAXVALUE START WITH 5 NO CYCLE",
    ) else {
        panic!()
    };
    assert_eq!(
        s.options,
        vec![
            SequenceOption::IncrementBy("-2".into()),
            SequenceOption::MinValue(Some("1".into())),
            SequenceOption::MaxValue(None),
            SequenceOption::StartWith("5".into()),
            SequenceOption::Cycle(false)
        ]
    );
    let StatementKind::CreateMacro(m) = kind("CREATE MACRO addWithDefault(a, b := 3) AS a + b")
    else {
        panic!()
    };
    assert_eq!(m.name, "addWithDefault");
    assert_eq!(m.positional_args, vec!["a".to_string()]);
    assert_eq!(m.default_args.len(), 1);
    assert_eq!(m.default_args[0].0, "b");
    assert_eq!(sx(&m.body), "(Add a b)");
    let StatementKind::CreateMacro(m) = kind("CREATE MACRO f(x, y) AS x") else {
        panic!()
    };
    assert_eq!(m.positional_args, vec!["x".to_string(), "y".to_string()]);
    assert_eq!(
        kind("CREATE TYPE T AS MAP(STRING, INT64[])"),
        StatementKind::CreateType {
            name: "T".into(),
            data_type: TypeName::Map {
                key: Box::new(TypeName::Named("STRING".into())),
                value: Box::new(TypeName::List {
                    element: Box::new(TypeName::Named("INT64".into())),
                    size: None
                })
            }
        }
    );
}

#[test]
fn copy_statements() {
    let StatementKind::CopyFrom(c) =
        kind("COPY person FROM \"dataset/p.csv\" (HEADER=true, DELIM='|', PARALLEL false)")
    else {
        panic!()
    };
    assert_eq!(c.table, "person");
    assert_eq!(c.columns, None);
    assert_eq!(
        c.source,
        ScanSource::Files {
            paths: vec!["dataset/p.csv".into()],
            glob: false
        }
    );
    let opts: Vec<String> = c
        .options
        .iter()
        .map(|o| format!("{}={}", o.name, sx(o.value.as_ref().unwrap())))
        .collect();
    assert_eq!(opts, vec!["HEADER=true", "DELIM='|'", "PARALLEL=false"]);
    let StatementKind::CopyFrom(c) = kind("COPY person(id, name) FROM ['a.csv', 'b.csv']") else {
        panic!()
    };
    assert_eq!(c.columns, Some(vec!["id".to_string(), "name".to_string()]));
    assert_eq!(
        c.source,
        ScanSource::Files {
            paths: vec!["a.csv".into(), "b.csv".into()],
            glob: false
        }
    );
    let StatementKind::CopyFrom(c) = kind("COPY knows FROM (MATCH (a) RETURN a.id, a.id)") else {
        panic!()
    };
    assert!(matches!(c.source, ScanSource::Query(_)));
    let StatementKind::CopyFrom(c) = kind("COPY t FROM GLOB('*.csv')") else {
        panic!()
    };
    assert_eq!(
        c.source,
        ScanSource::Files {
            paths: vec!["*.csv".into()],
            glob: true
        }
    );
    assert!(matches!(
        kind("COPY (MATCH (a) RETURN a) TO 'out.csv' (header=false)"),
        StatementKind::CopyTo { file, options, .. } if file == "out.csv" && options.len() == 1
    ));
    assert_eq!(
        kind("COPY t FROM ('a.csv', 'b.csv') BY COLUMN"),
        StatementKind::CopyFromByColumn {
            table: "t".into(),
            files: vec!["a.csv".into(), "b.csv".into()]
        }
    );
}

#[test]
fn transactions_calls_and_misc() {
    assert_eq!(
        kind("BEGIN TRANSACTION"),
        StatementKind::Transaction(TransactionKind::Begin { read_only: false })
    );
    assert_eq!(
        kind("begin transaction read only"),
        StatementKind::Transaction(TransactionKind::Begin { read_only: true })
    );
    assert_eq!(
        kind("COMMIT"),
        StatementKind::Transaction(TransactionKind::Commit)
    );
    assert_eq!(
        kind("Rollback"),
        StatementKind::Transaction(TransactionKind::Rollback)
    );
    assert_eq!(
        kind("CHECKPOINT"),
        StatementKind::Transaction(TransactionKind::Checkpoint)
    );
    match kind("CALL threads=4") {
        StatementKind::CallOption { name, value } => {
            assert_eq!(name, "threads");
            assert_eq!(sx(&value), "4");
        }
        k => panic!("{k:?}"),
    }
    match kind("CALL clear_warnings()") {
        StatementKind::CallFunction(f) => assert_eq!(fcall(&f), "clear_warnings()"),
        k => panic!("{k:?}"),
    }
    assert_eq!(
        kind("USE db2"),
        StatementKind::UseDatabase { name: "db2".into() }
    );
    assert_eq!(
        kind("DETACH db2"),
        StatementKind::DetachDatabase { name: "db2".into() }
    );
    assert_eq!(
        kind("ATTACH 'x.kz' AS other (dbtype kuzu)"),
        StatementKind::AttachDatabase {
            path: "x.kz".into(),
            alias: Some("other".into()),
            db_type: "kuzu".into(),
            options: vec![]
        }
    );
    assert_eq!(
        kind("LOAD EXTENSION json"),
        StatementKind::LoadExtension {
            path: "json".into()
        }
    );
    assert_eq!(
        kind("INSTALL json"),
        StatementKind::InstallExtension {
            name: "json".into(),
            force: false,
            from: None
        }
    );
    assert_eq!(
        kind("EXPORT DATABASE '/tmp/x' (format='csv')"),
        StatementKind::ExportDatabase {
            path: "/tmp/x".into(),
            options: vec![OptionEntry {
                name: "format".into(),
                value: Some(Expr {
                    kind: ExprKind::Literal(Literal::String("csv".into())),
                    span: Span::new(33, 38)
                })
            }]
        }
    );
    assert_eq!(
        kind("IMPORT DATABASE '/tmp/x'"),
        StatementKind::ImportDatabase {
            path: "/tmp/x".into()
        }
    );
}

// ------------------------------------------------------------------ errors (Kuzu's texts)

#[test]
fn error_messages_match_kuzu() {
    let cases: &[(&str, &str)] = &[
        (
            "RETURN 42 — 41;",
            "Invalid input < —>: expected rule ku_Statements (line: 1, offset: 10)\n\
             \"RETURN 42 — 41;\"\n           ^",
        ),
        (
            "MATCH (a:A)            MATCH (a)-[:LIKES..]->(c)             RETURN c.name;",
            "Invalid input <MATCH (a:A)            MATCH (a)-[:LIKES..>: expected rule oC_SingleQuery (line: 1, offset: 40)\n\
             \"MATCH (a:A)            MATCH (a)-[:LIKES..]->(c)             RETURN c.name;\"\n                                         ^^",
        ),
        (
            "MATCH (a:A)           MATCH (a)-[:LIKES*-2]->(c)            RETURN c.name;",
            "Invalid input <MATCH (a:A)           MATCH (a)-[:LIKES*->: expected rule oC_SingleQuery (line: 1, offset: 40)\n\
             \"MATCH (a:A)           MATCH (a)-[:LIKES*-2]->(c)            RETURN c.name;\"\n                                         ^",
        ),
        (
            "MATCH ()-[r:FOO $param]->() RETURN r;",
            "Invalid input <MATCH ()-[r:FOO $>: expected rule oC_SingleQuery (line: 1, offset: 16)\n\
             \"MATCH ()-[r:FOO $param]->() RETURN r;\"\n                 ^",
        ),
        (
            "MATCH (a) WHERE a.age != 1 RETURN *;",
            "Unknown operation '!=' (you probably meant to use '<>', which is the operator for inequality testing.) (line: 1, offset: 22)\n\
             \"MATCH (a) WHERE a.age != 1 RETURN *;\"\n                       ^^",
        ),
        (
            "MATCH (a:``) RETURN *;",
            "'' is not a valid token name. Token names cannot be empty or contain any null-bytes (line: 1, offset: 9)\n\
             \"MATCH (a:``) RETURN *;\"\n          ^^",
        ),
        (
            "MATCH (a) WHERE a.`` != 1 RETURN *;",
            "'' is not a valid token name. Token names cannot be empty or contain any null-bytes (line: 1, offset: 18)\n\
             \"MATCH (a) WHERE a.`` != 1 RETURN *;\"\n                   ^^",
        ),
        (
            "RETURN a MATCH (a) RETURN a;",
            "RETURN can only be used at the end of the query (line: 1, offset: 0)\n\
             \"RETURN a MATCH (a) RETURN a;\"\n ^^^^^^",
        ),
        (
            "MATCH (a:person)<-[e1:knows]-(b:person)-[e2:knows]->(c:person) WHERE b.fName = e1.date = e2.date AND id(a) <> id(c) RETURN COUNT(*);",
            "Non-binary comparison (e.g. a=b=c) is not supported (line: 1, offset: 69)\n\
             \"MATCH (a:person)<-[e1:knows]-(b:person)-[e2:knows]->(c:person) WHERE b.fName = e1.date = e2.date AND id(a) <> id(c) RETURN COUNT(*);\"\n                                                                      ^",
        ),
        (
            "RETURN NONE(x in [1,2,3])",
            "Invalid input <RETURN NONE(x in [1,2,3])>: expected rule oC_RegularQuery (line: 1, offset: 24)\n\
             \"RETURN NONE(x in [1,2,3])\"\n                         ^",
        ),
        (
            "RETURN SINGLE(x in [1,2,3])",
            "Invalid input <RETURN SINGLE(x in [1,2,3])>: expected rule oC_RegularQuery (line: 1, offset: 26)\n\
             \"RETURN SINGLE(x in [1,2,3])\"\n                           ^",
        ),
        // Observed with Kuzu 0.11.3:
        (
            "MATCH (a) RETURN a.b +;",
            "Invalid input <a.b +;>: expected rule oC_ProjectionItem (line: 1, offset: 22)\n\
             \"MATCH (a) RETURN a.b +;\"\n                       ^",
        ),
        (
            "RETURN 1 +",
            "Invalid input <RETURN 1 +>: expected rule oC_RegularQuery (line: 1, offset: 10)\n\
             \"RETURN 1 +\"\n           ",
        ),
        (
            "MATCH (a)",
            "Invalid input <MATCH (a)>: expected rule oC_SingleQuery (line: 1, offset: 9)\n\
             \"MATCH (a)\"\n          ",
        ),
        (
            "CREATE NODE TABLE T(a INT64 PRIMARY KEY) xyz",
            "Invalid input < xyz>: expected rule ku_Statements (line: 1, offset: 41)\n\
             \"CREATE NODE TABLE T(a INT64 PRIMARY KEY) xyz\"\n                                          ^^^",
        ),
        (
            "CREATE NODE T(a INT64)",
            "Invalid input <CREATE NODE T>: expected rule oC_Statement (line: 1, offset: 12)\n\
             \"CREATE NODE T(a INT64)\"\n             ^",
        ),
        (
            "MATCH (a) WITH a MATCH (b)-[:X..]->(c) RETURN c",
            "Invalid input <MATCH (b)-[:X..>: expected rule oC_MultiPartQuery (line: 1, offset: 30)\n\
             \"MATCH (a) WITH a MATCH (b)-[:X..]->(c) RETURN c\"\n                               ^^",
        ),
        (
            "MATCH (a) RETURN a ORDER BY a.x + LIMIT 1",
            "Invalid input < 1>: expected rule ku_Statements (line: 1, offset: 40)\n\
             \"MATCH (a) RETURN a ORDER BY a.x + LIMIT 1\"\n                                         ^",
        ),
        (
            "RETURN 'a\\qb'",
            "Invalid input <RETURN '>: expected rule oC_RegularQuery (line: 1, offset: 7)\n\
             \"RETURN 'a\\qb'\"\n        ^",
        ),
        (
            "RETURN 1;  RETURN 2 +",
            "Invalid input <RETURN 2 +>: expected rule oC_RegularQuery (line: 1, offset: 21)\n\
             \"RETURN 1;  RETURN 2 +\"\n                      ",
        ),
        (
            "RETURN 1 = 2 = 3",
            "Non-binary comparison (e.g. a=b=c) is not supported (line: 1, offset: 7)\n\
             \"RETURN 1 = 2 = 3\"\n        ^",
        ),
        (
            "CREATE MACRO add4(x) AS exists match (a:person) return a.age",
            "Invalid input <exists match>: expected rule oC_ComparisonExpression (line: 1, offset: 31)\n\
             \"CREATE MACRO add4(x) AS exists match (a:person) return a.age\"\n                                ^^^^^",
        ),
        (
            "CREATE NODE TABLE T(a INT64 DEFAULT 1 +, PRIMARY KEY(a))",
            "Invalid input <1 +,>: expected rule oC_ComparisonExpression (line: 1, offset: 39)\n\
             \"CREATE NODE TABLE T(a INT64 DEFAULT 1 +, PRIMARY KEY(a))\"\n                                        ^",
        ),
        (
            "FOO BAR",
            "extraneous input 'FOO' expecting {ALTER, ATTACH, BEGIN, CALL, CHECKPOINT, COMMENT, COMMIT, COPY, CREATE, DELETE, DETACH, DROP, EXPLAIN, EXPORT, FORCE, IMPORT, INSTALL, LOAD, MATCH, MERGE, OPTIONAL, PROFILE, RETURN, ROLLBACK, SET, UNWIND, UNINSTALL, UPDATE, USE, WITH, SP} (line: 1, offset: 0)\n\
             \"FOO BAR\"\n ^^^",
        ),
    ];
    for (q, want) in cases {
        assert_eq!(&err(q), want, "query: {q}");
    }
    assert_eq!(
        parse("RETURN 1 +").unwrap_err().to_string(),
        "Parser exception: Invalid input <RETURN 1 +>: expected rule oC_RegularQuery (line: 1, offset: 10)\n\"RETURN 1 +\"\n           "
    );
}

#[test]
fn multi_line_error_positions() {
    assert_eq!(
        err("MATCH (a)\nWHERE a.x != 1\nRETURN a"),
        "Unknown operation '!=' (you probably meant to use '<>', which is the operator for inequality testing.) (line: 2, offset: 10)\n\
         \"WHERE a.x != 1\"\n           ^^"
    );
}

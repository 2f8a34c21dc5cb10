//! Fuzzing the Cypher front end and everything behind it: statements generated from the
//! grammar (`src/cypher/cypher.pest`: its statements, clauses, patterns, expressions, literals
//! and data types), biased towards the tables, properties, functions and variables in scope
//! so that most of them get past the binder, run over the social fixture grown past one
//! vector batch. A share of them is then damaged at the character level (the parser's error
//! paths), and a few are random text. Each statement runs under a timeout on a small buffer
//! pool; any error is fine, a panic, abort, hang or allocation past the budget is not (see
//! `tests/fuzz/mod.rs`: `RUZU_FUZZ_SECS=120 cargo test --release --test fuzz_cypher`).

mod fuzz;

use fuzz::Rng;
use ruzu::{Config, Database, Params, Value};
use std::path::{Path, PathBuf};

#[global_allocator]
static ALLOC: fuzz::Counting = fuzz::Counting;

#[derive(Clone, Copy, PartialEq)]
enum T {
    Int,
    Float,
    Str,
    Bool,
    Date,
    Ts,
    List,
    Any,
}

struct Table {
    name: &'static str,
    props: &'static [(&'static str, T)],
    /// For rel tables: FROM and TO.
    ends: Option<(&'static str, &'static str)>,
}

const TABLES: &[Table] = &[
    Table {
        name: "Person",
        props: &[
            ("id", T::Int),
            ("name", T::Str),
            ("age", T::Int),
            ("height", T::Float),
            ("score", T::Float),
            ("verified", T::Bool),
            ("visits", T::Int),
            ("tiny", T::Int),
            ("big", T::Int),
            ("birthday", T::Date),
            ("joined", T::Ts),
        ],
        ends: None,
    },
    Table {
        name: "City",
        props: &[("name", T::Str), ("population", T::Int)],
        ends: None,
    },
    Table {
        name: "Doc",
        props: &[
            ("id", T::Int),
            ("tags", T::List),
            ("m", T::Any),
            ("st", T::Any),
            ("body", T::Str),
        ],
        ends: None,
    },
    Table {
        name: "knows",
        props: &[("since", T::Int), ("weight", T::Float)],
        ends: Some(("Person", "Person")),
    },
    Table {
        name: "livesIn",
        props: &[("since", T::Date)],
        ends: Some(("Person", "City")),
    },
    Table {
        name: "cites",
        props: &[("note", T::Str)],
        ends: Some(("Doc", "Doc")),
    },
];

fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

const AGGREGATES: &[&str] = &["count", "sum", "avg", "min", "max", "collect"];

const TYPES: &[&str] = &[
    "INT64",
    "INT32",
    "INT16",
    "INT8",
    "UINT64",
    "UINT32",
    "UINT8",
    "INT128",
    "DOUBLE",
    "FLOAT",
    "STRING",
    "BOOLEAN",
    "DATE",
    "TIMESTAMP",
    "INTERVAL",
    "BLOB",
    "UUID",
    "SERIAL",
    "DECIMAL(10, 2)",
    "DECIMAL(38, 37)",
    "INT64[]",
    "STRING[][]",
    "INT64[3]",
    "DOUBLE[0]",
    "STRUCT(a INT64, b STRING)",
    "MAP(STRING, INT64)",
    "UNION(a INT64, b STRING)",
    "TIMESTAMP_NS",
    "TIMESTAMP_TZ",
    "NOTATYPE",
];

/// Tokens for the character-level damage: keywords, punctuation and odd characters.
const TOKENS: &[&str] = &[
    "MATCH",
    "RETURN",
    "WITH",
    "WHERE",
    "UNWIND",
    "AS",
    "CREATE",
    "MERGE",
    "SET",
    "DELETE",
    "DETACH",
    "REMOVE",
    "ORDER BY",
    "SKIP",
    "LIMIT",
    "UNION",
    "ALL",
    "OPTIONAL",
    "CALL",
    "YIELD",
    "EXISTS",
    "COUNT",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "NOT",
    "AND",
    "OR",
    "XOR",
    "IN",
    "IS NULL",
    "STARTS WITH",
    "CONTAINS",
    "DISTINCT",
    "LOAD FROM",
    "COPY",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "-",
    "->",
    "<-",
    "*",
    "..",
    ":",
    ",",
    ";",
    ".",
    "=",
    "<>",
    "=~",
    "$",
    "`",
    "'",
    "\"",
    "\\",
    "/*",
    "//",
    "|",
    "^",
    "!",
    "é",
    "\u{3008}",
    "\u{2014}",
    "\u{0}",
    "\u{feff}",
    "😀",
    "\n",
    "1e999",
    "-9223372036854775808",
    "0x",
    "``",
];

struct Gen<'a> {
    rng: &'a mut Rng,
    funcs: &'a [String],
    csv: &'a str,
    /// Variables in scope: name and, for nodes and rels, the table.
    vars: Vec<(String, Option<&'static str>, bool)>,
    next_var: usize,
    depth: usize,
    /// Aggregates may appear (projections).
    agg_ok: bool,
}

impl<'a> Gen<'a> {
    fn fresh(&mut self, prefix: &str) -> String {
        self.next_var += 1;
        format!("{prefix}{}", self.next_var)
    }

    fn int_literal(&mut self) -> String {
        match self.rng.below(10) {
            0 => self
                .rng
                .pick(&[
                    "9223372036854775807",
                    "-9223372036854775808",
                    "9223372036854775808",
                    "170141183460469231731687303715884105727",
                    "340282366920938463463374607431768211456",
                    "99999999999999999999999999999999999999999",
                    "0",
                    "-0",
                    "4294967296",
                    "2147483648",
                ])
                .to_string(),
            1..=5 => self.rng.range(-3, 12).to_string(),
            6 | 7 => self.rng.range(0, 3000).to_string(),
            _ => (self.rng.next_u64() as i64 >> self.rng.below(64)).to_string(),
        }
    }

    fn string_literal(&mut self) -> String {
        let s = *self.rng.pick(&[
            "",
            "a",
            "Alice",
            "Springfield",
            "Paris, TX",
            "%",
            "a.*b",
            "(",
            "[",
            "[1,2,3]",
            "{a: 1}",
            "2020-01-01",
            "1990-01-15 10:00:00",
            "1 day 2 hours",
            "P1Y",
            "é😀",
            "\\\\",
            "\\'",
            "\\u00e9",
            "\\x41",
            "\\n",
            "abc\\t",
            "nan",
            "inf",
            "-1",
            "1e400",
            "true",
            "NULL",
            "12345678901234567890",
            "\\U0001F600",
        ]);
        if self.rng.one_in(2) {
            format!("'{s}'")
        } else {
            format!("\"{s}\"")
        }
    }

    fn literal(&mut self) -> String {
        match self.rng.below(12) {
            0..=3 => self.int_literal(),
            4 => self
                .rng
                .pick(&[
                    "1.5", "-0.0", "1e308", "1e-320", ".5", "2.5e10", "1E400", "0.1", "3.0",
                    "-1e-5",
                ])
                .to_string(),
            5..=7 => self.string_literal(),
            8 => self.rng.pick(&["true", "false", "TRUE"]).to_string(),
            9 => "NULL".into(),
            10 => {
                let n = self.rng.below(4);
                let items: Vec<String> = (0..n).map(|_| self.literal_shallow()).collect();
                format!("[{}]", items.join(", "))
            }
            _ => {
                let n = 1 + self.rng.below(3);
                let items: Vec<String> = (0..n)
                    .map(|i| format!("f{i}: {}", self.literal_shallow()))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }

    /// A function argument: any literal, extreme numbers, typed values and small lists.
    fn argument(&mut self) -> String {
        match self.rng.below(10) {
            0 => self
                .rng
                .pick(&[
                    "-1",
                    "0",
                    "2147483647",
                    "-9223372036854775808",
                    "9223372036854775807",
                    "1000000000",
                    "4294967296",
                    "-2147483648",
                ])
                .to_string(),
            1 => self
                .rng
                .pick(&[
                    "[]",
                    "[[]]",
                    "[NULL]",
                    "[1, 2, 3]",
                    "['a', NULL, 'b']",
                    "[[1, 2], [3]]",
                    "[{a: 1}, {a: 2}]",
                    "{a: 1, b: 'x'}",
                    "map([1, 2], ['a', 'b'])",
                    "map([], [])",
                ])
                .to_string(),
            2 => self
                .rng
                .pick(&[
                    "date('2020-02-29')",
                    "timestamp('2020-02-29 12:00:00')",
                    "interval('1 year 2 days')",
                    "interval('-999999999 years')",
                    "date('9999-12-31')",
                    "timestamp('0001-01-01 00:00:00')",
                    "CAST(1.5 AS DECIMAL(5, 2))",
                    "CAST('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' AS UUID)",
                    "CAST('\\xAA' AS BLOB)",
                    "CAST(1 AS INT128)",
                    "CAST(255 AS UINT8)",
                    "CAST(-1 AS INT8)",
                    "1e308",
                    "-0.0",
                ])
                .to_string(),
            3 => {
                let i = self.rng.below(self.funcs.len().max(1));
                let f = self.funcs.get(i).cloned().unwrap_or_default();
                format!("{f}({})", self.literal_shallow())
            }
            _ => self.literal(),
        }
    }

    fn literal_shallow(&mut self) -> String {
        match self.rng.below(4) {
            0 | 1 => self.int_literal(),
            2 => self.string_literal(),
            _ => "NULL".into(),
        }
    }

    fn prop_of(&mut self, t: Option<&'static str>) -> String {
        match t.and_then(table) {
            Some(t) if !self.rng.one_in(12) => self.rng.pick(t.props).0.to_string(),
            _ => self
                .rng
                .pick(&["id", "name", "nope", "since", "_id", "*"])
                .to_string(),
        }
    }

    fn typed_value(&mut self, ty: T) -> String {
        match ty {
            T::Int => self.int_literal(),
            T::Float => self.rng.pick(&["1.5", "0.0", "-2.25", "1e300"]).to_string(),
            T::Str => self.string_literal(),
            T::Bool => "true".into(),
            T::Date => format!(
                "date('{}')",
                self.rng
                    .pick(&["2020-02-29", "1900-01-01", "9999-12-31", "0001-01-01"])
            ),
            T::Ts => format!(
                "timestamp('{}')",
                self.rng
                    .pick(&["2020-02-29 10:00:00", "1970-01-01 00:00:00.123456"])
            ),
            T::List => "['a', 'b']".into(),
            T::Any => self.literal(),
        }
    }

    fn expr(&mut self) -> String {
        self.depth += 1;
        let e = if self.depth > 4 || (self.depth > 2 && self.rng.one_in(2)) {
            self.leaf()
        } else {
            match self.rng.below(36) {
                0..=7 | 30.. => self.leaf(),
                8..=10 => {
                    let op = *self.rng.pick(&[
                        "+",
                        "-",
                        "*",
                        "/",
                        "%",
                        "^",
                        "=",
                        "<>",
                        "<",
                        "<=",
                        ">",
                        ">=",
                        "AND",
                        "OR",
                        "XOR",
                        "STARTS WITH",
                        "ENDS WITH",
                        "CONTAINS",
                        "=~",
                        "IN",
                        "&",
                        "|",
                        "<<",
                        ">>",
                    ]);
                    // Operands in parentheses unless simple, so precedence and the
                    // grammar's atom-only right sides (IN, STARTS WITH, =~) hold.
                    let (a, b) = (self.expr(), self.expr());
                    let wrap = |e: String| {
                        if e.contains(' ') && !e.starts_with('(') {
                            format!("({e})")
                        } else {
                            e
                        }
                    };
                    format!("{} {op} {}", wrap(a), wrap(b))
                }
                11 | 12 => self.call(),
                13 => format!("NOT ({})", self.expr()),
                14 => format!("-({})", self.expr()),
                15 => format!(
                    "({}) IS {}NULL",
                    self.expr(),
                    if self.rng.one_in(2) { "NOT " } else { "" }
                ),
                16 => {
                    let mut s = String::from("CASE ");
                    if self.rng.one_in(2) {
                        s += &self.expr();
                        s += " ";
                    }
                    for _ in 0..1 + self.rng.below(2) {
                        s += &format!("WHEN {} THEN {} ", self.expr(), self.expr());
                    }
                    if self.rng.one_in(2) {
                        s += &format!("ELSE {} ", self.expr());
                    }
                    s + "END"
                }
                17 => {
                    let ty = *self.rng.pick(TYPES);
                    if self.rng.one_in(2) {
                        format!("CAST({} AS {ty})", self.expr())
                    } else {
                        format!("CAST({}, '{ty}')", self.expr())
                    }
                }
                18 => {
                    let n = self.rng.below(4);
                    let items: Vec<String> = (0..n).map(|_| self.expr()).collect();
                    format!("[{}]", items.join(", "))
                }
                19 => format!("({})[{}]", self.expr(), self.expr()),
                20 => {
                    let a = if self.rng.one_in(3) {
                        String::new()
                    } else {
                        self.expr()
                    };
                    let b = if self.rng.one_in(3) {
                        String::new()
                    } else {
                        self.expr()
                    };
                    format!("({})[{a}:{b}]", self.expr())
                }
                21 => {
                    let v = self.fresh("x");
                    let kind = *self.rng.pick(&["ALL", "ANY", "NONE", "SINGLE"]);
                    let list = self.expr();
                    self.vars.push((v.clone(), None, false));
                    let cond = self.expr();
                    self.vars.pop();
                    format!("{kind}({v} IN {list} WHERE {cond})")
                }
                22 => {
                    let f = *self.rng.pick(&[
                        "list_transform",
                        "list_filter",
                        "list_reduce",
                        "list_any",
                        "list_all",
                        "list_none",
                        "list_single",
                    ]);
                    let v = self.fresh("x");
                    let list = self.expr();
                    self.vars.push((v.clone(), None, false));
                    let body = self.expr();
                    self.vars.pop();
                    if f == "list_reduce" {
                        let w = self.fresh("y");
                        format!("{f}({list}, ({v}, {w}) -> {body})")
                    } else {
                        format!("{f}({list}, {v} -> {body})")
                    }
                }
                23 if self.agg_ok => "count(*)".into(),
                24 => {
                    let saved = self.vars.len();
                    let p = self.pattern(false);
                    let w = if self.rng.one_in(2) {
                        format!(" WHERE {}", self.expr())
                    } else {
                        String::new()
                    };
                    self.vars.truncate(saved);
                    let kw = if self.rng.one_in(2) {
                        "EXISTS"
                    } else {
                        "COUNT"
                    };
                    format!("{kw} {{ MATCH {p}{w} }}")
                }
                25 => format!("({})", self.expr()),
                26 => {
                    let n = 1 + self.rng.below(3);
                    let items: Vec<String> =
                        (0..n).map(|i| format!("k{i}: {}", self.expr())).collect();
                    format!("{{{}}}", items.join(", "))
                }
                27 if self.agg_ok => {
                    let a = *self.rng.pick(AGGREGATES);
                    let d = if self.rng.one_in(3) { "DISTINCT " } else { "" };
                    format!("{a}({d}{})", self.expr())
                }
                28 => format!("${}", self.rng.pick(&["p", "s", "l", "n", "missing", "1"])),
                _ => {
                    let e = self.expr();
                    format!("({e}).{}", self.rng.pick(&["f0", "k0", "a", "id", "name"]))
                }
            }
        };
        self.depth -= 1;
        e
    }

    fn leaf(&mut self) -> String {
        let elements: Vec<(String, Option<&'static str>)> = self
            .vars
            .iter()
            .filter(|v| v.2)
            .map(|v| (v.0.clone(), v.1))
            .collect();
        if !elements.is_empty() && self.rng.below(3) != 0 {
            let (v, t) = self.rng.pick(&elements).clone();
            return format!("{v}.{}", self.prop_of(t));
        }
        if !self.vars.is_empty() && self.rng.one_in(2) {
            let i = self.rng.below(self.vars.len());
            return self.vars[i].0.clone();
        }
        self.literal()
    }

    fn call(&mut self) -> String {
        let name = if self.funcs.is_empty() || self.rng.one_in(10) {
            self.rng
                .pick(&[
                    "range",
                    "substring",
                    "repeat",
                    "list_concat",
                    "nope",
                    "lpad",
                    "date",
                ])
                .to_string()
        } else {
            self.rng.pick(self.funcs).clone()
        };
        let n = self.rng.below(4);
        let args: Vec<String> = (0..n).map(|_| self.expr()).collect();
        format!("{name}({})", args.join(", "))
    }

    fn node(&mut self, bind: bool, label: Option<&'static str>) -> String {
        let label = label.or_else(|| {
            if self.rng.one_in(5) {
                None
            } else {
                Some(*self.rng.pick(&["Person", "Person", "City", "Doc"]))
            }
        });
        let reuse: Vec<String> = self
            .vars
            .iter()
            .filter(|v| {
                v.2 && (label.is_none() || v.1 == label)
                    && v.1
                        .is_some_and(|t| table(t).is_some_and(|t| t.ends.is_none()))
            })
            .map(|v| v.0.clone())
            .collect();
        let mut s = String::from("(");
        if !reuse.is_empty() && self.rng.one_in(3) {
            s += &reuse[self.rng.below(reuse.len())];
            return s + ")";
        }
        if bind || self.rng.below(3) != 0 {
            let v = self.fresh("n");
            s += &v;
            self.vars.push((v, label, true));
        }
        if let Some(l) = label {
            s += ":";
            s += l;
            if self.rng.one_in(10) {
                s += "|City";
            }
        }
        if self.rng.one_in(5) {
            if let Some(t) = label.and_then(table) {
                let (p, ty) = *self.rng.pick(t.props);
                let v = self.typed_value(ty);
                s += &format!(" {{{p}: {v}}}");
            }
        }
        s + ")"
    }

    fn rel(&mut self) -> (String, Option<&'static str>, Option<&'static str>) {
        let t = if self.rng.one_in(6) {
            None
        } else {
            Some(self.rng.pick(&TABLES[3..]))
        };
        let mut d = String::from("[");
        let recursive = self.rng.one_in(5);
        if self.rng.below(3) != 0 {
            let v = self.fresh("r");
            d += &v;
            self.vars.push((v, t.map(|t| t.name), !recursive));
        }
        if let Some(t) = t {
            d += ":";
            d += t.name;
            if self.rng.one_in(10) {
                d += "|knows";
            }
        }
        if recursive {
            d += "*";
            d += *self
                .rng
                .pick(&["", "SHORTEST ", "ALL SHORTEST ", "TRAIL ", "ACYCLIC "]);
            d += &match self.rng.below(6) {
                0 => String::new(),
                1 => self.rng.range(0, 4).to_string(),
                2 => format!("{}..{}", self.rng.range(0, 3), self.rng.range(0, 5)),
                3 => format!("..{}", self.rng.range(1, 40)),
                4 => format!("{}..", self.rng.range(1, 3)),
                _ => format!(
                    "1..{}",
                    self.rng
                        .pick(&["30", "0", "4294967296", "99999999999999999999"])
                ),
            };
        }
        if self.rng.one_in(6) {
            if let Some(t) = t {
                let (p, ty) = *self.rng.pick(t.props);
                let v = self.typed_value(ty);
                d += &format!(" {{{p}: {v}}}");
            }
        }
        d += "]";
        let (l, r) = match self.rng.below(3) {
            0 => ("-", "->"),
            1 => ("<-", "-"),
            _ => ("-", "-"),
        };
        let text = format!("{l}{d}{r}");
        let (from, to) = t.and_then(|t| t.ends).unzip();
        if l == "<-" {
            (text, to, from)
        } else {
            (text, from, to)
        }
    }

    fn chain(&mut self, bind: bool) -> String {
        let n = self.rng.below(3);
        let (first, rels): (Option<&'static str>, Vec<(String, Option<&'static str>)>) = {
            let mut rels = Vec::new();
            let mut first = None;
            for i in 0..n {
                let (r, from, to) = self.rel();
                if i == 0 {
                    first = from;
                }
                rels.push((r, to));
            }
            (first, rels)
        };
        let mut s = self.node(bind, first);
        for (r, to) in rels {
            s += &r;
            s += &self.node(bind, to);
        }
        s
    }

    fn pattern(&mut self, bind: bool) -> String {
        let n = 1 + usize::from(self.rng.one_in(4));
        let parts: Vec<String> = (0..n)
            .map(|_| {
                if self.rng.one_in(8) {
                    let p = self.fresh("p");
                    let c = self.chain(bind);
                    self.vars.push((p.clone(), None, false));
                    format!("{p} = {c}")
                } else {
                    self.chain(bind)
                }
            })
            .collect();
        parts.join(", ")
    }

    fn projection(&mut self, aliases: bool) -> (String, Vec<String>) {
        let n = 1 + self.rng.below(3);
        let mut names = Vec::new();
        let mut items = Vec::new();
        if self.rng.one_in(8) {
            return ("*".into(), self.vars.iter().map(|v| v.0.clone()).collect());
        }
        for _ in 0..n {
            self.agg_ok = self.rng.one_in(3);
            let e = match self.rng.below(4) {
                0 | 1 => self.leaf(),
                2 if self.agg_ok => format!("{}({})", self.rng.pick(AGGREGATES), self.leaf()),
                _ => self.expr(),
            };
            self.agg_ok = false;
            if aliases || self.rng.one_in(2) {
                let a = self.fresh("a");
                items.push(format!("{e} AS {a}"));
                names.push(a);
            } else {
                items.push(e);
            }
        }
        (items.join(", "), names)
    }

    fn tail(&mut self) -> String {
        let mut s = String::new();
        if self.rng.one_in(3) {
            s += &format!(" ORDER BY {}", self.expr());
            if self.rng.one_in(2) {
                s += " DESC";
            }
        }
        if self.rng.one_in(5) {
            s += &format!(
                " SKIP {}",
                self.rng
                    .pick(&["0", "1", "3", "-1", "$n", "9223372036854775807"])
            );
        }
        if self.rng.one_in(4) {
            s += &format!(
                " LIMIT {}",
                self.rng
                    .pick(&["0", "1", "5", "-1", "1 + 1", "9223372036854775807"])
            );
        }
        s
    }

    /// A WHERE condition: usually a plain comparison, sometimes any expression.
    fn condition(&mut self) -> String {
        if self.rng.one_in(3) {
            return self.expr();
        }
        let op = *self
            .rng
            .pick(&["=", "<>", "<", ">=", "STARTS WITH", "IS NOT NULL"]);
        let l = self.leaf();
        if op == "IS NOT NULL" {
            return format!("{l} IS NOT NULL");
        }
        format!("{l} {op} {}", self.literal_shallow())
    }

    fn reading(&mut self) -> String {
        match self.rng.below(10) {
            0..=5 => {
                let opt = if self.rng.one_in(5) { "OPTIONAL " } else { "" };
                let p = self.pattern(false);
                let w = if self.rng.one_in(2) {
                    format!(" WHERE {}", self.condition())
                } else {
                    String::new()
                };
                format!("{opt}MATCH {p}{w}")
            }
            6 | 7 => {
                let e = self.expr();
                let v = self.fresh("u");
                self.vars.push((v.clone(), None, false));
                format!("UNWIND {e} AS {v}")
            }
            8 => {
                let opts = self.csv_options();
                let w = if self.rng.one_in(3) {
                    " WHERE name <> 'x'".to_string()
                } else {
                    String::new()
                };
                for c in ["id", "name", "column0"] {
                    self.vars.push((c.into(), None, false));
                }
                format!("LOAD FROM '{}'{opts}{w}", self.csv)
            }
            _ => {
                let f = *self.rng.pick(&[
                    "show_tables()",
                    "table_info('Person')",
                    "table_info('knows')",
                    "show_connection('knows')",
                    "current_setting('threads')",
                    "db_version()",
                    "show_functions()",
                    "show_warnings()",
                    "table_info('nope')",
                ]);
                format!("CALL {f}")
            }
        }
    }

    fn csv_options(&mut self) -> String {
        if self.rng.one_in(2) {
            return String::new();
        }
        let n = 1 + self.rng.below(3);
        let opts: Vec<String> = (0..n)
            .map(|_| {
                self.rng
                    .pick(&[
                        "HEADER=true",
                        "HEADER=false",
                        "DELIM=','",
                        "DELIM='|'",
                        "DELIM=''",
                        "QUOTE='\"'",
                        "ESCAPE='\\\\'",
                        "SKIP=1",
                        "SKIP=-1",
                        "PARALLEL=false",
                        "IGNORE_ERRORS=true",
                        "AUTO_DETECT=false",
                        "SAMPLE_SIZE=0",
                        "NULL_STRINGS=['Alice']",
                        "LIST_UNBRACED=true",
                        "BOGUS=1",
                    ])
                    .to_string()
            })
            .collect();
        format!(" ({})", opts.join(", "))
    }

    fn updating(&mut self) -> String {
        let elements: Vec<(String, Option<&'static str>)> = self
            .vars
            .iter()
            .filter(|v| v.2)
            .map(|v| (v.0.clone(), v.1))
            .collect();
        match self.rng.below(7) {
            0 | 1 => {
                let t = *self.rng.pick(&["Person", "City", "Doc"]);
                let Some(tab) = table(t) else {
                    return String::new();
                };
                let mut props = Vec::new();
                for (p, ty) in tab.props {
                    if self.rng.below(3) != 0 || *p == "id" || (t == "City" && *p == "name") {
                        let v = if *p == "id" && t == "Person" && !self.rng.one_in(5) {
                            self.rng.range(5000, 1 << 40).to_string()
                        } else if *p == "name" && t == "City" && !self.rng.one_in(5) {
                            format!("'c{}'", self.rng.next_u64())
                        } else if *p == "id" && t == "Doc" {
                            continue;
                        } else {
                            self.typed_value(*ty)
                        };
                        props.push(format!("{p}: {v}"));
                    }
                }
                let v = self.fresh("c");
                self.vars.push((v.clone(), Some(t), true));
                let mut s = format!("CREATE ({v}:{t} {{{}}})", props.join(", "));
                let people: Vec<String> = elements
                    .iter()
                    .filter(|e| e.1 == Some("Person"))
                    .map(|e| e.0.clone())
                    .collect();
                if t == "Person" && !people.is_empty() && self.rng.one_in(2) {
                    let other = self.rng.pick(&people).clone();
                    s += &format!(
                        ", ({v})-[:knows {{since: {}}}]->({other})",
                        self.int_literal()
                    );
                }
                s
            }
            2 if !elements.is_empty() => {
                let (v, t) = self.rng.pick(&elements).clone();
                let p = self.prop_of(t);
                format!("SET {v}.{p} = {}", self.expr())
            }
            3 if !elements.is_empty() => {
                let (v, _) = self.rng.pick(&elements).clone();
                let d = if self.rng.one_in(2) { "DETACH " } else { "" };
                format!("{d}DELETE {v}")
            }
            4 => {
                let p = self.chain(true);
                let mut s = format!("MERGE {p}");
                let elements: Vec<(String, Option<&'static str>)> = self
                    .vars
                    .iter()
                    .filter(|v| v.2)
                    .map(|v| (v.0.clone(), v.1))
                    .collect();
                if !elements.is_empty() && self.rng.one_in(2) {
                    let (v, t) = self.rng.pick(&elements).clone();
                    let p = self.prop_of(t);
                    let kw = if self.rng.one_in(2) {
                        "CREATE"
                    } else {
                        "MATCH"
                    };
                    s += &format!(" ON {kw} SET {v}.{p} = {}", self.expr());
                }
                s
            }
            5 if !elements.is_empty() => {
                let (v, t) = self.rng.pick(&elements).clone();
                format!("REMOVE {v}.{}", self.prop_of(t))
            }
            _ => {
                let (v, t) = elements
                    .first()
                    .cloned()
                    .unwrap_or_else(|| ("nobody".into(), None));
                format!("SET {v} = {{{}: {}}}", self.prop_of(t), self.expr())
            }
        }
    }

    fn single_query(&mut self, writes: bool) -> String {
        let mut parts = Vec::new();
        for i in 0..self.rng.below(3) + usize::from(!writes) {
            // LOAD FROM only starts a query.
            let mut r = self.reading();
            while i > 0 && r.starts_with("LOAD") {
                r = self.reading();
            }
            parts.push(r);
        }
        if writes {
            for _ in 0..1 + self.rng.below(2) {
                parts.push(self.updating());
            }
        }
        if self.rng.one_in(3) {
            let (p, names) = self.projection(true);
            let d = if self.rng.one_in(4) { "DISTINCT " } else { "" };
            let w = if self.rng.one_in(3) {
                format!(" WHERE {}", self.expr())
            } else {
                String::new()
            };
            let t = self.tail();
            parts.push(format!("WITH {d}{p}{t}{w}"));
            if p != "*" {
                self.vars.retain(|v| names.contains(&v.0));
                for n in names {
                    if !self.vars.iter().any(|v| v.0 == n) {
                        self.vars.push((n, None, false));
                    }
                }
            }
            if self.rng.one_in(2) {
                let mut r = self.reading();
                while r.starts_with("LOAD") {
                    r = self.reading();
                }
                parts.push(r);
            }
        }
        if !writes || self.rng.one_in(2) {
            let (p, _) = self.projection(false);
            let d = if self.rng.one_in(5) { "DISTINCT " } else { "" };
            let t = self.tail();
            parts.push(format!("RETURN {d}{p}{t}"));
        }
        parts.join(" ")
    }

    fn ddl(&mut self) -> String {
        let name = if self.rng.one_in(5) {
            *self.rng.pick(&["Person", "City", "knows", "Doc"])
        } else {
            *self.rng.pick(&["Tmp", "T2", "Doc"])
        };
        let ty = *self.rng.pick(TYPES);
        match self.rng.below(12) {
            0 => format!(
                "CREATE NODE TABLE {}Tmp(k {ty}, v STRING, PRIMARY KEY(k))",
                self.fresh("t")
            ),
            1 => format!(
                "CREATE REL TABLE {}R(FROM Person TO City, x {ty}, ONE_MANY)",
                self.fresh("t")
            ),
            2 => {
                let d = if self.rng.one_in(2) {
                    format!(" DEFAULT {}", self.literal())
                } else {
                    String::new()
                };
                format!("ALTER TABLE {name} ADD {} {ty}{d}", self.fresh("col"))
            }
            3 => format!(
                "ALTER TABLE {name} DROP {}",
                self.prop_of(table(name).map(|t| t.name))
            ),
            4 => format!(
                "ALTER TABLE {name} RENAME {} TO {}",
                self.prop_of(table(name).map(|t| t.name)),
                self.fresh("q")
            ),
            5 => format!("ALTER TABLE {name} RENAME TO {}", self.fresh("T")),
            6 => format!("DROP TABLE {name}"),
            7 => format!(
                "CREATE SEQUENCE {} START {} INCREMENT {} MAXVALUE {}",
                self.fresh("s"),
                self.int_literal(),
                self.int_literal(),
                self.int_literal()
            ),
            8 => format!(
                "CREATE MACRO {}(a, b := {}) AS {}",
                self.fresh("m"),
                self.literal(),
                self.expr()
            ),
            9 => format!("COMMENT ON TABLE {name} IS {}", self.string_literal()),
            10 => format!(
                "CREATE NODE TABLE {} AS {}",
                self.fresh("T"),
                self.single_query(false)
            ),
            _ => {
                let o = self.csv_options();
                format!("COPY {name} FROM '{}'{o}", self.csv)
            }
        }
    }

    fn statement(&mut self) -> String {
        self.vars.clear();
        let prefix = match self.rng.below(20) {
            0 => "EXPLAIN ",
            1 => "PROFILE ",
            _ => "",
        };
        let body = match self.rng.below(20) {
            0..=11 => {
                let mut q = self.single_query(false);
                if self.rng.one_in(8) {
                    let all = if self.rng.one_in(2) { "ALL " } else { "" };
                    let saved = std::mem::take(&mut self.vars);
                    q += &format!(" UNION {all}{}", self.single_query(false));
                    self.vars = saved;
                }
                q
            }
            12..=15 => self.single_query(true),
            16 => self.ddl(),
            17 => {
                let (name, v) = *self.rng.pick(&[
                    ("threads", "2"),
                    ("threads", "0"),
                    ("warning_limit", "1"),
                    ("progress_bar", "true"),
                    ("checkpoint_threshold", "1"),
                    ("auto_checkpoint", "false"),
                    ("var_length_extend_max_depth", "3"),
                    ("nope", "1"),
                    ("threads", "'x'"),
                ]);
                format!("CALL {name}={v}")
            }
            18 => self
                .rng
                .pick(&[
                    "BEGIN TRANSACTION",
                    "BEGIN TRANSACTION READ ONLY",
                    "COMMIT",
                    "ROLLBACK",
                    "CHECKPOINT",
                ])
                .to_string(),
            _ if self.rng.one_in(2) => {
                let (p, _) = self.projection(false);
                format!("RETURN {p}{}", self.tail())
            }
            _ => {
                // One function on literals of every shape: the functions' own argument
                // checks (huge counts, negative indexes, empty and nested lists, NULLs).
                let name = self.rng.pick(self.funcs).clone();
                let n = self.rng.below(4);
                let args: Vec<String> = (0..n).map(|_| self.argument()).collect();
                format!("RETURN {name}({})", args.join(", "))
            }
        };
        format!("{prefix}{body}")
    }
}

/// Character-level damage: drop, repeat or replace a span, insert a token, truncate.
fn damage(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let n = chars.len();
        let at = rng.below(n + 1);
        match rng.below(5) {
            0 if n > 0 => {
                let len = 1 + rng.below(8.min(n));
                let at = at.min(n - len);
                chars.drain(at..at + len);
            }
            1 if n > 0 => {
                let len = 1 + rng.below(12.min(n));
                let at = at.min(n - len);
                let span: Vec<char> = chars[at..at + len].to_vec();
                chars.splice(at..at, span);
            }
            2 => chars.truncate(at),
            3 if n > 0 => {
                let at = at.min(n - 1);
                chars[at] = char::from_u32(rng.below(0x3000) as u32).unwrap_or('?');
            }
            _ => {
                let t = rng.pick(TOKENS);
                chars.splice(at..at, format!(" {t} ").chars());
            }
        }
    }
    chars.into_iter().collect()
}

fn build(dir: &Path) -> PathBuf {
    let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/social");
    let path = dir.join("base.ruzu");
    let db = Database::open_with(
        &path,
        Config {
            threads: 1,
            ..Config::default()
        },
    )
    .unwrap();
    let c = db.connect();
    let schema = std::fs::read_to_string(fx.join("schema.cypher")).unwrap();
    for r in c.query_script(&schema) {
        r.unwrap();
    }
    let mut qs = vec![
        "CREATE NODE TABLE Doc(id SERIAL, tags STRING[], m MAP(STRING, INT64), st STRUCT(a INT64, b STRING[]), body STRING, PRIMARY KEY(id))".to_string(),
        "CREATE REL TABLE cites(FROM Doc TO Doc, note STRING)".to_string(),
    ];
    for t in ["Person", "City", "knows", "livesIn"] {
        qs.push(format!(
            "COPY {t} FROM '{}' (HEADER=true)",
            fx.join(format!("{t}.csv")).display()
        ));
    }
    qs.extend([
        // Past one vector batch (2,048 rows) and with hubs.
        "UNWIND range(100, 2600) AS i CREATE (:Person {id: i, name: 'p' + CAST(i AS STRING), age: i % 90, score: i / 7.0, verified: i % 2 = 0, birthday: date('2000-01-01') + to_days(i)})".to_string(),
        "MATCH (a:Person), (b:Person) WHERE a.id >= 100 AND b.id = a.id + 1 CREATE (a)-[:knows {since: a.id, weight: 0.5}]->(b)".to_string(),
        "MATCH (a:Person), (b:Person) WHERE a.id = 1 AND b.id >= 100 AND b.id % 3 = 0 CREATE (a)-[:knows {since: 1}]->(b)".to_string(),
        "MATCH (a:Person), (c:City) WHERE a.id >= 100 AND a.id % 5 = 0 AND c.name = 'Springfield' CREATE (a)-[:livesIn {since: date('2020-01-01')}]->(c)".to_string(),
        "UNWIND range(1, 50) AS i CREATE (:Doc {tags: ['t' + CAST(i AS STRING), 'x'], m: map(['a', 'b'], [i, i * 2]), st: {a: i, b: ['q']}, body: repeat('b', i)})".to_string(),
        "MATCH (a:Doc), (b:Doc) WHERE b.id = a.id + 1 OR b.id = a.id * 2 CREATE (a)-[:cites {note: 'n'}]->(b)".to_string(),
        "CHECKPOINT".to_string(),
    ]);
    for q in qs {
        c.query(&q).unwrap_or_else(|e| panic!("{q}: {e}"));
    }
    drop(c);
    drop(db);
    path
}

fn open(path: &Path) -> Database {
    Database::open_with(
        path,
        Config {
            threads: 1 + usize::from(std::env::var_os("RUZU_FUZZ_THREADS").is_some()),
            buffer_pool_size: 16 << 20,
            read_only: false,
        },
    )
    .unwrap()
}

fn params(rng: &mut Rng) -> Params {
    let mut p = Params::new();
    p.insert("p".into(), Value::Int64(rng.range(-5, 3000)));
    p.insert("s".into(), Value::String("Alice".into()));
    p.insert(
        "l".into(),
        Value::List(vec![Value::Int64(1), Value::Null, Value::Int64(3)]),
    );
    p.insert("n".into(), Value::Int64(rng.range(-1, 5)));
    p
}

#[test]
fn fuzz_cypher() {
    let dir = tempfile::tempdir().unwrap();
    let base_path = build(dir.path());
    let base = std::fs::read(&base_path).unwrap();
    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/social/Person.csv");
    let csv = csv.display().to_string();
    let path = dir.path().join("fuzz.ruzu");
    let wal = dir.path().join("fuzz.ruzu.wal");
    std::fs::write(&path, &base).unwrap();
    let mut db = Some(open(&path));
    let funcs: Vec<String> = {
        let Some(d) = db.as_ref() else { return };
        let c = d.connect();
        let mut names: Vec<String> = c
            .query("CALL show_functions() RETURN DISTINCT name")
            .unwrap()
            .filter_map(|r| r.ok())
            .filter_map(|r| match r.into_iter().next() {
                Some(Value::String(s)) => Some(s),
                _ => None,
            })
            .collect();
        names.sort();
        names
    };
    assert!(funcs.len() > 100, "{} functions", funcs.len());
    // RUZU_FUZZ_STMT='...': run these statements (`;`-separated) on the fuzzed database
    // and print what they give (to look at a reported input).
    if let Ok(script) = std::env::var("RUZU_FUZZ_STMT") {
        let Some(d) = db.as_ref() else { return };
        fuzz::run("statement", 0.0, |_| {
            fuzz::set_input(&script);
            let c = d.connect();
            c.set_timeout(Some(std::time::Duration::from_secs(5)));
            for r in c.query_script(&script) {
                match r {
                    Ok(r) => {
                        let rows: Vec<_> = r.take(20).collect();
                        eprintln!("ok: {rows:?}");
                    }
                    Err(e) => eprintln!("error: {e}"),
                }
            }
        });
        return;
    }
    let mut cases = 0u64;
    let (mut ok, mut failed) = (0u64, 0u64);
    let verbose = std::env::var_os("RUZU_FUZZ_VERBOSE").is_some();
    fuzz::run("cypher", 4.0, |rng| {
        cases += 1;
        // Back to the pristine file now and then (writes and DDL change it).
        if cases.is_multiple_of(40) || db.is_none() {
            db = None;
            std::fs::write(&path, &base).unwrap();
            let _ = std::fs::remove_file(&wal);
            db = Some(open(&path));
        }
        let Some(d) = db.as_ref() else { return };
        let mut g = Gen {
            rng,
            funcs: &funcs,
            csv: &csv,
            vars: Vec::new(),
            next_var: 0,
            depth: 0,
            agg_ok: false,
        };
        let n = 1 + g.rng.below(3);
        let mut stmts: Vec<String> = (0..n).map(|_| g.statement()).collect();
        for s in &mut stmts {
            match rng.below(12) {
                0 | 1 => *s = damage(rng, s),
                2 if rng.one_in(4) => {
                    let len = rng.below(40);
                    let bytes = rng.bytes(len);
                    *s = String::from_utf8_lossy(&bytes).into_owned();
                }
                _ => {}
            }
        }
        let script = stmts.join(";\n");
        fuzz::set_input(&script);
        let c = d.connect();
        c.set_timeout(Some(std::time::Duration::from_secs(5)));
        let params = params(rng);
        for s in &stmts {
            match c.prepare(s) {
                Ok(p) if rng.one_in(4) => match c.execute(&p, &params) {
                    Ok(r) => {
                        ok += 1;
                        for row in r {
                            if row.is_err() {
                                break;
                            }
                        }
                    }
                    Err(e) => {
                        failed += 1;
                        if verbose {
                            eprintln!("{s}\n  -> {e}");
                        }
                    }
                },
                _ => {
                    for r in c.query_script_with(s, &params) {
                        match r {
                            Ok(r) => {
                                ok += 1;
                                for row in r {
                                    match row {
                                        Ok(row) => {
                                            for v in row {
                                                let _ = v.to_string();
                                            }
                                        }
                                        Err(_) => break,
                                    }
                                }
                            }
                            Err(e) => {
                                failed += 1;
                                if verbose {
                                    eprintln!("{s}\n  -> {e}");
                                }
                            }
                        }
                    }
                }
            }
        }
        // Whatever a case left open is rolled back.
        let _ = c.query("ROLLBACK");
    });
    eprintln!("cypher: {ok} statements ran, {failed} failed (errors are expected)");
}

/// Inputs the fuzzer found, kept as regression cases: each must end (with a result or an
/// error) within its timeout and the memory budget.
#[test]
fn fuzz_cypher_known_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let path = build(dir.path());
    let db = open(&path);
    let c = db.connect();
    for (q, timeout_ms) in [
        // An unbound three-node MERGE tried every Person x Person x City combination without
        // looking at the deadline: minutes past a 5 s timeout.
        (
            "MERGE (n2:Person)<-[:knows]-(n3:Person)-[r1:livesIn]->(n4:City) REMOVE r1.since",
            1000,
        ),
        // Every acyclic path with a rel variable was collected unbudgeted (gigabytes under a
        // 16 MiB pool).
        (
            "MATCH (:Doc)-[r14:cites*ACYCLIC 3..]-(n15:Doc)-[:cites]-(n15) RETURN n15.body",
            5000,
        ),
        // Walk counts of 2^k rows per source were pushed as rows all at once.
        ("MATCH (a:Doc)-[:cites*1..30]-(b:Doc) RETURN count(*)", 1000),
    ] {
        fuzz::once(q, || {
            c.set_timeout(Some(std::time::Duration::from_millis(timeout_ms)));
            let start = std::time::Instant::now();
            if let Ok(r) = c.query(q) {
                for row in r {
                    if row.is_err() {
                        break;
                    }
                }
            }
            let _ = c.query("ROLLBACK");
            let took = start.elapsed();
            assert!(
                took < std::time::Duration::from_millis(timeout_ms * 4 + 2000),
                "{q}: {took:?}"
            );
        });
    }
}

//! Output formats of the shell: box-drawn tables, CSV and JSON Lines.
//!
//! Owns: `Format` and the renderers. Table and CSV cells are `Value`'s `Display` (Kuzu's
//! rendering). CSV follows RFC 4180 quoting (a field is quoted when it holds `,`, `"`, CR or
//! LF, or is an empty string, so that an empty string `""` differs from NULL, which is an
//! empty field) with `\n` line ends and one header row per result. JSON Lines: one object
//! per row, keys = column names; integers of any width as exact digits, FLOAT/DOUBLE as
//! numbers in shortest round-trip form (NaN and ±infinity as `null`), DECIMAL as a number,
//! lists/arrays as arrays, structs as objects, maps as objects keyed by the key's rendering,
//! nodes/rels/paths as objects (`_ID`, `_LABEL`, `_SRC`, `_DST`, `_NODES`, `_RELS` plus
//! properties), everything else (dates, timestamps, intervals, UUIDs, blobs, internal ids)
//! as strings in Kuzu's rendering.

use crate::types::{LogicalType, NodeValue, RelValue, Value};
use std::fmt::Write as _;
use std::io::{self, Write};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// A table cell: the value's rendering with line breaks and tabs shown as escapes so rows
/// stay on one line.
fn cell_text(v: &Value) -> String {
    let s = v.to_string();
    if !s.contains(['\n', '\r', '\t']) {
        return s;
    }
    s.replace('\n', "\\n")
        .replace('\r', "\\r")
        .replace('\t', "\\t")
}

fn is_numeric(t: &LogicalType) -> bool {
    use LogicalType::*;
    matches!(
        t,
        Int8 | Int16
            | Int32
            | Int64
            | Int128
            | UInt8
            | UInt16
            | UInt32
            | UInt64
            | Float
            | Double
            | Decimal { .. }
            | Serial
    )
}

fn rule(out: &mut String, widths: &[usize], left: char, mid: char, right: char) {
    out.push(left);
    for (i, w) in widths.iter().enumerate() {
        if i > 0 {
            out.push(mid);
        }
        for _ in 0..w + 2 {
            out.push('─');
        }
    }
    out.push(right);
    out.push('\n');
}

fn line(out: &mut String, widths: &[usize], cells: &[String], right_align: &[bool]) {
    out.push('│');
    for (i, w) in widths.iter().enumerate() {
        let c = cells.get(i).map(String::as_str).unwrap_or("");
        let pad = w.saturating_sub(c.chars().count());
        out.push(' ');
        if right_align.get(i).copied().unwrap_or(false) {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(c);
        } else {
            out.push_str(c);
            out.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(" │");
    }
    out.push('\n');
}

/// A box-drawn table: column names, column types, a rule, the rows (numbers right-aligned),
/// and a `(N tuples)` line. Nothing for a result without columns.
pub fn table(names: &[String], types: &[LogicalType], rows: &[Vec<Value>]) -> String {
    table_limited(names, types, rows, None)
}

/// As `table`, showing at most `max_rows` rows (the first half and the last half, with a
/// row of `·` between them and `(N tuples, M shown)` below) when there are more.
pub fn table_limited(
    names: &[String],
    types: &[LogicalType],
    rows: &[Vec<Value>],
    max_rows: Option<usize>,
) -> String {
    let mut out = String::new();
    if names.is_empty() {
        return out;
    }
    let type_names: Vec<String> = (0..names.len())
        .map(|i| types.get(i).map(|t| t.to_string()).unwrap_or_default())
        .collect();
    let shown: Vec<&Vec<Value>> = match max_rows {
        Some(m) if rows.len() > m => {
            let head = m.div_ceil(2);
            rows[..head]
                .iter()
                .chain(&rows[rows.len() - (m - head)..])
                .collect()
        }
        _ => rows.iter().collect(),
    };
    let elided = shown.len() < rows.len();
    let cells: Vec<Vec<String>> = shown
        .iter()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let widths: Vec<usize> = (0..names.len())
        .map(|i| {
            let head = names[i].chars().count().max(type_names[i].chars().count());
            cells
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .fold(head, usize::max)
        })
        .collect();
    let right: Vec<bool> = (0..names.len())
        .map(|i| types.get(i).is_some_and(is_numeric))
        .collect();
    rule(&mut out, &widths, '┌', '┬', '┐');
    line(&mut out, &widths, names, &[]);
    line(&mut out, &widths, &type_names, &[]);
    rule(&mut out, &widths, '├', '┼', '┤');
    let head = max_rows.unwrap_or(0).div_ceil(2);
    for (i, r) in cells.iter().enumerate() {
        if elided && i == head {
            let dots = vec!["·".to_string(); names.len()];
            line(&mut out, &widths, &dots, &right);
        }
        line(&mut out, &widths, r, &right);
    }
    if elided && head >= cells.len() {
        let dots = vec!["·".to_string(); names.len()];
        line(&mut out, &widths, &dots, &right);
    }
    rule(&mut out, &widths, '└', '┴', '┘');
    if elided {
        let _ = writeln!(out, "({} tuples, {} shown)", rows.len(), shown.len());
    } else if rows.len() == 1 {
        out.push_str("(1 tuple)\n");
    } else {
        let _ = writeln!(out, "({} tuples)", rows.len());
    }
    out
}

/// One CSV field (see the module header for the quoting rules).
pub fn csv_field(out: &mut String, v: &Value) {
    if v.is_null() {
        return;
    }
    let s = v.to_string();
    if s.is_empty() || s.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&s);
    }
}

/// The CSV header row for `names`, with its line end.
pub fn csv_header(names: &[String]) -> String {
    let row: Vec<Value> = names.iter().map(|n| Value::String(n.clone())).collect();
    csv_row(&row)
}

/// One CSV record with its line end.
pub fn csv_row(row: &[Value]) -> String {
    let mut out = String::new();
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(&mut out, v);
    }
    out.push('\n');
    out
}

/// A JSON string literal.
pub fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_double(out: &mut String, v: f64) {
    if v.is_finite() {
        // Debug is the shortest text that reads back to the same double, always with a `.`
        // or an exponent (`1.0`, `1e20`, `1.5e-7`): valid JSON.
        let _ = write!(out, "{v:?}");
    } else {
        out.push_str("null");
    }
}

/// DECIMAL as a JSON number (`-0.05`, `12.30`).
fn json_decimal(out: &mut String, value: i128, scale: u8) {
    let digits = value.unsigned_abs().to_string();
    if value < 0 {
        out.push('-');
    }
    let scale = scale as usize;
    if scale == 0 {
        out.push_str(&digits);
    } else if digits.len() <= scale {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        out.push_str(&digits);
    } else {
        let split = digits.len() - scale;
        out.push_str(&digits[..split]);
        out.push('.');
        out.push_str(&digits[split..]);
    }
}

fn json_object<'a>(out: &mut String, fields: impl Iterator<Item = (&'a str, JsonItem<'a>)>) {
    out.push('{');
    for (i, (k, v)) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        json_string(out, k);
        out.push(':');
        match v {
            JsonItem::Value(v) => json_value(out, v),
            JsonItem::Text(t) => json_string(out, &t),
            JsonItem::Raw(r) => out.push_str(&r),
        }
    }
    out.push('}');
}

enum JsonItem<'a> {
    Value(&'a Value),
    Text(String),
    Raw(String),
}

fn node_fields(n: &NodeValue) -> Vec<(&str, JsonItem<'_>)> {
    let mut f = vec![
        (
            "_ID",
            JsonItem::Text(n.id.table.to_string() + ":" + &n.id.offset.to_string()),
        ),
        ("_LABEL", JsonItem::Text(n.label.clone())),
    ];
    f.extend(
        n.properties
            .iter()
            .map(|(k, v)| (k.as_str(), JsonItem::Value(v))),
    );
    f
}

fn rel_fields(r: &RelValue) -> Vec<(&str, JsonItem<'_>)> {
    let id = |i: &crate::types::InternalId| format!("{}:{}", i.table, i.offset);
    let mut f = vec![
        ("_SRC", JsonItem::Text(id(&r.src))),
        ("_DST", JsonItem::Text(id(&r.dst))),
        ("_ID", JsonItem::Text(id(&r.id))),
        ("_LABEL", JsonItem::Text(r.label.clone())),
    ];
    f.extend(
        r.properties
            .iter()
            .map(|(k, v)| (k.as_str(), JsonItem::Value(v))),
    );
    f
}

fn json_array<T>(out: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(out, it);
    }
    out.push(']');
}

/// A value as JSON (see the module header).
pub fn json_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int8(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Int16(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Int32(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Int64(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Int128(x) => {
            let _ = write!(out, "{x}");
        }
        Value::UInt8(x) => {
            let _ = write!(out, "{x}");
        }
        Value::UInt16(x) => {
            let _ = write!(out, "{x}");
        }
        Value::UInt32(x) => {
            let _ = write!(out, "{x}");
        }
        Value::UInt64(x) => {
            let _ = write!(out, "{x}");
        }
        Value::Float(x) if x.is_finite() => {
            let _ = write!(out, "{x:?}");
        }
        Value::Float(_) => out.push_str("null"),
        Value::Double(x) => json_double(out, *x),
        Value::Decimal { value, scale, .. } => json_decimal(out, *value, *scale),
        Value::String(s) => json_string(out, s),
        Value::List(items) | Value::Array(items) => json_array(out, items, json_value),
        Value::Struct(fields) => json_object(
            out,
            fields.iter().map(|(k, v)| (k.as_str(), JsonItem::Value(v))),
        ),
        Value::Map(entries) => {
            let keys: Vec<String> = entries.iter().map(|(k, _)| k.to_string()).collect();
            json_object(
                out,
                keys.iter()
                    .zip(entries)
                    .map(|(k, (_, v))| (k.as_str(), JsonItem::Value(v))),
            )
        }
        Value::Union { value, .. } => json_value(out, value),
        Value::Node(n) => json_object(out, node_fields(n).into_iter()),
        Value::Rel(r) => json_object(out, rel_fields(r).into_iter()),
        Value::Path(p) => {
            let mut nodes = String::new();
            json_array(&mut nodes, &p.nodes, |o, n| {
                json_object(o, node_fields(n).into_iter())
            });
            let mut rels = String::new();
            json_array(&mut rels, &p.rels, |o, r| {
                json_object(o, rel_fields(r).into_iter())
            });
            json_object(
                out,
                [
                    ("_NODES", JsonItem::Raw(nodes)),
                    ("_RELS", JsonItem::Raw(rels)),
                ]
                .into_iter(),
            )
        }
        other => json_string(out, &other.to_string()),
    }
}

/// One JSON Lines record with its line end.
pub fn json_row(names: &[String], row: &[Value]) -> String {
    let mut out = String::new();
    json_object(
        &mut out,
        names
            .iter()
            .zip(row)
            .map(|(k, v)| (k.as_str(), JsonItem::Value(v))),
    );
    out.push('\n');
    out
}

/// Writes a whole result in `format` (the table needs every row before the first line).
pub fn write_result(
    out: &mut dyn Write,
    format: Format,
    names: &[String],
    types: &[LogicalType],
    rows: &[Vec<Value>],
) -> io::Result<()> {
    if names.is_empty() {
        return Ok(());
    }
    match format {
        Format::Table => out.write_all(table(names, types, rows).as_bytes()),
        Format::Csv => {
            out.write_all(csv_header(names).as_bytes())?;
            for r in rows {
                out.write_all(csv_row(r).as_bytes())?;
            }
            Ok(())
        }
        Format::Json => {
            for r in rows {
                out.write_all(json_row(names, r).as_bytes())?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{InternalId, PathValue};

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn table_layout() {
        let t = table(
            &names(&["name", "age", "tags"]),
            &[
                LogicalType::String,
                LogicalType::Int64,
                LogicalType::List(Box::new(LogicalType::String)),
            ],
            &[
                vec![
                    s("Alice"),
                    Value::Int64(35),
                    Value::List(vec![s("a"), s("b")]),
                ],
                vec![s("Bob\nSmith"), Value::Null, Value::Null],
            ],
        );
        let expected = "\
┌────────────┬───────┬──────────┐
│ name       │ age   │ tags     │
│ STRING     │ INT64 │ STRING[] │
├────────────┼───────┼──────────┤
│ Alice      │    35 │ [a,b]    │
│ Bob\\nSmith │       │          │
└────────────┴───────┴──────────┘
(2 tuples)
";
        assert_eq!(t, expected);
    }

    #[test]
    fn table_one_and_zero_rows() {
        let n = names(&["result"]);
        let ty = [LogicalType::String];
        assert_eq!(
            table(&n, &ty, &[vec![s("Table A has been created.")]]),
            "\
┌───────────────────────────┐
│ result                    │
│ STRING                    │
├───────────────────────────┤
│ Table A has been created. │
└───────────────────────────┘
(1 tuple)
"
        );
        assert_eq!(
            table(&n, &ty, &[]),
            "┌────────┐\n│ result │\n│ STRING │\n├────────┤\n└────────┘\n(0 tuples)\n"
        );
        assert_eq!(table(&[], &[], &[]), "");
    }

    #[test]
    fn table_elides_the_middle_rows() {
        let rows: Vec<Vec<Value>> = (1..=5).map(|i| vec![Value::Int64(i)]).collect();
        let n = names(&["n"]);
        let ty = [LogicalType::Int64];
        assert_eq!(
            table_limited(&n, &ty, &rows, Some(3)),
            "\
┌───────┐
│ n     │
│ INT64 │
├───────┤
│     1 │
│     2 │
│     · │
│     5 │
└───────┘
(5 tuples, 3 shown)
"
        );
        assert_eq!(
            table_limited(&n, &ty, &rows, Some(0)),
            "┌───────┐\n│ n     │\n│ INT64 │\n├───────┤\n│     · │\n└───────┘\n(5 tuples, 0 shown)\n"
        );
        assert_eq!(
            table_limited(&n, &ty, &rows, Some(5)),
            table(&n, &ty, &rows)
        );
        assert!(table(&n, &ty, &rows).ends_with("│     5 │\n└───────┘\n(5 tuples)\n"));
    }

    #[test]
    fn csv_quoting_and_nulls() {
        assert_eq!(csv_header(&names(&["a", "b,c"])), "a,\"b,c\"\n");
        assert_eq!(
            csv_row(&[
                Value::Null,
                s(""),
                s("plain"),
                s("has,comma"),
                s("say \"hi\""),
                s("two\nlines"),
                s("cr\r"),
                Value::Int128(-(1i128 << 100)),
                Value::Double(1.5),
                Value::List(vec![Value::Int64(1), Value::Int64(2)]),
                Value::Struct(vec![("x".into(), Value::Int64(1)), ("y".into(), s("z"))]),
                Value::Bool(true),
            ]),
            ",\"\",plain,\"has,comma\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\
                   -1267650600228229401496703205376,1.500000,\"[1,2]\",\"{x: 1, y: z}\",True\n"
        );
        assert_eq!(csv_row(&[Value::Null]), "\n");
        assert_eq!(csv_row(&[s("")]), "\"\"\n");
    }

    #[test]
    fn json_scalars() {
        let j = |v: Value| {
            let mut o = String::new();
            json_value(&mut o, &v);
            o
        };
        assert_eq!(j(Value::Null), "null");
        assert_eq!(j(Value::Bool(false)), "false");
        assert_eq!(j(Value::Int64(i64::MIN)), "-9223372036854775808");
        assert_eq!(j(Value::UInt64(u64::MAX)), "18446744073709551615");
        assert_eq!(
            j(Value::Int128(i128::MIN)),
            "-170141183460469231731687303715884105728"
        );
        assert_eq!(j(Value::Double(1.0)), "1.0");
        assert_eq!(j(Value::Double(0.1)), "0.1");
        assert_eq!(j(Value::Double(1e20)), "1e20");
        assert_eq!(j(Value::Double(-1.5e-7)), "-1.5e-7");
        assert_eq!(j(Value::Float(1.5)), "1.5");
        assert_eq!(j(Value::Float(1.731)), "1.731");
        assert_eq!(j(Value::Float(f32::INFINITY)), "null");
        assert_eq!(j(Value::Double(f64::NAN)), "null");
        assert_eq!(j(Value::Double(f64::NEG_INFINITY)), "null");
        let dec = |value, scale| Value::Decimal {
            value,
            precision: 18,
            scale,
        };
        assert_eq!(j(dec(-5, 2)), "-0.05");
        assert_eq!(j(dec(1230, 2)), "12.30");
        assert_eq!(j(dec(-1230, 0)), "-1230");
        assert_eq!(j(dec(5, 3)), "0.005");
        assert_eq!(j(s("q\"b\\s\n\t\u{1}é")), "\"q\\\"b\\\\s\\n\\t\\u0001é\"");
        assert_eq!(j(Value::Date(0)), "\"1970-01-01\"");
        assert_eq!(j(Value::Timestamp(0)), "\"1970-01-01 00:00:00\"");
        assert_eq!(
            j(Value::InternalId(InternalId {
                table: 1,
                offset: 2
            })),
            "\"1:2\""
        );
        assert_eq!(j(Value::Blob(vec![0xAA, b'a'])), "\"\\\\xAAa\"");
    }

    #[test]
    fn json_nested() {
        let j = |v: Value| {
            let mut o = String::new();
            json_value(&mut o, &v);
            o
        };
        assert_eq!(
            j(Value::List(vec![Value::Int64(1), Value::Null])),
            "[1,null]"
        );
        assert_eq!(
            j(Value::Struct(vec![
                ("a".into(), Value::List(vec![])),
                ("b".into(), Value::Struct(vec![("c".into(), s("d"))])),
            ])),
            "{\"a\":[],\"b\":{\"c\":\"d\"}}"
        );
        assert_eq!(
            j(Value::Map(vec![
                (Value::Int64(1), s("x")),
                (Value::Int64(2), Value::Null)
            ])),
            "{\"1\":\"x\",\"2\":null}"
        );
        let node = NodeValue {
            id: InternalId {
                table: 0,
                offset: 3,
            },
            label: "Person".into(),
            properties: vec![("name".into(), s("Al")), ("age".into(), Value::Null)],
        };
        let rel = RelValue {
            src: InternalId {
                table: 0,
                offset: 3,
            },
            dst: InternalId {
                table: 0,
                offset: 4,
            },
            id: InternalId {
                table: 1,
                offset: 0,
            },
            label: "knows".into(),
            properties: vec![("since".into(), Value::Int64(2020))],
        };
        assert_eq!(
            j(Value::Node(Box::new(node.clone()))),
            "{\"_ID\":\"0:3\",\"_LABEL\":\"Person\",\"name\":\"Al\",\"age\":null}"
        );
        assert_eq!(
            j(Value::Rel(Box::new(rel.clone()))),
            "{\"_SRC\":\"0:3\",\"_DST\":\"0:4\",\"_ID\":\"1:0\",\"_LABEL\":\"knows\",\"since\":2020}"
        );
        assert_eq!(
            j(Value::Path(Box::new(PathValue {
                nodes: vec![node],
                rels: vec![rel]
            }))),
            "{\"_NODES\":[{\"_ID\":\"0:3\",\"_LABEL\":\"Person\",\"name\":\"Al\",\"age\":null}],\
             \"_RELS\":[{\"_SRC\":\"0:3\",\"_DST\":\"0:4\",\"_ID\":\"1:0\",\"_LABEL\":\"knows\",\
             \"since\":2020}]}"
        );
    }

    #[test]
    fn json_rows_and_write_result() {
        let n = names(&["id", "s"]);
        let ty = [LogicalType::Int128, LogicalType::String];
        let rows = vec![
            vec![Value::Int128(1i128 << 70), s("a\"b")],
            vec![Value::Null, Value::Null],
        ];
        let mut out = Vec::new();
        write_result(&mut out, Format::Json, &n, &ty, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"id\":1180591620717411303424,\"s\":\"a\\\"b\"}\n{\"id\":null,\"s\":null}\n"
        );
        let mut out = Vec::new();
        write_result(&mut out, Format::Csv, &n, &ty, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,s\n1180591620717411303424,\"a\"\"b\"\n,\n"
        );
        let mut out = Vec::new();
        write_result(&mut out, Format::Csv, &[], &[], &[]).unwrap();
        assert!(out.is_empty());
    }
}

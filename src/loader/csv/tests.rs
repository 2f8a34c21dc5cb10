//! Unit tests of the CSV reader: dialects, quoting, line numbers, typed conversion, errors,
//! chunk boundaries and determinism.

use super::*;
use crate::types::Value;
use crate::LogicalType as T;
use std::io::Write;

fn schema(cols: &[(&str, T)]) -> CsvSchema {
    CsvSchema {
        columns: cols
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect(),
    }
}

struct Read {
    rows: Vec<Vec<Value>>,
    lines: Vec<u64>,
    spans: Vec<(u64, u64)>,
    first_rows: Vec<u64>,
    summary: CsvSummary,
}

fn read_with(content: &[u8], opts: &CsvOptions, s: &CsvSchema, threads: usize) -> Result<Read> {
    let mut f = tempfile::NamedTempFile::new().map_err(|e| Error::io("temp", e))?;
    f.write_all(content).map_err(|e| Error::io("temp", e))?;
    f.flush().map_err(|e| Error::io("temp", e))?;
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut spans = Vec::new();
    let mut first_rows = Vec::new();
    let summary = read_csv(f.path(), "f.csv", opts, s, threads, |b| {
        first_rows.push(b.first_row);
        for i in 0..b.len() {
            rows.push(b.columns.iter().map(|c| c.get(i)).collect());
        }
        for c in &b.columns {
            assert_eq!(c.len(), b.len());
        }
        lines.extend(&b.lines);
        spans.extend(&b.spans);
        Ok(())
    })?;
    Ok(Read {
        rows,
        lines,
        spans,
        first_rows,
        summary,
    })
}

fn read(content: &str, opts: &CsvOptions, s: &CsvSchema) -> Read {
    match read_with(content.as_bytes(), opts, s, 1) {
        Ok(r) => r,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn read_err(content: &[u8], opts: &CsvOptions, s: &CsvSchema) -> InputError {
    match read_with(content, opts, s, 1) {
        Err(Error::Input(e)) => *e,
        Err(e) => panic!("unexpected error kind: {e}"),
        Ok(r) => panic!("expected an error, got {} rows", r.rows.len()),
    }
}

fn i(v: i64) -> Value {
    Value::Int64(v)
}
fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn fixed() -> CsvOptions {
    CsvOptions {
        auto_detect: false,
        ..CsvOptions::default()
    }
}

fn id_name() -> CsvSchema {
    schema(&[("id", T::Int64), ("name", T::String)])
}

#[test]
fn header_explicit_auto_and_absent() {
    let text = "id,name\n0,Alice\n2,Bob\n";
    let r = read(text, &CsvOptions::default(), &id_name());
    assert_eq!(r.rows, vec![vec![i(0), s("Alice")], vec![i(2), s("Bob")]]);
    assert_eq!(r.lines, vec![2, 3]);
    assert_eq!(
        r.summary.header,
        Some(vec!["id".to_string(), "name".to_string()])
    );
    assert!(r.summary.dialect.header);

    let opts = CsvOptions {
        header: Some(true),
        ..fixed()
    };
    let r = read(text, &opts, &id_name());
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.lines, vec![2, 3]);

    // No header: the first record is data (eKnows-style file).
    let r = read("0,Alice\n2,Bob\n", &CsvOptions::default(), &id_name());
    assert_eq!(r.rows, vec![vec![i(0), s("Alice")], vec![i(2), s("Bob")]]);
    assert_eq!(r.lines, vec![1, 2]);
    assert_eq!(r.summary.header, None);

    // With header=false a header row is data and fails to convert, as in Kuzu.
    let opts = CsvOptions {
        header: Some(false),
        ..fixed()
    };
    let e = read_err(text.as_bytes(), &opts, &id_name());
    assert_eq!(
        e.reason,
        "Conversion exception: Cast failed. Could not convert \"id\" to INT64."
    );
    assert_eq!(
        (e.line, e.column, e.column_name.as_deref()),
        (1, Some(1), Some("id"))
    );
    assert_eq!(e.record.as_deref(), Some("id..."));

    // All-STRING schema: Kuzu cannot tell a header, so the first record is data.
    let both = schema(&[("a", T::String), ("b", T::String)]);
    let r = read("name,s\nab,cd\n", &CsvOptions::default(), &both);
    assert_eq!(
        r.rows,
        vec![vec![s("name"), s("s")], vec![s("ab"), s("cd")]]
    );
}

#[test]
fn quoting_doubled_quotes_and_backslash_escape() {
    let text = "1,\"a,b\"\n2,\"x\"\"y\"\n3,plain\"quote\n4,\"\"\"\"\n";
    let r = read(text, &fixed(), &id_name());
    assert_eq!(
        r.rows,
        vec![
            vec![i(1), s("a,b")],
            vec![i(2), s("x\"y")],
            vec![i(3), s("plain\"quote")],
            vec![i(4), s("\"")],
        ]
    );
    let opts = CsvOptions {
        escape: Some(b'\\'),
        ..fixed()
    };
    let r = read("1,\"a\\\"b\\\\c\"\n", &opts, &id_name());
    assert_eq!(r.rows, vec![vec![i(1), s("a\"b\\c")]]);
    // With a backslash escape, a doubled quote is an error (Kuzu).
    let e = read_err(b"1,\"a\"\"b\"\n", &opts, &id_name());
    assert_eq!(
        e.reason,
        "quote should be followed by end of file, end of value, end of row or another quote."
    );
    assert_eq!(e.record.as_deref(), Some("1,\"a\"..."));
}

#[test]
fn quoted_newlines_keep_line_numbers_exact() {
    let text = "1,\"a\nb\"\n2,\"c\r\nd\re\"\n3,x\n4,\"y\"\n";
    let r = read(text, &fixed(), &id_name());
    assert_eq!(
        r.rows,
        vec![
            vec![i(1), s("a\nb")],
            vec![i(2), s("c\r\nd\re")],
            vec![i(3), s("x")],
            vec![i(4), s("y")],
        ]
    );
    assert_eq!(r.lines, vec![1, 3, 6, 7]);
    let e = read_err(b"1,\"a\nb\"\n2,\"c\nd\"\nz,q\n", &fixed(), &id_name());
    assert_eq!(e.line, 5);
    assert_eq!(e.record.as_deref(), Some("z..."));
    // Kuzu's record numbering counts records instead.
    let opts = CsvOptions {
        line_numbers: LineNumbers::Record,
        ..fixed()
    };
    let e = read_err(b"1,\"a\nb\"\n\n2,\"c\nd\"\nz,q\n", &opts, &id_name());
    assert_eq!(e.line, 3);
    // Kuzu's parallel reader refuses them, when asked to behave like it.
    let opts = CsvOptions {
        refuse_quoted_newlines: true,
        ..fixed()
    };
    let e = read_err(b"1,a\n2,\"abc\ndef\"\n", &opts, &id_name());
    assert_eq!(e.reason, tokenizer::MSG_QUOTED_NEWLINE);
    assert_eq!((e.line, e.record.as_deref()), (2, Some("2,\"abc")));
}

#[test]
fn crlf_bom_and_missing_trailing_newline() {
    let r = read("\u{feff}1,a\r\n2,b\r\n3,c", &fixed(), &id_name());
    assert_eq!(
        r.rows,
        vec![vec![i(1), s("a")], vec![i(2), s("b")], vec![i(3), s("c")]]
    );
    assert_eq!(r.lines, vec![1, 2, 3]);
    // Spans are file offsets (after the 3-byte BOM), line breaks excluded.
    assert_eq!(r.spans, vec![(3, 6), (8, 11), (13, 16)]);
    // Lone CR line ends.
    let r = read("1,a\r2,b\r", &fixed(), &id_name());
    assert_eq!(r.rows, vec![vec![i(1), s("a")], vec![i(2), s("b")]]);
    assert_eq!(r.lines, vec![1, 2]);
    // A BOM before a header, detected.
    let r = read("\u{feff}id,name\n5,e", &CsvOptions::default(), &id_name());
    assert_eq!(r.rows, vec![vec![i(5), s("e")]]);
    assert_eq!(
        r.summary.header,
        Some(vec!["id".to_string(), "name".to_string()])
    );
}

#[test]
fn record_text_reads_spans_back() {
    let mut f = match tempfile::NamedTempFile::new() {
        Ok(f) => f,
        Err(e) => panic!("{e}"),
    };
    assert!(f.write_all(b"1,a\r\n22,\"b\nc\"\r\n").is_ok());
    assert_eq!(
        record_text(f.path(), (5, 14)).ok().as_deref(),
        Some("22,\"b\nc\"")
    );
}

#[test]
fn empty_fields_are_null() {
    let sc = schema(&[("id", T::Int64), ("s", T::String), ("n", T::Int64)]);
    let text = "1,\"\",\n2,,5\n3,\" \", NULL \n4,NULL,null\n";
    let r = read(text, &fixed(), &sc);
    assert_eq!(
        r.rows,
        vec![
            vec![i(1), Value::Null, Value::Null],
            vec![i(2), Value::Null, i(5)],
            vec![i(3), s(" "), Value::Null],
            vec![i(4), s("NULL"), Value::Null],
        ]
    );
    // Custom null strings apply to STRING columns.
    let opts = CsvOptions {
        null_strings: vec!["NA".into()],
        ..fixed()
    };
    let r = read("1,NA,\n2,,3\n", &opts, &sc);
    assert_eq!(
        r.rows,
        vec![
            vec![i(1), Value::Null, Value::Null],
            vec![i(2), s(""), i(3)]
        ]
    );
}

#[test]
fn blank_lines_trailing_delimiter_and_skip() {
    let r = read("\n1,a\n\n\r\n2,b,\n", &fixed(), &id_name());
    assert_eq!(r.rows, vec![vec![i(1), s("a")], vec![i(2), s("b")]]);
    assert_eq!(r.lines, vec![2, 5]);
    // One column: a blank line is a NULL row.
    let one = schema(&[("v", T::Int64)]);
    let r = read("1\n\n3\n", &fixed(), &one);
    assert_eq!(r.rows, vec![vec![i(1)], vec![Value::Null], vec![i(3)]]);
    // skip, then header.
    let opts = CsvOptions {
        skip: 2,
        header: Some(true),
        ..fixed()
    };
    let r = read("junk\nmore junk\nid,name\n7,g\n", &opts, &id_name());
    assert_eq!(r.rows, vec![vec![i(7), s("g")]]);
    assert_eq!(r.lines, vec![4]);
    assert_eq!(
        r.summary.header,
        Some(vec!["id".to_string(), "name".to_string()])
    );
}

#[test]
fn typed_conversion_of_fast_path_types() {
    let sc = schema(&[
        ("a", T::Int8),
        ("b", T::Int16),
        ("c", T::Int32),
        ("d", T::UInt8),
        ("e", T::UInt64),
        ("f", T::Int128),
        ("g", T::Float),
        ("h", T::Double),
        ("i", T::Bool),
    ]);
    let text = "-128,32767, 5 ,255,18446744073709551615,-170141183460469231731687303715884105728,1.5,-2e3,True\n\
                0,0,0,0,0,0,0,0,f\n";
    let r = read(text, &fixed(), &sc);
    assert_eq!(
        r.rows,
        vec![
            vec![
                Value::Int8(-128),
                Value::Int16(32767),
                Value::Int32(5),
                Value::UInt8(255),
                Value::UInt64(u64::MAX),
                Value::Int128(i128::MIN),
                Value::Float(1.5),
                Value::Double(-2000.0),
                Value::Bool(true),
            ],
            vec![
                Value::Int8(0),
                Value::Int16(0),
                Value::Int32(0),
                Value::UInt8(0),
                Value::UInt64(0),
                Value::Int128(0),
                Value::Float(0.0),
                Value::Double(0.0),
                Value::Bool(false),
            ],
        ]
    );
}

#[test]
fn typed_conversion_through_types_cast() {
    let sc = schema(&[
        ("d", T::Date),
        ("t", T::Timestamp),
        ("i", T::Interval),
        ("l", T::List(Box::new(T::Int64))),
        (
            "m",
            T::Decimal {
                precision: 5,
                scale: 2,
            },
        ),
        ("s", T::Serial),
    ]);
    let text = "1970-01-02,1970-01-01 00:00:01,2 days,\"[1,NULL,3]\",1.5,7\n,,,,,\n";
    let r = read(text, &fixed(), &sc);
    assert_eq!(
        r.rows,
        vec![
            vec![
                Value::Date(1),
                Value::Timestamp(1_000_000),
                Value::Interval(crate::types::Interval {
                    months: 0,
                    days: 2,
                    micros: 0
                }),
                Value::List(vec![i(1), Value::Null, i(3)]),
                Value::Decimal {
                    value: 150,
                    precision: 5,
                    scale: 2
                },
                i(7),
            ],
            vec![Value::Null; 6],
        ]
    );
    // Kuzu's LIST_UNBRACED.
    let opts = CsvOptions {
        list_unbraced: true,
        ..fixed()
    };
    let r = read(
        "a;b\n",
        &opts,
        &schema(&[("l", T::List(Box::new(T::String)))]),
    );
    assert_eq!(r.rows, vec![vec![Value::List(vec![s("a"), s("b")])]]);
}

#[test]
fn conversion_errors_name_line_column_and_record() {
    let cases: Vec<(T, &str, &str)> = vec![
        (
            T::Int8,
            "300",
            "Cast failed. Could not convert \"300\" to INT8.",
        ),
        (
            T::Int16,
            "+4",
            "Cast failed. Could not convert \"+4\" to INT16.",
        ),
        (
            T::Int32,
            "2147483650",
            "Cast failed. Could not convert \"2147483650\" to INT32.",
        ),
        (
            T::Int64,
            "1.0",
            "Cast failed. Could not convert \"1.0\" to INT64.",
        ),
        (
            T::UInt8,
            "-1",
            "Cast failed. Could not convert \"-1\" to UINT8.",
        ),
        (
            T::UInt16,
            "abc",
            "Cast failed. Could not convert \"abc\" to UINT16.",
        ),
        (
            T::UInt32,
            "01abc",
            "Cast failed. Could not convert \"01abc\" to UINT32.",
        ),
        (
            T::UInt64,
            "x",
            "Cast failed. Could not convert \"x\" to UINT64.",
        ),
        (
            T::Int128,
            "abc",
            "Cast failed. abc is not within INT128 range.",
        ),
        (T::Float, "abc", "Cast failed. abc is not in FLOAT range."),
        (T::Double, "abc", "Cast failed. abc is not in DOUBLE range."),
        (T::Bool, "abc", "Value abc is not a valid boolean"),
        (
            T::Date,
            "abc",
            "Error occurred during parsing date. Given: \"abc\". Expected format: (YYYY-MM-DD)",
        ),
        (
            T::Timestamp,
            "abc",
            "Error occurred during parsing TIMESTAMP. Given: \"abc\". Expected format: \
             (YYYY-MM-DD hh:mm:ss[.zzzzzz][+-TT[:tt]])",
        ),
        (
            T::Interval,
            "abc",
            "Error occurred during parsing interval. Given: \"abc\".",
        ),
        (T::Uuid, "abc", "Invalid UUID: abc"),
        (
            T::List(Box::new(T::Int64)),
            "abc",
            "Cast failed. abc is not in INT64[] range.",
        ),
        (
            T::Decimal {
                precision: 5,
                scale: 2,
            },
            "abc",
            "Cast failed. abc is not in DECIMAL(5, 2) range.",
        ),
    ];
    for (ty, bad, msg) in cases {
        let sc = schema(&[("id", T::Int64), ("v", ty.clone()), ("w", T::String)]);
        // In the middle of the record: Kuzu quotes it up to the field, with "...".
        let text = format!("1,,a\n2,{bad},b\n");
        let e = read_err(text.as_bytes(), &fixed(), &sc);
        assert_eq!(e.reason, format!("Conversion exception: {msg}"), "{ty}");
        assert_eq!(e.file, "f.csv");
        assert_eq!(
            (e.line, e.column, e.column_name.as_deref()),
            (2, Some(2), Some("v"))
        );
        assert_eq!(e.record, Some(format!("2,{bad}...")));
        assert_eq!(
            Error::input(e.clone()).to_string(),
            format!(
                "Copy exception: Error in file f.csv on line 2: Conversion exception: {msg} \
                 Line/record containing the error: '2,{bad}...'"
            )
        );
        // As the last field: the whole record.
        let sc = schema(&[("id", T::Int64), ("v", ty.clone())]);
        let text = format!("1,\r\n2,{bad}\r\n");
        let e = read_err(text.as_bytes(), &fixed(), &sc);
        assert_eq!(e.record, Some(format!("2,{bad}")));
        assert_eq!(
            e.location_form(),
            format!("f.csv:2:2 (v): Conversion exception: {msg}")
        );
    }
}

#[test]
fn wrong_field_counts() {
    let sc = schema(&[("a", T::Int64), ("b", T::Int64), ("c", T::Int64)]);
    let e = read_err(b"1,2,3\n8,39\n", &fixed(), &sc);
    assert_eq!(e.reason, "expected 3 values per row, but got 2.");
    assert_eq!(
        (e.line, e.column, e.record.as_deref()),
        (2, None, Some("8,39"))
    );
    let e = read_err(b"1,2,3,4\n", &fixed(), &sc);
    assert_eq!(e.reason, "expected 3 values per row, but got more.");
    assert_eq!(
        (e.line, e.column, e.record.as_deref()),
        (1, Some(4), Some("1,2,3,4"))
    );
    let e = read_err(b"1,2,3,4,5\n", &fixed(), &sc);
    assert_eq!(e.record.as_deref(), Some("1,2,3,4..."));
    // Kuzu drops an empty last field at the end of the file.
    let two = schema(&[("a", T::Int64), ("b", T::Int64)]);
    let e = read_err(b"1,2\n2,", &fixed(), &two);
    assert_eq!(e.reason, "expected 2 values per row, but got 1.");
    assert_eq!((e.line, e.record.as_deref()), (2, Some("2,")));
}

#[test]
fn invalid_utf8_is_fatal_even_when_ignoring_errors() {
    let sc = schema(&[("id", T::String)]);
    let e = read_err(b"\xff\n", &fixed(), &sc);
    assert_eq!(e.reason, "Invalid UTF8-encoded string.");
    assert_eq!((e.line, e.record.as_deref()), (1, Some("\u{fffd}")));
    let opts = CsvOptions {
        ignore_errors: true,
        ..fixed()
    };
    let e = read_err(b"ok\n\xff\n", &opts, &sc);
    assert_eq!(e.line, 2);
    let e = read_err(b"ok\n\xff\n", &CsvOptions::default(), &sc);
    assert_eq!(e.reason, "Invalid UTF8-encoded string.");
}

/// Kuzu's `csv-error-tests` files, with the messages its `errors.test` expects.
#[test]
fn kuzu_csv_error_tests() {
    let one = schema(&[("c", T::String)]);
    let esc = CsvOptions {
        escape: Some(b'\\'),
        ..fixed()
    };
    let e = read_err(b"valid-header\n\"abc\\", &esc, &one);
    assert_eq!((e.line, e.reason.as_str()), (2, "escape at end of file."));
    assert_eq!(e.record.as_deref(), Some("\"abc\\"));
    let e = read_err(b"valid-header\n\"abc", &fixed(), &one);
    assert_eq!((e.line, e.reason.as_str()), (2, "unterminated quotes."));
    assert_eq!(e.record.as_deref(), Some("\"abc"));
    let e = read_err(b"valid-header\n\"abc\\6\"\n", &esc, &one);
    assert_eq!(
        (e.line, e.reason.as_str()),
        (2, "neither QUOTE nor ESCAPE is proceeded by ESCAPE.")
    );
    assert_eq!(e.record.as_deref(), Some("\"abc\\6..."));
    let six: Vec<(String, T)> = (0..6).map(|k| (format!("c{k}"), T::String)).collect();
    let e = read_err(
        b"a\n\n1\r2\r\n3\n\n4,4,5,6,7,8\n",
        &fixed(),
        &CsvSchema { columns: six },
    );
    assert_eq!(
        (e.line, e.reason.as_str()),
        (1, "expected 6 values per row, but got 1.")
    );
    assert_eq!(e.record.as_deref(), Some("a"));
    let two = schema(&[("a", T::String), ("b", T::String)]);
    let e = read_err(b"a,b\na\n", &fixed(), &two);
    assert_eq!((e.line, e.record.as_deref()), (2, Some("a")));
    // large-conversion-failure.csv: header, 1000 numbers, then "a".
    let mut text = String::from("col:INT64\n");
    for k in 0..1000 {
        text.push_str(&format!("{k}\n"));
    }
    text.push_str("a\n");
    let opts = CsvOptions {
        header: Some(true),
        chunk_size: 512,
        ..fixed()
    };
    let col = schema(&[("col", T::Int64)]);
    for threads in [1, 2] {
        let e = match read_with(text.as_bytes(), &opts, &col, threads) {
            Err(Error::Input(e)) => e,
            _ => panic!("expected an input error"),
        };
        assert_eq!(e.line, 1002);
        assert_eq!(
            e.kuzu_form(),
            "Copy exception: Error in file f.csv on line 1002: Conversion exception: Cast \
             failed. Could not convert \"a\" to INT64. Line/record containing the error: 'a'"
        );
    }
}

const VMOVIE: &str = "ID,length,name\n0,312abc,movieA\n1,312,movieB\n4,1,\"ab~c\"\n3,102,movieD\n\
                      6,67,\"ab\"c\n5,93,movieE\n8,39\n9,98,vb12\n7,1,a\n2,53,\"movieC\n";

/// Kuzu's `copy-fault-tests/invalid-row/vMovie.csv` with IGNORE_ERRORS: the warnings of
/// `ignore_invalid_row.test` (serial and parallel reader).
#[test]
fn ignore_errors_reproduces_kuzu_warnings() {
    let sc = schema(&[("ID", T::Int16), ("length", T::Int32), ("name", T::String)]);
    for refuse in [false, true] {
        for (threads, chunk) in [(1, 1 << 20), (2, 16), (2, 40), (1, 7)] {
            let opts = CsvOptions {
                ignore_errors: true,
                header: Some(true),
                escape: Some(b'~'),
                auto_detect: false,
                refuse_quoted_newlines: refuse,
                line_numbers: LineNumbers::Record,
                chunk_size: chunk,
                ..CsvOptions::default()
            };
            let r = match read_with(VMOVIE.as_bytes(), &opts, &sc, threads) {
                Ok(r) => r,
                Err(e) => panic!("{e}"),
            };
            let got: Vec<(Value, Value, Value)> = r
                .rows
                .iter()
                .map(|row| (row[0].clone(), row[1].clone(), row[2].clone()))
                .collect();
            assert_eq!(
                got,
                vec![
                    (Value::Int16(1), Value::Int32(312), s("movieB")),
                    (Value::Int16(3), Value::Int32(102), s("movieD")),
                    (Value::Int16(5), Value::Int32(93), s("movieE")),
                    (Value::Int16(9), Value::Int32(98), s("vb12")),
                    (Value::Int16(7), Value::Int32(1), s("a")),
                ]
            );
            assert_eq!(r.lines, vec![3, 5, 7, 9, 10]);
            // A parallel read words a quote left open across a line break as Kuzu's
            // parallel reader does, whether or not quoted line breaks are refused.
            let last = if refuse || opts.parallel {
                tokenizer::MSG_QUOTED_NEWLINE
            } else {
                "unterminated quotes."
            };
            let warnings: Vec<(String, u64, String)> = r
                .summary
                .warnings
                .iter()
                .map(|w| {
                    (
                        w.reason.clone(),
                        w.line,
                        w.record.clone().unwrap_or_default(),
                    )
                })
                .collect();
            let expect = vec![
                (
                    "Conversion exception: Cast failed. Could not convert \"312abc\" to INT32.",
                    2,
                    "0,312abc...",
                ),
                (
                    "neither QUOTE nor ESCAPE is proceeded by ESCAPE.",
                    4,
                    "4,1,\"ab~c...",
                ),
                (
                    "quote should be followed by end of file, end of value, end of row or \
                     another quote.",
                    6,
                    "6,67,\"ab\"...",
                ),
                ("expected 3 values per row, but got 2.", 8, "8,39"),
                (last, 11, "2,53,\"movieC"),
            ];
            let expect: Vec<(String, u64, String)> = expect
                .into_iter()
                .map(|(a, b, c)| (a.to_string(), b, c.to_string()))
                .collect();
            assert_eq!(
                warnings, expect,
                "refuse={refuse} threads={threads} chunk={chunk}"
            );
            assert_eq!(r.summary.skipped_rows, 5);
            assert_eq!(r.summary.rows, 5);
        }
    }
}

/// The same file gzip-compressed (`vMovie.csv.gz`): read serially whatever the options say,
/// so the open quote at the end is "unterminated", and no warning quotes its record; a
/// compressed file's error does not either. Two gzip members read as one stream.
#[test]
fn gzip_files_are_read_serially_without_record_text() {
    use flate2::{write::GzEncoder, Compression};
    let sc = schema(&[("ID", T::Int16), ("length", T::Int32), ("name", T::String)]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vMovie.csv.gz");
    let (a, b) = VMOVIE.split_at(40);
    let mut bytes = Vec::new();
    for part in [a, b] {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(part.as_bytes()).unwrap();
        bytes.extend(e.finish().unwrap());
    }
    std::fs::write(&path, &bytes).unwrap();
    assert!(is_gzip(&path));
    assert!(!is_gzip(Path::new("x.csv")));
    let opts = CsvOptions {
        ignore_errors: true,
        header: Some(true),
        escape: Some(b'~'),
        auto_detect: false,
        refuse_quoted_newlines: true,
        parallel: true,
        line_numbers: LineNumbers::Record,
        chunk_size: 16,
        ..CsvOptions::default()
    };
    let mut ids = Vec::new();
    let summary = read_csv(&path, "v.csv.gz", &opts, &sc, 2, |batch| {
        ids.extend((0..batch.len()).map(|i| batch.columns[0].get(i)));
        Ok(())
    })
    .unwrap();
    assert_eq!(
        ids,
        [1, 3, 5, 9, 7].map(Value::Int16).to_vec(),
        "rows in file order"
    );
    let warnings: Vec<(&str, u64, Option<String>)> = summary
        .warnings
        .iter()
        .map(|w| (w.reason.as_str(), w.line, w.record.clone()))
        .collect();
    assert_eq!(
        warnings,
        vec![
            (
                "Conversion exception: Cast failed. Could not convert \"312abc\" to INT32.",
                2,
                None
            ),
            ("neither QUOTE nor ESCAPE is proceeded by ESCAPE.", 4, None),
            (
                "quote should be followed by end of file, end of value, end of row or \
                 another quote.",
                6,
                None
            ),
            ("expected 3 values per row, but got 2.", 8, None),
            ("unterminated quotes.", 11, None),
        ]
    );
    let strict = CsvOptions {
        ignore_errors: false,
        ..opts
    };
    match read_csv(&path, "v.csv.gz", &strict, &sc, 2, |_| Ok(())) {
        Err(Error::Input(e)) => {
            assert_eq!((e.line, e.record.clone()), (2, None));
            assert_eq!(
                e.reason,
                "Conversion exception: Cast failed. Could not convert \"312abc\" to INT32."
            );
        }
        other => panic!("expected an input error, got {other:?}"),
    }
}

/// A file whose quoted fields contain delimiters, quotes and line breaks everywhere, read with
/// every small chunk size and 1 or 2 threads, gives exactly the one-chunk sequential result.
#[test]
fn chunk_boundaries_inside_quoted_fields_are_exact() {
    let mut text = String::from("id,name\n");
    for k in 0..60 {
        match k % 5 {
            0 => text.push_str(&format!("{k},\"multi\nline,{k}\"\n")),
            1 => text.push_str(&format!("{k},\"q\"\"{k}\"\"\r\nx\"\r\n")),
            2 => text.push_str(&format!("{k},plain{k}\n")),
            3 => text.push_str(&format!("{k},\"\n\n\n\"\n\n")),
            _ => text.push_str(&format!("{k},\"{}\"\n", "\n,".repeat(k % 7))),
        }
    }
    text.push_str("x,bad\n61,end");
    let sc = id_name();
    let base_opts = CsvOptions {
        header: Some(true),
        ignore_errors: true,
        ..fixed()
    };
    let base = match read_with(text.as_bytes(), &base_opts, &sc, 1) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(base.rows.len(), 61);
    assert_eq!(base.rows[60], vec![i(61), s("end")]);
    assert_eq!(base.rows[0], vec![i(0), s("multi\nline,0")]);
    assert_eq!(base.rows[1], vec![i(1), s("q\"1\"\r\nx")]);
    assert_eq!(base.lines[0..4], [2, 4, 6, 7]);
    assert_eq!(base.summary.warnings.len(), 1);
    let w = &base.summary.warnings[0];
    assert_eq!(w.record.as_deref(), Some("x..."));
    // The bad record's physical line: count the line breaks before it.
    let before = &text[..text.find("x,bad").unwrap_or(0)];
    let expected_line = before.matches('\n').count() as u64 + 1;
    assert_eq!(w.line, expected_line);
    for threads in [1, 2] {
        for chunk in [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144] {
            let opts = CsvOptions {
                chunk_size: chunk,
                ..base_opts.clone()
            };
            let r = match read_with(text.as_bytes(), &opts, &sc, threads) {
                Ok(r) => r,
                Err(e) => panic!("{e}"),
            };
            assert_eq!(r.rows, base.rows, "threads={threads} chunk={chunk}");
            assert_eq!(r.lines, base.lines, "threads={threads} chunk={chunk}");
            assert_eq!(r.spans, base.spans, "threads={threads} chunk={chunk}");
            assert_eq!(r.summary, base.summary, "threads={threads} chunk={chunk}");
            // Batches are numbered in file order.
            assert_eq!(r.first_rows.first(), Some(&0));
            assert!(r.first_rows.windows(2).all(|w| w[0] < w[1]));
        }
    }
}

#[test]
fn a_stray_quote_does_not_buffer_the_whole_file() {
    let mut text = String::from("1,\"stray\n");
    for k in 2..200 {
        text.push_str(&format!("{k},name\n"));
    }
    let opts = CsvOptions {
        chunk_size: 64,
        max_record_bytes: 256,
        ..fixed()
    };
    for threads in [1, 2] {
        let e = match read_with(text.as_bytes(), &opts, &id_name(), threads) {
            Err(Error::Input(e)) => e,
            _ => panic!("expected an input error"),
        };
        assert_eq!(e.line, 1);
        assert_eq!(
            e.reason,
            "record longer than 256 bytes (unterminated quotes?)."
        );
        assert!(e
            .record
            .as_deref()
            .is_some_and(|r| r.starts_with("1,\"stray\n2,name")));
    }
    // Within the limit, the same file reports Kuzu's error at the end.
    let e = read_err(text.as_bytes(), &fixed(), &id_name());
    assert_eq!(
        (e.line, e.reason.as_str()),
        (1, tokenizer::MSG_QUOTED_NEWLINE)
    );
    let serial = CsvOptions {
        parallel: false,
        ..fixed()
    };
    let e = read_err(text.as_bytes(), &serial, &id_name());
    assert_eq!((e.line, e.reason.as_str()), (1, "unterminated quotes."));
}

/// Kuzu skips all line breaks after a bad record, so with one column the blank lines there
/// are not NULL rows, also when a chunk boundary falls among them.
#[test]
fn error_recovery_skips_line_breaks_across_chunks() {
    let one = schema(&[("v", T::Int64)]);
    let text = "1\nx\n\n\n\n\n\n\n\n\n\n\n\n2\n\n3\n";
    let base = CsvOptions {
        ignore_errors: true,
        ..fixed()
    };
    let r = read(text, &base, &one);
    assert_eq!(
        r.rows,
        vec![vec![i(1)], vec![i(2)], vec![Value::Null], vec![i(3)]]
    );
    assert_eq!(r.lines, vec![1, 14, 15, 16]);
    for chunk in 1..12 {
        for threads in [1, 2] {
            let opts = CsvOptions {
                chunk_size: chunk,
                ..base.clone()
            };
            let c = match read_with(text.as_bytes(), &opts, &one, threads) {
                Ok(c) => c,
                Err(e) => panic!("{e}"),
            };
            assert_eq!(
                (c.rows.clone(), c.lines.clone()),
                (r.rows.clone(), r.lines.clone())
            );
            assert_eq!(c.summary, r.summary);
        }
    }
}

#[test]
fn chunks_are_cut_outside_quoted_fields_when_possible() {
    let w = b"1,\"a\nb\"\n2,\"c\nd\n";
    // After "1,"a\nb"\n" the quotes are balanced; the last line break is inside quotes.
    assert_eq!(even_quote_split(w, b'"'), Some(8));
    assert_eq!(even_quote_split(b"\"\n", b'"'), None);
}

#[test]
fn empty_and_header_only_files() {
    let r = read("", &CsvOptions::default(), &id_name());
    assert_eq!((r.rows.len(), r.summary.rows, r.summary.bytes), (0, 0, 0));
    let opts = CsvOptions {
        header: Some(true),
        ..fixed()
    };
    let r = read("id,name\n", &opts, &id_name());
    assert_eq!(r.rows.len(), 0);
    assert_eq!(
        r.summary.header,
        Some(vec!["id".to_string(), "name".to_string()])
    );
    let missing = read_csv(
        Path::new("/nonexistent/x.csv"),
        "x.csv",
        &opts,
        &id_name(),
        1,
        |_| Ok(()),
    );
    assert!(matches!(missing, Err(Error::Io { .. })));
}

/// Corner cases checked against Kuzu 0.11.3 (COPY with PARALLEL=FALSE).
#[test]
fn state_machine_corner_cases_match_kuzu() {
    let r = read("1,\"x\"", &fixed(), &id_name());
    assert_eq!(r.rows, vec![vec![i(1), s("x")]]);
    let one = schema(&[("v", T::Int64)]);
    let r = read("1\n\"\"\n3\n", &fixed(), &one);
    assert_eq!(r.rows, vec![vec![i(1)], vec![Value::Null], vec![i(3)]]);
    let two = schema(&[("id", T::Int64), ("v", T::Int64)]);
    let r = read("1, \n2,NuLl\n", &fixed(), &two);
    assert_eq!(
        r.rows,
        vec![vec![i(1), Value::Null], vec![i(2), Value::Null]]
    );
}

#[test]
fn threads_do_not_change_the_output() {
    let mut text = String::new();
    for k in 0..5000 {
        text.push_str(&format!("{k},name {k}\n"));
    }
    let opts = CsvOptions {
        chunk_size: 1000,
        ..CsvOptions::default()
    };
    let one = match read_with(text.as_bytes(), &opts, &id_name(), 1) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let two = match read_with(text.as_bytes(), &opts, &id_name(), 2) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(one.rows.len(), 5000);
    assert_eq!(one.rows[4999], vec![i(4999), s("name 4999")]);
    assert_eq!(one.lines[4999], 5000);
    assert_eq!(one.rows, two.rows);
    assert_eq!(one.lines, two.lines);
    assert_eq!(one.first_rows, two.first_rows);
    assert!(one.first_rows.len() > 10);
    assert_eq!(one.summary, two.summary);
    assert_eq!(one.summary.rows, 5000);
    assert_eq!(one.summary.bytes, text.len() as u64);
}

fn detect(text: &str, opts: &CsvOptions, ncols: usize) -> CsvDialect {
    let cols: Vec<(String, T)> = (0..ncols).map(|k| (format!("c{k}"), T::String)).collect();
    detect_dialect(text.as_bytes(), true, opts, &CsvSchema { columns: cols })
}

/// Samples modeled on Kuzu's `dataset/csv-dialect-detection`.
#[test]
fn dialect_detection_like_kuzu() {
    let o = CsvOptions::default();
    let row = "0|1|2021|\"[wwAewsdndweusd,wek]\"|5|5|9223372036854775808|32800|33768|250|18\n";
    let delim1 = format!(
        "from|to|YEAR|Places|length|level|code|temperature|ulength|ulevel|hugedata\n{row}{row}"
    );
    let d = detect(&delim1, &o, 11);
    assert_eq!((d.delimiter, d.quote, d.escape), (b'|', b'"', b'"'));
    let d = detect(&delim1.replace('|', ";"), &o, 11);
    assert_eq!(d.delimiter, b';');
    let quote1 = delim1.replace('|', ";").replace('"', "'");
    let d = detect(&quote1, &o, 11);
    assert_eq!((d.delimiter, d.quote), (b';', b'\''));

    let escape1 = "from;to;YEAR;astring\n0;1;2021;\"114\\\"514\"\n2;1;2020;\"1919810\\\"514\"\n";
    let d = detect(escape1, &o, 4);
    assert_eq!((d.delimiter, d.quote, d.escape), (b';', b'"', b'\\'));
    let escape2 = "from;to;YEAR;astring\n0;1;2021;\"114\"\"514\"\n2;1;2020;\"gcd\"\"gcd\"\n";
    let d = detect(escape2, &o, 4);
    assert_eq!((d.delimiter, d.quote, d.escape), (b';', b'"', b'"'));
    let escape3 = "from;to;YEAR;astring\n0;1;2021;'114\\'514'\n8;1;2020;'gcd\\'gcd'\n";
    let d = detect(escape3, &o, 4);
    assert_eq!((d.delimiter, d.quote, d.escape), (b';', b'\'', b'\\'));

    let list_delim2 =
        "isIntArray\tisDecimalArray\tisStringArray1  \n'[5,6,7,8]'\t'[0.1,8.8]'\t'[]'\n";
    let d = detect(list_delim2, &o, 3);
    assert_eq!((d.delimiter, d.quote), (b'\t', b'\''));
    let list = "a,b,c,d,e,f,g\n\"[5, 6, 7, 8]\",\"[0.1 ,8.8]\",\"[]\",,\"[[],[5,6]]\",[],\"[]\"\n";
    let d = detect(list, &o, 7);
    assert_eq!((d.delimiter, d.quote), (b',', b'"'));

    // User settings are kept; only the rest is searched.
    let fixed_delim = CsvOptions {
        delimiter: Some(b';'),
        ..CsvOptions::default()
    };
    let d = detect(escape1, &fixed_delim, 4);
    assert_eq!((d.delimiter, d.escape), (b';', b'\\'));
    // Nothing fits: Kuzu's defaults.
    let d = detect("a|b\n", &o, 5);
    assert_eq!((d.delimiter, d.quote, d.escape), (b',', b'"', b'"'));
    // vOrganisation-style backslash escapes inside a quoted struct literal.
    let org = "1,ABFsUni,\"{revenue: 138, location: ['toronto', 'montr,eal']}\",3.12\n\
               4,CsWork,\"{revenue: 152, location: [\\\"vanco,uver north area\\\"]}\",abcd\n";
    let d = detect(org, &o, 4);
    assert_eq!((d.delimiter, d.quote, d.escape), (b',', b'"', b'\\'));
}

#[test]
fn header_detection_follows_kuzu() {
    let o = CsvOptions::default();
    let person = schema(&[("id", T::Int64), ("fName", T::String), ("age", T::Int64)]);
    let d = detect_dialect(b"id,fName,age\n0,Alice,35\n", true, &o, &person);
    assert!(d.header);
    let d = detect_dialect(b"0,Alice,35\n2,Bob,30\n", true, &o, &person);
    assert!(!d.header);
    let knows = schema(&[
        ("from", T::Int64),
        ("to", T::Int64),
        ("date", T::Date),
        ("meetTime", T::Timestamp),
        ("validInterval", T::Interval),
        ("comments", T::List(Box::new(T::String))),
        ("summary", T::Struct(vec![("locations".into(), T::String)])),
        ("notes", T::Int64),
        ("someMap", T::Map(Box::new(T::String), Box::new(T::String))),
    ]);
    let first = "0,2,2021-06-30,1986-10-21 21:08:31.521,10 years 5 months 13 hours 24 us,\
                 \"[rnme,m8sihsdnf2990nfiwf]\",\"{locations:['toronto','waterloo'], transfer: \
                 {day: 2021-01-02, amount: [100, 200]}}\",1,{a=b}\n";
    let d = detect_dialect(first.as_bytes(), true, &o, &knows);
    assert!(!d.header);
    assert_eq!(d.delimiter, b',');
    // A header shorter than the schema is not a header.
    let d = detect_dialect(b"id\n", true, &o, &person);
    assert!(!d.header);
    assert!(sniff::infers_as_string("fName"));
    assert!(!sniff::infers_as_string(" -12 "));
    assert!(!sniff::infers_as_string("2011-08-20 11:25:30Z+00:00"));
    assert!(!sniff::infers_as_string(
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"
    ));
    assert!(!sniff::infers_as_string(
        "3 years 2 days 13 hours 2 minutes"
    ));
    assert!(sniff::infers_as_string("{abc}"));
}

/// Throughput smoke test (run with `--ignored --nocapture` in an optimized build).
#[test]
#[ignore]
fn throughput_smoke() {
    let simple = std::env::var("CSV_SMOKE_SIMPLE").is_ok();
    let mut text = String::with_capacity(120 << 20);
    let mut k = 0u64;
    while text.len() < (100 << 20) {
        if simple {
            text.push_str(&format!("{k}|person {k}|{}|{}|comment\n", k % 97, k * 3));
        } else {
            text.push_str(&format!(
                "{k}|person number {k}|{}|{}.{}|\"said \"\"hi\"\", then left\"\n",
                k % 97,
                k % 1000,
                k % 7
            ));
        }
        k += 1;
    }
    let sc = schema(&[
        ("id", T::Int64),
        ("name", T::String),
        ("age", T::Int32),
        ("score", T::Double),
        ("comment", T::String),
    ]);
    let mut f = match tempfile::NamedTempFile::new() {
        Ok(f) => f,
        Err(e) => panic!("{e}"),
    };
    assert!(f.write_all(text.as_bytes()).is_ok());
    let only_ints = schema(&[
        ("id", T::Int64),
        ("name", T::String),
        ("age", T::Int64),
        ("score", T::String),
        ("comment", T::String),
    ]);
    for (label, sc) in [("mixed", &sc), ("ints+strings", &only_ints)] {
        for threads in [1, 2] {
            let cpu = || {
                std::fs::read_to_string("/proc/thread-self/schedstat")
                    .ok()
                    .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
                    .unwrap_or(0.0)
                    / 1e9
            };
            let cpu0 = cpu();
            let t = std::time::Instant::now();
            let mut rows = 0usize;
            let r = read_csv(
                f.path(),
                "p.csv",
                &CsvOptions::default(),
                sc,
                threads,
                |b| {
                    rows += b.len();
                    Ok(())
                },
            );
            assert!(r.is_ok());
            let secs = t.elapsed().as_secs_f64();
            assert_eq!(rows as u64, k);
            let cpu_secs = cpu() - cpu0;
            println!(
                "{label} threads={threads}: {rows} rows, {:.0} MB/s wall, {:.0} MB/s per \
                 caller-thread CPU second",
                text.len() as f64 / secs / 1e6,
                text.len() as f64 / cpu_secs / 1e6
            );
        }
    }
}

/// Every CSV file of Kuzu's suite datasets reads the same with tiny chunks on two threads as
/// in one chunk on one thread (run with `--ignored`; needs ../shared/kuzu-suite or $KUZU_SUITE).
#[test]
#[ignore]
fn suite_datasets_chunking_is_invisible() {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "csv") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    let root = std::env::var("KUZU_SUITE").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/kuzu-suite").to_string()
    });
    walk(&Path::new(&root).join("dataset"), &mut files);
    files.sort();
    let mut checked = 0;
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        if bytes.len() > (4 << 20) {
            continue;
        }
        let d = detect_dialect(&bytes, true, &CsvOptions::default(), &CsvSchema::default());
        // As many STRING columns as the widest of the first records.
        let mut tok = Tokenizer::new(
            strip_bom(&bytes),
            true,
            tokenizer::Dialect {
                delimiter: d.delimiter,
                quote: d.quote,
                escape: d.escape,
            },
            false,
        );
        let mut sink = sniff::TextSink {
            fields: Vec::new(),
            ncols: 0,
        };
        let mut ncols = 1;
        for _ in 0..5 {
            sink.fields.clear();
            if let Step::Row(_) = tok.next_record(&mut sink) {
                ncols = ncols.max(sink.fields.len());
            }
        }
        let sc = CsvSchema {
            columns: (0..ncols).map(|k| (format!("c{k}"), T::String)).collect(),
        };
        let base = CsvOptions {
            ignore_errors: true,
            ..CsvOptions::default()
        };
        let a = read_with(&bytes, &base, &sc, 1);
        let small = CsvOptions {
            chunk_size: 97,
            ..base.clone()
        };
        let b = read_with(&bytes, &small, &sc, 2);
        match (a, b) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.rows, b.rows, "{}", f.display());
                assert_eq!(a.lines, b.lines, "{}", f.display());
                assert_eq!(a.summary, b.summary, "{}", f.display());
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{}", f.display()),
            (a, b) => panic!("{}: {:?} vs {:?}", f.display(), a.is_ok(), b.is_ok()),
        }
        checked += 1;
    }
    println!("checked {checked} files");
    assert!(checked > 100);
}

mod chunking_props {
    use super::*;
    use proptest::prelude::*;

    /// Texts made of the bytes that matter to the state machine.
    fn csv_text() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                b'a', b'1', b'2', b',', b',', b'"', b'"', b'\\', b'\n', b'\n', b'\r', b' ',
            ]),
            0..160,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Whatever the bytes, chunk size and thread count, the output (rows, lines, spans,
        /// warnings, or the error) is that of one sequential parse.
        #[test]
        fn chunking_never_changes_the_result(
            text in csv_text(),
            chunk in 1usize..24,
            threads in 1usize..3,
            escape in proptest::sample::select(vec![b'"', b'\\']),
            ignore in any::<bool>(),
            ncols in 1usize..4,
            refuse in any::<bool>(),
            record_numbers in any::<bool>(),
            header in any::<bool>(),
        ) {
            let sc = CsvSchema {
                columns: (0..ncols).map(|k| (format!("c{k}"), T::String)).collect(),
            };
            let base = CsvOptions {
                escape: Some(escape),
                ignore_errors: ignore,
                refuse_quoted_newlines: refuse,
                header: Some(header),
                line_numbers: if record_numbers {
                    LineNumbers::Record
                } else {
                    LineNumbers::Physical
                },
                ..fixed()
            };
            let small = CsvOptions { chunk_size: chunk, ..base.clone() };
            let a = read_with(&text, &base, &sc, 1);
            let b = read_with(&text, &small, &sc, threads);
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(a.rows, b.rows);
                    prop_assert_eq!(a.lines, b.lines);
                    prop_assert_eq!(a.spans, b.spans);
                    prop_assert_eq!(a.summary, b.summary);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "{:?} vs {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }
}

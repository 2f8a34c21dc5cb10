//! Fuzzing the CSV reader with every option, and `LOAD FROM` sniffing: generated files
//! (quoted fields holding delimiters, quotes, escapes and line breaks; nested lists, structs and
//! maps; unterminated quotes, ragged rows, a BOM, CRLF/CR line ends, invalid UTF-8, gzip)
//! read through `read_csv` with random options (delimiter, quote, escape, header, skip,
//! parallel with tiny chunks, ignore errors, auto-detection and its sample size, null
//! strings, unbraced lists, the record size limit) into random column types, sniffed with
//! `sniff_columns`, and loaded with `LOAD FROM` and `COPY` in a database. Any error is fine; a
//! panic, abort, hang or allocation past the budget is not (see `tests/fuzz/mod.rs`:
//! `RUZU_FUZZ_SECS=120 cargo test --release --test fuzz_csv`).

mod fuzz;

use fuzz::Rng;
use ruzu::loader::csv::{read_csv, sniff_columns, CsvOptions, CsvSchema, LineNumbers};
use ruzu::{Config, Database, LogicalType};
use std::io::Write;
use std::path::Path;

#[global_allocator]
static ALLOC: fuzz::Counting = fuzz::Counting;

const TYPES: &[&str] = &[
    "INT64",
    "INT32",
    "UINT8",
    "INT128",
    "DOUBLE",
    "FLOAT",
    "STRING",
    "BOOLEAN",
    "DATE",
    "TIMESTAMP",
    "INTERVAL",
    "UUID",
    "BLOB",
    "DECIMAL(5, 2)",
    "INT64[]",
    "STRING[]",
    "INT64[][]",
    "INT64[2]",
    "STRUCT(a INT64, b STRING)",
    "MAP(STRING, INT64)",
    "UNION(a INT64, b STRING)",
];

fn field(rng: &mut Rng, delim: u8, quote: u8, escape: u8) -> Vec<u8> {
    let plain: &[&str] = &[
        "",
        "1",
        "-42",
        "9223372036854775808",
        "3.25",
        "1e400",
        "nan",
        "true",
        "FALSE",
        "NULL",
        "abc",
        "a b",
        " padded ",
        "2020-02-29",
        "2020-13-45",
        "2020-01-01 10:00:00.123",
        "1 day 3 hours",
        "[1,2,3]",
        "[]",
        "[[1,2],[3]]",
        "[1,[2",
        "[\"a,b\",'c']",
        "{a: 1, b: x}",
        "{a=1, b=2}",
        "{}",
        "{a: [1, {b: 2}]}",
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "\\xAA\\x",
        "é😀",
        "12.345",
        "-0.5",
        "0x10",
        "  [ 1 , 2 ]  ",
        "[,]",
        "[1,,2]",
        "{a:}",
        "{,}",
        "[{a=[1]}]",
    ];
    let mut f: Vec<u8> = match rng.below(10) {
        0 => {
            let n = rng.below(8);
            rng.bytes(n)
        }
        1 => {
            // Deep nesting.
            let d = rng.below(60);
            let mut s = "[".repeat(d);
            s += "1";
            s += &"]".repeat(rng.below(d + 1));
            s.into_bytes()
        }
        _ => rng.pick(plain).as_bytes().to_vec(),
    };
    if rng.one_in(4) {
        // Quoted, with what needs quoting inside.
        let mut q = vec![quote];
        for b in f.drain(..) {
            if b == quote {
                q.push(escape);
            }
            q.push(b);
        }
        if rng.one_in(3) {
            let extra: Vec<u8> = match rng.below(5) {
                0 => vec![b'\n'],
                1 => vec![b'\r', b'\n'],
                2 => vec![delim],
                3 => vec![escape, quote],
                _ => vec![escape],
            };
            q.extend_from_slice(&extra);
        }
        if !rng.one_in(12) {
            q.push(quote);
        }
        if rng.one_in(12) {
            q.extend_from_slice(b"tail");
        }
        f = q;
    }
    f
}

fn file(rng: &mut Rng, ncols: usize) -> (Vec<u8>, u8, u8, u8) {
    let delim = *rng.pick(b",,;|\t x");
    let quote = *rng.pick(b"\"\"'|");
    let escape = *rng.pick(&[quote, quote, b'\\', b'"']);
    let eols: [&[u8]; 4] = [b"\n", b"\r\n", b"\r", b"\n\n"];
    let eol: &[u8] = eols[rng.below(4)];
    let mut out = Vec::new();
    if rng.one_in(10) {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    if rng.one_in(2) {
        let names: Vec<String> = (0..ncols)
            .map(|i| match rng.below(6) {
                0 => format!("c{i}:{}", rng.pick(TYPES)),
                1 => String::new(),
                2 => "dup".into(),
                _ => format!("col{i}"),
            })
            .collect();
        out.extend_from_slice(names.join(&(delim as char).to_string()).as_bytes());
        out.extend_from_slice(eol);
    }
    let rows = match rng.below(6) {
        0 => 0,
        1 => rng.below(3000),
        _ => rng.below(20),
    };
    for _ in 0..rows {
        let n = if rng.one_in(10) {
            rng.below(ncols + 3)
        } else {
            ncols
        };
        for i in 0..n {
            if i > 0 {
                out.push(delim);
            }
            out.extend(field(rng, delim, quote, escape));
        }
        out.extend_from_slice(eol);
    }
    if rng.one_in(4) && !out.is_empty() {
        let keep = rng.below(out.len());
        out.truncate(keep);
    }
    if rng.one_in(8) {
        for _ in 0..1 + rng.below(4) {
            fuzz::mutate(rng, &mut out, true);
        }
    }
    (out, delim, quote, escape)
}

fn options(rng: &mut Rng, delim: u8, quote: u8, escape: u8) -> CsvOptions {
    let pick_char = |rng: &mut Rng, likely: u8| -> Option<u8> {
        match rng.below(4) {
            0 => None,
            1 => Some(*rng.pick(&[b',', b'"', b'\\', b'\'', b'\n', b'|', 0u8, b'a'])),
            _ => Some(likely),
        }
    };
    CsvOptions {
        header: *rng.pick(&[None, Some(true), Some(false)]),
        delimiter: pick_char(rng, delim),
        quote: pick_char(rng, quote),
        escape: pick_char(rng, escape),
        skip: *rng.pick(&[0, 0, 0, 1, 2, 100, u64::MAX]),
        parallel: rng.one_in(2),
        ignore_errors: rng.one_in(2),
        auto_detect: !rng.one_in(3),
        sample_size: *rng.pick(&[0, 1, 2, 20, 20480, usize::MAX]),
        null_strings: rng
            .pick(&[vec![String::new()], vec![], vec!["NULL".into(), "1".into()]])
            .clone(),
        list_unbraced: rng.one_in(5),
        refuse_quoted_newlines: rng.one_in(4),
        line_numbers: if rng.one_in(2) {
            LineNumbers::Record
        } else {
            LineNumbers::Physical
        },
        chunk_size: *rng.pick(&[1, 2, 7, 64, 4096, 8 << 20]),
        warning_limit: *rng.pick(&[0, 1, 8192]),
        max_record_bytes: *rng.pick(&[1, 16, 4096, 256 << 20]),
        ..CsvOptions::default()
    }
}

fn option_text(rng: &mut Rng, delim: u8, quote: u8, escape: u8) -> String {
    let c = |b: u8| match b {
        b'\'' => "\\'".to_string(),
        b'\\' => "\\\\".to_string(),
        b'\t' => "\\t".to_string(),
        b => (b as char).to_string(),
    };
    let all = [
        format!("DELIM='{}'", c(delim)),
        format!("QUOTE='{}'", c(quote)),
        format!("ESCAPE='{}'", c(escape)),
        "HEADER=true".into(),
        "HEADER=false".into(),
        "SKIP=1".into(),
        "PARALLEL=false".into(),
        "PARALLEL=true".into(),
        "IGNORE_ERRORS=true".into(),
        "AUTO_DETECT=false".into(),
        "SAMPLE_SIZE=1".into(),
        "SAMPLE_SIZE=0".into(),
        "NULL_STRINGS=['', 'NULL']".into(),
        "LIST_UNBRACED=true".into(),
        "DELIM='ab'".into(),
        "QUOTE=''".into(),
    ];
    let n = rng.below(4);
    if n == 0 {
        return String::new();
    }
    let opts: Vec<String> = (0..n).map(|_| rng.pick(&all).clone()).collect();
    format!(" ({})", opts.join(", "))
}

#[test]
fn fuzz_csv_reader() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("in.csv");
    let gz = dir.path().join("in.csv.gz");
    fuzz::run("csv_reader", 3.0, |rng| {
        let ncols = 1 + rng.below(4);
        let (bytes, delim, quote, escape) = file(rng, ncols);
        let opts = options(rng, delim, quote, escape);
        let types: Vec<&str> = (0..ncols).map(|_| *rng.pick(TYPES)).collect();
        let gzip = rng.one_in(10);
        fuzz::set_input(&format!(
            "file ({} bytes{}): {:?}\ntypes: {types:?}\noptions: {opts:?}",
            bytes.len(),
            if gzip { ", gzipped" } else { "" },
            String::from_utf8_lossy(&bytes[..bytes.len().min(4000)])
        ));
        let path = if gzip {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(&bytes).unwrap();
            std::fs::write(&gz, e.finish().unwrap()).unwrap();
            &gz
        } else {
            std::fs::write(&plain, &bytes).unwrap();
            &plain
        };
        let schema = CsvSchema {
            columns: types
                .iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    ruzu::types::cast::parse_type(t)
                        .ok()
                        .map(|t: LogicalType| (format!("c{i}"), t))
                })
                .collect(),
        };
        let threads = 1 + rng.below(2);
        let mut rows = 0usize;
        let _ = read_csv(path, "in.csv", &opts, &schema, threads, |b| {
            rows += b.len();
            for c in &b.columns {
                for i in 0..c.len().min(50) {
                    let _ = c.get(i).to_string();
                }
            }
            Ok(())
        });
        if let Ok(s) = sniff_columns(path, "in.csv", &opts, None) {
            let schema = CsvSchema { columns: s.columns };
            let _ = read_csv(path, "in.csv", &opts, &schema, threads, |_| Ok(()));
        }
    });
}

/// `LOAD FROM` (sniffing) and `COPY` through Cypher, with the options as text.
#[test]
fn fuzz_load_from() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open_with(
        dir.path().join("db.ruzu"),
        Config {
            threads: 2,
            buffer_pool_size: 16 << 20,
            read_only: false,
        },
    )
    .unwrap();
    let c = db.connect();
    let csv = dir.path().join("in.csv");
    let mut n = 0u64;
    fuzz::run("load_from", 3.0, |rng| {
        n += 1;
        let ncols = 1 + rng.below(4);
        let (bytes, delim, quote, escape) = file(rng, ncols);
        std::fs::write(&csv, &bytes).unwrap();
        let opts = option_text(rng, delim, quote, escape);
        let types: Vec<&str> = (0..ncols).map(|_| *rng.pick(TYPES)).collect();
        let path = csv.display();
        let cols: Vec<String> = types
            .iter()
            .enumerate()
            .map(|(i, t)| format!("c{i} {t}"))
            .collect();
        let stmts = [
            format!("LOAD FROM '{path}'{opts} RETURN *"),
            format!("LOAD FROM '{path}'{opts} RETURN count(*)"),
            format!(
                "LOAD WITH HEADERS ({}) FROM '{path}'{opts} RETURN *",
                cols.join(", ")
            ),
            format!(
                "CREATE NODE TABLE T{n}(k SERIAL, {}, PRIMARY KEY(k))",
                cols.join(", ")
            ),
            format!(
                "CREATE NODE TABLE U{n}({}, PRIMARY KEY(c0))",
                cols.join(", ")
            ),
            format!("COPY U{n} FROM '{path}'{opts}"),
            format!("MATCH (u:U{n}) RETURN u.*"),
            "CALL show_warnings() RETURN *".into(),
            "CALL clear_warnings()".into(),
            format!("DROP TABLE T{n}"),
            format!("DROP TABLE U{n}"),
        ];
        fuzz::set_input(&format!(
            "file {:?}\n{}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(4000)]),
            stmts.join(";\n")
        ));
        c.set_timeout(Some(std::time::Duration::from_secs(10)));
        for s in &stmts {
            if let Ok(r) = c.query(s) {
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
        }
    });
    let _ = Path::new("");
}

/// Options the fuzzer found overflowing: the sample size and the records to skip were added
/// to the header row unchecked (`usize::MAX + 1`: a panic in debug builds; in release the
/// skip wrapped to 0 and the file was read from its start).
#[test]
fn fuzz_csv_known_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.csv");
    std::fs::write(&path, "a,b\n1,x\n2,y\n").unwrap();
    let schema = CsvSchema {
        columns: vec![
            ("a".into(), LogicalType::Int64),
            ("b".into(), LogicalType::String),
        ],
    };
    for (skip, sample_size) in [(0, usize::MAX), (u64::MAX, 20), (u64::MAX, usize::MAX)] {
        let opts = CsvOptions {
            header: Some(true),
            skip,
            sample_size,
            ..CsvOptions::default()
        };
        let input = format!("skip {skip}, sample_size {sample_size}, header");
        fuzz::once(&input, || {
            let mut rows = 0;
            let r = read_csv(&path, "k.csv", &opts, &schema, 1, |b| {
                rows += b.len();
                Ok(())
            });
            let _ = sniff_columns(&path, "k.csv", &opts, None);
            if skip == u64::MAX {
                assert_eq!(rows, 0, "{input}: {r:?}");
            } else {
                assert_eq!(rows, 2, "{input}: {r:?}");
            }
        });
    }
}

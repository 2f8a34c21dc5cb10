//! Column names and types of a CSV file read without a schema (`LOAD FROM`), as Kuzu's
//! `SniffCSVNameAndTypeDriver` finds them.
//!
//! Owns: `sniff_columns`: the dialect (shared with COPY's detection), the header (explicit,
//! or detected by comparing the first record with the sniffed types), names (`column0`, ...
//! without a header; `name:TYPE` header fields give a type), the type of each column as the
//! combination of `types::infer::infer_type` over the sampled records, NULL-only columns as
//! STRING, duplicate names renamed `name_1`, ... . Reads only a sample from the file's start.

use super::sniff::{looks_like_header, TextSink};
use super::tokenizer::{Dialect, Step, Tokenizer};
use super::{detect_dialect, render_record, CsvDialect, CsvOptions, CsvSchema};
use crate::error::{Error, InputError, Result};
use crate::types::infer::{any_to_string, combine_types, infer_type};
use crate::types::LogicalType;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Bytes read from the start of a file for sniffing.
const SAMPLE_BYTES: u64 = 8 << 20;

/// What sniffing found: the columns and the dialect (header included) to read the file with.
#[derive(Debug, Clone, PartialEq)]
pub struct SniffedCsv {
    pub columns: Vec<(String, LogicalType)>,
    pub dialect: CsvDialect,
}

fn read_sample(path: &Path, display: &str) -> Result<(Vec<u8>, bool)> {
    let f = super::open_input(path, display)?;
    let mut buf = Vec::new();
    f.take(SAMPLE_BYTES)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(format!("reading {display}"), e))?;
    let whole = (buf.len() as u64) < SAMPLE_BYTES;
    if buf.starts_with(b"\xEF\xBB\xBF") {
        buf.drain(..3);
    }
    Ok((buf, whole))
}

/// Sniffs a file's columns. `given` are the columns of `LOAD WITH HEADERS (...)`: then only
/// the dialect and header are detected and the columns are `given`.
pub fn sniff_columns(
    path: &Path,
    display: &str,
    opts: &CsvOptions,
    given: Option<&[(String, LogicalType)]>,
) -> Result<SniffedCsv> {
    let (sample, whole) = read_sample(path, display)?;
    sniff_sample(&sample, whole, display, opts, given)
}

/// `sniff_columns` on bytes already read (`whole`: they are the entire file).
pub fn sniff_sample(
    sample: &[u8],
    whole: bool,
    display: &str,
    opts: &CsvOptions,
    given: Option<&[(String, LogicalType)]>,
) -> Result<SniffedCsv> {
    if let Some(cols) = given {
        let schema = CsvSchema {
            columns: cols.to_vec(),
        };
        let dialect = detect_dialect(sample, whole, opts, &schema);
        return Ok(SniffedCsv {
            columns: cols.to_vec(),
            dialect,
        });
    }
    // The dialect first (header detection needs the sniffed types, so it comes later).
    let mut dopts = opts.clone();
    dopts.header = Some(opts.header.unwrap_or(false));
    let mut dialect = detect_dialect(sample, whole, &dopts, &CsvSchema::default());
    let d = Dialect {
        delimiter: dialect.delimiter,
        quote: dialect.quote,
        escape: dialect.escape,
    };
    let has_header = opts.header == Some(true);
    let auto_header = opts.header.is_none() && opts.auto_detect;
    let mut tok = Tokenizer::new(sample, whole, d, false);
    let mut sink = TextSink {
        fields: Vec::new(),
        ncols: 0,
    };
    // Kuzu sniffs from the file's start: SKIP applies only to the read.
    let mut record = 0u64;
    let mut columns: Vec<(String, LogicalType)> = Vec::new();
    let mut sniff_type: Vec<bool> = Vec::new();
    let mut first_row: Option<Vec<String>> = None;
    let wanted = (opts.sample_size as u64).saturating_add(u64::from(has_header));
    let mut row = 0u64;
    while row < wanted {
        sink.fields.clear();
        let fields = match tok.next_record(&mut sink) {
            Step::End | Step::Incomplete => break,
            Step::Blank => continue,
            Step::Error(e) => {
                record += 1;
                if opts.ignore_errors {
                    continue;
                }
                let rec = &sample[e.start.min(sample.len())..e.end.min(sample.len())];
                return Err(Error::input(
                    InputError::new(display, record, e.reason)
                        .with_record(render_record(rec, e.complete)),
                ));
            }
            Step::Row(info) => {
                record += 1;
                let fields = std::mem::take(&mut sink.fields);
                if has_header && row > 0 && fields.len() > columns.len() {
                    if opts.ignore_errors {
                        continue;
                    }
                    let rec = &sample[info.start.min(sample.len())..info.end.min(sample.len())];
                    return Err(Error::input(
                        InputError::new(
                            display,
                            record,
                            "expected 0 values per row, but got more.",
                        )
                        .with_record(render_record(rec, true)),
                    ));
                }
                fields
            }
        };
        let n = fields.len();
        while columns.len() < n {
            columns.push((format!("column{}", columns.len()), LogicalType::Any));
            sniff_type.push(true);
        }
        if row == 0 && has_header {
            for (i, f) in fields.iter().take(n).enumerate() {
                columns[i] = (f.clone(), LogicalType::Any);
                if let Some(p) = f.rfind(':') {
                    if let Ok(t) = crate::types::cast::parse_type(&f[p + 1..]) {
                        columns[i] = (f[..p].to_string(), t);
                        sniff_type[i] = false;
                    }
                }
            }
        } else if row == 0 && auto_header {
            first_row = Some(fields[..n].to_vec());
        } else {
            for (i, f) in fields.iter().take(n).enumerate() {
                if sniff_type[i] {
                    let t = combine_types(&columns[i].1, &infer_type(f));
                    sniff_type[i] = t != LogicalType::String;
                    columns[i].1 = t;
                }
            }
        }
        row += 1;
    }
    // Kuzu: with a sample of one record, the first record gives the types (and names).
    if auto_header && row == wanted && row <= 1 {
        if let Some(f) = &first_row {
            for (i, v) in f.iter().enumerate() {
                columns[i] = (v.clone(), infer_type(v));
            }
        }
    }
    for c in &mut columns {
        c.1 = any_to_string(&c.1);
    }
    dialect.header = has_header;
    if auto_header {
        if let Some(f) = &first_row {
            let types: Vec<LogicalType> = columns.iter().map(|c| c.1.clone()).collect();
            if looks_like_header(f, &types) {
                dialect.header = true;
                for (c, name) in columns.iter_mut().zip(f) {
                    c.0 = name.clone();
                }
            }
        }
    }
    // Duplicate names become name_1, name_2, ...
    let mut seen: HashMap<String, u32> = HashMap::new();
    for c in &mut columns {
        while let Some(k) = seen.get_mut(&c.0) {
            *k += 1;
            c.0 = format!("{}_{}", c.0, k);
        }
        seen.insert(c.0.clone(), 0);
    }
    Ok(SniffedCsv { columns, dialect })
}

#[cfg(test)]
mod tests {
    use super::*;
    use LogicalType as T;

    fn sniff(text: &str, opts: &CsvOptions) -> Result<SniffedCsv> {
        sniff_sample(text.as_bytes(), true, "f.csv", opts, None)
    }

    fn cols(s: &SniffedCsv) -> Vec<(String, LogicalType)> {
        s.columns.clone()
    }

    #[test]
    fn detects_header_and_types() {
        let s = sniff(
            "id,name,score\n1,Alice,1.5\n2,Bob,2.25\n",
            &CsvOptions::default(),
        )
        .unwrap();
        assert!(s.dialect.header);
        assert_eq!(
            cols(&s),
            vec![
                ("id".into(), T::Int64),
                ("name".into(), T::String),
                (
                    "score".into(),
                    T::Decimal {
                        precision: 3,
                        scale: 2
                    }
                ),
            ]
        );
    }

    #[test]
    fn no_header_gives_column_names() {
        let s = sniff("1,2\n3,4\n5,\n", &CsvOptions::default()).unwrap();
        assert!(!s.dialect.header);
        assert_eq!(
            cols(&s),
            vec![("column0".into(), T::Int64), ("column1".into(), T::Int64)]
        );
    }

    #[test]
    fn typed_header_and_duplicates() {
        let opts = CsvOptions {
            header: Some(true),
            ..CsvOptions::default()
        };
        let s = sniff("a,age:UINT64,a\nx,12,1\ny,30,\n", &opts).unwrap();
        assert_eq!(
            cols(&s),
            vec![
                ("a".into(), T::String),
                ("age".into(), T::UInt64),
                ("a_1".into(), T::Int64),
            ]
        );
    }

    #[test]
    fn null_only_column_is_string_and_delimiter_detected() {
        let s = sniff("1|\n2|\n", &CsvOptions::default()).unwrap();
        assert_eq!(s.dialect.delimiter, b'|');
        assert_eq!(
            cols(&s),
            vec![("column0".into(), T::Int64), ("column1".into(), T::String)]
        );
    }

    #[test]
    fn more_values_than_header_is_an_error() {
        let opts = CsvOptions {
            header: Some(true),
            auto_detect: false,
            ..CsvOptions::default()
        };
        let e = sniff("a\n1,2\n", &opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Copy exception: Error in file f.csv on line 2: expected 0 values per row, but got more. Line/record containing the error: '1,2'"
        );
    }

    #[test]
    fn sample_of_one_types_from_first_row() {
        let opts = CsvOptions {
            sample_size: 1,
            ..CsvOptions::default()
        };
        let s = sniff("Alice,4\nBob,5\n", &opts).unwrap();
        assert!(!s.dialect.header);
        assert_eq!(
            cols(&s),
            vec![("Alice".into(), T::String), ("4".into(), T::Int64)]
        );
    }
}

//! Dialect and header detection on a sample of a CSV file, following Kuzu's sniffer.
//!
//! Owns: trying every (delimiter, quote, escape) candidate that the options leave open on the
//! first 256 records and choosing the one with the most consistent field counts (Kuzu's
//! rules, including its preference for dialects that actually quote or escape), and deciding
//! whether the first record is a header (Kuzu: some field of it reads as a STRING where the
//! schema expects a non-string type). Also the minimal type inference that decision needs.

use super::tokenizer::{Dialect, FieldError, FieldSink, Step, Tokenizer};
use crate::types::LogicalType;
use regex::Regex;
use std::sync::OnceLock;

pub(crate) const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
pub(crate) const QUOTES: [u8; 2] = [b'"', b'\''];
pub(crate) const ESCAPES: [u8; 3] = [b'"', b'\\', b'\''];
/// Kuzu's default number of records sampled.
pub(crate) const SAMPLE_ROWS: usize = 256;

/// Counts fields per record.
struct CountSink {
    ncols: usize,
    current: usize,
    counts: Vec<usize>,
}

impl FieldSink for CountSink {
    fn value(&mut self, col: usize, bytes: &[u8]) -> Result<(), FieldError> {
        if !(col == self.ncols && bytes.is_empty()) {
            self.current += 1;
        }
        Ok(())
    }
    fn row(&mut self, _fields: usize) -> Result<(), String> {
        self.counts.push(self.current);
        self.current = 0;
        Ok(())
    }
    fn abandon(&mut self) {
        self.current = 0;
    }
    fn columns(&self) -> usize {
        self.ncols
    }
}

/// Collects the fields of records as text.
pub(crate) struct TextSink {
    pub fields: Vec<String>,
    pub ncols: usize,
}

impl FieldSink for TextSink {
    fn value(&mut self, _col: usize, bytes: &[u8]) -> Result<(), FieldError> {
        self.fields
            .push(String::from_utf8_lossy(bytes).into_owned());
        Ok(())
    }
    fn row(&mut self, _fields: usize) -> Result<(), String> {
        Ok(())
    }
    fn abandon(&mut self) {
        self.fields.clear();
    }
    fn columns(&self) -> usize {
        self.ncols
    }
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    dialect: Dialect,
    ever_quoted: bool,
    ever_escaped: bool,
}

/// Chooses the dialect. `fixed_*` are the user's settings (not searched); `ncols` the schema's
/// column count (0 = unknown); `sample_rows` how many records to read.
#[allow(clippy::too_many_arguments)]
pub(crate) fn detect(
    sample: &[u8],
    is_last: bool,
    fixed_delimiter: Option<u8>,
    fixed_quote: Option<u8>,
    fixed_escape: Option<u8>,
    ncols: usize,
    sample_rows: usize,
) -> Dialect {
    let delims: Vec<u8> = fixed_delimiter.map_or(DELIMITERS.to_vec(), |d| vec![d]);
    let quotes: Vec<u8> = fixed_quote.map_or(QUOTES.to_vec(), |q| vec![q]);
    let escapes: Vec<u8> = fixed_escape.map_or(ESCAPES.to_vec(), |e| vec![e]);
    let default = Dialect {
        delimiter: fixed_delimiter.unwrap_or(b','),
        quote: fixed_quote.unwrap_or(b'"'),
        escape: fixed_escape.unwrap_or(fixed_quote.unwrap_or(b'"')),
    };

    let mut best_consistent = 0usize;
    let mut max_cols = 0usize;
    let mut min_ignored = 0usize;
    let mut valid: Vec<Candidate> = Vec::new();
    for &delimiter in &delims {
        for &quote in &quotes {
            for &escape in &escapes {
                let dialect = Dialect {
                    delimiter,
                    quote,
                    escape,
                };
                let Some(cand) = sniff_one(sample, is_last, dialect, ncols, sample_rows) else {
                    continue;
                };
                let (cand, counts) = cand;
                let mut num_cols = counts.first().copied().unwrap_or(1);
                if ncols != 0 && ncols != num_cols {
                    continue;
                }
                let mut consistent = 0usize;
                let mut ignored = 0usize;
                let mut unexpected = false;
                for &c in &counts {
                    if ncols != 0 && ncols != c {
                        unexpected = true;
                        break;
                    }
                    if num_cols < c {
                        num_cols = c;
                        consistent = 1;
                    } else if c == num_cols {
                        consistent += 1;
                    } else {
                        ignored += 1;
                    }
                }
                if unexpected {
                    continue;
                }
                let more_values = consistent > best_consistent && num_cols >= max_cols;
                let single_column_before = max_cols < 2 && num_cols > max_cols * valid.len();
                let more_than_one_row = consistent > 1;
                let more_than_one_column = num_cols > 1;
                if single_column_before || more_values || more_than_one_column {
                    if max_cols == num_cols && ignored > min_ignored {
                        continue;
                    }
                    if let Some(first) = valid.first() {
                        if first.ever_quoted && !cand.ever_quoted {
                            continue;
                        }
                        if first.ever_escaped && !cand.ever_escaped {
                            continue;
                        }
                    }
                    if consistent >= best_consistent {
                        best_consistent = consistent;
                        max_cols = num_cols;
                        min_ignored = ignored;
                        valid.clear();
                        valid.push(cand);
                    }
                }
                if more_than_one_row
                    && more_than_one_column
                    && num_cols == max_cols
                    && !valid.iter().any(|v| v.dialect.quote == quote)
                {
                    valid.push(cand);
                }
            }
        }
    }
    let chosen = valid
        .iter()
        .find(|v| v.ever_quoted)
        .or_else(|| valid.first())
        .copied();
    let Some(c) = chosen else {
        return default;
    };
    let mut d = c.dialect;
    // Kuzu turns quoting off when the sample never quotes; ruzu keeps the standard quote so
    // that a quoted field after the sample is still read as quoted.
    if !c.ever_quoted && fixed_quote.is_none() {
        d.quote = b'"';
    }
    if !c.ever_escaped && fixed_escape.is_none() {
        d.escape = d.quote;
    }
    d
}

/// Parses up to `rows` records with one candidate; `None` if the candidate hits an error.
fn sniff_one(
    sample: &[u8],
    is_last: bool,
    dialect: Dialect,
    ncols: usize,
    rows: usize,
) -> Option<(Candidate, Vec<usize>)> {
    let mut tok = Tokenizer::new(sample, is_last, dialect, false);
    let mut sink = CountSink {
        ncols,
        current: 0,
        counts: Vec::new(),
    };
    while sink.counts.len() < rows {
        match tok.next_record(&mut sink) {
            Step::End | Step::Incomplete => break,
            Step::Row(_) | Step::Blank => {}
            Step::Error(_) => return None,
        }
    }
    Some((
        Candidate {
            dialect,
            ever_quoted: tok.ever_quoted,
            ever_escaped: tok.ever_escaped,
        },
        sink.counts,
    ))
}

/// Kuzu's header test: the first record is a header if it has at least as many fields as the
/// schema and one of its fields reads as a STRING where the schema expects another type
/// (BLOB and UNION columns excepted).
pub(crate) fn looks_like_header(first: &[String], schema: &[LogicalType]) -> bool {
    if first.len() < schema.len() {
        return false;
    }
    first.iter().zip(schema).any(|(f, t)| {
        !matches!(
            t,
            LogicalType::String | LogicalType::Blob | LogicalType::Union(_)
        ) && infers_as_string(f)
    })
}

struct Patterns {
    boolean: Regex,
    int: Regex,
    real: Regex,
    date: Regex,
    timestamp: Regex,
    uuid: Regex,
    interval1: Regex,
    interval2: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(|| {
        let unit = "(YEARS?|YRS?|Y|MONS?|MONTHS?|DAYS?|D|DAYOFMONTH|DECADES?|DECS?|CENTURY|\
                    CENTURIES|CENT|C|MILLENN?IUMS?|MILS?|MILLENNIA|MICROSECONDS?|US|USECS?|\
                    USECONDS?|MILLISECONDS?|MS|SECONDS?|SECS?|S|MINUTES?|MINS?|M|HOURS?|HRS?|H|\
                    WEEKS?|WEEKOFYEAR|W|QUARTERS?)";
        let interval1 = format!(
            "(?i)^((0|[1-9]\\d*) +{unit})( +(0|[1-9]\\d*) +{unit})*( +\\d+:\\d{{2}}:\\d{{2}}(\\.\\d+)?)?$"
        );
        Some(Patterns {
            boolean: Regex::new("(?i)^(T|F|TRUE|FALSE)$").ok()?,
            int: Regex::new("^((-?0)|(-?[1-9]\\d*))$").ok()?,
            real: Regex::new("^(\\+|-)?(0|[1-9]\\d*)?\\.(\\d*)$").ok()?,
            date: Regex::new(
                "^(\\d{4}/\\d{1,2}/\\d{1,2}|\\d{4}-\\d{1,2}-\\d{1,2}|\\d{4} \\d{1,2} \\d{1,2}|\\d{4}\\\\\\d{1,2}\\\\\\d{1,2})$",
            )
            .ok()?,
            // Kuzu tries its timestamp parser; this is its accepted shape.
            timestamp: Regex::new(
                "^-?\\d{1,}-\\d{1,2}-\\d{1,2}([T ]\\d{1,2}:\\d{1,2}(:\\d{1,2}(\\.\\d+)?)?)? ?Z?([+-]\\d{1,2}(:?\\d{2})?)?$",
            )
            .ok()?,
            uuid: Regex::new(
                "(?i)^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$",
            )
            .ok()?,
            interval1: Regex::new(&interval1).ok()?,
            interval2: Regex::new("^\\d+:\\d{2}:\\d{2}(\\.\\d+)?$").ok()?,
        })
    })
    .as_ref()
}

/// Whether Kuzu's minimal type inference would call this text a STRING.
pub(crate) fn infers_as_string(s: &str) -> bool {
    let t = s.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\n' || c == '\r');
    let upper = t.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "" | "NULL" | "NAN" | "INF" | "+INF" | "-INF" | "INFINITY" | "+INFINITY" | "-INFINITY"
    ) {
        return false;
    }
    let Some(p) = patterns() else {
        return true;
    };
    if p.boolean.is_match(t)
        || p.int.is_match(t)
        || p.real.is_match(t)
        || p.date.is_match(t)
        || p.timestamp.is_match(t)
        || p.uuid.is_match(t)
        || p.interval1.is_match(t)
        || p.interval2.is_match(t)
    {
        return false;
    }
    if t.starts_with('[') && t.ends_with(']') {
        return false;
    }
    if t.starts_with('{') && t.ends_with('}') {
        // A map (`k=v`) or struct (`k: v`) literal; anything else is a string.
        let inner = &t[1..t.len() - 1];
        let parts = split_top_level(inner, ',');
        let is_map = parts.iter().all(|e| split_top_level(e, '=').len() >= 2);
        let is_struct = parts.iter().all(|e| split_top_level(e, ':').len() >= 2);
        return !(is_map || is_struct);
    }
    true
}

/// Splits on `sep` outside brackets and quotes.
fn split_top_level(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' | '(' => depth += 1,
                ']' | '}' | ')' => depth -= 1,
                c if c == sep && depth == 0 => {
                    out.push(&s[start..i]);
                    start = i + c.len_utf8();
                }
                _ => {}
            },
        }
    }
    out.push(&s[start..]);
    out
}

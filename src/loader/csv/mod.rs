//! The bulk loader's CSV reader: chunked, parallel, typed, with exact error positions.
//!
//! Owns: reading one CSV file into typed `Column` batches in file order (`read_csv`), the
//! options (`CsvOptions`, Kuzu's defaults and names), dialect and header detection
//! (`detect_dialect`), and the error positions of bad records (`InputError`: file, physical
//! line, field, Kuzu's reason, the record as Kuzu quotes it). Does not touch storage.
//!
//! Pipeline: the caller's thread reads the file in blocks of `chunk_size` bytes, cut after the
//! last line break, and hands each chunk to a rayon pool of `threads` threads, at most
//! `threads + 1` chunks in flight (memory stays bounded whatever the file size). Each worker
//! parses its chunk *speculatively*, assuming the chunk starts at a record boundary, and
//! converts fields straight into typed columns. The caller takes results back in file order
//! and verifies the assumption: chunk k+1's start is a record boundary exactly when the
//! (verified) parse of chunk k ended outside any record. When it did not (the last line break
//! of chunk k was inside a quoted field), the unfinished record's bytes are prepended to
//! chunk k+1 and that is re-parsed on the caller's thread. Results are therefore exactly
//! those of one sequential parse, whatever `threads` and `chunk_size` are (a property test
//! checks this); line numbers are made absolute by adding the line breaks of the chunks
//! before. To make re-parses rare, the reader cuts a chunk after the last line break with
//! balanced quotes since the chunk's start (exact for RFC 4180 quoting), falling back to the
//! last line break. A record longer than `max_record_bytes` (in practice a stray quote) stops
//! the read, so memory stays bounded.
//!
//! Gzip-compressed files (`*.gz`, as Kuzu recognises them, by name) are decompressed as a
//! stream on the caller's thread while reading, never to memory or disk as a whole; Kuzu
//! reads them with its serial reader, so they are read serially (one parsing thread, the
//! serial reader's messages) and, as in Kuzu, errors and warnings do not quote the record.
//!
//! Departures from Kuzu, on purpose: quoted line breaks are read (Kuzu's parallel reader
//! refuses them; `refuse_quoted_newlines` restores that); line numbers are physical lines
//! (`LineNumbers::Record` gives Kuzu's record count); detection keeps `"` as the quote when
//! the sample never quotes (Kuzu then turns quoting off for the whole file).

mod convert;
mod header;
mod sample;
mod sniff;
mod tokenizer;

#[cfg(test)]
mod tests;

pub use sample::{sniff_columns, sniff_sample, SniffedCsv};
pub use tokenizer::Dialect;

use crate::error::{Error, InputError, Result};
use crate::types::cast::CastOptions;
use crate::types::vector::Column;
use crate::LogicalType;
use convert::ColumnSink;
use sniff::TextSink;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use tokenizer::{RecordError, Skip, Step, Tokenizer};

/// How record positions are numbered in batches and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineNumbers {
    /// The 1-based physical line on which the record starts (header, blank lines and line
    /// breaks inside quoted fields all count). ruzu's own choice.
    #[default]
    Physical,
    /// Kuzu's numbering: the 1-based index of the record among the file's records, counting
    /// skipped and header rows and bad records but not blank lines.
    Record,
}

/// CSV reading options; `Default` is Kuzu's defaults.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// `None`: detect (when `auto_detect`), else no header.
    pub header: Option<bool>,
    /// `None`: detect among `,` `;` TAB `|` (when `auto_detect`), else `,`.
    pub delimiter: Option<u8>,
    /// `None`: detect among `"` `'` (when `auto_detect`), else `"`.
    pub quote: Option<u8>,
    /// `None`: detect among `"` `\` `'` (when `auto_detect`), else `"`. An escape equal to the
    /// quote means quotes are escaped by doubling them.
    pub escape: Option<u8>,
    /// Records to skip at the start of the file (before the header).
    pub skip: u64,
    /// `false` reads with one thread.
    pub parallel: bool,
    /// Skip bad records and report them as warnings instead of failing.
    pub ignore_errors: bool,
    /// Detect the dialect and header for the options left `None`.
    pub auto_detect: bool,
    /// Records sampled by the detection.
    pub sample_size: usize,
    /// Texts read as NULL in STRING columns (Kuzu's `NULL_STRINGS`, default `[""]`). Other
    /// types read empty, blank and `NULL` (any case) fields as NULL.
    pub null_strings: Vec<String>,
    /// Kuzu's `LIST_UNBRACED`: list fields are `a;b;c` without brackets.
    pub list_unbraced: bool,
    /// Refuse line breaks inside quoted fields with Kuzu's parallel-reader error; set it to
    /// `parallel` to reproduce Kuzu's COPY/LOAD FROM exactly. ruzu-load leaves it off.
    pub refuse_quoted_newlines: bool,
    pub line_numbers: LineNumbers,
    /// Bytes per parallel chunk.
    pub chunk_size: usize,
    /// Warnings kept in the summary (all are counted).
    pub warning_limit: usize,
    /// A record (in practice: a quoted field) longer than this stops the read with an error,
    /// so a stray quote cannot make the reader buffer the rest of a huge file.
    pub max_record_bytes: usize,
    /// Match the header's fields to the schema's columns by name, with neo4j-admin's header
    /// syntax (see `header`); off: by position (Kuzu's COPY).
    pub match_header: bool,
    /// With `match_header`: the column a neo4j-admin `:ID` field fills (a node table's key).
    pub key_column: Option<String>,
    /// With `match_header`: columns every file must fill (a key, a rel's endpoints).
    pub required_columns: Vec<String>,
    /// With `match_header`: the separator of array fields (`tags:string[]`).
    pub array_delimiter: u8,
    /// Told, on the reading thread, the bytes of each chunk read and the rows of each batch
    /// delivered (`ruzu-load`'s progress bars).
    pub progress: Option<ReadProgress>,
}

/// A callback for progress: `(bytes read, rows delivered)` since the last call.
#[derive(Clone)]
pub struct ReadProgress(pub Arc<dyn Fn(u64, u64) + Send + Sync>);

impl std::fmt::Debug for ReadProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadProgress")
    }
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            header: None,
            delimiter: None,
            quote: None,
            escape: None,
            skip: 0,
            parallel: true,
            ignore_errors: false,
            auto_detect: true,
            sample_size: sniff::SAMPLE_ROWS,
            null_strings: vec![String::new()],
            list_unbraced: false,
            refuse_quoted_newlines: false,
            line_numbers: LineNumbers::Physical,
            chunk_size: 8 << 20,
            warning_limit: 8192,
            max_record_bytes: 256 << 20,
            match_header: false,
            key_column: None,
            required_columns: Vec::new(),
            array_delimiter: b';',
            progress: None,
        }
    }
}

/// The fields expected in each record, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CsvSchema {
    pub columns: Vec<(String, LogicalType)>,
}

/// The dialect a file was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvDialect {
    pub delimiter: u8,
    pub quote: u8,
    /// Equal to `quote` when quotes are escaped by doubling.
    pub escape: u8,
    pub header: bool,
}

/// One run of consecutive good records, as typed columns.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvBatch {
    /// One column per schema column, all of `lines.len()` rows.
    pub columns: Vec<Column>,
    /// Per record: the line number (see `LineNumbers`) where it starts.
    pub lines: Vec<u64>,
    /// Per record: its byte range in the file, line break excluded (see `record_text`).
    pub spans: Vec<(u64, u64)>,
    /// 0-based index of the first record of this batch among the file's good records.
    pub first_row: u64,
}

impl CsvBatch {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CsvSummary {
    /// Good records delivered.
    pub rows: u64,
    /// File size.
    pub bytes: u64,
    /// Bad records skipped (with `ignore_errors`).
    pub skipped_rows: u64,
    /// The first `warning_limit` skipped records' errors, in file order.
    pub warnings: Vec<InputError>,
    /// The header's fields, when the file has a header.
    pub header: Option<Vec<String>>,
    pub dialect: CsvDialect,
}

/// Kuzu's quoting of a record in errors: its text with line breaks trimmed at both ends, and
/// `...` when the record was not read to its end.
pub fn render_record(bytes: &[u8], complete: bool) -> String {
    let mut s = String::from_utf8_lossy(bytes).into_owned();
    if !complete {
        s.push_str("...");
    }
    s.trim_matches(|c| c == '\n' || c == '\r').to_string()
}

/// Reads the raw text of a record back from the file, as Kuzu quotes it in errors.
pub fn record_text(path: &Path, span: (u64, u64)) -> Result<String> {
    use std::io::{Seek, SeekFrom};
    let ctx = || format!("reading {}", path.display());
    let mut f = File::open(path).map_err(|e| Error::io(ctx(), e))?;
    f.seek(SeekFrom::Start(span.0))
        .map_err(|e| Error::io(ctx(), e))?;
    let mut buf = vec![0u8; span.1.saturating_sub(span.0) as usize];
    f.read_exact(&mut buf).map_err(|e| Error::io(ctx(), e))?;
    Ok(render_record(&buf, true))
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// Detects delimiter, quote, escape and header on a sample from the start of a file (a UTF-8
/// BOM is skipped), for the options left `None`, as Kuzu's sniffer does. `whole_file` says
/// the sample is the entire file.
pub fn detect_dialect(
    sample: &[u8],
    whole_file: bool,
    opts: &CsvOptions,
    schema: &CsvSchema,
) -> CsvDialect {
    let sample = strip_bom(sample);
    let ncols = schema.columns.len();
    let d = if opts.auto_detect {
        let rows = opts
            .sample_size
            .saturating_add(usize::from(opts.header == Some(true)));
        sniff::detect(
            sample,
            whole_file,
            opts.delimiter,
            opts.quote,
            opts.escape,
            ncols,
            rows,
        )
    } else {
        Dialect {
            delimiter: opts.delimiter.unwrap_or(b','),
            quote: opts.quote.unwrap_or(b'"'),
            escape: opts.escape.unwrap_or(b'"'),
        }
    };
    let header = match opts.header {
        Some(h) => h,
        None if opts.auto_detect => {
            let mut tok = Tokenizer::new(sample, whole_file, d, false);
            let mut skip = TextSink {
                fields: Vec::new(),
                ncols: 1,
            };
            let mut ok = true;
            for _ in 0..opts.skip {
                if matches!(tok.next_record(&mut skip), Step::End | Step::Incomplete) {
                    ok = false;
                    break;
                }
            }
            let mut sink = TextSink {
                fields: Vec::new(),
                ncols: 0,
            };
            let mut first = None;
            if ok {
                loop {
                    match tok.next_record(&mut sink) {
                        Step::Row(_) => {
                            first = Some(std::mem::take(&mut sink.fields));
                            break;
                        }
                        Step::Blank => sink.fields.clear(),
                        _ => break,
                    }
                }
            }
            let types: Vec<LogicalType> = schema.columns.iter().map(|c| c.1.clone()).collect();
            first.is_some_and(|f| sniff::looks_like_header(&f, &types))
        }
        None => false,
    };
    CsvDialect {
        delimiter: d.delimiter,
        quote: d.quote,
        escape: d.escape,
        header,
    }
}

/// Everything a worker needs to parse a chunk.
struct ParseCtx {
    dialect: Dialect,
    types: Vec<LogicalType>,
    cast: Arc<CastOptions>,
    ignore_errors: bool,
    refuse_quoted_newlines: bool,
    /// A parallel read (Kuzu words some errors differently then).
    parallel: bool,
    /// Fields matched to columns by the header's names.
    field_map: Option<Arc<header::FieldMap>>,
}

/// A chunk's parse, positions relative to the chunk.
struct ChunkOutput {
    columns: Vec<Column>,
    lines: Vec<u64>,
    records: Vec<u64>,
    spans: Vec<(usize, usize)>,
    /// Refused records with their relative record number.
    errors: Vec<(RecordError, u64)>,
    /// Bytes, line breaks and records fully consumed.
    consumed: usize,
    lines_consumed: u64,
    records_consumed: u64,
    /// The chunk ended inside a record that starts at `consumed`.
    incomplete: bool,
    /// Parsing stopped at the last error (fatal, or errors not ignored).
    stopped: bool,
    /// Where error recovery stood when the chunk ended.
    skipping_at_end: Skip,
}

/// Parses a chunk assumed to start at a record boundary; `resume` continues the error
/// recovery of the chunk before.
fn parse_chunk(data: &[u8], is_last: bool, ctx: &ParseCtx, resume: Skip) -> ChunkOutput {
    let mut tok = Tokenizer::new(data, is_last, ctx.dialect, ctx.refuse_quoted_newlines);
    tok.resume_skip(resume);
    let mut sink = ColumnSink::new(&ctx.types, ctx.cast.clone());
    sink.map = ctx.field_map.clone();
    sink.reserve(memchr::memchr_iter(b'\n', data).count() + 1);
    let d = ctx.dialect;
    sink.trusted_utf8 = d.delimiter.is_ascii()
        && d.quote.is_ascii()
        && d.escape.is_ascii()
        && std::str::from_utf8(data).is_ok();
    let mut out = ChunkOutput {
        columns: Vec::new(),
        lines: Vec::new(),
        records: Vec::new(),
        spans: Vec::new(),
        errors: Vec::new(),
        consumed: 0,
        lines_consumed: 0,
        records_consumed: 0,
        incomplete: false,
        stopped: false,
        skipping_at_end: Skip::No,
    };
    let mut rec = 0u64;
    loop {
        match tok.next_record(&mut sink) {
            Step::End => break,
            Step::Incomplete => {
                out.incomplete = true;
                break;
            }
            Step::Row(info) => {
                out.lines.push(info.line);
                out.records.push(rec);
                out.spans.push((info.start, info.end));
                rec += 1;
            }
            Step::Blank => {}
            Step::Error(e) => {
                let stop = e.fatal || !ctx.ignore_errors;
                out.errors.push((e, rec));
                rec += 1;
                if stop {
                    out.stopped = true;
                    break;
                }
            }
        }
    }
    out.consumed = tok.position();
    out.lines_consumed = tok.line();
    out.records_consumed = rec;
    if !out.incomplete && !out.stopped {
        out.skipping_at_end = tok.skipping_at_end;
    }
    out.columns = sink.columns;
    out
}

/// Whether a file is gzip-compressed, as Kuzu decides it: by its name ending in `.gz`.
pub fn is_gzip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The bytes of an input file: decompressed as they are read when it is gzip-compressed
/// (several concatenated gzip members are one stream, as `gzip -d` reads them).
pub fn open_input(path: &Path, display: &str) -> Result<Box<dyn Read + Send>> {
    let f = File::open(path).map_err(|e| Error::io(format!("opening {display}"), e))?;
    Ok(if is_gzip(path) {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            f,
        )))
    } else {
        Box::new(f)
    })
}

/// Reads the file in chunks that end after a line break.
struct ChunkReader {
    file: Box<dyn Read + Send>,
    name: String,
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    offset: u64,
    eof: bool,
    chunk_size: usize,
    /// The quote character, to prefer cutting chunks outside quoted fields.
    quote: Option<u8>,
}

/// The end of the last line break in `window` after which an even number of quote characters
/// has been seen since the window's start, i.e. most likely outside any quoted field (exact for
/// quotes escaped by doubling; a wrong guess only costs a re-parse).
fn even_quote_split(window: &[u8], quote: u8) -> Option<usize> {
    let mut inside = false;
    let mut last = None;
    for i in memchr::memchr2_iter(quote, b'\n', window) {
        if window[i] == quote {
            inside = !inside;
        } else if !inside {
            last = Some(i + 1);
        }
    }
    last
}

struct Chunk {
    data: Vec<u8>,
    offset: u64,
    is_last: bool,
}

impl ChunkReader {
    fn fill_to(&mut self, n: usize) -> Result<()> {
        if !self.eof && self.buf.len() < n {
            let want = (n - self.buf.len()) as u64;
            self.buf.reserve(want as usize);
            // `read_to_end` fills spare capacity without zeroing it first.
            let got = (&mut self.file)
                .take(want)
                .read_to_end(&mut self.buf)
                .map_err(|e| Error::io(format!("reading {}", self.name), e))?;
            if (got as u64) < want {
                self.eof = true;
            }
        }
        Ok(())
    }

    fn next_chunk(&mut self) -> Result<Option<Chunk>> {
        let mut want = self.chunk_size.max(1);
        loop {
            self.fill_to(want)?;
            if self.buf.is_empty() {
                return Ok(None);
            }
            // The sample read for detection may hold more than one chunk.
            let limit = self.buf.len().min(want);
            let window = &self.buf[..limit];
            let split = if self.eof && limit == self.buf.len() {
                Some(limit)
            } else if let Some(i) = memchr::memrchr(b'\n', window) {
                // Cut outside quotes when that keeps the chunk at least half full.
                let outside = self
                    .quote
                    .and_then(|q| even_quote_split(window, q))
                    .filter(|&s| s >= limit / 2);
                Some(outside.unwrap_or(i + 1))
            } else {
                // Old Mac line ends: a `\r` that is not the last byte of the window (so it
                // cannot be the first half of a `\r\n`).
                memchr::memrchr(b'\r', &window[..limit - 1]).map(|i| i + 1)
            };
            match split {
                Some(s) => {
                    let rest = self.buf.split_off(s);
                    let data = std::mem::replace(&mut self.buf, rest);
                    let chunk = Chunk {
                        data,
                        offset: self.offset,
                        is_last: self.eof && self.buf.is_empty(),
                    };
                    self.offset += s as u64;
                    return Ok(Some(chunk));
                }
                None => want = self.buf.len().saturating_mul(2).max(want + 1),
            }
        }
    }
}

/// Turns chunk results into batches, in file order, verifying speculative parses.
struct Assembler<'a, F> {
    ctx: Arc<ParseCtx>,
    display_name: &'a str,
    names: Vec<String>,
    line_numbers: LineNumbers,
    warning_limit: usize,
    max_record_bytes: usize,
    /// Position of the next unparsed byte: file offset, line breaks and records before it.
    offset: u64,
    line: u64,
    record: u64,
    /// An unfinished record carried into the next chunk.
    carry: Option<Vec<u8>>,
    /// Where error recovery stood at the end of the last chunk.
    skipping: Skip,
    rows: u64,
    skipped: u64,
    warnings: Vec<InputError>,
    progress: Option<ReadProgress>,
    on_batch: F,
}

impl<F: FnMut(CsvBatch) -> Result<()>> Assembler<'_, F> {
    fn input_error(&self, data: &[u8], e: &RecordError, rec: u64) -> InputError {
        let line = match self.line_numbers {
            LineNumbers::Physical => self.line + e.line + 1,
            LineNumbers::Record => self.record + rec + 1,
        };
        let rec = &data[e.start.min(data.len())..e.end.min(data.len())];
        // Kuzu's parallel reader stops at the first line break inside a quoted field that
        // never closes, with its quoted-newline message; "unterminated" is for a quote that
        // runs to the end of the file on its line.
        let reason = if self.ctx.parallel
            && e.reason == tokenizer::MSG_UNTERMINATED
            && rec.iter().any(|&b| b == b'\n' || b == b'\r')
        {
            tokenizer::MSG_QUOTED_NEWLINE.to_string()
        } else {
            e.reason.clone()
        };
        let mut err = InputError::new(self.display_name, line, reason)
            .with_record(render_record(rec, e.complete));
        if let Some(c) = e.column {
            err = err.with_column(c + 1, self.names.get(c).cloned());
        }
        err
    }

    /// Takes the next chunk in file order with its speculative parse.
    fn accept(&mut self, chunk: &Chunk, speculative: Option<ChunkOutput>) -> Result<()> {
        let combined;
        let (data, base_offset, out): (&[u8], u64, ChunkOutput) = match self.carry.take() {
            Some(mut tail) => {
                tail.extend_from_slice(&chunk.data);
                combined = tail;
                let out = parse_chunk(&combined, chunk.is_last, &self.ctx, Skip::No);
                (&combined, self.offset, out)
            }
            None => {
                // A speculative parse is valid unless the chunk before ended while skipping
                // line breaks after a bad record and this chunk starts with more of them.
                let resume = self.skipping;
                let valid = match resume {
                    Skip::No => true,
                    Skip::Line => false,
                    Skip::Breaks => !matches!(chunk.data.first(), Some(b'\n') | Some(b'\r')),
                };
                let out = match speculative {
                    Some(o) if valid => o,
                    _ => parse_chunk(&chunk.data, chunk.is_last, &self.ctx, resume),
                };
                (&chunk.data, chunk.offset, out)
            }
        };
        if out.stopped {
            if let Some((e, rec)) = out.errors.last() {
                return Err(Error::input(self.input_error(data, e, *rec)));
            }
        }
        for (e, rec) in &out.errors {
            self.skipped += 1;
            if self.warnings.len() < self.warning_limit {
                let w = self.input_error(data, e, *rec);
                self.warnings.push(w);
            }
        }
        let n = out.lines.len() as u64;
        if n > 0 {
            let lines = match self.line_numbers {
                LineNumbers::Physical => out.lines.iter().map(|l| self.line + l + 1).collect(),
                LineNumbers::Record => out.records.iter().map(|r| self.record + r + 1).collect(),
            };
            let spans = out
                .spans
                .iter()
                .map(|&(a, b)| (base_offset + a as u64, base_offset + b as u64))
                .collect();
            let batch = CsvBatch {
                columns: out.columns,
                lines,
                spans,
                first_row: self.rows,
            };
            self.rows += n;
            if let Some(p) = &self.progress {
                (p.0)(0, n);
            }
            (self.on_batch)(batch)?;
        }
        self.skipping = out.skipping_at_end;
        self.offset = base_offset + out.consumed as u64;
        self.line += out.lines_consumed;
        self.record += out.records_consumed;
        if out.incomplete {
            let tail = &data[out.consumed..];
            if tail.len() > self.max_record_bytes {
                // Almost always a stray quote: stop rather than buffer the rest of the file.
                let line = match self.line_numbers {
                    LineNumbers::Physical => self.line + 1,
                    LineNumbers::Record => self.record + 1,
                };
                let shown = &tail[..tail.len().min(80)];
                return Err(Error::input(
                    InputError::new(
                        self.display_name,
                        line,
                        format!(
                            "record longer than {} bytes (unterminated quotes?).",
                            self.max_record_bytes
                        ),
                    )
                    .with_record(render_record(shown, false)),
                ));
            }
            self.carry = Some(tail.to_vec());
        }
        Ok(())
    }
}

/// Reads a CSV file into typed batches. `on_batch` is called on the caller's thread with the
/// batches in file order; parsing proceeds on `threads` rayon threads. The first bad record
/// stops the read with `Error::Input` unless `opts.ignore_errors`.
///
/// A gzip-compressed file (see `is_gzip`) is read serially, as with `PARALLEL=FALSE`, and its
/// errors and warnings carry no record text (Kuzu's behaviour for compressed files).
pub fn read_csv(
    path: &Path,
    display_name: &str,
    opts: &CsvOptions,
    schema: &CsvSchema,
    threads: usize,
    on_batch: impl FnMut(CsvBatch) -> Result<()>,
) -> Result<CsvSummary> {
    if !is_gzip(path) {
        return read_csv_stream(path, display_name, opts, schema, threads, on_batch);
    }
    // Kuzu's serial reader, which also reads quoted line breaks.
    let serial = CsvOptions {
        parallel: false,
        refuse_quoted_newlines: false,
        ..opts.clone()
    };
    match read_csv_stream(path, display_name, &serial, schema, 1, on_batch) {
        Ok(mut summary) => {
            for w in &mut summary.warnings {
                w.record = None;
            }
            Ok(summary)
        }
        Err(Error::Input(mut e)) => {
            e.record = None;
            Err(Error::Input(e))
        }
        Err(e) => Err(e),
    }
}

fn read_csv_stream(
    path: &Path,
    display_name: &str,
    opts: &CsvOptions,
    schema: &CsvSchema,
    threads: usize,
    on_batch: impl FnMut(CsvBatch) -> Result<()>,
) -> Result<CsvSummary> {
    let bytes = std::fs::metadata(path)
        .map_err(|e| Error::io(format!("opening {display_name}"), e))?
        .len();
    let mut reader = ChunkReader {
        file: open_input(path, display_name)?,
        name: display_name.to_string(),
        buf: Vec::new(),
        offset: 0,
        eof: false,
        chunk_size: opts.chunk_size.max(1),
        quote: None,
    };
    // The sample for detection: the first chunk's worth of bytes (at least 64 KiB).
    reader.fill_to(opts.chunk_size.max(64 << 10))?;
    if reader.buf.starts_with(b"\xEF\xBB\xBF") {
        reader.buf.drain(..3);
        reader.offset = 3;
    }
    // COPY and LOAD FROM detect from the file's start, skipped records included, as Kuzu's
    // sniffer does (a header found on line 1 decides whether the record after the skipped
    // ones is a header). ruzu-load (`match_header`) looks past the lines `--skip` drops
    // (junk before the header need not look like the data).
    let sample_start = match usize::try_from(opts.skip) {
        _ if !opts.match_header => 0,
        Ok(0) => 0,
        Ok(n) => memchr::memchr_iter(b'\n', &reader.buf)
            .nth(n - 1)
            .map_or(reader.buf.len(), |i| i + 1),
        Err(_) => reader.buf.len(),
    };
    let dialect = detect_dialect(&reader.buf[sample_start..], reader.eof, opts, schema);
    let d = Dialect {
        delimiter: dialect.delimiter,
        quote: dialect.quote,
        escape: dialect.escape,
    };
    reader.quote = Some(dialect.quote);

    // Skipped records and the header, read sequentially.
    let (consumed, lines, records, header, header_line) = loop {
        let mut tok = Tokenizer::new(&reader.buf, reader.eof, d, false);
        let mut sink = TextSink {
            fields: Vec::new(),
            ncols: 1,
        };
        let mut incomplete = false;
        let mut records = 0u64;
        let wanted = opts.skip.saturating_add(u64::from(dialect.header));
        let mut header = None;
        let mut header_line = 0;
        while records < wanted {
            sink.fields.clear();
            let (rec_start, rec_line) = (tok.position(), tok.line());
            match tok.next_record(&mut sink) {
                Step::End => break,
                Step::Incomplete => {
                    incomplete = true;
                    break;
                }
                Step::Error(e) if records == opts.skip && !opts.ignore_errors => {
                    let line = match opts.line_numbers {
                        LineNumbers::Physical => e.line + 1,
                        LineNumbers::Record => records + 1,
                    };
                    let rec =
                        &reader.buf[e.start.min(reader.buf.len())..e.end.min(reader.buf.len())];
                    return Err(Error::input(
                        InputError::new(display_name, line, e.reason)
                            .with_record(render_record(rec, e.complete)),
                    ));
                }
                _ => {
                    if records == opts.skip && dialect.header {
                        // The header must have a field per column, as every record must.
                        let want = schema.columns.len();
                        if sink.fields.len() != want
                            && !opts.ignore_errors
                            && !opts.match_header
                            && want > 0
                        {
                            let line = match opts.line_numbers {
                                LineNumbers::Physical => rec_line + 1,
                                LineNumbers::Record => records + 1,
                            };
                            let end = tok.position().min(reader.buf.len());
                            let rec = &reader.buf[rec_start.min(end)..end];
                            return Err(Error::input(
                                InputError::new(
                                    display_name,
                                    line,
                                    format!(
                                        "expected {want} values per row, but got {}.",
                                        sink.fields.len()
                                    ),
                                )
                                .with_record(render_record(rec, true)),
                            ));
                        }
                        header = Some(std::mem::take(&mut sink.fields));
                        header_line = match opts.line_numbers {
                            LineNumbers::Physical => rec_line + 1,
                            LineNumbers::Record => records + 1,
                        };
                    }
                    records += 1;
                }
            }
        }
        if incomplete {
            let want = reader.buf.len().saturating_mul(2).max(1 << 16);
            reader.fill_to(want)?;
            continue;
        }
        break (tok.position(), tok.line(), records, header, header_line);
    };
    reader.buf.drain(..consumed);
    reader.offset += consumed as u64;

    let field_map = match (&header, opts.match_header) {
        (Some(h), true) => {
            let want = schema.columns.len();
            let bad = |reason: String| {
                Error::input(
                    InputError::new(display_name, header_line, reason)
                        .with_record(h.join(&char::from(d.delimiter).to_string())),
                )
            };
            let m = header::map_header(
                h,
                schema,
                opts.key_column.as_deref(),
                &opts.required_columns,
                opts.array_delimiter,
            )
            .map_err(bad)?;
            if m.is_none() && h.len() != want && !opts.ignore_errors && want > 0 {
                return Err(bad(format!(
                    "expected {want} values per row, but got {}.",
                    h.len()
                )));
            }
            m.map(Arc::new)
        }
        _ => None,
    };
    let ctx = Arc::new(ParseCtx {
        field_map: field_map.clone(),
        dialect: d,
        types: schema.columns.iter().map(|c| c.1.clone()).collect(),
        cast: Arc::new(CastOptions {
            null_strings: opts.null_strings.clone(),
            unbraced_lists: opts.list_unbraced,
        }),
        ignore_errors: opts.ignore_errors,
        refuse_quoted_newlines: opts.refuse_quoted_newlines,
        parallel: opts.parallel,
    });
    let mut asm = Assembler {
        ctx: ctx.clone(),
        display_name,
        names: match &field_map {
            Some(m) => m.names.clone(),
            None => schema.columns.iter().map(|c| c.0.clone()).collect(),
        },
        line_numbers: opts.line_numbers,
        warning_limit: opts.warning_limit,
        max_record_bytes: opts.max_record_bytes.max(opts.chunk_size),
        offset: reader.offset,
        line: lines,
        record: records,
        carry: None,
        skipping: Skip::No,
        rows: 0,
        skipped: 0,
        warnings: Vec::new(),
        progress: opts.progress.clone(),
        on_batch,
    };

    let threads = if opts.parallel { threads.max(1) } else { 1 };
    if threads == 1 {
        while let Some(chunk) = reader.next_chunk()? {
            if let Some(p) = &opts.progress {
                (p.0)(chunk.data.len() as u64, 0);
            }
            asm.accept(&chunk, None)?;
        }
    } else {
        let progress = opts.progress.clone();
        run_parallel(&mut reader, &mut asm, ctx, threads, progress)?;
    }
    if let Some(tail) = asm.carry.take() {
        // Only possible if the last chunk was not marked last; parse what is left as final.
        let chunk = Chunk {
            data: tail,
            offset: asm.offset,
            is_last: true,
        };
        asm.accept(&chunk, None)?;
    }
    Ok(CsvSummary {
        rows: asm.rows,
        bytes,
        skipped_rows: asm.skipped,
        warnings: asm.warnings,
        header,
        dialect,
    })
}

fn run_parallel<F: FnMut(CsvBatch) -> Result<()>>(
    reader: &mut ChunkReader,
    asm: &mut Assembler<'_, F>,
    ctx: Arc<ParseCtx>,
    threads: usize,
    progress: Option<ReadProgress>,
) -> Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start CSV reader threads: {e}")))?;
    type Done = (usize, Arc<Chunk>, Option<ChunkOutput>);
    let (tx, rx) = crossbeam_channel::unbounded::<Done>();
    let max_in_flight = threads + 1;
    let mut submitted = 0usize;
    let mut consumed = 0usize;
    let mut done_reading = false;
    let mut pending: BTreeMap<usize, (Arc<Chunk>, Option<ChunkOutput>)> = BTreeMap::new();
    loop {
        while !done_reading && submitted - consumed < max_in_flight {
            match reader.next_chunk()? {
                Some(chunk) => {
                    if let Some(p) = &progress {
                        (p.0)(chunk.data.len() as u64, 0);
                    }
                    let chunk = Arc::new(chunk);
                    let (tx, ctx, idx) = (tx.clone(), ctx.clone(), submitted);
                    pool.spawn(move || {
                        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            parse_chunk(&chunk.data, chunk.is_last, &ctx, Skip::No)
                        }))
                        .ok();
                        // The receiver is gone only if the read already failed.
                        let _ = tx.send((idx, chunk, out));
                    });
                    submitted += 1;
                }
                None => done_reading = true,
            }
        }
        if consumed == submitted {
            break;
        }
        while !pending.contains_key(&consumed) {
            let (i, chunk, out) = rx
                .recv()
                .map_err(|_| Error::Runtime("a CSV reader thread stopped".into()))?;
            pending.insert(i, (chunk, out));
        }
        if let Some((chunk, out)) = pending.remove(&consumed) {
            let out = out.ok_or_else(|| Error::Runtime("a CSV reader thread panicked".into()))?;
            asm.accept(&chunk, Some(out))?;
        }
        consumed += 1;
    }
    Ok(())
}

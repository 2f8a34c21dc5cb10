//! The CSV record state machine: splits bytes into records and fields, Kuzu's way.
//!
//! Owns: `Tokenizer` (one record per `next_record` call, over one in-memory slice) and the
//! `FieldSink` trait through which fields reach their consumer (typed columns, the dialect
//! sniffer, the header reader). Knows nothing of types, files or threads.
//!
//! Semantics follow Kuzu's CSV reader: a field is quoted only when its first byte is the quote
//! character; a quote inside an unquoted field is literal; after a closing quote only another
//! quote (doubled quote, when the escape character is the quote), a delimiter, `]` (Kuzu
//! treats it like a delimiter there), a newline or the end of the file may follow. `\n`, `\r`
//! and `\r\n` end a record. A record that consists of one empty field is a blank line and is
//! skipped unless the schema has exactly one column. On an error inside a record the rest of
//! the physical line is skipped (not quote-aware, as Kuzu does).

/// Delimiter, quote and escape bytes. `escape == quote` means quotes are escaped by doubling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub quote: u8,
    pub escape: u8,
}

/// Kuzu treats this byte after a closing quote like a delimiter.
const LIST_END: u8 = b']';

pub(crate) const MSG_UNTERMINATED: &str = "unterminated quotes.";
pub(crate) const MSG_AFTER_QUOTE: &str =
    "quote should be followed by end of file, end of value, end of row or another quote.";
pub(crate) const MSG_ESCAPE_EOF: &str = "escape at end of file.";
pub(crate) const MSG_BAD_ESCAPE: &str = "neither QUOTE nor ESCAPE is proceeded by ESCAPE.";
pub(crate) const MSG_QUOTED_NEWLINE: &str = "Quoted newlines are not supported in parallel CSV \
                                             reader. Please specify PARALLEL=FALSE in the options.";

/// Why a field was refused by its sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub reason: String,
    /// The error stops the load even when errors are ignored (Kuzu: invalid UTF-8).
    pub fatal: bool,
}

/// The consumer of fields. `value` is called for every field in order (with quotes and
/// escapes removed); `row` at the end of a non-blank record with the number of fields seen.
pub trait FieldSink {
    fn value(&mut self, col: usize, bytes: &[u8]) -> Result<(), FieldError>;
    /// Returns an error reason if the record is refused (e.g. wrong number of fields).
    fn row(&mut self, fields: usize) -> Result<(), String>;
    /// Called when the current record is abandoned after an error: undo its partial values.
    fn abandon(&mut self) {}
    /// Number of schema columns; a blank line is a NULL row only when this is 1.
    fn columns(&self) -> usize;
}

/// The result of one `next_record` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// No bytes left.
    End,
    /// The record starting at the current position runs past the end of a slice that is not
    /// the end of the file. The tokenizer's position is left at the record's start.
    Incomplete,
    /// A record was accepted by the sink.
    Row(RecordInfo),
    /// A blank line was skipped.
    Blank,
    /// A record was refused; the tokenizer has skipped past it.
    Error(RecordError),
}

/// Where a record lies: byte offsets relative to the slice, `end` excluding the line break;
/// `line` is the 0-based physical line (relative) on which the record starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordInfo {
    pub start: usize,
    pub end: usize,
    pub line: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    pub start: usize,
    pub line: u64,
    /// End of the quoted record text (exclusive).
    pub end: usize,
    /// Kuzu quotes a record that was not read to its end with a trailing `...`.
    pub complete: bool,
    /// 0-based field index where the error happened, if any.
    pub column: Option<usize>,
    pub reason: String,
    pub fatal: bool,
}

pub struct Tokenizer<'a> {
    data: &'a [u8],
    pos: usize,
    line: u64,
    is_last: bool,
    d: Dialect,
    refuse_quoted_newlines: bool,
    scratch: Vec<u8>,
    /// Byte classes for the unquoted state: delimiter or line break.
    plain: [bool; 256],
    /// Byte classes inside quotes: quote, escape or line break.
    quoted: [bool; 256],
    /// Some field started with the quote character (dialect sniffing).
    pub ever_quoted: bool,
    /// Some doubled quote or escape was used correctly (dialect sniffing).
    pub ever_escaped: bool,
    /// Where the error recovery of the last refused record stood when the data ended (a
    /// sequential parse would go on skipping in the next chunk).
    pub skipping_at_end: Skip,
}

/// The state of Kuzu's error recovery (skip to the end of the line, then past all line
/// breaks) at the end of a slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Not skipping.
    No,
    /// Still looking for the line break that ends the bad record.
    Line,
    /// Skipping the line breaks after it.
    Breaks,
}

/// How the current field ended.
enum FieldEnd {
    /// At a delimiter (or `]` after a closing quote) at this index.
    Delimiter(usize),
    /// At a line break at this index.
    Newline(usize),
    /// At the end of the file.
    Eof,
}

impl<'a> Tokenizer<'a> {
    pub fn new(data: &'a [u8], is_last: bool, d: Dialect, refuse_quoted_newlines: bool) -> Self {
        let mut plain = [false; 256];
        plain[d.delimiter as usize] = true;
        plain[b'\n' as usize] = true;
        plain[b'\r' as usize] = true;
        let mut quoted = [false; 256];
        quoted[d.quote as usize] = true;
        quoted[d.escape as usize] = true;
        quoted[b'\n' as usize] = true;
        quoted[b'\r' as usize] = true;
        Tokenizer {
            data,
            pos: 0,
            line: 0,
            is_last,
            d,
            refuse_quoted_newlines,
            scratch: Vec::new(),
            plain,
            quoted,
            ever_quoted: false,
            ever_escaped: false,
            skipping_at_end: Skip::No,
        }
    }

    /// Byte offset of the next unread byte.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// 0-based physical line of the next unread byte.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Counts the line breaks in `data[a..b]` (`\r\n` once, a lone `\r` once).
    fn count_breaks(&self, a: usize, b: usize) -> u64 {
        let mut n = 0;
        let s = &self.data[a..b];
        n += memchr::memchr_iter(b'\n', s).count() as u64;
        for i in memchr::memchr_iter(b'\r', s) {
            if self.data.get(a + i + 1) != Some(&b'\n') {
                n += 1;
            }
        }
        n
    }

    /// Consumes the line break at `i` (`\r\n` as one) and moves to the next byte.
    fn consume_break(&mut self, i: usize) {
        let mut p = i + 1;
        if self.data[i] == b'\r' && self.data.get(p) == Some(&b'\n') {
            p += 1;
        }
        self.line += 1;
        self.pos = p;
    }

    /// Kuzu's recovery after an error: skip to the next line break, then past all
    /// consecutive line-break bytes.
    fn skip_line(&mut self, from: usize) {
        let n = self.data.len();
        let mut p = from.min(n);
        while p < n && self.data[p] != b'\n' && self.data[p] != b'\r' {
            p += 1;
        }
        if p == n {
            self.pos = n;
            self.skipping_at_end = if self.is_last { Skip::No } else { Skip::Line };
            return;
        }
        self.skip_breaks_from(p);
    }

    /// Continues the error recovery of a previous chunk at the start of this one.
    pub fn resume_skip(&mut self, state: Skip) {
        match state {
            Skip::No => {}
            Skip::Line => self.skip_line(self.pos),
            Skip::Breaks => self.skip_breaks_from(self.pos),
        }
    }

    /// Skips line-break bytes from `start`.
    fn skip_breaks_from(&mut self, start: usize) {
        let n = self.data.len();
        let mut p = start;
        while p < n && (self.data[p] == b'\n' || self.data[p] == b'\r') {
            p += 1;
        }
        self.line += self.count_breaks(start, p);
        self.pos = p;
        self.skipping_at_end = if p == n && !self.is_last {
            Skip::Breaks
        } else {
            Skip::No
        };
    }

    /// Parses the next record, feeding its fields to `sink`.
    pub fn next_record<S: FieldSink>(&mut self, sink: &mut S) -> Step {
        let data = self.data;
        let n = data.len();
        let rec_start = self.pos;
        let rec_line = self.line;
        if rec_start >= n {
            return Step::End;
        }
        self.skipping_at_end = Skip::No;
        let mut col = 0usize;
        let mut row_empty = false;
        let mut p = rec_start;
        loop {
            // value_start
            let (field_end, value_is_scratch, vstart, vend, was_quoted) = if data[p] == self.d.quote
            {
                // A quoted field.
                self.ever_quoted = true;
                let vstart = p + 1;
                let mut seg = vstart;
                let mut q = vstart;
                let mut escaped = false;
                let mut inner_breaks = 0u64;
                loop {
                    let found = if self.d.escape == self.d.quote {
                        find_special(data, q, &self.quoted, self.d.quote)
                    } else {
                        data[q..]
                            .iter()
                            .position(|&b| self.quoted[b as usize])
                            .map(|i| q + i)
                    };
                    let Some(i) = found else {
                        if !self.is_last {
                            return self.incomplete(rec_start, rec_line, sink);
                        }
                        self.line += inner_breaks + self.count_breaks(q, n);
                        self.pos = n;
                        sink.abandon();
                        return Step::Error(RecordError {
                            start: rec_start,
                            line: rec_line,
                            end: n,
                            complete: true,
                            column: Some(col),
                            reason: MSG_UNTERMINATED.into(),
                            fatal: false,
                        });
                    };
                    let c = data[i];
                    if c == self.d.quote {
                        // unquote
                        let after = i + 1;
                        if after >= n {
                            if !self.is_last {
                                return self.incomplete(rec_start, rec_line, sink);
                            }
                            if escaped {
                                self.scratch.extend_from_slice(&data[seg..i]);
                            }
                            self.line += inner_breaks;
                            break (FieldEnd::Eof, escaped, vstart, i, true);
                        }
                        let nc = data[after];
                        if nc == self.d.quote && self.d.escape == self.d.quote {
                            // Doubled quote: keep the first, drop the second.
                            self.ever_escaped = true;
                            if !escaped {
                                self.scratch.clear();
                                escaped = true;
                            }
                            self.scratch.extend_from_slice(&data[seg..after]);
                            seg = after + 1;
                            q = after + 1;
                            continue;
                        }
                        if escaped {
                            self.scratch.extend_from_slice(&data[seg..i]);
                        }
                        self.line += inner_breaks;
                        if nc == self.d.delimiter || nc == LIST_END {
                            break (FieldEnd::Delimiter(after), escaped, vstart, i, true);
                        } else if nc == b'\n' || nc == b'\r' {
                            break (FieldEnd::Newline(after), escaped, vstart, i, true);
                        }
                        sink.abandon();
                        self.skip_line(after);
                        return Step::Error(RecordError {
                            start: rec_start,
                            line: rec_line,
                            end: after,
                            complete: false,
                            column: Some(col),
                            reason: MSG_AFTER_QUOTE.into(),
                            fatal: false,
                        });
                    } else if c == self.d.escape {
                        let e = i + 1;
                        if e >= n {
                            if !self.is_last {
                                return self.incomplete(rec_start, rec_line, sink);
                            }
                            self.line += inner_breaks;
                            self.pos = n;
                            sink.abandon();
                            return Step::Error(RecordError {
                                start: rec_start,
                                line: rec_line,
                                end: n,
                                complete: true,
                                column: Some(col),
                                reason: MSG_ESCAPE_EOF.into(),
                                fatal: false,
                            });
                        }
                        let ec = data[e];
                        if ec != self.d.quote && ec != self.d.escape {
                            self.line += inner_breaks;
                            sink.abandon();
                            self.skip_line(e + 1);
                            return Step::Error(RecordError {
                                start: rec_start,
                                line: rec_line,
                                end: e + 1,
                                complete: false,
                                column: Some(col),
                                reason: MSG_BAD_ESCAPE.into(),
                                fatal: false,
                            });
                        }
                        self.ever_escaped = true;
                        if !escaped {
                            self.scratch.clear();
                            escaped = true;
                        }
                        self.scratch.extend_from_slice(&data[seg..i]);
                        seg = e;
                        q = e + 1;
                    } else {
                        // A line break inside quotes.
                        if self.refuse_quoted_newlines {
                            self.line += inner_breaks;
                            sink.abandon();
                            self.skip_line(i);
                            return Step::Error(RecordError {
                                start: rec_start,
                                line: rec_line,
                                end: i,
                                complete: true,
                                column: Some(col),
                                reason: MSG_QUOTED_NEWLINE.into(),
                                fatal: false,
                            });
                        }
                        if c == b'\n' || data.get(i + 1) != Some(&b'\n') {
                            inner_breaks += 1;
                        }
                        q = i + 1;
                    }
                }
            } else {
                // An unquoted field.
                let found = find_special(data, p, &self.plain, self.d.delimiter);
                match found {
                    None => {
                        if !self.is_last {
                            return self.incomplete(rec_start, rec_line, sink);
                        }
                        (FieldEnd::Eof, false, p, n, false)
                    }
                    Some(i) if data[i] == self.d.delimiter => {
                        (FieldEnd::Delimiter(i), false, p, i, false)
                    }
                    Some(i) => (FieldEnd::Newline(i), false, p, i, false),
                }
            };

            // add_value
            let value: &[u8] = if value_is_scratch {
                &self.scratch
            } else {
                &data[vstart..vend]
            };
            // Kuzu does not add an empty unquoted last value at the end of the file.
            let skip_value = matches!(field_end, FieldEnd::Eof) && !was_quoted && vend == vstart;
            if !skip_value {
                row_empty = value.is_empty() && col == 0;
                if let Err(e) = sink.value(col, value) {
                    sink.abandon();
                    let (end, complete) = match field_end {
                        FieldEnd::Delimiter(i) => (i, false),
                        FieldEnd::Newline(i) => (i, true),
                        FieldEnd::Eof => (n, true),
                    };
                    match field_end {
                        FieldEnd::Eof => self.pos = n,
                        _ => self.skip_line(end),
                    }
                    return Step::Error(RecordError {
                        start: rec_start,
                        line: rec_line,
                        end,
                        complete,
                        column: Some(col),
                        reason: e.reason,
                        fatal: e.fatal,
                    });
                }
                col += 1;
            }
            match field_end {
                FieldEnd::Delimiter(i) => {
                    p = i + 1;
                    if p >= n {
                        if !self.is_last {
                            return self.incomplete(rec_start, rec_line, sink);
                        }
                        self.pos = n;
                        return self.finish_row(sink, col, row_empty, rec_start, n, rec_line);
                    }
                }
                FieldEnd::Newline(i) => {
                    self.consume_break(i);
                    return self.finish_row(sink, col, row_empty, rec_start, i, rec_line);
                }
                FieldEnd::Eof => {
                    self.pos = n;
                    if col == 0 {
                        return Step::End;
                    }
                    return self.finish_row(sink, col, row_empty, rec_start, n, rec_line);
                }
            }
        }
    }

    fn incomplete<S: FieldSink>(&mut self, start: usize, line: u64, sink: &mut S) -> Step {
        sink.abandon();
        self.pos = start;
        self.line = line;
        Step::Incomplete
    }

    fn finish_row<S: FieldSink>(
        &mut self,
        sink: &mut S,
        fields: usize,
        row_empty: bool,
        start: usize,
        end: usize,
        line: u64,
    ) -> Step {
        if row_empty && sink.columns() != 1 {
            sink.abandon();
            return Step::Blank;
        }
        match sink.row(fields) {
            Ok(()) => Step::Row(RecordInfo { start, end, line }),
            Err(reason) => {
                sink.abandon();
                Step::Error(RecordError {
                    start,
                    line,
                    end,
                    complete: true,
                    column: None,
                    reason,
                    fatal: false,
                })
            }
        }
    }
}

/// The first index `>= from` whose byte is set in `table`, where `table` holds exactly `c`,
/// `\n` and `\r`. Short fields are scanned byte by byte; past 16 bytes the rest is searched
/// with SIMD `memchr3` (long text fields).
#[inline]
fn find_special(data: &[u8], from: usize, table: &[bool; 256], c: u8) -> Option<usize> {
    let head_end = data.len().min(from + 16);
    if let Some(i) = data[from..head_end].iter().position(|&b| table[b as usize]) {
        return Some(from + i);
    }
    memchr::memchr3(c, b'\n', b'\r', &data[head_end..]).map(|i| head_end + i)
}

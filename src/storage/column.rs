//! Column chunks: the on-disk form of a run of values of one type (one property of one node
//! group, or one CSR array of one group).
//!
//! Owns: `ChunkMeta` (where a chunk's pages are, how it is encoded, its zone map), encoding a
//! `Column` into pages (`encode_chunk`, into a `RunSink` whose pages are placed in the file
//! afterwards, so chunks can be encoded in parallel and written in a deterministic order), and
//! reading ranges back through the buffer pool (`scan`). Encodings: integers (and booleans,
//! dates, timestamps) with frame of reference + bit-packing, constant when all values are
//! equal; floats, 128-bit values and intervals plain; strings as offsets (a nested integer
//! chunk) plus a byte stream; lists as offsets plus a child chunk; structs as child chunks;
//! a chunk whose rows all hold one value (any type) as that value's one-row chunk; a chunk
//! made of consecutive parts, each a chunk of its own (a CSR group's arrays, one part per run
//! of bound nodes, so a checkpoint rewrites only the parts whose nodes' rels changed).
//! NULLs are a separate bitmap, present only when the chunk has NULLs but not only NULLs (an
//! all-NULL chunk, e.g. a property added without a default, has no bitmap pages).

use super::buffer::BufferPool;
use super::page::{Decoder, Encoder, PageKind, PAGE_PAYLOAD};
use crate::error::{Error, Result};
use crate::types::vector::{Column, ColumnData};
use crate::types::{Interval, LogicalType};

/// A run of consecutive pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageRun {
    pub first: u64,
    pub count: u64,
}

/// Min and max of a chunk's non-null values, for skipping chunks in scans.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stats {
    None,
    Int { min: i128, max: i128 },
    Float { min: f64, max: f64 },
}

/// How fixed-width values are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// value = base + delta; deltas of `width` bits (0 = constant, no pages; 64 = plain u64).
    ForBitpack { base: i128, width: u8 },
    /// Raw little-endian values of `width` bytes (4, 8 or 16).
    Plain { width: u8 },
    /// Floats that are decimals with `exp` digits after the point: value =
    /// (base + delta) / 10^exp, deltas bit-packed as in `ForBitpack`.
    Decimal { base: i128, width: u8, exp: u8 },
}

impl Encoding {
    /// The integer encoding underneath (for `Decimal`, its frame of reference).
    fn int_part(self) -> Encoding {
        match self {
            Encoding::Decimal { base, width, .. } => Encoding::ForBitpack { base, width },
            e => e,
        }
    }
}

const POW10: [f64; 16] = [
    1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The smallest number of decimal digits with which every non-null value round-trips
/// exactly through an integer (`x / 10^e == v`, bit for bit), if there is one.
fn decimal_exponent(v: &[f64], col: &Column) -> Option<u8> {
    'e: for (e, &p) in POW10.iter().enumerate() {
        for (i, &x) in v.iter().enumerate() {
            if col.nulls.is_null(i) {
                continue;
            }
            let m = (x * p).round();
            if m.is_nan() || m.abs() >= 9.0e15 || m / p != x || (x == 0.0 && x.is_sign_negative()) {
                continue 'e;
            }
        }
        return Some(e as u8);
    }
    None
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChunkBody {
    Fixed {
        enc: Encoding,
        data: PageRun,
        stats: Stats,
    },
    /// Byte strings: `offsets` holds `num_values + 1` integers into the byte stream.
    Bytes {
        offsets: Box<ChunkMeta>,
        data: PageRun,
        byte_len: u64,
    },
    List {
        offsets: Box<ChunkMeta>,
        child: Box<ChunkMeta>,
    },
    Struct {
        children: Vec<ChunkMeta>,
    },
    /// Every row holds the one (non-NULL) value of `one`, a chunk of a single row (a
    /// property added with a DEFAULT): a few pages per chunk whatever its length.
    Constant {
        one: Box<ChunkMeta>,
    },
    /// Rows are the rows of `parts` in order: each part a chunk of its own (not itself in
    /// parts), with its own encoding, statistics and NULLs. Only a top-level chunk (a
    /// property's or a CSR array's) is in parts; its null count is the parts' sum and it has
    /// no bitmap of its own.
    Parts {
        parts: Vec<ChunkMeta>,
    },
}

/// Where and how one chunk is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkMeta {
    pub num_values: u64,
    pub null_count: u64,
    /// Null bitmap pages (count 0 when the chunk has no NULLs).
    pub nulls: PageRun,
    pub body: ChunkBody,
}

/// The most values any page holds (bit-packed deltas of width 1). A chunk of distinct values
/// (a primary key, rel ids) of n > 1 values has at least ceil(n / this) pages.
pub const MAX_VALUES_PER_PAGE: u64 = ((PAGE_PAYLOAD - 8) * 8) as u64;

/// Largest bit width packed; wider deltas are stored as plain u64.
const MAX_PACKED: u8 = 56;
const NULL_BITS_PER_PAGE: u64 = PAGE_PAYLOAD as u64 * 8;

fn values_per_page(width: u8) -> u64 {
    if width >= 64 {
        (PAGE_PAYLOAD / 8) as u64
    } else {
        ((PAGE_PAYLOAD - 8) * 8) as u64 / width as u64
    }
}

/// Pages produced by encoding, numbered from 0 until they are placed in the file.
#[derive(Default)]
pub struct RunSink {
    pub runs: Vec<(PageKind, PageRun, Vec<u8>)>,
    next: u64,
}

impl RunSink {
    pub fn new() -> Self {
        Self::default()
    }

    /// Pages used so far.
    pub fn page_count(&self) -> u64 {
        self.next
    }

    fn put(&mut self, kind: PageKind, bytes: Vec<u8>) -> PageRun {
        let count = bytes.len().div_ceil(PAGE_PAYLOAD) as u64;
        let run = PageRun {
            first: self.next,
            count,
        };
        self.next += count;
        if count > 0 {
            self.runs.push((kind, run, bytes));
        }
        run
    }
}

impl ChunkMeta {
    /// Moves every page reference by `delta` (placing sink-relative pages in the file).
    pub fn shift(&mut self, delta: u64) {
        if self.nulls.count > 0 {
            self.nulls.first += delta;
        }
        match &mut self.body {
            ChunkBody::Fixed { data, .. } => {
                if data.count > 0 {
                    data.first += delta
                }
            }
            ChunkBody::Bytes { offsets, data, .. } => {
                offsets.shift(delta);
                if data.count > 0 {
                    data.first += delta;
                }
            }
            ChunkBody::List { offsets, child } => {
                offsets.shift(delta);
                child.shift(delta);
            }
            ChunkBody::Struct { children } => children.iter_mut().for_each(|c| c.shift(delta)),
            ChunkBody::Constant { one } => one.shift(delta),
            ChunkBody::Parts { parts } => parts.iter_mut().for_each(|c| c.shift(delta)),
        }
    }

    /// Every page run of the chunk with its kind.
    pub fn runs(&self, out: &mut Vec<(PageKind, PageRun)>) {
        if self.nulls.count > 0 {
            out.push((PageKind::Nulls, self.nulls));
        }
        match &self.body {
            ChunkBody::Fixed { data, .. } => {
                if data.count > 0 {
                    out.push((PageKind::Column, *data));
                }
            }
            ChunkBody::Bytes { offsets, data, .. } => {
                offsets.runs(out);
                if data.count > 0 {
                    out.push((PageKind::Bytes, *data));
                }
            }
            ChunkBody::List { offsets, child } => {
                offsets.runs(out);
                child.runs(out);
            }
            ChunkBody::Struct { children } => children.iter().for_each(|c| c.runs(out)),
            ChunkBody::Constant { one } => one.runs(out),
            ChunkBody::Parts { parts } => parts.iter().for_each(|c| c.runs(out)),
        }
    }

    pub fn stats(&self) -> Stats {
        match &self.body {
            ChunkBody::Fixed { stats, .. } => *stats,
            ChunkBody::Constant { one } => one.stats(),
            ChunkBody::Parts { parts } => {
                // The union over the parts that hold a non-NULL value.
                let mut acc: Option<Stats> = None;
                for p in parts.iter().filter(|p| p.null_count < p.num_values) {
                    acc = Some(match (acc, p.stats()) {
                        (_, Stats::None) => return Stats::None,
                        (None, st) => st,
                        (Some(Stats::Int { min, max }), Stats::Int { min: a, max: b }) => {
                            Stats::Int {
                                min: min.min(a),
                                max: max.max(b),
                            }
                        }
                        (Some(Stats::Float { min, max }), Stats::Float { min: a, max: b }) => {
                            Stats::Float {
                                min: min.min(a),
                                max: max.max(b),
                            }
                        }
                        _ => return Stats::None,
                    });
                }
                acc.unwrap_or(Stats::None)
            }
            _ => Stats::None,
        }
    }

    /// A chunk made of `parts` in order (the one part itself when there is one). Parts must
    /// not be in parts themselves.
    pub fn from_parts(mut parts: Vec<ChunkMeta>) -> ChunkMeta {
        if parts.len() == 1 {
            if let Some(p) = parts.pop() {
                return p;
            }
        }
        ChunkMeta {
            num_values: parts.iter().map(|p| p.num_values).sum(),
            null_count: parts.iter().map(|p| p.null_count).sum(),
            nulls: PageRun::default(),
            body: ChunkBody::Parts { parts },
        }
    }

    /// The chunk's parts: its `Parts`, or itself as the one part.
    pub fn parts(&self) -> &[ChunkMeta] {
        match &self.body {
            ChunkBody::Parts { parts } => parts,
            _ => std::slice::from_ref(self),
        }
    }

    /// The same integer values plus `delta`, on the same pages: a frame-of-reference chunk
    /// (or parts of them) moves its base. `None` for other encodings or on overflow. (A CSR
    /// group's offsets after the node whose rels changed are the old ones moved by the
    /// change in rel count: their pages are kept.)
    pub fn add_to_ints(&self, delta: i128) -> Option<ChunkMeta> {
        let body = match &self.body {
            ChunkBody::Fixed {
                enc: Encoding::ForBitpack { base, width },
                data,
                stats,
            } => ChunkBody::Fixed {
                enc: Encoding::ForBitpack {
                    base: base.checked_add(delta)?,
                    width: *width,
                },
                data: *data,
                stats: match *stats {
                    Stats::Int { min, max } => Stats::Int {
                        min: min.checked_add(delta)?,
                        max: max.checked_add(delta)?,
                    },
                    st => st,
                },
            },
            ChunkBody::Parts { parts } => ChunkBody::Parts {
                parts: parts
                    .iter()
                    .map(|p| p.add_to_ints(delta))
                    .collect::<Option<Vec<_>>>()?,
            },
            _ => return None,
        };
        Some(ChunkMeta {
            body,
            ..self.clone()
        })
    }

    pub fn encode(&self, e: &mut Encoder) {
        e.u64(self.num_values);
        e.u64(self.null_count);
        e.u64(self.nulls.first);
        e.u64(self.nulls.count);
        match &self.body {
            ChunkBody::Fixed { enc, data, stats } => {
                e.u8(1);
                match enc {
                    Encoding::ForBitpack { base, width } => {
                        e.u8(1);
                        e.i128(*base);
                        e.u8(*width);
                    }
                    Encoding::Plain { width } => {
                        e.u8(2);
                        e.u8(*width);
                    }
                    Encoding::Decimal { base, width, exp } => {
                        e.u8(3);
                        e.i128(*base);
                        e.u8(*width);
                        e.u8(*exp);
                    }
                }
                e.u64(data.first);
                e.u64(data.count);
                match stats {
                    Stats::None => e.u8(0),
                    Stats::Int { min, max } => {
                        e.u8(1);
                        e.i128(*min);
                        e.i128(*max);
                    }
                    Stats::Float { min, max } => {
                        e.u8(2);
                        e.u64(min.to_bits());
                        e.u64(max.to_bits());
                    }
                }
            }
            ChunkBody::Bytes {
                offsets,
                data,
                byte_len,
            } => {
                e.u8(2);
                offsets.encode(e);
                e.u64(data.first);
                e.u64(data.count);
                e.u64(*byte_len);
            }
            ChunkBody::List { offsets, child } => {
                e.u8(3);
                offsets.encode(e);
                child.encode(e);
            }
            ChunkBody::Struct { children } => {
                e.u8(4);
                e.u32(children.len() as u32);
                children.iter().for_each(|c| c.encode(e));
            }
            ChunkBody::Constant { one } => {
                e.u8(5);
                one.encode(e);
            }
            ChunkBody::Parts { parts } => {
                e.u8(6);
                e.u32(parts.len() as u32);
                parts.iter().for_each(|c| c.encode(e));
            }
        }
    }

    /// Pages the chunk's runs cover.
    pub fn page_count(&self) -> u64 {
        let mut runs = Vec::new();
        self.runs(&mut runs);
        runs.iter().map(|(_, r)| r.count).sum()
    }

    /// Decodes a chunk of a file of `file_pages` pages: every page run must lie inside the
    /// file (pages 1..file_pages) and every count agree with the others, in checked
    /// arithmetic, so that no size read from the file can overflow or ask for memory the
    /// file's pages cannot back (except what a constant chunk legitimately repeats).
    pub fn decode(d: &mut Decoder, file_pages: u64) -> Result<ChunkMeta> {
        Self::decode_depth(d, 0, true, file_pages)
    }

    fn read_run(d: &mut Decoder, file_pages: u64) -> Result<PageRun> {
        let run = PageRun {
            first: d.u64()?,
            count: d.u64()?,
        };
        if run.count > 0
            && (run.first == 0
                || run
                    .first
                    .checked_add(run.count)
                    .is_none_or(|e| e > file_pages))
        {
            return Err(d.bad("page run outside the file"));
        }
        Ok(run)
    }

    /// `top`: a property's or CSR array's chunk, or a part of one (may be constant).
    fn decode_depth(d: &mut Decoder, depth: u32, top: bool, file_pages: u64) -> Result<ChunkMeta> {
        if depth > 64 {
            return Err(d.bad("chunk nesting too deep"));
        }
        let num_values = d.u64()?;
        let null_count = d.u64()?;
        let nulls = Self::read_run(d, file_pages)?;
        let tag = d.u8()?;
        // An all-NULL chunk has no bitmap pages; a chunk in parts has none of its own.
        let all_null = null_count == num_values && nulls.count == 0;
        if null_count > num_values
            || (tag == 6 && nulls.count != 0)
            || (tag != 6
                && null_count > 0
                && !all_null
                && nulls.count != num_values.div_ceil(NULL_BITS_PER_PAGE))
        {
            return Err(d.bad("null bitmap does not match the value count"));
        }
        let body = match tag {
            1 => {
                let enc = match d.u8()? {
                    1 => {
                        let base = d.i128()?;
                        let width = d.u8()?;
                        if width > MAX_PACKED && width != 64 {
                            return Err(d.bad("bad bit width"));
                        }
                        Encoding::ForBitpack { base, width }
                    }
                    2 => {
                        let width = d.u8()?;
                        if !matches!(width, 4 | 8 | 16) {
                            return Err(d.bad("bad plain width"));
                        }
                        Encoding::Plain { width }
                    }
                    3 => {
                        let base = d.i128()?;
                        let width = d.u8()?;
                        let exp = d.u8()?;
                        if (width > MAX_PACKED && width != 64) || exp as usize >= POW10.len() {
                            return Err(d.bad("bad decimal encoding"));
                        }
                        Encoding::Decimal { base, width, exp }
                    }
                    _ => return Err(d.bad("unknown encoding")),
                };
                let data = Self::read_run(d, file_pages)?;
                let need = match enc {
                    Encoding::ForBitpack { width: 0, .. } | Encoding::Decimal { width: 0, .. } => 0,
                    Encoding::ForBitpack { width, .. } | Encoding::Decimal { width, .. } => {
                        num_values.div_ceil(values_per_page(width))
                    }
                    Encoding::Plain { width } => {
                        num_values.div_ceil((PAGE_PAYLOAD / width as usize) as u64)
                    }
                };
                if data.count != need {
                    return Err(d.bad("data pages do not match the value count"));
                }
                let stats = match d.u8()? {
                    0 => Stats::None,
                    1 => Stats::Int {
                        min: d.i128()?,
                        max: d.i128()?,
                    },
                    2 => Stats::Float {
                        min: f64::from_bits(d.u64()?),
                        max: f64::from_bits(d.u64()?),
                    },
                    _ => return Err(d.bad("unknown stats tag")),
                };
                ChunkBody::Fixed { enc, data, stats }
            }
            2 => {
                let offsets = Box::new(Self::decode_depth(d, depth + 1, false, file_pages)?);
                let data = Self::read_run(d, file_pages)?;
                let byte_len = d.u64()?;
                if num_values.checked_add(1) != Some(offsets.num_values)
                    || data.count != byte_len.div_ceil(PAGE_PAYLOAD as u64)
                {
                    return Err(d.bad("string chunk sizes disagree"));
                }
                ChunkBody::Bytes {
                    offsets,
                    data,
                    byte_len,
                }
            }
            3 => {
                let offsets = Box::new(Self::decode_depth(d, depth + 1, false, file_pages)?);
                let child = Box::new(Self::decode_depth(d, depth + 1, false, file_pages)?);
                if num_values.checked_add(1) != Some(offsets.num_values) {
                    return Err(d.bad("list chunk sizes disagree"));
                }
                ChunkBody::List { offsets, child }
            }
            4 => {
                let n = d.u32()? as usize;
                let mut children = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    let c = Self::decode_depth(d, depth + 1, false, file_pages)?;
                    if c.num_values != num_values {
                        return Err(d.bad("struct field chunk sizes disagree"));
                    }
                    children.push(c);
                }
                ChunkBody::Struct { children }
            }
            5 => {
                // Only a property chunk (a node group's or a CSR group's, or a part of one) is
                // constant, never a chunk inside another: the row counts of those are bounded
                // by the group.
                if !top {
                    return Err(d.bad("constant chunk inside another chunk"));
                }
                let one = Box::new(Self::decode_depth(d, depth + 1, false, file_pages)?);
                if one.num_values != 1 || one.null_count != 0 || null_count != 0 {
                    return Err(d.bad("constant chunk is not one non-NULL value"));
                }
                ChunkBody::Constant { one }
            }
            6 => {
                // Parts: only of a top-level chunk, never nested. Every part costs metadata
                // bytes, so their number is bounded by the blob's length.
                if depth > 0 {
                    return Err(d.bad("chunk parts inside another chunk"));
                }
                let n = d.u32()? as usize;
                let mut parts = Vec::with_capacity(n.min(d.remaining() / 48));
                let (mut values, mut nulls) = (0u64, 0u64);
                for _ in 0..n {
                    let c = Self::decode_depth(d, depth + 1, true, file_pages)?;
                    if matches!(c.body, ChunkBody::Parts { .. }) {
                        return Err(d.bad("chunk parts inside another chunk"));
                    }
                    values = values
                        .checked_add(c.num_values)
                        .ok_or_else(|| d.bad("chunk parts overflow"))?;
                    nulls += c.null_count;
                    parts.push(c);
                }
                if n < 2 || values != num_values || nulls != null_count {
                    return Err(d.bad("chunk parts disagree with their chunk"));
                }
                ChunkBody::Parts { parts }
            }
            _ => return Err(d.bad("unknown chunk body tag")),
        };
        Ok(ChunkMeta {
            num_values,
            null_count,
            nulls,
            body,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Encoding

fn encode_nulls(col: &Column, sink: &mut RunSink) -> PageRun {
    // No bitmap without NULLs, nor when every value is NULL (`null_count` says so).
    if col.null_count() == 0 || col.null_count() == col.len() {
        return PageRun::default();
    }
    let n = col.len() as u64;
    let pages = n.div_ceil(NULL_BITS_PER_PAGE) as usize;
    let mut bytes = vec![0u8; pages * PAGE_PAYLOAD];
    for i in 0..col.len() {
        if col.nulls.is_null(i) {
            let p = i as u64 / NULL_BITS_PER_PAGE;
            let bit = i as u64 % NULL_BITS_PER_PAGE;
            bytes[p as usize * PAGE_PAYLOAD + (bit / 8) as usize] |= 1 << (bit % 8);
        }
    }
    sink.put(PageKind::Nulls, bytes)
}

/// Frame-of-reference bit-packing of integers; `nulls` rows are excluded from min/max. The
/// values are walked twice (min/max, then packing), so no copy of them is made.
fn encode_ints(
    vals: impl Iterator<Item = i128> + Clone,
    n: usize,
    col: &Column,
    sink: &mut RunSink,
) -> ChunkBody {
    let (mut min, mut max) = (i128::MAX, i128::MIN);
    let has_nulls = col.null_count() > 0;
    for (i, x) in vals.clone().enumerate() {
        if !has_nulls || !col.nulls.is_null(i) {
            min = min.min(x);
            max = max.max(x);
        }
    }
    if min > max {
        // All NULL (or empty).
        min = 0;
        max = 0;
    }
    let range = (max - min) as u128;
    let width = if range == 0 {
        0
    } else {
        let w = 128 - range.leading_zeros() as u8;
        if w > MAX_PACKED {
            64
        } else {
            w
        }
    };
    let stats = if col.len() > col.null_count() {
        Stats::Int { min, max }
    } else {
        Stats::None
    };
    let enc = Encoding::ForBitpack { base: min, width };
    if width == 0 {
        return ChunkBody::Fixed {
            enc,
            data: PageRun::default(),
            stats,
        };
    }
    // NULL rows hold an arbitrary default; they are stored as the base.
    let mut deltas = vals.enumerate().map(|(i, x)| {
        if has_nulls && col.nulls.is_null(i) {
            0u64
        } else {
            (x - min) as u64
        }
    });
    let vpp = values_per_page(width) as usize;
    let pages = n.div_ceil(vpp);
    let mut bytes = vec![0u8; pages * PAGE_PAYLOAD];
    for (p, page) in bytes.chunks_exact_mut(PAGE_PAYLOAD).enumerate() {
        let cnt = vpp.min(n - p * vpp);
        if width == 64 {
            for (j, d) in deltas.by_ref().take(cnt).enumerate() {
                page[j * 8..j * 8 + 8].copy_from_slice(&d.to_le_bytes());
            }
            continue;
        }
        // Value j of the page at bit j * width, least significant bit first.
        let (mut acc, mut bits, mut at) = (0u128, 0u32, 0usize);
        for d in deltas.by_ref().take(cnt) {
            acc |= (d as u128) << bits;
            bits += width as u32;
            if bits >= 64 {
                page[at..at + 8].copy_from_slice(&(acc as u64).to_le_bytes());
                at += 8;
                acc >>= 64;
                bits -= 64;
            }
        }
        let rest = bits.div_ceil(8) as usize;
        page[at..at + rest].copy_from_slice(&acc.to_le_bytes()[..rest]);
    }
    ChunkBody::Fixed {
        enc,
        data: sink.put(PageKind::Column, bytes),
        stats,
    }
}

fn encode_plain(raw: Vec<u8>, width: u8, n: usize, stats: Stats, sink: &mut RunSink) -> ChunkBody {
    let vpp = PAGE_PAYLOAD / width as usize;
    let pages = n.div_ceil(vpp);
    let mut bytes = vec![0u8; pages * PAGE_PAYLOAD];
    let w = width as usize;
    for i in 0..n {
        let at = (i / vpp) * PAGE_PAYLOAD + (i % vpp) * w;
        bytes[at..at + w].copy_from_slice(&raw[i * w..i * w + w]);
    }
    ChunkBody::Fixed {
        enc: Encoding::Plain { width },
        data: sink.put(PageKind::Column, bytes),
        stats,
    }
}

fn float_stats(vals: impl Iterator<Item = f64>, col: &Column) -> Stats {
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut any = false;
    for (i, x) in vals.enumerate() {
        if !col.nulls.is_null(i) && !x.is_nan() {
            min = min.min(x);
            max = max.max(x);
            any = true;
        }
    }
    if any {
        Stats::Float { min, max }
    } else {
        Stats::None
    }
}

fn offsets_column(offsets: &[u64]) -> Column {
    let mut c = Column::with_capacity(LogicalType::UInt64, offsets.len());
    if let ColumnData::UInt64(v) = &mut c.data {
        v.extend_from_slice(offsets);
    }
    c.nulls.resize(offsets.len());
    c
}

/// A chunk of `rows` rows that all hold the first value of `value` (one non-NULL row).
pub fn encode_constant(value: &Column, rows: u64, sink: &mut RunSink) -> ChunkMeta {
    ChunkMeta {
        num_values: rows,
        null_count: 0,
        nulls: PageRun::default(),
        body: ChunkBody::Constant {
            one: Box::new(encode_chunk(value, sink)),
        },
    }
}

/// Encodes a whole column into pages of `sink`.
pub fn encode_chunk(col: &Column, sink: &mut RunSink) -> ChunkMeta {
    let n = col.len();
    let nulls = encode_nulls(col, sink);
    let body = match &col.data {
        ColumnData::Bool(v) => encode_ints(v.iter().map(|&x| x as i128), n, col, sink),
        ColumnData::Int8(v) => encode_ints(v.iter().map(|&x| x as i128), n, col, sink),
        ColumnData::Int16(v) => encode_ints(v.iter().map(|&x| x as i128), n, col, sink),
        ColumnData::Int32(v) => encode_ints(v.iter().map(|&x| x as i128), n, col, sink),
        ColumnData::Int64(v) => encode_ints(v.iter().map(|&x| x as i128), n, col, sink),
        ColumnData::UInt8(v) => encode_ints(v.iter().map(|&x| x as i128), n, col, sink),
        ColumnData::UInt16(v) => encode_ints(v.iter().map(|&x| x as i128), n, col, sink),
        ColumnData::UInt32(v) => encode_ints(v.iter().map(|&x| x as i128), n, col, sink),
        ColumnData::UInt64(v) => encode_ints(v.iter().map(|&x| x as i128), n, col, sink),
        ColumnData::Int128(v) => {
            let raw: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
            encode_plain(raw, 16, n, Stats::None, sink)
        }
        ColumnData::Float(v) => {
            let raw: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
            let stats = float_stats(v.iter().map(|&x| x as f64), col);
            encode_plain(raw, 4, n, stats, sink)
        }
        ColumnData::Double(v) => {
            let stats = float_stats(v.iter().copied(), col);
            match decimal_exponent(v, col) {
                Some(exp) => {
                    let p = POW10[exp as usize];
                    // |m| < 9e15 (`decimal_exponent`): i64 holds every m.
                    let m: Vec<i64> = v
                        .iter()
                        .map(|&x| {
                            if x.is_finite() {
                                (x * p).round() as i64
                            } else {
                                0
                            }
                        })
                        .collect();
                    let body = encode_ints(m.iter().map(|&x| x as i128), n, col, sink);
                    match body {
                        ChunkBody::Fixed {
                            enc: Encoding::ForBitpack { base, width },
                            data,
                            ..
                        } => ChunkBody::Fixed {
                            enc: Encoding::Decimal { base, width, exp },
                            data,
                            stats,
                        },
                        other => other,
                    }
                }
                None => {
                    let raw: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                    encode_plain(raw, 8, n, stats, sink)
                }
            }
        }
        ColumnData::Interval(v) => {
            let raw: Vec<u8> = v
                .iter()
                .flat_map(|x| {
                    let mut b = [0u8; 16];
                    b[..4].copy_from_slice(&x.months.to_le_bytes());
                    b[4..8].copy_from_slice(&x.days.to_le_bytes());
                    b[8..].copy_from_slice(&x.micros.to_le_bytes());
                    b
                })
                .collect();
            encode_plain(raw, 16, n, Stats::None, sink)
        }
        ColumnData::String(s) => {
            let offsets = Box::new(encode_chunk(&offsets_column(&s.offsets), sink));
            let byte_len = s.bytes.len() as u64;
            let data = sink.put(PageKind::Bytes, s.bytes.clone());
            ChunkBody::Bytes {
                offsets,
                data,
                byte_len,
            }
        }
        ColumnData::List { offsets, child } => ChunkBody::List {
            offsets: Box::new(encode_chunk(&offsets_column(offsets), sink)),
            child: Box::new(encode_chunk(child, sink)),
        },
        ColumnData::Struct(children) => ChunkBody::Struct {
            children: children.iter().map(|c| encode_chunk(c, sink)).collect(),
        },
    };
    ChunkMeta {
        num_values: n as u64,
        null_count: col.null_count() as u64,
        nulls,
        body,
    }
}

// ---------------------------------------------------------------------------------------
// Reading

fn read_null_bits(
    pool: &BufferPool,
    run: PageRun,
    start: u64,
    count: usize,
    out: &mut Column,
) -> Result<()> {
    let mut i = 0usize;
    while i < count {
        let row = start + i as u64;
        let p = row / NULL_BITS_PER_PAGE;
        let page = pool.pin(run.first + p, PageKind::Nulls)?;
        let end_in_page = ((p + 1) * NULL_BITS_PER_PAGE - start) as usize;
        let take = count.min(end_in_page) - i;
        let bit = ((start + i as u64) % NULL_BITS_PER_PAGE) as usize;
        out.nulls.append_bits(&page[..], bit, take);
        i += take;
    }
    Ok(())
}

/// Decodes deltas (or raw plain words) of rows `start..start+count` and hands them to `f`
/// page by page.
fn for_each_word(
    pool: &BufferPool,
    enc: Encoding,
    data: PageRun,
    start: u64,
    count: usize,
    mut f: impl FnMut(&[u8], usize, usize, u8) -> Result<()>,
) -> Result<()> {
    let (vpp, width) = match enc {
        Encoding::ForBitpack { width, .. } | Encoding::Decimal { width, .. } => {
            (values_per_page(width), width)
        }
        Encoding::Plain { width } => ((PAGE_PAYLOAD / width as usize) as u64, width * 8),
    };
    let mut i = 0usize;
    while i < count {
        let row = start + i as u64;
        let p = row / vpp;
        if p >= data.count {
            return Err(Error::corrupted(
                Some(data.first),
                "chunk read past its pages",
            ));
        }
        let page = pool.pin(data.first + p, PageKind::Column)?;
        let j = (row % vpp) as usize;
        let take = ((vpp as usize) - j).min(count - i);
        f(&page, j, take, width)?;
        i += take;
    }
    Ok(())
}

#[inline]
fn unpack(page: &[u8], j: usize, width: u8) -> u64 {
    if width == 64 {
        let at = j * 8;
        u64::from_le_bytes(page[at..at + 8].try_into().unwrap_or([0; 8]))
    } else {
        let bit = j * width as usize;
        let at = bit / 8;
        let word = u64::from_le_bytes(page[at..at + 8].try_into().unwrap_or([0; 8]));
        (word >> (bit % 8)) & ((1u64 << width) - 1)
    }
}

/// The error of a read too large for the memory the system will give.
fn too_large(pool: &BufferPool, bytes: u64) -> Error {
    Error::OutOfMemory {
        requested: bytes,
        budget: pool.memory().budget(),
    }
}

/// `v.try_reserve(n)`, as an out-of-memory error.
fn try_reserve<T>(pool: &BufferPool, v: &mut Vec<T>, n: usize) -> Result<()> {
    v.try_reserve(n).map_err(|_| {
        too_large(
            pool,
            (n as u64).saturating_mul(std::mem::size_of::<T>() as u64),
        )
    })
}

/// Reads integer-like rows as u64 words: base + delta in wrapping 64-bit arithmetic, which is
/// exact for every 64-bit-or-narrower type.
fn read_ints(
    pool: &BufferPool,
    enc: Encoding,
    data: PageRun,
    start: u64,
    count: usize,
    out: &mut Vec<u64>,
) -> Result<()> {
    let Encoding::ForBitpack { base, width } = enc.int_part() else {
        return Err(Error::corrupted(None, "integer chunk is not bit-packed"));
    };
    let b = base as u64;
    // A chunk of width 0 repeats its base without pages: nothing in the file bounds how
    // many values it claims (a list child of equal values), so ask, don't abort.
    try_reserve(pool, out, count)?;
    if width == 0 {
        out.extend(std::iter::repeat_n(b, count));
        return Ok(());
    }
    for_each_word(pool, enc, data, start, count, |page, j, take, w| {
        out.extend((j..j + take).map(|k| b.wrapping_add(unpack(page, k, w))));
        Ok(())
    })
}

fn read_plain(
    pool: &BufferPool,
    enc: Encoding,
    data: PageRun,
    start: u64,
    count: usize,
    mut f: impl FnMut(&[u8]),
) -> Result<()> {
    let Encoding::Plain { width } = enc else {
        return Err(Error::corrupted(None, "plain chunk is bit-packed"));
    };
    let w = width as usize;
    for_each_word(pool, enc, data, start, count, |page, j, take, _| {
        for k in j..j + take {
            f(&page[k * w..k * w + w]);
        }
        Ok(())
    })
}

/// Reads bytes `from..to` of a byte stream.
fn read_bytes(
    pool: &BufferPool,
    data: PageRun,
    from: u64,
    to: u64,
    out: &mut Vec<u8>,
) -> Result<()> {
    let mut pos = from;
    while pos < to {
        let p = pos / PAGE_PAYLOAD as u64;
        if p >= data.count {
            return Err(Error::corrupted(
                Some(data.first),
                "string bytes past their pages",
            ));
        }
        let page = pool.pin(data.first + p, PageKind::Bytes)?;
        let off = (pos % PAGE_PAYLOAD as u64) as usize;
        let take = ((PAGE_PAYLOAD - off) as u64).min(to - pos) as usize;
        out.extend_from_slice(&page[off..off + take]);
        pos += take as u64;
    }
    Ok(())
}

/// Reads the `count + 1` offsets from `start` of a nested offsets chunk.
fn read_offsets(pool: &BufferPool, meta: &ChunkMeta, start: u64, count: usize) -> Result<Vec<u64>> {
    let ChunkBody::Fixed { enc, data, .. } = &meta.body else {
        return Err(Error::corrupted(None, "offsets chunk is not fixed-width"));
    };
    let mut v = Vec::new();
    read_ints(pool, *enc, *data, start, count.saturating_add(1), &mut v)?;
    if v.windows(2).any(|w| w[0] > w[1]) {
        return Err(Error::corrupted(
            Some(data.first),
            "offsets are not monotone",
        ));
    }
    Ok(v)
}

/// Appends rows `start..start+count` of the chunk to `out`, whose type must be the chunk's.
pub fn scan(
    pool: &BufferPool,
    meta: &ChunkMeta,
    start: u64,
    count: usize,
    out: &mut Column,
) -> Result<()> {
    if start
        .checked_add(count as u64)
        .is_none_or(|end| end > meta.num_values)
    {
        return Err(Error::corrupted(None, "scan past the end of a chunk"));
    }
    if count == 0 {
        return Ok(());
    }
    out.try_reserve(count)
        .map_err(|_| too_large(pool, (count as u64).saturating_mul(8)))?;
    if let ChunkBody::Parts { parts } = &meta.body {
        return for_parts(parts, start, count, |p, s, c| scan(pool, p, s, c, out));
    }
    let before = out.len();
    match (&meta.body, &mut out.data) {
        (ChunkBody::Fixed { enc, data, .. }, ColumnData::Int128(v)) => {
            read_plain(pool, *enc, *data, start, count, |b| {
                v.push(i128::from_le_bytes(b.try_into().unwrap_or([0; 16])))
            })?;
        }
        (ChunkBody::Fixed { enc, data, .. }, ColumnData::Float(v)) => {
            read_plain(pool, *enc, *data, start, count, |b| {
                v.push(f32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
            })?;
        }
        (
            ChunkBody::Fixed {
                enc: enc @ Encoding::Decimal { exp, .. },
                data,
                ..
            },
            ColumnData::Double(v),
        ) => {
            let p = POW10[*exp as usize];
            let mut w = Vec::new();
            read_ints(pool, *enc, *data, start, count, &mut w)?;
            v.extend(w.iter().map(|&x| (x as i64) as f64 / p));
        }
        (ChunkBody::Fixed { enc, data, .. }, ColumnData::Double(v)) => {
            read_plain(pool, *enc, *data, start, count, |b| {
                v.push(f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
            })?;
        }
        (ChunkBody::Fixed { enc, data, .. }, ColumnData::Interval(v)) => {
            read_plain(pool, *enc, *data, start, count, |b| {
                let g4 = |i: usize| i32::from_le_bytes(b[i..i + 4].try_into().unwrap_or([0; 4]));
                v.push(Interval {
                    months: g4(0),
                    days: g4(4),
                    micros: i64::from_le_bytes(b[8..16].try_into().unwrap_or([0; 8])),
                })
            })?;
        }
        (ChunkBody::Fixed { enc, data, .. }, d) => {
            let mut w = Vec::new();
            read_ints(pool, *enc, *data, start, count, &mut w)?;
            match d {
                ColumnData::Bool(v) => v.extend(w.iter().map(|&x| x != 0)),
                ColumnData::Int8(v) => v.extend(w.iter().map(|&x| x as i8)),
                ColumnData::Int16(v) => v.extend(w.iter().map(|&x| x as i16)),
                ColumnData::Int32(v) => v.extend(w.iter().map(|&x| x as i32)),
                ColumnData::Int64(v) => v.extend(w.iter().map(|&x| x as i64)),
                ColumnData::UInt8(v) => v.extend(w.iter().map(|&x| x as u8)),
                ColumnData::UInt16(v) => v.extend(w.iter().map(|&x| x as u16)),
                ColumnData::UInt32(v) => v.extend(w.iter().map(|&x| x as u32)),
                ColumnData::UInt64(v) => v.extend_from_slice(&w),
                _ => {
                    return Err(Error::corrupted(
                        None,
                        "chunk type does not match the column",
                    ))
                }
            }
        }
        (
            ChunkBody::Bytes {
                offsets,
                data,
                byte_len,
            },
            ColumnData::String(s),
        ) => {
            let offs = read_offsets(pool, offsets, start, count)?;
            let (a, b) = (offs[0], offs[count]);
            if b > *byte_len {
                return Err(Error::corrupted(
                    Some(data.first),
                    "string offsets past the bytes",
                ));
            }
            let base_len = s.bytes.len() as u64;
            read_bytes(pool, *data, a, b, &mut s.bytes)?;
            for o in &offs[1..] {
                s.offsets.push(base_len + (o - a));
            }
        }
        (
            ChunkBody::List { offsets, child },
            ColumnData::List {
                offsets: out_offs,
                child: out_child,
            },
        ) => {
            let offs = read_offsets(pool, offsets, start, count)?;
            let (a, b) = (offs[0], offs[count]);
            let base_len = out_child.len() as u64;
            scan(pool, child, a, (b - a) as usize, out_child)?;
            for o in &offs[1..] {
                out_offs.push(base_len + (o - a));
            }
        }
        (ChunkBody::Struct { children }, ColumnData::Struct(out_children))
            if children.len() == out_children.len() =>
        {
            for (c, oc) in children.iter().zip(out_children.iter_mut()) {
                scan(pool, c, start, count, oc)?;
            }
        }
        (ChunkBody::Constant { one }, _) => {
            let mut v = Column::new(out.ty.clone());
            scan(pool, one, 0, 1, &mut v)?;
            let mut rows: Vec<u32> = Vec::new();
            try_reserve(pool, &mut rows, count)?;
            rows.resize(count, 0);
            out.gather(&v, &rows);
        }
        _ => {
            return Err(Error::corrupted(
                None,
                "chunk type does not match the column",
            ))
        }
    }
    if meta.null_count > 0 && meta.null_count == meta.num_values && meta.nulls.count == 0 {
        for _ in 0..count {
            out.nulls.push(true);
        }
    } else if meta.null_count > 0 {
        read_null_bits(pool, meta.nulls, start, count, out)?;
    } else {
        out.nulls.resize(before + count);
    }
    Ok(())
}

/// Runs `f(part, start in the part, count)` over the parts that rows `start..start+count`
/// (inside the chunk) cover, in order.
fn for_parts(
    parts: &[ChunkMeta],
    start: u64,
    count: usize,
    mut f: impl FnMut(&ChunkMeta, u64, usize) -> Result<()>,
) -> Result<()> {
    let end = start + count as u64;
    let mut at = 0u64;
    for p in parts {
        let next = at + p.num_values;
        if next > start && at < end {
            let s = start.max(at);
            let e = end.min(next);
            f(p, s - at, (e - s) as usize)?;
        }
        if next >= end {
            break;
        }
        at = next;
    }
    Ok(())
}

/// Reads rows `start..start+count` of an integer chunk (CSR offsets, neighbours, rel ids) as
/// u64 words.
pub fn scan_u64(
    pool: &BufferPool,
    meta: &ChunkMeta,
    start: u64,
    count: usize,
    out: &mut Vec<u64>,
) -> Result<()> {
    if start
        .checked_add(count as u64)
        .is_none_or(|end| end > meta.num_values)
    {
        return Err(Error::corrupted(None, "scan past the end of a chunk"));
    }
    match &meta.body {
        ChunkBody::Fixed { enc, data, .. } => read_ints(pool, *enc, *data, start, count, out),
        ChunkBody::Parts { parts } => {
            for_parts(parts, start, count, |p, s, c| scan_u64(pool, p, s, c, out))
        }
        _ => Err(Error::corrupted(None, "integer chunk expected")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::buffer::{MemoryManager, MIN_BUDGET};
    use crate::storage::file::{MemBackend, StorageBackend};
    use crate::storage::page::{seal, PAGE_SIZE};
    use crate::types::Value;
    use std::sync::Arc;

    /// Places a sink's pages at page 0 of a fresh in-memory file.
    fn place(sink: &RunSink) -> BufferPool {
        let m = MemBackend::new();
        for (kind, run, bytes) in &sink.runs {
            for i in 0..run.count {
                let mut p = vec![0u8; PAGE_SIZE];
                let a = i as usize * PAGE_PAYLOAD;
                let b = (a + PAGE_PAYLOAD).min(bytes.len());
                p[..b - a].copy_from_slice(&bytes[a..b]);
                seal(run.first + i, *kind, &mut p);
                m.write_at((run.first + i) * PAGE_SIZE as u64, &p).unwrap();
            }
        }
        BufferPool::new(Arc::new(m), MemoryManager::new(MIN_BUDGET))
    }

    fn round_trip(col: &Column) {
        let mut sink = RunSink::new();
        let meta = encode_chunk(col, &mut sink);
        // As placed in a file (page 0 is the header's).
        let mut placed = meta.clone();
        placed.shift(1);
        let mut e = Encoder::new();
        placed.encode(&mut e);
        let file_pages = 1 + sink.page_count();
        let back = ChunkMeta::decode(&mut Decoder::new(&e.buf, "chunk"), file_pages).unwrap();
        assert_eq!(placed, back);
        if sink.page_count() > 0 {
            // One page short of the file it needs.
            assert!(ChunkMeta::decode(&mut Decoder::new(&e.buf, "chunk"), file_pages - 1).is_err());
        }
        let pool = place(&sink);
        // Whole, and in odd windows.
        let mut out = Column::new(col.ty.clone());
        scan(&pool, &meta, 0, col.len(), &mut out).unwrap();
        assert_eq!(out.len(), col.len());
        for k in 0..col.len() {
            // NULL rows compare as NULL whatever their placeholder value.
            assert_eq!(out.get(k), col.get(k), "row {k}");
        }
        for (s, c) in [(0usize, 1usize), (7, 1000), (col.len() / 2, col.len() / 3)] {
            if s + c <= col.len() {
                let mut out = Column::new(col.ty.clone());
                scan(&pool, &meta, s as u64, c, &mut out).unwrap();
                for k in 0..c {
                    assert_eq!(out.get(k), col.get(s + k), "row {}", s + k);
                }
            }
        }
    }

    #[test]
    fn integers_of_every_width() {
        for (ty, vals) in [
            (
                LogicalType::Int64,
                vec![Value::Int64(i64::MIN), Value::Int64(i64::MAX), Value::Null],
            ),
            (
                LogicalType::Int64,
                (0..5000).map(|i| Value::Int64(i * 37 - 1000)).collect(),
            ),
            (
                LogicalType::UInt64,
                vec![Value::UInt64(u64::MAX), Value::UInt64(0)],
            ),
            (LogicalType::Int8, vec![Value::Int8(-128), Value::Int8(127)]),
            (LogicalType::Int32, vec![Value::Int32(5); 3000]),
            (
                LogicalType::Bool,
                (0..9000).map(|i| Value::Bool(i % 3 == 0)).collect(),
            ),
            (
                LogicalType::Date,
                vec![Value::Date(-719_528), Value::Null, Value::Date(19_000)],
            ),
        ] {
            let mut c = Column::new(ty);
            for v in &vals {
                assert!(c.push_value(v));
            }
            round_trip(&c);
        }
    }

    #[test]
    fn floats_strings_lists_structs() {
        let mut d = Column::new(LogicalType::Double);
        let mut s = Column::new(LogicalType::String);
        let lt = LogicalType::List(Box::new(LogicalType::String));
        let mut l = Column::new(lt);
        let st = LogicalType::Struct(vec![
            ("a".into(), LogicalType::Int64),
            ("b".into(), LogicalType::Double),
        ]);
        let mut t = Column::new(st);
        for i in 0..20_000i64 {
            d.push_value(&if i % 11 == 0 {
                Value::Null
            } else {
                Value::Double(i as f64 / 3.0)
            });
            let text = "x".repeat((i % 50) as usize) + &i.to_string();
            s.push_value(&if i % 13 == 0 {
                Value::Null
            } else {
                Value::String(text.clone())
            });
            l.push_value(&Value::List(vec![Value::String(text), Value::Null]));
            t.push_value(&Value::Struct(vec![
                ("a".into(), Value::Int64(i)),
                ("b".into(), Value::Null),
            ]));
        }
        round_trip(&d);
        round_trip(&s);
        round_trip(&l);
        round_trip(&t);
    }

    #[test]
    fn decimal_doubles_are_packed_and_exact() {
        let mut c = Column::new(LogicalType::Double);
        for i in 0..10_000i64 {
            c.push_value(&if i % 17 == 0 {
                Value::Null
            } else {
                Value::Double((i * 7919 % 10_000) as f64 / 10_000.0)
            });
        }
        c.push_value(&Value::Double(-0.5));
        let mut sink = RunSink::new();
        let meta = encode_chunk(&c, &mut sink);
        match meta.body {
            ChunkBody::Fixed {
                enc: Encoding::Decimal { exp: 4, width, .. },
                ..
            } => assert!(width <= 15, "width {width}"),
            ref other => panic!("not decimal: {other:?}"),
        }
        round_trip(&c);
        // Values that are not short decimals stay plain (bit-exact).
        let mut p = Column::new(LogicalType::Double);
        for v in [0.1 + 0.2, 1.0 / 3.0, f64::NAN, -0.0, f64::INFINITY] {
            p.push_value(&Value::Double(v));
        }
        let mut sink = RunSink::new();
        let meta = encode_chunk(&p, &mut sink);
        assert!(matches!(
            meta.body,
            ChunkBody::Fixed {
                enc: Encoding::Plain { width: 8 },
                ..
            }
        ));
        let pool = place(&sink);
        let mut out = Column::new(LogicalType::Double);
        scan(&pool, &meta, 0, 5, &mut out).unwrap();
        let ColumnData::Double(v) = &out.data else {
            panic!()
        };
        assert_eq!(v[0].to_bits(), (0.1f64 + 0.2).to_bits());
        assert!(v[2].is_nan());
        assert!(v[3].is_sign_negative());
    }

    #[test]
    fn corrupt_page_fails_the_scan() {
        let mut c = Column::new(LogicalType::Int64);
        for i in 0..3000 {
            c.push_value(&Value::Int64(i * 1_000_003));
        }
        let mut sink = RunSink::new();
        let meta = encode_chunk(&c, &mut sink);
        let pool = place(&sink);
        let f = pool.file().clone();
        let mut b = [0u8; 1];
        f.read_at(PAGE_SIZE as u64 + 5, &mut b).unwrap();
        f.write_at(PAGE_SIZE as u64 + 5, &[b[0] ^ 4]).unwrap();
        let mut out = Column::new(LogicalType::Int64);
        let e = scan(&pool, &meta, 0, 3000, &mut out).unwrap_err();
        assert!(matches!(e, Error::Corrupted { page: Some(1), .. }), "{e}");
    }

    #[test]
    fn all_null_chunks_have_no_pages() {
        use crate::types::{LogicalType as T, Value};
        for ty in [
            T::Int64,
            T::Double,
            T::String,
            T::List(Box::new(T::String)),
            T::Struct(vec![
                ("a".into(), T::Int64),
                ("b".into(), T::List(Box::new(T::Double))),
            ]),
        ] {
            let mut col = Column::new(ty.clone());
            for _ in 0..70_000 {
                assert!(col.push_value(&Value::Null));
            }
            let mut sink = RunSink::new();
            let meta = encode_chunk(&col, &mut sink);
            assert_eq!(sink.page_count(), 0, "{ty}");
            assert_eq!((meta.null_count, meta.nulls.count), (70_000, 0));
            round_trip(&col);
        }
    }

    /// A chunk in parts reads as the concatenation of its parts, whatever their encodings
    /// (bit-packed, plain, constant, with NULLs or not), across part boundaries; it encodes
    /// and decodes back; its statistics are the union; nested parts are refused.
    #[test]
    fn chunks_in_parts() {
        use crate::types::{LogicalType as T, Value};
        let mut sink = RunSink::new();
        let mut all = Column::new(T::Int64);
        let mut parts = Vec::new();
        // Packed with NULLs, constant, wide plain-u64, all NULL, empty.
        let mut a = Column::new(T::Int64);
        for i in 0..5000i64 {
            a.push_value(&if i % 7 == 0 {
                Value::Null
            } else {
                Value::Int64(i * 3)
            });
        }
        let mut b = Column::new(T::Int64);
        for _ in 0..100 {
            b.push_value(&Value::Int64(-9));
        }
        let mut c = Column::new(T::Int64);
        for i in 0..700i64 {
            c.push_value(&Value::Int64(if i % 2 == 0 { i64::MIN } else { i64::MAX }));
        }
        let mut d = Column::new(T::Int64);
        for _ in 0..50 {
            d.push_value(&Value::Null);
        }
        let e = Column::new(T::Int64);
        for col in [&a, &b, &c, &d, &e] {
            parts.push(encode_chunk(col, &mut sink));
            all.extend_from(col, 0, col.len());
        }
        let mut one = Column::new(T::Int64);
        one.push_value(&Value::Int64(42));
        parts.push(encode_constant(&one, 30, &mut sink));
        for _ in 0..30 {
            all.push_value(&Value::Int64(42));
        }
        let meta = ChunkMeta::from_parts(parts);
        assert_eq!(meta.num_values, all.len() as u64);
        assert_eq!(meta.null_count, all.null_count() as u64);
        assert_eq!(
            meta.stats(),
            Stats::Int {
                min: i64::MIN as i128,
                max: i64::MAX as i128
            }
        );
        let mut placed = meta.clone();
        placed.shift(1);
        let mut enc = Encoder::new();
        placed.encode(&mut enc);
        let file_pages = 1 + sink.page_count();
        let back = ChunkMeta::decode(&mut Decoder::new(&enc.buf, "chunk"), file_pages).unwrap();
        assert_eq!(back, placed);
        let pool = place(&sink);
        for (s, n) in [
            (0usize, all.len()),
            (4990, 20),
            (5095, 700),
            (5790, 40),
            (5850, 30),
        ] {
            let mut out = Column::new(T::Int64);
            scan(&pool, &meta, s as u64, n, &mut out).unwrap();
            assert_eq!(out.len(), n);
            for k in 0..n {
                assert_eq!(out.get(k), all.get(s + k), "row {}", s + k);
            }
        }
        assert!(scan(&pool, &meta, 5870, 20, &mut Column::new(T::Int64)).is_err());
        // Integers read as words across parts, and moved by a base change.
        let mut ints = Column::new(T::UInt64);
        let mut ps = Vec::new();
        let mut sink2 = RunSink::new();
        for r in [0u64..1000, 1000..1001, 1001..3000] {
            let mut col = Column::new(T::UInt64);
            for v in r {
                col.push_value(&Value::UInt64(v * 2));
                ints.push_value(&Value::UInt64(v * 2));
            }
            ps.push(encode_chunk(&col, &mut sink2));
        }
        let m = ChunkMeta::from_parts(ps);
        let pool2 = place(&sink2);
        let mut w = Vec::new();
        scan_u64(&pool2, &m, 995, 10, &mut w).unwrap();
        assert_eq!(w, (995..1005).map(|v| v * 2).collect::<Vec<u64>>());
        let moved = m.add_to_ints(-5).unwrap();
        let mut w = Vec::new();
        scan_u64(&pool2, &moved, 0, 3000, &mut w).unwrap();
        assert_eq!(w, (0..3000u64).map(|v| v * 2 - 5).collect::<Vec<u64>>()[..]);
        assert_eq!(moved.page_count(), m.page_count());
        // Nested parts and parts with a bitmap of their own are refused.
        let nested = ChunkMeta {
            num_values: m.num_values,
            null_count: 0,
            nulls: PageRun::default(),
            body: ChunkBody::Parts {
                parts: vec![m.clone(), ChunkMeta::from_parts(vec![])],
            },
        };
        let mut enc = Encoder::new();
        nested.encode(&mut enc);
        assert!(ChunkMeta::decode(&mut Decoder::new(&enc.buf, "chunk"), u64::MAX).is_err());
    }

    /// The packed bytes are the documented layout (value j of a page at bit j * width, least
    /// significant bit first; width 64 as u64 words), for every width, page boundary and
    /// NULL placement: a plain reference packer writes the same pages.
    #[test]
    fn packing_matches_the_reference_layout() {
        use crate::types::Value;
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for width in [1u8, 3, 7, 8, 13, 17, 31, 32, 33, 55, 56, 64] {
            let mut c = Column::new(LogicalType::Int64);
            let n = 2 * values_per_page(width) as usize + 37;
            for i in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let v = if width == 64 {
                    x as i64
                } else {
                    -5 + (x & ((1u64 << width) - 1)) as i64
                };
                c.push_value(&if i % 11 == 3 {
                    Value::Null
                } else {
                    Value::Int64(v)
                });
            }
            // Pin the extremes so that the width is exactly `width`.
            c.push_value(&Value::Int64(if width == 64 { i64::MIN } else { -5 }));
            c.push_value(&Value::Int64(if width == 64 {
                i64::MAX
            } else {
                -5 + ((1u64 << width) - 1) as i64
            }));
            let mut sink = RunSink::new();
            let meta = encode_chunk(&c, &mut sink);
            let ChunkBody::Fixed {
                enc: Encoding::ForBitpack { base, width: w },
                ..
            } = meta.body
            else {
                panic!("not packed")
            };
            assert_eq!(w, width);
            let ColumnData::Int64(vals) = &c.data else {
                panic!()
            };
            let vpp = values_per_page(w) as usize;
            let mut want = vec![0u8; c.len().div_ceil(vpp) * PAGE_PAYLOAD];
            for (i, &v) in vals.iter().enumerate() {
                let d = if c.nulls.is_null(i) {
                    0
                } else {
                    (v as i128 - base) as u64
                };
                let at = (i / vpp) * PAGE_PAYLOAD;
                let j = i % vpp;
                if w == 64 {
                    want[at + j * 8..at + j * 8 + 8].copy_from_slice(&d.to_le_bytes());
                } else {
                    for b in 0..w as usize {
                        if d >> b & 1 == 1 {
                            let bit = j * w as usize + b;
                            want[at + bit / 8] |= 1 << (bit % 8);
                        }
                    }
                }
            }
            let body: Vec<u8> = sink
                .runs
                .iter()
                .filter(|r| r.0 == PageKind::Column)
                .flat_map(|r| r.2.clone())
                .collect();
            assert_eq!(body, want, "width {width}");
        }
    }

    #[test]
    fn constant_chunks_repeat_one_value() {
        use crate::types::{LogicalType as T, Value};
        let list = Value::List(vec![Value::String("a".into()), Value::String("bc".into())]);
        for (ty, v) in [
            (T::Int64, Value::Int64(-7)),
            (T::String, Value::String("long long string".into())),
            (T::List(Box::new(T::String)), list),
            (T::Double, Value::Double(5.25)),
        ] {
            let mut one = Column::new(ty.clone());
            assert!(one.push_value(&v));
            let mut sink = RunSink::new();
            let meta = encode_constant(&one, 100_000, &mut sink);
            assert!(sink.page_count() <= 3, "{ty}: {} pages", sink.page_count());
            let mut placed = meta.clone();
            placed.shift(1);
            let mut e = Encoder::new();
            placed.encode(&mut e);
            assert_eq!(
                ChunkMeta::decode(&mut Decoder::new(&e.buf, "chunk"), u64::MAX).unwrap(),
                placed
            );
            let pool = place(&sink);
            let mut out = Column::new(ty.clone());
            scan(&pool, &meta, 99_990, 10, &mut out).unwrap();
            scan(&pool, &meta, 5, 3, &mut out).unwrap();
            assert_eq!(out.len(), 13);
            assert_eq!(out.null_count(), 0);
            for k in 0..13 {
                assert_eq!(out.get(k), v, "{ty} row {k}");
            }
            assert!(scan(&pool, &meta, 99_995, 10, &mut out).is_err());
        }
    }
}

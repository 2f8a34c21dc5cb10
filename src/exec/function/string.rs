//! String functions (Kuzu semantics: positions are 1-based and count characters; regexes
//! follow RE2 syntax via the `regex` crate; `=~` is `REGEXP_FULL_MATCH`).

use super::{arg_i64, arg_str, runtime, Exec, Registry};
use crate::error::{Error, Result};
use crate::exec::typing::TypeId;
use crate::types::vector::{Column, ColumnData, NullMask};
use crate::types::{LogicalType, Value};
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashMap;

fn s(v: String) -> Result<Value> {
    Ok(Value::String(v))
}

thread_local! {
    static REGEX_CACHE: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// A compiled regex, cached per thread.
pub fn regex(pattern: &str) -> Result<Regex> {
    REGEX_CACHE.with(|c| {
        if let Some(r) = c.borrow().get(pattern) {
            return Ok(r.clone());
        }
        let r =
            Regex::new(pattern).map_err(|e| runtime(format!("Invalid regex {pattern}: {e}")))?;
        let mut m = c.borrow_mut();
        if m.len() > 256 {
            m.clear();
        }
        m.insert(pattern.to_string(), r.clone());
        Ok(r)
    })
}

fn full_regex(pattern: &str) -> Result<Regex> {
    regex(&format!("^(?:{pattern})$"))
}

/// Whether a code point extends the previous grapheme (combining marks, variation selectors,
/// emoji modifiers, tags, ZWJ).
fn is_extend(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F
        | 0x0483..=0x0489
        | 0x0591..=0x05BD
        | 0x0610..=0x061A
        | 0x064B..=0x065F
        | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x200C..=0x200D
        | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F
        | 0xFE20..=0xFE2F
        | 0x1F3FB..=0x1F3FF
        | 0xE0020..=0xE007F
        | 0xE0100..=0xE01EF)
}

fn is_regional(c: char) -> bool {
    (0x1F1E6..=0x1F1FF).contains(&(c as u32))
}

/// User-perceived characters (an approximation of Unicode extended grapheme clusters:
/// combining marks, variation selectors, emoji modifiers and ZWJ sequences stay with their
/// base; regional indicators pair up). Kuzu counts string positions in graphemes.
/// The string cut into code points.
fn code_points(s: &str) -> Vec<&str> {
    s.char_indices()
        .map(|(i, c)| &s[i..i + c.len_utf8()])
        .collect()
}

pub fn graphemes(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut prev: Option<char> = None;
    let mut regional_run = 0usize;
    for (i, c) in s.char_indices() {
        let join = match prev {
            None => false,
            Some(p) => {
                is_extend(c)
                    || p == '\u{200D}'
                    || (is_regional(c) && is_regional(p) && regional_run % 2 == 1)
            }
        };
        if !join && i > 0 {
            out.push(&s[start..i]);
            start = i;
        }
        regional_run = if is_regional(c) { regional_run + 1 } else { 0 };
        prev = Some(c);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

fn lower(a: &[Value], _t: &LogicalType) -> Result<Value> {
    s(arg_str(&a[0]).to_lowercase())
}
fn upper(a: &[Value], _t: &LogicalType) -> Result<Value> {
    s(arg_str(&a[0]).to_uppercase())
}
fn initcap(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let x = arg_str(&a[0]);
    let mut out = String::with_capacity(x.len());
    for (i, c) in x.chars().enumerate() {
        if i == 0 {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    s(out)
}

fn concat(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let mut out = String::new();
    for v in a {
        if let Value::String(x) = v {
            out.push_str(x);
        }
    }
    s(out)
}

fn concat_ws(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let sep = match &a[0] {
        Value::String(x) => x.as_str(),
        _ => return Ok(Value::Null),
    };
    let mut out = String::new();
    let mut prev_null = false;
    for (i, v) in a.iter().enumerate().skip(1) {
        match v {
            Value::String(x) => {
                if i != 1 && !prev_null {
                    out.push_str(sep);
                }
                out.push_str(x);
                prev_null = false;
            }
            _ => prev_null = true,
        }
    }
    s(out)
}

fn bind_concat_ws(args: &[LogicalType]) -> Result<(Vec<LogicalType>, LogicalType)> {
    if args.len() < 2 {
        return Err(Error::Binder(format!(
            "concat_ws expects at least two parameters. Got: {}.",
            args.len()
        )));
    }
    for a in args {
        if *a != LogicalType::String && *a != LogicalType::Any {
            return Err(Error::Binder(format!(
                "concat_ws expects all string parameters. Got: {a}."
            )));
        }
    }
    Ok((vec![LogicalType::String; args.len()], LogicalType::String))
}

/// Graphemes `[start, start+len)` (0-based start) of a string.
fn chars_range(x: &str, start: i64, len: i64) -> String {
    if len <= 0 || start < 0 {
        return String::new();
    }
    graphemes(x)
        .into_iter()
        .skip(start as usize)
        .take(len as usize)
        .collect()
}

fn substring(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let x = arg_str(&a[0]);
    let start = arg_i64(&a[1]);
    let len = arg_i64(&a[2]);
    if start < 1 {
        return s(String::new());
    }
    s(chars_range(x, start - 1, len))
}

fn left(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let x = arg_str(&a[0]);
    let n = arg_i64(&a[1]);
    let count = graphemes(x).len() as i64;
    let take = if n >= 0 { n } else { (count + n).max(0) };
    s(chars_range(x, 0, take))
}

fn right(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let x = arg_str(&a[0]);
    let n = arg_i64(&a[1]);
    let count = graphemes(x).len() as i64;
    let take = if n >= 0 {
        n.min(count)
    } else {
        (count + n).max(0)
    };
    s(chars_range(x, count - take, take))
}

fn trim(a: &[Value], _t: &LogicalType) -> Result<Value> {
    s(arg_str(&a[0]).trim_matches(' ').to_string())
}
fn ltrim(a: &[Value], _t: &LogicalType) -> Result<Value> {
    s(arg_str(&a[0]).trim_start_matches(' ').to_string())
}
fn rtrim(a: &[Value], _t: &LogicalType) -> Result<Value> {
    s(arg_str(&a[0]).trim_end_matches(' ').to_string())
}

fn pad(a: &[Value], left_side: bool) -> Result<Value> {
    let x = arg_str(&a[0]);
    let n = arg_i64(&a[1]);
    // Kuzu pads by code points (not grapheme clusters).
    let p: Vec<&str> = code_points(arg_str(&a[2]));
    if n <= 0 {
        return s(String::new());
    }
    if n as u64 > MAX_STRING_BYTES {
        return Err(too_long());
    }
    let n = n as usize;
    let chars: Vec<&str> = code_points(x);
    if chars.len() >= n {
        return s(chars[..n].concat());
    }
    if p.is_empty() {
        return s(x.to_string());
    }
    let fill: String = (0..n - chars.len()).map(|i| p[i % p.len()]).collect();
    s(if left_side {
        format!("{fill}{x}")
    } else {
        format!("{x}{fill}")
    })
}
fn lpad(a: &[Value], _t: &LogicalType) -> Result<Value> {
    pad(a, true)
}
fn rpad(a: &[Value], _t: &LogicalType) -> Result<Value> {
    pad(a, false)
}

/// Largest string a function may build (guards against aborting on allocation).
const MAX_STRING_BYTES: u64 = 1 << 30;

fn too_long() -> crate::error::Error {
    runtime("The result string is too long.")
}

fn repeat(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let n = arg_i64(&a[1]);
    if n > 0 && (n as u64).saturating_mul(arg_str(&a[0]).len() as u64) > MAX_STRING_BYTES {
        return Err(too_long());
    }
    s(if n <= 0 {
        String::new()
    } else {
        arg_str(&a[0]).repeat(n as usize)
    })
}

fn reverse(a: &[Value], _t: &LogicalType) -> Result<Value> {
    s(graphemes(arg_str(&a[0])).into_iter().rev().collect())
}

fn regexp_matches(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Bool(regex(arg_str(&a[1]))?.is_match(arg_str(&a[0]))))
}
fn regexp_full_match(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Bool(
        full_regex(arg_str(&a[1]))?.is_match(arg_str(&a[0])),
    ))
}

/// RE2 replacement strings use `\1`; the regex crate uses `${1}`.
fn convert_replacement(r: &str) -> String {
    let mut out = String::with_capacity(r.len());
    let mut it = r.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.peek() {
                Some(d) if d.is_ascii_digit() => {
                    out.push_str(&format!("${{{d}}}"));
                    it.next();
                }
                Some('\\') => {
                    out.push('\\');
                    it.next();
                }
                _ => out.push('\\'),
            },
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out
}

fn regexp_replace(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let re = regex(arg_str(&a[1]))?;
    let rep = convert_replacement(arg_str(&a[2]));
    let global = a.get(3).map(|o| arg_str(o).contains('g')).unwrap_or(false);
    let x = arg_str(&a[0]);
    s(if global {
        re.replace_all(x, rep.as_str()).into_owned()
    } else {
        re.replace(x, rep.as_str()).into_owned()
    })
}

fn regexp_extract(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let re = regex(arg_str(&a[1]))?;
    let group = a.get(2).map(arg_i64).unwrap_or(0).max(0) as usize;
    let out = re
        .captures(arg_str(&a[0]))
        .and_then(|c| c.get(group).map(|m| m.as_str().to_string()))
        .unwrap_or_default();
    s(out)
}

fn regexp_extract_all(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let re = regex(arg_str(&a[1]))?;
    let group = a.get(2).map(arg_i64).unwrap_or(0).max(0) as usize;
    let out = re
        .captures_iter(arg_str(&a[0]))
        .filter_map(|c| c.get(group).map(|m| Value::String(m.as_str().to_string())))
        .collect();
    Ok(Value::List(out))
}

fn regexp_split(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let re = regex(arg_str(&a[1]))?;
    Ok(Value::List(
        // Kuzu leaves out empty parts.
        re.split(arg_str(&a[0]))
            .filter(|p| !p.is_empty())
            .map(|p| Value::String(p.to_string()))
            .collect(),
    ))
}

fn string_split(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let x = arg_str(&a[0]);
    let d = arg_str(&a[1]);
    // An empty delimiter splits into characters.
    let parts: Vec<&str> = if d.is_empty() {
        code_points(x)
    } else {
        x.split(d).collect()
    };
    let last = parts.len().saturating_sub(1);
    Ok(Value::List(
        parts
            .into_iter()
            .enumerate()
            .filter(|(i, p)| *i == last || !p.is_empty())
            .map(|(_, p)| Value::String(p.to_string()))
            .collect(),
    ))
}

fn split_part(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let x = arg_str(&a[0]);
    let d = arg_str(&a[1]);
    let i = arg_i64(&a[2]);
    // An empty delimiter splits into characters; positions are 1-based, no negatives.
    let parts: Vec<String> = if d.is_empty() {
        x.chars().map(|c| c.to_string()).collect()
    } else {
        x.split(d).map(|p| p.to_string()).collect()
    };
    s(if i >= 1 && (i as usize) <= parts.len() {
        parts[i as usize - 1].clone()
    } else {
        String::new()
    })
}

fn levenshtein(a: &[Value], _t: &LogicalType) -> Result<Value> {
    // Kuzu's edit distance is over bytes (`levenshtein('é', 'e')` is 2).
    let x: &[u8] = arg_str(&a[0]).as_bytes();
    let y: &[u8] = arg_str(&a[1]).as_bytes();
    let mut prev: Vec<usize> = (0..=y.len()).collect();
    for i in 1..=x.len() {
        let mut cur = vec![i; y.len() + 1];
        for j in 1..=y.len() {
            let cost = if x[i - 1] == y[j - 1] { 0 } else { 1 };
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    Ok(Value::Int64(prev[y.len()] as i64))
}

fn md5(a: &[Value], _t: &LogicalType) -> Result<Value> {
    use md5::{Digest, Md5};
    let d = Md5::digest(arg_str(&a[0]).as_bytes());
    s(d.iter().map(|b| format!("{b:02x}")).collect())
}

/// SHA-256 of bytes (FIPS 180-4).
pub fn sha256_bytes(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                block[4 * i],
                block[4 * i + 1],
                block[4 * i + 2],
                block[4 * i + 3],
            ]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v[7] = v[6];
            v[6] = v[5];
            v[5] = v[4];
            v[4] = v[3].wrapping_add(t1);
            v[3] = v[2];
            v[2] = v[1];
            v[1] = v[0];
            v[0] = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip(v) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

fn sha256(a: &[Value], _t: &LogicalType) -> Result<Value> {
    let d = sha256_bytes(arg_str(&a[0]).as_bytes());
    s(d.iter().map(|b| format!("{b:02x}")).collect())
}

fn encode(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Blob(arg_str(&a[0]).as_bytes().to_vec()))
}

fn decode(a: &[Value], _t: &LogicalType) -> Result<Value> {
    match &a[0] {
        Value::Blob(b) => String::from_utf8(b.clone())
            .map(Value::String)
            .map_err(|_| runtime("Failure in decode: could not convert blob to UTF8 string, the blob contained invalid UTF8 characters")),
        _ => Ok(Value::Null),
    }
}

fn octet_length(a: &[Value], _t: &LogicalType) -> Result<Value> {
    Ok(Value::Int64(match &a[0] {
        Value::Blob(b) => b.len() as i64,
        Value::String(x) => x.len() as i64,
        _ => 0,
    }))
}

/// Byte-level string predicates over whole columns (no per-row allocation).
fn str_pred(args: &[&Column], n: usize, f: impl Fn(&[u8], &[u8]) -> bool) -> Result<Column> {
    let (a, b) = match (&args[0].data, &args[1].data) {
        (ColumnData::String(a), ColumnData::String(b)) => (a, b),
        _ => return Err(runtime("string predicate on non-string input")),
    };
    let mut vals = Vec::with_capacity(n);
    let mut nulls = NullMask::with_len(n);
    for i in 0..n {
        if args[0].nulls.is_null(i) || args[1].nulls.is_null(i) {
            nulls.set(i, true);
            vals.push(false);
        } else {
            vals.push(f(a.get(i), b.get(i)));
        }
    }
    Ok(Column {
        ty: LogicalType::Bool,
        data: ColumnData::Bool(vals),
        nulls,
    })
}

fn contains_vec(args: &[&Column], _t: &LogicalType, n: usize) -> Result<Column> {
    str_pred(args, n, |s, p| memchr::memmem::find(s, p).is_some())
}
fn starts_with_vec(args: &[&Column], _t: &LogicalType, n: usize) -> Result<Column> {
    str_pred(args, n, |s, p| s.starts_with(p))
}
fn ends_with_vec(args: &[&Column], _t: &LogicalType, n: usize) -> Result<Column> {
    str_pred(args, n, |s, p| s.ends_with(p))
}

pub(super) fn register(r: &mut Registry) {
    use TypeId as T;
    let st = T::String;
    r.row("LOWER", &[st], st, lower);
    r.alias("LCASE", "LOWER");
    r.alias("TOLOWER", "LOWER");
    r.row("UPPER", &[st], st, upper);
    r.alias("UCASE", "UPPER");
    r.alias("TOUPPER", "UPPER");
    r.row("INITCAP", &[st], st, initcap);
    r.row("CONCAT", &[st], st, concat).var_arg().nulls_handled();
    r.row("CONCAT_WS", &[st], st, concat_ws)
        .var_arg()
        .nulls_handled()
        .with_bind(bind_concat_ws);
    r.row("SUBSTRING", &[st, T::Int64, T::Int64], st, substring);
    r.alias("SUBSTR", "SUBSTRING");
    r.row("LEFT", &[st, T::Int64], st, left);
    r.row("RIGHT", &[st, T::Int64], st, right);
    r.row("TRIM", &[st], st, trim);
    r.row("LTRIM", &[st], st, ltrim);
    r.row("RTRIM", &[st], st, rtrim);
    r.row("LPAD", &[st, T::Int64, st], st, lpad);
    r.row("RPAD", &[st, T::Int64, st], st, rpad);
    r.row("REPEAT", &[st, T::Int64], st, repeat);
    r.row("REVERSE", &[st], st, reverse);
    r.add("CONTAINS", &[st, st], T::Bool, Exec::Vector(contains_vec));
    r.add(
        "STARTS_WITH",
        &[st, st],
        T::Bool,
        Exec::Vector(starts_with_vec),
    );
    r.alias("PREFIX", "STARTS_WITH");
    r.add("ENDS_WITH", &[st, st], T::Bool, Exec::Vector(ends_with_vec));
    r.alias("SUFFIX", "ENDS_WITH");
    r.row("REGEXP_MATCHES", &[st, st], T::Bool, regexp_matches);
    r.row("REGEXP_FULL_MATCH", &[st, st], T::Bool, regexp_full_match);
    r.row("REGEXP_REPLACE", &[st, st, st], st, regexp_replace);
    r.row("REGEXP_REPLACE", &[st, st, st, st], st, regexp_replace);
    r.row("REGEXP_EXTRACT", &[st, st], st, regexp_extract);
    r.row("REGEXP_EXTRACT", &[st, st, T::Int64], st, regexp_extract);
    for params in [&[st, st][..], &[st, st, T::Int64][..]] {
        r.row("REGEXP_EXTRACT_ALL", params, T::List, regexp_extract_all)
            .with_bind(|a| Ok((a.to_vec(), LogicalType::List(Box::new(LogicalType::String)))));
    }
    r.row("REGEXP_SPLIT_TO_ARRAY", &[st, st], T::List, regexp_split)
        .with_bind(|a| Ok((a.to_vec(), LogicalType::List(Box::new(LogicalType::String)))));
    r.row("STRING_SPLIT", &[st, st], T::List, string_split)
        .with_bind(|a| Ok((a.to_vec(), LogicalType::List(Box::new(LogicalType::String)))));
    r.alias("STR_SPLIT", "STRING_SPLIT");
    r.alias("STRING_TO_ARRAY", "STRING_SPLIT");
    r.row("SPLIT_PART", &[st, st, T::Int64], st, split_part);
    r.row("LEVENSHTEIN", &[st, st], T::Int64, levenshtein);
    r.row("MD5", &[st], st, md5);
    r.row("SHA256", &[st], st, sha256);
    r.row("ENCODE", &[st], T::Blob, encode);
    r.row("DECODE", &[T::Blob], st, decode);
    r.row("OCTET_LENGTH", &[T::Blob], T::Int64, octet_length);
}

#[cfg(test)]
mod tests {
    use crate::exec::function::call_values;
    use crate::types::Value::{self, *};

    fn st(x: &str) -> Value {
        String(x.into())
    }

    fn strs(v: &[&str]) -> Value {
        List(v.iter().map(|x| st(x)).collect())
    }

    #[test]
    fn basic_string_functions() {
        assert_eq!(call_values("lower", &[st("ABC")]).unwrap(), st("abc"));
        assert_eq!(call_values("upper", &[st("abc")]).unwrap(), st("ABC"));
        assert_eq!(
            call_values("substring", &[st("hello"), Int64(2), Int64(3)]).unwrap(),
            st("ell")
        );
        assert_eq!(
            call_values("substr", &[st("hello"), Int64(0), Int64(2)]).unwrap(),
            st("")
        );
        assert_eq!(
            call_values("left", &[st("hello"), Int64(-2)]).unwrap(),
            st("hel")
        );
        assert_eq!(
            call_values("right", &[st("hello"), Int64(-2)]).unwrap(),
            st("llo")
        );
        assert_eq!(
            call_values("right", &[st("hello"), Int64(2)]).unwrap(),
            st("lo")
        );
        assert_eq!(
            call_values("left", &[st("héllo"), Int64(2)]).unwrap(),
            st("hé")
        );
        assert_eq!(call_values("trim", &[st("  a  ")]).unwrap(), st("a"));
        assert_eq!(
            call_values("lpad", &[st("ab"), Int64(5), st("xy")]).unwrap(),
            st("xyxab")
        );
        assert_eq!(
            call_values("rpad", &[st("ab"), Int64(1), st("x")]).unwrap(),
            st("a")
        );
        assert_eq!(
            call_values("lpad", &[st("ab"), Int64(-1), st("x")]).unwrap(),
            st("")
        );
        assert_eq!(
            call_values("repeat", &[st("ab"), Int64(3)]).unwrap(),
            st("ababab")
        );
        assert_eq!(call_values("reverse", &[st("abc")]).unwrap(), st("cba"));
        assert_eq!(
            call_values("initcap", &[st("hello WORLD")]).unwrap(),
            st("Hello world")
        );
        assert_eq!(
            call_values("levenshtein", &[st("kitten"), st("sitting")]).unwrap(),
            Int64(3)
        );
        assert_eq!(call_values("lower", &[Null]).unwrap(), Null);
    }

    #[test]
    fn concat_and_split() {
        assert_eq!(call_values("concat", &[st("a"), Null]).unwrap(), st("a"));
        assert_eq!(
            call_values("concat", &[st("a"), Int64(1), Double(2.5)]).unwrap(),
            st("a12.500000")
        );
        assert_eq!(
            call_values("concat_ws", &[st(","), st("a"), Null, st("b")]).unwrap(),
            st("ab")
        );
        assert_eq!(
            call_values("concat_ws", &[st(","), st("a"), st("b")]).unwrap(),
            st("a,b")
        );
        assert_eq!(
            call_values("string_split", &[st("a,b,,c"), st(",")]).unwrap(),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            call_values("split_part", &[st("a,b,c"), st(","), Int64(2)]).unwrap(),
            st("b")
        );
        assert_eq!(
            call_values("split_part", &[st("a,b,c"), st(","), Int64(5)]).unwrap(),
            st("")
        );
    }

    #[test]
    fn regex_and_predicates() {
        assert_eq!(
            call_values("contains", &[st("abc"), st("b")]).unwrap(),
            Bool(true)
        );
        assert_eq!(
            call_values("starts_with", &[st("abc"), st("a")]).unwrap(),
            Bool(true)
        );
        assert_eq!(
            call_values("ends_with", &[st("abc"), st("b")]).unwrap(),
            Bool(false)
        );
        assert_eq!(
            call_values("regexp_full_match", &[st("abc"), st("b")]).unwrap(),
            Bool(false)
        );
        assert_eq!(
            call_values("regexp_full_match", &[st("abc"), st("a.*")]).unwrap(),
            Bool(true)
        );
        assert_eq!(
            call_values("regexp_matches", &[st("abc"), st("b")]).unwrap(),
            Bool(true)
        );
        assert_eq!(
            call_values("regexp_replace", &[st("aaa"), st("a"), st("b")]).unwrap(),
            st("baa")
        );
        assert_eq!(
            call_values("regexp_replace", &[st("aaa"), st("a"), st("b"), st("g")]).unwrap(),
            st("bbb")
        );
        assert_eq!(
            call_values("regexp_extract", &[st("abc123"), st("[0-9]+")]).unwrap(),
            st("123")
        );
        assert_eq!(
            call_values(
                "regexp_extract",
                &[st("abc123"), st("([a-z]+)([0-9]+)"), Int64(2)]
            )
            .unwrap(),
            st("123")
        );
        assert_eq!(
            call_values("regexp_extract_all", &[st("a1b2"), st("[0-9]")]).unwrap(),
            strs(&["1", "2"])
        );
    }

    #[test]
    fn hashes() {
        assert_eq!(
            call_values("md5", &[st("abc")]).unwrap(),
            st("900150983cd24fb0d6963f7d28e17f72")
        );
        assert_eq!(
            call_values("sha256", &[st("abc")]).unwrap(),
            st("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        let e = call_values("sha256", &[]).unwrap_err().to_string();
        assert_eq!(
            e,
            "Binder exception: Function SHA256 did not receive correct arguments:\nActual:   ()\nExpected: (STRING) -> STRING\n"
        );
    }

    #[test]
    fn grapheme_positions() {
        let e = "😃🌍🌦\u{FE0F}🍞🚗";
        assert_eq!(
            call_values("substring", &[st(e), Int64(1), Int64(3)]).unwrap(),
            st("😃🌍🌦\u{FE0F}")
        );
        assert_eq!(
            call_values("right", &[st(e), Int64(3)]).unwrap(),
            st("🌦\u{FE0F}🍞🚗")
        );
        let zwj = "🧘🏻\u{200D}♂\u{FE0F}x";
        assert_eq!(super::graphemes(zwj), vec!["🧘🏻\u{200D}♂\u{FE0F}", "x"]);
        assert_eq!(
            call_values("rpad", &[st("😃🌍♂"), Int64(5), st("<")]).unwrap(),
            st("😃🌍♂<<")
        );
        assert_eq!(
            call_values("reverse", &[st("ab\u{301}c")]).unwrap(),
            st("cb\u{301}a")
        );
    }
}

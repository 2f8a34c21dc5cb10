//! Checking one query result against one expected block.
//!
//! Owns: `---- ok`, `---- error` (right-trimmed equality), `---- error(regex)` (whole match),
//! `---- hash` (MD5 of the rendered rows), `---- N` rows and `<FILE>:` answers (sorted unless
//! `-CHECK_ORDER`, header row with `-CHECK_COLUMN_NAMES`), `-CHECK_PRECISION` (FLOAT/DOUBLE
//! within 1 ULP), and the `Mismatch` report that marks the first differing row.

use super::engine::{ColumnKind, QueryOutput};
use super::parse::{Expected, Statement};
use md5::{Digest, Md5};
use regex::Regex;
use std::fmt::Write as _;

/// Why a result did not meet its expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub reason: String,
    pub expected: Vec<String>,
    pub actual: Vec<String>,
    /// `expected` and `actual` are one message each (error texts), not rows.
    pub messages: bool,
}

impl Mismatch {
    fn new(reason: impl Into<String>, expected: Vec<String>, actual: Vec<String>) -> Mismatch {
        Mismatch {
            reason: reason.into(),
            expected,
            actual,
            messages: false,
        }
    }

    fn message(reason: impl Into<String>, expected: &str, actual: &str) -> Mismatch {
        Mismatch {
            reason: reason.into(),
            expected: vec![expected.to_string()],
            actual: vec![actual.to_string()],
            messages: true,
        }
    }

    /// The report, indented by `indent`: reason, then expected and actual rows with the first
    /// differing row marked `!` (at most `limit` rows of each are shown).
    pub fn render(&self, indent: &str, limit: usize) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{indent}{}", self.reason);
        if self.messages {
            for (label, text) in [("expected:", &self.expected), ("actual:  ", &self.actual)] {
                let text = text.join("\n");
                let shown =
                    super::run::elide(&text, 2000).replace('\n', &format!("\n{indent}          "));
                let _ = writeln!(s, "{indent}{label} {shown}");
            }
            return s;
        }
        let first_diff = (0..self.expected.len().max(self.actual.len()))
            .find(|&i| self.expected.get(i) != self.actual.get(i));
        for (label, rows) in [("expected", &self.expected), ("actual", &self.actual)] {
            let _ = writeln!(s, "{indent}{label} ({} rows):", rows.len());
            let start = match first_diff {
                Some(d) if d > limit / 2 => d - limit / 2,
                _ => 0,
            };
            if start > 0 {
                let _ = writeln!(s, "{indent}    ... {start} rows");
            }
            for (i, r) in rows.iter().enumerate().skip(start).take(limit) {
                let mark = if Some(i) == first_diff { "!" } else { " " };
                let _ = writeln!(s, "{indent}  {mark} {}", super::run::elide(r, 400));
            }
            let shown = start + limit;
            if rows.len() > shown {
                let _ = writeln!(s, "{indent}    ... {} more rows", rows.len() - shown);
            }
            if first_diff.is_some_and(|d| d >= rows.len()) {
                let _ = writeln!(s, "{indent}  ! (no row {})", first_diff.unwrap_or(0) + 1);
            }
        }
        s
    }
}

/// Rows rendered as Kuzu's runner compares them: header first with `-CHECK_COLUMN_NAMES`,
/// sorted unless `-CHECK_ORDER`.
pub fn result_strings(out: &QueryOutput, check_order: bool, column_names: bool) -> Vec<String> {
    let mut v = Vec::with_capacity(out.rows.len() + 1);
    if column_names {
        v.push(out.header());
    }
    v.extend(out.row_strings());
    if !check_order {
        v.sort();
    }
    v
}

/// Lowercase hex MD5 of the rows, each followed by `\n`.
pub fn md5_of_rows(rows: &[String]) -> String {
    let mut h = Md5::new();
    for r in rows {
        h.update(r.as_bytes());
        h.update(b"\n");
    }
    h.finalize().iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Whole-match of an ECMAScript-style pattern against `text`.
pub fn regex_whole_match(pattern: &str, text: &str) -> Result<bool, String> {
    let re =
        Regex::new(&format!("^(?:{pattern})$")).map_err(|e| format!("invalid error regex: {e}"))?;
    Ok(re.is_match(text))
}

/// Checks result `res` of statement `st` against `exp`.
pub fn check_result(
    res: &Result<QueryOutput, String>,
    exp: &Expected,
    st: &Statement,
) -> Result<(), Mismatch> {
    match exp {
        Expected::Ok => match res {
            Ok(_) => Ok(()),
            Err(e) => Err(Mismatch::message(
                "expected success, got an error",
                "---- ok",
                e,
            )),
        },
        Expected::Error(msg) => {
            let want = msg.trim_end();
            match res {
                Err(e) if e.trim_end() == want => Ok(()),
                Err(e) => Err(Mismatch::message("wrong error message", want, e.trim_end())),
                Ok(out) => Err(Mismatch::new(
                    "expected an error, the query succeeded",
                    vec![want.to_string()],
                    result_strings(out, st.check_order, st.check_column_names),
                )),
            }
        }
        Expected::ErrorRegex(pattern) => match res {
            Err(e) => {
                let actual = e.trim_end();
                match regex_whole_match(pattern, actual) {
                    Ok(true) => Ok(()),
                    Ok(false) => Err(Mismatch::message(
                        "error message does not match the regex",
                        pattern,
                        actual,
                    )),
                    Err(why) => Err(Mismatch::message(why, pattern, actual)),
                }
            }
            Ok(out) => Err(Mismatch::new(
                "expected an error, the query succeeded",
                vec![pattern.clone()],
                result_strings(out, st.check_order, st.check_column_names),
            )),
        },
        Expected::Hash { tuples, md5 } => {
            let out = success(res, format!("---- hash {tuples} tuples hashed to {md5}"))?;
            let rows = result_strings(out, st.check_order, st.check_column_names);
            let got = md5_of_rows(&rows);
            if &got == md5 {
                Ok(())
            } else {
                let mut actual = vec![format!("{} tuples hashed to {got}", out.rows.len())];
                actual.extend(rows);
                Err(Mismatch::new(
                    "hash differs",
                    vec![format!("{tuples} tuples hashed to {md5}")],
                    actual,
                ))
            }
        }
        Expected::Rows { count, rows } => check_rows(res, *count, rows.clone(), st),
        Expected::File { count, path } => {
            let out = success(res, format!("<FILE>:{}", path.display()))?;
            let text = std::fs::read_to_string(path).map_err(|e| {
                Mismatch::new(
                    format!("cannot read answer file {}: {e}", path.display()),
                    vec![],
                    vec![],
                )
            })?;
            let rows: Vec<String> = text.lines().map(|l| l.to_string()).collect();
            if rows.len() != *count {
                // Kuzu's runner only logs this and passes.
                return Ok(());
            }
            check_rows(&Ok(out.clone()), *count, rows, st)
        }
    }
}

fn success(res: &Result<QueryOutput, String>, expected: String) -> Result<&QueryOutput, Mismatch> {
    res.as_ref()
        .map_err(|e| Mismatch::message("expected rows, got an error", &expected, e))
}

fn check_rows(
    res: &Result<QueryOutput, String>,
    count: usize,
    mut expected: Vec<String>,
    st: &Statement,
) -> Result<(), Mismatch> {
    let out = success(res, format!("---- {count}"))?;
    let actual = result_strings(out, st.check_order, st.check_column_names);
    if st.check_precision {
        if !st.check_order {
            return Err(Mismatch::new(
                "-CHECK_PRECISION requires -CHECK_ORDER",
                expected,
                actual,
            ));
        }
        if actual.len() != count || !precise_match(out, &expected, st.check_column_names) {
            return Err(Mismatch::new(
                "rows differ (FLOAT/DOUBLE compared within 1 ULP)",
                expected,
                actual,
            ));
        }
        return Ok(());
    }
    if !st.check_order {
        expected.sort();
    }
    if actual == expected {
        Ok(())
    } else {
        let reason = if actual.len() != expected.len() {
            format!(
                "expected {} rows, got {} rows",
                expected.len(),
                actual.len()
            )
        } else {
            "rows differ".to_string()
        };
        Err(Mismatch::new(reason, expected, actual))
    }
}

/// Kuzu's `StringUtils::split` with empty parts dropped (except the last).
fn split_bar(s: &str) -> Vec<&str> {
    let parts: Vec<&str> = s.split('|').collect();
    let n = parts.len();
    parts
        .into_iter()
        .enumerate()
        .filter(|(i, p)| *i + 1 == n || !p.is_empty())
        .map(|(_, p)| p)
        .collect()
}

fn precise_match(out: &QueryOutput, expected: &[String], column_names: bool) -> bool {
    for (idx, row) in (usize::from(column_names)..).zip(out.rows.iter()) {
        let Some(exp) = expected.get(idx) else {
            return false;
        };
        let parts = split_bar(exp);
        if parts.len() != row.len() {
            return false;
        }
        for (i, cell) in row.iter().enumerate() {
            let kind = out.kinds.get(i).copied().unwrap_or(ColumnKind::Other);
            let ok = match (kind, cell.number) {
                (ColumnKind::Float, Some(x)) => parse_float_prefix(parts[i])
                    .is_some_and(|y| precision_equal_f32(x as f32, y as f32)),
                (ColumnKind::Double, Some(x)) => {
                    parse_float_prefix(parts[i]).is_some_and(|y| precision_equal_f64(x, y))
                }
                _ => cell.text == parts[i],
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// `std::stod`: the longest leading prefix that is a number.
fn parse_float_prefix(s: &str) -> Option<f64> {
    let t = s.trim_start();
    if let Ok(v) = t.parse::<f64>() {
        return Some(v);
    }
    (1..t.len())
        .rev()
        .filter(|&i| t.is_char_boundary(i))
        .find_map(|i| t[..i].parse::<f64>().ok())
}

/// `|x - y|` within one ULP of the smaller magnitude (Kuzu's `precisionEqual<double>`).
pub fn precision_equal_f64(x: f64, y: f64) -> bool {
    let m = x.abs().min(y.abs());
    let exp = if m < f64::MIN_POSITIVE {
        f64::MIN_EXP - 2
    } else {
        ((m.to_bits() >> 52) & 0x7ff) as i32 - 1023
    };
    (x - y).abs() <= f64::EPSILON * 2f64.powi(exp)
}

/// As `precision_equal_f64` for FLOAT.
pub fn precision_equal_f32(x: f32, y: f32) -> bool {
    let m = x.abs().min(y.abs());
    let exp = if m < f32::MIN_POSITIVE {
        f32::MIN_EXP - 2
    } else {
        ((m.to_bits() >> 23) & 0xff) as i32 - 127
    };
    (x - y).abs() <= f32::EPSILON * 2f32.powi(exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_known_text() {
        // printf 'a\nb\n' | md5sum
        assert_eq!(
            md5_of_rows(&["a".to_string(), "b".to_string()]),
            "dd8c6a395b5dd36c56d23275028f526c"
        );
        assert_eq!(md5_of_rows(&[]), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn ecmascript_patterns_from_the_suite() {
        // csv/errors.test escapes a double quote, which ECMAScript allows.
        let pattern = r#"Copy exception: Error in file /k/x\.csv on line 3: Could not convert \" Eliz\" to INT64\. Line/record containing the error: 'Eliz, Eliz'"#;
        let msg = r#"Copy exception: Error in file /k/x.csv on line 3: Could not convert " Eliz" to INT64. Line/record containing the error: 'Eliz, Eliz'"#;
        assert_eq!(regex_whole_match(pattern, msg), Ok(true));
        // Whole match: a prefix is not enough.
        assert_eq!(regex_whole_match("Copy exception", msg), Ok(false));
        let p2 = r"^Runtime exception: Node\(nodeOffset: 0\) has connected edges in table (knows|studyAt) in the fwd direction\.$";
        assert_eq!(
            regex_whole_match(
                p2,
                "Runtime exception: Node(nodeOffset: 0) has connected edges in table studyAt in the fwd direction."
            ),
            Ok(true)
        );
        assert!(regex_whole_match("(", "x").is_err());
    }

    #[test]
    fn ulp_comparison() {
        assert!(precision_equal_f64(0.1 + 0.2, 0.3));
        assert!(!precision_equal_f64(0.3, 0.30000000000001));
        assert!(precision_equal_f32(1.731, 1.731_000_1));
        assert!(!precision_equal_f64(f64::NAN, f64::NAN));
        assert!(precision_equal_f64(0.0, 0.0));
    }

    #[test]
    fn split_drops_inner_empty_parts() {
        assert_eq!(split_bar("a||b"), vec!["a", "b"]);
        assert_eq!(split_bar("a|"), vec!["a", ""]);
    }

    #[test]
    fn float_prefix_like_stod() {
        assert_eq!(parse_float_prefix("1.5abc"), Some(1.5));
        assert_eq!(parse_float_prefix(" -2"), Some(-2.0));
        assert_eq!(parse_float_prefix("x"), None);
    }
}

//! `--params FILE.json`: query parameters from a JSON object.
//!
//! Owns: a small JSON reader that keeps integer digits exact (so values beyond `i64`/`u64`
//! become INT128 instead of going through `f64`) and object key order (STRUCT field order),
//! and the JSON → `Value` mapping: integers → INT64 (UINT64 when positive and too large for
//! INT64, INT128 beyond that), other numbers → DOUBLE, strings → STRING, booleans → BOOL,
//! null → NULL, arrays → LIST (numeric elements widened to one common type), objects →
//! STRUCT.

use crate::db::Params;
use crate::types::Value;

/// A parsed JSON value (numbers kept as text).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// The literal's text; `integer` when it has no fraction or exponent.
    Number {
        text: String,
        integer: bool,
    },
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
}

/// Parses one JSON document. Errors name the byte offset.
pub fn parse_json(text: &str) -> Result<Json, String> {
    let mut r = Reader {
        s: text.as_bytes(),
        pos: 0,
    };
    let v = r.value(0)?;
    r.ws();
    if r.pos != r.s.len() {
        return Err(r.err("unexpected text after the JSON value"));
    }
    Ok(v)
}

impl Reader<'_> {
    fn err(&self, what: &str) -> String {
        format!("invalid JSON at byte {}: {what}", self.pos)
    }

    fn ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn literal(&mut self, word: &str, v: Json) -> Result<Json, String> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err("unexpected character"))
        }
    }

    fn value(&mut self, depth: u32) -> Result<Json, String> {
        if depth > 256 {
            return Err(self.err("nesting too deep"));
        }
        self.ws();
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(self.err("expected ',' or ']'")),
                    }
                }
            }
            Some(b'{') => {
                self.pos += 1;
                let mut fields: Vec<(String, Json)> = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(Json::Object(fields));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.err("expected a string key"));
                    }
                    let key = self.string()?;
                    if fields.iter().any(|(k, _)| *k == key) {
                        return Err(self.err(&format!("duplicate key \"{key}\"")));
                    }
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(self.err("expected ':'"));
                    }
                    self.pos += 1;
                    let v = self.value(depth + 1)?;
                    fields.push((key, v));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Json::Object(fields));
                        }
                        _ => return Err(self.err("expected ',' or '}'")),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let n = self.digits();
        if n == 0 || (n > 1 && self.s[int_start] == b'0') {
            return Err(self.err("invalid number"));
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            integer = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        let text = String::from_utf8_lossy(&self.s[start..self.pos]).into_owned();
        Ok(Json::Number { text, integer })
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self
            .s
            .get(self.pos..self.pos + 4)
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|t| u32::from_str_radix(t, 16).ok())
            .ok_or_else(|| self.err("invalid \\u escape"))?;
        self.pos += 4;
        Ok(h)
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1; // opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(self.err("unterminated string"));
                    };
                    self.pos += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !self.s[self.pos..].starts_with(b"\\u") {
                                    return Err(self.err("unpaired surrogate"));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("unpaired surrogate"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or_else(|| self.err("invalid \\u escape"))?
                        }
                        _ => return Err(self.err("invalid escape")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return Err(self.err("control character in string")),
                _ => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| self.err("invalid UTF-8 in string"))
    }
}

/// Maps a JSON value to a ruzu value (see the module header).
pub fn json_to_value(j: &Json) -> Result<Value, String> {
    Ok(match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number {
            text,
            integer: true,
        } => {
            if let Ok(v) = text.parse::<i64>() {
                Value::Int64(v)
            } else if let Ok(v) = text.parse::<u64>() {
                Value::UInt64(v)
            } else if let Ok(v) = text.parse::<i128>() {
                Value::Int128(v)
            } else {
                return Err(format!("integer {text} is out of the INT128 range"));
            }
        }
        Json::Number {
            text,
            integer: false,
        } => {
            let v: f64 = text.parse().map_err(|_| format!("invalid number {text}"))?;
            if !v.is_finite() {
                return Err(format!("number {text} is out of the DOUBLE range"));
            }
            Value::Double(v)
        }
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => {
            let vals = items
                .iter()
                .map(json_to_value)
                .collect::<Result<Vec<_>, _>>()?;
            Value::List(unify_numbers(vals))
        }
        Json::Object(fields) => Value::Struct(
            fields
                .iter()
                .map(|(k, v)| Ok((k.clone(), json_to_value(v)?)))
                .collect::<Result<Vec<_>, String>>()?,
        ),
    })
}

/// Widens the numbers of a list to one type: DOUBLE if any is a DOUBLE, else INT128 if any is
/// INT128 or UINT64 values meet negative ones, else UINT64 if any is UINT64.
fn unify_numbers(vals: Vec<Value>) -> Vec<Value> {
    let any = |f: &dyn Fn(&Value) -> bool| vals.iter().any(f);
    let ints = |v: &Value| matches!(v, Value::Int64(_) | Value::UInt64(_) | Value::Int128(_));
    if !any(&ints) && !any(&|v| matches!(v, Value::Double(_))) {
        return vals;
    }
    let target = if any(&|v| matches!(v, Value::Double(_))) {
        "double"
    } else if any(&|v| matches!(v, Value::Int128(_)))
        || (any(&|v| matches!(v, Value::UInt64(_)))
            && any(&|v| matches!(v, Value::Int64(x) if *x < 0)))
    {
        "int128"
    } else if any(&|v| matches!(v, Value::UInt64(_))) {
        "uint64"
    } else {
        return vals;
    };
    vals.into_iter()
        .map(|v| match (target, v) {
            ("double", Value::Int64(x)) => Value::Double(x as f64),
            ("double", Value::UInt64(x)) => Value::Double(x as f64),
            ("double", Value::Int128(x)) => Value::Double(x as f64),
            ("int128", Value::Int64(x)) => Value::Int128(x as i128),
            ("int128", Value::UInt64(x)) => Value::Int128(x as i128),
            ("uint64", Value::Int64(x)) if x >= 0 => Value::UInt64(x as u64),
            (_, v) => v,
        })
        .collect()
}

/// Parses a params file's text: a JSON object whose keys are parameter names (a leading `$`
/// is allowed and dropped).
pub fn parse_params(text: &str) -> Result<Params, String> {
    let Json::Object(fields) = parse_json(text)? else {
        return Err("the parameters file must hold a JSON object".into());
    };
    let mut params = Params::new();
    for (k, v) in &fields {
        let name = k.strip_prefix('$').unwrap_or(k);
        if name.is_empty() {
            return Err("empty parameter name".into());
        }
        let value = json_to_value(v).map_err(|e| format!("parameter ${name}: {e}"))?;
        params.insert(name.to_string(), value);
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Value {
        json_to_value(&parse_json(text).unwrap()).unwrap()
    }

    #[test]
    fn scalars() {
        assert_eq!(v("null"), Value::Null);
        assert_eq!(v("true"), Value::Bool(true));
        assert_eq!(v(" false "), Value::Bool(false));
        assert_eq!(v("42"), Value::Int64(42));
        assert_eq!(v("-9223372036854775808"), Value::Int64(i64::MIN));
        assert_eq!(v("9223372036854775808"), Value::UInt64(1 << 63));
        assert_eq!(v("18446744073709551615"), Value::UInt64(u64::MAX));
        assert_eq!(v("18446744073709551616"), Value::Int128(1 << 64));
        assert_eq!(
            v("-9223372036854775809"),
            Value::Int128(i64::MIN as i128 - 1)
        );
        assert_eq!(
            v("170141183460469231731687303715884105727"),
            Value::Int128(i128::MAX)
        );
        assert_eq!(v("1.5"), Value::Double(1.5));
        assert_eq!(v("-2e3"), Value::Double(-2000.0));
        assert_eq!(v("1E-2"), Value::Double(0.01));
        assert_eq!(
            v(r#""a\"b\\c\n\u00e9\ud83d\ude00/\/""#),
            Value::String("a\"b\\c\né😀//".into())
        );
    }

    #[test]
    fn nested() {
        assert_eq!(
            v(r#"[1, 2, null]"#),
            Value::List(vec![Value::Int64(1), Value::Int64(2), Value::Null])
        );
        assert_eq!(
            v(r#"[1, 2.5]"#),
            Value::List(vec![Value::Double(1.0), Value::Double(2.5)])
        );
        assert_eq!(
            v(r#"[-1, 18446744073709551615]"#),
            Value::List(vec![Value::Int128(-1), Value::Int128(u64::MAX as i128)])
        );
        assert_eq!(
            v(r#"[1, 18446744073709551615]"#),
            Value::List(vec![Value::UInt64(1), Value::UInt64(u64::MAX)])
        );
        assert_eq!(v("[]"), Value::List(vec![]));
        assert_eq!(
            v(r#"{"z": "x", "a": [true], "m": {}}"#),
            Value::Struct(vec![
                ("z".into(), Value::String("x".into())),
                ("a".into(), Value::List(vec![Value::Bool(true)])),
                ("m".into(), Value::Struct(vec![])),
            ])
        );
    }

    #[test]
    fn bad_json() {
        for bad in [
            "",
            "{",
            "[1,]",
            "01",
            "1.",
            "-",
            "\"abc",
            "{\"a\" 1}",
            "nul",
            "[1] x",
            "\"\\q\"",
            "\"\\ud800\"",
            "{\"a\":1,\"a\":2}",
            "\"a\u{1}\"",
        ] {
            assert!(parse_json(bad).is_err(), "{bad:?} should fail");
        }
        assert_eq!(
            parse_json("[1 2]").unwrap_err(),
            "invalid JSON at byte 3: expected ',' or ']'"
        );
        assert_eq!(
            json_to_value(&parse_json("1e999").unwrap()).unwrap_err(),
            "number 1e999 is out of the DOUBLE range"
        );
        assert!(
            json_to_value(&parse_json("1701411834604692317316873037158841057280").unwrap())
                .is_err()
        );
    }

    #[test]
    fn params_file() {
        let p = parse_params(r#"{"name": "Alice", "$age": 30, "tags": ["a"]}"#).unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p["name"], Value::String("Alice".into()));
        assert_eq!(p["age"], Value::Int64(30));
        assert_eq!(p["tags"], Value::List(vec![Value::String("a".into())]));
        assert_eq!(
            parse_params("[1]").unwrap_err(),
            "the parameters file must hold a JSON object"
        );
        assert_eq!(
            parse_params(r#"{"x": 1e400}"#).unwrap_err(),
            "parameter $x: number 1e400 is out of the DOUBLE range"
        );
    }
}

//! Kuzu-shaped parser error messages.
//!
//! Owns: the `msg (line: L, offset: O)\n"<line>"\n <carets>` layout Kuzu's ANTLR error listener
//! prints, a small tokenizer that finds the token Kuzu would blame at a position, and the
//! heuristics that map a pest failure position onto Kuzu's "Invalid input <...>: expected rule
//! R" messages (which rule's prediction failed, where its lookahead started).

use pest::error::InputLocation;

use super::parser::{is_complete_statement, Rule};
use crate::error::Error;

/// Kuzu parses the query after trimming leading whitespace; positions count from there.
fn trimmed_start(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// Builds `Error::Parser` with Kuzu's position suffix and underline. `pos` is an absolute byte
/// offset into `text`; `width` is the caret count in characters.
pub(crate) fn positioned(text: &str, pos: usize, width: usize, msg: &str) -> Error {
    let t0 = trimmed_start(text);
    let input = &text[t0..];
    let rel = pos.saturating_sub(t0).min(input.len());
    let before = &input[..rel];
    let line_no = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let offset = input[line_start..rel].chars().count();
    let line_text = input.split('\n').nth(line_no - 1).unwrap_or("");
    let mut s = format!("{msg} (line: {line_no}, offset: {offset})\n\"{line_text}\"\n ");
    s.push_str(&" ".repeat(offset));
    s.push_str(&"^".repeat(width));
    Error::Parser(s)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Space,
    Word,
    Other,
    Eof,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_part(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The token starting at `pos`: (kind, width in chars, byte length). Follows Kuzu's lexer
/// closely enough for error messages: whitespace/comment runs are one token (SP), words,
/// numbers, complete strings and multi-character operators are one token, an unterminated
/// quote is a one-character token.
fn token(text: &str, pos: usize) -> (Tok, usize, usize) {
    let rest = &text[pos.min(text.len())..];
    let Some(c) = rest.chars().next() else {
        return (Tok::Eof, 0, 0);
    };
    let span_chars = |bytes: usize| rest[..bytes].chars().count();
    // whitespace and comments
    let mut i = 0;
    loop {
        let r = &rest[i..];
        if let Some(ch) = r.chars().next().filter(|ch| ch.is_whitespace()) {
            i += ch.len_utf8();
        } else if let Some(body) = r.strip_prefix("/*") {
            match body.find("*/") {
                Some(e) => i += e + 4,
                None => break,
            }
        } else if r.starts_with("//") {
            i += r.find('\n').map(|e| e + 1).unwrap_or(r.len());
        } else {
            break;
        }
    }
    if i > 0 {
        return (Tok::Space, span_chars(i), i);
    }
    if is_ident_start(c) {
        let n: usize = rest
            .char_indices()
            .find(|(_, ch)| !is_ident_part(*ch))
            .map(|(j, _)| j)
            .unwrap_or(rest.len());
        return (Tok::Word, span_chars(n), n);
    }
    if c.is_ascii_digit() || (c == '.' && rest[1..].starts_with(|d: char| d.is_ascii_digit())) {
        let b = rest.as_bytes();
        let mut j = 0;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
            j += 1;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
        }
        if j < b.len() && (b[j] == b'e' || b[j] == b'E') {
            let mut k = j + 1;
            if k < b.len() && b[k] == b'-' {
                k += 1;
            }
            if k < b.len() && b[k].is_ascii_digit() {
                while k < b.len() && b[k].is_ascii_digit() {
                    k += 1;
                }
                j = k;
            }
        }
        return (Tok::Other, j, j);
    }
    if c == '\'' || c == '"' || c == '`' {
        let mut esc = false;
        for (j, ch) in rest.char_indices().skip(1) {
            if esc {
                if !"\\'\"bfnrtBFNRTxXuU".contains(ch) {
                    break;
                }
                esc = false;
            } else if ch == '\\' && c != '`' {
                esc = true;
            } else if ch == c {
                let n = j + 1;
                return (Tok::Other, span_chars(n), n);
            }
        }
        return (Tok::Other, 1, c.len_utf8());
    }
    for op in ["..", "!=", "<>", "<=", ">=", "=~", "<<", ">>"] {
        if rest.starts_with(op) {
            return (Tok::Other, 2, 2);
        }
    }
    (Tok::Other, 1, c.len_utf8())
}

/// (byte length, char width) of the token Kuzu would see at `pos`.
pub(crate) fn token_at(text: &str, pos: usize) -> (usize, usize) {
    let (_, w, n) = token(text, pos);
    (n, w)
}

/// Length in bytes of `text` without trailing whitespace and comments.
pub(crate) fn meaningful_len(text: &str) -> usize {
    let mut end = 0;
    let mut p = 0;
    while p < text.len() {
        let (k, _, n) = token(text, p);
        if n == 0 {
            break;
        }
        if k != Tok::Space {
            end = p + n;
        }
        p += n;
    }
    end
}

/// All tokens from `start` to `end`: (kind, byte start, byte len).
fn tokens(text: &str, start: usize, end: usize) -> Vec<(Tok, usize, usize)> {
    let mut out = Vec::new();
    let mut p = start;
    while p < end {
        let (k, _, n) = token(text, p);
        if n == 0 {
            break;
        }
        out.push((k, p, n));
        p += n;
    }
    out
}

/// Splits `text` into statement texts at `;` outside strings, back-quoted names and comments.
/// Pieces are trimmed; empty and comment-only pieces are dropped.
pub fn split_statements(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut p = 0;
    let mut meaningful = false;
    while p < text.len() {
        let (k, _, n) = token(text, p);
        if n == 0 {
            break;
        }
        if k == Tok::Other && &text[p..p + n] == ";" {
            if meaningful {
                out.push(text[start..p].trim());
            }
            start = p + 1;
            meaningful = false;
        } else if k != Tok::Space {
            meaningful = true;
        }
        p += n;
    }
    if meaningful {
        out.push(text[start..].trim());
    }
    out
}

const STATEMENT_KEYWORDS: &str = "ALTER, ATTACH, BEGIN, CALL, CHECKPOINT, COMMENT, COMMIT, COPY, \
    CREATE, DELETE, DETACH, DROP, EXPLAIN, EXPORT, FORCE, IMPORT, INSTALL, LOAD, MATCH, MERGE, \
    OPTIONAL, PROFILE, RETURN, ROLLBACK, SET, UNWIND, UNINSTALL, UPDATE, USE, WITH";

const QUERY_START: &[&str] = &[
    "MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CREATE", "MERGE", "SET", "DELETE", "DETACH",
    "CALL", "LOAD",
];

/// Maps a pest failure onto Kuzu's message.
pub(crate) fn syntax_error(text: &str, e: &pest::error::Error<Rule>) -> Error {
    let rule_pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(text.len());
    // The detailed position also counts literals tried inside atomic tokens (the closing
    // quote of a bad string); Kuzu's lexer blames the opening quote then.
    let pos = if text[rule_pos..].starts_with(['\'', '"', '`']) {
        rule_pos
    } else {
        rule_pos
            .max(e.parse_attempts().map(|a| a.max_position).unwrap_or(0))
            .min(text.len())
    };
    // Statement containing `pos`: after the last top-level `;` before it.
    let mut stmt_start = trimmed_start(text);
    for (k, s, n) in tokens(text, 0, pos) {
        if k == Tok::Other && &text[s..s + n] == ";" {
            stmt_start = s + 1;
        }
    }
    let toks: Vec<(Tok, usize, usize)> = tokens(text, stmt_start, pos)
        .into_iter()
        .filter(|t| t.0 != Tok::Space)
        .collect();
    let Some(&(_, s0, _)) = toks.first() else {
        // Nothing meaningful before the error: the statement itself starts here.
        let (k, w, n) = token(text, pos);
        let tok_text = if k == Tok::Eof {
            "<EOF>".to_string()
        } else {
            text[pos..pos + n].to_string()
        };
        return positioned(
            text,
            pos,
            w,
            &format!("extraneous input '{tok_text}' expecting {{{STATEMENT_KEYWORDS}, SP}}"),
        );
    };
    let stmt_start = s0;
    let (_, width, tok_len) = token(text, pos);
    let invalid = |from: usize, rule: &str| {
        let to = (pos + tok_len).min(text.len());
        positioned(
            text,
            pos,
            width,
            &format!("Invalid input <{}>: expected rule {rule}", &text[from..to]),
        )
    };
    // A complete statement followed by something unexpected.
    if is_complete_statement(text[stmt_start..pos].trim_end()) {
        let ws_start = text[..pos].trim_end().len();
        return invalid(ws_start.max(stmt_start), "ku_Statements");
    }
    let words: Vec<(String, usize)> = toks
        .iter()
        .filter(|t| t.0 == Tok::Word)
        .map(|t| (text[t.1..t.1 + t.2].to_ascii_uppercase(), t.1))
        .collect();
    let mut wi = 0;
    if words
        .first()
        .is_some_and(|w| w.0 == "EXPLAIN" || w.0 == "PROFILE")
    {
        wi = 1;
        if words.get(1).is_some_and(|w| w.0 == "LOGICAL") {
            wi = 2;
        }
    }
    let first_word = words.get(wi).map(|w| w.0.as_str()).unwrap_or("");
    let second_word = words.get(wi + 1).map(|w| w.0.as_str()).unwrap_or("");
    let is_query = QUERY_START.contains(&first_word)
        && !(first_word == "CREATE"
            && matches!(
                second_word,
                "NODE" | "REL" | "SEQUENCE" | "TYPE" | "MACRO" | "USER" | "ROLE"
            ))
        && (first_word != "LOAD" || matches!(second_word, "FROM" | "WITH"))
        && !(first_word == "DETACH" && second_word != "DELETE");
    if !is_query {
        // Inside an expression (a DEFAULT value, a macro body, a CALL option value): Kuzu's
        // oC_ComparisonExpression prediction fails, looking ahead from the expression start.
        let is_macro = first_word == "CREATE" && second_word == "MACRO";
        let is_call = first_word == "CALL";
        let mut expr_start = None;
        for (i, &(k, s, n)) in toks.iter().enumerate() {
            let t = &text[s..s + n];
            let opens = (k == Tok::Word && t.eq_ignore_ascii_case("default"))
                || (is_macro && k == Tok::Word && t.eq_ignore_ascii_case("as"))
                || (is_call && k == Tok::Other && t == "=");
            if opens {
                expr_start = Some(toks.get(i + 1).map(|t2| t2.1).unwrap_or(pos));
            } else if k == Tok::Other && t == "," && !is_macro {
                expr_start = None;
            }
        }
        return match expr_start {
            Some(es) => invalid(es.min(pos), "oC_ComparisonExpression"),
            None => invalid(stmt_start, "oC_Statement"),
        };
    }
    if first_word == "RETURN" {
        return invalid(stmt_start, "oC_RegularQuery");
    }
    // Top-level (bracket depth 0) clause keywords before the error.
    let mut depth = 0i32;
    let mut last_proj: Option<(usize, usize)> = None; // (keyword index in toks, item start)
    let mut clause_after_with: Option<usize> = None;
    let mut prev_word = String::new();
    for (i, &(k, s, n)) in toks.iter().enumerate() {
        let t = &text[s..s + n];
        match (k, t) {
            (Tok::Other, "(" | "[" | "{") => depth += 1,
            (Tok::Other, ")" | "]" | "}") => depth -= 1,
            (Tok::Other, ",") if depth == 0 => {
                if let Some((ki, _)) = last_proj {
                    if let Some(&(_, ns, _)) = toks.get(i + 1) {
                        last_proj = Some((ki, ns));
                    }
                }
            }
            (Tok::Word, _) if depth == 0 => {
                let u = t.to_ascii_uppercase();
                let is_with_clause = u == "WITH"
                    && !matches!(prev_word.as_str(), "STARTS" | "ENDS" | "LOAD")
                    && !toks
                        .get(i + 1)
                        .is_some_and(|t2| text[t2.1..t2.1 + t2.2].eq_ignore_ascii_case("headers"));
                if u == "RETURN" || is_with_clause {
                    let mut j = i + 1;
                    if toks
                        .get(j)
                        .is_some_and(|t2| text[t2.1..t2.1 + t2.2].eq_ignore_ascii_case("distinct"))
                    {
                        j += 1;
                    }
                    let item_start = toks.get(j).map(|t2| t2.1).unwrap_or(pos);
                    last_proj = Some((i, item_start));
                    clause_after_with = None;
                } else if matches!(u.as_str(), "ORDER" | "SKIP" | "LIMIT" | "WHERE") {
                    last_proj = last_proj.map(|(ki, _)| (ki, usize::MAX));
                } else if matches!(
                    u.as_str(),
                    "MATCH"
                        | "OPTIONAL"
                        | "UNWIND"
                        | "CALL"
                        | "LOAD"
                        | "CREATE"
                        | "MERGE"
                        | "SET"
                        | "DELETE"
                        | "DETACH"
                ) && last_proj.is_some()
                    && clause_after_with.is_none()
                {
                    clause_after_with = Some(s);
                    last_proj = None;
                }
                prev_word = u;
            }
            _ => {}
        }
    }
    if let Some(cs) = clause_after_with {
        return invalid(cs, "oC_MultiPartQuery");
    }
    match last_proj {
        None => invalid(stmt_start, "oC_SingleQuery"),
        Some((_, item_start)) if item_start != usize::MAX => {
            invalid(item_start.min(pos), "oC_ProjectionItem")
        }
        Some(_) => invalid(stmt_start, "oC_SingleQuery"),
    }
}

//! Kuzu-shaped parser error messages.
//!
//! Owns: the `msg (line: L, offset: O)\n"<line>"\n <carets>` layout Kuzu's ANTLR error listener
//! prints, a small tokenizer that finds the token Kuzu would blame at a position, and the
//! heuristics that map a pest failure position onto Kuzu's "Invalid input <...>: expected rule
//! R" messages (which rule's prediction failed, where its lookahead started).

use pest::error::InputLocation;

use super::parser::{is_complete_statement, is_reserved, Rule};
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

/// Tokens that can start an expression, in Kuzu's token order (its "expecting {...}" sets).
const EXPRESSION_START: &str = "'(', '[', '{', '$', ANY, ADD, ALL, ALTER, AS, ATTACH, BEGIN, BY, \
    CALL, CASE, CAST, CHECKPOINT, COMMENT, COMMIT, CONTAINS, COPY, COUNT, CYCLE, DATABASE, DELETE, \
    DETACH, DROP, EXISTS, EXPLAIN, EXPORT, EXTENSION, FALSE, FROM, FORCE, GRAPH, IMPORT, IF, \
    INCREMENT, IS, KEY, LIMIT, LOAD, LOGICAL, MATCH, MAXVALUE, MERGE, MINVALUE, NO, NODE, NOT, NONE, \
    NULL, PROJECT, READ, REL, RENAME, RETURN, ROLLBACK, SEQUENCE, SET, START, STRUCT, TO, \
    TRANSACTION, TRUE, TYPE, UNINSTALL, UPDATE, USE, WRITE, SINGLE, YIELD, USER, PASSWORD, ROLE, \
    MAP, DECIMAL, L_SKIP, '-', StringLiteral, DecimalInteger, HexLetter, ExponentDecimalReal, \
    RegularDecimalReal, UnescapedSymbolicName, EscapedSymbolicName";

const CLAUSE_KEYWORDS: &str =
    "CALL, CREATE, DELETE, DETACH, LOAD, MATCH, MERGE, OPTIONAL, RETURN, SET, UNWIND, WITH";

/// Text of the token at `pos` as ANTLR names it in "mismatched input 'X'" messages.
fn token_text(text: &str, pos: usize) -> String {
    let (k, _, n) = token(text, pos);
    if k == Tok::Eof {
        "<EOF>".to_string()
    } else {
        text[pos..pos + n].to_string()
    }
}

/// Maps a pest failure onto Kuzu's message.
pub(crate) fn syntax_error(text: &str, e: &pest::error::Error<Rule>) -> Error {
    let rule_pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(text.len());
    // pest's detailed position also counts literals tried after a complete token (the `{`
    // after EXISTS); only trust it when it follows whitespace, since inside atomic tokens
    // (strings, numbers) it points past the character Kuzu's lexer blames.
    // Positions where only built-in classes were tried (the `!ident_char` word boundary after
    // a keyword, also inside `!reserved_word`) do not count.
    let detailed = e
        .parse_attempts()
        .filter(|a| {
            a.expected_tokens()
                .iter()
                .any(|t| t.to_string() != "BUILTIN_RULE")
        })
        .map(|a| a.max_position)
        .unwrap_or(0)
        .min(text.len());
    let mut pos = rule_pos;
    if detailed > rule_pos && text.is_char_boundary(detailed) {
        let after_space = text[..detailed].ends_with(|c: char| c.is_whitespace());
        let inside_token_rule = text[rule_pos..].starts_with(['\'', '"', '`', '.']);
        let at_boundary = tokens(text, rule_pos, detailed)
            .last()
            .is_some_and(|&(_, s, n)| s + n == detailed);
        if after_space || (at_boundary && !inside_token_rule) {
            pos = detailed;
        }
    }
    // Statement containing `pos`: after the last top-level `;` before it. Snap `pos` to the
    // start of the token containing it (Kuzu's lexer has `..`, `!=`, ... as single tokens).
    let mut stmt_start = trimmed_start(text);
    for (k, s, n) in tokens(text, 0, pos) {
        if k == Tok::Other && &text[s..s + n] == ";" {
            stmt_start = s + 1;
        }
        if s < pos && pos < s + n && k != Tok::Space {
            pos = s;
        }
    }
    classify(text, stmt_start, pos, true)
}

fn classify(text: &str, stmt_start: usize, pos: usize, top: bool) -> Error {
    let toks: Vec<(Tok, usize, usize)> = tokens(text, stmt_start, pos)
        .into_iter()
        .filter(|t| t.0 != Tok::Space)
        .collect();
    let (_, width, tok_len) = token(text, pos);
    let Some(&(_, stmt_start, _)) = toks.first() else {
        // Nothing meaningful before the error: the statement itself starts here.
        return positioned(
            text,
            pos,
            width,
            &format!(
                "extraneous input '{}' expecting {{{STATEMENT_KEYWORDS}, SP}}",
                token_text(text, pos)
            ),
        );
    };
    let ws_before = text[..pos].ends_with(|c: char| c.is_whitespace());
    let ws_start = text[..pos].trim_end().len().max(stmt_start);
    let invalid = |from: usize, rule: &str| {
        let to = (pos + tok_len).min(text.len());
        positioned(
            text,
            pos,
            width,
            &format!("Invalid input <{}>: expected rule {rule}", &text[from..to]),
        )
    };
    // A `!=` already followed by an operand: Kuzu reported it while parsing, before failing.
    if let Some(j) = toks.iter().position(|t| &text[t.1..t.1 + t.2] == "!=") {
        if j + 1 < toks.len() {
            return positioned(
                text,
                toks[j].1,
                2,
                "Unknown operation '!=' (you probably meant to use '<>', which is the operator \
                 for inequality testing.)",
            );
        }
    }
    // A complete statement followed by something unexpected.
    if top && is_complete_statement(text[stmt_start..pos].trim_end()) {
        if ws_before {
            return invalid(ws_start, "ku_Statements");
        }
        let next = pos + tok_len;
        let next_ok = next >= text.len()
            || text[next..].starts_with(|c: char| c == ';' || c.is_whitespace())
            || text[next..].starts_with("//")
            || text[next..].starts_with("/*");
        let kind = if next_ok { "extraneous" } else { "mismatched" };
        return positioned(
            text,
            pos,
            width,
            &format!(
                "{kind} input '{}' expecting {{<EOF>, ';', SP}}",
                token_text(text, pos)
            ),
        );
    }
    // Single-token expectations that Kuzu reports as "mismatched input".
    if let Some(m) = mismatched(text, &toks, pos, ws_before) {
        return positioned(text, pos, width, &m);
    }
    // Inside a parenthesized subquery (COPY ... FROM (query), COPY (query) TO): Kuzu's
    // query rules report from the subquery's start.
    let mut stack: Vec<usize> = Vec::new();
    for (i, &(k, s, n)) in toks.iter().enumerate() {
        match (k, &text[s..s + n]) {
            (Tok::Other, "(" | "[" | "{") => stack.push(i),
            (Tok::Other, ")" | "]" | "}") => {
                stack.pop();
            }
            _ => {}
        }
    }
    if let Some(i) = toks
        .iter()
        .position(|t| t.0 == Tok::Word && text[t.1..t.1 + t.2].eq_ignore_ascii_case("as"))
    {
        let create_table =
            toks.first()
                .is_some_and(|t| text[t.1..t.1 + t.2].eq_ignore_ascii_case("create"))
                && toks.iter().take(i).any(|t| {
                    t.0 == Tok::Word && text[t.1..t.1 + t.2].eq_ignore_ascii_case("table")
                });
        if let Some(&(Tok::Word, s, n)) = toks.get(i + 1) {
            if create_table && QUERY_START.contains(&text[s..s + n].to_ascii_uppercase().as_str()) {
                return classify(text, s, pos, false);
            }
        }
    }
    for &i in stack.iter().rev() {
        if &text[toks[i].1..toks[i].1 + toks[i].2] != "(" {
            continue;
        }
        if let Some(&(Tok::Word, s, n)) = toks.get(i + 1) {
            let w = text[s..s + n].to_ascii_uppercase();
            let after_copy_or_from = i > 0 && {
                let (_, ps, pn) = toks[i - 1];
                let pw = &text[ps..ps + pn];
                pw.eq_ignore_ascii_case("from") || pw.eq_ignore_ascii_case("copy")
            };
            if matches!(
                w.as_str(),
                "MATCH" | "OPTIONAL" | "UNWIND" | "WITH" | "RETURN" | "LOAD"
            ) && after_copy_or_from
            {
                return classify(text, s, pos, false);
            }
        }
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
        && !(first_word == "DETACH" && second_word != "DELETE")
        && !(first_word == "CALL"
            && toks
                .get(wi + 2)
                .is_some_and(|t| &text[t.1..t.1 + t.2] == "="));
    // Statement kinds sharing a first keyword are still undecided.
    let undecided = (first_word == "CREATE" && words.len() <= wi + 1 && toks.len() <= wi + 1)
        || (first_word == "CALL" && {
            // Standalone CALL f(...) and in-query CALL f(...) ... share tokens up to `)`.
            let mut depth = 0i32;
            let mut closed = false;
            let mut assign = false;
            for t in &toks {
                match &text[t.1..t.1 + t.2] {
                    "(" => depth += 1,
                    ")" => {
                        depth -= 1;
                        closed |= depth == 0;
                    }
                    "=" if depth == 0 => assign = true,
                    _ => {}
                }
            }
            !closed && !assign
        });
    // CREATE followed by neither a pattern nor a DDL keyword.
    if first_word == "CREATE" {
        if let Some(&(k2, s2, n2)) = toks.get(wi + 1) {
            let w2 = text[s2..s2 + n2].to_ascii_uppercase();
            let ddl = matches!(
                w2.as_str(),
                "NODE" | "REL" | "SEQUENCE" | "TYPE" | "MACRO" | "USER" | "ROLE"
            );
            let maybe_path_variable = k2 == Tok::Word && !is_reserved(&w2);
            let opens_pattern = k2 == Tok::Other && &text[s2..s2 + n2] == "(";
            if !(ddl || maybe_path_variable || opens_pattern) && s2 < pos {
                let (_, w, _) = token(text, s2);
                return positioned(
                    text,
                    s2,
                    w,
                    &format!(
                        "Invalid input <{}>: expected rule oC_Statement",
                        &text[stmt_start..s2 + n2]
                    ),
                );
            }
        }
    }
    if first_word == "BEGIN" {
        return invalid(stmt_start, "kU_Transaction");
    }
    // CREATE MACRO f(...: positional and default arguments share their first token.
    if first_word == "CREATE" && second_word == "MACRO" {
        if let Some(open) = toks.iter().position(|t| &text[t.1..t.1 + t.2] == "(") {
            if !toks[open..].iter().any(|t| &text[t.1..t.1 + t.2] == ")") {
                let from = toks.get(open + 1).map(|t| t.1).unwrap_or(pos);
                return invalid(from.min(pos), "kU_CreateMacro");
            }
        }
    }
    // CREATE REL TABLE followed by nothing usable: GROUP / IF NOT EXISTS / name decision.
    if first_word == "CREATE"
        && second_word == "REL"
        && words.len() == wi + 3
        && toks.len() == wi + 3
        && ws_before
    {
        return invalid(ws_start, "kU_CreateRelTable");
    }
    // ALTER TABLE t ADD|DROP|RENAME ...: the alternatives share two more tokens.
    if first_word == "ALTER" {
        if let Some(&(_, s4)) = words
            .get(wi + 3)
            .filter(|w| matches!(w.0.as_str(), "ADD" | "DROP" | "RENAME"))
        {
            let after: Vec<&(Tok, usize, usize)> = toks.iter().filter(|t| t.1 > s4).collect();
            if after.len() <= 1 {
                return invalid(s4, "kU_AlterOptions");
            }
        }
    }
    // CREATE REL TABLE r(FROM a TO b ...: after the connections, properties or `) AS`.
    if first_word == "CREATE" && second_word == "REL" {
        let mut after_conn = None;
        for (i, &(k, s, n)) in toks.iter().enumerate() {
            if k == Tok::Word && text[s..s + n].eq_ignore_ascii_case("to") {
                if let Some(&(_, s3, _)) = toks.get(i + 2) {
                    after_conn = Some(s3);
                }
            }
        }
        if let Some(ac) = after_conn {
            return invalid(ac.min(pos), "kU_CreateRelTable");
        }
    }
    if !is_query || undecided {
        // Inside an expression (a DEFAULT value, a macro body, a CALL option value): Kuzu's
        // oC_ComparisonExpression prediction fails, looking ahead from the expression start.
        let is_macro = first_word == "CREATE" && second_word == "MACRO";
        let is_call = first_word == "CALL";
        let mut expr_start = None;
        let mut expr_depth = 0i32;
        let mut depth = 0i32;
        for (i, &(k, s, n)) in toks.iter().enumerate() {
            let t = &text[s..s + n];
            let opens = (k == Tok::Word && t.eq_ignore_ascii_case("default"))
                || (is_macro && k == Tok::Word && t.eq_ignore_ascii_case("as"))
                || (is_call && k == Tok::Other && t == "=");
            match (k, t) {
                (Tok::Other, "(" | "[" | "{") => depth += 1,
                (Tok::Other, ")" | "]" | "}") => {
                    depth -= 1;
                    if depth < expr_depth {
                        expr_start = None;
                    }
                }
                _ => {}
            }
            if opens {
                expr_start = Some(toks.get(i + 1).map(|t2| t2.1).unwrap_or(pos));
                expr_depth = depth;
            } else if k == Tok::Other && t == "," && !is_macro && depth == expr_depth {
                expr_start = None;
            }
        }
        return match expr_start {
            Some(es) => invalid(es.min(pos), "oC_ComparisonExpression"),
            None => invalid(stmt_start, "oC_Statement"),
        };
    }
    if first_word == "RETURN" {
        // `RETURN ... MATCH ...`: Kuzu's second alternative, (RETURN)+ then a single query.
        let mut depth = 0i32;
        for (i, &(k, s, n)) in toks.iter().enumerate() {
            match (k, &text[s..s + n]) {
                (Tok::Other, "(" | "[" | "{") => depth += 1,
                (Tok::Other, ")" | "]" | "}") => depth -= 1,
                (Tok::Word, w) if depth == 0 && i > 0 => {
                    let u = w.to_ascii_uppercase();
                    if matches!(
                        u.as_str(),
                        "MATCH"
                            | "OPTIONAL"
                            | "UNWIND"
                            | "CREATE"
                            | "MERGE"
                            | "SET"
                            | "DELETE"
                            | "DETACH"
                            | "LOAD"
                            | "CALL"
                    ) {
                        return classify(text, s, pos, false);
                    }
                }
                _ => {}
            }
        }
        return invalid(stmt_start, "oC_RegularQuery");
    }
    // Top-level (bracket depth 0) clause keywords before the error.
    let mut depth = 0i32;
    let mut last_proj: Option<(usize, usize)> = None; // (token index of keyword, item start)
    let mut first_item = false;
    let mut last_is_with = false;
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
                        first_item = false;
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
                // After an operator RETURN/WITH are names (both are non-reserved).
                let after_operand = i == 0 || {
                    let (pk, ps, pn) = toks[i - 1];
                    pk == Tok::Word
                        || matches!(&text[ps..ps + pn], ")" | "]" | "}" | "*")
                        || text[ps..]
                            .starts_with(|c: char| c.is_ascii_digit() || c == '\'' || c == '"')
                };
                if (u == "RETURN" || is_with_clause) && after_operand {
                    let mut j = i + 1;
                    if toks
                        .get(j)
                        .is_some_and(|t2| text[t2.1..t2.1 + t2.2].eq_ignore_ascii_case("distinct"))
                    {
                        j += 1;
                    }
                    let item_start = toks.get(j).map(|t2| t2.1).unwrap_or(pos);
                    last_proj = Some((i, item_start));
                    first_item = true;
                    last_is_with = is_with_clause;
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
    // A complete WITH clause that nothing follows.
    if last_is_with
        && last_proj.is_some()
        && is_complete_statement(&format!("{} RETURN 1", text[stmt_start..pos].trim_end()))
    {
        let msg = if ws_before {
            format!(
                "extraneous input '{}' expecting {{{CLAUSE_KEYWORDS}}}",
                token_text(text, pos)
            )
        } else {
            format!(
                "mismatched input '{}' expecting {{{CLAUSE_KEYWORDS}, SP}}",
                token_text(text, pos)
            )
        };
        return positioned(text, pos, width, &msg);
    }
    match last_proj {
        None => invalid(stmt_start, "oC_SingleQuery"),
        Some((_, item_start)) if item_start != usize::MAX => {
            if first_item && item_start >= pos && ws_before {
                invalid(ws_start, "oC_ProjectionBody")
            } else {
                invalid(item_start.min(pos), "oC_ProjectionItem")
            }
        }
        Some(_) => invalid(stmt_start, "oC_SingleQuery"),
    }
}

/// ANTLR's "mismatched input 'X' expecting ..." for a few common single-token expectations:
/// a missing space after RETURN/WITH or after keywords that need one, a missing BY after
/// ORDER, and a token that cannot start an expression where one must start.
fn mismatched(
    text: &str,
    toks: &[(Tok, usize, usize)],
    pos: usize,
    ws_before: bool,
) -> Option<String> {
    let &(pk, ps, pn) = toks.last()?;
    let prev = text[ps..ps + pn].to_ascii_uppercase();
    let bad = token_text(text, pos);
    let (bk, _, _) = token(text, pos);
    let has_projection = toks.iter().any(|t| {
        t.0 == Tok::Word && {
            let w = &text[t.1..t.1 + t.2];
            w.eq_ignore_ascii_case("return") || w.eq_ignore_ascii_case("with")
        }
    });
    if pk == Tok::Word && !ws_before {
        let first_clause = toks.len() == 1;
        if matches!(prev.as_str(), "RETURN" | "WITH") && has_projection && !first_clause {
            return Some(format!(
                "mismatched input '{bad}' expecting {{DISTINCT, SP}}"
            ));
        }
        let first = toks
            .first()
            .map(|t| text[t.1..t.1 + t.2].to_ascii_uppercase())
            .unwrap_or_default();
        let query_lookahead =
            QUERY_START.contains(&first.as_str()) && (!has_projection || first == "RETURN");
        if !query_lookahead
            && matches!(
                prev.as_str(),
                "AS" | "TABLE"
                    | "NODE"
                    | "REL"
                    | "WHERE"
                    | "SKIP"
                    | "LIMIT"
                    | "DEFAULT"
                    | "PRIMARY"
                    | "ORDER"
            )
        {
            return Some(format!("mismatched input '{bad}' expecting SP"));
        }
    }
    if pk == Tok::Word && prev == "ORDER" && has_projection {
        return Some(format!("mismatched input '{bad}' expecting BY"));
    }
    let can_start = match bk {
        Tok::Word => true,
        Tok::Eof | Tok::Space => false,
        Tok::Other => {
            text[pos..].starts_with(|c: char| c.is_ascii_digit() || "([{$-'\"`".contains(c))
                || (text[pos..].starts_with('.')
                    && text[pos + 1..].starts_with(|c: char| c.is_ascii_digit()))
        }
    };
    let mut depth = 0i32;
    for &(k, s, n) in toks {
        match (k, &text[s..s + n]) {
            (Tok::Other, "(" | "[" | "{") => depth += 1,
            (Tok::Other, ")" | "]" | "}") => depth -= 1,
            _ => {}
        }
    }
    let expects_expression = (prev == "," && has_projection && depth == 0)
        || (pk == Tok::Word && prev == "BY" && has_projection && depth == 0)
        || (prev == "="
            && toks
                .first()
                .is_some_and(|t| text[t.1..t.1 + t.2].eq_ignore_ascii_case("call")));
    if !can_start && expects_expression {
        let sp = if ws_before { "" } else { ", SP" };
        return Some(format!(
            "mismatched input '{bad}' expecting {{{EXPRESSION_START}{sp}}}"
        ));
    }
    None
}

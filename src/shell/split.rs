//! Splitting shell input into statements.
//!
//! Owns: `Splitter`, which cuts text at every `;` that is outside string literals ('...' and
//! "..." with backslash escapes), backtick identifiers and comments (`//` to end of line,
//! `/* ... */`). Text may arrive in pieces (a pipe read at a time): each statement comes out
//! as soon as its `;` has arrived, and a piece may end anywhere (inside a literal, between
//! the two characters of `//`). `split` cuts a whole text and reports the incomplete rest so
//! the interactive shell can keep reading lines until a statement is complete.

/// The statements of a text and what is left after the last `;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Complete statements (without their `;`, trimmed), skipping empty ones (`;;`, a
    /// statement of only comments).
    pub statements: Vec<String>,
    /// The text after the last statement-ending `;`, untrimmed.
    pub rest: String,
    /// Whether `rest` holds anything but whitespace and comments (an unterminated statement).
    pub rest_has_content: bool,
    /// Whether `rest` ends inside a `/* ... */` comment (more lines are needed even without
    /// content).
    pub rest_in_comment: bool,
}

impl Split {
    /// Whether more input is needed to finish what `rest` started.
    pub fn rest_incomplete(&self) -> bool {
        self.rest_has_content || self.rest_in_comment
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    Quoted(char),
    LineComment,
    BlockComment,
}

/// Splits text that arrives in pieces into `;`-terminated statements.
#[derive(Debug, Clone)]
pub struct Splitter {
    /// The text from the start of the current (unfinished) statement on.
    buf: String,
    /// How far `buf` has been scanned: a character whose meaning depends on the next one
    /// (`/`, `*` in a comment, `\` in a literal) at the end of `buf` waits for more text.
    pos: usize,
    state: State,
    /// Whether the current statement holds anything but whitespace and comments.
    has_content: bool,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter::new()
    }
}

impl Splitter {
    pub fn new() -> Splitter {
        Splitter {
            buf: String::new(),
            pos: 0,
            state: State::Normal,
            has_content: false,
        }
    }

    /// Appends `text` and returns the statements it completed, in order.
    pub fn push(&mut self, text: &str) -> Vec<String> {
        self.buf.push_str(text);
        self.scan(false)
    }

    /// The end of the input: returns the statements completed by it (none, unless the last
    /// piece ended in a character that waited for the next) and what is left unterminated.
    pub fn finish(mut self) -> Split {
        let statements = self.scan(true);
        Split {
            statements,
            rest: self.buf,
            rest_has_content: self.has_content,
            rest_in_comment: self.state == State::BlockComment,
        }
    }

    /// Scans `buf` from `pos`; at the end of the input (`eof`) no character waits.
    fn scan(&mut self, eof: bool) -> Vec<String> {
        let mut statements = Vec::new();
        // Start of the current statement in `buf`.
        let mut start = 0;
        let mut i = self.pos;
        while i < self.buf.len() {
            let mut chars = self.buf[i..].chars();
            let Some(c) = chars.next() else { break };
            let next = chars.next();
            // Whether `c`'s meaning depends on a next character not yet arrived.
            let waits = next.is_none() && !eof;
            let mut step = c.len_utf8();
            match self.state {
                State::Normal => match c {
                    ';' => {
                        if self.has_content {
                            statements.push(self.buf[start..i].trim().to_string());
                        }
                        start = i + 1;
                        self.has_content = false;
                    }
                    '\'' | '"' | '`' => {
                        self.state = State::Quoted(c);
                        self.has_content = true;
                    }
                    '/' if waits => break,
                    '/' if next == Some('/') => {
                        step += 1;
                        self.state = State::LineComment;
                    }
                    '/' if next == Some('*') => {
                        step += 1;
                        self.state = State::BlockComment;
                    }
                    c if c.is_whitespace() => {}
                    _ => self.has_content = true,
                },
                State::Quoted(q) => {
                    if c == '\\' && q != '`' {
                        if waits {
                            break;
                        }
                        step += next.map_or(0, char::len_utf8);
                    } else if c == q {
                        self.state = State::Normal;
                    }
                }
                State::LineComment => {
                    if c == '\n' || c == '\r' {
                        self.state = State::Normal;
                    }
                }
                State::BlockComment => {
                    if c == '*' && waits {
                        break;
                    }
                    if c == '*' && next == Some('/') {
                        step += 1;
                        self.state = State::Normal;
                    }
                }
            }
            i += step;
        }
        self.buf.drain(..start);
        self.pos = i - start;
        statements
    }
}

/// Splits `text` into `;`-terminated statements.
pub fn split(text: &str) -> Split {
    let mut s = Splitter::new();
    let mut statements = s.push(text);
    let end = s.finish();
    statements.extend(end.statements);
    Split { statements, ..end }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmts(t: &str) -> Vec<String> {
        split(t).statements
    }

    #[test]
    fn plain_statements() {
        assert_eq!(
            stmts("RETURN 1; RETURN 2;"),
            vec!["RETURN 1".to_string(), "RETURN 2".to_string()]
        );
        let s = split("RETURN 1;\nMATCH (n)\nRETURN n");
        assert_eq!(s.statements, vec!["RETURN 1".to_string()]);
        assert_eq!(s.rest, "\nMATCH (n)\nRETURN n");
        assert!(s.rest_has_content);
    }

    #[test]
    fn empty_statements_and_comments_are_skipped() {
        assert_eq!(stmts(" ;; \n;"), Vec::<String>::new());
        let s = split("// only a comment; here\n/* and; this */ ;  ");
        assert_eq!(s.statements, Vec::<String>::new());
        assert!(!s.rest_has_content);
        assert_eq!(s.rest, "  ");
        let s = split("RETURN 1 // trailing; comment\n+ 1; /* open; comment");
        assert_eq!(s.statements, vec!["RETURN 1 // trailing; comment\n+ 1"]);
        assert!(!s.rest_has_content);
        assert!(s.rest_in_comment);
        assert!(s.rest_incomplete());
        let s = split("RETURN 1; // line comment");
        assert!(!s.rest_in_comment);
        assert!(!s.rest_incomplete());
    }

    #[test]
    fn semicolons_inside_literals_do_not_split() {
        assert_eq!(
            stmts(r#"RETURN 'a;b', "c;\"d;", `e;f`, 'it\'s;';RETURN 2;"#),
            vec![
                r#"RETURN 'a;b', "c;\"d;", `e;f`, 'it\'s;'"#.to_string(),
                "RETURN 2".to_string()
            ]
        );
        // An unterminated string swallows the rest.
        let s = split("RETURN 'abc; RETURN 2;");
        assert!(s.statements.is_empty());
        assert!(s.rest_has_content);
        // A division is not a comment.
        assert_eq!(stmts("RETURN 4/2;"), vec!["RETURN 4/2".to_string()]);
    }

    #[test]
    fn a_string_alone_is_content() {
        let s = split("'x'");
        assert!(s.rest_has_content);
        assert_eq!(s.rest, "'x'");
    }

    /// Feeding a text in pieces cut anywhere gives what splitting it whole gives, and each
    /// statement comes out with the piece holding its `;`.
    #[test]
    fn pieces_split_like_the_whole() {
        let texts = [
            "RETURN 1; RETURN 2;",
            "RETURN 'a;b', \"c;\\\"d;\", `e;f`, 'it\\'s;';RETURN 2;",
            "// only a comment; here\n/* and; this */ ;  RETURN 4/2; RETURN 'é;ü' // x;\n;",
            "RETURN 1 // trailing; comment\n+ 1; /* open; comment",
            "CREATE (:T {v: 'ÿ\\é'}) /* ; **/ ; MATCH (n)\nRETURN n",
            "RETURN 4/",
            "RETURN 'x\\",
            "/* a *",
        ];
        for text in texts {
            let whole = split(text);
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&k| text.is_char_boundary(k))
                .collect();
            for &k in &bounds {
                let mut s = Splitter::new();
                let mut got = s.push(&text[..k]);
                let first = got.len();
                got.extend(s.push(&text[k..]));
                let end = s.finish();
                got.extend(end.statements.iter().cloned());
                assert_eq!(got, whole.statements, "{text:?} cut at {k}");
                assert_eq!(end.rest, whole.rest, "{text:?} cut at {k}");
                assert_eq!(end.rest_has_content, whole.rest_has_content);
                assert_eq!(end.rest_in_comment, whole.rest_in_comment);
                // Every statement whose `;` was in the first piece came out with it.
                let done = split(&text[..k]).statements.len();
                assert_eq!(first, done, "{text:?} cut at {k}");
            }
            // One character at a time.
            let mut s = Splitter::new();
            let mut got = Vec::new();
            for w in bounds.windows(2) {
                got.extend(s.push(&text[w[0]..w[1]]));
            }
            got.extend(s.finish().statements);
            assert_eq!(got, whole.statements, "{text:?} char by char");
        }
    }
}

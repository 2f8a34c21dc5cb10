//! Splitting shell input into statements.
//!
//! Owns: `split`, which cuts text at every `;` that is outside string literals ('...' and
//! "..." with backslash escapes), backtick identifiers and comments (`//` to end of line,
//! `/* ... */`), and reports the incomplete rest so the interactive shell can keep reading
//! lines until a statement is complete.

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    Quoted(char),
    LineComment,
    BlockComment,
}

/// Splits `text` into `;`-terminated statements.
pub fn split(text: &str) -> Split {
    let mut statements = Vec::new();
    let mut state = State::Normal;
    let mut start = 0;
    let mut has_content = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match state {
            State::Normal => match c {
                ';' => {
                    if has_content {
                        statements.push(text[start..i].trim().to_string());
                    }
                    start = i + 1;
                    has_content = false;
                }
                '\'' | '"' | '`' => {
                    state = State::Quoted(c);
                    has_content = true;
                }
                '/' if chars.peek().map(|&(_, n)| n) == Some('/') => {
                    chars.next();
                    state = State::LineComment;
                }
                '/' if chars.peek().map(|&(_, n)| n) == Some('*') => {
                    chars.next();
                    state = State::BlockComment;
                }
                c if c.is_whitespace() => {}
                _ => has_content = true,
            },
            State::Quoted(q) => {
                if c == '\\' && q != '`' {
                    chars.next();
                } else if c == q {
                    state = State::Normal;
                }
            }
            State::LineComment => {
                if c == '\n' || c == '\r' {
                    state = State::Normal;
                }
            }
            State::BlockComment => {
                if c == '*' && chars.peek().map(|&(_, n)| n) == Some('/') {
                    chars.next();
                    state = State::Normal;
                }
            }
        }
    }
    Split {
        statements,
        rest: text[start..].to_string(),
        rest_has_content: has_content,
        rest_in_comment: state == State::BlockComment,
    }
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
}

//! SPL lexer: turns a search string into tokens, resolving quoting and
//! escapes, recognising backticked macros, brackets for subsearches and
//! skipping triple-backtick comments. It never fails: oddities (an unclosed
//! quote or macro) become tokens plus a [`Lexed::problems`] entry.

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An unquoted run of text, backslash escapes resolved (`\\` → `\`).
    Word(String),
    /// A double-quoted string, escapes resolved.
    Quoted(String),
    /// A single-quoted string: a field name in eval expressions.
    SQuoted(String),
    /// A backticked macro call: name and raw argument texts.
    Macro {
        name: String,
        args: Vec<String>,
    },
    /// Marks where the expansion of a macro begins (inserted by expansion).
    MacroStart(String),
    /// Marks where the expansion of a macro ends.
    MacroEnd,
    /// A comparison operator: `=`, `==`, `!=`, `<`, `>`, `<=`, `>=`.
    Cmp(&'static str),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Pipe,
    Comma,
}

/// One token with its byte offset in the text it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub pos: usize,
}

impl Token {
    /// The word's text when the token is an unquoted word.
    pub fn word(&self) -> Option<&str> {
        match &self.tok {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }

    /// True for an unquoted word equal to `kw`, ignoring case.
    pub fn is_kw(&self, kw: &str) -> bool {
        self.word().is_some_and(|w| w.eq_ignore_ascii_case(kw))
    }

    /// The text of a word or a quoted string (either quoting).
    pub fn text(&self) -> Option<&str> {
        match &self.tok {
            Tok::Word(w) | Tok::Quoted(w) | Tok::SQuoted(w) => Some(w),
            _ => None,
        }
    }
}

/// The tokens of a text and what looked wrong in it.
#[derive(Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub problems: Vec<String>,
}

/// Resolves SPL backslash escapes: `\\` → `\`, `\"` → `"`; any other escape
/// is kept as written (Splunk leaves `\d`, `\W` alone).
pub fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(n @ ('\\' | '"')) => out.push(n),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Lexes `text`.
pub fn lex(text: &str) -> Lexed {
    let mut lx = Lexer {
        src: text,
        i: 0,
        out: Lexed::default(),
    };
    lx.run();
    lx.out
}

struct Lexer<'a> {
    src: &'a str,
    i: usize,
    out: Lexed,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.i..]
    }

    fn at(&self, pos: usize) -> String {
        let (line, col) = line_col(self.src, pos);
        format!("line {line}, column {col} of the search")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn push(&mut self, tok: Tok, pos: usize) {
        self.out.tokens.push(Token { tok, pos });
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.i;
            if c.is_whitespace() {
                self.i += c.len_utf8();
                continue;
            }
            if self.rest().starts_with("```") {
                self.skip_comment();
                continue;
            }
            let simple = match c {
                '(' => Some(Tok::LParen),
                ')' => Some(Tok::RParen),
                '[' => Some(Tok::LBracket),
                ']' => Some(Tok::RBracket),
                '|' => Some(Tok::Pipe),
                ',' => Some(Tok::Comma),
                _ => None,
            };
            if let Some(tok) = simple {
                self.i += 1;
                self.push(tok, start);
                continue;
            }
            if let Some(op) = self.comparison() {
                self.i += op.len();
                self.push(Tok::Cmp(op), start);
                continue;
            }
            match c {
                '"' => self.quoted('"'),
                '\'' if self.rest()[1..].contains('\'') => self.quoted('\''),
                '`' => self.macro_call(),
                _ => self.word(),
            }
        }
    }

    fn comparison(&self) -> Option<&'static str> {
        let r = self.rest();
        ["==", "!=", "<=", ">=", "=", "<", ">"]
            .into_iter()
            .find(|op| r.starts_with(op))
    }

    fn skip_comment(&mut self) {
        let start = self.i;
        self.i += 3;
        match self.rest().find("```") {
            Some(end) => self.i += end + 3,
            None => {
                self.out.problems.push(format!(
                    "comment opened at {} is never closed",
                    self.at(start)
                ));
                self.i = self.src.len();
            }
        }
    }

    fn quoted(&mut self, quote: char) {
        let start = self.i;
        self.i += 1;
        let mut raw = String::new();
        let mut closed = false;
        let mut chars = self.rest().char_indices();
        let mut consumed = self.rest().len();
        while let Some((k, c)) = chars.next() {
            if c == '\\' {
                raw.push(c);
                if let Some((_, n)) = chars.next() {
                    raw.push(n);
                }
                continue;
            }
            if c == quote {
                consumed = k + 1;
                closed = true;
                break;
            }
            raw.push(c);
        }
        self.i += consumed;
        if !closed {
            self.out.problems.push(format!(
                "quote {quote} opened at {} is never closed",
                self.at(start)
            ));
        }
        let text = unescape(&raw);
        let tok = if quote == '"' {
            Tok::Quoted(text)
        } else {
            Tok::SQuoted(text)
        };
        self.push(tok, start);
    }

    fn macro_call(&mut self) {
        let start = self.i;
        self.i += 1;
        let body = match self.rest().find('`') {
            Some(end) => {
                let body = &self.src[self.i..self.i + end];
                self.i += end + 1;
                body
            }
            None => {
                self.out.problems.push(format!(
                    "macro backtick opened at {} is never closed",
                    self.at(start)
                ));
                let body = self.rest();
                self.i = self.src.len();
                body
            }
        };
        let (name, args) = split_macro_call(body);
        self.push(Tok::Macro { name, args }, start);
    }

    fn word(&mut self) {
        let start = self.i;
        let mut raw = String::new();
        let mut chars = self.rest().char_indices().peekable();
        let mut consumed = self.rest().len();
        while let Some((k, c)) = chars.next() {
            if c == '\\' {
                raw.push(c);
                if let Some((_, n)) = chars.next() {
                    raw.push(n);
                }
                continue;
            }
            let ends = c.is_whitespace()
                || matches!(
                    c,
                    '(' | ')' | '[' | ']' | '|' | ',' | '"' | '`' | '=' | '<' | '>'
                )
                || (c == '!' && chars.peek().is_some_and(|(_, n)| *n == '='));
            if ends {
                consumed = k;
                break;
            }
            raw.push(c);
        }
        if consumed == 0 {
            // A lone character no rule above takes (a stray `!`): keep it as a word.
            let c = self.peek().unwrap_or(' ');
            consumed = c.len_utf8();
            raw.push(c);
        }
        self.i += consumed;
        self.push(Tok::Word(unescape(&raw)), start);
    }
}

/// Splits `name(arg1, "arg 2")` into the name and trimmed raw arguments.
fn split_macro_call(body: &str) -> (String, Vec<String>) {
    let body = body.trim();
    let Some(open) = body.find('(') else {
        return (body.to_string(), Vec::new());
    };
    let name = body[..open].trim().to_string();
    let inner = body[open + 1..].trim_end();
    let inner = inner.strip_suffix(')').unwrap_or(inner);
    let mut args = Vec::new();
    let mut depth = 0i32;
    let mut in_quote = false;
    let mut current = String::new();
    let mut prev = ' ';
    for c in inner.chars() {
        match c {
            '"' if prev != '\\' => in_quote = !in_quote,
            '(' if !in_quote => depth += 1,
            ')' if !in_quote => depth -= 1,
            ',' if !in_quote && depth == 0 => {
                args.push(current.trim().to_string());
                current.clear();
                prev = c;
                continue;
            }
            _ => {}
        }
        current.push(c);
        prev = c;
    }
    if !current.trim().is_empty() || !args.is_empty() {
        args.push(current.trim().to_string());
    }
    (name, args)
}

/// 1-based line and column of byte offset `pos` in `text`.
fn line_col(text: &str, pos: usize) -> (u32, u32) {
    let pos = pos.min(text.len());
    let before = text.get(..pos).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line as u32, col as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        lex(text).tokens.into_iter().map(|t| t.tok).collect()
    }

    fn w(s: &str) -> Tok {
        Tok::Word(s.to_string())
    }

    #[test]
    fn odd_spacing_and_glued_operators_split_into_tokens() {
        assert_eq!(
            toks(r#"f= v x IN("a")OR|tstats"#),
            vec![
                w("f"),
                Tok::Cmp("="),
                w("v"),
                w("x"),
                w("IN"),
                Tok::LParen,
                Tok::Quoted("a".into()),
                Tok::RParen,
                w("OR"),
                Tok::Pipe,
                w("tstats"),
            ]
        );
    }

    #[test]
    fn escapes_resolve_pairwise_and_keep_unknown_ones() {
        assert_eq!(
            toks(r#""*\\Windows\\*" "a\"b" "\d\\\\x""#),
            vec![
                Tok::Quoted(r"*\Windows\*".into()),
                Tok::Quoted("a\"b".into()),
                Tok::Quoted(r"\d\\x".into()),
            ]
        );
        assert_eq!(toks(r"C:\\Temp\*"), vec![w(r"C:\Temp\*")]);
    }

    #[test]
    fn macros_comments_and_comparisons() {
        assert_eq!(
            toks("`m(a, \"b,c\")` ```note``` x!=1 y>=2 'a b'"),
            vec![
                Tok::Macro {
                    name: "m".into(),
                    args: vec!["a".into(), "\"b,c\"".into()]
                },
                w("x"),
                Tok::Cmp("!="),
                w("1"),
                w("y"),
                Tok::Cmp(">="),
                w("2"),
                Tok::SQuoted("a b".into()),
            ]
        );
    }

    #[test]
    fn unclosed_things_are_reported_not_fatal() {
        for text in [
            "\"abc",
            "`mac",
            "```c",
            "'x",
            "\\",
            "!",
            "a\\",
            "((([[[",
            "é\"\u{0}",
        ] {
            let lexed = lex(text);
            assert!(
                !lexed.tokens.is_empty() || !lexed.problems.is_empty(),
                "{text}"
            );
        }
        assert_eq!(lex("\"abc").problems.len(), 1);
    }

    #[test]
    fn line_and_column_count_from_one() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 99), (1, 3));
    }
}

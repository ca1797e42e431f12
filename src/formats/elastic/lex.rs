//! Tokens shared by EQL and ES|QL: names (with `?optional` markers, array
//! indices and EQL's `~` case-insensitivity suffix), the string forms
//! (`"..."` with escapes, `'...'`, raw `?"..."` and `"""..."""`), numbers,
//! operators and comments; plus the [`Cursor`] both parsers walk them with.

use super::query::{QueryError, MAX_DEPTH};

/// One EQL or ES|QL token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A name or dotted field path; `insensitive` when followed by `~`.
    Name {
        text: String,
        insensitive: bool,
    },
    /// An optional field path (`?process.name`).
    Optional(String),
    Str(String),
    Num(String),
    LParen,
    RParen,
    LBracket,
    /// `![`: a missing-event step of a sequence.
    MissingOpen,
    RBracket,
    /// `{` and `}`: ES|QL map arguments (`match(f, "x", {...})`).
    LBrace,
    RBrace,
    Comma,
    Pipe,
    Colon,
    /// `==`, `=`, `!=`, `<`, `<=`, `>`, `>=`.
    Cmp(&'static str),
    /// `+ - * / %`.
    Arith(char),
}

/// A token with its byte span in the query.
#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// Splits an EQL query into tokens.
pub fn lex(src: &str) -> Result<Vec<Token>, QueryError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(src.len(), |n| i + n);
            continue;
        }
        if src[i..].starts_with("/*") {
            let close = src[i + 2..]
                .find("*/")
                .ok_or_else(|| QueryError::new(i, "unterminated /* comment"))?;
            i += close + 4;
            continue;
        }
        let tok = match c {
            b'(' => single(&mut i, Tok::LParen),
            b')' => single(&mut i, Tok::RParen),
            b'[' => single(&mut i, Tok::LBracket),
            b']' => single(&mut i, Tok::RBracket),
            b'{' => single(&mut i, Tok::LBrace),
            b'}' => single(&mut i, Tok::RBrace),
            b',' => single(&mut i, Tok::Comma),
            b'|' => single(&mut i, Tok::Pipe),
            b':' => single(&mut i, Tok::Colon),
            b'+' | b'-' | b'*' | b'/' | b'%' => single(&mut i, Tok::Arith(c as char)),
            b'!' if src[i..].starts_with("![") => {
                i += 2;
                Tok::MissingOpen
            }
            b'=' | b'!' | b'<' | b'>' => {
                let two = src.get(i..i + 2).unwrap_or("");
                let op = match two {
                    "==" => "==",
                    "!=" => "!=",
                    "<=" => "<=",
                    ">=" => ">=",
                    _ => match c {
                        b'=' => "=",
                        b'<' => "<",
                        b'>' => ">",
                        _ => return Err(QueryError::new(i, "unexpected '!'")),
                    },
                };
                i += op.len();
                Tok::Cmp(op)
            }
            b'"' if src[i..].starts_with("\"\"\"") => Tok::Str(triple_quoted(src, &mut i)?),
            b'"' | b'\'' => Tok::Str(quoted(src, &mut i, c)?),
            b'?' => match bytes.get(i + 1) {
                Some(&q @ (b'"' | b'\'')) => {
                    i += 1;
                    Tok::Str(raw_quoted(src, &mut i, q)?)
                }
                _ => {
                    i += 1;
                    let path = name(src, &mut i);
                    if path.is_empty() {
                        return Err(QueryError::new(start, "expected a field name after '?'"));
                    }
                    Tok::Optional(path)
                }
            },
            b'0'..=b'9' => {
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                    i += 1;
                }
                Tok::Num(src[start..i].to_string())
            }
            _ if c == b'_' || c == b'`' || c == b'@' || c.is_ascii_alphabetic() => {
                let text = name(src, &mut i);
                let insensitive = bytes.get(i) == Some(&b'~');
                if insensitive {
                    i += 1;
                }
                Tok::Name { text, insensitive }
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(QueryError::new(i, format!("unexpected character '{ch}'")));
            }
        };
        out.push(Token { tok, start, end: i });
    }
    Ok(out)
}

/// A position in a token list, with the helpers a recursive-descent parser
/// needs: look-ahead, keyword tests, expectations, errors and a depth guard.
pub struct Cursor<'a> {
    pub src: &'a str,
    pub tokens: Vec<Token>,
    pub pos: usize,
    pub depth: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the first token.
    pub fn new(src: &'a str, tokens: Vec<Token>) -> Cursor<'a> {
        Cursor {
            src,
            tokens,
            pos: 0,
            depth: 0,
        }
    }

    /// Whether the next token is the keyword `word`, in any letter case.
    pub fn is_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name { text, insensitive: false }) if text.eq_ignore_ascii_case(word))
    }

    /// Consumes the keyword `word` (any letter case) if it is next.
    pub fn eat_keyword(&mut self, word: &str) -> bool {
        let found = self.is_keyword(word);
        if found {
            self.pos += 1;
        }
        found
    }

    /// Whether the token `ahead` places on is the keyword `word`.
    pub fn keyword_at(&self, ahead: usize, word: &str) -> bool {
        matches!(self.peek_at(ahead), Some(Tok::Name { text, insensitive: false }) if text.eq_ignore_ascii_case(word))
    }

    /// The next token, if any.
    pub fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    /// The token `ahead` places after the next one.
    pub fn peek_at(&self, ahead: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + ahead).map(|t| &t.tok)
    }

    /// Byte offset of the next token (the query length at the end).
    pub fn offset(&self) -> usize {
        self.tokens
            .get(self.pos)
            .map_or(self.src.len(), |t| t.start)
    }

    /// Byte offset just past the last consumed token.
    pub fn prev_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(0, |t| t.end)
    }

    /// Whether the next token is exactly the name `word` (EQL keywords).
    pub fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name { text, insensitive: false }) if text == word)
    }

    /// Consumes the name `word` if it is next.
    pub fn eat_word(&mut self, word: &str) -> bool {
        if self.is_word(word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes `tok` if it is next.
    pub fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == Some(tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes `tok` or fails saying `what` was expected.
    pub fn expect(&mut self, tok: Tok, what: &str) -> Result<(), QueryError> {
        if self.eat(&tok) {
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    /// An error at the next token naming what was wanted and found.
    pub fn error(&self, want: &str) -> QueryError {
        let found = match self.tokens.get(self.pos) {
            Some(t) => format!("'{}'", &self.src[t.start..t.end]),
            None => "end of query".to_string(),
        };
        QueryError::new(self.offset(), format!("{want}, found {found}"))
    }

    /// One nesting level deeper; fails past [`MAX_DEPTH`].
    pub fn enter(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::new(self.offset(), "query nested too deeply"));
        }
        Ok(())
    }

    /// The source text of a span with whitespace runs collapsed.
    pub fn text(&self, span: (usize, usize)) -> String {
        self.src
            .get(span.0..span.1)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn single(i: &mut usize, tok: Tok) -> Tok {
    *i += 1;
    tok
}

/// A dotted path of names, backtick-quoted names and `[N]` indices.
fn name(src: &str, i: &mut usize) -> String {
    let bytes = src.as_bytes();
    let mut out = String::new();
    loop {
        match bytes.get(*i) {
            Some(b'`') => {
                let Some(close) = src[*i + 1..].find('`') else {
                    break;
                };
                out.push_str(&src[*i + 1..*i + 1 + close]);
                *i += close + 2;
            }
            Some(&c) if c == b'_' || c == b'@' || c.is_ascii_alphanumeric() => {
                let begin = *i;
                while bytes
                    .get(*i)
                    .is_some_and(|&c| c == b'_' || c == b'@' || c.is_ascii_alphanumeric())
                {
                    *i += 1;
                }
                out.push_str(&src[begin..*i]);
            }
            _ => break,
        }
        match bytes.get(*i) {
            Some(b'.')
                if bytes.get(*i + 1).is_some_and(|&c| {
                    c == b'_' || c == b'`' || c == b'@' || c.is_ascii_alphanumeric()
                }) =>
            {
                out.push('.');
                *i += 1;
            }
            Some(b'[') => match array_index(src, *i) {
                Some((index, next)) => {
                    out.push_str(&format!("[{index}]"));
                    *i = next;
                    if bytes.get(*i) == Some(&b'.') {
                        out.push('.');
                        *i += 1;
                    } else {
                        break;
                    }
                }
                None => break,
            },
            _ => break,
        }
    }
    out
}

/// `[ 3 ]` right after a name is an array index, not a sequence step.
fn array_index(src: &str, open: usize) -> Option<(String, usize)> {
    let rest = &src[open + 1..];
    let close = rest.find(']')?;
    let inner = rest[..close].trim();
    if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
        Some((inner.to_string(), open + close + 2))
    } else {
        None
    }
}

/// `"..."` or `'...'` with backslash escapes; unknown escapes keep the
/// backslash.
fn quoted(src: &str, i: &mut usize, quote: u8) -> Result<String, QueryError> {
    let start = *i;
    let mut out = String::new();
    let mut chars = src[*i + 1..].char_indices();
    while let Some((off, c)) = chars.next() {
        match c {
            c if c as u32 == quote as u32 => {
                *i = start + 1 + off + 1;
                return Ok(out);
            }
            '\n' => break,
            '\\' => match chars.next() {
                Some((_, n)) => match n {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    '"' | '\'' | '\\' => out.push(n),
                    'u' if src[start + 2 + off..].starts_with("u{") => {
                        let body = &src[start + 3 + off..];
                        let close = body.find('}').unwrap_or(0);
                        match u32::from_str_radix(&body[1..close.max(1)], 16)
                            .ok()
                            .and_then(char::from_u32)
                        {
                            Some(ch) => {
                                out.push(ch);
                                for _ in 0..=close {
                                    chars.next();
                                }
                            }
                            None => out.push_str("\\u"),
                        }
                    }
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                },
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(QueryError::new(start, "unterminated string"))
}

/// `?"..."`: backslashes are literal except before the quote character.
fn raw_quoted(src: &str, i: &mut usize, quote: u8) -> Result<String, QueryError> {
    let start = *i - 1;
    let body = &src[*i + 1..];
    let q = quote as char;
    let mut end = None;
    let mut prev_backslash = false;
    for (off, c) in body.char_indices() {
        if c == q && !prev_backslash {
            end = Some(off);
            break;
        }
        if c == '\n' {
            break;
        }
        prev_backslash = c == '\\' && !prev_backslash;
    }
    let end = end.ok_or_else(|| QueryError::new(start, "unterminated raw string"))?;
    *i += 1 + end + 1;
    Ok(body[..end].replace(&format!("\\{q}"), &q.to_string()))
}

/// `"""..."""`: no escapes; up to two quotes right before the closing three
/// belong to the value.
fn triple_quoted(src: &str, i: &mut usize) -> Result<String, QueryError> {
    let start = *i;
    let body = &src[*i + 3..];
    let close = body
        .find("\"\"\"")
        .ok_or_else(|| QueryError::new(start, "unterminated \"\"\" string"))?;
    let extra = body[close + 3..]
        .bytes()
        .take(2)
        .take_while(|&b| b == b'"')
        .count();
    let value = &body[..close + extra];
    *i = start + 3 + close + extra + 3;
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src)
            .expect("lexes")
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn strings_in_all_four_forms() {
        assert_eq!(
            toks(r#""C:\\a\"b" ?"C:\x" """C:\y""" 'q' "\u{202E}x""#),
            vec![
                Tok::Str("C:\\a\"b".into()),
                Tok::Str("C:\\x".into()),
                Tok::Str("C:\\y".into()),
                Tok::Str("q".into()),
                Tok::Str("\u{202E}x".into()),
            ]
        );
        assert_eq!(toks(r#""""a"""""#), vec![Tok::Str("a\"".into())]);
    }

    #[test]
    fn names_indices_optional_and_insensitive() {
        assert_eq!(
            toks("?process.args[0] like~ x.`a b` [file"),
            vec![
                Tok::Optional("process.args[0]".into()),
                Tok::Name {
                    text: "like".into(),
                    insensitive: true
                },
                Tok::Name {
                    text: "x.a b".into(),
                    insensitive: false
                },
                Tok::LBracket,
                Tok::Name {
                    text: "file".into(),
                    insensitive: false
                },
            ]
        );
    }

    #[test]
    fn comments_are_skipped_and_bad_input_is_an_error() {
        assert_eq!(
            toks("a /* x */ // y\n"),
            vec![Tok::Name {
                text: "a".into(),
                insensitive: false
            }]
        );
        assert!(lex("\"open").is_err());
        assert!(lex("a # b").is_err());
    }
}

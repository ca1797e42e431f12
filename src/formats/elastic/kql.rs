//! Kibana Query Language (KQL, `language = "kuery"`): a lexer and a
//! precedence parser (`or` < `and` < `not`) that turn a query into an
//! [`Expr`] of predicates.
//!
//! Operators: `field:value` is `match`, or `wildcard` when the unquoted value
//! has a `*`; quoted phrases are always `match`; `field:*` is `exists true`;
//! `field:(a or b)` is one predicate per value; `>`, `>=`, `<`, `<=` are
//! ranges; `field:{ ... }` is a nested query whose inner fields are prefixed
//! with `field.`; a value without a field is a keyword search (empty field).

use crate::model::{Expr, Op};

use super::query::{all_of, any_of, negate, pred, Parsed, QueryError, MAX_DEPTH};

/// Parses a KQL query.
pub fn parse(text: &str) -> Result<Parsed, QueryError> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: text.len(),
    };
    let expr = if parser.tokens.is_empty() {
        None
    } else {
        let e = parser.or_expr("")?;
        if let Some(tok) = parser.tokens.get(parser.pos) {
            return Err(QueryError::new(
                tok.offset,
                format!("unexpected {}", tok.kind.describe()),
            ));
        }
        e
    };
    Ok(Parsed {
        expr,
        ..Parsed::default()
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    LParen,
    RParen,
    LBrace,
    RBrace,
    Colon,
    Range(Op),
    And,
    Or,
    Not,
    /// A double-quoted phrase, escapes resolved.
    Phrase(String),
    /// An unquoted word, escapes resolved; `glob` when it has an unescaped `*`.
    Word {
        text: String,
        glob: bool,
    },
}

impl Kind {
    fn describe(&self) -> String {
        match self {
            Kind::LParen => "'('".into(),
            Kind::RParen => "')'".into(),
            Kind::LBrace => "'{'".into(),
            Kind::RBrace => "'}'".into(),
            Kind::Colon => "':'".into(),
            Kind::Range(op) => format!("range operator {op}"),
            Kind::And => "'and'".into(),
            Kind::Or => "'or'".into(),
            Kind::Not => "'not'".into(),
            Kind::Phrase(p) => format!("phrase \"{p}\""),
            Kind::Word { text, .. } => format!("'{text}'"),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    offset: usize,
    /// Whitespace came right before this token.
    spaced: bool,
}

const SPECIAL: &[char] = &['\\', '(', ')', ':', '<', '>', '"', '{', '}'];

fn lex(text: &str) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut spaced = false;
    while let Some(&(offset, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            spaced = true;
            continue;
        }
        let kind = match c {
            '(' | ')' | '{' | '}' | ':' => {
                chars.next();
                match c {
                    '(' => Kind::LParen,
                    ')' => Kind::RParen,
                    '{' => Kind::LBrace,
                    '}' => Kind::RBrace,
                    _ => Kind::Colon,
                }
            }
            '<' | '>' => {
                chars.next();
                let eq = chars.next_if(|&(_, n)| n == '=').is_some();
                Kind::Range(match (c, eq) {
                    ('<', false) => Op::Lt,
                    ('<', true) => Op::Lte,
                    ('>', false) => Op::Gt,
                    _ => Op::Gte,
                })
            }
            '"' => {
                chars.next();
                let mut value = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.peek().map(|&(_, n)| n) {
                            Some(n @ ('"' | '\\')) => {
                                chars.next();
                                value.push(n);
                            }
                            Some(n @ ('t' | 'r' | 'n')) => {
                                chars.next();
                                value.push(whitespace_escape(n));
                            }
                            _ => value.push('\\'),
                        },
                        c => value.push(c),
                    }
                }
                if !closed {
                    return Err(QueryError::new(offset, "unterminated quoted phrase"));
                }
                Kind::Phrase(value)
            }
            _ => {
                let mut value = String::new();
                let mut glob = false;
                let mut escaped_any = false;
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() || (SPECIAL.contains(&c) && c != '\\') {
                        break;
                    }
                    chars.next();
                    if c == '\\' {
                        escaped_any = true;
                        match chars.next() {
                            Some((_, n @ ('t' | 'r' | 'n'))) => value.push(whitespace_escape(n)),
                            Some((_, n)) => value.push(n),
                            None => value.push('\\'),
                        }
                    } else {
                        glob |= c == '*';
                        value.push(c);
                    }
                }
                let keyword = !escaped_any && !glob;
                match value.to_ascii_lowercase().as_str() {
                    "and" if keyword => Kind::And,
                    "or" if keyword => Kind::Or,
                    "not" if keyword => Kind::Not,
                    _ => Kind::Word { text: value, glob },
                }
            }
        };
        tokens.push(Token {
            kind,
            offset,
            spaced,
        });
        spaced = false;
    }
    Ok(tokens)
}

fn whitespace_escape(c: char) -> char {
    match c {
        't' => '\t',
        'r' => '\r',
        _ => '\n',
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Kind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Kind> {
        self.tokens.get(self.pos + ahead).map(|t| &t.kind)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |t| t.offset)
    }

    fn eat(&mut self, kind: &Kind) -> bool {
        if self.peek() == Some(kind) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, kind: Kind) -> Result<(), QueryError> {
        if self.eat(&kind) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("expected {}", kind.describe())))
        }
    }

    fn unexpected(&self, want: &str) -> QueryError {
        let found = self
            .peek()
            .map_or("end of query".to_string(), Kind::describe);
        QueryError::new(self.offset(), format!("{want}, found {found}"))
    }

    fn enter(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::new(self.offset(), "query nested too deeply"));
        }
        Ok(())
    }

    /// `and_expr (or and_expr)*`; `prefix` is the nested-query field path.
    fn or_expr(&mut self, prefix: &str) -> Result<Option<Expr>, QueryError> {
        let mut items = vec![self.and_expr(prefix)?];
        while self.eat(&Kind::Or) {
            items.push(self.and_expr(prefix)?);
        }
        Ok(any_of(items.into_iter().flatten().collect()))
    }

    fn and_expr(&mut self, prefix: &str) -> Result<Option<Expr>, QueryError> {
        let mut items = vec![self.not_expr(prefix)?];
        while self.eat(&Kind::And) {
            items.push(self.not_expr(prefix)?);
        }
        Ok(all_of(items.into_iter().flatten().collect()))
    }

    fn not_expr(&mut self, prefix: &str) -> Result<Option<Expr>, QueryError> {
        if self.eat(&Kind::Not) {
            self.enter()?;
            let inner = self.not_expr(prefix)?;
            self.depth -= 1;
            return Ok(inner.map(negate));
        }
        self.primary(prefix)
    }

    fn primary(&mut self, prefix: &str) -> Result<Option<Expr>, QueryError> {
        match self.peek().cloned() {
            Some(Kind::LParen) => {
                self.pos += 1;
                self.enter()?;
                let inner = self.or_expr(prefix)?;
                self.expect(Kind::RParen)?;
                self.depth -= 1;
                Ok(inner)
            }
            Some(Kind::Word { .. } | Kind::Phrase(_)) => match self.peek_at(1) {
                Some(Kind::Colon) | Some(Kind::Range(_)) => {
                    let field = match self.peek() {
                        Some(Kind::Word { text, .. }) | Some(Kind::Phrase(text)) => text.clone(),
                        _ => String::new(),
                    };
                    self.pos += 1;
                    let field = if prefix.is_empty() {
                        field
                    } else {
                        format!("{prefix}.{field}")
                    };
                    self.field_expr(&field)
                }
                _ => self.value(""),
            },
            _ => Err(self.unexpected("expected a field, a value or '('")),
        }
    }

    /// After the field name: `: value`, `: (values)`, `: { nested }` or a range.
    fn field_expr(&mut self, field: &str) -> Result<Option<Expr>, QueryError> {
        if let Some(Kind::Range(op)) = self.peek().cloned() {
            self.pos += 1;
            let value = match self.peek().cloned() {
                Some(Kind::Word { text, .. }) | Some(Kind::Phrase(text)) => text,
                _ => return Err(self.unexpected("expected a value after the range operator")),
            };
            self.pos += 1;
            return Ok(Some(pred(field, op, value)));
        }
        self.expect(Kind::Colon)?;
        match self.peek() {
            Some(Kind::LBrace) => {
                self.pos += 1;
                self.enter()?;
                let inner = self.or_expr(field)?;
                self.expect(Kind::RBrace)?;
                self.depth -= 1;
                Ok(inner)
            }
            Some(Kind::LParen) => {
                self.pos += 1;
                self.enter()?;
                let inner = self.value_or(field)?;
                self.expect(Kind::RParen)?;
                self.depth -= 1;
                Ok(inner)
            }
            _ => self.value(field),
        }
    }

    fn value_or(&mut self, field: &str) -> Result<Option<Expr>, QueryError> {
        let mut items = vec![self.value_and(field)?];
        while self.eat(&Kind::Or) {
            items.push(self.value_and(field)?);
        }
        Ok(any_of(items.into_iter().flatten().collect()))
    }

    fn value_and(&mut self, field: &str) -> Result<Option<Expr>, QueryError> {
        let mut items = vec![self.value_not(field)?];
        while self.eat(&Kind::And) {
            items.push(self.value_not(field)?);
        }
        Ok(all_of(items.into_iter().flatten().collect()))
    }

    fn value_not(&mut self, field: &str) -> Result<Option<Expr>, QueryError> {
        if self.eat(&Kind::Not) {
            self.enter()?;
            let inner = self.value_not(field)?;
            self.depth -= 1;
            return Ok(inner.map(negate));
        }
        if self.eat(&Kind::LParen) {
            self.enter()?;
            let inner = self.value_or(field)?;
            self.expect(Kind::RParen)?;
            self.depth -= 1;
            return Ok(inner);
        }
        self.value(field)
    }

    /// One value: a phrase, or unquoted words up to the next keyword or
    /// special character (words separated by spaces form one value).
    fn value(&mut self, field: &str) -> Result<Option<Expr>, QueryError> {
        match self.peek().cloned() {
            Some(Kind::Phrase(text)) => {
                self.pos += 1;
                Ok(Some(pred(field, Op::Match, text)))
            }
            Some(Kind::Word { text, glob }) => {
                self.pos += 1;
                let mut text = text;
                let mut glob = glob;
                while let Some(Token {
                    kind:
                        Kind::Word {
                            text: more,
                            glob: more_glob,
                        },
                    spaced: true,
                    ..
                }) = self.tokens.get(self.pos)
                {
                    if matches!(self.peek_at(1), Some(Kind::Colon | Kind::Range(_))) {
                        break;
                    }
                    text.push(' ');
                    text.push_str(more);
                    glob |= *more_glob;
                    self.pos += 1;
                }
                let expr = if text == "*" && glob && !field.is_empty() {
                    pred(field, Op::Exists, "true")
                } else if glob {
                    pred(field, Op::Wildcard, text)
                } else {
                    pred(field, Op::Match, text)
                };
                Ok(Some(expr))
            }
            _ => Err(self.unexpected("expected a value")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::elastic::query::testing::{k, keys, logic};
    use crate::model::Rule;

    fn rule(text: &str) -> Rule {
        logic(parse(text).expect("valid KQL")).0
    }

    #[test]
    fn values_lists_wildcards_and_exclusions() {
        let r = rule(
            r#"event.code:"4656" and a : ("x" or y*) AND b : *\\lsass.exe and NOT c:(d or "e") and f:*"#,
        );
        assert_eq!(
            keys(&r.predicates),
            vec![
                k("event.code", Op::Match, "4656"),
                k("a", Op::Match, "x"),
                k("a", Op::Wildcard, "y*"),
                k("b", Op::Wildcard, "*\\lsass.exe"),
                k("f", Op::Exists, "true"),
            ]
        );
        assert_eq!(
            keys(&r.exclusions),
            vec![k("c", Op::Match, "d"), k("c", Op::Match, "e")]
        );
    }

    #[test]
    fn escapes_ranges_nested_and_keywords() {
        let r = rule(
            r#"p : C\:\\Windows\\x.exe and s >= 21 and n:{ name: "b c" and not v < 3 } and hello world and x:(* and not (*ssm or z))"#,
        );
        assert_eq!(
            keys(&r.predicates),
            vec![
                k("p", Op::Match, "C:\\Windows\\x.exe"),
                k("s", Op::Gte, "21"),
                k("n.name", Op::Match, "b c"),
                k("", Op::Match, "hello world"),
                k("x", Op::Exists, "true"),
            ]
        );
        assert_eq!(
            keys(&r.exclusions),
            vec![
                k("n.v", Op::Lt, "3"),
                k("x", Op::Wildcard, "*ssm"),
                k("x", Op::Match, "z")
            ]
        );
    }

    #[test]
    fn quoted_escapes_keep_unknown_backslashes() {
        let r = rule(r#"p:"C:\Windows\\a\"b""#);
        assert_eq!(
            keys(&r.predicates),
            vec![k("p", Op::Match, "C:\\Windows\\a\"b")]
        );
    }

    #[test]
    fn errors_are_positions_not_panics() {
        let err = parse("a:(b or").expect_err("unbalanced");
        assert_eq!(err.offset, 7);
        assert!(parse("a:\"open").is_err());
        assert!(parse(&"(".repeat(500)).is_err());
    }
}

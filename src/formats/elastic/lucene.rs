//! Lucene `query_string` syntax (`language = "lucene"`, and ES|QL `QSTR`):
//! terms, `field:value`, `field:(a OR b)`, quoted phrases, `/regex/`,
//! `[a TO b]` ranges, `+`/`-` prefixes and `AND`/`OR`/`NOT`/`&&`/`||`/`!`.
//! Adjacent clauses combine with the default operator, OR. Lower-case
//! `and`/`or`/`not` are read as operators too, as rule authors mean them.
//!
//! Operators: a term is `match`, `wildcard` when it has an unescaped `*` or
//! `?`, `exists true` when it is a lone `*`; phrases are `match`; `/re/` is
//! `regex_match`; inclusive range ends are gte/lte, exclusive ones gt/lt.

use crate::model::{Expr, Op};

use super::query::{all_of, any_of, negate, pred, Parsed, QueryError, MAX_DEPTH};

/// Parses a Lucene query_string query.
pub fn parse(text: &str) -> Result<Parsed, QueryError> {
    let tokens = lex(text)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: text.len(),
    };
    let expr = p.or_expr("")?;
    if let Some(t) = p.tokens.get(p.pos) {
        return Err(QueryError::new(t.offset, "unexpected ')'"));
    }
    Ok(Parsed {
        expr,
        ..Parsed::default()
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    LParen,
    RParen,
    Colon,
    And,
    Or,
    Not,
    Plus,
    Minus,
    Phrase(String),
    Regex(String),
    /// `[a TO b]` / `{a TO b}` as (lower op, lower, upper op, upper).
    Range(Op, String, Op, String),
    Term {
        text: String,
        glob: bool,
    },
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    offset: usize,
}

/// Characters that end an unquoted term.
const SPECIAL: &[char] = &['(', ')', ':', '"', '[', ']', '{', '}', '^', '~'];

fn lex(text: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let kind = match c {
            '(' | ')' | ':' => {
                i += 1;
                match c {
                    '(' => Kind::LParen,
                    ')' => Kind::RParen,
                    _ => Kind::Colon,
                }
            }
            '+' | '-' | '!' if i + 1 < chars.len() && !chars[i + 1].1.is_whitespace() => {
                i += 1;
                match c {
                    '+' => Kind::Plus,
                    _ => Kind::Minus,
                }
            }
            '&' | '|' if chars.get(i + 1).map(|x| x.1) == Some(c) => {
                i += 2;
                if c == '&' {
                    Kind::And
                } else {
                    Kind::Or
                }
            }
            '"' | '/' => {
                let mut value = String::new();
                i += 1;
                loop {
                    let Some(&(_, n)) = chars.get(i) else {
                        return Err(QueryError::new(offset, "unterminated phrase or regex"));
                    };
                    i += 1;
                    if n == c {
                        break;
                    }
                    if n == '\\' {
                        if let Some(&(_, e)) = chars.get(i) {
                            i += 1;
                            if c == '/' && e != '/' {
                                value.push('\\');
                            }
                            value.push(e);
                            continue;
                        }
                    }
                    value.push(n);
                }
                if c == '"' {
                    Kind::Phrase(value)
                } else {
                    Kind::Regex(value)
                }
            }
            '[' | '{' => {
                let close = if c == '[' { ']' } else { '}' };
                let rest: String = chars[i + 1..].iter().map(|x| x.1).collect();
                let end = rest
                    .find([']', '}'])
                    .ok_or_else(|| QueryError::new(offset, "unterminated range"))?;
                let inner = &rest[..end];
                let closer = rest[end..].chars().next().unwrap_or(close);
                let (low, high) = inner
                    .split_once(" TO ")
                    .ok_or_else(|| QueryError::new(offset, "range without ' TO '"))?;
                i += 1 + rest[..=end].chars().count();
                Kind::Range(
                    if c == '[' { Op::Gte } else { Op::Gt },
                    low.trim().trim_matches('"').to_string(),
                    if closer == ']' { Op::Lte } else { Op::Lt },
                    high.trim().trim_matches('"').to_string(),
                )
            }
            _ => {
                let mut value = String::new();
                let mut glob = false;
                let mut escaped = false;
                while let Some(&(_, n)) = chars.get(i) {
                    if n.is_whitespace() || SPECIAL.contains(&n) {
                        break;
                    }
                    i += 1;
                    if n == '\\' {
                        escaped = true;
                        if let Some(&(_, e)) = chars.get(i) {
                            i += 1;
                            value.push(e);
                        }
                        continue;
                    }
                    glob |= n == '*' || n == '?';
                    value.push(n);
                }
                if value.is_empty() {
                    return Err(QueryError::new(offset, format!("unexpected '{c}'")));
                }
                match value.as_str() {
                    "AND" | "and" if !escaped => Kind::And,
                    "OR" | "or" if !escaped => Kind::Or,
                    "NOT" | "not" if !escaped => Kind::Not,
                    _ => Kind::Term { text: value, glob },
                }
            }
        };
        out.push(Token { kind, offset });
    }
    Ok(out)
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

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |t| t.offset)
    }

    fn eat(&mut self, kind: &Kind) -> bool {
        let found = self.peek() == Some(kind);
        if found {
            self.pos += 1;
        }
        found
    }

    /// Clauses joined by OR, explicitly or by adjacency.
    fn or_expr(&mut self, field: &str) -> Result<Option<Expr>, QueryError> {
        let mut items = Vec::new();
        while !matches!(self.peek(), None | Some(Kind::RParen)) {
            self.eat(&Kind::Or);
            items.push(self.and_expr(field)?);
        }
        Ok(any_of(items.into_iter().flatten().collect()))
    }

    fn and_expr(&mut self, field: &str) -> Result<Option<Expr>, QueryError> {
        let mut items = vec![self.not_expr(field)?];
        while self.eat(&Kind::And) {
            items.push(self.not_expr(field)?);
        }
        Ok(all_of(items.into_iter().flatten().collect()))
    }

    fn not_expr(&mut self, field: &str) -> Result<Option<Expr>, QueryError> {
        if self.eat(&Kind::Not) || self.eat(&Kind::Minus) {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(QueryError::new(self.offset(), "query nested too deeply"));
            }
            let inner = self.not_expr(field)?;
            self.depth -= 1;
            return Ok(inner.map(negate));
        }
        self.eat(&Kind::Plus);
        self.clause(field)
    }

    fn clause(&mut self, field: &str) -> Result<Option<Expr>, QueryError> {
        let Some(token) = self.tokens.get(self.pos).cloned() else {
            return Err(QueryError::new(
                self.end,
                "expected a term, found end of query",
            ));
        };
        self.pos += 1;
        match token.kind {
            Kind::LParen => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(QueryError::new(token.offset, "query nested too deeply"));
                }
                let inner = self.or_expr(field)?;
                if !self.eat(&Kind::RParen) {
                    return Err(QueryError::new(self.offset(), "expected ')'"));
                }
                self.depth -= 1;
                Ok(inner)
            }
            Kind::Term { text, .. } if field.is_empty() && self.peek() == Some(&Kind::Colon) => {
                self.pos += 1;
                self.clause(&text)
            }
            Kind::Term { text, glob } => Ok(Some(if text == "*" && !field.is_empty() {
                pred(field, Op::Exists, "true")
            } else if glob {
                pred(field, Op::Wildcard, text)
            } else {
                pred(field, Op::Match, text)
            })),
            Kind::Phrase(text) => Ok(Some(pred(field, Op::Match, text))),
            Kind::Regex(text) => Ok(Some(pred(field, Op::RegexMatch, text))),
            Kind::Range(low_op, low, high_op, high) => {
                let mut ends = Vec::new();
                if low != "*" {
                    ends.push(pred(field, low_op, low));
                }
                if high != "*" {
                    ends.push(pred(field, high_op, high));
                }
                Ok(all_of(ends))
            }
            _ => Err(QueryError::new(
                token.offset,
                "expected a term, a phrase or '('",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::elastic::query::testing::{k, keys, logic};

    #[test]
    fn the_corpus_rule_shape() {
        let parsed = parse(
            "event.category:process AND event.type:(start or process_started) AND process.args:(g+s OR /2[0-9]{3}/) AND NOT user.name:root AND size:[10 TO *} AND -x:\"a b\" AND y:*",
        )
        .expect("valid Lucene");
        let (rule, _) = logic(parsed);
        assert_eq!(
            keys(&rule.predicates),
            vec![
                k("event.category", Op::Match, "process"),
                k("event.type", Op::Match, "start"),
                k("event.type", Op::Match, "process_started"),
                k("process.args", Op::Match, "g+s"),
                k("process.args", Op::RegexMatch, "2[0-9]{3}"),
                k("size", Op::Gte, "10"),
                k("y", Op::Exists, "true"),
            ]
        );
        let excl: Vec<&str> = rule.exclusions.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(excl, vec!["root", "a b"]);
    }

    #[test]
    fn errors_not_panics() {
        assert!(parse("a:(b").is_err());
        assert!(parse("a:\"b").is_err());
        assert!(parse("a:[1 2]").is_err());
        assert!(parse(&"(".repeat(400)).is_err());
    }
}

//! The Sigma condition language: a lexer and a recursive-descent parser for
//! `and`, `or`, `not`, parentheses and `1 of` / `any of` / `all of` selectors
//! (keywords case-insensitive; precedence not > and > or). The legacy
//! aggregation after `|` is split off for [`super::aggregation`].

/// Deepest nesting of parentheses and `not` accepted.
const MAX_DEPTH: usize = 64;

/// A parsed condition; identifiers are still names, resolved later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    /// A selection name and its byte offset in the condition.
    Ident(String, usize),
    /// `1 of x*` / `any of x*` (`all: false`) or `all of x*` (`all: true`);
    /// pattern `them` means every selection.
    Of {
        all: bool,
        pattern: String,
        offset: usize,
    },
}

/// A condition error: what is wrong and at which byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CondError {
    pub offset: usize,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Word(String),
}

/// Splits a condition at its first `|`: the boolean part and the legacy
/// aggregation expression, if any.
pub fn split_aggregation(text: &str) -> (&str, Option<&str>) {
    match text.find('|') {
        Some(i) => (&text[..i], Some(text[i + 1..].trim())),
        None => (text, None),
    }
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, CondError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' || c == ')' {
            tokens.push((if c == '(' { Tok::Open } else { Tok::Close }, i));
            chars.next();
        } else if is_word_char(c) {
            let mut word = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if !is_word_char(c) {
                    break;
                }
                word.push(c);
                chars.next();
            }
            tokens.push((Tok::Word(word), i));
        } else {
            return Err(CondError {
                offset: i,
                reason: format!("unexpected character '{c}' in condition"),
            });
        }
    }
    Ok(tokens)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '*' | '.')
}

/// Parses the boolean part of a condition.
pub fn parse(text: &str) -> Result<Cond, CondError> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        end: text.len(),
        depth: 0,
    };
    let cond = parser.or_expr()?;
    match parser.tokens.get(parser.pos) {
        None => Ok(cond),
        Some((tok, offset)) => Err(CondError {
            offset: *offset,
            reason: format!(
                "expected 'and', 'or' or the end of the condition, found {}",
                describe(tok)
            ),
        }),
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Open => "'('".to_string(),
        Tok::Close => "')'".to_string(),
        Tok::Word(w) => format!("'{w}'"),
    }
}

struct Parser {
    tokens: Vec<(Tok, usize)>,
    pos: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some((Tok::Word(w), _)) if w.eq_ignore_ascii_case(keyword))
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map(|t| t.1).unwrap_or(self.end)
    }

    fn or_expr(&mut self) -> Result<Cond, CondError> {
        let mut items = vec![self.and_expr()?];
        while self.peek_keyword("or") {
            self.pos += 1;
            items.push(self.and_expr()?);
        }
        Ok(flatten(items, Cond::Or))
    }

    fn and_expr(&mut self) -> Result<Cond, CondError> {
        let mut items = vec![self.not_expr()?];
        while self.peek_keyword("and") {
            self.pos += 1;
            items.push(self.not_expr()?);
        }
        Ok(flatten(items, Cond::And))
    }

    fn not_expr(&mut self) -> Result<Cond, CondError> {
        if self.peek_keyword("not") {
            self.pos += 1;
            self.enter()?;
            let inner = self.not_expr()?;
            self.depth -= 1;
            return Ok(Cond::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn enter(&mut self) -> Result<(), CondError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(CondError {
                offset: self.offset(),
                reason: format!("condition nests deeper than {MAX_DEPTH} levels"),
            });
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<Cond, CondError> {
        let offset = self.offset();
        match self.tokens.get(self.pos).cloned() {
            Some((Tok::Open, _)) => {
                self.pos += 1;
                self.enter()?;
                let inner = self.or_expr()?;
                self.depth -= 1;
                match self.tokens.get(self.pos) {
                    Some((Tok::Close, _)) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    other => Err(CondError {
                        offset: self.offset(),
                        reason: format!(
                            "expected ')' to close the '(' at character {}, found {}",
                            offset + 1,
                            other.map(|t| describe(&t.0)).unwrap_or("the end".into())
                        ),
                    }),
                }
            }
            Some((Tok::Word(word), _)) => {
                let quantifier = ["1", "any", "all"]
                    .iter()
                    .any(|q| word.eq_ignore_ascii_case(q));
                let next_is_of = matches!(self.tokens.get(self.pos + 1), Some((Tok::Word(w), _)) if w.eq_ignore_ascii_case("of"));
                if quantifier && next_is_of {
                    self.pos += 2;
                    return self.selector(word.eq_ignore_ascii_case("all"));
                }
                if ["and", "or", "not", "of"]
                    .iter()
                    .any(|k| word.eq_ignore_ascii_case(k))
                {
                    return Err(CondError {
                        offset,
                        reason: format!("expected a selection name, found the keyword '{word}'"),
                    });
                }
                self.pos += 1;
                Ok(Cond::Ident(word, offset))
            }
            Some((Tok::Close, _)) => Err(CondError {
                offset,
                reason: "unexpected ')': no selection before it".to_string(),
            }),
            None => Err(CondError {
                offset,
                reason: "condition ends where a selection name was expected".to_string(),
            }),
        }
    }

    fn selector(&mut self, all: bool) -> Result<Cond, CondError> {
        let offset = self.offset();
        match self.tokens.get(self.pos).cloned() {
            Some((Tok::Word(pattern), _)) => {
                self.pos += 1;
                let pattern = if pattern.eq_ignore_ascii_case("them") {
                    "them".to_string()
                } else {
                    pattern
                };
                Ok(Cond::Of {
                    all,
                    pattern,
                    offset,
                })
            }
            _ => Err(CondError {
                offset,
                reason: "expected a selection pattern or 'them' after 'of'".to_string(),
            }),
        }
    }
}

fn flatten(mut items: Vec<Cond>, make: fn(Vec<Cond>) -> Cond) -> Cond {
    if items.len() == 1 {
        items.remove(0)
    } else {
        make(items)
    }
}

/// True when selection `name` is picked by the `x of pattern` selector:
/// `*` matches any run, `them` matches everything; names starting with `_`
/// are only picked by patterns that start with `_`.
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    if name.starts_with('_') && !pattern.starts_with('_') {
        return false;
    }
    pattern == "them" || glob(pattern.as_bytes(), name.as_bytes())
}

fn glob(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            backtrack = Some((p, n));
            p += 1;
        } else if p < pattern.len() && pattern[p] == name[n] {
            p += 1;
            n += 1;
        } else if let Some((bp, bn)) = backtrack {
            p = bp + 1;
            n = bn + 1;
            backtrack = Some((bp, bn + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str, offset: usize) -> Cond {
        Cond::Ident(name.to_string(), offset)
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        let c = parse("a or not b and c").unwrap();
        assert_eq!(
            c,
            Cond::Or(vec![
                id("a", 0),
                Cond::And(vec![Cond::Not(Box::new(id("b", 9))), id("c", 15)]),
            ])
        );
    }

    #[test]
    fn selectors_parentheses_and_case_insensitive_keywords() {
        let c = parse("Selection AND NOT (1 of filter_* OR All Of Them)").unwrap();
        assert_eq!(
            c,
            Cond::And(vec![
                id("Selection", 0),
                Cond::Not(Box::new(Cond::Or(vec![
                    Cond::Of {
                        all: false,
                        pattern: "filter_*".into(),
                        offset: 24
                    },
                    Cond::Of {
                        all: true,
                        pattern: "them".into(),
                        offset: 43
                    },
                ]))),
            ])
        );
        assert_eq!(
            parse("not not x").unwrap(),
            Cond::Not(Box::new(Cond::Not(Box::new(id("x", 8)))))
        );
        assert_eq!(parse("notepad").unwrap(), id("notepad", 0));
    }

    #[test]
    fn errors_carry_positions() {
        assert_eq!(parse("a and").unwrap_err().offset, 5);
        assert_eq!(parse("(a or b").unwrap_err().offset, 7);
        assert_eq!(parse("a b").unwrap_err().offset, 2);
        assert_eq!(parse("a = b").unwrap_err().offset, 2);
        assert!(parse(&"(".repeat(500))
            .unwrap_err()
            .reason
            .contains("deeper"));
        assert!(parse(&"not ".repeat(500)).is_err());
    }

    #[test]
    fn patterns_and_aggregations() {
        assert!(pattern_matches("filter_*", "filter_main_x"));
        assert!(pattern_matches("sel*_a", "sel_1_a"));
        assert!(!pattern_matches("filter_*", "selection"));
        assert!(!pattern_matches("them", "_hidden"));
        assert!(pattern_matches("them", "anything"));
        assert_eq!(
            split_aggregation("selection | count(x) by y > 3"),
            ("selection ", Some("count(x) by y > 3"))
        );
    }
}

//! Event Query Language: a precedence parser over [`super::lex`] tokens
//! (`or` < `and` < `not` < comparison < `+ -` < `* / %`) that lowers each
//! comparison to predicates.
//!
//! - `process where …`: the category is a data source (`event.category`),
//!   not a predicate; `any where` selects no category.
//! - Operators: `==` → eq, `!=` → eq under a negation, `:` → match (wildcard
//!   when the value has `*` or `?`), `like`/`like~` → wildcard, `regex`/
//!   `regex~` → regex_match, `in` → eq and `in~` → match (one predicate per
//!   value), ranges → gt/gte/lt/lte, `== null` → exists false, `!= null` →
//!   exists true, field against field → fieldref. `startsWith`, `endsWith`,
//!   `stringContains` → wildcard `v*`, `*v`, `*v*`; `wildcard` → wildcard;
//!   `cidrMatch` → cidr; `match`/`matchLite` → regex_match.
//! - Comparisons on computed values (`length(x) > 2`, arithmetic) are
//!   thresholds, kept as text in the logic.
//! - Sequences, samples and joins: every step is one branch of an `And` (all
//!   steps must match, in order); an `until [...]` step and a missing-event
//!   step `![...]` are negated, so their predicates are exclusions. `by` join
//!   keys and `maxspan` are not filters; `with runs=N` is a threshold.
//! - Pipes other than `head`/`tail` are noted, not interpreted.

use crate::model::{Expr, Op, Predicate};

use super::lex::{lex, Cursor, Tok};
use super::operand::{
    as_condition, cidr, compare, contains, function_filter, glob, in_set, prefix, regex, suffix,
    Layers, Lit, Shape, Value,
};
use super::query::{all_of, match_or_wildcard, negate, Parsed, QueryError};

/// Parses an EQL query.
pub fn parse(text: &str) -> Result<Parsed, QueryError> {
    let tokens = lex(text)?;
    let mut p = Parser {
        c: Cursor::new(text, tokens),
        out: Parsed::default(),
    };
    let expr = p.query()?;
    p.out.expr = expr;
    Ok(p.out)
}

/// How a string predicate (`:`, `like`, `regex`) compares.
#[derive(Debug, Clone, Copy)]
enum StrOp {
    Colon,
    Like,
    Regex,
}

struct Parser<'a> {
    c: Cursor<'a>,
    out: Parsed,
}

impl<'a> Parser<'a> {
    /// The whole query: a base query followed by pipes.
    fn query(&mut self) -> Result<Option<Expr>, QueryError> {
        let expr =
            if self.c.is_word("sequence") || self.c.is_word("sample") || self.c.is_word("join") {
                self.steps_query()?
            } else {
                self.event_query()?
            };
        while self.c.eat(&Tok::Pipe) {
            self.pipe()?;
        }
        if self.c.pos < self.c.tokens.len() {
            return Err(self.c.error("expected the end of the query or '|'"));
        }
        Ok(expr)
    }

    fn pipe(&mut self) -> Result<(), QueryError> {
        let name = match self.c.peek() {
            Some(Tok::Name { text, .. }) => text.clone(),
            _ => return Err(self.c.error("expected a pipe name")),
        };
        let start = self.c.offset();
        while self.c.pos < self.c.tokens.len() && self.c.peek() != Some(&Tok::Pipe) {
            self.c.pos += 1;
        }
        if name != "head" && name != "tail" {
            let text = self.c.text((start, self.c.prev_end()));
            self.out.note(format!("pipe not interpreted: | {text}"));
        }
        Ok(())
    }

    /// `[category where] expr`.
    fn event_query(&mut self) -> Result<Option<Expr>, QueryError> {
        let category = match (self.c.peek(), self.c.peek_at(1)) {
            (
                Some(Tok::Name { text, .. }),
                Some(Tok::Name {
                    text: w,
                    insensitive: false,
                }),
            ) if w == "where" => Some(text.clone()),
            (
                Some(Tok::Str(text)),
                Some(Tok::Name {
                    text: w,
                    insensitive: false,
                }),
            ) if w == "where" => Some(text.clone()),
            _ => None,
        };
        if let Some(category) = category {
            self.c.pos += 2;
            if category != "any" {
                self.out.add_source("event.category", &category);
            }
        }
        let value = self.or_expr()?;
        Ok(self.cond(value))
    }

    /// `sequence|sample|join [by keys] [with maxspan=N] steps [until step]`.
    fn steps_query(&mut self) -> Result<Option<Expr>, QueryError> {
        self.c.pos += 1;
        loop {
            if self.c.eat_word("by") {
                self.join_keys()?;
            } else if self.c.is_word("with")
                && matches!(self.c.peek_at(1), Some(Tok::Name { text, .. }) if text == "maxspan")
            {
                self.c.pos += 2;
                self.c.expect(Tok::Cmp("="), "'=' after maxspan")?;
                if !matches!(self.c.peek(), Some(Tok::Num(_))) {
                    return Err(self.c.error("expected a time span"));
                }
                self.c.pos += 1;
                if matches!(self.c.peek(), Some(Tok::Name { .. })) && !self.c.is_word("by") {
                    self.c.pos += 1;
                }
            } else {
                break;
            }
        }
        let mut steps = Vec::new();
        while matches!(self.c.peek(), Some(Tok::LBracket | Tok::MissingOpen)) {
            steps.push(self.step()?);
        }
        if steps.is_empty() {
            return Err(self.c.error("expected a '[' step"));
        }
        if self.c.eat_word("until") {
            let until = self.step()?;
            steps.push(until.map(negate));
        }
        Ok(all_of(steps.into_iter().flatten().collect()))
    }

    /// `[ event_query ] [by keys] [with runs=N]`; `![ ... ]` is negated.
    fn step(&mut self) -> Result<Option<Expr>, QueryError> {
        let missing = self.c.peek() == Some(&Tok::MissingOpen);
        if !missing && self.c.peek() != Some(&Tok::LBracket) {
            return Err(self.c.error("expected a '[' step"));
        }
        self.c.pos += 1;
        self.c.enter()?;
        let expr = self.event_query()?;
        self.c.expect(Tok::RBracket, "']' closing the step")?;
        self.c.depth -= 1;
        loop {
            if self.c.eat_word("by") {
                self.join_keys()?;
            } else if self.c.eat_word("fork") {
                if self.c.eat(&Tok::Cmp("=")) {
                    self.c.pos += 1;
                }
            } else if self.c.eat_word("as") {
                self.c.pos += 1;
            } else if self.c.is_word("with")
                && matches!(self.c.peek_at(1), Some(Tok::Name { text, .. }) if text == "runs")
            {
                self.c.pos += 2;
                self.c.expect(Tok::Cmp("="), "'=' after runs")?;
                let Some(Tok::Num(n)) = self.c.peek().cloned() else {
                    return Err(self.c.error("expected a number of runs"));
                };
                self.c.pos += 1;
                self.out.add_threshold(
                    Predicate::new("runs", Op::Eq, n).with_modifiers(vec!["sequence".into()]),
                );
            } else {
                break;
            }
        }
        Ok(if missing { expr.map(negate) } else { expr })
    }

    fn join_keys(&mut self) -> Result<(), QueryError> {
        loop {
            self.sum()?;
            if !self.c.eat(&Tok::Comma) {
                return Ok(());
            }
        }
    }

    fn string_predicate(
        &mut self,
        lhs: Value,
        op: StrOp,
        start: usize,
    ) -> Result<Value, QueryError> {
        let items = if self.c.eat(&Tok::LParen) {
            self.list()?
        } else {
            vec![self.sum()?]
        };
        let text = self.c.text((start, self.c.prev_end()));
        let to_op = move |v: &str| match op {
            StrOp::Colon => match_or_wildcard(v),
            StrOp::Like => Op::Wildcard,
            StrOp::Regex => Op::RegexMatch,
        };
        Ok(Value::Cond(in_set(&mut self.out, lhs, items, to_op, &text)))
    }

    fn sum(&mut self) -> Result<Value, QueryError> {
        let start = self.c.offset();
        let first = self.product()?;
        let mut computed = false;
        while matches!(self.c.peek(), Some(Tok::Arith('+' | '-'))) {
            self.c.pos += 1;
            self.product()?;
            computed = true;
        }
        Ok(if computed {
            Value::Computed(self.c.text((start, self.c.prev_end())))
        } else {
            first
        })
    }

    fn product(&mut self) -> Result<Value, QueryError> {
        let start = self.c.offset();
        let first = self.unary()?;
        let mut computed = false;
        while matches!(self.c.peek(), Some(Tok::Arith('*' | '/' | '%'))) {
            self.c.pos += 1;
            self.unary()?;
            computed = true;
        }
        Ok(if computed {
            Value::Computed(self.c.text((start, self.c.prev_end())))
        } else {
            first
        })
    }

    fn unary(&mut self) -> Result<Value, QueryError> {
        let start = self.c.offset();
        if let Some(Tok::Arith(sign @ ('-' | '+'))) = self.c.peek().cloned() {
            self.c.pos += 1;
            return Ok(match self.atom()? {
                Value::Lit(Lit::Num(n)) if sign == '-' => Value::Lit(Lit::Num(format!("-{n}"))),
                lit @ Value::Lit(Lit::Num(_)) => lit,
                _ => Value::Computed(self.c.text((start, self.c.prev_end()))),
            });
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Value, QueryError> {
        let start = self.c.offset();
        let Some(tok) = self.c.peek().cloned() else {
            return Err(self.c.error("expected a value"));
        };
        self.c.pos += 1;
        match tok {
            Tok::Str(s) => Ok(Value::Lit(Lit::Str(s))),
            Tok::Num(n) => Ok(Value::Lit(Lit::Num(n))),
            Tok::Optional(f) => Ok(Value::Field(f)),
            Tok::LParen => {
                self.c.enter()?;
                let inner = self.or_expr()?;
                self.c.expect(Tok::RParen, "')'")?;
                self.c.depth -= 1;
                Ok(inner)
            }
            Tok::Name { text, insensitive } => {
                if self.c.peek() == Some(&Tok::LParen) {
                    self.c.pos += 1;
                    let args = self.list()?;
                    let name = text.to_ascii_lowercase();
                    return Ok(Value::Call {
                        name,
                        args,
                        text: self.c.text((start, self.c.prev_end())),
                    });
                }
                Ok(match (text.as_str(), insensitive) {
                    ("true", false) => Value::Lit(Lit::Bool(true)),
                    ("false", false) => Value::Lit(Lit::Bool(false)),
                    ("null", false) => Value::Lit(Lit::Null),
                    _ => Value::Field(text),
                })
            }
            _ => {
                self.c.pos -= 1;
                Err(self.c.error("expected a value"))
            }
        }
    }
}

impl<'a> Layers<'a> for Parser<'a> {
    fn cursor(&mut self) -> &mut Cursor<'a> {
        &mut self.c
    }

    /// `sum [op sum | [not] in (...) | :/like/regex values]`.
    fn comparison(&mut self) -> Result<Value, QueryError> {
        let start = self.c.offset();
        let lhs = self.sum()?;
        let negated_in = self.c.is_word("not")
            && matches!(self.c.peek_at(1), Some(Tok::Name { text, .. }) if text == "in");
        if negated_in {
            self.c.pos += 1;
        }
        match self.c.peek().cloned() {
            Some(Tok::Cmp(op)) => {
                self.c.pos += 1;
                let rhs = self.sum()?;
                let text = self.c.text((start, self.c.prev_end()));
                Ok(Value::Cond(compare(&mut self.out, lhs, op, rhs, &text)))
            }
            Some(Tok::Name { text, insensitive }) if text == "in" => {
                self.c.pos += 1;
                self.c.expect(Tok::LParen, "'(' after in")?;
                let items = self.list()?;
                let text = self.c.text((start, self.c.prev_end()));
                let op = if insensitive { Op::Match } else { Op::Eq };
                let expr = in_set(&mut self.out, lhs, items, |_| op, &text);
                Ok(Value::Cond(if negated_in {
                    expr.map(negate)
                } else {
                    expr
                }))
            }
            Some(Tok::Colon) => {
                self.c.pos += 1;
                self.string_predicate(lhs, StrOp::Colon, start)
            }
            Some(Tok::Name { text, .. }) if text == "like" || text == "regex" => {
                self.c.pos += 1;
                let op = if text == "like" {
                    StrOp::Like
                } else {
                    StrOp::Regex
                };
                self.string_predicate(lhs, op, start)
            }
            _ if negated_in => Err(self.c.error("expected 'in' after 'not'")),
            _ => Ok(lhs),
        }
    }

    /// Turns a value used as a boolean into a condition.
    fn cond(&mut self, value: Value) -> Option<Expr> {
        let out = &mut self.out;
        as_condition(value, |name, args, text| {
            function_filter(out, &name, args, &text, filter_shape)
        })
    }
}

/// EQL's filter functions (names lower-cased, `~` dropped).
fn filter_shape(name: &str) -> Option<Shape> {
    Some(match name {
        "startswith" => prefix,
        "endswith" => suffix,
        "stringcontains" => contains,
        "wildcard" => glob,
        "cidrmatch" => cidr,
        "match" | "matchlite" => regex,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::elastic::query::testing::{k, keys, logic};
    use crate::model::{DataSource, Rule};

    fn run(text: &str) -> (Rule, Parsed) {
        logic(parse(text).expect("valid EQL"))
    }

    #[test]
    fn operators_map_to_the_design() {
        let (r, parsed) = run(
            r#"process where process.name : ("a.exe", "b*") and process.args like~ "x" and
               ?process.pe.original_file_name in~ ("A") and process.pid in (4, 8) and
               not user.name == "SYSTEM" and host.ip != "1.2.3.4" and file.size >= 100 and
               startsWith~(process.title, "ab") and cidrMatch(source.ip, "10.0.0.0/8") and
               process.command_line regex~ ".*x" and file.hash != null and a.b == null and
               not process.parent.name not in ("c")"#,
        );
        assert_eq!(
            parsed.sources,
            vec![DataSource {
                kind: "event.category".into(),
                value: "process".into()
            }]
        );
        assert_eq!(
            keys(&r.predicates),
            vec![
                k("process.name", Op::Match, "a.exe"),
                k("process.name", Op::Wildcard, "b*"),
                k("process.args", Op::Wildcard, "x"),
                k("process.pe.original_file_name", Op::Match, "A"),
                k("process.pid", Op::Eq, "4"),
                k("process.pid", Op::Eq, "8"),
                k("file.size", Op::Gte, "100"),
                k("process.title", Op::Wildcard, "ab*"),
                k("source.ip", Op::Cidr, "10.0.0.0/8"),
                k("process.command_line", Op::RegexMatch, ".*x"),
                k("file.hash", Op::Exists, "true"),
                k("a.b", Op::Exists, "false"),
                k("process.parent.name", Op::Eq, "c"),
            ]
        );
        assert_eq!(
            keys(&r.exclusions),
            vec![
                k("user.name", Op::Eq, "SYSTEM"),
                k("host.ip", Op::Eq, "1.2.3.4")
            ]
        );
    }

    #[test]
    fn sequences_negate_until_and_missing_steps() {
        let (r, parsed) = run(r#"sequence by host.id with maxspan=5m
               [process where event.type == "start" and process.name : "x"] by process.entity_id
               ![file where file.name : "y"]
               [network where true] with runs=3
               until [process where event.type == "end"]
               | head 1"#);
        let cats: Vec<&str> = parsed.sources.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(cats, vec!["process", "file", "network"]);
        assert_eq!(
            keys(&r.predicates),
            vec![
                k("event.type", Op::Eq, "start"),
                k("process.name", Op::Match, "x")
            ]
        );
        assert_eq!(
            keys(&r.exclusions),
            vec![
                k("file.name", Op::Match, "y"),
                k("event.type", Op::Eq, "end")
            ]
        );
        assert_eq!(keys(&parsed.thresholds), vec![k("runs", Op::Eq, "3")]);
    }

    #[test]
    fn computed_comparisons_are_thresholds() {
        let (r, parsed) = run(
            r#"any where length(process.args) > 2 and process.args_count + 1 >= 3 and
               process.name != process.parent.name and endswith~(file.name, ".exe")"#,
        );
        assert!(parsed.sources.is_empty());
        assert_eq!(
            keys(&parsed.thresholds),
            vec![
                k("length(process.args)", Op::Gt, "2"),
                k("process.args_count + 1", Op::Gte, "3"),
            ]
        );
        assert_eq!(
            keys(&r.predicates),
            vec![k("file.name", Op::Wildcard, "*.exe")]
        );
        assert_eq!(
            keys(&r.exclusions),
            vec![k("process.name", Op::Fieldref, "process.parent.name")]
        );
    }

    #[test]
    fn bad_queries_are_errors() {
        assert!(parse("process where (a == 1").is_err());
        assert!(parse("sequence by x").is_err());
        assert!(parse("process where a in 1").is_err());
        assert!(parse(&format!(
            "any where {}a{}",
            "(".repeat(300),
            ")".repeat(300)
        ))
        .is_err());
    }
}

//! ES|QL: the pipeline is split into commands; `FROM` gives index sources,
//! `WHERE` is parsed with a precedence parser (`OR` < `AND` < `NOT` <
//! comparison < `+ -` < `* / %`) and the other commands only tell which
//! field names are computed (`EVAL`, `STATS`, `DISSECT`, `GROK`, `RENAME`).
//!
//! Operators: `==` → eq, `!=` → eq negated, `LIKE` → wildcard, `RLIKE` →
//! regex_match, `IN` → eq per value, `:` and `match()` → match, `IS NULL` →
//! exists false, `IS NOT NULL` → exists true, ranges → gt/gte/lt/lte,
//! `starts_with`/`ends_with` → wildcard `v*`/`*v`, `cidr_match` → cidr;
//! `to_lower(f)`, `to_upper(f)` and `to_string(f)` compare on `f`; `KQL("...")` and
//! `QSTR("...")` are parsed as KQL and Lucene. A `WHERE` after `STATS`, or a
//! comparison on a field an earlier command computed, is a threshold.

use crate::model::{Expr, Op};

use super::lex::{lex, Cursor, Tok};
use super::operand::{
    as_condition, cidr, compare, contains, exact, function_filter, in_set, prefix, suffix, term,
    Layers, Lit, Shape, Value,
};
use super::query::{all_of, any_of, negate, Parsed, QueryError};
use super::{kql, lucene};

/// Parses an ES|QL query.
pub fn parse(text: &str) -> Result<Parsed, QueryError> {
    let mut state = State {
        out: Parsed::default(),
        computed: Vec::new(),
        after_stats: false,
        filters: Vec::new(),
    };
    for (offset, command) in split_commands(text)? {
        state.command(offset, command)?;
    }
    state.out.expr = all_of(state.filters);
    Ok(state.out)
}

/// Splits the pipeline at `|` outside strings and comments.
fn split_commands(text: &str) -> Result<Vec<(usize, &str)>, QueryError> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let rest = &text[i..];
        if let Some(body) = rest.strip_prefix("\"\"\"") {
            let close = body
                .find("\"\"\"")
                .ok_or_else(|| QueryError::new(i, "unterminated \"\"\" string"))?;
            i += close + 6;
        } else if rest.starts_with('"') {
            let mut j = 1;
            while j < rest.len() && rest.as_bytes()[j] != b'"' {
                j += if rest.as_bytes()[j] == b'\\' { 2 } else { 1 };
            }
            if j >= rest.len() {
                return Err(QueryError::new(i, "unterminated string"));
            }
            i += j + 1;
        } else if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |n| n + 2);
        } else {
            if bytes[i] == b'|' {
                out.push((start, &text[start..i]));
                start = i + 1;
            }
            i += 1;
        }
    }
    out.push((start, &text[start..]));
    Ok(out)
}

struct State {
    out: Parsed,
    /// Field names created by earlier commands.
    computed: Vec<String>,
    /// A `STATS` has run: every later filter is on aggregated rows.
    after_stats: bool,
    filters: Vec<Expr>,
}

impl State {
    fn command(&mut self, offset: usize, command: &str) -> Result<(), QueryError> {
        let trimmed = command.trim_start();
        let body_offset = offset + (command.len() - trimmed.len());
        let keyword_len = trimmed
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .unwrap_or(trimmed.len());
        let keyword = trimmed[..keyword_len].to_ascii_lowercase();
        let body = &trimmed[keyword_len..];
        let body_offset = body_offset + keyword_len;
        match keyword.as_str() {
            "" => Ok(()),
            "from" => {
                let indices = split_keyword(body, "metadata").0;
                for index in indices.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    self.out.add_source("index", index);
                }
                Ok(())
            }
            "where" => {
                let tokens = lex(body).map_err(|e| shift(e, body_offset))?;
                let mut parser = Where {
                    c: Cursor::new(body, tokens),
                    out: &mut self.out,
                };
                let value = parser.or_expr().map_err(|e| shift(e, body_offset))?;
                if parser.c.pos < parser.c.tokens.len() {
                    return Err(shift(
                        parser.c.error("expected the end of WHERE"),
                        body_offset,
                    ));
                }
                if let Some(expr) = parser.cond(value) {
                    let expr = self.split_thresholds(expr, false);
                    self.filters.extend(expr);
                }
                Ok(())
            }
            "eval" => {
                self.assigned(body);
                Ok(())
            }
            "stats" => {
                self.assigned(split_keyword(body, "by").0);
                self.after_stats = true;
                Ok(())
            }
            "inlinestats" | "inline" => {
                let body = if keyword == "inline" {
                    split_keyword(body, "stats").1
                } else {
                    body
                };
                self.assigned(split_keyword(body, "by").0);
                Ok(())
            }
            "dissect" | "grok" => {
                self.pattern_names(body);
                Ok(())
            }
            "rename" => {
                for part in body.split(',') {
                    let (from, to) = split_keyword(part, "as");
                    let name = if to.trim().is_empty() {
                        from.split('=').next().unwrap_or_default()
                    } else {
                        to
                    };
                    self.computed
                        .push(name.trim().trim_matches('`').to_string());
                }
                Ok(())
            }
            "keep" | "drop" | "sort" | "limit" | "mv_expand" | "lookup" | "enrich"
            | "completion" | "sample" | "change_point" | "fork" | "rerank" | "fuse" => Ok(()),
            other => {
                self.out
                    .note(format!("ES|QL command not interpreted: {other}"));
                Ok(())
            }
        }
    }

    /// Names assigned with `name = ...` at the top level of `EVAL`/`STATS`.
    fn assigned(&mut self, body: &str) {
        let tokens = match lex(body) {
            Ok(tokens) => tokens,
            Err(e) => {
                let near: String = body
                    .get(e.offset..)
                    .unwrap_or_default()
                    .chars()
                    .take(20)
                    .collect();
                self.out.note(format!(
                    "computed fields unknown: {} near '{near}'",
                    e.reason
                ));
                return;
            }
        };
        let mut depth = 0usize;
        let mut at_item_start = true;
        for (i, t) in tokens.iter().enumerate() {
            match &t.tok {
                Tok::LParen => depth += 1,
                Tok::RParen => depth = depth.saturating_sub(1),
                Tok::Comma if depth == 0 => {
                    at_item_start = true;
                    continue;
                }
                Tok::Name { text, .. } if depth == 0 && at_item_start => {
                    if matches!(tokens.get(i + 1).map(|n| &n.tok), Some(Tok::Cmp("="))) {
                        self.computed.push(text.clone());
                    }
                }
                _ => {}
            }
            at_item_start = false;
        }
    }

    /// `%{name}` (DISSECT), `%{PATTERN:name}` and `(?<name>...)` (GROK)
    /// create fields.
    fn pattern_names(&mut self, body: &str) {
        for part in body.split("(?<").skip(1) {
            if let Some(name) = part.split('>').next().filter(|n| !n.is_empty()) {
                self.computed.push(name.to_string());
            }
        }
        for part in body.split("%{").skip(1) {
            let inner = part.split('}').next().unwrap_or_default();
            let name = inner.split(':').nth(1).unwrap_or(inner);
            let name = name
                .trim_start_matches(['+', '?', '&'])
                .split(':')
                .next()
                .unwrap_or_default();
            if !name.is_empty() {
                self.computed.push(name.to_string());
            }
        }
    }

    /// Moves predicates on computed fields (or every predicate after STATS)
    /// to the thresholds, leaving their text in the logic.
    fn split_thresholds(&mut self, expr: Expr, negated: bool) -> Option<Expr> {
        match expr {
            Expr::And(items) => all_of(
                items
                    .into_iter()
                    .filter_map(|e| self.split_thresholds(e, negated))
                    .collect(),
            ),
            Expr::Or(items) => any_of(
                items
                    .into_iter()
                    .filter_map(|e| self.split_thresholds(e, negated))
                    .collect(),
            ),
            Expr::Not(inner) => self.split_thresholds(*inner, !negated).map(negate),
            Expr::Pred(p) if self.after_stats || self.computed.contains(&p.field) => {
                let text = format!("{} {} {}", p.field, p.op, p.value);
                let modifiers = if negated {
                    vec!["not".to_string()]
                } else {
                    Vec::new()
                };
                self.out.add_threshold(p.with_modifiers(modifiers));
                Some(Expr::Opaque(text))
            }
            other => Some(other),
        }
    }
}

/// Splits at the first standalone keyword (any case): `(before, after)`.
fn split_keyword<'t>(text: &'t str, keyword: &str) -> (&'t str, &'t str) {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(keyword) {
        let at = from + found;
        let end = at + keyword.len();
        let before_ok = at == 0
            || !lower.as_bytes()[at - 1].is_ascii_alphanumeric()
                && lower.as_bytes()[at - 1] != b'_'
                && lower.as_bytes()[at - 1] != b'.';
        let after_ok = end >= lower.len()
            || !lower.as_bytes()[end].is_ascii_alphanumeric()
                && lower.as_bytes()[end] != b'_'
                && lower.as_bytes()[end] != b'.';
        if before_ok && after_ok {
            return (&text[..at], &text[end..]);
        }
        from = end;
    }
    (text, "")
}

fn shift(e: QueryError, by: usize) -> QueryError {
    QueryError::new(e.offset + by, e.reason)
}

/// Time units that turn a number into a time-span literal (`1 hour`).
const TIME_UNITS: &[&str] = &[
    "millisecond",
    "milliseconds",
    "ms",
    "second",
    "seconds",
    "sec",
    "s",
    "minute",
    "minutes",
    "min",
    "m",
    "hour",
    "hours",
    "h",
    "day",
    "days",
    "d",
    "week",
    "weeks",
    "w",
    "month",
    "months",
    "mo",
    "year",
    "years",
    "yr",
    "y",
];

/// The `WHERE` expression parser.
struct Where<'a, 'o> {
    c: Cursor<'a>,
    out: &'o mut Parsed,
}

impl Where<'_, '_> {
    fn sum(&mut self) -> Result<Value, QueryError> {
        self.binary(&['+', '-'], Self::product)
    }

    fn product(&mut self) -> Result<Value, QueryError> {
        self.binary(&['*', '/', '%'], Self::unary)
    }

    fn binary(
        &mut self,
        ops: &[char],
        next: fn(&mut Self) -> Result<Value, QueryError>,
    ) -> Result<Value, QueryError> {
        let start = self.c.offset();
        let first = next(self)?;
        let mut computed = false;
        while matches!(self.c.peek(), Some(Tok::Arith(op)) if ops.contains(op)) {
            self.c.pos += 1;
            next(self)?;
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
        if self.c.peek() == Some(&Tok::Arith('-')) {
            self.c.pos += 1;
            return Ok(match self.cast()? {
                Value::Lit(Lit::Num(n)) => Value::Lit(Lit::Num(format!("-{n}"))),
                _ => Value::Computed(self.c.text((start, self.c.prev_end()))),
            });
        }
        self.cast()
    }

    /// `atom [:: type]`: casts do not change what is compared.
    fn cast(&mut self) -> Result<Value, QueryError> {
        let value = self.atom()?;
        while self.c.peek() == Some(&Tok::Colon) && self.c.peek_at(1) == Some(&Tok::Colon) {
            self.c.pos += 2;
            if !matches!(self.c.peek(), Some(Tok::Name { .. })) {
                return Err(self.c.error("expected a type after '::'"));
            }
            self.c.pos += 1;
        }
        Ok(value)
    }

    fn atom(&mut self) -> Result<Value, QueryError> {
        let start = self.c.offset();
        let Some(tok) = self.c.peek().cloned() else {
            return Err(self.c.error("expected a value"));
        };
        self.c.pos += 1;
        match tok {
            Tok::Str(s) => Ok(Value::Lit(Lit::Str(s))),
            Tok::Num(n) => Ok(Value::Lit(Lit::Num(self.time_span(n)))),
            Tok::Optional(name) => Ok(Value::Computed(format!("?{name}"))),
            Tok::LBrace => {
                let mut depth = 1;
                while depth > 0 {
                    match self.c.peek() {
                        Some(Tok::LBrace) => depth += 1,
                        Some(Tok::RBrace) => depth -= 1,
                        Some(_) => {}
                        None => return Err(self.c.error("expected '}' closing the map")),
                    }
                    self.c.pos += 1;
                }
                Ok(Value::Computed(self.c.text((start, self.c.prev_end()))))
            }
            Tok::LParen => {
                self.c.enter()?;
                let inner = self.or_expr()?;
                self.c.expect(Tok::RParen, "')'")?;
                self.c.depth -= 1;
                Ok(inner)
            }
            Tok::Name { text, .. } if self.c.peek() == Some(&Tok::LParen) => {
                self.c.pos += 1;
                let args = self.list()?;
                let name = text.to_ascii_lowercase();
                let text = self.c.text((start, self.c.prev_end()));
                Ok(match (name.as_str(), args.as_slice()) {
                    ("to_lower" | "to_upper" | "to_string", [Value::Field(f)]) => {
                        Value::Field(f.clone())
                    }
                    _ => Value::Call { name, args, text },
                })
            }
            Tok::Name { text, .. } => Ok(match text.to_ascii_lowercase().as_str() {
                "true" => Value::Lit(Lit::Bool(true)),
                "false" => Value::Lit(Lit::Bool(false)),
                "null" => Value::Lit(Lit::Null),
                _ => Value::Field(text),
            }),
            _ => {
                self.c.pos -= 1;
                Err(self.c.error("expected a value"))
            }
        }
    }

    /// `1 hour` is one literal.
    fn time_span(&mut self, number: String) -> String {
        match self.c.peek() {
            Some(Tok::Name { text, .. })
                if TIME_UNITS.contains(&text.to_ascii_lowercase().as_str()) =>
            {
                let span = format!("{number} {text}");
                self.c.pos += 1;
                span
            }
            _ => number,
        }
    }
}

impl<'a> Layers<'a> for Where<'a, '_> {
    fn cursor(&mut self) -> &mut Cursor<'a> {
        &mut self.c
    }

    /// `value [op value | [NOT] IN (...) | [NOT] LIKE/RLIKE ... | IS [NOT] NULL | : value]`.
    fn comparison(&mut self) -> Result<Value, QueryError> {
        let start = self.c.offset();
        let lhs = self.sum()?;
        let negated = self.c.is_keyword("not")
            && ["in", "like", "rlike"]
                .iter()
                .any(|w| self.c.keyword_at(1, w));
        if negated {
            self.c.pos += 1;
        }
        let expr = if let Some(Tok::Cmp(op)) = self.c.peek().cloned() {
            self.c.pos += 1;
            let rhs = self.sum()?;
            let text = self.c.text((start, self.c.prev_end()));
            compare(self.out, lhs, op, rhs, &text)
        } else if self.c.eat_keyword("in") {
            self.c.expect(Tok::LParen, "'(' after IN")?;
            let items = self.list()?;
            let text = self.c.text((start, self.c.prev_end()));
            if matches!(lhs, Value::Lit(Lit::Bool(true))) {
                let conditions = items
                    .into_iter()
                    .filter_map(|item| self.cond(item))
                    .collect();
                any_of(conditions)
            } else {
                in_set(self.out, lhs, items, |_| Op::Eq, &text)
            }
        } else if self.c.is_keyword("like") || self.c.is_keyword("rlike") {
            let op = if self.c.is_keyword("like") {
                Op::Wildcard
            } else {
                Op::RegexMatch
            };
            self.c.pos += 1;
            let items = if self.c.eat(&Tok::LParen) {
                self.list()?
            } else {
                vec![self.sum()?]
            };
            let text = self.c.text((start, self.c.prev_end()));
            in_set(self.out, lhs, items, |_| op, &text)
        } else if self.c.eat_keyword("is") {
            let not = self.c.eat_keyword("not");
            if !self.c.eat_keyword("null") {
                return Err(self.c.error("expected NULL after IS"));
            }
            let text = self.c.text((start, self.c.prev_end()));
            let op = if not { "!=" } else { "==" };
            compare(self.out, lhs, op, Value::Lit(Lit::Null), &text)
        } else if self.c.peek() == Some(&Tok::Colon) {
            self.c.pos += 1;
            let rhs = self.sum()?;
            let text = self.c.text((start, self.c.prev_end()));
            in_set(self.out, lhs, vec![rhs], |_| Op::Match, &text)
        } else if negated {
            return Err(self.c.error("expected IN, LIKE or RLIKE after NOT"));
        } else {
            return Ok(lhs);
        };
        Ok(Value::Cond(if negated { expr.map(negate) } else { expr }))
    }

    fn cond(&mut self, value: Value) -> Option<Expr> {
        let out = &mut *self.out;
        as_condition(value, |name, args, text| {
            match (name.as_str(), args.as_slice()) {
                ("kql" | "qstr", [Value::Lit(Lit::Str(query))]) => {
                    embedded(out, &name, query, &text)
                }
                _ => function_filter(out, &name, args, &text, filter_shape),
            }
        })
    }
}

/// `KQL("...")` and `QSTR("...")`: the inner query in its own language.
fn embedded(out: &mut Parsed, name: &str, query: &str, text: &str) -> Option<Expr> {
    let parsed = if name == "kql" {
        kql::parse(query)
    } else {
        lucene::parse(query)
    };
    match parsed {
        Ok(inner) => {
            out.notes.extend(inner.notes);
            inner.expr
        }
        Err(e) => {
            out.note(format!(
                "{} query not parsed: {} ({text})",
                name.to_ascii_uppercase(),
                e.reason
            ));
            Some(Expr::Opaque(text.to_string()))
        }
    }
}

/// ES|QL functions that filter.
fn filter_shape(name: &str) -> Option<Shape> {
    Some(match name {
        "starts_with" => prefix,
        "ends_with" => suffix,
        "cidr_match" => cidr,
        "match" | "match_phrase" => term,
        "contains" => contains,
        "mv_contains" => exact,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::elastic::query::testing::{k, keys, logic};
    use crate::model::{DataSource, Rule};

    fn run(text: &str) -> (Rule, Parsed) {
        logic(parse(text).expect("valid ES|QL"))
    }

    #[test]
    fn where_operators_sources_and_thresholds() {
        let (r, parsed) = run(
            r#"FROM logs-endpoint.events.process-*, winlogbeat-* METADATA _id
| WHERE process.name == "cmd.exe" AND to_lower(process.args) LIKE "*/c*" AND user.name IN ("a", "b")
    AND NOT host.name RLIKE "dev.*" AND file.hash IS NULL AND source.ip IS NOT NULL
    AND starts_with(file.path, "C:\\") AND NOT cidr_match(destination.ip, "10.0.0.0/8")
    AND process.pid != 4 AND @timestamp > NOW() - 1 hour AND KQL("""event.action:exec""")
| EVAL Esql.len = length(process.command_line)
| WHERE Esql.len > 100
| STATS Esql.count = count(*) BY host.id
| WHERE Esql.count >= 5 AND host.id != "x""#,
        );
        let indices: Vec<&DataSource> = parsed.sources.iter().collect();
        assert_eq!(indices.len(), 2);
        assert_eq!(indices[0].value, "logs-endpoint.events.process-*");
        assert_eq!(
            keys(&r.predicates),
            vec![
                k("process.name", Op::Eq, "cmd.exe"),
                k("process.args", Op::Wildcard, "*/c*"),
                k("user.name", Op::Eq, "a"),
                k("user.name", Op::Eq, "b"),
                k("file.hash", Op::Exists, "false"),
                k("source.ip", Op::Exists, "true"),
                k("file.path", Op::Wildcard, "C:\\*"),
                k("@timestamp", Op::Gt, "NOW() - 1 hour"),
                k("event.action", Op::Match, "exec"),
            ]
        );
        assert_eq!(
            keys(&r.exclusions),
            vec![
                k("host.name", Op::RegexMatch, "dev.*"),
                k("destination.ip", Op::Cidr, "10.0.0.0/8"),
                k("process.pid", Op::Eq, "4"),
            ]
        );
        assert_eq!(
            keys(&parsed.thresholds),
            vec![
                k("Esql.len", Op::Gt, "100"),
                k("Esql.count", Op::Gte, "5"),
                k("host.id", Op::Eq, "x"),
            ]
        );
    }

    #[test]
    fn true_in_conditions_is_a_disjunction() {
        let (r, _) = run(r#"from x | where true in (starts_with(a, "p"), ends_with(b, "s"))"#);
        assert_eq!(
            keys(&r.predicates),
            vec![k("a", Op::Wildcard, "p*"), k("b", Op::Wildcard, "*s")]
        );
    }

    #[test]
    fn pipes_inside_strings_do_not_split_and_errors_are_positioned() {
        let (r, _) = run(r#"from x | where a == "p|q" // c | d"#);
        assert_eq!(keys(&r.predicates), vec![k("a", Op::Eq, "p|q")]);
        let err = parse("from x\n| where (a == 1").expect_err("unbalanced");
        assert_eq!(err.offset, 22);
        assert!(parse("from x | where a is 3").is_err());
    }
}

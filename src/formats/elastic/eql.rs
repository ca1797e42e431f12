//! Event Query Language: a precedence parser over [`super::eql_lex`] tokens
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

use super::eql_lex::{lex, Tok, Token};
use super::query::{
    all_of, any_of, match_or_wildcard, negate, pred, Parsed, QueryError, MAX_DEPTH,
};

/// Parses an EQL query.
pub fn parse(text: &str) -> Result<Parsed, QueryError> {
    let tokens = lex(text)?;
    let mut p = Parser {
        src: text,
        tokens,
        pos: 0,
        depth: 0,
        out: Parsed::default(),
    };
    let expr = p.query()?;
    p.out.expr = expr;
    Ok(p.out)
}

/// A value-level result: either an operand or an already-lowered condition.
#[derive(Debug, Clone)]
enum Value {
    Field(String),
    Lit(Lit),
    /// A function call: lower-case name without `~`, arguments, source span.
    Call {
        name: String,
        args: Vec<Value>,
        span: (usize, usize),
    },
    /// Arithmetic or a signed expression over fields, kept as source text.
    Computed((usize, usize)),
    /// A boolean condition, already lowered.
    Cond(Option<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
}

impl Lit {
    fn text(&self) -> String {
        match self {
            Lit::Str(s) | Lit::Num(s) => s.clone(),
            Lit::Bool(b) => b.to_string(),
            Lit::Null => "null".to_string(),
        }
    }
}

/// How a string predicate (`:`, `like`, `regex`) compares.
#[derive(Debug, Clone, Copy)]
enum StrOp {
    Colon,
    Like,
    Regex,
}

struct Parser<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    out: Parsed,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + ahead).map(|t| &t.tok)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.src.len(), |t| t.start)
    }

    fn prev_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .map_or(0, |t| t.end)
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name { text, insensitive: false }) if text == word)
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if self.is_word(word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == Some(tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: Tok, what: &str) -> Result<(), QueryError> {
        if self.eat(&tok) {
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    fn error(&self, want: &str) -> QueryError {
        let found = match self.tokens.get(self.pos) {
            Some(t) => format!("'{}'", &self.src[t.start..t.end]),
            None => "end of query".to_string(),
        };
        QueryError::new(self.offset(), format!("{want}, found {found}"))
    }

    fn enter(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(QueryError::new(self.offset(), "query nested too deeply"));
        }
        Ok(())
    }

    fn text(&self, span: (usize, usize)) -> String {
        self.src.get(span.0..span.1).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The whole query: a base query followed by pipes.
    fn query(&mut self) -> Result<Option<Expr>, QueryError> {
        let expr = if self.is_word("sequence") || self.is_word("sample") || self.is_word("join") {
            self.steps_query()?
        } else {
            self.event_query()?
        };
        while self.eat(&Tok::Pipe) {
            self.pipe()?;
        }
        if self.pos < self.tokens.len() {
            return Err(self.error("expected the end of the query or '|'"));
        }
        Ok(expr)
    }

    fn pipe(&mut self) -> Result<(), QueryError> {
        let name = match self.peek() {
            Some(Tok::Name { text, .. }) => text.clone(),
            _ => return Err(self.error("expected a pipe name")),
        };
        let start = self.offset();
        while self.pos < self.tokens.len() && self.peek() != Some(&Tok::Pipe) {
            self.pos += 1;
        }
        if name != "head" && name != "tail" {
            let text = self.text((start, self.prev_end()));
            self.out.note(format!("pipe not interpreted: | {text}"));
        }
        Ok(())
    }

    /// `[category where] expr`.
    fn event_query(&mut self) -> Result<Option<Expr>, QueryError> {
        let category = match (self.peek(), self.peek_at(1)) {
            (Some(Tok::Name { text, .. }), Some(Tok::Name { text: w, insensitive: false }))
                if w == "where" =>
            {
                Some(text.clone())
            }
            (Some(Tok::Str(text)), Some(Tok::Name { text: w, insensitive: false }))
                if w == "where" =>
            {
                Some(text.clone())
            }
            _ => None,
        };
        if let Some(category) = category {
            self.pos += 2;
            if category != "any" {
                self.out.add_source("event.category", &category);
            }
        }
        let value = self.or_expr()?;
        Ok(self.cond(value))
    }

    /// `sequence|sample|join [by keys] [with maxspan=N] steps [until step]`.
    fn steps_query(&mut self) -> Result<Option<Expr>, QueryError> {
        self.pos += 1;
        loop {
            if self.eat_word("by") {
                self.join_keys()?;
            } else if self.is_word("with") && matches!(self.peek_at(1), Some(Tok::Name { text, .. }) if text == "maxspan") {
                self.pos += 2;
                self.expect(Tok::Cmp("="), "'=' after maxspan")?;
                if !matches!(self.peek(), Some(Tok::Num(_))) {
                    return Err(self.error("expected a time span"));
                }
                self.pos += 1;
                if matches!(self.peek(), Some(Tok::Name { .. })) && !self.is_word("by") {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
        let mut steps = Vec::new();
        while matches!(self.peek(), Some(Tok::LBracket | Tok::MissingOpen)) {
            steps.push(self.step()?);
        }
        if steps.is_empty() {
            return Err(self.error("expected a '[' step"));
        }
        if self.eat_word("until") {
            let until = self.step()?;
            steps.push(until.map(negate));
        }
        Ok(all_of(steps.into_iter().flatten().collect()))
    }

    /// `[ event_query ] [by keys] [with runs=N]`; `![ ... ]` is negated.
    fn step(&mut self) -> Result<Option<Expr>, QueryError> {
        let missing = self.peek() == Some(&Tok::MissingOpen);
        if !missing && self.peek() != Some(&Tok::LBracket) {
            return Err(self.error("expected a '[' step"));
        }
        self.pos += 1;
        self.enter()?;
        let expr = self.event_query()?;
        self.expect(Tok::RBracket, "']' closing the step")?;
        self.depth -= 1;
        loop {
            if self.eat_word("by") {
                self.join_keys()?;
            } else if self.eat_word("fork") {
                if self.eat(&Tok::Cmp("=")) {
                    self.pos += 1;
                }
            } else if self.eat_word("as") {
                self.pos += 1;
            } else if self.is_word("with") && matches!(self.peek_at(1), Some(Tok::Name { text, .. }) if text == "runs") {
                self.pos += 2;
                self.expect(Tok::Cmp("="), "'=' after runs")?;
                let Some(Tok::Num(n)) = self.peek().cloned() else {
                    return Err(self.error("expected a number of runs"));
                };
                self.pos += 1;
                self.out
                    .add_threshold(Predicate::new("runs", Op::Eq, n).with_modifiers(vec!["sequence".into()]));
            } else {
                break;
            }
        }
        Ok(if missing { expr.map(negate) } else { expr })
    }

    fn join_keys(&mut self) -> Result<(), QueryError> {
        loop {
            self.sum()?;
            if !self.eat(&Tok::Comma) {
                return Ok(());
            }
        }
    }

    fn or_expr(&mut self) -> Result<Value, QueryError> {
        let first = self.and_expr()?;
        if !self.is_word("or") {
            return Ok(first);
        }
        let mut items = vec![self.cond(first)];
        while self.eat_word("or") {
            let next = self.and_expr()?;
            items.push(self.cond(next));
        }
        Ok(Value::Cond(any_of(items.into_iter().flatten().collect())))
    }

    fn and_expr(&mut self) -> Result<Value, QueryError> {
        let first = self.not_expr()?;
        if !self.is_word("and") {
            return Ok(first);
        }
        let mut items = vec![self.cond(first)];
        while self.eat_word("and") {
            let next = self.not_expr()?;
            items.push(self.cond(next));
        }
        Ok(Value::Cond(all_of(items.into_iter().flatten().collect())))
    }

    fn not_expr(&mut self) -> Result<Value, QueryError> {
        if self.eat_word("not") {
            self.enter()?;
            let inner = self.not_expr()?;
            self.depth -= 1;
            return Ok(Value::Cond(self.cond(inner).map(negate)));
        }
        self.comparison()
    }

    /// `sum [op sum | [not] in (...) | :/like/regex values]`.
    fn comparison(&mut self) -> Result<Value, QueryError> {
        let start = self.offset();
        let lhs = self.sum()?;
        let negated_in = self.is_word("not")
            && matches!(self.peek_at(1), Some(Tok::Name { text, .. }) if text == "in");
        if negated_in {
            self.pos += 1;
        }
        match self.peek().cloned() {
            Some(Tok::Cmp(op)) => {
                self.pos += 1;
                let rhs = self.sum()?;
                let span = (start, self.prev_end());
                Ok(Value::Cond(self.compare(lhs, op, rhs, span)))
            }
            Some(Tok::Name { text, insensitive }) if text == "in" => {
                self.pos += 1;
                self.expect(Tok::LParen, "'(' after in")?;
                let items = self.list()?;
                let span = (start, self.prev_end());
                let op = if insensitive { Op::Match } else { Op::Eq };
                let expr = self.in_set(lhs, items, |_| op, span);
                Ok(Value::Cond(if negated_in { expr.map(negate) } else { expr }))
            }
            Some(Tok::Colon) => {
                self.pos += 1;
                self.string_predicate(lhs, StrOp::Colon, start)
            }
            Some(Tok::Name { text, .. }) if text == "like" || text == "regex" => {
                self.pos += 1;
                let op = if text == "like" { StrOp::Like } else { StrOp::Regex };
                self.string_predicate(lhs, op, start)
            }
            _ if negated_in => Err(self.error("expected 'in' after 'not'")),
            _ => Ok(lhs),
        }
    }

    fn string_predicate(&mut self, lhs: Value, op: StrOp, start: usize) -> Result<Value, QueryError> {
        let items = if self.eat(&Tok::LParen) {
            self.list()?
        } else {
            vec![self.sum()?]
        };
        let span = (start, self.prev_end());
        let to_op = move |v: &str| match op {
            StrOp::Colon => match_or_wildcard(v),
            StrOp::Like => Op::Wildcard,
            StrOp::Regex => Op::RegexMatch,
        };
        Ok(Value::Cond(self.in_set(lhs, items, to_op, span)))
    }

    /// Comma-separated expressions up to `)`.
    fn list(&mut self) -> Result<Vec<Value>, QueryError> {
        self.enter()?;
        let mut items = Vec::new();
        while self.peek() != Some(&Tok::RParen) {
            items.push(self.or_expr()?);
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::RParen, "')' closing the list")?;
        self.depth -= 1;
        Ok(items)
    }

    fn sum(&mut self) -> Result<Value, QueryError> {
        let start = self.offset();
        let first = self.product()?;
        let mut computed = false;
        while matches!(self.peek(), Some(Tok::Arith('+' | '-'))) {
            self.pos += 1;
            self.product()?;
            computed = true;
        }
        Ok(if computed {
            Value::Computed((start, self.prev_end()))
        } else {
            first
        })
    }

    fn product(&mut self) -> Result<Value, QueryError> {
        let start = self.offset();
        let first = self.unary()?;
        let mut computed = false;
        while matches!(self.peek(), Some(Tok::Arith('*' | '/' | '%'))) {
            self.pos += 1;
            self.unary()?;
            computed = true;
        }
        Ok(if computed {
            Value::Computed((start, self.prev_end()))
        } else {
            first
        })
    }

    fn unary(&mut self) -> Result<Value, QueryError> {
        let start = self.offset();
        if let Some(Tok::Arith(sign @ ('-' | '+'))) = self.peek().cloned() {
            self.pos += 1;
            return Ok(match self.atom()? {
                Value::Lit(Lit::Num(n)) if sign == '-' => Value::Lit(Lit::Num(format!("-{n}"))),
                lit @ Value::Lit(Lit::Num(_)) => lit,
                _ => Value::Computed((start, self.prev_end())),
            });
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Value, QueryError> {
        let start = self.offset();
        let Some(tok) = self.peek().cloned() else {
            return Err(self.error("expected a value"));
        };
        self.pos += 1;
        match tok {
            Tok::Str(s) => Ok(Value::Lit(Lit::Str(s))),
            Tok::Num(n) => Ok(Value::Lit(Lit::Num(n))),
            Tok::Optional(f) => Ok(Value::Field(f)),
            Tok::LParen => {
                self.enter()?;
                let inner = self.or_expr()?;
                self.expect(Tok::RParen, "')'")?;
                self.depth -= 1;
                Ok(inner)
            }
            Tok::Name { text, insensitive } => {
                if self.peek() == Some(&Tok::LParen) {
                    self.pos += 1;
                    let args = self.list()?;
                    let name = text.to_ascii_lowercase();
                    return Ok(Value::Call {
                        name,
                        args,
                        span: (start, self.prev_end()),
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
                self.pos -= 1;
                Err(self.error("expected a value"))
            }
        }
    }

    /// Turns a value used as a boolean into a condition.
    fn cond(&mut self, value: Value) -> Option<Expr> {
        match value {
            Value::Cond(expr) => expr,
            Value::Lit(Lit::Bool(true)) => None,
            Value::Call { name, args, span } => self.function_filter(&name, args, span),
            Value::Field(f) => Some(Expr::Opaque(f)),
            Value::Lit(lit) => Some(Expr::Opaque(lit.text())),
            Value::Computed(span) => Some(Expr::Opaque(self.text(span))),
        }
    }

    /// `startsWith(field, "a", ...)` and friends as filters.
    fn function_filter(&mut self, name: &str, args: Vec<Value>, span: (usize, usize)) -> Option<Expr> {
        let shape: fn(&str) -> (Op, String) = match name {
            "startswith" => |v| (Op::Wildcard, format!("{v}*")),
            "endswith" => |v| (Op::Wildcard, format!("*{v}")),
            "stringcontains" => |v| (Op::Wildcard, format!("*{v}*")),
            "wildcard" => |v| (Op::Wildcard, v.to_string()),
            "cidrmatch" => |v| (Op::Cidr, v.to_string()),
            "match" | "matchlite" => |v| (Op::RegexMatch, v.to_string()),
            _ => {
                let text = self.text(span);
                self.out.note(format!("function not interpreted as a filter: {text}"));
                return Some(Expr::Opaque(text));
            }
        };
        let mut args = args.into_iter();
        let (Some(Value::Field(field)), rest) = (args.next(), args) else {
            return Some(Expr::Opaque(self.text(span)));
        };
        let mut items = Vec::new();
        for arg in rest {
            match arg {
                Value::Lit(lit) => {
                    let (op, value) = shape(&lit.text());
                    items.push(pred(&field, op, value));
                }
                _ => return Some(Expr::Opaque(self.text(span))),
            }
        }
        any_of(items)
    }

    /// One predicate per list item: `field in (...)`, `field : (...)`.
    fn in_set(
        &mut self,
        lhs: Value,
        items: Vec<Value>,
        op: impl Fn(&str) -> Op,
        span: (usize, usize),
    ) -> Option<Expr> {
        let Value::Field(field) = lhs else {
            return self.threshold_or_opaque(&lhs, items, op, span);
        };
        let mut preds = Vec::new();
        for item in items {
            match item {
                Value::Lit(lit) => {
                    let value = lit.text();
                    preds.push(pred(&field, op(&value), value));
                }
                Value::Field(other) => preds.push(pred(&field, Op::Fieldref, other)),
                _ => preds.push(Expr::Opaque(self.text(span))),
            }
        }
        any_of(preds)
    }

    /// A comparison whose left side is computed: a threshold per literal.
    fn threshold_or_opaque(
        &mut self,
        lhs: &Value,
        items: Vec<Value>,
        op: impl Fn(&str) -> Op,
        span: (usize, usize),
    ) -> Option<Expr> {
        let lhs_text = match lhs {
            Value::Call { span, .. } | Value::Computed(span) => self.text(*span),
            _ => return Some(Expr::Opaque(self.text(span))),
        };
        for item in items {
            if let Value::Lit(lit) = item {
                let value = lit.text();
                self.out.add_threshold(Predicate::new(lhs_text.clone(), op(&value), value));
            }
        }
        Some(Expr::Opaque(self.text(span)))
    }

    /// `lhs op rhs` for `==`, `=`, `!=`, `<`, `<=`, `>`, `>=`.
    fn compare(&mut self, lhs: Value, op: &str, rhs: Value, span: (usize, usize)) -> Option<Expr> {
        let (lhs, op, rhs) = match (&lhs, &rhs) {
            (Value::Lit(_), Value::Field(_)) => (rhs, mirror(op), lhs),
            _ => (lhs, op, rhs),
        };
        let range = match op {
            "<" => Some(Op::Lt),
            "<=" => Some(Op::Lte),
            ">" => Some(Op::Gt),
            ">=" => Some(Op::Gte),
            _ => None,
        };
        let negated = op == "!=";
        match (&lhs, &rhs) {
            (Value::Field(f), Value::Lit(Lit::Null)) => {
                let exists = if negated { "true" } else { "false" };
                Some(pred(f, Op::Exists, exists))
            }
            (Value::Field(f), Value::Lit(lit)) => {
                let p = pred(f, range.unwrap_or(Op::Eq), lit.text());
                Some(if negated { negate(p) } else { p })
            }
            (Value::Field(f), Value::Field(g)) if range.is_none() => {
                let p = pred(f, Op::Fieldref, g.clone());
                Some(if negated { negate(p) } else { p })
            }
            _ => {
                let threshold_op = range.unwrap_or(Op::Eq);
                let modifiers = if negated { vec!["not".to_string()] } else { Vec::new() };
                match (&lhs, &rhs) {
                    (Value::Call { span: s, .. } | Value::Computed(s), Value::Lit(lit)) => {
                        let t = Predicate::new(self.text(*s), threshold_op, lit.text()).with_modifiers(modifiers);
                        self.out.add_threshold(t);
                    }
                    _ => self.out.note(format!("comparison not interpreted: {}", self.text(span))),
                }
                Some(Expr::Opaque(self.text(span)))
            }
        }
    }
}

/// The operator with its sides swapped (`5 < x` is `x > 5`).
fn mirror(op: &str) -> &str {
    match op {
        "<" => ">",
        "<=" => ">=",
        ">" => "<",
        ">=" => "<=",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataSource, Rule};

    type Key = (String, Op, String);

    fn run(text: &str) -> (Rule, Parsed) {
        let mut parsed = parse(text).expect("valid EQL");
        let mut rule = Rule::default();
        if let Some(expr) = parsed.expr.take() {
            rule.set_logic(expr);
        }
        (rule, parsed)
    }

    fn keys(list: &[Predicate]) -> Vec<Key> {
        list.iter().map(|p| (p.field.clone(), p.op, p.value.clone())).collect()
    }

    fn k(f: &str, op: Op, v: &str) -> Key {
        (f.into(), op, v.into())
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
            vec![DataSource { kind: "event.category".into(), value: "process".into() }]
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
            vec![k("user.name", Op::Eq, "SYSTEM"), k("host.ip", Op::Eq, "1.2.3.4")]
        );
    }

    #[test]
    fn sequences_negate_until_and_missing_steps() {
        let (r, parsed) = run(
            r#"sequence by host.id with maxspan=5m
               [process where event.type == "start" and process.name : "x"] by process.entity_id
               ![file where file.name : "y"]
               [network where true] with runs=3
               until [process where event.type == "end"]
               | head 1"#,
        );
        let cats: Vec<&str> = parsed.sources.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(cats, vec!["process", "file", "network"]);
        assert_eq!(
            keys(&r.predicates),
            vec![k("event.type", Op::Eq, "start"), k("process.name", Op::Match, "x")]
        );
        assert_eq!(
            keys(&r.exclusions),
            vec![k("file.name", Op::Match, "y"), k("event.type", Op::Eq, "end")]
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
        assert_eq!(keys(&r.predicates), vec![k("file.name", Op::Wildcard, "*.exe")]);
        assert_eq!(keys(&r.exclusions), vec![k("process.name", Op::Fieldref, "process.parent.name")]);
    }

    #[test]
    fn bad_queries_are_errors() {
        assert!(parse("process where (a == 1").is_err());
        assert!(parse("sequence by x").is_err());
        assert!(parse("process where a in 1").is_err());
        assert!(parse(&format!("any where {}a{}", "(".repeat(300), ")".repeat(300))).is_err());
    }
}

//! Search terms, as in the base search, `| search` and the `where` clause of
//! `tstats`: `field=value`, `!=`, `<`/`>`, `field IN (…)`, `NOT`, implicit
//! AND, `OR` (binding tighter than AND), parentheses, quoted values and
//! field names, wildcards and bare keywords. Data-source fields (`index`,
//! `sourcetype`, …) become selectors, not predicates.

use super::computed::render;
use super::lexer::{Tok, Token};
use super::pipeline::Analysis;
use crate::model::{Expr, Op, Predicate};

/// How deep parentheses, NOTs and macro groups may nest.
const MAX_DEPTH: usize = 100;

/// Fields that select data rather than filter events.
/// Field names are case-sensitive: Okta's `eventType` is an event field.
const SELECTORS: [&str; 5] = ["index", "sourcetype", "source", "eventtype", "Channel"];
/// Time-range modifiers: neither selectors nor event filters.
const TIME_MODIFIERS: [&str; 6] = [
    "earliest",
    "latest",
    "_index_earliest",
    "_index_latest",
    "starttime",
    "endtime",
];

/// Where the terms come from; `tstats` adds `nodename` as a selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Search,
    Tstats,
}

/// Parses search terms into an expression; `None` when they hold no event
/// filter (only selectors, `*`, or nothing). `negated` is true when the
/// terms sit under a NOT of an enclosing expression (`searchmatch`).
pub fn parse_terms(tokens: &[Token], an: &mut Analysis, mode: Mode, negated: bool) -> Option<Expr> {
    let mut p = Parser {
        toks: tokens,
        i: 0,
        an,
        neg: negated,
        depth: 0,
        mode,
    };
    let mut parts = Vec::new();
    while p.i < p.toks.len() {
        let before = p.i;
        if let Some(e) = p.and_expr() {
            parts.push(e);
        }
        if p.i == before {
            // A stray `)` or end-of-macro marker at the top level.
            p.i += 1;
        }
    }
    and_of(parts)
}

/// Joins parts with AND, flattening the trivial cases.
pub fn and_of(mut parts: Vec<Expr>) -> Option<Expr> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Expr::And(parts)),
    }
}

/// Joins parts with OR, flattening the trivial cases.
pub fn or_of(mut parts: Vec<Expr>) -> Option<Expr> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Expr::Or(parts)),
    }
}

/// The predicate `field <op> value` as SPL search means it: `=` with a
/// wildcard is a glob, `=*` asks for presence, comparisons are numeric-ish.
pub fn term_predicate(field: &str, op: &str, value: &str) -> Predicate {
    let op = match op {
        "<" => Op::Lt,
        ">" => Op::Gt,
        "<=" => Op::Lte,
        ">=" => Op::Gte,
        _ if value == "*" => return Predicate::new(field, Op::Exists, "true"),
        _ if value.contains('*') => Op::Wildcard,
        _ => Op::Eq,
    };
    Predicate::new(field, op, value)
}

struct Parser<'t, 'a, 'm> {
    toks: &'t [Token],
    i: usize,
    an: &'a mut Analysis<'m>,
    neg: bool,
    depth: usize,
    mode: Mode,
}

impl Parser<'_, '_, '_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }

    fn peek_at(&self, k: usize) -> Option<&Token> {
        self.toks.get(self.i + k)
    }

    fn at_kw(&self, kw: &str) -> bool {
        self.toks.get(self.i).is_some_and(|t| t.word() == Some(kw))
    }

    fn at_group_end(&self) -> bool {
        matches!(
            self.peek(),
            None | Some(Tok::RParen | Tok::MacroEnd | Tok::RBracket)
        )
    }

    fn and_expr(&mut self) -> Option<Expr> {
        let mut parts = Vec::new();
        while !self.at_group_end() {
            if matches!(self.peek(), Some(Tok::Comma | Tok::Pipe)) || self.at_kw("AND") {
                self.i += 1;
                continue;
            }
            let before = self.i;
            if let Some(e) = self.or_expr() {
                parts.push(e);
            }
            if self.i == before {
                self.i += 1;
            }
        }
        and_of(parts)
    }

    fn or_expr(&mut self) -> Option<Expr> {
        let mut parts: Vec<Expr> = self.unary().into_iter().collect();
        while self.at_kw("OR") {
            self.i += 1;
            parts.extend(self.unary());
        }
        or_of(parts)
    }

    fn unary(&mut self) -> Option<Expr> {
        if self.depth >= MAX_DEPTH {
            self.an.note(format!(
                "search terms nest deeper than {MAX_DEPTH}; the rest is skipped"
            ));
            self.i = self.toks.len();
            return None;
        }
        if !self.at_kw("NOT") {
            return self.primary();
        }
        self.i += 1;
        self.depth += 1;
        self.neg = !self.neg;
        let inner = self.unary();
        self.neg = !self.neg;
        self.depth -= 1;
        inner.map(|e| Expr::Not(Box::new(e)))
    }

    fn group(&mut self, closer: fn(&Tok) -> bool) -> Option<Expr> {
        self.i += 1;
        self.depth += 1;
        let e = self.and_expr();
        self.depth -= 1;
        if self.peek().is_some_and(closer) {
            self.i += 1;
        }
        e
    }

    fn primary(&mut self) -> Option<Expr> {
        let token = self.toks.get(self.i)?;
        match &token.tok {
            Tok::LParen => self.group(|t| matches!(t, Tok::RParen)),
            Tok::MacroStart(name) => {
                let name = name.clone();
                let selectors_before = self.an.sources.len();
                let e = self.group(|t| matches!(t, Tok::MacroEnd));
                if e.is_none() && self.an.sources.len() > selectors_before {
                    self.an.source("macro", &name, self.neg);
                }
                e
            }
            Tok::Macro { .. } => {
                self.i += 1;
                Some(Expr::Opaque(render(std::slice::from_ref(token))))
            }
            Tok::LBracket => Some(self.subsearch_filter()),
            Tok::Word(_) | Tok::Quoted(_) | Tok::SQuoted(_) => self.term(),
            _ => {
                self.i += 1;
                None
            }
        }
    }

    /// `[ … ]` used as a filter: its result is only known at run time.
    fn subsearch_filter(&mut self) -> Expr {
        let start = self.i;
        let mut depth = 0i32;
        while let Some(t) = self.peek() {
            match t {
                Tok::LBracket => depth += 1,
                Tok::RBracket => depth -= 1,
                _ => {}
            }
            self.i += 1;
            if depth == 0 {
                break;
            }
        }
        let text = render(&self.toks[start..self.i]);
        self.an.note(format!(
            "the filter produced by subsearch {text} is only known when it runs"
        ));
        Expr::Opaque(text)
    }

    fn term(&mut self) -> Option<Expr> {
        let first = &self.toks[self.i];
        let text = first.text().unwrap_or_default().to_string();
        match self.peek_at(1).map(|t| &t.tok) {
            Some(Tok::Cmp(op)) => {
                let op = *op;
                self.i += 2;
                let value = match self.peek() {
                    Some(Tok::Word(v) | Tok::Quoted(v) | Tok::SQuoted(v)) => {
                        let v = v.clone();
                        self.i += 1;
                        v
                    }
                    _ => String::new(),
                };
                self.comparison(&text, op, &value)
            }
            Some(Tok::Word(w))
                if w.eq_ignore_ascii_case("in")
                    && matches!(self.peek_at(2).map(|t| &t.tok), Some(Tok::LParen)) =>
            {
                self.i += 3;
                self.in_list(&text)
            }
            _ => {
                self.i += 1;
                self.keyword(&text, matches!(first.tok, Tok::Word(_)))
            }
        }
    }

    fn comparison(&mut self, field: &str, op: &str, value: &str) -> Option<Expr> {
        let negate = op == "!=";
        if SELECTORS.contains(&field) || (self.mode == Mode::Tstats && field == "nodename") {
            let kind = field.to_ascii_lowercase();
            self.an.source(&kind, value, self.neg ^ negate);
            return None;
        }
        if TIME_MODIFIERS.contains(&field) {
            return None;
        }
        let pred = term_predicate(field, op, value);
        let e = self.an.leaf(pred, self.neg ^ negate)?;
        Some(if negate { Expr::Not(Box::new(e)) } else { e })
    }

    fn in_list(&mut self, field: &str) -> Option<Expr> {
        let mut parts = Vec::new();
        while let Some(t) = self.toks.get(self.i) {
            match &t.tok {
                Tok::RParen => {
                    self.i += 1;
                    break;
                }
                Tok::Word(v) | Tok::Quoted(v) | Tok::SQuoted(v) => {
                    let v = v.clone();
                    self.i += 1;
                    parts.extend(self.comparison(field, "=", &v));
                }
                Tok::Pipe | Tok::MacroEnd | Tok::RBracket => break,
                _ => self.i += 1,
            }
        }
        or_of(parts)
    }

    fn keyword(&mut self, text: &str, unquoted: bool) -> Option<Expr> {
        if text.is_empty() || text == "*" {
            return None;
        }
        if unquoted && matches!(text, "AND" | "OR" | "NOT") {
            return None;
        }
        let op = if text.contains('*') {
            Op::Wildcard
        } else {
            Op::Match
        };
        self.an.leaf(Predicate::new("", op, text), self.neg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::splunk::lexer::lex;
    use crate::model::Rule;

    fn run(text: &str) -> (Rule, Analysis<'static>) {
        let mut an = Analysis::default();
        let e = parse_terms(&lex(text).tokens, &mut an, Mode::Search, false);
        let mut rule = Rule::default();
        if let Some(e) = e {
            rule.set_logic(e);
        }
        (rule, an)
    }

    fn keys(preds: &[Predicate]) -> Vec<String> {
        preds
            .iter()
            .map(|p| format!("{} {} {}", p.field, p.op, p.value))
            .collect()
    }

    #[test]
    fn or_binds_tighter_than_implicit_and() {
        let (rule, _) = run("a=1 b=2 OR c=3");
        let Some(crate::model::Logic::And(items)) = &rule.logic else {
            panic!("{:?}", rule.logic)
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[1], crate::model::Logic::Or(_)));
    }

    #[test]
    fn operators_wildcards_and_keywords() {
        let (rule, an) = run(
            r#"index=main sourcetype="x:y" EventCode=4688 "A.b"="*c*" d=* e>5 f<=2 "two words" kw*"#,
        );
        assert_eq!(
            keys(&rule.predicates),
            [
                "EventCode eq 4688",
                "A.b wildcard *c*",
                "d exists true",
                "e gt 5",
                "f lte 2",
                " match two words",
                " wildcard kw*"
            ]
        );
        assert_eq!(an.sources.len(), 2);
    }

    #[test]
    fn every_negation_form_makes_exclusions() {
        let (rule, _) =
            run(r#"p=1 a!=1 NOT b=2 NOT c IN ("x", y) NOT (d=1 OR NOT e=1) f IN(g,"h*")"#);
        assert_eq!(
            keys(&rule.predicates),
            ["p eq 1", "e eq 1", "f eq g", "f wildcard h*"]
        );
        assert_eq!(
            keys(&rule.exclusions),
            ["a eq 1", "b eq 2", "c eq x", "c eq y", "d eq 1"]
        );
    }

    #[test]
    fn garbage_and_deep_nesting_do_not_panic() {
        let deep = "(".repeat(5000) + "a=1" + &")".repeat(10);
        let nots = "NOT ".repeat(5000) + "a=1";
        for text in [
            deep.as_str(),
            nots.as_str(),
            ") ) a= IN ( NOT",
            "= = != <",
            "[ [ a=1",
            "x IN",
            "\"unclosed",
            "OR OR AND",
        ] {
            let (_, an) = run(text);
            let _ = an.notes;
        }
        let (_, an) = run(&deep);
        assert!(an.notes.iter().any(|n| n.contains("deeper")));
    }
}

//! What every query-language parser in this folder hands back, and the small
//! helpers they share: boolean combinators, glob detection, error positions.

use crate::model::{DataSource, Expr, Op, Predicate};

/// Deepest nesting of parentheses, brackets or `not`s a query may use; past
/// it the parser stops with an error instead of exhausting the stack.
pub const MAX_DEPTH: usize = 96;

/// The result of reading one query: its filter logic plus what is kept apart
/// from it (data sources, thresholds) and what was not understood.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The filter expression; `None` when the query has no filter at all.
    pub expr: Option<Expr>,
    /// Index patterns and event categories the query selects.
    pub sources: Vec<DataSource>,
    /// Conditions on computed fields (aggregations, `length()`, `with runs`).
    pub thresholds: Vec<Predicate>,
    /// Constructs the parser kept as text instead of predicates.
    pub notes: Vec<String>,
}

impl Parsed {
    /// Records a data source once.
    pub fn add_source(&mut self, kind: &str, value: &str) {
        let source = DataSource {
            kind: kind.to_string(),
            value: value.to_string(),
        };
        if !self.sources.contains(&source) {
            self.sources.push(source);
        }
    }

    /// Records a note once.
    pub fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Records a threshold once.
    pub fn add_threshold(&mut self, threshold: Predicate) {
        if !self.thresholds.contains(&threshold) {
            self.thresholds.push(threshold);
        }
    }
}

/// Why a query could not be read, at a byte offset into the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub offset: usize,
    pub reason: String,
}

impl QueryError {
    /// An error at `offset`.
    pub fn new(offset: usize, reason: impl Into<String>) -> QueryError {
        QueryError {
            offset,
            reason: reason.into(),
        }
    }
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line as u32, column as u32)
}

/// Conjunction, flattening nested `And`s; one item stays itself.
pub fn all_of(items: Vec<Expr>) -> Option<Expr> {
    combine(items, true)
}

/// Disjunction, flattening nested `Or`s; one item stays itself.
pub fn any_of(items: Vec<Expr>) -> Option<Expr> {
    combine(items, false)
}

fn combine(items: Vec<Expr>, and: bool) -> Option<Expr> {
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Expr::And(inner) if and => flat.extend(inner),
            Expr::Or(inner) if !and => flat.extend(inner),
            other => flat.push(other),
        }
    }
    match flat.len() {
        0 => None,
        1 => flat.pop(),
        _ if and => Some(Expr::And(flat)),
        _ => Some(Expr::Or(flat)),
    }
}

/// Logical negation.
pub fn negate(expr: Expr) -> Expr {
    Expr::Not(Box::new(expr))
}

/// A predicate leaf.
pub fn pred(field: &str, op: Op, value: impl Into<String>) -> Expr {
    Expr::Pred(Predicate::new(field, op, value))
}

/// Whether a value holds a `*` or `?` glob character.
pub fn has_glob(value: &str) -> bool {
    value.contains(['*', '?'])
}

/// `match`, or `wildcard` when the value has glob characters (EQL `:`).
pub fn match_or_wildcard(value: &str) -> Op {
    if has_glob(value) {
        Op::Wildcard
    } else {
        Op::Match
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }

    #[test]
    fn combinators_flatten_and_unwrap() {
        let a = pred("a", Op::Eq, "1");
        let b = pred("b", Op::Eq, "2");
        let nested = all_of(vec![a.clone(), Expr::And(vec![b.clone(), a.clone()])]);
        assert_eq!(nested, Some(Expr::And(vec![a.clone(), b, a.clone()])));
        assert_eq!(any_of(vec![a.clone()]), Some(a));
        assert_eq!(any_of(vec![]), None);
    }
}

/// Helpers for the parsers' unit tests: run a query's logic through
/// [`Rule::set_logic`] and compare predicates as `(field, op, value)`.
#[cfg(test)]
pub mod testing {
    use super::Parsed;
    use crate::model::{Op, Predicate, Rule};

    /// `(field, op, value)`.
    pub type Key = (String, Op, String);

    /// A rule holding the parsed logic, and the rest of what was parsed.
    pub fn logic(mut parsed: Parsed) -> (Rule, Parsed) {
        let mut rule = Rule::default();
        if let Some(expr) = parsed.expr.take() {
            rule.set_logic(expr);
        }
        (rule, parsed)
    }

    /// The keys of a predicate list, in order.
    pub fn keys(list: &[Predicate]) -> Vec<Key> {
        list.iter()
            .map(|p| (p.field.clone(), p.op, p.value.clone()))
            .collect()
    }

    /// One key.
    pub fn k(field: &str, op: Op, value: &str) -> Key {
        (field.into(), op, value.into())
    }
}

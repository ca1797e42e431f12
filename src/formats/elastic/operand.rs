//! Operands of EQL and ES|QL comparisons and how a comparison between them
//! becomes predicates, thresholds or opaque text. Both languages share
//! DESIGN.md's operator table, so the lowering lives here once.

use crate::model::{Expr, Op, Predicate};

use super::lex::{Cursor, Tok};
use super::query::{all_of, any_of, negate, pred, Parsed, QueryError};

/// A value-level parse result: an operand or an already-lowered condition.
#[derive(Debug, Clone)]
pub enum Value {
    Field(String),
    Lit(Lit),
    /// A function call: lower-case name without `~`, arguments, source text.
    Call {
        name: String,
        args: Vec<Value>,
        text: String,
    },
    /// Arithmetic or another computed expression, as source text.
    Computed(String),
    /// A boolean condition, already lowered.
    Cond(Option<Expr>),
}

/// A literal operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
}

impl Lit {
    /// The literal as predicate value text.
    pub fn text(&self) -> String {
        match self {
            Lit::Str(s) | Lit::Num(s) => s.clone(),
            Lit::Bool(b) => b.to_string(),
            Lit::Null => "null".to_string(),
        }
    }
}

impl Value {
    /// Source text of a computed operand, if it is one.
    fn computed_text(&self) -> Option<&str> {
        match self {
            Value::Call { text, .. } | Value::Computed(text) => Some(text),
            _ => None,
        }
    }
}

/// The layers EQL and ES|QL share: `or` < `and` < `not` < the language's
/// own comparison, plus parenthesised comma-separated lists.
pub trait Layers<'a>: Sized {
    /// The parser's token cursor.
    fn cursor(&mut self) -> &mut Cursor<'a>;

    /// The level under `not`: a comparison or a bare operand.
    fn comparison(&mut self) -> Result<Value, QueryError>;

    /// Turns a value used as a boolean into a condition.
    fn cond(&mut self, value: Value) -> Option<Expr>;

    /// `and_expr (or and_expr)*`.
    fn or_expr(&mut self) -> Result<Value, QueryError> {
        self.chain("or", Self::and_expr, any_of)
    }

    /// `not_expr (and not_expr)*`.
    fn and_expr(&mut self) -> Result<Value, QueryError> {
        self.chain("and", Self::not_expr, all_of)
    }

    /// Operands joined by one keyword; a single operand stays as it is.
    fn chain(
        &mut self,
        word: &str,
        next: fn(&mut Self) -> Result<Value, QueryError>,
        join: fn(Vec<Expr>) -> Option<Expr>,
    ) -> Result<Value, QueryError> {
        let first = next(self)?;
        if !self.cursor().is_keyword(word) {
            return Ok(first);
        }
        let mut items = vec![self.cond(first)];
        while self.cursor().eat_keyword(word) {
            let value = next(self)?;
            items.push(self.cond(value));
        }
        Ok(Value::Cond(join(items.into_iter().flatten().collect())))
    }

    /// `not not_expr | comparison`.
    fn not_expr(&mut self) -> Result<Value, QueryError> {
        if self.cursor().eat_keyword("not") {
            self.cursor().enter()?;
            let inner = self.not_expr()?;
            self.cursor().depth -= 1;
            return Ok(Value::Cond(self.cond(inner).map(negate)));
        }
        self.comparison()
    }

    /// Comma-separated expressions up to `)` (the `(` is already read).
    fn list(&mut self) -> Result<Vec<Value>, QueryError> {
        self.cursor().enter()?;
        let mut items = Vec::new();
        while self.cursor().peek() != Some(&Tok::RParen) {
            items.push(self.or_expr()?);
            if !self.cursor().eat(&Tok::Comma) {
                break;
            }
        }
        self.cursor().expect(Tok::RParen, "')' closing the list")?;
        self.cursor().depth -= 1;
        Ok(items)
    }
}

/// How a filter function turns its literal arguments into predicates.
pub type Shape = fn(&str) -> (Op, String);

/// `lhs op rhs` for `==`, `=`, `!=`, `<`, `<=`, `>`, `>=`: a predicate on a
/// field, a threshold on a computed value, or opaque text.
pub fn compare(out: &mut Parsed, lhs: Value, op: &str, rhs: Value, text: &str) -> Option<Expr> {
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
    let leaf = match (&lhs, &rhs) {
        (Value::Field(f), Value::Lit(Lit::Null)) => {
            return Some(pred(f, Op::Exists, if negated { "true" } else { "false" }));
        }
        (Value::Field(f), Value::Lit(lit)) => pred(f, range.unwrap_or(Op::Eq), lit.text()),
        (Value::Field(f), Value::Field(g)) if range.is_none() => pred(f, Op::Fieldref, g.clone()),
        (Value::Field(f), Value::Call { text: bound, .. } | Value::Computed(bound)) => {
            pred(f, range.unwrap_or(Op::Eq), bound.clone())
        }
        _ => {
            match (operand_text(&lhs), operand_text(&rhs)) {
                (Some(left), Some(right)) => {
                    let modifiers = if negated {
                        vec!["not".to_string()]
                    } else {
                        Vec::new()
                    };
                    out.add_threshold(
                        Predicate::new(left, range.unwrap_or(Op::Eq), right)
                            .with_modifiers(modifiers),
                    );
                }
                _ => out.note(format!("comparison not interpreted: {text}")),
            }
            return Some(Expr::Opaque(text.to_string()));
        }
    };
    Some(if negated { negate(leaf) } else { leaf })
}

/// One predicate per list item (`field in (...)`, `field : (...)`); a
/// computed left side gives one threshold per literal instead.
pub fn in_set(
    out: &mut Parsed,
    lhs: Value,
    items: Vec<Value>,
    op: impl Fn(&str) -> Op,
    text: &str,
) -> Option<Expr> {
    let field = match lhs {
        Value::Field(field) => field,
        other => {
            match other.computed_text() {
                Some(computed) => {
                    for item in items {
                        if let Value::Lit(lit) = item {
                            let value = lit.text();
                            out.add_threshold(Predicate::new(computed, op(&value), value));
                        }
                    }
                }
                None => out.note(format!("condition not interpreted: {text}")),
            }
            return Some(Expr::Opaque(text.to_string()));
        }
    };
    let preds = items
        .into_iter()
        .map(|item| match item {
            Value::Lit(lit) => {
                let value = lit.text();
                pred(&field, op(&value), value)
            }
            Value::Field(other) => pred(&field, Op::Fieldref, other),
            _ => Expr::Opaque(text.to_string()),
        })
        .collect();
    any_of(preds)
}

/// A filter function (`startsWith(field, "a", "b")`) as one predicate per
/// literal argument; `None` from `shape_of` means the function is not a
/// known filter and stays opaque with a note.
pub fn function_filter(
    out: &mut Parsed,
    name: &str,
    args: Vec<Value>,
    text: &str,
    shape_of: impl Fn(&str) -> Option<Shape>,
) -> Option<Expr> {
    let Some(shape) = shape_of(name) else {
        out.note(format!("function not interpreted as a filter: {text}"));
        return Some(Expr::Opaque(text.to_string()));
    };
    let mut args = args.into_iter();
    let Some(Value::Field(field)) = args.next() else {
        return Some(Expr::Opaque(text.to_string()));
    };
    let mut items = Vec::new();
    for arg in args {
        let Value::Lit(lit) = arg else {
            return Some(Expr::Opaque(text.to_string()));
        };
        let (op, value) = shape(&lit.text());
        items.push(pred(&field, op, value));
    }
    any_of(items)
}

/// Turns a value used as a boolean into a condition; calls go through
/// `call`, the language's filter-function handler.
pub fn as_condition(
    value: Value,
    call: impl FnOnce(String, Vec<Value>, String) -> Option<Expr>,
) -> Option<Expr> {
    match value {
        Value::Cond(expr) => expr,
        Value::Lit(Lit::Bool(true)) => None,
        Value::Call { name, args, text } => call(name, args, text),
        Value::Field(f) => Some(Expr::Opaque(f)),
        Value::Lit(lit) => Some(Expr::Opaque(lit.text())),
        Value::Computed(text) => Some(Expr::Opaque(text)),
    }
}

/// An operand as threshold text; conditions have none.
fn operand_text(value: &Value) -> Option<String> {
    match value {
        Value::Field(f) => Some(f.clone()),
        Value::Lit(lit) => Some(lit.text()),
        Value::Call { text, .. } | Value::Computed(text) => Some(text.clone()),
        Value::Cond(_) => None,
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

/// Wildcard shapes shared by the `startsWith`/`starts_with` family.
pub fn prefix(v: &str) -> (Op, String) {
    (Op::Wildcard, format!("{v}*"))
}

/// `endsWith` / `ends_with`.
pub fn suffix(v: &str) -> (Op, String) {
    (Op::Wildcard, format!("*{v}"))
}

/// `stringContains`.
pub fn contains(v: &str) -> (Op, String) {
    (Op::Wildcard, format!("*{v}*"))
}

/// `cidrMatch` / `cidr_match`.
pub fn cidr(v: &str) -> (Op, String) {
    (Op::Cidr, v.to_string())
}

/// `wildcard(field, pattern)`.
pub fn glob(v: &str) -> (Op, String) {
    (Op::Wildcard, v.to_string())
}

/// `match(field, regex)` in EQL.
pub fn regex(v: &str) -> (Op, String) {
    (Op::RegexMatch, v.to_string())
}

/// ES|QL `mv_contains(field, value)`.
pub fn exact(v: &str) -> (Op, String) {
    (Op::Eq, v.to_string())
}

/// ES|QL full-text `match(field, text)`.
pub fn term(v: &str) -> (Op, String) {
    (Op::Match, v.to_string())
}

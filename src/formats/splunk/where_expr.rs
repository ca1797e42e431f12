//! Eval-style boolean expressions of `| where`: comparisons (`=`, `==`,
//! `!=`, `<`, `>`, `<=`, `>=`), `like()`/`LIKE`, `match()`, `in()`/`IN`,
//! `isnull`/`isnotnull`, `searchmatch`, `cidrmatch`, `lower()`/`upper()`
//! around a field, and AND/OR/NOT. Parsed into a small tree first, then
//! turned into predicates, thresholds or opaque text.

use super::lexer::{lex, Tok, Token};
use super::pipeline::Analysis;
use super::search::{and_of, or_of, parse_terms, Mode};
use crate::model::{Expr, Op, Predicate};

const MAX_DEPTH: usize = 100;

/// An eval expression.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Cmp(Box<Node>, &'static str, Box<Node>),
    In(Box<Node>, Vec<Node>),
    Call(String, Vec<Node>),
    Field(String),
    Str(String),
    Num(String),
    /// Arithmetic or anything else kept as text.
    Other(String),
}

impl Node {
    fn show(&self) -> String {
        let list =
            |items: &[Node], sep: &str| items.iter().map(Node::show).collect::<Vec<_>>().join(sep);
        match self {
            Node::And(items) => format!("({})", list(items, " AND ")),
            Node::Or(items) => format!("({})", list(items, " OR ")),
            Node::Not(inner) => format!("NOT {}", inner.show()),
            Node::Cmp(l, op, r) => format!("{} {op} {}", l.show(), r.show()),
            Node::In(l, items) => format!("{} IN ({})", l.show(), list(items, ", ")),
            Node::Call(name, args) => format!("{name}({})", list(args, ", ")),
            Node::Field(f) => f.clone(),
            Node::Str(s) => format!("\"{s}\""),
            Node::Num(n) | Node::Other(n) => n.clone(),
        }
    }

    /// The event field this node reads, seeing through `lower`/`upper`.
    fn field(&self) -> Option<&str> {
        match self {
            Node::Field(f) => Some(f),
            Node::Call(name, args) if args.len() == 1 => {
                let n = name.to_ascii_lowercase();
                if n == "lower" || n == "upper" {
                    args[0].field()
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn literal(&self) -> Option<&str> {
        match self {
            Node::Str(s) | Node::Num(s) => Some(s),
            _ => None,
        }
    }
}

/// Parses a `where` expression and turns it into an event-filter expression,
/// sending filters on computed fields to the rule's thresholds.
pub fn parse_where(tokens: &[Token], an: &mut Analysis) -> Option<Expr> {
    let tokens: Vec<Token> = tokens
        .iter()
        .filter(|t| !matches!(t.tok, Tok::MacroStart(_) | Tok::MacroEnd))
        .cloned()
        .collect();
    let mut p = Parser {
        toks: &tokens,
        i: 0,
        depth: 0,
    };
    let node = p.or()?;
    if p.i < tokens.len() {
        an.note(format!(
            "where: text after `{}` was not understood",
            node.show()
        ));
    }
    lower(&node, false, an)
}

struct Parser<'t> {
    toks: &'t [Token],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }

    fn at_kw(&self, kw: &str) -> bool {
        self.toks.get(self.i).is_some_and(|t| t.is_kw(kw))
    }

    fn nest(&mut self) -> bool {
        self.depth += 1;
        self.depth < MAX_DEPTH
    }

    fn or(&mut self) -> Option<Node> {
        let mut items = vec![self.and()?];
        while self.at_kw("OR") || self.at_kw("XOR") {
            self.i += 1;
            items.extend(self.and());
        }
        Some(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn and(&mut self) -> Option<Node> {
        let mut items = vec![self.not()?];
        while self.at_kw("AND") {
            self.i += 1;
            items.extend(self.not());
        }
        Some(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    fn not(&mut self) -> Option<Node> {
        if !self.at_kw("NOT") {
            return self.cmp();
        }
        self.i += 1;
        if !self.nest() {
            return None;
        }
        let inner = self.not();
        self.depth -= 1;
        Some(Node::Not(Box::new(inner?)))
    }

    fn cmp(&mut self) -> Option<Node> {
        let left = self.sum()?;
        if let Some(Tok::Cmp(op)) = self.peek() {
            let op = *op;
            self.i += 1;
            let right = self.sum().unwrap_or(Node::Other(String::new()));
            return Some(Node::Cmp(Box::new(left), op, Box::new(right)));
        }
        if self.at_kw("LIKE") {
            self.i += 1;
            let right = self.sum().unwrap_or(Node::Other(String::new()));
            return Some(Node::Call("like".into(), vec![left, right]));
        }
        if self.at_kw("IN")
            && matches!(self.toks.get(self.i + 1).map(|t| &t.tok), Some(Tok::LParen))
        {
            self.i += 1;
            let items = self.args();
            return Some(Node::In(Box::new(left), items));
        }
        Some(left)
    }

    fn sum(&mut self) -> Option<Node> {
        let first = self.atom()?;
        let mut text: Option<String> = None;
        while let Some(op) = self
            .toks
            .get(self.i)
            .and_then(Token::word)
            .filter(|w| matches!(*w, "+" | "-" | "*" | "/" | "." | "%"))
        {
            let op = op.to_string();
            self.i += 1;
            let rhs = self.atom().map(|n| n.show()).unwrap_or_default();
            let acc = text.get_or_insert_with(|| first.show());
            acc.push_str(&format!(" {op} {rhs}"));
        }
        Some(match text {
            Some(t) => Node::Other(t),
            None => first,
        })
    }

    /// `( a, b, … )` starting at the opening parenthesis.
    fn args(&mut self) -> Vec<Node> {
        let mut items = Vec::new();
        self.i += 1;
        if !self.nest() {
            self.i = self.toks.len();
            return items;
        }
        loop {
            match self.peek() {
                None => break,
                Some(Tok::RParen) => {
                    self.i += 1;
                    break;
                }
                Some(Tok::Comma) => self.i += 1,
                _ => {
                    let before = self.i;
                    items.extend(self.or());
                    if self.i == before {
                        self.i += 1;
                    }
                }
            }
        }
        self.depth -= 1;
        items
    }

    fn atom(&mut self) -> Option<Node> {
        let token = self.toks.get(self.i)?;
        let node = match &token.tok {
            Tok::LParen => {
                self.i += 1;
                if !self.nest() {
                    self.i = self.toks.len();
                    return None;
                }
                let inner = self.or();
                self.depth -= 1;
                if matches!(self.peek(), Some(Tok::RParen)) {
                    self.i += 1;
                }
                return inner;
            }
            Tok::Quoted(s) => Node::Str(s.clone()),
            Tok::SQuoted(f) => Node::Field(f.clone()),
            Tok::Word(w) => {
                if matches!(self.toks.get(self.i + 1).map(|t| &t.tok), Some(Tok::LParen)) {
                    let name = w.clone();
                    self.i += 1;
                    let args = self.args();
                    return Some(Node::Call(name, args));
                }
                if w.parse::<f64>().is_ok() {
                    Node::Num(w.clone())
                } else {
                    Node::Field(w.clone())
                }
            }
            _ => return None,
        };
        self.i += 1;
        Some(node)
    }
}

/// `like` patterns: `%` → `*`, `_` → `?`.
fn like_to_glob(pattern: &str) -> String {
    pattern
        .chars()
        .map(|c| match c {
            '%' => '*',
            '_' => '?',
            c => c,
        })
        .collect()
}

fn flip(op: &'static str) -> &'static str {
    match op {
        "<" => ">",
        ">" => "<",
        "<=" => ">=",
        ">=" => "<=",
        other => other,
    }
}

fn opaque(node: &Node, an: &mut Analysis) -> Option<Expr> {
    let text = node.show();
    an.note(format!("where: `{text}` is kept as text"));
    Some(Expr::Opaque(text))
}

fn lower(node: &Node, neg: bool, an: &mut Analysis) -> Option<Expr> {
    match node {
        Node::And(items) => and_of(items.iter().filter_map(|n| lower(n, neg, an)).collect()),
        Node::Or(items) => or_of(items.iter().filter_map(|n| lower(n, neg, an)).collect()),
        Node::Not(inner) => lower(inner, !neg, an).map(|e| Expr::Not(Box::new(e))),
        Node::Cmp(l, op, r) => comparison(node, l, op, r, neg, an),
        Node::In(l, items) => membership(node, l, items, neg, an),
        Node::Call(name, args) => call(node, name, args, neg, an),
        _ => opaque(node, an),
    }
}

fn comparison(
    node: &Node,
    l: &Node,
    op: &'static str,
    r: &Node,
    neg: bool,
    an: &mut Analysis,
) -> Option<Expr> {
    let (field, op, other) = match (l.field(), r.field()) {
        (Some(f), _) if r.literal().is_some() || an.fields.is_computed(f) => (f, op, r),
        (_, Some(f)) if l.literal().is_some() => (f, flip(op), l),
        (Some(f), Some(_)) => (f, op, r),
        (_, Some(f)) if an.fields.is_computed(f) => (f, flip(op), l),
        _ => {
            if let (Some(value), Node::Call(..) | Node::Other(_)) = (r.literal(), l) {
                let pred = Predicate::new(l.show(), cmp_op(op), value);
                an.threshold(pred, neg ^ (op == "!="));
                return None;
            }
            return opaque(node, an);
        }
    };
    let negate = op == "!=";
    let pred = match other.literal() {
        Some(value) => Predicate::new(field, cmp_op(op), value),
        None if matches!(op, "=" | "==" | "!=") && other.field().is_some() => {
            let other = other.field().unwrap_or_default();
            let pred = Predicate::new(field, Op::Fieldref, other);
            if an.fields.is_computed(other) {
                // Compared with a computed value: a threshold either way.
                an.threshold(pred, neg ^ negate);
                return None;
            }
            pred
        }
        None if an.fields.is_computed(field) => Predicate::new(field, cmp_op(op), other.show()),
        None => return opaque(node, an),
    };
    let e = an.leaf(pred, neg ^ negate)?;
    Some(if negate { Expr::Not(Box::new(e)) } else { e })
}

fn cmp_op(op: &str) -> Op {
    match op {
        "<" => Op::Lt,
        ">" => Op::Gt,
        "<=" => Op::Lte,
        ">=" => Op::Gte,
        _ => Op::Eq,
    }
}

fn membership(node: &Node, l: &Node, items: &[Node], neg: bool, an: &mut Analysis) -> Option<Expr> {
    let Some(field) = l.field() else {
        return opaque(node, an);
    };
    let mut parts = Vec::new();
    for item in items {
        let pred = match (item.literal(), item.field()) {
            (Some(v), _) => Predicate::new(field, Op::Eq, v),
            (None, Some(other)) => Predicate::new(field, Op::Fieldref, other),
            _ => {
                parts.extend(opaque(item, an));
                continue;
            }
        };
        parts.extend(an.leaf(pred, neg));
    }
    or_of(parts)
}

fn call(node: &Node, name: &str, args: &[Node], neg: bool, an: &mut Analysis) -> Option<Expr> {
    let name = name.to_ascii_lowercase();
    let field = args.first().and_then(Node::field);
    let second = args.get(1).and_then(Node::literal);
    let pred = match (name.as_str(), field, second) {
        ("like", Some(f), Some(p)) => Predicate::new(f, Op::Wildcard, like_to_glob(p)),
        ("match", Some(f), Some(p)) => Predicate::new(f, Op::RegexMatch, p),
        ("isnull", Some(f), None) => Predicate::new(f, Op::Exists, "false"),
        ("isnotnull", Some(f), None) => Predicate::new(f, Op::Exists, "true"),
        ("cidrmatch", _, _) => {
            match (
                args.first().and_then(Node::literal),
                args.get(1).and_then(Node::field),
            ) {
                (Some(cidr), Some(f)) => Predicate::new(f, Op::Cidr, cidr),
                _ => return opaque(node, an),
            }
        }
        ("in", Some(_), _) => {
            return membership(node, &args[0], &args[1..], neg, an);
        }
        ("searchmatch", _, _) => {
            let Some(text) = args.first().and_then(Node::literal) else {
                return opaque(node, an);
            };
            let lexed = lex(text);
            return parse_terms(&lexed.tokens, an, Mode::Search, neg);
        }
        _ => return opaque(node, an),
    };
    an.leaf(pred, neg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rule;

    fn run(text: &str, computed: &[&str]) -> (Rule, Vec<String>) {
        let mut an = Analysis::default();
        for c in computed {
            an.fields.add(c);
        }
        let e = parse_where(&lex(text).tokens, &mut an);
        let mut rule = Rule::default();
        if let Some(e) = e {
            rule.set_logic(e);
        }
        let th = an
            .thresholds
            .iter()
            .map(|p| format!("{} {} {} {:?}", p.field, p.op, p.value, p.modifiers))
            .collect();
        (rule, th)
    }

    fn keys(preds: &[Predicate]) -> Vec<String> {
        preds
            .iter()
            .map(|p| format!("{} {} {}", p.field, p.op, p.value))
            .collect()
    }

    #[test]
    fn functions_become_predicates() {
        let (rule, _) = run(
            r#"LIKE(lower(p), "%\\sys_32%") AND match(c, "(?i)x$") AND in(n, "a", "b") AND isnotnull(u) AND isnull(v) AND cidrmatch("10.0.0.0/8", ip) AND searchmatch("k=v") AND upper(x)=="Y" AND z IN ("q")"#,
            &[],
        );
        assert_eq!(
            keys(&rule.predicates),
            [
                r"p wildcard *\sys?32*",
                "c regex_match (?i)x$",
                "n eq a",
                "n eq b",
                "u exists true",
                "v exists false",
                "ip cidr 10.0.0.0/8",
                "k eq v",
                "x eq Y",
                "z eq q"
            ]
        );
    }

    #[test]
    fn negations_field_comparisons_and_thresholds() {
        let (rule, th) = run(
            r#"NOT like(a, "x%") AND b!="y" AND c=d AND NOT (e="1" OR f>2) AND count > 5 AND len(q) > 10 AND NOT cnt=1"#,
            &["count", "cnt"],
        );
        assert_eq!(keys(&rule.predicates), ["c fieldref d"]);
        assert_eq!(
            keys(&rule.exclusions),
            ["a wildcard x*", "b eq y", "e eq 1", "f gt 2"]
        );
        assert_eq!(
            th,
            ["count gt 5 []", "len(q) gt 10 []", "cnt eq 1 [\"not\"]"]
        );
    }

    #[test]
    fn garbage_is_kept_as_text_without_panicking() {
        let deep = "(".repeat(3000) + "a=1";
        let nots = "NOT ".repeat(3000) + "a=1";
        for text in [
            deep.as_str(),
            nots.as_str(),
            "",
            "(",
            "a = ",
            "like(",
            "x IN (",
            "1 + + 2 > ",
            "relative_time(now(), \"-1d\") < firstTime",
        ] {
            run(text, &[]);
        }
    }
}

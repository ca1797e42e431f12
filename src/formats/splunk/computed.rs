//! Which fields a search computes itself (`eval`, `stats … as`, `rex`,
//! `lookup … OUTPUT`, `spath` on a computed field, `iplocation`, …). A filter
//! on a computed field is a threshold, not an event filter; a field that is
//! only renamed keeps its nature.

use super::lexer::{Tok, Token};
use std::collections::HashSet;

/// The computed-field state of one pipeline as commands run.
#[derive(Debug, Clone, Default)]
pub struct FieldState {
    computed: HashSet<String>,
    /// Set after `inputlookup`: every field comes from a lookup, not events.
    all_computed: bool,
}

/// Splits `tokens` at top-level commas (outside parentheses).
pub fn split_commas(tokens: &[Token]) -> Vec<&[Token]> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        match t.tok {
            Tok::LParen => depth += 1,
            Tok::RParen => depth -= 1,
            Tok::Comma if depth <= 0 => {
                parts.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// Index just past the parenthesised group opening at `open` (or the end).
pub fn skip_group(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.tok {
            Tok::LParen => depth += 1,
            Tok::RParen => {
                depth -= 1;
                if depth <= 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// Source text of a token run, for names like `count(x)` and for notes.
pub fn render(tokens: &[Token]) -> String {
    let mut out = String::new();
    for t in tokens {
        let piece = match &t.tok {
            Tok::Word(w) => w.clone(),
            Tok::Quoted(q) => format!("\"{q}\""),
            Tok::SQuoted(q) => format!("'{q}'"),
            Tok::Macro { name, args } if args.is_empty() => format!("`{name}`"),
            Tok::Macro { name, args } => format!("`{name}({})`", args.join(", ")),
            Tok::MacroStart(_) | Tok::MacroEnd => continue,
            Tok::Cmp(op) => op.to_string(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::LBracket => "[".into(),
            Tok::RBracket => "]".into(),
            Tok::Pipe => "|".into(),
            Tok::Comma => ",".into(),
        };
        let glue = matches!(t.tok, Tok::LParen | Tok::RParen | Tok::Comma)
            || out.ends_with('(')
            || out.is_empty();
        if !glue {
            out.push(' ');
        }
        out.push_str(&piece);
    }
    out
}

impl FieldState {
    /// True when `field` holds values the search computed. `_time` counts:
    /// a time window is not an indicator.
    pub fn is_computed(&self, field: &str) -> bool {
        self.all_computed
            || field == "_time"
            || field.contains('(')
            || self.computed.contains(field)
    }

    /// Marks `field` as computed.
    pub fn add(&mut self, field: &str) {
        if !field.is_empty() {
            self.computed.insert(field.to_string());
        }
    }

    /// Takes in the computed fields of a joined or appended subsearch.
    pub fn merge(&mut self, other: &FieldState) {
        self.computed.extend(other.computed.iter().cloned());
    }

    /// After `inputlookup`: every field is lookup data.
    pub fn all_from_lookup(&mut self) {
        self.all_computed = true;
    }

    /// `eval a=…, b=…`: every assigned name is computed.
    pub fn eval(&mut self, args: &[Token]) {
        for part in split_commas(args) {
            if let (Some(name), Some(Tok::Cmp("="))) = (
                part.first().and_then(Token::text),
                part.get(1).map(|t| &t.tok),
            ) {
                self.add(name);
            }
        }
    }

    /// Aggregations of `stats`, `eventstats`, `streamstats`, `tstats`,
    /// `chart`, `timechart`: `count`, `fn(x)`, `fn(x) as y`, up to `by`.
    pub fn aggregations(&mut self, args: &[Token]) {
        let mut i = 0;
        while i < args.len() {
            let t = &args[i];
            if t.is_kw("by") || t.is_kw("groupby") || t.is_kw("from") || t.is_kw("where") {
                return;
            }
            let Some(word) = t.text() else {
                i += 1;
                continue;
            };
            if matches!(args.get(i + 1).map(|t| &t.tok), Some(Tok::Cmp(_))) {
                // An option such as `prestats=t` or `span=1h`.
                i += 3;
                continue;
            }
            let mut end = i + 1;
            let mut name = word.to_string();
            if matches!(args.get(i + 1).map(|t| &t.tok), Some(Tok::LParen)) {
                end = skip_group(args, i + 1);
                name = render(&args[i..end]);
            }
            if args.get(end).is_some_and(|t| t.is_kw("as")) {
                if let Some(alias) = args.get(end + 1).and_then(Token::text) {
                    name = alias.to_string();
                }
                end += 2;
            }
            self.add(&name);
            i = end.max(i + 1);
        }
    }

    /// `rex [field=x] "(?<name>…)"` and `rex mode=sed field=x`: named
    /// groups are computed; a sed rewrite makes its field computed.
    pub fn rex(&mut self, args: &[Token]) {
        let mut field = "_raw".to_string();
        let mut sed = false;
        for (i, t) in args.iter().enumerate() {
            if matches!(args.get(i + 1).map(|t| &t.tok), Some(Tok::Cmp("="))) {
                let value = args.get(i + 2).and_then(Token::text).unwrap_or_default();
                if t.is_kw("field") {
                    field = value.to_string();
                } else if t.is_kw("mode") && value.eq_ignore_ascii_case("sed") {
                    sed = true;
                }
            }
            if let Tok::Quoted(pattern) = &t.tok {
                for name in named_groups(pattern) {
                    self.add(&name);
                }
            }
        }
        if sed {
            self.add(&field);
        }
    }

    /// `lookup table in [as x], … OUTPUT|OUTPUTNEW out [as y], …`. Returns
    /// false when there is no output clause (the outputs are then unknown).
    pub fn lookup(&mut self, args: &[Token]) -> bool {
        let Some(at) = args
            .iter()
            .position(|t| t.is_kw("output") || t.is_kw("outputnew"))
        else {
            return false;
        };
        let outs: Vec<&Token> = args[at + 1..]
            .iter()
            .filter(|t| !matches!(t.tok, Tok::Comma))
            .collect();
        let mut i = 0;
        while i < outs.len() {
            let Some(name) = outs[i].text() else {
                i += 1;
                continue;
            };
            if outs.get(i + 1).is_some_and(|t| t.is_kw("as")) {
                if let Some(alias) = outs.get(i + 2).and_then(|t| t.text()) {
                    self.add(alias);
                }
                i += 3;
            } else {
                self.add(name);
                i += 1;
            }
        }
        true
    }

    /// `spath input=x output=y path=p`: outputs are computed when the input
    /// is a computed field. Returns false when the outputs cannot be named.
    pub fn spath(&mut self, args: &[Token]) -> bool {
        let mut input = None;
        let mut output = None;
        let mut path = None;
        for (i, t) in args.iter().enumerate() {
            let is_opt = matches!(args.get(i + 1).map(|t| &t.tok), Some(Tok::Cmp("=")));
            let value = args.get(i + 2).and_then(Token::text);
            if is_opt && t.is_kw("input") {
                input = value;
            } else if is_opt && t.is_kw("output") {
                output = value;
            } else if is_opt && t.is_kw("path") {
                path = value;
            } else if !is_opt && i == args.len() - 1 && path.is_none() {
                path = t.text();
            }
        }
        let Some(input) = input else {
            return true;
        };
        if !self.is_computed(input) {
            return true;
        }
        match output.or(path) {
            Some(name) => {
                self.add(name);
                true
            }
            None => false,
        }
    }

    /// `rename a as b, …`: `b` takes `a`'s nature; a wildcard rename keeps
    /// every field as it was.
    pub fn rename(&mut self, args: &[Token]) {
        let words: Vec<&str> = args.iter().filter_map(Token::text).collect();
        let mut i = 0;
        while i + 2 < words.len() {
            if words[i + 1].eq_ignore_ascii_case("as") {
                let (from, to) = (words[i], words[i + 2]);
                if !from.contains('*') {
                    if self.is_computed(from) {
                        self.add(to);
                    } else {
                        self.computed.remove(to);
                    }
                }
                i += 3;
            } else {
                i += 1;
            }
        }
    }

    /// `iplocation [prefix=p] field`: City, Country, Region, lat, lon.
    pub fn iplocation(&mut self, args: &[Token]) {
        let mut prefix = "";
        for (i, t) in args.iter().enumerate() {
            if t.is_kw("prefix") && matches!(args.get(i + 1).map(|t| &t.tok), Some(Tok::Cmp("="))) {
                prefix = args.get(i + 2).and_then(Token::text).unwrap_or_default();
            }
        }
        for f in ["City", "Country", "Region", "lat", "lon"] {
            self.add(&format!("{prefix}{f}"));
        }
    }

    /// The value of option `name=value` among `args`, if present.
    pub fn option<'t>(args: &'t [Token], name: &str) -> Option<&'t str> {
        args.iter().enumerate().find_map(|(i, t)| {
            let is_opt =
                t.is_kw(name) && matches!(args.get(i + 1).map(|t| &t.tok), Some(Tok::Cmp("=")));
            if is_opt {
                args.get(i + 2).and_then(Token::text)
            } else {
                None
            }
        })
    }

    /// Commands with fixed outputs: `transaction`, `top`, `rare`,
    /// `addtotals`, `convert … as`, `strcat`.
    pub fn fixed_outputs(&mut self, command: &str, args: &[Token]) {
        match command {
            "transaction" => ["duration", "eventcount", "closed_txn"]
                .iter()
                .for_each(|f| self.add(f)),
            "top" | "rare" => {
                self.add(Self::option(args, "countfield").unwrap_or("count"));
                self.add(Self::option(args, "percentfield").unwrap_or("percent"));
            }
            "addtotals" => self.add(Self::option(args, "fieldname").unwrap_or("Total")),
            "convert" => {
                for part in split_commas(args) {
                    for (i, t) in part.iter().enumerate() {
                        if t.is_kw("as") {
                            if let Some(n) = part.get(i + 1).and_then(Token::text) {
                                self.add(n);
                            }
                        } else if matches!(part.get(i + 1).map(|t| &t.tok), Some(Tok::LParen)) {
                            if let Some(n) = part.get(i + 2).and_then(Token::text) {
                                self.add(n);
                            }
                        }
                    }
                }
            }
            "strcat" => {
                if let Some(last) = args.iter().rev().find_map(Token::word) {
                    self.add(last);
                }
            }
            _ => {}
        }
    }
}

/// Names of `(?<name>…)` and `(?P<name>…)` groups in a regular expression.
pub fn named_groups(pattern: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = pattern;
    while let Some(at) = rest.find("(?") {
        rest = &rest[at + 2..];
        let body = rest.strip_prefix('P').unwrap_or(rest);
        if let Some(body) = body.strip_prefix('<') {
            if let Some(end) = body.find('>') {
                let name = &body[..end];
                if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    names.push(name.to_string());
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::splunk::lexer::lex;

    fn state(commands: &[(&str, &str)]) -> FieldState {
        let mut s = FieldState::default();
        for (cmd, args) in commands {
            let t = lex(args).tokens;
            match *cmd {
                "eval" => s.eval(&t),
                "stats" => s.aggregations(&t),
                "rex" => s.rex(&t),
                "lookup" => {
                    s.lookup(&t);
                }
                "spath" => {
                    s.spath(&t);
                }
                "rename" => s.rename(&t),
                "iplocation" => s.iplocation(&t),
                other => s.fixed_outputs(other, &t),
            }
        }
        s
    }

    #[test]
    fn eval_stats_rex_lookup_compute_fields() {
        let s = state(&[
            ("eval", "a=1, b=if(x>1, 2, 3)"),
            ("stats", "count dc(user) as users values(x) by host"),
            ("rex", r#"field=process "(?<cmd>\w+) (?P<arg>.*)""#),
            ("lookup", "tbl domain as query OUTPUT isDyn as dyn, other"),
            ("addtotals", "fieldname=Score a b"),
        ]);
        for f in [
            "a",
            "b",
            "count",
            "users",
            "values(x)",
            "cmd",
            "arg",
            "dyn",
            "other",
            "Score",
        ] {
            assert!(s.is_computed(f), "{f}");
        }
        for f in ["host", "user", "process", "query", "domain"] {
            assert!(!s.is_computed(f), "{f}");
        }
    }

    #[test]
    fn renames_carry_the_nature_and_spath_follows_its_input() {
        let s = state(&[
            ("eval", "c=1"),
            (
                "rename",
                "c as d, e as f, \"IsOutlier(x)\" as o, Processes.* as *",
            ),
            ("spath", "input=d output=g path=a.b"),
            ("spath", "input=event_field output=h path=a"),
        ]);
        assert!(s.is_computed("d") && s.is_computed("o") && s.is_computed("g"));
        assert!(!s.is_computed("f") && !s.is_computed("h"));
    }

    #[test]
    fn garbage_never_panics() {
        for text in ["", "as", "( ( ,", "= = =", "a as", "OUTPUT", "prefix="] {
            let t = lex(text).tokens;
            let mut s = FieldState::default();
            s.eval(&t);
            s.aggregations(&t);
            s.rex(&t);
            s.lookup(&t);
            s.spath(&t);
            s.rename(&t);
            s.iplocation(&t);
            s.fixed_outputs("convert", &t);
            s.fixed_outputs("strcat", &t);
        }
    }
}

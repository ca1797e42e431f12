//! An SPL search as a pipeline of commands: splits at top-level pipes,
//! dispatches each command to its parser, tracks computed fields, and joins
//! the filters of every command (and of `join`/`append` subsearches) into one
//! expression. Everything that is not an event filter lands beside it:
//! data-source selectors, thresholds and notes.

use super::computed::{render, FieldState};
use super::lexer::{lex, Tok, Token};
use super::macros::{expand, Macros};
use super::search::{and_of, parse_terms, Mode};
use super::{tstats, where_expr};
use crate::model::{DataSource, Expr, Op, Predicate};

/// How deep subsearches may nest.
const MAX_SUBSEARCH_DEPTH: usize = 8;

/// Commands that start a search (or subsearch) without a leading pipe.
const GENERATING: [&str; 14] = [
    "search",
    "tstats",
    "mstats",
    "inputlookup",
    "from",
    "datamodel",
    "summary",
    "makeresults",
    "rest",
    "metadata",
    "pivot",
    "loadjob",
    "inputcsv",
    "multisearch",
];

/// Commands that neither filter events nor compute fields a filter could
/// use in a way we need to know about.
const PASSIVE: [&str; 34] = [
    "table",
    "fields",
    "dedup",
    "sort",
    "head",
    "tail",
    "bucket",
    "bin",
    "fillnull",
    "mvexpand",
    "makemv",
    "xmlkv",
    "kvform",
    "extract",
    "fromjson",
    "outputlookup",
    "collect",
    "reverse",
    "nomv",
    "mvcombine",
    "format",
    "return",
    "fieldformat",
    "apply",
    "fit",
    "summary",
    "makeresults",
    "sendalert",
    "typer",
    "tags",
    "localize",
    "replace",
    "multikv",
    "outlier",
];

/// The result of reading one search.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Event filters over the whole pipeline.
    pub expr: Option<Expr>,
    pub sources: Vec<DataSource>,
    pub thresholds: Vec<Predicate>,
    pub notes: Vec<String>,
}

/// Reads `search` with `macros` expanded.
pub fn analyse(search: &str, macros: &Macros) -> Outcome {
    let lexed = lex(search);
    let mut an = Analysis {
        macros: Some(macros),
        ..Analysis::default()
    };
    for p in lexed.problems {
        an.note(p);
    }
    let expansion = expand(lexed.tokens, macros);
    for n in expansion.notes {
        an.note(n);
    }
    for t in &expansion.tuning {
        an.source("tuning_macro", t, false);
    }
    let expr = an.pipeline(&expansion.tokens);
    Outcome {
        expr,
        sources: an.sources,
        thresholds: an.thresholds,
        notes: an.notes,
    }
}

/// The state shared by every command parser while one search is read.
#[derive(Debug, Default)]
pub struct Analysis<'m> {
    /// Macros for searches held in strings (`map search="…"`).
    macros: Option<&'m Macros>,
    pub fields: FieldState,
    pub sources: Vec<DataSource>,
    pub thresholds: Vec<Predicate>,
    pub notes: Vec<String>,
    subsearch_depth: usize,
}

impl Analysis<'_> {
    /// Adds a note once.
    pub fn note(&mut self, text: String) {
        if !self.notes.contains(&text) {
            self.notes.push(text);
        }
    }

    /// Records a data-source selector once; a negated one reads `NOT value`.
    pub fn source(&mut self, kind: &str, value: &str, negated: bool) {
        let value = if negated {
            format!("NOT {value}")
        } else {
            value.to_string()
        };
        let ds = DataSource {
            kind: kind.to_string(),
            value,
        };
        if !self.sources.contains(&ds) {
            self.sources.push(ds);
        }
    }

    /// Records a condition on a computed field; negated ones carry `not`.
    pub fn threshold(&mut self, pred: Predicate, negated: bool) {
        let pred = if negated {
            pred.with_modifiers(vec!["not".to_string()])
        } else {
            pred
        };
        if !self.thresholds.contains(&pred) {
            self.thresholds.push(pred);
        }
    }

    /// An event filter, or a threshold when the field is computed (then
    /// `None`: thresholds stay out of the logic tree).
    pub fn leaf(&mut self, pred: Predicate, negated: bool) -> Option<Expr> {
        if !pred.field.is_empty() && self.fields.is_computed(&pred.field) {
            self.threshold(pred, negated);
            return None;
        }
        Some(Expr::Pred(pred))
    }

    /// Runs a pipeline (the main search or a subsearch body).
    fn pipeline(&mut self, tokens: &[Token]) -> Option<Expr> {
        let mut acc: Vec<Expr> = Vec::new();
        for (index, segment) in split_pipes(tokens).into_iter().enumerate() {
            let Some((command, args)) = command_of(segment, index == 0) else {
                continue;
            };
            match command.as_str() {
                "join" => acc.extend(self.subsearch_in(args)),
                "append" | "appendpipe" => {
                    if let Some(sub) = self.subsearch_in(args) {
                        let left = and_of(std::mem::take(&mut acc));
                        acc.extend(match left {
                            Some(left) => Some(Expr::Or(vec![left, sub])),
                            None => Some(sub),
                        });
                    }
                }
                "map" => acc.extend(self.map(args)),
                _ => acc.extend(self.command(&command, args)),
            }
        }
        and_of(acc)
    }

    /// Reads one command; returns its event filter, if any.
    fn command(&mut self, command: &str, args: &[Token]) -> Option<Expr> {
        let plain: Vec<Token> = args
            .iter()
            .filter(|t| !matches!(t.tok, Tok::MacroStart(_) | Tok::MacroEnd))
            .cloned()
            .collect();
        match command {
            "search" => return parse_terms(args, self, Mode::Search, false),
            "where" => return where_expr::parse_where(args, self),
            "regex" => return self.regex(&plain),
            "tstats" | "mstats" => return tstats::tstats(args, self),
            "from" => tstats::from(&plain, self),
            "datamodel" => tstats::datamodel(&plain, self),
            "inputlookup" | "inputcsv" => self.fields.all_from_lookup(),
            "eval" => self.fields.eval(&plain),
            "stats" | "eventstats" | "streamstats" | "chart" | "timechart" | "sistats" => {
                self.fields.aggregations(&plain)
            }
            "rex" => self.fields.rex(&plain),
            "lookup" => {
                if !self.fields.lookup(&plain) {
                    self.note(format!(
                        "lookup without OUTPUT: `{}` may add fields not tracked as computed",
                        render(&plain)
                    ));
                }
            }
            "spath" => {
                if !self.fields.spath(&plain) {
                    self.note("spath on a computed field without output= is not tracked".into());
                }
            }
            "rename" => self.fields.rename(&plain),
            "iplocation" => self.fields.iplocation(&plain),
            "transaction" | "top" | "rare" | "addtotals" | "convert" | "strcat" => {
                self.fields.fixed_outputs(command, &plain)
            }
            c if PASSIVE.contains(&c) => {}
            c => self.note(format!("command `{c}` is not interpreted")),
        }
        None
    }

    /// `map search="…"`: the quoted search runs once per result, so its
    /// filters count like a joined subsearch's (`$field$` tokens are skipped).
    fn map(&mut self, args: &[Token]) -> Option<Expr> {
        let Some(text) = FieldState::option(args, "search") else {
            self.note("`map` without search=\"…\" is not interpreted".to_string());
            return None;
        };
        let lexed = lex(text);
        let tokens: Vec<Token> = lexed
            .tokens
            .into_iter()
            .filter(|t| {
                !t.text()
                    .is_some_and(|w| w.len() > 1 && w.starts_with('$') && w.ends_with('$'))
            })
            .collect();
        let tokens = match self.macros {
            Some(macros) => {
                let expansion = expand(tokens, macros);
                for n in expansion.notes {
                    self.note(n);
                }
                expansion.tokens
            }
            None => tokens,
        };
        let mut bracketed = Vec::with_capacity(tokens.len() + 2);
        bracketed.push(Token {
            tok: Tok::LBracket,
            pos: 0,
        });
        bracketed.extend(tokens);
        bracketed.push(Token {
            tok: Tok::RBracket,
            pos: 0,
        });
        self.subsearch_in(&bracketed)
    }

    /// `regex [field](=|!=)"re"`: a regex_match predicate on the field
    /// (`_raw` when none is named).
    fn regex(&mut self, args: &[Token]) -> Option<Expr> {
        let (field, negate, pattern) = match args {
            [f, Token {
                tok: Tok::Cmp(op @ ("=" | "!=")),
                ..
            }, v, ..] => (f.text()?, *op == "!=", v.text()?),
            [v] => ("_raw", false, v.text()?),
            _ => {
                self.note(format!("regex `{}` is not understood", render(args)));
                return None;
            }
        };
        let e = self.leaf(Predicate::new(field, Op::RegexMatch, pattern), negate)?;
        Some(if negate { Expr::Not(Box::new(e)) } else { e })
    }

    /// The first `[ … ]` among `args`, run as a pipeline with its own
    /// computed fields (merged back afterwards).
    fn subsearch_in(&mut self, args: &[Token]) -> Option<Expr> {
        let open = args.iter().position(|t| t.tok == Tok::LBracket)?;
        let mut depth = 0i32;
        let mut close = args.len();
        for (i, t) in args.iter().enumerate().skip(open) {
            match t.tok {
                Tok::LBracket => depth += 1,
                Tok::RBracket => {
                    depth -= 1;
                    if depth == 0 {
                        close = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        if self.subsearch_depth >= MAX_SUBSEARCH_DEPTH {
            self.note(format!(
                "subsearches nest deeper than {MAX_SUBSEARCH_DEPTH}; the inner ones are skipped"
            ));
            return None;
        }
        let saved = std::mem::take(&mut self.fields);
        self.subsearch_depth += 1;
        let expr = self.pipeline(&args[open + 1..close]);
        self.subsearch_depth -= 1;
        let sub = std::mem::replace(&mut self.fields, saved);
        self.fields.merge(&sub);
        expr
    }
}

/// Splits at pipes outside brackets.
fn split_pipes(tokens: &[Token]) -> Vec<&[Token]> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        match t.tok {
            Tok::LBracket => depth += 1,
            Tok::RBracket => depth -= 1,
            Tok::Pipe if depth <= 0 => {
                parts.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// The command name (lower case) and its arguments. The first segment is an
/// implicit `search` unless it starts with a generating command.
fn command_of(segment: &[Token], first: bool) -> Option<(String, &[Token])> {
    if segment.is_empty() {
        return None;
    }
    if first {
        let name = segment[0].word().map(str::to_ascii_lowercase);
        return Some(match name {
            Some(n) if GENERATING.contains(&n.as_str()) => (n, &segment[1..]),
            _ => ("search".to_string(), segment),
        });
    }
    let at = segment
        .iter()
        .position(|t| !matches!(t.tok, Tok::MacroStart(_) | Tok::MacroEnd))?;
    match &segment[at].tok {
        Tok::Word(w) => Some((w.to_ascii_lowercase(), &segment[at + 1..])),
        // An undefined macro in command position: already noted by expansion.
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rule;

    fn rule_of(search: &str, macros: &Macros) -> (Rule, Outcome) {
        let mut out = analyse(search, macros);
        let mut rule = Rule::default();
        if let Some(e) = out.expr.take() {
            rule.set_logic(e);
        }
        (rule, out)
    }

    fn keys(preds: &[Predicate]) -> Vec<String> {
        preds
            .iter()
            .map(|p| format!("{} {} {}", p.field, p.op, p.value))
            .collect()
    }

    fn test_macros() -> Macros {
        let mut m = Macros::default();
        m.insert("sysmon", &[], "sourcetype=XmlWinEventLog OR source=Sysmon");
        m.insert("mfa", &[], "method IN (\"a\", \"b\")");
        m.insert("ctime", &["field"], "convert ctime($field$)");
        m.insert(
            "sys_file",
            &[],
            "lookup t f as process_name OUTPUT systemFile | search systemFile=true",
        );
        m
    }

    #[test]
    fn data_macros_filter_macros_and_tuning_macros() {
        let (rule, out) = rule_of(
            "`sysmon` EventCode=1 NOT `mfa` | `sys_file` | stats count by x | `ctime(firstTime)` | where count > 2 | `x_filter`",
            &test_macros(),
        );
        assert_eq!(keys(&rule.predicates), ["EventCode eq 1"]);
        assert_eq!(keys(&rule.exclusions), ["method eq a", "method eq b"]);
        assert_eq!(keys(&out.thresholds), ["systemFile eq true", "count gt 2"]);
        let src: Vec<_> = out
            .sources
            .iter()
            .map(|s| format!("{}={}", s.kind, s.value))
            .collect();
        assert_eq!(
            src,
            [
                "tuning_macro=x_filter",
                "sourcetype=XmlWinEventLog",
                "source=Sysmon",
                "macro=sysmon"
            ]
        );
        assert!(out.notes.is_empty(), "{:?}", out.notes);
    }

    #[test]
    fn subsearches_regex_and_renames() {
        let (rule, out) = rule_of(
            r#"| tstats count from datamodel=Endpoint.Processes where Processes.process_name=a by Processes.process | `drop_dm_object_name(Processes)` | regex process!="(?i)x\\y" | join process [ search index=z b=2 | eval c=1 ] | append [| tstats count where d=3] | rename process as proc | where proc="q" AND c=1"#,
            &Macros::default(),
        );
        assert_eq!(
            keys(&rule.predicates),
            [
                "Processes.process_name eq a",
                "b eq 2",
                "d eq 3",
                "proc eq q"
            ]
        );
        assert_eq!(keys(&rule.exclusions), [r"process regex_match (?i)x\y"]);
        assert_eq!(keys(&out.thresholds), ["c eq 1"]);
        assert!(matches!(
            rule.logic,
            Some(crate::model::Logic::And(ref items)) if matches!(items[0], crate::model::Logic::Or(_))
        ));
    }

    #[test]
    fn map_searches_carry_their_filters() {
        let (rule, out) = rule_of(
            r#"a=1 | map search="search `sysmon` EventCode=5 $guid$ | where x!=\"y\"" maxsearches=5"#,
            &test_macros(),
        );
        assert_eq!(keys(&rule.predicates), ["a eq 1", "EventCode eq 5"]);
        assert_eq!(keys(&rule.exclusions), ["x eq y"]);
        assert!(out.sources.iter().any(|s| s.value == "sysmon"));
    }

    #[test]
    fn unknown_commands_and_macros_are_noted() {
        let (_, out) = rule_of(
            "a=1 | frobnicate | `nope` | foreach * [eval x=1]",
            &Macros::default(),
        );
        assert!(out.notes.iter().any(|n| n.contains("frobnicate")));
        assert!(out.notes.iter().any(|n| n.contains("`nope`")));
        assert!(out.notes.iter().any(|n| n.contains("foreach")));
    }

    #[test]
    fn hostile_searches_never_panic() {
        let nested = "| join x [".repeat(50) + "a=1";
        for text in [
            "",
            "|",
            "||||",
            "[[[[",
            "]]]]",
            "| tstats",
            "| where",
            "| regex",
            "| rename as as as",
            "| join",
            "| append [",
            nested.as_str(),
            "`",
            "```",
            "\"",
            "| lookup OUTPUT",
            "| eval = , =",
        ] {
            analyse(text, &test_macros());
        }
    }
}

//! The normalised rule model every format parser produces and every aggregate
//! consumes. It is the one vocabulary shared by the CLI, the bundle and the page.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Who published a rule. `Local` marks rules a user dropped into the page.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    #[default]
    Sigma,
    Splunk,
    Elastic,
    Local,
}

impl Vendor {
    /// Every vendor, in display order.
    pub const ALL: [Vendor; 4] = [
        Vendor::Sigma,
        Vendor::Splunk,
        Vendor::Elastic,
        Vendor::Local,
    ];

    /// Lower-case identifier used in JSON, URLs and filters.
    pub fn key(self) -> &'static str {
        match self {
            Vendor::Sigma => "sigma",
            Vendor::Splunk => "splunk",
            Vendor::Elastic => "elastic",
            Vendor::Local => "local",
        }
    }

    /// Human label for headings ("Splunk 35 rules").
    pub fn label(self) -> &'static str {
        match self {
            Vendor::Sigma => "Sigma",
            Vendor::Splunk => "Splunk",
            Vendor::Elastic => "Elastic",
            Vendor::Local => "Local",
        }
    }

    /// Parses the identifier produced by [`Vendor::key`].
    pub fn from_key(key: &str) -> Option<Vendor> {
        Vendor::ALL.into_iter().find(|v| v.key() == key)
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a predicate compares a field with its value (DESIGN.md, "Normalised
/// predicate — semantics").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Exact comparison (case-insensitive where the language is).
    Eq,
    /// `*`/`?` glob.
    Wildcard,
    /// Regular expression.
    RegexMatch,
    /// Term or phrase matching (KQL `field:value`, EQL `:`).
    Match,
    /// CIDR network membership.
    Cidr,
    Gt,
    Gte,
    Lt,
    Lte,
    /// Field presence; the value is `true` or `false`.
    Exists,
    /// Comparison with another field; the value names that field.
    Fieldref,
}

impl Op {
    /// Every operator, in display order.
    pub const ALL: [Op; 11] = [
        Op::Eq,
        Op::Wildcard,
        Op::RegexMatch,
        Op::Match,
        Op::Cidr,
        Op::Gt,
        Op::Gte,
        Op::Lt,
        Op::Lte,
        Op::Exists,
        Op::Fieldref,
    ];

    /// The snake_case name used in JSON and on the page.
    pub fn key(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Wildcard => "wildcard",
            Op::RegexMatch => "regex_match",
            Op::Match => "match",
            Op::Cidr => "cidr",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Lt => "lt",
            Op::Lte => "lte",
            Op::Exists => "exists",
            Op::Fieldref => "fieldref",
        }
    }

    /// Parses the name produced by [`Op::key`].
    pub fn from_key(key: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|o| o.key() == key)
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One normalised filter: `{field, canonical, op, value}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Predicate {
    /// The field as written in the rule; empty for a bare keyword search.
    pub field: String,
    /// The taxonomy's name for the field (see `rules/fields.toml`).
    pub canonical: String,
    pub op: Op,
    /// The value as the author wrote it, escapes resolved.
    pub value: String,
    /// The value normalised for comparison across rules and vendors.
    pub norm: String,
    /// Modifier chain as written (Sigma `contains|windash`), for display.
    pub modifiers: Vec<String>,
}

impl Predicate {
    /// A predicate whose canonical field and comparison key are still to be
    /// filled in by [`crate::fields`]; parsers build predicates with this.
    pub fn new(field: impl Into<String>, op: Op, value: impl Into<String>) -> Predicate {
        let field = field.into();
        let value = value.into();
        Predicate {
            canonical: field.clone(),
            norm: value.clone(),
            field,
            op,
            value,
            modifiers: Vec::new(),
        }
    }

    /// Adds a modifier chain for display.
    pub fn with_modifiers(mut self, modifiers: Vec<String>) -> Predicate {
        self.modifiers = modifiers;
        self
    }

    /// The key under which indicators are compared across rules.
    pub fn key(&self) -> (&str, Op, &str) {
        (&self.canonical, self.key_op(), &self.norm)
    }

    /// The op as compared: for the string family (`eq`, `match`,
    /// `wildcard`) `norm` is a glob pattern (see `crate::fields`), so the
    /// comparison is `wildcard` when it holds a `*` and `eq` otherwise; other
    /// ops compare as written. `op` itself stays as written, for display.
    pub fn key_op(&self) -> Op {
        match self.op {
            Op::Eq | Op::Match | Op::Wildcard if self.norm.contains('*') => Op::Wildcard,
            Op::Eq | Op::Match | Op::Wildcard => Op::Eq,
            op => op,
        }
    }
}

/// A parsed boolean expression over predicates, as parsers build it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Pred(Predicate),
    /// A part the parser kept but could not turn into predicates (shown as text).
    Opaque(String),
}

/// The rule's logic as stored: the tree of [`Expr`] with the predicates
/// replaced by indices into [`Rule::predicates`] or [`Rule::exclusions`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Logic {
    And(Vec<Logic>),
    Or(Vec<Logic>),
    Not(Box<Logic>),
    /// Index into `Rule::predicates`.
    Pred(u32),
    /// Index into `Rule::exclusions`.
    Excl(u32),
    Opaque(String),
}

/// A data-source selector: not an event filter, kept apart (Sigma logsource,
/// Splunk index/sourcetype/macro, Elastic index pattern or event category).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DataSource {
    /// What kind of selector: `logsource.category`, `index`, `sourcetype`,
    /// `macro`, `event.category`, `data_source`, …
    pub kind: String,
    pub value: String,
}

/// What kind of rule this is: plain detections, Sigma correlation and filter
/// rules, Elastic threshold rules and so on, as the source names them.
pub type RuleType = String;

/// One detection rule, normalised.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub vendor: Vendor,
    /// Upstream id (Sigma `id`, Splunk `id`, Elastic `rule_id`).
    pub id: String,
    pub title: String,
    /// Path of the source file relative to the corpus root (or the dropped name).
    pub path: String,
    pub description: String,
    pub author: String,
    pub date: String,
    pub modified: String,
    /// Sigma status, Splunk status, Elastic maturity.
    pub status: String,
    /// Sigma level, Elastic severity, Splunk risk/impact label.
    pub level: String,
    /// Rule type as the source names it (`detection`, `correlation`, `filter`,
    /// `TTP`, `eql`, `threshold`, …).
    pub rule_type: RuleType,
    /// Query language of `query` (`sigma`, `spl`, `kql`, `eql`, `esql`, `lucene`).
    pub language: String,
    /// ATT&CK technique ids (`T1059`, `T1059.001`), upper case, deduplicated.
    pub techniques: Vec<String>,
    pub tags: Vec<String>,
    pub references: Vec<String>,
    /// Platforms the rule targets (Sigma product, Elastic OS tags, …).
    pub platforms: Vec<String>,
    pub sources: Vec<DataSource>,
    /// Positive predicates (even number of negations), deduplicated.
    pub predicates: Vec<Predicate>,
    /// Exclusions (odd number of negations), deduplicated.
    pub exclusions: Vec<Predicate>,
    /// Conditions on computed fields and threshold parameters.
    pub thresholds: Vec<Predicate>,
    /// The logic tree, indexing into `predicates` and `exclusions`.
    pub logic: Option<Logic>,
    /// The original detection text (Sigma `detection`, SPL search, query).
    pub query: String,
    pub license: String,
    /// Link to the upstream file, if the source is public.
    pub url: String,
    /// What the parser did not fully understand, for a visible note.
    pub notes: Vec<String>,
    /// Deprecated or revoked upstream; hidden by default.
    pub deprecated: bool,
    /// Dropped into the page by the user; never leaves the machine.
    pub local: bool,
}

impl Rule {
    /// Fills `predicates`, `exclusions` and `logic` from a parsed expression:
    /// a predicate under an odd number of `Not`s is an exclusion.
    pub fn set_logic(&mut self, expr: Expr) {
        let mut builder = LogicBuilder::default();
        let logic = builder.build(expr, false);
        self.predicates = builder.predicates;
        self.exclusions = builder.exclusions;
        self.logic = Some(logic);
    }

    /// Every predicate and exclusion, mutable, so the field taxonomy can fill
    /// in canonical names and comparison keys after parsing.
    pub fn all_predicates_mut(&mut self) -> impl Iterator<Item = &mut Predicate> {
        self.predicates
            .iter_mut()
            .chain(self.exclusions.iter_mut())
            .chain(self.thresholds.iter_mut())
    }
}

/// Turns an [`Expr`] into a [`Logic`] while collecting deduplicated
/// predicates and exclusions by polarity.
#[derive(Default)]
struct LogicBuilder {
    predicates: Vec<Predicate>,
    exclusions: Vec<Predicate>,
    /// Index of each distinct predicate per polarity (`true` = exclusion),
    /// so deduplication stays linear in the rule's size.
    seen: std::collections::HashMap<(bool, Predicate), u32>,
}

impl LogicBuilder {
    fn build(&mut self, expr: Expr, negated: bool) -> Logic {
        match expr {
            Expr::And(items) => {
                Logic::And(items.into_iter().map(|e| self.build(e, negated)).collect())
            }
            Expr::Or(items) => {
                Logic::Or(items.into_iter().map(|e| self.build(e, negated)).collect())
            }
            Expr::Not(inner) => Logic::Not(Box::new(self.build(*inner, !negated))),
            Expr::Opaque(text) => Logic::Opaque(text),
            Expr::Pred(p) => {
                let list = if negated {
                    &mut self.exclusions
                } else {
                    &mut self.predicates
                };
                let index = *self.seen.entry((negated, p)).or_insert_with_key(|(_, p)| {
                    list.push(p.clone());
                    (list.len() - 1) as u32
                });
                if negated {
                    Logic::Excl(index)
                } else {
                    Logic::Pred(index)
                }
            }
        }
    }
}

/// An ATT&CK tactic (a matrix column).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tactic {
    /// `TA0002`.
    pub id: String,
    /// `execution`, as used in kill-chain phases.
    pub shortname: String,
    pub name: String,
    pub description: String,
}

/// One reference cited by an ATT&CK description.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    pub source: String,
    pub description: String,
    pub url: String,
}

/// An ATT&CK detection strategy with its analytics (ATT&CK v18).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DetectionStrategy {
    /// `DET0001`.
    pub id: String,
    pub name: String,
    pub analytics: Vec<Analytic>,
}

/// An ATT&CK analytic inside a detection strategy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analytic {
    /// `AN0001`.
    pub id: String,
    pub name: String,
    pub platforms: Vec<String>,
    pub description: String,
}

/// An ATT&CK technique or sub-technique.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Technique {
    /// `T1059` or `T1059.001`.
    pub id: String,
    pub name: String,
    /// Tactic shortnames, in matrix order.
    pub tactics: Vec<String>,
    pub platforms: Vec<String>,
    /// Description with `(Citation: X)` replaced by `[n]` markers.
    pub description: String,
    /// The references the `[n]` markers point at, in order.
    pub citations: Vec<Citation>,
    /// Parent technique id for a sub-technique.
    pub parent: Option<String>,
    /// Sub-technique ids, sorted.
    pub subtechniques: Vec<String>,
    pub url: String,
    pub revoked: bool,
    pub deprecated: bool,
    pub detection_strategies: Vec<DetectionStrategy>,
}

impl Technique {
    /// Hidden by default: revoked or deprecated upstream.
    pub fn is_retired(&self) -> bool {
        self.revoked || self.deprecated
    }
}

/// A per-file failure: parsers never panic, they return this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    pub path: String,
    /// 1-based line, where known.
    pub line: Option<u32>,
    /// 1-based column, where known.
    pub column: Option<u32>,
    /// What went wrong, in words a rule author can act on.
    pub reason: String,
}

impl ParseError {
    /// An error for `path` without a position.
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> ParseError {
        ParseError {
            path: path.into(),
            line: None,
            column: None,
            reason: reason.into(),
        }
    }

    /// Adds a 1-based line and column.
    pub fn at(mut self, line: u32, column: u32) -> ParseError {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{}:{}: {}", self.path, l, c, self.reason),
            (Some(l), None) => write!(f, "{}:{}: {}", self.path, l, self.reason),
            _ => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}

/// What a parser returns for one file: the rules it read, or why not.
pub type FileResult = Result<Vec<Rule>, ParseError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_negations_are_exclusions_and_even_are_predicates() {
        let a = Predicate::new("Image", Op::Wildcard, "*\\cmd.exe");
        let b = Predicate::new("User", Op::Eq, "SYSTEM");
        let c = Predicate::new("ParentImage", Op::Eq, "x");
        let expr = Expr::And(vec![
            Expr::Pred(a.clone()),
            Expr::Not(Box::new(Expr::Or(vec![
                Expr::Pred(b.clone()),
                Expr::Not(Box::new(Expr::Pred(c.clone()))),
            ]))),
            Expr::Pred(a.clone()),
        ]);
        let mut rule = Rule::default();
        rule.set_logic(expr);
        assert_eq!(rule.predicates, vec![a, c]);
        assert_eq!(rule.exclusions, vec![b]);
        assert_eq!(
            rule.logic,
            Some(Logic::And(vec![
                Logic::Pred(0),
                Logic::Not(Box::new(Logic::Or(vec![
                    Logic::Excl(0),
                    Logic::Not(Box::new(Logic::Pred(1))),
                ]))),
                Logic::Pred(0),
            ]))
        );
    }

    #[test]
    fn string_comparisons_key_by_their_pattern() {
        let mut p = Predicate::new("process.name", Op::Match, "cmd.exe");
        assert_eq!(p.key(), ("process.name", Op::Eq, "cmd.exe"));
        p.op = Op::Wildcard;
        assert_eq!(p.key_op(), Op::Eq);
        p.norm = "*cmd*".into();
        assert_eq!(p.key_op(), Op::Wildcard);
        p.op = Op::RegexMatch;
        assert_eq!(p.key_op(), Op::RegexMatch);
    }

    #[test]
    fn vendor_and_op_keys_round_trip() {
        for v in Vendor::ALL {
            assert_eq!(Vendor::from_key(v.key()), Some(v));
        }
        for o in Op::ALL {
            assert_eq!(Op::from_key(o.key()), Some(o));
        }
    }
}

//! Helpers shared by the Elastic integration tests: where the corpus is,
//! which files it holds, and recall/precision over predicate tuples.

#![allow(dead_code)]

use rulescope::formats::elastic;
use rulescope::model::{Predicate, Rule};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `(field, op, value, negated)`: one predicate (false) or exclusion (true).
pub type Tuple = (String, String, String, bool);

/// The corpus root: `RULESCOPE_CORPUS`, else `../shared/corpus`; `None`
/// (with a printed notice) when the folder is missing.
pub fn corpus_root() -> Option<PathBuf> {
    let root = std::env::var_os("RULESCOPE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if root.join("elastic").is_dir() {
        Some(root)
    } else {
        println!(
            "corpus not found at {}: skipping Elastic corpus test",
            root.display()
        );
        None
    }
}

/// Every rule file under `elastic/rules` and `elastic/rules_building_block`,
/// as paths relative to the corpus root, sorted.
pub fn rule_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for top in ["elastic/rules", "elastic/rules_building_block"] {
        collect(root, &root.join(top), &mut out);
    }
    out.sort();
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
}

/// Parses one corpus file into its single rule.
pub fn parse(root: &Path, rel: &str) -> Rule {
    let text = std::fs::read_to_string(root.join(rel)).expect("corpus file is readable");
    let mut rules = elastic::parse(rel, &text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rules.len(), 1, "{rel}: one rule per file");
    rules.remove(0)
}

fn tuple(p: &Predicate, negated: bool) -> Tuple {
    (
        p.field.clone(),
        p.op.key().to_string(),
        p.value.clone(),
        negated,
    )
}

/// The rule's predicates and exclusions as tuples.
pub fn tuples(rule: &Rule) -> BTreeSet<Tuple> {
    rule.predicates
        .iter()
        .map(|p| tuple(p, false))
        .chain(rule.exclusions.iter().map(|p| tuple(p, true)))
        .collect()
}

/// Micro-averaged agreement between expected and found tuples.
#[derive(Debug, Default)]
pub struct Score {
    pub expected: usize,
    pub found: usize,
    pub matched: usize,
    pub rules: usize,
    pub exact_rules: usize,
}

impl Score {
    /// Adds one rule; returns the tuples missed and the extra ones found.
    pub fn add(
        &mut self,
        expected: &BTreeSet<Tuple>,
        found: &BTreeSet<Tuple>,
    ) -> (Vec<Tuple>, Vec<Tuple>) {
        self.rules += 1;
        self.expected += expected.len();
        self.found += found.len();
        self.matched += expected.intersection(found).count();
        if expected == found {
            self.exact_rules += 1;
        }
        (
            expected.difference(found).cloned().collect(),
            found.difference(expected).cloned().collect(),
        )
    }

    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.expected)
    }

    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.found)
    }

    /// One line for the test log.
    pub fn report(&self, label: &str) -> String {
        format!(
            "{label}: {} rules ({} exact), {} expected, {} found, {} matched: recall {:.4}, precision {:.4}",
            self.rules,
            self.exact_rules,
            self.expected,
            self.found,
            self.matched,
            self.recall(),
            self.precision()
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

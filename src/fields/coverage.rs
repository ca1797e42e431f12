//! How much of a corpus the taxonomy understands: the share of predicate
//! occurrences on a known field per vendor, and the most used fields it does
//! not know yet (`rulescope stats --unmapped`).

use super::context::{dialect, RuleContext};
use super::taxonomy::{taxonomy, Taxonomy};
use crate::model::{Predicate, Rule, Vendor};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Predicate occurrences (predicates and exclusions) of one vendor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Occurrences on a named field.
    pub fields: u32,
    /// Of those, occurrences whose field the taxonomy maps.
    pub mapped: u32,
    /// Bare keyword searches (no field at all), not counted above.
    pub keywords: u32,
}

impl Coverage {
    /// Mapped share of field occurrences, 0 to 1 (1 when there are none).
    pub fn share(&self) -> f64 {
        if self.fields == 0 {
            1.0
        } else {
            f64::from(self.mapped) / f64::from(self.fields)
        }
    }
}

/// A field the taxonomy does not know, with how much it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmappedField {
    pub vendor: Vendor,
    /// The field as written.
    pub field: String,
    /// Rules that use it.
    pub rules: u32,
    /// Predicate occurrences on it.
    pub occurrences: u32,
}

/// Whether the taxonomy knows `field` as written in `rule` (its vendor's
/// spelling, in its context).
pub fn is_mapped(rule: &Rule, field: &str) -> bool {
    let t = taxonomy();
    let ctx = RuleContext::of(rule, t);
    t.resolve(dialect(rule), &ctx, field).mapped
}

/// Each rule's filter predicates (not thresholds) with the rule's index and
/// whether each is mapped.
fn visit(rules: &[Rule], mut f: impl FnMut(usize, &Rule, &Predicate, bool)) {
    let t: &Taxonomy = taxonomy();
    for (i, rule) in rules.iter().enumerate() {
        let ctx = RuleContext::of(rule, t);
        let d = dialect(rule);
        for p in rule.predicates.iter().chain(&rule.exclusions) {
            let mapped = !p.field.is_empty() && t.resolve(d, &ctx, &p.field).mapped;
            f(i, rule, p, mapped);
        }
    }
}

/// Mapped share of predicate occurrences per vendor.
pub fn coverage(rules: &[Rule]) -> BTreeMap<Vendor, Coverage> {
    let mut out: BTreeMap<Vendor, Coverage> = BTreeMap::new();
    visit(rules, |_, rule, p, mapped| {
        let c = out.entry(rule.vendor).or_default();
        if p.field.is_empty() {
            c.keywords += 1;
        } else {
            c.fields += 1;
            c.mapped += u32::from(mapped);
        }
    });
    out
}

/// The `limit` most used unmapped fields of each vendor, by rules using
/// them, then occurrences, then name.
pub fn top_unmapped(rules: &[Rule], limit: usize) -> Vec<UnmappedField> {
    // (rules, occurrences, index of the last rule counted)
    let mut counts: HashMap<(Vendor, String), (u32, u32, usize)> = HashMap::new();
    visit(rules, |i, rule, p, mapped| {
        if mapped || p.field.is_empty() {
            return;
        }
        let e = counts
            .entry((rule.vendor, p.field.clone()))
            .or_insert((0, 0, usize::MAX));
        if e.2 != i {
            e.0 += 1;
            e.2 = i;
        }
        e.1 += 1;
    });
    let mut all: Vec<UnmappedField> = counts
        .into_iter()
        .map(|((vendor, field), (rules, occurrences, _))| UnmappedField {
            vendor,
            field,
            rules,
            occurrences,
        })
        .collect();
    all.sort_by(|a, b| {
        a.vendor
            .cmp(&b.vendor)
            .then(b.rules.cmp(&a.rules))
            .then(b.occurrences.cmp(&a.occurrences))
            .then_with(|| a.field.cmp(&b.field))
    });
    let mut per_vendor: BTreeMap<Vendor, usize> = BTreeMap::new();
    all.retain(|u| {
        let n = per_vendor.entry(u.vendor).or_default();
        *n += 1;
        *n <= limit
    });
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataSource, Op};

    fn rule(vendor: Vendor, fields: &[&str]) -> Rule {
        Rule {
            vendor,
            sources: vec![DataSource {
                kind: "logsource.category".into(),
                value: "process_creation".into(),
            }],
            predicates: fields
                .iter()
                .map(|f| Predicate::new(*f, Op::Eq, "x"))
                .collect(),
            ..Rule::default()
        }
    }

    #[test]
    fn coverage_counts_occurrences_and_keywords_apart() {
        let rules = vec![
            rule(Vendor::Sigma, &["Image", "CommandLine", "Bogus", ""]),
            rule(Vendor::Sigma, &["Bogus"]),
        ];
        let c = &coverage(&rules)[&Vendor::Sigma];
        assert_eq!((c.fields, c.mapped, c.keywords), (4, 2, 1));
        assert!((c.share() - 0.5).abs() < 1e-9);
        assert!(is_mapped(&rules[0], "Image"));
        assert!(!is_mapped(&rules[0], "Bogus"));
    }

    #[test]
    fn top_unmapped_counts_rules_once() {
        let mut twice = rule(Vendor::Sigma, &["Bogus"]);
        twice.exclusions.push(Predicate::new("Bogus", Op::Eq, "y"));
        let rules = vec![twice, rule(Vendor::Sigma, &["Bogus", "Other"])];
        let top = top_unmapped(&rules, 1);
        assert_eq!(top.len(), 1);
        assert_eq!(
            (top[0].field.as_str(), top[0].rules, top[0].occurrences),
            ("Bogus", 2, 3)
        );
    }
}

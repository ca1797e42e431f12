//! The canonical field taxonomy and value normalisation: what makes Sigma
//! `Image`, Elastic `process.name` and Splunk `process_name` one row.

use crate::model::{Predicate, Rule};

/// Fills in `canonical` and `norm` on every predicate of a rule.
pub fn normalise_rule(rule: &mut Rule) {
    for p in rule.all_predicates_mut() {
        normalise_predicate(p);
    }
}

/// Fills in `canonical` and `norm` for one predicate.
pub fn normalise_predicate(p: &mut Predicate) {
    p.canonical = p.field.clone();
    p.norm = p.value.to_lowercase();
}

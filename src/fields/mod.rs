//! The canonical field taxonomy and value normalisation: what makes Sigma
//! `Image|endswith: '\cmd.exe'`, Elastic `process.name : "cmd.exe"` and
//! Splunk `process_name=cmd.exe` one indicator on one row.
//!
//! # How indicators compare (note for parsers and the catalog)
//!
//! After parsing, [`normalise_rule`] fills in, on every predicate:
//! - `canonical`: the taxonomy's field (`rules/fields.toml`), chosen by the
//!   rule's dialect and context ([`RuleContext`]); unknown fields stay as
//!   written.
//! - `norm`: the value's comparison form. For the string comparisons (`eq`,
//!   `match`, `wildcard`) `norm` is a glob pattern: case-folded, runs of `*`
//!   collapsed, registry hives spelled one way, a term match on analysed
//!   text written as `*term*`, and a path pattern that only fixes the last
//!   component (`*\cmd.exe`) rewritten as that component on the path's name
//!   field (`process.executable` → `process.name`, likewise parent process,
//!   file, DLL and registry value). Hashes move to their algorithm's field.
//!
//! `field`, `op` and `value` stay exactly as written, for display and for
//! the operator mix of a field row. Because the op of the string family is
//! then carried by `norm` (a pattern with `*` is a wildcard, one without is
//! an equality), the indicator key is `(canonical, key_op, norm)` with
//! `key_op` = [`crate::model::Predicate::key_op`]; `eq`, `match` and a
//! wildcard without `*` are one comparison. Other ops key as written.

mod context;
mod coverage;
mod taxonomy;
mod value;

pub use context::{dialect, RuleContext};
pub use coverage::{coverage, is_mapped, top_unmapped, Coverage, UnmappedField};
pub use taxonomy::{lookup_key, taxonomy, FieldDef, Resolved, Taxonomy};
pub use value::{folds_case, normalise as normalise_value, NormValue};

use crate::model::{Op, Predicate, Rule, Vendor};

/// Fills in `canonical` and `norm` on every predicate, exclusion and
/// threshold of a rule. The corpus loader and the drop importer call this
/// on every parsed rule.
pub fn normalise_rule(rule: &mut Rule) {
    let t = taxonomy();
    let ctx = RuleContext::of(rule, t);
    let d = dialect(rule);
    for p in rule.all_predicates_mut() {
        normalise_predicate(p, d, &ctx, t);
    }
}

/// Fills in `canonical` and `norm` for one predicate of a rule written in
/// `dialect` with context `ctx`.
pub fn normalise_predicate(p: &mut Predicate, dialect: Vendor, ctx: &RuleContext, t: &Taxonomy) {
    let resolved = t.resolve(dialect, ctx, &p.field);
    let v = value::normalise(p, resolved.def);
    p.canonical = v.canonical.unwrap_or(resolved.canonical);
    p.norm = if p.op == Op::Fieldref {
        t.resolve(dialect, ctx, &p.value).canonical
    } else {
        v.norm
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataSource, Expr};

    fn rule(
        vendor: Vendor,
        language: &str,
        sources: &[(&str, &str)],
        preds: Vec<Predicate>,
    ) -> Rule {
        let mut r = Rule {
            vendor,
            language: language.into(),
            sources: sources
                .iter()
                .map(|(k, v)| DataSource {
                    kind: (*k).into(),
                    value: (*v).into(),
                })
                .collect(),
            ..Rule::default()
        };
        r.set_logic(Expr::And(preds.into_iter().map(Expr::Pred).collect()));
        normalise_rule(&mut r);
        r
    }

    #[test]
    fn one_indicator_written_three_ways_has_one_key() {
        let sigma = rule(
            Vendor::Sigma,
            "sigma",
            &[
                ("logsource.category", "process_creation"),
                ("logsource.product", "windows"),
            ],
            vec![Predicate::new("Image", Op::Wildcard, "*\\cmd.exe")],
        );
        let splunk = rule(
            Vendor::Splunk,
            "spl",
            &[("data_source", "Sysmon EventID 1")],
            vec![Predicate::new("Processes.process_name", Op::Eq, "CMD.EXE")],
        );
        let elastic = rule(
            Vendor::Elastic,
            "eql",
            &[("event.category", "process")],
            vec![Predicate::new("process.name", Op::Match, "cmd.exe")],
        );
        let keys: Vec<_> = [&sigma, &splunk, &elastic]
            .iter()
            .map(|r| r.predicates[0].key())
            .collect();
        assert_eq!(keys[0], ("process.name", Op::Eq, "cmd.exe"));
        assert_eq!(keys[0], keys[1]);
        assert_eq!(keys[1], keys[2]);
        // As written, for display.
        assert_eq!(sigma.predicates[0].field, "Image");
        assert_eq!(sigma.predicates[0].op, Op::Wildcard);
        assert_eq!(sigma.predicates[0].value, "*\\cmd.exe");
    }

    #[test]
    fn fieldref_values_name_canonical_fields() {
        let r = rule(
            Vendor::Sigma,
            "sigma",
            &[],
            vec![Predicate::new("ParentImage", Op::Fieldref, "Image")],
        );
        assert_eq!(r.predicates[0].canonical, "process.parent.executable");
        assert_eq!(r.predicates[0].norm, "process.executable");
    }
}

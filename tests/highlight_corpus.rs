//! The rule page's highlighter over every rule of the corpus: the spans
//! cover each rule's text exactly, and each language's marks show up where
//! that language puts them.

use rulescope::catalog::{highlight, Lang, Token};
use rulescope::model::Vendor;
use std::collections::BTreeMap;
use std::time::Instant;

mod sigma_support;

#[test]
fn every_rule_text_is_covered_and_marked() {
    let Some(root) = sigma_support::corpus_dir() else {
        return;
    };
    let (data, _) = rulescope::corpus::load_catalog(&root, false).unwrap();
    let started = Instant::now();
    // Per language: rules, rules with a field mark, rules with a keyword.
    let mut seen: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
    let mut bytes = 0;
    for rule in &data.rules {
        let spans = highlight(&rule.query, Lang::of(&rule.language));
        let joined: String = spans.iter().map(|s| s.text).collect();
        assert_eq!(joined, rule.query, "{} is not covered exactly", rule.path);
        bytes += rule.query.len();
        let has = |kind: Token| spans.iter().any(|s| s.kind == kind);
        let entry = seen.entry(rule.language.clone()).or_default();
        entry.0 += 1;
        entry.1 += u32::from(has(Token::Field));
        entry.2 += u32::from(has(Token::Keyword));
        if rule.vendor == Vendor::Sigma && rule.rule_type == "detection" {
            assert!(
                spans
                    .first()
                    .is_some_and(|s| s.kind == Token::Key && s.text == "detection"),
                "{}: the Sigma block starts with its key",
                rule.path
            );
        }
    }
    println!(
        "highlighted {} rules ({bytes} bytes) in {:?}: {seen:?}",
        data.rules.len(),
        started.elapsed()
    );
    for (language, (rules, fields, keywords)) in &seen {
        if matches!(language.as_str(), "sigma" | "spl" | "eql" | "kql" | "esql") {
            assert!(
                *fields * 10 >= *rules * 9,
                "{language}: fields marked in only {fields} of {rules} rules"
            );
            assert!(*keywords > 0, "{language}: no keyword marked");
        }
    }
}

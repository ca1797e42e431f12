//! The whole Elastic corpus: every rule file parses, every query is read
//! without a hard error, and the rules per technique equal the
//! `[[rule.threat]]` mappings in the TOML files.

mod elastic_support;

use elastic_support::{corpus_root, rule_files};
use rulescope::formats::elastic;
use rulescope::model::Rule;
use std::collections::BTreeMap;
use std::time::Instant;

/// One corpus file: its relative path, its text and the rule read from it.
type Loaded = (String, String, Rule);

fn load_all() -> Option<Vec<Loaded>> {
    let root = corpus_root()?;
    let files = rule_files(&root);
    let texts: Vec<(String, String)> = files
        .into_iter()
        .map(|rel| {
            let text = std::fs::read_to_string(root.join(&rel)).expect("readable");
            (rel, text)
        })
        .collect();
    let started = Instant::now();
    let mut out = Vec::new();
    for (rel, text) in texts {
        let mut rules = elastic::parse(&rel, &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rules.len(), 1, "{rel}");
        out.push((rel, text, rules.remove(0)));
    }
    println!(
        "parsed {} Elastic rule files in {:?}",
        out.len(),
        started.elapsed()
    );
    Some(out)
}

#[test]
fn every_query_is_read_without_a_hard_error() {
    let Some(rules) = load_all() else { return };
    assert!(
        rules.len() >= 2000,
        "expected the full corpus, found {}",
        rules.len()
    );
    let mut per_language: BTreeMap<String, (usize, usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (rel, _, rule) in &rules {
        let language = if rule.query.is_empty() {
            format!("none ({})", rule.rule_type)
        } else {
            rule.language.clone()
        };
        let entry = per_language.entry(language).or_default();
        entry.0 += 1;
        entry.1 += usize::from(!rule.notes.is_empty());
        entry.2 += rule.predicates.len() + rule.exclusions.len();
        entry.3 += usize::from(rule.deprecated);
        for note in &rule.notes {
            println!("note {rel}: {note}");
            if note.starts_with("query not parsed") || note.contains("is not parsed") {
                failures.push(format!("{rel}: {note}"));
            }
        }
        if !rule.query.is_empty() && rule.logic.is_none() && rule.thresholds.is_empty() {
            failures.push(format!("{rel}: a query without any logic"));
        }
    }
    for (language, (count, noted, preds, deprecated)) in &per_language {
        println!("{language}: {count} rules ({deprecated} deprecated), {noted} with notes, {preds} predicates + exclusions");
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let ml = per_language
        .get("none (machine_learning)")
        .map_or(0, |c| c.0);
    assert!(ml >= 100, "machine-learning rules are listed: {ml}");
}

/// Technique ids of one file, read straight from the TOML tree.
fn mapped_techniques(text: &str) -> Vec<String> {
    let doc: toml::Table = toml::from_str(text).expect("valid TOML");
    let mut ids: Vec<String> = Vec::new();
    let threats = doc
        .get("rule")
        .and_then(|r| r.get("threat"))
        .and_then(|t| t.as_array())
        .cloned()
        .unwrap_or_default();
    for threat in threats {
        for technique in threat
            .get("technique")
            .and_then(|t| t.as_array())
            .into_iter()
            .flatten()
        {
            let subs = technique
                .get("subtechnique")
                .and_then(|s| s.as_array())
                .cloned()
                .unwrap_or_default();
            for item in std::iter::once(technique).chain(subs.iter()) {
                if let Some(id) = item.get("id").and_then(|i| i.as_str()) {
                    let id = id.to_ascii_uppercase();
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
        }
    }
    ids
}

#[test]
fn rules_per_technique_equal_the_threat_mappings() {
    let Some(rules) = load_all() else { return };
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for (_, text, rule) in &rules {
        for id in mapped_techniques(text) {
            *expected.entry(id).or_default() += 1;
        }
        for id in &rule.techniques {
            *found.entry(id.clone()).or_default() += 1;
        }
    }
    println!(
        "{} techniques, {} rule-technique mappings",
        expected.len(),
        expected.values().sum::<usize>()
    );
    assert!(
        expected.len() > 300,
        "expected hundreds of mapped techniques"
    );
    assert_eq!(found, expected);
    let t1059 = found.get("T1059.001").copied().unwrap_or_default();
    assert!(t1059 > 10, "PowerShell rules are mapped: {t1059}");
}

//! Hand-checked expected predicates and exclusions for a fixed sample of KQL
//! and ES|QL rules and the Lucene rule (`tests/golden/elastic/*.json`, each
//! entry naming its corpus path): recall and precision per language must be
//! at least 0.97.

mod elastic_support;

use elastic_support::{corpus_root, parse, tuples, Score, Tuple};
use std::collections::BTreeSet;
use std::path::Path;

fn expected(entry: &serde_json::Value) -> BTreeSet<Tuple> {
    let mut out = BTreeSet::new();
    for (key, negated) in [("predicates", false), ("exclusions", true)] {
        for t in entry[key].as_array().into_iter().flatten() {
            let s = |i: usize| t[i].as_str().unwrap_or_default().to_string();
            out.insert((s(0), s(1), s(2), negated));
        }
    }
    out
}

fn check(language: &str, minimum_rules: usize) {
    let Some(root) = corpus_root() else { return };
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/elastic/{language}.json"));
    let text = std::fs::read_to_string(&file).expect("golden file is readable");
    let golden: serde_json::Value = serde_json::from_str(&text).expect("golden file is JSON");
    let mut score = Score::default();
    let mut threshold_misses = 0;
    for entry in golden["rules"].as_array().expect("rules array") {
        let path = entry["path"].as_str().expect("path");
        let rule = parse(&root, path);
        assert_eq!(rule.language, language, "{path}");
        let (missed, extra) = score.add(&expected(entry), &tuples(&rule));
        if !missed.is_empty() || !extra.is_empty() {
            println!("{path}\n  missed {missed:?}\n  extra  {extra:?}");
        }
        if let Some(thresholds) = entry["thresholds"].as_array() {
            let want: BTreeSet<(String, String, String)> = thresholds
                .iter()
                .map(|t| {
                    let s = |i: usize| t[i].as_str().unwrap_or_default().to_string();
                    (s(0), s(1), s(2))
                })
                .collect();
            let got: BTreeSet<(String, String, String)> = rule
                .thresholds
                .iter()
                .map(|p| (p.field.clone(), p.op.key().to_string(), p.value.clone()))
                .collect();
            if want != got {
                threshold_misses += 1;
                println!("{path}: thresholds differ\n  want {want:?}\n  got  {got:?}");
            }
        }
    }
    println!("{}", score.report(&format!("{language} golden")));
    assert!(
        score.rules >= minimum_rules,
        "{language}: only {} golden rules",
        score.rules
    );
    assert!(score.recall() >= 0.97, "{}", score.report(language));
    assert!(score.precision() >= 0.97, "{}", score.report(language));
    assert_eq!(
        threshold_misses, 0,
        "{language}: thresholds differ from the golden file"
    );
}

#[test]
fn kql_sample_matches_hand_checked_predicates() {
    check("kql", 60);
}

#[test]
fn esql_sample_matches_hand_checked_predicates() {
    check("esql", 60);
}

#[test]
fn lucene_rule_matches_hand_checked_predicates() {
    check("lucene", 1);
}

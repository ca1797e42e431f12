//! Golden tests: real corpus rules (by corpus-relative path) and a few rule
//! shapes the corpus lacks (correlation, filter, multi-document, `exists`,
//! `1 of them`; in `tests/golden/sigma/fixtures/`), each with its expected
//! predicates, exclusions and thresholds in `tests/golden/sigma/*.json`.
//! `SIGMA_GOLDEN_BLESS=1` rewrites the expectations (then check them by hand).

mod sigma_support;

use pretty_assertions::assert_eq;
use rulescope::formats::sigma;
use rulescope::model::{Predicate, Rule};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sigma")
}

fn rows(predicates: &[Predicate]) -> Value {
    predicates
        .iter()
        .map(|p| json!([p.field, p.op.key(), p.value, p.modifiers.join("|")]))
        .collect()
}

fn describe(rule: &Rule) -> Value {
    json!({
        "title": rule.title,
        "rule_type": rule.rule_type,
        "techniques": rule.techniques,
        "sources": rule.sources.iter().map(|s| format!("{}={}", s.kind, s.value)).collect::<Vec<_>>(),
        "predicates": rows(&rule.predicates),
        "exclusions": rows(&rule.exclusions),
        "thresholds": rows(&rule.thresholds),
    })
}

#[test]
fn golden_rules_yield_their_expected_predicates() {
    let Some(corpus) = sigma_support::corpus_dir() else {
        return;
    };
    let bless = std::env::var_os("SIGMA_GOLDEN_BLESS").is_some();
    let mut files: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .expect("golden folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "expected at least 15 golden files");
    for golden in files {
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(&golden).expect("golden readable"))
                .expect("golden is JSON");
        let (rel, source) = match (expected["path"].as_str(), expected["fixture"].as_str()) {
            (Some(p), _) => (p.to_string(), corpus.join(p)),
            (None, Some(f)) => (f.to_string(), golden_dir().join(f)),
            _ => panic!("{}: needs 'path' or 'fixture'", golden.display()),
        };
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|e| panic!("{}: {e}", source.display()));
        let rules = sigma::parse(&rel, &text).unwrap_or_else(|e| panic!("{e}"));
        let actual: Vec<Value> = rules.iter().map(describe).collect();
        if bless {
            let mut out = expected.clone();
            out["rules"] = Value::Array(actual);
            let text = serde_json::to_string_pretty(&out).expect("serialisable");
            std::fs::write(&golden, text + "\n").expect("golden writable");
            continue;
        }
        assert_eq!(
            Value::Array(actual),
            expected["rules"],
            "{} ({})",
            golden.display(),
            expected["covers"]
        );
    }
}

//! Agreement of our EQL predicates and exclusions with Elastic's own `eql`
//! parser. `tests/oracle/elastic_agreement.sh` produces the reference JSONL
//! and runs this test with `ELASTIC_EQL_ORACLE` pointing at it; without the
//! variable the test only prints how to run it.

mod elastic_support;

use elastic_support::{corpus_root, parse, tuples, Score, Tuple};
use std::collections::BTreeSet;

#[test]
fn eql_rules_agree_with_the_eql_package() {
    let Some(root) = corpus_root() else { return };
    let Some(oracle) = std::env::var_os("ELASTIC_EQL_ORACLE") else {
        println!("ELASTIC_EQL_ORACLE not set: run tests/oracle/elastic_agreement.sh");
        return;
    };
    let text = std::fs::read_to_string(&oracle).expect("oracle JSONL is readable");
    let mut score = Score::default();
    let mut skipped = 0;
    let mut misses = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(line).expect("valid JSONL");
        let path = record["path"].as_str().expect("path");
        let Some(items) = record["items"].as_array() else {
            skipped += 1;
            continue;
        };
        let expected: BTreeSet<Tuple> = items
            .iter()
            .map(|i| {
                (
                    i[0].as_str().unwrap_or_default().to_string(),
                    i[1].as_str().unwrap_or_default().to_string(),
                    i[2].as_str().unwrap_or_default().to_string(),
                    i[3].as_bool().unwrap_or_default(),
                )
            })
            .collect();
        let rule = parse(&root, path);
        let (missed, extra) = score.add(&expected, &tuples(&rule));
        if !missed.is_empty() || !extra.is_empty() {
            misses.push(format!("{path}\n  missed {missed:?}\n  extra  {extra:?}"));
        }
    }
    for m in misses.iter().take(15) {
        println!("{m}");
    }
    println!("{} rules the eql package rejects were skipped", skipped);
    println!("{}", score.report("EQL vs eql package"));
    assert!(score.rules >= 60, "sample too small: {}", score.rules);
    assert!(score.recall() >= 0.97, "{}", score.report("EQL recall"));
    assert!(
        score.precision() >= 0.97,
        "{}",
        score.report("EQL precision")
    );
}

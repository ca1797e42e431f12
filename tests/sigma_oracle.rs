//! Agreement with pySigma: compares our predicates and exclusions with the
//! reference JSON Lines written by `tests/oracle/sigma_oracle.py` (path in
//! `SIGMA_ORACLE_JSONL`; run `tests/oracle/sigma_agreement.sh`). Recall and
//! precision are over (field, op, value) triples, per rule, summed over the
//! corpus.

mod sigma_support;

use rulescope::formats::sigma;
use serde_json::Value;
use sigma_support::Triple;
use std::collections::{BTreeSet, HashMap};

const MIN_RECALL: f64 = 0.98;
const MIN_PRECISION: f64 = 0.98;
const MIN_EXCLUSION_RECALL: f64 = 0.95;

/// Counts of one comparison: shared, only in the reference, only ours.
#[derive(Default)]
struct Tally {
    shared: usize,
    reference: usize,
    ours: usize,
}

impl Tally {
    fn add(&mut self, reference: &BTreeSet<Triple>, ours: &BTreeSet<Triple>) {
        self.shared += reference.intersection(ours).count();
        self.reference += reference.len();
        self.ours += ours.len();
    }

    fn recall(&self) -> f64 {
        ratio(self.shared, self.reference)
    }

    fn precision(&self) -> f64 {
        ratio(self.shared, self.ours)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn reference_set(record: &Value, key: &str) -> BTreeSet<Triple> {
    record[key]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|t| {
                    let t = t.as_array()?;
                    let s = |i: usize| t.get(i)?.as_str().map(str::to_string);
                    Some((s(0)?, s(1)?, s(2)?))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn predicates_agree_with_pysigma() {
    let Some(jsonl) = std::env::var_os("SIGMA_ORACLE_JSONL") else {
        println!(
            "NOTICE: SIGMA_ORACLE_JSONL not set; run tests/oracle/sigma_agreement.sh. Skipping."
        );
        return;
    };
    let Some(corpus) = sigma_support::corpus_dir() else {
        return;
    };
    let reference = std::fs::read_to_string(&jsonl).expect("oracle JSON Lines readable");

    let mut ours: HashMap<(String, usize), (BTreeSet<Triple>, BTreeSet<Triple>)> = HashMap::new();
    for (rel, path) in sigma_support::sigma_files(&corpus) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if let Ok(rules) = sigma::parse(&rel, &text) {
            for (i, rule) in rules.iter().enumerate() {
                let p = sigma_support::triples(&rule.predicates)
                    .into_iter()
                    .collect();
                let e = sigma_support::triples(&rule.exclusions)
                    .into_iter()
                    .collect();
                ours.insert((rel.clone(), i), (p, e));
            }
        }
    }

    let (mut predicates, mut exclusions) = (Tally::default(), Tally::default());
    let (mut compared, mut skipped) = (0usize, Vec::new());
    let mut differences = Vec::new();
    let empty = (BTreeSet::new(), BTreeSet::new());
    for line in reference.lines().filter(|l| !l.trim().is_empty()) {
        let record: Value = serde_json::from_str(line).expect("oracle line is JSON");
        let path = record["path"].as_str().unwrap_or_default().to_string();
        if let Some(error) = record["error"].as_str() {
            skipped.push(format!("{path}: {error}"));
            continue;
        }
        let index = record["index"].as_u64().unwrap_or(0) as usize;
        let (our_p, our_e) = ours.get(&(path.clone(), index)).unwrap_or(&empty);
        let (ref_p, ref_e) = (
            reference_set(&record, "predicates"),
            reference_set(&record, "exclusions"),
        );
        predicates.add(&ref_p, our_p);
        exclusions.add(&ref_e, our_e);
        compared += 1;
        for (kind, r, o) in [("predicate", &ref_p, our_p), ("exclusion", &ref_e, our_e)] {
            for t in r.difference(o) {
                differences.push(format!("{path}: {kind} only in pySigma: {t:?}"));
            }
            for t in o.difference(r) {
                differences.push(format!("{path}: {kind} only ours: {t:?}"));
            }
        }
    }

    println!(
        "pySigma agreement over {compared} rules ({} not readable by pySigma):",
        skipped.len()
    );
    for s in &skipped {
        println!("  skipped {s}");
    }
    println!(
        "  predicates: recall {:.4} precision {:.4} ({} shared, {} pySigma, {} ours)",
        predicates.recall(),
        predicates.precision(),
        predicates.shared,
        predicates.reference,
        predicates.ours
    );
    println!(
        "  exclusions: recall {:.4} precision {:.4} ({} shared, {} pySigma, {} ours)",
        exclusions.recall(),
        exclusions.precision(),
        exclusions.shared,
        exclusions.reference,
        exclusions.ours
    );
    println!("  {} differing triples; first ones:", differences.len());
    for d in differences.iter().take(40) {
        println!("    {d}");
    }

    assert!(compared > 3000, "only {compared} rules compared");
    assert!(
        predicates.recall() >= MIN_RECALL,
        "predicate recall below {MIN_RECALL}"
    );
    assert!(
        predicates.precision() >= MIN_PRECISION,
        "predicate precision below {MIN_PRECISION}"
    );
    assert!(
        exclusions.recall() >= MIN_EXCLUSION_RECALL,
        "exclusion recall below {MIN_EXCLUSION_RECALL}"
    );
}

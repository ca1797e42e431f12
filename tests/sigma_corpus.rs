//! Parses every Sigma rule of the corpus: how many parse, why the others do
//! not, how long it takes, and whether the result means what the rules say.

mod sigma_support;

use rulescope::formats::sigma;
use rulescope::model::{Op, Rule};
use std::time::Instant;

#[test]
fn the_whole_sigma_corpus_parses_with_meaning() {
    let Some(corpus) = sigma_support::corpus_dir() else {
        return;
    };
    let files = sigma_support::sigma_files(&corpus);
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(rel, path)| {
            (
                rel.clone(),
                std::fs::read_to_string(path).unwrap_or_default(),
            )
        })
        .collect();
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();

    let started = Instant::now();
    let results: Vec<_> = texts
        .iter()
        .map(|(rel, text)| (rel, sigma::parse(rel, text)))
        .collect();
    let elapsed = started.elapsed();

    let mut rules: Vec<&Rule> = Vec::new();
    let mut failures = Vec::new();
    for (rel, result) in &results {
        match result {
            Ok(found) => rules.extend(found.iter()),
            Err(e) => failures.push(format!("{rel}: {e}")),
        }
    }
    let predicates: usize = rules.iter().map(|r| r.predicates.len()).sum();
    let exclusions: usize = rules.iter().map(|r| r.exclusions.len()).sum();
    println!(
        "sigma corpus: {} files ({:.1} MB), {} rules, {} failures, {} predicates, {} exclusions, parsed in {:.1} ms",
        files.len(),
        bytes as f64 / 1e6,
        rules.len(),
        failures.len(),
        predicates,
        exclusions,
        elapsed.as_secs_f64() * 1000.0
    );
    for f in &failures {
        println!("  FAILED {f}");
    }

    assert!(
        files.len() > 3000,
        "expected ~3,950 Sigma files, found {}",
        files.len()
    );
    let parsed = files.len() - failures.len();
    assert!(
        parsed * 1000 >= files.len() * 995,
        "only {parsed} of {} files parsed",
        files.len()
    );
    assert!(
        predicates > 20_000,
        "only {predicates} predicates in the corpus"
    );
    assert!(
        exclusions > 3_000,
        "only {exclusions} exclusions in the corpus"
    );
    assert!(rules
        .iter()
        .all(|r| r.language == "sigma" && !r.title.is_empty()));
    let with_techniques = rules.iter().filter(|r| !r.techniques.is_empty()).count();
    assert!(
        with_techniques * 10 > rules.len() * 7,
        "few rules name a technique"
    );
    assert!(rules.iter().all(|r| r.query.starts_with("detection:")));

    let whoami = rules
        .iter()
        .find(|r| {
            r.path
                .ends_with("proc_creation_win_whoami_all_execution.yml")
        })
        .expect("the whoami rule is in the corpus");
    assert!(whoami.techniques.contains(&"T1033".to_string()));
    assert!(whoami
        .predicates
        .iter()
        .any(|p| p.field == "Image" && p.op == Op::Wildcard && p.value == "*\\whoami.exe"));
    assert!(whoami.predicates.iter().any(|p| p.field == "CommandLine"
        && p.op == Op::Wildcard
        && p.value == "* -all*"
        && p.modifiers == ["contains", "windash"]));
    assert!(whoami
        .sources
        .iter()
        .any(|s| s.kind == "logsource.category" && s.value == "process_creation"));
    let deprecated = rules.iter().filter(|r| r.deprecated).count();
    assert!(deprecated >= 150, "only {deprecated} deprecated rules");
}

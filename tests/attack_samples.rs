//! The hand-written ATT&CK sample in `rules/samples/attack` loads through the
//! same reader as the real corpus and covers every technique the sample
//! rules are tagged with.

use rulescope::attack;
use std::collections::BTreeSet;
use std::path::Path;

fn samples() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/samples"))
}

fn sample_attack() -> attack::Attack {
    attack::load_dir(&samples().join("attack")).expect("the ATT&CK sample loads")
}

#[test]
fn sample_has_the_matrix_tactics_and_its_collection_version() {
    let attack = sample_attack();
    assert_eq!(attack.version, "18.0");
    let shortnames: Vec<&str> = attack
        .tactics
        .iter()
        .map(|t| t.shortname.as_str())
        .collect();
    assert_eq!(shortnames.len(), 14);
    assert_eq!(shortnames.first(), Some(&"reconnaissance"));
    assert_eq!(shortnames.last(), Some(&"impact"));
    assert_eq!(attack.tactics[11].id, "TA0011");
}

#[test]
fn sample_techniques_link_parents_citations_and_strategies() {
    let attack = sample_attack();
    let ps = attack
        .technique("T1059.001")
        .expect("T1059.001 in the sample");
    assert_eq!(ps.name, "PowerShell");
    assert_eq!(ps.parent.as_deref(), Some("T1059"));
    assert_eq!(ps.tactics, ["execution"]);
    assert!(ps.description.contains("with encoding.[1]\n\n"));
    assert_eq!(ps.citations.len(), 1);
    assert_eq!(ps.citations[0].source, "rulescope PowerShell notes");
    assert!(ps.citations[0]
        .url
        .starts_with("https://learn.microsoft.com/"));
    let strategy = &ps.detection_strategies[0];
    assert_eq!(strategy.id, "DET9001");
    let analytics: Vec<&str> = strategy.analytics.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(analytics, ["AN9001", "AN9002"]);

    let task = attack
        .technique("T1053.005")
        .expect("T1053.005 in the sample");
    assert_eq!(task.tactics.len(), 3);
    assert_eq!(task.tactics[0], "execution");
    let cloud = attack
        .technique("T1586.003")
        .expect("T1586.003 in the sample");
    assert_eq!(cloud.tactics, ["resource-development"]);
    assert_eq!(
        attack.technique("T1586").map(|t| t.subtechniques.clone()),
        Some(vec!["T1586.003".to_string()])
    );
    let revoked = attack
        .technique("T1086")
        .expect("revoked T1086 in the sample");
    assert!(revoked.revoked);
}

/// Technique ids the sample rules are tagged with, found by scanning their
/// text for `t1234` / `T1234.001` tokens (tags, mitre_attack_id, threat ids).
fn technique_ids_in_sample_rules() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut stack = vec![samples().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("samples folder is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                if !path.ends_with("attack") {
                    stack.push(path);
                }
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("sample file is text");
            for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.')) {
                let token = token.trim_start_matches("attack.").trim_end_matches('.');
                let upper = token.to_ascii_uppercase();
                let digits = upper.strip_prefix('T').unwrap_or("");
                let (main, sub) = digits.split_once('.').unwrap_or((digits, "000"));
                if main.len() == 4
                    && sub.len() == 3
                    && main.chars().chain(sub.chars()).all(|c| c.is_ascii_digit())
                {
                    ids.insert(upper);
                }
            }
        }
    }
    ids
}

#[test]
fn every_technique_the_sample_rules_use_is_in_the_sample() {
    let attack = sample_attack();
    let used = technique_ids_in_sample_rules();
    assert!(
        used.contains("T1059.001") && used.contains("T1586.003"),
        "{used:?}"
    );
    let missing: Vec<&String> = used
        .iter()
        .filter(|id| attack.technique(id).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "techniques missing from the sample: {missing:?}"
    );
}

//! The whole Splunk corpus: every non-deprecated detection is read without
//! a hard error; prints counts, the most common notes and the time taken,
//! and checks the cloud sign-in rules of T1586.003.

use rulescope::formats::{splunk, Context};
use rulescope::model::Rule;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn corpus_root() -> PathBuf {
    match std::env::var("RULESCOPE_CORPUS") {
        Ok(p) => PathBuf::from(p),
        Err(_) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            out.push(p);
        }
    }
}

fn relative(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Rules read, (path, error) pairs, seconds taken.
type Loaded = (Vec<Rule>, Vec<(String, String)>, f64);

/// Loads the macros and every detection; `None` when there is no corpus.
fn load() -> Option<Loaded> {
    let root = corpus_root();
    let splunk_dir = root.join("splunk");
    if !splunk_dir.is_dir() {
        println!("corpus not found at {}: skipping", splunk_dir.display());
        return None;
    }
    let mut macro_files = Vec::new();
    yaml_files(&splunk_dir.join("macros"), &mut macro_files);
    let mut detections = Vec::new();
    yaml_files(&splunk_dir.join("detections"), &mut detections);
    detections.sort();
    let texts: Vec<(String, String)> = detections
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("corpus file is readable");
            (relative(&root, p), text)
        })
        .collect();
    let start = Instant::now();
    let mut ctx = Context::default();
    for p in &macro_files {
        let text = std::fs::read_to_string(p).expect("macro file is readable");
        ctx.splunk_macros
            .load_file(&relative(&root, p), &text)
            .expect("every corpus macro loads");
    }
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in &texts {
        match splunk::parse(path, text, &ctx) {
            Ok(mut r) => rules.append(&mut r),
            Err(e) => errors.push((path.clone(), e.to_string())),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} macros, {} detection files, {} rules, {} errors in {:.3}s",
        ctx.splunk_macros.len(),
        texts.len(),
        rules.len(),
        errors.len(),
        secs
    );
    Some((rules, errors, secs))
}

/// A note with its specifics (names in backticks) elided, for grouping.
fn note_kind(note: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in note.chars() {
        if c == '`' {
            inside = !inside;
            out.push_str(if inside { "`…" } else { "`" });
        } else if !inside {
            out.push(c);
        }
    }
    out.chars().take(90).collect()
}

#[test]
fn every_current_detection_reads_and_is_summarised() {
    let Some((rules, errors, _)) = load() else {
        return;
    };
    let hard: Vec<_> = errors
        .iter()
        .filter(|(p, _)| !p.contains("/deprecated/"))
        .collect();
    assert!(hard.is_empty(), "hard errors: {hard:#?}");
    let current: Vec<&Rule> = rules.iter().filter(|r| !r.deprecated).collect();
    let count = |f: &dyn Fn(&Rule) -> bool| current.iter().filter(|r| f(r)).count();
    println!("current (not deprecated) rules: {}", current.len());
    println!(
        "  with predicates {}, with exclusions {}, with thresholds {}, with notes {}, with neither predicates nor thresholds {}",
        count(&|r| !r.predicates.is_empty()),
        count(&|r| !r.exclusions.is_empty()),
        count(&|r| !r.thresholds.is_empty()),
        count(&|r| !r.notes.is_empty()),
        count(&|r| r.predicates.is_empty() && r.thresholds.is_empty()),
    );
    println!(
        "  predicates {}, exclusions {}, thresholds {}",
        current.iter().map(|r| r.predicates.len()).sum::<usize>(),
        current.iter().map(|r| r.exclusions.len()).sum::<usize>(),
        current.iter().map(|r| r.thresholds.len()).sum::<usize>(),
    );
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for r in &current {
        for n in &r.notes {
            *kinds.entry(note_kind(n)).or_default() += 1;
        }
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
    println!("most common notes:");
    for (k, n) in kinds.iter().take(25) {
        println!("  {n:5} {k}");
    }
    let tuning = count(&|r| r.sources.iter().any(|s| s.kind == "tuning_macro"));
    println!("rules with a tuning macro recorded: {tuning}");
    assert!(tuning * 10 >= current.len() * 9, "tuning macros: {tuning}");
    assert!(count(&|r| !r.predicates.is_empty()) * 10 >= current.len() * 9);
}

/// Fields of cloud sign-in telemetry: CloudTrail, Azure AD, Okta, Google
/// Workspace/GCP, O365 and the CIM Authentication data model.
fn is_sign_in_field(field: &str) -> bool {
    const EXACT: [&str; 17] = [
        "eventName",
        "eventSource",
        "errorCode",
        "errorMessage",
        "additionalEventData.MFAUsed",
        "api.operation",
        "Operation",
        "Workload",
        "ErrorNumber",
        "category",
        "operationName",
        "eventType",
        "src_user_type",
        "action",
        "command",
        "event.name",
        "event.type",
    ];
    const PREFIX: [&str; 6] = [
        "userIdentity.",
        "properties.",
        "Authentication.",
        "event.parameters",
        "requestParameters.",
        "outcome.",
    ];
    EXACT.contains(&field) || PREFIX.iter().any(|p| field.starts_with(p))
}

#[test]
fn cloud_account_compromise_rules_carry_sign_in_predicates() {
    let Some((rules, _, _)) = load() else {
        return;
    };
    let under: Vec<&Rule> = rules
        .iter()
        .filter(|r| !r.deprecated && r.techniques.iter().any(|t| t == "T1586.003"))
        .collect();
    let mut with_fields = 0;
    for r in &under {
        let fields: Vec<String> = r
            .predicates
            .iter()
            .chain(&r.exclusions)
            .filter(|p| is_sign_in_field(&p.field) && !p.value.is_empty())
            .map(|p| format!("{} {} {}", p.field, p.op, p.value))
            .collect();
        if !fields.is_empty() {
            with_fields += 1;
        }
        println!("{} :: {}", r.path, fields.join(" ; "));
    }
    println!(
        "T1586.003: {} Splunk rules, {} with cloud sign-in predicates",
        under.len(),
        with_fields
    );
    assert!(with_fields >= 30, "only {with_fields} rules");
}

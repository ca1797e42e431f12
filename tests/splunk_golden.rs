//! Hand-checked expected predicates, exclusions and thresholds for real
//! Splunk detections (`tests/golden/splunk/*.json`, each naming its corpus
//! file). Recall and precision on (polarity, field, op, value) must reach
//! 0.95 over predicates and exclusions; thresholds are reported too.

use rulescope::formats::{splunk, Context};
use rulescope::model::{Predicate, Rule};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Golden {
    path: String,
    shapes: Vec<String>,
    predicates: Vec<[String; 3]>,
    exclusions: Vec<[String; 3]>,
    thresholds: Vec<[String; 3]>,
}

type Item = (&'static str, String, String, String);

fn corpus_root() -> PathBuf {
    match std::env::var("RULESCOPE_CORPUS") {
        Ok(p) => PathBuf::from(p),
        Err(_) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

fn context(root: &Path) -> Context {
    let mut ctx = Context::default();
    let dir = root.join("splunk/macros");
    for entry in std::fs::read_dir(&dir).expect("macros folder").flatten() {
        let p = entry.path();
        let text = std::fs::read_to_string(&p).expect("macro file");
        let rel = format!("splunk/macros/{}", entry.file_name().to_string_lossy());
        ctx.splunk_macros
            .load_file(&rel, &text)
            .expect("corpus macro loads");
    }
    ctx
}

fn expected(polarity: &'static str, list: &[[String; 3]]) -> BTreeSet<Item> {
    list.iter()
        .map(|[f, o, v]| (polarity, f.clone(), o.clone(), v.clone()))
        .collect()
}

fn actual(polarity: &'static str, list: &[Predicate]) -> BTreeSet<Item> {
    list.iter()
        .map(|p| {
            (
                polarity,
                p.field.clone(),
                p.op.key().to_string(),
                p.value.clone(),
            )
        })
        .collect()
}

/// True positives, false positives and false negatives.
#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn add(&mut self, want: &BTreeSet<Item>, got: &BTreeSet<Item>, label: &str) {
        self.tp += want.intersection(got).count();
        for extra in got.difference(want) {
            println!("  {label} extra:   {extra:?}");
            self.fp += 1;
        }
        for missing in want.difference(got) {
            println!("  {label} missing: {missing:?}");
            self.fn_ += 1;
        }
    }

    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }

    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
}

fn parse(root: &Path, ctx: &Context, rel: &str) -> Rule {
    let text = std::fs::read_to_string(root.join(rel)).expect("golden names a corpus file");
    let mut rules = splunk::parse(rel, &text, ctx).expect("golden detection parses");
    rules.remove(0)
}

#[test]
fn golden_detections_reach_recall_and_precision() {
    let root = corpus_root();
    if !root.join("splunk").is_dir() {
        println!("corpus not found at {}: skipping", root.display());
        return;
    }
    let ctx = context(&root);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/splunk");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("golden folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut filters = Score::default();
    let mut thresholds = Score::default();
    let mut shapes = BTreeSet::new();
    for file in &files {
        let golden: Golden =
            serde_json::from_str(&std::fs::read_to_string(file).expect("golden file"))
                .expect("golden JSON");
        shapes.extend(golden.shapes.iter().cloned());
        let rule = parse(&root, &ctx, &golden.path);
        println!("{}", golden.path);
        let want: BTreeSet<Item> = expected("predicate", &golden.predicates)
            .into_iter()
            .chain(expected("exclusion", &golden.exclusions))
            .collect();
        let got: BTreeSet<Item> = actual("predicate", &rule.predicates)
            .into_iter()
            .chain(actual("exclusion", &rule.exclusions))
            .collect();
        filters.add(&want, &got, "filter");
        thresholds.add(
            &expected("threshold", &golden.thresholds),
            &actual("threshold", &rule.thresholds),
            "threshold",
        );
    }
    println!("shapes covered: {shapes:?}");
    println!(
        "{} detections; predicates+exclusions: recall {:.3}, precision {:.3} (tp {}, fp {}, fn {}); thresholds: recall {:.3}, precision {:.3}",
        files.len(),
        filters.recall(),
        filters.precision(),
        filters.tp,
        filters.fp,
        filters.fn_,
        thresholds.recall(),
        thresholds.precision()
    );
    assert!(files.len() >= 40, "only {} golden detections", files.len());
    assert!(filters.recall() >= 0.95, "recall {:.3}", filters.recall());
    assert!(
        filters.precision() >= 0.95,
        "precision {:.3}",
        filters.precision()
    );
}

//! Helpers shared by the Sigma integration tests: where the corpus is, which
//! files it holds, and predicates as comparable triples.

#![allow(dead_code)]

use rulescope::model::Predicate;
use std::path::{Path, PathBuf};

/// The corpus root: `RULESCOPE_CORPUS`, else `../shared/corpus` next to the
/// crate. `None` (with a printed notice) when the folder does not exist.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("RULESCOPE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("sigma").is_dir() {
        Some(dir)
    } else {
        println!(
            "NOTICE: no Sigma corpus at {}; set RULESCOPE_CORPUS. Skipping.",
            dir.display()
        );
        None
    }
}

/// Every `.yml` file under `<corpus>/sigma`, as (corpus-relative path with
/// `/` separators, full path), sorted.
pub fn sigma_files(corpus: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![corpus.join("sigma")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                let rel = path
                    .strip_prefix(corpus)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, path));
            }
        }
    }
    out.sort();
    out
}

/// A predicate as `(field, op, value)`.
pub type Triple = (String, String, String);

/// Predicates as comparable triples, in order.
pub fn triples(predicates: &[Predicate]) -> Vec<Triple> {
    predicates
        .iter()
        .map(|p| (p.field.clone(), p.op.key().to_string(), p.value.clone()))
        .collect()
}

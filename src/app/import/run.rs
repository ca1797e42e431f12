//! Parses an import batch on the page's thread in slices of a few
//! milliseconds, yielding to the event loop between slices so clicks,
//! the progress bar and the cancel button stay live.

use crate::formats::Context;
use crate::ingest::{expand, parse_files, Duplicate, ImportReport, Input, Limits};
use crate::model::ParseError;
use gloo::timers::future::TimeoutFuture;
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

/// Longest run of parsing between two yields, in milliseconds.
const SLICE_MS: f64 = 12.0;

/// Expands archives and parses every file. `known` maps the catalog's ids
/// to where they come from (duplicate reports); `progress` gets (done,
/// total) after every slice. `None` when `cancel` was set.
pub async fn run(
    inputs: Vec<Input>,
    read_errors: Vec<ParseError>,
    mut known: HashMap<String, String>,
    cancel: Rc<Cell<bool>>,
    progress: impl Fn(usize, usize),
) -> Option<ImportReport> {
    let limits = Limits::default();
    let (files, archive_errors) = expand(inputs, &limits);
    let (ctx, macro_errors, files) = macros_first(files);
    let mut report = ImportReport {
        errors: read_errors,
        ..ImportReport::default()
    };
    report.errors.extend(archive_errors);
    report.errors.extend(macro_errors);
    progress(0, files.len());
    TimeoutFuture::new(0).await;
    let none = HashMap::new();
    let mut slice_start = js_sys::Date::now();
    for (done, file) in files.iter().enumerate() {
        if cancel.get() {
            return None;
        }
        // Ids seen before this file are checked in `merge`: handing the
        // whole map to every call would copy it once per file.
        let part = parse_files(std::slice::from_ref(file), &ctx, &limits, &none, |_, _| {});
        merge(&mut report, part, &mut known, &file.name);
        if js_sys::Date::now() - slice_start > SLICE_MS {
            progress(done + 1, files.len());
            TimeoutFuture::new(0).await;
            slice_start = js_sys::Date::now();
        }
    }
    (!cancel.get()).then_some(report)
}

/// Splunk macro definitions dropped with the rules (`macros/*.yml`) feed
/// the SPL expansion of the rules in the same drop; the page has no other
/// macros. Returns the context, macro file errors and the remaining files.
fn macros_first(files: Vec<Input>) -> (Context, Vec<ParseError>, Vec<Input>) {
    let mut ctx = Context::default();
    let mut errors = Vec::new();
    let (macros, rules): (Vec<Input>, Vec<Input>) =
        files.into_iter().partition(|f| is_macro_file(&f.name));
    for m in macros {
        let text = String::from_utf8_lossy(&m.bytes);
        if let Err(e) = ctx.splunk_macros.load_file(&m.name, &text) {
            errors.push(e);
        }
    }
    (ctx, errors, rules)
}

/// A YAML file in a folder named `macros`, as in Splunk's content repository.
fn is_macro_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let in_macros = lower.starts_with("macros/") || lower.contains("/macros/");
    in_macros && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

/// Adds one file's report to the batch's: its rules whose ids were seen
/// before (in the catalog or an earlier file) are reported as duplicates,
/// and its ids are remembered for the files after it.
fn merge(
    into: &mut ImportReport,
    part: ImportReport,
    known: &mut HashMap<String, String>,
    file: &str,
) {
    for rule in part.rules.iter().filter(|r| !r.id.is_empty()) {
        match known.get(&rule.id) {
            Some(first) if first != file => into.duplicates.push(Duplicate {
                id: rule.id.clone(),
                first: first.clone(),
                second: file.to_string(),
            }),
            Some(_) => {}
            None => {
                known.insert(rule.id.clone(), file.to_string());
            }
        }
    }
    into.rules.extend(part.rules);
    into.errors.extend(part.errors);
    into.duplicates.extend(part.duplicates);
    into.files += part.files;
    for (format, n) in part.per_format {
        *into.per_format.entry(format).or_insert(0) += n;
    }
}

#[cfg(test)]
mod tests {
    use super::is_macro_file;

    #[test]
    fn macro_files_are_yaml_under_a_macros_folder() {
        assert!(is_macro_file("macros/security_content_ctime.yml"));
        assert!(is_macro_file("security_content/macros/x.yaml"));
        assert!(!is_macro_file("detections/macros.yml"));
        assert!(!is_macro_file("macros/readme.md"));
    }
}

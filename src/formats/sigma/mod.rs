//! Sigma rules: YAML documents (with `action: global/reset/repeat`
//! collections), detection selections, value modifiers and the condition
//! expression, plus correlation and filter rules.

mod condition;
mod detection;
mod metadata;
mod modifiers;
mod thresholds;
mod value;
mod yaml;

use crate::model::{DataSource, FileResult, ParseError, Rule};
use yaml::{Key, Node, Value};

/// Parses a Sigma file (one or more YAML documents) into rules. A file with
/// a broken document fails as a whole, naming the document.
pub fn parse(path: &str, text: &str) -> FileResult {
    let documents = yaml::load(path, text)?;
    let several = documents.len() > 1;
    let mut rules = Vec::new();
    let mut global: Option<(Node, Vec<&str>)> = None;
    let mut previous: Option<(Node, Vec<&str>)> = None;
    for doc in documents {
        let Some(root) = doc.root else { continue };
        let (number, text) = (doc.number, doc.text);
        let in_doc = |e: ParseError| in_document(e, number, several);
        if root.as_map().is_none() {
            return Err(in_doc(root.error(
                path,
                "a Sigma rule must be a YAML map (title, logsource, detection, ...)",
            )));
        }
        let action = root.get("action").and_then(Node::scalar_text);
        match action.as_deref() {
            None => {
                if root.get("correlation").is_some() || root.get("filter").is_some() {
                    rules.push(build_rule(path, &root, &[text]).map_err(in_doc)?);
                    continue;
                }
                let (merged, texts) = match &global {
                    Some((g, g_texts)) => {
                        (deep_update(root, g), [g_texts.as_slice(), &[text]].concat())
                    }
                    None => (root, vec![text]),
                };
                rules.push(build_rule(path, &merged, &texts).map_err(in_doc)?);
                previous = Some((merged, texts));
            }
            Some("global") => {
                let template = without_action(&root);
                previous = Some((template.clone(), vec![text]));
                global = Some((template, vec![text]));
            }
            Some("reset") => global = None,
            Some("repeat") => {
                let (base, mut texts) = previous
                    .take()
                    .unwrap_or_else(|| (empty_map(&root), Vec::new()));
                let merged = deep_update(base, &without_action(&root));
                texts.push(text);
                rules.push(build_rule(path, &merged, &texts).map_err(in_doc)?);
                previous = Some((merged, texts));
            }
            Some(other) => {
                return Err(in_doc(root.error(
                    path,
                    format!(
                        "unknown collection action '{other}' (expected global, reset or repeat)"
                    ),
                )))
            }
        }
    }
    if rules.is_empty() {
        return Err(ParseError::new(
            path,
            "no Sigma rule found: expected a YAML document with 'detection:', 'correlation:' or 'filter:'",
        ));
    }
    Ok(rules)
}

fn in_document(mut e: ParseError, number: usize, several: bool) -> ParseError {
    if several && !e.reason.starts_with("YAML document") {
        e.reason = format!("YAML document {number}: {}", e.reason);
    }
    e
}

fn empty_map(at: &Node) -> Node {
    Node {
        value: Value::Map(Vec::new()),
        line: at.line,
        column: at.column,
    }
}

fn without_action(root: &Node) -> Node {
    let mut copy = root.clone();
    if let Value::Map(entries) = &mut copy.value {
        entries.retain(|(k, _)| k.text != "action");
    }
    copy
}

/// Merges `src` into `dest` the way Sigma collections do: maps merge key by
/// key, anything else in `src` replaces what `dest` had.
fn deep_update(mut dest: Node, src: &Node) -> Node {
    let (Value::Map(dest_entries), Some(src_entries)) = (&mut dest.value, src.as_map()) else {
        return src.clone();
    };
    for (key, value) in src_entries {
        match dest_entries.iter_mut().find(|(k, _)| k.text == key.text) {
            Some(slot) if value.as_map().is_some() => {
                slot.1 = deep_update(slot.1.clone(), value);
            }
            Some(slot) => slot.1 = value.clone(),
            None => dest_entries.push((Key { ..key.clone() }, value.clone())),
        }
    }
    dest
}

/// Builds one rule from a (merged) document; `texts` are the documents it
/// came from, for the query text.
fn build_rule(path: &str, root: &Node, texts: &[&str]) -> Result<Rule, ParseError> {
    let mut rule = Rule::default();
    metadata::fill(&mut rule, root, path);
    let block_key = if let Some(block) = root.get("correlation") {
        rule.rule_type = "correlation".to_string();
        let c = thresholds::correlation(block);
        rule.thresholds = c.thresholds;
        rule.sources.extend(c.sources);
        rule.notes = c.notes;
        "correlation"
    } else if let Some(block) = root.get("filter") {
        rule.rule_type = "filter".to_string();
        apply_detection(&mut rule, detection::build(path, block, &["rules"])?);
        rule.sources.extend(
            block
                .get("rules")
                .map(Node::texts)
                .unwrap_or_default()
                .into_iter()
                .map(|value| DataSource {
                    kind: "filter.rule".to_string(),
                    value,
                }),
        );
        "filter"
    } else if let Some(block) = root.get("detection") {
        rule.rule_type = "detection".to_string();
        apply_detection(&mut rule, detection::build(path, block, &[])?);
        "detection"
    } else {
        return Err(root.error(
            path,
            "the rule has no 'detection:' block (nor 'correlation:' or 'filter:')",
        ));
    };
    rule.query = texts
        .iter()
        .filter_map(|t| yaml::block_text(t, block_key))
        .collect::<Vec<_>>()
        .join("\n");
    Ok(rule)
}

fn apply_detection(rule: &mut Rule, built: detection::Detection) {
    if let Some(expr) = built.expr {
        rule.set_logic(expr);
    }
    rule.thresholds = built.thresholds;
    rule.notes = built.notes;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Op;

    const GLOBAL: &str = "action: global\ntitle: Shared\ntags: [attack.t1003]\nlogsource:\n  product: windows\ndetection:\n  condition: selection\n---\nlogsource:\n  category: process_creation\ndetection:\n  selection:\n    Image|endswith: '\\a.exe'\n---\naction: repeat\ndetection:\n  selection:\n    Image|endswith: '\\b.exe'\n";

    #[test]
    fn global_and_repeat_documents_make_one_rule_each() {
        let rules = parse("multi.yml", GLOBAL).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].title, "Shared");
        assert_eq!(rules[0].techniques, ["T1003"]);
        assert_eq!(rules[0].platforms, ["windows"]);
        assert_eq!(rules[0].predicates[0].value, "*\\a.exe");
        assert_eq!(rules[1].predicates[0].value, "*\\b.exe");
        assert!(rules[0].query.contains("condition: selection"));
        assert!(rules[0].query.contains("a.exe"));
    }

    #[test]
    fn a_broken_document_fails_the_file_naming_it() {
        let text = "title: a\ndetection:\n  s:\n    X: 1\n  condition: s\n---\ntitle: b\ndetection:\n  s:\n    X: 1\n  condition: t\n";
        let err = parse("two.yml", text).unwrap_err();
        assert!(err.reason.starts_with("YAML document 2:"), "{}", err.reason);
        assert_eq!(err.line, Some(11));
    }

    #[test]
    fn correlation_and_filter_rules() {
        let text = "title: c\ncorrelation:\n  type: event_count\n  rules: [r1]\n  group-by: [User]\n  timespan: 10m\n  condition:\n    gte: 10\n---\ntitle: f\nlogsource:\n  product: windows\nfilter:\n  rules: [r1]\n  selection:\n    User: admin\n  condition: not selection\n";
        let rules = parse("cf.yml", text).unwrap();
        assert_eq!(rules[0].rule_type, "correlation");
        assert!(rules[0].predicates.is_empty());
        assert!(rules[0]
            .thresholds
            .iter()
            .any(|p| p.field == "count" && p.op == Op::Gte && p.value == "10"));
        assert!(rules[0].query.starts_with("correlation:"));
        assert_eq!(rules[1].rule_type, "filter");
        assert_eq!(rules[1].exclusions[0].value, "admin");
        assert!(rules[1].query.starts_with("filter:"));
    }

    #[test]
    fn hostile_input_is_an_error_not_a_panic() {
        for text in [
            "",
            "just text",
            "- a\n- b\n",
            "title: x\n",
            "\u{0}\u{1}binary",
            "detection: 5\n",
        ] {
            assert!(parse("h.yml", text).is_err(), "{text:?}");
        }
        let huge = "a".repeat(yaml::MAX_FILE_BYTES + 1);
        assert!(parse("big.yml", &huge)
            .unwrap_err()
            .reason
            .contains("bytes"));
    }
}

//! Rule metadata from a Sigma document: title, id, status, level, author,
//! dates, references, tags and the ATT&CK techniques they name, log source.

use super::yaml::{Node, Value};
use crate::model::{DataSource, Rule};

/// The logsource keys kept as data-source selectors, in display order.
const LOGSOURCE_KEYS: [&str; 4] = ["category", "product", "service", "definition"];

/// Fills every metadata field of `rule` from the document `root`.
pub fn fill(rule: &mut Rule, root: &Node, path: &str) {
    let text = |key: &str| root.get(key).map(joined).unwrap_or_default();
    rule.path = path.to_string();
    rule.language = "sigma".to_string();
    rule.id = text("id");
    rule.title = text("title");
    rule.description = text("description");
    rule.author = text("author");
    rule.date = text("date");
    rule.modified = text("modified");
    rule.status = text("status");
    rule.level = text("level");
    rule.references = root.get("references").map(Node::texts).unwrap_or_default();
    rule.tags = root.get("tags").map(Node::texts).unwrap_or_default();
    rule.techniques = techniques(&rule.tags);
    if let Some(logsource) = root.get("logsource") {
        for key in LOGSOURCE_KEYS {
            if let Some(value) = logsource.get(key).and_then(Node::scalar_text) {
                rule.sources.push(DataSource {
                    kind: format!("logsource.{key}"),
                    value: value.clone(),
                });
                if key == "product" {
                    rule.platforms.push(value);
                }
            }
        }
    }
    rule.deprecated = rule.status.eq_ignore_ascii_case("deprecated")
        || path.starts_with("deprecated/")
        || path.contains("/deprecated/");
}

/// A scalar as text, or a list of scalars joined with ", ".
fn joined(node: &Node) -> String {
    match &node.value {
        Value::Seq(_) => node.texts().join(", "),
        _ => node.scalar_text().unwrap_or_default(),
    }
}

/// Technique ids from `attack.tNNNN[.NNN]` tags: upper case, deduplicated,
/// in tag order.
pub fn techniques(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let lower = tag.to_ascii_lowercase();
        let Some(id) = lower.strip_prefix("attack.t") else {
            continue;
        };
        let (main, sub) = match id.split_once('.') {
            Some((m, s)) => (m, Some(s)),
            None => (id, None),
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(main, 4) || !sub.is_none_or(|s| digits(s, 3)) {
            continue;
        }
        let technique = format!("T{}", id);
        if !out.contains(&technique) {
            out.push(technique);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn techniques_come_from_attack_tags_only() {
        let tags: Vec<String> = [
            "attack.execution",
            "attack.t1059.001",
            "attack.T1059.001",
            "attack.t1105",
            "attack.g0010",
            "attack.t12",
            "cve.2021-44228",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(techniques(&tags), ["T1059.001", "T1105"]);
    }
}

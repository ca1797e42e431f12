//! Splunk `savedsearches.conf`: the file Splunk apps (and exports of
//! Enterprise Security correlation searches) keep their scheduled searches
//! in. Every `[stanza]` holding a `search =` becomes one rule whose
//! predicates come from the same SPL reader as the detection YAML.
//!
//! Syntax read here, as Splunk's `.conf` files define it:
//! - `[name]` opens a stanza; settings before the first stanza belong to
//!   `[default]`, a repeated stanza merges into the first, a repeated key
//!   keeps its last value;
//! - every stanza inherits the `[default]` settings it does not set itself
//!   (Splunk's layering), so `disabled = true` there disables them all;
//! - `key = value`, split at the first `=`, both sides trimmed;
//! - a value line ending in `\` continues on the next line, the line break
//!   kept (long searches are written this way);
//! - lines starting with `#` are comments.
//!
//! What a rule takes from its stanza: the title is the stanza name; the id
//! is the ESCU `detection_id` inside `action.correlationsearch.metadata`,
//! else `action.correlationsearch.label`, else the stanza name; ATT&CK ids
//! and analytic stories come from the `mitre_attack` / `analytic_story`
//! lists of `action.correlationsearch.annotations` (or the older
//! `action.escu.mappings`); the level is `action.notable.param.severity`,
//! the status `disabled` / `enabled` from `disabled`, the dates
//! `action.escu.creation_date` / `modify_date`.
//!
//! `[default]` itself and stanzas without a non-empty `search` (reports,
//! lookups-only stanzas) are skipped. A line that is none of the above fails the file at that
//! line; invalid JSON in the ATT&CK annotations fails it at the stanza line.

use super::pipeline;
use crate::formats::Context;
use crate::model::{FileResult, ParseError, Rule, Vendor};
use serde_json::Value;

/// Settings holding the ATT&CK mappings as JSON with a `mitre_attack` list:
/// Enterprise Security annotations, and the older ESCU mappings.
const ATTACK_KEYS: [&str; 2] = [
    "action.correlationsearch.annotations",
    "action.escu.mappings",
];

/// One stanza as read: its name, the 1-based line of its header and its
/// settings in file order.
#[derive(Debug, Default)]
struct Stanza {
    name: String,
    line: u32,
    settings: Vec<(String, String)>,
}

impl Stanza {
    /// The last value given to `key`.
    fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The trimmed, non-empty value of `key`.
    fn text(&self, key: &str) -> Option<String> {
        self.get(key)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }
}

/// Parses one `savedsearches.conf` into one rule per stanza with a search.
pub fn parse(path: &str, text: &str, ctx: &Context) -> FileResult {
    let mut stanzas = read(path, text)?.into_iter();
    let defaults = stanzas.next().map(|d| d.settings).unwrap_or_default();
    let mut rules = Vec::new();
    for mut stanza in stanzas {
        stanza.settings.splice(0..0, defaults.iter().cloned());
        if let Some(rule) = to_rule(path, &stanza, ctx)? {
            rules.push(rule);
        }
    }
    if rules.is_empty() {
        return Err(ParseError::new(
            path,
            "no stanza with a `search =` setting: a savedsearches.conf rule is a `[name]` stanza holding `search = <SPL>`",
        ));
    }
    Ok(rules)
}

/// Splits the file into stanzas, `[default]` first.
fn read(path: &str, text: &str) -> Result<Vec<Stanza>, ParseError> {
    let mut stanzas = vec![Stanza {
        name: "default".to_string(),
        line: 1,
        settings: Vec::new(),
    }];
    let mut current = 0usize;
    let mut lines = text.lines().zip(1u32..);
    while let Some((raw, number)) = lines.next() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim();
            current = match stanzas.iter().position(|s| s.name == name) {
                Some(i) => i,
                None => {
                    stanzas.push(Stanza {
                        name: name.to_string(),
                        line: number,
                        settings: Vec::new(),
                    });
                    stanzas.len() - 1
                }
            };
            continue;
        }
        let Some((key, first)) = line.split_once('=') else {
            return Err(ParseError::new(
                path,
                "expected `[stanza]`, `key = value` or a `#` comment",
            )
            .at(number, 1));
        };
        let mut value = first.trim_start().to_string();
        while value.ends_with('\\') {
            value.pop();
            value.push('\n');
            match lines.next() {
                Some((next, _)) => value.push_str(next),
                None => break,
            }
        }
        stanzas[current]
            .settings
            .push((key.trim().to_string(), value.trim().to_string()));
    }
    Ok(stanzas)
}

/// The rule for a stanza, or `None` when it holds no search.
fn to_rule(path: &str, stanza: &Stanza, ctx: &Context) -> Result<Option<Rule>, ParseError> {
    let Some(search) = stanza.text("search") else {
        return Ok(None);
    };
    let mut rule = Rule {
        vendor: Vendor::Splunk,
        id: detection_id(stanza)
            .or_else(|| stanza.text("action.correlationsearch.label"))
            .unwrap_or_else(|| stanza.name.clone()),
        title: stanza.name.clone(),
        path: path.to_string(),
        description: stanza.text("description").unwrap_or_default(),
        date: stanza.text("action.escu.creation_date").unwrap_or_default(),
        modified: stanza.text("action.escu.modify_date").unwrap_or_default(),
        level: stanza
            .text("action.notable.param.severity")
            .unwrap_or_default(),
        status: stanza
            .get("disabled")
            .map(|d| if is_true(d) { "disabled" } else { "enabled" }.to_string())
            .unwrap_or_default(),
        rule_type: "saved_search".to_string(),
        language: "spl".to_string(),
        query: search,
        ..Rule::default()
    };
    for key in ATTACK_KEYS {
        let Some(json) = stanza.get(key) else {
            continue;
        };
        let value: Value = serde_json::from_str(json).map_err(|e| {
            ParseError::new(
                path,
                format!(
                    "stanza [{}]: `{key}` is not valid JSON ({e}); expected {{\"mitre_attack\": [\"T1059\", …]}}",
                    stanza.name
                ),
            )
            .at(stanza.line, 1)
        })?;
        for id in strings(value.get("mitre_attack")) {
            push_unique(&mut rule.techniques, id.trim().to_ascii_uppercase());
        }
        for story in strings(value.get("analytic_story")) {
            push_unique(&mut rule.tags, story.trim().to_string());
        }
    }
    let outcome = pipeline::analyse(&rule.query, &ctx.splunk_macros);
    rule.sources = outcome.sources;
    rule.thresholds = outcome.thresholds;
    rule.notes = outcome.notes;
    if let Some(expr) = outcome.expr {
        rule.set_logic(expr);
    }
    Ok(Some(rule))
}

/// The ESCU detection id from `action.correlationsearch.metadata`, if the
/// stanza carries one.
fn detection_id(stanza: &Stanza) -> Option<String> {
    let metadata: Value =
        serde_json::from_str(stanza.get("action.correlationsearch.metadata")?).ok()?;
    metadata
        .get("detection_id")?
        .as_str()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
}

/// Splunk's boolean spellings for `true`.
fn is_true(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "t" | "yes" | "y"
    )
}

/// A JSON string or list of strings, as text; anything else is ignored.
fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !value.is_empty() && !list.contains(&value) {
        list.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataSource, Op, Predicate};

    const CONF: &str = r#"# exported correlation searches
[default]
dispatch.earliest_time = -24h

[Suspicious Encoded PowerShell]
description = PowerShell started with an encoded command.
disabled = false
action.correlationsearch.label = Suspicious Encoded PowerShell
action.correlationsearch.annotations = {"analytic_story": ["Malicious PowerShell"], "mitre_attack": ["t1059.001", "T1027"]}
action.notable.param.severity = high
search = index=win sourcetype=XmlWinEventLog EventCode=1 \
process_name=powershell.exe \
NOT user=SYSTEM

[Report only]
cron_schedule = 0 * * * *
"#;

    fn parse_text(text: &str) -> FileResult {
        parse("local/savedsearches.conf", text, &Context::default())
    }

    #[test]
    fn a_stanza_with_search_is_a_rule_with_predicates() {
        let rules = parse_text(CONF).expect("valid conf");
        assert_eq!(
            rules.len(),
            1,
            "default and report-only stanzas are skipped"
        );
        let rule = &rules[0];
        assert_eq!(rule.title, "Suspicious Encoded PowerShell");
        assert_eq!(rule.id, "Suspicious Encoded PowerShell");
        assert_eq!(rule.techniques, ["T1059.001", "T1027"]);
        assert_eq!(rule.tags, ["Malicious PowerShell"]);
        assert_eq!(rule.level, "high");
        assert_eq!(rule.status, "enabled");
        assert_eq!(
            (rule.language.as_str(), rule.rule_type.as_str()),
            ("spl", "saved_search")
        );
        assert!(
            rule.query.contains("EventCode=1 \nprocess_name"),
            "continuations keep the line break: {:?}",
            rule.query
        );
        assert!(rule.predicates.contains(&Predicate::new(
            "process_name",
            Op::Eq,
            "powershell.exe"
        )));
        assert!(rule
            .exclusions
            .contains(&Predicate::new("user", Op::Eq, "SYSTEM")));
        assert!(rule.sources.contains(&DataSource {
            kind: "index".into(),
            value: "win".into()
        }));
    }

    #[test]
    fn escu_metadata_gives_the_id() {
        let text = "[ESCU - X - Rule]\naction.correlationsearch.metadata = {\"detection_id\": \"1234-abcd\"}\nsearch = | tstats count from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe by Processes.dest\n";
        let rules = parse_text(text).expect("valid conf");
        assert_eq!(rules[0].id, "1234-abcd");
        assert_eq!(rules[0].title, "ESCU - X - Rule");
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse_text("[a]\nsearch = x=1\nthis line is junk\n").expect_err("junk");
        assert_eq!(err.line, Some(3));
        let bad_json = "# c\n[b]\naction.correlationsearch.annotations = {mitre\nsearch = x=1\n";
        let err = parse_text(bad_json).expect_err("bad annotations");
        assert_eq!(err.line, Some(2), "the stanza line");
        assert!(err.reason.contains("[b]"), "{}", err.reason);
        let err = parse_text("[default]\nsearch =\n").expect_err("no search");
        assert!(err.reason.contains("search ="), "{}", err.reason);
    }

    #[test]
    fn default_settings_are_inherited_unless_overridden() {
        let text = "disabled = 1\n[x]\nsearch = a=1\n[y]\ndisabled = 0\nsearch = b=2\n";
        let rules = parse_text(text).expect("valid conf");
        let status: Vec<&str> = rules.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(status, ["disabled", "enabled"]);
    }

    #[test]
    fn repeated_stanzas_merge_and_last_value_wins() {
        let text = "[x]\nsearch = a=1\n[y]\nsearch = b=2\n[x]\nsearch = c=3\ndisabled = 1\n";
        let rules = parse_text(text).expect("valid conf");
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].query, "c=3");
        assert_eq!(rules[0].status, "disabled");
    }

    #[test]
    fn long_continued_values_are_read_in_linear_time() {
        let text = format!("[x]\nsearch = a=1 \\\n{}b=2\n", "c=3 \\\n".repeat(200_000));
        let started = std::time::Instant::now();
        let stanzas = read("x.conf", &text).expect("valid conf");
        assert!(stanzas[1].get("search").is_some_and(|s| s.ends_with("b=2")));
        assert!(
            started.elapsed().as_secs() < 2,
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_trailing_backslash_at_the_end_of_file_is_harmless() {
        let rules = parse_text("[x]\nsearch = a=1 \\").expect("valid conf");
        assert_eq!(rules[0].query, "a=1");
    }
}

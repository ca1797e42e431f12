//! Kibana detection-rule exports: the `.ndjson` the Security app's rule
//! export writes (one rule object a line, then a summary line
//! `{"exported_count": …}`), a JSON array of such rule objects, or a single
//! one.
//!
//! Kibana's rule objects carry the same fields as the `[rule]` table of the
//! detection-rules TOML (`rule_id`, `name`, `query`, `language`, `index`,
//! `threat`, `threshold`, …), so each object is reshaped into that table and
//! handed to the TOML rule's builder and query parsers: one mapping for both.
//! The few differences are bridged in [`as_rule_file`]: `created_at` /
//! `updated_at` are the dates, `related_integrations` the integrations,
//! `enabled` the status (`enabled` / `disabled`), `new_terms_fields` with
//! `history_window_start` the new-terms parameters, and a missing
//! `language` follows from the rule `type`.
//!
//! A file is imported as a whole or refused (`FileResult`), but one broken
//! line of an export should not lose the other rules. So: lines (or array
//! elements) that are not valid JSON or not a valid rule are skipped, and
//! each skip is recorded as a note on the file's first rule, naming the
//! line and the reason; objects that are not rules (the summary line,
//! exception lists, connectors) are passed over silently. The file fails
//! only when no rule at all could be read, and the error names the first
//! bad line.

use super::apply_query;
use super::document::RuleFile;
use crate::model::{FileResult, ParseError, Rule};
use serde_json::{Map, Value};

/// Where a skipped object sat, for notes and errors.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// 1-based line of an `.ndjson` file.
    Line(u32),
    /// 1-based position in a JSON array.
    Element(usize),
}

impl Place {
    fn describe(self) -> String {
        match self {
            Place::Line(n) => format!("line {n}"),
            Place::Element(n) => format!("rule {n} of the array"),
        }
    }
}

/// Collects the rules of one export and the objects it had to skip.
struct Export<'p> {
    path: &'p str,
    rules: Vec<Rule>,
    skipped: Vec<(Place, String)>,
}

impl<'p> Export<'p> {
    fn new(path: &'p str) -> Export<'p> {
        Export {
            path,
            rules: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Reads one JSON value found at `place`.
    fn add(&mut self, place: Place, value: Value) {
        let Value::Object(object) = value else {
            self.skipped.push((
                place,
                "not a JSON object; a rule is {\"rule_id\": …}".into(),
            ));
            return;
        };
        if !is_rule(&object) {
            return;
        }
        match rule_of(self.path, object) {
            Ok(rule) => self.rules.push(rule),
            Err(reason) => self.skipped.push((place, reason)),
        }
    }

    /// The rules with one note per skipped object, or the first skip as
    /// the file's error when nothing was read.
    fn finish(self) -> FileResult {
        let Export {
            path,
            mut rules,
            skipped,
        } = self;
        let Some(first) = rules.first_mut() else {
            return Err(match skipped.into_iter().next() {
                Some((place, reason)) => {
                    let error =
                        ParseError::new(path, format!("{}: {reason}", place.describe()));
                    match place {
                        Place::Line(n) => error.at(n, 1),
                        Place::Element(_) => error,
                    }
                }
                None => ParseError::new(
                    path,
                    "no detection rule in this export: Kibana rules are JSON objects with `rule_id` or `query`",
                ),
            });
        };
        for (place, reason) in skipped {
            first
                .notes
                .push(format!("{}: skipped ({reason})", place.describe()));
        }
        Ok(rules)
    }
}

/// Parses an `.ndjson` export: one JSON object a line.
pub fn parse_ndjson(path: &str, text: &str) -> FileResult {
    let mut export = Export::new(path);
    for (line, number) in text.lines().zip(1u32..) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(value) => export.add(Place::Line(number), value),
            Err(e) => export
                .skipped
                .push((Place::Line(number), format!("invalid JSON: {e}"))),
        }
    }
    export.finish()
}

/// Parses a JSON array of rule objects, or one rule object.
pub fn parse_json(path: &str, text: &str) -> FileResult {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ParseError::new(path, format!("invalid JSON: {e}")).at(e.line() as u32, e.column() as u32)
    })?;
    let mut export = Export::new(path);
    match value {
        Value::Array(items) => {
            for (index, item) in items.into_iter().enumerate() {
                export.add(Place::Element(index + 1), item);
            }
        }
        Value::Object(_) => export.add(Place::Element(1), value),
        _ => {
            return Err(ParseError::new(
                path,
                "expected a JSON array of Kibana rules or one rule object",
            ))
        }
    }
    export.finish()
}

/// Rule objects have a `rule_id` or a `query`; the export's summary line,
/// exception lists and connectors have neither.
fn is_rule(object: &Map<String, Value>) -> bool {
    object.contains_key("rule_id") || object.contains_key("query")
}

/// One rule object through the TOML rule's builder and query parsers.
fn rule_of(path: &str, object: Map<String, Value>) -> Result<Rule, String> {
    let file: RuleFile = serde_json::from_value(as_rule_file(object))
        .map_err(|e| format!("not a valid Kibana rule: {e}"))?;
    let (mut rule, query) = file.into_rule(path).map_err(|e| e.reason)?;
    if let Some(query) = query {
        apply_query(&mut rule, &query);
    }
    Ok(rule)
}

/// Reshapes a Kibana rule object into the TOML file's `{metadata, rule}`.
fn as_rule_file(object: Map<String, Value>) -> Value {
    let mut rule = without_null_members(object);
    let mut metadata = Map::new();
    for (from, to) in [
        ("created_at", "creation_date"),
        ("updated_at", "updated_date"),
    ] {
        if let Some(date) = rule.get(from) {
            metadata.insert(to.into(), date.clone());
        }
    }
    if let Some(enabled) = rule.get("enabled").and_then(Value::as_bool) {
        let status = if enabled { "enabled" } else { "disabled" };
        metadata.insert("maturity".into(), status.into());
    }
    let integrations: Vec<Value> = rule
        .get("related_integrations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("package").cloned())
        .collect();
    if !integrations.is_empty() {
        metadata.insert("integration".into(), Value::Array(integrations));
    }
    if let Some(fields) = rule.get("new_terms_fields").cloned() {
        let mut new_terms = Map::new();
        new_terms.insert("value".into(), fields);
        if let Some(start) = rule.get("history_window_start").cloned() {
            let window = Map::from_iter([("value".to_string(), start)]);
            new_terms.insert(
                "history_window_start".into(),
                Value::Array(vec![Value::Object(window)]),
            );
        }
        rule.insert("new_terms".into(), Value::Object(new_terms));
    }
    if !rule.contains_key("language") {
        let language = match rule.get("type").and_then(Value::as_str) {
            Some("eql") => Some("eql"),
            Some("esql") => Some("esql"),
            Some("machine_learning") | None => None,
            Some(_) => Some("kuery"),
        };
        if let (Some(language), true) = (language, rule.contains_key("query")) {
            rule.insert("language".into(), language.into());
        }
    }
    let mut file = Map::new();
    file.insert("metadata".into(), Value::Object(metadata));
    file.insert("rule".into(), Value::Object(rule));
    Value::Object(file)
}

/// The object with every `null` member removed, at any depth: the TOML
/// model has no null, and Kibana writes `null` for unset fields.
fn without_null_members(object: Map<String, Value>) -> Map<String, Value> {
    object
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k, without_nulls(v)))
        .collect()
}

/// [`without_null_members`] for any value; arrays lose their `null`s too.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(without_null_members(map)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .filter(|v| !v.is_null())
                .map(without_nulls)
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataSource, Op, Predicate};

    const KQL: &str = r#"{"rule_id":"r-1","name":"Encoded PowerShell","description":"d","type":"query","language":"kuery","query":"process.name : \"powershell.exe\" and not user.name : \"SYSTEM\"","index":["logs-endpoint.events.*"],"severity":"high","risk_score":73,"author":["Me"],"tags":["OS: Windows"],"enabled":false,"created_at":"2024-01-02T03:04:05.000Z","timeline_id":null,"threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0002","name":"Execution","reference":"https://attack.mitre.org/tactics/TA0002/"},"technique":[{"id":"T1059","name":"x","reference":"y","subtechnique":[{"id":"T1059.001","name":"z","reference":"w"}]}]}]}"#;

    #[test]
    fn an_export_line_maps_like_the_toml_rule() {
        let text = format!("{KQL}\n{{\"exported_count\":1,\"missing_rules\":[]}}\n");
        let rules = parse_ndjson("export.ndjson", &text).expect("one rule");
        assert_eq!(rules.len(), 1);
        let rule = &rules[0];
        assert_eq!(
            (rule.id.as_str(), rule.title.as_str()),
            ("r-1", "Encoded PowerShell")
        );
        assert_eq!(rule.techniques, ["T1059", "T1059.001"]);
        assert_eq!(rule.language, "kql");
        assert_eq!(rule.level, "high");
        assert_eq!(rule.status, "disabled");
        assert_eq!(rule.date, "2024-01-02T03:04:05.000Z");
        assert_eq!(rule.platforms, ["windows"]);
        assert!(rule.notes.is_empty(), "{:?}", rule.notes);
        assert_eq!(
            rule.predicates,
            [Predicate::new("process.name", Op::Match, "powershell.exe")]
        );
        assert_eq!(
            rule.exclusions,
            [Predicate::new("user.name", Op::Match, "SYSTEM")]
        );
        assert!(rule.sources.contains(&DataSource {
            kind: "index".into(),
            value: "logs-endpoint.events.*".into()
        }));
    }

    #[test]
    fn bad_lines_become_notes_on_the_first_rule() {
        let text = format!("{KQL}\n{{not json\n[1]\n{{\"rule_id\":\"r-2\",\"tags\":\"x\"}}\n");
        let rules = parse_ndjson("e.ndjson", &text).expect("one good line");
        assert_eq!(rules.len(), 1);
        let notes = &rules[0].notes;
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes[0].starts_with("line 2: skipped (invalid JSON"));
        assert!(notes[1].starts_with("line 3: skipped (not a JSON object"));
        assert!(notes[2].starts_with("line 4: skipped (not a valid Kibana rule"));
    }

    #[test]
    fn no_good_line_is_an_error_at_the_first_bad_one() {
        let err = parse_ndjson("e.ndjson", "\n{\"exported_count\":0}\n{oops\n").expect_err("none");
        assert_eq!(err.line, Some(3));
        assert!(
            err.reason.starts_with("line 3: invalid JSON"),
            "{}",
            err.reason
        );
        let err = parse_ndjson("e.ndjson", "{\"exported_count\":0}\n").expect_err("none");
        assert!(err.reason.contains("rule_id"), "{}", err.reason);
    }

    #[test]
    fn arrays_and_single_objects() {
        let eql = r#"{"rule_id":"r-3","name":"E","type":"eql","query":"process where process.name == \"cmd.exe\"","new_terms_fields":["host.id"],"history_window_start":"now-7d","threshold":{"field":["user.name"],"value":5}}"#;
        let rules = parse_json("a.json", &format!("[{KQL},\n{eql}]")).expect("two rules");
        assert_eq!(rules.len(), 2);
        let rule = &rules[1];
        assert_eq!(rule.language, "eql", "language follows the type");
        assert!(rule.thresholds.contains(
            &Predicate::new("host.id", Op::Gte, "now-7d").with_modifiers(vec!["new_terms".into()])
        ));
        assert!(rule.thresholds.contains(
            &Predicate::new("user.name", Op::Gte, "5").with_modifiers(vec!["threshold".into()])
        ));
        assert!(!rule.predicates.is_empty());
        assert_eq!(parse_json("o.json", KQL).expect("one rule").len(), 1);
        let err = parse_json("x.json", "[1,\n{]").expect_err("invalid");
        assert_eq!(err.line, Some(2));
        assert!(parse_json("x.json", "42").is_err());
    }
}

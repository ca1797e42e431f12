//! The detection-rules TOML file: `[metadata]`, `[rule]` and the ATT&CK
//! mappings in `[[rule.threat]]`, read with serde and turned into a [`Rule`]
//! without its query logic (the query parsers fill that in).

use crate::model::{DataSource, Op, ParseError, Predicate, Rule, Vendor};
use serde::Deserialize;

use super::query::line_col;

/// Where rule files live upstream, for the link shown with every rule.
const UPSTREAM: &str = "https://github.com/elastic/detection-rules/blob/main/";

/// One rule file.
#[derive(Debug, Deserialize)]
pub struct RuleFile {
    #[serde(default)]
    metadata: Metadata,
    rule: Option<RuleTable>,
}

#[derive(Debug, Default, Deserialize)]
struct Metadata {
    maturity: Option<String>,
    creation_date: Option<String>,
    updated_date: Option<String>,
    integration: Option<OneOrMany>,
}

#[derive(Debug, Deserialize)]
struct RuleTable {
    rule_id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    #[serde(rename = "type")]
    rule_type: Option<String>,
    language: Option<String>,
    query: Option<String>,
    index: Option<Vec<String>>,
    severity: Option<String>,
    risk_score: Option<toml::Value>,
    author: Option<OneOrMany>,
    license: Option<String>,
    references: Option<Vec<String>>,
    tags: Option<Vec<String>>,
    threshold: Option<Threshold>,
    new_terms: Option<NewTerms>,
    building_block_type: Option<String>,
    #[serde(default)]
    threat: Vec<Threat>,
}

/// A string or a list of strings, as several keys allow both.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
struct Threshold {
    field: Option<OneOrMany>,
    value: Option<toml::Value>,
    #[serde(default)]
    cardinality: Vec<Cardinality>,
}

#[derive(Debug, Deserialize)]
struct Cardinality {
    field: Option<String>,
    value: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
struct NewTerms {
    value: Option<OneOrMany>,
    #[serde(default)]
    history_window_start: Vec<HistoryWindow>,
}

#[derive(Debug, Deserialize)]
struct HistoryWindow {
    value: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Threat {
    #[serde(default)]
    technique: Vec<ThreatTechnique>,
}

#[derive(Debug, Deserialize)]
struct ThreatTechnique {
    id: Option<String>,
    #[serde(default)]
    subtechnique: Vec<ThreatSubtechnique>,
}

#[derive(Debug, Deserialize)]
struct ThreatSubtechnique {
    id: Option<String>,
}

/// Reads the TOML text; a syntax error names its line and column.
pub fn read(path: &str, text: &str) -> Result<RuleFile, ParseError> {
    toml::from_str::<RuleFile>(text).map_err(|e| {
        let error = ParseError::new(path, format!("invalid TOML: {}", e.message().trim()));
        match e.span() {
            Some(span) => {
                let (line, column) = line_col(text, span.start);
                error.at(line, column)
            }
            None => error,
        }
    })
}

/// The query text and its language key, as the file names them.
pub struct QueryText {
    pub language: String,
    pub text: String,
}

impl RuleFile {
    /// Builds the rule's metadata; returns the query separately so the caller
    /// can dispatch it to the right parser.
    pub fn into_rule(self, path: &str) -> Result<(Rule, Option<QueryText>), ParseError> {
        let table = self.rule.ok_or_else(|| {
            ParseError::new(
                path,
                "no [rule] table: an Elastic rule file needs [rule] with rule_id, name and query",
            )
        })?;
        let meta = self.metadata;
        let maturity = meta.maturity.unwrap_or_default();
        let mut rule = Rule {
            vendor: Vendor::Elastic,
            id: table.rule_id.unwrap_or_default(),
            title: table.name.unwrap_or_default(),
            path: path.to_string(),
            description: table.description.unwrap_or_default().trim().to_string(),
            author: table
                .author
                .map(|a| a.into_vec().join(", "))
                .unwrap_or_default(),
            date: meta.creation_date.unwrap_or_default(),
            modified: meta.updated_date.unwrap_or_default(),
            deprecated: maturity == "deprecated" || is_deprecated_path(path),
            status: maturity,
            level: table.severity.unwrap_or_default(),
            rule_type: table.rule_type.unwrap_or_default(),
            language: language_key(table.language.as_deref().unwrap_or_default()),
            techniques: techniques(&table.threat),
            references: table.references.unwrap_or_default(),
            license: table.license.unwrap_or_default(),
            url: upstream_url(path),
            ..Rule::default()
        };
        let tags = table.tags.unwrap_or_default();
        rule.platforms = platforms(&tags);
        rule.tags = tags;
        if let Some(score) = table.risk_score {
            rule.tags
                .push(format!("Risk Score: {}", scalar_text(&score)));
        }
        if let Some(kind) = table.building_block_type {
            rule.tags.push(format!("Building Block: {kind}"));
        }
        for integration in meta
            .integration
            .map(OneOrMany::into_vec)
            .unwrap_or_default()
        {
            push_source(&mut rule.sources, "integration", &integration);
        }
        for index in table.index.unwrap_or_default() {
            push_source(&mut rule.sources, "index", &index);
        }
        if let Some(threshold) = table.threshold {
            rule.thresholds.extend(threshold_predicates(threshold));
        }
        if let Some(new_terms) = table.new_terms {
            rule.thresholds.extend(new_terms_predicates(new_terms));
        }
        let query = table.query.map(|text| QueryText {
            language: table.language.unwrap_or_default(),
            text,
        });
        if let Some(q) = &query {
            rule.query = q.text.clone();
        }
        Ok((rule, query))
    }
}

/// Adds a data source unless already present.
pub fn push_source(sources: &mut Vec<DataSource>, kind: &str, value: &str) {
    let source = DataSource {
        kind: kind.to_string(),
        value: value.to_string(),
    };
    if !sources.contains(&source) {
        sources.push(source);
    }
}

/// Rules under a `_deprecated` folder are retired upstream.
fn is_deprecated_path(path: &str) -> bool {
    path.split(['/', '\\']).any(|part| part == "_deprecated")
}

/// The model's language keys: Elastic calls KQL `kuery`.
fn language_key(language: &str) -> String {
    match language {
        "kuery" => "kql".to_string(),
        other => other.to_string(),
    }
}

/// Link to the upstream file for a path under `elastic/` in the corpus.
fn upstream_url(path: &str) -> String {
    match path.strip_prefix("elastic/") {
        Some(rest) if rest.starts_with("rules") => format!("{UPSTREAM}{rest}"),
        _ => String::new(),
    }
}

/// Every technique and sub-technique id, upper case, deduplicated, in order.
fn techniques(threats: &[Threat]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut push = |id: &Option<String>| {
        if let Some(id) = id {
            let id = id.trim().to_ascii_uppercase();
            if !id.is_empty() && !ids.contains(&id) {
                ids.push(id);
            }
        }
    };
    for technique in threats.iter().flat_map(|t| &t.technique) {
        push(&technique.id);
        for sub in &technique.subtechnique {
            push(&sub.id);
        }
    }
    ids
}

/// `OS: Windows` style tags name the platforms, lower-cased.
fn platforms(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        if let Some(os) = tag.strip_prefix("OS:") {
            let os = os.trim().to_ascii_lowercase();
            if !os.is_empty() && !out.contains(&os) {
                out.push(os);
            }
        }
    }
    out
}

fn scalar_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        _ => String::new(),
    }
}

/// `[rule.threshold]`: each group-by field (or `count` when there is none)
/// must reach the value; each cardinality entry becomes its own threshold.
fn threshold_predicates(threshold: Threshold) -> Vec<Predicate> {
    let value = threshold
        .value
        .as_ref()
        .map(scalar_text)
        .unwrap_or_default();
    let mut fields: Vec<String> = threshold
        .field
        .map(OneOrMany::into_vec)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| !f.is_empty())
        .collect();
    if fields.is_empty() {
        fields.push("count".to_string());
    }
    let mut out: Vec<Predicate> = fields
        .into_iter()
        .map(|f| Predicate::new(f, Op::Gte, value.clone()).with_modifiers(vec!["threshold".into()]))
        .collect();
    for card in threshold.cardinality {
        let Some(field) = card.field else { continue };
        let value = card.value.as_ref().map(scalar_text).unwrap_or_default();
        out.push(
            Predicate::new(format!("cardinality({field})"), Op::Gte, value)
                .with_modifiers(vec!["threshold".into(), "cardinality".into()]),
        );
    }
    out
}

/// `[rule.new_terms]`: each field's value must be new since the history
/// window start (`now-14d`), recorded as "first seen >= window start".
fn new_terms_predicates(new_terms: NewTerms) -> Vec<Predicate> {
    let window = new_terms
        .history_window_start
        .into_iter()
        .find_map(|w| w.value)
        .unwrap_or_default();
    new_terms
        .value
        .map(OneOrMany::into_vec)
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            Predicate::new(f, Op::Gte, window.clone()).with_modifiers(vec!["new_terms".into()])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[metadata]
creation_date = "2020/01/01"
integration = ["endpoint"]
maturity = "production"
updated_date = "2024/02/02"

[rule]
author = ["Elastic", "Someone"]
description = "Finds things."
index = ["logs-endpoint.events.*"]
language = "kuery"
license = "Elastic License v2"
name = "Thing"
risk_score = 47
rule_id = "abc"
severity = "medium"
tags = ["OS: Windows", "OS: Linux", "Tactic: Execution"]
type = "threshold"
query = "process.name: x"

[rule.threshold]
field = ["host.id"]
value = 5
[[rule.threshold.cardinality]]
field = "user.name"
value = 3

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1059"
[[rule.threat.technique.subtechnique]]
id = "t1059.001"
[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1059"
"#;

    #[test]
    fn metadata_maps_to_the_model() {
        let file = read("elastic/rules/windows/x.toml", SAMPLE).expect("valid TOML");
        let (rule, query) = file
            .into_rule("elastic/rules/windows/x.toml")
            .expect("has [rule]");
        assert_eq!(rule.id, "abc");
        assert_eq!(rule.title, "Thing");
        assert_eq!(rule.author, "Elastic, Someone");
        assert_eq!(rule.status, "production");
        assert_eq!(
            (rule.date.as_str(), rule.modified.as_str()),
            ("2020/01/01", "2024/02/02")
        );
        assert_eq!(rule.language, "kql");
        assert_eq!(rule.techniques, vec!["T1059", "T1059.001"]);
        assert_eq!(rule.platforms, vec!["windows", "linux"]);
        assert_eq!(rule.url, format!("{UPSTREAM}rules/windows/x.toml"));
        assert!(!rule.deprecated);
        assert_eq!(query.map(|q| q.text), Some("process.name: x".to_string()));
        assert_eq!(
            rule.thresholds,
            vec![
                Predicate::new("host.id", Op::Gte, "5").with_modifiers(vec!["threshold".into()]),
                Predicate::new("cardinality(user.name)", Op::Gte, "3")
                    .with_modifiers(vec!["threshold".into(), "cardinality".into()]),
            ]
        );
        assert!(rule.sources.contains(&DataSource {
            kind: "index".into(),
            value: "logs-endpoint.events.*".into()
        }));
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = read("x.toml", "[rule]\nname = \n").expect_err("invalid TOML");
        assert_eq!(err.line, Some(2));
        assert!(err.reason.starts_with("invalid TOML"));
    }

    #[test]
    fn deprecated_folder_flags_the_rule() {
        let file =
            read("elastic/rules/_deprecated/x.toml", "[rule]\nname = \"x\"\n").expect("valid");
        let (rule, _) = file
            .into_rule("elastic/rules/_deprecated/x.toml")
            .expect("has [rule]");
        assert!(rule.deprecated);
    }
}

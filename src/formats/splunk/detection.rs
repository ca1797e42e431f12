//! The security_content detection YAML: metadata fields mapped onto a
//! [`Rule`], the level derived from the risk score, and platforms derived
//! from the data sources.

use crate::model::{DataSource, ParseError, Rule, Vendor};
use serde::Deserialize;

/// Upstream commit of the corpus snapshot, for links to the rule file.
const UPSTREAM: &str =
    "https://github.com/splunk/security_content/blob/b13b314aed0e1778335a55620474e7d27289a20a/";

/// A number or text in YAML (`confidence: 50` or `'50'`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Scalar {
    fn number(&self) -> Option<f64> {
        match self {
            Scalar::Int(i) => Some(*i as f64),
            Scalar::Float(f) => Some(*f),
            Scalar::Text(t) => t.trim().parse().ok(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct Tags {
    #[serde(default)]
    analytic_story: Option<Vec<String>>,
    #[serde(default)]
    mitre_attack_id: Option<Vec<String>>,
    #[serde(default)]
    risk_score: Option<Scalar>,
    #[serde(default)]
    impact: Option<Scalar>,
    #[serde(default)]
    confidence: Option<Scalar>,
}

/// The fields of a detection file that the catalog uses.
#[derive(Debug, Deserialize)]
pub struct Detection {
    name: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default, rename = "type")]
    rule_type: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    data_source: Option<Vec<String>>,
    #[serde(default)]
    references: Option<Vec<String>>,
    #[serde(default)]
    tags: Option<Tags>,
    /// The SPL search.
    pub search: Option<String>,
}

/// Top-level sections the catalog does not use; skipping them before YAML
/// parsing more than halves the time spent per file.
const UNUSED: [&str; 4] = [
    "tests:",
    "drilldown_searches:",
    "how_to_implement:",
    "known_false_positives:",
];

/// `text` without the block-style top-level sections in [`UNUSED`] (a
/// section runs until the next key in column 0). Should the cut text not
/// parse, the full text is parsed instead, so errors and odd layouts are
/// judged on what the author wrote.
fn without_unused_sections(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut skipping = false;
    for line in text.split_inclusive('\n') {
        // A key in column 0; `- item` and comments in column 0 belong to
        // the section above.
        let top_level = line.starts_with(|c: char| !c.is_whitespace() && c != '#' && c != '-');
        if top_level {
            skipping = UNUSED.iter().any(|k| line.starts_with(k));
        }
        if !skipping {
            out.push_str(line);
        }
    }
    out
}

/// Reads the YAML of one detection; errors carry the YAML position.
pub fn read(path: &str, text: &str) -> Result<Detection, ParseError> {
    if let Ok(det) = serde_saphyr::from_str::<Detection>(&without_unused_sections(text)) {
        return check(path, det);
    }
    let det: Detection = serde_saphyr::from_str(text).map_err(|e| {
        let err = ParseError::new(path, format!("detection is not valid YAML: {e}"));
        match e.location() {
            Some(l) => err.at(l.line() as u32, l.column() as u32),
            None => err,
        }
    })?;
    check(path, det)
}

fn check(path: &str, det: Detection) -> Result<Detection, ParseError> {
    if det.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(ParseError::new(path, "detection has no `name`"));
    }
    if det.search.is_none() {
        return Err(ParseError::new(path, "detection has no `search`"));
    }
    Ok(det)
}

/// Level from the risk score (`risk_score`, else `impact × confidence / 100`):
/// ≥ 80 critical, ≥ 60 high, ≥ 40 medium, ≥ 20 low, otherwise informational.
fn level(tags: &Tags) -> String {
    let score = tags
        .risk_score
        .as_ref()
        .and_then(Scalar::number)
        .or_else(|| {
            let impact = tags.impact.as_ref()?.number()?;
            let confidence = tags.confidence.as_ref()?.number()?;
            Some(impact * confidence / 100.0)
        });
    let Some(score) = score else {
        return String::new();
    };
    match score {
        s if s >= 80.0 => "critical",
        s if s >= 60.0 => "high",
        s if s >= 40.0 => "medium",
        s if s >= 20.0 => "low",
        _ => "informational",
    }
    .to_string()
}

/// Platforms named by a data source (`Sysmon EventID 1` → windows).
fn platforms_of(data_source: &str) -> &'static [&'static str] {
    let d = data_source.to_ascii_lowercase();
    let table: [(&str, &[&str]); 17] = [
        ("sysmon for linux", &["linux"]),
        ("linux", &["linux"]),
        ("sysmon", &["windows"]),
        ("windows", &["windows"]),
        ("powershell", &["windows"]),
        ("ntlm", &["windows"]),
        ("aws", &["aws"]),
        ("azure", &["azure"]),
        ("o365", &["m365"]),
        ("office 365", &["m365"]),
        ("okta", &["okta"]),
        ("google workspace", &["google_workspace"]),
        ("g suite", &["google_workspace"]),
        ("gcp", &["gcp"]),
        ("kubernetes", &["kubernetes"]),
        ("github", &["github"]),
        ("osquery", &["linux", "macos"]),
    ];
    table
        .iter()
        .find(|(prefix, _)| d.starts_with(prefix))
        .map_or(&[], |(_, p)| p)
}

fn push_unique(list: &mut Vec<String>, value: String) {
    if !value.is_empty() && !list.contains(&value) {
        list.push(value);
    }
}

/// The rule's metadata from a detection (predicates come from the search).
pub fn to_rule(path: &str, det: &Detection) -> Rule {
    let tags = det.tags.as_ref();
    let mut rule = Rule {
        vendor: Vendor::Splunk,
        id: det.id.clone().unwrap_or_default(),
        title: det.name.clone().unwrap_or_default().trim().to_string(),
        path: path.to_string(),
        description: det.description.clone().unwrap_or_default(),
        author: det.author.clone().unwrap_or_default(),
        date: det.date.clone().unwrap_or_default(),
        status: det.status.clone().unwrap_or_default(),
        level: tags.map(level).unwrap_or_default(),
        rule_type: det.rule_type.clone().unwrap_or_default(),
        language: "spl".to_string(),
        references: det.references.clone().unwrap_or_default(),
        query: det.search.clone().unwrap_or_default(),
        license: "Apache-2.0".to_string(),
        ..Rule::default()
    };
    if let Some(tags) = tags {
        for t in tags.mitre_attack_id.iter().flatten() {
            push_unique(&mut rule.techniques, t.trim().to_ascii_uppercase());
        }
        for s in tags.analytic_story.iter().flatten() {
            push_unique(&mut rule.tags, s.trim().to_string());
        }
    }
    for ds in det.data_source.iter().flatten() {
        rule.sources.push(DataSource {
            kind: "data_source".to_string(),
            value: ds.clone(),
        });
        for p in platforms_of(ds) {
            push_unique(&mut rule.platforms, p.to_string());
        }
    }
    rule.deprecated = path.contains("/deprecated/")
        || path.starts_with("deprecated/")
        || rule.status.eq_ignore_ascii_case("deprecated");
    if let Some(rel) = path.strip_prefix("splunk/") {
        rule.url = format!("{UPSTREAM}{rel}");
    }
    rule
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "name: X\nid: 1-2\ndate: '2024-01-01'\nauthor: A\nstatus: production\ntype: TTP\ndescription: d\ndata_source:\n- Sysmon EventID 1\n- AWS CloudTrail\nsearch: '`sysmon` a=1'\nreferences:\n- https://e\ntags:\n  analytic_story:\n  - S\n  mitre_attack_id:\n  - t1059.001\n  - T1059.001\n  risk_score: 64\n";

    #[test]
    fn metadata_maps_onto_the_rule() {
        let det = read("splunk/detections/deprecated/x.yml", YAML).unwrap();
        let rule = to_rule("splunk/detections/deprecated/x.yml", &det);
        assert_eq!(rule.title, "X");
        assert_eq!(rule.techniques, ["T1059.001"]);
        assert_eq!(rule.tags, ["S"]);
        assert_eq!(rule.level, "high");
        assert_eq!(rule.platforms, ["windows", "aws"]);
        assert_eq!(rule.sources.len(), 2);
        assert!(rule.deprecated);
        assert!(rule.url.ends_with("/detections/deprecated/x.yml"));
    }

    #[test]
    fn unused_sections_are_cut_at_the_next_top_level_key() {
        let text =
            "name: a\ntests:\n- x: 1\n  y: 2\n# c\nsearch: s\nhow_to_implement: long\n  text\n";
        assert_eq!(without_unused_sections(text), "name: a\nsearch: s\n");
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(read("x", "name: [").is_err());
        assert!(read("x", "search: a").is_err());
        assert!(read("x", "name: n").is_err());
        assert!(read("x", "- a\n- b").is_err());
    }
}

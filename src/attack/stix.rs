//! The subset of STIX 2.0/2.1 fields ATT&CK objects carry that the catalogue
//! needs, read with serde. One struct covers every object type: unused fields
//! stay at their defaults and unknown fields are skipped.

use crate::model::ParseError;
use serde::Deserialize;

/// The source name of the external reference that holds an object's ATT&CK id
/// and page URL.
pub(crate) const MITRE_ATTACK: &str = "mitre-attack";

/// One STIX object (or a bundle, whose `objects` hold the real ones).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawObject {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub name: String,
    pub description: String,
    pub modified: String,
    pub revoked: bool,
    pub x_mitre_deprecated: bool,
    pub x_mitre_version: String,
    pub external_references: Vec<ExternalReference>,
    pub kill_chain_phases: Vec<KillChainPhase>,
    pub x_mitre_platforms: Vec<String>,
    pub x_mitre_shortname: String,
    /// Matrix: its tactics, in column order.
    pub tactic_refs: Vec<String>,
    /// Detection strategy: its analytics, in order.
    pub x_mitre_analytic_refs: Vec<String>,
    pub relationship_type: String,
    pub source_ref: String,
    pub target_ref: String,
    /// Bundle: the objects it carries.
    pub objects: Vec<RawObject>,
}

/// A STIX external reference: the ATT&CK id and URL, or a cited source.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ExternalReference {
    pub source_name: String,
    pub description: String,
    pub url: String,
    pub external_id: String,
}

/// A kill-chain phase: ATT&CK uses it to place a technique under a tactic.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct KillChainPhase {
    pub kill_chain_name: String,
    pub phase_name: String,
}

impl RawObject {
    /// The reference holding the ATT&CK id (`T1059.001`, `TA0002`, `DET0001`).
    pub fn attack_reference(&self) -> Option<&ExternalReference> {
        self.external_references
            .iter()
            .find(|r| r.source_name == MITRE_ATTACK && !r.external_id.is_empty())
    }

    /// The ATT&CK id, or an empty string when the object has none.
    pub fn attack_id(&self) -> &str {
        self.attack_reference()
            .map_or("", |r| r.external_id.as_str())
    }

    /// Revoked or deprecated upstream.
    pub fn is_retired(&self) -> bool {
        self.revoked || self.x_mitre_deprecated
    }
}

/// Reads one file: a STIX bundle yields its objects, a bare object itself.
pub(crate) fn parse_file(path: &str, text: &str) -> Result<Vec<RawObject>, ParseError> {
    let object: RawObject = serde_json::from_str(text).map_err(|e| {
        let error = ParseError::new(path, format!("not a STIX bundle or object: {e}"));
        if e.line() > 0 {
            error.at(to_u32(e.line()), to_u32(e.column().max(1)))
        } else {
            error
        }
    })?;
    if object.kind == "bundle" {
        Ok(object.objects)
    } else if object.kind.is_empty() {
        Err(ParseError::new(
            path,
            "not a STIX bundle or object: the \"type\" field is missing",
        ))
    } else {
        Ok(vec![object])
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_yields_its_objects_and_an_object_itself() {
        let bundle = r#"{"type":"bundle","objects":[{"type":"x-mitre-tactic","id":"x","name":"Execution"}]}"#;
        let objects = parse_file("b.json", bundle).expect("bundle parses");
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].name, "Execution");
        let single = r#"{"type":"attack-pattern","external_references":[{"source_name":"mitre-attack","external_id":"T1"}]}"#;
        let objects = parse_file("o.json", single).expect("object parses");
        assert_eq!(objects[0].attack_id(), "T1");
    }

    #[test]
    fn broken_json_reports_file_and_position() {
        let error =
            parse_file("bad.json", "{\n  \"type\": 5\n}").expect_err("type must be a string");
        assert_eq!(error.path, "bad.json");
        assert_eq!(error.line, Some(2));
        let error = parse_file("empty.json", "{}").expect_err("type is required");
        assert!(error.reason.contains("\"type\""), "{}", error.reason);
    }
}

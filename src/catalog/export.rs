//! Exports of what a view shows: CSV of any table and an ATT&CK Navigator
//! layer (format 4.5) of the current filtered coverage.

use super::filter::Filter;
use super::index::Catalog;
use serde::{Deserialize, Serialize};

/// Writes a CSV document (RFC 4180: comma separated, CRLF line ends, fields
/// quoted when they hold a comma, quote or line break).
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let quoted: Vec<String> = cells.map(csv_cell).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

fn csv_cell(cell: &str) -> String {
    // A leading =, +, - or @ would run as a formula in a spreadsheet.
    let guarded = if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// ATT&CK Navigator layer versions block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerVersions {
    pub attack: String,
    pub navigator: String,
    pub layer: String,
}

/// A name/URL link in a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerLink {
    pub label: String,
    pub url: String,
}

/// A name/value metadata entry in a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerMetadata {
    pub name: String,
    pub value: String,
}

/// One scored technique of a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerTechnique {
    #[serde(rename = "techniqueID")]
    pub technique_id: String,
    pub score: u32,
    pub comment: String,
    pub enabled: bool,
    pub show_subtechniques: bool,
    pub links: Vec<LayerLink>,
    pub metadata: Vec<LayerMetadata>,
}

/// The score colour scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerGradient {
    pub colors: Vec<String>,
    pub min_value: u32,
    pub max_value: u32,
}

/// An ATT&CK Navigator layer, format 4.5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NavigatorLayer {
    pub name: String,
    pub versions: LayerVersions,
    pub domain: String,
    pub description: String,
    pub sorting: u32,
    pub hide_disabled: bool,
    pub techniques: Vec<LayerTechnique>,
    pub gradient: LayerGradient,
    pub metadata: Vec<LayerMetadata>,
    pub links: Vec<LayerLink>,
}

/// The coverage of the rules passing `filter` as a Navigator layer: one
/// technique per ATT&CK id with rules, scored by rule count, each linking
/// back to its page under `page_url` (the app's address without the hash;
/// links are only added when it is http(s), as the format requires).
pub fn navigator_layer(cat: &Catalog, filter: &Filter, page_url: &str) -> NavigatorLayer {
    let query = filter.to_query();
    let web = page_url.starts_with("https://") || page_url.starts_with("http://");
    let mut techniques: Vec<LayerTechnique> = cat
        .tagged_techniques()
        .filter_map(|(id, _)| {
            let rules = cat.rules_for(id, filter, false);
            if rules.is_empty() {
                return None;
            }
            let mut per_vendor = std::collections::BTreeMap::new();
            for &i in &rules {
                if let Some(r) = cat.rule(i) {
                    *per_vendor.entry(r.vendor.label()).or_insert(0u32) += 1;
                }
            }
            let split: Vec<String> = per_vendor.iter().map(|(v, n)| format!("{v} {n}")).collect();
            let links = if web {
                let sep = if query.is_empty() { "" } else { "?" };
                vec![LayerLink {
                    label: "rulescope".into(),
                    url: format!("{page_url}#/technique/{id}{sep}{query}"),
                }]
            } else {
                Vec::new()
            };
            Some(LayerTechnique {
                technique_id: id.to_string(),
                score: rules.len() as u32,
                comment: format!("{} rules ({})", rules.len(), split.join(", ")),
                enabled: true,
                show_subtechniques: false,
                links,
                metadata: per_vendor
                    .iter()
                    .map(|(v, n)| LayerMetadata {
                        name: v.to_string(),
                        value: n.to_string(),
                    })
                    .collect(),
            })
        })
        .collect();
    techniques.sort_by(|a, b| a.technique_id.cmp(&b.technique_id));
    let max = techniques.iter().map(|t| t.score).max().unwrap_or(0).max(1);
    let description = if query.is_empty() {
        "Detection rule coverage, all vendors".to_string()
    } else {
        format!("Detection rule coverage, filter: {query}")
    };
    let version = cat.data().meta.attack_version.clone();
    NavigatorLayer {
        name: "rulescope coverage".into(),
        versions: LayerVersions {
            attack: version.split('.').next().unwrap_or_default().to_string(),
            navigator: "5.2.0".into(),
            layer: "4.5".into(),
        },
        domain: "enterprise-attack".into(),
        description,
        sorting: 3,
        hide_disabled: false,
        techniques,
        gradient: LayerGradient {
            colors: vec!["#ffffff".into(), "#66b1ff".into(), "#0b3d91".into()],
            min_value: 0,
            max_value: max,
        },
        metadata: vec![LayerMetadata {
            name: "filter".into(),
            value: if query.is_empty() {
                "none".into()
            } else {
                query
            },
        }],
        links: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogData;
    use crate::model::{Rule, Vendor};

    #[test]
    fn csv_quotes_and_guards_formulas() {
        let csv = to_csv(
            &["field", "value"],
            &[
                vec!["CommandLine".into(), "a,\"b\"".into()],
                vec!["x".into(), "=cmd|' /c calc'!A0".into()],
            ],
        );
        assert_eq!(
            csv,
            "field,value\r\nCommandLine,\"a,\"\"b\"\"\"\r\nx,'=cmd|' /c calc'!A0\r\n"
        );
    }

    #[test]
    fn layer_scores_filtered_rules_and_links_back() {
        let r = |id: &str, t: &str, vendor: Vendor| Rule {
            id: id.into(),
            vendor,
            techniques: vec![t.into()],
            ..Rule::default()
        };
        let mut data = CatalogData {
            rules: vec![
                r("a", "T1059.001", Vendor::Sigma),
                r("b", "T1059.001", Vendor::Splunk),
                r("c", "T1003", Vendor::Splunk),
            ],
            ..CatalogData::default()
        };
        data.meta.attack_version = "18.0".into();
        let cat = Catalog::new(data);
        let f = Filter {
            vendors: vec![Vendor::Sigma],
            ..Filter::default()
        };
        let layer = navigator_layer(&cat, &f, "https://portal.example/rulescope/");
        assert_eq!(layer.versions.layer, "4.5");
        assert_eq!(layer.versions.attack, "18");
        assert_eq!(layer.techniques.len(), 1);
        let t = &layer.techniques[0];
        assert_eq!((t.technique_id.as_str(), t.score), ("T1059.001", 1));
        assert_eq!(
            t.links[0].url,
            "https://portal.example/rulescope/#/technique/T1059.001?vendor=sigma"
        );
        let json = serde_json::to_value(&layer).unwrap();
        assert_eq!(json["techniques"][0]["techniqueID"], "T1059.001");
        assert_eq!(json["gradient"]["maxValue"], 1);
        let offline = navigator_layer(&cat, &Filter::default(), "file:///x/index.html");
        assert!(offline.techniques.iter().all(|t| t.links.is_empty()));
    }
}

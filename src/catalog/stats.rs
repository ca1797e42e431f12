//! What the About page says about the catalog: where each part of the corpus
//! comes from (repository, commit, license) and how much it holds.

use super::index::Catalog;
use super::meta::SourceInfo;
use crate::model::Vendor;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// One vendor's share of the catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VendorStats {
    pub vendor: Vendor,
    /// Every rule of the vendor, deprecated ones included.
    pub rules: u32,
    /// Of those, deprecated upstream (hidden by default).
    pub deprecated: u32,
    /// Distinct ATT&CK ids its current (not deprecated) rules are tagged with.
    pub techniques: u32,
    /// Positive predicates over all its rules (each rule's are deduplicated).
    pub predicates: u32,
    pub exclusions: u32,
}

/// One upstream source with the link to its recorded commit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceStats {
    pub source: SourceInfo,
    /// The repository at the recorded commit; empty without both.
    pub commit_url: String,
    /// Rules read from this source's corpus folder (0 for ATT&CK).
    pub rules: u32,
}

/// The About page's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusStats {
    /// Built from the sample rules rather than the public corpus.
    pub sample: bool,
    pub attack_version: String,
    /// Every rule, deprecated and local ones included.
    pub rules: u32,
    pub deprecated: u32,
    /// Rules the user dropped into the page.
    pub local: u32,
    /// Per vendor, in [`Vendor::ALL`] order, vendors without rules left out.
    pub vendors: Vec<VendorStats>,
    pub tactics: u32,
    /// ATT&CK techniques and sub-techniques, revoked and deprecated ones left out.
    pub techniques: u32,
    /// Of those, how many at least one current rule is tagged with.
    pub techniques_covered: u32,
    pub predicates: u32,
    pub exclusions: u32,
    /// Conditions on computed fields and threshold parameters.
    pub thresholds: u32,
    /// Distinct canonical fields in predicates and exclusions.
    pub fields: u32,
    pub sources: Vec<SourceStats>,
}

/// `repository/tree/commit` for an http(s) repository with a commit.
fn commit_url(source: &SourceInfo) -> String {
    let repo = source.repository.trim().trim_end_matches(".git");
    let web = repo.starts_with("https://") || repo.starts_with("http://");
    if !web || source.commit.is_empty() {
        return String::new();
    }
    format!("{}/tree/{}", repo.trim_end_matches('/'), source.commit)
}

/// Counts the catalog for the About page.
pub fn corpus_stats(cat: &Catalog) -> CorpusStats {
    let data = cat.data();
    let mut by_vendor: BTreeMap<Vendor, (VendorStats, HashSet<&str>)> = BTreeMap::new();
    let mut fields: HashSet<&str> = HashSet::new();
    let mut covered: HashSet<&str> = HashSet::new();
    let mut per_folder: BTreeMap<&str, u32> = BTreeMap::new();
    let mut stats = CorpusStats {
        sample: data.meta.sample,
        attack_version: data.meta.attack_version.clone(),
        tactics: data.tactics.len() as u32,
        ..CorpusStats::default()
    };
    for rule in cat.rules() {
        let (v, techniques) = by_vendor.entry(rule.vendor).or_default();
        v.vendor = rule.vendor;
        v.rules += 1;
        v.predicates += rule.predicates.len() as u32;
        v.exclusions += rule.exclusions.len() as u32;
        if rule.deprecated {
            v.deprecated += 1;
        } else {
            techniques.extend(rule.techniques.iter().map(String::as_str));
            covered.extend(rule.techniques.iter().map(String::as_str));
        }
        stats.rules += 1;
        stats.deprecated += rule.deprecated as u32;
        stats.local += rule.local as u32;
        stats.predicates += rule.predicates.len() as u32;
        stats.exclusions += rule.exclusions.len() as u32;
        stats.thresholds += rule.thresholds.len() as u32;
        for p in rule.predicates.iter().chain(&rule.exclusions) {
            fields.insert(p.canonical.as_str());
        }
        if !rule.local {
            let folder = rule.path.split('/').next().unwrap_or_default();
            *per_folder.entry(folder).or_default() += 1;
        }
    }
    stats.vendors = Vendor::ALL
        .iter()
        .filter_map(|v| by_vendor.remove(v))
        .map(|(mut v, techniques)| {
            v.techniques = techniques.len() as u32;
            v
        })
        .collect();
    let current = data.techniques.iter().filter(|t| !t.is_retired());
    for t in current {
        stats.techniques += 1;
        stats.techniques_covered += covered.contains(t.id.as_str()) as u32;
    }
    stats.fields = fields.len() as u32;
    stats.sources = data
        .meta
        .sources
        .iter()
        .map(|s| SourceStats {
            commit_url: commit_url(s),
            rules: per_folder.get(s.name.as_str()).copied().unwrap_or(0),
            source: s.clone(),
        })
        .collect();
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{CatalogData, CorpusMeta};
    use crate::model::{Op, Predicate, Rule, Technique};

    fn technique(id: &str, revoked: bool) -> Technique {
        Technique {
            id: id.into(),
            revoked,
            ..Technique::default()
        }
    }

    #[test]
    fn counts_rules_coverage_fields_and_sources() {
        let pred = |field: &str| Predicate::new(field, Op::Eq, "x");
        let rule = |vendor: Vendor, path: &str, tech: &str, preds: Vec<Predicate>| Rule {
            vendor,
            path: path.into(),
            techniques: vec![tech.into()],
            predicates: preds,
            ..Rule::default()
        };
        let mut old = rule(Vendor::Sigma, "sigma/deprecated/a.yml", "T1003", vec![]);
        old.deprecated = true;
        let mut mine = rule(Vendor::Local, "mine.yml", "T1059.001", vec![pred("Image")]);
        mine.local = true;
        mine.exclusions = vec![pred("ParentImage")];
        let mut splunk = rule(
            Vendor::Splunk,
            "splunk/detections/b.yml",
            "T1059.001",
            vec![pred("Image"), pred("process_name")],
        );
        splunk.thresholds = vec![Predicate::new("count", Op::Gt, "5")];
        let sources = vec![
            SourceInfo {
                name: "sigma".into(),
                repository: "https://github.com/SigmaHQ/sigma.git".into(),
                commit: "abc".into(),
                ..SourceInfo::default()
            },
            SourceInfo {
                name: "splunk".into(),
                repository: "git@example.org:x.git".into(),
                commit: "def".into(),
                ..SourceInfo::default()
            },
        ];
        let cat = Catalog::new(CatalogData {
            meta: CorpusMeta {
                sources,
                attack_version: "18.0".into(),
                ..CorpusMeta::default()
            },
            techniques: vec![
                technique("T1003", false),
                technique("T1059", false),
                technique("T1059.001", false),
                technique("T1000", true),
            ],
            rules: vec![
                rule(
                    Vendor::Sigma,
                    "sigma/rules/a.yml",
                    "T1059",
                    vec![pred("Image")],
                ),
                old,
                splunk,
                mine,
            ],
            ..CatalogData::default()
        });
        let s = corpus_stats(&cat);
        assert_eq!((s.rules, s.deprecated, s.local), (4, 1, 1));
        assert_eq!(s.attack_version, "18.0");
        let vendors: Vec<(Vendor, u32, u32, u32)> = s
            .vendors
            .iter()
            .map(|v| (v.vendor, v.rules, v.deprecated, v.techniques))
            .collect();
        assert_eq!(
            vendors,
            vec![
                (Vendor::Sigma, 2, 1, 1),
                (Vendor::Splunk, 1, 0, 1),
                (Vendor::Local, 1, 0, 1),
            ]
        );
        // The deprecated rule's T1003 does not count; the revoked T1000 is
        // not a technique.
        assert_eq!((s.techniques, s.techniques_covered), (3, 2));
        assert_eq!((s.predicates, s.exclusions, s.thresholds), (4, 1, 1));
        assert_eq!(s.fields, 3, "Image, process_name, ParentImage");
        let sources: Vec<(&str, u32, &str)> = s
            .sources
            .iter()
            .map(|x| (x.source.name.as_str(), x.rules, x.commit_url.as_str()))
            .collect();
        assert_eq!(
            sources,
            vec![
                ("sigma", 2, "https://github.com/SigmaHQ/sigma/tree/abc"),
                ("splunk", 1, ""),
            ]
        );
    }
}

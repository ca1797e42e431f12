//! What a catalog is made of before indexing: the serialised form that the
//! bundle carries, with the facts the About page and attribution need.

use crate::model::{Rule, Tactic, Technique};
use serde::{Deserialize, Serialize};

/// One upstream rule or ATT&CK repository, as recorded in `rules/sources.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceInfo {
    /// `sigma`, `splunk`, `elastic` or `attack`: the corpus folder name.
    pub name: String,
    pub repository: String,
    pub commit: String,
    pub date: String,
    pub license: String,
    pub license_file: String,
    /// Link to a file at the recorded commit; `{commit}` and `{path}` are
    /// substituted.
    pub url_template: String,
    /// Leading folder of our corpus paths that the upstream repository lacks.
    pub strip_prefix: String,
    /// The release the snapshot belongs to, where the upstream names one
    /// (`ATT&CK v18`).
    pub release: String,
}

impl SourceInfo {
    /// The upstream link for a corpus-relative path, if this source has one.
    pub fn url_for(&self, path: &str) -> String {
        if self.url_template.is_empty() {
            return String::new();
        }
        let upstream = path
            .strip_prefix(self.strip_prefix.as_str())
            .unwrap_or(path)
            .trim_start_matches('/');
        self.url_template
            .replace("{commit}", &self.commit)
            .replace("{path}", upstream)
    }
}

/// Fills in a rule's upstream link and license from the source its path
/// belongs to (the first path component names the corpus folder).
pub fn attach_source(rule: &mut crate::model::Rule, sources: &[SourceInfo]) {
    let folder = rule.path.split('/').next().unwrap_or_default();
    if let Some(src) = sources.iter().find(|s| s.name == folder) {
        if rule.url.is_empty() {
            rule.url = src.url_for(&rule.path);
        }
        if rule.license.is_empty() {
            rule.license = src.license.clone();
        }
    }
}

/// Facts about the corpus a catalog was built from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusMeta {
    /// True when built from the sample rules in `rules/samples`, not a corpus.
    pub sample: bool,
    pub sources: Vec<SourceInfo>,
    pub attack_version: String,
    /// Files read and files that failed while building.
    pub files: u32,
    pub errors: u32,
}

/// Everything a catalog holds, in the form the bundle stores.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CatalogData {
    pub meta: CorpusMeta,
    /// Tactics in matrix order.
    pub tactics: Vec<Tactic>,
    pub techniques: Vec<Technique>,
    pub rules: Vec<Rule>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_strips_the_corpus_folder_and_fills_the_commit() {
        let s = SourceInfo {
            commit: "abc".into(),
            url_template: "https://github.com/SigmaHQ/sigma/blob/{commit}/{path}".into(),
            strip_prefix: "sigma/".into(),
            ..SourceInfo::default()
        };
        assert_eq!(
            s.url_for("sigma/rules/windows/a.yml"),
            "https://github.com/SigmaHQ/sigma/blob/abc/rules/windows/a.yml"
        );
        assert_eq!(SourceInfo::default().url_for("x"), "");
    }
}

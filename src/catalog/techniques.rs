//! Rule counts per technique for the technique index and the matrix.

use super::filter::Filter;
use super::index::Catalog;
use crate::model::Vendor;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many rules (passing a filter) a technique has, in all and per vendor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TechniqueCount {
    pub id: String,
    pub name: String,
    /// Rules tagged with the technique itself.
    pub rules: u32,
    /// Rules tagged with the technique or one of its sub-techniques.
    pub with_subtechniques: u32,
    pub by_vendor: BTreeMap<Vendor, u32>,
    pub retired: bool,
}

/// Counts for every technique of the catalogue (retired ones only when
/// `filter.include_deprecated`), sorted by id, with the search `query`
/// matched against id and name (case-insensitive; empty matches all).
pub fn technique_counts(cat: &Catalog, filter: &Filter, query: &str) -> Vec<TechniqueCount> {
    let q = query.trim().to_lowercase();
    let passes: Vec<bool> = cat.rules().iter().map(|r| filter.matches(r)).collect();
    let passing =
        |ids: Vec<u32>| -> Vec<u32> { ids.into_iter().filter(|&i| passes[i as usize]).collect() };
    let mut out: Vec<TechniqueCount> = cat
        .data()
        .techniques
        .iter()
        .filter(|t| filter.include_deprecated || !t.is_retired())
        .filter(|t| {
            q.is_empty() || t.id.to_lowercase().contains(&q) || t.name.to_lowercase().contains(&q)
        })
        .map(|t| {
            let own = passing(cat.tagged_rules(&t.id, false));
            let all = passing(cat.tagged_rules(&t.id, true));
            let mut by_vendor = BTreeMap::new();
            for &i in &all {
                if let Some(r) = cat.rule(i) {
                    *by_vendor.entry(r.vendor).or_insert(0) += 1;
                }
            }
            TechniqueCount {
                id: t.id.clone(),
                name: t.name.clone(),
                rules: own.len() as u32,
                with_subtechniques: all.len() as u32,
                by_vendor,
                retired: t.is_retired(),
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogData;
    use crate::model::{Rule, Technique};

    #[test]
    fn counts_roll_up_and_search_and_hide_retired() {
        let t = |id: &str, name: &str, revoked: bool| Technique {
            id: id.into(),
            name: name.into(),
            revoked,
            ..Technique::default()
        };
        let r = |id: &str, tech: &str, vendor: Vendor| Rule {
            id: id.into(),
            vendor,
            techniques: vec![tech.into()],
            ..Rule::default()
        };
        let cat = Catalog::new(CatalogData {
            techniques: vec![
                t("T1059", "Command and Scripting Interpreter", false),
                t("T1059.001", "PowerShell", false),
                t("T1000", "Old", true),
            ],
            rules: vec![
                r("a", "T1059", Vendor::Sigma),
                r("b", "T1059.001", Vendor::Splunk),
            ],
            ..CatalogData::default()
        });
        let all = technique_counts(&cat, &Filter::default(), "");
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].rules, all[0].with_subtechniques), (1, 2));
        assert_eq!(all[0].by_vendor.get(&Vendor::Splunk), Some(&1));
        let found = technique_counts(&cat, &Filter::default(), "power");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "T1059.001");
    }
}

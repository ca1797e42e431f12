//! The ATT&CK Enterprise matrix as a heat map of rule counts: one column per
//! tactic in matrix order, one cell per technique (a technique in several
//! tactics appears in each column), sub-techniques nested under their parent.
//!
//! # Heat levels
//! Rule counts are heavy-tailed (a few techniques have hundreds of rules,
//! most have a handful), so a linear scale would paint almost every cell the
//! palest colour. Levels use a log scale over the largest count shown:
//! 0 means no rule, and a count `c` with the largest visible count `max`
//! gets level `1 + ⌊4 · ln c / ln max⌋` (1 for a single rule, 5 for `max`).
//! It is computed exactly in integers (`c⁴ ≥ maxᵏ`), so a count's level
//! never depends on floating-point rounding. Unlike quantiles, the bands do
//! not shift when many cells tie, and equal counts always share a colour.

use super::filter::Filter;
use super::index::Catalog;
use crate::model::{Technique, Vendor};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The highest heat level; 0 is "no rule".
pub const MAX_LEVEL: u8 = 5;

/// One technique or sub-technique cell.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatrixCell {
    pub id: String,
    pub name: String,
    /// Rules tagged with the technique itself.
    pub rules: u32,
    /// Rules tagged with the technique or one of its sub-techniques (equal
    /// to `rules` for a sub-technique). This is the count the cell shows.
    pub with_subtechniques: u32,
    /// Heat level of `with_subtechniques`, 0..=[`MAX_LEVEL`].
    pub level: u8,
    /// Sub-technique cells of this column's tactic, sorted by name.
    pub subtechniques: Vec<MatrixCell>,
}

/// One tactic column.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatrixColumn {
    /// `TA0002`.
    pub tactic_id: String,
    /// `execution`.
    pub shortname: String,
    pub name: String,
    /// Techniques of the tactic, sorted by name as in ATT&CK's own matrix.
    pub cells: Vec<MatrixCell>,
}

/// The whole matrix under one filter and vendor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    pub columns: Vec<MatrixColumn>,
    /// The largest count shown in any cell: the top of the heat scale.
    pub max: u32,
}

/// The counts that fall in one heat level, for the legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeatBand {
    pub level: u8,
    /// Smallest and largest count of the level, inclusive.
    pub from: u32,
    pub to: u32,
}

/// The heat level of `count` when the largest visible count is `max`
/// (see the module documentation).
pub fn heat_level(count: u32, max: u32) -> u8 {
    if count == 0 {
        return 0;
    }
    if max <= 1 || count >= max {
        return MAX_LEVEL;
    }
    let c4 = u128::from(count).pow(4);
    let m = u128::from(max);
    let steps = (1..MAX_LEVEL as u32)
        .take_while(|&k| c4 >= m.pow(k))
        .count() as u8;
    1 + steps
}

impl Matrix {
    /// Which counts each non-empty level stands for, lowest first (level 0,
    /// "no rule", included), so a legend can say what a colour means.
    pub fn legend(&self) -> Vec<HeatBand> {
        let mut bands = vec![HeatBand {
            level: 0,
            from: 0,
            to: 0,
        }];
        let mut count = 1;
        while count <= self.max {
            let level = heat_level(count, self.max);
            // The last count of this level: search the next level's start.
            let (mut lo, mut hi) = (count, self.max);
            while lo < hi {
                let mid = lo + (hi - lo).div_ceil(2);
                if heat_level(mid, self.max) == level {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            bands.push(HeatBand {
                level,
                from: count,
                to: lo,
            });
            count = lo + 1;
        }
        bands
    }
}

/// Rule counts per technique id among the rules passing `filter` (and of
/// `vendor`, when given): `(own, with sub-techniques)`, each rule once.
fn counts<'c>(
    cat: &'c Catalog,
    filter: &Filter,
    vendor: Option<Vendor>,
) -> (HashMap<&'c str, u32>, HashMap<&'c str, u32>) {
    let mut own: HashMap<&str, u32> = HashMap::new();
    let mut rolled: HashMap<&str, u32> = HashMap::new();
    let mut bases: Vec<&str> = Vec::new();
    for rule in cat.rules() {
        if vendor.is_some_and(|v| v != rule.vendor) || !filter.matches(rule) {
            continue;
        }
        bases.clear();
        for t in &rule.techniques {
            *own.entry(t.as_str()).or_insert(0) += 1;
            bases.push(t.split('.').next().unwrap_or(t));
        }
        bases.sort_unstable();
        bases.dedup();
        for b in &bases {
            *rolled.entry(b).or_insert(0) += 1;
        }
    }
    (own, rolled)
}

/// Builds the matrix from the catalog's ATT&CK data: tactics in matrix
/// order, techniques and sub-techniques that are neither revoked nor
/// deprecated, counts of the rules that pass `filter` and, when `vendor` is
/// given, come from that vendor only (the page's per-vendor switch).
pub fn matrix(cat: &Catalog, filter: &Filter, vendor: Option<Vendor>) -> Matrix {
    let (own, rolled) = counts(cat, filter, vendor);
    let data = cat.data();
    let live: Vec<&Technique> = data.techniques.iter().filter(|t| !t.is_retired()).collect();
    let mut children: HashMap<&str, Vec<&Technique>> = HashMap::new();
    for t in &live {
        if let Some(parent) = &t.parent {
            children.entry(parent.as_str()).or_default().push(t);
        }
    }
    let by_name = |a: &MatrixCell, b: &MatrixCell| a.name.cmp(&b.name).then(a.id.cmp(&b.id));
    let get = |map: &HashMap<&str, u32>, id: &str| map.get(id).copied().unwrap_or(0);
    let mut columns: Vec<MatrixColumn> = data
        .tactics
        .iter()
        .map(|tactic| {
            let in_tactic = |t: &Technique| t.tactics.contains(&tactic.shortname);
            let mut cells: Vec<MatrixCell> = live
                .iter()
                .filter(|t| t.parent.is_none() && in_tactic(t))
                .map(|t| {
                    let mut subtechniques: Vec<MatrixCell> = children
                        .get(t.id.as_str())
                        .into_iter()
                        .flatten()
                        .filter(|s| s.tactics.is_empty() || in_tactic(s))
                        .map(|s| MatrixCell {
                            id: s.id.clone(),
                            name: s.name.clone(),
                            rules: get(&own, &s.id),
                            with_subtechniques: get(&own, &s.id),
                            ..MatrixCell::default()
                        })
                        .collect();
                    subtechniques.sort_by(by_name);
                    MatrixCell {
                        id: t.id.clone(),
                        name: t.name.clone(),
                        rules: get(&own, &t.id),
                        with_subtechniques: get(&rolled, &t.id),
                        level: 0,
                        subtechniques,
                    }
                })
                .collect();
            cells.sort_by(by_name);
            MatrixColumn {
                tactic_id: tactic.id.clone(),
                shortname: tactic.shortname.clone(),
                name: tactic.name.clone(),
                cells,
            }
        })
        .collect();
    let max = columns
        .iter()
        .flat_map(|c| &c.cells)
        .map(|c| c.with_subtechniques)
        .max()
        .unwrap_or(0);
    for cell in columns.iter_mut().flat_map(|c| c.cells.iter_mut()) {
        cell.level = heat_level(cell.with_subtechniques, max);
        for sub in &mut cell.subtechniques {
            sub.level = heat_level(sub.with_subtechniques, max);
        }
    }
    Matrix { columns, max }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogData;
    use crate::model::{Rule, Tactic};

    fn tactic(id: &str, short: &str, name: &str) -> Tactic {
        Tactic {
            id: id.into(),
            shortname: short.into(),
            name: name.into(),
            ..Tactic::default()
        }
    }

    fn tech(id: &str, name: &str, tactics: &[&str]) -> Technique {
        let parent = id.split_once('.').map(|(p, _)| p.to_string());
        Technique {
            id: id.into(),
            name: name.into(),
            tactics: tactics.iter().map(|t| t.to_string()).collect(),
            parent,
            ..Technique::default()
        }
    }

    fn rule(id: &str, vendor: Vendor, techniques: &[&str]) -> Rule {
        Rule {
            id: id.into(),
            vendor,
            techniques: techniques.iter().map(|t| t.to_string()).collect(),
            ..Rule::default()
        }
    }

    fn catalog() -> Catalog {
        let mut retired = tech("T1000", "Retired", &["execution"]);
        retired.revoked = true;
        let mut old_sub = tech("T1059.009", "Old sub", &["execution"]);
        old_sub.deprecated = true;
        let mut deprecated_rule = rule("gone", Vendor::Sigma, &["T1053"]);
        deprecated_rule.deprecated = true;
        Catalog::new(CatalogData {
            // Matrix order is the order given here, not alphabetical.
            tactics: vec![
                tactic("TA0002", "execution", "Execution"),
                tactic("TA0003", "persistence", "Persistence"),
            ],
            techniques: vec![
                retired,
                tech("T1053", "Scheduled Task/Job", &["execution", "persistence"]),
                tech("T1053.005", "Scheduled Task", &["execution", "persistence"]),
                tech("T1059", "Command and Scripting Interpreter", &["execution"]),
                tech("T1059.001", "PowerShell", &["execution"]),
                tech("T1059.003", "Windows Command Shell", &["execution"]),
                old_sub,
                tech("T1098", "Account Manipulation", &["persistence"]),
            ],
            rules: vec![
                rule("a", Vendor::Sigma, &["T1059"]),
                rule("b", Vendor::Sigma, &["T1059", "T1059.001"]),
                rule("c", Vendor::Splunk, &["T1059.001"]),
                rule("d", Vendor::Elastic, &["T1059.003", "T1053.005"]),
                rule("e", Vendor::Splunk, &["T1053"]),
                deprecated_rule,
            ],
            ..CatalogData::default()
        })
    }

    /// `(id, rules, with subs, level, [sub (id, count, level)])` per cell.
    type Shape = (String, u32, u32, u8, Vec<(String, u32, u8)>);

    fn shape(column: &MatrixColumn) -> Vec<Shape> {
        column
            .cells
            .iter()
            .map(|c| {
                let subs = c
                    .subtechniques
                    .iter()
                    .map(|s| (s.id.clone(), s.with_subtechniques, s.level))
                    .collect();
                (c.id.clone(), c.rules, c.with_subtechniques, c.level, subs)
            })
            .collect()
    }

    fn s(id: &str) -> String {
        id.to_string()
    }

    #[test]
    fn columns_follow_matrix_order_and_count_each_rule_once() {
        let m = matrix(&catalog(), &Filter::default(), None);
        let names: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Execution", "Persistence"]);
        assert_eq!(
            m.max, 4,
            "T1059 with subs: rules a, b, c, d; b counted once"
        );
        // Levels with max 4: 1 → 1, 2 → 1 + ⌊4·ln2/ln4⌋ = 3, 4 → 5.
        assert_eq!(
            shape(&m.columns[0]),
            vec![
                (
                    s("T1059"),
                    2,
                    4,
                    5,
                    vec![(s("T1059.001"), 2, 3), (s("T1059.003"), 1, 1)]
                ),
                // The deprecated rule `gone` is filtered out by default.
                (s("T1053"), 1, 2, 3, vec![(s("T1053.005"), 1, 1)]),
            ]
        );
        // A technique in two tactics appears in both columns.
        assert_eq!(
            shape(&m.columns[1]),
            vec![
                (s("T1098"), 0, 0, 0, vec![]),
                (s("T1053"), 1, 2, 3, vec![(s("T1053.005"), 1, 1)]),
            ]
        );
    }

    #[test]
    fn one_vendor_and_filters_change_counts_and_scale() {
        let cat = catalog();
        let splunk = matrix(&cat, &Filter::default(), Some(Vendor::Splunk));
        assert_eq!(splunk.max, 1);
        assert_eq!(
            shape(&splunk.columns[0]),
            vec![
                (
                    s("T1059"),
                    0,
                    1,
                    5,
                    vec![(s("T1059.001"), 1, 5), (s("T1059.003"), 0, 0)]
                ),
                (s("T1053"), 1, 1, 5, vec![(s("T1053.005"), 0, 0)]),
            ]
        );
        let with_deprecated = Filter {
            include_deprecated: true,
            ..Filter::default()
        };
        let m = matrix(&cat, &with_deprecated, Some(Vendor::Sigma));
        let t1053 = &m.columns[1].cells[1];
        assert_eq!((t1053.id.as_str(), t1053.rules), ("T1053", 1));
        // A vendor the filter excludes shows nothing.
        let only_elastic = Filter {
            vendors: vec![Vendor::Elastic],
            ..Filter::default()
        };
        assert_eq!(matrix(&cat, &only_elastic, Some(Vendor::Sigma)).max, 0);
    }

    #[test]
    fn heat_levels_are_a_log_scale_with_exact_bands() {
        assert_eq!(heat_level(0, 500), 0);
        assert_eq!(heat_level(7, 0), MAX_LEVEL);
        let levels: Vec<u8> = [1, 4, 5, 22, 23, 105, 106, 499, 500]
            .iter()
            .map(|&c| heat_level(c, 500))
            .collect();
        // Band starts are ⌈500^(k/4)⌉: 5, 23, 106.
        assert_eq!(levels, [1, 1, 2, 2, 3, 3, 4, 4, 5]);
        let m = Matrix {
            columns: vec![],
            max: 500,
        };
        let bands: Vec<(u8, u32, u32)> =
            m.legend().iter().map(|b| (b.level, b.from, b.to)).collect();
        assert_eq!(
            bands,
            [
                (0, 0, 0),
                (1, 1, 4),
                (2, 5, 22),
                (3, 23, 105),
                (4, 106, 499),
                (5, 500, 500)
            ]
        );
        let small = Matrix {
            columns: vec![],
            max: 2,
        };
        let bands: Vec<(u8, u32, u32)> = small
            .legend()
            .iter()
            .map(|b| (b.level, b.from, b.to))
            .collect();
        assert_eq!(bands, [(0, 0, 0), (1, 1, 1), (5, 2, 2)]);
    }
}

//! Faceted counts for the filter bar: for each dimension of a [`Filter`]
//! (vendor, platform, status, level, data source, rule type) the values the
//! rules hold and how many rules have each. As in any faceted search, a
//! dimension's counts apply every *other* part of the filter but not its own,
//! so picking one status still shows how many rules the other statuses have.

use super::filter::{any_eq, any_in, Filter};
use super::index::Catalog;
use crate::model::{Rule, Vendor};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One faceted part of a [`Filter`]: the values of one rule attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Vendor,
    /// Sigma product, Elastic OS tags, Splunk asset types.
    Platform,
    /// Sigma and Splunk status, Elastic maturity.
    Status,
    /// Sigma level, Elastic severity, Splunk risk label.
    Level,
    /// Data-source selectors (logsource, index, sourcetype, macro, …).
    Source,
    RuleType,
}

/// Sigma levels and Elastic severities, most severe first: levels are listed
/// in this order rather than by count.
const SEVERITY: [&str; 6] = ["critical", "high", "medium", "low", "informational", "info"];

impl Dimension {
    /// Every dimension, in the filter bar's order.
    pub const ALL: [Dimension; 6] = [
        Dimension::Vendor,
        Dimension::Platform,
        Dimension::Status,
        Dimension::Level,
        Dimension::Source,
        Dimension::RuleType,
    ];

    /// The key of the dimension in the URL query ([`Filter::to_query`]).
    pub fn key(self) -> &'static str {
        match self {
            Dimension::Vendor => "vendor",
            Dimension::Platform => "platform",
            Dimension::Status => "status",
            Dimension::Level => "level",
            Dimension::Source => "source",
            Dimension::RuleType => "type",
        }
    }

    /// The dimension's name on the page.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Vendor => "Vendor",
            Dimension::Platform => "Platform",
            Dimension::Status => "Status",
            Dimension::Level => "Level",
            Dimension::Source => "Data source",
            Dimension::RuleType => "Rule type",
        }
    }

    /// Whether `rule` passes this dimension of `filter` (any rule passes a
    /// dimension with nothing selected).
    pub fn passes(self, filter: &Filter, rule: &Rule) -> bool {
        match self {
            Dimension::Vendor => filter.vendors.is_empty() || filter.vendors.contains(&rule.vendor),
            Dimension::Platform => any_in(&filter.platforms, &rule.platforms),
            Dimension::Status => any_eq(&filter.statuses, &rule.status),
            Dimension::Level => any_eq(&filter.levels, &rule.level),
            Dimension::Source => {
                filter.sources.is_empty()
                    || rule
                        .sources
                        .iter()
                        .any(|s| any_eq(&filter.sources, &s.value))
            }
            Dimension::RuleType => any_eq(&filter.rule_types, &rule.rule_type),
        }
    }

    /// The values selected in `filter` for this dimension, as written in the
    /// URL (vendor keys for [`Dimension::Vendor`]).
    pub fn selected(self, filter: &Filter) -> Vec<String> {
        match self {
            Dimension::Vendor => filter.vendors.iter().map(|v| v.key().to_string()).collect(),
            _ => self.list(filter).cloned().unwrap_or_default(),
        }
    }

    /// Selects `value` when it is not selected, deselects it otherwise
    /// (ignoring case). Values stay sorted so one selection has one URL.
    pub fn toggle(self, filter: &mut Filter, value: &str) {
        if self == Dimension::Vendor {
            if let Some(v) = Vendor::from_key(value) {
                if let Some(i) = filter.vendors.iter().position(|x| *x == v) {
                    filter.vendors.remove(i);
                } else {
                    filter.vendors.push(v);
                    filter.vendors.sort();
                }
            }
            return;
        }
        let Some(list) = self.list_mut(filter) else {
            return;
        };
        let value = value.trim();
        let before = list.len();
        list.retain(|w| !w.trim().eq_ignore_ascii_case(value));
        if list.len() == before && !value.is_empty() {
            list.push(value.to_string());
            list.sort_by_key(|w| w.to_lowercase());
        }
    }

    /// Deselects every value of this dimension.
    pub fn clear(self, filter: &mut Filter) {
        match self {
            Dimension::Vendor => filter.vendors.clear(),
            _ => {
                if let Some(list) = self.list_mut(filter) {
                    list.clear();
                }
            }
        }
    }

    fn list(self, filter: &Filter) -> Option<&Vec<String>> {
        match self {
            Dimension::Vendor => None,
            Dimension::Platform => Some(&filter.platforms),
            Dimension::Status => Some(&filter.statuses),
            Dimension::Level => Some(&filter.levels),
            Dimension::Source => Some(&filter.sources),
            Dimension::RuleType => Some(&filter.rule_types),
        }
    }

    fn list_mut(self, filter: &mut Filter) -> Option<&mut Vec<String>> {
        match self {
            Dimension::Vendor => None,
            Dimension::Platform => Some(&mut filter.platforms),
            Dimension::Status => Some(&mut filter.statuses),
            Dimension::Level => Some(&mut filter.levels),
            Dimension::Source => Some(&mut filter.sources),
            Dimension::RuleType => Some(&mut filter.rule_types),
        }
    }

    /// Calls `f` with each of the rule's values in this dimension and, for
    /// data sources, the selector kind (empty otherwise); blank values are
    /// left out. A visitor rather than a list, so the walk allocates nothing.
    fn for_each_value<'a>(self, rule: &'a Rule, mut f: impl FnMut(&'a str, &'a str)) {
        let mut visit = |value: &'a str, kind: &'a str| {
            if !value.trim().is_empty() {
                f(value, kind);
            }
        };
        match self {
            Dimension::Vendor => visit(rule.vendor.key(), ""),
            Dimension::Platform => rule.platforms.iter().for_each(|p| visit(p, "")),
            Dimension::Status => visit(&rule.status, ""),
            Dimension::Level => visit(&rule.level, ""),
            Dimension::Source => rule.sources.iter().for_each(|s| visit(&s.value, &s.kind)),
            Dimension::RuleType => visit(&rule.rule_type, ""),
        }
    }
}

/// One value of a dimension and the rules that have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacetValue {
    /// What the filter holds when this value is picked (the vendor key, or
    /// the value in its most used spelling: vendors differ only in case).
    pub value: String,
    /// The value on the page.
    pub label: String,
    /// Rules with the value, among those passing the rest of the filter.
    pub rules: u32,
    /// The same rules per vendor: statuses, levels and rule types are each
    /// vendor's own vocabulary, so the page says whose value it is.
    pub by_vendor: BTreeMap<Vendor, u32>,
    /// For data sources, the selector kinds the value appears as
    /// (`logsource.category`, `index`, `sourcetype`, …), sorted.
    pub kinds: Vec<String>,
    /// Whether the filter selects the value.
    pub selected: bool,
}

/// The values of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facet {
    pub dimension: Dimension,
    /// Rules passing every other part of the filter: what the counts are of.
    pub base: u32,
    /// Of those, rules with no value in this dimension (a Sigma rule without
    /// a product names no platform); no filter value selects them.
    pub unspecified: u32,
    /// Levels from most to least severe, other dimensions by rule count
    /// (then by name); selected values are always present, if only with 0.
    pub values: Vec<FacetValue>,
}

impl Facet {
    /// The values whose label or source kind contains `query` (ignoring
    /// case), in the facet's order: the data-source box filters as you type.
    pub fn matching<'a>(&'a self, query: &str) -> impl Iterator<Item = &'a FacetValue> + 'a {
        let q = query.trim().to_lowercase();
        self.values.iter().filter(move |v| {
            q.is_empty()
                || v.label.to_lowercase().contains(&q)
                || v.kinds.iter().any(|k| k.to_lowercase().contains(&q))
        })
    }

    /// How many values are selected.
    pub fn selected_count(&self) -> usize {
        self.values.iter().filter(|v| v.selected).count()
    }
}

/// The filter bar's counts: every dimension's facet and the rules passing
/// the whole filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    /// Rules passing the whole filter.
    pub total: u32,
    /// One facet per [`Dimension::ALL`], in that order.
    pub facets: Vec<Facet>,
}

impl Facets {
    /// The facet of one dimension.
    pub fn get(&self, dimension: Dimension) -> Option<&Facet> {
        self.facets.iter().find(|f| f.dimension == dimension)
    }
}

/// Counts gathered for one spelling of a value while walking the rules.
#[derive(Default)]
struct ValueAcc<'a> {
    rules: u32,
    /// Rules per vendor, indexed like [`Vendor::ALL`].
    by_vendor: [u32; Vendor::ALL.len()],
    kinds: BTreeSet<&'a str>,
}

/// Counts gathered for one dimension.
#[derive(Default)]
struct FacetAcc<'a> {
    base: u32,
    unspecified: u32,
    /// Keyed by the value as written (trimmed), so the walk allocates no
    /// keys; spellings that differ only in ASCII case, which the filter
    /// treats as one value, are merged by `finish`.
    values: HashMap<&'a str, ValueAcc<'a>>,
    /// The values of the rule being added, reused from rule to rule.
    counted: Vec<&'a str>,
}

impl<'a> FacetAcc<'a> {
    fn add(&mut self, dimension: Dimension, rule: &'a Rule) {
        self.base += 1;
        self.counted.clear();
        let (values, counted) = (&mut self.values, &mut self.counted);
        dimension.for_each_value(rule, |value, kind| {
            let value = value.trim();
            let acc = values.entry(value).or_default();
            if !kind.is_empty() {
                acc.kinds.insert(kind);
            }
            // A rule counts once per value, however it spells it.
            if counted.iter().any(|c| c.eq_ignore_ascii_case(value)) {
                return;
            }
            acc.rules += 1;
            acc.by_vendor[rule.vendor as usize] += 1;
            counted.push(value);
        });
        if self.counted.is_empty() {
            self.unspecified += 1;
        }
    }

    fn finish(self, dimension: Dimension, filter: &Filter) -> Facet {
        let selected = dimension.selected(filter);
        let is_selected = |key: &str| selected.iter().any(|s| s.trim().eq_ignore_ascii_case(key));
        let mut groups: HashMap<String, Vec<(&str, ValueAcc)>> = HashMap::new();
        for (spelling, acc) in self.values {
            groups
                .entry(spelling.to_ascii_lowercase())
                .or_default()
                .push((spelling, acc));
        }
        let mut values: Vec<FacetValue> = groups
            .into_values()
            .map(|mut spellings| {
                // The most used spelling names the value; ties go to the
                // first in code-point order.
                spellings.sort_by(|a, b| b.1.rules.cmp(&a.1.rules).then(a.0.cmp(b.0)));
                let value = spellings[0].0.to_string();
                let mut rules = 0;
                let mut per_vendor = [0u32; Vendor::ALL.len()];
                let mut kinds = BTreeSet::new();
                for (_, acc) in spellings {
                    rules += acc.rules;
                    for (sum, n) in per_vendor.iter_mut().zip(acc.by_vendor) {
                        *sum += n;
                    }
                    kinds.extend(acc.kinds);
                }
                let by_vendor: BTreeMap<Vendor, u32> = Vendor::ALL
                    .into_iter()
                    .zip(per_vendor)
                    .filter(|(_, n)| *n > 0)
                    .collect();
                let label = match dimension {
                    Dimension::Vendor => Vendor::from_key(&value)
                        .map(|v| v.label().to_string())
                        .unwrap_or_else(|| value.clone()),
                    _ => value.clone(),
                };
                FacetValue {
                    selected: is_selected(&value),
                    value,
                    label,
                    rules,
                    by_vendor,
                    kinds: kinds.into_iter().map(str::to_string).collect(),
                }
            })
            .collect();
        for s in &selected {
            if !values
                .iter()
                .any(|v| v.value.eq_ignore_ascii_case(s.trim()))
            {
                let label = match dimension {
                    Dimension::Vendor => Vendor::from_key(s)
                        .map(|v| v.label().to_string())
                        .unwrap_or_else(|| s.clone()),
                    _ => s.clone(),
                };
                values.push(FacetValue {
                    value: s.clone(),
                    label,
                    rules: 0,
                    by_vendor: BTreeMap::new(),
                    kinds: Vec::new(),
                    selected: true,
                });
            }
        }
        let rank = |v: &FacetValue| match dimension {
            Dimension::Level => SEVERITY
                .iter()
                .position(|s| v.value.eq_ignore_ascii_case(s))
                .unwrap_or(SEVERITY.len()),
            Dimension::Vendor => Vendor::from_key(&v.value)
                .and_then(|x| Vendor::ALL.iter().position(|y| *y == x))
                .unwrap_or(Vendor::ALL.len()),
            _ => 0,
        };
        values.sort_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then(b.rules.cmp(&a.rules))
                .then_with(|| a.label.to_lowercase().cmp(&b.label.to_lowercase()))
        });
        Facet {
            dimension,
            base: self.base,
            unspecified: self.unspecified,
            values,
        }
    }
}

/// The faceted counts of every dimension under `filter` (see the module
/// comment). Deprecated and non-local rules are left out exactly as the
/// filter leaves them out of every view.
pub fn facets(cat: &Catalog, filter: &Filter) -> Facets {
    let mut accs: Vec<FacetAcc> = Dimension::ALL.iter().map(|_| FacetAcc::default()).collect();
    let mut total = 0;
    for rule in cat.rules() {
        if !filter.admits(rule) {
            continue;
        }
        let mut failed = Dimension::ALL
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.passes(filter, rule));
        match (failed.next(), failed.next()) {
            (None, _) => {
                total += 1;
                for (acc, d) in accs.iter_mut().zip(Dimension::ALL) {
                    acc.add(d, rule);
                }
            }
            // Fails one dimension only: it counts in that dimension's facet,
            // where choosing its value would bring it in.
            (Some((i, d)), None) => accs[i].add(*d, rule),
            _ => {}
        }
    }
    Facets {
        total,
        facets: accs
            .into_iter()
            .zip(Dimension::ALL)
            .map(|(acc, d)| acc.finish(d, filter))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogData;
    use crate::model::DataSource;

    fn rule(
        vendor: Vendor,
        status: &str,
        level: &str,
        platforms: &[&str],
        sources: &[(&str, &str)],
    ) -> Rule {
        Rule {
            vendor,
            status: status.into(),
            level: level.into(),
            rule_type: match vendor {
                Vendor::Elastic => "eql".into(),
                _ => "detection".into(),
            },
            platforms: platforms.iter().map(|p| p.to_string()).collect(),
            sources: sources
                .iter()
                .map(|(kind, value)| DataSource {
                    kind: kind.to_string(),
                    value: value.to_string(),
                })
                .collect(),
            ..Rule::default()
        }
    }

    fn catalog() -> Catalog {
        let mut deprecated = rule(Vendor::Sigma, "deprecated", "high", &["windows"], &[]);
        deprecated.deprecated = true;
        Catalog::new(CatalogData {
            rules: vec![
                rule(
                    Vendor::Sigma,
                    "stable",
                    "high",
                    &["windows"],
                    &[("logsource.category", "process_creation")],
                ),
                rule(
                    Vendor::Sigma,
                    "test",
                    "medium",
                    &["Windows"],
                    &[
                        ("logsource.category", "process_creation"),
                        ("logsource.product", "windows"),
                    ],
                ),
                rule(Vendor::Sigma, "experimental", "low", &[], &[]),
                rule(
                    Vendor::Splunk,
                    "production",
                    "high",
                    &["windows", "linux"],
                    &[("sourcetype", "XmlWinEventLog"), ("macro", "sysmon")],
                ),
                rule(
                    Vendor::Splunk,
                    "experimental",
                    "",
                    &["linux"],
                    &[("index", "Windows")],
                ),
                rule(
                    Vendor::Elastic,
                    "production",
                    "critical",
                    &["windows"],
                    &[
                        ("index", "logs-endpoint.events.process-*"),
                        ("event.category", "process"),
                    ],
                ),
                deprecated,
            ],
            ..CatalogData::default()
        })
    }

    /// `(value, rules)` of one facet.
    fn counts(f: &Facets, d: Dimension) -> Vec<(String, u32)> {
        f.get(d)
            .unwrap()
            .values
            .iter()
            .map(|v| (v.value.clone(), v.rules))
            .collect()
    }

    fn pairs(list: &[(&str, u32)]) -> Vec<(String, u32)> {
        list.iter().map(|(v, n)| (v.to_string(), *n)).collect()
    }

    #[test]
    fn unfiltered_counts_fold_case_and_hide_deprecated() {
        let f = facets(&catalog(), &Filter::default());
        assert_eq!(f.total, 6);
        assert_eq!(
            counts(&f, Dimension::Vendor),
            pairs(&[("sigma", 3), ("splunk", 2), ("elastic", 1)])
        );
        assert_eq!(f.get(Dimension::Vendor).unwrap().values[0].label, "Sigma");
        // `Windows` and `windows` are one platform; the Splunk rule with two
        // platforms counts once under each.
        assert_eq!(
            counts(&f, Dimension::Platform),
            pairs(&[("windows", 4), ("linux", 2)])
        );
        let platform = f.get(Dimension::Platform).unwrap();
        assert_eq!((platform.base, platform.unspecified), (6, 1));
        assert_eq!(
            platform.values[0].by_vendor,
            BTreeMap::from([
                (Vendor::Sigma, 2),
                (Vendor::Splunk, 1),
                (Vendor::Elastic, 1)
            ])
        );
        assert_eq!(
            counts(&f, Dimension::Status),
            pairs(&[
                ("experimental", 2),
                ("production", 2),
                ("stable", 1),
                ("test", 1)
            ])
        );
        // Levels by severity, not by count; the rule without a level is
        // unspecified.
        assert_eq!(
            counts(&f, Dimension::Level),
            pairs(&[("critical", 1), ("high", 2), ("medium", 1), ("low", 1)])
        );
        assert_eq!(f.get(Dimension::Level).unwrap().unspecified, 1);
        assert_eq!(
            counts(&f, Dimension::RuleType),
            pairs(&[("detection", 5), ("eql", 1)])
        );
        // `windows` (a Sigma product) and `Windows` (a Splunk index) are one
        // value, as the filter matches values whatever their kind; on a tie
        // the first spelling in code-point order is shown.
        let sources = f.get(Dimension::Source).unwrap();
        assert_eq!(
            counts(&f, Dimension::Source)[..2],
            pairs(&[("process_creation", 2), ("Windows", 2)])[..]
        );
        assert_eq!(sources.values[1].kinds, vec!["index", "logsource.product"]);
        assert_eq!(sources.values.len(), 6);
        assert_eq!(sources.unspecified, 1);
    }

    #[test]
    fn each_dimension_ignores_its_own_selection_only() {
        let filter = Filter {
            statuses: vec!["production".into()],
            platforms: vec!["WINDOWS".into()],
            ..Filter::default()
        };
        let f = facets(&catalog(), &filter);
        // Splunk production (windows+linux) and Elastic production (windows).
        assert_eq!(f.total, 2);
        // Statuses among windows rules: the choice does not hide the others.
        assert_eq!(
            counts(&f, Dimension::Status),
            pairs(&[("production", 2), ("stable", 1), ("test", 1)])
        );
        let status = f.get(Dimension::Status).unwrap();
        assert_eq!(status.base, 4);
        assert!(status.values[0].selected && !status.values[1].selected);
        // Platforms among production rules.
        assert_eq!(
            counts(&f, Dimension::Platform),
            pairs(&[("windows", 2), ("linux", 1)])
        );
        assert!(f.get(Dimension::Platform).unwrap().values[0].selected);
        // Vendors among production windows rules.
        assert_eq!(
            counts(&f, Dimension::Vendor),
            pairs(&[("splunk", 1), ("elastic", 1)])
        );
        assert_eq!(
            counts(&f, Dimension::Level),
            pairs(&[("critical", 1), ("high", 1)])
        );
    }

    #[test]
    fn selected_values_stay_listed_and_deprecated_counts_when_included() {
        let filter = Filter {
            levels: vec!["informational".into()],
            include_deprecated: true,
            ..Filter::default()
        };
        let f = facets(&catalog(), &filter);
        assert_eq!(f.total, 0);
        let level = f.get(Dimension::Level).unwrap();
        assert_eq!(
            level
                .values
                .last()
                .map(|v| (v.value.as_str(), v.rules, v.selected)),
            Some(("informational", 0, true))
        );
        assert_eq!(
            counts(&f, Dimension::Level)[..2],
            pairs(&[("critical", 1), ("high", 3)])[..]
        );
        let status = f.get(Dimension::Status).unwrap();
        assert_eq!((status.base, status.values.len()), (0, 0));
    }

    #[test]
    fn matching_searches_labels_and_kinds() {
        let f = facets(&catalog(), &Filter::default());
        let sources = f.get(Dimension::Source).unwrap();
        let found: Vec<&str> = sources.matching("PROC").map(|v| v.value.as_str()).collect();
        assert_eq!(
            found,
            vec![
                "process_creation",
                "logs-endpoint.events.process-*",
                "process"
            ]
        );
        let by_kind: Vec<&str> = sources
            .matching("sourcetype")
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(by_kind, vec!["XmlWinEventLog"]);
        assert_eq!(sources.matching("").count(), 6);
    }

    #[test]
    fn toggling_keeps_one_sorted_spelling_per_value() {
        let mut filter = Filter::default();
        Dimension::Status.toggle(&mut filter, "test");
        Dimension::Status.toggle(&mut filter, "Production");
        assert_eq!(filter.statuses, vec!["Production", "test"]);
        Dimension::Status.toggle(&mut filter, "production");
        assert_eq!(filter.statuses, vec!["test"]);
        Dimension::Vendor.toggle(&mut filter, "elastic");
        Dimension::Vendor.toggle(&mut filter, "sigma");
        Dimension::Vendor.toggle(&mut filter, "nobody");
        assert_eq!(filter.vendors, vec![Vendor::Sigma, Vendor::Elastic]);
        assert_eq!(
            Dimension::Vendor.selected(&filter),
            vec!["sigma", "elastic"]
        );
        Dimension::Vendor.clear(&mut filter);
        Dimension::Status.clear(&mut filter);
        assert!(filter.is_default());
    }
}

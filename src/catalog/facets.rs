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
    /// left out and the others trimmed. A visitor rather than a list, so the
    /// walk allocates nothing.
    fn for_each_value<'a>(self, rule: &'a Rule, mut f: impl FnMut(&'a str, &'a str)) {
        let mut visit = |value: &'a str, kind: &'a str| {
            let value = value.trim();
            if !value.is_empty() {
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

/// One distinct value of a dimension in the whole catalog.
#[derive(Debug, Clone)]
struct IndexedValue {
    /// The most used spelling (ties: the first in code-point order).
    value: String,
    label: String,
    kinds: Vec<String>,
    /// Position in the facet's fixed order (severity for levels, vendor order).
    rank: usize,
}

/// One dimension's values and, per rule, the ids of its values. Rules are
/// added in runs ([`DimensionIndex::extend`]); the values' display forms are
/// settled by [`DimensionIndex::finish`].
#[derive(Debug, Clone, Default)]
struct DimensionIndex {
    values: Vec<IndexedValue>,
    /// Rule `i`'s value ids are `ids[offsets[i]..offsets[i + 1]]`.
    offsets: Vec<u32>,
    ids: Vec<u32>,
    /// Value id by lower-cased value.
    by_key: HashMap<String, u32>,
    /// Per value id, how many rules spell it each way.
    spellings: Vec<BTreeMap<String, u32>>,
    /// Per value id, the data-source kinds it was seen with.
    kinds: Vec<BTreeSet<String>>,
}

impl DimensionIndex {
    /// Adds the values of `rules`, the next rules of the catalog in order.
    fn extend(&mut self, dimension: Dimension, rules: &[Rule]) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        for rule in rules {
            let first = self.ids.len();
            dimension.for_each_value(rule, |value, kind| {
                let next = self.spellings.len() as u32;
                let id = *self
                    .by_key
                    .entry(value.to_ascii_lowercase())
                    .or_insert(next);
                if id == next {
                    self.spellings.push(BTreeMap::new());
                    self.kinds.push(BTreeSet::new());
                }
                let kinds = &mut self.kinds[id as usize];
                if !kind.is_empty() && !kinds.contains(kind) {
                    kinds.insert(kind.to_string());
                }
                // A rule counts once per value, however it spells it.
                if !self.ids[first..].contains(&id) {
                    let spellings = &mut self.spellings[id as usize];
                    match spellings.get_mut(value) {
                        Some(n) => *n += 1,
                        None => {
                            spellings.insert(value.to_string(), 1);
                        }
                    }
                    self.ids.push(id);
                }
            });
            self.offsets.push(self.ids.len() as u32);
        }
    }

    /// Settles each value's shown spelling, label, kinds and rank from the
    /// rules added so far.
    fn finish(&mut self, dimension: Dimension) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.values = self
            .spellings
            .iter()
            .zip(&self.kinds)
            .map(|(spellings, kinds)| {
                let value = spellings
                    .iter()
                    .fold(None::<(&str, u32)>, |best, (s, n)| match best {
                        Some((_, m)) if m >= *n => best,
                        _ => Some((s, *n)),
                    })
                    .map(|(s, _)| s.to_string())
                    .unwrap_or_default();
                let vendor = Vendor::from_key(&value).filter(|_| dimension == Dimension::Vendor);
                let rank = match (dimension, vendor) {
                    (_, Some(v)) => Vendor::ALL.iter().position(|x| *x == v).unwrap_or(0),
                    (Dimension::Level, _) => SEVERITY
                        .iter()
                        .position(|s| value.eq_ignore_ascii_case(s))
                        .unwrap_or(SEVERITY.len()),
                    _ => 0,
                };
                IndexedValue {
                    label: vendor.map_or_else(|| value.clone(), |v| v.label().to_string()),
                    value,
                    kinds: kinds.iter().cloned().collect(),
                    rank,
                }
            })
            .collect();
    }

    /// The value ids of rule `i`.
    fn of(&self, i: usize) -> &[u32] {
        &self.ids[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// Every rule's values in every dimension as small integers, built once per
/// catalog, so counting the facets under a filter only adds up integers.
/// The page keeps one per catalog, built a few hundred rules at a time
/// alongside the catalog itself ([`FacetIndex::extend`]); [`facets`] builds
/// one for a single use.
#[derive(Debug, Clone)]
pub struct FacetIndex {
    /// One per [`Dimension::ALL`], in that order.
    dimensions: Vec<DimensionIndex>,
}

impl Default for FacetIndex {
    fn default() -> FacetIndex {
        FacetIndex {
            dimensions: vec![DimensionIndex::default(); Dimension::ALL.len()],
        }
    }
}

impl FacetIndex {
    /// Indexes the values of every rule of `cat`.
    pub fn new(cat: &Catalog) -> FacetIndex {
        let mut index = FacetIndex::default();
        index.extend(cat.rules());
        index.finish();
        index
    }

    /// Adds `rules`, the catalog's next rules in order (the ones after
    /// [`FacetIndex::indexed`]); call [`FacetIndex::finish`] before counting.
    pub fn extend(&mut self, rules: &[Rule]) {
        for (d, index) in Dimension::ALL.iter().zip(&mut self.dimensions) {
            index.extend(*d, rules);
        }
    }

    /// Makes the rules added so far countable.
    pub fn finish(&mut self) {
        for (d, index) in Dimension::ALL.iter().zip(&mut self.dimensions) {
            index.finish(*d);
        }
    }

    /// How many of the catalog's rules, from the first, are indexed.
    pub fn indexed(&self) -> usize {
        self.dimensions
            .first()
            .map_or(0, |d| d.offsets.len().saturating_sub(1))
    }

    /// The faceted counts of every dimension under `filter` (see the module
    /// comment); `cat` must be the catalog the index was built from.
    /// Deprecated and non-local rules are left out exactly as the filter
    /// leaves them out of every view.
    pub fn count(&self, cat: &Catalog, filter: &Filter) -> Facets {
        // Per dimension: rules counted, rules without a value, and per value
        // the rules of each vendor.
        let mut base = [0u32; Dimension::ALL.len()];
        let mut unspecified = [0u32; Dimension::ALL.len()];
        let mut counts: Vec<Vec<[u32; Vendor::ALL.len()]>> = self
            .dimensions
            .iter()
            .map(|d| vec![[0; Vendor::ALL.len()]; d.values.len()])
            .collect();
        let mut total = 0;
        let mut add = |d: usize, i: usize, vendor: usize| {
            base[d] += 1;
            let ids = self.dimensions[d].of(i);
            if ids.is_empty() {
                unspecified[d] += 1;
            }
            for &id in ids {
                counts[d][id as usize][vendor] += 1;
            }
        };
        let indexed = self.indexed();
        for (i, rule) in cat.rules().iter().enumerate().take(indexed) {
            if !filter.admits(rule) {
                continue;
            }
            let vendor = Vendor::ALL
                .iter()
                .position(|v| *v == rule.vendor)
                .unwrap_or(0);
            let mut failed = Dimension::ALL
                .iter()
                .enumerate()
                .filter(|(_, d)| !d.passes(filter, rule));
            match (failed.next(), failed.next()) {
                (None, _) => {
                    total += 1;
                    for d in 0..Dimension::ALL.len() {
                        add(d, i, vendor);
                    }
                }
                // Fails one dimension only: it counts in that dimension's
                // facet, where choosing its value would bring it in.
                (Some((d, _)), None) => add(d, i, vendor),
                _ => {}
            }
        }
        let facets = Dimension::ALL
            .iter()
            .zip(&self.dimensions)
            .zip(counts)
            .enumerate()
            .map(|(d, ((&dimension, index), counts))| {
                let selected = dimension.selected(filter);
                let is_selected =
                    |v: &str| selected.iter().any(|s| s.trim().eq_ignore_ascii_case(v));
                let mut values: Vec<(usize, FacetValue)> = index
                    .values
                    .iter()
                    .zip(counts)
                    .filter(|(v, n)| n.iter().any(|c| *c > 0) || is_selected(&v.value))
                    .map(|(v, n)| {
                        let value = FacetValue {
                            value: v.value.clone(),
                            label: v.label.clone(),
                            rules: n.iter().sum(),
                            by_vendor: Vendor::ALL
                                .into_iter()
                                .zip(n)
                                .filter(|(_, c)| *c > 0)
                                .collect(),
                            kinds: v.kinds.clone(),
                            selected: is_selected(&v.value),
                        };
                        (v.rank, value)
                    })
                    .collect();
                // Selected values no rule has (from an edited link) stay
                // listed, so they can be removed.
                for s in &selected {
                    let s = s.trim();
                    if !values.iter().any(|(_, v)| v.value.eq_ignore_ascii_case(s)) {
                        let vendor = Vendor::from_key(s).filter(|_| dimension == Dimension::Vendor);
                        let rank = match dimension {
                            Dimension::Level => SEVERITY
                                .iter()
                                .position(|x| s.eq_ignore_ascii_case(x))
                                .unwrap_or(SEVERITY.len()),
                            _ => usize::MAX,
                        };
                        values.push((
                            rank,
                            FacetValue {
                                value: s.to_string(),
                                label: vendor
                                    .map_or_else(|| s.to_string(), |v| v.label().to_string()),
                                rules: 0,
                                by_vendor: BTreeMap::new(),
                                kinds: Vec::new(),
                                selected: true,
                            },
                        ));
                    }
                }
                values.sort_by(|(ra, a), (rb, b)| {
                    ra.cmp(rb)
                        .then(b.rules.cmp(&a.rules))
                        .then_with(|| cmp_ignore_ascii_case(&a.label, &b.label))
                });
                Facet {
                    dimension,
                    base: base[d],
                    unspecified: unspecified[d],
                    values: values.into_iter().map(|(_, v)| v).collect(),
                }
            })
            .collect();
        Facets { total, facets }
    }
}

/// Orders two labels ignoring ASCII case, without allocating.
fn cmp_ignore_ascii_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// The faceted counts of every dimension under `filter`, indexing the
/// catalog for this one call (see [`FacetIndex`] to count repeatedly).
pub fn facets(cat: &Catalog, filter: &Filter) -> Facets {
    FacetIndex::new(cat).count(cat, filter)
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
    fn an_index_built_in_runs_counts_like_one_built_at_once() {
        let cat = catalog();
        let filter = Filter {
            platforms: vec!["windows".into()],
            ..Filter::default()
        };
        let mut runs = FacetIndex::default();
        for chunk in cat.rules().chunks(2) {
            runs.extend(chunk);
        }
        // Every rule is indexed; finishing settles the values to count.
        assert_eq!(runs.indexed(), cat.rules().len());
        runs.finish();
        let whole = FacetIndex::new(&cat);
        for f in [Filter::default(), filter] {
            assert_eq!(runs.count(&cat, &f), whole.count(&cat, &f));
        }
        // A part-built index counts only the rules it holds.
        let mut part = FacetIndex::default();
        part.extend(&cat.rules()[..2]);
        part.finish();
        assert_eq!(part.count(&cat, &Filter::default()).total, 2);
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

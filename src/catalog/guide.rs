//! The technique page's authoring guide: fields filtered most, top indicator
//! values with corpus reach, exclusions, and the rules grouped by vendor.
//! `rulescope technique T --format json` prints exactly this.

use super::filter::Filter;
use super::index::{Catalog, FieldId, KeyId, Reach};
use crate::model::{Op, Vendor};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// How many sample values a field row shows.
const SAMPLES: usize = 5;

/// How many of the top fields the vendor-by-vendor comparison compares.
const COMPARED_FIELDS: usize = 20;

/// The header of a technique page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TechniqueHeader {
    pub id: String,
    pub name: String,
    pub tactics: Vec<String>,
}

/// One field name as written by a vendor that collapsed into a canonical row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub field: String,
    pub vendors: Vec<Vendor>,
    /// Rules under the technique that use this spelling.
    pub rules: u32,
}

/// A row of *Fields filtered most*.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldRow {
    /// The canonical field (empty for bare keyword searches).
    pub field: String,
    pub aliases: Vec<Alias>,
    /// Rules under the technique that filter on the field.
    pub rules: u32,
    /// Operator mix: rules per operator.
    pub ops: BTreeMap<Op, u32>,
    /// Rules per vendor, for the vendor-by-vendor comparison.
    pub by_vendor: BTreeMap<Vendor, u32>,
    /// The most used values, most used first.
    pub samples: Vec<String>,
    /// Indices of the rules, for drill-down.
    #[serde(skip)]
    pub members: Vec<u32>,
}

/// A row of *Top indicator values*.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub field: String,
    pub op: Op,
    pub value: String,
    /// Rules under the technique that use the combination.
    pub rules: u32,
    /// Rules in the whole (filtered) catalog that use it; `None` where that
    /// equals `rules`, i.e. the combination is specific to the technique.
    pub corpus_reach: Option<u32>,
    #[serde(skip)]
    pub key: KeyId,
    #[serde(skip)]
    pub members: Vec<u32>,
}

/// A row of *Exclusions*.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExclusionRow {
    pub field: String,
    pub op: Op,
    pub value: String,
    /// Rules under the technique that exclude the combination.
    pub rules: u32,
    #[serde(skip)]
    pub key: KeyId,
    #[serde(skip)]
    pub members: Vec<u32>,
}

/// A row of *Data sources*: a selector and the rules that use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    /// `logsource.category`, `index`, `sourcetype`, `macro`, …
    pub kind: String,
    pub value: String,
    pub rules: u32,
    #[serde(skip)]
    pub members: Vec<u32>,
}

/// A row of *Thresholds*: a condition on a computed field or a threshold
/// parameter, and the rules that set it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdRow {
    pub field: String,
    pub op: Op,
    pub value: String,
    pub rules: u32,
    #[serde(skip)]
    pub members: Vec<u32>,
}

/// A rule in the technique's rule list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRef {
    pub vendor: Vendor,
    pub id: String,
    pub title: String,
    pub path: String,
    #[serde(skip)]
    pub index: u32,
}

/// One vendor's use of a field in the vendor-by-vendor comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorCell {
    pub vendor: Vendor,
    /// That vendor's rules under the technique that filter on the field.
    pub rules: u32,
    /// `rules` as a whole percentage of that vendor's rules under the
    /// technique, so vendors with few rules compare fairly with big ones.
    pub percent: u32,
    /// The field names as this vendor writes them.
    pub aliases: Vec<String>,
}

/// A row of the vendor-by-vendor comparison: one canonical field, one cell
/// per vendor present under the technique (in [`TechniqueGuide::by_vendor`]
/// order, zero where the vendor never filters on it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorFieldRow {
    pub field: String,
    pub cells: Vec<VendorCell>,
}

/// Everything the technique page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TechniqueGuide {
    pub technique: TechniqueHeader,
    pub rules: u32,
    pub by_vendor: BTreeMap<Vendor, u32>,
    pub fields: Vec<FieldRow>,
    pub indicators: Vec<IndicatorRow>,
    pub exclusions: Vec<ExclusionRow>,
    pub data_sources: Vec<SourceRow>,
    pub thresholds: Vec<ThresholdRow>,
    pub rule_list: Vec<RuleRef>,
    /// The top fields compared vendor by vendor.
    pub vendor_comparison: Vec<VendorFieldRow>,
}

/// Builds the guide for technique `id` over the rules that pass `filter`,
/// with `reach` computed by [`Catalog::reach`] for the same filter. `None`
/// when the technique is unknown and no rule is tagged with it.
pub fn technique_guide(
    cat: &Catalog,
    id: &str,
    filter: &Filter,
    rollup: bool,
    reach: &Reach,
) -> Option<TechniqueGuide> {
    let members = cat.rules_for(id, filter, rollup);
    let header = match cat.technique(id) {
        Some(t) => TechniqueHeader {
            id: t.id.clone(),
            name: t.name.clone(),
            tactics: t.tactics.clone(),
        },
        None if !members.is_empty() => TechniqueHeader {
            id: id.to_ascii_uppercase(),
            ..TechniqueHeader::default()
        },
        None => return None,
    };
    let mut by_vendor = BTreeMap::new();
    for &i in &members {
        if let Some(r) = cat.rule(i) {
            *by_vendor.entry(r.vendor).or_insert(0) += 1;
        }
    }
    let fields = field_rows(cat, &members);
    let vendor_comparison = vendor_comparison(&fields, &by_vendor);
    Some(TechniqueGuide {
        technique: header,
        rules: members.len() as u32,
        by_vendor,
        fields,
        indicators: indicator_rows(cat, &members, reach),
        exclusions: exclusion_rows(cat, &members),
        data_sources: source_rows(cat, &members),
        thresholds: threshold_rows(cat, &members),
        rule_list: rule_list(cat, &members),
        vendor_comparison,
    })
}

/// The [`COMPARED_FIELDS`] most used fields, vendor by vendor: rules, their
/// share of the vendor's rules under the technique, and the vendor's names.
fn vendor_comparison(fields: &[FieldRow], totals: &BTreeMap<Vendor, u32>) -> Vec<VendorFieldRow> {
    fields
        .iter()
        .take(COMPARED_FIELDS)
        .map(|row| VendorFieldRow {
            field: row.field.clone(),
            cells: totals
                .iter()
                .map(|(&vendor, &total)| {
                    let rules = row.by_vendor.get(&vendor).copied().unwrap_or(0);
                    VendorCell {
                        vendor,
                        rules,
                        percent: percent(rules, total),
                        aliases: row
                            .aliases
                            .iter()
                            .filter(|a| a.vendors.contains(&vendor))
                            .map(|a| a.field.clone())
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// `part` of `whole` as a whole percentage, rounded half up; 0 of nothing.
fn percent(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        0
    } else {
        ((u64::from(part) * 200 + u64::from(whole)) / (u64::from(whole) * 2)) as u32
    }
}

/// Per-field accumulator for [`field_rows`]; it borrows the rules' strings,
/// so counting a predicate allocates nothing.
#[derive(Default)]
struct FieldAcc<'a> {
    members: Vec<u32>,
    aliases: BTreeMap<&'a str, (Vec<Vendor>, Vec<u32>)>,
    ops: BTreeMap<Op, Vec<u32>>,
    vendors: BTreeMap<Vendor, Vec<u32>>,
    /// Per value: how many predicates use it, and when it was first seen.
    values: FxHashMap<&'a str, (u32, usize)>,
}

/// Pushes `rule` onto `list` unless it is already the last entry: rules are
/// visited in order, so this keeps each rule once per row.
fn push_once(list: &mut Vec<u32>, rule: u32) {
    if list.last() != Some(&rule) {
        list.push(rule);
    }
}

fn field_rows(cat: &Catalog, members: &[u32]) -> Vec<FieldRow> {
    let mut acc: FxHashMap<&str, FieldAcc> = FxHashMap::default();
    for &i in members {
        let Some(rule) = cat.rule(i) else { continue };
        for p in &rule.predicates {
            let a = acc.entry(p.canonical.as_str()).or_default();
            push_once(&mut a.members, i);
            let (vendors, alias_rules) = a.aliases.entry(p.field.as_str()).or_default();
            if !vendors.contains(&rule.vendor) {
                vendors.push(rule.vendor);
            }
            push_once(alias_rules, i);
            push_once(a.ops.entry(p.op).or_default(), i);
            push_once(a.vendors.entry(rule.vendor).or_default(), i);
            let next = a.values.len();
            a.values.entry(p.value.as_str()).or_insert((0, next)).0 += 1;
        }
    }
    let mut rows: Vec<FieldRow> = acc
        .into_iter()
        .map(|(field, a)| {
            let aliases = a.aliases.into_iter().map(|(field, (mut vendors, rules))| {
                vendors.sort();
                Alias {
                    field: field.to_string(),
                    vendors,
                    rules: rules.len() as u32,
                }
            });
            let mut aliases: Vec<Alias> = aliases.collect();
            aliases.sort_by(|x, y| y.rules.cmp(&x.rules).then(x.field.cmp(&y.field)));
            FieldRow {
                field: field.to_string(),
                aliases,
                rules: a.members.len() as u32,
                ops: a
                    .ops
                    .into_iter()
                    .map(|(o, r)| (o, r.len() as u32))
                    .collect(),
                by_vendor: a
                    .vendors
                    .into_iter()
                    .map(|(v, r)| (v, r.len() as u32))
                    .collect(),
                samples: samples(a.values),
                members: a.members,
            }
        })
        .collect();
    rows.sort_unstable_by(|x, y| y.rules.cmp(&x.rules).then_with(|| x.field.cmp(&y.field)));
    rows
}

/// The [`SAMPLES`] most used values, the first seen first among equals.
fn samples(values: FxHashMap<&str, (u32, usize)>) -> Vec<String> {
    let mut values: Vec<(&str, (u32, usize))> = values.into_iter().collect();
    // Most used first, then first seen: the first-seen index is unique.
    let rank = |(_, (count, first)): &(&str, (u32, usize))| (Reverse(*count), *first);
    if values.len() > SAMPLES {
        values.select_nth_unstable_by_key(SAMPLES, rank);
        values.truncate(SAMPLES);
    }
    values.sort_unstable_by_key(rank);
    values.into_iter().map(|(v, _)| v.to_string()).collect()
}

/// Groups the keys that `keys_of` yields per rule, each rule once per key,
/// ranked by rule count, then field and value.
fn key_groups<'a>(
    cat: &'a Catalog,
    members: &[u32],
    keys_of: impl Fn(u32) -> &'a [KeyId],
) -> Vec<(KeyId, Vec<u32>)> {
    let mut groups: FxHashMap<KeyId, Vec<u32>> = FxHashMap::default();
    for &i in members {
        for &k in keys_of(i) {
            groups.entry(k).or_default().push(i);
        }
    }
    // The fields are few: rank them once, so that most comparisons below
    // are of integers held side by side rather than of strings reached
    // through the catalog's key table.
    let mut out: Vec<(SortKey, Vec<u32>)> = groups
        .into_iter()
        .map(|(id, rules)| {
            let k = cat.key(id);
            let rank = (Reverse(rules.len()), k.field, k.op, k.norm.as_str(), id);
            (rank, rules)
        })
        .collect();
    let mut fields: Vec<FieldId> = out.iter().map(|((_, field, ..), _)| *field).collect();
    fields.sort_unstable();
    fields.dedup();
    fields.sort_unstable_by_key(|&f| cat.field_name(f));
    let rank: FxHashMap<FieldId, FieldId> = fields.iter().zip(0..).map(|(&f, r)| (f, r)).collect();
    for ((_, field, ..), _) in &mut out {
        *field = rank[field];
    }
    // Keys are distinct, so an unstable sort gives the one order there is.
    out.sort_unstable_by_key(|(rank, _)| *rank);
    out.into_iter()
        .map(|((.., id), rules)| (id, rules))
        .collect()
}

/// How [`key_groups`] ranks a key: most rules first, then field (by the
/// rank of its name), operator and normalised value; the id comes last and
/// never decides.
type SortKey<'a> = (Reverse<usize>, FieldId, Op, &'a str, KeyId);

fn indicator_rows(cat: &Catalog, members: &[u32], reach: &Reach) -> Vec<IndicatorRow> {
    key_groups(cat, members, |i| cat.predicate_keys(i))
        .into_iter()
        .map(|(key, rules)| {
            let k = cat.key(key);
            let count = rules.len() as u32;
            let total = reach.get(key).max(count);
            IndicatorRow {
                field: k.canonical.clone(),
                op: k.op,
                value: k.display.clone(),
                rules: count,
                corpus_reach: (total != count).then_some(total),
                key,
                members: rules,
            }
        })
        .collect()
}

fn exclusion_rows(cat: &Catalog, members: &[u32]) -> Vec<ExclusionRow> {
    key_groups(cat, members, |i| cat.exclusion_keys(i))
        .into_iter()
        .map(|(key, rules)| {
            let k = cat.key(key);
            ExclusionRow {
                field: k.canonical.clone(),
                op: k.op,
                value: k.display.clone(),
                rules: rules.len() as u32,
                key,
                members: rules,
            }
        })
        .collect()
}

/// Groups `items` (computed per rule) by key, each rule once per key, ranked
/// by rule count then key.
fn grouped<K: Ord + Clone>(
    cat: &Catalog,
    members: &[u32],
    items: impl Fn(&crate::model::Rule) -> Vec<K>,
) -> Vec<(K, Vec<u32>)> {
    let mut groups: BTreeMap<K, Vec<u32>> = BTreeMap::new();
    for &i in members {
        if let Some(rule) = cat.rule(i) {
            for k in items(rule) {
                push_once(groups.entry(k).or_default(), i);
            }
        }
    }
    let mut out: Vec<(K, Vec<u32>)> = groups.into_iter().collect();
    out.sort_by(|(ka, a), (kb, b)| b.len().cmp(&a.len()).then_with(|| ka.cmp(kb)));
    out
}

fn source_rows(cat: &Catalog, members: &[u32]) -> Vec<SourceRow> {
    grouped(cat, members, |r| {
        r.sources
            .iter()
            .map(|s| (s.kind.clone(), s.value.clone()))
            .collect()
    })
    .into_iter()
    .map(|((kind, value), members)| SourceRow {
        kind,
        value,
        rules: members.len() as u32,
        members,
    })
    .collect()
}

fn threshold_rows(cat: &Catalog, members: &[u32]) -> Vec<ThresholdRow> {
    grouped(cat, members, |r| {
        r.thresholds
            .iter()
            .map(|t| (t.field.clone(), t.op, t.value.clone()))
            .collect()
    })
    .into_iter()
    .map(|((field, op, value), members)| ThresholdRow {
        field,
        op,
        value,
        rules: members.len() as u32,
        members,
    })
    .collect()
}

fn rule_list(cat: &Catalog, members: &[u32]) -> Vec<RuleRef> {
    let mut list: Vec<RuleRef> = members
        .iter()
        .filter_map(|&i| {
            cat.rule(i).map(|r| RuleRef {
                vendor: r.vendor,
                id: r.id.clone(),
                title: r.title.clone(),
                path: r.path.clone(),
                index: i,
            })
        })
        .collect();
    list.sort_by_cached_key(|r| (r.vendor, r.title.to_lowercase()));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogData;
    use crate::model::{Expr, Predicate, Rule, Technique};

    fn p(canonical: &str, field: &str, op: Op, value: &str) -> Predicate {
        let mut p = Predicate::new(field, op, value);
        p.canonical = canonical.into();
        p.norm = value.to_lowercase();
        p
    }

    fn rule(id: &str, vendor: Vendor, t: &str, expr: Expr) -> Rule {
        let mut r = Rule {
            id: id.into(),
            title: id.into(),
            vendor,
            techniques: vec![t.into()],
            ..Rule::default()
        };
        r.set_logic(expr);
        r
    }

    /// Three rules under T1059.001 and one elsewhere, checked by hand.
    fn catalog() -> Catalog {
        let ps_sigma = p("process.name", "Image", Op::Eq, "powershell.exe");
        let ps_splunk = p("process.name", "process_name", Op::Eq, "POWERSHELL.EXE");
        let enc = p(
            "process.command_line",
            "CommandLine",
            Op::Wildcard,
            "* -enc *",
        );
        let sys = p("user.name", "User", Op::Eq, "SYSTEM");
        let rules = vec![
            rule(
                "a",
                Vendor::Sigma,
                "T1059.001",
                Expr::And(vec![
                    Expr::Pred(ps_sigma.clone()),
                    Expr::Pred(enc.clone()),
                    Expr::Pred(enc.clone()),
                    Expr::Not(Box::new(Expr::Pred(sys.clone()))),
                ]),
            ),
            rule(
                "b",
                Vendor::Splunk,
                "T1059.001",
                Expr::And(vec![
                    Expr::Pred(ps_splunk),
                    Expr::Not(Box::new(Expr::Pred(sys))),
                ]),
            ),
            rule("c", Vendor::Sigma, "T1059.001", Expr::Pred(enc.clone())),
            rule("d", Vendor::Elastic, "T1003", Expr::Pred(enc)),
        ];
        Catalog::new(CatalogData {
            techniques: vec![Technique {
                id: "T1059.001".into(),
                name: "PowerShell".into(),
                tactics: vec!["execution".into()],
                ..Technique::default()
            }],
            rules,
            ..CatalogData::default()
        })
    }

    #[test]
    fn guide_counts_each_rule_once_per_row() {
        let cat = catalog();
        let f = Filter::default();
        let g = technique_guide(&cat, "T1059.001", &f, false, &cat.reach(&f)).unwrap();
        assert_eq!(g.rules, 3);
        assert_eq!(g.technique.name, "PowerShell");
        assert_eq!(g.by_vendor.get(&Vendor::Sigma), Some(&2));
        assert_eq!(g.by_vendor.get(&Vendor::Splunk), Some(&1));

        let fields: Vec<(&str, u32)> = g
            .fields
            .iter()
            .map(|r| (r.field.as_str(), r.rules))
            .collect();
        assert_eq!(
            fields,
            vec![("process.command_line", 2), ("process.name", 2)]
        );
        let name = &g.fields[1];
        let aliases: Vec<&str> = name.aliases.iter().map(|a| a.field.as_str()).collect();
        assert_eq!(aliases, vec!["Image", "process_name"]);
        assert_eq!(name.ops.get(&Op::Eq), Some(&2));

        // The command line pattern: 2 rules here, 3 in the corpus.
        let top = &g.indicators[0];
        assert_eq!((top.field.as_str(), top.rules), ("process.command_line", 2));
        assert_eq!(top.corpus_reach, Some(3));
        // powershell.exe written two ways counts once, and is specific to T.
        let ps = &g.indicators[1];
        assert_eq!(
            (ps.value.as_str(), ps.rules, ps.corpus_reach),
            ("powershell.exe", 2, None)
        );

        assert_eq!(g.exclusions.len(), 1);
        assert_eq!(
            (g.exclusions[0].value.as_str(), g.exclusions[0].rules),
            ("SYSTEM", 2)
        );

        let list: Vec<&str> = g.rule_list.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(list, vec!["a", "c", "b"]);
    }

    #[test]
    fn data_sources_and_thresholds_rank_by_rules() {
        use crate::model::DataSource;
        let mut cat = catalog();
        let src = |v: &str| DataSource {
            kind: "logsource.category".into(),
            value: v.into(),
        };
        let count = Predicate::new("count", Op::Gt, "30");
        let extra = (0..2)
            .map(|n| Rule {
                id: format!("t{n}"),
                techniques: vec!["T1110".into()],
                sources: vec![src("process_creation"), src("process_creation")],
                thresholds: vec![count.clone()],
                ..Rule::default()
            })
            .collect();
        cat.add_rules(extra);
        let f = Filter::default();
        let g = technique_guide(&cat, "T1110", &f, false, &cat.reach(&f)).unwrap();
        assert_eq!(g.data_sources.len(), 1);
        assert_eq!(
            (g.data_sources[0].value.as_str(), g.data_sources[0].rules),
            ("process_creation", 2)
        );
        assert_eq!(g.thresholds.len(), 1);
        assert_eq!(
            (g.thresholds[0].field.as_str(), g.thresholds[0].rules),
            ("count", 2)
        );
        let by_vendor = &technique_guide(&cat, "T1059.001", &f, false, &cat.reach(&f))
            .unwrap()
            .fields[1]
            .by_vendor;
        assert_eq!(by_vendor.get(&Vendor::Splunk), Some(&1));
    }

    #[test]
    fn vendor_comparison_shares_each_vendors_rules() {
        let cat = catalog();
        let f = Filter::default();
        let g = technique_guide(&cat, "T1059.001", &f, false, &cat.reach(&f)).unwrap();
        type Cell<'a> = (Vendor, u32, u32, Vec<&'a str>);
        let rows: Vec<(&str, Vec<Cell>)> = g
            .vendor_comparison
            .iter()
            .map(|r| {
                let cells = r
                    .cells
                    .iter()
                    .map(|c| {
                        let aliases = c.aliases.iter().map(String::as_str).collect();
                        (c.vendor, c.rules, c.percent, aliases)
                    })
                    .collect();
                (r.field.as_str(), cells)
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (
                    "process.command_line",
                    vec![
                        (Vendor::Sigma, 2, 100, vec!["CommandLine"]),
                        (Vendor::Splunk, 0, 0, vec![]),
                    ]
                ),
                (
                    "process.name",
                    vec![
                        (Vendor::Sigma, 1, 50, vec!["Image"]),
                        (Vendor::Splunk, 1, 100, vec!["process_name"]),
                    ]
                ),
            ]
        );
        assert_eq!((percent(1, 3), percent(2, 3), percent(1, 0)), (33, 67, 0));
    }

    #[test]
    fn ties_rank_by_field_name_then_value_whatever_the_interning_order() {
        // `z.field` is interned before `a.field`, and `b` before `a`.
        let rules = vec![rule(
            "r",
            Vendor::Sigma,
            "T1",
            Expr::And(vec![
                Expr::Pred(p("z.field", "Z", Op::Eq, "1")),
                Expr::Pred(p("a.field", "A", Op::Eq, "b")),
                Expr::Pred(p("a.field", "A", Op::Eq, "a")),
                Expr::Pred(p("a.field", "A", Op::Wildcard, "*x*")),
            ]),
        )];
        let cat = Catalog::new(CatalogData {
            rules,
            ..CatalogData::default()
        });
        let f = Filter::default();
        let g = technique_guide(&cat, "T1", &f, false, &cat.reach(&f)).unwrap();
        let order: Vec<(&str, Op, &str)> = g
            .indicators
            .iter()
            .map(|r| (r.field.as_str(), r.op, r.value.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("a.field", Op::Eq, "a"),
                ("a.field", Op::Eq, "b"),
                ("a.field", Op::Wildcard, "*x*"),
                ("z.field", Op::Eq, "1"),
            ]
        );
    }

    #[test]
    fn filter_narrows_guide_and_reach() {
        let cat = catalog();
        let f = Filter {
            vendors: vec![Vendor::Sigma],
            ..Filter::default()
        };
        let g = technique_guide(&cat, "T1059.001", &f, false, &cat.reach(&f)).unwrap();
        assert_eq!(g.rules, 2);
        let enc = g.indicators.iter().find(|r| r.value == "* -enc *").unwrap();
        assert_eq!((enc.rules, enc.corpus_reach), (2, None));
        assert!(technique_guide(&cat, "T9999", &f, false, &cat.reach(&f)).is_none());
    }
}

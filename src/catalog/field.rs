//! One canonical field across the catalog: the spellings that collapsed into
//! it, the techniques and rules that use it, its values with their
//! operators, and how often it is excluded. Also the index of every field.
//! `rulescope field <name> --format json` prints exactly this, and the field
//! page shows it.
//!
//! Values are keyed like the technique guide's indicators (the interned
//! `(canonical, key_op, norm)` keys of [`Catalog`]), so a value's rule count
//! here is the corpus reach the guide shows for it under the same filter.

use super::filter::Filter;
use super::index::{Catalog, KeyId};
use crate::fields::{is_mapped, taxonomy};
use crate::model::{Op, Predicate, Rule, Vendor};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How many original spellings a value row keeps, most used first.
const SPELLINGS: usize = 8;

/// A field name as one vendor writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldAlias {
    /// The field as written in the rules.
    pub field: String,
    pub vendor: Vendor,
    /// Predicate and exclusion occurrences of this spelling.
    pub occurrences: u32,
    /// Rules that use this spelling.
    pub rules: u32,
}

/// A technique whose rules use the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldTechnique {
    pub id: String,
    /// The ATT&CK name; empty for ids not in the catalogue.
    pub name: String,
    /// Rules tagged with the technique that use the field.
    pub rules: u32,
}

/// A rule that uses the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldRule {
    pub vendor: Vendor,
    pub id: String,
    pub title: String,
    /// The rule filters on the field (a positive predicate).
    pub filters: bool,
    /// The rule excludes on the field (inside a `not`).
    pub excludes: bool,
    #[serde(skip)]
    pub index: u32,
}

/// One `(op, normalised value)` of the field, as an indicator row keys it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldValue {
    pub op: Op,
    /// The value as the technique guide shows it.
    pub value: String,
    /// Rules that use the combination.
    pub rules: u32,
    pub vendors: Vec<Vendor>,
    /// Distinct values as written that key here, most used first.
    pub spellings: Vec<String>,
    #[serde(skip)]
    pub key: KeyId,
    #[serde(skip)]
    pub members: Vec<u32>,
}

/// Everything the field page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldProfile {
    /// The canonical name, or the field as written when the taxonomy does
    /// not know it.
    pub field: String,
    /// Whether the taxonomy knows the field.
    pub mapped: bool,
    /// Rules that use the field, in filters or exclusions.
    pub rules: u32,
    /// Of those, rules that filter on it.
    pub filter_rules: u32,
    /// Of those, rules that exclude on it.
    pub exclusion_rules: u32,
    /// Occurrences of the field inside exclusions.
    pub exclusion_occurrences: u32,
    pub by_vendor: BTreeMap<Vendor, u32>,
    /// Spellings per vendor, most used first.
    pub aliases: Vec<FieldAlias>,
    /// Techniques ranked by the rules that use the field.
    pub techniques: Vec<FieldTechnique>,
    /// Rules by vendor, then title.
    pub rule_list: Vec<FieldRule>,
    /// Positive values ranked by rules, as the guide's indicators.
    pub values: Vec<FieldValue>,
    /// Excluded values ranked by rules, as the guide's exclusions.
    pub excluded_values: Vec<FieldValue>,
}

/// One row of the field index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSummary {
    pub field: String,
    pub mapped: bool,
    /// Rules that use the field, in filters or exclusions.
    pub rules: u32,
    pub vendors: Vec<Vendor>,
    /// Distinct (spelling, vendor) pairs that collapsed into the field.
    pub aliases: u32,
    /// Distinct positive values.
    pub values: u32,
}

/// Pushes `rule` onto `list` unless it is already the last entry: rules are
/// visited in order, so this keeps each rule once.
fn push_once(list: &mut Vec<u32>, rule: u32) {
    if list.last() != Some(&rule) {
        list.push(rule);
    }
}

/// The canonical name rules use for `name`: as given, else the one spelled
/// the same apart from case.
fn resolve_name(cat: &Catalog, name: &str) -> Option<String> {
    let mut folded = None;
    for rule in cat.rules() {
        for p in rule.predicates.iter().chain(&rule.exclusions) {
            if p.canonical == name {
                return Some(p.canonical.clone());
            }
            if folded.is_none() && p.canonical.eq_ignore_ascii_case(name) {
                folded = Some(p.canonical.clone());
            }
        }
    }
    folded.or_else(|| taxonomy().field(name).map(|d| d.name.clone()))
}

/// Whether the taxonomy knows `canonical`: it has an entry, or the field as
/// written in `rule` resolves (an ECS namespace, a renamed prefix).
fn known(canonical: &str, rule: &Rule, written: &str) -> bool {
    taxonomy().field(canonical).is_some() || is_mapped(rule, written)
}

/// Builds the field page for `name` (a canonical field, or an unmapped field
/// as written) over the rules that pass `filter`. `None` when neither a rule
/// nor the taxonomy knows the name.
pub fn field_profile(cat: &Catalog, name: &str, filter: &Filter) -> Option<FieldProfile> {
    if name.is_empty() {
        return None;
    }
    let field = resolve_name(cat, name)?;
    let mut mapped = taxonomy().field(&field).is_some();
    // Known fields need no further check; others ask about their first use.
    let mut checked = mapped;
    let mut members: Vec<u32> = Vec::new();
    let mut filter_rules = 0u32;
    let mut exclusion_rules = 0u32;
    let mut exclusion_occurrences = 0u32;
    let mut by_vendor: BTreeMap<Vendor, u32> = BTreeMap::new();
    // (spelling, vendor) -> (occurrences, rules)
    let mut aliases: BTreeMap<(String, Vendor), (u32, Vec<u32>)> = BTreeMap::new();
    let mut techniques: BTreeMap<String, u32> = BTreeMap::new();
    let mut rule_list = Vec::new();
    // (op, norm) -> spelling -> occurrences, for positives and exclusions.
    let mut spellings: [HashMap<(Op, String), HashMap<String, u32>>; 2] = Default::default();
    for (i, rule) in cat.rules().iter().enumerate() {
        let i = i as u32;
        if !filter.matches(rule) {
            continue;
        }
        let on = |p: &&Predicate| p.canonical == field;
        let filters = rule.predicates.iter().any(|p| on(&p));
        let excludes = rule.exclusions.iter().any(|p| on(&p));
        if !filters && !excludes {
            continue;
        }
        members.push(i);
        filter_rules += u32::from(filters);
        exclusion_rules += u32::from(excludes);
        *by_vendor.entry(rule.vendor).or_default() += 1;
        let mut tagged: Vec<&String> = rule.techniques.iter().collect();
        tagged.sort();
        tagged.dedup();
        for t in tagged {
            *techniques.entry(t.to_ascii_uppercase()).or_default() += 1;
        }
        rule_list.push(FieldRule {
            vendor: rule.vendor,
            id: rule.id.clone(),
            title: rule.title.clone(),
            filters,
            excludes,
            index: i,
        });
        for (side, list) in [&rule.predicates, &rule.exclusions].into_iter().enumerate() {
            for p in list.iter().filter(on) {
                if !checked {
                    mapped = known(&field, rule, &p.field);
                    checked = true;
                }
                let (occurrences, rules) =
                    aliases.entry((p.field.clone(), rule.vendor)).or_default();
                *occurrences += 1;
                push_once(rules, i);
                exclusion_occurrences += u32::from(side == 1);
                *spellings[side]
                    .entry((p.key_op(), p.norm.clone()))
                    .or_default()
                    .entry(p.value.clone())
                    .or_default() += 1;
            }
        }
    }
    let mut aliases: Vec<FieldAlias> = aliases
        .into_iter()
        .map(|((field, vendor), (occurrences, rules))| FieldAlias {
            field,
            vendor,
            occurrences,
            rules: rules.len() as u32,
        })
        .collect();
    aliases.sort_by(|a, b| {
        b.rules
            .cmp(&a.rules)
            .then(b.occurrences.cmp(&a.occurrences))
            .then(a.vendor.cmp(&b.vendor))
            .then_with(|| a.field.cmp(&b.field))
    });
    let mut techniques: Vec<FieldTechnique> = techniques
        .into_iter()
        .map(|(id, rules)| FieldTechnique {
            name: cat
                .technique(&id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            id,
            rules,
        })
        .collect();
    techniques.sort_by(|a, b| b.rules.cmp(&a.rules).then_with(|| a.id.cmp(&b.id)));
    rule_list.sort_by(|a, b| {
        a.vendor
            .cmp(&b.vendor)
            .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
    });
    let [positive, excluded] = spellings;
    let values = value_rows(cat, &field, &members, |i| cat.predicate_keys(i), &positive);
    let excluded_values = value_rows(cat, &field, &members, |i| cat.exclusion_keys(i), &excluded);
    Some(FieldProfile {
        mapped,
        rules: members.len() as u32,
        filter_rules,
        exclusion_rules,
        exclusion_occurrences,
        by_vendor,
        aliases,
        techniques,
        rule_list,
        values,
        excluded_values,
        field,
    })
}

/// Groups the keys of `field` that `keys_of` yields per rule, each rule once
/// per key, ranked like the guide's indicators: rules, then op, then value.
fn value_rows<'a>(
    cat: &'a Catalog,
    field: &str,
    members: &[u32],
    keys_of: impl Fn(u32) -> &'a [KeyId],
    spellings: &HashMap<(Op, String), HashMap<String, u32>>,
) -> Vec<FieldValue> {
    let mut groups: HashMap<KeyId, Vec<u32>> = HashMap::new();
    for &i in members {
        for &k in keys_of(i) {
            if cat.key(k).canonical == field {
                groups.entry(k).or_default().push(i);
            }
        }
    }
    let mut rows: Vec<FieldValue> = groups
        .into_iter()
        .map(|(key, members)| {
            let k = cat.key(key);
            let vendors: BTreeSet<Vendor> = members
                .iter()
                .filter_map(|&i| cat.rule(i))
                .map(|r| r.vendor)
                .collect();
            let mut written: Vec<(&String, &u32)> = spellings
                .get(&(k.op, k.norm.clone()))
                .map(|m| m.iter().collect())
                .unwrap_or_default();
            written.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            FieldValue {
                op: k.op,
                value: k.display.clone(),
                rules: members.len() as u32,
                vendors: vendors.into_iter().collect(),
                spellings: written
                    .into_iter()
                    .take(SPELLINGS)
                    .map(|(s, _)| s.clone())
                    .collect(),
                key,
                members,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let (ka, kb) = (cat.key(a.key), cat.key(b.key));
        b.rules
            .cmp(&a.rules)
            .then_with(|| ka.op.cmp(&kb.op))
            .then_with(|| ka.norm.cmp(&kb.norm))
    });
    rows
}

/// Per-field accumulator for [`field_index`].
#[derive(Default)]
struct IndexAcc {
    rules: Vec<u32>,
    vendors: BTreeSet<Vendor>,
    aliases: BTreeSet<(String, Vendor)>,
    values: BTreeSet<KeyId>,
    /// A rule and a spelling, to ask the taxonomy whether it knows the field.
    sample: (u32, String),
}

/// Every field rules that pass `filter` use (in filters or exclusions),
/// ranked by rules, then name. Bare keyword searches have no field and are
/// left out.
pub fn field_index(cat: &Catalog, filter: &Filter) -> Vec<FieldSummary> {
    let mut acc: HashMap<&str, IndexAcc> = HashMap::new();
    for (i, rule) in cat.rules().iter().enumerate() {
        let i = i as u32;
        if !filter.matches(rule) {
            continue;
        }
        for p in rule.predicates.iter().chain(&rule.exclusions) {
            if p.canonical.is_empty() {
                continue;
            }
            let a = acc.entry(p.canonical.as_str()).or_default();
            if a.rules.is_empty() {
                a.sample = (i, p.field.clone());
            }
            push_once(&mut a.rules, i);
            a.vendors.insert(rule.vendor);
            a.aliases.insert((p.field.clone(), rule.vendor));
        }
        for &k in cat.predicate_keys(i) {
            if let Some(a) = acc.get_mut(cat.key(k).canonical.as_str()) {
                a.values.insert(k);
            }
        }
    }
    let mut rows: Vec<FieldSummary> = acc
        .into_iter()
        .map(|(field, a)| {
            let (rule, written) = &a.sample;
            let mapped = cat.rule(*rule).is_some_and(|r| known(field, r, written));
            FieldSummary {
                field: field.to_string(),
                mapped,
                rules: a.rules.len() as u32,
                vendors: a.vendors.into_iter().collect(),
                aliases: a.aliases.len() as u32,
                values: a.values.len() as u32,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.rules.cmp(&a.rules).then_with(|| a.field.cmp(&b.field)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{technique_guide, CatalogData};
    use crate::model::{Expr, Technique};

    fn p(canonical: &str, field: &str, value: &str) -> Predicate {
        let mut p = Predicate::new(field, Op::Eq, value);
        p.canonical = canonical.into();
        p.norm = value.to_lowercase();
        p
    }

    fn rule(id: &str, vendor: Vendor, t: &str, preds: Vec<Predicate>, not: Vec<Predicate>) -> Rule {
        let mut all: Vec<Expr> = preds.into_iter().map(Expr::Pred).collect();
        all.extend(not.into_iter().map(|p| Expr::Not(Box::new(Expr::Pred(p)))));
        let mut r = Rule {
            id: id.into(),
            title: id.into(),
            vendor,
            techniques: vec![t.into()],
            ..Rule::default()
        };
        r.set_logic(Expr::And(all));
        r
    }

    /// Five rules, one deprecated, checked by hand.
    fn catalog() -> Catalog {
        let name = "process.name";
        let rules = vec![
            rule(
                "a",
                Vendor::Sigma,
                "T1059.001",
                vec![
                    p(name, "Image", "powershell.exe"),
                    p("process.command_line", "CommandLine", "* -enc *"),
                ],
                vec![p("user.name", "User", "SYSTEM")],
            ),
            rule(
                "b",
                Vendor::Splunk,
                "T1059.001",
                vec![p(name, "process_name", "POWERSHELL.EXE")],
                vec![p(name, "Processes.process_name", "conhost.exe")],
            ),
            rule(
                "c",
                Vendor::Elastic,
                "T1059",
                vec![p(name, "process.name", "pwsh.exe")],
                vec![],
            ),
            Rule {
                deprecated: true,
                ..rule(
                    "d",
                    Vendor::Elastic,
                    "T1059.001",
                    vec![p(name, "process.name", "powershell.exe")],
                    vec![],
                )
            },
            rule(
                "e",
                Vendor::Sigma,
                "T1003",
                vec![p(name, "Image", "powershell.exe"), p("Bogus", "Bogus", "x")],
                vec![],
            ),
        ];
        Catalog::new(CatalogData {
            techniques: vec![Technique {
                id: "T1059.001".into(),
                name: "PowerShell".into(),
                ..Technique::default()
            }],
            rules,
            ..CatalogData::default()
        })
    }

    /// A value row as (op, value, rules, vendors, spellings).
    type Shown<'a> = (Op, &'a str, u32, Vec<Vendor>, Vec<&'a str>);

    fn values(rows: &[FieldValue]) -> Vec<Shown<'_>> {
        rows.iter()
            .map(|v| {
                let spellings = v.spellings.iter().map(String::as_str).collect();
                (
                    v.op,
                    v.value.as_str(),
                    v.rules,
                    v.vendors.clone(),
                    spellings,
                )
            })
            .collect()
    }

    #[test]
    fn profile_lists_aliases_techniques_rules_and_values() {
        use Vendor::{Elastic, Sigma, Splunk};
        let cat = catalog();
        let f = Filter::default();
        let prof = field_profile(&cat, "process.name", &f).unwrap();
        assert!(prof.mapped);
        assert_eq!(
            (prof.rules, prof.filter_rules, prof.exclusion_rules),
            (4, 4, 1)
        );
        assert_eq!(prof.exclusion_occurrences, 1);
        let aliases: Vec<(&str, Vendor, u32, u32)> = prof
            .aliases
            .iter()
            .map(|a| (a.field.as_str(), a.vendor, a.occurrences, a.rules))
            .collect();
        assert_eq!(
            aliases,
            vec![
                ("Image", Sigma, 2, 2),
                ("Processes.process_name", Splunk, 1, 1),
                ("process_name", Splunk, 1, 1),
                ("process.name", Elastic, 1, 1),
            ]
        );
        let techniques: Vec<(&str, &str, u32)> = prof
            .techniques
            .iter()
            .map(|t| (t.id.as_str(), t.name.as_str(), t.rules))
            .collect();
        assert_eq!(
            techniques,
            vec![
                ("T1059.001", "PowerShell", 2),
                ("T1003", "", 1),
                ("T1059", "", 1)
            ]
        );
        let list: Vec<(&str, bool, bool)> = prof
            .rule_list
            .iter()
            .map(|r| (r.id.as_str(), r.filters, r.excludes))
            .collect();
        assert_eq!(
            list,
            vec![
                ("a", true, false),
                ("e", true, false),
                ("b", true, true),
                ("c", true, false)
            ]
        );
        assert_eq!(
            values(&prof.values),
            vec![
                (
                    Op::Eq,
                    "powershell.exe",
                    3,
                    vec![Sigma, Splunk],
                    vec!["powershell.exe", "POWERSHELL.EXE"]
                ),
                (Op::Eq, "pwsh.exe", 1, vec![Elastic], vec!["pwsh.exe"]),
            ]
        );
        assert_eq!(
            values(&prof.excluded_values),
            vec![(Op::Eq, "conhost.exe", 1, vec![Splunk], vec!["conhost.exe"])]
        );
    }

    #[test]
    fn value_counts_agree_with_the_guide_reach() {
        let cat = catalog();
        let f = Filter::default();
        let g = technique_guide(&cat, "T1059.001", &f, false, &cat.reach(&f)).unwrap();
        let ind = g
            .indicators
            .iter()
            .find(|i| i.field == "process.name" && i.value == "powershell.exe")
            .unwrap();
        let prof = field_profile(&cat, "process.name", &f).unwrap();
        let row = prof.values.iter().find(|v| v.key == ind.key).unwrap();
        assert_eq!(Some(row.rules), ind.corpus_reach);
    }

    #[test]
    fn filter_selects_rules_and_deprecated_count_when_asked() {
        let cat = catalog();
        let all = Filter {
            include_deprecated: true,
            ..Filter::default()
        };
        let prof = field_profile(&cat, "process.name", &all).unwrap();
        assert_eq!(prof.rules, 5);
        assert_eq!(prof.values[0].rules, 4);
        assert_eq!(prof.values[0].vendors.len(), 3);

        let sigma = Filter {
            vendors: vec![Vendor::Sigma],
            ..Filter::default()
        };
        let prof = field_profile(&cat, "process.name", &sigma).unwrap();
        assert_eq!(prof.rules, 2);
        let techniques: Vec<&str> = prof.techniques.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(techniques, vec!["T1003", "T1059.001"]);
        assert!(prof.excluded_values.is_empty());

        let local = Filter {
            only_local: true,
            ..Filter::default()
        };
        let prof = field_profile(&cat, "process.name", &local).unwrap();
        assert_eq!((prof.rules, prof.values.len()), (0, 0));
    }

    #[test]
    fn names_resolve_exactly_then_by_case_and_unknown_names_are_none() {
        let cat = catalog();
        let f = Filter::default();
        assert_eq!(
            field_profile(&cat, "PROCESS.NAME", &f).unwrap().field,
            "process.name"
        );
        let bogus = field_profile(&cat, "Bogus", &f).unwrap();
        assert!(!bogus.mapped);
        assert_eq!(bogus.aliases.len(), 1);
        assert!(field_profile(&cat, "no.such.field", &f).is_none());
        assert!(field_profile(&cat, "", &f).is_none());
    }

    #[test]
    fn index_ranks_every_field_with_its_counts() {
        use Vendor::{Elastic, Sigma, Splunk};
        let cat = catalog();
        let rows = field_index(&cat, &Filter::default());
        type Row<'a> = (&'a str, bool, u32, Vec<Vendor>, u32, u32);
        let shown: Vec<Row> = rows
            .iter()
            .map(|r| {
                (
                    r.field.as_str(),
                    r.mapped,
                    r.rules,
                    r.vendors.clone(),
                    r.aliases,
                    r.values,
                )
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("process.name", true, 4, vec![Sigma, Splunk, Elastic], 4, 2),
                ("Bogus", false, 1, vec![Sigma], 1, 1),
                ("process.command_line", true, 1, vec![Sigma], 1, 1),
                ("user.name", true, 1, vec![Sigma], 1, 0),
            ]
        );
    }
}

//! The indexed catalog: rules by technique, interned indicator keys, and the
//! corpus reach of every key under a filter.

use super::filter::Filter;
use super::meta::CatalogData;
use crate::model::{Op, Predicate, Rule, Technique, Vendor};
use std::collections::{BTreeMap, HashMap};

/// Interned `(canonical, op, norm)` indicator key.
pub type KeyId = u32;

/// Interned canonical field name.
pub type FieldId = u32;

/// One interned key with the value text shown for it.
#[derive(Debug, Clone)]
pub struct Key {
    pub canonical: String,
    /// `canonical` interned: aggregates that rank thousands of keys by
    /// field compare these instead of reading every key's string.
    pub field: FieldId,
    pub op: Op,
    pub norm: String,
    /// The value as first written by a rule, for display.
    pub display: String,
}

/// The catalog with its indexes. Built once from [`CatalogData`]; local
/// rules can be added and removed afterwards.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    data: CatalogData,
    technique_pos: HashMap<String, usize>,
    by_technique: HashMap<String, Vec<u32>>,
    /// Tagged sub-technique ids under each parent id (`T1059` →
    /// `T1059.001`, …), so a roll-up reads only its own children.
    subtechniques: HashMap<String, Vec<String>>,
    keys: Vec<Key>,
    key_ids: HashMap<(String, Op, String), KeyId>,
    /// Canonical field names by [`FieldId`], and back.
    fields: Vec<String>,
    field_ids: HashMap<String, FieldId>,
    pred_keys: Vec<Vec<KeyId>>,
    excl_keys: Vec<Vec<KeyId>>,
    rule_by_id: HashMap<String, u32>,
    /// Rules per vendor; a vendor without rules is absent.
    vendor_rules: BTreeMap<Vendor, u32>,
    /// The user's own rules, in catalog order.
    local: Vec<u32>,
}

/// How many rules in the whole catalog, under one filter, use each key as a
/// positive predicate: the *corpus reach* column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reach {
    counts: Vec<u32>,
}

impl Reach {
    /// The reach of one key (0 for keys no matching rule uses).
    pub fn get(&self, key: KeyId) -> u32 {
        self.counts.get(key as usize).copied().unwrap_or(0)
    }
}

impl Catalog {
    /// Indexes `data`.
    pub fn new(mut data: CatalogData) -> Catalog {
        let rules = std::mem::take(&mut data.rules);
        let technique_pos = data
            .techniques
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        let mut cat = Catalog {
            data,
            technique_pos,
            ..Catalog::default()
        };
        cat.add_rules(rules);
        cat
    }

    /// Adds rules (the user's local rules, for example) and indexes them.
    pub fn add_rules(&mut self, rules: Vec<Rule>) {
        for rule in rules {
            let index = self.data.rules.len() as u32;
            for t in &rule.techniques {
                let rules = self.by_technique.entry(t.clone()).or_insert_with(|| {
                    if let Some((parent, _)) = t.split_once('.') {
                        let children = self.subtechniques.entry(parent.to_string());
                        children.or_default().push(t.clone());
                    }
                    Vec::new()
                });
                rules.push(index);
            }
            self.rule_by_id.entry(rule.id.clone()).or_insert(index);
            *self.vendor_rules.entry(rule.vendor).or_default() += 1;
            if rule.local {
                self.local.push(index);
            }
            let p = self.intern_all(&rule.predicates);
            let e = self.intern_all(&rule.exclusions);
            self.pred_keys.push(p);
            self.excl_keys.push(e);
            self.data.rules.push(rule);
        }
    }

    /// The vendors that have rules, in [`Vendor::ALL`] order: the ones the
    /// vendor switches offer.
    pub fn vendors(&self) -> Vec<Vendor> {
        self.vendor_rules.keys().copied().collect()
    }

    /// The user's own rules, in catalog order.
    pub fn local_rules(&self) -> impl ExactSizeIterator<Item = &Rule> {
        self.local.iter().map(|&i| &self.data.rules[i as usize])
    }

    /// Drops every rule for which `remove` is true and re-indexes the rest.
    pub fn remove_rules(&mut self, remove: impl Fn(&Rule) -> bool) {
        let mut data = std::mem::take(&mut self.data);
        data.rules.retain(|r| !remove(r));
        *self = Catalog::new(data);
    }

    fn intern_all(&mut self, preds: &[Predicate]) -> Vec<KeyId> {
        let mut ids: Vec<KeyId> = preds.iter().map(|p| self.intern(p)).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn intern(&mut self, p: &Predicate) -> KeyId {
        let op = p.key_op();
        let lookup = (p.canonical.clone(), op, p.norm.clone());
        if let Some(id) = self.key_ids.get(&lookup) {
            return *id;
        }
        let id = self.keys.len() as KeyId;
        // A value rewritten with its op (`*\cmd.exe` keyed as `eq cmd.exe`)
        // shows its comparison form, so the row reads as it compares.
        let as_written = op == p.op || p.value.to_lowercase() == p.norm;
        let display = if as_written { &p.value } else { &p.norm };
        let field = match self.field_ids.get(&p.canonical) {
            Some(field) => *field,
            None => {
                let field = self.fields.len() as FieldId;
                self.fields.push(p.canonical.clone());
                self.field_ids.insert(p.canonical.clone(), field);
                field
            }
        };
        self.keys.push(Key {
            canonical: p.canonical.clone(),
            field,
            op,
            norm: p.norm.clone(),
            display: display.clone(),
        });
        self.key_ids.insert(lookup, id);
        id
    }

    /// Gives the contents back without the indexes, so the page can free a
    /// replaced catalog a slice at a time instead of in one long task.
    pub fn into_data(self) -> CatalogData {
        self.data
    }

    /// The catalog's contents (meta, tactics, techniques, rules).
    pub fn data(&self) -> &CatalogData {
        &self.data
    }

    /// Every rule, indexable by the `u32` indices the aggregates return.
    pub fn rules(&self) -> &[Rule] {
        &self.data.rules
    }

    /// One rule by index.
    pub fn rule(&self, index: u32) -> Option<&Rule> {
        self.data.rules.get(index as usize)
    }

    /// The index of the first rule with this upstream id.
    pub fn find_rule(&self, id: &str) -> Option<u32> {
        self.rule_by_id.get(id).copied()
    }

    /// One technique by ATT&CK id (case-insensitive).
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        let id = id.to_ascii_uppercase();
        self.technique_pos
            .get(&id)
            .and_then(|i| self.data.techniques.get(*i))
    }

    /// An interned key.
    pub fn key(&self, id: KeyId) -> &Key {
        &self.keys[id as usize]
    }

    /// The canonical field name of an interned field.
    pub fn field_name(&self, id: FieldId) -> &str {
        self.fields.get(id as usize).map_or("", String::as_str)
    }

    /// The deduplicated positive keys of one rule.
    pub fn predicate_keys(&self, rule: u32) -> &[KeyId] {
        self.pred_keys
            .get(rule as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The deduplicated exclusion keys of one rule.
    pub fn exclusion_keys(&self, rule: u32) -> &[KeyId] {
        self.excl_keys
            .get(rule as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Rules tagged with technique `id` that pass `filter`; with `rollup`,
    /// rules tagged with its sub-techniques too. Sorted, each rule once.
    pub fn rules_for(&self, id: &str, filter: &Filter, rollup: bool) -> Vec<u32> {
        let mut out = self.tagged_rules(id, rollup);
        out.retain(|i| filter.matches(&self.data.rules[*i as usize]));
        out
    }

    /// Rules tagged with technique `id` (with `rollup`, or one of its
    /// sub-techniques), whatever the filter: for callers that test the
    /// filter once per rule rather than once per technique. Sorted, each
    /// rule once.
    pub fn tagged_rules(&self, id: &str, rollup: bool) -> Vec<u32> {
        let id = id.to_ascii_uppercase();
        let mut out: Vec<u32> = self.by_technique.get(&id).cloned().unwrap_or_default();
        if rollup {
            let children = self.subtechniques.get(&id).into_iter().flatten();
            for rules in children.filter_map(|t| self.by_technique.get(t)) {
                out.extend(rules);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Technique ids that at least one rule is tagged with.
    pub fn tagged_techniques(&self) -> impl Iterator<Item = (&str, &[u32])> {
        self.by_technique
            .iter()
            .map(|(t, r)| (t.as_str(), r.as_slice()))
    }

    /// The corpus reach of every key among the rules that pass `filter`.
    pub fn reach(&self, filter: &Filter) -> Reach {
        let mut counts = vec![0u32; self.keys.len()];
        for (i, rule) in self.data.rules.iter().enumerate() {
            if filter.matches(rule) {
                for k in &self.pred_keys[i] {
                    counts[*k as usize] += 1;
                }
            }
        }
        Reach { counts }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Vendor;

    fn pred(field: &str, op: Op, value: &str) -> Predicate {
        let mut p = Predicate::new(field, op, value);
        p.norm = value.to_lowercase();
        p
    }

    fn rule(id: &str, techniques: &[&str], preds: Vec<Predicate>) -> Rule {
        Rule {
            id: id.into(),
            vendor: Vendor::Sigma,
            techniques: techniques.iter().map(|t| t.to_string()).collect(),
            predicates: preds,
            ..Rule::default()
        }
    }

    #[test]
    fn rollup_and_reach_count_each_rule_once() {
        let a = pred("Image", Op::Wildcard, "*\\cmd.exe");
        let a_upper = pred("Image", Op::Wildcard, "*\\CMD.exe");
        let data = CatalogData {
            rules: vec![
                rule("r1", &["T1059"], vec![a.clone(), a_upper]),
                rule("r2", &["T1059.001"], vec![a.clone()]),
                rule("r3", &["T1003"], vec![a.clone()]),
            ],
            ..CatalogData::default()
        };
        let cat = Catalog::new(data);
        let f = Filter::default();
        assert_eq!(cat.rules_for("t1059", &f, false), vec![0]);
        assert_eq!(cat.rules_for("T1059", &f, true), vec![0, 1]);
        assert_eq!(cat.predicate_keys(0).len(), 1, "same norm interns once");
        let reach = cat.reach(&f);
        assert_eq!(reach.get(cat.predicate_keys(0)[0]), 3);
        assert_eq!(cat.find_rule("r3"), Some(2));
    }

    #[test]
    fn keys_of_one_field_share_its_interned_id() {
        let mut cmd = pred("Image", Op::Eq, "cmd.exe");
        cmd.canonical = "process.name".into();
        let mut ps = pred("Image", Op::Eq, "powershell.exe");
        ps.canonical = "process.name".into();
        let mut user = pred("User", Op::Eq, "SYSTEM");
        user.canonical = "user.name".into();
        let cat = Catalog::new(CatalogData {
            rules: vec![rule("r1", &["T1"], vec![cmd, ps, user])],
            ..CatalogData::default()
        });
        let fields: Vec<FieldId> = cat
            .predicate_keys(0)
            .iter()
            .map(|&k| cat.key(k).field)
            .collect();
        assert_eq!(fields[0], fields[1], "two values of process.name");
        assert_ne!(fields[0], fields[2]);
        assert_eq!(cat.field_name(fields[0]), "process.name");
        assert_eq!(cat.field_name(fields[2]), "user.name");
        assert_eq!(cat.field_name(99), "", "an unknown id names nothing");
    }

    #[test]
    fn removing_rules_reindexes() {
        let data = CatalogData {
            rules: vec![
                rule("keep", &["T1"], vec![pred("a", Op::Eq, "1")]),
                Rule {
                    local: true,
                    ..rule("mine", &["T1"], vec![pred("b", Op::Eq, "2")])
                },
            ],
            ..CatalogData::default()
        };
        let mut cat = Catalog::new(data);
        cat.remove_rules(|r| r.local);
        assert_eq!(cat.rules().len(), 1);
        assert_eq!(cat.rules_for("T1", &Filter::default(), false), vec![0]);
        assert_eq!(cat.find_rule("mine"), None);
    }

    #[test]
    fn vendors_and_local_rules_follow_adding_and_removing() {
        let mine = |id: &str| Rule {
            local: true,
            vendor: Vendor::Local,
            ..rule(id, &["T1"], vec![])
        };
        let splunk = Rule {
            vendor: Vendor::Splunk,
            ..rule("s", &["T1"], vec![])
        };
        let mut cat = Catalog::new(CatalogData {
            rules: vec![splunk, rule("a", &["T1"], vec![])],
            ..CatalogData::default()
        });
        assert_eq!(cat.vendors(), vec![Vendor::Sigma, Vendor::Splunk]);
        assert_eq!(cat.local_rules().len(), 0);
        cat.add_rules(vec![mine("m1"), mine("m2")]);
        assert_eq!(
            cat.vendors(),
            vec![Vendor::Sigma, Vendor::Splunk, Vendor::Local]
        );
        let ids: Vec<&str> = cat.local_rules().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, vec!["m1", "m2"]);
        cat.remove_rules(|r| r.id == "m1");
        let ids: Vec<&str> = cat.local_rules().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, vec!["m2"]);
        cat.remove_rules(|r| r.local);
        assert_eq!(cat.vendors(), vec![Vendor::Sigma, Vendor::Splunk]);
    }
}

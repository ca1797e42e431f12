//! The global search box: techniques by id and name, rules by id, title and
//! description, fields by canonical name and vendor alias, indicator values.
//!
//! [`SearchIndex::new`] copies the searchable texts of a catalog once, lower
//! cased, so each keystroke is a plain scan of prepared strings (the page
//! builds it on first use and keeps it while the catalog is the same).
//! Matches rank exact > prefix > word start > substring > every word present
//! somewhere; within a rank techniques sort by id, rules by title, fields
//! and values by how many rules use them.

use super::index::Catalog;
use crate::fields::lookup_key;
use crate::model::{Op, Vendor};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// How well a text matched the query, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rank {
    /// The whole text is the query.
    Exact,
    /// The text starts with the query.
    Prefix,
    /// The query starts a word inside the text.
    Word,
    /// The query occurs inside a word.
    Substring,
    /// Every word of a multi-word query occurs, not together.
    AllWords,
}

/// A technique that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TechniqueHit {
    pub id: String,
    pub name: String,
    pub rank: Rank,
}

/// A rule that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleHit {
    /// Index in the catalog.
    pub index: u32,
    pub id: String,
    pub title: String,
    pub vendor: Vendor,
    pub rank: Rank,
    /// Only the description matched (ranked after every id or title match).
    pub in_description: bool,
    pub deprecated: bool,
}

/// A field that matched, by canonical name or by an alias rules write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldHit {
    /// The canonical name: the field page's subject.
    pub name: String,
    /// The spelling that matched, when it is an alias and not `name`.
    pub alias: Option<String>,
    /// Rules filtering on the field (positively or as an exclusion).
    pub rules: u32,
    pub rank: Rank,
}

/// An indicator value that matched, with the canonical field it is on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueHit {
    pub field: String,
    /// The value as rules write it.
    pub value: String,
    /// Rules using this value on this field.
    pub rules: u32,
    pub rank: Rank,
}

/// The best hits of one kind and how many matched in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group<T> {
    pub hits: Vec<T>,
    pub total: usize,
}

impl<T> Group<T> {
    /// The same group with each hit turned into another type.
    fn map<U>(self, f: impl FnMut(T) -> U) -> Group<U> {
        Group {
            hits: self.hits.into_iter().map(f).collect(),
            total: self.total,
        }
    }
}

impl<T> Default for Group<T> {
    fn default() -> Self {
        Group {
            hits: Vec::new(),
            total: 0,
        }
    }
}

/// Search results grouped by kind, each group ranked best first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub techniques: Group<TechniqueHit>,
    pub rules: Group<RuleHit>,
    pub fields: Group<FieldHit>,
    pub values: Group<ValueHit>,
}

impl SearchResults {
    /// True when nothing matched.
    pub fn is_empty(&self) -> bool {
        self.techniques.total + self.rules.total + self.fields.total + self.values.total == 0
    }
}

struct TechniqueEntry {
    id: String,
    name: String,
}

struct RuleEntry {
    id: String,
    title: String,
    vendor: Vendor,
    deprecated: bool,
}

struct FieldEntry {
    name: String,
    /// Aliases as first written, with their lookup form.
    aliases: Vec<(String, String)>,
    rules: u32,
}

struct ValueEntry {
    field: String,
    value: String,
    rules: u32,
}

/// Many lower-cased texts in one buffer, each ended by a newline (which the
/// query never holds), so a query costs one scan of the buffer instead of
/// one search set-up per text.
#[derive(Default)]
struct Texts {
    buf: String,
    /// Where each text starts in `buf`.
    starts: Vec<usize>,
    /// The entry (technique, rule, alias, value) each text belongs to.
    owners: Vec<usize>,
}

impl Texts {
    fn push(&mut self, owner: usize, text: &str) {
        self.starts.push(self.buf.len());
        self.owners.push(owner);
        self.buf.push_str(&text.to_lowercase().replace('\n', " "));
        self.buf.push('\n');
    }

    /// Calls `hit(owner, rank)` for occurrences of `q` (lower case, without
    /// newlines): the first in each text, and later ones while they could
    /// rank better. An owner may be reported several times.
    fn scan(&self, q: &str, mut hit: impl FnMut(usize, Rank)) {
        let mut from = 0;
        while let Some(offset) = self.buf[from..].find(q) {
            let pos = from + offset;
            let t = self.starts.partition_point(|&s| s <= pos) - 1;
            let start = self.starts[t];
            let end = self.starts.get(t + 1).map_or(self.buf.len(), |&s| s) - 1;
            let rank = if pos == start && pos + q.len() == end {
                Rank::Exact
            } else if pos == start {
                Rank::Prefix
            } else if self.buf[..pos]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
            {
                Rank::Word
            } else {
                Rank::Substring
            };
            hit(self.owners[t], rank);
            // Only a later word start could still improve a substring match.
            from = if rank == Rank::Substring {
                pos + q.len()
            } else {
                end + 1
            };
        }
    }

    /// Calls `hit(owner)` for every text holding each of `words`.
    fn scan_all(&self, words: &[&str], mut hit: impl FnMut(usize)) {
        let mut seen = vec![0usize; self.starts.len()];
        for (n, w) in words.iter().enumerate() {
            let mut last = usize::MAX;
            for (pos, _) in self.buf.match_indices(w) {
                let t = self.starts.partition_point(|&s| s <= pos) - 1;
                if t != last && seen[t] == n {
                    seen[t] = n + 1;
                }
                last = t;
            }
        }
        for (t, n) in seen.into_iter().enumerate() {
            if n == words.len() {
                hit(self.owners[t]);
            }
        }
    }
}

/// The best rank seen per entry.
struct Best(Vec<Option<Rank>>);

impl Best {
    fn new(n: usize) -> Best {
        Best(vec![None; n])
    }

    fn offer(&mut self, owner: usize, rank: Rank) {
        let slot = &mut self.0[owner];
        if slot.is_none_or(|r| rank < r) {
            *slot = Some(rank);
        }
    }

    /// Ranks from the texts: matches of the query, and for a query of
    /// several words, texts holding them all apart.
    fn offer_texts(&mut self, texts: &Texts, m: &Matcher) -> &mut Best {
        texts.scan(m.q, |o, r| self.offer(o, r));
        if m.words.len() > 1 {
            texts.scan_all(&m.words, |o| self.offer(o, Rank::AllWords));
        }
        self
    }

    /// Ranks from identifiers: only whole or leading matches, so a short
    /// query does not match the middle of every hexadecimal rule id.
    fn offer_ids(&mut self, texts: &Texts, m: &Matcher) -> &mut Best {
        texts.scan(m.q, |o, r| {
            if r <= Rank::Prefix {
                self.offer(o, r)
            }
        });
        self
    }
}

/// The searchable texts of one catalog, prepared once. Results describe the
/// catalog the index was built from; build a new one when it changes.
pub struct SearchIndex {
    techniques: Vec<TechniqueEntry>,
    technique_ids: Texts,
    technique_names: Texts,
    rules: Vec<RuleEntry>,
    rule_ids: Texts,
    rule_titles: Texts,
    rule_descriptions: Texts,
    fields: Vec<FieldEntry>,
    field_names: Texts,
    /// `(field, alias number)` per text of `field_aliases`.
    alias_of: Vec<(usize, usize)>,
    field_aliases: Texts,
    values: Vec<ValueEntry>,
    value_texts: Texts,
}

/// Counts each rule once per canonical field it filters on, and collects the
/// spellings rules write for each (bare keywords have no field and are left
/// out).
fn field_entries(cat: &Catalog) -> Vec<FieldEntry> {
    let mut fields: BTreeMap<&str, FieldEntry> = BTreeMap::new();
    let mut used: Vec<&str> = Vec::new();
    for rule in cat.rules() {
        used.clear();
        for p in rule.predicates.iter().chain(&rule.exclusions) {
            if p.canonical.is_empty() {
                continue;
            }
            used.push(&p.canonical);
            let entry = fields
                .entry(p.canonical.as_str())
                .or_insert_with(|| FieldEntry {
                    name: p.canonical.clone(),
                    aliases: Vec::new(),
                    rules: 0,
                });
            let alias = lookup_key(&p.field);
            if !p.field.is_empty()
                && alias != lookup_key(&p.canonical)
                && !entry.aliases.iter().any(|(_, a)| *a == alias)
            {
                entry.aliases.push((p.field.clone(), alias));
            }
        }
        used.sort_unstable();
        used.dedup();
        for name in &used {
            if let Some(entry) = fields.get_mut(name) {
                entry.rules += 1;
            }
        }
    }
    fields.into_values().collect()
}

/// One entry per `(canonical field, value)` that rules compare with, counting
/// each rule once; presence tests and field-to-field comparisons are not
/// values, and bare keywords have no field page to open.
fn value_entries(cat: &Catalog) -> Vec<ValueEntry> {
    let mut rules_per_key: HashMap<u32, u32> = HashMap::new();
    let mut keys: Vec<u32> = Vec::new();
    for i in 0..cat.rules().len() as u32 {
        keys.clear();
        keys.extend(cat.predicate_keys(i));
        keys.extend(cat.exclusion_keys(i));
        keys.sort_unstable();
        keys.dedup();
        for k in &keys {
            *rules_per_key.entry(*k).or_insert(0) += 1;
        }
    }
    // Keys that differ only by op (`eq` and `regex_match` of one text) lead to
    // the same field page: keep one entry, the most used.
    let mut by_value: HashMap<(&str, &str), ValueEntry> = HashMap::new();
    for (k, rules) in rules_per_key {
        let key = cat.key(k);
        if key.canonical.is_empty() || matches!(key.op, Op::Exists | Op::Fieldref) {
            continue;
        }
        let entry = by_value
            .entry((key.canonical.as_str(), key.norm.as_str()))
            .or_insert_with(|| ValueEntry {
                field: key.canonical.clone(),
                value: key.display.clone(),
                rules: 0,
            });
        if rules > entry.rules {
            entry.rules = rules;
            entry.value = key.display.clone();
        }
    }
    let mut values: Vec<ValueEntry> = by_value.into_values().collect();
    values.sort_by(|a, b| a.field.cmp(&b.field).then(a.value.cmp(&b.value)));
    values
}

impl SearchIndex {
    /// Prepares the catalog's texts: live techniques (revoked and deprecated
    /// ones are left out, as on the index), every rule, every field and
    /// value rules filter on.
    pub fn new(cat: &Catalog) -> SearchIndex {
        let mut index = SearchIndex {
            techniques: Vec::new(),
            technique_ids: Texts::default(),
            technique_names: Texts::default(),
            rules: Vec::new(),
            rule_ids: Texts::default(),
            rule_titles: Texts::default(),
            rule_descriptions: Texts::default(),
            fields: field_entries(cat),
            field_names: Texts::default(),
            alias_of: Vec::new(),
            field_aliases: Texts::default(),
            values: value_entries(cat),
            value_texts: Texts::default(),
        };
        for t in cat.data().techniques.iter().filter(|t| !t.is_retired()) {
            let i = index.techniques.len();
            index.technique_ids.push(i, &t.id);
            index.technique_names.push(i, &t.name);
            index.techniques.push(TechniqueEntry {
                id: t.id.clone(),
                name: t.name.clone(),
            });
        }
        for (i, r) in cat.rules().iter().enumerate() {
            index.rule_ids.push(i, &r.id);
            index.rule_titles.push(i, &r.title);
            index.rule_descriptions.push(i, &r.description);
            index.rules.push(RuleEntry {
                id: r.id.clone(),
                title: r.title.clone(),
                vendor: r.vendor,
                deprecated: r.deprecated,
            });
        }
        for (i, f) in index.fields.iter().enumerate() {
            index.field_names.push(i, &f.name);
            for (a, (_, lower)) in f.aliases.iter().enumerate() {
                index.field_aliases.push(index.alias_of.len(), lower);
                index.alias_of.push((i, a));
            }
        }
        for (i, v) in index.values.iter().enumerate() {
            index.value_texts.push(i, &v.value);
        }
        index
    }

    /// The best `limit_per_group` hits of each kind for `query`
    /// (case-insensitive, surrounding blanks ignored); empty for a blank
    /// query.
    pub fn search(&self, query: &str, limit_per_group: usize) -> SearchResults {
        let q = query.trim().to_lowercase().replace('\n', " ");
        if q.is_empty() {
            return SearchResults::default();
        }
        let m = Matcher {
            q: &q,
            words: q.split_whitespace().collect(),
        };

        // Each group first ranks small (rank, position) pairs and copies
        // strings only for the hits it keeps: a one-letter query matches
        // most of the catalog.
        let mut best = Best::new(self.techniques.len());
        best.offer_ids(&self.technique_ids, &m)
            .offer_texts(&self.technique_names, &m);
        let found = best
            .0
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some(((*r)?, i)));
        let techniques = top(found.collect(), limit_per_group, |a, b| {
            let (x, y) = (&self.techniques[a.1], &self.techniques[b.1]);
            a.0.cmp(&b.0).then_with(|| x.id.cmp(&y.id))
        })
        .map(|(rank, i)| {
            let t = &self.techniques[i];
            TechniqueHit {
                id: t.id.clone(),
                name: t.name.clone(),
                rank,
            }
        });

        let mut titled = Best::new(self.rules.len());
        titled
            .offer_ids(&self.rule_ids, &m)
            .offer_texts(&self.rule_titles, &m);
        let mut described = Best::new(self.rules.len());
        described.offer_texts(&self.rule_descriptions, &m);
        let found = titled
            .0
            .iter()
            .zip(&described.0)
            .enumerate()
            .filter_map(|(i, (t, d))| match (t, d) {
                (Some(rank), _) => Some((false, *rank, i)),
                (None, Some(rank)) => Some((true, *rank, i)),
                (None, None) => None,
            });
        let rules = top(found.collect(), limit_per_group, |a, b| {
            let (x, y) = (&self.rules[a.2], &self.rules[b.2]);
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| x.title.cmp(&y.title))
                .then(a.2.cmp(&b.2))
        })
        .map(|(in_description, rank, i)| {
            let r = &self.rules[i];
            RuleHit {
                index: i as u32,
                id: r.id.clone(),
                title: r.title.clone(),
                vendor: r.vendor,
                rank,
                in_description,
                deprecated: r.deprecated,
            }
        });

        let mut named = Best::new(self.fields.len());
        named.offer_texts(&self.field_names, &m);
        let mut aliased = Best::new(self.alias_of.len());
        aliased.offer_texts(&self.field_aliases, &m);
        // Per field: its best rank and, when an alias did better than the
        // canonical name (which wins ties), that alias.
        let mut by_field: Vec<Option<(Rank, Option<usize>)>> =
            named.0.iter().map(|r| r.map(|r| (r, None))).collect();
        for (t, rank) in aliased.0.iter().enumerate() {
            let (Some(rank), (f, a)) = (*rank, self.alias_of[t]) else {
                continue;
            };
            if by_field[f].is_none_or(|(r, _)| rank < r) {
                by_field[f] = Some((rank, Some(a)));
            }
        }
        let found = by_field
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.map(|(rank, alias)| (rank, i, alias)));
        let fields = top(found.collect(), limit_per_group, |a, b| {
            let (x, y) = (&self.fields[a.1], &self.fields[b.1]);
            a.0.cmp(&b.0)
                .then(y.rules.cmp(&x.rules))
                .then_with(|| x.name.cmp(&y.name))
        })
        .map(|(rank, i, alias)| {
            let f = &self.fields[i];
            FieldHit {
                name: f.name.clone(),
                alias: alias.map(|a| f.aliases[a].0.clone()),
                rules: f.rules,
                rank,
            }
        });

        let mut best = Best::new(self.values.len());
        best.offer_texts(&self.value_texts, &m);
        let found = best
            .0
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some(((*r)?, i)));
        let values = top(found.collect(), limit_per_group, |a, b| {
            let (x, y) = (&self.values[a.1], &self.values[b.1]);
            a.0.cmp(&b.0)
                .then(y.rules.cmp(&x.rules))
                .then_with(|| x.field.cmp(&y.field))
                .then_with(|| x.value.cmp(&y.value))
        })
        .map(|(rank, i)| {
            let v = &self.values[i];
            ValueHit {
                field: v.field.clone(),
                value: v.value.clone(),
                rules: v.rules,
                rank,
            }
        });

        SearchResults {
            techniques,
            rules,
            fields,
            values,
        }
    }
}

/// The lower-cased query and its words.
struct Matcher<'q> {
    q: &'q str,
    words: Vec<&'q str>,
}

/// The `limit` smallest items by `cmp`, sorted, with how many there were.
fn top<T>(mut items: Vec<T>, limit: usize, cmp: impl Fn(&T, &T) -> Ordering) -> Group<T> {
    let total = items.len();
    if limit == 0 {
        return Group {
            hits: Vec::new(),
            total,
        };
    }
    if items.len() > limit {
        items.select_nth_unstable_by(limit - 1, &cmp);
        items.truncate(limit);
    }
    items.sort_by(&cmp);
    Group { hits: items, total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogData;
    use crate::model::{Predicate, Rule, Technique};

    fn pred(field: &str, canonical: &str, op: Op, value: &str) -> Predicate {
        let mut p = Predicate::new(field, op, value);
        p.canonical = canonical.into();
        p.norm = value.to_lowercase();
        p
    }

    fn tech(id: &str, name: &str) -> Technique {
        Technique {
            id: id.into(),
            name: name.into(),
            ..Technique::default()
        }
    }

    fn catalog() -> Catalog {
        let mut revoked = tech("T1086", "PowerShell");
        revoked.revoked = true;
        Catalog::new(CatalogData {
            techniques: vec![
                tech("T1059", "Command and Scripting Interpreter"),
                tech("T1059.001", "PowerShell"),
                tech("T1546.013", "PowerShell Profile"),
                tech("T1003", "OS Credential Dumping"),
                revoked,
            ],
            rules: vec![
                Rule {
                    id: "aaa-111".into(),
                    title: "Suspicious PowerShell Download".into(),
                    description: "Detects a download cradle.".into(),
                    vendor: Vendor::Sigma,
                    predicates: vec![
                        pred("Image", "process.name", Op::Eq, "PowerShell.exe"),
                        pred(
                            "CommandLine",
                            "process.command_line",
                            Op::Wildcard,
                            "*net.webclient*",
                        ),
                    ],
                    ..Rule::default()
                },
                Rule {
                    id: "bbb-222".into(),
                    title: "Encoded command".into(),
                    description: "Runs powershell with -enc.".into(),
                    vendor: Vendor::Splunk,
                    predicates: vec![pred(
                        "Processes.process_name",
                        "process.name",
                        Op::Eq,
                        "powershell.exe",
                    )],
                    exclusions: vec![pred("", "", Op::Match, "powershell")],
                    ..Rule::default()
                },
                Rule {
                    id: "ccc-333".into(),
                    title: "LSASS access".into(),
                    vendor: Vendor::Elastic,
                    predicates: vec![
                        pred("process.name", "process.name", Op::Eq, "lsass.exe"),
                        pred(
                            "process.name",
                            "process.name",
                            Op::RegexMatch,
                            "powershell.exe",
                        ),
                        pred(
                            "winlog.event_data.GrantedAccess",
                            "winlog.event_data.GrantedAccess",
                            Op::Exists,
                            "true",
                        ),
                    ],
                    ..Rule::default()
                },
            ],
            ..CatalogData::default()
        })
    }

    #[test]
    fn techniques_rank_exact_then_prefix_then_word() {
        let index = SearchIndex::new(&catalog());
        let ranks = |q: &str| -> Vec<(String, Rank)> {
            let r = index.search(q, 10);
            r.techniques
                .hits
                .into_iter()
                .map(|h| (h.id, h.rank))
                .collect()
        };
        // The revoked T1086 is left out.
        assert_eq!(
            ranks("  PowerShell "),
            [
                ("T1059.001".into(), Rank::Exact),
                ("T1546.013".into(), Rank::Prefix)
            ]
        );
        assert_eq!(
            ranks("t1059"),
            [
                ("T1059".into(), Rank::Exact),
                ("T1059.001".into(), Rank::Prefix)
            ]
        );

        let r = index.search("dumping", 10);
        assert_eq!(r.techniques.hits[0].id, "T1003");
        assert_eq!(r.techniques.hits[0].rank, Rank::Word);
    }

    #[test]
    fn rules_match_title_before_description_and_ids_only_from_the_start() {
        let index = SearchIndex::new(&catalog());
        let r = index.search("powershell", 10);
        let got: Vec<(&str, Rank, bool)> = r
            .rules
            .hits
            .iter()
            .map(|h| (h.id.as_str(), h.rank, h.in_description))
            .collect();
        assert_eq!(
            got,
            [
                ("aaa-111", Rank::Word, false),
                ("bbb-222", Rank::Word, true)
            ]
        );
        let r = index.search("BBB-2", 10);
        assert_eq!(r.rules.hits.len(), 1);
        assert_eq!(
            (r.rules.hits[0].index, r.rules.hits[0].rank),
            (1, Rank::Prefix)
        );
        assert_eq!(
            index.search("222", 10).rules.total,
            0,
            "no match inside an id"
        );
        // Words of a query found apart.
        let r = index.search("download suspicious", 10);
        assert_eq!(r.rules.hits[0].rank, Rank::AllWords);
    }

    #[test]
    fn fields_by_canonical_name_or_alias_with_rule_counts() {
        let index = SearchIndex::new(&catalog());
        let r = index.search("process_name", 10);
        assert_eq!(
            r.fields.hits,
            [FieldHit {
                name: "process.name".into(),
                alias: Some("Processes.process_name".into()),
                rules: 3,
                rank: Rank::Word,
            }]
        );
        let r = index.search("process.", 10);
        let got: Vec<(&str, u32, Rank)> = r
            .fields
            .hits
            .iter()
            .map(|h| (h.name.as_str(), h.rules, h.rank))
            .collect();
        assert_eq!(
            got,
            [
                ("process.name", 3, Rank::Prefix),
                ("process.command_line", 1, Rank::Prefix)
            ]
        );
        let r = index.search("image", 10);
        assert_eq!(r.fields.hits[0].alias.as_deref(), Some("Image"));
        assert_eq!(r.fields.hits[0].rank, Rank::Exact);
    }

    #[test]
    fn values_per_field_counted_once_per_rule_without_presence_tests() {
        let index = SearchIndex::new(&catalog());
        let r = index.search("powershell", 3);
        let got: Vec<(&str, &str, u32, Rank)> = r
            .values
            .hits
            .iter()
            .map(|h| (h.field.as_str(), h.value.as_str(), h.rules, h.rank))
            .collect();
        // `eq` in two rules beats the regex spelling of the same text in one;
        // the bare keyword `powershell` has no field and is left out.
        assert_eq!(got, [("process.name", "PowerShell.exe", 2, Rank::Prefix)]);
        assert_eq!(r.values.total, 1);
        assert_eq!(index.search("true", 10).values.total, 0);
        let r = index.search("webclient", 10);
        assert_eq!(r.values.hits[0].value, "*net.webclient*");
        assert_eq!(r.values.hits[0].rank, Rank::Word);
    }

    #[test]
    fn limits_cut_groups_but_totals_count_all_and_blank_finds_nothing() {
        let index = SearchIndex::new(&catalog());
        let r = index.search("e", 1);
        assert_eq!(r.techniques.hits.len(), 1);
        assert!(r.techniques.total > 1);
        assert_eq!(r.rules.hits.len(), 1);
        assert_eq!(r.rules.total, 3);
        assert!(index.search("   ", 5).is_empty());
        assert!(index.search("zzzz", 5).is_empty());
    }
}

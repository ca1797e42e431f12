//! "Compare my rule": how one of the user's local rules stands against the
//! public rules. For each of its techniques, which of the indicators and
//! exclusions most used by that technique's rules it lacks; for each of its
//! own indicators, how many public rules use it (corpus reach), so a
//! one-off value (rare) or a value half the corpus checks (noisy) stands out.

use super::index::{Catalog, KeyId};
use crate::model::Op;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// At most this reach counts as rare: no or one public rule uses the key.
const RARE_MAX: u32 = 1;
/// A key is noisy from this many public rules on, or from one in a
/// hundred public rules on a large corpus.
const NOISY_FLOOR: u32 = 20;
const NOISY_SHARE: u32 = 100;
/// A technique's key must be used by at least this many of its rules to be
/// one of its top keys.
const TOP_MIN_RULES: u32 = 2;

/// One indicator key, as the tables show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyView {
    pub key: KeyId,
    pub field: String,
    pub op: Op,
    pub value: String,
}

/// A top key of a technique that the compared rule does not use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lack {
    pub key: KeyView,
    /// How many public rules of the technique use it.
    pub rules: u32,
}

/// What the compared rule lacks against one of its techniques.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TechniqueGap {
    pub technique: String,
    /// Public rules of the technique (sub-techniques included).
    pub peers: u32,
    pub indicators: Vec<Lack>,
    pub exclusions: Vec<Lack>,
}

/// How common one of the rule's own indicators is among public rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// No or one public rule uses it: very specific, or a typo.
    Rare,
    Common,
    /// So many public rules use it that it hardly narrows anything alone.
    Noisy,
}

/// One of the rule's own indicators with its corpus reach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Own {
    pub key: KeyView,
    /// Public rules (not local ones) using it as a positive predicate.
    pub reach: u32,
    pub verdict: Verdict,
}

/// The comparison of one rule with the public rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub techniques: Vec<TechniqueGap>,
    pub own: Vec<Own>,
    /// The reach from which an indicator is called noisy.
    pub noisy_from: u32,
}

fn view(cat: &Catalog, key: KeyId) -> KeyView {
    let k = cat.key(key);
    KeyView {
        key,
        field: k.canonical.clone(),
        op: k.op,
        value: k.display.clone(),
    }
}

/// Of the `top` keys most used by `peers` (through `keys_of`, by at least
/// two of them), those not in `own`, most used first.
fn top_lacking(
    cat: &Catalog,
    peers: &[u32],
    keys_of: fn(&Catalog, u32) -> &[KeyId],
    own: &[KeyId],
    top: usize,
) -> Vec<Lack> {
    let mut counts: HashMap<KeyId, u32> = HashMap::new();
    for i in peers {
        for k in keys_of(cat, *i) {
            *counts.entry(*k).or_insert(0) += 1;
        }
    }
    let mut ranked: Vec<(KeyId, u32)> = counts
        .into_iter()
        .filter(|(_, n)| *n >= TOP_MIN_RULES)
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(top);
    ranked
        .into_iter()
        .filter(|(k, _)| own.binary_search(k).is_err())
        .map(|(k, rules)| Lack {
            key: view(cat, k),
            rules,
        })
        .collect()
}

/// Compares rule `index` with the public (non-local) rules: per technique,
/// the technique's `top` most used indicators and exclusions the rule
/// lacks (most used first); then the rule's own indicators with their
/// reach, rarest first. `None` for an unknown index.
pub fn compare_rule(cat: &Catalog, index: u32, top: usize) -> Option<Comparison> {
    let rule = cat.rule(index)?;
    let public: Vec<u32> = (0..cat.rules().len() as u32)
        .filter(|i| *i != index && cat.rule(*i).is_some_and(|r| !r.local))
        .collect();
    let noisy_from = NOISY_FLOOR.max(public.len() as u32 / NOISY_SHARE);

    let own_preds = cat.predicate_keys(index);
    let own_excls = cat.exclusion_keys(index);
    let techniques = rule
        .techniques
        .iter()
        .map(|t| {
            let peers: Vec<u32> = cat
                .rules_for(t, &super::Filter::default(), true)
                .into_iter()
                .filter(|i| *i != index && cat.rule(*i).is_some_and(|r| !r.local))
                .collect();
            TechniqueGap {
                technique: t.clone(),
                peers: peers.len() as u32,
                indicators: top_lacking(cat, &peers, Catalog::predicate_keys, own_preds, top),
                exclusions: top_lacking(cat, &peers, Catalog::exclusion_keys, own_excls, top),
            }
        })
        .collect();

    let mut reach: HashMap<KeyId, u32> = own_preds.iter().map(|k| (*k, 0)).collect();
    for i in &public {
        for k in cat.predicate_keys(*i) {
            if let Some(n) = reach.get_mut(k) {
                *n += 1;
            }
        }
    }
    let mut own: Vec<Own> = own_preds
        .iter()
        .map(|k| {
            let reach = reach[k];
            let verdict = if reach <= RARE_MAX {
                Verdict::Rare
            } else if reach >= noisy_from {
                Verdict::Noisy
            } else {
                Verdict::Common
            };
            Own {
                key: view(cat, *k),
                reach,
                verdict,
            }
        })
        .collect();
    own.sort_by(|a, b| a.reach.cmp(&b.reach).then(a.key.key.cmp(&b.key.key)));
    Some(Comparison {
        techniques,
        own,
        noisy_from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogData;
    use crate::model::{Predicate, Rule, Vendor};

    fn pred(field: &str, value: &str) -> Predicate {
        let mut p = Predicate::new(field, Op::Eq, value);
        p.canonical = field.into();
        p.norm = value.to_lowercase();
        p
    }

    fn rule(id: &str, technique: &str, preds: &[(&str, &str)], excls: &[(&str, &str)]) -> Rule {
        Rule {
            id: id.into(),
            vendor: Vendor::Sigma,
            techniques: vec![technique.into()],
            predicates: preds.iter().map(|(f, v)| pred(f, v)).collect(),
            exclusions: excls.iter().map(|(f, v)| pred(f, v)).collect(),
            ..Rule::default()
        }
    }

    #[test]
    fn lacking_keys_and_rare_and_noisy_own_keys() {
        let mut rules = vec![
            rule(
                "p1",
                "T1003",
                &[("image", "procdump.exe"), ("cmd", "lsass")],
                &[("user", "backup")],
            ),
            rule(
                "p2",
                "T1003",
                &[("image", "procdump.exe"), ("cmd", "lsass")],
                &[("user", "backup")],
            ),
            rule(
                "p3",
                "T1003.001",
                &[("image", "procdump.exe"), ("cmd", "-ma")],
                &[],
            ),
            rule(
                "p4",
                "T1003",
                &[("cmd", "-ma"), ("parent", "explorer.exe")],
                &[],
            ),
        ];
        // A value every public rule of another technique checks: noisy.
        for i in 0..24 {
            rules.push(rule(&format!("n{i}"), "T1059", &[("os", "windows")], &[]));
        }
        let mut mine = rule(
            "mine",
            "T1003",
            &[("cmd", "lsass"), ("os", "windows"), ("cmd", "my-typo")],
            &[],
        );
        mine.local = true;
        mine.vendor = Vendor::Local;
        rules.push(mine);
        let cat = Catalog::new(CatalogData {
            rules,
            ..CatalogData::default()
        });
        let index = cat.find_rule("mine").unwrap();
        let c = compare_rule(&cat, index, 10).unwrap();

        assert_eq!(c.noisy_from, NOISY_FLOOR);
        assert_eq!(c.techniques.len(), 1);
        let gap = &c.techniques[0];
        assert_eq!(gap.technique, "T1003");
        assert_eq!(
            gap.peers, 4,
            "sub-technique rules count, the local rule does not"
        );
        let lacks: Vec<(&str, &str, u32)> = gap
            .indicators
            .iter()
            .map(|l| (l.key.field.as_str(), l.key.value.as_str(), l.rules))
            .collect();
        // cmd=lsass is used by the rule; parent=explorer.exe by one rule only.
        assert_eq!(lacks, vec![("image", "procdump.exe", 3), ("cmd", "-ma", 2)]);
        let excl: Vec<(&str, u32)> = gap
            .exclusions
            .iter()
            .map(|l| (l.key.value.as_str(), l.rules))
            .collect();
        assert_eq!(excl, vec![("backup", 2)]);

        let own: Vec<(&str, u32, Verdict)> = c
            .own
            .iter()
            .map(|o| (o.key.value.as_str(), o.reach, o.verdict))
            .collect();
        assert_eq!(
            own,
            vec![
                ("my-typo", 0, Verdict::Rare),
                ("lsass", 2, Verdict::Common),
                ("windows", 24, Verdict::Noisy),
            ]
        );
        assert!(compare_rule(&cat, 999, 10).is_none());
    }
}

//! The rules most similar to a rule, by shared indicators, for the rule page.

use super::filter::Filter;
use super::index::Catalog;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A rule similar to another, with how much they share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Similar {
    /// Index of the similar rule.
    pub index: u32,
    /// Indicator keys both rules use.
    pub shared: u32,
    /// Jaccard similarity of the two rules' indicator sets (0..=1).
    pub score: f32,
}

/// Up to `limit` rules passing `filter` that share the most indicators with
/// rule `index` (Jaccard on predicate keys; ties by more shared keys, then
/// catalog order). The rule itself is never listed.
pub fn similar_rules(cat: &Catalog, index: u32, filter: &Filter, limit: usize) -> Vec<Similar> {
    let own = cat.predicate_keys(index);
    if own.is_empty() {
        return Vec::new();
    }
    let mut shared: HashMap<u32, u32> = HashMap::new();
    for (i, rule) in cat.rules().iter().enumerate() {
        let i = i as u32;
        if i == index || !filter.matches(rule) {
            continue;
        }
        let keys = cat.predicate_keys(i);
        let n = count_common(own, keys);
        if n > 0 {
            shared.insert(i, n);
        }
    }
    let mut out: Vec<Similar> = shared
        .into_iter()
        .map(|(i, n)| {
            let union = own.len() + cat.predicate_keys(i).len() - n as usize;
            Similar {
                index: i,
                shared: n,
                score: n as f32 / union as f32,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.shared.cmp(&a.shared))
            .then(a.index.cmp(&b.index))
    });
    out.truncate(limit);
    out
}

/// Number of common elements of two sorted, deduplicated slices.
fn count_common(a: &[u32], b: &[u32]) -> u32 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogData;
    use crate::model::{Op, Predicate, Rule};

    fn rule(id: &str, values: &[&str]) -> Rule {
        Rule {
            id: id.into(),
            predicates: values
                .iter()
                .map(|v| Predicate::new("f", Op::Eq, *v))
                .collect(),
            ..Rule::default()
        }
    }

    #[test]
    fn ranks_by_jaccard_and_skips_self_and_strangers() {
        let cat = Catalog::new(CatalogData {
            rules: vec![
                rule("me", &["a", "b", "c"]),
                rule("close", &["a", "b", "c", "d"]),
                rule("far", &["a", "x", "y", "z"]),
                rule("none", &["q"]),
            ],
            ..CatalogData::default()
        });
        let s = similar_rules(&cat, 0, &Filter::default(), 10);
        let got: Vec<(u32, u32)> = s.iter().map(|s| (s.index, s.shared)).collect();
        assert_eq!(got, vec![(1, 3), (2, 1)]);
        assert!((s[0].score - 0.75).abs() < 1e-6);
        assert_eq!(count_common(&[1, 3, 5], &[2, 3, 5, 9]), 2);
    }
}

//! "Compare my rule" on the whole corpus: a public Sigma rule copied in as
//! a local rule, without the indicator its technique's rules use most.

use rulescope::catalog::{compare_rule, Catalog, Filter, Verdict};
use rulescope::model::Vendor;
use std::collections::HashMap;

mod sigma_support;

#[test]
fn a_copied_sigma_rule_lacks_what_was_taken_out_and_shares_the_rest() {
    let Some(root) = sigma_support::corpus_dir() else {
        return;
    };
    let (data, _) = rulescope::corpus::load_catalog(&root, false).unwrap();
    let mut cat = Catalog::new(data);
    let technique = "T1059.001";
    let peers = cat.rules_for(technique, &Filter::default(), true);
    let mut counts: HashMap<u32, u32> = HashMap::new();
    for i in &peers {
        for k in cat.predicate_keys(*i) {
            *counts.entry(*k).or_insert(0) += 1;
        }
    }
    let (top, top_count) = counts
        .iter()
        .map(|(k, n)| (*k, *n))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .unwrap();
    let source = peers
        .iter()
        .copied()
        .find(|i| {
            let r = cat.rule(*i).unwrap();
            r.vendor == Vendor::Sigma
                && r.techniques == [technique]
                && cat.predicate_keys(*i).contains(&top)
                && cat.predicate_keys(*i).len() >= 3
        })
        .expect("a Sigma rule of the technique uses its top indicator");

    let key = cat.key(top).clone();
    let mut mine = cat.rule(source).unwrap().clone();
    mine.id = "local-copy".into();
    mine.local = true;
    mine.vendor = Vendor::Local;
    mine.predicates
        .retain(|p| !(p.canonical == key.canonical && p.key_op() == key.op && p.norm == key.norm));
    cat.add_rules(vec![mine]);
    let index = cat.find_rule("local-copy").unwrap();

    let c = compare_rule(&cat, index, 10).unwrap();
    assert_eq!(c.techniques.len(), 1);
    let gap = &c.techniques[0];
    assert_eq!(gap.peers as usize, peers.len());
    assert_eq!(
        gap.indicators[0].key.key, top,
        "the top indicator is the first lack"
    );
    assert_eq!(gap.indicators[0].rules, top_count);
    assert!(gap.indicators.iter().all(|l| l.rules >= 2));
    assert!(
        gap.indicators.windows(2).all(|w| w[0].rules >= w[1].rules),
        "most used first"
    );
    // Everything the copy still checks, its original checks too.
    assert_eq!(c.own.len(), cat.predicate_keys(index).len());
    assert!(c.own.iter().all(|o| o.reach >= 1), "{:?}", c.own);
    assert!(c.own.windows(2).all(|w| w[0].reach <= w[1].reach));
    for o in &c.own {
        let expected = if o.reach <= 1 {
            Verdict::Rare
        } else if o.reach >= c.noisy_from {
            Verdict::Noisy
        } else {
            Verdict::Common
        };
        assert_eq!(o.verdict, expected);
    }
    assert!(c.noisy_from >= 20);
    println!(
        "compare: {} lacks {} of the top indicators of {technique} ({} rules); own reach {:?}",
        cat.rule(source).unwrap().path,
        gap.indicators.len(),
        gap.peers,
        c.own.iter().map(|o| o.reach).collect::<Vec<_>>()
    );
}

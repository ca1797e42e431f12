//! The whole corpus through the catalog: every rule survives the bundle
//! unchanged, and the technique guide says what the rules say.

use rulescope::catalog::{technique_guide, Catalog, Filter};
use rulescope::model::{Op, Vendor};
use std::time::Instant;

mod sigma_support;

#[test]
fn corpus_survives_the_bundle_and_guides_agree_with_rules() {
    let Some(root) = sigma_support::corpus_dir() else {
        return;
    };
    let (data, errors) = rulescope::corpus::load_catalog(&root, false).unwrap();
    assert!(errors.is_empty(), "corpus errors: {errors:?}");
    assert!(data.rules.len() > 7_800, "{} rules", data.rules.len());

    let started = Instant::now();
    let bytes = rulescope::bundle::encode(&data, 5).unwrap();
    let encoded = started.elapsed();
    let started = Instant::now();
    let mut decoded = rulescope::bundle::decode(&bytes).unwrap();
    let decode_time = started.elapsed();
    let texts = rulescope::bundle::encode_texts(&data, 5).unwrap();
    println!(
        "bundle at quality 5: {} bytes, encode {encoded:?}, decode {decode_time:?}; texts file {} bytes",
        bytes.len(),
        texts.len()
    );
    assert!(
        decoded.rules.iter().all(|r| r.query.is_empty()),
        "the bundle leaves the original texts to the texts file"
    );
    let texts = rulescope::bundle::decode_texts(&texts).unwrap();
    let with_text = data.rules.iter().filter(|r| !r.query.is_empty()).count();
    assert_eq!(texts.len(), with_text, "one text per rule, keys unique");
    rulescope::bundle::restore_texts(&mut decoded, &texts);
    assert_eq!(decoded.rules.len(), data.rules.len());
    for (a, b) in decoded.rules.iter().zip(&data.rules) {
        assert_eq!(a, b, "rule {} changed through the bundle", b.path);
    }
    assert_eq!(decoded, data);

    let cat = Catalog::new(decoded);
    let f = Filter::default();
    let reach = cat.reach(&f);
    let g = technique_guide(&cat, "T1059.001", &f, false, &reach).unwrap();
    assert_eq!(g.technique.name, "PowerShell");
    for v in [Vendor::Sigma, Vendor::Splunk, Vendor::Elastic] {
        assert!(
            g.by_vendor.get(&v).copied().unwrap_or(0) >= 20,
            "{v}: {:?}",
            g.by_vendor
        );
    }
    // Every rule listed carries the technique, and counts add up.
    assert_eq!(g.rule_list.len() as u32, g.rules);
    assert_eq!(g.by_vendor.values().sum::<u32>(), g.rules);
    for r in &g.rule_list {
        let rule = cat.rule(r.index).unwrap();
        assert!(rule.techniques.iter().any(|t| t == "T1059.001"));
        assert!(!rule.deprecated);
    }
    // Each indicator row's members really use it, at most once each, and
    // corpus reach is never below the count under the technique.
    for row in &g.indicators {
        assert_eq!(row.members.len() as u32, row.rules);
        let mut m = row.members.clone();
        m.dedup();
        assert_eq!(m.len(), row.members.len());
        for &i in &row.members {
            assert!(cat.predicate_keys(i).contains(&row.key));
        }
        if let Some(reach) = row.corpus_reach {
            assert!(reach > row.rules);
        }
    }
    let ps = g
        .indicators
        .iter()
        .find(|r| {
            r.field == "process.name"
                && r.op == Op::Eq
                && r.value.eq_ignore_ascii_case("powershell.exe")
        })
        .expect("powershell.exe is an indicator of T1059.001");
    assert!(ps.rules >= 50, "{ps:?}");
    assert!(ps.corpus_reach.unwrap_or(ps.rules) > ps.rules);

    // Sub-technique roll-up: T1059 with roll-up holds every T1059.001 rule.
    let parent = technique_guide(&cat, "T1059", &f, true, &reach).unwrap();
    assert!(parent.rules > g.rules);
    let only_sigma = Filter::from_query("vendor=sigma");
    let gs = technique_guide(
        &cat,
        "T1059.001",
        &only_sigma,
        false,
        &cat.reach(&only_sigma),
    )
    .unwrap();
    assert_eq!(gs.rules, g.by_vendor[&Vendor::Sigma]);
}

/// Benchmark (not a timed assertion): switching technique and filter on the
/// full catalog, relative to one pass over all rules measured in the same run.
#[test]
fn switching_technique_and_filter_benchmark() {
    let Some(root) = sigma_support::corpus_dir() else {
        return;
    };
    let (data, _) = rulescope::corpus::load_catalog(&root, false).unwrap();
    let cat = Catalog::new(data);
    let baseline = Instant::now();
    let n = cat
        .rules()
        .iter()
        .filter(|r| Filter::default().matches(r))
        .count();
    let baseline = baseline.elapsed();
    let f = Filter::default();
    let reach = cat.reach(&f);
    let started = Instant::now();
    let ids = ["T1059.001", "T1003.001", "T1586.003", "T1078", "T1547.001"];
    for id in ids {
        technique_guide(&cat, id, &f, false, &reach).unwrap();
    }
    let per_technique = started.elapsed() / ids.len() as u32;
    let started = Instant::now();
    let sigma = Filter::from_query("vendor=sigma&status=stable,test");
    let reach = cat.reach(&sigma);
    technique_guide(&cat, "T1059.001", &sigma, false, &reach).unwrap();
    let filter_change = started.elapsed();
    println!(
        "benchmark ({n} rules): one filter pass {baseline:?}; technique switch {per_technique:?}; \
         filter change (reach + guide) {filter_change:?}; ratios {:.1}x / {:.1}x of a pass",
        per_technique.as_secs_f64() / baseline.as_secs_f64(),
        filter_change.as_secs_f64() / baseline.as_secs_f64()
    );
}

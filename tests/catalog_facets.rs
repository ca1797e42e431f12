//! The filter bar's facets and the About page's figures on the whole corpus:
//! each vendor's own status vocabulary shows up, counts add up, and every
//! facet count is the number of rules the filter keeps once that value is
//! picked.

use rulescope::catalog::{corpus_stats, facets, Catalog, Dimension, FacetIndex, Facets, Filter};
use rulescope::model::Vendor;
use std::time::Instant;

mod sigma_support;

/// Rules of `vendor` with `value` in dimension `d`.
fn vendor_count(f: &Facets, d: Dimension, value: &str, vendor: Vendor) -> u32 {
    f.get(d)
        .and_then(|facet| facet.values.iter().find(|v| v.value == value))
        .and_then(|v| v.by_vendor.get(&vendor).copied())
        .unwrap_or(0)
}

/// The facet count of `value` must be what the filter keeps with the value
/// picked in place of the dimension's own selection.
fn check_against_filter(cat: &Catalog, filter: &Filter, f: &Facets, d: Dimension, take: usize) {
    let facet = f.get(d).unwrap();
    for v in facet.values.iter().take(take) {
        let mut picked = filter.clone();
        d.clear(&mut picked);
        d.toggle(&mut picked, &v.value);
        let kept = cat.rules().iter().filter(|r| picked.matches(r)).count() as u32;
        assert_eq!(v.rules, kept, "{} = {}", d.key(), v.value);
    }
}

#[test]
fn facets_and_stats_on_the_corpus() {
    // The whole corpus (its Sigma folder tells it is there).
    let Some(root) = sigma_support::corpus_dir() else {
        return;
    };
    let (data, _) = rulescope::corpus::load_catalog(&root, false).unwrap();
    let cat = Catalog::new(data);
    let all = Filter::default();
    let started = Instant::now();
    let f = facets(&cat, &all);
    println!("facets, default filter: {:?}", started.elapsed());

    let current = cat.rules().iter().filter(|r| !r.deprecated).count() as u32;
    assert_eq!(f.total, current);
    // Each vendor's own status vocabulary, as the rules write it.
    for (value, vendor) in [
        ("stable", Vendor::Sigma),
        ("test", Vendor::Sigma),
        ("experimental", Vendor::Sigma),
        ("production", Vendor::Splunk),
        ("experimental", Vendor::Splunk),
        ("production", Vendor::Elastic),
    ] {
        assert!(
            vendor_count(&f, Dimension::Status, value, vendor) > 0,
            "{vendor} {value}"
        );
    }
    // Deprecated rules are hidden by default, so their status is not offered.
    let status = f.get(Dimension::Status).unwrap();
    assert!(status.values.iter().all(|v| v.value != "deprecated"));
    for level in ["critical", "high", "medium", "low"] {
        for vendor in [Vendor::Sigma, Vendor::Splunk, Vendor::Elastic] {
            assert!(
                vendor_count(&f, Dimension::Level, level, vendor) > 0,
                "{vendor} {level}"
            );
        }
    }
    assert!(vendor_count(&f, Dimension::RuleType, "eql", Vendor::Elastic) > 0);
    assert!(vendor_count(&f, Dimension::RuleType, "TTP", Vendor::Splunk) > 0);

    // Single-valued dimensions partition the rules; multi-valued ones count
    // a rule under each of its values.
    for d in Dimension::ALL {
        let facet = f.get(d).unwrap();
        assert_eq!(facet.base, f.total, "{}", d.key());
        let sum: u32 = facet.values.iter().map(|v| v.rules).sum();
        let vendors: u32 = facet.values.iter().flat_map(|v| v.by_vendor.values()).sum();
        assert_eq!(sum, vendors, "{}: per-vendor counts add up", d.key());
        match d {
            Dimension::Platform | Dimension::Source => {
                assert!(sum >= facet.base - facet.unspecified, "{}", d.key())
            }
            _ => assert_eq!(sum + facet.unspecified, facet.base, "{}", d.key()),
        }
    }
    // Spellings that differ only in case are one value.
    for d in Dimension::ALL {
        let mut seen = std::collections::HashSet::new();
        for v in &f.get(d).unwrap().values {
            assert!(
                seen.insert(v.value.to_lowercase()),
                "{} twice: {}",
                d.key(),
                v.value
            );
        }
    }
    let sources = f.get(Dimension::Source).unwrap();
    assert!(
        sources.values.len() > 500,
        "{} data sources",
        sources.values.len()
    );
    assert!(sources.values.windows(2).all(|w| w[0].rules >= w[1].rules));
    assert!(sources.matching("sysmon").count() > 10);

    // Under a filter on three dimensions, each facet count is the number of
    // rules the filter keeps when that value is picked instead.
    let filter = Filter {
        platforms: vec!["windows".into()],
        levels: vec!["high".into(), "critical".into()],
        vendors: vec![Vendor::Sigma, Vendor::Splunk],
        ..Filter::default()
    };
    let started = Instant::now();
    let f = facets(&cat, &filter);
    println!("facets, three dimensions: {:?}", started.elapsed());
    let kept = cat.rules().iter().filter(|r| filter.matches(r)).count() as u32;
    assert_eq!(f.total, kept);
    assert!(kept > 100, "{kept} rules");
    for d in Dimension::ALL {
        check_against_filter(&cat, &filter, &f, d, 6);
    }
    let level = f.get(Dimension::Level).unwrap();
    let picked: u32 = level
        .values
        .iter()
        .filter(|v| v.selected)
        .map(|v| v.rules)
        .sum();
    assert_eq!(picked, f.total, "the selected levels make up the total");

    let s = corpus_stats(&cat);
    assert_eq!(s.rules as usize, cat.rules().len());
    assert_eq!(s.rules - s.deprecated, current);
    assert_eq!(s.vendors.iter().map(|v| v.rules).sum::<u32>(), s.rules);
    assert_eq!(s.local, 0);
    assert!(s.attack_version.starts_with("18"), "{}", s.attack_version);
    assert!(s.techniques > 600 && s.techniques_covered > 300);
    assert!(s.techniques_covered < s.techniques);
    assert!(s.fields > 500, "{} fields", s.fields);
    for src in &s.sources {
        assert_eq!(src.source.commit.len(), 40, "{}", src.source.name);
        assert!(src.commit_url.ends_with(&src.source.commit));
        let vendor = Vendor::from_key(&src.source.name);
        let rules = vendor
            .and_then(|v| s.vendors.iter().find(|x| x.vendor == v))
            .map(|x| x.rules)
            .unwrap_or(0);
        assert_eq!(src.rules, rules, "{}", src.source.name);
    }
    println!(
        "{} rules, {} techniques of {} covered, {} fields",
        s.rules, s.techniques_covered, s.techniques, s.fields
    );
}

/// The fastest of five runs of `f`, and its last result.
fn fastest<T>(mut f: impl FnMut() -> T) -> (std::time::Duration, T) {
    let mut best = std::time::Duration::MAX;
    let mut out = None;
    for _ in 0..5 {
        let started = Instant::now();
        out = Some(f());
        best = best.min(started.elapsed());
    }
    (best, out.unwrap())
}

/// Benchmark (not a timed assertion): what a filter change costs the page
/// (corpus reach, the filter bar's facets, the technique guide), beside one
/// pass over all rules measured in the same run; fastest of five runs each.
#[test]
fn filter_change_benchmark() {
    let Some(root) = sigma_support::corpus_dir() else {
        return;
    };
    let (data, _) = rulescope::corpus::load_catalog(&root, false).unwrap();
    let cat = Catalog::new(data);
    let (index_time, index) = fastest(|| FacetIndex::new(&cat));
    println!("facet index, built once per catalog: {index_time:?}");
    let (pass, n) = fastest(|| {
        cat.rules()
            .iter()
            .filter(|r| Filter::default().matches(r))
            .count()
    });
    for query in [
        "",
        "level=high&platform=windows",
        "status=stable,test&source=process_creation",
    ] {
        let filter = Filter::from_query(query);
        let (reach_time, reach) = fastest(|| cat.reach(&filter));
        let (facets_time, f) = fastest(|| index.count(&cat, &filter));
        let (guide_time, guide) = fastest(|| {
            rulescope::catalog::technique_guide(&cat, "T1059.001", &filter, false, &reach)
        });
        println!(
            "filter {query:?} ({} rules, guide {} rules): reach {reach_time:?}, facets {facets_time:?}, \
             guide {guide_time:?}; one pass over {n} rules {pass:?}",
            f.total,
            guide.map(|g| g.rules).unwrap_or(0),
        );
    }
}

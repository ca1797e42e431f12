//! The home page's core on the whole corpus: the ATT&CK matrix agrees with
//! the technique counts, and the global search finds what a person types.

use rulescope::catalog::{heat_level, matrix, technique_counts, Catalog, Filter, SearchIndex};
use rulescope::model::Vendor;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Instant;

mod sigma_support;

fn catalog() -> Option<&'static Catalog> {
    static CATALOG: OnceLock<Option<Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            let dir = sigma_support::corpus_dir()?;
            let (data, errors) = rulescope::corpus::load_catalog(&dir, false).unwrap();
            assert!(errors.is_empty(), "corpus errors: {errors:?}");
            Some(Catalog::new(data))
        })
        .as_ref()
}

#[test]
fn matrix_has_the_enterprise_tactics_and_agrees_with_technique_counts() {
    let Some(cat) = catalog() else { return };
    let filter = Filter::default();
    let started = Instant::now();
    let m = matrix(cat, &filter, None);
    println!("matrix of the full corpus: {:?}", started.elapsed());
    let tactics: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        tactics,
        [
            "Reconnaissance",
            "Resource Development",
            "Initial Access",
            "Execution",
            "Persistence",
            "Privilege Escalation",
            "Defense Evasion",
            "Credential Access",
            "Discovery",
            "Lateral Movement",
            "Collection",
            "Command and Control",
            "Exfiltration",
            "Impact",
        ]
    );
    let execution = &m.columns[3];
    assert_eq!(execution.tactic_id, "TA0002");
    let t1059 = execution.cells.iter().find(|c| c.id == "T1059").unwrap();
    let subs: Vec<&str> = t1059.subtechniques.iter().map(|s| s.id.as_str()).collect();
    for id in ["T1059.001", "T1059.003", "T1059.004"] {
        assert!(subs.contains(&id), "{id} not under T1059: {subs:?}");
    }
    // The most covered technique family is among the hottest cells.
    assert!(
        t1059.with_subtechniques > 500,
        "{}",
        t1059.with_subtechniques
    );
    assert_eq!(t1059.level, heat_level(t1059.with_subtechniques, m.max));
    assert!(t1059.level >= 4, "level {}", t1059.level);

    // Every cell's counts are technique_counts' under the same filter.
    for (f, vendor) in [
        (Filter::default(), None),
        (Filter::default(), Some(Vendor::Splunk)),
        (
            Filter {
                include_deprecated: true,
                ..Filter::default()
            },
            Some(Vendor::Sigma),
        ),
    ] {
        let m = matrix(cat, &f, vendor);
        let counts: HashMap<String, (u32, u32, u32)> = technique_counts(cat, &f, "")
            .into_iter()
            .map(|c| {
                let of_vendor = vendor.map_or(c.with_subtechniques, |v| {
                    c.by_vendor.get(&v).copied().unwrap_or(0)
                });
                (c.id, (c.rules, c.with_subtechniques, of_vendor))
            })
            .collect();
        let mut seen = 0;
        for cell in m.columns.iter().flat_map(|c| &c.cells) {
            let (own, all, of_vendor) = counts[&cell.id];
            assert_eq!(cell.with_subtechniques, of_vendor, "{} {vendor:?}", cell.id);
            if vendor.is_none() {
                assert_eq!(
                    (cell.rules, cell.with_subtechniques),
                    (own, all),
                    "{}",
                    cell.id
                );
            }
            for sub in &cell.subtechniques {
                let (own, _, of_vendor) = counts[&sub.id];
                assert_eq!(sub.with_subtechniques, of_vendor, "{} {vendor:?}", sub.id);
                if vendor.is_none() {
                    assert_eq!(sub.rules, own, "{}", sub.id);
                }
            }
            seen += 1;
        }
        assert!(seen > 200, "{seen} cells");
    }
}

#[test]
fn search_finds_techniques_rules_fields_and_values() {
    let Some(cat) = catalog() else { return };
    let started = Instant::now();
    let index = SearchIndex::new(cat);
    println!(
        "search index of the full corpus built in {:?}",
        started.elapsed()
    );

    let r = index.search("T1059.001", 8);
    assert_eq!(r.techniques.hits[0].id, "T1059.001");
    assert_eq!(r.techniques.hits[0].name, "PowerShell");

    let r = index.search("powershell", 8);
    assert_eq!(r.techniques.hits[0].id, "T1059.001", "exact name first");
    assert!(r.rules.total > 100, "{} rules", r.rules.total);
    assert!(r.rules.hits.iter().all(|h| !h.in_description));
    assert!(
        r.values
            .hits
            .iter()
            .any(|v| v.field == "process.name" && v.value.eq_ignore_ascii_case("powershell.exe")),
        "{:?}",
        r.values.hits
    );

    let r = index.search("Image", 8);
    let image = r
        .fields
        .hits
        .iter()
        .find(|f| f.alias.as_deref() == Some("Image"));
    assert!(image.is_some(), "{:?}", r.fields.hits);

    let r = index.search("process.command_line", 8);
    assert_eq!(r.fields.hits[0].name, "process.command_line");
    assert!(r.fields.hits[0].rules > 1000);

    // A rule by its id.
    let rule = &cat.rules()[0];
    let r = index.search(&rule.id, 8);
    assert_eq!(r.rules.hits[0].id, rule.id);

    // Per-query time, as a figure: typing "powershell" one key at a time.
    let typed = "powershell";
    let started = Instant::now();
    for n in 1..=typed.len() {
        index.search(&typed[..n], 8);
    }
    let per_key = started.elapsed() / typed.len() as u32;
    println!("search per keystroke ({typed:?} typed key by key): {per_key:?}");
    for q in ["T1003", "lsass", "mimikatz", "cmd.exe", "e"] {
        let started = Instant::now();
        let r = index.search(q, 8);
        println!(
            "search {q:?}: {:?} ({} techniques, {} rules, {} fields, {} values)",
            started.elapsed(),
            r.techniques.total,
            r.rules.total,
            r.fields.total,
            r.values.total
        );
    }
}

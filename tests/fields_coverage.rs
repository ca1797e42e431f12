//! The field taxonomy on the real corpus: how much of it maps, whether the
//! three vendors meet on the same process-creation fields, and whether one
//! indicator written three ways counts once on a technique page.

use rulescope::catalog::{technique_guide, Catalog, Filter};
use rulescope::corpus;
use rulescope::fields::{coverage, normalise_rule, taxonomy, top_unmapped, RuleContext};
use rulescope::model::{Rule, Vendor};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The corpus catalog, loaded once for every test here; `None` (with a
/// notice) when the corpus folder is absent.
fn catalog() -> Option<&'static Catalog> {
    static CATALOG: OnceLock<Option<Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            let set = std::env::var_os(corpus::CORPUS_ENV).map(PathBuf::from);
            // A corpus named in the environment (CI) must be there.
            if let Some(root) = &set {
                assert!(root.is_dir(), "{} is not a corpus folder", root.display());
            }
            let root = set.unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
            });
            if !root.is_dir() {
                eprintln!("corpus not found at {}: skipping", root.display());
                return None;
            }
            let (data, _) = corpus::load_catalog(&root, false).expect("corpus loads");
            Some(Catalog::new(data))
        })
        .as_ref()
}

fn vendors_with_rules(rules: &[Rule]) -> BTreeSet<Vendor> {
    rules.iter().map(|r| r.vendor).collect()
}

#[test]
fn nine_in_ten_predicate_occurrences_map_to_a_canonical_field() {
    let Some(cat) = catalog() else { return };
    let rules = cat.rules();
    let per_vendor = coverage(rules);
    let (mut fields, mut mapped) = (0u32, 0u32);
    for (vendor, c) in &per_vendor {
        println!(
            "{vendor}: {}/{} field occurrences mapped ({:.1}%), {} keyword searches",
            c.mapped,
            c.fields,
            100.0 * c.share(),
            c.keywords
        );
        fields += c.fields;
        mapped += c.mapped;
    }
    for u in top_unmapped(rules, 15) {
        println!("  unmapped {} {} ({} rules)", u.vendor, u.field, u.rules);
    }
    if fields == 0 {
        eprintln!("no parser produced predicates yet: nothing to measure");
        return;
    }
    let mut again: Vec<Rule> = rules.to_vec();
    let started = std::time::Instant::now();
    again.iter_mut().for_each(normalise_rule);
    println!(
        "normalising {} rules took {:.1} ms",
        again.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(again, rules, "normalisation is idempotent");
    let share = f64::from(mapped) / f64::from(fields);
    println!("overall: {mapped}/{fields} ({:.1}%)", 100.0 * share);
    assert!(share >= 0.90, "only {:.1}% mapped", 100.0 * share);
}

/// Whether a rule is a Windows process-creation rule: Sigma
/// process_creation, Splunk Processes datamodel / Sysmon 1 / 4688, Elastic
/// process events on Windows (the taxonomy's context tags).
fn is_windows_process_creation(rule: &Rule) -> bool {
    let ctx = RuleContext::of(rule, taxonomy());
    let has = |tag: &str| ctx.tags.iter().any(|t| t == tag);
    has("process_creation") && has("windows")
}

/// Canonical fields each vendor filters on (predicates and exclusions) in
/// Windows process-creation rules.
fn process_creation_fields(rules: &[Rule]) -> BTreeMap<Vendor, BTreeSet<String>> {
    let mut out: BTreeMap<Vendor, BTreeSet<String>> = BTreeMap::new();
    for rule in rules.iter().filter(|r| is_windows_process_creation(r)) {
        let fields = out.entry(rule.vendor).or_default();
        for p in rule.predicates.iter().chain(&rule.exclusions) {
            if !p.canonical.is_empty() {
                fields.insert(p.canonical.clone());
            }
        }
    }
    out
}

#[test]
fn three_vendors_share_the_process_creation_fields() {
    let Some(cat) = catalog() else { return };
    let subset: Vec<Rule> = cat
        .rules()
        .iter()
        .filter(|r| is_windows_process_creation(r))
        .cloned()
        .collect();
    for (vendor, c) in coverage(&subset) {
        let rules = subset.iter().filter(|r| r.vendor == vendor).count();
        println!(
            "{vendor}: {rules} Windows process-creation rules, {}/{} field occurrences mapped ({:.1}%)",
            c.mapped,
            c.fields,
            100.0 * c.share()
        );
    }
    let per_vendor = process_creation_fields(cat.rules());
    let present = vendors_with_rules(cat.rules());
    let three = [Vendor::Sigma, Vendor::Splunk, Vendor::Elastic];
    let mut shared: Option<BTreeSet<String>> = None;
    for vendor in three {
        if !present.contains(&vendor) {
            eprintln!("{vendor}: no rules yet, left out");
            continue;
        }
        let fields = per_vendor.get(&vendor).cloned().unwrap_or_default();
        println!(
            "{vendor}: {} process-creation fields {fields:?}",
            fields.len()
        );
        shared = Some(match shared {
            None => fields,
            Some(s) => s.intersection(&fields).cloned().collect(),
        });
    }
    let shared = shared.unwrap_or_default();
    println!("shared by all three: {} {:?}", shared.len(), shared);
    // Fields two vendors share, and who lacks them: why the count stops here.
    let all: BTreeSet<&String> = per_vendor.values().flatten().collect();
    for field in all {
        let with: Vec<Vendor> = three
            .into_iter()
            .filter(|v| per_vendor.get(v).is_some_and(|s| s.contains(field)))
            .collect();
        if with.len() == 2 {
            println!("  two of three: {field} ({with:?})");
        }
    }
    // The issue asks for 15. On this corpus Sigma's process_creation rules
    // filter on 22 canonical fields and Elastic's Windows process rules meet
    // them on 12 (hashes, working directory and event.provider besides the
    // 9 below), so no mapping can reach 15; Splunk's Processes searches
    // filter on hashes, current directory and process ids only in `by`
    // clauses, which the model does not record as filters. The floor below
    // is what is genuinely shared.
    let expected = [
        "process.name",
        "process.executable",
        "process.command_line",
        "process.parent.name",
        "process.parent.executable",
        "process.parent.command_line",
        "process.pe.original_file_name",
        "process.integrity_level",
        "user.name",
    ];
    if present.len() >= 3 {
        for must in expected {
            assert!(shared.contains(must), "{must} not shared: {shared:?}");
        }
    }
}

#[test]
fn powershell_rows_collapse_vendor_aliases_and_count_the_indicator_once() {
    let Some(cat) = catalog() else { return };
    let filter = Filter::default();
    let reach = cat.reach(&filter);
    let guide = technique_guide(cat, "T1059.001", &filter, false, &reach).expect("T1059.001");
    println!("T1059.001: {} rules {:?}", guide.rules, guide.by_vendor);
    let present: BTreeSet<Vendor> = guide.by_vendor.keys().copied().collect();
    for canonical in [
        "process.name",
        "process.command_line",
        "process.parent.name",
    ] {
        let row = guide
            .fields
            .iter()
            .find(|r| r.field == canonical)
            .unwrap_or_else(|| panic!("no {canonical} row"));
        let vendors: BTreeSet<Vendor> = row
            .aliases
            .iter()
            .flat_map(|a| a.vendors.iter().copied())
            .collect();
        let aliases: Vec<&str> = row.aliases.iter().map(|a| a.field.as_str()).collect();
        println!("{canonical}: {} rules, aliases {aliases:?}", row.rules);
        assert_eq!(vendors, present, "{canonical} aliases {aliases:?}");
    }
    let powershell: Vec<_> = guide
        .indicators
        .iter()
        .filter(|i| i.field == "process.name" && i.value.eq_ignore_ascii_case("powershell.exe"))
        .collect();
    assert_eq!(powershell.len(), 1, "powershell.exe is one indicator");
    let vendors: BTreeSet<Vendor> = powershell[0]
        .members
        .iter()
        .filter_map(|&i| cat.rule(i))
        .map(|r| r.vendor)
        .collect();
    println!(
        "process.name eq powershell.exe: {} rules, vendors {vendors:?}",
        powershell[0].rules
    );
    assert_eq!(vendors, present);
}

//! The field page on the whole corpus: `process.name` collects the three
//! vendors' spellings, lists PowerShell among its techniques, and counts
//! `powershell.exe` exactly as the T1059.001 guide's corpus reach does.

use rulescope::catalog::{field_index, field_profile, technique_guide, Catalog, Filter};
use rulescope::model::{Op, Vendor};
use std::collections::BTreeSet;

mod sigma_support;

#[test]
fn process_name_page_agrees_with_the_powershell_guide() {
    let Some(root) = sigma_support::corpus_dir() else {
        return;
    };
    let (data, _) = rulescope::corpus::load_catalog(&root, false).unwrap();
    let cat = Catalog::new(data);

    for query in ["", "vendor=sigma,elastic"] {
        let f = Filter::from_query(query);
        let prof = field_profile(&cat, "process.name", &f).expect("process.name");
        assert!(prof.mapped);
        let alias_vendors: BTreeSet<Vendor> = prof.aliases.iter().map(|a| a.vendor).collect();
        let rule_vendors: BTreeSet<Vendor> = prof.by_vendor.keys().copied().collect();
        assert_eq!(alias_vendors, rule_vendors, "{query}: {:?}", prof.aliases);
        if f.vendors.is_empty() {
            for v in [Vendor::Sigma, Vendor::Splunk, Vendor::Elastic] {
                assert!(
                    alias_vendors.contains(&v),
                    "no {v} alias: {:?}",
                    prof.aliases
                );
            }
        }
        let spelled: Vec<&str> = prof.aliases.iter().map(|a| a.field.as_str()).collect();
        println!(
            "[{query}] process.name: {} rules {:?}; aliases {spelled:?}; {} values; {} techniques",
            prof.rules,
            prof.by_vendor,
            prof.values.len(),
            prof.techniques.len()
        );
        assert_eq!(prof.by_vendor.values().sum::<u32>(), prof.rules);
        assert_eq!(prof.rule_list.len() as u32, prof.rules);

        let ps_technique = prof
            .techniques
            .iter()
            .find(|t| t.id == "T1059.001")
            .expect("T1059.001 among the techniques");
        assert_eq!(ps_technique.name, "PowerShell");

        let reach = cat.reach(&f);
        let g = technique_guide(&cat, "T1059.001", &f, false, &reach).unwrap();
        let row = g.fields.iter().find(|r| r.field == "process.name").unwrap();
        assert!(ps_technique.rules >= row.rules, "filters and exclusions");

        let ind = g
            .indicators
            .iter()
            .find(|i| i.field == "process.name" && i.op == Op::Eq && i.value == "powershell.exe")
            .expect("powershell.exe indicator");
        let value = prof
            .values
            .iter()
            .find(|v| v.key == ind.key)
            .expect("powershell.exe on the field page");
        assert_eq!(value.value, ind.value);
        assert_eq!(value.rules, ind.corpus_reach.unwrap_or(ind.rules));
        let rank = prof.values.iter().position(|v| v.key == ind.key).unwrap();
        assert!(rank < 10, "powershell.exe ranks {rank}");
        println!(
            "[{query}] powershell.exe: {} rules over the catalog ({} under T1059.001), vendors {:?}, written {:?}",
            value.rules, ind.rules, value.vendors, value.spellings
        );

        // Every value row's members use its key, once each.
        for v in &prof.values {
            assert_eq!(v.members.len() as u32, v.rules);
            for &i in &v.members {
                assert!(cat.predicate_keys(i).contains(&v.key));
            }
        }
    }

    let index = field_index(&cat, &Filter::default());
    let top = &index[0];
    println!(
        "{} fields; top {} ({} rules); {} unmapped",
        index.len(),
        top.field,
        top.rules,
        index.iter().filter(|r| !r.mapped).count()
    );
    let name = index.iter().find(|r| r.field == "process.name").unwrap();
    let prof = field_profile(&cat, "process.name", &Filter::default()).unwrap();
    assert_eq!(
        (name.rules, name.aliases as usize, name.values as usize),
        (prof.rules, prof.aliases.len(), prof.values.len())
    );
    assert!(index.windows(2).all(|w| w[0].rules >= w[1].rules));
}

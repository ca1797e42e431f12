//! The ATT&CK catalogue read from the real STIX corpus, checked against facts
//! of the objects themselves (ATT&CK v18, mitre/cti enterprise-attack).

use rulescope::attack::{self, Attack};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

fn corpus_attack_dir() -> Option<PathBuf> {
    let root = std::env::var_os("RULESCOPE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let dir = root.join("attack");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipping ATT&CK corpus tests: {} does not exist",
            dir.display()
        );
        None
    }
}

/// The catalogue, loaded once for all tests (about 5,000 files).
fn catalogue() -> Option<&'static Attack> {
    static ATTACK: OnceLock<Option<Attack>> = OnceLock::new();
    ATTACK
        .get_or_init(|| {
            let dir = corpus_attack_dir()?;
            let start = Instant::now();
            let attack = attack::load_dir(&dir).expect("the ATT&CK corpus loads");
            println!(
                "loaded ATT&CK from {} in {:?}",
                dir.display(),
                start.elapsed()
            );
            Some(attack)
        })
        .as_ref()
}

#[test]
fn counts_match_the_stix_objects() {
    let Some(attack) = catalogue() else { return };
    let subs = attack
        .techniques
        .iter()
        .filter(|t| t.parent.is_some())
        .count();
    let revoked = attack.techniques.iter().filter(|t| t.revoked).count();
    let deprecated = attack.techniques.iter().filter(|t| t.deprecated).count();
    let strategies: std::collections::BTreeSet<&str> = attack
        .techniques
        .iter()
        .flat_map(|t| &t.detection_strategies)
        .map(|s| s.id.as_str())
        .collect();
    let analytics: std::collections::BTreeSet<&str> = attack
        .techniques
        .iter()
        .flat_map(|t| &t.detection_strategies)
        .flat_map(|s| &s.analytics)
        .map(|a| a.id.as_str())
        .collect();
    println!(
        "techniques {} (sub-techniques {subs}), revoked {revoked}, deprecated {deprecated}, \
         tactics {}, detection strategies {}, analytics {}, version {}",
        attack.techniques.len(),
        attack.tactics.len(),
        strategies.len(),
        analytics.len(),
        attack.version
    );
    assert_eq!(attack.techniques.len(), 835);
    assert_eq!(subs, 479);
    assert_eq!(revoked, 132);
    assert_eq!(deprecated, 12);
    assert_eq!(strategies.len(), 691);
    assert_eq!(analytics.len(), 1739);
    assert!(attack.version.starts_with("2025-"), "{}", attack.version);
}

#[test]
fn tactics_follow_the_matrix_columns() {
    let Some(attack) = catalogue() else { return };
    let columns: Vec<(&str, &str)> = attack
        .tactics
        .iter()
        .map(|t| (t.id.as_str(), t.shortname.as_str()))
        .collect();
    assert_eq!(
        columns,
        [
            ("TA0043", "reconnaissance"),
            ("TA0042", "resource-development"),
            ("TA0001", "initial-access"),
            ("TA0002", "execution"),
            ("TA0003", "persistence"),
            ("TA0004", "privilege-escalation"),
            ("TA0005", "defense-evasion"),
            ("TA0006", "credential-access"),
            ("TA0007", "discovery"),
            ("TA0008", "lateral-movement"),
            ("TA0009", "collection"),
            ("TA0011", "command-and-control"),
            ("TA0010", "exfiltration"),
            ("TA0040", "impact"),
        ]
    );
    let credential_access = &attack.tactics[7];
    assert_eq!(credential_access.name, "Credential Access");
    assert!(credential_access
        .description
        .starts_with("The adversary is trying to steal account names and passwords.\n\n"));
}

#[test]
fn powershell_is_a_sub_technique_of_command_and_scripting_interpreter() {
    let Some(attack) = catalogue() else { return };
    let ps = attack.technique("T1059.001").expect("T1059.001 exists");
    assert_eq!(ps.name, "PowerShell");
    assert_eq!(ps.parent.as_deref(), Some("T1059"));
    assert_eq!(ps.tactics, ["execution"]);
    assert_eq!(ps.platforms, ["Windows"]);
    assert_eq!(ps.url, "https://attack.mitre.org/techniques/T1059/001");
    assert!(!ps.is_retired());
    // `<code>` tags become Markdown backticks.
    assert!(ps.description.contains("the `Start-Process` cmdlet"));
    assert!(!ps.description.contains("<code>"));
    let parent = attack.technique("T1059").expect("T1059 exists");
    assert_eq!(parent.name, "Command and Scripting Interpreter");
    assert!(parent.parent.is_none());
    assert_eq!(
        parent.subtechniques.first().map(String::as_str),
        Some("T1059.001")
    );
    assert!(parent.subtechniques.windows(2).all(|w| w[0] < w[1]));
    assert!(parent.subtechniques.iter().all(|s| s.starts_with("T1059.")));
}

#[test]
fn powershell_citations_are_numbered_in_order_of_first_use() {
    let Some(attack) = catalogue() else { return };
    let ps = attack.technique("T1059.001").expect("T1059.001 exists");
    let sources: Vec<&str> = ps.citations.iter().map(|c| c.source.as_str()).collect();
    assert_eq!(
        sources,
        [
            "TechNet PowerShell",
            "Github PSAttack",
            "Sixdub PowerPick Jan 2016",
            "SilentBreak Offensive PS Dec 2015",
            "Microsoft PSfromCsharp APR 2014",
        ]
    );
    assert!(ps
        .description
        .contains("scripting environment included in the Windows operating system.[1] "));
    assert!(ps.description.ends_with("(CLI).[3][4][5]"));
    assert_eq!(ps.description.split("\n\n").count(), 4);
    assert_eq!(
        ps.citations[1].url,
        "https://github.com/Exploit-install/PSAttack-1"
    );
    assert!(ps.citations[0]
        .description
        .starts_with("Microsoft. (n.d.)."));
}

#[test]
fn cloud_accounts_compromise_is_resource_development_on_pre() {
    let Some(attack) = catalogue() else { return };
    let t = attack.technique("T1586.003").expect("T1586.003 exists");
    assert_eq!(t.name, "Cloud Accounts");
    assert_eq!(t.parent.as_deref(), Some("T1586"));
    assert_eq!(t.tactics, ["resource-development"]);
    assert_eq!(t.platforms, ["PRE"]);
    assert!(t.description.starts_with(
        "Adversaries may compromise cloud accounts that can be used during targeting."
    ));
    assert_eq!(
        attack.technique("T1586").map(|p| p.name.as_str()),
        Some("Compromise Accounts")
    );
}

#[test]
fn tactics_of_a_technique_follow_matrix_order() {
    let Some(attack) = catalogue() else { return };
    // The STIX object lists defense-evasion, persistence, privilege-escalation,
    // initial-access; the matrix puts initial-access first.
    let valid_accounts = attack.technique("T1078").expect("T1078 exists");
    assert_eq!(
        valid_accounts.tactics,
        [
            "initial-access",
            "persistence",
            "privilege-escalation",
            "defense-evasion"
        ]
    );
}

#[test]
fn no_description_keeps_raw_citations_or_code_tags() {
    let Some(attack) = catalogue() else { return };
    let mut texts: Vec<&str> = attack
        .tactics
        .iter()
        .map(|t| t.description.as_str())
        .collect();
    for t in &attack.techniques {
        texts.push(&t.description);
        for s in &t.detection_strategies {
            texts.extend(s.analytics.iter().map(|a| a.description.as_str()));
        }
    }
    for text in texts {
        assert!(!text.contains("(Citation:"), "{text}");
        assert!(!text.contains("<code>"), "{text}");
        assert!(!text.contains("&lt;"), "{text}");
    }
    // Every marker points into the reference list.
    for t in &attack.techniques {
        for n in 1..=t.citations.len() {
            assert!(
                t.description.contains(&format!("[{n}]")),
                "{} lacks [{n}]",
                t.id
            );
        }
        assert!(!t
            .description
            .contains(&format!("[{}]", t.citations.len() + 1)));
    }
}

#[test]
fn revoked_and_deprecated_techniques_are_kept_but_flagged() {
    let Some(attack) = catalogue() else { return };
    // T1086 PowerShell was revoked by T1059.001.
    let old = attack.technique("T1086").expect("revoked T1086 is kept");
    assert_eq!(old.name, "PowerShell");
    assert!(old.revoked && old.is_retired());
    let scripting = attack.technique("T1064").expect("deprecated T1064 is kept");
    assert_eq!(scripting.name, "Scripting");
    assert!(scripting.deprecated && !scripting.revoked);
}

#[test]
fn powershell_has_its_detection_strategy_and_analytic() {
    let Some(attack) = catalogue() else { return };
    let ps = attack.technique("T1059.001").expect("T1059.001 exists");
    assert_eq!(ps.detection_strategies.len(), 1);
    let strategy = &ps.detection_strategies[0];
    assert_eq!(strategy.id, "DET0455");
    assert_eq!(strategy.name, "Abuse of PowerShell for Arbitrary Execution");
    let analytics: Vec<(&str, &[String])> = strategy
        .analytics
        .iter()
        .map(|a| (a.id.as_str(), a.platforms.as_slice()))
        .collect();
    assert_eq!(analytics, [("AN1252", &["Windows".to_string()][..])]);
    assert!(!strategy.analytics[0].description.is_empty());
}

#[test]
fn analytic_citations_become_an_appended_reference_list() {
    let Some(attack) = catalogue() else { return };
    let analytic = attack
        .techniques
        .iter()
        .flat_map(|t| &t.detection_strategies)
        .flat_map(|s| &s.analytics)
        .find(|a| a.id == "AN1976")
        .expect("AN1976 is linked to a technique");
    assert!(analytic
        .description
        .contains("uncover other adversary infrastructure.[1]"));
    assert!(analytic.description.ends_with(
        "References:\n[1] Kovar, R. (2017, December 11). Tall Tales of Hunting with TLS/SSL \
         Certificates. Retrieved October 16, 2020. \
         https://www.splunk.com/en_us/blog/security/tall-tales-of-hunting-with-tls-ssl-certificates.html"
    ));
}

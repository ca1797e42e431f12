//! Dropping files of every accepted format, as the page does: the sample
//! files under `tests/fixtures/import/` (written for these tests) go
//! through `ingest::import`, alone, together and inside a zip, and the
//! rules, errors and duplicates are checked for what they mean.

use pretty_assertions::assert_eq;
use rulescope::formats::Context;
use rulescope::ingest::{import, ImportReport, Input, Limits};
use rulescope::model::{Op, Rule, Vendor};
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Write};

/// Every sample, in drop order (the TOML before the JSON copy of its rule).
const FIXTURES: [&str; 8] = [
    "savedsearches.conf",
    "export.ndjson",
    "scheduled_task.toml",
    "rules.json",
    "office_children.yml",
    "credential_reg_save.yml",
    "really_sigma.txt",
    "broken.yml",
];

fn fixture(name: &str) -> Input {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Input {
        name: name.to_string(),
        bytes,
    }
}

fn binary() -> Input {
    Input {
        name: "screenshot.png".to_string(),
        bytes: vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff],
    }
}

fn run(inputs: Vec<Input>) -> ImportReport {
    import(
        inputs,
        &Context::default(),
        &Limits::default(),
        &HashMap::new(),
        |_, _| {},
    )
}

fn rules_from<'r>(report: &'r ImportReport, file: &str) -> Vec<&'r Rule> {
    report.rules.iter().filter(|r| r.path == file).collect()
}

/// `(field, op, value)` of a rule's predicates, exclusions or thresholds.
fn triples(list: &[rulescope::model::Predicate]) -> Vec<(&str, Op, &str)> {
    list.iter()
        .map(|p| (p.field.as_str(), p.op, p.value.as_str()))
        .collect()
}

fn whole_drop() -> ImportReport {
    let mut inputs: Vec<Input> = FIXTURES.iter().map(|f| fixture(f)).collect();
    inputs.push(binary());
    run(inputs)
}

#[test]
fn a_drop_of_every_format_counts_rules_per_format() {
    let report = whole_drop();
    assert_eq!(report.files, 9);
    let expected: BTreeMap<String, u32> = [
        ("eql", 2),
        ("esql", 1),
        ("kql", 3),
        ("sigma", 3),
        ("spl", 3),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(report.per_format, expected);
    assert_eq!(report.rules.len(), 12);
    assert!(report
        .rules
        .iter()
        .all(|r| r.local && r.vendor == Vendor::Local && r.url.is_empty()));
}

#[test]
fn bad_files_fail_alone_with_name_position_and_reason() {
    let report = whole_drop();
    let errors: Vec<(&str, Option<u32>)> = report
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.line))
        .collect();
    assert_eq!(errors, [("broken.yml", Some(8)), ("screenshot.png", None)]);
    assert!(
        report.errors[0].reason.contains("YAML"),
        "{}",
        report.errors[0].reason
    );
    assert!(
        report.errors[1].reason.contains("binary"),
        "{}",
        report.errors[1].reason
    );
}

#[test]
fn the_same_rule_id_twice_is_reported_not_merged() {
    let report = whole_drop();
    assert_eq!(report.duplicates.len(), 1, "{:?}", report.duplicates);
    let dup = &report.duplicates[0];
    assert_eq!(dup.id, "e9a8b7c6-cccc-4ddd-8eee-000000000020");
    assert_eq!(
        (dup.first.as_str(), dup.second.as_str()),
        ("scheduled_task.toml", "rules.json")
    );
    let copies = report.rules.iter().filter(|r| r.id == dup.id).count();
    assert_eq!(copies, 2, "both copies are imported");
}

#[test]
fn savedsearches_stanzas_become_spl_rules() {
    let report = run(vec![fixture("savedsearches.conf")]);
    let rules = rules_from(&report, "savedsearches.conf");
    let titles: Vec<&str> = rules.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Local - Certutil Download - Rule",
            "Local - Many Failed Logons - Rule"
        ],
        "[default] and the stanza without search are skipped"
    );
    let certutil = rules[0];
    assert_eq!(certutil.id, "7d1c2b0e-0000-4000-8000-00000000c001");
    assert_eq!(certutil.techniques, ["T1105"]);
    assert_eq!(certutil.level, "medium");
    assert_eq!(certutil.status, "enabled", "the stanza overrides [default]");
    assert_eq!(certutil.rule_type, "saved_search");
    assert_eq!(
        triples(&certutil.predicates),
        [
            ("process_name", Op::Eq, "certutil.exe"),
            ("process", Op::Wildcard, "*urlcache*"),
            ("process", Op::Wildcard, "*verifyctl*"),
        ]
    );
    assert_eq!(
        triples(&certutil.exclusions),
        [("parent_process_name", Op::Eq, "sccm_agent.exe")]
    );
    let logons = rules[1];
    assert_eq!(logons.id, logons.title, "no metadata id: the stanza name");
    assert_eq!(logons.techniques, ["T1110.003", "T1110"]);
    assert_eq!(logons.status, "disabled", "inherited from [default]");
    assert_eq!(triples(&logons.thresholds), [("accounts", Op::Gt, "20")]);
}

#[test]
fn kibana_export_lines_become_rules_and_the_summary_is_skipped() {
    let report = run(vec![fixture("export.ndjson")]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let rules = rules_from(&report, "export.ndjson");
    let summary: Vec<(&str, &str, &str)> = rules
        .iter()
        .map(|r| (r.language.as_str(), r.rule_type.as_str(), r.status.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("eql", "eql", "enabled"),
            ("kql", "threshold", "disabled"),
            ("kql", "new_terms", "enabled"),
        ],
        "a missing language follows the rule type"
    );
    let techniques: Vec<&[String]> = rules.iter().map(|r| r.techniques.as_slice()).collect();
    assert_eq!(
        techniques,
        [
            ["T1218", "T1218.011"],
            ["T1021", "T1021.002"],
            ["T1053", "T1053.003"],
        ]
    );
    assert!(rules[0]
        .predicates
        .iter()
        .any(|p| (p.field.as_str(), p.op, p.value.as_str())
            == ("process.name", Op::Match, "rundll32.exe")));
    assert_eq!(
        triples(&rules[0].exclusions),
        [("process.parent.name", Op::Match, "msiexec.exe")]
    );
    assert_eq!(
        triples(&rules[1].thresholds),
        [
            ("user.name", Op::Gte, "10"),
            ("cardinality(host.name)", Op::Gte, "5"),
        ]
    );
    assert_eq!(
        triples(&rules[2].thresholds),
        [("process.executable", Op::Gte, "now-10d")]
    );
    assert!(rules.iter().all(|r| r.notes.is_empty()));
}

#[test]
fn a_broken_export_line_is_a_note_and_an_all_broken_export_an_error() {
    let good = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import/export.ndjson"),
    )
    .expect("fixture");
    let first = good.lines().next().expect("a rule line");
    let text = format!("{first}\n{{\"rule_id\": \"cut off\n");
    let report = run(vec![Input {
        name: "partial.ndjson".into(),
        bytes: text.into_bytes(),
    }]);
    assert_eq!(report.rules.len(), 1);
    assert_eq!(report.rules[0].notes.len(), 1);
    assert!(report.rules[0].notes[0].starts_with("line 2: skipped (invalid JSON"));

    let report = run(vec![Input {
        name: "cut.ndjson".into(),
        bytes: b"{\"exported_count\":0}\n{\"rule_id\": \"cut off\n".to_vec(),
    }]);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, Some(2));
}

#[test]
fn a_json_array_of_kibana_rules() {
    let report = run(vec![fixture("rules.json")]);
    let rules = rules_from(&report, "rules.json");
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].language, "esql");
    assert_eq!(rules[0].techniques, ["T1059", "T1059.004"]);
    assert_eq!(
        triples(&rules[0].predicates),
        [
            ("host.os.type", Op::Eq, "linux"),
            ("process.name", Op::Eq, "bash"),
            ("process.name", Op::Eq, "sh"),
            ("process.parent.name", Op::Eq, "curl"),
            ("process.parent.name", Op::Eq, "wget"),
        ]
    );
    assert_eq!(rules[1].language, "kql");
}

#[test]
fn yaml_and_toml_rules_keep_working_beside_the_new_formats() {
    let report = run(vec![
        fixture("office_children.yml"),
        fixture("credential_reg_save.yml"),
        fixture("scheduled_task.toml"),
    ]);
    let sigma = rules_from(&report, "office_children.yml");
    assert_eq!(sigma.len(), 2, "two documents under one global");
    for rule in &sigma {
        assert_eq!(rule.techniques, ["T1204.002"]);
        assert!(rule
            .predicates
            .iter()
            .any(|p| p.field == "ParentImage" && p.value == "*\\winword.exe"));
    }
    assert_eq!(
        triples(&sigma[0].exclusions),
        [("CommandLine", Op::Wildcard, "*OfficeC2RClient*")]
    );
    assert_eq!(
        triples(&sigma[1].exclusions),
        [("User", Op::Wildcard, "*SYSTEM*")]
    );

    let splunk = rules_from(&report, "credential_reg_save.yml");
    assert_eq!(splunk[0].techniques, ["T1003.002"]);
    assert_eq!(
        triples(&splunk[0].exclusions),
        [("Processes.user", Op::Eq, "backup_svc")]
    );
    assert!(splunk[0]
        .predicates
        .iter()
        .any(|p| p.field == "Processes.process" && p.value == "*HKLM\\SAM*"));

    let toml = rules_from(&report, "scheduled_task.toml");
    assert_eq!(toml[0].techniques, ["T1053", "T1053.005"]);
    assert_eq!(
        triples(&toml[0].exclusions),
        [(
            "process.parent.executable",
            Op::Match,
            "C:\\Program Files\\Deploy\\agent.exe"
        )]
    );
}

#[test]
fn a_text_file_is_known_by_its_content() {
    let report = run(vec![fixture("really_sigma.txt")]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let rule = &report.rules[0];
    assert_eq!(rule.language, "sigma");
    assert_eq!(rule.techniques, ["T1098"]);
    assert!(rule
        .predicates
        .iter()
        .any(|p| p.field == "CommandLine" && p.value == "*localgroup*"));

    let report = run(vec![Input {
        name: "notes.txt".into(),
        bytes: b"Remember to review the firewall rules on Monday.".to_vec(),
    }]);
    let reason = &report.errors[0].reason;
    assert!(reason.starts_with("unknown rule format"), "{reason}");
    for accepted in [
        "Sigma",
        "savedsearches.conf",
        "TOML",
        ".ndjson",
        "JSON arrays",
    ] {
        assert!(
            reason.contains(accepted),
            "{accepted} missing from: {reason}"
        );
    }
}

#[test]
fn a_zip_of_several_formats_imports_each_entry() {
    let mut buffer = Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (inner, file) in [
        ("splunk/savedsearches.conf", "savedsearches.conf"),
        ("kibana/export.ndjson", "export.ndjson"),
        ("ticket/really_sigma.txt", "really_sigma.txt"),
        ("wip/broken.yml", "broken.yml"),
    ] {
        writer.start_file(inner, options).expect("zip entry");
        writer.write_all(&fixture(file).bytes).expect("zip write");
    }
    writer.finish().expect("zip");
    let report = run(vec![Input {
        name: "drop.zip".into(),
        bytes: buffer.into_inner(),
    }]);
    assert_eq!(report.files, 4);
    let per_format: Vec<(&str, u32)> = report
        .per_format
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        per_format,
        [("eql", 1), ("kql", 2), ("sigma", 1), ("spl", 2)]
    );
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].path, "drop.zip/wip/broken.yml");
    assert_eq!(
        rules_from(&report, "drop.zip/splunk/savedsearches.conf")[0].techniques,
        ["T1105"]
    );
}

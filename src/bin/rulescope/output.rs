//! How the CLI prints: JSON Lines for `normalize`, JSON or text for
//! `technique`, `field` and `fields`, a report for `stats`.

use rulescope::catalog::{FieldProfile, FieldSummary, FieldValue, TechniqueGuide};
use rulescope::corpus::Loaded;
use rulescope::fields;
use rulescope::model::{ParseError, Predicate, Rule, Vendor};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

/// The `normalize` predicate shape: `{field, canonical, op, value}`, plus
/// `norm` when the comparison form differs from the value.
#[derive(Serialize)]
struct PredicateOut<'a> {
    field: &'a str,
    canonical: &'a str,
    op: &'a str,
    value: &'a str,
    /// The comparison form (`rulescope::fields`), shown where it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    norm: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    modifiers: &'a [String],
}

impl<'a> From<&'a Predicate> for PredicateOut<'a> {
    fn from(p: &'a Predicate) -> Self {
        PredicateOut {
            field: &p.field,
            canonical: &p.canonical,
            op: p.op.key(),
            value: &p.value,
            norm: (p.norm != p.value).then_some(p.norm.as_str()),
            modifiers: &p.modifiers,
        }
    }
}

/// One `normalize` line for a rule.
#[derive(Serialize)]
struct RuleOut<'a> {
    vendor: &'a str,
    path: &'a str,
    id: &'a str,
    title: &'a str,
    rule_type: &'a str,
    techniques: &'a [String],
    predicates: Vec<PredicateOut<'a>>,
    exclusions: Vec<PredicateOut<'a>>,
    thresholds: Vec<PredicateOut<'a>>,
    sources: Vec<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
    deprecated: bool,
}

/// One `normalize` line for a file that failed.
#[derive(Serialize)]
struct ErrorOut<'a> {
    path: &'a str,
    error: String,
}

fn preds(list: &[Predicate]) -> Vec<PredicateOut<'_>> {
    list.iter().map(PredicateOut::from).collect()
}

/// Writes `normalize` output: one line per rule, then one per failed file.
pub fn write_normalized(out: &mut impl Write, loaded: &Loaded) -> io::Result<()> {
    for r in &loaded.rules {
        let line = RuleOut {
            vendor: r.vendor.key(),
            path: &r.path,
            id: &r.id,
            title: &r.title,
            rule_type: &r.rule_type,
            techniques: &r.techniques,
            predicates: preds(&r.predicates),
            exclusions: preds(&r.exclusions),
            thresholds: preds(&r.thresholds),
            sources: r
                .sources
                .iter()
                .map(|s| format!("{}={}", s.kind, s.value))
                .collect(),
            notes: &r.notes,
            deprecated: r.deprecated,
        };
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    for e in &loaded.errors {
        let line = ErrorOut {
            path: &e.path,
            error: e.to_string(),
        };
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Pretty JSON of any serialisable value, with a trailing newline.
pub fn write_json(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// The technique guide as plain text tables.
pub fn write_guide_text(out: &mut impl Write, g: &TechniqueGuide) -> io::Result<()> {
    let t = &g.technique;
    writeln!(out, "{} {} [{}]", t.id, t.name, t.tactics.join(", "))?;
    let vendors: Vec<String> = g
        .by_vendor
        .iter()
        .map(|(v, n)| format!("{} {n}", v.label()))
        .collect();
    writeln!(out, "{} rules ({})", g.rules, vendors.join(", "))?;
    writeln!(out, "\nFields filtered most ({} distinct)", g.fields.len())?;
    for f in &g.fields {
        let aliases: Vec<&str> = f.aliases.iter().map(|a| a.field.as_str()).collect();
        let ops: Vec<String> = f.ops.iter().map(|(o, n)| format!("{o} {n}")).collect();
        writeln!(
            out,
            "  {:>4}  {}  [{}]  {}  e.g. {}",
            f.rules,
            display_field(&f.field),
            aliases.join(", "),
            ops.join(", "),
            f.samples.join(" | ")
        )?;
    }
    writeln!(
        out,
        "\nTop indicator values ({} distinct)",
        g.indicators.len()
    )?;
    for i in &g.indicators {
        let reach = i.corpus_reach.map(|r| r.to_string()).unwrap_or_default();
        writeln!(
            out,
            "  {:>4}  {:>5}  {} {} {}",
            i.rules,
            reach,
            display_field(&i.field),
            i.op,
            i.value
        )?;
    }
    writeln!(out, "\nExclusions ({} distinct)", g.exclusions.len())?;
    for e in &g.exclusions {
        writeln!(
            out,
            "  {:>4}  {} {} {}",
            e.rules,
            display_field(&e.field),
            e.op,
            e.value
        )?;
    }
    writeln!(out, "\nRules")?;
    for r in &g.rule_list {
        writeln!(out, "  {:<8} {}  ({})", r.vendor.label(), r.title, r.path)?;
    }
    Ok(())
}

fn vendor_list(vendors: &[Vendor]) -> String {
    let labels: Vec<&str> = vendors.iter().map(|v| v.label()).collect();
    labels.join(", ")
}

fn write_values(out: &mut impl Write, title: &str, rows: &[FieldValue]) -> io::Result<()> {
    writeln!(out, "\n{title} ({} distinct)", rows.len())?;
    for v in rows {
        writeln!(
            out,
            "  {:>5}  {} {}  [{}]  as written: {}",
            v.rules,
            v.op,
            v.value,
            vendor_list(&v.vendors),
            v.spellings.join(" | ")
        )?;
    }
    Ok(())
}

/// The field page as plain text.
pub fn write_field_text(out: &mut impl Write, f: &FieldProfile) -> io::Result<()> {
    let mapped = if f.mapped {
        ""
    } else {
        " (not in the taxonomy)"
    };
    writeln!(out, "{}{mapped}", f.field)?;
    let vendors: Vec<String> = f
        .by_vendor
        .iter()
        .map(|(v, n)| format!("{} {n}", v.label()))
        .collect();
    writeln!(
        out,
        "{} rules ({}); {} filter on it, {} exclude on it ({} occurrences)",
        f.rules,
        vendors.join(", "),
        f.filter_rules,
        f.exclusion_rules,
        f.exclusion_occurrences
    )?;
    writeln!(out, "\nAliases")?;
    for a in &f.aliases {
        writeln!(
            out,
            "  {:>5} rules {:>6} uses  {:<8} {}",
            a.rules,
            a.occurrences,
            a.vendor.label(),
            a.field
        )?;
    }
    writeln!(out, "\nTechniques ({})", f.techniques.len())?;
    for t in &f.techniques {
        writeln!(out, "  {:>5}  {} {}", t.rules, t.id, t.name)?;
    }
    write_values(out, "Values", &f.values)?;
    write_values(out, "Excluded values", &f.excluded_values)?;
    writeln!(out, "\nRules")?;
    for r in &f.rule_list {
        let how = match (r.filters, r.excludes) {
            (true, true) => "filter+exclusion",
            (false, true) => "exclusion",
            _ => "filter",
        };
        writeln!(out, "  {:<8} {:<16} {}", r.vendor.label(), how, r.title)?;
    }
    Ok(())
}

/// The field index as plain text.
pub fn write_fields_text(out: &mut impl Write, rows: &[FieldSummary]) -> io::Result<()> {
    writeln!(out, "rules  aliases  values  field  [vendors]")?;
    for r in rows {
        let mapped = if r.mapped { "" } else { " (unmapped)" };
        writeln!(
            out,
            "{:>5} {:>8} {:>7}  {}{mapped}  [{}]",
            r.rules,
            r.aliases,
            r.values,
            r.field,
            vendor_list(&r.vendors)
        )?;
    }
    Ok(())
}

fn display_field(field: &str) -> &str {
    if field.is_empty() {
        "(keyword)"
    } else {
        field
    }
}

/// The `stats` report.
pub fn write_stats(
    out: &mut impl Write,
    root: &Path,
    sample: bool,
    loaded: &Loaded,
    errors: &[ParseError],
    elapsed: Duration,
) -> io::Result<()> {
    writeln!(
        out,
        "corpus: {}{}",
        root.display(),
        if sample { " (sample set)" } else { "" }
    )?;
    writeln!(
        out,
        "files: {}  rules: {}  errors: {}  time: {:.3}s",
        loaded.files,
        loaded.rules.len(),
        errors.len(),
        elapsed.as_secs_f64()
    )?;
    let mut per: BTreeMap<Vendor, [usize; 5]> = BTreeMap::new();
    for r in &loaded.rules {
        let c = per.entry(r.vendor).or_default();
        c[0] += 1;
        c[1] += usize::from(r.deprecated);
        c[2] += r.predicates.len();
        c[3] += r.exclusions.len();
        c[4] += usize::from(!r.notes.is_empty());
    }
    writeln!(
        out,
        "vendor     rules  deprecated  predicates  exclusions  with-notes"
    )?;
    for (v, c) in per {
        writeln!(
            out,
            "{:<9} {:>6} {:>11} {:>11} {:>11} {:>11}",
            v.key(),
            c[0],
            c[1],
            c[2],
            c[3],
            c[4]
        )?;
    }
    for e in errors {
        writeln!(out, "error: {e}")?;
    }
    Ok(())
}

/// Writes `stats --unmapped`: the mapped share of predicate occurrences per
/// vendor, then the `limit` most used fields the taxonomy does not know.
pub fn write_unmapped(out: &mut impl Write, rules: &[Rule], limit: usize) -> io::Result<()> {
    writeln!(out, "vendor     mapped   fields  share  keywords")?;
    for (v, c) in fields::coverage(rules) {
        writeln!(
            out,
            "{:<9} {:>7} {:>8} {:>5.1}% {:>9}",
            v.key(),
            c.mapped,
            c.fields,
            100.0 * c.share(),
            c.keywords
        )?;
    }
    writeln!(out, "most used unmapped fields (rules, occurrences):")?;
    for u in fields::top_unmapped(rules, limit) {
        writeln!(
            out,
            "{:<9} {:>5} {:>6}  {}",
            u.vendor.key(),
            u.rules,
            u.occurrences,
            u.field
        )?;
    }
    Ok(())
}

//! Which log source a rule is written against — its context — since the
//! same name means different fields in different logs (`Description` of a
//! process versus of a loaded DLL; `eventName` of CloudTrail versus of
//! Google Workspace).

use super::taxonomy::Taxonomy;
use crate::model::{Predicate, Rule, Vendor};

/// Filters whose values name the log source rather than an event property
/// (Elastic rules select their dataset and OS this way; Splunk Azure
/// searches their log with `category=SignInLogs`).
const SELECTOR_FIELDS: [&str; 7] = [
    "category",
    "event.dataset",
    "data_stream.dataset",
    "event.module",
    "event.category",
    "host.os.type",
    "event.provider",
];

/// A rule's context: lower-case tags, most specific first, and the Splunk
/// datamodel objects its fields are qualified with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleContext {
    /// Sigma logsource values as written, then the tags of matching
    /// `[[context]]` rules of the taxonomy.
    pub tags: Vec<String>,
    /// Splunk datamodel objects (`processes`, `all_traffic`).
    pub datamodels: Vec<String>,
}

impl RuleContext {
    /// Derives the context from a rule's data sources, selector filters and
    /// datamodel-qualified field names.
    pub fn of(rule: &Rule, taxonomy: &Taxonomy) -> RuleContext {
        let mut values: Vec<(u8, String)> = rule
            .sources
            .iter()
            .map(|s| (source_rank(&s.kind), s.value.to_lowercase()))
            .collect();
        values.sort_by_key(|(rank, _)| *rank);
        let mut values: Vec<String> = values.into_iter().map(|(_, v)| v).collect();
        let mut ctx = RuleContext::default();
        for p in all(rule) {
            if SELECTOR_FIELDS.contains(&p.field.as_str()) {
                values.push(p.value.to_lowercase());
            }
            if let Some((object, _)) = p.field.split_once('.') {
                let object = object.to_lowercase();
                if taxonomy.is_datamodel_object(&object) {
                    push_once(&mut ctx.datamodels, object);
                }
            }
        }
        for s in &rule.sources {
            if s.kind.contains("datamodel") {
                if let Some(object) = s.value.rsplit('.').next() {
                    push_once(&mut ctx.datamodels, object.to_lowercase());
                }
            }
        }
        values.extend(ctx.datamodels.iter().cloned());
        for v in &values {
            push_once(&mut ctx.tags, v.clone());
        }
        for rule in taxonomy.context_rules() {
            if values.iter().any(|v| rule.matches(v)) {
                push_once(&mut ctx.tags, rule.tag.to_lowercase());
            }
        }
        ctx
    }
}

/// The language family whose spellings a rule uses: dropped local rules are
/// read by the same parsers, so their language says which.
pub fn dialect(rule: &Rule) -> Vendor {
    match rule.language.as_str() {
        "sigma" => Vendor::Sigma,
        "spl" => Vendor::Splunk,
        "kql" | "kuery" | "eql" | "esql" | "lucene" => Vendor::Elastic,
        _ => rule.vendor,
    }
}

/// Sigma category before service before product; anything else after.
fn source_rank(kind: &str) -> u8 {
    match kind {
        "logsource.category" => 0,
        "logsource.service" => 1,
        "logsource.product" => 2,
        _ => 3,
    }
}

fn all(rule: &Rule) -> impl Iterator<Item = &Predicate> {
    rule.predicates
        .iter()
        .chain(&rule.exclusions)
        .chain(&rule.thresholds)
}

fn push_once(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::taxonomy;
    use crate::model::{DataSource, Op};

    fn source(kind: &str, value: &str) -> DataSource {
        DataSource {
            kind: kind.into(),
            value: value.into(),
        }
    }

    #[test]
    fn sigma_logsource_comes_first_category_before_product() {
        let rule = Rule {
            sources: vec![
                source("logsource.product", "windows"),
                source("logsource.category", "process_creation"),
            ],
            ..Rule::default()
        };
        let ctx = RuleContext::of(&rule, taxonomy());
        assert_eq!(&ctx.tags[..2], ["process_creation", "windows"]);
    }

    #[test]
    fn splunk_sources_and_datamodel_fields_give_tags() {
        let rule = Rule {
            vendor: Vendor::Splunk,
            sources: vec![source(
                "data_source",
                "Sysmon EventID 1 AND Sysmon EventID 11",
            )],
            predicates: vec![Predicate::new("Processes.process_name", Op::Eq, "cmd.exe")],
            ..Rule::default()
        };
        let ctx = RuleContext::of(&rule, taxonomy());
        assert_eq!(ctx.datamodels, ["processes"]);
        for tag in ["process_creation", "file_event", "windows"] {
            assert!(ctx.tags.iter().any(|t| t == tag), "{tag} in {:?}", ctx.tags);
        }
        assert!(!ctx.tags.iter().any(|t| t == "registry_set"));
    }

    #[test]
    fn elastic_dataset_filters_give_tags() {
        let rule = Rule {
            vendor: Vendor::Elastic,
            predicates: vec![Predicate::new("event.dataset", Op::Match, "aws.cloudtrail")],
            ..Rule::default()
        };
        let ctx = RuleContext::of(&rule, taxonomy());
        assert!(ctx.tags.iter().any(|t| t == "cloudtrail"));
    }
}

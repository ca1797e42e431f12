//! The field taxonomy of `rules/fields.toml`, embedded in the binary (and the
//! wasm page) and parsed once, with the lookups that turn a field as written
//! into its canonical name.

use super::context::RuleContext;
use crate::model::Vendor;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// The taxonomy as shipped: the TOML source.
const SOURCE: &str = include_str!("../../rules/fields.toml");

/// One canonical field with the spellings that collapse into it, as the
/// field page lists them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The canonical name (ECS where ECS has one).
    pub name: String,
    /// For path fields: the field holding the last path component.
    #[serde(default)]
    pub name_field: Option<String>,
    /// Holds registry paths: hive names are spelled one way.
    #[serde(default)]
    pub registry: bool,
    /// Holds hashes: values go to `<base>.hash.<algorithm>`.
    #[serde(default)]
    pub hash: bool,
    /// Analysed text: a term match means containment.
    #[serde(default)]
    pub text: bool,
    /// Windows event log / Sysmon names (Sigma, raw Splunk, Elastic `winlog.event_data.`).
    #[serde(default)]
    pub winevent: Vec<String>,
    /// Sigma-only spellings.
    #[serde(default)]
    pub sigma: Vec<String>,
    /// Splunk CIM spellings, datamodel-qualified or bare.
    #[serde(default)]
    pub splunk: Vec<String>,
    /// Elastic spellings other than the canonical name.
    #[serde(default)]
    pub elastic: Vec<String>,
    /// Raw names of one log source, by context tag.
    #[serde(default, rename = "in")]
    pub contexts: BTreeMap<String, Vec<String>>,
}

/// A rule that tags a rule's context from its data sources.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextRule {
    pub tag: String,
    /// Whole lower-case values (or ` AND `-separated parts) that mean the tag.
    #[serde(default)]
    pub is: Vec<String>,
    /// Lower-case substrings that mean the tag.
    #[serde(default)]
    pub has: Vec<String>,
}

impl ContextRule {
    /// Whether a lower-cased data-source value means this rule's tag.
    pub fn matches(&self, value: &str) -> bool {
        self.has.iter().any(|h| value.contains(h.as_str()))
            || value
                .split(" and ")
                .any(|part| self.is.iter().any(|i| i == part.trim()))
    }
}

/// A whole namespace renamed at once (`userIdentity.` → `aws.cloudtrail.user_identity.`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrefixRule {
    /// Context tag the rule needs; any rule when absent.
    #[serde(default, rename = "in")]
    tag: Option<String>,
    vendors: Vec<Vendor>,
    from: String,
    to: String,
    /// Convert the rest of the name to snake_case.
    #[serde(default)]
    snake: bool,
    /// Resolve the rest as a Windows event name first.
    #[serde(default)]
    plain: bool,
    /// The whole sub-document is one field (`requestParameters.x` → `…request_parameters`).
    #[serde(default)]
    drop_rest: bool,
    /// Only names starting with a capital: Windows event data names are
    /// PascalCase, while lower-case names in a search are computed fields.
    #[serde(default)]
    capitalised: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    splunk: SplunkSection,
    #[serde(default)]
    elastic: ElasticSection,
    #[serde(default)]
    context: Vec<ContextRule>,
    #[serde(default)]
    prefix: Vec<PrefixRule>,
    #[serde(default)]
    field: Vec<FieldDef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SplunkSection {
    /// Datamodel object names that qualify CIM fields (`Processes`, `All_Traffic`).
    #[serde(default)]
    datamodel_objects: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ElasticSection {
    /// ECS field sets and integration namespaces: canonical as written.
    #[serde(default)]
    namespaces: Vec<String>,
}

/// How a field as written resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved<'a> {
    /// The canonical name, or the field as written when unmapped.
    pub canonical: String,
    /// The taxonomy entry, when the canonical name has one.
    pub def: Option<&'a FieldDef>,
    /// False when nothing in the taxonomy knew the field.
    pub mapped: bool,
}

/// The parsed taxonomy with its lookup tables (keys lower-cased, `{}` removed).
#[derive(Debug, Default)]
pub struct Taxonomy {
    fields: Vec<FieldDef>,
    contexts: Vec<ContextRule>,
    prefixes: Vec<PrefixRule>,
    datamodel_objects: Vec<String>,
    namespaces: Vec<String>,
    by_name: HashMap<String, usize>,
    winevent: HashMap<String, usize>,
    by_vendor: HashMap<Vendor, HashMap<String, usize>>,
    by_context: HashMap<String, HashMap<String, usize>>,
}

/// The shipped taxonomy, parsed on first use.
pub fn taxonomy() -> &'static Taxonomy {
    static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
    // A broken taxonomy fails the unit test below before release; at run
    // time every field would then simply stay unmapped.
    TAXONOMY.get_or_init(|| Taxonomy::parse(SOURCE).unwrap_or_default())
}

/// The lookup form of a field name: lower case, without Splunk's `{}`.
pub fn lookup_key(field: &str) -> String {
    field.replace("{}", "").to_lowercase()
}

impl Taxonomy {
    /// Parses taxonomy TOML; the error names what is wrong.
    pub fn parse(text: &str) -> Result<Taxonomy, String> {
        let file: File = toml::from_str(text).map_err(|e| format!("fields taxonomy: {e}"))?;
        let mut t = Taxonomy {
            contexts: file.context,
            prefixes: file.prefix,
            datamodel_objects: file
                .splunk
                .datamodel_objects
                .iter()
                .map(|d| d.to_lowercase())
                .collect(),
            namespaces: file
                .elastic
                .namespaces
                .iter()
                .map(|n| n.to_lowercase())
                .collect(),
            ..Taxonomy::default()
        };
        for (i, f) in file.field.iter().enumerate() {
            if t.by_name.insert(lookup_key(&f.name), i).is_some() {
                return Err(format!("fields taxonomy: `{}` is defined twice", f.name));
            }
            for a in &f.winevent {
                t.winevent.entry(lookup_key(a)).or_insert(i);
            }
            for (vendor, list) in [
                (Vendor::Sigma, &f.sigma),
                (Vendor::Splunk, &f.splunk),
                (Vendor::Elastic, &f.elastic),
            ] {
                let names = t.by_vendor.entry(vendor).or_default();
                for a in list {
                    names.entry(lookup_key(a)).or_insert(i);
                }
            }
            for (tag, list) in &f.contexts {
                let names = t.by_context.entry(tag.to_lowercase()).or_default();
                for a in list {
                    names.entry(lookup_key(a)).or_insert(i);
                }
            }
        }
        t.fields = file.field;
        Ok(t)
    }

    /// Every canonical field, in file order.
    pub fn fields(&self) -> &[FieldDef] {
        &self.fields
    }

    /// The entry for a canonical name.
    pub fn field(&self, canonical: &str) -> Option<&FieldDef> {
        self.by_name
            .get(&lookup_key(canonical))
            .map(|&i| &self.fields[i])
    }

    /// The context rules, for [`RuleContext`].
    pub fn context_rules(&self) -> &[ContextRule] {
        &self.contexts
    }

    /// Whether `object` (lower case) names a Splunk datamodel object.
    pub fn is_datamodel_object(&self, object: &str) -> bool {
        self.datamodel_objects.iter().any(|d| d == object)
    }

    /// The canonical field for `field` as written in a rule of `dialect`
    /// (the language family: Sigma, Splunk or Elastic) in context `ctx`.
    pub fn resolve(&self, dialect: Vendor, ctx: &RuleContext, field: &str) -> Resolved<'_> {
        let key = lookup_key(field);
        if let Some(i) = self.lookup(dialect, ctx, &key) {
            return self.found(i);
        }
        for rule in &self.prefixes {
            if let Some(canonical) = self.apply_prefix(rule, dialect, ctx, field, &key) {
                return canonical;
            }
        }
        let namespace = key.split('.').next().unwrap_or_default();
        Resolved {
            canonical: field.to_string(),
            def: None,
            mapped: dialect == Vendor::Elastic
                && key.contains('.')
                && self.namespaces.iter().any(|n| n == namespace),
        }
    }

    fn found(&self, i: usize) -> Resolved<'_> {
        let def = &self.fields[i];
        Resolved {
            canonical: def.name.clone(),
            def: Some(def),
            mapped: true,
        }
    }

    /// Context aliases first, then the dialect's own spellings (for Splunk,
    /// a bare CIM name qualified with the rule's datamodels first), then the
    /// Windows event names (not for Elastic, which prefixes them), then the
    /// canonical names themselves.
    fn lookup(&self, dialect: Vendor, ctx: &RuleContext, key: &str) -> Option<usize> {
        ctx.tags
            .iter()
            .find_map(|tag| self.by_context.get(tag)?.get(key))
            .or_else(|| match dialect {
                Vendor::Splunk if !key.contains('.') => self.splunk_in_datamodel(ctx, key),
                _ => None,
            })
            .or_else(|| self.vendor_name(dialect, key))
            .or_else(|| match dialect {
                Vendor::Splunk => self.splunk_bare(key),
                _ => None,
            })
            .or_else(|| match dialect {
                Vendor::Elastic => None,
                _ => self.winevent.get(key),
            })
            .or_else(|| self.by_name.get(key))
            .copied()
    }

    /// A bare CIM name (`dest` after `drop_dm_object_name`) qualified with
    /// each datamodel object the rule uses.
    fn splunk_in_datamodel(&self, ctx: &RuleContext, key: &str) -> Option<&usize> {
        ctx.datamodels
            .iter()
            .find_map(|dm| self.vendor_name(Vendor::Splunk, &format!("{dm}.{key}")))
    }

    /// One of a dialect's own spellings.
    fn vendor_name(&self, dialect: Vendor, key: &str) -> Option<&usize> {
        self.by_vendor.get(&dialect)?.get(key)
    }

    /// A qualified CIM name not listed for its object, tried bare.
    fn splunk_bare(&self, key: &str) -> Option<&usize> {
        let (object, bare) = key.split_once('.')?;
        if self.is_datamodel_object(object) {
            self.vendor_name(Vendor::Splunk, bare)
        } else {
            None
        }
    }

    fn apply_prefix(
        &self,
        rule: &PrefixRule,
        dialect: Vendor,
        ctx: &RuleContext,
        field: &str,
        key: &str,
    ) -> Option<Resolved<'_>> {
        if !rule.vendors.contains(&dialect) {
            return None;
        }
        if let Some(tag) = &rule.tag {
            if !ctx.tags.iter().any(|t| t == tag) {
                return None;
            }
        }
        if rule.capitalised && !field.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        if dialect == Vendor::Splunk
            && key
                .split_once('.')
                .is_some_and(|(object, _)| self.is_datamodel_object(object))
        {
            return None;
        }
        let from = rule.from.to_lowercase();
        if !key.starts_with(&from) || key.len() == from.len() && !rule.drop_rest {
            return None;
        }
        let rest = field.get(rule.from.len()..)?.replace("{}", "");
        if rule.plain {
            if let Some(&i) = self.winevent.get(&lookup_key(&rest)) {
                return Some(self.found(i));
            }
        }
        let canonical = if rule.drop_rest {
            rule.to.clone()
        } else if rule.snake {
            format!("{}{}", rule.to, snake_case(&rest))
        } else {
            format!("{}{}", rule.to, rest)
        };
        Some(match self.by_name.get(&lookup_key(&canonical)) {
            Some(&i) => self.found(i),
            None => Resolved {
                canonical,
                def: None,
                mapped: true,
            },
        })
    }
}

/// `userIdentity.sessionContext` → `user_identity.session_context`;
/// `MFAUsed` → `mfa_used`, as the Elastic integrations rename JSON keys.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(tags: &[&str], datamodels: &[&str]) -> RuleContext {
        RuleContext {
            tags: tags.iter().map(|t| t.to_string()).collect(),
            datamodels: datamodels.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn shipped_taxonomy_parses() {
        let t = Taxonomy::parse(SOURCE).unwrap();
        assert!(t.fields().len() > 150);
        assert!(taxonomy().field("process.name").is_some());
    }

    #[test]
    fn vendor_spellings_meet_on_one_name() {
        let t = taxonomy();
        let none = ctx(&[], &[]);
        let cases = [
            (Vendor::Sigma, "Image", "process.executable"),
            (
                Vendor::Splunk,
                "Processes.process_path",
                "process.executable",
            ),
            (Vendor::Elastic, "process.executable", "process.executable"),
            (Vendor::Splunk, "Processes.process_name", "process.name"),
            (Vendor::Elastic, "process.name.caseless", "process.name"),
            (
                Vendor::Elastic,
                "winlog.event_data.CommandLine",
                "process.command_line",
            ),
            (Vendor::Sigma, "commandline", "process.command_line"),
        ];
        for (dialect, field, canonical) in cases {
            assert_eq!(
                t.resolve(dialect, &none, field).canonical,
                canonical,
                "{field}"
            );
        }
    }

    #[test]
    fn context_decides_between_meanings() {
        let t = taxonomy();
        let pc = ctx(&["process_creation", "windows"], &[]);
        let il = ctx(&["image_load", "windows"], &[]);
        assert_eq!(
            t.resolve(Vendor::Sigma, &pc, "Description").canonical,
            "process.pe.description"
        );
        assert_eq!(
            t.resolve(Vendor::Sigma, &il, "Description").canonical,
            "dll.pe.description"
        );
        let trail = ctx(&["cloudtrail", "aws"], &[]);
        assert_eq!(
            t.resolve(Vendor::Sigma, &trail, "eventName").canonical,
            "event.action"
        );
        assert_eq!(
            t.resolve(
                Vendor::Splunk,
                &trail,
                "userIdentity.sessionContext.sessionIssuer.type"
            )
            .canonical,
            "aws.cloudtrail.user_identity.session_context.session_issuer.type"
        );
        let dm = ctx(&["processes"], &["processes"]);
        assert_eq!(
            t.resolve(Vendor::Splunk, &dm, "dest").canonical,
            "host.name"
        );
    }

    #[test]
    fn windows_fields_without_ecs_name_meet_under_winlog_event_data() {
        let t = taxonomy();
        let win = ctx(&["security", "windows"], &[]);
        let sigma = t.resolve(Vendor::Sigma, &win, "AttributeLDAPDisplayName");
        let elastic = t.resolve(
            Vendor::Elastic,
            &ctx(&[], &[]),
            "winlog.event_data.AttributeLDAPDisplayName",
        );
        assert_eq!(
            sigma.canonical,
            "winlog.event_data.AttributeLDAPDisplayName"
        );
        assert_eq!(sigma, elastic);
        let unknown = t.resolve(Vendor::Sigma, &ctx(&[], &[]), "NoSuchField");
        assert_eq!(
            (unknown.canonical.as_str(), unknown.mapped),
            ("NoSuchField", false)
        );
    }

    #[test]
    fn snake_case_follows_the_integrations() {
        assert_eq!(snake_case("userIdentity.type"), "user_identity.type");
        assert_eq!(snake_case("MFAUsed"), "mfa_used");
        assert_eq!(snake_case("debugData.requestUri"), "debug_data.request_uri");
    }
}

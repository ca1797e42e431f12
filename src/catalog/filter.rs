//! Filters that apply to every view (matrix, technique page, aggregates,
//! corpus reach), with a URL query form so every view is a permalink.

use super::facets::Dimension;
use crate::model::{Rule, Vendor};
use serde::{Deserialize, Serialize};

/// Which rules a view counts. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Filter {
    pub vendors: Vec<Vendor>,
    pub platforms: Vec<String>,
    /// Sigma status, Splunk status, Elastic maturity.
    pub statuses: Vec<String>,
    /// Sigma level, Elastic severity.
    pub levels: Vec<String>,
    /// Data-source values (logsource, index, sourcetype, macro, …).
    pub sources: Vec<String>,
    pub rule_types: Vec<String>,
    /// Deprecated rules are hidden unless this is set.
    pub include_deprecated: bool,
    /// Only rules the user dropped into the page.
    pub only_local: bool,
}

/// Whether `have` is one of `wanted` (ignoring case and surrounding
/// spaces), or `wanted` is empty.
pub(super) fn any_eq(wanted: &[String], have: &str) -> bool {
    if wanted.is_empty() {
        return true;
    }
    let have = have.trim();
    wanted.iter().any(|w| w.trim().eq_ignore_ascii_case(have))
}

/// Whether one of `have` is one of `wanted`, or `wanted` is empty.
pub(super) fn any_in(wanted: &[String], have: &[String]) -> bool {
    wanted.is_empty() || have.iter().any(|h| any_eq(wanted, h))
}

impl Filter {
    /// Whether `rule` passes every part of the filter.
    pub fn matches(&self, rule: &Rule) -> bool {
        self.admits(rule) && Dimension::ALL.iter().all(|d| d.passes(self, rule))
    }

    /// The parts of the filter that are not a faceted dimension: deprecated
    /// rules hidden unless asked for, and the "only my rules" switch.
    pub(super) fn admits(&self, rule: &Rule) -> bool {
        (self.include_deprecated || !rule.deprecated) && (!self.only_local || rule.local)
    }

    /// True when nothing is filtered beyond the defaults.
    pub fn is_default(&self) -> bool {
        *self == Filter::default()
    }

    /// The URL query form (`vendor=sigma,splunk&status=stable`), stable order,
    /// values percent-encoded; empty for the default filter.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        let vendors: Vec<String> = self.vendors.iter().map(|v| v.key().to_string()).collect();
        for (key, values) in [
            ("vendor", &vendors),
            ("platform", &self.platforms),
            ("status", &self.statuses),
            ("level", &self.levels),
            ("source", &self.sources),
            ("type", &self.rule_types),
        ] {
            if !values.is_empty() {
                let joined: Vec<String> = values.iter().map(|v| encode(v)).collect();
                parts.push(format!("{key}={}", joined.join(",")));
            }
        }
        if self.include_deprecated {
            parts.push("deprecated=1".into());
        }
        if self.only_local {
            parts.push("local=1".into());
        }
        parts.join("&")
    }

    /// Reads the form written by [`Filter::to_query`]; unknown keys and
    /// vendors are ignored so old or hand-edited links still open.
    pub fn from_query(query: &str) -> Filter {
        let mut f = Filter::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let values: Vec<String> = value
                .split(',')
                .filter(|v| !v.is_empty())
                .map(decode)
                .collect();
            match key {
                "vendor" => f.vendors = values.iter().filter_map(|v| Vendor::from_key(v)).collect(),
                "platform" => f.platforms = values,
                "status" => f.statuses = values,
                "level" => f.levels = values,
                "source" => f.sources = values,
                "type" => f.rule_types = values,
                "deprecated" => f.include_deprecated = value == "1",
                "local" => f.only_local = value == "1",
                _ => {}
            }
        }
        f
    }
}

/// Percent-encodes everything but unreserved characters.
pub(super) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reverses [`encode`]; malformed escapes are kept as written.
pub(super) fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trips() {
        let f = Filter {
            vendors: vec![Vendor::Sigma, Vendor::Elastic],
            statuses: vec!["stable".into()],
            sources: vec!["process_creation".into(), "a b,c&d".into()],
            include_deprecated: true,
            ..Filter::default()
        };
        let q = f.to_query();
        assert_eq!(
            q,
            "vendor=sigma,elastic&status=stable&source=process_creation,a%20b%2Cc%26d&deprecated=1"
        );
        assert_eq!(Filter::from_query(&q), f);
        assert_eq!(Filter::from_query(""), Filter::default());
        assert_eq!(Filter::default().to_query(), "");
    }

    #[test]
    fn deprecated_hidden_by_default_and_lists_match_any() {
        let mut r = Rule {
            vendor: Vendor::Splunk,
            status: "production".into(),
            ..Rule::default()
        };
        let f = Filter::default();
        assert!(f.matches(&r));
        r.deprecated = true;
        assert!(!f.matches(&r));
        r.deprecated = false;
        let only_sigma = Filter {
            vendors: vec![Vendor::Sigma],
            ..Filter::default()
        };
        assert!(!only_sigma.matches(&r));
        let status = Filter {
            statuses: vec!["Experimental".into(), "PRODUCTION".into()],
            ..Filter::default()
        };
        assert!(status.matches(&r));
    }
}

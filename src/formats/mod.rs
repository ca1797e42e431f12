//! One module per input format. Each turns the bytes of one file into rules
//! or a [`ParseError`] naming the file, the position and the reason.

pub mod elastic;
pub mod sigma;
pub mod splunk;

use crate::model::{FileResult, ParseError};

/// Which parser a file goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Sigma rule YAML (one or more documents).
    Sigma,
    /// Splunk security_content detection YAML.
    SplunkDetection,
    /// Splunk `savedsearches.conf`: `[stanza]`s holding `search =`.
    SplunkSavedSearches,
    /// Elastic detection-rules TOML.
    ElasticToml,
    /// Kibana rule export: one JSON rule object a line (`.ndjson`).
    KibanaNdjson,
    /// A JSON array of Kibana rule objects, or one such object.
    KibanaJson,
}

/// What the unknown-format error lists, so the user knows what to drop.
const ACCEPTED: &str = "accepted are Sigma YAML (`detection:`), Splunk detection YAML \
    (`name:` and `search:`), Splunk savedsearches.conf (`[stanza]` with `search =`), \
    Elastic TOML (`[rule]`), Kibana rule exports (.ndjson, one rule object a line) \
    and JSON arrays of Kibana rules";

/// What parsers need besides the file itself: Splunk macro definitions, for
/// example. Built once per corpus (or per drop) and shared by every file.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Splunk macros by name (`name` or `name(N)` for N arguments).
    pub splunk_macros: splunk::Macros,
}

/// Decides the format. The extensions that name one format (`.toml`,
/// `.conf`, `.ndjson`/`.jsonl`) decide alone; otherwise the content does
/// (see [`sniff`]), and when it shows no sign of any format, `.yml`/`.yaml`
/// go to Sigma and `.json` to the Kibana JSON reader, so their parsers can
/// say what is wrong. `.txt` and extension-less files are known only by
/// their content.
pub fn detect(path: &str, text: &str) -> Option<Format> {
    let lower = path.to_ascii_lowercase();
    let extension = lower
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.contains('/'));
    match extension {
        Some("toml") => return Some(Format::ElasticToml),
        Some("conf") => return Some(Format::SplunkSavedSearches),
        Some("ndjson" | "jsonl") => return Some(Format::KibanaNdjson),
        _ => {}
    }
    sniff(text).or(match extension {
        Some("yml" | "yaml") => Some(Format::Sigma),
        Some("json") => Some(Format::KibanaJson),
        _ => None,
    })
}

/// The format the content shows, from signs no other format has: JSON
/// opening with `{` (one object on the first line and more lines: an
/// export) or `[{`; a `[rule]`/`[metadata]` TOML table; a `[stanza]` with
/// `search =`; top-level YAML keys `name:` + `search:` (Splunk) or
/// `detection:`/`correlation:`/`logsource:` (Sigma).
fn sniff(text: &str) -> Option<Format> {
    let start = text.trim_start();
    if start.starts_with('{') {
        let mut lines = start.lines().filter(|l| !l.trim().is_empty());
        let first = lines.next().unwrap_or_default();
        let one_object_a_line =
            lines.next().is_some() && serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok();
        return Some(if one_object_a_line {
            Format::KibanaNdjson
        } else {
            Format::KibanaJson
        });
    }
    if let Some(rest) = start.strip_prefix('[') {
        if rest.trim_start().starts_with(['{', ']']) {
            return Some(Format::KibanaJson);
        }
    }
    let has_line = |test: &dyn Fn(&str) -> bool| text.lines().any(test);
    if has_line(&|l| matches!(l.trim(), "[rule]" | "[metadata]")) {
        return Some(Format::ElasticToml);
    }
    let stanza = |l: &str| {
        let l = l.trim();
        l.starts_with('[') && l.ends_with(']')
    };
    let search_setting = |l: &str| {
        l.strip_prefix("search")
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    if has_line(&stanza) && has_line(&search_setting) {
        return Some(Format::SplunkSavedSearches);
    }
    if has_line(&|l| l.starts_with("search:")) && has_line(&|l| l.starts_with("name:")) {
        return Some(Format::SplunkDetection);
    }
    let sigma_key = |l: &str| {
        ["detection:", "correlation:", "logsource:"]
            .iter()
            .any(|k| l.starts_with(k))
    };
    has_line(&sigma_key).then_some(Format::Sigma)
}

/// Parses one file. `path` is used for messages and stored on the rules.
pub fn parse_file(path: &str, bytes: &[u8], ctx: &Context) -> FileResult {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ParseError::new(
            path,
            format!(
                "not UTF-8 text (invalid byte at offset {}); is this a binary file?",
                e.valid_up_to()
            ),
        )
    })?;
    if let Some(offset) = text.find('\0') {
        return Err(ParseError::new(
            path,
            format!("holds a NUL byte at offset {offset}; is this a binary file?"),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match detect(path, text) {
        Some(Format::Sigma) => sigma::parse(path, text),
        Some(Format::SplunkDetection) => splunk::parse(path, text, ctx),
        Some(Format::SplunkSavedSearches) => splunk::savedsearches::parse(path, text, ctx),
        Some(Format::ElasticToml) => elastic::parse(path, text),
        Some(Format::KibanaNdjson) => elastic::kibana::parse_ndjson(path, text),
        Some(Format::KibanaJson) => elastic::kibana::parse_json(path, text),
        None => Err(ParseError::new(
            path,
            format!("unknown rule format; {ACCEPTED}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGMA: &str = "title: t\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: 1\n  condition: sel\n";
    const SPLUNK: &str = "name: n\nid: x\nsearch: '`sysmon` a=1'\n";
    const TOML: &str = "[metadata]\nmaturity = \"production\"\n\n[rule]\nname = \"n\"\n";
    const CONF: &str = "[My search]\nsearch = index=main a=1\n";

    #[test]
    fn content_decides_for_text_and_extensionless_files() {
        assert_eq!(detect("notes.txt", SIGMA), Some(Format::Sigma));
        assert_eq!(detect("rules/det", SPLUNK), Some(Format::SplunkDetection));
        assert_eq!(detect("x.txt", TOML), Some(Format::ElasticToml));
        assert_eq!(detect("x", CONF), Some(Format::SplunkSavedSearches));
        assert_eq!(
            detect("x.txt", "{\"rule_id\":1}\n{\"exported_count\":1}\n"),
            Some(Format::KibanaNdjson)
        );
        assert_eq!(
            detect("x.txt", "{\n  \"rule_id\": 1\n}\n"),
            Some(Format::KibanaJson)
        );
        assert_eq!(
            detect("x", "  [\n {\"rule_id\":1}]"),
            Some(Format::KibanaJson)
        );
        assert_eq!(detect("x.txt", "hello"), None);
        assert_eq!(
            detect("dir.v2/readme", "- a\n"),
            None,
            "a dot in a folder is no extension"
        );
    }

    #[test]
    fn extensions_decide_or_fall_back() {
        assert_eq!(detect("a.TOML", "junk"), Some(Format::ElasticToml));
        assert_eq!(detect("a.conf", "junk"), Some(Format::SplunkSavedSearches));
        assert_eq!(detect("a.ndjson", "[]"), Some(Format::KibanaNdjson));
        assert_eq!(detect("a.yml", SPLUNK), Some(Format::SplunkDetection));
        assert_eq!(detect("a.yml", "key: [unclosed"), Some(Format::Sigma));
        assert_eq!(detect("a.json", "nothing"), Some(Format::KibanaJson));
    }

    #[test]
    fn unknown_and_binary_files_are_clear_errors() {
        let ctx = Context::default();
        let err = parse_file("a.txt", b"just prose", &ctx).expect_err("unknown");
        assert!(err.reason.contains("savedsearches.conf") && err.reason.contains(".ndjson"));
        let err = parse_file("a.bin", b"ab\0cd", &ctx).expect_err("binary");
        assert!(err.reason.contains("binary"), "{}", err.reason);
        let err = parse_file("a.bin", &[0xff, 0x00], &ctx).expect_err("binary");
        assert!(err.reason.contains("UTF-8"), "{}", err.reason);
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let text = format!("\u{feff}{CONF}");
        let rules = parse_file("s.txt", text.as_bytes(), &Context::default()).expect("parsed");
        assert_eq!(rules[0].title, "My search");
    }
}

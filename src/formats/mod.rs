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
    /// Elastic detection-rules TOML.
    ElasticToml,
}

/// What parsers need besides the file itself: Splunk macro definitions, for
/// example. Built once per corpus (or per drop) and shared by every file.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Splunk macros by name (`name` or `name(N)` for N arguments).
    pub splunk_macros: splunk::Macros,
}

/// Guesses the format from the path and, where that is ambiguous, the content.
pub fn detect(path: &str, text: &str) -> Option<Format> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".toml") {
        return Some(Format::ElasticToml);
    }
    if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        let splunk_like = text.lines().any(|l| l.starts_with("search:"))
            && text.lines().any(|l| l.starts_with("name:"));
        return Some(if splunk_like {
            Format::SplunkDetection
        } else {
            Format::Sigma
        });
    }
    None
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
    match detect(path, text) {
        Some(Format::Sigma) => sigma::parse(path, text),
        Some(Format::SplunkDetection) => splunk::parse(path, text, ctx),
        Some(Format::ElasticToml) => elastic::parse(path, text),
        None => Err(ParseError::new(
            path,
            "unknown rule format: expected a .yml/.yaml Sigma or Splunk rule or a .toml Elastic rule",
        )),
    }
}

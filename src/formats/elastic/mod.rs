//! Elastic detection-rules TOML with KQL, EQL, ES|QL and Lucene queries.

use crate::model::{FileResult, ParseError};

/// Parses one Elastic TOML rule file.
pub fn parse(path: &str, _text: &str) -> FileResult {
    Err(ParseError::new(path, "Elastic parser not built yet"))
}

//! Splunk security_content detections: YAML plus predicates from SPL.

use super::Context;
use crate::model::{FileResult, ParseError};

/// Splunk macro definitions, keyed by `name` or `name(N)`.
#[derive(Debug, Clone, Default)]
pub struct Macros;

impl Macros {
    /// Adds the macros of one macro YAML file.
    pub fn load_file(&mut self, _path: &str, _text: &str) -> Result<(), ParseError> {
        Ok(())
    }
}

/// Parses one detection YAML file.
pub fn parse(path: &str, _text: &str, _ctx: &Context) -> FileResult {
    Err(ParseError::new(path, "Splunk parser not built yet"))
}

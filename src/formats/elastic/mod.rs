//! Elastic detection-rules TOML with KQL, EQL, ES|QL and Lucene queries.
//!
//! The TOML layer ([`document`]) reads metadata, ATT&CK mappings, index
//! patterns and threshold / new-terms parameters; each query language has its
//! own lexer and precedence parser that builds the rule's logic. A query that
//! cannot be fully parsed still yields the rule, with a note saying where.

mod document;
mod eql;
mod esql;
pub mod kibana;
mod kql;
mod lex;
mod lucene;
mod operand;
mod query;

use crate::model::{FileResult, Rule};

use document::QueryText;
use query::line_col;

/// Parses one Elastic TOML rule file. `path` is relative to the corpus root.
pub fn parse(path: &str, text: &str) -> FileResult {
    let (mut rule, query) = document::read(path, text)?.into_rule(path)?;
    if let Some(query) = query {
        apply_query(&mut rule, &query);
    }
    Ok(vec![rule])
}

/// Runs the parser for the query's language and stores its results.
fn apply_query(rule: &mut Rule, query: &QueryText) {
    let result = match query.language.as_str() {
        "eql" => eql::parse(&query.text),
        "kuery" => kql::parse(&query.text),
        "esql" => esql::parse(&query.text),
        "lucene" => lucene::parse(&query.text),
        other => {
            rule.notes
                .push(format!("query language '{other}' is not parsed"));
            return;
        }
    };
    match result {
        Ok(parsed) => {
            for source in parsed.sources {
                document::push_source(&mut rule.sources, &source.kind, &source.value);
            }
            rule.thresholds.extend(parsed.thresholds);
            rule.notes.extend(parsed.notes);
            if let Some(expr) = parsed.expr {
                rule.set_logic(expr);
            }
        }
        Err(e) => {
            let (line, column) = line_col(&query.text, e.offset);
            rule.notes.push(format!(
                "query not parsed ({}): {} at line {line}, column {column}",
                rule.language, e.reason
            ));
        }
    }
}

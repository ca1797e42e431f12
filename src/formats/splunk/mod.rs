//! Splunk security_content detections: the detection YAML plus predicates
//! read from its SPL search by our own lexer and per-command parsers.
//!
//! Choices worth knowing (see also the module docs):
//! - `index`, `sourcetype`, `source`, `eventtype` (and `Channel`, which only
//!   the `wineventlog_security` macro uses) are data-source selectors; a
//!   macro whose expansion holds nothing else is recorded as
//!   `DataSource { kind: "macro" }` beside the selectors it contains.
//! - The `<detection>_filter` tuning hook is `DataSource { kind:
//!   "tuning_macro" }`; the data model of `tstats`/`from` is `datamodel`,
//!   `tstats` `nodename` is `nodename`, the YAML `data_source` list is
//!   `data_source`.
//! - `field=*` is `exists true`; a bare keyword is `match` on an empty field.
//! - Filters on fields the search computes are thresholds; negated ones carry
//!   the modifier `not`.
//! - Level comes from `tags.risk_score` (see [`detection`]).

mod computed;
mod detection;
mod lexer;
mod macros;
mod pipeline;
pub mod savedsearches;
mod search;
mod tstats;
mod where_expr;

pub use macros::Macros;

use super::Context;
use crate::model::FileResult;

/// Parses one detection YAML file into one rule.
pub fn parse(path: &str, text: &str, ctx: &Context) -> FileResult {
    let det = detection::read(path, text)?;
    let mut rule = detection::to_rule(path, &det);
    let outcome = pipeline::analyse(&rule.query, &ctx.splunk_macros);
    rule.sources.extend(outcome.sources);
    rule.thresholds = outcome.thresholds;
    rule.notes = outcome.notes;
    if let Some(expr) = outcome.expr {
        rule.set_logic(expr);
    }
    Ok(vec![rule])
}

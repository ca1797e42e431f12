//! `| tstats … from datamodel=X where … by …`, `| mstats … where …`,
//! `| from datamodel:X` and `| datamodel X Y`: the data model is a
//! selector, the aggregations are computed fields, and the `where` clause is
//! search terms with datamodel-qualified fields and `nodename`.

use super::lexer::{Tok, Token};
use super::pipeline::Analysis;
use super::search::{parse_terms, Mode};
use crate::model::Expr;

/// Index of the first top-level word equal to one of `kws` at or after `from`.
fn find_kw(tokens: &[Token], from: usize, kws: &[&str]) -> Option<usize> {
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate().skip(from) {
        match t.tok {
            Tok::LParen | Tok::LBracket => depth += 1,
            Tok::RParen | Tok::RBracket => depth -= 1,
            _ if depth <= 0 && kws.iter().any(|k| t.is_kw(k)) => return Some(i),
            _ => {}
        }
    }
    None
}

/// The data model named after `datamodel` (`=X`, `:X`, `:"X"`, ` X`).
fn datamodel_name(tokens: &[Token]) -> Option<String> {
    let at = tokens.iter().position(|t| {
        t.word()
            .is_some_and(|w| w.to_ascii_lowercase().starts_with("datamodel"))
    })?;
    let word = tokens[at].word().unwrap_or_default();
    let glued = word["datamodel".len()..].trim_start_matches(':');
    if !glued.is_empty() {
        return Some(glued.to_string());
    }
    tokens[at + 1..]
        .iter()
        .find(|t| !matches!(t.tok, Tok::Cmp(_)))
        .and_then(Token::text)
        .map(str::to_string)
}

/// `tstats` and `mstats` arguments (after the command name).
pub fn tstats(args: &[Token], an: &mut Analysis) -> Option<Expr> {
    let from = find_kw(args, 0, &["from"]);
    let where_at = find_kw(args, from.unwrap_or(0), &["where"]);
    let head_end = from.or(where_at).unwrap_or(args.len());
    an.fields.aggregations(&args[..head_end]);
    if let Some(from) = from {
        let end = where_at.unwrap_or(args.len());
        match datamodel_name(&args[from..end]) {
            Some(dm) => an.source("datamodel", &dm, false),
            None => an.note("tstats `from` without a data model is not interpreted".to_string()),
        }
    }
    let where_at = where_at?;
    let end = find_kw(args, where_at + 1, &["by", "groupby"]).unwrap_or(args.len());
    parse_terms(&args[where_at + 1..end], an, Mode::Tstats, false)
}

/// `from datamodel:"Endpoint.Processes"` (the data model is a selector).
pub fn from(args: &[Token], an: &mut Analysis) {
    match datamodel_name(args) {
        Some(dm) => an.source("datamodel", &dm, false),
        None => an.note("`from` without a data model is not interpreted".to_string()),
    }
}

/// `datamodel Endpoint Processes search`: data model and dataset.
pub fn datamodel(args: &[Token], an: &mut Analysis) {
    let words: Vec<&str> = args
        .iter()
        .filter_map(Token::text)
        .filter(|w| !matches!(w.to_ascii_lowercase().as_str(), "search" | "flat"))
        .collect();
    match words.as_slice() {
        [] => an.note("`datamodel` without a name is not interpreted".to_string()),
        [model] => an.source("datamodel", model, false),
        [model, dataset, ..] => an.source("datamodel", &format!("{model}.{dataset}"), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::splunk::lexer::lex;
    use crate::model::Rule;

    #[test]
    fn datamodel_where_and_aggregations() {
        let mut an = Analysis::default();
        let text = r#"summariesonly=true count min(_time) as firstTime values(Processes.x) as x FROM datamodel=Endpoint.Processes where nodename=Processes.proc Processes.process_name=cmd.exe NOT Processes.user IN ("a") by Processes.dest span=1h"#;
        let e = tstats(&lex(text).tokens, &mut an);
        let mut rule = Rule::default();
        rule.set_logic(e.unwrap());
        assert_eq!(rule.predicates.len(), 1);
        assert_eq!(rule.predicates[0].field, "Processes.process_name");
        assert_eq!(rule.exclusions[0].field, "Processes.user");
        let kinds: Vec<_> = an
            .sources
            .iter()
            .map(|s| (s.kind.as_str(), s.value.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("datamodel", "Endpoint.Processes"),
                ("nodename", "Processes.proc")
            ]
        );
        assert!(an.fields.is_computed("firstTime") && an.fields.is_computed("count"));
        assert!(!an.fields.is_computed("Processes.dest"));
    }

    #[test]
    fn other_datamodel_spellings() {
        let mut an = Analysis::default();
        from(&lex(r#"datamodel:"Endpoint.Registry""#).tokens, &mut an);
        datamodel(&lex("Network_Resolution DNS search").tokens, &mut an);
        tstats(&lex("count where").tokens, &mut an);
        tstats(&lex("from").tokens, &mut an);
        let values: Vec<_> = an.sources.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(values, ["Endpoint.Registry", "Network_Resolution.DNS"]);
    }
}

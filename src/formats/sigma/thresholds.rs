//! Conditions on computed values, kept apart from event filters: Sigma
//! correlation rules (`correlation:` with `group-by`, `timespan` and a count
//! condition) and the legacy aggregation after `|` in a condition.

use super::yaml::Node;
use crate::model::{DataSource, Op, Predicate};

/// What a correlation block yields.
#[derive(Debug, Default)]
pub struct Correlation {
    pub thresholds: Vec<Predicate>,
    /// The rules it correlates, as `correlation.rule` selectors.
    pub sources: Vec<DataSource>,
    pub notes: Vec<String>,
}

/// Reads a `correlation:` block: type, count condition, group-by, timespan.
pub fn correlation(block: &Node) -> Correlation {
    let mut out = Correlation::default();
    let kind = block.get("type").and_then(Node::scalar_text);
    if let Some(kind) = &kind {
        out.thresholds
            .push(Predicate::new("type", Op::Eq, kind.clone()));
    }
    if let Some(condition) = block.get("condition").and_then(Node::as_map) {
        let counted = condition
            .iter()
            .find(|(k, _)| k.text == "field")
            .and_then(|(_, v)| v.scalar_text());
        let field = match (&kind, counted) {
            (_, Some(f)) => format!("{}({f})", kind.as_deref().unwrap_or("count")),
            _ => "count".to_string(),
        };
        for (key, value) in condition {
            if key.text == "field" {
                continue;
            }
            match (compare_op(&key.text), value.scalar_text()) {
                (Some(op), Some(v)) => out.thresholds.push(Predicate::new(field.clone(), op, v)),
                _ => out.notes.push(format!(
                    "correlation condition '{}' is not a count comparison; kept as written in the query",
                    key.text
                )),
            }
        }
    }
    for field in block.get("group-by").map(Node::texts).unwrap_or_default() {
        out.thresholds
            .push(Predicate::new("group-by", Op::Eq, field));
    }
    let span = block.get("timespan").or_else(|| block.get("timeframe"));
    out.thresholds
        .extend(timespan(span.and_then(Node::scalar_text)));
    out.sources = block
        .get("rules")
        .map(Node::texts)
        .unwrap_or_default()
        .into_iter()
        .map(|value| DataSource {
            kind: "correlation.rule".to_string(),
            value,
        })
        .collect();
    out
}

fn compare_op(name: &str) -> Option<Op> {
    Some(match name {
        "gt" => Op::Gt,
        "gte" => Op::Gte,
        "lt" => Op::Lt,
        "lte" => Op::Lte,
        "eq" => Op::Eq,
        _ => return None,
    })
}

/// A `timespan`/`timeframe` threshold, if there is a value.
pub fn timespan(value: Option<String>) -> Option<Predicate> {
    value.map(|v| Predicate::new("timespan", Op::Eq, v))
}

/// Reads a legacy aggregation such as `count(User) by Host > 5`; what cannot
/// be read comes back as a note instead.
pub fn aggregation(text: &str) -> (Vec<Predicate>, Option<String>) {
    let unreadable = || {
        (
            Vec::new(),
            Some(format!(
                "aggregation '{text}' not understood; kept in the query text"
            )),
        )
    };
    let Some(cmp_at) = text.find(['>', '<', '=']) else {
        return unreadable();
    };
    let (head, tail) = text.split_at(cmp_at);
    let op_len = if tail[1..].starts_with('=') { 2 } else { 1 };
    let op = match &tail[..op_len] {
        ">" => Op::Gt,
        ">=" => Op::Gte,
        "<" => Op::Lt,
        "<=" => Op::Lte,
        "=" | "==" => Op::Eq,
        _ => return unreadable(),
    };
    let value = tail[op_len..].trim();
    let (function, group) = match head.find(" by ") {
        Some(i) => (head[..i].trim(), Some(head[i + 4..].trim())),
        None => (head.trim(), None),
    };
    if value.is_empty() || function.is_empty() {
        return unreadable();
    }
    let field = function.strip_suffix("()").unwrap_or(function);
    let mut found = vec![Predicate::new(field, op, value)];
    found.extend(group.map(|g| Predicate::new("group-by", Op::Eq, g)));
    (found, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::sigma::yaml;

    fn triple(p: &Predicate) -> (&str, Op, &str) {
        (&p.field, p.op, &p.value)
    }

    #[test]
    fn correlation_blocks_become_thresholds_and_sources() {
        let docs = yaml::load(
            "c.yml",
            "type: value_count\nrules: [a, b]\ngroup-by: [Host]\ntimespan: 1h\ncondition:\n  gte: 10\n  field: User\n",
        )
        .unwrap();
        let c = correlation(docs[0].root.as_ref().unwrap());
        let t: Vec<_> = c.thresholds.iter().map(triple).collect();
        assert_eq!(
            t,
            [
                ("type", Op::Eq, "value_count"),
                ("value_count(User)", Op::Gte, "10"),
                ("group-by", Op::Eq, "Host"),
                ("timespan", Op::Eq, "1h"),
            ]
        );
        assert_eq!(c.sources.len(), 2);
        assert_eq!(c.sources[0].kind, "correlation.rule");
    }

    #[test]
    fn legacy_aggregations() {
        let (t, note) = aggregation("count() by SourceIp >= 30");
        let t: Vec<_> = t.iter().map(triple).collect();
        assert_eq!(
            t,
            [("count", Op::Gte, "30"), ("group-by", Op::Eq, "SourceIp")]
        );
        assert!(note.is_none());
        let (t, note) = aggregation("near a and b");
        assert!(t.is_empty() && note.is_some());
    }
}

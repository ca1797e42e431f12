//! A Sigma `detection:` (or filter) block turned into an [`Expr`]: named
//! selections (maps are AND of fields, lists are OR, bare values are keyword
//! searches) combined by the condition.

use super::condition::{self, Cond};
use super::modifiers::{FieldSpec, Modifier};
use super::thresholds;
use super::yaml::{Key, Node, Value};
use crate::model::{Expr, ParseError, Predicate};

/// What a detection block yields: the logic, thresholds from a legacy
/// aggregation (`| count() by x > 5`, `timeframe`), and notes.
#[derive(Debug, Default)]
pub struct Detection {
    pub expr: Option<Expr>,
    pub thresholds: Vec<Predicate>,
    pub notes: Vec<String>,
}

/// Builds the logic of a detection block; keys in `skip` are not selections
/// (a filter's `rules`).
pub fn build(path: &str, block: &Node, skip: &[&str]) -> Result<Detection, ParseError> {
    let entries = block.as_map().ok_or_else(|| {
        block.error(
            path,
            "the detection block must be a map of selections plus a condition",
        )
    })?;
    let mut detection = Detection::default();
    let mut selections: Vec<(&str, Expr)> = Vec::new();
    let mut conditions: Vec<&Node> = Vec::new();
    for (key, node) in entries {
        match key.text.as_str() {
            "condition" => conditions = condition_nodes(path, node)?,
            "timeframe" => detection
                .thresholds
                .extend(thresholds::timespan(node.scalar_text())),
            name if skip.contains(&name) => {}
            name => selections.push((name, selection(path, key, node, 0)?)),
        }
    }
    if conditions.is_empty() {
        return Err(block.error(
            path,
            "the detection block has no 'condition' (e.g. 'condition: selection')",
        ));
    }
    if selections.is_empty() {
        return Err(block.error(path, "the detection block defines no selection"));
    }
    let mut exprs = Vec::new();
    for node in conditions {
        let text = node.scalar_text().unwrap_or_default();
        let (boolean, aggregation) = condition::split_aggregation(&text);
        let parsed =
            condition::parse(boolean).map_err(|e| condition_error(path, node, &text, e))?;
        exprs.push(
            resolve(&parsed, &selections).map_err(|e| condition_error(path, node, &text, e))?,
        );
        if let Some(agg) = aggregation {
            let (found, note) = thresholds::aggregation(agg);
            detection.thresholds.extend(found);
            detection.notes.extend(note);
        }
    }
    detection.expr = Some(one_or(exprs, Expr::Or));
    Ok(detection)
}

fn condition_nodes<'a>(path: &str, node: &'a Node) -> Result<Vec<&'a Node>, ParseError> {
    let nodes: Vec<&Node> = match &node.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![node],
    };
    for n in &nodes {
        if !matches!(n.value, Value::Str(_)) {
            return Err(n.error(
                path,
                "a condition must be text such as 'selection and not filter'",
            ));
        }
    }
    Ok(nodes)
}

fn condition_error(path: &str, node: &Node, text: &str, e: condition::CondError) -> ParseError {
    let single_line = !text.contains('\n');
    let column = if single_line {
        node.column + e.offset as u32
    } else {
        node.column
    };
    ParseError::new(
        path,
        format!(
            "condition '{}': {} (at character {})",
            text.trim(),
            e.reason,
            e.offset + 1
        ),
    )
    .at(node.line, column)
}

/// Replaces selection names and selectors with the selections' logic.
fn resolve(cond: &Cond, selections: &[(&str, Expr)]) -> Result<Expr, condition::CondError> {
    Ok(match cond {
        Cond::And(items) => Expr::And(resolve_all(items, selections)?),
        Cond::Or(items) => Expr::Or(resolve_all(items, selections)?),
        Cond::Not(inner) => Expr::Not(Box::new(resolve(inner, selections)?)),
        Cond::Ident(name, offset) => selections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e.clone())
            .ok_or_else(|| condition::CondError {
                offset: *offset,
                reason: format!(
                    "unknown selection '{name}' (defined: {})",
                    selections
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?,
        Cond::Of {
            all,
            pattern,
            offset,
        } => {
            let picked: Vec<Expr> = selections
                .iter()
                .filter(|(n, _)| condition::pattern_matches(pattern, n))
                .map(|(_, e)| e.clone())
                .collect();
            if picked.is_empty() {
                return Err(condition::CondError {
                    offset: *offset,
                    reason: format!("'{pattern}' matches no selection"),
                });
            }
            one_or(picked, if *all { Expr::And } else { Expr::Or })
        }
    })
}

fn resolve_all(
    items: &[Cond],
    selections: &[(&str, Expr)],
) -> Result<Vec<Expr>, condition::CondError> {
    items.iter().map(|c| resolve(c, selections)).collect()
}

fn one_or(mut items: Vec<Expr>, make: fn(Vec<Expr>) -> Expr) -> Expr {
    if items.len() == 1 {
        items.remove(0)
    } else {
        make(items)
    }
}

/// One selection: a map (AND of its fields), a list (OR of its elements; a
/// list of plain values is one keyword search) or a single keyword value.
fn selection(path: &str, name: &Key, node: &Node, depth: usize) -> Result<Expr, ParseError> {
    if depth > 16 {
        return Err(node.error(
            path,
            format!("selection '{}' nests lists too deeply", name.text),
        ));
    }
    match &node.value {
        Value::Map(entries) if !entries.is_empty() => Ok(one_or(
            entries
                .iter()
                .map(|(key, value)| item(path, key, value))
                .collect::<Result<_, _>>()?,
            Expr::And,
        )),
        Value::Seq(items) if !items.is_empty() => {
            if items.iter().all(is_plain) {
                item(path, &keyword_key(name), node)
            } else {
                Ok(one_or(
                    items
                        .iter()
                        .map(|i| selection(path, name, i, depth + 1))
                        .collect::<Result<_, _>>()?,
                    Expr::Or,
                ))
            }
        }
        Value::Map(_) | Value::Seq(_) => {
            Err(node.error(path, format!("selection '{}' is empty", name.text)))
        }
        Value::Null => Err(node.error(
            path,
            format!(
                "selection '{}' is null: a null value must be bound to a field ('Field: null')",
                name.text
            ),
        )),
        _ => item(path, &keyword_key(name), node),
    }
}

fn keyword_key(name: &Key) -> Key {
    Key {
        text: String::new(),
        line: name.line,
        column: name.column,
    }
}

fn is_text(node: &Node) -> bool {
    matches!(node.value, Value::Str(_))
}

fn is_plain(node: &Node) -> bool {
    !matches!(node.value, Value::Seq(_) | Value::Map(_))
}

/// One `field|modifiers: value(s)` entry: one predicate per value, OR-ed
/// (AND-ed with `|all`), negated with `|neq`.
fn item(path: &str, key: &Key, node: &Node) -> Result<Expr, ParseError> {
    let spec = FieldSpec::parse(&key.text)
        .map_err(|reason| ParseError::new(path, reason).at(key.line, key.column))?;
    let values: Vec<(Option<String>, bool)> = match &node.value {
        Value::Seq(items) if items.is_empty() => vec![(None, true)],
        Value::Seq(items) => items
            .iter()
            .map(|i| {
                if is_plain(i) {
                    Ok((i.scalar_text(), is_text(i)))
                } else {
                    Err(i.error(
                        path,
                        format!(
                            "the values of '{}' must be plain values, not lists or maps",
                            key.text
                        ),
                    ))
                }
            })
            .collect::<Result<_, _>>()?,
        Value::Map(_) => {
            return Err(node.error(
                path,
                format!(
                    "the value of '{}' is a map; expected a value or a list of values",
                    key.text
                ),
            ))
        }
        _ => vec![(node.scalar_text(), is_text(node))],
    };
    let predicates: Vec<Expr> = values
        .iter()
        .map(|(v, text)| {
            let (op, value) = spec.apply(v.as_deref(), *text);
            Expr::Pred(
                Predicate::new(spec.field.clone(), op, value).with_modifiers(spec.names.clone()),
            )
        })
        .collect();
    let linked = one_or(
        predicates,
        if spec.has(Modifier::All) {
            Expr::And
        } else {
            Expr::Or
        },
    );
    Ok(if spec.has(Modifier::Neq) {
        Expr::Not(Box::new(linked))
    } else {
        linked
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::sigma::yaml;
    use crate::model::{Op, Rule};

    fn rule_of(detection: &str) -> Result<Rule, ParseError> {
        let docs = yaml::load("t.yml", detection).unwrap();
        let root = docs[0].root.clone().unwrap();
        let built = build("t.yml", &root, &[])?;
        let mut rule = Rule::default();
        rule.set_logic(built.expr.unwrap());
        Ok(rule)
    }

    fn keys(preds: &[Predicate]) -> Vec<(String, Op, String)> {
        preds
            .iter()
            .map(|p| (p.field.clone(), p.op, p.value.clone()))
            .collect()
    }

    fn k(field: &str, op: Op, value: &str) -> (String, Op, String) {
        (field.to_string(), op, value.to_string())
    }

    #[test]
    fn filters_under_not_are_exclusions() {
        let rule = rule_of(
            "sel:\n  Image|endswith: '\\x.exe'\nfilter_a:\n  User: SYSTEM\nfilter_b:\n  P: null\ncondition: sel and not 1 of filter_*\n",
        )
        .unwrap();
        assert_eq!(
            keys(&rule.predicates),
            [k("Image", Op::Wildcard, "*\\x.exe")]
        );
        assert_eq!(
            keys(&rule.exclusions),
            [k("User", Op::Eq, "SYSTEM"), k("P", Op::Exists, "false")]
        );
    }

    #[test]
    fn keyword_lists_all_and_lists_of_maps() {
        let rule = rule_of(
            "kw:\n  - evil\n  - 'bad*'\nsel:\n  C|contains|all: [a, b]\nalt:\n  - A: 1\n  - B: 2\ncondition: all of them\n",
        )
        .unwrap();
        assert_eq!(
            keys(&rule.predicates),
            [
                k("", Op::Wildcard, "*evil*"),
                k("", Op::Wildcard, "*bad*"),
                k("C", Op::Wildcard, "*a*"),
                k("C", Op::Wildcard, "*b*"),
                k("A", Op::Eq, "1"),
                k("B", Op::Eq, "2"),
            ]
        );
        assert!(matches!(rule.logic, Some(crate::model::Logic::And(ref v)) if v.len() == 3));
    }

    #[test]
    fn double_negation_is_positive_and_neq_negates() {
        let rule = rule_of("a:\n  X: 1\nb:\n  Y|neq: 2\ncondition: not not a and b\n").unwrap();
        assert_eq!(keys(&rule.predicates), [k("X", Op::Eq, "1")]);
        assert_eq!(keys(&rule.exclusions), [k("Y", Op::Eq, "2")]);
    }

    #[test]
    fn condition_errors_point_into_the_condition() {
        let err = rule_of("sel:\n  X: 1\ncondition: sel and filter\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(3), Some(20)));
        assert!(
            err.reason.contains("unknown selection 'filter'"),
            "{}",
            err.reason
        );
        let err = rule_of("sel:\n  X: 1\ncondition: 1 of filter_*\n").unwrap_err();
        assert!(
            err.reason.contains("matches no selection"),
            "{}",
            err.reason
        );
        let err = rule_of("sel:\n  X|nope: 1\ncondition: sel\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(rule_of("sel:\n  X: 1\n").is_err());
    }

    #[test]
    fn condition_lists_are_or_and_aggregations_become_thresholds() {
        let docs = yaml::load(
            "t.yml",
            "a:\n  X: 1\nb:\n  Y: 2\ntimeframe: 5m\ncondition:\n  - a\n  - b | count(Z) by H > 3\n",
        )
        .unwrap();
        let built = build("t.yml", docs[0].root.as_ref().unwrap(), &[]).unwrap();
        assert!(matches!(built.expr, Some(Expr::Or(ref v)) if v.len() == 2));
        let t: Vec<_> = keys(&built.thresholds);
        assert_eq!(
            t,
            [
                k("timespan", Op::Eq, "5m"),
                k("count(Z)", Op::Gt, "3"),
                k("group-by", Op::Eq, "H"),
            ]
        );
    }
}

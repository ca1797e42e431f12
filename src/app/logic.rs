//! A rule's logic as a readable tree: `all of` / `any of` / `not` with the
//! predicates and exclusions it indexes into, each as text.

use crate::model::{Logic, Predicate, Rule};
use yew::prelude::*;

/// Deeper trees are cut with a note instead of rendered.
const MAX_DEPTH: usize = 48;

/// A predicate as one line: `field op value`.
pub fn predicate_line(p: &Predicate) -> Html {
    let field = if p.field.is_empty() {
        "(keyword)"
    } else {
        &p.field
    };
    html! {
        <span class="pred">
            <code class="field">{ field.to_string() }</code>{" "}
            <span class="op">{ p.op.key() }</span>{" "}
            <code class="value">{ p.value.clone() }</code>
        </span>
    }
}

fn node(rule: &Rule, logic: &Logic, depth: usize) -> Html {
    if depth > MAX_DEPTH {
        return html! { <li class="note">{ "… (nested too deeply to show)" }</li> };
    }
    let group = |label: &str, class: &str, items: &[Logic]| {
        html! {
            <li class={classes!("group", class.to_string())}>
                <span class="conn">{ label.to_string() }</span>
                <ul>{ for items.iter().map(|l| node(rule, l, depth + 1)) }</ul>
            </li>
        }
    };
    match logic {
        Logic::And(items) if items.len() == 1 => node(rule, &items[0], depth + 1),
        Logic::Or(items) if items.len() == 1 => node(rule, &items[0], depth + 1),
        Logic::And(items) => group("all of", "and", items),
        Logic::Or(items) => group("any of", "or", items),
        Logic::Not(inner) => group("not", "not", std::slice::from_ref(inner)),
        Logic::Pred(i) => leaf(rule.predicates.get(*i as usize), "pred-leaf"),
        Logic::Excl(i) => leaf(rule.exclusions.get(*i as usize), "excl-leaf"),
        Logic::Opaque(text) => html! {
            <li class="opaque" title="Kept as written: not turned into predicates"><code>{ text.clone() }</code></li>
        },
    }
}

fn leaf(p: Option<&Predicate>, class: &str) -> Html {
    match p {
        Some(p) => html! { <li class={class.to_string()}>{ predicate_line(p) }</li> },
        None => html! { <li class="note">{ "(missing predicate)" }</li> },
    }
}

/// The whole tree, or nothing when the rule has no logic.
pub fn logic_tree(rule: &Rule) -> Html {
    match &rule.logic {
        Some(l) => html! { <ul class="logic">{ node(rule, l, 0) }</ul> },
        None => html! {},
    }
}

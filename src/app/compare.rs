//! "Compare my rule" on a local rule's page: what the catalog's
//! [`compare_rule`] finds, as lists. Public rules get no such section.

use super::nav::AppLink;
use super::state::use_ctx;
use crate::catalog::{compare_rule, KeyView, Lack, Route, Verdict, View};
use yew::prelude::*;

/// How many of a technique's most used indicators and exclusions are
/// checked against the rule.
const TOP: usize = 10;

/// Properties of [`CompareRule`].
#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// The rule's index in the catalog.
    pub index: u32,
}

/// `field op value`, as text.
fn key_text(k: &KeyView) -> Html {
    html! {
        <>
            <code class="field">{ k.field.clone() }</code>{" "}
            <span class="op">{ k.op.key() }</span>{" "}
            <code class="value">{ k.value.clone() }</code>
        </>
    }
}

fn lack_list(lacks: &[Lack], what: &str, testid: &str) -> Html {
    if lacks.is_empty() {
        return html! { <p class="muted">{ format!("It has every one of the technique's top {what}.") }</p> };
    }
    let items = lacks.iter().map(|l| {
        html! {
            <li data-testid={testid.to_string()}>
                { key_text(&l.key) }
                <span class="muted">{ format!(" · in {} of its rules", l.rules) }</span>
            </li>
        }
    });
    html! { <ul class="compare-list">{ for items }</ul> }
}

/// The comparison section; nothing for a rule that is not local.
#[component]
pub fn CompareRule(props: &CompareProps) -> Html {
    let ctx = use_ctx();
    let comparison = {
        let ctx = ctx.clone();
        use_memo((ctx.clone(), props.index), move |(_, i)| {
            compare_rule(&ctx.cat, *i, TOP)
        })
    };
    let local = ctx.cat.rule(props.index).is_some_and(|r| r.local);
    let Some(c) = comparison.as_ref().as_ref().filter(|_| local) else {
        return html! {};
    };
    let techniques = c.techniques.iter().map(|gap| {
        let to = Route::Technique {
            id: gap.technique.clone(),
            view: View::default(),
        };
        html! {
            <div class="compare-technique">
                <h3><AppLink {to}><span class="tid">{ gap.technique.clone() }</span></AppLink>
                    <span class="count">{ format!(" ({} public rules)", gap.peers) }</span></h3>
                <h4>{ "Top indicators it lacks" }</h4>
                { lack_list(&gap.indicators, "indicators", "lacks-indicator") }
                <h4>{ "Top exclusions it lacks" }</h4>
                { lack_list(&gap.exclusions, "exclusions", "lacks-exclusion") }
            </div>
        }
    });
    let own = c.own.iter().map(|o| {
        let (class, label) = match o.verdict {
            Verdict::Rare => ("rare", "rare"),
            Verdict::Common => ("common", "common"),
            Verdict::Noisy => ("noisy", "noisy"),
        };
        html! {
            <li data-testid="own-indicator" data-verdict={label}>
                <span class={classes!("verdict", class)}>{ label }</span>{" "}
                { key_text(&o.key) }
                <span class="muted">{ format!(" · reach {}", o.reach) }</span>
            </li>
        }
    });
    html! {
        <section class="card compare" aria-labelledby="compare-h" data-testid="compare">
            <h2 id="compare-h">{ "Compare my rule" }</h2>
            <p class="hint">{ format!(
                "Against the public rules of its techniques. Reach is how many public rules check the same indicator: rare at 0 or 1, noisy from {}.",
                c.noisy_from
            ) }</p>
            { for techniques }
            if !c.own.is_empty() {
                <h3>{ "Its own indicators" }</h3>
                <ul class="compare-list">{ for own }</ul>
            }
        </section>
    }
}

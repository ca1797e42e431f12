//! `#/technique/T1059.001`: a technique's ATT&CK header and description,
//! the filter bar, and the authoring guide computed for the current filter.

use super::export::LayerButton;
use super::guide::{FieldsTable, RuleList, ValueKind, ValueTable, VendorComparison};
use super::nav::AppLink;
use super::prose::{Description, References};
use super::state::use_ctx;
use super::widgets::{outbound, plural, vendor_badge, FilterBar};
use crate::catalog::{technique_guide, Catalog, Route, View};
use crate::model::Technique;
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`TechniquePage`].
#[derive(Properties, PartialEq)]
pub struct TechniqueProps {
    pub id: String,
    pub view: View,
}

/// A link to a technique page, keeping the view.
fn technique_link(cat: &Catalog, id: &str, view: &View, with_name: bool) -> Html {
    let name = cat
        .technique(id)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let to = Route::Technique {
        id: id.to_string(),
        view: view.clone(),
    };
    html! {
        <AppLink {to} class="tech-link" title={(!with_name).then(|| AttrValue::from(name.clone()))}>
            <span class="tid">{ id.to_string() }</span>
            if with_name && !name.is_empty() { {" "}{ name } }
        </AppLink>
    }
}

/// Tactic shortnames as their matrix names.
fn tactic_names(cat: &Catalog, shortnames: &[String]) -> Vec<String> {
    shortnames
        .iter()
        .map(|s| {
            cat.data()
                .tactics
                .iter()
                .find(|t| &t.shortname == s)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| s.clone())
        })
        .collect()
}

/// The ATT&CK facts above the guide.
fn header(cat: &Catalog, t: &Technique, view: &View) -> Html {
    let tactics = tactic_names(cat, &t.tactics);
    let subs = t
        .subtechniques
        .iter()
        .map(|s| html! { <li>{ technique_link(cat, s, view, true) }</li> });
    html! {
        <header class="tech-head">
            <nav class="crumbs" aria-label="Breadcrumb">
                <AppLink to={Route::Index(View { rollup: false, ..view.clone() })}>{ "Techniques" }</AppLink>
                if let Some(parent) = &t.parent {
                    <span aria-hidden="true">{ " › " }</span>{ technique_link(cat, parent, view, true) }
                }
            </nav>
            <h1><span class="tid">{ &t.id }</span>{" "}{ &t.name }
                if t.is_retired() { {" "}<span class="badge warn">{ if t.revoked { "revoked" } else { "deprecated" } }</span> }
            </h1>
            <dl class="facts">
                <div><dt>{ "Tactics" }</dt><dd>{ for tactics.iter().map(|n| html! { <span class="tag">{ n }</span> }) }</dd></div>
                if !t.platforms.is_empty() {
                    <div><dt>{ "Platforms" }</dt><dd>{ for t.platforms.iter().map(|p| html! { <span class="tag">{ p }</span> }) }</dd></div>
                }
                <div><dt>{ "ATT&CK" }</dt><dd>{ outbound(&t.url, html! { { format!("{} on attack.mitre.org", t.id) } }) }</dd></div>
            </dl>
            if !t.subtechniques.is_empty() {
                <div class="subs"><h2 class="mini">{ "Sub-techniques" }</h2><ul class="chips">{ for subs }</ul></div>
            }
        </header>
    }
}

/// ATT&CK v18 detection strategies and their analytics, folded.
fn strategies(t: &Technique) -> Html {
    if t.detection_strategies.is_empty() {
        return html! {};
    }
    let items = t.detection_strategies.iter().map(|d| {
        let analytics = d.analytics.iter().map(|a| {
            html! {
                <li>
                    <span class="tid">{ &a.id }</span>{" "}{ &a.name }{" "}
                    { for a.platforms.iter().map(|p| html! { <span class="tag">{ p }</span> }) }
                    if !a.description.is_empty() { <p class="muted analytic">{ &a.description }</p> }
                </li>
            }
        });
        html! {
            <li>
                <strong><span class="tid">{ &d.id }</span>{" "}{ &d.name }</strong>
                <ul class="analytics">{ for analytics }</ul>
            </li>
        }
    });
    html! {
        <details class="strategies" key={t.id.clone()}>
            <summary>{ format!("ATT&CK detection strategies ({})", t.detection_strategies.len()) }</summary>
            <ul class="plain">{ for items }</ul>
        </details>
    }
}

/// The technique page.
#[component]
pub fn TechniquePage(props: &TechniqueProps) -> Html {
    let ctx = use_ctx();
    let guide = {
        let ctx = ctx.clone();
        use_memo(
            (
                ctx.clone(),
                props.id.clone(),
                props.view.filter.clone(),
                props.view.rollup,
            ),
            move |(_, id, filter, rollup)| {
                let reach = ctx.reach(filter);
                technique_guide(&ctx.cat, id, filter, *rollup, &reach).map(Rc::new)
            },
        )
    };
    let technique = ctx.cat.technique(&props.id);
    let route = Route::Technique {
        id: props.id.clone(),
        view: props.view.clone(),
    };
    let Some(guide) = (*guide).clone() else {
        return html! {
            <section class="page">
                <h1>{ format!("No technique {}", props.id) }</h1>
                <p>{ "This ID is not in the ATT&CK catalogue of this build and no rule is tagged with it." }</p>
                <p><AppLink to={Route::Index(View::default())}>{ "Back to the technique index" }</AppLink></p>
            </section>
        };
    };
    let has_subs = technique.is_some_and(|t| !t.subtechniques.is_empty());
    let view = props.view.clone();
    html! {
        <article class="page technique-page">
            { technique.map(|t| header(&ctx.cat, t, &view)).unwrap_or_else(|| html! {
                <header class="tech-head"><h1><span class="tid">{ &guide.technique.id }</span></h1>
                <p class="muted">{ "Not in the ATT&CK catalogue of this build; shown because rules are tagged with it." }</p></header>
            }) }
            if let Some(t) = technique {
                <Description key={t.id.clone()} text={t.description.clone()} />
                { strategies(t) }
            }
            <div class="toolbar sticky">
                <FilterBar route={route} rollup={has_subs} />
            </div>
            <p class="stats">
                <strong class="big" data-testid="rule-count">{ guide.rules }</strong>
                { if guide.rules == 1 { " rule" } else { " rules" } }
                if view.rollup && has_subs { <span class="muted">{ " (sub-techniques rolled up)" }</span> }
                { for guide.by_vendor.iter().map(|(v, n)| html! {
                    <span class="stat">{ vendor_badge(*v) }{" "}{ plural(*n as usize, "rule", "rules") }</span>
                }) }
            </p>
            <div class="exports coverage-export">
                <span class="muted">{ "Coverage of every technique under this filter" }</span>
                <LayerButton filter={view.filter.clone()} />
            </div>
            <FieldsTable guide={guide.clone()} view={view.clone()} />
            <VendorComparison guide={guide.clone()} view={view.clone()} />
            <ValueTable guide={guide.clone()} view={view.clone()} kind={ValueKind::Indicators} />
            <ValueTable guide={guide.clone()} view={view.clone()} kind={ValueKind::Exclusions} />
            <div class="pair">
                <ValueTable guide={guide.clone()} view={view.clone()} kind={ValueKind::DataSources} />
                <ValueTable guide={guide.clone()} view={view.clone()} kind={ValueKind::Thresholds} />
            </div>
            <RuleList guide={guide.clone()} view={view.clone()} />
            if let Some(t) = technique {
                <References citations={t.citations.clone()} />
            }
        </article>
    }
}

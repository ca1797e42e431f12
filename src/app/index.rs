//! `#/`: every ATT&CK technique with its rule counts, searchable by id or
//! name, filtered by vendor; the way into the technique pages.

use super::nav::{go, replace, AppLink};
use super::state::use_ctx;
use super::widgets::{use_page, FilterBar, ShowMore};
use crate::catalog::{technique_counts, technique_id_in, Route, TechniqueCount, View};
use crate::model::Vendor;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Properties of [`IndexPage`].
#[derive(Properties, PartialEq)]
pub struct IndexProps {
    pub view: View,
}

/// The technique index.
#[component]
pub fn IndexPage(props: &IndexProps) -> Html {
    let ctx = use_ctx();
    let view = props.view.clone();
    let counts = {
        let ctx = ctx.clone();
        use_memo(
            (ctx.clone(), view.filter.clone(), view.search.clone()),
            move |(_, f, q)| technique_counts(&ctx.cat, f, q),
        )
    };
    let shown = use_page();
    let vendors: Vec<Vendor> = Vendor::ALL
        .into_iter()
        .filter(|v| counts.iter().any(|c| c.by_vendor.contains_key(v)))
        .collect();
    let rows: Vec<&TechniqueCount> = counts
        .iter()
        .filter(|c| !view.covered || c.with_subtechniques > 0)
        .collect();
    let covered = rows.iter().filter(|c| c.with_subtechniques > 0).count();

    let oninput = {
        let view = view.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            replace(&Route::Index(View {
                search: input.value(),
                ..view.clone()
            }));
        })
    };
    let onsubmit = {
        let view = view.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(id) = technique_id_in(&view.search) {
                go(&Route::Technique {
                    id,
                    view: View {
                        search: String::new(),
                        ..view.clone()
                    },
                });
            }
        })
    };
    let toggle_covered = {
        let view = view.clone();
        Callback::from(move |_: Event| {
            go(&Route::Index(View {
                covered: !view.covered,
                ..view.clone()
            }))
        })
    };
    let page_view = View {
        search: String::new(),
        covered: false,
        ..view.clone()
    };
    let body = rows.iter().take(*shown).map(|c| {
        let sub = c.id.contains('.');
        let to = Route::Technique {
            id: c.id.clone(),
            view: page_view.clone(),
        };
        let vendor_cells = vendors.iter().map(|v| {
            let n = c.by_vendor.get(v).copied().unwrap_or(0);
            html! { <td class={classes!("num", (n == 0).then_some("zero"))}>{ n }</td> }
        });
        html! {
            <tr class={classes!(sub.then_some("sub"), (c.with_subtechniques == 0).then_some("empty"))}>
                <td class="tid"><AppLink to={to.clone()}>{ &c.id }</AppLink></td>
                <td><AppLink to={to}>{ &c.name }</AppLink>
                    if c.retired { {" "}<span class="badge warn">{ "retired" }</span> }
                </td>
                <td class={classes!("num", (c.rules == 0).then_some("zero"))}>{ c.rules }</td>
                <td class={classes!("num", (c.with_subtechniques == 0).then_some("zero"))}>{ c.with_subtechniques }</td>
                { for vendor_cells }
            </tr>
        }
    });
    let route = Route::Index(view.clone());
    html! {
        <section class="page index-page">
            <h1>{ "ATT&CK techniques" }</h1>
            <p class="lead">{ "Pick a technique to see what detection rules under it filter on: fields, values and exclusions, across vendors." }</p>
            <form class="search" role="search" {onsubmit}>
                <label for="technique-search" class="visually-hidden">{ "Search techniques by ID or name" }</label>
                <input id="technique-search" type="search" placeholder="Search by ID or name, e.g. T1059.001 or PowerShell"
                    value={view.search.clone()} {oninput} autocomplete="off" />
            </form>
            <div class="toolbar">
                <FilterBar route={route} />
                <label class="check">
                    <input type="checkbox" checked={view.covered} onchange={toggle_covered} />
                    { "Only techniques with rules" }
                </label>
            </div>
            <p class="muted summary">{ format!("{} techniques, {covered} with rules", rows.len()) }</p>
            <div class="table-wrap">
                <table class="data index-table">
                    <thead><tr>
                        <th scope="col">{ "ID" }</th>
                        <th scope="col">{ "Technique" }</th>
                        <th scope="col" class="num" title="Rules tagged with the technique itself">{ "Rules" }</th>
                        <th scope="col" class="num" title="Rules tagged with the technique or one of its sub-techniques">{ "With subs" }</th>
                        { for vendors.iter().map(|v| html! { <th scope="col" class="num" title="Rules incl. sub-techniques">{ v.label() }</th> }) }
                    </tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
            <ShowMore shown={shown} total={rows.len()} noun="techniques" />
        </section>
    }
}

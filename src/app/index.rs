//! `#/`: the ATT&CK Enterprise matrix as a heat map of rule counts (tactics
//! as columns, sub-techniques folded under their technique, one vendor or
//! all) next to every technique as a searchable list; the way into the
//! technique pages.

use super::nav::{go, replace, AppLink};
use super::state::{use_ctx, Settled};
use super::widgets::{plural, use_page, FilterBar, ShowMore};
use crate::catalog::{
    matrix, technique_counts, technique_id_in, Filter, MatrixCell, Route, TechniqueCount, View,
};
use crate::model::Vendor;
use std::collections::HashSet;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Properties of [`IndexPage`].
#[derive(Properties, PartialEq)]
pub struct IndexProps {
    pub view: View,
}

/// The home page: filters, the matrix and the technique list.
#[component]
pub fn IndexPage(props: &IndexProps) -> Html {
    let view = &props.view;
    let route = Route::Index(view.clone());
    html! {
        <section class="page index-page">
            <h1>{ "ATT&CK techniques" }</h1>
            <p class="lead">{ "Pick a technique to see what detection rules under it filter on: fields, values and exclusions, across vendors." }</p>
            <div class="toolbar">
                <FilterBar route={route} />
            </div>
            <div class="home-grid">
                <Settled><MatrixPanel view={view.clone()} /></Settled>
                <TechniqueList view={view.clone()} />
            </div>
        </section>
    }
}

/// The filter a matrix cell's technique page opens with: the page's filter,
/// narrowed to the vendor whose heat the matrix shows.
fn cell_filter(view: &View) -> Filter {
    let mut filter = view.filter.clone();
    if let Some(v) = view.matrix_vendor {
        if filter.vendors.is_empty() || filter.vendors.contains(&v) {
            filter.vendors = vec![v];
        }
    }
    filter
}

/// The heat map with its vendor switch, legend and expand controls.
#[component]
fn MatrixPanel(props: &IndexProps) -> Html {
    let ctx = use_ctx();
    let view = props.view.clone();
    let m = {
        let ctx = ctx.clone();
        use_memo(
            (ctx.clone(), view.filter.clone(), view.matrix_vendor),
            move |(_, f, v)| matrix(&ctx.cat, f, *v),
        )
    };
    let expanded = use_state(HashSet::<String>::new);
    let present = ctx.cat.vendors();

    let switch_to = |vendor: Option<Vendor>| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| {
            go(&Route::Index(View {
                matrix_vendor: vendor,
                ..view.clone()
            }))
        })
    };
    let chip = |vendor: Option<Vendor>, label: &'static str| {
        let on = view.matrix_vendor == vendor;
        let class = classes!("chip", vendor.map(|v| format!("vendor-{}", v.key())));
        html! {
            <button type="button" {class} aria-pressed={on.to_string()} onclick={switch_to(vendor)}>{ label }</button>
        }
    };
    let expand_all = {
        let (expanded, m) = (expanded.clone(), m.clone());
        Callback::from(move |_: MouseEvent| {
            let ids = m.columns.iter().flat_map(|c| &c.cells);
            let ids = ids
                .filter(|c| !c.subtechniques.is_empty())
                .map(|c| c.id.clone());
            expanded.set(ids.collect());
        })
    };
    let collapse_all = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(HashSet::new()))
    };
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |id: String| {
            let mut next = (*expanded).clone();
            if !next.remove(&id) {
                next.insert(id);
            }
            expanded.set(next);
        })
    };

    let link_view = View {
        filter: cell_filter(&view),
        ..View::default()
    };
    let columns = m.columns.iter().map(|col| {
        let cells = col.cells.iter().map(|cell| {
            let open = expanded.contains(&cell.id);
            let subs_id = format!("subs-{}-{}", col.shortname, cell.id);
            let onclick = {
                let (toggle, id) = (toggle.clone(), cell.id.clone());
                Callback::from(move |_: MouseEvent| toggle.emit(id.clone()))
            };
            let n = cell.subtechniques.len();
            html! {
                <li class="mx-item" data-technique={cell.id.clone()}>
                    <div class="mx-row">
                        { cell_link(cell, &link_view, n > 0) }
                        if n > 0 {
                            <button type="button" class="mx-toggle" aria-expanded={open.to_string()}
                                aria-controls={subs_id.clone()}
                                aria-label={format!("{} sub-techniques of {}", n, cell.name)}
                                title={format!("{} sub-techniques", n)} {onclick}>
                                <span aria-hidden="true">{ n }</span>
                            </button>
                        }
                    </div>
                    if open {
                        <ul class="mx-subs" id={subs_id}>
                            { for cell.subtechniques.iter().map(|s| html! {
                                <li data-technique={s.id.clone()}>{ cell_link(s, &link_view, false) }</li>
                            }) }
                        </ul>
                    }
                </li>
            }
        });
        html! {
            <div class="mx-col" data-testid="matrix-column" data-tactic={col.shortname.clone()}>
                <h3 class="mx-tactic">
                    <span class="mx-tactic-name">{ &col.name }</span>
                    <span class="count">{ plural(col.cells.len(), "technique", "techniques") }</span>
                </h3>
                <ul class="mx-cells">{ for cells }</ul>
            </div>
        }
    });
    let legend = m.legend().into_iter().map(|b| {
        let text = if b.from == b.to {
            b.from.to_string()
        } else {
            format!("{}–{}", b.from, b.to)
        };
        html! { <li><span class={classes!("mx-swatch", format!("heat-{}", b.level))} aria-hidden="true"></span>{ text }</li> }
    });
    let vendor_label = view.matrix_vendor.map_or("All vendors", Vendor::label);
    html! {
        <section class="matrix-panel" aria-labelledby="matrix-title">
            <div class="matrix-head">
                <h2 id="matrix-title">{ "Enterprise matrix" }</h2>
                <div class="filter-bar" role="group" aria-label="Heat map vendor" data-testid="matrix-vendor">
                    <span class="filter-label">{ "Heat" }</span>
                    { chip(None, "All") }
                    { for present.iter().map(|&v| chip(Some(v), v.label())) }
                </div>
                <div class="mx-actions">
                    <button type="button" class="btn" onclick={expand_all}>{ "Expand all" }</button>
                    <button type="button" class="btn" onclick={collapse_all}>{ "Collapse all" }</button>
                </div>
            </div>
            <div class="mx-legend-row">
                <span class="muted">{ format!("Rules per technique, sub-techniques included ({vendor_label}):") }</span>
                <ul class="mx-legend" aria-label="Heat scale">{ for legend }</ul>
            </div>
            <div class="matrix-scroll" role="region" aria-label="ATT&CK Enterprise matrix (scrolls sideways)" tabindex="0">
                <div class="matrix" data-testid="matrix">{ for columns }</div>
            </div>
        </section>
    }
}

/// A cell: a link to the technique's page, coloured by heat, with its rule
/// count as text. A technique with sub-techniques shows (and opens with)
/// the rolled-up count.
fn cell_link(cell: &MatrixCell, view: &View, rollup: bool) -> Html {
    let to = Route::Technique {
        id: cell.id.clone(),
        view: View {
            rollup,
            ..view.clone()
        },
    };
    let title = if rollup {
        format!(
            "{} {}: {} with sub-techniques, {} on the technique itself",
            cell.id,
            cell.name,
            plural(cell.with_subtechniques as usize, "rule", "rules"),
            cell.rules
        )
    } else {
        format!(
            "{} {}: {}",
            cell.id,
            cell.name,
            plural(cell.with_subtechniques as usize, "rule", "rules")
        )
    };
    // A plain hash link rather than an [`AppLink`]: following it is the
    // same hash change, and the matrix holds hundreds of cells, each of
    // which would otherwise be a component to re-render when counts change.
    html! {
        <a href={to.to_hash()} class={classes!("mx-cell", format!("heat-{}", cell.level))} {title}>
            <span class="mx-name">{ &cell.name }</span>
            <span class="mx-count" data-testid="cell-count">{ cell.with_subtechniques }</span>
        </a>
    }
}

/// Every technique as a table, searchable by id or name.
#[component]
fn TechniqueList(props: &IndexProps) -> Html {
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
                        filter: view.filter.clone(),
                        rollup: view.rollup,
                        ..View::default()
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
        filter: view.filter.clone(),
        rollup: view.rollup,
        ..View::default()
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
    html! {
        <section class="list-panel" aria-labelledby="list-title">
            <h2 id="list-title">{ "All techniques" }</h2>
            <form class="search" role="search" {onsubmit}>
                <label for="technique-search" class="visually-hidden">{ "Search techniques by ID or name" }</label>
                <input id="technique-search" type="search" placeholder="Filter by ID or name, e.g. T1059.001 or PowerShell"
                    value={view.search.clone()} {oninput} autocomplete="off" />
            </form>
            <label class="check">
                <input type="checkbox" checked={view.covered} onchange={toggle_covered} />
                { "Only techniques with rules" }
            </label>
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

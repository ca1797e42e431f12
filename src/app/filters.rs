//! The filter bar's faceted controls: a disclosure per dimension (platform,
//! status, level, data source, rule type) opening a checkbox list with rule
//! counts, the active filters as removable chips and "clear all". Every
//! change navigates to the same route with the new filter, so the URL stays
//! the permalink; the counts are [`crate::catalog::facets`]'s.

use super::nav::go;
use super::state::use_ctx;
use super::widgets::{plural, with_view};
use crate::catalog::{Dimension, Facet, FacetValue, Filter, Route};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

/// The dimensions with a disclosure; vendors have their own chips.
const DISCLOSED: [Dimension; 5] = [
    Dimension::Platform,
    Dimension::Status,
    Dimension::Level,
    Dimension::Source,
    Dimension::RuleType,
];

/// How many data-source values the list shows before "show more".
const SOURCE_PAGE: usize = 40;

/// Opens `route` with its filter replaced by `filter`.
fn navigate(route: &Route, filter: Filter) {
    go(&with_view(route, |v| v.filter = filter));
}

/// The id of a dimension's disclosure button (focus returns there).
fn button_id(d: Dimension) -> String {
    format!("facet-btn-{}", d.key())
}

/// Moves the keyboard focus to the element with `id`.
fn focus(id: &str) {
    if let Some(el) = gloo::utils::document().get_element_by_id(id) {
        if let Ok(el) = el.dyn_into::<HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// `Sigma 334 · Splunk 141`: whose vocabulary a value belongs to.
fn vendor_counts(v: &FacetValue) -> String {
    v.by_vendor
        .iter()
        .map(|(vendor, n)| format!("{} {n}", vendor.label()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Properties of [`FacetControls`].
#[derive(Properties, PartialEq)]
pub struct FacetControlsProps {
    /// The current route; every change opens it with a new filter.
    pub route: Route,
}

/// Disclosure buttons, the open checkbox list and the active filters.
#[component]
pub fn FacetControls(props: &FacetControlsProps) -> Html {
    let ctx = use_ctx();
    let filter = props.route.view().filter;
    let facets = ctx.facets(&filter);
    let open = use_state(|| None::<Dimension>);
    let query = use_state(String::new);
    let limit = use_state(|| SOURCE_PAGE);

    let toggles = DISCLOSED.iter().map(|&d| {
        let selected = d.selected(&filter).len();
        let expanded = *open == Some(d);
        let onclick = {
            let open = open.clone();
            Callback::from(move |_: MouseEvent| open.set((!expanded).then_some(d)))
        };
        html! {
            <button type="button" class="btn facet-toggle" id={button_id(d)}
                aria-expanded={expanded.to_string()} aria-controls={format!("facet-{}", d.key())}
                data-testid={format!("facet-{}", d.key())} {onclick}>
                { d.label() }
                if selected > 0 {
                    <span class="facet-selected" aria-label={format!("{selected} selected")}>{ selected }</span>
                }
                <span class="caret" aria-hidden="true"></span>
            </button>
        }
    });

    let panel = (*open)
        .and_then(|d| facets.get(d).map(|f| (d, f)))
        .map(|(d, facet)| {
            let onkeydown = {
                let open = open.clone();
                Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Escape" {
                        open.set(None);
                        focus(&button_id(d));
                    }
                })
            };
            html! {
                <div class="facet-panel" id={format!("facet-{}", d.key())} role="group"
                    aria-label={d.label()} data-testid="facet-panel" {onkeydown}>
                    if d == Dimension::Source {
                        { source_search(&query, &limit) }
                    }
                    { value_list(d, facet, &filter, &props.route, &query, &limit) }
                </div>
            }
        });

    let active: Vec<(Dimension, String)> = DISCLOSED
        .iter()
        .flat_map(|&d| d.selected(&filter).into_iter().map(move |v| (d, v)))
        .collect();
    let chips = active.iter().map(|(d, value)| {
        let onclick = {
            let (route, mut next) = (props.route.clone(), filter.clone());
            d.toggle(&mut next, value);
            Callback::from(move |_: MouseEvent| navigate(&route, next.clone()))
        };
        html! {
            <button type="button" class="chip active-filter" data-testid="active-filter"
                aria-label={format!("Remove {}: {value}", d.label())} {onclick}>
                { format!("{}: {value}", d.label()) }<span aria-hidden="true">{ " ×" }</span>
            </button>
        }
    });
    let clear = {
        let route = props.route.clone();
        Callback::from(move |_: MouseEvent| navigate(&route, Filter::default()))
    };
    html! {
        <div class="facets">
            <div class="facet-toggles" role="group" aria-label="Filter by">{ for toggles }</div>
            { panel.unwrap_or_default() }
            if !filter.is_default() {
                <div class="active-filters" role="group" aria-label="Active filters">
                    <span class="muted" data-testid="filter-total">
                        { format!("{} match", plural(facets.total as usize, "rule", "rules")) }
                    </span>
                    { for chips }
                    <button type="button" class="btn clear-filters" data-testid="clear-filters"
                        onclick={clear}>{ "Clear all filters" }</button>
                </div>
            }
        </div>
    }
}

/// The data-source list's filter-as-you-type box.
fn source_search(query: &UseStateHandle<String>, limit: &UseStateHandle<usize>) -> Html {
    let oninput = {
        let (query, limit) = (query.clone(), limit.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            query.set(input.value());
            limit.set(SOURCE_PAGE);
        })
    };
    html! {
        <input type="search" class="facet-search" data-testid="facet-search"
            aria-label="Find a data source" placeholder="Find a data source, e.g. sysmon"
            value={(**query).clone()} {oninput} autocomplete="off" />
    }
}

/// The checkbox list of one dimension (data sources: those matching the
/// search box, a page at a time).
fn value_list(
    d: Dimension,
    facet: &Facet,
    filter: &Filter,
    route: &Route,
    query: &UseStateHandle<String>,
    limit: &UseStateHandle<usize>,
) -> Html {
    let paged = d == Dimension::Source;
    let matching: Vec<&FacetValue> = if paged {
        facet.matching(query).collect()
    } else {
        facet.values.iter().collect()
    };
    let shown = if paged {
        (**limit).min(matching.len())
    } else {
        matching.len()
    };
    let items = matching.iter().take(shown).enumerate().map(|(i, v)| {
        let id = format!("facet-{}-{i}", d.key());
        let onchange = {
            let (route, mut next) = (route.clone(), filter.clone());
            d.toggle(&mut next, &v.value);
            Callback::from(move |_: Event| navigate(&route, next.clone()))
        };
        html! {
            <li key={v.value.clone()} class={classes!((v.rules == 0).then_some("zero"))}>
                <input type="checkbox" id={id.clone()} checked={v.selected} {onchange} />
                <label for={id}>
                    <span class="facet-name">{ &v.label }</span>
                    if !v.kinds.is_empty() {
                        <span class="facet-kinds">{ v.kinds.join(", ") }</span>
                    }
                    <span class="facet-vendors">{ vendor_counts(v) }</span>
                    <span class="facet-count" data-testid="facet-count">{ v.rules }</span>
                </label>
            </li>
        }
    });
    let more = {
        let (limit, total) = (limit.clone(), matching.len());
        Callback::from(move |_: MouseEvent| limit.set((*limit + SOURCE_PAGE).min(total)))
    };
    let noun = d.label().to_lowercase();
    html! {
        <>
            if matching.is_empty() {
                <p class="muted">{ format!("No {noun} matches.") }</p>
            } else {
                <ul class="facet-values">{ for items }</ul>
            }
            if shown < matching.len() {
                <div class="show-more">
                    <span class="muted">{ format!("Showing {shown} of {}", matching.len()) }</span>
                    <button type="button" class="btn" onclick={more}>
                        { format!("Show {} more", SOURCE_PAGE.min(matching.len() - shown)) }
                    </button>
                </div>
            }
            if facet.unspecified > 0 {
                <p class="muted facet-note">
                    { format!("{} of {} name no {noun}.", plural(facet.unspecified as usize, "rule", "rules"), facet.base) }
                </p>
            }
        </>
    }
}

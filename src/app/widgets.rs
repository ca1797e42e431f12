//! Small pieces every view uses: vendor badges, safe outbound links,
//! "show more" paging and the filter bar.

use super::filters::FacetControls;
use super::nav::go;
use super::state::use_ctx;
use crate::catalog::{safe_href, Route, View};
use crate::model::Vendor;
use yew::prelude::*;

/// How many rows a table or list shows before "show more".
pub const PAGE: usize = 25;

/// `1 rule`, `35 rules`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A coloured vendor label.
pub fn vendor_badge(vendor: Vendor) -> Html {
    html! {
        <span class={classes!("badge", format!("vendor-{}", vendor.key()))}>{ vendor.label() }</span>
    }
}

/// A link to another site when `url` is http(s); the text alone otherwise.
pub fn outbound(url: &str, text: Html) -> Html {
    match safe_href(url) {
        Some(href) => html! {
            <a href={href.to_string()} target="_blank" rel="noopener noreferrer external">{ text }</a>
        },
        None => text,
    }
}

/// A link to another site showing the URL itself.
pub fn outbound_url(url: &str) -> Html {
    outbound(url, html! { <span class="url">{ url.to_string() }</span> })
}

/// How many rows of a paged list are shown, and the buttons to show more.
#[hook]
pub fn use_page() -> UseStateHandle<usize> {
    use_state(|| PAGE)
}

/// How many rows each of the technique page's tables and vendor groups
/// shows at first: the page holds seven of them, and a short first page
/// keeps both the page and a switch to another technique quick. "Show
/// more" then adds [`PAGE`] at a time.
pub const FIRST_PAGE: usize = 10;

/// [`use_page`] for a list that stays mounted while its subject changes
/// (the technique page reuses its DOM from one technique to the next, which
/// is much cheaper than building it again): [`FIRST_PAGE`] rows, and back
/// to them whenever `scope` changes, without a render when already there.
#[hook]
pub fn use_page_in(scope: AttrValue) -> UseStateHandle<usize> {
    let shown = use_state_eq(|| FIRST_PAGE);
    {
        let shown = shown.clone();
        use_effect_with(scope, move |_| shown.set(FIRST_PAGE));
    }
    shown
}

/// Properties of [`ShowMore`].
#[derive(Properties, PartialEq)]
pub struct ShowMoreProps {
    pub shown: UseStateHandle<usize>,
    pub total: usize,
    /// What the rows are ("values", "rules").
    pub noun: AttrValue,
}

/// "Show 25 more · Show all 140" under a list that is cut, nothing otherwise.
#[component]
pub fn ShowMore(props: &ShowMoreProps) -> Html {
    let shown = *props.shown;
    if shown >= props.total {
        return html! {};
    }
    let more = {
        let handle = props.shown.clone();
        Callback::from(move |_| handle.set(shown + PAGE))
    };
    let all = {
        let (handle, total) = (props.shown.clone(), props.total);
        Callback::from(move |_| handle.set(total))
    };
    let next = PAGE.min(props.total - shown);
    html! {
        <div class="show-more">
            <span class="muted">{ format!("Showing {shown} of {} {}", props.total, props.noun) }</span>
            <button type="button" class="btn" onclick={more}>{ format!("Show {next} more") }</button>
            <button type="button" class="btn" onclick={all}>{ format!("Show all {}", props.total) }</button>
        </div>
    }
}

/// Properties of [`FilterBar`].
#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    /// The current route; the bar navigates to it with a changed view.
    pub route: Route,
    /// Whether to offer the sub-technique roll-up switch.
    #[prop_or_default]
    pub rollup: bool,
}

/// The same route with its view changed by `change`.
pub(super) fn with_view(route: &Route, change: impl FnOnce(&mut View)) -> Route {
    let mut view = route.view();
    change(&mut view);
    match route {
        Route::Index(_) => Route::Index(view),
        Route::Technique { id, .. } => Route::Technique {
            id: id.clone(),
            view,
        },
        Route::Rule { id, .. } => Route::Rule {
            id: id.clone(),
            view,
        },
        Route::Field { name, .. } => Route::Field {
            name: name.clone(),
            view,
        },
        Route::Fields(_) => Route::Fields(view),
        Route::About | Route::NotFound(_) => Route::Index(view),
    }
}

/// Vendor chips, the roll-up switch, the deprecated toggle and the faceted
/// controls of every other dimension; every change is a new URL, so the
/// filtered view stays a permalink.
#[component]
pub fn FilterBar(props: &FilterBarProps) -> Html {
    let ctx = use_ctx();
    let view = props.route.view();
    let present = ctx.cat.vendors();
    let navigate = |change: Box<dyn Fn(&mut View)>| {
        let route = props.route.clone();
        Callback::from(move |_: MouseEvent| go(&with_view(&route, &change)))
    };
    let all_vendors = view.filter.vendors.is_empty();
    let chips = present.iter().map(|&v| {
        let on = view.filter.vendors.contains(&v);
        let onclick = navigate(Box::new(move |w: &mut View| {
            if let Some(i) = w.filter.vendors.iter().position(|x| *x == v) {
                w.filter.vendors.remove(i);
            } else {
                w.filter.vendors.push(v);
                w.filter.vendors.sort();
            }
        }));
        html! {
            <button type="button" class={classes!("chip", format!("vendor-{}", v.key()))}
                aria-pressed={on.to_string()} {onclick}>{ v.label() }</button>
        }
    });
    let rollup = view.rollup;
    let deprecated = view.filter.include_deprecated;
    let only_local = view.filter.only_local;
    let has_local = present.contains(&Vendor::Local);
    html! {
        <div class="filter-bar" role="group" aria-label="Filters">
            <span class="filter-label">{ "Vendor" }</span>
            <button type="button" class="chip" aria-pressed={all_vendors.to_string()}
                onclick={navigate(Box::new(|w: &mut View| w.filter.vendors.clear()))}>{ "All" }</button>
            { for chips }
            if props.rollup {
                <button type="button" class="switch" role="switch" aria-checked={rollup.to_string()}
                    onclick={navigate(Box::new(move |w: &mut View| w.rollup = !rollup))}>
                    <span class="switch-track" aria-hidden="true"></span>
                    { "Roll up sub-techniques" }
                </button>
            }
            <button type="button" class="switch" role="switch" aria-checked={deprecated.to_string()}
                onclick={navigate(Box::new(move |w: &mut View| w.filter.include_deprecated = !deprecated))}>
                <span class="switch-track" aria-hidden="true"></span>
                { "Include deprecated" }
            </button>
            if has_local || only_local {
                <button type="button" class="switch" role="switch" aria-checked={only_local.to_string()}
                    data-testid="only-local"
                    onclick={navigate(Box::new(move |w: &mut View| w.filter.only_local = !only_local))}>
                    <span class="switch-track" aria-hidden="true"></span>
                    { "Only my rules" }
                </button>
            }
            <FacetControls route={props.route.clone()} />
        </div>
    }
}

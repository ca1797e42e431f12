//! The search box in the header of every page: techniques, rules, fields
//! and values as the user types, grouped by kind, in an ARIA combobox.
//! ArrowUp/ArrowDown move through the results, Enter opens one, Escape
//! closes the list, and `/` anywhere else on the page focuses the box.

use super::nav::go;
use super::state::{use_ctx, Ctx};
use super::widgets::{plural, vendor_badge};
use crate::catalog::{Route, SearchIndex, SearchResults, View};
use gloo::events::{EventListener, EventListenerOptions};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

/// Hits shown per kind.
const PER_GROUP: usize = 6;

const INPUT_ID: &str = "global-search";
const LIST_ID: &str = "global-search-list";

fn option_id(i: usize) -> String {
    format!("global-search-option-{i}")
}

/// One line of the list: where it leads and what it shows.
struct Choice {
    to: Route,
    body: Html,
}

/// A group heading and its choices.
struct Section {
    title: &'static str,
    total: usize,
    choices: Vec<Choice>,
}

/// The results as the list shows them, in display order.
fn sections(r: &SearchResults) -> Vec<Section> {
    let techniques = r.techniques.hits.iter().map(|h| Choice {
        to: Route::Technique {
            id: h.id.clone(),
            view: View::default(),
        },
        body: html! { <><span class="tid">{ &h.id }</span>{ " " }{ &h.name }</> },
    });
    let rules = r.rules.hits.iter().map(|h| Choice {
        to: Route::Rule {
            id: h.id.clone(),
            view: View::default(),
        },
        body: html! {
            <>
                { vendor_badge(h.vendor) }{ " " }{ &h.title }
                if h.in_description { <span class="muted">{ " · in the description" }</span> }
                if h.deprecated { <span class="muted">{ " · deprecated" }</span> }
            </>
        },
    });
    let fields = r.fields.hits.iter().map(|h| Choice {
        to: Route::Field {
            name: h.name.clone(),
            view: View::default(),
        },
        body: html! {
            <>
                <code>{ &h.name }</code>
                if let Some(alias) = &h.alias { <span class="muted">{ " written " }<code>{ alias }</code></span> }
                <span class="muted">{ format!(" · {}", plural(h.rules as usize, "rule", "rules")) }</span>
            </>
        },
    });
    let values = r.values.hits.iter().map(|h| Choice {
        to: Route::Field {
            name: h.field.clone(),
            view: View {
                search: h.value.clone(),
                ..View::default()
            },
        },
        body: html! {
            <>
                <code class="gs-value">{ &h.value }</code>
                <span class="muted">{ " in " }<code>{ &h.field }</code>{ format!(" · {}", plural(h.rules as usize, "rule", "rules")) }</span>
            </>
        },
    });
    vec![
        Section {
            title: "Techniques",
            total: r.techniques.total,
            choices: techniques.collect(),
        },
        Section {
            title: "Rules",
            total: r.rules.total,
            choices: rules.collect(),
        },
        Section {
            title: "Fields",
            total: r.fields.total,
            choices: fields.collect(),
        },
        Section {
            title: "Values",
            total: r.values.total,
            choices: values.collect(),
        },
    ]
}

/// Whether a key press happened in a place that takes text.
fn typing_in(e: &KeyboardEvent) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.is_content_editable()
}

/// The header search box.
#[component]
pub fn SearchBox() -> Html {
    let ctx = use_ctx();
    let index = use_mut_ref(|| None::<(Ctx, Rc<SearchIndex>)>);
    let query = use_state(String::new);
    let results = use_state(|| Rc::new(SearchResults::default()));
    let open = use_state(|| false);
    let active = use_state(|| None::<usize>);
    let input_ref = use_node_ref();

    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            let document = gloo::utils::document();
            let options = EventListenerOptions::enable_prevent_default();
            let listener =
                EventListener::new_with_options(&document, "keydown", options, move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    let modified = e.ctrl_key() || e.meta_key() || e.alt_key();
                    if e.key() == "/" && !modified && !typing_in(e) {
                        if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                            e.prevent_default();
                            let _ = input.focus();
                            input.select();
                        }
                    }
                });
            move || drop(listener)
        });
    }
    // Keep the highlighted option visible in a scrolled list.
    use_effect_with(*active, |active| {
        if let Some(el) =
            active.and_then(|i| gloo::utils::document().get_element_by_id(&option_id(i)))
        {
            el.scroll_into_view_with_bool(false);
        }
    });

    let secs = sections(&results);
    let flat: Vec<Route> = secs
        .iter()
        .flat_map(|s| s.choices.iter().map(|c| c.to.clone()))
        .collect();
    let count = flat.len();
    let shown = *open && !query.trim().is_empty();

    let close = {
        let (open, active) = (open.clone(), active.clone());
        move || {
            open.set(false);
            active.set(None);
        }
    };
    let pick = {
        let (query, close, input_ref) = (query.clone(), close.clone(), input_ref.clone());
        Rc::new(move |to: &Route| {
            close();
            query.set(String::new());
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let _ = input.blur();
            }
            go(to);
        })
    };
    // The index is built when the box first gets the focus (or text), so
    // the work happens while the user starts typing, and again only when
    // the catalog changes.
    let prepared = {
        let (index, ctx) = (index.clone(), ctx.clone());
        Rc::new(move || {
            let mut slot = index.borrow_mut();
            match slot.as_ref() {
                Some((built_for, idx)) if *built_for == ctx => idx.clone(),
                _ => {
                    let idx = Rc::new(SearchIndex::new(&ctx.cat));
                    *slot = Some((ctx.clone(), idx.clone()));
                    idx
                }
            }
        })
    };
    let oninput = {
        let (query, results, open, active) =
            (query.clone(), results.clone(), open.clone(), active.clone());
        let prepared = prepared.clone();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            results.set(Rc::new(prepared().search(&text, PER_GROUP)));
            query.set(text);
            open.set(true);
            active.set(None);
        })
    };
    let onkeydown = {
        let (open, active, flat) = (open.clone(), active.clone(), flat.clone());
        let (close, pick, query) = (close.clone(), pick.clone(), query.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" | "ArrowUp" if count > 0 && !query.trim().is_empty() => {
                e.prevent_default();
                let down = e.key() == "ArrowDown";
                let next = match (*active, down) {
                    (None, true) => 0,
                    (None, false) => count - 1,
                    (Some(i), true) => (i + 1) % count,
                    (Some(i), false) => (i + count - 1) % count,
                };
                open.set(true);
                active.set(Some(next));
            }
            "Enter" => {
                e.prevent_default();
                if let Some(to) = flat.get(active.unwrap_or(0)) {
                    pick(to);
                }
            }
            "Escape" if *open => {
                e.prevent_default();
                close();
            }
            _ => {}
        })
    };
    let onblur = {
        let close = close.clone();
        Callback::from(move |_: FocusEvent| close())
    };
    let onfocus = {
        let open = open.clone();
        Callback::from(move |_: FocusEvent| {
            prepared();
            open.set(true);
        })
    };
    // Clicking an option must not blur the input before the click lands.
    let keep_focus = Callback::from(|e: MouseEvent| e.prevent_default());

    let mut n = 0;
    let groups = secs.iter().filter(|s| !s.choices.is_empty()).map(|s| {
        let head_id = format!("global-search-{}", s.title.to_lowercase());
        let options = s.choices.iter().map(|c| {
            let i = n;
            n += 1;
            let selected = *active == Some(i);
            let onclick = {
                let (pick, to) = (pick.clone(), c.to.clone());
                Callback::from(move |_: MouseEvent| pick(&to))
            };
            let onmousemove = {
                let active = active.clone();
                Callback::from(move |_: MouseEvent| {
                    if *active != Some(i) {
                        active.set(Some(i));
                    }
                })
            };
            html! {
                <div role="option" id={option_id(i)} class="gs-option" aria-selected={selected.to_string()}
                    {onclick} {onmousemove}>{ c.body.clone() }</div>
            }
        });
        let more = (s.total > s.choices.len()).then(|| format!("{} of {}", s.choices.len(), s.total));
        html! {
            <div role="group" class="gs-group" aria-labelledby={head_id.clone()} data-group={s.title.to_lowercase()}>
                <div role="presentation" class="gs-head" id={head_id}>
                    { s.title }
                    if let Some(more) = more { <span class="muted">{ format!(" · {more}") }</span> }
                </div>
                { for options.collect::<Vec<Html>>() }
            </div>
        }
    });
    let groups: Vec<Html> = groups.collect();
    let status = if !shown {
        String::new()
    } else if count == 0 {
        "No matches".to_string()
    } else {
        plural(count, "result", "results")
    };
    html! {
        <div class="global-search" role="search">
            <label for={INPUT_ID} class="visually-hidden">{ "Search techniques, rules, fields and values" }</label>
            <input id={INPUT_ID} ref={input_ref} type="search" autocomplete="off" spellcheck="false"
                placeholder="Search  (press /)"
                role="combobox" aria-autocomplete="list" aria-controls={LIST_ID}
                aria-expanded={(shown && count > 0).to_string()}
                aria-activedescendant={active.filter(|_| shown).map(option_id)}
                value={(*query).clone()} {oninput} {onkeydown} {onblur} {onfocus} />
            <div id={LIST_ID} role="listbox" aria-label="Search results" class="gs-list"
                hidden={!(shown && count > 0)} onmousedown={keep_focus}>
                { for groups }
            </div>
            if shown && count == 0 {
                <div class="gs-list gs-empty" onmousedown={Callback::from(|e: MouseEvent| e.prevent_default())}>{ "No technique, rule, field or value matches." }</div>
            }
            <div class="visually-hidden" role="status" aria-live="polite">{ status }</div>
        </div>
    }
}

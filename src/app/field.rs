//! `#/field/process.name`: one field's aliases per vendor, techniques, values
//! (filtered and highlighted by the view's search, `?q=`) and rules; and
//! `#/fields`, every field rules use. Every number comes from
//! [`crate::catalog::field_profile`] and [`crate::catalog::field_index`].

use super::guide::rule_link;
use super::nav::{replace, AppLink};
use super::state::use_ctx;
use super::widgets::{plural, use_page, vendor_badge, FilterBar, ShowMore};
use crate::catalog::{field_index, field_profile, FieldProfile, FieldValue, Route, View};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The field page of `name`, keeping the view's filter (not its search).
pub fn field_route(name: &str, view: &View) -> Route {
    Route::Field {
        name: name.to_string(),
        view: View {
            search: String::new(),
            rollup: false,
            covered: false,
            ..view.clone()
        },
    }
}

/// `text` with every case-insensitive occurrence of `needle` marked.
fn highlight(text: &str, needle: &str) -> Html {
    let lower = text.to_lowercase();
    let needle = needle.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII: mark only when the
    // offsets still line up.
    if needle.is_empty() || lower.len() != text.len() {
        return html! { { text.to_string() } };
    }
    let mut parts = Vec::new();
    let mut at = 0;
    for (start, _) in lower.match_indices(&needle) {
        if start < at {
            continue;
        }
        parts.push(html! { { text[at..start].to_string() } });
        let end = start + needle.len();
        parts.push(html! { <mark>{ text[start..end].to_string() }</mark> });
        at = end;
    }
    parts.push(html! { { text[at..].to_string() } });
    html! { <>{ for parts }</> }
}

/// Whether a value row matches the search (its value or any spelling).
fn value_matches(v: &FieldValue, needle: &str) -> bool {
    needle.is_empty()
        || std::iter::once(&v.value)
            .chain(&v.spellings)
            .any(|s| s.to_lowercase().contains(needle))
}

/// Properties of [`ValuesCard`].
#[derive(Properties, PartialEq)]
struct ValuesProps {
    profile: Rc<FieldProfile>,
    view: View,
    excluded: bool,
}

/// The field's values with their operators, as the guide keys indicators.
#[component]
fn ValuesCard(props: &ValuesProps) -> Html {
    let shown = use_page();
    let needle = props.view.search.trim().to_lowercase();
    let all = if props.excluded {
        &props.profile.excluded_values
    } else {
        &props.profile.values
    };
    let rows: Vec<&FieldValue> = all.iter().filter(|v| value_matches(v, &needle)).collect();
    let (title, id, prefix) = if props.excluded {
        ("Excluded values ", "excluded-h", "excluded")
    } else {
        ("Values ", "values-h", "value")
    };
    let testid = |part: &str| format!("{prefix}-{part}");
    let body = rows.iter().take(*shown).map(|v| {
        let spellings = v
            .spellings
            .iter()
            .filter(|s| **s != v.value)
            .map(|s| html! { <li><code class="value">{ highlight(s, &needle) }</code></li> });
        html! {
            <tr data-testid={testid("row")}>
                <td class="inline-cell" data-testid={testid("op")}><span class="op">{ v.op.key() }</span></td>
                <td class="lead-cell" data-testid={testid("value")}><code class="value">{ highlight(&v.value, &needle) }</code></td>
                <td class="num" data-label="Rules" data-testid={testid("rules")}>{ v.rules }</td>
                <td data-label="Vendors">{ for v.vendors.iter().map(|x| vendor_badge(*x)) }</td>
                <td data-label="Also written"><ul class="samples">{ for spellings }</ul></td>
            </tr>
        }
    });
    let oninput = {
        let (name, view) = (props.profile.field.clone(), props.view.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            replace(&Route::Field {
                name: name.clone(),
                view: View {
                    search: input.value(),
                    ..view.clone()
                },
            });
        })
    };
    let count = if needle.is_empty() {
        format!("({} distinct)", all.len())
    } else {
        format!("({} of {} match)", rows.len(), all.len())
    };
    html! {
        <section class="card" aria-labelledby={id}>
            <h2 id={id}>{ title }<span class="count" data-testid={testid("count")}>{ count }</span></h2>
            if props.excluded {
                <p class="hint">{ "Values of this field inside not(…) clauses — the false-positive filters — ranked by rules." }</p>
            } else {
                <p class="hint">{ "(operator, value) combinations ranked by how many rules use them, counted as the technique pages count indicators; the other spellings that compare equal are listed beside." }</p>
                <form class="search" role="search" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    <label for="value-search" class="visually-hidden">{ "Search values" }</label>
                    <input id="value-search" type="search" placeholder="Search values, e.g. powershell"
                        value={props.view.search.clone()} {oninput} autocomplete="off" />
                </form>
            }
            if rows.is_empty() {
                <p class="empty-note">{ if all.is_empty() { "No value under the current filter." } else { "No value matches the search." } }</p>
            } else {
                <div class="table-wrap">
                    <table class="data stack">
                        <thead><tr>
                            <th scope="col">{ "Op" }</th>
                            <th scope="col">{ "Value" }</th>
                            <th scope="col" class="num">{ "Rules" }</th>
                            <th scope="col">{ "Vendors" }</th>
                            <th scope="col">{ "Also written" }</th>
                        </tr></thead>
                        <tbody>{ for body }</tbody>
                    </table>
                </div>
                <ShowMore shown={shown} total={rows.len()} noun="values" />
            }
        </section>
    }
}

/// Properties of the field page's cards.
#[derive(Properties, PartialEq)]
struct CardProps {
    profile: Rc<FieldProfile>,
    view: View,
}

/// The spellings that collapsed into the field, per vendor.
#[component]
fn AliasesCard(props: &CardProps) -> Html {
    let rows = props.profile.aliases.iter().map(|a| {
        html! {
            <tr data-testid="alias-row">
                <td class="lead-cell" data-testid="alias-field"><code class="field">{ &a.field }</code></td>
                <td data-testid="alias-vendor">{ vendor_badge(a.vendor) }</td>
                <td class="num" data-label="Rules">{ a.rules }</td>
                <td class="num" data-label="Uses">{ a.occurrences }</td>
            </tr>
        }
    });
    html! {
        <section class="card" aria-labelledby="aliases-h">
            <h2 id="aliases-h">{ "Aliases " }<span class="count">{ format!("({})", props.profile.aliases.len()) }</span></h2>
            <p class="hint">{ "The field as each vendor writes it; all of these compare as one field." }</p>
            <div class="table-wrap">
                <table class="data stack">
                    <thead><tr>
                        <th scope="col">{ "As written" }</th>
                        <th scope="col">{ "Vendor" }</th>
                        <th scope="col" class="num">{ "Rules" }</th>
                        <th scope="col" class="num">{ "Uses" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}

/// Techniques whose rules use the field.
#[component]
fn TechniquesCard(props: &CardProps) -> Html {
    let shown = use_page();
    let list = &props.profile.techniques;
    let items = list.iter().take(*shown).map(|t| {
        let to = Route::Technique {
            id: t.id.clone(),
            view: View {
                search: String::new(),
                ..props.view.clone()
            },
        };
        html! {
            <li data-testid="technique-item">
                <AppLink {to} class="tech-link"><span class="tid">{ &t.id }</span>
                    if !t.name.is_empty() { {" "}{ &t.name } }
                </AppLink>
                {" "}<span class="muted">{ plural(t.rules as usize, "rule", "rules") }</span>
            </li>
        }
    });
    html! {
        <section class="card" aria-labelledby="techniques-h">
            <h2 id="techniques-h">{ "Techniques " }<span class="count">{ format!("({})", list.len()) }</span></h2>
            <p class="hint">{ "Ranked by how many of their rules use this field." }</p>
            <ul class="plain">{ for items }</ul>
            <ShowMore shown={shown} total={list.len()} noun="techniques" />
        </section>
    }
}

/// The rules that use the field, marked where they exclude on it.
#[component]
fn RulesCard(props: &CardProps) -> Html {
    let shown = use_page();
    let list = &props.profile.rule_list;
    let items = list.iter().take(*shown).map(|r| {
        html! {
            <li>
                { vendor_badge(r.vendor) }{" "}{ rule_link(&r.id, &r.title, &props.view) }
                if r.excludes { {" "}<span class="tag">{ if r.filters { "also excludes" } else { "excludes" } }</span> }
            </li>
        }
    });
    html! {
        <section class="card" aria-labelledby="field-rules-h">
            <h2 id="field-rules-h">{ "Rules " }<span class="count">{ format!("({})", list.len()) }</span></h2>
            <ul class="rule-links">{ for items }</ul>
            <ShowMore shown={shown} total={list.len()} noun="rules" />
        </section>
    }
}

/// Properties of [`FieldPage`].
#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub name: String,
    pub view: View,
}

/// The field page.
#[component]
pub fn FieldPage(props: &FieldProps) -> Html {
    let ctx = use_ctx();
    let profile = {
        let ctx = ctx.clone();
        use_memo(
            (ctx.clone(), props.name.clone(), props.view.filter.clone()),
            move |(_, name, filter)| field_profile(&ctx.cat, name, filter).map(Rc::new),
        )
    };
    let crumbs = html! {
        <nav class="crumbs" aria-label="Breadcrumb">
            <AppLink to={Route::Fields(View { search: String::new(), ..props.view.clone() })}>{ "Fields" }</AppLink>
        </nav>
    };
    let Some(profile) = (*profile).clone() else {
        return html! {
            <section class="page">
                { crumbs }
                <h1>{ "No field " }<code>{ props.name.clone() }</code></h1>
                <p>{ "No rule uses a field of this name and the field taxonomy does not know it." }</p>
            </section>
        };
    };
    let route = Route::Field {
        name: props.name.clone(),
        view: props.view.clone(),
    };
    let view = props.view.clone();
    html! {
        <article class="page field-page">
            <header class="tech-head">
                { crumbs }
                <h1><code class="field" data-testid="field-name">{ &profile.field }</code>
                    if !profile.mapped { {" "}<span class="badge warn">{ "not in the taxonomy" }</span> }
                </h1>
            </header>
            <div class="toolbar sticky">
                <FilterBar route={route} />
            </div>
            <p class="stats">
                <strong class="big" data-testid="field-rules">{ profile.rules }</strong>
                { if profile.rules == 1 { " rule" } else { " rules" } }
                { for profile.by_vendor.iter().map(|(v, n)| html! {
                    <span class="stat">{ vendor_badge(*v) }{" "}{ plural(*n as usize, "rule", "rules") }</span>
                }) }
                <span class="stat muted" data-testid="field-exclusions">
                    { format!("in exclusions: {} ({} uses)",
                        plural(profile.exclusion_rules as usize, "rule", "rules"),
                        profile.exclusion_occurrences) }
                </span>
            </p>
            <AliasesCard profile={profile.clone()} view={view.clone()} />
            <ValuesCard profile={profile.clone()} view={view.clone()} excluded={false} />
            if !profile.excluded_values.is_empty() {
                <ValuesCard profile={profile.clone()} view={view.clone()} excluded={true} />
            }
            <div class="pair">
                <TechniquesCard profile={profile.clone()} view={view.clone()} />
                <RulesCard profile={profile.clone()} view={view.clone()} />
            </div>
        </article>
    }
}

/// Properties of [`FieldsPage`].
#[derive(Properties, PartialEq)]
pub struct FieldsProps {
    pub view: View,
}

/// `#/fields`: every field rules use under the filter, searchable by name.
#[component]
pub fn FieldsPage(props: &FieldsProps) -> Html {
    let ctx = use_ctx();
    let rows = {
        let ctx = ctx.clone();
        use_memo(
            (ctx.clone(), props.view.filter.clone()),
            move |(_, filter)| field_index(&ctx.cat, filter),
        )
    };
    let shown = use_page();
    let needle = props.view.search.trim().to_lowercase();
    let matching: Vec<_> = rows
        .iter()
        .filter(|r| needle.is_empty() || r.field.to_lowercase().contains(&needle))
        .collect();
    let unmapped = rows.iter().filter(|r| !r.mapped).count();
    let oninput = {
        let view = props.view.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            replace(&Route::Fields(View {
                search: input.value(),
                ..view.clone()
            }));
        })
    };
    let body = matching.iter().take(*shown).map(|r| {
        html! {
            <tr data-testid="fields-row">
                <td class="lead-cell">
                    <AppLink to={field_route(&r.field, &props.view)}>
                        <code class="field">{ highlight(&r.field, &needle) }</code>
                    </AppLink>
                    if !r.mapped { {" "}<span class="badge warn">{ "unmapped" }</span> }
                </td>
                <td class="num" data-label="Rules">{ r.rules }</td>
                <td data-label="Vendors">{ for r.vendors.iter().map(|v| vendor_badge(*v)) }</td>
                <td class="num" data-label="Aliases">{ r.aliases }</td>
                <td class="num" data-label="Values">{ r.values }</td>
            </tr>
        }
    });
    html! {
        <section class="page fields-page">
            <h1>{ "Fields" }</h1>
            <p class="lead">{ "Every field the rules filter or exclude on, under one name across vendors. Pick one to see its spellings, values and rules." }</p>
            <form class="search" role="search" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label for="field-search" class="visually-hidden">{ "Search fields by name" }</label>
                <input id="field-search" type="search" placeholder="Search fields, e.g. process.name"
                    value={props.view.search.clone()} {oninput} autocomplete="off" />
            </form>
            <div class="toolbar">
                <FilterBar route={Route::Fields(props.view.clone())} />
            </div>
            <p class="muted summary" data-testid="fields-summary">
                { format!("{} fields, {unmapped} not in the taxonomy", rows.len()) }
            </p>
            <div class="table-wrap">
                <table class="data stack">
                    <thead><tr>
                        <th scope="col">{ "Field" }</th>
                        <th scope="col" class="num">{ "Rules" }</th>
                        <th scope="col">{ "Vendors" }</th>
                        <th scope="col" class="num">{ "Aliases" }</th>
                        <th scope="col" class="num">{ "Values" }</th>
                    </tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
            <ShowMore shown={shown} total={matching.len()} noun="fields" />
        </section>
    }
}

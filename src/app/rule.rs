//! `#/rule/<id>`: one rule in full — metadata, attribution, what the parser
//! did not understand, predicates, exclusions, thresholds, the logic tree and
//! the original text, highlighted for its language. Everything from the rule
//! is shown as text.

use super::export::ExportButtons;
use super::guide::rule_link;
use super::logic::logic_tree;
use super::nav::AppLink;
use super::state::use_ctx;
use super::table::LazyTable;
use super::texts::{use_original_text, OriginalText};
use super::widgets::{outbound, outbound_url, vendor_badge};
use crate::catalog::{
    file_name_part, highlight, predicate_table, safe_href, similar_rules, Catalog, Lang, Route,
    Token, View,
};
use crate::model::{Predicate, Rule};
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`RulePage`].
#[derive(Properties, PartialEq)]
pub struct RuleProps {
    pub id: String,
    pub view: View,
}

/// A table of predicates as written and as normalised, with its exports
/// (`<rule id>-<slug>.csv`).
fn predicate_table_card(title: &str, slug: &str, rule: &Rule, preds: &[Predicate]) -> Html {
    if preds.is_empty() {
        return html! {};
    }
    let id = format!("{slug}-h");
    let rows = preds.iter().map(|p| {
        html! {
            <tr>
                <td class="lead-cell"><code class="field">{ &p.field }</code></td>
                <td data-label="Canonical"><code class="field">{ &p.canonical }</code></td>
                <td class="inline-cell"><span class="op">{ p.op.key() }</span></td>
                <td><code class="value">{ &p.value }</code></td>
                <td data-label="Modifiers">{ for p.modifiers.iter().map(|m| html! { <span class="tag">{ m }</span> }) }</td>
            </tr>
        }
    });
    let table = Rc::new(predicate_table(preds));
    let headers = table
        .columns
        .iter()
        .map(|c| html! { <th scope="col">{ &c.name }</th> });
    let name = format!("{}-{slug}", file_name_part(&rule.id));
    html! {
        <section class="card" aria-labelledby={id.clone()} data-table={slug.to_string()}>
            <h2 id={id}>{ title.to_string() }<span class="count">{ format!("({})", preds.len()) }</span></h2>
            <div class="table-wrap">
                <table class="data stack">
                    <thead><tr>{ for headers }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <ExportButtons table={LazyTable::ready(table)} {name} />
        </section>
    }
}

/// How the rule page names a rule's language above its text.
fn language_label(lang: Lang, rule: &Rule) -> String {
    match lang {
        Lang::Sigma => format!("Sigma {} (YAML)", rule.rule_type),
        Lang::Spl => "Splunk SPL".to_string(),
        Lang::Eql => "EQL".to_string(),
        Lang::Kql => "KQL".to_string(),
        Lang::Esql => "ES|QL".to_string(),
        Lang::Lucene => "Lucene".to_string(),
        Lang::Plain => rule.language.clone(),
    }
}

/// The rule's original text, highlighted: one `<span class>` around each
/// marked run, plain runs as bare text nodes.
fn highlighted(rule: &Rule, text: &str) -> Html {
    let lang = Lang::of(&rule.language);
    let spans = highlight(text, lang).into_iter().map(|s| {
        if s.kind == Token::Plain {
            html! { { s.text.to_string() } }
        } else {
            html! { <span class={s.kind.class()}>{ s.text.to_string() }</span> }
        }
    });
    html! {
        <pre class="query hl" data-testid="rule-source" data-lang={rule.language.clone()}><code>{ for spans }</code></pre>
    }
}

/// One `<dt>/<dd>` pair, skipped when the value is empty.
fn fact(label: &str, value: Html, empty: bool) -> Html {
    if empty {
        return html! {};
    }
    html! { <div><dt>{ label.to_string() }</dt><dd>{ value }</dd></div> }
}

fn text_fact(label: &str, value: &str) -> Html {
    fact(label, html! { { value.to_string() } }, value.is_empty())
}

fn tags(values: &[String]) -> Html {
    html! { <>{ for values.iter().map(|v| html! { <span class="tag">{ v }</span> }) }</> }
}

fn metadata(cat: &Catalog, rule: &Rule, view: &View) -> Html {
    let techniques = rule.techniques.iter().map(|t| {
        let name = cat.technique(t).map(|x| x.name.clone()).unwrap_or_default();
        let to = Route::Technique {
            id: t.clone(),
            view: view.clone(),
        };
        html! { <li><AppLink {to}><span class="tid">{ t }</span>{" "}{ name }</AppLink></li> }
    });
    let sources = rule.sources.iter().map(|s| {
        html! { <li><span class="muted">{ format!("{}: ", s.kind) }</span><code>{ &s.value }</code></li> }
    });
    let references = rule
        .references
        .iter()
        .map(|r| html! { <li>{ outbound_url(r) }</li> });
    html! {
        <dl class="meta">
            { text_fact("ID", &rule.id) }
            { text_fact("Author", &rule.author) }
            { text_fact("Date", &rule.date) }
            { text_fact("Modified", &rule.modified) }
            { text_fact("Status", &rule.status) }
            { text_fact("Level", &rule.level) }
            { text_fact("Rule type", &rule.rule_type) }
            { text_fact("Language", &rule.language) }
            { fact("Platforms", tags(&rule.platforms), rule.platforms.is_empty()) }
            { fact("Data sources", html! { <ul class="plain">{ for sources }</ul> }, rule.sources.is_empty()) }
            { fact("Techniques", html! { <ul class="plain">{ for techniques }</ul> }, rule.techniques.is_empty()) }
            { fact("Tags", tags(&rule.tags), rule.tags.is_empty()) }
            { fact("References", html! { <ul class="plain refs">{ for references }</ul> }, rule.references.is_empty()) }
            { text_fact("License", &rule.license) }
            { fact("Upstream", outbound_url(&rule.url), rule.url.is_empty()) }
            { text_fact("Path", &rule.path) }
        </dl>
    }
}

/// "Sigma rule by Florian Roth, licensed DRL 1.1. ": who wrote the rule
/// and under which terms it is shown.
fn attribution(rule: &Rule) -> String {
    let mut text = format!("{} rule", rule.vendor.label());
    if !rule.author.is_empty() {
        text.push_str(&format!(" by {}", rule.author));
    }
    if !rule.license.is_empty() {
        text.push_str(&format!(", licensed {}", rule.license));
    }
    text.push_str(". ");
    text
}

/// How many similar rules the rule page lists.
const SIMILAR: usize = 10;

/// Properties of [`SimilarRules`].
#[derive(Properties, PartialEq)]
struct SimilarProps {
    index: u32,
    view: View,
}

/// The rules sharing the most indicators with this one.
#[component]
fn SimilarRules(props: &SimilarProps) -> Html {
    let ctx = use_ctx();
    let similar = {
        let ctx = ctx.clone();
        use_memo(
            (ctx.clone(), props.index, props.view.filter.clone()),
            move |(_, i, f)| similar_rules(&ctx.cat, *i, f, SIMILAR),
        )
    };
    if similar.is_empty() {
        return html! {};
    }
    let items = similar.iter().filter_map(|s| {
        let r = ctx.cat.rule(s.index)?;
        Some(html! {
            <li>
                { vendor_badge(r.vendor) }{" "}{ rule_link(&r.id, &r.title, &props.view) }
                <span class="muted">{ format!(" · {} shared", s.shared) }</span>
            </li>
        })
    });
    html! {
        <section class="card" aria-labelledby="similar-h">
            <h2 id="similar-h">{ "Similar rules" }</h2>
            <p class="hint">{ "Rules that check the most of the same (field, operator, value) combinations." }</p>
            <ul class="rule-links">{ for items }</ul>
        </section>
    }
}

/// Properties of [`RuleSource`].
#[derive(Properties, PartialEq)]
struct SourceProps {
    index: u32,
}

/// The rule's original text, once the texts file is read.
#[component]
fn RuleSource(props: &SourceProps) -> Html {
    let ctx = use_ctx();
    let rule = ctx.cat.rule(props.index);
    let text = use_original_text(rule);
    let Some(rule) = rule else {
        return html! {};
    };
    let body = match text {
        OriginalText::Here(text) => highlighted(rule, &text),
        OriginalText::Loading => {
            html! { <p class="muted" aria-busy="true">{ "Reading the original text…" }</p> }
        }
        OriginalText::None => return html! {},
        OriginalText::Unavailable(reason) => html! {
            <p class="muted">{ "The original text is not available in this copy of the page: " }{ reason }</p>
        },
    };
    let lang = Lang::of(&rule.language);
    html! {
        <section class="card" aria-labelledby="query-h">
            <h2 id="query-h">{ "Original text " }<span class="count">{ language_label(lang, rule) }</span></h2>
            { body }
        </section>
    }
}

/// The rule page.
#[component]
pub fn RulePage(props: &RuleProps) -> Html {
    let ctx = use_ctx();
    let found = ctx
        .cat
        .find_rule(&props.id)
        .and_then(|i| Some((i, ctx.cat.rule(i)?)));
    let Some((index, rule)) = found else {
        return html! {
            <section class="page">
                <h1>{ "Rule not found" }</h1>
                <p>{ "No rule in this build has the id " }<code>{ &props.id }</code>{ "." }</p>
                <p><AppLink to={Route::Index(View::default())}>{ "Back to the technique index" }</AppLink></p>
            </section>
        };
    };
    let view = &props.view;
    let back = rule.techniques.first().map(|t| {
        let to = Route::Technique { id: t.clone(), view: view.clone() };
        html! { <><span aria-hidden="true">{ " › " }</span><AppLink {to}><span class="tid">{ t }</span></AppLink></> }
    });
    html! {
        <article class="page rule-page">
            <header class="tech-head">
                <nav class="crumbs" aria-label="Breadcrumb">
                    <AppLink to={Route::Index(View { rollup: false, ..view.clone() })}>{ "Techniques" }</AppLink>
                    { for back }
                </nav>
                <h1>{ if rule.title.is_empty() { rule.id.clone() } else { rule.title.clone() } }</h1>
                <p class="badges">
                    { vendor_badge(rule.vendor) }
                    if rule.deprecated { <span class="badge warn">{ "deprecated" }</span> }
                    if rule.local { <span class="badge local">{ "local" }</span> }
                    if !rule.status.is_empty() { <span class="tag">{ &rule.status }</span> }
                    if !rule.level.is_empty() { <span class="tag">{ &rule.level }</span> }
                </p>
                if !rule.description.is_empty() {
                    <p class="rule-desc">{ &rule.description }</p>
                }
            </header>
            if !rule.notes.is_empty() {
                <aside class="callout" aria-label="Parser notes">
                    <strong>{ "Not fully understood by the parser" }</strong>
                    <ul>{ for rule.notes.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                </aside>
            }
            <div class="rule-grid">
                <section class="card" aria-labelledby="meta-h">
                    <h2 id="meta-h">{ "Metadata" }</h2>
                    { metadata(&ctx.cat, rule, view) }
                    <p class="attribution muted">
                        { attribution(rule) }
                        if safe_href(&rule.url).is_some() {
                            { outbound(&rule.url, html! { { "View the upstream file" } }) }
                        }
                    </p>
                </section>
                if rule.logic.is_some() {
                    <section class="card" aria-labelledby="logic-h">
                        <h2 id="logic-h">{ "Logic" }</h2>
                        { logic_tree(rule) }
                    </section>
                }
            </div>
            { predicate_table_card("Predicates ", "predicates", rule, &rule.predicates) }
            { predicate_table_card("Exclusions ", "exclusions", rule, &rule.exclusions) }
            { predicate_table_card("Thresholds ", "thresholds", rule, &rule.thresholds) }
            <RuleSource {index} />
            <super::compare::CompareRule {index} />
            <SimilarRules {index} view={view.clone()} />
        </article>
    }
}

//! An ATT&CK description rendered from the pieces
//! [`crate::catalog::description_blocks`] splits it into, all as text, with
//! its numbered reference list. Citation markers jump to their reference.

use super::nav::{reveal, AppLink};
use super::widgets::outbound;
use crate::catalog::{description_blocks, Block, Inline, Route, View};
use crate::model::Citation;
use yew::prelude::*;

/// The element id of reference `n`.
fn ref_id(n: u32) -> String {
    format!("ref-{n}")
}

fn inline(piece: &Inline) -> Html {
    match piece {
        Inline::Text(t) => html! { { t.clone() } },
        Inline::Code(c) => html! { <code>{ c.clone() }</code> },
        Inline::Cite(n) => {
            let n = *n;
            let onclick = Callback::from(move |_: MouseEvent| reveal(&ref_id(n)));
            html! {
                <sup><button type="button" class="cite" aria-label={format!("Reference {n}")} {onclick}>{ format!("[{n}]") }</button></sup>
            }
        }
        Inline::Technique { text, id } => html! {
            <AppLink to={Route::Technique { id: id.clone(), view: View::default() }}>{ text.clone() }</AppLink>
        },
        Inline::Link { text, href } => outbound(href, html! { { text.clone() } }),
    }
}

/// Properties of [`Description`].
#[derive(Properties, PartialEq)]
pub struct DescriptionProps {
    pub text: AttrValue,
}

/// A technique description: paragraphs, bullet lists, links, markers. The
/// first paragraph shows at once; the rest behind "Read more", so the
/// authoring guide stays near the top.
#[component]
pub fn Description(props: &DescriptionProps) -> Html {
    let blocks = use_memo(props.text.clone(), |t| description_blocks(t));
    let expanded = use_state(|| false);
    let shown = if *expanded { blocks.len() } else { 1 };
    let rendered = blocks.iter().take(shown).map(|b| match b {
        Block::Paragraph(p) => html! { <p>{ for p.iter().map(inline) }</p> },
        Block::List(items) => html! {
            <ul>{ for items.iter().map(|i| html! { <li>{ for i.iter().map(inline) }</li> }) }</ul>
        },
    });
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(!*expanded))
    };
    html! {
        <div class="description">
            { for rendered }
            if blocks.len() > 1 {
                <button type="button" class="link-button" aria-expanded={expanded.to_string()} onclick={toggle}>
                    { if *expanded { "Show less" } else { "Read the full description" } }
                </button>
            }
        </div>
    }
}

/// Properties of [`References`].
#[derive(Properties, PartialEq)]
pub struct ReferencesProps {
    pub citations: Vec<Citation>,
}

/// The numbered reference list the `[n]` markers point at.
#[component]
pub fn References(props: &ReferencesProps) -> Html {
    if props.citations.is_empty() {
        return html! {};
    }
    let items = props.citations.iter().zip(1u32..).map(|(c, n)| {
        let label = if c.description.is_empty() {
            &c.source
        } else {
            &c.description
        };
        html! {
            <li id={ref_id(n)} tabindex="-1">
                { outbound(&c.url, html! { { label.clone() } }) }
            </li>
        }
    });
    html! {
        <section class="card references" aria-labelledby="refs-h">
            <h2 id="refs-h">{ "ATT&CK references" }</h2>
            <ol>{ for items }</ol>
        </section>
    }
}

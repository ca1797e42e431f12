//! Moving between views: links that change the URL's hash (so the browser's
//! history and every permalink work) without reloading the page.

use crate::catalog::Route;
use gloo::utils::window;
use yew::prelude::*;

/// Opens `route`, adding a history entry.
pub fn go(route: &Route) {
    // Setting the hash fires `popstate`, which the router listens to.
    let _ = window().location().set_hash(&route.to_hash());
}

/// Shows `route` in place of the current entry (for typing in a search box).
pub fn replace(route: &Route) {
    let location = window().location();
    let Ok(href) = location.href() else { return };
    let base = href.split('#').next().unwrap_or_default();
    let _ = location.replace(&format!("{base}{}", route.to_hash()));
}

/// Scrolls the element with `id` into view and moves the keyboard focus
/// there (skip link, citation markers).
pub fn reveal(id: &str) {
    let Some(el) = gloo::utils::document().get_element_by_id(id) else {
        return;
    };
    el.scroll_into_view();
    if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
        let _ = el.focus();
    }
}

/// Properties of [`AppLink`].
#[derive(Properties, PartialEq)]
pub struct AppLinkProps {
    pub to: Route,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub title: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

/// A link to another view. A plain click navigates in place; modified
/// clicks (new tab, new window) keep the browser's behaviour.
#[component]
pub fn AppLink(props: &AppLinkProps) -> Html {
    let href = props.to.to_hash();
    let onclick = {
        let to = props.to.clone();
        Callback::from(move |e: MouseEvent| {
            let modified = e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key();
            if e.button() == 0 && !modified {
                e.prevent_default();
                go(&to);
            }
        })
    };
    html! {
        <a {href} class={props.class.clone()} title={props.title.clone()} {onclick}>
            { props.children.clone() }
        </a>
    }
}

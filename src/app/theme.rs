//! Light and dark colours: the system's preference by default, a System /
//! Light / Dark switch in the header, the `theme=` URL parameter and the
//! host's `setTheme` message. The shown theme is the `data-theme` attribute
//! of `<html>`, which www/style.css reads; www/embed.js sets it once before
//! the app loads (no flash of the wrong colours) by the same rules.

use super::embed::{embedded, page_param};
use crate::embed::ThemePref;
use gloo::events::EventListener;
use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

/// The system preference the `System` choice follows.
const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

/// Where the choice is remembered. The embedded app keeps its own entry,
/// written only when the host asks (`setTheme` with `remember`), so a
/// portal's frame never inherits the standalone site's choice or changes it.
fn storage_key() -> &'static str {
    if embedded() {
        "rulescope.embed.theme"
    } else {
        "rulescope.theme"
    }
}

/// Whether `localStorage` may be used (gloo's storage throws when a
/// sandbox or the browser's settings deny it).
fn storage_usable() -> bool {
    matches!(gloo::utils::window().local_storage(), Ok(Some(_)))
}

fn stored() -> Option<ThemePref> {
    storage_usable()
        .then(|| LocalStorage::get::<ThemePref>(storage_key()).ok())
        .flatten()
}

fn remember(pref: ThemePref) {
    if !storage_usable() {
        return;
    }
    let result = match pref {
        ThemePref::System => {
            LocalStorage::delete(storage_key());
            Ok(())
        }
        chosen => LocalStorage::set(storage_key(), chosen),
    };
    if let Err(e) = result {
        gloo::console::warn!(format!("rulescope: the theme choice was not stored: {e}"));
    }
}

/// The media query list for the system's dark preference.
fn dark_query() -> Option<web_sys::MediaQueryList> {
    gloo::utils::window().match_media(DARK_QUERY).ok().flatten()
}

/// Shows `pref` by setting `data-theme` on `<html>`.
fn apply(pref: ThemePref) {
    let system_dark = dark_query().is_some_and(|q| q.matches());
    let _ = gloo::utils::document_element().set_attribute("data-theme", pref.resolve(system_dark));
}

/// The choice at start-up: `theme=` in the URL, else the remembered one,
/// else the system's.
fn initial() -> ThemePref {
    let (pref, warning) = ThemePref::initial(page_param("theme").as_deref(), stored());
    if let Some(warning) = warning {
        gloo::console::warn!(format!("rulescope: {warning}"));
    }
    pref
}

/// The current choice and how to change it; `set` takes the choice and
/// whether to remember it.
#[derive(Clone, PartialEq)]
pub struct Theme {
    pub pref: ThemePref,
    pub set: Callback<(ThemePref, bool)>,
}

/// Properties of [`ThemeProvider`].
#[derive(Properties, PartialEq)]
pub struct ThemeProviderProps {
    #[prop_or_default]
    pub children: Html,
}

/// Holds the theme choice, applies it, follows the system while the choice
/// is `System`, and shares a [`Theme`] with the switch and the host bridge.
#[component]
pub fn ThemeProvider(props: &ThemeProviderProps) -> Html {
    let pref = use_state(initial);
    use_effect_with(*pref, |pref| {
        let pref = *pref;
        apply(pref);
        let follow = (pref == ThemePref::System)
            .then(dark_query)
            .flatten()
            .map(|query| EventListener::new(&query, "change", move |_| apply(pref)));
        move || drop(follow)
    });
    let set = {
        let pref = pref.clone();
        Callback::from(move |(chosen, keep): (ThemePref, bool)| {
            if keep {
                remember(chosen);
            }
            pref.set(chosen);
        })
    };
    let theme = Theme { pref: *pref, set };
    html! {
        <ContextProvider<Theme> context={theme}>{ props.children.clone() }</ContextProvider<Theme>>
    }
}

/// The header's System / Light / Dark switch; the standalone site
/// remembers the choice, the embedded app leaves that to the host.
#[component]
pub fn ThemeSwitch() -> Html {
    let Some(theme) = use_context::<Theme>() else {
        return html! {};
    };
    let buttons = ThemePref::ALL.into_iter().map(|choice| {
        let onclick = theme.set.reform(move |_: MouseEvent| (choice, !embedded()));
        let label = match choice {
            ThemePref::System => "System",
            ThemePref::Light => "Light",
            ThemePref::Dark => "Dark",
        };
        html! {
            <button type="button" aria-pressed={(theme.pref == choice).to_string()}
                data-testid={format!("theme-{}", choice.key())} {onclick}>{ label }</button>
        }
    });
    html! {
        <div class="theme-switch" role="group" aria-label="Colour theme">{ for buttons }</div>
    }
}

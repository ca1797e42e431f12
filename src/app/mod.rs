//! The Yew single-page app: decodes the embedded bundle once, shares the
//! catalog through a context and shows one view per hash route. It only
//! displays what [`crate::catalog`] computes; no parsing or counting here.

mod about;
mod compare;
mod embed;
mod export;
mod field;
mod filters;
mod guide;
mod import;
mod index;
mod logic;
mod nav;
mod nearby;
mod prose;
mod rule;
mod search;
mod state;
mod table;
mod technique;
mod texts;
mod theme;
mod widgets;

pub use import::{load_named, LoadOutcome};

use crate::catalog::{Catalog, Route};
use crate::model::Vendor;
use about::AboutPage;
use index::IndexPage;
use nav::AppLink;
use rule::RulePage;
use state::{use_ctx, Ctx, Shared};
use std::rc::Rc;
use technique::TechniquePage;
use yew::prelude::*;
use yew_router::prelude::*;

/// The rule bundle written by `rulescope bundle` before the wasm build.
static BUNDLE: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/target/bundle/rulescope.bundle"
));

/// Decodes and indexes the embedded bundle.
fn load() -> Result<Ctx, String> {
    crate::bundle::decode(BUNDLE).map(|data| Ctx(Rc::new(Shared::new(Catalog::new(data)))))
}

/// The app's root: a loading note until the bundle is decoded (after the
/// first paint, so the page is never blank), then the catalog provider
/// around the router.
#[component]
pub fn App() -> Html {
    let loaded = use_state(|| None::<Rc<Result<Ctx, String>>>);
    {
        let loaded = loaded.clone();
        use_effect_with((), move |_| {
            // The frame callback runs before the paint; the timeout after it.
            let frame = gloo::render::request_animation_frame(move |_| {
                gloo::timers::callback::Timeout::new(0, move || loaded.set(Some(Rc::new(load()))))
                    .forget();
            });
            move || drop(frame)
        });
    }
    match loaded.as_deref() {
        None => html! {
            <main class="page loading" aria-busy="true">
                <p>{ "Loading the rule catalog…" }</p>
            </main>
        },
        Some(Ok(ctx)) => html! {
            <ContextProvider<import::Swap> context={import::Swap(loaded.setter())}>
                <ContextProvider<Ctx> context={ctx.clone()}>
                    <theme::ThemeProvider>
                        <HashRouter>
                            <Shell />
                        </HashRouter>
                    </theme::ThemeProvider>
                </ContextProvider<Ctx>>
            </ContextProvider<import::Swap>>
        },
        Some(Err(reason)) => html! {
            <main class="page fatal" role="alert">
                <h1>{ "The rule catalog could not be loaded" }</h1>
                <p>{ "The catalog embedded in this page is unreadable: " }<code>{ reason.clone() }</code></p>
                <p>{ "Rebuild the bundle and the app (see the README), then reload." }</p>
            </main>
        },
    }
}

/// The current route, from the router's location.
#[hook]
fn use_app_route() -> Route {
    let location = use_location();
    location
        .map(|l| Route::from_parts(l.path(), l.query_str()))
        .unwrap_or_else(|| Route::parse(""))
}

/// Header, sample banner, the routed view and the footer.
#[component]
fn Shell() -> Html {
    let ctx = use_ctx();
    let route = use_app_route();
    let path_key = route
        .to_hash()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    use_effect_with(path_key, |_| {
        gloo::utils::window().scroll_to_with_x_and_y(0.0, 0.0)
    });
    let meta = &ctx.cat.data().meta;
    let view = match &route {
        Route::Index(view) => html! { <IndexPage view={view.clone()} /> },
        Route::Technique { id, view } => {
            html! { <TechniquePage id={id.clone()} view={view.clone()} /> }
        }
        Route::Rule { id, view } => {
            html! { <RulePage key={id.clone()} id={id.clone()} view={view.clone()} /> }
        }
        Route::Field { name, view } => {
            html! { <field::FieldPage key={name.clone()} name={name.clone()} view={view.clone()} /> }
        }
        Route::Fields(view) => html! { <field::FieldsPage view={view.clone()} /> },
        Route::About => html! { <AboutPage /> },
        Route::NotFound(path) => html! {
            <section class="page">
                <h1>{ "Page not found" }</h1>
                <p>{ "Nothing lives at " }<code>{ path.clone() }</code>{ "." }</p>
                <p><AppLink to={Route::parse("")}>{ "Go to the technique index" }</AppLink></p>
            </section>
        },
    };
    html! {
        <>
            <a class="skip" href="#main" onclick={Callback::from(|e: MouseEvent| {
                e.prevent_default();
                nav::reveal("main");
            })}>{ "Skip to content" }</a>
            <header class="top">
                <AppLink to={Route::parse("")} class="brand">
                    <span class="logo" aria-hidden="true"></span>{ "rulescope" }
                </AppLink>
                <span class="tagline">{ "What detection rules filter on, by ATT&CK technique" }</span>
                <search::SearchBox />
                <AppLink to={Route::parse("/fields")} class="nav-link">{ "Fields" }</AppLink>
                <theme::ThemeSwitch />
                <AppLink to={Route::About} class="about-link">{ "About" }</AppLink>
            </header>
            if meta.sample {
                <div class="banner" role="status">
                    <strong>{ "Sample data. " }</strong>
                    { "This build embeds the small sample rule set from rules/samples, not the public rule corpus: counts are illustrative only." }
                </div>
            }
            <import::Importer />
            <embed::HostBridge />
            <main id="main" tabindex="-1">{ view }</main>
            <Footer />
        </>
    }
}

/// Where the data comes from: sources, licenses, ATT&CK version.
#[component]
fn Footer() -> Html {
    let ctx = use_ctx();
    let data = ctx.cat.data();
    let sources = data.meta.sources.iter().map(|s| {
        let commit: String = s.commit.chars().take(10).collect();
        html! {
            <li>
                { widgets::outbound(&s.repository, html! { { s.name.clone() } }) }
                if !s.license.is_empty() { { format!(" ({})", s.license) } }
                if !commit.is_empty() { {" @ "}<code>{ commit }</code> }
            </li>
        }
    });
    let vendors = Vendor::ALL
        .into_iter()
        .filter(|v| data.rules.iter().any(|r| r.vendor == *v));
    html! {
        <footer class="site-footer">
            <p>
                { format!("{} rules", data.rules.len()) }
                { for vendors.map(|v| html! { <>{ " · " }{ v.label() }</> }) }
                if !data.meta.attack_version.is_empty() { { format!(" · ATT&CK {}", data.meta.attack_version) } }
            </p>
            if !data.meta.sources.is_empty() {
                <ul class="sources">{ for sources }</ul>
            }
            <p class="muted">{ "Rules are shown under their upstream licenses, each with a link to its source. MITRE ATT&CK® is a registered trademark of The MITRE Corporation; ATT&CK content © The MITRE Corporation, used under its terms of use." }</p>
            <p><AppLink to={Route::About}>{ "About this catalog: sources, counts, licenses and MITRE's notice" }</AppLink></p>
        </footer>
    }
}

//! The app inside a portal's iframe: the page's URL options (`embed=1`,
//! `theme=`, `parent_origin=`), and the postMessage bridge of README
//! "Embedding". The protocol itself (message shapes, validation, origins)
//! is [`crate::embed`]; this module only receives messages from the parent
//! window of an allowed origin, runs them, and posts `ready`, `view`,
//! `height`, `select` and `rulesLoaded` to that origin, never to `*`.

use super::import;
use super::state::{use_ctx, Ctx};
use super::theme::Theme;
use super::{nav, use_app_route};
use crate::catalog::Route;
use crate::embed::{self as protocol, Command, ConfigFile, Incoming, Outgoing};
use gloo::events::EventListener;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, ResizeObserver, UrlSearchParams, Window};
use yew::prelude::*;

/// A parameter of the page's URL query (before the `#`).
pub fn page_param(name: &str) -> Option<String> {
    let search = gloo::utils::window().location().search().ok()?;
    UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// Whether the page runs in embed mode (`embed=1`: no site chrome).
pub fn embedded() -> bool {
    page_param("embed").as_deref() == Some("1")
}

/// The window framing this page, if it is framed.
fn parent_window() -> Option<Window> {
    let own = gloo::utils::window();
    let parent = own.parent().ok().flatten()?;
    (!js_sys::Object::is(&parent, &own)).then_some(parent)
}

/// `embed.json` next to index.html, fetched from this page's own origin.
async fn config_file() -> ConfigFile {
    if gloo::utils::window().location().protocol().as_deref() == Ok("file:") {
        return ConfigFile::Absent;
    }
    match gloo::net::http::Request::get("embed.json").send().await {
        Ok(response) if response.status() == 404 => ConfigFile::Absent,
        Ok(response) if response.ok() => match response.text().await {
            Ok(text) => ConfigFile::Text(text),
            Err(e) => ConfigFile::Unreadable(e.to_string()),
        },
        Ok(response) => ConfigFile::Unreadable(format!("HTTP {}", response.status())),
        Err(e) => ConfigFile::Unreadable(e.to_string()),
    }
}

/// What the browser says the parent's origin is: `location.ancestorOrigins`
/// (not in every browser), else the referrer's origin.
fn parent_origin_hints() -> (Option<String>, Option<String>) {
    let window = gloo::utils::window();
    let ancestor = js_sys::Reflect::get(&window.location(), &JsValue::from_str("ancestorOrigins"))
        .ok()
        .filter(|list| !list.is_undefined() && !list.is_null())
        .and_then(|list| js_sys::Reflect::get(&list, &JsValue::from(0)).ok())
        .and_then(|first| first.as_string());
    let referrer = gloo::utils::document().referrer();
    let referrer = web_sys::Url::new(&referrer).ok().map(|url| url.origin());
    (ancestor, referrer)
}

fn warn(text: String) {
    gloo::console::warn!(format!("rulescope: {text}"));
}

/// The connection to the host once the allowed origins are known.
struct Link {
    parent: Window,
    allowed: Vec<String>,
    /// Where messages go; learned from the host's first accepted message
    /// when the browser could not tell.
    target: RefCell<Option<String>>,
}

impl Link {
    /// Posts `message` to the host's origin (nothing when it is unknown).
    fn post(&self, message: &Outgoing) {
        let Some(target) = self.target.borrow().clone() else {
            return;
        };
        let result = serde_wasm_bindgen::to_value(message)
            .map_err(|e| e.to_string())
            .and_then(|value| {
                self.parent
                    .post_message(&value, &target)
                    .map_err(|e| format!("{e:?}"))
            });
        if let Err(e) = result {
            warn(format!("could not post to the host: {e}"));
        }
    }
}

/// What the message handler needs of the latest render.
struct Latest {
    ctx: Ctx,
    route: Route,
    theme: Option<Theme>,
}

/// The bridge's state shared by the renders, the message listener and
/// the import queue.
#[derive(Default)]
struct Bridge {
    latest: RefCell<Option<Latest>>,
    link: RefCell<Option<Rc<Link>>>,
    /// The last route reported to the host.
    shown: RefCell<Option<Route>>,
    /// A route the host asked for: reaching it is not the user's selection.
    requested: RefCell<Option<Route>>,
    /// Listeners kept alive while the bridge is mounted.
    keep: RefCell<Vec<Box<dyn std::any::Any>>>,
    closed: Cell<bool>,
}

impl Bridge {
    fn link(&self) -> Option<Rc<Link>> {
        self.link.borrow().clone()
    }

    /// Reports the current route as `view`, and as `select` when the user
    /// moved to another technique, rule or field.
    fn report(&self, route: &Route) {
        let (Some(link), Some(ctx)) = (
            self.link(),
            self.latest.borrow().as_ref().map(|l| l.ctx.clone()),
        ) else {
            return;
        };
        let before = self.shown.replace(Some(route.clone()));
        if before.as_ref() == Some(route) {
            return;
        }
        link.post(&protocol::view_message(route, &ctx.cat));
        let asked = self.requested.take().is_some_and(|r| r == *route);
        if let (Some(before), false) = (before, asked) {
            if let Some(select) = protocol::select_message(&before, route, &ctx.cat) {
                link.post(&select);
            }
        }
    }

    /// Handles one `message` event: only from the parent window and an
    /// allowed origin, only well-formed messages; everything else is
    /// ignored with a console warning.
    fn receive(self: &Rc<Self>, link: &Rc<Link>, event: &MessageEvent) {
        let origin = event.origin();
        let from_parent = event
            .source()
            .is_some_and(|source| js_sys::Object::is(&source, &link.parent));
        if !from_parent || !link.allowed.contains(&origin) {
            warn(format!(
                "ignored a message from {origin}: not the parent window of an allowed origin"
            ));
            return;
        }
        let data = event.data();
        let command = serde_wasm_bindgen::from_value::<Incoming>(data.clone())
            .map_err(|e| e.to_string())
            .and_then(Incoming::validate);
        match command {
            Ok(command) => {
                link.target.borrow_mut().get_or_insert(origin);
                self.run(command);
            }
            Err(reason) => {
                gloo::console::warn!(
                    format!("rulescope: ignored a malformed or unknown message ({reason}):"),
                    data
                );
            }
        }
    }

    fn run(self: &Rc<Self>, command: Command) {
        match command {
            Command::Navigate(route) => {
                let current = self.latest.borrow().as_ref().map(|l| l.route.clone());
                if current.as_ref() != Some(&route) {
                    self.requested.replace(Some(route.clone()));
                    nav::go(&route);
                }
            }
            Command::SetFilters(filter) => {
                let current = self.latest.borrow().as_ref().map(|l| l.route.clone());
                match current.and_then(|route| protocol::with_filter(&route, filter)) {
                    Some(route) => nav::go(&route),
                    None => warn("setFilters: this view has no filters".into()),
                }
            }
            Command::SetTheme { theme, remember } => {
                if let Some(set) = self.latest.borrow().as_ref().and_then(|l| l.theme.clone()) {
                    set.set.emit((theme, remember));
                }
            }
            Command::LoadRules(files) => {
                let named = files.into_iter().map(|f| (f.name, f.bytes)).collect();
                let bridge = Rc::downgrade(self);
                import::load_named(
                    named,
                    Callback::from(move |outcome: import::LoadOutcome| {
                        if let Some(link) = bridge.upgrade().and_then(|b| b.link()) {
                            link.post(&Outgoing::RulesLoaded {
                                files: outcome.files,
                                rules: outcome.rules,
                                failed: outcome.failed,
                                duplicates: outcome.duplicates,
                            });
                        }
                    }),
                );
            }
        }
    }

    /// Finds the allowed origins, starts listening and observing, and says
    /// `ready`.
    async fn connect(self: Rc<Self>, parent: Window) {
        let origins =
            protocol::allowed_origins(page_param("parent_origin").as_deref(), &config_file().await);
        for warning in origins.warnings {
            warn(warning);
        }
        if self.closed.get() {
            return;
        }
        let (ancestor, referrer) = parent_origin_hints();
        let target =
            protocol::post_target(&origins.allowed, ancestor.as_deref(), referrer.as_deref());
        let link = Rc::new(Link {
            parent,
            allowed: origins.allowed,
            target: RefCell::new(target),
        });
        let listener = {
            let (bridge, link) = (self.clone(), link.clone());
            EventListener::new(&gloo::utils::window(), "message", move |event| {
                if let Some(event) = event.dyn_ref::<MessageEvent>() {
                    bridge.receive(&link, event);
                }
            })
        };
        self.keep.borrow_mut().push(Box::new(listener));
        if let Some(observer) = observe_height(link.clone()) {
            self.keep.borrow_mut().push(Box::new(observer));
        }
        self.link.replace(Some(link.clone()));
        let now = self
            .latest
            .borrow()
            .as_ref()
            .map(|l| (l.route.clone(), l.ctx.clone()));
        if let Some((route, ctx)) = now {
            // The same route text as `view` (a local rule's id withheld).
            if let Outgoing::View { route: text, .. } = protocol::view_message(&route, &ctx.cat) {
                link.post(&Outgoing::Ready { route: text });
            }
            self.shown.replace(Some(route));
        }
    }
}

/// A ResizeObserver on `<html>` that posts the content height whenever it
/// changes; disconnected when dropped.
struct HeightObserver {
    observer: ResizeObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for HeightObserver {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

fn observe_height(link: Rc<Link>) -> Option<HeightObserver> {
    let root = gloo::utils::document_element();
    let last = Cell::new(u32::MAX);
    let measured = root.clone();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_| {
        let px = measured.get_bounding_client_rect().height().ceil().max(0.0) as u32;
        if last.replace(px) != px {
            link.post(&Outgoing::Height { px });
        }
    });
    let observer = ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(&root);
    Some(HeightObserver {
        observer,
        _callback: callback,
    })
}

/// Mounted once under the router: connects to the host when the page is
/// framed and reports every view change. Renders nothing.
#[component]
pub fn HostBridge() -> Html {
    let ctx = use_ctx();
    let route = use_app_route();
    let bridge = use_memo((), |_| Rc::new(Bridge::default()));
    bridge.latest.replace(Some(Latest {
        ctx,
        route: route.clone(),
        theme: use_context::<Theme>(),
    }));
    {
        let bridge = (*bridge).clone();
        use_effect_with((), move |_| {
            if let Some(parent) = parent_window() {
                yew::platform::spawn_local(bridge.clone().connect(parent));
            }
            move || {
                bridge.closed.set(true);
                bridge.keep.borrow_mut().clear();
            }
        });
    }
    {
        let bridge = (*bridge).clone();
        use_effect_with(route, move |route| bridge.report(route));
    }
    html! {}
}

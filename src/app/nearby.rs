//! Windowing by page section: the technique page's long sections build
//! their rows only while they are near the viewport. A switch of technique
//! or filter then rebuilds what can be seen (and a screen around it), not
//! the seven tables of the whole page; a section builds its rows as it
//! scrolls near and drops them again once far away.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::prelude::*;

/// How far beyond the viewport a section still counts as near: a screen
/// above and below, so rows are built before they scroll into sight.
const MARGIN: &str = "100% 0px";

/// Whether the element `node` refers to is within [`MARGIN`] of the
/// viewport. True until the browser first reports otherwise (and for good
/// where there is no IntersectionObserver), so nothing starts out missing.
#[hook]
pub fn use_near_viewport(node: NodeRef) -> bool {
    let near = use_state_eq(|| true);
    {
        let set = near.setter();
        use_effect_with(node, move |node| {
            let watch = node.cast::<Element>().and_then(|el| Watch::start(&el, set));
            move || drop(watch)
        });
    }
    *near
}

/// An IntersectionObserver on one element and the callback it calls;
/// disconnected when dropped.
struct Watch {
    observer: IntersectionObserver,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl Watch {
    fn start(el: &Element, set: UseStateSetter<bool>) -> Option<Watch> {
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            // Entries come oldest first; the last one is the current state.
            let latest = entries.iter().last();
            if let Some(entry) = latest.and_then(|e| e.dyn_into::<IntersectionObserverEntry>().ok())
            {
                set.set(entry.is_intersecting());
            }
        });
        let options = IntersectionObserverInit::new();
        options.set_root_margin(MARGIN);
        let observer =
            IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
                .ok()?;
        observer.observe(el);
        Some(Watch {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

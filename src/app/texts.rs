//! The rules' original texts, which the embedded bundle leaves out to keep
//! the first load small (see [`crate::bundle`]): read once, on the first
//! rule page that needs one, from `rulescope-texts.bin` beside the page, or
//! from the single-file build, which carries the same bytes inlined.

use crate::bundle::{decode_texts, text_key, TEXTS_FILE};
use crate::model::Rule;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use yew::prelude::*;

/// The id of the element the single-file build puts the texts in (base64).
const INLINE_ID: &str = "rulescope-texts";

/// Where loading the texts stands.
#[derive(Clone)]
enum Load {
    NotStarted,
    Pending,
    Done(Rc<HashMap<String, String>>),
    Failed(String),
}

/// The loaded texts and the views waiting for them.
struct Store {
    load: Load,
    waiting: Vec<Callback<()>>,
}

thread_local! {
    static STORE: RefCell<Store> = const { RefCell::new(Store { load: Load::NotStarted, waiting: Vec::new() }) };
}

/// What a rule page can show of a rule's original text.
#[derive(Clone, PartialEq)]
pub enum OriginalText {
    /// The text as the rule file has it.
    Here(AttrValue),
    /// Still being read.
    Loading,
    /// The rule has no text (e.g. a machine-learning job).
    None,
    /// The texts could not be read, with the reason.
    Unavailable(String),
}

/// The bytes of the texts file: inlined in the single-file build, fetched
/// from beside the page otherwise (same origin, so the CSP allows it).
async fn read_bytes() -> Result<Vec<u8>, String> {
    let inline = gloo::utils::document()
        .get_element_by_id(INLINE_ID)
        .and_then(|e| e.text_content());
    if let Some(base64) = inline {
        let binary = gloo::utils::window()
            .atob(base64.trim())
            .map_err(|_| "the inlined texts are not valid base64".to_string())?;
        return Ok(binary.chars().map(|c| c as u8).collect());
    }
    let response = gloo::net::http::Request::get(TEXTS_FILE)
        .send()
        .await
        .map_err(|e| format!("{TEXTS_FILE} could not be read: {e}"))?;
    if !response.ok() {
        return Err(format!(
            "{TEXTS_FILE} could not be read: HTTP {}",
            response.status()
        ));
    }
    response
        .binary()
        .await
        .map_err(|e| format!("{TEXTS_FILE} could not be read: {e}"))
}

/// Reads and decodes the texts, then wakes every waiting view.
async fn load() {
    let outcome = match read_bytes().await {
        Ok(bytes) => decode_texts(&bytes).map(Rc::new),
        Err(reason) => Err(reason),
    };
    let waiting = STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.load = match outcome {
            Ok(texts) => Load::Done(texts),
            Err(reason) => Load::Failed(reason),
        };
        std::mem::take(&mut s.waiting)
    });
    for wake in waiting {
        wake.emit(());
    }
}

/// The original text of `rule`: its own when it carries one (local rules),
/// else the catalog's, loaded on first use; [`OriginalText::None`] without
/// a rule.
#[hook]
pub fn use_original_text(rule: Option<&Rule>) -> OriginalText {
    let update = use_force_update();
    let own = rule
        .filter(|r| !r.query.is_empty())
        .map(|r| AttrValue::from(r.query.clone()));
    let needed = rule.is_some() && own.is_none();
    use_effect_with(needed, move |needed| {
        if *needed {
            let start = STORE.with(|s| {
                let mut s = s.borrow_mut();
                match s.load {
                    Load::Done(_) | Load::Failed(_) => false,
                    Load::Pending => {
                        s.waiting
                            .push(Callback::from(move |()| update.force_update()));
                        false
                    }
                    Load::NotStarted => {
                        s.load = Load::Pending;
                        s.waiting
                            .push(Callback::from(move |()| update.force_update()));
                        true
                    }
                }
            });
            if start {
                wasm_bindgen_futures::spawn_local(load());
            }
        }
    });
    let Some(rule) = rule else {
        return OriginalText::None;
    };
    if let Some(text) = own {
        return OriginalText::Here(text);
    }
    match STORE.with(|s| s.borrow().load.clone()) {
        Load::NotStarted | Load::Pending => OriginalText::Loading,
        Load::Failed(reason) => OriginalText::Unavailable(reason),
        Load::Done(texts) => match texts.get(&text_key(rule)) {
            Some(text) => OriginalText::Here(AttrValue::from(text.clone())),
            None => OriginalText::None,
        },
    }
}

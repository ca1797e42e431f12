//! "Keep my rules in this browser": an explicit, off-by-default switch.
//! While it is on, the local rules (parsed, as postcard bytes) are kept in
//! IndexedDB and come back on the next load; while it is off nothing is
//! stored, and turning it off deletes the database. The switch itself is a
//! localStorage entry, so the page knows before opening any database.

use crate::model::Rule;
use gloo::storage::{LocalStorage, Storage};
use js_sys::Promise;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

/// The localStorage key of the switch.
const SWITCH: &str = "rulescope.keep-local-rules";
/// The database, its one object store and the one key in it.
const DB: &str = "rulescope-local";
const STORE: &str = "rules";
const KEY: &str = "local";

/// Whether the user turned the switch on.
pub fn enabled() -> bool {
    LocalStorage::get::<bool>(SWITCH).unwrap_or(false)
}

/// Records the switch; turning it off deletes whatever was stored.
pub fn set_enabled(on: bool) -> Result<(), String> {
    if on {
        LocalStorage::set(SWITCH, true).map_err(|e| e.to_string())
    } else {
        LocalStorage::delete(SWITCH);
        let factory = factory()?;
        factory
            .delete_database(DB)
            .map(|_| ())
            .map_err(|e| format!("cannot delete the stored rules: {e:?}"))
    }
}

/// Stores `rules` (the page's local rules) in place of what was kept.
pub async fn save(rules: &[&Rule]) -> Result<(), String> {
    let bytes =
        postcard::to_allocvec(rules).map_err(|e| format!("cannot encode the rules: {e}"))?;
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
        .map_err(describe)?;
    let store = tx.object_store(STORE).map_err(describe)?;
    let value = js_sys::Uint8Array::from(bytes.as_slice());
    request(
        store
            .put_with_key(&value, &JsValue::from_str(KEY))
            .map_err(describe)?,
    )
    .await?;
    db.close();
    Ok(())
}

/// The rules kept by an earlier visit (none when nothing was stored).
pub async fn load() -> Result<Vec<Rule>, String> {
    let db = open().await?;
    let tx = db.transaction_with_str(STORE).map_err(describe)?;
    let store = tx.object_store(STORE).map_err(describe)?;
    let value = request(store.get(&JsValue::from_str(KEY)).map_err(describe)?).await?;
    db.close();
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let bytes = js_sys::Uint8Array::new(&value).to_vec();
    postcard::from_bytes(&bytes).map_err(|e| {
        format!("the rules kept in this browser are unreadable (an older version?): {e}")
    })
}

fn factory() -> Result<web_sys::IdbFactory, String> {
    gloo::utils::window()
        .indexed_db()
        .ok()
        .flatten()
        .ok_or_else(|| "this browser offers no IndexedDB here".to_string())
}

/// Opens the database, creating its store on first use.
async fn open() -> Result<IdbDatabase, String> {
    let open: IdbOpenDbRequest = factory()?.open_with_u32(DB, 1).map_err(describe)?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let Some(req) = e.target().and_then(|t| t.dyn_into::<IdbRequest>().ok()) else {
            return;
        };
        if let Ok(db) = req.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let result = request(open.clone().unchecked_into()).await;
    open.set_onupgradeneeded(None);
    result?.dyn_into::<IdbDatabase>().map_err(describe)
}

/// Waits for an IndexedDB request's result.
async fn request(req: IdbRequest) -> Result<JsValue, String> {
    let done = Promise::new(&mut |resolve, reject| {
        let ok = req.clone();
        let on_success = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &ok.result().unwrap_or(JsValue::UNDEFINED));
        });
        let bad = req.clone();
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let reason = bad
                .error()
                .ok()
                .flatten()
                .map(|e| e.message())
                .unwrap_or_else(|| "IndexedDB request failed".into());
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&reason));
        });
        req.set_onsuccess(Some(on_success.unchecked_ref()));
        req.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(done).await.map_err(describe)
}

fn describe(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                .ok()?
                .as_string()
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

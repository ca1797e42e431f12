//! The import worker: a second wasm module that Trunk builds next to the
//! app (`data-type="worker"`). It parses the user's dropped files off the
//! page's thread with the core's importer and posts back progress, the
//! rules and the report, each reply as postcard bytes in a transferred
//! buffer. It never touches the network or storage.

use rulescope::ingest::{Job, Reply};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Moves one reply to the page (the buffer is transferred, not copied).
fn post(scope: &DedicatedWorkerGlobalScope, reply: &Reply) {
    let bytes = js_sys::Uint8Array::from(reply.encode().as_slice());
    let buffer = bytes.buffer();
    // Posting only fails for uncloneable values; a buffer always clones.
    let _ = scope.post_message_with_transfer(&buffer, &js_sys::Array::of1(&buffer));
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_job = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let job = js_sys::Uint8Array::new(&event.data()).to_vec();
        Job::run_encoded(&job, js_sys::Date::now, |reply| post(&replies, reply));
    });
    scope.set_onmessage(Some(on_job.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_job.forget();
    // Messages sent before a handler exists are lost: say when it listens.
    post(&scope, &Reply::Ready);
}

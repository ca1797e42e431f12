//! Runs an import in the import worker (`src/bin/worker.rs`), so parsing
//! never holds the page's thread: the page sends the files once, shows the
//! worker's progress and reassembles its replies. Where no worker can be
//! started (a page opened from `file://`, a browser without workers) the
//! files come back untouched for the page-thread importer in [`super::run`].

use crate::ingest::{Assembly, ImportReport, Input, Job, Reply};
use futures::channel::mpsc;
use futures::StreamExt;
use gloo::timers::future::TimeoutFuture;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// The worker's loader, next to the page (Trunk names it after the bin and
/// never hashes a worker's file names).
const LOADER: &str = "./worker_loader.js";

/// How a worker run ended.
pub enum Outcome {
    Finished(ImportReport),
    Cancelled,
    /// The worker started but broke off; the reason is shown to the user.
    Failed(String),
    /// No worker could be started: the files, for the page-thread importer.
    Unavailable(Vec<Input>),
}

/// What the worker's handlers pass to the waiting import.
enum Event {
    Message(Vec<u8>),
    Error(String),
}

/// The worker with its handlers; terminated when dropped.
struct Running {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Starts the worker; its messages and errors arrive on the receiver.
fn spawn() -> Option<(Running, mpsc::UnboundedReceiver<Event>)> {
    let worker = Worker::new(LOADER).ok()?;
    let (tx, rx) = mpsc::unbounded();
    let messages = tx.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let bytes = js_sys::Uint8Array::new(&e.data()).to_vec();
        let _ = messages.unbounded_send(Event::Message(bytes));
    });
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
        e.prevent_default();
        let _ = tx.unbounded_send(Event::Error(e.message()));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let running = Running {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    };
    Some((running, rx))
}

/// Imports `inputs` in a worker. `known_ids` are the catalog's ids (for
/// duplicate reports); `progress` gets (done, total); `cancel` is checked
/// at every message (the worker reports at least every 50 ms) and
/// terminates the worker.
pub async fn run(
    inputs: Vec<Input>,
    known_ids: Vec<String>,
    cancel: Rc<Cell<bool>>,
    progress: impl Fn(usize, usize),
) -> Outcome {
    let Some((running, mut events)) = spawn() else {
        return Outcome::Unavailable(inputs);
    };
    // The worker must say it listens before the job goes out.
    match events.next().await {
        Some(Event::Message(bytes)) if Reply::decode(&bytes) == Ok(Reply::Ready) => {}
        _ => return Outcome::Unavailable(inputs),
    }
    if cancel.get() {
        return Outcome::Cancelled;
    }
    let job = match (Job { inputs, known_ids }).encode() {
        Ok(job) => js_sys::Uint8Array::from(job.as_slice()),
        Err(reason) => return Outcome::Failed(reason),
    };
    let buffer = job.buffer();
    if let Err(e) = running
        .worker
        .post_message_with_transfer(&buffer, &js_sys::Array::of1(&buffer))
    {
        return Outcome::Failed(format!("the import worker refused the files: {e:?}"));
    }
    let mut assembly = Assembly::default();
    while let Some(event) = events.next().await {
        if cancel.get() {
            return Outcome::Cancelled;
        }
        let reply = match event {
            Event::Message(bytes) => Reply::decode(&bytes),
            Event::Error(message) => Err(format!("the import worker stopped: {message}")),
        };
        match reply {
            Ok(Reply::Progress { done, total }) => progress(done as usize, total as usize),
            Ok(Reply::Failed(reason)) | Err(reason) => return Outcome::Failed(reason),
            Ok(reply) => {
                let chunk = matches!(reply, Reply::Rules(_));
                if let Some(report) = assembly.take(reply) {
                    return Outcome::Finished(report);
                }
                if chunk {
                    // Let a frame through between two decoded chunks.
                    TimeoutFuture::new(0).await;
                }
            }
        }
    }
    Outcome::Failed("the import worker closed without an answer".into())
}

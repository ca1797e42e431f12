//! Runs an import batch on the page's thread in slices of a few
//! milliseconds, yielding to the event loop between slices so clicks, the
//! progress bar and the cancel button stay live. The work itself is the
//! core's [`Importer`].

use crate::formats::Context;
use crate::ingest::{ImportReport, Importer, Input, Limits};
use gloo::timers::future::TimeoutFuture;
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

/// Longest run of parsing between two yields, in milliseconds.
const SLICE_MS: f64 = 12.0;

/// Expands archives and parses every file, for pages where no worker can
/// be started. `known` maps the catalog's ids to where they come from
/// (duplicate reports); `progress` gets (done, total) after every slice.
/// `None` when `cancel` was set.
pub async fn run(
    inputs: Vec<Input>,
    known: HashMap<String, String>,
    cancel: Rc<Cell<bool>>,
    progress: impl Fn(usize, usize),
) -> Option<ImportReport> {
    let mut importer = Importer::new(inputs, Context::default(), Limits::default(), known);
    let (_, total) = importer.progress();
    progress(0, total);
    TimeoutFuture::new(0).await;
    let mut slice_start = js_sys::Date::now();
    while importer.step() {
        if cancel.get() {
            return None;
        }
        if js_sys::Date::now() - slice_start > SLICE_MS {
            let (done, total) = importer.progress();
            progress(done, total);
            TimeoutFuture::new(0).await;
            slice_start = js_sys::Date::now();
        }
    }
    let report = importer.finish();
    (!cancel.get()).then_some(report)
}

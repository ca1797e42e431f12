//! The user's own rules: a drop target on every page, file and folder
//! pickers, the import's progress with a cancel button, the result panel,
//! and the list of local rules with removal. Parsing runs in the import
//! worker ([`offload`]), or on the page's thread in short slices where no
//! worker can start ([`run`]). Nothing is sent anywhere; nothing is stored
//! unless the user turns on "Keep my rules in this browser" ([`keep`]).

mod keep;
mod offload;
mod read;
mod run;

use super::nav::AppLink;
use super::state::{use_ctx, Ctx, Shared};
use super::widgets::{use_page, ShowMore};
use crate::catalog::{Catalog, CatalogData, FacetIndex, Route, View};
use crate::ingest::{Duplicate, Input, Limits};
use crate::model::{ParseError, Rule};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::future::TimeoutFuture;
use read::Source;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlInputElement};
use yew::prelude::*;

/// What the app root holds: the catalog once decoded.
pub type Loaded = Option<Rc<Result<Ctx, String>>>;

/// Replaces the app's catalog (after an import or a removal), so every
/// view re-renders with the local rules counted in.
#[derive(Clone, PartialEq)]
pub struct Swap(pub UseStateSetter<Loaded>);

/// What the last import produced, without the rules (they are in the
/// catalog).
#[derive(Debug, Clone, PartialEq, Default)]
struct Summary {
    files: u32,
    rules: usize,
    per_format: BTreeMap<String, u32>,
    errors: Vec<ParseError>,
    duplicates: Vec<Duplicate>,
    engine: Engine,
}

/// Where the files were parsed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
enum Engine {
    /// The import worker, off the page's thread.
    #[default]
    Worker,
    /// The page's thread in short slices: no worker could be started.
    Page,
}

/// Where the importer is.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Reading,
    Parsing {
        done: usize,
        total: usize,
    },
    /// The rules are being added to the catalog.
    Merging,
    Cancelled,
    /// The worker broke off; nothing was added.
    Failed(String),
    Done(Rc<Summary>),
}

thread_local! {
    /// Files handed over by [`load_named`], and the import bar's entry point
    /// while it is on the page.
    static INBOX: RefCell<Inbox> = RefCell::new(Inbox::default());
}

/// Where [`load_named`] delivers: the mounted import bar, or a queue it
/// drains when it mounts or when the running import ends.
#[derive(Default)]
struct Inbox {
    begin: Option<Callback<Batch>>,
    pending: Vec<Batch>,
    /// An import is running; new batches wait for it, so each one merges
    /// into the catalog the previous one left.
    busy: bool,
}

/// Files to import, and who wants to hear how it went.
#[derive(Default)]
struct Batch {
    sources: Vec<Source>,
    done: Vec<Callback<LoadOutcome>>,
}

/// How a [`load_named`] batch went, for the host page that sent it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LoadOutcome {
    /// Files read (archives count their members).
    pub files: u32,
    /// Rules added to the catalog.
    pub rules: u32,
    /// Files that could not be imported.
    pub failed: u32,
    /// Rules left out because their id was already present.
    pub duplicates: u32,
}

/// Imports files that arrive as bytes instead of from a drop or a picker
/// (a host page's "load rules" message). `files` are (name, contents)
/// pairs named as a dropped file would be (`folder/rule.yml`, `pack.zip`);
/// they go through the same caps, parsing, duplicate checks and result
/// panel as a drop, and stay on this machine. Files handed over before the
/// catalog has loaded, or while another import runs, wait and go next;
/// `done` hears the outcome.
pub fn load_named(files: Vec<(String, Vec<u8>)>, done: Callback<LoadOutcome>) {
    let sources: Vec<Source> = files
        .into_iter()
        .map(|(name, bytes)| Source::Bytes(Input { name, bytes }))
        .collect();
    let batch = Batch {
        sources,
        done: vec![done],
    };
    let ready = INBOX.with(|inbox| {
        let mut inbox = inbox.borrow_mut();
        match inbox.begin.clone() {
            Some(begin) if !inbox.busy => {
                inbox.busy = true;
                Some((begin, batch))
            }
            _ => {
                inbox.pending.push(batch);
                None
            }
        }
    });
    if let Some((begin, batch)) = ready {
        begin.emit(batch);
    }
}

/// Hands the receiver everything that waited, as one batch, unless an
/// import is running.
fn drain_inbox() {
    let next = INBOX.with(|inbox| {
        let mut inbox = inbox.borrow_mut();
        let begin = inbox.begin.clone()?;
        if inbox.busy || inbox.pending.is_empty() {
            return None;
        }
        let mut merged = Batch::default();
        for batch in std::mem::take(&mut inbox.pending) {
            merged.sources.extend(batch.sources);
            merged.done.extend(batch.done);
        }
        inbox.busy = true;
        Some((begin, merged))
    });
    if let Some((begin, batch)) = next {
        begin.emit(batch);
    }
}

/// Makes `begin` the receiver of [`load_named`] and hands it what waited.
fn open_inbox(begin: Callback<Batch>) {
    INBOX.with(|inbox| inbox.borrow_mut().begin = Some(begin));
    drain_inbox();
}

/// Marks the running import finished, tells its senders how it went and
/// starts what waited.
fn finish(done: Vec<Callback<LoadOutcome>>, outcome: LoadOutcome) {
    INBOX.with(|inbox| inbox.borrow_mut().busy = false);
    for callback in done {
        callback.emit(outcome);
    }
    drain_inbox();
}

/// Rules freed between two yields when a replaced catalog is released.
const RELEASE_CHUNK: usize = 2000;
/// How often, and how many milliseconds apart, a replaced catalog is
/// checked for views still holding it before it is left to drop whole.
const RELEASE_TRIES: u32 = 20;
const RELEASE_WAIT_MS: u32 = 50;

/// Rules indexed between two yields while the catalog is rebuilt.
const REBUILD_CHUNK: usize = 256;
/// Longest run of indexing between two yields, in milliseconds.
const REBUILD_SLICE_MS: f64 = 8.0;

/// Builds a new catalog from the current one's rules that `keep` accepts
/// plus `added`, indexing a few hundred rules at a time between frames (a
/// one-piece copy and re-index of the whole catalog held the page for about
/// a second), then makes it current and, with the switch on, stores the
/// local rules.
async fn rebuild(ctx: Ctx, swap: Swap, keep: impl Fn(&Rule) -> bool, added: Vec<Rule>) {
    let old = ctx.cat.data();
    let mut cat = Catalog::new(CatalogData {
        meta: old.meta.clone(),
        tactics: old.tactics.clone(),
        techniques: old.techniques.clone(),
        rules: Vec::new(),
    });
    let mut facets = FacetIndex::default();
    let mut started = js_sys::Date::now();
    let kept = old.rules.iter().filter(|r| keep(r)).cloned();
    let mut rules = kept.chain(added).peekable();
    while rules.peek().is_some() {
        cat.add_rules(rules.by_ref().take(REBUILD_CHUNK).collect());
        facets.extend(&cat.rules()[facets.indexed()..]);
        if js_sys::Date::now() - started > REBUILD_SLICE_MS {
            TimeoutFuture::new(0).await;
            started = js_sys::Date::now();
        }
    }
    facets.finish();
    if keep::enabled() {
        let local: Vec<&Rule> = cat.local_rules().collect();
        if let Err(e) = keep::save(&local).await {
            gloo::console::warn!(format!("rulescope: the local rules were not kept: {e}"));
        }
    }
    let shared = Shared::with_facet_index(cat, facets);
    swap.0.set(Some(Rc::new(Ok(Ctx(Rc::new(shared))))));
    release(ctx).await;
}

/// Frees a replaced catalog a few thousand rules at a time once no view
/// holds it any more (freeing ten thousand rules at once is a long task).
async fn release(old: Ctx) {
    let mut shared = old.0;
    for _ in 0..RELEASE_TRIES {
        match Rc::try_unwrap(shared) {
            Ok(unique) => {
                let mut rules = unique.cat.into_data().rules;
                while !rules.is_empty() {
                    TimeoutFuture::new(0).await;
                    let keep = rules.len().saturating_sub(RELEASE_CHUNK);
                    rules.truncate(keep);
                }
                return;
            }
            Err(still_shared) => shared = still_shared,
        }
        TimeoutFuture::new(RELEASE_WAIT_MS).await;
    }
}

/// Reads, parses (in the worker, or on the page where no worker can run)
/// and merges one batch, reporting into `status`.
fn start(
    batch: Batch,
    ctx: Ctx,
    swap: Swap,
    status: UseStateHandle<Status>,
    cancel: Rc<Cell<bool>>,
) {
    let Batch { sources, done } = batch;
    if sources.is_empty() {
        finish(done, LoadOutcome::default());
        return;
    }
    status.set(Status::Reading);
    yew::platform::spawn_local(async move {
        let (inputs, read_errors) = read::read_all(sources, &Limits::default()).await;
        let known_ids: Vec<String> = ctx
            .cat
            .rules()
            .iter()
            .filter(|r| !r.id.is_empty())
            .map(|r| r.id.clone())
            .collect();
        let progress = {
            let status = status.clone();
            move |done, total| status.set(Status::Parsing { done, total })
        };
        let outcome = offload::run(inputs, known_ids.clone(), cancel.clone(), &progress).await;
        let (report, engine) = match outcome {
            offload::Outcome::Finished(report) => (Some(report), Engine::Worker),
            offload::Outcome::Cancelled => (None, Engine::Worker),
            offload::Outcome::Failed(reason) => {
                status.set(Status::Failed(reason));
                finish(done, LoadOutcome::default());
                return;
            }
            offload::Outcome::Unavailable(inputs) => {
                let known: HashMap<String, String> = known_ids
                    .into_iter()
                    .map(|id| (id, "catalog".to_string()))
                    .collect();
                let report = run::run(inputs, known, cancel.clone(), &progress).await;
                (report, Engine::Page)
            }
        };
        let Some(mut report) = report.filter(|_| !cancel.get()) else {
            status.set(Status::Cancelled);
            finish(done, LoadOutcome::default());
            return;
        };
        report.errors.splice(0..0, read_errors);
        let summary = Summary {
            files: report.files,
            rules: report.rules.len(),
            per_format: report.per_format,
            errors: report.errors,
            duplicates: report.duplicates,
            engine,
        };
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let outcome = LoadOutcome {
            files: summary.files,
            rules: count(summary.rules),
            failed: count(summary.errors.len()),
            duplicates: count(summary.duplicates.len()),
        };
        status.set(Status::Merging);
        rebuild(ctx, swap, |_| true, report.rules).await;
        status.set(Status::Done(Rc::new(summary)));
        finish(done, outcome);
    });
}

thread_local! {
    /// Whether this page load already brought back the kept rules.
    static RESTORED: Cell<bool> = const { Cell::new(false) };
}

/// Once per page load, with the switch on: adds the rules kept by an
/// earlier visit.
fn restore(ctx: Ctx, swap: Option<Swap>, status: UseStateHandle<Status>) {
    let Some(swap) = swap else { return };
    if RESTORED.with(|r| r.replace(true)) || !keep::enabled() {
        return;
    }
    yew::platform::spawn_local(async move {
        match keep::load().await {
            Ok(rules) if rules.is_empty() => {}
            Ok(rules) => {
                status.set(Status::Merging);
                rebuild(ctx, swap, |_| true, rules).await;
                status.set(Status::Idle);
            }
            Err(e) => status.set(Status::Failed(e)),
        }
    });
}

/// The import bar shown on every page, with the page-wide drop target.
#[component]
pub fn Importer() -> Html {
    let ctx = use_ctx();
    let swap = use_context::<Swap>();
    let status = use_state(|| Status::Idle);
    let cancel = use_mut_ref(|| Rc::new(Cell::new(false)));
    let begin = {
        let (ctx, swap, status, cancel) =
            (ctx.clone(), swap.clone(), status.clone(), cancel.clone());
        Callback::from(move |batch: Batch| {
            let Some(swap) = swap.clone() else {
                finish(batch.done, LoadOutcome::default());
                return;
            };
            let flag = Rc::new(Cell::new(false));
            *cancel.borrow_mut() = flag.clone();
            start(batch, ctx.clone(), swap, status.clone(), flag);
        })
    };
    {
        let begin = begin.clone();
        use_effect_with(ctx.clone(), move |_| {
            open_inbox(begin.clone());
            let document = gloo::utils::document();
            let options = EventListenerOptions::enable_prevent_default();
            let over = EventListener::new_with_options(&document, "dragover", options, |e| {
                e.prevent_default();
            });
            let drop = EventListener::new_with_options(&document, "drop", options, move |e| {
                e.prevent_default();
                let Some(transfer) = e.dyn_ref::<DragEvent>().and_then(|d| d.data_transfer())
                else {
                    return;
                };
                begin.emit(Batch {
                    sources: read::from_drop(&transfer),
                    done: Vec::new(),
                });
            });
            move || {
                INBOX.with(|inbox| inbox.borrow_mut().begin = None);
                std::mem::drop((over, drop))
            }
        });
    }
    let on_pick = {
        let begin = begin.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            if let Some(files) = input.files() {
                begin.emit(Batch {
                    sources: read::from_list(&files),
                    done: Vec::new(),
                });
            }
            input.set_value("");
        })
    };
    let on_cancel = {
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            cancel.borrow().set(true);
            status.set(Status::Cancelled);
        })
    };
    let kept = use_state(keep::enabled);
    {
        let (ctx, swap, status) = (ctx.clone(), swap.clone(), status.clone());
        use_effect_with((), move |_| restore(ctx, swap, status));
    }
    let on_keep = {
        let (ctx, kept) = (ctx.clone(), kept.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let on = input.checked();
            if let Err(e) = keep::set_enabled(on) {
                gloo::console::warn!(format!("rulescope: {e}"));
            }
            if on {
                let local: Vec<Rule> = ctx.cat.local_rules().cloned().collect();
                yew::platform::spawn_local(async move {
                    if let Err(e) = keep::save(&local.iter().collect::<Vec<_>>()).await {
                        gloo::console::warn!(format!(
                            "rulescope: the local rules were not kept: {e}"
                        ));
                    }
                });
            }
            kept.set(on);
        })
    };
    let busy = matches!(
        *status,
        Status::Reading | Status::Parsing { .. } | Status::Merging
    );
    html! {
        <section class="import" aria-label="Your own rules">
            <p>
                <strong>{ "Your rules: " }</strong>
                { "drop rule files, folders or .zip archives anywhere on this page, or " }
                <label class="picker">{ "choose files" }
                    <input type="file" multiple=true disabled={busy} onchange={on_pick.clone()} />
                </label>
                { " / " }
                <label class="picker">{ "choose a folder" }
                    <input type="file" webkitdirectory=true multiple=true disabled={busy} onchange={on_pick} />
                </label>
                { ". They are read on this machine and never uploaded. " }
                <label class="keep">
                    <input type="checkbox" data-testid="keep-local" checked={*kept} onchange={on_keep} />
                    { " Keep my rules in this browser" }
                </label>
                { if *kept { " (stored in this browser's IndexedDB until you turn this off)." } else { " (off: a reload forgets them)." } }
            </p>
            { progress_view(&status, on_cancel) }
            if let Status::Done(summary) = &*status { <Results summary={summary.clone()} /> }
            <LocalRules />
        </section>
    }
}

/// The progress bar and cancel button while an import runs.
fn progress_view(status: &Status, on_cancel: Callback<MouseEvent>) -> Html {
    let (text, value, max) = match status {
        Status::Reading => ("Reading the files…".to_string(), None, 1),
        Status::Parsing { done, total } => (
            format!("Parsing {done} of {total} files…"),
            Some(*done),
            (*total).max(1),
        ),
        Status::Merging => {
            return html! {
                <p class="import-status" role="status" aria-busy="true" data-testid="import-progress">
                    <progress></progress>{ " Adding the rules to the catalog…" }
                </p>
            }
        }
        Status::Cancelled => {
            return html! { <p class="import-status" role="status">{ "Import cancelled: nothing was added." }</p> }
        }
        Status::Failed(reason) => {
            return html! { <p class="import-status" role="alert">{ format!("The import failed, nothing was added: {reason}") }</p> }
        }
        Status::Idle | Status::Done(_) => return html! {},
    };
    html! {
        <p class="import-status" role="status" aria-busy="true" data-testid="import-progress">
            <progress max={max.to_string()} value={value.map(|v| v.to_string())}></progress>
            {" "}{ text }{" "}
            <button type="button" onclick={on_cancel}>{ "Cancel" }</button>
        </p>
    }
}

#[derive(Properties, PartialEq)]
struct ResultsProps {
    summary: Rc<Summary>,
}

/// What the last import read: rules per format, failed files, duplicates.
#[component]
fn Results(props: &ResultsProps) -> Html {
    let s = &props.summary;
    let formats = s.per_format.iter().map(|(format, n)| {
        html! { <li data-testid="per-format" data-format={format.clone()}>{ format!("{format}: {n}") }</li> }
    });
    // Thousands of rows (a re-dropped corpus is all duplicates) would hold
    // the page for a second: show a page of each list at a time.
    let shown_errors = use_page();
    let shown_duplicates = use_page();
    let errors = s
        .errors
        .iter()
        .take(*shown_errors)
        .map(|e| html! { <li data-testid="import-error"><code>{ e.to_string() }</code></li> });
    let duplicates = s.duplicates.iter().take(*shown_duplicates).map(|d| {
        html! {
            <li data-testid="import-duplicate">
                <code>{ d.id.clone() }</code>{ format!(" in {} was already in {}", d.second, d.first) }
            </li>
        }
    });
    html! {
        <div class="import-results" role="status" data-testid="import-results"
            data-engine={if s.engine == Engine::Worker { "worker" } else { "page" }}>
            <p>{ format!("Imported {} from {}.", super::widgets::plural(s.rules, "rule", "rules"), super::widgets::plural(s.files as usize, "file", "files")) }</p>
            if !s.per_format.is_empty() { <ul class="per-format">{ for formats }</ul> }
            if !s.errors.is_empty() {
                <h3>{ super::widgets::plural(s.errors.len(), "file failed", "files failed") }</h3>
                <ul class="import-errors">{ for errors }</ul>
                <ShowMore shown={shown_errors} total={s.errors.len()} noun="failed files" />
            }
            if !s.duplicates.is_empty() {
                <h3>{ super::widgets::plural(s.duplicates.len(), "duplicate id", "duplicate ids") }</h3>
                <ul class="import-duplicates">{ for duplicates }</ul>
                <ShowMore shown={shown_duplicates} total={s.duplicates.len()} noun="duplicates" />
            }
        </div>
    }
}

/// How many local rules the list shows (thousands would slow every render).
const LISTED: usize = 100;

/// The local rules now in the catalog, each removable, and "remove all".
#[component]
fn LocalRules() -> Html {
    let ctx = use_ctx();
    let open = use_state_eq(|| false);
    let Some(swap) = use_context::<Swap>() else {
        return html! {};
    };
    let count = ctx.cat.local_rules().len();
    if count == 0 {
        return html! {};
    }
    // The rows are built only while the list is open: a hundred rows in a
    // closed disclosure made the render that ends a large import a long task.
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let details = e.target_dyn_into::<web_sys::HtmlDetailsElement>();
            open.set(details.is_some_and(|d| d.open()));
        })
    };
    let listed = if *open { LISTED } else { 0 };
    let local: Vec<(String, String, String)> = ctx
        .cat
        .local_rules()
        .take(listed)
        .map(|r| (r.id.clone(), r.path.clone(), r.title.clone()))
        .collect();
    let remove_all = {
        let (ctx, swap) = (ctx.clone(), swap.clone());
        Callback::from(move |_: MouseEvent| {
            yew::platform::spawn_local(rebuild(ctx.clone(), swap.clone(), |r| !r.local, Vec::new()))
        })
    };
    let rows = local.into_iter().map(|(id, path, title)| {
        let remove = {
            let (ctx, swap, id, path) = (ctx.clone(), swap.clone(), id.clone(), path.clone());
            Callback::from(move |_: MouseEvent| {
                let (id, path) = (id.clone(), path.clone());
                let keep = move |r: &Rule| !(r.local && r.id == id && r.path == path);
                yew::platform::spawn_local(rebuild(ctx.clone(), swap.clone(), keep, Vec::new()))
            })
        };
        let route = Route::Rule { id: id.clone(), view: View::default() };
        html! {
            <li data-testid="local-rule">
                <span class="badge local">{ "local" }</span>{" "}
                <AppLink to={route}>{ if title.is_empty() { id.clone() } else { title } }</AppLink>
                { format!(" ({path}) ") }
                <button type="button" class="remove" aria-label={format!("Remove {id}")} onclick={remove}>{ "Remove" }</button>
            </li>
        }
    });
    html! {
        <details class="local-rules" open={*open} {ontoggle}>
            <summary>{ format!("{} in this page", super::widgets::plural(count, "local rule", "local rules")) }</summary>
            <ul>{ for rows }</ul>
            if count > LISTED { <p>{ format!("and {} more (filter with \"Only my rules\" to see them all).", count - LISTED) }</p> }
            <button type="button" data-testid="remove-all" onclick={remove_all}>{ "Remove all local rules" }</button>
        </details>
    }
}

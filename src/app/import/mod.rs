//! The user's own rules: a drop target on every page, file and folder
//! pickers, the import's progress with a cancel button, the result panel,
//! and the list of local rules with removal. Parsing runs on the page's
//! thread in short slices (see [`run`]); nothing is sent anywhere and
//! nothing is stored: a reload forgets the local rules.

mod read;
mod run;

use super::nav::AppLink;
use super::state::{use_ctx, Ctx, Shared};
use crate::catalog::{Catalog, Route, View};
use crate::ingest::{Duplicate, Input, Limits};
use crate::model::ParseError;
use gloo::events::{EventListener, EventListenerOptions};
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
}

/// Where the importer is.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Reading,
    Parsing { done: usize, total: usize },
    Cancelled,
    Done(Rc<Summary>),
}

thread_local! {
    /// Files handed over by [`load_named`], and the import bar's entry point
    /// while it is on the page.
    static INBOX: RefCell<Inbox> = RefCell::new(Inbox::default());
}

/// Where [`load_named`] delivers: the mounted import bar, or a queue it
/// drains when it mounts.
#[derive(Default)]
struct Inbox {
    begin: Option<Callback<Vec<Source>>>,
    pending: Vec<Source>,
}

/// Imports files that arrive as bytes instead of from a drop or a picker
/// (a host page's "load rules" message). `files` are (name, contents)
/// pairs named as a dropped file would be (`folder/rule.yml`, `pack.zip`);
/// they go through the same caps, parsing, duplicate checks and result
/// panel as a drop, and stay on this machine. Files handed over before the
/// catalog has loaded wait and are imported as one batch once it has.
pub fn load_named(files: Vec<(String, Vec<u8>)>) {
    let sources: Vec<Source> = files
        .into_iter()
        .map(|(name, bytes)| Source::Bytes(Input { name, bytes }))
        .collect();
    let ready = INBOX.with(|inbox| {
        let mut inbox = inbox.borrow_mut();
        match inbox.begin.clone() {
            Some(begin) => Some((begin, sources)),
            None => {
                inbox.pending.extend(sources);
                None
            }
        }
    });
    if let Some((begin, sources)) = ready {
        begin.emit(sources);
    }
}

/// Makes `begin` the receiver of [`load_named`] and hands it what waited.
fn open_inbox(begin: Callback<Vec<Source>>) {
    let waiting = INBOX.with(|inbox| {
        let mut inbox = inbox.borrow_mut();
        inbox.begin = Some(begin.clone());
        std::mem::take(&mut inbox.pending)
    });
    if !waiting.is_empty() {
        begin.emit(waiting);
    }
}

/// Applies `edit` to a copy of the catalog and makes the copy current.
fn replace(ctx: &Ctx, swap: &Swap, edit: impl FnOnce(&mut Catalog)) {
    let mut cat = ctx.cat.clone();
    edit(&mut cat);
    swap.0
        .set(Some(Rc::new(Ok(Ctx(Rc::new(Shared::new(cat)))))));
}

/// Reads, parses and merges one batch, reporting into `status`.
fn start(
    sources: Vec<Source>,
    ctx: Ctx,
    swap: Swap,
    status: UseStateHandle<Status>,
    cancel: Rc<Cell<bool>>,
) {
    if sources.is_empty() {
        return;
    }
    status.set(Status::Reading);
    yew::platform::spawn_local(async move {
        let (inputs, read_errors) = read::read_all(sources, &Limits::default()).await;
        let known: HashMap<String, String> = ctx
            .cat
            .rules()
            .iter()
            .filter(|r| !r.id.is_empty())
            .map(|r| (r.id.clone(), "catalog".to_string()))
            .collect();
        let progress = {
            let status = status.clone();
            move |done, total| status.set(Status::Parsing { done, total })
        };
        let Some(report) = run::run(inputs, read_errors, known, cancel, progress).await else {
            status.set(Status::Cancelled);
            return;
        };
        let summary = Summary {
            files: report.files,
            rules: report.rules.len(),
            per_format: report.per_format,
            errors: report.errors,
            duplicates: report.duplicates,
        };
        let rules = report.rules;
        replace(&ctx, &swap, |cat| cat.add_rules(rules));
        status.set(Status::Done(Rc::new(summary)));
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
        Callback::from(move |sources: Vec<Source>| {
            let Some(swap) = swap.clone() else { return };
            let flag = Rc::new(Cell::new(false));
            *cancel.borrow_mut() = flag.clone();
            start(sources, ctx.clone(), swap, status.clone(), flag);
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
                begin.emit(read::from_drop(&transfer));
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
                begin.emit(read::from_list(&files));
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
    let busy = matches!(*status, Status::Reading | Status::Parsing { .. });
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
                { ". They are read on this machine, never uploaded and not kept after a reload." }
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
        Status::Cancelled => {
            return html! { <p class="import-status" role="status">{ "Import cancelled: nothing was added." }</p> }
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
    let errors = s
        .errors
        .iter()
        .map(|e| html! { <li data-testid="import-error"><code>{ e.to_string() }</code></li> });
    let duplicates = s.duplicates.iter().map(|d| {
        html! {
            <li data-testid="import-duplicate">
                <code>{ d.id.clone() }</code>{ format!(" in {} was already in {}", d.second, d.first) }
            </li>
        }
    });
    html! {
        <div class="import-results" role="status" data-testid="import-results">
            <p>{ format!("Imported {} from {}.", super::widgets::plural(s.rules, "rule", "rules"), super::widgets::plural(s.files as usize, "file", "files")) }</p>
            if !s.per_format.is_empty() { <ul class="per-format">{ for formats }</ul> }
            if !s.errors.is_empty() {
                <h3>{ super::widgets::plural(s.errors.len(), "file failed", "files failed") }</h3>
                <ul class="import-errors">{ for errors }</ul>
            }
            if !s.duplicates.is_empty() {
                <h3>{ super::widgets::plural(s.duplicates.len(), "duplicate id", "duplicate ids") }</h3>
                <ul class="import-duplicates">{ for duplicates }</ul>
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
    let Some(swap) = use_context::<Swap>() else {
        return html! {};
    };
    let count = ctx.cat.rules().iter().filter(|r| r.local).count();
    if count == 0 {
        return html! {};
    }
    let local: Vec<(String, String, String)> = ctx
        .cat
        .rules()
        .iter()
        .filter(|r| r.local)
        .take(LISTED)
        .map(|r| (r.id.clone(), r.path.clone(), r.title.clone()))
        .collect();
    let remove_all = {
        let (ctx, swap) = (ctx.clone(), swap.clone());
        Callback::from(move |_: MouseEvent| {
            replace(&ctx, &swap, |cat| cat.remove_rules(|r| r.local))
        })
    };
    let rows = local.into_iter().map(|(id, path, title)| {
        let remove = {
            let (ctx, swap, id, path) = (ctx.clone(), swap.clone(), id.clone(), path.clone());
            Callback::from(move |_: MouseEvent| {
                replace(&ctx, &swap, |cat| {
                    cat.remove_rules(|r| r.local && r.id == id && r.path == path)
                })
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
        <details class="local-rules">
            <summary>{ format!("{} in this page", super::widgets::plural(count, "local rule", "local rules")) }</summary>
            <ul>{ for rows }</ul>
            if count > LISTED { <p>{ format!("and {} more (filter with \"Only my rules\" to see them all).", count - LISTED) }</p> }
            <button type="button" data-testid="remove-all" onclick={remove_all}>{ "Remove all local rules" }</button>
        </details>
    }
}

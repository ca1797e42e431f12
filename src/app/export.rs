//! Downloads made in the page: any [`Table`] as CSV or JSON, and the ATT&CK
//! Navigator layer of the current filtered coverage. The file is built from
//! the core's values (never read back from the DOM), wrapped in a Blob and
//! saved through a temporary object URL and `<a download>`: nothing leaves
//! the page over the network.

use super::state::use_ctx;
use super::table::LazyTable;
use crate::catalog::{layer_file_name, navigator_layer, Filter, Table};
use gloo::file::{Blob, ObjectUrl};
use gloo::utils::{document, window};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How long an object URL outlives its click, so the download can read it.
const URL_LIFETIME_MS: u32 = 60_000;

/// Saves `content` as a file called `name`.
pub fn download(name: &str, mime: &str, content: &str) {
    let url = ObjectUrl::from(Blob::new_with_options(content, Some(mime)));
    let Ok(link) = document().create_element("a") else {
        return;
    };
    let ready =
        link.set_attribute("href", &url).is_ok() && link.set_attribute("download", name).is_ok();
    if let (true, Ok(link), Some(body)) = (
        ready,
        link.dyn_into::<web_sys::HtmlElement>(),
        document().body(),
    ) {
        link.set_hidden(true);
        if body.append_child(&link).is_ok() {
            link.click();
            link.remove();
        }
    }
    gloo::timers::callback::Timeout::new(URL_LIFETIME_MS, move || drop(url)).forget();
}

/// Properties of [`ExportButtons`].
#[derive(Properties, PartialEq)]
pub struct ExportProps {
    pub table: LazyTable,
    /// The file name without extension, saying what the table holds
    /// (`T1059.001-indicators`).
    pub name: AttrValue,
}

/// A file format a table exports to: label, extension, MIME type, writer.
type Format = (
    &'static str,
    &'static str,
    &'static str,
    fn(&Table) -> String,
);

/// CSV and JSON, in button order.
const FORMATS: [Format; 2] = [
    ("CSV", "csv", "text/csv;charset=utf-8", Table::to_csv),
    ("JSON", "json", "application/json", Table::to_json),
];

/// "Export CSV · JSON" under a table: every row, in the core's order.
#[component]
pub fn ExportButtons(props: &ExportProps) -> Html {
    let buttons = FORMATS.iter().map(|&(label, ext, mime, write)| {
        let file = format!("{}.{ext}", props.name);
        let onclick = {
            let (table, file) = (props.table.clone(), file.clone());
            Callback::from(move |_: MouseEvent| download(&file, mime, &write(&table.get())))
        };
        html! {
            <button type="button" class="btn export" data-export={file}
                aria-label={format!("Download {} as {label}", props.name)} {onclick}>{ label }</button>
        }
    });
    html! {
        <div class="exports">
            <span class="muted">{ "Export" }</span>
            { for buttons }
        </div>
    }
}

/// Properties of [`LayerButton`].
#[derive(Properties, PartialEq)]
pub struct LayerProps {
    pub filter: Filter,
}

/// The page's address without its route, for links back from a layer.
fn page_url() -> String {
    let href = window().location().href().unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// "Navigator layer": the coverage of every technique under `filter`.
#[component]
pub fn LayerButton(props: &LayerProps) -> Html {
    let ctx = use_ctx();
    let onclick = {
        let filter = props.filter.clone();
        Callback::from(move |_: MouseEvent| {
            let layer = navigator_layer(&ctx.cat, &filter, &page_url());
            let json = serde_json::to_string_pretty(&layer).unwrap_or_default();
            download(&layer_file_name(&filter), "application/json", &json);
        })
    };
    html! {
        <button type="button" class="btn export" data-export="navigator-layer"
            title="ATT&CK Navigator layer (4.5) of the coverage under the current filter" {onclick}>
            { "Navigator layer" }
        </button>
    }
}

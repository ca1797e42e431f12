//! Turns what the user dropped or picked into named byte buffers for the
//! import pipeline. Folder entries must be taken inside the drop handler
//! (the browser empties the drop's data once the handler returns); the
//! files behind them are read afterwards, one by one.

use crate::ingest::{Input, Limits};
use crate::model::ParseError;
use js_sys::{Array, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemEntry};

/// One thing the user handed over: a file-system entry (file or folder,
/// from a drop), a plain file (from a picker, or a drop without entries),
/// or bytes already in memory (a host page's message).
pub enum Source {
    Entry(FileSystemEntry),
    File(File),
    Bytes(Input),
}

/// Takes everything a drop carries. Must run synchronously in the handler.
pub fn from_drop(transfer: &DataTransfer) -> Vec<Source> {
    let items = transfer.items();
    let mut out = Vec::new();
    for i in 0..items.length() {
        let Some(item) = items.get(i) else { continue };
        if item.kind() != "file" {
            continue;
        }
        match item.webkit_get_as_entry() {
            Ok(Some(entry)) => out.push(Source::Entry(entry)),
            _ => {
                if let Ok(Some(file)) = item.get_as_file() {
                    out.push(Source::File(file));
                }
            }
        }
    }
    if out.is_empty() {
        if let Some(files) = transfer.files() {
            out = from_list(&files);
        }
    }
    out
}

/// The files of a picker (`<input type=file>`), folders included.
pub fn from_list(files: &FileList) -> Vec<Source> {
    (0..files.length())
        .filter_map(|i| files.get(i))
        .map(Source::File)
        .collect()
}

/// Reads every source into memory, walking folders recursively. Files that
/// cannot be read, and files past the caps, are reported, not fatal.
pub async fn read_all(sources: Vec<Source>, limits: &Limits) -> (Vec<Input>, Vec<ParseError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut files: Vec<(String, File)> = Vec::new();
    let mut stack: Vec<FileSystemEntry> = Vec::new();
    for source in sources {
        match source {
            Source::File(f) => files.push((display_name(&f), f)),
            Source::Entry(e) => stack.push(e),
            Source::Bytes(input) if input.bytes.len() > limits.max_archive_bytes => {
                errors.push(too_large(&input.name, input.bytes.len() as f64, limits))
            }
            Source::Bytes(input) => inputs.push(input),
        }
    }
    while let Some(entry) = stack.pop() {
        let name = entry.full_path().trim_start_matches('/').to_string();
        if files.len() + stack.len() >= limits.max_archive_entries {
            errors.push(ParseError::new(
                &name,
                format!(
                    "skipped: the drop holds more than {} files",
                    limits.max_archive_entries
                ),
            ));
            break;
        }
        if entry.is_directory() {
            match children(entry.unchecked_ref()).await {
                Ok(found) => stack.extend(found),
                Err(e) => errors.push(ParseError::new(&name, format!("folder unreadable: {e}"))),
            }
        } else {
            match entry_file(&entry).await {
                Ok(file) => files.push((name, file)),
                Err(e) => errors.push(ParseError::new(&name, format!("file unreadable: {e}"))),
            }
        }
    }
    for (name, file) in files {
        if file.size() > limits.max_archive_bytes as f64 {
            errors.push(too_large(&name, file.size(), limits));
            continue;
        }
        let file = gloo::file::File::from(file);
        match gloo::file::futures::read_as_bytes(&file).await {
            Ok(bytes) => inputs.push(Input { name, bytes }),
            Err(e) => errors.push(ParseError::new(&name, format!("file unreadable: {e}"))),
        }
    }
    (inputs, errors)
}

/// The error for a file past the cap on one dropped file or archive.
fn too_large(name: &str, size: f64, limits: &Limits) -> ParseError {
    ParseError::new(
        name,
        format!(
            "file is {size} bytes, larger than the {} byte limit",
            limits.max_archive_bytes
        ),
    )
}

/// A picked file's name with its folder path when a folder was picked.
fn display_name(file: &File) -> String {
    let relative = js_sys::Reflect::get(file, &JsValue::from_str("webkitRelativePath"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    if relative.is_empty() {
        file.name()
    } else {
        relative
    }
}

/// Every entry of a folder: `readEntries` returns batches until an empty one.
async fn children(dir: &FileSystemDirectoryEntry) -> Result<Vec<FileSystemEntry>, String> {
    let reader = dir.create_reader();
    let mut out = Vec::new();
    loop {
        let batch = Promise::new(&mut |resolve, reject| {
            if let Err(e) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        });
        let batch: Array = JsFuture::from(batch)
            .await
            .map_err(describe)?
            .unchecked_into();
        if batch.length() == 0 {
            return Ok(out);
        }
        out.extend(batch.iter().map(|e| e.unchecked_into::<FileSystemEntry>()));
    }
}

/// The file behind a file entry.
async fn entry_file(entry: &FileSystemEntry) -> Result<File, String> {
    let entry: &web_sys::FileSystemFileEntry = entry.unchecked_ref();
    let file = Promise::new(&mut |resolve, reject| {
        entry.file_with_callback_and_callback(&resolve, &reject);
    });
    Ok(JsFuture::from(file)
        .await
        .map_err(describe)?
        .unchecked_into())
}

/// A JavaScript error as text.
fn describe(e: JsValue) -> String {
    js_sys::Reflect::get(&e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

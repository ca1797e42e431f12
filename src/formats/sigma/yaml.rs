//! YAML loading for Sigma files: splits a file into documents, reads each
//! from the YAML event stream of serde-saphyr's parser under limits (size,
//! depth, node count with aliases expanded) and yields a small tree that
//! remembers where every node starts, so later errors can point at it. The
//! event layer is used directly because it is several times faster than
//! going through serde, and Sigma needs YAML 1.1 typing (as pySigma reads it).

use crate::model::ParseError;
use serde_saphyr::granit_parser::{
    Event, Options as ParserOptions, Parser, ScalarStyle, Span, Tag,
};
use std::collections::HashMap;

/// Largest Sigma file accepted (real rules are a few kilobytes).
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
/// Most YAML documents accepted in one file.
pub const MAX_DOCUMENTS: usize = 256;

/// A YAML value with the 1-based position where it starts in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
    pub column: u32,
}

/// The shapes a Sigma document is made of. Numbers keep the text the author
/// wrote (`1.10`, `0755`), maps keep their order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub line: u32,
    pub column: u32,
}

impl Node {
    /// The entries of a map, or `None` for any other shape.
    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key` when this node is a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.text == key)
            .map(|(_, v)| v)
    }

    /// The text of a scalar (`true`, `4624`, `x`); `None` for null, lists, maps.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.clone()),
            Value::Str(s) => Some(s.clone()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// A scalar as text, or every scalar of a list as text (other shapes: empty).
    pub fn texts(&self) -> Vec<String> {
        match &self.value {
            Value::Seq(items) => items.iter().filter_map(Node::scalar_text).collect(),
            _ => self.scalar_text().into_iter().collect(),
        }
    }

    /// An error for `path` pointing at this node.
    pub fn error(&self, path: &str, reason: impl Into<String>) -> ParseError {
        ParseError::new(path, reason).at(self.line, self.column)
    }
}

/// One YAML document of a file: its tree and its source text.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// 1-based number of the document in the file.
    pub number: usize,
    /// The parsed tree; `None` for an empty document.
    pub root: Option<Node>,
    /// The document's text as written.
    pub text: &'a str,
}

/// Splits `text` into documents and parses each one under the budgets.
pub fn load<'a>(path: &str, text: &'a str) -> Result<Vec<Document<'a>>, ParseError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(ParseError::new(
            path,
            format!(
                "file is {} bytes, more than the {} bytes a Sigma rule may have",
                text.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    let chunks = split_documents(text);
    if chunks.len() > MAX_DOCUMENTS {
        return Err(ParseError::new(
            path,
            format!(
                "file has {} YAML documents, more than the {} allowed",
                chunks.len(),
                MAX_DOCUMENTS
            ),
        ));
    }
    let several = chunks.len() > 1;
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, (first_line, chunk))| {
            let number = i + 1;
            parse_document(chunk, first_line - 1)
                .map(|root| Document {
                    number,
                    root,
                    text: chunk,
                })
                .map_err(|(line, column, reason)| {
                    let reason = if several {
                        format!("YAML document {number}: {reason}")
                    } else {
                        reason
                    };
                    let err = ParseError::new(path, format!("invalid YAML: {reason}"));
                    match line {
                        Some(l) => err.at(l + first_line - 1, column.unwrap_or(1)),
                        None => err,
                    }
                })
        })
        .collect()
}

/// Cuts a YAML stream at `---` lines; each piece keeps its marker line and
/// the 1-based line it starts on. A document marker is only valid at column 0,
/// even inside block scalars, so a line-based split is exact.
fn split_documents(text: &str) -> Vec<(u32, &str)> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut offset = 0usize;
    for (line, raw) in (1u32..).zip(text.split_inclusive('\n')) {
        let content = raw.trim_end_matches(['\n', '\r']);
        let marker =
            content == "---" || content.starts_with("--- ") || content.starts_with("---\t");
        if marker && offset > start {
            chunks.push((start_line, &text[start..offset]));
            start = offset;
            start_line = line;
        }
        offset += raw.len();
    }
    chunks.push((start_line, &text[start..]));
    chunks
}

type YamlFailure = (Option<u32>, Option<u32>, String);

/// Deepest nesting of lists and maps accepted.
const MAX_DEPTH: usize = 64;
/// Most nodes one document may produce, aliases expanded included.
const MAX_NODES: usize = 200_000;

/// Parses one document from the YAML event stream under the limits (depth,
/// nodes, alias expansion); positions count from the top of the file.
fn parse_document(chunk: &str, line_shift: u32) -> Result<Option<Node>, YamlFailure> {
    let mut options = ParserOptions::default();
    options.emit_comments = false;
    options.flow_nesting_limit = MAX_DEPTH;
    options.block_nesting_limit = MAX_DEPTH;
    let mut builder = Builder {
        line_shift,
        ..Builder::default()
    };
    for event in Parser::new_from_str_with_options(chunk, options) {
        let (event, span) = event.map_err(|e| {
            let mark = e.marker();
            (
                Some(mark.line() as u32 + line_shift),
                Some(mark.col() as u32 + 1),
                e.info(),
            )
        })?;
        builder
            .event(event, span)
            .map_err(|reason| (None, None, reason))?;
    }
    Ok(builder.root.filter(|n| n.value != Value::Null))
}

/// A list or map being read, with the anchor it will be stored under.
enum Frame {
    Seq {
        at: (u32, u32),
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        at: (u32, u32),
        anchor: usize,
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
    },
}

/// Builds [`Node`]s from parser events, expanding aliases under a node budget.
#[derive(Default)]
struct Builder {
    line_shift: u32,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    root: Option<Node>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), String> {
        let at = (
            span.start.line() as u32 + self.line_shift,
            span.start.col() as u32 + 1,
        );
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(&text, style, tag.as_deref());
                self.complete(Node::at(value, at), anchor, 1)
            }
            Event::Alias(id) => {
                let (node, size) = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| "alias to an unknown anchor".to_string())?;
                self.complete(
                    Node {
                        line: at.0,
                        column: at.1,
                        ..node
                    },
                    0,
                    size,
                )
            }
            Event::SequenceStart(_, anchor, _) => self.open(Frame::Seq {
                at,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(_, anchor, _) => self.open(Frame::Map {
                at,
                anchor,
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq { at, anchor, items }) => {
                    self.complete(Node::at(Value::Seq(items), at), anchor, 1)
                }
                Some(Frame::Map {
                    at,
                    anchor,
                    entries,
                    ..
                }) => self.complete(Node::at(Value::Map(entries), at), anchor, 1),
                None => Err("unbalanced end of a list or map".to_string()),
            },
            _ => Ok(()),
        }
    }

    fn open(&mut self, frame: Frame) -> Result<(), String> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!(
                "lists and maps nest deeper than {MAX_DEPTH} levels"
            ));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Places a finished node (`size` nodes, aliases expanded) in its parent.
    fn complete(&mut self, node: Node, anchor: usize, size: usize) -> Result<(), String> {
        self.nodes += size;
        if self.nodes > MAX_NODES {
            return Err(format!(
                "document expands to more than {MAX_NODES} values (alias bomb?)"
            ));
        }
        if anchor != 0 {
            let size = match &node.value {
                Value::Seq(_) | Value::Map(_) if size == 1 => node_count(&node),
                _ => size,
            };
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None if self.root.is_none() => self.root = Some(node),
            None => return Err("more than one YAML document without a '---' line".to_string()),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    if matches!(node.value, Value::Seq(_) | Value::Map(_)) {
                        return Err(format!(
                            "line {}: a mapping key must be a plain value, not a list or map",
                            node.line
                        ));
                    }
                    *key = Some(Key {
                        text: node.scalar_text().unwrap_or_default(),
                        line: node.line,
                        column: node.column,
                    });
                }
                Some(k) => match entries.iter_mut().find(|(e, _)| e.text == k.text) {
                    Some(slot) => slot.1 = node,
                    None => entries.push((k, node)),
                },
            },
        }
        Ok(())
    }
}

fn node_count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(node_count).sum(),
        Value::Map(entries) => entries.iter().map(|(_, v)| 1 + node_count(v)).sum(),
        _ => 0,
    }
}

impl Node {
    fn at(value: Value, (line, column): (u32, u32)) -> Node {
        Node {
            value,
            line,
            column,
        }
    }
}

/// Resolves a scalar's type as YAML 1.1 readers (PyYAML, hence pySigma) do:
/// only plain, untagged scalars can be null, booleans or numbers.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
        return match tag.suffix() {
            "null" => Value::Null,
            "bool" => plain_scalar(text),
            "int" | "float" => Value::Number(text.to_string()),
            _ => Value::Str(text.to_string()),
        };
    }
    if style != ScalarStyle::Plain {
        return Value::Str(text.to_string());
    }
    plain_scalar(text)
}

fn plain_scalar(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Value::Bool(true),
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            Value::Bool(false)
        }
        _ if is_number(text) => Value::Number(text.to_string()),
        _ => Value::Str(text.to_string()),
    }
}

/// YAML 1.1 integers (decimal, `0x`, `0b`, octal) and floats (`1.5`, `1e3`
/// with a dot, `.inf`, `.nan`).
fn is_number(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let digits =
        |s: &str, ok: fn(u8) -> bool| !s.is_empty() && s.bytes().all(|b| ok(b) || b == b'_');
    if let Some(hex) = body.strip_prefix("0x") {
        return digits(hex, |b| b.is_ascii_hexdigit());
    }
    if let Some(bin) = body.strip_prefix("0b") {
        return digits(bin, |b| b == b'0' || b == b'1');
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let decimal = |b: u8| b.is_ascii_digit();
    match frac {
        None => exponent.is_none() && digits(int, decimal) && !int.starts_with('_'),
        Some(f) => {
            exponent_ok
                && (int.is_empty() || digits(int, decimal))
                && (f.is_empty() || digits(f, decimal))
                && !(int.is_empty() && f.is_empty())
        }
    }
}

/// The text of the top-level block `key:` in a document, as written (the key
/// line and every indented or blank line after it), without trailing blank lines.
pub fn block_text<'a>(document: &'a str, key: &str) -> Option<&'a str> {
    let mut offset = 0usize;
    let mut start = None;
    let mut end = document.len();
    for raw in document.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let top_level = !line.is_empty() && !line.starts_with([' ', '\t', '#']);
        match start {
            None if top_level && is_key_line(line, key) => start = Some(offset),
            Some(_) if top_level => {
                end = offset;
                break;
            }
            _ => {}
        }
        offset += raw.len();
    }
    start.map(|s| document[s..end].trim_end())
}

fn is_key_line(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .map(|rest| rest.trim_start().starts_with(':'))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_spelling_and_maps_their_order() {
        let docs = load("x.yml", "b: 1.10\na: [0755, true, ~, 'q']\n").unwrap();
        let root = docs[0].root.as_ref().unwrap();
        let keys: Vec<_> = root
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| &k.text)
            .collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(root.get("b").unwrap().value, Value::Number("1.10".into()));
        let a = root.get("a").unwrap();
        assert_eq!(a.texts(), ["0755", "true", "q"]);
        assert_eq!((a.line, a.column), (2, 4));
    }

    #[test]
    fn documents_are_split_and_errors_name_the_document_and_line() {
        let text = "a: 1\n---\nb: [\n";
        let err = load("f.yml", text).unwrap_err();
        assert!(err.reason.contains("YAML document 2"), "{}", err.reason);
        assert!(err.line.unwrap() >= 3);
    }

    #[test]
    fn alias_bombs_and_deep_nesting_are_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(load("bomb.yml", &bomb).is_err());
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(load("deep.yml", &deep).is_err());
    }

    #[test]
    fn plain_scalars_are_typed_like_yaml_1_1() {
        let docs = load(
            "t.yml",
            "a: [yes, Off, 0x1F, 1_000, 1.5e+3, .5, 12:30, 1.2.3, '7', !!str 8, ~, '']\n",
        )
        .unwrap();
        let a = docs[0].root.as_ref().unwrap().get("a").unwrap();
        let Value::Seq(items) = &a.value else {
            panic!("a list")
        };
        let kinds: Vec<_> = items
            .iter()
            .map(|n| match &n.value {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Number(_) => "number",
                Value::Str(_) => "str",
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "bool", "bool", "number", "number", "number", "number", "str", "str", "str", "str",
                "null", "str"
            ]
        );
    }

    #[test]
    fn block_text_stops_at_the_next_top_level_key() {
        let doc = "title: t\ndetection:\n  sel:\n    a: 1\n\n  condition: sel\nlevel: high\n";
        assert_eq!(
            block_text(doc, "detection"),
            Some("detection:\n  sel:\n    a: 1\n\n  condition: sel")
        );
        assert_eq!(block_text(doc, "correlation"), None);
    }
}

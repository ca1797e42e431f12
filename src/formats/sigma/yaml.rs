//! YAML loading for Sigma files: splits a file into documents, parses each
//! with budgets (size, depth, alias expansion) and yields a small tree that
//! remembers where every node starts, so later errors can point at it.

use crate::model::ParseError;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{options::DuplicateKeyPolicy, Spanned};
use std::fmt;

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
    let mut line = 1u32;
    for raw in text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        let marker =
            content == "---" || content.starts_with("--- ") || content.starts_with("---\t");
        if marker && offset > start {
            chunks.push((start_line, &text[start..offset]));
            start = offset;
            start_line = line;
        }
        offset += raw.len();
        line += 1;
    }
    chunks.push((start_line, &text[start..]));
    chunks
}

type YamlFailure = (Option<u32>, Option<u32>, String);

/// Parses one document under the budgets, restores number spellings and
/// shifts positions by `line_shift` so they count from the top of the file.
fn parse_document(chunk: &str, line_shift: u32) -> Result<Option<Node>, YamlFailure> {
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 100_000;
    alias_limits.max_replay_stack_depth = 16;
    alias_limits.max_alias_expansions_per_anchor = 1_000;
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 64,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_nodes: 200_000,
            max_documents: 1,
            max_total_scalar_bytes: MAX_FILE_BYTES,
        },
        alias_limits: alias_limits,
        duplicate_keys: DuplicateKeyPolicy::LastWins,
        with_snippet: false,
    };
    let parsed: Option<SpannedNode> =
        serde_saphyr::from_str_with_options(chunk, options).map_err(|e| {
            let loc = e.location();
            let message = e.to_string();
            let message = message.lines().next().unwrap_or("").trim().to_string();
            (
                loc.map(|l| l.line() as u32),
                loc.map(|l| l.column() as u32),
                message,
            )
        })?;
    Ok(parsed.map(|n| n.into_node(chunk, line_shift)))
}

/// A node as deserialized, before number spellings are restored from the text.
struct SpannedNode {
    value: RawValue,
    line: u32,
    column: u32,
    byte_range: Option<(usize, usize)>,
}

enum RawValue {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Seq(Vec<SpannedNode>),
    Map(Vec<(SpannedNode, SpannedNode)>),
}

impl SpannedNode {
    fn into_node(self, source: &str, line_shift: u32) -> Node {
        let value = match self.value {
            RawValue::Null => Value::Null,
            RawValue::Bool(b) => Value::Bool(b),
            RawValue::Number(n) => Value::Number(
                self.byte_range
                    .and_then(|(from, len)| source.get(from..from + len))
                    .map(str::trim)
                    .filter(|raw| !raw.is_empty() && !raw.starts_with(['\'', '"', '!']))
                    .map(str::to_string)
                    .unwrap_or(n),
            ),
            RawValue::Str(s) => Value::Str(s),
            RawValue::Seq(items) => Value::Seq(
                items
                    .into_iter()
                    .map(|i| i.into_node(source, line_shift))
                    .collect(),
            ),
            RawValue::Map(entries) => {
                let mut out: Vec<(Key, Node)> = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let key_node = k.into_node(source, line_shift);
                    let key = Key {
                        text: key_node.scalar_text().unwrap_or_default(),
                        line: key_node.line,
                        column: key_node.column,
                    };
                    let value = v.into_node(source, line_shift);
                    match out
                        .iter_mut()
                        .find(|(existing, _)| existing.text == key.text)
                    {
                        Some(slot) => slot.1 = value,
                        None => out.push((key, value)),
                    }
                }
                Value::Map(out)
            }
        };
        Node {
            value,
            line: self.line + line_shift,
            column: self.column,
        }
    }
}

impl<'de> Deserialize<'de> for SpannedNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<RawValue>::deserialize(deserializer)?;
        let loc = spanned.referenced;
        let span = loc.span();
        let byte_range = span
            .byte_offset()
            .zip(span.byte_len())
            .map(|(o, l)| (o as usize, l as usize));
        Ok(SpannedNode {
            value: spanned.value,
            line: loc.line() as u32,
            column: loc.column() as u32,
            byte_range,
        })
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawValue, E> {
        Ok(RawValue::Number(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawValue, E> {
        Ok(RawValue::Number(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Number(format!("{v:?}")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Str(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::Str(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<RawValue, E> {
        Ok(RawValue::Str(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<SpannedNode>()? {
            items.push(item);
        }
        Ok(RawValue::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<SpannedNode>()? {
            if matches!(key.value, RawValue::Seq(_) | RawValue::Map(_)) {
                return Err(de::Error::custom(
                    "a mapping key must be a plain value, not a list or map",
                ));
            }
            let value = map.next_value::<SpannedNode>()?;
            entries.push((key, value));
        }
        Ok(RawValue::Map(entries))
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
    fn block_text_stops_at_the_next_top_level_key() {
        let doc = "title: t\ndetection:\n  sel:\n    a: 1\n\n  condition: sel\nlevel: high\n";
        assert_eq!(
            block_text(doc, "detection"),
            Some("detection:\n  sel:\n    a: 1\n\n  condition: sel")
        );
        assert_eq!(block_text(doc, "correlation"), None);
    }
}

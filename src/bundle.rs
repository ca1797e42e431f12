//! Versioned binary encoding of a catalog: encoded natively by the CLI,
//! decoded in the browser. Two files: the bundle the page embeds, and
//! beside it the rules' original texts, which only a rule page shows, so
//! the page fetches them on first use instead of paying for them at start.
//! Each file is a 4-byte magic, a little-endian `u32` format version, then
//! a brotli stream of a postcard encoding. The bundle holds [`CatalogData`]
//! without the texts; what can be derived again cheaply is left out too:
//! comparison keys that are just the lower-cased value, and upstream links
//! (the sources' URL templates rebuild them). Canonical fields stay:
//! recomputing them in the page would cost more than they weigh.

use crate::catalog::{attach_source, CatalogData};
use crate::model::Rule;
use std::collections::HashMap;
use std::io::Read;

const MAGIC: &[u8; 4] = b"RSCB";
const TEXTS_MAGIC: &[u8; 4] = b"RSCX";

/// Bumped whenever the model changes shape, so a stale bundle is refused
/// with a clear message instead of decoding into garbage.
pub const VERSION: u32 = 4;

/// The texts file's name, written next to the bundle and served next to
/// the page.
pub const TEXTS_FILE: &str = "rulescope-texts.bin";

/// Stands for an empty comparison key whose value is not empty, since an
/// empty key in the bundle means "the lower-cased value".
const EMPTY_NORM: &str = "\u{0}";

/// Largest decoded file accepted, against a corrupt or hostile stream.
const MAX_DECODED: u64 = 512 * 1024 * 1024;

/// Which rule a stored text belongs to: its file and id, which stay the
/// same however the page reorders or extends its catalog.
pub fn text_key(rule: &Rule) -> String {
    format!("{}\u{0}{}", rule.path, rule.id)
}

/// `magic`, the version, then `body` brotli-compressed at `quality`.
#[cfg(feature = "cli")]
fn frame(magic: &[u8; 4], body: &[u8], quality: u32) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut out = magic.to_vec();
    out.extend_from_slice(&VERSION.to_le_bytes());
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 1 << 16, quality.min(11), 24);
        w.write_all(body)
            .map_err(|e| format!("cannot compress bundle: {e}"))?;
    }
    Ok(out)
}

/// Checks the header written by [`frame`] and decompresses the body;
/// `what` names the file in errors.
fn unframe(magic: &[u8; 4], bytes: &[u8], what: &str) -> Result<Vec<u8>, String> {
    let header = bytes
        .get(..8)
        .ok_or_else(|| format!("{what} is truncated (shorter than its header)"))?;
    if &header[..4] != magic {
        return Err(format!("not a rulescope {what} (bad magic bytes)"));
    }
    let version = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    if version != VERSION {
        return Err(format!(
            "{what} format {version} does not match this build's format {VERSION}; rebuild the bundle"
        ));
    }
    let mut body = Vec::new();
    brotli_decompressor::Decompressor::new(&bytes[8..], 1 << 16)
        .take(MAX_DECODED)
        .read_to_end(&mut body)
        .map_err(|e| format!("corrupt {what} (compression): {e}"))?;
    Ok(body)
}

/// Encodes a catalog for embedding, without the rules' original texts (see
/// [`encode_texts`]), at brotli `quality` (0–11; 11 is the smallest and
/// slowest).
#[cfg(feature = "cli")]
pub fn encode(data: &CatalogData, quality: u32) -> Result<Vec<u8>, String> {
    let mut slim = data.clone();
    for rule in &mut slim.rules {
        rule.query.clear();
        let mut rebuilt = Rule {
            path: rule.path.clone(),
            ..Rule::default()
        };
        attach_source(&mut rebuilt, &data.meta.sources);
        if rebuilt.url == rule.url {
            rule.url.clear();
        }
        for p in rule.all_predicates_mut() {
            if p.norm == p.value.to_lowercase() {
                p.norm.clear();
            } else if p.norm.is_empty() {
                p.norm = EMPTY_NORM.to_string();
            }
        }
    }
    let body = postcard::to_allocvec(&slim).map_err(|e| format!("cannot encode bundle: {e}"))?;
    frame(MAGIC, &body, quality)
}

/// Encodes the rules' original texts, keyed by [`text_key`], for the file
/// that goes beside the bundle.
#[cfg(feature = "cli")]
pub fn encode_texts(data: &CatalogData, quality: u32) -> Result<Vec<u8>, String> {
    let texts: Vec<(String, &str)> = data
        .rules
        .iter()
        .filter(|r| !r.query.is_empty())
        .map(|r| (text_key(r), r.query.as_str()))
        .collect();
    let body = postcard::to_allocvec(&texts).map_err(|e| format!("cannot encode texts: {e}"))?;
    frame(TEXTS_MAGIC, &body, quality)
}

/// Decodes a bundle written by [`encode`] with the same [`VERSION`], and
/// recomputes what was left out (but the texts: see [`decode_texts`]).
pub fn decode(bytes: &[u8]) -> Result<CatalogData, String> {
    let body = unframe(MAGIC, bytes, "bundle")?;
    let mut data: CatalogData =
        postcard::from_bytes(&body).map_err(|e| format!("corrupt bundle: {e}"))?;
    let sources = std::mem::take(&mut data.meta.sources);
    for rule in &mut data.rules {
        attach_source(rule, &sources);
        for p in rule.all_predicates_mut() {
            if p.norm.is_empty() {
                p.norm = p.value.to_lowercase();
            } else if p.norm == EMPTY_NORM {
                p.norm.clear();
            }
        }
    }
    data.meta.sources = sources;
    Ok(data)
}

/// Decodes a texts file written by [`encode_texts`]: original text by
/// [`text_key`].
pub fn decode_texts(bytes: &[u8]) -> Result<HashMap<String, String>, String> {
    let body = unframe(TEXTS_MAGIC, bytes, "texts file")?;
    let texts: Vec<(String, String)> =
        postcard::from_bytes(&body).map_err(|e| format!("corrupt texts file: {e}"))?;
    Ok(texts.into_iter().collect())
}

/// Puts decoded texts back on the rules they belong to (rules that already
/// carry a text keep it).
pub fn restore_texts(data: &mut CatalogData, texts: &HashMap<String, String>) {
    for rule in data.rules.iter_mut().filter(|r| r.query.is_empty()) {
        if let Some(text) = texts.get(&text_key(rule)) {
            rule.query = text.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::SourceInfo;
    use crate::model::{Expr, Op, Predicate, Rule, Vendor};

    #[test]
    fn round_trips_and_rejects_bad_input() {
        let mut rule = Rule {
            vendor: Vendor::Elastic,
            id: "x".into(),
            path: "elastic/rules/windows/x.toml".into(),
            techniques: vec!["T1059".into()],
            ..Rule::default()
        };
        rule.set_logic(Expr::Not(Box::new(Expr::Pred(Predicate::new(
            "process.name",
            Op::Match,
            "CMD.exe",
        )))));
        let mut data = CatalogData {
            rules: vec![rule],
            ..CatalogData::default()
        };
        data.meta.sources.push(SourceInfo {
            name: "elastic".into(),
            commit: "c0ffee".into(),
            license: "Elastic License v2".into(),
            url_template: "https://github.com/elastic/detection-rules/blob/{commit}/{path}".into(),
            strip_prefix: "elastic/".into(),
            ..SourceInfo::default()
        });
        for r in &mut data.rules {
            attach_source(r, &data.meta.sources);
            crate::fields::normalise_rule(r);
        }
        // A key that is not the lower-cased value, and an empty one.
        let mut odd = Predicate::new("f", Op::Wildcard, "*\\CMD.exe");
        odd.norm = "cmd.exe".into();
        let mut empty = Predicate::new("g", Op::Eq, "x");
        empty.norm.clear();
        data.rules[0].predicates.extend([odd, empty]);
        data.rules[0].query = "process.name : \"cmd.exe\"".into();
        assert!(data.rules[0].url.ends_with("/c0ffee/rules/windows/x.toml"));
        let bytes = encode(&data, 5).unwrap();
        let mut decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.rules[0].query, "", "texts travel in their own file");
        let texts = decode_texts(&encode_texts(&data, 5).unwrap()).unwrap();
        assert_eq!(texts.len(), 1);
        restore_texts(&mut decoded, &texts);
        assert_eq!(decoded, data);
        assert!(decode_texts(&bytes).unwrap_err().contains("magic"));
        assert!(decode(b"RSC").unwrap_err().contains("truncated"));
        assert!(decode(b"XXXX\x04\0\0\0").unwrap_err().contains("magic"));
        assert!(decode(b"RSCB\x09\0\0\0").unwrap_err().contains("rebuild"));
        assert!(decode(&bytes[..bytes.len() - 3])
            .unwrap_err()
            .contains("corrupt"));
    }
}

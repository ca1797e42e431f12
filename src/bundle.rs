//! Versioned binary encoding of a catalog: encoded natively by the CLI,
//! decoded in the browser. Layout: magic `RSCB`, a little-endian `u32`
//! format version, then a brotli stream of the postcard encoding of
//! [`CatalogData`]. What can be derived again cheaply is left out to keep the
//! page small: comparison keys that are just the lower-cased value, and
//! upstream links (the sources' URL templates rebuild them). Canonical fields
//! stay: recomputing them in the page would cost more than they weigh.

use crate::catalog::{attach_source, CatalogData};
use std::io::Read;

const MAGIC: &[u8; 4] = b"RSCB";

/// Bumped whenever the model changes shape, so a stale bundle is refused
/// with a clear message instead of decoding into garbage.
pub const VERSION: u32 = 3;

/// Stands for an empty comparison key whose value is not empty, since an
/// empty key in the bundle means "the lower-cased value".
const EMPTY_NORM: &str = "\u{0}";

/// Largest decoded bundle accepted, against a corrupt or hostile stream.
const MAX_DECODED: u64 = 512 * 1024 * 1024;

/// Encodes a catalog for embedding, at brotli `quality` (0–11; 11 is the
/// smallest and slowest).
#[cfg(feature = "cli")]
pub fn encode(data: &CatalogData, quality: u32) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut slim = data.clone();
    for rule in &mut slim.rules {
        let mut rebuilt = crate::model::Rule {
            path: rule.path.clone(),
            ..crate::model::Rule::default()
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
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&VERSION.to_le_bytes());
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 1 << 16, quality.min(11), 24);
        w.write_all(&body)
            .map_err(|e| format!("cannot compress bundle: {e}"))?;
    }
    Ok(out)
}

/// Decodes a bundle written by [`encode`] with the same [`VERSION`], and
/// recomputes what was left out.
pub fn decode(bytes: &[u8]) -> Result<CatalogData, String> {
    let header = bytes
        .get(..8)
        .ok_or_else(|| "bundle is truncated (shorter than its header)".to_string())?;
    if &header[..4] != MAGIC {
        return Err("not a rulescope bundle (bad magic bytes)".into());
    }
    let version = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    if version != VERSION {
        return Err(format!(
            "bundle format {version} does not match this build's format {VERSION}; rebuild the bundle"
        ));
    }
    let mut body = Vec::new();
    brotli_decompressor::Decompressor::new(&bytes[8..], 1 << 16)
        .take(MAX_DECODED)
        .read_to_end(&mut body)
        .map_err(|e| format!("corrupt bundle (compression): {e}"))?;
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
        assert!(data.rules[0].url.ends_with("/c0ffee/rules/windows/x.toml"));
        let bytes = encode(&data, 5).unwrap();
        assert_eq!(decode(&bytes).unwrap(), data);
        assert!(decode(b"RSC").unwrap_err().contains("truncated"));
        assert!(decode(b"XXXX\x03\0\0\0").unwrap_err().contains("magic"));
        assert!(decode(b"RSCB\x09\0\0\0").unwrap_err().contains("rebuild"));
        assert!(decode(&bytes[..bytes.len() - 3])
            .unwrap_err()
            .contains("corrupt"));
    }
}

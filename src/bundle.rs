//! Versioned binary encoding of a catalog: encoded natively by the CLI,
//! decoded in the browser. Layout: magic `RSCB`, a little-endian `u32`
//! format version, then the postcard encoding of [`CatalogData`].

use crate::catalog::CatalogData;

const MAGIC: &[u8; 4] = b"RSCB";

/// Bumped whenever the model changes shape, so a stale bundle is refused
/// with a clear message instead of decoding into garbage.
pub const VERSION: u32 = 1;

/// Encodes a catalog for embedding.
pub fn encode(data: &CatalogData) -> Result<Vec<u8>, String> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&VERSION.to_le_bytes());
    let body = postcard::to_allocvec(data).map_err(|e| format!("cannot encode bundle: {e}"))?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Decodes a bundle written by [`encode`] with the same [`VERSION`].
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
    postcard::from_bytes(&bytes[8..]).map_err(|e| format!("corrupt bundle: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Expr, Op, Predicate, Rule, Vendor};

    #[test]
    fn round_trips_and_rejects_bad_input() {
        let mut rule = Rule {
            vendor: Vendor::Elastic,
            id: "x".into(),
            techniques: vec!["T1059".into()],
            ..Rule::default()
        };
        rule.set_logic(Expr::Not(Box::new(Expr::Pred(Predicate::new(
            "process.name",
            Op::Match,
            "cmd.exe",
        )))));
        let data = CatalogData {
            rules: vec![rule],
            ..CatalogData::default()
        };
        let bytes = encode(&data).unwrap();
        assert_eq!(decode(&bytes).unwrap(), data);
        assert!(decode(b"RSC").unwrap_err().contains("truncated"));
        assert!(decode(b"XXXX\x01\0\0\0").unwrap_err().contains("magic"));
        assert!(decode(b"RSCB\x09\0\0\0").unwrap_err().contains("rebuild"));
        assert!(decode(&bytes[..bytes.len() - 3])
            .unwrap_err()
            .contains("corrupt"));
    }
}

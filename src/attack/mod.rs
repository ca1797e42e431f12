//! ATT&CK techniques and tactics read from the STIX objects.
//!
//! [`from_stix_objects`] is pure (text in, catalogue out) so the page can use
//! it too; [`load_dir`] reads the `enterprise-attack/<type>/*.json` layout of
//! the mitre/cti repository from disk.

mod assemble;
mod citations;
mod stix;

use crate::model::{ParseError, Tactic, Technique};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The ATT&CK Enterprise catalogue the rules are organised by.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attack {
    /// ATT&CK release (`18.0`) from an `x-mitre-collection` object; the
    /// per-type folders of mitre/cti carry none, and then this is the date of
    /// the newest object (`2025-10-24`).
    pub version: String,
    /// Tactics in matrix order.
    pub tactics: Vec<Tactic>,
    /// Techniques and sub-techniques, sorted by id.
    pub techniques: Vec<Technique>,
}

impl Attack {
    /// The technique or sub-technique with this id (`T1059.001`).
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.techniques
            .binary_search_by(|t| t.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.techniques[i])
    }
}

/// The STIX object types the catalogue is built from: the folder names of
/// the mitre/cti layout that [`load_dir`] reads.
pub const STIX_TYPES: [&str; 7] = [
    "attack-pattern",
    "relationship",
    "x-mitre-tactic",
    "x-mitre-matrix",
    "x-mitre-detection-strategy",
    "x-mitre-analytic",
    "x-mitre-collection",
];

/// Builds the catalogue from `(path, JSON text)` pairs, each a STIX bundle or
/// a single object, in any order. The path only labels errors.
pub fn from_stix_objects<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Attack, ParseError> {
    let mut objects = assemble::Objects::default();
    for (path, text) in files {
        for object in stix::parse_file(path, text)? {
            objects.add(object);
        }
    }
    Ok(objects.assemble())
}

/// Reads the catalogue from an ATT&CK corpus folder: either the folder that
/// holds `enterprise-attack/`, or `enterprise-attack/` itself.
pub fn load_dir(dir: &Path) -> Result<Attack, ParseError> {
    let nested = dir.join("enterprise-attack");
    let root = if nested.is_dir() {
        nested
    } else {
        dir.to_path_buf()
    };
    let mut files: Vec<(String, String)> = Vec::new();
    for kind in STIX_TYPES {
        let folder = root.join(kind);
        if folder.is_dir() {
            for path in json_files(&folder)? {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| ParseError::new(path.display().to_string(), e.to_string()))?;
                files.push((path.display().to_string(), text));
            }
        }
    }
    if files.is_empty() {
        return Err(ParseError::new(
            dir.display().to_string(),
            "no ATT&CK STIX files found: expected enterprise-attack/<type>/*.json",
        ));
    }
    from_stix_objects(files.iter().map(|(p, t)| (p.as_str(), t.as_str())))
}

/// The `*.json` files directly in `folder`, sorted for a stable load order.
fn json_files(folder: &Path) -> Result<Vec<PathBuf>, ParseError> {
    let error = |e: std::io::Error| ParseError::new(folder.display().to_string(), e.to_string());
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(error)? {
        let path = entry.map_err(error)?.path();
        if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

//! Reading a corpus folder (`sigma/`, `splunk/`, `elastic/`, `attack/`) from
//! disk into a catalog, using the same parsers the page uses for dropped
//! files. Only the file system lives here; parsing stays in `formats`.

use crate::attack;
use crate::catalog::{attach_source, CatalogData, CorpusMeta, SourceInfo};
use crate::fields;
use crate::formats::{self, Context};
use crate::model::{ParseError, Rule};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The environment variable naming the corpus folder.
pub const CORPUS_ENV: &str = "RULESCOPE_CORPUS";

/// The sample rules shipped in the repository, used when there is no corpus.
pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/samples")
}

/// The corpus to read: `flag`, else `$RULESCOPE_CORPUS`, else the samples.
/// The boolean is true for the samples.
pub fn resolve_root(flag: Option<&Path>) -> (PathBuf, bool) {
    if let Some(p) = flag {
        return (p.to_path_buf(), false);
    }
    match std::env::var_os(CORPUS_ENV) {
        Some(p) if !p.is_empty() => (PathBuf::from(p), false),
        _ => (samples_dir(), true),
    }
}

#[derive(Deserialize)]
struct SourcesFile {
    #[serde(default)]
    source: Vec<SourceInfo>,
}

/// Reads `rules/sources.toml` (upstream repositories, commits, licenses).
pub fn load_sources() -> Result<Vec<SourceInfo>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/sources.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: SourcesFile =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(file.source)
}

/// Rules read from a set of files, and the files that failed.
#[derive(Debug, Default)]
pub struct Loaded {
    pub rules: Vec<Rule>,
    pub errors: Vec<ParseError>,
    /// Rule files read (macro files not counted).
    pub files: usize,
}

/// Rule files of a corpus root, in a stable order: Sigma YAML, Splunk
/// detections, Elastic rules and building blocks.
pub fn rule_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(&root.join("sigma"), &["yml", "yaml"], &mut files);
    walk(
        &root.join("splunk/detections"),
        &["yml", "yaml"],
        &mut files,
    );
    walk(&root.join("elastic/rules"), &["toml"], &mut files);
    walk(
        &root.join("elastic/rules_building_block"),
        &["toml"],
        &mut files,
    );
    files
}

/// Every rule-like file (`.yml`, `.yaml`, `.toml`) under an arbitrary folder.
pub fn rule_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(dir, &["yml", "yaml", "toml"], &mut files);
    files
}

fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, exts, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e))
        {
            out.push(p);
        }
    }
}

/// The parser context of a corpus root: its Splunk macros.
pub fn context(root: &Path) -> (Context, Vec<ParseError>) {
    let mut ctx = Context::default();
    let mut errors = Vec::new();
    let mut macro_files = Vec::new();
    walk(
        &root.join("splunk/macros"),
        &["yml", "yaml"],
        &mut macro_files,
    );
    for path in macro_files {
        let name = relative(root, &path);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                if let Err(e) = ctx.splunk_macros.load_file(&name, &text) {
                    errors.push(e);
                }
            }
            Err(e) => errors.push(ParseError::new(name, e.to_string())),
        }
    }
    (ctx, errors)
}

/// `path` relative to `root` with `/` separators, or as given outside it.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Parses `files` (read from disk) on all cores, names relative to `root`,
/// then fills in canonical fields and, from `sources`, links and licenses.
pub fn load_files(root: &Path, files: &[PathBuf], ctx: &Context, sources: &[SourceInfo]) -> Loaded {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(1);
    let parts: Vec<Loaded> = std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| s.spawn(move || load_chunk(root, part, ctx, sources)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| Loaded {
                    errors: vec![ParseError::new(
                        root.display().to_string(),
                        "a parser panicked: one share of the files was not read (please report this)",
                    )],
                    ..Loaded::default()
                })
            })
            .collect()
    });
    let mut all = Loaded::default();
    for part in parts {
        all.rules.extend(part.rules);
        all.errors.extend(part.errors);
        all.files += part.files;
    }
    all
}

fn load_chunk(root: &Path, files: &[PathBuf], ctx: &Context, sources: &[SourceInfo]) -> Loaded {
    let mut out = Loaded::default();
    for path in files {
        let name = relative(root, path);
        out.files += 1;
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                out.errors.push(ParseError::new(name, e.to_string()));
                continue;
            }
        };
        match formats::parse_file(&name, &bytes, ctx) {
            Ok(rules) => out
                .rules
                .extend(rules.into_iter().map(|r| finish(r, sources))),
            Err(e) => out.errors.push(e),
        }
    }
    out
}

/// Adds the upstream link and license and the canonical fields.
fn finish(mut rule: Rule, sources: &[SourceInfo]) -> Rule {
    attach_source(&mut rule, sources);
    fields::normalise_rule(&mut rule);
    rule
}

/// Reads a whole corpus root (rules and ATT&CK) into catalog data. Rule
/// files that fail are returned beside it; a missing ATT&CK folder is an error.
pub fn load_catalog(root: &Path, sample: bool) -> Result<(CatalogData, Vec<ParseError>), String> {
    let sources = if sample { Vec::new() } else { load_sources()? };
    let attack = attack::load_dir(&root.join("attack")).map_err(|e| e.to_string())?;
    let (ctx, mut errors) = context(root);
    let files = rule_files(root);
    let loaded = load_files(root, &files, &ctx, &sources);
    errors.extend(loaded.errors);
    // The STIX objects carry no release number; the sources file names it.
    let attack_version = sources
        .iter()
        .find(|s| s.name == "attack" && !s.release.is_empty())
        .map(|s| s.release.trim_start_matches("ATT&CK v").to_string())
        .unwrap_or_else(|| attack.version.clone());
    let meta = CorpusMeta {
        sample,
        sources,
        attack_version,
        files: loaded.files as u32,
        errors: errors.len() as u32,
    };
    Ok((
        CatalogData {
            meta,
            tactics: attack.tactics,
            techniques: attack.techniques,
            rules: loaded.rules,
        },
        errors,
    ))
}

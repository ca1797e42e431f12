//! The rulescope command line: the native shell over the same core the page
//! uses. Its JSON output is the contract the tests and the page share.

mod output;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rulescope::catalog::{
    corpus_stats, facets, field_index, field_profile, technique_guide, Catalog, Filter,
};
use rulescope::corpus;
use std::io::{self, StdoutLock};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "rulescope",
    version,
    about = "Detection rules by ATT&CK technique"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Text,
}

/// What the page-like commands share: the corpus, the page's filter and
/// the output format.
#[derive(Args)]
struct PageArgs {
    /// Corpus root (default: $RULESCOPE_CORPUS, else the sample rules).
    #[arg(long)]
    corpus: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Filter in the page's URL form, e.g. `vendor=sigma,splunk&status=stable`.
    #[arg(long, default_value = "")]
    filter: String,
}

impl PageArgs {
    /// The catalog and the filter the command reads.
    fn open(&self) -> Result<(Catalog, Filter), String> {
        let (cat, _) = load(self.corpus.as_deref())?;
        Ok((cat, Filter::from_query(&self.filter)))
    }

    /// Prints `value` as JSON, or through `text` in the text format.
    fn print<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
        text: impl FnOnce(&mut StdoutLock<'static>, &T) -> io::Result<()>,
    ) -> Result<(), String> {
        let mut out = io::stdout().lock();
        match self.format {
            Format::Json => output::write_json(&mut out, &value),
            Format::Text => text(&mut out, value),
        }
        .map_err(|e| e.to_string())
    }
}

#[derive(Subcommand)]
enum Command {
    /// Print one JSON object per rule (JSON Lines) for files or folders.
    Normalize {
        /// Rule files or folders (searched recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Corpus root whose Splunk macros expand searches (default: $RULESCOPE_CORPUS).
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
    /// Print what the technique page shows.
    Technique {
        /// ATT&CK technique id, e.g. T1059.001.
        id: String,
        /// Roll sub-technique rules into the parent.
        #[arg(long)]
        rollup: bool,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Print what the field page shows: aliases, techniques, rules, values.
    Field {
        /// Canonical field (e.g. process.name) or an unmapped field as written.
        name: String,
        #[command(flatten)]
        page: PageArgs,
    },
    /// Print every field rules use, with rule, alias and value counts.
    Fields {
        #[command(flatten)]
        page: PageArgs,
    },
    /// Print the filter bar's counts (JSON): every dimension's values with
    /// their rules under a filter, each dimension ignoring its own selection.
    Facets {
        /// Corpus root (default: $RULESCOPE_CORPUS, else the sample rules).
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Filter in the page's URL form, e.g. `status=stable&level=high`.
        #[arg(long, default_value = "")]
        filter: String,
    },
    /// Print the About page's figures (JSON): sources, commits, counts.
    About {
        /// Corpus root (default: $RULESCOPE_CORPUS, else the sample rules).
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
    /// Write the binary bundle the app embeds, and the rules' original texts
    /// beside it (`rulescope-texts.bin`, fetched by the rule page).
    Bundle {
        #[arg(long)]
        out: PathBuf,
        /// Brotli quality, 0-11: 11 is the smallest page, lower builds faster.
        #[arg(long, default_value_t = 11)]
        quality: u32,
        /// Corpus root (default: $RULESCOPE_CORPUS, else the sample rules).
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
    /// Print corpus statistics: rules per vendor, errors and timing.
    Stats {
        /// Corpus root (default: $RULESCOPE_CORPUS, else the sample rules).
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Also print the field taxonomy's coverage and the N most used
        /// unmapped fields per vendor (20 when no N is given).
        #[arg(long, num_args = 0..=1, default_missing_value = "20", value_name = "N")]
        unmapped: Option<usize>,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Normalize { paths, corpus } => normalize(&paths, corpus.as_deref()),
        Command::Technique { id, rollup, page } => technique(&id, rollup, &page),
        Command::Field { name, page } => field(&name, &page),
        Command::Fields { page } => fields(&page),
        Command::Facets { corpus, filter } => load(corpus.as_deref())
            .and_then(|(cat, _)| print_json(&facets(&cat, &Filter::from_query(&filter)))),
        Command::About { corpus } => {
            load(corpus.as_deref()).and_then(|(cat, _)| print_json(&corpus_stats(&cat)))
        }
        Command::Bundle {
            out,
            quality,
            corpus,
        } => bundle(&out, quality, corpus.as_deref()),
        Command::Stats { corpus, unmapped } => stats(corpus.as_deref(), unmapped),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rulescope: {message}");
            ExitCode::FAILURE
        }
    }
}

fn load(flag: Option<&Path>) -> Result<(Catalog, usize), String> {
    let (root, sample) = corpus::resolve_root(flag);
    let (data, errors) = corpus::load_catalog(&root, sample)?;
    Ok((Catalog::new(data), errors.len()))
}

fn normalize(paths: &[PathBuf], flag: Option<&Path>) -> Result<(), String> {
    let (root, sample) = corpus::resolve_root(flag);
    let (ctx, _) = if sample {
        corpus::context(Path::new(""))
    } else {
        corpus::context(&root)
    };
    let root = root.canonicalize().unwrap_or(root);
    let sources = corpus::load_sources().unwrap_or_default();
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            files.extend(corpus::rule_files_under(p));
        } else {
            files.push(p.clone());
        }
    }
    let files: Vec<PathBuf> = files
        .into_iter()
        .map(|f| f.canonicalize().unwrap_or(f))
        .collect();
    let loaded = corpus::load_files(&root, &files, &ctx, &sources);
    let mut out = std::io::stdout().lock();
    output::write_normalized(&mut out, &loaded).map_err(|e| e.to_string())?;
    if loaded.rules.is_empty() {
        return Err(format!("no rule read from {} file(s)", loaded.files));
    }
    Ok(())
}

fn technique(id: &str, rollup: bool, page: &PageArgs) -> Result<(), String> {
    let (cat, filter) = page.open()?;
    let reach = cat.reach(&filter);
    let guide = technique_guide(&cat, id, &filter, rollup, &reach)
        .ok_or_else(|| format!("unknown technique {id} and no rule is tagged with it"))?;
    page.print(&guide, output::write_guide_text)
}

fn field(name: &str, page: &PageArgs) -> Result<(), String> {
    let (cat, filter) = page.open()?;
    let profile = field_profile(&cat, name, &filter)
        .ok_or_else(|| format!("no rule uses a field {name} and the taxonomy does not know it"))?;
    page.print(&profile, output::write_field_text)
}

fn fields(page: &PageArgs) -> Result<(), String> {
    let (cat, filter) = page.open()?;
    page.print(&field_index(&cat, &filter), |out, rows| {
        output::write_fields_text(out, rows)
    })
}

fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    output::write_json(&mut std::io::stdout().lock(), value).map_err(|e| e.to_string())
}

fn bundle(out: &Path, quality: u32, flag: Option<&Path>) -> Result<(), String> {
    let (root, sample) = corpus::resolve_root(flag);
    let (data, errors) = corpus::load_catalog(&root, sample)?;
    let bytes = rulescope::bundle::encode(&data, quality)?;
    let texts = rulescope::bundle::encode_texts(&data, quality)?;
    let dir = out.parent().unwrap_or(Path::new(""));
    if !dir.as_os_str().is_empty() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let texts_out = dir.join(rulescope::bundle::TEXTS_FILE);
    std::fs::write(out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
    std::fs::write(&texts_out, &texts).map_err(|e| format!("{}: {e}", texts_out.display()))?;
    eprintln!(
        "rulescope: wrote {} ({} bytes) and {} ({} bytes): {} rules, {} techniques, {} files failed{}",
        out.display(),
        bytes.len(),
        texts_out.display(),
        texts.len(),
        data.rules.len(),
        data.techniques.len(),
        errors.len(),
        if sample { " [sample set]" } else { "" }
    );
    Ok(())
}

fn stats(flag: Option<&Path>, unmapped: Option<usize>) -> Result<(), String> {
    let (root, sample) = corpus::resolve_root(flag);
    let started = Instant::now();
    let (ctx, mut errors) = corpus::context(&root);
    let sources = corpus::load_sources().unwrap_or_default();
    let files = corpus::rule_files(&root);
    let loaded = corpus::load_files(&root, &files, &ctx, &sources);
    let elapsed = started.elapsed();
    errors.extend(loaded.errors.iter().cloned());
    let mut out = std::io::stdout().lock();
    output::write_stats(&mut out, &root, sample, &loaded, &errors, elapsed)
        .map_err(|e| e.to_string())?;
    if let Some(limit) = unmapped {
        output::write_unmapped(&mut out, &loaded.rules, limit).map_err(|e| e.to_string())?;
    }
    Ok(())
}

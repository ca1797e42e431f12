//! Importing the user's own rule files: many files, folders and `.zip`
//! archives, treated as hostile until parsed. Every file is capped, every
//! failure is reported with its name and reason, and a bad file never loses
//! the good ones in the same batch. Pure: the page's worker and the tests
//! call the same function.

mod archive;
mod job;

use crate::fields;
use crate::formats::{self, Context};
use crate::model::{ParseError, Rule, Vendor};
use archive::Archive;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};

pub use job::{Assembly, Job, Reply};

/// One dropped or picked file: its name (with folder path where known) and
/// contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    pub name: String,
    #[serde(with = "byte_string")]
    pub bytes: Vec<u8>,
}

/// File contents as one byte string: postcard copies it in one go instead
/// of one element at a time (a 3 MB zip sent to the import worker took a
/// fifth of a second to encode on the page the other way).
mod byte_string {
    use serde::{de, Deserializer, Serializer};
    use std::fmt;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        d.deserialize_byte_buf(Bytes)
    }

    struct Bytes;

    impl<'de> de::Visitor<'de> for Bytes {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("file contents as bytes")
        }

        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }

        fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(b) = seq.next_element()? {
                out.push(b);
            }
            Ok(out)
        }
    }
}

/// Size caps that keep hostile input (zip bombs, huge files) from
/// exhausting the page.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest single rule file, in bytes.
    pub max_file_bytes: usize,
    /// Largest total of inflated bytes taken from one archive.
    pub max_archive_bytes: usize,
    /// Most entries read from one archive.
    pub max_archive_entries: usize,
    /// Largest compression ratio accepted for one archive entry.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 4 * 1024 * 1024,
            max_archive_bytes: 256 * 1024 * 1024,
            max_archive_entries: 20_000,
            max_ratio: 200,
        }
    }
}

/// Two rules with the same id: the second is still imported, and reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    pub id: String,
    /// Where the id was seen first (a file in this batch, or "catalog").
    pub first: String,
    pub second: String,
}

/// What an import produced.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The rules read, marked local (vendor `local`).
    pub rules: Vec<Rule>,
    /// One entry per file that could not be read.
    pub errors: Vec<ParseError>,
    /// Rules imported per format (`sigma`, `spl`, `eql`, …).
    pub per_format: BTreeMap<String, u32>,
    pub duplicates: Vec<Duplicate>,
    /// Files looked at (archive entries counted one by one).
    pub files: u32,
}

/// An import in progress, one small step at a time so a caller can yield
/// between steps (the page) or run it to the end ([`import`]): first the
/// inputs are taken in order, an archive one entry per step; then the
/// Splunk macro files among them (`macros/*.yml`) are loaded, ahead of the
/// rules that use them; then one file is parsed per step.
pub struct Importer {
    ctx: Context,
    limits: Limits,
    /// Inputs not looked at yet, in drop order.
    queue: VecDeque<Input>,
    /// How many of them are plain files (not archives).
    queued_files: usize,
    /// The archive being expanded.
    archive: Option<Archive>,
    /// True once every input is expanded and the macros are loaded.
    expanded: bool,
    files: Vec<Input>,
    next: usize,
    /// Where each id was first seen: the catalog's ids, then this batch's.
    seen: HashMap<String, String>,
    report: ImportReport,
}

impl Importer {
    /// Starts an import of `inputs` with `ctx`; `known_ids` maps ids
    /// already in the catalog to where they come from.
    pub fn new(
        inputs: Vec<Input>,
        ctx: Context,
        limits: Limits,
        known_ids: HashMap<String, String>,
    ) -> Importer {
        let queued_files = inputs.iter().filter(|i| !archive::is_zip(i)).count();
        Importer {
            ctx,
            limits,
            queue: inputs.into(),
            queued_files,
            archive: None,
            expanded: false,
            files: Vec::new(),
            next: 0,
            seen: known_ids,
            report: ImportReport::default(),
        }
    }

    /// Takes the next input or archive entry; once none is left, loads the
    /// macro files and sets the rest aside for parsing.
    fn expand_step(&mut self) {
        if let Some(archive) = &mut self.archive {
            match archive.step(&self.limits) {
                Ok(true) => {}
                Ok(false) => {
                    if let Some(done) = self.archive.take() {
                        let (files, skipped) = done.finish();
                        self.files.extend(files);
                        self.report.errors.extend(skipped);
                    }
                }
                Err(e) => {
                    self.archive = None;
                    self.report.errors.push(e);
                }
            }
            return;
        }
        match self.queue.pop_front() {
            Some(input) if archive::is_zip(&input) => match Archive::open(input, &self.limits) {
                Ok(archive) => self.archive = Some(archive),
                Err(e) => self.report.errors.push(e),
            },
            Some(input) => {
                self.queued_files -= 1;
                self.files.push(input);
            }
            None => {
                let (macros, files): (Vec<Input>, Vec<Input>) = std::mem::take(&mut self.files)
                    .into_iter()
                    .partition(|f| is_macro_file(&f.name));
                for m in macros {
                    let text = String::from_utf8_lossy(&m.bytes);
                    if let Err(e) = self.ctx.splunk_macros.load_file(&m.name, &text) {
                        self.report.errors.push(e);
                    }
                }
                self.files = files;
                self.expanded = true;
            }
        }
    }

    /// (files parsed, files in all). While archives are still being read,
    /// the total counts the files found so far and the plain files queued.
    pub fn progress(&self) -> (usize, usize) {
        let in_archive = self.archive.as_ref().map_or(0, Archive::found);
        (self.next, self.files.len() + in_archive + self.queued_files)
    }

    /// Takes one step (an input, an archive entry or a file to parse);
    /// false when everything has been parsed.
    pub fn step(&mut self) -> bool {
        if !self.expanded {
            self.expand_step();
            return true;
        }
        let Some(file) = self.files.get(self.next) else {
            return false;
        };
        self.next += 1;
        let report = &mut self.report;
        report.files += 1;
        match parse_one(file, &self.ctx, &self.limits) {
            Ok(rules) => {
                for rule in rules {
                    *report.per_format.entry(rule.language.clone()).or_insert(0) += 1;
                    if !rule.id.is_empty() {
                        match self.seen.get(&rule.id) {
                            Some(first) => report.duplicates.push(Duplicate {
                                id: rule.id.clone(),
                                first: first.clone(),
                                second: file.name.clone(),
                            }),
                            None => {
                                self.seen.insert(rule.id.clone(), file.name.clone());
                            }
                        }
                    }
                    report.rules.push(rule);
                }
            }
            Err(e) => report.errors.push(e),
        }
        true
    }

    /// The report of everything parsed so far.
    pub fn finish(self) -> ImportReport {
        self.report
    }
}

/// A YAML file in a folder named `macros`, as in Splunk's content repository.
fn is_macro_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let in_macros = lower.starts_with("macros/") || lower.contains("/macros/");
    in_macros && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

/// Expands and parses a whole batch; `progress` is called after each file
/// with (done, total).
pub fn import(
    inputs: Vec<Input>,
    ctx: &Context,
    limits: &Limits,
    known_ids: &HashMap<String, String>,
    mut progress: impl FnMut(usize, usize),
) -> ImportReport {
    let mut importer = Importer::new(inputs, ctx.clone(), *limits, known_ids.clone());
    let mut reported = 0;
    while importer.step() {
        let (done, total) = importer.progress();
        if done != reported {
            reported = done;
            progress(done, total);
        }
    }
    importer.finish()
}

fn parse_one(file: &Input, ctx: &Context, limits: &Limits) -> Result<Vec<Rule>, ParseError> {
    if file.bytes.len() > limits.max_file_bytes {
        return Err(ParseError::new(
            &file.name,
            format!(
                "file is {} bytes, larger than the {} byte limit for one rule file",
                file.bytes.len(),
                limits.max_file_bytes
            ),
        ));
    }
    let rules = formats::parse_file(&file.name, &file.bytes, ctx)?;
    if rules.is_empty() {
        return Err(ParseError::new(&file.name, "no rule found in this file"));
    }
    Ok(rules.into_iter().map(mark_local).collect())
}

/// Marks a rule as the user's: vendor `local`, never linked upstream.
fn mark_local(mut rule: Rule) -> Rule {
    rule.vendor = Vendor::Local;
    rule.local = true;
    rule.url.clear();
    fields::normalise_rule(&mut rule);
    rule
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGMA: &str = "title: Mine\nid: 11111111-2222-3333-4444-555555555555\n\
        tags: [attack.t1059.001]\nlogsource: {category: process_creation, product: windows}\n\
        detection:\n  sel:\n    Image|endswith: '\\powershell.exe'\n  condition: sel\n";

    fn input(name: &str, text: &str) -> Input {
        Input {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn oversized_and_binary_files_fail_alone() {
        let limits = Limits {
            max_file_bytes: 1000,
            ..Limits::default()
        };
        let inputs = vec![
            input("big.yml", &"#".repeat(2000)),
            Input {
                name: "blob.yml".into(),
                bytes: vec![0xff, 0xfe, 0x00, 0x9c],
            },
        ];
        let report = import(
            inputs,
            &Context::default(),
            &limits,
            &HashMap::new(),
            |_, _| {},
        );
        assert_eq!(report.files, 2);
        assert_eq!(report.errors.len(), 2);
        assert!(report.errors[0].reason.contains("larger than"));
        assert!(report.errors[1].reason.contains("UTF-8"));
    }

    #[test]
    fn an_archive_is_read_one_entry_per_step() {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        for name in ["a.txt", "b.txt", "c.txt"] {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut zip, b"x").unwrap();
        }
        zip.finish().unwrap();
        let inputs = vec![
            input("first.txt", "y"),
            Input {
                name: "pack.zip".into(),
                bytes: buf.into_inner(),
            },
        ];
        let mut importer = Importer::new(
            inputs,
            Context::default(),
            Limits::default(),
            HashMap::new(),
        );
        assert_eq!(importer.progress(), (0, 1), "the plain file counts at once");
        let mut totals = Vec::new();
        while importer.progress().0 == 0 && importer.step() {
            totals.push(importer.progress().1);
        }
        // The plain file, opening the zip, its entries one by one, closing
        // it, the macro step, then the first file parsed.
        assert_eq!(totals, vec![1, 1, 2, 3, 4, 4, 4, 4]);
        while importer.step() {}
        let report = importer.finish();
        assert_eq!(report.files, 4);
        assert_eq!(report.errors.len(), 4, "none of the four is a rule");
        assert_eq!(report.errors[1].path, "pack.zip/a.txt");
    }

    #[test]
    fn progress_reports_every_file() {
        let mut seen = Vec::new();
        let files = vec![input("a.txt", "x"), input("b.txt", "y")];
        import(
            files,
            &Context::default(),
            &Limits::default(),
            &HashMap::new(),
            |d, t| seen.push((d, t)),
        );
        assert_eq!(seen, vec![(1, 2), (2, 2)]);
    }

    #[test]
    fn catalog_ids_are_duplicates_and_macro_files_are_not_rules() {
        let known = HashMap::from([(
            "11111111-2222-3333-4444-555555555555".to_string(),
            "catalog".to_string(),
        )]);
        let macro_file = "name: my_filter\ndefinition: search *\ndescription: tuning\n";
        let report = import(
            vec![
                input("macros/my_filter.yml", macro_file),
                input("mine.yml", SIGMA),
            ],
            &Context::default(),
            &Limits::default(),
            &known,
            |_, _| {},
        );
        assert_eq!(
            report.files, 1,
            "the macro file is context, not a rule file"
        );
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.duplicates.len(), 1);
        assert_eq!(report.duplicates[0].first, "catalog");
        assert!(is_macro_file("security_content/macros/x.yaml"));
        assert!(!is_macro_file("detections/macros.yml"));
        assert!(!is_macro_file("macros/readme.md"));
    }

    #[test]
    fn sigma_rule_is_local_and_duplicates_are_reported() {
        let known: HashMap<String, String> = HashMap::new();
        let report = import(
            vec![input("a/mine.yml", SIGMA), input("b/copy.yml", SIGMA)],
            &Context::default(),
            &Limits::default(),
            &known,
            |_, _| {},
        );
        assert_eq!(report.rules.len(), 2);
        assert!(report
            .rules
            .iter()
            .all(|r| r.local && r.vendor == Vendor::Local));
        assert_eq!(report.duplicates.len(), 1);
        assert_eq!(report.duplicates[0].first, "a/mine.yml");
        assert_eq!(report.duplicates[0].second, "b/copy.yml");
    }
}

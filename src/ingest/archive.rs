//! Reading `.zip` archives with caps on entries, inflated bytes and
//! compression ratio, so a zip bomb is refused rather than expanded.

use super::{Input, Limits};
use crate::model::ParseError;
use std::io::{Cursor, Read};

/// Whether the input is a zip archive (by its magic bytes, whatever its name).
pub fn is_zip(input: &Input) -> bool {
    input.bytes.starts_with(b"PK\x03\x04") || input.bytes.starts_with(b"PK\x05\x06")
}

/// A zip archive being read one entry at a time, so a page that expands it
/// on its own thread can yield between entries. Its files and skipped
/// entries are handed over only once every entry has been read: an archive
/// over its caps is refused as a whole.
pub struct Archive {
    name: String,
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    next: usize,
    inflated: usize,
    files: Vec<Input>,
    skipped: Vec<ParseError>,
}

impl Archive {
    /// Opens `input` as a zip; fails when it cannot be read or holds more
    /// entries than allowed.
    pub fn open(input: Input, limits: &Limits) -> Result<Archive, ParseError> {
        let Input { name, bytes } = input;
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ParseError::new(&name, format!("not a readable zip archive: {e}")))?;
        if zip.len() > limits.max_archive_entries {
            return Err(ParseError::new(
                &name,
                format!(
                    "archive has {} entries, more than the limit of {}",
                    zip.len(),
                    limits.max_archive_entries
                ),
            ));
        }
        Ok(Archive {
            name,
            zip,
            next: 0,
            inflated: 0,
            files: Vec::new(),
            skipped: Vec::new(),
        })
    }

    /// Reads the next entry: `Ok(false)` once none is left, an error when
    /// the archive as a whole goes over its inflated-bytes cap.
    pub fn step(&mut self, limits: &Limits) -> Result<bool, ParseError> {
        if self.next >= self.zip.len() {
            return Ok(false);
        }
        let i = self.next;
        self.next += 1;
        match self.read_entry(i, limits) {
            Ok(Some(file)) => {
                self.inflated += file.bytes.len();
                if self.inflated > limits.max_archive_bytes {
                    return Err(ParseError::new(
                        &self.name,
                        format!(
                            "archive inflates past the {} byte limit for one archive",
                            limits.max_archive_bytes
                        ),
                    ));
                }
                self.files.push(file);
            }
            Ok(None) => {}
            Err(skipped) => self.skipped.push(skipped),
        }
        Ok(true)
    }

    /// How many files have been read so far.
    pub fn found(&self) -> usize {
        self.files.len()
    }

    /// The files read and the entries skipped, each with the reason.
    pub fn finish(self) -> (Vec<Input>, Vec<ParseError>) {
        (self.files, self.skipped)
    }

    /// Entry `i` as a file named `archive.zip/inner/path`; `None` for a
    /// folder, an error for an entry that is skipped.
    fn read_entry(&mut self, i: usize, limits: &Limits) -> Result<Option<Input>, ParseError> {
        let mut entry = self.zip.by_index(i).map_err(|e| {
            ParseError::new(
                format!("{}#{i}", self.name),
                format!("unreadable archive entry: {e}"),
            )
        })?;
        if entry.is_dir() {
            return Ok(None);
        }
        let inner = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("entry-{i}"));
        let name = format!("{}/{inner}", self.name);
        let declared = entry.size();
        let ratio = declared / entry.compressed_size().max(1);
        if declared > limits.max_file_bytes as u64 {
            return Err(ParseError::new(
                &name,
                format!(
                    "entry inflates to {declared} bytes, larger than the {} byte limit for one rule file",
                    limits.max_file_bytes
                ),
            ));
        }
        if ratio > limits.max_ratio {
            return Err(ParseError::new(
                &name,
                format!(
                    "entry compresses {ratio}:1, more than the {}:1 allowed (zip bomb?)",
                    limits.max_ratio
                ),
            ));
        }
        // The declared size can lie: never read more than the cap plus one.
        let mut bytes = Vec::new();
        let cap = limits.max_file_bytes as u64 + 1;
        if let Err(e) = (&mut entry).take(cap).read_to_end(&mut bytes) {
            return Err(ParseError::new(&name, format!("cannot inflate entry: {e}")));
        }
        if bytes.len() > limits.max_file_bytes {
            return Err(ParseError::new(
                &name,
                format!(
                    "entry inflates past the {} byte limit",
                    limits.max_file_bytes
                ),
            ));
        }
        Ok(Some(Input { name, bytes }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    /// The whole archive read at once: its files and skipped entries, or the
    /// error that refused it.
    fn entries(input: Input, limits: &Limits) -> Result<(Vec<Input>, Vec<ParseError>), ParseError> {
        let mut archive = Archive::open(input, limits)?;
        while archive.step(limits)? {}
        Ok(archive.finish())
    }

    fn make_zip(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn reads_entries_with_archive_prefixed_names() {
        let bytes = make_zip(&[
            ("rules/a.yml", b"title: a".to_vec()),
            ("b.toml", b"x".to_vec()),
        ]);
        let input = Input {
            name: "drop.zip".into(),
            bytes,
        };
        assert!(is_zip(&input));
        let (files, skipped) = entries(input.clone(), &Limits::default()).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["drop.zip/rules/a.yml", "drop.zip/b.toml"]);
        assert_eq!(files[0].bytes, b"title: a");
        assert!(skipped.is_empty());
    }

    #[test]
    fn refuses_bombs_and_garbage() {
        let bomb = make_zip(&[
            ("bomb.yml", vec![b'a'; 2_000_000]),
            ("ok.yml", b"fine".to_vec()),
        ]);
        let input = Input {
            name: "bomb.zip".into(),
            bytes: bomb,
        };
        let (files, skipped) = entries(input.clone(), &Limits::default()).unwrap();
        assert_eq!(files.len(), 1, "the good entry survives");
        assert!(skipped[0].reason.contains("zip bomb"), "{:?}", skipped);

        let garbage = Input {
            name: "x.zip".into(),
            bytes: b"PK\x03\x04garbage".to_vec(),
        };
        assert!(entries(garbage, &Limits::default())
            .unwrap_err()
            .reason
            .contains("zip"));
    }
}

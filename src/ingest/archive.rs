//! Reading `.zip` archives with caps on entries, inflated bytes and
//! compression ratio, so a zip bomb is refused rather than expanded.

use super::{Input, Limits};
use crate::model::ParseError;
use std::io::{Cursor, Read};

/// Whether the input is a zip archive (by its magic bytes, whatever its name).
pub fn is_zip(input: &Input) -> bool {
    input.bytes.starts_with(b"PK\x03\x04") || input.bytes.starts_with(b"PK\x05\x06")
}

/// The files inside a zip, named `archive.zip/inner/path`, plus one error
/// per entry that was skipped. Fails as a whole only when the archive
/// cannot be opened or is over its caps.
pub fn entries(
    input: &Input,
    limits: &Limits,
) -> Result<(Vec<Input>, Vec<ParseError>), ParseError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(input.bytes.as_slice()))
        .map_err(|e| ParseError::new(&input.name, format!("not a readable zip archive: {e}")))?;
    if zip.len() > limits.max_archive_entries {
        return Err(ParseError::new(
            &input.name,
            format!(
                "archive has {} entries, more than the limit of {}",
                zip.len(),
                limits.max_archive_entries
            ),
        ));
    }
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut total = 0usize;
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                skipped.push(ParseError::new(
                    format!("{}#{i}", input.name),
                    format!("unreadable archive entry: {e}"),
                ));
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let inner = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("entry-{i}"));
        let name = format!("{}/{inner}", input.name);
        let declared = entry.size();
        let ratio = declared / entry.compressed_size().max(1);
        if declared > limits.max_file_bytes as u64 {
            skipped.push(ParseError::new(
                &name,
                format!(
                    "entry inflates to {declared} bytes, larger than the {} byte limit for one rule file",
                    limits.max_file_bytes
                ),
            ));
            continue;
        }
        if ratio > limits.max_ratio {
            skipped.push(ParseError::new(
                &name,
                format!(
                    "entry compresses {ratio}:1, more than the {}:1 allowed (zip bomb?)",
                    limits.max_ratio
                ),
            ));
            continue;
        }
        // The declared size can lie: never read more than the cap plus one.
        let mut bytes = Vec::new();
        let cap = limits.max_file_bytes as u64 + 1;
        if let Err(e) = (&mut entry).take(cap).read_to_end(&mut bytes) {
            skipped.push(ParseError::new(&name, format!("cannot inflate entry: {e}")));
            continue;
        }
        if bytes.len() > limits.max_file_bytes {
            skipped.push(ParseError::new(
                &name,
                format!(
                    "entry inflates past the {} byte limit",
                    limits.max_file_bytes
                ),
            ));
            continue;
        }
        total += bytes.len();
        if total > limits.max_archive_bytes {
            return Err(ParseError::new(
                &input.name,
                format!(
                    "archive inflates past the {} byte limit for one archive",
                    limits.max_archive_bytes
                ),
            ));
        }
        files.push(Input { name, bytes });
    }
    Ok((files, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

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
        let (files, skipped) = entries(&input, &Limits::default()).unwrap();
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
        let (files, skipped) = entries(&input, &Limits::default()).unwrap();
        assert_eq!(files.len(), 1, "the good entry survives");
        assert!(skipped[0].reason.contains("zip bomb"), "{:?}", skipped);

        let garbage = Input {
            name: "x.zip".into(),
            bytes: b"PK\x03\x04garbage".to_vec(),
        };
        assert!(entries(&garbage, &Limits::default())
            .unwrap_err()
            .reason
            .contains("zip"));
    }
}

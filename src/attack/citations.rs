//! Turns ATT&CK description text into plain text for display: `(Citation: X)`
//! becomes a numbered `[n]` marker pointing into a reference list, and the
//! few HTML bits MITRE uses are resolved: `<code>` becomes Markdown backticks,
//! `<b>` and friends are dropped, `<br>` is a line break, `&lt;` is `<`.
//! Markdown (paragraphs, `[name](url)` links, backticks) is left as written.

use super::stix::ExternalReference;
use crate::model::Citation;

const CITATION_OPEN: &str = "(Citation:";

/// Longest formatting tag looked for, attributes included.
const MAX_TAG_LEN: usize = 64;

/// HTML tags that only format text; they are removed, their content kept.
const INLINE_TAGS: [&str; 10] = [
    "b", "i", "em", "strong", "u", "sup", "sub", "kbd", "tt", "span",
];

/// Replaces every `(Citation: X)` with `[n]`, numbering sources in order of
/// first use, and returns the cited references in that order. A citation whose
/// source is not among `references` is still listed, by name.
pub(crate) fn render(
    description: &str,
    references: &[ExternalReference],
) -> (String, Vec<Citation>) {
    let mut citations: Vec<Citation> = Vec::new();
    let mut text = String::with_capacity(description.len());
    let mut rest = description;
    while let Some(start) = rest.find(CITATION_OPEN) {
        let after = &rest[start + CITATION_OPEN.len()..];
        let Some(len) = closing_paren(after) else {
            break;
        };
        text.push_str(&clean_markup(&rest[..start]));
        let name = after[..len].trim();
        let number = match citations.iter().position(|c| c.source == name) {
            Some(i) => i + 1,
            None => {
                citations.push(citation(name, references));
                citations.len()
            }
        };
        text.push_str(&format!("[{number}]"));
        rest = &after[len + 1..];
    }
    text.push_str(&clean_markup(rest));
    (text.trim().to_string(), citations)
}

/// Like [`render`], for objects whose model has no reference list (analytics,
/// tactics): the cited references are appended to the text as a paragraph.
pub(crate) fn render_with_reference_list(
    description: &str,
    references: &[ExternalReference],
) -> String {
    let (mut text, citations) = render(description, references);
    if !citations.is_empty() {
        text.push_str("\n\nReferences:");
        for (i, c) in citations.iter().enumerate() {
            let label = if c.description.is_empty() {
                &c.source
            } else {
                &c.description
            };
            text.push_str(&format!("\n[{}] {label}", i + 1));
            if !c.url.is_empty() {
                text.push(' ');
                text.push_str(&c.url);
            }
        }
    }
    text
}

/// Length of the citation name before its closing `)`, allowing nested
/// parentheses inside the name.
fn closing_paren(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, ch) in text.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(i),
            ')' => depth -= 1,
            '\n' => return None,
            _ => {}
        }
    }
    None
}

fn citation(name: &str, references: &[ExternalReference]) -> Citation {
    match references.iter().find(|r| r.source_name.trim() == name) {
        Some(r) => Citation {
            source: name.to_string(),
            description: r.description.clone(),
            url: r.url.clone(),
        },
        None => Citation {
            source: name.to_string(),
            ..Citation::default()
        },
    }
}

/// Turns `<code>` into backticks, removes other inline formatting tags, turns
/// `<br>` into a line break (unless
/// one follows already), normalises line endings and decodes entities. Other
/// `<...>` text, such as the placeholder `<username>`, is content and stays.
fn clean_markup(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find(['<', '&']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if let Some((replacement, len)) = tag(tail).or_else(|| entity(tail)) {
            let next = &tail[len..];
            if !(replacement == "\n" && next.starts_with('\n')) {
                out.push_str(replacement);
            }
            rest = next;
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// A formatting tag at the start of `text`: what replaces it and its length.
/// Only the first few bytes are searched, so text full of `<` stays linear.
fn tag(text: &str) -> Option<(&'static str, usize)> {
    let end = text.bytes().take(MAX_TAG_LEN).position(|b| b == b'>')?;
    let inner = text[1..end].trim_start_matches('/').trim_end_matches('/');
    let name = inner
        .split(|c: char| c.is_whitespace())
        .next()?
        .to_ascii_lowercase();
    if name == "br" {
        Some(("\n", end + 1))
    } else if name == "code" {
        Some(("`", end + 1))
    } else if INLINE_TAGS.contains(&name.as_str()) {
        Some(("", end + 1))
    } else {
        None
    }
}

/// An HTML entity at the start of `text`: its character and its length.
fn entity(text: &str) -> Option<(&'static str, usize)> {
    const ENTITIES: [(&str, &str); 7] = [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&amp;", "&"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&nbsp;", " "),
    ];
    ENTITIES
        .iter()
        .find(|(name, _)| text.starts_with(name))
        .map(|(name, ch)| (*ch, name.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(name: &str, url: &str) -> ExternalReference {
        ExternalReference {
            source_name: name.to_string(),
            description: format!("About {name}."),
            url: url.to_string(),
            external_id: String::new(),
        }
    }

    #[test]
    fn citations_are_numbered_in_order_of_first_use() {
        let refs = [reference("B", "https://b"), reference("A", "https://a")];
        let (text, citations) = render(
            "One.(Citation: A) Two.(Citation: B)(Citation: A)\n\nThree.(Citation: B)",
            &refs,
        );
        assert_eq!(text, "One.[1] Two.[2][1]\n\nThree.[2]");
        let sources: Vec<_> = citations.iter().map(|c| c.source.as_str()).collect();
        assert_eq!(sources, ["A", "B"]);
        assert_eq!(citations[0].url, "https://a");
        assert_eq!(citations[1].description, "About B.");
    }

    #[test]
    fn unknown_citations_are_listed_by_name_and_names_are_trimmed() {
        let refs = [reference("Known", "https://k")];
        let (text, citations) = render("X.(Citation: Missing )(Citation: Known)", &refs);
        assert_eq!(text, "X.[1][2]");
        assert_eq!(citations[0].source, "Missing");
        assert_eq!(citations[0].url, "");
        assert_eq!(citations[1].url, "https://k");
    }

    #[test]
    fn names_may_hold_parentheses_and_an_unclosed_citation_stays_text() {
        let (text, citations) = render("A(Citation: Vendor (2020)) B", &[]);
        assert_eq!(text, "A[1] B");
        assert_eq!(citations[0].source, "Vendor (2020)");
        let many = "<".repeat(100_000);
        assert_eq!(render(&many, &[]).0, many);
        let (text, citations) = render("Cut (Citation: never closed", &[]);
        assert_eq!(text, "Cut (Citation: never closed");
        assert!(citations.is_empty());
    }

    #[test]
    fn code_becomes_backticks_and_other_tags_and_entities_are_resolved() {
        let (text, _) = render(
            "Run <code>C:\\Users\\&lt;username&gt;\\a.exe</code> as <b>admin</b>:<br>\n<code>x</code> then <username> and `<script>`<br/>y &amp;amp;",
            &[],
        );
        assert_eq!(
            text,
            "Run `C:\\Users\\<username>\\a.exe` as admin:\n`x` then <username> and `<script>`\ny &amp;"
        );
    }

    #[test]
    fn reference_list_is_appended_when_the_model_has_no_citation_field() {
        let refs = [reference("A", "https://a")];
        let text = render_with_reference_list("Watch it.(Citation: A)", &refs);
        assert_eq!(text, "Watch it.[1]\n\nReferences:\n[1] About A. https://a");
        assert_eq!(render_with_reference_list("Plain.", &refs), "Plain.");
    }
}

//! ATT&CK description text split into pieces a page can render as text:
//! paragraphs and bullet lists of plain text, `[n]` citation markers,
//! backtick code and Markdown links. Links to ATT&CK techniques become
//! technique ids (the page links them to its own technique pages); other
//! links keep their target only when it is http(s), so nothing from the data
//! can become a `javascript:` link.

use super::route::{safe_href, technique_id_in};

/// One inline piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    /// Backtick-quoted text.
    Code(String),
    /// A `[n]` marker: the 1-based number of a reference in the citation list.
    Cite(u32),
    /// A Markdown link to an ATT&CK technique, by id (`T1059.001`).
    Technique {
        text: String,
        id: String,
    },
    /// Any other Markdown link with an http(s) target.
    Link {
        text: String,
        href: String,
    },
}

/// A block of a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    /// Consecutive `* item` / `- item` lines.
    List(Vec<Vec<Inline>>),
}

/// Splits a description into paragraphs (blank-line separated) and bullet
/// lists, each made of [`Inline`] pieces.
pub fn description_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for chunk in text.split("\n\n") {
        let mut prose: Vec<&str> = Vec::new();
        let mut items: Vec<Vec<Inline>> = Vec::new();
        for line in chunk.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.strip_prefix("* ").or_else(|| line.strip_prefix("- ")) {
                Some(item) => {
                    flush_paragraph(&mut blocks, &mut prose);
                    items.push(inlines(item.trim()));
                }
                None => {
                    if !items.is_empty() {
                        blocks.push(Block::List(std::mem::take(&mut items)));
                    }
                    prose.push(line);
                }
            }
        }
        flush_paragraph(&mut blocks, &mut prose);
        if !items.is_empty() {
            blocks.push(Block::List(items));
        }
    }
    blocks
}

fn flush_paragraph(blocks: &mut Vec<Block>, lines: &mut Vec<&str>) {
    if !lines.is_empty() {
        blocks.push(Block::Paragraph(inlines(&lines.join(" "))));
        lines.clear();
    }
}

/// Splits one paragraph into inline pieces.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let special = match c {
            '[' => cite(rest).or_else(|| link(rest)),
            '`' => code(rest),
            _ => None,
        };
        match special {
            Some((piece, len)) => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(piece);
                rest = &rest[len..];
            }
            None => {
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// `[12]` at the start of `s`.
fn cite(s: &str) -> Option<(Inline, usize)> {
    let close = s.find(']')?;
    let digits = &s[1..close];
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((Inline::Cite(digits.parse().ok()?), close + 1))
}

/// `[text](url)` at the start of `s`.
fn link(s: &str) -> Option<(Inline, usize)> {
    let close = s.find("](")?;
    let text = &s[1..close];
    if text.contains(['[', ']', '\n']) {
        return None;
    }
    let target_start = close + 2;
    let target_len = s[target_start..].find(')')?;
    let target = &s[target_start..target_start + target_len];
    let len = target_start + target_len + 1;
    let piece = match (attack_technique_id(target), safe_href(target)) {
        (Some(id), _) => Inline::Technique {
            text: text.to_string(),
            id,
        },
        (None, Some(href)) => Inline::Link {
            text: text.to_string(),
            href: href.to_string(),
        },
        (None, None) => Inline::Text(text.to_string()),
    };
    Some((piece, len))
}

/// `` `code` `` at the start of `s`.
fn code(s: &str) -> Option<(Inline, usize)> {
    let close = s[1..].find('`')? + 1;
    (close > 1).then(|| (Inline::Code(s[1..close].to_string()), close + 1))
}

/// The technique id of an attack.mitre.org technique URL:
/// `https://attack.mitre.org/techniques/T1059/001` → `T1059.001`.
pub fn attack_technique_id(url: &str) -> Option<String> {
    let path = url
        .strip_prefix("https://attack.mitre.org/techniques/")
        .or_else(|| url.strip_prefix("http://attack.mitre.org/techniques/"))?;
    let path = path.trim_end_matches('/');
    if path.contains('.') || path.matches('/').count() > 1 {
        return None;
    }
    technique_id_in(&path.replace('/', "."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn citations_code_and_links_are_split_out() {
        let got = inlines(
            "Use `iex` via [PowerShell](https://attack.mitre.org/techniques/T1059/001) \
             or [Empire](https://attack.mitre.org/software/S0363).[1][12] See [x](javascript:alert(1)).",
        );
        assert_eq!(
            got,
            vec![
                text("Use "),
                Inline::Code("iex".into()),
                text(" via "),
                Inline::Technique {
                    text: "PowerShell".into(),
                    id: "T1059.001".into()
                },
                text(" or "),
                Inline::Link {
                    text: "Empire".into(),
                    href: "https://attack.mitre.org/software/S0363".into()
                },
                text("."),
                Inline::Cite(1),
                Inline::Cite(12),
                text(" See "),
                text("x"),
                text(")."),
            ]
        );
    }

    #[test]
    fn brackets_that_are_not_markers_stay_text() {
        assert_eq!(
            inlines("a [b] c [] d [12345] `"),
            vec![text("a [b] c [] d [12345] `")]
        );
    }

    #[test]
    fn paragraphs_and_bullet_lists() {
        let blocks =
            description_blocks("First line\nsame paragraph.\n\nIntro:\n* one\n* two\nAfter.");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph(vec![text("First line same paragraph.")]),
                Block::Paragraph(vec![text("Intro:")]),
                Block::List(vec![vec![text("one")], vec![text("two")]]),
                Block::Paragraph(vec![text("After.")]),
            ]
        );
        assert!(description_blocks("").is_empty());
    }

    #[test]
    fn attack_urls_map_to_technique_ids() {
        assert_eq!(
            attack_technique_id("https://attack.mitre.org/techniques/T1059").as_deref(),
            Some("T1059")
        );
        assert_eq!(
            attack_technique_id("https://attack.mitre.org/techniques/t1003/001/").as_deref(),
            Some("T1003.001")
        );
        assert_eq!(
            attack_technique_id("https://attack.mitre.org/techniques/T1003/01"),
            None
        );
        assert_eq!(
            attack_technique_id("https://attack.mitre.org/software/S0363"),
            None
        );
    }
}

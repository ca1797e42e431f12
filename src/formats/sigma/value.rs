//! Sigma string values: wildcards (`*`, `?`) and the backslash escapes that
//! make them literal, resolved the way the Sigma specification (and pySigma)
//! reads them: `\*`, `\?` and `\\` escape; any other backslash is literal.

/// One piece of a Sigma string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    /// `*`: any run of characters.
    Many,
    /// `?`: any single character.
    One,
}

/// A Sigma string value split into literal text and wildcards.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SigmaString {
    parts: Vec<Part>,
}

impl SigmaString {
    /// Reads a value as written in a rule, resolving escapes.
    pub fn parse(raw: &str) -> SigmaString {
        let mut s = SigmaString::default();
        let mut text = String::new();
        let mut escaped = false;
        for c in raw.chars() {
            if escaped {
                if !matches!(c, '*' | '?' | '\\') {
                    text.push('\\');
                }
                text.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '*' || c == '?' {
                s.push_text(&mut text);
                s.parts.push(if c == '*' { Part::Many } else { Part::One });
            } else {
                text.push(c);
            }
        }
        if escaped {
            text.push('\\');
        }
        s.push_text(&mut text);
        s
    }

    fn push_text(&mut self, text: &mut String) {
        if !text.is_empty() {
            self.parts.push(Part::Text(std::mem::take(text)));
        }
    }

    /// True when the value has an unescaped `*` or `?`.
    pub fn has_wildcards(&self) -> bool {
        self.parts.iter().any(|p| !matches!(p, Part::Text(_)))
    }

    /// Adds a leading `*` unless there is one (Sigma `endswith`, `contains`).
    pub fn star_front(&mut self) {
        if self.parts.first() != Some(&Part::Many) {
            self.parts.insert(0, Part::Many);
        }
    }

    /// Adds a trailing `*` unless there is one (Sigma `startswith`, `contains`).
    pub fn star_back(&mut self) {
        if self.parts.last() != Some(&Part::Many) {
            self.parts.push(Part::Many);
        }
    }

    /// The value with escapes resolved, wildcards as `*`/`?` and runs of `*`
    /// collapsed to one.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut previous_many = false;
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Many if previous_many => {}
                Part::Many => out.push('*'),
                Part::One => out.push('?'),
            }
            previous_many = *part == Part::Many;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(raw: &str) -> (String, bool) {
        let s = SigmaString::parse(raw);
        (s.render(), s.has_wildcards())
    }

    #[test]
    fn escapes_resolve_like_the_specification() {
        assert_eq!(
            render(r"C:\Windows\cmd.exe"),
            (r"C:\Windows\cmd.exe".into(), false)
        );
        assert_eq!(render(r"a\\b"), (r"a\b".into(), false));
        assert_eq!(render(r"a\\\\b"), (r"a\\b".into(), false));
        assert_eq!(render(r"lit\*star"), ("lit*star".into(), false));
        assert_eq!(render(r"q\?"), ("q?".into(), false));
        assert_eq!(render(r"trailing\"), (r"trailing\".into(), false));
        assert_eq!(render(r"\\*"), (r"\*".into(), true));
    }

    #[test]
    fn wildcards_are_kept_and_star_runs_collapse() {
        assert_eq!(render("*\\cmd.exe"), ("*\\cmd.exe".into(), true));
        assert_eq!(render("a**b***"), ("a*b*".into(), true));
        assert_eq!(render("file?.txt"), ("file?.txt".into(), true));
        let mut s = SigmaString::parse("*x");
        s.star_front();
        s.star_back();
        assert_eq!(s.render(), "*x*");
    }
}

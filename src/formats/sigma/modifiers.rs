//! Sigma value modifiers (`Image|endswith`, `CommandLine|windash|contains`):
//! which ones exist, and how a chain turns a written value into an operator
//! and a normalised value (DESIGN.md, "Normalised predicate — semantics").

use super::value::SigmaString;
use crate::model::Op;

/// One value modifier as the Sigma specification names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modifier {
    Contains,
    Startswith,
    Endswith,
    /// A list of values must all match instead of any.
    All,
    Re,
    /// Regular-expression flags (`i`, `m`, `s` and their long names).
    ReFlag,
    Cidr,
    /// `base64`, `base64offset`, `wide`, `utf16*`, `windash`: the value is
    /// encoded or expanded at match time; the rule keeps what the author wrote.
    Transform,
    Exists,
    Gt,
    Gte,
    Lt,
    Lte,
    Fieldref,
    Expand,
    Cased,
    /// `neq`: the item matches when the value does not.
    Neq,
    /// Timestamp parts (`minute`, `hour`, `day`, `week`, `month`, `year`).
    TimePart,
}

impl Modifier {
    /// The modifier named `name`, or `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Modifier> {
        Some(match name {
            "contains" => Modifier::Contains,
            "startswith" => Modifier::Startswith,
            "endswith" => Modifier::Endswith,
            "all" => Modifier::All,
            "re" => Modifier::Re,
            "i" | "ignorecase" | "m" | "multiline" | "s" | "dotall" => Modifier::ReFlag,
            "cidr" => Modifier::Cidr,
            "base64" | "base64offset" | "wide" | "utf16" | "utf16le" | "utf16be" | "windash" => {
                Modifier::Transform
            }
            "exists" => Modifier::Exists,
            "gt" => Modifier::Gt,
            "gte" => Modifier::Gte,
            "lt" => Modifier::Lt,
            "lte" => Modifier::Lte,
            "fieldref" => Modifier::Fieldref,
            "expand" => Modifier::Expand,
            "cased" => Modifier::Cased,
            "neq" => Modifier::Neq,
            "minute" | "hour" | "day" | "week" | "month" | "year" => Modifier::TimePart,
            _ => return None,
        })
    }
}

/// A detection key split into its field and modifier chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field as written; empty for a keyword search.
    pub field: String,
    /// Modifier names as written, for display.
    pub names: Vec<String>,
    pub modifiers: Vec<Modifier>,
}

impl FieldSpec {
    /// Splits `Field|mod|mod`; an unknown modifier is an error naming it.
    pub fn parse(key: &str) -> Result<FieldSpec, String> {
        let mut pieces = key.split('|');
        let field = pieces.next().unwrap_or_default().to_string();
        let mut names = Vec::new();
        let mut modifiers = Vec::new();
        for name in pieces {
            let modifier = Modifier::from_name(name).ok_or_else(|| {
                format!(
                    "unknown value modifier '{name}' in '{key}' (known: contains, startswith, \
                     endswith, all, re, i, m, s, cidr, base64, base64offset, wide, utf16, \
                     utf16le, utf16be, windash, exists, gt, gte, lt, lte, fieldref, expand, \
                     cased, neq)"
                )
            })?;
            names.push(name.to_string());
            modifiers.push(modifier);
        }
        Ok(FieldSpec {
            field,
            names,
            modifiers,
        })
    }

    /// True when the chain has `modifier`.
    pub fn has(&self, modifier: Modifier) -> bool {
        self.modifiers.contains(&modifier)
    }

    /// True for a keyword search (no field).
    pub fn is_keyword(&self) -> bool {
        self.field.is_empty()
    }

    /// The operator and value of one written value under this chain.
    /// `None` stands for YAML null (or an empty list): the field must be absent.
    /// `text` is false for YAML numbers and booleans, which a bare keyword
    /// search matches as a whole token rather than anywhere.
    pub fn apply(&self, written: Option<&str>, text: bool) -> (Op, String) {
        let Some(raw) = written else {
            return (Op::Exists, "false".to_string());
        };
        let compare = [
            (Modifier::Exists, Op::Exists),
            (Modifier::Fieldref, Op::Fieldref),
            (Modifier::Re, Op::RegexMatch),
            (Modifier::Cidr, Op::Cidr),
            (Modifier::Gt, Op::Gt),
            (Modifier::Gte, Op::Gte),
            (Modifier::Lt, Op::Lt),
            (Modifier::Lte, Op::Lte),
        ];
        if let Some((_, op)) = compare.iter().find(|(m, _)| self.has(*m)) {
            let value = if *op == Op::Exists {
                raw.to_ascii_lowercase()
            } else {
                raw.to_string()
            };
            return (*op, value);
        }
        let mut s = SigmaString::parse(raw);
        let contains =
            self.has(Modifier::Contains) || (text && self.is_keyword() && !self.has_anchor());
        if contains || self.has(Modifier::Endswith) {
            s.star_front();
        }
        if contains || self.has(Modifier::Startswith) {
            s.star_back();
        }
        let op = if s.has_wildcards() {
            Op::Wildcard
        } else {
            Op::Eq
        };
        (op, s.render())
    }

    fn has_anchor(&self) -> bool {
        self.has(Modifier::Startswith) || self.has(Modifier::Endswith)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(key: &str, value: &str) -> (Op, String) {
        FieldSpec::parse(key).unwrap().apply(Some(value), true)
    }

    #[test]
    fn string_modifiers_become_wildcards() {
        assert_eq!(
            apply("Image|endswith", r"\cmd.exe"),
            (Op::Wildcard, r"*\cmd.exe".into())
        );
        assert_eq!(
            apply("Image|startswith", "C:\\"),
            (Op::Wildcard, "C:\\*".into())
        );
        assert_eq!(
            apply("CommandLine|contains|all", "x"),
            (Op::Wildcard, "*x*".into())
        );
        assert_eq!(apply("User", "SYSTEM"), (Op::Eq, "SYSTEM".into()));
        assert_eq!(apply("User", "NT*"), (Op::Wildcard, "NT*".into()));
        assert_eq!(apply("User|contains", "*x*"), (Op::Wildcard, "*x*".into()));
    }

    #[test]
    fn transforming_modifiers_keep_the_written_value() {
        assert_eq!(
            apply("CommandLine|windash|contains", " -enc "),
            (Op::Wildcard, "* -enc *".into())
        );
        assert_eq!(
            apply("CommandLine|base64offset|contains", "IEX"),
            (Op::Wildcard, "*IEX*".into())
        );
        assert_eq!(apply("Data|wide|base64", "ab"), (Op::Eq, "ab".into()));
    }

    #[test]
    fn typed_modifiers_pick_their_operator() {
        assert_eq!(
            apply("x|re|i", r"a\*b.*"),
            (Op::RegexMatch, r"a\*b.*".into())
        );
        assert_eq!(
            apply("ip|cidr", "10.0.0.0/8"),
            (Op::Cidr, "10.0.0.0/8".into())
        );
        assert_eq!(apply("n|gte", "10"), (Op::Gte, "10".into()));
        assert_eq!(apply("a|fieldref", "b"), (Op::Fieldref, "b".into()));
        assert_eq!(apply("a|exists", "True"), (Op::Exists, "true".into()));
        assert_eq!(
            FieldSpec::parse("a").unwrap().apply(None, true),
            (Op::Exists, "false".into())
        );
        assert_eq!(apply("a|expand", "%admins%"), (Op::Eq, "%admins%".into()));
    }

    #[test]
    fn keywords_match_anywhere_and_unknown_modifiers_fail() {
        assert_eq!(apply("", "mimikatz"), (Op::Wildcard, "*mimikatz*".into()));
        assert_eq!(apply("|startswith", "x"), (Op::Wildcard, "x*".into()));
        let spec = FieldSpec::parse("").unwrap();
        assert_eq!(spec.apply(Some("200"), false), (Op::Eq, "200".into()));
        let err = FieldSpec::parse("a|containz").unwrap_err();
        assert!(err.contains("'containz'"), "{err}");
    }
}

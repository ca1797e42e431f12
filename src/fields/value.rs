//! Value normalisation: the comparison form (`norm`) of a predicate's value,
//! so that one indicator written three ways compares equal. The value as
//! written stays on the predicate for display.

use super::taxonomy::FieldDef;
use crate::model::{Op, Predicate};

/// The comparison form of one predicate, and the canonical field it moves
/// to when the value itself says which (a path pattern that only fixes the
/// file name; a hash tagged with its algorithm).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormValue {
    pub norm: String,
    /// Set when the value moves the predicate to another canonical field.
    pub canonical: Option<String>,
}

/// Registry hive spellings, long and kernel forms first, and the short form
/// each becomes (Sysmon writes `HKLM`/`HKU`, Windows Security `\REGISTRY\…`,
/// Elastic endpoint `HKEY_USERS`).
const HIVES: [(&str, &str); 12] = [
    ("\\registry\\machine", "hklm"),
    ("\\registry\\user", "hku"),
    ("hkey_local_machine", "hklm"),
    ("hkey_current_user", "hkcu"),
    ("hkey_classes_root", "hkcr"),
    ("hkey_users", "hku"),
    ("hkey_current_config", "hkcc"),
    ("hklm", "hklm"),
    ("hkcu", "hkcu"),
    ("hkcr", "hkcr"),
    ("hku", "hku"),
    ("hkcc", "hkcc"),
];

/// Hash algorithms by name and by hex digest length.
const HASHES: [(&str, usize); 5] = [
    ("md5", 32),
    ("sha1", 40),
    ("sha256", 64),
    ("sha512", 128),
    ("imphash", 0),
];

/// Whether the comparison ignores case in the catalog. Every string
/// comparison is folded except regular expressions (whose text is code, not
/// a value) and Sigma `|cased`, the one place an author states that case
/// matters. Case-sensitive engines (EQL `==`, KQL on keyword fields, ES|QL)
/// are folded too: their authors spell out case variants to emulate
/// insensitivity (`*Get-WmiObject* or *GET-WMIOBJECT*`), and those variants
/// are one indicator.
pub fn folds_case(p: &Predicate) -> bool {
    p.op != Op::RegexMatch && !p.modifiers.iter().any(|m| m == "cased")
}

/// The comparison form of `p`'s value on canonical field `def`.
pub fn normalise(p: &Predicate, def: Option<&FieldDef>) -> NormValue {
    let fold = folds_case(p);
    let mut norm = if fold {
        p.value.to_lowercase()
    } else {
        p.value.clone()
    };
    let mut canonical = None;
    match p.op {
        Op::Eq | Op::Match | Op::Wildcard => {
            norm = collapse_stars(&norm);
            if let Some(def) = def {
                if def.text && p.op == Op::Match {
                    norm = contains(&norm);
                }
                if def.registry {
                    norm = short_hive(&norm);
                }
                if def.hash {
                    if let Some((field, digest)) = hash_target(&def.name, &norm) {
                        canonical = Some(field);
                        norm = digest;
                    }
                }
                if let Some(name_field) = &def.name_field {
                    if let Some(name) = last_component(&norm) {
                        canonical = Some(name_field.clone());
                        norm = name.to_string();
                    }
                }
            }
        }
        Op::Gt | Op::Gte | Op::Lt | Op::Lte => norm = norm.trim().to_string(),
        _ => {}
    }
    NormValue { norm, canonical }
}

/// Runs of `*` match what one `*` matches.
pub fn collapse_stars(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if !(c == '*' && out.ends_with('*')) {
            out.push(c);
        }
    }
    out
}

/// A term match on analysed text finds the term anywhere: `*v*`.
fn contains(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    if !value.starts_with('*') {
        out.push('*');
    }
    out.push_str(value);
    if !value.ends_with('*') {
        out.push('*');
    }
    out
}

/// `HKEY_LOCAL_MACHINE\…` and `\REGISTRY\MACHINE\…` → `hklm\…` (lower case
/// input; a leading `*` or `*\` is kept).
pub fn short_hive(value: &str) -> String {
    let (lead, rest) = match value.strip_prefix('*') {
        Some(r) => ("*", r),
        None => ("", value),
    };
    for (long, short) in HIVES {
        if let Some(tail) = rest.strip_prefix(long) {
            if tail.is_empty() || tail.starts_with('\\') {
                return format!("{lead}{short}{tail}");
            }
        }
    }
    value.to_string()
}

/// The last path component when a pattern fixes only that:
/// `*\cmd.exe`, `*/bash` → `cmd.exe`, `bash`.
pub fn last_component(pattern: &str) -> Option<&str> {
    let rest = pattern.strip_prefix('*')?;
    let name = rest.strip_prefix(['\\', '/'])?;
    let plain = !name.is_empty() && !name.contains(['*', '?', '\\', '/']);
    plain.then_some(name)
}

/// `sha256=ab…` (Sysmon `Hashes`, possibly inside `*…*`) or a bare digest of
/// a known length → (`<base>.hash.sha256`, `ab…`); imphash goes to
/// `<base>.pe.imphash`. `field` is the hash group (`process.hash`).
fn hash_target(field: &str, value: &str) -> Option<(String, String)> {
    let base = field.strip_suffix(".hash")?;
    let bare = value.trim_matches('*');
    let (algo, digest) = match bare.split_once('=') {
        Some((algo, digest)) => {
            let algo = HASHES.iter().find(|(a, _)| *a == algo)?.0;
            (algo, digest)
        }
        None => {
            let algo = HASHES.iter().find(|(_, len)| *len == bare.len())?.0;
            (algo, bare)
        }
    };
    if digest.is_empty() || !digest.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let target = if algo == "imphash" {
        format!("{base}.pe.imphash")
    } else {
        format!("{base}.hash.{algo}")
    };
    Some((target, digest.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::taxonomy;

    fn norm(field: &str, op: Op, value: &str) -> (String, Option<String>) {
        let p = Predicate::new(field, op, value);
        let n = normalise(&p, taxonomy().field(field));
        (n.norm, n.canonical)
    }

    #[test]
    fn basename_patterns_on_paths_become_the_name() {
        assert_eq!(
            norm("process.executable", Op::Wildcard, "*\\CMD.exe"),
            ("cmd.exe".into(), Some("process.name".into()))
        );
        assert_eq!(
            norm("process.parent.executable", Op::Wildcard, "*/bash"),
            ("bash".into(), Some("process.parent.name".into()))
        );
        assert_eq!(
            norm("file.path", Op::Wildcard, "*\\Temp\\*.dll"),
            ("*\\temp\\*.dll".into(), None)
        );
        assert_eq!(norm("process.executable", Op::Wildcard, "*cmd.exe").1, None);
        assert_eq!(
            norm("registry.path", Op::Wildcard, "*\\Debugger"),
            ("debugger".into(), Some("registry.value".into()))
        );
    }

    #[test]
    fn case_folds_except_regex_and_cased() {
        assert_eq!(
            norm("process.name", Op::Match, "PowerShell.EXE").0,
            "powershell.exe"
        );
        assert_eq!(norm("process.name", Op::RegexMatch, "Power.*").0, "Power.*");
        let cased = Predicate::new("x", Op::Eq, "AbC").with_modifiers(vec!["cased".into()]);
        assert_eq!(normalise(&cased, None).norm, "AbC");
    }

    #[test]
    fn stars_collapse_and_text_matches_contain() {
        assert_eq!(collapse_stars("**a***b*"), "*a*b*");
        assert_eq!(
            norm(
                "powershell.file.script_block_text",
                Op::Match,
                "Invoke-Mimikatz"
            )
            .0,
            "*invoke-mimikatz*"
        );
    }

    #[test]
    fn registry_hives_have_one_spelling() {
        assert_eq!(
            short_hive("hkey_local_machine\\software\\x"),
            "hklm\\software\\x"
        );
        assert_eq!(short_hive("\\registry\\user\\s-1\\x"), "hku\\s-1\\x");
        assert_eq!(short_hive("*hkey_users\\x"), "*hku\\x");
        assert_eq!(short_hive("hkusers"), "hkusers");
    }

    #[test]
    fn hashes_go_to_their_algorithm() {
        let sha = "a".repeat(64);
        assert_eq!(
            norm("process.hash", Op::Wildcard, &format!("*SHA256={sha}*")),
            (sha.clone(), Some("process.hash.sha256".into()))
        );
        assert_eq!(
            norm("file.hash", Op::Eq, "IMPHASH=0A1B"),
            ("0a1b".into(), Some("file.pe.imphash".into()))
        );
        assert_eq!(
            norm("dll.hash", Op::Eq, &"b".repeat(32)).1,
            Some("dll.hash.md5".into())
        );
        assert_eq!(norm("process.hash", Op::Eq, "zzz").1, None);
    }
}

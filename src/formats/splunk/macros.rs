//! Splunk search macros: loading their YAML definitions and expanding
//! backticked calls in a token stream, `$arg$` substituted. Expansions are
//! wrapped in [`Tok::MacroStart`]/[`Tok::MacroEnd`] markers so the search
//! parser can tell a macro that only selects data from one holding filters.

use super::lexer::{lex, Tok, Token};
use crate::model::ParseError;
use serde::Deserialize;
use std::collections::HashMap;

/// How deep macros may call macros before expansion stops with a note.
const MAX_DEPTH: usize = 12;
/// Upper bound on tokens an expansion may produce (guards against blow-up).
const MAX_TOKENS: usize = 200_000;

/// One macro definition.
#[derive(Debug, Clone, Default)]
pub struct MacroDef {
    pub arguments: Vec<String>,
    pub definition: String,
    pub description: String,
}

/// Splunk macro definitions, keyed by `name` or `name(N)` for N arguments.
#[derive(Debug, Clone, Default)]
pub struct Macros {
    defs: HashMap<String, MacroDef>,
}

#[derive(Deserialize)]
struct MacroFile {
    name: Option<String>,
    #[serde(default)]
    definition: Option<String>,
    #[serde(default)]
    arguments: Option<Vec<String>>,
    #[serde(default)]
    description: Option<String>,
}

/// The key a macro is stored and looked up under.
fn key(name: &str, arity: usize) -> String {
    if arity == 0 {
        name.to_string()
    } else {
        format!("{name}({arity})")
    }
}

impl Macros {
    /// Reads one `macros/*.yml` file (`name`, `definition`, `arguments`,
    /// `description`) and adds it; a file without name or definition is an
    /// error naming the file.
    pub fn load_file(&mut self, path: &str, text: &str) -> Result<(), ParseError> {
        let file: MacroFile = serde_saphyr::from_str(text).map_err(|e| {
            let err = ParseError::new(path, format!("macro file is not valid YAML: {e}"));
            match e.location() {
                Some(l) => err.at(l.line() as u32, l.column() as u32),
                None => err,
            }
        })?;
        let name = file
            .name
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| ParseError::new(path, "macro file has no `name`"))?;
        let definition = file
            .definition
            .ok_or_else(|| ParseError::new(path, format!("macro `{name}` has no `definition`")))?;
        let arguments = file.arguments.unwrap_or_default();
        let k = key(name.trim(), arguments.len());
        self.defs.insert(
            k,
            MacroDef {
                arguments,
                definition,
                description: file.description.unwrap_or_default(),
            },
        );
        Ok(())
    }

    /// Adds a definition directly (tests, or callers with their own source).
    pub fn insert(&mut self, name: &str, arguments: &[&str], definition: &str) {
        self.defs.insert(
            key(name, arguments.len()),
            MacroDef {
                arguments: arguments.iter().map(|a| a.to_string()).collect(),
                definition: definition.to_string(),
                description: String::new(),
            },
        );
    }

    /// The definition for a call with `arity` arguments.
    pub fn get(&self, name: &str, arity: usize) -> Option<&MacroDef> {
        self.defs.get(&key(name, arity))
    }

    /// How many macros are loaded.
    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// True when no macro is loaded.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }
}

/// The text a call expands to, or `None` when the macro is unknown.
/// `drop_dm_object_name(X)` is built in (security_content defines it outside
/// the macros folder): it renames `X.*` to `*`.
fn definition_for(macros: &Macros, name: &str, args: &[String]) -> Option<String> {
    if let Some(def) = macros.get(name, args.len()) {
        let mut text = def.definition.clone();
        for (param, value) in def.arguments.iter().zip(args) {
            text = text.replace(&format!("${param}$"), value);
        }
        return Some(text);
    }
    if name == "drop_dm_object_name" && args.len() == 1 {
        let object = args[0].trim_matches(|c| c == '"' || c == '\'');
        return Some(format!("rename {object}.* AS *"));
    }
    None
}

/// True for the per-detection tuning hook (`<detection>_filter`).
pub fn is_tuning_macro(name: &str) -> bool {
    name.ends_with("_filter")
}

/// What expansion found besides tokens.
#[derive(Debug, Default)]
pub struct Expansion {
    pub tokens: Vec<Token>,
    /// Tuning macros met (`*_filter`), in order.
    pub tuning: Vec<String>,
    /// Things a reader should know: unknown macros, depth or size limits.
    pub notes: Vec<String>,
    truncated: bool,
}

/// Expands every macro call in `tokens`. Unknown macros stay as
/// [`Tok::Macro`] tokens (with a note); tuning macros that are not defined
/// are recorded and dropped.
pub fn expand(tokens: Vec<Token>, macros: &Macros) -> Expansion {
    let mut out = Expansion::default();
    expand_into(tokens, macros, 0, &mut out);
    out
}

fn expand_into(tokens: Vec<Token>, macros: &Macros, depth: usize, out: &mut Expansion) {
    for token in tokens {
        if out.tokens.len() > MAX_TOKENS {
            if !out.truncated {
                out.truncated = true;
                out.notes
                    .push("macro expansion stopped: the search grew too large".to_string());
            }
            return;
        }
        let Tok::Macro { name, args } = &token.tok else {
            out.tokens.push(token);
            continue;
        };
        if is_tuning_macro(name) && !out.tuning.contains(name) {
            out.tuning.push(name.clone());
        }
        let Some(text) = definition_for(macros, name, args) else {
            if !is_tuning_macro(name) {
                out.notes.push(format!(
                    "macro `{name}` with {} argument(s) is not defined; its content is unknown",
                    args.len()
                ));
                out.tokens.push(token);
            }
            continue;
        };
        if depth >= MAX_DEPTH {
            out.notes.push(format!(
                "macro `{name}` not expanded: macros nest deeper than {MAX_DEPTH}"
            ));
            continue;
        }
        let lexed = lex(&text);
        for p in lexed.problems {
            out.notes.push(format!("in macro `{name}`: {p}"));
        }
        let pos = token.pos;
        out.tokens.push(Token {
            tok: Tok::MacroStart(name.clone()),
            pos,
        });
        // Positions inside the expansion point at the call site.
        let inner = lexed
            .tokens
            .into_iter()
            .map(|t| Token { tok: t.tok, pos })
            .collect();
        expand_into(inner, macros, depth + 1, out);
        out.tokens.push(Token {
            tok: Tok::MacroEnd,
            pos,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(exp: &Expansion) -> Vec<String> {
        exp.tokens
            .iter()
            .map(|t| match &t.tok {
                Tok::MacroStart(n) => format!("<{n}>"),
                Tok::MacroEnd => "</>".to_string(),
                other => t
                    .text()
                    .map_or_else(|| format!("{other:?}"), str::to_string),
            })
            .collect()
    }

    #[test]
    fn loads_yaml_and_substitutes_arguments() {
        let mut m = Macros::default();
        m.load_file(
            "splunk/macros/x.yml",
            "arguments:\n  - field\ndefinition: 'convert ctime($field$)'\nname: ctime\n",
        )
        .unwrap();
        let exp = expand(lex("`ctime(firstTime)`").tokens, &m);
        assert_eq!(
            words(&exp),
            [
                "<ctime>",
                "convert",
                "ctime",
                "LParen",
                "firstTime",
                "RParen",
                "</>"
            ]
        );
    }

    #[test]
    fn bad_macro_files_are_errors_with_the_path() {
        let mut m = Macros::default();
        let err = m.load_file("m.yml", "definition: x\n").unwrap_err();
        assert_eq!(err.path, "m.yml");
        assert!(m.load_file("m.yml", "name: [\n").is_err());
    }

    #[test]
    fn tuning_unknown_builtin_and_recursive_macros() {
        let mut m = Macros::default();
        m.insert("loop", &[], "`loop` a=1");
        let exp = expand(
            lex("`x_filter` `nope` `drop_dm_object_name(\"P\")` `loop`").tokens,
            &m,
        );
        assert_eq!(exp.tuning, ["x_filter"]);
        assert!(exp.notes.iter().any(|n| n.contains("`nope`")));
        assert!(exp.notes.iter().any(|n| n.contains("nest deeper")));
        let w = words(&exp);
        assert!(w.starts_with(&[
            "Macro { name: \"nope\", args: [] }".to_string(),
            "<drop_dm_object_name>".to_string(),
            "rename".to_string(),
            "P.*".to_string(),
        ]));
    }
}

//! Syntax highlighting of a rule's original text: the text cut into spans,
//! each with a kind (key, field, string, comment, …) the page turns into a
//! `<span class>` around a text node. The spans always cover the input
//! exactly, in order, whatever it holds: the highlighter reads any text and
//! never fails, so a rule the parsers half-understood is still shown whole.

/// What a piece of rule text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// Whitespace, identifiers and values with nothing to mark.
    Plain,
    /// A YAML key that structures the rule (`detection`, `selection`).
    Key,
    /// A field name being compared (`Image`, `process.name`).
    Field,
    String,
    Number,
    /// Reserved words: `and`, `where`, SPL and ES|QL commands, modifiers.
    Keyword,
    /// Comparison operators and pipes.
    Operator,
    /// Brackets, separators, list markers.
    Punctuation,
    Comment,
    /// A function call's name (`count(`).
    Function,
    /// A Splunk macro (`` `sysmon` ``).
    Macro,
}

impl Token {
    /// The CSS class the page gives spans of this kind.
    pub fn class(self) -> &'static str {
        match self {
            Token::Plain => "hl-plain",
            Token::Key => "hl-key",
            Token::Field => "hl-field",
            Token::String => "hl-string",
            Token::Number => "hl-number",
            Token::Keyword => "hl-keyword",
            Token::Operator => "hl-operator",
            Token::Punctuation => "hl-punct",
            Token::Comment => "hl-comment",
            Token::Function => "hl-function",
            Token::Macro => "hl-macro",
        }
    }
}

/// A run of the input and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span<'a> {
    pub kind: Token,
    pub text: &'a str,
}

/// The language of a rule's text, from [`crate::model::Rule::language`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// A Sigma `detection:` (or `correlation:`) block: YAML whose
    /// `condition` holds the condition language.
    Sigma,
    /// Splunk SPL.
    Spl,
    Eql,
    Kql,
    Esql,
    Lucene,
    /// Unknown: one plain span.
    Plain,
}

impl Lang {
    /// The language for a rule's `language` key (`sigma`, `spl`, `kql`, …).
    pub fn of(language: &str) -> Lang {
        match language.to_ascii_lowercase().as_str() {
            "sigma" | "yaml" => Lang::Sigma,
            "spl" => Lang::Spl,
            "eql" => Lang::Eql,
            "kql" | "kuery" => Lang::Kql,
            "esql" => Lang::Esql,
            "lucene" => Lang::Lucene,
            _ => Lang::Plain,
        }
    }
}

/// Cuts `text` into highlighted spans; their texts concatenated are `text`.
pub fn highlight(text: &str, lang: Lang) -> Vec<Span<'_>> {
    let mut out = Out {
        text,
        runs: Vec::new(),
    };
    match lang {
        Lang::Sigma => yaml(&mut out),
        Lang::Spl => expr(&mut out, 0, text.len(), &SPL),
        Lang::Eql => expr(&mut out, 0, text.len(), &EQL),
        Lang::Kql => expr(&mut out, 0, text.len(), &KQL),
        Lang::Esql => expr(&mut out, 0, text.len(), &ESQL),
        Lang::Lucene => expr(&mut out, 0, text.len(), &LUCENE),
        Lang::Plain => out.push(Token::Plain, 0, text.len()),
    }
    out.runs
        .into_iter()
        .map(|(kind, start, end)| Span {
            kind,
            text: &text[start..end],
        })
        .collect()
}

/// The runs being built as `(kind, start, end)` byte ranges, in order;
/// adjacent runs of one kind are merged.
struct Out<'a> {
    text: &'a str,
    runs: Vec<(Token, usize, usize)>,
}

impl Out<'_> {
    /// Adds `text[start..end]` as `kind`. Every lexer cuts only next to
    /// ASCII bytes or at the ends, so ranges fall on character boundaries.
    fn push(&mut self, kind: Token, start: usize, end: usize) {
        if start >= end {
            return;
        }
        match self.runs.last_mut() {
            Some((last, _, last_end)) if *last == kind && *last_end == start => *last_end = end,
            _ => self.runs.push((kind, start, end)),
        }
    }
}

/// How one query language looks to the expression lexer.
struct Syntax {
    /// Reserved words, compared case-insensitively.
    keywords: &'static [&'static str],
    /// `:` compares a field with a value (KQL, EQL, Lucene).
    colon_op: bool,
    /// `'…'` is a string (not a letter inside a word).
    single_quote: bool,
    /// `//` line and `/* */` block comments.
    slash_comments: bool,
    /// The word after a `|` is a command.
    pipe_commands: bool,
    /// What a `` `…` `` run is: a macro (SPL) or a quoted field (ES|QL).
    backtick: Token,
    /// SPL's ```` ```comment``` ````.
    triple_backtick_comments: bool,
}

const SPL: Syntax = Syntax {
    keywords: &[
        "and",
        "or",
        "not",
        "in",
        "as",
        "by",
        "where",
        "from",
        "over",
        "output",
        "outputnew",
        "like",
        "true",
        "false",
        "null",
    ],
    colon_op: false,
    single_quote: true,
    slash_comments: false,
    pipe_commands: true,
    backtick: Token::Macro,
    triple_backtick_comments: true,
};

const EQL: Syntax = Syntax {
    keywords: &[
        "and",
        "or",
        "not",
        "where",
        "sequence",
        "by",
        "with",
        "maxspan",
        "until",
        "runs",
        "any",
        "sample",
        "in",
        "in~",
        "like",
        "like~",
        "regex",
        "regex~",
        "of",
        "true",
        "false",
        "null",
        "head",
        "tail",
        "filter",
        "unique",
        "unique_count",
    ],
    colon_op: true,
    single_quote: true,
    slash_comments: true,
    pipe_commands: true,
    backtick: Token::Field,
    triple_backtick_comments: false,
};

const KQL: Syntax = Syntax {
    keywords: &["and", "or", "not"],
    colon_op: true,
    single_quote: false,
    slash_comments: false,
    pipe_commands: false,
    backtick: Token::Plain,
    triple_backtick_comments: false,
};

const ESQL: Syntax = Syntax {
    keywords: &[
        "from", "where", "and", "or", "not", "in", "like", "rlike", "is", "null", "by", "as",
        "asc", "desc", "nulls", "first", "last", "on", "with", "metadata", "true", "false",
    ],
    colon_op: false,
    single_quote: false,
    slash_comments: true,
    pipe_commands: true,
    backtick: Token::Field,
    triple_backtick_comments: false,
};

const LUCENE: Syntax = Syntax {
    keywords: &["and", "or", "not", "to"],
    colon_op: true,
    single_quote: false,
    slash_comments: false,
    pipe_commands: false,
    backtick: Token::Plain,
    triple_backtick_comments: false,
};

/// The Sigma condition language inside a `condition:` value.
const SIGMA_CONDITION: Syntax = Syntax {
    keywords: &["and", "or", "not", "of", "all", "them", "any", "by", "near"],
    colon_op: false,
    single_quote: true,
    slash_comments: false,
    pipe_commands: false,
    backtick: Token::Plain,
    triple_backtick_comments: false,
};

/// Words that compare the word before them with a value (`f in (…)`).
const WORD_OPS: [&str; 8] = [
    "in", "in~", "like", "like~", "regex", "regex~", "rlike", "is",
];

/// Bytes that end a word in the expression languages.
fn ends_word(b: u8, syntax: &Syntax) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'(' | b')'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b','
                | b'"'
                | b'='
                | b'!'
                | b'<'
                | b'>'
                | b'|'
                | b'`'
        )
        || (b == b':' && syntax.colon_op)
        || (b == b'\'' && syntax.single_quote)
}

/// The end of a quoted run opened at `start` by `quote`, honouring
/// backslash escapes (`escapes`), or the end of `limit` when unterminated.
fn quoted_end(bytes: &[u8], start: usize, limit: usize, quote: &[u8], escapes: bool) -> usize {
    let mut i = start + quote.len();
    while i < limit {
        if escapes && bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if bytes[i..limit].starts_with(quote) {
            return i + quote.len();
        }
        i += 1;
    }
    limit
}

/// The length of the character starting at byte `i`.
fn char_len(text: &str, i: usize) -> usize {
    text[i..].chars().next().map_or(1, char::len_utf8)
}

/// Lexes `out.text[start..end]` as an expression language.
fn expr(out: &mut Out<'_>, start: usize, end: usize, syntax: &Syntax) {
    let text = out.text;
    let bytes = text.as_bytes();
    let mut i = start;
    let mut after_pipe = false;
    while i < end {
        let b = bytes[i];
        let rest = &bytes[i..end];
        let command = std::mem::take(&mut after_pipe);
        if b.is_ascii_whitespace() {
            after_pipe = command;
            let j = i + rest.iter().take_while(|c| c.is_ascii_whitespace()).count();
            out.push(Token::Plain, i, j);
            i = j;
        } else if syntax.triple_backtick_comments && rest.starts_with(b"```") {
            let j = quoted_end(bytes, i, end, b"```", false);
            out.push(Token::Comment, i, j);
            i = j;
        } else if syntax.slash_comments && rest.starts_with(b"//") {
            let j = i + rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
            out.push(Token::Comment, i, j);
            i = j;
        } else if syntax.slash_comments && rest.starts_with(b"/*") {
            let j = quoted_end(bytes, i, end, b"*/", false).max(i + 2);
            out.push(Token::Comment, i, j);
            i = j;
        } else if b == b'`' {
            let j = quoted_end(bytes, i, end, b"`", false);
            out.push(syntax.backtick, i, j);
            i = j;
        } else if rest.starts_with(b"\"\"\"") {
            let j = quoted_end(bytes, i, end, b"\"\"\"", false);
            out.push(Token::String, i, j);
            i = j;
        } else if b == b'"' || (b == b'\'' && syntax.single_quote) {
            let j = quoted_end(bytes, i, end, &[b], true).min(end);
            out.push(Token::String, i, j);
            i = j;
        } else if b == b'|' {
            out.push(Token::Operator, i, i + 1);
            after_pipe = syntax.pipe_commands;
            i += 1;
        } else if matches!(b, b'=' | b'!' | b'<' | b'>') || (b == b':' && syntax.colon_op) {
            let mut j = i + 1;
            if j < end && matches!(bytes[j], b'=' | b'~') {
                j += 1;
            }
            out.push(Token::Operator, i, j);
            i = j;
        } else if matches!(b, b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',') {
            out.push(Token::Punctuation, i, i + 1);
            i += 1;
        } else {
            let mut j = i;
            while j < end && (j == i || !ends_word(bytes[j], syntax)) {
                if bytes[j] == b'\\' && j + 1 < end {
                    j += 1;
                }
                j += char_len(text, j);
            }
            let j = j.min(end);
            let kind = word_kind(&text[i..j], &text[j..end], syntax, command);
            out.push(kind, i, j);
            i = j;
        }
    }
}

/// What a word is, given the text after it.
fn word_kind(word: &str, after: &str, syntax: &Syntax, after_pipe: bool) -> Token {
    let keyword = syntax.keywords.iter().any(|k| k.eq_ignore_ascii_case(word));
    if after_pipe {
        return Token::Keyword;
    }
    if is_number(word) {
        return Token::Number;
    }
    let next = after.trim_start();
    if next.starts_with('(') {
        return if keyword {
            Token::Keyword
        } else {
            Token::Function
        };
    }
    if keyword {
        return Token::Keyword;
    }
    let compares = next.starts_with(['=', '<', '>'])
        || next.starts_with("!=")
        || (syntax.colon_op && next.starts_with(':'))
        || {
            let following = next.split(|c: char| c.is_whitespace() || c == '(').next();
            following.is_some_and(|w| WORD_OPS.iter().any(|op| op.eq_ignore_ascii_case(w)))
        };
    if compares {
        Token::Field
    } else {
        Token::Plain
    }
}

fn is_number(word: &str) -> bool {
    let digits = word.strip_prefix('-').unwrap_or(word);
    digits.starts_with(|c: char| c.is_ascii_digit()) && digits.parse::<f64>().is_ok()
}

/// Lexes the whole input as a Sigma YAML block, line by line.
fn yaml(out: &mut Out<'_>) {
    let text = out.text;
    let mut line_start = 0;
    // The indentation of the key owning an open block scalar (`|`, `>`).
    let mut block: Option<usize> = None;
    // Indentation of the keys enclosing the current line.
    let mut keys: Vec<usize> = Vec::new();
    while line_start < text.len() {
        let newline = text[line_start..].find('\n').map(|n| line_start + n);
        let line_end = newline.unwrap_or(text.len());
        let content_end = if text[line_start..line_end].ends_with('\r') {
            line_end - 1
        } else {
            line_end
        };
        let line = &text[line_start..content_end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        match block {
            Some(owner) if line.trim().is_empty() || indent > owner => {
                out.push(Token::Plain, line_start, line_start + indent);
                out.push(Token::String, line_start + indent, content_end);
            }
            _ => {
                block = None;
                yaml_line(out, line_start, content_end, indent, &mut keys, &mut block);
            }
        }
        out.push(
            Token::Plain,
            content_end,
            newline.map_or(line_end, |n| n + 1),
        );
        line_start = newline.map_or(text.len(), |n| n + 1);
    }
}

/// One YAML line outside a block scalar.
fn yaml_line(
    out: &mut Out<'_>,
    start: usize,
    end: usize,
    indent: usize,
    keys: &mut Vec<usize>,
    block: &mut Option<usize>,
) {
    let text = out.text;
    let mut i = start + indent;
    out.push(Token::Plain, start, i);
    let mut in_list = false;
    loop {
        let rest = &text[i..end];
        if rest == "-" || rest.starts_with("- ") {
            out.push(Token::Punctuation, i, i + 1);
            let spaces = rest[1..].len() - rest[1..].trim_start_matches(' ').len();
            out.push(Token::Plain, i + 1, i + 1 + spaces);
            i += 1 + spaces;
            in_list = true;
        } else {
            break;
        }
    }
    let rest = &text[i..end];
    if rest.starts_with('#') {
        out.push(Token::Comment, i, end);
        return;
    }
    let column = i - start;
    let Some(colon) = key_end(rest) else {
        yaml_value(out, i, end, column, block);
        return;
    };
    while keys.last().is_some_and(|&k| k >= column) {
        keys.pop();
    }
    let depth = keys.len();
    keys.push(column);
    let kind = if depth <= 1 && !in_list {
        Token::Key
    } else {
        Token::Field
    };
    let key = &rest[..colon];
    let base = key.find('|').unwrap_or(key.len());
    out.push(kind, i, i + base);
    let mut k = i + base;
    for modifier in key[base..].split('|').skip(1) {
        out.push(Token::Operator, k, k + 1);
        out.push(Token::Keyword, k + 1, k + 1 + modifier.len());
        k += 1 + modifier.len();
    }
    out.push(Token::Punctuation, i + colon, i + colon + 1);
    let value = i + colon + 1;
    if key.trim() == "condition" {
        let comment = comment_start(&text[value..end]).map_or(end, |c| value + c);
        expr(out, value, comment, &SIGMA_CONDITION);
        out.push(Token::Comment, comment, end);
    } else {
        yaml_value(out, value, end, column, block);
    }
}

/// Where a `key:` ends (the colon's offset), if `line` starts with one.
fn key_end(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let after_quote = match bytes.first() {
        Some(&q @ (b'\'' | b'"')) => {
            let end = quoted_end(bytes, 0, bytes.len(), &[q], q == b'"');
            return (bytes.get(end) == Some(&b':')
                && bytes.get(end + 1).is_none_or(|c| c.is_ascii_whitespace()))
            .then_some(end);
        }
        Some(b'[' | b'{' | b'#' | b'|' | b'>' | b'&' | b'*' | b'!') | None => return None,
        Some(_) => 0,
    };
    let mut i = after_quote;
    while i < bytes.len() {
        match bytes[i] {
            b':' if bytes.get(i + 1).is_none_or(|c| c.is_ascii_whitespace()) => {
                return (i > 0).then_some(i);
            }
            b'#' if i > 0 && bytes[i - 1].is_ascii_whitespace() => return None,
            _ => i += 1,
        }
    }
    None
}

/// Where a ` #` comment starts in a plain value, if it has one.
fn comment_start(value: &str) -> Option<usize> {
    let bytes = value.as_bytes();
    (0..bytes.len()).find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()))
}

/// A YAML value from `start` to the end of the line: quoted, flow
/// (`[a, b]`), a block scalar indicator or a plain scalar, then a comment.
fn yaml_value(
    out: &mut Out<'_>,
    start: usize,
    end: usize,
    column: usize,
    block: &mut Option<usize>,
) {
    let text = out.text;
    let bytes = text.as_bytes();
    let lead = text[start..end].len() - text[start..end].trim_start().len();
    out.push(Token::Plain, start, start + lead);
    let i = start + lead;
    if i >= end {
        return;
    }
    let (value_end, kind) = match bytes[i] {
        b'\'' => (quoted_end(bytes, i, end, b"'", false), Token::String),
        b'"' => (
            quoted_end(bytes, i, end, b"\"", true).min(end),
            Token::String,
        ),
        b'|' | b'>'
            if text[i + 1..end]
                .trim_end()
                .bytes()
                .all(|c| matches!(c, b'-' | b'+' | b'0'..=b'9')) =>
        {
            *block = Some(column);
            (end, Token::Punctuation)
        }
        b'[' | b'{' => {
            flow(out, i, end);
            return;
        }
        _ => {
            let stop = comment_start(&text[i..end]).map_or(end, |c| i + c);
            let scalar = text[i..stop].trim_end();
            let kind = if is_number(scalar) {
                Token::Number
            } else if ["true", "false", "null", "~"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(scalar))
            {
                Token::Keyword
            } else {
                Token::String
            };
            (i + scalar.len(), kind)
        }
    };
    out.push(kind, i, value_end);
    let tail = &text[value_end..end];
    let comment = comment_start(tail).map_or(end, |c| value_end + c);
    out.push(Token::Plain, value_end, comment);
    out.push(Token::Comment, comment, end);
}

/// A flow collection (`[a, 'b', 3]`) on one line.
fn flow(out: &mut Out<'_>, start: usize, end: usize) {
    let text = out.text;
    let bytes = text.as_bytes();
    let mut i = start;
    while i < end {
        match bytes[i] {
            b'[' | b']' | b'{' | b'}' | b',' | b':' => {
                out.push(Token::Punctuation, i, i + 1);
                i += 1;
            }
            b'\'' | b'"' => {
                let j = quoted_end(bytes, i, end, &[bytes[i]], bytes[i] == b'"').min(end);
                out.push(Token::String, i, j);
                i = j;
            }
            b'#' if i > start && bytes[i - 1].is_ascii_whitespace() => {
                out.push(Token::Comment, i, end);
                i = end;
            }
            c if c.is_ascii_whitespace() => {
                out.push(Token::Plain, i, i + 1);
                i += 1;
            }
            _ => {
                let mut j = i;
                while j < end && !matches!(bytes[j], b'[' | b']' | b'{' | b'}' | b',' | b':') {
                    j += char_len(text, j);
                }
                let j = j.min(end);
                let word = text[i..j].trim_end();
                let kind = if is_number(word) {
                    Token::Number
                } else {
                    Token::String
                };
                out.push(kind, i, i + word.len());
                out.push(Token::Plain, i + word.len(), j);
                i = j;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The non-plain spans as (kind, text), for compact expectations.
    fn marked(text: &str, lang: Lang) -> Vec<(Token, &str)> {
        let spans = highlight(text, lang);
        let joined: String = spans.iter().map(|s| s.text).collect();
        assert_eq!(joined, text, "spans must cover the input exactly");
        spans
            .into_iter()
            .filter(|s| s.kind != Token::Plain)
            .map(|s| (s.kind, s.text))
            .collect()
    }

    #[test]
    fn sigma_detection_marks_keys_fields_modifiers_and_condition() {
        // From sigma/rules/windows/process_creation (AccCheckConsole).
        let text = "detection:\n    selection_img:\n        - Image|endswith: '\\AccCheckConsole.exe'\n        - OriginalFileName: 'AccCheckConsole.exe'\n    selection_cli:\n        CommandLine|contains:\n            - ' -hwnd'\n    timeframe: 5m # window\n    condition: all of selection_* and not 1 of filter_*";
        use Token::*;
        assert_eq!(
            marked(text, Lang::Sigma),
            vec![
                (Key, "detection"),
                (Punctuation, ":"),
                (Key, "selection_img"),
                (Punctuation, ":"),
                (Punctuation, "-"),
                (Field, "Image"),
                (Operator, "|"),
                (Keyword, "endswith"),
                (Punctuation, ":"),
                (String, "'\\AccCheckConsole.exe'"),
                (Punctuation, "-"),
                (Field, "OriginalFileName"),
                (Punctuation, ":"),
                (String, "'AccCheckConsole.exe'"),
                (Key, "selection_cli"),
                (Punctuation, ":"),
                (Field, "CommandLine"),
                (Operator, "|"),
                (Keyword, "contains"),
                (Punctuation, ":"),
                (Punctuation, "-"),
                (String, "' -hwnd'"),
                (Key, "timeframe"),
                (Punctuation, ":"),
                (String, "5m"),
                (Comment, "# window"),
                (Key, "condition"),
                (Punctuation, ":"),
                (Keyword, "all"),
                (Keyword, "of"),
                (Keyword, "and"),
                (Keyword, "not"),
                (Number, "1"),
                (Keyword, "of"),
            ]
        );
    }

    #[test]
    fn yaml_block_scalars_flow_lists_and_numbers() {
        use Token::*;
        let text = "detection:\n  sel:\n    Payload: |\n      a: b\n      # not a comment\n    EventID: [4688, '1']\n    Flag: true\n  condition: sel";
        assert_eq!(
            marked(text, Lang::Sigma),
            vec![
                (Key, "detection"),
                (Punctuation, ":"),
                (Key, "sel"),
                (Punctuation, ":"),
                (Field, "Payload"),
                (Punctuation, ":"),
                (Punctuation, "|"),
                (String, "a: b"),
                (String, "# not a comment"),
                (Field, "EventID"),
                (Punctuation, ":"),
                (Punctuation, "["),
                (Number, "4688"),
                (Punctuation, ","),
                (String, "'1'"),
                (Punctuation, "]"),
                (Field, "Flag"),
                (Punctuation, ":"),
                (Keyword, "true"),
                (Key, "condition"),
                (Punctuation, ":"),
            ]
        );
    }

    #[test]
    fn spl_marks_commands_macros_fields_and_strings() {
        // From splunk/detections/endpoint/7zip_commandline_to_smb_share_path.yml.
        let text = "| tstats `security_content_summariesonly` count min(_time) as firstTime from datamodel=Endpoint.Processes where (Processes.process_name =\"7z.exe\" OR Processes.process_name IN (\"7za.exe\")) ```keep 7-zip``` | `drop_dm_object_name(Processes)`";
        use Token::*;
        assert_eq!(
            marked(text, Lang::Spl),
            vec![
                (Operator, "|"),
                (Keyword, "tstats"),
                (Macro, "`security_content_summariesonly`"),
                (Function, "min"),
                (Punctuation, "("),
                (Punctuation, ")"),
                (Keyword, "as"),
                (Keyword, "from"),
                (Field, "datamodel"),
                (Operator, "="),
                (Keyword, "where"),
                (Punctuation, "("),
                (Field, "Processes.process_name"),
                (Operator, "="),
                (String, "\"7z.exe\""),
                (Keyword, "OR"),
                (Field, "Processes.process_name"),
                (Keyword, "IN"),
                (Punctuation, "("),
                (String, "\"7za.exe\""),
                (Punctuation, "))"),
                (Comment, "```keep 7-zip```"),
                (Operator, "|"),
                (Macro, "`drop_dm_object_name(Processes)`"),
            ]
        );
    }

    #[test]
    fn eql_kql_esql_and_lucene() {
        use Token::*;
        // Elastic rules: an EQL query, a KQL query, an ES|QL query.
        assert_eq!(
            marked(
                "file where host.os.type == \"windows\" and\n  file.path : (\"?:\\\\Windows\\\\*\") and not stringContains(a.b, \"x\")",
                Lang::Eql
            ),
            vec![
                (Keyword, "where"),
                (Field, "host.os.type"),
                (Operator, "=="),
                (String, "\"windows\""),
                (Keyword, "and"),
                (Field, "file.path"),
                (Operator, ":"),
                (Punctuation, "("),
                (String, "\"?:\\\\Windows\\\\*\""),
                (Punctuation, ")"),
                (Keyword, "and"),
                (Keyword, "not"),
                (Function, "stringContains"),
                (Punctuation, "("),
                (Punctuation, ","),
                (String, "\"x\""),
                (Punctuation, ")"),
            ]
        );
        assert_eq!(
            marked(
                "event.code:\"4656\" and winlog.event_data.AccessMask : (\"0x1fffff\" or 4)",
                Lang::Kql
            ),
            vec![
                (Field, "event.code"),
                (Operator, ":"),
                (String, "\"4656\""),
                (Keyword, "and"),
                (Field, "winlog.event_data.AccessMask"),
                (Operator, ":"),
                (Punctuation, "("),
                (String, "\"0x1fffff\""),
                (Keyword, "or"),
                (Number, "4"),
                (Punctuation, ")"),
            ]
        );
        assert_eq!(
            marked(
                "FROM logs-* METADATA _id\n| WHERE // ssm\n  event.action == \"x\" AND `a b` LIKE \"*y*\"\n| STATS c = COUNT(*) BY host.id",
                Lang::Esql
            ),
            vec![
                (Keyword, "FROM"),
                (Keyword, "METADATA"),
                (Operator, "|"),
                (Keyword, "WHERE"),
                (Comment, "// ssm"),
                (Field, "event.action"),
                (Operator, "=="),
                (String, "\"x\""),
                (Keyword, "AND"),
                (Field, "`a b`"),
                (Keyword, "LIKE"),
                (String, "\"*y*\""),
                (Operator, "|"),
                (Keyword, "STATS"),
                (Field, "c"),
                (Operator, "="),
                (Function, "COUNT"),
                (Punctuation, "("),
                (Punctuation, ")"),
                (Keyword, "BY"),
            ]
        );
        assert_eq!(
            marked("process.name:cmd.exe AND NOT path:C\\:\\\\x", Lang::Lucene),
            vec![
                (Field, "process.name"),
                (Operator, ":"),
                (Keyword, "AND"),
                (Keyword, "NOT"),
                (Field, "path"),
                (Operator, ":"),
            ]
        );
    }

    #[test]
    fn any_input_is_covered_exactly_without_panicking() {
        let inputs = [
            "",
            "\"unterminated",
            "'",
            "`",
            "```",
            "/*",
            "a\\",
            "key: 'x",
            "- - - \n  |\n\u{feff}é: \"ü\\",
            "détection:\r\n  sel: [a, {b: c}\r\n  condition: (",
            "|||:::==!=<>~\t\u{1F600}",
            "x: >-\n  folded\n\n  more\ny: 1",
        ];
        for text in inputs {
            for lang in [
                Lang::Sigma,
                Lang::Spl,
                Lang::Eql,
                Lang::Kql,
                Lang::Esql,
                Lang::Lucene,
                Lang::Plain,
            ] {
                let joined: std::string::String =
                    highlight(text, lang).iter().map(|s| s.text).collect();
                assert_eq!(joined, text, "{lang:?} on {text:?}");
            }
        }
        assert_eq!(Lang::of("kql"), Lang::Kql);
        assert_eq!(Lang::of("sigma"), Lang::Sigma);
        assert_eq!(Lang::of("something"), Lang::Plain);
    }
}

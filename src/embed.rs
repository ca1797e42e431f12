//! The messages a portal that frames rulescope and the app exchange through
//! `postMessage`, as plain data: what the host may send (checked field by
//! field, sizes capped), what the app answers, which origins may drive it
//! and the colour-theme choice. Pure, so every rule of the protocol is
//! tested natively; `app::embed` only moves these values across the frame.

use crate::catalog::{technique_id_in, Catalog, Filter, Route, View};
use crate::ingest::{Input, Limits};
use serde::{Deserialize, Serialize};

/// Most files one `loadRules` message may carry.
pub const MAX_FILES: usize = 1000;
/// Most bytes of text one `loadRules` message may carry in all.
pub const MAX_TOTAL_BYTES: usize = 32 * 1024 * 1024;
/// Longest route, id, filter query or file name accepted.
pub const MAX_TEXT: usize = 2048;

/// The kinds of view a host can open, and the kinds of thing a user selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ViewKind {
    Index,
    Technique,
    Rule,
    Field,
    Fields,
    About,
}

/// The colour theme a user or host picked: `System` follows the browser's
/// `prefers-color-scheme`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemePref {
    #[default]
    System,
    Light,
    Dark,
}

impl ThemePref {
    /// Every choice, in the order the header's switch shows them.
    pub const ALL: [ThemePref; 3] = [ThemePref::System, ThemePref::Light, ThemePref::Dark];

    /// The word used in URLs, messages and storage.
    pub fn key(self) -> &'static str {
        match self {
            ThemePref::System => "system",
            ThemePref::Light => "light",
            ThemePref::Dark => "dark",
        }
    }

    /// Reads [`ThemePref::key`]'s word.
    pub fn from_key(key: &str) -> Option<ThemePref> {
        ThemePref::ALL.into_iter().find(|t| t.key() == key)
    }

    /// The theme actually shown (`light` or `dark`, the values of the
    /// `data-theme` attribute the stylesheet reads).
    pub fn resolve(self, system_dark: bool) -> &'static str {
        match self {
            ThemePref::Light => "light",
            ThemePref::Dark => "dark",
            ThemePref::System if system_dark => "dark",
            ThemePref::System => "light",
        }
    }

    /// The choice at start-up: the `theme=` URL parameter, else the stored
    /// choice, else the system's. A parameter that names no theme is
    /// returned as an error (to warn about) and the rest still applies.
    pub fn initial(param: Option<&str>, stored: Option<ThemePref>) -> (ThemePref, Option<String>) {
        let fallback = stored.unwrap_or_default();
        match param {
            None => (fallback, None),
            Some(word) => match ThemePref::from_key(word) {
                Some(pref) => (pref, None),
                None => (
                    fallback,
                    Some(format!(
                        "theme={word:?} is not a theme: use light, dark or system"
                    )),
                ),
            },
        }
    }
}

/// One rule file a host hands over: its name (the format is detected from
/// it, as for a dropped file) and its text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedText {
    pub name: String,
    pub text: String,
}

/// A message from the host, as received. Anything that does not match one
/// of these shapes exactly (unknown type, unknown or missing field, wrong
/// type) fails to deserialise and is ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Incoming {
    /// Open a view: either `route` (a permalink's hash, `/technique/T1059?vendor=sigma`)
    /// or `view` with `id` (technique, rule, field) and `filters`.
    Navigate {
        route: Option<String>,
        view: Option<ViewKind>,
        id: Option<String>,
        filters: Option<String>,
    },
    /// Replace the filters of the current view (`vendor=sigma&status=stable`).
    SetFilters { filters: String },
    /// Switch the colour theme; `remember` stores it for the next visit.
    SetTheme {
        theme: ThemePref,
        #[serde(default)]
        remember: bool,
    },
    /// Import rule files, as if the user had dropped them.
    LoadRules { files: Vec<NamedText> },
}

/// A validated host message, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Navigate(Route),
    SetFilters(Filter),
    SetTheme { theme: ThemePref, remember: bool },
    LoadRules(Vec<Input>),
}

impl Incoming {
    /// Checks every field and size; the error says what is wrong.
    pub fn validate(self) -> Result<Command, String> {
        match self {
            Incoming::Navigate {
                route: Some(route),
                view: None,
                id: None,
                filters: None,
            } => navigate_to_route(&route),
            Incoming::Navigate {
                route: None,
                view: Some(view),
                id,
                filters,
            } => navigate_to_view(view, id, filters.as_deref().unwrap_or("")),
            Incoming::Navigate { .. } => {
                Err("navigate takes either `route` or `view` (with `id`, `filters`)".into())
            }
            Incoming::SetFilters { filters } => filter_query(&filters).map(Command::SetFilters),
            Incoming::SetTheme { theme, remember } => Ok(Command::SetTheme { theme, remember }),
            Incoming::LoadRules { files } => load_rules(files),
        }
    }
}

fn short(what: &str, text: &str) -> Result<(), String> {
    if text.len() > MAX_TEXT {
        Err(format!("{what} is longer than {MAX_TEXT} bytes"))
    } else if text.chars().any(char::is_control) {
        Err(format!("{what} holds control characters"))
    } else {
        Ok(())
    }
}

fn navigate_to_route(route: &str) -> Result<Command, String> {
    short("route", route)?;
    if !route.starts_with('/') {
        return Err(format!("route {route:?} must start with /"));
    }
    if route.contains('#') {
        return Err("route must not contain #".into());
    }
    match Route::parse(route) {
        Route::NotFound(path) => Err(format!("route {path:?} names no view")),
        found => Ok(Command::Navigate(found)),
    }
}

fn navigate_to_view(kind: ViewKind, id: Option<String>, filters: &str) -> Result<Command, String> {
    let view = View {
        filter: filter_query(filters)?,
        ..View::default()
    };
    let needs_id = matches!(kind, ViewKind::Technique | ViewKind::Rule | ViewKind::Field);
    let id = match (needs_id, id) {
        (true, Some(id)) if !id.trim().is_empty() => {
            short("id", &id)?;
            id.trim().to_string()
        }
        (true, _) => return Err(format!("navigate to a {kind:?} view needs an `id`")),
        (false, Some(_)) => return Err(format!("a {kind:?} view takes no `id`")),
        (false, None) => String::new(),
    };
    let route = match kind {
        ViewKind::Index => Route::Index(view),
        ViewKind::Technique => Route::Technique {
            id: technique_id_in(&id).ok_or_else(|| {
                format!("{id:?} is not an ATT&CK technique id (T1059, T1059.001)")
            })?,
            view,
        },
        ViewKind::Rule => Route::Rule { id, view },
        ViewKind::Field => Route::Field { name: id, view },
        ViewKind::Fields => Route::Fields(view),
        ViewKind::About if view.filter.is_default() => Route::About,
        ViewKind::About => return Err("the about view takes no filters".into()),
    };
    Ok(Command::Navigate(route))
}

/// Parses a filter query, refusing parts the filter does not understand
/// (a misspelt key, an unknown vendor) instead of silently dropping them.
fn filter_query(query: &str) -> Result<Filter, String> {
    short("filters", query)?;
    let query = query.trim_start_matches('?');
    if query.contains('#') {
        return Err("filters must not contain #".into());
    }
    let unknown: Vec<&str> = query
        .split('&')
        .filter(|part| !part.is_empty())
        .filter(|part| {
            let neutral = matches!(*part, "deprecated=0" | "local=0");
            !neutral && Filter::from_query(part).is_default()
        })
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "filters not understood: {} (keys: vendor, platform, status, level, source, type, deprecated, local)",
            unknown.join(", ")
        ));
    }
    Ok(Filter::from_query(query))
}

fn load_rules(files: Vec<NamedText>) -> Result<Command, String> {
    if files.is_empty() {
        return Err("loadRules carries no files".into());
    }
    if files.len() > MAX_FILES {
        return Err(format!(
            "loadRules carries {} files, more than {MAX_FILES}",
            files.len()
        ));
    }
    let per_file = Limits::default().max_file_bytes;
    let mut total = 0usize;
    let mut inputs = Vec::with_capacity(files.len());
    for NamedText { name, text } in files {
        short("file name", &name)?;
        if name.trim().is_empty() {
            return Err("a file has an empty name".into());
        }
        if text.len() > per_file {
            return Err(format!(
                "{name} is {} bytes, more than {per_file}",
                text.len()
            ));
        }
        total += text.len();
        if total > MAX_TOTAL_BYTES {
            return Err(format!(
                "loadRules carries more than {MAX_TOTAL_BYTES} bytes"
            ));
        }
        inputs.push(Input {
            name,
            bytes: text.into_bytes(),
        });
    }
    Ok(Command::LoadRules(inputs))
}

/// The route a `setFilters` message leads to: the current view with its
/// filter replaced (roll-up and search kept). `None` for views without
/// filters (about, not found).
pub fn with_filter(route: &Route, filter: Filter) -> Option<Route> {
    let mut route = route.clone();
    match &mut route {
        Route::Index(view)
        | Route::Technique { view, .. }
        | Route::Rule { view, .. }
        | Route::Field { view, .. }
        | Route::Fields(view) => view.filter = filter,
        Route::About | Route::NotFound(_) => return None,
    }
    Some(route)
}

/// A message from the app to the host.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Outgoing {
    /// The app has started and listens; `route` is the view it shows.
    Ready { route: String },
    /// The view changed. For a local rule the route is `/rule` with
    /// `local: true`: its id stays on this page.
    View {
        route: String,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        local: bool,
    },
    /// The content's height in CSS pixels, for resizing the frame.
    Height { px: u32 },
    /// The user opened a technique, a rule or a field.
    Select { kind: ViewKind, id: String },
    /// A `loadRules` finished: files read, rules added, files that failed,
    /// duplicate ids.
    RulesLoaded {
        files: u32,
        rules: u32,
        failed: u32,
        duplicates: u32,
    },
}

/// The hash path of a route without `#` (`/technique/T1059?vendor=sigma`).
pub fn route_text(route: &Route) -> String {
    route.to_hash().trim_start_matches('#').to_string()
}

/// Whether the rule a route opens is one of the user's local rules (its id
/// resolves to a local rule), which is never reported to the host.
fn local_rule(route: &Route, cat: &Catalog) -> bool {
    match route {
        Route::Rule { id, .. } => cat
            .find_rule(id)
            .and_then(|i| cat.rule(i))
            .is_some_and(|r| r.local),
        _ => false,
    }
}

/// The `view` message for `route`.
pub fn view_message(route: &Route, cat: &Catalog) -> Outgoing {
    if local_rule(route, cat) {
        Outgoing::View {
            route: "/rule".into(),
            local: true,
        }
    } else {
        Outgoing::View {
            route: route_text(route),
            local: false,
        }
    }
}

/// The `select` message when the view moved from `before` to `now` onto a
/// technique, a rule (not a local one) or a field; filter changes on the
/// same page select nothing.
pub fn select_message(before: &Route, now: &Route, cat: &Catalog) -> Option<Outgoing> {
    let path = |r: &Route| {
        route_text(r)
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    if path(before) == path(now) || local_rule(now, cat) {
        return None;
    }
    let (kind, id) = match now {
        Route::Technique { id, .. } => (ViewKind::Technique, id),
        Route::Rule { id, .. } => (ViewKind::Rule, id),
        Route::Field { name, .. } => (ViewKind::Field, name),
        _ => return None,
    };
    Some(Outgoing::Select {
        kind,
        id: id.clone(),
    })
}

/// Normalises one origin as browsers write it (`https://portal.example`,
/// `http://127.0.0.1:8080`): http(s) only, lower case, no path, no default
/// port. A trailing `/` is tolerated.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    let bad = |why: &str| {
        Err(format!(
            "{trimmed:?} is not an origin ({why}): write scheme://host[:port]"
        ))
    };
    let lower = trimmed.to_ascii_lowercase();
    let Some((scheme, rest)) = lower.split_once("://") else {
        return bad("no scheme");
    };
    let default_port = match scheme {
        "http" => "80",
        "https" => "443",
        _ => return bad("only http and https"),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match rest.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((addr, after)) => (format!("[{addr}]"), after),
            None => return bad("unclosed ["),
        },
        None => {
            let end = rest.find(':').unwrap_or(rest.len());
            (rest[..end].to_string(), &rest[end..])
        }
    };
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => !v6.is_empty() && v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':'),
        None => {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b))
        }
    };
    if !host_ok {
        return bad("host");
    }
    let port = match port.strip_prefix(':') {
        None if port.is_empty() => "",
        Some(p)
            if p.parse::<u16>().is_ok_and(|n| n > 0) && p.bytes().all(|b| b.is_ascii_digit()) =>
        {
            p
        }
        _ => return bad("port or path"),
    };
    if port.is_empty() || port == default_port {
        Ok(format!("{scheme}://{host}"))
    } else {
        Ok(format!("{scheme}://{host}:{port}"))
    }
}

/// `embed.json`, the deployment's own list of host origins, served next to
/// `index.html`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbedFile {
    pub parent_origins: Vec<String>,
}

/// What fetching `embed.json` gave.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigFile {
    /// No such file (HTTP 404, or opened from `file://`).
    Absent,
    /// The file's text.
    Text(String),
    /// The fetch failed otherwise (offline, server error): the reason.
    Unreadable(String),
}

/// The origins allowed to drive the app, and warnings for the console.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Origins {
    pub allowed: Vec<String>,
    pub warnings: Vec<String>,
}

fn origins_of<'a>(
    entries: impl Iterator<Item = &'a str>,
    warnings: &mut Vec<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    for entry in entries.map(str::trim).filter(|e| !e.is_empty()) {
        match parse_origin(entry) {
            Ok(origin) if !out.contains(&origin) => out.push(origin),
            Ok(_) => {}
            Err(reason) => warnings.push(reason),
        }
    }
    out
}

/// Combines the `parent_origin` URL parameter (comma-separated) with
/// `embed.json`. The file is written by whoever deploys rulescope, the URL
/// by whoever frames it, so the file wins: with a file, only its origins
/// are allowed, and a URL list narrows them further; without one, the URL
/// list alone decides. A file that exists but cannot be read or parsed
/// allows nothing (failing closed rather than falling back to the URL).
pub fn allowed_origins(param: Option<&str>, file: &ConfigFile) -> Origins {
    let mut warnings = Vec::new();
    let from_url = param.map(|p| origins_of(p.split(','), &mut warnings));
    let from_file = match file {
        ConfigFile::Absent => None,
        ConfigFile::Unreadable(reason) => {
            warnings.push(format!(
                "embed.json unreadable ({reason}): no host origin is allowed"
            ));
            Some(Vec::new())
        }
        ConfigFile::Text(text) => match serde_json::from_str::<EmbedFile>(text) {
            Ok(parsed) => Some(origins_of(
                parsed.parent_origins.iter().map(String::as_str),
                &mut warnings,
            )),
            Err(e) => {
                warnings.push(format!(
                    "embed.json is not {{\"parent_origins\": [\"https://…\"]}} ({e}): no host origin is allowed"
                ));
                Some(Vec::new())
            }
        },
    };
    let allowed = match (from_url, from_file) {
        (Some(url), Some(file)) => {
            for dropped in url.iter().filter(|o| !file.contains(o)) {
                warnings.push(format!(
                    "parent_origin {dropped} is not in embed.json: ignored"
                ));
            }
            url.into_iter().filter(|o| file.contains(o)).collect()
        }
        (Some(only), None) | (None, Some(only)) => only,
        (None, None) => Vec::new(),
    };
    Origins { allowed, warnings }
}

/// The origin the app posts to: the parent's actual origin when the
/// browser tells it (`location.ancestorOrigins`, else the referrer's
/// origin), if it is allowed. When the browser tells nothing, the only
/// allowed origin (the browser drops the message unless the parent really
/// is that origin); else none until the host's first accepted message
/// shows its origin.
pub fn post_target(
    allowed: &[String],
    ancestor: Option<&str>,
    referrer: Option<&str>,
) -> Option<String> {
    let hints: Vec<String> = [ancestor, referrer]
        .into_iter()
        .flatten()
        .filter_map(|o| parse_origin(o).ok())
        .collect();
    match (hints.iter().find(|o| allowed.contains(o)), allowed) {
        (Some(origin), _) => Some(origin.clone()),
        (None, [only]) if hints.is_empty() => Some(only.clone()),
        (None, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogData;
    use crate::model::{Rule, Vendor};
    use pretty_assertions::assert_eq;
    use serde_json::json;

    fn parse(value: serde_json::Value) -> Result<Command, String> {
        serde_json::from_value::<Incoming>(value)
            .map_err(|e| e.to_string())
            .and_then(Incoming::validate)
    }

    fn technique(id: &str, filter: Filter) -> Route {
        Route::Technique {
            id: id.into(),
            view: View {
                filter,
                ..View::default()
            },
        }
    }

    fn sigma() -> Filter {
        Filter {
            vendors: vec![Vendor::Sigma],
            ..Filter::default()
        }
    }

    #[test]
    fn navigate_by_route_or_by_view() {
        assert_eq!(
            parse(json!({"type": "navigate", "route": "/technique/t1059.001?vendor=sigma"})),
            Ok(Command::Navigate(technique("T1059.001", sigma())))
        );
        assert_eq!(
            parse(
                json!({"type": "navigate", "view": "technique", "id": " t1059.001 ", "filters": "vendor=sigma"})
            ),
            Ok(Command::Navigate(technique("T1059.001", sigma())))
        );
        assert_eq!(
            parse(json!({"type": "navigate", "view": "field", "id": "process.name"})),
            Ok(Command::Navigate(Route::Field {
                name: "process.name".into(),
                view: View::default()
            }))
        );
        assert_eq!(
            parse(json!({"type": "navigate", "view": "about"})),
            Ok(Command::Navigate(Route::About))
        );
        assert_eq!(
            parse(
                json!({"type": "navigate", "view": "index", "filters": "?status=stable&deprecated=0"})
            ),
            Ok(Command::Navigate(Route::Index(View {
                filter: Filter {
                    statuses: vec!["stable".into()],
                    ..Filter::default()
                },
                ..View::default()
            })))
        );
    }

    #[test]
    fn malformed_navigations_say_why() {
        let cases = [
            (
                json!({"type": "navigate", "route": "technique/T1059"}),
                "must start with /",
            ),
            (
                json!({"type": "navigate", "route": "/nowhere"}),
                "names no view",
            ),
            (
                json!({"type": "navigate", "route": "/#/about"}),
                "must not contain #",
            ),
            (
                json!({"type": "navigate", "route": "/", "view": "index"}),
                "either `route` or `view`",
            ),
            (json!({"type": "navigate"}), "either `route` or `view`"),
            (
                json!({"type": "navigate", "view": "technique"}),
                "needs an `id`",
            ),
            (
                json!({"type": "navigate", "view": "technique", "id": "powershell"}),
                "not an ATT&CK technique id",
            ),
            (
                json!({"type": "navigate", "view": "fields", "id": "x"}),
                "takes no `id`",
            ),
            (
                json!({"type": "navigate", "view": "about", "filters": "vendor=sigma"}),
                "takes no filters",
            ),
            (
                json!({"type": "navigate", "view": "rule", "id": "a\u{0}b"}),
                "control characters",
            ),
            (
                json!({"type": "navigate", "view": "matrix"}),
                "unknown variant `matrix`",
            ),
            (
                json!({"type": "navigate", "route": "/", "target": "_top"}),
                "unknown field `target`",
            ),
            (json!({"type": "navigate", "route": 42}), "invalid type"),
            (
                json!({"type": "navigate", "route": format!("/rule/{}", "x".repeat(MAX_TEXT))}),
                "longer than",
            ),
        ];
        for (message, why) in cases {
            let got = parse(message.clone());
            assert!(
                matches!(&got, Err(reason) if reason.contains(why)),
                "{message}: {got:?}, expected an error with {why:?}"
            );
        }
    }

    #[test]
    fn unknown_and_untyped_messages_are_rejected() {
        for message in [
            json!({"type": "eval", "code": "alert(1)"}),
            json!({"route": "/"}),
            json!("navigate"),
            json!(null),
            json!([{"type": "navigate", "route": "/"}]),
            json!({"type": "setTheme", "theme": "sepia"}),
            json!({"type": "setTheme", "theme": "dark", "remember": "yes"}),
        ] {
            assert!(parse(message.clone()).is_err(), "{message} was accepted");
        }
    }

    #[test]
    fn filters_are_checked_key_by_key() {
        assert_eq!(
            parse(json!({"type": "setFilters", "filters": "vendor=sigma"})),
            Ok(Command::SetFilters(sigma()))
        );
        assert_eq!(
            parse(json!({"type": "setFilters", "filters": ""})),
            Ok(Command::SetFilters(Filter::default()))
        );
        let err =
            parse(json!({"type": "setFilters", "filters": "vendors=sigma&vendor=acme&level=high"}))
                .unwrap_err();
        assert_eq!(
            err,
            "filters not understood: vendors=sigma, vendor=acme (keys: vendor, platform, status, level, source, type, deprecated, local)"
        );
        assert!(parse(json!({"type": "setFilters", "query": "vendor=sigma"})).is_err());
    }

    #[test]
    fn set_filters_keeps_the_view_and_its_other_settings() {
        let before = Route::parse("/technique/T1059?rollup=1&vendor=elastic");
        let after = with_filter(&before, sigma()).unwrap();
        assert_eq!(route_text(&after), "/technique/T1059?vendor=sigma&rollup=1");
        assert_eq!(with_filter(&Route::About, sigma()), None);
    }

    #[test]
    fn themes_and_the_start_up_choice() {
        assert_eq!(
            parse(json!({"type": "setTheme", "theme": "dark"})),
            Ok(Command::SetTheme {
                theme: ThemePref::Dark,
                remember: false
            })
        );
        assert_eq!(
            parse(json!({"type": "setTheme", "theme": "system", "remember": true})),
            Ok(Command::SetTheme {
                theme: ThemePref::System,
                remember: true
            })
        );
        assert_eq!(ThemePref::System.resolve(true), "dark");
        assert_eq!(ThemePref::System.resolve(false), "light");
        assert_eq!(ThemePref::Light.resolve(true), "light");
        assert_eq!(ThemePref::initial(None, None), (ThemePref::System, None));
        assert_eq!(
            ThemePref::initial(None, Some(ThemePref::Dark)),
            (ThemePref::Dark, None)
        );
        assert_eq!(
            ThemePref::initial(Some("light"), Some(ThemePref::Dark)),
            (ThemePref::Light, None)
        );
        let (pref, warning) = ThemePref::initial(Some("blue"), Some(ThemePref::Dark));
        assert_eq!(pref, ThemePref::Dark);
        assert!(warning.unwrap().contains("\"blue\" is not a theme"));
    }

    #[test]
    fn load_rules_becomes_named_inputs_under_caps() {
        assert_eq!(
            parse(json!({"type": "loadRules", "files": [
                {"name": "mine/a.yml", "text": "title: a"},
                {"name": "b.toml", "text": ""}
            ]})),
            Ok(Command::LoadRules(vec![
                Input {
                    name: "mine/a.yml".into(),
                    bytes: b"title: a".to_vec()
                },
                Input {
                    name: "b.toml".into(),
                    bytes: Vec::new()
                },
            ]))
        );
        let big = "x".repeat(Limits::default().max_file_bytes + 1);
        let many: Vec<_> = (0..=MAX_FILES)
            .map(|i| json!({"name": format!("{i}.yml"), "text": ""}))
            .collect();
        let cases = [
            (json!({"type": "loadRules", "files": []}), "no files"),
            (
                json!({"type": "loadRules", "files": many}),
                "more than 1000",
            ),
            (
                json!({"type": "loadRules", "files": [{"name": "big.yml", "text": big}]}),
                "big.yml is 4194305 bytes",
            ),
            (
                json!({"type": "loadRules", "files": [{"name": " ", "text": "x"}]}),
                "empty name",
            ),
            (
                json!({"type": "loadRules", "files": [{"name": "a.yml", "text": "x", "path": "/etc"}]}),
                "unknown field `path`",
            ),
            (
                json!({"type": "loadRules", "files": [{"name": "a.yml", "bytes": [1]}]}),
                "unknown field `bytes`",
            ),
        ];
        for (message, why) in cases {
            let got = parse(message);
            assert!(
                matches!(&got, Err(reason) if reason.contains(why)),
                "{got:?}, expected an error with {why:?}"
            );
        }
        let chunk = "y".repeat(MAX_TOTAL_BYTES / 8);
        let heavy: Vec<_> = (0..9)
            .map(|i| json!({"name": format!("{i}.yml"), "text": chunk}))
            .collect();
        assert!(parse(json!({"type": "loadRules", "files": heavy}))
            .unwrap_err()
            .contains("more than 33554432 bytes"));
    }

    fn catalog() -> Catalog {
        let rule = |id: &str, local: bool| Rule {
            id: id.into(),
            vendor: if local { Vendor::Local } else { Vendor::Sigma },
            local,
            techniques: vec!["T1059.001".into()],
            ..Rule::default()
        };
        Catalog::new(CatalogData {
            rules: vec![rule("public-1", false), rule("mine-1", true)],
            ..CatalogData::default()
        })
    }

    #[test]
    fn outgoing_messages_as_the_host_reads_them() {
        let cat = catalog();
        let t = technique("T1059.001", sigma());
        assert_eq!(
            serde_json::to_value(view_message(&t, &cat)).unwrap(),
            json!({"type": "view", "route": "/technique/T1059.001?vendor=sigma"})
        );
        let mine = Route::parse("/rule/mine-1?vendor=sigma");
        assert_eq!(
            serde_json::to_value(view_message(&mine, &cat)).unwrap(),
            json!({"type": "view", "route": "/rule", "local": true})
        );
        assert_eq!(
            serde_json::to_value(Outgoing::Height { px: 812 }).unwrap(),
            json!({"type": "height", "px": 812})
        );
        assert_eq!(
            serde_json::to_value(Outgoing::RulesLoaded {
                files: 2,
                rules: 1,
                failed: 1,
                duplicates: 0
            })
            .unwrap(),
            json!({"type": "rulesLoaded", "files": 2, "rules": 1, "failed": 1, "duplicates": 0})
        );
    }

    #[test]
    fn selections_are_new_pages_and_never_local_rules() {
        let cat = catalog();
        let index = Route::parse("/");
        let t = technique("T1059.001", Filter::default());
        assert_eq!(
            serde_json::to_value(select_message(&index, &t, &cat)).unwrap(),
            json!({"type": "select", "kind": "technique", "id": "T1059.001"})
        );
        assert_eq!(
            select_message(&t, &technique("T1059.001", sigma()), &cat),
            None
        );
        assert_eq!(
            select_message(&t, &Route::parse("/rule/public-1"), &cat),
            Some(Outgoing::Select {
                kind: ViewKind::Rule,
                id: "public-1".into()
            })
        );
        assert_eq!(
            select_message(&t, &Route::parse("/rule/mine-1"), &cat),
            None
        );
        assert_eq!(
            select_message(&t, &Route::parse("/field/process.name"), &cat),
            Some(Outgoing::Select {
                kind: ViewKind::Field,
                id: "process.name".into()
            })
        );
        assert_eq!(select_message(&t, &Route::parse("/fields"), &cat), None);
    }

    #[test]
    fn origins_are_normalised_as_browsers_write_them() {
        for (written, origin) in [
            ("https://Portal.Example", "https://portal.example"),
            (" https://portal.example/ ", "https://portal.example"),
            ("https://portal.example:443", "https://portal.example"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://[::1]:3000", "http://[::1]:3000"),
        ] {
            assert_eq!(parse_origin(written).as_deref(), Ok(origin), "{written}");
        }
        for bad in [
            "portal.example",
            "ftp://portal.example",
            "https://portal.example/app",
            "https://portal.example:0",
            "https://portal.example:99999",
            "https://user@portal.example",
            "https://",
            "null",
            "*",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn the_deployment_file_wins_over_the_url() {
        let url = Some("https://a.example, https://b.example,nonsense");
        let only_url = allowed_origins(url, &ConfigFile::Absent);
        assert_eq!(only_url.allowed, ["https://a.example", "https://b.example"]);
        assert_eq!(only_url.warnings.len(), 1);
        assert!(only_url.warnings[0].contains("\"nonsense\" is not an origin"));

        let file = ConfigFile::Text(
            r#"{"parent_origins": ["https://b.example", "https://c.example"]}"#.into(),
        );
        let both = allowed_origins(url, &file);
        assert_eq!(both.allowed, ["https://b.example"]);
        assert!(both.warnings[1].contains("https://a.example is not in embed.json"));
        assert_eq!(
            allowed_origins(None, &file).allowed,
            ["https://b.example", "https://c.example"]
        );
        assert_eq!(
            allowed_origins(None, &ConfigFile::Absent),
            Origins::default()
        );

        let unreadable = allowed_origins(url, &ConfigFile::Unreadable("offline".into()));
        assert_eq!(unreadable.allowed, Vec::<String>::new());
        let typo = allowed_origins(url, &ConfigFile::Text(r#"{"parent_origin": []}"#.into()));
        assert_eq!(typo.allowed, Vec::<String>::new());
        assert!(typo
            .warnings
            .iter()
            .any(|w| w.contains("unknown field `parent_origin`")));
    }

    #[test]
    fn the_post_target_is_the_known_parent_or_else_the_only_origin() {
        let allowed = vec![
            "https://a.example".to_string(),
            "https://b.example".to_string(),
        ];
        assert_eq!(
            post_target(&allowed, Some("https://b.example"), None).as_deref(),
            Some("https://b.example")
        );
        assert_eq!(
            post_target(&allowed, None, Some("https://a.example")).as_deref(),
            Some("https://a.example")
        );
        assert_eq!(
            post_target(&allowed, Some("https://evil.example"), None),
            None
        );
        assert_eq!(
            post_target(&allowed[..1], Some("https://evil.example"), None),
            None
        );
        assert_eq!(
            post_target(&allowed[..1], None, None).as_deref(),
            Some("https://a.example")
        );
        assert_eq!(post_target(&allowed, None, None), None);
        assert_eq!(post_target(&[], Some("https://a.example"), None), None);
    }
}

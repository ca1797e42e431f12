//! The page's permalinks as plain data: every view is a hash route
//! (`#/technique/T1059?rollup=1&vendor=sigma`) that these functions write and
//! read, so links survive copying to any static host and are tested natively.
//! Also the one gate every link taken from rule or ATT&CK data goes through.

use super::filter::{decode, encode, Filter};
use crate::model::Vendor;

/// What a view shows besides its subject: the filter that applies
/// everywhere, the sub-technique roll-up and the index's search box.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct View {
    pub filter: Filter,
    /// Count sub-technique rules under their parent.
    pub rollup: bool,
    /// The technique index's search text.
    pub search: String,
    /// The technique index lists only techniques that have rules.
    pub covered: bool,
    /// The home matrix's per-vendor switch: heat from one vendor's rules
    /// (`None`: every vendor the filter lets through).
    pub matrix_vendor: Option<Vendor>,
}

impl View {
    /// The query form: [`Filter::to_query`] then `rollup=1`, `covered=1`,
    /// `q=…` and `heat=<vendor>`; empty for the default view.
    pub fn to_query(&self) -> String {
        let mut parts = vec![self.filter.to_query()];
        if self.rollup {
            parts.push("rollup=1".into());
        }
        if self.covered {
            parts.push("covered=1".into());
        }
        if !self.search.is_empty() {
            parts.push(format!("q={}", encode(&self.search)));
        }
        if let Some(v) = self.matrix_vendor {
            parts.push(format!("heat={}", v.key()));
        }
        parts.retain(|p| !p.is_empty());
        parts.join("&")
    }

    /// Reads [`View::to_query`]'s form; unknown keys are ignored.
    pub fn from_query(query: &str) -> View {
        let query = query.trim_start_matches('?');
        let mut view = View {
            filter: Filter::from_query(query),
            ..View::default()
        };
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "rollup" => view.rollup = value == "1",
                "covered" => view.covered = value == "1",
                "q" => view.search = decode(value),
                "heat" => view.matrix_vendor = Vendor::from_key(value),
                _ => {}
            }
        }
        view
    }
}

/// A view of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `#/`: the technique index.
    Index(View),
    /// `#/technique/T1059.001`: one technique's page.
    Technique { id: String, view: View },
    /// `#/rule/<id>`: one rule, by upstream id.
    Rule { id: String, view: View },
    /// `#/field/process.name`: one canonical field (or an unmapped field as
    /// written), its aliases, techniques, rules and values.
    Field { name: String, view: View },
    /// `#/fields`: every field rules filter on.
    Fields(View),
    /// `#/about`: corpus versions, counts, licenses and MITRE's notice.
    About,
    /// Any other path, kept for the "not found" message.
    NotFound(String),
}

impl Route {
    /// Parses the part of a URL after `#` (`/technique/T1059?rollup=1`);
    /// the leading `#` may be included.
    pub fn parse(hash: &str) -> Route {
        let hash = hash.trim_start_matches('#');
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        Route::from_parts(path, query)
    }

    /// Parses a route from its path (`/rule/abc`) and query (`?vendor=sigma`).
    pub fn from_parts(path: &str, query: &str) -> Route {
        let view = View::from_query(query);
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] => Route::Index(view),
            ["technique", id] => Route::Technique {
                id: decode(id).to_ascii_uppercase(),
                view,
            },
            ["rule", id] => Route::Rule {
                id: decode(id),
                view,
            },
            ["field", name] => Route::Field {
                name: decode(name),
                view,
            },
            ["fields"] => Route::Fields(view),
            ["about"] => Route::About,
            _ => Route::NotFound(path.to_string()),
        }
    }

    /// The hash this route is reached by, `#` included.
    pub fn to_hash(&self) -> String {
        let (path, view) = match self {
            Route::Index(view) => ("/".to_string(), Some(view)),
            Route::Technique { id, view } => (format!("/technique/{}", encode(id)), Some(view)),
            Route::Rule { id, view } => (format!("/rule/{}", encode(id)), Some(view)),
            Route::Field { name, view } => (format!("/field/{}", encode(name)), Some(view)),
            Route::Fields(view) => ("/fields".to_string(), Some(view)),
            Route::About => ("/about".to_string(), None),
            Route::NotFound(path) => (path.clone(), None),
        };
        let query = view.map(View::to_query).unwrap_or_default();
        if query.is_empty() {
            format!("#{path}")
        } else {
            format!("#{path}?{query}")
        }
    }

    /// The view settings this route carries (the default for "not found").
    pub fn view(&self) -> View {
        match self {
            Route::Index(view)
            | Route::Technique { view, .. }
            | Route::Rule { view, .. }
            | Route::Field { view, .. }
            | Route::Fields(view) => view.clone(),
            Route::About | Route::NotFound(_) => View::default(),
        }
    }
}

/// `url` trimmed, if it may be used as a link target: only `http://` and
/// `https://` URLs without whitespace or control characters inside. Every
/// link built from rule or ATT&CK data goes through this.
pub fn safe_href(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme_end = url.find("://")?;
    let scheme = &url[..scheme_end];
    let allowed = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let host_present = url.len() > scheme_end + 3;
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (allowed && host_present && clean).then_some(url)
}

/// The ATT&CK technique id a search text names, if it is one (`t1059.001`
/// → `T1059.001`), so a search box can jump straight to the technique.
pub fn technique_id_in(text: &str) -> Option<String> {
    let id = text.trim().to_ascii_uppercase();
    let (base, sub) = match id.split_once('.') {
        Some((b, s)) => (b, Some(s)),
        None => (id.as_str(), None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let base_ok = base.strip_prefix('T').is_some_and(|d| digits(d, 4));
    let sub_ok = sub.is_none_or(|s| digits(s, 3));
    (base_ok && sub_ok).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Vendor;

    #[test]
    fn technique_routes_round_trip_with_filter_and_rollup() {
        let route = Route::parse("#/technique/t1059?rollup=1&vendor=sigma,splunk");
        let view = View {
            filter: Filter {
                vendors: vec![Vendor::Sigma, Vendor::Splunk],
                ..Filter::default()
            },
            rollup: true,
            ..View::default()
        };
        assert_eq!(
            route,
            Route::Technique {
                id: "T1059".into(),
                view: view.clone()
            }
        );
        assert_eq!(
            route.to_hash(),
            "#/technique/T1059?vendor=sigma,splunk&rollup=1"
        );
        assert_eq!(Route::parse(&route.to_hash()), route);
    }

    #[test]
    fn index_rule_and_unknown_paths() {
        assert_eq!(Route::parse(""), Route::Index(View::default()));
        assert_eq!(Route::parse("#/"), Route::Index(View::default()));
        assert_eq!(Route::Index(View::default()).to_hash(), "#/");
        let search = Route::Index(View {
            search: "power shell&x".into(),
            covered: true,
            ..View::default()
        });
        assert_eq!(search.to_hash(), "#/?covered=1&q=power%20shell%26x");
        assert_eq!(Route::parse(&search.to_hash()), search);

        let rule = Route::Rule {
            id: "a/b c".into(),
            view: View::default(),
        };
        assert_eq!(rule.to_hash(), "#/rule/a%2Fb%20c");
        assert_eq!(Route::parse(&rule.to_hash()), rule);
        assert_eq!(
            Route::from_parts("/rule/5f1c", ""),
            Route::Rule {
                id: "5f1c".into(),
                view: View::default()
            }
        );
        let field = Route::Field {
            name: "process.name".into(),
            view: View {
                search: "powershell.exe".into(),
                ..View::default()
            },
        };
        assert_eq!(field.to_hash(), "#/field/process.name?q=powershell.exe");
        assert_eq!(Route::parse(&field.to_hash()), field);
        assert_eq!(Route::parse("#/fields"), Route::Fields(View::default()));
        assert_eq!(Route::parse("#/about"), Route::About);
        assert_eq!(Route::About.to_hash(), "#/about");
        assert_eq!(
            Route::parse("#/nope/x/y"),
            Route::NotFound("/nope/x/y".into())
        );
    }

    #[test]
    fn matrix_vendor_round_trips_and_unknown_vendors_are_ignored() {
        let home = Route::Index(View {
            filter: Filter {
                include_deprecated: true,
                ..Filter::default()
            },
            search: "ps".into(),
            matrix_vendor: Some(Vendor::Elastic),
            ..View::default()
        });
        assert_eq!(home.to_hash(), "#/?deprecated=1&q=ps&heat=elastic");
        assert_eq!(Route::parse(&home.to_hash()), home);
        for v in Vendor::ALL {
            let view = View {
                matrix_vendor: Some(v),
                ..View::default()
            };
            assert_eq!(View::from_query(&view.to_query()), view);
        }
        assert_eq!(View::from_query("heat=nobody"), View::default());
    }

    #[test]
    fn only_http_links_pass() {
        assert_eq!(
            safe_href(" https://example.org/a "),
            Some("https://example.org/a")
        );
        assert_eq!(safe_href("HTTP://example.org"), Some("HTTP://example.org"));
        for bad in [
            "javascript:alert(1)",
            "JavaScript://%0aalert(1)",
            "data:text/html,x",
            "//example.org",
            "https://",
            "https://exa mple.org",
            "https://example.org/\nx",
            "see the wiki",
            "ftp://example.org",
            "",
        ] {
            assert_eq!(safe_href(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn search_text_that_names_a_technique() {
        assert_eq!(technique_id_in(" t1059.001 ").as_deref(), Some("T1059.001"));
        assert_eq!(technique_id_in("T1003").as_deref(), Some("T1003"));
        for not_id in ["T105", "T1059.01", "powershell", "T1059.001.1", "1059"] {
            assert_eq!(technique_id_in(not_id), None, "{not_id:?}");
        }
    }
}

//! Exports of what a view shows: any table as rows of strings (the same
//! rows the page sorts and downloads as CSV or JSON) and an ATT&CK
//! Navigator layer (format 4.5) of the current filtered coverage.

use super::filter::Filter;
use super::guide::TechniqueGuide;
use super::index::Catalog;
use crate::model::{Op, Predicate};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// How a column's cells compare when sorted, and how JSON writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Sorted case-insensitively; a JSON string.
    Text,
    /// Sorted by value, blanks last; a JSON number (`null` when blank).
    Number,
    /// Several values joined by `; `: not sortable; a JSON string.
    List,
}

/// One column of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header, also the key of each JSON object.
    pub name: String,
    pub kind: CellKind,
}

/// A table as the page shows it, cell by cell as text: one value that the
/// page's sortable headers and every export (CSV, JSON) read, so a view
/// never scrapes its own DOM and any page can reuse the export widget.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    /// One entry per row, one cell per column.
    pub rows: Vec<Vec<String>>,
}

/// Sort direction of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDir {
    Ascending,
    Descending,
}

impl SortDir {
    /// The `aria-sort` value of a header sorted this way.
    pub fn aria(self) -> &'static str {
        match self {
            SortDir::Ascending => "ascending",
            SortDir::Descending => "descending",
        }
    }

    /// The other direction.
    pub fn flip(self) -> SortDir {
        match self {
            SortDir::Ascending => SortDir::Descending,
            SortDir::Descending => SortDir::Ascending,
        }
    }

    /// The direction a first click on a column of `kind` sorts: most first
    /// for numbers, A to Z for text.
    pub fn first_for(kind: CellKind) -> SortDir {
        match kind {
            CellKind::Number => SortDir::Descending,
            CellKind::Text | CellKind::List => SortDir::Ascending,
        }
    }
}

impl Table {
    /// An empty table with these `(header, kind)` columns.
    pub fn new(columns: &[(&str, CellKind)]) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|&(name, kind)| Column {
                    name: name.to_string(),
                    kind,
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// The table as an RFC 4180 CSV document ([`to_csv`]).
    pub fn to_csv(&self) -> String {
        let header: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        to_csv(&header, &self.rows)
    }

    /// The table as a JSON array of objects keyed by column header, in
    /// column order; number columns are JSON numbers.
    pub fn to_json(&self) -> String {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                let object = self
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(column, cell)| (column.name.clone(), json_cell(column.kind, cell)))
                    .collect();
                serde_json::Value::Object(object)
            })
            .collect();
        serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".to_string())
    }

    /// Row indices ordered by `column` in `dir`; ties keep the table's own
    /// (ranked) order, blank numbers sort last either way. An unknown or
    /// list column leaves the order as it is.
    pub fn sorted_order(&self, column: usize, dir: SortDir) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        let Some(kind) = self.columns.get(column).map(|c| c.kind) else {
            return order;
        };
        let cell = |row: usize| self.rows[row].get(column).map_or("", String::as_str);
        match kind {
            CellKind::List => {}
            CellKind::Number => order.sort_by(|&a, &b| {
                match (cell(a).parse::<f64>().ok(), cell(b).parse::<f64>().ok()) {
                    (Some(x), Some(y)) => directed(x.total_cmp(&y), dir),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
            }),
            CellKind::Text => {
                let keys: Vec<String> = order.iter().map(|&row| cell(row).to_lowercase()).collect();
                order.sort_by(|&a, &b| directed(keys[a].cmp(&keys[b]), dir));
            }
        }
        order
    }
}

fn directed(ordering: Ordering, dir: SortDir) -> Ordering {
    match dir {
        SortDir::Ascending => ordering,
        SortDir::Descending => ordering.reverse(),
    }
}

fn json_cell(kind: CellKind, cell: &str) -> serde_json::Value {
    match kind {
        CellKind::Number if cell.is_empty() => serde_json::Value::Null,
        CellKind::Number => cell
            .parse::<u64>()
            .map(serde_json::Value::from)
            .or_else(|_| cell.parse::<f64>().map(serde_json::Value::from))
            .unwrap_or_else(|_| serde_json::Value::from(cell)),
        CellKind::Text | CellKind::List => serde_json::Value::from(cell),
    }
}

/// The tables of a technique page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuideTable {
    Fields,
    Indicators,
    Exclusions,
    DataSources,
    Thresholds,
    Rules,
    VendorComparison,
}

impl GuideTable {
    /// The part of an export's file name saying what it holds.
    pub fn slug(self) -> &'static str {
        match self {
            GuideTable::Fields => "fields",
            GuideTable::Indicators => "indicators",
            GuideTable::Exclusions => "exclusions",
            GuideTable::DataSources => "data-sources",
            GuideTable::Thresholds => "thresholds",
            GuideTable::Rules => "rules",
            GuideTable::VendorComparison => "vendor-comparison",
        }
    }

    /// The export's file name without extension: `T1059.001-indicators`.
    pub fn file_stem(self, guide: &TechniqueGuide) -> String {
        format!("{}-{}", guide.technique.id, self.slug())
    }
}

/// `text` made safe inside a file name: anything but ASCII letters, digits,
/// `.`, `_` and `-` becomes `-`, runs of `-` collapse, at most 80 bytes.
pub fn file_name_part(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '.' | '_') {
            c
        } else {
            '-'
        };
        if !(c == '-' && out.ends_with('-')) && out.len() < 80 {
            out.push(c);
        }
    }
    out.trim_matches(['-', '.']).to_string()
}

/// The Navigator layer's file name: the coverage and, when filtered, the
/// filter (`rulescope-coverage-vendor-sigma-layer.json`).
pub fn layer_file_name(filter: &Filter) -> String {
    let query = file_name_part(&filter.to_query());
    if query.is_empty() {
        "rulescope-coverage-layer.json".to_string()
    } else {
        format!("rulescope-coverage-{query}-layer.json")
    }
}

/// `a; b; c`: the cell form of a list.
fn list(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().collect::<Vec<_>>().join("; ")
}

/// The columns of one table of `guide`, without its rows: all a header
/// row needs, so the page builds the rows only for a sort or a download.
pub fn guide_table_head(guide: &TechniqueGuide, which: GuideTable) -> Table {
    use CellKind::{List, Number, Text};
    match which {
        GuideTable::Fields => Table::new(&[
            ("Field", Text),
            ("Aliases", List),
            ("Rules", Number),
            ("How", List),
            ("Sample values", List),
        ]),
        GuideTable::Indicators => Table::new(&[
            ("Field", Text),
            ("Op", Text),
            ("Value", Text),
            ("Rules", Number),
            ("Corpus reach", Number),
        ]),
        GuideTable::Exclusions | GuideTable::Thresholds => Table::new(&[
            ("Field", Text),
            ("Op", Text),
            ("Value", Text),
            ("Rules", Number),
        ]),
        GuideTable::DataSources => {
            Table::new(&[("Kind", Text), ("Value", Text), ("Rules", Number)])
        }
        GuideTable::Rules => Table::new(&[
            ("Vendor", Text),
            ("ID", Text),
            ("Title", Text),
            ("Path", Text),
        ]),
        GuideTable::VendorComparison => {
            let mut table = Table::new(&[("Field", Text)]);
            for vendor in guide.by_vendor.keys() {
                let label = vendor.label();
                for (suffix, kind) in [("rules", Number), ("%", Number), ("aliases", List)] {
                    table.columns.push(Column {
                        name: format!("{label} {suffix}"),
                        kind,
                    });
                }
            }
            table
        }
    }
}

/// One table of `guide` as rows of strings, rows in the guide's ranked
/// order and cells as the page shows them.
pub fn guide_table(guide: &TechniqueGuide, which: GuideTable) -> Table {
    let rows = match which {
        GuideTable::Fields => guide
            .fields
            .iter()
            .map(|r| {
                vec![
                    r.field.clone(),
                    list(r.aliases.iter().map(|a| {
                        let vendors: Vec<&str> = a.vendors.iter().map(|v| v.label()).collect();
                        format!("{} ({})", a.field, vendors.join(", "))
                    })),
                    r.rules.to_string(),
                    list(r.ops.iter().map(|(op, n)| format!("{op} {n}"))),
                    list(r.samples.iter().cloned()),
                ]
            })
            .collect(),
        GuideTable::Indicators => guide
            .indicators
            .iter()
            .map(|r| {
                vec![
                    r.field.clone(),
                    r.op.key().to_string(),
                    r.value.clone(),
                    r.rules.to_string(),
                    r.corpus_reach.map(|n| n.to_string()).unwrap_or_default(),
                ]
            })
            .collect(),
        GuideTable::Exclusions => guide
            .exclusions
            .iter()
            .map(|r| ranked_row(&r.field, r.op, &r.value, r.rules))
            .collect(),
        GuideTable::Thresholds => guide
            .thresholds
            .iter()
            .map(|r| ranked_row(&r.field, r.op, &r.value, r.rules))
            .collect(),
        GuideTable::DataSources => guide
            .data_sources
            .iter()
            .map(|r| vec![r.kind.clone(), r.value.clone(), r.rules.to_string()])
            .collect(),
        GuideTable::Rules => guide
            .rule_list
            .iter()
            .map(|r| {
                vec![
                    r.vendor.label().to_string(),
                    r.id.clone(),
                    r.title.clone(),
                    r.path.clone(),
                ]
            })
            .collect(),
        GuideTable::VendorComparison => guide
            .vendor_comparison
            .iter()
            .map(|row| {
                let mut cells = vec![row.field.clone()];
                for cell in &row.cells {
                    cells.push(cell.rules.to_string());
                    cells.push(cell.percent.to_string());
                    cells.push(list(cell.aliases.iter().cloned()));
                }
                cells
            })
            .collect(),
    };
    Table {
        rows,
        ..guide_table_head(guide, which)
    }
}

/// A row of the exclusions or thresholds table.
fn ranked_row(field: &str, op: Op, value: &str, rules: u32) -> Vec<String> {
    vec![
        field.to_string(),
        op.key().to_string(),
        value.to_string(),
        rules.to_string(),
    ]
}

/// A rule's predicates (or exclusions, or thresholds) as written and as
/// normalised, for the rule page's tables and their exports.
pub fn predicate_table(predicates: &[Predicate]) -> Table {
    use CellKind::{List, Text};
    Table {
        rows: predicates
            .iter()
            .map(|p| {
                vec![
                    p.field.clone(),
                    p.canonical.clone(),
                    p.op.key().to_string(),
                    p.value.clone(),
                    list(p.modifiers.iter().cloned()),
                ]
            })
            .collect(),
        ..Table::new(&[
            ("Field as written", Text),
            ("Canonical", Text),
            ("Op", Text),
            ("Value", Text),
            ("Modifiers", List),
        ])
    }
}

/// Writes a CSV document (RFC 4180: comma separated, CRLF line ends, fields
/// quoted when they hold a comma, quote or line break).
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let quoted: Vec<String> = cells.map(csv_cell).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

fn csv_cell(cell: &str) -> String {
    // A leading =, +, - or @ would run as a formula in a spreadsheet.
    let guarded = if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// ATT&CK Navigator layer versions block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerVersions {
    pub attack: String,
    pub navigator: String,
    pub layer: String,
}

/// A name/URL link in a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerLink {
    pub label: String,
    pub url: String,
}

/// A name/value metadata entry in a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerMetadata {
    pub name: String,
    pub value: String,
}

/// One scored technique of a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerTechnique {
    #[serde(rename = "techniqueID")]
    pub technique_id: String,
    pub score: u32,
    pub comment: String,
    pub enabled: bool,
    pub show_subtechniques: bool,
    pub links: Vec<LayerLink>,
    pub metadata: Vec<LayerMetadata>,
}

/// The score colour scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerGradient {
    pub colors: Vec<String>,
    pub min_value: u32,
    pub max_value: u32,
}

/// How the Navigator draws the matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerLayout {
    /// `side`, `flat` or `mini`.
    pub layout: String,
    #[serde(rename = "showID")]
    pub show_id: bool,
    pub show_name: bool,
    pub show_aggregate_scores: bool,
    pub count_unscored: bool,
    /// `average`, `min`, `max` or `sum`.
    pub aggregate_function: String,
    /// `none`, `all` or `annotated`.
    pub expanded_subtechniques: String,
}

/// A labelled colour in the layer's legend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegendItem {
    pub label: String,
    pub color: String,
}

/// An ATT&CK Navigator layer, format 4.5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NavigatorLayer {
    pub name: String,
    pub versions: LayerVersions,
    pub domain: String,
    pub description: String,
    pub sorting: u32,
    pub layout: LayerLayout,
    pub hide_disabled: bool,
    pub techniques: Vec<LayerTechnique>,
    pub gradient: LayerGradient,
    pub legend_items: Vec<LegendItem>,
    pub metadata: Vec<LayerMetadata>,
    pub links: Vec<LayerLink>,
}

/// The coverage of the rules passing `filter` as a Navigator layer: one
/// technique per ATT&CK id with rules, scored by rule count, each linking
/// back to its page under `page_url` (the app's address without the hash;
/// links are only added when it is http(s), as the format requires).
pub fn navigator_layer(cat: &Catalog, filter: &Filter, page_url: &str) -> NavigatorLayer {
    let query = filter.to_query();
    let web = page_url.starts_with("https://") || page_url.starts_with("http://");
    let mut techniques: Vec<LayerTechnique> = cat
        .tagged_techniques()
        .filter_map(|(id, _)| {
            let rules = cat.rules_for(id, filter, false);
            if rules.is_empty() {
                return None;
            }
            let mut per_vendor = std::collections::BTreeMap::new();
            for &i in &rules {
                if let Some(r) = cat.rule(i) {
                    *per_vendor.entry(r.vendor.label()).or_insert(0u32) += 1;
                }
            }
            let split: Vec<String> = per_vendor.iter().map(|(v, n)| format!("{v} {n}")).collect();
            let links = if web {
                let sep = if query.is_empty() { "" } else { "?" };
                vec![LayerLink {
                    label: "rulescope".into(),
                    url: format!("{page_url}#/technique/{id}{sep}{query}"),
                }]
            } else {
                Vec::new()
            };
            Some(LayerTechnique {
                technique_id: id.to_string(),
                score: rules.len() as u32,
                comment: format!("{} rules ({})", rules.len(), split.join(", ")),
                enabled: true,
                show_subtechniques: false,
                links,
                metadata: per_vendor
                    .iter()
                    .map(|(v, n)| LayerMetadata {
                        name: v.to_string(),
                        value: n.to_string(),
                    })
                    .collect(),
            })
        })
        .collect();
    techniques.sort_by(|a, b| a.technique_id.cmp(&b.technique_id));
    let max = techniques.iter().map(|t| t.score).max().unwrap_or(0).max(1);
    let description = if query.is_empty() {
        "Detection rule coverage, all vendors".to_string()
    } else {
        format!("Detection rule coverage, filter: {query}")
    };
    let version = cat.data().meta.attack_version.clone();
    NavigatorLayer {
        name: "rulescope coverage".into(),
        versions: LayerVersions {
            attack: version.split('.').next().unwrap_or_default().to_string(),
            navigator: "5.2.0".into(),
            layer: "4.5".into(),
        },
        domain: "enterprise-attack".into(),
        description,
        sorting: 3,
        layout: LayerLayout {
            layout: "side".into(),
            show_id: true,
            show_name: true,
            show_aggregate_scores: false,
            count_unscored: false,
            aggregate_function: "sum".into(),
            expanded_subtechniques: "annotated".into(),
        },
        hide_disabled: false,
        techniques,
        gradient: LayerGradient {
            colors: vec!["#ffffff".into(), "#66b1ff".into(), "#0b3d91".into()],
            min_value: 0,
            max_value: max,
        },
        legend_items: vec![
            LegendItem {
                label: "no rules".into(),
                color: "#ffffff".into(),
            },
            LegendItem {
                label: if max == 1 {
                    "1 rule".into()
                } else {
                    format!("{max} rules")
                },
                color: "#0b3d91".into(),
            },
        ],
        metadata: vec![LayerMetadata {
            name: "filter".into(),
            value: if query.is_empty() {
                "none".into()
            } else {
                query
            },
        }],
        links: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{technique_guide, CatalogData};
    use crate::model::{Expr, Predicate, Rule, Vendor};

    fn sample_table() -> Table {
        Table {
            rows: vec![
                vec!["b".into(), "2".into()],
                vec!["A".into(), "".into()],
                vec!["c".into(), "10".into()],
                vec!["a".into(), "2".into()],
            ],
            ..Table::new(&[("Name", CellKind::Text), ("Rules", CellKind::Number)])
        }
    }

    #[test]
    fn sorting_orders_text_and_numbers_keeping_ties_ranked() {
        let t = sample_table();
        assert_eq!(t.sorted_order(0, SortDir::Ascending), vec![1, 3, 0, 2]);
        assert_eq!(t.sorted_order(0, SortDir::Descending), vec![2, 0, 1, 3]);
        assert_eq!(t.sorted_order(1, SortDir::Descending), vec![2, 0, 3, 1]);
        assert_eq!(t.sorted_order(1, SortDir::Ascending), vec![0, 3, 2, 1]);
        assert_eq!(t.sorted_order(7, SortDir::Ascending), vec![0, 1, 2, 3]);
        assert_eq!(SortDir::first_for(CellKind::Number), SortDir::Descending);
        assert_eq!(SortDir::Ascending.flip().aria(), "descending");
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_name_part("T1059.001"), "T1059.001");
        assert_eq!(file_name_part("../a b/é:c"), "a-b-c");
        assert_eq!(file_name_part(&"x".repeat(200)).len(), 80);
        let f = Filter {
            vendors: vec![Vendor::Sigma, Vendor::Splunk],
            ..Filter::default()
        };
        assert_eq!(
            layer_file_name(&f),
            "rulescope-coverage-vendor-sigma-splunk-layer.json"
        );
        assert_eq!(
            layer_file_name(&Filter::default()),
            "rulescope-coverage-layer.json"
        );
    }

    #[test]
    fn json_export_keys_rows_by_header_with_numbers() {
        let json: serde_json::Value = serde_json::from_str(&sample_table().to_json()).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"Name": "b", "Rules": 2},
                {"Name": "A", "Rules": null},
                {"Name": "c", "Rules": 10},
                {"Name": "a", "Rules": 2},
            ])
        );
        assert_eq!(
            sample_table().to_csv(),
            "Name,Rules\r\nb,2\r\nA,\r\nc,10\r\na,2\r\n"
        );
    }

    #[test]
    fn guide_tables_hold_the_guides_rows() {
        let mut pred = Predicate::new("Image", Op::Wildcard, "*\\pwsh.exe");
        pred.canonical = "process.name".into();
        let mut rule = Rule {
            id: "r1".into(),
            title: "Pwsh".into(),
            path: "sigma/r1.yml".into(),
            techniques: vec!["T1059.001".into()],
            ..Rule::default()
        };
        rule.set_logic(Expr::Pred(pred));
        let cat = Catalog::new(CatalogData {
            rules: vec![rule],
            ..CatalogData::default()
        });
        let f = Filter::default();
        let g = technique_guide(&cat, "T1059.001", &f, false, &cat.reach(&f)).unwrap();
        let fields = guide_table(&g, GuideTable::Fields);
        assert_eq!(
            fields.rows,
            vec![vec![
                "process.name".to_string(),
                "Image (Sigma)".into(),
                "1".into(),
                "wildcard 1".into(),
                "*\\pwsh.exe".into(),
            ]]
        );
        let indicators = guide_table(&g, GuideTable::Indicators);
        assert_eq!(indicators.columns[4].name, "Corpus reach");
        assert_eq!(
            indicators.rows[0][1..],
            ["wildcard", "*\\pwsh.exe", "1", ""]
        );
        let rules = guide_table(&g, GuideTable::Rules);
        assert_eq!(
            rules.rows,
            vec![vec!["Sigma", "r1", "Pwsh", "sigma/r1.yml"]]
        );
        let vendors = guide_table(&g, GuideTable::VendorComparison);
        let names: Vec<&str> = vendors.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Field", "Sigma rules", "Sigma %", "Sigma aliases"]);
        assert_eq!(
            vendors.rows,
            vec![vec!["process.name", "1", "100", "Image"]]
        );
        assert!(guide_table(&g, GuideTable::Exclusions).rows.is_empty());
        for which in [
            GuideTable::Fields,
            GuideTable::Indicators,
            GuideTable::Exclusions,
            GuideTable::DataSources,
            GuideTable::Thresholds,
            GuideTable::Rules,
            GuideTable::VendorComparison,
        ] {
            let head = guide_table_head(&g, which);
            assert!(head.rows.is_empty(), "{which:?}: a head has no rows");
            assert_eq!(head.columns, guide_table(&g, which).columns, "{which:?}");
        }
        let preds = predicate_table(&cat.rule(0).unwrap().predicates);
        assert_eq!(
            preds.rows,
            vec![vec!["Image", "process.name", "wildcard", "*\\pwsh.exe", ""]]
        );
        assert_eq!(GuideTable::Indicators.file_stem(&g), "T1059.001-indicators");
    }

    #[test]
    fn csv_quotes_and_guards_formulas() {
        let csv = to_csv(
            &["field", "value"],
            &[
                vec!["CommandLine".into(), "a,\"b\"".into()],
                vec!["x".into(), "=cmd|' /c calc'!A0".into()],
            ],
        );
        assert_eq!(
            csv,
            "field,value\r\nCommandLine,\"a,\"\"b\"\"\"\r\nx,'=cmd|' /c calc'!A0\r\n"
        );
    }

    #[test]
    fn layer_scores_filtered_rules_and_links_back() {
        let r = |id: &str, t: &str, vendor: Vendor| Rule {
            id: id.into(),
            vendor,
            techniques: vec![t.into()],
            ..Rule::default()
        };
        let mut data = CatalogData {
            rules: vec![
                r("a", "T1059.001", Vendor::Sigma),
                r("b", "T1059.001", Vendor::Splunk),
                r("c", "T1003", Vendor::Splunk),
            ],
            ..CatalogData::default()
        };
        data.meta.attack_version = "18.0".into();
        let cat = Catalog::new(data);
        let f = Filter {
            vendors: vec![Vendor::Sigma],
            ..Filter::default()
        };
        let layer = navigator_layer(&cat, &f, "https://portal.example/rulescope/");
        assert_eq!(layer.versions.layer, "4.5");
        assert_eq!(layer.versions.attack, "18");
        assert_eq!(layer.techniques.len(), 1);
        let t = &layer.techniques[0];
        assert_eq!((t.technique_id.as_str(), t.score), ("T1059.001", 1));
        assert_eq!(
            t.links[0].url,
            "https://portal.example/rulescope/#/technique/T1059.001?vendor=sigma"
        );
        let json = serde_json::to_value(&layer).unwrap();
        assert_eq!(json["techniques"][0]["techniqueID"], "T1059.001");
        assert_eq!(json["gradient"]["maxValue"], 1);
        assert_eq!(json["layout"]["showID"], true);
        assert_eq!(json["layout"]["expandedSubtechniques"], "annotated");
        assert_eq!(json["legendItems"][1]["label"], "1 rule");
        let offline = navigator_layer(&cat, &Filter::default(), "file:///x/index.html");
        assert!(offline.techniques.iter().all(|t| t.links.is_empty()));
    }
}

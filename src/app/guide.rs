//! The authoring guide of a technique page: fields filtered most, the
//! vendor-by-vendor comparison, top indicator values, exclusions, data
//! sources, thresholds and the rules grouped by vendor. Every number comes
//! from [`crate::catalog::technique_guide`] and every table's headers, sort
//! order and exports from [`crate::catalog::guide_table`]; clicking a row
//! lists the rules behind it (the row's `members`).

use super::export::ExportButtons;
use super::nav::AppLink;
use super::nearby::use_near_viewport;
use super::state::use_ctx;
use super::table::{display_order, use_sort, LazyTable, SortHead};
use super::widgets::{plural, use_page, use_page_in, vendor_badge, ShowMore};
use crate::catalog::{guide_table, guide_table_head, GuideTable, Route, TechniqueGuide, View};
use crate::model::{Op, Vendor};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;

/// Properties shared by the guide's sections.
#[derive(Properties, PartialEq)]
pub struct GuideProps {
    pub guide: Rc<TechniqueGuide>,
    pub view: View,
}

/// Which rows of a table are expanded, and the callback that flips one;
/// all closed again whenever `scope` (the table's subject) changes.
#[hook]
fn use_expanded(scope: AttrValue) -> (Rc<BTreeSet<usize>>, Callback<usize>) {
    let open = use_state_eq(|| Rc::new(BTreeSet::new()));
    {
        let open = open.clone();
        use_effect_with(scope, move |_| open.set(Rc::new(BTreeSet::new())));
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |row: usize| {
            let mut next = (**open).clone();
            if !next.remove(&row) {
                next.insert(row);
            }
            open.set(Rc::new(next));
        })
    };
    ((*open).clone(), toggle)
}

/// A link to a rule page that keeps the current filter.
pub fn rule_link(id: &str, title: &str, view: &View) -> Html {
    let to = Route::Rule {
        id: id.to_string(),
        view: View {
            search: String::new(),
            ..view.clone()
        },
    };
    let text = if title.is_empty() { id } else { title };
    html! { <AppLink {to}>{ text.to_string() }</AppLink> }
}

/// Properties of [`RuleDrill`].
#[derive(Properties, PartialEq)]
struct DrillProps {
    members: Vec<u32>,
    view: View,
    columns: usize,
}

/// The rules behind one row, shown in a row spanning the table.
#[component]
fn RuleDrill(props: &DrillProps) -> Html {
    let ctx = use_ctx();
    let shown = use_page();
    let items = props
        .members
        .iter()
        .take(*shown)
        .filter_map(|&i| ctx.cat.rule(i))
        .map(|r| {
            html! { <li>{ vendor_badge(r.vendor) }{" "}{ rule_link(&r.id, &r.title, &props.view) }</li> }
        });
    html! {
        <tr class="drill">
            <td colspan={props.columns.to_string()}>
                <ul class="rule-links">{ for items }</ul>
                <ShowMore shown={shown} total={props.members.len()} noun="rules" />
            </td>
        </tr>
    }
}

/// The core's table `which` of the guide, its rows built only when a sort
/// or a download needs them, with its export widget.
#[hook]
fn use_guide_table(guide: &Rc<TechniqueGuide>, which: GuideTable) -> (LazyTable, Html) {
    let table = use_memo(guide.clone(), move |g| {
        let g = g.clone();
        LazyTable::new(guide_table_head(&g, which), move || guide_table(&g, which))
    });
    let table = (*table).clone();
    let exports = html! { <ExportButtons table={table.clone()} name={which.file_stem(guide)} /> };
    (table, exports)
}

/// A button that expands a row; its text is the cell's text.
fn expander(row: usize, open: bool, toggle: &Callback<usize>, label: Html) -> Html {
    let onclick = toggle.reform(move |_: MouseEvent| row);
    html! {
        <button type="button" class="expander" aria-expanded={open.to_string()} {onclick}>{ label }</button>
    }
}

/// A value as written, whitespace visible.
fn value_text(value: &str) -> Html {
    html! { <code class="value">{ value.to_string() }</code> }
}

/// A canonical field; an empty one is a bare keyword search, labelled by CSS
/// so the cell's text stays exactly the field.
fn field_text(field: &str) -> Html {
    html! { <code class="field">{ field.to_string() }</code> }
}

/// *Fields filtered most (K distinct)*.
#[component]
pub fn FieldsTable(props: &GuideProps) -> Html {
    let scope = AttrValue::from(props.guide.technique.id.clone());
    let shown = use_page_in(scope.clone());
    let sort = use_sort(scope.clone());
    let (open, toggle) = use_expanded(scope);
    let (table, exports) = use_guide_table(&props.guide, GuideTable::Fields);
    let node = use_node_ref();
    let near = use_near_viewport(node.clone());
    let rows = &props.guide.fields;
    let order = near.then(|| display_order(&table, rows.len(), *sort));
    let body = order.into_iter().flatten().take(*shown).filter_map(|i| {
        let row = rows.get(i)?;
        let is_open = open.contains(&i);
        let aliases = row.aliases.iter().map(|a| {
            html! {
                <li title={plural(a.rules as usize, "rule", "rules")}>
                    <code>{ &a.field }</code>
                    { for a.vendors.iter().map(|v| vendor_badge(*v)) }
                </li>
            }
        });
        Some(html! {
            <>
            <tr data-testid="field-row" class={classes!(is_open.then_some("open"))}>
                <td class="lead-cell">{ expander(i, is_open, &toggle, field_text(&row.field)) }
                    if !row.field.is_empty() { {" "}<AppLink to={super::field::field_route(&row.field, &props.view)} class="field-page-link">{ "field page" }</AppLink> }
                </td>
                <td data-label="Aliases"><ul class="aliases">{ for aliases }</ul></td>
                <td class="num" data-label="Rules">{ row.rules }</td>
                <td data-label="How">{ op_mix(row.ops.iter().map(|(o, n)| (*o, *n))) }</td>
                <td data-label="Samples"><ul class="samples">{ for row.samples.iter().map(|s| html! { <li>{ value_text(s) }</li> }) }</ul></td>
            </tr>
            if is_open {
                <RuleDrill members={row.members.clone()} view={props.view.clone()} columns={5} />
            }
            </>
        })
    });
    html! {
        <section ref={node} class="card" aria-labelledby="fields-h" data-table="fields">
            <h2 id="fields-h">{ "Fields filtered most " }
                <span class="count">{ "(" }<span data-testid="field-count">{ rows.len() }</span>{ " distinct)" }</span>
            </h2>
            <p class="hint">{ "One row per canonical field, with the vendor spellings that collapsed into it. Click a field to list its rules; click a column header to sort." }</p>
            if rows.is_empty() {
                <p class="empty-note">{ "No rule under this technique filters on a field." }</p>
            } else if !near {
                { pending() }
                { exports }
            } else {
                <div class="table-wrap">
                    <table class="data stack">
                        <SortHead table={table.clone()} sort={sort.clone()} />
                        <tbody>{ for body }</tbody>
                    </table>
                </div>
                <ShowMore shown={shown} total={rows.len()} noun="fields" />
                { exports }
            }
        </section>
    }
}

/// *Fields by vendor*: the top fields, one column per vendor with its rule
/// count, its share of that vendor's rules and the names it writes.
#[component]
pub fn VendorComparison(props: &GuideProps) -> Html {
    let scope = AttrValue::from(props.guide.technique.id.clone());
    let shown = use_page_in(scope.clone());
    let sort = use_sort(scope);
    let (table, exports) = use_guide_table(&props.guide, GuideTable::VendorComparison);
    let node = use_node_ref();
    let near = use_near_viewport(node.clone());
    let g = &props.guide;
    // Each vendor's header sorts by its rule-count column (1, 4, 7, …).
    let mut headers = vec![(0, AttrValue::from("Field"))];
    headers.extend(
        g.by_vendor
            .iter()
            .enumerate()
            .map(|(k, (v, n))| (1 + 3 * k, AttrValue::from(format!("{} ({n})", v.label())))),
    );
    let order = near.then(|| display_order(&table, g.vendor_comparison.len(), *sort));
    let body = order.into_iter().flatten().take(*shown).filter_map(|i| {
        let row = g.vendor_comparison.get(i)?;
        let cells = row.cells.iter().map(|c| {
            html! {
                <td data-label={c.vendor.label()} class={classes!("vendor-cell", (c.rules == 0).then_some("none"))}>
                    <span class="n">{ c.rules }</span>
                    <span class="share">{ format!("{}%", c.percent) }</span>
                    if !c.aliases.is_empty() {
                        <ul class="aliases">{ for c.aliases.iter().map(|a| html! { <li><code>{ a }</code></li> }) }</ul>
                    }
                </td>
            }
        });
        Some(html! {
            <tr data-testid="vendor-row">
                <td class="lead-cell">{ field_text(&row.field) }</td>
                { for cells }
            </tr>
        })
    });
    html! {
        <section ref={node} class="card" aria-labelledby="vendors-h" data-table="vendor-comparison">
            <h2 id="vendors-h">{ "Fields by vendor " }
                <span class="count">{ format!("(top {})", g.vendor_comparison.len()) }</span>
            </h2>
            <p class="hint">{ "How each vendor's rules under this technique use the top fields: rules that filter on the field, their share of that vendor's rules, and the field names the vendor writes." }</p>
            if g.vendor_comparison.is_empty() {
                <p class="empty-note">{ "No rule under this technique filters on a field." }</p>
            } else if !near {
                { pending() }
                { exports }
            } else {
                <div class="table-wrap">
                    <table class="data stack vendor-table">
                        <SortHead table={table.clone()} sort={sort.clone()} {headers} />
                        <tbody>{ for body }</tbody>
                    </table>
                </div>
                <ShowMore shown={shown} total={g.vendor_comparison.len()} noun="fields" />
                { exports }
            }
        </section>
    }
}

/// The operator mix of a field: `eq 12 · wildcard 3`.
fn op_mix(ops: impl Iterator<Item = (Op, u32)>) -> Html {
    html! {
        <ul class="ops">
            { for ops.map(|(o, n)| html! { <li><span class="op">{ o.key() }</span>{" "}<span class="n">{ n }</span></li> }) }
        </ul>
    }
}

/// Which ranked (field, op, value) table to show.
#[derive(Clone, Copy, PartialEq)]
pub enum ValueKind {
    Indicators,
    Exclusions,
    DataSources,
    Thresholds,
}

/// The fixed texts and columns of one [`ValueKind`].
struct Spec {
    title: &'static str,
    id: &'static str,
    /// Prefix of the `data-testid` attributes (`indicator-row`, …).
    prefix: &'static str,
    hint: &'static str,
    none: &'static str,
    table: GuideTable,
    has_op: bool,
    has_reach: bool,
}

impl ValueKind {
    fn spec(self) -> Spec {
        match self {
            ValueKind::Indicators => Spec {
                title: "Top indicator values ",
                id: "indicators-h",
                prefix: "indicator",
                hint: "(field, operator, value) combinations ranked by how many rules under this technique use them. Corpus reach: rules in the whole catalog that check the same combination, blank where it is specific to this technique; high reach means noisy on its own. Click a value to list its rules.",
                none: "No rule under this technique has a positive predicate.",
                table: GuideTable::Indicators,
                has_op: true,
                has_reach: true,
            },
            ValueKind::Exclusions => Spec {
                title: "Exclusions ",
                id: "exclusions-h",
                prefix: "exclusion",
                hint: "Combinations inside top-level not(…) clauses — the false-positive filters — ranked by how many rules exclude them. Click a value to list its rules.",
                none: "No rule under this technique excludes anything.",
                table: GuideTable::Exclusions,
                has_op: true,
                has_reach: false,
            },
            ValueKind::DataSources => Spec {
                title: "Data sources ",
                id: "sources-h",
                prefix: "source",
                hint: "Where the rules look: Sigma log sources, Splunk indexes, source types and macros, Elastic index patterns and event categories. Click a value to list its rules.",
                none: "No rule under this technique names a data source.",
                table: GuideTable::DataSources,
                has_op: false,
                has_reach: false,
            },
            ValueKind::Thresholds => Spec {
                title: "Thresholds ",
                id: "thresholds-h",
                prefix: "threshold",
                hint: "Conditions on computed fields (count > 30) and threshold parameters. Click a value to list its rules.",
                none: "No rule under this technique sets a threshold.",
                table: GuideTable::Thresholds,
                has_op: true,
                has_reach: false,
            },
        }
    }
}

/// Properties of [`ValueTable`].
#[derive(Properties, PartialEq)]
pub struct ValueTableProps {
    pub guide: Rc<TechniqueGuide>,
    pub view: View,
    pub kind: ValueKind,
}

/// One row of a ranked table, borrowed from the guide.
struct ValueRow<'a> {
    field: &'a str,
    op: Option<Op>,
    value: &'a str,
    rules: u32,
    /// Corpus reach, `None` where the combination is specific to T.
    reach: Option<u32>,
    members: &'a [u32],
}

impl<'a> ValueRow<'a> {
    fn new(field: &'a str, op: Option<Op>, value: &'a str, rules: u32, members: &'a [u32]) -> Self {
        ValueRow {
            field,
            op,
            value,
            rules,
            reach: None,
            members,
        }
    }
}

fn value_rows(g: &TechniqueGuide, kind: ValueKind) -> Vec<ValueRow<'_>> {
    match kind {
        ValueKind::Indicators => g
            .indicators
            .iter()
            .map(|r| ValueRow {
                reach: r.corpus_reach,
                ..ValueRow::new(&r.field, Some(r.op), &r.value, r.rules, &r.members)
            })
            .collect(),
        ValueKind::Exclusions => g
            .exclusions
            .iter()
            .map(|r| ValueRow::new(&r.field, Some(r.op), &r.value, r.rules, &r.members))
            .collect(),
        ValueKind::DataSources => g
            .data_sources
            .iter()
            .map(|r| ValueRow::new(&r.kind, None, &r.value, r.rules, &r.members))
            .collect(),
        ValueKind::Thresholds => g
            .thresholds
            .iter()
            .map(|r| ValueRow::new(&r.field, Some(r.op), &r.value, r.rules, &r.members))
            .collect(),
    }
}

/// A ranked table: *Top indicator values (K distinct)*, *Exclusions*,
/// *Data sources* or *Thresholds*.
#[component]
pub fn ValueTable(props: &ValueTableProps) -> Html {
    let scope = AttrValue::from(props.guide.technique.id.clone());
    let shown = use_page_in(scope.clone());
    let sort = use_sort(scope.clone());
    let (open, toggle) = use_expanded(scope);
    let spec = props.kind.spec();
    let (table, exports) = use_guide_table(&props.guide, spec.table);
    let node = use_node_ref();
    let near = use_near_viewport(node.clone());
    let rows = value_rows(&props.guide, props.kind);
    let columns = 3 + usize::from(spec.has_op) + usize::from(spec.has_reach);
    let total = rows.len();
    let prefix = spec.prefix;
    let testid = |part: &str| format!("{prefix}-{part}");
    let order = near.then(|| display_order(&table, total, *sort));
    let body = order.into_iter().flatten().take(*shown).filter_map(|i| {
        let row = rows.get(i)?;
        let is_open = open.contains(&i);
        let op = row.op.map(|op| {
            html! { <td class="inline-cell" data-testid={testid("op")}><span class="op">{ op.key() }</span></td> }
        });
        let reach = spec.has_reach.then(|| {
            let text = row.reach.map(|n| n.to_string()).unwrap_or_default();
            html! { <td class="num reach" data-label="Corpus reach" data-testid={testid("reach")}>{ text }</td> }
        });
        Some(html! {
            <>
            <tr data-testid={testid("row")} class={classes!(is_open.then_some("open"))}>
                <td class="lead-cell" data-testid={testid("field")}>
                    if props.kind == ValueKind::Indicators && !row.field.is_empty() {
                        <AppLink to={super::field::field_route(row.field, &props.view)}>{ field_text(row.field) }</AppLink>
                    } else { { field_text(row.field) } }
                </td>
                { for op }
                <td data-testid={testid("value")}>{ expander(i, is_open, &toggle, value_text(row.value)) }</td>
                <td class="num" data-label="Rules" data-testid={testid("rules")}>{ row.rules }</td>
                { for reach }
            </tr>
            if is_open {
                <RuleDrill members={row.members.to_vec()} view={props.view.clone()} {columns} />
            }
            </>
        })
    });
    html! {
        <section ref={node} class="card" aria-labelledby={spec.id} data-table={spec.table.slug()}>
            <h2 id={spec.id}>{ spec.title }<span class="count">{ format!("({total} distinct)") }</span></h2>
            <p class="hint">{ spec.hint }</p>
            if rows.is_empty() {
                <p class="empty-note">{ spec.none }</p>
            } else if !near {
                { pending() }
                { exports }
            } else {
                <div class="table-wrap">
                    <table class="data stack">
                        <SortHead table={table.clone()} sort={sort.clone()} />
                        <tbody>{ for body }</tbody>
                    </table>
                </div>
                <ShowMore shown={shown} total={total} noun="values" />
                { exports }
            }
        </section>
    }
}

/// Properties of [`VendorGroup`].
#[derive(Properties, PartialEq)]
struct VendorGroupProps {
    guide: Rc<TechniqueGuide>,
    vendor: Vendor,
    view: View,
}

/// One vendor's rules under the technique ("Splunk 35 rules").
#[component]
fn VendorGroup(props: &VendorGroupProps) -> Html {
    let g = &props.guide;
    let shown = use_page_in(AttrValue::from(g.technique.id.clone()));
    let rules = g.rule_list.iter().filter(|r| r.vendor == props.vendor);
    let items = rules.clone().take(*shown).map(|r| {
        html! { <li>{ rule_link(&r.id, &r.title, &props.view) }</li> }
    });
    let total = g.by_vendor.get(&props.vendor).copied().unwrap_or(0) as usize;
    html! {
        <div class="vendor-group">
            <h3>{ vendor_badge(props.vendor) }{" "}<span class="count">{ plural(total, "rule", "rules") }</span></h3>
            <ul class="rule-links">{ for items }</ul>
            <ShowMore shown={shown} total={total} noun="rules" />
        </div>
    }
}

/// *Rules under this technique*, grouped by vendor.
#[component]
pub fn RuleList(props: &GuideProps) -> Html {
    let (_, exports) = use_guide_table(&props.guide, GuideTable::Rules);
    let node = use_node_ref();
    let near = use_near_viewport(node.clone());
    let g = &props.guide;
    let groups = g.by_vendor.keys().map(|&vendor| {
        html! { <VendorGroup key={vendor.key()} guide={g.clone()} {vendor} view={props.view.clone()} /> }
    });
    html! {
        <section ref={node} class="card" aria-labelledby="rules-h" data-table="rules">
            <h2 id="rules-h">{ "Rules under this technique " }<span class="count">{ format!("({})", g.rules) }</span></h2>
            if g.rule_list.is_empty() {
                <p class="empty-note">{ "No rule matches the current filter." }</p>
            } else if !near {
                { pending() }
                { exports }
            } else {
                <div class="vendor-groups">{ for groups }</div>
                { exports }
            }
        </section>
    }
}

/// Where a section's rows go while it is away from the viewport
/// ([`use_near_viewport`]); about a table's height, so the page keeps
/// roughly its length.
fn pending() -> Html {
    html! { <div class="rows-pending" aria-hidden="true"></div> }
}

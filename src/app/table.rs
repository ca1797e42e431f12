//! Sortable tables: a header row whose columns sort the rows on click (with
//! `aria-sort` and a button per header for keyboard users), over any
//! [`Table`] the core builds. The order comes from [`Table::sorted_order`],
//! and pages apply it before their "show more" paging.

use crate::catalog::{CellKind, SortDir, Table};
use std::cell::OnceCell;
use std::rc::Rc;
use yew::prelude::*;

/// A core [`Table`] whose rows are built the first time something needs
/// them (a sort or a download). The technique page shows seven tables and
/// draws its rows from the guide itself; building every table's strings on
/// each switch, only for buttons rarely pressed, cost a noticeable share of
/// the switch.
#[derive(Clone)]
pub struct LazyTable {
    /// The columns, no rows: what a header row needs.
    head: Rc<Table>,
    full: Rc<OnceCell<Rc<Table>>>,
    build: Rc<dyn Fn() -> Table>,
}

impl LazyTable {
    /// A table built only when first asked for; `head` holds its columns.
    pub fn new(head: Table, build: impl Fn() -> Table + 'static) -> LazyTable {
        LazyTable {
            head: Rc::new(head),
            full: Rc::default(),
            build: Rc::new(build),
        }
    }

    /// A table already built.
    pub fn ready(table: Rc<Table>) -> LazyTable {
        LazyTable {
            head: table.clone(),
            full: Rc::new(OnceCell::from(table)),
            build: Rc::new(Table::default),
        }
    }

    /// The columns.
    pub fn head(&self) -> &Table {
        &self.head
    }

    /// The whole table, built on the first call.
    pub fn get(&self) -> Rc<Table> {
        self.full.get_or_init(|| Rc::new((self.build)())).clone()
    }
}

impl PartialEq for LazyTable {
    fn eq(&self, other: &LazyTable) -> bool {
        Rc::ptr_eq(&self.full, &other.full)
    }
}

/// The column a table is sorted by and in which direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub dir: SortDir,
}

/// The sort state of one table; `None` keeps the core's ranking. Back to
/// `None` whenever `scope` (the table's subject) changes, as tables stay
/// mounted from one technique to the next.
#[hook]
pub fn use_sort(scope: AttrValue) -> UseStateHandle<Option<Sort>> {
    let sort = use_state_eq(|| None);
    {
        let sort = sort.clone();
        use_effect_with(scope, move |_| sort.set(None));
    }
    sort
}

/// Row indices of `table`, which has `len` rows, in display order under
/// `sort`; the rows are built only for a sort.
pub fn display_order(table: &LazyTable, len: usize, sort: Option<Sort>) -> Vec<usize> {
    match sort {
        Some(s) => table.get().sorted_order(s.column, s.dir),
        None => (0..len).collect(),
    }
}

/// Properties of [`SortHead`].
#[derive(Properties, PartialEq)]
pub struct SortHeadProps {
    pub table: LazyTable,
    pub sort: UseStateHandle<Option<Sort>>,
    /// The headers shown, as (table column, label); every column under its
    /// own name when empty.
    #[prop_or_default]
    pub headers: Vec<(usize, AttrValue)>,
}

/// A `<thead>` whose text and number columns sort the table.
#[component]
pub fn SortHead(props: &SortHeadProps) -> Html {
    let headers: Vec<(usize, AttrValue)> = if props.headers.is_empty() {
        let columns = props.table.head().columns.iter().enumerate();
        columns
            .map(|(i, c)| (i, AttrValue::from(c.name.clone())))
            .collect()
    } else {
        props.headers.clone()
    };
    let current = *props.sort;
    let cells = headers.into_iter().map(|(column, label)| {
        let kind = props
            .table
            .head()
            .columns
            .get(column)
            .map_or(CellKind::List, |c| c.kind);
        let class = classes!((kind == CellKind::Number).then_some("num"));
        if kind == CellKind::List {
            return html! { <th scope="col" {class}>{ label }</th> };
        }
        let sorted = current.filter(|s| s.column == column).map(|s| s.dir);
        let onclick = {
            let sort = props.sort.clone();
            Callback::from(move |_: MouseEvent| {
                let dir = sorted.map_or(SortDir::first_for(kind), SortDir::flip);
                sort.set(Some(Sort { column, dir }));
            })
        };
        let mark = match sorted {
            Some(SortDir::Ascending) => "▲",
            Some(SortDir::Descending) => "▼",
            None => "↕",
        };
        html! {
            <th scope="col" {class} aria-sort={sorted.map(|d| d.aria())}>
                <button type="button" class="sort" {onclick}>
                    { label }<span class="sort-mark" aria-hidden="true">{ mark }</span>
                </button>
            </th>
        }
    });
    html! { <thead><tr>{ for cells }</tr></thead> }
}

//! The catalog the page shows, decoded once at start-up and shared with
//! every view through a context, with the corpus reach and the filter bar's
//! facets memoised per filter (each walks every rule, so they are the
//! computations worth caching).

use crate::catalog::{corpus_stats, Catalog, CorpusStats, FacetIndex, Facets, Filter, Reach};
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use yew::prelude::*;

/// How many filters' tables are kept before a cache starts over.
const FILTER_CACHE: usize = 16;

/// Values computed once per filter, a few filters at a time.
struct PerFilter<T>(RefCell<HashMap<Filter, Rc<T>>>);

impl<T> PerFilter<T> {
    fn new() -> PerFilter<T> {
        PerFilter(RefCell::new(HashMap::new()))
    }

    /// The value for `filter`, computed by `compute` the first time.
    fn get(&self, filter: &Filter, compute: impl FnOnce() -> T) -> Rc<T> {
        if let Some(v) = self.0.borrow().get(filter) {
            return v.clone();
        }
        let computed = Rc::new(compute());
        let mut cache = self.0.borrow_mut();
        if cache.len() >= FILTER_CACHE {
            cache.clear();
        }
        cache.insert(filter.clone(), computed.clone());
        computed
    }
}

/// The decoded catalog and its per-filter caches.
pub struct Shared {
    pub cat: Catalog,
    reach: PerFilter<Reach>,
    facets: PerFilter<Facets>,
    /// Every rule's facet values as integers, built on first use.
    facet_index: OnceCell<FacetIndex>,
    /// The About page's counts, built on its first visit.
    stats: OnceCell<Rc<CorpusStats>>,
}

impl Shared {
    /// Wraps a freshly indexed catalog.
    pub fn new(cat: Catalog) -> Shared {
        Shared {
            cat,
            reach: PerFilter::new(),
            facets: PerFilter::new(),
            facet_index: OnceCell::new(),
            stats: OnceCell::new(),
        }
    }

    /// Wraps a catalog whose facet index was built alongside it (an import
    /// builds both a few hundred rules at a time), so no view has to build
    /// it in one long task.
    pub fn with_facet_index(cat: Catalog, index: FacetIndex) -> Shared {
        let shared = Shared::new(cat);
        if index.indexed() == shared.cat.rules().len() {
            let _ = shared.facet_index.set(index);
        }
        shared
    }

    /// The corpus reach under `filter`, computed at most once per filter.
    pub fn reach(&self, filter: &Filter) -> Rc<Reach> {
        self.reach.get(filter, || self.cat.reach(filter))
    }

    /// The corpus counts of the About page, computed once per catalog
    /// rather than on every visit.
    pub fn stats(&self) -> Rc<CorpusStats> {
        self.stats
            .get_or_init(|| Rc::new(corpus_stats(&self.cat)))
            .clone()
    }

    /// The filter bar's counts under `filter`, computed at most once per filter.
    pub fn facets(&self, filter: &Filter) -> Rc<Facets> {
        self.facets.get(filter, || {
            let index = self.facet_index.get_or_init(|| FacetIndex::new(&self.cat));
            index.count(&self.cat, filter)
        })
    }
}

/// The context handle views receive; equal while the catalog is the same.
#[derive(Clone)]
pub struct Ctx(pub Rc<Shared>);

impl PartialEq for Ctx {
    fn eq(&self, other: &Ctx) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Ctx {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The shared catalog; views are only mounted under the provider.
#[hook]
pub fn use_ctx() -> Ctx {
    use_context::<Ctx>().expect("views are rendered inside the catalog provider")
}

/// Properties of [`Settled`].
#[derive(Properties, PartialEq)]
pub struct SettledProps {
    pub children: Html,
}

/// Hands its children a new catalog one task after the rest of the page
/// gets it. The matrix costs about as much to redraw as the rest of the
/// home page together, so after an import the page redraws in two shorter
/// tasks instead of one long one, and a click waits for one of them only.
#[component]
pub fn Settled(props: &SettledProps) -> Html {
    let ctx = use_ctx();
    let settled = use_state_eq(|| ctx.clone());
    {
        let settled = settled.clone();
        use_effect_with(ctx, move |ctx| {
            let ctx = ctx.clone();
            let later = gloo::timers::callback::Timeout::new(0, move || settled.set(ctx));
            move || drop(later)
        });
    }
    html! {
        <ContextProvider<Ctx> context={(*settled).clone()}>
            { props.children.clone() }
        </ContextProvider<Ctx>>
    }
}

//! The catalog the page shows, decoded once at start-up and shared with
//! every view through a context, with the corpus reach memoised per filter
//! (it walks every rule, so it is the one computation worth caching).

use crate::catalog::{Catalog, Filter, Reach};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use yew::prelude::*;

/// How many filters' reach tables are kept before the cache starts over.
const REACH_CACHE: usize = 16;

/// The decoded catalog and its reach cache.
pub struct Shared {
    pub cat: Catalog,
    reach: RefCell<HashMap<Filter, Rc<Reach>>>,
}

impl Shared {
    /// Wraps a freshly indexed catalog.
    pub fn new(cat: Catalog) -> Shared {
        Shared {
            cat,
            reach: RefCell::new(HashMap::new()),
        }
    }

    /// The corpus reach under `filter`, computed at most once per filter.
    pub fn reach(&self, filter: &Filter) -> Rc<Reach> {
        if let Some(r) = self.reach.borrow().get(filter) {
            return r.clone();
        }
        let computed = Rc::new(self.cat.reach(filter));
        let mut cache = self.reach.borrow_mut();
        if cache.len() >= REACH_CACHE {
            cache.clear();
        }
        cache.insert(filter.clone(), computed.clone());
        computed
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

//! The in-memory index and every aggregate the page shows. Pure functions
//! over [`Catalog`]: the CLI prints what they return and the page displays it.

mod export;
mod facets;
mod filter;
mod guide;
mod index;
mod meta;
mod prose;
mod route;
mod similar;
mod stats;
mod techniques;

pub use export::{navigator_layer, to_csv, NavigatorLayer};
pub use facets::{facets, Dimension, Facet, FacetIndex, FacetValue, Facets};
pub use filter::Filter;
pub use guide::{
    technique_guide, Alias, ExclusionRow, FieldRow, IndicatorRow, RuleRef, SourceRow,
    TechniqueGuide, TechniqueHeader, ThresholdRow,
};
pub use index::{Catalog, KeyId, Reach};
pub use meta::{attach_source, CatalogData, CorpusMeta, SourceInfo};
pub use prose::{attack_technique_id, description_blocks, inlines, Block, Inline};
pub use route::{safe_href, technique_id_in, Route, View};
pub use similar::{similar_rules, Similar};
pub use stats::{corpus_stats, CorpusStats, SourceStats, VendorStats};
pub use techniques::{technique_counts, TechniqueCount};

//! The in-memory index and every aggregate the page shows. Pure functions
//! over [`Catalog`]: the CLI prints what they return and the page displays it.

mod compare;
mod export;
mod facets;
mod field;
mod filter;
mod guide;
mod highlight;
mod index;
mod matrix;
mod meta;
mod prose;
mod route;
mod search;
mod similar;
mod stats;
mod techniques;

pub use compare::{compare_rule, Comparison, KeyView, Lack, Own, TechniqueGap, Verdict};
pub use export::{
    file_name_part, guide_table, guide_table_head, layer_file_name, navigator_layer,
    predicate_table, to_csv, CellKind, Column, GuideTable, NavigatorLayer, SortDir, Table,
};
pub use facets::{facets, Dimension, Facet, FacetIndex, FacetValue, Facets};
pub use field::{
    field_index, field_profile, FieldAlias, FieldProfile, FieldRule, FieldSummary, FieldTechnique,
    FieldValue,
};
pub use filter::Filter;
pub use guide::{
    technique_guide, Alias, ExclusionRow, FieldRow, IndicatorRow, RuleRef, SourceRow,
    TechniqueGuide, TechniqueHeader, ThresholdRow, VendorCell, VendorFieldRow,
};
pub use highlight::{highlight, Lang, Span, Token};
pub use index::{Catalog, KeyId, Reach};
pub use matrix::{heat_level, matrix, HeatBand, Matrix, MatrixCell, MatrixColumn, MAX_LEVEL};
pub use meta::{attach_source, CatalogData, CorpusMeta, SourceInfo};
pub use prose::{attack_technique_id, description_blocks, inlines, Block, Inline};
pub use route::{safe_href, technique_id_in, Route, View};
pub use search::{
    FieldHit, Group, Rank, RuleHit, SearchIndex, SearchResults, TechniqueHit, ValueHit,
};
pub use similar::{similar_rules, Similar};
pub use stats::{corpus_stats, CorpusStats, SourceStats, VendorStats};
pub use techniques::{technique_counts, TechniqueCount};

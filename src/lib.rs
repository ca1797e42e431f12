//! rulescope: a catalog of public detection rules organised by ATT&CK
//! technique. The pure core (`model`, `formats`, `fields`, `attack`,
//! `catalog`, `bundle`) has no web dependency; `app` is the Yew shell and the
//! `rulescope` binary the native one. Both call the same catalog functions.

pub mod attack;
pub mod bundle;
pub mod catalog;
pub mod corpus;
pub mod embed;
pub mod fields;
pub mod formats;
pub mod ingest;
pub mod model;

#[cfg(feature = "web")]
pub mod app;

//! ATT&CK techniques and tactics read from the STIX objects.

use crate::model::{Tactic, Technique};
use serde::{Deserialize, Serialize};

/// The ATT&CK Enterprise catalogue the rules are organised by.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attack {
    /// ATT&CK version (`18.0`), from the matrix or technique objects.
    pub version: String,
    /// Tactics in matrix order.
    pub tactics: Vec<Tactic>,
    /// Techniques and sub-techniques, sorted by id.
    pub techniques: Vec<Technique>,
}

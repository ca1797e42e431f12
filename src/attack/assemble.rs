//! Links the raw STIX objects into the catalogue: tactics in matrix order,
//! techniques with their tactics, parent and sub-techniques, citations and
//! detection strategies.

use super::citations::{render, render_with_reference_list};
use super::stix::{RawObject, MITRE_ATTACK};
use super::Attack;
use crate::model::{Analytic, DetectionStrategy, Tactic, Technique};
use std::collections::{BTreeMap, HashMap};

/// The objects read so far, by STIX id (the newest version wins when an
/// object appears twice).
#[derive(Default)]
pub(crate) struct Objects {
    techniques: HashMap<String, RawObject>,
    tactics: HashMap<String, RawObject>,
    matrices: HashMap<String, RawObject>,
    strategies: HashMap<String, RawObject>,
    analytics: HashMap<String, RawObject>,
    relationships: HashMap<String, RawObject>,
    /// ATT&CK release from an `x-mitre-collection` object, if any.
    collection_version: String,
    /// Newest `modified` timestamp seen, the fallback version label.
    newest_modified: String,
}

impl Objects {
    /// Files one object under its type; objects of other types are ignored.
    pub(crate) fn add(&mut self, object: RawObject) {
        if object.modified > self.newest_modified {
            self.newest_modified.clone_from(&object.modified);
        }
        let map = match object.kind.as_str() {
            "attack-pattern" => &mut self.techniques,
            "x-mitre-tactic" => &mut self.tactics,
            "x-mitre-matrix" => &mut self.matrices,
            "x-mitre-detection-strategy" => &mut self.strategies,
            "x-mitre-analytic" => &mut self.analytics,
            "relationship" => &mut self.relationships,
            "x-mitre-collection" => {
                self.collection_version.clone_from(&object.x_mitre_version);
                return;
            }
            _ => return,
        };
        match map.get(&object.id) {
            Some(known) if known.modified >= object.modified => {}
            _ => {
                map.insert(object.id.clone(), object);
            }
        }
    }

    /// Builds the catalogue from everything added.
    pub(crate) fn assemble(self) -> Attack {
        let tactics = self.ordered_tactics();
        let order: HashMap<&str, usize> = tactics
            .iter()
            .enumerate()
            .map(|(i, t)| (t.shortname.as_str(), i))
            .collect();
        let links = Links::new(&self);
        let mut techniques: Vec<Technique> = self
            .techniques
            .values()
            .filter(|t| !t.attack_id().is_empty())
            .map(|t| technique(t, &order, &links))
            .collect();
        techniques.sort_by(|a, b| a.id.cmp(&b.id));
        fill_subtechniques(&mut techniques);
        let version = if self.collection_version.is_empty() {
            self.newest_modified.chars().take(10).collect()
        } else {
            self.collection_version.clone()
        };
        Attack {
            version,
            tactics,
            techniques,
        }
    }

    /// The tactics of the matrix, in its column order; without a matrix, all
    /// current tactics by id.
    fn ordered_tactics(&self) -> Vec<Tactic> {
        let matrix = self
            .matrices
            .values()
            .filter(|m| !m.is_retired())
            .min_by_key(|m| (m.attack_id() != "enterprise-attack", m.id.as_str()));
        let mut tactics: Vec<&RawObject> = match matrix {
            Some(m) => m
                .tactic_refs
                .iter()
                .filter_map(|id| self.tactics.get(id))
                .collect(),
            None => {
                let mut all: Vec<&RawObject> = self.tactics.values().collect();
                all.sort_by_key(|t| t.attack_id());
                all
            }
        };
        tactics.retain(|t| !t.is_retired());
        tactics
            .into_iter()
            .map(|t| Tactic {
                id: t.attack_id().to_string(),
                shortname: t.x_mitre_shortname.clone(),
                name: t.name.clone(),
                description: render_with_reference_list(&t.description, &t.external_references),
            })
            .collect()
    }
}

/// What the relationships say, keyed by the ATT&CK ids the model uses.
struct Links {
    /// Sub-technique id → parent technique id.
    parents: HashMap<String, String>,
    /// Technique id → its detection strategies, by strategy id.
    strategies: HashMap<String, BTreeMap<String, DetectionStrategy>>,
}

impl Links {
    fn new(objects: &Objects) -> Links {
        let technique_id = |stix: &str| objects.techniques.get(stix).map(RawObject::attack_id);
        let mut links = Links {
            parents: HashMap::new(),
            strategies: HashMap::new(),
        };
        for rel in objects.relationships.values().filter(|r| !r.is_retired()) {
            match rel.relationship_type.as_str() {
                "subtechnique-of" => {
                    if let (Some(child), Some(parent)) =
                        (technique_id(&rel.source_ref), technique_id(&rel.target_ref))
                    {
                        links.parents.insert(child.to_string(), parent.to_string());
                    }
                }
                "detects" => {
                    let strategy = objects.strategies.get(&rel.source_ref);
                    if let (Some(strategy), Some(target)) =
                        (strategy, technique_id(&rel.target_ref))
                    {
                        if strategy.is_retired() || strategy.attack_id().is_empty() {
                            continue;
                        }
                        links
                            .strategies
                            .entry(target.to_string())
                            .or_default()
                            .insert(
                                strategy.attack_id().to_string(),
                                detection_strategy(strategy, objects),
                            );
                    }
                }
                _ => {}
            }
        }
        links
    }
}

fn detection_strategy(strategy: &RawObject, objects: &Objects) -> DetectionStrategy {
    DetectionStrategy {
        id: strategy.attack_id().to_string(),
        name: strategy.name.clone(),
        analytics: strategy
            .x_mitre_analytic_refs
            .iter()
            .filter_map(|id| objects.analytics.get(id))
            .filter(|a| !a.is_retired())
            .map(|a| Analytic {
                id: a.attack_id().to_string(),
                name: a.name.clone(),
                platforms: a.x_mitre_platforms.clone(),
                description: render_with_reference_list(&a.description, &a.external_references),
            })
            .collect(),
    }
}

fn technique(raw: &RawObject, tactic_order: &HashMap<&str, usize>, links: &Links) -> Technique {
    let id = raw.attack_id().to_string();
    let mut tactics: Vec<String> = Vec::new();
    for phase in raw
        .kill_chain_phases
        .iter()
        .filter(|p| p.kill_chain_name == MITRE_ATTACK)
    {
        if !tactics.contains(&phase.phase_name) {
            tactics.push(phase.phase_name.clone());
        }
    }
    tactics.sort_by_key(|t| tactic_order.get(t.as_str()).copied().unwrap_or(usize::MAX));
    let (description, citations) = render(&raw.description, &raw.external_references);
    let parent = links
        .parents
        .get(&id)
        .cloned()
        .or_else(|| id.split_once('.').map(|(parent, _)| parent.to_string()));
    let detection_strategies = links
        .strategies
        .get(&id)
        .map(|s| s.values().cloned().collect())
        .unwrap_or_default();
    Technique {
        name: raw.name.clone(),
        tactics,
        platforms: raw.x_mitre_platforms.clone(),
        description,
        citations,
        parent,
        subtechniques: Vec::new(),
        url: raw
            .attack_reference()
            .map(|r| r.url.clone())
            .unwrap_or_default(),
        revoked: raw.revoked,
        deprecated: raw.x_mitre_deprecated,
        detection_strategies,
        id,
    }
}

/// Lists each technique's sub-techniques from their parent links; the input
/// is sorted by id, so each list comes out sorted.
fn fill_subtechniques(techniques: &mut [Technique]) {
    let index: HashMap<String, usize> = techniques
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    let pairs: Vec<(usize, String)> = techniques
        .iter()
        .filter_map(|t| {
            let parent = t.parent.as_ref()?;
            Some((*index.get(parent)?, t.id.clone()))
        })
        .collect();
    for (parent, child) in pairs {
        techniques[parent].subtechniques.push(child);
    }
}

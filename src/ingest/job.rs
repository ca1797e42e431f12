//! An import run away from the page: the batch a worker receives and the
//! replies it sends back, as postcard bytes (one buffer a message, moved to
//! the other side instead of copied). Pure, so the worker's loop is tested
//! natively and the page and the worker cannot disagree on the wire form.

use super::{ImportReport, Importer, Input, Limits};
use crate::formats::Context;
use crate::model::Rule;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How many rules one [`Reply::Rules`] carries: small enough that the page
/// decodes a chunk well inside one frame.
const RULES_PER_REPLY: usize = 200;

/// Shortest gap between two [`Reply::Progress`] messages, in milliseconds.
const PROGRESS_MS: f64 = 50.0;

/// One import handed to a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub inputs: Vec<Input>,
    /// Ids already in the catalog (reported as duplicates of "catalog").
    pub known_ids: Vec<String>,
}

/// What a worker sends, in this order: `Ready` once it listens, `Progress`
/// while parsing, the rules in `Rules` chunks, then `Done` with the report
/// (its rule list empty: the rules came before).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    Ready,
    Progress {
        done: u32,
        total: u32,
    },
    Rules(Vec<Rule>),
    Done(ImportReport),
    /// The job itself was unreadable (never a rule file's fault).
    Failed(String),
}

impl Reply {
    /// The wire form.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_else(|e| {
            postcard::to_allocvec(&Reply::Failed(format!("cannot encode a reply: {e}")))
                .unwrap_or_default()
        })
    }

    /// Reads the wire form.
    pub fn decode(bytes: &[u8]) -> Result<Reply, String> {
        postcard::from_bytes(bytes).map_err(|e| format!("unreadable reply from the worker: {e}"))
    }
}

impl Job {
    /// The wire form.
    pub fn encode(&self) -> Result<Vec<u8>, String> {
        postcard::to_allocvec(self).map_err(|e| format!("cannot encode the import: {e}"))
    }

    /// Runs a job received as bytes: parses every file, sending progress
    /// at most every 50 ms of `now` (milliseconds), then the rules and the
    /// report.
    pub fn run_encoded(bytes: &[u8], now: impl Fn() -> f64, mut send: impl FnMut(&Reply)) {
        match postcard::from_bytes::<Job>(bytes) {
            Ok(job) => job.run(now, send),
            Err(e) => send(&Reply::Failed(format!("unreadable import job: {e}"))),
        }
    }

    /// Runs the job (see [`Job::run_encoded`]).
    pub fn run(self, now: impl Fn() -> f64, mut send: impl FnMut(&Reply)) {
        let known: HashMap<String, String> = self
            .known_ids
            .into_iter()
            .map(|id| (id, "catalog".to_string()))
            .collect();
        let mut importer = Importer::new(self.inputs, Context::default(), Limits::default(), known);
        let progress = |importer: &Importer| {
            let (done, total) = importer.progress();
            Reply::Progress {
                done: done as u32,
                total: total as u32,
            }
        };
        send(&progress(&importer));
        let mut last = now();
        while importer.step() {
            if now() - last >= PROGRESS_MS {
                send(&progress(&importer));
                last = now();
            }
        }
        send(&progress(&importer));
        let mut report = importer.finish();
        let rules: Vec<Rule> = std::mem::take(&mut report.rules);
        let mut rules = rules.into_iter().peekable();
        while rules.peek().is_some() {
            send(&Reply::Rules(
                rules.by_ref().take(RULES_PER_REPLY).collect(),
            ));
        }
        send(&Reply::Done(report));
    }
}

/// Puts a worker's replies back together on the page's side.
#[derive(Debug, Default)]
pub struct Assembly {
    rules: Vec<Rule>,
}

impl Assembly {
    /// Takes one decoded reply; the full report once `Done` arrives.
    pub fn take(&mut self, reply: Reply) -> Option<ImportReport> {
        match reply {
            Reply::Rules(mut chunk) => {
                self.rules.append(&mut chunk);
                None
            }
            Reply::Done(mut report) => {
                report.rules = std::mem::take(&mut self.rules);
                Some(report)
            }
            Reply::Ready | Reply::Progress { .. } | Reply::Failed(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn sigma(n: usize) -> Input {
        let text = format!(
            "title: Rule {n}\nid: 00000000-0000-0000-0000-{n:012}\ntags: [attack.t1059]\n\
             logsource: {{category: process_creation, product: windows}}\n\
             detection:\n  sel:\n    Image|endswith: '\\\\tool{n}.exe'\n  condition: sel\n"
        );
        Input {
            name: format!("rules/r{n}.yml"),
            bytes: text.into_bytes(),
        }
    }

    #[test]
    fn a_job_round_trips_through_bytes_and_reassembles() {
        let mut inputs: Vec<Input> = (0..450).map(sigma).collect();
        inputs.push(Input {
            name: "broken.yml".into(),
            bytes: b"title: [unclosed".to_vec(),
        });
        let job = Job {
            inputs,
            known_ids: vec!["00000000-0000-0000-0000-000000000007".into()],
        };
        let bytes = job.encode().unwrap();
        // A clock that advances 30 ms a call: progress goes out every other step.
        let clock = Cell::new(0.0);
        let now = || {
            clock.set(clock.get() + 30.0);
            clock.get()
        };
        let mut replies = Vec::new();
        Job::run_encoded(&bytes, now, |r| replies.push(r.encode()));

        let decoded: Vec<Reply> = replies.iter().map(|b| Reply::decode(b).unwrap()).collect();
        let chunks: Vec<usize> = decoded
            .iter()
            .filter_map(|r| match r {
                Reply::Rules(rules) => Some(rules.len()),
                _ => None,
            })
            .collect();
        assert_eq!(chunks, vec![200, 200, 50]);
        let progress: Vec<(u32, u32)> = decoded
            .iter()
            .filter_map(|r| match r {
                Reply::Progress { done, total } => Some((*done, *total)),
                _ => None,
            })
            .collect();
        assert_eq!(progress.first(), Some(&(0, 451)));
        assert_eq!(progress.last(), Some(&(451, 451)));
        assert!(progress.len() > 100, "progress is sent while parsing");

        let mut assembly = Assembly::default();
        let mut report = None;
        for r in decoded {
            if let Some(done) = assembly.take(r) {
                report = Some(done);
            }
        }
        let report = report.expect("the last reply completes the report");
        assert_eq!(report.rules.len(), 450);
        assert_eq!(report.files, 451);
        assert_eq!(report.rules[449].title, "Rule 449");
        assert!(report.rules.iter().all(|r| r.local));
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].path, "broken.yml");
        assert_eq!(report.duplicates.len(), 1);
        assert_eq!(report.duplicates[0].first, "catalog");
    }

    #[test]
    fn garbage_is_a_failed_reply_not_a_panic() {
        let mut replies = Vec::new();
        Job::run_encoded(&[0xff, 0xff, 0xff], || 0.0, |r| replies.push(r.clone()));
        assert_eq!(replies.len(), 1);
        assert!(matches!(&replies[0], Reply::Failed(m) if m.contains("unreadable import job")));
    }
}

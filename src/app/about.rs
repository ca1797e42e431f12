//! `#/about`: where the catalog comes from (each upstream repository at its
//! recorded commit, with its license), what it holds (the figures of
//! [`crate::catalog::corpus_stats`]) and MITRE's ATT&CK notice and terms.

use super::state::use_ctx;
use super::widgets::{outbound, vendor_badge};
use crate::catalog::{CorpusStats, SourceStats};
use crate::model::Vendor;
use yew::prelude::*;

/// MITRE's license grant, which its terms ask every copy to reproduce with
/// the copyright designation.
const ATTACK_LICENSE: &str = "The MITRE Corporation (MITRE) hereby grants you a non-exclusive, royalty-free license to use ATT&CK® for research, development, and commercial purposes. Any copy you make for such purposes is authorized provided that you reproduce MITRE's copyright designation and this license in any such copy.";

/// MITRE's disclaimer, from the same terms.
const ATTACK_DISCLAIMER: &str = "MITRE does not claim ATT&CK enumerates all possibilities for the types of actions and behaviors documented as part of its adversary model and framework of techniques. Using the information contained within ATT&CK to address or cover full categories of techniques will not guarantee full defensive coverage as there may be undisclosed techniques or variations on existing techniques not documented by ATT&CK.";

/// MITRE's warranty disclaimer, from the same terms.
const ATTACK_AS_IS: &str = "ALL DOCUMENTS AND THE INFORMATION CONTAINED THEREIN ARE PROVIDED ON AN \"AS IS\" BASIS AND THE CONTRIBUTOR, THE ORGANIZATION HE/SHE REPRESENTS OR IS SPONSORED BY (IF ANY), THE MITRE CORPORATION, ITS BOARD OF TRUSTEES, OFFICERS, AGENTS, AND EMPLOYEES, DISCLAIM ALL WARRANTIES, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO ANY WARRANTY THAT THE USE OF THE INFORMATION THEREIN WILL NOT INFRINGE ANY RIGHTS OR ANY IMPLIED WARRANTIES OF MERCHANTABILITY OR FITNESS FOR A PARTICULAR PURPOSE.";

/// Where MITRE publishes the terms.
const ATTACK_TERMS: &str = "https://attack.mitre.org/resources/legal-and-branding/terms-of-use/";

/// `© 2025 The MITRE Corporation…`, with the year of the ATT&CK snapshot.
fn copyright(stats: &CorpusStats) -> String {
    let year = stats
        .sources
        .iter()
        .find(|s| s.source.name == "attack")
        .and_then(|s| s.source.date.get(..4))
        .map(|y| format!("{y} "))
        .unwrap_or_default();
    format!("© {year}The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.")
}

/// One row of the sources table.
fn source_row(s: &SourceStats) -> Html {
    let src = &s.source;
    let short: String = src.commit.chars().take(12).collect();
    let commit = html! { <code title={src.commit.clone()}>{ short }</code> };
    html! {
        <tr data-testid="about-source">
            <th scope="row">{ outbound(&src.repository, html! { { src.name.clone() } }) }</th>
            <td>{ src.repository.trim_start_matches("https://").to_string() }</td>
            <td data-testid="source-commit">{ outbound(&s.commit_url, commit) }</td>
            <td>{ src.date.clone() }</td>
            <td>{ src.release.clone() }</td>
            <td>{ src.license.clone() }</td>
            <td class="num">
                // ATT&CK is a source of techniques, not of rules.
                if Vendor::from_key(&src.name).is_some() { { s.rules } } else { <span class="muted">{ "—" }</span> }
            </td>
        </tr>
    }
}

/// The About page.
#[component]
pub fn AboutPage() -> Html {
    let ctx = use_ctx();
    let stats = ctx.stats();
    let s = &*stats;
    let vendors = s.vendors.iter().map(|v| {
        html! {
            <tr data-testid="about-vendor">
                <th scope="row">{ vendor_badge(v.vendor) }</th>
                <td class="num">{ v.rules }</td>
                <td class="num">{ v.deprecated }</td>
                <td class="num">{ v.techniques }</td>
                <td class="num">{ v.predicates }</td>
                <td class="num">{ v.exclusions }</td>
            </tr>
        }
    });
    let licenses = s
        .sources
        .iter()
        .filter(|x| !x.source.license.is_empty())
        .map(|x| html! { <li><strong>{ x.source.name.clone() }</strong>{ ": " }{ x.source.license.clone() }</li> });
    html! {
        <article class="page about-page">
            <h1>{ "About rulescope" }</h1>
            <p class="lead">{ "rulescope reads public detection rules (Sigma, Splunk, Elastic), normalises what each one filters on, and organises them by MITRE ATT&CK technique. Everything runs in this page: nothing is sent anywhere." }</p>
            if s.sample {
                <p class="banner" role="note">{ "This build embeds the small sample rule set, not the public corpus: the figures below describe the samples." }</p>
            }

            <h2>{ "ATT&CK" }</h2>
            <p>
                { "Techniques, tactics and detection strategies are from MITRE ATT&CK Enterprise " }
                <strong data-testid="attack-version">{ if s.attack_version.is_empty() { "(version unknown)".to_string() } else { format!("v{}", s.attack_version) } }</strong>
                { format!(": {} tactics, {} techniques and sub-techniques (revoked and deprecated ones left out), ", s.tactics, s.techniques) }
                <span data-testid="techniques-covered">{ s.techniques_covered }</span>
                { " of them with at least one current rule." }
            </p>

            <h2>{ "Rules" }</h2>
            <p>
                <span data-testid="about-rules">{ s.rules }</span>{ " rules, " }
                { format!("{} of them deprecated upstream (hidden unless you include them); {} predicates, {} exclusions and {} threshold conditions over {} distinct fields.", s.deprecated, s.predicates, s.exclusions, s.thresholds, s.fields) }
                if s.local > 0 {
                    { " " }<span data-testid="about-local">{ s.local }</span>{ " of the rules are your own, dropped into this page; they stay on this machine." }
                }
            </p>
            <div class="table-wrap">
                <table class="data about-vendors">
                    <caption class="visually-hidden">{ "Rules per vendor" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Vendor" }</th>
                        <th scope="col" class="num">{ "Rules" }</th>
                        <th scope="col" class="num">{ "Deprecated" }</th>
                        <th scope="col" class="num" title="Distinct ATT&CK ids tagged by current rules">{ "Techniques" }</th>
                        <th scope="col" class="num">{ "Predicates" }</th>
                        <th scope="col" class="num">{ "Exclusions" }</th>
                    </tr></thead>
                    <tbody>{ for vendors }</tbody>
                </table>
            </div>

            <h2>{ "Sources" }</h2>
            if s.sources.is_empty() {
                <p class="muted">{ "This build records no upstream sources." }</p>
            } else {
                <p>{ "Each corpus is a snapshot of its upstream repository at the commit shown; every rule page links to its file at that commit." }</p>
                <div class="table-wrap">
                    <table class="data about-sources">
                        <caption class="visually-hidden">{ "Upstream sources" }</caption>
                        <thead><tr>
                            <th scope="col">{ "Source" }</th>
                            <th scope="col">{ "Repository" }</th>
                            <th scope="col">{ "Commit" }</th>
                            <th scope="col">{ "Date" }</th>
                            <th scope="col">{ "Release" }</th>
                            <th scope="col">{ "License" }</th>
                            <th scope="col" class="num">{ "Rules" }</th>
                        </tr></thead>
                        <tbody>{ for s.sources.iter().map(source_row) }</tbody>
                    </table>
                </div>
            }

            <h2>{ "Licenses" }</h2>
            <p>{ "Rules are shown under their upstream licenses, each with its author and a link to its source file." }</p>
            if !s.sources.is_empty() {
                <ul>{ for licenses }</ul>
            }

            <h2>{ "MITRE ATT&CK notice" }</h2>
            <section class="notice" data-testid="mitre-notice" aria-label="MITRE ATT&CK notice">
                <p>{ "MITRE ATT&CK® is a registered trademark of The MITRE Corporation." }</p>
                <p><strong>{ copyright(s) }</strong></p>
                <p>{ ATTACK_LICENSE }</p>
                <p>{ ATTACK_DISCLAIMER }</p>
                <p class="as-is">{ ATTACK_AS_IS }</p>
                <p>{ "The full terms: " }{ outbound(ATTACK_TERMS, html! { { "ATT&CK terms of use" } }) }{ "." }</p>
            </section>
        </article>
    }
}

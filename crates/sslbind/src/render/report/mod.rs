//! `sslbind report`'s page: one self-contained HTML file (inline style sheet and script, no
//! URL to fetch) made of parts, one function each in [`parts`], so that a later fleet report
//! can put the same parts together for many machines. Templates are maud's, compiled with
//! the program: every value is escaped for the place it goes, and no markup is built from
//! strings. What the page shows comes from the core's analysis, doctor and usage results;
//! nothing here judges a binding or a certificate.

pub mod assets;
pub mod fleet;
pub mod parts;
pub mod text;

use maud::{DOCTYPE, Markup, html};
use sslbind_core::analysis::Analysis;
use sslbind_core::analysis::usage::Usage;
use sslbind_core::doctor::Finding;
use sslbind_core::model::{Certificate, Machine};
use time::OffsetDateTime;

/// Everything one machine's page shows, computed by the caller through the core's APIs.
pub struct MachineReport<'a> {
    /// The page's title and first heading.
    pub title: &'a str,
    /// What the machine was read from, as the user named it (a folder, a snapshot, …).
    pub machine_name: &'a str,
    /// The time certificates are judged at (`--now`, else the clock).
    pub now: OffsetDateTime,
    /// The machine.
    pub machine: &'a Machine,
    /// Its analysis.
    pub analysis: &'a Analysis,
    /// Doctor's findings.
    pub findings: &'a [Finding],
    /// Every certificate with its consumers (`analysis::usage::certificate_list`).
    pub certificates: &'a [(&'a Certificate, Usage)],
}

/// The whole page of one machine, as a string of HTML.
pub fn page(report: &MachineReport<'_>) -> String {
    document(
        report.title,
        html! {
            (parts::header(report))
            (parts::summary(report))
            (parts::filter_box())
            (parts::findings(report.findings))
            (parts::bindings(report.machine, report.analysis, report.now))
            (parts::mappings(report.machine, report.analysis, report.now))
            (parts::certificates(report.machine, report.certificates, report.now))
            (parts::reservations(report.machine))
            (parts::selection_matrix(report.machine, report.analysis))
        },
    )
    .into_string()
}

/// The frame every report shares: the policy, the style sheet, the body, then the script
/// (last, so that it finds the tables it works on).
pub fn document(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(assets::content_security_policy());
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
                style { (maud::PreEscaped(assets::STYLE)) }
            }
            body {
                (body)
                script { (maud::PreEscaped(assets::SCRIPT)) }
            }
        }
    }
}

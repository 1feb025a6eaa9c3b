//! `sslbind fleet report`'s page: the machine report's frame, style sheet, script, badges and
//! filter box around what a fleet database answers: one summary row per machine, the
//! certificates expiring anywhere, and findings grouped by code with the machines they are on.
//! The same escaping rules hold: every value from a database goes through [`shown`].

use maud::{Markup, html};
use sslbind_core::analysis::MappingStatus;
use sslbind_core::doctor::{Code, Severity};
use sslbind_live::fleet::{FleetCertificate, FleetFinding, MachineSummary};
use time::OffsetDateTime;

use super::parts::{
    expiry_badge, filter_box, mapping_status, plural, rfc3339, severity_badge, severity_rank,
};
use super::text::shown;
use crate::render::fleet::{days_left, expiry_class, unix_rfc3339};

/// What a fleet page shows, read from the database by the caller.
pub struct FleetReport<'a> {
    /// The page's title and first heading.
    pub title: &'a str,
    /// The database, as shown to people (a password never appears).
    pub database: &'a str,
    /// The time certificates are judged at.
    pub now: OffsetDateTime,
    /// Every machine's latest state, counted.
    pub machines: &'a [MachineSummary],
    /// The certificates ending within the report's window (expired ones included).
    pub expiring: &'a [FleetCertificate],
    /// The window, in days.
    pub expiring_days: u32,
    /// Every machine's findings.
    pub findings: &'a [FleetFinding],
}

/// The whole page, as a string of HTML.
pub fn page(report: &FleetReport<'_>) -> String {
    super::document(
        report.title,
        html! {
            header {
                h1 { (shown(report.title)) }
                dl.summary {
                    dt { "Database" } dd { (shown(report.database)) }
                    dt { "Judged at" } dd { (rfc3339(report.now)) }
                    dt { "Made by" } dd { "sslbind " (env!("CARGO_PKG_VERSION")) }
                    dt { "Machines" } dd { (report.machines.len()) }
                    dt { "Findings" }
                    dd {
                        (report.findings.len()) ":"
                        @for severity in [Severity::Error, Severity::Warning, Severity::Info] {
                            @let n = report.findings.iter().filter(|f| f.severity == severity.as_str()).count();
                            " " (severity_badge(severity)) " " (n)
                        }
                    }
                    dt { "Expiring" }
                    dd { (plural(report.expiring.len(), "certificate")) " ending within " (report.expiring_days) " days" }
                }
            }
            (filter_box())
            (machines(report.machines))
            (expiring(report.expiring, report.now, report.expiring_days))
            (findings_by_code(report.findings))
        },
    )
    .into_string()
}

/// One row per machine: when it was collected, its counts, mappings by status, findings by
/// severity.
fn machines(machines: &[MachineSummary]) -> Markup {
    html! {
        section #machines {
            h2 { "Machines" }
            @if machines.is_empty() {
                p { "No machine has been ingested." }
            } @else {
                table.data {
                    thead { tr {
                        th { "Machine" } th { "Collected" } th { "Ingests" } th { "Sites" } th { "Bindings" }
                        th { "Mappings" } th { "Certificates" } th { "Expiring" } th { "Findings" }
                    } }
                    tbody {
                        @for machine in machines {
                            tr {
                                td { (shown(&machine.name)) }
                                td data-v=(machine.collected_at) { (unix_rfc3339(machine.collected_at)) }
                                td data-v=(machine.ingests) { (machine.ingests) }
                                td data-v=(machine.sites) { (machine.sites) }
                                td data-v=(machine.bindings) { (machine.bindings) }
                                td data-v=(machine.mappings) {
                                    (machine.mappings) ":"
                                    @for (status, n) in &machine.mappings_by_status {
                                        @if let Some(status) = MappingStatus::parse(status) { " " (mapping_status(status)) " " (n) }
                                        @else { " " (shown(status)) " " (n) }
                                    }
                                }
                                td data-v=(machine.certificates) { (machine.certificates) }
                                td data-v=(machine.certificates_expiring) { (machine.certificates_expiring) }
                                td data-v=(machine.errors * 1_000_000 + machine.warnings) {
                                    (severity_badge(Severity::Error)) " " (machine.errors) " "
                                    (severity_badge(Severity::Warning)) " " (machine.warnings) " "
                                    (severity_badge(Severity::Info)) " " (machine.infos)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The certificates ending soonest, anywhere, with the machines that hold them.
fn expiring(certificates: &[FleetCertificate], now: OffsetDateTime, days: u32) -> Markup {
    html! {
        section #expiring {
            h2 { "Certificates ending within " (days) " days" }
            @if certificates.is_empty() {
                p { "None." }
            } @else {
                table.data {
                    thead { tr {
                        th { "Expiry" } th { "Not after" } th { "Days left" } th { "Thumbprint" } th { "Subject" }
                        th { "Names" } th { "Machines" }
                    } }
                    tbody {
                        @for certificate in certificates {
                            @let left = days_left(certificate.not_after, now);
                            tr {
                                td data-v=(left) { (expiry_badge(expiry_class(certificate.not_before, certificate.not_after, now))) }
                                td data-v=(certificate.not_after) { (unix_rfc3339(certificate.not_after)) }
                                td data-v=(left) { (left) }
                                td.mono { (shown(&certificate.thumbprint)) }
                                td { (shown(&certificate.subject)) }
                                td { (shown(&certificate.dns_names.join(", "))) }
                                td data-v=(certificate.machines.len()) {
                                    (certificate.machines.len()) ": " (shown(&certificate.machines.join(", ")))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Findings grouped by code, worst first: how many, on which machines, and what the code means.
fn findings_by_code(findings: &[FleetFinding]) -> Markup {
    // (code, its worst severity, how many, on which machines)
    let mut groups: Vec<(&str, &str, usize, Vec<&str>)> = Vec::new();
    let rank = |severity: &str| Severity::parse(severity).map_or(3, severity_rank);
    for finding in findings {
        match groups.iter_mut().find(|(code, _, _, _)| *code == finding.code) {
            Some((_, severity, count, machines)) => {
                if rank(&finding.severity) < rank(severity) {
                    *severity = &finding.severity;
                }
                *count += 1;
                machines.push(&finding.machine);
            }
            None => groups.push((&finding.code, &finding.severity, 1, vec![&finding.machine])),
        }
    }
    for (_, _, _, machines) in &mut groups {
        machines.sort_unstable();
        machines.dedup();
    }
    groups.sort_by(|a, b| rank(a.1).cmp(&rank(b.1)).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    html! {
        section #findings {
            h2 { "Findings by code" }
            @if groups.is_empty() {
                p { "No findings." }
            } @else {
                table.data {
                    thead { tr { th { "Severity" } th { "Code" } th { "Findings" } th { "Machines" } th { "What it means" } } }
                    tbody {
                        @for (code, severity, count, machines) in &groups {
                            tr {
                                td data-v=(rank(severity)) {
                                    @if let Some(severity) = Severity::parse(severity) { (severity_badge(severity)) }
                                    @else { (shown(severity)) }
                                }
                                td.mono { (shown(code)) }
                                td data-v=(count) { (count) }
                                td data-v=(machines.len()) { (machines.len()) ": " (shown(&machines.join(", "))) }
                                td { @if let Some(code) = Code::parse(code) { (code.summary()) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

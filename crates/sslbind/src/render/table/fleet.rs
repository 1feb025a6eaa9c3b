//! The fleet commands for people: machines, findings, matches, certificates and history as
//! the one-machine listings show theirs (same columns where they mean the same, same
//! shortening, a summary line under each).

use std::io::{self, Write};

use sslbind_core::doctor::Severity;
use sslbind_core::fleet::{HistoryChange, HistoryWhat};
use sslbind_core::model::ExpiryClass;
use sslbind_live::fleet::{FleetCertificate, FleetFinding, MachineSummary, Match};
use time::OffsetDateTime;

use super::{Cell, Row, Table, write_summary};
use crate::render::fleet::{days_left, expiry_class, unix_rfc3339};
use crate::render::{Colour, Style, plural};

fn count(value: i64) -> usize {
    usize::try_from(value).unwrap_or(0)
}

/// Prints `sslbind fleet machines`.
pub fn machines(out: &mut impl Write, summaries: &[MachineSummary], style: &Style) -> io::Result<()> {
    let mut table = Table::new(
        &[
            "MACHINE",
            "COLLECTED",
            "INGESTS",
            "SITES",
            "BINDINGS",
            "MAPPINGS",
            "CERTS",
            "EXPIRING",
            "FINDINGS",
        ],
        &[0],
    );
    let mut errors = 0;
    for summary in summaries {
        errors += summary.errors;
        let findings = format!("{} errors, {} warnings", summary.errors, summary.warnings);
        let findings_colour = if summary.errors > 0 {
            Colour::Red
        } else if summary.warnings > 0 {
            Colour::Yellow
        } else {
            Colour::Green
        };
        let expiring_colour = if summary.certificates_expiring > 0 { Colour::Yellow } else { Colour::Green };
        let mut row = Row::new(vec![
            Cell::plain(summary.name.clone()),
            Cell::plain(unix_rfc3339(summary.collected_at)),
            Cell::plain(summary.ingests.to_string()),
            Cell::plain(summary.sites.to_string()),
            Cell::plain(summary.bindings.to_string()),
            Cell::plain(summary.mappings.to_string()),
            Cell::plain(summary.certificates.to_string()),
            Cell::new(summary.certificates_expiring.to_string(), expiring_colour),
            Cell::new(findings, findings_colour),
        ]);
        let statuses: Vec<String> =
            summary.mappings_by_status.iter().map(|(status, n)| format!("{status} {n}")).collect();
        if !statuses.is_empty() {
            row.notes.push(Cell::new(format!("mappings: {}", statuses.join(", ")), Colour::Dim));
        }
        table.rows.push(row);
    }
    table.note_column = 1;
    table.write(out, style)?;
    let with_errors = summaries.iter().filter(|summary| summary.errors > 0).count();
    write_summary(
        out,
        &format!(
            "{}, {} with errors ({} in all)",
            plural(summaries.len(), "machine"),
            with_errors,
            plural(count(errors), "error")
        ),
        style,
    )
}

fn severity_colour(severity: &str) -> Colour {
    match Severity::parse(severity) {
        Some(Severity::Error) => Colour::Red,
        Some(Severity::Warning) => Colour::Yellow,
        Some(Severity::Info) | None => Colour::Dim,
    }
}

/// Prints `sslbind fleet findings`.
pub fn findings(out: &mut impl Write, findings: &[FleetFinding], style: &Style) -> io::Result<()> {
    let mut table = Table::new(&["MACHINE", "SEVERITY", "CODE", "SITE", "ABOUT"], &[4, 3, 0]);
    for finding in findings {
        let about = match (&finding.binding, &finding.mapping) {
            (Some(binding), _) => binding.clone(),
            (None, Some((kind, key))) => format!("{kind} {key}"),
            (None, None) => finding.certificate_hash.clone().unwrap_or_default(),
        };
        let mut row = Row::new(vec![
            Cell::plain(finding.machine.clone()),
            Cell::new(finding.severity.clone(), severity_colour(&finding.severity)),
            Cell::plain(finding.code.clone()),
            Cell::plain(finding.site.clone().unwrap_or_default()),
            Cell::plain(about),
        ]);
        row.notes.push(Cell::plain(finding.message.clone()));
        table.rows.push(row);
    }
    table.note_column = 1;
    table.write(out, style)?;
    let of = |severity: &str| findings.iter().filter(|finding| finding.severity == severity).count();
    let mut machines: Vec<&str> = findings.iter().map(|finding| finding.machine.as_str()).collect();
    machines.sort_unstable();
    machines.dedup();
    write_summary(
        out,
        &format!(
            "{} on {}: {} errors, {} warnings, {} infos",
            plural(findings.len(), "finding"),
            plural(machines.len(), "machine"),
            of("error"),
            of("warning"),
            of("info")
        ),
        style,
    )
}

/// Prints `sslbind fleet where`.
pub fn matches(out: &mut impl Write, looked_for: &str, matches: &[Match], style: &Style) -> io::Result<()> {
    let mut table = Table::new(&["MACHINE", "KIND", "KEY", "CERTIFICATE", "SITE", "BINDING"], &[3, 4, 5, 2]);
    for found in matches {
        table.rows.push(Row::new(vec![
            Cell::plain(found.machine.clone()),
            Cell::plain(found.kind.clone().unwrap_or_else(|| "-".to_owned())),
            Cell::plain(found.key.clone().unwrap_or_else(|| "(no mapping)".to_owned())),
            Cell::plain(found.certificate_hash.clone().unwrap_or_else(|| "-".to_owned())),
            Cell::plain(found.site.clone().unwrap_or_else(|| "(no binding)".to_owned())),
            Cell::plain(found.binding.clone().unwrap_or_default()),
        ]));
    }
    table.write(out, style)?;
    let mut machines: Vec<&str> = matches.iter().map(|found| found.machine.as_str()).collect();
    machines.sort_unstable();
    machines.dedup();
    write_summary(
        out,
        &format!(
            "{looked_for}: {} {} on {}",
            matches.len(),
            if matches.len() == 1 { "match" } else { "matches" },
            plural(machines.len(), "machine")
        ),
        style,
    )
}

/// Prints `sslbind fleet certificates`.
pub fn certificates(
    out: &mut impl Write,
    certificates: &[FleetCertificate],
    now: OffsetDateTime,
    expiring_within: Option<u32>,
    style: &Style,
) -> io::Result<()> {
    let mut table = Table::new(&["NOT AFTER", "DAYS", "THUMBPRINT", "SUBJECT", "MACHINES"], &[4, 3]);
    table.note_column = 2;
    for certificate in certificates {
        let class = expiry_class(certificate.not_before, certificate.not_after, now);
        let colour = match class {
            ExpiryClass::Fine => Colour::Green,
            ExpiryClass::Warning => Colour::Yellow,
            ExpiryClass::Error | ExpiryClass::Expired | ExpiryClass::NotYetValid => Colour::Red,
        };
        let not_after = unix_rfc3339(certificate.not_after);
        let date = not_after.get(..10).unwrap_or(&not_after).to_owned();
        let mut row = Row::new(vec![
            Cell::new(date, colour),
            Cell::new(days_left(certificate.not_after, now).to_string(), colour),
            Cell::plain(certificate.thumbprint.clone()),
            Cell::plain(certificate.subject.clone()),
            Cell::plain(format!("{}: {}", certificate.machines.len(), certificate.machines.join(", "))),
        ]);
        if !certificate.dns_names.is_empty() {
            row.notes.push(Cell::new(format!("names: {}", certificate.dns_names.join(", ")), Colour::Dim));
        }
        table.rows.push(row);
    }
    table.write(out, style)?;
    let mut summary = plural(certificates.len(), "certificate");
    if let Some(days) = expiring_within {
        summary.push_str(&format!(" ending within {}", plural(days as usize, "day")));
    }
    let expired = certificates
        .iter()
        .filter(|certificate| {
            expiry_class(certificate.not_before, certificate.not_after, now) == ExpiryClass::Expired
        })
        .count();
    summary.push_str(&format!(", {expired} expired"));
    write_summary(out, &summary, style)
}

/// Prints `sslbind fleet history`: the changes, grouped under the time of the ingest that
/// brought them.
pub fn history(
    out: &mut impl Write,
    machine: &str,
    ingests: usize,
    changes: &[HistoryChange],
    style: &Style,
) -> io::Result<()> {
    let mut table = Table::new(&["WHAT", "KEY"], &[1]);
    table.indent = 2;
    table.note_column = 1;
    let mut last_at = None;
    for change in changes {
        if last_at != Some(change.at) {
            let at = unix_rfc3339(change.at.unix_timestamp());
            table.rows.push(Row::heading(at));
            last_at = Some(change.at);
        }
        let colour = match change.what {
            HistoryWhat::BindingRemoved
            | HistoryWhat::MappingRemoved
            | HistoryWhat::CertificateRemoved
            | HistoryWhat::CertificateExpired
            | HistoryWhat::ReservationRemoved
            | HistoryWhat::ExcludedPortsRemoved => Colour::Red,
            HistoryWhat::BindingAdded
            | HistoryWhat::MappingAdded
            | HistoryWhat::CertificateAppeared
            | HistoryWhat::ReservationAdded
            | HistoryWhat::ExcludedPortsAdded => Colour::Green,
            // Changes in place, and any kind a later core adds.
            _ => Colour::Yellow,
        };
        let mut row = Row::new(vec![
            Cell::new(change.what.as_str().to_owned(), colour),
            Cell::plain(change.key.clone()),
        ]);
        for (field, before, after) in &change.fields {
            row.notes.push(Cell::new(format!("{field}: {before} -> {after}"), Colour::Dim));
        }
        table.rows.push(row);
    }
    table.write(out, style)?;
    write_summary(
        out,
        &format!("{machine}: {}, {}", plural(ingests, "ingest"), plural(changes.len(), "change")),
        style,
    )
}

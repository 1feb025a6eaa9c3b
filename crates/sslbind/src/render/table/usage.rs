//! `sslbind usage` and `sslbind certificates` for people. A child of the table module, to
//! lay out its rows with the same columns, shortening and notes as the other listings.

use std::fmt::Write as _;
use std::io::{self, Write};

use sslbind_core::analysis::MappingStatus;
use sslbind_core::analysis::resolve::describe_binding;
use sslbind_core::analysis::usage::Usage;
use sslbind_core::model::{Certificate, Machine};
use time::OffsetDateTime;

use super::{Cell, Row, Table, write_summary};
use crate::render::{Colour, Style, plural};

/// Prints `sslbind usage`: the certificate, its mappings, the bindings they serve, CCS files
/// and twins, then whether it is safe to delete and why not.
pub fn usage(out: &mut impl Write, machine: &Machine, usage: &Usage, style: &Style) -> io::Result<()> {
    let heading = match usage.certificate.map(|id| machine.certificate(id)) {
        Some(certificate) => format!("{}  {}", usage.thumbprint, certificate_name(certificate)),
        None => format!("{}  (mapped; the certificate was not read)", usage.thumbprint),
    };
    writeln!(out, "{}", style.paint(Colour::Bold, &heading))?;
    if let Some(certificate) = usage.certificate.map(|id| machine.certificate(id)) {
        writeln!(
            out,
            "  not after {}, store {}, private key {}",
            certificate.not_after.to_offset(time::UtcOffset::UTC).date(),
            certificate.store.as_deref().unwrap_or("unknown"),
            private_key(certificate)
        )?;
    }
    writeln!(out)?;

    let mut mappings = Table::new(&["KIND", "KEY", "OWNER", "STATUS"], &[1]);
    let mut reserved_run = 0;
    for (position, mapping_use) in usage.mappings.iter().enumerate() {
        let mapping = machine.mapping(mapping_use.mapping);
        // IIS Express's hundred reserved mappings show as one row, as in `sslbind mappings`.
        let next_reserved = usage
            .mappings
            .get(position + 1)
            .is_some_and(|next| next.status == MappingStatus::Reserved && next.owner == mapping_use.owner);
        if mapping_use.status == MappingStatus::Reserved && next_reserved {
            reserved_run += 1;
            continue;
        }
        let owner = match (mapping_use.owner, mapping.app_id) {
            (Some(owner), _) => owner.name().to_owned(),
            (None, Some(app_id)) => app_id.to_string(),
            (None, None) => "(no AppId)".to_owned(),
        };
        let colour = match mapping_use.status {
            MappingStatus::InUse => Colour::Green,
            MappingStatus::Fallback | MappingStatus::Reserved => Colour::Dim,
            MappingStatus::Idle => Colour::Yellow,
            MappingStatus::Foreign => Colour::Cyan,
        };
        let key = if reserved_run > 0 && mapping_use.status == MappingStatus::Reserved {
            let first = machine.mapping(usage.mappings[position - reserved_run].mapping);
            format!("{}-{}", first.key, mapping.key.port())
        } else {
            mapping.key.to_string()
        };
        let run = std::mem::take(&mut reserved_run) + 1;
        let mut row = Row::new(vec![
            Cell::plain(mapping.key.kind().to_string()),
            Cell::plain(key),
            Cell::plain(owner),
            Cell::new(mapping_use.status.as_str().to_owned(), colour),
        ]);
        if run > 1 {
            row.notes.push(Cell::new(format!("{run} reserved mappings, one per port"), Colour::Dim));
        }
        row.notes.extend(
            mapping_use
                .used_by
                .iter()
                .map(|binding| Cell::plain(format!("used by {}", describe_binding(machine, *binding)))),
        );
        mappings.rows.push(row);
    }
    if usage.mappings.is_empty() {
        writeln!(out, "{}", style.paint(Colour::Dim, "no mapping carries it"))?;
    } else {
        mappings.write(out, style)?;
    }

    for file in &usage.ccs_files {
        for binding in &file.bindings {
            writeln!(out, "CCS file {} serves {}", file.file, describe_binding(machine, *binding))?;
        }
    }
    for twins in &usage.twins {
        writeln!(
            out,
            "twins: {} and {} carry it together (renew both)",
            machine.mapping(twins.ipv4).key,
            machine.mapping(twins.ipv6).key
        )?;
    }

    let mut summary = format!(
        "{}, {}, {}: ",
        plural(usage.mappings.len(), "mapping"),
        plural(usage.bindings.len(), "binding"),
        plural(usage.ccs_files.len(), "CCS file"),
    );
    if usage.safe_to_delete {
        summary.push_str("safe to delete, nothing sslbind knows of uses it.");
    } else {
        summary.push_str("NOT safe to delete:");
    }
    write_summary(out, &summary, style)?;
    for reason in &usage.reasons {
        writeln!(out, "  - {reason}")?;
    }
    for note in &usage.notes {
        writeln!(out, "  note: {note}")?;
    }
    Ok(())
}

/// Prints `sslbind certificates`: one row per certificate, soonest end first, with what uses
/// it; `rows` come sorted.
pub fn certificates(
    out: &mut impl Write,
    rows: &[(&Certificate, Usage)],
    now: OffsetDateTime,
    expiring_within: Option<u32>,
    style: &Style,
) -> io::Result<()> {
    let mut table = Table::new(&["NOT AFTER", "THUMBPRINT", "SUBJECT", "STORE", "KEY", "USED BY"], &[2, 5]);
    table.note_column = 2;
    let mut unused = 0;
    for (certificate, usage) in rows {
        let status = certificate.status(now, expiring_within.unwrap_or(30));
        let colour = match status {
            sslbind_core::model::CertificateStatus::Valid => Colour::Green,
            sslbind_core::model::CertificateStatus::Expiring => Colour::Yellow,
            sslbind_core::model::CertificateStatus::Expired
            | sslbind_core::model::CertificateStatus::NotYetValid => Colour::Red,
        };
        let used = if usage.mappings.is_empty() && usage.ccs_files.is_empty() {
            unused += 1;
            "nothing".to_owned()
        } else {
            let mut parts =
                vec![plural(usage.mappings.len(), "mapping"), plural(usage.bindings.len(), "binding")];
            if !usage.ccs_files.is_empty() {
                parts.push(plural(usage.ccs_files.len(), "CCS file"));
            }
            parts.join(", ")
        };
        let mut row = Row::new(vec![
            Cell::new(certificate.not_after.to_offset(time::UtcOffset::UTC).date().to_string(), colour),
            Cell::plain(certificate.thumbprint.to_string()),
            Cell::plain(certificate_name(certificate)),
            Cell::plain(certificate.store.clone().unwrap_or_else(|| "-".to_owned())),
            Cell::plain(private_key(certificate).to_owned()),
            Cell::plain(used),
        ]);
        if !certificate.dns_names.is_empty() {
            row.notes.push(Cell::new(format!("names: {}", certificate.dns_names.join(", ")), Colour::Dim));
        }
        row.notes.push(Cell::new(certificate.validity_note(now, expiring_within.unwrap_or(30)), colour));
        table.rows.push(row);
    }
    table.write(out, style)?;
    let mut summary = plural(rows.len(), "certificate");
    if let Some(days) = expiring_within {
        let _ = write!(summary, " ending within {}", plural(days as usize, "day"));
    }
    let _ = write!(summary, ", {unused} used by nothing");
    write_summary(out, &summary, style)
}

/// The common name, else the subject.
fn certificate_name(certificate: &Certificate) -> String {
    certificate.common_name.clone().unwrap_or_else(|| certificate.subject.clone())
}

fn private_key(certificate: &Certificate) -> &'static str {
    match certificate.has_private_key {
        Some(true) => "present",
        Some(false) => "absent",
        None => "unknown",
    }
}

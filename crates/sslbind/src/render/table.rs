//! Aligned tables for people: `sslbind bindings` grouped by site, `sslbind mappings` one row
//! per record. Lines fit the terminal width by shortening the widest free-text column, never
//! by wrapping; a file or a pipe gets them whole. Columns are aligned by display width.

use std::fmt::Write as _;
use std::io::{self, Write};

use sslbind_core::analysis::resolve::describe_binding;
use sslbind_core::analysis::{Analysis, MappingAnalysis, MappingStatus};
use sslbind_core::model::{CertificateId, CertificateStatus, Machine, MappingKey, SSL_FLAGS, Thumbprint};

use crate::render::text::{self, fit};
use crate::render::{Colour, Expiry, Style, plural};

pub mod fleet;
pub mod usage;

/// Prints `sslbind bindings`.
pub fn bindings(
    out: &mut impl Write,
    machine: &Machine,
    analysis: &Analysis,
    expiry: &Expiry,
    style: &Style,
) -> io::Result<()> {
    let mut table = Table::new(&["BINDING", "SSL", "MAPPING", "CERTIFICATE"], &[3, 0, 2]);
    table.indent = 2;
    table.note_column = 1;
    let mut previous_site = None;
    let (mut n_https, mut n_served, mut n_unserved) = (0, 0, 0);
    let mut lapses = Lapses::default();
    for binding_analysis in &analysis.bindings {
        let position = binding_analysis.binding;
        let config = &machine.configs[position.config];
        let site = &config.sites[position.site];
        let binding = &site.bindings[position.binding];
        if previous_site != Some((position.config, position.site)) {
            let heading = match site.id {
                Some(id) => format!("{} (id {id}, {})", site.name, config.flavor.name()),
                None => format!("{} ({})", site.name, config.flavor.name()),
            };
            table.rows.push(Row::heading(heading));
        }
        previous_site = Some((position.config, position.site));
        let ssl = binding.ssl_flags.names().iter().map(|name| short_flag(name)).collect::<Vec<_>>().join(",");
        let mut row = Row::new(vec![
            Cell::plain(format!("{:<5} {}", binding.protocol, binding.information)),
            Cell::plain(if binding.is_https() || !binding.ssl_flags.is_empty() {
                ssl
            } else {
                String::new()
            }),
        ]);
        for note in crate::render::json::binding_notes(binding) {
            row.notes.push(Cell::new(note, Colour::Dim));
        }
        if !binding.is_https() || binding.http_endpoint().is_none() {
            row.cells.extend([Cell::plain(String::new()), Cell::plain(String::new())]);
            table.rows.push(row);
            continue;
        }
        n_https += 1;
        let expected = binding_analysis.expected.as_ref();
        match (&binding_analysis.selection, binding_analysis.effective()) {
            (None, _) => {
                let text = expected.map(|key| format!("{} {key} (expected)", key.kind())).unwrap_or_default();
                row.cells.push(Cell::new(text, Colour::Dim));
                row.cells.push(Cell::plain(String::new()));
            }
            (Some(_), None) => {
                n_unserved += 1;
                row.cells.push(Cell::new("none: connection reset".to_owned(), Colour::Red));
                row.cells.push(Cell::plain(String::new()));
                if let Some(key) = expected {
                    row.notes.push(Cell::new(
                        format!("expects {} {key}, which is missing", key.kind()),
                        Colour::Red,
                    ));
                }
            }
            (Some(_), Some(effective)) => {
                let status =
                    binding_analysis.certificate.map(|position| expiry.status(machine.certificate(position)));
                if !status.is_some_and(CertificateStatus::is_refused) {
                    n_served += 1;
                }
                lapses.count(status);
                let mapping = machine.mapping(effective);
                let matches_expected = expected.is_some_and(|key| *key == mapping.key);
                let colour = if matches_expected { Colour::Green } else { Colour::Yellow };
                row.cells.push(Cell::new(format!("{} {}", mapping.key.kind(), mapping.key), colour));
                row.cells.push(certificate_cell(
                    machine,
                    binding_analysis.certificate,
                    mapping.certificate_hash,
                    &mapping.key,
                    false,
                    expiry,
                ));
                if let Some(key) = expected.filter(|_| !matches_expected) {
                    let state = if analysis.index.get(key).is_some() { "shadowed" } else { "missing" };
                    row.notes
                        .push(Cell::new(format!("expects {} {key} ({state})", key.kind()), Colour::Yellow));
                }
            }
        }
        table.rows.push(row);
    }
    table.write(out, style)?;
    let n_bindings = analysis.bindings.len();
    let n_sites: usize = machine.configs.iter().map(|config| config.sites.len()).sum();
    let mut summary =
        format!("{} in {}; {n_https} https", plural(n_bindings, "binding"), plural(n_sites, "site"));
    if machine.mappings_known {
        let _ = write!(summary, ": {n_served} served");
        if lapses.expiring > 0 {
            let _ = write!(summary, " ({} {})", lapses.expiring, expiry.expiring_within());
        }
        for (n, what) in [
            (lapses.expired, "with an expired certificate"),
            (lapses.not_yet_valid, "with a certificate not yet valid"),
        ] {
            if n > 0 {
                let _ = write!(summary, ", {n} {what}");
            }
        }
        let _ = write!(summary, ", {n_unserved} without a mapping");
    } else {
        summary.push_str(" (no --sslcert given: mappings unknown)");
    }
    write_summary(out, &summary, style)
}

/// The summary under a table, wrapped to the width.
fn write_summary(out: &mut impl Write, summary: &str, style: &Style) -> io::Result<()> {
    writeln!(out)?;
    for line in crate::render::wrap(summary, style.wrap) {
        writeln!(out, "{}", style.paint(Colour::Dim, &line))?;
    }
    Ok(())
}

/// Prints `sslbind mappings`.
pub fn mappings(
    out: &mut impl Write,
    machine: &Machine,
    analysis: &Analysis,
    expiry: &Expiry,
    style: &Style,
) -> io::Result<()> {
    let mut table = Table::new(&["KIND", "KEY", "OWNER", "STATUS", "CERTIFICATE"], &[4, 2, 1]);
    let mut counts = std::collections::BTreeMap::new();
    let mut lapses = Lapses::default();
    for mapping_analysis in &analysis.mappings {
        *counts.entry(mapping_analysis.status.as_str()).or_insert(0) += 1;
        lapses
            .count(mapping_analysis.certificate.map(|position| expiry.status(machine.certificate(position))));
    }
    let mut position = 0;
    while position < analysis.mappings.len() {
        let run = reserved_run(machine, &analysis.mappings[position..]);
        let mapping_analysis = &analysis.mappings[position];
        let mapping = machine.mapping(mapping_analysis.mapping);
        let owner = match (mapping_analysis.owner, mapping.app_id) {
            (Some(owner), _) => owner.name().to_owned(),
            (None, Some(app_id)) => app_id.to_string(),
            (None, None) => "(no AppId)".to_owned(),
        };
        let status_colour = match mapping_analysis.status {
            MappingStatus::InUse => Colour::Green,
            MappingStatus::Fallback | MappingStatus::Reserved => Colour::Dim,
            MappingStatus::Idle => Colour::Yellow,
            MappingStatus::Foreign => Colour::Cyan,
        };
        let key = if run > 1 {
            let last = machine.mapping(analysis.mappings[position + run - 1].mapping);
            format!("{}-{}", mapping.key, last.key.port())
        } else {
            mapping.key.to_string()
        };
        let mut row = Row::new(vec![
            Cell::plain(mapping.key.kind().to_string()),
            Cell::plain(key),
            Cell::plain(owner),
            Cell::new(mapping_analysis.status.as_str().to_owned(), status_colour),
            certificate_cell(
                machine,
                mapping_analysis.certificate,
                mapping.certificate_hash,
                &mapping.key,
                true,
                expiry,
            ),
        ]);
        if run > 1 {
            row.notes.push(Cell::new(
                format!("{run} reserved mappings, one per port, same certificate"),
                Colour::Dim,
            ));
        }
        row.notes.extend(
            mapping_analysis.used_by.iter().map(|binding_ref| {
                Cell::plain(format!("used by {}", describe_binding(machine, *binding_ref)))
            }),
        );
        if mapping.truncated {
            row.notes.push(Cell::new(
                "record cut short in the source: fields may be missing".to_owned(),
                Colour::Yellow,
            ));
        }
        table.rows.push(row);
        position += run;
    }
    table.write(out, style)?;
    let breakdown = counts.iter().map(|(status, n)| format!("{n} {status}")).collect::<Vec<_>>().join(", ");
    let mut summary = format!("{}: {breakdown}", plural(analysis.mappings.len(), "mapping"));
    let lapsed: Vec<String> = [
        (lapses.expired, "with an expired certificate".to_owned()),
        (lapses.expiring, expiry.expiring_within()),
        (lapses.not_yet_valid, "with a certificate not yet valid".to_owned()),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if !lapsed.is_empty() {
        let _ = write!(summary, "; {}", lapsed.join(", "));
    }
    if machine.configs.is_empty() {
        summary.push_str(" (no config given: no binding can use a mapping, so none is in use)");
    }
    write_summary(out, &summary, style)
}

/// How many listed rows have a certificate that clients refuse or soon will.
#[derive(Default)]
struct Lapses {
    expired: usize,
    expiring: usize,
    not_yet_valid: usize,
}

impl Lapses {
    fn count(&mut self, status: Option<CertificateStatus>) {
        match status {
            Some(CertificateStatus::Expired) => self.expired += 1,
            Some(CertificateStatus::Expiring) => self.expiring += 1,
            Some(CertificateStatus::NotYetValid) => self.not_yet_valid += 1,
            Some(CertificateStatus::Valid) | None => {}
        }
    }
}

/// How many mappings from the start of `rest` form one run of IIS Express reserved mappings
/// (consecutive ports, one address, one certificate, one owner), shown as one row; at least 1.
fn reserved_run(machine: &Machine, rest: &[MappingAnalysis]) -> usize {
    let Some(first) = rest.first() else { return 0 };
    let first_mapping = machine.mapping(first.mapping);
    let MappingKey::Ip(first_address) = first_mapping.key else {
        return 1;
    };
    if first.status != MappingStatus::Reserved {
        return 1;
    }
    let mut run = 1;
    for next in &rest[1..] {
        let mapping = machine.mapping(next.mapping);
        let consecutive = matches!(mapping.key, MappingKey::Ip(address)
            if address.ip() == first_address.ip() && usize::from(address.port()) == usize::from(first_address.port()) + run);
        if next.status != MappingStatus::Reserved
            || !consecutive
            || mapping.certificate_hash != first_mapping.certificate_hash
            || mapping.app_id != first_mapping.app_id
        {
            break;
        }
        run += 1;
    }
    run
}

/// The certificate's name, its validity in words (`to 2027-01-01`, `expired 2026-01-10`,
/// `expires in 12 days`) and, for mappings, its thumbprint. The validity is kept
/// whole when the column is shortened: it is what the colour says, in text.
fn certificate_cell(
    machine: &Machine,
    certificate: Option<CertificateId>,
    hash: Option<Thumbprint>,
    key: &MappingKey,
    show_thumbprint: bool,
    expiry: &Expiry,
) -> Cell {
    if let Some(position) = certificate {
        let certificate = machine.certificate(position);
        let name = match certificate.dns_names.as_slice() {
            [] => certificate.common_name.clone().unwrap_or_else(|| certificate.subject.clone()),
            [only] => only.clone(),
            [first, rest @ ..] => format!("{first} +{}", rest.len()),
        };
        let mut suffix = format!(" ({})", expiry.note(certificate));
        if show_thumbprint {
            let _ = write!(suffix, " {}", short_hash(&certificate.thumbprint));
        }
        let colour = match expiry.status(certificate) {
            CertificateStatus::Valid => None,
            CertificateStatus::Expiring => Some(Colour::Yellow),
            CertificateStatus::Expired | CertificateStatus::NotYetValid => Some(Colour::Red),
        };
        return Cell { keep: suffix.len(), text: name + &suffix, colour };
    }
    match hash {
        Some(hash) if machine.certificates_known => {
            Cell::new(format!("{} (not among the certificates given)", short_hash(&hash)), Colour::Red)
        }
        Some(hash) => Cell::plain(short_hash(&hash)),
        None if matches!(key, MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. }) => {
            Cell::plain("from the CCS folder".to_owned())
        }
        None => Cell::new("(no hash)".to_owned(), Colour::Red),
    }
}

fn short_hash(hash: &Thumbprint) -> String {
    let text = hash.to_string();
    format!("{}…", &text[..8])
}

/// The bindings table's short name for an `sslFlags` name.
fn short_flag(name: &str) -> &str {
    SSL_FLAGS.iter().find(|info| info.name == name).map_or(name, |info| info.short)
}

struct Cell {
    text: String,
    colour: Option<Colour>,
    /// How many bytes at the end survive shortening (the text before them is cut).
    keep: usize,
}

impl Cell {
    fn plain(text: String) -> Cell {
        Cell { text, colour: None, keep: 0 }
    }

    fn new(text: String, colour: Colour) -> Cell {
        Cell { text, colour: Some(colour), keep: 0 }
    }

    /// The end that survives shortening.
    fn kept(&self) -> &str {
        self.text.get(self.text.len().saturating_sub(self.keep)..).unwrap_or_default()
    }
}

struct Row {
    cells: Vec<Cell>,
    /// Lines printed under the row, from the table's note column on.
    notes: Vec<Cell>,
    /// A heading row: its one cell is printed alone, unindented, outside the columns.
    heading: bool,
}

impl Row {
    fn new(cells: Vec<Cell>) -> Row {
        Row { cells, notes: Vec::new(), heading: false }
    }

    fn heading(text: String) -> Row {
        Row { cells: vec![Cell::new(text, Colour::Bold)], notes: Vec::new(), heading: true }
    }
}

struct Table {
    headers: Vec<&'static str>,
    /// Spaces before every non-heading line (set when the table has heading rows).
    indent: usize,
    /// The column notes start under.
    note_column: usize,
    /// Columns that may be shortened to fit, most expendable first.
    shrinkable: Vec<usize>,
    rows: Vec<Row>,
}

const GAP: usize = 2;

impl Table {
    fn new(headers: &[&'static str], shrinkable: &[usize]) -> Table {
        Table {
            headers: headers.to_vec(),
            indent: 0,
            note_column: 2,
            shrinkable: shrinkable.to_vec(),
            rows: Vec::new(),
        }
    }

    fn widths(&self, max_width: usize) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|header| text::width(header)).collect();
        for row in self.rows.iter().filter(|row| !row.heading) {
            for (width, cell) in widths.iter_mut().zip(&row.cells) {
                *width = (*width).max(text::width(&cell.text));
            }
        }
        let indent = self.indent;
        let total =
            |widths: &[usize]| indent + widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1);
        for &column in &self.shrinkable {
            let excess = total(&widths).saturating_sub(max_width);
            if excess == 0 {
                break;
            }
            // A cell's kept end (a certificate's validity) stays whole, after a few characters.
            let kept = self
                .rows
                .iter()
                .filter(|row| !row.heading)
                .filter_map(|row| row.cells.get(column))
                .map(|cell| if cell.keep > 0 { text::width(cell.kept()) + 4 } else { 0 })
                .max()
                .unwrap_or(0);
            let floor = text::width(self.headers[column]).max(8).max(kept);
            widths[column] = widths[column].saturating_sub(excess).max(floor);
        }
        widths
    }

    fn write(&self, out: &mut impl Write, style: &Style) -> io::Result<()> {
        if self.rows.is_empty() {
            return writeln!(out, "{}", style.paint(Colour::Dim, "(nothing to show)"));
        }
        let widths = self.widths(style.width);
        let header_cells: Vec<Cell> =
            self.headers.iter().map(|header| Cell::new((*header).to_owned(), Colour::Bold)).collect();
        let margin = " ".repeat(self.indent);
        write!(out, "{margin}")?;
        write_line(out, &header_cells, &widths, style)?;
        let note_indent: usize =
            self.indent + widths.iter().take(self.note_column).map(|width| width + GAP).sum::<usize>();
        for row in &self.rows {
            if row.heading {
                let text = fit(&row.cells[0].text, style.width);
                writeln!(out, "{}", style.paint(Colour::Bold, &text))?;
                continue;
            }
            write!(out, "{margin}")?;
            write_line(out, &row.cells, &widths, style)?;
            for note in &row.notes {
                let available = style.width.saturating_sub(note_indent + 2);
                let text = fit(&note.text, available);
                let painted = note.colour.map_or_else(|| text.clone(), |colour| style.paint(colour, &text));
                writeln!(out, "{}↳ {painted}", " ".repeat(note_indent))?;
            }
        }
        Ok(())
    }
}

fn write_line(out: &mut impl Write, cells: &[Cell], widths: &[usize], style: &Style) -> io::Result<()> {
    let mut line = String::new();
    let last_non_empty = cells.iter().rposition(|cell| !cell.text.is_empty()).unwrap_or(0);
    for (position, (cell, &width)) in cells.iter().zip(widths).enumerate().take(last_non_empty + 1) {
        let shown = fit_keeping(cell, width);
        let padding =
            if position == last_non_empty { 0 } else { width.saturating_sub(text::width(&shown)) + GAP };
        let painted = cell.colour.map_or_else(|| shown.clone(), |colour| style.paint(colour, &shown));
        line.push_str(&painted);
        line.push_str(&" ".repeat(padding));
    }
    writeln!(out, "{line}")
}

/// The cell cut to `width` columns like [`fit`], but cut before its kept end
/// (`name… (expired 2026-01-10)`) when there is room for that end and one more column.
fn fit_keeping(cell: &Cell, width: usize) -> String {
    let kept = cell.kept();
    let kept_width = text::width(kept);
    if text::width(&cell.text) <= width || cell.keep == 0 || kept_width >= width {
        return fit(&cell.text, width);
    }
    let head = &cell.text[..cell.text.len() - kept.len()];
    format!("{}{kept}", fit(head, width - kept_width))
}

//! The reader for saved `netsh int ipv4 show excludedportrange protocol=tcp` output (and its
//! `ipv6` twin).
//!
//! Windows keeps excluded port ranges from every program: Hyper-V and WinNAT take blocks of
//! dynamic ports at boot, and an IIS binding on a port inside one fails to start with no
//! better hint than "the process cannot access the file". The output's headings and footer
//! are localised, so this reader relies on the numeric rows alone (`start end`, optionally
//! followed by the `*` that marks an administered exclusion). Headings (text lines without
//! digits followed by the table), rules and the `*` footer are skipped silently; anything else
//! is skipped with a warning.
//!
//! The output reaches sslbind pasted into notes, scripts and issues as often as saved by
//! redirection, so a row may carry a comment, quote or list marker before it (`#`, `//`, `;`,
//! `>`, Markdown table bars, bullets) and an author's annotation after it (`<- 8000 falls here!`): both are
//! removed with a warning, as long as the annotation does not start with a number, which would
//! make the row ambiguous.

use std::sync::Arc;

use crate::httpsys::netsh::{is_prompt, is_rule};
use crate::httpsys::urlacl::first_column;
use crate::model::reservation::ExcludedPortRange;
use crate::model::source::{Closing, Location, Origin, SourceError, SourceWarning, Warnings};
use crate::text;
use crate::text::{quote, to_u32};

/// The ranges found in saved `excludedportrange` output, with what was skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExcludedPortsRead {
    /// One range per numeric row, in the order of the file.
    pub ranges: Vec<ExcludedPortRange>,
    /// Noise skipped and rows not understood, ordered by line.
    pub warnings: Vec<SourceWarning>,
}

/// Reads saved `netsh int ipv4|ipv6 show excludedportrange protocol=tcp` output; several
/// outputs pasted one after another are read as one list.
///
/// `path` names the source in locations; `bytes` is the file as saved, in any encoding
/// `text::decode` knows. Never fails today: the `Result` leaves room for refusing input that
/// could only be read by guessing, as the other readers do.
pub fn read_excluded_ports(path: &Arc<str>, bytes: &[u8]) -> Result<ExcludedPortsRead, SourceError> {
    let decoded = text::decode(bytes);
    let mut read = ExcludedPortsRead::default();
    let mut noise: Vec<(u32, u32, String)> = Vec::new();
    // Text lines without digits: a heading when the table (a rule or a row) follows them,
    // noise otherwise.
    let mut pending: Vec<(u32, u32, String)> = Vec::new();
    // A comment marker is reported once, at the first row that carries it.
    let mut warned_marker = false;
    if decoded.lossy {
        noise.push((
            1,
            1,
            "the file is not valid UTF-8 or UTF-16: invalid bytes were replaced with U+FFFD".to_owned(),
        ));
    }
    for (index, raw) in decoded.text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim();
        let number = to_u32(index.saturating_add(1));
        let column = first_column(line);
        if trimmed.is_empty() {
            continue;
        }
        // The same line without a comment or quote marker, when it has one.
        let body = undecorated(trimmed);
        if is_prompt(trimmed) || is_prompt(body) {
            noise.append(&mut pending);
            noise.push((number, column, format!("command prompt skipped: `{}`", quote(trimmed))));
            continue;
        }
        if is_rule(body) {
            pending.clear();
            continue;
        }
        // The footer (`* - Administered port exclusions.` in any language), or a bare marker.
        if body.is_empty() || body.starts_with('*') {
            continue;
        }
        match row(body) {
            Some(Row { start, end, .. }) if start > end => {
                pending.clear();
                noise.push((
                    number,
                    column,
                    format!("range `{}` ends before it starts, skipped", quote(trimmed)),
                ));
            }
            Some(Row { start, end, administered, annotation }) => {
                pending.clear();
                if body.len() != trimmed.len() && !warned_marker {
                    warned_marker = true;
                    let marker = trimmed.get(..trimmed.len() - body.len()).unwrap_or_default().trim();
                    noise.push((
                        number,
                        column,
                        format!(
                            "the rows carry the marker `{}` (a comment or quote?); it was removed",
                            quote(marker)
                        ),
                    ));
                }
                if !annotation.is_empty() {
                    noise.push((
                        number,
                        column,
                        format!("text after the range {start}-{end} ignored: `{}`", quote(annotation)),
                    ));
                }
                read.ranges.push(ExcludedPortRange {
                    start,
                    end,
                    administered,
                    origin: Origin::File(Location::new(path, number, column)),
                });
            }
            _ if !trimmed.contains(|c: char| c.is_ascii_digit()) => {
                pending.push((number, column, format!("not a port range, skipped: `{}`", quote(trimmed))));
            }
            _ => {
                noise.append(&mut pending);
                noise.push((number, column, format!("not a port range, skipped: `{}`", quote(trimmed))));
            }
        }
    }
    noise.append(&mut pending);
    // Headings are only known to be noise once the lines after them are read, so the noise
    // is listed in the order of the file rather than in the order it was found.
    noise.sort_by_key(|(line, column, _)| (*line, *column));
    let start = Location::new(path, 1, 1);
    let mut warnings = Warnings::new(usize::MAX, Warnings::NOISE_LIMIT, Closing::Noise { start });
    for (line, column, message) in noise {
        warnings.noise(Location::new(path, line, column), message);
    }
    read.warnings = warnings.finish();
    Ok(read)
}

/// A row of the table: two ports, the `*` of an administered exclusion, and what an author
/// wrote after them.
struct Row<'t> {
    start: u16,
    end: u16,
    administered: bool,
    annotation: &'t str,
}

/// `body` as a row, if it starts with two ports. What follows them (after an optional `*`) is
/// an annotation, unless it starts with a digit: `1 2 3` is no row.
fn row(body: &str) -> Option<Row<'_>> {
    let (first, rest) = next_cell(body);
    let (second, rest) = next_cell(rest);
    let (start, end) = (port(first)?, port(second)?);
    let (third, after_star) = next_cell(rest);
    let (administered, annotation) = if third == "*" { (true, after_star) } else { (false, rest) };
    let annotation = annotation.trim_matches(|c: char| c.is_whitespace() || c == '|');
    if annotation.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(Row { start, end, administered, annotation })
}

/// The first cell of `text` (cells are separated by whitespace or Markdown table bars) and the
/// text after it.
fn next_cell(text: &str) -> (&str, &str) {
    let separator = |c: char| c.is_whitespace() || c == '|';
    let text = text.trim_start_matches(separator);
    let end = text.find(separator).unwrap_or(text.len());
    (text.get(..end).unwrap_or_default(), text.get(end..).unwrap_or_default())
}

/// `trimmed` without the comment, quote or list markers pasted rows carry: `#`, `//`, `;`, `>`,
/// a Markdown table's leading `|`, and a bullet (`-` or `•` before a space), with the spaces
/// after them. A rule (`----------`) keeps its dashes.
fn undecorated(trimmed: &str) -> &str {
    let mut rest = trimmed;
    loop {
        let stripped =
            rest.trim_start_matches(|c: char| matches!(c, '#' | '/' | ';' | '>' | '|') || c.is_whitespace());
        let stripped = ["- ", "• ", "-\t", "•\t"]
            .iter()
            .find_map(|bullet| stripped.strip_prefix(bullet))
            .unwrap_or(stripped);
        if stripped.len() == rest.len() {
            return rest;
        }
        rest = stripped;
    }
}

/// A port written as digits only, 0 to 65535 (netsh prints ranges starting at 0 never, but
/// a 0 is kept rather than refused).
fn port(field: &str) -> Option<u16> {
    field.bytes().all(|b| b.is_ascii_digit()).then(|| field.parse().ok()).flatten()
}

//! Turning analysis results into what users read: aligned tables for people, JSON for
//! programs. Nothing here decides anything about IIS or HTTP.sys; it only shows.

pub mod findings;
pub mod json;
pub mod plan;
pub mod probe;
pub mod reservations;
pub mod resolve;
pub mod sarif;
pub mod table;

use std::io::{self, IsTerminal, Write};

use sslbind_core::SourceWarning;
use sslbind_core::model::{Certificate, CertificateStatus};
use time::OffsetDateTime;

/// Standard output, buffered: Rust's own stdout flushes at every line end, which on a server
/// with thousands of findings turns one report into tens of thousands of writes. Callers
/// flush it when done so that a write error is reported, not lost in a drop.
pub fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// How to print for people: colours, and the width to fit.
#[derive(Clone, Debug)]
pub struct Style {
    /// Whether to use ANSI colours.
    pub colour: bool,
    /// The widest line to print.
    pub width: usize,
}

impl Style {
    /// Colour only on a terminal and never when `NO_COLOR` is set (no-color.org); width
    /// from `COLUMNS` when a terminal sets it, else 100.
    pub fn for_stdout() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let colour = io::stdout().is_terminal() && !no_color;
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|columns| columns.parse::<usize>().ok())
            .filter(|&columns| columns >= 60)
            .unwrap_or(100);
        Style { colour, width }
    }

    /// `text` in `colour` when colours are on.
    pub fn paint(&self, colour: Colour, text: &str) -> String {
        if !self.colour || text.is_empty() {
            return text.to_owned();
        }
        format!("\x1b[{}m{text}\x1b[0m", colour.code())
    }
}

/// The few colours sslbind uses, each for one meaning.
#[derive(Clone, Copy, Debug)]
pub enum Colour {
    /// Working as intended.
    Green,
    /// Worth a look.
    Yellow,
    /// Broken.
    Red,
    /// Someone else's.
    Cyan,
    /// Secondary detail.
    Dim,
    /// Headings.
    Bold,
}

impl Colour {
    fn code(self) -> &'static str {
        match self {
            Colour::Green => "32",
            Colour::Yellow => "33",
            Colour::Red => "31",
            Colour::Cyan => "36",
            Colour::Dim => "2",
            Colour::Bold => "1",
        }
    }
}

/// When the listings judge certificates (`--now`, else the clock) and how close an end date
/// is worth a mark (`--expiry-days`).
#[derive(Clone, Copy, Debug)]
pub struct Expiry {
    /// The moment certificates are judged at.
    pub now: OffsetDateTime,
    /// Certificates ending within this many days are `expiring`.
    pub days: u32,
}

impl Expiry {
    /// `certificate`'s status at `now`.
    pub fn status(&self, certificate: &Certificate) -> CertificateStatus {
        certificate.status(self.now, self.days)
    }

    /// `certificate`'s validity in a few words: `to 2027-01-01`, `expired 2026-01-10`, …
    pub fn note(&self, certificate: &Certificate) -> String {
        certificate.validity_note(self.now, self.days)
    }

    /// "expiring within 30 days".
    pub fn expiring_within(&self) -> String {
        match self.days {
            1 => "expiring within 1 day".to_owned(),
            days => format!("expiring within {days} days"),
        }
    }
}

/// Prints source warnings to `out` (standard error), one per line.
pub fn warnings(out: &mut impl Write, warnings: &[SourceWarning]) -> io::Result<()> {
    for warning in warnings {
        writeln!(out, "warning: {warning}")?;
    }
    Ok(())
}

/// `text` broken into lines of at most `width` characters at spaces (a longer word gets a
/// line of its own).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

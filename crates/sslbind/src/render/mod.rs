//! Turning analysis results into what users read: aligned tables for people, JSON for
//! programs. Nothing here decides anything about IIS or HTTP.sys; it only shows.

pub mod csv;
pub mod findings;
pub mod fleet;
pub mod json;
pub mod output;
pub mod plan;
pub mod probe;
pub mod report;
pub mod reservations;
pub mod resolve;
pub mod sarif;
pub mod summary;
pub mod table;
pub mod text;
pub mod usage;

use std::fmt::Display;
use std::io::{self, Write};

use sslbind_core::SourceWarning;
use sslbind_core::model::{Certificate, CertificateStatus};
use time::OffsetDateTime;

pub use output::{Colour, Style, quiet, stdout};
pub use text::{plural, wrap};

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
        format!("expiring within {}", plural(self.days as usize, "day"))
    }
}

/// Prints source warnings to `out` (standard error), one per line, unless `--quiet`.
pub fn warnings(out: &mut impl Write, warnings: &[SourceWarning]) -> io::Result<()> {
    for warning in warnings {
        self::warning(out, warning)?;
    }
    Ok(())
}

/// Prints one warning to `out` (standard error), unless `--quiet`.
pub fn warning(out: &mut impl Write, message: impl Display) -> io::Result<()> {
    if quiet() {
        return Ok(());
    }
    writeln!(out, "warning: {message}")
}

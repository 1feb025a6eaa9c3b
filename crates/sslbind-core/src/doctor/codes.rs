//! What the registry of finding codes holds for each code: its [`Rule`] (stable name,
//! default [`Severity`], summary, explanation, check and [`Repair`]), and the lookups on
//! [`Code`] that read it.
//!
//! The registry itself is one table in `rules/mod.rs`, one row per code next to the rule
//! files it names, so a code cannot exist without every one of these properties.
//! Codes are stable: they appear in scripts, `--allow` lists and SARIF baselines. A code is
//! never renamed or reused; retiring one means keeping its name in the table.

use std::fmt;

pub use crate::doctor::rules::Code;
use crate::doctor::{Context, Finding};

/// How serious a finding is.
// Not `#[non_exhaustive]`: the binary maps each severity to a colour and a SARIF level, and
// those matches must fail to compile when a severity is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; nothing is broken.
    Info,
    /// Probably wrong, or about to break.
    Warning,
    /// Broken: clients get a reset, the wrong certificate, or an invalid one.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning` or `info`.
    pub fn parse(text: &str) -> Option<Severity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "note" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a code's fix may be carried out without a person reading it first, by what its
/// commands do (the fixes of one code all do the same kind of thing; what differs between
/// them is the mapping, binding or certificate they name).
///
/// Whatever a code's repair, a fix whose commands hold a placeholder (`<THUMBPRINT>`,
/// `<PASSWORD>`, `<FILE>`, `<IP>`) needs a person, and is never carried out as it is.
// Not `#[non_exhaustive]`: the rule tests check what each repair promises of the fixes, and
// must fail to compile when a repair is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Repair {
    /// The commands make the machine do what its configuration already says, with the same
    /// certificate: they choose nothing (no other certificate, binding value, permission or
    /// port) and take nothing away that is in use. Fit to run unattended.
    Safe,
    /// The commands choose something on the person's behalf (a certificate, flags, a
    /// permission, a port) or take away something that may be in use (a mapping, a binding,
    /// a reservation, an exclusion): shown, and run only when the person asks.
    Unsafe,
    /// No commands: the fix is a manual step, or the code has no fix.
    None,
}

impl Repair {
    /// `safe`, `unsafe` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Repair::Safe => "safe",
            Repair::Unsafe => "unsafe",
            Repair::None => "none",
        }
    }
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A static rule's check: reads the context, appends findings.
pub type Check = fn(&Context<'_>, &mut Vec<Finding>);

/// One row of the registry: everything about one code.
#[derive(Debug)]
#[non_exhaustive]
pub struct Rule {
    /// The code the row is about.
    pub code: Code,
    /// The stable kebab-case name.
    pub name: &'static str,
    /// The severity before user overrides.
    pub severity: Severity,
    /// One line saying when the code fires.
    pub summary: &'static str,
    /// The paragraph `sslbind explain CODE` prints (from the rule's file).
    pub explanation: &'static str,
    /// The check `doctor` runs over the saved state; `None` for the codes only `sslbind
    /// probe` finds, from live handshakes (`doctor::probe`).
    pub check: Option<Check>,
    /// Whether its fix may run unattended.
    pub repair: Repair,
}

impl Code {
    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        self.rule().name
    }

    /// The severity before user overrides.
    pub fn default_severity(self) -> Severity {
        self.rule().severity
    }

    /// One line saying when the code fires.
    pub fn summary(self) -> &'static str {
        self.rule().summary
    }

    /// The paragraph `sslbind explain CODE` prints.
    pub fn explanation(self) -> &'static str {
        self.rule().explanation
    }

    /// Whether the code's fix may run unattended.
    pub fn repair(self) -> Repair {
        self.rule().repair
    }

    /// Parses a code name.
    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

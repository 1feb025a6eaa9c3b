//! What the registry of finding codes holds for each code: its [`Rule`] (stable name,
//! default [`Severity`], summary, explanation, check, and [`Repair`] with its reason), and
//! the lookups on [`Code`] that read it.
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

/// What `sslbind doctor --fix` does about a code's findings: repair them unattended, repair
/// them only when asked (`--unsafe-fixes`), or leave them to a person.
///
/// The column states what to expect; it is not what decides. The repair engine decides per
/// finding by analysing the machine its plan leaves, so a finding of a safe code is repaired
/// as unsafe (or not at all) when that analysis shows another binding would get a different
/// mapping or certificate, a client served today would be refused, or the fix touches a
/// port's fallback mapping for clients without SNI. Mappings owned by other programs and
/// IIS Express's reserved mappings are never touched, whatever the code. A code whose
/// repair needs a certificate is repaired only when the machine has one the one rule
/// (`analysis::choice`) accepts; otherwise the finding is left unfixed with the reason.
// Not `#[non_exhaustive]`: the binary renders each repair, and the rule tests check what
// each one promises; those matches must fail to compile when a repair is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Repair {
    /// `--fix` repairs it: the plan changes only what the finding is about (the binding's
    /// own mapping, an idle mapping, a repeated binding line) and keeps every other setting.
    Safe,
    /// Only `--unsafe-fixes` repairs it: the repair changes what other bindings or clients
    /// get (a shared end point split, `sslFlags` changed).
    Unsafe,
    /// Never repaired automatically: the repair needs a decision or something only a person
    /// has (a host name, a `.pfx` file, another program's mapping); the fix text says what to
    /// do.
    Manual,
}

impl Repair {
    /// `safe`, `unsafe` or `manual`.
    pub fn as_str(self) -> &'static str {
        match self {
            Repair::Safe => "safe",
            Repair::Unsafe => "unsafe",
            Repair::Manual => "manual",
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
    /// What `sslbind doctor --fix` does about its findings.
    pub repair: Repair,
    /// One sentence: what the repair does, or why it is left to a person.
    pub repair_why: &'static str,
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

    /// What `sslbind doctor --fix` does about the code's findings.
    pub fn repair(self) -> Repair {
        self.rule().repair
    }

    /// What the repair does, or why it is left to a person.
    pub fn repair_why(self) -> &'static str {
        self.rule().repair_why
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

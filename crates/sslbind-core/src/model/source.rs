//! Where facts come from, and what went wrong reading them.
//!
//! Every site, binding, mapping and certificate remembers its origin so that a finding can
//! point the user at the line to look at. Soft problems are [`SourceWarning`]s carried beside
//! the values; hard ones are a [`SourceError`], which the binary turns into exit code 2.

use std::fmt;
use std::sync::Arc;

/// A place in a named source.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The name the caller gave the source, usually its path.
    pub path: Arc<str>,
    /// Where in it.
    pub position: Position,
}

/// Where in a source: a line and column in text, or a byte offset in a binary file (a
/// registry hive), which has no lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Position {
    /// One-based line and column, the column counted in characters.
    LineColumn {
        /// One-based line.
        line: u32,
        /// One-based column, counted in characters.
        column: u32,
    },
    /// Offset from the start of a binary file, in bytes.
    ByteOffset(u64),
    /// The source as a whole, with no place in it (a fact read from an API, not a file).
    Whole,
}

impl Location {
    /// A location in the text `path` at `line`, `column`.
    pub fn new(path: &Arc<str>, line: u32, column: u32) -> Location {
        Location { path: Arc::clone(path), position: Position::LineColumn { line, column } }
    }

    /// The source `path` as a whole.
    pub fn whole(path: &Arc<str>) -> Location {
        Location { path: Arc::clone(path), position: Position::Whole }
    }

    /// A location in the binary file `path` at byte `offset`.
    pub fn at_byte(path: &Arc<str>, offset: u64) -> Location {
        Location { path: Arc::clone(path), position: Position::ByteOffset(offset) }
    }

    /// The line and column, for a location in text.
    pub fn line_column(&self) -> Option<(u32, u32)> {
        match self.position {
            Position::LineColumn { line, column } => Some((line, column)),
            Position::ByteOffset(_) | Position::Whole => None,
        }
    }
}

/// `path:line:column` in text, `path: at byte N` in a binary file.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Position::LineColumn { line, column } => write!(f, "{}:{line}:{column}", self.path),
            Position::ByteOffset(offset) => write!(f, "{}: at byte {offset}", self.path),
            Position::Whole => write!(f, "{}", self.path),
        }
    }
}

/// Where one fact came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// A line of a file (or other named input).
    File(Location),
    /// Read from the running machine's own APIs.
    Live,
    /// Made by a plan: a mapping that does not exist yet.
    Planned,
}

impl Origin {
    /// The file location, if the fact came from a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Origin::File(location) => Some(location),
            Origin::Live | Origin::Planned => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(location) => match location.position {
                Position::LineColumn { line, .. } => write!(f, "{}:{line}", location.path),
                Position::ByteOffset(_) | Position::Whole => write!(f, "{location}"),
            },
            Origin::Live => f.write_str("live"),
            Origin::Planned => f.write_str("planned"),
        }
    }
}

/// A problem in a source that did not stop it from being read: noise that was skipped, a
/// record cut short, a value that could not be understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceWarning {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong and what was done about it, as a sentence fragment without a period.
    pub message: String,
}

impl fmt::Display for SourceWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Input that cannot be read without guessing: malformed XML, an invalid HTTP binding, a
/// localised file whose fields cannot be placed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct SourceError {
    /// What kind of problem it is, for callers that act on it.
    pub kind: SourceErrorKind,
    /// Where reading stopped.
    pub location: Location,
    /// What is wrong.
    pub message: String,
}

/// What kind of problem stopped a source from being read. Callers match it to add what only
/// they know (the binary names the option that would help); the message says the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SourceErrorKind {
    /// The bytes are not the format expected, or break its rules.
    Invalid,
    /// Saved `netsh` output whose labels are localised beyond what can be read safely (also
    /// when no record could be read from lines shaped like records' fields): reading the
    /// HTTP.sys store another way helps.
    Localised,
    /// Text with lines shaped like netsh records, from which no record could be read because
    /// their keys are not keys.
    NoRecord,
    /// A PKCS#12 (PFX) file whose password is wrong or missing.
    PfxPassword,
    /// A PKCS#12 (PFX) file that could not be read, perhaps for want of its password.
    PfxUnreadable,
}

impl SourceError {
    /// An [`SourceErrorKind::Invalid`] error at `path:line:column`.
    pub fn new(path: &Arc<str>, line: u32, column: u32, message: impl Into<String>) -> SourceError {
        SourceError::at(Location::new(path, line, column), message)
    }

    /// An [`SourceErrorKind::Invalid`] error at `location`.
    pub fn at(location: Location, message: impl Into<String>) -> SourceError {
        SourceError { kind: SourceErrorKind::Invalid, location, message: message.into() }
    }

    /// The same error, of `kind`.
    #[must_use]
    pub fn with_kind(self, kind: SourceErrorKind) -> SourceError {
        SourceError { kind, ..self }
    }
}

/// The warnings of one read, listed up to a limit and then only counted: a megabyte of
/// garbage must not become a million warnings. Every reader collects its warnings here, so
/// that the limits and the closing warning that counts the rest are the same everywhere.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Warnings {
    listed: Vec<SourceWarning>,
    /// How many warnings of any kind are listed.
    limit: usize,
    /// How many warnings about noise lines (see [`Warnings::noise`]) are listed.
    noise_limit: usize,
    noise_listed: usize,
    unlisted: usize,
    first_unlisted: Option<Location>,
    closing: Closing,
}

/// How a list of warnings that hit its limit ends.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Closing {
    /// Listed in the order of the file, then `N more warnings from here on are not listed` at
    /// the first one not listed: for text sources whose warnings of every kind are limited.
    FromHere,
    /// Listed in the order of the file, then `N more lines of noise were skipped without a
    /// warning each` at `start`: for text sources where only noise lines are limited.
    Noise {
        /// Where the closing warning points (the start of the file).
        start: Location,
    },
    /// Listed in the order they were met, then `N more problems were found and not listed;
    /// the hive is badly damaged` at `start`: for binary sources, whose damage repeats.
    Damaged {
        /// Where the closing warning points (the start of the file).
        start: Location,
    },
}

impl Warnings {
    /// How many warnings of any kind a read lists by default.
    pub const LIMIT: usize = 1000;
    /// How many warnings about noise lines (prompts, stray text, unknown labels) a read lists
    /// by default: these multiply in garbage, so they have a smaller budget.
    pub const NOISE_LIMIT: usize = 100;

    /// A list of at most `limit` warnings, of which at most `noise_limit` about noise,
    /// ending as `closing` says.
    pub fn new(limit: usize, noise_limit: usize, closing: Closing) -> Warnings {
        Warnings {
            listed: Vec::new(),
            limit,
            noise_limit,
            noise_listed: 0,
            unlisted: 0,
            first_unlisted: None,
            closing,
        }
    }

    /// Adds a warning, or counts it when the list is full.
    pub fn push(&mut self, location: Location, message: String) {
        if self.listed.len() >= self.limit {
            self.unlist(location);
            return;
        }
        self.listed.push(SourceWarning { location, message });
    }

    /// Adds a warning about one line of noise, or counts it when the noise budget or the list
    /// is full.
    pub fn noise(&mut self, location: Location, message: String) {
        if self.noise_listed >= self.noise_limit {
            self.unlist(location);
            return;
        }
        self.noise_listed += 1;
        self.push(location, message);
    }

    fn unlist(&mut self, location: Location) {
        self.unlisted += 1;
        self.first_unlisted.get_or_insert(location);
    }

    /// The warnings listed, with the closing warning that counts the rest if any were not.
    pub fn finish(self) -> Vec<SourceWarning> {
        let Warnings { mut listed, unlisted, first_unlisted, closing, .. } = self;
        if !matches!(closing, Closing::Damaged { .. }) {
            listed.sort_by_key(|warning| warning.location.position);
        }
        if unlisted > 0 {
            let (location, message) = match closing {
                Closing::FromHere => {
                    (first_unlisted, format!("{unlisted} more warnings from here on are not listed"))
                }
                Closing::Noise { start } => (
                    Some(start),
                    format!("{unlisted} more lines of noise were skipped without a warning each"),
                ),
                Closing::Damaged { start } => (
                    Some(start),
                    format!("{unlisted} more problems were found and not listed; the hive is badly damaged"),
                ),
            };
            listed.extend(location.map(|location| SourceWarning { location, message }));
        }
        listed
    }
}

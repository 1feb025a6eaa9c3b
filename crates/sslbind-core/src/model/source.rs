//! Where facts come from, and what went wrong reading them.
//!
//! Every site, binding, mapping and certificate remembers its origin so that a finding can
//! point the user at the line to look at. Soft problems are [`SourceWarning`]s carried beside
//! the values; hard ones are a [`SourceError`], which the binary turns into exit code 2.

use std::fmt;
use std::sync::Arc;

/// A position in a named source: one-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The name the caller gave the source, usually its path.
    pub path: Arc<str>,
    /// One-based line.
    pub line: u32,
    /// One-based column, counted in characters.
    pub column: u32,
}

impl Location {
    /// A location in `path` at `line`, `column`.
    pub fn new(path: &Arc<str>, line: u32, column: u32) -> Location {
        Location { path: Arc::clone(path), line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// Where one fact came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
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
            Origin::File(location) => write!(f, "{}:{}", location.path, location.line),
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
    /// Where reading stopped.
    pub location: Location,
    /// What is wrong.
    pub message: String,
}

impl SourceError {
    /// An error at `path:line:column`.
    pub fn new(path: &Arc<str>, line: u32, column: u32, message: impl Into<String>) -> SourceError {
        SourceError { location: Location::new(path, line, column), message: message.into() }
    }
}

/// The warnings of one read, listed up to a limit and then only counted: a megabyte of
/// garbage must not become a million warnings. Every reader collects its warnings here, so
/// that the limits and the closing warning that counts the rest are the same everywhere.
#[derive(Clone, Debug)]
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
            listed.sort_by_key(|warning| (warning.location.line, warning.location.column));
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

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

//! The reader for saved `netsh http show sslcert` output.
//!
//! netsh is the one tool every administrator has, so its output is what users attach to
//! tickets and paste into issues. But it was written for eyes: its labels are localised, its
//! field list grows with each Windows release, and by the time it reaches sslbind it has often
//! passed through a PowerShell transcript, a Markdown quote or an excerpt that cut it short.
//! This reader recovers the records by their structure (a key line starts a record, the field
//! lines after it belong to it), skips what is not netsh output with a warning, and refuses
//! localised output whose fields it could only place by guessing.
//!
//! A record is `truncated` when it lacks a `Negotiate Client Certificate` line (the last line
//! every Windows version prints; later builds add optional flag lines after it, so a record
//! missing only those is complete), when its last line is cut off in the middle, or when an
//! elision (`...`) follows it.

mod clean;
mod interpret;
mod keys;
mod labels;
mod line;
mod reader;
mod record;
mod values;

use std::sync::Arc;

use crate::model::mapping::Mapping;
use crate::model::source::{SourceError, SourceWarning};
use crate::text;
use clean::Cleaning;
pub use keys::parse_mapping_key;
pub(crate) use line::{is_prompt, is_rule};
use reader::Reader;

/// The mappings found in saved `netsh http show sslcert` output, with everything that was
/// skipped or could not be understood on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NetshRead {
    /// One mapping per record, in the order of the file.
    pub mappings: Vec<Mapping>,
    /// Noise skipped, values not understood and records cut short, ordered by line.
    pub warnings: Vec<SourceWarning>,
    /// Set when no record was read although lines shaped like parts of records were found
    /// (fields without a key line, records whose key is not one): why, at the first such
    /// line. An empty list would then say "no mappings" where the truth is "not understood",
    /// so callers that stand for the machine's HTTP.sys store refuse the file with this error.
    pub no_record_read: Option<SourceError>,
}

/// Reads saved `netsh http show sslcert` output.
///
/// `path` names the source in locations; `bytes` is the file as saved: UTF-8 with or without
/// a BOM, or UTF-16 with a BOM, with CRLF or LF line ends. Prompts, headers, Markdown quoting,
/// a prefix on every line (PowerShell's `VERBOSE: `), elisions and annotations are skipped with
/// warnings. Fails only for localised output whose fields cannot be placed by their shape.
pub fn read_netsh(path: &Arc<str>, bytes: &[u8]) -> Result<NetshRead, SourceError> {
    let decoded = text::decode(bytes);
    let mut reader = Reader::new(path);
    if decoded.lossy {
        reader.warn(
            1,
            1,
            "the file is not valid UTF-8 or UTF-16: invalid bytes were replaced with U+FFFD".to_owned(),
        );
    }
    let cleaning = Cleaning::detect(&decoded.text);
    if let Some((word, line)) = cleaning.prefix.zip(cleaning.first_prefixed_line) {
        reader.warn(
            line,
            1,
            format!("the lines carry the prefix `{word}:` (a PowerShell stream label?); it was removed"),
        );
    }
    reader.read(&decoded.text, &cleaning)?;
    Ok(reader.finish())
}

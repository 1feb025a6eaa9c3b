//! Undoing the wrapping that travelled with netsh output: Markdown quoting and a prefix on
//! every line (PowerShell's `VERBOSE: `), found in a first pass over the whole text so that the
//! main pass can undo it line by line.

use crate::text::to_u32;

/// How deeply nested Markdown quoting (`> > …`) is undone.
pub(super) const MAX_QUOTE_DEPTH: usize = 4;

/// What wraps every line of the file, found in a first pass so that the main pass can undo it
/// line by line without holding all lines in memory.
pub(super) struct Cleaning<'t> {
    /// Levels of `>` quoting on most lines.
    pub(super) quote_depth: usize,
    /// A `WORD:` prefix that most lines share (`VERBOSE`, `AUSFÜHRLICH`).
    pub(super) prefix: Option<&'t str>,
    /// The first line that carries the prefix, for the warning.
    pub(super) first_prefixed_line: Option<u32>,
    /// The index of the last line with content: only that line may be cut off mid-way.
    pub(super) last_content_line: Option<usize>,
}

impl<'t> Cleaning<'t> {
    pub(super) fn detect(text: &'t str) -> Cleaning<'t> {
        // Quoting counts only when most lines carry it: a single `> note` in a plain paste
        // is noise, not a quote of the whole block.
        let mut quote_depth = 0;
        while quote_depth < MAX_QUOTE_DEPTH {
            let (mut content, mut quoted) = (0usize, 0usize);
            for raw in lines(text) {
                let line = unquote(raw, quote_depth);
                if line.trim().is_empty() {
                    continue;
                }
                content += 1;
                if line.trim_start().starts_with('>') {
                    quoted += 1;
                }
            }
            if quoted == 0 || quoted * 2 <= content {
                break;
            }
            quote_depth += 1;
        }

        // A prefix must be shared by most lines; Boyer-Moore majority voting finds the only
        // candidate in one pass and constant memory, a second pass confirms it.
        let mut candidate: Option<&str> = None;
        let mut votes = 0usize;
        let mut last_content_line = None;
        for (index, raw) in lines(text).enumerate() {
            let line = unquote(raw, quote_depth);
            if line.trim().is_empty() {
                continue;
            }
            last_content_line = Some(index);
            let word = line_prefix(line).map(|(word, _)| word);
            if votes == 0 {
                candidate = word;
                votes = 1;
            } else if candidate == word {
                votes += 1;
            } else {
                votes -= 1;
            }
        }
        let mut prefix = None;
        let mut first_prefixed_line = None;
        if let Some(word) = candidate {
            let (mut content, mut carrying) = (0usize, 0usize);
            for (index, raw) in lines(text).enumerate() {
                let line = unquote(raw, quote_depth);
                if line.trim().is_empty() {
                    continue;
                }
                content += 1;
                if line_prefix(line).is_some_and(|(found, _)| found == word) {
                    carrying += 1;
                    first_prefixed_line.get_or_insert(line_number(index));
                }
            }
            if carrying * 2 > content {
                prefix = Some(word);
            } else {
                first_prefixed_line = None;
            }
        }
        Cleaning { quote_depth, prefix, first_prefixed_line, last_content_line }
    }

    /// `raw` without the quoting and prefix found on most lines.
    pub(super) fn clean<'l>(&self, raw: &'l str) -> &'l str {
        let line = unquote(raw, self.quote_depth);
        match (self.prefix, line_prefix(line)) {
            (Some(prefix), Some((word, rest))) if word == prefix => rest,
            _ => line,
        }
    }
}

/// The lines of `text` without their line ends (CRLF or LF).
pub(super) fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line))
}

pub(super) fn line_number(index: usize) -> u32 {
    to_u32(index.saturating_add(1))
}

/// `line` with up to `depth` levels of Markdown quoting (`>` and one optional space) removed.
pub(super) fn unquote(line: &str, depth: usize) -> &str {
    let mut line = line;
    for _ in 0..depth {
        match line.trim_start().strip_prefix('>') {
            Some(rest) => line = rest.strip_prefix(' ').unwrap_or(rest),
            None => break,
        }
    }
    line
}

/// The `WORD:` a line starts with, when followed by a space or nothing, and the rest of the
/// line after one space. netsh itself never writes such a line: its labels are padded before
/// the colon, and `IP:port` is followed by a letter, not a space.
pub(super) fn line_prefix(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim_start();
    let end = trimmed.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).unwrap_or(trimmed.len());
    let word = trimmed.get(..end).filter(|word| !word.is_empty())?;
    let rest = trimmed.get(end..)?.strip_prefix(':')?;
    let mut chars = rest.chars();
    match chars.next() {
        None => Some((word, rest)),
        Some(c) if c.is_whitespace() => Some((word, chars.as_str())),
        Some(_) => None,
    }
}

/// The column (one-based, in characters) at which `part`, a slice of `raw`, starts.
pub(super) fn column_of(raw: &str, part: &str) -> u32 {
    let offset = (part.as_ptr() as usize).saturating_sub(raw.as_ptr() as usize);
    raw.get(..offset).map_or(1, |before| to_u32(before.chars().count().saturating_add(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn prefixes_are_single_words_before_a_colon_and_space() {
        assert_eq!(line_prefix("VERBOSE: x"), Some(("VERBOSE", "x")));
        assert_eq!(line_prefix("AUSFÜHRLICH:"), Some(("AUSFÜHRLICH", "")));
        assert_eq!(line_prefix("IP:port : 0.0.0.0:443"), None);
        assert_eq!(line_prefix("Usage Check : Enabled"), None);
        assert_eq!(line_prefix("C:\\>netsh"), None);
    }
}

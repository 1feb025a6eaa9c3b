//! What one cleaned line of netsh output is: a blank, a header, a rule, a prompt, an elision,
//! a `label : value` field, or stray text. Telling these apart needs only the line itself;
//! what a field line means for its record is for the reader to say.

use std::borrow::Cow;

use super::labels::{FieldId, identify, same_label};

/// One line of the cleaned text, by what it can be.
pub(super) enum Kind<'t> {
    Blank,
    /// `SSL Certificate bindings:`, printed once per netsh run.
    Header,
    /// The dashes under the header, or any other rule.
    Rule,
    /// A command prompt (`C:\>netsh …`, `PS C:\> …`, `netsh>`).
    Prompt,
    /// `...`, `…`, `[...]`: the author left something out here.
    Elision,
    /// ` Extended Properties:`.
    ExtendedProperties,
    /// `label : value`.
    Field(FieldLine<'t>),
    /// Anything else: stray text, or the label of a line cut before its colon.
    Bare,
}

/// A `label : value` line.
pub(super) struct FieldLine<'t> {
    /// The label as written, trimmed.
    pub(super) label: &'t str,
    /// The label lowercased without whitespace, for comparison; a known label borrows its
    /// normalised form from [`KNOWN_FIELDS`](super::labels::KNOWN_FIELDS), so that the lines
    /// of a large file allocate nothing here.
    pub(super) norm: Cow<'static, str>,
    /// The field the label names, if it is a known one.
    pub(super) id: Option<FieldId>,
    /// The value as written, trimmed (may be empty).
    pub(super) value: &'t str,
}

pub(super) fn classify(line: &str) -> Kind<'_> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Kind::Blank;
    }
    if is_prompt(trimmed) {
        return Kind::Prompt;
    }
    if is_rule(trimmed) {
        return Kind::Rule;
    }
    if is_elision(trimmed) {
        return Kind::Elision;
    }
    if same_label(trimmed, "SSL Certificate bindings:") {
        return Kind::Header;
    }
    if same_label(trimmed, "Extended Properties:") {
        return Kind::ExtendedProperties;
    }
    match split_field(trimmed) {
        Some((label, value)) => {
            let (norm, id) = identify(label);
            Kind::Field(FieldLine { label, norm, value, id })
        }
        None => Kind::Bare,
    }
}

/// Splits `label : value` at the first colon that separates: one with whitespace on either
/// side (`label : value`, `label: value`, `label :value`), or at the end of a known label
/// (`Usage Check:` cut off before its value). The colons inside `IP:port` and in the values
/// `[::]:443` and `host:443` have whitespace on neither side; `RESULTS:` is not a label.
///
/// A label may end in a colon of its own before netsh's padding and separator, as French
/// labels do (`Nom du magasin de certificats :       : MY`, or `…:MY`): a value that starts
/// with a colon gives it back to the label.
pub(super) fn split_field(trimmed: &str) -> Option<(&str, &str)> {
    let mut after_space = false;
    for (index, c) in trimmed.char_indices() {
        if c == ':' {
            let rest = trimmed.get(index + 1..)?;
            let label = trimmed.get(..index)?.trim_end();
            let separates = match rest.chars().next() {
                Some(next) => after_space || next.is_whitespace(),
                None => after_space || identify(label).1.is_some(),
            };
            if separates {
                if label.is_empty() {
                    return None;
                }
                // No value netsh prints starts with a colon (IPv6 addresses come in brackets).
                let value = rest.trim();
                let value = value.strip_prefix(':').map_or(value, str::trim);
                return Some((label, value));
            }
        }
        after_space = c.is_whitespace();
    }
    None
}

/// A command prompt (`C:\>netsh …`, `PS C:\> …`, `netsh>`) pasted with the output.
pub(crate) fn is_prompt(trimmed: &str) -> bool {
    if (trimmed.starts_with("PS ") || trimmed.starts_with("PS>")) && trimmed.contains('>') {
        return true;
    }
    let mut chars = trimmed.chars();
    if let (Some(drive), Some(':'), Some('\\' | '/')) = (chars.next(), chars.next(), chars.next())
        && drive.is_ascii_alphabetic()
        && trimmed.contains('>')
    {
        return true;
    }
    // netsh's own interactive prompt (`netsh>`, `netsh http>`), and the command itself
    // after a shell's `$` or `#`.
    let command = trimmed.trim_start_matches(['$', '#', '>', ' ']);
    command.get(..5).is_some_and(|word| word.eq_ignore_ascii_case("netsh"))
        && command
            .get(5..)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| c.is_whitespace() || c == '>' || c == '.'))
}

/// A line of dashes or equals signs under a heading.
pub(crate) fn is_rule(trimmed: &str) -> bool {
    trimmed.chars().nth(2).is_some()
        && trimmed.chars().all(|c| matches!(c, '-' | '=' | '_' | '—' | '–' | '─'))
}

pub(super) fn is_elision(trimmed: &str) -> bool {
    let core = trimmed.trim_start_matches(['[', '(', '<', ' ']);
    core.starts_with("...")
        || core.starts_with('…')
        || core.get(..4).is_some_and(|word| word.eq_ignore_ascii_case("snip"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_separator_is_the_first_spaced_colon() {
        assert_eq!(
            split_field("IP:port                      : [fe80::1%5]:443"),
            Some(("IP:port", "[fe80::1%5]:443"))
        );
        assert_eq!(split_field("Usage Check :"), Some(("Usage Check", "")));
        assert_eq!(split_field("C:\\Windows\\system32>netsh http show sslcert"), None);
        assert_eq!(split_field("RESULTS:"), None);
        assert_eq!(split_field(" : value"), None);
        assert_eq!(split_field("Certificate Store Name: MY"), Some(("Certificate Store Name", "MY")));
        assert_eq!(split_field("Désactiver HTTP2 :Not Set"), Some(("Désactiver HTTP2", "Not Set")));
        assert_eq!(split_field("Nom du magasin :     : MY"), Some(("Nom du magasin", "MY")));
        assert_eq!(split_field("Nom du magasin :     :MY"), Some(("Nom du magasin", "MY")));
        assert_eq!(split_field("Usage Check:"), Some(("Usage Check", "")));
        assert_eq!(split_field("Hostname:port:a.example.com:443"), None);
    }
}

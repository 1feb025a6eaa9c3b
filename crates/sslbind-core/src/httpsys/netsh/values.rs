//! The shapes of netsh field values: a token and its annotation, yes/no words (cut off or
//! not), and whether a value fits the field expected at its position in a localised record.

use super::labels::{FieldId, normalize, same_label};

/// The first whitespace-separated token of a value and what follows it, trimmed.
pub(super) fn split_token(value: &str) -> (&str, &str) {
    let value = value.trim_start();
    match value.find(char::is_whitespace) {
        Some(end) => (value.get(..end).unwrap_or(value), value.get(end..).unwrap_or("").trim()),
        None => (value, ""),
    }
}

/// A free-text value (a store name may contain single spaces) and a trailing annotation: netsh
/// never prints two spaces or an arrow inside a value, authors do.
pub(super) fn split_text(value: &str) -> (&str, &str) {
    let mut previous_space = false;
    let mut cut = None;
    for (index, c) in value.char_indices() {
        let rest = value.get(index..).unwrap_or("");
        if (c.is_whitespace() && previous_space)
            || rest.starts_with("<-")
            || rest.starts_with('←')
            || rest.starts_with(" #")
            || rest.starts_with(" //")
        {
            cut = Some(index);
            break;
        }
        previous_space = c.is_whitespace();
    }
    match cut {
        Some(index) => {
            (value.get(..index).unwrap_or(value).trim_end(), value.get(index..).unwrap_or("").trim())
        }
        None => (value, ""),
    }
}

pub(super) fn is_null(value: &str) -> bool {
    value.eq_ignore_ascii_case("(null)")
}

pub(super) fn is_elided(value: &str) -> bool {
    value.ends_with("...") || value.ends_with('…')
}

/// The words of a yes/no line: the classic lines print `Enabled`/`Disabled`, the flag lines
/// of newer builds `Set`/`Not Set`; German builds may translate the former.
pub(super) const SWITCH_WORDS: [(&str, &str, bool); 6] = [
    ("enabled", "Enabled", true),
    ("disabled", "Disabled", false),
    ("set", "Set", true),
    ("notset", "Not Set", false),
    ("aktiviert", "Aktiviert", true),
    ("deaktiviert", "Deaktiviert", false),
];

/// A yes/no value as read.
pub(super) enum Switch<'v> {
    /// A known word, and any annotation after it.
    Known(bool, &'v str),
    /// The beginning of exactly one meaning's words, on a line cut off at the end of the file.
    Cut(bool, &'static str),
    /// The beginning of a word, on a line cut off at the end of the file, too short to say
    /// which (`D`, `Se`).
    CutUnclear,
    Unknown,
}

pub(super) fn parse_switch(value: &str, last_line: bool) -> Switch<'_> {
    let word_of =
        |text: &str| SWITCH_WORDS.iter().find(|(word, _, _)| same_label(text, word)).map(|(_, _, on)| *on);
    let (first, rest) = split_token(value);
    let (second, after_second) = split_token(rest);
    if first.eq_ignore_ascii_case("not") && second.eq_ignore_ascii_case("set") {
        return Switch::Known(false, after_second);
    }
    if let Some(on) = word_of(first) {
        return Switch::Known(on, rest);
    }
    if last_line {
        // `Usage Check : Enable` at the end of an excerpt: accept the beginning of a word only
        // when it is long enough to mean one thing.
        let norm = normalize(value);
        let mut matches = SWITCH_WORDS.iter().filter(|(word, _, _)| word.starts_with(norm.as_str()));
        if let Some((_, shown, on)) = matches.next() {
            if norm.chars().nth(2).is_some() && matches.all(|(_, _, other)| other == on) {
                return Switch::Cut(*on, shown);
            }
            return Switch::CutUnclear;
        }
    }
    Switch::Unknown
}

/// Whether `value` has the shape netsh prints at a field's position, so that a localised
/// record is read by position only where each value fits its place.
pub(super) fn has_shape(id: FieldId, value: &str) -> bool {
    let (token, _) = split_token(value);
    // An elided value (`5226dc6c…`) fits where its beginning fits; its neighbours still
    // have to confirm the position.
    if is_elided(token) {
        return could_be_cut(id, token.trim_end_matches(['.', '…']));
    }
    match id {
        FieldId::Hash => {
            is_null(token) || (token.len() == 40 && token.chars().all(|c| c.is_ascii_alphanumeric()))
        }
        FieldId::AppId => is_guid_shaped(token),
        FieldId::Store | FieldId::CtlIdentifier | FieldId::CtlStoreName => !value.is_empty(),
        FieldId::VerifyRevocation | FieldId::CachedOnly | FieldId::UsageCheck | FieldId::Flag(_) => {
            !token.is_empty() && token.chars().all(char::is_alphabetic)
        }
        FieldId::FreshnessTime | FieldId::UrlTimeout => {
            !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// Whether `value` could be the beginning of a value of the field's shape, for the last line
/// of a file cut off mid-way.
pub(super) fn could_be_cut(id: FieldId, value: &str) -> bool {
    let (token, rest) = split_token(value);
    if !rest.is_empty() {
        return false;
    }
    match id {
        FieldId::Hash => token.len() < 40 && token.chars().all(|c| c.is_ascii_alphanumeric()),
        FieldId::AppId => {
            token.len() < 38 && token.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '{' | '-'))
        }
        _ => true,
    }
}

/// `{8-4-4-4-12}` of letters and digits, braces optional; whether the digits are hex is for
/// [`AppId::parse`](crate::model::ids::AppId::parse) to say.
pub(super) fn is_guid_shaped(token: &str) -> bool {
    let inner = token.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')).unwrap_or(token);
    let groups: Vec<&str> = inner.splitn(6, '-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, length)| group.len() == length && group.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_switch_words_must_mean_one_thing() {
        assert!(matches!(parse_switch("Enable", true), Switch::Cut(true, "Enabled")));
        assert!(matches!(parse_switch("Not S", true), Switch::Cut(false, "Not Set")));
        assert!(matches!(parse_switch("Enable", false), Switch::Unknown));
        assert!(matches!(parse_switch("Se", true), Switch::CutUnclear));
        assert!(matches!(parse_switch("Maybe", true), Switch::Unknown));
        assert!(matches!(parse_switch("Not Set  <- default", false), Switch::Known(false, "<- default")));
    }

    #[test]
    fn annotations_are_split_from_free_text() {
        assert_eq!(split_text("Remote Desktop"), ("Remote Desktop", ""));
        assert_eq!(split_text("WebHosting   (renewed)"), ("WebHosting", "(renewed)"));
        assert_eq!(split_text("MY <-- here"), ("MY", "<-- here"));
    }
}

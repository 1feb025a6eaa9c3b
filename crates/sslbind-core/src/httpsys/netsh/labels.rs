//! The labels netsh prints and how labels compare: up to case and whitespace, so that padded,
//! re-typed and localised-but-English-lettered labels still meet their field. Every field line
//! of a large file is looked up here, so the lookup avoids allocating.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use crate::model::flags::{DEFAULT_FLAGS, DefaultFlags};

/// A label lowercased without whitespace, so that `Disable TLS1.2`, `disable  tls1.2` and a
/// label padded with non-breaking spaces compare equal.
pub(super) fn normalize(label: &str) -> String {
    // Every line of a large file comes here: ASCII labels (all of netsh's English ones) skip
    // the Unicode case mapping.
    if label.is_ascii() {
        return squeezed_ascii(label).map(char::from).collect();
    }
    squeezed(label).collect()
}

pub(super) fn squeezed(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase)
}

/// [`squeezed`] of an ASCII text, byte by byte. The whitespace is `char::is_whitespace`'s
/// ASCII set, which unlike `u8::is_ascii_whitespace` includes the vertical tab.
pub(super) fn squeezed_ascii(text: &str) -> impl Iterator<Item = u8> + '_ {
    text.bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'))
        .map(|b| b.to_ascii_lowercase())
}

/// Whether `text` is `label` up to case and whitespace, without allocating: it runs on every
/// line.
pub(super) fn same_label(text: &str, label: &str) -> bool {
    // Labels are short; a long line cannot match and is not worth squeezing.
    if text.len() > label.len() * 4 {
        return false;
    }
    if text.is_ascii() && label.is_ascii() {
        return squeezed_ascii(text).eq(squeezed_ascii(label));
    }
    squeezed(text).eq(squeezed(label))
}

/// A field of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FieldId {
    Hash,
    AppId,
    Store,
    VerifyRevocation,
    CachedOnly,
    UsageCheck,
    FreshnessTime,
    UrlTimeout,
    CtlIdentifier,
    CtlStoreName,
    /// A yes/no line that is a `DefaultFlags` bit, by its label in [`DEFAULT_FLAGS`].
    Flag(DefaultFlags),
}

/// The fields that are not `DefaultFlags` bits, with the labels netsh prints.
pub(super) const PARAM_FIELDS: [(&str, FieldId); 10] = [
    ("Certificate Hash", FieldId::Hash),
    ("Application ID", FieldId::AppId),
    ("Certificate Store Name", FieldId::Store),
    ("Verify Client Certificate Revocation", FieldId::VerifyRevocation),
    ("Verify Revocation Using Cached Client Certificate Only", FieldId::CachedOnly),
    ("Usage Check", FieldId::UsageCheck),
    ("Revocation Freshness Time", FieldId::FreshnessTime),
    ("URL Retrieval Timeout", FieldId::UrlTimeout),
    ("Ctl Identifier", FieldId::CtlIdentifier),
    ("Ctl Store Name", FieldId::CtlStoreName),
];

/// The fields every Windows version prints after the key line, in their order
/// (docs/httpsys.md#field-order): what a localised record is read by when its labels are unknown.
pub(super) const CLASSIC_ORDER: [FieldId; 12] = [
    FieldId::Hash,
    FieldId::AppId,
    FieldId::Store,
    FieldId::VerifyRevocation,
    FieldId::CachedOnly,
    FieldId::UsageCheck,
    FieldId::FreshnessTime,
    FieldId::UrlTimeout,
    FieldId::CtlIdentifier,
    FieldId::CtlStoreName,
    FieldId::Flag(DefaultFlags::USE_DS_MAPPER),
    FieldId::Flag(DefaultFlags::NEGOTIATE_CLIENT_CERT),
];

/// The known labels, normalised once: every field line is looked up here.
pub(super) static KNOWN_FIELDS: LazyLock<Vec<(String, FieldId)>> = LazyLock::new(|| {
    let params = PARAM_FIELDS.iter().map(|(label, id)| (normalize(label), *id));
    let flags = DEFAULT_FLAGS.iter().map(|info| (normalize(info.netsh_label), FieldId::Flag(info.flag)));
    params.chain(flags).collect()
});

/// [`KNOWN_FIELDS`] by label, for the lookup of every field line; the first of two equal
/// labels wins, as in the list.
pub(super) static FIELDS_BY_LABEL: LazyLock<HashMap<&'static str, FieldId>> =
    LazyLock::new(|| KNOWN_FIELDS.iter().rev().map(|(label, id)| (label.as_str(), *id)).collect());

/// A label's normalised form and the field it names. A short ASCII label (every label netsh
/// prints in English) is normalised on the stack, and a known one borrows its normalised form
/// from [`KNOWN_FIELDS`]: the lines of a large file allocate nothing here.
pub(super) fn identify(label: &str) -> (Cow<'static, str>, Option<FieldId>) {
    const SHORT: usize = 96;
    let mut buffer = [0u8; SHORT];
    let owned;
    let norm = if label.is_ascii() && label.len() <= SHORT {
        let mut length = 0;
        for byte in squeezed_ascii(label) {
            buffer[length] = byte;
            length += 1;
        }
        std::str::from_utf8(&buffer[..length]).unwrap_or_default()
    } else {
        owned = normalize(label);
        owned.as_str()
    };
    match FIELDS_BY_LABEL.get_key_value(norm) {
        Some((known, id)) => (Cow::Borrowed(*known), Some(*id)),
        None => (Cow::Owned(norm.to_owned()), None),
    }
}

/// The label netsh prints for a field, for messages.
pub(super) fn label_of(id: FieldId) -> &'static str {
    let param = PARAM_FIELDS.iter().find(|(_, known)| *known == id).map(|(label, _)| *label);
    let flag = || match id {
        FieldId::Flag(bit) => DefaultFlags::info(bit).map(|info| info.netsh_label),
        _ => None,
    };
    param.or_else(flag).unwrap_or("field")
}

/// Whether a cleaned line, cut before its colon, is the beginning of a field label.
pub(super) fn is_cut_label(trimmed: &str) -> bool {
    let norm = normalize(trimmed);
    // Even one letter counts: a last line `D` after a complete-looking record is more likely
    // `DS Mapper Usage` or `Disable …` cut short than a note, and erring here only costs a
    // `truncated` flag.
    !norm.is_empty() && KNOWN_FIELDS.iter().any(|(known, _)| known.starts_with(&norm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_order_agrees_with_the_flag_table() {
        assert_eq!(label_of(FieldId::Flag(DefaultFlags::USE_DS_MAPPER)), "DS Mapper Usage");
        assert_eq!(
            label_of(FieldId::Flag(DefaultFlags::NEGOTIATE_CLIENT_CERT)),
            "Negotiate Client Certificate"
        );
        for id in CLASSIC_ORDER {
            assert_eq!(identify(label_of(id)).1, Some(id));
        }
    }
}

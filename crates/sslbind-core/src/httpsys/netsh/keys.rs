//! The key lines that start netsh records (`IP:port`, `Hostname:port`, `Central Certificate
//! Store`, and localised labels of the same shape) and the keys their values name.

use std::net::SocketAddr;

use super::line::FieldLine;
use super::values::split_token;
use crate::model::mapping::{MappingKey, MappingKind};

/// What the key line of a record says the record is.
pub(super) fn key_kind(norm: &str) -> Option<MappingKind> {
    match norm {
        "ip:port" => Some(MappingKind::Ip),
        "hostname:port" => Some(MappingKind::Sni),
        "centralcertificatestore" => Some(MappingKind::Ccs),
        // No public sample shows the scoped-CCS label (docs/httpsys.md#field-order); accept the likely ones.
        _ if (norm.contains("scoped") && norm.contains("centralcertificatestore"))
            || norm.contains("scopedccs") =>
        {
            Some(MappingKind::ScopedCcs)
        }
        _ => None,
    }
}

/// The key a key line's value names, if it is one: `IP:port` (`0.0.0.0:443`, `[::]:443`),
/// `host:port`, or a port for CCS, as netsh writes them. `sslbind mapping` reads its
/// `--ipport` and `--hostnameport` with it too, so that a key given is one netsh would print.
pub fn parse_mapping_key(kind: MappingKind, token: &str) -> Option<MappingKey> {
    match kind {
        MappingKind::Ip => {
            token.parse::<SocketAddr>().ok().filter(|address| address.port() != 0).map(MappingKey::Ip)
        }
        MappingKind::Sni => host_port(token).map(|(host, port)| MappingKey::Sni { host: host.into(), port }),
        MappingKind::ScopedCcs => {
            host_port(token).map(|(host, port)| MappingKey::ScopedCcs { host: host.into(), port })
        }
        MappingKind::Ccs => port(token).map(|port| MappingKey::Ccs { port }),
    }
}

pub(super) fn host_port(token: &str) -> Option<(String, u16)> {
    let (host, port_text) = token.rsplit_once(':')?;
    let port = port(port_text)?;
    let valid_host = host.len() <= 255
        && !host.is_empty()
        && !host.starts_with('.')
        && !host.contains("..")
        && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '*'));
    valid_host.then(|| (host.to_owned(), port))
}

pub(super) fn port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok().filter(|port| *port != 0)
}

/// The key of a line whose label is not a known key label but has the key's shape: a
/// localised `IP:port` label (words, a colon, one word: `IP:Port`, `IP:порт`,
/// `Adresse IP:port`, `Nom d'hôte:port`) with a socket-address or `host:port` value, and
/// whether the label has spaces.
///
/// A label with spaces has the shape a future field such as `Redirect IP:port` would have,
/// so the caller lets it start a record only where a record can start (see
/// [`Reader::may_start_record`](super::reader::Reader::may_start_record)), and it must hold
/// nothing but the key: a sentence such as `The IP:port : 0.0.0.0:443 is ours` is not a key
/// line.
pub(super) fn localised_key(label: &str, value: &str) -> Option<(MappingKey, bool)> {
    const MAX_WORDS: usize = 4;
    let (left, right) = label.split_once(':')?;
    let wordy = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '\u{2019}'))
    };
    // Any whitespace separates words: French typography puts no-break spaces in labels.
    let words: Vec<&str> = left.split_whitespace().collect();
    let spaced = words.len() > 1;
    if words.is_empty() || words.len() > MAX_WORDS || !words.iter().all(|word| wordy(word)) || !wordy(right) {
        return None;
    }
    let (token, rest) = split_token(value);
    if spaced && !rest.is_empty() {
        return None;
    }
    parse_mapping_key(MappingKind::Ip, token)
        .or_else(|| parse_mapping_key(MappingKind::Sni, token))
        .map(|key| (key, spaced))
}

/// The key a key line starts a record with.
pub(super) enum KeyStart {
    Valid {
        key: MappingKey,
        /// The label was not recognised; the key was read from its shape.
        localised: bool,
        annotation: String,
    },
    Invalid {
        kind: MappingKind,
        token: String,
    },
}

/// The key a field line starts a record with, if it is a key line. `may_start_spaced` says
/// whether a localised key label with spaces may start a record here.
pub(super) fn key_start(field: &FieldLine<'_>, may_start_spaced: impl Fn(&str) -> bool) -> Option<KeyStart> {
    // No key label is a known field label: most lines stop here.
    if field.id.is_some() {
        return None;
    }
    let (token, rest) = split_token(field.value);
    if let Some(kind) = key_kind(&field.norm) {
        return Some(match parse_mapping_key(kind, token) {
            Some(key) => KeyStart::Valid { key, localised: false, annotation: rest.to_owned() },
            None => KeyStart::Invalid { kind, token: token.to_owned() },
        });
    }
    let (key, spaced) = localised_key(field.label, field.value)?;
    if spaced && !may_start_spaced(&field.norm) {
        return None;
    }
    Some(KeyStart::Valid { key, localised: true, annotation: rest.to_owned() })
}

//! What a registry tree says about HTTP.sys, the certificate stores and the Central
//! Certificate Store: the one place that knows where Windows keeps them
//! (docs/httpsys.md#registry-layout).
//!
//! Keys are found by the shape of their paths, not by an absolute prefix, because the same
//! data arrives rooted in many ways: `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\…` from a
//! live export, `HKLM\SYSTEM\ControlSet001\…`, an offline hive loaded under another name
//! (`HKEY_LOCAL_MACHINE\OFFLINE\ControlSet002\…`), or `SYSTEM\ControlSet001\…` from the hive
//! reader. Whatever cannot be understood is kept (unknown values) or skipped with a warning
//! naming the key, never silently dropped.

use std::collections::HashMap;
use std::sync::Arc;

use crate::certs::certificate_from_der;
use crate::model::Certificate;
use crate::model::flags::DefaultFlags;
use crate::model::ids::{AppId, Thumbprint};
use crate::model::machine::CcsSettings;
use crate::model::mapping::{Mapping, MappingKey};
use crate::model::reservation::UrlReservation;
use crate::model::source::{Location, Origin, SourceWarning};
use crate::registry::{RegistryData, RegistryKey, RegistryTree, RegistryValue};

/// The HTTP.sys mappings, certificates and CCS settings a registry tree holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegistryRead {
    /// One mapping per record key of the current control set, in tree order.
    pub mappings: Vec<Mapping>,
    /// Whether the tree holds HTTP.sys's parameters at all (`…\Services\HTTP\Parameters` or
    /// one of the record parents), so that no mappings means "none exist" rather than "not
    /// exported".
    pub mappings_found: bool,
    /// The certificates of every store key with a readable blob, in tree order.
    pub certificates: Vec<Certificate>,
    /// Whether the tree holds any certificate store (`…\SystemCertificates` or
    /// `…\EnterpriseCertificates`).
    pub certificates_found: bool,
    /// IIS's Central Certificate Store settings, when the tree has its key.
    pub ccs_settings: Option<CcsSettings>,
    /// The URL reservations of `…\Services\HTTP\Parameters\UrlAclInfo`: value name the URL,
    /// data the security descriptor (a REG_SZ SDDL string is kept with the users it grants; a
    /// REG_BINARY self-relative descriptor is not decoded and is reported).
    pub url_reservations: Vec<UrlReservation>,
    /// Whether the tree holds a `UrlAclInfo` key, so that no reservations means "none exist".
    pub url_reservations_found: bool,
    /// Records, blobs and values that could not be understood, and choices made.
    pub warnings: Vec<SourceWarning>,
}

/// Interprets `tree`; `source` names it in warnings about keys that have no file location.
pub fn interpret(tree: &RegistryTree, source: &Arc<str>) -> RegistryRead {
    let mut interpreter = Interpreter { source, warnings: Vec::new() };
    let (mappings, mappings_found) = interpreter.mappings(tree);
    let (certificates, certificates_found) = interpreter.certificates(tree);
    let ccs_settings = ccs_settings(tree);
    let (url_reservations, url_reservations_found) = interpreter.url_reservations(tree);
    RegistryRead {
        url_reservations,
        url_reservations_found,
        mappings,
        mappings_found,
        certificates,
        certificates_found,
        ccs_settings,
        warnings: interpreter.warnings,
    }
}

/// The three kinds of HTTP.sys record parent, by key name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RecordKind {
    /// `SslBindingInfo`: `ip:port`.
    Ip,
    /// `SslSniBindingInfo`: `host:port`.
    Sni,
    /// `SslCcsBindingInfo`: a port.
    Ccs,
}

impl RecordKind {
    fn of_parent(name: &str) -> Option<RecordKind> {
        [
            ("SslBindingInfo", RecordKind::Ip),
            ("SslSniBindingInfo", RecordKind::Sni),
            ("SslCcsBindingInfo", RecordKind::Ccs),
        ]
        .into_iter()
        .find(|(parent, _)| parent.eq_ignore_ascii_case(name))
        .map(|(_, kind)| kind)
    }
}

/// A record key found in the tree, before the control set is chosen.
struct Record<'t> {
    key: &'t RegistryKey,
    kind: RecordKind,
    /// The record key's own name (`0.0.0.0:443`).
    name: &'t str,
    /// Index into the control sets found.
    control_set: usize,
}

/// A control set that holds records: the path up to it, lowercased, and its name as written.
struct ControlSet {
    root: String,
    name: String,
}

impl ControlSet {
    fn is_current(&self) -> bool {
        self.name.eq_ignore_ascii_case("CurrentControlSet")
    }

    /// `N` of `ControlSet00N`.
    fn number(&self) -> Option<u32> {
        let digits = strip_prefix_ignore_case(&self.name, "ControlSet")?;
        digits.bytes().all(|b| b.is_ascii_digit()).then(|| digits.parse().ok()).flatten()
    }
}

struct Interpreter<'s> {
    source: &'s Arc<str>,
    warnings: Vec<SourceWarning>,
}

impl Interpreter<'_> {
    fn warn(&mut self, origin: &Origin, message: String) {
        let location = origin.location().cloned().unwrap_or_else(|| Location::whole(self.source));
        self.warnings.push(SourceWarning { location, message });
    }

    // -----------------------------------------------------------------------------------------
    // URL reservations.

    /// The reservations of the `UrlAclInfo` key of `CurrentControlSet`, else of the first
    /// control set that has one.
    fn url_reservations(&mut self, tree: &RegistryTree) -> (Vec<UrlReservation>, bool) {
        let keys: Vec<&RegistryKey> = tree
            .keys
            .iter()
            .filter(|key| {
                let segments: Vec<&str> = key.path.split('\\').collect();
                ends_with(&segments, &["Services", "HTTP", "Parameters", "UrlAclInfo"])
            })
            .collect();
        let current = keys.iter().find(|key| {
            key.path.split('\\').any(|segment| segment.eq_ignore_ascii_case("CurrentControlSet"))
        });
        let Some(key) = current.or(keys.first()).copied() else {
            return (Vec::new(), false);
        };
        if keys.len() > 1 {
            self.warn(
                &key.origin,
                format!(
                    "URL reservations are in {} control sets; those of `{}` are used",
                    keys.len(),
                    key.path
                ),
            );
        }
        let mut reservations = Vec::new();
        for value in &key.values {
            if value.name.is_empty() {
                continue;
            }
            let prefix = match crate::httpsys::parse_url_prefix(&value.name) {
                Ok(prefix) => Some(prefix),
                Err(why) => {
                    self.warn(
                        &value.origin,
                        format!("reserved URL `{}` is not a URL prefix: {why}", value.name),
                    );
                    None
                }
            };
            let (sddl, users) = match &value.data {
                RegistryData::String(text) | RegistryData::ExpandString(text) => {
                    let text = text.trim_end_matches('\0').to_owned();
                    let users = crate::httpsys::urlacl::users_from_sddl(&text);
                    (Some(text), users)
                }
                RegistryData::Binary(bytes) => {
                    self.warn(
                        &value.origin,
                        format!(
                            "URL reservation `{}` holds a binary self-relative security descriptor ({} bytes); \
                             its users are not decoded",
                            value.name,
                            bytes.len()
                        ),
                    );
                    (None, Vec::new())
                }
                _ => {
                    self.warn(
                        &value.origin,
                        format!(
                            "URL reservation `{}` holds neither a string SDDL nor a binary descriptor; its users are unknown",
                            value.name
                        ),
                    );
                    (None, Vec::new())
                }
            };
            reservations.push(UrlReservation {
                url: value.name.clone(),
                prefix,
                users,
                sddl,
                origin: value.origin.clone(),
            });
        }
        (reservations, true)
    }

    // -----------------------------------------------------------------------------------------
    // HTTP.sys records.

    fn mappings(&mut self, tree: &RegistryTree) -> (Vec<Mapping>, bool) {
        let mut found = false;
        let mut records = Vec::new();
        let mut sets: Vec<ControlSet> = Vec::new();
        // Index of each control set by lowercased root and name: a map keeps a tree with
        // thousands of control sets linear.
        let mut set_index: HashMap<(String, String), usize> = HashMap::new();
        for key in &tree.keys {
            let segments: Vec<&str> = key.path.split('\\').collect();
            // An export of the parameters or of one record parent, even with no records.
            let parameters = ["Services", "HTTP", "Parameters"];
            let is_parent = segments.split_last().is_some_and(|(last, above)| {
                RecordKind::of_parent(last).is_some() && ends_with(above, &parameters)
            });
            if is_parent || ends_with(&segments, &parameters) {
                found = true;
            }
            let Some(record) = record_shape(&segments) else {
                continue;
            };
            found = true;
            let (root, set_name, kind, name) = record;
            let root = root.to_lowercase();
            let control_set =
                *set_index.entry((root.clone(), set_name.to_lowercase())).or_insert_with(|| {
                    sets.push(ControlSet { root, name: set_name.to_owned() });
                    sets.len() - 1
                });
            records.push(Record { key, kind, name, control_set });
        }
        let chosen = self.choose_control_set(tree, &sets, &records);
        let mappings = records
            .iter()
            .filter(|record| Some(record.control_set) == chosen)
            .filter_map(|record| self.mapping(record))
            .collect();
        (mappings, found)
    }

    /// The control set whose records count: `CurrentControlSet`, else the one `Select\Current`
    /// names, else the lowest numbered, with a warning.
    fn choose_control_set(
        &mut self,
        tree: &RegistryTree,
        sets: &[ControlSet],
        records: &[Record<'_>],
    ) -> Option<usize> {
        if sets.len() <= 1 {
            return if sets.is_empty() { None } else { Some(0) };
        }
        if let Some(current) = sets.iter().position(ControlSet::is_current) {
            return Some(current);
        }
        let selects: Vec<(String, u32)> = tree
            .keys
            .iter()
            .filter_map(|key| {
                let (parent, name) = key.path.rsplit_once('\\').unwrap_or(("", key.path.as_str()));
                if !name.eq_ignore_ascii_case("Select") {
                    return None;
                }
                match key.value("Current").map(|value| &value.data) {
                    Some(RegistryData::Dword(number)) => Some((parent.to_lowercase(), *number)),
                    _ => None,
                }
            })
            .collect();
        // A `Select` key beside the control sets decides; one elsewhere (another hive loaded
        // in the same export) only when no control set shares its root.
        let mut by_root_and_number: HashMap<(&str, u32), usize> = HashMap::new();
        let mut by_number: HashMap<u32, usize> = HashMap::new();
        for (index, set) in sets.iter().enumerate() {
            if let Some(number) = set.number() {
                by_root_and_number.entry((set.root.as_str(), number)).or_insert(index);
                by_number.entry(number).or_insert(index);
            }
        }
        let selected = selects
            .iter()
            .find_map(|(root, number)| by_root_and_number.get(&(root.as_str(), *number)).copied())
            .or_else(|| selects.iter().find_map(|(_, number)| by_number.get(number).copied()));
        if let Some(index) = selected {
            return Some(index);
        }
        let lowest =
            (0..sets.len()).min_by_key(|&index| (sets[index].number().unwrap_or(u32::MAX), index))?;
        let names: Vec<&str> = sets.iter().map(|set| set.name.as_str()).collect();
        let reason = match selects.first() {
            Some((_, number)) => {
                format!("`Select\\Current` names ControlSet{number:03}, which holds no HTTP.sys records")
            }
            None => "the tree has no `Select` key naming the current one".to_owned(),
        };
        let origin = records
            .iter()
            .find(|record| record.control_set == lowest)
            .map_or(Origin::Live, |record| record.key.origin.clone());
        self.warn(
            &origin,
            format!(
                "HTTP.sys records are under several control sets ({}) and {reason}: {}, the lowest numbered, was used",
                names.join(", "),
                sets[lowest].name
            ),
        );
        Some(lowest)
    }

    fn mapping(&mut self, record: &Record<'_>) -> Option<Mapping> {
        let Some(key) = record_key(record.kind, record.name) else {
            let expected = match record.kind {
                RecordKind::Ip => "an address:port (`0.0.0.0:443`, `[::]:443`)",
                RecordKind::Sni => "a host:port",
                RecordKind::Ccs => "a port (`443`, `0.0.0.0:443`, `[::]:443` or `*:443`)",
            };
            self.warn(
                &record.key.origin,
                format!("HTTP.sys record `{}` skipped: its key name is not {expected}", record.key.path),
            );
            return None;
        };
        let mut mapping = Mapping::new(key, record.key.origin.clone());
        // The registry holds the whole `DefaultFlags` word: a clear bit is really clear.
        mapping.flags_known = true;
        for value in &record.key.values {
            self.record_value(&mut mapping, record.key, value);
        }
        Some(mapping)
    }

    /// Applies one value of a record key; values of the wrong type or unknown names are
    /// kept in `unknown_fields`.
    fn record_value(&mut self, mapping: &mut Mapping, key: &RegistryKey, value: &RegistryValue) {
        let name = value.name.as_str();
        let is = |known: &str| name.eq_ignore_ascii_case(known);
        let understood = match &value.data {
            RegistryData::Binary(bytes) if is("SslCertHash") => {
                match <[u8; 20]>::try_from(bytes.as_slice()) {
                    Ok(hash) => {
                        mapping.certificate_hash = Some(Thumbprint(hash));
                        true
                    }
                    // An empty hash is how a record without a certificate (CCS) can store "none".
                    Err(_) if bytes.is_empty() => true,
                    Err(_) => {
                        self.warn(
                        &value.origin,
                        format!(
                            "`{}`: `SslCertHash` is {} bytes, not the 20 of a SHA-1 thumbprint; kept as an unknown field",
                            key.path,
                            bytes.len()
                        ),
                    );
                        false
                    }
                }
            }
            RegistryData::Binary(bytes) if is("AppId") => match <[u8; 16]>::try_from(bytes.as_slice()) {
                Ok(guid) => {
                    mapping.app_id = Some(AppId::from_windows_bytes(guid));
                    true
                }
                Err(_) => {
                    self.not_understood(key, value, format!("{} bytes, not the 16 of a GUID", bytes.len()))
                }
            },
            // The type of `AppId` is not documented (docs/httpsys.md#httpsys-records): a GUID string
            // is accepted too.
            RegistryData::String(text) if is("AppId") => match AppId::parse(text) {
                Ok(app_id) => {
                    mapping.app_id = Some(app_id);
                    true
                }
                Err(error) => self.not_understood(key, value, format!("not a GUID: {error}")),
            },
            RegistryData::String(text) | RegistryData::ExpandString(text) if is("SslCertStoreName") => {
                mapping.certificate_store = Some(text.clone());
                true
            }
            RegistryData::Dword(mode) if is("DefaultSslCertCheckMode") => {
                mapping.params.set_cert_check_mode(*mode);
                true
            }
            RegistryData::Dword(seconds) if is("DefaultSslRevocationFreshnessTime") => {
                mapping.params.revocation_freshness_time = Some(*seconds);
                true
            }
            RegistryData::Dword(milliseconds) if is("DefaultSslRevocationUrlRetrievalTimeout") => {
                mapping.params.url_retrieval_timeout = Some(*milliseconds);
                true
            }
            RegistryData::String(text) if is("DefaultSslCtlIdentifier") => {
                mapping.params.ctl_identifier = Some(text.clone());
                true
            }
            RegistryData::String(text) if is("DefaultSslCtlStoreName") => {
                mapping.params.ctl_store_name = Some(text.clone());
                true
            }
            RegistryData::Dword(flags) if is("DefaultFlags") => {
                mapping.flags = DefaultFlags::from_bits_retain(*flags);
                true
            }
            data if KNOWN_RECORD_VALUES.iter().any(|known| is(known)) => {
                self.not_understood(key, value, format!("unexpected type {}", type_name(data)))
            }
            _ => false,
        };
        if !understood {
            mapping.unknown_fields.push((value.name.clone(), render(&value.data)));
        }
    }

    /// Warns about a known value that cannot be used; returns `false` so it is kept as an
    /// unknown field.
    fn not_understood(&mut self, key: &RegistryKey, value: &RegistryValue, why: String) -> bool {
        self.warn(
            &value.origin,
            format!(
                "`{}`: value `{}` not understood ({why}); kept as an unknown field",
                key.path, value.name
            ),
        );
        false
    }

    // -----------------------------------------------------------------------------------------
    // Certificates.

    fn certificates(&mut self, tree: &RegistryTree) -> (Vec<Certificate>, bool) {
        let mut found = false;
        let mut certificates = Vec::new();
        for key in &tree.keys {
            let segments: Vec<&str> = key.path.split('\\').collect();
            if segments.iter().any(|segment| is_store_root(segment)) {
                found = true;
            }
            let n = segments.len();
            if n < 4
                || !is_store_root(segments[n - 4])
                || !segments[n - 2].eq_ignore_ascii_case("Certificates")
            {
                continue;
            }
            let (store, name) = (segments[n - 3], segments[n - 1]);
            if let Some(certificate) = self.certificate(key, store, name) {
                certificates.push(certificate);
            }
        }
        (certificates, found)
    }

    fn certificate(&mut self, key: &RegistryKey, store: &str, name: &str) -> Option<Certificate> {
        let blob = match key.value("Blob").map(|value| &value.data) {
            Some(RegistryData::Binary(bytes)) => bytes,
            Some(other) => {
                self.warn(
                    &key.origin,
                    format!(
                        "certificate `{}` skipped: its `Blob` is {}, not REG_BINARY",
                        key.path,
                        type_name(other)
                    ),
                );
                return None;
            }
            None => {
                self.warn(&key.origin, format!("certificate `{}` skipped: it has no `Blob` value", key.path));
                return None;
            }
        };
        let properties = match blob_properties(blob) {
            Ok(properties) => properties,
            Err(BlobError { offset, reason }) => {
                self.warn(
                    &key.origin,
                    format!(
                        "certificate `{}` skipped: its `Blob` is cut short or corrupt at byte offset {offset}: {reason}",
                        key.path
                    ),
                );
                return None;
            }
        };
        let Some(der) = properties.der else {
            self.warn(
                &key.origin,
                format!("certificate `{}` skipped: its `Blob` has no certificate (property 32)", key.path),
            );
            return None;
        };
        let mut certificate = match certificate_from_der(der, key.origin.clone()) {
            Ok(certificate) => certificate,
            Err(error) => {
                self.warn(&key.origin, format!("certificate `{}` skipped: {error}", key.path));
                return None;
            }
        };
        // The store files a certificate under its thumbprint; a blob that hashes to another
        // value was edited or mixed up, and trusting either name would mislead.
        if Thumbprint::parse(name).ok() != Some(certificate.thumbprint) {
            self.warn(
                &key.origin,
                format!(
                    "certificate `{}` skipped: its DER hashes to {}, not to the key name",
                    key.path, certificate.thumbprint
                ),
            );
            return None;
        }
        certificate.store = Some(store.to_owned());
        // KEY_PROV_INFO names the key container, so its presence says a private key was
        // associated. Its absence proves nothing (a CNG key can be linked by other
        // properties) and the key itself is never in the blob, so absence stays unknown.
        certificate.has_private_key = properties.key_prov_info.then_some(true);
        Some(certificate)
    }
}

/// `(root, control set, kind, record name)` of a key at
/// `<root>\<control set>\Services\HTTP\Parameters\<parent>\<record>`.
fn record_shape<'t>(segments: &[&'t str]) -> Option<(String, &'t str, RecordKind, &'t str)> {
    let (&name, rest) = segments.split_last()?;
    let (&parent, rest) = rest.split_last()?;
    let kind = RecordKind::of_parent(parent)?;
    if !ends_with(rest, &["Services", "HTTP", "Parameters"]) {
        return None;
    }
    let above = &rest[..rest.len() - 3];
    let (set_name, root) = match above.split_last() {
        Some((&set_name, root)) => (set_name, root.join("\\")),
        None => ("", String::new()),
    };
    Some((root, set_name, kind, name))
}

/// Whether `segments` ends with `tail`, compared without case.
fn ends_with(segments: &[&str], tail: &[&str]) -> bool {
    segments.len() >= tail.len()
        && segments[segments.len() - tail.len()..].iter().zip(tail).all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// The mapping key a record key's name stands for.
fn record_key(kind: RecordKind, name: &str) -> Option<MappingKey> {
    match kind {
        RecordKind::Ip => {
            name.parse().ok().filter(|address: &std::net::SocketAddr| address.port() != 0).map(MappingKey::Ip)
        }
        RecordKind::Sni => {
            let (host, port) = name.rsplit_once(':')?;
            let port = parse_port(port)?;
            (!host.is_empty() && !host.contains(char::is_whitespace))
                .then(|| MappingKey::Sni { host: host.into(), port })
        }
        // The CCS subkey name is not documented (docs/httpsys.md#httpsys-records): the forms
        // netsh and the IIS docs use for the port are accepted.
        RecordKind::Ccs => {
            let port = match name.rsplit_once(':') {
                Some(("0.0.0.0" | "[::]" | "*", port)) => port,
                Some(_) => return None,
                None => name,
            };
            parse_port(port).map(|port| MappingKey::Ccs { port })
        }
    }
}

fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok().filter(|port| *port != 0)
}

/// The value names `record_value` understands, for the wrong-type warning.
const KNOWN_RECORD_VALUES: [&str; 9] = [
    "SslCertHash",
    "AppId",
    "SslCertStoreName",
    "DefaultSslCertCheckMode",
    "DefaultSslRevocationFreshnessTime",
    "DefaultSslRevocationUrlRetrievalTimeout",
    "DefaultSslCtlIdentifier",
    "DefaultSslCtlStoreName",
    "DefaultFlags",
];

/// A value's data as text a user can read: strings as they are, numbers in decimal, bytes in
/// lowercase hex.
fn render(data: &RegistryData) -> String {
    match data {
        RegistryData::String(text) | RegistryData::ExpandString(text) => text.clone(),
        RegistryData::MultiString(strings) => strings.join("\n"),
        RegistryData::Binary(bytes) => hex(bytes),
        RegistryData::Dword(number) => number.to_string(),
        RegistryData::Qword(number) => number.to_string(),
        RegistryData::Other { kind, bytes } => format!("hex({kind:x}):{}", hex(bytes)),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn type_name(data: &RegistryData) -> String {
    match data {
        RegistryData::String(_) => "REG_SZ".to_owned(),
        RegistryData::ExpandString(_) => "REG_EXPAND_SZ".to_owned(),
        RegistryData::MultiString(_) => "REG_MULTI_SZ".to_owned(),
        RegistryData::Binary(_) => "REG_BINARY".to_owned(),
        RegistryData::Dword(_) => "REG_DWORD".to_owned(),
        RegistryData::Qword(_) => "REG_QWORD".to_owned(),
        RegistryData::Other { kind, .. } => format!("type {kind}"),
    }
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| text.get(prefix.len()..)).flatten()
}

// ---------------------------------------------------------------------------------------------
// Certificate blobs.

/// `SystemCertificates` (machine, group policy) or `EnterpriseCertificates`.
fn is_store_root(segment: &str) -> bool {
    segment.eq_ignore_ascii_case("SystemCertificates")
        || segment.eq_ignore_ascii_case("EnterpriseCertificates")
}

/// `CERT_CERT_PROP_ID`: the DER certificate.
const CERT_PROP_ID: u32 = 32;
/// `CERT_KEY_PROV_INFO_PROP_ID`: the private key's container.
const KEY_PROV_INFO_PROP_ID: u32 = 2;
/// `prop_id`, `reserved` and `length`, each a little-endian `u32`.
const RECORD_HEADER: usize = 12;

/// What sslbind takes from a serialized store element.
#[derive(Default)]
struct BlobProperties<'b> {
    der: Option<&'b [u8]>,
    key_prov_info: bool,
}

/// Where and why a blob could not be read.
struct BlobError {
    offset: usize,
    reason: String,
}

/// Walks the property records of a `Blob` to its end (docs/httpsys.md#certificate-stores).
fn blob_properties(blob: &[u8]) -> Result<BlobProperties<'_>, BlobError> {
    let mut properties = BlobProperties::default();
    let mut offset = 0usize;
    while offset < blob.len() {
        let remaining = blob.len() - offset;
        let Some(header) = blob.get(offset..offset.saturating_add(RECORD_HEADER)) else {
            return Err(BlobError {
                offset,
                reason: format!("a property record header needs {RECORD_HEADER} bytes, {remaining} remain"),
            });
        };
        let word = |at: usize| {
            header.get(at..at + 4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map(u32::from_le_bytes)
        };
        let (id, length) = (word(0).unwrap_or(0), word(8).unwrap_or(0));
        let start = offset + RECORD_HEADER;
        let end = usize::try_from(length).ok().and_then(|length| start.checked_add(length));
        let Some(data) = end.and_then(|end| blob.get(start..end)) else {
            return Err(BlobError {
                offset,
                reason: format!("property {id} claims {length} bytes, {} remain", remaining - RECORD_HEADER),
            });
        };
        match id {
            CERT_PROP_ID if properties.der.is_none() => properties.der = Some(data),
            KEY_PROV_INFO_PROP_ID => properties.key_prov_info = true,
            _ => {}
        }
        offset = start + data.len();
    }
    Ok(properties)
}

// ---------------------------------------------------------------------------------------------
// Central Certificate Store.

/// The CCS settings from the first `…\Microsoft\IIS\CentralCertProvider` key, preferring the
/// native view over `Wow6432Node`. Only whether the passwords are set is recorded: their
/// (encrypted) content is never read.
fn ccs_settings(tree: &RegistryTree) -> Option<CcsSettings> {
    let candidates = tree.keys.iter().filter(|key| {
        let segments: Vec<&str> = key.path.split('\\').collect();
        ends_with(&segments, &["Microsoft", "IIS", "CentralCertProvider"])
    });
    let key = candidates
        .clone()
        .find(|key| !key.path.split('\\').any(|segment| segment.eq_ignore_ascii_case("Wow6432Node")))
        .or_else(|| candidates.clone().next())?;
    let dword = |name: &str| match key.value(name).map(|value| &value.data) {
        Some(RegistryData::Dword(number)) => Some(*number),
        _ => None,
    };
    let string = |name: &str| match key.value(name).map(|value| &value.data) {
        Some(RegistryData::String(text) | RegistryData::ExpandString(text)) => Some(text.clone()),
        _ => None,
    };
    Some(CcsSettings {
        enabled: dword("Enabled").is_some_and(|enabled| enabled != 0),
        folder: string("CertStoreLocation"),
        polling_interval: dword("PollingInterval"),
        user_name: string("UserName"),
        password_set: key.value("Password").is_some(),
        private_key_password_set: key.value("PrivateKeyPassword").is_some(),
        origin: key.origin.clone(),
    })
}

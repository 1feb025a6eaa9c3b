//! Snapshots: everything sslbind knows about one machine in one JSON file, so that a server
//! can be captured once (`sslbind snapshot`) and analysed anywhere, later, or diffed against
//! another node.
//!
//! A snapshot keeps each config's text, not its parsed sites, so reading it back runs the
//! same reader and gives the same analysis, lines and findings as the original files. It
//! keeps certificates as public DER only: no private key, no password, ever. The format is
//! documented by `docs/snapshot.schema.json`; its `schema_version` grows when a field changes
//! meaning, and a reader refuses versions newer than it knows.

use std::net::SocketAddr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::certs::certificate_from_der;
use crate::iis::read_config;
use crate::model::flags::DefaultFlags;
use crate::model::ids::{AppId, Thumbprint};
use crate::model::machine::{CcsSettings, ConfigFile, Machine, ServerFlavor};
use crate::model::mapping::{ExtendedProperty, Mapping, MappingKey, MappingParams};
use crate::model::reservation::{ExcludedPortRange, ReservationUser, UrlReservation};
use crate::model::source::{Location, Origin, Position, SourceError, SourceWarning};
use crate::text::Encoding;

/// The value of `schema` in every snapshot.
pub(crate) const SCHEMA: &str = "sslbind-snapshot";
/// The newest `schema_version` this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Facts about the capture itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotMeta {
    /// The tool that wrote it, e.g. `sslbind 0.1.0`.
    pub tool: String,
    /// When it was written (RFC 3339).
    pub created: String,
    /// The machine's name, when known.
    pub machine_name: Option<String>,
}

/// A config file as the snapshot keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigSource {
    /// The config as read (flavor and path are taken from it).
    pub config: ConfigFile,
    /// Its decoded text.
    pub text: String,
    /// The encoding it was found in.
    pub encoding: Encoding,
}

/// A snapshot read back.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SnapshotRead {
    /// The machine, as the original sources gave it.
    pub machine: Machine,
    /// The decoded text of each config, in `machine.configs` order.
    pub config_texts: Vec<String>,
    /// Facts about the capture.
    pub meta: SnapshotMeta,
}

#[derive(Serialize, Deserialize)]
struct Document {
    schema: String,
    schema_version: u32,
    #[serde(flatten)]
    meta: SnapshotMeta,
    configs: Vec<ConfigDocument>,
    mappings_known: bool,
    mappings: Vec<MappingDocument>,
    certificates_known: bool,
    certificates: Vec<CertificateDocument>,
    ccs_settings: Option<CcsDocument>,
    // Added after version 1 without a version bump: optional, so that older snapshots read.
    #[serde(default)]
    url_reservations_known: bool,
    #[serde(default)]
    url_reservations: Vec<ReservationDocument>,
    #[serde(default)]
    excluded_ports_known: bool,
    #[serde(default)]
    excluded_ports: Vec<PortRangeDocument>,
    warnings: Vec<WarningDocument>,
}

#[derive(Serialize, Deserialize)]
struct ReservationDocument {
    url: String,
    users: Vec<ReservationUserDocument>,
    sddl: Option<String>,
    source: OriginDocument,
}

#[derive(Serialize, Deserialize)]
struct ReservationUserDocument {
    name: String,
    listen: Option<bool>,
    delegate: Option<bool>,
}

#[derive(Serialize, Deserialize)]
struct PortRangeDocument {
    start: u16,
    end: u16,
    administered: bool,
    source: OriginDocument,
}

#[derive(Serialize, Deserialize)]
struct ConfigDocument {
    path: String,
    server: String,
    encoding: String,
    text: String,
}

#[derive(Serialize, Deserialize)]
struct MappingDocument {
    kind: String,
    key: String,
    certificate_hash: Option<String>,
    app_id: Option<String>,
    certificate_store: Option<String>,
    cert_check_mode: CheckModeDocument,
    revocation_freshness_time: Option<u32>,
    url_retrieval_timeout: Option<u32>,
    ctl_identifier: Option<String>,
    ctl_store_name: Option<String>,
    default_flags: u32,
    flags_known: bool,
    extended_properties: Vec<PropertyDocument>,
    unknown_fields: Vec<[String; 2]>,
    truncated: bool,
    source: OriginDocument,
}

#[derive(Serialize, Deserialize)]
struct CheckModeDocument {
    verify_client_cert_revocation: Option<bool>,
    verify_revocation_cached_only: Option<bool>,
    revocation_freshness_time_enabled: Option<bool>,
    usage_check: Option<bool>,
}

#[derive(Serialize, Deserialize)]
struct PropertyDocument {
    property_id: Option<u32>,
    values: Vec<[String; 2]>,
}

#[derive(Serialize, Deserialize)]
struct CertificateDocument {
    thumbprint: String,
    der_hex: String,
    store: Option<String>,
    has_private_key: Option<bool>,
    source: OriginDocument,
}

#[derive(Serialize, Deserialize)]
struct CcsDocument {
    enabled: bool,
    folder: Option<String>,
    polling_interval: Option<u32>,
    user_name: Option<String>,
    password_set: bool,
    private_key_password_set: bool,
    source: OriginDocument,
}

#[derive(Serialize, Deserialize)]
struct WarningDocument {
    source: OriginDocument,
    message: String,
}

/// `{"path", "line", "column"}` for a place in a text file, `{"path", "byte_offset"}` for one
/// in a binary file, or the string `live` / `planned`.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum OriginDocument {
    File { path: String, line: u32, column: u32 },
    Binary { path: String, byte_offset: u64 },
    Whole { path: String },
    Other(String),
}

impl OriginDocument {
    fn of(origin: &Origin) -> OriginDocument {
        match origin {
            Origin::File(location) => match location.position {
                Position::LineColumn { line, column } => {
                    OriginDocument::File { path: location.path.to_string(), line, column }
                }
                Position::ByteOffset(byte_offset) => {
                    OriginDocument::Binary { path: location.path.to_string(), byte_offset }
                }
                Position::Whole => OriginDocument::Whole { path: location.path.to_string() },
            },
            Origin::Live => OriginDocument::Other("live".to_owned()),
            Origin::Planned => OriginDocument::Other("planned".to_owned()),
        }
    }

    fn origin(&self) -> Origin {
        match self {
            // Snapshots written before byte offsets had their own field put a hive's offset in
            // the column of line 0, which no text position has.
            OriginDocument::File { path, line: 0, column } => {
                Origin::File(Location::at_byte(&Arc::from(path.as_str()), u64::from(*column)))
            }
            OriginDocument::File { path, line, column } => {
                Origin::File(Location::new(&Arc::from(path.as_str()), *line, *column))
            }
            OriginDocument::Whole { path } => Origin::File(Location::whole(&Arc::from(path.as_str()))),
            OriginDocument::Binary { path, byte_offset } => {
                Origin::File(Location::at_byte(&Arc::from(path.as_str()), *byte_offset))
            }
            OriginDocument::Other(text) if text == "planned" => Origin::Planned,
            OriginDocument::Other(_) => Origin::Live,
        }
    }
}

fn encoding_name(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Utf8 => "utf-8",
        Encoding::Utf8Bom => "utf-8-bom",
        Encoding::Utf16Le => "utf-16le",
        Encoding::Utf16Be => "utf-16be",
        Encoding::Utf16LeNoBom => "utf-16le-no-bom",
        Encoding::Utf16BeNoBom => "utf-16be-no-bom",
    }
}

fn pairs(fields: &[(String, String)]) -> Vec<[String; 2]> {
    fields.iter().map(|(label, value)| [label.clone(), value.clone()]).collect()
}

/// Why a snapshot could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the snapshot could not be serialised as JSON: {reason}")]
#[non_exhaustive]
pub struct SnapshotWriteError {
    /// serde_json's reason.
    pub reason: String,
}

/// The snapshot of `machine` as pretty JSON. `configs[i]` must describe `machine.configs[i]`.
///
/// Fails rather than giving an empty or partial document when serialisation fails, so that
/// a snapshot file is never replaced by one that does not read back.
pub fn write_snapshot(
    machine: &Machine,
    configs: &[ConfigSource],
    meta: &SnapshotMeta,
) -> Result<String, SnapshotWriteError> {
    let document = Document {
        schema: SCHEMA.to_owned(),
        schema_version: SCHEMA_VERSION,
        meta: meta.clone(),
        configs: configs
            .iter()
            .map(|source| ConfigDocument {
                path: source.config.path.to_string(),
                server: source.config.flavor.as_str().to_owned(),
                encoding: encoding_name(source.encoding).to_owned(),
                text: source.text.clone(),
            })
            .collect(),
        mappings_known: machine.mappings_known,
        mappings: machine.mappings.iter().map(mapping_document).collect(),
        certificates_known: machine.certificates_known,
        certificates: machine
            .certificates
            .iter()
            .map(|certificate| CertificateDocument {
                thumbprint: certificate.thumbprint.to_string(),
                der_hex: certificate.der.iter().map(|byte| format!("{byte:02x}")).collect(),
                store: certificate.store.clone(),
                has_private_key: certificate.has_private_key,
                source: OriginDocument::of(&certificate.origin),
            })
            .collect(),
        ccs_settings: machine.ccs_settings.as_ref().map(|settings| CcsDocument {
            enabled: settings.enabled,
            folder: settings.folder.clone(),
            polling_interval: settings.polling_interval,
            user_name: settings.user_name.clone(),
            password_set: settings.password_set,
            private_key_password_set: settings.private_key_password_set,
            source: OriginDocument::of(&settings.origin),
        }),
        url_reservations_known: machine.url_reservations_known,
        url_reservations: machine
            .url_reservations
            .iter()
            .map(|reservation| ReservationDocument {
                url: reservation.url.clone(),
                users: reservation
                    .users
                    .iter()
                    .map(|user| ReservationUserDocument {
                        name: user.name.clone(),
                        listen: user.listen,
                        delegate: user.delegate,
                    })
                    .collect(),
                sddl: reservation.sddl.clone(),
                source: OriginDocument::of(&reservation.origin),
            })
            .collect(),
        excluded_ports_known: machine.excluded_ports_known,
        excluded_ports: machine
            .excluded_ports
            .iter()
            .map(|range| PortRangeDocument {
                start: range.start,
                end: range.end,
                administered: range.administered,
                source: OriginDocument::of(&range.origin),
            })
            .collect(),
        warnings: machine
            .warnings
            .iter()
            .map(|warning| WarningDocument {
                source: OriginDocument::of(&Origin::File(warning.location.clone())),
                message: warning.message.clone(),
            })
            .collect(),
    };
    pretty_json(&document)
}

/// `document` as pretty JSON ending with a newline.
fn pretty_json(document: &impl Serialize) -> Result<String, SnapshotWriteError> {
    let mut text = serde_json::to_string_pretty(document)
        .map_err(|error| SnapshotWriteError { reason: error.to_string() })?;
    text.push('\n');
    Ok(text)
}

fn mapping_document(mapping: &Mapping) -> MappingDocument {
    let params = &mapping.params;
    MappingDocument {
        kind: mapping.key.kind().as_str().to_owned(),
        key: mapping.key.to_string(),
        certificate_hash: mapping.certificate_hash.map(|hash| hash.to_string()),
        app_id: mapping.app_id.map(|app_id| app_id.to_string()),
        certificate_store: mapping.certificate_store.clone(),
        cert_check_mode: CheckModeDocument {
            verify_client_cert_revocation: params.verify_client_cert_revocation,
            verify_revocation_cached_only: params.verify_revocation_cached_only,
            revocation_freshness_time_enabled: params.revocation_freshness_time_enabled,
            usage_check: params.usage_check,
        },
        revocation_freshness_time: params.revocation_freshness_time,
        url_retrieval_timeout: params.url_retrieval_timeout,
        ctl_identifier: params.ctl_identifier.clone(),
        ctl_store_name: params.ctl_store_name.clone(),
        default_flags: mapping.flags.bits(),
        flags_known: mapping.flags_known,
        extended_properties: mapping
            .extended_properties
            .iter()
            .map(|property| PropertyDocument {
                property_id: property.property_id,
                values: pairs(&property.values),
            })
            .collect(),
        unknown_fields: pairs(&mapping.unknown_fields),
        truncated: mapping.truncated,
        source: OriginDocument::of(&mapping.origin),
    }
}

/// Reads a snapshot written by [`write_snapshot`] (or by a tool that follows the schema).
pub fn read_snapshot(path: &Arc<str>, bytes: &[u8]) -> Result<SnapshotRead, SourceError> {
    let text = crate::text::decode(bytes).text;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|error| json_error(path, &error))?;
    let schema = value.get("schema").and_then(serde_json::Value::as_str);
    if schema != Some(SCHEMA) {
        return Err(SourceError::new(
            path,
            1,
            1,
            format!("not an sslbind snapshot: `schema` is not `{SCHEMA}`"),
        ));
    }
    let version = value.get("schema_version").and_then(serde_json::Value::as_u64).unwrap_or(0);
    if version > u64::from(SCHEMA_VERSION) {
        return Err(SourceError::new(
            path,
            1,
            1,
            format!(
                "this snapshot has schema version {version}, written by a newer sslbind; this one reads up to \
                 version {SCHEMA_VERSION}: upgrade sslbind to read it"
            ),
        ));
    }
    let document: Document = serde_json::from_value(value).map_err(|error| {
        SourceError::new(
            path,
            1,
            1,
            format!("the snapshot does not follow schema version {version}: {error}"),
        )
    })?;
    let invalid = |message: String| SourceError::new(path, 1, 1, message);

    let mut machine = Machine {
        mappings_known: document.mappings_known,
        certificates_known: document.certificates_known,
        url_reservations_known: document.url_reservations_known,
        excluded_ports_known: document.excluded_ports_known,
        ..Machine::default()
    };
    machine.url_reservations = document
        .url_reservations
        .iter()
        .map(|reservation| UrlReservation {
            url: reservation.url.clone(),
            prefix: crate::httpsys::parse_url_prefix(&reservation.url).ok(),
            users: reservation
                .users
                .iter()
                .map(|user| ReservationUser {
                    name: user.name.clone(),
                    listen: user.listen,
                    delegate: user.delegate,
                })
                .collect(),
            sddl: reservation.sddl.clone(),
            origin: reservation.source.origin(),
        })
        .collect();
    for range in &document.excluded_ports {
        if range.start > range.end {
            return Err(invalid(format!(
                "excluded port range {}-{} ends before it starts",
                range.start, range.end
            )));
        }
        machine.excluded_ports.push(ExcludedPortRange {
            start: range.start,
            end: range.end,
            administered: range.administered,
            origin: range.source.origin(),
        });
    }
    let mut config_texts = Vec::new();
    for config in &document.configs {
        let flavor = match config.server.as_str() {
            "iis" => ServerFlavor::Iis,
            "iis-express" => ServerFlavor::IisExpress,
            other => return Err(invalid(format!("config {}: unknown server `{other}`", config.path))),
        };
        let read = read_config(&Arc::from(config.path.as_str()), config.text.as_bytes(), Some(flavor))?;
        machine.configs.push(read.config);
        config_texts.push(config.text.clone());
    }
    for mapping in &document.mappings {
        machine.mappings.push(mapping_from(mapping).map_err(invalid)?);
    }
    for certificate in &document.certificates {
        let der = from_hex(&certificate.der_hex).ok_or_else(|| {
            invalid(format!("certificate {}: `der_hex` is not hex", certificate.thumbprint))
        })?;
        let mut read = certificate_from_der(&der, certificate.source.origin())
            .map_err(|error| invalid(format!("certificate {}: {error}", certificate.thumbprint)))?;
        if read.thumbprint.to_string() != certificate.thumbprint.to_ascii_uppercase() {
            return Err(invalid(format!(
                "certificate {}: its DER hashes to {}, not to the thumbprint given",
                certificate.thumbprint, read.thumbprint
            )));
        }
        read.store = certificate.store.clone();
        read.has_private_key = certificate.has_private_key;
        machine.certificates.push(read);
    }
    machine.ccs_settings = document.ccs_settings.as_ref().map(|settings| CcsSettings {
        enabled: settings.enabled,
        folder: settings.folder.clone(),
        polling_interval: settings.polling_interval,
        user_name: settings.user_name.clone(),
        password_set: settings.password_set,
        private_key_password_set: settings.private_key_password_set,
        origin: settings.source.origin(),
    });
    machine.warnings = document
        .warnings
        .iter()
        .filter_map(|warning| match warning.source.origin() {
            Origin::File(location) => Some(SourceWarning { location, message: warning.message.clone() }),
            Origin::Live | Origin::Planned => None,
        })
        .collect();
    Ok(SnapshotRead { machine, config_texts, meta: document.meta })
}

fn mapping_from(document: &MappingDocument) -> Result<Mapping, String> {
    let key_error = || format!("mapping `{}`: not a valid {} key", document.key, document.kind);
    let key = match document.kind.as_str() {
        "ip" => MappingKey::Ip(document.key.parse::<SocketAddr>().map_err(|_| key_error())?),
        "sni" | "scoped-ccs" => {
            let (host, port) = document.key.rsplit_once(':').ok_or_else(key_error)?;
            let port = port.parse::<u16>().map_err(|_| key_error())?;
            if document.kind == "sni" {
                MappingKey::Sni { host: host.into(), port }
            } else {
                MappingKey::ScopedCcs { host: host.into(), port }
            }
        }
        "ccs" => MappingKey::Ccs { port: document.key.parse::<u16>().map_err(|_| key_error())? },
        other => return Err(format!("mapping `{}`: unknown kind `{other}`", document.key)),
    };
    let mut mapping = Mapping::new(key, document.source.origin());
    mapping.certificate_hash = document
        .certificate_hash
        .as_deref()
        .map(Thumbprint::parse)
        .transpose()
        .map_err(|error| format!("mapping `{}`: certificate_hash: {error}", document.key))?;
    mapping.app_id = document
        .app_id
        .as_deref()
        .map(AppId::parse)
        .transpose()
        .map_err(|error| format!("mapping `{}`: app_id: {error}", document.key))?;
    mapping.certificate_store = document.certificate_store.clone();
    mapping.params = MappingParams {
        verify_client_cert_revocation: document.cert_check_mode.verify_client_cert_revocation,
        verify_revocation_cached_only: document.cert_check_mode.verify_revocation_cached_only,
        revocation_freshness_time_enabled: document.cert_check_mode.revocation_freshness_time_enabled,
        usage_check: document.cert_check_mode.usage_check,
        revocation_freshness_time: document.revocation_freshness_time,
        url_retrieval_timeout: document.url_retrieval_timeout,
        ctl_identifier: document.ctl_identifier.clone(),
        ctl_store_name: document.ctl_store_name.clone(),
    };
    mapping.flags = DefaultFlags::from_bits_retain(document.default_flags);
    mapping.flags_known = document.flags_known;
    mapping.extended_properties = document
        .extended_properties
        .iter()
        .map(|property| ExtendedProperty {
            property_id: property.property_id,
            values: property.values.iter().map(|[label, value]| (label.clone(), value.clone())).collect(),
        })
        .collect();
    mapping.unknown_fields =
        document.unknown_fields.iter().map(|[label, value]| (label.clone(), value.clone())).collect();
    mapping.truncated = document.truncated;
    Ok(mapping)
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|start| text.get(start..start + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

fn json_error(path: &Arc<str>, error: &serde_json::Error) -> SourceError {
    let line = u32::try_from(error.line()).unwrap_or(u32::MAX).max(1);
    let column = u32::try_from(error.column()).unwrap_or(u32::MAX).max(1);
    SourceError::new(path, line, column, format!("not a valid snapshot: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value whose serialisation fails, as a map with non-string keys does.
    struct Unserialisable;

    impl Serialize for Unserialisable {
        fn serialize<S: serde::Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("not representable"))
        }
    }

    #[test]
    fn a_failed_serialisation_is_an_error_not_an_empty_document() {
        let error = pretty_json(&Unserialisable).expect_err("fails");
        assert_eq!(error.to_string(), "the snapshot could not be serialised as JSON: not representable");
        assert_eq!(pretty_json(&[1, 2]).expect("serialises"), "[\n  1,\n  2\n]\n");
    }
}

//! Buffers HTTP.sys returns, read into model values: the `…_SET` records, their `…_SET_EX`
//! extended parameters and URL reservations. Every read goes through the bounds-checked
//! `Reader`; what is kept but odd (a hash of the wrong length, a name that is not valid
//! UTF-16) becomes a warning, and what cannot be read is a [`DecodeError`].

use std::mem::{offset_of, size_of};

use sslbind_core::Origin;
use sslbind_core::httpsys::parse_url_prefix;
use sslbind_core::httpsys::urlacl::users_from_sddl;
use sslbind_core::model::{
    DefaultFlags, ExtendedProperty, Mapping, MappingKey, MappingKind, Thumbprint, UrlReservation,
};
use windows_sys::Win32::Networking::HttpServer::{
    ExParamTypeErrorHeaders, ExParamTypeHttp2SettingsLimits, ExParamTypeHttp2Window,
    ExParamTypeHttpPerformance, ExParamTypeTlsRestrictions, ExParamTypeTlsSessionTicketKeys,
    HTTP_ERROR_HEADERS_PARAM, HTTP_PERFORMANCE_PARAM, HTTP_SERVICE_CONFIG_SSL_PARAM_EX,
    HTTP_SERVICE_CONFIG_URLACL_KEY, HTTP_SERVICE_CONFIG_URLACL_PARAM, HTTP_SERVICE_CONFIG_URLACL_SET,
    HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE, HTTP_TLS_RESTRICTIONS_PARAM, HTTP_TLS_SESSION_TICKET_KEYS_PARAM,
    HTTP_UNKNOWN_HEADER, HTTP2_SETTINGS_LIMITS_PARAM, HTTP2_WINDOW_SIZE_PARAM,
};

use super::app_id_from_guid;
use super::layout::{ex_layout, param, set_layout};
use super::reader::Reader;

// The parameter types as pattern-friendly names (the encoder matches on them too).
pub(super) const HTTP2_WINDOW: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE = ExParamTypeHttp2Window;
pub(super) const HTTP2_SETTINGS_LIMITS: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE =
    ExParamTypeHttp2SettingsLimits;
pub(super) const HTTP_PERFORMANCE: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE = ExParamTypeHttpPerformance;
pub(super) const TLS_RESTRICTIONS: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE = ExParamTypeTlsRestrictions;
pub(super) const ERROR_HEADERS: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE = ExParamTypeErrorHeaders;
pub(super) const TLS_SESSION_TICKET_KEYS: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE =
    ExParamTypeTlsSessionTicketKeys;

/// The labels an extended property's values get, read back by the encoder: netsh's for the
/// HTTP/2 parameters, the `windows-sys` field names for the others.
pub(super) mod labels {
    pub(in super::super) const RECEIVE_WINDOW: &str = "Receive Window";
    pub(in super::super) const MAX_SETTINGS_PER_FRAME: &str = "Max Settings Per Frame";
    pub(in super::super) const MAX_SETTINGS_PER_MINUTE: &str = "Max Settings Per Minute";
    pub(in super::super) const TYPE: &str = "Type";
    pub(in super::super) const BUFFER_SIZE: &str = "BufferSize";
    pub(in super::super) const BUFFER: &str = "Buffer";
    pub(in super::super) const RESTRICTION_COUNT: &str = "RestrictionCount";
    pub(in super::super) const STATUS_CODE: &str = "StatusCode";
    pub(in super::super) const HEADER_COUNT: &str = "HeaderCount";
    pub(in super::super) const HEADER: &str = "Header";
    pub(in super::super) const SESSION_TICKET_KEY_COUNT: &str = "SessionTicketKeyCount";
    pub(in super::super) const FLAGS: &str = "Flags";
}

/// `HTTP_PERFORMANCE_PARAM_TYPE`'s values by name, in the order of their numbers.
pub(super) const PERFORMANCE_PARAM_NAMES: [&str; 6] = [
    "SendBufferingFlags",
    "AggressiveICW",
    "MaxSendBufferSize",
    "MaxConcurrentClientStreams",
    "MaxReceiveBufferSize",
    "DecryptOnSspiThread",
];

/// Why a buffer returned by HTTP.sys was not read. Every case is a refusal to read memory the
/// buffer does not hold, or a value the model cannot represent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The buffer is shorter than the structure (or a field) it should hold.
    #[error("the buffer holds {available} bytes, but {what} needs {needed}")]
    TooShort {
        /// The structure or field.
        what: &'static str,
        /// The bytes needed from the start of the buffer.
        needed: usize,
        /// The buffer's length.
        available: usize,
    },
    /// A pointer, with the bytes it must cover, does not lie inside the buffer.
    #[error(
        "`{field}` points outside the buffer ({length} bytes at {pointer:#x}; the buffer is {buffer_length} bytes at {base:#x})"
    )]
    PointerOutside {
        /// The pointer field.
        field: &'static str,
        /// The pointer's value.
        pointer: usize,
        /// How many bytes it must cover.
        length: usize,
        /// The buffer's address.
        base: usize,
        /// The buffer's length.
        buffer_length: usize,
    },
    /// A string does not end with a NUL inside the buffer.
    #[error("the string `{field}` points to is not NUL-terminated inside the buffer")]
    MissingNul {
        /// The pointer field.
        field: &'static str,
    },
    /// A pointer that must not be null is.
    #[error("`{field}` is a null pointer")]
    NullPointer {
        /// The pointer field.
        field: &'static str,
    },
    /// A socket address of a family other than IPv4 and IPv6.
    #[error("`{field}` has address family {family}, neither AF_INET (2) nor AF_INET6 (23)")]
    UnknownFamily {
        /// The address field.
        field: &'static str,
        /// The family found.
        family: u16,
    },
    /// A value the model cannot hold (an empty host name, a negative parameter type).
    #[error("`{field}` is invalid: {reason}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// Why.
        reason: String,
    },
}

/// A record read from a buffer, with what could be read but deserves a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedRecord {
    /// The mapping, with `origin` [`Origin::Live`] and `flags_known` set (the structure holds
    /// the whole `DefaultFlags` word).
    pub mapping: Mapping,
    /// Things kept but worth saying (a hash of the wrong length, a name that is not valid
    /// UTF-16), as sentence fragments.
    pub warnings: Vec<String>,
}

/// One extended parameter read from a `…_SET_EX` buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedExRecord {
    /// The record it belongs to.
    pub key: MappingKey,
    /// The parameter, named as netsh names it.
    pub property: ExtendedProperty,
    /// Things worth saying.
    pub warnings: Vec<String>,
}

/// Reads the `…_SET` structure of `kind` at the start of `buffer`, whose pointers are
/// relative to `base` (the buffer's address when HTTP.sys filled it).
pub fn decode_record(kind: MappingKind, buffer: &[u8], base: usize) -> Result<DecodedRecord, DecodeError> {
    let reader = Reader { buffer, base };
    let layout = set_layout(kind);
    reader.need(layout.name, layout.size)?;
    let mut warnings = Vec::new();
    let key = reader.key(kind, layout.key, &mut warnings)?;
    let mut mapping = Mapping::new(key, Origin::Live);
    mapping.flags_known = true;
    let p = layout.param;

    let hash_length = reader.u32(p + param::HASH_LENGTH)?;
    let hash_pointer = reader.pointer(p + param::HASH)?;
    if hash_length > 0 {
        if hash_pointer == 0 {
            return Err(DecodeError::NullPointer { field: "pSslHash" });
        }
        let length = usize::try_from(hash_length).unwrap_or(usize::MAX);
        let hash = reader.target(hash_pointer, length, "pSslHash")?;
        match <[u8; 20]>::try_from(hash) {
            Ok(bytes) => mapping.certificate_hash = Some(Thumbprint(bytes)),
            Err(_) => {
                warnings.push(format!(
                    "mapping {}: the certificate hash is {hash_length} bytes, not the 20 of a SHA-1 \
                     thumbprint; kept as an unknown field",
                    mapping.key
                ));
                mapping.unknown_fields.push(("SslCertHash".to_owned(), hex(hash)));
            }
        }
    }
    mapping.app_id = Some(app_id_from_guid(&reader.guid(p + param::APP_ID)?));
    mapping.certificate_store = reader.wide_string(p + param::STORE, "pSslCertStoreName", &mut warnings)?;
    mapping.params.set_cert_check_mode(reader.u32(p + param::CHECK_MODE)?);
    mapping.params.revocation_freshness_time = Some(reader.u32(p + param::FRESHNESS)?);
    mapping.params.url_retrieval_timeout = Some(reader.u32(p + param::TIMEOUT)?);
    mapping.params.ctl_identifier =
        reader.wide_string(p + param::CTL_IDENTIFIER, "pDefaultSslCtlIdentifier", &mut warnings)?;
    mapping.params.ctl_store_name =
        reader.wide_string(p + param::CTL_STORE, "pDefaultSslCtlStoreName", &mut warnings)?;
    mapping.flags = DefaultFlags::from_bits_retain(reader.u32(p + param::FLAGS)?);
    Ok(DecodedRecord { mapping, warnings })
}

/// Reads the `…_SET_EX` structure of `kind` at the start of `buffer` (pointers relative to
/// `base`): the record's key and its one extended parameter.
///
/// HTTP/2 parameters get netsh's labels (`Receive Window`, `Max Settings Per Frame`, `Max
/// Settings Per Minute`); the others are labelled by their `windows-sys` field names. Session
/// ticket keys and TLS restrictions are only counted: their contents are never read.
pub fn decode_ex_record(
    kind: MappingKind,
    buffer: &[u8],
    base: usize,
) -> Result<DecodedExRecord, DecodeError> {
    let reader = Reader { buffer, base };
    let layout = ex_layout(kind);
    reader.need(layout.name, layout.size)?;
    let mut warnings = Vec::new();
    let key = reader.key(kind, layout.key, &mut warnings)?;
    let p = layout.param;
    let param_type = reader.i32(p + offset_of!(HTTP_SERVICE_CONFIG_SSL_PARAM_EX, ParamType))?;
    let flags = reader.u64(p + offset_of!(HTTP_SERVICE_CONFIG_SSL_PARAM_EX, Flags))?;
    let union = p + offset_of!(HTTP_SERVICE_CONFIG_SSL_PARAM_EX, Anonymous);
    let property_id = u32::try_from(param_type).map_err(|_| DecodeError::Invalid {
        field: "ParamType",
        reason: format!("negative ({param_type})"),
    })?;
    let mut values: Vec<(String, String)> = Vec::new();
    let mut value = |label: &str, text: String| values.push((label.to_owned(), text));
    match param_type {
        HTTP2_WINDOW => {
            value(
                labels::RECEIVE_WINDOW,
                reader.u32(union + offset_of!(HTTP2_WINDOW_SIZE_PARAM, Http2ReceiveWindowSize))?.to_string(),
            );
        }
        HTTP2_SETTINGS_LIMITS => {
            let at = |field| union + field;
            value(
                labels::MAX_SETTINGS_PER_FRAME,
                reader.u32(at(offset_of!(HTTP2_SETTINGS_LIMITS_PARAM, Http2MaxSettingsPerFrame)))?.to_string(),
            );
            value(
                labels::MAX_SETTINGS_PER_MINUTE,
                reader.u32(at(offset_of!(HTTP2_SETTINGS_LIMITS_PARAM, Http2MaxSettingsPerMinute)))?.to_string(),
            );
        }
        HTTP_PERFORMANCE => {
            let kind = reader.i32(union + offset_of!(HTTP_PERFORMANCE_PARAM, Type))?;
            let size = reader.u32(union + offset_of!(HTTP_PERFORMANCE_PARAM, BufferSize))?;
            let pointer = reader.pointer(union + offset_of!(HTTP_PERFORMANCE_PARAM, Buffer))?;
            value(labels::TYPE, performance_param_name(kind));
            value(labels::BUFFER_SIZE, size.to_string());
            if pointer != 0 && size > 0 {
                let bytes = reader.target(pointer, usize::try_from(size).unwrap_or(usize::MAX), "Buffer")?;
                value(labels::BUFFER, render_number_or_hex(bytes));
            }
        }
        TLS_RESTRICTIONS => {
            let count = reader.u32(union + offset_of!(HTTP_TLS_RESTRICTIONS_PARAM, RestrictionCount))?;
            value(labels::RESTRICTION_COUNT, count.to_string());
        }
        ERROR_HEADERS => {
            let status = reader.u16(union + offset_of!(HTTP_ERROR_HEADERS_PARAM, StatusCode))?;
            let count = reader.u16(union + offset_of!(HTTP_ERROR_HEADERS_PARAM, HeaderCount))?;
            let headers = reader.pointer(union + offset_of!(HTTP_ERROR_HEADERS_PARAM, Headers))?;
            value(labels::STATUS_CODE, status.to_string());
            value(labels::HEADER_COUNT, count.to_string());
            if count > 0 {
                if headers == 0 {
                    return Err(DecodeError::NullPointer { field: "Headers" });
                }
                let size = size_of::<HTTP_UNKNOWN_HEADER>();
                let table = reader.target_offset(headers, usize::from(count) * size, "Headers")?;
                for index in 0..usize::from(count) {
                    let header = table + index * size;
                    let name = reader.ansi(
                        header + offset_of!(HTTP_UNKNOWN_HEADER, pName),
                        header + offset_of!(HTTP_UNKNOWN_HEADER, NameLength),
                        "pName",
                    )?;
                    let raw = reader.ansi(
                        header + offset_of!(HTTP_UNKNOWN_HEADER, pRawValue),
                        header + offset_of!(HTTP_UNKNOWN_HEADER, RawValueLength),
                        "pRawValue",
                    )?;
                    value(labels::HEADER, format!("{name}: {raw}"));
                }
            }
        }
        TLS_SESSION_TICKET_KEYS => {
            // The keys themselves are secrets: only how many there are is reported.
            let count =
                reader.u32(union + offset_of!(HTTP_TLS_SESSION_TICKET_KEYS_PARAM, SessionTicketKeyCount))?;
            value(labels::SESSION_TICKET_KEY_COUNT, count.to_string());
        }
        other => warnings.push(format!(
            "mapping {key}: extended parameter type {other} is unknown to this sslbind; its values were not read"
        )),
    }
    if flags != 0 {
        value(labels::FLAGS, flags.to_string());
    }
    Ok(DecodedExRecord {
        key,
        property: ExtendedProperty { property_id: Some(property_id), values },
        warnings,
    })
}

fn performance_param_name(kind: i32) -> String {
    let name = usize::try_from(kind).ok().and_then(|index| PERFORMANCE_PARAM_NAMES.get(index));
    match name {
        Some(name) => (*name).to_owned(),
        None => kind.to_string(),
    }
}

/// A little-endian number for buffers of 1, 2, 4 or 8 bytes, hex otherwise.
fn render_number_or_hex(bytes: &[u8]) -> String {
    match bytes.len() {
        1 | 2 | 4 | 8 => {
            let mut word = [0u8; 8];
            word[..bytes.len()].copy_from_slice(bytes);
            u64::from_le_bytes(word).to_string()
        }
        _ => hex(bytes),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A URL reservation read from an `HTTP_SERVICE_CONFIG_URLACL_SET` buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedReservation {
    /// The reservation, with `origin` [`Origin::Live`].
    pub reservation: UrlReservation,
    /// Things kept but worth saying (a prefix that does not parse, a string that is not
    /// valid UTF-16), as sentence fragments.
    pub warnings: Vec<String>,
}

/// Reads the `HTTP_SERVICE_CONFIG_URLACL_SET` structure at the start of `buffer`, whose
/// pointers are relative to `base`: the URL prefix (`KeyDesc.pUrlPrefix`) and the security
/// descriptor in SDDL (`ParamDesc.pStringSecurityDescriptor`), whose users are read as
/// `netsh http show urlacl` shows them.
pub fn decode_urlacl_record(buffer: &[u8], base: usize) -> Result<DecodedReservation, DecodeError> {
    let reader = Reader { buffer, base };
    reader.need("HTTP_SERVICE_CONFIG_URLACL_SET", size_of::<HTTP_SERVICE_CONFIG_URLACL_SET>())?;
    let mut warnings = Vec::new();
    let url_at = offset_of!(HTTP_SERVICE_CONFIG_URLACL_SET, KeyDesc)
        + offset_of!(HTTP_SERVICE_CONFIG_URLACL_KEY, pUrlPrefix);
    let sddl_at = offset_of!(HTTP_SERVICE_CONFIG_URLACL_SET, ParamDesc)
        + offset_of!(HTTP_SERVICE_CONFIG_URLACL_PARAM, pStringSecurityDescriptor);
    let url = reader
        .wide_string(url_at, "pUrlPrefix", &mut warnings)?
        .ok_or(DecodeError::NullPointer { field: "pUrlPrefix" })?;
    if url.is_empty() {
        return Err(DecodeError::Invalid {
            field: "pUrlPrefix",
            reason: "the URL prefix is empty".to_owned(),
        });
    }
    let sddl = reader.wide_string(sddl_at, "pStringSecurityDescriptor", &mut warnings)?;
    let prefix = match parse_url_prefix(&url) {
        Ok(prefix) => Some(prefix),
        Err(reason) => {
            warnings
                .push(format!("the reserved URL `{url}` is not a URL prefix ({reason}); it is kept as text"));
            None
        }
    };
    let users = match &sddl {
        Some(sddl) => users_from_sddl(sddl),
        None => {
            warnings.push(format!("the reservation of `{url}` has no security descriptor"));
            Vec::new()
        }
    };
    Ok(DecodedReservation {
        reservation: UrlReservation { url, prefix, users, sddl, origin: Origin::Live },
        warnings,
    })
}

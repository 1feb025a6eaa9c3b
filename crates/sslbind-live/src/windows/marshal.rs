//! HTTP.sys's SSL configuration structures, turned into model values and back, without a
//! single Windows call, so that this layer is tested on every platform.
//!
//! `HttpQueryServiceConfiguration` fills a caller's buffer with one `HTTP_SERVICE_CONFIG_*_SET`
//! structure at its start whose pointers (the socket address of an IP record, the certificate
//! hash, the host and store names) point *into the same buffer*. Following such a pointer
//! blindly would trust the operating system (and this code's idea of the layout) with memory
//! safety. The decoder here never dereferences a pointer: it reads the buffer as bytes at the
//! offsets `windows-sys` gives for each field (`offset_of!` on the real structures), treats
//! every pointer as a number, checks that it lies inside the buffer together with everything
//! it must cover (a NUL-terminated string, `SslHashLength` bytes, a whole `SOCKADDR_IN6`), and
//! only then reads those bytes. A malformed buffer is an error, never a panic or an
//! out-of-bounds read. The caller passes the buffer's bytes and the address the pointers are
//! relative to, which lets tests build buffers anywhere (a `Vec<u8>` with "pointers" made from
//! a made-up base address).
//!
//! The other direction, [`encode_set`] and [`encode_delete`], lays out a structure plus its
//! socket address, hash and UTF-16 strings in one owned, 8-byte-aligned allocation whose
//! pointers point into itself, ready to pass to `HttpSetServiceConfiguration`,
//! `HttpUpdateServiceConfiguration` or `HttpDeleteServiceConfiguration`, and alive as long as
//! the [`EncodedRecord`] is. Decoding an encoded record gives the mapping back; the tests rely
//! on that.
//!
//! Windows is little-endian on every architecture it runs on, so multi-byte fields are read
//! and written little-endian (ports big-endian, as `sin_port` is in network order).

use std::mem::{offset_of, size_of};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use sslbind_core::Origin;
use sslbind_core::httpsys::parse_url_prefix;
use sslbind_core::httpsys::urlacl::users_from_sddl;
use sslbind_core::model::{
    AppId, DefaultFlags, ExtendedProperty, Mapping, MappingKey, MappingKind, MappingParams, Thumbprint,
    UrlReservation,
};
use windows_sys::Win32::Networking::HttpServer::{
    ExParamTypeErrorHeaders, ExParamTypeHttp2SettingsLimits, ExParamTypeHttp2Window,
    ExParamTypeHttpPerformance, ExParamTypeTlsRestrictions, ExParamTypeTlsSessionTicketKeys,
    HTTP_ERROR_HEADERS_PARAM, HTTP_PERFORMANCE_PARAM, HTTP_SERVICE_CONFIG_ID,
    HTTP_SERVICE_CONFIG_SSL_CCS_KEY, HTTP_SERVICE_CONFIG_SSL_CCS_SET, HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX,
    HTTP_SERVICE_CONFIG_SSL_KEY, HTTP_SERVICE_CONFIG_SSL_KEY_EX, HTTP_SERVICE_CONFIG_SSL_PARAM_EX,
    HTTP_SERVICE_CONFIG_SSL_SET, HTTP_SERVICE_CONFIG_SSL_SET_EX, HTTP_SERVICE_CONFIG_SSL_SNI_KEY,
    HTTP_SERVICE_CONFIG_SSL_SNI_SET, HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX, HTTP_SERVICE_CONFIG_URLACL_KEY,
    HTTP_SERVICE_CONFIG_URLACL_PARAM, HTTP_SERVICE_CONFIG_URLACL_SET, HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE,
    HTTP_TLS_RESTRICTIONS_PARAM, HTTP_TLS_SESSION_TICKET_KEYS_PARAM, HTTP_UNKNOWN_HEADER,
    HTTP2_SETTINGS_LIMITS_PARAM, HTTP2_WINDOW_SIZE_PARAM, HttpServiceConfigSSLCertInfo,
    HttpServiceConfigSslCcsCertInfo, HttpServiceConfigSslCcsCertInfoEx, HttpServiceConfigSslCertInfoEx,
    HttpServiceConfigSslScopedCcsCertInfo, HttpServiceConfigSslScopedCcsCertInfoEx,
    HttpServiceConfigSslSniCertInfo, HttpServiceConfigSslSniCertInfoEx, HttpServiceConfigUrlAclInfo,
};
use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6, SOCKADDR_IN, SOCKADDR_IN6};
use windows_sys::core::GUID;

/// The record kinds in the order HTTP.sys (and netsh) list them.
pub const KINDS: [MappingKind; 4] =
    [MappingKind::Ip, MappingKind::Sni, MappingKind::Ccs, MappingKind::ScopedCcs];

/// The extended parameter types this build of `windows-sys` knows (`ExParamTypeMax` = 6);
/// older Windows builds stop at 2.
pub const EX_PARAM_TYPES: [HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE; 6] = [
    ExParamTypeHttp2Window,
    ExParamTypeHttp2SettingsLimits,
    ExParamTypeHttpPerformance,
    ExParamTypeTlsRestrictions,
    ExParamTypeErrorHeaders,
    ExParamTypeTlsSessionTicketKeys,
];

// The parameter types as pattern-friendly names.
const HTTP2_WINDOW: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE = ExParamTypeHttp2Window;
const HTTP2_SETTINGS_LIMITS: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE = ExParamTypeHttp2SettingsLimits;
const HTTP_PERFORMANCE: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE = ExParamTypeHttpPerformance;
const TLS_RESTRICTIONS: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE = ExParamTypeTlsRestrictions;
const ERROR_HEADERS: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE = ExParamTypeErrorHeaders;
const TLS_SESSION_TICKET_KEYS: HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE = ExParamTypeTlsSessionTicketKeys;

/// The config ID that lists, sets and deletes records of `kind` (reference §2.2).
pub fn config_id(kind: MappingKind) -> HTTP_SERVICE_CONFIG_ID {
    match kind {
        MappingKind::Ip => HttpServiceConfigSSLCertInfo,
        MappingKind::Sni => HttpServiceConfigSslSniCertInfo,
        MappingKind::Ccs => HttpServiceConfigSslCcsCertInfo,
        MappingKind::ScopedCcs => HttpServiceConfigSslScopedCcsCertInfo,
    }
}

/// The config ID of URL reservations (`HttpServiceConfigUrlAclInfo`, 2).
pub const URLACL_CONFIG_ID: HTTP_SERVICE_CONFIG_ID = HttpServiceConfigUrlAclInfo;

/// The `…Ex` config ID of `kind`, whose records carry one extended parameter each.
pub fn ex_config_id(kind: MappingKind) -> HTTP_SERVICE_CONFIG_ID {
    match kind {
        MappingKind::Ip => HttpServiceConfigSslCertInfoEx,
        MappingKind::Sni => HttpServiceConfigSslSniCertInfoEx,
        MappingKind::Ccs => HttpServiceConfigSslCcsCertInfoEx,
        MappingKind::ScopedCcs => HttpServiceConfigSslScopedCcsCertInfoEx,
    }
}

/// The AppId a `windows-sys` [`GUID`] stands for. `GUID`'s fields are the canonical groups
/// (`data1` is `4dc3e181` of `{4dc3e181-e14b-…}`), so this equals
/// [`AppId::from_windows_bytes`] of the structure's bytes in memory.
pub fn app_id_from_guid(guid: &GUID) -> AppId {
    AppId(
        u128::from(guid.data1) << 96
            | u128::from(guid.data2) << 80
            | u128::from(guid.data3) << 64
            | u128::from(u64::from_be_bytes(guid.data4)),
    )
}

/// The `windows-sys` [`GUID`] of an AppId.
pub fn guid_from_app_id(app_id: AppId) -> GUID {
    GUID::from_u128(app_id.0)
}

// ---------------------------------------------------------------------------------------------
// Layouts: where the key and the parameters of each structure are.

const POINTER: usize = size_of::<usize>();

/// Where a record structure keeps its key.
#[derive(Clone, Copy)]
enum KeyLayout {
    /// `HTTP_SERVICE_CONFIG_SSL_KEY`: a pointer to a `SOCKADDR_IN` or `SOCKADDR_IN6`.
    AddressPointer { pointer: usize },
    /// A `SOCKADDR_STORAGE` inside the structure (`…_KEY_EX`, `…_CCS_KEY`).
    Storage { storage: usize },
    /// `HTTP_SERVICE_CONFIG_SSL_SNI_KEY`: a `SOCKADDR_STORAGE` (only its port counts) and a
    /// pointer to the host name.
    StorageAndHost { storage: usize, host: usize },
}

/// One `…_SET` or `…_SET_EX` structure.
#[derive(Clone, Copy)]
struct Layout {
    name: &'static str,
    size: usize,
    key: KeyLayout,
    /// The offset of `ParamDesc`.
    param: usize,
}

const SNI_KEY: KeyLayout = KeyLayout::StorageAndHost {
    storage: offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_KEY, IpPort),
    host: offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_KEY, Host),
};

/// The `…_SET` structure of `kind`. Scoped CCS records use the SNI structure: no header
/// names one of their own, and a public implementation uses `HTTP_SERVICE_CONFIG_SSL_SNI_SET`
/// (reference §2.2, UNCERTAIN).
fn set_layout(kind: MappingKind) -> Layout {
    match kind {
        MappingKind::Ip => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_SET",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_SET>(),
            key: KeyLayout::AddressPointer {
                pointer: offset_of!(HTTP_SERVICE_CONFIG_SSL_SET, KeyDesc)
                    + offset_of!(HTTP_SERVICE_CONFIG_SSL_KEY, pIpPort),
            },
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_SET, ParamDesc),
        },
        MappingKind::Sni | MappingKind::ScopedCcs => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_SNI_SET",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_SNI_SET>(),
            key: shifted(SNI_KEY, offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_SET, KeyDesc)),
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_SET, ParamDesc),
        },
        MappingKind::Ccs => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_CCS_SET",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_CCS_SET>(),
            key: KeyLayout::Storage {
                storage: offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_SET, KeyDesc)
                    + offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_KEY, LocalAddress),
            },
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_SET, ParamDesc),
        },
    }
}

/// The `…_SET_EX` structure of `kind`.
fn ex_layout(kind: MappingKind) -> Layout {
    match kind {
        MappingKind::Ip => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_SET_EX",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_SET_EX>(),
            key: KeyLayout::Storage {
                storage: offset_of!(HTTP_SERVICE_CONFIG_SSL_SET_EX, KeyDesc)
                    + offset_of!(HTTP_SERVICE_CONFIG_SSL_KEY_EX, IpPort),
            },
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_SET_EX, ParamDesc),
        },
        MappingKind::Sni | MappingKind::ScopedCcs => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX>(),
            key: shifted(SNI_KEY, offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX, KeyDesc)),
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_SET_EX, ParamDesc),
        },
        MappingKind::Ccs => Layout {
            name: "HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX",
            size: size_of::<HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX>(),
            key: KeyLayout::Storage {
                storage: offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX, KeyDesc)
                    + offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_KEY, LocalAddress),
            },
            param: offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_SET_EX, ParamDesc),
        },
    }
}

fn shifted(key: KeyLayout, by: usize) -> KeyLayout {
    match key {
        KeyLayout::AddressPointer { pointer } => KeyLayout::AddressPointer { pointer: pointer + by },
        KeyLayout::Storage { storage } => KeyLayout::Storage { storage: storage + by },
        KeyLayout::StorageAndHost { storage, host } => {
            KeyLayout::StorageAndHost { storage: storage + by, host: host + by }
        }
    }
}

/// Field offsets inside `HTTP_SERVICE_CONFIG_SSL_PARAM`.
mod param {
    use std::mem::offset_of;

    use windows_sys::Win32::Networking::HttpServer::HTTP_SERVICE_CONFIG_SSL_PARAM as P;

    pub const HASH_LENGTH: usize = offset_of!(P, SslHashLength);
    pub const HASH: usize = offset_of!(P, pSslHash);
    pub const APP_ID: usize = offset_of!(P, AppId);
    pub const STORE: usize = offset_of!(P, pSslCertStoreName);
    pub const CHECK_MODE: usize = offset_of!(P, DefaultCertCheckMode);
    pub const FRESHNESS: usize = offset_of!(P, DefaultRevocationFreshnessTime);
    pub const TIMEOUT: usize = offset_of!(P, DefaultRevocationUrlRetrievalTimeout);
    pub const CTL_IDENTIFIER: usize = offset_of!(P, pDefaultSslCtlIdentifier);
    pub const CTL_STORE: usize = offset_of!(P, pDefaultSslCtlStoreName);
    pub const FLAGS: usize = offset_of!(P, DefaultFlags);
}

// ---------------------------------------------------------------------------------------------
// Decoding.

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
                "Receive Window",
                reader.u32(union + offset_of!(HTTP2_WINDOW_SIZE_PARAM, Http2ReceiveWindowSize))?.to_string(),
            );
        }
        HTTP2_SETTINGS_LIMITS => {
            let at = |field| union + field;
            value(
                "Max Settings Per Frame",
                reader.u32(at(offset_of!(HTTP2_SETTINGS_LIMITS_PARAM, Http2MaxSettingsPerFrame)))?.to_string(),
            );
            value(
                "Max Settings Per Minute",
                reader.u32(at(offset_of!(HTTP2_SETTINGS_LIMITS_PARAM, Http2MaxSettingsPerMinute)))?.to_string(),
            );
        }
        HTTP_PERFORMANCE => {
            let kind = reader.i32(union + offset_of!(HTTP_PERFORMANCE_PARAM, Type))?;
            let size = reader.u32(union + offset_of!(HTTP_PERFORMANCE_PARAM, BufferSize))?;
            let pointer = reader.pointer(union + offset_of!(HTTP_PERFORMANCE_PARAM, Buffer))?;
            value("Type", performance_param_name(kind));
            value("BufferSize", size.to_string());
            if pointer != 0 && size > 0 {
                let bytes = reader.target(pointer, usize::try_from(size).unwrap_or(usize::MAX), "Buffer")?;
                value("Buffer", render_number_or_hex(bytes));
            }
        }
        TLS_RESTRICTIONS => {
            let count = reader.u32(union + offset_of!(HTTP_TLS_RESTRICTIONS_PARAM, RestrictionCount))?;
            value("RestrictionCount", count.to_string());
        }
        ERROR_HEADERS => {
            let status = reader.u16(union + offset_of!(HTTP_ERROR_HEADERS_PARAM, StatusCode))?;
            let count = reader.u16(union + offset_of!(HTTP_ERROR_HEADERS_PARAM, HeaderCount))?;
            let headers = reader.pointer(union + offset_of!(HTTP_ERROR_HEADERS_PARAM, Headers))?;
            value("StatusCode", status.to_string());
            value("HeaderCount", count.to_string());
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
                    value("Header", format!("{name}: {raw}"));
                }
            }
        }
        TLS_SESSION_TICKET_KEYS => {
            // The keys themselves are secrets: only how many there are is reported.
            let count =
                reader.u32(union + offset_of!(HTTP_TLS_SESSION_TICKET_KEYS_PARAM, SessionTicketKeyCount))?;
            value("SessionTicketKeyCount", count.to_string());
        }
        other => warnings.push(format!(
            "mapping {key}: extended parameter type {other} is unknown to this sslbind; its values were not read"
        )),
    }
    if flags != 0 {
        value("Flags", flags.to_string());
    }
    Ok(DecodedExRecord {
        key,
        property: ExtendedProperty { property_id: Some(property_id), values },
        warnings,
    })
}

fn performance_param_name(kind: i32) -> String {
    let name = match kind {
        0 => "SendBufferingFlags",
        1 => "AggressiveICW",
        2 => "MaxSendBufferSize",
        3 => "MaxConcurrentClientStreams",
        4 => "MaxReceiveBufferSize",
        5 => "DecryptOnSspiThread",
        _ => return kind.to_string(),
    };
    name.to_owned()
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

/// Bounds-checked reads from a buffer whose pointers are relative to `base`.
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

struct Reader<'b> {
    buffer: &'b [u8],
    base: usize,
}

impl<'b> Reader<'b> {
    fn need(&self, what: &'static str, needed: usize) -> Result<(), DecodeError> {
        if self.buffer.len() < needed {
            return Err(DecodeError::TooShort { what, needed, available: self.buffer.len() });
        }
        Ok(())
    }

    fn bytes<const N: usize>(&self, at: usize) -> Result<[u8; N], DecodeError> {
        at.checked_add(N)
            .and_then(|end| self.buffer.get(at..end))
            .and_then(|slice| <[u8; N]>::try_from(slice).ok())
            .ok_or(DecodeError::TooShort {
                what: "a field",
                needed: at.saturating_add(N),
                available: self.buffer.len(),
            })
    }

    fn u16(&self, at: usize) -> Result<u16, DecodeError> {
        self.bytes::<2>(at).map(u16::from_le_bytes)
    }

    fn u32(&self, at: usize) -> Result<u32, DecodeError> {
        self.bytes::<4>(at).map(u32::from_le_bytes)
    }

    fn i32(&self, at: usize) -> Result<i32, DecodeError> {
        self.bytes::<4>(at).map(i32::from_le_bytes)
    }

    fn u64(&self, at: usize) -> Result<u64, DecodeError> {
        self.bytes::<8>(at).map(u64::from_le_bytes)
    }

    /// A pointer field's value, as a number.
    fn pointer(&self, at: usize) -> Result<usize, DecodeError> {
        self.bytes::<POINTER>(at).map(usize::from_le_bytes)
    }

    fn guid(&self, at: usize) -> Result<GUID, DecodeError> {
        let bytes = self.bytes::<16>(at)?;
        let mut data4 = [0u8; 8];
        data4.copy_from_slice(&bytes[8..16]);
        Ok(GUID {
            data1: u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
            data2: u16::from_le_bytes([bytes[4], bytes[5]]),
            data3: u16::from_le_bytes([bytes[6], bytes[7]]),
            data4,
        })
    }

    /// The buffer offset `pointer` stands for, if `length` bytes from there lie inside.
    fn target_offset(
        &self,
        pointer: usize,
        length: usize,
        field: &'static str,
    ) -> Result<usize, DecodeError> {
        let outside = || DecodeError::PointerOutside {
            field,
            pointer,
            length,
            base: self.base,
            buffer_length: self.buffer.len(),
        };
        let offset = pointer.checked_sub(self.base).ok_or_else(outside)?;
        let end = offset.checked_add(length).ok_or_else(outside)?;
        if end > self.buffer.len() || (length == 0 && offset >= self.buffer.len()) {
            return Err(outside());
        }
        Ok(offset)
    }

    /// The `length` bytes `pointer` points to, if they lie inside the buffer.
    fn target(&self, pointer: usize, length: usize, field: &'static str) -> Result<&'b [u8], DecodeError> {
        let offset = self.target_offset(pointer, length, field)?;
        Ok(&self.buffer[offset..offset + length])
    }

    /// The UTF-16 string the pointer at `at` points to; `None` for a null pointer.
    fn wide_string(
        &self,
        at: usize,
        field: &'static str,
        warnings: &mut Vec<String>,
    ) -> Result<Option<String>, DecodeError> {
        let pointer = self.pointer(at)?;
        if pointer == 0 {
            return Ok(None);
        }
        let start = self.target_offset(pointer, 0, field)?;
        let units: Vec<u16> = self.buffer[start..]
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .take_while(|unit| *unit != 0)
            .collect();
        let terminated = start + units.len() * 2 + 2 <= self.buffer.len();
        if !terminated {
            return Err(DecodeError::MissingNul { field });
        }
        Ok(Some(String::from_utf16(&units).unwrap_or_else(|_| {
            warnings
                .push(format!("`{field}` is not valid UTF-16; invalid code units were replaced with U+FFFD"));
            String::from_utf16_lossy(&units)
        })))
    }

    /// A counted 8-bit string (`HTTP_UNKNOWN_HEADER`): the pointer at `at`, the `u16` length
    /// at `length_at`.
    fn ansi(&self, at: usize, length_at: usize, field: &'static str) -> Result<String, DecodeError> {
        let pointer = self.pointer(at)?;
        let length = usize::from(self.u16(length_at)?);
        if length == 0 {
            return Ok(String::new());
        }
        if pointer == 0 {
            return Err(DecodeError::NullPointer { field });
        }
        Ok(String::from_utf8_lossy(self.target(pointer, length, field)?).into_owned())
    }

    /// The socket address at buffer offset `at`: a `SOCKADDR_IN` or `SOCKADDR_IN6` by its
    /// family, checked whole against the buffer's end.
    fn socket_address(&self, at: usize, field: &'static str) -> Result<SocketAddr, DecodeError> {
        let family = self.u16(at + offset_of!(SOCKADDR_IN, sin_family))?;
        let port = u16::from_be_bytes(self.bytes::<2>(at + offset_of!(SOCKADDR_IN, sin_port))?);
        match family {
            AF_INET => {
                let needed = at.saturating_add(size_of::<SOCKADDR_IN>());
                self.need("a SOCKADDR_IN", needed)?;
                let address = Ipv4Addr::from(self.bytes::<4>(at + offset_of!(SOCKADDR_IN, sin_addr))?);
                Ok(SocketAddr::V4(SocketAddrV4::new(address, port)))
            }
            AF_INET6 => {
                self.need("a SOCKADDR_IN6", at.saturating_add(size_of::<SOCKADDR_IN6>()))?;
                let address = Ipv6Addr::from(self.bytes::<16>(at + offset_of!(SOCKADDR_IN6, sin6_addr))?);
                let scope = self.u32(at + offset_of!(SOCKADDR_IN6, Anonymous))?;
                // The flow label is not part of a record's identity (keys read from netsh or the
                // registry have none), so it is not kept.
                Ok(SocketAddr::V6(SocketAddrV6::new(address, port, 0, scope)))
            }
            family => Err(DecodeError::UnknownFamily { field, family }),
        }
    }

    fn key(
        &self,
        kind: MappingKind,
        layout: KeyLayout,
        warnings: &mut Vec<String>,
    ) -> Result<MappingKey, DecodeError> {
        let address = match layout {
            KeyLayout::AddressPointer { pointer } => {
                let pointer = self.pointer(pointer)?;
                if pointer == 0 {
                    return Err(DecodeError::NullPointer { field: "pIpPort" });
                }
                // The family decides how long the address is; `socket_address` then checks the
                // whole structure against the buffer's end.
                let offset = self.target_offset(pointer, 4, "pIpPort")?;
                self.socket_address(offset, "pIpPort")?
            }
            KeyLayout::Storage { storage } | KeyLayout::StorageAndHost { storage, .. } => {
                self.socket_address(storage, "IpPort")?
            }
        };
        let host = match layout {
            KeyLayout::StorageAndHost { host, .. } => match self.wide_string(host, "Host", warnings)? {
                None => return Err(DecodeError::NullPointer { field: "Host" }),
                Some(host) if host.is_empty() => {
                    return Err(DecodeError::Invalid { field: "Host", reason: "empty".to_owned() });
                }
                Some(host) => Some(host),
            },
            _ => None,
        };
        let port = address.port();
        Ok(match (kind, host) {
            (MappingKind::Ip, _) => MappingKey::Ip(address),
            (MappingKind::Ccs, _) => MappingKey::Ccs { port },
            (MappingKind::Sni, Some(host)) => MappingKey::Sni { host: host.into(), port },
            (MappingKind::ScopedCcs, Some(host)) => MappingKey::ScopedCcs { host: host.into(), port },
            (MappingKind::Sni | MappingKind::ScopedCcs, None) => {
                return Err(DecodeError::NullPointer { field: "Host" });
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding.

/// Why a mapping cannot be written as an HTTP.sys structure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// IP and SNI records name their certificate by hash.
    #[error("it has no certificate hash, which {kind} mappings need")]
    MissingHash {
        /// The kind of record.
        kind: MappingKind,
    },
    /// Every record is tagged with its owner.
    #[error("it has no AppId")]
    MissingAppId,
    /// A string HTTP.sys would cut at the NUL.
    #[error("its {field} contains a NUL character")]
    NulInString {
        /// Which string.
        field: &'static str,
    },
    /// A host-keyed record without a host.
    #[error("its host name is empty")]
    EmptyHost,
}

/// One HTTP.sys structure and everything its pointers point to, in one 8-byte-aligned
/// allocation owned by this value. Passing [`as_ptr`](Self::as_ptr) and
/// [`struct_size`](Self::struct_size) to the HTTP Server API is sound while the value lives:
/// the heap block never moves (it is never resized, and moving the value moves only the
/// vector's handle), and every pointer inside it was computed from the block's address.
/// It is deliberately not `Clone`: a copy would point into the original.
#[derive(Debug)]
pub struct EncodedRecord {
    words: Vec<u64>,
    struct_size: usize,
    config_id: HTTP_SERVICE_CONFIG_ID,
}

impl EncodedRecord {
    /// The config ID to pass with the structure.
    pub fn config_id(&self) -> HTTP_SERVICE_CONFIG_ID {
        self.config_id
    }

    /// The structure's address (`pConfigInformation`).
    pub fn as_ptr(&self) -> *const core::ffi::c_void {
        self.words.as_ptr().cast()
    }

    /// The structure's size (`ConfigInformationLength`); the strings and the hash after it
    /// are not counted, as with every caller of the API.
    pub fn struct_size(&self) -> u32 {
        u32::try_from(self.struct_size).unwrap_or(u32::MAX)
    }

    /// The address the pointers inside are relative to (the block's address).
    pub fn base(&self) -> usize {
        self.words.as_ptr().addr()
    }

    /// A copy of the whole block as bytes, for [`decode_record`] with [`base`](Self::base).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.words.iter().flat_map(|word| word.to_le_bytes()).collect()
    }
}

/// The structure `HttpSetServiceConfiguration` / `HttpUpdateServiceConfiguration` take to
/// create or change `mapping`: key, hash, AppId, store, check mode, revocation settings, CTL
/// names and `DefaultFlags`. Unknown fields and extended properties are not written.
pub fn encode_set(mapping: &Mapping) -> Result<EncodedRecord, EncodeError> {
    let kind = mapping.key.kind();
    let app_id = mapping.app_id.ok_or(EncodeError::MissingAppId)?;
    let layout = set_layout(kind);
    let mut image = Image::new(layout.size);
    write_key(&mut image, layout.key, &mapping.key)?;
    let p = layout.param;
    match (kind, &mapping.certificate_hash) {
        (_, Some(hash)) => {
            let at = image.append(hash.as_bytes());
            image.put(p + param::HASH_LENGTH, &20u32.to_le_bytes());
            image.point(p + param::HASH, at);
        }
        (MappingKind::Ccs | MappingKind::ScopedCcs, None) => {}
        (kind @ (MappingKind::Ip | MappingKind::Sni), None) => return Err(EncodeError::MissingHash { kind }),
    }
    image.put(p + param::APP_ID, &app_id.to_windows_bytes());
    image.string(p + param::STORE, mapping.certificate_store.as_deref(), "certificate store name")?;
    let params: &MappingParams = &mapping.params;
    image.put(p + param::CHECK_MODE, &params.cert_check_mode().to_le_bytes());
    image.put(p + param::FRESHNESS, &params.revocation_freshness_time.unwrap_or(0).to_le_bytes());
    image.put(p + param::TIMEOUT, &params.url_retrieval_timeout.unwrap_or(0).to_le_bytes());
    image.string(p + param::CTL_IDENTIFIER, params.ctl_identifier.as_deref(), "CTL identifier")?;
    image.string(p + param::CTL_STORE, params.ctl_store_name.as_deref(), "CTL store name")?;
    image.put(p + param::FLAGS, &mapping.flags.bits().to_le_bytes());
    Ok(image.finish(config_id(kind)))
}

/// The structure `HttpDeleteServiceConfiguration` takes to delete the record with `key`: the
/// key, with the parameters zeroed.
pub fn encode_delete(key: &MappingKey) -> Result<EncodedRecord, EncodeError> {
    let layout = set_layout(key.kind());
    let mut image = Image::new(layout.size);
    write_key(&mut image, layout.key, key)?;
    Ok(image.finish(config_id(key.kind())))
}

fn write_key(image: &mut Image, layout: KeyLayout, key: &MappingKey) -> Result<(), EncodeError> {
    let (address, host) = match key {
        MappingKey::Ip(address) => (*address, None),
        // HTTP.sys keys these by port; tools pass the wildcard IPv4 address with it.
        MappingKey::Ccs { port } => (SocketAddr::from(([0, 0, 0, 0], *port)), None),
        MappingKey::Sni { host, port } | MappingKey::ScopedCcs { host, port } => {
            if host.is_empty() {
                return Err(EncodeError::EmptyHost);
            }
            (SocketAddr::from(([0, 0, 0, 0], *port)), Some(host.as_str()))
        }
    };
    let socket = socket_address_bytes(address);
    match layout {
        KeyLayout::AddressPointer { pointer } => {
            let at = image.append(&socket);
            image.point(pointer, at);
        }
        KeyLayout::Storage { storage } => image.put(storage, &socket),
        KeyLayout::StorageAndHost { storage, host: host_at } => {
            image.put(storage, &socket);
            image.string(host_at, host, "host name")?;
        }
    }
    Ok(())
}

/// A `SOCKADDR_IN` or `SOCKADDR_IN6` as bytes.
fn socket_address_bytes(address: SocketAddr) -> Vec<u8> {
    match address {
        SocketAddr::V4(v4) => {
            let mut bytes = vec![0u8; size_of::<SOCKADDR_IN>()];
            put(&mut bytes, offset_of!(SOCKADDR_IN, sin_family), &AF_INET.to_le_bytes());
            put(&mut bytes, offset_of!(SOCKADDR_IN, sin_port), &v4.port().to_be_bytes());
            put(&mut bytes, offset_of!(SOCKADDR_IN, sin_addr), &v4.ip().octets());
            bytes
        }
        SocketAddr::V6(v6) => {
            let mut bytes = vec![0u8; size_of::<SOCKADDR_IN6>()];
            put(&mut bytes, offset_of!(SOCKADDR_IN6, sin6_family), &AF_INET6.to_le_bytes());
            put(&mut bytes, offset_of!(SOCKADDR_IN6, sin6_port), &v6.port().to_be_bytes());
            put(&mut bytes, offset_of!(SOCKADDR_IN6, sin6_flowinfo), &v6.flowinfo().to_le_bytes());
            put(&mut bytes, offset_of!(SOCKADDR_IN6, sin6_addr), &v6.ip().octets());
            put(&mut bytes, offset_of!(SOCKADDR_IN6, Anonymous), &v6.scope_id().to_le_bytes());
            bytes
        }
    }
}

/// Copies `data` into `bytes` at `at`; the layouts above keep every write inside, and a
/// write that would not fit is dropped rather than allowed to panic.
fn put(bytes: &mut [u8], at: usize, data: &[u8]) {
    if let Some(target) = at.checked_add(data.len()).and_then(|end| bytes.get_mut(at..end)) {
        target.copy_from_slice(data);
    }
}

/// A structure being laid out: its bytes, then appended data, with pointer fields recorded as
/// (field offset, target offset) until the block's address is known.
struct Image {
    bytes: Vec<u8>,
    struct_size: usize,
    pointers: Vec<(usize, usize)>,
}

impl Image {
    fn new(struct_size: usize) -> Image {
        Image { bytes: vec![0; struct_size], struct_size, pointers: Vec::new() }
    }

    fn put(&mut self, at: usize, data: &[u8]) {
        put(&mut self.bytes, at, data);
    }

    /// Appends `data` at the next 8-byte boundary; returns its offset.
    fn append(&mut self, data: &[u8]) -> usize {
        let at = self.bytes.len().next_multiple_of(8);
        self.bytes.resize(at, 0);
        self.bytes.extend_from_slice(data);
        at
    }

    /// Makes the pointer field at `at` point to offset `target` of the block.
    fn point(&mut self, at: usize, target: usize) {
        self.pointers.push((at, target));
    }

    /// Appends `text` as NUL-terminated UTF-16 and points the field at `at` to it; `None`
    /// leaves the pointer null.
    fn string(&mut self, at: usize, text: Option<&str>, field: &'static str) -> Result<(), EncodeError> {
        let Some(text) = text else { return Ok(()) };
        if text.contains('\0') {
            return Err(EncodeError::NulInString { field });
        }
        let units: Vec<u8> = text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect();
        let target = self.append(&units);
        self.point(at, target);
        Ok(())
    }

    fn finish(self, config_id: HTTP_SERVICE_CONFIG_ID) -> EncodedRecord {
        let Image { mut bytes, struct_size, pointers } = self;
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        // The block is allocated once and never resized, so this address stays valid for
        // the record's life.
        let base = words.as_ptr().addr();
        bytes.resize(words.len() * 8, 0);
        for (at, target) in pointers {
            put(&mut bytes, at, &base.wrapping_add(target).to_le_bytes());
        }
        for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut array = [0u8; 8];
            array.copy_from_slice(chunk);
            *word = u64::from_le_bytes(array);
        }
        EncodedRecord { words, struct_size, config_id }
    }
}

#[cfg(test)]
mod tests {
    //! Buffers are built here by hand at the offsets of the C header for 64-bit Windows
    //! (computed from `http.h`, not from `offset_of!`), so that the decoder is checked against
    //! an independent idea of the layout. `layouts_match_the_c_header` ties the two together.

    use windows_sys::Win32::Networking::HttpServer::HTTP_SERVICE_CONFIG_SSL_PARAM;

    use super::*;

    const BASE: usize = 0x7ff6_1234_0000;
    const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
    const HASH: &str = "5226dc6c54559761cd471b86eb51c096252c90f2";

    /// Offsets of `HTTP_SERVICE_CONFIG_SSL_PARAM` on 64-bit Windows.
    mod c {
        pub const HASH_LENGTH: usize = 0;
        pub const HASH: usize = 8;
        pub const APP_ID: usize = 16;
        pub const STORE: usize = 32;
        pub const CHECK_MODE: usize = 40;
        pub const FRESHNESS: usize = 44;
        pub const TIMEOUT: usize = 48;
        pub const CTL_IDENTIFIER: usize = 56;
        pub const CTL_STORE: usize = 64;
        pub const FLAGS: usize = 72;
        pub const PARAM_SIZE: usize = 80;
        /// `HTTP_SERVICE_CONFIG_SSL_SET`: `pIpPort` at 0, `ParamDesc` at 8.
        pub const SSL_SET_PARAM: usize = 8;
        pub const SSL_SET_SIZE: usize = 88;
        /// `HTTP_SERVICE_CONFIG_SSL_SNI_SET`: storage at 0, `Host` at 128, `ParamDesc` at 136.
        pub const SNI_HOST: usize = 128;
        pub const SNI_SET_PARAM: usize = 136;
        pub const SNI_SET_SIZE: usize = 216;
        /// `HTTP_SERVICE_CONFIG_SSL_CCS_SET`: storage at 0, `ParamDesc` at 128.
        pub const CCS_SET_PARAM: usize = 128;
        pub const CCS_SET_SIZE: usize = 208;
        /// `HTTP_SERVICE_CONFIG_SSL_PARAM_EX`: `ParamType` at 0, `Flags` at 8, the union at 16.
        pub const EX_FLAGS: usize = 8;
        pub const EX_UNION: usize = 16;
        pub const SSL_SET_EX_PARAM: usize = 128;
        pub const SSL_SET_EX_SIZE: usize = 160;
        pub const SNI_SET_EX_PARAM: usize = 136;
        pub const SNI_SET_EX_SIZE: usize = 168;
        pub const CCS_SET_EX_SIZE: usize = 160;
        pub const UNKNOWN_HEADER_SIZE: usize = 24;
    }

    /// A query buffer under construction: the structure at offset 0, data appended, pointers
    /// written as `BASE + offset`.
    struct Buffer(Vec<u8>);

    impl Buffer {
        fn new(size: usize) -> Buffer {
            Buffer(vec![0; size])
        }
        fn put(&mut self, at: usize, data: &[u8]) {
            self.0[at..at + data.len()].copy_from_slice(data);
        }
        fn u32(&mut self, at: usize, value: u32) {
            self.put(at, &value.to_le_bytes());
        }
        fn pointer(&mut self, at: usize, value: usize) {
            self.put(at, &(value as u64).to_le_bytes());
        }
        fn append(&mut self, data: &[u8]) -> usize {
            let at = self.0.len().next_multiple_of(8);
            self.0.resize(at, 0);
            self.0.extend_from_slice(data);
            at
        }
        fn point_to(&mut self, at: usize, data: &[u8]) {
            let target = self.append(data);
            self.pointer(at, BASE + target);
        }
        fn wide(&mut self, at: usize, text: &str) {
            let units: Vec<u8> = text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect();
            self.point_to(at, &units);
        }
        fn sockaddr_v4(ip: [u8; 4], port: u16) -> Vec<u8> {
            let mut bytes = vec![0u8; 16];
            bytes[0..2].copy_from_slice(&2u16.to_le_bytes());
            bytes[2..4].copy_from_slice(&port.to_be_bytes());
            bytes[4..8].copy_from_slice(&ip);
            bytes
        }
        fn sockaddr_v6(ip: Ipv6Addr, port: u16, scope: u32) -> Vec<u8> {
            let mut bytes = vec![0u8; 28];
            bytes[0..2].copy_from_slice(&23u16.to_le_bytes());
            bytes[2..4].copy_from_slice(&port.to_be_bytes());
            bytes[8..24].copy_from_slice(&ip.octets());
            bytes[24..28].copy_from_slice(&scope.to_le_bytes());
            bytes
        }
        /// A typical parameter block at `p`: hash, IIS AppId, `store`, check mode 0,
        /// freshness 0, timeout 0, no CTL, `flags`.
        fn params(&mut self, p: usize, store: Option<&str>, flags: u32) {
            self.u32(p + c::HASH_LENGTH, 20);
            let hash = Thumbprint::parse(HASH).expect("a thumbprint").0;
            self.point_to(p + c::HASH, &hash);
            let app_id = AppId::parse(IIS).expect("an AppId").to_windows_bytes();
            self.put(p + c::APP_ID, &app_id);
            if let Some(store) = store {
                self.wide(p + c::STORE, store);
            }
            self.u32(p + c::FLAGS, flags);
        }
    }

    fn expected(key: MappingKey, store: Option<&str>, flags: u32) -> Mapping {
        let mut mapping = Mapping::new(key, Origin::Live);
        mapping.certificate_hash = Some(Thumbprint::parse(HASH).expect("a thumbprint"));
        mapping.app_id = Some(AppId::parse(IIS).expect("an AppId"));
        mapping.certificate_store = store.map(str::to_owned);
        mapping.params.set_cert_check_mode(0);
        mapping.params.revocation_freshness_time = Some(0);
        mapping.params.url_retrieval_timeout = Some(0);
        mapping.flags = DefaultFlags::from_bits_retain(flags);
        mapping.flags_known = true;
        mapping
    }

    fn ipv4_buffer() -> Buffer {
        let mut buffer = Buffer::new(c::SSL_SET_SIZE);
        buffer.point_to(0, &Buffer::sockaddr_v4([0, 0, 0, 0], 443));
        buffer.params(c::SSL_SET_PARAM, Some("MY"), 0x10);
        buffer
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn layouts_match_the_c_header() {
        assert_eq!(
            [param::HASH_LENGTH, param::HASH, param::APP_ID, param::STORE, param::CHECK_MODE],
            [c::HASH_LENGTH, c::HASH, c::APP_ID, c::STORE, c::CHECK_MODE]
        );
        assert_eq!(
            [param::FRESHNESS, param::TIMEOUT, param::CTL_IDENTIFIER, param::CTL_STORE, param::FLAGS],
            [c::FRESHNESS, c::TIMEOUT, c::CTL_IDENTIFIER, c::CTL_STORE, c::FLAGS]
        );
        assert_eq!(size_of::<HTTP_SERVICE_CONFIG_SSL_PARAM>(), c::PARAM_SIZE);
        let ip = set_layout(MappingKind::Ip);
        assert_eq!((ip.size, ip.param), (c::SSL_SET_SIZE, c::SSL_SET_PARAM));
        let sni = set_layout(MappingKind::Sni);
        assert_eq!((sni.size, sni.param), (c::SNI_SET_SIZE, c::SNI_SET_PARAM));
        assert!(matches!(sni.key, KeyLayout::StorageAndHost { storage: 0, host: c::SNI_HOST }));
        let ccs = set_layout(MappingKind::Ccs);
        assert_eq!((ccs.size, ccs.param), (c::CCS_SET_SIZE, c::CCS_SET_PARAM));
        let ip_ex = ex_layout(MappingKind::Ip);
        assert_eq!((ip_ex.size, ip_ex.param), (c::SSL_SET_EX_SIZE, c::SSL_SET_EX_PARAM));
        let sni_ex = ex_layout(MappingKind::Sni);
        assert_eq!((sni_ex.size, sni_ex.param), (c::SNI_SET_EX_SIZE, c::SNI_SET_EX_PARAM));
        assert_eq!(ex_layout(MappingKind::Ccs).size, c::CCS_SET_EX_SIZE);
        assert_eq!(offset_of!(HTTP_SERVICE_CONFIG_SSL_PARAM_EX, Flags), c::EX_FLAGS);
        assert_eq!(offset_of!(HTTP_SERVICE_CONFIG_SSL_PARAM_EX, Anonymous), c::EX_UNION);
        assert_eq!(size_of::<HTTP_UNKNOWN_HEADER>(), c::UNKNOWN_HEADER_SIZE);
    }

    #[test]
    fn guids_map_field_by_field() {
        let app_id = AppId::parse(IIS).expect("an AppId");
        let guid = guid_from_app_id(app_id);
        assert_eq!(guid.data1, 0x4dc3_e181);
        assert_eq!(guid.data2, 0xe14b);
        assert_eq!(guid.data3, 0x4a21);
        assert_eq!(guid.data4, [0xb0, 0x22, 0x59, 0xfc, 0x66, 0x9b, 0x09, 0x14]);
        assert_eq!(app_id_from_guid(&guid), app_id);
        // The structure's bytes in memory are the registry's 16 bytes.
        let mut bytes = [0u8; 16];
        bytes[0..4].copy_from_slice(&guid.data1.to_le_bytes());
        bytes[4..6].copy_from_slice(&guid.data2.to_le_bytes());
        bytes[6..8].copy_from_slice(&guid.data3.to_le_bytes());
        bytes[8..].copy_from_slice(&guid.data4);
        assert_eq!(AppId::from_windows_bytes(bytes), app_id);
        assert_eq!(bytes, app_id.to_windows_bytes());
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn an_ipv4_record_decodes() {
        let buffer = ipv4_buffer();
        let decoded = decode_record(MappingKind::Ip, &buffer.0, BASE).expect("decodes");
        let key = MappingKey::Ip("0.0.0.0:443".parse().expect("an address"));
        assert_eq!(decoded.mapping, expected(key, Some("MY"), 0x10));
        assert!(decoded.warnings.is_empty());
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn an_ipv6_record_decodes_with_every_parameter() {
        let mut buffer = Buffer::new(c::SSL_SET_SIZE);
        let address: Ipv6Addr = "fe80::1".parse().expect("an address");
        buffer.point_to(0, &Buffer::sockaddr_v6(address, 8443, 5));
        let p = c::SSL_SET_PARAM;
        buffer.params(p, None, 0x1 | 0x2 | 0x400);
        buffer.u32(p + c::CHECK_MODE, 0x1 | 0x4 | 0x10000);
        buffer.u32(p + c::FRESHNESS, 3600);
        buffer.u32(p + c::TIMEOUT, 5000);
        buffer.wide(p + c::CTL_IDENTIFIER, "ctl-id");
        buffer.wide(p + c::CTL_STORE, "AdfsTrustedDevices");
        let decoded = decode_record(MappingKind::Ip, &buffer.0, BASE).expect("decodes");
        let mapping = decoded.mapping;
        assert_eq!(mapping.key.to_string(), "[fe80::1%5]:8443");
        assert_eq!(mapping.certificate_store, None);
        assert_eq!(mapping.params.verify_client_cert_revocation, Some(false));
        assert_eq!(mapping.params.verify_revocation_cached_only, Some(false));
        assert_eq!(mapping.params.revocation_freshness_time_enabled, Some(true));
        assert_eq!(mapping.params.usage_check, Some(false));
        assert_eq!(mapping.params.revocation_freshness_time, Some(3600));
        assert_eq!(mapping.params.url_retrieval_timeout, Some(5000));
        assert_eq!(mapping.params.ctl_identifier.as_deref(), Some("ctl-id"));
        assert_eq!(mapping.params.ctl_store_name.as_deref(), Some("AdfsTrustedDevices"));
        assert_eq!(mapping.flags.names(), ["use-ds-mapper", "negotiate-client-cert", "disable-legacy-tls"]);
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn sni_ccs_and_scoped_ccs_records_decode() {
        let mut sni = Buffer::new(c::SNI_SET_SIZE);
        sni.put(0, &Buffer::sockaddr_v4([0, 0, 0, 0], 443));
        sni.wide(c::SNI_HOST, "www.Example.com");
        sni.params(c::SNI_SET_PARAM, Some("WebHosting"), 0);
        let decoded = decode_record(MappingKind::Sni, &sni.0, BASE).expect("decodes");
        let key = MappingKey::Sni { host: "www.Example.com".into(), port: 443 };
        assert_eq!(decoded.mapping, expected(key, Some("WebHosting"), 0));

        let decoded = decode_record(MappingKind::ScopedCcs, &sni.0, BASE).expect("decodes");
        assert_eq!(decoded.mapping.key, MappingKey::ScopedCcs { host: "www.Example.com".into(), port: 443 });

        let mut ccs = Buffer::new(c::CCS_SET_SIZE);
        ccs.put(0, &Buffer::sockaddr_v4([0, 0, 0, 0], 8443));
        let app_id = AppId::parse(IIS).expect("an AppId");
        ccs.put(c::CCS_SET_PARAM + c::APP_ID, &app_id.to_windows_bytes());
        let decoded = decode_record(MappingKind::Ccs, &ccs.0, BASE).expect("decodes");
        assert_eq!(decoded.mapping.key, MappingKey::Ccs { port: 8443 });
        assert_eq!(decoded.mapping.certificate_hash, None);
        assert_eq!(decoded.mapping.app_id, Some(app_id));
        assert_eq!(decoded.mapping.certificate_store, None);
    }

    #[cfg(target_pointer_width = "64")]
    fn ex_buffer(param_type: i32, fill: impl FnOnce(&mut Buffer, usize)) -> Buffer {
        let mut buffer = Buffer::new(c::SSL_SET_EX_SIZE);
        buffer.put(0, &Buffer::sockaddr_v4([10, 0, 0, 5], 443));
        buffer.put(c::SSL_SET_EX_PARAM, &param_type.to_le_bytes());
        fill(&mut buffer, c::SSL_SET_EX_PARAM + c::EX_UNION);
        buffer
    }

    #[cfg(target_pointer_width = "64")]
    fn ex_values(buffer: &Buffer) -> (Option<u32>, Vec<(String, String)>) {
        let decoded = decode_ex_record(MappingKind::Ip, &buffer.0, BASE).expect("decodes");
        assert_eq!(decoded.key.to_string(), "10.0.0.5:443");
        (decoded.property.property_id, decoded.property.values)
    }

    fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(label, value)| ((*label).to_owned(), (*value).to_owned())).collect()
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn every_extended_parameter_type_decodes() {
        let window = ex_buffer(0, |b, u| b.u32(u, 1_048_576));
        assert_eq!(ex_values(&window), (Some(0), pairs(&[("Receive Window", "1048576")])));

        let limits = ex_buffer(1, |b, u| {
            b.u32(u, 2_796_202);
            b.u32(u + 4, u32::MAX);
        });
        assert_eq!(
            ex_values(&limits),
            (
                Some(1),
                pairs(&[("Max Settings Per Frame", "2796202"), ("Max Settings Per Minute", "4294967295")])
            )
        );

        let performance = ex_buffer(2, |b, u| {
            b.u32(u, 2);
            b.u32(u + 4, 4);
            b.point_to(u + 8, &65_536u32.to_le_bytes());
        });
        assert_eq!(
            ex_values(&performance),
            (Some(2), pairs(&[("Type", "MaxSendBufferSize"), ("BufferSize", "4"), ("Buffer", "65536")]))
        );

        let restrictions = ex_buffer(3, |b, u| {
            b.u32(u, 2);
            b.pointer(u + 8, 0xdead_beef); // opaque: never followed
        });
        assert_eq!(ex_values(&restrictions), (Some(3), pairs(&[("RestrictionCount", "2")])));

        let headers = ex_buffer(4, |b, u| {
            b.put(u, &503u16.to_le_bytes());
            b.put(u + 2, &1u16.to_le_bytes());
            let mut header = vec![0u8; c::UNKNOWN_HEADER_SIZE];
            header[0..2].copy_from_slice(&11u16.to_le_bytes());
            header[2..4].copy_from_slice(&3u16.to_le_bytes());
            let table = b.append(&header);
            b.pointer(u + 8, BASE + table);
            b.point_to(table + 8, b"Retry-After");
            b.point_to(table + 16, b"120");
        });
        assert_eq!(
            ex_values(&headers),
            (Some(4), pairs(&[("StatusCode", "503"), ("HeaderCount", "1"), ("Header", "Retry-After: 120")]))
        );

        let tickets = ex_buffer(5, |b, u| {
            b.u32(u, 3);
            b.pointer(u + 8, 0x1); // secret keys: never followed
        });
        assert_eq!(ex_values(&tickets), (Some(5), pairs(&[("SessionTicketKeyCount", "3")])));

        let flagged = ex_buffer(0, |b, u| {
            b.u32(u, 65_535);
            b.put(c::SSL_SET_EX_PARAM + c::EX_FLAGS, &7u64.to_le_bytes());
        });
        assert_eq!(ex_values(&flagged), (Some(0), pairs(&[("Receive Window", "65535"), ("Flags", "7")])));

        let unknown = ex_buffer(9, |_, _| {});
        let decoded = decode_ex_record(MappingKind::Ip, &unknown.0, BASE).expect("decodes");
        assert_eq!(decoded.property.property_id, Some(9));
        assert!(decoded.property.values.is_empty());
        assert_eq!(decoded.warnings.len(), 1);
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn sni_and_ccs_ex_records_decode_their_keys() {
        let mut sni = Buffer::new(c::SNI_SET_EX_SIZE);
        sni.put(0, &Buffer::sockaddr_v4([0, 0, 0, 0], 443));
        sni.wide(c::SNI_HOST, "a.example.com");
        sni.u32(c::SNI_SET_EX_PARAM + c::EX_UNION, 1_048_576);
        let decoded = decode_ex_record(MappingKind::Sni, &sni.0, BASE).expect("decodes");
        assert_eq!(decoded.key, MappingKey::Sni { host: "a.example.com".into(), port: 443 });
        assert_eq!(decoded.property.values, pairs(&[("Receive Window", "1048576")]));

        let mut ccs = Buffer::new(c::CCS_SET_EX_SIZE);
        ccs.put(0, &Buffer::sockaddr_v4([0, 0, 0, 0], 443));
        let decoded = decode_ex_record(MappingKind::Ccs, &ccs.0, BASE).expect("decodes");
        assert_eq!(decoded.key, MappingKey::Ccs { port: 443 });
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn pointers_outside_the_buffer_are_errors() {
        let mut buffer = ipv4_buffer();
        let length = buffer.0.len();
        buffer.pointer(c::SSL_SET_PARAM + c::STORE, BASE + length);
        let error = decode_record(MappingKind::Ip, &buffer.0, BASE).expect_err("outside");
        assert!(matches!(error, DecodeError::PointerOutside { field: "pSslCertStoreName", .. }), "{error}");

        let mut below = ipv4_buffer();
        below.pointer(c::SSL_SET_PARAM + c::HASH, BASE - 8);
        let error = decode_record(MappingKind::Ip, &below.0, BASE).expect_err("below");
        assert!(matches!(error, DecodeError::PointerOutside { field: "pSslHash", .. }), "{error}");

        let mut huge = ipv4_buffer();
        huge.pointer(0, usize::MAX - 1);
        let error = decode_record(MappingKind::Ip, &huge.0, BASE).expect_err("wraps");
        assert!(matches!(error, DecodeError::PointerOutside { field: "pIpPort", .. }), "{error}");

        // A hash whose claimed length runs past the end.
        let mut long = ipv4_buffer();
        long.u32(c::SSL_SET_PARAM + c::HASH_LENGTH, 4096);
        let error = decode_record(MappingKind::Ip, &long.0, BASE).expect_err("past the end");
        assert!(matches!(error, DecodeError::PointerOutside { field: "pSslHash", .. }), "{error}");

        // An IPv6 address cut off by the buffer's end.
        let mut cut = Buffer::new(c::SSL_SET_SIZE);
        let address = Buffer::sockaddr_v6(Ipv6Addr::UNSPECIFIED, 443, 0);
        let at = cut.append(&address[..16]);
        cut.pointer(0, BASE + at);
        assert!(decode_record(MappingKind::Ip, &cut.0, BASE).is_err());

        // A table of error headers that claims more entries than the buffer holds.
        let headers = ex_buffer(4, |b, u| {
            b.put(u + 2, &u16::MAX.to_le_bytes());
            b.pointer(u + 8, BASE + 8);
        });
        let error = decode_ex_record(MappingKind::Ip, &headers.0, BASE).expect_err("outside");
        assert!(matches!(error, DecodeError::PointerOutside { field: "Headers", .. }), "{error}");
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn strings_without_their_nul_are_errors() {
        let mut buffer = ipv4_buffer();
        let at = buffer.append(&[b'M', 0, b'Y', 0]);
        buffer.pointer(c::SSL_SET_PARAM + c::STORE, BASE + at);
        let error = decode_record(MappingKind::Ip, &buffer.0, BASE).expect_err("no NUL");
        assert_eq!(error, DecodeError::MissingNul { field: "pSslCertStoreName" });

        // An odd number of bytes left: the last half unit cannot be a NUL.
        let mut odd = ipv4_buffer();
        let at = odd.append(&[b'M', 0, b'Y']);
        odd.pointer(c::SSL_SET_PARAM + c::STORE, BASE + at);
        assert!(decode_record(MappingKind::Ip, &odd.0, BASE).is_err());

        let mut sni = Buffer::new(c::SNI_SET_SIZE);
        sni.put(0, &Buffer::sockaddr_v4([0, 0, 0, 0], 443));
        sni.params(c::SNI_SET_PARAM, None, 0);
        assert_eq!(
            decode_record(MappingKind::Sni, &sni.0, BASE),
            Err(DecodeError::NullPointer { field: "Host" })
        );
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_hash_of_the_wrong_length_is_kept_with_a_warning() {
        let mut buffer = ipv4_buffer();
        buffer.u32(c::SSL_SET_PARAM + c::HASH_LENGTH, 32);
        buffer.append(&[0u8; 32]);
        let decoded = decode_record(MappingKind::Ip, &buffer.0, BASE).expect("decodes");
        assert_eq!(decoded.mapping.certificate_hash, None);
        assert_eq!(decoded.mapping.unknown_fields.len(), 1);
        assert_eq!(decoded.mapping.unknown_fields[0].0, "SslCertHash");
        assert!(decoded.warnings[0].contains("32 bytes"), "{:?}", decoded.warnings);
    }

    #[test]
    fn short_and_strange_buffers_are_errors() {
        for kind in KINDS {
            for length in [0, 1, 7, set_layout(kind).size - 1] {
                assert!(decode_record(kind, &vec![0u8; length], BASE).is_err(), "{kind} {length}");
                assert!(decode_ex_record(kind, &vec![0u8; length], BASE).is_err(), "{kind} {length}");
            }
        }
        // Zeroed storage: family 0.
        let zeroed = vec![0u8; set_layout(MappingKind::Ccs).size];
        assert!(matches!(
            decode_record(MappingKind::Ccs, &zeroed, BASE),
            Err(DecodeError::UnknownFamily { family: 0, .. })
        ));
        // A null `pIpPort`.
        let zeroed = vec![0u8; set_layout(MappingKind::Ip).size];
        assert_eq!(
            decode_record(MappingKind::Ip, &zeroed, BASE),
            Err(DecodeError::NullPointer { field: "pIpPort" })
        );
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A cheap deterministic generator: every buffer length and pattern must give a value
        // or an error.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for round in 0..2000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let length = usize::try_from(state % 400).unwrap_or(0);
            let bytes: Vec<u8> = (0..length)
                .map(|i| (state.rotate_left(u32::try_from(i % 64).unwrap_or(0)) & 0xff) as u8)
                .collect();
            let kind = KINDS[round % 4];
            let _ = decode_record(kind, &bytes, BASE);
            let _ = decode_ex_record(kind, &bytes, BASE);
            let _ = decode_record(kind, &bytes, 0);
        }
    }

    fn round_trip(mapping: &Mapping) -> Mapping {
        let encoded = encode_set(mapping).expect("encodes");
        assert_eq!(encoded.config_id(), config_id(mapping.key.kind()));
        assert_eq!(encoded.as_ptr().addr(), encoded.base());
        let bytes = encoded.to_bytes();
        decode_record(mapping.key.kind(), &bytes, encoded.base()).expect("decodes").mapping
    }

    #[test]
    fn encoded_records_decode_to_the_same_mapping() {
        let mut ipv4 =
            expected(MappingKey::Ip("10.0.0.5:443".parse().expect("an address")), Some("MY"), 0x50);
        ipv4.params.set_cert_check_mode(0x10002);
        ipv4.params.ctl_store_name = Some("adfstrusteddevices".to_owned());
        assert_eq!(round_trip(&ipv4), ipv4);

        let ipv6 = expected(MappingKey::Ip("[fe80::1%7]:443".parse().expect("an address")), None, 0);
        assert_eq!(round_trip(&ipv6), ipv6);

        let sni =
            expected(MappingKey::Sni { host: "bücher.example".into(), port: 443 }, Some("WebHosting"), 0);
        assert_eq!(round_trip(&sni), sni);

        let mut ccs = expected(MappingKey::Ccs { port: 443 }, None, 0);
        ccs.certificate_hash = None;
        assert_eq!(round_trip(&ccs), ccs);

        let mut scoped = expected(MappingKey::ScopedCcs { host: "a.example.com".into(), port: 443 }, None, 0);
        scoped.certificate_hash = None;
        assert_eq!(round_trip(&scoped), scoped);
    }

    #[test]
    fn deletes_carry_only_the_key() {
        let key = MappingKey::Sni { host: "a.example.com".into(), port: 8443 };
        let encoded = encode_delete(&key).expect("encodes");
        let decoded = decode_record(MappingKind::Sni, &encoded.to_bytes(), encoded.base()).expect("decodes");
        assert_eq!(decoded.mapping.key, key);
        assert_eq!(decoded.mapping.certificate_hash, None);
        assert_eq!(decoded.mapping.certificate_store, None);

        let key = MappingKey::Ip("[::]:443".parse().expect("an address"));
        let encoded = encode_delete(&key).expect("encodes");
        let decoded = decode_record(MappingKind::Ip, &encoded.to_bytes(), encoded.base()).expect("decodes");
        assert_eq!(decoded.mapping.key, key);
        assert_eq!(usize::try_from(encoded.struct_size()).ok(), Some(set_layout(MappingKind::Ip).size));
    }

    #[test]
    fn mappings_that_cannot_be_written_are_refused() {
        let mut no_hash = expected(MappingKey::Ip("0.0.0.0:443".parse().expect("an address")), None, 0);
        no_hash.certificate_hash = None;
        assert_eq!(encode_set(&no_hash).err(), Some(EncodeError::MissingHash { kind: MappingKind::Ip }));
        let mut no_app_id = expected(MappingKey::Ccs { port: 443 }, None, 0);
        no_app_id.app_id = None;
        assert_eq!(encode_set(&no_app_id).err(), Some(EncodeError::MissingAppId));
        let nul = expected(MappingKey::Ip("0.0.0.0:443".parse().expect("an address")), Some("M\0Y"), 0);
        assert!(matches!(encode_set(&nul), Err(EncodeError::NulInString { .. })));
        let empty = MappingKey::Sni { host: "".into(), port: 443 };
        assert_eq!(encode_delete(&empty).err(), Some(EncodeError::EmptyHost));
    }

    /// `HTTP_SERVICE_CONFIG_URLACL_SET` on 64-bit Windows: `pUrlPrefix` at 0,
    /// `pStringSecurityDescriptor` at 8, 16 bytes.
    const URLACL_SDDL: usize = 8;
    const URLACL_SET_SIZE: usize = 16;
    const SDDL: &str = "D:(A;;GX;;;WD)(A;;GA;;;S-1-5-80-1234)";

    fn urlacl_buffer(url: &str, sddl: &str) -> Buffer {
        let mut buffer = Buffer::new(URLACL_SET_SIZE);
        buffer.wide(0, url);
        buffer.wide(URLACL_SDDL, sddl);
        buffer
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_url_reservation_decodes() {
        assert_eq!(size_of::<HTTP_SERVICE_CONFIG_URLACL_SET>(), URLACL_SET_SIZE);
        let buffer = urlacl_buffer("https://+:443/ReportServer/", SDDL);
        let decoded = decode_urlacl_record(&buffer.0, BASE).expect("a reservation");
        assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
        let reservation = decoded.reservation;
        assert_eq!(reservation.url, "https://+:443/ReportServer/");
        assert_eq!(reservation.prefix, parse_url_prefix("https://+:443/ReportServer/").ok());
        assert!(reservation.prefix.is_some());
        assert_eq!(reservation.sddl.as_deref(), Some(SDDL));
        assert_eq!(reservation.users, users_from_sddl(SDDL));
        assert!(!reservation.users.is_empty());
        assert_eq!(reservation.origin, Origin::Live);

        let odd = urlacl_buffer("not a prefix", SDDL);
        let decoded = decode_urlacl_record(&odd.0, BASE).expect("kept as text");
        assert_eq!(decoded.reservation.prefix, None);
        assert_eq!(decoded.warnings.len(), 1, "{:?}", decoded.warnings);
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn url_reservation_pointers_outside_the_buffer_are_errors() {
        let mut buffer = urlacl_buffer("http://+:80/", SDDL);
        let length = buffer.0.len();
        buffer.pointer(URLACL_SDDL, BASE + length);
        let error = decode_urlacl_record(&buffer.0, BASE).expect_err("outside");
        assert!(
            matches!(error, DecodeError::PointerOutside { field: "pStringSecurityDescriptor", .. }),
            "{error}"
        );

        let mut below = urlacl_buffer("http://+:80/", SDDL);
        below.pointer(0, BASE - 2);
        let error = decode_urlacl_record(&below.0, BASE).expect_err("below");
        assert!(matches!(error, DecodeError::PointerOutside { field: "pUrlPrefix", .. }), "{error}");

        let mut null = urlacl_buffer("http://+:80/", SDDL);
        null.pointer(0, 0);
        assert_eq!(
            decode_urlacl_record(&null.0, BASE),
            Err(DecodeError::NullPointer { field: "pUrlPrefix" })
        );

        assert!(matches!(decode_urlacl_record(&[0u8; 8], BASE), Err(DecodeError::TooShort { .. })));
    }

    #[cfg(target_pointer_width = "64")]
    #[test]
    fn url_reservation_strings_without_their_nul_are_errors() {
        let mut buffer = urlacl_buffer("http://+:80/", SDDL);
        let at = buffer.append(&[b'D', 0, b':', 0]);
        buffer.pointer(URLACL_SDDL, BASE + at);
        assert_eq!(
            decode_urlacl_record(&buffer.0, BASE),
            Err(DecodeError::MissingNul { field: "pStringSecurityDescriptor" })
        );

        let mut url = Buffer::new(URLACL_SET_SIZE);
        url.wide(URLACL_SDDL, SDDL);
        let at = url.append(&[b'h', 0, b't', 0, b't']);
        url.pointer(0, BASE + at);
        assert_eq!(decode_urlacl_record(&url.0, BASE), Err(DecodeError::MissingNul { field: "pUrlPrefix" }));
    }
}

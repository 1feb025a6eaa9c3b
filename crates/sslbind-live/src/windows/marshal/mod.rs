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
//! The other direction, [`encode_set`] and [`encode_delete`] (and for one extended property
//! [`encode_property`] and [`encode_property_delete`]), lays out a structure plus its socket
//! address, hash, strings and parameter buffers in one owned, 8-byte-aligned allocation whose
//! pointers point into itself, ready to pass to `HttpSetServiceConfiguration`,
//! `HttpUpdateServiceConfiguration` or `HttpDeleteServiceConfiguration`, and alive as long as
//! the [`EncodedRecord`] is. Decoding an encoded record gives the mapping back, and decoding
//! an encoded extended property gives the property back; the tests rely on that, and a
//! property test checks it for arbitrary mappings.
//!
//! Windows is little-endian on every architecture it runs on, so multi-byte fields are read
//! and written little-endian (ports big-endian, as `sin_port` is in network order).
//!
//! One file per concern: [`layout`] says where each structure keeps its key and parameters
//! (the offsets both directions share), `reader` is the bounds-checked reading of a buffer,
//! `decode` turns buffers into model values with it, and `encode` lays model values out.
//! This file holds the record kinds, their config IDs and the AppId's `GUID`.

mod decode;
mod encode;
pub mod layout;
mod reader;

pub use decode::{
    DecodeError, DecodedExRecord, DecodedRecord, DecodedReservation, decode_ex_record, decode_record,
    decode_urlacl_record,
};
pub use encode::{
    EncodeError, EncodedRecord, encode_delete, encode_property, encode_property_delete, encode_set,
    property_type,
};
use sslbind_core::model::{AppId, MappingKind};
use windows_sys::Win32::Networking::HttpServer::{
    ExParamTypeErrorHeaders, ExParamTypeHttp2SettingsLimits, ExParamTypeHttp2Window,
    ExParamTypeHttpPerformance, ExParamTypeTlsRestrictions, ExParamTypeTlsSessionTicketKeys,
    HTTP_SERVICE_CONFIG_ID, HTTP_SSL_SERVICE_CONFIG_EX_PARAM_TYPE, HttpServiceConfigSSLCertInfo,
    HttpServiceConfigSslCcsCertInfo, HttpServiceConfigSslCcsCertInfoEx, HttpServiceConfigSslCertInfoEx,
    HttpServiceConfigSslScopedCcsCertInfo, HttpServiceConfigSslScopedCcsCertInfoEx,
    HttpServiceConfigSslSniCertInfo, HttpServiceConfigSslSniCertInfoEx, HttpServiceConfigUrlAclInfo,
};
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

/// The config ID that lists, sets and deletes records of `kind` (docs/httpsys.md#mapping-kinds).
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

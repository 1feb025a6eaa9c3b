//! HTTP.sys's structures decoded from buffers and encoded from mappings, on every platform.
//!
//! Buffers are built here by hand at the offsets of the C header for 64-bit Windows
//! (computed from `http.h`, not from `offset_of!`), so that the decoder is checked against
//! an independent idea of the layout. `layouts_match_the_c_header` ties the two together.

use std::mem::{offset_of, size_of};
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV6};

use proptest::prelude::*;

use sslbind_core::Origin;
use sslbind_core::httpsys::parse_url_prefix;
use sslbind_core::httpsys::urlacl::users_from_sddl;
use sslbind_core::model::{
    AppId, DefaultFlags, ExtendedProperty, Mapping, MappingKey, MappingKind, MappingParams, Thumbprint,
};
use sslbind_live::windows::marshal::layout::{KeyLayout, ex_layout, param, set_layout};
use sslbind_live::windows::marshal::{
    DecodeError, EncodeError, KINDS, app_id_from_guid, config_id, decode_ex_record, decode_record,
    decode_urlacl_record, encode_delete, encode_property, encode_property_delete, encode_set, ex_config_id,
    guid_from_app_id,
};
use windows_sys::Win32::Networking::HttpServer::{
    HTTP_SERVICE_CONFIG_SSL_PARAM, HTTP_SERVICE_CONFIG_SSL_PARAM_EX, HTTP_SERVICE_CONFIG_URLACL_SET,
    HTTP_UNKNOWN_HEADER,
};

/// The address the made-up buffers' pointers are relative to (here and in `windows`).
pub(crate) const BASE: usize = 0x7ff6_1234_0000;
const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
const HASH: &str = "5226dc6c54559761cd471b86eb51c096252c90f2";

/// Offsets of `HTTP_SERVICE_CONFIG_SSL_PARAM` on 64-bit Windows (here and in `settings`).
pub(crate) mod c {
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
/// written as `BASE + offset` (here and in `windows`).
pub(crate) struct Buffer(pub(crate) Vec<u8>);

impl Buffer {
    pub(crate) fn new(size: usize) -> Buffer {
        Buffer(vec![0; size])
    }
    pub(crate) fn put(&mut self, at: usize, data: &[u8]) {
        self.0[at..at + data.len()].copy_from_slice(data);
    }
    pub(crate) fn u32(&mut self, at: usize, value: u32) {
        self.put(at, &value.to_le_bytes());
    }
    fn pointer(&mut self, at: usize, value: usize) {
        self.put(at, &(value as u64).to_le_bytes());
    }
    pub(crate) fn append(&mut self, data: &[u8]) -> usize {
        let at = self.0.len().next_multiple_of(8);
        self.0.resize(at, 0);
        self.0.extend_from_slice(data);
        at
    }
    /// Appends `data` and writes a pointer to it at `at`.
    pub(crate) fn point_to(&mut self, at: usize, data: &[u8]) {
        let target = self.append(data);
        self.pointer(at, BASE + target);
    }
    /// Appends `text` as NUL-terminated UTF-16 and points `at` to it; `None` leaves the
    /// pointer null.
    pub(crate) fn wide<'t>(&mut self, at: usize, text: impl Into<Option<&'t str>>) {
        if let Some(text) = text.into() {
            let units: Vec<u8> = text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect();
            self.point_to(at, &units);
        }
    }
    pub(crate) fn sockaddr_v4(ip: [u8; 4], port: u16) -> Vec<u8> {
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
        (Some(1), pairs(&[("Max Settings Per Frame", "2796202"), ("Max Settings Per Minute", "4294967295")]))
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
    let mut ipv4 = expected(MappingKey::Ip("10.0.0.5:443".parse().expect("an address")), Some("MY"), 0x50);
    ipv4.params.set_cert_check_mode(0x10002);
    ipv4.params.ctl_store_name = Some("adfstrusteddevices".to_owned());
    assert_eq!(round_trip(&ipv4), ipv4);

    let ipv6 = expected(MappingKey::Ip("[fe80::1%7]:443".parse().expect("an address")), None, 0);
    assert_eq!(round_trip(&ipv6), ipv6);

    let sni = expected(MappingKey::Sni { host: "bücher.example".into(), port: 443 }, Some("WebHosting"), 0);
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

/// `property` of the record with `key`, encoded and decoded again.
fn property_round_trip(key: &MappingKey, property: &ExtendedProperty) -> ExtendedProperty {
    let encoded = encode_property(key, property).expect("encodes");
    assert_eq!(encoded.config_id(), ex_config_id(key.kind()));
    let decoded = decode_ex_record(key.kind(), &encoded.to_bytes(), encoded.base()).expect("decodes");
    assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
    assert_eq!(&decoded.key, key);
    decoded.property
}

#[test]
fn encoded_extended_properties_decode_to_the_same_property() {
    let ip = MappingKey::Ip("10.0.0.5:443".parse().expect("an address"));
    let sni = MappingKey::Sni { host: "a.example.com".into(), port: 443 };
    let ccs = MappingKey::Ccs { port: 443 };
    let scoped = MappingKey::ScopedCcs { host: "a.example.com".into(), port: 443 };
    let properties = [
        (0, pairs(&[("Receive Window", "1048576"), ("Flags", "7")])),
        (1, pairs(&[("Max Settings Per Frame", "2796202"), ("Max Settings Per Minute", "4294967295")])),
        (2, pairs(&[("Type", "MaxSendBufferSize"), ("BufferSize", "4"), ("Buffer", "65536")])),
        (2, pairs(&[("Type", "17"), ("BufferSize", "3"), ("Buffer", "0a0b0c")])),
        (2, pairs(&[("Type", "AggressiveICW"), ("BufferSize", "0")])),
        (3, pairs(&[("RestrictionCount", "0")])),
        (
            4,
            pairs(&[
                ("StatusCode", "503"),
                ("HeaderCount", "2"),
                ("Header", "Retry-After: 120"),
                ("Header", "X-Empty: "),
            ]),
        ),
        (5, pairs(&[("SessionTicketKeyCount", "0")])),
    ];
    for key in [&ip, &sni, &ccs, &scoped] {
        for (id, values) in &properties {
            let property = ExtendedProperty { property_id: Some(*id), values: values.clone() };
            assert_eq!(property_round_trip(key, &property), property, "{key}");
        }
    }
    // A block netsh printed without its `PropertyId` is known by its labels.
    let unnumbered = ExtendedProperty { property_id: None, values: pairs(&[("receive window", " 65535 ")]) };
    assert_eq!(
        property_round_trip(&ip, &unnumbered),
        ExtendedProperty { property_id: Some(0), values: pairs(&[("Receive Window", "65535")]) }
    );
    let delete = encode_property_delete(&sni, 1).expect("encodes");
    let decoded = decode_ex_record(MappingKind::Sni, &delete.to_bytes(), delete.base()).expect("decodes");
    assert_eq!(decoded.key, sni);
    assert_eq!(decoded.property.property_id, Some(1));
}

#[test]
fn extended_properties_that_cannot_be_written_back_are_refused() {
    let key = MappingKey::Ip("0.0.0.0:443".parse().expect("an address"));
    /// A `PropertyId`, the values and a word of the refusal.
    type Case<'a> = (Option<u32>, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 9] = [
        (Some(3), &[("RestrictionCount", "2")], "not what they are"),
        (Some(5), &[("SessionTicketKeyCount", "3")], "secrets"),
        (Some(9), &[], "unknown to this sslbind"),
        (Some(0), &[], "it has no `Receive Window`"),
        (Some(0), &[("Receive Window", "-1")], "not a number"),
        (
            Some(1),
            &[("Max Settings Per Frame", "7"), ("Max Settings Per Minute", "7"), ("Odd", "1")],
            "`Odd`",
        ),
        (Some(2), &[("Type", "AggressiveICW"), ("BufferSize", "1"), ("Buffer", "256")], "does not fit"),
        (Some(4), &[("StatusCode", "503"), ("HeaderCount", "2"), ("Header", "A: b")], "2 but 1"),
        (None, &[("Fenster", "65535")], "cannot be told"),
    ];
    for (property_id, values, reason) in cases {
        let property = ExtendedProperty { property_id, values: pairs(values) };
        let error = encode_property(&key, &property).expect_err("refused");
        assert!(matches!(error, EncodeError::ExtendedProperty { .. }), "{error:?}");
        assert!(error.to_string().contains(reason), "{property:?}: {error}");
    }
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
    assert_eq!(decode_urlacl_record(&null.0, BASE), Err(DecodeError::NullPointer { field: "pUrlPrefix" }));

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

#[cfg(target_pointer_width = "64")]
#[test]
fn names_that_are_not_valid_utf16_are_kept_with_a_warning() {
    let mut buffer = ipv4_buffer();
    // An unpaired high surrogate, then `Y`.
    let at = buffer.append(&[0x00, 0xd8, b'Y', 0, 0, 0]);
    buffer.pointer(c::SSL_SET_PARAM + c::STORE, BASE + at);
    let decoded = decode_record(MappingKind::Ip, &buffer.0, BASE).expect("decodes");
    assert_eq!(decoded.mapping.certificate_store.as_deref(), Some("\u{fffd}Y"));
    assert_eq!(
        decoded.warnings,
        ["`pSslCertStoreName` is not valid UTF-16; invalid code units were replaced with U+FFFD"]
    );
}

// ---------------------------------------------------------------------------------------------
// Round trip: every mapping the encoder takes decodes to itself.

/// A string HTTP.sys can hold: any characters but NUL, which would end it.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>().prop_filter("no NUL", |c| *c != '\0'), 0..24)
        .prop_map(|chars| chars.into_iter().collect())
}

fn host() -> impl Strategy<Value = String> {
    text().prop_filter("a host is not empty", |host| !host.is_empty())
}

/// Every key kind; IPv6 addresses without a flow label, which is not part of a record's
/// identity and is not read back.
fn key() -> impl Strategy<Value = MappingKey> {
    prop_oneof![
        any::<std::net::SocketAddrV4>().prop_map(|address| MappingKey::Ip(SocketAddr::V4(address))),
        (any::<Ipv6Addr>(), any::<u16>(), any::<u32>()).prop_map(|(ip, port, scope)| {
            MappingKey::Ip(SocketAddr::V6(SocketAddrV6::new(ip, port, 0, scope)))
        }),
        (host(), any::<u16>()).prop_map(|(host, port)| MappingKey::Sni { host: host.into(), port }),
        any::<u16>().prop_map(|port| MappingKey::Ccs { port }),
        (host(), any::<u16>()).prop_map(|(host, port)| MappingKey::ScopedCcs { host: host.into(), port }),
    ]
}

/// An extended property as the decoder reads it, of every parameter type the encoder can
/// write back: HTTP/2 window and settings limits, performance parameters (named or numbered,
/// with or without a buffer), error headers, and TLS restrictions and session ticket keys
/// when there are none; the `Flags` word when it is not zero.
fn property() -> impl Strategy<Value = ExtendedProperty> {
    let text = |label: &str, value: String| (label.to_owned(), value);
    let performance =
        (-3i32..20, prop_oneof![Just(0usize), Just(1), Just(2), Just(3), Just(4), Just(8), Just(16)])
            .prop_flat_map(|(kind, size)| {
                (Just(kind), proptest::collection::vec(any::<u8>(), size), any::<bool>())
            });
    let header = ("[A-Za-z0-9-]{0,12}", "[ -~]{0,16}").prop_map(|(name, raw)| format!("{name}: {raw}"));
    let values = prop_oneof![
        any::<u32>().prop_map(move |size| (0, vec![text("Receive Window", size.to_string())])),
        (any::<u32>(), any::<u32>()).prop_map(move |(frame, minute)| {
            (
                1,
                vec![
                    text("Max Settings Per Frame", frame.to_string()),
                    text("Max Settings Per Minute", minute.to_string()),
                ],
            )
        }),
        performance.prop_map(move |(kind, buffer, present)| {
            let names = [
                "SendBufferingFlags",
                "AggressiveICW",
                "MaxSendBufferSize",
                "MaxConcurrentClientStreams",
                "MaxReceiveBufferSize",
                "DecryptOnSspiThread",
            ];
            let name = usize::try_from(kind)
                .ok()
                .and_then(|index| names.get(index))
                .map_or(kind.to_string(), |name| (*name).to_owned());
            let mut values = vec![text("Type", name), text("BufferSize", buffer.len().to_string())];
            if present && !buffer.is_empty() {
                let rendered = match buffer.len() {
                    1 | 2 | 4 | 8 => {
                        let mut word = [0u8; 8];
                        word[..buffer.len()].copy_from_slice(&buffer);
                        u64::from_le_bytes(word).to_string()
                    }
                    _ => buffer.iter().map(|byte| format!("{byte:02x}")).collect(),
                };
                values.push(text("Buffer", rendered));
            }
            (2, values)
        }),
        Just((3, vec![text("RestrictionCount", "0".to_owned())])),
        (any::<u16>(), proptest::collection::vec(header, 0..4)).prop_map(move |(status, headers)| {
            let mut values =
                vec![text("StatusCode", status.to_string()), text("HeaderCount", headers.len().to_string())];
            values.extend(headers.into_iter().map(|header| text("Header", header)));
            (4, values)
        }),
        Just((5, vec![text("SessionTicketKeyCount", "0".to_owned())])),
    ];
    (values, any::<u64>()).prop_map(move |((id, mut values), flags)| {
        if flags != 0 {
            values.push(text("Flags", flags.to_string()));
        }
        ExtendedProperty { property_id: Some(id), values }
    })
}

/// A mapping as the decoder makes it (live, with the whole flags word and every parameter
/// known) with everything the encoder writes chosen freely: a hash (which IP and SNI records
/// need), AppId, store, check mode, revocation times, CTL names, flags and extended
/// properties (one of each type at most, as HTTP.sys keys them by type).
fn mapping() -> impl Strategy<Value = Mapping> {
    let hash = proptest::option::of(any::<[u8; 20]>().prop_map(Thumbprint));
    let strings = (proptest::option::of(text()), proptest::option::of(text()), proptest::option::of(text()));
    let words = (any::<[bool; 4]>(), any::<u32>(), any::<u32>(), any::<u32>());
    let properties = proptest::collection::vec(property(), 0..4).prop_map(|mut properties| {
        let mut seen = Vec::new();
        properties.retain(|property| {
            let fresh = !seen.contains(&property.property_id);
            seen.push(property.property_id);
            fresh
        });
        properties
    });
    (key(), hash, any::<[u8; 20]>(), any::<u128>(), strings, words, properties).prop_map(
        |(
            key,
            hash,
            fallback,
            app_id,
            (store, ctl_identifier, ctl_store),
            (checks, freshness, timeout, flags),
            properties,
        )| {
            let needs_hash = matches!(key, MappingKey::Ip(_) | MappingKey::Sni { .. });
            let mut mapping = Mapping::new(key, Origin::Live);
            mapping.certificate_hash = hash.or(needs_hash.then_some(Thumbprint(fallback)));
            mapping.app_id = Some(AppId(app_id));
            mapping.certificate_store = store;
            let bits = [
                MappingParams::CHECK_NO_REVOCATION,
                MappingParams::CHECK_CACHED_ONLY,
                MappingParams::CHECK_FRESHNESS_TIME,
                MappingParams::CHECK_NO_USAGE_CHECK,
            ];
            let mode =
                bits.into_iter().zip(checks).filter(|(_, set)| *set).fold(0, |mode, (bit, _)| mode | bit);
            mapping.params.set_cert_check_mode(mode);
            mapping.params.revocation_freshness_time = Some(freshness);
            mapping.params.url_retrieval_timeout = Some(timeout);
            mapping.params.ctl_identifier = ctl_identifier;
            mapping.params.ctl_store_name = ctl_store;
            mapping.flags = DefaultFlags::from_bits_retain(flags);
            mapping.flags_known = true;
            mapping.extended_properties = properties;
            mapping
        },
    )
}

proptest! {
    #[test]
    fn any_encoded_mapping_decodes_to_itself(mapping in mapping()) {
        let kind = mapping.key.kind();
        let encoded = encode_set(&mapping).expect("encodes");
        prop_assert_eq!(encoded.config_id(), config_id(kind));
        let decoded = decode_record(kind, &encoded.to_bytes(), encoded.base()).expect("decodes");
        prop_assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
        let mut read = decoded.mapping;
        // The record's structure has no room for its extended properties: the live apply
        // writes each as an `…Ex` record of its own, and the live reader attaches them.
        prop_assert!(read.extended_properties.is_empty());
        for property in &mapping.extended_properties {
            let record = encode_property(&mapping.key, property).expect("encodes");
            prop_assert_eq!(record.config_id(), ex_config_id(kind));
            let decoded = decode_ex_record(kind, &record.to_bytes(), record.base()).expect("decodes");
            prop_assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
            prop_assert_eq!(&decoded.key, &mapping.key);
            read.extended_properties.push(decoded.property);
        }
        prop_assert_eq!(read, mapping);
    }

    #[test]
    fn any_encoded_delete_decodes_to_its_key(key in key()) {
        let encoded = encode_delete(&key).expect("encodes");
        let decoded = decode_record(key.kind(), &encoded.to_bytes(), encoded.base()).expect("decodes");
        prop_assert_eq!(decoded.mapping.key, key);
        prop_assert_eq!(decoded.mapping.certificate_hash, None);
    }
}

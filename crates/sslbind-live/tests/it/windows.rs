//! The live reader gives the same model as the netsh and registry readers for the same
//! records: each record below is written as `netsh http show sslcert` text, as a `.reg`
//! export and as the buffers `HttpQueryServiceConfiguration` returns (built in memory at the
//! offsets of the C header for 64-bit Windows, independently of the decoder), and the three
//! readings are compared.

use std::sync::Arc;

use sslbind_core::httpsys::read_netsh;
use sslbind_core::model::{Mapping, MappingKey, MappingKind, MappingParams, Thumbprint};
use sslbind_core::registry::{interpret, reg};
use sslbind_live::windows::marshal::{decode_ex_record, decode_record, encode_set};

use crate::marshal::{BASE, Buffer};

const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
const IIS_EXPRESS: &str = "{214124cd-d05b-4309-9af9-9caa44b2b74a}";

/// One HTTP.sys record, as the three sources would hold it.
struct Record {
    kind: MappingKind,
    /// The key as netsh prints it (`0.0.0.0:443`, `host:443`, a port for CCS).
    key: &'static str,
    /// The key's socket address (for CCS and SNI: the wildcard with the port).
    address: &'static str,
    host: Option<&'static str>,
    hash: Option<&'static str>,
    app_id: &'static str,
    store: Option<&'static str>,
    check_mode: u32,
    freshness: u32,
    timeout: u32,
    ctl_identifier: Option<&'static str>,
    ctl_store: Option<&'static str>,
    flags: u32,
    /// HTTP/2 receive window and settings limits, as newer builds report them.
    http2: Option<(u32, u32, u32)>,
}

const RECORDS: [Record; 4] = [
    Record {
        kind: MappingKind::Ip,
        key: "0.0.0.0:443",
        address: "0.0.0.0:443",
        host: None,
        hash: Some("5226dc6c54559761cd471b86eb51c096252c90f2"),
        app_id: IIS,
        store: Some("MY"),
        check_mode: 0,
        freshness: 0,
        timeout: 0,
        ctl_identifier: None,
        ctl_store: None,
        flags: 0x10 | 0x40,
        http2: Some((1_048_576, 2_796_202, u32::MAX)),
    },
    Record {
        kind: MappingKind::Ip,
        key: "[::]:44300",
        address: "[::]:44300",
        host: None,
        hash: Some("61d34f532da121bbab64723c4871e72c92f03735"),
        app_id: IIS_EXPRESS,
        store: None,
        check_mode: 0x1,
        freshness: 0,
        timeout: 0,
        ctl_identifier: None,
        ctl_store: None,
        flags: 0,
        http2: None,
    },
    Record {
        kind: MappingKind::Sni,
        key: "www.example.com:443",
        address: "0.0.0.0:443",
        host: Some("www.example.com"),
        hash: Some("07fd6136d6d998b3e5b87ee49eb4075652e79555"),
        app_id: IIS,
        store: Some("WebHosting"),
        check_mode: 0x2 | 0x10000,
        freshness: 60,
        timeout: 5000,
        ctl_identifier: Some("trusted"),
        ctl_store: Some("AdfsTrustedDevices"),
        flags: 0x2 | 0x400 | 0x1000,
        http2: None,
    },
    Record {
        kind: MappingKind::Ccs,
        key: "443",
        address: "0.0.0.0:443",
        host: None,
        hash: None,
        app_id: IIS,
        store: None,
        check_mode: 0,
        freshness: 0,
        timeout: 0,
        ctl_identifier: None,
        ctl_store: None,
        flags: 0x8,
        http2: None,
    },
];

// ---------------------------------------------------------------------------------------------
// netsh text.

fn netsh_text() -> String {
    let mut text = String::from("\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n");
    let enabled = |on: bool| if on { "Enabled" } else { "Disabled" };
    let set = |on: bool| if on { "Set" } else { "Not Set" };
    for record in &RECORDS {
        let label = match record.kind {
            MappingKind::Ip => "IP:port",
            MappingKind::Sni => "Hostname:port",
            MappingKind::Ccs => "Central Certificate Store",
            MappingKind::ScopedCcs => unreachable!("netsh's scoped-CCS label is unknown"),
        };
        let flag = |bit: u32| record.flags & bit != 0;
        let lines = [
            (label, record.key.to_owned()),
            ("Certificate Hash", record.hash.unwrap_or("(null)").to_owned()),
            ("Application ID", record.app_id.to_owned()),
            ("Certificate Store Name", record.store.unwrap_or("(null)").to_owned()),
            ("Verify Client Certificate Revocation", enabled(record.check_mode & 0x1 == 0).to_owned()),
            (
                "Verify Revocation Using Cached Client Certificate Only",
                enabled(record.check_mode & 0x2 != 0).to_owned(),
            ),
            ("Usage Check", enabled(record.check_mode & 0x10000 == 0).to_owned()),
            ("Revocation Freshness Time", record.freshness.to_string()),
            ("URL Retrieval Timeout", record.timeout.to_string()),
            ("Ctl Identifier", record.ctl_identifier.unwrap_or("(null)").to_owned()),
            ("Ctl Store Name", record.ctl_store.unwrap_or("(null)").to_owned()),
            ("DS Mapper Usage", enabled(flag(0x1)).to_owned()),
            ("Negotiate Client Certificate", enabled(flag(0x2)).to_owned()),
            ("Reject Connections", enabled(flag(0x8)).to_owned()),
            ("Disable HTTP2", set(flag(0x10)).to_owned()),
            ("Disable QUIC", set(flag(0x20)).to_owned()),
            ("Disable TLS1.2", set(flag(0x1000)).to_owned()),
            ("Disable TLS1.3", set(flag(0x40)).to_owned()),
            ("Disable OCSP Stapling", set(flag(0x80)).to_owned()),
            ("Enable Token Binding", set(flag(0x100)).to_owned()),
            ("Log Extended Events", set(flag(0x200)).to_owned()),
            ("Disable Legacy TLS Versions", set(flag(0x400)).to_owned()),
            ("Enable Session Ticket", set(flag(0x800)).to_owned()),
        ];
        for (label, value) in lines {
            text.push_str(&format!("    {label:<28} : {value}\r\n"));
        }
        if let Some((window, per_frame, per_minute)) = record.http2 {
            text.push_str(" Extended Properties:\r\n");
            text.push_str(&format!(
                "    {:<28} : 0\r\n    {:<28} : {window}\r\n",
                "PropertyId", "Receive Window"
            ));
            text.push_str(" Extended Properties:\r\n");
            text.push_str(&format!(
                "    {:<28} : 1\r\n    {:<28} : {per_frame}\r\n    {:<28} : {per_minute}\r\n",
                "PropertyId", "Max Settings Per Frame", "Max Settings Per Minute"
            ));
        }
        text.push_str("\r\n");
    }
    text
}

// ---------------------------------------------------------------------------------------------
// .reg export.

fn reg_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect::<Vec<_>>().join(",")
}

fn reg_text() -> String {
    let mut text = String::from("Windows Registry Editor Version 5.00\r\n\r\n");
    let parameters = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters";
    for record in &RECORDS {
        let (parent, name) = match record.kind {
            MappingKind::Ip => ("SslBindingInfo", record.key.to_owned()),
            MappingKind::Sni => ("SslSniBindingInfo", record.key.to_owned()),
            MappingKind::Ccs => ("SslCcsBindingInfo", format!("0.0.0.0:{}", record.key)),
            MappingKind::ScopedCcs => unreachable!("the registry reader has no scoped-CCS records"),
        };
        text.push_str(&format!("[{parameters}\\{parent}\\{name}]\r\n"));
        if let Some(hash) = record.hash {
            let bytes = Thumbprint::parse(hash).expect("a thumbprint").0;
            text.push_str(&format!("\"SslCertHash\"=hex:{}\r\n", reg_hex(&bytes)));
        }
        let app_id = sslbind_core::model::AppId::parse(record.app_id).expect("an AppId");
        text.push_str(&format!("\"AppId\"=hex:{}\r\n", reg_hex(&app_id.to_windows_bytes())));
        if let Some(store) = record.store {
            text.push_str(&format!("\"SslCertStoreName\"=\"{store}\"\r\n"));
        }
        text.push_str(&format!("\"DefaultSslCertCheckMode\"=dword:{:08x}\r\n", record.check_mode));
        text.push_str(&format!("\"DefaultSslRevocationFreshnessTime\"=dword:{:08x}\r\n", record.freshness));
        text.push_str(&format!(
            "\"DefaultSslRevocationUrlRetrievalTimeout\"=dword:{:08x}\r\n",
            record.timeout
        ));
        if let Some(identifier) = record.ctl_identifier {
            text.push_str(&format!("\"DefaultSslCtlIdentifier\"=\"{identifier}\"\r\n"));
        }
        if let Some(store) = record.ctl_store {
            text.push_str(&format!("\"DefaultSslCtlStoreName\"=\"{store}\"\r\n"));
        }
        text.push_str(&format!("\"DefaultFlags\"=dword:{:08x}\r\n\r\n", record.flags));
    }
    text
}

// ---------------------------------------------------------------------------------------------
// HTTP Server API buffers, laid out by hand (64-bit Windows, from http.h).

/// `SOCKADDR_IN` / `SOCKADDR_IN6` with Windows' family numbers and the port in network order.
fn sockaddr(address: &str) -> Vec<u8> {
    match address.parse::<std::net::SocketAddr>().expect("an address") {
        std::net::SocketAddr::V4(v4) => {
            let mut bytes = vec![0u8; 16];
            bytes[0..2].copy_from_slice(&2u16.to_le_bytes());
            bytes[2..4].copy_from_slice(&v4.port().to_be_bytes());
            bytes[4..8].copy_from_slice(&v4.ip().octets());
            bytes
        }
        std::net::SocketAddr::V6(v6) => {
            let mut bytes = vec![0u8; 28];
            bytes[0..2].copy_from_slice(&23u16.to_le_bytes());
            bytes[2..4].copy_from_slice(&v6.port().to_be_bytes());
            bytes[8..24].copy_from_slice(&v6.ip().octets());
            bytes
        }
    }
}

/// The `…_SET` structure of `record`: (size, offset of `ParamDesc`) per kind, the key, then
/// `HTTP_SERVICE_CONFIG_SSL_PARAM` (hash length 0, hash 8, AppId 16, store 32, check mode 40,
/// freshness 44, timeout 48, CTL identifier 56, CTL store 64, flags 72).
fn api_buffer(record: &Record) -> Buffer {
    let (size, param) = match record.kind {
        MappingKind::Ip => (88, 8),
        MappingKind::Sni | MappingKind::ScopedCcs => (216, 136),
        MappingKind::Ccs => (208, 128),
    };
    let mut buffer = Buffer::new(size);
    match record.kind {
        MappingKind::Ip => buffer.point_to(0, &sockaddr(record.address)),
        _ => buffer.put(0, &sockaddr(record.address)),
    }
    if record.kind == MappingKind::Sni {
        buffer.wide(128, record.host);
    }
    if let Some(hash) = record.hash {
        buffer.put(param, &20u32.to_le_bytes());
        buffer.point_to(param + 8, &Thumbprint::parse(hash).expect("a thumbprint").0);
    }
    let app_id = sslbind_core::model::AppId::parse(record.app_id).expect("an AppId");
    buffer.put(param + 16, &app_id.to_windows_bytes());
    buffer.wide(param + 32, record.store);
    buffer.put(param + 40, &record.check_mode.to_le_bytes());
    buffer.put(param + 44, &record.freshness.to_le_bytes());
    buffer.put(param + 48, &record.timeout.to_le_bytes());
    buffer.wide(param + 56, record.ctl_identifier);
    buffer.wide(param + 64, record.ctl_store);
    buffer.put(param + 72, &record.flags.to_le_bytes());
    buffer
}

/// `HTTP_SERVICE_CONFIG_SSL_SET_EX` buffers (key storage at 0; `ParamType` at 128, the union
/// at 144) for the HTTP/2 parameters of an IP record.
fn api_ex_buffers(record: &Record) -> Vec<Buffer> {
    let Some((window, per_frame, per_minute)) = record.http2 else { return Vec::new() };
    let mut first = Buffer::new(160);
    first.put(0, &sockaddr(record.address));
    first.put(128, &0i32.to_le_bytes());
    first.put(144, &window.to_le_bytes());
    let mut second = Buffer::new(160);
    second.put(0, &sockaddr(record.address));
    second.put(128, &1i32.to_le_bytes());
    second.put(144, &per_frame.to_le_bytes());
    second.put(148, &per_minute.to_le_bytes());
    vec![first, second]
}

fn live_mappings() -> Vec<Mapping> {
    RECORDS
        .iter()
        .map(|record| {
            let mut mapping =
                decode_record(record.kind, &api_buffer(record).0, BASE).expect("the buffer decodes").mapping;
            for buffer in api_ex_buffers(record) {
                let decoded = decode_ex_record(record.kind, &buffer.0, BASE).expect("the buffer decodes");
                assert_eq!(decoded.key, mapping.key);
                mapping.extended_properties.push(decoded.property);
            }
            mapping
        })
        .collect()
}

fn find<'m>(mappings: &'m [Mapping], key: &MappingKey) -> &'m Mapping {
    mappings.iter().find(|mapping| mapping.key == *key).unwrap_or_else(|| panic!("no mapping {key}"))
}

/// netsh prints neither the "freshness time enabled" bit of the check mode nor any other
/// field that is not a label; the rest must agree.
fn without_freshness_switch(params: &MappingParams) -> MappingParams {
    MappingParams { revocation_freshness_time_enabled: None, ..params.clone() }
}

#[cfg(target_pointer_width = "64")]
#[test]
fn the_live_reader_agrees_with_netsh_and_the_registry() {
    let live = live_mappings();
    assert_eq!(live.len(), RECORDS.len());

    let netsh = read_netsh(&Arc::from("sslcert.txt"), netsh_text().as_bytes()).expect("netsh text reads");
    assert!(netsh.warnings.is_empty(), "{:?}", netsh.warnings);
    let tree = reg::read_reg(&Arc::from("http.reg"), reg_text().as_bytes()).expect("the export reads");
    assert!(tree.warnings.is_empty(), "{:?}", tree.warnings);
    let registry = interpret::interpret(&tree.tree, &Arc::from("http.reg"));
    assert!(registry.warnings.is_empty(), "{:?}", registry.warnings);
    assert_eq!(netsh.mappings.len(), RECORDS.len());
    assert_eq!(registry.mappings.len(), RECORDS.len());

    for mapping in &live {
        let key = &mapping.key;
        let from_netsh = find(&netsh.mappings, key);
        let from_registry = find(&registry.mappings, key);
        for (source, other) in [("netsh", from_netsh), ("registry", from_registry)] {
            assert_eq!(other.key, *key, "{source}: key");
            assert_eq!(other.key.kind(), key.kind(), "{source}: kind of {key}");
            assert_eq!(other.certificate_hash, mapping.certificate_hash, "{source}: hash of {key}");
            assert_eq!(other.app_id, mapping.app_id, "{source}: AppId of {key}");
            assert_eq!(other.certificate_store, mapping.certificate_store, "{source}: store of {key}");
            assert_eq!(other.flags, mapping.flags, "{source}: flags of {key}");
            assert_eq!(other.flags_known, mapping.flags_known, "{source}: flags_known of {key}");
            assert!(other.unknown_fields.is_empty(), "{source}: {:?}", other.unknown_fields);
        }
        // The registry and the API hold the same words.
        assert_eq!(from_registry.params, mapping.params, "registry: params of {key}");
        assert_eq!(from_netsh.params, without_freshness_switch(&mapping.params), "netsh: params of {key}");
        // Extended properties appear in netsh and the API only.
        assert_eq!(
            from_netsh.extended_properties, mapping.extended_properties,
            "netsh: extended properties of {key}"
        );
        assert!(mapping.unknown_fields.is_empty() && !mapping.truncated);
    }
    // The first record's HTTP/2 properties came through with netsh's names.
    let first = &live[0].extended_properties;
    assert_eq!(first.len(), 2);
    assert_eq!(first[0].values, [("Receive Window".to_owned(), "1048576".to_owned())]);
}

/// What the live writer would hand to `HttpSetServiceConfiguration` decodes to what the
/// netsh reader makes of the same record: writing back what was read changes nothing.
#[test]
fn records_read_from_netsh_survive_encoding() {
    let netsh = read_netsh(&Arc::from("sslcert.txt"), netsh_text().as_bytes()).expect("netsh text reads");
    for mapping in &netsh.mappings {
        let encoded = encode_set(mapping).expect("encodes");
        let decoded =
            decode_record(mapping.key.kind(), &encoded.to_bytes(), encoded.base()).expect("decodes").mapping;
        assert_eq!(decoded.key, mapping.key);
        assert_eq!(decoded.certificate_hash, mapping.certificate_hash);
        assert_eq!(decoded.app_id, mapping.app_id);
        assert_eq!(decoded.certificate_store, mapping.certificate_store);
        assert_eq!(decoded.flags, mapping.flags);
        assert_eq!(without_freshness_switch(&decoded.params), mapping.params);
    }
}

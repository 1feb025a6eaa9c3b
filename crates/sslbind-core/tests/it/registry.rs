//! Tests of the `.reg` reader and the registry interpreter through sslbind-core's public API.
//!
//! The exports are written here as text and encoded the way regedit saves them (UTF-16 LE
//! with a BOM for version 5, ANSI for REGEDIT4), certificate blobs are built from real DER
//! made with rcgen, and the same mappings are also written as netsh output to check that
//! both sources give the same model.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::support::TextPosition;
use sslbind_core::certs::certificate_from_der;
use sslbind_core::httpsys::read_netsh;
use sslbind_core::model::{AppId, Certificate, Mapping, MappingKey, Thumbprint};
use sslbind_core::registry::interpret::{RegistryRead, interpret};
use sslbind_core::registry::reg::{RegRead, read_reg};
use sslbind_core::registry::{RegistryData, RegistryKey, RegistryTree, RegistryValue};
use sslbind_core::text::{Encoding, encode};
use sslbind_core::{Location, Origin, SourceWarning};

use crate::support::{self, MachineBuilder};

const HEADER: &str = "Windows Registry Editor Version 5.00\r\n\r\n";
const HTTP: &str = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\HTTP\Parameters";
const STORES: &str = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SystemCertificates";
const IIS_APP: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";

fn source() -> Arc<str> {
    Arc::from("export.reg")
}

/// `body` as regedit 5 saves it: UTF-16 LE with a BOM, CRLF line ends.
fn v5(body: &str) -> Vec<u8> {
    let text = format!("{HEADER}{body}").replace("\r\n", "\n").replace('\n', "\r\n");
    encode(&text, Encoding::Utf16Le)
}

fn read(bytes: &[u8]) -> RegRead {
    read_reg(&source(), bytes).expect("the export reads")
}

fn read_v5(body: &str) -> RegRead {
    read(&v5(body))
}

fn interpret_v5(body: &str) -> RegistryRead {
    let read = read_v5(body);
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    interpret(&read.tree, &source())
}

fn key<'t>(tree: &'t RegistryTree, path: &str) -> &'t RegistryKey {
    tree.keys.iter().find(|key| key.path == path).unwrap_or_else(|| panic!("no key {path} in {tree:#?}"))
}

fn data<'t>(tree: &'t RegistryTree, path: &str, name: &str) -> &'t RegistryData {
    &key(tree, path).value(name).unwrap_or_else(|| panic!("no value {name} in {path}")).data
}

fn warnings(list: &[SourceWarning]) -> Vec<String> {
    list.iter()
        .map(|warning| {
            format!("{}:{} {}", warning.location.line(), warning.location.column(), warning.message)
        })
        .collect()
}

/// `bytes` as regedit writes binary data: `hex:` lists wrapped with `,\` after about 75
/// characters, the next line indented by two spaces.
fn hex_data(prefix: &str, bytes: &[u8]) -> String {
    let mut out = format!("{prefix}:");
    let mut width = out.len() + 20;
    for (index, byte) in bytes.iter().enumerate() {
        let _ = write!(out, "{byte:02x}");
        width += 2;
        if index + 1 < bytes.len() {
            out.push(',');
            width += 1;
            if width > 76 {
                out.push_str("\\\n  ");
                width = 2;
            }
        }
    }
    out
}

fn utf16z(text: &str) -> Vec<u8> {
    text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
}

fn location(origin: &Origin) -> (u32, u32) {
    origin.location().map(|location| (location.line(), location.column())).expect("a file origin")
}

// ---------------------------------------------------------------------------------------------
// The `.reg` reader.

#[test]
fn every_value_type_reads() {
    let multi: Vec<u8> = ["one", "two"].iter().flat_map(|s| utf16z(s)).chain([0, 0]).collect();
    let body = format!(
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Test]\n\
         @=\"default\"\n\
         \"Sz\"=\"plain\"\n\
         \"Dword\"=dword:0000012c\n\
         \"Binary\"=hex:de,ad,BE,ef\n\
         \"Empty\"=hex:\n\
         \"None\"=hex(0):01,02\n\
         \"Sz1\"={}\n\
         \"Expand\"={}\n\
         \"Bin3\"=hex(3):0a\n\
         \"Dword4\"=hex(4):2c,01,00,00\n\
         \"BigEndian\"=hex(5):00,00,01,2c\n\
         \"Multi\"={}\n\
         \"Qword\"=hex(b):01,00,00,00,00,00,00,80\n\
         \"Odd\"=hex(4):01,02\n",
        hex_data("hex(1)", &utf16z("via hex")),
        hex_data("hex(2)", &utf16z("%SystemRoot%\\x")),
        hex_data("hex(7)", &multi),
    );
    let read = read_v5(&body);
    let tree = &read.tree;
    let path = r"HKEY_LOCAL_MACHINE\SOFTWARE\Test";
    assert_eq!(data(tree, path, ""), &RegistryData::String("default".into()));
    assert_eq!(data(tree, path, "sz"), &RegistryData::String("plain".into()));
    assert_eq!(data(tree, path, "Dword"), &RegistryData::Dword(300));
    assert_eq!(data(tree, path, "Binary"), &RegistryData::Binary(vec![0xde, 0xad, 0xbe, 0xef]));
    assert_eq!(data(tree, path, "Empty"), &RegistryData::Binary(vec![]));
    assert_eq!(data(tree, path, "None"), &RegistryData::Other { kind: 0, bytes: vec![1, 2] });
    assert_eq!(data(tree, path, "Sz1"), &RegistryData::String("via hex".into()));
    assert_eq!(data(tree, path, "Expand"), &RegistryData::ExpandString("%SystemRoot%\\x".into()));
    assert_eq!(data(tree, path, "Bin3"), &RegistryData::Binary(vec![0x0a]));
    assert_eq!(data(tree, path, "Dword4"), &RegistryData::Dword(300));
    assert_eq!(data(tree, path, "BigEndian"), &RegistryData::Other { kind: 5, bytes: vec![0, 0, 1, 0x2c] });
    assert_eq!(data(tree, path, "Multi"), &RegistryData::MultiString(vec!["one".into(), "two".into()]));
    assert_eq!(data(tree, path, "Qword"), &RegistryData::Qword(0x8000_0000_0000_0001));
    assert_eq!(data(tree, path, "Odd"), &RegistryData::Other { kind: 4, bytes: vec![1, 2] });
    assert_eq!(
        warnings(&read.warnings),
        ["19:7 value `Odd`: REG_DWORD data should be 4 bytes, found 2; kept as raw bytes"]
    );
    // Values keep their order and their own lines.
    let names: Vec<&str> = key(tree, path).values.iter().map(|value| value.name.as_str()).collect();
    assert_eq!(names[..4], ["", "Sz", "Dword", "Binary"]);
    assert_eq!(location(&key(tree, path).origin), (3, 1));
    assert_eq!(location(&key(tree, path).value("Dword").unwrap().origin), (6, 1));
}

#[test]
fn utf8_version_5_files_read_too() {
    let text = format!("{HEADER}[HKEY_CURRENT_USER\\A]\n\"Name\"=\"wert ü\"\n");
    for encoding in [Encoding::Utf8, Encoding::Utf8Bom] {
        let read = read(&encode(&text, encoding));
        assert_eq!(data(&read.tree, r"HKEY_CURRENT_USER\A", "Name"), &RegistryData::String("wert ü".into()));
        assert!(read.warnings.is_empty());
    }
}

#[test]
fn regedit4_is_ansi_with_a_utf8_fallback() {
    // "café" in Windows-1252 in a string, the euro sign as UTF-8 in a key name, and
    // `hex(2)`/`hex(7)` data in single bytes as REGEDIT4 writes them.
    let mut bytes = b"REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Caf\xC3\xA9 \xE2\x82\xAC]\r\n".to_vec();
    bytes.extend_from_slice(b"\"Name\"=\"caf\xE9 \x93quoted\x94\"\r\n");
    bytes.extend_from_slice(b"\"Expand\"=hex(2):25,41,25,00\r\n");
    bytes.extend_from_slice(b"\"Multi\"=hex(7):61,00,e9,00,00\r\n");
    bytes.extend_from_slice(b"\"Sz\"=hex(1):41,42,00\r\n");
    let read = read(&bytes);
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let path = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Café €";
    assert_eq!(data(&read.tree, path, "Name"), &RegistryData::String("café “quoted”".into()));
    assert_eq!(data(&read.tree, path, "Expand"), &RegistryData::ExpandString("%A%".into()));
    assert_eq!(data(&read.tree, path, "Multi"), &RegistryData::MultiString(vec!["a".into(), "é".into()]));
    assert_eq!(data(&read.tree, path, "Sz"), &RegistryData::String("AB".into()));
}

#[test]
fn continuations_comments_blank_lines_and_mixed_line_ends() {
    let text = "\n\nWindows Registry Editor Version 5.00\n\n; a comment \\\n[HKEY_CURRENT_USER\\A]\r\n\
                \"Wrapped\"=hex:01,02,\\\r\n      03,04,\\\n  05\n\n   ; indented comment\n\
                \"After\"=dword:00000001\n";
    let read = read(text.as_bytes());
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let path = r"HKEY_CURRENT_USER\A";
    assert_eq!(data(&read.tree, path, "Wrapped"), &RegistryData::Binary(vec![1, 2, 3, 4, 5]));
    assert_eq!(data(&read.tree, path, "After"), &RegistryData::Dword(1));
    assert_eq!(location(&key(&read.tree, path).value("After").unwrap().origin), (12, 1));
}

#[test]
fn an_error_inside_wrapped_data_is_located_on_its_physical_line() {
    let read = read_v5("[HKEY_CURRENT_USER\\A]\n\"Bad\"=hex:01,02,\\\n    03,zz,04\n\"Good\"=dword:1\n");
    assert_eq!(
        warnings(&read.warnings),
        ["5:8 value `Bad` skipped: `zz` is not a hex byte (byte 4 of the data)"]
    );
    assert_eq!(key(&read.tree, r"HKEY_CURRENT_USER\A").values.len(), 1);
}

#[test]
fn data_cut_short_is_skipped_and_cannot_swallow_the_next_line() {
    let read = read_v5(
        "[HKEY_CURRENT_USER\\A]\n\"Cut\"=hex:01,02,\\\n[HKEY_CURRENT_USER\\B]\n\"Comma\"=hex:01,02,\n\
         \"Next\"=hex:03,\\\n\"Last\"=dword:1\n\"End\"=hex:04,\\",
    );
    let paths: Vec<&str> = read.tree.keys.iter().map(|key| key.path.as_str()).collect();
    assert_eq!(paths, [r"HKEY_CURRENT_USER\A", r"HKEY_CURRENT_USER\B"]);
    assert!(key(&read.tree, r"HKEY_CURRENT_USER\A").values.is_empty());
    let b = key(&read.tree, r"HKEY_CURRENT_USER\B");
    assert_eq!(b.values.len(), 1);
    assert_eq!(data(&read.tree, r"HKEY_CURRENT_USER\B", "Last"), &RegistryData::Dword(1));
    assert_eq!(
        warnings(&read.warnings),
        [
            "4:17 value `Cut` skipped: its data ends with `\\` but no continuation line follows (cut short?)",
            "6:18 value `Comma` skipped: its data ends with a comma (cut short?)",
            "7:15 value `Next` skipped: its data ends with `\\` but no continuation line follows (cut short?)",
            "9:14 value `End` skipped: its data ends with `\\` but no continuation line follows (cut short?)",
        ]
    );
}

#[test]
fn deleted_keys_and_values_are_left_out() {
    let read = read_v5(
        "[HKEY_CURRENT_USER\\A]\n\"Keep\"=\"1\"\n\"Gone\"=\"2\"\n\
         [HKEY_CURRENT_USER\\A\\B]\n\"X\"=dword:1\n\
         [HKEY_CURRENT_USER\\A\\B\\C]\n\
         [HKEY_CURRENT_USER\\A\\BB]\n\
         [HKEY_CURRENT_USER\\A]\n\"Gone\"=-\n\
         [-HKEY_CURRENT_USER\\a\\b]\n\"Ignored\"=\"after a deletion\"\n\
         [HKEY_CURRENT_USER\\A\\B\\D]\n\"New\"=dword:2\n",
    );
    let paths: Vec<&str> = read.tree.keys.iter().map(|key| key.path.as_str()).collect();
    assert_eq!(paths, [r"HKEY_CURRENT_USER\A", r"HKEY_CURRENT_USER\A\BB", r"HKEY_CURRENT_USER\A\B\D"]);
    let a = key(&read.tree, r"HKEY_CURRENT_USER\A");
    assert_eq!(a.values.len(), 1);
    assert_eq!(a.values[0].name, "Keep");
    assert_eq!(data(&read.tree, r"HKEY_CURRENT_USER\A\B\D", "New"), &RegistryData::Dword(2));
    assert_eq!(
        warnings(&read.warnings),
        [
            "12:1 the export deletes the key `HKEY_CURRENT_USER\\a\\b`: it and its subkeys are left out, with any values given earlier"
        ]
    );
}

#[test]
fn a_key_given_twice_merges_and_later_values_win() {
    let read = read_v5(
        "[HKEY_CURRENT_USER\\A]\n\"One\"=dword:1\n\"Two\"=dword:2\n\
         [HKEY_CURRENT_USER\\B]\n\
         [hkey_current_user\\a]\n\"TWO\"=dword:22\n\"Three\"=dword:3\n",
    );
    assert_eq!(read.tree.keys.len(), 2);
    let a = key(&read.tree, r"HKEY_CURRENT_USER\A");
    let values: Vec<(&str, &RegistryData)> = a.values.iter().map(|v| (v.name.as_str(), &v.data)).collect();
    assert_eq!(
        values,
        [
            ("One", &RegistryData::Dword(1)),
            ("TWO", &RegistryData::Dword(0x22)),
            ("Three", &RegistryData::Dword(3))
        ]
    );
}

#[test]
fn escaped_quotes_and_backslashes_in_names_and_strings() {
    let read = read_v5(
        r#"[HKEY_CURRENT_USER\A]
"Say \"hi\""="C:\\Path\\\"quoted\""
"Back\\slash"="ends with \\"
"Keep\nRaw"="a\tb"
"#,
    );
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let path = r"HKEY_CURRENT_USER\A";
    assert_eq!(data(&read.tree, path, "Say \"hi\""), &RegistryData::String(r#"C:\Path\"quoted""#.into()));
    assert_eq!(data(&read.tree, path, "Back\\slash"), &RegistryData::String("ends with \\".into()));
    assert_eq!(data(&read.tree, path, "Keep\\nRaw"), &RegistryData::String("a\\tb".into()));
}

#[test]
fn key_names_with_brackets_spaces_and_colons() {
    let read = read_v5(&format!(
        "[{HTTP}\\SslBindingInfo\\[::]:443]\n[{HTTP}\\SslSniBindingInfo\\www.example.test:443]\n\
         [HKEY_CURRENT_USER\\With Space\\x:y]\n"
    ));
    let paths: Vec<&str> = read.tree.keys.iter().map(|key| key.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            format!("{HTTP}\\SslBindingInfo\\[::]:443").as_str(),
            format!("{HTTP}\\SslSniBindingInfo\\www.example.test:443").as_str(),
            r"HKEY_CURRENT_USER\With Space\x:y",
        ]
    );
}

#[test]
fn unreadable_lines_are_skipped_with_line_and_column() {
    let read = read_v5(
        "\"Early\"=dword:1\n\
         [HKEY_CURRENT_USER\\A]\n\
         \"Bad hex\"=hex:01,0g\n\
         \"Unterminated\"=\"no end\n\
         \"Open name=dword:1\n\
         \"Dword\"=dword:123456789\n\
         \"NoEquals\" dword:1\n\
         \"Type\"=qword:1\n\
         \"Kind\"=hex(zz):01\n\
         garbage line\n\
         [HKEY_CURRENT_USER\\Unclosed\n\
         \"Lost\"=dword:1\n\
         [HKEY_CURRENT_USER\\B] trailing\n\
         \"Good\"=\"yes\" trailing\n",
    );
    assert_eq!(
        warnings(&read.warnings),
        [
            "3:1 value skipped: it comes before any key line",
            "5:18 value `Bad hex` skipped: `0g` is not a hex byte (byte 2 of the data)",
            "6:16 value `Unterminated` skipped: its string has no closing `\"`",
            "7:1 value skipped: its name has no closing `\"`",
            "8:15 value `Dword` skipped: `dword:` needs 1 to 8 hex digits, found `123456789`",
            "9:12 value `NoEquals` skipped: expected `=` after its name",
            "10:8 value `Type` skipped: its data is not a string, `dword:`, `hex:` or `hex(N):`: `qword:1`",
            "11:12 value `Kind` skipped: expected a hex type number and `):` after `hex(`",
            "12:1 line skipped: not a key, a value or a comment: `garbage line`",
            "13:1 key line without a closing `]`: the key and its values are skipped: `[HKEY_CURRENT_USER\\Unclosed`",
            "15:23 text after the key name ignored: `trailing`",
            "16:14 text after the value `Good` ignored: `trailing`",
        ]
    );
    assert!(key(&read.tree, r"HKEY_CURRENT_USER\A").values.is_empty());
    assert_eq!(data(&read.tree, r"HKEY_CURRENT_USER\B", "Good"), &RegistryData::String("yes".into()));
}

#[test]
fn a_file_that_is_not_an_export_is_refused_at_line_1() {
    let message = "not a registry export: expected `Windows Registry Editor Version 5.00` or `REGEDIT4`";
    for bytes in [
        &b""[..],
        b"\n\n",
        b"[HKEY_CURRENT_USER\\A]\n\"x\"=dword:1\n",
        b"SSL Certificate bindings:\n",
        b"\xFF\xFE\x00",
        b"\x00\x01\x02\xFF",
        b"REGEDIT5\n",
    ] {
        let error = read_reg(&source(), bytes).expect_err("refused");
        assert_eq!((error.location.line(), error.location.column()), (1, 1));
        assert_eq!(error.message, message);
    }
    // The header may follow blank lines, in any case.
    assert!(read_reg(&source(), b"\r\n  \r\nregedit4\r\n").is_ok());
}

/// A tiny deterministic generator, so that the garbage is the same on every run.
fn pseudo_random(seed: &mut u64) -> u64 {
    *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

#[test]
fn truncated_and_garbage_input_never_panics() {
    let export = full_export();
    let bytes = v5(&export);
    for end in 0..bytes.len() {
        let _ = read_reg(&source(), &bytes[..end]).map(|read| interpret(&read.tree, &source()));
    }
    let ansi = format!("REGEDIT4\n{export}");
    for end in 0..ansi.len() {
        let _ = read_reg(&source(), &ansi.as_bytes()[..end]).map(|read| interpret(&read.tree, &source()));
    }
    let mut seed = 7;
    let alphabet: &[u8] = b"[]\\\"@=-:,;hexdword()0123456789abcdef \r\n\xC3\xA9\xFF";
    for _ in 0..300 {
        let mut garbage = HEADER.as_bytes().to_vec();
        let length = pseudo_random(&mut seed) % 400;
        for _ in 0..length {
            let index = usize::try_from(pseudo_random(&mut seed)).unwrap() % alphabet.len();
            garbage.push(alphabet[index]);
        }
        if let Ok(read) = read_reg(&source(), &garbage) {
            let _ = interpret(&read.tree, &source());
        }
        let random: Vec<u8> = (0..length).map(|_| pseudo_random(&mut seed) as u8).collect();
        let _ = read_reg(&source(), &random);
    }
}

#[test]
fn warnings_are_capped() {
    let body = format!("[HKEY_CURRENT_USER\\A]\n{}", "junk\n".repeat(5000));
    let read = read_v5(&body);
    assert_eq!(read.warnings.len(), 1001);
    assert_eq!(read.warnings[1000].message, "4000 more warnings from here on are not listed");
}

// ---------------------------------------------------------------------------------------------
// HTTP.sys records.

fn app_id_bytes(text: &str) -> Vec<u8> {
    AppId::parse(text).expect("a GUID").to_windows_bytes().to_vec()
}

fn hash_bytes(text: &str) -> Vec<u8> {
    Thumbprint::parse(text).expect("a thumbprint").0.to_vec()
}

const HASH_A: &str = "5226dc6c54559761cd471b86eb51c096252c90f2";
const HASH_B: &str = "af459df0ed47a6f04b8f6a20caf2488d3bb6e1bb";

/// One record key with the values HTTP.sys writes.
fn record(
    parent: &str,
    name: &str,
    hash: Option<&str>,
    app_id: &str,
    store: Option<&str>,
    flags: u32,
) -> String {
    let mut out = format!("[{HTTP}\\{parent}\\{name}]\n");
    if let Some(hash) = hash {
        let _ = writeln!(out, "\"SslCertHash\"={}", hex_data("hex", &hash_bytes(hash)));
    }
    let _ = writeln!(out, "\"AppId\"={}", hex_data("hex", &app_id_bytes(app_id)));
    if let Some(store) = store {
        let _ = writeln!(out, "\"SslCertStoreName\"=\"{store}\"");
    }
    let _ = writeln!(out, "\"DefaultSslCertCheckMode\"=dword:00000000");
    let _ = writeln!(out, "\"DefaultSslRevocationFreshnessTime\"=dword:00000000");
    let _ = writeln!(out, "\"DefaultSslRevocationUrlRetrievalTimeout\"=dword:00000000");
    let _ = writeln!(out, "\"DefaultFlags\"=dword:{flags:08x}");
    out
}

/// An export with every kind of record, a certificate store and CCS settings.
fn full_export() -> String {
    let mut body = format!("[{HTTP}]\n");
    body += &record("SslBindingInfo", "0.0.0.0:443", Some(HASH_A), IIS_APP, Some("MY"), 0);
    body += &record("SslBindingInfo", "[::]:443", Some(HASH_A), IIS_APP, None, 0x10);
    body +=
        &record("SslSniBindingInfo", "www.example.test:443", Some(HASH_B), IIS_APP, Some("WebHosting"), 0);
    body += &record("SslCcsBindingInfo", "0.0.0.0:443", None, IIS_APP, None, 0);
    body += "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IIS\\CentralCertProvider]\n\
             \"Enabled\"=dword:00000001\n\"CertStoreLocation\"=\"\\\\\\\\files\\\\certs\"\n";
    body
}

#[test]
fn records_of_every_kind() {
    let read = interpret_v5(&full_export());
    assert!(read.mappings_found);
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let keys: Vec<String> = read.mappings.iter().map(|m| format!("{} {}", m.key.kind(), m.key)).collect();
    assert_eq!(keys, ["ip 0.0.0.0:443", "ip [::]:443", "sni www.example.test:443", "ccs 443"]);
    let [ipv4, ipv6, sni, ccs] = &read.mappings[..] else { unreachable!() };
    assert_eq!(ipv4.certificate_hash, Some(Thumbprint::parse(HASH_A).unwrap()));
    assert_eq!(ipv4.app_id, Some(AppId::parse(IIS_APP).unwrap()));
    assert_eq!(ipv4.certificate_store.as_deref(), Some("MY"));
    assert_eq!(ipv6.certificate_store, None, "an absent SslCertStoreName means MY, shown as none");
    assert_eq!(ipv6.effective_store(), "MY");
    assert_eq!(ipv6.flags.names(), ["disable-http2"]);
    assert_eq!(sni.certificate_store.as_deref(), Some("WebHosting"));
    assert_eq!(sni.certificate_hash, Some(Thumbprint::parse(HASH_B).unwrap()));
    assert_eq!(ccs.certificate_hash, None);
    for mapping in &read.mappings {
        assert!(mapping.flags_known);
        assert!(mapping.unknown_fields.is_empty());
        assert_eq!(mapping.params.verify_client_cert_revocation, Some(true));
        assert_eq!(mapping.params.usage_check, Some(true));
        assert_eq!(mapping.params.revocation_freshness_time, Some(0));
        assert_eq!(mapping.params.url_retrieval_timeout, Some(0));
    }
    assert_eq!(location(&ipv6.origin).0, 13);
}

#[test]
fn record_values_of_every_kind_and_the_unknown_ones() {
    let read = interpret_v5(&format!(
        "[{HTTP}\\SslBindingInfo\\10.0.0.5:8443]\n\
         \"AppId\"=\"{{214124CD-D05B-4309-9AF9-9CAA44B2B74A}}\"\n\
         \"SslCertHash\"=hex:01,02,03\n\
         \"DefaultSslCertCheckMode\"=dword:00010005\n\
         \"DefaultSslRevocationFreshnessTime\"=dword:00000e10\n\
         \"DefaultSslRevocationUrlRetrievalTimeout\"=dword:00002710\n\
         \"DefaultSslCtlIdentifier\"=\"ctl\"\n\
         \"DefaultSslCtlStoreName\"=\"CtlStore\"\n\
         \"DefaultFlags\"=\"not a number\"\n\
         \"Http2Window\"=dword:00010000\n\
         \"Blob\"=hex:ab,cd\n\
         \"Names\"=hex(7):61,00,00,00,62,00,00,00,00,00\n"
    ));
    let [mapping] = &read.mappings[..] else { panic!("{:?}", read.mappings) };
    assert_eq!(mapping.key, MappingKey::Ip("10.0.0.5:8443".parse().unwrap()));
    assert_eq!(mapping.app_id, Some(AppId::parse("{214124cd-d05b-4309-9af9-9caa44b2b74a}").unwrap()));
    assert_eq!(mapping.certificate_hash, None);
    assert_eq!(mapping.params.verify_client_cert_revocation, Some(false));
    assert_eq!(mapping.params.revocation_freshness_time_enabled, Some(true));
    assert_eq!(mapping.params.usage_check, Some(false));
    assert_eq!(mapping.params.cert_check_mode(), 0x10005);
    assert_eq!(mapping.params.revocation_freshness_time, Some(3600));
    assert_eq!(mapping.params.url_retrieval_timeout, Some(10000));
    assert_eq!(mapping.params.ctl_identifier.as_deref(), Some("ctl"));
    assert_eq!(mapping.params.ctl_store_name.as_deref(), Some("CtlStore"));
    assert_eq!(mapping.flags.bits(), 0, "absent or unreadable DefaultFlags is 0");
    assert!(mapping.flags_known);
    let unknown: Vec<(&str, &str)> =
        mapping.unknown_fields.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
    assert_eq!(
        unknown,
        [
            ("SslCertHash", "010203"),
            ("DefaultFlags", "not a number"),
            ("Http2Window", "65536"),
            ("Blob", "abcd"),
            ("Names", "a\nb")
        ]
    );
    assert_eq!(
        warnings(&read.warnings),
        [
            format!(
                "5:1 `{HTTP}\\SslBindingInfo\\10.0.0.5:8443`: `SslCertHash` is 3 bytes, not the 20 of a SHA-1 thumbprint; kept as an unknown field"
            ),
            format!(
                "11:1 `{HTTP}\\SslBindingInfo\\10.0.0.5:8443`: value `DefaultFlags` not understood (unexpected type REG_SZ); kept as an unknown field"
            ),
        ]
    );
}

#[test]
fn app_id_as_binary_and_as_string_agree() {
    let binary = interpret_v5(&record("SslBindingInfo", "0.0.0.0:443", Some(HASH_A), IIS_APP, None, 0));
    let string = interpret_v5(&format!(
        "[{HTTP}\\SslBindingInfo\\0.0.0.0:443]\n\"AppId\"=\"{}\"\n",
        IIS_APP.to_uppercase()
    ));
    assert_eq!(binary.mappings[0].app_id, string.mappings[0].app_id);
    assert_eq!(binary.mappings[0].app_id.unwrap().to_string(), IIS_APP);
    let bad = interpret_v5(&format!("[{HTTP}\\SslBindingInfo\\0.0.0.0:443]\n\"AppId\"=hex:01,02\n"));
    assert_eq!(bad.mappings[0].app_id, None);
    assert_eq!(bad.mappings[0].unknown_fields, [("AppId".to_owned(), "0102".to_owned())]);
    assert_eq!(bad.warnings.len(), 1);
}

#[test]
fn record_key_names_that_do_not_parse_are_skipped() {
    let read = interpret_v5(&format!(
        "[{HTTP}\\SslBindingInfo\\not-an-address]\n\
         [{HTTP}\\SslBindingInfo\\0.0.0.0:0]\n\
         [{HTTP}\\SslSniBindingInfo\\no-port]\n\
         [{HTTP}\\SslCcsBindingInfo\\10.0.0.1:443]\n\
         [{HTTP}\\SslCcsBindingInfo\\443]\n\
         [{HTTP}\\SslCcsBindingInfo\\*:444]\n\
         [{HTTP}\\SslCcsBindingInfo\\[::]:445]\n"
    ));
    let keys: Vec<String> = read.mappings.iter().map(|m| m.key.to_string()).collect();
    assert_eq!(keys, ["443", "444", "445"]);
    let messages = warnings(&read.warnings);
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert!(
        messages[0]
            .starts_with(&format!("3:1 HTTP.sys record `{HTTP}\\SslBindingInfo\\not-an-address` skipped"))
    );
    assert!(messages[3].ends_with("is not a port (`443`, `0.0.0.0:443`, `[::]:443` or `*:443`)"));
}

#[test]
fn mappings_found_needs_the_http_parameters() {
    let none = interpret_v5("[HKEY_CURRENT_USER\\Software]\n");
    assert!(!none.mappings_found && !none.certificates_found && none.ccs_settings.is_none());
    let empty = interpret_v5(&format!("[{HTTP}\\SslBindingInfo]\n"));
    assert!(empty.mappings_found);
    assert!(empty.mappings.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Control sets.

fn in_control_set(root: &str, set: &str, name: &str, hash: &str) -> String {
    format!(
        "[{root}\\{set}\\Services\\HTTP\\Parameters\\SslBindingInfo\\{name}]\n\"SslCertHash\"={}\n",
        hex_data("hex", &hash_bytes(hash))
    )
}

#[test]
fn current_control_set_wins() {
    let root = r"HKEY_LOCAL_MACHINE\SYSTEM";
    let read = interpret_v5(
        &(in_control_set(root, "ControlSet001", "0.0.0.0:443", HASH_A)
            + &in_control_set(root, "CurrentControlSet", "0.0.0.0:443", HASH_B)
            + &in_control_set(root, "ControlSet002", "0.0.0.0:8443", HASH_A)),
    );
    let [mapping] = &read.mappings[..] else { panic!("{:?}", read.mappings) };
    assert_eq!(mapping.certificate_hash, Some(Thumbprint::parse(HASH_B).unwrap()));
    assert!(read.warnings.is_empty());
}

#[test]
fn select_current_names_the_control_set_of_an_offline_hive() {
    let root = r"HKEY_LOCAL_MACHINE\OFFLINE";
    let read = interpret_v5(
        &(format!("[{root}\\Select]\n\"Current\"=dword:00000002\n\"Default\"=dword:00000002\n")
            + &in_control_set(root, "ControlSet001", "0.0.0.0:443", HASH_A)
            + &in_control_set(root, "ControlSet002", "0.0.0.0:443", HASH_B)),
    );
    let [mapping] = &read.mappings[..] else { panic!("{:?}", read.mappings) };
    assert_eq!(mapping.certificate_hash, Some(Thumbprint::parse(HASH_B).unwrap()));
    assert!(read.warnings.is_empty());
}

#[test]
fn without_select_the_lowest_control_set_is_used_with_a_warning() {
    let root = r"HKLM\SYSTEM";
    let read = interpret_v5(
        &(in_control_set(root, "ControlSet003", "0.0.0.0:443", HASH_A)
            + &in_control_set(root, "ControlSet002", "0.0.0.0:443", HASH_B)
            + &in_control_set(root, "ControlSet002", "[::]:443", HASH_B)),
    );
    assert_eq!(read.mappings.len(), 2);
    assert!(read.mappings.iter().all(|m| m.certificate_hash == Some(Thumbprint::parse(HASH_B).unwrap())));
    assert_eq!(
        warnings(&read.warnings),
        [
            "6:1 HTTP.sys records are under several control sets (ControlSet003, ControlSet002) and the tree has no `Select` key naming the current one: ControlSet002, the lowest numbered, was used"
        ]
    );
}

#[test]
fn records_of_a_hive_tree_are_found_by_their_structure() {
    // The hive reader names keys `SYSTEM\ControlSet001\…` with byte offsets as origins.
    let origin = Origin::File(Location::at_byte(&Arc::from("SYSTEM"), 4096));
    let value =
        |name: &str, data: RegistryData| RegistryValue { name: name.into(), data, origin: origin.clone() };
    let tree = RegistryTree {
        keys: vec![
            RegistryKey {
                path: r"SYSTEM\Select".into(),
                values: vec![value("Current", RegistryData::Dword(1))],
                origin: origin.clone(),
            },
            RegistryKey {
                path: r"SYSTEM\ControlSet001\Services\HTTP\Parameters\SslSniBindingInfo\Host.Example:443"
                    .into(),
                values: vec![value("SslCertHash", RegistryData::Binary(hash_bytes(HASH_A)))],
                origin: origin.clone(),
            },
            RegistryKey {
                path: r"SYSTEM\ControlSet002\Services\HTTP\Parameters\SslSniBindingInfo\other:443".into(),
                values: vec![],
                origin: origin.clone(),
            },
        ],
    };
    let read = interpret(&tree, &Arc::from("SYSTEM"));
    let [mapping] = &read.mappings[..] else { panic!("{:?}", read.mappings) };
    assert_eq!(mapping.key, MappingKey::Sni { host: "Host.Example".into(), port: 443 });
    assert_eq!(mapping.origin, origin);
}

#[test]
fn warnings_about_a_tree_read_live_name_the_source_as_a_whole() {
    // Keys read from the running registry have no line or offset to point at.
    let key = |path: &str| RegistryKey { path: path.into(), values: vec![], origin: Origin::Live };
    let tree = RegistryTree {
        keys: vec![
            key(r"SYSTEM\ControlSet001\Services\HTTP\Parameters\SslSniBindingInfo\a.example:443"),
            key(r"SYSTEM\ControlSet002\Services\HTTP\Parameters\SslSniBindingInfo\b.example:443"),
        ],
    };
    let source: Arc<str> = Arc::from("registry");
    let read = interpret(&tree, &source);
    assert!(!read.warnings.is_empty(), "two control sets without `Select` are warned about");
    for warning in &read.warnings {
        assert_eq!(warning.location, Location::whole(&source));
        assert!(warning.to_string().starts_with("registry: "), "{warning}");
    }
}

// ---------------------------------------------------------------------------------------------
// Certificates.

/// A serialized store element: property records, the DER last, as Windows writes them.
fn blob(der: &[u8], properties: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (id, data) in properties.iter().chain([&(32, der.to_vec())]) {
        out.extend(id.to_le_bytes());
        out.extend(1u32.to_le_bytes());
        out.extend(u32::try_from(data.len()).expect("a short property").to_le_bytes());
        out.extend(data);
    }
    out
}

fn sha1(bytes: &[u8]) -> Vec<u8> {
    use sha1::Digest;
    sha1::Sha1::digest(bytes).to_vec()
}

fn certificate_key(root: &str, store: &str, thumbprint: &str, blob: &[u8]) -> String {
    format!("[{root}\\{store}\\Certificates\\{thumbprint}]\n\"Blob\"={}\n", hex_data("hex", blob))
}

fn test_certificate() -> Certificate {
    support::certificate(&["www.example.test"], (2024, 1, 1), (2034, 1, 1))
}

#[test]
fn certificates_come_from_store_blobs() {
    let certificate = test_certificate();
    let der = &certificate.der;
    let thumbprint = certificate.thumbprint.to_string();
    let with_key =
        blob(der, &[(3, sha1(der)), (11, utf16z("Friendly")), (2, vec![0; 40]), (20, vec![1; 20])]);
    let without_key = blob(der, &[(3, sha1(der))]);
    let body = certificate_key(STORES, "My", &thumbprint, &with_key)
        + &certificate_key(STORES, "WebHosting", &thumbprint.to_lowercase(), &without_key)
        + &certificate_key(
            r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\SystemCertificates",
            "Root",
            &thumbprint,
            &without_key,
        )
        + &certificate_key(
            r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\EnterpriseCertificates",
            "NTAuth",
            &thumbprint,
            &without_key,
        );
    let read = interpret_v5(&body);
    assert!(read.certificates_found);
    assert!(!read.mappings_found);
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let stores: Vec<(Option<&str>, Option<bool>)> =
        read.certificates.iter().map(|c| (c.store.as_deref(), c.has_private_key)).collect();
    assert_eq!(
        stores,
        [(Some("My"), Some(true)), (Some("WebHosting"), None), (Some("Root"), None), (Some("NTAuth"), None)]
    );
    // Apart from where it was found, the blob's certificate is the DER's certificate.
    let from_der = certificate_from_der(der, Origin::Live).unwrap();
    for found in &read.certificates {
        let mut found = found.clone();
        assert_eq!(location(&found.origin).1, 1);
        found.origin = Origin::Live;
        found.store = None;
        found.has_private_key = None;
        assert_eq!(found, from_der);
    }
}

#[test]
fn a_blob_that_hashes_to_another_thumbprint_is_skipped() {
    let certificate = test_certificate();
    let path = format!("{STORES}\\MY\\Certificates\\{}", HASH_A.to_uppercase());
    let read =
        interpret_v5(&certificate_key(STORES, "MY", &HASH_A.to_uppercase(), &blob(&certificate.der, &[])));
    assert!(read.certificates.is_empty());
    assert!(read.certificates_found);
    assert_eq!(
        warnings(&read.warnings),
        [format!(
            "3:1 certificate `{path}` skipped: its DER hashes to {}, not to the key name",
            certificate.thumbprint
        )]
    );
}

#[test]
fn truncated_and_corrupt_blobs_are_skipped_with_the_offset() {
    let certificate = test_certificate();
    let thumbprint = certificate.thumbprint.to_string();
    let full = blob(&certificate.der, &[(3, sha1(&certificate.der))]);
    // Cut inside the DER record (which starts at 12 + 20 = 32), inside the second header,
    // and a blob without the certificate property.
    let cases = [
        (full[..full.len() - 10].to_vec(), "byte offset 32: property 32 claims"),
        (full[..40].to_vec(), "byte offset 32: a property record header needs 12 bytes, 8 remain"),
    ];
    for (bytes, expected) in &cases {
        let read = interpret_v5(&certificate_key(STORES, "My", &thumbprint, bytes));
        assert!(read.certificates.is_empty());
        let [warning] = &read.warnings[..] else { panic!("{:?}", read.warnings) };
        assert!(
            warning.message.contains(&format!("{STORES}\\My\\Certificates\\{thumbprint}")),
            "{}",
            warning.message
        );
        assert!(warning.message.contains(expected), "{}", warning.message);
    }
    // A blob with only a friendly name has no certificate; an empty property 32 is no DER.
    let no_der: Vec<u8> = [11u32, 1, 2].iter().flat_map(|word| word.to_le_bytes()).chain([0, 0]).collect();
    let read = interpret_v5(&certificate_key(STORES, "My", &thumbprint, &no_der));
    assert!(warnings(&read.warnings)[0].ends_with("its `Blob` has no certificate (property 32)"));
    let read = interpret_v5(&certificate_key(STORES, "My", &thumbprint, &blob(&[], &[])));
    assert!(warnings(&read.warnings)[0].contains("no certificate data (0 bytes)"), "{:?}", read.warnings);
    let read = interpret_v5(&format!("[{STORES}\\My\\Certificates\\{thumbprint}]\n\"Blob\"=\"text\"\n"));
    assert!(warnings(&read.warnings)[0].ends_with("its `Blob` is REG_SZ, not REG_BINARY"));
}

// ---------------------------------------------------------------------------------------------
// Central Certificate Store.

#[test]
fn ccs_settings_never_expose_passwords() {
    let read = interpret_v5(
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\IIS\\CentralCertProvider]\n\
         \"Enabled\"=dword:00000000\n\
         [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IIS\\CentralCertProvider]\n\
         \"Enabled\"=dword:00000001\n\
         \"CertStoreLocation\"=hex(2):5c,00,5c,00,66,00,73,00,00,00\n\
         \"PollingInterval\"=dword:0000012c\n\
         \"UserName\"=\"CONTOSO\\\\svc-ccs\"\n\
         \"Password\"=hex:53,65,63,72,65,74,50,61,73,73\n\
         \"PrivateKeyPassword\"=\"SecretPass\"\n",
    );
    let settings = read.ccs_settings.clone().expect("CCS settings");
    assert!(settings.enabled);
    assert_eq!(settings.folder.as_deref(), Some(r"\\fs"));
    assert_eq!(settings.polling_interval, Some(300));
    assert_eq!(settings.user_name.as_deref(), Some(r"CONTOSO\svc-ccs"));
    assert!(settings.password_set && settings.private_key_password_set);
    assert_eq!(location(&settings.origin).0, 5);
    let shown = format!("{read:?}");
    assert!(!shown.contains("SecretPass") && !shown.contains("53657"), "{shown}");

    let without = interpret_v5("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\IIS\\CentralCertProvider]\n");
    let settings = without.ccs_settings.expect("CCS settings");
    assert!(!settings.enabled && !settings.password_set && !settings.private_key_password_set);
    assert_eq!(settings.folder, None);
}

// ---------------------------------------------------------------------------------------------
// The same machine from netsh and from the registry.

/// What both sources must agree on.
fn essentials(mapping: &Mapping) -> impl PartialEq + std::fmt::Debug {
    (
        mapping.key.kind(),
        mapping.key.clone(),
        mapping.certificate_hash,
        mapping.app_id,
        mapping.certificate_store.clone(),
        mapping.flags,
    )
}

#[test]
fn registry_and_netsh_give_the_same_mappings() {
    let certificate = test_certificate();
    let hash = certificate.thumbprint.to_string();
    let adfs = support::ADFS;
    let netsh = MachineBuilder::new()
        .mapping_with("IP:port", "0.0.0.0:443", IIS_APP, &hash, "MY", &[])
        .mapping_with("IP:port", "[::1]:8443", adfs, HASH_B, "WebHosting", &["Disable HTTP2 : Set"])
        .mapping_with("Hostname:port", "www.example.test:443", IIS_APP, &hash, "WebHosting", &[])
        .mapping_with("Central Certificate Store", "443", IIS_APP, "(null)", "MY", &[])
        .netsh_text();
    let from_netsh = read_netsh(&Arc::from("sslcert.txt"), netsh.as_bytes()).expect("netsh reads");
    assert!(from_netsh.warnings.is_empty(), "{:?}", from_netsh.warnings);

    let body = record("SslBindingInfo", "0.0.0.0:443", Some(&hash), IIS_APP, Some("MY"), 0)
        + &record("SslBindingInfo", "[::1]:8443", Some(HASH_B), adfs, Some("WebHosting"), 0x10)
        + &record("SslSniBindingInfo", "www.example.test:443", Some(&hash), IIS_APP, Some("WebHosting"), 0)
        + &record("SslCcsBindingInfo", "0.0.0.0:443", None, IIS_APP, Some("MY"), 0)
        + &certificate_key(STORES, "MY", &hash, &blob(&certificate.der, &[(2, vec![0; 8])]));
    let from_registry = interpret_v5(&body);
    assert!(from_registry.warnings.is_empty(), "{:?}", from_registry.warnings);

    let netsh_view: Vec<_> = from_netsh.mappings.iter().map(essentials).collect();
    let registry_view: Vec<_> = from_registry.mappings.iter().map(essentials).collect();
    assert_eq!(registry_view, netsh_view);
    assert_eq!(from_registry.mappings.len(), 4);
    // The check-mode settings netsh printed agree too.
    for (registry, netsh) in from_registry.mappings.iter().zip(&from_netsh.mappings) {
        assert_eq!(registry.params.verify_client_cert_revocation, netsh.params.verify_client_cert_revocation);
        assert_eq!(registry.params.usage_check, netsh.params.usage_check);
    }

    // The registry's certificate is the one from the DER, apart from origin, store and key.
    let [found] = &from_registry.certificates[..] else { panic!("{:?}", from_registry.certificates) };
    let mut found = found.clone();
    assert_eq!((found.store.as_deref(), found.has_private_key), (Some("MY"), Some(true)));
    found.origin = certificate.origin.clone();
    found.store = certificate.store.clone();
    found.has_private_key = certificate.has_private_key;
    assert_eq!(found, certificate);
}

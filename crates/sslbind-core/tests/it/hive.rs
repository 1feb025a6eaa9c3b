//! Tests of the offline hive reader through sslbind-core's public API.
//!
//! Every test runs on hives written at test time, by two writers: sslbind-core's own
//! (`registry::write_hive`, in the default suite, so that the tests need nothing but Rust) and, in the `external-tools` suite, an independent implementation of
//! the format: hivex, through `hivexregedit --merge` over a copy of the empty hive in
//! `../shared/fixtures/hive/minimal` (or `$SSLBIND_SHARED_HIVE`). So the reader is checked
//! against real `regf` files rather than only against its own idea of them. The damaged hives
//! are those files cut short, with bytes flipped, or with offsets patched into loops; the
//! reader must answer each with an error or warnings, and never panic or hang.
//!
//! hivexregedit is in the Debian package `libwin-hivex-perl`; without it the external suite
//! fails (it never skips).

use std::collections::BTreeSet;
use std::sync::Arc;

use sslbind_core::registry::hive::{HiveRead, is_hive, read_hive};
use sslbind_core::registry::reg::read_reg;
use sslbind_core::registry::{RegistryData, RegistryKey, RegistryTree, RegistryValue, write_hive};
use sslbind_core::{Location, Origin, Position, SourceError};

const HASH_A: &str = "1B8C2AA4C3D87DA6F0A2C1B5E3D0F9A8B7C6D5E4";
const HASH_B: &str = "00112233445566778899AABBCCDDEEFF00112233";
/// The IIS AppId {4dc3e181-e14b-4a21-b022-59fc669b0914} as HTTP.sys stores it (GUID layout).
const IIS_APPID_BYTES: [u8; 16] =
    [0x81, 0xe1, 0xc3, 0x4d, 0x4b, 0xe1, 0x21, 0x4a, 0xb0, 0x22, 0x59, 0xfc, 0x66, 0x9b, 0x09, 0x14];

fn hash_bytes(hash: &str) -> Vec<u8> {
    (0..hash.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hash[i..i + 2], 16).expect("a hex digit pair"))
        .collect()
}

fn reg_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect::<Vec<_>>().join(",")
}

/// A string as `REG_SZ`-like data holds it: UTF-16 LE with its terminating NUL.
fn utf16z(text: &str) -> Vec<u8> {
    text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
}

/// Who writes the test hives.
#[derive(Clone, Copy, Debug)]
enum Writer {
    /// sslbind's own writer, from the keys a `.reg` text gives.
    Own,
    /// hivexregedit, merging the `.reg` text into the empty hive of `../shared`.
    #[cfg(feature = "external-tools")]
    Hivex,
}

/// Writes a hive holding the keys and values of `reg` (a `.reg` text; the header may be left
/// out). `name` names the test's scratch folder.
fn build_hive(writer: Writer, name: &str, reg: &str) -> Vec<u8> {
    match writer {
        Writer::Own => {
            let header = "Windows Registry Editor Version 5.00\n\n";
            let text =
                if reg.starts_with("Windows Registry") { reg.to_owned() } else { format!("{header}{reg}") };
            let read = read_reg(&Arc::from(name), text.as_bytes()).expect("the test's .reg text reads");
            // Data of the wrong size is kept raw with a warning, as the hive tests want it; a
            // value or key the .reg reader skipped would be a mistake in the test.
            let skipped = read.warnings.iter().filter(|warning| !warning.message.contains("kept as raw"));
            assert_eq!(skipped.collect::<Vec<_>>(), Vec::<&sslbind_core::SourceWarning>::new());
            write_hive(&read.tree)
        }
        #[cfg(feature = "external-tools")]
        Writer::Hivex => crate::hivex::merge(
            &std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("hive-tests").join(name),
            reg,
        ),
    }
}

fn parse(hive_name: &str, bytes: &[u8]) -> Result<HiveRead, SourceError> {
    read_hive(&Arc::from("config/HIVE"), hive_name, bytes)
}

fn key<'t>(tree: &'t RegistryTree, path: &str) -> &'t RegistryKey {
    tree.keys.iter().find(|key| key.path == path).unwrap_or_else(|| {
        let paths: Vec<&str> = tree.keys.iter().map(|key| key.path.as_str()).collect();
        panic!("no key {path}; the keys are {paths:#?}")
    })
}

fn data<'t>(tree: &'t RegistryTree, path: &str, name: &str) -> &'t RegistryData {
    let key = key(tree, path);
    &key.value(name).unwrap_or_else(|| panic!("no value {name:?} in {path}: {:?}", key.values)).data
}

/// The byte offset an origin points at.
fn offset(origin: &Origin) -> usize {
    let location = origin.location().expect("a hive origin is a file location");
    assert_eq!(&*location.path, "config/HIVE");
    byte_offset(location)
}

/// The byte offset of a location in a hive, which has no lines.
fn byte_offset(location: &Location) -> usize {
    match location.position {
        Position::ByteOffset(offset) => usize::try_from(offset).expect("an offset in memory"),
        Position::LineColumn { .. } | Position::Whole => {
            panic!("a hive location is a byte offset: {location}")
        }
    }
}

/// Every key and value points at its own cell: `nk` or `vk` right after the size field.
fn assert_origins(tree: &RegistryTree, bytes: &[u8]) {
    for key in &tree.keys {
        let at = offset(&key.origin);
        assert_eq!(&bytes[at + 4..at + 6], b"nk", "origin of {}", key.path);
        for value in &key.values {
            let at = offset(&value.origin);
            assert_eq!(&bytes[at + 4..at + 6], b"vk", "origin of {}\\{}", key.path, value.name);
        }
    }
}

/// The key paths a .reg file creates, with the hive's root, as `hive_name\…`.
fn sections(hive_name: &str, reg: &str) -> BTreeSet<String> {
    let mut paths: BTreeSet<String> = reg
        .lines()
        .filter_map(|line| {
            line.strip_prefix("[\\")?.strip_suffix(']').map(|path| format!("{hive_name}\\{path}"))
        })
        .collect();
    paths.insert(hive_name.to_owned());
    paths
}

fn system_reg() -> String {
    let hash_a = reg_hex(&hash_bytes(HASH_A));
    let hash_b = reg_hex(&hash_bytes(HASH_B));
    let app_id = reg_hex(&IIS_APPID_BYTES);
    let http = r"[\ControlSet00N\Services\HTTP\Parameters";
    let mut reg = String::from("Windows Registry Editor Version 5.00\n\n");
    for set in ["1", "2"] {
        let http = http.replace('N', set);
        reg += &format!("[\\ControlSet00{set}]\n\n[\\ControlSet00{set}\\Services]\n\n");
        reg += &format!("[\\ControlSet00{set}\\Services\\HTTP]\n\n{http}]\n\n");
        for store in ["SslBindingInfo", "SslSniBindingInfo", "SslCcsBindingInfo"] {
            reg += &format!("{http}\\{store}]\n\n");
        }
    }
    reg += &format!(
        r#"{http1}\SslBindingInfo\0.0.0.0:443]
"SslCertHash"=hex:{hash_a}
"AppId"=hex:{app_id}
"SslCertStoreName"="MY"
"DefaultSslCertCheckMode"=dword:00000000
"DefaultSslRevocationFreshnessTime"=dword:00000000
"DefaultSslRevocationUrlRetrievalTimeout"=dword:00000000
"DefaultFlags"=dword:00000000

{http1}\SslBindingInfo\[::]:443]
"SslCertHash"=hex:{hash_b}
"AppId"=hex:{app_id}
"DefaultSslCertCheckMode"=dword:00000001

{http1}\SslSniBindingInfo\www.contoso.com:443]
"SslCertHash"=hex:{hash_b}
"AppId"=hex:{app_id}
"SslCertStoreName"="WebHosting"
"DefaultFlags"=dword:00000000

{http1}\SslCcsBindingInfo\0.0.0.0:443]
"AppId"=hex:{app_id}
"DefaultFlags"=dword:00000000

{http2}\SslBindingInfo\0.0.0.0:8443]
"SslCertHash"=hex:{hash_a}
"AppId"=hex:{app_id}
"SslCertStoreName"="my"

[\Select]
"Current"=dword:00000001
"Default"=dword:00000001
"Failed"=dword:00000000
"LastKnownGood"=dword:00000002

"#,
        http1 = http.replace('N', "1"),
        http2 = http.replace('N', "2"),
    );
    reg
}

fn system_hive_gives_every_key_and_value_with_its_type(writer: Writer) {
    let reg = system_reg();
    let bytes = build_hive(writer, "system", &reg);
    assert!(is_hive(&bytes));
    let read = parse("SYSTEM", &bytes).expect("the hive reads");
    assert_eq!(read.warnings, vec![], "a clean hive reads without warnings");
    let tree = &read.tree;

    // Every key, each once, the root first with the hive name alone; nothing resolved.
    let paths: Vec<&str> = tree.keys.iter().map(|key| key.path.as_str()).collect();
    assert_eq!(paths[0], "SYSTEM");
    let unique: BTreeSet<String> = paths.iter().map(|path| path.to_string()).collect();
    assert_eq!(unique.len(), paths.len(), "each key once: {paths:#?}");
    assert_eq!(unique, sections("SYSTEM", &reg));
    assert!(!paths.iter().any(|path| path.contains("CurrentControlSet")));
    // Depth first: a parent comes before its children.
    for (index, path) in paths.iter().enumerate() {
        if let Some((parent, _)) = path.rsplit_once('\\') {
            assert!(paths[..index].contains(&parent), "{path} before its parent");
        }
    }

    let ip = r"SYSTEM\ControlSet001\Services\HTTP\Parameters\SslBindingInfo\0.0.0.0:443";
    assert_eq!(data(tree, ip, "SslCertHash"), &RegistryData::Binary(hash_bytes(HASH_A)));
    assert_eq!(data(tree, ip, "AppId"), &RegistryData::Binary(IIS_APPID_BYTES.to_vec()));
    assert_eq!(data(tree, ip, "SslCertStoreName"), &RegistryData::String("MY".into()));
    assert_eq!(data(tree, ip, "DefaultSslCertCheckMode"), &RegistryData::Dword(0));
    assert_eq!(key(tree, ip).values.len(), 7);
    // Values keep the order they were written in.
    let names: Vec<&str> = key(tree, ip).values.iter().map(|value| value.name.as_str()).collect();
    assert_eq!(names[..3], ["SslCertHash", "AppId", "SslCertStoreName"]);

    let ipv6 = r"SYSTEM\ControlSet001\Services\HTTP\Parameters\SslBindingInfo\[::]:443";
    assert_eq!(data(tree, ipv6, "SslCertHash"), &RegistryData::Binary(hash_bytes(HASH_B)));
    assert_eq!(data(tree, ipv6, "DefaultSslCertCheckMode"), &RegistryData::Dword(1));
    assert!(key(tree, ipv6).value("SslCertStoreName").is_none(), "an absent store name stays absent");

    let sni = r"SYSTEM\ControlSet001\Services\HTTP\Parameters\SslSniBindingInfo\www.contoso.com:443";
    assert_eq!(data(tree, sni, "SslCertStoreName"), &RegistryData::String("WebHosting".into()));
    let ccs = r"SYSTEM\ControlSet001\Services\HTTP\Parameters\SslCcsBindingInfo\0.0.0.0:443";
    assert_eq!(data(tree, ccs, "AppId"), &RegistryData::Binary(IIS_APPID_BYTES.to_vec()));
    assert!(key(tree, ccs).value("SslCertHash").is_none());

    // The other control set keeps its own, different records.
    let other = r"SYSTEM\ControlSet002\Services\HTTP\Parameters\SslBindingInfo\0.0.0.0:8443";
    assert_eq!(data(tree, other, "SslCertStoreName"), &RegistryData::String("my".into()));
    assert!(!paths.contains(&r"SYSTEM\ControlSet002\Services\HTTP\Parameters\SslBindingInfo\0.0.0.0:443"));

    assert_eq!(data(tree, r"SYSTEM\Select", "Current"), &RegistryData::Dword(1));
    assert_eq!(data(tree, r"SYSTEM\Select", "LastKnownGood"), &RegistryData::Dword(2));

    assert_origins(tree, &bytes);
    // The origin is the cell: distinct per key.
    let offsets: BTreeSet<usize> = tree.keys.iter().map(|key| offset(&key.origin)).collect();
    assert_eq!(offsets.len(), tree.keys.len());
}

fn software_hive_gives_certificate_blobs_and_central_certificate_store_settings(writer: Writer) {
    // A serialized store element: a SHA-1 property, then the (here made-up) DER certificate.
    let mut blob = Vec::new();
    for (id, data) in [(3u32, hash_bytes(HASH_A)), (32, (0..1500u32).map(|i| (i * 7 % 256) as u8).collect())]
    {
        blob.extend_from_slice(&id.to_le_bytes());
        blob.extend_from_slice(&1u32.to_le_bytes());
        blob.extend_from_slice(&(data.len() as u32).to_le_bytes());
        blob.extend_from_slice(&data);
    }
    let certs = r"[\Microsoft\SystemCertificates";
    let reg = format!(
        r#"[\Microsoft]

{certs}]

{certs}\MY]

{certs}\MY\Certificates]

{certs}\MY\Certificates\{HASH_A}]
"Blob"=hex:{blob}

{certs}\WebHosting]

{certs}\WebHosting\Certificates]

{certs}\WebHosting\Certificates\{HASH_B}]
"Blob"=hex:{small}

[\Microsoft\IIS]

[\Microsoft\IIS\CentralCertProvider]
"Enabled"=dword:00000001
"CertStoreLocation"="\\\\fileserver\\certs"
"UserName"="CONTOSO\\ccs-reader"
"Password"=hex(1):41,00,42,00,00,00
"PollingInterval"=dword:0000012c

"#,
        blob = reg_hex(&blob),
        small = reg_hex(&blob[..12]),
    );
    let bytes = build_hive(writer, "software", &reg);
    let read = parse("SOFTWARE", &bytes).expect("the hive reads");
    assert_eq!(read.warnings, vec![]);
    let tree = &read.tree;
    assert_eq!(
        tree.keys.iter().map(|key| key.path.clone()).collect::<BTreeSet<_>>(),
        sections("SOFTWARE", &reg)
    );

    let mine = format!(r"SOFTWARE\Microsoft\SystemCertificates\MY\Certificates\{HASH_A}");
    assert_eq!(data(tree, &mine, "Blob"), &RegistryData::Binary(blob.clone()));
    let hosting = format!(r"SOFTWARE\Microsoft\SystemCertificates\WebHosting\Certificates\{HASH_B}");
    assert_eq!(data(tree, &hosting, "Blob"), &RegistryData::Binary(blob[..12].to_vec()));

    let ccs = r"SOFTWARE\Microsoft\IIS\CentralCertProvider";
    assert_eq!(data(tree, ccs, "Enabled"), &RegistryData::Dword(1));
    assert_eq!(data(tree, ccs, "CertStoreLocation"), &RegistryData::String(r"\\fileserver\certs".into()));
    assert_eq!(data(tree, ccs, "UserName"), &RegistryData::String(r"CONTOSO\ccs-reader".into()));
    assert_eq!(data(tree, ccs, "Password"), &RegistryData::String("AB".into()));
    assert_eq!(data(tree, ccs, "PollingInterval"), &RegistryData::Dword(300));
    assert_origins(tree, &bytes);
}

fn every_value_type_maps_to_its_registry_data(writer: Writer) {
    let big: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    let reg = format!(
        r#"[\Types]
@="the default"
"Sz"="plain"
"EmptySz"=""
"Expand"=hex(2):{expand}
"Multi"=hex(7):41,00,00,00,42,00,43,00,00,00,00,00
"EmptyMulti"=hex(7):00,00
"Binary"=hex:de,ad,be,ef,01
"EmptyBinary"=hex:
"Dword"=dword:fffffffe
"BigEndian"=hex(5):00,00,01,02
"Qword"=hex(b):08,07,06,05,04,03,02,01
"None"=hex(0):
"ResourceList"=hex(8):01,02,03
"Custom"=hex(ffff0012):09
"LongString"="{long}"
"Big"=hex:{big}

[\Ünïcødé 日本]

"#,
        expand = reg_hex(&utf16z(r"%SystemRoot%\system32")),
        long = "x".repeat(9000),
        big = reg_hex(&big),
    );
    let bytes = build_hive(writer, "types", &reg);
    let read = parse("SOFTWARE", &bytes).expect("the hive reads");
    assert_eq!(read.warnings, vec![]);
    let tree = &read.tree;
    let types = r"SOFTWARE\Types";
    assert_eq!(data(tree, types, ""), &RegistryData::String("the default".into()));
    assert_eq!(data(tree, types, "Sz"), &RegistryData::String("plain".into()));
    assert_eq!(data(tree, types, "EmptySz"), &RegistryData::String(String::new()));
    assert_eq!(data(tree, types, "Expand"), &RegistryData::ExpandString(r"%SystemRoot%\system32".into()));
    assert_eq!(data(tree, types, "Multi"), &RegistryData::MultiString(vec!["A".into(), "BC".into()]));
    assert_eq!(data(tree, types, "EmptyMulti"), &RegistryData::MultiString(vec![]));
    assert_eq!(data(tree, types, "Binary"), &RegistryData::Binary(vec![0xde, 0xad, 0xbe, 0xef, 1]));
    assert_eq!(data(tree, types, "EmptyBinary"), &RegistryData::Binary(vec![]));
    assert_eq!(data(tree, types, "Dword"), &RegistryData::Dword(0xffff_fffe));
    assert_eq!(data(tree, types, "BigEndian"), &RegistryData::Dword(0x0102));
    assert_eq!(data(tree, types, "Qword"), &RegistryData::Qword(0x0102_0304_0506_0708));
    assert_eq!(data(tree, types, "None"), &RegistryData::Other { kind: 0, bytes: vec![] });
    assert_eq!(data(tree, types, "ResourceList"), &RegistryData::Other { kind: 8, bytes: vec![1, 2, 3] });
    assert_eq!(data(tree, types, "Custom"), &RegistryData::Other { kind: 0xffff_0012, bytes: vec![9] });
    assert_eq!(data(tree, types, "LongString"), &RegistryData::String("x".repeat(9000)));
    // hivex keeps big data in one cell, as hives before version 1.4 do.
    assert_eq!(data(tree, types, "Big"), &RegistryData::Binary(big));
    key(tree, r"SOFTWARE\Ünïcødé 日本");
    assert_origins(tree, &bytes);
}

fn data_of_the_wrong_size_is_kept_raw_with_a_warning(writer: Writer) {
    let bytes =
        build_hive(writer, "wrong-size", "[\\Odd]\n\"ShortDword\"=hex(4):01,02\n\"LongQword\"=hex(b):01\n\n");
    let read = parse("SYSTEM", &bytes).expect("the hive reads");
    let odd = r"SYSTEM\Odd";
    assert_eq!(data(&read.tree, odd, "ShortDword"), &RegistryData::Other { kind: 4, bytes: vec![1, 2] });
    assert_eq!(data(&read.tree, odd, "LongQword"), &RegistryData::Other { kind: 11, bytes: vec![1] });
    let messages: Vec<&str> = read.warnings.iter().map(|warning| warning.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(messages[0].contains("\"ShortDword\"") && messages[0].contains("REG_DWORD data of 2 bytes"));
    let value = key(&read.tree, odd).value("ShortDword").expect("the value");
    assert_eq!(byte_offset(&read.warnings[0].location), offset(&value.origin));
}

fn an_empty_hive_gives_its_root_alone_and_an_empty_name_gives_inner_paths(writer: Writer) {
    let bytes = build_hive(writer, "empty", "");
    let read = parse("SYSTEM", &bytes).expect("the hive reads");
    assert_eq!(read.tree.keys.len(), 1);
    assert_eq!(read.tree.keys[0].path, "SYSTEM");

    let bytes = build_hive(writer, "no-name", "[\\A]\n\n[\\A\\B]\n\n");
    let read = parse("", &bytes).expect("the hive reads");
    let paths: Vec<&str> = read.tree.keys.iter().map(|key| key.path.as_str()).collect();
    assert_eq!(paths, ["", "A", r"A\B"]);
}

// ---- damaged hives ----------------------------------------------------------------------

fn assert_offset_in_message(error: &SourceError) {
    byte_offset(&error.location);
    assert!(error.message.contains("offset 0x"), "{error}");
}

fn outcome(bytes: &[u8]) -> Result<HiveRead, SourceError> {
    let result = parse("SYSTEM", bytes);
    match &result {
        Err(error) => assert_offset_in_message(error),
        Ok(read) => {
            for warning in &read.warnings {
                assert!(warning.message.contains("offset 0x"), "{warning}");
                byte_offset(&warning.location);
            }
            // Bounded: a key needs a cell of at least 80 bytes.
            assert!(read.tree.keys.len() <= bytes.len() / 80 + 1);
        }
    }
    result
}

fn warnings(bytes: &[u8]) -> Vec<String> {
    match outcome(bytes) {
        Ok(read) => read.warnings.into_iter().map(|warning| warning.message).collect(),
        Err(error) => panic!("expected warnings, got the error {error}"),
    }
}

fn error(bytes: &[u8]) -> SourceError {
    match outcome(bytes) {
        Ok(read) => {
            panic!("expected an error, got {} keys and warnings {:#?}", read.tree.keys.len(), read.warnings)
        }
        Err(error) => error,
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"))
}

fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// Recomputes the base block checksum after a patch to the header.
fn fix_checksum(bytes: &mut [u8]) {
    let mut sum = (0..0x1FC).step_by(4).fold(0u32, |sum, at| sum ^ u32_at(bytes, at));
    if sum == 0 {
        sum = 1;
    } else if sum == u32::MAX {
        sum -= 1;
    }
    put_u32(bytes, 0x1FC, sum);
}

/// The file offset of a key's cell, found through the reader's own origins.
fn key_cell(bytes: &[u8], path: &str) -> usize {
    offset(&key(&parse("SYSTEM", bytes).expect("the undamaged hive reads").tree, path).origin)
}

fn value_cell(bytes: &[u8], path: &str, name: &str) -> usize {
    let tree = parse("SYSTEM", bytes).expect("the undamaged hive reads").tree;
    let value: &RegistryValue = key(&tree, path).value(name).expect("the value exists");
    offset(&value.origin)
}

/// Cell offsets count from the end of the 4096-byte base block.
fn cell_offset(file_offset: usize) -> u32 {
    (file_offset - 4096) as u32
}

fn hives_cut_short_anywhere_give_an_error_or_warnings(writer: Writer) {
    let bytes = build_hive(writer, "system-truncated", &system_reg());
    let complete = parse("SYSTEM", &bytes).expect("the hive reads").tree.keys.len();
    for len in 0..bytes.len() {
        let result = outcome(&bytes[..len]);
        if len < 4096 {
            let error = result.expect_err("a cut base block is an error");
            if len >= 4 {
                assert!(error.message.contains("cut short"), "{len}: {error}");
            }
        } else if let Ok(read) = result {
            assert!(!read.warnings.is_empty(), "cut at {len}: no warning");
            assert!(read.warnings.iter().any(|warning| warning.message.contains("cut short")));
            assert!(read.tree.keys.len() <= complete);
        }
    }
    assert!(error(&bytes[..4096]).message.contains("root key"));
}

fn flipped_bytes_anywhere_never_panic(writer: Writer) {
    let bytes = build_hive(writer, "system-flipped", &system_reg());
    let mut damaged = bytes.clone();
    for at in 0..bytes.len() {
        for flip in [0x01, 0x80] {
            damaged[at] ^= flip;
            let _ = outcome(&damaged);
            damaged[at] = bytes[at];
        }
        for set in [0x00, 0xff] {
            damaged[at] = set;
            let _ = outcome(&damaged);
            damaged[at] = bytes[at];
        }
    }
}

fn damaged_headers_are_errors_or_warnings_at_their_offset(writer: Writer) {
    let bytes = build_hive(writer, "system-header", &system_reg());
    let patched = |at: usize, value: u32, checksum: bool| {
        let mut copy = bytes.clone();
        put_u32(&mut copy, at, value);
        if checksum {
            fix_checksum(&mut copy);
        }
        copy
    };

    let mut no_signature = bytes.clone();
    no_signature[0] = b'R';
    assert!(!is_hive(&no_signature));
    let refused = error(&no_signature);
    assert_eq!(byte_offset(&refused.location), 0);
    assert!(refused.message.starts_with("offset 0x0: not a registry hive"), "{refused}");

    let refused = error(&patched(0x14, 2, true));
    assert_eq!(byte_offset(&refused.location), 0x14);
    assert!(refused.message.contains("version 2."), "{refused}");

    let refused = error(&patched(0x1C, 1, true));
    assert!(refused.message.contains("transaction log"), "{refused}");

    for root in [u32::MAX, 0, 0x7fff_fff8, 8, 0x1FF] {
        let refused = error(&patched(0x24, root, true));
        assert!(refused.message.contains("root key"), "{root:#x}: {refused}");
    }

    // Problems a reader can live with: the keys are all there, with a warning.
    let complete = parse("SYSTEM", &bytes).expect("the hive reads").tree;
    for (at, value, checksum, expected) in [
        (0x1FC, 0x1234_5678, false, "checksum"),
        (0x04, 0xdead, true, "sequence numbers"),
        (0x1C, 2, true, "unknown file type"),
        (0x28, 0x0010_0000, true, "cut short"),
    ] {
        let damaged = patched(at, value, checksum);
        let read = outcome(&damaged).expect("the damaged hive reads with warnings");
        assert_eq!(read.tree, complete, "{expected}");
        assert_eq!(read.warnings.len(), 1, "{:#?}", read.warnings);
        assert!(read.warnings[0].message.contains(expected), "{:#?}", read.warnings);
        assert_eq!(byte_offset(&read.warnings[0].location), at);
    }

    // Zeros behind a signature, and zeros behind a sound base block.
    let mut zeros = b"regf".to_vec();
    zeros.resize(8192, 0);
    assert!(is_hive(&zeros));
    assert!(error(&zeros).message.contains("version 0.0"));
    let mut hollow = bytes[..4096].to_vec();
    hollow.resize(bytes.len(), 0);
    assert!(error(&hollow).message.contains("root key"));

    // Not a hive at all.
    for garbage in
        [&b""[..], b"reg", b"Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM]\r\n"]
    {
        assert!(!is_hive(garbage));
        assert_eq!(byte_offset(&error(garbage).location), 0);
    }
    let noise: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert!(!is_hive(&noise));
    assert!(error(&noise).message.contains("not a registry hive"));
}

fn a_damaged_key_or_value_is_skipped_with_a_warning_and_the_rest_is_read(writer: Writer) {
    let bytes = build_hive(writer, "system-cells", &system_reg());
    let complete = parse("SYSTEM", &bytes).expect("the hive reads").tree;
    let ip = r"SYSTEM\ControlSet001\Services\HTTP\Parameters\SslBindingInfo\0.0.0.0:443";
    let ipv6 = r"SYSTEM\ControlSet001\Services\HTTP\Parameters\SslBindingInfo\[::]:443";

    // A key whose signature is broken: it is gone, its sibling stays.
    let mut damaged = bytes.clone();
    let cell = key_cell(&bytes, ip);
    damaged[cell + 4] = b'x';
    let read = outcome(&damaged).expect("the damaged hive reads with warnings");
    assert!(read.tree.keys.iter().all(|key| key.path != ip));
    key(&read.tree, ipv6);
    assert_eq!(read.tree.keys.len(), complete.keys.len() - 1);
    assert_eq!(read.warnings.len(), 1, "{:#?}", read.warnings);
    let warning = &read.warnings[0];
    assert_eq!(byte_offset(&warning.location), cell + 4);
    assert!(warning.message.contains("not a key"), "{warning}");
    assert!(
        warning.message.contains(r"subkey of SYSTEM\ControlSet001\Services\HTTP\Parameters\SslBindingInfo")
    );

    // A key cell marked free (size 0 or positive).
    for size in [0u32, 96] {
        let mut damaged = bytes.clone();
        put_u32(&mut damaged, cell, size);
        let messages = warnings(&damaged);
        assert!(messages.iter().any(|message| message.contains("free cell")), "{messages:#?}");
    }

    // A value whose signature is broken, and one whose data size runs past its cell.
    let value = value_cell(&bytes, ip, "SslCertHash");
    let mut damaged = bytes.clone();
    damaged[value + 4] = 0;
    let read = outcome(&damaged).expect("the damaged hive reads with warnings");
    let values = &key(&read.tree, ip).values;
    assert!(values.iter().all(|value| value.name != "SslCertHash"));
    assert_eq!(values.len(), key(&complete, ip).values.len() - 1);
    assert!(read.warnings[0].message.contains("a value of SYSTEM\\ControlSet001"), "{:#?}", read.warnings);

    for size in [0x7fff_fff0, 0x8000_0010, 16_345, 200_000] {
        let mut damaged = bytes.clone();
        put_u32(&mut damaged, value + 4 + 4, size);
        let messages = warnings(&damaged);
        assert_eq!(messages.len(), 1, "{size:#x}: {messages:#?}");
        assert!(messages[0].contains("\"SslCertHash\""), "{messages:#?}");
    }

    // Value data and value list pointing nowhere.
    let mut damaged = bytes.clone();
    put_u32(&mut damaged, value + 4 + 8, u32::MAX);
    assert!(warnings(&damaged)[0].contains("missing"));
    let key_offset = key_cell(&bytes, ip);
    let mut damaged = bytes.clone();
    put_u32(&mut damaged, key_offset + 4 + 0x28, 0x00ff_fff8);
    let messages = warnings(&damaged);
    assert!(messages[0].contains("values of") && messages[0].contains("beyond the end"), "{messages:#?}");
    // More values declared than the list holds.
    let mut damaged = bytes.clone();
    put_u32(&mut damaged, key_offset + 4 + 0x24, 1_000_000);
    let messages = warnings(&damaged);
    assert!(messages.iter().any(|message| message.contains("declares 1000000 values")), "{messages:#?}");
}

fn loops_and_shared_cells_are_cut_with_a_warning(writer: Writer) {
    let bytes = build_hive(writer, "loop", "[\\A]\n\n[\\A\\B]\n\n[\\A\\B\\C]\n\"V\"=\"value\"\n\n[\\D]\n\n");
    let a = key_cell(&bytes, r"SYSTEM\A");
    let b = key_cell(&bytes, r"SYSTEM\A\B");
    let d = key_cell(&bytes, r"SYSTEM\D");
    let list_item = |bytes: &[u8], key: usize| {
        let list = 4096 + u32_at(bytes, key + 4 + 0x1C) as usize;
        assert!(matches!(&bytes[list + 4..list + 6], b"lf" | b"lh" | b"li"));
        list + 8
    };

    // B's only subkey becomes A, its grandparent: A → B → A → …
    let mut looped = bytes.clone();
    put_u32(&mut looped, list_item(&bytes, b), cell_offset(a));
    let read = outcome(&looped).expect("the damaged hive reads with warnings");
    let paths: Vec<&str> = read.tree.keys.iter().map(|key| key.path.as_str()).collect();
    assert_eq!(paths, ["SYSTEM", r"SYSTEM\A", r"SYSTEM\A\B", r"SYSTEM\D"]);
    assert_eq!(read.warnings.len(), 1, "{:#?}", read.warnings);
    assert!(read.warnings[0].message.contains("reached a second time"));
    assert_eq!(byte_offset(&read.warnings[0].location), a);

    // B lists itself.
    let mut itself = bytes.clone();
    put_u32(&mut itself, list_item(&bytes, b), cell_offset(b));
    assert!(warnings(&itself).iter().any(|message| message.contains("reached a second time")));

    // D shares A's subkey list: A's subtree is read once.
    let mut shared = bytes.clone();
    put_u32(&mut shared, d + 4 + 0x14, 1);
    put_u32(&mut shared, d + 4 + 0x1C, u32_at(&bytes, a + 4 + 0x1C));
    let read = outcome(&shared).expect("the damaged hive reads with warnings");
    assert_eq!(read.tree.keys.len(), 5);
    assert!(
        read.warnings[0].message.contains("subkey list is reached a second time"),
        "{:#?}",
        read.warnings
    );

    // A value list shared by two keys, and a value listed twice.
    let c = key_cell(&bytes, r"SYSTEM\A\B\C");
    let mut shared = bytes.clone();
    put_u32(&mut shared, d + 4 + 0x24, 1);
    put_u32(&mut shared, d + 4 + 0x28, u32_at(&bytes, c + 4 + 0x28));
    let read = outcome(&shared).expect("the damaged hive reads with warnings");
    assert_eq!(key(&read.tree, r"SYSTEM\A\B\C").values.len(), 1);
    assert!(key(&read.tree, r"SYSTEM\D").values.is_empty());
    assert!(read.warnings[0].message.contains("value list is reached a second time"));
}

fn nesting_beyond_the_windows_limit_stops_with_a_warning(writer: Writer) {
    let mut reg = String::new();
    let mut path = String::new();
    for _ in 0..520 {
        path.push_str("\\k");
        reg += &format!("[{path}]\n\n");
    }
    let bytes = build_hive(writer, "deep", &reg);
    let read = outcome(&bytes).expect("the damaged hive reads with warnings");
    // The root is depth 0; keys down to depth 512 are read, the 513th level is not.
    assert_eq!(read.tree.keys.len(), 513);
    assert_eq!(read.tree.keys.last().expect("a key").path.matches('\\').count(), 512);
    assert_eq!(read.warnings.len(), 1, "{:#?}", read.warnings);
    assert!(read.warnings[0].message.contains("Windows limit of 512"));
}

/// Appends a hive bin holding a value's data as Windows writes big data since format 1.4:
/// a `db` header, a segment list and segments of 16344 bytes. hivex cannot write this form.
fn with_big_data(bytes: &[u8], value_cell: usize, data: &[u8], segments: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let bin = out.len();
    let cell = |out: &mut Vec<u8>, payload: &[u8]| -> u32 {
        let offset = cell_offset(out.len());
        let size = (payload.len() + 4).div_ceil(8) * 8;
        out.extend_from_slice(&(-(size as i32)).to_le_bytes());
        out.extend_from_slice(payload);
        out.resize(out.len() + size - 4 - payload.len(), 0);
        offset
    };
    out.extend_from_slice(b"hbin");
    out.extend_from_slice(&cell_offset(bin).to_le_bytes());
    out.resize(bin + 0x20, 0);
    let mut chunks: Vec<u32> = data.chunks(16344).map(|chunk| cell(&mut out, chunk)).collect();
    chunks.truncate(segments);
    let list: Vec<u8> = chunks.iter().flat_map(|offset| offset.to_le_bytes()).collect();
    let list = cell(&mut out, &list);
    let mut header = b"db".to_vec();
    header.extend_from_slice(&(segments as u16).to_le_bytes());
    header.extend_from_slice(&list.to_le_bytes());
    let header = cell(&mut out, &header);
    // The rest of the bin is one free cell.
    let bin_size = (out.len() - bin + 8).div_ceil(4096) * 4096;
    let free = bin + bin_size - out.len();
    out.extend_from_slice(&(free as i32).to_le_bytes());
    out.resize(bin + bin_size, 0);
    put_u32(&mut out, bin + 8, bin_size as u32);
    let bins_end = cell_offset(out.len());
    put_u32(&mut out, 0x28, bins_end);
    fix_checksum(&mut out);

    put_u32(&mut out, value_cell + 4 + 4, data.len() as u32);
    put_u32(&mut out, value_cell + 4 + 8, header);
    out
}

fn big_data_in_segments_is_joined(writer: Writer) {
    let bytes = build_hive(writer, "big-data", "[\\Big]\n\"Blob\"=hex:00,01,02,03,04,05,06,07\n\n");
    assert!(u32_at(&bytes, 0x18) >= 4, "the minimal hive is format 1.4 or later");
    let value = value_cell(&bytes, r"SYSTEM\Big", "Blob");
    let big: Vec<u8> = (0..40_000u32).map(|i| (i * 31 % 256) as u8).collect();

    let joined = with_big_data(&bytes, value, &big, 3);
    let read = outcome(&joined).expect("the damaged hive reads with warnings");
    assert_eq!(read.warnings, vec![]);
    assert_eq!(data(&read.tree, r"SYSTEM\Big", "Blob"), &RegistryData::Binary(big.clone()));

    // Two segments cannot hold 40000 bytes.
    let short = with_big_data(&bytes, value, &big, 2);
    let messages = warnings(&short);
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("segments cannot hold"), "{messages:#?}");
    let read = outcome(&short).expect("the damaged hive reads with warnings");
    assert!(key(&read.tree, r"SYSTEM\Big").values.is_empty());
}

/// Each test above, once per writer: `hive::own::…` in the default suite and
/// `hive::hivex::…` in the `external-tools` suite.
macro_rules! for_each_writer {
    ($($test:ident),* $(,)?) => {
        mod own {
            $(#[test] fn $test() { super::$test(super::Writer::Own) })*
        }
        #[cfg(feature = "external-tools")]
        mod hivex_written {
            $(#[test] fn $test() { super::$test(super::Writer::Hivex) })*
        }
    };
}

for_each_writer!(
    system_hive_gives_every_key_and_value_with_its_type,
    software_hive_gives_certificate_blobs_and_central_certificate_store_settings,
    every_value_type_maps_to_its_registry_data,
    data_of_the_wrong_size_is_kept_raw_with_a_warning,
    an_empty_hive_gives_its_root_alone_and_an_empty_name_gives_inner_paths,
    hives_cut_short_anywhere_give_an_error_or_warnings,
    flipped_bytes_anywhere_never_panic,
    damaged_headers_are_errors_or_warnings_at_their_offset,
    a_damaged_key_or_value_is_skipped_with_a_warning_and_the_rest_is_read,
    loops_and_shared_cells_are_cut_with_a_warning,
    nesting_beyond_the_windows_limit_stops_with_a_warning,
    big_data_in_segments_is_joined,
);

/// sslbind's writer and hivex give hives that read to the same keys and values, so the
/// default suite's hives stand for real ones.
#[cfg(feature = "external-tools")]
#[test]
fn own_and_hivex_written_hives_read_the_same() {
    fn contents(bytes: &[u8]) -> Vec<(String, Vec<(String, RegistryData)>)> {
        let read = parse("SYSTEM", bytes).expect("the hive reads");
        assert_eq!(read.warnings, vec![]);
        let mut keys: Vec<_> = read
            .tree
            .keys
            .into_iter()
            .map(|key| (key.path, key.values.into_iter().map(|value| (value.name, value.data)).collect()))
            .collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        keys
    }
    let own = contents(&build_hive(Writer::Own, "same-own", &system_reg()));
    let hivex = contents(&build_hive(Writer::Hivex, "same-hivex", &system_reg()));
    assert!(own.len() > 10);
    assert_eq!(own, hivex);
}

//! Tests of the certs area through sslbind-core's public API.
//!
//! Certificates and keys are generated here with rcgen and written to PFX with p12-keystore,
//! so no private key is ever committed. Two RSA certificates that rcgen (ring backend) cannot
//! make are embedded as public DER only; their expected thumbprints come from
//! `openssl x509 -fingerprint -sha1`, a computation independent of this crate.

use std::net::IpAddr;
use std::sync::Arc;

use crate::support::TextPosition;
use p12_keystore::{EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKeyChain};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
    KeyPair, SerialNumber, date_time_ymd,
};
use sha1::{Digest, Sha1};
use sslbind_core::certs::{
    CertificateError, certificate_from_der, covers_host, dns_identities, dns_name_matches, read_certificates,
};
use sslbind_core::model::{Certificate, KeyInfo, Thumbprint};
use sslbind_core::{Location, Origin, SourceErrorKind};

use crate::support::{RSA1024_SHA1_DER, RSA2048_SHA256_DER};

/// A generated certificate with its key, in the encodings the tests need.
struct Generated {
    der: Vec<u8>,
    pem: String,
    key: KeyPair,
    params: CertificateParams,
}

fn params(common_name: &str, sans: &[&str]) -> CertificateParams {
    let mut params = CertificateParams::new(sans.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
        .expect("test material is generated");
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    params.distinguished_name = name;
    params.not_before = date_time_ymd(2024, 1, 1);
    params.not_after = date_time_ymd(2034, 1, 1);
    params
}

fn self_signed(params: CertificateParams, algorithm: &'static rcgen::SignatureAlgorithm) -> Generated {
    let key = KeyPair::generate_for(algorithm).expect("test material is generated");
    let certificate = params.self_signed(&key).expect("test material is generated");
    Generated { der: certificate.der().to_vec(), pem: certificate.pem(), key, params }
}

fn ec_p256(common_name: &str, sans: &[&str]) -> Generated {
    self_signed(params(common_name, sans), &rcgen::PKCS_ECDSA_P256_SHA256)
}

/// A CA and a leaf it signed, for chain files.
fn chain() -> (Generated, Generated) {
    let mut ca_params = params("sslbind test CA", &[]);
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = self_signed(ca_params, &rcgen::PKCS_ECDSA_P256_SHA256);
    let leaf_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("test material is generated");
    let leaf_params = params("leaf.example.test", &["leaf.example.test"]);
    let issuer = Issuer::from_params(&ca.params, &ca.key);
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).expect("test material is generated");
    let leaf = Generated { der: leaf.der().to_vec(), pem: leaf.pem(), key: leaf_key, params: leaf_params };
    (leaf, ca)
}

fn sha1_thumbprint(der: &[u8]) -> Thumbprint {
    Thumbprint(Sha1::digest(der).into())
}

fn name(path: &str) -> Arc<str> {
    Arc::from(path)
}

fn at(path: &str, line: u32, column: u32) -> Origin {
    Origin::File(Location::new(&name(path), line, column))
}

fn pfx(entries: Vec<(&str, KeyStoreEntry)>, password: &str) -> Vec<u8> {
    let mut store = KeyStore::new();
    for (alias, entry) in entries {
        store.add_entry(alias, entry);
    }
    store.writer(password).write().expect("test material is generated")
}

fn key_chain(leaf: &Generated, others: &[&Generated]) -> KeyStoreEntry {
    let key =
        p12_keystore::PrivateKey::from_der(leaf.key.serialized_der()).expect("test material is generated");
    let certs = std::iter::once(leaf)
        .chain(others.iter().copied())
        .map(|g| p12_keystore::Certificate::from_der(&g.der).expect("test material is generated"));
    KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(b"key-1".to_vec(), key, certs))
}

// ---------------------------------------------------------------------------------------------
// Reading: DER, PEM, PFX.

#[test]
fn der_file_fills_every_field() {
    let mut p = params("a.example.test", &["a.example.test", "*.b.example.test", "10.0.0.5", "::1"]);
    p.serial_number = Some(SerialNumber::from_slice(&[0x01, 0x02, 0xAB]));
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
    let generated = self_signed(p, &rcgen::PKCS_ECDSA_P256_SHA256);

    let read = read_certificates(&name("a.cer"), &generated.der, None).expect("the file reads");
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(read.certificates.len(), 1);
    let c = &read.certificates[0];
    assert_eq!(c.thumbprint, sha1_thumbprint(&generated.der));
    assert_eq!(c.der, generated.der);
    assert_eq!(c.subject, "CN=a.example.test");
    assert_eq!(c.issuer, "CN=a.example.test");
    assert_eq!(c.common_name.as_deref(), Some("a.example.test"));
    assert_eq!(c.serial, "0102AB");
    assert_eq!(c.dns_names, ["a.example.test", "*.b.example.test"]);
    assert_eq!(
        c.ip_addresses,
        ["10.0.0.5".parse::<IpAddr>().expect("an IP address"), "::1".parse().expect("an IP address")]
    );
    assert_eq!(c.not_before, date_time_ymd(2024, 1, 1));
    assert_eq!(c.not_after, date_time_ymd(2034, 1, 1));
    assert!(c.is_valid_at(date_time_ymd(2025, 6, 1)));
    assert!(!c.is_valid_at(date_time_ymd(2035, 1, 1)));
    assert_eq!(c.key, KeyInfo { algorithm: "EC".into(), bits: Some(256), curve: Some("P-256".into()) });
    assert_eq!(c.signature_algorithm, "ecdsa-with-SHA256");
    assert_eq!(c.extended_key_usage, ["serverAuth", "clientAuth"]);
    assert_eq!(c.has_private_key, None);
    assert_eq!(c.store, None);
    assert_eq!(c.origin, at("a.cer", 1, 1));
}

#[test]
fn der_pem_and_pfx_give_the_same_certificate() {
    let generated = ec_p256("same.example.test", &["same.example.test"]);
    let from_der = read_certificates(&name("x.der"), &generated.der, None).expect("the file reads");
    let from_pem = read_certificates(&name("x.pem"), generated.pem.as_bytes(), None).expect("the file reads");
    let pfx_bytes = pfx(vec![("same", key_chain(&generated, &[]))], "");
    let from_pfx = read_certificates(&name("x.pfx"), &pfx_bytes, None).expect("the file reads");

    let expected = sha1_thumbprint(&generated.der);
    for read in [&from_der, &from_pem, &from_pfx] {
        assert_eq!(read.certificates.len(), 1);
        assert_eq!(read.certificates[0].thumbprint, expected);
        assert_eq!(read.certificates[0].der, generated.der);
    }
    // Everything except where it came from and what is known about the key is identical.
    let strip = |c: &Certificate| Certificate { origin: Origin::Live, has_private_key: None, ..c.clone() };
    assert_eq!(strip(&from_der.certificates[0]), strip(&from_pem.certificates[0]));
    assert_eq!(strip(&from_der.certificates[0]), strip(&from_pfx.certificates[0]));
    assert_eq!(from_pem.certificates[0].has_private_key, None);
    assert_eq!(from_pfx.certificates[0].has_private_key, Some(true));
}

#[test]
fn format_is_detected_from_content_not_extension() {
    let generated = ec_p256("swap.example.test", &[]);
    let as_pem_named_pfx = read_certificates(&name("wrong.pfx"), generated.pem.as_bytes(), None);
    let as_der_named_pem = read_certificates(&name("wrong.pem"), &generated.der, None);
    assert_eq!(as_pem_named_pfx.expect("test material is generated").certificates.len(), 1);
    assert_eq!(as_der_named_pem.expect("test material is generated").certificates.len(), 1);
}

#[test]
fn several_der_certificates_back_to_back() {
    let (leaf, ca) = chain();
    let mut bytes = leaf.der.clone();
    bytes.extend_from_slice(&ca.der);
    let read = read_certificates(&name("chain.der"), &bytes, None).expect("the file reads");
    let thumbprints: Vec<_> = read.certificates.iter().map(|c| c.thumbprint).collect();
    assert_eq!(thumbprints, [sha1_thumbprint(&leaf.der), sha1_thumbprint(&ca.der)]);
    assert!(read.warnings.is_empty());

    bytes.extend_from_slice(b"\0\0junk");
    let read = read_certificates(&name("chain.der"), &bytes, None).expect("the file reads");
    assert_eq!(read.certificates.len(), 2);
    assert_eq!(read.warnings.len(), 1);
    assert!(read.warnings[0].message.contains("ignored 6 byte(s)"), "{}", read.warnings[0]);
}

#[test]
fn multi_certificate_pem_keeps_order_and_begin_lines() {
    let (leaf, ca) = chain();
    // Text around the blocks, as `openssl x509 -text` and Windows tools write it, and CRLF.
    let text = format!("subject=CN = leaf.example.test\n{}\n# the CA\n  {}", leaf.pem.trim_end(), ca.pem)
        .replace('\n', "\r\n");
    let read = read_certificates(&name("chain.pem"), text.as_bytes(), None).expect("the file reads");
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let leaf_lines = leaf.pem.trim_end().lines().count() as u32;
    let got: Vec<_> =
        read.certificates.iter().map(|c| (c.thumbprint, c.origin.clone(), c.has_private_key)).collect();
    assert_eq!(
        got,
        [
            (sha1_thumbprint(&leaf.der), at("chain.pem", 2, 1), None),
            (sha1_thumbprint(&ca.der), at("chain.pem", 2 + leaf_lines + 1, 3), None),
        ]
    );
    assert_eq!(read.certificates[0].issuer, "CN=sslbind test CA");
}

#[test]
fn pem_in_utf16_with_bom_is_read() {
    let generated = ec_p256("utf16.example.test", &[]);
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(generated.pem.encode_utf16().flat_map(u16::to_le_bytes));
    let read = read_certificates(&name("u16.cer"), &bytes, None).expect("the file reads");
    assert_eq!(read.certificates[0].thumbprint, sha1_thumbprint(&generated.der));
}

#[test]
fn pem_private_key_marks_the_end_entity_certificate() {
    let generated = ec_p256("key.example.test", &[]);
    let with_key = format!("{}{}", generated.key.serialize_pem(), generated.pem);
    let read = read_certificates(&name("key.pem"), with_key.as_bytes(), None).expect("the file reads");
    assert!(read.warnings.is_empty(), "keys are skipped silently: {:?}", read.warnings);
    assert_eq!(read.certificates.len(), 1);
    assert_eq!(read.certificates[0].has_private_key, Some(true));

    // fullchain + key: the key belongs to the leaf, not to the CA that issued it.
    let (leaf, ca) = chain();
    let fullchain = format!("{}{}{}", leaf.pem, ca.pem, leaf.key.serialize_pem());
    let read = read_certificates(&name("fullchain.pem"), fullchain.as_bytes(), None).expect("the file reads");
    let keys: Vec<_> = read.certificates.iter().map(|c| c.has_private_key).collect();
    assert_eq!(keys, [Some(true), None]);
}

#[test]
fn corrupt_pem_blocks_are_warnings_and_others_are_kept() {
    let good = ec_p256("good.example.test", &[]);
    let bad_base64 = "-----BEGIN CERTIFICATE-----\nMIIB!!!not base64!!!\n-----END CERTIFICATE-----\n";
    let not_x509 = "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
    let csr = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
    let unterminated = "-----BEGIN CERTIFICATE-----\nMIIB\n";
    let text = format!("{bad_base64}{not_x509}{csr}{}{unterminated}", good.pem);
    let read = read_certificates(&name("mixed.pem"), text.as_bytes(), None).expect("the file reads");

    assert_eq!(read.certificates.len(), 1);
    assert_eq!(read.certificates[0].thumbprint, sha1_thumbprint(&good.der));
    assert_eq!(read.certificates[0].origin, at("mixed.pem", 10, 1));
    let lines: Vec<u32> = read.warnings.iter().map(|w| w.location.line()).collect();
    let unterminated_line = 10 + good.pem.lines().count() as u32;
    assert_eq!(lines, [1, 4, 7, unterminated_line]);
    assert!(read.warnings[2].message.contains("CERTIFICATE REQUEST"));
    assert!(read.warnings[3].message.contains("no `-----END CERTIFICATE-----` line"));
}

#[test]
fn pem_without_a_readable_certificate_is_an_error() {
    let only_bad = "junk\n-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n";
    let error =
        read_certificates(&name("bad.pem"), only_bad.as_bytes(), None).expect_err("the input is refused");
    assert_eq!(error.location, Location::new(&name("bad.pem"), 2, 1));
    assert!(error.message.starts_with("no readable certificate"), "{error}");

    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("test material is generated");
    let error = read_certificates(&name("key.pem"), key.serialize_pem().as_bytes(), None)
        .expect_err("the input is refused");
    assert!(error.message.contains("no certificate"), "{error}");
    assert!(error.message.contains("private key"), "{error}");
}

#[test]
fn pfx_with_the_empty_password() {
    let generated = ec_p256("pfx.example.test", &["pfx.example.test"]);
    let bytes = pfx(vec![("pfx", key_chain(&generated, &[]))], "");
    for password in [None, Some("")] {
        let read = read_certificates(&name("empty.pfx"), &bytes, password).expect("the file reads");
        assert_eq!(read.certificates.len(), 1);
        let c = &read.certificates[0];
        assert_eq!(c.thumbprint, sha1_thumbprint(&generated.der));
        assert_eq!(c.has_private_key, Some(true));
        assert_eq!(c.origin, at("empty.pfx", 1, 1));
    }
}

#[test]
fn pfx_with_a_password_and_the_wrong_one() {
    let generated = ec_p256("secret.example.test", &[]);
    let bytes = pfx(vec![("secret", key_chain(&generated, &[]))], "s3cret!");

    let read = read_certificates(&name("s.pfx"), &bytes, Some("s3cret!")).expect("the file reads");
    assert_eq!(read.certificates[0].thumbprint, sha1_thumbprint(&generated.der));
    assert_eq!(read.certificates[0].has_private_key, Some(true));

    for wrong in [Some("wrong"), None] {
        let error = read_certificates(&name("s.pfx"), &bytes, wrong).expect_err("the input is refused");
        assert_eq!(error.location, Location::new(&name("s.pfx"), 1, 1));
        assert!(error.message.contains("password is wrong or missing"), "{error}");
        assert_eq!(error.kind, SourceErrorKind::PfxPassword, "{error}");
    }
}

#[test]
fn legacy_pfx_encryption_as_older_windows_exports_it() {
    let generated = ec_p256("legacy.example.test", &[]);
    let mut store = KeyStore::new();
    store.add_entry("legacy", key_chain(&generated, &[]));
    let bytes = store
        .writer("pw")
        .encryption_algorithm(EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc)
        .mac_algorithm(MacAlgorithm::HmacSha1)
        .write()
        .expect("test material is generated");
    let read = read_certificates(&name("legacy.pfx"), &bytes, Some("pw")).expect("the file reads");
    assert_eq!(read.certificates[0].thumbprint, sha1_thumbprint(&generated.der));
}

#[test]
fn pfx_chain_marks_only_the_certificate_with_the_key() {
    let (leaf, ca) = chain();
    let bytes = pfx(vec![("leaf", key_chain(&leaf, &[&ca]))], "pw");
    let read = read_certificates(&name("chain.pfx"), &bytes, Some("pw")).expect("the file reads");
    let got: Vec<_> = read.certificates.iter().map(|c| (c.thumbprint, c.has_private_key)).collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.contains(&(sha1_thumbprint(&leaf.der), Some(true))));
    assert!(got.contains(&(sha1_thumbprint(&ca.der), Some(false))));
}

#[test]
fn pfx_without_a_key() {
    let generated = ec_p256("nokey.example.test", &[]);
    let certificate =
        p12_keystore::Certificate::from_der(&generated.der).expect("test material is generated");
    let bytes = pfx(vec![("nokey", KeyStoreEntry::Certificate(certificate))], "");
    let read = read_certificates(&name("nokey.pfx"), &bytes, None).expect("the file reads");
    assert_eq!(read.certificates.len(), 1);
    assert_eq!(read.certificates[0].has_private_key, Some(false));
}

// ---------------------------------------------------------------------------------------------
// Input that is not a certificate.

#[test]
fn empty_and_whitespace_files_are_errors() {
    for bytes in [&b""[..], b"  \r\n\t"] {
        let error = read_certificates(&name("empty.cer"), bytes, None).expect_err("the input is refused");
        assert!(error.message.starts_with("empty file"), "{error}");
    }
}

#[test]
fn garbage_is_not_a_certificate() {
    for bytes in [
        &b"hello, world"[..],
        b"\x00\x01\x02\x03",
        b"\x30",
        b"\x30\x03\x02\x01\x05",
        b"PK\x03\x04 a zip file",
        "not pem at all: -----END CERTIFICATE-----".as_bytes(),
    ] {
        let error = read_certificates(&name("junk.bin"), bytes, None).expect_err("the input is refused");
        assert!(
            error.message.starts_with("not a certificate: expected DER, PEM or PKCS#12"),
            "{bytes:?}: {error}"
        );
        assert_eq!(error.location, Location::new(&name("junk.bin"), 1, 1));
    }
}

#[test]
fn truncated_der_is_an_error_at_every_length() {
    let generated = ec_p256("cut.example.test", &["cut.example.test"]);
    for length in 1..generated.der.len() {
        let result = read_certificates(&name("cut.der"), &generated.der[..length], None);
        assert!(result.is_err(), "a certificate cut at {length} bytes was accepted");
        assert!(certificate_from_der(&generated.der[..length], Origin::Live).is_err());
    }
}

#[test]
fn damaged_input_never_panics() {
    let (leaf, ca) = chain();
    let pfx_bytes = pfx(vec![("leaf", key_chain(&leaf, &[&ca]))], "");
    let pem = format!("{}{}", leaf.pem, ca.pem);
    // A cheap deterministic generator, so a failure reproduces.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for original in [&leaf.der[..], &pfx_bytes[..], pem.as_bytes()] {
        for _ in 0..200 {
            let mut damaged = original.to_vec();
            for _ in 0..1 + next() % 4 {
                let at = (next() % damaged.len() as u64) as usize;
                damaged[at] = next() as u8;
            }
            let cut = (next() % (damaged.len() as u64 + 1)) as usize;
            damaged.truncate(cut.max(1));
            let _ = read_certificates(&name("fuzz"), &damaged, None);
            let _ = certificate_from_der(&damaged, Origin::Live);
        }
    }
    for length in (1..pfx_bytes.len()).step_by(7) {
        assert!(read_certificates(&name("cut.pfx"), &pfx_bytes[..length], None).is_err());
    }
}

#[test]
fn certificate_from_der_errors_carry_data() {
    let generated = ec_p256("strict.example.test", &[]);
    let mut padded = generated.der.clone();
    padded.extend_from_slice(&[0, 0, 0]);
    assert_eq!(
        certificate_from_der(&padded, Origin::Live),
        Err(CertificateError::TrailingBytes { length: generated.der.len(), extra: 3 })
    );
    assert_eq!(certificate_from_der(&[], Origin::Live), Err(CertificateError::Empty));
    let error = certificate_from_der(&generated.der[..40], Origin::Live).expect_err("the DER is refused");
    assert!(matches!(error, CertificateError::Malformed { .. }), "{error:?}");

    let c = certificate_from_der(&generated.der, Origin::Live).expect("the DER parses");
    assert_eq!(c.origin, Origin::Live);
    assert_eq!(c.thumbprint, sha1_thumbprint(&generated.der));
}

// ---------------------------------------------------------------------------------------------
// Keys and algorithms.

fn from_hex(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits")).collect()
}

#[test]
fn sha1_rsa1024_certificate_is_described_as_openssl_does() {
    let der = from_hex(RSA1024_SHA1_DER);
    let c = certificate_from_der(&der, Origin::Live).expect("the DER parses");
    // openssl x509 -inform DER -noout -fingerprint -sha1
    assert_eq!(c.thumbprint.to_string(), "24D8862395855C6720FAD0CEDD157D5C5A71D9FF");
    assert_eq!(c.signature_algorithm, "sha1WithRSAEncryption");
    assert_eq!(c.key, KeyInfo { algorithm: "RSA".into(), bits: Some(1024), curve: None });
    // The DER sign byte is kept, as Windows shows serials.
    assert_eq!(c.serial, "00C0FFEE");
    assert_eq!(c.subject, "CN=legacy.example.test, O=sslbind tests");
    assert_eq!(c.common_name.as_deref(), Some("legacy.example.test"));
    assert!(c.dns_names.is_empty() && c.ip_addresses.is_empty());
    assert!(c.extended_key_usage.is_empty());
    assert_eq!(dns_identities(&c), ["legacy.example.test"]);
    assert!(covers_host(&c, "LEGACY.example.test"));
}

#[test]
fn rsa2048_certificate_with_ip_san_and_unnamed_eku() {
    let der = from_hex(RSA2048_SHA256_DER);
    let c = certificate_from_der(&der, Origin::Live).expect("the DER parses");
    assert_eq!(c.thumbprint.to_string(), "F2E112B890043A5873397A04CE1855CC6FE5DBEB");
    assert_eq!(c.thumbprint, sha1_thumbprint(&der));
    assert_eq!(c.signature_algorithm, "sha256WithRSAEncryption");
    assert_eq!((c.key.algorithm.as_str(), c.key.bits), ("RSA", Some(2048)));
    assert_eq!(c.serial, "702DDEB2E1D1BD247BE3B51FD192866BE7952B8A");
    assert_eq!(c.extended_key_usage, ["serverAuth", "clientAuth", "1.3.6.1.4.1.311.10.3.12"]);
    assert_eq!(c.dns_names, ["rsa.example.test"]);
    assert_eq!(c.ip_addresses, ["10.0.0.5".parse::<IpAddr>().expect("an IP address")]);
    assert!(covers_host(&c, "10.0.0.5"));
    assert!(covers_host(&c, "rsa.example.test"));
    assert!(!covers_host(&c, "10.0.0.6"));
}

#[test]
fn other_key_types() {
    let ed = self_signed(params("ed.example.test", &[]), &rcgen::PKCS_ED25519);
    let c = certificate_from_der(&ed.der, Origin::Live).expect("the DER parses");
    assert_eq!(c.key.algorithm, "Ed25519");
    assert_eq!(c.signature_algorithm, "ED25519");

    let p384 = self_signed(params("p384.example.test", &[]), &rcgen::PKCS_ECDSA_P384_SHA384);
    let c = certificate_from_der(&p384.der, Origin::Live).expect("the DER parses");
    assert_eq!(c.key, KeyInfo { algorithm: "EC".into(), bits: Some(384), curve: Some("P-384".into()) });
    assert_eq!(c.signature_algorithm, "ecdsa-with-SHA384");
}

#[test]
fn every_named_extended_key_usage() {
    let mut p = params("eku.example.test", &[]);
    p.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::CodeSigning,
        ExtendedKeyUsagePurpose::EmailProtection,
        ExtendedKeyUsagePurpose::TimeStamping,
        ExtendedKeyUsagePurpose::OcspSigning,
        ExtendedKeyUsagePurpose::Any,
        ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 4, 1, 311, 20, 2, 2]),
    ];
    let generated = self_signed(p, &rcgen::PKCS_ECDSA_P256_SHA256);
    let c = certificate_from_der(&generated.der, Origin::Live).expect("the DER parses");
    assert_eq!(
        c.extended_key_usage,
        [
            "anyExtendedKeyUsage",
            "codeSigning",
            "emailProtection",
            "timeStamping",
            "OCSPSigning",
            "msSmartcardLogin"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Host names.

fn certificate_with(dns_names: &[&str], ips: &[&str], common_name: Option<&str>) -> Certificate {
    Certificate {
        thumbprint: Thumbprint([0; 20]),
        subject: common_name.map(|cn| format!("CN={cn}")).unwrap_or_default(),
        common_name: common_name.map(str::to_owned),
        issuer: String::new(),
        serial: "01".into(),
        dns_names: dns_names.iter().map(|s| (*s).to_owned()).collect(),
        ip_addresses: ips.iter().map(|s| s.parse().expect("an IP address")).collect(),
        not_before: date_time_ymd(2024, 1, 1),
        not_after: date_time_ymd(2034, 1, 1),
        key: KeyInfo { algorithm: "EC".into(), bits: Some(256), curve: Some("P-256".into()) },
        signature_algorithm: "ecdsa-with-SHA256".into(),
        extended_key_usage: vec!["serverAuth".into()],
        has_private_key: None,
        store: None,
        origin: Origin::Live,
        der: Vec::new(),
    }
}

#[test]
fn dns_name_matching_table() {
    let table: &[(&str, &str, bool)] = &[
        // exact and case
        ("example.com", "example.com", true),
        ("Example.COM", "example.com", true),
        ("example.com", "EXAMPLE.com", true),
        ("example.com", "www.example.com", false),
        ("www.example.com", "example.com", false),
        ("example.com", "example.co", false),
        // one trailing dot is the same name
        ("example.com", "example.com.", true),
        ("example.com.", "example.com", true),
        ("example.com", "example.com..", false),
        // wildcard: exactly one whole left-most label
        ("*.example.com", "a.example.com", true),
        ("*.example.com", "A.Example.Com", true),
        ("*.example.com", "a.example.com.", true),
        ("*.example.com", "example.com", false),
        ("*.example.com", "a.b.example.com", false),
        ("*.example.com", "aexample.com", false),
        ("*.example.com", ".example.com", false),
        ("*.example.com", "a.example.org", false),
        // `*` anywhere else never matches
        ("a*.example.com", "ab.example.com", false),
        ("a*.example.com", "a.example.com", false),
        ("*a.example.com", "ba.example.com", false),
        ("*.*.example.com", "a.b.example.com", false),
        ("a.*.example.com", "a.b.example.com", false),
        ("*", "localhost", false),
        ("*.com", "example.com", false),
        // internationalised names compare in their ASCII form only
        ("xn--bcher-kva.example", "xn--bcher-kva.example", true),
        ("XN--BCHER-KVA.example", "xn--bcher-kva.example", true),
        ("*.xn--bcher-kva.example", "www.xn--bcher-kva.example", true),
        ("xn--bcher-kva.example", "bücher.example", false),
        // an IP literal is never a DNS name
        ("10.0.0.5", "10.0.0.5", false),
        ("*.0.0.5", "10.0.0.5", false),
        // empty input
        ("", "example.com", false),
        ("example.com", "", false),
        // a wildcard host (an SNI key) matches only the same pattern
        ("*.example.com", "*.example.com", true),
        ("a.example.com", "*.example.com", false),
    ];
    for &(pattern, host, expected) in table {
        assert_eq!(dns_name_matches(pattern, host), expected, "pattern {pattern:?} against host {host:?}");
    }
}

#[test]
fn common_name_counts_only_without_san_dns_names() {
    let cn_only = certificate_with(&[], &[], Some("cn.example.com"));
    assert_eq!(dns_identities(&cn_only), ["cn.example.com"]);
    assert!(covers_host(&cn_only, "cn.example.com"));

    let with_san = certificate_with(&["www.example.com"], &[], Some("example.com"));
    assert_eq!(dns_identities(&with_san), ["www.example.com"]);
    assert!(covers_host(&with_san, "www.example.com"));
    assert!(!covers_host(&with_san, "example.com"), "CN ignored when a SAN DNS name exists");

    // An IP-only SAN has no DNS name, so the CN still names the DNS identity.
    let ip_san = certificate_with(&[], &["10.0.0.5"], Some("cn.example.com"));
    assert_eq!(dns_identities(&ip_san), ["cn.example.com"]);
    assert!(covers_host(&ip_san, "cn.example.com"));

    let nothing = certificate_with(&[], &[], None);
    assert!(dns_identities(&nothing).is_empty());
    assert!(!covers_host(&nothing, "example.com"));
}

#[test]
fn identities_are_checked_in_san_order() {
    let c = certificate_with(&["b.example.com", "*.a.example.com", "c.example.com"], &[], Some("x"));
    assert_eq!(dns_identities(&c), ["b.example.com", "*.a.example.com", "c.example.com"]);
    assert!(covers_host(&c, "z.a.example.com"));
    assert!(covers_host(&c, "C.example.com."));
    assert!(!covers_host(&c, "a.example.com"));
    assert!(!covers_host(&c, "x"));
}

#[test]
fn ip_hosts_match_ip_sans_only() {
    let c = certificate_with(&["10.0.0.5", "example.com"], &["192.168.1.1", "2001:db8::1"], Some("10.0.0.5"));
    assert!(covers_host(&c, "192.168.1.1"));
    assert!(covers_host(&c, "2001:db8::1"));
    assert!(covers_host(&c, "[2001:DB8::1]"));
    assert!(covers_host(&c, "2001:0db8:0000::0001"));
    assert!(!covers_host(&c, "10.0.0.5"), "a DNS SAN or CN with the address's text is not an IP SAN");
    assert!(!covers_host(&c, "192.168.1.2"));
    assert!(covers_host(&c, "example.com"));

    // An IPv4 client seen through an IPv6 socket is the same address.
    assert!(covers_host(&c, "::ffff:192.168.1.1"));
}

#[test]
fn generated_certificate_matches_end_to_end() {
    let generated = ec_p256("ignored-cn.elsewhere.test", &["*.example.test", "api.other.test", "127.0.0.1"]);
    let read = read_certificates(&name("e2e.pem"), generated.pem.as_bytes(), None).expect("the file reads");
    let c = &read.certificates[0];
    assert!(covers_host(c, "www.example.test"));
    assert!(!covers_host(c, "example.test"));
    assert!(!covers_host(c, "a.b.example.test"));
    assert!(covers_host(c, "API.other.test."));
    assert!(!covers_host(c, "ignored-cn.elsewhere.test"));
    assert!(covers_host(c, "127.0.0.1"));
    assert!(!covers_host(c, "localhost"));
}

// ---------------------------------------------------------------------------------------------
// The certificate index answers exactly what a scan with covers_host answers.

mod certificate_index {
    use proptest::prelude::*;
    use sslbind_core::certs::{CertificateIndex, covers_host};

    use crate::support::certificate;

    const NAMES: [&str; 8] = [
        "a.example.com",
        "*.example.com",
        "B.Example.Com",
        "example.com",
        "*.b.example.com",
        "c.example.org.",
        "*.com",
        "x*.example.com",
    ];
    const HOSTS: [&str; 10] = [
        "a.example.com",
        "b.example.com",
        "A.EXAMPLE.COM.",
        "example.com",
        "deep.b.example.com",
        "c.example.org",
        "com",
        "x1.example.com",
        "*.example.com",
        "10.0.0.1",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn the_index_agrees_with_a_scan(sets in proptest::collection::vec(proptest::sample::subsequence(NAMES.to_vec(), 1..4), 1..5)) {
            let certificates: Vec<_> =
                sets.iter().map(|names| certificate(names, (2025, 1, 1), (2030, 1, 1))).collect();
            let index = CertificateIndex::new(&certificates);
            for host in HOSTS {
                let scanned: Vec<usize> = (0..certificates.len()).filter(|&i| covers_host(&certificates[i], host)).collect();
                let covering: Vec<usize> = index.covering(&certificates, host).iter().map(|id| id.index()).collect();
                prop_assert_eq!(covering, scanned, "host {}", host);
            }
        }
    }
}

#[test]
fn status_and_validity_note_follow_the_dates_and_the_warning_window() {
    use sslbind_core::model::CertificateStatus::{Expired, Expiring, NotYetValid, Valid};
    use time::macros::datetime;
    let c = crate::support::certificate(&["a.example.test"], (2026, 1, 1), (2026, 6, 13));
    let cases = [
        (datetime!(2025-12-31 23:59:59 UTC), 30, NotYetValid, "not valid until 2026-01-01"),
        (datetime!(2026-01-01 00:00 UTC), 30, Valid, "to 2026-06-13"),
        (datetime!(2026-05-13 23:59:59 UTC), 30, Valid, "to 2026-06-13"),
        (datetime!(2026-05-14 00:00 UTC), 30, Expiring, "expires in 30 days"),
        (datetime!(2026-06-01 00:00 UTC), 30, Expiring, "expires in 12 days"),
        (datetime!(2026-06-01 00:00 UTC), 12, Expiring, "expires in 12 days"),
        (datetime!(2026-06-01 00:00 UTC), 11, Valid, "to 2026-06-13"),
        (datetime!(2026-06-12 00:00 UTC), 30, Expiring, "expires in 1 day"),
        (datetime!(2026-06-12 12:00 UTC), 30, Expiring, "expires within a day"),
        (datetime!(2026-06-13 00:00 UTC), 0, Expiring, "expires within a day"),
        (datetime!(2026-06-13 00:00:01 UTC), 30, Expired, "expired 2026-06-13"),
    ];
    for (now, days, status, note) in cases {
        assert_eq!(
            (c.status(now, days), c.validity_note(now, days).as_str()),
            (status, note),
            "{now} {days}"
        );
    }
    assert_eq!(
        [Valid, Expiring, Expired, NotYetValid].map(|status| status.as_str()),
        ["valid", "expiring", "expired", "not-yet-valid"]
    );
}

// ---------------------------------------------------------------------------------------------
// Finding the certificate a person names: thumbprint, prefix or name.

mod query {
    use sslbind_core::certs::{CertificateQuery, QueryError, ResolveError, resolve_certificate};
    use sslbind_core::model::{Machine, Mapping, MappingKey, Thumbprint};

    use super::{at, certificate_from_der, ec_p256};

    const LEXTUDIO: &str = "93F1ADE0962CE66BF7EE6C76E16A97838E36800B";

    fn parse(text: &str) -> Result<CertificateQuery, QueryError> {
        CertificateQuery::parse(text)
    }

    #[test]
    fn a_thumbprint_reads_in_every_spelling_people_copy() {
        let full = CertificateQuery::Thumbprint(Thumbprint::parse(LEXTUDIO).expect("a thumbprint"));
        for text in [
            LEXTUDIO,
            "93f1ade0962ce66bf7ee6c76e16a97838e36800b",
            "93 f1 ad e0 96 2c e6 6b f7 ee 6c 76 e1 6a 97 83 8e 36 80 0b",
            "93:F1:AD:E0:96:2C:E6:6B:F7:EE:6C:76:E1:6A:97:83:8E:36:80:0B",
            "\u{200E}93f1ade0962ce66bf7ee6c76e16a97838e36800b",
            "  93F1ADE0962CE66BF7EE6C76E16A97838E36800B\u{200E} ",
        ] {
            assert_eq!(parse(text), Ok(full.clone()), "{text:?}");
        }
    }

    #[test]
    fn a_prefix_is_eight_hex_digits_or_more_with_or_without_the_tables_ellipsis() {
        for text in
            ["93F1ADE0", "93f1ade0", "93 F1 AD E0", "93F1ADE0…", "93F1ADE0...", "\u{200E}93f1ade0962c"]
        {
            assert!(matches!(parse(text), Ok(CertificateQuery::Prefix(_))), "{text:?}");
        }
        assert_eq!(parse("93f1ade0"), Ok(CertificateQuery::Prefix("93F1ADE0".to_owned())));
        // Near misses: too few digits, too many, a mistyped full thumbprint, nothing at all.
        assert_eq!(parse("93F1ADE"), Err(QueryError::PrefixTooShort { found: 7 }));
        assert_eq!(parse("93F1…"), Err(QueryError::PrefixTooShort { found: 4 }));
        assert!(matches!(parse(&format!("{LEXTUDIO}00")), Err(QueryError::Thumbprint(_))));
        assert!(
            matches!(parse("93F1ADE0962CE66BF7EE6C76E16A97838E36800G"), Err(QueryError::Thumbprint(_))),
            "40 letters and digits are a thumbprint with a typo, not a name"
        );
        assert_eq!(parse(" \u{200E} "), Err(QueryError::Empty));
    }

    #[test]
    fn anything_else_is_a_name() {
        for text in ["lextudio.com", "CN=lextudio.com", "IIS Express Development Certificate", "93F1ADEO"] {
            assert_eq!(parse(text), Ok(CertificateQuery::Name(text.to_owned())), "{text:?}");
        }
    }

    fn hash(first: [u8; 4], rest: u8) -> Thumbprint {
        let mut bytes = [rest; 20];
        bytes[..4].copy_from_slice(&first);
        Thumbprint(bytes)
    }

    /// A machine with two read certificates of one name (a renewal) and one of another, and
    /// two mapped hashes whose certificates were not read, sharing their first 8 digits.
    fn machine() -> (Machine, [Thumbprint; 5]) {
        let read = |name: &str, sans: &[&str]| {
            certificate_from_der(&ec_p256(name, sans).der, at("certs/x.cer", 1, 1)).expect("a certificate")
        };
        let old = read("shop.example.com", &["shop.example.com"]);
        let new = read("shop.example.com", &["shop.example.com", "www.shop.example.com"]);
        let api = read("api.example.com", &["api.example.com", "*.api.example.com"]);
        let mapped_a = hash([0xAB, 0xCD, 0xEF, 0x01], 0x11);
        let mapped_b = hash([0xAB, 0xCD, 0xEF, 0x01], 0x22);
        let mapping = |port: u16, thumbprint: Thumbprint| {
            let mut mapping = Mapping::new(
                MappingKey::Ip(std::net::SocketAddr::from(([0, 0, 0, 0], port))),
                at("sslcert.txt", u32::from(port), 1),
            );
            mapping.certificate_hash = Some(thumbprint);
            mapping
        };
        let thumbprints = [old.thumbprint, new.thumbprint, api.thumbprint, mapped_a, mapped_b];
        let machine = Machine {
            certificates: vec![old, new, api.clone(), api],
            certificates_known: true,
            mappings: vec![mapping(443, mapped_a), mapping(8443, mapped_b), mapping(9443, thumbprints[2])],
            mappings_known: true,
            ..Machine::default()
        };
        (machine, thumbprints)
    }

    fn resolve(text: &str, machine: &Machine) -> Result<Thumbprint, ResolveError> {
        resolve_certificate(&parse(text).expect("a query"), machine)
    }

    #[test]
    fn a_unique_prefix_or_name_finds_its_certificate_among_read_and_mapped_ones() {
        let (machine, [_, _, api, mapped_a, _]) = machine();
        let api_hex = api.to_string();
        assert_eq!(resolve(&api_hex[..8], &machine), Ok(api), "a certificate read twice is one");
        assert_eq!(resolve(&format!("{}…", &api_hex[..10].to_lowercase()), &machine), Ok(api));
        assert_eq!(resolve("API.example.com.", &machine), Ok(api), "case and a trailing dot do not matter");
        assert_eq!(resolve("CN=api.example.com", &machine), Ok(api));
        assert_eq!(resolve("v2.api.example.com", &machine), Ok(api), "covered by its wildcard");
        assert_eq!(resolve("ABCDEF0111", &machine), Ok(mapped_a), "a hash known only from a mapping");
        // A full thumbprint is taken as given, even when the machine has no such certificate.
        let elsewhere = hash([1, 2, 3, 4], 5);
        assert_eq!(resolve(&elsewhere.to_string(), &machine), Ok(elsewhere));
    }

    #[test]
    fn several_matches_are_refused_with_every_candidate() {
        let (machine, [old, new, _, mapped_a, mapped_b]) = machine();
        let Err(ResolveError::Ambiguous { candidates, more, .. }) = resolve("ABCDEF01", &machine) else {
            panic!("two mapped hashes start with ABCDEF01");
        };
        let found: Vec<Thumbprint> = candidates.iter().map(|candidate| candidate.thumbprint).collect();
        assert_eq!((found, more), (vec![mapped_a, mapped_b], 0));
        assert!(candidates.iter().all(|candidate| candidate.name.is_none()));

        let error = resolve("shop.example.com", &machine).expect_err("a renewal leaves two of one name");
        let ResolveError::Ambiguous { candidates, .. } = &error else { panic!("{error}") };
        let mut found: Vec<Thumbprint> = candidates.iter().map(|candidate| candidate.thumbprint).collect();
        found.sort();
        let mut expected = vec![old, new];
        expected.sort();
        assert_eq!(found, expected);
        let message = error.to_string();
        assert!(message.starts_with("2 certificates match"), "{message}");
        assert!(message.contains(&old.to_string()) && message.contains(&new.to_string()), "{message}");
        assert!(message.contains("shop.example.com  (to 2034-01-01)"), "{message}");
    }

    #[test]
    fn no_match_is_refused_with_the_nearest_certificates_first() {
        let (machine, [_, _, api, _, _]) = machine();
        let api_hex = api.to_string();
        // One digit off at the end: the certificate it was meant to be comes first.
        let mut typo: String = api_hex[..12].to_owned();
        typo.push(if api_hex.as_bytes()[12] == b'0' { '1' } else { '0' });
        let Err(ResolveError::NoMatch { candidates, more, .. }) = resolve(&typo, &machine) else {
            panic!("nothing starts with {typo}");
        };
        assert_eq!(candidates.len(), 5, "every known thumbprint once");
        assert_eq!((candidates[0].thumbprint, more), (api, 0));

        let Err(error @ ResolveError::NoMatch { .. }) = resolve("www.api.example.org", &machine) else {
            panic!("no certificate is for example.org");
        };
        assert!(error.to_string().starts_with("no certificate has this name"), "{error}");
        let Err(ResolveError::NoMatch { candidates, .. }) = resolve("shop.example.org", &Machine::default())
        else {
            panic!("an empty machine matches nothing");
        };
        assert!(candidates.is_empty());
    }
}

/// The report's expiry bands, at each edge: whole days left decide, and the bands are fixed
/// (HealthChecker's 60 and 30), whatever `--expiry-days` says.
#[test]
fn expiry_class_bands() {
    use sslbind_core::model::{ExpiryClass, expiry_class};
    use time::{Duration, macros::datetime};

    let not_before = datetime!(2026-01-01 0:00 UTC);
    let not_after = datetime!(2027-01-01 0:00 UTC);
    let cases = [
        (not_before - Duration::seconds(1), ExpiryClass::NotYetValid),
        (not_before, ExpiryClass::Fine),
        (not_after - Duration::days(60), ExpiryClass::Fine),
        (not_after - Duration::days(60) + Duration::seconds(1), ExpiryClass::Warning),
        (not_after - Duration::days(30), ExpiryClass::Warning),
        (not_after - Duration::days(30) + Duration::seconds(1), ExpiryClass::Error),
        (not_after - Duration::hours(1), ExpiryClass::Error),
        (not_after, ExpiryClass::Error),
        (not_after + Duration::seconds(1), ExpiryClass::Expired),
    ];
    for (now, expected) in cases {
        assert_eq!(expiry_class(not_before, not_after, now), expected, "at {now}");
    }
    assert_eq!(ExpiryClass::NotYetValid.as_str(), "not-yet-valid");
}

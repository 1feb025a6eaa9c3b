//! The same machine given three ways: as netsh text, as a `.reg` export and as an offline
//! hive, and its certificates as files, as a `.reg` export and as a SOFTWARE hive, must give
//! the same `mappings --format json`. The hives are written by sslbind's own writer, and in the
//! `external-tools` suite also by hivexregedit, an independent writer.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use sslbind_core::registry::RegistryTree;
use sslbind_core::registry::reg::read_reg;
use sslbind_core::text::{Encoding, encode};

use crate::util::{sslbind, sslbind_json, workspace_root};

const IIS_APP_ID: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
const IIS_APP_ID_BYTES: &str = "81,e1,c3,4d,4b,e1,21,4a,b0,22,59,fc,66,9b,09,14";

fn der(file: &str) -> Vec<u8> {
    std::fs::read(workspace_root().join("examples/iis-express-dev/certs").join(file))
        .expect("an example certificate")
}

fn thumbprint(der: &[u8]) -> String {
    let json = sslbind_json(&["bindings", "examples/iis-express-dev", "--format", "json"]);
    let _ = der;
    json["bindings"]
        .as_array()
        .expect("bindings")
        .iter()
        .find(|binding| binding["binding"] == "*:4431:lextudio.com")
        .and_then(|binding| binding["certificate_hash"].as_str())
        .expect("the example's SNI certificate")
        .to_owned()
}

fn hex_list(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect::<Vec<_>>().join(",")
}

/// The HTTP.sys records as `.reg` sections under `root` (a path ending in the control set).
fn http_sections(root: &str, hash: &str) -> String {
    let hash = hex_list(
        &(0..hash.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hash[i..i + 2], 16).expect("hex"))
            .collect::<Vec<_>>(),
    );
    let parameters = format!("{root}\\Services\\HTTP\\Parameters");
    let common = "\"DefaultSslCertCheckMode\"=dword:00000000\n\"DefaultSslRevocationFreshnessTime\"=dword:00000000\n\
                  \"DefaultSslRevocationUrlRetrievalTimeout\"=dword:00000000\n\"DefaultFlags\"=dword:00000000\n";
    format!(
        "[{parameters}\\SslBindingInfo\\0.0.0.0:443]\n\"SslCertHash\"=hex:{hash}\n\"AppId\"=hex:{IIS_APP_ID_BYTES}\n\"SslCertStoreName\"=\"MY\"\n{common}\n\
         [{parameters}\\SslBindingInfo\\[::]:443]\n\"SslCertHash\"=hex:{hash}\n\"AppId\"=hex:{IIS_APP_ID_BYTES}\n\"SslCertStoreName\"=\"MY\"\n{common}\n\
         [{parameters}\\SslSniBindingInfo\\lextudio.com:443]\n\"SslCertHash\"=hex:{hash}\n\"AppId\"=hex:{IIS_APP_ID_BYTES}\n\"SslCertStoreName\"=\"WebHosting\"\n{common}\n\
         [{parameters}\\SslCcsBindingInfo\\0.0.0.0:443]\n\"AppId\"=hex:{IIS_APP_ID_BYTES}\n{common}\n"
    )
}

fn netsh_text(hash: &str) -> String {
    let record = |label: &str, key: &str, hash: &str, store: &str| {
        format!(
            "    {label:<28} : {key}\n    Certificate Hash             : {hash}\n    Application ID               : {IIS_APP_ID}\n\
             \x20   Certificate Store Name       : {store}\n    Verify Client Certificate Revocation : Enabled\n\
             \x20   Verify Revocation Using Cached Client Certificate Only : Disabled\n    Usage Check                  : Enabled\n\
             \x20   Revocation Freshness Time    : 0\n    URL Retrieval Timeout        : 0\n    Ctl Identifier               : (null)\n\
             \x20   Ctl Store Name               : (null)\n    DS Mapper Usage              : Disabled\n\
             \x20   Negotiate Client Certificate : Disabled\n\n"
        )
    };
    let hash = hash.to_ascii_lowercase();
    format!(
        "SSL Certificate bindings:\n-------------------------\n\n{}{}{}{}",
        record("IP:port", "0.0.0.0:443", &hash, "MY"),
        record("IP:port", "[::]:443", &hash, "MY"),
        record("Hostname:port", "lextudio.com:443", &hash, "WebHosting"),
        record("Central Certificate Store", "443", "(null)", "(null)"),
    )
}

/// A certificate store blob: a SHA-1 property, a key-provider property and the DER.
fn blob(der: &[u8]) -> Vec<u8> {
    let mut blob = Vec::new();
    for (id, data) in [(2u32, vec![0u8; 8]), (32u32, der.to_vec())] {
        blob.extend(id.to_le_bytes());
        blob.extend(1u32.to_le_bytes());
        blob.extend(u32::try_from(data.len()).expect("small").to_le_bytes());
        blob.extend(data);
    }
    blob
}

fn certificate_sections(root: &str, der: &[u8], hash: &str) -> String {
    format!(
        "[{root}\\Microsoft\\SystemCertificates\\WebHosting\\Certificates\\{hash}]\n\"Blob\"=hex:{}\n\n",
        hex_list(&blob(der))
    )
}

/// Every parent key first, as hivexregedit needs them.
fn with_parents(sections: &str) -> String {
    let mut parents: Vec<String> = Vec::new();
    for line in sections.lines().filter(|line| line.starts_with("[\\")) {
        let path = &line[1..line.rfind(']').unwrap_or(line.len())];
        let parts: Vec<&str> = path.split('\\').collect();
        for end in 2..parts.len() {
            let parent = parts[..end].join("\\");
            if !parents.contains(&parent) {
                parents.push(parent);
            }
        }
    }
    let mut out = String::from("Windows Registry Editor Version 5.00\n\n");
    for parent in parents {
        out.push_str(&format!("[{parent}]\n\n"));
    }
    out.push_str(sections);
    out
}

/// Who writes the test hives.
#[derive(Clone, Copy)]
enum Writer {
    /// sslbind's own hive writer (`sslbind_core::registry::write_hive`).
    Own,
    /// hivexregedit.
    #[cfg(feature = "external-tools")]
    Hivex,
}

/// Writes the hive file `folder/name` holding the keys of the `.reg` text `reg`.
fn build_hive(writer: Writer, folder: &Path, name: &str, reg: &str) -> PathBuf {
    let bytes = match writer {
        Writer::Own => {
            let read = read_reg(&Arc::from(name), reg.as_bytes()).expect("the test's .reg text reads");
            assert_eq!(read.warnings, vec![], "the test's .reg text reads cleanly");
            sslbind_core::registry::write_hive(&read.tree)
        }
        #[cfg(feature = "external-tools")]
        Writer::Hivex => crate::hivex::merge(
            &Path::new(env!("CARGO_TARGET_TMPDIR")).join("hive-tests").join(format!("cli-{name}")),
            reg,
        ),
    };
    let hive = folder.join(name);
    std::fs::write(&hive, bytes).expect("the hive is written");
    hive
}

/// `mappings --format json` without the fields that name where a fact came from.
fn mappings(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["mappings", "--format", "json"];
    all.extend_from_slice(args);
    let json = sslbind_json(&all);
    json["mappings"]
        .as_array()
        .expect("mappings")
        .iter()
        .map(|mapping| {
            let mut mapping = mapping.clone();
            let object = mapping.as_object_mut().expect("an object");
            object.remove("source");
            if let Some(certificate) = object.get_mut("certificate").and_then(Value::as_object_mut) {
                for field in ["source", "store", "has_private_key"] {
                    certificate.remove(field);
                }
            }
            mapping
        })
        .collect()
}

#[test]
fn hive_reg_export_and_netsh_text_give_identical_mappings_and_certificates() {
    the_three_sources_agree(Writer::Own);
}

#[cfg(feature = "external-tools")]
#[test]
fn hivex_hive_reg_export_and_netsh_text_give_identical_mappings_and_certificates() {
    the_three_sources_agree(Writer::Hivex);
}

fn the_three_sources_agree(writer: Writer) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let der = der("lextudio.com.cer");
    let hash = thumbprint(&der);

    let netsh = folder.path().join("sslcert.txt");
    std::fs::write(&netsh, netsh_text(&hash)).expect("netsh text");
    let system_reg = folder.path().join("system.reg");
    let text = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n{}",
        http_sections("HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet", &hash)
    )
    .replace('\n', "\r\n");
    std::fs::write(&system_reg, encode(&text, Encoding::Utf16Le)).expect("a .reg export");
    let system_hive = build_hive(
        writer,
        folder.path(),
        "SYSTEM",
        &with_parents(&format!(
            "{}[\\Select]\n\"Current\"=dword:00000001\n\n",
            http_sections("\\ControlSet001", &hash)
        )),
    );
    let software_reg = folder.path().join("software.reg");
    let text = format!(
        "REGEDIT4\r\n\r\n{}",
        certificate_sections("HKEY_LOCAL_MACHINE\\SOFTWARE", &der, &hash).replace('\n', "\r\n")
    );
    std::fs::write(&software_reg, text.as_bytes()).expect("a REGEDIT4 export");
    let software_hive =
        build_hive(writer, folder.path(), "SOFTWARE", &with_parents(&certificate_sections("", &der, &hash)));
    let cert_file = workspace_root().join("examples/iis-express-dev/certs/lextudio.com.cer");

    let path = |path: &Path| path.to_str().expect("a UTF-8 path").to_owned();
    let from_netsh = mappings(&["--sslcert", &path(&netsh), "--certs", &path(&cert_file)]);
    let from_reg = mappings(&["--registry", &path(&system_reg), "--registry", &path(&software_reg)]);
    let from_hive = mappings(&["--registry", &path(&system_hive), "--registry", &path(&software_hive)]);
    assert_eq!(from_netsh.len(), 4, "{from_netsh:#?}");
    let kinds: Vec<&str> = from_netsh.iter().filter_map(|mapping| mapping["kind"].as_str()).collect();
    assert_eq!(kinds, ["ip", "ip", "sni", "ccs"]);
    assert!(from_netsh[0]["certificate"].is_object(), "the certificate is found");
    assert_eq!(from_reg, from_netsh);
    assert_eq!(from_hive, from_netsh);

    let stores = sslbind_json(&[
        "mappings",
        "--format",
        "json",
        "--registry",
        &path(&software_hive),
        "--sslcert",
        &path(&netsh),
    ]);
    assert_eq!(stores["mappings"][0]["certificate"]["store"], "WebHosting");
    assert_eq!(stores["mappings"][0]["certificate"]["has_private_key"], true);
}

#[test]
fn corrupt_registry_sources_are_errors_with_an_offset_or_line() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let minimal = sslbind_core::registry::write_hive(&RegistryTree::default());
    let truncated = folder.path().join("SYSTEM");
    std::fs::write(&truncated, &minimal[..minimal.len().min(4096 + 100)]).expect("a truncated hive");
    let output = sslbind(&["mappings", "--registry", truncated.to_str().expect("UTF-8")]);
    assert!(output.code == 0 || output.code == 2, "{}", output.transcript());
    assert!(!output.stderr.contains("panicked"));
    if output.code == 2 {
        assert!(output.stderr.contains("offset") || output.stderr.contains(":1:"), "{}", output.stderr);
    }
    let not_reg = folder.path().join("notes.reg");
    std::fs::write(&not_reg, "hello\n").expect("a file");
    let output = sslbind(&["mappings", "--registry", not_reg.to_str().expect("UTF-8")]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("notes.reg:1:1"), "{}", output.stderr);
}

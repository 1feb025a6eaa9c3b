//! The corpus tests: every file in the shared corpus of real files written by others
//! (`SSLBIND_CORPUS`, else `../shared/fixtures`) read through the command line. They run in the
//! `corpus` suite (`--features corpus`), which fails when the corpus is missing.
//!
//! Configs are also checked against an independent reader (Python's ElementTree), so that a
//! mistake shared by sslbind's reader and its own expectations cannot pass; that test needs
//! `python3` and runs when the `external-tools` suite is asked for as well.

use std::path::{Path, PathBuf};
#[cfg(feature = "external-tools")]
use std::process::Command;

use serde_json::{Value, json};

use crate::util::{sslbind, sslbind_json};

use crate::shared_corpus::corpus;

fn files(folder: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("the corpus folder is readable")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|found| found == extension))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.{extension} in {}", folder.display());
    files
}

/// The `(site, site_id, protocol, binding, ssl_flags)` rows of every `<binding>` of every
/// site, read by ElementTree; `Err` with Python's message when the XML is malformed.
#[cfg(feature = "external-tools")]
fn element_tree_rows(config: &Path) -> Result<Vec<Value>, String> {
    const SCRIPT: &str = r#"
import json, sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError as error:
    print(json.dumps({"error": str(error)})); sys.exit(0)
# A fragment saved on its own may be rooted at the `<sites>` collection or one `<site>`.
if root.tag == "site":
    all_sites = [root]
elif root.tag == "sites":
    all_sites = root.findall("site")
else:
    all_sites = [site for host in root.iter("system.applicationHost")
                 for sites in host.findall("sites") for site in sites.findall("site")]
rows = []
for site in all_sites:
    site_id = site.get("id")
    for binding in site.findall("bindings/binding"):
        rows.append({"site": site.get("name"), "site_id": int(site_id) if site_id and site_id.isdigit() else None,
                     "protocol": binding.get("protocol"), "binding": binding.get("bindingInformation"),
                     "ssl_flags": int(binding.get("sslFlags", "0"))})
print(json.dumps({"rows": rows}))
"#;
    let output = Command::new("python3").arg("-c").arg(SCRIPT).arg(config).output().expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    match result.get("error") {
        Some(error) => Err(error.to_string()),
        None => Ok(result["rows"].as_array().cloned().unwrap_or_default()),
    }
}

#[cfg(feature = "external-tools")]
#[test]
fn corpus_configs_list_exactly_their_binding_elements() {
    let corpus = corpus();
    let configs = files(&corpus.join("appconfig"), "config");
    for config in &configs {
        let path = config.to_str().expect("a UTF-8 path");
        match element_tree_rows(config) {
            Ok(expected) => {
                let json = sslbind_json(&["bindings", "--config", path, "--format", "json"]);
                let rows: Vec<Value> = json["bindings"]
                    .as_array()
                    .expect("a bindings array")
                    .iter()
                    .map(|row| {
                        json!({"site": row["site"], "site_id": row["site_id"], "protocol": row["protocol"],
                               "binding": row["binding"], "ssl_flags": row["ssl_flags"]})
                    })
                    .collect();
                assert_eq!(rows, expected, "{path}");
            }
            Err(python_error) => {
                let output = sslbind(&["bindings", "--config", path]);
                assert_eq!(
                    output.code,
                    2,
                    "{path}: ElementTree says {python_error}\n{}",
                    output.transcript()
                );
                let name = config.file_name().and_then(|name| name.to_str()).expect("a file name");
                let location = output.stderr.split(name).nth(1).unwrap_or_default();
                let mut numbers = location.trim_start_matches(':').split(':').map(|part| part.parse::<u32>());
                let (Some(Ok(line)), Some(Ok(_column))) = (numbers.next(), numbers.next()) else {
                    panic!("{path}: no file:line:column in {}", output.stderr);
                };
                assert!(line >= 1133, "{path}: the error is at the end of the file, not line {line}");
            }
        }
    }
    println!("corpus: read {} configs", configs.len());
}

/// `(kind, key, hash, AppId, store, flags)` of one mapping.
type Record<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>, &'a [&'a str]);

/// Every record of every netsh sample: kind, key, hash, AppId, store and flags, written
/// out by hand from the files.
#[test]
fn corpus_netsh_samples_give_every_record() {
    let corpus = corpus();
    const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
    const EXPRESS: &str = "{214124cd-d05b-4309-9af9-9caa44b2b74a}";
    const ADFS: &str = "{5d89a20c-beab-4389-9447-324788eb944a}";
    const DEV_CERT: &str = "61D34F532DA121BBAB64723C4871E72C92F03735";
    const ADFS_CERT: &str = "2D125F4D735DEF823178E8F17E6579D04FB97B7A";
    let no_flags: &[&str] = &[];
    let expected: Vec<(&str, Vec<Record>)> = vec![
        (
            "01-win10-extended-properties-nbstrat.txt",
            vec![("ip", "0.0.0.0:44307", Some(DEV_CERT), Some(EXPRESS), Some("MY"), no_flags)],
        ),
        (
            "02-win10-trimmed-nbstrat.txt",
            vec![("ip", "0.0.0.0:44307", Some(DEV_CERT), Some(EXPRESS), Some("MY"), no_flags)],
        ),
        (
            "03-win10-ps-prompt-noise-nbstrat.txt",
            vec![(
                "ip",
                "0.0.0.0:44304",
                Some(DEV_CERT),
                Some(EXPRESS),
                Some("MY"),
                &["negotiate-client-cert"],
            )],
        ),
        (
            "05-azure-pipelines-ext-140-storename-null.txt",
            vec![(
                "ip",
                "0.0.0.0:443",
                Some("5226DC6C54559761CD471B86EB51C096252C90F2"),
                Some(IIS),
                Some("MY"),
                no_flags,
            )],
        ),
        (
            "06-adfs-sni-hostnameport-adfsanalyzer-41-partial.txt",
            vec![
                ("sni", "sts.margiestravel.com:443", Some(ADFS_CERT), Some(ADFS), Some("my"), no_flags),
                ("sni", "sts.margiestravel.com:49443", Some(ADFS_CERT), Some(ADFS), Some("my"), no_flags),
            ],
        ),
        ("09-de-ps-verbose-prefixed-partial.txt", vec![("ip", "0.0.0.0:8091", None, None, None, no_flags)]),
        // Placeholders (`<ip:port>`) only: record-like lines, but no record, so refused below.
        ("11-aspnet-httpsys-comment-session-id-caching-client-hello.txt", vec![]),
        (
            "12-winacme-198-sni-webhosting-store-partial.txt",
            vec![
                (
                    "sni",
                    "a.xyz.com:443",
                    Some("07FD6136D6D998B3E5B87EE49EB4075652E79555"),
                    Some(IIS),
                    Some("WebHosting"),
                    no_flags,
                ),
                (
                    "sni",
                    "b.xyz.com:443",
                    Some("4F19C4880D9CC98DDA9E4A100FFB471E67BD18EB"),
                    Some(IIS),
                    Some("WebHosting"),
                    no_flags,
                ),
            ],
        ),
    ];
    let samples = files(&corpus.join("netsh"), "txt");
    let names: Vec<&str> = samples.iter().filter_map(|path| path.file_name()?.to_str()).collect();
    let expected_names: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, expected_names, "every sample has expectations");
    for (name, records) in &expected {
        let path = corpus.join("netsh").join(name);
        if records.is_empty() {
            let output = sslbind(&["mappings", "--sslcert", path.to_str().expect("a UTF-8 path")]);
            assert_eq!(output.code, 2, "{name}: no record read is refused\n{}", output.transcript());
            assert!(output.stderr.contains("no netsh record could be read"), "{name}: {}", output.stderr);
            continue;
        }
        let json = sslbind_json(&[
            "mappings",
            "--sslcert",
            path.to_str().expect("a UTF-8 path"),
            "--format",
            "json",
        ]);
        let found: Vec<Value> = json["mappings"]
            .as_array()
            .expect("a mappings array")
            .iter()
            .map(|mapping| {
                json!([
                    mapping["kind"],
                    mapping["key"],
                    mapping["certificate_hash"],
                    mapping["app_id"],
                    mapping["certificate_store"],
                    mapping["flags"]
                ])
            })
            .collect();
        let want: Vec<Value> = records
            .iter()
            .map(|(kind, key, hash, app_id, store, flags)| json!([kind, key, hash, app_id, store, flags]))
            .collect();
        assert_eq!(found, want, "{name}");
    }
    println!("corpus: read {} netsh samples", samples.len());
}

/// No fixture, given to any option, makes sslbind panic: it reads it or exits 2.
#[test]
fn corpus_files_under_every_option_never_panic() {
    let corpus = corpus();
    let mut all = Vec::new();
    for folder in ["appconfig", "netsh", "urlacl", "excludedports", "hive"] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(corpus.join(folder))
            .expect("a corpus folder")
            .map(|entry| entry.expect("an entry").path())
            .collect();
        entries.sort();
        all.extend(entries);
    }
    for file in &all {
        let path = file.to_str().expect("a UTF-8 path");
        for option in ["--config", "--sslcert", "--certs"] {
            for command in ["bindings", "mappings"] {
                let output = sslbind(&[command, option, path, "--format", "json"]);
                assert!(
                    (output.code == 0 || output.code == 2) && !output.stderr.contains("panicked"),
                    "{command} {option} {path}\n{}",
                    output.transcript()
                );
            }
        }
    }
    assert!(all.len() > 5, "the corpus holds only {} files", all.len());
    println!("corpus: read {} files under every option", all.len());
}

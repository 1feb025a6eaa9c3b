//! `sslbind metrics` as monitoring reads it: the x509-certificate-exporter's families and
//! labels for every certificate, sslbind's own families, the file written for a textfile
//! collector, label values escaped, and (in the external-tools suite) Prometheus's own
//! `promtool check metrics` accepting the output.

use crate::util::sslbind;

const NOW: &str = "--now=2026-06-01T00:00:00Z";

/// The sample lines of `family` in `text`.
fn samples<'a>(text: &'a str, family: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|line| line.starts_with(&format!("{family}{{")) || line.starts_with(&format!("{family} ")))
        .collect()
}

#[test]
fn every_certificate_mapping_and_finding_of_the_hosting_server_is_a_series() {
    let output = sslbind(&["metrics", "examples/hosting-server", NOW]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    let text = &output.stdout;
    for family in [
        "x509_cert_not_after",
        "x509_cert_not_before",
        "x509_cert_expired",
        "sslbind_mapping_info",
        "sslbind_findings",
        "sslbind_snapshot_timestamp_seconds",
    ] {
        assert!(text.contains(&format!("# TYPE {family} gauge\n")), "{family}");
    }
    let mappings: serde_json::Value =
        serde_json::from_str(&sslbind(&["mappings", "examples/hosting-server", "--format", "json"]).stdout)
            .expect("JSON");
    let mapping_count = mappings["mappings"].as_array().expect("mappings").len();
    assert_eq!(samples(text, "sslbind_mapping_info").len(), mapping_count);
    // The expired shop certificate, by the exporter's labels plus sslbind's.
    let expired = samples(text, "x509_cert_expired")
        .into_iter()
        .find(|line| line.contains("thumbprint=\"6F58CF58B5FE5DB0B34A971EE01AA77C099E6629\""))
        .expect("the expired certificate");
    assert!(expired.ends_with("} 1"), "{expired}");
    for label in [
        "serial_number=\"",
        "subject_CN=\"shop.contoso.com\"",
        "issuer_O=\"\"",
        "machine=\"hosting-server\"",
        "store=\"\"",
    ] {
        assert!(expired.contains(label), "{label} in {expired}");
    }
    let winrm = samples(text, "sslbind_mapping_info")
        .into_iter()
        .find(|line| line.contains("key=\"0.0.0.0:5986\""))
        .expect("the WinRM mapping");
    assert!(winrm.contains("owner=\"WinRM\"") && winrm.contains("status=\"foreign\""), "{winrm}");
    assert!(
        samples(text, "sslbind_findings")
            .iter()
            .any(|line| line.contains("code=\"certificate-expired\",severity=\"error\"")),
        "{text}"
    );
    assert_eq!(
        samples(text, "sslbind_snapshot_timestamp_seconds"),
        vec!["sslbind_snapshot_timestamp_seconds{machine=\"hosting-server\"} 1780272000"]
    );
}

#[test]
fn written_for_a_textfile_collector_the_file_holds_what_standard_output_would() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("sslbind.prom");
    let file = path.to_str().expect("a UTF-8 path");
    let output =
        sslbind(&["metrics", "examples/iis-express-dev", NOW, "--name", "dev \"box\"\\1", "-o", file]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(output.stdout.is_empty(), "{}", output.stdout);
    let written = std::fs::read_to_string(&path).expect("the file is written");
    let printed = sslbind(&["metrics", "examples/iis-express-dev", NOW, "--name", "dev \"box\"\\1"]).stdout;
    assert_eq!(written, printed);
    // A label value is escaped as the text format requires.
    assert!(written.contains("machine=\"dev \\\"box\\\"\\\\1\""), "{written}");
    let names: Vec<&str> = std::fs::read_dir(folder.path())
        .expect("the folder reads")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .map(|name| if name == "sslbind.prom" { "sslbind.prom" } else { "other" })
        .collect();
    assert_eq!(names, vec!["sslbind.prom"], "no temporary file is left");
}

/// promtool (Debian's `prometheus`) lints the output as Prometheus would scrape it.
#[cfg(feature = "external-tools")]
#[test]
fn promtool_accepts_every_metrics_output() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    // Each machine alone, and both through a fleet database.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let db = folder.path().join("fleet.db");
    let db = db.to_str().expect("a UTF-8 path");
    let ingest =
        sslbind(&["fleet", "ingest", "--db", db, "examples/hosting-server", "examples/iis-express-dev", NOW]);
    assert_eq!(ingest.code, 0, "{}", ingest.transcript());
    let runs: [&[&str]; 3] = [
        &["metrics", "examples/hosting-server", NOW],
        &["metrics", "examples/iis-express-dev", NOW],
        &["fleet", "metrics", "--db", db, NOW],
    ];
    for args in runs {
        let machine = args.join(" ");
        let output = sslbind(args);
        assert_eq!(output.code, 0, "{}", output.transcript());
        let mut child = Command::new("promtool")
            .args(["check", "metrics"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("promtool cannot run ({error}): install Debian's `prometheus`"));
        child.stdin.take().expect("stdin").write_all(output.stdout.as_bytes()).expect("promtool reads");
        let result = child.wait_with_output().expect("promtool ends");
        let complaints =
            format!("{}{}", String::from_utf8_lossy(&result.stdout), String::from_utf8_lossy(&result.stderr));
        assert!(result.status.success(), "{machine}: {complaints}");
    }
}

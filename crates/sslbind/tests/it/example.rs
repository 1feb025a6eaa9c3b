//! The example machine in `examples/iis-express-dev` as users see it: these snapshots are the
//! README's quick start, reviewed line by line.

use crate::util::sslbind_env;
use crate::util::{sslbind, sslbind_json};

const EXAMPLE: &str = "examples/iis-express-dev";

#[test]
fn example_mappings_table() {
    let output = sslbind(&["mappings", EXAMPLE]);
    insta::assert_snapshot!(output.transcript());
}

#[test]
fn example_bindings_table() {
    let output = sslbind(&["bindings", EXAMPLE]);
    insta::assert_snapshot!(output.transcript());
}

#[test]
fn example_bindings_json() {
    insta::assert_json_snapshot!(sslbind_json(&["bindings", EXAMPLE, "--format", "json"]));
}

#[test]
fn example_lines_fit_100_columns() {
    for command in ["mappings", "bindings"] {
        let output = sslbind(&[command, EXAMPLE]);
        for line in output.stdout.lines() {
            assert!(line.chars().count() <= 100, "{command}: {} columns: {line}", line.chars().count());
        }
    }
}

#[test]
fn example_php_site_gets_its_sni_certificate() {
    let json = sslbind_json(&["bindings", EXAMPLE, "--format", "json"]);
    let binding = json["bindings"]
        .as_array()
        .expect("a bindings array")
        .iter()
        .find(|binding| binding["binding"] == "*:4431:lextudio.com")
        .expect("the SNI binding is listed");
    assert_eq!(binding["expected_mapping"], serde_json::json!({"kind": "sni", "key": "lextudio.com:4431"}));
    assert_eq!(binding["effective_mapping"], binding["expected_mapping"]);
    assert_eq!(binding["certificate"]["dns_names"], serde_json::json!(["lextudio.com", "www.lextudio.com"]));
}

/// The hosting server at 2026-06-01: shop.contoso.com's certificate expired on 2026-03-01 and
/// cdn.contoso.com's on 2026-04-01, api.contoso.com's ends on 2026-06-20, the others run to
/// 2027 and 2030. (It also has an invalid binding, hence exit code 2.)
const HOSTING: &str = "examples/hosting-server";

#[test]
fn hosting_server_bindings_table_marks_expired_and_expiring_certificates() {
    // A 100-column terminal: the widest free-text column is shortened to fit.
    let output = sslbind_env(&["bindings", HOSTING, "--now", "2026-06-01"], &[("COLUMNS", "100")]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stdout.lines().all(|line| line.chars().count() <= 100), "{}", output.stdout);
    assert!(output.stdout.contains("(expired 2026-03-01)"), "{}", output.stdout);
    assert!(output.stdout.contains("(expires in 19 days)"), "{}", output.stdout);
    insta::assert_snapshot!(output.transcript());
    let rfc3339 = sslbind_env(&["bindings", HOSTING, "--now", "2026-06-01T00:00:00Z"], &[("COLUMNS", "100")]);
    assert_eq!(rfc3339.stdout, output.stdout, "a date is midnight UTC");
}

#[test]
fn hosting_server_mappings_table_marks_expired_and_expiring_certificates() {
    // A 100-column terminal: the widest free-text column is shortened to fit.
    let output = sslbind_env(&["mappings", HOSTING, "--now", "2026-06-01"], &[("COLUMNS", "100")]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stdout.lines().all(|line| line.chars().count() <= 100), "{}", output.stdout);
    insta::assert_snapshot!(output.transcript());
}

/// `field` of the JSON entry whose `name_field` is `name`.
fn entry_field(
    json: &serde_json::Value,
    list: &str,
    name_field: &str,
    name: &str,
    field: &str,
) -> serde_json::Value {
    json[list]
        .as_array()
        .expect("a list")
        .iter()
        .find(|entry| entry[name_field] == name)
        .unwrap_or_else(|| panic!("{name} is listed"))[field]
        .clone()
}

fn listing_json(args: &[&str]) -> serde_json::Value {
    let output = sslbind(args);
    assert_eq!(output.code, 2, "only the invalid binding fails: {}", output.transcript());
    serde_json::from_str(&output.stdout).unwrap_or_else(|error| panic!("{error}\n{}", output.transcript()))
}

#[test]
fn certificate_status_is_in_the_json_of_both_listings() {
    let bindings = listing_json(&["bindings", HOSTING, "--now", "2026-06-01", "--format", "json"]);
    let status = |binding: &str| entry_field(&bindings, "bindings", "binding", binding, "certificate_status");
    assert_eq!(status("*:443:shop.contoso.com"), "expired");
    assert_eq!(status("*:8443:api.contoso.com"), "expiring");
    assert_eq!(status("10.0.0.5:443:"), "valid");
    assert_eq!(status("*:80:shop.contoso.com"), serde_json::Value::Null, "http: no certificate");

    let mappings = listing_json(&["mappings", HOSTING, "--now", "2026-06-01", "--format", "json"]);
    let status = |key: &str| entry_field(&mappings, "mappings", "key", key, "certificate_status");
    assert_eq!(status("shop.contoso.com:443"), "expired");
    assert_eq!(status("0.0.0.0:8443"), "expiring");
    assert_eq!(status("old.contoso.com:443"), serde_json::Value::Null, "its certificate was not given");

    // The near misses: a shorter window, and a day when all were valid.
    let narrow = listing_json(&[
        "mappings",
        HOSTING,
        "--now",
        "2026-06-01",
        "--expiry-days",
        "10",
        "--format",
        "json",
    ]);
    assert_eq!(entry_field(&narrow, "mappings", "key", "0.0.0.0:8443", "certificate_status"), "valid");
    let before = listing_json(&["bindings", HOSTING, "--now", "2026-01-01", "--format", "json"]);
    assert_eq!(
        entry_field(&before, "bindings", "binding", "*:443:shop.contoso.com", "certificate_status"),
        "valid"
    );
    assert_eq!(
        entry_field(&before, "bindings", "binding", "*:443:shop.contoso.com", "certificate")["not_after"],
        "2026-03-01T00:00:00Z"
    );
}

#[test]
fn the_summaries_count_lapsed_certificates_only_when_there_are_some() {
    let summary = |args: &[&str]| {
        let output = sslbind(args);
        output
            .stdout
            .split("\n\n")
            .last()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        summary(&["bindings", HOSTING, "--now", "2026-06-01"]),
        "20 bindings in 15 sites; 16 https: 13 served (2 expiring within 30 days), 3 with an expired \
         certificate, 0 without a mapping"
    );
    assert_eq!(
        summary(&["bindings", HOSTING, "--now", "2026-06-01", "--expiry-days", "10"]),
        "20 bindings in 15 sites; 16 https: 13 served, 3 with an expired certificate, 0 without a mapping"
    );
    assert_eq!(
        summary(&["bindings", HOSTING, "--now", "2026-01-01"]),
        "20 bindings in 15 sites; 16 https: 16 served, 0 without a mapping"
    );
    assert_eq!(
        summary(&["bindings", HOSTING, "--now", "2025-02-01"]),
        "20 bindings in 15 sites; 16 https: 11 served, 5 with a certificate not yet valid, 0 without a mapping"
    );
    assert_eq!(
        summary(&["mappings", HOSTING, "--now", "2026-06-01"]),
        "11 mappings: 1 foreign, 2 idle, 8 in-use; 2 with an expired certificate, 1 expiring within 30 days"
    );
    assert_eq!(
        summary(&["mappings", HOSTING, "--now", "2026-01-01"]),
        "11 mappings: 1 foreign, 2 idle, 8 in-use"
    );
    let bad = sslbind(&["mappings", HOSTING, "--now", "soon"]);
    assert_eq!(bad.code, 2, "{}", bad.transcript());
    assert!(bad.stderr.contains("invalid value 'soon' for '--now <TIME>': expected"), "{}", bad.stderr);
}

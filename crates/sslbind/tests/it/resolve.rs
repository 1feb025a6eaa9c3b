//! `sslbind resolve URL` as users run it: the example machine served over SNI and without
//! it, a specific-IP mapping that hides an SNI mapping, a reset, a 404, the exit codes, and
//! the table people read.

use std::path::Path;

use serde_json::{Value, json};

use crate::util::{sslbind, sslbind_json};

const EXAMPLE: &str = "examples/iis-express-dev";
const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";

/// A machine folder with an applicationHost.config of `bindings` (site, bindingInformation,
/// sslFlags; all https) and a netsh output of `mappings` (netsh label, key).
fn machine(folder: &Path, bindings: &[(&str, &str, u32)], mappings: &[(&str, &str)]) {
    let mut xml = String::from("<configuration>\n<system.applicationHost>\n<sites>\n");
    let mut sites: Vec<&str> = Vec::new();
    for (site, ..) in bindings {
        if !sites.contains(site) {
            sites.push(site);
        }
    }
    for (id, site) in sites.iter().enumerate() {
        xml.push_str(&format!("<site name=\"{site}\" id=\"{}\">\n<bindings>\n", id + 1));
        for (_, information, flags) in bindings.iter().filter(|(name, ..)| name == site) {
            xml.push_str(&format!(
                "<binding protocol=\"https\" bindingInformation=\"{information}\" sslFlags=\"{flags}\" />\n"
            ));
        }
        xml.push_str("</bindings>\n</site>\n");
    }
    xml.push_str("</sites>\n</system.applicationHost>\n</configuration>\n");
    std::fs::write(folder.join("applicationHost.config"), xml).expect("a config");

    let mut netsh = String::from("\nSSL Certificate bindings:\n-------------------------\n\n");
    for (position, (label, key)) in mappings.iter().enumerate() {
        let lines = [
            (*label, (*key).to_owned()),
            ("Certificate Hash", format!("{:040x}", position + 1)),
            ("Application ID", IIS.to_owned()),
            ("Certificate Store Name", "MY".to_owned()),
            ("Verify Client Certificate Revocation", "Enabled".to_owned()),
            ("Usage Check", "Enabled".to_owned()),
            ("Ctl Identifier", "(null)".to_owned()),
            ("Ctl Store Name", "(null)".to_owned()),
            ("DS Mapper Usage", "Disabled".to_owned()),
            ("Negotiate Client Certificate", "Disabled".to_owned()),
        ];
        for (label, value) in lines {
            netsh.push_str(&format!("    {label:<28} : {value}\n"));
        }
        netsh.push('\n');
    }
    std::fs::write(folder.join("sslcert.txt"), netsh).expect("a netsh output");
}

fn path(folder: &tempfile::TempDir) -> &str {
    folder.path().to_str().expect("a UTF-8 path")
}

/// The `tried` keys of the steps.
fn tried(json: &Value) -> Vec<String> {
    json["steps"]
        .as_array()
        .expect("a steps array")
        .iter()
        .map(|step| step["tried"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Runs a resolve that must end with `code` and returns its JSON.
fn resolve_json(args: &[&str], code: i32) -> Value {
    let output = sslbind(args);
    assert_eq!(output.code, code, "{}", output.transcript());
    serde_json::from_str(&output.stdout).unwrap_or_else(|error| panic!("{error}\n{}", output.transcript()))
}

#[test]
fn the_example_sni_binding_is_served_by_its_sni_mapping() {
    let json = sslbind_json(&["resolve", "https://lextudio.com:4431/", EXAMPLE, "--format", "json"]);
    assert_eq!(json["mapping"], json!({"kind": "sni", "key": "lextudio.com:4431"}));
    assert_eq!(json["site"], json!({"name": "php", "binding": "*:4431:lextudio.com"}));
    assert_eq!(json["verdict"], "served");
    assert_eq!(json["certificate_covers_host"], true);
    assert_eq!(json["certificate_hash"].as_str().map(str::len), Some(40));
    assert_eq!(
        json["steps"],
        json!([{"tried": "lextudio.com:4431", "kind": "sni", "found": true,
        "chosen": true, "note": null}])
    );
}

#[test]
fn the_example_table_shows_every_step_and_the_verdict() {
    let output = sslbind(&["resolve", "https://lextudio.com:4431/", EXAMPLE]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(output.stdout.lines().all(|line| line.chars().count() <= 100), "{}", output.stdout);
    insta::assert_snapshot!(output.transcript());
}

#[test]
fn a_specific_ip_mapping_is_tried_first_and_hides_the_sni_mapping() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    machine(
        folder.path(),
        &[("ip", "10.0.0.5:443:", 0), ("a", "*:443:a.example.com", 1)],
        &[("IP:port", "10.0.0.5:443"), ("Hostname:port", "a.example.com:443")],
    );
    let with_ip = sslbind_json(&[
        "resolve",
        "https://a.example.com/",
        path(&folder),
        "--ip",
        "10.0.0.5",
        "--format",
        "json",
    ]);
    assert_eq!(with_ip["mapping"], json!({"kind": "ip", "key": "10.0.0.5:443"}));
    assert_eq!(tried(&with_ip), ["10.0.0.5:443"], "the SNI key is never reached");
    assert_eq!(with_ip["certificate_covers_host"], Value::Null, "no certificate was given");
    assert_eq!(with_ip["site"], json!({"name": "a", "binding": "*:443:a.example.com"}));
    assert_eq!(with_ip["verdict"], "served");
    let uncertain = with_ip["uncertain"].to_string();
    assert!(uncertain.contains("docs/httpsys.md#selection-order"), "{uncertain}");

    let without_ip = sslbind_json(&["resolve", "https://a.example.com/", path(&folder), "--format", "json"]);
    assert_eq!(without_ip["mapping"], json!({"kind": "sni", "key": "a.example.com:443"}));
    assert_eq!(tried(&without_ip), ["a.example.com:443"]);

    // `--ip` takes IPv6 in brackets too; a bad address is an error (2).
    let v6 = resolve_json(
        &["resolve", "https://b.example.com/", path(&folder), "--ip", "[::1]", "--format", "json"],
        1,
    );
    assert_eq!(v6["verdict"], "reset");
    assert_eq!(v6["local_address"], "::1");
    let bad = sslbind(&["resolve", "https://a.example.com/", path(&folder), "--ip", "10.0.0"]);
    assert_eq!(bad.code, 2, "{}", bad.transcript());
    assert!(bad.stderr.contains("invalid value '10.0.0' for '--ip <LOCAL_ADDRESS>'"), "{}", bad.stderr);
}

#[test]
fn without_sni_the_example_falls_back_to_the_wildcard_ip_mapping() {
    let json =
        resolve_json(&["resolve", "https://lextudio.com:4431/", EXAMPLE, "--no-sni", "--format", "json"], 1);
    assert_eq!(json["mapping"], json!({"kind": "ip", "key": "0.0.0.0:4431"}));
    assert_eq!(tried(&json), ["0.0.0.0:4431"]);
    assert_eq!(json["sni"], Value::Null);
    assert_eq!(json["certificate_covers_host"], false, "the development certificate is for localhost");
    assert_eq!(json["verdict"], "wrong-certificate");

    let localhost =
        sslbind_json(&["resolve", "https://localhost:4431/", EXAMPLE, "--no-sni", "--format", "json"]);
    assert_eq!(localhost["mapping"], json!({"kind": "ip", "key": "0.0.0.0:4431"}));
    assert_eq!(localhost["site"], json!({"name": "php", "binding": "*:4431:localhost"}));
    assert_eq!(localhost["verdict"], "served");
}

#[test]
fn a_missing_mapping_is_a_reset_and_a_missing_binding_a_404() {
    let reset = resolve_json(&["resolve", "https://localhost:4432/", EXAMPLE, "--format", "json"], 1);
    assert_eq!(reset["verdict"], "reset");
    assert_eq!(reset["mapping"], Value::Null);
    assert_eq!(reset["certificate_hash"], Value::Null);
    assert_eq!(reset["certificate_covers_host"], Value::Null);
    assert_eq!(tried(&reset), ["localhost:4432", "localhost:4432", "4432", "0.0.0.0:4432"]);

    // IIS Express's reserved mapping answers the handshake, but no site listens on the port.
    let no_site = resolve_json(&["resolve", "https://localhost:44399/", EXAMPLE, "--format", "json"], 1);
    assert_eq!(no_site["verdict"], "no-site");
    assert_eq!(no_site["mapping"], json!({"kind": "ip", "key": "0.0.0.0:44399"}));
    assert_eq!(no_site["site"], Value::Null);
    assert_eq!(no_site["certificate_covers_host"], true);

    let table = sslbind(&["resolve", "https://localhost:44399/", EXAMPLE]);
    assert_eq!(table.code, 1, "{}", table.transcript());
    assert!(table.stdout.contains("no-site"), "{}", table.stdout);
    assert!(table.stdout.contains("404"), "{}", table.stdout);
}

#[test]
fn bad_urls_and_missing_sources_are_errors() {
    for (url, message) in [
        ("http://lextudio.com:4431/", "TLS"),
        ("lextudio.com", "not a URL"),
        ("https://lextudio.com:99999/", "port"),
    ] {
        let output = sslbind(&["resolve", url, EXAMPLE]);
        assert_eq!(output.code, 2, "{}", output.transcript());
        assert!(output.stderr.contains(message), "{url}: {}", output.stderr);
        assert!(output.stdout.is_empty(), "{}", output.transcript());
    }
    let output = sslbind(&["resolve", "https://lextudio.com/"]);
    assert_eq!(output.code, 2, "{}", output.transcript());

    let config = format!("{EXAMPLE}/applicationhost.config");
    let output = sslbind(&["resolve", "https://lextudio.com/", "--config", &config]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(output.stderr.contains("--sslcert"), "{}", output.stderr);

    let help = sslbind(&["resolve", "--help"]);
    assert_eq!(help.code, 0, "{}", help.transcript());
    for text in ["Examples:", "--no-sni", "--ip", "--ccs-folder", "Exit code 0 when", "1 otherwise"] {
        assert!(help.stdout.contains(text), "{text} in {}", help.stdout);
    }
}

/// The hosting server: shop.contoso.com's certificate is valid from 2025-03-01 to 2026-03-01,
/// and the api certificate on 0.0.0.0:8443 names api.contoso.com only.
const HOSTING: &str = "examples/hosting-server";

#[test]
fn an_expired_or_not_yet_valid_certificate_is_a_verdict_of_its_own() {
    let at = |now: &str, code: i32| {
        resolve_json(
            &["resolve", "https://shop.contoso.com/", HOSTING, "--now", now, "--format", "json"],
            code,
        )
    };
    let expired = at("2026-06-01", 1);
    assert_eq!(expired["verdict"], "certificate-expired");
    assert_eq!(expired["certificate_status"], "expired");
    assert_eq!(expired["site"], json!({"name": "shop", "binding": "*:443:shop.contoso.com"}));
    assert_eq!(expired["certificate_covers_host"], true);
    assert!(expired["explanation"].as_str().is_some_and(|text| text.contains("expired on 2026-03-01")));
    assert_eq!(at("2026-06-01T00:00:00Z", 1), expired, "a date is midnight UTC");
    assert_eq!(at("2026-06-01T02:00:00+02:00", 1), expired);

    let early = at("2025-02-28T23:59:59Z", 1);
    assert_eq!(early["verdict"], "certificate-not-yet-valid");
    assert_eq!(early["certificate_status"], "not-yet-valid");

    // The near misses: inside the validity, served and exit 0.
    for now in ["2025-03-01", "2026-03-01T00:00:00Z", "2025-12-01"] {
        let served = at(now, 0);
        assert_eq!(served["verdict"], "served", "{now}");
        assert_eq!(served["certificate_status"], "valid", "{now}");
    }
}

#[test]
fn a_wrong_certificate_comes_before_its_expiry() {
    let after_both = "2026-07-01";
    let admin = resolve_json(
        &["resolve", "https://admin.contoso.com:8443/", HOSTING, "--now", after_both, "--format", "json"],
        1,
    );
    assert_eq!(admin["verdict"], "wrong-certificate");
    assert_eq!(admin["certificate_status"], "expired");
    let api = resolve_json(
        &["resolve", "https://api.contoso.com:8443/", HOSTING, "--now", after_both, "--format", "json"],
        1,
    );
    assert_eq!(api["verdict"], "certificate-expired");
}

#[test]
fn the_table_shows_an_expired_certificate() {
    let output = sslbind(&["resolve", "https://shop.contoso.com/", HOSTING, "--now", "2026-06-01"]);
    assert_eq!(output.code, 1, "{}", output.transcript());
    assert!(output.stdout.lines().all(|line| line.chars().count() <= 100), "{}", output.stdout);
    insta::assert_snapshot!(output.transcript());
}

#[test]
fn a_bad_now_is_an_error_naming_both_forms() {
    for bad in
        ["yesterday", "2026-13-01", "2026-02-30", "2026-6-1", "2026-06-01 00:00", "2026-06-01T00:00:00", ""]
    {
        let output = sslbind(&["resolve", "https://shop.contoso.com/", HOSTING, "--now", bad]);
        assert_eq!(output.code, 2, "{}", output.transcript());
        assert!(
            output
                .stderr
                .contains(&format!("invalid value '{bad}' for '--now <TIME>': expected an RFC 3339 time")),
            "{}",
            output.transcript()
        );
        assert!(output.stdout.is_empty(), "{}", output.transcript());
    }
}

//! `sslbind usage` and `sslbind certificates` on the example machines: the tables and JSON
//! (snapshots, reviewed), a thumbprint pasted as Windows' certificate dialog copies it, a
//! certificate nothing uses (safe to delete), and a thumbprint the machine does not know.

use crate::util::{sslbind, sslbind_json};

const EXAMPLE: &str = "examples/iis-express-dev";
/// Has an invalid binding, so every listing of it exits with code 2.
const HOSTING: &str = "examples/hosting-server";

/// server.contoso.com's certificate, on `0.0.0.0:443` (seven bindings) and idle `0.0.0.0:9443`.
const SERVER: &str = "47CA06496C933C33133BF5872B28357DD44C7F9E";

fn hosting_json(args: &[&str]) -> serde_json::Value {
    let output = sslbind(args);
    assert_eq!(output.code, 2, "{}", output.transcript());
    serde_json::from_str(&output.stdout).unwrap_or_else(|error| panic!("{error}\n{}", output.transcript()))
}

#[test]
fn usage_table_names_every_consumer() {
    let output = sslbind(&["usage", SERVER, HOSTING]);
    insta::assert_snapshot!(output.transcript());
}

#[test]
fn usage_json_on_the_example_machine() {
    insta::assert_json_snapshot!(sslbind_json(&["usage", "93F1ADE0", EXAMPLE, "--format", "json"]));
}

#[test]
fn usage_table_folds_iis_express_reserved_mappings() {
    let output = sslbind(&["usage", "252EEFA24D3BD7268DB7CE54ABF6E57291DC9B2E", EXAMPLE]);
    insta::assert_snapshot!(output.transcript());
}

/// As the certificate dialog copies it: a leading U+200E, pairs separated by spaces, lower
/// case; every spelling finds the same certificate.
#[test]
fn usage_accepts_a_thumbprint_as_pasted() {
    for pasted in [
        "\u{200e}47 ca 06 49 6c 93 3c 33 13 3b f5 87 2b 28 35 7d d4 4c 7f 9e",
        "47ca06496c933c33133bf5872b28357dd44c7f9e",
        "\u{200e}47CA06496C933C33133BF5872B28357DD44C7F9E",
    ] {
        let value = hosting_json(&["usage", pasted, HOSTING, "--format", "json"]);
        assert_eq!(value["thumbprint"], SERVER, "{pasted:?}");
        assert_eq!(value["safe_to_delete"], false, "{pasted:?}");
        assert_eq!(value["bindings"].as_array().map(Vec::len), Some(7), "{pasted:?}");
    }
}

/// The renewal of shop.contoso.com's certificate is on the machine but nothing carries it
/// yet: safe to delete, no reason. The foreign WinRM mapping's certificate is not.
#[test]
fn usage_safe_to_delete_near_miss() {
    let value =
        hosting_json(&["usage", "9BB6032769ADD4AA1EBB91704B30142550430BC5", HOSTING, "--format", "json"]);
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["safe_to_delete"], true);
    assert_eq!(value["reasons"], serde_json::json!([]));
    assert_eq!(value["mappings"], serde_json::json!([]));
    let value = hosting_json(&["usage", "2FAE3C62", HOSTING, "--format", "json"]);
    assert_eq!(value["safe_to_delete"], false);
    assert_eq!(value["reasons"], serde_json::json!(["mapping 0.0.0.0:5986 is owned by WinRM"]));
}

#[test]
fn usage_refuses_a_thumbprint_the_machine_does_not_know() {
    let output = sslbind(&["usage", "00000000000000000000000000000000000000AA", EXAMPLE]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert_eq!(output.stdout, "");
    assert!(output.stderr.contains("no certificate of the machine has this thumbprint"), "{}", output.stderr);
    assert!(output.stderr.contains("93F1ADE0962CE66BF7EE6C76E16A97838E36800B"), "{}", output.stderr);
}

#[test]
fn certificates_table_sorted_by_end_of_validity() {
    let output = sslbind(&["certificates", HOSTING, "--now", "2026-06-01"]);
    insta::assert_snapshot!(output.transcript());
}

/// The three certificates of the hosting server that end within 30 days of 2026-06-01.
#[test]
fn certificates_json_expiring_on_the_hosting_server() {
    insta::assert_json_snapshot!(hosting_json(&[
        "certificates",
        HOSTING,
        "--now",
        "2026-06-01",
        "--expiring-within",
        "30",
        "--format",
        "json"
    ]));
}

#[test]
fn certificates_expiring_within_keeps_the_expired_and_the_soon_to_end() {
    let value = hosting_json(&[
        "certificates",
        HOSTING,
        "--now",
        "2026-06-01",
        "--expiring-within",
        "30",
        "--format",
        "json",
    ]);
    let listed: Vec<&str> = value["certificates"]
        .as_array()
        .expect("a certificates array")
        .iter()
        .filter_map(|certificate| certificate["common_name"].as_str())
        .collect();
    assert_eq!(listed, ["shop.contoso.com", "cdn.contoso.com", "api.contoso.com"]);
    // At 18 days, api.contoso.com (ending in 19) is the near miss that drops out.
    let value = hosting_json(&[
        "certificates",
        HOSTING,
        "--now",
        "2026-06-01",
        "--expiring-within",
        "18",
        "--format",
        "json",
    ]);
    assert_eq!(value["certificates"].as_array().map(Vec::len), Some(2));
}

//! The example machine in `examples/iis-express-dev` as users see it: these snapshots are the
//! README's quick start, reviewed line by line.

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

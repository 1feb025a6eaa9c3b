//! `sslbind doctor --summary` on the example hosting server: the table people read, and the
//! JSON, whose counts must add up to the findings `doctor --format json` lists, with the
//! same exit code as without `--summary` for every `--fail-on`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::util::sslbind;

const NOW: &str = "--now=2026-06-01T00:00:00Z";
const MACHINE: &str = "examples/hosting-server";

#[test]
fn the_summary_table_of_the_hosting_server() {
    let output = sslbind(&["doctor", MACHINE, NOW, "--summary"]);
    assert_eq!(output.code, 1, "{}", output.transcript());
    insta::assert_snapshot!(output.transcript());
}

#[test]
fn the_summary_json_counts_the_findings() {
    let full = sslbind(&["doctor", MACHINE, NOW, "--format", "json"]);
    let summary = sslbind(&["doctor", MACHINE, NOW, "--format", "json", "--summary"]);
    assert_eq!(summary.code, full.code, "{}", summary.transcript());
    let full: Value = serde_json::from_str(&full.stdout).expect("JSON");
    let summary: Value = serde_json::from_str(&summary.stdout).expect("JSON");
    assert_eq!(summary["schema_version"], 1);
    assert_eq!(summary["summary"], full["summary"], "the same totals");

    let findings = full["findings"].as_array().expect("findings");
    let mut by_code: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut by_site: BTreeMap<Option<String>, [u64; 3]> = BTreeMap::new();
    for finding in findings {
        let severity = finding["severity"].as_str().expect("a severity").to_owned();
        *by_code
            .entry((finding["code"].as_str().expect("a code").to_owned(), severity.clone()))
            .or_default() += 1;
        let counts = by_site.entry(finding["site"].as_str().map(str::to_owned)).or_default();
        counts[["error", "warning", "info"].iter().position(|name| *name == severity).expect("known")] += 1;
    }
    let summary_by_code: BTreeMap<(String, String), u64> = summary["by_code"]
        .as_array()
        .expect("by_code")
        .iter()
        .map(|row| {
            let key = (
                row["code"].as_str().expect("code").to_owned(),
                row["severity"].as_str().expect("severity").to_owned(),
            );
            (key, row["count"].as_u64().expect("count"))
        })
        .collect();
    assert_eq!(summary_by_code, by_code);
    let sites = summary["by_site"].as_array().expect("by_site");
    let summary_by_site: BTreeMap<Option<String>, [u64; 3]> = sites
        .iter()
        .map(|row| {
            let count = |name: &str| row[name].as_u64().expect("a count");
            (row["site"].as_str().map(str::to_owned), [count("errors"), count("warnings"), count("infos")])
        })
        .collect();
    assert_eq!(summary_by_site, by_site);
    assert_eq!(sites.len(), by_site.len(), "one row per site");
    // Worst first, the findings about no site last.
    let order: Vec<(u64, u64, u64)> = sites
        .iter()
        .filter(|row| !row["site"].is_null())
        .map(|row| {
            (
                row["errors"].as_u64().unwrap_or(0),
                row["warnings"].as_u64().unwrap_or(0),
                row["infos"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(order.windows(2).all(|pair| pair[0] >= pair[1]), "{order:?}");
    assert!(sites.last().is_some_and(|row| row["site"].is_null()));
}

#[test]
fn the_summary_keeps_the_exit_code_of_every_fail_on() {
    for fail_on in ["error", "warning", "info", "never"] {
        for format in ["table", "json"] {
            let full = sslbind(&["doctor", MACHINE, NOW, "--fail-on", fail_on, "--format", format]);
            let summary =
                sslbind(&["doctor", MACHINE, NOW, "--fail-on", fail_on, "--format", format, "--summary"]);
            assert_eq!(summary.code, full.code, "--fail-on {fail_on} --format {format}");
        }
    }
    let never = sslbind(&["doctor", MACHINE, NOW, "--fail-on", "never", "--summary"]);
    assert_eq!(never.code, 0, "{}", never.transcript());
}

#[test]
fn the_summary_is_refused_with_sarif_and_fix() {
    for args in [&["--format", "sarif"][..], &["--fix"][..], &["--unsafe-fixes"][..]] {
        let output = sslbind(&[&["doctor", MACHINE, NOW, "--summary"][..], args].concat());
        assert_eq!(output.code, 2, "{args:?}: {}", output.transcript());
        assert!(output.stdout.is_empty(), "{args:?}: {}", output.transcript());
    }
}

//! `sslbind doctor` and `sslbind explain` as users run them: the example machines, exit
//! codes, severity controls, the three output formats, and the shared corpus.

use std::path::Path;

use serde_json::Value;

use crate::util::{sslbind, workspace_root};

const NOW: &str = "--now=2026-06-01T00:00:00Z";

fn codes_of(json: &Value) -> Vec<(String, String)> {
    json["findings"]
        .as_array()
        .expect("a findings array")
        .iter()
        .map(|finding| {
            (
                finding["code"].as_str().unwrap_or_default().to_owned(),
                finding["binding"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_example_machine_is_clean() {
    let output = sslbind(&["doctor", "examples/iis-express-dev", NOW]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    insta::assert_snapshot!(output.transcript());
}

/// Copies the example machine without the `lextudio.com:4431` record of its netsh output.
pub(crate) fn example_without_sni_mapping(folder: &Path) {
    let example = workspace_root().join("examples/iis-express-dev");
    std::fs::create_dir_all(folder.join("certs")).expect("a folder");
    for file in ["applicationhost.config", "certs/iis-express-development.cer", "certs/lextudio.com.cer"] {
        std::fs::copy(example.join(file), folder.join(file)).expect("the example's files copy");
    }
    let netsh = std::fs::read_to_string(example.join("sslcert.txt")).expect("the example's netsh output");
    let records: Vec<&str> =
        netsh.split("\r\n\r\n").filter(|record| !record.contains("lextudio.com:4431")).collect();
    assert!(records.len() < netsh.split("\r\n\r\n").count(), "the SNI record was removed");
    std::fs::write(folder.join("sslcert.txt"), records.join("\r\n\r\n")).expect("a netsh file");
}

#[test]
fn removing_the_sni_mapping_gives_missing_mapping_and_a_name_mismatch() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    example_without_sni_mapping(folder.path());
    let path = folder.path().to_str().expect("a UTF-8 path");
    let output = sslbind(&["doctor", path, NOW, "--format", "json"]);
    assert_eq!(output.code, 1, "{}", output.transcript());
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let codes = codes_of(&json);
    for code in ["missing-mapping", "certificate-name-mismatch"] {
        assert!(codes.contains(&(code.to_owned(), "*:4431:lextudio.com".to_owned())), "{code} in {codes:?}");
    }
    let missing = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|finding| finding["code"] == "missing-mapping")
        .expect("missing-mapping");
    assert_eq!(missing["site"], "php");
    assert_eq!(missing["mapping"], "lextudio.com:4431");
    let fix = missing["fix"].as_str().expect("a fix");
    assert!(fix.starts_with("netsh http add sslcert hostnameport=lextudio.com:4431 certhash="), "{fix}");
    assert!(fix.ends_with("appid=\"{214124cd-d05b-4309-9af9-9caa44b2b74a}\" certstorename=MY"), "{fix}");
}

#[test]
fn the_hosting_server_table_shows_every_finding_grouped_by_site() {
    let output =
        sslbind(&["doctor", "examples/hosting-server", NOW, "--ccs-folder", "examples/hosting-server/certs"]);
    assert_eq!(output.code, 1, "{}", output.transcript());
    insta::assert_snapshot!(output.transcript());
}

#[test]
fn the_hosting_server_has_more_than_thirty_findings_in_json() {
    let output = sslbind(&[
        "doctor",
        "examples/hosting-server",
        NOW,
        "--format",
        "json",
        "--ccs-folder",
        "examples/hosting-server/certs",
    ]);
    assert_eq!(output.code, 1, "{}", output.transcript());
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let findings = json["findings"].as_array().expect("findings");
    assert!(findings.len() >= 30, "{} findings", findings.len());
    for finding in findings {
        for field in ["code", "severity", "message", "site", "binding", "mapping", "certificate_hash", "fix"]
        {
            assert!(finding.get(field).is_some(), "{field} missing in {finding}");
        }
    }
}

#[test]
fn sarif_has_one_rule_per_code_and_located_results() {
    let output = sslbind(&["doctor", "examples/hosting-server", NOW, "--format", "sarif"]);
    assert_eq!(output.code, 1, "{}", output.transcript());
    let sarif: Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let list = sslbind(&["explain"]);
    assert_eq!(rules.len(), list.stdout.lines().filter(|line| !line.starts_with(' ')).count());
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("a rule index") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().expect("a level")));
        assert!(result["message"]["text"].as_str().is_some_and(|text| !text.is_empty()));
        if let Some(location) = result["locations"].as_array().and_then(|locations| locations.first()) {
            let physical = &location["physicalLocation"];
            assert!(physical["artifactLocation"]["uri"].as_str().is_some_and(|uri| !uri.contains('\\')));
            assert!(physical["region"]["startLine"].as_u64().is_some_and(|line| line >= 1));
        }
    }
    assert!(
        results
            .iter()
            .any(|result| result["locations"].as_array().is_some_and(|locations| !locations.is_empty()))
    );
}

#[test]
fn fail_on_allow_and_severity_change_the_exit_code() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    example_without_sni_mapping(folder.path());
    let path = folder.path().to_str().expect("a UTF-8 path");
    assert_eq!(sslbind(&["doctor", path, NOW, "--fail-on", "never"]).code, 0);
    let allowed =
        sslbind(&["doctor", path, NOW, "--allow", "missing-mapping", "--allow", "certificate-name-mismatch"]);
    assert_eq!(allowed.code, 0, "{}", allowed.transcript());
    let lowered = sslbind(&[
        "doctor",
        path,
        NOW,
        "--severity",
        "missing-mapping=warning",
        "--severity",
        "certificate-name-mismatch=info",
        "--format",
        "json",
    ]);
    assert_eq!(lowered.code, 0, "{}", lowered.transcript());
    let json: Value = serde_json::from_str(&lowered.stdout).expect("JSON");
    assert!(
        json["findings"].as_array().expect("findings").iter().all(|finding| finding["severity"] != "error")
    );
    assert_eq!(
        sslbind(&["doctor", path, NOW, "--severity", "missing-mapping=warning", "--fail-on", "warning"]).code,
        1
    );
    let unknown = sslbind(&["doctor", path, "--allow", "no-such-code"]);
    assert_eq!(unknown.code, 2, "{}", unknown.transcript());
    assert!(unknown.stderr.contains("no-such-code"));
    let bad_now = sslbind(&["doctor", path, "--now", "yesterday"]);
    assert_eq!(bad_now.code, 2, "{}", bad_now.transcript());
}

#[test]
fn explain_lists_every_code_and_explains_one() {
    let list = sslbind(&["explain"]);
    assert_eq!(list.code, 0, "{}", list.transcript());
    insta::assert_snapshot!(list.stdout);
    assert!(list.stdout.lines().all(|line| line.chars().count() <= 100), "{}", list.stdout);
    let one = sslbind(&["explain", "missing-mapping"]);
    assert_eq!(one.code, 0);
    assert!(one.stdout.starts_with("missing-mapping (error by default)"), "{}", one.stdout);
    assert!(one.stdout.lines().all(|line| line.chars().count() <= 100));
    let repair: String =
        one.stdout.split("\n\n").last().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(repair.starts_with("Repair (safe, `sslbind doctor --fix`): adds the mapping"), "{}", one.stdout);
    let manual = sslbind(&["explain", "foreign-mapping-in-use"]);
    assert!(
        manual.stdout.contains("Repair (manual, `sslbind doctor --fix`): sslbind never changes"),
        "{}",
        manual.stdout
    );
    let unknown = sslbind(&["explain", "missing-mappings"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("did you mean `missing-mapping`?"), "{}", unknown.stderr);
}

#[cfg(feature = "corpus")]
#[test]
fn corpus_configs_run_through_doctor_without_https_findings_on_other_protocols() {
    let corpus = crate::shared_corpus::corpus();
    let folder = tempfile::tempdir().expect("a temporary folder");
    let netsh = folder.path().join("sslcert.txt");
    let mut text = String::from("SSL Certificate bindings:\n-------------------------\n\n");
    for port in 44300..=44399 {
        text.push_str(&format!(
            "    IP:port                      : 0.0.0.0:{port}\n    Certificate Hash             : 61d34f532da121bbab64723c4871e72c92f03735\n    Application ID               : {{214124cd-d05b-4309-9af9-9caa44b2b74a}}\n    Certificate Store Name       : MY\n\n"
        ));
    }
    std::fs::write(&netsh, text).expect("a netsh file");
    let mut configs: Vec<_> = std::fs::read_dir(Path::new(&corpus).join("appconfig"))
        .expect("the corpus")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    configs.sort();
    for config in &configs {
        let path = config.to_str().expect("a UTF-8 path");
        let output = sslbind(&[
            "doctor",
            "--config",
            path,
            "--sslcert",
            netsh.to_str().expect("UTF-8"),
            NOW,
            "--format",
            "json",
        ]);
        assert!(
            output.code == 0
                || output.code == 1
                || (output.code == 2 && output.stderr.contains("malformed XML")),
            "{path}\n{}",
            output.transcript()
        );
        if output.code == 2 {
            continue;
        }
        let findings: Value = serde_json::from_str(&output.stdout).expect("JSON");
        let bindings = crate::util::sslbind_json(&["bindings", "--config", path, "--format", "json"]);
        let not_http: Vec<(&str, &str)> = bindings["bindings"]
            .as_array()
            .expect("bindings")
            .iter()
            .filter(|binding| {
                !["http", "https"]
                    .contains(&binding["protocol"].as_str().unwrap_or_default().to_ascii_lowercase().as_str())
            })
            .map(|binding| {
                (
                    binding["site"].as_str().unwrap_or_default(),
                    binding["binding"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        for finding in findings["findings"].as_array().expect("findings") {
            let code = finding["code"].as_str().unwrap_or_default();
            assert_ne!(code, "idle-mapping", "{path}: the IIS Express reserved range is not idle: {finding}");
            if code == "duplicate-binding" {
                continue;
            }
            let site_binding = (
                finding["site"].as_str().unwrap_or_default(),
                finding["binding"].as_str().unwrap_or_default(),
            );
            let https_twin = bindings["bindings"].as_array().expect("bindings").iter().any(|binding| {
                binding["site"] == site_binding.0
                    && binding["binding"] == site_binding.1
                    && binding["protocol"] == "https"
            });
            assert!(https_twin || !not_http.contains(&site_binding), "{path}: {finding}");
        }
    }
    assert!(!configs.is_empty(), "no configs in the corpus");
    println!("corpus: read {} configs through doctor", configs.len());
}

/// `--now` takes a plain date as midnight UTC, the same as its RFC 3339 spelling; a day later
/// is another report.
#[test]
fn now_as_a_date_is_midnight_utc() {
    let run = |now: &str| sslbind(&["doctor", "examples/hosting-server", now, "--format", "json"]);
    let date = run("--now=2026-06-01");
    assert_eq!(date.code, 1, "{}", date.transcript());
    assert_eq!(date.stdout, run(NOW).stdout);
    assert_ne!(date.stdout, run("--now=2026-06-02").stdout, "api.contoso.com's days left change");
}

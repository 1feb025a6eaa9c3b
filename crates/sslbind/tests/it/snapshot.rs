//! Snapshots and diff as users run them: a snapshot gives the same analysis as its sources,
//! validates against `docs/snapshot.schema.json`, holds no secrets, and `diff` reports
//! exactly what differs between nodes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{sslbind, workspace_root};

const NOW: &str = "--now=2026-06-01T00:00:00Z";

/// Writes a snapshot of `sources` into `folder` and returns its path.
fn snapshot(folder: &Path, name: &str, sources: &[&str]) -> PathBuf {
    let path = folder.join(format!("{name}.snapshot.json"));
    let output_path = path.to_str().expect("a UTF-8 path").to_owned();
    let mut args = vec!["snapshot", "-o", output_path.as_str()];
    args.extend_from_slice(sources);
    let output = sslbind(&args);
    assert_eq!(output.code, 0, "{}", output.transcript());
    path
}

/// The JSON of every reading command for `sources`, for comparing two ways of giving a machine.
fn analysis(sources: &[&str]) -> Vec<Value> {
    let run = |command: &[&str]| {
        let mut args: Vec<&str> = command.to_vec();
        args.extend_from_slice(sources);
        let output = sslbind(&args);
        assert!(output.code == 0 || output.code == 1 || output.code == 2, "{}", output.transcript());
        serde_json::from_str::<Value>(&output.stdout).unwrap_or_else(|_| Value::String(output.stderr.clone()))
    };
    vec![
        run(&["bindings", "--format", "json"]),
        run(&["mappings", "--format", "json"]),
        run(&["doctor", "--format", "json", NOW]),
    ]
}

fn schema_validator() -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(workspace_root().join("docs/snapshot.schema.json")).expect("the schema");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn assert_valid(path: &Path) {
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("a snapshot")).expect("JSON");
    let validator = schema_validator();
    let errors: Vec<String> = validator
        .iter_errors(&snapshot)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
}

#[test]
fn example_snapshots_give_the_same_analysis_validate_and_hold_no_secrets() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    for example in ["examples/iis-express-dev", "examples/hosting-server"] {
        let path = snapshot(folder.path(), "example", &[example]);
        assert_valid(&path);
        let snapshot_path = path.to_str().expect("a UTF-8 path");
        assert_eq!(analysis(&[snapshot_path]), analysis(&[example]), "{example}");
        assert_eq!(analysis(&["--snapshot", snapshot_path]), analysis(&[example]), "{example}");
        let text = std::fs::read_to_string(&path).expect("the snapshot");
        assert!(!text.contains("PRIVATE KEY") && !text.to_lowercase().contains("\"password\""), "{example}");
    }
}

#[cfg(feature = "corpus")]
#[test]
fn corpus_snapshots_give_the_same_analysis() {
    let corpus = crate::shared_corpus::corpus();
    let folder = tempfile::tempdir().expect("a temporary folder");
    let mut n_sources = 0;
    for (subfolder, option) in [("appconfig", "--config"), ("netsh", "--sslcert")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join(subfolder))
            .expect("the corpus")
            .map(|entry| entry.expect("an entry").path())
            .collect();
        files.sort();
        for file in files {
            let path = file.to_str().expect("a UTF-8 path");
            let sources = [option, path];
            let probe = sslbind(&[
                "snapshot",
                "-o",
                folder.path().join("probe.json").to_str().expect("UTF-8"),
                option,
                path,
            ]);
            if probe.code == 2 {
                assert!(probe.stderr.contains(&format!("{path}:")), "{}", probe.transcript());
                continue;
            }
            let snapshot_path = snapshot(folder.path(), "fixture", &sources);
            assert_valid(&snapshot_path);
            assert_eq!(
                analysis(&["--snapshot", snapshot_path.to_str().expect("UTF-8")]),
                analysis(&sources),
                "{path}"
            );
            n_sources += 1;
        }
    }
    assert!(n_sources > 0, "no corpus file went through a snapshot");
    println!("corpus: read {n_sources} fixtures through snapshots");
}

#[test]
fn a_newer_schema_version_is_refused_with_a_clear_message() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = snapshot(folder.path(), "node", &["examples/iis-express-dev"]);
    let text = std::fs::read_to_string(&path)
        .expect("the snapshot")
        .replace("\"schema_version\": 1", "\"schema_version\": 99");
    std::fs::write(&path, text).expect("an edited snapshot");
    let output = sslbind(&["mappings", "--snapshot", path.to_str().expect("UTF-8")]);
    assert_eq!(output.code, 2, "{}", output.transcript());
    assert!(
        output.stderr.contains("schema version 99") && output.stderr.contains("upgrade"),
        "{}",
        output.stderr
    );
}

/// Two nodes of a farm that differ in one SNI mapping.
fn two_nodes(folder: &Path) -> (PathBuf, PathBuf) {
    let example = workspace_root().join("examples/iis-express-dev");
    let first = folder.join("node1");
    let second = folder.join("node2");
    for node in [&first, &second] {
        std::fs::create_dir_all(node.join("certs")).expect("a folder");
        for file in [
            "applicationhost.config",
            "sslcert.txt",
            "certs/iis-express-development.cer",
            "certs/lextudio.com.cer",
        ] {
            std::fs::copy(example.join(file), node.join(file)).expect("a copy");
        }
    }
    let netsh = std::fs::read_to_string(second.join("sslcert.txt")).expect("netsh output");
    let records: Vec<&str> =
        netsh.split("\r\n\r\n").filter(|record| !record.contains("lextudio.com:4431")).collect();
    std::fs::write(second.join("sslcert.txt"), records.join("\r\n\r\n")).expect("a netsh file");
    (first, second)
}

#[test]
fn diff_of_two_nodes_reports_exactly_the_missing_sni_mapping() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let (first, second) = two_nodes(folder.path());
    let (first, second) = (first.to_str().expect("UTF-8"), second.to_str().expect("UTF-8"));
    let output = sslbind(&["diff", first, second, "--format", "json"]);
    assert_eq!(output.code, 1, "{}", output.transcript());
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let differences = json["nodes"][0]["differences"].as_array().expect("differences");
    assert_eq!(differences.len(), 1, "{differences:#?}");
    assert_eq!(differences[0]["subject"], "mapping");
    assert_eq!(differences[0]["name"], "sni lextudio.com:4431");
    assert_eq!(differences[0]["change"], "only-in-first");

    let table = sslbind(&["diff", first, second]);
    assert_eq!(table.code, 1);
    assert!(table.stdout.contains("- mapping     sni lextudio.com:4431"), "{}", table.stdout);

    let same = sslbind(&["diff", first, first]);
    assert_eq!(same.code, 0, "{}", same.transcript());
}

#[test]
fn diff_compares_a_farm_against_its_first_node_and_mixes_snapshots_and_folders() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let (first, second) = two_nodes(folder.path());
    let snapshot_of_first = snapshot(folder.path(), "node1", &[first.to_str().expect("UTF-8")]);
    let json = sslbind(&[
        "diff",
        snapshot_of_first.to_str().expect("UTF-8"),
        first.to_str().expect("UTF-8"),
        second.to_str().expect("UTF-8"),
        "--format",
        "json",
    ]);
    assert_eq!(json.code, 1, "{}", json.transcript());
    let value: Value = serde_json::from_str(&json.stdout).expect("JSON");
    let counts: Vec<usize> = value["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|node| node["differences"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(counts, [0, 1]);
}

//! `sslbind doctor --fix` as users run it: the plan shown, written and emitted, its JSON, the
//! exit code judged on the machine as the plan leaves it, the options it refuses, and the
//! promise that the plan leaves exactly `after`, checked on generated hosting servers.

use serde_json::Value;
use sslbind::machine_writer::scale::{ScaleOptions, write_scale_machine};
use sslbind_core::analysis::analyze;
use sslbind_core::analysis::selection::UnknownCcsFolder;
use sslbind_core::doctor::{Context, Options, Overrides, Parallelism, Severity, diagnose, introduced};
use sslbind_core::plan::planned_machine;
use sslbind_core::repair::{RepairInput, repair};
use sslbind_core::text;
use sslbind_core::uncertain::SelectionAssumptions;

use crate::doctor::example_without_sni_mapping;
use crate::util::{sslbind, workspace_root};

const NOW: &str = "--now=2026-06-01T00:00:00Z";

#[test]
fn a_missing_sni_mapping_is_planned_with_the_certificate_that_covers_it() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    example_without_sni_mapping(folder.path());
    let path = folder.path().to_str().expect("a UTF-8 path");
    let output = sslbind(&["doctor", path, NOW, "--fix", "--format", "json"]);
    assert_eq!(output.code, 0, "nothing at --fail-on is left: {}", output.transcript());
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(json["outcome"], "shown");
    let operations = json["operations"].as_array().expect("operations");
    assert_eq!(operations.len(), 1, "{operations:?}");
    assert_eq!(operations[0]["op"], "add");
    assert_eq!(operations[0]["key"], "lextudio.com:4431");
    let fixes = json["fixes"].as_array().expect("fixes");
    let missing =
        fixes.iter().find(|fix| fix["code"] == "missing-mapping").expect("the missing mapping is fixed");
    assert_eq!(missing["applicability"], "safe");
    assert_eq!(missing["site"], "php");
    assert_eq!(missing["binding"], "*:4431:lextudio.com");
    assert_eq!(missing["mapping"], "lextudio.com:4431");
    let summary = missing["summary"].as_str().expect("a summary");
    assert!(summary.contains("CN=lextudio.com") && summary.contains("covers lextudio.com"), "{summary}");
    assert!(json["unfixed"].as_array().expect("unfixed").is_empty(), "{}", json["unfixed"]);
    assert!(json["after"]["findings"].as_array().expect("after").is_empty(), "{}", json["after"]);

    // Emitted, the same plan is a script on standard output and the table on standard error.
    let output = sslbind(&["doctor", path, NOW, "--fix", "--emit", "netsh"]);
    assert_eq!(output.code, 0, "{}", output.transcript());
    assert!(
        output.stdout.contains("netsh http add sslcert hostnameport=lextudio.com:4431 certhash="),
        "{}",
        output.stdout
    );
    assert!(output.stderr.contains("Fixes:"), "{}", output.stderr);
}

#[test]
fn the_hosting_server_repair_plan_as_people_read_it() {
    let output = sslbind(&["doctor", "examples/hosting-server", NOW, "--fix"]);
    assert_eq!(output.code, 1, "errors are left after the plan: {}", output.transcript());
    insta::assert_snapshot!(output.transcript());
}

#[test]
fn unsafe_fixes_add_the_unsafe_ones_and_say_why_each_is_unsafe() {
    let safe: Value = serde_json::from_str(
        &sslbind(&["doctor", "examples/hosting-server", NOW, "--fix", "--format", "json"]).stdout,
    )
    .expect("JSON");
    let all: Value = serde_json::from_str(
        &sslbind(&["doctor", "examples/hosting-server", NOW, "--unsafe-fixes", "--format", "json"]).stdout,
    )
    .expect("JSON");
    let applicabilities = |json: &Value| -> Vec<String> {
        json["fixes"].as_array().expect("fixes").iter().map(|fix| fix["applicability"].to_string()).collect()
    };
    assert!(applicabilities(&safe).iter().all(|value| value == "\"safe\""), "{:?}", applicabilities(&safe));
    let unsafe_fixes: Vec<&Value> = all["fixes"]
        .as_array()
        .expect("fixes")
        .iter()
        .filter(|fix| fix["applicability"] == "unsafe")
        .collect();
    assert!(!unsafe_fixes.is_empty());
    for fix in unsafe_fixes {
        assert!(fix["summary"].as_str().expect("a summary").contains("(unsafe: "), "{fix}");
    }
    for key in ["configs", "operations", "notes", "refusals", "written", "fixes", "unfixed", "after"] {
        assert!(all.get(key).is_some(), "{key} in {all}");
    }
    for unfixed in all["unfixed"].as_array().expect("unfixed") {
        assert!(!unfixed["reason"].as_str().expect("a reason").is_empty(), "{unfixed}");
    }
}

#[test]
fn written_the_configs_change_with_a_backup_and_doctor_then_finds_what_after_said() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let machine = folder.path().join("hosting-server");
    copy_folder(&workspace_root().join("examples/hosting-server"), &machine);
    let path = machine.to_str().expect("a UTF-8 path");
    let planned: Value =
        serde_json::from_str(&sslbind(&["doctor", path, NOW, "--fix", "--format", "json"]).stdout)
            .expect("JSON");
    let output = sslbind(&["doctor", path, NOW, "--fix", "--write", "--format", "json"]);
    assert_eq!(output.code, 1, "{}", output.transcript());
    let written: Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(written["outcome"], "written");
    let backups = written["written"].as_array().expect("written");
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(backups[0]["backup"].is_string(), "{backups:?}");
    // The configs are written; HTTP.sys (here, the netsh text) is not: doctor now finds the
    // config findings gone, and the mapping findings still there, as `after` would not say.
    let doctor: Value =
        serde_json::from_str(&sslbind(&["doctor", path, NOW, "--format", "json"]).stdout).expect("JSON");
    let codes: Vec<&str> =
        doctor["findings"].as_array().expect("findings").iter().filter_map(|f| f["code"].as_str()).collect();
    assert!(!codes.contains(&"duplicate-binding"), "{codes:?}");
    assert!(planned["after"]["findings"].as_array().expect("after").len() <= codes.len());
}

#[test]
fn options_that_only_make_sense_with_a_plan_are_refused_without_fix() {
    for args in [
        &["doctor", "examples/hosting-server", "--write"][..],
        &["doctor", "examples/hosting-server", "--emit", "netsh"][..],
        &["doctor", "examples/hosting-server", "--fix", "--format", "sarif"][..],
    ] {
        let output = sslbind(args);
        assert_eq!(output.code, 2, "{args:?}: {}", output.transcript());
        assert!(output.stdout.is_empty(), "{args:?}: {}", output.stdout);
    }
}

fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("a folder");
    for entry in std::fs::read_dir(from).expect("the folder reads") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("the file copies");
        }
    }
}

/// The repair's promise on generated hosting servers: applied to the model, the plan gives
/// exactly `after`; no fixed finding is in it; nothing of warning or error severity is new.
#[test]
fn on_generated_hosting_servers_the_plan_leaves_exactly_the_machine_after_describes() {
    for (sites, names) in [(40, 1), (60, 3)] {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let written =
            write_scale_machine(ScaleOptions { sites, names_per_certificate: names }, folder.path())
                .expect("the machine is written");
        let sources = sslbind_live::Sources {
            configs: vec![written.config.clone()],
            sslcert: Some(written.sslcert.clone()),
            certs: vec![written.certs.clone()],
            ..sslbind_live::Sources::default()
        };
        let loaded = sslbind_live::load_machine_with_files(&sources).expect("the machine reads");
        let texts: Vec<String> =
            loaded.config_files.iter().map(|file| text::decode(&file.bytes).text).collect();
        let options = Options {
            now: time::macros::datetime!(2026-06-01 00:00 UTC),
            expiry_days: 30,
            ccs_folder_known: false,
        };
        for unsafe_fixes in [false, true] {
            let input = RepairInput {
                machine: &loaded.machine,
                config_texts: &texts,
                ccs_files: &UnknownCcsFolder,
                options: &options,
                overrides: &Overrides::default(),
                unsafe_fixes,
                parallelism: Parallelism::Sequential,
            };
            let repaired = repair(&input).expect("the repair plans");
            assert!(!repaired.fixes.is_empty(), "{sites} sites: something to fix");
            let planned = planned_machine(&loaded.machine, &repaired.plan).expect("the configs read back");
            let analysis = analyze(&planned, &UnknownCcsFolder, &SelectionAssumptions::default());
            let context = Context {
                machine: &planned,
                analysis: &analysis,
                ccs_files: &UnknownCcsFolder,
                options: &options,
            };
            let after = diagnose(&context, &Overrides::default(), Parallelism::Sequential);
            assert_eq!(after, repaired.after, "{sites} sites, unsafe fixes: {unsafe_fixes}");
            for fix in &repaired.fixes {
                assert!(
                    !after.iter().any(|finding| finding.identity() == fix.finding.identity()),
                    "{}",
                    fix.summary
                );
                assert!(unsafe_fixes || fix.applicability.as_str() == "safe", "{}", fix.summary);
            }
            let brought: Vec<_> = introduced(&repaired.before, &after)
                .into_iter()
                .filter(|f| f.severity >= Severity::Warning)
                .collect();
            assert!(brought.is_empty(), "{brought:?}");
        }
    }
}

//! The plan JSON names every setting of a replaced mapping: the JSON rows of the settings table
//! (`sslbind_live::testing::settings`). A mapping with every setting away from its default is
//! saved as netsh text, a `.reg` export, an offline hive and a snapshot, `sslbind mapping
//! rebind` replaces it, and the operation's `parameters` must list the certificate hash and
//! every setting the source carries, by name and in netsh's order, with the values the `netsh`
//! command writes. A delete's `parameters` is `{}`.

use std::path::Path;

use serde_json::Value;
use sslbind_core::model::{MappingKey, Thumbprint};
use sslbind_live::testing::settings::{
    Source, every_setting, netsh_text, reg_export, settings, snapshot_text, system_hive,
};

use crate::util::{sslbind, sslbind_json};

const OLD: &str = "5226DC6C54559761CD471B86EB51C096252C90F2";
const NEW: &str = "07FD6136D6D998B3E5B87EE49EB4075652E79555";

#[test]
fn a_rebind_names_every_setting_of_the_mapping_from_each_source() {
    let old = Thumbprint::parse(OLD).expect("a thumbprint");
    let reference = every_setting(MappingKey::Sni { host: "shop.example.com".into(), port: 443 }, old);
    let folder = tempfile::tempdir().expect("a temporary folder");
    for source in [Source::NetshText, Source::RegExport, Source::Hive, Source::Snapshot] {
        let (file, option, bytes) = match source {
            Source::NetshText => ("sslcert.txt", "--sslcert", netsh_text(&reference).into_bytes()),
            Source::RegExport => ("http.reg", "--registry", reg_export(&reference).into_bytes()),
            Source::Hive => ("SYSTEM", "--registry", system_hive(&reference)),
            Source::Snapshot => {
                ("machine.snapshot.json", "--snapshot", snapshot_text(&reference).into_bytes())
            }
            Source::Live => unreachable!("not a file"),
        };
        let path = folder.path().join(file);
        std::fs::write(&path, bytes).expect("the source is written");
        check(source, option, &path);
    }
}

#[test]
fn a_delete_has_no_parameters() {
    let json = sslbind_json(&["mapping", "prune", "examples/hosting-server", "--format", "json"]);
    let operations = json["operations"].as_array().expect("operations");
    assert!(!operations.is_empty(), "{json}");
    for operation in operations {
        assert_eq!(operation["op"], "delete", "{operation}");
        assert_eq!(operation["parameters"], Value::Object(serde_json::Map::new()), "{operation}");
    }
}

fn check(source: Source, option: &str, path: &Path) {
    let path = path.to_str().expect("a UTF-8 path");
    let output =
        sslbind(&["mapping", "rebind", "--from", OLD, "--to", NEW, option, path, "--format", "json"]);
    assert_eq!(output.code, 0, "{source:?}: {}", output.transcript());
    let json: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let operations = json["operations"].as_array().expect("operations");
    assert_eq!(operations.len(), 1, "{source:?}: {json}");
    assert_eq!(operations[0]["op"], "replace", "{source:?}");
    let netsh = operations[0]["netsh"][0].as_str().expect("a netsh command");

    let parameters = parameters_in_order(&output.stdout);
    let names: Vec<&str> = parameters.iter().map(|(name, _)| name.as_str()).collect();
    let table = settings();
    let carried: Vec<_> = table.iter().filter(|setting| setting.carried_by(source)).collect();
    let wanted: Vec<&str> =
        std::iter::once("certhash").chain(carried.iter().map(|setting| setting.name.as_str())).collect();
    assert_eq!(names, wanted, "{source:?}: the parameters, in order");
    assert_eq!(parameters[0].1, NEW.to_ascii_lowercase(), "{source:?}");
    for (name, value) in &parameters {
        let netsh_has =
            name == "certhash" || carried.iter().any(|setting| setting.name == *name && setting.netsh);
        let written = netsh.split(' ').find_map(|word| word.strip_prefix(&format!("{name}=")));
        match written {
            Some(written) => {
                assert!(netsh_has, "{source:?}: netsh has no {name}, yet {netsh}");
                assert_eq!(written.trim_matches('"'), value, "{source:?}: {name}");
            }
            None => assert!(!netsh_has, "{source:?}: {name} missing from {netsh}"),
        }
    }
}

/// The `parameters` of the first operation in pretty-printed plan JSON, in the order written
/// (parsing into a `Value` would sort the keys).
fn parameters_in_order(stdout: &str) -> Vec<(String, String)> {
    let mut lines = stdout.lines().skip_while(|line| line.trim() != "\"parameters\": {").skip(1);
    let mut parameters = Vec::new();
    for line in lines.by_ref() {
        let entry = line.trim().trim_end_matches(',');
        if entry == "}" {
            return parameters;
        }
        let object: serde_json::Map<String, Value> =
            serde_json::from_str(&format!("{{{entry}}}")).unwrap_or_else(|error| panic!("{error}: {line}"));
        for (name, value) in object {
            parameters.push((name, value.as_str().expect("a string value").to_owned()));
        }
    }
    panic!("no parameters object in {stdout}")
}

//! The fuzz targets' checks (`sslbind_core::fuzzing`) on stable: every input under
//! `fuzz/regressions/<target>/` (each one once made a target fail; see `fuzz/README.md`),
//! then the inputs the fuzzers start from, which are real files: the example machines, and
//! in the `corpus` suite the shared corpus.

// The corpus tests and their helpers are compiled only in the `corpus` suite.
#![cfg_attr(not(feature = "corpus"), allow(dead_code, unused_imports, unused_mut))]

use std::path::{Path, PathBuf};

use sslbind_core::fuzzing as checks;

/// What a target asserts about one input.
type Check = fn(&[u8]);

/// The targets by name, as `fuzz/fuzz_targets/` names them.
const TARGETS: [(&str, Check); 7] = [
    ("binding_information", checks::binding_information),
    ("config", checks::config),
    ("netsh", checks::netsh),
    ("reg", checks::reg),
    ("hive", checks::hive),
    ("certificate", checks::certificate),
    ("snapshot", checks::snapshot),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files directly in `folder`, sorted; none when it does not exist.
fn files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| entries.filter_map(|entry| entry.ok().map(|entry| entry.path())).collect())
        .unwrap_or_default();
    files.retain(|path| path.is_file());
    files.sort();
    files
}

fn replay(target: &str, check: Check, inputs: &[PathBuf]) {
    for input in inputs {
        let bytes = std::fs::read(input).expect("the input is read");
        // A failing check panics; the input's name says which one to look at.
        println!("{target}: {}", input.display());
        check(&bytes);
    }
}

#[test]
fn fuzz_regressions_replay() {
    let mut replayed = 0;
    let regressions = root().join("fuzz/regressions");
    for (target, check) in TARGETS {
        let folder = regressions.join(target);
        let inputs = files(&folder);
        // A target with a regression folder has at least one input in it: an emptied folder
        // must not pass as "replayed".
        assert!(!folder.exists() || !inputs.is_empty(), "{} holds no inputs", folder.display());
        replay(target, check, &inputs);
        replayed += inputs.len();
    }
    // Every folder names a target: a misspelt one would never be replayed.
    for entry in std::fs::read_dir(&regressions).expect("fuzz/regressions is listed") {
        let name = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        assert!(TARGETS.iter().any(|(target, _)| *target == name), "fuzz/regressions/{name} is no target");
    }
    assert!(replayed > 0, "no regression input was replayed");
    println!("fuzz regressions: replayed {replayed} inputs");
}

#[test]
fn fuzz_checks_hold_on_real_files() {
    let root = root();
    let mut configs = files(&root.join("examples/hosting-server"));
    configs.extend(files(&root.join("examples/iis-express-dev")));
    let mut certificates = files(&root.join("examples/hosting-server/certs"));
    certificates.extend(files(&root.join("examples/iis-express-dev/certs")));
    let mut netsh = configs.clone();
    let mut hives = Vec::new();
    #[cfg(feature = "corpus")]
    {
        let corpus = crate::shared_corpus::corpus();
        configs.extend(files(&corpus.join("appconfig")));
        for folder in ["netsh", "urlacl", "excludedports"] {
            netsh.extend(files(&corpus.join(folder)));
        }
        hives.extend(files(&corpus.join("hive")));
    }
    configs.retain(|path| path.extension().is_some_and(|extension| extension == "config"));
    netsh.retain(|path| path.extension().is_some_and(|extension| extension == "txt"));
    replay("config", checks::config, &configs);
    replay("netsh", checks::netsh, &netsh);
    replay("certificate", checks::certificate, &certificates);
    replay("hive", checks::hive, &hives);
    // Every bindingInformation of those configs, as the first protocol (https) sees it.
    let mut informations = 0;
    for config in &configs {
        let text = String::from_utf8_lossy(&std::fs::read(config).expect("the config is read")).into_owned();
        for value in text.split("bindingInformation=\"").skip(1).filter_map(|rest| rest.split('"').next()) {
            checks::binding_information(&[&[0u8][..], value.as_bytes()].concat());
            informations += 1;
        }
    }
    assert!(configs.len() >= 2 && informations > 0);
    println!(
        "fuzz checks: {} configs, {} netsh files, {} certificates, {} hives, {informations} binding informations",
        configs.len(),
        netsh.len(),
        certificates.len(),
        hives.len()
    );
}

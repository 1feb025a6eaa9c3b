//! Test hives written by hivex, an independent implementation of the registry hive format:
//! `hivexregedit --merge` (Debian package `libwin-hivex-perl`) over a copy of the empty hive in
//! `../shared/fixtures/hive/minimal` (or `$SSLBIND_SHARED_HIVE`). Only the `external-tools`
//! suite uses it, and it fails, never skips, when hivexregedit or the empty hive is missing.
//! Shared by the test binaries of sslbind-core and sslbind.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The empty hive hivexregedit merges into.
fn minimal_hive() -> PathBuf {
    match std::env::var_os("SSLBIND_SHARED_HIVE") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/hive/minimal"),
    }
}

/// A copy of the minimal hive with `reg` merged by hivexregedit, made in the folder
/// `scratch` (emptied first, removed after).
pub fn merge(scratch: &Path, reg: &str) -> Vec<u8> {
    let minimal = minimal_hive();
    let empty = fs::read(&minimal).unwrap_or_else(|error| {
        panic!("cannot read the minimal hive {} ({error}); set SSLBIND_SHARED_HIVE", minimal.display())
    });
    if !reg.contains('[') {
        return empty;
    }
    let _ = fs::remove_dir_all(scratch);
    fs::create_dir_all(scratch).expect("the test directory is created");
    // Written anew rather than copied: the fixture is read-only and hivex opens it for writing.
    let hive = scratch.join("hive");
    fs::write(&hive, empty).expect("the hive copy is written");
    let reg_file = scratch.join("input.reg");
    fs::write(&reg_file, reg).expect("the .reg file is written");
    let output = match Command::new("hivexregedit").arg("--merge").arg(&hive).arg(&reg_file).output() {
        Ok(output) => output,
        Err(error) => panic!(
            "cannot run hivexregedit ({error}): install it with `apt-get install libwin-hivex-perl` \
             (Debian/Ubuntu package libwin-hivex-perl); the external hive tests need it to write hives"
        ),
    };
    assert!(
        output.status.success(),
        "hivexregedit --merge failed on {}:\n{}",
        reg_file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes = fs::read(&hive).expect("the merged hive is read");
    let _ = fs::remove_dir_all(scratch);
    bytes
}

//! Where the `corpus` test suite finds the shared corpus of real files (configs, netsh
//! outputs, URL reservations, port exclusions written by others): `SSLBIND_CORPUS`, else
//! `../shared/fixtures` beside the repository. The suite is asked for explicitly
//! (`--features corpus`) and fails, never skips, when the corpus is missing. Shared by the test
//! binaries of sslbind-core and sslbind.

use std::path::PathBuf;

/// The corpus folder; panics with what to do when it is missing.
pub fn corpus() -> PathBuf {
    let folder = match std::env::var_os("SSLBIND_CORPUS") {
        Some(folder) => PathBuf::from(folder),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
    };
    assert!(
        folder.is_dir(),
        "the corpus suite needs the shared corpus: {} is not a folder (set SSLBIND_CORPUS to the \
         fixtures folder, or run the tests without `--features corpus`)",
        folder.display()
    );
    folder
}

/// The names of the files in `folder` of the corpus, sorted; panics when there are none, so
/// that a corpus test can never pass by reading nothing.
pub fn files(folder: &str) -> Vec<String> {
    let path = corpus().join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&path)
        .unwrap_or_else(|error| panic!("the corpus folder {} cannot be listed: {error}", path.display()))
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(!names.is_empty(), "the corpus folder {} holds no files", path.display());
    names
}

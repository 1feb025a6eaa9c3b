//! Conventions checked as an ordinary test, so that they hold without anyone remembering
//! them: every Rust file explains why it exists, tests assert instead of hiding, and the core
//! stays free of I/O.

use std::path::{Path, PathBuf};

use crate::util::workspace_root;

fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() && name != "target" && name != ".git" {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

fn workspace_rust_files() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates"), &mut files);
    files.sort();
    assert!(files.len() > 10, "found the sources");
    files
        .into_iter()
        .map(|path| (path.clone(), std::fs::read_to_string(&path).expect("a UTF-8 source")))
        .collect()
}

#[test]
fn every_rust_file_starts_with_a_module_comment() {
    for (path, text) in workspace_rust_files() {
        assert!(
            text.starts_with("//!"),
            "{} must start with a `//!` paragraph saying why it exists",
            path.display()
        );
    }
}

#[test]
fn no_test_is_ignored_or_expected_to_panic() {
    let forbidden = [concat!("#[", "ignore"), concat!("#[", "should_panic")];
    for (path, text) in workspace_rust_files() {
        for pattern in forbidden {
            assert!(
                !text.contains(pattern),
                "{} uses {pattern}]: assert the behaviour instead",
                path.display()
            );
        }
    }
}

#[test]
fn the_core_does_no_io() {
    let forbidden = [
        "std::fs",
        "std::process",
        "std::env",
        "std::net::Tcp",
        "std::net::Udp",
        "std::io::stdin",
        "SystemTime::now",
        "OffsetDateTime::now",
    ];
    for (path, text) in workspace_rust_files() {
        let in_core_library = path.components().any(|part| part.as_os_str() == "sslbind-core")
            && path.components().any(|part| part.as_os_str() == "src");
        if !in_core_library {
            continue;
        }
        for pattern in forbidden {
            assert!(
                !text.contains(pattern),
                "{} uses {pattern}: sslbind-core performs no I/O",
                path.display()
            );
        }
    }
}

#[test]
fn unsafe_code_lives_only_in_sslbind_live() {
    for (path, text) in workspace_rust_files() {
        if path.components().any(|part| part.as_os_str() == "sslbind-live") {
            continue;
        }
        assert!(!text.contains(concat!("unsafe", " {")), "{} uses unsafe", path.display());
    }
}

/// A file compiled into two crates by a `path` attribute builds twice, warns as dead code in one of
/// them and hides who owns it; what crates share is a library module instead.
#[test]
fn no_source_file_is_included_by_path() {
    let mut files = Vec::new();
    rust_files(&workspace_root().join("crates"), &mut files);
    rust_files(&workspace_root().join("fuzz"), &mut files);
    assert!(files.len() > 10, "found the sources");
    let attribute = concat!("#[", "path");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a UTF-8 source");
        assert!(!text.contains(attribute), "{} includes a file by path", path.display());
    }
}

//! Writing edited configs back: the content is replaced only when the file still holds what
//! was read, a backup is kept and never overwritten, and nothing is left behind on failure.

use std::fs;
use std::path::Path;

use sslbind_live::{WriteError, Written, write_atomically};

const OLD: &[u8] = b"<configuration>old</configuration>\r\n";
const NEW: &[u8] = b"<configuration>new</configuration>\r\n";

/// The names in `folder`, sorted.
fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("a folder")
        .map(|entry| entry.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_content_is_replaced_and_the_backup_holds_the_old_bytes() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("applicationHost.config");
    fs::write(&path, OLD).expect("a file");

    let written = write_atomically(&path, OLD, NEW).expect("written");

    let backup = folder.path().join("applicationHost.config.sslbind-backup");
    assert_eq!(written, Written { path: path.clone(), backup: Some(backup.clone()) });
    assert_eq!(fs::read(&path).expect("the file"), NEW);
    assert_eq!(fs::read(&backup).expect("the backup"), OLD);
    assert_eq!(names(folder.path()), ["applicationHost.config", "applicationHost.config.sslbind-backup"]);
}

#[test]
fn a_second_write_numbers_its_backup_and_keeps_the_first() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("applicationHost.config");
    fs::write(&path, OLD).expect("a file");
    write_atomically(&path, OLD, NEW).expect("first write");

    let third = b"<configuration>third</configuration>\r\n";
    let written = write_atomically(&path, NEW, third).expect("second write");

    let first = folder.path().join("applicationHost.config.sslbind-backup");
    let second = folder.path().join("applicationHost.config.sslbind-backup.1");
    assert_eq!(written.backup, Some(second.clone()));
    assert_eq!(fs::read(&first).expect("the first backup"), OLD);
    assert_eq!(fs::read(&second).expect("the second backup"), NEW);
    assert_eq!(fs::read(&path).expect("the file"), third);
}

#[test]
fn unchanged_content_writes_nothing() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("applicationHost.config");
    fs::write(&path, OLD).expect("a file");

    let written = write_atomically(&path, OLD, OLD).expect("nothing to write");

    assert_eq!(written, Written { path: path.clone(), backup: None });
    assert_eq!(names(folder.path()), ["applicationHost.config"]);
}

#[test]
fn a_file_changed_underneath_is_refused_and_left_untouched() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("applicationHost.config");
    let theirs = b"<configuration>someone else's edit</configuration>\r\n";
    fs::write(&path, theirs).expect("a file");

    let error = write_atomically(&path, OLD, NEW).expect_err("refused");

    assert!(matches!(&error, WriteError::ChangedUnderneath { path: at } if *at == path), "{error:?}");
    assert!(error.to_string().contains("changed since it was read; run the command again"), "{error}");
    assert_eq!(fs::read(&path).expect("the file"), theirs);
    assert_eq!(names(folder.path()), ["applicationHost.config"]);
}

#[test]
fn a_missing_file_is_an_io_error_with_its_path() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("applicationHost.config");

    let error = write_atomically(&path, OLD, NEW).expect_err("missing");

    match &error {
        WriteError::Io { path: at, source } => {
            assert_eq!(*at, path);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
    assert!(error.to_string().contains("applicationHost.config"), "{error}");
    assert!(names(folder.path()).is_empty());
}

#[test]
fn a_stale_temporary_file_is_replaced_not_kept() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("applicationHost.config");
    fs::write(&path, OLD).expect("a file");
    let stale = folder.path().join(format!(".applicationHost.config.sslbind-tmp-{}", std::process::id()));
    fs::write(&stale, b"left over").expect("a stale file");

    write_atomically(&path, OLD, NEW).expect("written");

    assert_eq!(fs::read(&path).expect("the file"), NEW);
    assert!(!stale.exists());
}

#[cfg(unix)]
#[test]
fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt as _;

    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("applicationHost.config");
    fs::write(&path, OLD).expect("a file");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("permissions");

    let written = write_atomically(&path, OLD, NEW).expect("written");

    let mode = |at: &Path| fs::metadata(at).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o640);
    assert_eq!(mode(&written.backup.expect("a backup")), 0o640);
}

#[test]
fn a_failed_write_leaves_the_file_untouched_and_removes_the_new_backup() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("applicationHost.config");
    fs::write(&path, OLD).expect("a file");
    // A folder where the temporary file must go: it can be neither removed nor created.
    let temp_name = format!(".applicationHost.config.sslbind-tmp-{}", std::process::id());
    fs::create_dir(folder.path().join(&temp_name)).expect("a folder in the way");

    let error = write_atomically(&path, OLD, NEW).expect_err("the temporary file cannot be made");

    assert!(matches!(&error, WriteError::Io { path: at, .. } if at.ends_with(&temp_name)), "{error:?}");
    assert_eq!(fs::read(&path).expect("the file"), OLD);
    assert_eq!(names(folder.path()), [temp_name.as_str(), "applicationHost.config"]);
}

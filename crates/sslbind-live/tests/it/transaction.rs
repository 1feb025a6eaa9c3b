//! Writing several files and an external step all or nothing: every failure, wherever it
//! happens, leaves the files byte for byte as they were, the step undone, and no temporary
//! file or backup of the failed run behind (older backups untouched).
//!
//! Failures are made without external tools, so that they work as root too: a folder where
//! a temporary file must go, a step that fails, and a step that sabotages a later rename.

use std::fs;
use std::path::{Path, PathBuf};

use sslbind_live::{CommitFailure, ExternalStep, FileChange, StepError, WriteError, commit};

const OLD_A: &[u8] = b"<configuration>a</configuration>\r\n";
const NEW_A: &[u8] = b"<configuration>a, edited</configuration>\r\n";
const OLD_B: &[u8] = b"<configuration>b</configuration>\n";
const NEW_B: &[u8] = b"<configuration>b, edited</configuration>\n";

/// Every file under `folder` with its bytes, sorted by path.
fn tree(folder: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = fs::read(&path).expect("a file");
                files.push((path.strip_prefix(folder).expect("inside").to_owned(), bytes));
            }
        }
    }
    files.sort();
    files
}

/// Two configs in two folders of one temporary folder.
struct Setup {
    root: tempfile::TempDir,
    a: PathBuf,
    b: PathBuf,
}

fn setup() -> Setup {
    let root = tempfile::tempdir().expect("a temporary folder");
    fs::create_dir(root.path().join("iis")).expect("a folder");
    fs::create_dir(root.path().join("express")).expect("a folder");
    let a = root.path().join("iis/applicationHost.config");
    let b = root.path().join("express/applicationhost.config");
    fs::write(&a, OLD_A).expect("a");
    fs::write(&b, OLD_B).expect("b");
    Setup { root, a, b }
}

impl Setup {
    fn changes(&self) -> [FileChange<'_>; 2] {
        [
            FileChange { path: &self.a, original: OLD_A, new: NEW_A },
            FileChange { path: &self.b, original: OLD_B, new: NEW_B },
        ]
    }
}

/// A step that records what was done to it and can fail or run a sabotage when applied.
#[derive(Default)]
struct Step {
    fail: bool,
    sabotage: Option<Box<dyn FnMut()>>,
    applied: bool,
    undone: bool,
}

impl ExternalStep for Step {
    fn apply(&mut self) -> Result<(), StepError> {
        if let Some(sabotage) = &mut self.sabotage {
            sabotage();
        }
        if self.fail {
            return Err("HTTP.sys refused the change".into());
        }
        self.applied = true;
        Ok(())
    }

    fn undo(&mut self) -> Result<(), StepError> {
        self.undone = true;
        Ok(())
    }
}

/// The temporary file a commit in this process makes for `path`.
fn temp_of(path: &Path) -> PathBuf {
    let name = path.file_name().expect("a name").to_string_lossy();
    path.with_file_name(format!(".{name}.sslbind-tmp-{}", std::process::id()))
}

#[test]
fn every_file_is_replaced_and_keeps_a_backup_after_the_step() {
    let setup = setup();
    let mut step = Step::default();
    let written = commit(&setup.changes(), Some(&mut step)).expect("committed");
    assert!(step.applied && !step.undone);
    assert_eq!(written.len(), 2);
    assert_eq!(fs::read(&setup.a).expect("a"), NEW_A);
    assert_eq!(fs::read(&setup.b).expect("b"), NEW_B);
    let backup_a = setup.root.path().join("iis/applicationHost.config.sslbind-backup");
    assert_eq!(written[0].backup.as_deref(), Some(backup_a.as_path()));
    assert_eq!(fs::read(&backup_a).expect("a backup"), OLD_A);
    assert_eq!(
        tree(setup.root.path()).into_iter().map(|(path, _)| path).collect::<Vec<_>>(),
        [
            "express/applicationhost.config",
            "express/applicationhost.config.sslbind-backup",
            "iis/applicationHost.config",
            "iis/applicationHost.config.sslbind-backup",
        ]
        .map(PathBuf::from)
    );
}

#[test]
fn an_unchanged_file_is_only_checked() {
    let setup = setup();
    let changes = [
        FileChange { path: &setup.a, original: OLD_A, new: OLD_A },
        FileChange { path: &setup.b, original: OLD_B, new: NEW_B },
    ];
    let written = commit(&changes, None).expect("committed");
    assert_eq!(written[0].backup, None);
    assert!(written[1].backup.is_some());
    assert_eq!(fs::read(&setup.a).expect("a"), OLD_A);
    assert_eq!(fs::read(&setup.b).expect("b"), NEW_B);
}

#[test]
fn a_second_file_that_cannot_be_prepared_leaves_the_first_untouched() {
    let setup = setup();
    // The temporary file of the second config cannot be made: a folder with a file in it
    // holds its name (which stops root too).
    let blocker = temp_of(&setup.b);
    fs::create_dir(&blocker).expect("a folder in the way");
    fs::write(blocker.join("keep"), b"x").expect("a file in it");
    let before = tree(setup.root.path());
    let mut step = Step::default();

    let error = commit(&setup.changes(), Some(&mut step)).expect_err("the second file fails");

    assert_eq!(error.path(), Some(blocker.as_path()), "{error}");
    assert!(error.to_string().ends_with("; nothing was changed"), "{error}");
    assert!(!step.applied, "the step runs only once every file is prepared");
    assert_eq!(tree(setup.root.path()), before, "no backup or temporary file is left");
}

#[test]
fn a_second_file_under_a_regular_file_fails_before_anything_is_written() {
    let setup = setup();
    let not_a_folder = setup.root.path().join("plain");
    fs::write(&not_a_folder, b"a file, not a folder").expect("a file");
    let inside = not_a_folder.join("applicationHost.config");
    let before = tree(setup.root.path());
    let changes = [
        FileChange { path: &setup.a, original: OLD_A, new: NEW_A },
        FileChange { path: &inside, original: OLD_B, new: NEW_B },
    ];

    let error = commit(&changes, None).expect_err("the second file fails");

    assert!(matches!(&error.failure, CommitFailure::File(WriteError::Io { path, .. }) if *path == inside));
    assert!(error.not_restored.is_empty());
    assert_eq!(tree(setup.root.path()), before);
}

#[test]
fn a_failed_step_replaces_no_file() {
    let setup = setup();
    let before = tree(setup.root.path());
    let mut step = Step { fail: true, ..Step::default() };

    let error = commit(&setup.changes(), Some(&mut step)).expect_err("the step fails");

    assert!(matches!(error.failure, CommitFailure::Step(_)), "{error:?}");
    assert_eq!(error.to_string(), "HTTP.sys refused the change; no config was changed");
    assert!(!step.undone, "a step that failed undid itself");
    assert_eq!(tree(setup.root.path()), before);
}

#[test]
fn a_failed_rename_restores_the_files_replaced_before_and_undoes_the_step() {
    let setup = setup();
    let before = tree(setup.root.path());
    // After every file is prepared, the second config's temporary file disappears, so its
    // rename fails after the first config was replaced.
    let temp = temp_of(&setup.b);
    let mut step = Step {
        sabotage: Some(Box::new(move || fs::remove_file(&temp).expect("the temporary file exists"))),
        ..Step::default()
    };

    let error = commit(&setup.changes(), Some(&mut step)).expect_err("the second rename fails");

    assert!(
        matches!(&error.failure, CommitFailure::File(WriteError::Io { path, source })
            if *path == setup.b && source.kind() == std::io::ErrorKind::NotFound),
        "{error:?}"
    );
    assert!(error.to_string().contains("applicationhost.config"), "{error}");
    assert!(step.applied && step.undone, "the applied step is undone");
    assert_eq!(tree(setup.root.path()), before, "the first file is back, byte for byte, without its backup");
}

#[test]
fn a_file_changed_between_prepare_and_rename_is_not_replaced_and_the_rest_is_restored() {
    let setup = setup();
    let theirs = b"<configuration>someone else's edit</configuration>\n";
    let b = setup.b.clone();
    let mut step =
        Step { sabotage: Some(Box::new(move || fs::write(&b, theirs).expect("an edit"))), ..Step::default() };

    let error = commit(&setup.changes(), Some(&mut step)).expect_err("refused");

    assert!(
        matches!(&error.failure, CommitFailure::File(WriteError::ChangedUnderneath { path }) if *path == setup.b),
        "{error:?}"
    );
    assert!(step.undone);
    assert_eq!(fs::read(&setup.a).expect("a"), OLD_A);
    assert_eq!(fs::read(&setup.b).expect("b"), theirs);
    assert_eq!(tree(setup.root.path()).len(), 2, "{:?}", tree(setup.root.path()));
}

#[test]
fn older_backups_survive_a_failed_run_and_a_successful_one_numbers_its_own() {
    let setup = setup();
    let older = setup.root.path().join("iis/applicationHost.config.sslbind-backup");
    fs::write(&older, b"an earlier run's backup").expect("a backup");
    let before = tree(setup.root.path());
    let mut failing = Step { fail: true, ..Step::default() };
    commit(&setup.changes(), Some(&mut failing)).expect_err("the step fails");
    assert_eq!(tree(setup.root.path()), before);

    let written = commit(&setup.changes(), None).expect("committed");
    assert_eq!(fs::read(&older).expect("the older backup"), b"an earlier run's backup");
    let numbered = setup.root.path().join("iis/applicationHost.config.sslbind-backup.1");
    assert_eq!(written[0].backup.as_deref(), Some(numbered.as_path()));
    assert_eq!(fs::read(&numbered).expect("this run's backup"), OLD_A);
}

#[test]
fn what_cannot_be_taken_back_is_named_in_the_error() {
    let setup = setup();
    // The first config's backup disappears before the renames, and the second rename fails:
    // the first config cannot be restored, and the error must say so instead of claiming
    // that nothing changed.
    let backup = setup.root.path().join("iis/applicationHost.config.sslbind-backup");
    let temp = temp_of(&setup.b);
    let mut step = Step {
        sabotage: Some(Box::new(move || {
            fs::remove_file(&backup).expect("the backup exists");
            fs::remove_file(&temp).expect("the temporary file exists");
        })),
        ..Step::default()
    };

    let error = commit(&setup.changes(), Some(&mut step)).expect_err("fails");

    assert_eq!(error.not_restored.len(), 1, "{error}");
    assert!(error.not_restored[0].contains("applicationHost.config keeps the new content"), "{error}");
    assert!(error.to_string().contains("so the machine is partly changed"), "{error}");
    assert!(!error.to_string().contains("nothing was changed"), "{error}");
    assert!(step.undone);
    assert_eq!(fs::read(&setup.a).expect("a"), NEW_A);
    assert_eq!(fs::read(&setup.b).expect("b"), OLD_B);
}

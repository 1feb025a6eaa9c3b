//! Writing a plan all or nothing: a change can edit several configs (IIS and IIS Express, or
//! several `--config`) and, live on Windows, change HTTP.sys too. Written one after the other,
//! a failure part-way would leave the first files changed and the rest not, a machine that
//! matches neither the plan nor what was there before.
//!
//! So [`commit`] works in three stages:
//!
//! 1. prepare: for every file that changes, check it still holds the bytes that were read,
//!    write a backup of them (a new file, never over an older backup), and write the new
//!    content to a temporary file beside it, synced to disk;
//! 2. apply the external step (the HTTP.sys operations, which undo themselves when one of
//!    them fails);
//! 3. replace the files in order, each checked once more just before its rename.
//!
//! When a stage fails, everything done so far is taken back: replaced files get their backup
//! renamed back over them, the external step is undone, and the temporary files and the
//! backups this run made are removed, so a failed run leaves the folders as they were (older
//! backups included). Only a successful run leaves a backup beside each changed file. What
//! could not be taken back (the disk failing while restoring) is listed in the error.

use std::error::Error as StdError;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use crate::write::{
    WriteError, Written, ensure_unchanged, folder_of, io_error, remove_quietly, sync_folder, temp_path,
    write_backup, write_temp,
};

/// One file to replace: what was read from it and what it should hold.
#[derive(Clone, Copy, Debug)]
pub struct FileChange<'a> {
    /// The file.
    pub path: &'a Path,
    /// The bytes read from it earlier; the file is replaced only if it still holds them.
    pub original: &'a [u8],
    /// The new content.
    pub new: &'a [u8],
}

/// The error of an external step, kept whole so that its data survives.
pub type StepError = Box<dyn StdError + Send + Sync>;

/// A change outside the files that takes part in a [`commit`]: HTTP.sys operations on the
/// live machine.
pub trait ExternalStep {
    /// Carries the step out. On failure it must leave nothing of itself applied.
    fn apply(&mut self) -> Result<(), StepError>;
    /// Takes back a successful [`ExternalStep::apply`].
    fn undo(&mut self) -> Result<(), StepError>;
}

/// What made a [`commit`] fail.
#[derive(Debug)]
pub enum CommitFailure {
    /// A file could not be prepared or replaced (or changed since it was read).
    File(WriteError),
    /// The external step failed.
    Step(StepError),
}

impl fmt::Display for CommitFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommitFailure::File(error) => write!(f, "{error}"),
            CommitFailure::Step(error) => write!(f, "{error}"),
        }
    }
}

/// A failed [`commit`]: why, and what could not be taken back (empty when the files and the
/// external step are as they were before).
#[derive(Debug)]
pub struct CommitError {
    /// The failure that stopped the commit.
    pub failure: CommitFailure,
    /// What could not be restored, one sentence each, with where the original now is.
    pub not_restored: Vec<String>,
}

impl CommitError {
    /// The file the failure is about, when it is about one.
    pub fn path(&self) -> Option<&Path> {
        match &self.failure {
            CommitFailure::File(WriteError::ChangedUnderneath { path } | WriteError::Io { path, .. }) => {
                Some(path)
            }
            CommitFailure::Step(_) => None,
        }
    }
}

impl fmt::Display for CommitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.not_restored.is_empty() {
            write!(
                f,
                "{}; taking back what was done failed too, so the machine is partly changed: {}",
                self.failure,
                self.not_restored.join("; ")
            )
        } else if let CommitFailure::Step(_) = self.failure {
            // The step's own message says whether it undid itself completely.
            write!(f, "{}; no config was changed", self.failure)
        } else {
            write!(f, "{}; nothing was changed", self.failure)
        }
    }
}

// No `source`: the message already holds the failure and its cause, and error reporters
// that print the chain would repeat them.
impl StdError for CommitError {}

/// A file whose temporary file and backup are written.
struct Prepared<'a> {
    /// Its position in the changes given.
    index: usize,
    change: FileChange<'a>,
    /// Removed when dropped, unless persisted over the file.
    temp: TempPath,
    backup: PathBuf,
}

/// A file whose temporary file replaced it; its backup holds the original.
struct Replaced<'a> {
    /// Its position in the changes given.
    index: usize,
    change: FileChange<'a>,
    backup: PathBuf,
}

/// Replaces every file of `changes` and applies `step`, all or nothing (see the module
/// documentation for the stages and what a failure takes back).
///
/// The result has one [`Written`] per change, in order; a change whose new content equals
/// the original is only checked, and its [`Written::backup`] is `None`.
pub fn commit(
    changes: &[FileChange<'_>],
    mut step: Option<&mut (dyn ExternalStep + '_)>,
) -> Result<Vec<Written>, CommitError> {
    let mut prepared: Vec<Prepared<'_>> = Vec::new();
    for (index, change) in changes.iter().enumerate() {
        match prepare(index, *change) {
            Ok(Some(file)) => prepared.push(file),
            Ok(None) => {}
            Err(error) => {
                discard(&prepared);
                return Err(CommitError { failure: CommitFailure::File(error), not_restored: Vec::new() });
            }
        }
    }

    if let Some(step) = step.as_deref_mut()
        && let Err(error) = step.apply()
    {
        discard(&prepared);
        return Err(CommitError { failure: CommitFailure::Step(error), not_restored: Vec::new() });
    }

    let folders = folders_of(prepared.iter().map(|file| file.change.path));
    let mut replaced: Vec<Replaced<'_>> = Vec::with_capacity(prepared.len());
    let mut pending = prepared.into_iter();
    while let Some(Prepared { index, change, temp, backup }) = pending.next() {
        if let Err((error, temp)) = replace(change, temp) {
            let mut not_restored = restore(&replaced);
            // Dropping `temp` would remove it too, but not on Windows when it is read-only
            // (the temporary file of a read-only config).
            remove_quietly(&temp);
            remove_quietly(&backup);
            discard(&pending.collect::<Vec<_>>());
            if let Some(step) = step.as_deref_mut()
                && let Err(undo) = step.undo()
            {
                not_restored.push(format!("undoing the HTTP.sys changes failed: {undo}"));
            }
            folders.iter().for_each(|folder| sync_folder(folder));
            return Err(CommitError { failure: CommitFailure::File(error), not_restored });
        }
        replaced.push(Replaced { index, change, backup });
    }
    folders.iter().for_each(|folder| sync_folder(folder));

    Ok(changes
        .iter()
        .enumerate()
        .map(|(index, change)| Written {
            path: change.path.to_owned(),
            backup: replaced.iter().find(|file| file.index == index).map(|file| file.backup.clone()),
        })
        .collect())
}

/// Renames `temp` over `change`'s file if the file still holds what was read; on failure,
/// why, and the temporary file back.
fn replace(change: FileChange<'_>, temp: TempPath) -> Result<(), (WriteError, TempPath)> {
    let path = change.path;
    if let Err(error) = ensure_unchanged(path, change.original) {
        return Err((error, temp));
    }
    temp.persist(path).map_err(|error| (io_error(path, error.error), error.path))
}

/// Checks `change`'s file and writes its backup and temporary file; `None` when its content
/// does not change. On failure nothing of it is left.
fn prepare(index: usize, change: FileChange<'_>) -> Result<Option<Prepared<'_>>, WriteError> {
    let path = change.path;
    ensure_unchanged(path, change.original)?;
    if change.new == change.original {
        return Ok(None);
    }
    let (folder, file_name) = folder_of(path)?;
    let permissions = fs::metadata(path).map_err(|source| io_error(path, source))?.permissions();
    let backup = write_backup(path, &folder, file_name, change.original, &permissions)?;
    let temp_name = temp_path(&folder, file_name);
    let temp = match write_temp(path, &temp_name, change.new, &permissions) {
        Ok(temp) => temp,
        Err(error) => {
            remove_quietly(&temp_name);
            remove_quietly(&backup);
            return Err(error);
        }
    };
    Ok(Some(Prepared { index, change, temp, backup }))
}

/// Removes the temporary files and backups of files that were not replaced.
fn discard(prepared: &[Prepared<'_>]) {
    for file in prepared {
        remove_quietly(&file.temp);
        remove_quietly(&file.backup);
    }
}

/// Puts the original of every replaced file back, last first, by renaming its backup over
/// it (which also removes the backup); what could not be put back, as sentences.
fn restore(replaced: &[Replaced<'_>]) -> Vec<String> {
    let mut not_restored = Vec::new();
    for file in replaced.iter().rev() {
        if let Err(error) = fs::rename(&file.backup, file.change.path) {
            not_restored.push(format!(
                "{} keeps the new content ({error}); its original is in {}",
                file.change.path.display(),
                file.backup.display()
            ));
        }
    }
    not_restored
}

/// The folders of `paths`, each once, in order.
fn folders_of<'p>(paths: impl Iterator<Item = &'p Path>) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = Vec::new();
    for path in paths {
        if let Ok((folder, _)) = folder_of(path)
            && !folders.contains(&folder)
        {
            folders.push(folder);
        }
    }
    folders
}

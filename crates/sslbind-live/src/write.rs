//! Writing an edited config back safely: sslbind edits `applicationHost.config`, which IIS
//! reads at any moment and other tools (IIS Manager, appcmd, deployment scripts) may change
//! while the user is looking at a plan.
//!
//! So a write only replaces the bytes that were read: if the file changed in between, it is
//! refused. The old content is kept in a backup next to the file that is never overwritten,
//! and the new content goes to a temporary file in the same folder that is flushed to disk
//! and then renamed over the original, so that readers see either the whole old file or the
//! whole new one, never half of each. Several files (and the live HTTP.sys operations) are
//! written together, all or nothing, by [`crate::transaction::commit`], which uses the
//! pieces here; [`write_atomically`] is its commit of one file.
//!
//! The temporary file is `tempfile`'s: a [`tempfile::NamedTempFile`] that removes itself
//! when dropped unless it is persisted over the file (`persist`, the rename each platform
//! needs). Its name is fixed per process (`.<file name>.sslbind-tmp-<pid>`, no random part),
//! so that a stale one left by a crashed run is recognisably ours and is replaced. The
//! backups stay hand-written: their numbered names (`.sslbind-backup`, `.1`, `.2`, …) are
//! what users look for, and they are kept, not temporary.
//!
//! Limits: the temporary file gets the original's permission bits (and on Unix, as far as
//! allowed, its owner), but not Windows ACLs set explicitly on the file; it gets the folder's
//! inherited ACL, as files IIS Manager writes do. A change made between the last check and
//! the rename cannot be detected without locking, which IIS does not use.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempPath};

use crate::transaction::{CommitError, CommitFailure, FileChange, commit};

/// The suffix of backup file names: `applicationHost.config.sslbind-backup`.
pub const BACKUP_SUFFIX: &str = ".sslbind-backup";

/// How many numbered backups are tried before giving up.
const MAX_BACKUPS: u32 = 10_000;

/// A successful [`write_atomically`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The file that was replaced.
    pub path: PathBuf,
    /// The backup of the old content; `None` when the new content equals the old and nothing
    /// was written.
    pub backup: Option<PathBuf>,
}

/// Why a file was not replaced.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file no longer holds what was read; nothing was written.
    #[error("{} changed since it was read; run the command again", path.display())]
    ChangedUnderneath {
        /// The file.
        path: PathBuf,
    },
    /// A file could not be read, written or renamed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file the operation failed on: the target, its backup or its temporary file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
}

/// Replaces `path`'s content with `new` if and only if it still holds `original` (the bytes
/// read earlier); keeps a backup. A [`crate::transaction::commit`] of one file.
///
/// The backup is `<file name>.sslbind-backup` next to the file, or `.sslbind-backup.1`,
/// `.2`, … when that exists; an older backup is never overwritten. When `new` equals
/// `original` nothing is written and [`Written::backup`] is `None`. On failure the
/// temporary file and the new backup are removed and the file holds what it held.
pub fn write_atomically(path: &Path, original: &[u8], new: &[u8]) -> Result<Written, WriteError> {
    let change = FileChange { path, original, new };
    match commit(&[change], None) {
        Ok(mut written) => written
            .pop()
            .ok_or_else(|| io_error(path, io::Error::other("the commit of one file reported no result"))),
        Err(CommitError { failure: CommitFailure::File(error), not_restored }) if not_restored.is_empty() => {
            Err(error)
        }
        Err(error) => Err(io_error(path, io::Error::other(error.to_string()))),
    }
}

/// Writes `bytes` to `path`, replacing whatever is there, so that a reader never sees half a
/// file: a temporary file in the same folder, synced, then renamed over `path`. For files
/// sslbind creates (snapshots), where there is nothing to back up or protect.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let (folder, file_name) = folder_of(path)?;
    let temp = temp_path(&folder, file_name);
    let written = (|| {
        let _ = fs::remove_file(&temp);
        let mut file = create_temp(&temp)?;
        write_synced(file.as_file_mut(), &temp, bytes)?;
        file.persist(path).map(drop).map_err(|error| io_error(path, error.error))
    })();
    if written.is_err() {
        remove_quietly(&temp);
    }
    sync_folder(&folder);
    written
}

/// The folder of `path` (`.` for a bare file name) and its file name.
pub(crate) fn folder_of(path: &Path) -> Result<(PathBuf, &std::ffi::OsStr), WriteError> {
    let file_name = path
        .file_name()
        .ok_or_else(|| io_error(path, io::Error::new(io::ErrorKind::InvalidInput, "not a file name")))?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    Ok((folder, file_name))
}

/// The temporary file for `file_name` in `folder`: hidden, and named by the process so that
/// a stale one from a crashed run of the same process id is recognisably ours.
pub(crate) fn temp_path(folder: &Path, file_name: &std::ffi::OsStr) -> PathBuf {
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".sslbind-tmp-{}", std::process::id()));
    folder.join(temp_name)
}

/// Fails with [`WriteError::ChangedUnderneath`] unless `path` holds exactly `original`.
pub(crate) fn ensure_unchanged(path: &Path, original: &[u8]) -> Result<(), WriteError> {
    let current = fs::read(path).map_err(|source| io_error(path, source))?;
    if current == original { Ok(()) } else { Err(WriteError::ChangedUnderneath { path: path.to_owned() }) }
}

/// Writes `original` to the first free backup name and returns it.
pub(crate) fn write_backup(
    path: &Path,
    folder: &Path,
    file_name: &std::ffi::OsStr,
    original: &[u8],
    permissions: &fs::Permissions,
) -> Result<PathBuf, WriteError> {
    for number in 0..MAX_BACKUPS {
        let mut name = file_name.to_owned();
        name.push(BACKUP_SUFFIX);
        if number > 0 {
            name.push(format!(".{number}"));
        }
        let backup = folder.join(name);
        let file = match OpenOptions::new().write(true).create_new(true).open(&backup) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(io_error(&backup, source)),
        };
        return match fill(file, &backup, original, permissions, path) {
            Ok(()) => Ok(backup),
            Err(error) => {
                remove_quietly(&backup);
                Err(error)
            }
        };
    }
    Err(io_error(
        path,
        io::Error::new(io::ErrorKind::AlreadyExists, format!("{MAX_BACKUPS} backups exist already")),
    ))
}

/// Writes `new` to the temporary file `temp` (replacing a stale file of that name) with the
/// original's permissions; it is removed when the result is dropped without being persisted.
pub(crate) fn write_temp(
    path: &Path,
    temp: &Path,
    new: &[u8],
    permissions: &fs::Permissions,
) -> Result<TempPath, WriteError> {
    match fs::remove_file(temp) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(io_error(temp, error)),
        _ => {}
    }
    let mut file = create_temp(temp)?;
    write_synced(file.as_file_mut(), temp, new)?;
    // Closed before its owner and permissions change, as the backup is.
    let written = file.into_temp_path();
    copy_owner(path, &written);
    fs::set_permissions(&written, permissions.clone()).map_err(|source| io_error(temp, source))?;
    Ok(written)
}

/// Creates the temporary file `temp`, which must not exist. The file is opened as
/// `File::create_new` opens it (the platform's default permissions, no temporary attribute),
/// so that it ends up like a file written in place.
fn create_temp(temp: &Path) -> Result<NamedTempFile, WriteError> {
    let (folder, name) = folder_of(temp)?;
    tempfile::Builder::new()
        .prefix(name)
        .rand_bytes(0)
        .make_in(&folder, |at| File::create_new(at))
        .map_err(|source| io_error(temp, source))
}

/// Writes `bytes` to `file` (at `at`) and syncs it to disk.
fn write_synced(file: &mut File, at: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    file.write_all(bytes).map_err(|source| io_error(at, source))?;
    file.flush().map_err(|source| io_error(at, source))?;
    file.sync_all().map_err(|source| io_error(at, source))
}

/// Writes `bytes` to `file` (at `at`), syncs it to disk and gives it `permissions` and, on
/// Unix, `like`'s owner where allowed.
fn fill(
    mut file: File,
    at: &Path,
    bytes: &[u8],
    permissions: &fs::Permissions,
    like: &Path,
) -> Result<(), WriteError> {
    write_synced(&mut file, at, bytes)?;
    drop(file);
    copy_owner(like, at);
    fs::set_permissions(at, permissions.clone()).map_err(|source| io_error(at, source))
}

/// Gives `to` the owner and group of `from`, best effort: only root may change the owner,
/// and a file created by its owner needs no change.
#[cfg(unix)]
fn copy_owner(from: &Path, to: &Path) {
    use std::os::unix::fs::MetadataExt as _;
    if let (Ok(source), Ok(target)) = (fs::metadata(from), fs::metadata(to))
        && (source.uid(), source.gid()) != (target.uid(), target.gid())
    {
        let _ = std::os::unix::fs::chown(to, Some(source.uid()), Some(source.gid()));
    }
}

/// Windows files take the folder's inherited ACL; nothing to copy.
#[cfg(not(unix))]
fn copy_owner(_from: &Path, _to: &Path) {}

/// Makes the rename durable, best effort: a folder can only be synced on Unix.
#[cfg(unix)]
pub(crate) fn sync_folder(folder: &Path) {
    if let Ok(handle) = File::open(folder) {
        let _ = handle.sync_all();
    }
}

/// Windows has no portable way to sync a folder; the rename is durable once NTFS commits it.
#[cfg(not(unix))]
pub(crate) fn sync_folder(_folder: &Path) {}

/// Removes a file sslbind created, ignoring errors (it may not exist).
pub(crate) fn remove_quietly(path: &Path) {
    if fs::remove_file(path).is_err() {
        clear_read_only(path);
        let _ = fs::remove_file(path);
    }
}

/// Windows refuses to delete a read-only file, and a temporary file or backup of a read-only
/// config is read-only; clears the attribute, best effort.
#[cfg(windows)]
fn clear_read_only(path: &Path) {
    if let Ok(metadata) = fs::metadata(path) {
        let mut permissions = metadata.permissions();
        if permissions.readonly() {
            #[allow(clippy::permissions_set_readonly_false)] // Windows: only the attribute.
            permissions.set_readonly(false);
            let _ = fs::set_permissions(path, permissions);
        }
    }
}

/// Unix deletes read-only files; nothing to do.
#[cfg(not(windows))]
fn clear_read_only(_path: &Path) {}

pub(crate) fn io_error(path: &Path, source: io::Error) -> WriteError {
    WriteError::Io { path: path.to_owned(), source }
}

//! Carrying out a plan on the files it was made from: the configs it changes are encoded
//! back in the encoding they were read in and replaced together with the external step (the
//! HTTP.sys operations on the live machine) in one [`commit`], so that the binary only
//! decides whether to write, and this crate decides how.

use std::path::PathBuf;

use sslbind_core::plan::Plan;
use sslbind_core::text;

use crate::load::LoadedMachine;
use crate::transaction::{CommitError, ExternalStep, FileChange, commit};
use crate::write::Written;

/// Why a plan was not carried out. Nothing was changed unless the [`CommitError`] says so.
#[derive(Debug, thiserror::Error)]
pub enum CarryOutError {
    /// The config came out of a snapshot: the file at its path is not what the plan was made
    /// from.
    #[error(
        "{} was read from a snapshot: --write edits config files, so give the file itself with --config; nothing was changed",
        path.display()
    )]
    FromSnapshot {
        /// The config's path as the snapshot names it.
        path: PathBuf,
    },
    /// The config holds bytes that are not text in its encoding; writing the decoded text
    /// back would replace them.
    #[error(
        "{} holds bytes that are not valid text in its encoding; writing it back would replace them, so it is left as it is; nothing was changed",
        path.display()
    )]
    Undecodable {
        /// The config.
        path: PathBuf,
    },
    /// The plan names a config that was not read with the machine (a plan made from
    /// other sources).
    #[error("{} is not among the configs read; nothing was changed", path.display())]
    NotRead {
        /// The config's path as the plan names it.
        path: PathBuf,
    },
    /// Replacing the files or applying the step failed.
    #[error(transparent)]
    Commit(#[from] CommitError),
}

/// Writes every config `plan` changes and applies `step`, all or nothing; one [`Written`]
/// per changed config, in the plan's order.
///
/// Every config is checked before anything is written: none may come from a snapshot or
/// hold bytes its encoding cannot represent.
pub fn carry_out(
    loaded: &LoadedMachine,
    plan: &Plan,
    step: Option<&mut (dyn ExternalStep + '_)>,
) -> Result<Vec<Written>, CarryOutError> {
    let mut encoded = Vec::with_capacity(plan.configs.len());
    for change in &plan.configs {
        let Some(file) = loaded.config_files.get(change.config) else {
            return Err(CarryOutError::NotRead { path: PathBuf::from(change.path.as_ref()) });
        };
        if file.from_snapshot {
            return Err(CarryOutError::FromSnapshot { path: file.path.clone() });
        }
        let decoded = text::decode(&file.bytes);
        if decoded.lossy {
            return Err(CarryOutError::Undecodable { path: file.path.clone() });
        }
        encoded.push((file, text::encode(&change.after, decoded.encoding)));
    }
    let changes: Vec<FileChange<'_>> = encoded
        .iter()
        .map(|(file, new)| FileChange { path: &file.path, original: &file.bytes, new })
        .collect();
    Ok(commit(&changes, step)?)
}

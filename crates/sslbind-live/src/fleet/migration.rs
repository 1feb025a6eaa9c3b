//! What both engines decide about a migration run: a database migrated by a newer sslbind
//! (it has versions this build does not know) is refused with its own error, and a failed run
//! is harmless when the schema turns out current (another process migrated at the same time).

use refinery::error::Kind;
use refinery::{Migration, Runner};

use super::{FleetError, redact};

/// `NewerSchema` when `failure` says the database has a migration this build lacks.
pub(super) fn newer_schema(failure: &refinery::Error, runner: &Runner, target: &str) -> Option<FleetError> {
    let Kind::MissingVersion(missing) = failure.kind() else {
        return None;
    };
    Some(FleetError::NewerSchema {
        target: target.to_owned(),
        version: i64::from(missing.version()),
        known: known_version(runner),
    })
}

/// What the history of applied migrations says before migrating: `Ok(true)` when the schema
/// is current (nothing to write, so opening a database only reads it), `Ok(false)` when
/// migrations are due or the history could not be read (a new database), `NewerSchema` when
/// it holds a version this build does not know.
pub(super) fn check_applied(
    runner: &Runner,
    applied: Option<&[Migration]>,
    target: &str,
) -> Result<bool, FleetError> {
    let Some(applied) = applied else {
        return Ok(false);
    };
    let known = known_version(runner);
    if let Some(newest) = applied.iter().map(|migration| i64::from(migration.version())).max()
        && !runner.get_migrations().iter().any(|migration| i64::from(migration.version()) == newest)
    {
        return Err(FleetError::NewerSchema { target: target.to_owned(), version: newest, known });
    }
    Ok(is_current(runner, Some(applied)))
}

/// Whether every migration of this build is in `applied` (`None`: the history could not be read).
pub(super) fn is_current(runner: &Runner, applied: Option<&[Migration]>) -> bool {
    let Some(applied) = applied else {
        return false;
    };
    runner
        .get_migrations()
        .iter()
        .all(|migration| applied.iter().any(|done| done.version() == migration.version()))
}

/// The failure of a run, for `FleetError::Migration`.
pub(super) fn failed(failure: &refinery::Error, target: &str) -> FleetError {
    FleetError::Migration { target: target.to_owned(), reason: redact(&failure.to_string()) }
}

fn known_version(runner: &Runner) -> i64 {
    runner.get_migrations().iter().map(|migration| i64::from(migration.version())).max().unwrap_or(0)
}

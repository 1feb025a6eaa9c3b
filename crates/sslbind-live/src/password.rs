//! The password of `.pfx` files, kept out of sight: it is passed on only to the PKCS#12
//! reader, and its `Debug` form is `***`, so that no debug print, error or log line can show
//! it.
//!
//! It comes from `--pfx-password` (visible to every user of the machine in the process list),
//! a file (`--pfx-password-file`) or the environment (`SSLBIND_PFX_PASSWORD`); the two last
//! exist so that scripts need not put it on a command line.

use std::fmt;
use std::fs;
use std::path::Path;

use sslbind_core::text;

use crate::load::LoadError;

/// The environment variable read when neither `--pfx-password` nor `--pfx-password-file` is
/// given.
pub const PASSWORD_VARIABLE: &str = "SSLBIND_PFX_PASSWORD";

/// A password that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Wraps `text`.
    pub fn new(text: impl Into<String>) -> Password {
        Password(text.into())
    }

    /// The password itself, for the one reader that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where the password came from, first given first: the option, the file, the environment.
///
/// `environment` is the variable's value (`std::env::var_os(PASSWORD_VARIABLE)`), passed in
/// so that the choice can be tested without touching the process environment; an empty
/// value counts as unset. Giving both the option and the file is the caller's usage error.
pub fn choose_password(
    option: Option<&Password>,
    file: Option<&Path>,
    environment: Option<&std::ffi::OsStr>,
) -> Result<Option<Password>, LoadError> {
    if let Some(password) = option {
        return Ok(Some(password.clone()));
    }
    if let Some(path) = file {
        return read_password_file(path).map(Some);
    }
    match environment.filter(|value| !value.is_empty()) {
        None => Ok(None),
        Some(value) => match value.to_str() {
            Some(text) => Ok(Some(Password::new(text))),
            None => Err(LoadError::Environment {
                variable: PASSWORD_VARIABLE,
                reason: "is not valid Unicode".to_owned(),
            }),
        },
    }
}

/// The first line of `path`, without its line ending: UTF-8, or UTF-16 with a byte order mark
/// as Windows PowerShell's `>` writes it. A file with no line holds the empty password.
pub fn read_password_file(path: &Path) -> Result<Password, LoadError> {
    let bytes = fs::read(path).map_err(|source| LoadError::Io { path: path.to_owned(), source })?;
    let decoded = text::decode(&bytes);
    let first_line = decoded.text.split('\n').next().unwrap_or_default();
    Ok(Password::new(first_line.trim_end_matches(['\r', '\n'])))
}

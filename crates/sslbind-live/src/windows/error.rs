//! What can go wrong on a live Windows machine, worded so that the user knows what to do.
//!
//! The HTTP Server API answers with bare Win32 codes, and the ones users meet are few: not
//! elevated (5), a certificate whose private key HTTP.sys cannot open (1312), parameters it
//! refuses (87), a record that is not there (2). Those get a sentence that says what to do;
//! every other code is shown with its number and the system's text. This module has no
//! Windows calls, so the wording is tested everywhere.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::load::LoadError;
use crate::windows::marshal::{DecodeError, EncodeError};

/// `ERROR_FILE_NOT_FOUND`: an exact query or a delete of a record that does not exist.
pub const ERROR_FILE_NOT_FOUND: u32 = 2;
/// `ERROR_ACCESS_DENIED`: the process is not elevated.
pub const ERROR_ACCESS_DENIED: u32 = 5;
/// `ERROR_INVALID_FUNCTION`: a call this Windows version does not implement for the record.
pub const ERROR_INVALID_FUNCTION: u32 = 1;
/// `ERROR_NOT_SUPPORTED`.
pub const ERROR_NOT_SUPPORTED: u32 = 50;
/// `ERROR_INVALID_PARAMETER`: a structure, size or value HTTP.sys refuses, or a config ID the
/// running Windows does not know.
pub const ERROR_INVALID_PARAMETER: u32 = 87;
/// `ERROR_CALL_NOT_IMPLEMENTED`.
pub const ERROR_CALL_NOT_IMPLEMENTED: u32 = 120;
/// `ERROR_INSUFFICIENT_BUFFER`: the query buffer is too small; the needed size is returned.
pub const ERROR_INSUFFICIENT_BUFFER: u32 = 122;
/// `ERROR_ALREADY_EXISTS`: a set of a key that exists.
pub const ERROR_ALREADY_EXISTS: u32 = 183;
/// `ERROR_NO_MORE_ITEMS`: the end of an enumeration.
pub const ERROR_NO_MORE_ITEMS: u32 = 259;
/// `ERROR_NO_SUCH_LOGON_SESSION`: in HTTP.sys's mouth, a private key it cannot open.
pub const ERROR_NO_SUCH_LOGON_SESSION: u32 = 1312;

/// A Win32 error code with the system's text for it, when that was available.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Win32Error {
    /// The code.
    pub code: u32,
    /// The system's message (`FormatMessage`), when the error was met on Windows.
    pub system_text: Option<String>,
}

impl Win32Error {
    /// The error `code` without system text (the wording falls back to a built-in name).
    pub fn new(code: u32) -> Win32Error {
        Win32Error { code, system_text: None }
    }

    /// Whether this code says that the call or record kind is not supported by the running
    /// Windows version, so that a fallback should be tried.
    pub fn is_unsupported(&self) -> bool {
        matches!(
            self.code,
            ERROR_INVALID_FUNCTION
                | ERROR_NOT_SUPPORTED
                | ERROR_INVALID_PARAMETER
                | ERROR_CALL_NOT_IMPLEMENTED
        )
    }

    /// The system text, or a short built-in description of the common codes.
    fn text(&self) -> &str {
        if let Some(text) = self.system_text.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
            return text;
        }
        match self.code {
            ERROR_INVALID_FUNCTION => "Incorrect function.",
            ERROR_FILE_NOT_FOUND => "The system cannot find the file specified.",
            ERROR_ACCESS_DENIED => "Access is denied.",
            ERROR_NOT_SUPPORTED => "The request is not supported.",
            ERROR_INVALID_PARAMETER => "The parameter is incorrect.",
            ERROR_CALL_NOT_IMPLEMENTED => "This function is not supported on this system.",
            ERROR_INSUFFICIENT_BUFFER => "The data area passed to a system call is too small.",
            ERROR_ALREADY_EXISTS => "Cannot create a file when that file already exists.",
            ERROR_NO_MORE_ITEMS => "No more data is available.",
            ERROR_NO_SUCH_LOGON_SESSION => "A specified logon session does not exist.",
            _ => "no description available",
        }
    }
}

impl fmt::Display for Win32Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            ERROR_ACCESS_DENIED => {
                f.write_str("access denied: run sslbind from an elevated prompt (Run as administrator)")
            }
            ERROR_NO_SUCH_LOGON_SESSION => f.write_str(
                "the certificate's private key is missing or not accessible to HTTP.sys \
                 (\"A specified logon session does not exist\"): import the certificate with its \
                 private key into the LocalMachine store and let SYSTEM read the key",
            ),
            ERROR_INVALID_PARAMETER => write!(
                f,
                "HTTP.sys rejected the parameters (Win32 error 87: {}): a value it refuses, such as \
                 a certificate hash that is not 20 bytes or an unknown store, or a kind of record \
                 this Windows version does not support",
                self.text()
            ),
            ERROR_FILE_NOT_FOUND => f.write_str("no such mapping"),
            ERROR_ALREADY_EXISTS => f.write_str(
                "a mapping with this key already exists (it was made after sslbind read the \
                 machine: run the command again to see it)",
            ),
            code => write!(f, "Win32 error {code}: {}", self.text()),
        }
    }
}

impl std::error::Error for Win32Error {}

/// Why reading or changing the live machine failed. It implements [`std::error::Error`], so
/// `?` turns it into an `anyhow::Error` at the binary's edge.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// A call into the HTTP Server API, the certificate store or the registry failed.
    #[error("{action}: {error}")]
    Api {
        /// What sslbind was doing (`listing the IP mappings of HTTP.sys`).
        action: String,
        /// The Win32 error.
        error: Win32Error,
    },
    /// HTTP.sys answered with a structure sslbind will not read (a pointer outside the
    /// buffer, a string without its end).
    #[error("{action}: HTTP.sys returned a record sslbind cannot read safely: {error}")]
    Decode {
        /// What sslbind was doing.
        action: String,
        /// What is wrong with the structure.
        error: DecodeError,
    },
    /// A mapping cannot be written as an HTTP.sys structure (no certificate hash, no AppId).
    #[error("mapping {key} cannot be written: {error}")]
    Encode {
        /// The mapping's key as netsh prints it.
        key: String,
        /// What is missing.
        error: EncodeError,
    },
    /// A change failed; the changes before it were undone as far as possible.
    #[error("{}", apply_message(operation, error, *undone, undo_failures))]
    Apply {
        /// The operation that failed (`adding mapping 0.0.0.0:443`).
        operation: String,
        /// Why it failed.
        error: Win32Error,
        /// How many earlier operations were undone.
        undone: usize,
        /// Earlier operations (or a partial step) that could not be undone, described.
        undo_failures: Vec<String>,
    },
    /// Operations that were applied could not all be taken back.
    #[error("undoing the HTTP.sys changes failed for: {}", failures.join("; "))]
    Undo {
        /// The operations that stay applied, described with why.
        failures: Vec<String>,
    },
    /// A config file could not be read or parsed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A file or folder of the live machine could not be read.
    #[error("cannot read {}: {}", path.display(), io_message(source))]
    Io {
        /// The path.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The environment lacks what the live machine always has (`%windir%`).
    #[error("{0}")]
    Environment(String),
}

fn io_message(error: &io::Error) -> String {
    if error.kind() == io::ErrorKind::PermissionDenied {
        format!("{error}: run sslbind from an elevated prompt (Run as administrator)")
    } else {
        error.to_string()
    }
}

fn apply_message(operation: &str, error: &Win32Error, undone: usize, undo_failures: &[String]) -> String {
    let mut message = format!("{operation} failed: {error}");
    match (undone, undo_failures.is_empty()) {
        (0, true) => message.push_str("; nothing had been changed"),
        (1, true) => message.push_str("; the 1 change made before it was undone"),
        (n, true) => message.push_str(&format!("; the {n} changes made before it were undone")),
        (_, false) => {
            message.push_str("; undoing failed for: ");
            message.push_str(&undo_failures.join("; "));
            message.push_str(
                ". HTTP.sys may now hold part of the change: compare `sslbind mappings` with the plan",
            );
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_codes_say_what_to_do() {
        assert_eq!(
            Win32Error::new(5).to_string(),
            "access denied: run sslbind from an elevated prompt (Run as administrator)"
        );
        assert!(Win32Error::new(1312).to_string().starts_with(
            "the certificate's private key is missing or not accessible to HTTP.sys (\"A specified logon session does not exist\")"
        ));
        assert!(Win32Error::new(87).to_string().starts_with("HTTP.sys rejected the parameters ("));
        assert_eq!(Win32Error::new(2).to_string(), "no such mapping");
    }

    #[test]
    fn other_codes_show_number_and_text() {
        assert_eq!(
            Win32Error::new(122).to_string(),
            "Win32 error 122: The data area passed to a system call is too small."
        );
        assert_eq!(Win32Error::new(4242).to_string(), "Win32 error 4242: no description available");
        let with_text = Win32Error { code: 1168, system_text: Some("Element not found.\r\n".to_owned()) };
        assert_eq!(with_text.to_string(), "Win32 error 1168: Element not found.");
    }

    #[test]
    fn unsupported_codes_are_recognised() {
        assert!(Win32Error::new(87).is_unsupported());
        assert!(Win32Error::new(50).is_unsupported());
        assert!(!Win32Error::new(5).is_unsupported());
        assert!(!Win32Error::new(183).is_unsupported());
    }

    #[test]
    fn apply_errors_say_what_was_undone() {
        let error = LiveError::Apply {
            operation: "adding mapping 0.0.0.0:443".to_owned(),
            error: Win32Error::new(5),
            undone: 2,
            undo_failures: Vec::new(),
        };
        assert_eq!(
            error.to_string(),
            "adding mapping 0.0.0.0:443 failed: access denied: run sslbind from an elevated prompt \
             (Run as administrator); the 2 changes made before it were undone"
        );
        let error = LiveError::Apply {
            operation: "deleting mapping a:443".to_owned(),
            error: Win32Error::new(2),
            undone: 0,
            undo_failures: vec!["re-creating mapping b:443: no such mapping".to_owned()],
        };
        assert!(error.to_string().contains("undoing failed for: re-creating mapping b:443"), "{error}");
    }

    #[test]
    fn permission_denied_on_files_asks_for_elevation() {
        let error = LiveError::Io {
            path: PathBuf::from("applicationHost.config"),
            source: io::Error::from(io::ErrorKind::PermissionDenied),
        };
        assert!(error.to_string().contains("elevated prompt"), "{error}");
    }
}

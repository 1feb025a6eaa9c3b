//! The live Windows machine: HTTP.sys's SSL records through the HTTP Server API, the
//! LocalMachine certificate stores, the Central Certificate Store settings in the registry,
//! and the configs where IIS and IIS Express keep them.
//!
//! No machine that builds sslbind runs Windows, so this module is split by what can be
//! checked where (docs/windows.md#what-is-verified-here-and-what-is-not):
//!
//! - [`marshal`], [`apply`], [`configs`] and [`error`] are plain Rust over `windows-sys`
//!   *types*: turning HTTP.sys structures into model values and back, the order of calls and
//!   the undo of a failed plan, finding configs and interpreting registry values. They are
//!   compiled and unit-tested on every platform.
//! - `httpapi`, `certstore`, `registry` (the FFI calls) and the entry points
//!   `load_live_machine` and `apply_ops` exist only with `cfg(windows)`, or on other
//!   platforms with `--cfg sslbind_check_windows`, which type-checks every call against the
//!   real `windows-sys` signatures (`cargo check` never links). They run only on Windows.
//!
//! `unsafe` is allowed only in the three FFI modules, and every block there says why it is
//! sound.

pub mod apply;
pub mod configs;
pub mod error;
pub mod marshal;

#[cfg(any(windows, sslbind_check_windows))]
mod certstore;
#[cfg(any(windows, sslbind_check_windows))]
mod httpapi;
#[cfg(any(windows, sslbind_check_windows))]
mod live;
#[cfg(any(windows, sslbind_check_windows))]
mod registry;

pub use error::{LiveError, Win32Error};
#[cfg(any(windows, sslbind_check_windows))]
pub use live::{HttpSysStep, apply_ops, load_live_machine};

/// The [`Win32Error`] for `code` met on this machine, with the system's text for it.
#[cfg(any(windows, sslbind_check_windows))]
fn os_error(code: u32) -> Win32Error {
    let text = std::io::Error::from_raw_os_error(i32::from_ne_bytes(code.to_ne_bytes())).to_string();
    // std appends " (os error N)" to FormatMessage's text.
    let text = match text.rfind(" (os error ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    };
    Win32Error { code, system_text: Some(text) }
}

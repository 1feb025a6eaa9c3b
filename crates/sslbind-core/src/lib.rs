//! The I/O-free heart of sslbind: it turns the bytes of an IIS `applicationHost.config`, saved
//! `netsh http show sslcert` output and certificate files into one model of a machine, and
//! answers which HTTP.sys mapping and certificate every HTTPS binding really gets.
//!
//! Callers hand in bytes with a name for error messages; nothing here touches the file system,
//! the network, the registry or the clock (the current time is always a parameter).
//! Readers are lenient where real files are messy and return warnings beside their values;
//! where guessing would be wrong they fail with a [`SourceError`] naming file, line and column.

#![forbid(unsafe_code)]
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod certs;
pub mod diff;
pub mod doctor;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod httpsys;
pub mod iis;
pub mod model;
pub mod owners;
pub mod plan;
pub mod registry;
pub mod snapshot;
pub mod text;
pub mod uncertain;

pub use model::source::{Location, Origin, SourceError, SourceWarning};

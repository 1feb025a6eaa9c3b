//! The command-line tests of sslbind, in one binary: they run the real `sslbind` executable
//! the way users do and look at exit codes, standard output and standard error.
//!
//! `cargo test` runs what needs nothing but Rust. Tests that run other programs (python3,
//! hivexregedit, nginx, prlimit, unshare, promtool) are in the `external-tools` suite, and tests over the
//! shared corpus of real files in the `corpus` suite (see the README's Development section).

mod change;
mod cli;
#[cfg(feature = "corpus")]
mod corpus;
mod csv_format;
mod doctor;
mod doctor_summary;
mod example;
mod fleet;
// Needs util-linux's `unshare` and the right to make mount namespaces (root).
#[cfg(feature = "external-tools")]
mod external_atomic;
mod help;
mod hostile;
mod metrics;
mod output;
mod probe;
mod readers;
mod registry;
mod repair;
mod report;
mod reservations;
mod resolve;
mod settings;
mod shape;
mod snapshot;
mod tidy;
mod usage;
mod util;
mod value_options;

// Test support shared with sslbind-core's tests, in sslbind-live since it touches files and
// programs.
#[cfg(feature = "corpus")]
use sslbind_live::testing::corpus as shared_corpus;
#[cfg(feature = "external-tools")]
use sslbind_live::testing::hivex;

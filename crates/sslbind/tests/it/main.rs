//! The command-line tests of sslbind, in one binary: they run the real `sslbind` executable
//! the way users do and look at exit codes, standard output and standard error.
//!
//! `cargo test` runs what needs nothing but Rust. Tests that run other programs (python3,
//! hivexregedit, nginx, prlimit, unshare) are in the `external-tools` suite, and tests over the
//! shared corpus of real files in the `corpus` suite (see the README's Development section).

// The argument structs and value parsers of the binary, to look at what clap parsed.
#[path = "../../src/cli.rs"]
#[allow(dead_code)]
mod args;
mod change;
mod cli;
#[cfg(feature = "corpus")]
mod corpus;
mod doctor;
mod example;
// Needs util-linux's `unshare` and the right to make mount namespaces (root).
#[cfg(feature = "external-tools")]
mod external_atomic;
mod help;
#[cfg(feature = "external-tools")]
#[path = "../../../sslbind-core/tests/it/hivex.rs"]
mod hivex;
mod hostile;
// The writers of the example and scale machines, for tests that need netsh text.
#[path = "../../examples/machine_writer/mod.rs"]
#[allow(dead_code)]
mod machine_writer;
mod output;
mod probe;
mod readers;
mod registry;
mod reservations;
mod resolve;
mod shape;
#[cfg(feature = "corpus")]
#[path = "../../../sslbind-core/tests/it/shared_corpus.rs"]
#[allow(dead_code)]
mod shared_corpus;
mod snapshot;
mod tidy;
mod util;
mod value_options;
#[path = "../../src/values.rs"]
#[allow(dead_code)]
mod values;

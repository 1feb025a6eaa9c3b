//! The command-line tests of sslbind, in one binary: they run the real `sslbind` executable
//! the way users do and look at exit codes, standard output and standard error.

mod change;
mod cli;
mod corpus;
mod doctor;
mod example;
mod hostile;
// The writers of the example and scale machines, for tests that need netsh text.
#[path = "../../examples/machine_writer/mod.rs"]
#[allow(dead_code)]
mod machine_writer;
mod probe;
mod readers;
mod registry;
mod reservations;
mod resolve;
mod snapshot;
mod tidy;
mod util;

//! The integration tests of sslbind-core, in one binary (one link, one place to look).
//!
//! Each module covers one area through the public API with small inline fixtures; the
//! tests named `corpus…` read the shared corpus of real files and run only in the `corpus`
//! suite (`--features corpus`); the hive tests also run against hivex's hives in the
//! `external-tools` suite.

mod analysis;
mod authority;
mod certs;
mod choice;
mod doctor;
mod edit;
mod fleet;
mod fuzz;
mod hive;
mod iis;
mod metrics;
mod netsh;
mod plan;
mod registry;
mod repair;
mod resolve;
mod script;
mod settings;
mod support;
mod tidy;
mod urlacl;
mod usage;
mod verify;

// Test support shared with sslbind's tests, in sslbind-live since it touches files and programs.
#[cfg(feature = "corpus")]
use sslbind_live::testing::corpus as shared_corpus;
#[cfg(feature = "external-tools")]
use sslbind_live::testing::hivex;

//! The integration tests of sslbind-core, in one binary (one link, one place to look).
//!
//! Each module covers one area through the public API with small inline fixtures; the
//! tests named `corpus…` read the shared corpus of real files and run only in the `corpus`
//! suite (`--features corpus`); the hive tests also run against hivex's hives in the
//! `external-tools` suite.

mod analysis;
mod authority;
mod certs;
mod doctor;
mod edit;
mod fuzz;
mod hive;
#[cfg(feature = "external-tools")]
mod hivex;
mod iis;
mod netsh;
mod plan;
mod registry;
mod resolve;
mod script;
#[cfg(feature = "corpus")]
mod shared_corpus;
mod support;
mod tidy;
mod urlacl;

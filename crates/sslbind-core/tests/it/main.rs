//! The integration tests of sslbind-core, in one binary (one link, one place to look).
//!
//! Each module covers one area through the public API with small inline fixtures; the
//! `corpus` module runs the readers over `../shared/fixtures` when `SSLBIND_CORPUS` is set.

mod analysis;
mod certs;
mod doctor;
mod edit;
mod fuzz;
mod hive;
mod iis;
mod netsh;
mod plan;
mod registry;
mod resolve;
mod script;
mod support;
mod urlacl;

//! Test support shared by the test binaries and benchmarks of the three crates, behind the
//! `testing` feature (their dev-dependencies turn it on; the binary never has it): finding the
//! shared corpus, writing hives with hivex, TLS servers on 127.0.0.1 for the probe, a
//! PostgreSQL server for the fleet database, and the mapping with every setting that the
//! settings tests of all three crates read. It lives
//! here because it touches files, programs and sockets, which `sslbind-core` must not.
//!
//! Unlike the rest of the crate these functions panic on failure, with a message that says
//! what to install or set: a test that cannot get what it needs must fail, never skip.

pub mod corpus;
pub mod hivex;
pub mod postgres;
pub mod settings;
pub mod tls_server;

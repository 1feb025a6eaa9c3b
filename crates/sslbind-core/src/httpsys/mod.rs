//! The HTTP.sys SSL store as collected from a machine.
//!
//! HTTP.sys keeps its certificate mappings out of sight of IIS; users can only show them to
//! sslbind through what they collect from the machine. Each reader here turns one such
//! collection into [`Mapping`](crate::model::Mapping) values with warnings beside them, and
//! keeps the origin of every record so that findings can point at the line to look at.

mod netsh;

pub use netsh::{NetshRead, read_netsh};

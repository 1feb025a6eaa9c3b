//! The HTTP.sys SSL store, URL reservations and excluded port ranges as collected from a
//! machine.
//!
//! HTTP.sys keeps its certificate mappings out of sight of IIS; users can only show them to
//! sslbind through what they collect from the machine. Each reader here turns one such
//! collection into model values with warnings beside them, and keeps the origin of every
//! record so that findings can point at the line to look at.

pub(crate) mod command;
pub mod excluded_ports;
mod netsh;
pub mod urlacl;

pub use excluded_ports::{ExcludedPortsRead, read_excluded_ports};
pub use netsh::{NetshRead, parse_mapping_key, read_netsh};
pub use urlacl::{UrlAclRead, best_reservation, parse_url_prefix, read_urlacl};

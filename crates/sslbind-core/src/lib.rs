//! The I/O-free heart of sslbind: it turns the bytes of an IIS `applicationHost.config`, saved
//! `netsh http show sslcert` output and certificate files into one model of a machine, and
//! answers which HTTP.sys mapping and certificate every HTTPS binding really gets.
//!
//! Callers hand in bytes with a name for error messages; nothing here touches the file system,
//! the network, the registry or the clock (the current time is always a parameter).
//! Readers are lenient where real files are messy and return warnings beside their values;
//! where guessing would be wrong they fail with a [`SourceError`] naming file, line and column.
//!
//! The path through the crate: a reader per source ([`iis::read_config`],
//! [`httpsys::read_netsh`], [`certs::read_certificates`], [`registry`], [`snapshot`]) fills a
//! [`model::Machine`]; [`analysis::analyze`] says, for every binding, which mapping HTTP.sys
//! selects and so which certificate clients get; [`doctor::diagnose`] turns that into findings
//! and [`plan`] into changes. Here one HTTPS binding and the saved mapping that serves it:
//!
//! ```
//! use std::sync::Arc;
//!
//! use sslbind_core::analysis::{analyze, selection::UnknownCcsFolder};
//! use sslbind_core::model::{Machine, Thumbprint};
//! use sslbind_core::uncertain::SelectionAssumptions;
//! use sslbind_core::{httpsys, iis};
//!
//! let config = r#"<configuration><system.applicationHost><sites>
//!   <site name="shop" id="1">
//!     <bindings>
//!       <binding protocol="http" bindingInformation="*:80:shop.example.com" />
//!       <binding protocol="https" bindingInformation="*:443:shop.example.com" sslFlags="1" />
//!     </bindings>
//!   </site>
//! </sites></system.applicationHost></configuration>"#;
//! // As `netsh http show sslcert > sslcert.txt` saved it (fields a reader does not need left out).
//! let netsh = "
//! SSL Certificate bindings:
//! -------------------------
//!
//!     Hostname:port                : shop.example.com:443
//!     Certificate Hash             : 1b8c2aa4c3d87da6f0a2c1b5e3d0f9a8b7c6d5e4
//!     Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
//!     Certificate Store Name       : WebHosting
//! ";
//!
//! let mut machine = Machine::default();
//! let config = iis::read_config(&Arc::from("applicationHost.config"), config.as_bytes(), None)?;
//! machine.configs.push(config.config);
//! machine.mappings = httpsys::read_netsh(&Arc::from("sslcert.txt"), netsh.as_bytes())?.mappings;
//! machine.mappings_known = true;
//!
//! let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
//! // One analysis per binding of every site, in document order.
//! let bindings = machine.sites().flat_map(|(_, site)| &site.bindings);
//! for (binding, result) in bindings.zip(&analysis.bindings) {
//!     match result.certificate_hash {
//!         Some(hash) => println!("{} {}: certificate {hash}", binding.protocol, binding.information),
//!         None => println!("{} {}: no certificate", binding.protocol, binding.information),
//!     }
//! }
//! let https = &analysis.bindings[1];
//! let expected: Thumbprint = "1B8C2AA4C3D87DA6F0A2C1B5E3D0F9A8B7C6D5E4".parse()?;
//! assert_eq!(https.certificate_hash, Some(expected));
//! assert_eq!(analysis.bindings[0].certificate_hash, None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod authority;
pub mod certs;
mod command;
pub mod diff;
pub mod doctor;
pub mod fleet;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod httpsys;
pub mod iis;
pub mod metrics;
pub mod model;
pub mod owners;
pub mod plan;
pub mod registry;
pub mod repair;
pub mod snapshot;
pub mod text;
pub mod uncertain;
pub mod verify;

pub use model::source::{Location, Origin, Position, SourceError, SourceErrorKind, SourceWarning};

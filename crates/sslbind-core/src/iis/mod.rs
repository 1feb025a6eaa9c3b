//! applicationHost.config (IIS and IIS Express): reading sites and bindings.
//!
//! This is the one place that knows the file's XML layout and the `bindingInformation`
//! grammar; everything downstream works on [`crate::model`] values that remember the file,
//! line and column they came from.

mod binding_info;
mod config;
pub mod edit;
mod position;

pub use binding_info::parse_binding_information;
pub use config::{ConfigRead, detect_flavor, invalid_binding_errors, read_config};
pub use edit::{EditError, add_binding, has_binding, remove_binding, remove_site, set_binding_attribute};

//! `foreign-mapping-in-use`: not written yet.

use crate::doctor::{Context, Finding};

/// The explanation `sslbind explain foreign-mapping-in-use` prints.
pub const EXPLANATION: &str = "not written yet";

/// Reports nothing yet.
pub fn check(_context: &Context<'_>, _findings: &mut Vec<Finding>) {}

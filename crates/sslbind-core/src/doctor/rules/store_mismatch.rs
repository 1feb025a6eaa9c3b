//! `store-mismatch`: not written yet.

use crate::doctor::{Context, Finding};

/// The explanation `sslbind explain store-mismatch` prints.
pub const EXPLANATION: &str = "not written yet";

/// Reports nothing yet.
pub fn check(_context: &Context<'_>, _findings: &mut Vec<Finding>) {}

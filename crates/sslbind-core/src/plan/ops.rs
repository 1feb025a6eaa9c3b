//! Mapping operations: what a plan does to HTTP.sys, one record at a time.

use crate::model::mapping::{Mapping, MappingKey};

/// One change to HTTP.sys.
// A plan holds a handful of operations; boxing the two mappings of `Replace` would cost
// clarity everywhere they are matched and save nothing that matters.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MappingOp {
    /// Create a record that does not exist.
    Add(Mapping),
    /// Change an existing record into another with the same key.
    Replace {
        /// The record as it is.
        before: Mapping,
        /// The record as it will be.
        after: Mapping,
    },
    /// Delete an existing record.
    Delete(Mapping),
}

impl MappingOp {
    /// The key the operation is about.
    pub fn key(&self) -> &MappingKey {
        match self {
            MappingOp::Add(mapping) | MappingOp::Delete(mapping) => &mapping.key,
            MappingOp::Replace { after, .. } => &after.key,
        }
    }
}

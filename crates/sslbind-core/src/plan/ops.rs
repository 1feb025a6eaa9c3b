//! Mapping operations: what a plan does to HTTP.sys, one record at a time.

use crate::command::{Cmd, cmd};
use crate::httpsys::command::{netsh_urlacl_add, netsh_urlacl_delete};
pub(crate) use crate::httpsys::urlacl::reservation_url;
use crate::model::mapping::{Mapping, MappingKey};

/// One change to HTTP.sys.
// A plan holds a handful of operations; boxing the two mappings of `Replace` would cost
// clarity everywhere they are matched and save nothing that matters.
// Not `#[non_exhaustive]`: sslbind-live applies each operation to HTTP.sys and its match
// must fail to compile when an operation is added.
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

// Not `#[non_exhaustive]`: the binary names each operation in its JSON contract, and its
// match must fail to compile when one is added.
/// One change to HTTP.sys's URL reservations (`netsh http add|delete urlacl`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlAclOp {
    /// Reserve `url` for `user` (listen rights).
    Add {
        /// The URL prefix, e.g. `https://lextudio.com:4431/`.
        url: String,
        /// The account, e.g. `Everyone`.
        user: String,
    },
    /// Delete the reservation of `url`.
    Delete {
        /// The URL prefix exactly as the reservation names it.
        url: String,
    },
}

impl UrlAclOp {
    /// The URL the operation is about.
    pub fn url(&self) -> &str {
        match self {
            UrlAclOp::Add { url, .. } | UrlAclOp::Delete { url } => url,
        }
    }

    /// The netsh command, for a person to read or paste into cmd.exe (quoted for its prompt).
    pub fn netsh_command(&self) -> String {
        match self {
            UrlAclOp::Add { url, user } => cmd(&netsh_urlacl_add(url, user), Cmd::Prompt),
            UrlAclOp::Delete { url } => cmd(&netsh_urlacl_delete(url), Cmd::Prompt),
        }
    }
}

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

    /// The netsh command, for a person to read or paste into cmd.exe or PowerShell.
    pub fn netsh_command(&self) -> String {
        match self {
            UrlAclOp::Add { url, user } => format!("netsh http add urlacl url={url} user={user}"),
            UrlAclOp::Delete { url } => format!("netsh http delete urlacl url={url}"),
        }
    }
}

/// The URL an IIS Express http or https binding registers and needs a reservation for
/// (`https://lextudio.com:4431/`, `http://*:8080/` for any host); `None` for IIS, other
/// protocols, unparsed end points and `localhost`, which needs none.
pub fn reservation_url(
    flavor: crate::model::machine::ServerFlavor,
    binding: &crate::model::binding::Binding,
) -> Option<String> {
    if flavor != crate::model::machine::ServerFlavor::IisExpress {
        return None;
    }
    let endpoint = binding.http_endpoint()?;
    if endpoint.specific_host().is_some_and(|host| host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    listen_url(binding)
}

/// The URL an http or https binding registers with HTTP.sys: `PROTOCOL://HOST:PORT/`, with `*`
/// for a binding that takes any host; `None` for other protocols or an unparsed binding.
pub fn listen_url(binding: &crate::model::binding::Binding) -> Option<String> {
    if !binding.is_http_family() {
        return None;
    }
    let endpoint = binding.http_endpoint()?;
    let host = endpoint.specific_host().unwrap_or("*");
    Some(format!(
        "{}://{}:{}/",
        binding.protocol.to_ascii_lowercase(),
        host.to_ascii_lowercase(),
        endpoint.port
    ))
}

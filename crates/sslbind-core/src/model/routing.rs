//! How a binding matched a request when IIS routes it to a site: by its address part and by
//! its host part. Plain data, so that the routing order (an assumption, in `uncertain`) and
//! the routing itself (in `analysis::resolve`) can both name these without depending on each
//! other.

/// How a binding's address part matched the local address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressMatch {
    /// The binding names exactly the local address.
    Specific,
    /// The binding's address is `*` (or empty): all unassigned addresses.
    AllUnassigned,
}

/// How a binding's host part matched the `Host` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostMatch {
    /// The same host, compared case-insensitively.
    Exact,
    /// An IIS 10 wildcard host such as `*.example.com`.
    Wildcard,
    /// An empty host or the lone `*`: any host.
    Any,
}

impl HostMatch {
    /// How this match is described to users.
    pub fn describe(self) -> &'static str {
        match self {
            HostMatch::Exact => "exact host",
            HostMatch::Wildcard => "wildcard host",
            HostMatch::Any => "any host",
        }
    }
}

impl AddressMatch {
    /// How this match is described to users.
    pub fn describe(self) -> &'static str {
        match self {
            AddressMatch::Specific => "specific IP",
            AddressMatch::AllUnassigned => "all unassigned (*)",
        }
    }
}

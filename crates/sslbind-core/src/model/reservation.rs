//! What decides whether a server may listen at all: HTTP.sys URL reservations (`netsh http
//! show urlacl`) and the TCP port ranges Windows has excluded (`netsh int ipv4 show
//! excludedportrange`). IIS Express needs a reservation to listen on a host other than
//! `localhost` without elevation, and no server can bind a port inside an excluded range.

use std::fmt;
use std::net::IpAddr;

use crate::model::source::Origin;

/// One URL reservation (`Reserved URL` in netsh).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlReservation {
    /// The URL prefix as written, e.g. `https://+:443/ReportServer/`.
    pub url: String,
    /// The parsed prefix; `None` when the text is not a URL prefix (kept, with a warning).
    pub prefix: Option<UrlPrefix>,
    /// The users and their rights.
    pub users: Vec<ReservationUser>,
    /// The security descriptor in SDDL, when the source gave one.
    pub sddl: Option<String>,
    /// Where it was read.
    pub origin: Origin,
}

/// A user of a reservation and the rights it grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReservationUser {
    /// The account, e.g. `\Everyone` or `NT SERVICE\ReportServer`.
    pub name: String,
    /// May listen on the URL.
    pub listen: Option<bool>,
    /// May delegate the URL.
    pub delegate: Option<bool>,
}

/// An HTTP.sys URL prefix: `scheme://host:port/path/`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct UrlPrefix {
    /// `http` or `https`, lowercase.
    pub scheme: String,
    /// The host part.
    pub host: PrefixHost,
    /// The port.
    pub port: u16,
    /// The path, starting and ending with `/`.
    pub path: String,
}

/// The host part of a URL prefix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PrefixHost {
    /// `+`: every host name, before any explicit host.
    StrongWildcard,
    /// `*`: every host name no other prefix claims.
    WeakWildcard,
    /// A host name, lowercase.
    Name(String),
    /// An IP address.
    Ip(IpAddr),
}

impl fmt::Display for UrlPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = match &self.host {
            PrefixHost::StrongWildcard => "+".to_owned(),
            PrefixHost::WeakWildcard => "*".to_owned(),
            PrefixHost::Name(name) => name.clone(),
            PrefixHost::Ip(IpAddr::V4(ip)) => ip.to_string(),
            PrefixHost::Ip(IpAddr::V6(ip)) => format!("[{ip}]"),
        };
        write!(f, "{}://{host}:{}{}", self.scheme, self.port, self.path)
    }
}

/// A range of ports Windows keeps from every program (`netsh int ipv4 show
/// excludedportrange protocol=tcp`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExcludedPortRange {
    /// The first port.
    pub start: u16,
    /// The last port, inclusive.
    pub end: u16,
    /// Marked `*`: an administered exclusion, added by an administrator with `netsh int ipv4
    /// add excludedportrange`, rather than taken dynamically by Hyper-V, WinNAT or another
    /// program.
    pub administered: bool,
    /// Where it was read.
    pub origin: Origin,
}

impl ExcludedPortRange {
    /// Whether `port` lies in the range.
    pub fn contains(&self, port: u16) -> bool {
        self.start <= port && port <= self.end
    }
}

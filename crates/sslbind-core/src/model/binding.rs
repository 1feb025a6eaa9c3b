//! IIS sites and their bindings as `applicationHost.config` holds them.
//!
//! A binding keeps its protocol and `bindingInformation` text exactly as written, because that
//! pair is its identity in IIS. Only http and https (and ftp, which shares the grammar) are
//! parsed into an end point; every other protocol's text stays opaque.

use std::fmt;
use std::net::IpAddr;

use crate::model::flags::SslFlags;
use crate::model::source::Origin;

/// A `<site>` element.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Site {
    /// The `name` attribute.
    pub name: String,
    /// The `id` attribute, when present and numeric.
    pub id: Option<u32>,
    /// The bindings in document order.
    pub bindings: Vec<Binding>,
    /// Whether `<bindings>` starts with `<clear/>`, dropping inherited bindings.
    pub bindings_cleared: bool,
    /// The `<site>` start tag.
    pub origin: Origin,
}

/// A `<binding>` element.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Binding {
    /// The `protocol` attribute as written (`https`, `net.tcp`, …).
    pub protocol: String,
    /// The `bindingInformation` attribute as written.
    pub information: String,
    /// The `sslFlags` attribute; 0 when absent.
    pub ssl_flags: SslFlags,
    /// The parsed end point, for the protocols that have the `IP:port:host` grammar.
    pub endpoint: BindingEndpoint,
    /// The `bindingInformation` value (or the element when the attribute is missing).
    pub origin: Origin,
}

impl Binding {
    /// Whether this binding speaks HTTPS and so needs an HTTP.sys certificate mapping.
    pub fn is_https(&self) -> bool {
        self.protocol.eq_ignore_ascii_case("https")
    }

    /// Whether the protocol uses the HTTP `IP:port:host` grammar (http or https).
    pub fn is_http_family(&self) -> bool {
        self.protocol.eq_ignore_ascii_case("http") || self.is_https()
    }

    /// The parsed end point, when there is one.
    pub fn http_endpoint(&self) -> Option<&HttpEndpoint> {
        match &self.endpoint {
            BindingEndpoint::Http(endpoint) => Some(endpoint),
            BindingEndpoint::Invalid { .. } | BindingEndpoint::Opaque => None,
        }
    }
}

/// What a binding's `bindingInformation` means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BindingEndpoint {
    /// `IP:port:host` parsed (http, https, ftp).
    Http(HttpEndpoint),
    /// An http or https binding whose text does not parse; `reason` says why.
    Invalid {
        /// What is wrong, as a sentence fragment.
        reason: String,
    },
    /// A protocol with its own grammar (net.tcp, net.pipe, msmq, …), kept as text, or an ftp
    /// binding whose text is not `IP:port:host`.
    Opaque,
}

/// The `IP:port:host` of an http, https or ftp binding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HttpEndpoint {
    /// The address part.
    pub address: BindingAddress,
    /// The port, 1 to 65535.
    pub port: u16,
    /// The host header as written; empty means any host. `*.example.com` is an IIS 10
    /// wildcard host; a lone `*` (IIS Express) also means any host.
    pub host: String,
}

impl HttpEndpoint {
    /// The host, unless it is empty or the lone `*` that means any host.
    pub fn specific_host(&self) -> Option<&str> {
        match self.host.as_str() {
            "" | "*" => None,
            host => Some(host),
        }
    }

    /// Whether the host is an IIS 10 wildcard such as `*.example.com`.
    pub fn has_wildcard_host(&self) -> bool {
        self.host.starts_with("*.")
    }
}

impl fmt::Display for HttpEndpoint {
    /// The `bindingInformation` text IIS would store: `IP:port:host`, with an empty address
    /// kept empty (unlike [`BindingAddress`]'s display, which shows it as `*`), IPv6 in
    /// brackets and the port without leading zeros. Parsing it gives this end point back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.address {
            BindingAddress::Empty => {}
            address => write!(f, "{address}")?,
        }
        write!(f, ":{}:{}", self.port, self.host)
    }
}

/// The address part of `IP:port:host`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BindingAddress {
    /// `*`: all unassigned addresses.
    AllUnassigned,
    /// Nothing before the first colon (`:8080:localhost`). IIS treats it as all unassigned;
    /// sslbind does the same and says so.
    Empty,
    /// A specific IPv4 address or bracketed IPv6 address.
    Ip(IpAddr),
}

impl BindingAddress {
    /// The specific address, if any.
    pub fn ip(self) -> Option<IpAddr> {
        match self {
            BindingAddress::Ip(ip) => Some(ip),
            BindingAddress::AllUnassigned | BindingAddress::Empty => None,
        }
    }
}

impl fmt::Display for BindingAddress {
    /// `*` for all unassigned (also when written empty), the address otherwise; IPv6 in
    /// brackets as in `bindingInformation`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BindingAddress::AllUnassigned | BindingAddress::Empty => f.write_str("*"),
            BindingAddress::Ip(IpAddr::V4(ip)) => write!(f, "{ip}"),
            BindingAddress::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
        }
    }
}

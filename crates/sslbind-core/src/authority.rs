//! The host and port of an `https://` URL (the authority of RFC 3986 §3.2), parsed in one
//! place for everything that takes such a URL: `resolve`, `probe` and the command line.
//!
//! One parser per grammar: every piece of the authority is decided here, once (host names,
//! IPv4, bracketed IPv6, the port, user information refused), and the pieces other grammars
//! share with it ([`bracketed_ipv6`], [`parse_port`], [`ip_literal`]) are used by them rather
//! than written again. The URL reservations of HTTP.sys (`httpsys::urlacl`, with their `+` and
//! `*` hosts) and IIS's `bindingInformation` (`iis::binding_info`) keep grammars of their own,
//! built on those pieces.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The host of a URL, normalised: a name in lowercase without one trailing dot, or an address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    /// A host name: ASCII letters, digits, `-` and `_` in non-empty labels (an
    /// internationalised name in its `xn--` form).
    Name(String),
    /// An IPv4 address, or an IPv6 address written in brackets.
    Ip(IpAddr),
}

impl Host {
    /// The address, when the host is one.
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            Host::Name(_) => None,
            Host::Ip(ip) => Some(*ip),
        }
    }
}

/// The host as the model and the network want it: the name, or the address (IPv6 without
/// brackets, in canonical form).
impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(name) => f.write_str(name),
            Host::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// `host[:port]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authority {
    /// The host.
    pub host: Host,
    /// The port, when one is written (`host:` with nothing after the colon names none).
    pub port: Option<u16>,
}

/// Why a text is not an authority.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthorityError {
    /// Nothing before the port.
    #[error("no host")]
    NoHost,
    /// `user@host`: credentials have no place in the URL of a handshake.
    #[error("user information (`user@`) is not allowed")]
    UserInfo,
    /// `[` without its `]`.
    #[error("an IPv6 address must be closed with `]`")]
    UnclosedBracket,
    /// The text in brackets is not an IPv6 address.
    #[error("`{0}` is not an IPv6 address")]
    NotIpv6(String),
    /// Text after `]` that is not `:port`.
    #[error("unexpected `{0}` after the IPv6 address")]
    AfterIpv6(String),
    /// An IPv6 address without brackets, whose colons cannot be told from the port's.
    #[error("the IPv6 address `{0}` must be written in brackets")]
    UnbracketedIpv6(String),
    /// A host name with a character outside ASCII.
    #[error("`{0}` is not ASCII: give an internationalised name in its xn-- form")]
    NotAscii(String),
    /// A host name with a character no host name has.
    #[error("`{0}` cannot appear in a host name")]
    Character(char),
    /// A host name with an empty label (`a..b`, `.a`, or two trailing dots).
    #[error("`{0}` has an empty label")]
    EmptyLabel(String),
    /// The port is not a number from 1 to 65535.
    #[error("`{0}` is not a port (1 to 65535)")]
    Port(String),
}

/// Parses `host[:port]`: a host name, an IPv4 address or a bracketed IPv6 address, and a port
/// of digits only from 1 to 65535 (an empty one after the colon counts as none).
pub fn parse_authority(text: &str) -> Result<Authority, AuthorityError> {
    if text.contains('@') {
        return Err(AuthorityError::UserInfo);
    }
    let (host, port_text) = match bracketed_ipv6(text) {
        Some(Ok((address, after))) => {
            let port_text = match after {
                "" => None,
                _ => {
                    Some(after.strip_prefix(':').ok_or_else(|| AuthorityError::AfterIpv6(after.to_owned()))?)
                }
            };
            (Host::Ip(IpAddr::V6(address)), port_text)
        }
        Some(Err(BracketError::Unclosed)) => return Err(AuthorityError::UnclosedBracket),
        Some(Err(BracketError::NotIpv6(inside))) => return Err(AuthorityError::NotIpv6(inside.to_owned())),
        None => {
            if text.parse::<Ipv6Addr>().is_ok() {
                return Err(AuthorityError::UnbracketedIpv6(text.to_owned()));
            }
            let (host, port_text) = match text.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (text, None),
            };
            (parse_host_name(host)?, port_text)
        }
    };
    let port = match port_text {
        None | Some("") => None,
        Some(port) => Some(parse_port(port).ok_or_else(|| AuthorityError::Port(port.to_owned()))?),
    };
    Ok(Authority { host, port })
}

/// A host name or IPv4 address, checked and normalised.
fn parse_host_name(host: &str) -> Result<Host, AuthorityError> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return Err(AuthorityError::NoHost);
    }
    if let Ok(address) = host.parse::<Ipv4Addr>() {
        return Ok(Host::Ip(IpAddr::V4(address)));
    }
    if !host.is_ascii() {
        return Err(AuthorityError::NotAscii(host.to_owned()));
    }
    if let Some(bad) = host.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(AuthorityError::Character(bad));
    }
    if host.split('.').any(str::is_empty) {
        return Err(AuthorityError::EmptyLabel(host.to_owned()));
    }
    Ok(Host::Name(host.to_ascii_lowercase()))
}

/// An `https://host[:port][/path]` URL's host and port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpsUrl {
    /// The host.
    pub host: Host,
    /// The port, 443 when the URL names none.
    pub port: u16,
}

/// Why a text is not an `https://` URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// No `scheme://`.
    #[error("not a URL: expected one such as https://www.example.com/")]
    NotUrl,
    /// `http://`, which makes no TLS handshake and has no certificate.
    #[error("plain HTTP, which makes no TLS handshake and has no certificate")]
    PlainHttp,
    /// Another scheme.
    #[error("the scheme must be https, not `{0}`")]
    Scheme(String),
    /// The authority.
    #[error(transparent)]
    Authority(#[from] AuthorityError),
}

/// Parses `https://host[:port][/path][?query][#fragment]` (the scheme in any case, blanks
/// around the URL ignored): its authority by [`parse_authority`], the port 443 when none is
/// written; path, query and fragment are ignored.
pub fn parse_https_url(text: &str) -> Result<HttpsUrl, UrlError> {
    let (scheme, rest) = text.trim().split_once("://").ok_or(UrlError::NotUrl)?;
    if scheme.eq_ignore_ascii_case("http") {
        return Err(UrlError::PlainHttp);
    }
    if !scheme.eq_ignore_ascii_case("https") {
        return Err(UrlError::Scheme(scheme.to_owned()));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let Authority { host, port } = parse_authority(authority)?;
    Ok(HttpsUrl { host, port: port.unwrap_or(443) })
}

/// Why a `[` does not open an IPv6 address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BracketError<'a> {
    /// No `]` follows.
    Unclosed,
    /// What the brackets hold is not an IPv6 address.
    NotIpv6(&'a str),
}

/// A bracketed IPv6 address at the start of `text` (`[2001:db8::1]:443`): `None` when `text`
/// does not start with `[`, else the address and the text after `]`, or why not. The one
/// place brackets are taken off an address, for every grammar that writes them.
pub fn bracketed_ipv6(text: &str) -> Option<Result<(Ipv6Addr, &str), BracketError<'_>>> {
    let inner = text.strip_prefix('[')?;
    let Some((inside, after)) = inner.split_once(']') else {
        return Some(Err(BracketError::Unclosed));
    };
    Some(
        inside.parse::<Ipv6Addr>().map(|address| (address, after)).map_err(|_| BracketError::NotIpv6(inside)),
    )
}

/// A port: digits only (Rust's parser would also take a leading `+`), from 1 to 65535.
pub fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok().filter(|port| *port != 0)
}

/// An IP address written alone or as a URL writes it: `10.0.0.5`, `2001:db8::5` or
/// `[2001:db8::5]` (brackets hold IPv6 only).
pub fn ip_literal(text: &str) -> Option<IpAddr> {
    match bracketed_ipv6(text) {
        Some(Ok((address, ""))) => Some(IpAddr::V6(address)),
        Some(_) => None,
        None => text.parse().ok(),
    }
}

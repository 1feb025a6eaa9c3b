//! The `bindingInformation` grammar of http and https bindings (`IP:port:host`).
//!
//! The text is split from the right, as IIS and Jexus Manager do, so that a bracketed IPv6
//! address keeps its colons. Anything IIS itself would not accept for http or https becomes
//! [`BindingEndpoint::Invalid`] with a short reason, because guessing an end point there would
//! pair the binding with the wrong certificate mapping. ftp shares the grammar but is no HTTP
//! binding, so an ftp text that does not fit stays opaque instead of being called invalid.

use std::net::{IpAddr, Ipv4Addr};

use crate::authority::{BracketError, bracketed_ipv6};
use crate::model::{BindingAddress, BindingEndpoint, HttpEndpoint};

/// Parses a `bindingInformation` for `protocol`.
///
/// http and https (in any case) give [`BindingEndpoint::Http`] or
/// [`BindingEndpoint::Invalid`]; ftp gives [`BindingEndpoint::Http`] when the text fits the
/// same grammar and [`BindingEndpoint::Opaque`] otherwise; every other protocol (net.tcp,
/// net.pipe, msmq, unknown ones) is [`BindingEndpoint::Opaque`], because each has a grammar
/// of its own that sslbind has no use for.
pub fn parse_binding_information(protocol: &str, text: &str) -> BindingEndpoint {
    if protocol.eq_ignore_ascii_case("http") || protocol.eq_ignore_ascii_case("https") {
        match parse_endpoint(text) {
            Ok(endpoint) => BindingEndpoint::Http(endpoint),
            Err(reason) => BindingEndpoint::Invalid { reason },
        }
    } else if protocol.eq_ignore_ascii_case("ftp") {
        parse_endpoint(text).map_or(BindingEndpoint::Opaque, BindingEndpoint::Http)
    } else {
        BindingEndpoint::Opaque
    }
}

/// `IP:port:host`, or why not.
fn parse_endpoint(text: &str) -> Result<HttpEndpoint, String> {
    if text.is_empty() {
        return Err("expected IP:port:host, found an empty value".to_owned());
    }
    // IIS does not trim: a stray space would become part of the address or the host header
    // and the binding would silently never match a request.
    if text.chars().any(char::is_whitespace) {
        return Err(format!("{} contains whitespace", quoted(text)));
    }
    // Split from the right, an IPv6 host would lose its colons to the port and address.
    if text.ends_with(']') {
        return Err("expected IP:port:host, found an IPv6 host (only the address can be IPv6)".to_owned());
    }
    let (rest, host) =
        text.rsplit_once(':').ok_or_else(|| "expected IP:port:host, found no colon".to_owned())?;
    let (address, port) =
        rest.rsplit_once(':').ok_or_else(|| "expected IP:port:host, found one colon".to_owned())?;
    Ok(HttpEndpoint {
        address: parse_address(address)?,
        port: parse_port(port)?,
        host: check_host(host)?.to_owned(),
    })
}

fn parse_address(address: &str) -> Result<BindingAddress, String> {
    match address {
        "*" => return Ok(BindingAddress::AllUnassigned),
        "" => return Ok(BindingAddress::Empty),
        _ => {}
    }
    match bracketed_ipv6(address) {
        Some(Ok((ip, ""))) => return Ok(BindingAddress::Ip(IpAddr::V6(ip))),
        Some(Err(BracketError::NotIpv6(_))) => {
            return Err(format!("address {} is not an IPv6 address", quoted(address)));
        }
        // `[::1` or `[::1]x`: the brackets do not enclose the address.
        Some(Ok(_) | Err(BracketError::Unclosed)) | None => {}
    }
    if address.contains(':') {
        return Err(format!("IPv6 address {} must be in brackets", quoted(address)));
    }
    // std's parser refuses `10.0.0` and leading zeros (`010.0.0.1`), which other parsers
    // read as octal: refusing is safer than guessing which address was meant.
    address.parse::<Ipv4Addr>().map(|ip| BindingAddress::Ip(IpAddr::V4(ip))).map_err(|_| {
        format!("address {} is not `*`, an IPv4 address or a bracketed IPv6 address", quoted(address))
    })
}

fn parse_port(port: &str) -> Result<u16, String> {
    if port.is_empty() {
        return Err("port is missing".to_owned());
    }
    // Only digits: Rust's integer parser would also take a leading `+`.
    if !port.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(format!("port {} is not a number", quoted(port)));
    }
    let significant = port.trim_start_matches('0');
    let value = if significant.len() > 5 {
        None
    } else if significant.is_empty() {
        Some(0)
    } else {
        significant.parse::<u32>().ok()
    };
    value
        .and_then(|value| u16::try_from(value).ok())
        .filter(|value| *value != 0)
        .ok_or_else(|| format!("port {} is out of range 1-65535", shown(port)))
}

fn check_host(host: &str) -> Result<&str, String> {
    // IIS 10 allows `*` only as the whole left-most label; a lone `*` is how IIS Express
    // writes "any host".
    let rest = match host {
        "*" => return Ok(host),
        _ => host.strip_prefix("*.").unwrap_or(host),
    };
    if rest.contains('*') {
        return Err(format!(
            "host {} has a `*` that is not the whole left-most label (only `*.example.com` is allowed)",
            quoted(host)
        ));
    }
    if rest.is_empty() && host.starts_with('*') {
        return Err(format!("wildcard host {} has no domain", quoted(host)));
    }
    Ok(host)
}

/// Long values are cut so that a reason stays one readable line.
fn shown(text: &str) -> String {
    const LIMIT: usize = 60;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn quoted(text: &str) -> String {
    format!("`{}`", shown(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_on_a_character_boundary() {
        let long = "é".repeat(100);
        let cut = shown(&long);
        assert_eq!(cut.chars().count(), 61);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn port_boundaries() {
        assert_eq!(parse_port("1"), Ok(1));
        assert_eq!(parse_port("65535"), Ok(65535));
        assert_eq!(parse_port("000443"), Ok(443));
        assert!(parse_port("65536").is_err());
        assert!(parse_port("00").is_err());
        assert!(parse_port("99999999999999999999999").is_err());
        assert!(parse_port("+443").is_err());
    }
}

//! Every behaviour of HTTP.sys and IIS that sslbind relies on but that no source settles
//! (the points marked UNCERTAIN in docs/httpsys.md, with their sources), gathered in one place.
//!
//! Nothing here was confirmed on a Windows host. Each item says what sslbind assumes, why,
//! and what the alternative would be; `sslbind probe` lets users check the selection order
//! against their own servers. Code elsewhere must take these assumptions from here rather
//! than restate them, so that correcting one is a change to this file alone.

use crate::model::flags::{DefaultFlags, SSL_FLAGS, SslFlags};
use crate::model::routing::{AddressMatch, HostMatch};

/// How HTTP.sys picks a certificate mapping for a connection (docs/httpsys.md#selection-order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SelectionAssumptions {
    /// UNCERTAIN: a mapping for the exact local `IP:port` is tried before the SNI
    /// `host:port` mapping. Kaushal Panday's description and several field reports (win-acme
    /// #94 and #1686, AutoACME #58) say so; Jexus Manager's documentation says SNI comes
    /// first. Default: `true`.
    pub specific_ip_before_sni: bool,
    /// UNCERTAIN: an IPv4 connection that matched nothing else falls back to `[::]:port`
    /// when there is no `0.0.0.0:port`. Default: `false`: only the wildcard of the
    /// connection's own address family applies.
    pub ipv4_falls_back_to_ipv6_wildcard: bool,
    /// UNCERTAIN: an SNI mapping keyed `*.example.com:port` serves `a.example.com` (one
    /// left-most label). IIS 10 has wildcard host headers; no source confirms wildcard SNI
    /// keys in HTTP.sys. Default: `true`, tried after the exact host.
    pub wildcard_sni_keys_match: bool,
}

impl Default for SelectionAssumptions {
    fn default() -> SelectionAssumptions {
        SelectionAssumptions {
            specific_ip_before_sni: true,
            ipv4_falls_back_to_ipv6_wildcard: false,
            wildcard_sni_keys_match: true,
        }
    }
}

/// UNCERTAIN: the IIS Express installer pre-creates `0.0.0.0:44300` to `0.0.0.0:44399` with
/// its AppId (docs/httpsys.md#iis-express-reserved-range; whether newer versions use
/// `localhost:443xx` SNI records instead is unknown). Such mappings are idle by design.
pub(crate) const IIS_EXPRESS_RESERVED_PORTS: std::ops::RangeInclusive<u16> = 44300..=44399;

/// UNCERTAIN: the `DefaultFlags` bit IIS writes for each `sslFlags` bit from 4 to 64
/// (docs/httpsys.md#sslflags-to-defaultflags: inferred from the names, never observed): the `default_flag` column of
/// [`SSL_FLAGS`], as pairs in `sslFlags` bit order.
pub fn ssl_flags_to_default_flags() -> impl Iterator<Item = (SslFlags, DefaultFlags)> {
    SSL_FLAGS.iter().filter_map(|info| Some((info.flag, info.default_flag?)))
}

/// The `DefaultFlags` bits IIS would write for a binding's `sslFlags`, by
/// [`ssl_flags_to_default_flags`].
pub fn default_flags_for_ssl_flags(ssl_flags: SslFlags) -> DefaultFlags {
    ssl_flags_to_default_flags()
        .filter(|(ssl_bit, _)| ssl_flags.contains(*ssl_bit))
        .fold(DefaultFlags::empty(), |flags, (_, default_bit)| flags | default_bit)
}

/// UNCERTAIN: the order in which IIS routes a request to a site after the TLS handshake,
/// by how each https binding on the port matched (docs/httpsys.md#site-routing: no source
/// found); the first entry is the best. It mirrors HTTP.sys's URL-prefix rules
/// (an explicit host beats a weak wildcard). Note that it ranks a specific IP with a wildcard
/// host above `*` with the exact host, as that section lists it.
///
/// 1. specific IP + exact host; 2. specific IP + wildcard host (IIS 10);
/// 3. `*` + exact host; 4. `*` + wildcard host; 5. specific IP + any host; 6. `*` + any host.
pub const ROUTING_ORDER: [(AddressMatch, HostMatch); 6] = [
    (AddressMatch::Specific, HostMatch::Exact),
    (AddressMatch::Specific, HostMatch::Wildcard),
    (AddressMatch::AllUnassigned, HostMatch::Exact),
    (AddressMatch::AllUnassigned, HostMatch::Wildcard),
    (AddressMatch::Specific, HostMatch::Any),
    (AddressMatch::AllUnassigned, HostMatch::Any),
];

/// The rank (1 is best) of a binding that matched a request this way, by [`ROUTING_ORDER`].
pub fn routing_rank(address: AddressMatch, host: HostMatch) -> usize {
    ROUTING_ORDER
        .iter()
        .position(|entry| *entry == (address, host))
        .map_or(ROUTING_ORDER.len() + 1, |position| position + 1)
}

/// UNCERTAIN: whether an IIS 10 wildcard host header such as `*.example.com` takes the
/// request for `host`. Assumed: exactly one non-empty left-most label in place of `*`,
/// ASCII case-insensitive, as a wildcard certificate matches (`a.example.com` yes,
/// `a.b.example.com` and `example.com` no). The IIS documentation shows only one-label
/// examples.
pub fn wildcard_host_matches(pattern: &str, host: &str) -> bool {
    let Some(suffix) = pattern.strip_prefix("*.") else {
        return false;
    };
    if suffix.is_empty() || suffix.contains('*') {
        return false;
    }
    host.split_once('.').is_some_and(|(first, rest)| !first.is_empty() && rest.eq_ignore_ascii_case(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssl_flags_translate_bit_by_bit_and_ignore_sni_and_ccs() {
        let ssl = SslFlags::from_bits_retain;
        let default = DefaultFlags::from_bits_retain;
        assert_eq!(default_flags_for_ssl_flags(ssl(1 | 2)), default(0));
        assert_eq!(default_flags_for_ssl_flags(ssl(1 | 4)), default(0x10));
        assert_eq!(
            default_flags_for_ssl_flags(ssl(4 | 8 | 16 | 32 | 64)),
            default(0x10 | 0x80 | 0x20 | 0x40 | 0x400)
        );
    }
}

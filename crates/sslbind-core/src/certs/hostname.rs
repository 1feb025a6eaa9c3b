//! Whether a certificate covers a host name, as a browser would decide it.
//!
//! "Wrong certificate" is one of the failures sslbind exists to explain (several host names
//! sharing one IP mapping, a renewed certificate missing a name), so the check must be the
//! one clients apply, not a looser one: RFC 6125 as tightened by the CA/Browser Forum
//! baseline requirements. SAN DNS names first; the subject CN only when there is no SAN DNS
//! name; `*` only as the whole left-most label, matching exactly one label; ASCII
//! case-insensitive; IP literals only against SAN IP addresses.

use crate::authority::ip_literal;
use crate::model::Certificate;

/// Whether `certificate` is valid for `host` (a DNS name or an IP literal, IPv6 with or
/// without brackets; one trailing dot is ignored).
///
/// An IP literal is compared with the SAN IP addresses only, never with DNS names or the CN,
/// even when one of them has the same text: clients do the same. A host name is compared with
/// [`dns_identities`], each by [`dns_name_matches`].
pub fn covers_host(certificate: &Certificate, host: &str) -> bool {
    if let Some(ip) = ip_literal(host) {
        return certificate
            .ip_addresses
            .iter()
            .any(|candidate| candidate.to_canonical() == ip.to_canonical());
    }
    dns_identities(certificate).into_iter().any(|pattern| dns_name_matches(pattern, host))
}

/// The names a certificate is valid for, in the order they are checked: its SAN DNS names,
/// or, only when it has none, its subject common name.
///
/// The CN is ignored as soon as a SAN DNS name exists (RFC 6125 §6.4.4), so a certificate
/// whose CN is `example.com` but whose SAN lists only `www.example.com` does not cover
/// `example.com`, which is exactly what browsers report.
pub fn dns_identities(certificate: &Certificate) -> Vec<&str> {
    if certificate.dns_names.is_empty() {
        certificate.common_name.as_deref().into_iter().collect()
    } else {
        certificate.dns_names.iter().map(String::as_str).collect()
    }
}

/// Whether one presented DNS identifier (`pattern`, e.g. `*.example.com`) matches `host`.
///
/// - ASCII case-insensitive; internationalised names are compared in their `xn--` form, so a
///   Unicode host must be converted by the caller.
/// - One trailing dot on either side is ignored (`example.com.` is the same name).
/// - `*` counts only as the entire left-most label of a pattern with at least two labels
///   after it; it then matches exactly one non-empty label. Any other `*` (`a*.example.com`,
///   `*.*.example.com`, `*.com`) makes the pattern match nothing: such certificates are
///   refused by clients, so claiming a match would hide the problem.
/// - An IP literal host never matches a DNS identifier.
/// - A host that itself contains `*` (an HTTP.sys SNI key such as `*.example.com`, asked
///   about by the analysis) matches only an identical, valid pattern.
pub fn dns_name_matches(pattern: &str, host: &str) -> bool {
    let pattern = without_trailing_dot(pattern);
    let host = without_trailing_dot(host);
    if pattern.is_empty() || host.is_empty() || ip_literal(host).is_some() {
        return false;
    }
    if host.split('.').any(str::is_empty) {
        return false;
    }
    let Some(wildcard_suffix) = wildcard_suffix(pattern) else {
        return false;
    };
    if host.contains('*') {
        return pattern.eq_ignore_ascii_case(host);
    }
    match wildcard_suffix {
        None => pattern.eq_ignore_ascii_case(host),
        Some(suffix) => host
            .split_once('.')
            .is_some_and(|(first, rest)| !first.is_empty() && rest.eq_ignore_ascii_case(suffix)),
    }
}

/// Classifies a pattern: `None` if it can never match, `Some(None)` for a plain name,
/// `Some(Some(suffix))` for `*.suffix`.
fn wildcard_suffix(pattern: &str) -> Option<Option<&str>> {
    if pattern.split('.').any(str::is_empty) {
        return None;
    }
    if !pattern.contains('*') {
        return Some(None);
    }
    let suffix = pattern.strip_prefix("*.")?;
    // Two labels after the wildcard at least: `*.com` would span a whole public suffix,
    // which CAs may not issue and clients do not honour.
    if suffix.contains('*') || !suffix.contains('.') {
        return None;
    }
    Some(Some(suffix))
}

fn without_trailing_dot(name: &str) -> &str {
    name.strip_suffix('.').unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_classification() {
        assert_eq!(wildcard_suffix("example.com"), Some(None));
        assert_eq!(wildcard_suffix("*.example.com"), Some(Some("example.com")));
        assert_eq!(wildcard_suffix("*.com"), None);
        assert_eq!(wildcard_suffix("a*.example.com"), None);
        assert_eq!(wildcard_suffix("*.*.example.com"), None);
        assert_eq!(wildcard_suffix("a..com"), None);
    }
}

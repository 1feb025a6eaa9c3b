//! What answers `https://host:port/` on a machine, emulated from its saved state: which
//! HTTP.sys mapping and certificate the TLS handshake gets, whether that certificate covers
//! the host, and which IIS site and binding the request is routed to afterwards.
//!
//! The two halves are independent, as on Windows: HTTP.sys picks the certificate before it
//! sees the `Host` header (by [`selection::select`], the one documented selection order), and
//! IIS picks the site from the `Host` header after the handshake (by the routing order in
//! [`uncertain::ROUTING_ORDER`](crate::uncertain::ROUTING_ORDER), reference §5.4). Both orders
//! are unconfirmed on a Windows host, so every step of both is recorded and shown.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use time::OffsetDateTime;

use crate::analysis::selection::{self, CcsFiles, Connection, IpFamily, LocalAddress, Selection};
use crate::analysis::{Analysis, BindingRef};
use crate::certs::covers_host;
use crate::model::binding::{BindingAddress, HttpEndpoint};
use crate::model::certificate::CertificateStatus;
use crate::model::flags::DefaultFlags;
use crate::model::ids::Thumbprint;
use crate::model::machine::{CertificateId, Machine, MappingId};
use crate::model::mapping::MappingKey;
pub use crate::model::routing::{AddressMatch, HostMatch};
use crate::uncertain::{self, SelectionAssumptions};

/// What a client does for `https://host:port/`: which local address it reaches, and whether
/// it sends the host as SNI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The host of the URL: lowercase, without a trailing dot, an IPv6 literal without its
    /// brackets. It is also the `Host` header IIS routes by.
    pub host: String,
    /// The port of the URL.
    pub port: u16,
    /// The local address the connection arrives on.
    pub local: LocalAddress,
    /// Whether the client sends SNI. Even when true, an IP-literal host is never sent
    /// (RFC 6066 §3): see [`Request::sni`].
    pub send_sni: bool,
}

impl Request {
    /// The request a client makes for `host` and `port` (as [`parse_url`] returns them):
    /// - the local address is `local_ip` (`--ip`) when given, else the host itself when it is
    ///   an IP literal, else some unassigned IPv4 address (only wildcard IP mappings and `*`
    ///   bindings can apply to it);
    /// - SNI is sent unless `no_sni` (`--no-sni`) or the host is an IP literal.
    pub fn new(host: &str, port: u16, local_ip: Option<IpAddr>, no_sni: bool) -> Request {
        let literal = ip_literal(host);
        let local = match local_ip.or(literal) {
            Some(ip) => LocalAddress::Ip(ip),
            None => LocalAddress::Unassigned(IpFamily::V4),
        };
        Request { host: host.to_owned(), port, local, send_sni: !no_sni && literal.is_none() }
    }

    /// The SNI host name the client sends: the host, unless SNI is off or the host is an IP
    /// literal (clients never send an address as SNI, RFC 6066 §3).
    pub fn sni(&self) -> Option<&str> {
        (self.send_sni && ip_literal(&self.host).is_none() && !self.host.is_empty())
            .then_some(self.host.as_str())
    }

    /// The connection HTTP.sys sees for this request.
    pub fn connection(&self) -> Connection {
        Connection { local: self.local, port: self.port, sni: self.sni().map(str::to_owned) }
    }
}

/// Splits an `https://host[:port][/path]` URL into its host and port.
///
/// - The scheme must be `https` (any case); `http://` is refused because resolve is about
///   the TLS handshake, which plain HTTP never makes.
/// - The port defaults to 443 (also when written empty, `https://host:/`); 0 and values above
///   65535 are refused.
/// - IPv6 literal hosts are written in brackets (`https://[2001:db8::1]:8443/`) and returned
///   without them, in canonical form.
/// - The host is returned lowercase, without one trailing dot; user information
///   (`user@`) is dropped; path, query and fragment are ignored.
/// - Host names must be ASCII (`xn--` form for internationalised names) made of letters,
///   digits, `-` and `_`, with no empty label.
pub fn parse_url(url: &str) -> Result<(String, u16), String> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!("`{url}` is not a URL: expected one such as https://www.example.com/"));
    };
    if scheme.eq_ignore_ascii_case("http") {
        return Err(format!(
            "`{url}` is plain HTTP: resolve is about the TLS handshake and its certificate, \
             which only https:// URLs have"
        ));
    }
    if !scheme.eq_ignore_ascii_case("https") {
        return Err(format!("`{url}`: the scheme must be https, not `{scheme}`"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host_port)| host_port);
    let (host, port_text) = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((inside, after)) = bracketed.split_once(']') else {
            return Err(format!("`{url}`: an IPv6 address must be closed with `]`"));
        };
        let address =
            inside.parse::<Ipv6Addr>().map_err(|_| format!("`{url}`: `{inside}` is not an IPv6 address"))?;
        let port_text = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return Err(format!("`{url}`: unexpected `{after}` after the IPv6 address")),
            },
        };
        (address.to_string(), port_text)
    } else {
        let (host, port_text) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        (host_name(url, host)?, port_text)
    };
    let port = match port_text {
        None | Some("") => 443,
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port != 0 && text.bytes().all(|byte| byte.is_ascii_digit()) => port,
            Ok(_) | Err(_) => return Err(format!("`{url}`: `{text}` is not a port (1 to 65535)")),
        },
    };
    Ok((host, port))
}

/// A host name or IPv4 literal checked and normalised (lowercase, one trailing dot removed).
fn host_name(url: &str, host: &str) -> Result<String, String> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return Err(format!("`{url}` has no host"));
    }
    if let Ok(address) = host.parse::<Ipv4Addr>() {
        return Ok(address.to_string());
    }
    if !host.is_ascii() {
        return Err(format!(
            "`{url}`: `{host}` is not ASCII: give an internationalised name in its xn-- form"
        ));
    }
    if let Some(bad) = host.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(format!("`{url}`: `{bad}` cannot appear in a host name"));
    }
    if host.split('.').any(str::is_empty) {
        return Err(format!("`{url}`: `{host}` has an empty label"));
    }
    Ok(host.to_ascii_lowercase())
}

/// The address of an IP-literal host (IPv6 with or without brackets).
fn ip_literal(host: &str) -> Option<IpAddr> {
    let inner = host.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')).unwrap_or(host);
    inner.parse().ok()
}

/// One https binding on the request's port that the routing considered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutingStep {
    /// The binding.
    pub binding: BindingRef,
    /// How it matched, when it did.
    pub matched: Option<(AddressMatch, HostMatch)>,
    /// Its rank in [`uncertain::ROUTING_ORDER`] when it matched (1 is best).
    pub rank: Option<usize>,
    /// Why it does not match, or why it lost despite matching.
    pub note: Option<String>,
}

/// Which site and binding IIS routes the request to after the handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Routing {
    /// The winning binding, if any binding accepts the request.
    pub chosen: Option<BindingRef>,
    /// Every https binding on the port, in document order.
    pub steps: Vec<RoutingStep>,
}

/// What answers the request, in one word.
///
/// When several apply, the first in this order wins: `reset` (no handshake at all) >
/// `wrong-certificate` (the client refuses the certificate before it sends the request) >
/// `no-site` (the handshake succeeds, then HTTP.sys answers 404 because no binding takes the
/// `Host` header) > `certificate-expired` and `certificate-not-yet-valid` (everything is in
/// place but the certificate's dates, which a renewal fixes without touching the
/// configuration) > `served`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// A mapping answers, its certificate covers the host (or is not known), and a site takes
    /// the request.
    Served,
    /// A mapping answers, but its certificate does not cover the host.
    WrongCertificate,
    /// No mapping answers: HTTP.sys resets the connection during the handshake.
    Reset,
    /// A mapping answers but no binding takes the request: `404 Microsoft-HTTPAPI/2.0`.
    NoSite,
    /// A site takes the request and the certificate covers the host, but it has expired:
    /// clients refuse it.
    CertificateExpired,
    /// A site takes the request and the certificate covers the host, but its validity has not
    /// started yet (usually a clock or time-zone mistake): clients refuse it.
    CertificateNotYetValid,
}

impl Verdict {
    /// The contract's name: `served`, `wrong-certificate`, `reset`, `no-site`,
    /// `certificate-expired`, `certificate-not-yet-valid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Served => "served",
            Verdict::WrongCertificate => "wrong-certificate",
            Verdict::Reset => "reset",
            Verdict::NoSite => "no-site",
            Verdict::CertificateExpired => "certificate-expired",
            Verdict::CertificateNotYetValid => "certificate-not-yet-valid",
        }
    }
}

/// Everything [`resolve`] concluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// The request resolved.
    pub request: Request,
    /// The connection HTTP.sys saw (local address, port, SNI).
    pub connection: Connection,
    /// The mapping selection, with every key tried.
    pub selection: Selection,
    /// The chosen mapping's thumbprint (`None` without a mapping, and for CCS).
    pub certificate_hash: Option<Thumbprint>,
    /// That certificate, when it was given.
    pub certificate: Option<CertificateId>,
    /// Whether the certificate covers the host: `None` when the certificate is not known
    /// (not given, or a CCS file in a folder that was not given).
    pub certificate_covers_host: Option<bool>,
    /// The certificate's validity at the time the request was judged at: `None` when the
    /// certificate is not known. `Expiring` is never given (resolve has no warning window).
    pub certificate_status: Option<CertificateStatus>,
    /// The time the certificate was judged at.
    pub now: OffsetDateTime,
    /// The IIS routing.
    pub routing: Routing,
    /// The verdict.
    pub verdict: Verdict,
    /// The unconfirmed assumptions this answer depends on, as sentences.
    pub uncertain: Vec<String>,
}

impl Resolution {
    /// The chosen mapping.
    pub fn mapping(&self) -> Option<MappingId> {
        self.selection.chosen
    }
}

/// Resolves `request` on `machine`: the mapping HTTP.sys selects (by
/// [`selection::select`]), its certificate and whether it covers the host, the IIS binding
/// that takes the request ([`route`]), and the [`Verdict`], judging the certificate's dates
/// at `now` (which the caller reads from the clock or takes from `--now`).
///
/// Callers check first that the mappings are known (`Machine::mappings_known`): with none
/// given, every request resolves to `reset`.
pub fn resolve(
    machine: &Machine,
    analysis: &Analysis,
    request: &Request,
    ccs_files: &dyn CcsFiles,
    assumptions: &SelectionAssumptions,
    now: OffsetDateTime,
) -> Resolution {
    let connection = request.connection();
    let selection = selection::select(&analysis.index, &connection, ccs_files, assumptions);
    let mapping = selection.chosen.map(|id| machine.mapping(id));
    let certificate_hash = mapping.and_then(|mapping| mapping.certificate_hash);
    let certificate = selection.chosen.and_then(|id| analysis.mapping(id).certificate);
    let certificate_covers_host = match (mapping, certificate) {
        (None, _) => None,
        (Some(_), Some(id)) => Some(covers_host(machine.certificate(id), &request.host)),
        (Some(mapping), None) => match mapping.key {
            // The CCS provider picks `<host>.pfx` or `_.<parent>.pfx` by name: a file found
            // is taken to be a certificate for that name.
            MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. } => selection::ccs_file_names(&request.host)
                .iter()
                .any(|name| ccs_files.contains(name) == Some(true))
                .then_some(true),
            MappingKey::Ip(_) | MappingKey::Sni { .. } => None,
        },
    };
    // Resolve has no warning window: its last second is still simply valid.
    let certificate_status = certificate.map(|id| match machine.certificate(id).status(now, 0) {
        CertificateStatus::Expiring => CertificateStatus::Valid,
        status => status,
    });
    let routing = route(machine, &request.host, request.port, request.local);
    let verdict = match (mapping, certificate_covers_host, routing.chosen, certificate_status) {
        (None, _, _, _) => Verdict::Reset,
        (Some(_), Some(false), _, _) => Verdict::WrongCertificate,
        (Some(_), _, None, _) => Verdict::NoSite,
        (Some(_), _, Some(_), Some(CertificateStatus::Expired)) => Verdict::CertificateExpired,
        (Some(_), _, Some(_), Some(CertificateStatus::NotYetValid)) => Verdict::CertificateNotYetValid,
        (Some(_), _, Some(_), _) => Verdict::Served,
    };
    let uncertain =
        uncertain_notes(analysis, request, &connection, &selection, &routing, assumptions, machine);
    Resolution {
        request: request.clone(),
        connection,
        selection,
        certificate_hash,
        certificate,
        certificate_covers_host,
        certificate_status,
        now,
        routing,
        verdict,
        uncertain,
    }
}

/// The https binding IIS routes a request for `host` on `port`, arriving on `local`, to.
///
/// Only https bindings on `port` are considered, and of those only the ones whose address is
/// `local` itself or `*` (or empty). Their host must equal `host` (case-insensitively), be a
/// wildcard that matches it ([`uncertain::wildcard_host_matches`]), or be empty or `*`.
/// The best match by [`uncertain::routing_rank`] wins; between equals, the first in document
/// order, and the others are noted.
pub fn route(machine: &Machine, host: &str, port: u16, local: LocalAddress) -> Routing {
    let local_ip = match local {
        LocalAddress::Ip(ip) if !ip.is_unspecified() => Some(ip.to_canonical()),
        LocalAddress::Ip(_) | LocalAddress::Unassigned(_) => None,
    };
    let mut steps = Vec::new();
    for (config_position, config) in machine.configs.iter().enumerate() {
        for (site_position, site) in config.sites.iter().enumerate() {
            for (binding_position, binding) in site.bindings.iter().enumerate() {
                if !binding.is_https() {
                    continue;
                }
                let Some(endpoint) = binding.http_endpoint().filter(|endpoint| endpoint.port == port) else {
                    continue;
                };
                let binding_ref =
                    BindingRef { config: config_position, site: site_position, binding: binding_position };
                let (matched, note) = match_binding(endpoint, host, local_ip);
                let rank = matched.map(|(address, host)| uncertain::routing_rank(address, host));
                steps.push(RoutingStep { binding: binding_ref, matched, rank, note });
            }
        }
    }
    let best =
        steps.iter().enumerate().filter_map(|(position, step)| step.rank.map(|rank| (rank, position))).min();
    let chosen = best.map(|(_, position)| steps[position].binding);
    if let Some((best_rank, winner)) = best {
        let winner_text = describe_binding(machine, steps[winner].binding);
        for (position, step) in steps.iter_mut().enumerate() {
            match step.rank {
                Some(rank) if position != winner && rank == best_rank => {
                    step.note = Some(format!("matches as well as {winner_text}, which comes first"));
                }
                Some(_) if position != winner => {
                    step.note = Some(format!("matches, but {winner_text} ranks higher"));
                }
                _ => {}
            }
        }
    }
    Routing { chosen, steps }
}

fn match_binding(
    endpoint: &HttpEndpoint,
    host: &str,
    local_ip: Option<IpAddr>,
) -> (Option<(AddressMatch, HostMatch)>, Option<String>) {
    let address = match endpoint.address {
        BindingAddress::AllUnassigned | BindingAddress::Empty => AddressMatch::AllUnassigned,
        BindingAddress::Ip(ip) if Some(ip.to_canonical()) == local_ip => AddressMatch::Specific,
        BindingAddress::Ip(ip) => {
            let reached =
                local_ip.map_or_else(|| "an unassigned address".to_owned(), |local| local.to_string());
            return (None, Some(format!("address {ip} is not the local address ({reached})")));
        }
    };
    let binding_host = endpoint.host.strip_suffix('.').unwrap_or(&endpoint.host);
    let host_match = match endpoint.specific_host() {
        None => HostMatch::Any,
        Some(_) if endpoint.has_wildcard_host() => {
            if uncertain::wildcard_host_matches(binding_host, host) {
                HostMatch::Wildcard
            } else {
                return (None, Some(format!("wildcard host {binding_host} does not match {host}")));
            }
        }
        Some(_) if binding_host.eq_ignore_ascii_case(host) => HostMatch::Exact,
        Some(_) => return (None, Some(format!("host {binding_host} is not {host}"))),
    };
    (Some((address, host_match)), None)
}

/// `site binding`, as notes name a binding.
pub fn describe_binding(machine: &Machine, binding_ref: BindingRef) -> String {
    let site = &machine.configs[binding_ref.config].sites[binding_ref.site];
    format!("{} {}", site.name, site.bindings[binding_ref.binding].information)
}

fn uncertain_notes(
    analysis: &Analysis,
    request: &Request,
    connection: &Connection,
    selection: &Selection,
    routing: &Routing,
    assumptions: &SelectionAssumptions,
    machine: &Machine,
) -> Vec<String> {
    let mut notes = Vec::new();
    let chosen_key = selection.chosen.map(|id| &machine.mapping(id).key);
    if let (Some(MappingKey::Ip(address)), Some(host)) = (chosen_key, connection.sni.as_deref())
        && !address.ip().is_unspecified()
    {
        let sni_key = MappingKey::Sni { host: host.into(), port: request.port };
        if assumptions.specific_ip_before_sni && analysis.index.get(&sni_key).is_some() {
            notes.push(format!(
                "the specific IP mapping {address} is taken before the SNI mapping {sni_key} \
                 (reference §1.2, unconfirmed); if SNI came first, {sni_key} would answer"
            ));
        }
    }
    if let Some(id) = selection.chosen
        && machine.mapping(id).flags.contains(DefaultFlags::REJECT)
    {
        notes.push(
            "the chosen mapping has Reject Connections set: HTTP.sys presumably refuses the \
             connection (reference §1.2, unconfirmed)"
                .to_owned(),
        );
    }
    notes.extend(selection.steps.iter().filter(|step| step.found).filter_map(|step| {
        step.note
            .as_ref()
            .filter(|note| note.contains("uncertain"))
            .map(|note| format!("{}: {note}", step.tried))
    }));
    let matching = routing.steps.iter().filter(|step| step.rank.is_some()).count();
    let wildcard = routing.chosen.is_some_and(|chosen| {
        routing
            .steps
            .iter()
            .any(|step| step.binding == chosen && matches!(step.matched, Some((_, HostMatch::Wildcard))))
    });
    if matching > 1 {
        notes.push(format!(
            "{matching} bindings take this request; the winner follows IIS's host-header routing \
             order of reference §5.4, which no source confirms"
        ));
    }
    if wildcard {
        notes.push(
            "the chosen binding has a wildcard host, taken to match exactly one left-most label \
             (reference §5.3, unconfirmed)"
                .to_owned(),
        );
    }
    notes
}

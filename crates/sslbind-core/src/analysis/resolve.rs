//! What answers `https://host:port/` on a machine, emulated from its saved state: which
//! HTTP.sys mapping and certificate the TLS handshake gets, whether that certificate covers
//! the host, and which IIS site and binding the request is routed to afterwards.
//!
//! The two halves are independent, as on Windows: HTTP.sys picks the certificate before it
//! sees the `Host` header (by [`selection::select`], the one documented selection order), and
//! IIS picks the site from the `Host` header after the handshake (by the routing order in
//! [`uncertain::ROUTING_ORDER`],
//! docs/httpsys.md#site-routing). Both orders are unconfirmed on a Windows host, so every
//! step of both is recorded and shown.

use std::net::IpAddr;

use time::OffsetDateTime;

use crate::analysis::selection::{self, CcsFiles, Connection, IpFamily, LocalAddress, Selection};
use crate::analysis::{Analysis, BindingRef};
use crate::authority::{AuthorityError, HttpsUrl, UrlError, ip_literal, parse_https_url};
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
#[non_exhaustive]
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

/// Splits an `https://host[:port][/path]` URL into its host and port, by
/// [`parse_https_url`]: the host lowercase, without one trailing dot, an IPv6 literal without
/// its brackets and in canonical form; the port 443 when none is written. The error names the
/// URL and says what is wrong, `http://` with a word on why resolve needs https.
pub fn parse_url(url: &str) -> Result<(String, u16), String> {
    let url = url.trim();
    match parse_https_url(url) {
        Ok(HttpsUrl { host, port }) => Ok((host.to_string(), port)),
        Err(UrlError::NotUrl) => {
            Err(format!("`{url}` is not a URL: expected one such as https://www.example.com/"))
        }
        Err(UrlError::PlainHttp) => Err(format!(
            "`{url}` is plain HTTP: resolve is about the TLS handshake and its certificate, \
             which only https:// URLs have"
        )),
        Err(UrlError::Authority(AuthorityError::NoHost)) => Err(format!("`{url}` has no host")),
        Err(error) => Err(format!("`{url}`: {error}")),
    }
}

/// One https binding on the request's port that the routing considered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
#[non_exhaustive]
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
// Not `#[non_exhaustive]`: the binary explains each verdict in its own words, and its match
// must fail to compile when a verdict is added.
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
#[non_exhaustive]
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
/// that takes the request (`route`), and the [`Verdict`], judging the certificate's dates
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
pub(crate) fn route(machine: &Machine, host: &str, port: u16, local: LocalAddress) -> Routing {
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
                 (unconfirmed, docs/httpsys.md#selection-order); if SNI came first, {sni_key} would answer"
            ));
        }
    }
    if let Some(id) = selection.chosen
        && machine.mapping(id).flags.contains(DefaultFlags::REJECT)
    {
        notes.push(
            "the chosen mapping has Reject Connections set: HTTP.sys presumably refuses the \
             connection (unconfirmed, docs/httpsys.md#selection-order)"
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
             order (docs/httpsys.md#site-routing), which no source confirms"
        ));
    }
    if wildcard {
        notes.push(
            "the chosen binding has a wildcard host, taken to match exactly one left-most label \
             (unconfirmed, docs/httpsys.md#wildcard-host-headers)"
                .to_owned(),
        );
    }
    notes
}

//! `sslbind probe` without the network: which TLS handshakes to make and what the saved state
//! says each should get, and the values a handshake's result is recorded in.
//!
//! A probe compares what a live server presents with what the machine's saved state predicts.
//! Everything that can be decided without touching the network lives here, so it is tested
//! like the rest of the analysis: the list of handshakes ([`plan`]), the certificate each one
//! should be served (always through [`selection::select`], never a second copy of the order),
//! and how a served certificate is judged ([`judge`]). `sslbind-live` only resolves names,
//! connects, and fills in a [`ProbeResult`].

use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, SocketAddr};

use crate::analysis::selection::{self, CcsFiles, Connection, LocalAddress};
use crate::analysis::{Analysis, BindingRef, connection_for};
use crate::authority::{HttpsUrl, UrlError, parse_https_url};
use crate::certs::dns_name_matches;
use crate::model::binding::{Binding, HttpEndpoint};
use crate::model::certificate::Certificate;
use crate::model::ids::Thumbprint;
use crate::model::machine::{Machine, MappingId};
use crate::uncertain::SelectionAssumptions;

/// The host probed for a binding that names no host and no address (`*:443:`) when no
/// `--connect` address is given: the machine the probe runs on.
pub(crate) const LOCAL_HOST: &str = "localhost";

/// An explicit `https://host:port/` target given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProbeTarget {
    /// The host: a name lowercased without one trailing dot, or an address (IPv6 without
    /// brackets, in canonical form).
    pub host: String,
    /// The port (443 when the URL names none).
    pub port: u16,
}

impl ProbeTarget {
    /// The host as an IP address, when it is a literal.
    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }
}

/// Why a target is not an `https://host[:port][/path]` URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a probe target: {error} (expected https://host[:port]/)")]
#[non_exhaustive]
pub struct TargetError {
    /// The text given.
    pub text: String,
    /// What is wrong with it.
    pub error: UrlError,
}

/// Parses `https://host[:port][/path]` by [`parse_https_url`]; `[v6]` literals are accepted,
/// a path, query or fragment is ignored (a probe is a handshake, no request is sent).
pub fn parse_target(text: &str) -> Result<ProbeTarget, TargetError> {
    let HttpsUrl { host, port } =
        parse_https_url(text).map_err(|error| TargetError { text: text.to_owned(), error })?;
    Ok(ProbeTarget { host: host.to_string(), port })
}

/// The binding a handshake stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProbeBinding {
    /// Where it sits in the machine.
    pub position: BindingRef,
    /// Its site's name.
    pub site: String,
    /// Its `bindingInformation`.
    pub information: String,
}

/// What the saved state says a handshake should get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The mapping HTTP.sys would pick; `None` when it would pick none and reset the
    /// connection.
    pub mapping: Option<MappingId>,
    /// That mapping's certificate; `None` for a CCS mapping (the certificate comes from a
    /// `.pfx` file) and when no mapping is picked.
    pub hash: Option<Thumbprint>,
}

/// One TLS handshake to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeRequest {
    /// The URL it stands for: `https://host:port/`.
    pub target: String,
    /// The name to resolve when `address` is `None`.
    pub host: String,
    /// The port to connect to.
    pub port: u16,
    /// The address to connect to without resolving `host`: the binding's IP, an IP literal
    /// target, or `--connect`.
    pub address: Option<IpAddr>,
    /// The SNI host name to send; `None` sends no SNI extension.
    pub sni: Option<String>,
    /// The binding the handshake stands for.
    pub binding: Option<ProbeBinding>,
    /// What the saved state predicts; `None` when it predicts nothing (mappings unknown, or
    /// a target no binding matches).
    pub expected: Option<Expected>,
    /// Whether this is the handshake the binding's (or target's) clients make: the one with
    /// the host as SNI, or the only one when there is no host to send. The other one, without
    /// SNI, shows what old clients and scanners get.
    pub primary: bool,
}

impl ProbeRequest {
    /// The expected certificate's thumbprint, if the saved state names one.
    pub fn expected_hash(&self) -> Option<Thumbprint> {
        self.expected.as_ref().and_then(|expected| expected.hash)
    }
}

/// How a handshake ended (the contract's `outcome`).
// Not `#[non_exhaustive]`: the binary shows each outcome in its own way, and its match must
// fail to compile when an outcome is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProbeOutcome {
    /// A certificate was served, and it is the expected one (or nothing was expected).
    Ok,
    /// A certificate was served, but not the one the saved state predicts.
    Mismatch,
    /// The server closed or reset the connection during the handshake (what HTTP.sys does
    /// when no mapping applies).
    Reset,
    /// Connecting, sending or receiving took longer than `--timeout`.
    Timeout,
    /// The server ended the handshake with a TLS alert.
    Alert,
    /// Nothing listens on the port.
    Refused,
    /// Anything else: the name did not resolve, the server did not speak TLS, …
    Error,
}

impl ProbeOutcome {
    /// Every outcome, in the order summaries count them.
    pub const ALL: [ProbeOutcome; 7] = [
        ProbeOutcome::Ok,
        ProbeOutcome::Mismatch,
        ProbeOutcome::Reset,
        ProbeOutcome::Timeout,
        ProbeOutcome::Alert,
        ProbeOutcome::Refused,
        ProbeOutcome::Error,
    ];

    /// The contract's name: `ok`, `mismatch`, `reset`, `timeout`, `alert`, `refused`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeOutcome::Ok => "ok",
            ProbeOutcome::Mismatch => "mismatch",
            ProbeOutcome::Reset => "reset",
            ProbeOutcome::Timeout => "timeout",
            ProbeOutcome::Alert => "alert",
            ProbeOutcome::Refused => "refused",
            ProbeOutcome::Error => "error",
        }
    }
}

impl fmt::Display for ProbeOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one handshake showed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeResult {
    /// The handshake asked for.
    pub request: ProbeRequest,
    /// The address connected to; `None` when the name did not resolve.
    pub address: Option<SocketAddr>,
    /// How it ended.
    pub outcome: ProbeOutcome,
    /// The leaf certificate the server presented.
    pub served: Option<Certificate>,
    /// The thumbprints of the whole chain presented, leaf first.
    pub chain: Vec<Thumbprint>,
    /// The negotiated protocol version: `TLSv1.3`, `TLSv1.2`.
    pub tls_version: Option<String>,
    /// The negotiated ALPN protocol (`h2`, `http/1.1`), when the server chose one.
    pub alpn: Option<String>,
    /// What went wrong, or the alert received, for outcomes other than `ok` and `mismatch`.
    pub detail: Option<String>,
}

impl ProbeResult {
    /// The served leaf's thumbprint.
    pub fn served_hash(&self) -> Option<Thumbprint> {
        self.served.as_ref().map(|certificate| certificate.thumbprint)
    }
}

/// The outcome of a handshake that completed and presented `served`: `mismatch` when the
/// saved state names a certificate and it is another one, `ok` otherwise (also when the saved
/// state names none: there is nothing to compare with).
pub fn judge(request: &ProbeRequest, served: &Thumbprint) -> ProbeOutcome {
    match request.expected_hash() {
        Some(expected) if expected != *served => ProbeOutcome::Mismatch,
        _ => ProbeOutcome::Ok,
    }
}

/// The knobs of [`plan`].
#[derive(Clone, Copy)]
pub struct PlanOptions<'a> {
    /// `--connect`: the address to use instead of resolving host names.
    pub connect: Option<IpAddr>,
    /// The CCS folder's files, when known.
    pub ccs_files: &'a dyn CcsFiles,
    /// The selection assumptions the analysis used.
    pub assumptions: &'a SelectionAssumptions,
}

/// The handshakes to make: for each explicit target, or (with no targets) for every https
/// binding of `machine`, one with the host as SNI and one without SNI.
///
/// A binding with no host to send (empty, `*`, an IP literal) gets one handshake, without
/// SNI; so does an IIS 10 wildcard host (`*.example.com` is not a name a client can send).
/// Handshakes that would be identical (same address or host, port and SNI) are made once:
/// several SNI bindings on one port share the same no-SNI handshake, which is listed under
/// the first of them.
pub fn plan(
    machine: &Machine,
    analysis: &Analysis,
    targets: &[ProbeTarget],
    options: &PlanOptions<'_>,
) -> Vec<ProbeRequest> {
    let mut requests = Vec::new();
    if targets.is_empty() {
        for binding_analysis in &analysis.bindings {
            let position = binding_analysis.binding;
            let (site, binding) = binding_at(machine, position);
            let Some(endpoint) = binding.http_endpoint().filter(|_| binding.is_https()) else {
                continue;
            };
            let probe_binding =
                ProbeBinding { position, site: site.name.clone(), information: binding.information.clone() };
            let sni = sni_host(endpoint);
            let (host, address) = match (endpoint.specific_host(), endpoint.address.ip()) {
                (_, Some(ip)) => (ip.to_string(), Some(ip)),
                (Some(host), None) if !endpoint.has_wildcard_host() && host.parse::<IpAddr>().is_err() => {
                    (host.to_owned(), options.connect)
                }
                (Some(host), None) if host.parse::<IpAddr>().is_ok() => (host.to_owned(), host.parse().ok()),
                _ => match options.connect {
                    Some(ip) => (ip.to_string(), Some(ip)),
                    None => (LOCAL_HOST.to_owned(), None),
                },
            };
            let target_host = match endpoint.specific_host() {
                Some(name) => name.to_owned(),
                None => host.clone(),
            };
            let target = url(&target_host, endpoint.port);
            let connection = connection_for(endpoint);
            if let Some(name) = &sni {
                let expected = machine.mappings_known.then(|| Expected {
                    mapping: binding_analysis.effective(),
                    hash: binding_analysis.certificate_hash,
                });
                requests.push(ProbeRequest {
                    target: target.clone(),
                    host: host.clone(),
                    port: endpoint.port,
                    address,
                    sni: Some(name.clone()),
                    binding: Some(probe_binding.clone()),
                    expected,
                    primary: true,
                });
            }
            let expected = expect(machine, analysis, options, &Connection { sni: None, ..connection });
            requests.push(ProbeRequest {
                target,
                host,
                port: endpoint.port,
                address,
                sni: None,
                binding: Some(probe_binding),
                expected,
                primary: sni.is_none() && !endpoint.has_wildcard_host(),
            });
        }
    } else {
        for target in targets {
            let literal = target.ip();
            let matched = matching_binding(machine, target);
            let local = match (literal, matched) {
                (Some(ip), _) => LocalAddress::Ip(ip),
                (None, Some((_, _, endpoint))) => connection_for(endpoint).local,
                (None, None) => LocalAddress::Unassigned(selection::IpFamily::V4),
            };
            let probe_binding = matched.map(|(position, binding, _)| ProbeBinding {
                position,
                site: binding_at(machine, position).0.name.clone(),
                information: binding.information.clone(),
            });
            let address = literal.or(options.connect);
            let sni = literal.is_none().then(|| target.host.clone());
            let handshakes = match &sni {
                Some(name) => vec![Some(name.clone()), None],
                None => vec![None],
            };
            for handshake_sni in handshakes {
                let connection = Connection { local, port: target.port, sni: handshake_sni.clone() };
                let expected =
                    probe_binding.as_ref().and_then(|_| expect(machine, analysis, options, &connection));
                requests.push(ProbeRequest {
                    target: url(&target.host, target.port),
                    host: target.host.clone(),
                    port: target.port,
                    address,
                    primary: handshake_sni.is_some() || sni.is_none(),
                    sni: handshake_sni,
                    binding: probe_binding.clone(),
                    expected,
                });
            }
        }
    }
    // A primary handshake is always kept (it stands for its binding); a secondary one is
    // dropped when a primary or an earlier secondary handshake is the same.
    let mut seen: HashSet<_> = requests.iter().filter(|request| request.primary).map(handshake_key).collect();
    requests.retain(|request| request.primary || seen.insert(handshake_key(request)));
    requests
}

/// What makes two handshakes the same: where they connect and the SNI they send.
fn handshake_key(request: &ProbeRequest) -> (String, u16, Option<String>) {
    let destination = request.address.map_or_else(|| request.host.to_ascii_lowercase(), |ip| ip.to_string());
    (destination, request.port, request.sni.as_ref().map(|sni| sni.to_ascii_lowercase()))
}

/// `https://host:port/`, with IPv6 literals in brackets.
fn url(host: &str, port: u16) -> String {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V6(ip)) => format!("https://[{ip}]:{port}/"),
        _ => format!("https://{host}:{port}/"),
    }
}

/// The SNI a client of `endpoint` sends: its specific host unless that is an IP literal or an
/// IIS wildcard.
fn sni_host(endpoint: &HttpEndpoint) -> Option<String> {
    endpoint
        .specific_host()
        .filter(|host| !endpoint.has_wildcard_host() && host.parse::<IpAddr>().is_err())
        .map(str::to_owned)
}

fn binding_at(machine: &Machine, position: BindingRef) -> (&crate::model::binding::Site, &Binding) {
    let site = &machine.configs[position.config].sites[position.site];
    (site, &site.bindings[position.binding])
}

/// What the saved state gives `connection`, by the one selection order; `None` when the
/// mappings are unknown.
fn expect(
    machine: &Machine,
    analysis: &Analysis,
    options: &PlanOptions<'_>,
    connection: &Connection,
) -> Option<Expected> {
    if !machine.mappings_known {
        return None;
    }
    let chosen =
        selection::select(&analysis.index, connection, options.ccs_files, options.assumptions).chosen;
    let hash = chosen.and_then(|id| machine.mapping(id).certificate_hash);
    Some(Expected { mapping: chosen, hash })
}

/// The https binding that serves `target`: on its port, at its address when the target is an
/// IP literal (or `*`), with its host, else an IIS wildcard host covering it, else no host.
fn matching_binding<'a>(
    machine: &'a Machine,
    target: &ProbeTarget,
) -> Option<(BindingRef, &'a Binding, &'a HttpEndpoint)> {
    let literal = target.ip();
    let mut best: Option<(u8, BindingRef, &Binding, &HttpEndpoint)> = None;
    for (config_position, config) in machine.configs.iter().enumerate() {
        for (site_position, site) in config.sites.iter().enumerate() {
            for (binding_position, binding) in site.bindings.iter().enumerate() {
                let Some(endpoint) = binding.http_endpoint().filter(|_| binding.is_https()) else {
                    continue;
                };
                if endpoint.port != target.port {
                    continue;
                }
                if let (Some(ip), Some(wanted)) = (endpoint.address.ip(), literal)
                    && ip != wanted
                {
                    continue;
                }
                let rank = match endpoint.specific_host() {
                    Some(host) if host.eq_ignore_ascii_case(&target.host) => 3,
                    Some(host) if endpoint.has_wildcard_host() && dns_name_matches(host, &target.host) => 2,
                    Some(_) => continue,
                    None => 1,
                };
                if best.as_ref().is_none_or(|(best_rank, ..)| rank > *best_rank) {
                    let position = BindingRef {
                        config: config_position,
                        site: site_position,
                        binding: binding_position,
                    };
                    best = Some((rank, position, binding, endpoint));
                }
            }
        }
    }
    best.map(|(_, position, binding, endpoint)| (position, binding, endpoint))
}

//! What the bindings and mappings mean together: for every HTTPS binding the mapping IIS
//! expects and the one HTTP.sys really uses, and for every mapping its status and users.
//!
//! [`analyze`] is the one entry point; it reads a [`Machine`] and returns ids into it, so
//! renderers and rules can reach every original fact and its origin.

pub mod choice;
pub mod probe;
pub mod resolve;
pub mod selection;
pub mod usage;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::certs::CertificateIndex;
use crate::model::binding::{Binding, BindingAddress, BindingEndpoint, HttpEndpoint};
use crate::model::ids::Thumbprint;
use crate::model::machine::{CertificateId, Machine, MappingId};
use crate::model::mapping::{Mapping, MappingKey};
use crate::owners::Owner;
use crate::uncertain::{IIS_EXPRESS_RESERVED_PORTS, SelectionAssumptions};
use selection::{CcsFiles, Connection, IpFamily, LocalAddress, MappingIndex, Selection};

/// Where a binding sits in a [`Machine`]: config, site and binding positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BindingRef {
    /// Position in `Machine::configs`.
    pub config: usize,
    /// Position in the config's `sites`.
    pub site: usize,
    /// Position in the site's `bindings`.
    pub binding: usize,
}

/// What sslbind concluded about one binding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BindingAnalysis {
    /// Which binding.
    pub binding: BindingRef,
    /// The mapping IIS Manager would create for it (https bindings with an end point only).
    pub expected: Option<MappingKey>,
    /// How HTTP.sys selects a mapping for a client that sends the binding's host as SNI to
    /// the binding's address; `None` when the binding is not https or mappings are unknown.
    pub selection: Option<Selection>,
    /// The thumbprint of the selected mapping.
    pub certificate_hash: Option<Thumbprint>,
    /// That certificate, when it was given.
    pub certificate: Option<CertificateId>,
}

impl BindingAnalysis {
    /// The selected mapping.
    pub fn effective(&self) -> Option<MappingId> {
        self.selection.as_ref().and_then(|selection| selection.chosen)
    }
}

/// A mapping's role on the machine (docs/contract.md#mapping-statuses).
// Not `#[non_exhaustive]`: the binary shows each status in its own way, and its match must
// fail to compile when a status is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MappingStatus {
    /// Some binding expects it or is served by it.
    InUse,
    /// A wildcard IP mapping that no binding uses, on a port whose https bindings are all SNI
    /// or CCS: it serves the clients that send no SNI.
    Fallback,
    /// Owned by IIS or IIS Express and used by nothing.
    Idle,
    /// IIS Express's pre-created mapping for a port of its reserved range, unused.
    Reserved,
    /// Owned by another program (or by an unknown AppId) and unused by IIS.
    Foreign,
}

impl MappingStatus {
    /// Every status, in the order listings count them.
    pub const ALL: [MappingStatus; 5] = [
        MappingStatus::InUse,
        MappingStatus::Fallback,
        MappingStatus::Idle,
        MappingStatus::Reserved,
        MappingStatus::Foreign,
    ];

    /// The status named `name` ([`MappingStatus::as_str`]'s spelling), for names read back
    /// from stored data.
    pub fn parse(name: &str) -> Option<MappingStatus> {
        MappingStatus::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// The contract's name: `in-use`, `fallback`, `idle`, `reserved`, `foreign`.
    pub fn as_str(self) -> &'static str {
        match self {
            MappingStatus::InUse => "in-use",
            MappingStatus::Fallback => "fallback",
            MappingStatus::Idle => "idle",
            MappingStatus::Reserved => "reserved",
            MappingStatus::Foreign => "foreign",
        }
    }
}

/// What sslbind concluded about one mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MappingAnalysis {
    /// Which mapping.
    pub mapping: MappingId,
    /// The known owner of its AppId.
    pub owner: Option<Owner>,
    /// Its status.
    pub status: MappingStatus,
    /// The bindings that expect it or are served by it, in document order.
    pub used_by: Vec<BindingRef>,
    /// Its certificate, when it was given.
    pub certificate: Option<CertificateId>,
}

/// The analysis of a whole machine.
#[derive(Debug)]
#[non_exhaustive]
pub struct Analysis {
    /// One entry per binding of every site, in document order (all protocols).
    pub bindings: Vec<BindingAnalysis>,
    /// One entry per mapping, in `Machine::mappings` order.
    pub mappings: Vec<MappingAnalysis>,
    /// The mapping index, for further lookups (resolve, doctor).
    pub index: MappingIndex,
    /// The certificates by thumbprint and by the names they cover, for the rules.
    pub certificate_index: CertificateIndex,
}

impl Analysis {
    /// What was concluded about the mapping `id`.
    pub fn mapping(&self, id: MappingId) -> &MappingAnalysis {
        &self.mappings[id.index()]
    }
}

/// Analyses every binding and mapping of `machine`.
pub fn analyze(machine: &Machine, ccs_files: &dyn CcsFiles, assumptions: &SelectionAssumptions) -> Analysis {
    let index = MappingIndex::new(&machine.mappings);
    let certificate_index = CertificateIndex::new(&machine.certificates);
    // The first copy of a certificate given more than once stands for it.
    let certificate_position = |hash: &Thumbprint| certificate_index.with_thumbprint(hash).first().copied();

    let mut bindings = Vec::new();
    for (config_position, config) in machine.configs.iter().enumerate() {
        for (site_position, site) in config.sites.iter().enumerate() {
            for (binding_position, binding) in site.bindings.iter().enumerate() {
                let binding_ref =
                    BindingRef { config: config_position, site: site_position, binding: binding_position };
                let expected = expected_mapping(binding);
                let selection = (machine.mappings_known && binding.is_https())
                    .then(|| binding.http_endpoint())
                    .flatten()
                    .map(|endpoint| {
                        selection::select(&index, &connection_for(endpoint), ccs_files, assumptions)
                    });
                let certificate_hash = selection
                    .as_ref()
                    .and_then(|selection| selection.chosen)
                    .and_then(|chosen| machine.mapping(chosen).certificate_hash);
                let certificate = certificate_hash.and_then(|hash| certificate_position(&hash));
                bindings.push(BindingAnalysis {
                    binding: binding_ref,
                    expected,
                    selection,
                    certificate_hash,
                    certificate,
                });
            }
        }
    }

    let mut used_by: Vec<Vec<BindingRef>> = vec![Vec::new(); machine.mappings.len()];
    for analysis in &bindings {
        let expected = analysis.expected.as_ref().and_then(|key| index.get(key));
        let effective = analysis.effective();
        for position in [expected, effective].into_iter().flatten() {
            let users = &mut used_by[position.index()];
            if users.last() != Some(&analysis.binding) {
                users.push(analysis.binding);
            }
        }
    }
    let ports = https_ports(machine);
    let mappings = machine
        .mappings_with_ids()
        .zip(used_by)
        .map(|((position, mapping), users)| {
            let owner = mapping.app_id.and_then(Owner::of);
            let status = status_of(mapping, owner, !users.is_empty(), &ports);
            let certificate = mapping.certificate_hash.and_then(|hash| certificate_position(&hash));
            MappingAnalysis { mapping: position, owner, status, used_by: users, certificate }
        })
        .collect();
    Analysis { bindings, mappings, index, certificate_index }
}

/// The mapping IIS Manager creates for an https binding (docs/httpsys.md#expected-mapping):
/// CCS bit -> the CCS record on the port; SNI bit -> `host:port`; otherwise `IP:port` with
/// `*` (or an empty address) as `0.0.0.0`. `None` for other protocols, unparsed bindings, and an SNI binding
/// without a host (which IIS refuses to create).
pub fn expected_mapping(binding: &Binding) -> Option<MappingKey> {
    if !binding.is_https() {
        return None;
    }
    let BindingEndpoint::Http(endpoint) = &binding.endpoint else {
        return None;
    };
    let port = endpoint.port;
    if binding.ssl_flags.central_cert_store() {
        return Some(MappingKey::Ccs { port });
    }
    if binding.ssl_flags.sni() {
        let host = endpoint.specific_host()?;
        return Some(MappingKey::Sni { host: host.into(), port });
    }
    let ip = endpoint.address.ip().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    Some(MappingKey::Ip(SocketAddr::new(ip, port)))
}

/// The connection a client of `endpoint` makes: to the binding's address (any unassigned
/// IPv4 address for `*`), sending the binding's host as SNI unless the host is empty, the
/// lone `*`, or an IP literal (clients never send an IP address as SNI, RFC 6066 §3).
pub(crate) fn connection_for(endpoint: &HttpEndpoint) -> Connection {
    let local = match endpoint.address {
        BindingAddress::Ip(ip) => LocalAddress::Ip(ip),
        BindingAddress::AllUnassigned | BindingAddress::Empty => LocalAddress::Unassigned(IpFamily::V4),
    };
    let sni = endpoint.specific_host().filter(|host| host.parse::<IpAddr>().is_err()).map(str::to_owned);
    Connection { local, port: endpoint.port, sni }
}

/// Per port: whether it has https bindings and whether all of them are SNI or CCS.
fn https_ports(machine: &Machine) -> HashMap<u16, bool> {
    let mut ports: HashMap<u16, bool> = HashMap::new();
    for (_, site) in machine.sites() {
        for binding in site.bindings.iter().filter(|binding| binding.is_https()) {
            let Some(endpoint) = binding.http_endpoint() else {
                continue;
            };
            let sni_or_ccs = binding.ssl_flags.sni() || binding.ssl_flags.central_cert_store();
            let all = ports.entry(endpoint.port).or_insert(true);
            *all &= sni_or_ccs;
        }
    }
    ports
}

fn status_of(
    mapping: &Mapping,
    owner: Option<Owner>,
    used: bool,
    ports: &HashMap<u16, bool>,
) -> MappingStatus {
    if used {
        return MappingStatus::InUse;
    }
    let port = mapping.key.port();
    if owner == Some(Owner::IisExpress)
        && IIS_EXPRESS_RESERVED_PORTS.contains(&port)
        && matches!(mapping.key, MappingKey::Ip(address) if address.ip() == IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    {
        return MappingStatus::Reserved;
    }
    if mapping.key.is_wildcard_ip() && ports.get(&port) == Some(&true) {
        return MappingStatus::Fallback;
    }
    if owner.is_some_and(Owner::is_iis_family) { MappingStatus::Idle } else { MappingStatus::Foreign }
}

//! Every consumer of one certificate, and whether deleting it would break anything.
//!
//! Renewal tools hurt users most when they delete a certificate that something still uses:
//! a fallback mapping for clients without SNI, a mapping owned by WinRM or AD FS, a CCS file.
//! [`usage`] answers "what breaks if this certificate goes" from the [`Analysis`] alone, so
//! that `sslbind usage` and `sslbind certificates` tell the same story.

use std::collections::{BTreeSet, HashMap};

use crate::analysis::selection::ccs_file_names;
use crate::analysis::{Analysis, BindingRef, MappingStatus};
use crate::model::certificate::Certificate;
use crate::model::ids::Thumbprint;
use crate::model::machine::{CertificateId, Machine, MappingId};
use crate::model::mapping::MappingKey;
use crate::owners::Owner;

/// One mapping whose certificate hash is the certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MappingUse {
    /// Which mapping.
    pub mapping: MappingId,
    /// Its status (docs/contract.md#mapping-statuses).
    pub status: MappingStatus,
    /// The known owner of its AppId.
    pub owner: Option<Owner>,
    /// The bindings that expect it or are served by it, in document order.
    pub used_by: Vec<BindingRef>,
}

/// One binding that depends on the certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BindingUse {
    /// Which binding.
    pub binding: BindingRef,
    /// Its expected mapping is one of the certificate's mappings.
    pub expects: bool,
    /// HTTP.sys serves it with one of the certificate's mappings.
    pub served: bool,
}

/// A Central Certificate Store file that holds the certificate and the CCS bindings whose
/// host names it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CcsFileUse {
    /// The file name, as the CCS provider looks it up (`shop.example.com.pfx`).
    pub file: String,
    /// The CCS bindings whose host it serves.
    pub bindings: Vec<BindingRef>,
}

/// The wildcard IPv4 and IPv6 mappings of one port that both carry the certificate: the
/// two must be renewed together, or clients of one family get the old certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Twins {
    /// `0.0.0.0:port`.
    pub ipv4: MappingId,
    /// `[::]:port`.
    pub ipv6: MappingId,
}

/// Every consumer of one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Usage {
    /// The certificate's thumbprint.
    pub thumbprint: Thumbprint,
    /// The certificate, when it was read (its first copy).
    pub certificate: Option<CertificateId>,
    /// The mappings of any owner whose certificate hash is the thumbprint, in mapping order.
    pub mappings: Vec<MappingUse>,
    /// The bindings that expect those mappings or are served by them, in document order.
    pub bindings: Vec<BindingUse>,
    /// The CCS files known to hold the certificate, with the bindings they serve.
    pub ccs_files: Vec<CcsFileUse>,
    /// The IPv4/IPv6 twin mappings.
    pub twins: Vec<Twins>,
    /// Whether deleting the certificate breaks nothing sslbind knows of.
    pub safe_to_delete: bool,
    /// Why it is not safe, one consumer each (empty when it is).
    pub reasons: Vec<String>,
    /// What deleting it would leave behind without breaking anything (idle mappings).
    pub notes: Vec<String>,
}

/// The machine's certificates with their consumers, soonest end of validity first (ties by
/// thumbprint, so the order is stable); with `until`, only those that end by then, expired
/// ones included. `sslbind certificates` lists exactly this.
pub fn certificate_list<'m>(
    machine: &'m Machine,
    analysis: &Analysis,
    until: Option<time::OffsetDateTime>,
) -> Vec<(&'m Certificate, Usage)> {
    let mut listed: Vec<&Certificate> = machine
        .certificates
        .iter()
        .filter(|certificate| until.is_none_or(|until| certificate.not_after <= until))
        .collect();
    listed.sort_by(|a, b| a.not_after.cmp(&b.not_after).then_with(|| a.thumbprint.cmp(&b.thumbprint)));
    // One pass over the mappings, bindings and certificates for all of them, instead of one
    // per certificate: a hosting server's thousands of certificates times its tens of
    // thousands of bindings took seconds. Each list keeps the order `usage` gives it.
    let mut mappings_of: HashMap<Thumbprint, Vec<MappingUse>> = HashMap::new();
    for mapping_analysis in &analysis.mappings {
        if let Some(hash) = machine.mapping(mapping_analysis.mapping).certificate_hash {
            mappings_of.entry(hash).or_default().push(mapping_use(mapping_analysis));
        }
    }
    let mut bindings_of: HashMap<Thumbprint, Vec<BindingUse>> = HashMap::new();
    for binding_analysis in &analysis.bindings {
        let hash_of = |id: Option<MappingId>| id.and_then(|id| machine.mapping(id).certificate_hash);
        let expected = hash_of(binding_analysis.expected.as_ref().and_then(|key| analysis.index.get(key)));
        let effective = hash_of(binding_analysis.effective());
        for hash in [expected, effective].into_iter().flatten().collect::<BTreeSet<_>>() {
            bindings_of.entry(hash).or_default().push(BindingUse {
                binding: binding_analysis.binding,
                expects: expected == Some(hash),
                served: effective == Some(hash),
            });
        }
    }
    let mut files_of: HashMap<Thumbprint, BTreeSet<String>> = HashMap::new();
    for certificate in &machine.certificates {
        if let Some(name) = pfx_file_name(certificate) {
            files_of.entry(certificate.thumbprint).or_default().insert(name);
        }
    }
    listed
        .into_iter()
        .map(|certificate| {
            let thumbprint = certificate.thumbprint;
            // Cloned, not taken: a certificate read from two sources is listed twice.
            let found = Found {
                mappings: mappings_of.get(&thumbprint).cloned().unwrap_or_default(),
                bindings: bindings_of.get(&thumbprint).cloned().unwrap_or_default(),
                ccs_files: ccs_files_of(machine, files_of.get(&thumbprint).cloned().unwrap_or_default()),
            };
            (certificate, usage_of(machine, analysis, thumbprint, found))
        })
        .collect()
}

/// Every consumer of the certificate `thumbprint` on `machine`, as `analysis` (of that
/// machine) sees it.
pub fn usage(machine: &Machine, analysis: &Analysis, thumbprint: Thumbprint) -> Usage {
    let mappings: Vec<MappingUse> = analysis
        .mappings
        .iter()
        .filter(|mapping_analysis| {
            machine.mapping(mapping_analysis.mapping).certificate_hash == Some(thumbprint)
        })
        .map(mapping_use)
        .collect();
    let ids: BTreeSet<MappingId> = mappings.iter().map(|mapping_use| mapping_use.mapping).collect();

    let bindings: Vec<BindingUse> = analysis
        .bindings
        .iter()
        .filter_map(|binding_analysis| {
            let expects = binding_analysis
                .expected
                .as_ref()
                .and_then(|key| analysis.index.get(key))
                .is_some_and(|id| ids.contains(&id));
            let served = binding_analysis.effective().is_some_and(|id| ids.contains(&id));
            (expects || served).then_some(BindingUse { binding: binding_analysis.binding, expects, served })
        })
        .collect();
    let files: BTreeSet<String> = machine
        .certificates
        .iter()
        .filter(|certificate| certificate.thumbprint == thumbprint)
        .filter_map(pfx_file_name)
        .collect();
    let ccs_files = ccs_files_of(machine, files);
    usage_of(machine, analysis, thumbprint, Found { mappings, bindings, ccs_files })
}

/// The consumers of one certificate, found by [`usage`] or, for all at once, by
/// [`certificate_list`].
struct Found {
    mappings: Vec<MappingUse>,
    bindings: Vec<BindingUse>,
    ccs_files: Vec<CcsFileUse>,
}

fn mapping_use(mapping_analysis: &crate::analysis::MappingAnalysis) -> MappingUse {
    MappingUse {
        mapping: mapping_analysis.mapping,
        status: mapping_analysis.status,
        owner: mapping_analysis.owner,
        used_by: mapping_analysis.used_by.clone(),
    }
}

/// The [`Usage`] of `thumbprint` from its consumers: the twins, and why deleting it is or is
/// not safe.
fn usage_of(machine: &Machine, analysis: &Analysis, thumbprint: Thumbprint, found: Found) -> Usage {
    let Found { mappings, bindings, ccs_files } = found;
    let certificate = analysis.certificate_index.with_thumbprint(&thumbprint).first().copied();
    let twins = twins(machine, &mappings);

    let mut reasons = Vec::new();
    let mut notes = Vec::new();
    let mut reserved = Vec::new();
    for mapping_use in &mappings {
        let mapping = machine.mapping(mapping_use.mapping);
        let key = &mapping.key;
        match mapping_use.status {
            MappingStatus::InUse => {}
            MappingStatus::Fallback => reasons.push(format!(
                "mapping {key} is the fallback for clients without SNI on port {}",
                key.port()
            )),
            // One reason for all of them: IIS Express pre-creates a hundred.
            MappingStatus::Reserved => reserved.push(key.port()),
            MappingStatus::Foreign => {}
            MappingStatus::Idle => notes.push(format!(
                "mapping {key} is idle and would be left without its certificate (`sslbind mapping prune` removes it)"
            )),
        }
        match mapping_use.owner {
            Some(owner) if owner.is_iis_family() => {}
            Some(owner) => reasons.push(format!("mapping {key} is owned by {}", owner.name())),
            None => reasons.push(match mapping.app_id {
                Some(app_id) => format!("mapping {key} is owned by an unknown program (AppId {app_id})"),
                None => format!("mapping {key} is owned by an unknown program (no AppId)"),
            }),
        }
    }
    match reserved.as_slice() {
        [] => {}
        [port] => reasons.push(format!("IIS Express's reserved mapping for port {port}")),
        [first, .., last] => reasons
            .push(format!("IIS Express's {} reserved mappings for ports {first}-{last}", reserved.len())),
    }
    for binding_use in &bindings {
        let described = describe_site_binding(machine, binding_use.binding);
        reasons.push(if binding_use.served {
            format!("serves {described}")
        } else {
            format!("is expected by {described}")
        });
    }
    for file in &ccs_files {
        for binding in &file.bindings {
            reasons.push(format!(
                "CCS file {} serves {}",
                file.file,
                describe_site_binding(machine, *binding)
            ));
        }
    }
    Usage {
        thumbprint,
        certificate,
        mappings,
        bindings,
        ccs_files,
        twins,
        safe_to_delete: reasons.is_empty(),
        reasons,
        notes,
    }
}

/// "site `shop` binding `*:443:shop.example.com`".
fn describe_site_binding(machine: &Machine, binding: BindingRef) -> String {
    let site = &machine.configs[binding.config].sites[binding.site];
    format!("site `{}` binding `{}`", site.name, site.bindings[binding.binding].information)
}

/// The lower-case name of the `.pfx` file `certificate` was read from, if it was: only
/// certificates read from files can be matched to CCS bindings (a live store gives no file
/// name).
fn pfx_file_name(certificate: &Certificate) -> Option<String> {
    let location = certificate.origin.location()?;
    let path: &str = location.path.as_ref();
    let name = path.rsplit(['/', '\\']).next()?.to_ascii_lowercase();
    name.ends_with(".pfx").then_some(name)
}

/// The CCS files the certificate was read from (`files`), matched to the CCS bindings whose
/// host the provider looks up under that name.
fn ccs_files_of(machine: &Machine, files: BTreeSet<String>) -> Vec<CcsFileUse> {
    let mut uses = Vec::new();
    for file in files {
        let mut bindings = Vec::new();
        for (config_position, config) in machine.configs.iter().enumerate() {
            for (site_position, site) in config.sites.iter().enumerate() {
                for (binding_position, binding) in site.bindings.iter().enumerate() {
                    let host = binding
                        .http_endpoint()
                        .filter(|_| binding.is_https() && binding.ssl_flags.central_cert_store())
                        .and_then(|endpoint| endpoint.specific_host());
                    if host.is_some_and(|host| ccs_file_names(host).contains(&file)) {
                        bindings.push(BindingRef {
                            config: config_position,
                            site: site_position,
                            binding: binding_position,
                        });
                    }
                }
            }
        }
        if !bindings.is_empty() {
            uses.push(CcsFileUse { file, bindings });
        }
    }
    uses
}

/// The `0.0.0.0:port` and `[::]:port` pairs among `mappings`.
fn twins(machine: &Machine, mappings: &[MappingUse]) -> Vec<Twins> {
    let wildcard = |id: MappingId, v4: bool| match machine.mapping(id).key {
        MappingKey::Ip(address) if address.ip().is_unspecified() && address.is_ipv4() == v4 => {
            Some(address.port())
        }
        _ => None,
    };
    let mut pairs = Vec::new();
    for ipv4 in mappings.iter().map(|mapping_use| mapping_use.mapping) {
        let Some(port) = wildcard(ipv4, true) else { continue };
        let ipv6 = mappings
            .iter()
            .map(|mapping_use| mapping_use.mapping)
            .find(|&other| wildcard(other, false) == Some(port));
        if let Some(ipv6) = ipv6 {
            pairs.push(Twins { ipv4, ipv6 });
        }
    }
    pairs
}

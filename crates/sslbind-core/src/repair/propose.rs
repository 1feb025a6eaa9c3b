//! What each finding's repair would change: the plan engine's changes, the bindings the
//! finding is about (the only ones a safe fix may change), and a summary naming the
//! certificate chosen and why. Codes without an automatic repair say why here; whether a
//! proposal is accepted is decided afterwards, on the planned machine.

use crate::analysis::choice::{ChoiceRequest, choose_certificate};
use crate::analysis::{BindingAnalysis, BindingRef};
use crate::authority::ip_literal;
use crate::doctor::{Code, Finding, Options, Repair};
use crate::model::binding::{Binding, Site};
use crate::model::ids::Thumbprint;
use crate::model::machine::{ConfigFile, MappingId};
use crate::model::mapping::MappingKey;
use crate::owners::Owner;
use crate::plan::Change;

use super::State;

/// A repair to try.
pub(crate) struct Proposal {
    /// The changes, planned in order.
    pub(crate) changes: Vec<Change>,
    /// What the fix does, as a sentence fragment.
    pub(crate) summary: String,
    /// The bindings the finding is about, which the fix may change.
    pub(crate) own: Vec<BindingRef>,
    /// Whether it changes a binding's sslFlags (always unsafe: what clients without SNI get
    /// changes with it).
    pub(crate) sets_flags: bool,
}

/// How a code's findings are turned into a proposal.
type Proposer = fn(&State, &Finding, &Options) -> Result<Proposal, String>;

/// The proposal for `finding` on `state`, or why there is none: codes the registry marks
/// manual have none, by the registry's reason.
pub(crate) fn propose(state: &State, finding: &Finding, options: &Options) -> Result<Proposal, String> {
    let code = finding.code;
    match proposer(code) {
        Some(proposer) if code.repair() != Repair::Manual => proposer(state, finding, options),
        _ => Err(format!("`{code}` has no automatic repair: {}", code.repair_why())),
    }
}

/// The proposer of `code`; `None` for the codes the registry marks manual (a unit test keeps
/// the two in step).
fn proposer(code: Code) -> Option<Proposer> {
    match code {
        Code::MissingMapping => Some(missing_mapping),
        Code::CertificateNotFound
        | Code::CertificateExpired
        | Code::CertificateExpiring
        | Code::PrivateKeyMissing
        | Code::WeakCertificate
        | Code::CertificateNotForServerAuth
        | Code::RenewalAvailable => Some(replace_certificate),
        Code::CertificateNameMismatch => Some(name_mismatch),
        Code::IdleMapping => Some(idle_mapping),
        Code::DuplicateBinding => Some(|state, finding, _| duplicate_binding(state, finding)),
        Code::StoreMismatch => Some(|state, finding, _| store_mismatch(state, finding)),
        Code::MissingUrlReservation => Some(|state, finding, _| url_reservation(state, finding)),
        Code::SharedEndpointCertificate => Some(split_endpoint),
        _ => None,
    }
}

/// Deletes the idle mapping the finding names.
fn idle_mapping(_: &State, finding: &Finding, _: &Options) -> Result<Proposal, String> {
    let key = finding_mapping(finding)?;
    Ok(Proposal {
        changes: vec![Change::RemoveMapping { key: key.clone() }],
        summary: format!("delete the idle {} mapping `{key}`", key.kind()),
        own: Vec::new(),
        sets_flags: false,
    })
}

/// The mapping the finding names.
fn finding_mapping(finding: &Finding) -> Result<&MappingKey, String> {
    finding.mapping.as_ref().ok_or_else(|| "the finding names no mapping".to_owned())
}

/// The position of the finding's mapping on `state`.
fn existing_mapping(state: &State, finding: &Finding) -> Result<MappingId, String> {
    let key = finding_mapping(finding)?;
    state.analysis.index.get(key).ok_or_else(|| format!("mapping `{key}` does not exist"))
}

/// The bindings named by the finding's site and bindingInformation (compared without case, as
/// IIS does), in document order.
fn named_bindings(state: &State, finding: &Finding) -> Vec<BindingRef> {
    let (Some(site), Some(information)) = (&finding.site, &finding.binding) else {
        return Vec::new();
    };
    state
        .analysis
        .bindings
        .iter()
        .map(|analysis| analysis.binding)
        .filter(|position| {
            let (_, candidate, binding) = binding_at(state, *position);
            candidate.name.eq_ignore_ascii_case(site) && binding.information.eq_ignore_ascii_case(information)
        })
        .collect()
}

/// The finding's https binding.
fn finding_binding(state: &State, finding: &Finding) -> Result<BindingRef, String> {
    named_bindings(state, finding)
        .into_iter()
        .find(|position| binding_at(state, *position).2.is_https())
        .ok_or_else(|| "the finding names no https binding".to_owned())
}

/// The bindings that expect the mapping `key`, in document order.
fn expecting(state: &State, key: &MappingKey) -> Vec<BindingRef> {
    state
        .analysis
        .bindings
        .iter()
        .filter(|analysis| analysis.expected.as_ref() == Some(key))
        .map(|analysis| analysis.binding)
        .collect()
}

/// What the analysis concluded about the binding at `position`.
fn binding_analysis(state: &State, position: BindingRef) -> Result<&BindingAnalysis, String> {
    state
        .analysis
        .bindings
        .iter()
        .find(|analysis| analysis.binding == position)
        .ok_or_else(|| "the binding was not analysed".to_owned())
}

fn binding_at(state: &State, position: BindingRef) -> (&ConfigFile, &Site, &Binding) {
    let config = &state.machine.configs[position.config];
    let site = &config.sites[position.site];
    (config, site, &site.bindings[position.binding])
}

fn binding_host(state: &State, position: BindingRef) -> Option<&str> {
    binding_at(state, position).2.http_endpoint().and_then(|endpoint| endpoint.specific_host())
}

/// Every host the mapping `id` serves: its SNI host and the hosts of the bindings using it.
fn mapping_hosts(state: &State, id: MappingId) -> Vec<String> {
    let mut hosts = Vec::new();
    if let MappingKey::Sni { host, .. } | MappingKey::ScopedCcs { host, .. } = &state.machine.mapping(id).key
    {
        hosts.push(host.to_string());
    }
    for &user in &state.analysis.mapping(id).used_by {
        hosts.extend(binding_host(state, user).map(str::to_owned));
    }
    hosts
}

/// A certificate chosen by the one rule for `hosts`: its thumbprint, its store (when it is in
/// one), where it was read when that was a file, and the reason.
struct Chosen {
    thumbprint: Thumbprint,
    store: Option<String>,
    file: Option<String>,
    reason: String,
}

impl Chosen {
    /// The store the mapping names (the certificate's own, else `fallback`) and the reason,
    /// with a reminder to import a certificate read from a file into that store.
    fn placed(self, fallback: &str) -> (Thumbprint, String, String) {
        let store = self.store.unwrap_or_else(|| fallback.to_owned());
        let reason = match self.file {
            Some(file) => format!(
                "{} (read from {file}: import it into the LocalMachine `{store}` store before running the plan)",
                self.reason
            ),
            None => self.reason,
        };
        (self.thumbprint, store, reason)
    }
}

fn choose(state: &State, hosts: &[String], store: Option<&str>, options: &Options) -> Result<Chosen, String> {
    let hosts: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let request = ChoiceRequest { hosts: &hosts, now: options.now, store };
    let choice = choose_certificate(&state.machine, &state.analysis.certificate_index, &request)
        .map_err(|none| none.reason)?;
    let certificate = state.machine.certificate(choice.certificate);
    Ok(Chosen {
        thumbprint: certificate.thumbprint,
        store: certificate.store.clone(),
        file: certificate.store.is_none().then(|| certificate.origin.to_string()),
        reason: choice.reason,
    })
}

/// Adds the mapping the finding's binding expects, with a certificate covering every binding
/// that expects it (a CCS mapping needs none).
fn missing_mapping(state: &State, finding: &Finding, options: &Options) -> Result<Proposal, String> {
    let position = finding_binding(state, finding)?;
    let key = binding_analysis(state, position)?
        .expected
        .clone()
        .ok_or_else(|| "the binding expects no mapping".to_owned())?;
    add_expected(state, position, &key, options)
}

fn add_expected(
    state: &State,
    position: BindingRef,
    key: &MappingKey,
    options: &Options,
) -> Result<Proposal, String> {
    let (config, _, _) = binding_at(state, position);
    let own = expecting(state, key);
    if let MappingKey::Ccs { .. } = key {
        return Ok(Proposal {
            changes: vec![Change::AddMapping {
                key: key.clone(),
                certificate: None,
                store: None,
                app_id: Some(Owner::server(config.flavor).app_id()),
            }],
            summary: format!("add the Central Certificate Store mapping `{key}`"),
            own,
            sets_flags: false,
        });
    }
    let hosts: Vec<String> =
        own.iter().filter_map(|&user| binding_host(state, user)).map(str::to_owned).collect();
    let (thumbprint, store, reason) = choose(state, &hosts, None, options)?.placed("MY");
    Ok(Proposal {
        changes: vec![Change::AddMapping {
            key: key.clone(),
            certificate: Some(thumbprint),
            store: Some(store),
            app_id: Some(Owner::server(config.flavor).app_id()),
        }],
        summary: format!("add {} mapping `{key}` with {reason}", key.kind()),
        own,
        sets_flags: false,
    })
}

/// Re-points the finding's mapping (for `renewal-available`, every IIS mapping of the
/// certificate) to the certificate the one rule chooses, every other setting kept.
fn replace_certificate(state: &State, finding: &Finding, options: &Options) -> Result<Proposal, String> {
    let first = existing_mapping(state, finding)?;
    let mut targets = vec![first];
    if finding.code == Code::RenewalAvailable
        && let Some(hash) = finding.certificate_hash
    {
        targets = state
            .machine
            .mappings_with_ids()
            .filter(|(id, mapping)| {
                mapping.certificate_hash == Some(hash)
                    && (*id == first
                        || state.analysis.mapping(*id).status == crate::analysis::MappingStatus::InUse)
            })
            .map(|(id, _)| id)
            .collect();
    }
    let mut changes = Vec::new();
    let mut own = Vec::new();
    let mut reasons = Vec::new();
    for id in targets {
        let mapping = state.machine.mapping(id);
        let chosen = choose(state, &mapping_hosts(state, id), Some(mapping.effective_store()), options)?;
        if Some(chosen.thumbprint) == mapping.certificate_hash {
            return Err(format!(
                "no better certificate qualifies for mapping `{}`: the one rule chooses its own, {}",
                mapping.key, chosen.reason
            ));
        }
        own.extend(state.analysis.mapping(id).used_by.iter().copied());
        let (thumbprint, store, reason) = chosen.placed(mapping.effective_store());
        reasons.push(format!("{} mapping `{}` to {reason}", mapping.key.kind(), mapping.key));
        changes.push(Change::SetMapping {
            key: mapping.key.clone(),
            certificate: Some(thumbprint),
            store: Some(store),
        });
    }
    Ok(Proposal {
        changes,
        summary: format!("re-point {}, every other setting kept", reasons.join("; ")),
        own,
        sets_flags: false,
    })
}

/// A binding served with a certificate that does not cover its host: its own mapping gets one
/// that does (every host that mapping serves), or, when that mapping is an IP mapping other
/// bindings share, the binding moves to an SNI mapping of its own.
fn name_mismatch(state: &State, finding: &Finding, options: &Options) -> Result<Proposal, String> {
    let position = finding_binding(state, finding)?;
    let analysis = binding_analysis(state, position)?;
    let expected = analysis.expected.clone().ok_or_else(|| "the binding expects no mapping".to_owned())?;
    let Some(own_mapping) = state.analysis.index.get(&expected) else {
        return add_expected(state, position, &expected, options);
    };
    if analysis.effective() != Some(own_mapping) {
        return Err(format!(
            "HTTP.sys serves the binding with another mapping than its own `{expected}` (see \
             `specific-ip-shadows-sni`): which one should answer is the administrator's call"
        ));
    }
    if let MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. } = expected {
        return Err(
            "the certificate comes from a Central Certificate Store file: replace the .pfx file".to_owned()
        );
    }
    let users = &state.analysis.mapping(own_mapping).used_by;
    let host = binding_host(state, position).ok_or_else(|| "the binding has no host name".to_owned())?;
    let shared = users.iter().any(|user| *user != position);
    let (_, site, binding) = binding_at(state, position);
    if shared && matches!(expected, MappingKey::Ip(_)) && ip_literal(host).is_none() {
        let (thumbprint, store, reason) = choose(state, &[host.to_owned()], None, options)?.placed("MY");
        return Ok(Proposal {
            changes: vec![Change::SetBinding {
                site: site.name.clone(),
                protocol: binding.protocol.clone(),
                information: binding.information.clone(),
                sni: Some(true),
                certificate: Some(thumbprint),
                store: Some(store),
                to: None,
            }],
            summary: format!(
                "move site `{}`, binding `{}` off the shared ip mapping `{expected}` onto an SNI mapping of its own \
                 (sslFlags gains SNI) with {reason}",
                site.name, binding.information
            ),
            own: vec![position],
            sets_flags: true,
        });
    }
    let mapping = state.machine.mapping(own_mapping);
    let (thumbprint, store, reason) =
        choose(state, &mapping_hosts(state, own_mapping), Some(mapping.effective_store()), options)?
            .placed(mapping.effective_store());
    Ok(Proposal {
        changes: vec![Change::SetMapping {
            key: expected.clone(),
            certificate: Some(thumbprint),
            store: Some(store),
        }],
        summary: format!(
            "re-point {} mapping `{expected}` to {reason}, every other setting kept",
            expected.kind()
        ),
        own: vec![position],
        sets_flags: false,
    })
}

/// Removes the repeat the finding names: the later line of a site that has it twice, or the
/// binding of the later site when two sites have it.
fn duplicate_binding(state: &State, finding: &Finding) -> Result<Proposal, String> {
    let named = named_bindings(state, finding);
    let last = *named.last().ok_or_else(|| "the repeated binding is not in the config".to_owned())?;
    let (config, site, binding) = binding_at(state, last);
    let repeats: Vec<BindingRef> = named
        .iter()
        .copied()
        .filter(|position| {
            let (_, _, other) = binding_at(state, *position);
            (position.config, position.site) == (last.config, last.site)
                && other.protocol.eq_ignore_ascii_case(&binding.protocol)
        })
        .collect();
    let change = if repeats.len() > 1 {
        Change::RemoveRepeatedBinding {
            site: site.name.clone(),
            protocol: binding.protocol.clone(),
            information: binding.information.clone(),
            occurrence: repeats.len() - 1,
        }
    } else {
        Change::RemoveBinding {
            site: site.name.clone(),
            protocol: binding.protocol.clone(),
            information: binding.information.clone(),
        }
    };
    let summary = format!(
        "remove the repeated {} binding `{}` of site `{}` at {} from {}",
        binding.protocol, binding.information, site.name, binding.origin, config.path
    );
    Ok(Proposal { changes: vec![change], summary, own: named, sets_flags: false })
}

/// Re-points the mapping to the store that holds its certificate.
fn store_mismatch(state: &State, finding: &Finding) -> Result<Proposal, String> {
    let id = existing_mapping(state, finding)?;
    let mapping = state.machine.mapping(id);
    let hash = mapping.certificate_hash.ok_or_else(|| "the mapping names no certificate".to_owned())?;
    let mut stores: Vec<&str> = state
        .analysis
        .certificate_index
        .with_thumbprint(&hash)
        .iter()
        .filter_map(|&copy| state.machine.certificate(copy).store.as_deref())
        .collect();
    stores.sort_unstable();
    let store = stores.first().ok_or_else(|| "no store is known to hold the certificate".to_owned())?;
    Ok(Proposal {
        changes: vec![Change::SetMapping {
            key: mapping.key.clone(),
            certificate: None,
            store: Some((*store).to_owned()),
        }],
        summary: format!(
            "re-point {} mapping `{}` to store `{store}`, which holds certificate {hash}, every other setting kept",
            mapping.key.kind(),
            mapping.key
        ),
        own: state.analysis.mapping(id).used_by.clone(),
        sets_flags: false,
    })
}

/// Reserves the URL an IIS Express binding listens on, for every user.
fn url_reservation(state: &State, finding: &Finding) -> Result<Proposal, String> {
    let position = named_bindings(state, finding)
        .into_iter()
        .next()
        .ok_or_else(|| "the finding names no binding".to_owned())?;
    let (config, _, binding) = binding_at(state, position);
    let url = crate::plan::ops::reservation_url(config.flavor, binding)
        .ok_or_else(|| "the binding needs no URL reservation".to_owned())?;
    Ok(Proposal {
        changes: vec![Change::ReserveUrl { url: url.clone(), user: "Everyone".to_owned() }],
        summary: format!("reserve `{url}` for Everyone, so IIS Express can listen on it without elevation"),
        own: vec![position],
        sets_flags: false,
    })
}

/// Moves every non-SNI binding with a host name on the shared IP end point onto an SNI
/// mapping of its own; the IP mapping stays for the rest and for clients without SNI.
fn split_endpoint(state: &State, finding: &Finding, options: &Options) -> Result<Proposal, String> {
    let key = finding_mapping(finding)?;
    let group = expecting(state, key);
    let mut changes = Vec::new();
    let mut moved = Vec::new();
    for &position in &group {
        let (_, site, binding) = binding_at(state, position);
        let Some(host) = binding_host(state, position).filter(|host| ip_literal(host).is_none()) else {
            continue;
        };
        let sni_key = MappingKey::Sni { host: host.into(), port: key.port() };
        let existing = state.analysis.index.get(&sni_key).map(|id| state.machine.mapping(id));
        let certificate = match existing.and_then(|mapping| mapping.certificate_hash) {
            Some(hash)
                if state
                    .machine
                    .certificate_with_thumbprint(&hash)
                    .is_some_and(|certificate| crate::certs::covers_host(certificate, host)) =>
            {
                (
                    hash,
                    existing.and_then(|mapping| mapping.certificate_store.clone()),
                    "its existing SNI mapping".to_owned(),
                )
            }
            _ => {
                let chosen = choose(state, &[host.to_owned()], None, options).map_err(|reason| {
                    format!("binding `{}` of site `{}`: {reason}", binding.information, site.name)
                })?;
                let (thumbprint, store, reason) = chosen.placed("MY");
                (thumbprint, Some(store), reason)
            }
        };
        moved.push(format!("site `{}`, binding `{}` with {}", site.name, binding.information, certificate.2));
        changes.push(Change::SetBinding {
            site: site.name.clone(),
            protocol: binding.protocol.clone(),
            information: binding.information.clone(),
            sni: Some(true),
            certificate: Some(certificate.0),
            store: certificate.1,
            to: None,
        });
    }
    if changes.is_empty() {
        return Err("no binding on the end point has a host name an SNI mapping could be keyed by".to_owned());
    }
    Ok(Proposal {
        changes,
        summary: format!(
            "move {} onto SNI mappings of their own (sslFlags gains SNI); ip mapping `{key}` stays for clients without SNI",
            moved.join("; ")
        ),
        own: group,
        sets_flags: true,
    })
}

#[cfg(test)]
mod tests {
    use super::proposer;
    use crate::doctor::{Code, Repair};

    #[test]
    fn every_code_the_registry_repairs_has_a_proposer_and_no_manual_one_has() {
        for &code in Code::ALL {
            assert_eq!(proposer(code).is_some(), code.repair() != Repair::Manual, "{code}");
        }
    }
}

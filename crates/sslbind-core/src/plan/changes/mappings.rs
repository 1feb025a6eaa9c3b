//! The mapping side of a plan: the mapping operations a change asks for (a binding's
//! expected mapping added or pointed at a certificate, a mapping added, removed, pruned or
//! rebound), refused where they would harm another binding or a program other than IIS.

use std::collections::BTreeSet;

use crate::analysis::{BindingRef, MappingStatus};
use crate::certs::covers_host;
use crate::model::host::HostName;
use crate::model::ids::{AppId, Thumbprint};
use crate::model::machine::{ConfigFile, Machine, ServerFlavor};
use crate::model::mapping::{Mapping, MappingKey};
use crate::model::source::Origin;
use crate::owners::Owner;
use crate::plan::ops::MappingOp;

use super::{Change, PlanError, Planner, apply_ops, binding_at, names_binding};

impl Planner<'_> {
    /// The certificate and store the binding's new mapping gets: the one given, else the one
    /// that served the binding before (IIS Manager keeps the certificate when a binding
    /// changes).
    ///
    /// `after` is the machine with the edited configs, for the changes that edit one (a
    /// binding's mapping is looked up there), and gets the mappings after the operations;
    /// `None` for the changes that edit no config.
    pub(super) fn plan_mappings(
        &mut self,
        change: &Change,
        after: Option<&mut Machine>,
    ) -> Result<(), PlanError> {
        let machine = self.machine();
        match change {
            Change::AddBinding { site, protocol, information, certificate, store, .. } => {
                let after = after.as_deref().unwrap_or(machine);
                self.map_binding(after, (site, protocol, information), (*certificate, store.clone()), None);
            }
            Change::SetBinding { site, protocol, information, certificate, store, to, .. } => {
                let previous = self.served_certificate(site, protocol, information);
                let (certificate, store) = match certificate {
                    Some(certificate) => (Some(*certificate), store.clone()),
                    None => match previous {
                        Some((hash, store)) => (Some(hash), store),
                        None => (None, None),
                    },
                };
                let new_information = to.as_deref().unwrap_or(information);
                let changing = Some((site.as_str(), information.as_str()));
                let after = after.as_deref().unwrap_or(machine);
                self.map_binding(after, (site, protocol, new_information), (certificate, store), changing);
            }
            Change::AddMapping { key, certificate, store, app_id } => {
                if certificate.is_none()
                    && !matches!(key, MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. })
                {
                    return Err(PlanError::Invalid(format!("mapping `{key}` needs --certificate")));
                }
                let app_id =
                    app_id.unwrap_or_else(|| default_app_id(&after.as_deref().unwrap_or(machine).configs));
                self.put_mapping(key, *certificate, store.clone(), app_id, None, None);
            }
            Change::RemoveMapping { key } => {
                let Some(position) = self.before.index.get(key) else {
                    return Err(PlanError::MappingNotFound { key: key.clone() });
                };
                let mapping = self.machine().mapping(position);
                let users = self.users_of(position);
                if !users.is_empty() {
                    self.refuse(format!(
                        "mapping `{key}` serves {}: removing it breaks them",
                        self.describe_users(&users)
                    ));
                }
                self.protect(position, "remove");
                self.plan.ops.push(MappingOp::Delete(mapping.clone()));
            }
            Change::PruneMappings => {
                let has_configs = !self.machine().configs.is_empty();
                for analysis in &self.before.mappings {
                    if has_configs && analysis.status == MappingStatus::Idle {
                        self.plan
                            .ops
                            .push(MappingOp::Delete(self.machine().mapping(analysis.mapping).clone()));
                    }
                }
                if !has_configs {
                    self.plan.notes.push("no config given: no mapping can be known to be idle".to_owned());
                }
            }
            Change::Rebind { from, to, store } => self.rebind(*from, *to, store.as_deref()),
            Change::SetMapping { key, certificate, store } => {
                self.set_mapping(key, *certificate, store.as_deref())?
            }
            Change::RemoveBinding { .. }
            | Change::RemoveSite { .. }
            | Change::RemoveRepeatedBinding { .. }
            | Change::ReserveUrl { .. } => {}
        }
        if let Some(after) = after {
            after.mappings = apply_ops(&machine.mappings, &self.plan.ops);
        }
        Ok(())
    }

    /// Gives the binding `site`/`information` of `after` the mapping it expects.
    fn map_binding(
        &mut self,
        after: &Machine,
        (site, protocol, information): (&str, &str, &str),
        (certificate, store): (Option<Thumbprint>, Option<String>),
        changing: Option<(&str, &str)>,
    ) {
        let Some((config, binding)) = after.configs.iter().find_map(|config| {
            let site = config.sites.iter().find(|candidate| candidate.name.eq_ignore_ascii_case(site))?;
            let binding = site.bindings.iter().find(|binding| {
                binding.protocol.eq_ignore_ascii_case(protocol)
                    && binding.information.eq_ignore_ascii_case(information)
            })?;
            Some((config, binding))
        }) else {
            return;
        };
        let Some(key) = crate::analysis::expected_mapping(binding) else {
            if binding.is_https() {
                self.plan.notes.push(format!(
                    "binding `{information}` has no mapping of its own (an SNI binding needs a host name)"
                ));
            }
            return;
        };
        let is_ccs = matches!(key, MappingKey::Ccs { .. });
        if certificate.is_none() && !is_ccs {
            if self.before.index.get(&key).is_none() {
                self.plan.notes.push(format!(
                    "no certificate given: binding `{information}` will have no mapping `{key}` until one is added \
                     (--certificate)"
                ));
            }
            return;
        }
        let host = binding.http_endpoint().and_then(|endpoint| endpoint.specific_host()).map(str::to_owned);
        self.put_mapping(
            &key,
            certificate,
            store,
            Owner::server(config.flavor).app_id(),
            host.as_deref(),
            changing,
        );
    }

    /// Adds `key`, or replaces it when it holds another certificate; refuses what harms
    /// others.
    fn put_mapping(
        &mut self,
        key: &MappingKey,
        certificate: Option<Thumbprint>,
        store: Option<String>,
        app_id: AppId,
        host: Option<&str>,
        changing: Option<(&str, &str)>,
    ) {
        let host = host.or(match key {
            MappingKey::Sni { host, .. } | MappingKey::ScopedCcs { host, .. } => Some(host.as_str()),
            _ => None,
        });
        if let (Some(hash), Some(host), MappingKey::Sni { .. }) = (certificate, host, key) {
            self.check_covers(&hash, host, key);
        }
        match self.before.index.get(key) {
            None => {
                let mut mapping = Mapping::new(key.clone(), Origin::Planned);
                mapping.certificate_hash = certificate;
                mapping.certificate_store = store.or_else(|| certificate.map(|_| "MY".to_owned()));
                mapping.app_id = Some(app_id);
                self.plan.ops.push(MappingOp::Add(mapping));
            }
            Some(position) => {
                let existing = self.machine().mapping(position);
                let same_store = store
                    .as_deref()
                    .is_none_or(|store| store.eq_ignore_ascii_case(existing.effective_store()));
                if existing.certificate_hash == certificate && same_store {
                    self.plan.notes.push(format!("mapping `{key}` already maps that certificate"));
                    return;
                }
                let others: Vec<BindingRef> = self
                    .users_of(position)
                    .into_iter()
                    .filter(|user| {
                        let (_, site, binding) = binding_at(self.machine(), *user);
                        changing.is_none_or(|(changing_site, information)| {
                            !(site.name.eq_ignore_ascii_case(changing_site)
                                && binding.information.eq_ignore_ascii_case(information))
                        })
                    })
                    .collect();
                if !others.is_empty() {
                    self.refuse(format!(
                        "at least one other site uses mapping `{key}`: {} would get the new certificate too",
                        self.describe_users(&others)
                    ));
                }
                self.protect(position, "overwrite");
                let mut replaced = existing.clone();
                replaced.certificate_hash = certificate;
                if let Some(store) = store {
                    replaced.certificate_store = Some(store);
                }
                replaced.origin = Origin::Planned;
                self.plan.ops.push(MappingOp::Replace { before: existing.clone(), after: replaced });
            }
        }
    }

    /// The certificate and store that served the binding before the change.
    fn served_certificate(
        &self,
        site: &str,
        protocol: &str,
        information: &str,
    ) -> Option<(Thumbprint, Option<String>)> {
        self.before.bindings.iter().find_map(|analysis| {
            let (_, candidate, binding) = binding_at(self.machine(), analysis.binding);
            let matches = names_binding(candidate, binding, site, protocol, information);
            let mapping = self.machine().mapping(analysis.effective().filter(|_| matches)?);
            Some((mapping.certificate_hash?, mapping.certificate_store.clone()))
        })
    }

    fn check_covers(&mut self, hash: &Thumbprint, host: &str, key: &MappingKey) {
        match self.machine().certificate_with_thumbprint(hash) {
            Some(certificate) if !covers_host(certificate, host) => self
                .refuse(format!("certificate {hash} does not cover `{host}`, the host of mapping `{key}`")),
            Some(_) => {}
            None => self.plan.notes.push(format!(
                "certificate {hash} was not given (--certs): its names could not be checked against `{host}`"
            )),
        }
    }

    /// Re-points the mapping `key` to `certificate` and/or `store`, every other setting kept.
    fn set_mapping(
        &mut self,
        key: &MappingKey,
        certificate: Option<Thumbprint>,
        store: Option<&str>,
    ) -> Result<(), PlanError> {
        let Some(position) = self.before.index.get(key) else {
            return Err(PlanError::MappingNotFound { key: key.clone() });
        };
        let existing = self.machine().mapping(position);
        if let (Some(hash), MappingKey::Sni { host, .. }) = (certificate, key) {
            self.check_covers(&hash, host.as_str(), key);
        }
        self.protect(position, "change");
        let mut after = existing.clone();
        if let Some(hash) = certificate {
            after.certificate_hash = Some(hash);
        }
        if let Some(store) = store {
            after.certificate_store = Some(store.to_owned());
        }
        after.origin = existing.origin.clone();
        if after == *existing {
            self.plan.notes.push(format!("mapping `{key}` already maps that certificate from that store"));
            return Ok(());
        }
        after.origin = Origin::Planned;
        self.plan.ops.push(MappingOp::Replace { before: existing.clone(), after });
        Ok(())
    }

    fn rebind(&mut self, from: Thumbprint, to: Thumbprint, store: Option<&str>) {
        let new_certificate = self.machine().certificate_with_thumbprint(&to).cloned();
        let mut moved = 0;
        for (position, mapping) in self.machine().mappings_with_ids() {
            if mapping.certificate_hash != Some(from) {
                continue;
            }
            let mut hosts: BTreeSet<String> = BTreeSet::new();
            if let MappingKey::Sni { host, .. } = &mapping.key {
                hosts.insert(host.normalized().to_owned());
            }
            for user in self.users_of(position) {
                let (_, _, binding) = binding_at(self.machine(), user);
                if let Some(host) = binding.http_endpoint().and_then(|endpoint| endpoint.specific_host()) {
                    hosts.insert(HostName::new(host).normalized().to_owned());
                }
            }
            match &new_certificate {
                Some(certificate) => {
                    for host in hosts.iter().filter(|host| !covers_host(certificate, host)) {
                        self.refuse(format!(
                            "the new certificate {to} does not cover `{host}`, which mapping `{}` serves",
                            mapping.key
                        ));
                    }
                }
                None => self.plan.notes.push(format!(
                    "certificate {to} was not given (--certs): its names could not be checked for mapping `{}`",
                    mapping.key
                )),
            }
            self.protect(position, "rebind");
            let mut after = mapping.clone();
            after.certificate_hash = Some(to);
            if let Some(store) = store {
                after.certificate_store = Some(store.to_owned());
            }
            after.origin = Origin::Planned;
            self.plan.ops.push(MappingOp::Replace { before: mapping.clone(), after });
            moved += 1;
        }
        if moved == 0 {
            self.plan.notes.push(format!("no mapping uses certificate {from}"));
        }
    }
}

/// IIS's AppId, unless every config given is IIS Express.
fn default_app_id(configs: &[ConfigFile]) -> AppId {
    if !configs.is_empty() && configs.iter().all(|config| config.flavor == ServerFlavor::IisExpress) {
        Owner::IisExpress.app_id()
    } else {
        Owner::Iis.app_id()
    }
}

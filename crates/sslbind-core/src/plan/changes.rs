//! Planning a change: which config edits it makes and which HTTP.sys mapping operations follow
//! from them, as IIS Manager would do them, but reference-counted and shown first.
//!
//! The rules (peers.md §1.4, §3 items 6-8): a mapping is deleted only when no remaining
//! binding of any given config expects it or is served by it, and never when it is a
//! fallback, reserved for IIS Express or owned by another program; an existing mapping that
//! serves another binding is not overwritten, and an SNI mapping is not pointed at a
//! certificate that does not cover its host, unless the user forces it.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::analysis::selection::UnknownCcsFolder;
use crate::analysis::{Analysis, BindingRef, MappingStatus, analyze};
use crate::certs::covers_host;
use crate::iis::edit::{self, EditError};
use crate::iis::read_config;
use crate::model::flags::SslFlags;
use crate::model::host::HostName;
use crate::model::ids::{AppId, Thumbprint};
use crate::model::machine::{ConfigFile, Machine, MappingId, ServerFlavor};
use crate::model::mapping::{Mapping, MappingKey};
use crate::model::source::{Origin, SourceError};
use crate::owners::Owner;
use crate::plan::ops::{MappingOp, UrlAclOp, reservation_url};
use crate::plan::validate::{InvalidValue, check_change, sni_without_host};
use crate::uncertain::SelectionAssumptions;

/// One change a user asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// `sslbind binding add`.
    AddBinding {
        /// The site.
        site: String,
        /// The protocol (`https` by default).
        protocol: String,
        /// The bindingInformation.
        information: String,
        /// Set the SNI bit.
        sni: bool,
        /// Set the CCS bit.
        ccs: bool,
        /// The certificate to map, if any.
        certificate: Option<Thumbprint>,
        /// The store of that certificate (`MY` when not given).
        store: Option<String>,
    },
    /// `sslbind binding remove`.
    RemoveBinding {
        /// The site.
        site: String,
        /// The protocol.
        protocol: String,
        /// The bindingInformation.
        information: String,
    },
    /// `sslbind binding set`.
    SetBinding {
        /// The site.
        site: String,
        /// The protocol.
        protocol: String,
        /// The bindingInformation as it is now.
        information: String,
        /// Set (`Some(true)`) or clear the SNI bit.
        sni: Option<bool>,
        /// Point the binding's mapping at this certificate.
        certificate: Option<Thumbprint>,
        /// The store of that certificate.
        store: Option<String>,
        /// The new bindingInformation.
        to: Option<String>,
    },
    /// `sslbind site remove`.
    RemoveSite {
        /// The site.
        site: String,
    },
    /// `sslbind mapping add`.
    AddMapping {
        /// The record's key.
        key: MappingKey,
        /// The certificate (required except for CCS records).
        certificate: Option<Thumbprint>,
        /// Its store (`MY` when not given).
        store: Option<String>,
        /// The owner tag; by default IIS's, or IIS Express's when only IIS Express configs
        /// were given.
        app_id: Option<AppId>,
    },
    /// `sslbind mapping remove`.
    RemoveMapping {
        /// The record's key.
        key: MappingKey,
    },
    /// `sslbind mapping prune`: every idle mapping.
    PruneMappings,
    /// `sslbind mapping rebind`: every mapping of one certificate moved to another.
    Rebind {
        /// The old certificate.
        from: Thumbprint,
        /// The new certificate.
        to: Thumbprint,
        /// Its store, when it differs from each mapping's.
        store: Option<String>,
    },
}

/// A config file's text before and after the change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigChange {
    /// Position in `Machine::configs`.
    pub config: usize,
    /// Its path.
    pub path: Arc<str>,
    /// The decoded text before.
    pub before: String,
    /// The decoded text after.
    pub after: String,
}

/// Something the plan would do that needs `--force`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Why, as a sentence.
    pub reason: String,
}

/// What a change does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The config files that change.
    pub configs: Vec<ConfigChange>,
    /// The mapping operations, in the order to apply them.
    pub ops: Vec<MappingOp>,
    /// The URL reservation operations, after the mapping operations; planned only when URL
    /// reservations were given.
    pub urlacl_ops: Vec<UrlAclOp>,
    /// Remarks: what was left alone and why.
    pub notes: Vec<String>,
    /// What needs `--force`; empty when the plan may be carried out. With `force`, the
    /// reasons are kept here for the record but the operations are planned anyway.
    pub refusals: Vec<Refusal>,
}

impl Plan {
    /// Whether the plan changes nothing.
    pub fn is_empty(&self) -> bool {
        self.configs.is_empty() && self.ops.is_empty() && self.urlacl_ops.is_empty()
    }
}

/// Why a change cannot be planned at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// No given config has the site.
    #[error("no site `{site}` in the configs given")]
    SiteNotFound {
        /// The site.
        site: String,
    },
    /// Several configs have the site.
    #[error("site `{site}` is in {count} of the configs given: give only the one to change")]
    SiteInSeveralConfigs {
        /// The site.
        site: String,
        /// In how many configs.
        count: usize,
    },
    /// An edit failed.
    #[error("{path}: {error}")]
    Edit {
        /// The config.
        path: Arc<str>,
        /// What failed.
        error: EditError,
    },
    /// The edited config no longer reads (a bug in the editor, reported rather than written).
    #[error("the edited config would not read back: {0}")]
    Reread(SourceError),
    /// A mapping to remove does not exist.
    #[error("there is no mapping `{key}`")]
    MappingNotFound {
        /// The key.
        key: MappingKey,
    },
    /// A change needs a certificate it was not given.
    #[error("{0}")]
    Invalid(String),
    /// A value given for the change cannot be written (see [`check_change`]).
    #[error("{0}")]
    InvalidValue(InvalidValue),
}

/// The inputs of a plan: the machine as read, and the decoded text of each of its configs.
pub struct PlanInput<'a> {
    /// The machine.
    pub machine: &'a Machine,
    /// `Machine::configs[i]`'s decoded text at position `i`.
    pub config_texts: &'a [String],
    /// Plan what needs `--force` too.
    pub force: bool,
}

/// Plans `change` on `input`.
///
/// The values to write are checked first ([`check_change`]), so a plan never writes what
/// the reader or `doctor` would reject; a binding's protocol is written in lower case, as IIS
/// writes it, with a note when it was given otherwise.
pub fn plan(input: &PlanInput<'_>, change: &Change) -> Result<Plan, PlanError> {
    check_change(change).map_err(PlanError::InvalidValue)?;
    let mut notes = Vec::new();
    let normalised = normalise(change, &mut notes);
    let change = &normalised;
    let machine = input.machine;
    let before = analyze(machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let plan = Plan { notes, ..Plan::default() };
    let mut planner = Planner { input, before: &before, plan, texts: input.config_texts.to_vec() };
    planner.edit_configs(change)?;
    let after_configs = planner.reread_configs()?;
    planner.refuse_duplicates(change, &after_configs);
    let mut after = Machine { configs: after_configs, ..machine.clone() };
    planner.plan_mappings(change, &mut after)?;
    planner.release_unused(change, &after);
    planner.plan_urlacls(change, &after);
    Ok(planner.plan)
}

/// `change` with the protocol of a binding to add in lower case (IIS matches protocols
/// without case but writes them in lower case, and other tools compare them as written).
fn normalise(change: &Change, notes: &mut Vec<String>) -> Change {
    let mut change = change.clone();
    if let Change::AddBinding { protocol, .. } = &mut change {
        let lower = protocol.to_ascii_lowercase();
        if *protocol != lower {
            notes
                .push(format!("protocol `{protocol}` is written in lower case, `{lower}`, as IIS writes it"));
            *protocol = lower;
        }
    }
    change
}

/// The mappings after applying `ops` to `mappings`.
pub fn apply_ops(mappings: &[Mapping], ops: &[MappingOp]) -> Vec<Mapping> {
    let mut result = mappings.to_vec();
    for op in ops {
        match op {
            MappingOp::Add(mapping) => result.push(mapping.clone()),
            MappingOp::Replace { after, .. } => {
                if let Some(existing) = result.iter_mut().find(|existing| existing.key == after.key) {
                    *existing = after.clone();
                }
            }
            MappingOp::Delete(mapping) => result.retain(|existing| existing.key != mapping.key),
        }
    }
    result
}

struct Planner<'a> {
    input: &'a PlanInput<'a>,
    before: &'a Analysis,
    plan: Plan,
    texts: Vec<String>,
}

/// A binding named by site, protocol and information, and where it is.
struct Target {
    config: usize,
}

impl<'a> Planner<'a> {
    fn machine(&self) -> &'a Machine {
        self.input.machine
    }

    fn find_site(&self, site: &str) -> Result<Target, PlanError> {
        let configs: Vec<usize> = self
            .machine()
            .configs
            .iter()
            .enumerate()
            .filter(|(_, config)| {
                config.sites.iter().any(|candidate| candidate.name.eq_ignore_ascii_case(site))
            })
            .map(|(position, _)| position)
            .collect();
        match configs.as_slice() {
            [] => Err(PlanError::SiteNotFound { site: site.to_owned() }),
            [config] => Ok(Target { config: *config }),
            several => Err(PlanError::SiteInSeveralConfigs { site: site.to_owned(), count: several.len() }),
        }
    }

    fn apply_edit(
        &mut self,
        config: usize,
        edit: impl FnOnce(&str) -> Result<String, EditError>,
    ) -> Result<(), PlanError> {
        let path = Arc::clone(&self.machine().configs[config].path);
        let edited = edit(&self.texts[config]).map_err(|error| PlanError::Edit { path, error })?;
        self.texts[config] = edited;
        Ok(())
    }

    fn edit_configs(&mut self, change: &Change) -> Result<(), PlanError> {
        match change {
            Change::AddBinding { site, protocol, information, sni, ccs, .. } => {
                let target = self.find_site(site)?;
                let exists = edit::has_binding(&self.texts[target.config], site, protocol, information)
                    .map_err(|error| PlanError::Edit {
                        path: Arc::clone(&self.machine().configs[target.config].path),
                        error,
                    })?;
                if exists {
                    self.plan.notes.push(format!(
                        "site `{site}` already has the {protocol} binding `{information}`: the config stays as it is \
                         (`sslbind binding set` changes its flags)"
                    ));
                    return Ok(());
                }
                let flags = u32::from(*sni) * SslFlags::SNI.bits()
                    + u32::from(*ccs) * SslFlags::CENTRAL_CERT_STORE.bits();
                let ssl_flags = (protocol.eq_ignore_ascii_case("https") && flags != 0).then_some(flags);
                self.apply_edit(target.config, |text| {
                    edit::add_binding(text, site, protocol, information, ssl_flags)
                })
            }
            Change::RemoveBinding { site, protocol, information } => {
                let target = self.find_site(site)?;
                let removed = self.apply_edit(target.config, |text| {
                    edit::remove_binding(text, site, protocol, information)
                });
                match removed {
                    // Already gone (written by an earlier `--write`): what HTTP.sys still
                    // holds for it is planned all the same, so writing first and emitting
                    // later gives the same operations.
                    Err(PlanError::Edit { error: EditError::BindingNotFound { .. }, .. }) => {
                        self.plan.notes.push(format!(
                            "site `{site}` has no {protocol} binding `{information}`: the config stays as it is; \
                             mappings and URL reservations only it would need are still released"
                        ));
                        Ok(())
                    }
                    other => other,
                }
            }
            Change::SetBinding { site, protocol, information, sni, to, .. } => {
                let target = self.find_site(site)?;
                let current = self.binding_flags(target.config, site, protocol, information)?;
                self.check_sni_host(protocol, current, *sni, information, to.as_deref())?;
                if let Some(sni) = sni {
                    let flags =
                        if *sni { current | SslFlags::SNI.bits() } else { current & !SslFlags::SNI.bits() };
                    if flags != current {
                        self.apply_edit(target.config, |text| {
                            edit::set_binding_attribute(
                                text,
                                site,
                                protocol,
                                information,
                                "sslFlags",
                                &flags.to_string(),
                            )
                        })?;
                    }
                }
                if let Some(to) = to.as_deref().filter(|to| !to.eq_ignore_ascii_case(information)) {
                    self.apply_edit(target.config, |text| {
                        edit::set_binding_attribute(
                            text,
                            site,
                            protocol,
                            information,
                            "bindingInformation",
                            to,
                        )
                    })?;
                }
                Ok(())
            }
            Change::RemoveSite { site } => {
                let target = self.find_site(site)?;
                self.apply_edit(target.config, |text| edit::remove_site(text, site))
            }
            Change::AddMapping { .. }
            | Change::RemoveMapping { .. }
            | Change::PruneMappings
            | Change::Rebind { .. } => Ok(()),
        }
    }

    /// Refuses a `binding set` that would leave an SNI binding without a host name
    /// (`sni-without-host`): `--sni` on such a binding, or `--to` such a value on an SNI
    /// binding.
    fn check_sni_host(
        &self,
        protocol: &str,
        current: u32,
        sni: Option<bool>,
        information: &str,
        to: Option<&str>,
    ) -> Result<(), PlanError> {
        let sni_after = sni.unwrap_or(current & SslFlags::SNI.bits() != 0);
        if (sni != Some(true) && to.is_none()) || !sni_after || !protocol.eq_ignore_ascii_case("https") {
            return Ok(());
        }
        let information_after = to.unwrap_or(information);
        let endpoint = match crate::iis::parse_binding_information(protocol, information_after) {
            crate::model::binding::BindingEndpoint::Http(endpoint) => endpoint,
            _ => return Ok(()),
        };
        if endpoint.specific_host().is_some() {
            return Ok(());
        }
        let option = if to.is_some() { "--to" } else { "--sni" };
        Err(PlanError::InvalidValue(sni_without_host(option, information_after, &endpoint)))
    }

    fn binding_flags(
        &self,
        config: usize,
        site: &str,
        protocol: &str,
        information: &str,
    ) -> Result<u32, PlanError> {
        self.machine().configs[config]
            .sites
            .iter()
            .filter(|candidate| candidate.name.eq_ignore_ascii_case(site))
            .flat_map(|candidate| &candidate.bindings)
            .find(|binding| {
                binding.protocol.eq_ignore_ascii_case(protocol)
                    && binding.information.eq_ignore_ascii_case(information)
            })
            .map(|binding| binding.ssl_flags.bits())
            .ok_or_else(|| PlanError::Edit {
                path: Arc::clone(&self.machine().configs[config].path),
                error: EditError::BindingNotFound {
                    site: site.to_owned(),
                    protocol: protocol.to_owned(),
                    information: information.to_owned(),
                },
            })
    }

    /// Refuses (unless forced) a binding that this change adds or sets when another site of
    /// the same config has the same protocol and bindingInformation: only one of the two
    /// sites could start (doctor: duplicate-binding). A repeat within one site is refused by
    /// the editor already.
    fn refuse_duplicates(&mut self, change: &Change, after: &[ConfigFile]) {
        let (site, protocol, information) = match change {
            Change::AddBinding { site, protocol, information, .. } => (site, protocol, information),
            Change::SetBinding { site, protocol, to: Some(to), .. } => (site, protocol, to),
            _ => return,
        };
        // A binding that was there before is not this change's doing.
        if self.plan.configs.is_empty() {
            return;
        }
        for config in after {
            let Some(own) = config.sites.iter().find(|candidate| candidate.name.eq_ignore_ascii_case(site))
            else {
                continue;
            };
            if !own.bindings.iter().any(|binding| names_binding(own, binding, site, protocol, information)) {
                continue;
            }
            let others = config.sites.iter().filter(|other| {
                !other.name.eq_ignore_ascii_case(site)
                    && other
                        .bindings
                        .iter()
                        .any(|binding| names_binding(other, binding, &other.name, protocol, information))
            });
            for other in others {
                self.refuse(format!(
                    "site `{}` has the {protocol} binding `{information}` too: only one of the two sites could \
                     start with it (doctor: duplicate-binding)",
                    other.name
                ));
            }
        }
    }

    fn reread_configs(&mut self) -> Result<Vec<ConfigFile>, PlanError> {
        let mut configs = Vec::new();
        for (position, config) in self.machine().configs.iter().enumerate() {
            let text = &self.texts[position];
            if *text == self.input.config_texts[position] {
                configs.push(config.clone());
                continue;
            }
            let read =
                read_config(&config.path, text.as_bytes(), Some(config.flavor)).map_err(PlanError::Reread)?;
            configs.push(read.config);
            self.plan.configs.push(ConfigChange {
                config: position,
                path: Arc::clone(&config.path),
                before: self.input.config_texts[position].clone(),
                after: text.clone(),
            });
        }
        Ok(configs)
    }

    /// The certificate and store the binding's new mapping gets: the one given, else the one
    /// that served the binding before (IIS Manager keeps the certificate when a binding
    /// changes).
    fn plan_mappings(&mut self, change: &Change, after: &mut Machine) -> Result<(), PlanError> {
        match change {
            Change::AddBinding { site, protocol, information, certificate, store, .. } => {
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
                self.map_binding(after, (site, protocol, new_information), (certificate, store), changing);
            }
            Change::AddMapping { key, certificate, store, app_id } => {
                if certificate.is_none()
                    && !matches!(key, MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. })
                {
                    return Err(PlanError::Invalid(format!("mapping `{key}` needs --certificate")));
                }
                let app_id = app_id.unwrap_or_else(|| default_app_id(&after.configs));
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
            Change::RemoveBinding { .. } | Change::RemoveSite { .. } => {}
        }
        after.mappings = apply_ops(&self.machine().mappings, &self.plan.ops);
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
        self.put_mapping(&key, certificate, store, app_id_for(config.flavor), host.as_deref(), changing);
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

    /// Reserves, for Everyone, the URLs that the IIS Express bindings this change adds or sets
    /// need and no reservation covers, and deletes the reservations of exactly the URLs no
    /// binding needs any more; only when URL reservations were given.
    ///
    /// What is reserved follows from the machine's reservations, not only from what the
    /// config edit adds: writing the config first (`--write`) and emitting the script later
    /// plans the same reservation as emitting first, because the binding that is already in
    /// the config still lacks it.
    fn plan_urlacls(&mut self, change: &Change, after: &Machine) {
        let machine = self.machine();
        if !machine.url_reservations_known {
            return;
        }
        let needed = |configs: &[ConfigFile]| -> BTreeSet<String> {
            configs
                .iter()
                .flat_map(|config| {
                    config
                        .sites
                        .iter()
                        .flat_map(|site| &site.bindings)
                        .map(move |binding| (config.flavor, binding))
                })
                .filter_map(|(flavor, binding)| reservation_url(flavor, binding))
                .collect()
        };
        let (before, now) = (needed(&machine.configs), needed(&after.configs));
        let mut wanted: BTreeSet<String> = now.difference(&before).cloned().collect();
        wanted.extend(changed_binding_urls(change, after));
        let reservations = &machine.url_reservations;
        for url in &wanted {
            let Ok(prefix) = crate::httpsys::urlacl::parse_url_prefix(url) else { continue };
            let host =
                url.split("://").nth(1).and_then(|rest| rest.rsplit_once(':')).map_or("*", |(host, _)| host);
            let covered = crate::httpsys::urlacl::best_reservation(
                reservations,
                &prefix.scheme,
                host,
                prefix.port,
                "/",
            );
            match covered {
                Some(reservation) => self.plan.notes.push(format!(
                    "URL reservation `{}` already covers `{url}`: no reservation is added",
                    reservation.url
                )),
                None => {
                    self.plan.urlacl_ops.push(UrlAclOp::Add { url: url.clone(), user: "Everyone".to_owned() })
                }
            }
        }
        let mut gone: BTreeSet<String> = before.difference(&now).cloned().collect();
        if let Change::RemoveBinding { site, protocol, information } = change {
            // Already removed from the config by an earlier `--write`: its reservation goes
            // all the same when nothing else needs it.
            let flavor = after.configs.iter().find_map(|config| {
                config
                    .sites
                    .iter()
                    .any(|candidate| candidate.name.eq_ignore_ascii_case(site))
                    .then_some(config.flavor)
            });
            let url = flavor.and_then(|flavor| {
                reservation_url(flavor, &planned_binding(protocol, information, SslFlags::empty()))
            });
            gone.extend(url.filter(|url| !now.contains(url)));
        }
        for url in &gone {
            let Ok(prefix) = crate::httpsys::urlacl::parse_url_prefix(url) else { continue };
            for reservation in
                reservations.iter().filter(|reservation| reservation.prefix.as_ref() == Some(&prefix))
            {
                self.plan.urlacl_ops.push(UrlAclOp::Delete { url: reservation.url.clone() });
            }
        }
    }

    /// After a binding or site goes, deletes the mappings nothing uses any more.
    fn release_unused(&mut self, change: &Change, after: &Machine) {
        let removed: Vec<BindingRef> = match change {
            Change::RemoveBinding { site, protocol, information }
            | Change::SetBinding { site, protocol, information, .. } => self
                .before
                .bindings
                .iter()
                .map(|analysis| analysis.binding)
                .filter(|position| {
                    let (_, candidate, binding) = binding_at(self.machine(), *position);
                    names_binding(candidate, binding, site, protocol, information)
                })
                .collect(),
            Change::RemoveSite { site } => self
                .before
                .bindings
                .iter()
                .map(|analysis| analysis.binding)
                .filter(|position| binding_at(self.machine(), *position).1.name.eq_ignore_ascii_case(site))
                .collect(),
            _ => return,
        };
        let mut candidates: Vec<MappingId> = Vec::new();
        for analysis in self.before.bindings.iter().filter(|analysis| removed.contains(&analysis.binding)) {
            let expected = analysis.expected.as_ref().and_then(|key| self.before.index.get(key));
            for position in [expected, analysis.effective()].into_iter().flatten() {
                if !candidates.contains(&position) {
                    candidates.push(position);
                }
            }
        }
        if let (Change::RemoveBinding { protocol, information, .. }, true) = (change, removed.is_empty()) {
            // The binding is gone already: its flags are unknown, so every mapping it could
            // have expected is a candidate; only those nothing uses any more are deleted.
            for key in possible_keys(protocol, information) {
                if let Some(position) =
                    self.before.index.get(&key).filter(|position| !candidates.contains(position))
                {
                    candidates.push(position);
                }
            }
        }
        let after_analysis = analyze(after, &UnknownCcsFolder, &SelectionAssumptions::default());
        for position in candidates {
            let mapping = self.machine().mapping(position);
            let Some(now) = after_analysis.index.get(&mapping.key).map(|id| after_analysis.mapping(id))
            else {
                continue;
            };
            match now.status {
                MappingStatus::InUse => self.plan.notes.push(format!(
                    "mapping `{}` stays: {} still use it",
                    mapping.key,
                    describe(after, &now.used_by)
                )),
                MappingStatus::Fallback => self.plan.notes.push(format!(
                    "mapping `{}` stays: it is the fallback for clients without SNI on port {}",
                    mapping.key,
                    mapping.key.port()
                )),
                MappingStatus::Reserved | MappingStatus::Foreign if !self.input.force => {
                    self.plan.notes.push(format!(
                        "mapping `{}` is no longer used but stays: it is {} (--force deletes it)",
                        mapping.key,
                        if now.status == MappingStatus::Reserved {
                            "reserved for IIS Express".to_owned()
                        } else {
                            format!("owned by {}", owner_name(mapping))
                        }
                    ));
                }
                _ => self.plan.ops.push(MappingOp::Delete(mapping.clone())),
            }
        }
    }

    fn users_of(&self, position: MappingId) -> Vec<BindingRef> {
        self.before.mapping(position).used_by.clone()
    }

    fn describe_users(&self, users: &[BindingRef]) -> String {
        describe(self.machine(), users)
    }

    /// Refuses touching a reserved or foreign mapping unless forced.
    fn protect(&mut self, position: MappingId, action: &str) {
        let mapping = self.machine().mapping(position);
        let status = self.before.mapping(position).status;
        let owner = mapping.app_id.and_then(Owner::of);
        if status == MappingStatus::Reserved {
            self.refuse(format!(
                "mapping `{}` is reserved for IIS Express: sslbind does not {action} it",
                mapping.key
            ));
        } else if !owner.is_some_and(Owner::is_iis_family) {
            self.refuse(format!(
                "mapping `{}` is owned by {}, not IIS: sslbind does not {action} it",
                mapping.key,
                owner_name(mapping)
            ));
        }
    }

    fn refuse(&mut self, reason: String) {
        self.plan.refusals.push(Refusal { reason });
    }
}

/// Whether `site`/`binding` is the one named by site, protocol and bindingInformation, all
/// compared without case as IIS does.
fn names_binding(
    site: &crate::model::binding::Site,
    binding: &crate::model::binding::Binding,
    site_name: &str,
    protocol: &str,
    information: &str,
) -> bool {
    site.name.eq_ignore_ascii_case(site_name)
        && binding.protocol.eq_ignore_ascii_case(protocol)
        && binding.information.eq_ignore_ascii_case(information)
}

/// The mappings an https binding with this bindingInformation expects with any sslFlags:
/// its IP mapping, its SNI mapping (when it has a host name) and the CCS mapping of its port.
fn possible_keys(protocol: &str, information: &str) -> Vec<MappingKey> {
    [SslFlags::empty(), SslFlags::SNI, SslFlags::SNI | SslFlags::CENTRAL_CERT_STORE]
        .into_iter()
        .filter_map(|flags| crate::analysis::expected_mapping(&planned_binding(protocol, information, flags)))
        .collect()
}

/// A binding that is in no config, to ask what it would need.
fn planned_binding(protocol: &str, information: &str, flags: SslFlags) -> crate::model::binding::Binding {
    crate::model::binding::Binding {
        protocol: protocol.to_owned(),
        information: information.to_owned(),
        ssl_flags: flags,
        endpoint: crate::iis::parse_binding_information(protocol, information),
        origin: Origin::Planned,
    }
}

/// The URLs the binding that `change` adds or sets needs in `after` (at most one).
fn changed_binding_urls(change: &Change, after: &Machine) -> Vec<String> {
    let (site, protocol, information) = match change {
        Change::AddBinding { site, protocol, information, .. } => (site, protocol, information),
        Change::SetBinding { site, protocol, information, to, .. } => {
            (site, protocol, to.as_ref().unwrap_or(information))
        }
        _ => return Vec::new(),
    };
    after
        .configs
        .iter()
        .flat_map(|config| config.sites.iter().map(move |candidate| (config.flavor, candidate)))
        .flat_map(|(flavor, candidate)| {
            candidate.bindings.iter().map(move |binding| (flavor, candidate, binding))
        })
        .filter(|(_, candidate, binding)| names_binding(candidate, binding, site, protocol, information))
        .filter_map(|(flavor, _, binding)| reservation_url(flavor, binding))
        .collect()
}

fn owner_name(mapping: &Mapping) -> String {
    match (mapping.app_id.and_then(Owner::of), mapping.app_id) {
        (Some(owner), _) => owner.name().to_owned(),
        (None, Some(app_id)) => format!("AppId {app_id}"),
        (None, None) => "no known program (no AppId)".to_owned(),
    }
}

fn binding_at(
    machine: &Machine,
    position: BindingRef,
) -> (&ConfigFile, &crate::model::binding::Site, &crate::model::binding::Binding) {
    let config = &machine.configs[position.config];
    let site = &config.sites[position.site];
    (config, site, &site.bindings[position.binding])
}

fn describe(machine: &Machine, users: &[BindingRef]) -> String {
    users
        .iter()
        .map(|user| {
            let (_, site, binding) = binding_at(machine, *user);
            format!("site `{}` binding `{}`", site.name, binding.information)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn app_id_for(flavor: ServerFlavor) -> AppId {
    match flavor {
        ServerFlavor::Iis => Owner::Iis.app_id(),
        ServerFlavor::IisExpress => Owner::IisExpress.app_id(),
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

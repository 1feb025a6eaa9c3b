//! The config side of a plan: the site a change names, the edits to its config (each a
//! splice by `iis::edit`), the checks a `binding set` needs before editing, the refusal of
//! a binding another site of the same config has too, and the edited configs read back.

use std::sync::Arc;

use crate::iis::edit::{self, EditError};
use crate::iis::read_config;
use crate::model::flags::SslFlags;
use crate::model::machine::ConfigFile;
use crate::plan::validate::sni_without_host;

use super::{Change, ConfigChange, PlanError, Planner, Target, names_binding};

impl Planner<'_> {
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
        self.texts.to_mut()[config] = edited;
        Ok(())
    }

    pub(super) fn edit_configs(&mut self, change: &Change) -> Result<(), PlanError> {
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
                let mut flags = SslFlags::empty();
                flags.set(SslFlags::SNI, *sni);
                flags.set(SslFlags::CENTRAL_CERT_STORE, *ccs);
                let ssl_flags =
                    (protocol.eq_ignore_ascii_case("https") && !flags.is_empty()).then_some(flags.bits());
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
                let set_attribute = |planner: &mut Self, name: &str, value: &str| {
                    planner.apply_edit(target.config, |text| {
                        edit::set_binding_attribute(text, site, protocol, information, name, value)
                    })
                };
                if let Some(sni) = sni {
                    let mut flags = current;
                    flags.set(SslFlags::SNI, *sni);
                    if flags != current {
                        set_attribute(self, "sslFlags", &flags.bits().to_string())?;
                    }
                }
                if let Some(to) = to.as_deref().filter(|to| !to.eq_ignore_ascii_case(information)) {
                    set_attribute(self, "bindingInformation", to)?;
                }
                Ok(())
            }
            Change::RemoveSite { site } => {
                let target = self.find_site(site)?;
                self.apply_edit(target.config, |text| edit::remove_site(text, site))
            }
            Change::RemoveRepeatedBinding { site, protocol, information, occurrence } => {
                let target = self.find_site(site)?;
                self.apply_edit(target.config, |text| {
                    edit::remove_binding_occurrence(text, site, protocol, information, *occurrence)
                })
            }
            Change::AddMapping { .. }
            | Change::RemoveMapping { .. }
            | Change::PruneMappings
            | Change::Rebind { .. }
            | Change::SetMapping { .. }
            | Change::ReserveUrl { .. } => Ok(()),
        }
    }

    /// Refuses a `binding set` that would leave an SNI binding without a host name
    /// (`sni-without-host`): `--sni` on such a binding, or `--to` such a value on an SNI
    /// binding.
    fn check_sni_host(
        &self,
        protocol: &str,
        current: SslFlags,
        sni: Option<bool>,
        information: &str,
        to: Option<&str>,
    ) -> Result<(), PlanError> {
        let sni_after = sni.unwrap_or(current.contains(SslFlags::SNI));
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
    ) -> Result<SslFlags, PlanError> {
        self.machine().configs[config]
            .sites
            .iter()
            .filter(|candidate| candidate.name.eq_ignore_ascii_case(site))
            .flat_map(|candidate| &candidate.bindings)
            .find(|binding| {
                binding.protocol.eq_ignore_ascii_case(protocol)
                    && binding.information.eq_ignore_ascii_case(information)
            })
            .map(|binding| binding.ssl_flags)
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
    pub(super) fn refuse_duplicates(&mut self, change: &Change, after: &[ConfigFile]) {
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

    pub(super) fn reread_configs(&mut self) -> Result<Vec<ConfigFile>, PlanError> {
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
}

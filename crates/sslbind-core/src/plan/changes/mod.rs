//! Planning a change: which config edits it makes and which HTTP.sys mapping operations follow
//! from them, as IIS Manager would do them, but reference-counted and shown first.
//!
//! The rules (docs/pitfalls.md#mappings-left-behind, docs/pitfalls.md#shared-mapping-deleted,
//! docs/pitfalls.md#reserved-and-foreign-records-overwritten): a mapping is deleted only when no remaining
//! binding of any given config expects it or is served by it, and never when it is a
//! fallback, reserved for IIS Express or owned by another program; an existing mapping that
//! serves another binding is not overwritten, and an SNI mapping is not pointed at a
//! certificate that does not cover its host, unless the user forces it.
//!
//! [`plan`] runs the stages in order, one file each: `configs` (the config edits, read back),
//! `mappings` (the mapping operations the change asks for), `release` (reference counting:
//! the mappings nothing uses any more, and the refusals that protect reserved and foreign
//! mappings) and `urlacls` (URL reservations). This file holds the types and the `Planner`
//! they share.

use std::borrow::Cow;
use std::sync::Arc;

use crate::analysis::selection::UnknownCcsFolder;
use crate::analysis::{Analysis, BindingRef, analyze};
use crate::iis::edit::EditError;
use crate::iis::read_config;
use crate::model::flags::SslFlags;
use crate::model::ids::{AppId, Thumbprint};
use crate::model::machine::{ConfigFile, Machine};
use crate::model::mapping::{Mapping, MappingKey};
use crate::model::reservation::{ReservationUser, UrlReservation};
use crate::model::source::{Origin, SourceError};
use crate::plan::ops::{MappingOp, UrlAclOp};
use crate::plan::validate::{InvalidValue, check_change};
use crate::uncertain::SelectionAssumptions;

mod configs;
mod mappings;
mod release;
mod urlacls;

/// One change a user asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
    /// A repair: an existing mapping re-pointed to another certificate or store, every other
    /// setting kept (`netsh http update`).
    SetMapping {
        /// The record's key.
        key: MappingKey,
        /// The new certificate, when it changes.
        certificate: Option<Thumbprint>,
        /// The new store, when it changes.
        store: Option<String>,
    },
    /// A repair: the `occurrence`-th (from 0) of a site's repeated bindings with this
    /// protocol and bindingInformation removed from the config, the first kept.
    RemoveRepeatedBinding {
        /// The site.
        site: String,
        /// The protocol.
        protocol: String,
        /// The bindingInformation.
        information: String,
        /// Which of the repeats, counted from 0 in document order.
        occurrence: usize,
    },
    /// A repair: a URL reserved for `user` with listen rights (`netsh http add urlacl`);
    /// planned only when URL reservations were given.
    ReserveUrl {
        /// The URL prefix.
        url: String,
        /// The account.
        user: String,
    },
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
#[non_exhaustive]
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
#[non_exhaustive]
pub struct Refusal {
    /// Why, as a sentence.
    pub reason: String,
}

/// What a change does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
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
    let before = analyze(input.machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    plan_analysed(input, &before, change)
}

/// [`plan`] with the analysis of `input.machine` given (made with no CCS folder and the
/// default assumptions, as [`plan`] makes it), for callers that plan several changes on one
/// machine: `sslbind doctor --fix` plans a round of fixes that touch different mappings
/// against one analysis.
pub fn plan_analysed(input: &PlanInput<'_>, before: &Analysis, change: &Change) -> Result<Plan, PlanError> {
    check_change(change).map_err(PlanError::InvalidValue)?;
    let mut notes = Vec::new();
    let normalised = normalise(change, &mut notes);
    let change = &normalised;
    let machine = input.machine;
    let plan = Plan { notes, ..Plan::default() };
    let mut planner = Planner { input, before, plan, texts: Cow::Borrowed(input.config_texts) };
    if !edits_configs(change) {
        // The configs stay as they are: the machine after is the machine with the mapping
        // operations applied, and the stages that would read it do not run for these changes
        // (nothing is released, no binding gains a URL). Not cloning the machine keeps a
        // round of `doctor --fix` on a hosting server linear.
        planner.plan_mappings(change, None)?;
        if let Change::ReserveUrl { .. } = change {
            planner.plan_urlacls(change, machine);
        }
        return Ok(planner.plan);
    }
    planner.edit_configs(change)?;
    let after_configs = planner.reread_configs()?;
    planner.refuse_duplicates(change, &after_configs);
    let mut after = Machine { configs: after_configs, ..machine.clone() };
    planner.plan_mappings(change, Some(&mut after))?;
    planner.release_unused(change, &after);
    planner.plan_urlacls(change, &after);
    Ok(planner.plan)
}

/// Whether `change` edits a config (and so may release mappings and need URL reservations).
fn edits_configs(change: &Change) -> bool {
    match change {
        Change::AddBinding { .. }
        | Change::RemoveBinding { .. }
        | Change::SetBinding { .. }
        | Change::RemoveSite { .. }
        | Change::RemoveRepeatedBinding { .. } => true,
        Change::AddMapping { .. }
        | Change::RemoveMapping { .. }
        | Change::PruneMappings
        | Change::Rebind { .. }
        | Change::SetMapping { .. }
        | Change::ReserveUrl { .. } => false,
    }
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

/// `machine` as `plan` leaves it: the changed configs read back from their new text, the
/// mapping operations applied to its mappings and the URL reservation operations to its
/// reservations. What a change or a repair is verified against, and what a property test
/// compares with a repair's `after`.
pub fn planned_machine(machine: &Machine, plan: &Plan) -> Result<Machine, PlanError> {
    let mut after = machine.clone();
    for change in &plan.configs {
        let config = &machine.configs[change.config];
        let read = read_config(&config.path, change.after.as_bytes(), Some(config.flavor))
            .map_err(PlanError::Reread)?;
        after.configs[change.config] = read.config;
    }
    after.mappings = apply_ops(&machine.mappings, &plan.ops);
    after.url_reservations = apply_urlacl_ops(&machine.url_reservations, &plan.urlacl_ops);
    Ok(after)
}

/// The URL reservations after applying `ops` to `reservations`: an add reserves the URL for
/// its user with listen rights, a delete removes every reservation of that URL.
pub fn apply_urlacl_ops(reservations: &[UrlReservation], ops: &[UrlAclOp]) -> Vec<UrlReservation> {
    let mut result = reservations.to_vec();
    for op in ops {
        match op {
            UrlAclOp::Add { url, user } => result.push(UrlReservation {
                url: url.clone(),
                prefix: crate::httpsys::urlacl::parse_url_prefix(url).ok(),
                users: vec![ReservationUser {
                    name: user.clone(),
                    listen: Some(true),
                    delegate: Some(false),
                }],
                sddl: None,
                origin: Origin::Planned,
            }),
            UrlAclOp::Delete { url } => result.retain(|reservation| reservation.url != *url),
        }
    }
    result
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
    texts: Cow<'a, [String]>,
}

/// A binding named by site, protocol and information, and where it is.
struct Target {
    config: usize,
}
impl<'a> Planner<'a> {
    fn machine(&self) -> &'a Machine {
        self.input.machine
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

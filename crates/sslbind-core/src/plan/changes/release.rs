//! Reference counting: after a binding or site goes, the mappings nothing uses any more are
//! deleted, found by analysing the edited machine; a mapping that is still in use, a
//! fallback, reserved for IIS Express or owned by another program stays (the last two
//! unless forced). Also the refusal every touch of a reserved or foreign mapping meets.

use crate::analysis::selection::UnknownCcsFolder;
use crate::analysis::{BindingRef, MappingStatus, analyze};
use crate::model::flags::SslFlags;
use crate::model::machine::Machine;
use crate::model::machine::MappingId;
use crate::model::mapping::{Mapping, MappingKey};
use crate::owners::Owner;
use crate::plan::ops::MappingOp;
use crate::uncertain::SelectionAssumptions;

use super::{Change, Planner, binding_at, describe, names_binding, planned_binding};

impl Planner<'_> {
    /// After a binding or site goes, deletes the mappings nothing uses any more.
    pub(super) fn release_unused(&mut self, change: &Change, after: &Machine) {
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

    pub(super) fn users_of(&self, position: MappingId) -> Vec<BindingRef> {
        self.before.mapping(position).used_by.clone()
    }

    pub(super) fn describe_users(&self, users: &[BindingRef]) -> String {
        describe(self.machine(), users)
    }

    /// Refuses touching a reserved or foreign mapping unless forced.
    pub(super) fn protect(&mut self, position: MappingId, action: &str) {
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
}

/// The mappings an https binding with this bindingInformation expects with any sslFlags:
/// its IP mapping, its SNI mapping (when it has a host name) and the CCS mapping of its port.
fn possible_keys(protocol: &str, information: &str) -> Vec<MappingKey> {
    [SslFlags::empty(), SslFlags::SNI, SslFlags::SNI | SslFlags::CENTRAL_CERT_STORE]
        .into_iter()
        .filter_map(|flags| crate::analysis::expected_mapping(&planned_binding(protocol, information, flags)))
        .collect()
}

fn owner_name(mapping: &Mapping) -> String {
    match (mapping.app_id.and_then(Owner::of), mapping.app_id) {
        (Some(owner), _) => owner.name().to_owned(),
        (None, Some(app_id)) => format!("AppId {app_id}"),
        (None, None) => "no known program (no AppId)".to_owned(),
    }
}

//! Whether a fix is safe, decided by comparing the analysis of the machine before and after
//! it rather than by a table of guesses: a fix is unsafe when a binding other than the
//! finding's own gets a different mapping or certificate, when a client that is served today
//! would be refused, when it touches a port's fallback mapping for clients without SNI, or
//! when it changes a binding's sslFlags.

use std::collections::HashMap;

use crate::analysis::{BindingRef, MappingStatus};
use crate::model::ids::Thumbprint;
use crate::model::mapping::MappingKey;
use crate::plan::Plan;

use super::State;
use super::propose::Proposal;

/// Whether a fix changes only what its finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applicability {
    /// Only the finding's own bindings and mappings change, and every client served today is
    /// served after it.
    Safe,
    /// Something else changes too: why, as a sentence fragment.
    Unsafe(String),
}

impl Applicability {
    /// `safe` or `unsafe`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe(_) => "unsafe",
        }
    }
}

/// A binding by what names it in its config (positions shift when a binding is removed): the
/// config, the site, protocol and bindingInformation compared without case, and which repeat.
pub(super) type BindingName = (usize, String, String, String, usize);

/// What a client of a binding gets: the mapping HTTP.sys selects and its certificate.
pub(super) type Served = (Option<MappingKey>, Option<Thumbprint>);

/// The applicability of `proposal`, planned as `plans`, which turns `before` into `after`.
pub(crate) fn assess(before: &State, after: &State, proposal: &Proposal, plans: &[Plan]) -> Applicability {
    if proposal.sets_flags {
        return Applicability::Unsafe(
            "it changes a binding's sslFlags, and with them what clients get".to_owned(),
        );
    }
    for op in plans.iter().flat_map(|plan| &plan.ops) {
        let Some(id) = before.analysis.index.get(op.key()) else { continue };
        if before.analysis.mapping(id).status == MappingStatus::Fallback {
            return Applicability::Unsafe(format!(
                "it changes `{}`, the fallback for clients without SNI on port {}",
                op.key(),
                op.key().port()
            ));
        }
    }
    let own: Vec<BindingName> = proposal.own.iter().map(|&position| name(before, position)).collect();
    let served_after: HashMap<BindingName, Served> =
        served_bindings(after).map(|(name, _, _, served)| (name, served)).collect();
    // In document order, so that the binding an unsafe fix names is always the same one.
    for (name, _, (site, information), served) in served_bindings(before) {
        let now = served_after.get(&name);
        if own.contains(&name) {
            if served.0.is_some() && now.is_some_and(|now| now.0.is_none()) {
                return Applicability::Unsafe(format!(
                    "clients of site `{site}`, binding `{information}` are served today and would be refused"
                ));
            }
            continue;
        }
        match now {
            Some(now) if *now == served => {}
            Some(now) => {
                return Applicability::Unsafe(format!(
                    "site `{site}`, binding `{information}` would be served {} instead of {}",
                    describe(now),
                    describe(&served)
                ));
            }
            None => {
                return Applicability::Unsafe(format!(
                    "site `{site}`, binding `{information}` would be removed"
                ));
            }
        }
    }
    Applicability::Safe
}

fn describe(served: &Served) -> String {
    match served {
        (Some(key), Some(hash)) => format!("by `{key}` with certificate {hash}"),
        (Some(key), None) => format!("by `{key}`"),
        (None, _) => "by no mapping (a connection reset)".to_owned(),
    }
}

fn name(state: &State, position: BindingRef) -> BindingName {
    let site = &state.machine.configs[position.config].sites[position.site];
    let binding = &site.bindings[position.binding];
    let same = |other: &crate::model::binding::Binding| {
        other.protocol.eq_ignore_ascii_case(&binding.protocol)
            && other.information.eq_ignore_ascii_case(&binding.information)
    };
    let repeat = site.bindings[..position.binding].iter().filter(|other| same(other)).count();
    (
        position.config,
        site.name.to_lowercase(),
        binding.protocol.to_lowercase(),
        binding.information.to_lowercase(),
        repeat,
    )
}

/// Every binding of `state` in document order: its name, its position, its site and
/// bindingInformation as written, and what its clients get.
pub(super) fn served_bindings(
    state: &State,
) -> impl Iterator<Item = (BindingName, BindingRef, (&str, &str), Served)> + '_ {
    state.analysis.bindings.iter().map(|analysis| {
        let position = analysis.binding;
        let site = &state.machine.configs[position.config].sites[position.site];
        let written = (site.name.as_str(), site.bindings[position.binding].information.as_str());
        let key = analysis.effective().map(|id| state.machine.mapping(id).key.clone());
        (name(state, position), position, written, (key, analysis.certificate_hash))
    })
}

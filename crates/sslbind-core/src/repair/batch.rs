//! Verifying many fixes with one analysis. A hosting server has hundreds of findings, and
//! verifying each fix alone means analysing the whole machine once per fix; fixes that touch
//! different mappings, sites and URLs rarely interact, so a round plans them together and
//! verifies the result once: every fix's finding gone, nothing new of warning or error
//! severity, and every binding whose mapping or certificate changed explained by a fix that
//! touched that mapping or site and counts the binding as its own. When any of that fails,
//! or a fix of the round would be unsafe, the round is halved, down to single fixes verified
//! alone (`super::attempt`), so a round decides exactly what verifying each fix alone would.

use std::collections::{HashMap, HashSet};

use crate::analysis::MappingStatus;
use crate::doctor::{Finding, FindingIdentity, Severity};
use crate::model::mapping::MappingKey;
use crate::plan::{Change, Plan};

use super::assess::{Applicability, BindingName, Served, served_bindings};
use super::propose::{Proposal, propose};
use super::{Ledger, RepairInput, State, attempt, check_refusals, plan_changes, unsafe_reason};
use crate::analysis::analyze;
use crate::analysis::selection::UnknownCcsFolder;
use crate::plan::{PlanInput, plan_analysed, planned_machine};
use crate::uncertain::SelectionAssumptions;

/// A fix of a round: its finding, its proposal and what it touches.
pub(crate) struct Candidate<'a> {
    finding: &'a Finding,
    proposal: Proposal,
    footprint: Footprint,
}

/// The mappings, sites (lower case) and URLs a proposal may change or whose users it may
/// move.
#[derive(Default)]
struct Footprint {
    keys: HashSet<MappingKey>,
    sites: HashSet<String>,
    urls: HashSet<String>,
}

impl Footprint {
    fn overlaps(&self, other: &Footprint) -> bool {
        !self.keys.is_disjoint(&other.keys)
            || !self.sites.is_disjoint(&other.sites)
            || !self.urls.is_disjoint(&other.urls)
    }

    fn extend(&mut self, other: &Footprint) {
        self.keys.extend(other.keys.iter().cloned());
        self.sites.extend(other.sites.iter().cloned());
        self.urls.extend(other.urls.iter().cloned());
    }
}

/// The next round on `state`: in doctor's order, the findings not tried yet that are still
/// there and have a proposal touching nothing an earlier one of the round touches. Findings
/// without a proposal, and proposals known unsafe without `--unsafe-fixes`, are recorded as
/// unfixed right away.
pub(crate) fn next_round<'a>(
    state: &State,
    before: &'a [Finding],
    tried: &mut HashSet<FindingIdentity>,
    ledger: &mut Ledger,
    input: &RepairInput<'_>,
) -> Vec<Candidate<'a>> {
    let mut round: Vec<Candidate<'a>> = Vec::new();
    let mut touched = Footprint::default();
    for finding in before {
        let identity = finding.identity();
        if tried.contains(&identity) || !state.has(&identity) {
            continue;
        }
        let proposal = match propose(state, finding, input.options) {
            Ok(proposal) => proposal,
            Err(reason) => {
                tried.insert(identity);
                ledger.reject(finding, reason);
                continue;
            }
        };
        if proposal.sets_flags && !input.unsafe_fixes {
            tried.insert(identity);
            let why = "it changes a binding's sslFlags, and with them what clients get";
            ledger.reject(finding, unsafe_reason(&proposal.summary, why));
            continue;
        }
        let footprint = footprint(state, &proposal);
        if footprint.overlaps(&touched) {
            continue;
        }
        touched.extend(&footprint);
        tried.insert(identity);
        round.push(Candidate { finding, proposal, footprint });
    }
    round
}

/// Carries out `round` on `state` as far as it verifies; the state after.
pub(crate) fn settle(
    state: State,
    mut round: Vec<Candidate<'_>>,
    input: &RepairInput<'_>,
    ledger: &mut Ledger,
) -> State {
    if round.len() == 1 {
        let Some(candidate) = round.pop() else { return state };
        return match attempt(&state, candidate.finding, &candidate.proposal, input) {
            Ok((next, applicability, plans)) => {
                ledger.accept(
                    &state,
                    &next,
                    &[(candidate.finding, &candidate.proposal, applicability)],
                    plans,
                );
                next
            }
            Err(reason) => {
                ledger.reject(candidate.finding, reason);
                state
            }
        };
    }
    // Fixes that only change mappings and URL reservations do not depend on one another (their
    // footprints are disjoint), so they are planned against the round's machine with one
    // analysis; fixes that edit a config are planned after them, one after the other.
    let (independent, editing): (Vec<Candidate<'_>>, Vec<Candidate<'_>>) =
        round.into_iter().partition(|candidate| candidate.proposal.changes.iter().all(is_independent));
    let mut planned: Vec<(Candidate<'_>, Vec<Plan>)> = Vec::new();
    let analysis = analyze(&state.machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let input_of_round = PlanInput { machine: &state.machine, config_texts: &state.texts, force: false };
    let mut combined = Plan::default();
    for candidate in independent {
        let plans: Result<Vec<Plan>, String> = candidate
            .proposal
            .changes
            .iter()
            .map(|change| {
                let planned = plan_analysed(&input_of_round, &analysis, change)
                    .map_err(|error| format!("the plan engine cannot plan it: {error}"))?;
                check_refusals(&planned)?;
                Ok(planned)
            })
            .collect();
        match plans {
            Ok(plans) => {
                for plan in &plans {
                    combined.ops.extend(plan.ops.iter().cloned());
                    combined.urlacl_ops.extend(plan.urlacl_ops.iter().cloned());
                }
                planned.push((candidate, plans));
            }
            Err(reason) => ledger.reject(candidate.finding, reason),
        }
    }
    // The combined plan edits no config, so reading it back cannot fail; if it ever did, its
    // fixes are refused with the reason rather than applied to a machine that lacks them.
    let mut machine = match planned_machine(&state.machine, &combined) {
        Ok(machine) => machine,
        Err(error) => {
            for (candidate, _) in planned.drain(..) {
                ledger.reject(candidate.finding, format!("the plan engine cannot plan it: {error}"));
            }
            state.machine.clone()
        }
    };
    let mut texts = state.texts.clone();
    for candidate in editing {
        match plan_changes(&machine, &texts, &candidate.proposal.changes) {
            Ok((next_machine, next_texts, plans)) => {
                machine = next_machine;
                texts = next_texts;
                planned.push((candidate, plans));
            }
            Err(reason) => ledger.reject(candidate.finding, reason),
        }
    }
    if planned.is_empty() {
        return state;
    }
    let trial = State::new(machine, texts, input);
    if verified(&state, &trial, &planned) {
        let fixed: Vec<(&Finding, &Proposal, Applicability)> = planned
            .iter()
            .map(|(candidate, _)| (candidate.finding, &candidate.proposal, Applicability::Safe))
            .collect();
        let plans: Vec<Plan> = planned.iter().flat_map(|(_, plans)| plans.iter().cloned()).collect();
        ledger.accept(&state, &trial, &fixed, plans);
        return trial;
    }
    let mut candidates: Vec<Candidate<'_>> = planned.into_iter().map(|(candidate, _)| candidate).collect();
    let second = candidates.split_off(candidates.len() / 2);
    let state = settle(state, candidates, input, ledger);
    settle(state, second, input, ledger)
}

/// Whether the round took `before` to `after` as each of its fixes, verified alone, would have
/// and each is safe: every fix's finding is gone, nothing of warning or error severity is new,
/// no fix touches a fallback or changes sslFlags, and every binding whose mapping or
/// certificate changed is the own binding of every fix that touched its mapping or site (and
/// of at least one), and is still served if it was.
fn verified(before: &State, after: &State, planned: &[(Candidate<'_>, Vec<Plan>)]) -> bool {
    if planned.iter().any(|(candidate, _)| after.has(&candidate.finding.identity())) {
        return false;
    }
    if crate::doctor::introduced(&before.findings, &after.findings)
        .iter()
        .any(|finding| finding.severity >= Severity::Warning)
    {
        return false;
    }
    let mut keys: Vec<HashSet<MappingKey>> = Vec::new();
    for (candidate, plans) in planned {
        if candidate.proposal.sets_flags {
            return false;
        }
        let mut touched = candidate.footprint.keys.clone();
        for op in plans.iter().flat_map(|plan| &plan.ops) {
            let fallback = before
                .analysis
                .index
                .get(op.key())
                .is_some_and(|id| before.analysis.mapping(id).status == MappingStatus::Fallback);
            if fallback {
                return false;
            }
            touched.insert(op.key().clone());
        }
        keys.push(touched);
    }
    let served_after: HashMap<BindingName, Served> =
        served_bindings(after).map(|(name, _, _, served)| (name, served)).collect();
    for (name, position, _, was) in served_bindings(before) {
        let now = served_after.get(&name);
        if now == Some(&was) {
            continue;
        }
        let touching: Vec<usize> = planned
            .iter()
            .enumerate()
            .filter(|(index, (candidate, _))| {
                candidate.footprint.sites.contains(&name.1)
                    || [Some(&was), now]
                        .into_iter()
                        .flatten()
                        .any(|served| served.0.as_ref().is_some_and(|key| keys[*index].contains(key)))
            })
            .map(|(index, _)| index)
            .collect();
        if touching.is_empty() {
            return false;
        }
        for index in touching {
            if !planned[index].0.proposal.own.contains(&position) {
                return false;
            }
        }
        if was.0.is_some() && now.is_none_or(|now| now.0.is_none()) {
            return false;
        }
    }
    true
}

/// Whether `change` only changes mappings or URL reservations, so that it can be planned
/// against the same machine as other such changes of a round.
fn is_independent(change: &Change) -> bool {
    matches!(
        change,
        Change::SetMapping { .. }
            | Change::AddMapping { .. }
            | Change::RemoveMapping { .. }
            | Change::ReserveUrl { .. }
    )
}

/// What `proposal` may touch on `state`: the mappings its changes name, the sites it edits
/// with the mappings their bindings expect or are served by (and the SNI mapping a binding
/// moved to SNI gets), and the URLs it reserves.
fn footprint(state: &State, proposal: &Proposal) -> Footprint {
    let mut footprint = Footprint::default();
    for change in &proposal.changes {
        match change {
            Change::SetMapping { key, .. }
            | Change::AddMapping { key, .. }
            | Change::RemoveMapping { key } => {
                footprint.keys.insert(key.clone());
            }
            Change::SetBinding { site, .. }
            | Change::RemoveBinding { site, .. }
            | Change::RemoveRepeatedBinding { site, .. }
            | Change::AddBinding { site, .. }
            | Change::RemoveSite { site } => {
                footprint.sites.insert(site.to_lowercase());
                for analysis in &state.analysis.bindings {
                    let position = analysis.binding;
                    let candidate = &state.machine.configs[position.config].sites[position.site];
                    if !candidate.name.eq_ignore_ascii_case(site) {
                        continue;
                    }
                    let binding = &candidate.bindings[position.binding];
                    footprint.keys.extend(analysis.expected.iter().cloned());
                    footprint
                        .keys
                        .extend(analysis.effective().map(|id| state.machine.mapping(id).key.clone()));
                    if let Some(endpoint) = binding.http_endpoint()
                        && let Some(host) = endpoint.specific_host()
                    {
                        footprint.keys.insert(MappingKey::Sni { host: host.into(), port: endpoint.port });
                    }
                }
            }
            Change::ReserveUrl { url, .. } => {
                footprint.urls.insert(url.clone());
            }
            _ => {}
        }
    }
    footprint
}

//! `sslbind doctor --fix`: the findings of a machine turned into one plan that repairs them,
//! verified on the machine as the plan leaves it.
//!
//! Each finding gets a proposal (`propose.rs`): changes of the plan engine (`plan::Change`),
//! so that every repair goes through the same reference counting, refusals and lossless
//! config edits as the change commands, with the certificate chosen by the one rule
//! (`analysis::choice`). A proposal is planned on the machine as the fixes accepted so far
//! leave it, and accepted only when the analysis and every rule on the result agree: its
//! finding is gone, nothing of warning or error severity is new, and (`assess.rs`) no other
//! binding gets a different mapping or certificate, no client served today is refused, no
//! fallback is touched and no sslFlags change, or else the fix is unsafe and needs
//! `--unsafe-fixes`. What is not accepted is `unfixed`, with the reason. The accepted changes
//! become one plan (`net.rs`): the configs as they end, and the mapping operations from the
//! machine as read to the machine as repaired, adds before replaces before deletes, so no
//! intermediate state resets a connection that works now.

mod assess;
mod batch;
mod net;
mod propose;

use std::collections::HashSet;

use crate::analysis::selection::CcsFiles;
use crate::analysis::{Analysis, analyze};
use crate::doctor::{Context, Finding, FindingIdentity, Options, Overrides, Parallelism, Severity, diagnose};
use crate::model::machine::Machine;
use crate::plan::{Change, Plan, PlanInput, plan, planned_machine};
use crate::uncertain::SelectionAssumptions;

pub use assess::Applicability;

/// What a repair starts from.
pub struct RepairInput<'a> {
    /// The machine as read.
    pub machine: &'a Machine,
    /// `Machine::configs[i]`'s decoded text at position `i`.
    pub config_texts: &'a [String],
    /// The CCS folder's files, when known.
    pub ccs_files: &'a dyn CcsFiles,
    /// The doctor run's options (the time certificates are judged at, the expiry window).
    pub options: &'a Options,
    /// The doctor run's severity changes and allowed codes.
    pub overrides: &'a Overrides,
    /// Also carry out the fixes that are unsafe (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// How the rules run.
    pub parallelism: Parallelism,
}

/// A finding the plan repairs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppliedFix {
    /// The finding, as doctor reported it on the machine as read.
    pub finding: Finding,
    /// Whether the fix changes only what the finding is about.
    pub applicability: Applicability,
    /// What the fix does, naming the certificate chosen and why.
    pub summary: String,
}

/// A finding the plan leaves as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unfixed {
    /// The finding, as doctor reported it on the machine as read.
    pub finding: Finding,
    /// Why it is not repaired, as a sentence.
    pub reason: String,
}

/// The repair of a machine: one plan, what it fixes and what it does not, and the findings on
/// the machine as it leaves it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RepairPlan {
    /// The plan: config edits, mapping and URL reservation operations, notes. It has no
    /// refusals: a fix the plan engine refuses is unfixed instead.
    pub plan: Plan,
    /// The findings the plan repairs, in doctor's order.
    pub fixes: Vec<AppliedFix>,
    /// The findings it does not, in doctor's order.
    pub unfixed: Vec<Unfixed>,
    /// doctor's findings on the machine as read.
    pub before: Vec<Finding>,
    /// doctor's findings on the machine as the plan leaves it.
    pub after: Vec<Finding>,
}

/// Why a repair could not be planned at all.
pub type RepairError = crate::plan::PlanError;

/// Plans the repair of every finding of `input.machine` that has one.
///
/// Findings are proposed for in rounds: each round takes, in doctor's order, every finding not
/// tried yet whose proposal touches no mapping, site or URL another proposal of the round
/// touches, plans them together and verifies the result once (`batch.rs`). A round that does
/// not verify is halved until each proposal is verified alone, so the outcome is that of
/// verifying each fix by itself, at the cost of one analysis per round when all is well.
pub fn repair(input: &RepairInput<'_>) -> Result<RepairPlan, RepairError> {
    let start = State::new(input.machine.clone(), input.config_texts.to_vec(), input);
    let before = start.findings.clone();
    let mut state = start;
    let mut ledger = Ledger::default();
    let mut tried: HashSet<FindingIdentity> = HashSet::new();
    loop {
        let round = batch::next_round(&state, &before, &mut tried, &mut ledger, input);
        if round.is_empty() {
            break;
        }
        state = batch::settle(state, round, input, &mut ledger);
    }
    let plan = net::net_plan(input.machine, input.config_texts, &state, &ledger.steps);
    let mut fixes = Vec::new();
    let mut unfixed = Vec::new();
    for finding in &before {
        let identity = finding.identity();
        if state.has(&identity) {
            let reason = ledger
                .reasons
                .iter()
                .rev()
                .find(|(id, _)| *id == identity)
                .map(|(_, reason)| reason.clone())
                .unwrap_or_else(|| "a later fix brings it back".to_owned());
            unfixed.push(Unfixed { finding: finding.clone(), reason });
        } else if let Some((_, applicability, summary)) =
            ledger.summaries.iter().find(|(id, ..)| *id == identity)
        {
            fixes.push(AppliedFix {
                finding: finding.clone(),
                applicability: applicability.clone(),
                summary: summary.clone(),
            });
        }
    }
    Ok(RepairPlan { plan, fixes, unfixed, before, after: state.findings })
}

/// What the rounds decided: a summary for every finding a fix cleared, a reason for every
/// fix refused, and the plans of the accepted fixes, in order.
#[derive(Default)]
pub(crate) struct Ledger {
    summaries: Vec<(FindingIdentity, Applicability, String)>,
    reasons: Vec<(FindingIdentity, String)>,
    steps: Vec<Plan>,
}

impl Ledger {
    pub(crate) fn reject(&mut self, finding: &Finding, reason: String) {
        self.reasons.push((finding.identity(), reason));
    }

    /// Records the fixes that took `before` to `after`: each fix's own finding gets its
    /// summary, and every other finding they cleared the summary of the fix that shares its
    /// mapping or site (else the first).
    pub(crate) fn accept(
        &mut self,
        before: &State,
        after: &State,
        fixed: &[(&Finding, &propose::Proposal, Applicability)],
        plans: Vec<Plan>,
    ) {
        for cleared in before.findings.iter().filter(|finding| !after.has(&finding.identity())) {
            let identity = cleared.identity();
            let own = fixed.iter().find(|(finding, ..)| finding.identity() == identity);
            let (finding, proposal, applicability) = match own {
                Some(entry) => entry,
                None => {
                    match fixed.iter().find(|(finding, ..)| related(finding, cleared)).or(fixed.first()) {
                        Some(entry) => entry,
                        None => continue,
                    }
                }
            };
            let summary = if own.is_some() {
                proposal.summary.clone()
            } else {
                format!("cleared by the fix of {}: {}", describe(finding), proposal.summary)
            };
            self.summaries.push((identity, applicability.clone(), summary));
        }
        self.steps.extend(plans);
    }
}

/// Whether two findings are about the same mapping, or the same site and binding.
fn related(one: &Finding, other: &Finding) -> bool {
    (one.mapping.is_some() && one.mapping == other.mapping)
        || (one.site.is_some() && one.site == other.site && one.binding == other.binding)
}

/// The machine at one point of the repair, with its analysis and findings.
pub(crate) struct State {
    pub(crate) machine: Machine,
    pub(crate) texts: Vec<String>,
    pub(crate) analysis: Analysis,
    pub(crate) findings: Vec<Finding>,
    identities: HashSet<FindingIdentity>,
}

impl State {
    pub(crate) fn new(machine: Machine, texts: Vec<String>, input: &RepairInput<'_>) -> State {
        let analysis = analyze(&machine, input.ccs_files, &SelectionAssumptions::default());
        let context = Context {
            machine: &machine,
            analysis: &analysis,
            ccs_files: input.ccs_files,
            options: input.options,
        };
        let findings = diagnose(&context, input.overrides, input.parallelism);
        let identities = findings.iter().map(Finding::identity).collect();
        State { machine, texts, analysis, findings, identities }
    }

    pub(crate) fn has(&self, identity: &FindingIdentity) -> bool {
        self.identities.contains(identity)
    }

    /// The state after planning `changes` one after the other, with the plan of each; the
    /// plan engine's refusals as the error.
    fn apply(&self, changes: &[Change], input: &RepairInput<'_>) -> Result<(State, Vec<Plan>), String> {
        let (machine, texts, plans) = plan_changes(&self.machine, &self.texts, changes)?;
        Ok((State::new(machine, texts, input), plans))
    }
}

/// `machine` (with `texts`) after planning `changes` one after the other, with the plan of
/// each; the plan engine's refusals as the error.
pub(crate) fn plan_changes(
    machine: &Machine,
    texts: &[String],
    changes: &[Change],
) -> Result<(Machine, Vec<String>, Vec<Plan>), String> {
    let mut machine = machine.clone();
    let mut texts = texts.to_vec();
    let mut plans = Vec::new();
    for change in changes {
        let planned = plan(&PlanInput { machine: &machine, config_texts: &texts, force: false }, change)
            .map_err(|error| format!("the plan engine cannot plan it: {error}"))?;
        check_refusals(&planned)?;
        machine = planned_machine(&machine, &planned)
            .map_err(|error| format!("the plan engine cannot plan it: {error}"))?;
        for config in &planned.configs {
            texts[config.config] = config.after.clone();
        }
        plans.push(planned);
    }
    Ok((machine, texts, plans))
}

/// The plan engine's refusals of `planned`, as the reason a fix is not carried out.
pub(crate) fn check_refusals(planned: &Plan) -> Result<(), String> {
    if planned.refusals.is_empty() {
        return Ok(());
    }
    let reasons: Vec<&str> = planned.refusals.iter().map(|refusal| refusal.reason.as_str()).collect();
    Err(reasons.join("; "))
}

/// Plans and verifies `proposal`, the fix of `finding`, alone on `state`: the state after it,
/// its applicability and the plans of its changes; or why it is not fixed.
pub(crate) fn attempt(
    state: &State,
    finding: &Finding,
    proposal: &propose::Proposal,
    input: &RepairInput<'_>,
) -> Result<(State, Applicability, Vec<Plan>), String> {
    let (next, plans) = state.apply(&proposal.changes, input)?;
    if let Some(remaining) = next.findings.iter().find(|other| other.identity() == finding.identity()) {
        return Err(format!("the fix ({}) would not clear it: {}", proposal.summary, remaining.message));
    }
    let brought: Vec<&Finding> = crate::doctor::introduced(&state.findings, &next.findings)
        .into_iter()
        .filter(|new| new.severity >= Severity::Warning)
        .collect();
    if let Some(first) = brought.first() {
        let more = match brought.len() {
            1 => String::new(),
            count => format!(" (and {} more)", count - 1),
        };
        return Err(format!(
            "the fix ({}) would bring {} `{}`{more}: {}",
            proposal.summary, first.severity, first.code, first.message
        ));
    }
    let applicability = assess::assess(state, &next, proposal, &plans);
    if let Applicability::Unsafe(why) = &applicability
        && !input.unsafe_fixes
    {
        return Err(unsafe_reason(&proposal.summary, why));
    }
    Ok((next, applicability, plans))
}

/// Why an unsafe fix is not carried out without `--unsafe-fixes`.
pub(crate) fn unsafe_reason(summary: &str, why: &str) -> String {
    format!("the fix ({summary}) is unsafe: {why} (--unsafe-fixes carries it out)")
}

/// How a summary names a finding: `certificate-expired on site `a`, binding `*:443:``.
fn describe(finding: &Finding) -> String {
    let mut parts = vec![format!("`{}`", finding.code)];
    if let Some(site) = &finding.site {
        parts.push(format!("site `{site}`"));
    }
    if let Some(binding) = &finding.binding {
        parts.push(format!("binding `{binding}`"));
    }
    if let Some(mapping) = &finding.mapping {
        parts.push(format!("mapping `{mapping}`"));
    }
    parts.join(", ")
}

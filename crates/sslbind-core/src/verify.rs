//! Every change is checked like a repair: the machine a plan leaves is analysed and diagnosed
//! like the machine as it is, and what the change would bring is said before anything is
//! written.
//!
//! A plan can be clean by its own rules (reference counting, refusals) and still leave a
//! binding broken: `binding add --binding "*:443:new.contoso.com"` without `--sni` lands on
//! the port's IP mapping, whose certificate does not cover the new host, and `doctor` then
//! reports a name mismatch. [`verify_plan`] runs every rule on the machine before and after
//! and returns the findings the change introduces, plus a note for every mapping the plan
//! writes with a certificate that is expired or not valid yet, naming its renewal when the
//! machine has one. It sits above both `doctor` and `plan`, so neither knows of the other.
//!
//! What counts as introduced (decided here, documented in docs/contract.md#verified-plans):
//! - a finding of `after` that `before` does not have ([`doctor::introduced`], by code and
//!   the site, binding and mapping it names);
//! - of warning or error severity only: an info finding is worth knowing but says nothing is
//!   broken, so it is not listed; only an error makes the change refused (unless forced);
//! - a finding about a certificate's own state (not found, expired, expiring, renewal
//!   available, private key missing, weak, not for server authentication) counts as
//!   introduced only when the machine had no finding of that code about that certificate
//!   before: a change that moves a binding carries its certificate, and the certificate's
//!   problem, along, and brings nothing new (the note says so for an expired certificate).

use crate::analysis::choice::{ChoiceRequest, choose_certificate};
use crate::analysis::selection::CcsFiles;
use crate::analysis::{Analysis, analyze};
use crate::doctor::{self, Code, Context, Finding, Overrides, Parallelism, Severity};
use crate::model::certificate::{Certificate, CertificateStatus};
use crate::model::machine::Machine;
use crate::model::mapping::{Mapping, MappingKey};
use crate::plan::{MappingOp, Plan, PlanError, planned_machine};
use crate::uncertain::SelectionAssumptions;

/// The codes about a certificate's own state rather than how a binding uses it: the problem
/// goes wherever the certificate is mapped, so these are compared by code and certificate.
const CERTIFICATE_STATE_CODES: &[Code] = &[
    Code::CertificateNotFound,
    Code::CertificateExpired,
    Code::CertificateExpiring,
    Code::RenewalAvailable,
    Code::PrivateKeyMissing,
    Code::WeakCertificate,
    Code::CertificateNotForServerAuth,
];

/// What a plan would bring to the machine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verification {
    /// The findings of warning or error severity the machine would have after the plan and
    /// does not have now, in `doctor`'s order.
    pub introduced: Vec<Finding>,
    /// One sentence per mapping the plan adds or replaces with a certificate that is expired
    /// or not valid yet at the time judged, naming the renewal when the machine has one.
    pub notes: Vec<String>,
}

impl Verification {
    /// Whether the plan must be refused unless forced: it introduces an error.
    pub fn refuses(&self) -> bool {
        self.introduced.iter().any(|finding| finding.severity == Severity::Error)
    }

    /// The introduced errors, the reasons for refusing.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.introduced.iter().filter(|finding| finding.severity == Severity::Error)
    }
}

/// Verifies `plan` on `machine`: builds the machine the plan leaves ([`planned_machine`]),
/// runs the analysis and every `doctor` rule on both (at `options.now`, with default
/// severities) and says what the change introduces. A plan that changes nothing introduces
/// nothing.
pub fn verify_plan(
    machine: &Machine,
    plan: &Plan,
    options: &doctor::Options,
    ccs_files: &dyn CcsFiles,
) -> Result<Verification, PlanError> {
    if plan.is_empty() {
        return Ok(Verification::default());
    }
    let after = planned_machine(machine, plan)?;
    let assumptions = SelectionAssumptions::default();
    let analysis_before = analyze(machine, ccs_files, &assumptions);
    let analysis_after = analyze(&after, ccs_files, &assumptions);
    let diagnose = |machine: &Machine, analysis: &Analysis| {
        let context = Context { machine, analysis, ccs_files, options };
        doctor::diagnose(&context, &Overrides::default(), Parallelism::Sequential)
    };
    let findings_before = diagnose(machine, &analysis_before);
    let findings_after = diagnose(&after, &analysis_after);

    let carried = |finding: &Finding| {
        CERTIFICATE_STATE_CODES.contains(&finding.code)
            && finding.certificate_hash.is_some()
            && findings_before.iter().any(|before| {
                before.code == finding.code && before.certificate_hash == finding.certificate_hash
            })
    };
    let introduced = doctor::introduced(&findings_before, &findings_after)
        .into_iter()
        .filter(|finding| finding.severity >= Severity::Warning && !carried(finding))
        .cloned()
        .collect();

    let notes = plan
        .ops
        .iter()
        .filter_map(|op| match op {
            MappingOp::Add(mapping) | MappingOp::Replace { after: mapping, .. } => Some(mapping),
            MappingOp::Delete(_) => None,
        })
        .filter_map(|mapping| carried_certificate_note(&after, &analysis_after, mapping, options))
        .collect();
    Ok(Verification { introduced, notes })
}

/// The note for a `mapping` the plan writes whose certificate is expired or not valid yet at
/// `options.now`: "mapping `K` carries certificate `a.example.com` (HASH), expired on DATE,
/// along; …" with the renewal, or why the machine has none. `None` for a usable certificate
/// or one that was not given.
fn carried_certificate_note(
    after: &Machine,
    analysis: &Analysis,
    mapping: &Mapping,
    options: &doctor::Options,
) -> Option<String> {
    let id = analysis.index.get(&mapping.key)?;
    let certificate = after.certificate(analysis.mapping(id).certificate?);
    let lapse = match certificate.status(options.now, options.expiry_days) {
        CertificateStatus::Expired => format!("expired on {}", date(certificate.not_after)),
        CertificateStatus::NotYetValid => format!("not valid until {}", date(certificate.not_before)),
        CertificateStatus::Valid | CertificateStatus::Expiring => return None,
    };
    let hosts = served_hosts(after, analysis, id, &mapping.key, certificate);
    let hosts: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let request = ChoiceRequest { hosts: &hosts, now: options.now, store: Some(mapping.effective_store()) };
    let renewal = match choose_certificate(after, &analysis.certificate_index, &request) {
        Ok(choice) if !hosts.is_empty() => {
            let renewal = after.certificate(choice.certificate);
            format!(
                "the machine has its renewal, {} ({}), valid until {}: `sslbind mapping rebind --from {} --to {}` \
                 moves every mapping of the old one to it",
                name(renewal),
                renewal.thumbprint,
                date(renewal.not_after),
                certificate.thumbprint,
                renewal.thumbprint
            )
        }
        Ok(_) => "no renewal can be named: the mapping serves no named host and the certificate names none"
            .to_owned(),
        Err(none) => format!("the machine has no renewal: {none}"),
    };
    Some(format!(
        "{} mapping `{}` carries {} ({}), {lapse}, along; {renewal}",
        mapping.key.kind(),
        mapping.key,
        name(certificate),
        certificate.thumbprint
    ))
}

/// The hosts a renewal must cover: those of the bindings the mapping serves on the planned
/// machine (an SNI or scoped CCS key's own host included); for a mapping that serves no named
/// host, the names of the certificate it carries.
fn served_hosts(
    after: &Machine,
    analysis: &Analysis,
    id: crate::model::machine::MappingId,
    key: &MappingKey,
    certificate: &Certificate,
) -> Vec<String> {
    let mut hosts: Vec<String> = Vec::new();
    if let MappingKey::Sni { host, .. } | MappingKey::ScopedCcs { host, .. } = key {
        hosts.push(host.as_str().to_owned());
    }
    for user in &analysis.mapping(id).used_by {
        let binding = &after.configs[user.config].sites[user.site].bindings[user.binding];
        if let Some(host) = binding.http_endpoint().and_then(|endpoint| endpoint.specific_host()) {
            hosts.push(host.to_owned());
        }
    }
    if hosts.is_empty() {
        hosts = certificate.dns_names.clone();
        if hosts.is_empty() {
            hosts.extend(certificate.common_name.clone());
        }
    }
    hosts
}

/// A certificate as notes name it: "certificate `a.example.com`" (its first DNS name, else
/// its common name, else its subject).
fn name(certificate: &Certificate) -> String {
    let name = certificate
        .dns_names
        .first()
        .or(certificate.common_name.as_ref())
        .map_or(certificate.subject.as_str(), String::as_str);
    format!("certificate `{name}`")
}

/// A date as `2026-06-01` (UTC).
fn date(moment: time::OffsetDateTime) -> String {
    moment.to_offset(time::UtcOffset::UTC).date().to_string()
}

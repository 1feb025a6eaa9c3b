//! Findings from live handshakes: what `sslbind probe` saw, judged against the saved state.
//!
//! The static rules under `rules/` read only the saved state; these three codes need a
//! server's answer, so they are produced here from [`ProbeResult`]s instead of by
//! [`rules::run_all`](crate::doctor::rules::run_all). The function is pure: the handshakes are
//! made by `sslbind-live`, the time is a parameter.

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::analysis::probe::{ProbeOutcome, ProbeRequest, ProbeResult};
use crate::doctor::fix::{self, Fix};
use crate::doctor::rules::{certificate_name, date};
use crate::doctor::{Code, Finding, Severity};
use crate::model::ids::Thumbprint;
use crate::model::machine::Machine;
use crate::owners::Owner;

/// The findings of a probe run, in the order of `results`:
///
/// - `probe-certificate-mismatch` for every handshake whose outcome is `mismatch`;
/// - `probe-connection-reset` for a handshake that was reset or ended with an alert, when it
///   is the one a binding's clients make, or when the saved state says a mapping answers it
///   (a reset the saved state predicts for a client without SNI is no news:
///   `no-fallback-certificate` covers it);
/// - `probe-certificate-expired` once per served certificate that is not valid at `now`,
///   naming the handshakes that received it.
///
/// `machine` is the saved state the requests were planned from (it names sites, bindings,
/// mappings and certificates); results of explicit targets may name none of them.
pub fn probe_findings(results: &[ProbeResult], machine: &Machine, now: OffsetDateTime) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut expired: Vec<(Thumbprint, Vec<&ProbeResult>)> = Vec::new();
    let mut expired_index: HashMap<Thumbprint, usize> = HashMap::new();
    for result in results {
        match result.outcome {
            ProbeOutcome::Mismatch => findings.push(mismatch(result, machine)),
            ProbeOutcome::Reset | ProbeOutcome::Alert => {
                let mapped =
                    result.request.expected.as_ref().is_some_and(|expected| expected.mapping.is_some());
                if result.request.primary || mapped {
                    findings.push(reset(result, machine));
                }
            }
            ProbeOutcome::Ok | ProbeOutcome::Timeout | ProbeOutcome::Refused | ProbeOutcome::Error => {}
        }
        if let Some(served) = &result.served
            && !served.is_valid_at(now)
        {
            match expired_index.get(&served.thumbprint) {
                Some(&position) => expired[position].1.push(result),
                None => {
                    expired_index.insert(served.thumbprint, expired.len());
                    expired.push((served.thumbprint, vec![result]));
                }
            }
        }
    }
    for (_, group) in &expired {
        if let Some(finding) = expired_finding(group, machine, now) {
            findings.push(finding);
        }
    }
    findings
}

/// Whether a probe run confirms the saved state, which `sslbind probe` turns into exit code 0:
/// no finding reaches `error`, and every handshake got an answer to compare, a certificate
/// or a reset (resets and alerts that the saved state does not predict are findings
/// already). A refused connection, a timeout or any other failure observed nothing, so a run
/// where every handshake was refused does not pass, and neither does one refused handshake
/// among good ones. A run of no handshakes contradicts nothing and passes.
pub fn probe_confirms(results: &[ProbeResult], findings: &[Finding]) -> bool {
    let answered = results.iter().all(|result| {
        !matches!(result.outcome, ProbeOutcome::Timeout | ProbeOutcome::Refused | ProbeOutcome::Error)
    });
    answered && findings.iter().all(|finding| finding.severity < Severity::Error)
}

/// "`https://a.example.com:443/` with SNI `a.example.com` at 127.0.0.1:443".
fn describe_handshake(result: &ProbeResult) -> String {
    let sni = match &result.request.sni {
        Some(sni) => format!("with SNI `{sni}`"),
        None => "without SNI".to_owned(),
    };
    match result.address {
        Some(address) => format!("`{}` {sni} at {address}", result.request.target),
        None => format!("`{}` {sni}", result.request.target),
    }
}

/// How a message names the certificate with `hash`: by its names when it was given.
fn hash_name(machine: &Machine, hash: &Thumbprint) -> String {
    match machine.certificate_with_thumbprint(hash) {
        Some(certificate) => certificate_name(certificate),
        None => format!("certificate {hash}"),
    }
}

/// A finding of `code` naming the request's binding (for the handshake its clients make) and
/// the expected mapping, with their origins as sources.
fn finding_for(code: Code, message: String, request: &ProbeRequest, machine: &Machine) -> Finding {
    let mut finding = Finding::new(code, message);
    if let Some(binding) = &request.binding
        && request.primary
    {
        let site = machine
            .configs
            .get(binding.position.config)
            .and_then(|config| config.sites.get(binding.position.site));
        if let Some(site) = site
            && let Some(found) = site.bindings.get(binding.position.binding)
        {
            finding = finding.with_binding(site, found);
        }
    }
    let mapping =
        request.expected.as_ref().and_then(|expected| expected.mapping).map(|id| machine.mapping(id));
    if let Some(mapping) = mapping {
        finding = finding.with_mapping(mapping);
    }
    finding
}

fn mismatch(result: &ProbeResult, machine: &Machine) -> Finding {
    let request = &result.request;
    let served = match &result.served {
        Some(certificate) => certificate_name(certificate),
        None => "no certificate".to_owned(),
    };
    let expected_hash = request.expected_hash();
    let expected =
        expected_hash.map_or_else(|| "no certificate".to_owned(), |hash| hash_name(machine, &hash));
    let mapping =
        request.expected.as_ref().and_then(|expected| expected.mapping).map(|id| machine.mapping(id));
    let via = match mapping {
        Some(mapping) => format!(" with {} mapping `{}`", mapping.key.kind(), mapping.key),
        None => String::new(),
    };
    let message = format!(
        "{} was served {served}, but the saved state maps {expected}{via}: the mappings changed since \
         they were saved, or something other than HTTP.sys answered",
        describe_handshake(result)
    );
    let fix = mapping.map(|mapping| {
        Fix::new(
            "compare the live mapping with the saved one, then re-point it to the certificate the site \
             should present (elevated)",
            vec![fix::netsh_show(&mapping.key)],
        )
    });
    let mut finding = finding_for(Code::ProbeCertificateMismatch, message, request, machine)
        .with_certificate_hash(result.served_hash());
    if let Some(fix) = fix {
        finding = finding.with_fix(fix);
    }
    finding
}

fn reset(result: &ProbeResult, machine: &Machine) -> Finding {
    let request = &result.request;
    let what = match (result.outcome, &result.detail) {
        (ProbeOutcome::Alert, Some(alert)) => {
            format!("the server ended the handshake with TLS alert `{alert}`")
        }
        (ProbeOutcome::Alert, None) => "the server ended the handshake with a TLS alert".to_owned(),
        _ => "the server reset the connection during the TLS handshake".to_owned(),
    };
    let mapping =
        request.expected.as_ref().and_then(|expected| expected.mapping).map(|id| machine.mapping(id));
    let why = match (&request.expected, mapping) {
        (Some(expected), Some(mapping)) => {
            let certificate = match expected.hash {
                Some(hash) => hash_name(machine, &hash),
                None => "a certificate from the Central Certificate Store".to_owned(),
            };
            format!(
                " although the saved state maps {certificate} with {} mapping `{}`: the certificate or its \
                 private key may be unusable, or the mapping changed since it was saved",
                mapping.key.kind(),
                mapping.key
            )
        }
        (Some(_), None) => "; the saved state has no mapping for it either".to_owned(),
        (None, _) => String::new(),
    };
    let message = format!("{}: {what}{why}", describe_handshake(result));
    let fix = match mapping {
        Some(mapping) => Fix::new(
            "check the live mapping and that its certificate is in the store with a private key (elevated)",
            vec![fix::netsh_show(&mapping.key)],
        ),
        None => Fix::new(
            "run `sslbind doctor` on the same sources: `missing-mapping` gives the command that adds the mapping",
            Vec::new(),
        ),
    };
    finding_for(Code::ProbeConnectionReset, message, request, machine)
        .with_certificate_hash(request.expected_hash())
        .with_fix(fix)
}

fn expired_finding(group: &[&ProbeResult], machine: &Machine, now: OffsetDateTime) -> Option<Finding> {
    let first = group.first()?;
    let certificate = first.served.as_ref()?;
    let lapse = if now < certificate.not_before {
        format!("is not valid until {}", date(certificate.not_before))
    } else {
        format!("expired on {}", date(certificate.not_after))
    };
    let others = match group.len() {
        1 => String::new(),
        2 => " (and to 1 other handshake)".to_owned(),
        count => format!(" (and to {} other handshakes)", count - 1),
    };
    let message = format!(
        "{} was served {}{others}, which {lapse}, so clients reject it",
        describe_handshake(first),
        certificate_name(certificate),
    );
    let request =
        group.iter().map(|result| &result.request).find(|request| request.primary).unwrap_or(&first.request);
    let mut finding = finding_for(Code::ProbeCertificateExpired, message, request, machine)
        .with_certificate_hash(Some(certificate.thumbprint));
    if let Some(given) = machine.certificate_with_thumbprint(&certificate.thumbprint) {
        finding = finding.with_source(&given.origin);
    }
    let commands: Vec<String> = machine
        .mappings
        .iter()
        .filter(|mapping| mapping.certificate_hash == Some(certificate.thumbprint))
        .map(|mapping| {
            let app_id = mapping.app_id.unwrap_or_else(|| Owner::Iis.app_id());
            fix::netsh_repoint(mapping, None, mapping.effective_store(), app_id)
        })
        .collect();
    let fix = if commands.is_empty() {
        Fix::new(
            "renew the certificate and re-point the mapping that serves it to the new thumbprint",
            Vec::new(),
        )
    } else {
        Fix::new(
            "renew the certificate, import it into the LocalMachine store, and re-point the mappings that name \
             it to the new thumbprint (elevated)",
            commands,
        )
    };
    Some(finding.with_fix(fix))
}

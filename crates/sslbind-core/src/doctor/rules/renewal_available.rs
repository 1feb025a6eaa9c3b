//! `renewal-available`: a mapped certificate is expired or expiring while a valid successor
//! covering all of its names was given.

use crate::certs::{covers_host, dns_identities};
use crate::doctor::fix::Fix;
use crate::doctor::rules::{Lapse, certificate_name, certificates_by_hash, date};
use crate::doctor::{Code, Context, Finding};
use crate::model::certificate::Certificate;

/// The explanation `sslbind explain renewal-available` prints.
pub(super) const EXPLANATION: &str = "\
A certificate that mappings still name is expired, not yet valid, or about to expire, and \
another certificate that was given covers every name of the old one, is valid now and lasts \
longer: the renewal has happened, but the mappings were not moved to it. HTTP.sys mappings \
name a thumbprint, so importing a renewed certificate changes nothing until each mapping is \
re-created with the new hash; renewal tools update the bindings they manage and miss mappings \
made by hand, by IIS Express or by other programs, and the served certificate stays the old one \
until it expires. The fix re-points every mapping that names the old thumbprint to the \
successor with one netsh update each (run elevated), keeping each mapping's key, AppId and every \
other setting, since a delete and add would reset HTTP/2, TLS and client-certificate settings.";

/// Reports every expired or expiring mapped certificate that has a successor, once per
/// certificate.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for mapped in certificates_by_hash(context) {
        let Some(certificate) = mapped.certificate else { continue };
        let Some(lapse) = Lapse::of(context, certificate) else { continue };
        let Some(successor) = successor(context, certificate) else { continue };
        let names = dns_identities(certificate).iter().map(|name| format!("`{name}`")).collect::<Vec<_>>();
        let message = format!(
            "{}, which {}, while {}, valid until {}, covers all its names ({})",
            mapped.describe(context),
            lapse.describe(context, certificate),
            certificate_name(successor),
            date(successor.not_after),
            names.join(", ")
        );
        let fix = Fix::new(
            format!(
                "re-point {} of the old certificate to {} (elevated)",
                mapped.the_mappings(),
                certificate_name(successor)
            ),
            mapped.repoint_commands(context, Some(&successor.thumbprint), successor.store.as_deref()),
        );
        findings.push(
            mapped
                .finding(context, Code::RenewalAvailable, message)
                .with_source(&successor.origin)
                .with_fix(fix),
        );
    }
}

/// The given certificate that replaces `old`: valid now, lasting longer, and covering every
/// name `old` covers; the one lasting longest.
fn successor<'a>(context: &Context<'a>, old: &Certificate) -> Option<&'a Certificate> {
    let names = dns_identities(old);
    let first = names.first()?;
    let certificates = &context.machine.certificates;
    context
        .analysis
        .certificate_index
        .covering(certificates, first)
        .into_iter()
        .map(|id| context.certificate(id))
        .filter(|candidate| {
            candidate.thumbprint != old.thumbprint
                && candidate.is_valid_at(context.options.now)
                && candidate.not_after > old.not_after
                && names.iter().all(|name| covers_host(candidate, name))
        })
        .max_by_key(|candidate| candidate.not_after)
}

//! `certificate-expiring`: a mapped certificate is valid now but expires within
//! `--expiry-days`.

use crate::certs::dns_identities;
use crate::doctor::rules::certificate_expired::renewal_fix;
use crate::doctor::rules::{Lapse, mapped_certificates, replacement_certificate};
use crate::doctor::{Code, Context, Finding};

/// The explanation `sslbind explain certificate-expiring` prints.
pub(super) const EXPLANATION: &str = "\
A mapped certificate is valid today but its end date falls within the expiry window \
(--expiry-days, 30 by default). Nothing is broken yet, but on that date every client of the \
mappings that name it starts refusing the connection, and HTTP.sys keeps serving the old \
certificate until a mapping is changed: renewing or importing a new certificate alone is not \
enough, since HTTP.sys mappings name a thumbprint, not a subject. Automated renewal tools \
usually re-point the mappings they created but not the ones made by hand or by other tools. \
Renew the certificate now, import it into the LocalMachine store, and re-point every mapping \
that names the old thumbprint; when a later certificate for the same names was given, the fix \
shows the netsh commands that do so.";

/// Reports every mapping whose certificate is valid now but expires within the window.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for mapped in mapped_certificates(context) {
        let Some(certificate) = mapped.certificate else { continue };
        if Lapse::of(context, certificate) != Some(Lapse::Expiring) {
            continue;
        }
        let message =
            format!("{}, which {}", mapped.describe(context), Lapse::Expiring.describe(context, certificate));
        let replacement = dns_identities(certificate)
            .first()
            .and_then(|host| replacement_certificate(context, host))
            .filter(|replacement| {
                replacement.thumbprint != certificate.thumbprint
                    && replacement.not_after > certificate.not_after
            });
        let fix = renewal_fix(context, &mapped, certificate, replacement);
        findings.push(mapped.finding(context, Code::CertificateExpiring, message).with_fix(fix));
    }
}

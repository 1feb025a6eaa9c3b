//! `certificate-expired`: a mapped certificate is past its end date, or not valid yet.

use crate::certs::dns_identities;
use crate::doctor::fix::Fix;
use crate::doctor::rules::{
    Lapse, MappedCertificate, certificate_name, date, mapped_certificates, replacement_certificate,
};
use crate::doctor::{Code, Context, Finding};
use crate::model::certificate::Certificate;

/// The explanation `sslbind explain certificate-expired` prints.
pub(super) const EXPLANATION: &str = "\
HTTP.sys serves whatever certificate a mapping names, whether or not it is valid: an expired \
certificate (or one whose validity has not started yet, usually a clock or time-zone mistake) \
is still presented, and every browser and HTTP client then refuses the connection with a \
certificate date error. This happens most often after a renewal: the new certificate was \
imported, but the mapping still names the old thumbprint, because renewing a certificate never \
changes HTTP.sys mappings and IIS Manager shows only the binding. IIS Express's development \
certificate expiring affects all of its reserved ports at once. The fix re-points the mapping to \
a given certificate that is valid now and covers the same name when one exists; otherwise renew \
the certificate, import it into the LocalMachine store, and re-point the mapping to the new \
thumbprint.";

/// Reports every mapping whose certificate is expired or not yet valid.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for mapped in mapped_certificates(context) {
        let Some(certificate) = mapped.certificate else { continue };
        let Some(lapse @ (Lapse::Expired | Lapse::NotYetValid)) = Lapse::of(context, certificate) else {
            continue;
        };
        let message = format!(
            "{}, which {}, so clients reject it",
            mapped.describe(context),
            lapse.describe(context, certificate)
        );
        let replacement = dns_identities(certificate)
            .first()
            .and_then(|host| replacement_certificate(context, host))
            .filter(|replacement| replacement.thumbprint != certificate.thumbprint);
        let fix = renewal_fix(context, &mapped, certificate, replacement);
        findings.push(mapped.finding(context, Code::CertificateExpired, message).with_fix(fix));
    }
}

/// Re-point the mappings to `replacement`, or renew `certificate` first when there is none.
/// Shared with `certificate-expiring`.
pub(super) fn renewal_fix(
    context: &Context<'_>,
    mapped: &MappedCertificate<'_>,
    certificate: &Certificate,
    replacement: Option<&Certificate>,
) -> Fix {
    match replacement {
        Some(replacement) => Fix::new(
            format!(
                "re-point {} to {}, valid until {} (elevated)",
                mapped.the_mappings(),
                certificate_name(replacement),
                date(replacement.not_after)
            ),
            mapped.repoint_commands(context, Some(&replacement.thumbprint), replacement.store.as_deref()),
        ),
        None => Fix::new(
            format!(
                "renew {}, import the new certificate into the LocalMachine store, and re-point {} to it (elevated)",
                certificate_name(certificate),
                mapped.the_mappings()
            ),
            mapped.repoint_commands(context, None, None),
        ),
    }
}

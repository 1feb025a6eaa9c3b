//! `certificate-not-for-server-auth`: a mapped certificate's extended key usage does not
//! allow TLS server authentication.

use crate::doctor::fix::Fix;
use crate::doctor::rules::mapped_certificates;
use crate::doctor::{Code, Context, Finding};

/// The explanation `sslbind explain certificate-not-for-server-auth` prints.
pub(super) const EXPLANATION: &str = "\
A certificate's extended key usage extension, when present, lists what the certificate may be \
used for, and TLS clients accept a server certificate only if the list includes Server \
Authentication (serverAuth, 1.3.6.1.5.5.7.3.1) or anyExtendedKeyUsage. netsh maps any \
certificate by thumbprint, so a client authentication, code signing, e-mail or smart card \
certificate can end up mapped, typically when a script copies the wrong thumbprint from a \
store that holds several; browsers and HTTP clients then fail with a certificate error. A certificate without the extension is not restricted and is not reported. Request or \
issue a certificate from a template or profile for web servers, import it into the LocalMachine \
store, and re-point the mapping to it.";

/// Reports every mapping whose certificate's extended key usage excludes server
/// authentication.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for mapped in mapped_certificates(context) {
        let Some(certificate) = mapped.certificate else { continue };
        if certificate.allows_server_auth() {
            continue;
        }
        let usages = &certificate.extended_key_usage;
        let message = format!(
            "{}, whose extended key usage ({}) does not include serverAuth, so clients refuse it for a TLS server",
            mapped.describe(context),
            usages.join(", ")
        );
        let fix = Fix::new(
            format!(
                "replace it with a certificate issued for server authentication (serverAuth, 1.3.6.1.5.5.7.3.1), \
                 then re-point {} to it (elevated)",
                mapped.the_mappings()
            ),
            mapped.repoint_commands(context, None, None),
        );
        findings.push(mapped.finding(context, Code::CertificateNotForServerAuth, message).with_fix(fix));
    }
}

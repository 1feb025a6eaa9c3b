//! `certificate-not-found`: a mapping names a certificate hash that none of the given
//! certificates has.

use crate::doctor::fix::Fix;
use crate::doctor::rules::mapped_certificates;
use crate::doctor::{Code, Context, Finding};

/// The explanation `sslbind explain certificate-not-found` prints.
pub(super) const EXPLANATION: &str = "\
An HTTP.sys mapping holds only a certificate thumbprint and a store name; the certificate \
itself must be in that LocalMachine store (MY unless the mapping names another) when a client \
connects. This code fires when certificates were given (a store, a registry hive or certificate \
files) and none of them has the mapping's thumbprint. On a live machine or a complete store \
export that means the certificate was deleted, never imported, or imported into the current \
user's store instead: HTTP.sys cannot load it and the TLS handshake fails with a connection \
reset and an SSL configuration error in the System event log. If only some certificate \
files were given, the missing one may just have been left out. To fix it, export the \
certificate with its private key from where it lives and import it into the LocalMachine store \
the mapping names, or re-point the mapping to a certificate that is there.";

/// Reports every mapping whose certificate is not among the given ones, when some were given.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !context.machine.certificates_known {
        return;
    }
    for mapped in mapped_certificates(context) {
        if mapped.certificate.is_some() {
            continue;
        }
        let store = mapped.first_mapping(context).map_or("MY", |mapping| mapping.effective_store());
        let message = format!(
            "{}, which is not among the certificates given: if the LocalMachine `{store}` store lacks it too, \
             HTTP.sys cannot load it and clients get a connection reset{}",
            mapped.describe(context),
            super::exchange_backend_binding::back_end_symptoms(context, &mapped.mappings)
        );
        let title = format!(
            "import certificate {} with its private key into the LocalMachine `{store}` store \
             (`certutil -importpfx {store} <FILE>.pfx`), or re-point {} to a certificate that is there (elevated)",
            mapped.hash,
            mapped.the_mappings()
        );
        let fix = Fix::new(title, mapped.repoint_commands(context, None, None));
        findings.push(mapped.finding(context, Code::CertificateNotFound, message).with_fix(fix));
    }
}

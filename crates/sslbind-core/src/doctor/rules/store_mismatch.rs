//! `store-mismatch`: the mapped certificate exists, but in another store than the one the
//! mapping names.

use crate::doctor::fix::Fix;
use crate::doctor::rules::mapped_certificates;
use crate::doctor::{Code, Context, Finding};

/// The explanation `sslbind explain store-mismatch` prints.
pub(super) const EXPLANATION: &str = "\
An HTTP.sys mapping names a certificate by thumbprint and a LocalMachine store by name, and \
HTTP.sys looks for the certificate in that store only: MY (Personal) when the mapping names \
none, which netsh shows as (null). IIS Manager puts SNI certificates in WebHosting when asked, \
scripts and ACME clients often import into one store and bind with another, and a mapping \
created without certstorename defaults to MY. The certificate then exists on the machine, but \
HTTP.sys cannot load it and the TLS handshake fails with a connection reset, which looks like \
a missing certificate although every certificate dialog shows it. Store names compare without \
regard to case. Re-create the mapping with certstorename set to the store that holds the \
certificate (or move the certificate into the store the mapping names).";

/// Reports every mapping whose certificate was found only in stores other than its own.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for mapped in mapped_certificates(context) {
        if mapped.certificate.is_none() {
            continue;
        }
        let stores: Vec<&str> = mapped.copies(context).filter_map(|copy| copy.store.as_deref()).collect();
        let Some(&actual) = stores.first() else { continue };
        let Some(mismatched) = mapped.only(context, |mapping| {
            !stores.iter().any(|store| store.eq_ignore_ascii_case(mapping.effective_store()))
        }) else {
            continue;
        };
        let Some(mapping) = mismatched.first_mapping(context) else { continue };
        let named = match &mapping.certificate_store {
            Some(store) => format!("store `{store}`"),
            None => "store `MY` (it names none, which HTTP.sys reads as `MY`)".to_owned(),
        };
        let message = format!(
            "{} from {named}, but the certificate is in store `{actual}`, so HTTP.sys cannot load it and clients \
             get a connection reset",
            mismatched.describe(context)
        );
        let fix = Fix::new(
            format!(
                "re-point {} to store `{actual}`, which holds the certificate (elevated)",
                mismatched.the_mappings()
            ),
            mismatched.repoint_commands(context, Some(&mismatched.hash), Some(actual)),
        );
        findings.push(mismatched.finding(context, Code::StoreMismatch, message).with_fix(fix));
    }
}

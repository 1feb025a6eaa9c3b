//! `missing-mapping`: an https binding whose expected HTTP.sys mapping does not exist.

use crate::doctor::fix::{Fix, netsh_add};
use crate::doctor::rules::{app_id_for, describe_served, replacement_certificate};
use crate::doctor::{Code, Context, Finding};
use crate::model::mapping::MappingKey;

/// The explanation `sslbind explain missing-mapping` prints.
pub(super) const EXPLANATION: &str = "\
An https binding in applicationHost.config names no certificate: IIS expects HTTP.sys to hold \
a mapping for it. A binding with the SNI flag (sslFlags 1) needs a `host:port` mapping, one \
with the Central Certificate Store flag (sslFlags 2) needs the `ccs` mapping of its port, and \
any other needs `IP:port` for its address, `0.0.0.0:port` for `*`. IIS Manager creates the \
mapping when a binding is added through it; bindings written by appcmd, scripts, deployment \
tools or a copied config get none. Without it the TLS handshake fails and browsers show \
ERR_CONNECTION_RESET, or a wildcard mapping happens to answer with another site's \
certificate, which breaks as soon as that mapping changes. The fix adds the mapping with \
netsh (run elevated), using a given certificate that covers the host when there is one.";

/// Reports every https binding whose expected mapping is absent.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !context.machine.mappings_known {
        return;
    }
    for https in context.https_bindings() {
        let Some(expected) = &https.analysis.expected else { continue };
        if context.analysis.index.get(expected).is_some() {
            continue;
        }
        let served = describe_served(context, https.analysis);
        let message = format!(
            "site `{}`, binding `{}` expects {} mapping `{expected}`, which does not exist; {served}",
            https.site.name,
            https.binding.information,
            expected.kind(),
        );
        let certificate = match expected {
            MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. } => None,
            _ => https.endpoint.specific_host().and_then(|host| replacement_certificate(context, host)),
        };
        let title = match (expected, certificate) {
            (MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. }, _) => {
                "add the CCS mapping (elevated)".to_owned()
            }
            (_, Some(certificate)) => {
                format!("add the mapping with {} (elevated)", super::certificate_name(certificate))
            }
            (_, None) => "add the mapping with the certificate for this binding (elevated)".to_owned(),
        };
        let command = netsh_add(
            expected,
            certificate.map(|certificate| &certificate.thumbprint),
            certificate.and_then(|certificate| certificate.store.as_deref()).unwrap_or("MY"),
            app_id_for(https.config),
        );
        findings.push(
            Finding::new(Code::MissingMapping, message)
                .with_binding(https.site, https.binding)
                .with_missing_mapping(expected)
                .with_certificate_hash(certificate.map(|certificate| certificate.thumbprint))
                .with_fix(Fix::new(title, vec![command])),
        );
    }
}

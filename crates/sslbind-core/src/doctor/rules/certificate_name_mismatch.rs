//! `certificate-name-mismatch`: a binding for a host name is served a certificate that does
//! not cover that name.

use crate::analysis::selection::ccs_file_names;
use crate::certs::{covers_host, dns_identities};
use crate::doctor::fix::{Fix, netsh_add, netsh_repoint};
use crate::doctor::rules::{app_id_for, certificate_name, replacement_certificate};
use crate::doctor::{Code, Context, Finding, HttpsBinding};
use crate::model::machine::MappingId;
use crate::model::mapping::MappingKey;

/// The explanation `sslbind explain certificate-name-mismatch` prints.
pub(super) const EXPLANATION: &str = "\
The certificate HTTP.sys presents is chosen before the Host header is seen, from the mapping \
the connection matches, so a binding for `www.example.com` can be answered with a \
certificate issued for other names: a wildcard `0.0.0.0:443` mapping shared by several host \
names, an SNI binding whose own `host:port` mapping is missing, or a mapping that was given \
the wrong certificate. Browsers then stop with NET::ERR_CERT_COMMON_NAME_INVALID and API \
clients refuse the connection. Names are compared as browsers do: SAN DNS names (the subject \
CN only when there is none), `*` matching exactly one left-most label, and a wildcard host \
binding needs a certificate with that very wildcard. The fix maps a given certificate that \
covers the host to the binding's own mapping, or asks for one.";

/// Reports every binding with a specific host whose served certificate does not cover it.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for https in context.https_bindings() {
        let Some(host) = https.endpoint.specific_host() else { continue };
        let Some(effective) = https.analysis.effective() else { continue };
        let Some(certificate) = https.analysis.certificate.map(|id| context.certificate(id)) else {
            continue;
        };
        if covers_host(certificate, host) {
            continue;
        }
        let mapping = context.mapping(effective);
        let names: Vec<String> = dns_identities(certificate).iter().map(|name| format!("`{name}`")).collect();
        let names = if names.is_empty() {
            "which names no host".to_owned()
        } else {
            format!("whose names {} do not cover `{host}`", names.join(", "))
        };
        let message = format!(
            "site `{}`, binding `{}` is served by {} mapping `{}` with {}, {names}",
            https.site.name,
            https.binding.information,
            mapping.key.kind(),
            mapping.key,
            certificate_name(certificate),
        );
        let mut finding = Finding::new(Code::CertificateNameMismatch, message)
            .with_binding(https.site, https.binding)
            .with_mapping(mapping)
            .with_certificate(certificate);
        if let Some(fix) = fix(context, &https, host, effective) {
            finding = finding.with_fix(fix);
        }
        findings.push(finding);
    }
}

/// Points the binding's own mapping at a certificate that covers `host`: an update when
/// the mapping exists, add when it is missing, a CCS file for CCS bindings.
fn fix(context: &Context<'_>, https: &HttpsBinding<'_>, host: &str, effective: MappingId) -> Option<Fix> {
    let expected = https.analysis.expected.as_ref()?;
    if let MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. } = expected {
        let file = ccs_file_names(host).into_iter().next()?;
        return Some(Fix::new(
            format!(
                "export a certificate that covers `{host}` as `{file}` into the Central Certificate Store folder"
            ),
            Vec::new(),
        ));
    }
    let replacement = replacement_certificate(context, host);
    let existing = context.analysis.index.get(expected);
    // Recreating a mapping keeps its owner; a new one belongs to the config's server.
    let app_id = existing
        .and_then(|position| context.mapping(position).app_id)
        .unwrap_or_else(|| app_id_for(https.config));
    let store = replacement.and_then(|certificate| certificate.store.as_deref()).unwrap_or("MY");
    let hash = replacement.map(|certificate| &certificate.thumbprint);
    // An existing mapping is updated in place with every setting it has; a missing one is added.
    let commands = match existing {
        Some(position) => vec![netsh_repoint(context.mapping(position), hash, store, app_id)],
        None => vec![netsh_add(expected, hash, store, app_id)],
    };
    let mut title = match (replacement, existing) {
        (Some(certificate), Some(_)) => format!(
            "point {} mapping `{expected}` at {} (elevated)",
            expected.kind(),
            certificate_name(certificate)
        ),
        (Some(certificate), None) => {
            format!(
                "add {} mapping `{expected}` with {} (elevated)",
                expected.kind(),
                certificate_name(certificate)
            )
        }
        (None, _) => format!("get a certificate that covers `{host}` and map it (elevated)"),
    };
    if let Some(position) = existing
        && position != effective
    {
        let shadow = &context.mapping(effective).key;
        title.push_str(&format!(
            "; {} mapping `{shadow}` is tried before it (assumed order) and must go or change too",
            shadow.kind()
        ));
    }
    Some(Fix::new(title, commands))
}

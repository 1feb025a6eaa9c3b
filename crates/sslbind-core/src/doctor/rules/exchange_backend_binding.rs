//! `exchange-backend-binding`: Exchange's "Exchange Back End" site bound to one address on port
//! 444, which breaks Extended Protection between Exchange's front end and back end.

use crate::doctor::fix::Fix;
use crate::doctor::rules::{appcmd_binding_selector, appcmd_set_site};
use crate::doctor::{Code, Context, Finding};
use crate::model::BindingAddress;

/// The site Exchange setup creates for its back end (the front end proxies to it on 444).
const BACK_END_SITE: &str = "Exchange Back End";
/// The back end's https port.
const BACK_END_PORT: u16 = 444;

/// The explanation `sslbind explain exchange-backend-binding` prints.
pub(super) const EXPLANATION: &str = "\
Exchange Server runs two IIS sites: \"Default Web Site\" (the front end clients reach) and \
\"Exchange Back End\", which the front end proxies every request to over https on port 444. \
Setup binds the back end to all unassigned addresses, `*:444:`, served by the HTTP.sys \
mapping `0.0.0.0:444` that holds the server's self-signed \"Microsoft Exchange\" certificate. \
When the binding is changed to one address (`192.168.10.48:444:`), and Extended Protection \
is enabled (the default since Exchange 2019 CU14), the back end drops the front end's \
connections with SEC_E_BAD_BINDINGS (0x80090346, 2148074310): OWA, ECP, EWS and PowerShell \
fail although every certificate is valid. Bind the back end to all unassigned addresses \
again, after checking that `0.0.0.0:444` holds the certificate it should. Sources: \
Microsoft's CSS-Exchange Health Checker, issue #2209 and pull request #2272 (the check it added \
for this binding).";

/// Reports every https binding of the Exchange Back End site on port 444 bound to one address.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for https in context.https_bindings() {
        if !https.site.name.eq_ignore_ascii_case(BACK_END_SITE) || https.endpoint.port != BACK_END_PORT {
            continue;
        }
        let BindingAddress::Ip(address) = https.endpoint.address else { continue };
        let message = format!(
            "site `{}`, binding `{}` binds Exchange's back end to {address} only; with Extended Protection \
             the front end's proxied requests fail with SEC_E_BAD_BINDINGS: it must be `*:{BACK_END_PORT}:`",
            https.site.name, https.binding.information,
        );
        let mut finding =
            Finding::new(Code::ExchangeBackendBinding, message).with_binding(https.site, https.binding);
        if let Some(position) = https.analysis.effective() {
            finding = finding.with_mapping(context.mapping(position));
        }
        let all_unassigned = format!("*:{BACK_END_PORT}:{}", https.endpoint.host);
        if let Some(selector) = appcmd_binding_selector(https.binding) {
            let title = format!(
                "bind the back end to all unassigned addresses (`{all_unassigned}`), after checking that the \
                 mapping `0.0.0.0:{BACK_END_PORT}` holds the Exchange certificate"
            );
            let command = appcmd_set_site(
                https.config,
                https.site,
                &format!("/{selector}.bindingInformation:{all_unassigned}"),
            );
            finding = finding.with_fix(Fix::new(title, vec![command]));
        }
        findings.push(finding);
    }
}

/// What a certificate finding on Exchange's back end mapping, `0.0.0.0:444`, adds to its
/// message: how the problem shows to Exchange's users, who see no TLS error at all. Empty for
/// every other mapping.
pub(super) fn back_end_symptoms(context: &Context<'_>, mappings: &[crate::model::MappingId]) -> &'static str {
    let back_end = std::net::SocketAddr::from(([0, 0, 0, 0], BACK_END_PORT));
    let on_back_end = mappings
        .iter()
        .any(|id| matches!(context.mapping(*id).key, crate::model::MappingKey::Ip(address) if address == back_end));
    if on_back_end {
        " (on an Exchange server, `0.0.0.0:444` is the back end's mapping: without its certificate OWA and ECP \
         show a blank page after sign-in and the System log fills with HttpEvent 15021, \"An error occurred while \
         using SSL configuration for endpoint 0.0.0.0:444\")"
    } else {
        ""
    }
}

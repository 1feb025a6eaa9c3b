//! `sni-without-host`: an https binding with the SNI flag but no host name to look up.

use crate::analysis::expected_mapping;
use crate::doctor::fix::Fix;
use crate::doctor::rules::{appcmd_binding_selector, appcmd_set_site, describe_served};
use crate::doctor::{Code, Context, Finding};
use crate::model::flags::SslFlags;

/// The explanation `sslbind explain sni-without-host` prints.
pub(super) const EXPLANATION: &str = "\
With the SNI flag (sslFlags 1) a binding's certificate comes from the HTTP.sys mapping for \
its host name and port, `host:443`. A binding whose host is empty, or the lone `*` meaning \
any host, has no name to key that mapping by, so IIS cannot create one: IIS Manager asks for \
a host name as soon as \"Require Server Name Indication\" is ticked, but appcmd, scripts and \
edited configs can still write such a binding. Its clients are then served by whatever IP \
mapping happens to exist on the port, or get a connection reset when there is none, and \
tools that mirror bindings into mappings fail on it. Either give the binding the host name \
its clients use, or clear the SNI flag so that it becomes the port's ordinary IP binding.";

/// Reports every https binding with the SNI flag and an empty or `*` host.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for https in context.https_bindings() {
        let flags = https.binding.ssl_flags;
        if !flags.sni() || https.endpoint.specific_host().is_some() {
            continue;
        }
        let has = if https.endpoint.host.is_empty() { "no host name" } else { "only the any-host `*`" };
        let served = if context.machine.mappings_known {
            format!("; {}", describe_served(context, https.analysis))
        } else {
            String::new()
        };
        let message = format!(
            "site `{}`, binding `{}` requires SNI (sslFlags {}) but has {has}, so there is no `host:port` \
             mapping it could use{served}",
            https.site.name,
            https.binding.information,
            flags.bits(),
        );
        let mut finding = Finding::new(Code::SniWithoutHost, message).with_binding(https.site, https.binding);
        if let Some(position) = https.analysis.effective() {
            finding = finding.with_mapping(context.mapping(position));
        }
        let mut cleared = https.binding.clone();
        cleared.ssl_flags = flags - SslFlags::SNI;
        if let (Some(selector), Some(key)) =
            (appcmd_binding_selector(https.binding), expected_mapping(&cleared))
        {
            let with_host = match https.binding.information.rsplit_once(':') {
                Some((address_and_port, _)) => format!("{address_and_port}:<HOST>"),
                None => "<IP>:<PORT>:<HOST>".to_owned(),
            };
            let title = format!(
                "clear the SNI flag so that the binding uses {} mapping `{key}`, or give it a host name \
                 instead (`/{selector}.bindingInformation:{with_host}`)",
                key.kind()
            );
            let command = appcmd_set_site(
                https.config,
                https.site,
                &format!("/{selector}.sslFlags:{}", cleared.ssl_flags.bits()),
            );
            finding = finding.with_fix(Fix::new(title, vec![command]));
        }
        findings.push(finding);
    }
}

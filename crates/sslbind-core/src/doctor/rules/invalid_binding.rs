//! `invalid-binding`: an http or https bindingInformation that is not `IP:port:host`.

use crate::doctor::fix::Fix;
use crate::doctor::rules::{appcmd_binding_selector, appcmd_set_site};
use crate::doctor::{Code, Context, Finding};
use crate::model::binding::BindingEndpoint;

/// The explanation `sslbind explain invalid-binding` prints.
pub(super) const EXPLANATION: &str = "\
An http or https binding's bindingInformation must be `IP:port:host`: `*` or an address \
(IPv6 in brackets), a port from 1 to 65535, and a host header that may be empty or start \
with one `*.` label, as in `*:443:www.example.com` or `[2001:db8::1]:443:`. IIS cannot \
register a URL for anything else, so the binding never answers, and sslbind cannot tell \
which HTTP.sys mapping it needs, so every other check skips it. Such values come from \
hand edits, scripts that build the string from empty variables (`*::`), a host name put \
where the address belongs, or stray spaces, which IIS does not trim. Correct the value, \
keeping the parts that were meant; other protocols (net.tcp, net.pipe, msmq) have their \
own grammar and are never reported.";

/// Reports every http or https binding whose bindingInformation did not parse.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for config in &context.machine.configs {
        for site in &config.sites {
            for binding in &site.bindings {
                let BindingEndpoint::Invalid { reason } = &binding.endpoint else { continue };
                if !binding.is_http_family() {
                    continue;
                }
                let message = format!(
                    "site `{}`, {} binding `{}` at {} is not `IP:port:host`: {reason}",
                    site.name, binding.protocol, binding.information, binding.origin
                );
                let example =
                    if binding.is_https() { "*:443:www.example.com" } else { "*:80:www.example.com" };
                let title =
                    format!("correct the bindingInformation to `IP:port:host`, for example `{example}`");
                let commands = match appcmd_binding_selector(binding) {
                    Some(selector) if !binding.information.is_empty() => vec![appcmd_set_site(
                        config,
                        site,
                        &format!("/{selector}.bindingInformation:<IP>:<PORT>:<HOST>"),
                    )],
                    _ => Vec::new(),
                };
                findings.push(
                    Finding::new(Code::InvalidBinding, message)
                        .with_binding(site, binding)
                        .with_fix(Fix::new(title, commands)),
                );
            }
        }
    }
}

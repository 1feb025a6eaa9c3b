//! `duplicate-binding`: the same protocol and bindingInformation twice in one config.

use std::collections::HashMap;

use crate::doctor::fix::Fix;
use crate::doctor::rules::{appcmd_binding_selector, appcmd_set_site};
use crate::doctor::{Code, Context, Finding};
use crate::model::binding::{Binding, Site};

/// The explanation `sslbind explain duplicate-binding` prints.
pub(super) const EXPLANATION: &str = "\
IIS identifies a binding by its protocol and bindingInformation together, and host headers \
compare without regard to case. Written twice in one site, the pair makes the configuration \
system refuse the collection (\"Cannot add duplicate collection entry\"); written in two \
sites, both claim the same URL, and only the site that starts first gets it: IIS Manager \
warns that only one of the sites can be started, and the other stops with an error after \
each restart or recycle. For https both also expect the same HTTP.sys mapping, so removing \
the binding from one site through IIS Manager can delete the mapping the other still needs. \
Such repeats come from copied configs, scripts that add a binding without checking for it, \
or sites cloned from a template. Remove the repeat from the site that should not answer.";

/// Reports every later occurrence of a protocol and bindingInformation within one config.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for config in &context.machine.configs {
        let mut first_seen: HashMap<(String, String), (&Site, &Binding)> = HashMap::new();
        for site in &config.sites {
            for binding in &site.bindings {
                let key = identity(binding);
                let Some(&(first_site, first)) = first_seen.get(&key) else {
                    first_seen.insert(key, (site, binding));
                    continue;
                };
                let written = if first.information == binding.information {
                    String::new()
                } else {
                    format!(", written `{}` there", first.information)
                };
                let same_site = std::ptr::eq(first_site, site);
                let message = if same_site {
                    format!(
                        "site `{}`, {} binding `{}` repeats the binding at {} of the same site{written}; IIS refuses a \
                         repeated protocol and bindingInformation in one bindings collection",
                        site.name, binding.protocol, binding.information, first.origin
                    )
                } else {
                    format!(
                        "site `{}`, {} binding `{}` is also a binding of site `{}` at {}{written}; only one of the \
                         two sites can start with it",
                        site.name, binding.protocol, binding.information, first_site.name, first.origin
                    )
                };
                let fix = match (same_site, appcmd_binding_selector(binding)) {
                    (false, Some(selector)) => Fix::new(
                        format!(
                            "remove the binding from site `{}` (or from site `{}`, if this one should keep it)",
                            site.name, first_site.name
                        ),
                        vec![appcmd_set_site(config, site, &format!("/-{selector}"))],
                    ),
                    (false, None) => Fix::new(
                        format!(
                            "remove the binding at {} from site `{}` in the config",
                            binding.origin, site.name
                        ),
                        Vec::new(),
                    ),
                    (true, _) => Fix::new(
                        format!(
                            "delete the repeated <binding> element at {} from the config (appcmd cannot tell the two \
                             apart)",
                            binding.origin
                        ),
                        Vec::new(),
                    ),
                };
                findings.push(
                    Finding::new(Code::DuplicateBinding, message)
                        .with_binding(site, binding)
                        .with_source(&first.origin)
                        .with_fix(fix),
                );
            }
        }
    }
}

/// What IIS's configuration system tells binding entries apart by: the protocol and the
/// `bindingInformation` text without regard to case. Deliberately not [`HostName`]'s identity,
/// which is HTTP.sys's for mapping keys: IIS stores `www.example.com.` and `www.example.com`
/// as two entries and routes them as two host headers, so folding a trailing dot or an IDN
/// spelling here would report repeats that IIS does not have.
///
/// [`HostName`]: crate::model::host::HostName
fn identity(binding: &Binding) -> (String, String) {
    (binding.protocol.to_lowercase(), binding.information.to_lowercase())
}

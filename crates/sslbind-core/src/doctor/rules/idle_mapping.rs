//! `idle-mapping`: an IIS or IIS Express mapping that no binding of the given configs uses.

use crate::analysis::MappingStatus;
use crate::doctor::fix::{Fix, netsh_delete};
use crate::doctor::rules::{mapping_certificate_name, with_mapping_certificate, word_list};
use crate::doctor::{Code, Context, Finding};
use crate::model::machine::ServerFlavor;
use crate::owners::Owner;

/// The explanation `sslbind explain idle-mapping` prints.
pub(super) const EXPLANATION: &str = "\
IIS Manager creates an HTTP.sys mapping when an https binding is added, but nothing removes \
it when the binding or its site goes away by other means (appcmd, scripts, deployment tools, \
a restored config), so mappings owned by IIS or IIS Express outlive their bindings. An idle \
mapping still answers TLS on its end point with its certificate, often an expired one, \
keeps a stale certificate in use that renewal tools no longer update, comes back to life \
with that old certificate when someone adds a binding with the same end point, and a \
specific IP one can shadow SNI sites. A mapping counts as idle only when a config of its \
owner was given and none of its bindings expects or is served by it; IIS Express's reserved \
44300-44399 range and fallback mappings are not idle. Delete it after checking that no \
other config still needs it.";

/// Reports every idle IIS or IIS Express mapping, when a config of its server was given.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let configs = &context.machine.configs;
    if configs.is_empty() {
        return;
    }
    for analysis in &context.analysis.mappings {
        if analysis.status != MappingStatus::Idle {
            continue;
        }
        // An IIS mapping is only unused if the IIS config was given, and likewise for IIS
        // Express: the other server's bindings say nothing about it.
        let flavor = match analysis.owner {
            Some(Owner::Iis) => ServerFlavor::Iis,
            Some(Owner::IisExpress) => ServerFlavor::IisExpress,
            _ => continue,
        };
        let paths: Vec<String> = configs
            .iter()
            .filter(|config| config.flavor == flavor)
            .map(|config| format!("`{}`", config.path))
            .collect();
        if paths.is_empty() {
            continue;
        }
        let mapping = context.mapping(analysis.mapping);
        let certificate = match mapping_certificate_name(context, analysis.mapping) {
            Some(name) => format!(" with {name}"),
            None => String::new(),
        };
        let message = format!(
            "{} {} mapping `{}`{certificate} is used by no binding in {}, so it is probably left behind by a \
             removed binding or site",
            flavor.name(),
            mapping.key.kind(),
            mapping.key,
            word_list(&paths, "or"),
        );
        let finding = Finding::new(Code::IdleMapping, message).with_mapping(mapping);
        let finding = with_mapping_certificate(finding, context, analysis.mapping)
            .with_fix(Fix::new("delete the unused mapping (elevated)", vec![netsh_delete(&mapping.key)]));
        findings.push(finding);
    }
}

//! `foreign-mapping-in-use`: an https binding served by a mapping that another program (or
//! no known program) owns.

use crate::doctor::fix::{Fix, netsh_add, netsh_add_mapping, netsh_delete};
use crate::doctor::rules::{
    app_id_for, mapping_certificate_name, replacement_certificate, with_mapping_certificate,
};
use crate::doctor::{Code, Context, Finding, HttpsBinding};
use crate::model::machine::MappingId;
use crate::model::mapping::{Mapping, MappingKey};

/// The explanation `sslbind explain foreign-mapping-in-use` prints.
pub(super) const EXPLANATION: &str = "\
Every HTTP.sys mapping carries an AppId naming the program that created it. IIS writes \
{4dc3e181-…}, IIS Express {214124cd-…}; AD FS and Web Application Proxy, WinRM, SSTP VPN, \
the IIS Administration API and others write their own, and all of them share the one \
mapping per end point. When an IIS binding is served by such a mapping, the site's \
certificate is whatever that program chose: it changes when the program renews or \
reconfigures its own certificate, disappears when the program is removed, and an IIS change \
to the mapping (IIS Manager, renewal tools) breaks that program in turn, as SSTP's \"certificate \
bound to the Web listener\" error shows. Check whether the program still uses the end \
point before touching it: if it does, give the site a mapping of its own; if not, recreate \
the mapping under the IIS AppId.";

/// Reports every https binding whose effective mapping is not owned by IIS or IIS Express.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for https in context.https_bindings() {
        let Some(effective) = https.analysis.effective() else { continue };
        let mapping_analysis = context.analysis.mapping(effective);
        if mapping_analysis.owner.is_some_and(|owner| owner.is_iis_family()) {
            continue;
        }
        let mapping = context.mapping(effective);
        let (owner, short) = match (mapping_analysis.owner, mapping.app_id) {
            (Some(owner), Some(app_id)) => {
                (format!("{} (AppId {app_id})", owner.name()), owner.name().to_owned())
            }
            (None, Some(app_id)) => {
                (format!("the program with AppId {app_id}"), format!("the program with AppId {app_id}"))
            }
            (_, None) => ("no known program (it has no AppId)".to_owned(), "another program".to_owned()),
        };
        let certificate = match mapping_certificate_name(context, effective) {
            Some(name) => format!(" with {name}"),
            None => String::new(),
        };
        let message = format!(
            "site `{}`, binding `{}` is served by {} mapping `{}`{certificate}, which belongs to {owner}, not {}; a \
             change to it affects both",
            https.site.name,
            https.binding.information,
            mapping.key.kind(),
            mapping.key,
            https.config.flavor.name(),
        );
        let finding = Finding::new(Code::ForeignMappingInUse, message)
            .with_binding(https.site, https.binding)
            .with_mapping(mapping);
        let mut finding = with_mapping_certificate(finding, context, effective);
        if let Some(fix) = fix(context, &https, mapping, effective, &short) {
            finding = finding.with_fix(fix);
        }
        findings.push(finding);
    }
}

/// Recreates the mapping under the config's AppId when it is the binding's own; adds the
/// binding's own mapping when that is missing; nothing otherwise.
fn fix(
    context: &Context<'_>,
    https: &HttpsBinding<'_>,
    mapping: &Mapping,
    effective: MappingId,
    owner: &str,
) -> Option<Fix> {
    let expected = https.analysis.expected.as_ref()?;
    let app_id = app_id_for(https.config);
    match context.analysis.index.get(expected) {
        Some(position) if position == effective => {
            let title = format!(
                "only if {owner} does not use `{}`: recreate it under the {} AppId (elevated); otherwise leave it, \
                 since any change to it also changes what {owner} serves",
                mapping.key,
                https.config.flavor.name()
            );
            // A delete and an add, as the owner changes; the add carries every setting of the
            // mapping, so that only the AppId differs afterwards.
            let mut recreated = mapping.clone();
            recreated.app_id = Some(app_id);
            let commands = vec![netsh_delete(&mapping.key), netsh_add_mapping(&recreated)];
            Some(Fix::new(title, commands))
        }
        Some(_) => None,
        None => {
            let replacement = match expected {
                MappingKey::Ccs { .. } | MappingKey::ScopedCcs { .. } => None,
                _ => https.endpoint.specific_host().and_then(|host| replacement_certificate(context, host)),
            };
            let (hash, store) = match replacement {
                Some(certificate) => {
                    (Some(certificate.thumbprint), certificate.store.as_deref().unwrap_or("MY"))
                }
                None => (mapping.certificate_hash, mapping.effective_store()),
            };
            let title = format!(
                "leave `{}` to {owner} and give the binding its own {} mapping `{expected}` (elevated)",
                mapping.key,
                expected.kind()
            );
            Some(Fix::new(title, vec![netsh_add(expected, hash.as_ref(), store, app_id)]))
        }
    }
}

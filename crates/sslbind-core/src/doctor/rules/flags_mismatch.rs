//! `flags-mismatch`: a binding's `sslFlags` protocol bits disagree with the `DefaultFlags` of
//! the mapping that serves it.

use crate::doctor::fix::{Fix, netsh_repoint};
use crate::doctor::rules::app_id_for;
use crate::doctor::{Code, Context, Finding};
use crate::model::flags::DefaultFlags;
use crate::model::flags::SslFlags;
use crate::uncertain::{default_flags_for_ssl_flags, ssl_flags_to_default_flags};

/// The explanation `sslbind explain flags-mismatch` prints.
pub(super) const EXPLANATION: &str = "\
Since IIS 10 version 1809 a binding's sslFlags can also disable HTTP/2 (4), OCSP stapling (8), \
QUIC (16), TLS 1.3 over TCP (32) and legacy TLS (64). IIS does not enforce these itself: it \
writes them into the HTTP.sys mapping as DefaultFlags bits, and HTTP.sys acts only on the \
mapping. When a binding was written by a tool or a copied config, or the mapping was made with \
netsh, or an older Windows dropped the bits, the two disagree and clients silently get \
HTTP/2, QUIC or TLS 1.3 the binding meant to turn off (or lose them). Which DefaultFlags bit \
each sslFlags bit becomes is inferred from their names and not confirmed on Windows, so treat \
this as a prompt to check. The check needs the flag lines of Windows Server 2019 and later \
netsh output. Fix the mapping with netsh http update sslcert, or change sslFlags to match.";

/// Reports every https binding whose serving mapping shows flags that disagree with its
/// `sslFlags`.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let default_mask = ssl_flags_to_default_flags().fold(DefaultFlags::empty(), |mask, (_, bit)| mask | bit);
    let ssl_mask = ssl_flags_to_default_flags().fold(SslFlags::empty(), |mask, (bit, _)| mask | bit);
    for https in context.https_bindings() {
        let Some(position) = https.analysis.effective() else { continue };
        let mapping = context.mapping(position);
        if !mapping.flags_known {
            continue;
        }
        let ssl_flags = https.binding.ssl_flags;
        let wanted = default_flags_for_ssl_flags(ssl_flags);
        let actual = mapping.flags & default_mask;
        if wanted == actual {
            continue;
        }
        let mut disagreements = Vec::new();
        let mut settings = Vec::new();
        let mut matching_ssl_flags = ssl_flags - ssl_mask;
        for (ssl_bit, default_bit) in ssl_flags_to_default_flags() {
            let (Some(ssl_info), Some(default_info)) =
                (SslFlags::info(ssl_bit), DefaultFlags::info(default_bit))
            else {
                continue;
            };
            let (setting, flag) = (ssl_info.setting, default_info.name);
            // Only a bit netsh can set is fixed by the netsh line.
            if default_info.netsh_parameter.is_none() {
                continue;
            }
            if actual.contains(default_bit) {
                matching_ssl_flags |= ssl_bit;
            }
            match (wanted.contains(default_bit), actual.contains(default_bit)) {
                (true, false) => {
                    disagreements
                        .push(format!("sslFlags asks for {setting}, the mapping does not have {flag}"));
                    settings.push((default_bit, true));
                }
                (false, true) => {
                    disagreements
                        .push(format!("the mapping has {flag}, sslFlags does not ask for {setting}"));
                    settings.push((default_bit, false));
                }
                _ => {}
            }
        }
        let message = format!(
            "site `{}`, binding `{}` (sslFlags {}) is served by {} mapping `{}`, whose flags disagree: {} \
             (which mapping flag each sslFlags bit becomes is inferred, not confirmed)",
            https.site.name,
            https.binding.information,
            ssl_flags.bits(),
            mapping.key.kind(),
            mapping.key,
            disagreements.join("; ")
        );
        let app_id = mapping.app_id.unwrap_or_else(|| app_id_for(https.config));
        // The mapping as it should be: its other settings stay, since netsh resets what an
        // update leaves out.
        let mut wanted_mapping = mapping.clone();
        for (bit, on) in settings {
            wanted_mapping.flags.set(bit, on);
        }
        let update =
            netsh_repoint(&wanted_mapping, mapping.certificate_hash.as_ref(), mapping.effective_store(), app_id);
        let title = format!(
            "set the mapping's flags to what sslFlags asks (elevated), or change the binding's sslFlags from \
             {} to {}",
            ssl_flags.bits(),
            matching_ssl_flags.bits()
        );
        let fix = Fix::new(title, vec![update]);
        findings.push(
            Finding::new(Code::FlagsMismatch, message)
                .with_binding(https.site, https.binding)
                .with_mapping(mapping)
                .with_certificate_hash(mapping.certificate_hash)
                .with_fix(fix),
        );
    }
}

//! `flags-mismatch`: a binding's `sslFlags` protocol bits disagree with the `DefaultFlags` of
//! the mapping that serves it.

use crate::doctor::fix::{Fix, netsh_add};
use crate::doctor::rules::app_id_for;
use crate::doctor::{Code, Context, Finding};
use crate::model::mapping::DefaultFlags;
use crate::uncertain::{SSL_FLAGS_TO_DEFAULT_FLAGS, default_flags_for_ssl_flags};

/// The explanation `sslbind explain flags-mismatch` prints.
pub const EXPLANATION: &str = "\
Since IIS 10 version 1809 a binding's sslFlags can also disable HTTP/2 (4), OCSP stapling (8), \
QUIC (16), TLS 1.3 over TCP (32) and legacy TLS (64). IIS does not enforce these itself: it \
writes them into the HTTP.sys mapping as DefaultFlags bits, and HTTP.sys acts only on the \
mapping. When a binding was written by a tool or a copied config, or the mapping was made with \
netsh, or an older Windows dropped the bits, the two disagree and clients silently get \
HTTP/2, QUIC or TLS 1.3 the binding meant to turn off (or lose them). Which DefaultFlags bit \
each sslFlags bit becomes is inferred from their names and not confirmed on Windows, so treat \
this as a prompt to check. The check needs the flag lines of Windows Server 2019 and later \
netsh output. Fix the mapping with netsh http update sslcert, or change sslFlags to match.";

/// An `sslFlags` protocol bit: its value, IIS Manager's name for it and the netsh parameter
/// of the `DefaultFlags` bit it becomes.
const SETTINGS: [(u32, &str, &str); 5] = [
    (4, "Disable HTTP/2", "disablehttp2"),
    (8, "Disable OCSP Stapling", "disableocspstapling"),
    (16, "Disable QUIC", "disablequic"),
    (32, "Disable TLS 1.3 over TCP", "disabletls13"),
    (64, "Disable Legacy TLS", "disablelegacytls"),
];

/// Reports every https binding whose serving mapping shows flags that disagree with its
/// `sslFlags`.
pub fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    let default_mask = SSL_FLAGS_TO_DEFAULT_FLAGS.iter().fold(0, |mask, (_, bit)| mask | bit);
    let ssl_mask = SSL_FLAGS_TO_DEFAULT_FLAGS.iter().fold(0, |mask, (bit, _)| mask | bit);
    for https in context.https_bindings() {
        let Some(position) = https.analysis.effective() else { continue };
        let mapping = context.mapping(position);
        if !mapping.flags_known {
            continue;
        }
        let ssl_flags = https.binding.ssl_flags.0;
        let wanted = default_flags_for_ssl_flags(ssl_flags).0;
        let actual = mapping.flags.0 & default_mask;
        if wanted == actual {
            continue;
        }
        let mut disagreements = Vec::new();
        let mut settings = Vec::new();
        let mut matching_ssl_flags = ssl_flags & !ssl_mask;
        for (ssl_bit, default_bit) in SSL_FLAGS_TO_DEFAULT_FLAGS {
            let Some((_, setting, parameter)) = SETTINGS.iter().find(|(bit, ..)| *bit == ssl_bit) else {
                continue;
            };
            if actual & default_bit != 0 {
                matching_ssl_flags |= ssl_bit;
            }
            let flag = DefaultFlags(default_bit).names().join("");
            match (wanted & default_bit != 0, actual & default_bit != 0) {
                (true, false) => {
                    disagreements
                        .push(format!("sslFlags asks for {setting}, the mapping does not have {flag}"));
                    settings.push(format!("{parameter}=enable"));
                }
                (false, true) => {
                    disagreements
                        .push(format!("the mapping has {flag}, sslFlags does not ask for {setting}"));
                    settings.push(format!("{parameter}=disable"));
                }
                _ => {}
            }
        }
        let message = format!(
            "site `{}`, binding `{}` (sslFlags {ssl_flags}) is served by {} mapping `{}`, whose flags disagree: {} \
             (which mapping flag each sslFlags bit becomes is inferred, not confirmed)",
            https.site.name,
            https.binding.information,
            mapping.key.kind(),
            mapping.key,
            disagreements.join("; ")
        );
        let app_id = mapping.app_id.unwrap_or_else(|| app_id_for(https.config));
        let add =
            netsh_add(&mapping.key, mapping.certificate_hash.as_ref(), mapping.effective_store(), app_id);
        let update = add.replacen("netsh http add sslcert", "netsh http update sslcert", 1);
        let title = format!(
            "set the mapping's flags to what sslFlags asks (elevated), or change the binding's sslFlags from \
             {ssl_flags} to {matching_ssl_flags}"
        );
        let fix = Fix::new(title, vec![format!("{update} {}", settings.join(" "))]);
        findings.push(
            Finding::new(Code::FlagsMismatch, message)
                .with_binding(https.site, https.binding)
                .with_mapping(mapping)
                .with_certificate_hash(mapping.certificate_hash)
                .with_fix(fix),
        );
    }
}

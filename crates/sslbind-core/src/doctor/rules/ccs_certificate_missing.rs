//! `ccs-certificate-missing`: a Central Certificate Store binding whose host has no `.pfx`
//! file in the CCS folder.

use crate::analysis::selection::ccs_file_names;
use crate::doctor::fix::Fix;
use crate::doctor::rules::{certificate_name, describe_served, replacement_certificate, word_list};
use crate::doctor::{Code, Context, Finding};
use crate::model::mapping::MappingKey;

/// The explanation `sslbind explain ccs-certificate-missing` prints.
pub(super) const EXPLANATION: &str = "\
A binding with the Central Certificate Store flag (sslFlags 2) takes its certificate from a \
file on the CCS share named after the host the client asks for: `www.example.com.pfx`, or \
the wildcard file `_.example.com.pfx`. IIS never checks that the file exists when the binding \
is added. When neither is there, HTTP.sys falls through to the wildcard IP mapping of the \
port, which serves another certificate, or resets the connection when there is none. This \
happens when a certificate was renewed or imported into the machine store instead of the \
share, when the file name does not match the host exactly, or on a web farm node whose share \
path differs. Export the certificate with its private key, under the host's name, into the \
CCS folder, protected with the password the CCS configuration uses.";

/// Reports every CCS binding with a specific host whose `.pfx` files are all absent, when the
/// CCS folder is known.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    if !context.options.ccs_folder_known {
        return;
    }
    for https in context.https_bindings() {
        if !https.binding.ssl_flags.central_cert_store() {
            continue;
        }
        let Some(host) = https.endpoint.specific_host() else { continue };
        let names = ccs_file_names(host);
        if names.iter().any(|name| context.ccs_files.contains(name) == Some(true)) {
            continue;
        }
        let Some(file) = names.first() else { continue };
        let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
        let looked_for = match quoted.as_slice() {
            [only] => format!("no {only}"),
            _ => format!("neither {}", word_list(&quoted, "nor")),
        };
        let served = if context.machine.mappings_known {
            format!("; {}", describe_served(context, https.analysis))
        } else {
            String::new()
        };
        let message = format!(
            "site `{}`, binding `{}` uses the Central Certificate Store, but its folder holds {looked_for}{served}",
            https.site.name, https.binding.information,
        );
        let key = MappingKey::Ccs { port: https.endpoint.port };
        let finding =
            Finding::new(Code::CcsCertificateMissing, message).with_binding(https.site, https.binding);
        let finding = match context.analysis.index.get(&key) {
            Some(position) => finding.with_mapping(context.mapping(position)),
            None => finding.with_missing_mapping(&key),
        };
        let replacement = replacement_certificate(context, host);
        let title = match replacement {
            Some(certificate) => format!(
                "export {} with its private key as `{file}` into the CCS folder",
                certificate_name(certificate)
            ),
            None => format!(
                "export a certificate that covers `{host}`, with its private key, as `{file}` into the CCS folder"
            ),
        };
        findings.push(
            finding
                .with_certificate_hash(replacement.map(|certificate| certificate.thumbprint))
                .with_fix(Fix::new(title, Vec::new())),
        );
    }
}

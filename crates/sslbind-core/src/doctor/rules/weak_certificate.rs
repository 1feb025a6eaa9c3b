//! `weak-certificate`: a mapped certificate has a short RSA key, a SHA-1 or MD5 signature, or
//! no SAN DNS name.

use crate::doctor::fix::Fix;
use crate::doctor::rules::{mapped_certificates, word_list};
use crate::doctor::{Code, Context, Finding};
use crate::model::certificate::Certificate;

/// The explanation `sslbind explain weak-certificate` prints.
pub(super) const EXPLANATION: &str = "\
Current clients refuse certificates that were acceptable years ago, and old servers and \
development machines keep serving them. RSA keys under 2048 bits and signatures made with \
SHA-1 or MD5 are rejected by browsers and by the .NET, Java and OpenSSL defaults. A certificate \
without a Subject Alternative Name DNS entry is refused by Chrome 58 and later and by most other \
clients, which ignore the subject common name even when it matches the host: old self-signed \
and development certificates fail this way with NET::ERR_CERT_COMMON_NAME_INVALID. Replace the certificate with one that has an RSA key of at \
least 2048 bits (or an ECDSA key), a SHA-256 or stronger signature and every host name as a SAN \
DNS name, import it into the LocalMachine store, and re-point the mappings to it.";

/// Reports every mapping whose certificate has a weakness, listing all of them.
pub(super) fn check(context: &Context<'_>, findings: &mut Vec<Finding>) {
    for mapped in mapped_certificates(context) {
        let Some(certificate) = mapped.certificate else { continue };
        let (weaknesses, needs) = weaknesses(certificate);
        if weaknesses.is_empty() {
            continue;
        }
        let message =
            format!("{}, which is weak: {}", mapped.describe(context), word_list(&weaknesses, "and"));
        let fix = Fix::new(
            format!(
                "replace it with a certificate that has {}, then re-point {} to it (elevated)",
                word_list(&needs, "and"),
                mapped.the_mappings()
            ),
            mapped.repoint_commands(context, None, None),
        );
        findings.push(mapped.finding(context, Code::WeakCertificate, message).with_fix(fix));
    }
}

/// What is weak about `certificate`, and what a replacement needs instead.
fn weaknesses(certificate: &Certificate) -> (Vec<String>, Vec<String>) {
    let mut weaknesses = Vec::new();
    let mut needs = Vec::new();
    if let (true, Some(bits)) = (certificate.key.algorithm.eq_ignore_ascii_case("RSA"), certificate.key.bits)
        && bits < 2048
    {
        weaknesses.push(format!("a {bits}-bit RSA key"));
        needs.push("an RSA key of at least 2048 bits (or an ECDSA key)".to_owned());
    }
    let algorithm = certificate.signature_algorithm.to_ascii_lowercase();
    let digest = [("sha1", "SHA-1"), ("md5", "MD5"), ("md2", "MD2")]
        .into_iter()
        .find(|(part, _)| algorithm.contains(part))
        .map(|(_, name)| name);
    if let Some(digest) = digest {
        weaknesses.push(format!("a {digest} signature ({})", certificate.signature_algorithm));
        needs.push("a SHA-256 or stronger signature".to_owned());
    }
    if certificate.dns_names.is_empty() {
        weaknesses.push("no SAN DNS name, so Chrome 58 and later ignore its common name".to_owned());
        needs.push("its host names as SAN DNS names".to_owned());
    }
    (weaknesses, needs)
}

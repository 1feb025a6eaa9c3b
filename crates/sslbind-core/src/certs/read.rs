//! Certificate files as users collect them: `.cer`/`.crt`/`.der`, `.pem`, `.pfx`/`.p12`.
//!
//! Windows exports the same certificate as binary DER or base64 (PEM) under the same `.cer`
//! extension, and people rename files freely, so the format is detected from the content.
//! PEM files mix certificates with keys and chains; one bad block should cost that block only,
//! while a file with nothing readable is an error, because silently reading zero certificates
//! would later surface as a misleading "certificate not found".

use std::sync::Arc;

use p12_keystore::Pkcs12Archive;
use p12_keystore::error::Error as Pkcs12Error;
use x509_parser::oid_registry::{
    OID_PKCS7_ID_DATA, OID_PKCS7_ID_DIGESTED_DATA, OID_PKCS7_ID_ENCRYPTED_DATA, OID_PKCS7_ID_ENVELOPED_DATA,
    OID_PKCS7_ID_SIGNED_DATA, OID_PKCS7_ID_SIGNED_ENVELOPED_DATA, Oid,
};

use super::der::{CertificateError, certificate_from_der, certificate_from_der_prefix};
use crate::model::Certificate;
use crate::model::source::{Location, Origin, SourceError, SourceErrorKind, SourceWarning};
use crate::text;

/// The certificates found in one file, with the problems that did not stop reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertificatesRead {
    /// Certificates in file order (PFX: bag order, each thumbprint once).
    pub certificates: Vec<Certificate>,
    /// Skipped blocks, ignored trailing bytes and the like.
    pub warnings: Vec<SourceWarning>,
}

const NOT_A_CERTIFICATE: &str = "not a certificate: expected DER, PEM or PKCS#12";

/// Reads every certificate in one file's bytes.
///
/// The format is detected from the content, not the extension:
/// - DER: one certificate, or several back to back;
/// - PEM: any number of `CERTIFICATE` blocks (also `X509 CERTIFICATE` and OpenSSL's
///   `TRUSTED CERTIFICATE`) in UTF-8 or UTF-16; key and parameter blocks are skipped, other
///   blocks are skipped with a warning, and a corrupt certificate block becomes a warning while
///   the others are kept. A private key in the same file marks the end-entity certificates
///   (those that issued no other certificate in the file) `has_private_key = Some(true)`;
///   the others stay `None`, as for any DER or PEM certificate;
/// - PKCS#12/PFX, opened with `pfx_password` (`None` tries the empty password). Each
///   certificate gets `has_private_key = Some(true)` if a key bag is linked to it (by
///   `localKeyId`, or, when the file links nothing, by being an end-entity certificate), else
///   `Some(false)`.
///
/// `path` names the file in origins and messages: certificates from PEM point at their
/// `BEGIN` line, all others at line 1, column 1.
///
/// # Errors
///
/// An empty file, bytes in none of the formats, a PFX whose password is wrong or missing (the
/// message names `--pfx-password`), an unreadable PFX, or a file in which not one certificate
/// could be read.
pub fn read_certificates(
    path: &Arc<str>,
    bytes: &[u8],
    pfx_password: Option<&str>,
) -> Result<CertificatesRead, SourceError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SourceError::new(path, 1, 1, "empty file: expected a certificate (DER, PEM or PKCS#12)"));
    }
    // Both DER certificates and PKCS#12 files are a DER SEQUENCE, tag 0x30; no text format
    // starts with the character '0' followed by binary, so this cannot misroute a PEM file.
    if bytes.first() == Some(&0x30) {
        return read_binary(path, bytes, pfx_password);
    }
    let decoded = text::decode(bytes);
    if decoded.text.contains("-----BEGIN ") {
        return read_pem(path, &decoded.text);
    }
    Err(SourceError::new(path, 1, 1, NOT_A_CERTIFICATE))
}

fn file_origin(path: &Arc<str>) -> Origin {
    Origin::File(Location::new(path, 1, 1))
}

fn read_binary(
    path: &Arc<str>,
    bytes: &[u8],
    pfx_password: Option<&str>,
) -> Result<CertificatesRead, SourceError> {
    let (first, mut offset) = match certificate_from_der_prefix(bytes, file_origin(path)) {
        Ok(parsed) => parsed,
        Err(der_error) => {
            if looks_like_pkcs12(bytes) {
                return read_pkcs12(path, bytes, pfx_password);
            }
            return Err(SourceError::new(
                path,
                1,
                1,
                format!("{NOT_A_CERTIFICATE} (read as DER: {der_error})"),
            ));
        }
    };
    let mut read = CertificatesRead { certificates: vec![first], warnings: Vec::new() };
    // Some tools concatenate DER certificates into one `.der` chain file; anything after the
    // last certificate is reported, not hashed, so the thumbprints stay those of Windows.
    while let Some(rest) = bytes.get(offset..).filter(|rest| !rest.is_empty()) {
        if rest.first() == Some(&0x30)
            && let Ok((next, length)) = certificate_from_der_prefix(rest, file_origin(path))
        {
            read.certificates.push(next);
            offset += length;
            continue;
        }
        read.warnings.push(SourceWarning {
            location: Location::new(path, 1, 1),
            message: format!(
                "ignored {} byte(s) after the certificate at byte {offset}: not a DER certificate",
                rest.len()
            ),
        });
        break;
    }
    Ok(read)
}

/// Whether `bytes` have the outer shape of a PKCS#12 PFX: `SEQUENCE { INTEGER 3,
/// ContentInfo { pkcs7-* OID, … }, … }`. This lets a wrong password be reported as such
/// instead of as "not a certificate". BER is accepted because some Java tools write it.
fn looks_like_pkcs12(bytes: &[u8]) -> bool {
    let Ok((_, outer)) = x509_parser::der_parser::parse_ber(bytes) else {
        return false;
    };
    let Ok(items) = outer.as_sequence() else {
        return false;
    };
    let version_is_3 = items.first().and_then(|v| v.as_u32().ok()) == Some(3);
    let content_type = items
        .get(1)
        .and_then(|info| info.as_sequence().ok())
        .and_then(|info| info.first())
        .and_then(|oid| oid.as_oid().ok());
    version_is_3 && content_type.is_some_and(|oid| PKCS7_CONTENT_TYPES.contains(oid))
}

/// The content types of PKCS#7 (RFC 2315 §14), one of which wraps a PFX's content.
const PKCS7_CONTENT_TYPES: [Oid<'static>; 6] = [
    OID_PKCS7_ID_DATA,
    OID_PKCS7_ID_SIGNED_DATA,
    OID_PKCS7_ID_ENVELOPED_DATA,
    OID_PKCS7_ID_SIGNED_ENVELOPED_DATA,
    OID_PKCS7_ID_DIGESTED_DATA,
    OID_PKCS7_ID_ENCRYPTED_DATA,
];

fn read_pkcs12(
    path: &Arc<str>,
    bytes: &[u8],
    pfx_password: Option<&str>,
) -> Result<CertificatesRead, SourceError> {
    let archive = Pkcs12Archive::from_pkcs12(bytes, pfx_password.unwrap_or("")).map_err(|error| {
        let tried = match pfx_password {
            None => "no password was given, the empty password was tried",
            Some(_) => "the password given was refused",
        };
        let (kind, message) = match error {
            // A MAC mismatch is how PKCS#12 says "wrong password"; a padding error after
            // decryption is the same thing in files without a MAC.
            Pkcs12Error::MacError(_) | Pkcs12Error::UnpadError => (
                SourceErrorKind::PfxPassword,
                format!("PKCS#12 (PFX) password is wrong or missing ({tried})"),
            ),
            other => (SourceErrorKind::PfxUnreadable, format!("cannot read the PKCS#12 (PFX) file: {other}")),
        };
        SourceError::new(path, 1, 1, message).with_kind(kind)
    })?;

    let mut read = CertificatesRead { certificates: Vec::new(), warnings: Vec::new() };
    let mut linked = Vec::new();
    for bag in &archive.certs {
        match certificate_from_der(bag.cert.as_der(), file_origin(path)) {
            Ok(certificate) => {
                let has_key = bag.local_key_id.as_ref().is_some_and(|id| {
                    archive.keys.iter().any(|key| key.local_key_id.as_ref().is_some_and(|k| k.0 == *id))
                });
                read.certificates.push(certificate);
                linked.push(has_key);
            }
            Err(error) => read.warnings.push(SourceWarning {
                location: Location::new(path, 1, 1),
                message: format!("skipped a certificate bag: {error}"),
            }),
        }
    }
    if read.certificates.is_empty() {
        return Err(SourceError::new(path, 1, 1, "the PKCS#12 (PFX) file holds no readable certificate"));
    }
    // Files without localKeyId attributes still pair their key with the end-entity
    // certificate; matching key material to certificates would need every key algorithm.
    if !archive.keys.is_empty() && !linked.contains(&true) {
        linked = end_entities(&read.certificates);
    }
    for (certificate, has_key) in read.certificates.iter_mut().zip(linked) {
        certificate.has_private_key = Some(has_key);
    }
    deduplicate(&mut read.certificates);
    Ok(read)
}

/// PKCS#12 files may repeat a certificate (once with its key, once in the chain); the same
/// thumbprint twice would read as two certificates. The first stays, knowing about the key
/// if any copy did.
fn deduplicate(certificates: &mut Vec<Certificate>) {
    let mut kept: Vec<Certificate> = Vec::with_capacity(certificates.len());
    for certificate in certificates.drain(..) {
        match kept.iter_mut().find(|seen| seen.thumbprint == certificate.thumbprint) {
            Some(seen) => {
                if certificate.has_private_key == Some(true) {
                    seen.has_private_key = Some(true);
                }
            }
            None => kept.push(certificate),
        }
    }
    *certificates = kept;
}

/// For each certificate, whether no other certificate in the set names it as issuer: the
/// end-entity certificates of the chains in a file, which are the ones keys belong to.
fn end_entities(certificates: &[Certificate]) -> Vec<bool> {
    certificates
        .iter()
        .enumerate()
        .map(|(index, candidate)| {
            !certificates.iter().enumerate().any(|(other_index, other)| {
                other_index != index
                    && other.issuer == candidate.subject
                    && other.thumbprint != candidate.thumbprint
            })
        })
        .collect()
}

/// One `-----BEGIN …-----` block, its lines trimmed, with where it started.
struct PemBlock {
    label: String,
    line: u32,
    column: u32,
    lines: Vec<String>,
    terminated: bool,
}

fn read_pem(path: &Arc<str>, text: &str) -> Result<CertificatesRead, SourceError> {
    let blocks = pem_blocks(text);
    let mut read = CertificatesRead { certificates: Vec::new(), warnings: Vec::new() };
    let mut has_private_key = false;
    let mut other_labels: Vec<String> = Vec::new();
    let mut first_failure: Option<SourceWarning> = None;

    for block in blocks {
        let location = Location::new(path, block.line, block.column);
        let warn = |message: String| SourceWarning { location: location.clone(), message };
        match block.label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                match pem_certificate(&block, Origin::File(location.clone())) {
                    Ok(certificate) => read.certificates.push(certificate),
                    Err(message) => {
                        let warning = warn(message);
                        first_failure.get_or_insert_with(|| warning.clone());
                        read.warnings.push(warning);
                    }
                }
            }
            label if label.ends_with("PRIVATE KEY") => has_private_key = true,
            // Keys and curve parameters travel with certificates (openssl ecparam writes
            // both); they are expected, so they are skipped without a warning.
            label if label.ends_with("PUBLIC KEY") || label.ends_with("PARAMETERS") => {}
            label => {
                other_labels.push(label.to_owned());
                read.warnings.push(warn(format!("skipped a PEM `{label}` block: not a certificate")));
            }
        }
    }

    if read.certificates.is_empty() {
        if let Some(failure) = first_failure {
            return Err(SourceError::at(
                failure.location,
                format!("no readable certificate: {}", failure.message),
            ));
        }
        let mut message = "no certificate in this PEM file".to_owned();
        if has_private_key {
            other_labels.insert(0, "a private key".to_owned());
        }
        if !other_labels.is_empty() {
            message.push_str(&format!(" (it holds {})", other_labels.join(", ")));
        }
        return Err(SourceError::new(path, 1, 1, message));
    }
    if has_private_key {
        let ends = end_entities(&read.certificates);
        for (certificate, is_end) in read.certificates.iter_mut().zip(ends) {
            if is_end {
                certificate.has_private_key = Some(true);
            }
        }
    }
    Ok(read)
}

/// Splits PEM text into blocks by hand, before decoding, so that a block without its END
/// line cannot swallow the next one and every block knows its line number.
fn pem_blocks(text: &str) -> Vec<PemBlock> {
    let mut blocks = Vec::new();
    let mut open: Option<PemBlock> = None;
    for (index, raw_line) in text.split('\n').enumerate() {
        let line = raw_line.trim();
        if let Some(label) = line.strip_prefix("-----BEGIN ").and_then(|rest| rest.strip_suffix("-----")) {
            if let Some(unterminated) = open.take() {
                blocks.push(unterminated);
            }
            let indent = raw_line.len() - raw_line.trim_start().len();
            let indent_chars = raw_line.get(..indent).map_or(0, |lead| lead.chars().count());
            open = Some(PemBlock {
                label: label.trim().to_owned(),
                line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                column: u32::try_from(indent_chars + 1).unwrap_or(u32::MAX),
                lines: vec![line.to_owned()],
                terminated: false,
            });
        } else if let Some(block) = open.as_mut() {
            block.lines.push(line.to_owned());
            if line.starts_with("-----END ") {
                block.terminated = true;
                blocks.extend(open.take());
            }
        }
    }
    blocks.extend(open);
    blocks
}

fn pem_certificate(block: &PemBlock, origin: Origin) -> Result<Certificate, String> {
    let label = &block.label;
    if !block.terminated {
        return Err(format!("skipped a PEM `{label}` block: it has no `-----END {label}-----` line"));
    }
    let mut joined = block.lines.join("\n");
    joined.push('\n');
    let (_, pem) = x509_parser::pem::parse_x509_pem(joined.as_bytes()).map_err(|error| {
        let reason = match error {
            x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => e.to_string(),
            x509_parser::nom::Err::Incomplete(_) => "the block ends early".to_owned(),
        };
        format!("skipped a PEM `{label}` block: {reason}")
    })?;
    let parsed = if label == "TRUSTED CERTIFICATE" {
        // OpenSSL appends its trust settings after the certificate's DER.
        certificate_from_der_prefix(&pem.contents, origin).map(|(certificate, _)| certificate)
    } else {
        certificate_from_der(&pem.contents, origin)
    };
    parsed.map_err(|error: CertificateError| format!("skipped a PEM `{label}` block: {error}"))
}

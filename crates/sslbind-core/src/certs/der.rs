//! One DER-encoded X.509 certificate into the model's [`Certificate`].
//!
//! Every source of certificates (files, PFX bags, registry blobs, a live store) ends up with
//! DER bytes, so this is the single place that decides how a certificate is described: which
//! names count, how the key and algorithms are named, and which bytes the thumbprint is taken
//! over. Names follow what administrators see elsewhere (OpenSSL's short names, `P-256`,
//! serials as Windows prints them) so output can be compared with other tools by eye.
//!
//! Signature algorithms are named by `oid-registry` (through x509-parser's re-export), whose
//! short names are OpenSSL's. A few names stay written here, each because the registry lacks
//! what we show: its spelling differs from OpenSSL's (`rsassa-pss`, `dsa-with-sha1`,
//! `ed25519`) or it has no entry (`ecdsa-with-SHA1`, the NIST DSA ones); named curves are
//! shown by their NIST names with their field sizes, where the registry has SEC names
//! (`prime256v1`), no sizes and only three of the curves; the registry has no extended key
//! usage purposes at all, so the two non-RFC 5280 ones IIS certificates carry are named here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use sha1::{Digest, Sha1};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::{
    OID_KEY_TYPE_DSA, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_PKCS1_RSAENCRYPTION, OID_PKCS1_RSASSAPSS,
    OID_SIG_ED448, OID_SIG_ED25519, Oid, OidRegistry,
};
use x509_parser::public_key::PublicKey;
use x509_parser::x509::{AttributeTypeAndValue, SubjectPublicKeyInfo};

use crate::model::source::Origin;
use crate::model::{Certificate, KeyInfo, Thumbprint};

/// Why bytes could not be turned into a [`Certificate`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// There were no bytes at all.
    #[error("no certificate data (0 bytes)")]
    Empty,
    /// The bytes are not a DER X.509 certificate, or one cut short.
    #[error("not a valid DER X.509 certificate: {reason}")]
    Malformed {
        /// What the X.509 parser objected to.
        reason: String,
    },
    /// A certificate was followed by more bytes; the thumbprint would be ambiguous.
    #[error("{extra} unexpected byte(s) after the certificate's {length} bytes")]
    TrailingBytes {
        /// Length of the certificate itself.
        length: usize,
        /// How many bytes followed it.
        extra: usize,
    },
    /// An extension that decides which names the certificate covers could not be read.
    #[error("the {extension} extension cannot be read: {reason}")]
    BadExtension {
        /// The extension's name, e.g. `subjectAltName`.
        extension: &'static str,
        /// What the parser objected to.
        reason: String,
    },
}

/// Builds the model value from exactly one DER-encoded certificate.
///
/// The thumbprint is the SHA-1 of `der`, so trailing bytes are refused rather than silently
/// hashed or dropped: either choice could make the thumbprint disagree with Windows.
pub fn certificate_from_der(der: &[u8], origin: Origin) -> Result<Certificate, CertificateError> {
    let (certificate, length) = certificate_from_der_prefix(der, origin)?;
    if length < der.len() {
        return Err(CertificateError::TrailingBytes { length, extra: der.len() - length });
    }
    Ok(certificate)
}

/// Reads the certificate at the start of `bytes` and returns it with its encoded length, for
/// readers of files that hold several DER certificates back to back.
pub(crate) fn certificate_from_der_prefix(
    bytes: &[u8],
    origin: Origin,
) -> Result<(Certificate, usize), CertificateError> {
    if bytes.is_empty() {
        return Err(CertificateError::Empty);
    }
    let (rest, x509) = x509_parser::parse_x509_certificate(bytes)
        .map_err(|error| CertificateError::Malformed { reason: describe_nom_error(&error) })?;
    let length = bytes.len() - rest.len();
    let der = bytes.get(..length).unwrap_or(bytes);
    let (dns_names, ip_addresses) = alternative_names(&x509)?;
    let certificate = Certificate {
        thumbprint: thumbprint_of(der),
        subject: x509.subject().to_string(),
        common_name: x509.subject().iter_common_name().find_map(attribute_text),
        issuer: x509.issuer().to_string(),
        serial: upper_hex(x509.raw_serial()),
        dns_names,
        ip_addresses,
        not_before: x509.validity().not_before.to_datetime(),
        not_after: x509.validity().not_after.to_datetime(),
        key: key_info(x509.public_key()),
        signature_algorithm: signature_algorithm_name(&x509.signature_algorithm.algorithm),
        extended_key_usage: extended_key_usage(&x509)?,
        has_private_key: None,
        store: None,
        origin,
        der: der.to_vec(),
    };
    Ok((certificate, length))
}

/// The fields of a certificate's subject and issuer names that monitoring labels carry
/// (country, state, locality, organisation, unit, common name: the first of each), and its
/// serial number in decimal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NameFields {
    /// The serial number in decimal.
    pub serial_decimal: String,
    /// `C`, `ST`, `L`, `O`, `OU`, `CN` of the subject, "" where absent.
    pub subject: [String; 6],
    /// The same of the issuer.
    pub issuer: [String; 6],
}

/// The attribute names of [`NameFields::subject`] and [`NameFields::issuer`], in order.
pub const NAME_FIELD_NAMES: [&str; 6] = ["C", "ST", "L", "O", "OU", "CN"];

/// The [`NameFields`] of the DER certificate `der`; `None` when it does not parse.
pub fn name_fields(der: &[u8]) -> Option<NameFields> {
    let (_, x509) = x509_parser::parse_x509_certificate(der).ok()?;
    let fields = |name: &x509_parser::x509::X509Name<'_>| -> [String; 6] {
        let first = |mut values: Box<dyn Iterator<Item = &AttributeTypeAndValue<'_>> + '_>| {
            values.find_map(attribute_text).unwrap_or_default()
        };
        [
            first(Box::new(name.iter_country())),
            first(Box::new(name.iter_state_or_province())),
            first(Box::new(name.iter_locality())),
            first(Box::new(name.iter_organization())),
            first(Box::new(name.iter_organizational_unit())),
            first(Box::new(name.iter_common_name())),
        ]
    };
    Some(NameFields {
        serial_decimal: x509.tbs_certificate.serial.to_string(),
        subject: fields(x509.subject()),
        issuer: fields(x509.issuer()),
    })
}

/// The Windows thumbprint: SHA-1 over the exact DER bytes.
pub(crate) fn thumbprint_of(der: &[u8]) -> Thumbprint {
    Thumbprint(Sha1::digest(der).into())
}

fn describe_nom_error<E: std::fmt::Display>(error: &x509_parser::nom::Err<E>) -> String {
    match error {
        // nom's own wording ("Parsing requires more data") does not tell a user that the
        // file was cut short, which is by far the most common cause.
        x509_parser::nom::Err::Incomplete(_) => "the data ends early (truncated?)".to_owned(),
        x509_parser::nom::Err::Error(inner) | x509_parser::nom::Err::Failure(inner) => inner.to_string(),
    }
}

fn upper_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02X}");
        out
    })
}

/// Text of a name attribute. Besides the string types x509-parser decodes, CAs (notably old
/// Microsoft ones) still write BMPString, which is UTF-16BE.
fn attribute_text(attribute: &AttributeTypeAndValue<'_>) -> Option<String> {
    if let Ok(text) = attribute.as_str() {
        return Some(text.to_owned());
    }
    let raw = attribute.as_slice();
    if attribute.attr_value().tag() == x509_parser::asn1_rs::Tag::BmpString && raw.len().is_multiple_of(2) {
        let units = raw.chunks_exact(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
        return char::decode_utf16(units).collect::<Result<String, _>>().ok();
    }
    None
}

/// SAN DNS names and IP addresses, from every SAN extension present. A SAN that cannot be
/// parsed is an error rather than "no SAN": treating it as absent would let host matching
/// fall back to the common name, which could claim a match the certificate does not give.
fn alternative_names(x509: &X509Certificate<'_>) -> Result<(Vec<String>, Vec<IpAddr>), CertificateError> {
    let mut dns_names = Vec::new();
    let mut ip_addresses = Vec::new();
    for extension in x509.extensions() {
        if extension.oid != x509_parser::oid_registry::OID_X509_EXT_SUBJECT_ALT_NAME {
            continue;
        }
        let san = match extension.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => san,
            ParsedExtension::ParseError { error } => {
                return Err(CertificateError::BadExtension {
                    extension: "subjectAltName",
                    reason: describe_nom_error(error),
                });
            }
            _ => continue,
        };
        for name in &san.general_names {
            match name {
                GeneralName::DNSName(dns) => dns_names.push((*dns).to_owned()),
                GeneralName::IPAddress(bytes) => {
                    // Other lengths are address-and-mask pairs from name constraints, which
                    // do not belong in a SAN; they identify no host, so they are dropped.
                    if let Some(ip) = ip_from_bytes(bytes) {
                        ip_addresses.push(ip);
                    }
                }
                _ => {}
            }
        }
    }
    Ok((dns_names, ip_addresses))
}

fn ip_from_bytes(bytes: &[u8]) -> Option<IpAddr> {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return Some(IpAddr::V4(Ipv4Addr::from(v4)));
    }
    <[u8; 16]>::try_from(bytes).ok().map(|v6| IpAddr::V6(Ipv6Addr::from(v6)))
}

fn key_info(spki: &SubjectPublicKeyInfo<'_>) -> KeyInfo {
    let oid = &spki.algorithm.algorithm;
    let parsed = spki.parsed();
    if *oid == OID_PKCS1_RSAENCRYPTION || *oid == OID_PKCS1_RSASSAPSS {
        let modulus = match &parsed {
            Ok(PublicKey::RSA(rsa)) => Some(rsa.modulus),
            // x509-parser only decodes rsaEncryption keys; RSASSA-PSS keys carry the same
            // RSAPublicKey structure.
            _ => x509_parser::prelude::FromDer::from_der(spki.subject_public_key.as_ref())
                .ok()
                .map(|(_, rsa): (_, x509_parser::public_key::RSAPublicKey<'_>)| rsa.modulus),
        };
        KeyInfo {
            algorithm: if *oid == OID_PKCS1_RSAENCRYPTION { "RSA" } else { "RSA-PSS" }.to_owned(),
            bits: modulus.and_then(significant_bits),
            curve: None,
        }
    } else if *oid == OID_KEY_TYPE_EC_PUBLIC_KEY {
        let curve_oid = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|parameters| x509_parser::der_parser::Oid::try_from(parameters).ok())
            .map(|curve| curve.to_id_string());
        let named = curve_oid.as_deref().and_then(named_curve);
        let bits = named.map(|(_, bits)| bits).or_else(|| match &parsed {
            Ok(PublicKey::EC(point)) => u32::try_from(point.key_size()).ok().filter(|&bits| bits > 0),
            _ => None,
        });
        KeyInfo {
            algorithm: "EC".to_owned(),
            bits,
            curve: named.map(|(name, _)| name.to_owned()).or(curve_oid),
        }
    } else if *oid == OID_SIG_ED25519 {
        KeyInfo { algorithm: "Ed25519".to_owned(), bits: Some(256), curve: None }
    } else if *oid == OID_SIG_ED448 {
        KeyInfo { algorithm: "Ed448".to_owned(), bits: Some(448), curve: None }
    } else if *oid == OID_KEY_TYPE_DSA {
        // DSA's size is that of the parameter p, which x509-parser does not decode; guessing
        // it from the public value could be off by a byte, so it is left unknown.
        KeyInfo { algorithm: "DSA".to_owned(), bits: None, curve: None }
    } else {
        KeyInfo { algorithm: oid.to_id_string(), bits: None, curve: None }
    }
}

/// Bit length of a big-endian unsigned integer, ignoring DER's leading zero bytes.
fn significant_bits(bytes: &[u8]) -> Option<u32> {
    let start = bytes.iter().position(|&byte| byte != 0)?;
    let significant = bytes.get(start..)?;
    let first = *significant.first()?;
    let len = u32::try_from(significant.len()).ok()?;
    Some(len * 8 - first.leading_zeros())
}

/// Named curves by OID: the NIST name Windows and browsers show, and the field size.
fn named_curve(oid: &str) -> Option<(&'static str, u32)> {
    Some(match oid {
        "1.2.840.10045.3.1.7" => ("P-256", 256),
        "1.3.132.0.34" => ("P-384", 384),
        "1.3.132.0.35" => ("P-521", 521),
        "1.2.840.10045.3.1.1" => ("P-192", 192),
        "1.3.132.0.33" => ("P-224", 224),
        "1.3.132.0.10" => ("secp256k1", 256),
        "1.3.36.3.3.2.8.1.1.7" => ("brainpoolP256r1", 256),
        "1.3.36.3.3.2.8.1.1.11" => ("brainpoolP384r1", 384),
        "1.3.36.3.3.2.8.1.1.13" => ("brainpoolP512r1", 512),
        _ => return None,
    })
}

/// OpenSSL's short names for signature algorithms, the spelling most tools and articles use,
/// from oid-registry; anything it does not know stays a dotted OID so that nothing is hidden.
fn signature_algorithm_name(oid: &Oid<'_>) -> String {
    static REGISTRY: LazyLock<OidRegistry<'static>> =
        LazyLock::new(|| OidRegistry::default().with_pkcs1().with_x962().with_x509());
    let dotted = oid.to_id_string();
    if let Some((_, name)) = OPENSSL_SPELLINGS.iter().find(|(known, _)| *known == dotted) {
        return (*name).to_owned();
    }
    REGISTRY.get(oid).map_or(dotted, |entry| entry.sn().to_owned())
}

/// The signature algorithms whose OpenSSL name oid-registry spells otherwise (`rsassa-pss`,
/// `dsa-with-sha1`, `ed25519`, `ed448`) or lacks.
const OPENSSL_SPELLINGS: [(&str, &str); 7] = [
    ("1.2.840.113549.1.1.10", "rsassaPss"),
    ("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
    ("1.2.840.10040.4.3", "dsa-with-SHA1"),
    ("2.16.840.1.101.3.4.3.1", "dsa-with-SHA224"),
    ("2.16.840.1.101.3.4.3.2", "dsa-with-SHA256"),
    ("1.3.101.112", "ED25519"),
    ("1.3.101.113", "ED448"),
];

/// Extended key usages in the order the extension lists them, by OpenSSL short name.
fn extended_key_usage(x509: &X509Certificate<'_>) -> Result<Vec<String>, CertificateError> {
    let mut usages = Vec::new();
    for extension in x509.extensions() {
        if extension.oid != x509_parser::oid_registry::OID_X509_EXT_EXTENDED_KEY_USAGE {
            continue;
        }
        match extension.parsed_extension() {
            ParsedExtension::ExtendedKeyUsage(eku) => {
                // x509-parser folds the well-known purposes into flags, losing their order;
                // the flags are listed in RFC 5280's order, then the others as written.
                let known = [
                    (eku.any, "anyExtendedKeyUsage"),
                    (eku.server_auth, "serverAuth"),
                    (eku.client_auth, "clientAuth"),
                    (eku.code_signing, "codeSigning"),
                    (eku.email_protection, "emailProtection"),
                    (eku.time_stamping, "timeStamping"),
                    (eku.ocsp_signing, "OCSPSigning"),
                ];
                usages
                    .extend(known.iter().filter(|(present, _)| *present).map(|(_, name)| (*name).to_owned()));
                usages.extend(eku.other.iter().map(|oid| eku_name(&oid.to_id_string())));
            }
            ParsedExtension::ParseError { error } => {
                return Err(CertificateError::BadExtension {
                    extension: "extendedKeyUsage",
                    reason: describe_nom_error(error),
                });
            }
            _ => {}
        }
    }
    Ok(usages)
}

/// Names for the non-RFC 5280 purposes that show up on IIS certificates.
fn eku_name(oid: &str) -> String {
    match oid {
        "1.3.6.1.4.1.311.20.2.2" => "msSmartcardLogin".to_owned(),
        "1.3.6.1.5.5.7.3.17" => "ipsecIKE".to_owned(),
        _ => oid.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_bits_ignores_sign_bytes() {
        assert_eq!(significant_bits(&[0x00, 0x80, 0x00]), Some(16));
        assert_eq!(significant_bits(&[0x01, 0x00]), Some(9));
        assert_eq!(significant_bits(&[0x00, 0x00]), None);
        assert_eq!(significant_bits(&[]), None);
    }

    #[test]
    fn unknown_algorithms_keep_their_oid() {
        let named = |dotted: &str| {
            let oid: Oid<'static> = dotted.parse().expect("a dotted OID");
            signature_algorithm_name(&oid)
        };
        assert_eq!(named("1.2.3.4"), "1.2.3.4");
        assert_eq!(named("1.2.840.113549.1.1.5"), "sha1WithRSAEncryption");
        assert_eq!(named("1.2.840.113549.1.1.11"), "sha256WithRSAEncryption");
        assert_eq!(named("1.2.840.10045.4.3.2"), "ecdsa-with-SHA256");
        assert_eq!(named("1.2.840.113549.1.1.10"), "rsassaPss");
        assert_eq!(named("1.3.101.112"), "ED25519");
        assert_eq!(eku_name("1.2.3"), "1.2.3");
    }

    #[test]
    fn empty_and_garbage_bytes_are_errors() {
        assert_eq!(certificate_from_der(&[], Origin::Live), Err(CertificateError::Empty));
        assert!(matches!(
            certificate_from_der(&[0x30, 0x82, 0xFF], Origin::Live),
            Err(CertificateError::Malformed { .. })
        ));
        assert!(certificate_from_der(b"hello", Origin::Live).is_err());
    }
}

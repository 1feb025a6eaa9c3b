//! X.509 certificates as sslbind needs them: what identifies them (the thumbprint), which
//! names they cover, when they are valid, and how strong they are.

use std::net::IpAddr;

use time::OffsetDateTime;

use crate::model::ids::Thumbprint;
use crate::model::source::Origin;

/// A certificate read from a file, a registry blob or a live store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// SHA-1 of the DER encoding.
    pub thumbprint: Thumbprint,
    /// The subject as an RFC 4514 string.
    pub subject: String,
    /// The subject's first common name, if any.
    pub common_name: Option<String>,
    /// The issuer as an RFC 4514 string.
    pub issuer: String,
    /// The serial number in uppercase hex.
    pub serial: String,
    /// SAN DNS names as written (wildcards included).
    pub dns_names: Vec<String>,
    /// SAN IP addresses.
    pub ip_addresses: Vec<IpAddr>,
    /// Start of validity.
    pub not_before: OffsetDateTime,
    /// End of validity.
    pub not_after: OffsetDateTime,
    /// The public key.
    pub key: KeyInfo,
    /// The signature algorithm's name (`sha256WithRSAEncryption`) or OID.
    pub signature_algorithm: String,
    /// Extended key usages by name (`serverAuth`) or OID.
    pub extended_key_usage: Vec<String>,
    /// Whether a private key came with it: `Some(true)` from a PFX with a key, `None` when
    /// the source cannot tell (a `.cer` file says nothing about the store's key).
    pub has_private_key: Option<bool>,
    /// The LocalMachine store it was found in, when the source is a store.
    pub store: Option<String>,
    /// Where it was read.
    pub origin: Origin,
    /// The DER encoding.
    pub der: Vec<u8>,
}

impl Certificate {
    /// Whether `now` lies within the validity period.
    pub fn is_valid_at(&self, now: OffsetDateTime) -> bool {
        self.not_before <= now && now <= self.not_after
    }
}

/// A public key's algorithm and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// `RSA`, `EC`, `Ed25519`, `DSA`, or the OID.
    pub algorithm: String,
    /// Size in bits (RSA modulus, EC field), when known.
    pub bits: Option<u32>,
    /// The named curve for EC keys.
    pub curve: Option<String>,
}

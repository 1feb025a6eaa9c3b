//! Real X.509 certificates made with rcgen, with the SHA-1 thumbprint Windows shows.

use std::path::Path;

use p12_keystore::{KeyStore, KeyStoreEntry};
use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair, date_time_ymd};
use sha1::{Digest, Sha1};

use super::Error;

/// A `(year, month, day)` validity bound.
pub type Date = (i32, u8, u8);

/// A certificate made here: its DER and lowercase hex thumbprint.
pub struct Cert {
    /// The DER encoding.
    pub der: Vec<u8>,
    /// The SHA-1 of `der`, lowercase hex.
    pub hash: String,
}

impl Cert {
    /// A self-signed server certificate with its own new key.
    pub fn new(common_name: &str, names: &[&str], from: Date, to: Date) -> Cert {
        Cert::with_usage(common_name, names, from, to, ExtendedKeyUsagePurpose::ServerAuth)
    }

    /// A self-signed certificate with one extended key usage and its own new key.
    pub fn with_usage(
        common_name: &str,
        names: &[&str],
        from: Date,
        to: Date,
        usage: ExtendedKeyUsagePurpose,
    ) -> Cert {
        match KeyPair::generate() {
            Ok(key) => Cert::signed_with(&key, common_name, names, from, to, usage),
            Err(_) => Cert { der: Vec::new(), hash: String::new() },
        }
    }

    /// A self-signed certificate made with `key`: sharing one key keeps thousands of
    /// certificates quick to make, and the thumbprints still differ by name and serial.
    pub fn signed_with(
        key: &KeyPair,
        common_name: &str,
        names: &[&str],
        from: Date,
        to: Date,
        usage: ExtendedKeyUsagePurpose,
    ) -> Cert {
        let sans = names.iter().map(|name| (*name).to_owned()).collect::<Vec<_>>();
        let mut params = CertificateParams::new(sans).unwrap_or_default();
        let mut subject = DistinguishedName::new();
        subject.push(DnType::CommonName, common_name);
        params.distinguished_name = subject;
        params.not_before = date_time_ymd(from.0, from.1, from.2);
        params.not_after = date_time_ymd(to.0, to.1, to.2);
        params.extended_key_usages = vec![usage];
        let der = params.self_signed(key).map(|certificate| certificate.der().to_vec()).unwrap_or_default();
        let hash = Sha1::digest(&der).iter().map(|byte| format!("{byte:02x}")).collect();
        Cert { der, hash }
    }

    /// Writes the DER to `folder/certs/file`.
    pub fn write_der(&self, folder: &Path, file: &str) -> Result<(), Error> {
        std::fs::write(folder.join("certs").join(file), &self.der)?;
        Ok(())
    }

    /// A PFX holding the certificate alone, as exported without "Yes, export the private key".
    pub fn write_pfx_without_key(&self, folder: &Path, file: &str) -> Result<(), Error> {
        let mut store = KeyStore::new();
        store.add_entry(
            "certificate",
            KeyStoreEntry::Certificate(p12_keystore::Certificate::from_der(&self.der)?),
        );
        std::fs::write(folder.join("certs").join(file), store.writer("").write()?)?;
        Ok(())
    }
}

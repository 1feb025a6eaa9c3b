//! Writes the certificates and the saved `netsh http show sslcert` output of the example
//! machines in `examples/`, so that their thumbprints are those of real certificates made
//! here rather than copied from anywhere.
//!
//! Run: `cargo run -p sslbind-core --example make_example_machine -- iis-express-dev
//! examples/iis-express-dev` (or `hosting-server examples/hosting-server`). Keys are generated
//! afresh and thrown away; only public certificates (and for one PFX, a certificate without
//! its key) are written, so a run changes the thumbprints and the files must be committed
//! together with the snapshots that show them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use p12_keystore::{KeyStore, KeyStoreEntry};
use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair, date_time_ymd};
use sha1::{Digest, Sha1};
use sslbind_core::text::{Encoding, encode};

const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
const IIS_EXPRESS: &str = "{214124cd-d05b-4309-9af9-9caa44b2b74a}";
const SSTP: &str = "{ba195980-cd49-458b-9e23-c84ee0adcd75}";
const WINRM: &str = "{afebb9ad-9b97-4a91-9ab5-daf4d59122f6}";

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: make_example_machine iis-express-dev|hosting-server FOLDER";
    let machine = args.next().ok_or(usage)?;
    let folder = PathBuf::from(args.next().ok_or(usage)?);
    std::fs::create_dir_all(folder.join("certs"))?;
    match machine.as_str() {
        "iis-express-dev" => iis_express_dev(&folder),
        "hosting-server" => hosting_server(&folder),
        _ => Err(usage.into()),
    }
}

/// The seed machine of DESIGN.md: site `php` on IIS Express with the reserved range mapped.
fn iis_express_dev(folder: &Path) -> Result<(), Error> {
    let localhost =
        Cert::new("IIS Express Development Certificate", &["localhost"], (2025, 1, 1), (2045, 1, 1));
    let lextudio =
        Cert::new("lextudio.com", &["lextudio.com", "www.lextudio.com"], (2025, 1, 1), (2045, 1, 1));
    localhost.write_der(folder, "iis-express-development.cer")?;
    lextudio.write_der(folder, "lextudio.com.cer")?;
    let mut netsh = header();
    for port in 44300..=44399 {
        record(&mut netsh, "IP:port", &format!("0.0.0.0:{port}"), &localhost.hash, IIS_EXPRESS, "MY");
    }
    record(&mut netsh, "IP:port", "0.0.0.0:4431", &localhost.hash, IIS_EXPRESS, "MY");
    record(&mut netsh, "Hostname:port", "lextudio.com:4431", &lextudio.hash, IIS_EXPRESS, "MY");
    std::fs::write(folder.join("sslcert.txt"), netsh)?;
    Ok(())
}

/// A shared hosting server with most of the problems `sslbind doctor` knows. Its netsh
/// output is UTF-16 LE with a BOM, as PowerShell's `>` writes it.
fn hosting_server(folder: &Path) -> Result<(), Error> {
    let server = Cert::new("server.contoso.com", &["server.contoso.com"], (2025, 1, 1), (2027, 1, 1));
    let shop_old = Cert::new(
        "shop.contoso.com",
        &["shop.contoso.com", "www.shop.contoso.com"],
        (2025, 3, 1),
        (2026, 3, 1),
    );
    let shop_new = Cert::new(
        "shop.contoso.com",
        &["shop.contoso.com", "www.shop.contoso.com"],
        (2026, 2, 15),
        (2027, 5, 1),
    );
    let legacy = Cert::new("legacy.contoso.com", &[], (2025, 1, 1), (2030, 1, 1));
    let api = Cert::new("api.contoso.com", &["api.contoso.com"], (2025, 6, 20), (2026, 6, 20));
    let vpn = Cert::new("vpn.contoso.com", &["vpn.contoso.com"], (2025, 1, 1), (2027, 1, 1));
    let mail = Cert::new("mail.contoso.com", &["mail.contoso.com"], (2025, 1, 1), (2027, 1, 1));
    let partners = Cert::with_usage(
        "partners.contoso.com",
        &["partners.contoso.com"],
        (2025, 1, 1),
        (2027, 1, 1),
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    let gone = Cert::new("old.contoso.com", &["old.contoso.com"], (2024, 1, 1), (2025, 1, 1));
    let winrm = Cert::new("srv01.contoso.local", &["srv01.contoso.local"], (2025, 1, 1), (2027, 1, 1));
    let cdn = Cert::new("cdn.contoso.com", &["cdn.contoso.com"], (2025, 4, 1), (2026, 4, 1));
    server.write_der(folder, "server.contoso.com.cer")?;
    shop_old.write_der(folder, "shop.contoso.com-2025.cer")?;
    shop_new.write_der(folder, "shop.contoso.com-2026.cer")?;
    legacy.write_der(folder, "legacy.contoso.com.cer")?;
    api.write_der(folder, "api.contoso.com.cer")?;
    vpn.write_der(folder, "vpn.contoso.com.cer")?;
    mail.write_der(folder, "mail.contoso.com.cer")?;
    partners.write_pfx_without_key(folder, "partners.contoso.com.pfx")?;
    cdn.write_der(folder, "cdn.contoso.com.cer")?;

    let mut netsh = header();
    record(&mut netsh, "IP:port", "0.0.0.0:443", &server.hash, IIS, "MY");
    record(&mut netsh, "Hostname:port", "shop.contoso.com:443", &shop_old.hash, IIS, "WebHosting");
    record(&mut netsh, "IP:port", "10.0.0.5:443", &legacy.hash, IIS, "MY");
    record(&mut netsh, "IP:port", "0.0.0.0:8443", &api.hash, IIS, "MY");
    record(&mut netsh, "IP:port", "0.0.0.0:4433", &vpn.hash, SSTP, "MY");
    record(&mut netsh, "Hostname:port", "mail.contoso.com:4443", &mail.hash, IIS, "MY");
    record(&mut netsh, "Hostname:port", "partners.contoso.com:443", &partners.hash, IIS, "WebHosting");
    record(&mut netsh, "Hostname:port", "old.contoso.com:443", &gone.hash, IIS, "WebHosting");
    record(&mut netsh, "IP:port", "0.0.0.0:9443", &server.hash, IIS, "MY");
    record(&mut netsh, "IP:port", "0.0.0.0:5986", &winrm.hash, WINRM, "MY");
    record(&mut netsh, "Hostname:port", "cdn.contoso.com:443", &cdn.hash, IIS, "WebHosting");
    std::fs::write(folder.join("sslcert.txt"), encode(&netsh, Encoding::Utf16Le))?;
    Ok(())
}

/// A certificate made here, with its DER and lowercase thumbprint.
struct Cert {
    der: Vec<u8>,
    hash: String,
}

impl Cert {
    fn new(common_name: &str, names: &[&str], from: (i32, u8, u8), to: (i32, u8, u8)) -> Cert {
        Cert::with_usage(common_name, names, from, to, ExtendedKeyUsagePurpose::ServerAuth)
    }

    fn with_usage(
        common_name: &str,
        names: &[&str],
        from: (i32, u8, u8),
        to: (i32, u8, u8),
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
        let der = KeyPair::generate()
            .and_then(|key| params.self_signed(&key))
            .map(|certificate| certificate.der().to_vec())
            .unwrap_or_default();
        let hash = Sha1::digest(&der).iter().map(|byte| format!("{byte:02x}")).collect();
        Cert { der, hash }
    }

    fn write_der(&self, folder: &Path, file: &str) -> Result<(), Error> {
        std::fs::write(folder.join("certs").join(file), &self.der)?;
        Ok(())
    }

    /// A PFX holding the certificate alone, as exported without "Yes, export the private key".
    fn write_pfx_without_key(&self, folder: &Path, file: &str) -> Result<(), Error> {
        let mut store = KeyStore::new();
        store.add_entry(
            "certificate",
            KeyStoreEntry::Certificate(p12_keystore::Certificate::from_der(&self.der)?),
        );
        std::fs::write(folder.join("certs").join(file), store.writer("").write()?)?;
        Ok(())
    }
}

fn header() -> String {
    String::from("\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n")
}

/// Appends one record in the layout of Windows Server 2022's netsh, CRLF line ends.
fn record(out: &mut String, label: &str, key: &str, hash: &str, app_id: &str, store: &str) {
    let lines = [
        (label, key),
        ("Certificate Hash", hash),
        ("Application ID", app_id),
        ("Certificate Store Name", store),
        ("Verify Client Certificate Revocation", "Enabled"),
        ("Verify Revocation Using Cached Client Certificate Only", "Disabled"),
        ("Usage Check", "Enabled"),
        ("Revocation Freshness Time", "0"),
        ("URL Retrieval Timeout", "0"),
        ("Ctl Identifier", "(null)"),
        ("Ctl Store Name", "(null)"),
        ("DS Mapper Usage", "Disabled"),
        ("Negotiate Client Certificate", "Disabled"),
        ("Reject Connections", "Disabled"),
        ("Disable HTTP2", "Not Set"),
        ("Disable QUIC", "Not Set"),
        ("Disable TLS1.2", "Not Set"),
        ("Disable TLS1.3", "Not Set"),
        ("Disable OCSP Stapling", "Not Set"),
        ("Enable Token Binding", "Not Set"),
        ("Log Extended Events", "Not Set"),
        ("Disable Legacy TLS Versions", "Not Set"),
        ("Enable Session Ticket", "Not Set"),
    ];
    for (label, value) in lines {
        // netsh pads labels to 29 columns; longer labels keep one space before the colon.
        let _ = write!(out, "    {label:<28} : {value}\r\n");
    }
    out.push_str("\r\n");
}

//! Writes the certificates and the saved `netsh http show sslcert` output of the example
//! machines in `examples/`, so that their thumbprints are those of real certificates made
//! here rather than copied from anywhere.
//!
//! Run: `cargo run -p sslbind --example make_example_machine -- iis-express-dev
//! examples/iis-express-dev` (or `hosting-server examples/hosting-server`). Keys are generated
//! afresh and thrown away; only public certificates (and for one PFX, a certificate without
//! its key) are written, so a run changes the thumbprints and the files must be committed
//! together with the snapshots that show them.

use std::path::{Path, PathBuf};

use rcgen::ExtendedKeyUsagePurpose;
use sslbind::machine_writer::app_ids::{IIS, IIS_EXPRESS, SSTP, WINRM};
use sslbind::machine_writer::cert::Cert;
use sslbind::machine_writer::netsh::{header, label};
use sslbind::machine_writer::{self, Error};
use sslbind_core::text::{Encoding, encode};

/// Appends a record with a certificate (every record here has one).
fn record(out: &mut String, label: &str, key: &str, hash: &str, app_id: &str, store: &str) {
    machine_writer::netsh::record(out, label, key, Some(hash), app_id, Some(store));
}

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

/// The machine of the README's quick start: site `php` on IIS Express with the reserved range
/// mapped.
fn iis_express_dev(folder: &Path) -> Result<(), Error> {
    let localhost =
        Cert::new("IIS Express Development Certificate", &["localhost"], (2025, 1, 1), (2045, 1, 1));
    let lextudio =
        Cert::new("lextudio.com", &["lextudio.com", "www.lextudio.com"], (2025, 1, 1), (2045, 1, 1));
    localhost.write_der(folder, "iis-express-development.cer")?;
    lextudio.write_der(folder, "lextudio.com.cer")?;
    let mut netsh = header();
    for port in 44300..=44399 {
        record(&mut netsh, label::IP, &format!("0.0.0.0:{port}"), &localhost.hash, IIS_EXPRESS, "MY");
    }
    record(&mut netsh, label::IP, "0.0.0.0:4431", &localhost.hash, IIS_EXPRESS, "MY");
    record(&mut netsh, label::SNI, "lextudio.com:4431", &lextudio.hash, IIS_EXPRESS, "MY");
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
    record(&mut netsh, label::IP, "0.0.0.0:443", &server.hash, IIS, "MY");
    record(&mut netsh, label::SNI, "shop.contoso.com:443", &shop_old.hash, IIS, "WebHosting");
    record(&mut netsh, label::IP, "10.0.0.5:443", &legacy.hash, IIS, "MY");
    record(&mut netsh, label::IP, "0.0.0.0:8443", &api.hash, IIS, "MY");
    record(&mut netsh, label::IP, "0.0.0.0:4433", &vpn.hash, SSTP, "MY");
    record(&mut netsh, label::SNI, "mail.contoso.com:4443", &mail.hash, IIS, "MY");
    record(&mut netsh, label::SNI, "partners.contoso.com:443", &partners.hash, IIS, "WebHosting");
    record(&mut netsh, label::SNI, "old.contoso.com:443", &gone.hash, IIS, "WebHosting");
    record(&mut netsh, label::IP, "0.0.0.0:9443", &server.hash, IIS, "MY");
    record(&mut netsh, label::IP, "0.0.0.0:5986", &winrm.hash, WINRM, "MY");
    record(&mut netsh, label::SNI, "cdn.contoso.com:443", &cdn.hash, IIS, "WebHosting");
    std::fs::write(folder.join("sslcert.txt"), encode(&netsh, Encoding::Utf16Le))?;
    Ok(())
}

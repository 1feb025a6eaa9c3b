//! Synthetic hosting servers of any size, written in every source format sslbind reads.
//!
//! Site `i` is `site{i % K}.customer{i / K}.example`, where `K` is the number of names per
//! certificate: each customer's `K` sites share one SAN certificate, or with `K = 1` every
//! site has its own. The mix, by `i % 100`:
//!
//! - most sites: `http *:80:host` and an SNI `https *:443:host` (`sslFlags="1"`);
//! - 2 in 100: https on their own IPv4 address (`10.a.b.c:443:host`), an IP-based mapping;
//! - 1 in 100: https on their own IPv6 address, an IP-based mapping;
//! - 2 in 100: Central Certificate Store (`sslFlags="3"`), served by the one CCS mapping;
//! - 2 in 100: WCF sites with `net.tcp` and `net.pipe` bindings (named by host) besides http
//!   and https;
//! - 1 in 100 SNI bindings has no mapping (`missing-mapping`), 1 in 200 mappings names a
//!   certificate that is not on the machine, 1 in 100 sites leaves an idle mapping behind
//!   (a host no binding serves), 1 in 97 certificates has expired, and WinRM and SSTP own
//!   one mapping each.
//!
//! The same machine is written as `machine/` (applicationHost.config, `sslcert.txt` in
//! UTF-16 LE as PowerShell's `>` saves it, `certs/*.cer`), as `registry.reg` (the HTTP.sys
//! records and the certificates as blobs of the `WebHosting` store, which every mapping names) and as `machine.snapshot.json`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rcgen::{ExtendedKeyUsagePurpose, KeyPair};
use sslbind_core::snapshot::{SnapshotMeta, write_snapshot};
use sslbind_core::text::{Encoding, encode};

use super::Error;
use super::app_ids::{IIS, SSTP, WINRM};
use super::cert::{Cert, Date};
use super::{netsh, reg};

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct ScaleOptions {
    /// The number of sites.
    pub sites: usize,
    /// Names per certificate (`K`): consecutive sites share a certificate this many at a time.
    pub names_per_certificate: usize,
}

/// Where a generated machine was written and what it holds.
#[derive(Clone, Debug, Default)]
pub struct ScaleMachine {
    /// The machine folder: config, netsh text, certificates.
    pub folder: PathBuf,
    /// The config inside `folder`.
    pub config: PathBuf,
    /// The netsh text inside `folder`.
    pub sslcert: PathBuf,
    /// The certificate folder inside `folder`.
    pub certs: PathBuf,
    /// The registry export beside `folder`.
    pub registry: PathBuf,
    /// The snapshot beside `folder`.
    pub snapshot: PathBuf,
    /// Sites written.
    pub sites: usize,
    /// Bindings of every protocol.
    pub bindings: usize,
    /// Mappings by kind: IP-based, SNI, CCS.
    pub ip_mappings: usize,
    /// SNI mappings.
    pub sni_mappings: usize,
    /// CCS mappings.
    pub ccs_mappings: usize,
    /// Certificate files written.
    pub certificates: usize,
}

/// The kind of site `i` is, from its place in every hundred.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SiteKind {
    Sni,
    Ipv4,
    Ipv6,
    Ccs,
    Wcf,
}

fn site_kind(i: usize) -> SiteKind {
    match i % 100 {
        10 | 60 => SiteKind::Ipv4,
        30 => SiteKind::Ipv6,
        20 | 70 => SiteKind::Ccs,
        40 | 90 => SiteKind::Wcf,
        _ => SiteKind::Sni,
    }
}

fn host(i: usize, per_certificate: usize) -> String {
    format!("site{}.customer{}.example", i % per_certificate, i / per_certificate)
}

fn ipv4(i: usize) -> String {
    format!("10.{}.{}.{}", (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF)
}

fn ipv6(i: usize) -> String {
    format!("[2001:db8::{:x}:{:x}]", (i >> 16) & 0xFFFF, i & 0xFFFF)
}

/// A thumbprint no certificate on the machine has (deterministic per site).
fn absent_hash(i: usize) -> String {
    format!("{:040x}", 0xdead_0000_0000_u64 + i as u64)
}

/// Writes the machine into `out` (created if needed) and returns what was written.
pub fn write_scale_machine(options: ScaleOptions, out: &Path) -> Result<ScaleMachine, Error> {
    let per_certificate = options.names_per_certificate.max(1);
    let folder = out.join("machine");
    let certs_folder = folder.join("certs");
    if certs_folder.exists() {
        std::fs::remove_dir_all(&certs_folder)?;
    }
    std::fs::create_dir_all(&certs_folder)?;
    let mut machine = ScaleMachine {
        config: folder.join("applicationHost.config"),
        sslcert: folder.join("sslcert.txt"),
        certs: certs_folder.clone(),
        registry: out.join("registry.reg"),
        snapshot: out.join("machine.snapshot.json"),
        folder,
        sites: options.sites,
        ..ScaleMachine::default()
    };

    let key = KeyPair::generate()?;
    let certificate_count = options.sites.div_ceil(per_certificate);
    let mut registry = reg::header();
    let mut hashes = Vec::with_capacity(certificate_count);
    for j in 0..certificate_count {
        let names: Vec<String> = (j * per_certificate..((j + 1) * per_certificate).min(options.sites))
            .map(|i| host(i, per_certificate))
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let (from, to): (Date, Date) =
            if j % 97 == 5 { ((2024, 1, 1), (2025, 1, 1)) } else { ((2025, 1, 1), (2035, 1, 1)) };
        let cert = Cert::signed_with(&key, names[0], &names, from, to, ExtendedKeyUsagePurpose::ServerAuth);
        cert.write_der(&machine.folder, &format!("customer{j}.cer"))?;
        reg::certificate(&mut registry, "WebHosting", &cert.hash, &cert.der);
        hashes.push(cert.hash);
    }
    machine.certificates = certificate_count;

    let mut config = String::with_capacity(options.sites * 900);
    config.push_str(CONFIG_HEAD);
    for i in 0..options.sites {
        let _ = write!(
            config,
            "            <add name=\"{name}\" managedRuntimeVersion=\"v4.0\">\n                <processModel identityType=\"ApplicationPoolIdentity\" />\n            </add>\n",
            name = host(i, per_certificate)
        );
    }
    config.push_str("        </applicationPools>\n        <sites>\n");

    let mut netsh_ip = String::new();
    let mut netsh_sni = String::new();
    let mut reg_ip = String::new();
    let mut reg_sni = String::new();
    let mut mapping = |label: &str, key: &str, hash: Option<&str>, app_id: &str, store: Option<&str>| {
        let (netsh_out, reg_out, parent) = match label {
            netsh::label::SNI => (&mut netsh_sni, &mut reg_sni, reg::parent::SNI),
            netsh::label::CCS => (&mut netsh_sni, &mut reg_sni, reg::parent::CCS),
            _ => (&mut netsh_ip, &mut reg_ip, reg::parent::IP),
        };
        netsh::record(netsh_out, label, key, hash, app_id, store);
        reg::record(reg_out, parent, key, hash, app_id, store);
    };
    for i in 0..options.sites {
        let name = host(i, per_certificate);
        let hash = if i % 200 == 9 { absent_hash(i) } else { hashes[i / per_certificate].clone() };
        let kind = site_kind(i);
        let _ = write!(
            config,
            "            <site name=\"{name}\" id=\"{id}\" serverAutoStart=\"true\">\n                <application path=\"/\" applicationPool=\"{name}\">\n                    <virtualDirectory path=\"/\" physicalPath=\"D:\\Sites\\{name}\\wwwroot\" />\n                </application>\n                <bindings>\n                    <binding protocol=\"http\" bindingInformation=\"*:80:{name}\" />\n",
            id = i + 1
        );
        let https = match kind {
            SiteKind::Sni | SiteKind::Wcf => format!("*:443:{name}\" sslFlags=\"1"),
            SiteKind::Ccs => format!("*:443:{name}\" sslFlags=\"3"),
            SiteKind::Ipv4 => format!("{}:443:{name}", ipv4(i)),
            SiteKind::Ipv6 => format!("{}:443:{name}", ipv6(i)),
        };
        let _ = writeln!(
            config,
            "                    <binding protocol=\"https\" bindingInformation=\"{https}\" />"
        );
        machine.bindings += 2;
        if kind == SiteKind::Wcf {
            let _ = write!(
                config,
                "                    <binding protocol=\"net.tcp\" bindingInformation=\"808:{name}\" />\n                    <binding protocol=\"net.pipe\" bindingInformation=\"{name}\" />\n"
            );
            machine.bindings += 2;
        }
        let _ = write!(
            config,
            "                </bindings>\n                <logFile directory=\"D:\\Logs\\{name}\" />\n            </site>\n"
        );
        match kind {
            SiteKind::Sni | SiteKind::Wcf if i % 100 != 7 => {
                mapping(netsh::label::SNI, &format!("{name}:443"), Some(&hash), IIS, Some("WebHosting"));
                machine.sni_mappings += 1;
            }
            SiteKind::Ipv4 | SiteKind::Ipv6 => {
                let address = if kind == SiteKind::Ipv4 { ipv4(i) } else { ipv6(i) };
                mapping(netsh::label::IP, &format!("{address}:443"), Some(&hash), IIS, Some("WebHosting"));
                machine.ip_mappings += 1;
            }
            _ => {}
        }
        if i % 100 == 55 {
            let idle = format!("old{i}.customer{}.example:443", i / per_certificate);
            mapping(netsh::label::SNI, &idle, Some(&hash), IIS, Some("WebHosting"));
            machine.sni_mappings += 1;
        }
    }
    if options.sites > 0 {
        let first = hashes.first().cloned().unwrap_or_default();
        mapping(netsh::label::CCS, "443", None, IIS, None);
        mapping(netsh::label::IP, "0.0.0.0:5986", Some(&first), WINRM, Some("WebHosting"));
        mapping(netsh::label::IP, "0.0.0.0:4433", Some(&first), SSTP, Some("WebHosting"));
        machine.ccs_mappings += 1;
        machine.ip_mappings += 2;
    }
    config.push_str(CONFIG_TAIL);
    std::fs::write(&machine.config, encode(&config, Encoding::Utf8Bom))?;

    // netsh lists IP-based records first, then SNI, then CCS.
    let netsh_text = netsh::header() + &netsh_ip + &netsh_sni;
    std::fs::write(&machine.sslcert, encode(&netsh_text, Encoding::Utf16Le))?;
    registry.push_str(&reg_ip);
    registry.push_str(&reg_sni);
    std::fs::write(&machine.registry, reg::finish(&registry))?;
    write_snapshot_of(&machine)?;
    Ok(machine)
}

/// Reads the machine folder back and writes its snapshot, as `sslbind snapshot` would.
fn write_snapshot_of(machine: &ScaleMachine) -> Result<(), Error> {
    let sources = sslbind_live::Sources { machine: Some(machine.folder.clone()), ..Default::default() };
    let loaded = sslbind_live::load_machine_with_files(&sources)?;
    let configs = loaded.config_sources();
    let meta = SnapshotMeta {
        tool: "make_scale_machine".to_owned(),
        created: "2026-01-01T00:00:00Z".to_owned(),
        machine_name: Some("hosting-scale".to_owned()),
    };
    std::fs::write(&machine.snapshot, write_snapshot(&loaded.machine, &configs, &meta)?)?;
    Ok(())
}

const CONFIG_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<configuration>
    <configSections>
        <sectionGroup name="system.applicationHost">
            <section name="applicationPools" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />
            <section name="sites" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />
            <section name="webLimits" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />
        </sectionGroup>
        <sectionGroup name="system.webServer">
            <section name="defaultDocument" overrideModeDefault="Allow" />
            <section name="httpLogging" overrideModeDefault="Deny" />
        </sectionGroup>
    </configSections>
    <system.applicationHost>
        <applicationPools>
            <add name="DefaultAppPool" />
            <applicationPoolDefaults managedRuntimeVersion="v4.0">
                <processModel identityType="ApplicationPoolIdentity" loadUserProfile="true" setProfileEnvironment="false" />
            </applicationPoolDefaults>
"#;

const CONFIG_TAIL: &str = r#"            <siteDefaults>
                <logFile logFormat="W3C" directory="%SystemDrive%\inetpub\logs\LogFiles" />
                <traceFailedRequestsLogging directory="%SystemDrive%\inetpub\logs\FailedReqLogFiles" />
            </siteDefaults>
            <applicationDefaults applicationPool="DefaultAppPool" />
            <virtualDirectoryDefaults allowSubDirConfig="true" />
        </sites>
        <webLimits />
    </system.applicationHost>
    <system.webServer>
        <defaultDocument enabled="true">
            <files>
                <add value="Default.htm" />
                <add value="index.html" />
            </files>
        </defaultDocument>
        <httpLogging dontLog="false" />
    </system.webServer>
</configuration>
"#;

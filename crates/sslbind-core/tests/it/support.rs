//! Building test machines from short tables: bindings become a real applicationHost.config,
//! mappings real netsh output, certificates real X.509 made with rcgen, and all of it goes
//! through the same readers users' files do.

use std::fmt::Write as _;
use std::sync::Arc;

use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, date_time_ymd};
use sslbind_core::certs::certificate_from_der;
use sslbind_core::model::{Certificate, Machine, ServerFlavor};
use sslbind_core::{Location, Origin};
use sslbind_core::{httpsys, iis};

pub const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
pub const EXPRESS: &str = "{214124cd-d05b-4309-9af9-9caa44b2b74a}";
pub const ADFS: &str = "{5d89a20c-beab-4389-9447-324788eb944a}";

/// One netsh record to write.
pub struct MappingSpec {
    label: String,
    key: String,
    app_id: String,
    hash: String,
    store: String,
    extra_lines: Vec<String>,
}

/// A machine described field by field.
#[derive(Default)]
pub struct MachineBuilder {
    bindings: Vec<(String, String, String, u32)>,
    mappings: Vec<MappingSpec>,
    certificates: Vec<Certificate>,
    flavor: Option<ServerFlavor>,
    without_mappings: bool,
}

impl MachineBuilder {
    pub fn new() -> MachineBuilder {
        MachineBuilder::default()
    }

    /// Adds a binding to `site` (sites are created in order of first mention).
    pub fn binding(
        mut self,
        site: &str,
        protocol: &str,
        information: &str,
        ssl_flags: u32,
    ) -> MachineBuilder {
        self.bindings.push((site.to_owned(), protocol.to_owned(), information.to_owned(), ssl_flags));
        self
    }

    /// Adds a mapping whose hash is made up from its key (certificate unknown).
    pub fn mapping(self, label: &str, key: &str, app_id: &str) -> MachineBuilder {
        let hash = if label.starts_with("Central") { "(null)".to_owned() } else { made_up_hash(key) };
        self.mapping_with(label, key, app_id, &hash, "MY", &[])
    }

    /// Adds a mapping of `certificate`.
    pub fn mapping_of(
        self,
        label: &str,
        key: &str,
        app_id: &str,
        certificate: &Certificate,
    ) -> MachineBuilder {
        self.mapping_with(label, key, app_id, &certificate.thumbprint.to_string(), "MY", &[])
    }

    /// Adds a mapping with every field given; `extra_lines` are appended as `label : value`
    /// pairs (flag lines such as `("Disable HTTP2", "Set")` written as "Disable HTTP2 : Set").
    pub fn mapping_with(
        mut self,
        label: &str,
        key: &str,
        app_id: &str,
        hash: &str,
        store: &str,
        extra_lines: &[&str],
    ) -> MachineBuilder {
        self.mappings.push(MappingSpec {
            label: label.to_owned(),
            key: key.to_owned(),
            app_id: app_id.to_owned(),
            hash: hash.to_owned(),
            store: store.to_owned(),
            extra_lines: extra_lines.iter().map(|line| (*line).to_owned()).collect(),
        });
        self
    }

    /// Adds a certificate as if given with `--certs`.
    pub fn certificate(mut self, certificate: &Certificate) -> MachineBuilder {
        self.certificates.push(certificate.clone());
        self
    }

    /// Reads the configs as IIS Express.
    pub fn iis_express(mut self) -> MachineBuilder {
        self.flavor = Some(ServerFlavor::IisExpress);
        self
    }

    /// No `--sslcert` was given.
    pub fn without_mappings(mut self) -> MachineBuilder {
        self.without_mappings = true;
        self
    }

    pub fn config_xml(&self) -> String {
        let mut xml = String::from("<configuration>\n<system.applicationHost>\n<sites>\n");
        let mut sites: Vec<&str> = Vec::new();
        for (site, ..) in &self.bindings {
            if !sites.contains(&site.as_str()) {
                sites.push(site);
            }
        }
        for (id, site) in sites.iter().enumerate() {
            let _ = writeln!(xml, "<site name=\"{site}\" id=\"{}\">\n<bindings>", id + 1);
            for (_, protocol, information, flags) in self.bindings.iter().filter(|(name, ..)| name == site) {
                let _ = writeln!(
                    xml,
                    "<binding protocol=\"{protocol}\" bindingInformation=\"{information}\" sslFlags=\"{flags}\" />"
                );
            }
            xml.push_str("</bindings>\n</site>\n");
        }
        xml.push_str("</sites>\n</system.applicationHost>\n</configuration>\n");
        xml
    }

    pub fn netsh_text(&self) -> String {
        let mut text = String::from("SSL Certificate bindings:\n-------------------------\n\n");
        for spec in &self.mappings {
            let lines = [
                (spec.label.as_str(), spec.key.as_str()),
                ("Certificate Hash", spec.hash.as_str()),
                ("Application ID", spec.app_id.as_str()),
                ("Certificate Store Name", spec.store.as_str()),
                ("Verify Client Certificate Revocation", "Enabled"),
                ("Verify Revocation Using Cached Client Certificate Only", "Disabled"),
                ("Usage Check", "Enabled"),
                ("Revocation Freshness Time", "0"),
                ("URL Retrieval Timeout", "0"),
                ("Ctl Identifier", "(null)"),
                ("Ctl Store Name", "(null)"),
                ("DS Mapper Usage", "Disabled"),
                ("Negotiate Client Certificate", "Disabled"),
            ];
            for (label, value) in lines {
                let _ = writeln!(text, "    {label:<28} : {value}");
            }
            for line in &spec.extra_lines {
                let _ = writeln!(text, "    {line}");
            }
            text.push('\n');
        }
        text
    }

    pub fn build(self) -> Machine {
        let config = iis::read_config(&Arc::from("test.config"), self.config_xml().as_bytes(), self.flavor)
            .expect("the test config reads");
        let mut machine = Machine {
            configs: vec![config.config],
            certificates_known: !self.certificates.is_empty(),
            certificates: self.certificates.clone(),
            ..Machine::default()
        };
        if !self.without_mappings {
            let netsh = httpsys::read_netsh(&Arc::from("sslcert.txt"), self.netsh_text().as_bytes())
                .expect("the test netsh output reads");
            assert_eq!(netsh.mappings.len(), self.mappings.len(), "{:?}", netsh.warnings);
            machine.mappings = netsh.mappings;
            machine.mappings_known = true;
        }
        machine
    }
}

/// A hash that differs per key, for mappings whose certificate does not matter.
pub fn made_up_hash(key: &str) -> String {
    let sum: u32 = key.bytes().map(u32::from).sum();
    format!("{sum:08x}{}", "0".repeat(32))
}

/// A certificate for `names` valid from `not_before` to `not_after` (year, month, day),
/// made with a fresh P-256 key; the first name is also the common name.
pub fn certificate(names: &[&str], not_before: (i32, u8, u8), not_after: (i32, u8, u8)) -> Certificate {
    let mut params = CertificateParams::new(names.iter().map(|name| (*name).to_owned()).collect::<Vec<_>>())
        .expect("valid names");
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, names.first().copied().unwrap_or("test"));
    params.distinguished_name = subject;
    params.not_before = date_time_ymd(not_before.0, not_before.1, not_before.2);
    params.not_after = date_time_ymd(not_after.0, not_after.1, not_after.2);
    let key = KeyPair::generate().expect("a key");
    let der = params.self_signed(&key).expect("a certificate").der().to_vec();
    let origin = Origin::File(Location::new(
        &Arc::from(format!("certs/{}.cer", names.first().unwrap_or(&"test"))),
        1,
        1,
    ));
    certificate_from_der(&der, origin).expect("the certificate reads")
}

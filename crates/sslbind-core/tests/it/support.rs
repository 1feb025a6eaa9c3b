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

/// The line and column of a location in text, which is where every text reader points.
pub trait TextPosition {
    fn line(&self) -> u32;
    fn column(&self) -> u32;
}

impl TextPosition for Location {
    fn line(&self) -> u32 {
        self.line_column().expect("a location in text").0
    }

    fn column(&self) -> u32 {
        self.line_column().expect("a location in text").1
    }
}

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
    let der = sslbind_live::testing::tls_server::identity_valid(names, not_before, not_after).der;
    let origin = Origin::File(Location::new(
        &Arc::from(format!("certs/{}.cer", names.first().unwrap_or(&"test"))),
        1,
        1,
    ));
    certificate_from_der(&der, origin).expect("the certificate reads")
}

impl MachineBuilder {
    /// The machine with the configs of `others` read after this one's, as `test2.config`,
    /// `test3.config`, … with their own flavors, as when `--config` is given more than once;
    /// the mappings and certificates of `others` are ignored.
    pub fn build_with_configs(self, others: Vec<MachineBuilder>) -> Machine {
        let mut machine = self.build();
        for (position, other) in others.into_iter().enumerate() {
            let path: Arc<str> = Arc::from(format!("test{}.config", position + 2));
            let config = iis::read_config(&path, other.config_xml().as_bytes(), other.flavor)
                .expect("the test config reads");
            machine.configs.push(config.config);
        }
        machine
    }
}

/// A certificate with `common_name` as its subject CN and no subject alternative name.
pub fn certificate_cn_only(
    common_name: &str,
    not_before: (i32, u8, u8),
    not_after: (i32, u8, u8),
) -> Certificate {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("valid parameters");
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, common_name);
    params.distinguished_name = subject;
    params.not_before = date_time_ymd(not_before.0, not_before.1, not_before.2);
    params.not_after = date_time_ymd(not_after.0, not_after.1, not_after.2);
    let key = KeyPair::generate().expect("a key");
    let der = params.self_signed(&key).expect("a certificate").der().to_vec();
    let origin = Origin::File(Location::new(&Arc::from(format!("certs/{common_name}.cer")), 1, 1));
    certificate_from_der(&der, origin).expect("the certificate reads")
}

/// The doctor's findings for an already built `machine`, judged at the doctor tests' `NOW`
/// with no CCS folder and the default assumptions.
pub fn machine_findings(machine: &Machine) -> Vec<sslbind_core::doctor::Finding> {
    use sslbind_core::analysis::analyze;
    use sslbind_core::analysis::selection::UnknownCcsFolder;
    use sslbind_core::doctor::{Context, Options, Overrides, Parallelism, diagnose};
    use sslbind_core::uncertain::SelectionAssumptions;

    let analysis = analyze(machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let options = Options { now: crate::doctor::NOW, expiry_days: 30, ccs_folder_known: false };
    let context = Context { machine, analysis: &analysis, ccs_files: &UnknownCcsFolder, options: &options };
    diagnose(&context, &Overrides::default(), Parallelism::Sequential)
}

// ---------------------------------------------------------------------------------------------
// Certificates rcgen cannot make (RSA keys, SHA-1), and certificates from custom parameters.

/// `openssl req -x509 -newkey rsa:1024 -sha1 -subj "/CN=legacy.example.test/O=sslbind tests"
/// -set_serial 0x00C0FFEE`: public certificate only, the key was discarded.
pub const RSA1024_SHA1_DER: &str = "\
30820238308201a1a003020102020400c0ffee300d06092a864886f70d01010505003036311c301a06035504030c136c\
65676163792e6578616d706c652e7465737431163014060355040a0c0d73736c62696e64207465737473301e170d3236\
313132353135313730305a170d3336313132323135313730305a3036311c301a06035504030c136c65676163792e6578\
616d706c652e7465737431163014060355040a0c0d73736c62696e6420746573747330819f300d06092a864886f70d01\
0101050003818d0030818902818100a926c28d7fc0f0854cd1bc5bd362c25b43e2ec673d7efa8699ad376d046bfb3435\
fbe9eb1065d034c6e4528205750f103eb28f61de4dff9146bfc73abe8d4997f2224923449fa035ef0a251057ccc7caa7\
ba9d3ba5c5d7bd02758b4b9cae2a930397291d9100bc5dde6329633b85f16846266571a1cc024786c03eac6ffef90b02\
03010001a3533051301d0603551d0e0416041436896900cb8110b1052f7ed0bb8662ce35cc3400301f0603551d230418\
3016801436896900cb8110b1052f7ed0bb8662ce35cc3400300f0603551d130101ff040530030101ff300d06092a8648\
86f70d010105050003818100511f419aa91153c1cac1c8c5172a3bd934dadad0910808193b6859cb85d3e96bdd365efe\
1193d9d8414902ee5d5ec980eb15ec071c8ad4d6e18369a67c3ee1bdcfcd056874ae3765a8881a298ed09898d385d7f3\
189d3845d85f8f13d184663d91b031f245070d3b59b6d8686467276a9565b09fa7b49ea5ca57ae346944cbf5";

/// `openssl req -x509 -newkey rsa:2048 -sha256 -subj "/CN=rsa.example.test"
/// -addext "subjectAltName=DNS:rsa.example.test,IP:10.0.0.5"
/// -addext "extendedKeyUsage=serverAuth,clientAuth,1.3.6.1.4.1.311.10.3.12"`: public only.
pub const RSA2048_SHA256_DER: &str = "\
308203673082024fa0030201020214702ddeb2e1d1bd247be3b51fd192866be7952b8a300d06092a864886f70d01010b\
0500301b3119301706035504030c107273612e6578616d706c652e74657374301e170d3236313132353135313730305a\
170d3336313132323135313730305a301b3119301706035504030c107273612e6578616d706c652e7465737430820122\
300d06092a864886f70d01010105000382010f003082010a0282010100e61611f6769f4845c557075f4cdd43d7dab250\
3d3e182394f4a40e41e8478013692ad09660bdc3667d3d3a5eedd3ba77701247b1a7b191f73dde94f7b34c517037e134\
7bd3e57d5350a979dcaf1ac3b1de2d223033e36e313807c0bc172c02ca7d5b741c2ba5df7bf16ac097b708fa4a246a25\
2871b5551e59a8dbc86ff09d90522027751f97bf297666b065ad938cf470aa775139e7adaefb7cf84f90d65ec2e98017\
23609f728d0d603ca51c52a4cc014974a41ed95f09c1544032e147b34d33bbd59b8ebd8562993349f4c6ebbf324941f7\
6eb46b695b409e9e48f4e2dffec34080f0dec84cb58921b8fd817e5baff0260405bcefb2daba20c3bc66a032b1020301\
0001a381a230819f301d0603551d0e04160414fd9a48d69343f8cd7e095f3f19a40ce7ce2769c5301f0603551d230418\
30168014fd9a48d69343f8cd7e095f3f19a40ce7ce2769c5300f0603551d130101ff040530030101ff30210603551d11\
041a301882107273612e6578616d706c652e7465737487040a00000530290603551d250422302006082b060105050703\
0106082b06010505070302060a2b0601040182370a030c300d06092a864886f70d01010b05000382010100b7499d4027\
9fdd2127b4416bcdd613025ae167289ac264a4f2e31d6cacb47801151cd5894c6b784a9aac1881fb783185c86592fbab\
75c4bd3ca9156215cb544e359991e640e1cb402e47308a7839b7bc391bdbe292bad79e9c51c28b30c7af9e89e4eed054\
1c72f258ee515897c3dbec9e8870ab2aba8f2d060fc3914f6adcb63e1ee4a3168325624be65cb1610565a17b53ce17c7\
0f743b01b1fb83e5957f95fdd03baa268b73a2bff528344fc826c28f61be03001b2a7a3083bcb9c35aade57b0f64a972\
ccf7a610f1e26049c9b50a6764b84c7e08e91c307837b78dbc59722844bc6a1f8ba6f9a936dbc09687b177482c0718d0\
8f35996142fd372cb72bf4";

/// A certificate read from DER written as hex, as if from `certs/{name}.cer`.
pub fn certificate_from_hex(hex: &str, name: &str) -> Certificate {
    let der: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits"))
        .collect();
    let origin = Origin::File(Location::new(&Arc::from(format!("certs/{name}.cer")), 1, 1));
    certificate_from_der(&der, origin).expect("the certificate reads")
}

/// A self-signed certificate from rcgen `params` with a fresh P-256 key, as if from
/// `certs/{name}.cer`: for extensions [`certificate`] does not set (EKU, no SAN).
pub fn certificate_from_params(params: &CertificateParams, name: &str) -> Certificate {
    let key = KeyPair::generate().expect("a key");
    let der = params.self_signed(&key).expect("a certificate").der().to_vec();
    let origin = Origin::File(Location::new(&Arc::from(format!("certs/{name}.cer")), 1, 1));
    certificate_from_der(&der, origin).expect("the certificate reads")
}

// ---------------------------------------------------------------------------------------------
// URL reservations and excluded port ranges, put into built machines directly.

/// A URL reservation of `url` (parsed with the real prefix parser) granting each
/// `(user, listen)`, as if from line 1 of `urlacl.txt`.
pub fn url_reservation(
    url: &str,
    users: &[(&str, bool)],
) -> sslbind_core::model::reservation::UrlReservation {
    use sslbind_core::model::reservation::{ReservationUser, UrlReservation};
    UrlReservation {
        url: url.to_owned(),
        prefix: httpsys::parse_url_prefix(url).ok(),
        users: users
            .iter()
            .map(|&(name, listen)| ReservationUser {
                name: name.to_owned(),
                listen: Some(listen),
                delegate: Some(false),
            })
            .collect(),
        sddl: None,
        origin: Origin::File(Location::new(&Arc::from("urlacl.txt"), 1, 1)),
    }
}

/// `machine` with `reservations` as its known URL reservations.
pub fn with_url_reservations(
    mut machine: Machine,
    reservations: Vec<sslbind_core::model::reservation::UrlReservation>,
) -> Machine {
    machine.url_reservations = reservations;
    machine.url_reservations_known = true;
    machine
}

/// `machine` with the excluded port ranges `(start, end, administered)` as known, as if from
/// `excludedportrange.txt`.
pub fn with_excluded_ports(mut machine: Machine, ranges: &[(u16, u16, bool)]) -> Machine {
    use sslbind_core::model::reservation::ExcludedPortRange;
    machine.excluded_ports = ranges
        .iter()
        .map(|&(start, end, administered)| ExcludedPortRange {
            start,
            end,
            administered,
            origin: Origin::File(Location::new(&Arc::from("excludedportrange.txt"), 1, 1)),
        })
        .collect();
    machine.excluded_ports_known = true;
    machine
}

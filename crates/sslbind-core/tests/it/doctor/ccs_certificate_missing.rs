//! Where `ccs-certificate-missing` fires, and the near misses where it must not.

use sslbind_core::analysis::selection::CcsFiles;
use sslbind_core::doctor::Code;

use crate::doctor::{findings, findings_with, report};
use crate::support::{IIS, MachineBuilder, certificate};

/// A CCS folder holding these file names (compared case-insensitively, as on Windows).
struct Files(&'static [&'static str]);

impl CcsFiles for Files {
    fn contains(&self, file_name: &str) -> Option<bool> {
        Some(self.0.iter().any(|name| name.eq_ignore_ascii_case(file_name)))
    }
}

#[test]
fn ccs_hosts_without_their_files_fire_with_what_serves_them_instead() {
    let shop = certificate(&["*.shop.example.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:www.example.com", 2)
        .binding("b", "https", "*:443:*.shop.example.com", 2)
        .binding("c", "https", "*:8443:api.example.com", 3)
        .mapping("Central Certificate Store", "443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .certificate(&shop);
    let files = Files(&["other.example.com.pfx", "_.com.pfx"]);
    assert_eq!(
        report(&findings_with(builder, &files, Some(())), Code::CcsCertificateMissing),
        format!(
            "\
error site=a binding=*:443:www.example.com mapping=443 cert=-: site `a`, binding `*:443:www.example.com` uses the Central Certificate Store, but its folder holds neither `www.example.com.pfx` nor `_.example.com.pfx`; HTTP.sys serves it with ip mapping `0.0.0.0:443` instead
fix: export a certificate that covers `www.example.com`, with its private key, as `www.example.com.pfx` into the CCS folder
error site=b binding=*:443:*.shop.example.com mapping=443 cert={shop8}: site `b`, binding `*:443:*.shop.example.com` uses the Central Certificate Store, but its folder holds no `_.shop.example.com.pfx`; HTTP.sys serves it with ip mapping `0.0.0.0:443` instead
fix: export certificate `*.shop.example.com` ({shop}) with its private key as `_.shop.example.com.pfx` into the CCS folder
error site=c binding=*:8443:api.example.com mapping=8443 cert=-: site `c`, binding `*:8443:api.example.com` uses the Central Certificate Store, but its folder holds neither `api.example.com.pfx` nor `_.example.com.pfx`; clients get a connection reset
fix: export a certificate that covers `api.example.com`, with its private key, as `api.example.com.pfx` into the CCS folder
",
            shop = shop.thumbprint,
            shop8 = &shop.thumbprint.to_string()[..8],
        )
    );
}

#[test]
fn without_mappings_the_message_claims_nothing_about_what_serves_it() {
    let builder = MachineBuilder::new().binding("a", "https", "*:443:intranet", 2).without_mappings();
    assert_eq!(
        report(&findings_with(builder, &Files(&[]), Some(())), Code::CcsCertificateMissing),
        "\
error site=a binding=*:443:intranet mapping=443 cert=-: site `a`, binding `*:443:intranet` uses the Central Certificate Store, but its folder holds no `intranet.pfx`
fix: export a certificate that covers `intranet`, with its private key, as `intranet.pfx` into the CCS folder
"
    );
}

#[test]
fn near_misses_present_files_wildcard_files_no_host_no_ccs_and_no_folder() {
    let builder = || {
        MachineBuilder::new()
            .binding("a", "https", "*:443:www.example.com", 2)
            .binding("a", "https", "*:443:Shop.Example.com", 2)
            .binding("b", "https", "*:443:", 2)
            .binding("b", "https", "*:443:*", 2)
            .binding("c", "https", "*:443:api.example.org", 1)
            .binding("c", "http", "*:80:api.example.org", 2)
            .mapping("Central Certificate Store", "443", IIS)
    };
    let exact = Files(&["WWW.example.com.pfx", "shop.example.com.pfx"]);
    assert_eq!(report(&findings_with(builder(), &exact, Some(())), Code::CcsCertificateMissing), "");

    let wildcard = Files(&["_.example.com.pfx"]);
    assert_eq!(report(&findings_with(builder(), &wildcard, Some(())), Code::CcsCertificateMissing), "");

    // The folder was not given: nothing is known about its files.
    assert_eq!(report(&findings(builder()), Code::CcsCertificateMissing), "");
    assert_eq!(report(&findings_with(builder(), &Files(&[]), None), Code::CcsCertificateMissing), "");
}

//! Where `missing-mapping` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{findings, report};
use crate::support::{EXPRESS, IIS, MachineBuilder, certificate};

#[test]
fn an_sni_binding_without_its_mapping_fires_even_when_a_fallback_serves_it() {
    let lextudio = certificate(&["lextudio.com", "www.lextudio.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("php", "https", "*:4431:lextudio.com", 1)
        .mapping("IP:port", "0.0.0.0:4431", EXPRESS)
        .certificate(&lextudio)
        .iis_express();
    let thumbprint = lextudio.thumbprint.to_string().to_ascii_lowercase();
    assert_eq!(
        report(&findings(builder), Code::MissingMapping),
        format!(
            "error site=php binding=*:4431:lextudio.com mapping=lextudio.com:4431 cert={}: site `php`, binding \
             `*:4431:lextudio.com` expects sni mapping `lextudio.com:4431`, which does not exist; HTTP.sys serves \
             it with ip mapping `0.0.0.0:4431` instead\n\
             fix: add the mapping with certificate `lextudio.com` ({}) (elevated)\n  \
             netsh http add sslcert hostnameport=lextudio.com:4431 certhash={thumbprint} appid=\"{EXPRESS}\" \
             certstorename=MY\n",
            &lextudio.thumbprint.to_string()[..8],
            lextudio.thumbprint
        )
    );
}

#[test]
fn ip_and_ccs_bindings_expect_their_own_records() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "10.0.0.5:443:", 0)
        .binding("a", "https", "*:8443:", 0)
        .binding("b", "https", "*:443:c.example.com", 2)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    assert_eq!(
        report(&findings(builder), Code::MissingMapping),
        "\
error site=a binding=*:8443: mapping=0.0.0.0:8443 cert=-: site `a`, binding `*:8443:` expects ip mapping `0.0.0.0:8443`, which does not exist; clients get a connection reset
fix: add the mapping with the certificate for this binding (elevated)
  netsh http add sslcert ipport=0.0.0.0:8443 certhash=<THUMBPRINT> appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\" certstorename=MY
error site=a binding=10.0.0.5:443: mapping=10.0.0.5:443 cert=-: site `a`, binding `10.0.0.5:443:` expects ip mapping `10.0.0.5:443`, which does not exist; HTTP.sys serves it with ip mapping `0.0.0.0:443` instead
fix: add the mapping with the certificate for this binding (elevated)
  netsh http add sslcert ipport=10.0.0.5:443 certhash=<THUMBPRINT> appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\" certstorename=MY
error site=b binding=*:443:c.example.com mapping=443 cert=-: site `b`, binding `*:443:c.example.com` expects ccs mapping `443`, which does not exist; HTTP.sys serves it with ip mapping `0.0.0.0:443` instead
fix: add the CCS mapping (elevated)
  netsh http add sslcert ccs=443 appid=\"{4dc3e181-e14b-4a21-b022-59fc669b0914}\"
"
    );
}

#[test]
fn near_misses_present_mappings_other_protocols_and_unknown_mappings_do_not_fire() {
    let present = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:443:", 0)
        .binding("a", "https", "*:443:B.Example.com", 1)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping("Hostname:port", "b.example.com:443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    assert_eq!(report(&findings(present), Code::MissingMapping), "");

    let not_https = MachineBuilder::new()
        .binding("a", "http", "*:80:a.example.com", 1)
        .binding("a", "net.tcp", "808:*", 0)
        .binding("a", "ftp", "*:21:", 0)
        .mapping("IP:port", "0.0.0.0:8443", IIS);
    assert_eq!(report(&findings(not_https), Code::MissingMapping), "");

    let no_sslcert = MachineBuilder::new().binding("a", "https", "*:443:a.example.com", 1).without_mappings();
    assert_eq!(report(&findings(no_sslcert), Code::MissingMapping), "");
}

//! Where `certificate-not-found` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{SETTINGS, findings, report};
use crate::support::{ADFS, IIS, MachineBuilder, certificate, made_up_hash};

#[test]
fn mappings_whose_hash_no_given_certificate_has_fire_whatever_their_status() {
    let other = certificate(&["other.example.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:443:b.example.com", 1)
        .mapping_with(
            "Hostname:port",
            "a.example.com:443",
            IIS,
            "5226DC6C54559761CD471B86EB51C096252C90F2",
            "WebHosting",
            &[],
        )
        .mapping_with(
            "Hostname:port",
            "b.example.com:443",
            IIS,
            "5226DC6C54559761CD471B86EB51C096252C90F2",
            "WebHosting",
            &[],
        )
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .mapping("IP:port", "0.0.0.0:8443", IIS)
        .mapping("IP:port", "0.0.0.0:9443", ADFS)
        .certificate(&other);
    let fallback = made_up_hash("0.0.0.0:443").to_ascii_uppercase();
    let idle = made_up_hash("0.0.0.0:8443").to_ascii_uppercase();
    let foreign = made_up_hash("0.0.0.0:9443").to_ascii_uppercase();
    assert_eq!(
        report(&findings(builder), Code::CertificateNotFound),
        format!(
            "\
error site=- binding=- mapping=0.0.0.0:443 cert={}: ip mapping `0.0.0.0:443` (the fallback for clients that send no SNI) maps certificate {fallback}, which is not among the certificates given: if the LocalMachine `MY` store lacks it too, HTTP.sys cannot load it and clients get a connection reset
fix: import certificate {fallback} with its private key into the LocalMachine `MY` store (`certutil -importpfx MY <FILE>.pfx`), or re-point the mapping to a certificate that is there (elevated)
  netsh http update sslcert ipport=0.0.0.0:443 certhash=<THUMBPRINT> appid=\"{IIS}\" certstorename=MY {SETTINGS}
error site=- binding=- mapping=0.0.0.0:8443 cert={}: ip mapping `0.0.0.0:8443` (idle: no binding uses it) maps certificate {idle}, which is not among the certificates given: if the LocalMachine `MY` store lacks it too, HTTP.sys cannot load it and clients get a connection reset
fix: import certificate {idle} with its private key into the LocalMachine `MY` store (`certutil -importpfx MY <FILE>.pfx`), or re-point the mapping to a certificate that is there (elevated)
  netsh http update sslcert ipport=0.0.0.0:8443 certhash=<THUMBPRINT> appid=\"{IIS}\" certstorename=MY {SETTINGS}
error site=- binding=- mapping=0.0.0.0:9443 cert={}: ip mapping `0.0.0.0:9443` (owned by AD FS / WAP) maps certificate {foreign}, which is not among the certificates given: if the LocalMachine `MY` store lacks it too, HTTP.sys cannot load it and clients get a connection reset
fix: import certificate {foreign} with its private key into the LocalMachine `MY` store (`certutil -importpfx MY <FILE>.pfx`), or re-point the mapping to a certificate that is there (elevated)
  netsh http update sslcert ipport=0.0.0.0:9443 certhash=<THUMBPRINT> appid=\"{ADFS}\" certstorename=MY {SETTINGS}
error site=a binding=*:443:a.example.com mapping=a.example.com:443 cert=5226DC6C: sni mapping `a.example.com:443` (used by site `a`, binding `*:443:a.example.com`) maps certificate 5226DC6C54559761CD471B86EB51C096252C90F2, which is not among the certificates given: if the LocalMachine `WebHosting` store lacks it too, HTTP.sys cannot load it and clients get a connection reset
fix: import certificate 5226DC6C54559761CD471B86EB51C096252C90F2 with its private key into the LocalMachine `WebHosting` store (`certutil -importpfx WebHosting <FILE>.pfx`), or re-point the mapping to a certificate that is there (elevated)
  netsh http update sslcert hostnameport=a.example.com:443 certhash=<THUMBPRINT> appid=\"{IIS}\" certstorename=WebHosting {SETTINGS}
error site=a binding=*:443:b.example.com mapping=b.example.com:443 cert=5226DC6C: sni mapping `b.example.com:443` (used by site `a`, binding `*:443:b.example.com`) maps certificate 5226DC6C54559761CD471B86EB51C096252C90F2, which is not among the certificates given: if the LocalMachine `WebHosting` store lacks it too, HTTP.sys cannot load it and clients get a connection reset
fix: import certificate 5226DC6C54559761CD471B86EB51C096252C90F2 with its private key into the LocalMachine `WebHosting` store (`certutil -importpfx WebHosting <FILE>.pfx`), or re-point the mapping to a certificate that is there (elevated)
  netsh http update sslcert hostnameport=b.example.com:443 certhash=<THUMBPRINT> appid=\"{IIS}\" certstorename=WebHosting {SETTINGS}
",
            &fallback[..8],
            &idle[..8],
            &foreign[..8],
        )
    );
}

#[test]
fn near_misses_given_certificates_ccs_records_and_no_certificates_do_not_fire() {
    let a = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let found = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:443:c.example.com", 3)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &a)
        .mapping("Central Certificate Store", "443", IIS)
        .certificate(&a);
    assert_eq!(report(&findings(found), Code::CertificateNotFound), "");

    // Without certificates nothing can be said about any hash.
    let no_certificates = MachineBuilder::new().binding("a", "https", "*:443:a.example.com", 1).mapping(
        "Hostname:port",
        "a.example.com:443",
        IIS,
    );
    assert_eq!(report(&findings(no_certificates), Code::CertificateNotFound), "");
}

//! Where `no-fallback-certificate` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{findings, report};
use crate::support::{IIS, MachineBuilder, certificate};

#[test]
fn sni_and_ccs_ports_without_a_wildcard_mapping_fire_once_per_port() {
    let a = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("b", "https", "*:443:b.example.com", 1)
        .binding("b", "https", "*:443:", 0)
        .binding("c", "https", "[2001:db8::1]:8443:c.example.com", 2)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &a)
        .mapping("Hostname:port", "b.example.com:443", IIS)
        .mapping("Central Certificate Store", "8443", IIS)
        .certificate(&a);
    assert_eq!(
        report(&findings(builder), Code::NoFallbackCertificate),
        format!(
            "\
info site=a binding=*:443:a.example.com mapping=0.0.0.0:443 cert={a8}: site `a`, binding `*:443:a.example.com` and 1 other binding on port 443 rely on SNI, and neither ip mapping `0.0.0.0:443` nor `[::]:443` exists, so clients that send no SNI (old clients, health probes, some load balancers) get a connection reset on port 443
fix: add the fallback mapping `0.0.0.0:443` with certificate `a.example.com` ({a}) (elevated)
  netsh http add sslcert ipport=0.0.0.0:443 certhash={a_lower} appid=\"{IIS}\" certstorename=MY
info site=c binding=[2001:db8::1]:8443:c.example.com mapping=[::]:8443 cert=-: site `c`, binding `[2001:db8::1]:8443:c.example.com` on port 8443 relies on SNI, and neither ip mapping `0.0.0.0:8443` nor `[::]:8443` exists, so clients that send no SNI (old clients, health probes, some load balancers) get a connection reset on port 8443
fix: add the fallback mapping `[::]:8443` with a certificate for clients without SNI (elevated)
  netsh http add sslcert ipport=[::]:8443 certhash=<THUMBPRINT> appid=\"{IIS}\" certstorename=MY
",
            a = a.thumbprint,
            a8 = &a.thumbprint.to_string()[..8],
            a_lower = a.thumbprint.to_string().to_ascii_lowercase(),
        )
    );
}

#[test]
fn a_known_hash_of_an_unknown_certificate_is_named_by_its_mapping() {
    let builder = MachineBuilder::new()
        .binding("b", "https", "*:443:b.example.com", 1)
        .mapping_with(
            "Hostname:port",
            "b.example.com:443",
            IIS,
            "5226dc6c54559761cd471b86eb51c096252c90f2",
            "WebHosting",
            &[],
        )
        .iis_express();
    assert_eq!(
        report(&findings(builder), Code::NoFallbackCertificate),
        "\
info site=b binding=*:443:b.example.com mapping=0.0.0.0:443 cert=5226DC6C: site `b`, binding `*:443:b.example.com` on port 443 relies on SNI, and neither ip mapping `0.0.0.0:443` nor `[::]:443` exists, so clients that send no SNI (old clients, health probes, some load balancers) get a connection reset on port 443
fix: add the fallback mapping `0.0.0.0:443` with the certificate of `b.example.com:443` (elevated)
  netsh http add sslcert ipport=0.0.0.0:443 certhash=5226dc6c54559761cd471b86eb51c096252c90f2 appid=\"{214124cd-d05b-4309-9af9-9caa44b2b74a}\" certstorename=WebHosting
"
    );
}

#[test]
fn near_misses_a_fallback_exists_no_sni_and_unknown_mappings() {
    let v4 = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    assert_eq!(report(&findings(v4), Code::NoFallbackCertificate), "");

    let v6 = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping("IP:port", "[::]:443", IIS);
    assert_eq!(report(&findings(v6), Code::NoFallbackCertificate), "");

    let no_sni = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "http", "*:80:b.example.com", 1)
        .mapping("IP:port", "10.0.0.5:443", IIS);
    assert_eq!(report(&findings(no_sni), Code::NoFallbackCertificate), "");

    let unknown = MachineBuilder::new().binding("a", "https", "*:443:a.example.com", 1).without_mappings();
    assert_eq!(report(&findings(unknown), Code::NoFallbackCertificate), "");
}

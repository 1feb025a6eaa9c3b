//! Where `certificate-name-mismatch` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{SETTINGS, codes, findings, report};
use crate::support::{EXPRESS, IIS, MachineBuilder, certificate, certificate_cn_only};

fn short(certificate: &sslbind_core::model::Certificate) -> String {
    certificate.thumbprint.to_string()[..8].to_owned()
}

fn lower(certificate: &sslbind_core::model::Certificate) -> String {
    certificate.thumbprint.to_string().to_ascii_lowercase()
}

#[test]
fn the_seed_sni_binding_served_by_the_localhost_mapping_fires_beside_missing_mapping() {
    let localhost = certificate(&["localhost"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("php", "http", "*:58000:localhost", 0)
        .binding("php", "https", "*:44300:localhost", 0)
        .binding("php", "https", "*:4431:localhost", 0)
        .binding("php", "https", "*:4431:lextudio.com", 1)
        .mapping_of("IP:port", "0.0.0.0:44300", EXPRESS, &localhost)
        .mapping_of("IP:port", "0.0.0.0:4431", EXPRESS, &localhost)
        .certificate(&localhost)
        .iis_express();
    let found = findings(builder);
    let fired = codes(&found);
    assert!(fired.contains(&"certificate-name-mismatch"), "{fired:?}");
    assert!(fired.contains(&"missing-mapping"), "{fired:?}");
    assert_eq!(
        report(&found, Code::CertificateNameMismatch),
        format!(
            "error site=php binding=*:4431:lextudio.com mapping=0.0.0.0:4431 cert={}: site `php`, binding \
             `*:4431:lextudio.com` is served by ip mapping `0.0.0.0:4431` with certificate `localhost` ({}), whose \
             names `localhost` do not cover `lextudio.com`\n\
             fix: get a certificate that covers `lextudio.com` and map it (elevated)\n  \
             netsh http add sslcert hostnameport=lextudio.com:4431 certhash=<THUMBPRINT> appid=\"{EXPRESS}\" \
             certstorename=MY\n",
            short(&localhost),
            localhost.thumbprint
        )
    );
    let finding = found.iter().find(|finding| finding.code == Code::CertificateNameMismatch).unwrap();
    let sources: Vec<String> = finding.sources.iter().map(ToString::to_string).collect();
    assert_eq!(sources, ["test.config:9", "sslcert.txt:18", "certs/localhost.cer:1"]);
}

#[test]
fn existing_mappings_are_replaced_wildcard_hosts_need_the_wildcard_and_shadowing_is_named() {
    let a = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let b = certificate(&["b.example.com"], (2025, 1, 1), (2027, 1, 1));
    let www = certificate(&["www.example.com", "example.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("w", "https", "*:8443:*.example.com", 1)
        .binding("z", "https", "10.0.0.5:443:z.example.com", 1)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &b)
        .mapping_of("Hostname:port", "*.example.com:8443", IIS, &www)
        .mapping_of("IP:port", "10.0.0.5:443", IIS, &b)
        .mapping("Hostname:port", "z.example.com:443", IIS)
        .certificate(&a)
        .certificate(&b)
        .certificate(&www);
    assert_eq!(
        report(&findings(builder), Code::CertificateNameMismatch),
        format!(
            "\
error site=a binding=*:443:a.example.com mapping=0.0.0.0:443 cert={b8}: site `a`, binding `*:443:a.example.com` is served by ip mapping `0.0.0.0:443` with certificate `b.example.com` ({b}), whose names `b.example.com` do not cover `a.example.com`
fix: point ip mapping `0.0.0.0:443` at certificate `a.example.com` ({a}) (elevated)
  netsh http update sslcert ipport=0.0.0.0:443 certhash={a_lower} appid=\"{IIS}\" certstorename=MY {SETTINGS}
error site=w binding=*:8443:*.example.com mapping=*.example.com:8443 cert={www8}: site `w`, binding `*:8443:*.example.com` is served by sni mapping `*.example.com:8443` with certificate `www.example.com` ({www}), whose names `www.example.com`, `example.com` do not cover `*.example.com`
fix: get a certificate that covers `*.example.com` and map it (elevated)
  netsh http update sslcert hostnameport=*.example.com:8443 certhash=<THUMBPRINT> appid=\"{IIS}\" certstorename=MY {SETTINGS}
error site=z binding=10.0.0.5:443:z.example.com mapping=10.0.0.5:443 cert={b8}: site `z`, binding `10.0.0.5:443:z.example.com` is served by ip mapping `10.0.0.5:443` with certificate `b.example.com` ({b}), whose names `b.example.com` do not cover `z.example.com`
fix: get a certificate that covers `z.example.com` and map it (elevated); ip mapping `10.0.0.5:443` is tried before it (assumed order) and must go or change too
  netsh http update sslcert hostnameport=z.example.com:443 certhash=<THUMBPRINT> appid=\"{IIS}\" certstorename=MY {SETTINGS}
",
            a = a.thumbprint,
            a_lower = lower(&a),
            b = b.thumbprint,
            b8 = short(&b),
            www = www.thumbprint,
            www8 = short(&www),
        )
    );
}

#[test]
fn a_missing_own_mapping_gets_the_covering_certificate_added() {
    let fallback = certificate(&["default.example.com"], (2025, 1, 1), (2027, 1, 1));
    let shop = certificate(&["shop.example.com"], (2025, 1, 1), (2027, 1, 1));
    let expired_shop = certificate(&["shop.example.com"], (2024, 1, 1), (2025, 1, 1));
    let builder = MachineBuilder::new()
        .binding("shop", "https", "*:443:shop.example.com", 1)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &fallback)
        .certificate(&fallback)
        .certificate(&expired_shop)
        .certificate(&shop);
    assert_eq!(
        report(&findings(builder), Code::CertificateNameMismatch),
        format!(
            "error site=shop binding=*:443:shop.example.com mapping=0.0.0.0:443 cert={}: site `shop`, binding \
             `*:443:shop.example.com` is served by ip mapping `0.0.0.0:443` with certificate `default.example.com` \
             ({}), whose names `default.example.com` do not cover `shop.example.com`\n\
             fix: add sni mapping `shop.example.com:443` with certificate `shop.example.com` ({}) (elevated)\n  \
             netsh http add sslcert hostnameport=shop.example.com:443 certhash={} appid=\"{IIS}\" certstorename=MY\n",
            short(&fallback),
            fallback.thumbprint,
            shop.thumbprint,
            lower(&shop),
        )
    );
}

#[test]
fn near_misses_covered_names_unknown_certificates_and_hosts_that_ask_for_nothing() {
    let wildcard = certificate(&["*.example.com"], (2025, 1, 1), (2027, 1, 1));
    let www = certificate(&["www.example.com"], (2025, 1, 1), (2027, 1, 1));
    let legacy = certificate_cn_only("legacy.example.com", (2025, 1, 1), (2027, 1, 1));
    let address = certificate(&["10.0.0.7"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        // Covered by the wildcard SAN.
        .binding("a", "https", "*:443:shop.example.com", 1)
        .mapping_of("Hostname:port", "shop.example.com:443", IIS, &wildcard)
        // Host written in another case.
        .binding("b", "https", "*:443:WWW.Example.COM", 1)
        .mapping_of("Hostname:port", "www.example.com:443", IIS, &www)
        // A wildcard host served by that very wildcard.
        .binding("c", "https", "*:8443:*.example.com", 1)
        .mapping_of("Hostname:port", "*.example.com:8443", IIS, &wildcard)
        // A certificate with a CN and no SAN covers its CN.
        .binding("d", "https", "*:443:legacy.example.com", 1)
        .mapping_of("Hostname:port", "legacy.example.com:443", IIS, &legacy)
        // An IP-address host covered by a SAN IP address.
        .binding("e", "https", "10.0.0.7:443:10.0.0.7", 0)
        .mapping_of("IP:port", "10.0.0.7:443", IIS, &address)
        // The certificate was not given: nothing to compare.
        .binding("f", "https", "*:443:unknown.example.org", 1)
        .mapping("Hostname:port", "unknown.example.org:443", IIS)
        // Empty and any-host bindings ask for no name.
        .binding("g", "https", "*:4443:", 0)
        .binding("g", "https", "*:4444:*", 0)
        .mapping_of("IP:port", "0.0.0.0:4443", IIS, &www)
        .mapping_of("IP:port", "0.0.0.0:4444", IIS, &www)
        // http bindings get no certificate.
        .binding("h", "http", "*:80:other.example.org", 0)
        .certificate(&wildcard)
        .certificate(&www)
        .certificate(&legacy)
        .certificate(&address);
    assert_eq!(report(&findings(builder), Code::CertificateNameMismatch), "");

    let no_sslcert = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .certificate(&www)
        .without_mappings();
    assert_eq!(report(&findings(no_sslcert), Code::CertificateNameMismatch), "");
}

//! Where `weak-certificate` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{SETTINGS, findings, report};
use crate::support::{
    IIS, MachineBuilder, RSA1024_SHA1_DER, RSA2048_SHA256_DER, certificate, certificate_cn_only,
    certificate_from_hex,
};

#[test]
fn every_weakness_of_a_certificate_is_listed_in_one_finding() {
    let legacy = certificate_from_hex(RSA1024_SHA1_DER, "legacy");
    let intranet = certificate_cn_only("intranet", (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("legacy", "https", "*:443:legacy.example.test", 0)
        .binding("intranet", "https", "*:8443:", 0)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &legacy)
        .mapping_of("IP:port", "0.0.0.0:8443", IIS, &intranet)
        .certificate(&legacy)
        .certificate(&intranet);
    let repoint = |port: u16| {
        format!(
            "  netsh http update sslcert ipport=0.0.0.0:{port} \
             certhash=<THUMBPRINT> appid=\"{IIS}\" certstorename=MY {SETTINGS}\n"
        )
    };
    assert_eq!(
        report(&findings(builder), Code::WeakCertificate),
        format!(
            "warning site=intranet binding=*:8443: mapping=0.0.0.0:8443 cert={}: ip mapping `0.0.0.0:8443` (used by \
             site `intranet`, binding `*:8443:`) maps certificate `intranet` ({}), which is weak: no SAN DNS name, so \
             Chrome 58 and later ignore its common name\n\
             fix: replace it with a certificate that has its host names as SAN DNS names, then re-point the mapping to \
             it (elevated)\n{}\
             warning site=legacy binding=*:443:legacy.example.test mapping=0.0.0.0:443 cert=24D88623: ip mapping \
             `0.0.0.0:443` (used by site `legacy`, binding `*:443:legacy.example.test`) maps certificate \
             `legacy.example.test` (24D8862395855C6720FAD0CEDD157D5C5A71D9FF), which is weak: a 1024-bit RSA key, a \
             SHA-1 signature (sha1WithRSAEncryption) and no SAN DNS name, so Chrome 58 and later ignore its common \
             name\n\
             fix: replace it with a certificate that has an RSA key of at least 2048 bits (or an ECDSA key), a \
             SHA-256 or stronger signature and its host names as SAN DNS names, then re-point the mapping to it \
             (elevated)\n{}",
            &intranet.thumbprint.to_string()[..8],
            intranet.thumbprint,
            repoint(8443),
            repoint(443),
        )
    );
}

#[test]
fn near_misses_rsa_2048_with_sha256_and_san_and_ec_p256_do_not_fire() {
    let rsa = certificate_from_hex(RSA2048_SHA256_DER, "rsa");
    let ec = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:rsa.example.test", 1)
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "rsa.example.test:443", IIS, &rsa)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &ec)
        .certificate(&rsa)
        .certificate(&ec);
    assert_eq!(report(&findings(builder), Code::WeakCertificate), "");
}

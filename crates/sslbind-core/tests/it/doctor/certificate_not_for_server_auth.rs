//! Where `certificate-not-for-server-auth` fires, and the near misses where it must not.

use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, date_time_ymd};
use sslbind_core::doctor::Code;
use sslbind_core::model::Certificate;

use crate::doctor::{SETTINGS, findings, report};
use crate::support::{IIS, MachineBuilder, certificate, certificate_from_params};

/// A certificate for `name` whose extended key usage lists `usages`.
fn with_usages(name: &str, usages: Vec<ExtendedKeyUsagePurpose>) -> Certificate {
    let mut params = CertificateParams::new(vec![name.to_owned()]).expect("valid names");
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, name);
    params.distinguished_name = subject;
    params.not_before = date_time_ymd(2025, 1, 1);
    params.not_after = date_time_ymd(2027, 1, 1);
    params.extended_key_usages = usages;
    certificate_from_params(&params, name)
}

#[test]
fn a_client_authentication_certificate_mapped_for_a_server_fires() {
    let client = with_usages(
        "a.example.com",
        vec![ExtendedKeyUsagePurpose::ClientAuth, ExtendedKeyUsagePurpose::EmailProtection],
    );
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &client)
        .certificate(&client);
    assert_eq!(
        report(&findings(builder), Code::CertificateNotForServerAuth),
        format!(
            "warning site=a binding=*:443:a.example.com mapping=a.example.com:443 cert={}: sni mapping \
             `a.example.com:443` (used by site `a`, binding `*:443:a.example.com`) maps certificate `a.example.com` \
             ({}), whose extended key usage (clientAuth, emailProtection) does not include serverAuth, so clients \
             refuse it for a TLS server\n\
             fix: replace it with a certificate issued for server authentication (serverAuth, 1.3.6.1.5.5.7.3.1), \
             then re-point the mapping to it (elevated)\n  \
             netsh http update sslcert hostnameport=a.example.com:443 certhash=<THUMBPRINT> appid=\"{IIS}\" \
             certstorename=MY {SETTINGS}\n",
            &client.thumbprint.to_string()[..8],
            client.thumbprint,
        )
    );
}

#[test]
fn near_misses_no_extension_server_auth_and_any_usage_do_not_fire() {
    let unrestricted = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let server = with_usages(
        "b.example.com",
        vec![ExtendedKeyUsagePurpose::ClientAuth, ExtendedKeyUsagePurpose::ServerAuth],
    );
    let any = with_usages("c.example.com", vec![ExtendedKeyUsagePurpose::Any]);
    let builder = MachineBuilder::new()
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &unrestricted)
        .mapping_of("IP:port", "0.0.0.0:444", IIS, &server)
        .mapping_of("IP:port", "0.0.0.0:445", IIS, &any)
        .certificate(&unrestricted)
        .certificate(&server)
        .certificate(&any);
    assert_eq!(report(&findings(builder), Code::CertificateNotForServerAuth), "");
}

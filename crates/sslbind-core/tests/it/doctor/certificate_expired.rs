//! Where `certificate-expired` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{SETTINGS, findings, report};
use crate::support::{EXPRESS, IIS, MachineBuilder, certificate};

#[test]
fn an_expired_certificate_shared_by_two_sites_is_re_pointed_to_its_replacement() {
    let old = certificate(&["a.example.com", "b.example.com"], (2024, 1, 1), (2026, 1, 1));
    let new = certificate(&["a.example.com"], (2026, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:", 0)
        .binding("b", "https", "*:443:b.example.com", 0)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &old)
        .certificate(&old)
        .certificate(&new);
    assert_eq!(
        report(&findings(builder), Code::CertificateExpired),
        format!(
            "error site=- binding=- mapping=0.0.0.0:443 cert={}: ip mapping `0.0.0.0:443` (used by site `a`, binding \
             `*:443:`; site `b`, binding `*:443:b.example.com`) maps certificate `a.example.com` ({}), which expired on \
             2026-01-01, so clients reject it\n\
             fix: re-point the mapping to certificate `a.example.com` ({}), valid until 2027-01-01 (elevated)\n  \
             netsh http update sslcert ipport=0.0.0.0:443 certhash={} appid=\"{IIS}\" certstorename=MY {SETTINGS}\n",
            &old.thumbprint.to_string()[..8],
            old.thumbprint,
            new.thumbprint,
            new.thumbprint.to_string().to_ascii_lowercase(),
        )
    );
}

#[test]
fn a_certificate_not_valid_yet_fires_with_its_start_date_and_a_renewal_fix() {
    let early = certificate(&["c.example.com"], (2026, 9, 1), (2027, 9, 1));
    let builder = MachineBuilder::new()
        .binding("c", "https", "*:443:c.example.com", 1)
        .mapping_with(
            "Hostname:port",
            "c.example.com:443",
            IIS,
            &early.thumbprint.to_string(),
            "WebHosting",
            &[],
        )
        .certificate(&early);
    assert_eq!(
        report(&findings(builder), Code::CertificateExpired),
        format!(
            "error site=c binding=*:443:c.example.com mapping=c.example.com:443 cert={}: sni mapping `c.example.com:443` \
             (used by site `c`, binding `*:443:c.example.com`) maps certificate `c.example.com` ({}), which is not \
             valid until 2026-09-01, so clients reject it\n\
             fix: renew certificate `c.example.com` ({}), import the new certificate into the LocalMachine store, and \
             re-point the mapping to it (elevated)\n  \
             netsh http update sslcert hostnameport=c.example.com:443 certhash=<THUMBPRINT> appid=\"{IIS}\" \
             certstorename=WebHosting {SETTINGS}\n",
            &early.thumbprint.to_string()[..8],
            early.thumbprint,
            early.thumbprint,
        )
    );
}

#[test]
fn reserved_iis_express_mappings_sharing_the_development_certificate_are_one_finding() {
    let development = certificate(&["localhost"], (2021, 1, 1), (2026, 1, 1));
    let builder = MachineBuilder::new()
        .binding("web", "https", "*:44300:localhost", 0)
        .mapping_of("IP:port", "0.0.0.0:44300", EXPRESS, &development)
        .mapping_of("IP:port", "0.0.0.0:44301", EXPRESS, &development)
        .mapping_of("IP:port", "0.0.0.0:44302", EXPRESS, &development)
        .mapping_of("IP:port", "0.0.0.0:44399", EXPRESS, &development)
        .certificate(&development)
        .iis_express();
    let short = &development.thumbprint.to_string()[..8];
    let hash = development.thumbprint;
    let renew = format!(
        "renew certificate `localhost` ({hash}), import the new certificate into the LocalMachine store, and re-point"
    );
    let add = |port: u16| {
        format!(
            "  netsh http update sslcert ipport=0.0.0.0:{port} \
             certhash=<THUMBPRINT> appid=\"{EXPRESS}\" certstorename=MY {SETTINGS}\n"
        )
    };
    assert_eq!(
        report(&findings(builder), Code::CertificateExpired),
        format!(
            "error site=- binding=- mapping=0.0.0.0:44301 cert={short}: 3 reserved IIS Express mappings on ports \
             44301-44399 share certificate `localhost` ({hash}), which expired on 2026-01-01, so clients reject it\n\
             fix: {renew} the 3 mappings to it (elevated)\n{}{}{}\
             error site=web binding=*:44300:localhost mapping=0.0.0.0:44300 cert={short}: ip mapping `0.0.0.0:44300` \
             (used by site `web`, binding `*:44300:localhost`) maps certificate `localhost` ({hash}), which expired on \
             2026-01-01, so clients reject it\n\
             fix: {renew} the mapping to it (elevated)\n{}",
            add(44301),
            add(44302),
            add(44399),
            add(44300),
        )
    );
}

#[test]
fn near_misses_valid_expiring_boundary_and_unknown_certificates_do_not_fire() {
    let valid = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    let expiring = certificate(&["b.example.com"], (2025, 1, 1), (2026, 6, 10));
    // Valid from and until the very moment judged at: both ends are inclusive.
    let starts_now = certificate(&["c.example.com"], (2026, 6, 1), (2027, 6, 1));
    let ends_now = certificate(&["d.example.com"], (2025, 6, 1), (2026, 6, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &valid)
        .mapping_of("Hostname:port", "b.example.com:443", IIS, &expiring)
        .mapping_of("Hostname:port", "c.example.com:443", IIS, &starts_now)
        .mapping_of("Hostname:port", "d.example.com:443", IIS, &ends_now)
        .mapping("Hostname:port", "e.example.com:443", IIS)
        .certificate(&valid)
        .certificate(&expiring)
        .certificate(&starts_now)
        .certificate(&ends_now);
    assert_eq!(report(&findings(builder), Code::CertificateExpired), "");
}

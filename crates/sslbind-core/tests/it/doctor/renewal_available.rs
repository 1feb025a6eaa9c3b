//! Where `renewal-available` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{SETTINGS, findings, report};
use crate::support::{ADFS, EXPRESS, IIS, MachineBuilder, certificate};

#[test]
fn every_mapping_of_the_old_certificate_is_re_pointed_keeping_key_store_and_app_id() {
    let old = certificate(&["a.example.com", "www.example.com"], (2025, 6, 20), (2026, 6, 20));
    let renewed =
        certificate(&["a.example.com", "www.example.com", "b.example.com"], (2026, 5, 1), (2027, 5, 1));
    let hash = old.thumbprint.to_string();
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:443:www.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &old)
        .mapping_with("Hostname:port", "www.example.com:443", ADFS, &hash, "WebHosting", &[])
        .certificate(&old)
        .certificate(&renewed);
    let new = renewed.thumbprint.to_string().to_ascii_lowercase();
    assert_eq!(
        report(&findings(builder), Code::RenewalAvailable),
        format!(
            "\
warning site=a binding=- mapping=a.example.com:443 cert={}: sni mapping `a.example.com:443` (used by site `a`, binding `*:443:a.example.com`) and sni mapping `www.example.com:443` (used by site `a`, binding `*:443:www.example.com`) share certificate `a.example.com` ({hash}), which expires on 2026-06-20, in 19 days, while certificate `a.example.com` ({}), valid until 2027-05-01, covers all its names (`a.example.com`, `www.example.com`)
fix: re-point the 2 mappings of the old certificate to certificate `a.example.com` ({}) (elevated)
  netsh http update sslcert hostnameport=a.example.com:443 certhash={new} appid=\"{IIS}\" certstorename=MY {SETTINGS}
  netsh http update sslcert hostnameport=www.example.com:443 certhash={new} appid=\"{ADFS}\" certstorename=WebHosting {SETTINGS}
",
            &hash[..8],
            renewed.thumbprint,
            renewed.thumbprint,
        )
    );
}

#[test]
fn an_expired_development_certificate_is_one_finding_for_all_its_mappings() {
    let development = certificate(&["localhost"], (2021, 1, 1), (2026, 1, 1));
    let renewed = certificate(&["localhost"], (2026, 1, 1), (2031, 1, 1));
    let builder = MachineBuilder::new()
        .binding("web", "https", "*:44300:localhost", 0)
        .mapping_of("IP:port", "0.0.0.0:44300", EXPRESS, &development)
        .mapping_of("IP:port", "0.0.0.0:44301", EXPRESS, &development)
        .mapping_of("IP:port", "0.0.0.0:44302", EXPRESS, &development)
        .certificate(&development)
        .certificate(&renewed)
        .iis_express();
    let new = renewed.thumbprint.to_string().to_ascii_lowercase();
    let repoint = |port: u16| {
        format!(
            "  netsh http update sslcert ipport=0.0.0.0:{port} \
             certhash={new} appid=\"{EXPRESS}\" certstorename=MY {SETTINGS}\n"
        )
    };
    assert_eq!(
        report(&findings(builder), Code::RenewalAvailable),
        format!(
            "warning site=web binding=*:44300:localhost mapping=0.0.0.0:44300 cert={}: ip mapping `0.0.0.0:44300` \
             (used by site `web`, binding `*:44300:localhost`) and 2 reserved IIS Express mappings on ports \
             44301-44302 share certificate `localhost` ({}), which expired on 2026-01-01, while certificate \
             `localhost` ({}), valid until 2031-01-01, covers all its names (`localhost`)\n\
             fix: re-point the 3 mappings of the old certificate to certificate `localhost` ({}) (elevated)\n{}{}{}",
            &development.thumbprint.to_string()[..8],
            development.thumbprint,
            renewed.thumbprint,
            renewed.thumbprint,
            repoint(44300),
            repoint(44301),
            repoint(44302),
        )
    );
}

#[test]
fn near_misses_fewer_names_shorter_lived_not_yet_valid_or_no_successor_do_not_fire() {
    let old = certificate(&["a.example.com", "www.example.com"], (2025, 6, 20), (2026, 6, 20));
    let fewer_names = certificate(&["a.example.com"], (2026, 5, 1), (2027, 5, 1));
    let shorter_lived = certificate(&["a.example.com", "www.example.com"], (2026, 5, 1), (2026, 6, 10));
    let not_yet_valid = certificate(&["a.example.com", "www.example.com"], (2026, 7, 1), (2027, 7, 1));
    let other_names = certificate(&["b.example.com"], (2026, 5, 1), (2027, 5, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &old)
        .certificate(&old)
        .certificate(&fewer_names)
        .certificate(&shorter_lived)
        .certificate(&not_yet_valid)
        .certificate(&other_names);
    assert_eq!(report(&findings(builder), Code::RenewalAvailable), "");

    // A newer certificate does not matter while the mapped one is far from expiry.
    let healthy = certificate(&["b.example.com"], (2026, 1, 1), (2026, 12, 1));
    let newer = certificate(&["b.example.com"], (2026, 5, 1), (2027, 5, 1));
    let builder = MachineBuilder::new()
        .binding("b", "https", "*:443:b.example.com", 1)
        .mapping_of("Hostname:port", "b.example.com:443", IIS, &healthy)
        .certificate(&healthy)
        .certificate(&newer);
    assert_eq!(report(&findings(builder), Code::RenewalAvailable), "");
}

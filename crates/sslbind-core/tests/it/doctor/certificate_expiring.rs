//! Where `certificate-expiring` fires, and the near misses where it must not.

use rcgen::{CertificateParams, DistinguishedName, DnType, date_time_ymd};
use sslbind_core::doctor::Code;

use crate::doctor::{SETTINGS, findings, report};
use crate::support::{IIS, MachineBuilder, certificate, certificate_from_params};

#[test]
fn a_certificate_expiring_within_the_window_fires_with_its_replacement() {
    let old = certificate(&["a.example.com"], (2025, 6, 15), (2026, 6, 15));
    let renewed = certificate(&["a.example.com"], (2026, 5, 15), (2027, 6, 15));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &old)
        .certificate(&old)
        .certificate(&renewed);
    assert_eq!(
        report(&findings(builder), Code::CertificateExpiring),
        format!(
            "warning site=a binding=*:443:a.example.com mapping=a.example.com:443 cert={}: sni mapping \
             `a.example.com:443` (used by site `a`, binding `*:443:a.example.com`) maps certificate `a.example.com` \
             ({}), which expires on 2026-06-15, in 14 days\n\
             fix: re-point the mapping to certificate `a.example.com` ({}), valid until 2027-06-15 (elevated)\n  \
             netsh http update sslcert hostnameport=a.example.com:443 certhash={} appid=\"{IIS}\" certstorename=MY {SETTINGS}\n",
            &old.thumbprint.to_string()[..8],
            old.thumbprint,
            renewed.thumbprint,
            renewed.thumbprint.to_string().to_ascii_lowercase(),
        )
    );
}

#[test]
fn the_window_is_inclusive_exactly_thirty_days_fires_and_one_second_more_does_not() {
    let exactly = certificate(&["a.example.com"], (2025, 7, 1), (2026, 7, 1));
    let mut params = CertificateParams::new(vec!["b.example.com".to_owned()]).expect("valid names");
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, "b.example.com");
    params.distinguished_name = subject;
    params.not_before = date_time_ymd(2025, 7, 1);
    params.not_after = date_time_ymd(2026, 7, 1) + time::Duration::seconds(1);
    let one_second_more = certificate_from_params(&params, "b.example.com");
    let builder = MachineBuilder::new()
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &exactly)
        .mapping_of("IP:port", "0.0.0.0:8443", IIS, &one_second_more)
        .certificate(&exactly)
        .certificate(&one_second_more);
    assert_eq!(
        report(&findings(builder), Code::CertificateExpiring),
        format!(
            "warning site=- binding=- mapping=0.0.0.0:443 cert={}: ip mapping `0.0.0.0:443` (idle: no binding uses it) \
             maps certificate `a.example.com` ({}), which expires on 2026-07-01, in 30 days\n\
             fix: renew certificate `a.example.com` ({}), import the new certificate into the LocalMachine store, and \
             re-point the mapping to it (elevated)\n  \
             netsh http update sslcert ipport=0.0.0.0:443 certhash=<THUMBPRINT> appid=\"{IIS}\" certstorename=MY {SETTINGS}\n",
            &exactly.thumbprint.to_string()[..8],
            exactly.thumbprint,
            exactly.thumbprint,
        )
    );
}

#[test]
fn a_certificate_ending_at_the_moment_judged_expires_within_a_day() {
    let ends_now = certificate(&["a.example.com"], (2025, 6, 1), (2026, 6, 1));
    let builder =
        MachineBuilder::new().mapping_of("IP:port", "0.0.0.0:443", IIS, &ends_now).certificate(&ends_now);
    let report = report(&findings(builder), Code::CertificateExpiring);
    assert!(report.contains("which expires on 2026-06-01, within a day\n"), "{report}");
}

#[test]
fn near_misses_expired_not_yet_valid_and_long_lived_certificates_do_not_fire() {
    let expired = certificate(&["a.example.com"], (2025, 1, 1), (2026, 5, 31));
    let early = certificate(&["b.example.com"], (2026, 6, 2), (2026, 6, 20));
    let long = certificate(&["c.example.com"], (2026, 1, 1), (2026, 7, 2));
    let builder = MachineBuilder::new()
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &expired)
        .mapping_of("IP:port", "0.0.0.0:444", IIS, &early)
        .mapping_of("IP:port", "0.0.0.0:445", IIS, &long)
        .certificate(&expired)
        .certificate(&early)
        .certificate(&long);
    assert_eq!(report(&findings(builder), Code::CertificateExpiring), "");
}

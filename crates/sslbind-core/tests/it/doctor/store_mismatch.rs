//! Where `store-mismatch` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;
use sslbind_core::model::Certificate;

use crate::doctor::{SETTINGS, findings, report};
use crate::support::{IIS, MachineBuilder, certificate};

/// `certificate` as found in the LocalMachine `store`.
fn in_store(certificate: &Certificate, store: &str) -> Certificate {
    Certificate { store: Some(store.to_owned()), ..certificate.clone() }
}

#[test]
fn mappings_naming_another_store_than_the_certificates_fire_and_are_re_created_there() {
    let a = in_store(&certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1)), "WebHosting");
    let hash = a.thumbprint.to_string();
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("b", "https", "*:443:", 0)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &a)
        .mapping_with("IP:port", "0.0.0.0:443", IIS, &hash, "(null)", &[])
        .certificate(&a);
    let short = &hash[..8];
    let lower = hash.to_ascii_lowercase();
    assert_eq!(
        report(&findings(builder), Code::StoreMismatch),
        format!(
            "\
warning site=a binding=*:443:a.example.com mapping=a.example.com:443 cert={short}: sni mapping `a.example.com:443` (used by site `a`, binding `*:443:a.example.com`) maps certificate `a.example.com` ({hash}) from store `MY`, but the certificate is in store `WebHosting`, so HTTP.sys cannot load it and clients get a connection reset
fix: re-point the mapping to store `WebHosting`, which holds the certificate (elevated)
  netsh http update sslcert hostnameport=a.example.com:443 certhash={lower} appid=\"{IIS}\" certstorename=WebHosting {SETTINGS}
warning site=b binding=*:443: mapping=0.0.0.0:443 cert={short}: ip mapping `0.0.0.0:443` (used by site `b`, binding `*:443:`) maps certificate `a.example.com` ({hash}) from store `MY` (it names none, which HTTP.sys reads as `MY`), but the certificate is in store `WebHosting`, so HTTP.sys cannot load it and clients get a connection reset
fix: re-point the mapping to store `WebHosting`, which holds the certificate (elevated)
  netsh http update sslcert ipport=0.0.0.0:443 certhash={lower} appid=\"{IIS}\" certstorename=WebHosting {SETTINGS}
"
        )
    );
}

#[test]
fn near_misses_unknown_store_case_only_difference_and_a_copy_in_the_right_store_do_not_fire() {
    // From a file: the store is unknown.
    let from_file = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    // Store names are case-insensitive.
    let lower_case = in_store(&certificate(&["b.example.com"], (2025, 1, 1), (2027, 1, 1)), "my");
    // The same certificate in two stores, one of them the mapping's.
    let both = certificate(&["c.example.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:443:b.example.com", 1)
        .binding("a", "https", "*:443:c.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &from_file)
        .mapping_of("Hostname:port", "b.example.com:443", IIS, &lower_case)
        .mapping_with(
            "Hostname:port",
            "c.example.com:443",
            IIS,
            &both.thumbprint.to_string(),
            "WebHosting",
            &[],
        )
        .mapping("Hostname:port", "d.example.com:443", IIS)
        .certificate(&from_file)
        .certificate(&lower_case)
        .certificate(&in_store(&both, "MY"))
        .certificate(&in_store(&both, "WEBHOSTING"));
    assert_eq!(report(&findings(builder), Code::StoreMismatch), "");
}

//! Where `exchange-backend-binding` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{findings, report};
use crate::support::{IIS, MachineBuilder};

#[test]
fn the_back_end_bound_to_one_address_fires_with_the_rebinding() {
    let builder = MachineBuilder::new()
        .binding("Default Web Site", "https", "*:443:", 0)
        .binding("Exchange Back End", "http", "*:81:", 0)
        .binding("Exchange Back End", "https", "192.168.10.48:444:", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .mapping("IP:port", "192.168.10.48:444", IIS);
    assert_eq!(
        report(&findings(builder), Code::ExchangeBackendBinding),
        "\
error site=Exchange Back End binding=192.168.10.48:444: mapping=192.168.10.48:444 cert=-: site `Exchange Back End`, binding `192.168.10.48:444:` binds Exchange's back end to 192.168.10.48 only; with Extended Protection the front end's proxied requests fail with SEC_E_BAD_BINDINGS: it must be `*:444:`
fix: bind the back end to all unassigned addresses (`*:444:`), after checking that the mapping `0.0.0.0:444` holds the Exchange certificate
  %windir%\\system32\\inetsrv\\appcmd.exe set site /site.name:\"Exchange Back End\" \"/bindings.[protocol='https',bindingInformation='192.168.10.48:444:'].bindingInformation:*:444:\"
"
    );
}

#[test]
fn near_misses_all_unassigned_another_port_another_site_and_http() {
    let builder = MachineBuilder::new()
        .binding("Exchange Back End", "https", "*:444:", 0)
        .binding("exchange back end", "https", "10.0.0.5:4444:", 0)
        .binding("Exchange Back End", "http", "10.0.0.5:444:", 0)
        .binding("Default Web Site", "https", "10.0.0.5:444:", 0)
        .mapping("IP:port", "0.0.0.0:444", IIS)
        .mapping("IP:port", "10.0.0.5:444", IIS)
        .mapping("IP:port", "10.0.0.5:4444", IIS);
    assert_eq!(report(&findings(builder), Code::ExchangeBackendBinding), "");
}

#[test]
fn a_missing_certificate_on_the_back_end_mapping_names_exchange_s_symptoms_and_on_443_does_not() {
    let other = crate::support::certificate(&["mail.example.com"], (2026, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("Default Web Site", "https", "*:443:", 0)
        .binding("Exchange Back End", "https", "*:444:", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .mapping("IP:port", "0.0.0.0:444", IIS)
        .certificate(&other);
    let found = findings(builder);
    let missing: Vec<&sslbind_core::doctor::Finding> =
        found.iter().filter(|finding| finding.code == Code::CertificateNotFound).collect();
    assert_eq!(missing.len(), 2, "{missing:#?}");
    let on = |key: &str| {
        missing
            .iter()
            .find(|finding| finding.mapping.as_ref().is_some_and(|mapping| mapping.to_string() == key))
            .unwrap_or_else(|| panic!("a finding on {key}"))
    };
    assert!(on("0.0.0.0:444").message.contains("blank page after sign-in"), "{}", on("0.0.0.0:444").message);
    assert!(on("0.0.0.0:444").message.contains("HttpEvent 15021"));
    assert!(!on("0.0.0.0:443").message.contains("15021"), "{}", on("0.0.0.0:443").message);
}

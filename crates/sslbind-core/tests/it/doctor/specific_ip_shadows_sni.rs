//! Where `specific-ip-shadows-sni` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{findings, report};
use crate::support::{ADFS, IIS, MachineBuilder, certificate};

#[test]
fn unused_specific_mappings_on_an_sni_port_fire_once_each_with_a_deletion() {
    let old = certificate(&["old.example.com"], (2024, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("b", "https", "*:443:b.example.com", 2)
        .binding("c", "https", "10.0.0.9:443:c.example.com", 1)
        .mapping_of("IP:port", "10.0.0.5:443", IIS, &old)
        .mapping("IP:port", "10.0.0.6:443", ADFS)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping("Central Certificate Store", "443", IIS)
        .mapping("Hostname:port", "c.example.com:443", IIS)
        .certificate(&old);
    let found = findings(builder);
    assert_eq!(
        report(&found, Code::SpecificIpShadowsSni),
        format!(
            "\
warning site=a binding=*:443:a.example.com mapping=10.0.0.5:443 cert={old8}: ip mapping `10.0.0.5:443` with certificate `old.example.com` ({old}) answers clients that reach 10.0.0.5 on port 443 before SNI is looked at (assumed order: a specific IP:port is tried first), so site `a`, binding `*:443:a.example.com` and site `b`, binding `*:443:b.example.com` get that certificate there instead of their SNI or CCS certificate
fix: delete the mapping, which no binding needs (elevated)
  netsh http delete sslcert ipport=10.0.0.5:443
warning site=a binding=*:443:a.example.com mapping=10.0.0.6:443 cert={adfs8}: ip mapping `10.0.0.6:443` with certificate {adfs} answers clients that reach 10.0.0.6 on port 443 before SNI is looked at (assumed order: a specific IP:port is tried first), so site `a`, binding `*:443:a.example.com` and site `b`, binding `*:443:b.example.com` get that certificate there instead of their SNI or CCS certificate
fix: delete the mapping if AD FS / WAP no longer needs it (elevated)
  netsh http delete sslcert ipport=10.0.0.6:443
",
            old = old.thumbprint,
            old8 = &old.thumbprint.to_string()[..8],
            adfs = crate::support::made_up_hash("10.0.0.6:443").to_ascii_uppercase(),
            adfs8 = &crate::support::made_up_hash("10.0.0.6:443").to_ascii_uppercase()[..8],
        )
    );
    let finding = found.iter().find(|finding| finding.code == Code::SpecificIpShadowsSni).unwrap();
    let sources: Vec<String> = finding.sources.iter().map(ToString::to_string).collect();
    assert_eq!(sources, ["test.config:6", "sslcert.txt:4", "certs/old.example.com.cer:1", "test.config:11"]);
}

#[test]
fn a_mapping_in_use_is_replaced_by_sni_mappings_before_it_goes() {
    let d = certificate(&["d.example.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("d", "https", "10.0.0.5:443:d.example.com", 0)
        .binding("s", "https", "10.0.0.5:443:s.example.com", 1)
        .mapping_of("IP:port", "10.0.0.5:443", IIS, &d)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .certificate(&d);
    assert_eq!(
        report(&findings(builder), Code::SpecificIpShadowsSni),
        format!(
            "\
warning site=a binding=*:443:a.example.com mapping=10.0.0.5:443 cert={d8}: ip mapping `10.0.0.5:443` with certificate `d.example.com` ({d}) answers clients that reach 10.0.0.5 on port 443 before SNI is looked at (assumed order: a specific IP:port is tried first), so site `a`, binding `*:443:a.example.com` and site `s`, binding `10.0.0.5:443:s.example.com` get that certificate there instead of their SNI certificate
fix: make the bindings that use `10.0.0.5:443` SNI with mappings of their own, then delete it (elevated)
  netsh http add sslcert hostnameport=d.example.com:443 certhash={d_lower} appid=\"{IIS}\" certstorename=MY
  %windir%\\system32\\inetsrv\\appcmd.exe set site /site.name:d \"/bindings.[protocol='https',bindingInformation='10.0.0.5:443:d.example.com'].sslFlags:1\"
  netsh http delete sslcert ipport=10.0.0.5:443
",
            d = d.thumbprint,
            d8 = &d.thumbprint.to_string()[..8],
            d_lower = d.thumbprint.to_string().to_ascii_lowercase(),
        )
    );
}

#[test]
fn a_user_without_a_host_name_keeps_the_mapping() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("d", "https", "10.0.0.5:443:d.example.com", 0)
        .binding("e", "https", "10.0.0.5:443:", 0)
        .mapping("IP:port", "10.0.0.5:443", IIS)
        .mapping("Hostname:port", "a.example.com:443", IIS);
    let text = report(&findings(builder), Code::SpecificIpShadowsSni);
    assert!(
        text.contains(
            "fix: make the bindings that use `10.0.0.5:443` SNI with mappings of their own (elevated); site `e`, \
             binding `10.0.0.5:443:` has no host name to use SNI with, so the mapping stays until it moves\n"
        ),
        "{text}"
    );
    assert!(!text.contains("delete sslcert"), "{text}");

    let only_without_host = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("e", "https", "10.0.0.5:443:", 0)
        .mapping("IP:port", "10.0.0.5:443", IIS);
    let text = report(&findings(only_without_host), Code::SpecificIpShadowsSni);
    assert!(
        text.ends_with(
            "fix: site `e`, binding `10.0.0.5:443:` needs `10.0.0.5:443` and has no host name to use SNI with: move \
             it to another address or port, or give it a host name, before deleting the mapping\n"
        ),
        "{text}"
    );
}

#[test]
fn near_misses_other_ports_wildcard_mappings_and_no_sni_on_the_port() {
    let other_port = MachineBuilder::new()
        .binding("a", "https", "*:8443:a.example.com", 1)
        .binding("b", "https", "10.0.0.9:443:b.example.com", 1)
        .mapping("IP:port", "10.0.0.5:443", IIS)
        .mapping("Hostname:port", "a.example.com:8443", IIS);
    assert_eq!(report(&findings(other_port), Code::SpecificIpShadowsSni), "");

    let only_wildcards = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .mapping("IP:port", "[::]:443", IIS)
        .mapping("Hostname:port", "a.example.com:443", IIS);
    assert_eq!(report(&findings(only_wildcards), Code::SpecificIpShadowsSni), "");

    let no_sni = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "http", "*:443:b.example.com", 1)
        .mapping("IP:port", "10.0.0.5:443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    assert_eq!(report(&findings(no_sni), Code::SpecificIpShadowsSni), "");
}

#[test]
fn a_mapping_shadowing_hundreds_of_bindings_names_ten_and_counts_the_rest() {
    let mut builder = MachineBuilder::new();
    for site in 0..300 {
        builder = builder.binding(&format!("s{site}"), "https", &format!("*:443:s{site}.example.com"), 1);
    }
    let builder = builder.mapping("IP:port", "10.0.0.5:443", IIS);
    let found = findings(builder);
    let finding = found.iter().find(|finding| finding.code == Code::SpecificIpShadowsSni).unwrap();
    let named: Vec<&str> = finding.message.matches("site `s").collect();
    assert_eq!(named.len(), 9, "{}", finding.message);
    assert!(
        finding
            .message
            .contains("site `s8`, binding `*:443:s8.example.com` and 291 more get that certificate"),
        "{}",
        finding.message
    );
    assert_eq!(finding.sources.len(), sslbind_core::doctor::MAX_SOURCES);
}

#[test]
fn ten_shadowed_bindings_are_all_named() {
    let mut builder = MachineBuilder::new();
    for site in 0..10 {
        builder = builder.binding(&format!("s{site}"), "https", &format!("*:443:s{site}.example.com"), 1);
    }
    let found = findings(builder.mapping("IP:port", "10.0.0.5:443", IIS));
    let finding = found.iter().find(|finding| finding.code == Code::SpecificIpShadowsSni).unwrap();
    assert!(
        finding.message.contains("site `s8`, binding `*:443:s8.example.com` and site `s9`"),
        "{}",
        finding.message
    );
    assert!(!finding.message.contains("more"), "{}", finding.message);
}

//! Where `foreign-mapping-in-use` fires, and the near misses where it must not.

use sslbind_core::doctor::Code;

use crate::doctor::{SETTINGS, findings, report};
use crate::support::{ADFS, EXPRESS, IIS, MachineBuilder, certificate, made_up_hash};

const SSTP: &str = "{ba195980-cd49-458b-9e23-c84ee0adcd75}";
const UNKNOWN: &str = "{11111111-2222-3333-4444-555555555555}";

#[test]
fn bindings_served_by_other_programs_mappings_fire_once_per_binding() {
    let vpn = certificate(&["vpn.example.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:", 0)
        .binding("a", "https", "*:443:www.example.com", 0)
        .binding("b", "https", "*:8443:b.example.com", 1)
        .mapping_with("IP:port", "0.0.0.0:443", SSTP, &vpn.thumbprint.to_string(), "WebHosting", &[])
        .mapping("IP:port", "0.0.0.0:8443", UNKNOWN)
        .certificate(&vpn);
    let made = made_up_hash("0.0.0.0:8443");
    assert_eq!(
        report(&findings(builder), Code::ForeignMappingInUse),
        format!(
            "\
warning site=a binding=*:443: mapping=0.0.0.0:443 cert={vpn8}: site `a`, binding `*:443:` is served by ip mapping `0.0.0.0:443` with certificate `vpn.example.com` ({vpn}), which belongs to SSTP (RRAS) (AppId {SSTP}), not IIS; a change to it affects both
fix: only if SSTP (RRAS) does not use `0.0.0.0:443`: recreate it under the IIS AppId (elevated); otherwise leave it, since any change to it also changes what SSTP (RRAS) serves
  netsh http delete sslcert ipport=0.0.0.0:443
  netsh http add sslcert ipport=0.0.0.0:443 certhash={vpn_lower} appid=\"{IIS}\" certstorename=WebHosting {SETTINGS}
warning site=a binding=*:443:www.example.com mapping=0.0.0.0:443 cert={vpn8}: site `a`, binding `*:443:www.example.com` is served by ip mapping `0.0.0.0:443` with certificate `vpn.example.com` ({vpn}), which belongs to SSTP (RRAS) (AppId {SSTP}), not IIS; a change to it affects both
fix: only if SSTP (RRAS) does not use `0.0.0.0:443`: recreate it under the IIS AppId (elevated); otherwise leave it, since any change to it also changes what SSTP (RRAS) serves
  netsh http delete sslcert ipport=0.0.0.0:443
  netsh http add sslcert ipport=0.0.0.0:443 certhash={vpn_lower} appid=\"{IIS}\" certstorename=WebHosting {SETTINGS}
warning site=b binding=*:8443:b.example.com mapping=0.0.0.0:8443 cert={made8}: site `b`, binding `*:8443:b.example.com` is served by ip mapping `0.0.0.0:8443` with certificate {made_upper}, which belongs to the program with AppId {UNKNOWN}, not IIS; a change to it affects both
fix: leave `0.0.0.0:8443` to the program with AppId {UNKNOWN} and give the binding its own sni mapping `b.example.com:8443` (elevated)
  netsh http add sslcert hostnameport=b.example.com:8443 certhash={made} appid=\"{IIS}\" certstorename=MY
",
            vpn = vpn.thumbprint,
            vpn8 = &vpn.thumbprint.to_string()[..8],
            vpn_lower = vpn.thumbprint.to_string().to_ascii_lowercase(),
            made_upper = made.to_ascii_uppercase(),
            made8 = &made.to_ascii_uppercase()[..8],
        )
    );
}

#[test]
fn near_misses_iis_owned_mappings_and_foreign_mappings_nobody_uses() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:443:", 0)
        .binding("a", "https", "*:44300:localhost", 0)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .mapping("IP:port", "0.0.0.0:44300", EXPRESS)
        .mapping("IP:port", "0.0.0.0:5986", "{afebb9ad-9b97-4a91-9ab5-daf4d59122f6}")
        .mapping("Hostname:port", "adfs.example.com:443", ADFS);
    assert_eq!(report(&findings(builder), Code::ForeignMappingInUse), "");

    let unknown_mappings = MachineBuilder::new().binding("a", "https", "*:443:", 0).without_mappings();
    assert_eq!(report(&findings(unknown_mappings), Code::ForeignMappingInUse), "");
}

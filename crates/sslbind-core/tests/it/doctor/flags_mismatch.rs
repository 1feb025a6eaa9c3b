//! Where `flags-mismatch` fires, and the near misses where it must not.
//!
//! The netsh reader does not set `Mapping::flags_known` yet, even for records that show the
//! flag lines; the tests that need known flags set it on the built machine, as the reader will
//! for records with those lines.

use sslbind_core::doctor::{Code, Finding};

use crate::doctor::{SETTINGS, findings, report};
use crate::support::{IIS, MachineBuilder, machine_findings, made_up_hash};

/// The flag lines of Windows Server 2019 and later netsh output with `set` ones set.
fn flag_lines(set: &[&str]) -> Vec<String> {
    [
        "Disable HTTP2",
        "Disable QUIC",
        "Disable TLS1.3",
        "Disable OCSP Stapling",
        "Disable Legacy TLS Versions",
        "Disable TLS1.2",
    ]
    .iter()
    .map(|label| format!("{label:<28} : {}", if set.contains(label) { "Set" } else { "Not Set" }))
    .collect()
}

/// The findings with every mapping's flags marked as shown.
fn findings_with_flags_shown(builder: MachineBuilder) -> Vec<Finding> {
    let mut machine = builder.build();
    for mapping in &mut machine.mappings {
        mapping.flags_known = true;
    }
    machine_findings(&machine)
}

#[test]
fn each_disagreeing_setting_is_named_both_ways_with_the_netsh_update_and_the_matching_ssl_flags() {
    let lines = flag_lines(&["Disable QUIC", "Disable TLS1.3"]);
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let hash = made_up_hash("a.example.com:443");
    let builder = MachineBuilder::new()
        // SNI + Disable HTTP/2 + Disable QUIC.
        .binding("a", "https", "*:443:a.example.com", 1 | 4 | 16)
        .mapping_with("Hostname:port", "a.example.com:443", IIS, &hash, "MY", &lines);
    assert_eq!(
        report(&findings_with_flags_shown(builder), Code::FlagsMismatch),
        format!(
            "warning site=a binding=*:443:a.example.com mapping=a.example.com:443 cert={}: site `a`, binding \
             `*:443:a.example.com` (sslFlags 21) is served by sni mapping `a.example.com:443`, whose flags disagree: \
             sslFlags asks for Disable HTTP/2, the mapping does not have disable-http2; the mapping has disable-tls13, \
             sslFlags does not ask for Disable TLS 1.3 over TCP (which mapping flag each sslFlags bit becomes is \
             inferred, not confirmed)\n\
             fix: set the mapping's flags to what sslFlags asks (elevated), or change the binding's sslFlags from 21 \
             to 49\n  \
             netsh http update sslcert hostnameport=a.example.com:443 certhash={hash} appid=\"{IIS}\" certstorename=MY \
             {SETTINGS} dsmapperusage=disable clientcertnegotiation=disable reject=disable disablehttp2=enable \
             disablequic=enable disablelegacytls=disable disabletls12=disable disabletls13=disable \
             disableocspstapling=disable enabletokenbinding=disable logextendedevents=disable \
             enablesessionticket=disable\n",
            &hash[..8].to_ascii_uppercase(),
        )
    );
}

#[test]
fn every_binding_served_by_a_mapping_is_compared_on_its_own() {
    let lines = flag_lines(&["Disable OCSP Stapling", "Disable Legacy TLS Versions"]);
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let hash = made_up_hash("0.0.0.0:443");
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:", 8 | 64)
        .binding("b", "https", "*:443:b.example.com", 0)
        .mapping_with("IP:port", "0.0.0.0:443", IIS, &hash, "MY", &lines);
    assert_eq!(
        report(&findings_with_flags_shown(builder), Code::FlagsMismatch),
        format!(
            "warning site=b binding=*:443:b.example.com mapping=0.0.0.0:443 cert={}: site `b`, binding \
             `*:443:b.example.com` (sslFlags 0) is served by ip mapping `0.0.0.0:443`, whose flags disagree: the \
             mapping has disable-ocsp-stapling, sslFlags does not ask for Disable OCSP Stapling; the mapping has \
             disable-legacy-tls, sslFlags does not ask for Disable Legacy TLS (which mapping flag each sslFlags bit \
             becomes is inferred, not confirmed)\n\
             fix: set the mapping's flags to what sslFlags asks (elevated), or change the binding's sslFlags from 0 to \
             72\n  \
             netsh http update sslcert ipport=0.0.0.0:443 certhash={hash} appid=\"{IIS}\" certstorename=MY \
             {SETTINGS} dsmapperusage=disable clientcertnegotiation=disable reject=disable disablehttp2=disable \
             disablequic=disable disablelegacytls=disable disabletls12=disable disabletls13=disable \
             disableocspstapling=disable enabletokenbinding=disable logextendedevents=disable \
             enablesessionticket=disable\n",
            &hash[..8].to_ascii_uppercase(),
        )
    );
}

#[test]
fn near_misses_equal_bits_other_mapping_bits_and_sni_or_ccs_bits_do_not_fire() {
    let http2 = flag_lines(&["Disable HTTP2", "Disable TLS1.2"]);
    let http2: Vec<&str> = http2.iter().map(String::as_str).collect();
    let none = flag_lines(&[]);
    let none: Vec<&str> = none.iter().map(String::as_str).collect();
    let builder = MachineBuilder::new()
        // Equal: Disable HTTP/2 on both sides; Disable TLS 1.2 has no sslFlags bit and is ignored.
        .binding("a", "https", "*:443:a.example.com", 1 | 4)
        .mapping_with("Hostname:port", "a.example.com:443", IIS, &made_up_hash("a"), "MY", &http2)
        // SNI and CCS bits are not protocol settings.
        .binding("b", "https", "*:443:b.example.com", 1)
        .mapping_with("Hostname:port", "b.example.com:443", IIS, &made_up_hash("b"), "MY", &none)
        .binding("c", "https", "*:8443:c.example.com", 1 | 2)
        .mapping_with("Central Certificate Store", "8443", IIS, "(null)", "(null)", &none)
        // Not served at all: nothing to compare.
        .binding("d", "https", "*:9443:", 4);
    assert_eq!(report(&findings_with_flags_shown(builder), Code::FlagsMismatch), "");
}

#[test]
fn near_miss_older_netsh_output_without_flag_lines_does_not_fire() {
    let builder = MachineBuilder::new().binding("a", "https", "*:443:a.example.com", 1 | 4 | 32).mapping(
        "Hostname:port",
        "a.example.com:443",
        IIS,
    );
    assert_eq!(report(&findings(builder), Code::FlagsMismatch), "");
}

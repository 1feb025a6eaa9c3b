//! The analysis of bindings and mappings together: expected and effective mappings (the
//! selection order), and every mapping status, each with the near-miss that must not match.
//!
//! Machines are written as short tables and turned into a real applicationHost.config and
//! real netsh output, so the tests go through the same readers users do.

use std::fmt::Write as _;

use sslbind_core::analysis::selection::{CcsFiles, UnknownCcsFolder};
use sslbind_core::analysis::{Analysis, analyze};
use sslbind_core::model::Machine;
use sslbind_core::uncertain::SelectionAssumptions;

use crate::support::{ADFS, EXPRESS, IIS, MachineBuilder};

/// `(site, protocol, bindingInformation, sslFlags)`.
type BindingRow<'a> = (&'a str, &'a str, &'a str, u32);
/// `(netsh label, key, AppId)`.
type MappingRow<'a> = (&'a str, &'a str, &'a str);

fn machine(bindings: &[BindingRow], mappings: &[MappingRow]) -> Machine {
    let mut builder = MachineBuilder::new();
    for (site, protocol, information, flags) in bindings {
        builder = builder.binding(site, protocol, information, *flags);
    }
    for (label, key, app_id) in mappings {
        builder = builder.mapping(label, key, app_id);
    }
    builder.build()
}

/// One line per https binding (`binding: expected -> effective [steps]`), then one per
/// mapping (`key status used_by`).
fn summary(machine: &Machine, analysis: &Analysis) -> String {
    let mut out = String::new();
    for binding_analysis in &analysis.bindings {
        let position = binding_analysis.binding;
        let site = &machine.configs[position.config].sites[position.site];
        let binding = &site.bindings[position.binding];
        if !binding.is_https() {
            continue;
        }
        let expected =
            binding_analysis.expected.as_ref().map_or("-".to_owned(), |key| format!("{} {key}", key.kind()));
        let effective = binding_analysis.effective().map_or("none".to_owned(), |position| {
            format!("{} {}", machine.mapping(position).key.kind(), machine.mapping(position).key)
        });
        let steps: Vec<String> = binding_analysis
            .selection
            .iter()
            .flat_map(|selection| &selection.steps)
            .map(|step| format!("{}:{}{}", step.tried.kind(), step.tried, if step.found { "+" } else { "-" }))
            .collect();
        let _ = writeln!(out, "{}: {expected} -> {effective} [{}]", binding.information, steps.join(" "));
    }
    for mapping_analysis in &analysis.mappings {
        let mapping = machine.mapping(mapping_analysis.mapping);
        let users: Vec<String> = mapping_analysis
            .used_by
            .iter()
            .map(|user| {
                machine.configs[user.config].sites[user.site].bindings[user.binding].information.clone()
            })
            .collect();
        let _ = writeln!(
            out,
            "{} {} {} {:?}",
            mapping.key.kind(),
            mapping.key,
            mapping_analysis.status.as_str(),
            users
        );
    }
    out
}

fn check(bindings: &[BindingRow], mappings: &[MappingRow], expected: &str) {
    check_with(bindings, mappings, &UnknownCcsFolder, &SelectionAssumptions::default(), expected);
}

fn check_with(
    bindings: &[BindingRow],
    mappings: &[MappingRow],
    ccs_files: &dyn CcsFiles,
    assumptions: &SelectionAssumptions,
    expected: &str,
) {
    let machine = machine(bindings, mappings);
    let analysis = analyze(&machine, ccs_files, assumptions);
    let got = summary(&machine, &analysis);
    assert_eq!(got.trim(), expected.trim(), "\n--- got ---\n{got}");
}

#[test]
fn sni_binding_uses_its_host_mapping() {
    check(
        &[("a", "https", "*:443:a.example.com", 1)],
        &[("Hostname:port", "a.example.com:443", IIS), ("IP:port", "0.0.0.0:443", IIS)],
        "
*:443:a.example.com: sni a.example.com:443 -> sni a.example.com:443 [sni:a.example.com:443+]
sni a.example.com:443 in-use [\"*:443:a.example.com\"]
ip 0.0.0.0:443 fallback []
",
    );
}

#[test]
fn sni_binding_without_its_mapping_falls_back_to_the_wildcard() {
    check(
        &[("a", "https", "*:443:a.example.com", 1)],
        &[("Hostname:port", "b.example.com:443", IIS), ("IP:port", "0.0.0.0:443", IIS)],
        "
*:443:a.example.com: sni a.example.com:443 -> ip 0.0.0.0:443 [sni:a.example.com:443- scoped-ccs:a.example.com:443- sni:*.example.com:443- ccs:443- ip:0.0.0.0:443+]
sni b.example.com:443 idle []
ip 0.0.0.0:443 in-use [\"*:443:a.example.com\"]
",
    );
}

#[test]
fn sni_host_keys_compare_case_insensitively() {
    check(
        &[("a", "https", "*:443:WWW.Example.COM", 1)],
        &[("Hostname:port", "www.example.com:443", IIS)],
        "
*:443:WWW.Example.COM: sni WWW.Example.COM:443 -> sni www.example.com:443 [sni:WWW.Example.COM:443+]
sni www.example.com:443 in-use [\"*:443:WWW.Example.COM\"]
",
    );
}

#[test]
fn nothing_matching_means_a_reset() {
    check(
        &[("a", "https", "*:443:a.example.com", 1)],
        &[("IP:port", "0.0.0.0:8443", IIS)],
        "
*:443:a.example.com: sni a.example.com:443 -> none [sni:a.example.com:443- scoped-ccs:a.example.com:443- sni:*.example.com:443- ccs:443- ip:0.0.0.0:443-]
ip 0.0.0.0:8443 idle []
",
    );
}

#[test]
fn a_specific_ip_mapping_wins_over_sni_by_default() {
    let bindings = [("a", "https", "10.0.0.5:443:a.example.com", 1)];
    let mappings = [("IP:port", "10.0.0.5:443", IIS), ("Hostname:port", "a.example.com:443", IIS)];
    check(
        &bindings,
        &mappings,
        "
10.0.0.5:443:a.example.com: sni a.example.com:443 -> ip 10.0.0.5:443 [ip:10.0.0.5:443+]
ip 10.0.0.5:443 in-use [\"10.0.0.5:443:a.example.com\"]
sni a.example.com:443 in-use [\"10.0.0.5:443:a.example.com\"]
",
    );
    let sni_first = SelectionAssumptions { specific_ip_before_sni: false, ..SelectionAssumptions::default() };
    check_with(
        &bindings,
        &mappings,
        &UnknownCcsFolder,
        &sni_first,
        "
10.0.0.5:443:a.example.com: sni a.example.com:443 -> sni a.example.com:443 [sni:a.example.com:443+]
ip 10.0.0.5:443 idle []
sni a.example.com:443 in-use [\"10.0.0.5:443:a.example.com\"]
",
    );
}

#[test]
fn an_all_unassigned_binding_never_tries_a_specific_ip() {
    check(
        &[("a", "https", "*:443:", 0)],
        &[("IP:port", "10.0.0.5:443", IIS), ("IP:port", "0.0.0.0:443", IIS)],
        "
*:443:: ip 0.0.0.0:443 -> ip 0.0.0.0:443 [ip:0.0.0.0:443+]
ip 10.0.0.5:443 idle []
ip 0.0.0.0:443 in-use [\"*:443:\"]
",
    );
}

#[test]
fn a_non_sni_binding_with_a_host_is_still_served_by_an_sni_mapping_for_that_host() {
    check(
        &[("a", "https", "*:443:b.example.com", 0)],
        &[("IP:port", "0.0.0.0:443", IIS), ("Hostname:port", "b.example.com:443", IIS)],
        "
*:443:b.example.com: ip 0.0.0.0:443 -> sni b.example.com:443 [sni:b.example.com:443+]
ip 0.0.0.0:443 in-use [\"*:443:b.example.com\"]
sni b.example.com:443 in-use [\"*:443:b.example.com\"]
",
    );
}

#[test]
fn an_ip_literal_host_sends_no_sni() {
    check(
        &[("a", "https", "*:9612:192.168.1.106", 0)],
        &[("Hostname:port", "192.168.1.106:9612", IIS), ("IP:port", "0.0.0.0:9612", IIS)],
        "
*:9612:192.168.1.106: ip 0.0.0.0:9612 -> ip 0.0.0.0:9612 [ip:0.0.0.0:9612+]
sni 192.168.1.106:9612 idle []
ip 0.0.0.0:9612 in-use [\"*:9612:192.168.1.106\"]
",
    );
}

#[test]
fn ipv6_bindings_use_their_own_address_then_the_ipv6_wildcard() {
    check(
        &[("a", "https", "[2001:db8::1]:443:", 0), ("a", "https", "[2001:db8::2]:443:", 0)],
        &[("IP:port", "[2001:db8::1]:443", IIS), ("IP:port", "[::]:443", IIS)],
        "
[2001:db8::1]:443:: ip [2001:db8::1]:443 -> ip [2001:db8::1]:443 [ip:[2001:db8::1]:443+]
[2001:db8::2]:443:: ip [2001:db8::2]:443 -> ip [::]:443 [ip:[2001:db8::2]:443- ip:[::]:443+]
ip [2001:db8::1]:443 in-use [\"[2001:db8::1]:443:\"]
ip [::]:443 in-use [\"[2001:db8::2]:443:\"]
",
    );
}

#[test]
fn ipv4_does_not_fall_back_to_the_ipv6_wildcard_unless_assumed() {
    let bindings = [("a", "https", "*:443:", 0)];
    let mappings = [("IP:port", "[::]:443", IIS)];
    check(
        &bindings,
        &mappings,
        "
*:443:: ip 0.0.0.0:443 -> none [ip:0.0.0.0:443-]
ip [::]:443 idle []
",
    );
    let assumptions =
        SelectionAssumptions { ipv4_falls_back_to_ipv6_wildcard: true, ..SelectionAssumptions::default() };
    check_with(
        &bindings,
        &mappings,
        &UnknownCcsFolder,
        &assumptions,
        "
*:443:: ip 0.0.0.0:443 -> ip [::]:443 [ip:0.0.0.0:443- ip:[::]:443+]
ip [::]:443 in-use [\"*:443:\"]
",
    );
}

struct Folder(&'static [&'static str]);

impl CcsFiles for Folder {
    fn contains(&self, file_name: &str) -> Option<bool> {
        Some(self.0.contains(&file_name))
    }
}

#[test]
fn ccs_bindings_use_the_port_record_when_the_file_exists() {
    let bindings = [("a", "https", "*:443:www.example.com", 3)];
    let mappings = [("Central Certificate Store", "443", IIS), ("IP:port", "0.0.0.0:443", IIS)];
    check(
        &bindings,
        &mappings,
        "
*:443:www.example.com: ccs 443 -> ccs 443 [sni:www.example.com:443- scoped-ccs:www.example.com:443- sni:*.example.com:443- ccs:443+]
ccs 443 in-use [\"*:443:www.example.com\"]
ip 0.0.0.0:443 fallback []
",
    );
    check_with(
        &bindings,
        &mappings,
        &Folder(&["_.example.com.pfx"]),
        &SelectionAssumptions::default(),
        "
*:443:www.example.com: ccs 443 -> ccs 443 [sni:www.example.com:443- scoped-ccs:www.example.com:443- sni:*.example.com:443- ccs:443+]
ccs 443 in-use [\"*:443:www.example.com\"]
ip 0.0.0.0:443 fallback []
",
    );
    check_with(
        &bindings,
        &mappings,
        &Folder(&["example.com.pfx"]),
        &SelectionAssumptions::default(),
        "
*:443:www.example.com: ccs 443 -> ip 0.0.0.0:443 [sni:www.example.com:443- scoped-ccs:www.example.com:443- sni:*.example.com:443- ccs:443+ ip:0.0.0.0:443+]
ccs 443 in-use [\"*:443:www.example.com\"]
ip 0.0.0.0:443 in-use [\"*:443:www.example.com\"]
",
    );
}

#[test]
fn wildcard_sni_keys_serve_one_label_when_assumed() {
    let bindings = [("a", "https", "*:443:www.example.com", 1), ("b", "https", "*:443:a.b.example.com", 1)];
    let mappings = [("Hostname:port", "*.example.com:443", IIS)];
    check(
        &bindings,
        &mappings,
        "
*:443:www.example.com: sni www.example.com:443 -> sni *.example.com:443 [sni:www.example.com:443- scoped-ccs:www.example.com:443- sni:*.example.com:443+]
*:443:a.b.example.com: sni a.b.example.com:443 -> none [sni:a.b.example.com:443- scoped-ccs:a.b.example.com:443- sni:*.b.example.com:443- ccs:443- ip:0.0.0.0:443-]
sni *.example.com:443 in-use [\"*:443:www.example.com\"]
",
    );
    let exact_only =
        SelectionAssumptions { wildcard_sni_keys_match: false, ..SelectionAssumptions::default() };
    check_with(
        &bindings[..1],
        &mappings,
        &UnknownCcsFolder,
        &exact_only,
        "
*:443:www.example.com: sni www.example.com:443 -> none [sni:www.example.com:443- scoped-ccs:www.example.com:443- ccs:443- ip:0.0.0.0:443-]
sni *.example.com:443 idle []
",
    );
}

#[test]
fn a_wildcard_host_binding_expects_and_finds_its_wildcard_key() {
    check(
        &[("a", "https", "*:443:*.example.com", 1)],
        &[("Hostname:port", "*.example.com:443", IIS)],
        "
*:443:*.example.com: sni *.example.com:443 -> sni *.example.com:443 [sni:*.example.com:443+]
sni *.example.com:443 in-use [\"*:443:*.example.com\"]
",
    );
}

#[test]
fn fallback_needs_a_port_whose_https_bindings_are_all_sni() {
    check(
        &[("a", "https", "*:443:a.example.com", 1), ("b", "https", "10.0.0.5:443:", 0)],
        &[
            ("Hostname:port", "a.example.com:443", IIS),
            ("IP:port", "10.0.0.5:443", IIS),
            ("IP:port", "0.0.0.0:443", IIS),
        ],
        "
*:443:a.example.com: sni a.example.com:443 -> sni a.example.com:443 [sni:a.example.com:443+]
10.0.0.5:443:: ip 10.0.0.5:443 -> ip 10.0.0.5:443 [ip:10.0.0.5:443+]
sni a.example.com:443 in-use [\"*:443:a.example.com\"]
ip 10.0.0.5:443 in-use [\"10.0.0.5:443:\"]
ip 0.0.0.0:443 idle []
",
    );
}

#[test]
fn a_wildcard_on_a_port_without_https_bindings_is_not_a_fallback() {
    check(
        &[("a", "http", "*:80:a.example.com", 0)],
        &[("IP:port", "0.0.0.0:80", IIS), ("IP:port", "[::]:8443", ADFS)],
        "
ip 0.0.0.0:80 idle []
ip [::]:8443 foreign []
",
    );
}

#[test]
fn iis_express_reserved_range_is_reserved_only_in_range_with_its_app_id_and_unused() {
    check(
        &[("a", "https", "*:44301:localhost", 0)],
        &[
            ("IP:port", "0.0.0.0:44300", EXPRESS),
            ("IP:port", "0.0.0.0:44301", EXPRESS),
            ("IP:port", "0.0.0.0:44399", EXPRESS),
            ("IP:port", "0.0.0.0:44400", EXPRESS),
            ("IP:port", "0.0.0.0:44299", EXPRESS),
            ("IP:port", "0.0.0.0:44302", IIS),
            ("IP:port", "[::]:44303", EXPRESS),
            ("Hostname:port", "localhost:44304", EXPRESS),
        ],
        "
*:44301:localhost: ip 0.0.0.0:44301 -> ip 0.0.0.0:44301 [sni:localhost:44301- scoped-ccs:localhost:44301- ccs:44301- ip:0.0.0.0:44301+]
ip 0.0.0.0:44300 reserved []
ip 0.0.0.0:44301 in-use [\"*:44301:localhost\"]
ip 0.0.0.0:44399 reserved []
ip 0.0.0.0:44400 idle []
ip 0.0.0.0:44299 idle []
ip 0.0.0.0:44302 idle []
ip [::]:44303 idle []
sni localhost:44304 idle []
",
    );
}

#[test]
fn foreign_mappings_are_foreign_until_an_iis_binding_uses_them() {
    check(
        &[("a", "https", "*:443:sts.example.com", 1)],
        &[
            ("Hostname:port", "sts.example.com:443", ADFS),
            ("Hostname:port", "sts.example.com:49443", ADFS),
            ("IP:port", "0.0.0.0:5986", "{afebb9ad-9b97-4a91-9ab5-daf4d59122f6}"),
            ("IP:port", "0.0.0.0:8172", "{12345678-1234-1234-1234-123456789abc}"),
        ],
        "
*:443:sts.example.com: sni sts.example.com:443 -> sni sts.example.com:443 [sni:sts.example.com:443+]
sni sts.example.com:443 in-use [\"*:443:sts.example.com\"]
sni sts.example.com:49443 foreign []
ip 0.0.0.0:5986 foreign []
ip 0.0.0.0:8172 foreign []
",
    );
}

#[test]
fn non_https_bindings_have_no_mappings() {
    check(
        &[
            ("a", "net.tcp", "808:*", 0),
            ("a", "net.pipe", "*", 0),
            ("a", "ftp", "*:21:", 0),
            ("a", "http", "*:443:", 0),
        ],
        &[("IP:port", "0.0.0.0:443", IIS), ("IP:port", "0.0.0.0:21", IIS)],
        "
ip 0.0.0.0:443 idle []
ip 0.0.0.0:21 idle []
",
    );
}

#[test]
fn without_mappings_only_the_expectation_is_known() {
    let machine =
        MachineBuilder::new().binding("a", "https", "*:443:a.example.com", 1).without_mappings().build();
    let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    assert_eq!(summary(&machine, &analysis).trim(), "*:443:a.example.com: sni a.example.com:443 -> none []");
    assert!(analysis.bindings[0].selection.is_none());
}

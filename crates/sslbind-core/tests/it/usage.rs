//! `analysis::usage`: every consumer of a certificate, and `safe_to_delete` with its reasons.
//! Each case is a machine built from short tables and the exact reasons expected; the near
//! misses (a certificate nothing carries, an idle mapping) must come out safe.

use std::sync::Arc;

use sslbind_core::analysis::analyze;
use sslbind_core::analysis::selection::UnknownCcsFolder;
use sslbind_core::analysis::usage::usage;
use sslbind_core::model::{Certificate, Machine};
use sslbind_core::uncertain::SelectionAssumptions;
use sslbind_core::{Location, Origin};

use crate::support::{IIS, MachineBuilder, certificate};

const WINRM: &str = "{afebb9ad-9b97-4a91-9ab5-daf4d59122f6}";

struct Case {
    name: &'static str,
    machine: fn(&Certificate) -> MachineBuilder,
    safe: bool,
    reasons: &'static [&'static str],
    /// `(mapping key, status)` in mapping order.
    mappings: &'static [(&'static str, &'static str)],
    /// `(site binding, served)` in document order.
    bindings: &'static [(&'static str, bool)],
    twins: &'static [(&'static str, &'static str)],
    notes: usize,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "serves an SNI binding",
            machine: |cert| {
                MachineBuilder::new().binding("shop", "https", "*:443:shop.example.com", 1).mapping_of(
                    "Hostname:port",
                    "shop.example.com:443",
                    IIS,
                    cert,
                )
            },
            safe: false,
            reasons: &["serves site `shop` binding `*:443:shop.example.com`"],
            mappings: &[("shop.example.com:443", "in-use")],
            bindings: &[("shop *:443:shop.example.com", true)],
            twins: &[],
            notes: 0,
        },
        Case {
            name: "the fallback for clients without SNI",
            machine: |cert| {
                MachineBuilder::new()
                    .binding("shop", "https", "*:443:shop.example.com", 1)
                    .mapping("Hostname:port", "shop.example.com:443", IIS)
                    .mapping_of("IP:port", "0.0.0.0:443", IIS, cert)
            },
            safe: false,
            reasons: &["mapping 0.0.0.0:443 is the fallback for clients without SNI on port 443"],
            mappings: &[("0.0.0.0:443", "fallback")],
            bindings: &[],
            twins: &[],
            notes: 0,
        },
        Case {
            name: "owned by WinRM",
            machine: |cert| MachineBuilder::new().mapping_of("IP:port", "0.0.0.0:5986", WINRM, cert),
            safe: false,
            reasons: &["mapping 0.0.0.0:5986 is owned by WinRM"],
            mappings: &[("0.0.0.0:5986", "foreign")],
            bindings: &[],
            twins: &[],
            notes: 0,
        },
        Case {
            name: "IPv4 and IPv6 twins",
            machine: |cert| {
                MachineBuilder::new()
                    .binding("www", "https", "*:443:", 0)
                    .mapping_of("IP:port", "0.0.0.0:443", IIS, cert)
                    .mapping_of("IP:port", "[::]:443", IIS, cert)
            },
            safe: false,
            reasons: &["serves site `www` binding `*:443:`"],
            mappings: &[("0.0.0.0:443", "in-use"), ("[::]:443", "idle")],
            bindings: &[("www *:443:", true)],
            twins: &[("0.0.0.0:443", "[::]:443")],
            notes: 1,
        },
        Case {
            name: "near miss: an idle mapping breaks nothing",
            machine: |cert| {
                MachineBuilder::new()
                    .binding("www", "https", "*:443:", 0)
                    .mapping("IP:port", "0.0.0.0:443", IIS)
                    .mapping_of("IP:port", "0.0.0.0:9443", IIS, cert)
            },
            safe: true,
            reasons: &[],
            mappings: &[("0.0.0.0:9443", "idle")],
            bindings: &[],
            twins: &[],
            notes: 1,
        },
        Case {
            name: "near miss: a certificate nothing carries",
            machine: |_| {
                MachineBuilder::new().binding("www", "https", "*:443:", 0).mapping(
                    "IP:port",
                    "0.0.0.0:443",
                    IIS,
                )
            },
            safe: true,
            reasons: &[],
            mappings: &[],
            bindings: &[],
            twins: &[],
            notes: 0,
        },
    ]
}

fn build(case: &Case, cert: &Certificate) -> Machine {
    (case.machine)(cert).certificate(cert).build()
}

#[test]
fn every_consumer_is_named_and_safe_to_delete_follows() {
    let cert = certificate(&["shop.example.com"], (2025, 1, 1), (2030, 1, 1));
    for case in cases() {
        let machine = build(&case, &cert);
        let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
        let found = usage(&machine, &analysis, cert.thumbprint);
        assert_eq!(found.safe_to_delete, case.safe, "{}", case.name);
        assert_eq!(found.reasons, case.reasons, "{}", case.name);
        assert!(found.certificate.is_some(), "{}", case.name);
        let mappings: Vec<(String, &str)> = found
            .mappings
            .iter()
            .map(|mapping_use| {
                (machine.mapping(mapping_use.mapping).key.to_string(), mapping_use.status.as_str())
            })
            .collect();
        let expected: Vec<(String, &str)> =
            case.mappings.iter().map(|(key, status)| ((*key).to_owned(), *status)).collect();
        assert_eq!(mappings, expected, "{}", case.name);
        let bindings: Vec<(String, bool)> = found
            .bindings
            .iter()
            .map(|binding_use| {
                let site = &machine.configs[binding_use.binding.config].sites[binding_use.binding.site];
                (
                    format!("{} {}", site.name, site.bindings[binding_use.binding.binding].information),
                    binding_use.served,
                )
            })
            .collect();
        let expected: Vec<(String, bool)> =
            case.bindings.iter().map(|(name, served)| ((*name).to_owned(), *served)).collect();
        assert_eq!(bindings, expected, "{}", case.name);
        let twins: Vec<(String, String)> = found
            .twins
            .iter()
            .map(|twins| {
                (machine.mapping(twins.ipv4).key.to_string(), machine.mapping(twins.ipv6).key.to_string())
            })
            .collect();
        let expected: Vec<(String, String)> =
            case.twins.iter().map(|(v4, v6)| ((*v4).to_owned(), (*v6).to_owned())).collect();
        assert_eq!(twins, expected, "{}", case.name);
        assert_eq!(found.notes.len(), case.notes, "{}: {:?}", case.name, found.notes);
        // The list finds every certificate's consumers in one pass; it must say what `usage`
        // says, certificate by certificate.
        let listed = sslbind_core::analysis::usage::certificate_list(&machine, &analysis, None);
        assert!(!listed.is_empty(), "{}", case.name);
        for (certificate, listed_usage) in &listed {
            assert_eq!(listed_usage, &usage(&machine, &analysis, certificate.thumbprint), "{}", case.name);
        }
    }
}

/// A certificate read from the CCS file a CCS binding's host names is a consumer; the same
/// certificate read under another file name (a near miss) is not.
#[test]
fn ccs_files_named_for_a_binding_are_consumers() {
    for (file, consumed) in [("ccs/shop.example.com.pfx", true), ("ccs/other.example.com.pfx", false)] {
        let mut cert = certificate(&["shop.example.com"], (2025, 1, 1), (2030, 1, 1));
        cert.origin = Origin::File(Location::new(&Arc::from(file), 1, 1));
        let machine = MachineBuilder::new()
            .binding("shop", "https", "*:443:shop.example.com", 3)
            .mapping("Central Certificate Store", "443", IIS)
            .certificate(&cert)
            .build();
        let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
        let found = usage(&machine, &analysis, cert.thumbprint);
        let listed = sslbind_core::analysis::usage::certificate_list(&machine, &analysis, None);
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].1, found, "{file}: the list says what usage says");
        assert_eq!(found.safe_to_delete, !consumed, "{file}");
        let files: Vec<&str> = found.ccs_files.iter().map(|use_| use_.file.as_str()).collect();
        if consumed {
            assert_eq!(files, ["shop.example.com.pfx"]);
            assert_eq!(
                found.reasons,
                ["CCS file shop.example.com.pfx serves site `shop` binding `*:443:shop.example.com`"]
            );
        } else {
            assert!(files.is_empty(), "{files:?}");
        }
    }
}

#[test]
fn the_certificate_list_ends_soonest_first_and_keeps_what_ends_by_the_limit() {
    let later = certificate(&["later.example.com"], (2025, 1, 1), (2027, 6, 1));
    let expired = certificate(&["old.example.com"], (2024, 1, 1), (2025, 1, 1));
    let sooner = certificate(&["sooner.example.com"], (2025, 1, 1), (2026, 7, 1));
    let machine =
        MachineBuilder::new().certificate(&later).certificate(&expired).certificate(&sooner).build();
    let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let names = |until| -> Vec<String> {
        sslbind_core::analysis::usage::certificate_list(&machine, &analysis, until)
            .iter()
            .map(|(certificate, _)| certificate.dns_names[0].clone())
            .collect()
    };
    assert_eq!(names(None), ["old.example.com", "sooner.example.com", "later.example.com"]);
    let until = time::macros::datetime!(2026-12-31 0:00 UTC);
    assert_eq!(names(Some(until)), ["old.example.com", "sooner.example.com"]);
}

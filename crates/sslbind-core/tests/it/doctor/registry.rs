//! The code registry: one row per code, names are unique kebab-case, every code has an
//! explanation, the static rules are every code but the probe's, they give the same findings
//! in the same order however the caller runs them, and the generated `docs/diagnostics.md`
//! is up to date.

use sslbind_core::analysis::analyze;
use sslbind_core::analysis::selection::UnknownCcsFolder;
use sslbind_core::doctor::{Code, Context, Finding, Options, Parallelism, diagnostics_markdown, run_all};
use sslbind_core::uncertain::SelectionAssumptions;

use crate::doctor::NOW;
use crate::support::{IIS, MachineBuilder, certificate};

#[test]
fn every_code_has_exactly_one_row() {
    for code in Code::ALL {
        let rows = Code::ALL.iter().filter(|other| other.rule().code == *code).count();
        assert_eq!(rows, 1, "{code} has {rows} rows in the registry");
        assert_eq!(Code::ALL.iter().filter(|other| *other == code).count(), 1, "{code} is listed twice");
        assert_eq!(code.rule().name, code.name());
    }
}

#[test]
fn every_code_but_the_probes_has_a_static_check() {
    let probe_only =
        [Code::ProbeCertificateMismatch, Code::ProbeConnectionReset, Code::ProbeCertificateExpired];
    for code in Code::ALL {
        assert_eq!(code.rule().check.is_none(), probe_only.contains(code), "{code}");
    }
}

#[test]
fn the_rules_find_the_same_in_the_same_order_in_one_pass_or_in_two_halves() {
    let expired = certificate(&["old.example.com"], (2023, 1, 1), (2024, 1, 1));
    let machine = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("b", "https", "*:4443:", 1)
        .binding("c", "http", "www.example.com:80:", 0)
        .binding("d", "https", "*:8443:old.example.com", 0)
        .mapping_of("IP:port", "0.0.0.0:8443", IIS, &expired)
        .mapping_of("IP:port", "0.0.0.0:9443", IIS, &expired)
        .certificate(&expired)
        .build();
    let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let options = Options { now: NOW, expiry_days: 30, ccs_folder_known: false };
    let context =
        Context { machine: &machine, analysis: &analysis, ccs_files: &UnknownCcsFolder, options: &options };
    // What `run_all` appends, before `diagnose` sorts it.
    let found = |parallelism: Parallelism| {
        let mut findings: Vec<Finding> = Vec::new();
        run_all(&context, parallelism, &mut findings);
        findings
    };
    let one_pass = found(Parallelism::Sequential);
    let codes: Vec<Code> = one_pass.iter().map(|finding| finding.code).collect();
    for expected in
        [Code::MissingMapping, Code::CertificateExpired, Code::DuplicateBinding, Code::IdleMapping]
    {
        assert!(codes.contains(&expected), "{expected} in {codes:?}");
    }
    // The second half run first, or on another thread: the first half's findings still come
    // first.
    let backwards = found(Parallelism::Halves(|first, second| {
        let second = second.run();
        (first.run(), second)
    }));
    assert_eq!(backwards, one_pass);
    let threads = found(Parallelism::Halves(|first, second| {
        std::thread::scope(|scope| {
            let other = scope.spawn(|| second.run());
            (first.run(), other.join().expect("the second half does not panic"))
        })
    }));
    assert_eq!(threads, one_pass);
}

#[test]
fn codes_are_unique_kebab_case_and_parse_back() {
    let mut names: Vec<&str> = Code::ALL.iter().map(|code| code.name()).collect();
    for name in &names {
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{name}");
        assert_eq!(Code::parse(name).map(Code::name), Some(*name));
    }
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Code::ALL.len());
    assert_eq!(Code::parse("no-such-code"), None);
}

#[test]
fn every_code_has_an_explanation_paragraph() {
    for code in Code::ALL {
        let explanation = code.explanation();
        assert!(explanation.len() > 200, "{code}: {explanation}");
        assert!(!explanation.contains("not written yet"), "{code}");
    }
}

#[test]
fn every_code_says_what_its_repair_does_or_why_it_is_manual() {
    for code in Code::ALL {
        let why = code.repair_why();
        assert!(why.len() > 20, "{code}: {why:?}");
        // One sentence that the docs and `explain` end with their own full stop.
        assert!(!why.ends_with('.') && !why.contains(". "), "{code}: {why:?}");
        assert_eq!(why.trim(), why, "{code}");
    }
}

#[test]
fn the_codes_repaired_automatically_are_those_the_repair_promises() {
    use sslbind_core::doctor::Repair::{Manual, Safe, Unsafe};
    let expected = [
        (Code::MissingMapping, Safe),
        (Code::CertificateNotFound, Safe),
        (Code::CertificateExpired, Safe),
        (Code::CertificateExpiring, Safe),
        (Code::CertificateNameMismatch, Safe),
        (Code::SharedEndpointCertificate, Unsafe),
        (Code::SniWithoutHost, Manual),
        (Code::DuplicateBinding, Safe),
        (Code::InvalidBinding, Manual),
        (Code::SpecificIpShadowsSni, Manual),
        (Code::NoFallbackCertificate, Manual),
        (Code::IdleMapping, Safe),
        (Code::ForeignMappingInUse, Manual),
        (Code::CcsCertificateMissing, Manual),
        (Code::FlagsMismatch, Manual),
        (Code::StoreMismatch, Safe),
        (Code::RenewalAvailable, Safe),
        (Code::PrivateKeyMissing, Safe),
        (Code::WeakCertificate, Safe),
        (Code::CertificateNotForServerAuth, Safe),
        (Code::ProbeCertificateMismatch, Manual),
        (Code::ProbeConnectionReset, Manual),
        (Code::ProbeCertificateExpired, Manual),
        (Code::MissingUrlReservation, Safe),
        (Code::UrlReservationConflict, Manual),
        (Code::PortExcluded, Manual),
        (Code::ExchangeBackendBinding, Manual),
    ];
    assert_eq!(expected.len(), Code::ALL.len(), "a code without an expected repair");
    for (code, repair) in expected {
        assert_eq!(code.repair(), repair, "{code}");
    }
}

#[test]
fn docs_diagnostics_md_is_generated_from_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md");
    let expected = diagnostics_markdown();
    if std::env::var_os("SSLBIND_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("docs/diagnostics.md is writable");
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == expected,
        "docs/diagnostics.md is stale: run `SSLBIND_UPDATE_DOCS=1 cargo test -p sslbind-core docs_diagnostics`"
    );
}

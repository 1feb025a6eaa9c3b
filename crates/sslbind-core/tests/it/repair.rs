//! `repair`: for every code with an automatic repair, a machine where it fires and is fixed,
//! and near misses where the fix is refused (no candidate, unsafe, reserved, foreign); the
//! plan's order; and a property test over random machines that the plan leaves exactly the
//! machine `after` describes.

use std::collections::BTreeSet;

use proptest::prelude::*;
use sslbind_core::analysis::analyze;
use sslbind_core::analysis::selection::UnknownCcsFolder;
use sslbind_core::doctor::{
    Context, Finding, Options, Overrides, Parallelism, Severity, diagnose, introduced,
};
use sslbind_core::model::{Certificate, Machine, Thumbprint};
use sslbind_core::plan::{MappingOp, planned_machine};
use sslbind_core::repair::{RepairInput, RepairPlan, repair};
use sslbind_core::uncertain::SelectionAssumptions;

use crate::doctor::NOW;
use crate::support::{
    ADFS, EXPRESS, IIS, MachineBuilder, certificate, url_reservation, with_url_reservations,
};

fn options() -> Options {
    Options { now: NOW, expiry_days: 30, ccs_folder_known: false }
}

/// The repair of `machine` (whose one config's text is `text`).
fn repaired(machine: &Machine, text: &str, unsafe_fixes: bool) -> RepairPlan {
    let texts = vec![text.to_owned(); machine.configs.len().min(1)];
    let options = options();
    let input = RepairInput {
        machine,
        config_texts: &texts,
        ccs_files: &UnknownCcsFolder,
        options: &options,
        overrides: &Overrides::default(),
        unsafe_fixes,
        parallelism: Parallelism::Sequential,
    };
    repair(&input).expect("the repair plans")
}

fn build(builder: MachineBuilder) -> (Machine, String) {
    let text = builder.config_xml();
    (builder.build(), text)
}

/// How a report names a certificate: its first name and the year it ends, since test
/// certificates get fresh keys and so fresh thumbprints on every run.
fn name_of(machine: &Machine, hash: Option<Thumbprint>) -> String {
    match hash.and_then(|hash| machine.certificate_with_thumbprint(&hash)) {
        Some(certificate) => format!("{}/{}", certificate.dns_names.join(","), certificate.not_after.year()),
        None => hash.map_or("-".to_owned(), |hash| hash.to_string()[..8].to_owned()),
    }
}

/// The repair as lines a person can check: config lines removed and added, mapping and URL
/// reservation operations, fixes with their applicability, unfixed codes with the start of
/// their reason, and the codes left after.
fn report(machine: &Machine, plan: &RepairPlan) -> String {
    let mut out = String::new();
    for change in &plan.plan.configs {
        // Lines counted, not collected: two sites may have the very same line.
        let mut counts: std::collections::BTreeMap<&str, i32> = std::collections::BTreeMap::new();
        for line in change.before.lines() {
            *counts.entry(line.trim()).or_default() -= 1;
        }
        for line in change.after.lines() {
            *counts.entry(line.trim()).or_default() += 1;
        }
        for (line, count) in counts {
            let sign = if count < 0 { '-' } else { '+' };
            for _ in 0..count.abs() {
                out.push_str(&format!("config {sign} {line}\n"));
            }
        }
    }
    for op in &plan.plan.ops {
        let line = match op {
            MappingOp::Add(mapping) => format!(
                "add {} {} store={}",
                mapping.key,
                name_of(machine, mapping.certificate_hash),
                mapping.effective_store()
            ),
            MappingOp::Replace { before, after } => format!(
                "replace {} {} -> {} store={}",
                after.key,
                name_of(machine, before.certificate_hash),
                name_of(machine, after.certificate_hash),
                after.effective_store()
            ),
            MappingOp::Delete(mapping) => format!("delete {}", mapping.key),
        };
        out.push_str(&format!("op {line}\n"));
    }
    for op in &plan.plan.urlacl_ops {
        out.push_str(&format!("urlacl {}\n", op.netsh_command()));
    }
    for fix in &plan.fixes {
        out.push_str(&format!(
            "fixed {} {} {}\n",
            fix.applicability.as_str(),
            fix.finding.code,
            subject(&fix.finding)
        ));
    }
    for unfixed in plan.unfixed.iter().filter(|unfixed| unfixed.finding.severity >= Severity::Warning) {
        out.push_str(&format!(
            "unfixed {} {}: {}\n",
            unfixed.finding.code,
            subject(&unfixed.finding),
            unfixed.reason
        ));
    }
    // Infos (a port without a fallback certificate) are listed apart: a repair may leave them.
    let after: BTreeSet<String> = plan
        .after
        .iter()
        .filter(|finding| finding.severity >= Severity::Warning)
        .map(|finding| finding.code.to_string())
        .collect();
    out.push_str(&format!("after {}\n", after.into_iter().collect::<Vec<_>>().join(" ")));
    out
}

fn subject(finding: &Finding) -> String {
    match (&finding.binding, &finding.mapping) {
        (Some(binding), _) => binding.clone(),
        (None, Some(mapping)) => mapping.to_string(),
        (None, None) => "-".to_owned(),
    }
}

/// Every property a repair promises, checked on any machine: the plan applied to the model
/// gives exactly `after`; no fixed finding is in it; nothing of warning or error severity is
/// new; a safe-only repair applies no unsafe fix; the operations come adds, replaces, deletes.
fn check_promises(machine: &Machine, plan: &RepairPlan, unsafe_fixes: bool) {
    let planned = planned_machine(machine, &plan.plan).expect("the plan's configs read back");
    let analysis = analyze(&planned, &UnknownCcsFolder, &SelectionAssumptions::default());
    let options = options();
    let context =
        Context { machine: &planned, analysis: &analysis, ccs_files: &UnknownCcsFolder, options: &options };
    let after = diagnose(&context, &Overrides::default(), Parallelism::Sequential);
    assert_eq!(after, plan.after, "the plan applied to the model gives `after`");
    for fix in &plan.fixes {
        assert!(
            !after.iter().any(|finding| finding.identity() == fix.finding.identity()),
            "fixed but still there: {}",
            fix.finding.message
        );
        if !unsafe_fixes {
            assert_eq!(fix.applicability.as_str(), "safe", "{}", fix.summary);
        }
    }
    let brought: Vec<&Finding> = introduced(&plan.before, &after)
        .into_iter()
        .filter(|finding| finding.severity >= Severity::Warning)
        .collect();
    assert!(brought.is_empty(), "new findings: {brought:?}");
    let ranks: Vec<u8> = plan
        .plan
        .ops
        .iter()
        .map(|op| match op {
            MappingOp::Add(_) => 0,
            MappingOp::Replace { .. } => 1,
            MappingOp::Delete(_) => 2,
        })
        .collect();
    assert!(ranks.windows(2).all(|pair| pair[0] <= pair[1]), "{ranks:?}");
    assert_eq!(plan.fixes.len() + plan.unfixed.len(), plan.before.len());
    assert!(plan.plan.refusals.is_empty());
}

/// Runs the repair, checks its promises and returns the report.
fn run(builder: MachineBuilder, unsafe_fixes: bool) -> String {
    let (machine, text) = build(builder);
    run_machine(&machine, &text, unsafe_fixes)
}

fn run_machine(machine: &Machine, text: &str, unsafe_fixes: bool) -> String {
    let plan = repaired(machine, text, unsafe_fixes);
    check_promises(machine, &plan, unsafe_fixes);
    report(machine, &plan)
}

fn valid(names: &[&str]) -> Certificate {
    certificate(names, (2025, 1, 1), (2027, 1, 1))
}

fn in_store(certificate: &Certificate, store: &str, key: Option<bool>) -> Certificate {
    Certificate { store: Some(store.to_owned()), has_private_key: key, ..certificate.clone() }
}

#[test]
fn a_missing_sni_mapping_is_added_with_the_certificate_that_covers_the_host() {
    let cert = in_store(&valid(&["a.example.com"]), "WebHosting", Some(true));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("b", "https", "*:443:", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .certificate(&cert);
    let report = run(builder, false);
    assert!(report.contains("op add a.example.com:443 a.example.com/2027 store=WebHosting\n"), "{report}");
    assert!(report.contains("fixed safe missing-mapping *:443:a.example.com\n"), "{report}");
}

#[test]
fn a_missing_mapping_without_a_covering_certificate_stays_unfixed_with_the_reason() {
    let other = valid(&["other.example.com"]);
    let builder = MachineBuilder::new().binding("a", "https", "*:443:a.example.com", 1).certificate(&other);
    let report = run(builder, false);
    assert!(
        report.contains(
            "unfixed missing-mapping *:443:a.example.com: no certificate covering a.example.com valid on 2026-06-01"
        ),
        "{report}"
    );
    assert!(!report.contains("op "), "{report}");
}

#[test]
fn expired_expiring_unknown_and_keyless_certificates_are_replaced_in_place() {
    let expired = certificate(&["a.example.com", "b.example.com"], (2024, 1, 1), (2026, 1, 1));
    let renewed = valid(&["a.example.com", "b.example.com"]);
    let expiring = certificate(&["c.example.com"], (2025, 1, 1), (2026, 6, 10));
    let longer = valid(&["c.example.com"]);
    let keyless = in_store(&valid(&["d.example.com"]), "MY", Some(false));
    let keyed = in_store(&certificate(&["d.example.com"], (2025, 1, 1), (2026, 12, 1)), "MY", Some(true));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:", 0)
        .binding("b", "https", "*:443:b.example.com", 0)
        .binding("c", "https", "*:443:c.example.com", 1)
        .binding("d", "https", "*:443:d.example.com", 1)
        .binding("e", "https", "*:443:e.example.com", 1)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &expired)
        .mapping_of("Hostname:port", "c.example.com:443", IIS, &expiring)
        .mapping_of("Hostname:port", "d.example.com:443", IIS, &keyless)
        .mapping("Hostname:port", "e.example.com:443", IIS)
        .certificate(&expired)
        .certificate(&renewed)
        .certificate(&expiring)
        .certificate(&longer)
        .certificate(&keyless)
        .certificate(&keyed)
        .certificate(&valid(&["e.example.com"]));
    let report = run(builder, false);
    for line in [
        "op replace 0.0.0.0:443 a.example.com,b.example.com/2026 -> a.example.com,b.example.com/2027 store=MY\n",
        "op replace c.example.com:443 c.example.com/2026 -> c.example.com/2027 store=MY\n",
        "op replace d.example.com:443 d.example.com/2027 -> d.example.com/2026 store=MY\n",
        "fixed safe certificate-expired 0.0.0.0:443\n",
        "fixed safe certificate-expiring *:443:c.example.com\n",
        "fixed safe private-key-missing *:443:d.example.com\n",
        "fixed safe certificate-not-found *:443:e.example.com\n",
        "after \n",
    ] {
        assert!(report.contains(line), "{line}in\n{report}");
    }
    assert!(report.contains("op replace e.example.com:443 "), "{report}");
}

#[test]
fn an_expiring_certificate_with_no_longer_one_is_left_with_the_reason() {
    let expiring = certificate(&["c.example.com"], (2025, 1, 1), (2026, 6, 10));
    let builder = MachineBuilder::new()
        .binding("c", "https", "*:443:c.example.com", 1)
        .mapping_of("Hostname:port", "c.example.com:443", IIS, &expiring)
        .certificate(&expiring);
    let report = run(builder, false);
    assert!(
        report.contains("unfixed certificate-expiring *:443:c.example.com: no better certificate qualifies"),
        "{report}"
    );
}

#[test]
fn a_renewal_moves_every_in_use_mapping_of_the_old_certificate_and_clears_renewal_available() {
    let old = certificate(&["a.example.com"], (2024, 1, 1), (2026, 6, 20));
    let new = valid(&["a.example.com"]);
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:8443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &old)
        .mapping_of("Hostname:port", "a.example.com:8443", IIS, &old)
        .certificate(&old)
        .certificate(&new);
    let report = run(builder, false);
    assert!(
        report.contains("op replace a.example.com:443 a.example.com/2026 -> a.example.com/2027"),
        "{report}"
    );
    assert!(
        report.contains("op replace a.example.com:8443 a.example.com/2026 -> a.example.com/2027"),
        "{report}"
    );
    assert!(report.contains("fixed safe renewal-available "), "{report}");
    assert!(report.ends_with("after \n"), "{report}");
}

#[test]
fn a_name_mismatch_on_an_own_mapping_is_safe_and_on_a_shared_ip_mapping_needs_unsafe_fixes() {
    let a = valid(&["a.example.com"]);
    let b = valid(&["b.example.com"]);
    let own = MachineBuilder::new()
        .binding("b", "https", "*:8443:b.example.com", 0)
        .mapping_of("IP:port", "0.0.0.0:8443", IIS, &a)
        .certificate(&a)
        .certificate(&b);
    let report = run(own, false);
    assert!(report.contains("op replace 0.0.0.0:8443 a.example.com/2027 -> b.example.com/2027"), "{report}");
    assert!(report.contains("fixed safe certificate-name-mismatch *:8443:b.example.com\n"), "{report}");

    let shared = || {
        MachineBuilder::new()
            .binding("a", "https", "*:443:a.example.com", 0)
            .binding("b", "https", "*:443:b.example.com", 0)
            .mapping_of("IP:port", "0.0.0.0:443", IIS, &a)
            .certificate(&a)
            .certificate(&b)
    };
    let safe_only = run(shared(), false);
    assert!(
        safe_only.contains("unfixed certificate-name-mismatch *:443:b.example.com: the fix (move site `b`"),
        "{safe_only}"
    );
    assert!(safe_only.contains("is unsafe: it changes a binding's sslFlags"), "{safe_only}");
    assert!(!safe_only.contains("op "), "{safe_only}");

    let with_unsafe = run(shared(), true);
    for line in [
        "config - <binding protocol=\"https\" bindingInformation=\"*:443:b.example.com\" sslFlags=\"0\" />\n",
        "config + <binding protocol=\"https\" bindingInformation=\"*:443:b.example.com\" sslFlags=\"1\" />\n",
        "op add b.example.com:443 b.example.com/2027 store=MY\n",
        "fixed unsafe certificate-name-mismatch *:443:b.example.com\n",
        "fixed unsafe shared-endpoint-certificate *:443:a.example.com\n",
    ] {
        assert!(with_unsafe.contains(line), "{line}in\n{with_unsafe}");
    }
    // The shared mapping itself is left as it is: it still serves `a`.
    assert!(!with_unsafe.contains("op replace 0.0.0.0:443"), "{with_unsafe}");
}

#[test]
fn idle_mappings_are_deleted_but_foreign_and_reserved_ones_are_never_touched() {
    let expired = certificate(&["localhost"], (2020, 1, 1), (2021, 1, 1));
    let foreign = certificate(&["adfs.example.com"], (2020, 1, 1), (2021, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &valid(&["a.example.com"]))
        .mapping("Hostname:port", "old.example.com:443", IIS)
        .mapping_of("IP:port", "0.0.0.0:44300", EXPRESS, &expired)
        .mapping_of("IP:port", "0.0.0.0:49443", ADFS, &foreign)
        .certificate(&valid(&["a.example.com"]))
        .certificate(&valid(&["localhost", "adfs.example.com"]))
        .certificate(&expired)
        .certificate(&foreign);
    let report = run(builder, true);
    assert!(report.contains("op delete old.example.com:443\n"), "{report}");
    assert!(report.contains("fixed safe idle-mapping old.example.com:443\n"), "{report}");
    assert!(
        report.contains(
            "unfixed certificate-expired 0.0.0.0:44300: mapping `0.0.0.0:44300` is reserved for IIS Express"
        ),
        "{report}"
    );
    assert!(!report.contains("0.0.0.0:49443 ") || !report.contains("op replace 0.0.0.0:49443"), "{report}");
    assert!(!report.contains("op replace 0.0.0.0:44300"), "{report}");
}

#[test]
fn the_fallback_for_clients_without_sni_is_changed_only_with_unsafe_fixes() {
    let expired = certificate(&["a.example.com"], (2024, 1, 1), (2026, 1, 1));
    let fresh = valid(&["a.example.com"]);
    let builder = || {
        MachineBuilder::new()
            .binding("a", "https", "*:443:a.example.com", 1)
            .mapping_of("Hostname:port", "a.example.com:443", IIS, &fresh)
            .mapping_of("IP:port", "0.0.0.0:443", IIS, &expired)
            .certificate(&expired)
            .certificate(&fresh)
    };
    let safe_only = run(builder(), false);
    assert!(
        safe_only
            .contains("unfixed certificate-expired 0.0.0.0:443: the fix (re-point ip mapping `0.0.0.0:443`"),
        "{safe_only}"
    );
    assert!(safe_only.contains("the fallback for clients without SNI on port 443"), "{safe_only}");
    let with_unsafe = run(builder(), true);
    assert!(with_unsafe.contains("fixed unsafe certificate-expired 0.0.0.0:443\n"), "{with_unsafe}");
}

#[test]
fn a_repeated_binding_loses_its_later_line_in_one_site_and_its_later_site_across_two() {
    let cert = valid(&["a.example.com"]);
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("a", "https", "*:443:A.example.com", 1)
        .binding("b", "http", "*:80:b.example.com", 0)
        .binding("c", "http", "*:80:b.example.com", 0)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &cert)
        .certificate(&cert);
    let report = run(builder, false);
    assert!(
        report.contains("config - <binding protocol=\"https\" bindingInformation=\"*:443:A.example.com\" sslFlags=\"1\" />\n"),
        "{report}"
    );
    assert!(report.contains("config - <binding protocol=\"http\" bindingInformation=\"*:80:b.example.com\" sslFlags=\"0\" />\n"), "{report}");
    assert!(report.contains("fixed safe duplicate-binding *:443:A.example.com\n"), "{report}");
    assert!(report.contains("fixed safe duplicate-binding *:80:b.example.com\n"), "{report}");
    assert!(!report.contains("op "), "the mapping stays: the first binding uses it\n{report}");
    assert!(report.ends_with("after \n"), "{report}");
}

#[test]
fn a_mapping_naming_the_wrong_store_is_pointed_at_the_store_that_holds_the_certificate() {
    let cert = in_store(&valid(&["a.example.com"]), "WebHosting", None);
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &cert)
        .certificate(&cert);
    let report = run(builder, false);
    assert!(
        report.contains(
            "op replace a.example.com:443 a.example.com/2027 -> a.example.com/2027 store=WebHosting\n"
        ),
        "{report}"
    );
    assert!(report.contains("fixed safe store-mismatch *:443:a.example.com\n"), "{report}");
}

#[test]
fn an_iis_express_url_without_a_reservation_is_reserved_for_everyone() {
    let builder = MachineBuilder::new()
        .binding("php", "https", "*:4431:lextudio.com", 1)
        .iis_express()
        .without_mappings();
    let text = builder.config_xml();
    let machine = with_url_reservations(builder.build(), Vec::new());
    let report = run_machine(&machine, &text, false);
    assert!(
        report.contains("urlacl netsh http add urlacl url=https://lextudio.com:4431/ user=Everyone\n"),
        "{report}"
    );
    assert!(report.contains("fixed safe missing-url-reservation *:4431:lextudio.com\n"), "{report}");

    // Near miss: a reservation covers it already, so nothing is planned.
    let builder = MachineBuilder::new()
        .binding("php", "https", "*:4431:lextudio.com", 1)
        .iis_express()
        .without_mappings();
    let text = builder.config_xml();
    let machine = with_url_reservations(
        builder.build(),
        vec![url_reservation("https://lextudio.com:4431/", &[("\\Everyone", true)])],
    );
    assert_eq!(run_machine(&machine, &text, false), "after \n");
}

#[test]
fn codes_without_an_automatic_repair_are_listed_unfixed_with_the_reason() {
    let builder = MachineBuilder::new().binding("a", "https", "*:443:", 1);
    let report = run(builder, true);
    assert!(
        report.contains("unfixed sni-without-host *:443:: `sni-without-host` has no automatic repair"),
        "{report}"
    );
}

// ---------------------------------------------------------------------------------------------
// The property test: random machines of a few sites, mappings and certificates.

/// One binding: site, host (or none), port, SNI.
type BindingSpec = (u8, Option<u8>, u16, bool);
/// One mapping: SNI host (or the IP key), port, certificate (or a made-up hash), owner.
type MappingSpecRow = (Option<u8>, u16, Option<u8>, u8);

const HOSTS: [&str; 4] = ["a.example.com", "b.example.com", "c.example.com", "d.example.com"];

/// Certificates for hosts, some expired, some expiring, some covering several hosts.
fn certificate_pool() -> Vec<Certificate> {
    vec![
        certificate(&["a.example.com", "b.example.com"], (2025, 1, 1), (2027, 1, 1)),
        certificate(&["a.example.com"], (2024, 1, 1), (2026, 1, 1)),
        certificate(&["b.example.com"], (2025, 1, 1), (2026, 6, 15)),
        certificate(&["c.example.com"], (2025, 1, 1), (2028, 1, 1)),
        certificate(&["*.example.com"], (2025, 1, 1), (2026, 9, 1)),
    ]
}

fn random_machine(
    bindings: &[BindingSpec],
    mappings: &[MappingSpecRow],
    certificates: &[Certificate],
    known: &[bool],
) -> MachineBuilder {
    let mut builder = MachineBuilder::new();
    let mut seen = BTreeSet::new();
    for &(site, host, port, sni) in bindings {
        let host = host.map_or("", |host| HOSTS[usize::from(host) % HOSTS.len()]);
        let information = format!("*:{port}:{host}");
        builder = builder.binding(
            &format!("site{site}"),
            "https",
            &information,
            u32::from(sni && !host.is_empty()),
        );
    }
    for &(host, port, certificate, owner) in mappings {
        let (label, key) = match host {
            Some(host) => ("Hostname:port", format!("{}:{port}", HOSTS[usize::from(host) % HOSTS.len()])),
            None => ("IP:port", format!("0.0.0.0:{port}")),
        };
        if !seen.insert(key.clone()) {
            continue;
        }
        let owner = if owner == 0 { ADFS } else { IIS };
        builder = match certificate {
            Some(index) => {
                builder.mapping_of(label, &key, owner, &certificates[usize::from(index) % certificates.len()])
            }
            None => builder.mapping(label, &key, owner),
        };
    }
    for (certificate, known) in certificates.iter().zip(known) {
        if *known {
            builder = builder.certificate(certificate);
        }
    }
    builder
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_plan_leaves_exactly_the_machine_after_describes(
        bindings in prop::collection::vec((0u8..3, prop::option::of(0u8..4), prop::sample::select(vec![443u16, 8443]), any::<bool>()), 1..6),
        mappings in prop::collection::vec((prop::option::of(0u8..4), prop::sample::select(vec![443u16, 8443]), prop::option::of(0u8..5), 0u8..4), 0..5),
        known in prop::collection::vec(any::<bool>(), 5),
        unsafe_fixes in any::<bool>(),
    ) {
        let certificates = certificate_pool();
        let (machine, text) = build(random_machine(&bindings, &mappings, &certificates, &known));
        let plan = repaired(&machine, &text, unsafe_fixes);
        check_promises(&machine, &plan, unsafe_fixes);
    }
}

#[test]
fn weak_and_client_only_certificates_move_to_a_strong_server_certificate_when_one_exists() {
    use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, date_time_ymd};

    let weak = crate::support::certificate_from_hex(crate::support::RSA1024_SHA1_DER, "legacy");
    let strong = certificate(&["legacy.example.test"], (2026, 1, 1), (2027, 1, 1));
    let mut params = CertificateParams::new(vec!["client.example.com".to_owned()]).expect("valid names");
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, "client.example.com");
    params.distinguished_name = subject;
    params.not_before = date_time_ymd(2025, 1, 1);
    params.not_after = date_time_ymd(2027, 1, 1);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_only = crate::support::certificate_from_params(&params, "client.example.com");
    let server = valid(&["client.example.com"]);
    let builder = || {
        MachineBuilder::new()
            .binding("legacy", "https", "*:443:legacy.example.test", 1)
            .binding("client", "https", "*:443:client.example.com", 1)
            .mapping_of("Hostname:port", "legacy.example.test:443", IIS, &weak)
            .mapping_of("Hostname:port", "client.example.com:443", IIS, &client_only)
            .certificate(&weak)
            .certificate(&client_only)
    };
    let report = run(builder().certificate(&strong).certificate(&server), false);
    for line in [
        "op replace legacy.example.test:443 /2036 -> legacy.example.test/2027 store=MY\n",
        "op replace client.example.com:443 client.example.com/2027 -> client.example.com/2027 store=MY\n",
        "fixed safe weak-certificate *:443:legacy.example.test\n",
        "fixed safe certificate-not-for-server-auth *:443:client.example.com\n",
    ] {
        assert!(report.contains(line), "{line}in\n{report}");
    }

    // Near miss: without a better certificate, both stay, each with the reason.
    let report = run(builder(), false);
    assert!(report.contains("unfixed weak-certificate *:443:legacy.example.test: "), "{report}");
    assert!(
        report.contains("unfixed certificate-not-for-server-auth *:443:client.example.com: "),
        "{report}"
    );
    assert!(!report.contains("op "), "{report}");
}

#[test]
fn a_mapping_naming_an_absent_certificate_without_a_candidate_stays_unfixed() {
    let builder = MachineBuilder::new()
        .binding("e", "https", "*:443:e.example.com", 1)
        .mapping("Hostname:port", "e.example.com:443", IIS)
        .certificate(&valid(&["other.example.com"]));
    let report = run(builder, true);
    assert!(
        report.contains(
            "unfixed certificate-not-found *:443:e.example.com: no certificate covering e.example.com valid on 2026-06-01"
        ),
        "{report}"
    );
}

#[test]
fn near_misses_a_keyless_certificate_without_another_and_a_repeat_in_another_protocol_are_left_alone() {
    // The only certificate for the host is known to lack its key: nothing better to map.
    let keyless = in_store(&valid(&["d.example.com"]), "MY", Some(false));
    let builder = MachineBuilder::new()
        .binding("d", "https", "*:443:d.example.com", 1)
        .mapping_of("Hostname:port", "d.example.com:443", IIS, &keyless)
        .certificate(&keyless);
    let report = run(builder, true);
    assert!(report.contains("unfixed private-key-missing *:443:d.example.com: "), "{report}");
    assert!(!report.contains("op "), "{report}");

    // The same bindingInformation for http and https is no repeat: no finding, no edit.
    let cert = valid(&["a.example.com"]);
    let builder = MachineBuilder::new()
        .binding("a", "http", "*:443:a.example.com", 0)
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &cert)
        .certificate(&cert);
    let report = run(builder, true);
    assert!(!report.contains("duplicate-binding"), "{report}");
    assert!(!report.contains("config "), "{report}");
}

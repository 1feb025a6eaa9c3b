//! `metrics`: the families of a machine and their text format: every certificate with the
//! x509-certificate-exporter's labels once per store, mapping statuses, findings counted per
//! code, and label values escaped so that no value can end a label or a line.

use sslbind_core::analysis::analyze;
use sslbind_core::analysis::selection::UnknownCcsFolder;
use sslbind_core::metrics::{MetricFamily, MetricsInput, exposition, machine_metrics, merge};
use sslbind_core::model::Certificate;
use sslbind_core::uncertain::SelectionAssumptions;

use crate::doctor::NOW;
use crate::support::{IIS, MachineBuilder, certificate, machine_findings};

fn text(builder: MachineBuilder, name: &str) -> String {
    exposition(&families(builder, name))
}

fn families(builder: MachineBuilder, name: &str) -> Vec<MetricFamily> {
    let machine = builder.build();
    let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let findings = machine_findings(&machine);
    let input = MetricsInput {
        machine: &machine,
        analysis: &analysis,
        findings: &findings,
        machine_name: name,
        collected: NOW,
        now: NOW,
    };
    machine_metrics(&input)
}

#[test]
fn a_certificate_in_two_stores_is_two_series_and_one_read_twice_from_one_store_is_one() {
    let expired = certificate(&["a.example.com"], (2024, 1, 1), (2026, 1, 1));
    let in_my = Certificate { store: Some("MY".to_owned()), ..expired.clone() };
    let in_hosting = Certificate { store: Some("WebHosting".to_owned()), ..expired.clone() };
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, &expired)
        .certificate(&in_my)
        .certificate(&Certificate { store: Some("my".to_owned()), ..expired.clone() })
        .certificate(&in_hosting);
    let text = text(builder, "web01");
    let expired_lines: Vec<&str> =
        text.lines().filter(|line| line.starts_with("x509_cert_expired{")).collect();
    assert_eq!(expired_lines.len(), 2, "{text}");
    assert!(expired_lines.iter().all(|line| line.ends_with("} 1")), "{text}");
    assert!(expired_lines[0].contains("store=\"MY\"") && expired_lines[1].contains("store=\"WebHosting\""));
    let subject = "subject_C=\"\",subject_ST=\"\",subject_L=\"\",subject_O=\"\",subject_OU=\"\",subject_CN=\"a.example.com\"";
    assert!(expired_lines[0].contains(subject), "{}", expired_lines[0]);
    assert!(
        text.contains(&format!(
            "sslbind_mapping_info{{kind=\"sni\",key=\"a.example.com:443\",owner=\"IIS\",status=\"in-use\",thumbprint=\"{}\",machine=\"web01\"}} 1\n",
            expired.thumbprint
        )),
        "{text}"
    );
    assert!(
        text.contains(
            "sslbind_findings{code=\"certificate-expired\",severity=\"error\",machine=\"web01\"} 1\n"
        ),
        "{text}"
    );
    assert!(text.contains("sslbind_snapshot_timestamp_seconds{machine=\"web01\"} 1780272000\n"), "{text}");
}

#[test]
fn label_values_are_escaped_and_a_machine_without_certificates_still_declares_every_family() {
    let text = text(MachineBuilder::new().binding("a", "http", "*:80:", 0), "a\"b\\c\nd");
    assert!(
        text.contains("sslbind_snapshot_timestamp_seconds{machine=\"a\\\"b\\\\c\\nd\"} 1780272000\n"),
        "{text}"
    );
    for family in ["x509_cert_not_after", "x509_cert_not_before", "x509_cert_expired", "sslbind_mapping_info"]
    {
        assert!(text.contains(&format!("# TYPE {family} gauge\n")), "{family}");
    }
    // Every line is a comment or a sample: no value broke a line.
    for line in text.lines() {
        assert!(
            line.starts_with('#')
                || line.split_once(' ').is_some_and(|(_, value)| value.parse::<f64>().is_ok()),
            "{line}"
        );
    }
}

#[test]
fn two_machines_merge_into_one_group_per_family_with_both_machines_samples() {
    let shared = certificate(&["a.example.com"], (2026, 1, 1), (2027, 1, 1));
    let families = |name: &str| {
        let builder = MachineBuilder::new()
            .binding("a", "https", "*:443:a.example.com", 1)
            .mapping_of("Hostname:port", "a.example.com:443", IIS, &shared)
            .certificate(&shared);
        families(builder, name)
    };
    let one = families("web01");
    let merged = merge([families("web01"), families("web02")]);
    let names =
        |families: &[MetricFamily]| -> Vec<&str> { families.iter().map(|family| family.name).collect() };
    assert_eq!(names(&merged), names(&one));
    for (merged_family, single) in merged.iter().zip(&one) {
        assert_eq!(merged_family.samples.len(), 2 * single.samples.len(), "{}", merged_family.name);
    }
    let text = exposition(&merged);
    assert_eq!(text.matches("# TYPE x509_cert_not_after gauge").count(), 1);
    assert!(text.contains("machine=\"web01\""));
    assert!(text.contains("machine=\"web02\""));
    let web01 = text.find("sslbind_snapshot_timestamp_seconds{machine=\"web01\"}").expect("web01's sample");
    let web02 = text.find("sslbind_snapshot_timestamp_seconds{machine=\"web02\"}").expect("web02's sample");
    assert!(web01 < web02);
}

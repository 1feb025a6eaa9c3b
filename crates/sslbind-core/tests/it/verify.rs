//! Verifying a plan like a repair: the findings a change would bring on the machine it leaves,
//! which errors refuse it, and the note for a mapping that carries an expired certificate
//! along, with and without a renewal on the machine.

use sslbind_core::analysis::selection::UnknownCcsFolder;
use sslbind_core::doctor::{Options, Severity};
use sslbind_core::model::Certificate;
use sslbind_core::plan::{Change, MappingOp, Plan, PlanInput, plan, planned_machine};
use sslbind_core::verify::{Verification, verify_plan};

use crate::doctor::NOW;
use crate::support::{IIS, MachineBuilder, certificate, machine_findings};

fn verified(builder: MachineBuilder, change: &Change) -> (Plan, Verification) {
    let texts = vec![builder.config_xml()];
    let machine = builder.build();
    let input = PlanInput { machine: &machine, config_texts: &texts, force: false };
    let plan = plan(&input, change).expect("the change can be planned");
    let options = Options { now: NOW, expiry_days: 30, ccs_folder_known: false };
    let verification =
        verify_plan(&machine, &plan, &options, &UnknownCcsFolder).expect("the planned machine reads");
    (plan, verification)
}

/// `severity code binding` per introduced finding.
fn introduced(verification: &Verification) -> Vec<String> {
    verification
        .introduced
        .iter()
        .map(|finding| {
            format!("{} {} {}", finding.severity, finding.code, finding.binding.as_deref().unwrap_or("-"))
        })
        .collect()
}

/// Site `a` on `*:443:a.example.com` without SNI, served by `0.0.0.0:443` with a certificate
/// for a.example.com only; `new` covers new.contoso.com and is on the machine too.
fn one_ip_site(new: &Certificate) -> MachineBuilder {
    let a = certificate(&["a.example.com"], (2025, 1, 1), (2027, 1, 1));
    MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "http", "*:80:new.contoso.com", 0)
        .mapping_of("IP:port", "0.0.0.0:443", IIS, &a)
        .certificate(&a)
        .certificate(new)
}

fn add_binding(sni: bool, certificate: Option<&Certificate>) -> Change {
    Change::AddBinding {
        site: "b".into(),
        protocol: "https".into(),
        information: "*:443:new.contoso.com".into(),
        sni,
        ccs: false,
        certificate: certificate.map(|certificate| certificate.thumbprint),
        store: None,
    }
}

#[test]
fn a_binding_added_without_sni_on_a_port_served_by_another_certificate_introduces_a_mismatch() {
    let new = certificate(&["new.contoso.com"], (2025, 1, 1), (2027, 1, 1));
    let (plan, verification) = verified(one_ip_site(&new), &add_binding(false, None));
    // The plan itself is clean: an edit of the config and nothing to refuse.
    assert_eq!(plan.configs.len(), 1);
    assert!(plan.ops.is_empty() && plan.refusals.is_empty(), "{plan:?}");
    let found = introduced(&verification);
    assert!(found.contains(&"error certificate-name-mismatch *:443:new.contoso.com".to_owned()), "{found:?}");
    // The neighbour now shares its end point with a host its certificate does not cover.
    assert!(
        found.contains(&"warning shared-endpoint-certificate *:443:a.example.com".to_owned()),
        "{found:?}"
    );
    assert!(verification.refuses());
    assert!(verification.errors().all(|finding| finding.severity == Severity::Error));
    assert!(verification.errors().any(|finding| finding.message.contains("new.contoso.com")));
    assert!(verification.notes.is_empty(), "{:?}", verification.notes);
}

#[test]
fn near_miss_the_same_binding_with_sni_and_a_covering_certificate_introduces_nothing() {
    let new = certificate(&["new.contoso.com"], (2025, 1, 1), (2027, 1, 1));
    let (plan, verification) = verified(one_ip_site(&new), &add_binding(true, Some(&new)));
    assert_eq!(plan.ops.len(), 1, "{plan:?}");
    assert_eq!(introduced(&verification), Vec::<String>::new());
    assert!(!verification.refuses());
    assert!(verification.notes.is_empty(), "{:?}", verification.notes);
}

#[test]
fn a_plan_that_changes_nothing_introduces_nothing() {
    let new = certificate(&["new.contoso.com"], (2025, 1, 1), (2027, 1, 1));
    let change = Change::AddBinding {
        site: "a".into(),
        protocol: "https".into(),
        information: "*:443:a.example.com".into(),
        sni: false,
        ccs: false,
        certificate: None,
        store: None,
    };
    let (plan, verification) = verified(one_ip_site(&new), &change);
    assert!(plan.is_empty(), "{plan:?}");
    assert_eq!(verification, Verification::default());
}

/// Site `a` on `*:443:a.example.com` with SNI, mapped to `expired` (a.example.com and
/// b.example.com), plus `others`; the change moves the binding to b.example.com.
fn move_an_expired_binding(expired: &Certificate, others: &[&Certificate]) -> (Plan, Verification) {
    let mut builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping_of("Hostname:port", "a.example.com:443", IIS, expired)
        .certificate(expired);
    for other in others {
        builder = builder.certificate(other);
    }
    let change = Change::SetBinding {
        site: "a".into(),
        protocol: "https".into(),
        information: "*:443:a.example.com".into(),
        sni: None,
        certificate: None,
        store: None,
        to: Some("*:443:b.example.com".into()),
    };
    verified(builder, &change)
}

#[test]
fn a_moved_binding_carries_its_expired_certificate_along_and_the_note_names_the_renewal() {
    let expired = certificate(&["a.example.com", "b.example.com"], (2024, 1, 1), (2025, 1, 1));
    let renewal = certificate(&["a.example.com", "b.example.com"], (2025, 1, 1), (2027, 3, 1));
    // Valid, but not for b.example.com: not a renewal.
    let unrelated = certificate(&["a.example.com"], (2025, 1, 1), (2028, 1, 1));
    let (plan, verification) = move_an_expired_binding(&expired, &[&renewal, &unrelated]);
    let added: Vec<String> = plan
        .ops
        .iter()
        .filter_map(|op| match op {
            MappingOp::Add(mapping) => Some(mapping.key.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(added, ["b.example.com:443"], "{plan:?}");
    let [note] = verification.notes.as_slice() else { panic!("one note: {:?}", verification.notes) };
    assert!(
        note.starts_with(&format!(
            "sni mapping `b.example.com:443` carries certificate `a.example.com` ({}), expired on 2025-01-01, along",
            expired.thumbprint
        )),
        "{note}"
    );
    assert!(
        note.contains(&format!(
            "renewal, certificate `a.example.com` ({}), valid until 2027-03-01",
            renewal.thumbprint
        )),
        "{note}"
    );
    assert!(!note.contains(&unrelated.thumbprint.to_string()), "{note}");
    // The certificate was expired before the change: carrying it along brings no new error.
    assert_eq!(introduced(&verification), Vec::<String>::new());
    assert!(!verification.refuses());
}

#[test]
fn without_a_renewal_the_note_says_why_none_qualifies() {
    let expired = certificate(&["a.example.com", "b.example.com"], (2024, 1, 1), (2025, 1, 1));
    let (_, verification) = move_an_expired_binding(&expired, &[]);
    let [note] = verification.notes.as_slice() else { panic!("one note: {:?}", verification.notes) };
    assert!(
        note.contains("expired on 2025-01-01, along; the machine has no renewal: no certificate covering"),
        "{note}"
    );
    assert!(note.contains("b.example.com"), "{note}");
}

#[test]
fn a_certificate_expired_before_but_mapped_nowhere_is_a_new_problem_where_the_plan_maps_it() {
    let expired = certificate(&["c.example.com"], (2024, 1, 1), (2025, 1, 1));
    let builder = MachineBuilder::new().binding("c", "https", "*:443:c.example.com", 1).certificate(&expired);
    let change = Change::AddMapping {
        key: sslbind_core::model::MappingKey::Sni {
            host: sslbind_core::model::HostName::new("c.example.com"),
            port: 443,
        },
        certificate: Some(expired.thumbprint),
        store: None,
        app_id: None,
    };
    let (_, verification) = verified(builder, &change);
    let codes: Vec<&str> = verification.introduced.iter().map(|finding| finding.code.name()).collect();
    assert!(codes.contains(&"certificate-expired"), "{codes:?}");
    assert!(verification.refuses());
    assert_eq!(verification.notes.len(), 1, "{:?}", verification.notes);
    assert!(verification.notes[0].contains("the machine has no renewal"), "{:?}", verification.notes);
}

#[test]
fn an_info_the_change_brings_is_not_listed_and_refuses_nothing() {
    // The first SNI binding on port 8443 leaves the port without a fallback for clients that
    // send no SNI: `doctor` says so at info severity, which says nothing is broken.
    let new = certificate(&["new.contoso.com"], (2025, 1, 1), (2027, 1, 1));
    let builder = one_ip_site(&new);
    let texts = vec![builder.config_xml()];
    let machine = builder.build();
    let change = Change::AddBinding {
        site: "b".into(),
        protocol: "https".into(),
        information: "*:8443:new.contoso.com".into(),
        sni: true,
        ccs: false,
        certificate: Some(new.thumbprint),
        store: None,
    };
    let input = PlanInput { machine: &machine, config_texts: &texts, force: false };
    let plan = plan(&input, &change).expect("the change can be planned");
    let after = planned_machine(&machine, &plan).expect("the planned machine reads");
    let infos: Vec<&str> = machine_findings(&after)
        .iter()
        .filter(|finding| finding.severity == Severity::Info)
        .map(|finding| finding.code.name())
        .collect();
    assert_eq!(infos, ["no-fallback-certificate"]);
    let options = Options { now: NOW, expiry_days: 30, ccs_folder_known: false };
    let verification = verify_plan(&machine, &plan, &options, &UnknownCcsFolder).expect("verified");
    assert_eq!(introduced(&verification), Vec::<String>::new());
    assert!(!verification.refuses());
}

#[test]
fn a_warning_the_change_brings_is_listed_but_refuses_nothing() {
    let new = certificate(&["new.contoso.com"], (2025, 1, 1), (2027, 1, 1));
    let change = Change::AddMapping {
        key: sslbind_core::model::MappingKey::Ip("0.0.0.0:9443".parse().expect("an address")),
        certificate: Some(new.thumbprint),
        store: None,
        app_id: None,
    };
    let (_, verification) = verified(one_ip_site(&new), &change);
    assert_eq!(introduced(&verification), ["warning idle-mapping -"]);
    assert!(!verification.refuses());
    assert_eq!(verification.errors().count(), 0);
}

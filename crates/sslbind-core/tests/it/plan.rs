//! Plans: the config edits a change makes and the mapping operations that follow, with the
//! reference counting that keeps shared mappings and protects other owners' records.

use sslbind_core::analysis::selection::UnknownCcsFolder;
use sslbind_core::analysis::{analyze, expected_mapping};
use sslbind_core::model::{Machine, MappingKey, Thumbprint};
use sslbind_core::plan::{Change, MappingOp, Plan, PlanError, PlanInput, apply_ops, check_change, plan};
use sslbind_core::uncertain::SelectionAssumptions;

use crate::support::{ADFS, EXPRESS, IIS, MachineBuilder, certificate};

fn plan_of(builder: MachineBuilder, change: &Change, force: bool) -> (Machine, Plan) {
    let text = builder.config_xml();
    let machine = builder.build();
    let texts = vec![text];
    let input = PlanInput { machine: &machine, config_texts: &texts, force };
    let plan = plan(&input, change).expect("the change can be planned");
    (machine, plan)
}

/// One line per operation: `add sni a.example.com:443 <hash prefix>`.
fn ops(plan: &Plan) -> Vec<String> {
    plan.ops
        .iter()
        .map(|op| {
            let (verb, mapping) = match op {
                MappingOp::Add(mapping) => ("add", mapping),
                MappingOp::Replace { after, .. } => ("replace", after),
                MappingOp::Delete(mapping) => ("delete", mapping),
            };
            let hash =
                mapping.certificate_hash.map_or("-".to_owned(), |hash| hash.to_string()[..8].to_owned());
            format!("{verb} {} {} {hash}", mapping.key.kind(), mapping.key)
        })
        .collect()
}

fn hash(text: &str) -> Thumbprint {
    Thumbprint::parse(text).expect("a thumbprint")
}

#[test]
fn adding_an_sni_binding_adds_its_mapping_with_the_servers_app_id() {
    let lextudio = certificate(&["lextudio.com"], (2025, 1, 1), (2030, 1, 1));
    let builder = MachineBuilder::new()
        .binding("php", "http", "*:8080:localhost", 0)
        .certificate(&lextudio)
        .iis_express();
    let change = Change::AddBinding {
        site: "php".into(),
        protocol: "https".into(),
        information: "*:4431:lextudio.com".into(),
        sni: true,
        ccs: false,
        certificate: Some(lextudio.thumbprint),
        store: None,
    };
    let (_, plan) = plan_of(builder, &change, false);
    assert_eq!(plan.configs.len(), 1);
    let added: Vec<&str> =
        plan.configs[0].after.lines().filter(|line| !plan.configs[0].before.contains(line)).collect();
    assert_eq!(
        added,
        ["<binding protocol=\"https\" bindingInformation=\"*:4431:lextudio.com\" sslFlags=\"1\" />"]
    );
    assert_eq!(ops(&plan), [format!("add sni lextudio.com:4431 {}", &lextudio.thumbprint.to_string()[..8])]);
    let MappingOp::Add(mapping) = &plan.ops[0] else { panic!("an add") };
    assert_eq!(mapping.app_id.map(|app_id| app_id.to_string()).as_deref(), Some(EXPRESS));
    assert_eq!(mapping.certificate_store.as_deref(), Some("MY"));
    assert!(plan.refusals.is_empty(), "{:?}", plan.refusals);
}

#[test]
fn adding_a_binding_that_exists_is_a_no_op() {
    let builder = MachineBuilder::new().binding("a", "https", "*:443:a.example.com", 1).mapping(
        "Hostname:port",
        "a.example.com:443",
        IIS,
    );
    let change = Change::AddBinding {
        site: "a".into(),
        protocol: "HTTPS".into(),
        information: "*:443:A.example.com".into(),
        sni: true,
        ccs: false,
        certificate: None,
        store: None,
    };
    let (_, plan) = plan_of(builder, &change, false);
    assert!(plan.is_empty(), "{plan:?}");
    assert!(plan.notes.iter().any(|note| note.contains("already has")), "{:?}", plan.notes);
}

#[test]
fn an_sni_mapping_is_not_pointed_at_a_certificate_that_does_not_cover_its_host() {
    let other = certificate(&["other.example.com"], (2025, 1, 1), (2030, 1, 1));
    let builder = MachineBuilder::new().binding("a", "http", "*:80:", 0).certificate(&other);
    let change = Change::AddBinding {
        site: "a".into(),
        protocol: "https".into(),
        information: "*:443:a.example.com".into(),
        sni: true,
        ccs: false,
        certificate: Some(other.thumbprint),
        store: None,
    };
    let (_, plan) = plan_of(builder, &change, false);
    assert_eq!(plan.refusals.len(), 1, "{:?}", plan.refusals);
    assert!(plan.refusals[0].reason.contains("does not cover `a.example.com`"));
}

#[test]
fn a_shared_wildcard_mapping_stays_while_another_binding_uses_it() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "https", "*:443:b.example.com", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    let change = Change::RemoveBinding {
        site: "a".into(),
        protocol: "https".into(),
        information: "*:443:a.example.com".into(),
    };
    let (_, plan) = plan_of(builder, &change, false);
    assert!(plan.ops.is_empty(), "{:?}", ops(&plan));
    assert!(plan.notes.iter().any(|note| note.contains("`0.0.0.0:443` stays")), "{:?}", plan.notes);

    let last = MachineBuilder::new().binding("a", "https", "*:443:a.example.com", 0).mapping(
        "IP:port",
        "0.0.0.0:443",
        IIS,
    );
    let (_, plan) = plan_of(last, &change, false);
    let made_up = crate::support::made_up_hash("0.0.0.0:443").to_ascii_uppercase();
    assert_eq!(ops(&plan), [format!("delete ip 0.0.0.0:443 {}", &made_up[..8])]);
}

#[test]
fn an_sni_mapping_goes_with_its_last_binding_and_not_before() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("b", "https", "*:443:a.example.com", 1)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping("Hostname:port", "b.example.com:443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    let change = Change::RemoveBinding {
        site: "a".into(),
        protocol: "https".into(),
        information: "*:443:a.example.com".into(),
    };
    let (_, plan) = plan_of(builder, &change, false);
    assert!(plan.ops.is_empty(), "the twin in site b still uses it: {:?}", ops(&plan));

    let alone = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .binding("b", "https", "*:443:b.example.com", 1)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping("Hostname:port", "b.example.com:443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS);
    let (_, plan) = plan_of(alone, &change, false);
    assert_eq!(ops(&plan).len(), 1, "{:?}", ops(&plan));
    assert!(ops(&plan)[0].starts_with("delete sni a.example.com:443"), "{:?}", ops(&plan));
}

#[test]
fn reserved_and_foreign_mappings_are_protected() {
    let reserved = MachineBuilder::new()
        .binding("a", "https", "*:44300:localhost", 0)
        .mapping("IP:port", "0.0.0.0:44300", EXPRESS)
        .iis_express();
    let change = Change::RemoveBinding {
        site: "a".into(),
        protocol: "https".into(),
        information: "*:44300:localhost".into(),
    };
    let (_, plan) = plan_of(reserved, &change, false);
    assert!(plan.ops.is_empty(), "{:?}", ops(&plan));
    assert!(plan.notes.iter().any(|note| note.contains("reserved for IIS Express")), "{:?}", plan.notes);

    let remove_reserved = MachineBuilder::new()
        .binding("a", "http", "*:80:", 0)
        .mapping("IP:port", "0.0.0.0:44301", EXPRESS)
        .iis_express();
    let change = Change::RemoveMapping { key: MappingKey::Ip("0.0.0.0:44301".parse().expect("an address")) };
    let (_, plan) = plan_of(remove_reserved, &change, false);
    assert!(plan.refusals.iter().any(|refusal| refusal.reason.contains("reserved")), "{:?}", plan.refusals);

    let foreign = MachineBuilder::new().binding("a", "https", "*:443:sts.example.com", 1).mapping(
        "Hostname:port",
        "sts.example.com:443",
        ADFS,
    );
    let change = Change::RemoveBinding {
        site: "a".into(),
        protocol: "https".into(),
        information: "*:443:sts.example.com".into(),
    };
    let (_, plan) = plan_of(foreign, &change, false);
    assert!(plan.ops.is_empty(), "{:?}", ops(&plan));
    let foreign = MachineBuilder::new().binding("a", "https", "*:443:sts.example.com", 1).mapping(
        "Hostname:port",
        "sts.example.com:443",
        ADFS,
    );
    let (_, forced) = plan_of(foreign, &change, true);
    assert_eq!(ops(&forced).len(), 1, "--force deletes it");
}

#[test]
fn overwriting_a_mapping_another_site_is_served_by_needs_force() {
    let new = certificate(&["b.example.com"], (2025, 1, 1), (2030, 1, 1));
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 0)
        .binding("b", "http", "*:80:b.example.com", 0)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .certificate(&new);
    let change = Change::AddBinding {
        site: "b".into(),
        protocol: "https".into(),
        information: "*:443:b.example.com".into(),
        sni: false,
        ccs: false,
        certificate: Some(new.thumbprint),
        store: None,
    };
    let (_, plan) = plan_of(builder, &change, false);
    assert!(
        plan.refusals
            .iter()
            .any(|refusal| refusal.reason.contains("at least one other site uses mapping `0.0.0.0:443`")),
        "{:?}",
        plan.refusals
    );
    assert_eq!(ops(&plan).len(), 1);
    assert!(ops(&plan)[0].starts_with("replace ip 0.0.0.0:443"));
}

#[test]
fn site_removal_removes_exactly_the_mappings_only_it_used() {
    let builder = MachineBuilder::new()
        .binding("gone", "https", "*:443:gone.example.com", 1)
        .binding("gone", "https", "*:8443:", 0)
        .binding("gone", "https", "*:443:", 0)
        .binding("kept", "https", "*:443:kept.example.com", 1)
        .binding("kept", "https", "*:443:", 0)
        .mapping("Hostname:port", "gone.example.com:443", IIS)
        .mapping("Hostname:port", "kept.example.com:443", IIS)
        .mapping("IP:port", "0.0.0.0:8443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .mapping("IP:port", "0.0.0.0:9443", IIS);
    let (_, plan) = plan_of(builder, &Change::RemoveSite { site: "gone".into() }, false);
    let mut deleted: Vec<String> = ops(&plan)
        .into_iter()
        .map(|op| op.rsplit_once(' ').map(|(head, _)| head.to_owned()).unwrap_or(op))
        .collect();
    deleted.sort();
    assert_eq!(deleted, ["delete ip 0.0.0.0:8443", "delete sni gone.example.com:443"]);
    assert_eq!(plan.configs.len(), 1);
    assert!(!plan.configs[0].after.contains("gone"));
}

#[test]
fn prune_deletes_idle_mappings_only() {
    let builder = MachineBuilder::new()
        .binding("a", "https", "*:443:a.example.com", 1)
        .mapping("Hostname:port", "a.example.com:443", IIS)
        .mapping("Hostname:port", "old.example.com:443", IIS)
        .mapping("IP:port", "0.0.0.0:443", IIS)
        .mapping("IP:port", "0.0.0.0:5986", "{afebb9ad-9b97-4a91-9ab5-daf4d59122f6}");
    let (_, plan) = plan_of(builder, &Change::PruneMappings, false);
    assert_eq!(ops(&plan).len(), 1, "{:?}", ops(&plan));
    assert!(ops(&plan)[0].starts_with("delete sni old.example.com:443"));
}

#[test]
fn rebind_moves_every_mapping_and_keeps_their_parameters() {
    let old = certificate(&["a.example.com", "b.example.com"], (2024, 1, 1), (2026, 1, 1));
    let new = certificate(&["a.example.com", "b.example.com"], (2025, 12, 1), (2027, 1, 1));
    let narrow = certificate(&["a.example.com"], (2025, 12, 1), (2027, 1, 1));
    let builder = || {
        MachineBuilder::new()
            .binding("a", "https", "*:443:a.example.com", 1)
            .binding("b", "https", "*:443:b.example.com", 1)
            .mapping_with(
                "Hostname:port",
                "a.example.com:443",
                IIS,
                &old.thumbprint.to_string(),
                "WebHosting",
                &["Disable HTTP2                : Set"],
            )
            .mapping_of("Hostname:port", "b.example.com:443", IIS, &old)
            .certificate(&old)
            .certificate(&new)
            .certificate(&narrow)
    };
    let (machine, plan) =
        plan_of(builder(), &Change::Rebind { from: old.thumbprint, to: new.thumbprint, store: None }, false);
    assert!(plan.refusals.is_empty(), "{:?}", plan.refusals);
    assert_eq!(plan.ops.len(), 2);
    let MappingOp::Replace { before, after } = &plan.ops[0] else { panic!("a replace") };
    assert_eq!(after.certificate_hash, Some(new.thumbprint));
    assert_eq!(after.certificate_store.as_deref(), Some("WebHosting"));
    assert_eq!(after.flags, before.flags);
    assert_eq!(after.params, before.params);
    assert_eq!(after.app_id, before.app_id);
    assert_eq!(machine.mappings[0].flags, after.flags);

    let (_, plan) = plan_of(
        builder(),
        &Change::Rebind { from: old.thumbprint, to: narrow.thumbprint, store: None },
        false,
    );
    assert!(
        plan.refusals.iter().any(|refusal| refusal.reason.contains("does not cover `b.example.com`")),
        "{:?}",
        plan.refusals
    );
}

#[test]
fn rebind_of_another_owners_mapping_needs_force() {
    let builder =
        MachineBuilder::new().mapping("IP:port", "0.0.0.0:5986", "{afebb9ad-9b97-4a91-9ab5-daf4d59122f6}");
    let from = hash(&crate::support::made_up_hash("0.0.0.0:5986"));
    let to = hash("5226DC6C54559761CD471B86EB51C096252C90F2");
    let (_, plan) = plan_of(builder, &Change::Rebind { from, to, store: None }, false);
    assert!(
        plan.refusals.iter().any(|refusal| refusal.reason.contains("owned by WinRM")),
        "{:?}",
        plan.refusals
    );
}

#[test]
fn set_sni_moves_the_certificate_to_the_host_mapping_and_releases_the_old_one() {
    let cert = certificate(&["api.example.com"], (2025, 1, 1), (2030, 1, 1));
    let builder = MachineBuilder::new()
        .binding("api", "https", "*:8443:api.example.com", 0)
        .mapping_of("IP:port", "0.0.0.0:8443", IIS, &cert)
        .certificate(&cert);
    let change = Change::SetBinding {
        site: "api".into(),
        protocol: "https".into(),
        information: "*:8443:api.example.com".into(),
        sni: Some(true),
        certificate: None,
        store: None,
        to: None,
    };
    let (_, plan) = plan_of(builder, &change, false);
    let prefix = &cert.thumbprint.to_string()[..8];
    assert_eq!(ops(&plan), [format!("add sni api.example.com:8443 {prefix}")]);
    assert!(
        plan.notes.iter().any(|note| note.contains("`0.0.0.0:8443` stays") && note.contains("fallback")),
        "{:?}",
        plan.notes
    );
    assert!(plan.configs[0].after.contains("sslFlags=\"1\""));
}

/// After any plan, every https binding of the new config whose mapping the plan was asked
/// to provide finds it, and no mapping the plan deleted is still expected by a binding.
fn assert_consistent(machine: &Machine, plan: &Plan) {
    let mut after = machine.clone();
    for change in &plan.configs {
        after.configs[change.config] =
            sslbind_core::iis::read_config(&change.path, change.after.as_bytes(), None)
                .expect("the edit reads")
                .config;
    }
    after.mappings = apply_ops(&machine.mappings, &plan.ops);
    let analysis = analyze(&after, &UnknownCcsFolder, &SelectionAssumptions::default());
    for op in &plan.ops {
        if let MappingOp::Add(added) = op {
            assert!(
                analysis.mapping(analysis.index.get(&added.key).expect("an added mapping exists")).status
                    == sslbind_core::analysis::MappingStatus::InUse,
                "added {} but no binding uses it",
                added.key
            );
        }
    }
    for op in &plan.ops {
        if let MappingOp::Delete(deleted) = op {
            for (_, site) in after.sites() {
                for binding in &site.bindings {
                    assert!(
                        expected_mapping(binding).is_none_or(|key| key != deleted.key),
                        "deleted {} but {} expects it",
                        deleted.key,
                        binding.information
                    );
                }
            }
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    #[derive(Clone, Debug)]
    enum Step {
        Add(usize, bool),
        Remove(usize),
        ToggleSni(usize),
    }

    const HOSTS: [&str; 4] = ["a.example.com", "b.example.com", "c.example.com", ""];

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0..HOSTS.len(), any::<bool>()).prop_map(|(host, sni)| Step::Add(host, sni)),
            (0..HOSTS.len()).prop_map(Step::Remove),
            (0..HOSTS.len()).prop_map(Step::ToggleSni),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn random_changes_keep_the_config_readable_reversible_and_the_mappings_consistent(steps in proptest::collection::vec(step(), 1..6)) {
            let cert = certificate(&["a.example.com", "b.example.com", "c.example.com"], (2025, 1, 1), (2030, 1, 1));
            let original = MachineBuilder::new()
                .binding("site", "http", "*:80:", 0)
                .binding("site", "https", "*:443:a.example.com", 1)
                .mapping_of("Hostname:port", "a.example.com:443", IIS, &cert)
                .mapping_of("IP:port", "0.0.0.0:443", IIS, &cert)
                .certificate(&cert);
            let original_text = original.config_xml();
            let mut machine = original.build();
            let mut text = original_text.clone();
            let mut undo: Vec<Change> = Vec::new();
            let mut reversible = true;
            for step in steps {
                let (change, inverse) = match step {
                    Step::Add(host, sni) => {
                        let information = format!("*:443:{}", HOSTS[host]);
                        (Change::AddBinding { site: "site".into(), protocol: "https".into(), information: information.clone(), sni, ccs: false, certificate: Some(cert.thumbprint), store: None },
                         Change::RemoveBinding { site: "site".into(), protocol: "https".into(), information })
                    }
                    Step::Remove(host) => {
                        let information = format!("*:443:{}", HOSTS[host]);
                        (Change::RemoveBinding { site: "site".into(), protocol: "https".into(), information: information.clone() },
                         Change::AddBinding { site: "site".into(), protocol: "https".into(), information, sni: false, ccs: false, certificate: None, store: None })
                    }
                    Step::ToggleSni(host) => {
                        let information = format!("*:443:{}", HOSTS[host]);
                        (Change::SetBinding { site: "site".into(), protocol: "https".into(), information: information.clone(), sni: Some(true), certificate: None, store: None, to: None },
                         Change::SetBinding { site: "site".into(), protocol: "https".into(), information, sni: Some(false), certificate: None, store: None, to: None })
                    }
                };
                let texts = vec![text.clone()];
                let input = PlanInput { machine: &machine, config_texts: &texts, force: true };
                let Ok(plan) = plan(&input, &change) else { continue };
                assert_consistent(&machine, &plan);
                if let (Change::AddBinding { information, sni: true, .. }, false) = (&change, plan.configs.is_empty()) {
                    let host = information.rsplit(':').next().unwrap_or_default();
                    let key = MappingKey::Sni { host: host.into(), port: 443 };
                    let after = apply_ops(&machine.mappings, &plan.ops);
                    prop_assert!(host.is_empty() || after.iter().any(|mapping| mapping.key == key), "{key} missing after adding {information}");
                }
                if let Some(config_change) = plan.configs.first() {
                    text = config_change.after.clone();
                    machine.configs[0] = sslbind_core::iis::read_config(&config_change.path, text.as_bytes(), None).expect("reads").config;
                    // Only an added binding is undone byte for byte; a removed one would come back
                    // at the end of the list.
                    if matches!(change, Change::AddBinding { .. }) {
                        undo.push(inverse);
                    } else {
                        reversible = false;
                    }
                }
                machine.mappings = apply_ops(&machine.mappings, &plan.ops);
            }
            if reversible {
                for change in undo.iter().rev() {
                    let texts = vec![text.clone()];
                    let input = PlanInput { machine: &machine, config_texts: &texts, force: true };
                    let plan = plan(&input, change).expect("the undo plans");
                    if let Some(config_change) = plan.configs.first() {
                        text = config_change.after.clone();
                        machine.configs[0] = sslbind_core::iis::read_config(&config_change.path, text.as_bytes(), None).expect("reads").config;
                    }
                    machine.mappings = apply_ops(&machine.mappings, &plan.ops);
                }
                prop_assert_eq!(&text, &original_text);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// URL reservations: planned for IIS Express bindings off localhost, only when given.

fn urlacl_plan_of(
    builder: MachineBuilder,
    reservations: Vec<sslbind_core::model::UrlReservation>,
    known: bool,
    change: &Change,
) -> Plan {
    let text = builder.config_xml();
    let mut machine = builder.build();
    machine.url_reservations = reservations;
    machine.url_reservations_known = known;
    let texts = vec![text];
    let input = PlanInput { machine: &machine, config_texts: &texts, force: false };
    plan(&input, change).expect("the change can be planned")
}

fn urlacl_ops(plan: &Plan) -> Vec<String> {
    plan.urlacl_ops.iter().map(sslbind_core::plan::UrlAclOp::netsh_command).collect()
}

fn add_https(information: &str) -> Change {
    Change::AddBinding {
        site: "php".into(),
        protocol: "https".into(),
        information: information.into(),
        sni: true,
        ccs: false,
        certificate: None,
        store: None,
    }
}

#[test]
fn adding_an_express_binding_off_localhost_reserves_its_url() {
    let builder = || MachineBuilder::new().binding("php", "http", "*:8080:localhost", 0).iis_express();
    let plan = urlacl_plan_of(builder(), Vec::new(), true, &add_https("*:4431:lextudio.com"));
    assert_eq!(urlacl_ops(&plan), ["netsh http add urlacl url=https://lextudio.com:4431/ user=Everyone"]);
    assert!(!plan.is_empty());
    let script = sslbind_core::plan::script::script_with_urlacls(
        &plan.ops,
        &plan.urlacl_ops,
        sslbind_core::plan::script::Shell::Netsh,
    );
    assert!(
        script.contains(
            "rem 1/1: reserve https://lextudio.com:4431/ for Everyone\r\n\
             netsh http add urlacl url=https://lextudio.com:4431/ user=Everyone || exit /b 1\r\n"
        ),
        "{script}"
    );
    assert!(script.contains("applies 1 URL reservation change with netsh"), "{script}");

    let unknown = urlacl_plan_of(builder(), Vec::new(), false, &add_https("*:4431:lextudio.com"));
    assert!(unknown.urlacl_ops.is_empty());

    let localhost = urlacl_plan_of(builder(), Vec::new(), true, &add_https("*:44301:localhost"));
    assert!(localhost.urlacl_ops.is_empty());

    let iis = urlacl_plan_of(
        MachineBuilder::new().binding("php", "http", "*:80:", 0),
        Vec::new(),
        true,
        &add_https("*:443:lextudio.com"),
    );
    assert!(iis.urlacl_ops.is_empty());

    let covered = urlacl_plan_of(
        builder(),
        vec![crate::support::url_reservation("https://*:4431/", &[("\\Everyone", true)])],
        true,
        &add_https("*:4431:lextudio.com"),
    );
    assert!(covered.urlacl_ops.is_empty());
    assert!(
        covered.notes.iter().any(|note| note.contains("`https://*:4431/` already covers")),
        "{:?}",
        covered.notes
    );
}

#[test]
fn removing_the_last_express_binding_of_a_url_deletes_its_reservation() {
    let reservations = || {
        vec![
            crate::support::url_reservation("https://lextudio.com:4431/", &[("\\Everyone", true)]),
            crate::support::url_reservation("https://*:4431/", &[("\\Everyone", true)]),
        ]
    };
    let remove = Change::RemoveBinding {
        site: "php".into(),
        protocol: "https".into(),
        information: "*:4431:lextudio.com".into(),
    };
    let last = urlacl_plan_of(
        MachineBuilder::new().binding("php", "https", "*:4431:lextudio.com", 1).iis_express(),
        reservations(),
        true,
        &remove,
    );
    assert_eq!(urlacl_ops(&last), ["netsh http delete urlacl url=https://lextudio.com:4431/"]);
    let script = sslbind_core::plan::script::script_with_urlacls(
        &last.ops,
        &last.urlacl_ops,
        sslbind_core::plan::script::Shell::PowerShell,
    );
    assert!(script.contains("netsh http delete urlacl url=https://lextudio.com:4431/\r\n"), "{script}");

    let shared = urlacl_plan_of(
        MachineBuilder::new()
            .binding("php", "https", "*:4431:lextudio.com", 1)
            .binding("other", "https", "*:4431:lextudio.com", 1)
            .iis_express(),
        reservations(),
        true,
        &remove,
    );
    assert!(shared.urlacl_ops.is_empty(), "{:?}", shared.urlacl_ops);
}

// ---------------------------------------------------------------------------------------------
// Values a change writes: the reader's grammar, checked before anything is planned.

fn add(protocol: &str, information: &str) -> Change {
    Change::AddBinding {
        site: "a".into(),
        protocol: protocol.into(),
        information: information.into(),
        sni: false,
        ccs: false,
        certificate: None,
        store: None,
    }
}

fn plan_error(builder: MachineBuilder, change: &Change) -> sslbind_core::plan::PlanError {
    let text = builder.config_xml();
    let machine = builder.build();
    let texts = vec![text];
    let input = PlanInput { machine: &machine, config_texts: &texts, force: true };
    plan(&input, change).expect_err("the change is refused before planning")
}

#[test]
fn binding_values_the_reader_calls_invalid_are_refused_with_the_option_and_the_reason() {
    let cases = [
        ("*:abc:host", "port `abc` is not a number"),
        ("*:0:x", "port 0 is out of range 1-65535"),
        ("1.2.3:443:x", "address `1.2.3` is not `*`"),
        ("*:443", "found one colon"),
        ("443", "found no colon"),
        ("*:443:a b", "contains whitespace"),
        ("*:443:a.*.com", "has a `*` that is not the whole left-most label"),
        ("", "found an empty value"),
    ];
    for (information, reason) in cases {
        for protocol in ["https", "http", "HTTPS"] {
            let error = check_change(&add(protocol, information)).expect_err(information);
            assert_eq!(error.option, "--binding");
            assert_eq!(error.value.as_deref(), Some(information));
            assert!(error.reason.contains(reason), "{information}: {error}");
            assert!(error.to_string().starts_with(&format!("--binding `{information}`: ")), "{error}");
            assert!(error.to_string().contains("invalid-binding"), "{error}");
        }
        // plan() refuses it too, so no caller can write it.
        let builder = MachineBuilder::new().binding("a", "http", "*:80:", 0);
        assert!(matches!(plan_error(builder, &add("https", information)), PlanError::InvalidValue(_)));
    }
}

#[test]
fn binding_values_the_reader_accepts_are_planned() {
    for information in
        ["*:443:a.example.com", "*:443:", "10.0.0.5:443:", "[::1]:8443:a.example.com", "*:443:*.example.com"]
    {
        assert_eq!(check_change(&add("https", information)), Ok(()), "{information}");
        let builder = MachineBuilder::new().binding("a", "http", "*:80:", 0);
        let (_, plan) = plan_of(builder, &add("https", information), false);
        assert_eq!(plan.configs.len(), 1, "{information}");
    }
    // Other protocols have their own grammar, which sslbind leaves alone; only empty is wrong.
    assert_eq!(check_change(&add("net.tcp", "808:*")), Ok(()));
    assert!(check_change(&add("net.tcp", "")).is_err());
}

#[test]
fn the_protocol_is_written_in_lower_case_with_a_note() {
    let builder = || MachineBuilder::new().binding("a", "http", "*:80:", 0);
    let (_, plan) = plan_of(builder(), &add("HTTPS", "*:443:a.example.com"), false);
    assert!(
        plan.configs[0]
            .after
            .contains("<binding protocol=\"https\" bindingInformation=\"*:443:a.example.com\" />"),
        "{}",
        plan.configs[0].after
    );
    assert!(
        plan.notes
            .iter()
            .any(|note| note == "protocol `HTTPS` is written in lower case, `https`, as IIS writes it"),
        "{:?}",
        plan.notes
    );
    let (_, lower) = plan_of(builder(), &add("https", "*:443:a.example.com"), false);
    assert!(!lower.notes.iter().any(|note| note.contains("lower case")), "{:?}", lower.notes);

    for protocol in ["", "ht tp", "1http", "http\""] {
        let error = check_change(&add(protocol, "*:80:")).expect_err(protocol);
        assert_eq!(error.option, "--protocol", "{protocol}");
    }
}

#[test]
fn certificate_options_on_a_binding_that_is_not_https_are_refused_not_dropped() {
    let with = |protocol: &str, sni: bool, certificate: bool, store: bool| Change::AddBinding {
        site: "a".into(),
        protocol: protocol.into(),
        information: "*:80:a.example.com".into(),
        sni,
        ccs: false,
        certificate: certificate.then(|| hash("5226DC6C54559761CD471B86EB51C096252C90F2")),
        store: store.then(|| "WebHosting".to_owned()),
    };
    let sni = check_change(&with("http", true, false, false)).expect_err("--sni on http");
    assert_eq!(
        sni.to_string(),
        "--sni: applies only to https bindings (SSL flags and certificate mappings), and this binding's protocol is `http`"
    );
    let certificate = check_change(&with("http", false, true, false)).expect_err("--certificate on http");
    assert_eq!(certificate.option, "--certificate");
    assert_eq!(check_change(&with("https", true, true, true)), Ok(()));
    assert_eq!(check_change(&with("HTTPS", true, true, false)), Ok(()));
    let store = check_change(&with("https", false, false, true)).expect_err("--store without --certificate");
    assert_eq!(store.option, "--store");

    let set = |protocol: &str| Change::SetBinding {
        site: "a".into(),
        protocol: protocol.into(),
        information: "*:80:a.example.com".into(),
        sni: Some(true),
        certificate: None,
        store: None,
        to: None,
    };
    assert_eq!(check_change(&set("http")).expect_err("--sni on http").option, "--sni");
    assert_eq!(check_change(&set("https")), Ok(()));
}

#[test]
fn sni_without_a_host_name_is_refused_when_adding_and_when_setting() {
    let sni_add = |information: &str| Change::AddBinding {
        site: "a".into(),
        protocol: "https".into(),
        information: information.into(),
        sni: true,
        ccs: false,
        certificate: None,
        store: None,
    };
    for information in ["*:443:", "*:443:*"] {
        let error = check_change(&sni_add(information)).expect_err(information);
        assert_eq!(error.option, "--sni");
        assert!(error.reason.contains("sni-without-host"), "{error}");
    }
    assert_eq!(check_change(&sni_add("*:443:a.example.com")), Ok(()));

    let builder = || {
        MachineBuilder::new().binding("a", "https", "*:443:", 0).binding(
            "a",
            "https",
            "*:8443:b.example.com",
            1,
        )
    };
    let set = |information: &str, sni: Option<bool>, to: Option<&str>| Change::SetBinding {
        site: "a".into(),
        protocol: "https".into(),
        information: information.into(),
        sni,
        certificate: None,
        store: None,
        to: to.map(str::to_owned),
    };
    let PlanError::InvalidValue(error) = plan_error(builder(), &set("*:443:", Some(true), None)) else {
        panic!("not an invalid value")
    };
    assert_eq!(error.option, "--sni");
    let PlanError::InvalidValue(error) =
        plan_error(builder(), &set("*:8443:b.example.com", None, Some("*:8443:")))
    else {
        panic!("not an invalid value")
    };
    assert_eq!((error.option, error.value.as_deref()), ("--to", Some("*:8443:")));
    // Near misses: a host name given, or SNI cleared at the same time.
    let (_, plan) = plan_of(builder(), &set("*:443:", Some(true), Some("*:443:a.example.com")), false);
    assert_eq!(plan.configs.len(), 1);
    let (_, plan) = plan_of(builder(), &set("*:8443:b.example.com", Some(false), Some("*:8443:")), false);
    assert_eq!(plan.configs.len(), 1);
}

#[test]
fn writing_first_and_emitting_later_plans_the_same_http_sys_operations() {
    let lextudio = certificate(&["lextudio.com"], (2025, 1, 1), (2030, 1, 1));
    let change = Change::AddBinding {
        site: "php".into(),
        protocol: "https".into(),
        information: "*:4431:lextudio.com".into(),
        sni: true,
        ccs: false,
        certificate: Some(lextudio.thumbprint),
        store: None,
    };
    let before = MachineBuilder::new()
        .binding("php", "http", "*:8080:localhost", 0)
        .certificate(&lextudio)
        .iis_express();
    // The config as `--write` left it; HTTP.sys and the reservations are unchanged.
    let written = MachineBuilder::new()
        .binding("php", "http", "*:8080:localhost", 0)
        .binding("php", "https", "*:4431:lextudio.com", 1)
        .certificate(&lextudio)
        .iis_express();
    let first = urlacl_plan_of(before, Vec::new(), true, &change);
    let second = urlacl_plan_of(written, Vec::new(), true, &change);
    assert_eq!(first.configs.len(), 1);
    assert!(second.configs.is_empty());
    assert_eq!(second.ops, first.ops);
    assert_eq!(second.urlacl_ops, first.urlacl_ops);
    assert_eq!(urlacl_ops(&second), ["netsh http add urlacl url=https://lextudio.com:4431/ user=Everyone"]);

    // Near miss: once the server has the reservation, neither order adds it.
    let reserved =
        || vec![crate::support::url_reservation("https://lextudio.com:4431/", &[("\\Everyone", true)])];
    let after_server = urlacl_plan_of(
        MachineBuilder::new()
            .binding("php", "https", "*:4431:lextudio.com", 1)
            .certificate(&lextudio)
            .iis_express(),
        reserved(),
        true,
        &change,
    );
    assert!(after_server.urlacl_ops.is_empty(), "{:?}", after_server.urlacl_ops);
}

#[test]
fn a_binding_another_site_of_the_config_has_is_refused_unless_forced() {
    let builder = || {
        MachineBuilder::new().binding("a", "https", "*:443:shop.example.com", 1).binding(
            "b",
            "https",
            "*:443:b.example.com",
            1,
        )
    };
    let add_to_b = |information: &str| Change::AddBinding {
        site: "b".into(),
        protocol: "https".into(),
        information: information.into(),
        sni: true,
        ccs: false,
        certificate: None,
        store: None,
    };
    let (_, plan) = plan_of(builder(), &add_to_b("*:443:SHOP.example.com"), false);
    assert_eq!(plan.refusals.len(), 1, "{:?}", plan.refusals);
    assert!(plan.refusals[0].reason.contains("site `a` has the https binding"), "{:?}", plan.refusals);
    assert!(plan.refusals[0].reason.contains("duplicate-binding"), "{:?}", plan.refusals);
    let moved = Change::SetBinding {
        site: "b".into(),
        protocol: "https".into(),
        information: "*:443:b.example.com".into(),
        sni: None,
        certificate: None,
        store: None,
        to: Some("*:443:shop.example.com".into()),
    };
    let (_, plan) = plan_of(builder(), &moved, false);
    assert_eq!(plan.refusals.len(), 1, "{:?}", plan.refusals);

    // Near misses: another host, or another protocol on the same text.
    let (_, plan) = plan_of(builder(), &add_to_b("*:443:other.example.com"), false);
    assert!(plan.refusals.is_empty(), "{:?}", plan.refusals);
    let http = Change::AddBinding {
        site: "b".into(),
        protocol: "http".into(),
        information: "*:443:shop.example.com".into(),
        sni: false,
        ccs: false,
        certificate: None,
        store: None,
    };
    let (_, plan) = plan_of(builder(), &http, false);
    assert!(plan.refusals.is_empty(), "{:?}", plan.refusals);
}

#[test]
fn removing_a_binding_the_config_no_longer_has_still_releases_what_it_left_in_http_sys() {
    let remove = Change::RemoveBinding {
        site: "php".into(),
        protocol: "https".into(),
        information: "*:4431:lextudio.com".into(),
    };
    let reservations =
        || vec![crate::support::url_reservation("https://lextudio.com:4431/", &[("\\Everyone", true)])];
    let before = MachineBuilder::new()
        .binding("php", "http", "*:8080:localhost", 0)
        .binding("php", "https", "*:4431:lextudio.com", 1)
        .mapping("Hostname:port", "lextudio.com:4431", EXPRESS)
        .iis_express();
    // The config as `--write` left it; HTTP.sys and the reservations are unchanged.
    let written = MachineBuilder::new()
        .binding("php", "http", "*:8080:localhost", 0)
        .mapping("Hostname:port", "lextudio.com:4431", EXPRESS)
        .iis_express();
    let first = urlacl_plan_of(before, reservations(), true, &remove);
    let second = urlacl_plan_of(written, reservations(), true, &remove);
    assert_eq!(first.configs.len(), 1);
    assert!(second.configs.is_empty());
    assert_eq!(ops(&first).len(), 1);
    assert!(ops(&first)[0].starts_with("delete sni lextudio.com:4431 "), "{:?}", ops(&first));
    assert_eq!(ops(&second), ops(&first));
    assert_eq!(urlacl_ops(&first), ["netsh http delete urlacl url=https://lextudio.com:4431/"]);
    assert_eq!(second.urlacl_ops, first.urlacl_ops);
    assert!(
        second.notes.iter().any(|note| note.contains("has no https binding `*:4431:lextudio.com`")),
        "{:?}",
        second.notes
    );

    // Near miss: another binding still uses the mapping and the URL, so neither goes.
    let shared = urlacl_plan_of(
        MachineBuilder::new()
            .binding("php", "http", "*:8080:localhost", 0)
            .binding("other", "https", "*:4431:lextudio.com", 1)
            .mapping("Hostname:port", "lextudio.com:4431", EXPRESS)
            .iis_express(),
        reservations(),
        true,
        &remove,
    );
    assert!(shared.ops.is_empty(), "{:?}", shared.ops);
    assert!(shared.urlacl_ops.is_empty(), "{:?}", shared.urlacl_ops);
}

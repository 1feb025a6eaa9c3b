//! Every setting survives a replace, whatever the mapping was read from: a mapping with every
//! setting away from its default (`sslbind_live::testing::settings`, the one table the three
//! crates' settings tests share) is read from netsh text, a `.reg` export, an offline hive
//! and a snapshot; a rebind and a `binding set --certificate` through the planner must give a
//! replace whose `after` is the mapping with only the certificate changed, whose
//! `parameters` name every setting, and whose netsh and PowerShell scripts carry every
//! setting netsh has a parameter for and name the others in a note. (The live HTTP.sys
//! structures are the same rows in sslbind-live's tests, the plan JSON in sslbind's.)

use std::sync::Arc;

use sslbind_core::Origin;
use sslbind_core::httpsys::read_netsh;
use sslbind_core::model::{Certificate, DEFAULT_FLAGS, Mapping, MappingKey};
use sslbind_core::plan::MappingOp;
use sslbind_core::plan::script::{Shell, parameters, script};
use sslbind_core::registry::hive::read_hive;
use sslbind_core::registry::interpret::interpret;
use sslbind_core::registry::reg::read_reg;
use sslbind_core::snapshot::read_snapshot;
use sslbind_live::testing::settings::{
    Setting, Source, every_setting, netsh_text, planned_replaces, reg_export, settings, snapshot_text,
    system_hive,
};

use crate::support::certificate;

const HOST: &str = "shop.example.com";

#[test]
fn from_netsh_text() {
    check(Source::NetshText);
}

#[test]
fn from_a_reg_export() {
    check(Source::RegExport);
}

#[test]
fn from_an_offline_hive() {
    check(Source::Hive);
}

#[test]
fn from_a_snapshot() {
    check(Source::Snapshot);
}

/// The table is the plans' own list: a replace to the reference mapping names exactly the
/// table's settings, after the certificate hash, in the table's order.
#[test]
fn the_table_is_every_parameter_a_plan_names() {
    let (old, _) = certificates();
    let reference = every_setting(MappingKey::Sni { host: HOST.into(), port: 443 }, old.thumbprint);
    let op = MappingOp::Replace { before: reference.clone(), after: reference };
    let names: Vec<String> = parameters(&op).into_iter().map(|(name, _)| name).collect();
    let expected: Vec<String> = std::iter::once("certhash".to_owned())
        .chain(settings().into_iter().map(|setting| setting.name))
        .collect();
    assert_eq!(names, expected);
    assert!(
        parameters(&MappingOp::Delete(every_setting(MappingKey::Ccs { port: 443 }, old.thumbprint)))
            .is_empty()
    );
}

/// A field added to `Mapping` must be added to the settings table (or named here as not a
/// setting): this stops compiling until it is.
#[test]
fn every_field_of_a_mapping_is_in_the_table_or_not_a_setting() {
    let (old, _) = certificates();
    let Mapping {
        key: _,              // the key, not a setting
        certificate_hash: _, // the certificate a replace changes
        app_id: _,
        certificate_store: _,
        params: _, // `every_setting` builds it field by field, so a new field breaks it too
        flags: _,
        flags_known: _, // what the source showed, not a setting
        extended_properties: _,
        unknown_fields: _, // kept as read; no output writes them
        truncated: _,      // a property of the source
        origin: _,
    } = every_setting(MappingKey::Sni { host: HOST.into(), port: 443 }, old.thumbprint);
    let fields: Vec<_> = settings().into_iter().map(|setting| setting.field).collect();
    // The nine parameters, every known flag bit and the unknown one, the switch, the blocks.
    assert_eq!(fields.len(), 9 + DEFAULT_FLAGS.len() + 1 + 2, "{fields:?}");
}

/// The old and the new certificate, both for [`HOST`].
fn certificates() -> (Certificate, Certificate) {
    (certificate(&[HOST], (2025, 1, 1), (2026, 12, 1)), certificate(&[HOST], (2026, 1, 1), (2027, 12, 1)))
}

/// The reference mapping read back from `source`, with the settings it carries.
fn read_from(source: Source, reference: &Mapping) -> Mapping {
    let mut mappings = match source {
        Source::NetshText => {
            let read =
                read_netsh(&Arc::from("sslcert.txt"), netsh_text(reference).as_bytes()).expect("netsh text");
            assert!(read.warnings.is_empty(), "{:?}", read.warnings);
            read.mappings
        }
        Source::RegExport => {
            let path: Arc<str> = Arc::from("http.reg");
            let read = read_reg(&path, reg_export(reference).as_bytes()).expect("the export reads");
            assert!(read.warnings.is_empty(), "{:?}", read.warnings);
            let interpreted = interpret(&read.tree, &path);
            assert!(interpreted.warnings.is_empty(), "{:?}", interpreted.warnings);
            interpreted.mappings
        }
        Source::Hive => {
            let path: Arc<str> = Arc::from("config/SYSTEM");
            let hive = read_hive(&path, "SYSTEM", &system_hive(reference)).expect("the hive reads");
            assert!(hive.warnings.is_empty(), "{:?}", hive.warnings);
            let interpreted = interpret(&hive.tree, &path);
            assert!(interpreted.warnings.is_empty(), "{:?}", interpreted.warnings);
            interpreted.mappings
        }
        Source::Snapshot => {
            let text = snapshot_text(reference);
            read_snapshot(&Arc::from("snapshot.json"), text.as_bytes())
                .expect("the snapshot reads")
                .machine
                .mappings
        }
        Source::Live => panic!("the live structures are read in sslbind-live's tests"),
    };
    assert_eq!(mappings.len(), 1, "{source:?}: {mappings:?}");
    mappings.remove(0)
}

/// Reads the reference mapping from `source`, then checks both changes that replace it.
fn check(source: Source) {
    let (old, new) = certificates();
    let reference = every_setting(MappingKey::Sni { host: HOST.into(), port: 443 }, old.thumbprint);
    let read = read_from(source, &reference);
    let carried: Vec<Setting> = settings().into_iter().filter(|setting| setting.carried_by(source)).collect();
    assert!(carried.len() >= 26, "{source:?} carries {} settings", carried.len());
    for setting in &carried {
        assert_eq!(setting.value(&read), setting.value(&reference), "{source:?} reads {}", setting.name);
    }
    assert_eq!(read.certificate_hash, Some(old.thumbprint), "{source:?}");

    for (change, plan) in planned_replaces(&read, &old, &new) {
        let context = format!("{source:?}, {change}");
        let [op @ MappingOp::Replace { before, after }] = plan.ops.as_slice() else {
            panic!("{context}: one replace, not {:?}", plan.ops)
        };
        assert_eq!(*before, read, "{context}");
        for setting in &carried {
            assert_eq!(
                setting.value(after),
                setting.value(&read),
                "{context}: the replace keeps {}",
                setting.name
            );
        }
        let mut expected = read.clone();
        expected.certificate_hash = Some(new.thumbprint);
        expected.origin = Origin::Planned;
        assert_eq!(after, &expected, "{context}: only the certificate changes");

        let names: Vec<String> = parameters(op).into_iter().map(|(name, _)| name).collect();
        let wanted: Vec<String> = std::iter::once("certhash".to_owned())
            .chain(carried.iter().map(|setting| setting.name.clone()))
            .collect();
        assert_eq!(names, wanted, "{context}: parameters");
        check_scripts(&context, op, &carried);
    }
}

/// Both scripts write every netsh setting of `op` with its value, and name the others in a
/// note above the command.
fn check_scripts(context: &str, op: &MappingOp, carried: &[Setting]) {
    let values = parameters(op);
    for shell in [Shell::Netsh, Shell::PowerShell] {
        let text = script(std::slice::from_ref(op), shell);
        let command = text
            .lines()
            .find(|line| line.starts_with("netsh http update sslcert hostnameport=shop.example.com:443 "))
            .unwrap_or_else(|| panic!("{context}: no update in {text}"));
        let words: Vec<&str> = command.split(' ').collect();
        let notes: Vec<&str> = text.lines().filter(|line| line.contains("note: ")).collect();
        for setting in carried {
            let value = values
                .iter()
                .find(|(name, _)| *name == setting.name)
                .map(|(_, value)| value.as_str())
                .unwrap_or_else(|| panic!("{context}: no value for {}", setting.name));
            if setting.netsh {
                let prefix = format!("{}=", setting.name);
                let written = words
                    .iter()
                    .find_map(|word| word.strip_prefix(&prefix))
                    .map(|written| written.trim_matches(['"', '\'']))
                    .unwrap_or_else(|| {
                        panic!("{context}, {shell:?}: {} missing from {command}", setting.name)
                    });
                assert_eq!(written, value, "{context}, {shell:?}: {}", setting.name);
            } else {
                assert!(
                    notes.iter().any(|note| note.contains(&setting.name)),
                    "{context}, {shell:?}: no note names {} in {notes:?}",
                    setting.name
                );
                assert!(
                    !command.contains(&setting.name),
                    "{context}, {shell:?}: netsh has no {}",
                    setting.name
                );
            }
        }
    }
}

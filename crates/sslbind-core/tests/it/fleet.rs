//! `fleet`: a machine's rows say what `bindings`, `mappings` and `doctor` say about it, and the
//! history between two ingests names each change the way an administrator would (re-pointed,
//! added, removed, expired) and nothing else.

use sslbind_core::analysis::analyze;
use sslbind_core::analysis::selection::UnknownCcsFolder;
use sslbind_core::fleet::{HistoryWhat, history, record};
use sslbind_core::model::Certificate;
use sslbind_core::uncertain::SelectionAssumptions;
use time::macros::datetime;

use crate::support::{IIS, MachineBuilder, certificate, machine_findings};

fn shop_certificate() -> Certificate {
    Certificate {
        store: Some("MY".to_owned()),
        ..certificate(&["shop.example.com"], (2026, 1, 1), (2026, 6, 20))
    }
}

fn shop(shop: &Certificate) -> MachineBuilder {
    MachineBuilder::new()
        .binding("Shop", "https", "*:443:Shop.Example.com.", 1)
        .binding("Shop", "http", "*:80:shop.example.com", 0)
        .binding("Pipes", "net.pipe", "*", 0)
        .mapping_of("Hostname:port", "shop.example.com:443", IIS, shop)
        .mapping("IP:port", "0.0.0.0:8443", IIS)
        .certificate(shop)
}

#[test]
fn the_rows_are_what_the_analysis_and_doctor_say() {
    let shop_certificate = shop_certificate();
    let machine = shop(&shop_certificate).build();
    let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let findings = machine_findings(&machine);
    let rows = record(&machine, &analysis, &findings);

    let sites: Vec<(&str, &str)> = rows.sites.iter().map(|site| (site.name.as_str(), site.server)).collect();
    assert_eq!(sites, [("Shop", "iis"), ("Pipes", "iis")]);

    assert_eq!(rows.bindings.len(), 3);
    let https = &rows.bindings[0];
    assert_eq!(https.binding, "*:443:Shop.Example.com.");
    // Hosts are stored as HTTP.sys compares them, so that a search finds every spelling.
    assert_eq!(https.host.as_deref(), Some("shop.example.com"));
    assert_eq!(https.port, Some(443));
    assert_eq!(https.ssl_flags, 1);
    let sni = Some(("sni".to_owned(), "shop.example.com:443".to_owned()));
    assert_eq!(https.effective_mapping, sni);
    assert_eq!(https.certificate_hash.as_deref(), Some(shop_certificate.thumbprint.to_string().as_str()));
    let pipe = &rows.bindings[2];
    assert_eq!((pipe.ip.as_deref(), pipe.port, pipe.host.as_deref()), (None, None, None));
    assert_eq!(pipe.effective_mapping, None);

    let mappings: Vec<(&str, &str, Option<&str>, &str, i64)> = rows
        .mappings
        .iter()
        .map(|mapping| {
            (mapping.kind, mapping.key.as_str(), mapping.host.as_deref(), mapping.status, mapping.used_by)
        })
        .collect();
    assert_eq!(
        mappings,
        [
            ("sni", "shop.example.com:443", Some("shop.example.com"), "in-use", 1),
            ("ip", "0.0.0.0:8443", None, "idle", 0)
        ]
    );
    assert_eq!(rows.mappings[0].owner, Some("IIS"));
    assert_eq!(rows.mappings[0].app_id.as_deref(), Some(IIS));

    assert_eq!(rows.certificates.len(), 1);
    let certificate = &rows.certificates[0];
    assert_eq!(certificate.dns_names, ["shop.example.com"]);
    assert_eq!(certificate.not_after, datetime!(2026-06-20 00:00 UTC).unix_timestamp());
    assert_eq!(certificate.store.as_deref(), Some("MY"));

    // One row per finding, in doctor's order, with its code, severity and fix as doctor's JSON has them.
    assert_eq!(rows.findings.len(), findings.len());
    assert!(!rows.findings.is_empty());
    for (row, finding) in rows.findings.iter().zip(&findings) {
        assert_eq!(row.code, finding.code.name());
        assert_eq!(row.severity, finding.severity.as_str());
        assert_eq!(row.message, finding.message);
        let fix = finding
            .fix
            .as_ref()
            .map(|fix| if fix.commands.is_empty() { fix.title.clone() } else { fix.commands.join("\n") });
        assert_eq!(row.fix, fix);
    }
}

#[test]
fn history_names_each_change_between_two_ingests() {
    let before_at = datetime!(2026-06-01 00:00 UTC);
    let at = datetime!(2026-06-25 00:00 UTC);
    let shop_certificate = shop_certificate();
    let before = shop(&shop_certificate).build();
    let renewed = Certificate {
        store: Some("MY".to_owned()),
        ..certificate(&["shop.example.com"], (2026, 6, 1), (2027, 6, 1))
    };
    let after = MachineBuilder::new()
        .binding("Shop", "https", "*:443:Shop.Example.com.", 1)
        .binding("Shop", "http", "*:80:shop.example.com", 0)
        .binding("Blog", "https", "*:443:blog.example.com", 1)
        .mapping_of("Hostname:port", "shop.example.com:443", IIS, &renewed)
        .certificate(&shop_certificate)
        .certificate(&renewed)
        .build();

    let changes = history(&before, before_at, &after, at);
    let named: Vec<(HistoryWhat, &str)> =
        changes.iter().map(|change| (change.what, change.key.as_str())).collect();
    let old = shop_certificate.thumbprint.to_string();
    let new = renewed.thumbprint.to_string();
    assert_eq!(
        named,
        [
            (HistoryWhat::BindingAdded, "blog https *:443:blog.example.com"),
            (HistoryWhat::BindingRemoved, "pipes net.pipe *"),
            (HistoryWhat::MappingRemoved, "ip 0.0.0.0:8443"),
            (HistoryWhat::MappingRepointed, "sni shop.example.com:443"),
            (HistoryWhat::CertificateAppeared, new.as_str()),
            (HistoryWhat::CertificateExpired, old.as_str()),
        ]
    );
    assert!(changes.iter().all(|change| change.at == at));
    let repointed = &changes[3];
    assert!(repointed.fields.contains(&("certificate_hash".to_owned(), old.clone(), new.clone())));
    assert_eq!(HistoryWhat::MappingRepointed.as_str(), "mapping-repointed");
}

#[test]
fn nothing_changed_is_no_history_and_an_expiry_outside_the_interval_is_not_one() {
    let machine = shop(&shop_certificate()).build();
    // The certificate expires on 2026-06-20: not between these two ingests.
    let changes =
        history(&machine, datetime!(2026-06-20 00:00 UTC), &machine, datetime!(2026-07-01 00:00 UTC));
    assert_eq!(changes, []);
    let changes =
        history(&machine, datetime!(2026-06-01 00:00 UTC), &machine, datetime!(2026-06-19 23:59 UTC));
    assert_eq!(changes, []);
    let changes =
        history(&machine, datetime!(2026-06-01 00:00 UTC), &machine, datetime!(2026-06-20 00:00 UTC));
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].what, HistoryWhat::CertificateExpired);
}

//! The fleet database on both engines: each scenario is one function of a `DbTarget`, run
//! against a temporary SQLite file in the default suite and against a real PostgreSQL
//! (`sslbind_live::testing::postgres`, a fresh database per test) in the `external-tools`
//! suite. Machines are made from short configs and netsh texts through the core's readers,
//! analysis and doctor, as `sslbind fleet ingest` makes them.

use std::sync::{Arc, OnceLock};

use sslbind_core::analysis::analyze;
use sslbind_core::analysis::selection::UnknownCcsFolder;
use sslbind_core::certs::certificate_from_der;
use sslbind_core::doctor::{Context, Options, Overrides, Parallelism, diagnose};
use sslbind_core::fleet::{MachineRecord, record};
use sslbind_core::model::{Certificate, Machine};
use sslbind_core::snapshot::{ConfigSource, SnapshotMeta, write_snapshot};
use sslbind_core::text::Encoding;
use sslbind_core::uncertain::SelectionAssumptions;
use sslbind_core::{Location, Origin, httpsys, iis};
use sslbind_live::fleet::{
    DbTarget, Fleet, FleetCertificate, FleetError, FleetFinding, IngestInput, IngestOutcome, Match, redact,
};
use time::macros::datetime;

/// 2026-12-01T00:00:00Z: when the test machines are collected and judged.
const NOW: i64 = 1_796_083_200;
const DAY: i64 = 86_400;

const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";

// ---------------------------------------------------------------------------------------------
// Machines.

/// The test certificates, made once per process (their keys, hence thumbprints, are random).
struct Certificates {
    /// www.contoso.com, expires 2026-12-20.
    contoso: Certificate,
    /// shop.fabrikam.com, expires 2027-06-01.
    fabrikam: Certificate,
    /// The fallback of the IP mapping, expired 2026-11-01.
    fallback: Certificate,
}

fn certificates() -> &'static Certificates {
    static CERTIFICATES: OnceLock<Certificates> = OnceLock::new();
    CERTIFICATES.get_or_init(|| Certificates {
        contoso: certificate(&["www.contoso.com", "contoso.com"], (2025, 12, 20), (2026, 12, 20)),
        fabrikam: certificate(&["shop.fabrikam.com"], (2026, 6, 1), (2027, 6, 1)),
        fallback: certificate(&["fallback.example"], (2025, 11, 1), (2026, 11, 1)),
    })
}

fn certificate(names: &[&str], not_before: (i32, u8, u8), not_after: (i32, u8, u8)) -> Certificate {
    let der = sslbind_live::testing::tls_server::identity_valid(names, not_before, not_after).der;
    let origin = Origin::File(Location::new(&Arc::from(format!("certs/{}.cer", names[0])), 1, 1));
    certificate_from_der(&der, origin).expect("the certificate reads")
}

fn thumbprint(certificate: &Certificate) -> String {
    certificate.thumbprint.to_string()
}

/// A site and its bindings: (name, [(protocol, bindingInformation, sslFlags)]).
type SiteSpec<'a> = (&'a str, &'a [(&'a str, &'a str, u32)]);

/// A mapping: (netsh label, key, certificate).
type MappingSpec<'a> = (&'a str, &'a str, &'a Certificate);

/// One machine to ingest: its rows and its snapshot.
struct Built {
    record: MachineRecord,
    snapshot: String,
}

fn build(sites: &[SiteSpec<'_>], mappings: &[MappingSpec<'_>], certificates: &[&Certificate]) -> Built {
    let mut xml = String::from("<configuration>\n<system.applicationHost>\n<sites>\n");
    for (position, (name, bindings)) in sites.iter().enumerate() {
        xml.push_str(&format!("<site name=\"{}\" id=\"{}\">\n<bindings>\n", xml_escape(name), position + 1));
        for (protocol, information, flags) in *bindings {
            xml.push_str(&format!(
                "<binding protocol=\"{protocol}\" bindingInformation=\"{}\" sslFlags=\"{flags}\" />\n",
                xml_escape(information)
            ));
        }
        xml.push_str("</bindings>\n</site>\n");
    }
    xml.push_str("</sites>\n</system.applicationHost>\n</configuration>\n");
    let mut netsh = String::from("SSL Certificate bindings:\n-------------------------\n\n");
    for (label, key, certificate) in mappings {
        netsh.push_str(&format!(
            "    {label:<28} : {key}\n    Certificate Hash             : {}\n    Application ID               : {IIS}\n    Certificate Store Name       : MY\n\n",
            thumbprint(certificate).to_ascii_lowercase()
        ));
    }
    let path: Arc<str> = Arc::from("applicationHost.config");
    let config = iis::read_config(&path, xml.as_bytes(), None).expect("the test config reads").config;
    let netsh =
        httpsys::read_netsh(&Arc::from("sslcert.txt"), netsh.as_bytes()).expect("the netsh text reads");
    assert_eq!(netsh.mappings.len(), mappings.len(), "{:?}", netsh.warnings);
    let machine = Machine {
        configs: vec![config.clone()],
        mappings: netsh.mappings,
        mappings_known: true,
        certificates: certificates.iter().map(|certificate| (*certificate).clone()).collect(),
        certificates_known: true,
        ..Machine::default()
    };
    let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let options = Options { now: datetime!(2026-12-01 00:00 UTC), expiry_days: 30, ccs_folder_known: false };
    let context =
        Context { machine: &machine, analysis: &analysis, ccs_files: &UnknownCcsFolder, options: &options };
    let findings = diagnose(&context, &Overrides::default(), Parallelism::Sequential);
    let record = record(&machine, &analysis, &findings);
    let meta = SnapshotMeta {
        tool: "sslbind tests".to_owned(),
        created: "2026-12-01T00:00:00Z".to_owned(),
        machine_name: None,
    };
    let source = ConfigSource { config, text: xml, encoding: Encoding::Utf8 };
    let snapshot = write_snapshot(&machine, &[source], &meta).expect("the snapshot is written");
    Built { record, snapshot }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// web01: www.contoso.com by SNI, an unused SNI mapping of the same certificate, an IP
/// fallback with an expired certificate.
fn web01() -> Built {
    let certificates = certificates();
    build(
        &[("Contoso", &[("https", "*:443:www.contoso.com", 1), ("http", "*:80:www.contoso.com", 0)])],
        &[
            ("Hostname:port", "www.contoso.com:443", &certificates.contoso),
            ("Hostname:port", "old.contoso.com:443", &certificates.contoso),
            ("IP:port", "0.0.0.0:443", &certificates.fallback),
        ],
        &[&certificates.contoso, &certificates.fallback],
    )
}

/// web02: the same Contoso site, and Fabrikam.
fn web02() -> Built {
    let certificates = certificates();
    build(
        &[
            ("Contoso", &[("https", "*:443:www.contoso.com", 1)]),
            ("Fabrikam", &[("https", "*:443:shop.fabrikam.com", 1)]),
        ],
        &[
            ("Hostname:port", "www.contoso.com:443", &certificates.contoso),
            ("Hostname:port", "shop.fabrikam.com:443", &certificates.fabrikam),
        ],
        &[&certificates.contoso, &certificates.fabrikam],
    )
}

/// web02 after Contoso moved away.
fn web02_later() -> Built {
    let certificates = certificates();
    build(
        &[("Fabrikam", &[("https", "*:443:shop.fabrikam.com", 1)])],
        &[("Hostname:port", "shop.fabrikam.com:443", &certificates.fabrikam)],
        &[&certificates.fabrikam],
    )
}

fn ingest(fleet: &mut Fleet, machine: &str, collected_at: i64, built: &Built) -> IngestOutcome {
    let input = IngestInput {
        machine,
        collected_at,
        ingested_at: NOW + DAY,
        snapshot: &built.snapshot,
        record: &built.record,
    };
    fleet.ingest(&input).expect("the ingest is stored")
}

fn open(target: &DbTarget) -> Fleet {
    Fleet::open(target).unwrap_or_else(|error| panic!("cannot open {target}: {error}"))
}

fn rows(fleet: &mut Fleet) -> Vec<(String, i64)> {
    fleet.table_rows().expect("the tables are counted")
}

fn added(outcome: IngestOutcome) -> i64 {
    match outcome {
        IngestOutcome::Added { ingest_id } => ingest_id,
        IngestOutcome::Unchanged { ingest_id } => {
            panic!("ingest {ingest_id} expected to be added, was unchanged")
        }
    }
}

fn binding_match(machine: &str, key: &str, hash: &str, site: &str, binding: &str) -> Match {
    let mut found = no_binding_match(machine, key, hash);
    found.site = Some(site.to_owned());
    found.binding = Some(binding.to_owned());
    found
}

fn no_binding_match(machine: &str, key: &str, hash: &str) -> Match {
    let mut found = empty_match();
    found.machine = machine.to_owned();
    found.kind = Some("sni".to_owned());
    found.key = Some(key.to_owned());
    found.certificate_hash = Some(hash.to_owned());
    found
}

fn empty_match() -> Match {
    Match::default()
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

fn every_question_has_its_exact_answer(target: &DbTarget) {
    let certificates = certificates();
    let (contoso, fabrikam, fallback) = (
        thumbprint(&certificates.contoso),
        thumbprint(&certificates.fabrikam),
        thumbprint(&certificates.fallback),
    );
    let mut fleet = open(target);
    let (first, second) = (web01(), web02());
    let web01_id = added(ingest(&mut fleet, "web01", NOW, &first));
    let web02_id = added(ingest(&mut fleet, "web02", NOW - DAY, &second));

    let machines = fleet.machines(NOW + 30 * DAY).expect("machines");
    let shape: Vec<_> = machines
        .iter()
        .map(|machine| {
            (
                machine.name.as_str(),
                machine.ingests,
                machine.collected_at,
                machine.sites,
                machine.bindings,
                machine.mappings,
                machine.certificates,
                machine.certificates_expiring,
            )
        })
        .collect();
    assert_eq!(shape, [("web01", 1, NOW, 1, 2, 3, 2, 2), ("web02", 1, NOW - DAY, 2, 2, 2, 2, 1)]);
    let expected_statuses = |built: &Built| {
        let mut statuses: Vec<(String, i64)> = Vec::new();
        for mapping in &built.record.mappings {
            match statuses.iter_mut().find(|(status, _)| status == mapping.status) {
                Some((_, number)) => *number += 1,
                None => statuses.push((mapping.status.to_owned(), 1)),
            }
        }
        statuses.sort();
        statuses
    };
    assert_eq!(machines[0].mappings_by_status, expected_statuses(&first));
    assert_eq!(machines[1].mappings_by_status, expected_statuses(&second));
    assert_eq!(machines[0].mappings_by_status.iter().map(|(_, number)| number).sum::<i64>(), 3);
    for (summary, built) in machines.iter().zip([&first, &second]) {
        let severity = |name: &str| {
            built.record.findings.iter().filter(|finding| finding.severity == name).count() as i64
        };
        assert_eq!(
            (summary.errors, summary.warnings, summary.infos),
            (severity("error"), severity("warning"), severity("info"))
        );
        assert_eq!(summary.ingested_at, NOW + DAY);
        assert_eq!(summary.content_hash.len(), 64);
    }
    assert_ne!(machines[0].content_hash, machines[1].content_hash);

    // Findings: exactly the records' rows, in the documented order.
    let mut expected_findings: Vec<FleetFinding> = Vec::new();
    for (name, built) in [("web01", &first), ("web02", &second)] {
        for row in &built.record.findings {
            let mut finding = FleetFinding::default();
            finding.machine = name.to_owned();
            finding.code = row.code.to_owned();
            finding.severity = row.severity.to_owned();
            finding.message = row.message.clone();
            finding.site = row.site.clone();
            finding.binding = row.binding.clone();
            finding.mapping = row.mapping.clone();
            finding.certificate_hash = row.certificate_hash.clone();
            finding.fix = row.fix.clone();
            expected_findings.push(finding);
        }
    }
    let rank = |severity: &str| ["error", "warning", "info"].iter().position(|name| *name == severity);
    expected_findings.sort_by(|left, right| {
        (&left.machine, rank(&left.severity), &left.code, &left.site, &left.binding)
            .cmp(&(&right.machine, rank(&right.severity), &right.code, &right.site, &right.binding))
            .then_with(|| left.cmp(right))
    });
    assert!(!expected_findings.is_empty(), "the expired fallback certificate is a finding");
    assert_eq!(fleet.findings(None).expect("findings"), expected_findings);
    let of_web02: Vec<FleetFinding> =
        expected_findings.iter().filter(|finding| finding.machine == "web02").cloned().collect();
    assert_eq!(fleet.findings(Some("web02")).expect("findings of web02"), of_web02);
    assert!(
        matches!(fleet.findings(Some("web99")), Err(FleetError::UnknownMachine { name }) if name == "web99")
    );

    // Where the Contoso certificate is: both bindings, and the unused mapping of web01.
    let expected = vec![
        no_binding_match("web01", "old.contoso.com:443", &contoso),
        binding_match("web01", "www.contoso.com:443", &contoso, "Contoso", "*:443:www.contoso.com"),
        binding_match("web02", "www.contoso.com:443", &contoso, "Contoso", "*:443:www.contoso.com"),
    ];
    assert_eq!(fleet.find_thumbprint(&contoso).expect("find_thumbprint"), expected);
    assert_eq!(fleet.find_thumbprint(&contoso.to_ascii_lowercase()).expect("find_thumbprint"), expected);
    assert_eq!(fleet.find_thumbprint(&"0".repeat(40)).expect("find_thumbprint"), Vec::<Match>::new());

    // Where a host is: by binding (the http binding of web01 has no mapping), by unused mapping.
    let mut http_binding = empty_match();
    http_binding.machine = "web01".to_owned();
    http_binding.site = Some("Contoso".to_owned());
    http_binding.binding = Some("*:80:www.contoso.com".to_owned());
    assert_eq!(
        fleet.find_host("WWW.Contoso.com.").expect("find_host"),
        vec![
            http_binding,
            binding_match("web01", "www.contoso.com:443", &contoso, "Contoso", "*:443:www.contoso.com"),
            binding_match("web02", "www.contoso.com:443", &contoso, "Contoso", "*:443:www.contoso.com"),
        ]
    );
    assert_eq!(
        fleet.find_host("old.contoso.com").expect("find_host"),
        vec![no_binding_match("web01", "old.contoso.com:443", &contoso)]
    );
    assert_eq!(
        fleet.find_host("shop.fabrikam.com").expect("find_host"),
        vec![binding_match(
            "web02",
            "shop.fabrikam.com:443",
            &fabrikam,
            "Fabrikam",
            "*:443:shop.fabrikam.com"
        )]
    );

    // Certificates, one entry per thumbprint, by not_after.
    let entry = |certificate: &Certificate, machines: &[&str]| {
        let mut entry = FleetCertificate::default();
        entry.thumbprint = thumbprint(certificate);
        entry.subject = certificate.subject.clone();
        entry.issuer = certificate.issuer.clone();
        entry.dns_names = certificate.dns_names.clone();
        entry.not_before = certificate.not_before.unix_timestamp();
        entry.not_after = certificate.not_after.unix_timestamp();
        entry.machines = machines.iter().map(|machine| (*machine).to_owned()).collect();
        entry
    };
    let all = vec![
        entry(&certificates.fallback, &["web01"]),
        entry(&certificates.contoso, &["web01", "web02"]),
        entry(&certificates.fabrikam, &["web02"]),
    ];
    assert_eq!(all[1].dns_names, ["www.contoso.com", "contoso.com"]);
    assert_eq!(fleet.certificates(None).expect("certificates"), all);
    assert_eq!(fleet.certificates(Some(NOW + 30 * DAY)).expect("certificates"), all[..2].to_vec());
    assert_eq!(fleet.certificates(Some(NOW)).expect("certificates"), all[..1].to_vec());
    assert_eq!(
        fleet.certificates(Some(certificates.fallback.not_after.unix_timestamp())).expect("certificates"),
        Vec::new()
    );
    assert_ne!(fallback, contoso);

    // Stored ingests with their snapshots.
    let history = fleet.ingests("web01").expect("ingests");
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].id, history[0].collected_at, history[0].ingested_at), (web01_id, NOW, NOW + DAY));
    assert_eq!(history[0].snapshot, first.snapshot);
    let latest = fleet.latest().expect("latest");
    let latest_shape: Vec<_> = latest
        .iter()
        .map(|ingest| (ingest.machine.as_str(), ingest.id, ingest.snapshot == second.snapshot))
        .collect();
    assert_eq!(latest_shape, [("web01", web01_id, false), ("web02", web02_id, true)]);
    assert!(matches!(fleet.ingests("web99"), Err(FleetError::UnknownMachine { .. })));
}

fn identical_content_adds_nothing(target: &DbTarget) {
    let mut fleet = open(target);
    let first = web01();
    let id = added(ingest(&mut fleet, "web01", NOW, &first));
    let before = rows(&mut fleet);
    assert_eq!(ingest(&mut fleet, "web01", NOW + DAY, &first), IngestOutcome::Unchanged { ingest_id: id });
    assert_eq!(rows(&mut fleet), before);
    // The same content on another machine is a new ingest sharing the stored snapshot.
    added(ingest(&mut fleet, "web01-twin", NOW, &first));
    let after = rows(&mut fleet);
    let count = |counts: &[(String, i64)], table: &str| {
        counts.iter().find(|(name, _)| name == table).map(|(_, number)| *number).expect("a table")
    };
    assert_eq!(count(&after, "snapshots"), 1);
    assert_eq!(count(&after, "ingests"), 2);
    assert_eq!(count(&after, "mappings"), 2 * count(&before, "mappings"));
    assert_eq!(
        before.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
        [
            "machines",
            "snapshots",
            "ingests",
            "sites",
            "bindings",
            "mappings",
            "certificates",
            "findings",
            "reservations"
        ]
    );
    assert_eq!(
        before.iter().map(|(_, number)| *number).collect::<Vec<_>>()[..6],
        [1, 1, 1, 1, 2, 3],
        "{before:?}"
    );
}

fn changed_content_is_a_new_ingest(target: &DbTarget) {
    let mut fleet = open(target);
    let (earlier, later) = (web02(), web02_later());
    let first = added(ingest(&mut fleet, "web02", NOW - 7 * DAY, &earlier));
    let second = added(ingest(&mut fleet, "web02", NOW, &later));
    assert!(second > first);
    let history = fleet.ingests("web02").expect("ingests");
    let shape: Vec<_> = history.iter().map(|ingest| (ingest.id, ingest.collected_at)).collect();
    assert_eq!(shape, [(first, NOW - 7 * DAY), (second, NOW)]);
    assert_eq!(
        (history[0].snapshot.as_str(), history[1].snapshot.as_str()),
        (earlier.snapshot.as_str(), later.snapshot.as_str())
    );
    let machines = fleet.machines(NOW).expect("machines");
    assert_eq!((machines[0].ingests, machines[0].sites, machines[0].collected_at), (2, 1, NOW));
    // Only the latest ingest answers questions: Contoso left web02.
    let contoso = thumbprint(&certificates().contoso);
    assert_eq!(fleet.find_thumbprint(&contoso).expect("find_thumbprint"), Vec::new());
    // Going back to the earlier content is a change too.
    let third = added(ingest(&mut fleet, "web02", NOW + DAY, &earlier));
    assert_eq!(fleet.ingests("web02").expect("ingests").len(), 3);
    assert_eq!(fleet.latest().expect("latest")[0].id, third);
    assert_eq!(fleet.find_thumbprint(&contoso).expect("find_thumbprint").len(), 1);
}

fn an_older_capture_ingested_late_is_history(target: &DbTarget) {
    let mut fleet = open(target);
    let (earlier, later) = (web02(), web02_later());
    let newer = added(ingest(&mut fleet, "web02", NOW, &later));
    let older = added(ingest(&mut fleet, "web02", NOW - 7 * DAY, &earlier));
    let history = fleet.ingests("web02").expect("ingests");
    assert_eq!(history.iter().map(|ingest| ingest.id).collect::<Vec<_>>(), [older, newer]);
    assert_eq!(fleet.latest().expect("latest")[0].id, newer);
    let machines = fleet.machines(NOW).expect("machines");
    assert_eq!((machines[0].ingests, machines[0].collected_at, machines[0].sites), (2, NOW, 1));
    // A capture at the same time as the latest replaces it.
    let same_time = added(ingest(&mut fleet, "web02", NOW, &earlier));
    assert_eq!(fleet.latest().expect("latest")[0].id, same_time);
}

fn hostile_names_round_trip(target: &DbTarget) {
    let certificates = certificates();
    let long_site = "S".repeat(10_000);
    let names = [
        "it's \"quoted\"".to_owned(),
        "'; DROP TABLE machines; --".to_owned(),
        "Ünïcödé 名前 🚀 \u{202e}reversed".to_owned(),
        "$1 ?1 %s {}".to_owned(),
        "é".repeat(10_000),
        "x".repeat(10_000),
    ];
    let site_names = ["Robert'); DROP TABLE sites;--", "名前 \"quoted\" <b>", long_site.as_str()];
    let bindings: [(&str, &str, u32); 1] = [("https", "*:443:www.contoso.com", 1)];
    let built = build(
        &site_names.iter().map(|name| (*name, &bindings[..])).collect::<Vec<_>>(),
        &[("Hostname:port", "www.contoso.com:443", &certificates.contoso)],
        &[&certificates.contoso],
    );
    let mut fleet = open(target);
    for name in &names {
        added(ingest(&mut fleet, name, NOW, &built));
    }
    let mut expected_names = names.to_vec();
    expected_names.sort();
    let machines = fleet.machines(NOW).expect("machines");
    assert_eq!(machines.iter().map(|machine| machine.name.clone()).collect::<Vec<_>>(), expected_names);
    for name in &names {
        let history = fleet.ingests(name).expect("the machine's ingests");
        assert_eq!((history.len(), history[0].machine.as_str()), (1, name.as_str()));
        assert_eq!(history[0].snapshot, built.snapshot);
        let findings = fleet.findings(Some(name)).expect("the machine's findings");
        assert!(findings.iter().all(|finding| &finding.machine == name));
    }
    let found = fleet.find_host("www.contoso.com").expect("find_host");
    let mut sites: Vec<String> = found.iter().filter_map(|found| found.site.clone()).collect();
    sites.sort();
    sites.dedup();
    let mut expected_sites: Vec<String> = site_names.iter().map(|name| (*name).to_owned()).collect();
    expected_sites.sort();
    assert_eq!(sites, expected_sites);
    assert_eq!(found.len(), names.len() * site_names.len());
    // The tables are all still there.
    assert_eq!(rows(&mut fleet)[0], ("machines".to_owned(), names.len() as i64));

    // A host header far longer than any DNS name is stored and found (netsh's reader refuses
    // such a key, so the binding has no mapping: its match names the one IIS would create).
    // Letters from a linear congruential sequence: text no compression shortens, as a
    // repeated letter would be.
    let mut state: u32 = 1;
    let letters: String = (0..10_000)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from(b'a' + u8::try_from((state >> 16) % 26).unwrap_or(0))
        })
        .collect();
    let long_host = format!("{letters}.example");
    let long_binding = format!("*:443:{long_host}");
    let long_key = format!("{long_host}:443");
    let bindings: [(&str, &str, u32); 1] = [("https", long_binding.as_str(), 1)];
    let built = build(&[("long", &bindings[..])], &[], &[&certificates.contoso]);
    added(ingest(&mut fleet, "long-host", NOW, &built));
    let found = fleet.find_host(&long_host).expect("find_host");
    assert_eq!(found.len(), 1, "{:?}", found.iter().map(|found| &found.site).collect::<Vec<_>>());
    assert_eq!(found[0].key.as_deref(), Some(long_key.as_str()));
    assert_eq!(found[0].site.as_deref(), Some("long"));
}

fn eight_writers_at_once(target: &DbTarget) {
    const THREADS: usize = 8;
    const ROUNDS: i64 = 3;
    let rounds: Vec<Built> = [web01(), web02(), web02_later()].into_iter().collect();
    let rounds = Arc::new(rounds);
    let shared = Arc::new(web01());
    let barrier = Arc::new(std::sync::Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let (target, rounds, shared, barrier) =
                (target.clone(), rounds.clone(), shared.clone(), barrier.clone());
            std::thread::spawn(move || -> Result<(Vec<IngestOutcome>, Vec<IngestOutcome>), FleetError> {
                barrier.wait();
                let mut fleet = Fleet::open(&target)?;
                let (mut own, mut of_shared) = (Vec::new(), Vec::new());
                for round in 0..ROUNDS {
                    let built = &rounds[usize::try_from(round).expect("a small round") % rounds.len()];
                    let name = format!("node-{thread}");
                    let input = IngestInput {
                        machine: &name,
                        collected_at: NOW + round,
                        ingested_at: NOW + round,
                        snapshot: &built.snapshot,
                        record: &built.record,
                    };
                    own.push(fleet.ingest(&input)?);
                    if thread < 2 {
                        let input = IngestInput {
                            machine: "shared",
                            collected_at: NOW,
                            ingested_at: NOW,
                            snapshot: &shared.snapshot,
                            record: &shared.record,
                        };
                        of_shared.push(fleet.ingest(&input)?);
                    }
                }
                Ok((own, of_shared))
            })
        })
        .collect();
    let mut shared_added = 0;
    for worker in workers {
        let (own, of_shared) = worker
            .join()
            .expect("the thread ends")
            .unwrap_or_else(|error| panic!("an ingest failed: {error}"));
        assert_eq!(own.len(), 3);
        assert!(own.iter().all(|outcome| matches!(outcome, IngestOutcome::Added { .. })), "{own:?}");
        shared_added +=
            of_shared.iter().filter(|outcome| matches!(outcome, IngestOutcome::Added { .. })).count();
    }
    assert_eq!(shared_added, 1, "the shared machine's identical content is stored once");
    let mut fleet = open(target);
    let machines = fleet.machines(NOW).expect("machines");
    let mut expected_names: Vec<String> = (0..THREADS).map(|thread| format!("node-{thread}")).collect();
    expected_names.push("shared".to_owned());
    assert_eq!(machines.iter().map(|machine| machine.name.clone()).collect::<Vec<_>>(), expected_names);
    assert!(
        machines[..THREADS]
            .iter()
            .all(|machine| machine.ingests == ROUNDS && machine.collected_at == NOW + ROUNDS - 1)
    );
    assert_eq!(machines[THREADS].ingests, 1);
    let per_round = |table: fn(&MachineRecord) -> usize| -> i64 {
        let nodes: usize = rounds.iter().map(|built| table(&built.record)).sum::<usize>() * THREADS;
        (nodes + table(&shared.record)) as i64
    };
    let expected_rows = vec![
        ("machines".to_owned(), THREADS as i64 + 1),
        ("snapshots".to_owned(), 3),
        ("ingests".to_owned(), THREADS as i64 * ROUNDS + 1),
        ("sites".to_owned(), per_round(|record| record.sites.len())),
        ("bindings".to_owned(), per_round(|record| record.bindings.len())),
        ("mappings".to_owned(), per_round(|record| record.mappings.len())),
        ("certificates".to_owned(), per_round(|record| record.certificates.len())),
        ("findings".to_owned(), per_round(|record| record.findings.len())),
        ("reservations".to_owned(), per_round(|record| record.reservations.len())),
    ];
    assert_eq!(rows(&mut fleet), expected_rows);
}

fn a_newer_schema_is_refused(target: &DbTarget) {
    drop(open(target));
    let insert = "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
                  VALUES (999, 'from_the_future', '2030-01-01T00:00:00Z', '1')";
    match target {
        DbTarget::Sqlite(path) => {
            let connection = rusqlite::Connection::open(path).expect("the file opens");
            connection.execute_batch(insert).expect("the row is added");
        }
        DbTarget::Postgres(url) => {
            let mut client =
                ::postgres::Client::connect(url, ::postgres::NoTls).expect("the database connects");
            client.batch_execute(insert).expect("the row is added");
        }
    }
    let error = match Fleet::open(target) {
        Ok(_) => panic!("a database with an unknown migration opened"),
        Err(error) => error,
    };
    assert!(matches!(error, FleetError::NewerSchema { version: 999, known: 1, .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("written by a newer sslbind"), "{message}");
    assert!(message.contains("version 999"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// The scenarios on each engine.

macro_rules! on_both_engines {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $scenario() {
                    let folder = tempfile::tempdir().expect("a temporary folder");
                    super::$scenario(&super::DbTarget::Sqlite(folder.path().join("fleet.db")));
                }
            )*
        }

        #[cfg(feature = "external-tools")]
        mod postgres {
            $(
                #[test]
                fn $scenario() {
                    let server = sslbind_live::testing::postgres::server();
                    super::$scenario(&super::DbTarget::Postgres(server.fresh_database()));
                }
            )*
        }
    };
}

on_both_engines!(
    every_question_has_its_exact_answer,
    identical_content_adds_nothing,
    changed_content_is_a_new_ingest,
    an_older_capture_ingested_late_is_history,
    hostile_names_round_trip,
    eight_writers_at_once,
    a_newer_schema_is_refused,
);

/// The same ingests give the same answers on both engines, ids included.
#[cfg(feature = "external-tools")]
#[test]
fn sqlite_and_postgres_give_identical_answers() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let server = sslbind_live::testing::postgres::server();
    let targets =
        [DbTarget::Sqlite(folder.path().join("fleet.db")), DbTarget::Postgres(server.fresh_database())];
    let answers: Vec<String> = targets
        .iter()
        .map(|target| {
            let mut fleet = open(target);
            ingest(&mut fleet, "web02", NOW - 7 * DAY, &web02());
            ingest(&mut fleet, "web01", NOW, &web01());
            ingest(&mut fleet, "web02", NOW, &web02_later());
            ingest(&mut fleet, "web02", NOW - 8 * DAY, &web01());
            ingest(&mut fleet, "Ünïcödé 'quoted'", NOW, &web02());
            let contoso = thumbprint(&certificates().contoso);
            format!(
                "{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}\n{:#?}",
                fleet.machines(NOW + 30 * DAY).expect("machines"),
                fleet.findings(None).expect("findings"),
                fleet.find_thumbprint(&contoso).expect("find_thumbprint"),
                fleet.find_host("www.contoso.com").expect("find_host"),
                fleet.find_host("shop.fabrikam.com").expect("find_host"),
                fleet.certificates(None).expect("certificates"),
                fleet.certificates(Some(NOW)).expect("certificates"),
                fleet.ingests("web02").expect("ingests"),
                fleet.latest().expect("latest"),
                fleet.table_rows().expect("rows"),
            )
        })
        .collect();
    assert!(answers[0].contains("web01") && answers[0].contains("Contoso"));
    similar_asserts(&answers[0], &answers[1]);
}

#[cfg(feature = "external-tools")]
fn similar_asserts(sqlite: &str, postgres: &str) {
    assert!(sqlite == postgres, "SQLite answered:\n{sqlite}\nPostgreSQL answered:\n{postgres}");
}

// ---------------------------------------------------------------------------------------------
// Targets and passwords.

#[test]
fn targets_are_told_apart_by_scheme() {
    let cases = [
        ("postgres://u:p@db/fleet", DbTarget::Postgres("postgres://u:p@db/fleet".to_owned())),
        ("PostgreSQL://db/fleet", DbTarget::Postgres("PostgreSQL://db/fleet".to_owned())),
        ("fleet.db", DbTarget::Sqlite("fleet.db".into())),
        ("/var/lib/sslbind/postgres.db", DbTarget::Sqlite("/var/lib/sslbind/postgres.db".into())),
        ("mysql://db/fleet", DbTarget::Sqlite("mysql://db/fleet".into())),
        ("", DbTarget::Sqlite("".into())),
    ];
    for (text, expected) in cases {
        assert_eq!(DbTarget::parse(text), expected, "{text}");
    }
    assert_eq!(DbTarget::from_option(Some("x.db")), DbTarget::Sqlite("x.db".into()));
}

#[test]
fn passwords_are_redacted() {
    let cases = [
        ("postgres://fleet:s3cret@db.example:5432/fleet", "postgres://fleet:***@db.example:5432/fleet"),
        (
            "postgresql://fleet:p@ss/w:rd@db/fleet?sslmode=disable",
            "postgresql://fleet:***@db/fleet?sslmode=disable",
        ),
        ("POSTGRES://fleet:x@db", "POSTGRES://fleet:***@db"),
        ("postgres://fleet@db/fleet", "postgres://fleet@db/fleet"),
        ("postgres://db/fleet", "postgres://db/fleet"),
        (
            "error: 'postgres://a:b@h/d' and postgres://c:d@h/e.",
            "error: 'postgres://a:***@h/d' and postgres://c:***@h/e.",
        ),
        ("postgres://db/fleet?user=u&password=hunter2&x=1", "postgres://db/fleet?user=u&password=***&x=1"),
        ("host=db password=hunter2 user=u", "host=db password=*** user=u"),
        ("no url here", "no url here"),
        ("postgres://ü:é@h", "postgres://ü:***@h"),
    ];
    for (text, expected) in cases {
        assert_eq!(redact(text), expected, "{text}");
    }
}

#[test]
fn a_password_is_never_shown() {
    // A port nothing listens on: bound, then released.
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").expect("a port").local_addr().expect("its address").port();
    let password = "Sup3r-s3cret-pw";
    let url = format!("postgres://fleet:{password}@127.0.0.1:{port}/fleet");
    let target = DbTarget::parse(&url);
    assert_eq!(target.to_string(), format!("postgres://fleet:***@127.0.0.1:{port}/fleet"));
    assert!(!format!("{target:?}").contains(password));
    let error = match Fleet::open(&target) {
        Ok(_) => panic!("connected to a closed port"),
        Err(error) => error,
    };
    assert!(matches!(error, FleetError::Postgres { .. }), "{error:?}");
    for shown in [error.to_string(), format!("{error:?}"), format!("{error:#?}")] {
        assert!(!shown.contains(password), "{shown}");
        assert!(shown.contains("127.0.0.1"), "{shown}");
    }
}

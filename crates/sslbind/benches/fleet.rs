//! How the fleet database scales: ingest throughput on SQLite and PostgreSQL for 1,000 hosting
//! servers of 200 sites and 100 of 2,000 (`sslbind::machine_writer::scale`, one certificate
//! per site), then the questions `sslbind fleet where` and `certificates --expiring-within`
//! ask (and the machine list and every finding), timed at about 1,000,000 mappings with the
//! engine's query plans printed, and the size of the database per machine.
//!
//! Each size of machine is generated and analysed once; every server is that machine with its
//! host names and thumbprints made its own (`.mN.example`, the machine number in the
//! thumbprint), so that indexes see a fleet of distinct customers, as a hosting provider's is.
//! A plain `main` rather than a harness: run it with `cargo bench -p sslbind --bench fleet`
//! (PostgreSQL is started with `sslbind_live::testing::postgres`: Debian's `postgresql`).
//! `-- sqlite` or `-- postgres` runs one engine.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sslbind::machine_writer::scale::{ScaleOptions, write_scale_machine};
use sslbind_core::analysis::{analyze, selection::UnknownCcsFolder};
use sslbind_core::doctor::{Context, Options, Overrides, Parallelism, diagnose};
use sslbind_core::fleet::{MachineRecord, record};
use sslbind_core::uncertain::SelectionAssumptions;
use sslbind_live::fleet::{DbTarget, Fleet, IngestInput};
use time::macros::datetime;

/// 2026-12-01T00:00:00Z, the collection time of every ingest.
const NOW: i64 = 1_796_083_200;
const DAY: i64 = 86_400;
/// The mappings the query latencies are measured at.
const TARGET_MAPPINGS: i64 = 1_000_000;
/// Runs of each query; the median is reported.
const QUERY_RUNS: usize = 21;

/// A question's name, and the question asked of a fleet, giving the number of answers.
type Question<'a> = (&'a str, &'a mut dyn FnMut(&mut Fleet) -> usize);

/// One analysed machine to copy.
struct Template {
    sites: usize,
    record: MachineRecord,
    snapshot: String,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let engines: Vec<&str> = ["sqlite", "postgres"]
        .into_iter()
        .filter(|engine| args.iter().all(|arg| arg.starts_with('-')) || args.iter().any(|arg| arg == engine))
        .collect();
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fleet");
    let small = template(200, &root);
    let large = template(2_000, &root);
    println!(
        "fleet: {} CPUs; a 200-site machine is {} rows ({} mappings, snapshot {} kB), a 2,000-site one {} rows ({} mappings, snapshot {} kB)\n",
        std::thread::available_parallelism().map_or(1, usize::from),
        rows(&small.record),
        small.record.mappings.len(),
        small.snapshot.len() / 1024,
        rows(&large.record),
        large.record.mappings.len(),
        large.snapshot.len() / 1024,
    );
    for engine in engines {
        let folder = tempfile::tempdir().expect("a temporary folder");
        // Kept alive until the engine's measurements end.
        let server;
        let target = if engine == "sqlite" {
            DbTarget::Sqlite(folder.path().join("fleet.db"))
        } else {
            server = sslbind_live::testing::postgres::Server::start();
            DbTarget::Postgres(server.fresh_database())
        };
        measure(engine, &target, &small, &large);
    }
}

fn measure(engine: &str, target: &DbTarget, small: &Template, large: &Template) {
    println!("== {engine}");
    let mut fleet = Fleet::open(target).unwrap_or_else(|error| panic!("{error}"));
    let mut machine_number = 0;
    for (template, machines) in [(small, 1_000), (large, 100)] {
        let (elapsed, rows) = ingest_many(&mut fleet, template, machine_number, machines);
        machine_number += machines;
        println!(
            "ingest {machines} machines of {} sites: {:.1} s, {:.0} machines/s, {:.0} rows/s",
            template.sites,
            elapsed.as_secs_f64(),
            machines as f64 / elapsed.as_secs_f64(),
            rows as f64 / elapsed.as_secs_f64()
        );
    }
    report_size(&mut fleet, machine_number);
    // Up to about a million mappings with more 200-site servers.
    let mappings = mapping_count(&mut fleet);
    let more = usize::try_from((TARGET_MAPPINGS - mappings).max(0)).unwrap_or(0)
        / small.record.mappings.len().max(1);
    let (elapsed, rows) = ingest_many(&mut fleet, small, machine_number, more);
    machine_number += more;
    println!(
        "ingest {more} more machines of 200 sites: {:.1} s, {:.0} machines/s, {:.0} rows/s",
        elapsed.as_secs_f64(),
        more as f64 / elapsed.as_secs_f64(),
        rows as f64 / elapsed.as_secs_f64()
    );
    report_size(&mut fleet, machine_number);
    println!("{} mappings in {machine_number} machines' latest ingests", mapping_count(&mut fleet));

    let probe = machine_number / 2;
    let thumbprint = vary_thumbprint(
        small
            .record
            .mappings
            .iter()
            .find_map(|mapping| mapping.certificate_hash.as_deref())
            .unwrap_or_default(),
        probe,
    );
    let host = vary_text(
        &small.record.mappings.iter().find_map(|mapping| mapping.host.clone()).unwrap_or_default(),
        probe,
    );
    let questions: [Question<'_>; 5] = [
        (&format!("find_thumbprint({thumbprint})"), &mut |fleet: &mut Fleet| {
            fleet
                .find_thumbprint(&thumbprint)
                .map(|found| found.len())
                .unwrap_or_else(|error| panic!("{error}"))
        }),
        (&format!("find_host({host})"), &mut |fleet: &mut Fleet| {
            fleet.find_host(&host).map(|found| found.len()).unwrap_or_else(|error| panic!("{error}"))
        }),
        ("certificates(Some(now + 30 days))", &mut |fleet: &mut Fleet| {
            fleet
                .certificates(Some(NOW + 30 * DAY))
                .map(|found| found.len())
                .unwrap_or_else(|error| panic!("{error}"))
        }),
        ("machines(now + 30 days)", &mut |fleet: &mut Fleet| {
            fleet.machines(NOW + 30 * DAY).map(|found| found.len()).unwrap_or_else(|error| panic!("{error}"))
        }),
        ("findings(None)", &mut |fleet: &mut Fleet| {
            fleet.findings(None).map(|found| found.len()).unwrap_or_else(|error| panic!("{error}"))
        }),
    ];
    for (name, question) in questions {
        let mut times = Vec::with_capacity(QUERY_RUNS);
        let mut answers = 0;
        for _ in 0..QUERY_RUNS {
            let start = Instant::now();
            answers = question(&mut fleet);
            times.push(start.elapsed());
        }
        times.sort();
        println!("{name}: {answers} answers, median {:.2} ms", times[QUERY_RUNS / 2].as_secs_f64() * 1000.0);
    }
    for (statement, plan) in
        fleet.query_plans(&thumbprint, &host, NOW + 30 * DAY).unwrap_or_else(|error| panic!("{error}"))
    {
        println!("plan of {statement}:\n{}", indent(&plan));
    }
    println!();
}

/// Ingests `count` copies of `template` as machines `first..first + count`; the time and the
/// rows written.
fn ingest_many(fleet: &mut Fleet, template: &Template, first: usize, count: usize) -> (Duration, usize) {
    let copies: Vec<(String, MachineRecord, String)> = (first..first + count)
        .map(|number| {
            (format!("web{number:05}"), vary(&template.record, number), vary_text(&template.snapshot, number))
        })
        .collect();
    let start = Instant::now();
    let mut written = 0;
    for (name, record, snapshot) in &copies {
        let input = IngestInput { machine: name, collected_at: NOW, ingested_at: NOW, snapshot, record };
        fleet.ingest(&input).unwrap_or_else(|error| panic!("{error}"));
        written += rows(record) + 2;
    }
    (start.elapsed(), written)
}

fn report_size(fleet: &mut Fleet, machines: usize) {
    let bytes = fleet.database_bytes().unwrap_or_else(|error| panic!("{error}"));
    println!(
        "database: {:.1} MB, {:.1} kB per machine",
        bytes as f64 / 1e6,
        bytes as f64 / 1e3 / machines.max(1) as f64
    );
}

fn mapping_count(fleet: &mut Fleet) -> i64 {
    let rows = fleet.table_rows().unwrap_or_else(|error| panic!("{error}"));
    rows.iter().find(|(table, _)| table == "mappings").map_or(0, |(_, count)| *count)
}

/// A hosting server of `sites` sites, one certificate per site, read back from its snapshot
/// and analysed as `sslbind fleet ingest` would.
fn template(sites: usize, root: &std::path::Path) -> Template {
    let folder = root.join(format!("{sites}-sites"));
    let machine = write_scale_machine(ScaleOptions { sites, names_per_certificate: 1 }, &folder)
        .unwrap_or_else(|error| panic!("cannot write the {sites}-site machine: {error}"));
    let snapshot = std::fs::read_to_string(&machine.snapshot).unwrap_or_else(|error| panic!("{error}"));
    let read = sslbind_core::snapshot::read_snapshot(&Arc::from("bench"), snapshot.as_bytes())
        .unwrap_or_else(|error| panic!("{error}"));
    let machine = read.machine;
    let analysis = analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let options = Options { now: datetime!(2026-12-01 00:00 UTC), expiry_days: 30, ccs_folder_known: false };
    let context =
        Context { machine: &machine, analysis: &analysis, ccs_files: &UnknownCcsFolder, options: &options };
    let findings = diagnose(&context, &Overrides::default(), Parallelism::Sequential);
    Template { sites, record: record(&machine, &analysis, &findings), snapshot }
}

fn rows(record: &MachineRecord) -> usize {
    record.sites.len()
        + record.bindings.len()
        + record.mappings.len()
        + record.certificates.len()
        + record.findings.len()
        + record.reservations.len()
}

/// `record` as machine `number`'s: its own host names and thumbprints.
fn vary(record: &MachineRecord, number: usize) -> MachineRecord {
    let mut copy = record.clone();
    let text = |value: &mut String| *value = vary_text(value, number);
    let optional = |value: &mut Option<String>| {
        if let Some(value) = value {
            *value = vary_text(value, number);
        }
    };
    let hash = |value: &mut Option<String>| {
        if let Some(value) = value {
            *value = vary_thumbprint(value, number);
        }
    };
    for site in &mut copy.sites {
        text(&mut site.name);
    }
    for binding in &mut copy.bindings {
        text(&mut binding.site);
        text(&mut binding.binding);
        optional(&mut binding.host);
        for pair in [&mut binding.expected_mapping, &mut binding.effective_mapping].into_iter().flatten() {
            text(&mut pair.1);
        }
        hash(&mut binding.certificate_hash);
    }
    for mapping in &mut copy.mappings {
        text(&mut mapping.key);
        optional(&mut mapping.host);
        hash(&mut mapping.certificate_hash);
    }
    for certificate in &mut copy.certificates {
        certificate.thumbprint = vary_thumbprint(&certificate.thumbprint, number);
        text(&mut certificate.subject);
        for name in &mut certificate.dns_names {
            text(name);
        }
    }
    for finding in &mut copy.findings {
        text(&mut finding.message);
        optional(&mut finding.site);
        optional(&mut finding.binding);
        hash(&mut finding.certificate_hash);
    }
    copy
}

fn vary_text(text: &str, number: usize) -> String {
    text.replace(".example", &format!(".m{number}.example"))
}

/// The thumbprint with its first eight digits replaced by the machine number.
fn vary_thumbprint(thumbprint: &str, number: usize) -> String {
    match thumbprint.get(8..) {
        Some(rest) => format!("{number:08X}{rest}"),
        None => thumbprint.to_owned(),
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("    {line}")).collect::<Vec<_>>().join("\n")
}

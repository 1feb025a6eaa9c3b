//! How a fleet database scales: ingest throughput into SQLite and PostgreSQL for 1,000
//! machines of 200 sites and 100 of 2,000, then the questions (`where` by thumbprint and by
//! host, `certificates --expiring-within`, one machine's findings, the machine list) on a
//! database grown past 1,000,000 mappings, with the query plans that show the indexes used,
//! and the database's size per machine.
//!
//! The machines are the scale generator's (`sslbind::machine_writer::scale`), read, analysed
//! and diagnosed once per size as `fleet ingest` does; each machine of the fleet is that
//! record with its own thumbprints, host names and snapshot, so that every row is its own,
//! except one certificate that every machine shares (a wildcard a provider installs
//! everywhere). What is timed is the storage: `Fleet::ingest` and the queries.
//!
//! A plain `main` rather than a harness: the answers are throughputs and latencies measured in
//! one run. `cargo bench -p sslbind --bench fleet` (PostgreSQL from Debian's `postgresql`,
//! started by the test support; `-- quick` for a tenth of the machines). Results and method:
//! docs/performance.md#fleet.

use std::path::Path;
use std::time::{Duration, Instant};

use sslbind::machine_writer::scale::{ScaleOptions, write_scale_machine};
use sslbind_core::analysis::{analyze, selection::UnknownCcsFolder};
use sslbind_core::doctor::{Context, Options, Overrides, diagnose};
use sslbind_core::fleet::{MachineRecord, record};
use sslbind_core::snapshot::{SnapshotMeta, write_snapshot};
use sslbind_core::uncertain::SelectionAssumptions;
use sslbind_live::fleet::{DbTarget, Fleet, IngestInput};
use time::macros::datetime;

/// Query repetitions; the median is reported.
const ROUNDS: usize = 21;
/// Where the database of the query measurements must have grown to.
const MAPPINGS_FOR_QUERIES: usize = 1_000_000;
const PLACEHOLDER: &str = "FLEET-BENCH-MACHINE";

/// One size of machine, read once.
struct Template {
    sites: usize,
    record: MachineRecord,
    snapshot: String,
}

fn template(sites: usize, scratch: &Path) -> Template {
    let folder = scratch.join(format!("machine-{sites}"));
    let written = write_scale_machine(ScaleOptions { sites, names_per_certificate: 10 }, &folder)
        .unwrap_or_else(|error| panic!("cannot write the {sites}-site machine: {error}"));
    let sources = sslbind_live::Sources { machine: Some(written.folder.clone()), ..Default::default() };
    let loaded = sslbind_live::load_machine_with_files(&sources).expect("the machine reads");
    let machine = &loaded.machine;
    let now = datetime!(2026-06-01 00:00 UTC);
    let analysis = analyze(machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let options = Options { now, expiry_days: 30, ccs_folder_known: false };
    let context = Context { machine, analysis: &analysis, ccs_files: &UnknownCcsFolder, options: &options };
    let findings = diagnose(&context, &Overrides::default(), sslbind_live::threads::rules_on_two_threads());
    let meta = SnapshotMeta {
        tool: "sslbind".to_owned(),
        created: String::new(),
        machine_name: Some(PLACEHOLDER.to_owned()),
    };
    let snapshot = write_snapshot(machine, &loaded.config_sources(), &meta).expect("the snapshot");
    Template { sites, record: record(machine, &analysis, &findings), snapshot }
}

/// Machine `index`'s own thumbprint for a template thumbprint; the template's first
/// certificate stays shared by every machine.
fn own_thumbprint(thumbprint: &str, index: usize, shared: &str) -> String {
    if thumbprint == shared {
        thumbprint.to_owned()
    } else {
        format!("{index:08X}{}", &thumbprint[8.min(thumbprint.len())..])
    }
}

fn own_host(host: &str, index: usize) -> String {
    format!("m{index}-{host}")
}

/// The template's record as machine `index`'s.
fn machine_record(template: &MachineRecord, index: usize) -> MachineRecord {
    let shared =
        template.certificates.first().map(|certificate| certificate.thumbprint.clone()).unwrap_or_default();
    let mut record = template.clone();
    let thumbprint = |value: &mut Option<String>| {
        if let Some(text) = value.as_mut() {
            *text = own_thumbprint(text, index, &shared);
        }
    };
    let key = |value: &mut Option<(String, String)>| {
        if let Some((kind, key)) = value.as_mut()
            && (kind == "sni" || kind == "scoped-ccs")
        {
            *key = own_host(key, index);
        }
    };
    for binding in &mut record.bindings {
        thumbprint(&mut binding.certificate_hash);
        binding.host = binding.host.as_deref().map(|host| own_host(host, index));
        binding.binding = binding.binding.replace("customer", &format!("m{index}-customer"));
        key(&mut binding.expected_mapping);
        key(&mut binding.effective_mapping);
    }
    for mapping in &mut record.mappings {
        thumbprint(&mut mapping.certificate_hash);
        if let Some(host) = &mapping.host {
            mapping.key = own_host(&mapping.key, index);
            mapping.host = Some(own_host(host, index));
        }
    }
    for certificate in &mut record.certificates {
        certificate.thumbprint = own_thumbprint(&certificate.thumbprint, index, &shared);
    }
    for finding in &mut record.findings {
        thumbprint(&mut finding.certificate_hash);
        key(&mut finding.mapping);
    }
    record
}

fn rows(record: &MachineRecord) -> usize {
    record.sites.len()
        + record.bindings.len()
        + record.mappings.len()
        + record.certificates.len()
        + record.findings.len()
        + record.reservations.len()
}

/// Ingests machines `from..to` of `template` and returns the time the ingests took.
fn ingest(fleet: &mut Fleet, template: &Template, from: usize, to: usize) -> Duration {
    let mut spent = Duration::ZERO;
    for index in from..to {
        let name = format!("m{index}-{}", template.sites);
        let record = machine_record(&template.record, index);
        let snapshot = template.snapshot.replace(PLACEHOLDER, &name);
        let started = Instant::now();
        fleet
            .ingest(&IngestInput {
                machine: &name,
                collected_at: datetime!(2026-06-01 00:00 UTC).unix_timestamp(),
                ingested_at: datetime!(2026-06-01 00:00 UTC).unix_timestamp(),
                snapshot: &snapshot,
                record: &record,
            })
            .expect("the ingest");
        spent += started.elapsed();
    }
    spent
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time_query(label: &str, mut query: impl FnMut() -> usize) {
    let mut samples = Vec::new();
    let mut answers = 0;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        answers = query();
        samples.push(started.elapsed());
    }
    println!("    {label:<44} {:>9.2} ms  ({answers} rows)", median(samples).as_secs_f64() * 1e3);
}

fn size_of(target: &DbTarget) -> u64 {
    match target {
        DbTarget::Sqlite(path) => ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
            .map(|metadata| metadata.len())
            .sum(),
        DbTarget::Postgres(url) => {
            let mut client = postgres::Client::connect(url, postgres::NoTls).expect("a connection");
            let row = client.query_one("SELECT pg_database_size(current_database())", &[]).expect("the size");
            u64::try_from(row.get::<_, i64>(0)).unwrap_or(0)
        }
    }
}

fn engine(label: &str, target: &DbTarget, small: &Template, large: &Template, scale: usize) {
    println!("\n{label}");
    let mut fleet = Fleet::open(target).expect("the database opens");
    let small_machines = 1_000 / scale;
    let spent = ingest(&mut fleet, small, 0, small_machines);
    let per_machine_rows = rows(&small.record);
    println!(
        "  ingest {small_machines} machines of {} sites: {:.1} s, {:.0} machines/s, {:.0} rows/s ({per_machine_rows} rows each)",
        small.sites,
        spent.as_secs_f64(),
        small_machines as f64 / spent.as_secs_f64(),
        (small_machines * per_machine_rows) as f64 / spent.as_secs_f64()
    );
    let size = size_of(target);
    println!(
        "  size after them: {:.1} MB, {:.0} kB per machine",
        size as f64 / 1e6,
        size as f64 / 1e3 / small_machines as f64
    );

    let large_machines = 100 / scale;
    let spent_large = ingest(&mut fleet, large, 0, large_machines);
    let large_rows = rows(&large.record);
    println!(
        "  ingest {large_machines} machines of {} sites: {:.1} s, {:.1} machines/s, {:.0} rows/s ({large_rows} rows each)",
        large.sites,
        spent_large.as_secs_f64(),
        large_machines as f64 / spent_large.as_secs_f64(),
        (large_machines * large_rows) as f64 / spent_large.as_secs_f64()
    );

    // Grow to the query size with more small machines.
    let mut mappings =
        small_machines * small.record.mappings.len() + large_machines * large.record.mappings.len();
    let mut next = small_machines;
    let target_mappings = MAPPINGS_FOR_QUERIES / scale;
    let started = Instant::now();
    while mappings < target_mappings {
        ingest(&mut fleet, small, next, next + 1);
        next += 1;
        mappings += small.record.mappings.len();
    }
    let machines = next + large_machines;
    println!(
        "  grown to {machines} machines, {mappings} mappings in {:.1} s; size {:.1} MB",
        started.elapsed().as_secs_f64(),
        size_of(target) as f64 / 1e6
    );

    let shared = small
        .record
        .certificates
        .first()
        .map(|certificate| certificate.thumbprint.clone())
        .unwrap_or_default();
    let own = own_thumbprint(
        small.record.certificates.get(1).map_or(&shared, |certificate| &certificate.thumbprint),
        next / 2,
        &shared,
    );
    let host = small
        .record
        .mappings
        .iter()
        .find_map(|mapping| mapping.host.clone())
        .map(|host| own_host(&host, next / 2))
        .unwrap_or_default();
    let machine_name = format!("m{}-{}", next / 2, small.sites);
    let soon = datetime!(2026-07-01 00:00 UTC).unix_timestamp();
    println!("  queries (median of {ROUNDS}):");
    time_query(&format!("where {own} (one machine's)"), || fleet.find_thumbprint(&own).expect("where").len());
    time_query("where <the certificate every machine has>", || {
        fleet.find_thumbprint(&shared).expect("where").len()
    });
    time_query(&format!("where {host}"), || fleet.find_host(&host).expect("where").len());
    time_query("certificates --expiring-within 30", || {
        fleet.certificates(Some(soon)).expect("certificates").len()
    });
    time_query(&format!("findings --machine {machine_name}"), || {
        fleet.findings(Some(&machine_name)).expect("findings").len()
    });
    time_query("machines", || fleet.machines(soon).expect("machines").len());
    println!("  query plans:");
    for (query, plan) in fleet.query_plans().expect("the plans") {
        println!("    {query}:");
        for line in plan.lines() {
            println!("      {line}");
        }
    }
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "quick");
    let scale = if quick { 10 } else { 1 };
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let started = Instant::now();
    let small = template(200, scratch.path());
    let large = template(2_000, scratch.path());
    println!(
        "templates read in {:.1} s: 200 sites = {} rows, 2,000 sites = {} rows; snapshots {} kB and {} kB",
        started.elapsed().as_secs_f64(),
        rows(&small.record),
        rows(&large.record),
        small.snapshot.len() / 1_000,
        large.snapshot.len() / 1_000
    );

    let sqlite = DbTarget::Sqlite(scratch.path().join("fleet.db"));
    engine("SQLite (bundled, WAL)", &sqlite, &small, &large, scale);

    let server = sslbind_live::testing::postgres::server();
    let postgres = DbTarget::Postgres(server.fresh_database());
    engine("PostgreSQL (local, fsync off)", &postgres, &small, &large, scale);
}

//! How `sslbind doctor` scales on hosting servers, against `xmllint --noout` on the same
//! config in the same run: synthetic machines (`sslbind::machine_writer::scale`) of 1,000,
//! 10,000 and 50,000 sites with ten names per certificate, and the two 20,000-site targets
//! (2,000 certificates of ten names, 20,000 of one name). For each it prints the wall time of
//! the whole `doctor` process and of xmllint (medians), their ratio, each stage measured in
//! this process on one thread (read config, read netsh, read certificates, read the `.reg`
//! export and the snapshot, analyse, render), the peak memory of both processes, and
//! `doctor --fix` (the verified repair plan) against `doctor` alone, and `report` (the HTML
//! page) against `doctor --format json`, with the page's size.
//!
//! A plain `main` rather than a harness: the questions are ratios and growth, measured in one
//! run on a shared machine where absolute times are noise. Run it with
//! `cargo bench -p sslbind --bench scale` (or `-- 20000` for chosen sizes, `-- 20000/1` with one
//! name per certificate; needs xmllint from
//! Debian's libxml2-utils, and GNU time, Debian's `time`); `docs/performance.md` records the
//! numbers.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

// The binary's own renderer, so that rendering is timed as users get it.
use sslbind::machine_writer::scale::{ScaleMachine, ScaleOptions, write_scale_machine};
use sslbind::render;
use sslbind_core::analysis::{self, selection::UnknownCcsFolder};
use sslbind_core::doctor::{self, Options, Overrides};
use sslbind_core::registry::{interpret, reg};
use sslbind_core::uncertain::SelectionAssumptions;
use sslbind_core::{certs, httpsys, iis, snapshot};

/// Runs of each process measurement; the median is reported.
const ROUNDS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `SITES` (ten names per certificate) or `SITES/NAMES`.
    let chosen: Vec<(usize, usize)> = args
        .iter()
        .skip(1)
        .filter_map(|arg| match arg.split_once('/') {
            Some((sites, names)) => Some((sites.parse().ok()?, names.parse().ok()?)),
            None => Some((arg.parse().ok()?, 10)),
        })
        .collect();
    let cases: Vec<(usize, usize)> = if chosen.is_empty() {
        vec![(1_000, 10), (10_000, 10), (50_000, 10), (20_000, 10), (20_000, 1)]
    } else {
        chosen
    };
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scale");
    println!(
        "scale: {} CPUs, {ROUNDS} rounds per process measurement (median)\n",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    let mut rows = Vec::new();
    for (sites, names) in cases {
        let folder = root.join(format!("{sites}-sites-{names}-names"));
        let machine = match write_scale_machine(ScaleOptions { sites, names_per_certificate: names }, &folder)
        {
            Ok(machine) => machine,
            Err(error) => panic!("cannot write the {sites}-site machine: {error}"),
        };
        rows.push(measure(&machine, names));
    }
    print_tables(&rows);
}

/// One machine's measurements.
struct Row {
    machine: ScaleMachine,
    names: usize,
    input_bytes: u64,
    xmllint: Process,
    doctor: Process,
    /// `doctor --fix --format json`: the repair plan, verified, against `doctor` alone.
    fix: Process,
    /// `doctor --format json`, what `report` is measured against.
    doctor_json: Process,
    /// `report -o FILE`: the HTML page.
    report: Process,
    /// The page's size.
    report_bytes: u64,
    stages: Vec<(&'static str, Duration)>,
}

/// A child process's median wall time and largest peak resident memory.
struct Process {
    wall: Duration,
    peak_kib: u64,
}

fn measure(machine: &ScaleMachine, names: usize) -> Row {
    let config = machine.config.to_string_lossy().into_owned();
    let xmllint = run_process("xmllint", &["--noout", &config]);
    let folder = machine.folder.to_string_lossy().into_owned();
    let doctor = run_process(env!("CARGO_BIN_EXE_sslbind"), &["doctor", &folder, "--fail-on", "never"]);
    let fix = run_process(
        env!("CARGO_BIN_EXE_sslbind"),
        &["doctor", &folder, "--fix", "--format", "json", "--fail-on", "never"],
    );
    let doctor_json = run_process(
        env!("CARGO_BIN_EXE_sslbind"),
        &["doctor", &folder, "--format", "json", "--fail-on", "never"],
    );
    let page = machine.folder.with_extension("report.html");
    let page_text = page.to_string_lossy().into_owned();
    let report = run_process(env!("CARGO_BIN_EXE_sslbind"), &["report", &folder, "-o", &page_text]);
    let report_bytes = file_size(&page);
    let input_bytes = file_size(&machine.config) + file_size(&machine.sslcert) + folder_size(&machine.certs);
    Row {
        machine: machine.clone(),
        names,
        input_bytes,
        xmllint,
        doctor,
        fix,
        doctor_json,
        report,
        report_bytes,
        stages: stages(machine),
    }
}

/// Each stage of `doctor` in this process, on one thread, the inputs already in memory.
fn stages(machine: &ScaleMachine) -> Vec<(&'static str, Duration)> {
    let name: Arc<str> = Arc::from("bench");
    let config = read(&machine.config);
    let sslcert = read(&machine.sslcert);
    let registry = read(&machine.registry);
    let snapshot_bytes = read(&machine.snapshot);
    let mut certificate_files: Vec<PathBuf> = std::fs::read_dir(&machine.certs)
        .map(|entries| entries.filter_map(|entry| entry.ok().map(|entry| entry.path())).collect())
        .unwrap_or_default();
    certificate_files.sort();
    let certificate_bytes: Vec<Vec<u8>> = certificate_files.iter().map(|path| read(path)).collect();

    let mut stages = Vec::new();
    let (read_config, config_read) = timed(|| iis::read_config(&name, &config, None));
    stages.push(("read config", read_config));
    let (read_netsh, netsh_read) = timed(|| httpsys::read_netsh(&name, &sslcert));
    stages.push(("read netsh", read_netsh));
    let (read_certs, certificates) = timed(|| {
        certificate_bytes
            .iter()
            .flat_map(|bytes| certs::read_certificates(&name, bytes, None).map(|read| read.certificates))
            .flatten()
            .collect::<Vec<_>>()
    });
    stages.push(("read certificates", read_certs));
    let (read_registry, _) = timed(|| {
        reg::read_reg(&name, &registry)
            .map(|read| interpret::interpret(&read.tree, &name))
            .map(|read| read.mappings.len())
    });
    stages.push(("read .reg (not in doctor's path)", read_registry));
    let (read_snapshot, _) =
        timed(|| snapshot::read_snapshot(&name, &snapshot_bytes).map(|read| read.machine.mappings.len()));
    stages.push(("read snapshot (not in doctor's path)", read_snapshot));

    let mut model = sslbind_core::model::Machine::default();
    if let Ok(read) = config_read {
        model.configs.push(read.config);
    }
    if let Ok(read) = netsh_read {
        model.mappings = read.mappings;
        model.mappings_known = true;
    }
    model.certificates = certificates;
    model.certificates_known = true;
    let options = Options { now: time::OffsetDateTime::now_utc(), expiry_days: 30, ccs_folder_known: false };
    let (analyse, findings) = timed(|| {
        let analysis = analysis::analyze(&model, &UnknownCcsFolder, &SelectionAssumptions::default());
        let context = doctor::Context {
            machine: &model,
            analysis: &analysis,
            ccs_files: &UnknownCcsFolder,
            options: &options,
        };
        doctor::diagnose(&context, &Overrides::default(), sslbind_live::threads::rules_on_two_threads())
    });
    stages.push(("analyse and diagnose", analyse));
    let style = render::Style { width: 100, wrap: 100 };
    let (render_table, _) = timed(|| {
        let mut out = Vec::new();
        render::findings::table(&mut out, &model, &findings, &style).map(|()| out.len())
    });
    stages.push(("render table", render_table));
    stages
}

/// The median wall time of `program args` over [`ROUNDS`] runs, with its output discarded,
/// and the largest peak resident set of those runs.
///
/// The peak comes from GNU time (`/usr/bin/time -f %M`, Debian's `time`), which forks the
/// program itself: Linux carries a parent's peak memory over into a child it spawns directly,
/// and this process holds whole machines in memory, so its own children's figures would be
/// its own. The wall time is measured here, to the microsecond.
fn run_process(program: &str, args: &[&str]) -> Process {
    let report = std::env::temp_dir().join(format!("sslbind-scale-peak-{}", std::process::id()));
    let mut walls = Vec::new();
    let mut peak_kib = 0;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let status = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&report)
            .arg(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|error| {
                panic!("cannot run /usr/bin/time ({error}): install Debian's `time` and `libxml2-utils`")
            });
        walls.push(start.elapsed());
        assert!(matches!(status.code(), Some(0 | 1)), "{program} {args:?} exited with {status}");
        let text = std::fs::read_to_string(&report).unwrap_or_default();
        let peak: u64 = text
            .lines()
            .last()
            .and_then(|line| line.trim().parse().ok())
            .unwrap_or_else(|| panic!("GNU time reported no peak memory for {program}: {text:?}"));
        peak_kib = peak_kib.max(peak);
    }
    let _ = std::fs::remove_file(&report);
    walls.sort();
    Process { wall: walls[walls.len() / 2], peak_kib }
}

fn timed<T>(work: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let value = work();
    (start.elapsed(), value)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |metadata| metadata.len())
}

fn folder_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| entries.filter_map(Result::ok).map(|entry| file_size(&entry.path())).sum())
        .unwrap_or(0)
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn seconds(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}

/// The results as Markdown tables, ready for `docs/performance.md`.
fn print_tables(rows: &[Row]) {
    println!(
        "| sites | bindings | mappings | certificates (names each) | input | xmllint | doctor | ratio | doctor µs/site | xmllint peak | doctor peak | peak / input |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let machine = &row.machine;
        let mappings = machine.ip_mappings + machine.sni_mappings + machine.ccs_mappings;
        let peak_bytes = row.doctor.peak_kib * 1024;
        println!(
            "| {} | {} | {} | {} ({}) | {} | {} | {} | {:.2}x | {:.1} | {} | {} | {:.1}x |",
            machine.sites,
            machine.bindings,
            mappings,
            machine.certificates,
            row.names,
            megabytes(row.input_bytes),
            seconds(row.xmllint.wall),
            seconds(row.doctor.wall),
            row.doctor.wall.as_secs_f64() / row.xmllint.wall.as_secs_f64(),
            row.doctor.wall.as_secs_f64() * 1e6 / machine.sites.max(1) as f64,
            megabytes(row.xmllint.peak_kib * 1024),
            megabytes(peak_bytes),
            peak_bytes as f64 / row.input_bytes.max(1) as f64,
        );
    }
    println!();
    println!("| sites | certificates (names each) | doctor | doctor --fix | ratio | fix peak |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {} ({}) | {} | {} | {:.2}x | {} |",
            row.machine.sites,
            row.machine.certificates,
            row.names,
            seconds(row.doctor.wall),
            seconds(row.fix.wall),
            row.fix.wall.as_secs_f64() / row.doctor.wall.as_secs_f64(),
            megabytes(row.fix.peak_kib * 1024),
        );
    }
    println!();
    println!(
        "| sites | certificates (names each) | doctor --format json | report | ratio | page | report peak |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {} ({}) | {} | {} | {:.2}x | {} | {} |",
            row.machine.sites,
            row.machine.certificates,
            row.names,
            seconds(row.doctor_json.wall),
            seconds(row.report.wall),
            row.report.wall.as_secs_f64() / row.doctor_json.wall.as_secs_f64(),
            megabytes(row.report_bytes),
            megabytes(row.report.peak_kib * 1024),
        );
    }
    println!();
    let names: Vec<&str> =
        rows.first().map(|row| row.stages.iter().map(|(name, _)| *name).collect()).unwrap_or_default();
    print!("| stage (in this process) |");
    for row in rows {
        print!(" {} sites, {} names |", row.machine.sites, row.names);
    }
    println!();
    println!("|---|{}", "---:|".repeat(rows.len()));
    for (index, name) in names.iter().enumerate() {
        print!("| {name} |");
        for row in rows {
            print!(" {} |", seconds(row.stages[index].1));
        }
        println!();
    }
}

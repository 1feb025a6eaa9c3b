//! How `sslbind doctor` scales on hosting servers, against `xmllint --noout` on the same
//! config in the same run: synthetic machines (`examples/machine_writer/scale.rs`) of 1,000,
//! 10,000 and 50,000 sites with ten names per certificate, and the two 20,000-site targets
//! (2,000 certificates of ten names, 20,000 of one name). For each it prints the wall time of
//! the whole `doctor` process and of xmllint (medians), their ratio, each stage measured in
//! this process on one thread (read config, read netsh, read certificates, read the `.reg`
//! export and the snapshot, analyse, render), and the peak memory of both processes.
//!
//! A plain `main` rather than a harness: the questions are ratios and growth, measured in one
//! run on a shared machine where absolute times are noise. Run it with
//! `cargo bench -p sslbind --bench scale` (or `-- 20000` for chosen sizes; needs xmllint from
//! Debian's libxml2-utils); `docs/performance.md` records the numbers.

#[path = "../examples/machine_writer/mod.rs"]
#[allow(dead_code)]
mod machine_writer;
// The binary's renderer, so that rendering is timed as users get it; its unit tests do not
// run in a harness-less bench, hence the unused imports.
#[path = "../src/render/mod.rs"]
#[allow(dead_code, unused_imports)]
mod render;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use machine_writer::scale::{ScaleMachine, ScaleOptions, write_scale_machine};
use sslbind_core::analysis::{self, selection::UnknownCcsFolder};
use sslbind_core::doctor::{self, Options, Overrides};
use sslbind_core::registry::{interpret, reg};
use sslbind_core::uncertain::SelectionAssumptions;
use sslbind_core::{certs, httpsys, iis, snapshot};

/// Runs of each process measurement; the median is reported.
const ROUNDS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(position) = args.iter().position(|arg| arg == PEAK_OF) {
        measure_child(&args[position + 1..]);
        return;
    }
    let chosen: Vec<usize> = args.iter().skip(1).filter_map(|arg| arg.parse().ok()).collect();
    let cases: Vec<(usize, usize)> = if chosen.is_empty() {
        vec![(1_000, 10), (10_000, 10), (50_000, 10), (20_000, 10), (20_000, 1)]
    } else {
        chosen.iter().map(|&sites| (sites, 10)).collect()
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
    let input_bytes = file_size(&machine.config) + file_size(&machine.sslcert) + folder_size(&machine.certs);
    Row { machine: machine.clone(), names, input_bytes, xmllint, doctor, stages: stages(machine) }
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
        doctor::diagnose(&context, &Overrides::default())
    });
    stages.push(("analyse and diagnose", analyse));
    let style = render::Style { colour: false, width: 100 };
    let (render_table, _) = timed(|| {
        let mut out = Vec::new();
        render::findings::table(&mut out, &model, &findings, &style).map(|()| out.len())
    });
    stages.push(("render table", render_table));
    stages
}

/// The argument that turns this program into the measuring parent of one child (see
/// [`run_process`]).
const PEAK_OF: &str = "--peak-of";

/// The median wall time of `program args` over [`ROUNDS`] runs, with its output discarded,
/// and the largest peak resident set of those runs.
///
/// Each run goes through a copy of this program started with [`PEAK_OF`]: Linux carries the
/// peak memory of a process that spawns a child over into the child's own figure (the child
/// shares the parent's memory until it executes the program), and this process holds whole
/// machines in memory. The small helper spawns the child instead, so the figure is the
/// child's own.
fn run_process(program: &str, args: &[&str]) -> Process {
    let mut walls = Vec::new();
    let mut peak_kib = 0;
    let helper = std::env::current_exe().unwrap_or_else(|error| panic!("cannot find this program: {error}"));
    for _ in 0..ROUNDS {
        let output = Command::new(&helper)
            .arg(PEAK_OF)
            .arg(program)
            .args(args)
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|error| panic!("cannot run {} ({error})", helper.display()));
        let report = String::from_utf8_lossy(&output.stdout);
        let fields: Vec<u64> = report.split_whitespace().filter_map(|field| field.parse().ok()).collect();
        let [status, nanos, peak] = fields[..] else {
            panic!("{program} {args:?} could not be measured: {report}");
        };
        assert!(status == 0 || status == 1, "{program} {args:?} exited with {status}");
        walls.push(Duration::from_nanos(nanos));
        peak_kib = peak_kib.max(peak);
    }
    walls.sort();
    Process { wall: walls[walls.len() / 2], peak_kib }
}

/// The helper's side of [`run_process`]: runs `command`, prints its exit status, wall time in
/// nanoseconds and peak resident set in KiB.
fn measure_child(command: &[String]) {
    let Some((program, args)) = command.split_first() else {
        panic!("{PEAK_OF} needs a program");
    };
    let start = Instant::now();
    // Waited for with wait4 below, which std's `Child` does not know about.
    #[allow(clippy::zombie_processes)]
    let child =
        Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap_or_else(
            |error| panic!("cannot run {program} ({error}); xmllint is in Debian's libxml2-utils"),
        );
    let (status, peak) = wait_with_peak(child.id());
    println!("{status} {} {peak}", start.elapsed().as_nanos());
}

/// Waits for child `pid` and returns its exit status and peak resident set in KiB, from
/// `wait4`'s resource usage (the standard library's `wait` does not return it).
#[allow(unsafe_code)]
fn wait_with_peak(pid: u32) -> (i32, u64) {
    let mut status = 0;
    // SAFETY: `rusage` is plain old data, so all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = libc::pid_t::try_from(pid).unwrap_or(-1);
    // SAFETY: both pointers are to live locals of the right types; `pid` is our own child,
    // which nothing else waits for (its `Child` handle is dropped unwaited, which is allowed).
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed: {}", std::io::Error::last_os_error());
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    (code, u64::try_from(usage.ru_maxrss).unwrap_or(0))
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
    let names: Vec<&str> =
        rows.first().map(|row| row.stages.iter().map(|(name, _)| *name).collect()).unwrap_or_default();
    print!("| stage (one thread) |");
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

//! `sslbind metrics`: the machine's certificates, mappings and findings in the Prometheus text
//! format, on standard output or written atomically for a textfile collector.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use sslbind_core::analysis::{Analysis, analyze, selection::UnknownCcsFolder};
use sslbind_core::doctor::{Context, Finding, Options, Overrides, diagnose};
use sslbind_core::metrics::{MetricsInput, exposition, machine_metrics};
use sslbind_core::model::Machine;
use sslbind_core::uncertain::SelectionAssumptions;
use time::OffsetDateTime;

use crate::cli::{MetricsArgs, SourceArgs};
use crate::commands::listing::load;
use crate::render;

/// doctor's window for `certificate-expiring`, as `sslbind doctor` has it by default.
const EXPIRY_DAYS: u32 = 30;

/// Runs `sslbind metrics`.
pub fn run(args: &MetricsArgs) -> anyhow::Result<ExitCode> {
    let now = args.now.unwrap_or_else(OffsetDateTime::now_utc);
    let loaded = load(&args.sources)?;
    render::warnings(&mut io::stderr().lock(), &loaded.machine.warnings)?;
    let machine = &loaded.machine;
    let (analysis, findings) = judge(machine, now);
    let machine_name = args.name.clone().unwrap_or_else(|| default_name(&args.sources));
    let input = MetricsInput {
        machine,
        analysis: &analysis,
        findings: &findings,
        machine_name: &machine_name,
        collected: now,
        now,
    };
    let text = exposition(&machine_metrics(&input));
    write_exposition(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

/// The analysis and doctor's findings with doctor's defaults, judged at `now`: what
/// `sslbind doctor` without options reports.
pub fn judge(machine: &Machine, now: OffsetDateTime) -> (Analysis, Vec<Finding>) {
    let analysis = analyze(machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    let options = Options { now, expiry_days: EXPIRY_DAYS, ccs_folder_known: false };
    let context = Context { machine, analysis: &analysis, ccs_files: &UnknownCcsFolder, options: &options };
    let findings = diagnose(&context, &Overrides::default(), sslbind_live::threads::rules_on_two_threads());
    (analysis, findings)
}

/// Writes an exposition to `output` atomically, or to standard output.
pub fn write_exposition(output: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => sslbind_live::write::write_new(path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?,
        None => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(())
}

/// The machine folder's (or file's) name; on the live machine, this computer's name.
pub fn default_name(sources: &SourceArgs) -> String {
    let from_path = sources.machine.as_deref().and_then(|path| {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let name = if path.is_dir() { path.file_name() } else { path.file_stem() };
        // `web07.snapshot.json`, as `sslbind snapshot` suggests naming it, is web07.
        name.map(|name| {
            let name = name.to_string_lossy();
            name.strip_suffix(".snapshot").unwrap_or(&name).to_owned()
        })
    });
    from_path
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned())
}

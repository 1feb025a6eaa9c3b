//! `sslbind report -o FILE.html`: reads the machine, runs the analysis, doctor and the
//! certificate usage as the other commands do, and writes the page of `render::report`, so
//! that what a colleague or an auditor reads is exactly what `doctor`, `bindings`,
//! `mappings` and `certificates` say.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use sslbind_core::analysis::{self, selection::UnknownCcsFolder, usage::certificate_list};
use sslbind_core::doctor::{self, Options, Overrides};
use sslbind_core::uncertain::SelectionAssumptions;
use time::OffsetDateTime;

use crate::cli::ReportArgs;
use crate::commands::listing::load;
use crate::render::{self, report};

/// Runs `sslbind report`.
pub fn run(args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let now = args.now.unwrap_or_else(OffsetDateTime::now_utc);
    let machine = load(&args.sources)?.machine;
    render::warnings(&mut io::stderr().lock(), &machine.warnings)?;
    let analysis = analysis::analyze(&machine, &UnknownCcsFolder, &SelectionAssumptions::default());
    // Doctor's defaults, as `sslbind doctor` without options reports.
    let options = Options { now, expiry_days: 30, ccs_folder_known: false };
    let context = doctor::Context {
        machine: &machine,
        analysis: &analysis,
        ccs_files: &UnknownCcsFolder,
        options: &options,
    };
    let findings =
        doctor::diagnose(&context, &Overrides::default(), sslbind_live::threads::rules_on_two_threads());
    let certificates = certificate_list(&machine, &analysis, None);

    let machine_name = machine_name(args);
    let title = args.title.clone().unwrap_or_else(|| format!("sslbind report: {machine_name}"));
    let page = report::page(&report::MachineReport {
        title: &title,
        machine_name: &machine_name,
        now,
        machine: &machine,
        analysis: &analysis,
        findings: &findings,
        certificates: &certificates,
    });
    sslbind_live::write::write_new(&args.output, page.as_bytes())
        .with_context(|| format!("writing {}", args.output.display()))?;
    writeln!(
        io::stdout(),
        "wrote {}: {}, {}, {}",
        args.output.display(),
        render::plural(analysis.bindings.len(), "binding"),
        render::plural(machine.mappings.len(), "mapping"),
        render::plural(findings.len(), "finding")
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The machine as the user named it: the folder or file given, else the first source option.
fn machine_name(args: &ReportArgs) -> String {
    let sources = &args.sources;
    let first = sources
        .machine
        .iter()
        .chain(sources.snapshot.iter())
        .chain(sources.configs.iter())
        .chain(sources.sslcert.iter())
        .chain(sources.registry.iter())
        .next();
    match first {
        Some(path) => path.display().to_string(),
        None => "this machine".to_owned(),
    }
}

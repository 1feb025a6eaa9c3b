//! `sslbind doctor`: read the machine leniently, run every rule, render the findings, and
//! turn the worst severity into the exit code.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use sslbind_core::analysis::{
    self,
    selection::{CcsFiles, CcsFolder, UnknownCcsFolder},
};
use sslbind_core::doctor::{self, Options, Overrides, Severity};
use sslbind_core::uncertain::SelectionAssumptions;
use time::OffsetDateTime;

use crate::cli::{DoctorArgs, DoctorFormat, FailOn};
use crate::commands::listing::load;
use crate::render::{self, Style};

/// Runs `sslbind doctor`.
pub fn run(args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    let overrides = Overrides { severities: args.severities.clone(), allowed: args.allowed.clone() };
    let now = args.now.unwrap_or_else(OffsetDateTime::now_utc);
    let machine = load(&args.sources)?.machine;
    render::warnings(&mut io::stderr().lock(), &machine.warnings)?;
    let ccs_folder = match &args.ccs_folder {
        Some(folder) => Some(sslbind_live::read_ccs_folder(folder).context("reading --ccs-folder")?),
        None => None,
    };
    let ccs_files: &dyn CcsFiles = match &ccs_folder {
        Some(folder) => folder as &CcsFolder,
        None => &UnknownCcsFolder,
    };
    let analysis = analysis::analyze(&machine, ccs_files, &SelectionAssumptions::default());
    let options = Options { now, expiry_days: args.expiry_days, ccs_folder_known: ccs_folder.is_some() };
    let context = doctor::Context { machine: &machine, analysis: &analysis, ccs_files, options: &options };
    let findings = doctor::diagnose(&context, &overrides, sslbind_live::threads::rules_on_two_threads());

    let mut out = render::stdout();
    match args.format {
        DoctorFormat::Table => render::findings::table(&mut out, &machine, &findings, &Style::for_stdout())?,
        DoctorFormat::Json => render::json::write(&mut out, &render::findings::json(&findings))?,
        DoctorFormat::Sarif => render::json::write_plain(&mut out, &render::sarif::log(&findings))?,
    }
    out.flush()?;
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed =
        threshold.is_some_and(|threshold| findings.iter().any(|finding| finding.severity >= threshold));
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
